// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {BPS, UNIT} from "./Constants.sol";

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

    /// @param streamWindow a new tranche vests over this many seconds (0: gains count at once)
    /// @param maxAprBps the most one recognition may stream, as an APR on the rate over the time since the last one
    /// @param feeBps the protocol fee on value per share above the high-water mark
    struct Params {
        uint256 streamWindow;
        uint256 maxAprBps;
        uint256 feeBps;
    }

    /// @param totalValue the vault's value in ETH (each asset rounded down)
    /// @param exact the value before that rounding, scaled by 1e18 (the sum of units x price)
    /// @param supply lrETH in existence before the fee
    struct Valuation {
        uint256 totalValue;
        uint256 exact;
        uint256 supply;
    }

    /// @param valuePerShare the value per 1e18 lrETH after the fee (rounded down)
    /// @param feeShares lrETH to mint to the treasury; `feeAssets` their ETH value
    /// @param supply lrETH after the fee
    /// @param streamed the gain per share that starts vesting now; `heldBack` what waits for later
    /// @param loss the loss per share taken off the rate now
    /// @param depositRate what new lrETH costs until the next sync: the value per share rounded up, never below
    /// the books
    struct Outcome {
        uint256 valuePerShare;
        uint256 feeShares;
        uint256 feeAssets;
        uint256 supply;
        uint256 streamed;
        uint256 heldBack;
        uint256 loss;
        uint256 depositRate;
    }

    /// @notice The part of a tranche vested at `time`, rounded down (holders see gains no earlier than due).
    function vestedOf(uint256 amount, uint256 start, uint256 end, uint256 time) internal pure returns (uint256) {
        if (amount == 0 || time >= end) return amount;
        if (time <= start) return 0;
        return Math.mulDiv(amount, time - start, end - start, Math.Rounding.Floor);
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
        return Math.mulDiv(valuePerShare - s.highWaterMark, feeBps, BPS, Math.Rounding.Floor);
    }

    /// @notice A whole sync at `time`: the value per share (the books stand when only the per-asset rounding puts
    /// it below them), the fee above the high-water mark minted as lrETH, the gain or loss booked, the deposit rate.
    function sync(
        State memory s,
        Valuation memory v,
        uint256 time,
        Params memory p
    ) internal pure returns (State memory next, Outcome memory out) {
        out.supply = v.supply;
        // Rounded down. The per-asset floors of `totalValue` are not a loss: a deposit pays for its lrETH with its
        // units' exact value, which those floors can cut by up to a wei; when the value per lrETH sits within that
        // of an integer, the floored value falls 1 wei below the books with nothing lost. If the exact value still
        // covers the books, they stand.
        uint256 valuePerShare = Math.mulDiv(v.totalValue, UNIT, v.supply, Math.Rounding.Floor);
        uint256 held = books(s);
        if (valuePerShare < held && v.exact / v.supply >= held) valuePerShare = held;
        uint256 feePerShare = feeOn(s, valuePerShare, p.feeBps);
        if (feePerShare != 0) {
            // Mint m so the treasury's shares are worth the fee: value / (supply + m) = valuePerShare - fee; each
            // step rounded down (fewer fee shares: in holders' favour).
            out.feeAssets = Math.mulDiv(feePerShare, v.supply, UNIT, Math.Rounding.Floor);
            out.feeShares = Math.mulDiv(out.feeAssets, v.supply, v.totalValue - out.feeAssets, Math.Rounding.Floor);
            out.supply += out.feeShares;
            valuePerShare = Math.mulDiv(v.totalValue, UNIT, out.supply, Math.Rounding.Floor);
        }
        out.valuePerShare = valuePerShare;
        next = _book(s, valuePerShare, time, p, out);
        // The value per lrETH after the fee, rounded up: new lrETH shares in every gain still pending (booked or
        // not), so it must pay for them; and never below the books.
        out.depositRate = Math.max(Math.mulDiv(v.totalValue, UNIT, out.supply, Math.Rounding.Ceil), books(next));
    }

    /// @notice The high-water mark after withdrawals burned `sharesBurned` lrETH worth `owed` at the last sync's
    /// value per share for `valuePaid` ETH: it rises by what they forfeited per remaining share, rounded up (a higher
    /// mark only lowers the fee), so the fee is not charged twice on value it already took its cut of.
    function markAfterSettlement(
        uint256 highWaterMark,
        uint256 lastValue,
        uint256 sharesBurned,
        uint256 valuePaid,
        uint256 supply
    ) internal pure returns (uint256 mark, uint256 forfeited) {
        uint256 owed = Math.mulDiv(sharesBurned, lastValue, UNIT, Math.Rounding.Floor);
        if (owed <= valuePaid || supply == 0) return (highWaterMark, 0);
        forfeited = owed - valuePaid;
        mark = highWaterMark + Math.mulDiv(forfeited, UNIT, supply, Math.Rounding.Ceil);
    }

    /// @notice Re-books the state at `time` for a value of `valuePerShare` per share (after the fee).
    function book(
        State memory s,
        uint256 valuePerShare,
        uint256 time,
        Params memory p
    ) internal pure returns (State memory next, Outcome memory out) {
        next = _book(s, valuePerShare, time, p, out);
    }

    function _book(
        State memory s,
        uint256 valuePerShare,
        uint256 time,
        Params memory p,
        Outcome memory out
    ) private pure returns (State memory next) {
        next = _fold(s, time);
        uint256 expected = books(next);
        if (valuePerShare >= expected) {
            if (_mayRecognize(next, time, p.streamWindow)) {
                uint256 candidate = next.heldBack + (valuePerShare - expected);
                uint256 rate = rateAt(next, time);
                uint256 bound = Math.mulDiv(
                    rate,
                    p.maxAprBps * (time - next.recognizedAt),
                    BPS * YEAR,
                    Math.Rounding.Floor
                );
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
