// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title RateAccounting
/// @notice The per-share bookkeeping behind lrETH's rate: a base rate, a linear stream of recognised gains, gains
/// held back by the APR bound, and the fee's high-water mark. All values are ETH (wei) per 1e18 lrETH.
/// @dev Between syncs the rate is `base + unvested * min(elapsed, window) / window`. A sync compares the vault's
/// real value per share with what the books expected (`rate + still-unvested + held back`): the difference is a new
/// gain (streamed, the excess over the APR bound held back) or a loss (taken off the base rate at once).
library RateAccounting {
    uint256 internal constant RATE_UNIT = 1e18;
    uint256 internal constant BPS = 10_000;
    uint256 internal constant YEAR = 365 days;

    struct State {
        uint256 base;
        uint256 unvested;
        uint256 heldBack;
        uint256 highWaterMark;
        uint256 lastSync;
        uint256 window;
    }

    struct Params {
        uint256 streamWindow;
        uint256 maxAprBps;
        uint256 feeBps;
    }

    struct Outcome {
        uint256 valuePerShare;
        uint256 feePerShare;
        uint256 streamed;
        uint256 heldBack;
        uint256 loss;
    }

    /// @notice Unvested part already vested at `time`, rounded down (holders see gains no earlier than due).
    function vested(State memory s, uint256 time) internal pure returns (uint256) {
        if (s.unvested == 0) return 0;
        uint256 elapsed = time - s.lastSync;
        if (elapsed >= s.window) return s.unvested;
        return Math.mulDiv(s.unvested, elapsed, s.window);
    }

    /// @notice The rate at `time` (no sync in between), rounded down.
    function rateAt(State memory s, uint256 time) internal pure returns (uint256) {
        return s.base + vested(s, time);
    }

    /// @notice Gains owned by holders but not yet in the rate at `time`: the rest of the stream plus held back.
    function pending(State memory s, uint256 time) internal pure returns (uint256) {
        return s.unvested - vested(s, time) + s.heldBack;
    }

    /// @notice Fee per share on `valuePerShare` above the high-water mark, rounded down (favours holders).
    function feeOn(State memory s, uint256 valuePerShare, uint256 feeBps) internal pure returns (uint256) {
        if (valuePerShare <= s.highWaterMark || feeBps == 0) return 0;
        return Math.mulDiv(valuePerShare - s.highWaterMark, feeBps, BPS);
    }

    /// @notice Re-books the state at `time` for a real value of `valuePerShare` per share (after the fee).
    /// @dev Gain: `heldBack + gain` is streamed up to the APR bound over the time since the last sync, the rest is
    /// held back. Loss: taken from the base rate (then, if ever larger, from the stream and held-back gains).
    function book(
        State memory s,
        uint256 valuePerShare,
        uint256 time,
        Params memory p
    ) internal pure returns (State memory next, Outcome memory out) {
        uint256 rate = rateAt(s, time);
        uint256 unvested = s.unvested - vested(s, time);
        uint256 expected = rate + unvested + s.heldBack;
        next.lastSync = time;
        next.window = p.streamWindow;
        out.valuePerShare = valuePerShare;
        if (valuePerShare >= expected) {
            uint256 candidate = s.heldBack + (valuePerShare - expected);
            uint256 bound = Math.mulDiv(rate, p.maxAprBps * (time - s.lastSync), BPS * YEAR);
            out.streamed = Math.min(candidate, bound);
            out.heldBack = candidate - out.streamed;
            next.base = rate;
            next.unvested = unvested + out.streamed;
            next.heldBack = out.heldBack;
        } else {
            out.loss = expected - valuePerShare;
            uint256 remaining = out.loss;
            uint256 fromBase = Math.min(remaining, rate);
            next.base = rate - fromBase;
            remaining -= fromBase;
            uint256 fromStream = Math.min(remaining, unvested);
            next.unvested = unvested - fromStream;
            next.heldBack = s.heldBack - (remaining - fromStream);
        }
        if (p.streamWindow == 0) {
            next.base += next.unvested;
            next.unvested = 0;
        }
        next.highWaterMark = Math.max(s.highWaterMark, valuePerShare);
    }
}
