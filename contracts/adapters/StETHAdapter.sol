// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ILidoShares} from "../interfaces/external/ILidoShares.sol";
import {IPriceAdapter} from "../interfaces/IPriceAdapter.sol";
import {PriceAdapterBase} from "./PriceAdapterBase.sol";

/// @title StETHAdapter
/// @notice Prices Lido stETH for lrt-vault. stETH balances rebase, so the accounting unit is the Lido *share*; one
/// stETH counts as one ETH (no secondary-market discount).
/// @dev Every value comes from Lido's own share maths, which rounds down: the price (ETH per 1e18 shares) and both
/// conversions are floors, so holdings are never valued above what Lido itself would pay out.
contract StETHAdapter is PriceAdapterBase {
    /// @param stETH the Lido stETH token
    constructor(address stETH) PriceAdapterBase(stETH) {}

    /// @inheritdoc IPriceAdapter
    /// @dev `getPooledEthByShares(1e18)`: ETH per 1e18 Lido shares, rounded down (Lido's floor).
    function price() external view returns (uint256) {
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
}
