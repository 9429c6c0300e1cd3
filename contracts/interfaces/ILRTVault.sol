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
    event Deposit(address indexed receiver, address indexed asset, uint256 amount, uint256 shares, uint256 referralId);
    /// @notice An asset was added.
    event AssetAdded(address indexed asset, uint256 index, AssetParams params);
    /// @notice An asset's cap or minimum changed.
    event AssetLimitsUpdated(address indexed asset, uint96 cap, uint64 minDeposit);
    /// @notice An asset's price adapter was replaced.
    event AdapterUpdated(address indexed asset, IPriceAdapter adapter);
    /// @notice An asset's price bounds changed.
    event BoundsUpdated(address indexed asset, uint16 maxRiseBpsPerDay, uint16 maxFallBps);
    /// @notice An asset now restakes into `strategy` (zero: no longer restaked).
    event StrategySet(address indexed asset, IStrategy indexed strategy);
    /// @notice Deposits of `asset` (or all, when `asset` is zero) paused or resumed.
    event DepositsPaused(address indexed asset, bool paused);
    /// @notice A sync saw the asset's price fall beyond its bound (or its adapter fail): deposits of it halted.
    event DepositsTripped(address indexed asset);
    /// @notice A price trip on `asset` was cleared by an admin.
    event PriceTripCleared(address indexed asset);
    /// @notice New deposit prices from a sync, valid until `expiry`.
    event DepositPricesUpdated(uint64 expiry);
    /// @notice Finalized withdrawals took `units` of `asset` from the buffer to the queue.
    event BufferSettled(address indexed asset, uint256 units);
    /// @notice The restaking manager moved buffer units to a delegator.
    event BufferReleased(address indexed asset, address indexed to, uint256 units);
    /// @notice Units arrived in the buffer from a delegator or the manager: a completed withdrawal (`fromPosition`,
    /// the units leave the restaked/queued side) or rewards.
    event BufferAbsorbed(address indexed asset, address indexed from, uint256 units, bool fromPosition);
    /// @notice The vault was seeded: `shares` lrETH minted to the dead address, never redeemable.
    event Seeded(uint256 assets, uint256 shares);

    /// @notice The asset is not supported (or ETH sent to the LST entry point).
    error LRTVaultUnsupportedAsset(address asset);
    /// @notice A zero amount of `asset`.
    error LRTVaultZeroAmount(address asset);
    /// @notice A zero address where one is required.
    error LRTVaultZeroAddress();
    /// @notice The deposit is below the asset's minimum.
    error LRTVaultBelowMinimum(address asset, uint256 amount, uint256 minimum);
    /// @notice The deposit would take the asset above its cap.
    error LRTVaultCapExceeded(address asset, uint256 units, uint256 headroom);
    /// @notice Fewer shares than the caller's bound (or zero).
    error LRTVaultSlippage(uint256 shares, uint256 minShares);
    /// @notice Deposits of the asset are paused (or halted by a price trip).
    error LRTVaultDepositsPaused(address asset);
    /// @notice The stored deposit prices expired at `expiry`; call `sync()` on the accountant.
    error LRTVaultRateStale(uint256 expiry);
    /// @notice The token delivered less than asked (beyond stETH's 2 wei).
    error LRTVaultShortDelivery(address asset, uint256 expected, uint256 received);
    /// @notice `caller` is not the linked contract allowed to call this (`expected`).
    error LRTVaultUnauthorized(address caller, address expected);
    /// @notice The asset is already supported.
    error LRTVaultAssetExists(address asset);
    /// @notice The setter would not change anything about `asset` (zero: the vault-wide pause).
    error LRTVaultNoChange(address asset);
    /// @notice The vault must be seeded first.
    error LRTVaultNotSeeded();
    /// @notice The vault was already seeded (`supply` lrETH exist).
    error LRTVaultAlreadySeeded(uint256 supply);
    /// @notice The buffer holds fewer units than asked.
    error LRTVaultInsufficientBuffer(address asset, uint256 units, uint256 buffer);
    /// @notice Restaking `units` would take buffer the withdrawal queue has promised to pending requests: only
    /// `free` units are above their liability.
    error LRTVaultBufferReserved(address asset, uint256 units, uint256 free);
    /// @notice The asset's Chainlink market feed is stale or broken (see `IPriceAdapter.quote`): deposits of it wait
    /// until the feed updates.
    error LRTVaultMarketPriceUnavailable(address asset);
    /// @notice The adapter prices another token (or is zero).
    error LRTVaultInvalidAdapter(address asset, IPriceAdapter adapter);
    /// @notice A price bound is out of range: the daily rise at most 1,000 bps, the fall trip 1 to 10,000 bps.
    error LRTVaultInvalidBounds(address asset, uint16 maxRiseBpsPerDay, uint16 maxFallBps);
    /// @notice More than `max` assets (or, for strategies, more than `max` assets restaked).
    error LRTVaultTooMany(uint256 max);
    /// @notice The strategy's underlying token is not the asset (ETH is refused as `LRTVaultUnsupportedAsset`).
    error LRTVaultStrategyMismatch(address asset, IStrategy strategy);
    /// @notice The asset's current strategy still holds shares or queued withdrawals of a delegator: replacing it
    /// would drop them from the valuation.
    error LRTVaultStrategyInUse(address asset, IStrategy strategy);
    /// @notice A sync update's lists do not have one entry per asset (`expected`).
    error LRTVaultBadUpdate(uint256 expected);

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
    function getRate() external view returns (uint256);

    /// @notice ETH recognised for holders now: `totalSupply() * getRate() / 1e18`, rounded down.
    function totalAssets() external view returns (uint256);

    /// @notice lrETH worth `assets` ETH at `getRate()`, rounded down.
    function convertToShares(uint256 assets) external view returns (uint256);

    /// @notice ETH worth `shares` lrETH at `getRate()`, rounded down.
    function convertToAssets(uint256 shares) external view returns (uint256);

    /// @notice lrETH a deposit of `amount` of `asset` (the `ETH` marker for ETH) mints now; 0 if it would revert
    /// for a reason other than slippage. stETH: exact up to the token's own share rounding.
    function previewDeposit(address asset, uint256 amount) external view returns (uint256);

    /// @notice Supported assets, ETH (the `ETH` marker) first; an asset's position is its index.
    function assets() external view returns (address[] memory);

    /// @notice Everything the vault stores about `asset`.
    function assetInfo(address asset) external view returns (AssetInfo memory);

    /// @notice What a sync reads, one entry per asset in `assets()` order.
    function syncInputs() external view returns (SyncInput[] memory);

    /// @notice What the withdrawal queue reads to take a request in `asset` (`known` false for an unlisted asset).
    function route(address asset) external view returns (Route memory);

    /// @notice `asset`'s price adapter and the price stored at the last sync (ETH per 1e18 units; 1e18 for ETH, whose
    /// adapter is zero). Reverts `LRTVaultUnsupportedAsset` for an unknown asset.
    function priceOf(address asset) external view returns (IPriceAdapter adapter, uint256 price);

    /// @notice The assets that restake and their strategies, in `assets()` order, with each asset's index.
    function strategies()
        external
        view
        returns (address[] memory restaked, address[] memory strategyList, uint256[] memory indexes);

    /// @notice The strategy `asset` restakes into (zero: none).
    function strategyOf(address asset) external view returns (IStrategy);

    /// @notice Whether `token` is a supported asset other than ETH.
    function isAsset(address token) external view returns (bool);

    /// @notice The marker address used for ETH.
    function ETH() external view returns (address);

    /// @notice The suite's accountant, restaking manager (zero: none) and withdrawal queue, fixed at deployment.
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

    /// @notice Sends `units` of `asset` from the buffer to `delegator` (restaking manager only). Never takes buffer
    /// the withdrawal queue has promised to pending requests of the asset (`LRTVaultBufferReserved`).
    /// @param asset a listed LST
    /// @param units accounting units
    /// @param delegator the manager's delegator that restakes them
    function releaseToDelegator(address asset, uint256 units, address delegator) external;

    /// @notice Pulls `tokenAmount` of `asset` from `from` (which approved the vault) into the buffer (restaking
    /// manager only). `fromPosition`: the units come back from EigenLayer (a completed withdrawal), so they leave
    /// `outsideUnits`; rewards arrive with it false.
    /// @return units the accounting units that arrived
    function absorbFromDelegator(
        address asset,
        uint256 tokenAmount,
        address from,
        bool fromPosition
    ) external returns (uint256 units);

    /* ----------------------------------------------------------------------------------------------------------- */
    /*                                                  ADMIN                                                       */
    /* ----------------------------------------------------------------------------------------------------------- */

    /// @notice Mints the first lrETH (for `msg.value` ETH at rate 1) to the dead address; required once before
    /// deposits open (admin). The seed keeps the supply non-zero forever, so no empty-vault inflation is possible.
    function seed() external payable;

    /// @notice Lists `asset` with its cap, minimum, adapter and price bounds (admin); deposits open at the next
    /// sync. At most `MAX_ASSETS`.
    function addAsset(address asset, AssetParams calldata params) external;

    /// @notice Replaces an LST's price adapter (admin). The stored price stays; the next sync bounds the new
    /// adapter's first price against it.
    function setAdapter(address asset, IPriceAdapter adapter) external;

    /// @notice Sets an LST's price bounds (admin).
    function setBounds(address asset, uint16 maxRiseBpsPerDay, uint16 maxFallBps) external;

    /// @notice Sets the EigenLayer strategy `asset` restakes into (admin). Its underlying token must be the asset;
    /// replacing a strategy needs the restaking manager to hold nothing in the old one. At most 4 assets restake.
    function setStrategy(address asset, IStrategy strategy) external;

    /// @notice Changes an asset's cap and minimum deposit (admin).
    function setAssetLimits(address asset, uint96 cap, uint64 minDeposit) external;

    /// @notice Pauses deposits of `asset`, or of every asset when `asset` is zero (pauser).
    function pauseDeposits(address asset) external;

    /// @notice Resumes deposits of `asset`, or of every asset when `asset` is zero (admin; all needs a seed).
    function unpauseDeposits(address asset) external;

    /// @notice Re-opens deposits of an asset after a price trip (admin, after review).
    function clearPriceTrip(address asset) external;
}
