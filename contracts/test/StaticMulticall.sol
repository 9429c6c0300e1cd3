// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title StaticMulticall
/// @notice Test-only: runs many read-only calls in one `eth_call`, so the invariant tests can read the whole system
/// after every step without paying one RPC round trip per value. It adds nothing of its own: each result is the
/// target's own return data, and any failing call reverts the batch with the call's index and revert data.
contract StaticMulticall {
    /// @notice One read: `data` is the ABI-encoded call to `target`.
    struct Call {
        address target;
        bytes data;
    }

    /// @notice Call `index` reverted with `reason`.
    error StaticMulticallFailed(uint256 index, bytes reason);

    /// @notice Runs every call with `staticcall` and returns the raw return data, in order.
    function aggregate(Call[] calldata calls) external view returns (bytes[] memory results) {
        results = new bytes[](calls.length);
        for (uint256 i = 0; i < calls.length; ++i) {
            // A static call to a view function: no state can change, so nothing can reenter.
            (bool ok, bytes memory ret) = calls[i].target.staticcall(calls[i].data);
            if (!ok) revert StaticMulticallFailed(i, ret);
            results[i] = ret;
        }
    }

    /// @notice The ETH balance of `account` (to batch balances with the other reads).
    function ethBalance(address account) external view returns (uint256) {
        return account.balance;
    }

    /// @notice The timestamp of the block the batch runs in.
    function timestamp() external view returns (uint256) {
        return block.timestamp;
    }

    /// @notice The number of the block the batch runs in.
    function blockNumber() external view returns (uint256) {
        return block.number;
    }
}
