// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IStrategy} from "./IStrategy.sol";
import {ISignatureUtilsMixinTypes} from "./ISignatureUtilsMixin.sol";

/// @title IDelegationManagerTypes
/// @notice EigenLayer's withdrawal structs, ABI-identical to mainnet v1.12.0.
interface IDelegationManagerTypes {
    /// @notice A queued withdrawal. Its root is `keccak256(abi.encode(withdrawal))`.
    /// @param withdrawer always the staker since the slashing release
    /// @param scaledShares deposit shares times the deposit scaling factor at queue time; slashing applies at
    /// completion through the operator's max magnitude at `startBlock + minWithdrawalDelayBlocks`
    struct Withdrawal {
        address staker;
        address delegatedTo;
        address withdrawer;
        uint256 nonce;
        uint32 startBlock;
        IStrategy[] strategies;
        uint256[] scaledShares;
    }

    /// @notice One element of `queueWithdrawals`. Amounts are DEPOSIT shares; the withdrawer field is ignored.
    struct QueuedWithdrawalParams {
        IStrategy[] strategies;
        uint256[] depositShares;
        address __deprecated_withdrawer;
    }
}

/// @title IDelegationManager
/// @notice The part of EigenLayer's `IDelegationManager` (v1.12.0) that lrt-vault and the local stand-in share.
interface IDelegationManager is IDelegationManagerTypes, ISignatureUtilsMixinTypes {
    /// @notice Delegates every share of the caller to `operator`. Approver signature only if the operator has one.
    function delegateTo(
        address operator,
        SignatureWithExpiry memory approverSignatureAndExpiry,
        bytes32 approverSalt
    ) external;

    /// @notice Undelegates `staker` (by the staker, its operator or the operator's approver) and queues one
    /// withdrawal per strategy for all of its deposit shares.
    function undelegate(address staker) external returns (bytes32[] memory withdrawalRoots);

    /// @notice Undelegates the caller and delegates it to `newOperator` in one call.
    function redelegate(
        address newOperator,
        SignatureWithExpiry memory newOperatorApproverSig,
        bytes32 approverSalt
    ) external returns (bytes32[] memory withdrawalRoots);

    /// @notice Queues withdrawals of the caller's DEPOSIT shares; one root per element.
    function queueWithdrawals(QueuedWithdrawalParams[] calldata params) external returns (bytes32[] memory);

    /// @notice Completes a queued withdrawal after `minWithdrawalDelayBlocks` (strictly more blocks).
    /// @param tokens one entry per strategy, the underlying token, even when receiving shares
    function completeQueuedWithdrawal(
        Withdrawal calldata withdrawal,
        IERC20[] calldata tokens,
        bool receiveAsTokens
    ) external;

    /// @notice Batched `completeQueuedWithdrawal`.
    function completeQueuedWithdrawals(
        Withdrawal[] calldata withdrawals,
        IERC20[][] calldata tokens,
        bool[] calldata receiveAsTokens
    ) external;

    /// @notice Slashing-adjusted shares `staker` could withdraw now, and its raw deposit shares, per strategy.
    function getWithdrawableShares(
        address staker,
        IStrategy[] memory strategies
    ) external view returns (uint256[] memory withdrawableShares, uint256[] memory depositShares);

    /// @notice Every queued withdrawal of `staker` and its shares after all slashing so far.
    /// @dev While a withdrawal's slashable window is open, its shares can still go down.
    function getQueuedWithdrawals(
        address staker
    ) external view returns (Withdrawal[] memory withdrawals, uint256[][] memory shares);

    /// @notice One queued withdrawal and its shares after all slashing so far.
    function getQueuedWithdrawal(
        bytes32 withdrawalRoot
    ) external view returns (Withdrawal memory withdrawal, uint256[] memory shares);

    /// @notice Deposit shares to queue to withdraw `withdrawableShares` (each rounded down).
    function convertToDepositShares(
        address staker,
        IStrategy[] memory strategies,
        uint256[] memory withdrawableShares
    ) external view returns (uint256[] memory);

    /// @notice The root of a withdrawal: `keccak256(abi.encode(withdrawal))`.
    function calculateWithdrawalRoot(Withdrawal memory withdrawal) external pure returns (bytes32);

    /// @notice The operator `staker` is delegated to, or zero.
    function delegatedTo(address staker) external view returns (address);

    /// @notice Whether `staker` is delegated.
    function isDelegated(address staker) external view returns (bool);

    /// @notice Whether `operator` is a registered operator.
    function isOperator(address operator) external view returns (bool);

    /// @notice Blocks a queued withdrawal waits (completion needs strictly more).
    function minWithdrawalDelayBlocks() external view returns (uint32);

    /// @notice Withdrawals `staker` has queued so far; the next withdrawal's nonce.
    function cumulativeWithdrawalsQueued(address staker) external view returns (uint256);

    /// @notice The roots of `staker`'s pending withdrawals (cheap: no slashing maths, no struct).
    function getQueuedWithdrawalRoots(address staker) external view returns (bytes32[] memory);

    /// @notice The AllocationManager this DelegationManager reads magnitudes from.
    function allocationManager() external view returns (address);

    /// @notice The EigenPodManager, share manager of the beacon chain ETH strategy.
    function eigenPodManager() external view returns (address);
}
