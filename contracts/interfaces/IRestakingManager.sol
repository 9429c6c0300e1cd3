// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IStrategy} from "./external/eigenlayer/IStrategy.sol";
import {IDelegationManagerTypes} from "./external/eigenlayer/IDelegationManager.sol";
import {IRewardsCoordinatorTypes} from "./external/eigenlayer/IRewardsCoordinator.sol";

/// @title IRestakingManager
/// @notice Runs lrt-vault's EigenLayer side: one operator-delegator contract per operator (beacon proxies), the
/// strategy of each asset, per-delegator allocation targets, and the keeper operations that move buffered LSTs into
/// strategies, queue and complete EigenLayer withdrawals, and claim rewards. It also values every position for the
/// vault's `sync()` with EigenLayer's slashing-aware views. It never holds user funds between transactions.
interface IRestakingManager {
    /// @notice Restaked and queued amounts of one asset, slashing-adjusted, in the vault's accounting units.
    struct AssetPosition {
        address asset;
        uint256 withdrawableUnits;
        uint256 queuedUnits;
    }

    /// @notice One (delegator, strategy) position, for dApps and operators.
    struct DelegatorPosition {
        address delegator;
        address operator;
        bool delegated;
        IStrategy strategy;
        uint256 withdrawableShares;
        uint256 queuedShares;
        uint256 withdrawableTokens;
        uint256 queuedTokens;
    }

    /// @notice A delegator was created for `operator`.
    event DelegatorAdded(address indexed delegator, address indexed operator, uint16 targetBps);
    /// @notice Allocation targets changed.
    event TargetsUpdated(address[] delegators, uint16[] targetBps);
    /// @notice `asset` restakes into `strategy`.
    event StrategySet(address indexed asset, IStrategy indexed strategy);
    /// @notice The keeper restaked `units` of `asset` through `delegator`.
    event Restaked(address indexed delegator, address indexed asset, uint256 units, uint256 depositShares);
    /// @notice The keeper queued an EigenLayer withdrawal.
    event WithdrawalQueued(address indexed delegator, IStrategy indexed strategy, bytes32 root, uint256 depositShares);
    /// @notice A queued withdrawal completed and its tokens entered the vault's buffer.
    event WithdrawalCompleted(address indexed delegator, bytes32 root, address asset, uint256 units);
    /// @notice Rewards were claimed: countable ones entered the buffer, the rest went to the rewards recipient.
    event RewardsClaimed(address indexed delegator, IERC20 indexed token, uint256 amount, bool counted);
    /// @notice The recipient of non-countable reward tokens changed.
    event RewardsRecipientUpdated(address recipient);
    /// @notice A delegator was moved to another operator (its shares were queued for withdrawal).
    event Redelegated(address indexed delegator, address indexed operator);

    /// @notice Only the vault may call this.
    error RestakingManagerOnlyVault(address caller);
    /// @notice Not one of our delegators.
    error RestakingManagerUnknownDelegator(address delegator);
    /// @notice The asset has no strategy.
    error RestakingManagerNoStrategy(address asset);
    /// @notice Targets must sum to 10000 bps and match the delegators.
    error RestakingManagerInvalidTargets();
    /// @notice The move would take the delegator past its allocation target.
    error RestakingManagerAboveTarget(address delegator, uint256 valueAfter, uint256 targetValue);
    /// @notice A zero amount or address.
    error RestakingManagerZeroInput();
    /// @notice The strategy's token is not the asset's token.
    error RestakingManagerStrategyMismatch(address asset, IStrategy strategy);
    /// @notice The withdrawal does not belong to this delegator.
    error RestakingManagerForeignWithdrawal(bytes32 root);
    /// @notice Too many delegators or strategies for the sync budget.
    error RestakingManagerTooMany();

    /// @notice Every asset with a strategy and its restaked and queued totals across delegators (accounting units,
    /// converted with the oracle).
    function positions() external view returns (AssetPosition[] memory);

    /// @notice Every (delegator, strategy) position.
    function delegatorPositions() external view returns (DelegatorPosition[] memory);

    /// @notice All delegators, in creation order.
    function delegators() external view returns (address[] memory);

    /// @notice The strategy `asset` restakes into (zero: none).
    function strategyOf(address asset) external view returns (IStrategy);

    /// @notice Creates a delegator for `operator` with allocation target `targetBps` (admin).
    function addDelegator(address operator, uint16 targetBps) external returns (address delegator);

    /// @notice Replaces all allocation targets; they must sum to 10000 (admin).
    function setTargets(address[] calldata delegators_, uint16[] calldata targetBps) external;

    /// @notice Restakes `asset` into `strategy` (admin).
    function setStrategy(address asset, IStrategy strategy) external;

    /// @notice Moves `units` of `asset` from the vault's buffer into its strategy through `delegator` (keeper).
    /// @dev Reverts `RestakingManagerAboveTarget` if the delegator would end above its target share.
    function restake(address delegator, address asset, uint256 units) external returns (uint256 depositShares);

    /// @notice Queues an EigenLayer withdrawal of `withdrawableShares` of `asset`'s strategy from `delegator`
    /// (keeper); converted to deposit shares with `convertToDepositShares`.
    function queueWithdrawal(
        address delegator,
        address asset,
        uint256 withdrawableShares
    ) external returns (bytes32 root);

    /// @notice Completes queued withdrawals of `delegator` as tokens and moves the tokens into the vault's buffer
    /// (keeper). Works for withdrawals queued by forced undelegation too.
    function completeWithdrawals(address delegator, IDelegationManagerTypes.Withdrawal[] calldata withdrawals) external;

    /// @notice Claims EigenLayer rewards of `delegator`; supported assets enter the buffer (and TVL through the
    /// streaming path at the next sync); any other token goes to the rewards recipient (keeper).
    function claimRewards(address delegator, IRewardsCoordinatorTypes.RewardsMerkleClaim calldata claim) external;

    /// @notice Undelegates `delegator` from its operator (its shares are queued) and delegates it to `operator`
    /// (admin). Nothing leaves TVL: the queued shares count until their withdrawal completes.
    function redelegate(address delegator, address operator) external;
}
