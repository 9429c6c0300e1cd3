// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IPriceAdapter} from "../../interfaces/IPriceAdapter.sol";

/// @title ParityTestAdapter
/// @notice Test-only adapter of a token worth exactly 1 ETH (WETH) until the production adapters land.
contract ParityTestAdapter is IPriceAdapter {
    /// @inheritdoc IPriceAdapter
    address public immutable asset;

    constructor(address token) {
        asset = token;
    }

    /// @inheritdoc IPriceAdapter
    function price() external pure returns (uint256) {
        return 1e18;
    }

    /// @inheritdoc IPriceAdapter
    function toUnits(uint256 tokenAmount) external pure returns (uint256) {
        return tokenAmount;
    }

    /// @inheritdoc IPriceAdapter
    function toTokens(uint256 units) external pure returns (uint256) {
        return units;
    }
}
