// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ILRTVault} from "./ILRTVault.sol";
import {IValidatorKeyRegistry} from "./IValidatorKeyRegistry.sol";
import {IStrategy} from "./external/eigenlayer/IStrategy.sol";
import {IDelegationManagerTypes} from "./external/eigenlayer/IDelegationManager.sol";
import {IRewardsCoordinatorTypes} from "./external/eigenlayer/IRewardsCoordinator.sol";

/// @notice The EigenLayer contracts a restaking manager (and its delegators) are built with, and the beacon of the
/// delegators' implementation.
/// @param strategyManager EigenLayer's StrategyManager
/// @param delegationManager EigenLayer's DelegationManager
/// @param rewardsCoordinator EigenLayer's RewardsCoordinator
/// @param delegatorBeacon the UpgradeableBeacon of the operator-delegator implementation
struct EigenLayerLinks {
    address strategyManager;
    address delegationManager;
    address rewardsCoordinator;
    address delegatorBeacon;
}

/// @title IRestakingManager
/// @notice Runs lrt-vault's EigenLayer side: one operator-delegator contract per operator (beacon proxies), the
/// strategy of each asset, per-delegator allocation targets, and the keeper operations that move buffered LSTs into
/// strategies, queue and complete EigenLayer withdrawals, and claim rewards. It also values every position for the
/// vault's `sync()` with EigenLayer's slashing-aware views. It never holds user funds between transactions.
///
/// Valuation (`positions`): per strategy, the delegators' withdrawable shares (`getWithdrawableShares`, slashing
/// applied) and the shares of their queued withdrawals (`getQueuedWithdrawals`, slashing so far applied) are summed,
/// each sum is converted once with the strategy's `sharesToUnderlyingView` and then to accounting units with the
/// oracle; every step rounds down. Queued shares stay counted until the withdrawal completes, and completion moves
/// the tokens into the vault's buffer in the same transaction, so a withdrawal is counted exactly once at any time:
/// an operator that force-undelegates a delegator, or a redelegation, moves value from "withdrawable" to "queued"
/// without changing the total (Renzo RENZO-03).
interface IRestakingManager {
    /// @notice Restaked and queued amounts of one asset, slashing-adjusted, in the vault's accounting units.
    /// @param asset the restaked asset
    /// @param index the asset's index in the vault
    /// @param withdrawableUnits units the delegators could withdraw now (slashing applied), rounded down
    /// @param queuedUnits units in the delegators' queued withdrawals (slashing so far applied), rounded down
    struct AssetPosition {
        address asset;
        uint256 index;
        uint256 withdrawableUnits;
        uint256 queuedUnits;
    }

    /// @notice One (delegator, strategy) position, for dApps and operators.
    /// @param delegator the operator-delegator contract
    /// @param strategy the EigenLayer strategy
    /// @param operator the operator the delegator was delegated to last
    /// @param withdrawableShares its withdrawable shares (`getWithdrawableShares`, slashing applied)
    /// @param queuedShares the shares of its queued withdrawals (slashing so far applied)
    /// @param delegated whether it is delegated now (false after a forced undelegation)
    /// @param withdrawableTokens `sharesToUnderlyingView(withdrawableShares)`, rounded down (token balance units)
    /// @param queuedTokens `sharesToUnderlyingView(queuedShares)`, rounded down (token balance units)
    struct DelegatorPosition {
        address delegator;
        address operator;
        bool delegated;
        address strategy;
        uint256 withdrawableShares;
        uint256 queuedShares;
        uint256 withdrawableTokens;
        uint256 queuedTokens;
    }

