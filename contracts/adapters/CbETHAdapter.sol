// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ICbETH} from "../interfaces/external/ICbETH.sol";
import {IPriceAdapter} from "../interfaces/IPriceAdapter.sol";
import {PriceAdapterBase} from "./PriceAdapterBase.sol";

/// @title CbETHAdapter
/// @notice Prices Coinbase cbETH for lrt-vault at the exchange rate Coinbase's oracle posts on the token. The
/// accounting unit is the cbETH token itself (identity conversions).
contract CbETHAdapter is PriceAdapterBase {
    /// @param cbETH the Coinbase cbETH token
    constructor(address cbETH) PriceAdapterBase(cbETH) {}

    /// @inheritdoc IPriceAdapter
    /// @dev `exchangeRate()`: ETH per 1e18 cbETH, as posted (exact; no conversion here).
    function price() external view returns (uint256) {
        return ICbETH(asset).exchangeRate();
    }
}
