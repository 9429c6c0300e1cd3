// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ILRTVault} from "../interfaces/ILRTVault.sol";
import {IPriceAdapter} from "../interfaces/IPriceAdapter.sol";
import {IRestakingManager} from "../interfaces/IRestakingManager.sol";
import {IStrategy} from "../interfaces/external/eigenlayer/IStrategy.sol";
import {ILidoShares} from "../interfaces/external/ILidoShares.sol";
import {IWETH9} from "../interfaces/external/IWETH9.sol";
import {ETH, UNIT, BPS, BEACON_CHAIN_ETH_STRATEGY} from "./Constants.sol";
import {PriceBounds} from "./PriceBounds.sol";
import {LRTVaultStorage} from "../LRTVaultStorage.sol";
import {VaultRecords} from "./VaultRecords.sol";

/// @title VaultAssets
/// @notice The cold paths on the vault's asset records: listing, limits, bounds, strategies, pauses, syncs applied,
/// settlements, views. They are `public`: they run by DELEGATECALL in the vault's own storage (laid out in
/// `LRTVaultStorage`), so the vault stays small. The records' storage and the hot path the deposit inlines are
/// `VaultRecords`'.
library VaultAssets {
    using SafeCast for uint256;
    using SafeERC20 for IERC20;

    /// @notice Lists `asset` (ETH at initialize, with no adapter) with its cap, minimum, adapter and bounds.
    function addAsset(address asset, ILRTVault.AssetParams memory params) public {
        LRTVaultStorage.VaultStorage storage $ = VaultRecords.load();
        if (VaultRecords.known($, asset)) revert ILRTVault.LRTVaultAssetExists(asset);
        uint256 index = $.assets.length;
        if (index >= VaultRecords.MAX_ASSETS) revert ILRTVault.LRTVaultTooMany(VaultRecords.MAX_ASSETS);
        if (asset != ETH) {
            _checkAdapter(asset, params.adapter);
            _checkBounds(asset, params.maxRiseBpsPerDay, params.maxFallBps);
            $.prices[asset].adapter = params.adapter;
        } else {
            $.prices[ETH].price = uint96(UNIT);
        }
        $.assets.push(asset);
        LRTVaultStorage.AssetState storage st = $.states[asset];
        // index < MAX_ASSETS = 8: the cast is safe.
        st.books = LRTVaultStorage.Books(
            0,
            params.cap,
            params.maxRiseBpsPerDay,
            params.maxFallBps,
            uint8(index),
            false
        );
        st.limits.cap = params.cap;
        uint8 flags = $.depositsPaused ? VaultRecords.FLAG_ALL_PAUSED : 0;
        if (params.lidoShares) flags |= VaultRecords.FLAG_LIDO;
        $.slots[asset] = LRTVaultStorage.AssetSlot(params.cap, 0, 0, _minGwei(asset, params.minDeposit), flags);
        emit ILRTVault.AssetAdded(asset, index, params);
    }

    /// @notice Replaces an LST's adapter.
    function setAdapter(address asset, IPriceAdapter adapter) public {
        LRTVaultStorage.VaultStorage storage $ = VaultRecords.load();
        if (asset == ETH || !VaultRecords.known($, asset)) revert ILRTVault.LRTVaultUnsupportedAsset(asset);
        _checkAdapter(asset, adapter);
        if ($.prices[asset].adapter == adapter) revert ILRTVault.LRTVaultNoChange(asset);
        $.prices[asset].adapter = adapter;
        emit ILRTVault.AdapterUpdated(asset, adapter);
    }

    /// @notice Sets an LST's price bounds.
    function setBounds(address asset, uint16 maxRiseBpsPerDay, uint16 maxFallBps) public {
        LRTVaultStorage.VaultStorage storage $ = VaultRecords.load();
        if (asset == ETH || !VaultRecords.known($, asset)) revert ILRTVault.LRTVaultUnsupportedAsset(asset);
        _checkBounds(asset, maxRiseBpsPerDay, maxFallBps);
        LRTVaultStorage.Books storage b = $.states[asset].books;
        if (b.maxRiseBpsPerDay == maxRiseBpsPerDay && b.maxFallBps == maxFallBps) {
            revert ILRTVault.LRTVaultNoChange(asset);
        }
        (b.maxRiseBpsPerDay, b.maxFallBps) = (maxRiseBpsPerDay, maxFallBps);
        emit ILRTVault.BoundsUpdated(asset, maxRiseBpsPerDay, maxFallBps);
    }

    /// @notice Sets `asset`'s strategy; `manager` (zero: none) must hold nothing in the strategy it replaces. ETH's
    /// only strategy is EigenLayer's beacon chain ETH strategy (native restaking through EigenPods).
    function setStrategy(address asset, IStrategy strategy, address manager) public {
        LRTVaultStorage.VaultStorage storage $ = VaultRecords.load();
        if (!VaultRecords.known($, asset)) revert ILRTVault.LRTVaultUnsupportedAsset(asset);
        if (asset == ETH) {
            if (address(strategy) != address(0) && address(strategy) != BEACON_CHAIN_ETH_STRATEGY) {
                revert ILRTVault.LRTVaultStrategyMismatch(asset, strategy);
            }
        } else if (
            // A strategy with no code would answer nothing (and revert the call without a reason): refused the same
            // way (the beacon chain ETH strategy, which has none, among them).
            address(strategy) != address(0) &&
            (address(strategy).code.length == 0 || address(strategy.underlyingToken()) != asset)
        ) {
            revert ILRTVault.LRTVaultStrategyMismatch(asset, strategy);
        }
        LRTVaultStorage.Restaking storage r = $.states[asset].restaking;
        IStrategy current = r.strategy;
        if (current == strategy) revert ILRTVault.LRTVaultNoChange(asset);
        if (address(current) == address(0)) {
            if ($.strategyCount >= VaultRecords.MAX_STRATEGIES)
                revert ILRTVault.LRTVaultTooMany(VaultRecords.MAX_STRATEGIES);
            ++$.strategyCount;
        } else {
            if (manager != address(0) && IRestakingManager(manager).inUse(address(current))) {
                revert ILRTVault.LRTVaultStrategyInUse(asset, current);
            }
            if (address(strategy) == address(0)) {
                --$.strategyCount;
                // Nothing is restaked in it any more (checked above): what the next sync would store.
                r.outsideUnits = 0;
            }
        }
        r.strategy = strategy;
        $.states[asset].books.restaked = address(strategy) != address(0);
        emit ILRTVault.StrategySet(asset, strategy);
    }

    /// @notice Changes an asset's cap and minimum deposit.
    function setAssetLimits(address asset, uint96 cap, uint64 minDeposit) public {
        LRTVaultStorage.VaultStorage storage $ = VaultRecords.load();
        if (!VaultRecords.known($, asset)) revert ILRTVault.LRTVaultUnsupportedAsset(asset);
        LRTVaultStorage.Limits storage lim = $.states[asset].limits;
        LRTVaultStorage.AssetSlot storage slot = $.slots[asset];
        uint40 minGwei = _minGwei(asset, minDeposit);
        if (cap == lim.cap && minGwei == slot.minDepositGwei) revert ILRTVault.LRTVaultNoChange(asset);
        VaultRecords.checkpoint($, asset);
        // Headroom moves with the cap and never below zero: net deposits above a lowered cap block deposits and are
        // kept as `excess`, which a raised cap absorbs before any headroom opens (headroom - excess = cap - net
        // deposits). Both are capped at the uint96 maximum, so the casts are safe.
        uint256 room = uint256(slot.headroom) + cap;
        uint256 used = uint256(lim.cap) + lim.excess;
        slot.headroom = uint96(Math.min(room - Math.min(room, used), type(uint96).max));
        lim.excess = uint96(Math.min(used - Math.min(used, room), type(uint96).max));
        $.states[asset].books.headroomCheckpoint = slot.headroom;
        lim.cap = cap;
        slot.minDepositGwei = minGwei;
        emit ILRTVault.AssetLimitsUpdated(asset, cap, minDeposit);
    }

    /// @notice Pauses or resumes deposits of `asset`, or of every asset when `asset` is zero (resuming all needs a
    /// seeded vault: `seeded`).
    function setDepositsPaused(address asset, bool paused, bool seeded) public {
        LRTVaultStorage.VaultStorage storage $ = VaultRecords.load();
        if (asset == address(0)) {
            if ($.depositsPaused == paused) revert ILRTVault.LRTVaultNoChange(asset);
            if (!paused && !seeded) revert ILRTVault.LRTVaultNotSeeded();
            $.depositsPaused = paused;
            for (uint256 i = 0; i < $.assets.length; ++i) {
                LRTVaultStorage.AssetSlot storage slot = $.slots[$.assets[i]];
                slot.flags =
                    paused ? slot.flags | VaultRecords.FLAG_ALL_PAUSED : slot.flags & ~VaultRecords.FLAG_ALL_PAUSED;
            }
        } else {
            if (!VaultRecords.known($, asset)) revert ILRTVault.LRTVaultUnsupportedAsset(asset);
            LRTVaultStorage.AssetSlot storage slot = $.slots[asset];
            if ((slot.flags & VaultRecords.FLAG_PAUSED != 0) == paused) revert ILRTVault.LRTVaultNoChange(asset);
            slot.flags = paused ? slot.flags | VaultRecords.FLAG_PAUSED : slot.flags & ~VaultRecords.FLAG_PAUSED;
        }
        emit ILRTVault.DepositsPaused(asset, paused);
    }

    /// @notice Re-opens deposits of an asset after a price trip.
    function clearPriceTrip(address asset) public {
        LRTVaultStorage.VaultStorage storage $ = VaultRecords.load();
        if (!VaultRecords.known($, asset)) revert ILRTVault.LRTVaultUnsupportedAsset(asset);
        LRTVaultStorage.AssetSlot storage slot = $.slots[asset];
        if (slot.flags & VaultRecords.FLAG_TRIPPED == 0) revert ILRTVault.LRTVaultNoChange(asset);
        slot.flags &= ~VaultRecords.FLAG_TRIPPED;
        emit ILRTVault.PriceTripCleared(asset);
    }

    /// @notice Stores a sync's deposit prices and expiry, the prices and outside units that moved, and trips (the
    /// vault mints the fee itself). One write of the asset's deposit slot; the others only when their value moved.
    function applySync(ILRTVault.SyncUpdate calldata update) public {
        LRTVaultStorage.VaultStorage storage $ = VaultRecords.load();
        uint256 n = $.assets.length;
        if (
            update.sharesPerUnit.length != n ||
            update.outsideUnits.length != n ||
            update.tripped.length != n ||
            update.prices.length != n
        ) {
            revert ILRTVault.LRTVaultBadUpdate(n);
        }
        uint40 expiry = SafeCast.toUint40(update.expiry);
        for (uint256 i = 0; i < n; ++i) {
            address asset = i == 0 ? ETH : $.assets[i]; // ETH is always first
            uint256 perUnit = update.sharesPerUnit[i];
            uint256 price = update.prices[i];
            // An absurd price closes deposits rather than reverting: a sync must never fail (exits depend on it).
            if (perUnit > type(uint72).max || price > type(uint96).max) perUnit = 0;
            LRTVaultStorage.AssetSlot memory slot = $.slots[asset];
            slot.sharesPerUnit = uint72(perUnit);
            slot.expiry = expiry;
            if (update.tripped[i]) {
                slot.flags |= VaultRecords.FLAG_TRIPPED;
                emit ILRTVault.DepositsTripped(asset);
            }
            $.slots[asset] = slot;
            if (i != 0) {
                // ETH is always priced at 1.
                LRTVaultStorage.PriceSlot storage ps = $.prices[asset];
                if (ps.price != price) ps.price = uint96(Math.min(price, type(uint96).max));
            }
            LRTVaultStorage.AssetState storage st = $.states[asset];
            // Outside units come from EigenLayer share counts, far below 2^96.
            uint96 outside = uint96(Math.min(update.outsideUnits[i], type(uint96).max));
            // Only a restaked asset has outside units: the manager values the vault's strategies only, and removing a
            // strategy (allowed once nothing is left in it) zeroes them. So an asset without a strategy reporting
            // none has none stored, and its slot is not read.
            if (outside == 0 && !st.books.restaked) continue;
            LRTVaultStorage.Restaking storage r = st.restaking;
            if (r.outsideUnits != outside) r.outsideUnits = outside;
        }
        emit ILRTVault.DepositPricesUpdated(update.expiry);
    }

    /// @notice Debits the buffers finalized withdrawals take, gives their headroom back and sends the units to the
    /// queue (the vault burns): a payout frees cap, first absorbing any excess above a lowered cap, never above it.
    function settle(address[] calldata assets, uint256[] calldata units, address queue) public {
        LRTVaultStorage.VaultStorage storage $ = VaultRecords.load();
        if (assets.length != units.length) revert ILRTVault.LRTVaultBadUpdate(assets.length);
        for (uint256 i = 0; i < assets.length; ++i) {
            if (units[i] == 0) continue;
            address asset = assets[i];
            uint256 available = VaultRecords.checkpoint($, asset);
            if (units[i] > available) revert ILRTVault.LRTVaultInsufficientBuffer(asset, units[i], available);
            LRTVaultStorage.AssetState storage st = $.states[asset];
            LRTVaultStorage.Limits memory lim = st.limits;
            uint256 give = units[i];
            uint256 absorbed = Math.min(give, lim.excess);
            if (absorbed != 0) st.limits.excess = uint96(lim.excess - absorbed);
            LRTVaultStorage.AssetSlot storage slot = $.slots[asset];
            // headroom <= cap < 2^96: the cast is safe.
            uint96 headroom = uint96(Math.min(uint256(slot.headroom) + (give - absorbed), lim.cap));
            slot.headroom = headroom;
            // available and units fit 112 bits (buffers do).
            st.books.bufferCheckpoint = uint112(available - units[i]);
            st.books.headroomCheckpoint = headroom;
            emit ILRTVault.BufferSettled(asset, units[i]);
        }
        // Interactions last: every buffer is already debited.
        for (uint256 i = 0; i < assets.length; ++i) {
            if (units[i] != 0) send($, assets[i], queue, units[i]);
        }
    }

    /// @notice Moves `units` of a listed asset's buffer to a delegator for restaking (ETH: for its validators),
    /// keeping what pending requests of the asset were promised (`reserved`): restaking it would make them wait for an
    /// EigenLayer withdrawal.
    function release(address asset, uint256 units, address delegator, uint256 reserved) public {
        LRTVaultStorage.VaultStorage storage $ = VaultRecords.load();
        if (units == 0) revert ILRTVault.LRTVaultZeroAmount(asset);
        if (!VaultRecords.known($, asset)) revert ILRTVault.LRTVaultUnsupportedAsset(asset);
        uint256 available = VaultRecords.checkpoint($, asset);
        uint256 free = available > reserved ? available - reserved : 0;
        if (units > free) revert ILRTVault.LRTVaultBufferReserved(asset, units, free);
        LRTVaultStorage.AssetState storage st = $.states[asset];
        // available - units <= available fits 112 bits; outside units stay far below 2^96 (EigenLayer share counts).
        st.books.bufferCheckpoint = uint112(available - units);
        st.restaking.outsideUnits += units.toUint96();
        emit ILRTVault.BufferReleased(asset, delegator, units);
        send($, asset, delegator, units);
    }

    /// @notice Pulls `tokenAmount` of a listed asset back from a delegator into the buffer (ETH: sent with the call,
    /// exactly `tokenAmount`); `fromPosition` when it left a restaked position (it stops counting as outside units).
    /// Returns the units that arrived.
    function absorb(
        address asset,
        uint256 tokenAmount,
        address from,
        bool fromPosition
    ) public returns (uint256 units) {
        LRTVaultStorage.VaultStorage storage $ = VaultRecords.load();
        if (tokenAmount == 0) revert ILRTVault.LRTVaultZeroAmount(asset);
        if (!VaultRecords.known($, asset)) revert ILRTVault.LRTVaultUnsupportedAsset(asset);
        if (msg.value != (asset == ETH ? tokenAmount : 0)) {
            revert ILRTVault.LRTVaultValueMismatch(asset == ETH ? tokenAmount : 0, msg.value);
        }
        units =
            asset == ETH
                ? tokenAmount
                : VaultRecords.pull(asset, tokenAmount, from, $.slots[asset].flags & VaultRecords.FLAG_LIDO != 0);
        LRTVaultStorage.AssetState storage st = $.states[asset];
        st.books.bufferCheckpoint = (VaultRecords.checkpoint($, asset) + units).toUint112();
        if (fromPosition) {
            uint96 outside = st.restaking.outsideUnits;
            // units <= outside in that branch: the cast is safe.
            st.restaking.outsideUnits = outside > units ? uint96(outside - units) : 0;
        }
        emit ILRTVault.BufferAbsorbed(asset, from, units, fromPosition);
    }

    /// @notice Redeems `amount` of a wrapped-ETH token in the buffer for ETH in ETH's buffer (see `ILRTVault.unwrap`),
    /// keeping what pending requests of the token were promised (`reserved`). Books first, then redeems and checks
    /// that exactly `amount` tokens left and exactly `amount` wei arrived (a revert undoes the books).
    function unwrap(address asset, uint256 amount, uint256 reserved) public {
        LRTVaultStorage.VaultStorage storage $ = VaultRecords.load();
        if (amount == 0) revert ILRTVault.LRTVaultZeroAmount(asset);
        uint256 price = $.prices[asset].price;
        if (asset == ETH || price != UNIT || $.slots[asset].flags & VaultRecords.FLAG_LIDO != 0) {
            revert ILRTVault.LRTVaultNotParity(asset, price);
        }
        uint256 available = VaultRecords.checkpoint($, asset);
        uint256 free = available > reserved ? available - reserved : 0;
        if (amount > free) revert ILRTVault.LRTVaultBufferReserved(asset, amount, free);
        // amount <= available: the difference fits the 112 bits available came from.
        $.states[asset].books.bufferCheckpoint = uint112(available - amount);
        $.states[ETH].books.bufferCheckpoint = (VaultRecords.checkpoint($, ETH) + amount).toUint112();
        emit ILRTVault.Unwrapped(asset, amount);

        uint256 ethBefore = address(this).balance;
        uint256 tokensBefore = IERC20(asset).balanceOf(address(this));
        IWETH9(asset).withdraw(amount);
        uint256 arrived = address(this).balance - ethBefore;
        uint256 left = tokensBefore - IERC20(asset).balanceOf(address(this));
        if (arrived != amount || left != amount) revert ILRTVault.LRTVaultShortDelivery(asset, amount, arrived);
    }

    /// @dev Sends `units` of `asset` out: ETH by value, stETH by shares, other tokens by amount.
    function send(LRTVaultStorage.VaultStorage storage $, address asset, address to, uint256 units) private {
        if (asset == ETH) Address.sendValue(payable(to), units);
        else if ($.slots[asset].flags & VaultRecords.FLAG_LIDO != 0) ILidoShares(asset).transferShares(to, units);
        else IERC20(asset).safeTransfer(to, units);
    }

    /// @notice Books the seed's ETH in the buffer (the vault mints the matching lrETH to DEAD).
    function seed(uint256 amount, uint256 minimum) public {
        if (amount < minimum) revert ILRTVault.LRTVaultBelowMinimum(ETH, amount, minimum);
        LRTVaultStorage.VaultStorage storage $ = VaultRecords.load();
        $.states[ETH].books.bufferCheckpoint = (VaultRecords.checkpoint($, ETH) + amount).toUint112();
        emit ILRTVault.Seeded(amount, amount);
    }

    /// @notice What a withdrawal request needs to know about `asset` (all zero if it is not listed).
    function route(address asset) public view returns (ILRTVault.Route memory r) {
        LRTVaultStorage.VaultStorage storage $ = VaultRecords.load();
        if (!VaultRecords.known($, asset)) return r;
        LRTVaultStorage.PriceSlot memory ps = $.prices[asset];
        r = ILRTVault.Route(
            true,
            $.slots[asset].flags & VaultRecords.FLAG_LIDO != 0,
            address(ps.adapter),
            ps.price,
            VaultRecords.buffer($, asset),
            $.states[asset].restaking.outsideUnits
        );
    }

    /// @notice An asset's adapter and stored price; reverts for an unlisted asset.
    function priceOf(address asset) public view returns (address, uint256) {
        LRTVaultStorage.VaultStorage storage $ = VaultRecords.load();
        if (!VaultRecords.known($, asset)) revert ILRTVault.LRTVaultUnsupportedAsset(asset);
        LRTVaultStorage.PriceSlot memory ps = $.prices[asset];
        return (address(ps.adapter), ps.price);
    }

    /// @notice lrETH a deposit would mint now (0 if it would revert for another reason than slippage).
    function previewDeposit(address asset, uint256 amount) public view returns (uint256) {
        LRTVaultStorage.VaultStorage storage $ = VaultRecords.load();
        LRTVaultStorage.AssetSlot memory slot = $.slots[asset];
        if (slot.sharesPerUnit == 0 || slot.flags & VaultRecords.CLOSED != 0 || block.timestamp > slot.expiry) return 0;
        if (amount == 0 || amount < uint256(slot.minDepositGwei) * 1 gwei) return 0;
        uint256 perUnit = slot.sharesPerUnit;
        if (asset != ETH) {
            LRTVaultStorage.PriceSlot memory ps = $.prices[asset];
            (uint256 protocol, uint256 market, bool ok) = ps.adapter.quote();
            if (!ok) return 0;
            perUnit = VaultRecords.scaled(perUnit, Math.min(protocol, market), ps.price);
        }
        uint256 units =
            slot.flags & VaultRecords.FLAG_LIDO != 0 ? ILidoShares(asset).getSharesByPooledEth(amount) : amount;
        if (units > slot.headroom) return 0;
        return (units * perUnit) / UNIT;
    }

    /// @notice Everything the vault stores about `asset`.
    function assetInfo(address asset) public view returns (ILRTVault.AssetInfo memory info) {
        LRTVaultStorage.VaultStorage storage $ = VaultRecords.load();
        if (!VaultRecords.known($, asset)) revert ILRTVault.LRTVaultUnsupportedAsset(asset);
        LRTVaultStorage.AssetSlot memory slot = $.slots[asset];
        LRTVaultStorage.AssetState memory st = $.states[asset];
        LRTVaultStorage.PriceSlot memory ps = $.prices[asset];
        info.index = st.books.index;
        info.adapter = address(ps.adapter);
        info.price = ps.price;
        info.maxRiseBpsPerDay = st.books.maxRiseBpsPerDay;
        info.maxFallBps = st.books.maxFallBps;
        info.strategy = address(st.restaking.strategy);
        info.outsideUnits = st.restaking.outsideUnits;
        info.bufferUnits = VaultRecords.buffer($, asset);
        info.sharesPerUnit = slot.sharesPerUnit;
        info.headroom = slot.headroom;
        info.cap = st.limits.cap;
        info.minDeposit = uint256(slot.minDepositGwei) * 1 gwei;
        info.expiry = slot.expiry;
        info.lidoShares = slot.flags & VaultRecords.FLAG_LIDO != 0;
        info.paused = slot.flags & (VaultRecords.FLAG_PAUSED | VaultRecords.FLAG_ALL_PAUSED) != 0;
        info.tripped = slot.flags & VaultRecords.FLAG_TRIPPED != 0;
        info.depositsOpen =
            slot.sharesPerUnit != 0 &&
            slot.flags & VaultRecords.CLOSED == 0 &&
            block.timestamp <= slot.expiry;
    }

    /// @notice What a sync reads, one entry per asset in `assets()` order.
    function syncInputs() public view returns (ILRTVault.SyncInput[] memory inputs) {
        LRTVaultStorage.VaultStorage storage $ = VaultRecords.load();
        uint256 n = $.assets.length;
        inputs = new ILRTVault.SyncInput[](n);
        for (uint256 i = 0; i < n; ++i) {
            // ETH is always first, priced at 1 with no adapter (`addAsset` stores it so): its price slot is not read.
            address asset = ETH;
            address adapter = address(0);
            uint256 price = UNIT;
            if (i != 0) {
                asset = $.assets[i];
                LRTVaultStorage.PriceSlot storage ps = $.prices[asset];
                (adapter, price) = (address(ps.adapter), ps.price);
            }
            // The buffer is `VaultRecords.buffer` written out: calling it reads the books slot a second time
            // (about 950 gas a sync over six assets).
            LRTVaultStorage.Books storage b = $.states[asset].books;
            inputs[i] = ILRTVault.SyncInput(
                asset,
                adapter,
                price,
                uint256(b.bufferCheckpoint) + b.headroomCheckpoint - $.slots[asset].headroom,
                b.maxRiseBpsPerDay,
                b.maxFallBps
            );
        }
    }

    /// @notice The assets that restake, their strategies, indexes and adapters, in `assets()` order.
    function strategies()
        public
        view
        returns (address[] memory restaked, address[] memory list, uint256[] memory indexes, address[] memory adapters)
    {
        LRTVaultStorage.VaultStorage storage $ = VaultRecords.load();
        uint256 count = $.strategyCount;
        restaked = new address[](count);
        list = new address[](count);
        indexes = new uint256[](count);
        adapters = new address[](count);
        uint256 k = 0;
        for (uint256 i = 0; i < $.assets.length && k < count; ++i) {
            address asset = i == 0 ? ETH : $.assets[i]; // ETH is always first
            LRTVaultStorage.AssetState storage st = $.states[asset];
            if (!st.books.restaked) continue;
            address strategy = address(st.restaking.strategy);
            // ETH has no adapter (its price slot is not read).
            address adapter = i == 0 ? address(0) : address($.prices[asset].adapter);
            (restaked[k], list[k], indexes[k], adapters[k]) = (asset, strategy, i, adapter);
            ++k;
        }
    }

    function _checkAdapter(address asset, IPriceAdapter adapter) private view {
        if (address(adapter) == address(0) || adapter.asset() != asset) {
            revert ILRTVault.LRTVaultInvalidAdapter(asset, adapter);
        }
    }

    function _checkBounds(address asset, uint16 maxRiseBpsPerDay, uint16 maxFallBps) private pure {
        if (maxRiseBpsPerDay > PriceBounds.MAX_RISE_BPS_PER_DAY || maxFallBps == 0 || maxFallBps > BPS) {
            revert ILRTVault.LRTVaultInvalidBounds(asset, maxRiseBpsPerDay, maxFallBps);
        }
    }

    /// @dev Rounded up so the stored minimum never undercuts the configured one; uint64 / 1e9 fits in 40 bits.
    /// At least 1 gwei: the deposit path relies on a non-zero minimum to reject zero amounts.
    function _minGwei(address asset, uint64 minDeposit) private pure returns (uint40) {
        if (minDeposit == 0) revert ILRTVault.LRTVaultZeroAmount(asset);
        return uint40(Math.ceilDiv(minDeposit, 1 gwei));
    }
}
