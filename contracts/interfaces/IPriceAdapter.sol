// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IPriceAdapter
/// @notice Prices one liquid staking token in ETH for lrt-vault. The vault keeps every asset in an *accounting unit*:
/// the token's own balance unit for non-rebasing tokens (rETH, cbETH, wstETH) and Lido shares for stETH, whose
/// balances rebase. Adapters are stateless readers of the token's own exchange rate; the vault bounds how far a
/// price may move per sync.
interface IPriceAdapter {
    /// @notice An adapter was constructed for the zero address.
    error PriceAdapterZeroAddress();

    /// @notice The token this adapter prices.
    function asset() external view returns (address);

    /// @notice ETH (wei) per 1e18 accounting units of the asset, rounded down.
    function price() external view returns (uint256);

    /// @notice Accounting units worth `tokenAmount` of the token (balance units), rounded down.
    function toUnits(uint256 tokenAmount) external view returns (uint256);

    /// @notice Token amount (balance units) of `units` accounting units, rounded down.
    function toTokens(uint256 units) external view returns (uint256);
}
