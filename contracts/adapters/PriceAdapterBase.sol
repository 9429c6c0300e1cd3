// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IPriceAdapter} from "../interfaces/IPriceAdapter.sol";
import {IAggregatorV3} from "../interfaces/external/chainlink/IAggregatorV3.sol";
import {UNIT} from "../libraries/Constants.sol";

/// @title PriceAdapterBase
/// @notice What every lrt-vault price adapter shares: the priced token and its optional Chainlink market feed, fixed
/// at construction; the market leg of `quote()`; identity conversions for tokens whose accounting unit is their own
/// balance unit (every non-rebasing token).
/// @dev Stateless: everything is an immutable, so adapters are plain (non-upgradeable) deployments that need no
/// initializer. They must not be placed with `hardhat_setCode`: runtime code carries the immutables.
abstract contract PriceAdapterBase is IPriceAdapter {
    /// @inheritdoc IPriceAdapter
    address public immutable asset;
    /// @inheritdoc IPriceAdapter
    IAggregatorV3 public immutable feed;
    /// @inheritdoc IPriceAdapter
    uint256 public immutable maxFeedAge;
    /// @dev 10^(18 - feed decimals): scales the feed's answer to 18 decimals (1 without a feed).
    uint256 private immutable _feedScale;

    /// @param token the token this adapter prices; reverts `PriceAdapterZeroAddress` if zero
    /// @param feed_ its Chainlink market feed, or zero for none
    /// @param maxFeedAge_ seconds after which the feed's answer is stale (its heartbeat plus a margin); ignored
    /// without a feed, else not zero
    constructor(address token, IAggregatorV3 feed_, uint256 maxFeedAge_) {
        if (token == address(0)) revert PriceAdapterZeroAddress();
        asset = token;
        feed = feed_;
        uint256 scale = 1;
        if (address(feed_) != address(0)) {
            uint8 decimals = feed_.decimals();
            if (decimals > 18 || maxFeedAge_ == 0) revert PriceAdapterInvalidFeed(feed_);
            scale = 10 ** (18 - decimals);
            maxFeedAge = maxFeedAge_;
        }
        _feedScale = scale;
    }

    /// @inheritdoc IPriceAdapter
    function price() public view virtual returns (uint256);

    /// @inheritdoc IPriceAdapter
    function quote() external view returns (uint256 protocol, uint256 market, bool marketOk) {
        protocol = price();
        if (address(feed) == address(0)) return (protocol, protocol, true);
        uint256 answer;
        (answer, marketOk) = _readFeed();
        if (answer != 0) market = _marketPerUnit(answer, protocol);
    }

    /// @inheritdoc IPriceAdapter
    /// @dev Identity (exact, so no rounding): the accounting unit is the token's balance unit.
    function toUnits(uint256 tokenAmount) external view virtual returns (uint256) {
        return tokenAmount;
    }

    /// @inheritdoc IPriceAdapter
    /// @dev Identity (exact, so no rounding): the accounting unit is the token's balance unit.
    function toTokens(uint256 units) external view virtual returns (uint256) {
        return units;
    }

    /// @dev The market price of one accounting unit from the feed's answer (18 decimals). Default: the feed prices
    /// the token itself in ETH (rETH/ETH, cbETH/ETH), and one accounting unit is one token.
    function _marketPerUnit(uint256 answer, uint256 /* protocol */) internal view virtual returns (uint256) {
        return answer;
    }

    /// @dev The feed's last answer in 18 decimals (0 if not positive, absurd or the call reverted), and whether it
    /// is fresh: at most `maxFeedAge` old. A reverting feed gives (0, false), never a revert here (payouts must not
    /// depend on a feed being alive).
    function _readFeed() private view returns (uint256 answer, bool fresh) {
        try feed.latestRoundData() returns (uint80, int256 raw, uint256, uint256 updatedAt, uint80) {
            // Answers above 2^128 are nonsense for an ETH price and ignored, so the scaling below (by at most 1e18)
            // cannot overflow. A future `updatedAt` (clock skew between chains) counts as fresh.
            if (raw <= 0 || uint256(raw) > type(uint128).max || updatedAt == 0) return (0, false);
            answer = uint256(raw) * _feedScale;
            fresh = updatedAt >= block.timestamp || block.timestamp - updatedAt <= maxFeedAge;
        } catch {
            return (0, false);
        }
    }

    /// @dev `a * b / UNIT`, rounded down.
    function _wmul(uint256 a, uint256 b) internal pure returns (uint256) {
        return Math.mulDiv(a, b, UNIT);
    }
}
