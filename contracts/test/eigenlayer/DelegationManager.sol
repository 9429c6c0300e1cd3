// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IStrategy} from "../../interfaces/external/eigenlayer/IStrategy.sol";
import {IDelegationManager} from "../../interfaces/external/eigenlayer/IDelegationManager.sol";
import {IAllocationManager, OperatorSet} from "../../interfaces/external/eigenlayer/IAllocationManager.sol";
import {Initializer} from "./mixins/Initializer.sol";
import {PermissionMixin} from "./mixins/PermissionMixin.sol";
import {Pausable} from "./permissions/Pausable.sol";
import {PauserRegistry} from "./permissions/PauserRegistry.sol";
import {SlashingMath} from "./libraries/SlashingMath.sol";

/// @notice The StrategyManager's share-manager hooks, as the DelegationManager calls them.
interface IShareManager {
    function addShares(address staker, IStrategy strategy, uint256 shares) external returns (uint256, uint256);
    function removeDepositShares(address staker, IStrategy strategy, uint256 shares) external returns (uint256);
    function withdrawSharesAsTokens(address staker, IStrategy strategy, IERC20 token, uint256 shares) external;
    function increaseBurnOrRedistributableShares(
        OperatorSet calldata operatorSet,
        uint256 slashId,
        IStrategy strategy,
        uint256 addedSharesToBurn
    ) external;
    function stakerDepositShares(address staker, IStrategy strategy) external view returns (uint256);
    function getDeposits(address staker) external view returns (IStrategy[] memory, uint256[] memory);
}

/// @notice The EigenPodManager's share-manager hooks plus the beacon chain slashing factor it keeps per pod owner.
interface IBeaconShareManager is IShareManager {
    function beaconChainSlashingFactor(address podOwner) external view returns (uint64);
}

/// @notice What the DelegationManager tells the AllocationManager at operator registration.
interface IAllocationDelaySetter {
    function setAllocationDelay(address operator, uint32 delay) external;
}