    /// @notice A delegator was created for `operator`.
    /// @param delegator the new delegator (a beacon proxy)
    /// @param operator the operator it delegated to
    /// @param targetBps its allocation target, in bps of the total restaked value
    event DelegatorAdded(address indexed delegator, address indexed operator, uint16 targetBps);
    /// @notice Allocation targets changed.
    /// @param delegators every delegator, as given
    /// @param targetBps their targets in the same order, in bps (summing to 10000)
    event TargetsUpdated(address[] delegators, uint16[] targetBps);
    /// @notice The keeper restaked `units` of `asset` through `delegator`.
    /// @param delegator the delegator
    /// @param asset the LST
    /// @param units the accounting units (stETH: Lido shares) the vault released
    /// @param depositShares the deposit shares EigenLayer credited
    event Restaked(address indexed delegator, address indexed asset, uint256 units, uint256 depositShares);
    /// @notice The keeper queued an EigenLayer withdrawal.
    /// @param delegator the delegator
    /// @param strategy the strategy
    /// @param root the withdrawal root
    /// @param depositShares the deposit shares queued
    event WithdrawalQueued(address indexed delegator, IStrategy indexed strategy, bytes32 root, uint256 depositShares);
    /// @notice A queued withdrawal completed and its tokens entered the vault's buffer (one event per asset received).
    /// @param delegator the delegator
    /// @param root the withdrawal root
    /// @param asset the token received
    /// @param units the accounting units (stETH: Lido shares) that entered the buffer
    event WithdrawalCompleted(address indexed delegator, bytes32 root, address asset, uint256 units);
    /// @notice Rewards were claimed: countable ones entered the buffer, the rest went to the rewards recipient.
    /// @param delegator the earner
    /// @param token the reward token
    /// @param amount the token amount the manager received
    /// @param counted whether it is a vault asset (entered the buffer) or went to the rewards recipient
    event RewardsClaimed(address indexed delegator, IERC20 indexed token, uint256 amount, bool counted);
    /// @notice The recipient of non-countable reward tokens changed.
    /// @param recipient the new recipient
    event RewardsRecipientUpdated(address recipient);
    /// @notice A delegator was moved to another operator (its shares were queued for withdrawal).
    /// @param delegator the delegator
    /// @param operator its new operator
    event Redelegated(address indexed delegator, address indexed operator);
    /// @notice Validators were staked with 32 ETH each from the vault through `delegator`'s pod.
    /// @param delegator the delegator (the pod owner)
    /// @param pubkeyHashes the validators' pubkey hashes (`sha256(pubkey || bytes16(0))`, EigenLayer's)
    event ValidatorsStaked(address indexed delegator, bytes32[] pubkeyHashes);
    /// @notice A staked validator's credentials were found verified by its pod (its ETH counts as shares now) and it
    /// left the unverified list.
    /// @param delegator the delegator
    /// @param pubkeyHash the validator's pubkey hash
    event ValidatorVerified(address indexed delegator, bytes32 pubkeyHash);
    /// @notice A staked validator that can never be verified (front-run with other credentials) was written off: its
    /// 32 ETH no longer counts, and the next sync books the loss.
    /// @param delegator the delegator
    /// @param pubkeyHash the validator's pubkey hash
    event ValidatorWrittenOff(address indexed delegator, bytes32 pubkeyHash);
    /// @notice The proof submitter of `delegator`'s pod was set.
    /// @param delegator the delegator
    /// @param submitter the proof submitter (the keeper)
    event ProofSubmitterSet(address indexed delegator, address submitter);

