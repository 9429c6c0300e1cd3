// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IPriceAdapter} from "../../interfaces/IPriceAdapter.sol";
import {ILidoShares} from "../../interfaces/external/ILidoShares.sol";

/// @title StETHTestAdapter
/// @notice Test-only stETH adapter until the production adapters land: the unit is a Lido share, worth
/// `getPooledEthByShares(1e18)` ETH per 1e18 (stETH taken at 1 ETH); conversions are Lido's own, rounded down.
contract StETHTestAdapter is IPriceAdapter {
    /// @inheritdoc IPriceAdapter
    address public immutable asset;

    constructor(address stETH) {
        asset = stETH;
    }

    /// @inheritdoc IPriceAdapter
    function price() external view returns (uint256) {
        return ILidoShares(asset).getPooledEthByShares(1e18);
    }

    /// @inheritdoc IPriceAdapter
    function toUnits(uint256 tokenAmount) external view returns (uint256) {
        return ILidoShares(asset).getSharesByPooledEth(tokenAmount);
    }

    /// @inheritdoc IPriceAdapter
    function toTokens(uint256 units) external view returns (uint256) {
        return ILidoShares(asset).getPooledEthByShares(units);
    }
}
