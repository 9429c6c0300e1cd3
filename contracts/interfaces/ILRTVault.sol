// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IPriceAdapter} from "./IPriceAdapter.sol";
import {IStrategy} from "./external/eigenlayer/IStrategy.sol";

/// @title ILRTVault
/// @notice lrt-vault's vault. The vault IS lrETH: an ERC-20 (with ERC-2612 permit, 18 decimals) whose value per
/// token, the *rate*, tracks everything the vault owns as EigenLayer itself values it (kept by `ILRTAccountant`).
/// It is also the one home of every fact about an asset: its index, whether it counts in Lido shares, its price
/// adapter and price bounds, its EigenLayer strategy, its cap and minimum, its buffer and the price of the last sync.
/// The accountant, the withdrawal queue and the restaking manager read these records; nothing copies them.
///
/// Deposits are O(1): no loop, no EigenLayer call. Each sync stores, per asset, the lrETH minted per deposited
/// accounting unit until the next sync, priced at the deposit rate (the value per lrETH that sync found, pending
/// gains included, rounded up), so a deposit never buys below the rate before the next sync and cannot capture gains
/// earned before it. An LST deposit also reads the token's live price through its adapter (one call: the token's own
/// rate and, where configured, its Chainlink market price) and is priced at the lowest of the price stored at the last
/// sync, the live protocol price and the market price: never above what the token is worth now. Deposits revert once
/// the prices expire (`maxRateAge` after the last sync; anyone may sync) and while an LST's market feed is stale.
/// Every conversion rounds down, in the vault's favour.
///
/// Buffers are internal accounting: tokens sent to the vault outside a deposit (donations) are never counted.
/// Accounting units: ETH and WETH in wei, rETH/cbETH/wstETH in token units, stETH in Lido shares (its balances
/// rebase). Caps bound net deposits: deposits use the headroom, payouts of finalized withdrawals give it back;
/// yields, rewards and slashes do not move it.
interface ILRTVault is IERC20 {
    /// @notice How a new asset is configured.
    /// @param cap the most units that may be deposited net of payouts
    /// @param minDeposit smallest deposit, in token units (stored with 1 gwei granularity, rounded up)
    /// @param lidoShares whether the asset is stETH-like (balances rebase; accounted in shares; 2 wei shortfall)
    /// @param adapter prices the asset (its `asset()` must be the asset)
    /// @param maxRiseBpsPerDay the most its stored price may rise per day elapsed between syncs (at most 1,000)
    /// @param maxFallBps a fall deeper than this at one sync trips the asset (1 to 10,000)
    struct AssetParams {
        uint96 cap;
        uint64 minDeposit;
        bool lidoShares;
        IPriceAdapter adapter;
        uint16 maxRiseBpsPerDay;
        uint16 maxFallBps;
    }

    /// @notice What the withdrawal queue needs to take a request in `asset`.
    /// @param known whether the vault lists the asset
    /// @param lidoShares whether it is accounted in Lido shares (paid out with `transferShares`)
    /// @param adapter its price adapter (zero for ETH)
    /// @param price the price stored at the last sync
    /// @param buffer units the vault holds
    /// @param outside units restaked or in queued EigenLayer withdrawals (see `AssetInfo.outsideUnits`)
    struct Route {
        bool known;
        bool lidoShares;
        address adapter;
        uint256 price;
        uint256 buffer;
        uint256 outside;
    }

    /// @notice What a sync reads about one asset.
    /// @param asset the asset (the `ETH` marker for ETH)
    /// @param adapter its price adapter (zero for ETH)
    /// @param price the price stored at the last sync (1e18 for ETH)
    /// @param buffer units the vault holds
    /// @param maxRiseBpsPerDay its price's daily rise bound
    /// @param maxFallBps its price's trip depth
    struct SyncInput {
        address asset;
        address adapter;
        uint256 price;
        uint256 buffer;
        uint256 maxRiseBpsPerDay;
        uint256 maxFallBps;
    }

