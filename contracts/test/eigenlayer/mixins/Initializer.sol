// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title Initializer
/// @notice One-shot initialization guard for the local EigenLayer stand-ins.
/// @dev Mainnet EigenLayer uses OpenZeppelin 4.9 `Initializable`, whose event is `Initialized(uint8)`; OpenZeppelin 5
/// emits `Initialized(uint64)`, a different topic. The stand-ins must emit the mainnet topic, so they use this guard.
/// Stand-ins keep no state in constructors, so their runtime code can be placed at the mainnet addresses with
/// `hardhat_setCode` and then initialized.
abstract contract Initializer {
    /// @notice Emitted once, when the contract is initialized.
    event Initialized(uint8 version);

    /// @notice The contract was already initialized.
    error AlreadyInitialized();

    bool private _initialized;

    modifier initializer() {
        if (_initialized) revert AlreadyInitialized();
        _initialized = true;
        _;
        emit Initialized(1);
    }

    /// @dev Locks an implementation behind a proxy for good (mainnet `_disableInitializers`: `Initialized(255)`).
    function _disableInitializers() internal {
        _initialized = true;
        emit Initialized(type(uint8).max);
    }
}
