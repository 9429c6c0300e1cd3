// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ILRTVault} from "./ILRTVault.sol";
import {ILRTAccountant} from "./ILRTAccountant.sol";
import {IRestakingManager} from "./IRestakingManager.sol";

/// @title ILRTLens
/// @notice A read-only view of an lrt-vault deployment for dApps and dashboards: the whole TVL breakdown in one call.
/// Nothing here is used by the protocol itself, and no value it returns is an input to any state change.
///
/// Two kinds of number appear side by side. *Recognised* values are what lrETH holders are credited with now: the
/// rate, `totalAssets` and `pendingGains` (owned by holders, vesting into the rate or not yet booked). *Live* values
/// are what the vault holds, valued exactly as a sync would value it now (`ILRTAccountant.valuation`, the one
/// valuation the sync itself uses: buffers, restaked and queued units, protocol prices bounded against the last
/// sync). `unrecognised` is their difference: right after a sync, only the sync's rounding (never negative); it moves
/// when units arrive or leave outside a deposit (rewards, a slash) and when prices move. A negative value means the
/// vault holds less than holders are credited: a sync would book a loss.
interface ILRTLens {
    /// @notice One asset of the vault.
    /// @param info everything the vault stores about the asset (`ILRTVault.assetInfo`)
    /// @param live the asset in the valuation a sync would make now (buffer, outside units, price, value)
    struct AssetSummary {
        ILRTVault.AssetInfo info;
        ILRTAccountant.AssetValue live;
    }

    /// @notice The vault at a glance. ETH amounts in wei; rates in ETH per 1e18 lrETH.
    /// @param rate `vault.getRate()`
    /// @param totalAssets `vault.totalAssets()`: ETH recognised for holders, `totalSupply * rate / 1e18` rounded down
    /// @param totalSupply lrETH in existence
    /// @param pendingGains ETH owned by holders but not yet in the rate: `accountant.pendingPerShare() * totalSupply
    /// / 1e18`, rounded down
    /// @param lastSync timestamp of the last sync (0: never)
    /// @param rateExpiry `lastSync + maxRateAge` with the accountant's current `maxRateAge`: when the deposit prices of
    /// the last sync expire (0 if never synced)
    /// @param highWaterMark value per 1e18 lrETH above which the fee is taken
    /// @param slashedSinceSync EigenLayer cut one of the vault's operators' magnitudes after the last sync: the rate
    /// does not show that slash yet (`ILRTAccountant.freshness`)
    /// @param assets every asset, in `vault.assets()` order (ETH first)
    /// @param liveAssets the valuation's exact total, rounded down once
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

    /// @notice The whole TVL breakdown of `vault` in one call (see `VaultSummary`).
    /// @dev Cost is linear in assets x manager positions.
    /// @param vault the vault (lrETH) to read; the accountant and the restaking manager are read from its `links()`
    /// @return the summary (see `VaultSummary`)
    function summary(ILRTVault vault) external view returns (VaultSummary memory);
}
