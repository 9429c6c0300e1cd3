// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice PLACEHOLDER (replaced by the key registry branch): the part the restaking manager calls.
interface IValidatorKeyRegistry {
    struct Key {
        bytes pubkey;
        bytes signature;
        bytes32 depositDataRoot;
    }

    function consumeKeys(address delegator, Key[] calldata keys) external returns (bytes32[] memory pubkeyHashes);
}
