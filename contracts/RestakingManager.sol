// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {AccessManagedUpgradeable} from "@openzeppelin/contracts-upgradeable/access/manager/AccessManagedUpgradeable.sol";
import {IRestakingManager, EigenLayerLinks} from "./interfaces/IRestakingManager.sol";
import {IOperatorDelegator} from "./interfaces/IOperatorDelegator.sol";
import {ILRTVault} from "./interfaces/ILRTVault.sol";
import {IStrategy} from "./interfaces/external/eigenlayer/IStrategy.sol";
import {IStrategyManager} from "./interfaces/external/eigenlayer/IStrategyManager.sol";
import {IDelegationManager} from "./interfaces/external/eigenlayer/IDelegationManager.sol";
import {IRewardsCoordinator} from "./interfaces/external/eigenlayer/IRewardsCoordinator.sol";
import {IAllocationManager} from "./interfaces/external/eigenlayer/IAllocationManager.sol";
import {IValidatorKeyRegistry} from "./interfaces/IValidatorKeyRegistry.sol";
import {BPS, ETH, BEACON_CHAIN_ETH_STRATEGY} from "./libraries/Constants.sol";
import {RestakingPositions} from "./libraries/RestakingPositions.sol";
import {RestakingManagerStorage} from "./RestakingManagerStorage.sol";
import {LRTLinks} from "./interfaces/LRTLinks.sol";

