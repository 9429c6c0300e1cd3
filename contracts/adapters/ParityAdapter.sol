// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IPriceAdapter} from "../interfaces/IPriceAdapter.sol";
import {IAggregatorV3} from "../interfaces/external/chainlink/IAggregatorV3.sol";
import {UNIT} from "../libraries/Constants.sol";
import {PriceAdapterBase} from "./PriceAdapterBase.sol";

/// @title ParityAdapter
/// @notice Prices a token redeemable 1:1 for ETH (WETH) for lrt-vault: 1 ETH per unit, identity conversions, no
/// market feed (a WETH9 unit is one ETH by construction).
/// @dev Use only for tokens that are ETH by construction (WETH9 and equivalents), never for a market-priced one.
contract ParityAdapter is PriceAdapterBase {
    /// @param token the 1:1 ETH token (WETH)
    constructor(address token) PriceAdapterBase(token, IAggregatorV3(address(0)), 0) {}

    /// @inheritdoc IPriceAdapter
    /// @dev Always 1e18 (exact).
    function price() public pure override returns (uint256) {
        return UNIT;
    }
}
