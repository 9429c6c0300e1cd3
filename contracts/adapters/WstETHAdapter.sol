// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IWstETH} from "../interfaces/external/IWstETH.sol";
import {IPriceAdapter} from "../interfaces/IPriceAdapter.sol";
import {IAggregatorV3} from "../interfaces/external/chainlink/IAggregatorV3.sol";
import {PriceAdapterBase} from "./PriceAdapterBase.sol";

/// @title WstETHAdapter
/// @notice Prices Lido wstETH for lrt-vault. wstETH does not rebase, so the accounting unit is the wstETH token
/// itself (identity conversions). The protocol price is the stETH one wstETH unwraps to, stETH counted 1:1 with ETH;
/// the market leg applies the stETH/ETH feed to that stETH.
contract WstETHAdapter is PriceAdapterBase {
    /// @param wstETH the Lido wstETH token
    /// @param feed_ the Chainlink stETH/ETH feed (zero: none)
    /// @param maxFeedAge_ when the feed's answer goes stale (seconds)
    constructor(
        address wstETH,
        IAggregatorV3 feed_,
        uint256 maxFeedAge_
    ) PriceAdapterBase(wstETH, feed_, maxFeedAge_) {}

    /// @inheritdoc IPriceAdapter
    /// @dev `stEthPerToken()`: stETH per 1e18 wstETH, rounded down by Lido.
    function price() public view override returns (uint256) {
        return IWstETH(asset).stEthPerToken();
    }

    /// @dev The feed prices one stETH; a wstETH is worth `protocol` stETH per 1e18: answer x protocol / 1e18, floor.
    function _marketPerUnit(uint256 answer, uint256 protocol) internal pure override returns (uint256) {
        return _wmul(answer, protocol);
    }
}