    /// @notice Everything the vault stores about one asset.
    /// @param index the asset's position in `assets()` (ETH is 0)
    /// @param adapter the asset's price adapter (zero for ETH)
    /// @param price ETH per 1e18 units stored at the last sync (1e18 for ETH)
    /// @param maxRiseBpsPerDay its price's daily rise bound
    /// @param maxFallBps its price's trip depth
    /// @param strategy its EigenLayer strategy (zero: not restaked)
    /// @param outsideUnits units restaked or in queued EigenLayer withdrawals, as of the last sync and moved since by
    /// restaking and completed withdrawals (a slash shows at the next sync)
    /// @param bufferUnits held by the vault, in accounting units
    /// @param sharesPerUnit lrETH minted per 1e18 units deposited at the stored price (0 before the first sync)
    /// @param headroom units that may still be deposited before the cap (net of payouts)
    /// @param cap the most units deposits may bring in, net of payouts
    /// @param minDeposit the smallest deposit (token units)
    /// @param lidoShares whether units are Lido shares (stETH)
    /// @param paused deposits of the asset (or of every asset) are paused by an admin
    /// @param depositsOpen a deposit could succeed now: priced, not paused, not tripped, not expired
    /// @param expiry deposits of the asset revert after this timestamp until the next sync
    /// @param tripped a sync saw its price fall beyond its bound (or its adapter fail); deposits halted until cleared
    struct AssetInfo {
        uint256 index;
        address adapter;
        uint256 price;
        uint256 maxRiseBpsPerDay;
        uint256 maxFallBps;
        address strategy;
        uint256 outsideUnits;
        uint256 bufferUnits;
        uint256 sharesPerUnit;
        uint256 headroom;
        uint256 cap;
        uint256 minDeposit;
        uint64 expiry;
        bool lidoShares;
        bool paused;
        bool tripped;
        bool depositsOpen;
    }

    /// @notice What a sync hands the vault, per asset in `assets()` order.
    /// @param feeShares lrETH the vault mints to `treasury` (the protocol fee)
    /// @param treasury the fee's recipient
    /// @param expiry deposits revert after this timestamp until the next sync
    /// @param sharesPerUnit lrETH per 1e18 units at the deposit rate, rounded down (0 closes the asset's deposits)
    /// @param tripped whether the asset's price fell beyond its bound or could not be read (deposits halt)
    /// @param prices the bounded protocol price of each asset (ETH per 1e18 units), stored when it moved
    /// @param outsideUnits restaked + queued units the sync found, stored when they moved
    struct SyncUpdate {
        uint256 feeShares;
        address treasury;
        uint64 expiry;
        uint256[] prices;
        uint256[] sharesPerUnit;
        uint256[] outsideUnits;
        bool[] tripped;
    }

