// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {AccessManagedUpgradeable} from "@openzeppelin/contracts-upgradeable/access/manager/AccessManagedUpgradeable.sol";
import {ILRTAccountant} from "./interfaces/ILRTAccountant.sol";
import {ILRTOracle} from "./interfaces/ILRTOracle.sol";
import {ILRTVault} from "./interfaces/ILRTVault.sol";
import {IRestakingManager} from "./interfaces/IRestakingManager.sol";
import {RateAccounting} from "./libraries/RateAccounting.sol";
import {UNIT} from "./libraries/Constants.sol";

/// @notice The vault's link view, as the accountant reads it.
interface IVaultLinks {
    function links() external view returns (address accountant, address restakingManager, address withdrawalQueue);
}

/// @title LRTAccountant
/// @notice Keeps lrETH's rate. See `ILRTAccountant`.
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

    /// @dev `rate()` reads only the first two slots after the links (base and tranches), so the queue's requests pay
    /// two storage reads for the rate.
    /// @custom:storage-location erc7201:lrt.storage.LRTAccountant
    struct AccountantStorage {
        ILRTVault vault;
        ILRTOracle oracle;
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

    /// @dev What a sync found: per asset (vault order) holdings, bounded price and trip; the total in ETH (each asset
    /// rounded down), and `exact`, the total before rounding, scaled by 1e18 (the sum of holdings x price).
    struct Valuation {
        address[] assets;
        uint256[] holdings;
        uint256[] prices;
        bool[] tripped;
        uint256 value;
        uint256 exact;
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

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @notice Sets the access manager, the vault and oracle, and the rate parameters; the rate starts at 1 and the
    /// APR bound's clock now.
    function initialize(
        address authority,
        ILRTVault vault,
        ILRTOracle oracle,
        InitParams calldata params
    ) external initializer {
        if (authority == address(0) || address(vault) == address(0) || address(oracle) == address(0)) {
            revert LRTAccountantZeroAddress();
        }
        __AccessManaged_init(authority);
        AccountantStorage storage $ = _accountant();
        $.vault = vault;
        $.oracle = oracle;
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
        report.totalSupply = $.vault.totalSupply();
        if (report.totalSupply == 0) revert LRTAccountantNotSeeded();
        Valuation memory valuation = _value($);
        report.totalValue = valuation.value;
        _book($, report, valuation.exact);
        _publish($, valuation, report);
    }

    /// @inheritdoc ILRTAccountant
    function recordSettlement(uint256 sharesBurned, uint256 valuePaid) external {
        AccountantStorage storage $ = _accountant();
        (, , address queue) = IVaultLinks(address($.vault)).links();
        if (msg.sender != queue) revert LRTAccountantOnlyWithdrawalQueue(msg.sender);
        // What the burned shares were worth at the last sync (the queue syncs right before it settles), rounded
        // down; the requests were paid at most their rate value.
        uint256 owed = Math.mulDiv(sharesBurned, $.lastValue, UNIT);
        uint256 supply = $.vault.totalSupply();
        if (owed <= valuePaid || supply == 0) return;
        uint256 forfeited = owed - valuePaid;
        // Rounded up: a higher mark only lowers the fee.
        uint256 mark = uint256($.highWaterMark) + Math.mulDiv(forfeited, UNIT, supply, Math.Rounding.Ceil);
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
        (, address manager, ) = IVaultLinks(address($.vault)).links();
        // The block before the sync's: a slash earlier in the sync's own block may or may not be in the rate, so it
        // counts as "since" (a redundant sync at worst).
        if (manager != address(0) && $.lastSyncBlock != 0) {
            slashedSinceSync = IRestakingManager(manager).slashedSince($.lastSyncBlock - 1);
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
    function parameters()
        external
        view
        returns (uint32 streamWindow, uint16 maxAprBps, uint32 maxRateAge, uint16 feeBps, address treasury)
    {
        AccountantStorage storage $ = _accountant();
        return ($.streamWindow, $.maxAprBps, $.maxRateAge, $.feeBps, $.treasury);
    }

    /// @inheritdoc ILRTAccountant
    function links() external view returns (ILRTVault vault, ILRTOracle oracle) {
        AccountantStorage storage $ = _accountant();
        return ($.vault, $.oracle);
    }

    /// @inheritdoc ILRTAccountant
    function setStreaming(uint32 streamWindow, uint16 maxAprBps, uint32 maxRateAge) external restricted {
        _setStreaming(_accountant(), streamWindow, maxAprBps, maxRateAge);
    }

    /// @inheritdoc ILRTAccountant
    function setFee(uint16 feeBps, address treasury) external restricted {
        _setFee(_accountant(), feeBps, treasury);
    }

    /// @dev Every asset's holdings (vault buffer + restaked + queued units), the oracle's bounded prices, the total.
    function _value(AccountantStorage storage $) private returns (Valuation memory v) {
        address[] memory adapters;
        uint256[] memory previous;
        (v.assets, adapters, previous, v.holdings) = $.vault.syncInputs();
        (, address manager, ) = IVaultLinks(address($.vault)).links();
        if (manager != address(0)) {
            IRestakingManager.AssetPosition[] memory positions = IRestakingManager(manager).positions();
            for (uint256 p = 0; p < positions.length; ++p) {
                for (uint256 i = 0; i < v.assets.length; ++i) {
                    if (v.assets[i] == positions[p].asset) {
                        v.holdings[i] += positions[p].withdrawableUnits + positions[p].queuedUnits;
                    }
                }
            }
        }
        (v.prices, v.tripped) = $.oracle.refresh(v.assets, adapters, previous);
        for (uint256 i = 0; i < v.assets.length; ++i) {
            v.value += Math.mulDiv(v.holdings[i], v.prices[i], UNIT);
            // Prices fit 96 bits (the vault stores them so) and holdings stay far below 2^120: no overflow.
            v.exact += v.holdings[i] * v.prices[i];
        }
    }

    /// @dev Takes the fee on value above the high-water mark, then books the gain or loss. `exact` is the value
    /// before the per-asset rounding, scaled by 1e18.
    function _book(AccountantStorage storage $, SyncReport memory report, uint256 exact) private {
        RateAccounting.State memory state = _state($);
        uint256 supply = report.totalSupply;
        report.previousRate = RateAccounting.rateAt(state, block.timestamp);
        uint256 valuePerShare = Math.mulDiv(report.totalValue, UNIT, supply);
        // The per-asset floors of `totalValue` are not a loss. A deposit pays for its lrETH with its units' exact
        // value, which those floors can cut by up to a wei; when the value per lrETH sits within that of an integer,
        // the floored value per lrETH falls 1 wei below the books with nothing lost. If the exact value still covers
        // the books (base + tranches + held back), they stand.
        uint256 held = RateAccounting.books(state);
        if (valuePerShare < held && exact / supply >= held) valuePerShare = held;
        uint256 feePerShare = RateAccounting.feeOn(state, valuePerShare, $.feeBps);
        if (feePerShare != 0) {
            // Mint m so the treasury's shares are worth the fee: value / (supply + m) = valuePerShare - fee.
            uint256 feeAssets = Math.mulDiv(feePerShare, supply, UNIT);
            report.feeShares = Math.mulDiv(feeAssets, supply, report.totalValue - feeAssets);
            supply += report.feeShares;
            valuePerShare = Math.mulDiv(report.totalValue, UNIT, supply);
            if (report.feeShares != 0) emit FeeMinted($.treasury, report.feeShares, feeAssets);
        }
        (RateAccounting.State memory next, RateAccounting.Outcome memory out) = RateAccounting.book(
            state,
            valuePerShare,
            block.timestamp,
            RateAccounting.Params($.streamWindow, $.maxAprBps)
        );
        _store($, next);
        $.lastValue = valuePerShare.toUint128();
        $.lastSync = uint40(block.timestamp);
        $.lastSyncBlock = uint48(block.number);
        report.totalSupply = supply;
        report.rate = RateAccounting.rateAt(next, block.timestamp);
        report.gainStreamed = out.streamed;
        report.gainHeldBack = out.heldBack;
        report.loss = out.loss;
        if (out.loss != 0) emit LossRecognised(out.loss, Math.mulDiv(out.loss, supply, UNIT));
        else emit GainRecognised(out.streamed, out.heldBack);
        emit Synced(report.previousRate, report.rate, report.totalValue, supply);
    }

    /// @dev Hands the vault the fee, the prices and, per asset, lrETH per unit at the deposit rate (rounded down), the
    /// expiry and the holdings for the cap headroom.
    function _publish(AccountantStorage storage $, Valuation memory v, SyncReport memory report) private {
        uint256 expiry = block.timestamp + $.maxRateAge;
        // The value per lrETH this sync found (after the fee), rounded up: the rate plus every gain still pending,
        // booked or not. New lrETH shares in those gains as they vest, so it must pay for them: priced any lower, a
        // deposit would take gains earned before it came and the next sync would book the shortfall as a loss,
        // lowering the rate with nothing lost. Never below the books (they stand above the floored value when
        // `_book` found only rounding), so the exact value per lrETH never falls below them with deposits.
        report.depositRate = Math.max(
            Math.mulDiv(report.totalValue, UNIT, report.totalSupply, Math.Rounding.Ceil),
            RateAccounting.books(_state($))
        );
        uint256[] memory sharesPerUnit = new uint256[](v.assets.length);
        for (uint256 i = 0; i < v.assets.length; ++i) {
            sharesPerUnit[i] = report.depositRate == 0 ? 0 : Math.mulDiv(v.prices[i], UNIT, report.depositRate);
        }
        $.vault.applySync(
            ILRTVault.SyncUpdate(
                report.feeShares,
                $.treasury,
                uint64(expiry),
                v.prices,
                sharesPerUnit,
                v.holdings,
                v.tripped
            )
        );
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
