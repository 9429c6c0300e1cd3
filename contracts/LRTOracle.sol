// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {AccessManagedUpgradeable} from "@openzeppelin/contracts-upgradeable/access/manager/AccessManagedUpgradeable.sol";
import {ILRTOracle} from "./interfaces/ILRTOracle.sol";
import {IPriceAdapter} from "./interfaces/IPriceAdapter.sol";

/// @title LRTOracle
/// @notice lrt-vault's bounded price source. See `ILRTOracle`.
contract LRTOracle is Initializable, AccessManagedUpgradeable, UUPSUpgradeable, ILRTOracle {
    /// @notice The vault's ETH marker; always priced at 1.
    address public constant ETH = 0xEeeeeEeeeEeEeeEeEeEeeEEEeeeeEeeeeeeeEEeE;
    uint256 private constant UNIT = 1e18;
    uint256 private constant BPS = 10_000;

    struct Feed {
        IPriceAdapter adapter;
        uint16 maxChangeBps;
        uint128 price;
    }

    /// @custom:storage-location erc7201:lrt.storage.LRTOracle
    struct OracleStorage {
        address accountant;
        mapping(address asset => Feed) feeds;
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

    /// @notice Sets `asset`'s adapter and per-sync bound (admin). The stored price is kept, so the new adapter's
    /// first price is bounded against the old one.
    function setAdapter(address asset, IPriceAdapter adapter, uint16 maxChangeBps) external restricted {
        if (asset == address(0) || asset == ETH) revert LRTOracleZeroAddress();
        if (adapter.asset() != asset || maxChangeBps > BPS) revert LRTOracleInvalidAdapter(asset, adapter);
        Feed storage feed = _oracle().feeds[asset];
        feed.adapter = adapter;
        feed.maxChangeBps = maxChangeBps;
        emit AdapterSet(asset, adapter, maxChangeBps);
    }

    /// @notice Sets the accountant, the only caller of `refresh` (admin).
    function setAccountant(address newAccountant) external restricted {
        if (newAccountant == address(0)) revert LRTOracleZeroAddress();
        _oracle().accountant = newAccountant;
        emit AccountantSet(newAccountant);
    }

    /// @inheritdoc ILRTOracle
    function refresh(address[] calldata assets) external returns (uint256[] memory prices, bool[] memory tripped) {
        OracleStorage storage $ = _oracle();
        if (msg.sender != $.accountant) revert LRTOracleOnlyAccountant(msg.sender);
        prices = new uint256[](assets.length);
        tripped = new bool[](assets.length);
        for (uint256 i = 0; i < assets.length; ++i) {
            if (assets[i] == ETH) {
                prices[i] = UNIT;
                continue;
            }
            Feed storage feed = _feed($, assets[i]);
            uint256 observed = feed.adapter.price();
            if (observed == 0) revert LRTOracleZeroPrice(assets[i]);
            uint256 previous = feed.price;
            uint256 used = observed;
            if (previous != 0) {
                uint256 band = Math.mulDiv(previous, feed.maxChangeBps, BPS);
                if (observed > previous + band) {
                    used = previous + band;
                    emit PriceClamped(assets[i], observed, used);
                } else if (observed + band < previous) {
                    tripped[i] = true;
                    emit PriceTripped(assets[i], previous, observed);
                }
            }
            feed.price = SafeCast.toUint128(used);
            prices[i] = used;
        }
        emit PricesRefreshed(assets, prices);
    }

    /// @inheritdoc ILRTOracle
    function price(address asset) external view returns (uint256) {
        if (asset == ETH) return UNIT;
        return _feed(_oracle(), asset).price;
    }

    /// @inheritdoc ILRTOracle
    function payoutPrice(address asset) external view returns (uint256) {
        if (asset == ETH) return UNIT;
        Feed storage feed = _feed(_oracle(), asset);
        return Math.max(feed.price, feed.adapter.price());
    }

    /// @inheritdoc ILRTOracle
    function toUnits(address asset, uint256 tokens) external view returns (uint256) {
        if (asset == ETH || tokens == 0) return tokens;
        return _feed(_oracle(), asset).adapter.toUnits(tokens);
    }

    /// @inheritdoc ILRTOracle
    function toTokens(address asset, uint256 units) external view returns (uint256) {
        if (asset == ETH || units == 0) return units;
        return _feed(_oracle(), asset).adapter.toTokens(units);
    }

    /// @inheritdoc ILRTOracle
    function adapterOf(address asset) external view returns (IPriceAdapter adapter, uint16 maxChangeBps) {
        Feed storage feed = _oracle().feeds[asset];
        return (feed.adapter, feed.maxChangeBps);
    }

    /// @notice The accountant allowed to refresh prices.
    function accountant() external view returns (address) {
        return _oracle().accountant;
    }

    function _feed(OracleStorage storage $, address asset) private view returns (Feed storage feed) {
        feed = $.feeds[asset];
        if (address(feed.adapter) == address(0)) revert LRTOracleUnknownAsset(asset);
    }

    /// @dev Upgrades are restricted like any admin function.
    function _authorizeUpgrade(address) internal override restricted {}

    function _oracle() private pure returns (OracleStorage storage $) {
        assembly {
            $.slot := STORAGE_LOCATION
        }
    }
}
