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
        (address accountantAddress, address manager, ) = vault.links();
        ILRTAccountant accountant = ILRTAccountant(accountantAddress);
        s.rate = vault.getRate();
        s.totalSupply = vault.totalSupply();
        s.totalAssets = vault.totalAssets();
        s.pendingGains = Math.mulDiv(accountant.pendingPerShare(), s.totalSupply, UNIT, Math.Rounding.Floor);
        ILRTAccountant.Books memory b = accountant.books();
        (s.highWaterMark, s.lastSync) = (b.highWaterMark, b.lastSync);
        (, , uint32 maxRateAge, , ) = accountant.parameters();
        s.rateExpiry = s.lastSync == 0 ? 0 : s.lastSync + maxRateAge;
        (, s.slashedSinceSync) = accountant.freshness();
        ILRTAccountant.Valuation memory v = accountant.valuation();
        s.assets = new AssetSummary[](v.assets.length);
        for (uint256 i = 0; i < v.assets.length; ++i) {
            s.assets[i] = AssetSummary(vault.assetInfo(v.assets[i].asset), v.assets[i]);
        }
        // Rounded down once for all assets, as the sync compares the value with its books.
        s.liveAssets = v.exact / UNIT;
        s.unrecognised =
            SafeCast.toInt256(s.liveAssets) -
            SafeCast.toInt256(s.totalAssets) -
            SafeCast.toInt256(s.pendingGains);
        if (manager != address(0)) s.positions = IRestakingManager(manager).delegatorPositions();
    }
}
