// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IWstETH} from "../interfaces/external/IWstETH.sol";
import {IPriceAdapter} from "../interfaces/IPriceAdapter.sol";
import {PriceAdapterBase} from "./PriceAdapterBase.sol";

/// @title WstETHAdapter
/// @notice Prices Lido wstETH for lrt-vault. wstETH does not rebase, so the accounting unit is the wstETH token
/// itself (identity conversions); its ETH value is the stETH one wstETH unwraps to, stETH counted 1:1 with ETH.
contract WstETHAdapter is PriceAdapterBase {
    /// @param wstETH the Lido wstETH token
    constructor(address wstETH) PriceAdapterBase(wstETH) {}

    /// @inheritdoc IPriceAdapter
    /// @dev `stEthPerToken()`: stETH per 1e18 wstETH, rounded down by Lido.
    function price() external view returns (uint256) {
        return IWstETH(asset).stEthPerToken();
    }
}