    /// @notice A deposit of `amount` of `asset` (token units; wei for ETH) minted `shares` lrETH to `receiver`.
    /// @dev The depositor is the transaction's `from` (or the calling contract); `referralId` attributes deposits
    /// made through routers. Kept to two topics and three words: every byte here is paid on every deposit.
    /// @param receiver who got the lrETH
    /// @param asset the asset (the `ETH` marker for ETH)
    /// @param amount the amount deposited, in token units (wei for ETH; stETH: its balance units)
    /// @param shares the lrETH minted
    /// @param referralId the depositor's referral number, as given
    event Deposit(address indexed receiver, address indexed asset, uint256 amount, uint256 shares, uint256 referralId);
    /// @notice An asset was added.
    /// @param asset the asset (the `ETH` marker for ETH)
    /// @param index its position in `assets()`
    /// @param params its configuration, as given
    event AssetAdded(address indexed asset, uint256 index, AssetParams params);
    /// @notice An asset's cap or minimum changed.
    /// @param asset the asset
    /// @param cap the new cap, in accounting units (wei for ETH; stETH: Lido shares), net of payouts
    /// @param minDeposit the new minimum deposit in token units, as given (stored rounded up to 1 gwei granularity)
    event AssetLimitsUpdated(address indexed asset, uint96 cap, uint64 minDeposit);
    /// @notice An asset's price adapter was replaced.
    /// @param asset the LST
    /// @param adapter the new adapter
    event AdapterUpdated(address indexed asset, IPriceAdapter adapter);
    /// @notice An asset's price bounds changed.
    /// @param asset the LST
    /// @param maxRiseBpsPerDay the most its stored price may rise per day elapsed between syncs (bps)
    /// @param maxFallBps a fall deeper than this at one sync trips it (bps)
    event BoundsUpdated(address indexed asset, uint16 maxRiseBpsPerDay, uint16 maxFallBps);
    /// @notice An asset now restakes into `strategy` (zero: no longer restaked).
    /// @param asset the LST
    /// @param strategy its EigenLayer strategy (zero: none)
    event StrategySet(address indexed asset, IStrategy indexed strategy);
    /// @notice Deposits of `asset` (or all, when `asset` is zero) paused or resumed.
    /// @param asset the asset (zero: the vault-wide pause)
    /// @param paused true if paused, false if resumed
    event DepositsPaused(address indexed asset, bool paused);
    /// @notice A sync saw the asset's price fall beyond its bound (or its adapter fail): deposits of it halted.
    /// @param asset the asset
    event DepositsTripped(address indexed asset);
    /// @notice A price trip on `asset` was cleared by an admin.
    /// @param asset the asset
    event PriceTripCleared(address indexed asset);
    /// @notice New deposit prices from a sync, valid until `expiry`.
    /// @param expiry the timestamp after which deposits revert until the next sync
    event DepositPricesUpdated(uint64 expiry);
    /// @notice Finalized withdrawals took `units` of `asset` from the buffer to the queue.
    /// @param asset the asset
    /// @param units the accounting units (wei for ETH; stETH: Lido shares) sent to the queue
    event BufferSettled(address indexed asset, uint256 units);
    /// @notice The restaking manager moved buffer units to a delegator.
    /// @param asset the LST
    /// @param to the delegator that restakes them
    /// @param units accounting units (stETH: Lido shares) sent
    event BufferReleased(address indexed asset, address indexed to, uint256 units);
    /// @notice Units arrived in the buffer from a delegator or the manager: a completed withdrawal (`fromPosition`,
    /// the units leave the restaked/queued side) or rewards.
    /// @param asset the LST
    /// @param from the delegator (a completed withdrawal) or the restaking manager (rewards)
    /// @param units the accounting units (stETH: Lido shares) that arrived
    /// @param fromPosition whether they came back from EigenLayer (they left `outsideUnits`)
    event BufferAbsorbed(address indexed asset, address indexed from, uint256 units, bool fromPosition);
    /// @notice Buffer units of a wrapped-ETH token were redeemed 1:1 for ETH, which joined ETH's buffer.
    /// @param asset the wrapped-ETH token (WETH)
    /// @param amount the tokens redeemed, equal to the wei that arrived
    event Unwrapped(address indexed asset, uint256 amount);
    /// @notice The vault was seeded: `shares` lrETH minted to the dead address, never redeemable.
    /// @param assets the seed, in ETH (wei)
    /// @param shares the lrETH minted to the dead address (equal to `assets`: the rate is 1)
    event Seeded(uint256 assets, uint256 shares);

