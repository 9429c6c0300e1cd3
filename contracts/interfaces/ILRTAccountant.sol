// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ILRTVault} from "./ILRTVault.sol";

/// @title ILRTAccountant
/// @notice Keeps lrETH's rate. `sync()` (permissionless) values everything the vault owns: the vault's buffers,
/// every EigenLayer position through the restaking manager (slashing-aware views), each asset at its protocol price
/// bounded per unit of time (`PriceBounds`: rises at most `maxRiseBpsPerDay` per day elapsed since the last sync,
/// falls in full, a deep fall or a failing adapter trips the asset). `valuation()` shows the same valuation without
/// storing it; the lens reads it. Against the books it then finds a loss, applied to the rate at once, or a gain.
/// A gain is recognised as a *tranche* that vests linearly over `streamWindow` from the moment it is recognised,
/// whatever the sync cadence; at most two tranches vest at once (a new one starts at least half a window after the
/// previous one; a gain found earlier waits in the value, unbooked). The part of a gain above the APR bound is held
/// back for later tranches. The fee is taken only on value per share above the high-water mark and minted as lrETH
/// to the treasury. Finally it hands the vault, per asset, the price and the lrETH minted per deposited unit until
/// the next sync, priced at the *deposit rate*: the value per lrETH the sync found (the rate plus every gain still
/// pending, booked or not), rounded up. New lrETH shares in the pending gains as they vest, so a deposit pays for
/// them: it never buys below the rate before the next sync, never dilutes holders, and deposits alone never make a
/// sync find a loss. (The reported value rounds each asset down; a value per lrETH that falls below the books only
/// through that rounding, its unrounded value still covering them, is not a loss: the books stand, and the deposit
/// rate never goes below them.)
///
/// Freshness: `getRate()` moves only at a sync (and as tranches vest). `freshness()` says how old the last sync is
/// and whether EigenLayer has cut the max magnitude of one of the vault's operators since (a slash not yet in the
/// rate): lending markets and dApps should treat the rate as stale then, and anyone may `sync()`.
interface ILRTAccountant {
    /// @notice What one sync did. Rates are ETH per 1e18 lrETH.
    /// @param totalValue everything the vault owns, in ETH (wei), each asset's value rounded down
    /// @param totalSupply lrETH supply after the fee mint
    /// @param previousRate the rate just before the sync
    /// @param rate the rate just after it
    /// @param depositRate the rate deposits pay until the next sync (never below the books)
    /// @param gainStreamed the gain per 1e18 lrETH that started vesting
    /// @param gainHeldBack the gain per 1e18 lrETH held back by the APR bound
    /// @param loss the loss per 1e18 lrETH recognised at once (0: none)
    /// @param feeShares lrETH minted to the treasury
    struct SyncReport {
        uint256 totalValue;
        uint256 totalSupply;
        uint256 previousRate;
        uint256 rate;
        uint256 depositRate;
        uint256 gainStreamed;
        uint256 gainHeldBack;
        uint256 loss;
        uint256 feeShares;
    }

    /// @notice The rate books (per 1e18 lrETH) and sync times.
    /// @param base the rate without unvested gains
    /// @param amount1 the older tranche, vesting linearly from `start1` to `end1` (0: none)
    /// @param amount2 the newer tranche, vesting from `start2` to `end2` (0: none)
    /// @param start1 when the older tranche started vesting
    /// @param end1 when it is fully vested
    /// @param start2 when the newer tranche started vesting
    /// @param end2 when it is fully vested
    /// @param heldBack gains above the APR bound, waiting for later tranches
    /// @param highWaterMark value per share above which the fee is taken
    /// @param recognizedAt when a gain was last recognised (the APR bound counts from it)
    /// @param lastValue the value per share the last sync found (after the fee)
    /// @param lastSync timestamp of the last sync (0: never)
    /// @param lastSyncBlock block number of the last sync
    struct Books {
        uint256 base;
        uint256 amount1;
        uint256 start1;
        uint256 end1;
        uint256 amount2;
        uint256 start2;
        uint256 end2;
        uint256 heldBack;
        uint256 highWaterMark;
        uint256 recognizedAt;
        uint256 lastValue;
        uint256 lastSync;
        uint256 lastSyncBlock;
    }

    /// @notice One asset in a valuation.
    /// @param asset the asset (the vault's `ETH` marker for ETH)
    /// @param buffer units the vault holds
    /// @param outside units restaked or in queued EigenLayer withdrawals (slashing-aware)
    /// @param price the bounded protocol price the sync uses (ETH per 1e18 units)
    /// @param outcome what the bound did: 0 taken, 1 clamped (rose too fast), 2 tripped (fell too far), 3 the
    /// adapter failed (previous price kept, tripped)
    /// @param value `(buffer + outside) * price / 1e18`, rounded down
    struct AssetValue {
        address asset;
        uint256 buffer;
        uint256 outside;
        uint256 price;
        uint8 outcome;
        uint256 value;
    }

