// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IRewardsCoordinator} from "../../interfaces/external/eigenlayer/IRewardsCoordinator.sol";
import {ERC20Mock} from "./ERC20Mock.sol";

/// @title ReentrantRewardTokenMock
/// @notice A reward token that calls back into the RewardsCoordinator while it pays out, to test the reentrancy lock.
/// @dev On every transfer out of `target` it calls `target.processClaims([], to)`; an empty batch would succeed
/// unless the lock rejects the nested call. The target is set with `setReentryTarget`.
contract ReentrantRewardTokenMock is ERC20Mock("Reentrant Reward Token", "RRWD") {
    IRewardsCoordinator private _target;

    /// @notice Arms the callback against `target` (zero disarms it).
    function setReentryTarget(IRewardsCoordinator target) external {
        _target = target;
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (address(_target) != address(0) && from == address(_target)) {
            _target.processClaims(new IRewardsCoordinator.RewardsMerkleClaim[](0), to);
        }
    }
}
