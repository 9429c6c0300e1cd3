// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {BeaconProxy} from "@openzeppelin/contracts/proxy/beacon/BeaconProxy.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {AccessManagedUpgradeable} from "@openzeppelin/contracts-upgradeable/access/manager/AccessManagedUpgradeable.sol";
import {IRestakingManager} from "./interfaces/IRestakingManager.sol";
import {IOperatorDelegator} from "./interfaces/IOperatorDelegator.sol";
import {ILRTVault} from "./interfaces/ILRTVault.sol";
import {IPriceAdapter} from "./interfaces/IPriceAdapter.sol";
import {IStrategy} from "./interfaces/external/eigenlayer/IStrategy.sol";
import {IStrategyManager} from "./interfaces/external/eigenlayer/IStrategyManager.sol";
import {IDelegationManager} from "./interfaces/external/eigenlayer/IDelegationManager.sol";
import {IRewardsCoordinator} from "./interfaces/external/eigenlayer/IRewardsCoordinator.sol";
import {IAllocationManager} from "./interfaces/external/eigenlayer/IAllocationManager.sol";
import {BPS, UNIT} from "./libraries/Constants.sol";
import {RestakingPositions} from "./libraries/RestakingPositions.sol";
import {RestakingManagerStorage} from "./RestakingManagerStorage.sol";