    /// @notice The asset is not supported (or ETH sent to the LST entry point).
    /// @param asset the asset
    error LRTVaultUnsupportedAsset(address asset);
    /// @notice A zero amount of `asset`.
    /// @param asset the asset (also raised for a zero minimum deposit and zero buffer moves)
    error LRTVaultZeroAmount(address asset);
    /// @notice A zero address where one is required.
    error LRTVaultZeroAddress();
    /// @notice The deposit is below the asset's minimum.
    /// @param asset the asset
    /// @param amount the amount, in token units (wei for ETH; stETH: its balance units)
    /// @param minimum the asset's minimum deposit in token units (for the seed: `MIN_SEED` wei)
    error LRTVaultBelowMinimum(address asset, uint256 amount, uint256 minimum);
    /// @notice The deposit would take the asset above its cap.
    /// @param asset the asset
    /// @param units the accounting units (wei for ETH; stETH: Lido shares) the deposit would add
    /// @param headroom the units the cap still allows
    error LRTVaultCapExceeded(address asset, uint256 units, uint256 headroom);
    /// @notice Fewer shares than the caller's bound (or zero).
    /// @param shares the lrETH the deposit would mint
    /// @param minShares the caller's bound
    error LRTVaultSlippage(uint256 shares, uint256 minShares);
    /// @notice Deposits of the asset are paused (or halted by a price trip).
    /// @param asset the asset
    error LRTVaultDepositsPaused(address asset);
    /// @notice The stored deposit prices expired at `expiry`; call `sync()` on the accountant.
    /// @param expiry the timestamp after which the stored deposit prices are void
    error LRTVaultRateStale(uint256 expiry);
    /// @notice The token delivered less than asked (beyond stETH's 2 wei).
    /// @param asset the token
    /// @param expected the token amount asked
    /// @param received the token amount that arrived (stETH: the Lido shares received, in stETH, rounded down)
    error LRTVaultShortDelivery(address asset, uint256 expected, uint256 received);
    /// @notice `caller` is not the linked contract allowed to call this (`expected`).
    /// @param caller the caller
    /// @param expected the linked contract (accountant, withdrawal queue or restaking manager)
    error LRTVaultUnauthorized(address caller, address expected);
    /// @notice The asset is already supported.
    /// @param asset the asset
    error LRTVaultAssetExists(address asset);
    /// @notice The setter would not change anything about `asset` (zero: the vault-wide pause).
    /// @param asset the asset (zero: the vault-wide pause)
    error LRTVaultNoChange(address asset);
    /// @notice The vault must be seeded first.
    error LRTVaultNotSeeded();
    /// @notice The vault was already seeded (`supply` lrETH exist).
    /// @param supply the lrETH in existence
    error LRTVaultAlreadySeeded(uint256 supply);
    /// @notice The buffer holds fewer units than asked.
    /// @param asset the asset
    /// @param units the accounting units (wei for ETH; stETH: Lido shares) asked
    /// @param buffer the units the vault holds
    error LRTVaultInsufficientBuffer(address asset, uint256 units, uint256 buffer);
    /// @notice Restaking `units` would take buffer the withdrawal queue has promised to pending requests: only
    /// `free` units are above their liability.
    /// @param asset the LST
    /// @param units the accounting units asked
    /// @param free the buffer above the withdrawal queue's liability for the asset (0 if none)
    error LRTVaultBufferReserved(address asset, uint256 units, uint256 free);
    /// @notice The asset's Chainlink market feed is stale or broken (see `IPriceAdapter.quote`): deposits of it wait
    /// until the feed updates.
    /// @param asset the LST
    error LRTVaultMarketPriceUnavailable(address asset);
    /// @notice The adapter prices another token (or is zero).
    /// @param asset the LST
    /// @param adapter the adapter refused
    error LRTVaultInvalidAdapter(address asset, IPriceAdapter adapter);
    /// @notice A price bound is out of range: the daily rise at most 1,000 bps, the fall trip 1 to 10,000 bps.
    /// @param asset the LST
    /// @param maxRiseBpsPerDay the daily rise bound asked (bps)
    /// @param maxFallBps the fall trip asked (bps)
    error LRTVaultInvalidBounds(address asset, uint16 maxRiseBpsPerDay, uint16 maxFallBps);
    /// @notice More than `max` assets (or, for strategies, more than `max` assets restaked).
    /// @param max the limit: `MAX_ASSETS` (8) or, for strategies, 4
    error LRTVaultTooMany(uint256 max);
    /// @notice The strategy's underlying token is not the asset, or the strategy has no code; for ETH, a strategy
    /// other than EigenLayer's beacon chain ETH strategy.
    /// @param asset the asset
    /// @param strategy the strategy refused
    error LRTVaultStrategyMismatch(address asset, IStrategy strategy);
    /// @notice The asset's current strategy still holds shares or queued withdrawals of a delegator: replacing it
    /// would drop them from the valuation.
    /// @param asset the LST
    /// @param strategy its current strategy
    error LRTVaultStrategyInUse(address asset, IStrategy strategy);
    /// @notice A sync update's lists do not have one entry per asset (`expected`).
    /// @param expected the entries each list must have (the vault's asset count; for a settlement, `assets.length`)
    error LRTVaultBadUpdate(uint256 expected);
    /// @notice `unwrap` asked for a token the vault does not value at exactly 1 ETH per unit (ETH itself, a Lido-shares
    /// token, or a stored price other than 1e18): redeeming it 1:1 would move the rate.
    /// @param asset the token refused
    /// @param price its stored price (ETH per unit, 1e18 scale; 0 if it is not listed)
    error LRTVaultNotParity(address asset, uint256 price);
    /// @notice ETH arrived from someone other than the token `unwrap` is redeeming, or outside that call: the vault
    /// refuses it rather than strand it (it would not be booked).
    /// @param sender who sent it
    error LRTVaultUnexpectedETH(address sender);
    /// @notice `absorbFromDelegator` was sent the wrong ETH: exactly the amount for ETH, none for a token.
    /// @param expected the ETH it must carry
    /// @param sent the ETH it carried
    error LRTVaultValueMismatch(uint256 expected, uint256 sent);

