// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {BPS} from "./Constants.sol";

/// @title RateAccounting
/// @notice The per-share bookkeeping behind lrETH's rate: a base rate, at most two *tranches* of recognised gains each
/// vesting linearly over its own window, gains held back by the APR bound, and the fee's high-water mark. All values
/// are ETH (wei) per 1e18 lrETH.
/// @dev The rate at time t is `base + sum over tranches of amount * min(t - start, end - start) / (end - start)`
/// (each term rounded down). A tranche, once created, is never re-spread: a gain recognised at time t vests linearly
/// from t to t + window whatever the sync cadence (hourly, daily or no sync in between give the same rate). A sync
/// compares the vault's value per share with the books (`base + tranches + heldBack`, independent of time):
/// - a loss (value below the books) comes off the base rate at once (then, if ever larger, off the tranches and the
///   held-back gains);
/// - a gain is *recognised* only when a new tranche may start: fully vested tranches are folded into the base first,
///   and a new one needs a free slot and at least half a window since the previous one. Up to the APR bound over the
///   time since the previous recognition it becomes the new tranche; the rest is held back. A gain found when no
///   tranche may start is simply not booked yet: it stays in the value, and the next sync that may recognise finds
///   it again (deposits still pay for it: their price is the value per share, not the books).
library RateAccounting {
    uint256 internal constant YEAR = 365 days;

    /// @param base the rate without any unvested gain
    /// @param amount1 the older tranche (0: none) vesting from `start1` to `end1`
    /// @param amount2 the newer tranche (0: none) vesting from `start2` to `end2`
    /// @param heldBack recognised gains above the APR bound, streamed by later recognitions
    /// @param highWaterMark value per share above which the fee is taken
    /// @param recognizedAt when a gain was last recognised (the APR bound's clock)
    struct State {
        uint256 base;
        uint256 amount1;
        uint256 start1;
        uint256 end1;
        uint256 amount2;
        uint256 start2;
        uint256 end2;
        uint256 heldBack;
        uint256 highWaterMark;
        uint256 recognizedAt;
    }

    struct Params {
        uint256 streamWindow;
        uint256 maxAprBps;
    }

    struct Outcome {
        uint256 streamed;
        uint256 heldBack;
        uint256 loss;
    }

    /// @notice The part of a tranche vested at `time`, rounded down (holders see gains no earlier than due).
    function vestedOf(uint256 amount, uint256 start, uint256 end, uint256 time) internal pure returns (uint256) {
        if (amount == 0 || time >= end) return amount;
        if (time <= start) return 0;
        return Math.mulDiv(amount, time - start, end - start);
    }

    /// @notice Both tranches' vested parts at `time`.
    function vested(State memory s, uint256 time) internal pure returns (uint256) {
        return vestedOf(s.amount1, s.start1, s.end1, time) + vestedOf(s.amount2, s.start2, s.end2, time);
    }

    /// @notice The rate at `time` (no sync in between), rounded down.
    function rateAt(State memory s, uint256 time) internal pure returns (uint256) {
        return s.base + vested(s, time);
    }

    /// @notice What the books owe holders per share: the base rate, every tranche and the held-back gains.
    function books(State memory s) internal pure returns (uint256) {
        return s.base + s.amount1 + s.amount2 + s.heldBack;
    }

    /// @notice Fee per share on `valuePerShare` above the high-water mark, rounded down (favours holders).
    function feeOn(State memory s, uint256 valuePerShare, uint256 feeBps) internal pure returns (uint256) {
        if (valuePerShare <= s.highWaterMark || feeBps == 0) return 0;
        return Math.mulDiv(valuePerShare - s.highWaterMark, feeBps, BPS);
    }

    /// @notice Re-books the state at `time` for a value of `valuePerShare` per share (after the fee).
    function book(
        State memory s,
        uint256 valuePerShare,
        uint256 time,
        Params memory p
    ) internal pure returns (State memory next, Outcome memory out) {
        next = _fold(s, time);
        uint256 expected = books(next);
        if (valuePerShare >= expected) {
            if (_mayRecognize(next, time, p.streamWindow)) {
                uint256 candidate = next.heldBack + (valuePerShare - expected);
                uint256 rate = rateAt(next, time);
                uint256 bound = Math.mulDiv(rate, p.maxAprBps * (time - next.recognizedAt), BPS * YEAR);
                out.streamed = Math.min(candidate, bound);
                out.heldBack = candidate - out.streamed;
                next.heldBack = out.heldBack;
                if (out.streamed != 0) {
                    next.recognizedAt = time;
                    if (p.streamWindow == 0) {
                        next.base += out.streamed;
                    } else if (next.amount1 == 0) {
                        (next.amount1, next.start1, next.end1) = (out.streamed, time, time + p.streamWindow);
                    } else {
                        (next.amount2, next.start2, next.end2) = (out.streamed, time, time + p.streamWindow);
                    }
                }
            }
        } else {
            out.loss = expected - valuePerShare;
            _takeLoss(next, out.loss);
        }
        next.highWaterMark = Math.max(s.highWaterMark, valuePerShare);
    }

    /// @dev Folds tranches vested in full at `time` into the base; the newer one moves to the first slot.
    function _fold(State memory s, uint256 time) private pure returns (State memory next) {
        next = State(
            s.base,
            s.amount1,
            s.start1,
            s.end1,
            s.amount2,
            s.start2,
            s.end2,
            s.heldBack,
            s.highWaterMark,
            s.recognizedAt
        );
        if (next.amount2 != 0 && time >= next.end2) {
            next.base += next.amount2;
            (next.amount2, next.start2, next.end2) = (0, 0, 0);
        }
        if (next.amount1 != 0 && time >= next.end1) {
            next.base += next.amount1;
            (next.amount1, next.start1, next.end1) = (next.amount2, next.start2, next.end2);
            (next.amount2, next.start2, next.end2) = (0, 0, 0);
        }
    }

    /// @dev A new tranche may start: a slot is free and half a window has passed since the last one started (so at
    /// most two overlap). With no window, gains count at once and always may.
    function _mayRecognize(State memory s, uint256 time, uint256 window) private pure returns (bool) {
        if (window == 0) return true;
        if (s.amount2 != 0) return false;
        return s.amount1 == 0 || time >= s.start1 + window / 2;
    }

    /// @dev Takes `loss` off the base rate, then off the newer and the older tranche, then off the held-back gains
    /// (the books always cover it: `loss <= books`).
    function _takeLoss(State memory s, uint256 loss) private pure {
        uint256 take = Math.min(loss, s.base);
        s.base -= take;
        loss -= take;
        take = Math.min(loss, s.amount2);
        s.amount2 -= take;
        loss -= take;
        take = Math.min(loss, s.amount1);
        s.amount1 -= take;
        loss -= take;
        s.heldBack -= loss;
        // Keep the older tranche in the first slot (a tranche emptied by a loss frees its slot).
        if (s.amount2 == 0) (s.start2, s.end2) = (0, 0);
        if (s.amount1 == 0) {
            (s.amount1, s.start1, s.end1) = (s.amount2, s.start2, s.end2);
            (s.amount2, s.start2, s.end2) = (0, 0, 0);
        }
    }
}
