// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IStrategy} from "./external/eigenlayer/IStrategy.sol";
import {IDelegationManagerTypes} from "./external/eigenlayer/IDelegationManager.sol";

/// @title IOperatorDelegator
/// @notice One EigenLayer staker account of lrt-vault, delegated to one operator. Deployed as a beacon proxy by the
/// restaking manager, which alone drives it. It holds strategy shares, never idle tokens: tokens it receives from a
/// completed withdrawal leave for the vault in the same transaction. Rewards are claimed by the manager (set as
/// this account's claimer), never through the delegator.
interface IOperatorDelegator {
    /// @notice Only the restaking manager may call this.
    error OperatorDelegatorOnlyManager(address caller);

    /// @notice Sets the manager, EigenLayer contracts and the vault; delegates to `operator`; makes the manager
    /// the rewards claimer.
    function initialize(
        address manager,
        address vault,
        address operator,
        address strategyManager,
        address delegationManager,
        address rewardsCoordinator
    ) external;

    /// @notice The operator this delegator was delegated to last (it may have force-undelegated us).
    function operator() external view returns (address);

    /// @notice Deposits `amount` of `token` it holds into `strategy`.
    function deposit(IStrategy strategy, IERC20 token, uint256 amount) external returns (uint256 depositShares);

    /// @notice Queues a withdrawal of `depositShares` of `strategy`.
    function queueWithdrawal(IStrategy strategy, uint256 depositShares) external returns (bytes32 root);

    /// @notice Completes a queued withdrawal as tokens and approves the vault to pull them.
    function completeWithdrawal(
        IDelegationManagerTypes.Withdrawal calldata withdrawal,
        IERC20[] calldata tokens
    ) external;

    /// @notice Undelegates (queuing every share) and delegates to `newOperator`.
    function redelegate(address newOperator) external returns (bytes32[] memory roots);

    /// @notice Lets the vault pull `amount` of `token` from this delegator.
    function approveVault(IERC20 token, uint256 amount) external;
}
