// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ILRTAccountant} from "./interfaces/ILRTAccountant.sol";
import {IPriceAdapter} from "./interfaces/IPriceAdapter.sol";

/// @title LRTVaultStorage
/// @notice The vault's storage layout: one ERC-7201 namespace, declared here so that `LRTVault` inherits it (the
/// upgrade-safety validation checks it there) and the `VaultAssets` library, which runs in the vault's storage,
/// shares it.
abstract contract LRTVaultStorage {
    /// @dev The deposit path's one slot per asset (exactly 256 bits).
    /// @param headroom units that may still be deposited (cap minus holdings, re-based at each sync)
    /// @param sharesPerUnit lrETH per 1e18 units at the deposit rate; zero before the first sync
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

    /// @dev Cold per-asset state. `excess`: units held above the cap (headroom is then zero), so that raising the
    /// cap first absorbs them. `outsideUnits`: restaked and queued units (last sync, moved since by restake and
    /// completion), the withdrawal queue's measure of what an asset can pay out besides its buffer.
    struct AssetState {
        uint96 cap;
        uint128 bufferCheckpoint;
        uint96 headroomCheckpoint;
        uint96 excess;
        uint8 index;
        uint128 outsideUnits;
    }

    /// @custom:storage-location erc7201:lrt.storage.LRTVault
    struct VaultStorage {
        mapping(address asset => AssetSlot) slots;
        mapping(address asset => AssetState) states;
        mapping(address asset => PriceSlot) prices;
        address[] assets;
        bool depositsPaused;
        ILRTAccountant accountant;
        address restakingManager;
        address withdrawalQueue;
    }
}