    /* ----------------------------------------------------------------------------------------------------------- */
    /*                                                 DEPOSITS                                                     */
    /* ----------------------------------------------------------------------------------------------------------- */

    /// @notice Deposits `msg.value` ETH and mints lrETH to `receiver` at the stored deposit price, rounded down.
    /// @dev Reverts `LRTVaultZeroAmount`, `ERC20InvalidReceiver` (zero receiver), `LRTVaultBelowMinimum`,
    /// `LRTVaultCapExceeded`, `LRTVaultSlippage`, `LRTVaultDepositsPaused`, `LRTVaultRateStale`; changes nothing then.
    /// @param receiver who gets the lrETH
    /// @param minShares the least lrETH the caller accepts
    /// @param referralId any number, echoed in the `Deposit` event
    /// @return shares the lrETH minted
    function depositETH(
        address receiver,
        uint256 minShares,
        uint256 referralId
    ) external payable returns (uint256 shares);

    /// @notice Pulls `amount` of `asset` (approve first) and mints lrETH to `receiver`, rounded down, at the lowest
    /// of the price stored at the last sync, the live protocol price and the market price (the adapter's `quote`).
    /// @dev Mints for the units that actually arrived; reverts `LRTVaultShortDelivery` if fewer arrived than asked
    /// (stETH: beyond 2 wei), `LRTVaultMarketPriceUnavailable` while the market feed is stale. Other reverts as
    /// `depositETH`, plus `LRTVaultUnsupportedAsset`.
    /// @param asset the token
    /// @param amount token units (stETH: its balance units)
    /// @param receiver who gets the lrETH
    /// @param minShares the least lrETH the caller accepts
    /// @param referralId any number, echoed in the `Deposit` event
    /// @return shares the lrETH minted
    function depositLST(
        address asset,
        uint256 amount,
        address receiver,
        uint256 minShares,
        uint256 referralId
    ) external returns (uint256 shares);

    /* ----------------------------------------------------------------------------------------------------------- */
    /*                                                   VIEWS                                                      */
    /* ----------------------------------------------------------------------------------------------------------- */

    /// @notice ETH per 1e18 lrETH now (the rate-provider value AMMs and lending markets read).
    /// @return the rate, ETH per 1e18 lrETH (`ILRTAccountant.rate()`), rounded down
    function getRate() external view returns (uint256);

    /// @notice ETH recognised for holders now: `totalSupply() * getRate() / 1e18`, rounded down.
    /// @return ETH (wei) recognised for holders, rounded down
    function totalAssets() external view returns (uint256);

    /// @notice lrETH worth `assets` ETH at `getRate()`, rounded down.
    /// @param assets an amount of ETH (wei)
    /// @return lrETH, rounded down
    function convertToShares(uint256 assets) external view returns (uint256);

    /// @notice ETH worth `shares` lrETH at `getRate()`, rounded down.
    /// @param shares an amount of lrETH
    /// @return ETH (wei), rounded down
    function convertToAssets(uint256 shares) external view returns (uint256);

    /// @notice lrETH a deposit of `amount` of `asset` (the `ETH` marker for ETH) mints now; 0 if it would revert
    /// for a reason other than slippage. stETH: exact up to the token's own share rounding.
    /// @param asset the asset (the `ETH` marker for ETH)
    /// @param amount the amount to deposit, in token units (wei for ETH; stETH: its balance units)
    /// @return lrETH the deposit would mint, rounded down (0 if it would revert, slippage aside)
    function previewDeposit(address asset, uint256 amount) external view returns (uint256);

    /// @notice Supported assets, ETH (the `ETH` marker) first; an asset's position is its index.
    /// @return every supported asset, in index order
    function assets() external view returns (address[] memory);

    /// @notice Everything the vault stores about `asset`.
    /// @param asset a listed asset (the `ETH` marker for ETH); reverts `LRTVaultUnsupportedAsset` otherwise
    /// @return its record (see `AssetInfo`)
    function assetInfo(address asset) external view returns (AssetInfo memory);

    /// @notice What a sync reads, one entry per asset in `assets()` order.
    /// @return one `SyncInput` per asset (buffer in accounting units, price in ETH per 1e18 units)
    function syncInputs() external view returns (SyncInput[] memory);