/// @title DelegationManager (local stand-in of EigenLayer v1.12.0)
/// @notice Operators, delegation, the withdrawal queue and the staker side of slashing.
/// @dev A staker's withdrawable shares are `depositShares x depositScalingFactor x slashingFactor` (WAD multiplies,
/// floor), where the slashing factor is its operator's current max magnitude. Queued withdrawals store scaled shares
/// and meet the operator's max magnitude at `startBlock + minWithdrawalDelayBlocks` on completion, so a slash inside
/// that window reaches them. Native restaking: once `initializeEigenPodManagerStandIn` wires an EigenPodManager,
/// it is the share manager of `beaconChainETHStrategy` (deposit shares, queue removal, completion as shares or as ETH
/// out of the pod, burnable shares) and the slashing factor of that strategy is `maxMagnitude x
/// beaconChainSlashingFactor(staker)` (WAD multiply) for withdrawable shares, deposits, queueing and completion
/// (magnitude at the end of the delay, the CURRENT beacon factor); delegation divides the scaling factor by the
/// operator's max magnitude alone, so a beacon slash taken before delegating is kept. A beacon-chain balance
/// decrease lowers the operator's shares through `decreaseDelegatedShares`. Without an EigenPodManager the stand-in
/// behaves as before (no beacon strategy).
contract DelegationManager is IDelegationManager, Initializer, Pausable, PermissionMixin, ReentrancyGuardTransient {
    using Checkpoints for Checkpoints.Trace224;
    using EnumerableSet for EnumerableSet.Bytes32Set;
    using SlashingMath for uint256;

    /// @notice Emitted when an operator registers.
    event OperatorRegistered(address indexed operator, address delegationApprover);
    /// @notice Emitted when an operator's delegation approver changes.
    event DelegationApproverUpdated(address indexed operator, address newDelegationApprover);
    /// @notice Emitted when an operator's metadata URI changes.
    event OperatorMetadataURIUpdated(address indexed operator, string metadataURI);
    /// @notice Emitted when `operator`'s delegated shares rise.
    event OperatorSharesIncreased(address indexed operator, address staker, IStrategy strategy, uint256 shares);
    /// @notice Emitted when `operator`'s delegated shares fall (staker zero: a slash).
    event OperatorSharesDecreased(address indexed operator, address staker, IStrategy strategy, uint256 shares);
    /// @notice Emitted when a slash removes shares from an operator and the queue.
    event OperatorSharesSlashed(address indexed operator, IStrategy strategy, uint256 totalSlashedShares);
    /// @notice Emitted on delegation.
    event StakerDelegated(address indexed staker, address indexed operator);
    /// @notice Emitted on every undelegation.
    event StakerUndelegated(address indexed staker, address indexed operator);
    /// @notice Emitted when the operator or its approver undelegates a staker.
    event StakerForceUndelegated(address indexed staker, address indexed operator);
    /// @notice Emitted when a staker's deposit scaling factor changes.
    event DepositScalingFactorUpdated(address staker, IStrategy strategy, uint256 newDepositScalingFactor);
    /// @notice Emitted when a withdrawal is queued, with its shares after slashing so far.
    event SlashingWithdrawalQueued(bytes32 withdrawalRoot, Withdrawal withdrawal, uint256[] sharesToWithdraw);
    /// @notice Emitted when a withdrawal is completed.
    event SlashingWithdrawalCompleted(bytes32 withdrawalRoot);

    /// @notice The staker is already delegated.
    error ActivelyDelegated();
    /// @notice The staker is not delegated.
    error NotActivelyDelegated();
    /// @notice The address is not a registered operator.
    error OperatorNotRegistered();
    /// @notice Operators are delegated to themselves for good.
    error OperatorsCannotUndelegate();
    /// @notice Only the staker, its operator or the operator's approver may undelegate.
    error CallerCannotUndelegate();
    /// @notice The operator's max magnitude for a strategy is zero.
    error FullySlashed();
    /// @notice Arrays of different lengths.
    error InputArrayLengthMismatch();
    /// @notice An empty array.
    error InputArrayLengthZero();
    /// @notice A zero address.
    error InputAddressZero();
    /// @notice Only the AllocationManager may call this.
    error OnlyAllocationManager();
    /// @notice Only the StrategyManager (or EigenPodManager) may call this.
    error OnlyStrategyManagerOrEigenPodManager();
    /// @notice Only the EigenPodManager may call this.
    error OnlyEigenPodManager();
    /// @notice The approver salt was already used.
    error SaltSpent();
    /// @notice The approver signature expired.
    error SignatureExpired();
    /// @notice The approver signature is invalid.
    error InvalidSignature();
    /// @notice `block.number` is not yet past `startBlock + minWithdrawalDelayBlocks`.
    error WithdrawalDelayNotElapsed();
    /// @notice No such pending withdrawal.
    error WithdrawalNotQueued();
    /// @notice Only the withdrawal's staker may complete it.
    error WithdrawerNotCaller();

    uint8 internal constant PAUSED_NEW_DELEGATION = 0;
    uint8 internal constant PAUSED_ENTER_WITHDRAWAL_QUEUE = 1;
    uint8 internal constant PAUSED_EXIT_WITHDRAWAL_QUEUE = 2;

    /// @notice EIP-712 type of a delegation approval.
    bytes32 public constant DELEGATION_APPROVAL_TYPEHASH = keccak256(
        "DelegationApproval(address delegationApprover,address staker,address operator,bytes32 salt,uint256 expiry)"
    );
    bytes32 internal constant DOMAIN_TYPEHASH = keccak256(
        "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
    );
    /// @notice The placeholder strategy of native (beacon-chain) ETH, whose shares the EigenPodManager keeps.
    // The mainnet getter name `beaconChainETHStrategy()`, not SNAKE_CASE.
    // solhint-disable-next-line const-name-snakecase
    IStrategy public constant beaconChainETHStrategy = IStrategy(0xbeaC0eeEeeeeEEeEeEEEEeeEEeEeeeEeeEEBEaC0);

    IShareManager private _strategyManager;
    IAllocationManager private _allocationManager;
    uint32 private _minWithdrawalDelayBlocks;

    mapping(address operator => mapping(IStrategy strategy => uint256)) private _operatorShares;
    mapping(address staker => address operator) private _delegatedTo;
    mapping(address operator => address approver) private _delegationApprover;
    mapping(address approver => mapping(bytes32 salt => bool)) private _saltSpent;
    mapping(address staker => mapping(IStrategy strategy => uint256)) private _dsf;
    mapping(address staker => uint256) private _cumulativeWithdrawalsQueued;
    mapping(bytes32 root => bool) private _pending;
    mapping(bytes32 root => Withdrawal) private _queued;
    mapping(address staker => EnumerableSet.Bytes32Set) private _stakerRoots;
    /// @dev Cumulative scaled shares each operator has sent into the queue, by block: what a slash may still reach.
    mapping(address operator => mapping(IStrategy strategy => Checkpoints.Trace224)) private _cumulativeScaledShares;
    IBeaconShareManager private _eigenPodManager;

    /// @notice Stand-in initializer: mainnet takes the managers, the pauser registry and the delay in its
    /// constructor and `initialPausedStatus` in `initialize`.
    function initializeStandIn(
        address strategyManager_,
        IAllocationManager allocationManager_,
        PauserRegistry pauserRegistry_,
        uint256 initialPausedStatus,
        uint32 minWithdrawalDelayBlocks_
    ) external initializer {
        if (strategyManager_ == address(0) || address(allocationManager_) == address(0)) revert InputAddressZero();
        _strategyManager = IShareManager(strategyManager_);
        _allocationManager = allocationManager_;
        _minWithdrawalDelayBlocks = minWithdrawalDelayBlocks_;
        _initializePausable(pauserRegistry_, initialPausedStatus);
    }

    /// @notice Stand-in wiring of the EigenPodManager (mainnet: a constructor immutable). Once, by anyone, while
    /// unset; until then the beacon chain ETH strategy is not served.
    function initializeEigenPodManagerStandIn(address eigenPodManager_) external {
        if (eigenPodManager_ == address(0)) revert InputAddressZero();
        if (address(_eigenPodManager) != address(0)) revert AlreadyInitialized();
        _eigenPodManager = IBeaconShareManager(eigenPodManager_);
    }

    /* OPERATORS */

    /// @notice Registers the caller as an operator, delegated to itself for good.
    function registerAsOperator(
        address initDelegationApprover,
        uint32 allocationDelay,
        string calldata metadataURI
    ) external nonReentrant {
        if (isDelegated(msg.sender)) revert ActivelyDelegated();
        IAllocationDelaySetter(address(_allocationManager)).setAllocationDelay(msg.sender, allocationDelay);
        _setDelegationApprover(msg.sender, initDelegationApprover);
        emit OperatorRegistered(msg.sender, initDelegationApprover);
        _delegate(msg.sender, msg.sender);
        emit OperatorMetadataURIUpdated(msg.sender, metadataURI);
    }

    /// @notice Changes an operator's delegation approver.
    function modifyOperatorDetails(
        address operator,
        address newDelegationApprover
    ) external checkCanCall(operator) nonReentrant {
        if (!isOperator(operator)) revert OperatorNotRegistered();
        _setDelegationApprover(operator, newDelegationApprover);
    }

    /// @notice Emits a new metadata URI for an operator.
    function updateOperatorMetadataURI(address operator, string calldata metadataURI) external checkCanCall(operator) {
        if (!isOperator(operator)) revert OperatorNotRegistered();
        emit OperatorMetadataURIUpdated(operator, metadataURI);
    }

    /* DELEGATION */

    /// @inheritdoc IDelegationManager
    function delegateTo(
        address operator,
        SignatureWithExpiry memory approverSignatureAndExpiry,
        bytes32 approverSalt
    ) external nonReentrant {
        if (isDelegated(msg.sender)) revert ActivelyDelegated();
        if (!isOperator(operator)) revert OperatorNotRegistered();
        _checkApproverSignature(msg.sender, operator, approverSignatureAndExpiry, approverSalt);
        _delegate(msg.sender, operator);
    }

    /// @inheritdoc IDelegationManager
    function undelegate(address staker) external nonReentrant returns (bytes32[] memory withdrawalRoots) {
        if (!isDelegated(staker)) revert NotActivelyDelegated();
        if (isOperator(staker)) revert OperatorsCannotUndelegate();
        address operator = _delegatedTo[staker];
        if (msg.sender != staker) {
            if (!_checkCanCall(operator) && msg.sender != _delegationApprover[operator]) {
                revert CallerCannotUndelegate();
            }
            emit StakerForceUndelegated(staker, operator);
        }
        return _undelegate(staker, operator);
    }

    /// @inheritdoc IDelegationManager
    function redelegate(
        address newOperator,
        SignatureWithExpiry memory newOperatorApproverSig,
        bytes32 approverSalt
    ) external nonReentrant returns (bytes32[] memory withdrawalRoots) {
        if (!isDelegated(msg.sender)) revert NotActivelyDelegated();
        if (isOperator(msg.sender)) revert OperatorsCannotUndelegate();
        if (!isOperator(newOperator)) revert OperatorNotRegistered();
        _checkApproverSignature(msg.sender, newOperator, newOperatorApproverSig, approverSalt);
        withdrawalRoots = _undelegate(msg.sender, _delegatedTo[msg.sender]);
        _delegate(msg.sender, newOperator);
    }

    /* WITHDRAWAL QUEUE */

    /// @inheritdoc IDelegationManager
    function queueWithdrawals(
        QueuedWithdrawalParams[] calldata params
    ) external onlyWhenNotPaused(PAUSED_ENTER_WITHDRAWAL_QUEUE) nonReentrant returns (bytes32[] memory roots) {
        roots = new bytes32[](params.length);
        address operator = _delegatedTo[msg.sender];
        for (uint256 i = 0; i < params.length; ++i) {
            if (params[i].strategies.length != params[i].depositShares.length) revert InputArrayLengthMismatch();
            uint256[] memory factors = _slashingFactors(msg.sender, operator, params[i].strategies);
            roots[i] = _removeSharesAndQueue(
                msg.sender,
                operator,
                params[i].strategies,
                params[i].depositShares,
                factors
            );
        }
    }

    /// @inheritdoc IDelegationManager
    function completeQueuedWithdrawal(
        Withdrawal calldata withdrawal,
        IERC20[] calldata tokens,
        bool receiveAsTokens
    ) external onlyWhenNotPaused(PAUSED_EXIT_WITHDRAWAL_QUEUE) nonReentrant {
        _completeQueuedWithdrawal(withdrawal, tokens, receiveAsTokens);
    }

    /// @inheritdoc IDelegationManager
    function completeQueuedWithdrawals(
        Withdrawal[] calldata withdrawals,
        IERC20[][] calldata tokens,
        bool[] calldata receiveAsTokens
    ) external onlyWhenNotPaused(PAUSED_EXIT_WITHDRAWAL_QUEUE) nonReentrant {
        if (withdrawals.length != tokens.length || withdrawals.length != receiveAsTokens.length) {
            revert InputArrayLengthMismatch();
        }
        for (uint256 i = 0; i < withdrawals.length; ++i) {
            _completeQueuedWithdrawal(withdrawals[i], tokens[i], receiveAsTokens[i]);
        }
    }

    /* HOOKS */

    /// @notice Called by the StrategyManager after a deposit, or by the EigenPodManager after a beacon-chain balance
    /// increase: updates the scaling factor and operator shares.
    function increaseDelegatedShares(
        address staker,
        IStrategy strategy,
        uint256 prevDepositShares,
        uint256 addedShares
    ) external nonReentrant {
        if (msg.sender != address(_strategyManager) && msg.sender != address(_eigenPodManager)) {
            revert OnlyStrategyManagerOrEigenPodManager();
        }
        address operator = _delegatedTo[staker];
        uint256 slashingFactor = _slashingFactor(staker, operator, strategy);
        _increaseDelegation(operator, staker, strategy, prevDepositShares, addedShares, slashingFactor);
    }

    /// @notice Called by the EigenPodManager after `staker`'s beacon chain slashing factor fell by
    /// `beaconChainSlashingFactorDecrease`: removes the shares that fall took from the staker's operator, i.e.
    /// `depositShares x dsf x (maxMagnitude x decrease)` (WAD multiplies, floor). Nothing if not delegated.
    function decreaseDelegatedShares(
        address staker,
        uint256 curDepositShares,
        uint64 beaconChainSlashingFactorDecrease
    ) external nonReentrant {
        if (msg.sender != address(_eigenPodManager)) revert OnlyEigenPodManager();
        if (!isDelegated(staker)) return;
        address operator = _delegatedTo[staker];
        uint256 maxMagnitude = _allocationManager.getMaxMagnitude(operator, beaconChainETHStrategy);
        uint256 sharesToDecrease = curDepositShares.calcWithdrawable(
            SlashingMath.dsfOrWad(_dsf[staker][beaconChainETHStrategy]),
            maxMagnitude.mulWad(beaconChainSlashingFactorDecrease)
        );
        _decreaseDelegation(operator, staker, beaconChainETHStrategy, sharesToDecrease);
    }

    /// @notice Called by the AllocationManager on a slash: removes the operator's slashed shares and the slashable
    /// part of its queue, and parks them in the StrategyManager to be burned.
    function slashOperatorShares(
        address operator,
        OperatorSet calldata operatorSet,
        uint256 slashId,
        IStrategy strategy,
        uint64 prevMaxMagnitude,
        uint64 newMaxMagnitude
    ) external nonReentrant returns (uint256 totalDepositSharesToSlash) {
        if (msg.sender != address(_allocationManager)) revert OnlyAllocationManager();
        uint256 operatorSharesSlashed = SlashingMath.calcSlashedAmount(
            _operatorShares[operator][strategy],
            prevMaxMagnitude,
            newMaxMagnitude
        );
        uint256 queuedScaled = _scaledSharesInSlashableQueue(operator, strategy);
        uint256 queueSlashed = queuedScaled.mulWad(prevMaxMagnitude - newMaxMagnitude);
        totalDepositSharesToSlash = operatorSharesSlashed + queueSlashed;
        _decreaseDelegation(operator, address(0), strategy, operatorSharesSlashed);
        _shareManager(strategy).increaseBurnOrRedistributableShares(
            operatorSet,
            slashId,
            strategy,
            totalDepositSharesToSlash
        );
        emit OperatorSharesSlashed(operator, strategy, totalDepositSharesToSlash);
    }

    /* VIEWS */

    /// @inheritdoc IDelegationManager
    function getWithdrawableShares(
        address staker,
        IStrategy[] memory strategies
    ) public view returns (uint256[] memory withdrawableShares, uint256[] memory depositShares) {
        uint256[] memory factors = _slashingFactors(staker, _delegatedTo[staker], strategies);
        withdrawableShares = new uint256[](strategies.length);
        depositShares = new uint256[](strategies.length);
        for (uint256 i = 0; i < strategies.length; ++i) {
            depositShares[i] = _shareManager(strategies[i]).stakerDepositShares(staker, strategies[i]);
            withdrawableShares[i] = depositShares[i].calcWithdrawable(
                SlashingMath.dsfOrWad(_dsf[staker][strategies[i]]),
                factors[i]
            );
        }
    }

    /// @inheritdoc IDelegationManager
    function getQueuedWithdrawals(
        address staker
    ) external view returns (Withdrawal[] memory withdrawals, uint256[][] memory shares) {
        bytes32[] memory roots = _stakerRoots[staker].values();
        withdrawals = new Withdrawal[](roots.length);
        shares = new uint256[][](roots.length);
        for (uint256 i = 0; i < roots.length; ++i) {
            (withdrawals[i], shares[i]) = _sharesByRoot(roots[i]);
        }
    }

    /// @inheritdoc IDelegationManager
    function getQueuedWithdrawal(
        bytes32 withdrawalRoot
    ) external view returns (Withdrawal memory withdrawal, uint256[] memory shares) {
        return _sharesByRoot(withdrawalRoot);
    }

    /// @notice Roots of `staker`'s pending withdrawals.
    function getQueuedWithdrawalRoots(address staker) external view returns (bytes32[] memory) {
        return _stakerRoots[staker].values();
    }

    /// @notice The stored withdrawal behind `withdrawalRoot` (zeroed once completed).
    function queuedWithdrawals(bytes32 withdrawalRoot) external view returns (Withdrawal memory) {
        return _queued[withdrawalRoot];
    }

    /// @notice Whether `withdrawalRoot` is pending.
    function pendingWithdrawals(bytes32 withdrawalRoot) external view returns (bool) {
        return _pending[withdrawalRoot];
    }

    /// @inheritdoc IDelegationManager
    function convertToDepositShares(
        address staker,
        IStrategy[] memory strategies,
        uint256[] memory withdrawableShares
    ) external view returns (uint256[] memory depositShares) {
        uint256[] memory factors = _slashingFactors(staker, _delegatedTo[staker], strategies);
        depositShares = new uint256[](strategies.length);
        for (uint256 i = 0; i < strategies.length; ++i) {
            depositShares[i] = withdrawableShares[i].calcDepositShares(
                SlashingMath.dsfOrWad(_dsf[staker][strategies[i]]),
                factors[i]
            );
        }
    }

    /// @notice The strategies `staker` has deposit shares in, and those shares; beacon chain ETH (if any) last.
    function getDepositedShares(address staker) public view returns (IStrategy[] memory, uint256[] memory) {
        (IStrategy[] memory tokenStrategies, uint256[] memory tokenShares) = _strategyManager.getDeposits(staker);
        if (address(_eigenPodManager) == address(0)) return (tokenStrategies, tokenShares);
        uint256 podShares = _eigenPodManager.stakerDepositShares(staker, beaconChainETHStrategy);
        if (podShares == 0) return (tokenStrategies, tokenShares);
        uint256 length = tokenStrategies.length;
        IStrategy[] memory strategies = new IStrategy[](length + 1);
        uint256[] memory shares = new uint256[](length + 1);
        for (uint256 i = 0; i < length; ++i) {
            strategies[i] = tokenStrategies[i];
            shares[i] = tokenShares[i];
        }
        strategies[length] = beaconChainETHStrategy;
        shares[length] = podShares;
        return (strategies, shares);
    }

    /// @notice Scaled shares `operator` sent into the queue that a slash could still reach, at its max magnitude.
    function getSlashableSharesInQueue(address operator, IStrategy strategy) external view returns (uint256) {
        return
            _scaledSharesInSlashableQueue(operator, strategy).mulWad(
                _allocationManager.getMaxMagnitude(operator, strategy)
            );
    }

    /// @notice Shares delegated to `operator` per strategy.
    function getOperatorShares(
        address operator,
        IStrategy[] memory strategies
    ) public view returns (uint256[] memory shares) {
        shares = new uint256[](strategies.length);
        for (uint256 i = 0; i < strategies.length; ++i) {
            shares[i] = _operatorShares[operator][strategies[i]];
        }
    }

    /// @notice `getOperatorShares` for several operators.
    function getOperatorsShares(
        address[] memory operators,
        IStrategy[] memory strategies
    ) external view returns (uint256[][] memory shares) {
        shares = new uint256[][](operators.length);
        for (uint256 i = 0; i < operators.length; ++i) {
            shares[i] = getOperatorShares(operators[i], strategies);
        }
    }

    /// @notice Shares delegated to `operator` in `strategy`.
    function operatorShares(address operator, IStrategy strategy) external view returns (uint256) {
        return _operatorShares[operator][strategy];
    }

    /// @inheritdoc IDelegationManager
    function delegatedTo(address staker) external view returns (address) {
        return _delegatedTo[staker];
    }

    /// @inheritdoc IDelegationManager
    function isDelegated(address staker) public view returns (bool) {
        return _delegatedTo[staker] != address(0);
    }

    /// @inheritdoc IDelegationManager
    function isOperator(address operator) public view returns (bool) {
        return operator != address(0) && _delegatedTo[operator] == operator;
    }

    /// @notice The address that must approve delegations to `operator` (zero: anyone may delegate).
    function delegationApprover(address operator) external view returns (address) {
        return _delegationApprover[operator];
    }

    /// @notice Whether `approver` already used `salt`.
    function delegationApproverSaltIsSpent(address approver, bytes32 salt) external view returns (bool) {
        return _saltSpent[approver][salt];
    }

    /// @notice The deposit scaling factor of `staker` in `strategy` (WAD when unset).
    function depositScalingFactor(address staker, IStrategy strategy) external view returns (uint256) {
        return SlashingMath.dsfOrWad(_dsf[staker][strategy]);
    }

    /// @inheritdoc IDelegationManager
    function cumulativeWithdrawalsQueued(address staker) external view returns (uint256) {
        return _cumulativeWithdrawalsQueued[staker];
    }

    /// @inheritdoc IDelegationManager
    function minWithdrawalDelayBlocks() external view returns (uint32) {
        return _minWithdrawalDelayBlocks;
    }

    /// @inheritdoc IDelegationManager
    function calculateWithdrawalRoot(Withdrawal memory withdrawal) public pure returns (bytes32) {
        return keccak256(abi.encode(withdrawal));
    }

    /// @notice The EIP-712 digest an approver signs to let `staker` delegate to `operator`.
    function calculateDelegationApprovalDigestHash(
        address staker,
        address operator,
        address approver,
        bytes32 approverSalt,
        uint256 expiry
    ) public view returns (bytes32) {
        bytes32 structHash = keccak256(
            abi.encode(DELEGATION_APPROVAL_TYPEHASH, approver, staker, operator, approverSalt, expiry)
        );
        return MessageHashUtils.toTypedDataHash(domainSeparator(), structHash);
    }

    /// @notice EIP-712 domain: name "EigenLayer", version "1" (the major version), this chain and contract.
    function domainSeparator() public view returns (bytes32) {
        return
            keccak256(
                abi.encode(DOMAIN_TYPEHASH, keccak256("EigenLayer"), keccak256("1"), block.chainid, address(this))
            );
    }

    /// @notice The StrategyManager.
    function strategyManager() external view returns (address) {
        return address(_strategyManager);
    }

    /// @notice The EigenPodManager (zero until wired).
    function eigenPodManager() external view returns (address) {
        return address(_eigenPodManager);
    }

    /// @notice The AllocationManager.
    function allocationManager() external view returns (address) {
        return address(_allocationManager);
    }

    /// @notice Semantic version of the mirrored release.
    function version() external pure returns (string memory) {
        return "1.12.0";
    }

    /* INTERNAL */

    function _delegate(address staker, address operator) private onlyWhenNotPaused(PAUSED_NEW_DELEGATION) {
        // An undelegated staker holds deposit shares at scaling factor WAD and slashing factor WAD.
        // The scaling factor is divided by the operator's max magnitude only: delegation forgives the new operator's
        // past slashing, not the staker's own beacon chain slashing (withdrawable shares are unchanged).
        (IStrategy[] memory strategies, ) = getDepositedShares(staker);
        (uint256[] memory withdrawable, ) = getWithdrawableShares(staker, strategies);
        uint64[] memory maxMagnitudes = _allocationManager.getMaxMagnitudes(operator, strategies);
        _delegatedTo[staker] = operator;
        emit StakerDelegated(staker, operator);
        for (uint256 i = 0; i < strategies.length; ++i) {
            _increaseDelegation(operator, staker, strategies[i], 0, withdrawable[i], maxMagnitudes[i]);
        }
    }

    function _undelegate(
        address staker,
        address operator
    ) private onlyWhenNotPaused(PAUSED_ENTER_WITHDRAWAL_QUEUE) returns (bytes32[] memory roots) {
        _delegatedTo[staker] = address(0);
        emit StakerUndelegated(staker, operator);
        (IStrategy[] memory strategies, uint256[] memory depositShares) = getDepositedShares(staker);
        uint256[] memory factors = _slashingFactors(staker, operator, strategies);
        roots = new bytes32[](strategies.length);
        for (uint256 i = 0; i < strategies.length; ++i) {
            IStrategy[] memory single = new IStrategy[](1);
            uint256[] memory singleShares = new uint256[](1);
            uint256[] memory singleFactor = new uint256[](1);
            single[0] = strategies[i];
            singleShares[0] = depositShares[i];
            singleFactor[0] = factors[i];
            roots[i] = _removeSharesAndQueue(staker, operator, single, singleShares, singleFactor);
        }
    }

    function _increaseDelegation(
        address operator,
        address staker,
        IStrategy strategy,
        uint256 prevDepositShares,
        uint256 addedShares,
        uint256 slashingFactor
    ) private {
        if (slashingFactor == 0) revert FullySlashed();
        uint256 newDsf = SlashingMath.updatedDsf(
            SlashingMath.dsfOrWad(_dsf[staker][strategy]),
            prevDepositShares,
            addedShares,
            slashingFactor
        );
        _dsf[staker][strategy] = newDsf;
        emit DepositScalingFactorUpdated(staker, strategy, newDsf);
        if (operator != address(0)) {
            _operatorShares[operator][strategy] += addedShares;
            emit OperatorSharesIncreased(operator, staker, strategy, addedShares);
        }
    }

    function _decreaseDelegation(address operator, address staker, IStrategy strategy, uint256 shares) private {
        _operatorShares[operator][strategy] -= shares;
        emit OperatorSharesDecreased(operator, staker, strategy, shares);
    }

    function _removeSharesAndQueue(
        address staker,
        address operator,
        IStrategy[] memory strategies,
        uint256[] memory depositShares,
        uint256[] memory slashingFactors
    ) private returns (bytes32 root) {
        if (strategies.length == 0) revert InputArrayLengthZero();
        uint256[] memory scaledShares = new uint256[](strategies.length);
        uint256[] memory withdrawable = new uint256[](strategies.length);
        for (uint256 i = 0; i < strategies.length; ++i) {
            uint256 dsf = SlashingMath.dsfOrWad(_dsf[staker][strategies[i]]);
            withdrawable[i] = depositShares[i].calcWithdrawable(dsf, slashingFactors[i]);
            scaledShares[i] = depositShares[i].mulWad(dsf);
            if (operator != address(0)) {
                _addQueuedScaledShares(operator, strategies[i], scaledShares[i]);
                _decreaseDelegation(operator, staker, strategies[i], withdrawable[i]);
            }
            if (_shareManager(strategies[i]).removeDepositShares(staker, strategies[i], depositShares[i]) == 0) {
                delete _dsf[staker][strategies[i]];
            }
        }
        Withdrawal memory withdrawal = Withdrawal({
            staker: staker,
            delegatedTo: operator,
            withdrawer: staker,
            nonce: _cumulativeWithdrawalsQueued[staker],
            startBlock: uint32(block.number),
            strategies: strategies,
            scaledShares: scaledShares
        });
        root = calculateWithdrawalRoot(withdrawal);
        ++_cumulativeWithdrawalsQueued[staker];
        _queued[root] = withdrawal;
        _stakerRoots[staker].add(root);
        _pending[root] = true;
        emit SlashingWithdrawalQueued(root, withdrawal, withdrawable);
    }

    function _completeQueuedWithdrawal(
        Withdrawal calldata withdrawal,
        IERC20[] calldata tokens,
        bool receiveAsTokens
    ) private {
        if (tokens.length != withdrawal.strategies.length) revert InputArrayLengthMismatch();
        if (msg.sender != withdrawal.withdrawer) revert WithdrawerNotCaller();
        bytes32 root = calculateWithdrawalRoot(withdrawal);
        if (!_pending[root]) revert WithdrawalNotQueued();
        uint32 slashableUntil = withdrawal.startBlock + _minWithdrawalDelayBlocks;
        if (uint32(block.number) <= slashableUntil) revert WithdrawalDelayNotElapsed();
        uint256[] memory prevFactors = _slashingFactorsAtBlock(
            withdrawal.staker,
            withdrawal.delegatedTo,
            withdrawal.strategies,
            slashableUntil
        );

        _stakerRoots[withdrawal.staker].remove(root);
        delete _queued[root];
        delete _pending[root];
        emit SlashingWithdrawalCompleted(root);

        for (uint256 i = 0; i < withdrawal.strategies.length; ++i) {
            uint256 shares = withdrawal.scaledShares[i].mulWad(prevFactors[i]);
            if (shares == 0) continue;
            _payOut(withdrawal.staker, withdrawal.strategies[i], tokens[i], shares, receiveAsTokens);
        }
    }

    /// @dev Completion of one strategy: as tokens (ETH out of the pod for the beacon strategy), or as shares
    /// re-delegated to the staker's current operator.
    function _payOut(address staker, IStrategy strategy, IERC20 token, uint256 shares, bool receiveAsTokens) private {
        if (receiveAsTokens) _shareManager(strategy).withdrawSharesAsTokens(staker, strategy, token, shares);
        else _redeposit(staker, strategy, shares);
    }

    function _redeposit(address staker, IStrategy strategy, uint256 shares) private {
        (uint256 prev, uint256 added) = _shareManager(strategy).addShares(staker, strategy, shares);
        address operator = _delegatedTo[staker];
        uint256 factor = _slashingFactor(staker, operator, strategy);
        _increaseDelegation(operator, staker, strategy, prev, added, factor);
    }

    function _sharesByRoot(bytes32 root) private view returns (Withdrawal memory withdrawal, uint256[] memory shares) {
        withdrawal = _queued[root];
        shares = new uint256[](withdrawal.strategies.length);
        uint32 slashableUntil = withdrawal.startBlock + _minWithdrawalDelayBlocks;
        // Past the window, the magnitudes are final; inside it they are today's and may still fall. The beacon chain
        // slashing factor is always today's (as on completion).
        uint256[] memory factors =
            slashableUntil < uint32(block.number)
                ? _slashingFactorsAtBlock(
                    withdrawal.staker,
                    withdrawal.delegatedTo,
                    withdrawal.strategies,
                    slashableUntil
                )
                : _slashingFactors(withdrawal.staker, withdrawal.delegatedTo, withdrawal.strategies);
        for (uint256 i = 0; i < withdrawal.strategies.length; ++i) {
            shares[i] = withdrawal.scaledShares[i].mulWad(factors[i]);
        }
    }

    /// @dev Slashing factors of `staker` (delegated to `operator`): the operator's max magnitude, times the
    /// staker's beacon chain slashing factor for the beacon strategy.
    function _slashingFactors(
        address staker,
        address operator,
        IStrategy[] memory strategies
    ) private view returns (uint256[] memory) {
        return _withBeaconFactor(staker, strategies, _allocationManager.getMaxMagnitudes(operator, strategies));
    }

    /// @dev As `_slashingFactors`, with the max magnitudes at `blockNumber` (the beacon factor is today's).
    function _slashingFactorsAtBlock(
        address staker,
        address operator,
        IStrategy[] memory strategies,
        uint32 blockNumber
    ) private view returns (uint256[] memory) {
        return
            _withBeaconFactor(
                staker,
                strategies,
                _allocationManager.getMaxMagnitudesAtBlock(operator, strategies, blockNumber)
            );
    }

    function _slashingFactor(address staker, address operator, IStrategy strategy) private view returns (uint256) {
        uint256 maxMagnitude = _allocationManager.getMaxMagnitude(operator, strategy);
        if (strategy != beaconChainETHStrategy) return maxMagnitude;
        return maxMagnitude.mulWad(_eigenPodManager.beaconChainSlashingFactor(staker));
    }

    function _withBeaconFactor(
        address staker,
        IStrategy[] memory strategies,
        uint64[] memory maxMagnitudes
    ) private view returns (uint256[] memory factors) {
        factors = new uint256[](strategies.length);
        for (uint256 i = 0; i < strategies.length; ++i) {
            factors[i] = maxMagnitudes[i];
            if (strategies[i] == beaconChainETHStrategy) {
                factors[i] = factors[i].mulWad(_eigenPodManager.beaconChainSlashingFactor(staker));
            }
        }
    }

    /// @dev The EigenPodManager for the beacon chain ETH strategy, the StrategyManager for every other.
    function _shareManager(IStrategy strategy) private view returns (IShareManager) {
        return strategy == beaconChainETHStrategy ? IShareManager(address(_eigenPodManager)) : _strategyManager;
    }

    function _addQueuedScaledShares(address operator, IStrategy strategy, uint256 scaledShares) private {
        Checkpoints.Trace224 storage history = _cumulativeScaledShares[operator][strategy];
        history.push(uint32(block.number), SafeCast.toUint224(history.latest() + scaledShares));
    }

    /// @dev Scaled shares that entered the queue within the last `minWithdrawalDelayBlocks` blocks (inclusive).
    /// Mainnet subtracts `delay + 1` from `block.number` unguarded; on a chain younger than that the lookup point is
    /// before genesis, so nothing had entered yet and the stand-in reads zero instead of underflowing.
    function _scaledSharesInSlashableQueue(address operator, IStrategy strategy) private view returns (uint256) {
        Checkpoints.Trace224 storage history = _cumulativeScaledShares[operator][strategy];
        uint256 lookback = uint256(_minWithdrawalDelayBlocks) + 1;
        uint256 before = block.number > lookback ? history.upperLookup(uint32(block.number - lookback)) : 0;
        return history.latest() - before;
    }

    function _checkApproverSignature(
        address staker,
        address operator,
        SignatureWithExpiry memory signature,
        bytes32 salt
    ) private {
        address approver = _delegationApprover[operator];
        if (approver == address(0)) return;
        if (_saltSpent[approver][salt]) revert SaltSpent();
        if (signature.expiry < block.timestamp) revert SignatureExpired();
        bytes32 digest = calculateDelegationApprovalDigestHash(staker, operator, approver, salt, signature.expiry);
        if (!SignatureChecker.isValidSignatureNow(approver, digest, signature.signature)) revert InvalidSignature();
        _saltSpent[approver][salt] = true;
    }

    function _setDelegationApprover(address operator, address approver) private {
        _delegationApprover[operator] = approver;
        emit DelegationApproverUpdated(operator, approver);
    }
}
