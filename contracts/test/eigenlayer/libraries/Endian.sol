// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title Endian (local stand-in of EigenLayer v1.12.0's library)
/// @notice SSZ stores integers little-endian; the EVM reads words big-endian.
library Endian {
    /// @notice The uint64 whose little-endian bytes are the first 8 bytes of `word` (the rest is ignored).
    /// @dev Takes the top 8 bytes and reverses their order.
    function fromLittleEndianUint64(bytes32 word) internal pure returns (uint64 n) {
        uint64 le = uint64(uint256(word) >> 192);
        // Swap bytes, then 2-byte pairs, then 4-byte halves.
        le = ((le & 0xFF00FF00FF00FF00) >> 8) | ((le & 0x00FF00FF00FF00FF) << 8);
        le = ((le & 0xFFFF0000FFFF0000) >> 16) | ((le & 0x0000FFFF0000FFFF) << 16);
        n = (le >> 32) | (le << 32);
    }
}
