// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IPriceAdapter} from "../interfaces/IPriceAdapter.sol";

/// @title PriceAdapterBase
/// @notice What every lrt-vault price adapter shares: the priced token, fixed at construction, and identity
/// conversions for tokens whose accounting unit is their own balance unit (every non-rebasing token).
/// @dev Stateless: the token address is an immutable, so adapters are plain (non-upgradeable) deployments that need
/// no initializer. They must not be placed with `hardhat_setCode`: runtime code carries the immutable.
abstract contract PriceAdapterBase is IPriceAdapter {
    /// @dev 1e18: prices are ETH (wei) per 1e18 accounting units.
    uint256 internal constant UNIT = 1e18;

    /// @inheritdoc IPriceAdapter
    address public immutable asset;

    /// @param token the token this adapter prices; reverts `PriceAdapterZeroAddress` if zero
    constructor(address token) {
        if (token == address(0)) revert PriceAdapterZeroAddress();
        asset = token;
    }

    /// @inheritdoc IPriceAdapter
    /// @dev Identity (exact, so no rounding): the accounting unit is the token's balance unit.
    function toUnits(uint256 tokenAmount) external view virtual returns (uint256) {
        return tokenAmount;
    }

    /// @inheritdoc IPriceAdapter
    /// @dev Identity (exact, so no rounding): the accounting unit is the token's balance unit.
    function toTokens(uint256 units) external view virtual returns (uint256) {
        return units;
    }
}
