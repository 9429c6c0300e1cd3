// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ILRTVault} from "../interfaces/ILRTVault.sol";
import {IPriceAdapter} from "../interfaces/IPriceAdapter.sol";
import {ILidoShares} from "../interfaces/external/ILidoShares.sol";
import {ETH, UNIT} from "./Constants.sol";
import {LRTVaultStorage} from "../LRTVaultStorage.sol";

/// @title VaultAssets
/// @notice The vault's asset records: its ERC-7201 storage, the checks the deposit path inlines, and every cold path
/// on the records (listing, limits, pauses, syncs applied, settlements, views). The cold paths are `public`: they
/// run by DELEGATECALL in the vault's own storage, so the vault stays small while deposits stay inline.
/// @dev Per asset three records (declared in `LRTVaultStorage`): `AssetSlot`, the deposit path's one slot (read and
/// written by every deposit); `PriceSlot` (read by LST deposits); `AssetState` (cold). Buffers are internal accounting:
/// `buffer = bufferCheckpoint + headroomCheckpoint - headroom`; a deposit only lowers `headroom`, and every other
/// flow first folds the deposits since the last checkpoint into `bufferCheckpoint`.
library VaultAssets {
    using SafeCast for uint256;

    /// @notice The largest number of supported assets (bounds every sync).
    uint256 internal constant MAX_ASSETS = 8;

    uint8 internal constant FLAG_PAUSED = 1;
    uint8 internal constant FLAG_ALL_PAUSED = 2;
    uint8 internal constant FLAG_TRIPPED = 4;
    uint8 internal constant FLAG_LIDO = 8;
    uint8 internal constant CLOSED = FLAG_PAUSED | FLAG_ALL_PAUSED | FLAG_TRIPPED;

    // keccak256(abi.encode(uint256(keccak256("lrt.storage.LRTVault")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant STORAGE_LOCATION = 0xfd83259db36edce72f8e3f1be996e6b42e3656d2b9e49b7cd0f6c6441c5b6900;

    /* ----------------------------------------------------------------------------------------------------------- */
    /*                                     HOT PATH (inlined into the vault)                                         */
    /* ----------------------------------------------------------------------------------------------------------- */

    /// @dev The deposit checks that need nothing but the asset's slot: supported, open, fresh, above the minimum.
    function checkDeposit(address asset, LRTVaultStorage.AssetSlot memory slot, uint256 amount) internal view {
        if (slot.sharesPerUnit == 0) revert ILRTVault.LRTVaultUnsupportedAsset(asset);
        if (slot.flags & CLOSED != 0) revert ILRTVault.LRTVaultDepositsPaused(asset);
        if (block.timestamp > slot.expiry) revert ILRTVault.LRTVaultRateStale(slot.expiry);
        uint256 minimum = uint256(slot.minDepositGwei) * 1 gwei;
        // The minimum is at least 1 gwei (enforced when configured), so zero is caught here and told apart only
        // on the failure path.
        if (amount < minimum) {
            if (amount == 0) revert ILRTVault.LRTVaultZeroAmount();
            revert ILRTVault.LRTVaultBelowMinimum(asset, amount, minimum);
        }
    }

    /// @dev `perUnit * live / stored` when live < stored (rounded down), else `perUnit`: a deposit is never priced
    /// above the stored price, nor above the live one. `stored` is non-zero whenever `perUnit` is (set together).
    function scaled(uint256 perUnit, uint256 live, uint256 stored) internal pure returns (uint256) {
        return live >= stored ? perUnit : Math.mulDiv(perUnit, live, stored);
    }

    function buffer(LRTVaultStorage.VaultStorage storage $, address asset) internal view returns (uint256) {
        LRTVaultStorage.AssetState storage st = $.states[asset];
        return uint256(st.bufferCheckpoint) + st.headroomCheckpoint - $.slots[asset].headroom;
    }

    /// @dev Folds deposits since the last checkpoint into the buffer checkpoint; returns the buffer.
    function checkpoint(LRTVaultStorage.VaultStorage storage $, address asset) internal returns (uint256 units) {
        units = buffer($, asset);
        LRTVaultStorage.AssetState storage st = $.states[asset];
        st.bufferCheckpoint = units.toUint128();
        st.headroomCheckpoint = $.slots[asset].headroom;
    }

    /// @dev Whether `asset` is listed: ETH once initialized (index 0); any other asset has an adapter once listed.
    function known(LRTVaultStorage.VaultStorage storage $, address asset) internal view returns (bool) {
        return asset == ETH ? $.assets.length != 0 : address($.prices[asset].adapter) != address(0);
    }

    function load() internal pure returns (LRTVaultStorage.VaultStorage storage $) {
        assembly {
            $.slot := STORAGE_LOCATION
        }
    }

    /* ----------------------------------------------------------------------------------------------------------- */
    /*                                   COLD PATHS (DELEGATECALL from the vault)                                    */
    /* ----------------------------------------------------------------------------------------------------------- */

    /// @notice Lists `asset` (ETH at initialize, with no adapter) with its cap, minimum and adapter.
    function addAsset(address asset, ILRTVault.AssetParams memory params) public {
        LRTVaultStorage.VaultStorage storage $ = load();
        if (known($, asset)) revert ILRTVault.LRTVaultAssetExists(asset);
        uint256 index = $.assets.length;
        if (index >= MAX_ASSETS) revert ILRTVault.LRTVaultTooManyAssets();
        if (asset != ETH) {
            _checkAdapter(asset, params.adapter);
            $.prices[asset].adapter = params.adapter;
        } else {
            $.prices[ETH].price = uint96(UNIT);
        }
        $.assets.push(asset);
        LRTVaultStorage.AssetState storage st = $.states[asset];
        // index < MAX_ASSETS = 8: the cast is safe.
        st.index = uint8(index);
        st.cap = params.cap;
        st.headroomCheckpoint = params.cap;
        uint8 flags = $.depositsPaused ? FLAG_ALL_PAUSED : 0;
        if (params.lidoShares) flags |= FLAG_LIDO;
        $.slots[asset] = LRTVaultStorage.AssetSlot(params.cap, 0, 0, _minGwei(params.minDeposit), flags);
        emit ILRTVault.AssetAdded(asset, params);
    }

    /// @notice Replaces an LST's adapter.
    function setAdapter(address asset, IPriceAdapter adapter) public {
        LRTVaultStorage.VaultStorage storage $ = load();
        if (asset == ETH || !known($, asset)) revert ILRTVault.LRTVaultUnsupportedAsset(asset);
        _checkAdapter(asset, adapter);
        if ($.prices[asset].adapter == adapter) revert ILRTVault.LRTVaultNoChange();
        $.prices[asset].adapter = adapter;
        emit ILRTVault.AdapterUpdated(asset, adapter);
    }

    /// @notice Changes an asset's cap and minimum deposit.
    function setAssetLimits(address asset, uint96 cap, uint64 minDeposit) public {
        LRTVaultStorage.VaultStorage storage $ = load();
        if (!known($, asset)) revert ILRTVault.LRTVaultUnsupportedAsset(asset);
        LRTVaultStorage.AssetState storage st = $.states[asset];
        LRTVaultStorage.AssetSlot storage slot = $.slots[asset];
        uint40 minGwei = _minGwei(minDeposit);
        if (cap == st.cap && minGwei == slot.minDepositGwei) revert ILRTVault.LRTVaultNoChange();
        checkpoint($, asset);
        // Headroom moves with the cap and never below zero: holdings above a lowered cap block deposits and are
        // kept as `excess`, which a raised cap absorbs before any headroom opens (headroom - excess = cap - holdings).
        // Both are capped at the uint96 maximum, so the casts are safe.
        uint256 room = uint256(slot.headroom) + cap;
        uint256 used = uint256(st.cap) + st.excess;
        slot.headroom = uint96(Math.min(room - Math.min(room, used), type(uint96).max));
        st.excess = uint96(Math.min(used - Math.min(used, room), type(uint96).max));
        st.headroomCheckpoint = slot.headroom;
        st.cap = cap;
        slot.minDepositGwei = minGwei;
        emit ILRTVault.AssetLimitsUpdated(asset, cap, minDeposit);
    }

    /// @notice Pauses or resumes deposits of `asset`, or of every asset when `asset` is zero (resuming all needs a
    /// seeded vault: `seeded`).
    function setDepositsPaused(address asset, bool paused, bool seeded) public {
        LRTVaultStorage.VaultStorage storage $ = load();
        if (asset == address(0)) {
            if ($.depositsPaused == paused) revert ILRTVault.LRTVaultNoChange();
            if (!paused && !seeded) revert ILRTVault.LRTVaultNotSeeded();
            $.depositsPaused = paused;
            for (uint256 i = 0; i < $.assets.length; ++i) {
                LRTVaultStorage.AssetSlot storage slot = $.slots[$.assets[i]];
                slot.flags = paused ? slot.flags | FLAG_ALL_PAUSED : slot.flags & ~FLAG_ALL_PAUSED;
            }
        } else {
            if (!known($, asset)) revert ILRTVault.LRTVaultUnsupportedAsset(asset);
            LRTVaultStorage.AssetSlot storage slot = $.slots[asset];
            if ((slot.flags & FLAG_PAUSED != 0) == paused) revert ILRTVault.LRTVaultNoChange();
            slot.flags = paused ? slot.flags | FLAG_PAUSED : slot.flags & ~FLAG_PAUSED;
        }
        emit ILRTVault.DepositsPaused(asset, paused);
    }

    /// @notice Re-opens deposits of an asset after a price trip.
    function clearPriceTrip(address asset) public {
        LRTVaultStorage.AssetSlot storage slot = load().slots[asset];
        if (slot.flags & FLAG_TRIPPED == 0) revert ILRTVault.LRTVaultNoChange();
        slot.flags &= ~FLAG_TRIPPED;
        emit ILRTVault.PriceTripCleared(asset);
    }

    /// @notice Stores a sync's per-asset prices, deposit prices, expiry, headroom and trips (the vault mints the
    /// fee itself).
    function applySync(ILRTVault.SyncUpdate calldata update) public {
        LRTVaultStorage.VaultStorage storage $ = load();
        uint256 n = $.assets.length;
        if (
            update.sharesPerUnit.length != n ||
            update.holdings.length != n ||
            update.tripped.length != n ||
            update.prices.length != n
        ) {
            revert ILRTVault.LRTVaultBadUpdate();
        }
        for (uint256 i = 0; i < n; ++i) {
            address asset = $.assets[i];
            LRTVaultStorage.AssetSlot storage slot = $.slots[asset];
            LRTVaultStorage.AssetState storage st = $.states[asset];
            uint256 units = buffer($, asset);
            st.bufferCheckpoint = units.toUint128();
            uint256 perUnit = update.sharesPerUnit[i];
            uint256 price = update.prices[i];
            // An absurd price closes deposits rather than reverting: a sync must never fail (exits depend on it).
            if (perUnit > type(uint72).max || price > type(uint96).max) perUnit = 0;
            LRTVaultStorage.PriceSlot storage ps = $.prices[asset];
            // Written only when it moved (most syncs of a stable asset change nothing here).
            if (ps.price != price) ps.price = uint96(Math.min(price, type(uint96).max));
            uint256 holdings = update.holdings[i];
            // Restaked + queued units: what the sync found beyond the buffer (never negative; fits: holdings come
            // from EigenLayer share counts far below 2^128).
            st.outsideUnits = uint128(holdings > units ? holdings - units : 0);
            uint256 headroom = st.cap > holdings ? st.cap - holdings : 0;
            // Units above the cap (see `setAssetLimits`); capped at the uint96 maximum, so the cast is safe.
            st.excess = uint96(Math.min(holdings - Math.min(holdings, st.cap), type(uint96).max));
            slot.sharesPerUnit = uint72(perUnit);
            slot.expiry = SafeCast.toUint40(update.expiry);
            slot.headroom = uint96(headroom);
            st.headroomCheckpoint = uint96(headroom);
            if (update.tripped[i]) {
                slot.flags |= FLAG_TRIPPED;
                emit ILRTVault.DepositsTripped(asset);
            }
        }
        emit ILRTVault.DepositPricesUpdated(update.expiry);
    }

    /// @notice Debits the buffers finalized withdrawals take (the vault burns and sends).
    function settle(address[] calldata assets, uint256[] calldata units) public {
        LRTVaultStorage.VaultStorage storage $ = load();
        if (assets.length != units.length) revert ILRTVault.LRTVaultBadUpdate();
        for (uint256 i = 0; i < assets.length; ++i) {
            if (units[i] == 0) continue;
            address asset = assets[i];
            uint256 available = checkpoint($, asset);
            if (units[i] > available) revert ILRTVault.LRTVaultInsufficientBuffer(asset, units[i], available);
            $.states[asset].bufferCheckpoint = uint128(available - units[i]);
            emit ILRTVault.BufferSettled(asset, units[i]);
        }
    }

    /// @notice lrETH a deposit would mint now (0 if it would revert for another reason than slippage).
    function previewDeposit(address asset, uint256 amount) public view returns (uint256) {
        LRTVaultStorage.VaultStorage storage $ = load();
        LRTVaultStorage.AssetSlot memory slot = $.slots[asset];
        if (slot.sharesPerUnit == 0 || slot.flags & CLOSED != 0 || block.timestamp > slot.expiry) return 0;
        if (amount == 0 || amount < uint256(slot.minDepositGwei) * 1 gwei) return 0;
        uint256 perUnit = slot.sharesPerUnit;
        if (asset != ETH) {
            LRTVaultStorage.PriceSlot memory ps = $.prices[asset];
            (uint256 protocol, uint256 market, bool ok) = ps.adapter.quote();
            if (!ok) return 0;
            perUnit = scaled(perUnit, Math.min(protocol, market), ps.price);
        }
        uint256 units = slot.flags & FLAG_LIDO != 0 ? ILidoShares(asset).getSharesByPooledEth(amount) : amount;
        if (units > slot.headroom) return 0;
        return (units * perUnit) / UNIT;
    }

    /// @notice Everything the vault stores about `asset`.
    function assetInfo(address asset) public view returns (ILRTVault.AssetInfo memory info) {
        LRTVaultStorage.VaultStorage storage $ = load();
        if (!known($, asset)) revert ILRTVault.LRTVaultUnsupportedAsset(asset);
        LRTVaultStorage.AssetSlot memory slot = $.slots[asset];
        LRTVaultStorage.AssetState storage st = $.states[asset];
        info.index = st.index;
        info.adapter = address($.prices[asset].adapter);
        info.price = $.prices[asset].price;
        info.outsideUnits = st.outsideUnits;
        info.bufferUnits = buffer($, asset);
        info.sharesPerUnit = slot.sharesPerUnit;
        info.headroom = slot.headroom;
        info.cap = st.cap;
        info.minDeposit = uint256(slot.minDepositGwei) * 1 gwei;
        info.expiry = slot.expiry;
        info.lidoShares = slot.flags & FLAG_LIDO != 0;
        info.paused = slot.flags & (FLAG_PAUSED | FLAG_ALL_PAUSED) != 0;
        info.tripped = slot.flags & FLAG_TRIPPED != 0;
        info.depositsOpen = slot.sharesPerUnit != 0 && slot.flags & CLOSED == 0 && block.timestamp <= slot.expiry;
    }

    /// @notice Per asset: the asset, its adapter, its stored price and its buffer.
    function syncInputs()
        public
        view
        returns (
            address[] memory list,
            address[] memory adapters,
            uint256[] memory prices,
            uint256[] memory bufferUnits
        )
    {
        LRTVaultStorage.VaultStorage storage $ = load();
        list = $.assets;
        uint256 n = list.length;
        adapters = new address[](n);
        prices = new uint256[](n);
        bufferUnits = new uint256[](n);
        for (uint256 i = 0; i < n; ++i) {
            LRTVaultStorage.PriceSlot memory ps = $.prices[list[i]];
            adapters[i] = address(ps.adapter);
            prices[i] = ps.price;
            bufferUnits[i] = buffer($, list[i]);
        }
    }

    function _checkAdapter(address asset, IPriceAdapter adapter) private view {
        if (address(adapter) == address(0) || adapter.asset() != asset) {
            revert ILRTVault.LRTVaultInvalidAdapter(asset, adapter);
        }
    }

    /// @dev Rounded up so the stored minimum never undercuts the configured one; uint64 / 1e9 fits in 40 bits.
    /// At least 1 gwei: the deposit path relies on a non-zero minimum to reject zero amounts.
    function _minGwei(uint64 minDeposit) private pure returns (uint40) {
        if (minDeposit == 0) revert ILRTVault.LRTVaultZeroAmount();
        return uint40(Math.ceilDiv(minDeposit, 1 gwei));
    }
}
