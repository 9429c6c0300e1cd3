// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ILRTAccountant} from "./interfaces/ILRTAccountant.sol";
import {ILRTLens} from "./interfaces/ILRTLens.sol";
import {ILRTVault} from "./interfaces/ILRTVault.sol";
import {IRestakingManager, EigenLayerLinks} from "./interfaces/IRestakingManager.sol";
import {IWithdrawalQueue} from "./interfaces/IWithdrawalQueue.sol";
import {IPriceAdapter} from "./interfaces/IPriceAdapter.sol";
import {ILidoShares} from "./interfaces/external/ILidoShares.sol";
import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {ETH, UNIT} from "./libraries/Constants.sol";
import {Payouts} from "./libraries/Payouts.sol";

/// @title LRTLens
/// @notice Read-only views of an lrt-vault deployment for dApps: the TVL breakdown, deposit previews with a reason,
/// withdrawal requests with their expected payout, the address book. See `ILRTLens`.
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

    /// @inheritdoc ILRTLens
    function previewDeposit(
        ILRTVault vault,
        address asset,
        uint256 amount
    ) external view returns (uint256 shares, DepositCheck check) {
        if (asset != ETH && !vault.isAsset(asset)) return (0, DepositCheck.UnsupportedAsset);
        ILRTVault.AssetInfo memory info = vault.assetInfo(asset);
        // The vault's order: priced, open, fresh, above the minimum (zero first), a usable market price, headroom.
        if (info.sharesPerUnit == 0) return (0, DepositCheck.UnsupportedAsset);
        if (info.tripped) return (0, DepositCheck.PriceTripped);
        if (info.paused) return (0, DepositCheck.DepositsPaused);
        if (block.timestamp > info.expiry) return (0, DepositCheck.RateStale);
        if (amount == 0) return (0, DepositCheck.ZeroAmount);
        if (amount < info.minDeposit) return (0, DepositCheck.BelowMinimum);
        if (asset != ETH && !_marketOk(IPriceAdapter(info.adapter))) return (0, DepositCheck.MarketPriceUnavailable);
        uint256 units = info.lidoShares ? ILidoShares(asset).getSharesByPooledEth(amount) : amount;
        if (units > info.headroom) return (0, DepositCheck.CapExceeded);
        shares = vault.previewDeposit(asset, amount);
        if (shares == 0) return (0, DepositCheck.ZeroShares);
    }

    /// @inheritdoc ILRTLens
    function requestView(ILRTVault vault, uint256 requestId) external view returns (RequestView memory v) {
        (, , address queueAddress) = vault.links();
        IWithdrawalQueue queue = IWithdrawalQueue(queueAddress);
        IWithdrawalQueue.Request memory r = queue.getRequest(requestId);
        v.requestId = requestId;
        v.request = r;
        try IERC721(queueAddress).ownerOf(requestId) returns (address owner) {
            v.owner = owner;
        } catch {}
        ILRTVault.Route memory route = vault.route(r.asset);
        if (r.status == 1) {
            // As `finalize` would pay it now: the lower of the value at request and now, in units at the payout
            // price (each rounded down), never more units than at request.
            v.payoutPrice = Payouts.price(IPriceAdapter(route.adapter), route.price);
            if (v.payoutPrice != 0) {
                (v.expectedUnits, v.expectedValue) = Payouts.payout(
                    r.shares,
                    r.rateAtRequest,
                    vault.getRate(),
                    v.payoutPrice,
                    r.payoutUnits
                );
            }
        } else if (r.status == 2 || r.status == 3) {
            (v.expectedUnits, v.expectedValue) = (r.payoutUnits, r.payoutValue);
            v.claimable = r.status == 2;
        }
        v.expectedTokens =
            route.lidoShares ? ILidoShares(r.asset).getPooledEthByShares(v.expectedUnits) : v.expectedUnits;
    }

    /// @inheritdoc ILRTLens
    function addressBook(ILRTVault vault) external view returns (AddressBook memory book) {
        book.vault = address(vault);
        (book.accountant, book.restakingManager, book.withdrawalQueue) = vault.links();
        book.accessManager = IAccessManaged(address(vault)).authority();
        book.lens = address(this);
        if (book.restakingManager != address(0)) {
            (, EigenLayerLinks memory el) = IRestakingManager(book.restakingManager).links();
            (book.strategyManager, book.delegationManager, book.rewardsCoordinator) = (
                el.strategyManager,
                el.delegationManager,
                el.rewardsCoordinator
            );
        }
        book.assets = vault.assets();
        uint256 n = book.assets.length;
        book.adapters = new address[](n);
        book.strategies = new address[](n);
        for (uint256 i = 0; i < n; ++i) {
            (IPriceAdapter adapter, ) = vault.priceOf(book.assets[i]);
            book.adapters[i] = address(adapter);
            book.strategies[i] = address(vault.strategyOf(book.assets[i]));
        }
    }

    /// @dev Whether the adapter's market leg is usable now (a reverting adapter counts as unusable).
    function _marketOk(IPriceAdapter adapter) private view returns (bool ok) {
        try adapter.quote() returns (uint256, uint256, bool marketOk) {
            ok = marketOk;
        } catch {}
    }
}
