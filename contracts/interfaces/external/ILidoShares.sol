// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title ILidoShares
/// @notice The stETH share functions lrt-vault uses (Lido's stETH keeps balances as shares of pooled ether).
interface ILidoShares {
    /// @notice Shares held by `account`.
    function sharesOf(address account) external view returns (uint256);

    /// @notice Pooled ether (stETH balance units) of `shares`, rounded down.
    function getPooledEthByShares(uint256 shares) external view returns (uint256);

    /// @notice Shares worth `ethAmount` stETH, rounded down.
    function getSharesByPooledEth(uint256 ethAmount) external view returns (uint256);

    /// @notice Moves exactly `shares` shares; returns the stETH amount moved.
    function transferShares(address to, uint256 shares) external returns (uint256);
}