    /// @notice Not one of our delegators.
    /// @param delegator the address given
    error RestakingManagerUnknownDelegator(address delegator);
    /// @notice The asset has no strategy.
    /// @param asset the asset
    error RestakingManagerNoStrategy(address asset);
    /// @notice Targets must sum to 10000 bps (at most 10000 while adding delegators), one per delegator: `total` is
    /// what they would sum to.
    /// @param total the sum in bps (0 when a list has the wrong length or names a delegator twice)
    error RestakingManagerInvalidTargets(uint256 total);
    /// @notice The move would take the delegator away from its allocation target: before the move it already held
    /// at least its target share of the total restaked value after the move (values in ETH, rounded down).
    /// @param delegator the delegator
    /// @param valueAfter its value after the move (ETH, wei)
    /// @param targetValue its target share of the total after the move (ETH, wei)
    error RestakingManagerAboveTarget(address delegator, uint256 valueAfter, uint256 targetValue);
    /// @notice A zero amount or address.
    error RestakingManagerZeroInput();
    /// @notice The withdrawal does not belong to this delegator.
    /// @param root the withdrawal's root (`keccak256(abi.encode(withdrawal))`)
    error RestakingManagerForeignWithdrawal(bytes32 root);
    /// @notice At most `max` delegators.
    /// @param max `MAX_DELEGATORS` (16)
    error RestakingManagerTooManyDelegators(uint256 max);
    /// @notice The rewards claim is for `earner`, not for the delegator named.
    /// @param delegator the delegator named
    /// @param earner the claim's earner
    error RestakingManagerWrongEarner(address delegator, address earner);
    /// @notice The delegator is not delegated (its operator force-undelegated it): redelegate it first.
    /// @param delegator the delegator
    error RestakingManagerNotDelegated(address delegator);
    /// @notice The setter would not change anything (`value` is already set).
    /// @param value the value given
    error RestakingManagerNoChange(address value);
    /// @notice `delegator` still has a withdrawal queued under `operator`, the operator before its current one: a
    /// redelegation would stop watching it for slashes (`slashedSince`). Complete it first.
    /// @param delegator the delegator
    /// @param operator its previous operator
    error RestakingManagerPreviousOperatorPending(address delegator, address operator);
    /// @notice `delegator` already has `pending` EigenLayer withdrawals; this action needs `pending <= allowed` (it
    /// must leave room for a forced undelegation, so the count never passes `MAX_PENDING_WITHDRAWALS`). Complete
    /// some first (`completeWithdrawals`, permissionless).
    /// @param delegator the delegator
    /// @param pending its pending EigenLayer withdrawals
    /// @param allowed the most it may have for this action
    error RestakingManagerTooManyPending(address delegator, uint256 pending, uint256 allowed);
    /// @notice ETH is staked in validators (`stakeValidators`), not restaked in a strategy.
    error RestakingManagerNativeETH();
    /// @notice The deposit contract's root is not the one the keeper checked the keys against: a deposit happened
    /// since (possibly a front-run of one of the keys). Check again and retry.
    /// @param expected the root the keeper checked
    /// @param actual the deposit contract's root now
    error RestakingManagerDepositRootMoved(bytes32 expected, bytes32 actual);
    /// @notice Staking `count` more validators would leave more than `MAX_UNVERIFIED` unverified (`unverified` now):
    /// verify credentials first.
    /// @param unverified validators staked and not yet verified, over all delegators
    /// @param count validators asked for
    error RestakingManagerTooManyUnverified(uint256 unverified, uint256 count);
    /// @notice `pubkeyHash` is not in `delegator`'s unverified list.
    /// @param delegator the delegator
    /// @param pubkeyHash the pubkey hash given
    error RestakingManagerUnknownValidator(address delegator, bytes32 pubkeyHash);
    /// @notice ETH came from someone other than a delegator.
    /// @param sender who sent it
    error RestakingManagerUnexpectedETH(address sender);

    /// @notice Every asset with a strategy (in the vault's order, with its index) and its restaked and queued totals
    /// across delegators, in accounting units (converted with the asset's adapter), rounded down. Called by the
    /// accountant's `sync`.
    /// @dev Cost: two DelegationManager calls per delegator, at most two strategy and two adapter calls per strategy.
    /// Reverts `ReentrancyGuardReentrantCall` while a manager operation is under way (a token hook re-entering
    /// during a restake or a completion, when units are in flight between the vault and EigenLayer), so no sync can
    /// value them as lost.
    /// @return one `AssetPosition` per asset with a strategy
    function positions() external view returns (AssetPosition[] memory);

    /// @notice Every (delegator, strategy) position, delegator-major.
    /// @return one `DelegatorPosition` per (delegator, strategy), in the vault's strategy order within each delegator
    function delegatorPositions() external view returns (DelegatorPosition[] memory);

    /// @notice Whether EigenLayer cut the max magnitude of any delegator's operator (the operator it was delegated to
    /// last, and the one before a redelegation) for any of our strategies after block `blockNumber`: a slash the
    /// vault's rate may not show yet.
    /// @dev Two AllocationManager reads per operator watched (`getMaxMagnitudes` now and at `blockNumber`).
    /// @param blockNumber the block to compare with (the accountant passes the block before its last sync)
    /// @return true if a cut happened after it (false with no strategy)
    function slashedSince(uint256 blockNumber) external view returns (bool);

    /// @notice All delegators, in creation order.
    /// @return the delegators
    function delegators() external view returns (address[] memory);

    /// @notice The allocation target of `delegator`, in bps of the total restaked value (0 for unknown addresses).
    /// @param delegator any address
    /// @return its target, in bps
    function targetOf(address delegator) external view returns (uint16);

    /// @notice The strategy `asset` restakes into (zero: none): the vault's record.
    /// @param asset any address
    /// @return the strategy (zero: none)
    function strategyOf(address asset) external view returns (IStrategy);

    /// @notice Whether any delegator still holds deposit shares of `strategy` or has a queued withdrawal from it
    /// (the vault asks before replacing an asset's strategy).
    /// @param strategy an EigenLayer strategy
    /// @return true if any delegator holds deposit shares of it or has a queued withdrawal from it
    function inUse(address strategy) external view returns (bool);

