// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IPriceAdapter} from "../interfaces/IPriceAdapter.sol";
import {UNIT} from "./Constants.sol";

/// @title Payouts
/// @notice The withdrawal queue's payout rule, in one place for the queue (which pays by it) and the lens (which
/// predicts it): the price a payout is made at, and what a request is paid.
library Payouts {
    /// @notice ETH per 1e18 units a payout of the asset is priced at: 1e18 for ETH (no adapter), else the highest of
    /// the stored price, the live protocol price and the feed's last market price (stale or not; none when the feed
    /// is down: exits never wait for a feed). An adapter that reverts leaves the stored price: exits never wait for
    /// an adapter.
    /// @param adapter the asset's price adapter (zero for ETH)
    /// @param stored the asset's stored price (the last sync's)
    /// @return p ETH per 1e18 accounting units
    function price(IPriceAdapter adapter, uint256 stored) internal view returns (uint256 p) {
        if (address(adapter) == address(0)) return UNIT;
        p = stored;
        try adapter.quote() returns (uint256 protocol, uint256 market, bool) {
            // The market leg even when stale (its last answer): the highest price pays the fewest units.
            p = Math.max(Math.max(p, protocol), market);
        } catch {}
    }

    /// @notice What a request of `shares` lrETH is paid: the lower of its value at request and now (each rounded
    /// down), in units at `payoutPrice` (rounded down), never more than `most` units (its value at request at the
    /// payout price then); capped, the value is the units' at `payoutPrice` (rounded down).
    /// @param shares the request's lrETH
    /// @param rateAtRequest the rate when requested (ETH per 1e18 lrETH)
    /// @param rateNow the rate now
    /// @param payoutPrice ETH per 1e18 units (not zero)
    /// @param most the most units the request may be paid
    /// @return units accounting units paid
    /// @return value their ETH value (wei)
    function payout(
        uint256 shares,
        uint256 rateAtRequest,
        uint256 rateNow,
        uint256 payoutPrice,
        uint256 most
    ) internal pure returns (uint256 units, uint256 value) {
        value = Math.mulDiv(shares, Math.min(rateAtRequest, rateNow), UNIT);
        units = Math.mulDiv(value, UNIT, payoutPrice);
        if (units > most) {
            units = most;
            value = Math.mulDiv(units, payoutPrice, UNIT);
        }
    }
}
