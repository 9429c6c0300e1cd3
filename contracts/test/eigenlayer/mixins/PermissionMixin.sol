// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title PermissionMixin
/// @notice The `checkCanCall(account)` guard of mainnet EigenLayer, reduced to "the caller is the account itself".
/// @dev Mainnet consults the PermissionController, where an account may appoint others to act for it. The stand-in
/// has no appointees: operators and AVSs act for themselves, which is all the vault, its scripts and tests need.
abstract contract PermissionMixin {
    /// @notice The caller may not act for the account (mainnet error of PermissionControllerMixin).
    error InvalidPermissions();

    modifier checkCanCall(address account) {
        if (!_checkCanCall(account)) revert InvalidPermissions();
        _;
    }

    function _checkCanCall(address account) internal view returns (bool) {
        return msg.sender == account;
    }
}
