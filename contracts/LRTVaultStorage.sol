// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IPriceAdapter} from "./interfaces/IPriceAdapter.sol";
import {IStrategy} from "./interfaces/external/eigenlayer/IStrategy.sol";

/// @title LRTVaultStorage
/// @notice The vault's storage layout: one ERC-7201 namespace, declared here so that `LRTVault` inherits it (the
/// upgrade-safety validation checks it there) and the `VaultAssets` library, which runs in the vault's storage,
/// shares it. Per asset, four records sized by who reads them:
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
    struct AssetSlot {
        uint96 headroom;
        uint72 sharesPerUnit;
        uint40 expiry;
        uint40 minDepositGwei;
        uint8 flags;
    }

    /// @dev An LST deposit's price inputs, one slot: the adapter it calls and the price stored at the last sync.
    struct PriceSlot {
        IPriceAdapter adapter;
        uint96 price;
    }

    /// @dev The buffer checkpoints, the price bounds, the index and whether the asset has a strategy, one slot (a
    /// sync reads it per asset; `restaked` spares it the `Restaking` slot of every asset that has no strategy).
    struct Books {
        uint112 bufferCheckpoint;
        uint96 headroomCheckpoint;
        uint16 maxRiseBpsPerDay;
        uint16 maxFallBps;
        uint8 index;
        bool restaked;
    }

    /// @dev The asset's strategy and the units it has restaked or queued in EigenLayer, one slot.
    struct Restaking {
        IStrategy strategy;
        uint96 outsideUnits;
    }

    /// @dev The cap and the units deposited above a lowered cap (headroom is then zero), so that raising the cap
    /// first absorbs them.
    struct Limits {
        uint96 cap;
        uint96 excess;
    }

    struct AssetState {
        Books books;
        Restaking restaking;
        Limits limits;
    }

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
