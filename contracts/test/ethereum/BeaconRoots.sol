// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title BeaconRoots (local stand-in of the EIP-4788 beacon block root contract)
/// @notice Mainnet `0x000F3df6D732807Ef1319fB7B8bB8522d0Beac02`: maps an execution block timestamp to the root of
/// its parent beacon block. Place its runtime code there with `hardhat_setCode`; it keeps no constructor state.
/// @dev Modelled: the read interface (calldata exactly one 32-byte big-endian timestamp, non-zero; the 32-byte root
/// returned; empty revert for anything else) and the ring buffer of 8191 slots, so a root is forgotten when a
/// timestamp congruent modulo 8191 is written over it. Not modelled: the node writing every block's root itself.
/// The local chain does not, so the harness writes roots with `setBeaconRoot` (anyone may: a test chain); a call
/// from the system address, should a node make one, is accepted and ignored.
contract BeaconRoots {
    /// @notice Emitted when the harness stores a root.
    event BeaconRootSet(uint64 indexed timestamp, bytes32 root);

    /// @notice The EIP-4788 ring buffer length.
    uint256 public constant HISTORY_BUFFER_LENGTH = 8191;
    /// @notice The caller of the per-block system update on a real node.
    address public constant SYSTEM_ADDRESS = 0xffffFFFfFFffffffffffffffFfFFFfffFFFfFFfE;

    uint256[HISTORY_BUFFER_LENGTH] private _timestamps;
    bytes32[HISTORY_BUFFER_LENGTH] private _roots;

    /// @notice Harness: records `root` as the parent beacon block root of the block at `timestamp`, evicting the
    /// timestamp that shared its slot.
    function setBeaconRoot(uint64 timestamp, bytes32 root) external {
        uint256 slot = uint256(timestamp) % HISTORY_BUFFER_LENGTH;
        _timestamps[slot] = timestamp;
        _roots[slot] = root;
        emit BeaconRootSet(timestamp, root);
    }

    /// @notice EIP-4788 get: 32-byte timestamp in, 32-byte root out; reverts (no data) if the timestamp is zero,
    /// unknown or evicted, or the calldata is not 32 bytes.
    // solhint-disable-next-line no-complex-fallback
    fallback(bytes calldata input) external returns (bytes memory) {
        if (msg.sender == SYSTEM_ADDRESS) return "";
        if (input.length != 32) _revertEmpty();
        uint256 timestamp = uint256(bytes32(input));
        if (timestamp == 0) _revertEmpty();
        uint256 slot = timestamp % HISTORY_BUFFER_LENGTH;
        if (_timestamps[slot] != timestamp) _revertEmpty();
        return abi.encode(_roots[slot]);
    }

    function _revertEmpty() private pure {
        assembly ("memory-safe") {
            revert(0, 0)
        }
    }
}
