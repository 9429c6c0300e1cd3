// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title ILRTOracle
/// @notice Bounds how fast lrt-vault's stored asset prices may move. At each sync the accountant hands it every
/// asset, its adapter (the vault is the home of both) and the price the vault stored at the previous sync; it reads
/// each adapter's protocol price and returns the price the sync must use:
/// - a rise is limited **per unit of time**, not per call: at most `maxRiseBpsPerDay` of the previous price per day
///   elapsed since the asset's previous refresh, pro rata to the second. However many syncs run in a block (zero
///   seconds elapsed) or an hour, a price rises no faster than that: over a time T it rises at most by the factor
///   prod(1 + r * dt_i) <= exp(r * T), r the daily bound (about 1 + r * T for small moves). The rest counts later.
/// - a fall applies in full at once (a loss is never hidden); a fall of more than `maxFallBps` of the previous price
///   in one refresh is reported as a trip, on which the vault halts deposits of that asset until an admin has looked.
/// - an adapter that reverts or returns 0 keeps the previous price and trips the asset: a sync never fails because of
///   one asset (exits depend on syncs), and a technical failure is not booked as a loss; the admin replaces it.
/// ETH (the vault's ETH marker) is always worth 1.
interface ILRTOracle {
    /// @notice An asset's bounds were set.
    event BoundsSet(address indexed asset, uint16 maxRiseBpsPerDay, uint16 maxFallBps);
    /// @notice A price rose faster than its bound and was clamped to `used`.
    event PriceClamped(address indexed asset, uint256 observed, uint256 used);
    /// @notice A price fell by more than `maxFallBps` in one refresh (applied in full).
    event PriceTripped(address indexed asset, uint256 previousPrice, uint256 price);
    /// @notice The asset's adapter reverted or returned 0: the previous price stays and the asset is tripped.
    event PriceUnavailable(address indexed asset, uint256 previousPrice);
    /// @notice Prices were refreshed for a sync.
    event PricesRefreshed(address[] assets, uint256[] prices);
    /// @notice The accountant changed.
    event AccountantSet(address accountant);

    /// @notice Only the accountant may refresh prices.
    error LRTOracleOnlyAccountant(address caller);
    /// @notice The asset has no bounds set (`setBounds` first).
    error LRTOracleUnknownAsset(address asset);
    /// @notice A bound is out of range: the daily rise at most `MAX_RISE_BPS_PER_DAY`, the fall trip 1 to 10000 bps.
    error LRTOracleInvalidBounds(address asset, uint16 maxRiseBpsPerDay, uint16 maxFallBps);
    /// @notice A zero address.
    error LRTOracleZeroAddress();
    /// @notice The inputs of a refresh have different lengths.
    error LRTOracleBadInput();

    /// @notice An asset's bounds and when its price was last refreshed.
    /// @param maxRiseBpsPerDay the most a price may rise per day elapsed, in bps of the previous price
    /// @param maxFallBps a fall of more than this in one refresh trips the asset
    /// @param updatedAt the last refresh (0: never)
    struct Bounds {
        uint16 maxRiseBpsPerDay;
        uint16 maxFallBps;
        uint40 updatedAt;
    }

    /// @notice Reads every adapter's protocol price, bounds it against `previous[i]` (the vault's stored price; 0
    /// before the first sync, when the observed price is taken as it is) and returns the prices to store
    /// (accountant only, at sync). `tripped[i]` is true where a price fell by more than its `maxFallBps`.
    /// @dev Never reverts on a price move nor on a failing adapter; reverts `LRTOracleUnknownAsset` for an asset
    /// without bounds (an admin lists an asset only after `setBounds`).
    /// @param assets the vault's assets, in `assets()` order
    /// @param adapters their adapters (ignored for ETH)
    /// @param previous the prices the vault stored at the previous sync
    function refresh(
        address[] calldata assets,
        address[] calldata adapters,
        uint256[] calldata previous
    ) external returns (uint256[] memory prices, bool[] memory tripped);

    /// @notice Sets `asset`'s bounds (admin). Must be set before the asset's first sync.
    function setBounds(address asset, uint16 maxRiseBpsPerDay, uint16 maxFallBps) external;

    /// @notice Sets the accountant, the only caller of `refresh` (admin).
    function setAccountant(address accountant) external;

    /// @notice The bounds of `asset` and its last refresh.
    function boundsOf(address asset) external view returns (Bounds memory);

    /// @notice The accountant allowed to refresh prices.
    function accountant() external view returns (address);
}
