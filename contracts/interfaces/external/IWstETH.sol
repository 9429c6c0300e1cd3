// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IWstETH
/// @notice The Lido wstETH views lrt-vault uses (mainnet signatures). A wstETH token is one stETH share: its balances
/// never rebase and its stETH value grows with Lido's pooled ether.
interface IWstETH {
    /// @notice The wrapped stETH.
    function stETH() external view returns (address);

    /// @notice stETH per 1e18 wstETH (`getPooledEthByShares(1e18)`), rounded down.
    function stEthPerToken() external view returns (uint256);

    /// @notice wstETH per 1e18 stETH (`getSharesByPooledEth(1e18)`), rounded down.
    function tokensPerStEth() external view returns (uint256);

    /// @notice stETH worth `wstETHAmount` wstETH, rounded down.
    function getStETHByWstETH(uint256 wstETHAmount) external view returns (uint256);

    /// @notice wstETH worth `stETHAmount` stETH, rounded down.
    function getWstETHByStETH(uint256 stETHAmount) external view returns (uint256);
}
