// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Initializer} from "./mixins/Initializer.sol";
import {BeaconChainProofs} from "./libraries/BeaconChainProofs.sol";

/// @notice The beacon chain deposit contract, as a pod calls it.
interface IETHPOSDeposit {
    function deposit(
        bytes calldata pubkey,
        bytes calldata withdrawal_credentials,
        bytes calldata signature,
        bytes32 deposit_data_root
    ) external payable;
}

/// @notice What a pod reads from and reports to its EigenPodManager.
interface IEigenPodManagerForPods {
    function paused(uint8 index) external view returns (bool);
    function pectraForkTimestamp() external view returns (uint64);
    function recordBeaconChainETHBalanceUpdate(
        address podOwner,
        uint256 prevRestakedBalanceWei,
        int256 balanceDeltaWei
    ) external;
}

/// @title EigenPod (local stand-in of EigenLayer v1.12.0)
/// @notice One per pod owner, behind a beacon proxy the EigenPodManager deploys. It is the withdrawal-credential
/// address of the owner's validators: it stakes 32 ETH through the deposit contract, proves validators' withdrawal
/// credentials against a beacon block root from EIP-4788, brings balance changes and ETH received in through
/// checkpoints (one balance proof per active validator), lets anyone start a checkpoint for a validator slashed on
/// the beacon chain, pays credited ETH out when the DelegationManager completes a withdrawal as tokens, and sends
/// EIP-7002 / EIP-7251 requests with their fee.
/// @dev Modelled as mainnet: every check and its order, the custom errors and events, the pause bits read from the
/// EigenPodManager, the DENEB / PECTRA proof layouts chosen by `pectraForkTimestamp`, the gwei accounting of
/// checkpoints, the fee-and-refund of requests, and OpenZeppelin 4's `sendValue` revert strings. Differences: the
/// implementation takes `ethPOS` and the EigenPodManager as constructor immutables (as mainnet) but the pod proxy is
/// OpenZeppelin 5's `BeaconProxy` rather than mainnet's frozen bytecode, so pod addresses differ from mainnet's for
/// the same owner; no ReentrancyGuard (mainnet's pod functions that move ETH are manager-only or checkpoint-gated).
contract EigenPod is Initializer {
    using SafeERC20 for IERC20;
    using BeaconChainProofs for bytes32[];

    /// @notice A validator's state in this pod (the mainnet name).
    // solhint-disable-next-line contract-name-capwords
    enum VALIDATOR_STATUS {
        INACTIVE,
        ACTIVE,
        WITHDRAWN
    }

    /// @notice What the pod knows of a validator.
    struct ValidatorInfo {
        uint64 validatorIndex;
        uint64 restakedBalanceGwei;
        uint64 lastCheckpointedAt;
        VALIDATOR_STATUS status;
    }

    /// @notice A checkpoint in progress (or the last one).
    struct Checkpoint {
        bytes32 beaconBlockRoot;
        uint24 proofsRemaining;
        uint64 podBalanceGwei;
        int64 balanceDeltasGwei;
        uint64 prevBeaconBalanceGwei;
    }

    /// @notice An EIP-7002 request: full exit when `amountGwei` is 0.
    struct WithdrawalRequest {
        bytes pubkey;
        uint64 amountGwei;
    }

    /// @notice An EIP-7251 request: `srcPubkey == targetPubkey` switches to compounding credentials.
    struct ConsolidationRequest {
        bytes srcPubkey;
        bytes targetPubkey;
    }

    /// @notice Emitted when the pod stakes 32 ETH for a validator.
    event EigenPodStaked(bytes32 pubkeyHash);
    /// @notice Emitted when a validator's withdrawal credentials are proven.
    event ValidatorRestaked(bytes32 pubkeyHash);
    /// @notice Emitted when a validator's restaked balance is set.
    event ValidatorBalanceUpdated(bytes32 pubkeyHash, uint64 balanceTimestamp, uint64 newValidatorBalanceGwei);
    /// @notice Emitted when the pod pays out credited ETH.
    event RestakedBeaconChainETHWithdrawn(address indexed recipient, uint256 amount);
    /// @notice Emitted when the pod receives ETH outside a withdrawal (credited by the next checkpoint).
    event NonBeaconChainETHReceived(uint256 amountReceived);
    /// @notice Emitted when a checkpoint starts.
    event CheckpointCreated(
        uint64 indexed checkpointTimestamp,
        bytes32 indexed beaconBlockRoot,
        uint256 validatorCount
    );
    /// @notice Emitted when a checkpoint completes, with the share change it reports.
    event CheckpointFinalized(uint64 indexed checkpointTimestamp, int256 totalShareDeltaWei);
    /// @notice Emitted for each validator proven in a checkpoint.
    event ValidatorCheckpointed(uint64 indexed checkpointTimestamp, bytes32 indexed pubkeyHash);
    /// @notice Emitted when a validator proves a zero balance.
    event ValidatorWithdrawn(uint64 indexed checkpointTimestamp, bytes32 indexed pubkeyHash);
    /// @notice Emitted when the proof submitter changes.
    event ProofSubmitterUpdated(address prevProofSubmitter, address newProofSubmitter);
    /// @notice Emitted for a full-exit request.
    event ExitRequested(bytes32 indexed validatorPubkeyHash);
    /// @notice Emitted for a partial-withdrawal request.
    event WithdrawalRequested(bytes32 indexed validatorPubkeyHash, uint64 withdrawalAmountGwei);
    /// @notice Emitted for a consolidation request between two validators.
    event ConsolidationRequested(bytes32 indexed sourcePubkeyHash, bytes32 indexed targetPubkeyHash);
    /// @notice Emitted for a request to switch a validator to compounding credentials.
    event SwitchToCompoundingRequested(bytes32 indexed validatorPubkeyHash);

    /// @notice Only the EigenPodManager may call this.
    error OnlyEigenPodManager();
    /// @notice Only the pod owner may call this.
    error OnlyEigenPodOwner();
    /// @notice Only the pod owner or its proof submitter may call this.
    error OnlyEigenPodOwnerOrProofSubmitter();
    /// @notice The switch guarding this function is on (in the EigenPodManager).
    error CurrentlyPaused();
    /// @notice A zero address.
    error InputAddressZero();
    /// @notice Arrays of different lengths.
    error InputArrayLengthMismatch();
    /// @notice A pubkey that is not 48 bytes.
    error InvalidPubKeyLength();
    /// @notice The timestamp is older than the EIP-4788 buffer.
    error TimestampOutOfRange();
    /// @notice No checkpoint is in progress.
    error NoActiveCheckpoint();
    /// @notice A checkpoint is in progress.
    error CheckpointAlreadyActive();
    /// @notice The pod holds no uncredited ETH.
    error NoBalanceToCheckpoint();
    /// @notice A checkpoint already completed in this block.
    error CannotCheckpointTwiceInSingleBlock();
    /// @notice More than the credited ETH was asked for.
    error InsufficientWithdrawableBalance();
    /// @notice The validator was already proven to this pod.
    error CredentialsAlreadyVerified();
    /// @notice The validator's withdrawal credentials are not this pod's.
    error WithdrawalCredentialsNotForEigenPod();
    /// @notice The validator is not ACTIVE in this pod.
    error ValidatorNotActiveInPod();
    /// @notice The validator has no activation epoch on the beacon chain.
    error ValidatorInactiveOnBeaconChain();
    /// @notice The validator is exiting the beacon chain.
    error ValidatorIsExitingBeaconChain();
    /// @notice The validator is not slashed on the beacon chain.
    error ValidatorNotSlashedOnBeaconChain();
    /// @notice Not enough value for the request fees.
    error InsufficientFunds();
    /// @notice The request predeploy refused the request.
    error PredeployFailed();
    /// @notice The request predeploy did not return a fee.
    error FeeQueryFailed();
    /// @notice The EIP-4788 contract returned nothing.
    error InvalidEIP4788Response();
    /// @notice `stake` needs exactly 32 ether.
    error MsgValueNot32ETH();
    /// @notice The proof's timestamp is not after the checkpoint in progress (or the validator's last checkpoint).
    error BeaconTimestampTooFarInPast();
    /// @notice The proof's timestamp is not after the last completed checkpoint.
    error BeaconTimestampBeforeLatestCheckpoint();
    /// @notice The EigenPodManager's Pectra fork timestamp is not set.
    error ForkTimestampZero();

    uint8 internal constant PAUSED_EIGENPODS_VERIFY_CREDENTIALS = 2;
    uint8 internal constant PAUSED_NON_PROOF_WITHDRAWALS = 5;
    uint8 internal constant PAUSED_START_CHECKPOINT = 6;
    uint8 internal constant PAUSED_EIGENPODS_VERIFY_CHECKPOINT_PROOFS = 7;
    uint8 internal constant PAUSED_VERIFY_STALE_BALANCE = 8;
    uint8 internal constant PAUSED_CONSOLIDATIONS = 9;
    uint8 internal constant PAUSED_WITHDRAWAL_REQUESTS = 10;

    uint256 internal constant GWEI_TO_WEI = 1e9;
    /// @notice The EIP-4788 beacon block root contract.
    address internal constant BEACON_ROOTS_ADDRESS = 0x000F3df6D732807Ef1319fB7B8bB8522d0Beac02;
    /// @notice The EIP-7002 withdrawal request predeploy.
    address internal constant WITHDRAWAL_REQUEST_ADDRESS = 0x00000961Ef480Eb55e80D19ad83579A64c007002;
    /// @notice The EIP-7251 consolidation request predeploy.
    address internal constant CONSOLIDATION_REQUEST_ADDRESS = 0x0000BBdDc7CE488642fb579F8B00f3a590007251;
    uint256 internal constant BEACON_ROOTS_HISTORY_BUFFER_LENGTH = 8191;

    /// @notice The beacon chain deposit contract.
    IETHPOSDeposit public immutable ethPOS;
    /// @notice The EigenPodManager that deployed this pod.
    IEigenPodManagerForPods public immutable eigenPodManager;

    /// @notice The pod's owner (the staker in EigenLayer).
    address public podOwner;
    uint64 internal _restakedExecutionLayerGwei;
    mapping(bytes32 pubkeyHash => ValidatorInfo) internal _validatorPubkeyHashToInfo;
    /// @notice Validators in state ACTIVE.
    uint256 public activeValidatorCount;
    /// @notice Timestamp of the last completed checkpoint (0: none).
    uint64 public lastCheckpointTimestamp;
    /// @notice Timestamp of the checkpoint in progress (0: none).
    uint64 public currentCheckpointTimestamp;
    /// @notice Gwei of validators that proved a zero balance in the checkpoint started at a timestamp.
    mapping(uint64 timestamp => uint64) public checkpointBalanceExitedGwei;
    Checkpoint internal _currentCheckpoint;
    /// @notice Who may prove and start checkpoints besides the owner (0: the owner only).
    address public proofSubmitter;

    modifier onlyEigenPodManager() {
        if (msg.sender != address(eigenPodManager)) revert OnlyEigenPodManager();
        _;
    }

    modifier onlyEigenPodOwner() {
        if (msg.sender != podOwner) revert OnlyEigenPodOwner();
        _;
    }

    modifier onlyOwnerOrProofSubmitter() {
        if (msg.sender != podOwner && msg.sender != proofSubmitter) revert OnlyEigenPodOwnerOrProofSubmitter();
        _;
    }

    modifier onlyWhenNotPaused(uint8 index) {
        if (eigenPodManager.paused(index)) revert CurrentlyPaused();
        _;
    }

    /// @notice The implementation behind the pods' beacon; it cannot itself be initialized.
    constructor(IETHPOSDeposit ethPOS_, IEigenPodManagerForPods eigenPodManager_) {
        ethPOS = ethPOS_;
        eigenPodManager = eigenPodManager_;
        _disableInitializers();
    }

    /// @notice Called once by the EigenPodManager right after deploying the pod proxy.
    function initialize(address owner_) external initializer {
        if (owner_ == address(0)) revert InputAddressZero();
        podOwner = owner_;
    }

    /// @notice ETH arriving outside a withdrawal (rewards, exits, gifts): counted by the next checkpoint.
    receive() external payable {
        emit NonBeaconChainETHReceived(msg.value);
    }

    /* STAKING AND PAYOUTS (EigenPodManager) */

    /// @notice Deposits 32 ETH for a new validator with this pod's 0x01 withdrawal credentials.
    function stake(
        bytes calldata pubkey,
        bytes calldata signature,
        bytes32 depositDataRoot
    ) external payable onlyEigenPodManager {
        if (msg.value != 32 ether) revert MsgValueNot32ETH();
        ethPOS.deposit{value: 32 ether}(
            pubkey,
            abi.encodePacked(_podWithdrawalCredentials()),
            signature,
            depositDataRoot
        );
        emit EigenPodStaked(_calcPubkeyHash(pubkey));
    }

    /// @notice Pays `amountWei` (rounded down to gwei) of checkpoint-credited ETH to `recipient`.
    function withdrawRestakedBeaconChainETH(address recipient, uint256 amountWei) external onlyEigenPodManager {
        uint64 amountGwei = uint64(amountWei / GWEI_TO_WEI);
        amountWei = uint256(amountGwei) * GWEI_TO_WEI;
        if (amountGwei > _restakedExecutionLayerGwei) revert InsufficientWithdrawableBalance();
        _restakedExecutionLayerGwei -= amountGwei;
        emit RestakedBeaconChainETHWithdrawn(recipient, amountWei);
        _sendValue(payable(recipient), amountWei);
    }

    /* PROOFS */

    /// @notice Proves validators' withdrawal credentials point at this pod and credits their effective balances.
    function verifyWithdrawalCredentials(
        uint64 beaconTimestamp,
        BeaconChainProofs.StateRootProof calldata stateRootProof,
        uint40[] calldata validatorIndices,
        bytes[] calldata validatorFieldsProofs,
        bytes32[][] calldata validatorFields
    ) external onlyOwnerOrProofSubmitter onlyWhenNotPaused(PAUSED_EIGENPODS_VERIFY_CREDENTIALS) {
        if (
            validatorIndices.length != validatorFieldsProofs.length ||
            validatorFieldsProofs.length != validatorFields.length
        ) {
            revert InputArrayLengthMismatch();
        }
        // A proof older than the checkpoint in progress (or the last one) could double-count a balance.
        if (beaconTimestamp <= currentCheckpointTimestamp) revert BeaconTimestampTooFarInPast();
        if (beaconTimestamp <= lastCheckpointTimestamp) revert BeaconTimestampBeforeLatestCheckpoint();

        BeaconChainProofs.verifyStateRoot(getParentBlockRoot(beaconTimestamp), stateRootProof);
        BeaconChainProofs.ProofVersion proofVersion = _getProofVersion(beaconTimestamp);

        uint256 totalRestakedWei;
        for (uint256 i = 0; i < validatorIndices.length; ++i) {
            totalRestakedWei += _verifyWithdrawalCredentials(
                proofVersion,
                stateRootProof.beaconStateRoot,
                validatorIndices[i],
                validatorFieldsProofs[i],
                validatorFields[i]
            );
        }
        eigenPodManager.recordBeaconChainETHBalanceUpdate(podOwner, 0, int256(totalRestakedWei));
    }

    /// @notice Starts a checkpoint at this block: snapshots the uncredited ETH in the pod and the beacon block root,
    /// and waits for one balance proof per active validator.
    function startCheckpoint(
        bool revertIfNoBalance
    ) external onlyOwnerOrProofSubmitter onlyWhenNotPaused(PAUSED_START_CHECKPOINT) {
        _startCheckpoint(revertIfNoBalance);
    }

    /// @notice Proves current balances of active validators for the checkpoint in progress (anyone; in batches).
    /// Validators not ACTIVE, or already proven for this checkpoint, are skipped without reverting.
    function verifyCheckpointProofs(
        BeaconChainProofs.BalanceContainerProof calldata balanceContainerProof,
        BeaconChainProofs.BalanceProof[] calldata proofs
    ) external onlyWhenNotPaused(PAUSED_EIGENPODS_VERIFY_CHECKPOINT_PROOFS) {
        uint64 checkpointTimestamp = currentCheckpointTimestamp;
        if (checkpointTimestamp == 0) revert NoActiveCheckpoint();
        Checkpoint memory checkpoint = _currentCheckpoint;
        BeaconChainProofs.verifyBalanceContainer(
            _getProofVersion(checkpointTimestamp),
            checkpoint.beaconBlockRoot,
            balanceContainerProof
        );

        uint64 exitedBalancesGwei;
        for (uint256 i = 0; i < proofs.length; ++i) {
            ValidatorInfo memory info = _validatorPubkeyHashToInfo[proofs[i].pubkeyHash];
            if (info.status != VALIDATOR_STATUS.ACTIVE) continue;
            if (info.lastCheckpointedAt >= checkpointTimestamp) continue;
            uint64 prevBalanceGwei = info.restakedBalanceGwei;
            (int64 deltaGwei, uint64 exitedGwei) = _verifyCheckpointProof(
                info,
                checkpointTimestamp,
                balanceContainerProof.balanceContainerRoot,
                proofs[i]
            );
            checkpoint.proofsRemaining--;
            checkpoint.prevBeaconBalanceGwei += prevBalanceGwei;
            checkpoint.balanceDeltasGwei += deltaGwei;
            exitedBalancesGwei += exitedGwei;
        }
        checkpointBalanceExitedGwei[checkpointTimestamp] += exitedBalancesGwei;
        _updateCheckpoint(checkpoint);
    }

    /// @notice Anyone may prove a validator slashed on the beacon chain after its last checkpoint; this starts a
    /// checkpoint (as `startCheckpoint(false)`), whose completion lowers the owner's beacon chain slashing factor.
    function verifyStaleBalance(
        uint64 beaconTimestamp,
        BeaconChainProofs.StateRootProof calldata stateRootProof,
        BeaconChainProofs.ValidatorProof calldata proof
    ) external onlyWhenNotPaused(PAUSED_START_CHECKPOINT) onlyWhenNotPaused(PAUSED_VERIFY_STALE_BALANCE) {
        bytes32 pubkeyHash = proof.validatorFields.getPubkeyHash();
        ValidatorInfo memory info = _validatorPubkeyHashToInfo[pubkeyHash];
        if (beaconTimestamp <= info.lastCheckpointedAt) revert BeaconTimestampTooFarInPast();
        if (info.status != VALIDATOR_STATUS.ACTIVE) revert ValidatorNotActiveInPod();
        if (!proof.validatorFields.isValidatorSlashed()) revert ValidatorNotSlashedOnBeaconChain();

        BeaconChainProofs.verifyStateRoot(getParentBlockRoot(beaconTimestamp), stateRootProof);
        BeaconChainProofs.verifyValidatorFields(
            _getProofVersion(beaconTimestamp),
            stateRootProof.beaconStateRoot,
            proof.validatorFields,
            proof.proof,
            uint40(info.validatorIndex)
        );
        _startCheckpoint(false);
    }

    /* OWNER AND SUBMITTER */

    /// @notice Appoints (or, with zero, removes) the address that may prove and checkpoint for the owner.
    function setProofSubmitter(address newProofSubmitter) external onlyEigenPodOwner {
        emit ProofSubmitterUpdated(proofSubmitter, newProofSubmitter);
        proofSubmitter = newProofSubmitter;
    }

    /// @notice Sends ERC-20 tokens held by the pod to `recipient`.
    function recoverTokens(
        IERC20[] calldata tokenList,
        uint256[] calldata amountsToWithdraw,
        address recipient
    ) external onlyEigenPodOwner onlyWhenNotPaused(PAUSED_NON_PROOF_WITHDRAWALS) {
        if (tokenList.length != amountsToWithdraw.length) revert InputArrayLengthMismatch();
        for (uint256 i = 0; i < tokenList.length; ++i) {
            tokenList[i].safeTransfer(recipient, amountsToWithdraw[i]);
        }
    }

    /// @notice EIP-7002 requests for ACTIVE validators of this pod (amount 0: full exit), each paying the current
    /// fee; the value above `fee * requests.length` is refunded to the caller.
    function requestWithdrawal(
        WithdrawalRequest[] calldata requests
    ) external payable onlyWhenNotPaused(PAUSED_WITHDRAWAL_REQUESTS) onlyOwnerOrProofSubmitter {
        uint256 fee = getWithdrawalRequestFee();
        uint256 totalFee = fee * requests.length;
        if (msg.value < totalFee) revert InsufficientFunds();
        uint256 refund = msg.value - totalFee;
        for (uint256 i = 0; i < requests.length; ++i) {
            bytes32 pubkeyHash = _calcPubkeyHash(requests[i].pubkey);
            if (_validatorPubkeyHashToInfo[pubkeyHash].status != VALIDATOR_STATUS.ACTIVE) {
                revert ValidatorNotActiveInPod();
            }
            _callPredeploy(
                WITHDRAWAL_REQUEST_ADDRESS,
                fee,
                abi.encodePacked(requests[i].pubkey, requests[i].amountGwei)
            );
            if (requests[i].amountGwei == 0) emit ExitRequested(pubkeyHash);
            else emit WithdrawalRequested(pubkeyHash, requests[i].amountGwei);
        }
        if (refund > 0) _sendValue(payable(msg.sender), refund);
    }

    /// @notice EIP-7251 requests whose TARGET is an ACTIVE validator of this pod, each paying the current fee; the
    /// value above `fee * requests.length` is refunded to the caller.
    function requestConsolidation(
        ConsolidationRequest[] calldata requests
    ) external payable onlyWhenNotPaused(PAUSED_CONSOLIDATIONS) onlyOwnerOrProofSubmitter {
        uint256 fee = getConsolidationRequestFee();
        uint256 totalFee = fee * requests.length;
        if (msg.value < totalFee) revert InsufficientFunds();
        uint256 refund = msg.value - totalFee;
        for (uint256 i = 0; i < requests.length; ++i) {
            bytes32 sourcePubkeyHash = _calcPubkeyHash(requests[i].srcPubkey);
            bytes32 targetPubkeyHash = _calcPubkeyHash(requests[i].targetPubkey);
            if (_validatorPubkeyHashToInfo[targetPubkeyHash].status != VALIDATOR_STATUS.ACTIVE) {
                revert ValidatorNotActiveInPod();
            }
            _callPredeploy(
                CONSOLIDATION_REQUEST_ADDRESS,
                fee,
                abi.encodePacked(requests[i].srcPubkey, requests[i].targetPubkey)
            );
            if (sourcePubkeyHash == targetPubkeyHash) emit SwitchToCompoundingRequested(sourcePubkeyHash);
            else emit ConsolidationRequested(sourcePubkeyHash, targetPubkeyHash);
        }
        if (refund > 0) _sendValue(payable(msg.sender), refund);
    }

    /* VIEWS */

    /// @notice Gwei of ETH in the pod credited by checkpoints and not yet paid out.
    function withdrawableRestakedExecutionLayerGwei() external view returns (uint64) {
        return _restakedExecutionLayerGwei;
    }

    /// @notice The pod's record of a validator, by pubkey hash.
    function validatorPubkeyHashToInfo(bytes32 validatorPubkeyHash) external view returns (ValidatorInfo memory) {
        return _validatorPubkeyHashToInfo[validatorPubkeyHash];
    }

    /// @notice The pod's record of a validator, by 48-byte pubkey.
    function validatorPubkeyToInfo(bytes calldata validatorPubkey) external view returns (ValidatorInfo memory) {
        return _validatorPubkeyHashToInfo[_calcPubkeyHash(validatorPubkey)];
    }

    /// @notice A validator's status, by 48-byte pubkey.
    function validatorStatus(bytes calldata validatorPubkey) external view returns (VALIDATOR_STATUS) {
        return _validatorPubkeyHashToInfo[_calcPubkeyHash(validatorPubkey)].status;
    }

    /// @notice A validator's status, by pubkey hash.
    function validatorStatus(bytes32 pubkeyHash) external view returns (VALIDATOR_STATUS) {
        return _validatorPubkeyHashToInfo[pubkeyHash].status;
    }

    /// @notice The checkpoint in progress, or the last one if none is.
    function currentCheckpoint() external view returns (Checkpoint memory) {
        return _currentCheckpoint;
    }

    /// @notice The EIP-7002 fee, read from the predeploy (empty calldata).
    function getWithdrawalRequestFee() public view returns (uint256) {
        return _getFee(WITHDRAWAL_REQUEST_ADDRESS);
    }

    /// @notice The EIP-7251 fee, read from the predeploy (empty calldata).
    function getConsolidationRequestFee() public view returns (uint256) {
        return _getFee(CONSOLIDATION_REQUEST_ADDRESS);
    }

    /// @notice The parent beacon block root of the execution block at `timestamp`, from EIP-4788.
    function getParentBlockRoot(uint64 timestamp) public view returns (bytes32) {
        if (block.timestamp - timestamp >= BEACON_ROOTS_HISTORY_BUFFER_LENGTH * 12) revert TimestampOutOfRange();
        (bool success, bytes memory result) = BEACON_ROOTS_ADDRESS.staticcall(abi.encode(timestamp));
        if (!success || result.length == 0) revert InvalidEIP4788Response();
        return abi.decode(result, (bytes32));
    }

    /* INTERNAL */

    function _verifyWithdrawalCredentials(
        BeaconChainProofs.ProofVersion proofVersion,
        bytes32 beaconStateRoot,
        uint40 validatorIndex,
        bytes calldata validatorFieldsProof,
        bytes32[] calldata validatorFields
    ) private returns (uint256) {
        bytes32 pubkeyHash = validatorFields.getPubkeyHash();
        if (_validatorPubkeyHashToInfo[pubkeyHash].status != VALIDATOR_STATUS.INACTIVE) {
            revert CredentialsAlreadyVerified();
        }
        // Active or queued to activate: the deposit was processed.
        if (validatorFields.getActivationEpoch() == BeaconChainProofs.FAR_FUTURE_EPOCH) {
            revert ValidatorInactiveOnBeaconChain();
        }
        if (validatorFields.getExitEpoch() != BeaconChainProofs.FAR_FUTURE_EPOCH)
            revert ValidatorIsExitingBeaconChain();
        bytes32 credentials = validatorFields.getWithdrawalCredentials();
        if (credentials != _podWithdrawalCredentials() && credentials != _podCompoundingWithdrawalCredentials()) {
            revert WithdrawalCredentialsNotForEigenPod();
        }
        BeaconChainProofs.verifyValidatorFields(
            proofVersion,
            beaconStateRoot,
            validatorFields,
            validatorFieldsProof,
            validatorIndex
        );

        uint64 restakedBalanceGwei = validatorFields.getEffectiveBalanceGwei();
        ++activeValidatorCount;
        // A validator proven during a checkpoint does not take part in it: its balance is already this fresh.
        uint64 lastCheckpointedAt =
            currentCheckpointTimestamp == 0 ? lastCheckpointTimestamp : currentCheckpointTimestamp;
        _validatorPubkeyHashToInfo[pubkeyHash] = ValidatorInfo({
            validatorIndex: validatorIndex,
            restakedBalanceGwei: restakedBalanceGwei,
            lastCheckpointedAt: lastCheckpointedAt,
            status: VALIDATOR_STATUS.ACTIVE
        });
        _currentCheckpoint.prevBeaconBalanceGwei += restakedBalanceGwei;
        emit ValidatorRestaked(pubkeyHash);
        emit ValidatorBalanceUpdated(pubkeyHash, lastCheckpointedAt, restakedBalanceGwei);
        return uint256(restakedBalanceGwei) * GWEI_TO_WEI;
    }

    function _verifyCheckpointProof(
        ValidatorInfo memory info,
        uint64 checkpointTimestamp,
        bytes32 balanceContainerRoot,
        BeaconChainProofs.BalanceProof calldata proof
    ) private returns (int64 balanceDeltaGwei, uint64 exitedBalanceGwei) {
        uint64 newBalanceGwei = BeaconChainProofs.verifyValidatorBalance(
            balanceContainerRoot,
            uint40(info.validatorIndex),
            proof
        );
        uint64 prevBalanceGwei = info.restakedBalanceGwei;
        if (newBalanceGwei != prevBalanceGwei) {
            balanceDeltaGwei = int64(newBalanceGwei) - int64(prevBalanceGwei);
            emit ValidatorBalanceUpdated(proof.pubkeyHash, checkpointTimestamp, newBalanceGwei);
        }
        info.restakedBalanceGwei = newBalanceGwei;
        info.lastCheckpointedAt = checkpointTimestamp;
        if (newBalanceGwei == 0) {
            --activeValidatorCount;
            info.status = VALIDATOR_STATUS.WITHDRAWN;
            exitedBalanceGwei = uint64(-balanceDeltaGwei);
            emit ValidatorWithdrawn(checkpointTimestamp, proof.pubkeyHash);
        }
        _validatorPubkeyHashToInfo[proof.pubkeyHash] = info;
        emit ValidatorCheckpointed(checkpointTimestamp, proof.pubkeyHash);
    }

    function _startCheckpoint(bool revertIfNoBalance) private {
        if (currentCheckpointTimestamp != 0) revert CheckpointAlreadyActive();
        if (lastCheckpointTimestamp == uint64(block.timestamp)) revert CannotCheckpointTwiceInSingleBlock();
        // Sub-gwei dust is never credited.
        uint64 podBalanceGwei = uint64(address(this).balance / GWEI_TO_WEI) - _restakedExecutionLayerGwei;
        if (revertIfNoBalance && podBalanceGwei == 0) revert NoBalanceToCheckpoint();
        Checkpoint memory checkpoint = Checkpoint({
            beaconBlockRoot: getParentBlockRoot(uint64(block.timestamp)),
            proofsRemaining: uint24(activeValidatorCount),
            podBalanceGwei: podBalanceGwei,
            balanceDeltasGwei: 0,
            prevBeaconBalanceGwei: 0
        });
        currentCheckpointTimestamp = uint64(block.timestamp);
        _updateCheckpoint(checkpoint);
        emit CheckpointCreated(uint64(block.timestamp), checkpoint.beaconBlockRoot, checkpoint.proofsRemaining);
    }

    /// @dev Stores the checkpoint; with no proof left, completes it and reports the share change to the manager.
    function _updateCheckpoint(Checkpoint memory checkpoint) private {
        _currentCheckpoint = checkpoint;
        if (checkpoint.proofsRemaining != 0) return;
        uint64 prevRestakedGwei = _restakedExecutionLayerGwei + checkpoint.prevBeaconBalanceGwei;
        int64 totalShareDeltaGwei = int64(checkpoint.podBalanceGwei) + checkpoint.balanceDeltasGwei;
        _restakedExecutionLayerGwei += checkpoint.podBalanceGwei;
        uint64 checkpointTimestamp = currentCheckpointTimestamp;
        lastCheckpointTimestamp = checkpointTimestamp;
        delete currentCheckpointTimestamp;
        int256 totalShareDeltaWei = int256(totalShareDeltaGwei) * int256(GWEI_TO_WEI);
        emit CheckpointFinalized(checkpointTimestamp, totalShareDeltaWei);
        eigenPodManager.recordBeaconChainETHBalanceUpdate(
            podOwner,
            uint256(prevRestakedGwei) * GWEI_TO_WEI,
            totalShareDeltaWei
        );
    }

    /// @dev DENEB for proofs at or before the Pectra fork timestamp (EIP-4788 at the fork block returns the
    /// pre-fork parent), PECTRA after.
    function _getProofVersion(uint64 timestamp) private view returns (BeaconChainProofs.ProofVersion) {
        uint64 forkTimestamp = eigenPodManager.pectraForkTimestamp();
        if (forkTimestamp == 0) revert ForkTimestampZero();
        return
            timestamp <= forkTimestamp ? BeaconChainProofs.ProofVersion.DENEB : BeaconChainProofs.ProofVersion.PECTRA;
    }

    function _getFee(address predeploy) private view returns (uint256) {
        (bool success, bytes memory result) = predeploy.staticcall("");
        if (!success || result.length != 32) revert FeeQueryFailed();
        return uint256(bytes32(result));
    }

    function _callPredeploy(address predeploy, uint256 fee, bytes memory request) private {
        // solhint-disable-next-line avoid-low-level-calls
        (bool success, ) = predeploy.call{value: fee}(request);
        if (!success) revert PredeployFailed();
    }

    /// @dev `0x01 || 11 zero bytes || pod`.
    function _podWithdrawalCredentials() private view returns (bytes32) {
        return bytes32(abi.encodePacked(bytes1(0x01), bytes11(0), address(this)));
    }

    /// @dev `0x02 || 11 zero bytes || pod` (compounding).
    function _podCompoundingWithdrawalCredentials() private view returns (bytes32) {
        return bytes32(abi.encodePacked(bytes1(0x02), bytes11(0), address(this)));
    }

    /// @dev SSZ root of a 48-byte pubkey: `sha256(pubkey || 16 zero bytes)`.
    function _calcPubkeyHash(bytes calldata pubkey) private pure returns (bytes32) {
        if (pubkey.length != 48) revert InvalidPubKeyLength();
        return sha256(abi.encodePacked(pubkey, bytes16(0)));
    }

    /// @dev OpenZeppelin 4's `Address.sendValue`, with its revert strings (mainnet pods are built on it).
    function _sendValue(address payable recipient, uint256 amount) private {
        // solhint-disable-next-line gas-custom-errors
        require(address(this).balance >= amount, "Address: insufficient balance");
        // solhint-disable-next-line avoid-low-level-calls
        (bool success, ) = recipient.call{value: amount}("");
        // solhint-disable-next-line gas-custom-errors
        require(success, "Address: unable to send value, recipient may have reverted");
    }
}