    /// @notice Everything the vault owns, valued as a sync values it.
    /// @param assets one entry per asset in the vault's order
    /// @param totalValue the sum of the assets' values (each rounded down)
    /// @param exact the value before that rounding, scaled by 1e18
    /// @param totalSupply lrETH in existence (before any fee the sync would mint)
    struct Valuation {
        AssetValue[] assets;
        uint256 totalValue;
        uint256 exact;
        uint256 totalSupply;
    }

    /// @notice A price rose faster than its bound and was clamped to `used`.
    /// @param asset the asset
    /// @param observed the adapter's protocol price (ETH per 1e18 accounting units)
    /// @param used the ceiling stored: the previous price raised by its bound for the time elapsed, rounded down
    event PriceClamped(address indexed asset, uint256 observed, uint256 used);
    /// @notice A price fell by more than its `maxFallBps` at one sync (applied in full; the asset is tripped).
    /// @param asset the asset
    /// @param previousPrice the price stored at the previous sync (ETH per 1e18 accounting units)
    /// @param price the new protocol price, applied in full
    event PriceTripped(address indexed asset, uint256 previousPrice, uint256 price);
    /// @notice The asset's adapter reverted or returned 0: the previous price stays and the asset is tripped.
    /// @param asset the asset
    /// @param previousPrice the price stored at the previous sync, kept (ETH per 1e18 accounting units)
    event PriceUnavailable(address indexed asset, uint256 previousPrice);
    /// @notice A sync revalued the vault.
    /// @param previousRate the rate just before the sync (ETH per 1e18 lrETH)
    /// @param rate the rate after it
    /// @param totalValue the vault's value in ETH (wei), each asset rounded down
    /// @param totalSupply lrETH in existence after the fee was minted
    event Synced(uint256 previousRate, uint256 rate, uint256 totalValue, uint256 totalSupply);
    /// @notice A sync found a loss (per 1e18 lrETH) and lowered the rate by it at once.
    /// @param lossPerShare the loss in ETH per 1e18 lrETH
    /// @param lossAssets the loss in ETH (wei): `lossPerShare` x the supply after any fee / 1e18, rounded down
    event LossRecognised(uint256 lossPerShare, uint256 lossAssets);
    /// @notice A sync found no loss (every sync emits either this or `LossRecognised`): `streamed` per 1e18 lrETH
    /// starts vesting as a new tranche and `heldBack` waits; both are zero when there was no gain to book.
    /// @param streamed the gain in ETH per 1e18 lrETH that starts vesting now (0: none)
    /// @param heldBack the gain per 1e18 lrETH above the APR bound, earlier held-back gains included, now waiting for
    /// later tranches (0 when no gain was recognised)
    event GainRecognised(uint256 streamed, uint256 heldBack);
    /// @notice The protocol fee was minted as lrETH to `treasury`.
    /// @param treasury the recipient
    /// @param shares lrETH minted, rounded down
    /// @param assets the fee in ETH (wei): fee per share times the supply before the fee / 1e18, rounded down
    event FeeMinted(address indexed treasury, uint256 shares, uint256 assets);
    /// @notice Streaming parameters changed.
    /// @param streamWindow seconds a new tranche vests over (0: gains count at once)
    /// @param maxAprBps the most one recognition may stream, in bps a year of the rate
    /// @param maxRateAge seconds one sync's deposit prices stay valid
    event StreamingUpdated(uint32 streamWindow, uint16 maxAprBps, uint32 maxRateAge);
    /// @notice Fee parameters changed.
    /// @param feeBps the fee, in bps of the value per share above the high-water mark
    /// @param treasury the recipient of the fee (lrETH)
    event FeeUpdated(uint16 feeBps, address treasury);
    /// @notice Finalized withdrawals left `forfeited` ETH (gains they gave up) to the holders who stay; the
    /// high-water mark rose by it per share, so the fee is not charged twice on value it already took its cut of.
    /// @param forfeited ETH (wei): the burned lrETH's value at the last sync's value per share (rounded down) minus
    /// what they were paid
    /// @param highWaterMark the new mark (ETH per 1e18 lrETH): up by `forfeited` per remaining lrETH, rounded up
    event HighWaterMarkRaised(uint256 forfeited, uint256 highWaterMark);

    /// @notice Only the vault's withdrawal queue may call this.
    /// @param caller the caller
    /// @param queue the vault's withdrawal queue
    error LRTAccountantOnlyWithdrawalQueue(address caller, address queue);
    /// @notice The vault has no lrETH yet: seed it first.
    /// @param vault the vault
    error LRTAccountantNotSeeded(address vault);
    /// @notice A parameter is out of range (`maxRateAge` 1 s to 7 days, `streamWindow` at most 90 days).
    /// @param streamWindow the stream window asked (seconds)
    /// @param maxRateAge the deposit-price lifetime asked (seconds)
    error LRTAccountantInvalidConfig(uint32 streamWindow, uint32 maxRateAge);
    /// @notice The fee exceeds the hard cap.
    /// @param feeBps the fee asked (bps)
    /// @param maxFeeBps the cap, `MAX_FEE_BPS` (bps)
    error LRTAccountantFeeTooHigh(uint256 feeBps, uint256 maxFeeBps);
    /// @notice A zero address.
    error LRTAccountantZeroAddress();

