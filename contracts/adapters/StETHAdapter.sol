// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ILidoShares} from "../interfaces/external/ILidoShares.sol";
import {IPriceAdapter} from "../interfaces/IPriceAdapter.sol";
import {IAggregatorV3} from "../interfaces/external/chainlink/IAggregatorV3.sol";
import {UNIT} from "../libraries/Constants.sol";
import {PriceAdapterBase} from "./PriceAdapterBase.sol";

/// @title StETHAdapter
/// @notice Prices Lido stETH for lrt-vault. stETH balances rebase, so the accounting unit is the Lido *share*. The
/// protocol price counts one stETH as one ETH (what Lido's withdrawal queue pays); the market leg reads the
/// stETH/ETH feed, the price of one stETH in ETH, and applies it to the stETH one share is worth.
/// @dev Every value comes from Lido's own share maths, which rounds down: the price (ETH per 1e18 shares) and both
/// conversions are floors, so holdings are never valued above what Lido itself would pay out.
contract StETHAdapter is PriceAdapterBase {
    /// @param stETH the Lido stETH token
    /// @param feed_ the Chainlink stETH/ETH feed (zero: none)
    /// @param maxFeedAge_ when the feed's answer goes stale (seconds)
    constructor(address stETH, IAggregatorV3 feed_, uint256 maxFeedAge_) PriceAdapterBase(stETH, feed_, maxFeedAge_) {}

    /// @inheritdoc IPriceAdapter
    /// @dev `getPooledEthByShares(1e18)`: ETH per 1e18 Lido shares, rounded down (Lido's floor).
    function price() public view override returns (uint256) {
        return ILidoShares(asset).getPooledEthByShares(UNIT);
    }

    /// @inheritdoc IPriceAdapter
    /// @dev `getSharesByPooledEth(tokenAmount)`: the Lido shares `tokenAmount` stETH is worth, rounded down.
    function toUnits(uint256 tokenAmount) external view override returns (uint256) {
        return ILidoShares(asset).getSharesByPooledEth(tokenAmount);
    }

    /// @inheritdoc IPriceAdapter
    /// @dev `getPooledEthByShares(units)`: the stETH `units` Lido shares are worth, rounded down.
    function toTokens(uint256 units) external view override returns (uint256) {
        return ILidoShares(asset).getPooledEthByShares(units);
    }

    /// @dev The feed prices one stETH; a share is worth `protocol` stETH per 1e18: answer x protocol / 1e18, floor.
    function _marketPerUnit(uint256 answer, uint256 protocol) internal pure override returns (uint256) {
        return _wmul(answer, protocol);
    }
}
