// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IRocketTokenRETH
/// @notice The Rocket Pool rETH views lrt-vault uses (mainnet signatures). rETH is a non-rebasing exchange-rate token.
interface IRocketTokenRETH {
    /// @notice ETH per 1e18 rETH (WAD).
    function getExchangeRate() external view returns (uint256);

    /// @notice ETH worth `rethAmount` rETH, rounded down.
    function getEthValue(uint256 rethAmount) external view returns (uint256);

    /// @notice rETH worth `ethAmount` ETH, rounded down.
    function getRethValue(uint256 ethAmount) external view returns (uint256);
}