/// @title RestakingManager
/// @notice lrt-vault's EigenLayer side: delegators, targets, keeper operations and the valuation the accountant's
/// `sync` reads. See `IRestakingManager`. Each asset's strategy is the vault's record.
/// @dev Storage is one ERC-7201 namespace (`RestakingManagerStorage`); the vault, the EigenLayer contracts and the
/// delegators' beacon are immutables. Every path that reaches EigenLayer, the vault or a token is `nonReentrant`.
/// Tokens only pass through the manager inside one transaction (rewards), never rest here, except Lido-share rounding
/// dust of stETH rewards (below 2 wei per claim).
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
    /// @notice The most assets that restake (the vault's cap on strategies).
    uint256 public constant MAX_STRATEGIES = 4;

    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    ILRTVault private immutable _vault;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IStrategyManager private immutable _strategyManager;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IDelegationManager private immutable _delegationManager;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IAllocationManager private immutable _allocationManager;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IRewardsCoordinator private immutable _rewardsCoordinator;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    address private immutable _delegatorBeacon;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IValidatorKeyRegistry private immutable _keyRegistry;

    /// @param suite the suite's proxies (only the vault is read)
    /// @param eigenLayer the EigenLayer contracts (the AllocationManager is read from the DelegationManager) and the
    /// `UpgradeableBeacon` of the `OperatorDelegator` implementation
    /// @param keyRegistry the validator key registry (its proxy; zero: no native restaking)
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(LRTLinks memory suite, EigenLayerLinks memory eigenLayer, address keyRegistry) {
        if (
            suite.vault == address(0) ||
            eigenLayer.strategyManager == address(0) ||
            eigenLayer.delegationManager == address(0) ||
            eigenLayer.rewardsCoordinator == address(0) ||
            eigenLayer.delegatorBeacon == address(0)
        ) revert RestakingManagerZeroInput();
        _vault = ILRTVault(suite.vault);
        _strategyManager = IStrategyManager(eigenLayer.strategyManager);
        _delegationManager = IDelegationManager(eigenLayer.delegationManager);
        _allocationManager = IAllocationManager(IDelegationManager(eigenLayer.delegationManager).allocationManager());
        _rewardsCoordinator = IRewardsCoordinator(eigenLayer.rewardsCoordinator);
        _delegatorBeacon = eigenLayer.delegatorBeacon;
        _keyRegistry = IValidatorKeyRegistry(keyRegistry);
        _disableInitializers();
    }

    /// @inheritdoc IRestakingManager
    function initialize(address authority, address rewardsRecipient_) external initializer {
        if (authority == address(0) || rewardsRecipient_ == address(0)) revert RestakingManagerZeroInput();
        __AccessManaged_init(authority);
        RestakingPositions.load().rewardsRecipient = rewardsRecipient_;
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
        return RestakingPositions.positions(_context());
    }

    /// @inheritdoc IRestakingManager
    function delegatorPositions() external view returns (DelegatorPosition[] memory) {
        return RestakingPositions.delegatorPositions(_context());
    }

    /// @inheritdoc IRestakingManager
    function slashedSince(uint256 blockNumber) external view returns (bool) {
        return RestakingPositions.slashedSince(_context(), blockNumber);
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
        return _vault.strategyOf(asset);
    }

    /// @inheritdoc IRestakingManager
    function inUse(address strategy) external view returns (bool) {
        return RestakingPositions.inUse(_context(), strategy);
    }

    /// @inheritdoc IRestakingManager
    function rewardsRecipient() external view returns (address) {
        return RestakingPositions.load().rewardsRecipient;
    }

    /// @inheritdoc IRestakingManager
    function links() external view returns (ILRTVault vault, EigenLayerLinks memory eigenLayer) {
        return (
            _vault,
            EigenLayerLinks(
                address(_strategyManager),
                address(_delegationManager),
                address(_rewardsCoordinator),
                _delegatorBeacon
            )
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
        if (count >= MAX_DELEGATORS) revert RestakingManagerTooManyDelegators(MAX_DELEGATORS);
        uint256 total = uint256($.totalTargetBps) + targetBps;
        if (total > BPS) revert RestakingManagerInvalidTargets(total);
        // Interaction before the effects: the delegator's address is known only once its proxy exists, and the
        // proxy's constructor runs the initializer (EigenLayer's delegateTo and setClaimerFor). Reentrancy is
        // blocked, so nothing can observe the count before the delegator is recorded.
        delegator = RestakingPositions.createDelegator(_delegatorBeacon, operator);
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
        if (delegators_.length != count || targetBps.length != count) revert RestakingManagerInvalidTargets(0);
        bool[] memory seen = new bool[](count);
        uint256 sum = 0;
        for (uint256 i = 0; i < count; ++i) {
            DelegatorInfo storage info = $.info[delegators_[i]];
            uint256 position = info.position;
            if (position == 0) revert RestakingManagerUnknownDelegator(delegators_[i]);
            if (seen[position - 1]) revert RestakingManagerInvalidTargets(0);
            seen[position - 1] = true;
            info.targetBps = targetBps[i];
            sum += targetBps[i];
        }
        if (sum != BPS) revert RestakingManagerInvalidTargets(sum);
        $.totalTargetBps = uint16(BPS);
        emit TargetsUpdated(delegators_, targetBps);
    }

    /// @inheritdoc IRestakingManager
    function setRewardsRecipient(address recipient) external restricted {
        ManagerStorage storage $ = RestakingPositions.load();
        if (recipient == address(0)) revert RestakingManagerZeroInput();
        if (recipient == $.rewardsRecipient) revert RestakingManagerNoChange(recipient);
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
        bool delegated = _delegationManager.delegatedTo(delegator) != address(0);
        _checkPendingRoom(delegator, delegated ? 2 * MAX_STRATEGIES : MAX_STRATEGIES);
        RestakingPositions.checkPreviousOperatorDone(_context(), delegator);
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
        if (asset == ETH) revert RestakingManagerNativeETH();
        IStrategy strategy = _strategy(asset);
        if (_delegationManager.delegatedTo(delegator) == address(0)) revert RestakingManagerNotDelegated(delegator);
        RestakingPositions.checkTarget(_context(), delegator, targetBps, asset, units);
        // Exactly what the vault sent, measured (stETH arrives by shares, so it can differ by a wei from the units'
        // token value): tokens anyone else sent the delegator are never deposited, so they never enter TVL.
        uint256 before = IERC20(asset).balanceOf(delegator);
        _vault.releaseToDelegator(asset, units, delegator);
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
        IStrategy strategy = _strategy(asset);
        // This withdrawal, plus room for a forced undelegation's.
        _checkPendingRoom(delegator, 1 + MAX_STRATEGIES);
        IStrategy[] memory single = new IStrategy[](1);
        single[0] = strategy;
        uint256[] memory amounts = new uint256[](1);
        amounts[0] = withdrawableShares;
        // SEMANTICS §4: the queue takes deposit shares; EigenLayer converts (rounded down).
        uint256 depositShares = _delegationManager.convertToDepositShares(delegator, single, amounts)[0];
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
            _complete(delegator, withdrawals[i]);
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
        _rewardsCoordinator.processClaim(claim, address(this));
        ILRTVault vault = _vault;
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
    /*                                             NATIVE RESTAKING                                                 */
    /* ----------------------------------------------------------------------------------------------------------- */

    /// @inheritdoc IRestakingManager
    function stakeValidators(
        address delegator,
        IValidatorKeyRegistry.Key[] calldata keys,
        bytes32 depositRoot
    ) external restricted nonReentrant {
        uint256 amount = _checkStake(delegator, keys.length, depositRoot);
        // The keys go on to the registry and the delegator as they came: the array's encoding is copied, not decoded
        // and encoded again (which would not fit the manager's size).
        bytes32[] memory hashes = abi.decode(
            _forwardKeys(
                address(_keyRegistry),
                abi.encodeWithSelector(IValidatorKeyRegistry.consumeKeys.selector, delegator, 0x40)
            ),
            (bytes32[])
        );
        ManagerStorage storage $ = RestakingPositions.load();
        bytes32[] storage unverified = $.unverified[delegator];
        for (uint256 i = 0; i < hashes.length; ++i) {
            unverified.push(hashes[i]);
        }
        // At most MAX_UNVERIFIED (checked): fits.
        $.unverifiedCount += uint16(hashes.length);
        emit ValidatorsStaked(delegator, hashes);
        _vault.releaseToDelegator(ETH, amount, delegator);
        _forwardKeys(delegator, abi.encodeWithSelector(IOperatorDelegator.stakeValidators.selector, 0x20));
    }

    /// @inheritdoc IRestakingManager
    function pruneVerified(address delegator) external nonReentrant returns (uint256 left) {
        _checkDelegator(RestakingPositions.load(), delegator);
        return RestakingPositions.pruneVerified(_context(), delegator);
    }

    /// @inheritdoc IRestakingManager
    function setProofSubmitter(address delegator, address submitter) external restricted nonReentrant {
        _checkDelegator(RestakingPositions.load(), delegator);
        emit ProofSubmitterSet(delegator, submitter);
        IOperatorDelegator(delegator).setProofSubmitter(submitter);
    }

    /// @inheritdoc IRestakingManager
    function writeOffUnverified(address delegator, bytes32 pubkeyHash) external restricted nonReentrant {
        RestakingPositions.writeOffUnverified(delegator, pubkeyHash);
    }

    /// @inheritdoc IRestakingManager
    function unverifiedValidators(address delegator) external view returns (bytes32[] memory) {
        return RestakingPositions.load().unverified[delegator];
    }

    /// @inheritdoc IRestakingManager
    function pendingStake() external view returns (uint256) {
        return RestakingPositions.pendingStake(_context());
    }

    /// @notice ETH comes only from a delegator (a completed beacon chain ETH withdrawal on its way to the vault).
    receive() external payable {
        if (RestakingPositions.load().info[msg.sender].position == 0) revert RestakingManagerUnexpectedETH(msg.sender);
    }

    /* ----------------------------------------------------------------------------------------------------------- */
    /*                                                INTERNALS                                                     */
    /* ----------------------------------------------------------------------------------------------------------- */

    /// @dev Completes one withdrawal as tokens and moves every token received into the vault's buffer. The queued
    /// shares leave `positions()` (EigenLayer deletes the withdrawal) in the same call that the buffer grows.
    function _complete(address delegator, IDelegationManager.Withdrawal calldata withdrawal) private {
        bytes32 root = keccak256(abi.encode(withdrawal));
        if (withdrawal.staker != delegator) revert RestakingManagerForeignWithdrawal(root);
        uint256 n = withdrawal.strategies.length;
        IERC20[] memory tokens = new IERC20[](n);
        uint256[] memory before = new uint256[](n);
        for (uint256 j = 0; j < n; ++j) {
            // Beacon chain ETH is paid as ETH out of the delegator's pod (EigenLayer ignores the token given).
            tokens[j] =
                address(withdrawal.strategies[j]) == BEACON_CHAIN_ETH_STRATEGY
                    ? IERC20(ETH)
                    : withdrawal.strategies[j].underlyingToken();
            before[j] = _balance(tokens[j], delegator);
        }
        IOperatorDelegator(delegator).completeWithdrawal(withdrawal, tokens);
        ILRTVault vault = _vault;
        for (uint256 j = 0; j < n; ++j) {
            if (_repeats(tokens, j)) continue;
            uint256 received = _balance(tokens[j], delegator) - before[j];
            // A fully slashed entry pays nothing (EigenLayer skips it).
            if (received == 0) continue;
            uint256 units;
            if (address(tokens[j]) == ETH) {
                IOperatorDelegator(delegator).sendETH(received);
                units = vault.absorbFromDelegator{value: received}(ETH, received, address(this), true);
            } else {
                IOperatorDelegator(delegator).approveVault(tokens[j], received);
                units = vault.absorbFromDelegator(address(tokens[j]), received, delegator, true);
            }
            emit WithdrawalCompleted(delegator, root, address(tokens[j]), units);
        }
    }

    /// @dev Reverts `RestakingManagerTooManyPending` unless `delegator` has room for `extra` more pending
    /// withdrawals under `MAX_PENDING_WITHDRAWALS`.
    function _checkPendingRoom(address delegator, uint256 extra) private view {
        uint256 pending = _delegationManager.getQueuedWithdrawalRoots(delegator).length;
        if (pending + extra > MAX_PENDING_WITHDRAWALS) {
            revert RestakingManagerTooManyPending(delegator, pending, MAX_PENDING_WITHDRAWALS - extra);
        }
    }

    /// @dev `stakeValidators`' checks; returns the ETH `count` validators take.
    function _checkStake(address delegator, uint256 count, bytes32 depositRoot) private returns (uint256) {
        uint256 targetBps = _checkDelegator(RestakingPositions.load(), delegator).targetBps;
        if (count == 0 || address(_keyRegistry) == address(0)) revert RestakingManagerZeroInput();
        _strategy(ETH); // the vault's ETH restakes (its strategy can only be the beacon chain ETH strategy)
        return RestakingPositions.checkStake(_context(), delegator, targetBps, count, depositRoot);
    }

    /// @dev Calls `target` with `head` followed by this call's `keys` argument (the second) as encoded in the
    /// calldata: from its length word on, so `head` must end with the offset that points there.
    function _forwardKeys(address target, bytes memory head) private returns (bytes memory) {
        uint256 offset = uint256(bytes32(msg.data[36:68]));
        return Address.functionCall(target, bytes.concat(head, msg.data[4 + offset:]));
    }

    /// @dev `account`'s balance of `token` (ETH: in wei).
    function _balance(IERC20 token, address account) private view returns (uint256) {
        return address(token) == ETH ? account.balance : token.balanceOf(account);
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

    function _strategy(address asset) private view returns (IStrategy strategy) {
        strategy = _vault.strategyOf(asset);
        if (address(strategy) == address(0)) revert RestakingManagerNoStrategy(asset);
    }

    function _context() private view returns (RestakingPositions.Context memory) {
        return RestakingPositions.Context(address(_vault), address(_delegationManager), address(_allocationManager));
    }

    /// @dev Upgrades are restricted like any admin function (the access manager decides who).
    function _authorizeUpgrade(address) internal override restricted {}
}
