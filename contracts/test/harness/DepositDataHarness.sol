// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {DepositData} from "../../libraries/DepositData.sol";

/// @title DepositDataHarness
/// @notice Exposes the `DepositData` library to tests.
contract DepositDataHarness {
    function root(
        bytes calldata pubkey,
        bytes calldata signature,
        bytes32 withdrawalCredentials,
        uint64 amountGwei
    ) external view returns (bytes32) {
        return DepositData.root(pubkey, signature, withdrawalCredentials, amountGwei);
    }

    function pubkeyHash(bytes calldata pubkey) external view returns (bytes32) {
        return DepositData.pubkeyHash(pubkey);
    }

    function podCredentials(address pod) external pure returns (bytes32) {
        return DepositData.podCredentials(pod);
    }

    function stakeGwei() external pure returns (uint64) {
        return DepositData.STAKE_GWEI;
    }
}
