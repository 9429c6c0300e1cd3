// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IPriceAdapter} from "../../interfaces/IPriceAdapter.sol";

/// @notice cbETH's rate view.
interface ICbETHRate {
    function exchangeRate() external view returns (uint256);
}

/// @title CbETHTestAdapter
/// @notice Test-only cbETH adapter until the production adapters land: the unit is the token, priced at `exchangeRate()`.
contract CbETHTestAdapter is IPriceAdapter {
    /// @inheritdoc IPriceAdapter
    address public immutable asset;

    constructor(address token) {
        asset = token;
    }

    /// @inheritdoc IPriceAdapter
    function price() external view returns (uint256) {
        return ICbETHRate(asset).exchangeRate();
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
