// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ILRTVault} from "../interfaces/ILRTVault.sol";
import {IRestakingManager} from "../interfaces/IRestakingManager.sol";
import {IDelegationManagerTypes} from "../interfaces/external/eigenlayer/IDelegationManager.sol";

/// @title RestakingProbe
/// @notice Test-only: completes withdrawals through the (permissionless) restaking manager and reads the vault's
/// buffers and the manager's positions right before and right after, inside the same transaction, to show a
/// completed withdrawal is counted exactly once at every point.
contract RestakingProbe {
    /// @notice What `sync()` would read: the vault's records (buffers) and the manager's positions.
    struct Snapshot {
        ILRTVault.SyncInput[] inputs;
        IRestakingManager.AssetPosition[] positions;
    }

    /// @notice Snapshots, completes `withdrawals` of `delegator`, snapshots again.
    function completeAndSnapshot(
        IRestakingManager manager,
        ILRTVault vault,
        address delegator,
        IDelegationManagerTypes.Withdrawal[] calldata withdrawals
    ) external returns (Snapshot memory before, Snapshot memory after_) {
        before = Snapshot(vault.syncInputs(), manager.positions());
        manager.completeWithdrawals(delegator, withdrawals);
        after_ = Snapshot(vault.syncInputs(), manager.positions());
    }
}
