// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ILRTVault} from "./ILRTVault.sol";
import {IRestakingManager} from "./IRestakingManager.sol";

/// @title ILRTLens
/// @notice A read-only view of an lrt-vault deployment for dApps and dashboards: the whole TVL breakdown in one call.
/// Nothing here is used by the protocol itself, and no value it returns is an input to any state change.
///
/// Two kinds of number appear side by side. *Recognised* values are what lrETH holders are credited with now: the
/// rate, `totalAssets` and `pendingGains` (owned by holders, streaming into the rate). *Live* values are what the
/// vault holds, valued like a sync values it: every asset's buffer, restaked and queued units at the oracle's price
/// stored at the last sync. `unrecognised` is their difference: right after a sync, only the sync's rounding (at most
/// `totalSupply / 1e18 + 1 + n` wei for n assets held, never negative). Deposits move it only by their own rounding,
/// as they pay the value per lrETH the sync found; units that arrive or leave otherwise (rewards claimed into the
/// buffer, restaking manager positions changed by a slash) show at once; LST price moves show only after the next
/// sync refreshes the stored prices. A negative value means the vault holds less, at those prices, than holders are
/// credited.
interface ILRTLens {
    /// @notice One asset of the vault.
    /// @param asset the token (the vault's `ETH` marker for ETH)
    /// @param info everything the vault stores about the asset (`ILRTVault.assetInfo`)
    /// @param price ETH (wei) per 1e18 accounting units, as the vault stored it at the last sync (0 before one)
    /// @param restakedUnits withdrawable EigenLayer units of the asset, summed over the restaking manager's positions
    /// (0 without a manager)
    /// @param queuedUnits units in queued EigenLayer withdrawals, summed likewise (0 without a manager)
    /// @param value `(bufferUnits + restakedUnits + queuedUnits) * price / 1e18`, rounded down (as a sync values it)
    struct AssetSummary {
        address asset;
        ILRTVault.AssetInfo info;
        uint256 price;
        uint256 restakedUnits;
        uint256 queuedUnits;
        uint256 value;
    }

    /// @notice The vault at a glance. ETH amounts in wei; rates in ETH per 1e18 lrETH.
    /// @param rate `vault.getRate()`
    /// @param totalAssets `vault.totalAssets()`: ETH recognised for holders, `totalSupply * rate / 1e18` rounded down
    /// @param totalSupply lrETH in existence
    /// @param pendingGains ETH owned by holders but not yet in the rate (rest of the stream plus held-back gains):
    /// `accountant.pendingPerShare() * totalSupply / 1e18`, rounded down
    /// @param lastSync timestamp of the last sync (0: never)
    /// @param rateExpiry `lastSync + maxRateAge` with the accountant's current `maxRateAge`: when the deposit prices of
    /// the last sync expire (0 if never synced). Each asset's `info.expiry` is the value the vault actually stored,
    /// which differs only if `maxRateAge` changed since the last sync.
    /// @param highWaterMark value per 1e18 lrETH above which the fee is taken
    /// @param slashedSinceSync EigenLayer cut one of the vault's operators' magnitudes after the last sync: the rate
    /// does not show that slash yet (`ILRTAccountant.freshness`)
    /// @param assets every asset, in `vault.assets()` order (ETH first)
    /// @param liveAssets every asset's units at its stored price, summed, then rounded down once (as a sync compares
    /// the value with its books): up to n - 1 wei above the sum of the n assets' `value`
    /// @param unrecognised `liveAssets - totalAssets - pendingGains` (see the interface notice)
    /// @param positions every (delegator, strategy) EigenLayer position of the restaking manager (empty without one)
    struct VaultSummary {
        uint256 rate;
        uint256 totalAssets;
        uint256 totalSupply;
        uint256 pendingGains;
        uint256 lastSync;
        uint256 rateExpiry;
        uint256 highWaterMark;
        bool slashedSinceSync;
        AssetSummary[] assets;
        uint256 liveAssets;
        int256 unrecognised;
        IRestakingManager.DelegatorPosition[] positions;
    }

    /// @notice The vault has no accountant linked yet, so it has no rate books or oracle to read.
    error LRTLensNotWired(address vault);

    /// @notice The whole TVL breakdown of `vault` in one call (see `VaultSummary`).
    /// @dev Reverts `LRTLensNotWired` if the vault has no accountant. Cost is linear in assets x manager positions.
    function summary(ILRTVault vault) external view returns (VaultSummary memory);
}
