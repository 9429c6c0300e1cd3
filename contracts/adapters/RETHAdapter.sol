// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IRocketTokenRETH} from "../interfaces/external/IRocketTokenRETH.sol";
import {IPriceAdapter} from "../interfaces/IPriceAdapter.sol";
import {PriceAdapterBase} from "./PriceAdapterBase.sol";

/// @title RETHAdapter
/// @notice Prices Rocket Pool rETH for lrt-vault at Rocket Pool's own exchange rate (the rate `burn` pays, not the
/// secondary market). The accounting unit is the rETH token itself (identity conversions).
contract RETHAdapter is PriceAdapterBase {
    /// @param rETH the Rocket Pool rETH token
    constructor(address rETH) PriceAdapterBase(rETH) {}

    /// @inheritdoc IPriceAdapter
    /// @dev `getExchangeRate()`: ETH per 1e18 rETH, as Rocket Pool stores it (exact; no conversion here).
    function price() external view returns (uint256) {
        return IRocketTokenRETH(asset).getExchangeRate();
    }
}
