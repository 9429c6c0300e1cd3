// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BeaconChainProofs} from "../eigenlayer/libraries/BeaconChainProofs.sol";
import {Merkle} from "../eigenlayer/libraries/Merkle.sol";
import {Endian} from "../eigenlayer/libraries/Endian.sol";

/// @title BeaconChainProofsHarness
/// @notice Exposes the stand-in `BeaconChainProofs`, `Merkle` and `Endian` libraries to tests.
contract BeaconChainProofsHarness {
    function verifyStateRoot(bytes32 beaconBlockRoot, BeaconChainProofs.StateRootProof calldata proof) external pure {
        BeaconChainProofs.verifyStateRoot(beaconBlockRoot, proof);
    }

    function verifyValidatorFields(
        BeaconChainProofs.ProofVersion proofVersion,
        bytes32 beaconStateRoot,
        bytes32[] calldata validatorFields,
        bytes calldata validatorFieldsProof,
        uint40 validatorIndex
    ) external pure {
        BeaconChainProofs.verifyValidatorFields(
            proofVersion,
            beaconStateRoot,
            validatorFields,
            validatorFieldsProof,
            validatorIndex
        );
    }

    function verifyBalanceContainer(
        BeaconChainProofs.ProofVersion proofVersion,
        bytes32 beaconBlockRoot,
        BeaconChainProofs.BalanceContainerProof calldata proof
    ) external pure {
        BeaconChainProofs.verifyBalanceContainer(proofVersion, beaconBlockRoot, proof);
    }

    function verifyValidatorBalance(
        bytes32 balanceContainerRoot,
        uint40 validatorIndex,
        BeaconChainProofs.BalanceProof calldata proof
    ) external pure returns (uint64) {
        return BeaconChainProofs.verifyValidatorBalance(balanceContainerRoot, validatorIndex, proof);
    }

    function getBalanceAtIndex(bytes32 balanceRoot, uint40 validatorIndex) external pure returns (uint64) {
        return BeaconChainProofs.getBalanceAtIndex(balanceRoot, validatorIndex);
    }

    function validatorFieldValues(
        bytes32[] calldata validatorFields
    )
        external
        pure
        returns (
            bytes32 pubkeyHash,
            bytes32 withdrawalCredentials,
            uint64 effectiveBalanceGwei,
            bool slashed,
            uint64 activationEpoch,
            uint64 exitEpoch
        )
    {
        return (
            BeaconChainProofs.getPubkeyHash(validatorFields),
            BeaconChainProofs.getWithdrawalCredentials(validatorFields),
            BeaconChainProofs.getEffectiveBalanceGwei(validatorFields),
            BeaconChainProofs.isValidatorSlashed(validatorFields),
            BeaconChainProofs.getActivationEpoch(validatorFields),
            BeaconChainProofs.getExitEpoch(validatorFields)
        );
    }

    function merkleizeSha256(bytes32[] calldata leaves) external pure returns (bytes32) {
        return Merkle.merkleizeSha256(leaves);
    }

    function processInclusionProofSha256(
        bytes calldata proof,
        bytes32 leaf,
        uint256 index
    ) external pure returns (bytes32) {
        return Merkle.processInclusionProofSha256(proof, leaf, index);
    }

    function verifyInclusionSha256(
        bytes calldata proof,
        bytes32 root,
        bytes32 leaf,
        uint256 index
    ) external pure returns (bool) {
        return Merkle.verifyInclusionSha256(proof, root, leaf, index);
    }

    function fromLittleEndianUint64(bytes32 word) external pure returns (uint64) {
        return Endian.fromLittleEndianUint64(word);
    }
}
