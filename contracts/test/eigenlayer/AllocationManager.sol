// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {DoubleEndedQueue} from "@openzeppelin/contracts/utils/structs/DoubleEndedQueue.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IStrategy} from "../../interfaces/external/eigenlayer/IStrategy.sol";
import {IDelegationManager} from "../../interfaces/external/eigenlayer/IDelegationManager.sol";
import {
    IAllocationManager,
    IAVSRegistrar,
    OperatorSet
} from "../../interfaces/external/eigenlayer/IAllocationManager.sol";
import {Initializer} from "./mixins/Initializer.sol";
import {PermissionMixin} from "./mixins/PermissionMixin.sol";
import {Pausable} from "./permissions/Pausable.sol";
import {PauserRegistry} from "./permissions/PauserRegistry.sol";
import {OperatorSetKeys} from "./libraries/OperatorSetKeys.sol";
import {SlashingMath} from "./libraries/SlashingMath.sol";

/// @notice The DelegationManager's slashing hook.
interface IOperatorShareSlasher {
    function slashOperatorShares(
        address operator,
        OperatorSet calldata operatorSet,
        uint256 slashId,
        IStrategy strategy,
        uint64 prevMaxMagnitude,
        uint64 newMaxMagnitude
    ) external returns (uint256);
}

/// @title AllocationManager (local stand-in of EigenLayer v1.12.0)
/// @notice AVS operator sets and their slashers, operator registration, magnitude allocations with their delays,
/// and slashing, which lowers an operator's max magnitude (kept as a per-block history) and tells the
/// DelegationManager to remove the slashed shares.
/// @dev Redistributing operator sets are not modelled: every slash burns (recipient `DEFAULT_BURN_ADDRESS`).
// One mapping per piece of mainnet AllocationManager state: more than solhint's default of 15.
// solhint-disable-next-line max-states-count
contract AllocationManager is IAllocationManager, Initializer, Pausable, PermissionMixin, ReentrancyGuardTransient {
    using Checkpoints for Checkpoints.Trace224;
    using DoubleEndedQueue for DoubleEndedQueue.Bytes32Deque;
    using EnumerableSet for EnumerableSet.AddressSet;
    using EnumerableSet for EnumerableSet.Bytes32Set;
    using EnumerableSet for EnumerableSet.UintSet;
    using SlashingMath for uint256;

    /// @notice Emitted when an AVS updates its metadata.
    event AVSMetadataURIUpdated(address indexed avs, string metadataURI);
    /// @notice Emitted when an AVS sets its registrar.
    event AVSRegistrarSet(address avs, IAVSRegistrar registrar);
    /// @notice Emitted when an operator set is created.
    event OperatorSetCreated(OperatorSet operatorSet);
    /// @notice Emitted when a strategy joins an operator set.
    event StrategyAddedToOperatorSet(OperatorSet operatorSet, IStrategy strategy);
    /// @notice Emitted when a strategy leaves an operator set.
    event StrategyRemovedFromOperatorSet(OperatorSet operatorSet, IStrategy strategy);
    /// @notice Emitted when a set's slasher is set or changed (effective at `effectBlock`).
    event SlasherUpdated(OperatorSet operatorSet, address slasher, uint32 effectBlock);
    /// @notice Emitted when an operator joins an operator set.
    event OperatorAddedToOperatorSet(address indexed operator, OperatorSet operatorSet);
    /// @notice Emitted when an operator leaves an operator set.
    event OperatorRemovedFromOperatorSet(address indexed operator, OperatorSet operatorSet);
    /// @notice Emitted when an operator's allocation delay is set (effective at `effectBlock`).
    event AllocationDelaySet(address operator, uint32 delay, uint32 effectBlock);
    /// @notice Emitted when an allocation changes or a change is queued (magnitude at `effectBlock`).
    event AllocationUpdated(
        address operator,
        OperatorSet operatorSet,
        IStrategy strategy,
        uint64 magnitude,
        uint32 effectBlock
    );
    /// @notice Emitted when an operator's encumbered magnitude changes.
    event EncumberedMagnitudeUpdated(address operator, IStrategy strategy, uint64 encumberedMagnitude);
    /// @notice Emitted when a slash lowers an operator's max magnitude.
    event MaxMagnitudeUpdated(address operator, IStrategy strategy, uint64 maxMagnitude);
    /// @notice Emitted once per slash; `wadSlashed` is the slashed magnitude over the previous max magnitude.
    event OperatorSlashed(
        address operator,
        OperatorSet operatorSet,
        IStrategy[] strategies,
        uint256[] wadSlashed,
        string description
    );

    /// @notice Already registered (or still slashable) for this set.
    error AlreadyMemberOfSet();
    /// @notice Arrays of different lengths.
    error InputArrayLengthMismatch();
    /// @notice A zero address.
    error InputAddressZero();
    /// @notice Allocations would exceed the max magnitude.
    error InsufficientMagnitude();
    /// @notice The registrar does not support this AVS.
    error InvalidAVSRegistrar();
    /// @notice The caller may not do this.
    error InvalidCaller();
    /// @notice The address is not a registered operator.
    error InvalidOperator();
    /// @notice No such operator set, or it already exists.
    error InvalidOperatorSet();
    /// @notice `wadToSlash` is zero or above WAD.
    error InvalidWadToSlash();
    /// @notice An allocation change is already pending.
    error ModificationAlreadyPending();
    /// @notice The AVS never registered metadata.
    error NonexistentAVSMetadata();
    /// @notice Not registered for this set.
    error NotMemberOfSet();
    /// @notice The operator cannot be slashed by this set now.
    error OperatorNotSlashable();
    /// @notice The new magnitude equals the current one.
    error SameMagnitude();
    /// @notice The set has no slasher.
    error SlasherNotSet();
    /// @notice Slashed strategies must be strictly ascending by address.
    error StrategiesMustBeInAscendingOrder();
    /// @notice The strategy is already in the set.
    error StrategyAlreadyInOperatorSet();
    /// @notice The strategy is not in the set.
    error StrategyNotInOperatorSet();
    /// @notice The operator has no allocation delay yet.
    error UninitializedAllocationDelay();

    uint8 internal constant PAUSED_MODIFY_ALLOCATIONS = 0;
    uint8 internal constant PAUSED_OPERATOR_SLASHING = 1;
    uint8 internal constant PAUSED_OPERATOR_SET_REGISTRATION_AND_DEREGISTRATION = 2;
    uint64 internal constant WAD = 1e18;
    /// @notice Where slashed tokens go (no redistributing sets in the stand-in).
    address internal constant DEFAULT_BURN_ADDRESS = 0x00000000000000000000000000000000000E16E4;

    struct StrategyInfo {
        uint64 maxMagnitude;
        uint64 encumberedMagnitude;
    }

    struct RegistrationStatus {
        bool registered;
        uint32 slashableUntil;
    }

    struct AllocationDelayInfo {
        uint32 delay;
        bool isSet;
        uint32 pendingDelay;
        uint32 effectBlock;
    }

    /// @dev One slash's fixed inputs, passed as one memory pointer (keeps the stack shallow).
    struct SlashContext {
        address operator;
        OperatorSet operatorSet;
        bytes32 key;
        uint256 slashId;
    }

    struct SlasherParams {
        address slasher;
        address pendingSlasher;
        uint32 effectBlock;
    }

    IDelegationManager private _delegation;
    uint32 private _deallocationDelay;
    uint32 private _allocationConfigurationDelay;

    mapping(address avs => bool) private _avsRegisteredMetadata;
    mapping(address avs => IAVSRegistrar) private _avsRegistrar;
    mapping(address avs => EnumerableSet.UintSet) private _operatorSets;
    mapping(bytes32 setKey => EnumerableSet.AddressSet) private _setStrategies;
    mapping(bytes32 setKey => EnumerableSet.AddressSet) private _setMembers;
    mapping(bytes32 setKey => SlasherParams) private _slashers;
    mapping(bytes32 setKey => uint256) private _slashIds;
    mapping(address operator => EnumerableSet.Bytes32Set) private _registeredSets;
    mapping(address operator => mapping(bytes32 setKey => RegistrationStatus)) private _registration;
    mapping(address operator => mapping(bytes32 setKey => mapping(IStrategy strategy => Allocation))) private _allocs;
    mapping(address operator => mapping(IStrategy strategy => uint64)) private _encumbered;
    mapping(address operator => mapping(IStrategy strategy => DoubleEndedQueue.Bytes32Deque)) private _deallocQueue;
    /// @dev Max magnitude by block; no checkpoint means WAD (never slashed).
    mapping(address operator => mapping(IStrategy strategy => Checkpoints.Trace224)) private _maxMagnitudeHistory;
    mapping(address operator => AllocationDelayInfo) private _allocationDelay;
    mapping(address operator => EnumerableSet.Bytes32Set) private _allocatedSets;
    mapping(address operator => mapping(bytes32 setKey => EnumerableSet.AddressSet)) private _allocatedStrategies;

    /// @notice Stand-in initializer: mainnet takes the DelegationManager, PauserRegistry and both delays in its
    /// constructor and `initialPausedStatus` in `initialize`.
    function initializeStandIn(
        IDelegationManager delegation_,
        PauserRegistry pauserRegistry_,
        uint256 initialPausedStatus,
        uint32 deallocationDelay,
        uint32 allocationConfigurationDelay
    ) external initializer {
        if (address(delegation_) == address(0)) revert InputAddressZero();
        _delegation = delegation_;
        _deallocationDelay = deallocationDelay;
        _allocationConfigurationDelay = allocationConfigurationDelay;
        _initializePausable(pauserRegistry_, initialPausedStatus);
    }

    /* AVS SIDE */

    /// @inheritdoc IAllocationManager
    function updateAVSMetadataURI(address avs, string calldata metadataURI) external checkCanCall(avs) {
        _avsRegisteredMetadata[avs] = true;
        emit AVSMetadataURIUpdated(avs, metadataURI);
    }

    /// @notice Sets the contract the AllocationManager calls on (de)registration (default: the AVS itself).
    function setAVSRegistrar(address avs, IAVSRegistrar registrar) external checkCanCall(avs) {
        if (!registrar.supportsAVS(avs)) revert InvalidAVSRegistrar();
        _avsRegistrar[avs] = registrar;
        emit AVSRegistrarSet(avs, registrar);
    }

    /// @inheritdoc IAllocationManager
    function createOperatorSets(address avs, CreateSetParamsV2[] calldata params) external checkCanCall(avs) {
        if (!_avsRegisteredMetadata[avs]) revert NonexistentAVSMetadata();
        for (uint256 i = 0; i < params.length; ++i) {
            _createOperatorSet(avs, params[i].operatorSetId, params[i].strategies, params[i].slasher);
        }
    }

    /// @notice Legacy form: the AVS itself is the slasher of each new set.
    function createOperatorSets(address avs, CreateSetParams[] calldata params) external checkCanCall(avs) {
        if (!_avsRegisteredMetadata[avs]) revert NonexistentAVSMetadata();
        for (uint256 i = 0; i < params.length; ++i) {
            _createOperatorSet(avs, params[i].operatorSetId, params[i].strategies, avs);
        }
    }

    /// @notice Adds strategies to an operator set.
    function addStrategiesToOperatorSet(
        address avs,
        uint32 operatorSetId,
        IStrategy[] calldata strategies
    ) external checkCanCall(avs) {
        OperatorSet memory operatorSet = OperatorSet(avs, operatorSetId);
        if (!_operatorSets[avs].contains(operatorSetId)) revert InvalidOperatorSet();
        bytes32 key = OperatorSetKeys.key(operatorSet);
        for (uint256 i = 0; i < strategies.length; ++i) {
            if (!_setStrategies[key].add(address(strategies[i]))) revert StrategyAlreadyInOperatorSet();
            emit StrategyAddedToOperatorSet(operatorSet, strategies[i]);
        }
    }

    /// @notice Removes strategies from an operator set.
    function removeStrategiesFromOperatorSet(
        address avs,
        uint32 operatorSetId,
        IStrategy[] calldata strategies
    ) external checkCanCall(avs) {
        OperatorSet memory operatorSet = OperatorSet(avs, operatorSetId);
        if (!_operatorSets[avs].contains(operatorSetId)) revert InvalidOperatorSet();
        bytes32 key = OperatorSetKeys.key(operatorSet);
        for (uint256 i = 0; i < strategies.length; ++i) {
            if (!_setStrategies[key].remove(address(strategies[i]))) revert StrategyNotInOperatorSet();
            emit StrategyRemovedFromOperatorSet(operatorSet, strategies[i]);
        }
    }

    /// @notice Queues a new slasher, effective after `SLASHER_CONFIGURATION_DELAY` blocks.
    function updateSlasher(OperatorSet calldata operatorSet, address slasher) external checkCanCall(operatorSet.avs) {
        if (!isOperatorSet(operatorSet)) revert InvalidOperatorSet();
        _setSlasher(OperatorSetKeys.key(operatorSet), operatorSet, slasher, false);
    }

    /// @inheritdoc IAllocationManager
    function slashOperator(
        address avs,
        SlashingParams calldata params
    )
        external
        onlyWhenNotPaused(PAUSED_OPERATOR_SLASHING)
        nonReentrant
        returns (uint256 slashId, uint256[] memory shares)
    {
        OperatorSet memory operatorSet = OperatorSet(avs, params.operatorSetId);
        bytes32 key = OperatorSetKeys.key(operatorSet);
        if (!_operatorSets[avs].contains(params.operatorSetId)) revert InvalidOperatorSet();
        address slasher = getSlasher(operatorSet);
        if (slasher == address(0)) revert SlasherNotSet();
        if (msg.sender != slasher) revert InvalidCaller();
        if (params.strategies.length != params.wadsToSlash.length) revert InputArrayLengthMismatch();
        if (!isOperatorSlashable(params.operator, operatorSet)) revert OperatorNotSlashable();

        slashId = ++_slashIds[key];
        SlashContext memory ctx = SlashContext(params.operator, operatorSet, key, slashId);
        shares = new uint256[](params.strategies.length);
        uint256[] memory wadSlashed = new uint256[](params.strategies.length);
        for (uint256 i = 0; i < params.strategies.length; ++i) {
            IStrategy strategy = params.strategies[i];
            if (i != 0 && uint160(address(strategy)) <= uint160(address(params.strategies[i - 1]))) {
                revert StrategiesMustBeInAscendingOrder();
            }
            if (params.wadsToSlash[i] == 0 || params.wadsToSlash[i] > WAD) revert InvalidWadToSlash();
            if (!_setStrategies[key].contains(address(strategy))) revert StrategyNotInOperatorSet();
            (wadSlashed[i], shares[i]) = _slashStrategy(ctx, strategy, params.wadsToSlash[i]);
        }
        emit OperatorSlashed(params.operator, operatorSet, params.strategies, wadSlashed, params.description);
    }

    /* OPERATOR SIDE */

    /// @inheritdoc IAllocationManager
    function registerForOperatorSets(
        address operator,
        RegisterParams calldata params
    ) external onlyWhenNotPaused(PAUSED_OPERATOR_SET_REGISTRATION_AND_DEREGISTRATION) checkCanCall(operator) {
        if (!_delegation.isOperator(operator)) revert InvalidOperator();
        for (uint256 i = 0; i < params.operatorSetIds.length; ++i) {
            OperatorSet memory operatorSet = OperatorSet(params.avs, params.operatorSetIds[i]);
            if (!_operatorSets[params.avs].contains(operatorSet.id)) revert InvalidOperatorSet();
            if (isOperatorSlashable(operator, operatorSet)) revert AlreadyMemberOfSet();
            bytes32 key = OperatorSetKeys.key(operatorSet);
            _registeredSets[operator].add(key);
            _setMembers[key].add(operator);
            _registration[operator][key].registered = true;
            emit OperatorAddedToOperatorSet(operator, operatorSet);
        }
        getAVSRegistrar(params.avs).registerOperator(operator, params.avs, params.operatorSetIds, params.data);
    }

    /// @inheritdoc IAllocationManager
    function deregisterFromOperatorSets(
        DeregisterParams calldata params
    ) external onlyWhenNotPaused(PAUSED_OPERATOR_SET_REGISTRATION_AND_DEREGISTRATION) {
        if (!_checkCanCall(params.operator) && !_checkCanCall(params.avs)) revert InvalidCaller();
        for (uint256 i = 0; i < params.operatorSetIds.length; ++i) {
            OperatorSet memory operatorSet = OperatorSet(params.avs, params.operatorSetIds[i]);
            if (!_operatorSets[params.avs].contains(operatorSet.id)) revert InvalidOperatorSet();
            bytes32 key = OperatorSetKeys.key(operatorSet);
            if (!_registration[params.operator][key].registered) revert NotMemberOfSet();
            _registeredSets[params.operator].remove(key);
            _setMembers[key].remove(params.operator);
            _registration[params.operator][key] = RegistrationStatus({
                registered: false,
                slashableUntil: uint32(block.number) + _deallocationDelay
            });
            emit OperatorRemovedFromOperatorSet(params.operator, operatorSet);
        }
        getAVSRegistrar(params.avs).deregisterOperator(params.operator, params.avs, params.operatorSetIds);
    }

    /// @inheritdoc IAllocationManager
    function setAllocationDelay(address operator, uint32 delay) external {
        bool newOperator = msg.sender == address(_delegation);
        if (!newOperator) {
            if (!_checkCanCall(operator)) revert InvalidCaller();
            if (!_delegation.isOperator(operator)) revert InvalidOperator();
        }
        AllocationDelayInfo memory info = _allocationDelay[operator];
        if (info.effectBlock != 0 && block.number >= info.effectBlock) {
            info.delay = info.pendingDelay;
            info.isSet = true;
        }
        info.pendingDelay = delay;
        // A newly registered operator's delay applies at once; a change waits the configuration delay.
        info.effectBlock =
            newOperator ? uint32(block.number) : uint32(block.number) + _allocationConfigurationDelay + 1;
        _allocationDelay[operator] = info;
        emit AllocationDelaySet(operator, delay, info.effectBlock);
    }

    /// @inheritdoc IAllocationManager
    function modifyAllocations(
        address operator,
        AllocateParams[] calldata params
    ) external onlyWhenNotPaused(PAUSED_MODIFY_ALLOCATIONS) {
        if (!_checkCanCall(operator)) revert InvalidCaller();
        (bool isSet, uint32 allocationDelay) = getAllocationDelay(operator);
        if (!isSet) revert UninitializedAllocationDelay();
        for (uint256 i = 0; i < params.length; ++i) {
            if (params[i].strategies.length != params[i].newMagnitudes.length) revert InputArrayLengthMismatch();
            OperatorSet calldata operatorSet = params[i].operatorSet;
            if (!_operatorSets[operatorSet.avs].contains(operatorSet.id)) revert InvalidOperatorSet();
            bool operatorSlashable = isOperatorSlashable(operator, operatorSet);
            for (uint256 j = 0; j < params[i].strategies.length; ++j) {
                _modifyAllocation(
                    operator,
                    operatorSet,
                    params[i].strategies[j],
                    params[i].newMagnitudes[j],
                    allocationDelay,
                    operatorSlashable
                );
            }
        }
    }

    /// @notice Frees magnitude of completed deallocations, oldest first, up to `numToClear` per strategy.
    function clearDeallocationQueue(
        address operator,
        IStrategy[] calldata strategies,
        uint16[] calldata numToClear
    ) external onlyWhenNotPaused(PAUSED_MODIFY_ALLOCATIONS) {
        if (strategies.length != numToClear.length) revert InputArrayLengthMismatch();
        for (uint256 i = 0; i < strategies.length; ++i) {
            _clearDeallocationQueue(operator, strategies[i], numToClear[i]);
        }
    }

    /* VIEWS */

    /// @inheritdoc IAllocationManager
    function getMaxMagnitude(address operator, IStrategy strategy) public view returns (uint64) {
        return _latestMaxMagnitude(operator, strategy);
    }

    /// @inheritdoc IAllocationManager
    function getMaxMagnitudes(
        address operator,
        IStrategy[] calldata strategies
    ) external view returns (uint64[] memory magnitudes) {
        magnitudes = new uint64[](strategies.length);
        for (uint256 i = 0; i < strategies.length; ++i) {
            magnitudes[i] = _latestMaxMagnitude(operator, strategies[i]);
        }
    }

    /// @notice Max magnitudes of several operators for one strategy.
    function getMaxMagnitudes(
        address[] calldata operators,
        IStrategy strategy
    ) external view returns (uint64[] memory magnitudes) {
        magnitudes = new uint64[](operators.length);
        for (uint256 i = 0; i < operators.length; ++i) {
            magnitudes[i] = _latestMaxMagnitude(operators[i], strategy);
        }
    }

    /// @inheritdoc IAllocationManager
    function getMaxMagnitudesAtBlock(
        address operator,
        IStrategy[] calldata strategies,
        uint32 blockNumber
    ) external view returns (uint64[] memory magnitudes) {
        magnitudes = new uint64[](strategies.length);
        for (uint256 i = 0; i < strategies.length; ++i) {
            Checkpoints.Trace224 storage history = _maxMagnitudeHistory[operator][strategies[i]];
            // Before the first slash the magnitude was WAD.
            bool before = history.length() == 0 || history.at(0)._key > blockNumber;
            magnitudes[i] = before ? WAD : uint64(history.upperLookup(blockNumber));
        }
    }

    /// @inheritdoc IAllocationManager
    function getAllocation(
        address operator,
        OperatorSet memory operatorSet,
        IStrategy strategy
    ) external view returns (Allocation memory allocation) {
        (, allocation) = _getUpdatedAllocation(operator, OperatorSetKeys.key(operatorSet), strategy);
    }

    /// @notice The operator's magnitude in use (allocated or still pending deallocation) for `strategy`.
    function getEncumberedMagnitude(address operator, IStrategy strategy) public view returns (uint64 encumbered) {
        encumbered = _encumbered[operator][strategy];
        DoubleEndedQueue.Bytes32Deque storage queue = _deallocQueue[operator][strategy];
        for (uint256 i = 0; i < queue.length(); ++i) {
            Allocation memory allocation = _allocs[operator][queue.at(i)][strategy];
            if (block.number < allocation.effectBlock) break;
            encumbered = _addInt128(encumbered, allocation.pendingDiff);
        }
    }

    /// @notice Magnitude the operator can still allocate for `strategy`.
    function getAllocatableMagnitude(address operator, IStrategy strategy) external view returns (uint64) {
        return _latestMaxMagnitude(operator, strategy) - getEncumberedMagnitude(operator, strategy);
    }

    /// @inheritdoc IAllocationManager
    function getAllocationDelay(address operator) public view returns (bool isSet, uint32 delay) {
        AllocationDelayInfo memory info = _allocationDelay[operator];
        (isSet, delay) = (info.isSet, info.delay);
        if (info.effectBlock != 0 && block.number >= info.effectBlock) (isSet, delay) = (true, info.pendingDelay);
    }

    /// @inheritdoc IAllocationManager
    function isOperatorSlashable(address operator, OperatorSet memory operatorSet) public view returns (bool) {
        RegistrationStatus memory status = _registration[operator][OperatorSetKeys.key(operatorSet)];
        return status.registered || block.number <= status.slashableUntil;
    }

    /// @notice Whether `(avs, id)` exists.
    function isOperatorSet(OperatorSet memory operatorSet) public view returns (bool) {
        return _operatorSets[operatorSet.avs].contains(operatorSet.id);
    }

    /// @notice Whether `operator` is registered for `operatorSet`.
    function isMemberOfOperatorSet(address operator, OperatorSet memory operatorSet) external view returns (bool) {
        return _setMembers[OperatorSetKeys.key(operatorSet)].contains(operator);
    }

    /// @notice Registered operators of a set.
    function getMembers(OperatorSet memory operatorSet) external view returns (address[] memory) {
        return _setMembers[OperatorSetKeys.key(operatorSet)].values();
    }

    /// @notice How many operators are registered for a set.
    function getMemberCount(OperatorSet memory operatorSet) external view returns (uint256) {
        return _setMembers[OperatorSetKeys.key(operatorSet)].length();
    }

    /// @notice Strategies of a set.
    function getStrategiesInOperatorSet(OperatorSet memory operatorSet) external view returns (IStrategy[] memory s) {
        address[] memory values = _setStrategies[OperatorSetKeys.key(operatorSet)].values();
        s = new IStrategy[](values.length);
        for (uint256 i = 0; i < values.length; ++i) {
            s[i] = IStrategy(values[i]);
        }
    }

    /// @notice How many operator sets `avs` has.
    function getOperatorSetCount(address avs) external view returns (uint256) {
        return _operatorSets[avs].length();
    }

    /// @notice Sets `operator` is registered for.
    function getRegisteredSets(address operator) external view returns (OperatorSet[] memory sets) {
        return _decodeSets(_registeredSets[operator]);
    }

    /// @notice Sets `operator` has (or is changing) allocations to.
    function getAllocatedSets(address operator) external view returns (OperatorSet[] memory sets) {
        return _decodeSets(_allocatedSets[operator]);
    }

    /// @notice The slasher of a set now (a queued change counts once its block is reached).
    function getSlasher(OperatorSet memory operatorSet) public view returns (address) {
        SlasherParams memory params = _slashers[OperatorSetKeys.key(operatorSet)];
        if (params.effectBlock != 0 && block.number >= params.effectBlock) return params.pendingSlasher;
        return params.slasher;
    }

    /// @notice How many slashes `operatorSet` has made.
    function getSlashCount(OperatorSet memory operatorSet) external view returns (uint256) {
        return _slashIds[OperatorSetKeys.key(operatorSet)];
    }

    /// @notice Where slashed tokens of `operatorSet` go: always the burn address in the stand-in.
    function getRedistributionRecipient(OperatorSet memory) external pure returns (address) {
        return DEFAULT_BURN_ADDRESS;
    }

    /// @notice Whether the set redistributes slashed funds: never in the stand-in.
    function isRedistributingOperatorSet(OperatorSet memory) external pure returns (bool) {
        return false;
    }

    /// @notice The contract called on (de)registration for `avs`.
    function getAVSRegistrar(address avs) public view returns (IAVSRegistrar) {
        IAVSRegistrar registrar = _avsRegistrar[avs];
        return address(registrar) == address(0) ? IAVSRegistrar(avs) : registrar;
    }

    /// @notice Blocks a slashable deallocation (or a deregistration) stays slashable.
    function DEALLOCATION_DELAY() external view returns (uint32) {
        return _deallocationDelay;
    }

    /// @notice Blocks before a changed allocation delay applies.
    function ALLOCATION_CONFIGURATION_DELAY() external view returns (uint32) {
        return _allocationConfigurationDelay;
    }

    /// @notice Blocks before a changed slasher applies (equal to the allocation configuration delay).
    function SLASHER_CONFIGURATION_DELAY() external view returns (uint32) {
        return _allocationConfigurationDelay;
    }

    /// @notice The DelegationManager.
    function delegation() external view returns (address) {
        return address(_delegation);
    }

    /* INTERNAL */

    function _createOperatorSet(address avs, uint32 id, IStrategy[] calldata strategies, address slasher) private {
        OperatorSet memory operatorSet = OperatorSet(avs, id);
        if (!_operatorSets[avs].add(id)) revert InvalidOperatorSet();
        emit OperatorSetCreated(operatorSet);
        bytes32 key = OperatorSetKeys.key(operatorSet);
        for (uint256 j = 0; j < strategies.length; ++j) {
            if (!_setStrategies[key].add(address(strategies[j]))) revert StrategyAlreadyInOperatorSet();
            emit StrategyAddedToOperatorSet(operatorSet, strategies[j]);
        }
        _setSlasher(key, operatorSet, slasher, true);
    }

    function _setSlasher(bytes32 key, OperatorSet memory operatorSet, address slasher, bool immediately) private {
        if (slasher == address(0)) revert InputAddressZero();
        SlasherParams memory params = _slashers[key];
        if (params.effectBlock != 0 && block.number >= params.effectBlock) params.slasher = params.pendingSlasher;
        params.pendingSlasher = slasher;
        params.effectBlock =
            immediately ? uint32(block.number) : uint32(block.number) + _allocationConfigurationDelay + 1;
        if (immediately) params.slasher = slasher;
        _slashers[key] = params;
        emit SlasherUpdated(operatorSet, slasher, params.effectBlock);
    }

    function _modifyAllocation(
        address operator,
        OperatorSet calldata operatorSet,
        IStrategy strategy,
        uint64 newMagnitude,
        uint32 allocationDelay,
        bool operatorSlashable
    ) private {
        bytes32 key = OperatorSetKeys.key(operatorSet);
        _clearDeallocationQueue(operator, strategy, type(uint16).max);
        (StrategyInfo memory info, Allocation memory allocation) = _getUpdatedAllocation(operator, key, strategy);
        if (allocation.effectBlock != 0) revert ModificationAlreadyPending();
        bool slashable =
            _setStrategies[key].contains(address(strategy)) && operatorSlashable && allocation.currentMagnitude != 0;
        allocation.pendingDiff = int128(uint128(newMagnitude)) - int128(uint128(allocation.currentMagnitude));
        if (allocation.pendingDiff == 0) revert SameMagnitude();
        if (allocation.pendingDiff < 0) {
            if (slashable) {
                // Stays slashable through block.number + DEALLOCATION_DELAY; frees magnitude the block after.
                _deallocQueue[operator][strategy].pushBack(key);
                allocation.effectBlock = uint32(block.number) + _deallocationDelay + 1;
            } else {
                info.encumberedMagnitude = _addInt128(info.encumberedMagnitude, allocation.pendingDiff);
                allocation.currentMagnitude = newMagnitude;
                allocation.pendingDiff = 0;
                allocation.effectBlock = uint32(block.number);
            }
        } else {
            // Consumes magnitude now; becomes slashable after the operator's allocation delay.
            info.encumberedMagnitude = _addInt128(info.encumberedMagnitude, allocation.pendingDiff);
            if (info.encumberedMagnitude > info.maxMagnitude) revert InsufficientMagnitude();
            allocation.effectBlock = uint32(block.number) + allocationDelay;
        }
        _updateAllocationInfo(operator, key, strategy, info, allocation);
        emit AllocationUpdated(
            operator,
            operatorSet,
            strategy,
            _addInt128(allocation.currentMagnitude, allocation.pendingDiff),
            allocation.effectBlock
        );
    }

    function _slashStrategy(
        SlashContext memory ctx,
        IStrategy strategy,
        uint256 wadToSlash
    ) private returns (uint256 wadSlashed, uint256 sharesSlashed) {
        (StrategyInfo memory info, Allocation memory allocation) = _getUpdatedAllocation(
            ctx.operator,
            ctx.key,
            strategy
        );
        if (allocation.currentMagnitude == 0) return (0, 0);
        // Rounds against the operator.
        uint64 slashedMagnitude = SafeCast.toUint64(uint256(allocation.currentMagnitude).mulWadUp(wadToSlash));
        uint64 prevMaxMagnitude = info.maxMagnitude;
        wadSlashed = uint256(slashedMagnitude).divWad(prevMaxMagnitude);
        allocation.currentMagnitude -= slashedMagnitude;
        info.maxMagnitude -= slashedMagnitude;
        info.encumberedMagnitude -= slashedMagnitude;
        if (allocation.pendingDiff < 0) {
            // A pending deallocation shrinks in proportion, so less magnitude is freed later.
            uint64 slashedPending = SafeCast.toUint64(uint256(uint128(-allocation.pendingDiff)).mulWadUp(wadToSlash));
            allocation.pendingDiff += int128(uint128(slashedPending));
            emit AllocationUpdated(
                ctx.operator,
                ctx.operatorSet,
                strategy,
                _addInt128(allocation.currentMagnitude, allocation.pendingDiff),
                allocation.effectBlock
            );
        }
        _updateAllocationInfo(ctx.operator, ctx.key, strategy, info, allocation);
        emit AllocationUpdated(
            ctx.operator,
            ctx.operatorSet,
            strategy,
            allocation.currentMagnitude,
            uint32(block.number)
        );
        sharesSlashed = _lowerMaxMagnitude(ctx, strategy, prevMaxMagnitude, info.maxMagnitude);
    }

    function _lowerMaxMagnitude(
        SlashContext memory ctx,
        IStrategy strategy,
        uint64 prevMax,
        uint64 newMax
    ) private returns (uint256) {
        _maxMagnitudeHistory[ctx.operator][strategy].push(uint32(block.number), newMax);
        emit MaxMagnitudeUpdated(ctx.operator, strategy, newMax);
        return
            IOperatorShareSlasher(address(_delegation)).slashOperatorShares(
                ctx.operator,
                ctx.operatorSet,
                ctx.slashId,
                strategy,
                prevMax,
                newMax
            );
    }

    function _clearDeallocationQueue(address operator, IStrategy strategy, uint16 numToClear) private {
        DoubleEndedQueue.Bytes32Deque storage queue = _deallocQueue[operator][strategy];
        uint256 cleared = 0;
        while (queue.length() > 0 && cleared < numToClear) {
            bytes32 key = queue.front();
            (StrategyInfo memory info, Allocation memory allocation) = _getUpdatedAllocation(operator, key, strategy);
            if (block.number < _allocs[operator][key][strategy].effectBlock) break;
            _updateAllocationInfo(operator, key, strategy, info, allocation);
            queue.popFront();
            ++cleared;
        }
    }

    /// @dev The allocation with any due pending change applied (and encumbered magnitude freed if it was a
    /// deallocation).
    function _getUpdatedAllocation(
        address operator,
        bytes32 key,
        IStrategy strategy
    ) private view returns (StrategyInfo memory info, Allocation memory allocation) {
        info = StrategyInfo(_latestMaxMagnitude(operator, strategy), _encumbered[operator][strategy]);
        allocation = _allocs[operator][key][strategy];
        if (block.number < allocation.effectBlock) return (info, allocation);
        allocation.currentMagnitude = _addInt128(allocation.currentMagnitude, allocation.pendingDiff);
        if (allocation.pendingDiff < 0) {
            info.encumberedMagnitude = _addInt128(info.encumberedMagnitude, allocation.pendingDiff);
        }
        allocation.effectBlock = 0;
        allocation.pendingDiff = 0;
    }

    function _updateAllocationInfo(
        address operator,
        bytes32 key,
        IStrategy strategy,
        StrategyInfo memory info,
        Allocation memory allocation
    ) private {
        if (_encumbered[operator][strategy] != info.encumberedMagnitude) {
            _encumbered[operator][strategy] = info.encumberedMagnitude;
            emit EncumberedMagnitudeUpdated(operator, strategy, info.encumberedMagnitude);
        }
        _allocs[operator][key][strategy] = allocation;
        if (allocation.pendingDiff != 0) {
            _allocatedStrategies[operator][key].add(address(strategy));
            _allocatedSets[operator].add(key);
        } else if (allocation.currentMagnitude == 0) {
            _allocatedStrategies[operator][key].remove(address(strategy));
            if (_allocatedStrategies[operator][key].length() == 0) _allocatedSets[operator].remove(key);
        }
    }

    function _latestMaxMagnitude(address operator, IStrategy strategy) private view returns (uint64) {
        Checkpoints.Trace224 storage history = _maxMagnitudeHistory[operator][strategy];
        // Magnitudes are uint64 when pushed: the cast cannot truncate.
        return history.length() == 0 ? WAD : uint64(history.latest());
    }

    function _addInt128(uint64 a, int128 b) private pure returns (uint64) {
        return SafeCast.toUint64(SafeCast.toUint256(int256(int128(uint128(a)) + b)));
    }

    function _decodeSets(EnumerableSet.Bytes32Set storage keys) private view returns (OperatorSet[] memory sets) {
        uint256 length = keys.length();
        sets = new OperatorSet[](length);
        for (uint256 i = 0; i < length; ++i) {
            sets[i] = OperatorSetKeys.decode(keys.at(i));
        }
    }
}
