// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IPriceAdapter} from "./interfaces/IPriceAdapter.sol";
import {IStrategy} from "./interfaces/external/eigenlayer/IStrategy.sol";

/// @title LRTVaultStorage
/// @notice The vault's storage layout: one ERC-7201 namespace, declared here so that `LRTVault` inherits it (the
/// upgrade-safety validation checks it there) and the `VaultRecords` and `VaultAssets` libraries, which run in the
/// vault's storage, share it. Per asset, four records sized by who reads them:
/// - `AssetSlot`: the deposit path's one slot, read and written by every deposit and by every sync;
/// - `PriceSlot`: read by every LST deposit and every sync;
/// - `AssetState.books`: the buffer checkpoints and price bounds, read by every sync and buffer move;
/// - `AssetState.restaking` (strategy, outside units) and `AssetState.limits` (cap, excess): restaking and admin.
/// Buffers are internal accounting: `buffer = bufferCheckpoint + headroomCheckpoint - headroom`; a deposit only
/// lowers `headroom`, and every other flow first folds the deposits since the last checkpoint into
/// `bufferCheckpoint`.
abstract contract LRTVaultStorage {
    /// @dev The deposit path's one slot per asset (exactly 256 bits).
    /// @param headroom units that may still be deposited (cap minus net deposits)
    /// @param sharesPerUnit lrETH per 1e18 units at the deposit rate and the stored price; zero before the first sync
    /// @param expiry deposits revert after it until the next sync
    /// @param minDepositGwei minimum deposit in 1e9 token units
    /// @param flags paused (the asset, or all), price tripped, counted in Lido shares
    struct AssetSlot {
        uint96 headroom;
        uint72 sharesPerUnit;
        uint40 expiry;
        uint40 minDepositGwei;
        uint8 flags;
    }

    /// @dev An LST deposit's price inputs, one slot: the adapter it calls and the price stored at the last sync.
    /// @param adapter the asset's price adapter (zero for ETH)
    /// @param price ETH per 1e18 units, stored by the last sync (ETH: 1e18)
    struct PriceSlot {
        IPriceAdapter adapter;
        uint96 price;
    }

    /// @dev The buffer checkpoints, the price bounds, the index and whether the asset has a strategy, one slot (a
    /// sync reads it per asset; `restaked` spares it the `Restaking` slot of every asset that has no strategy).
    /// @param bufferCheckpoint units held at the last checkpoint
    /// @param headroomCheckpoint headroom at the last checkpoint
    /// @param maxRiseBpsPerDay how fast the stored price may rise (bps per day)
    /// @param maxFallBps the largest fall taken without tripping (bps)
    /// @param index the asset's index in `assets`
    /// @param restaked whether the asset has a strategy
    struct Books {
        uint112 bufferCheckpoint;
        uint96 headroomCheckpoint;
        uint16 maxRiseBpsPerDay;
        uint16 maxFallBps;
        uint8 index;
        bool restaked;
    }

    /// @dev The asset's strategy and the units it has restaked or queued in EigenLayer, one slot.
    /// @param strategy the EigenLayer strategy (zero: none)
    /// @param outsideUnits units restaked or queued, as of the last sync and moved since by restakes and completions
    struct Restaking {
        IStrategy strategy;
        uint96 outsideUnits;
    }

    /// @dev The cap and the units deposited above a lowered cap (headroom is then zero), so that raising the cap
    /// first absorbs them.
    /// @param cap the most units net deposits may reach
    /// @param excess net deposits above a lowered cap
    struct Limits {
        uint96 cap;
        uint96 excess;
    }

    /// @dev An asset's records other than the deposit and price slots.
    /// @param books the buffer checkpoints, price bounds, index and restaked flag
    /// @param restaking the strategy and outside units
    /// @param limits the cap and excess
    struct AssetState {
        Books books;
        Restaking restaking;
        Limits limits;
    }

    /// @param slots the deposit slot of each asset
    /// @param prices the price slot of each asset
    /// @param states the other records of each asset
    /// @param assets the listed assets, ETH first (index = position)
    /// @param depositsPaused every asset's deposits are paused
    /// @param strategyCount how many assets have a strategy
    /// @custom:storage-location erc7201:lrt.storage.LRTVault
    struct VaultStorage {
        mapping(address asset => AssetSlot) slots;
        mapping(address asset => PriceSlot) prices;
        mapping(address asset => AssetState) states;
        address[] assets;
        bool depositsPaused;
        uint8 strategyCount;
    }
}
