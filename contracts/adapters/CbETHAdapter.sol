// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ICbETH} from "../interfaces/external/ICbETH.sol";
import {IPriceAdapter} from "../interfaces/IPriceAdapter.sol";
import {IAggregatorV3} from "../interfaces/external/chainlink/IAggregatorV3.sol";
import {PriceAdapterBase} from "./PriceAdapterBase.sol";

/// @title CbETHAdapter
/// @notice Prices Coinbase cbETH for lrt-vault: the protocol price is the exchange rate Coinbase's oracle posts on the
/// token, the market leg the cbETH/ETH feed. The accounting unit is the cbETH token itself (identity conversions).
contract CbETHAdapter is PriceAdapterBase {
    /// @param cbETH the Coinbase cbETH token
    /// @param feed_ the Chainlink cbETH/ETH feed (zero: none)
    /// @param maxFeedAge_ when the feed's answer goes stale (seconds)
    constructor(address cbETH, IAggregatorV3 feed_, uint256 maxFeedAge_) PriceAdapterBase(cbETH, feed_, maxFeedAge_) {}

    /// @inheritdoc IPriceAdapter
    /// @dev `exchangeRate()`: ETH per 1e18 cbETH, as posted (exact; no conversion here).
    function price() public view override returns (uint256) {
        return ICbETH(asset).exchangeRate();
    }
}
