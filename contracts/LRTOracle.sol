// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {AccessManagedUpgradeable} from "@openzeppelin/contracts-upgradeable/access/manager/AccessManagedUpgradeable.sol";
import {ILRTOracle} from "./interfaces/ILRTOracle.sol";
import {IPriceAdapter} from "./interfaces/IPriceAdapter.sol";
import {BPS, ETH, UNIT} from "./libraries/Constants.sol";

/// @title LRTOracle
/// @notice lrt-vault's time-bounded price filter. See `ILRTOracle`.
/// @dev Holds no price: the vault stores the bounded price (its deposit path reads it), the oracle only the bounds
/// and each asset's last refresh time, so every fact has one home.
contract LRTOracle is Initializable, AccessManagedUpgradeable, UUPSUpgradeable, ILRTOracle {
    /// @notice The largest daily rise bound: 10% a day (LST exchange rates move by a few bps a day).
    uint16 public constant MAX_RISE_BPS_PER_DAY = 1_000;

    /// @custom:storage-location erc7201:lrt.storage.LRTOracle
    struct OracleStorage {
        address accountant;
        mapping(address asset => Bounds) bounds;
    }

    // keccak256(abi.encode(uint256(keccak256("lrt.storage.LRTOracle")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant STORAGE_LOCATION = 0xef4c3dd9809f3c469cb010f591f7b8567b64ed6b8f372cd6f14260ea218c6a00;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @notice Sets the access manager.
    function initialize(address authority) external initializer {
        if (authority == address(0)) revert LRTOracleZeroAddress();
        __AccessManaged_init(authority);
    }

    /// @inheritdoc ILRTOracle
    function setBounds(address asset, uint16 maxRiseBpsPerDay, uint16 maxFallBps) external restricted {
        if (asset == address(0) || asset == ETH) revert LRTOracleZeroAddress();
        if (maxRiseBpsPerDay > MAX_RISE_BPS_PER_DAY || maxFallBps == 0 || maxFallBps > BPS) {
            revert LRTOracleInvalidBounds(asset, maxRiseBpsPerDay, maxFallBps);
        }
        Bounds storage b = _oracle().bounds[asset];
        b.maxRiseBpsPerDay = maxRiseBpsPerDay;
        b.maxFallBps = maxFallBps;
        emit BoundsSet(asset, maxRiseBpsPerDay, maxFallBps);
    }

    /// @inheritdoc ILRTOracle
    function setAccountant(address newAccountant) external restricted {
        if (newAccountant == address(0)) revert LRTOracleZeroAddress();
        _oracle().accountant = newAccountant;
        emit AccountantSet(newAccountant);
    }

    /// @inheritdoc ILRTOracle
    function refresh(
        address[] calldata assets,
        address[] calldata adapters,
        uint256[] calldata previous
    ) external returns (uint256[] memory prices, bool[] memory tripped) {
        OracleStorage storage $ = _oracle();
        if (msg.sender != $.accountant) revert LRTOracleOnlyAccountant(msg.sender);
        uint256 n = assets.length;
        if (adapters.length != n || previous.length != n) revert LRTOracleBadInput();
        prices = new uint256[](n);
        tripped = new bool[](n);
        for (uint256 i = 0; i < n; ++i) {
            if (assets[i] == ETH) {
                prices[i] = UNIT;
                continue;
            }
            uint256 observed = 0;
            try IPriceAdapter(adapters[i]).price() returns (uint256 p) {
                observed = p;
            } catch {}
            (prices[i], tripped[i]) = _bound($, assets[i], observed, previous[i]);
        }
        emit PricesRefreshed(assets, prices);
    }

    /// @inheritdoc ILRTOracle
    function boundsOf(address asset) external view returns (Bounds memory) {
        return _oracle().bounds[asset];
    }

    /// @inheritdoc ILRTOracle
    function accountant() external view returns (address) {
        return _oracle().accountant;
    }

    /// @dev The price to use for `observed` given `previous`: a rise clamped to `previous` plus
    /// `previous * maxRiseBpsPerDay * elapsed / (10000 * 1 day)` (rounded down, so never above the bound), a fall
    /// taken as it is and flagged when deeper than `maxFallBps` of `previous`. Records the refresh time. No price
    /// (`observed` 0: the adapter failed) keeps `previous`, trips, and leaves the clock as it was.
    function _bound(
        OracleStorage storage $,
        address asset,
        uint256 observed,
        uint256 previous
    ) private returns (uint256 used, bool tripped) {
        Bounds storage b = $.bounds[asset];
        Bounds memory bounds = b;
        if (bounds.maxFallBps == 0) revert LRTOracleUnknownAsset(asset);
        if (observed == 0) {
            emit PriceUnavailable(asset, previous);
            return (previous, true);
        }
        used = observed;
        if (previous != 0) {
            // The first refresh after `setBounds` (updatedAt 0) allows no rise: the clock starts then.
            uint256 elapsed = bounds.updatedAt == 0 ? 0 : block.timestamp - bounds.updatedAt;
            uint256 ceiling = previous + Math.mulDiv(previous, bounds.maxRiseBpsPerDay * elapsed, BPS * 1 days);
            if (observed > ceiling) {
                used = ceiling;
                emit PriceClamped(asset, observed, used);
            } else if (observed < previous && previous - observed > Math.mulDiv(previous, bounds.maxFallBps, BPS)) {
                tripped = true;
                emit PriceTripped(asset, previous, observed);
            }
        }
        // block.timestamp fits 40 bits until the year 36812.
        b.updatedAt = uint40(block.timestamp);
    }

    /// @dev Upgrades are restricted like any admin function.
    function _authorizeUpgrade(address) internal override restricted {}

    function _oracle() private pure returns (OracleStorage storage $) {
        assembly {
            $.slot := STORAGE_LOCATION
        }
    }
}
