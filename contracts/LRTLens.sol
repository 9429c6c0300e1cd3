// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ILRTAccountant} from "./interfaces/ILRTAccountant.sol";
import {ILRTLens} from "./interfaces/ILRTLens.sol";
import {ILRTVault} from "./interfaces/ILRTVault.sol";
import {IRestakingManager} from "./interfaces/IRestakingManager.sol";
import {UNIT} from "./libraries/Constants.sol";

/// @title LRTLens
/// @notice Read-only TVL breakdown of an lrt-vault deployment for dApps. See `ILRTLens`.
/// @dev Stateless and not upgradeable: it holds nothing and reads every address from the vault it is given, so one
/// deployment serves any number of vaults and a new version is simply a new deployment.
contract LRTLens is ILRTLens {
    /// @inheritdoc ILRTLens
    function summary(ILRTVault vault) external view returns (VaultSummary memory s) {
        (address accountant, address manager, ) = vault.links();
        if (accountant == address(0)) revert LRTLensNotWired(address(vault));
        _readBooks(vault, ILRTAccountant(accountant), s);
        _readAssets(vault, manager, s);
        s.unrecognised =
            SafeCast.toInt256(s.liveAssets) -
            SafeCast.toInt256(s.totalAssets) -
            SafeCast.toInt256(s.pendingGains);
        if (manager != address(0)) s.positions = IRestakingManager(manager).delegatorPositions();
    }

    /// @dev The recognised side: rate, supply, totalAssets, pending gains (rounded down), last sync, expiry, HWM,
    /// freshness.
    function _readBooks(ILRTVault vault, ILRTAccountant accountant, VaultSummary memory s) private view {
        s.rate = vault.getRate();
        s.totalSupply = vault.totalSupply();
        s.totalAssets = vault.totalAssets();
        s.pendingGains = Math.mulDiv(accountant.pendingPerShare(), s.totalSupply, UNIT);
        ILRTAccountant.Books memory b = accountant.books();
        (s.highWaterMark, s.lastSync) = (b.highWaterMark, b.lastSync);
        (, , uint32 maxRateAge, , ) = accountant.parameters();
        s.rateExpiry = s.lastSync == 0 ? 0 : s.lastSync + maxRateAge;
        (, s.slashedSinceSync) = accountant.freshness();
    }

    /// @dev The live side: per asset, the vault's record (with the price stored at the last sync), the manager's
    /// restaked and queued units and their value (rounded down); the total of all units, rounded down once.
    function _readAssets(ILRTVault vault, address manager, VaultSummary memory s) private view {
        address[] memory list = vault.assets();
        IRestakingManager.AssetPosition[] memory positions =
            manager == address(0) ? new IRestakingManager.AssetPosition[](0) : IRestakingManager(manager).positions();
        s.assets = new AssetSummary[](list.length);
        uint256 exact = 0;
        for (uint256 i = 0; i < list.length; ++i) {
            AssetSummary memory a = s.assets[i];
            a.asset = list[i];
            a.info = vault.assetInfo(list[i]);
            a.price = a.info.price;
            for (uint256 p = 0; p < positions.length; ++p) {
                if (positions[p].asset == list[i]) {
                    a.restakedUnits += positions[p].withdrawableUnits;
                    a.queuedUnits += positions[p].queuedUnits;
                }
            }
            uint256 units = a.info.bufferUnits + a.restakedUnits + a.queuedUnits;
            a.value = Math.mulDiv(units, a.price, UNIT);
            exact += units * a.price;
        }
        // Rounded down once for all assets, as the accountant's sync compares the value with its books.
        s.liveAssets = exact / UNIT;
    }
}
