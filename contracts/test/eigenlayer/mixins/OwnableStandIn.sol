// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title OwnableStandIn
/// @notice Single-owner access with the mainnet `OwnershipTransferred` event, usable without a constructor.
abstract contract OwnableStandIn {
    /// @notice Emitted when ownership moves.
    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);

    /// @notice The caller is not the owner.
    error CallerNotOwner(address caller);

    address private _owner;

    modifier onlyOwner() {
        if (msg.sender != _owner) revert CallerNotOwner(msg.sender);
        _;
    }

    /// @notice The current owner.
    function owner() public view returns (address) {
        return _owner;
    }

    /// @notice Hands ownership to `newOwner`.
    function transferOwnership(address newOwner) external onlyOwner {
        _transferOwnership(newOwner);
    }

    function _transferOwnership(address newOwner) internal {
        address previous = _owner;
        _owner = newOwner;
        emit OwnershipTransferred(previous, newOwner);
    }
}
