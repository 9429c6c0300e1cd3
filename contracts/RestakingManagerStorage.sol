// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MAX_UNVERIFIED_VALIDATORS} from "./libraries/Constants.sol";

/// @title RestakingManagerStorage
/// @notice The restaking manager's storage layout: one ERC-7201 namespace, declared here so that `RestakingManager`
/// inherits it (the upgrade-safety validation checks it there) and the `RestakingPositions` library, which runs in
/// the manager's storage, shares it. The vault holds each asset's strategy; the EigenLayer contracts, the vault and
/// the delegators' beacon are immutables of the implementation: only the delegators live here.
abstract contract RestakingManagerStorage {
    /// @notice The most delegators (bounds the cost of `positions()` and so of every sync).
    uint256 public constant MAX_DELEGATORS = 16;
    /// @notice The most validators staked and not yet verified, over all delegators (bounds `positions()`: each
    /// costs a sync one pod read, about 5,000 gas). Verify credentials before staking more.
    uint256 public constant MAX_UNVERIFIED = MAX_UNVERIFIED_VALIDATORS;

    /// @dev `position` is the delegator's index in `delegators` plus one (zero: not ours).
    struct DelegatorInfo {
        uint16 targetBps;
        uint8 position;
    }

    /// @dev The delegators are a fixed-size array (no length slot to read): an upgrade must keep `MAX_DELEGATORS`.
    /// @custom:storage-location erc7201:lrt.storage.RestakingManager
    struct ManagerStorage {
        uint8 delegatorCount;
        uint16 totalTargetBps;
        address rewardsRecipient;
        address[MAX_DELEGATORS] delegators;
        mapping(address delegator => DelegatorInfo) info;
        /// @dev Pubkey hashes of validators staked through each delegator's pod and not yet seen verified, and how
        /// many there are over all delegators (at most `MAX_UNVERIFIED`).
        mapping(address delegator => bytes32[]) unverified;
        uint16 unverifiedCount;
    }
}
