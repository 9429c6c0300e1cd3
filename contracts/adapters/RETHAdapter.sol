// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IRocketTokenRETH} from "../interfaces/external/IRocketTokenRETH.sol";
import {IPriceAdapter} from "../interfaces/IPriceAdapter.sol";
import {IAggregatorV3} from "../interfaces/external/chainlink/IAggregatorV3.sol";
import {PriceAdapterBase} from "./PriceAdapterBase.sol";

/// @title RETHAdapter
/// @notice Prices Rocket Pool rETH for lrt-vault: the protocol price is Rocket Pool's own exchange rate (what `burn`
/// pays), the market leg the rETH/ETH feed. The accounting unit is the rETH token itself (identity conversions).
contract RETHAdapter is PriceAdapterBase {
    /// @param rETH the Rocket Pool rETH token
    /// @param feed_ the Chainlink rETH/ETH feed (zero: none)
    /// @param maxFeedAge_ when the feed's answer goes stale (seconds)
    constructor(address rETH, IAggregatorV3 feed_, uint256 maxFeedAge_) PriceAdapterBase(rETH, feed_, maxFeedAge_) {}

    /// @inheritdoc IPriceAdapter
    /// @dev `getExchangeRate()`: ETH per 1e18 rETH, as Rocket Pool stores it (exact; no conversion here).
    function price() public view override returns (uint256) {
        return IRocketTokenRETH(asset).getExchangeRate();
    }
}