    /// @notice The vault and the EigenLayer contracts, fixed at deployment.
    /// @return vault the vault
    /// @return eigenLayer the EigenLayer contracts and the delegators' beacon
    function links() external view returns (ILRTVault vault, EigenLayerLinks memory eigenLayer);

    /// @notice Sets the access manager and the recipient of reward tokens the vault does not support. Once, through
    /// the proxy.
    /// @param authority the OpenZeppelin AccessManager deciding who may call each restricted function
    /// @param rewardsRecipient the recipient of reward tokens the vault does not support (not zero)
    function initialize(address authority, address rewardsRecipient) external;

    /// @notice Where reward tokens the vault does not support are sent.
    /// @return the recipient
    function rewardsRecipient() external view returns (address);

    /// @notice Creates a delegator for `operator` with allocation target `targetBps` (admin).
    /// @dev Reverts `RestakingManagerInvalidTargets` if the targets would sum above 10000, `RestakingManagerTooManyDelegators`
    /// beyond `MAX_DELEGATORS`. The delegator delegates to `operator` in its initializer (the operator must be
    /// registered and have no delegation approver).
    /// @param operator the EigenLayer operator (not zero)
    /// @param targetBps its allocation target, in bps of the total restaked value
    /// @return delegator the new delegator (a beacon proxy)
    function addDelegator(address operator, uint16 targetBps) external returns (address delegator);

    /// @notice Replaces all allocation targets; `delegators_` must list every delegator once and the targets must
    /// sum to exactly 10000 (admin).
    /// @param delegators_ every delegator, once each, in any order
    /// @param targetBps their targets in the same order, in bps
    function setTargets(address[] calldata delegators_, uint16[] calldata targetBps) external;

    /// @notice Sets the recipient of reward tokens the vault does not support (admin).
    /// @param recipient the new recipient (not zero, not the current one)
    function setRewardsRecipient(address recipient) external;

    /// @notice Moves `units` of `asset` from the vault's buffer into its strategy through `delegator` (keeper).
    /// @dev The delegator must be ours, delegated, and BEFORE the move hold less than its target share of the total
    /// restaked value AFTER the move (`valueBefore * 10000 < targetBps * totalAfter`; values in ETH from the
    /// withdrawable shares of every strategy, rounded down). So every move goes toward the targets, never away from
    /// them; a single move may overshoot its target, by at most that move. Reverts `RestakingManagerAboveTarget`
    /// otherwise. The delegator deposits exactly the tokens the vault sent it, measured as its balance change
    /// (stETH arrives by Lido shares, so that can be a wei off the units' token value); tokens anyone else sent
    /// the delegator are never deposited, so a donation never enters TVL or the target check.
    /// @param delegator the delegator that restakes
    /// @param asset an LST with a strategy
    /// @param units accounting units of the vault's buffer (stETH: Lido shares)
    /// @return depositShares the deposit shares EigenLayer credited
    function restake(address delegator, address asset, uint256 units) external returns (uint256 depositShares);

    /// @notice Queues an EigenLayer withdrawal of `withdrawableShares` of `asset`'s strategy from `delegator`
    /// (keeper); converted to deposit shares with `convertToDepositShares` (rounded down). The queued shares stay
    /// in `positions()` until completion. Reverts `RestakingManagerTooManyPending` unless the delegator keeps room
    /// for a forced undelegation afterwards.
    /// @param delegator the delegator
    /// @param asset an LST with a strategy
    /// @param withdrawableShares strategy shares, slashing applied (as `getWithdrawableShares` counts them)
    /// @return root the withdrawal root
    function queueWithdrawal(
        address delegator,
        address asset,
        uint256 withdrawableShares
    ) external returns (bytes32 root);

    /// @notice Completes queued withdrawals of `delegator` as tokens and moves every token received into the vault's
    /// buffer in the same transaction. Permissionless: nobody can hold exits hostage. Works for withdrawals queued by
    /// `queueWithdrawal`, by `redelegate` and by a forced undelegation (one withdrawal per strategy).
    /// @dev Each withdrawal's staker must be `delegator` (`RestakingManagerForeignWithdrawal`); EigenLayer checks
    /// the root and the delay. Tokens are each strategy's `underlyingToken()`.
    /// @param delegator the delegator that queued them
    /// @param withdrawals the withdrawals, as EigenLayer recorded them (at least one)
    function completeWithdrawals(address delegator, IDelegationManagerTypes.Withdrawal[] calldata withdrawals) external;

