// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ILRTVault} from "../interfaces/ILRTVault.sol";
import {ILidoShares} from "../interfaces/external/ILidoShares.sol";
import {ETH} from "./Constants.sol";
import {LRTVaultStorage} from "../LRTVaultStorage.sol";

/// @title VaultRecords
/// @notice The vault's asset records on the hot path: its storage, the deposit checks, the buffer and the token pull.
/// Every function is `internal`, so the deposit path inlines them into the vault; the cold paths on the same records
/// (listing, limits, syncs applied, settlements, views) are `VaultAssets`', which the vault reaches by DELEGATECALL.
library VaultRecords {
    using SafeCast for uint256;
    using SafeERC20 for IERC20;

    /// @notice The largest number of supported assets (bounds every sync).
    uint256 internal constant MAX_ASSETS = 8;
    /// @notice The most assets that restake (bounds every sync: the restaking manager's valuation loops over them).
    uint256 internal constant MAX_STRATEGIES = 4;

    uint8 internal constant FLAG_PAUSED = 1;
    uint8 internal constant FLAG_ALL_PAUSED = 2;
    uint8 internal constant FLAG_TRIPPED = 4;
    uint8 internal constant FLAG_LIDO = 8;
    uint8 internal constant CLOSED = FLAG_PAUSED | FLAG_ALL_PAUSED | FLAG_TRIPPED;

    // keccak256(abi.encode(uint256(keccak256("lrt.storage.LRTVault")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant STORAGE_LOCATION = 0xfd83259db36edce72f8e3f1be996e6b42e3656d2b9e49b7cd0f6c6441c5b6900;

    /// @dev The deposit checks that need nothing but the asset's slot: supported, open, fresh, above the minimum.
    function checkDeposit(address asset, LRTVaultStorage.AssetSlot memory slot, uint256 amount) internal view {
        if (slot.sharesPerUnit == 0) revert ILRTVault.LRTVaultUnsupportedAsset(asset);
        if (slot.flags & CLOSED != 0) revert ILRTVault.LRTVaultDepositsPaused(asset);
        if (block.timestamp > slot.expiry) revert ILRTVault.LRTVaultRateStale(slot.expiry);
        uint256 minimum = uint256(slot.minDepositGwei) * 1 gwei;
        // The minimum is at least 1 gwei (enforced when configured), so zero is caught here and told apart only
        // on the failure path.
        if (amount < minimum) {
            if (amount == 0) revert ILRTVault.LRTVaultZeroAmount(asset);
            revert ILRTVault.LRTVaultBelowMinimum(asset, amount, minimum);
        }
    }

    /// @dev `perUnit * live / stored` when live < stored (rounded down), else `perUnit`: a deposit is never priced
    /// above the stored price, nor above the live one. `stored` is non-zero whenever `perUnit` is (set together).
    function scaled(uint256 perUnit, uint256 live, uint256 stored) internal pure returns (uint256) {
        return live >= stored ? perUnit : Math.mulDiv(perUnit, live, stored);
    }

    /// @dev The units the vault holds of `asset` (see `LRTVaultStorage`).
    function buffer(LRTVaultStorage.VaultStorage storage $, address asset) internal view returns (uint256) {
        LRTVaultStorage.Books storage b = $.states[asset].books;
        return uint256(b.bufferCheckpoint) + b.headroomCheckpoint - $.slots[asset].headroom;
    }

    /// @dev Folds deposits since the last checkpoint into the buffer checkpoint; returns the buffer.
    function checkpoint(LRTVaultStorage.VaultStorage storage $, address asset) internal returns (uint256 units) {
        units = buffer($, asset);
        LRTVaultStorage.Books storage b = $.states[asset].books;
        b.bufferCheckpoint = units.toUint112();
        b.headroomCheckpoint = $.slots[asset].headroom;
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

    /// @dev Pulls `amount` of `asset` from `from`; returns the accounting units that arrived. Reverts if the token
    /// delivered less than asked (stETH: more than 2 wei less, its own share rounding).
    function pull(address asset, uint256 amount, address from, bool lido) internal returns (uint256 units) {
        if (lido) {
            ILidoShares steth = ILidoShares(asset);
            uint256 before = steth.sharesOf(address(this));
            IERC20(asset).safeTransferFrom(from, address(this), amount);
            units = steth.sharesOf(address(this)) - before;
            uint256 received = steth.getPooledEthByShares(units);
            if (received + 2 < amount) revert ILRTVault.LRTVaultShortDelivery(asset, amount, received);
        } else {
            uint256 before = IERC20(asset).balanceOf(address(this));
            IERC20(asset).safeTransferFrom(from, address(this), amount);
            uint256 received = IERC20(asset).balanceOf(address(this)) - before;
            if (received < amount) revert ILRTVault.LRTVaultShortDelivery(asset, amount, received);
            units = amount;
        }
    }
}
