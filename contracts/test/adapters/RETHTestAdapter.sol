// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IPriceAdapter} from "../../interfaces/IPriceAdapter.sol";

/// @notice rETH's rate view.
interface IRETHRate {
    function getExchangeRate() external view returns (uint256);
}

/// @title RETHTestAdapter
/// @notice Test-only rETH adapter until the production adapters land: the unit is the token, priced at `getExchangeRate()`.
contract RETHTestAdapter is IPriceAdapter {
    /// @inheritdoc IPriceAdapter
    address public immutable asset;

    constructor(address token) {
        asset = token;
    }

    /// @inheritdoc IPriceAdapter
    function price() external view returns (uint256) {
        return IRETHRate(asset).getExchangeRate();
    }

    /// @inheritdoc IPriceAdapter
    function toUnits(uint256 tokenAmount) external pure returns (uint256) {
        return tokenAmount;
    }

    /// @inheritdoc IPriceAdapter
    function toTokens(uint256 units) external pure returns (uint256) {
        return units;
    }
}