    /// @notice Claims EigenLayer rewards of `delegator` (the manager is every delegator's claimer) to the manager;
    /// supported assets enter the buffer (and TVL through the streaming path at the next sync); any other token goes
    /// to the rewards recipient and is never counted (keeper).
    /// @dev Reverts `RestakingManagerWrongEarner` if the claim's earner is not `delegator`.
    /// @param delegator the earner
    /// @param claim the RewardsCoordinator claim
    function claimRewards(address delegator, IRewardsCoordinatorTypes.RewardsMerkleClaim calldata claim) external;

    /// @notice Undelegates `delegator` from its operator (its shares are queued) and delegates it to `operator`
    /// (admin). Nothing leaves TVL: the queued shares count until their withdrawal completes. After a forced
    /// undelegation (already queued) it only delegates. Reverts `RestakingManagerTooManyPending` unless the
    /// withdrawals it may queue and a later forced undelegation still fit `MAX_PENDING_WITHDRAWALS`, and
    /// `RestakingManagerPreviousOperatorPending` while a withdrawal queued under the operator before the current one
    /// is still pending.
    /// @param delegator the delegator
    /// @param operator the new operator (not zero, without a delegation approver)
    function redelegate(address delegator, address operator) external;

    /* ----------------------------------------------------------------------------------------------------------- */
    /*                                             NATIVE RESTAKING                                                 */
    /* ----------------------------------------------------------------------------------------------------------- */

    /// @notice Stakes one validator per key through `delegator`'s pod, 32 ETH each from the vault's buffer (never the
    /// ETH pending requests were promised). The keys must be the delegator's next unused keys in the key registry
    /// (which binds each to the pod's withdrawal credentials and uses it once). Keeper only.
    /// @dev Refuses with `RestakingManagerDepositRootMoved` unless the deposit contract's root is `depositRoot`: the
    /// keeper checks off chain, as of that root, that no key was deposited before (a front-run would send the 32 ETH
    /// to a validator with someone else's credentials) and that each deposit signature verifies (an invalid one would
    /// be ignored by the beacon chain and its ETH lost). The ETH counts in `positions()` from here until the pod
    /// verifies the validator's credentials (then as beacon chain shares). Also refuses an unknown or undelegated
    /// delegator, no keys, an ETH record with no strategy, a move away from the delegator's target, or more than
    /// `MAX_UNVERIFIED` validators left unverified.
    /// @param delegator the delegator whose pod the validators' credentials point at
    /// @param keys the keys, in the registry's order
    /// @param depositRoot the deposit contract's `get_deposit_root()` the keeper checked the keys against
    function stakeValidators(
        address delegator,
        IValidatorKeyRegistry.Key[] calldata keys,
        bytes32 depositRoot
    ) external;

    /// @notice Drops from `delegator`'s unverified list the validators its pod has verified (permissionless; the
    /// valuation is the same before and after: a verified validator is counted as shares either way).
    /// @param delegator the delegator
    /// @return left validators still unverified
    function pruneVerified(address delegator) external returns (uint256 left);

    /// @notice Sets the proof submitter of `delegator`'s pod (creating the pod if needed): the keeper account that
    /// verifies credentials, starts checkpoints and requests exits (EIP-7002) on the pod directly. Admin only.
    /// @param delegator the delegator
    /// @param submitter the keeper account (zero: none)
    function setProofSubmitter(address delegator, address submitter) external;

    /// @notice Writes off a validator staked through `delegator` that can never be verified (its key was front-run
    /// with other withdrawal credentials, which the keeper's checks exist to prevent): its 32 ETH stops counting and
    /// the next sync books the loss. Admin only; a validator its pod verifies later counts as shares again then.
    /// @param delegator the delegator
    /// @param pubkeyHash the validator's pubkey hash (in `unverifiedValidators(delegator)`)
    function writeOffUnverified(address delegator, bytes32 pubkeyHash) external;

    /// @notice The pubkey hashes of `delegator`'s validators staked and not seen verified yet (some may be verified
    /// since: `pruneVerified`).
    /// @param delegator the delegator
    /// @return the pubkey hashes
    function unverifiedValidators(address delegator) external view returns (bytes32[] memory);

    /// @notice ETH staked in validators whose credentials their pods have not verified yet (32 ETH each).
    /// @return wei
    function pendingStake() external view returns (uint256);
}
