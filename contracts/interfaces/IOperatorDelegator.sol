// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IStrategy} from "./external/eigenlayer/IStrategy.sol";
import {IDelegationManagerTypes} from "./external/eigenlayer/IDelegationManager.sol";
import {IValidatorKeyRegistry} from "./IValidatorKeyRegistry.sol";

/// @title IOperatorDelegator
/// @notice One EigenLayer staker account of lrt-vault, delegated to one operator. Deployed as a beacon proxy by the
/// restaking manager, which alone drives it. It holds strategy shares, never idle tokens: tokens it receives from a
/// completed withdrawal leave for the vault in the same transaction. Rewards are claimed by the manager (set as
/// this account's claimer), never through the delegator.
/// @dev Every mutating function reverts `OperatorDelegatorOnlyManager` unless called by the manager. stETH moves by
/// Lido shares rounded down, so at most a share or two of stETH (below 2 wei) can stay behind after a deposit or a
/// withdrawal; it stays uncounted, like any token sent here by others (the manager deposits only what the vault
/// sent and moves only what a withdrawal paid).
interface IOperatorDelegator {
    /// @notice Only the restaking manager may call this.
    /// @param caller the caller
    error OperatorDelegatorOnlyManager(address caller);
    /// @notice A zero address was given to `initialize`.
    error OperatorDelegatorZeroAddress();
    /// @notice ETH came from someone other than the vault or this delegator's pod.
    /// @param sender who sent it
    error OperatorDelegatorUnexpectedETH(address sender);

    /// @notice Delegates to `operator` (no approver signature: lrt-vault only uses operators without a delegation
    /// approver) and makes the manager the rewards claimer. The manager, the vault and the EigenLayer contracts are
    /// immutables of the implementation (one beacon for all delegators).
    /// @param operator the EigenLayer operator to delegate to (registered, without a delegation approver; not zero)
    function initialize(address operator) external;

    /// @notice The operator this delegator was delegated to last (it may have force-undelegated us).
    /// @return the operator (it may have force-undelegated this delegator since)
    function operator() external view returns (address);

    /// @notice The operator before the last redelegation (zero: never redelegated). Withdrawals queued while
    /// delegated to it stay slashable by it until they complete.
    /// @return the previous operator (zero: never redelegated)
    function previousOperator() external view returns (address);

    /// @notice The restaking manager that drives this delegator.
    /// @return the restaking manager
    function manager() external view returns (address);

    /// @notice Deposits `amount` of `token` it holds into `strategy`: approves the StrategyManager for exactly
    /// `amount`, which it pulls in full.
    /// @param strategy the EigenLayer strategy
    /// @param token its underlying token
    /// @param amount token units (stETH: its balance units)
    /// @return depositShares the deposit shares EigenLayer credited
    function deposit(IStrategy strategy, IERC20 token, uint256 amount) external returns (uint256 depositShares);

    /// @notice Queues one withdrawal of `depositShares` of `strategy` (withdrawer: this delegator).
    /// @param strategy the EigenLayer strategy
    /// @param depositShares deposit shares to withdraw (not withdrawable shares)
    /// @return root the withdrawal root EigenLayer returned
    function queueWithdrawal(IStrategy strategy, uint256 depositShares) external returns (bytes32 root);

    /// @notice Completes a queued withdrawal as tokens, which arrive here; the manager then moves them to the vault
    /// through `approveVault` in the same transaction.
    /// @param withdrawal the queued withdrawal, as EigenLayer recorded it
    /// @param tokens each of its strategies' underlying token, in the withdrawal's order
    function completeWithdrawal(
        IDelegationManagerTypes.Withdrawal calldata withdrawal,
        IERC20[] calldata tokens
    ) external;

    /// @notice Undelegates (queuing every share) and delegates to `newOperator`. If the delegator is not delegated
    /// (its operator force-undelegated it, which already queued every share) it only delegates, and returns no root.
    /// @param newOperator the operator to delegate to (without a delegation approver)
    /// @return roots the roots of the withdrawals EigenLayer queued (empty when it only delegated)
    function redelegate(address newOperator) external returns (bytes32[] memory roots);

    /// @notice Lets the vault pull `amount` of `token` from this delegator (sets the allowance to exactly `amount`).
    /// @param token the token
    /// @param amount the exact allowance, in token units
    function approveVault(IERC20 token, uint256 amount) external;

    /// @notice Stakes one validator per key, 32 of the ETH it holds each (the vault sent it in the same call), through
    /// `EigenPodManager.stake`, with this delegator's pod as 0x01 withdrawal credentials (the first stake creates the
    /// pod). The deposit contract refuses a key whose deposit data root does not match.
    /// @param keys the validators' keys (pubkey, deposit signature, deposit data root)
    function stakeValidators(IValidatorKeyRegistry.Key[] calldata keys) external;

    /// @notice Sets the pod's proof submitter (creating the pod if it does not exist yet): the keeper account that
    /// verifies withdrawal credentials, starts checkpoints and requests validator exits (EIP-7002) on the pod.
    /// @param submitter the proof submitter (zero: only this delegator, which never submits proofs itself)
    function setProofSubmitter(address submitter) external;

    /// @notice Sends `amount` of the ETH it holds (a completed beacon chain ETH withdrawal) to the manager, which
    /// puts it in the vault's buffer in the same call.
    /// @param amount wei
    function sendETH(uint256 amount) external;

    /// @notice This delegator's EigenPod (or the address it will be created at).
    /// @return the pod
    function pod() external view returns (address);
}
