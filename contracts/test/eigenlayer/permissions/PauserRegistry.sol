// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Initializer} from "../mixins/Initializer.sol";

/// @title PauserRegistry (local stand-in)
/// @notice Who may pause (any registered pauser) and who may unpause (the single unpauser), as on mainnet.
contract PauserRegistry is Initializer {
    /// @notice Emitted when a pauser is added or removed.
    event PauserStatusChanged(address pauser, bool canPause);
    /// @notice Emitted when the unpauser changes.
    event UnpauserChanged(address previousUnpauser, address newUnpauser);

    /// @notice A zero address was given.
    error InputAddressZero();
    /// @notice Only the unpauser may do this.
    error OnlyUnpauser();

    /// @notice Whether an address may pause.
    mapping(address => bool) public isPauser;
    /// @notice The address that may unpause and manage pausers.
    address public unpauser;

    /// @notice Sets the initial pausers and the unpauser.
    function initializeStandIn(address[] calldata pausers, address unpauser_) external initializer {
        for (uint256 i = 0; i < pausers.length; ++i) {
            _setIsPauser(pausers[i], true);
        }
        _setUnpauser(unpauser_);
    }

    /// @notice Adds or removes a pauser.
    function setIsPauser(address pauser, bool canPause) external {
        if (msg.sender != unpauser) revert OnlyUnpauser();
        _setIsPauser(pauser, canPause);
    }

    /// @notice Replaces the unpauser.
    function setUnpauser(address newUnpauser) external {
        if (msg.sender != unpauser) revert OnlyUnpauser();
        _setUnpauser(newUnpauser);
    }

    function _setIsPauser(address pauser, bool canPause) private {
        if (pauser == address(0)) revert InputAddressZero();
        isPauser[pauser] = canPause;
        emit PauserStatusChanged(pauser, canPause);
    }

    function _setUnpauser(address newUnpauser) private {
        if (newUnpauser == address(0)) revert InputAddressZero();
        emit UnpauserChanged(unpauser, newUnpauser);
        unpauser = newUnpauser;
    }
}
