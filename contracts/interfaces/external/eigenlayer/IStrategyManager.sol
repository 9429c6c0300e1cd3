// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IStrategy} from "./IStrategy.sol";

/// @title IStrategyManager
/// @notice The part of EigenLayer's `IStrategyManager` (v1.12.0) that lrt-vault and the local stand-in share.
interface IStrategyManager {
    /// @notice Pulls `amount` of `token` from the caller into `strategy` and credits the caller with deposit shares.
    /// @dev The caller approves the StrategyManager (not the strategy). Reverts `StrategyNotWhitelisted`,
    /// `OnlyUnderlyingToken`, `NewSharesZero`, `MaxStrategiesExceeded`, `FullySlashed` or `CurrentlyPaused`.
    function depositIntoStrategy(
        IStrategy strategy,
        IERC20 token,
        uint256 amount
    ) external returns (uint256 depositShares);

    /// @notice Deposit shares of `staker` in `strategy`; never reduced by slashing.
    function stakerDepositShares(address staker, IStrategy strategy) external view returns (uint256);

    /// @notice Whether deposits into `strategy` are open.
    function strategyIsWhitelistedForDeposit(IStrategy strategy) external view returns (bool);

    /// @notice Every strategy `staker` holds deposit shares in, and those shares.
    function getDeposits(address staker) external view returns (IStrategy[] memory, uint256[] memory);
}
