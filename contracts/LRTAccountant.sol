// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {AccessManagedUpgradeable} from "@openzeppelin/contracts-upgradeable/access/manager/AccessManagedUpgradeable.sol";
import {ILRTAccountant} from "./interfaces/ILRTAccountant.sol";
import {ILRTVault} from "./interfaces/ILRTVault.sol";
import {IPriceAdapter} from "./interfaces/IPriceAdapter.sol";
import {IRestakingManager} from "./interfaces/IRestakingManager.sol";
import {LRTLinks} from "./interfaces/LRTLinks.sol";
import {RateAccounting} from "./libraries/RateAccounting.sol";
import {PriceBounds} from "./libraries/PriceBounds.sol";
import {UNIT} from "./libraries/Constants.sol";

/// @title LRTAccountant
/// @notice Keeps lrETH's rate. See `ILRTAccountant`.
/// @dev The arithmetic lives in libraries: `RateAccounting` (books, tranches, fee, high-water mark, deposit rate) and
/// `PriceBounds` (how fast a stored price may move). This contract values the vault (`_valuation`, the one valuation
/// both `sync` and the `valuation()` view use), stores the books and hands the vault its per-asset results.
contract LRTAccountant is
    Initializable,
    AccessManagedUpgradeable,
    UUPSUpgradeable,
    ReentrancyGuardTransient,
    ILRTAccountant
{
    using SafeCast for uint256;

    /// @notice The largest protocol fee: 20% of gains above the high-water mark.
    uint16 public constant MAX_FEE_BPS = 2_000;

    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    ILRTVault private immutable _vault;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    address private immutable _manager;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    address private immutable _queue;

    /// @dev `rate()` reads only the first two slots (base and tranches), so the queue's requests pay two storage reads
    /// for the rate.
    /// @custom:storage-location erc7201:lrt.storage.LRTAccountant
    struct AccountantStorage {
        uint128 base;
        uint128 amount1;
        uint40 start1;
        uint40 end1;
        uint40 start2;
        uint40 end2;
        uint96 amount2;
        uint128 heldBack;
        uint128 highWaterMark;
        uint128 lastValue;
        uint40 lastSync;
        uint40 recognizedAt;
        uint48 lastSyncBlock;
        uint32 streamWindow;
        uint32 maxRateAge;
        uint16 maxAprBps;
        uint16 feeBps;
        address treasury;
    }

    /// @notice Initial parameters (see `setStreaming` and `setFee`).
    struct InitParams {
        address treasury;
        uint16 feeBps;
        uint32 streamWindow;
        uint16 maxAprBps;
        uint32 maxRateAge;
    }

    // keccak256(abi.encode(uint256(keccak256("lrt.storage.LRTAccountant")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant STORAGE_LOCATION = 0xb1b1ac2a3f648778a173d45b795c01790edc6bf6a90ffc2c9010342d9181c300;

    /// @param suite the suite's proxies (the manager may be zero: no restaking side)
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(LRTLinks memory suite) {
        if (suite.vault == address(0) || suite.queue == address(0)) revert LRTAccountantZeroAddress();
        _vault = ILRTVault(suite.vault);
        _manager = suite.manager;
        _queue = suite.queue;
        _disableInitializers();
    }

    /// @notice Sets the access manager and the rate parameters; the rate starts at 1 and the APR bound's clock now.
    function initialize(address authority, InitParams calldata params) external initializer {
        if (authority == address(0)) revert LRTAccountantZeroAddress();
        __AccessManaged_init(authority);
        AccountantStorage storage $ = _accountant();
        $.base = uint128(UNIT);
        $.highWaterMark = uint128(UNIT);
        $.lastValue = uint128(UNIT);
        $.recognizedAt = uint40(block.timestamp);
        _setFee($, params.feeBps, params.treasury);
        _setStreaming($, params.streamWindow, params.maxAprBps, params.maxRateAge);
    }

    /// @inheritdoc ILRTAccountant
    function sync() external nonReentrant returns (SyncReport memory report) {
        AccountantStorage storage $ = _accountant();
        (Valuation memory v, uint256[] memory seen) = _valuation($);
        if (v.totalSupply == 0) revert LRTAccountantNotSeeded(address(_vault));
        RateAccounting.State memory state = _state($);
        report.previousRate = RateAccounting.rateAt(state, block.timestamp);
        (RateAccounting.State memory next, RateAccounting.Outcome memory out) = RateAccounting.sync(
            state,
            RateAccounting.Valuation(v.totalValue, v.exact, v.totalSupply),
            block.timestamp,
            RateAccounting.Params($.streamWindow, $.maxAprBps, $.feeBps)
        );
        _store($, next);
        $.lastValue = out.valuePerShare.toUint128();
        $.lastSync = uint40(block.timestamp);
        $.lastSyncBlock = uint48(block.number);
        report.totalValue = v.totalValue;
        report.totalSupply = out.supply;
        report.rate = RateAccounting.rateAt(next, block.timestamp);
        report.depositRate = out.depositRate;
        report.gainStreamed = out.streamed;
        report.gainHeldBack = out.heldBack;
        report.loss = out.loss;
        report.feeShares = out.feeShares;
        if (out.feeShares != 0) emit FeeMinted($.treasury, out.feeShares, out.feeAssets);
        if (out.loss != 0) emit LossRecognised(out.loss, Math.mulDiv(out.loss, out.supply, UNIT, Math.Rounding.Floor));
        else emit GainRecognised(out.streamed, out.heldBack);
        emit Synced(report.previousRate, report.rate, v.totalValue, out.supply);
        _publish($, v, seen, out);
    }

    /// @inheritdoc ILRTAccountant
    function recordSettlement(uint256 sharesBurned, uint256 valuePaid) external {
        if (msg.sender != _queue) revert LRTAccountantOnlyWithdrawalQueue(msg.sender, _queue);
        AccountantStorage storage $ = _accountant();
        // The queue syncs right before it settles, so the last sync's value per share is the value now.
        (uint256 mark, uint256 forfeited) = RateAccounting.markAfterSettlement(
            $.highWaterMark,
            $.lastValue,
            sharesBurned,
            valuePaid,
            _vault.totalSupply()
        );
        if (forfeited == 0) return;
        $.highWaterMark = mark.toUint128();
        emit HighWaterMarkRaised(forfeited, mark);
    }

    /// @inheritdoc ILRTAccountant
    function rate() external view returns (uint256) {
        return RateAccounting.rateAt(_state(_accountant()), block.timestamp);
    }

    /// @inheritdoc ILRTAccountant
    function pendingPerShare() external view returns (uint256) {
        AccountantStorage storage $ = _accountant();
        RateAccounting.State memory s = _state($);
        return Math.max($.lastValue, RateAccounting.books(s)) - RateAccounting.rateAt(s, block.timestamp);
    }

    /// @inheritdoc ILRTAccountant
    function freshness() external view returns (uint256 age, bool slashedSinceSync) {
        AccountantStorage storage $ = _accountant();
        age = block.timestamp - $.lastSync;
        // The block before the sync's: a slash earlier in the sync's own block may or may not be in the rate, so it
        // counts as "since" (a redundant sync at worst).
        if (_manager != address(0) && $.lastSyncBlock != 0) {
            slashedSinceSync = IRestakingManager(_manager).slashedSince($.lastSyncBlock - 1);
        }
    }

    /// @inheritdoc ILRTAccountant
    function books() external view returns (Books memory b) {
        AccountantStorage storage $ = _accountant();
        RateAccounting.State memory s = _state($);
        b = Books(
            s.base,
            s.amount1,
            s.start1,
            s.end1,
            s.amount2,
            s.start2,
            s.end2,
            s.heldBack,
            s.highWaterMark,
            s.recognizedAt,
            $.lastValue,
            $.lastSync,
            $.lastSyncBlock
        );
    }

    /// @inheritdoc ILRTAccountant
    function valuation() external view returns (Valuation memory v) {
        (v, ) = _valuation(_accountant());
    }

    /// @inheritdoc ILRTAccountant
    function parameters()
        external
        view
        returns (uint32 streamWindow, uint16 maxAprBps, uint32 maxRateAge, uint16 feeBps, address treasury)
    {
        AccountantStorage storage $ = _accountant();
        return ($.streamWindow, $.maxAprBps, $.maxRateAge, $.feeBps, $.treasury);
    }

    /// @inheritdoc ILRTAccountant
    function links() external view returns (ILRTVault vault, address manager, address queue) {
        return (_vault, _manager, _queue);
    }

    /// @inheritdoc ILRTAccountant
    function setStreaming(uint32 streamWindow, uint16 maxAprBps, uint32 maxRateAge) external restricted {
        _setStreaming(_accountant(), streamWindow, maxAprBps, maxRateAge);
    }

    /// @inheritdoc ILRTAccountant
    function setFee(uint16 feeBps, address treasury) external restricted {
        _setFee(_accountant(), feeBps, treasury);
    }

    /// @dev Every asset's buffer (the vault's records) and outside units (the restaking manager's slashing-aware
    /// positions, keyed by asset index), its protocol price bounded against the last sync's, and the total: each
    /// asset's value rounded down, and the exact sum scaled by 1e18. `seen[i]` is what the events of a price the bounds
    /// changed report: the adapter's price when clamped, the stored price when tripped.
    function _valuation(AccountantStorage storage $) private view returns (Valuation memory v, uint256[] memory seen) {
        v.totalSupply = _vault.totalSupply();
        ILRTVault.SyncInput[] memory inputs = _vault.syncInputs();
        uint256 n = inputs.length;
        v.assets = new AssetValue[](n);
        seen = new uint256[](n);
        if (_manager != address(0)) {
            IRestakingManager.AssetPosition[] memory positions = IRestakingManager(_manager).positions();
            for (uint256 p = 0; p < positions.length; ++p) {
                v.assets[positions[p].index].outside = positions[p].withdrawableUnits + positions[p].queuedUnits;
            }
        }
        uint256 elapsed = $.lastSync == 0 ? 0 : block.timestamp - $.lastSync;
        for (uint256 i = 0; i < n; ++i) {
            AssetValue memory a = v.assets[i];
            ILRTVault.SyncInput memory input = inputs[i];
            a.asset = input.asset;
            a.buffer = input.buffer;
            if (i == 0) {
                a.price = UNIT; // ETH
            } else {
                uint256 observed = 0;
                try IPriceAdapter(input.adapter).price() returns (uint256 p) {
                    observed = p;
                } catch {}
                PriceBounds.Outcome outcome;
                (a.price, outcome) = PriceBounds.bound(
                    input.price,
                    observed,
                    input.maxRiseBpsPerDay,
                    input.maxFallBps,
                    elapsed
                );
                a.outcome = uint8(outcome);
                if (outcome == PriceBounds.Outcome.Clamped) seen[i] = observed;
                else if (outcome == PriceBounds.Outcome.Tripped) seen[i] = input.price;
            }
            // Prices fit 96 bits (the vault stores them so) and holdings stay far below 2^120: no overflow.
            uint256 exact = (a.buffer + a.outside) * a.price;
            a.value = exact / UNIT; // rounded down
            v.totalValue += a.value;
            v.exact += exact;
        }
    }

    /// @dev Reports every price the bounds changed and hands the vault the fee, the prices, the outside units, the
    /// trips and, per asset, lrETH per unit at the deposit rate (rounded down), valid for `maxRateAge`.
    function _publish(
        AccountantStorage storage $,
        Valuation memory v,
        uint256[] memory seen,
        RateAccounting.Outcome memory out
    ) private {
        uint256 n = v.assets.length;
        ILRTVault.SyncUpdate memory update = ILRTVault.SyncUpdate(
            out.feeShares,
            $.treasury,
            uint64(block.timestamp + $.maxRateAge),
            new uint256[](n),
            new uint256[](n),
            new uint256[](n),
            new bool[](n)
        );
        for (uint256 i = 0; i < n; ++i) {
            AssetValue memory a = v.assets[i];
            update.prices[i] = a.price;
            update.outsideUnits[i] = a.outside;
            // A vault worth nothing (every asset lost) has no deposit rate: deposits close.
            // A price above 2^96 closes the asset's deposits in the vault (its lrETH per unit is then irrelevant);
            // below it the product fits. Rounded down.
            if (out.depositRate != 0 && a.price <= type(uint96).max) {
                update.sharesPerUnit[i] = (a.price * UNIT) / out.depositRate;
            }
            PriceBounds.Outcome outcome = PriceBounds.Outcome(a.outcome);
            if (outcome == PriceBounds.Outcome.Taken) continue;
            if (outcome == PriceBounds.Outcome.Clamped) {
                emit PriceClamped(a.asset, seen[i], a.price);
            } else if (outcome == PriceBounds.Outcome.Tripped) {
                update.tripped[i] = true;
                emit PriceTripped(a.asset, seen[i], a.price);
            } else {
                update.tripped[i] = true;
                emit PriceUnavailable(a.asset, a.price);
            }
        }
        _vault.applySync(update);
    }

    function _setStreaming(
        AccountantStorage storage $,
        uint32 streamWindow,
        uint16 maxAprBps,
        uint32 maxRateAge
    ) private {
        if (maxRateAge == 0 || maxRateAge > 7 days || streamWindow > 90 days) {
            revert LRTAccountantInvalidConfig(streamWindow, maxRateAge);
        }
        $.streamWindow = streamWindow;
        $.maxAprBps = maxAprBps;
        $.maxRateAge = maxRateAge;
        emit StreamingUpdated(streamWindow, maxAprBps, maxRateAge);
    }

    function _setFee(AccountantStorage storage $, uint16 feeBps, address treasury) private {
        if (feeBps > MAX_FEE_BPS) revert LRTAccountantFeeTooHigh(feeBps, MAX_FEE_BPS);
        if (treasury == address(0)) revert LRTAccountantZeroAddress();
        $.feeBps = feeBps;
        $.treasury = treasury;
        emit FeeUpdated(feeBps, treasury);
    }

    function _state(AccountantStorage storage $) private view returns (RateAccounting.State memory) {
        return
            RateAccounting.State(
                $.base,
                $.amount1,
                $.start1,
                $.end1,
                $.amount2,
                $.start2,
                $.end2,
                $.heldBack,
                $.highWaterMark,
                $.recognizedAt
            );
    }

    /// @dev Casts are checked (SafeCast) except times, which fit 40 bits until the year 36812.
    function _store(AccountantStorage storage $, RateAccounting.State memory s) private {
        $.base = s.base.toUint128();
        $.amount1 = s.amount1.toUint128();
        $.start1 = uint40(s.start1);
        $.end1 = uint40(s.end1);
        $.amount2 = s.amount2.toUint96();
        $.start2 = uint40(s.start2);
        $.end2 = uint40(s.end2);
        $.heldBack = s.heldBack.toUint128();
        $.highWaterMark = s.highWaterMark.toUint128();
        $.recognizedAt = uint40(s.recognizedAt);
    }

    /// @dev Upgrades are restricted like any admin function.
    function _authorizeUpgrade(address) internal override restricted {}

    function _accountant() private pure returns (AccountantStorage storage $) {
        assembly {
            $.slot := STORAGE_LOCATION
        }
    }
}
