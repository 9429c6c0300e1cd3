// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IWithdrawalQueue} from "../interfaces/IWithdrawalQueue.sol";

/// @title ReentrantClaimerMock
/// @notice Test-only withdrawal-request owner that attacks the queue on receiving ETH: it re-enters `claim` with the
/// ids it was armed with, catches the outcome (so the outer claim still completes) and records it. It also records
/// its balance of each watched token at that moment, to show that tokens were paid before ETH.
contract ReentrantClaimerMock {
    /// @notice The queue attacked.
    IWithdrawalQueue public immutable queue;

    uint256[] private _reentryIds;
    address[] private _watched;
    uint256[] private _balancesAtReceipt;

    /// @notice How many ETH transfers arrived, and their total.
    uint256 public receipts;
    uint256 public received;
    /// @notice Whether the re-entrant claim succeeded, and its revert data if it did not.
    bool public reentrySucceeded;
    bytes public reentryError;

    constructor(IWithdrawalQueue queue_) {
        queue = queue_;
    }

    /// @notice Arms the attack: on receiving ETH, claim `ids` again (to this contract). An empty list disarms it.
    function arm(uint256[] calldata ids) external {
        _reentryIds = ids;
    }

    /// @notice Tokens whose balance (of this contract) is recorded when ETH arrives.
    function watch(address[] calldata tokens) external {
        _watched = tokens;
    }

    /// @notice Claims `ids`, which this contract owns, paying itself.
    function claim(uint256[] calldata ids) external {
        queue.claim(ids, address(this));
    }

    /// @notice The watched tokens' balances recorded at the last ETH receipt.
    function balancesAtReceipt() external view returns (uint256[] memory) {
        return _balancesAtReceipt;
    }

    /// @notice Records the receipt and the watched balances, then re-enters `claim` once if armed.
    receive() external payable {
        _onReceipt();
    }

    function _onReceipt() private {
        receipts += 1;
        received += msg.value;
        delete _balancesAtReceipt;
        for (uint256 i = 0; i < _watched.length; ++i) {
            _balancesAtReceipt.push(IERC20(_watched[i]).balanceOf(address(this)));
        }
        if (_reentryIds.length == 0) return;
        uint256[] memory ids = _reentryIds;
        delete _reentryIds;
        try queue.claim(ids, address(this)) {
            reentrySucceeded = true;
        } catch (bytes memory err) {
            reentryError = err;
        }
    }
}
