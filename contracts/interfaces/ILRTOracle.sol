// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IPriceAdapter} from "./IPriceAdapter.sol";

/// @title ILRTOracle
/// @notice Prices lrt-vault's assets in ETH through one adapter per asset, and bounds how far each price may move
/// between two syncs: a rise beyond the bound is clamped (the rest counts at later syncs, so gains cannot be rushed);
/// a fall beyond it applies in full (losses are never hidden) and is reported as a trip, on which the vault halts
/// deposits of that asset until an admin has looked. ETH (the vault's ETH marker) is always worth 1.
interface ILRTOracle {
    /// @notice An asset's adapter and bound were set.
    event AdapterSet(address indexed asset, IPriceAdapter adapter, uint16 maxChangeBps);
    /// @notice A price rose beyond its bound and was clamped.
    event PriceClamped(address indexed asset, uint256 observed, uint256 used);
    /// @notice A price fell beyond its bound (applied in full).
    event PriceTripped(address indexed asset, uint256 previousPrice, uint256 price);
    /// @notice Prices were refreshed for a sync.
    event PricesRefreshed(address[] assets, uint256[] prices);

    /// @notice Only the accountant may refresh prices.
    error LRTOracleOnlyAccountant(address caller);
    /// @notice The asset has no adapter.
    error LRTOracleUnknownAsset(address asset);
    /// @notice The adapter prices another token, or the bound exceeds 100%.
    error LRTOracleInvalidAdapter(address asset, IPriceAdapter adapter);
    /// @notice A zero address.
    error LRTOracleZeroAddress();
    /// @notice The adapter returned a zero price.
    error LRTOracleZeroPrice(address asset);

    /// @notice The accountant changed.
    event AccountantSet(address accountant);

    /// @notice Reads every adapter, bounds each price against the last stored one, stores and returns them
    /// (accountant only, at sync). `tripped[i]` is true where a price fell beyond its bound.
    function refresh(address[] calldata assets) external returns (uint256[] memory prices, bool[] memory tripped);

    /// @notice ETH per 1e18 accounting units of `asset` stored at the last refresh (1e18 for ETH; 0 before the
    /// first refresh). Reverts `LRTOracleUnknownAsset` for an asset without adapter.
    function price(address asset) external view returns (uint256);

    /// @notice The price a withdrawal payout uses: the higher of the stored and the adapter's live price (1e18
    /// for ETH), so a payout never gets more units because a rise was clamped.
    function payoutPrice(address asset) external view returns (uint256);

    /// @notice Accounting units of `tokens` (balance units) of `asset`, rounded down.
    function toUnits(address asset, uint256 tokens) external view returns (uint256);

    /// @notice Token amount (balance units) of `units` accounting units of `asset`, rounded down.
    function toTokens(address asset, uint256 units) external view returns (uint256);

    /// @notice The adapter and per-sync bound of `asset`.
    function adapterOf(address asset) external view returns (IPriceAdapter adapter, uint16 maxChangeBps);
}
