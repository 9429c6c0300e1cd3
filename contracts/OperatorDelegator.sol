// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {IOperatorDelegator} from "./interfaces/IOperatorDelegator.sol";
import {EigenLayerLinks} from "./interfaces/IRestakingManager.sol";
import {IStrategy} from "./interfaces/external/eigenlayer/IStrategy.sol";
import {IStrategyManager} from "./interfaces/external/eigenlayer/IStrategyManager.sol";
import {IDelegationManager} from "./interfaces/external/eigenlayer/IDelegationManager.sol";
import {IRewardsCoordinator} from "./interfaces/external/eigenlayer/IRewardsCoordinator.sol";
import {IEigenPodManager} from "./interfaces/external/eigenlayer/IEigenPod.sol";
import {IValidatorKeyRegistry} from "./interfaces/IValidatorKeyRegistry.sol";
import {VALIDATOR_DEPOSIT} from "./libraries/Constants.sol";
import {ISignatureUtilsMixinTypes} from "./interfaces/external/eigenlayer/ISignatureUtilsMixin.sol";

/// @title OperatorDelegator
/// @notice One EigenLayer staker account of lrt-vault, delegated to one operator. See `IOperatorDelegator`.
/// @dev The implementation behind the restaking manager's `BeaconProxy`s: its state is one ERC-7201 namespace and
/// the implementation itself can never be initialized. It has no logic of its own beyond forwarding the manager's
/// calls to EigenLayer: every check (targets, ownership of withdrawals, accounting) lives in the manager.
contract OperatorDelegator is Initializable, IOperatorDelegator {
    using SafeERC20 for IERC20;

    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    address private immutable _manager;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    address private immutable _vault;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IStrategyManager private immutable _strategyManager;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IDelegationManager private immutable _delegationManager;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IRewardsCoordinator private immutable _rewardsCoordinator;

    /// @custom:storage-location erc7201:lrt.storage.OperatorDelegator
    struct DelegatorStorage {
        address operator;
        address previousOperator;
    }

    // keccak256(abi.encode(uint256(keccak256("lrt.storage.OperatorDelegator")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant STORAGE_LOCATION = 0xa70dec36622cfb67442848625e8dcf317f09934ac782ec6616911e203c3b0700;

    modifier onlyManager() {
        if (msg.sender != _manager) revert OperatorDelegatorOnlyManager(msg.sender);
        _;
    }

    /// @param manager_ the restaking manager (its proxy), the only caller
    /// @param vault the vault (its proxy), which pulls completed withdrawals' tokens
    /// @param eigenLayer the EigenLayer contracts (the beacon entry is unused here)
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(address manager_, address vault, EigenLayerLinks memory eigenLayer) {
        if (
            manager_ == address(0) ||
            vault == address(0) ||
            eigenLayer.strategyManager == address(0) ||
            eigenLayer.delegationManager == address(0) ||
            eigenLayer.rewardsCoordinator == address(0)
        ) revert OperatorDelegatorZeroAddress();
        _manager = manager_;
        _vault = vault;
        _strategyManager = IStrategyManager(eigenLayer.strategyManager);
        _delegationManager = IDelegationManager(eigenLayer.delegationManager);
        _rewardsCoordinator = IRewardsCoordinator(eigenLayer.rewardsCoordinator);
        _disableInitializers();
    }

    /// @inheritdoc IOperatorDelegator
    function initialize(address operator_) external initializer {
        if (operator_ == address(0)) revert OperatorDelegatorZeroAddress();
        _delegator().operator = operator_;
        _delegateTo(_delegationManager, operator_);
        _rewardsCoordinator.setClaimerFor(_manager);
    }

    /// @inheritdoc IOperatorDelegator
    function operator() external view returns (address) {
        return _delegator().operator;
    }

    /// @inheritdoc IOperatorDelegator
    function previousOperator() external view returns (address) {
        return _delegator().previousOperator;
    }

    /// @inheritdoc IOperatorDelegator
    function manager() external view returns (address) {
        return _manager;
    }

    /// @inheritdoc IOperatorDelegator
    function deposit(
        IStrategy strategy,
        IERC20 token,
        uint256 amount
    ) external onlyManager returns (uint256 depositShares) {
        IStrategyManager strategyManager = _strategyManager;
        token.forceApprove(address(strategyManager), amount);
        depositShares = strategyManager.depositIntoStrategy(strategy, token, amount);
    }

    /// @inheritdoc IOperatorDelegator
    function queueWithdrawal(IStrategy strategy, uint256 depositShares) external onlyManager returns (bytes32 root) {
        IDelegationManager.QueuedWithdrawalParams[] memory params = new IDelegationManager.QueuedWithdrawalParams[](1);
        params[0].strategies = new IStrategy[](1);
        params[0].strategies[0] = strategy;
        params[0].depositShares = new uint256[](1);
        params[0].depositShares[0] = depositShares;
        params[0].__deprecated_withdrawer = address(this);
        root = _delegationManager.queueWithdrawals(params)[0];
    }

    /// @inheritdoc IOperatorDelegator
    function completeWithdrawal(
        IDelegationManager.Withdrawal calldata withdrawal,
        IERC20[] calldata tokens
    ) external onlyManager {
        _delegationManager.completeQueuedWithdrawal(withdrawal, tokens, true);
    }

    /// @inheritdoc IOperatorDelegator
    function redelegate(address newOperator) external onlyManager returns (bytes32[] memory roots) {
        DelegatorStorage storage $ = _delegator();
        $.previousOperator = $.operator;
        $.operator = newOperator;
        IDelegationManager delegationManager = _delegationManager;
        if (delegationManager.delegatedTo(address(this)) == address(0)) {
            _delegateTo(delegationManager, newOperator);
        } else {
            ISignatureUtilsMixinTypes.SignatureWithExpiry memory noSignature;
            roots = delegationManager.redelegate(newOperator, noSignature, bytes32(0));
        }
    }

    /// @inheritdoc IOperatorDelegator
    function approveVault(IERC20 token, uint256 amount) external onlyManager {
        token.forceApprove(_vault, amount);
    }

    /// @inheritdoc IOperatorDelegator
    function stakeValidators(IValidatorKeyRegistry.Key[] calldata keys) external onlyManager {
        IEigenPodManager podManager = _podManager();
        for (uint256 i = 0; i < keys.length; ++i) {
            podManager.stake{value: VALIDATOR_DEPOSIT}(keys[i].pubkey, keys[i].signature, keys[i].depositDataRoot);
        }
    }

    /// @inheritdoc IOperatorDelegator
    function setProofSubmitter(address submitter) external onlyManager {
        IEigenPodManager podManager = _podManager();
        if (!podManager.hasPod(address(this))) podManager.createPod();
        podManager.getPod(address(this)).setProofSubmitter(submitter);
    }

    /// @inheritdoc IOperatorDelegator
    function sendETH(uint256 amount) external onlyManager {
        Address.sendValue(payable(_manager), amount);
    }

    /// @inheritdoc IOperatorDelegator
    function pod() external view returns (address) {
        return address(_podManager().getPod(address(this)));
    }

    /// @notice ETH comes only from the vault (32 ETH per validator, staked in the same call) and from this delegator's
    /// pod (a completed beacon chain ETH withdrawal, sent on to the vault in the same call).
    receive() external payable {
        if (msg.sender != _vault && msg.sender != address(_podManager().getPod(address(this)))) {
            revert OperatorDelegatorUnexpectedETH(msg.sender);
        }
    }

    function _podManager() private view returns (IEigenPodManager) {
        return IEigenPodManager(_delegationManager.eigenPodManager());
    }

    /// @dev Delegates with an empty approver signature and a zero salt (operators without a delegation approver).
    function _delegateTo(IDelegationManager delegationManager, address operator_) private {
        ISignatureUtilsMixinTypes.SignatureWithExpiry memory noSignature;
        delegationManager.delegateTo(operator_, noSignature, bytes32(0));
    }

    function _delegator() private pure returns (DelegatorStorage storage $) {
        assembly {
            $.slot := STORAGE_LOCATION
        }
    }
}
