// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title ICbETH
/// @notice The Coinbase cbETH view lrt-vault uses (mainnet signature). cbETH is a non-rebasing exchange-rate token
/// whose rate an oracle posts.
interface ICbETH {
    /// @notice ETH per 1e18 cbETH (WAD), as last posted by the cbETH oracle.
    function exchangeRate() external view returns (uint256);
}
