// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ILRTVault} from "./interfaces/ILRTVault.sol";
import {IStrategy} from "./interfaces/external/eigenlayer/IStrategy.sol";
import {IStrategyManager} from "./interfaces/external/eigenlayer/IStrategyManager.sol";
import {IDelegationManager} from "./interfaces/external/eigenlayer/IDelegationManager.sol";
import {IRewardsCoordinator} from "./interfaces/external/eigenlayer/IRewardsCoordinator.sol";
import {IAllocationManager} from "./interfaces/external/eigenlayer/IAllocationManager.sol";

/// @title RestakingManagerStorage
/// @notice The restaking manager's storage layout: one ERC-7201 namespace, declared here so that `RestakingManager`
/// inherits it (the upgrade-safety validation checks it there) and the `RestakingPositions` library, which runs in
/// the manager's storage, shares it.
abstract contract RestakingManagerStorage {
    /// @notice The most delegators (bounds the cost of `positions()` and so of every sync).
    uint256 public constant MAX_DELEGATORS = 16;
    /// @notice The most assets with a strategy (bounds the cost of every sync).
    uint256 public constant MAX_STRATEGIES = 4;

    /// @dev `position` is the delegator's index in `delegators` plus one (zero: not ours).
    struct DelegatorInfo {
        uint16 targetBps;
        uint8 position;
    }

    /// @dev Laid out for `positions()`, which every sync pays for: the oracle and both counts share one slot, and
    /// the lists are fixed-size arrays (no length slot to read), so a valuation reads 2 + D + 2S slots. The array
    /// sizes are `MAX_DELEGATORS` and `MAX_STRATEGIES`: an upgrade must keep them (later fields would move).
    /// @custom:storage-location erc7201:lrt.storage.RestakingManager
    struct ManagerStorage {
        IAllocationManager allocationManager;
        uint8 delegatorCount;
        uint8 strategyCount;
        IDelegationManager delegationManager;
        ILRTVault vault;
        IStrategyManager strategyManager;
        IRewardsCoordinator rewardsCoordinator;
        address delegatorBeacon;
        address rewardsRecipient;
        uint16 totalTargetBps;
        address[MAX_DELEGATORS] delegators;
        IStrategy[MAX_STRATEGIES] strategies;
        address[MAX_STRATEGIES] assets;
        mapping(address delegator => DelegatorInfo) info;
        mapping(address asset => IStrategy) strategyOf;
    }
}
