// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title IStrategy
/// @notice The part of EigenLayer's `IStrategy` (v1.12.0) that lrt-vault and the local stand-in share. Selectors
/// match `deploy/eigenlayer/interfaces.json`; test/eigenlayer/fidelity.test.ts proves it.
/// @dev Strategy shares are converted to tokens with a 1000/1000 virtual offset, rounding down both ways.
interface IStrategy {
    /// @notice Called by the StrategyManager after it moved `amount` of `token` in; returns the new shares (floor).
    function deposit(IERC20 token, uint256 amount) external returns (uint256 newShares);

    /// @notice Called by the StrategyManager; burns `amountShares` and sends their tokens (floor) to `recipient`.
    function withdraw(address recipient, IERC20 token, uint256 amountShares) external returns (uint256 amountOut);

    /// @notice Hook the StrategyManager calls before crediting deposit shares (v1.12.0).
    function beforeAddShares(address staker, uint256 shares) external;

    /// @notice Hook the StrategyManager calls before removing deposit shares (v1.12.0).
    function beforeRemoveShares(address staker, uint256 shares) external;

    /// @notice Tokens that `amountShares` strategy shares are worth now, rounded down.
    function sharesToUnderlyingView(uint256 amountShares) external view returns (uint256);

    /// @notice Strategy shares that `amountUnderlying` tokens would buy now, rounded down.
    function underlyingToSharesView(uint256 amountUnderlying) external view returns (uint256);

    /// @notice The deposit shares `user` holds in the StrategyManager for this strategy, valued in tokens (floor).
    /// @dev NOT slashing-adjusted: value positions with `IDelegationManager.getWithdrawableShares` instead.
    function userUnderlyingView(address user) external view returns (uint256);

    /// @notice The deposit shares `user` holds in the StrategyManager for this strategy (not slashing-adjusted).
    function shares(address user) external view returns (uint256);

    /// @notice The token this strategy holds.
    function underlyingToken() external view returns (IERC20);

    /// @notice All strategy shares outstanding.
    function totalShares() external view returns (uint256);
}
