// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {EnumerableMap} from "@openzeppelin/contracts/utils/structs/EnumerableMap.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";
import {IStrategy} from "../../interfaces/external/eigenlayer/IStrategy.sol";
import {IStrategyManager} from "../../interfaces/external/eigenlayer/IStrategyManager.sol";
import {OperatorSet} from "../../interfaces/external/eigenlayer/IAllocationManager.sol";
import {Initializer} from "./mixins/Initializer.sol";
import {OwnableStandIn} from "./mixins/OwnableStandIn.sol";
import {Pausable} from "./permissions/Pausable.sol";
import {PauserRegistry} from "./permissions/PauserRegistry.sol";
import {OperatorSetKeys} from "./libraries/OperatorSetKeys.sol";

/// @notice What the StrategyManager calls on the DelegationManager.
interface IDelegationShareHooks {
    function increaseDelegatedShares(
        address staker,
        IStrategy strategy,
        uint256 prevDepositShares,
        uint256 added
    ) external;
}

/// @notice What the StrategyManager reads from the AllocationManager.
interface IRedistributionRecipientView {
    function getRedistributionRecipient(OperatorSet memory operatorSet) external view returns (address);
}

/// @title StrategyManager (local stand-in of EigenLayer v1.12.0)
/// @notice Whitelists strategies, takes deposits into them and keeps every staker's deposit shares; the
/// DelegationManager moves shares through the share-manager hooks, and slashed shares wait here until anyone clears
/// them to the burn address.
/// @dev Deposit shares are never reduced by slashing: slashing lives in the DelegationManager's scaling factors.
contract StrategyManager is IStrategyManager, Initializer, OwnableStandIn, Pausable, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using EnumerableMap for EnumerableMap.AddressToUintMap;
    using EnumerableSet for EnumerableSet.Bytes32Set;
    using EnumerableSet for EnumerableSet.UintSet;

    /// @notice Emitted when `staker` is credited `shares` deposit shares.
    event Deposit(address staker, IStrategy strategy, uint256 shares);
    /// @notice Emitted when a strategy opens for deposits.
    event StrategyAddedToDepositWhitelist(IStrategy strategy);
    /// @notice Emitted when a strategy closes for deposits.
    event StrategyRemovedFromDepositWhitelist(IStrategy strategy);
    /// @notice Emitted when the whitelister changes.
    event StrategyWhitelisterChanged(address previousAddress, address newAddress);
    /// @notice Emitted when a slash parks shares to burn or redistribute.
    event BurnOrRedistributableSharesIncreased(
        OperatorSet operatorSet,
        uint256 slashId,
        IStrategy strategy,
        uint256 shares
    );
    /// @notice Emitted when parked shares are withdrawn to the burn or redistribution recipient.
    event BurnOrRedistributableSharesDecreased(
        OperatorSet operatorSet,
        uint256 slashId,
        IStrategy strategy,
        uint256 shares
    );

    /// @notice A zero address was given.
    error InputAddressZero();
    /// @notice Only the DelegationManager may call this.
    error OnlyDelegationManager();
    /// @notice Only the strategy whitelister may call this.
    error OnlyStrategyWhitelister();
    /// @notice The strategy is not open for deposits.
    error StrategyNotWhitelisted();
    /// @notice The staker address is zero.
    error StakerAddressZero();
    /// @notice Zero shares.
    error SharesAmountZero();
    /// @notice More deposit shares than the staker holds.
    error SharesAmountTooHigh();
    /// @notice The staker already holds 32 strategies.
    error MaxStrategiesExceeded();
    /// @notice The strategy is not in the staker's list.
    error StrategyNotFound();
    /// @notice This strategy was already recorded for this slash.
    error StrategyAlreadyInSlash();

    uint8 internal constant PAUSED_DEPOSITS = 0;
    uint8 internal constant MAX_STAKER_STRATEGY_LIST_LENGTH = 32;
    /// @notice Where slashed tokens of non-redistributing operator sets go.
    address public constant DEFAULT_BURN_ADDRESS = 0x00000000000000000000000000000000000E16E4;

    address private _delegation;
    address private _allocationManager;
    address private _strategyWhitelister;
    mapping(address staker => mapping(IStrategy strategy => uint256)) private _stakerDepositShares;
    mapping(address staker => IStrategy[]) private _stakerStrategyList;
    mapping(IStrategy strategy => bool) private _whitelisted;
    mapping(bytes32 operatorSetKey => mapping(uint256 slashId => EnumerableMap.AddressToUintMap)) private _slashed;
    EnumerableSet.Bytes32Set private _pendingOperatorSets;
    mapping(bytes32 operatorSetKey => EnumerableSet.UintSet) private _pendingSlashIds;

    modifier onlyDelegationManager() {
        if (msg.sender != _delegation) revert OnlyDelegationManager();
        _;
    }

    modifier onlyStrategyWhitelister() {
        if (msg.sender != _strategyWhitelister) revert OnlyStrategyWhitelister();
        _;
    }

    /// @notice Stand-in initializer: mainnet takes the DelegationManager, AllocationManager and PauserRegistry in
    /// its constructor and `(initialOwner, initialStrategyWhitelister, initialPausedStatus)` in `initialize`.
    function initializeStandIn(
        address delegationManager,
        address allocationManager_,
        PauserRegistry pauserRegistry_,
        address initialOwner,
        address initialStrategyWhitelister,
        uint256 initialPausedStatus
    ) external initializer {
        if (delegationManager == address(0) || allocationManager_ == address(0)) revert InputAddressZero();
        _delegation = delegationManager;
        _allocationManager = allocationManager_;
        _initializePausable(pauserRegistry_, initialPausedStatus);
        _transferOwnership(initialOwner);
        _setStrategyWhitelister(initialStrategyWhitelister);
    }

    /* DEPOSITS */

    /// @inheritdoc IStrategyManager
    function depositIntoStrategy(
        IStrategy strategy,
        IERC20 token,
        uint256 amount
    ) external onlyWhenNotPaused(PAUSED_DEPOSITS) nonReentrant returns (uint256 depositShares) {
        if (!_whitelisted[strategy]) revert StrategyNotWhitelisted();
        token.safeTransferFrom(msg.sender, address(strategy), amount);
        depositShares = strategy.deposit(token, amount);
        (uint256 prevDepositShares, uint256 addedShares) = _addShares(msg.sender, strategy, depositShares);
        IDelegationShareHooks(_delegation).increaseDelegatedShares(
            msg.sender,
            strategy,
            prevDepositShares,
            addedShares
        );
    }

    /* SHARE-MANAGER HOOKS (DelegationManager only) */

    /// @notice Credits deposit shares (a withdrawal completed as shares).
    function addShares(
        address staker,
        IStrategy strategy,
        uint256 shares
    ) external onlyDelegationManager nonReentrant returns (uint256, uint256) {
        return _addShares(staker, strategy, shares);
    }

    /// @notice Removes deposit shares (queued for withdrawal); returns what the staker has left.
    function removeDepositShares(
        address staker,
        IStrategy strategy,
        uint256 depositSharesToRemove
    ) external onlyDelegationManager nonReentrant returns (uint256) {
        if (depositSharesToRemove == 0) revert SharesAmountZero();
        uint256 current = _stakerDepositShares[staker][strategy];
        if (depositSharesToRemove > current) revert SharesAmountTooHigh();
        strategy.beforeRemoveShares(staker, depositSharesToRemove);
        uint256 remaining = current - depositSharesToRemove;
        _stakerDepositShares[staker][strategy] = remaining;
        if (remaining == 0) _removeStrategyFromList(staker, strategy);
        return remaining;
    }

    /// @notice Pays a completed withdrawal out of the strategy, as tokens, to the staker.
    function withdrawSharesAsTokens(
        address staker,
        IStrategy strategy,
        IERC20 token,
        uint256 shares
    ) external onlyDelegationManager nonReentrant {
        strategy.withdraw(staker, token, shares);
    }

    /// @notice Parks the shares a slash removed, per (operator set, slash id, strategy).
    function increaseBurnOrRedistributableShares(
        OperatorSet calldata operatorSet,
        uint256 slashId,
        IStrategy strategy,
        uint256 addedSharesToBurn
    ) external onlyDelegationManager nonReentrant {
        bytes32 key = OperatorSetKeys.key(operatorSet);
        if (!_slashed[key][slashId].set(address(strategy), addedSharesToBurn)) revert StrategyAlreadyInSlash();
        _pendingOperatorSets.add(key);
        _pendingSlashIds[key].add(slashId);
        emit BurnOrRedistributableSharesIncreased(operatorSet, slashId, strategy, addedSharesToBurn);
    }

    /* SLASHED SHARES (anyone) */

    /// @notice Withdraws every strategy's parked shares of a slash to the recipient; returns the token amounts.
    function clearBurnOrRedistributableShares(
        OperatorSet calldata operatorSet,
        uint256 slashId
    ) external nonReentrant returns (uint256[] memory amounts) {
        EnumerableMap.AddressToUintMap storage parked = _slashed[OperatorSetKeys.key(operatorSet)][slashId];
        uint256 length = parked.length();
        amounts = new uint256[](length);
        for (uint256 i = length; i > 0; --i) {
            (address strategy, ) = parked.at(i - 1);
            amounts[i - 1] = _clearSlashed(operatorSet, slashId, IStrategy(strategy));
        }
    }

    /// @notice Withdraws one strategy's parked shares of a slash to the recipient; returns the token amount.
    function clearBurnOrRedistributableSharesByStrategy(
        OperatorSet calldata operatorSet,
        uint256 slashId,
        IStrategy strategy
    ) external nonReentrant returns (uint256) {
        return _clearSlashed(operatorSet, slashId, strategy);
    }

    /* WHITELIST */

    /// @notice Opens strategies for deposits.
    function addStrategiesToDepositWhitelist(
        IStrategy[] calldata strategies
    ) external onlyStrategyWhitelister nonReentrant {
        for (uint256 i = 0; i < strategies.length; ++i) {
            if (!_whitelisted[strategies[i]]) {
                _whitelisted[strategies[i]] = true;
                emit StrategyAddedToDepositWhitelist(strategies[i]);
            }
        }
    }

    /// @notice Closes strategies for deposits (withdrawals stay open).
    function removeStrategiesFromDepositWhitelist(
        IStrategy[] calldata strategies
    ) external onlyStrategyWhitelister nonReentrant {
        for (uint256 i = 0; i < strategies.length; ++i) {
            if (_whitelisted[strategies[i]]) {
                _whitelisted[strategies[i]] = false;
                emit StrategyRemovedFromDepositWhitelist(strategies[i]);
            }
        }
    }

    /// @notice Replaces the whitelister (owner only).
    function setStrategyWhitelister(address newStrategyWhitelister) external onlyOwner nonReentrant {
        _setStrategyWhitelister(newStrategyWhitelister);
    }

    /* VIEWS */

    /// @inheritdoc IStrategyManager
    function stakerDepositShares(address staker, IStrategy strategy) external view returns (uint256) {
        return _stakerDepositShares[staker][strategy];
    }

    /// @inheritdoc IStrategyManager
    function strategyIsWhitelistedForDeposit(IStrategy strategy) external view returns (bool) {
        return _whitelisted[strategy];
    }

    /// @inheritdoc IStrategyManager
    function getDeposits(address staker) external view returns (IStrategy[] memory, uint256[] memory) {
        IStrategy[] memory strategies = _stakerStrategyList[staker];
        uint256[] memory shares = new uint256[](strategies.length);
        for (uint256 i = 0; i < strategies.length; ++i) {
            shares[i] = _stakerDepositShares[staker][strategies[i]];
        }
        return (strategies, shares);
    }

    /// @notice The strategies `staker` holds deposit shares in.
    function getStakerStrategyList(address staker) external view returns (IStrategy[] memory) {
        return _stakerStrategyList[staker];
    }

    /// @notice How many strategies `staker` holds deposit shares in.
    function stakerStrategyListLength(address staker) external view returns (uint256) {
        return _stakerStrategyList[staker].length;
    }

    /// @notice The `index`-th strategy of `staker`.
    function stakerStrategyList(address staker, uint256 index) external view returns (IStrategy) {
        return _stakerStrategyList[staker][index];
    }

    /// @notice The DelegationManager.
    function delegation() external view returns (address) {
        return _delegation;
    }

    /// @notice The AllocationManager.
    function allocationManager() external view returns (address) {
        return _allocationManager;
    }

    /// @notice Who may open and close strategies.
    function strategyWhitelister() external view returns (address) {
        return _strategyWhitelister;
    }

    /// @notice Parked shares of one strategy for a slash.
    function getBurnOrRedistributableShares(
        OperatorSet calldata operatorSet,
        uint256 slashId,
        IStrategy strategy
    ) external view returns (uint256 shares) {
        (, shares) = _slashed[OperatorSetKeys.key(operatorSet)][slashId].tryGet(address(strategy));
    }

    /// @notice Parked shares of every strategy for a slash.
    function getBurnOrRedistributableShares(
        OperatorSet calldata operatorSet,
        uint256 slashId
    ) external view returns (IStrategy[] memory strategies, uint256[] memory shares) {
        EnumerableMap.AddressToUintMap storage parked = _slashed[OperatorSetKeys.key(operatorSet)][slashId];
        uint256 length = parked.length();
        strategies = new IStrategy[](length);
        shares = new uint256[](length);
        for (uint256 i = 0; i < length; ++i) {
            (address strategy, uint256 amount) = parked.at(i);
            strategies[i] = IStrategy(strategy);
            shares[i] = amount;
        }
    }

    /// @notice How many strategies still have parked shares for a slash.
    function getBurnOrRedistributableCount(
        OperatorSet calldata operatorSet,
        uint256 slashId
    ) external view returns (uint256) {
        return _slashed[OperatorSetKeys.key(operatorSet)][slashId].length();
    }

    /// @notice Operator sets with uncleared slashes.
    function getPendingOperatorSets() external view returns (OperatorSet[] memory sets) {
        uint256 length = _pendingOperatorSets.length();
        sets = new OperatorSet[](length);
        for (uint256 i = 0; i < length; ++i) {
            sets[i] = OperatorSetKeys.decode(_pendingOperatorSets.at(i));
        }
    }

    /// @notice Slash ids of `operatorSet` with uncleared shares.
    function getPendingSlashIds(OperatorSet calldata operatorSet) external view returns (uint256[] memory) {
        return _pendingSlashIds[OperatorSetKeys.key(operatorSet)].values();
    }

    /// @notice Semantic version of the mirrored release.
    function version() external pure returns (string memory) {
        return "1.12.0";
    }

    /* INTERNAL */

    function _addShares(address staker, IStrategy strategy, uint256 shares) private returns (uint256, uint256) {
        if (staker == address(0)) revert StakerAddressZero();
        if (shares == 0) revert SharesAmountZero();
        uint256 prevDepositShares = _stakerDepositShares[staker][strategy];
        if (prevDepositShares == 0) {
            if (_stakerStrategyList[staker].length >= MAX_STAKER_STRATEGY_LIST_LENGTH) revert MaxStrategiesExceeded();
            _stakerStrategyList[staker].push(strategy);
        }
        strategy.beforeAddShares(staker, shares);
        _stakerDepositShares[staker][strategy] = prevDepositShares + shares;
        emit Deposit(staker, strategy, shares);
        return (prevDepositShares, shares);
    }

    function _removeStrategyFromList(address staker, IStrategy strategy) private {
        IStrategy[] storage list = _stakerStrategyList[staker];
        uint256 length = list.length;
        for (uint256 i = 0; i < length; ++i) {
            if (list[i] == strategy) {
                list[i] = list[length - 1];
                list.pop();
                return;
            }
        }
        revert StrategyNotFound();
    }

    function _clearSlashed(
        OperatorSet calldata operatorSet,
        uint256 slashId,
        IStrategy strategy
    ) private returns (uint256 amountOut) {
        bytes32 key = OperatorSetKeys.key(operatorSet);
        EnumerableMap.AddressToUintMap storage parked = _slashed[key][slashId];
        (bool exists, uint256 shares) = parked.tryGet(address(strategy));
        if (!exists) return 0;
        parked.remove(address(strategy));
        if (parked.length() == 0) {
            _pendingSlashIds[key].remove(slashId);
            if (_pendingSlashIds[key].length() == 0) _pendingOperatorSets.remove(key);
        }
        emit BurnOrRedistributableSharesDecreased(operatorSet, slashId, strategy, shares);
        if (shares != 0) {
            address recipient = IRedistributionRecipientView(_allocationManager).getRedistributionRecipient(
                operatorSet
            );
            amountOut = strategy.withdraw(recipient, strategy.underlyingToken(), shares);
        }
    }

    function _setStrategyWhitelister(address newStrategyWhitelister) private {
        emit StrategyWhitelisterChanged(_strategyWhitelister, newStrategyWhitelister);
        _strategyWhitelister = newStrategyWhitelister;
    }
}
