// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {PauserRegistry} from "./PauserRegistry.sol";

/// @title Pausable (local stand-in)
/// @notice The mainnet EigenLayer pause bitmap: bit `i` set means switch `i` is paused. A pauser may only add bits
/// (`pause`, `pauseAll`); the unpauser may only clear them (`unpause`).
abstract contract Pausable {
    /// @notice Emitted when bits are set.
    event Paused(address indexed account, uint256 newPausedStatus);
    /// @notice Emitted when bits are cleared.
    event Unpaused(address indexed account, uint256 newPausedStatus);

    /// @notice The switch guarding this function is on.
    error CurrentlyPaused();
    /// @notice A pause tried to clear bits, or an unpause tried to set bits.
    error InvalidNewPausedStatus();
    /// @notice Only a registered pauser may do this.
    error OnlyPauser();
    /// @notice Only the unpauser may do this.
    error OnlyUnpauser();

    PauserRegistry private _pauserRegistry;
    uint256 private _paused;

    modifier onlyWhenNotPaused(uint8 index) {
        if (paused(index)) revert CurrentlyPaused();
        _;
    }

    /// @notice The registry of pausers and the unpauser.
    function pauserRegistry() external view returns (address) {
        return address(_pauserRegistry);
    }

    /// @notice Sets bits; `newPausedStatus` must keep every bit already set.
    function pause(uint256 newPausedStatus) external {
        if (!_pauserRegistry.isPauser(msg.sender)) revert OnlyPauser();
        if ((_paused & newPausedStatus) != _paused) revert InvalidNewPausedStatus();
        _paused = newPausedStatus;
        emit Paused(msg.sender, newPausedStatus);
    }

    /// @notice Sets every bit.
    function pauseAll() external {
        if (!_pauserRegistry.isPauser(msg.sender)) revert OnlyPauser();
        _paused = type(uint256).max;
        emit Paused(msg.sender, type(uint256).max);
    }

    /// @notice Clears bits; `newPausedStatus` may not set a bit that is clear now.
    function unpause(uint256 newPausedStatus) external {
        if (msg.sender != _pauserRegistry.unpauser()) revert OnlyUnpauser();
        if (((~_paused) & (~newPausedStatus)) != (~_paused)) revert InvalidNewPausedStatus();
        _paused = newPausedStatus;
        emit Unpaused(msg.sender, newPausedStatus);
    }

    /// @notice The whole bitmap.
    function paused() public view returns (uint256) {
        return _paused;
    }

    /// @notice Whether switch `index` is on.
    function paused(uint8 index) public view returns (bool) {
        uint256 mask = uint256(1) << index;
        return (_paused & mask) == mask;
    }

    function _initializePausable(PauserRegistry registry, uint256 initialPausedStatus) internal {
        _pauserRegistry = registry;
        _paused = initialPausedStatus;
        emit Paused(msg.sender, initialPausedStatus);
    }
}