    /// @notice What the withdrawal queue reads to take a request in `asset` (`known` false for an unlisted asset).
    /// @param asset the asset a request would be paid in (the `ETH` marker for ETH)
    /// @return its route (see `Route`; all zero when the asset is not listed)
    function route(address asset) external view returns (Route memory);

    /// @notice `asset`'s price adapter and the price stored at the last sync (ETH per 1e18 units; 1e18 for ETH, whose
    /// adapter is zero). Reverts `LRTVaultUnsupportedAsset` for an unknown asset.
    /// @param asset a listed asset (the `ETH` marker for ETH)
    /// @return adapter its price adapter (zero for ETH)
    /// @return price the price stored at the last sync, ETH per 1e18 accounting units (0 for an LST never synced)
    function priceOf(address asset) external view returns (IPriceAdapter adapter, uint256 price);

    /// @notice The assets that restake and their strategies, in `assets()` order, with each asset's index.
    /// @return restaked the assets that restake
    /// @return strategyList their EigenLayer strategies, in the same order
    /// @return indexes their positions in `assets()`
    /// @return adapters their price adapters (which convert strategy tokens into accounting units)
    function strategies()
        external
        view
        returns (
            address[] memory restaked,
            address[] memory strategyList,
            uint256[] memory indexes,
            address[] memory adapters
        );

    /// @notice The strategy `asset` restakes into (zero: none).
    /// @param asset any address
    /// @return its EigenLayer strategy (zero: none, or not listed)
    function strategyOf(address asset) external view returns (IStrategy);

    /// @notice Whether `token` is a supported asset other than ETH.
    /// @param token any address
    /// @return true if `token` is listed and is not the `ETH` marker
    function isAsset(address token) external view returns (bool);

    /// @notice The marker address used for ETH.
    /// @return the marker, `0xEeeeeEeeeEeEeeEeEeEeeEEEeeeeEeeeeeeeEEeE`
    function ETH() external view returns (address);

    /// @notice The suite's accountant, restaking manager (zero: none) and withdrawal queue, fixed at deployment.
    /// @return accountant the accountant
    /// @return restakingManager the restaking manager (zero: none)
    /// @return withdrawalQueue the withdrawal queue
    function links() external view returns (address accountant, address restakingManager, address withdrawalQueue);

    /* ----------------------------------------------------------------------------------------------------------- */
    /*                                             LINKED CONTRACTS                                                 */
    /* ----------------------------------------------------------------------------------------------------------- */

    /// @notice Applies a sync: mints the fee, stores the deposit prices and expiry, the prices and outside units that
    /// moved, and trips (accountant only).
    /// @param update one entry per asset in `assets()` order
    function applySync(SyncUpdate calldata update) external;

    /// @notice Moves `units[i]` of `assets[i]` from the buffer to the withdrawal queue, gives the headroom back, and
    /// burns `sharesToBurn` lrETH the queue holds (withdrawal queue only, at finalization).
    /// @param assets the assets paid (every asset, in `assets()` order)
    /// @param units the units of each
    /// @param sharesToBurn the lrETH the finalized requests locked
    function settleWithdrawals(address[] calldata assets, uint256[] calldata units, uint256 sharesToBurn) external;

    /// @notice Redeems `amount` of a wrapped-ETH token (WETH9's `withdraw`) from its buffer for ETH in ETH's buffer,
    /// so that it can be staked in validators (restricted: the keeper). Value-neutral: the token must be valued at
    /// exactly 1 ETH per unit (`LRTVaultNotParity`) and exactly `amount` wei must arrive for exactly `amount` tokens
    /// (`LRTVaultShortDelivery`). Never takes buffer the withdrawal queue has promised to pending requests of the token
    /// (`LRTVaultBufferReserved`). ETH's cap is not checked: the ETH already counted in the vault's value. WETH9 pays
    /// with a 2,300-gas `transfer`: enough, because the vault's proxy and implementation are already warm in this
    /// call and `receive` only compares the sender with a transient slot (tested with a WETH9-faithful stand-in).
    /// @param asset the wrapped-ETH token (WETH)
    /// @param amount tokens to redeem (wei)
    function unwrap(address asset, uint256 amount) external;

