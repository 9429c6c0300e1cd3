// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ILRTVault} from "./ILRTVault.sol";
import {ILRTAccountant} from "./ILRTAccountant.sol";
import {IRestakingManager} from "./IRestakingManager.sol";
import {IWithdrawalQueue} from "./IWithdrawalQueue.sol";

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

    /// @notice Why a deposit would fail, in the order the vault checks (the first that applies), or `Ok`.
    /// @dev Ok: it would mint `shares`. ZeroAmount: `amount` is 0 (`LRTVaultZeroAmount`). UnsupportedAsset: not
    /// listed, or listed but not yet priced by a sync (`LRTVaultUnsupportedAsset`). DepositsPaused: paused for the
    /// asset or for all (`LRTVaultDepositsPaused`). PriceTripped: its price fell past the bound at a sync; deposits of
    /// it wait for an admin (`LRTVaultDepositsPaused`). RateStale: the deposit prices of the last sync expired; anyone
    /// may sync (`LRTVaultRateStale`). BelowMinimum: under the asset's minimum (`LRTVaultBelowMinimum`). CapExceeded:
    /// above the asset's headroom (`LRTVaultCapExceeded`). MarketPriceUnavailable: the asset's Chainlink feed is
    /// stale or broken (`LRTVaultMarketPriceUnavailable`). ZeroShares: so small it mints no lrETH (`LRTVaultSlippage`).
    enum DepositCheck {
        Ok,
        ZeroAmount,
        UnsupportedAsset,
        DepositsPaused,
        PriceTripped,
        RateStale,
        BelowMinimum,
        CapExceeded,
        MarketPriceUnavailable,
        ZeroShares
    }

    /// @notice A withdrawal request with what it is expected to pay.
    /// @param requestId the request
    /// @param request the queue's record (`IWithdrawalQueue.getRequest`)
    /// @param owner who holds the request NFT and may claim (zero once claimed or re-denominated: the NFT is burned)
    /// @param expectedUnits pending: what finalizing it now would pay, in accounting units (stETH: Lido shares), at
    /// the current rate and payout price (finalize syncs first: a loss not yet synced lowers it; a rise of the asset's
    /// price lowers the units, never the value); finalized or claimed: the payout; re-denominated: 0
    /// @param expectedTokens `expectedUnits` in the asset's own token units (stETH: Lido shares converted to stETH,
    /// rounded down; wei for ETH)
    /// @param expectedValue the ETH (wei) value of `expectedUnits` as the queue books it
    /// @param payoutPrice pending: ETH per 1e18 units a payout is priced at now (the highest of the stored, live
    /// protocol and market prices; 1e18 for ETH); otherwise 0
    /// @param claimable finalized and not claimed: `claim` pays it now
    struct RequestView {
        uint256 requestId;
        IWithdrawalQueue.Request request;
        address owner;
        uint256 expectedUnits;
        uint256 expectedTokens;
        uint256 expectedValue;
        uint256 payoutPrice;
        bool claimable;
    }

    /// @notice Every address of a deployment an integrator needs, read from the chain.
    /// @param vault the vault (lrETH)
    /// @param accountant the accountant (`sync`, the rate's books)
    /// @param withdrawalQueue the withdrawal queue (request NFTs)
    /// @param restakingManager the restaking manager (zero without a restaking side)
    /// @param accessManager the OpenZeppelin AccessManager every contract defers to
    /// @param lens this lens
    /// @param strategyManager EigenLayer's StrategyManager (zero without a restaking side)
    /// @param delegationManager EigenLayer's DelegationManager (zero without a restaking side)
    /// @param rewardsCoordinator EigenLayer's RewardsCoordinator (zero without a restaking side)
    /// @param assets the vault's assets in `vault.assets()` order (the `ETH` marker first)
    /// @param adapters each asset's price adapter (zero for ETH)
    /// @param strategies each asset's EigenLayer strategy (zero if not restaked; the beacon chain ETH strategy for ETH
    /// restaked natively)
    struct AddressBook {
        address vault;
        address accountant;
        address withdrawalQueue;
        address restakingManager;
        address accessManager;
        address lens;
        address strategyManager;
        address delegationManager;
        address rewardsCoordinator;
        address[] assets;
        address[] adapters;
        address[] strategies;
    }

    /// @notice The whole TVL breakdown of `vault` in one call (see `VaultSummary`).
    /// @dev Cost is linear in assets x manager positions.
    /// @param vault the vault (lrETH) to read; the accountant and the restaking manager are read from its `links()`
    /// @return the summary (see `VaultSummary`)
    function summary(ILRTVault vault) external view returns (VaultSummary memory);

    /// @notice What a deposit of `amount` of `asset` would mint now and, if it would fail, why (`DepositCheck`, the
    /// first failing check in the vault's order). `shares` equals `vault.previewDeposit` whenever `check` is `Ok`.
    /// @param vault the vault
    /// @param asset the asset (the vault's `ETH` marker for ETH)
    /// @param amount in the asset's token units (wei for ETH; stETH: its balance units)
    /// @return shares lrETH it would mint, rounded down (0 unless `check` is `Ok`)
    /// @return check `Ok` or the reason it would revert (slippage aside: that depends on the caller's `minShares`)
    function previewDeposit(
        ILRTVault vault,
        address asset,
        uint256 amount
    ) external view returns (uint256 shares, DepositCheck check);

    /// @notice A withdrawal request of `vault`'s queue and what it is expected to pay (see `RequestView`). Reverts
    /// `WithdrawalQueueUnknownRequest` for an id the queue never issued.
    /// @param vault the vault (its queue is read from `links()`)
    /// @param requestId the request
    /// @return the request and its expected payout
    function requestView(ILRTVault vault, uint256 requestId) external view returns (RequestView memory);

    /// @notice Every address of `vault`'s deployment (see `AddressBook`).
    /// @param vault the vault
    /// @return book the addresses
    function addressBook(ILRTVault vault) external view returns (AddressBook memory book);
}
