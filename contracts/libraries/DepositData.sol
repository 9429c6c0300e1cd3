// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title DepositData
/// @notice The beacon deposit contract's arithmetic, written from the consensus specs: the `deposit_data_root` it
/// recomputes and compares (`hash_tree_root(DepositData)`, SSZ with SHA-256), EigenLayer's pubkey hash, and an
/// EigenPod's 0x01 withdrawal credentials.
/// @dev SSZ `DepositData = {pubkey: Bytes48, withdrawal_credentials: Bytes32, amount: uint64 (gwei), signature:
/// Bytes96}`; four fields, so its root is a 2-level tree over the four field roots:
/// - `pubkey_root = sha256(pubkey || 16 zero bytes)` (48 bytes in two chunks);
/// - `withdrawal_credentials` is its own root (one chunk);
/// - `amount` is 8 little-endian bytes padded with 24 zero bytes (one chunk);
/// - `signature_root = sha256(sha256(signature[0:64]) || sha256(signature[64:96] || 32 zero bytes))` (three chunks
///   padded to four);
/// - root `= sha256(sha256(pubkey_root || withdrawal_credentials) || sha256(amount_chunk || signature_root))`.
/// The hashing runs in scratch memory past the free memory pointer, which is left unchanged.
library DepositData {
    /// @notice The deposit a 0x01 validator is created with: 32 ETH, in gwei (MIN_ACTIVATION_BALANCE).
    uint64 internal constant STAKE_GWEI = 32e9;

    /// @notice A public key is not 48 bytes or a signature not 96.
    /// @param pubkeyLength the public key's length
    /// @param signatureLength the signature's length
    error DepositDataBadLength(uint256 pubkeyLength, uint256 signatureLength);

    /// @notice `hash_tree_root(DepositData{pubkey, withdrawalCredentials, amountGwei, signature})`: the
    /// `deposit_data_root` the deposit contract accepts for this deposit.
    /// @param pubkey the 48-byte BLS public key
    /// @param signature the 96-byte BLS signature
    /// @param withdrawalCredentials the 32-byte withdrawal credentials
    /// @param amountGwei the amount in gwei
    /// @return depositDataRoot the deposit data root
    function root(
        bytes calldata pubkey,
        bytes calldata signature,
        bytes32 withdrawalCredentials,
        uint64 amountGwei
    ) internal view returns (bytes32 depositDataRoot) {
        if (pubkey.length != 48 || signature.length != 96) {
            revert DepositDataBadLength(pubkey.length, signature.length);
        }
        bytes32 amountChunk = bytes32(uint256(_toLittleEndian(amountGwei)) << 192);
        assembly ("memory-safe") {
            let m := mload(0x40)
            let ok := 1
            // signature_root
            calldatacopy(add(m, 0x40), signature.offset, 96) // m+0x40 .. m+0xa0
            mstore(add(m, 0xa0), 0) // signature[64:96] || 32 zero bytes = m+0x80 .. m+0xc0
            ok := and(ok, staticcall(gas(), 0x02, add(m, 0x40), 0x40, m, 0x20))
            ok := and(ok, staticcall(gas(), 0x02, add(m, 0x80), 0x40, add(m, 0x20), 0x20))
            ok := and(ok, staticcall(gas(), 0x02, m, 0x40, add(m, 0x20), 0x20))
            // right half: sha256(amount_chunk || signature_root), kept at m+0x20
            mstore(m, amountChunk)
            ok := and(ok, staticcall(gas(), 0x02, m, 0x40, add(m, 0x20), 0x20))
            // pubkey_root at m+0x40, then the left half sha256(pubkey_root || credentials) at m
            calldatacopy(add(m, 0x40), pubkey.offset, 48) // m+0x40 .. m+0x70
            mstore(add(m, 0x70), 0) // 16 zero bytes after the key (and 16 more, overwritten next)
            ok := and(ok, staticcall(gas(), 0x02, add(m, 0x40), 0x40, add(m, 0x40), 0x20))
            mstore(add(m, 0x60), withdrawalCredentials)
            ok := and(ok, staticcall(gas(), 0x02, add(m, 0x40), 0x40, m, 0x20))
            // root = sha256(left || right)
            ok := and(ok, staticcall(gas(), 0x02, m, 0x40, m, 0x20))
            if iszero(ok) {
                revert(0, 0)
            }
            depositDataRoot := mload(m)
        }
    }

    /// @notice EigenLayer's pubkey hash: `sha256(pubkey || 16 zero bytes)`, the SSZ root of a 48-byte public key
    /// (the first field of the beacon state's validator record; what EigenPods key validators by).
    /// @param pubkey the 48-byte BLS public key
    /// @return hash the pubkey hash
    function pubkeyHash(bytes calldata pubkey) internal view returns (bytes32 hash) {
        if (pubkey.length != 48) revert DepositDataBadLength(pubkey.length, 96);
        assembly ("memory-safe") {
            let m := mload(0x40)
            calldatacopy(m, pubkey.offset, 48)
            mstore(add(m, 0x30), 0)
            if iszero(staticcall(gas(), 0x02, m, 0x40, m, 0x20)) {
                revert(0, 0)
            }
            hash := mload(m)
        }
    }

    /// @notice The withdrawal credentials `EigenPod.stake` deposits with: `0x01 || 11 zero bytes || pod`.
    /// @param pod the EigenPod
    /// @return the credentials
    function podCredentials(address pod) internal pure returns (bytes32) {
        return bytes32((uint256(1) << 248) | uint256(uint160(pod)));
    }

    /// @dev `value`'s 8 bytes in little-endian order, as a uint64 (its most significant byte first in memory).
    function _toLittleEndian(uint64 value) private pure returns (uint64 le) {
        le = ((value & 0xFF00FF00FF00FF00) >> 8) | ((value & 0x00FF00FF00FF00FF) << 8);
        le = ((le & 0xFFFF0000FFFF0000) >> 16) | ((le & 0x0000FFFF0000FFFF) << 16);
        le = (le >> 32) | (le << 32);
    }
}