    /// @notice Sends `units` of `asset` from the buffer to `delegator` (restaking manager only): LSTs to restake,
    /// ETH (32 per validator) to stake. Never takes buffer the withdrawal queue has promised to pending requests of the
    /// asset (`LRTVaultBufferReserved`).
    /// @param asset a listed asset
    /// @param units accounting units
    /// @param delegator the manager's delegator that restakes them
    function releaseToDelegator(address asset, uint256 units, address delegator) external;

    /// @notice Pulls `tokenAmount` of `asset` from `from` (which approved the vault) into the buffer (restaking
    /// manager only); ETH comes with the call instead (`msg.value` must be exactly `tokenAmount`, and zero for a
    /// token: `LRTVaultValueMismatch`). `fromPosition`: the units come back from EigenLayer (a completed withdrawal),
    /// so they leave `outsideUnits`; rewards arrive with it false.
    /// @param asset a listed asset
    /// @param tokenAmount the token amount to pull (stETH: balance units; ETH: wei sent with the call)
    /// @param from the delegator or the manager (rewards)
    /// @param fromPosition whether the units come back from a restaked or queued position
    /// @return units the accounting units that arrived
    function absorbFromDelegator(
        address asset,
        uint256 tokenAmount,
        address from,
        bool fromPosition
    ) external payable returns (uint256 units);

    /* ----------------------------------------------------------------------------------------------------------- */
    /*                                                  ADMIN                                                       */
    /* ----------------------------------------------------------------------------------------------------------- */

    /// @notice Mints the first lrETH (for `msg.value` ETH at rate 1) to the dead address; required once before
    /// deposits open (admin). The seed keeps the supply non-zero forever, so no empty-vault inflation is possible.
    function seed() external payable;

    /// @notice Lists `asset` with its cap, minimum, adapter and price bounds (admin); deposits open at the next
    /// sync. At most `MAX_ASSETS`.
    /// @param asset the token (ETH is listed at initialization)
    /// @param params its cap, minimum deposit, Lido-share flag, adapter and price bounds
    function addAsset(address asset, AssetParams calldata params) external;

    /// @notice Replaces an LST's price adapter (admin). The stored price stays; the next sync bounds the new
    /// adapter's first price against it.
    /// @param asset a listed LST
    /// @param adapter the new adapter: its `asset()` must be `asset`, and it must differ from the current one
    function setAdapter(address asset, IPriceAdapter adapter) external;

    /// @notice Sets an LST's price bounds (admin).
    /// @param asset a listed LST
    /// @param maxRiseBpsPerDay the most its stored price may rise per day elapsed between syncs, at most 1,000 bps
    /// @param maxFallBps a fall deeper than this at one sync trips it, 1 to 10,000 bps
    function setBounds(address asset, uint16 maxRiseBpsPerDay, uint16 maxFallBps) external;

    /// @notice Sets the EigenLayer strategy `asset` restakes into (admin). Its underlying token must be the asset;
    /// ETH's is EigenLayer's beacon chain ETH strategy (native restaking: validators behind the delegators' pods).
    /// Replacing a strategy needs the restaking manager to hold nothing in the old one. At most 4 assets restake.
    /// @param asset a listed asset
    /// @param strategy its EigenLayer strategy (zero: stop restaking the asset)
    function setStrategy(address asset, IStrategy strategy) external;

    /// @notice Changes an asset's cap and minimum deposit (admin).
    /// @param asset a listed asset (the `ETH` marker for ETH)
    /// @param cap the most accounting units (wei for ETH; stETH: Lido shares) that may be deposited net of payouts
    /// @param minDeposit the smallest deposit in token units, not zero (stored rounded up to 1 gwei granularity)
    function setAssetLimits(address asset, uint96 cap, uint64 minDeposit) external;

    /// @notice Pauses deposits of `asset`, or of every asset when `asset` is zero (pauser).
    /// @param asset a listed asset, or zero for all
    function pauseDeposits(address asset) external;

    /// @notice Resumes deposits of `asset`, or of every asset when `asset` is zero (admin; all needs a seed).
    /// @param asset a listed asset, or zero for all
    function unpauseDeposits(address asset) external;

    /// @notice Re-opens deposits of an asset after a price trip (admin, after review). Reverts
    /// `LRTVaultUnsupportedAsset` for an unlisted asset and `LRTVaultNoChange` for one not tripped.
    /// @param asset the tripped asset
    function clearPriceTrip(address asset) external;
}
