// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IPriceAdapter} from "../../interfaces/IPriceAdapter.sol";

/// @notice wstETH's rate view.
interface IWstETHRate {
    function stEthPerToken() external view returns (uint256);
}

/// @title WstETHTestAdapter
/// @notice Test-only wstETH adapter until the production adapters land: the unit is the token, priced at `stEthPerToken()` (stETH taken at 1 ETH).
contract WstETHTestAdapter is IPriceAdapter {
    /// @inheritdoc IPriceAdapter
    address public immutable asset;

    constructor(address token) {
        asset = token;
    }

    /// @inheritdoc IPriceAdapter
    function price() external view returns (uint256) {
        return IWstETHRate(asset).stEthPerToken();
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
