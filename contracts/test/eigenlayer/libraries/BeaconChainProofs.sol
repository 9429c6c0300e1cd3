// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Merkle} from "./Merkle.sol";
import {Endian} from "./Endian.sol";

/// @title BeaconChainProofs (local stand-in of EigenLayer v1.12.0's library)
/// @notice Checks SSZ inclusion proofs of beacon-state data against a beacon block root, as EigenPods do: the state
/// root in the block header, a validator's 8 fields and the balances list in the state, a balance chunk in the list.
/// @dev Two layouts: DENEB (BeaconState padded to 32 leaves, tree height 5) and PECTRA (Electra and later, 64
/// leaves, height 6). Field positions `validators` = 11 and `balances` = 12 are the same in both. Every proof length
/// is checked exactly before the Merkle walk, so a proof for the other layout is refused with `InvalidProofLength`.
library BeaconChainProofs {
    /// @notice The proof does not lead to the expected root.
    error InvalidProof();
    /// @notice The proof does not have the exact number of siblings its tree requires.
    error InvalidProofLength();
    /// @notice Validator fields are not exactly 8 words.
    error InvalidValidatorFieldsLength();

    /// @notice Which BeaconState layout a proof was built for.
    enum ProofVersion {
        DENEB,
        PECTRA
    }

    /// @notice The beacon state root and its proof (3 siblings) into a beacon block root.
    struct StateRootProof {
        bytes32 beaconStateRoot;
        bytes proof;
    }

    /// @notice A validator's 8 field chunks and their proof into a beacon state root.
    struct ValidatorProof {
        bytes32[] validatorFields;
        bytes proof;
    }

    /// @notice The balances list root and its proof into a beacon block root.
    struct BalanceContainerProof {
        bytes32 balanceContainerRoot;
        bytes proof;
    }

    /// @notice One 32-byte chunk of the balances list (4 balances) and its proof into the balances root.
    struct BalanceProof {
        bytes32 pubkeyHash;
        bytes32 balanceRoot;
        bytes proof;
    }

    uint256 internal constant BEACON_BLOCK_HEADER_TREE_HEIGHT = 3;
    uint256 internal constant DENEB_BEACON_STATE_TREE_HEIGHT = 5;
    uint256 internal constant PECTRA_BEACON_STATE_TREE_HEIGHT = 6;
    /// @dev log2(VALIDATOR_REGISTRY_LIMIT = 2^40); the list's length mix-in adds one level above.
    uint256 internal constant VALIDATOR_TREE_HEIGHT = 40;
    /// @dev log2(2^40 balances / 4 per chunk); the list's length mix-in adds one level above.
    uint256 internal constant BALANCE_TREE_HEIGHT = 38;
    uint256 internal constant VALIDATOR_FIELDS_LENGTH = 8;

    /// @dev Position of `state_root` among the BeaconBlockHeader fields.
    uint256 internal constant STATE_ROOT_INDEX = 3;
    /// @dev Positions of `validators` and `balances` among the BeaconState fields.
    uint256 internal constant VALIDATOR_CONTAINER_INDEX = 11;
    uint256 internal constant BALANCE_CONTAINER_INDEX = 12;

    /// @dev Positions of the Validator fields.
    uint256 internal constant VALIDATOR_PUBKEY_INDEX = 0;
    uint256 internal constant VALIDATOR_WITHDRAWAL_CREDENTIALS_INDEX = 1;
    uint256 internal constant VALIDATOR_BALANCE_INDEX = 2;
    uint256 internal constant VALIDATOR_SLASHED_INDEX = 3;
    uint256 internal constant VALIDATOR_ACTIVATION_EPOCH_INDEX = 5;
    uint256 internal constant VALIDATOR_EXIT_EPOCH_INDEX = 6;

    uint64 internal constant FAR_FUTURE_EPOCH = type(uint64).max;
    uint64 internal constant SECONDS_PER_SLOT = 12;
    uint64 internal constant SLOTS_PER_EPOCH = 32;
    uint64 internal constant SECONDS_PER_EPOCH = SECONDS_PER_SLOT * SLOTS_PER_EPOCH;

    /* PROOFS */

    /// @notice Reverts unless `proof.beaconStateRoot` is the `state_root` of the header whose root is
    /// `beaconBlockRoot`.
    function verifyStateRoot(bytes32 beaconBlockRoot, StateRootProof calldata proof) internal pure {
        if (proof.proof.length != 32 * BEACON_BLOCK_HEADER_TREE_HEIGHT) revert InvalidProofLength();
        if (!Merkle.verifyInclusionSha256(proof.proof, beaconBlockRoot, proof.beaconStateRoot, STATE_ROOT_INDEX)) {
            revert InvalidProof();
        }
    }

    /// @notice Reverts unless `validatorFields` are those of validator `validatorIndex` in the state `beaconStateRoot`.
    /// @dev Siblings: 40 inside the validators data tree, the list length, then the BeaconState levels.
    function verifyValidatorFields(
        ProofVersion proofVersion,
        bytes32 beaconStateRoot,
        bytes32[] calldata validatorFields,
        bytes calldata validatorFieldsProof,
        uint40 validatorIndex
    ) internal pure {
        if (validatorFields.length != VALIDATOR_FIELDS_LENGTH) revert InvalidValidatorFieldsLength();
        uint256 stateHeight = getBeaconStateTreeHeight(proofVersion);
        if (validatorFieldsProof.length != 32 * (VALIDATOR_TREE_HEIGHT + 1 + stateHeight)) {
            revert InvalidProofLength();
        }
        uint256 index = (VALIDATOR_CONTAINER_INDEX << (VALIDATOR_TREE_HEIGHT + 1)) | uint256(validatorIndex);
        bytes32 leaf = Merkle.merkleizeSha256(validatorFields);
        if (!Merkle.verifyInclusionSha256(validatorFieldsProof, beaconStateRoot, leaf, index)) revert InvalidProof();
    }

    /// @notice Reverts unless `proof.balanceContainerRoot` is the root of the balances list of the state behind
    /// `beaconBlockRoot`.
    /// @dev Siblings: the BeaconState levels of field 12, then the 3 header levels of `state_root`.
    function verifyBalanceContainer(
        ProofVersion proofVersion,
        bytes32 beaconBlockRoot,
        BalanceContainerProof calldata proof
    ) internal pure {
        uint256 stateHeight = getBeaconStateTreeHeight(proofVersion);
        if (proof.proof.length != 32 * (BEACON_BLOCK_HEADER_TREE_HEIGHT + stateHeight)) revert InvalidProofLength();
        uint256 index = (STATE_ROOT_INDEX << stateHeight) | BALANCE_CONTAINER_INDEX;
        if (!Merkle.verifyInclusionSha256(proof.proof, beaconBlockRoot, proof.balanceContainerRoot, index)) {
            revert InvalidProof();
        }
    }

    /// @notice Checks the chunk holding validator `validatorIndex`'s balance against the balances root and returns
    /// that balance, in gwei.
    /// @dev The proof is bound to a chunk position, not to a pubkey: callers pass the index they stored.
    function verifyValidatorBalance(
        bytes32 balanceContainerRoot,
        uint40 validatorIndex,
        BalanceProof calldata proof
    ) internal pure returns (uint64) {
        if (proof.proof.length != 32 * (BALANCE_TREE_HEIGHT + 1)) revert InvalidProofLength();
        uint256 chunkIndex = uint256(validatorIndex) / 4;
        if (!Merkle.verifyInclusionSha256(proof.proof, balanceContainerRoot, proof.balanceRoot, chunkIndex)) {
            revert InvalidProof();
        }
        return getBalanceAtIndex(proof.balanceRoot, validatorIndex);
    }

    /* LAYOUT AND FIELDS */

    /// @notice Height of the BeaconState tree for a proof version.
    function getBeaconStateTreeHeight(ProofVersion proofVersion) internal pure returns (uint256) {
        return proofVersion == ProofVersion.DENEB ? DENEB_BEACON_STATE_TREE_HEIGHT : PECTRA_BEACON_STATE_TREE_HEIGHT;
    }

    /// @notice The balance of validator `validatorIndex` in its 32-byte chunk (4 little-endian uint64, in order).
    function getBalanceAtIndex(bytes32 balanceRoot, uint40 validatorIndex) internal pure returns (uint64) {
        uint256 shift = (uint256(validatorIndex) % 4) * 64;
        return Endian.fromLittleEndianUint64(bytes32(uint256(balanceRoot) << shift));
    }

    /// @notice Field 0: the SSZ root of the 48-byte pubkey, `sha256(pubkey || 16 zero bytes)`.
    function getPubkeyHash(bytes32[] calldata validatorFields) internal pure returns (bytes32) {
        return validatorFields[VALIDATOR_PUBKEY_INDEX];
    }

    /// @notice Field 1: the 32-byte withdrawal credentials.
    function getWithdrawalCredentials(bytes32[] calldata validatorFields) internal pure returns (bytes32) {
        return validatorFields[VALIDATOR_WITHDRAWAL_CREDENTIALS_INDEX];
    }

    /// @notice Field 2: effective balance, in gwei.
    function getEffectiveBalanceGwei(bytes32[] calldata validatorFields) internal pure returns (uint64) {
        return Endian.fromLittleEndianUint64(validatorFields[VALIDATOR_BALANCE_INDEX]);
    }

    /// @notice Field 3: slashed (any non-zero word).
    function isValidatorSlashed(bytes32[] calldata validatorFields) internal pure returns (bool) {
        return validatorFields[VALIDATOR_SLASHED_INDEX] != bytes32(0);
    }

    /// @notice Field 5: activation epoch (FAR_FUTURE_EPOCH until the validator is queued for activation).
    function getActivationEpoch(bytes32[] calldata validatorFields) internal pure returns (uint64) {
        return Endian.fromLittleEndianUint64(validatorFields[VALIDATOR_ACTIVATION_EPOCH_INDEX]);
    }

    /// @notice Field 6: exit epoch (FAR_FUTURE_EPOCH unless exiting).
    function getExitEpoch(bytes32[] calldata validatorFields) internal pure returns (uint64) {
        return Endian.fromLittleEndianUint64(validatorFields[VALIDATOR_EXIT_EPOCH_INDEX]);
    }
}