    /// @notice Revalues the vault, books the gain or loss, mints the fee and resets the deposit prices.
    /// @dev Cost is linear in assets and in (delegators x strategies), pending EigenLayer withdrawals included; every
    /// count is capped in the contracts (see the README's worst case).
    /// @return report what the sync did (see `SyncReport`; rates per 1e18 lrETH, values in wei)
    function sync() external returns (SyncReport memory report);

    /// @notice Called by the withdrawal queue after it burned `sharesBurned` lrETH and paid `valuePaid` ETH of value
    /// for them: raises the high-water mark by what the requests forfeited to the holders who stay.
    /// @param sharesBurned the lrETH the finalized requests locked
    /// @param valuePaid the ETH value they were paid
    function recordSettlement(uint256 sharesBurned, uint256 valuePaid) external;

    /// @notice ETH per 1e18 lrETH now: rises linearly while tranches vest, falls only at a sync that finds a loss.
    /// @return the rate, ETH per 1e18 lrETH, each tranche's vested part rounded down
    function rate() external view returns (uint256);

    /// @notice Gains owned by holders but not yet in the rate, per 1e18 lrETH: the rest of the tranches, held-back
    /// gains and gains the last sync found but did not book yet.
    /// @return ETH per 1e18 lrETH: the higher of the last sync's value per share and the books, less the rate now
    function pendingPerShare() external view returns (uint256);

    /// @notice How fresh the rate is: seconds since the last sync, and whether EigenLayer cut the max magnitude of
    /// one of the vault's operators (for any strategy the vault restakes) after the block before the last sync. When
    /// `slashedSinceSync` is true the rate still shows the value before a slash: call `sync()` (permissionless).
    /// @dev Costs two AllocationManager reads per delegator (made by the restaking manager); false without one.
    /// @return age seconds since the last sync (the block timestamp itself if never synced)
    /// @return slashedSinceSync whether a cut happened (false without a restaking manager or before the first sync)
    function freshness() external view returns (uint256 age, bool slashedSinceSync);

    /// @notice The books.
    /// @return the books (rates ETH per 1e18 lrETH, times as timestamps)
    function books() external view returns (Books memory);

    /// @notice Everything the vault owns, valued now exactly as a sync would value it (prices bounded against the
    /// last sync), without storing anything. The sync uses the same computation.
    /// @return the valuation: per asset its buffer, outside units, bounded price and value, then the totals
    function valuation() external view returns (Valuation memory);

    /// @notice Stream window, APR bound, deposit-price lifetime, fee and treasury.
    /// @return streamWindow seconds a new tranche vests over (0: gains count at once)
    /// @return maxAprBps the most one recognition may stream, in bps a year of the rate since the previous one
    /// @return maxRateAge seconds one sync's deposit prices stay valid
    /// @return feeBps the fee, in bps of the value per share above the high-water mark
    /// @return treasury the recipient of the fee (lrETH)
    function parameters()
        external
        view
        returns (uint32 streamWindow, uint16 maxAprBps, uint32 maxRateAge, uint16 feeBps, address treasury);

    /// @notice The vault whose rate this keeps, its restaking manager (zero: none) and its withdrawal queue, fixed at
    /// deployment.
    /// @return vault the vault (lrETH)
    /// @return manager the restaking manager (zero: none)
    /// @return queue the withdrawal queue
    function links() external view returns (ILRTVault vault, address manager, address queue);

    /// @notice Sets the stream window (at most 90 days; 0: gains count at once), the APR bound on the gain one
    /// recognition may stream, and how long one sync's deposit prices stay valid (1 second to 7 days) (admin).
    /// Tranches already vesting keep their windows.
    /// @param streamWindow seconds a new tranche vests over, at most 90 days (0: gains count at once)
    /// @param maxAprBps the most one recognition may stream, in bps a year of the rate
    /// @param maxRateAge seconds one sync's deposit prices stay valid, 1 second to 7 days
    function setStreaming(uint32 streamWindow, uint16 maxAprBps, uint32 maxRateAge) external;

    /// @notice Sets the protocol fee (at most `MAX_FEE_BPS`) and the treasury that receives it (admin).
    /// @param feeBps the fee, in bps of the value per share above the high-water mark (at most `MAX_FEE_BPS`)
    /// @param treasury the recipient of the fee, as lrETH (not zero)
    function setFee(uint16 feeBps, address treasury) external;
}
