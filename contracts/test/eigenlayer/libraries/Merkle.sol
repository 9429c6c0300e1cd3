// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title Merkle (local stand-in of EigenLayer v1.12.0's library, SHA-256 part)
/// @notice SHA-256 binary Merkle trees as SSZ builds them: a parent is `sha256(left || right)`.
/// @dev Proofs are concatenated 32-byte sibling hashes from the leaf level upward. `index` is the leaf's position
/// among the leaves of the tree the proof climbs (a generalized index with its leading 1 removed): at each level
/// its low bit says whether the running node is a left (0) or right (1) child. The keccak half of the mainnet
/// library (rewards, not pods) is not modelled here.
library Merkle {
    /// @notice A proof is empty or not a whole number of 32-byte words.
    error InvalidProofLength();
    /// @notice The index has more levels than the proof.
    error InvalidIndex();
    /// @notice The root to check against is zero.
    error EmptyRoot();
    /// @notice Fewer than two leaves to merkleize.
    error NotEnoughLeaves();
    /// @notice The leaf count is not a power of two.
    error LeavesNotPowerOfTwo();

    /// @notice Whether `proof` takes `leaf` at `index` to `root` (which must be non-zero).
    function verifyInclusionSha256(
        bytes memory proof,
        bytes32 root,
        bytes32 leaf,
        uint256 index
    ) internal pure returns (bool) {
        if (root == bytes32(0)) revert EmptyRoot();
        return processInclusionProofSha256(proof, leaf, index) == root;
    }

    /// @notice The root `proof` takes `leaf` at `index` to.
    function processInclusionProofSha256(
        bytes memory proof,
        bytes32 leaf,
        uint256 index
    ) internal pure returns (bytes32 node) {
        uint256 length = proof.length;
        if (length == 0 || length % 32 != 0) revert InvalidProofLength();
        node = leaf;
        for (uint256 offset = 32; offset <= length; offset += 32) {
            bytes32 sibling;
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                sibling := mload(add(proof, offset))
            }
            node = (index & 1 == 0) ? _hashPair(node, sibling) : _hashPair(sibling, node);
            index >>= 1;
        }
        if (index != 0) revert InvalidIndex();
    }

    /// @notice The SHA-256 Merkle root of `leaves` (a power of two, at least two).
    function merkleizeSha256(bytes32[] memory leaves) internal pure returns (bytes32) {
        uint256 width = leaves.length;
        if (width < 2) revert NotEnoughLeaves();
        if (width & (width - 1) != 0) revert LeavesNotPowerOfTwo();
        bytes32[] memory level = new bytes32[](width);
        for (uint256 i = 0; i < width; ++i) level[i] = leaves[i];
        while (width > 1) {
            width >>= 1;
            for (uint256 i = 0; i < width; ++i) level[i] = _hashPair(level[2 * i], level[2 * i + 1]);
        }
        return level[0];
    }

    function _hashPair(bytes32 left, bytes32 right) private pure returns (bytes32) {
        return sha256(abi.encodePacked(left, right));
    }
}
