// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IWstETH} from "../interfaces/external/IWstETH.sol";
import {ILidoShares} from "../interfaces/external/ILidoShares.sol";
import {IPriceAdapter} from "../interfaces/IPriceAdapter.sol";
import {IAggregatorV3} from "../interfaces/external/chainlink/IAggregatorV3.sol";
import {UNIT} from "../libraries/Constants.sol";
import {PriceAdapterBase} from "./PriceAdapterBase.sol";

/// @title WstETHAdapter
/// @notice Prices Lido wstETH for lrt-vault. wstETH does not rebase, so the accounting unit is the wstETH token
/// itself (identity conversions). The protocol price is the stETH one wstETH unwraps to, stETH counted 1:1 with ETH;
/// the market leg applies the stETH/ETH feed to that stETH.
/// @dev One wstETH is one Lido share, so its stETH is `stETH.getPooledEthByShares(1e18)`, exactly what
/// `wstETH.stEthPerToken()` returns; the adapter asks stETH directly (its address read once, at construction),
/// which spares every deposit a call through wstETH and wstETH's storage read of that address.
contract WstETHAdapter is PriceAdapterBase {
    /// @notice The stETH that `asset` wraps.
    ILidoShares public immutable stETH;

    /// @param wstETH the Lido wstETH token
    /// @param feed_ the Chainlink stETH/ETH feed (zero: none)
    /// @param maxFeedAge_ when the feed's answer goes stale (seconds)
    constructor(address wstETH, IAggregatorV3 feed_, uint256 maxFeedAge_) PriceAdapterBase(wstETH, feed_, maxFeedAge_) {
        stETH = ILidoShares(IWstETH(wstETH).stETH());
    }

    /// @inheritdoc IPriceAdapter
    /// @dev `stETH.getPooledEthByShares(1e18)` (= `wstETH.stEthPerToken()`): stETH per 1e18 wstETH, rounded down.
    function price() public view override returns (uint256) {
        return stETH.getPooledEthByShares(UNIT);
    }

    /// @dev The feed prices one stETH; a wstETH is worth `protocol` stETH per 1e18: answer x protocol / 1e18, floor.
    function _marketPerUnit(uint256 answer, uint256 protocol) internal pure override returns (uint256) {
        return _wmul(answer, protocol);
    }
}
