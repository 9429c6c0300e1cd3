// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BPS} from "./Constants.sol";

/// @title PriceBounds
/// @notice How fast the price a sync stores for an asset may move. A rise is limited **per unit of time**, not per
/// call: at most `maxRiseBpsPerDay` of the previous price per day elapsed since the previous sync, pro rata to the
/// second. However many syncs run in a block (zero seconds elapsed) or an hour, a price rises no faster than that:
/// over a time T it rises at most by the factor prod(1 + r * dt_i) <= exp(r * T), r the daily bound. A fall applies
/// in full at once (a loss is never hidden); a fall of more than `maxFallBps` of the previous price in one sync trips
/// the asset (the vault halts its deposits until an admin has looked). No price (an adapter that reverted or returned
/// 0) keeps the previous price and trips the asset: a sync never fails because of one asset, and a technical failure
/// is not booked as a loss.
library PriceBounds {
    /// @notice The largest daily rise bound: 10% a day (LST exchange rates move by a few bps a day).
    uint16 internal constant MAX_RISE_BPS_PER_DAY = 1_000;

    /// @notice What a sync does with one asset's price.
    enum Outcome {
        Taken,
        Clamped,
        Tripped,
        Unavailable
    }

    /// @notice The price to store for `observed` (0: none) given `previous` (0 before the first sync, when the
    /// observed price is taken as it is), `elapsed` seconds after the previous sync. The ceiling
    /// `previous + previous * maxRiseBpsPerDay * elapsed / (10000 * 1 day)` is rounded down, so never above the bound.
    function bound(
        uint256 previous,
        uint256 observed,
        uint256 maxRiseBpsPerDay,
        uint256 maxFallBps,
        uint256 elapsed
    ) internal pure returns (uint256 used, Outcome outcome) {
        if (observed == 0) return (previous, Outcome.Unavailable);
        if (previous == 0) return (observed, Outcome.Taken);
        // `previous` is a stored price (96 bits), the bounds 16 bits and `elapsed` 40 bits: the products fit.
        uint256 ceiling = previous + (previous * maxRiseBpsPerDay * elapsed) / (BPS * 1 days);
        if (observed > ceiling) return (ceiling, Outcome.Clamped);
        if (observed < previous && previous - observed > (previous * maxFallBps) / BPS) {
            return (observed, Outcome.Tripped);
        }
        return (observed, Outcome.Taken);
    }
}