/// @title RestakingManager
/// @notice lrt-vault's EigenLayer side: delegators, strategies, targets, keeper operations and the valuation the
/// accountant's `sync` reads. See `IRestakingManager`.
/// @dev Storage is one ERC-7201 namespace. Every path that reaches EigenLayer, the vault or a token is
/// `nonReentrant`. Tokens only pass through the manager inside one transaction (rewards), never rest here, except
/// Lido-share rounding dust of stETH rewards (below 2 wei per claim).
contract RestakingManager is
    Initializable,
    AccessManagedUpgradeable,
    UUPSUpgradeable,
    ReentrancyGuardTransient,
    RestakingManagerStorage,
    IRestakingManager
{
    using SafeERC20 for IERC20;

    /// @notice The most pending EigenLayer withdrawals a delegator can ever have (each costs a sync about 33,000
    /// gas to value). The manager's own actions always leave room for a forced undelegation by the operator, which
    /// queues one withdrawal per strategy (`MAX_STRATEGIES`) without asking: so the count never exceeds this.
    uint256 public constant MAX_PENDING_WITHDRAWALS = 10;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @notice Sets the access manager, the vault, the EigenLayer contracts (the AllocationManager is read from the
    /// DelegationManager), the delegators' beacon and the recipient of unsupported reward tokens.
    /// @param delegatorBeacon the `UpgradeableBeacon` of the `OperatorDelegator` implementation
    /// @param rewardsRecipient_ receives reward tokens the vault does not support
    function initialize(
        address authority,
        ILRTVault vault,
        address strategyManager,
        address delegationManager,
        address rewardsCoordinator,
        address delegatorBeacon,
        address rewardsRecipient_
    ) external initializer {
        if (
            authority == address(0) ||
            address(vault) == address(0) ||
            strategyManager == address(0) ||
            delegationManager == address(0) ||
            rewardsCoordinator == address(0) ||
            delegatorBeacon == address(0) ||
            rewardsRecipient_ == address(0)
        ) revert RestakingManagerZeroInput();
        __AccessManaged_init(authority);
        ManagerStorage storage $ = RestakingPositions.load();
        $.vault = vault;
        $.allocationManager = IAllocationManager(IDelegationManager(delegationManager).allocationManager());
        $.strategyManager = IStrategyManager(strategyManager);
        $.delegationManager = IDelegationManager(delegationManager);
        $.rewardsCoordinator = IRewardsCoordinator(rewardsCoordinator);
        $.delegatorBeacon = delegatorBeacon;
        $.rewardsRecipient = rewardsRecipient_;
        emit RewardsRecipientUpdated(rewardsRecipient_);
    }

    /* ----------------------------------------------------------------------------------------------------------- */
    /*                                                VALUATION                                                     */
    /* ----------------------------------------------------------------------------------------------------------- */

    /// @inheritdoc IRestakingManager
    function positions() external view returns (AssetPosition[] memory) {
        // Mid-operation (a token hook during a restake or a completion) units are in flight between the vault and
        // EigenLayer, in neither's books: a valuation now would book them as a loss. Refuse it.
        if (_reentrancyGuardEntered()) revert ReentrancyGuardReentrantCall();
        return RestakingPositions.positions();
    }

    /// @inheritdoc IRestakingManager
    function delegatorPositions() external view returns (DelegatorPosition[] memory) {
        return RestakingPositions.delegatorPositions();
    }

    /// @inheritdoc IRestakingManager
    function slashedSince(uint256 blockNumber) external view returns (bool) {
        return RestakingPositions.slashedSince(blockNumber);
    }

    /// @inheritdoc IRestakingManager
    function delegators() external view returns (address[] memory) {
        return RestakingPositions.delegatorList(RestakingPositions.load());
    }

    /// @inheritdoc IRestakingManager
    function targetOf(address delegator) external view returns (uint16) {
        return RestakingPositions.load().info[delegator].targetBps;
    }

    /// @inheritdoc IRestakingManager
    function strategyOf(address asset) external view returns (IStrategy) {
        return RestakingPositions.load().strategyOf[asset];
    }

    /// @inheritdoc IRestakingManager
    function rewardsRecipient() external view returns (address) {
        return RestakingPositions.load().rewardsRecipient;
    }

    /// @notice The vault, the EigenLayer AllocationManager, StrategyManager, DelegationManager and
    /// RewardsCoordinator, and the delegators' beacon.
    function links()
        external
        view
        returns (
            ILRTVault vault,
            IAllocationManager allocationManager,
            IStrategyManager strategyManager,
            IDelegationManager delegationManager,
            IRewardsCoordinator rewardsCoordinator,
            address delegatorBeacon
        )
    {
        ManagerStorage storage $ = RestakingPositions.load();
        return (
            $.vault,
            $.allocationManager,
            $.strategyManager,
            $.delegationManager,
            $.rewardsCoordinator,
            $.delegatorBeacon
        );
    }

    /* ----------------------------------------------------------------------------------------------------------- */
    /*                                                  ADMIN                                                       */
    /* ----------------------------------------------------------------------------------------------------------- */

    /// @inheritdoc IRestakingManager
    function addDelegator(
        address operator,
        uint16 targetBps
    ) external restricted nonReentrant returns (address delegator) {
        ManagerStorage storage $ = RestakingPositions.load();
        if (operator == address(0)) revert RestakingManagerZeroInput();
        uint256 count = $.delegatorCount;
        if (count >= MAX_DELEGATORS) revert RestakingManagerTooMany();
        uint256 total = uint256($.totalTargetBps) + targetBps;
        if (total > BPS) revert RestakingManagerInvalidTargets();
        // Interaction before the effects: the delegator's address is known only once its proxy exists, and the
        // proxy's constructor runs the initializer (EigenLayer's delegateTo and setClaimerFor). Reentrancy is
        // blocked, so nothing can observe the count before the delegator is recorded.
        delegator = address(
            new BeaconProxy(
                $.delegatorBeacon,
                abi.encodeCall(
                    IOperatorDelegator.initialize,
                    (
                        address(this),
                        address($.vault),
                        operator,
                        address($.strategyManager),
                        address($.delegationManager),
                        address($.rewardsCoordinator)
                    )
                )
            )
        );
        $.delegators[count] = delegator;
        // count < MAX_DELEGATORS = 16, so count + 1 fits uint8; total <= BPS fits uint16.
        $.delegatorCount = uint8(count + 1);
        $.info[delegator] = DelegatorInfo(targetBps, uint8(count + 1));
        $.totalTargetBps = uint16(total);
        emit DelegatorAdded(delegator, operator, targetBps);
    }

    /// @inheritdoc IRestakingManager
    function setTargets(address[] calldata delegators_, uint16[] calldata targetBps) external restricted {
        ManagerStorage storage $ = RestakingPositions.load();
        uint256 count = $.delegatorCount;
        if (delegators_.length != count || targetBps.length != count) revert RestakingManagerInvalidTargets();
        bool[] memory seen = new bool[](count);
        uint256 sum = 0;
        for (uint256 i = 0; i < count; ++i) {
            DelegatorInfo storage info = $.info[delegators_[i]];
            uint256 position = info.position;
            if (position == 0) revert RestakingManagerUnknownDelegator(delegators_[i]);
            if (seen[position - 1]) revert RestakingManagerInvalidTargets();
            seen[position - 1] = true;
            info.targetBps = targetBps[i];
            sum += targetBps[i];
        }
        if (sum != BPS) revert RestakingManagerInvalidTargets();
        $.totalTargetBps = uint16(BPS);
        emit TargetsUpdated(delegators_, targetBps);
    }

    /// @inheritdoc IRestakingManager
    function setStrategy(address asset, IStrategy strategy) external restricted {
        ManagerStorage storage $ = RestakingPositions.load();
        if (asset == address(0) || address(strategy) == address(0)) revert RestakingManagerZeroInput();
        if (!$.vault.isAsset(asset)) revert RestakingManagerUnsupportedAsset(asset);
        if (address(strategy.underlyingToken()) != asset) revert RestakingManagerStrategyMismatch(asset, strategy);
        IStrategy current = $.strategyOf[asset];
        if (current == strategy) revert RestakingManagerNoChange();
        uint256 count = $.strategyCount;
        if (address(current) == address(0)) {
            if (count >= MAX_STRATEGIES) revert RestakingManagerTooMany();
            $.assets[count] = asset;
            $.strategies[count] = strategy;
            // count < MAX_STRATEGIES = 4: fits uint8.
            $.strategyCount = uint8(count + 1);
        } else {
            if (RestakingPositions.inUse(address(current))) revert RestakingManagerStrategyInUse(asset, current);
            for (uint256 s = 0; s < count; ++s) {
                if ($.assets[s] == asset) $.strategies[s] = strategy;
            }
        }
        $.strategyOf[asset] = strategy;
        emit StrategySet(asset, strategy);
    }

    /// @inheritdoc IRestakingManager
    function setRewardsRecipient(address recipient) external restricted {
        ManagerStorage storage $ = RestakingPositions.load();
        if (recipient == address(0)) revert RestakingManagerZeroInput();
        if (recipient == $.rewardsRecipient) revert RestakingManagerNoChange();
        $.rewardsRecipient = recipient;
        emit RewardsRecipientUpdated(recipient);
    }

    /// @inheritdoc IRestakingManager
    function redelegate(address delegator, address operator) external restricted nonReentrant {
        ManagerStorage storage $ = RestakingPositions.load();
        _checkDelegator($, delegator);
        if (operator == address(0)) revert RestakingManagerZeroInput();
        // Delegated: EigenLayer's redelegate queues up to one withdrawal per strategy now, and the new operator may
        // force as many later; undelegated: only the latter.
        bool delegated = $.delegationManager.delegatedTo(delegator) != address(0);
        _checkPendingRoom($, delegator, delegated ? 2 * MAX_STRATEGIES : MAX_STRATEGIES);
        // `slashedSince` watches the last two operators: withdrawals queued under the one before must be done.
        address previous = IOperatorDelegator(delegator).previousOperator();
        if (previous != address(0)) {
            (IDelegationManager.Withdrawal[] memory pending, ) = $.delegationManager.getQueuedWithdrawals(delegator);
            for (uint256 w = 0; w < pending.length; ++w) {
                if (pending[w].delegatedTo == previous) {
                    revert RestakingManagerPreviousOperatorPending(delegator, previous);
                }
            }
        }
        emit Redelegated(delegator, operator);
        IOperatorDelegator(delegator).redelegate(operator);
    }

    /* ----------------------------------------------------------------------------------------------------------- */
    /*                                                  KEEPER                                                      */
    /* ----------------------------------------------------------------------------------------------------------- */

    /// @inheritdoc IRestakingManager
    function restake(
        address delegator,
        address asset,
        uint256 units
    ) external restricted nonReentrant returns (uint256 depositShares) {
        ManagerStorage storage $ = RestakingPositions.load();
        uint256 targetBps = _checkDelegator($, delegator).targetBps;
        if (units == 0) revert RestakingManagerZeroInput();
        IStrategy strategy = _strategy($, asset);
        if ($.delegationManager.delegatedTo(delegator) == address(0)) revert RestakingManagerNotDelegated(delegator);
        _checkTarget($, delegator, targetBps, asset, units);
        // Exactly what the vault sent, measured (stETH arrives by shares, so it can differ by a wei from the units'
        // token value): tokens anyone else sent the delegator are never deposited, so they never enter TVL.
        uint256 before = IERC20(asset).balanceOf(delegator);
        $.vault.releaseToDelegator(asset, units, delegator);
        uint256 amount = IERC20(asset).balanceOf(delegator) - before;
        depositShares = IOperatorDelegator(delegator).deposit(strategy, IERC20(asset), amount);
        // Emitted after the deposit because it reports the shares EigenLayer credited; reentrancy is blocked.
        emit Restaked(delegator, asset, units, depositShares);
    }

    /// @inheritdoc IRestakingManager
    function queueWithdrawal(
        address delegator,
        address asset,
        uint256 withdrawableShares
    ) external restricted nonReentrant returns (bytes32 root) {
        ManagerStorage storage $ = RestakingPositions.load();
        _checkDelegator($, delegator);
        if (withdrawableShares == 0) revert RestakingManagerZeroInput();
        IStrategy strategy = _strategy($, asset);
        // This withdrawal, plus room for a forced undelegation's.
        _checkPendingRoom($, delegator, 1 + MAX_STRATEGIES);
        IStrategy[] memory single = new IStrategy[](1);
        single[0] = strategy;
        uint256[] memory amounts = new uint256[](1);
        amounts[0] = withdrawableShares;
        // SEMANTICS §4: the queue takes deposit shares; EigenLayer converts (rounded down).
        uint256 depositShares = $.delegationManager.convertToDepositShares(delegator, single, amounts)[0];
        if (depositShares == 0) revert RestakingManagerZeroInput();
        root = IOperatorDelegator(delegator).queueWithdrawal(strategy, depositShares);
        emit WithdrawalQueued(delegator, strategy, root, depositShares);
    }

    /// @inheritdoc IRestakingManager
    function completeWithdrawals(
        address delegator,
        IDelegationManager.Withdrawal[] calldata withdrawals
    ) external nonReentrant {
        ManagerStorage storage $ = RestakingPositions.load();
        _checkDelegator($, delegator);
        if (withdrawals.length == 0) revert RestakingManagerZeroInput();
        for (uint256 i = 0; i < withdrawals.length; ++i) {
            _complete($, delegator, withdrawals[i]);
        }
    }

    /// @inheritdoc IRestakingManager
    function claimRewards(
        address delegator,
        IRewardsCoordinator.RewardsMerkleClaim calldata claim
    ) external restricted nonReentrant {
        ManagerStorage storage $ = RestakingPositions.load();
        _checkDelegator($, delegator);
        if (claim.earnerLeaf.earner != delegator) {
            revert RestakingManagerWrongEarner(delegator, claim.earnerLeaf.earner);
        }
        uint256 n = claim.tokenLeaves.length;
        IERC20[] memory tokens = new IERC20[](n);
        uint256[] memory before = new uint256[](n);
        for (uint256 i = 0; i < n; ++i) {
            tokens[i] = claim.tokenLeaves[i].token;
            before[i] = tokens[i].balanceOf(address(this));
        }
        $.rewardsCoordinator.processClaim(claim, address(this));
        ILRTVault vault = $.vault;
        address recipient = $.rewardsRecipient;
        for (uint256 i = 0; i < n; ++i) {
            if (_repeats(tokens, i)) continue;
            IERC20 token = tokens[i];
            uint256 amount = token.balanceOf(address(this)) - before[i];
            if (amount == 0) continue;
            bool counted = vault.isAsset(address(token));
            emit RewardsClaimed(delegator, token, amount, counted);
            if (counted) {
                token.forceApprove(address(vault), amount);
                vault.absorbFromDelegator(address(token), amount, address(this), false);
            } else {
                token.safeTransfer(recipient, amount);
            }
        }
    }

    /* ----------------------------------------------------------------------------------------------------------- */
    /*                                                INTERNALS                                                     */
    /* ----------------------------------------------------------------------------------------------------------- */

    /// @dev Completes one withdrawal as tokens and moves every token received into the vault's buffer. The queued
    /// shares leave `positions()` (EigenLayer deletes the withdrawal) in the same call that the buffer grows.
    function _complete(
        ManagerStorage storage $,
        address delegator,
        IDelegationManager.Withdrawal calldata withdrawal
    ) private {
        bytes32 root = keccak256(abi.encode(withdrawal));
        if (withdrawal.staker != delegator) revert RestakingManagerForeignWithdrawal(root);
        uint256 n = withdrawal.strategies.length;
        IERC20[] memory tokens = new IERC20[](n);
        uint256[] memory before = new uint256[](n);
        for (uint256 j = 0; j < n; ++j) {
            tokens[j] = withdrawal.strategies[j].underlyingToken();
            before[j] = tokens[j].balanceOf(delegator);
        }
        IOperatorDelegator(delegator).completeWithdrawal(withdrawal, tokens);
        ILRTVault vault = $.vault;
        for (uint256 j = 0; j < n; ++j) {
            if (_repeats(tokens, j)) continue;
            uint256 received = tokens[j].balanceOf(delegator) - before[j];
            // A fully slashed entry pays nothing (EigenLayer skips it).
            if (received == 0) continue;
            IOperatorDelegator(delegator).approveVault(tokens[j], received);
            uint256 units = vault.absorbFromDelegator(address(tokens[j]), received, delegator, true);
            emit WithdrawalCompleted(delegator, root, address(tokens[j]), units);
        }
    }

    /// @dev Reverts unless every move goes toward the targets: the delegator's value before the move must be below
    /// its target share of the total after the move. Values are ETH from withdrawable shares (rounded down at each
    /// step: shares → tokens → units → ETH); the total converts each strategy's summed shares once.
    function _checkTarget(
        ManagerStorage storage $,
        address delegator,
        uint256 targetBps,
        address asset,
        uint256 units
    ) private view {
        (IStrategy[] memory strategies, address[] memory assets) = RestakingPositions.strategyList($);
        (uint256[] memory own, uint256[] memory total) = _withdrawableShares($, delegator, strategies);
        ILRTVault vault = $.vault;
        uint256 valueBefore = _value(vault, strategies, assets, own);
        (, uint256 price) = vault.priceOf(asset);
        uint256 moved = Math.mulDiv(units, price, UNIT);
        uint256 totalAfter = _value(vault, strategies, assets, total) + moved;
        if (valueBefore * BPS >= targetBps * totalAfter) {
            revert RestakingManagerAboveTarget(delegator, valueBefore + moved, Math.mulDiv(totalAfter, targetBps, BPS));
        }
    }

    /// @dev Withdrawable shares per strategy: `delegator`'s own and the sum over every delegator.
    function _withdrawableShares(
        ManagerStorage storage $,
        address delegator,
        IStrategy[] memory strategies
    ) private view returns (uint256[] memory own, uint256[] memory total) {
        address[] memory delegators_ = RestakingPositions.delegatorList($);
        IDelegationManager delegationManager = $.delegationManager;
        total = new uint256[](strategies.length);
        own = new uint256[](strategies.length);
        for (uint256 d = 0; d < delegators_.length; ++d) {
            (uint256[] memory withdrawable, ) = delegationManager.getWithdrawableShares(delegators_[d], strategies);
            for (uint256 s = 0; s < strategies.length; ++s) {
                total[s] += withdrawable[s];
            }
            if (delegators_[d] == delegator) own = withdrawable;
        }
    }

    /// @dev ETH value of `shares` per strategy at the vault's stored prices, each step rounded down.
    function _value(
        ILRTVault vault,
        IStrategy[] memory strategies,
        address[] memory assets,
        uint256[] memory shares
    ) private view returns (uint256 value) {
        for (uint256 s = 0; s < strategies.length; ++s) {
            if (shares[s] == 0) continue;
            (IPriceAdapter adapter, uint256 price) = vault.priceOf(assets[s]);
            uint256 units = RestakingPositions.toUnits(adapter, RestakingPositions.toTokens(strategies[s], shares[s]));
            if (units != 0) value += Math.mulDiv(units, price, UNIT);
        }
    }

    /// @dev Reverts `RestakingManagerTooManyPending` unless `delegator` has room for `extra` more pending
    /// withdrawals under `MAX_PENDING_WITHDRAWALS`.
    function _checkPendingRoom(ManagerStorage storage $, address delegator, uint256 extra) private view {
        uint256 pending = $.delegationManager.getQueuedWithdrawalRoots(delegator).length;
        if (pending + extra > MAX_PENDING_WITHDRAWALS) {
            revert RestakingManagerTooManyPending(delegator, pending, MAX_PENDING_WITHDRAWALS - extra);
        }
    }

    /// @dev Whether `tokens[i]` already appeared earlier in `tokens` (its balance change was handled then).
    function _repeats(IERC20[] memory tokens, uint256 i) private pure returns (bool) {
        for (uint256 j = 0; j < i; ++j) {
            if (tokens[j] == tokens[i]) return true;
        }
        return false;
    }

    function _checkDelegator(
        ManagerStorage storage $,
        address delegator
    ) private view returns (DelegatorInfo memory info) {
        info = $.info[delegator];
        if (info.position == 0) revert RestakingManagerUnknownDelegator(delegator);
    }

    function _strategy(ManagerStorage storage $, address asset) private view returns (IStrategy strategy) {
        strategy = $.strategyOf[asset];
        if (address(strategy) == address(0)) revert RestakingManagerNoStrategy(asset);
    }

    /// @dev Upgrades are restricted like any admin function (the access manager decides who).
    function _authorizeUpgrade(address) internal override restricted {}
}
