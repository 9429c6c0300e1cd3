// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title ISignatureUtilsMixinTypes
/// @notice EigenLayer's signature-with-expiry tuple `(bytes,uint256)`.
interface ISignatureUtilsMixinTypes {
    struct SignatureWithExpiry {
        bytes signature;
        uint256 expiry;
    }
}
