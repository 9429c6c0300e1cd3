/**
 * An independent TypeScript reference of lrETH's rate bookkeeping (ILRTAccountant / ILRTVault), written from the
 * rules, for exact expected values in tests:
 * - the rate is base + the vested part of at most two tranches, each vesting linearly (floor) from its start to its
 *   end; a tranche is never re-spread, whatever the sync cadence;
 * - a sync values the vault; value per share above the high-water mark pays the fee, minted as lrETH;
 * - against the books (base + tranches + held back, independent of time) the value per share is a loss (off the base
 *   at once, then off the newer, the older tranche and the held-back gains) or a gain. A gain is recognised only
 *   when a tranche may start (fully vested tranches folded into the base first; a free slot; half a window since the
 *   last tranche started): then up to the APR bound over the time since the last recognition it becomes a new
 *   tranche, the rest is held back; otherwise it is not booked at all (it stays in the value);
 * - deposits mint units * floor(price * 1e18 / depositRate) / 1e18 (floor), depositRate being the value per share
 *   the last sync found (after the fee), rounded up, and never below the books.
 */
import { mulDiv } from "./math";
import { BPS, UNIT } from "../../scripts/lib/constants";

export { UNIT };

const YEAR = 365n * 24n * 3600n;

export interface RateParams {
  streamWindow: bigint;
  maxAprBps: bigint;
  maxRateAge: bigint;
  feeBps: bigint;
}

export interface SyncOutcome {
  valuePerShare: bigint;
  feeShares: bigint;
  feeAssets: bigint;
  streamed: bigint;
  heldBack: bigint;
  loss: bigint;
  previousRate: bigint;
  rate: bigint;
  depositRate: bigint;
  supply: bigint;
}

/** One vesting tranche: `amount` per 1e18 lrETH, linear from `start` to `end`. */
export interface Tranche {
  amount: bigint;
  start: bigint;
  end: bigint;
}

const NONE: Tranche = { amount: 0n, start: 0n, end: 0n };

/** The part of a tranche vested at `time`, rounded down. */
export function vestedOf(t: Tranche, time: bigint): bigint {
  if (t.amount === 0n || time >= t.end) return t.amount;
  if (time <= t.start) return 0n;
  return mulDiv(t.amount, time - t.start, t.end - t.start);
}

export class RateModel {
  base = UNIT;
  /** The older tranche (first slot) and the newer one. */
  t1: Tranche = { ...NONE };
  t2: Tranche = { ...NONE };
  heldBack = 0n;
  highWaterMark = UNIT;
  /** When a gain was last recognised: the APR bound's clock (the accountant starts it at initialize). */
  recognizedAt = 0n;
  /** The value per share the last sync found, after the fee. */
  lastValue = UNIT;
  lastSync = 0n;
  /** What deposits pay per 1e18 lrETH until the next sync (0 before the first: deposits closed). */
  depositRate = 0n;

  /** `initializedAt`: when the accountant was initialized (the APR bound's clock starts then). */
  constructor(
    public params: RateParams,
    initializedAt = 0n,
  ) {
    this.recognizedAt = initializedAt;
  }

  vested(time: bigint): bigint {
    return vestedOf(this.t1, time) + vestedOf(this.t2, time);
  }

  rateAt(time: bigint): bigint {
    return this.base + this.vested(time);
  }

  /** base + tranches + held back: what the books owe holders per share (time-independent). */
  books(): bigint {
    return this.base + this.t1.amount + this.t2.amount + this.heldBack;
  }

  /** Per 1e18 lrETH: what holders own but the rate does not show yet (the accountant's `pendingPerShare`). */
  pending(time: bigint): bigint {
    const owned = this.lastValue > this.books() ? this.lastValue : this.books();
    return owned - this.rateAt(time);
  }

  /** lrETH per 1e18 units for a price, at the deposit rate of the last sync (floor). */
  sharesPerUnit(price: bigint): bigint {
    return this.depositRate === 0n ? 0n : mulDiv(price, UNIT, this.depositRate);
  }

  /** lrETH a deposit of `units` mints at `price` (both floors, as the vault does). */
  sharesFor(units: bigint, price: bigint): bigint {
    return (units * this.sharesPerUnit(price)) / UNIT;
  }

  private fold(time: bigint): void {
    if (this.t2.amount !== 0n && time >= this.t2.end) {
      this.base += this.t2.amount;
      this.t2 = { ...NONE };
    }
    if (this.t1.amount !== 0n && time >= this.t1.end) {
      this.base += this.t1.amount;
      this.t1 = this.t2;
      this.t2 = { ...NONE };
    }
  }

  private mayRecognize(time: bigint): boolean {
    const w = this.params.streamWindow;
    if (w === 0n) return true;
    if (this.t2.amount !== 0n) return false;
    return this.t1.amount === 0n || time >= this.t1.start + w / 2n;
  }

  private takeLoss(loss: bigint): void {
    const take = (have: bigint) => (loss < have ? loss : have);
    let t = take(this.base);
    this.base -= t;
    loss -= t;
    t = take(this.t2.amount);
    this.t2 = { ...this.t2, amount: this.t2.amount - t };
    loss -= t;
    t = take(this.t1.amount);
    this.t1 = { ...this.t1, amount: this.t1.amount - t };
    loss -= t;
    this.heldBack -= loss;
    if (this.t2.amount === 0n) this.t2 = { ...NONE };
    if (this.t1.amount === 0n) {
      this.t1 = this.t2;
      this.t2 = { ...NONE };
    }
  }

  /**
   * Books a sync at `time` that found `value` ETH (each asset rounded down) for `supply` lrETH: the reference of
   * `RateAccounting.sync(state, Valuation(totalValue = value, exact, supply), time, Params)`. `exact`, the value
   * before that rounding scaled by 1e18 (the sum of units x price), lets the books stand when only the per-asset
   * rounding puts the value per share below them (the accountant's rule); without it the model ignores that case.
   */
  sync(value: bigint, supply: bigint, time: bigint, exact?: bigint): SyncOutcome {
    const previousRate = this.rateAt(time);
    let vps = mulDiv(value, UNIT, supply);
    const held = this.books();
    if (exact !== undefined && vps < held && exact / supply >= held) vps = held;
    let feeShares = 0n;
    let feeAssets = 0n;
    if (vps > this.highWaterMark && this.params.feeBps > 0n) {
      const feePerShare = mulDiv(vps - this.highWaterMark, this.params.feeBps, BPS);
      if (feePerShare > 0n) {
        feeAssets = mulDiv(feePerShare, supply, UNIT);
        feeShares = mulDiv(feeAssets, supply, value - feeAssets);
        supply += feeShares;
        vps = mulDiv(value, UNIT, supply);
      }
    }
    this.fold(time);
    const expected = this.books();
    let streamed = 0n;
    let heldOut = 0n;
    let loss = 0n;
    if (vps >= expected) {
      if (this.mayRecognize(time)) {
        const candidate = this.heldBack + (vps - expected);
        const bound = mulDiv(this.rateAt(time), this.params.maxAprBps * (time - this.recognizedAt), BPS * YEAR);
        streamed = candidate < bound ? candidate : bound;
        heldOut = candidate - streamed;
        this.heldBack = heldOut;
        if (streamed !== 0n) {
          this.recognizedAt = time;
          const w = this.params.streamWindow;
          if (w === 0n) this.base += streamed;
          else if (this.t1.amount === 0n) this.t1 = { amount: streamed, start: time, end: time + w };
          else this.t2 = { amount: streamed, start: time, end: time + w };
        }
      }
    } else {
      loss = expected - vps;
      this.takeLoss(loss);
    }
    if (vps > this.highWaterMark) this.highWaterMark = vps;
    this.lastValue = vps;
    this.lastSync = time;
    // New lrETH shares in every pending gain, booked or not, so it pays for them (else the next sync would book the
    // shortfall as a loss): ceil(value / supply), supply after the fee, and never below the books.
    const ceil = mulDiv(value, UNIT, supply, "ceil");
    const booked = this.books();
    const depositRate = ceil > booked ? ceil : booked;
    this.depositRate = depositRate;
    return {
      valuePerShare: vps,
      feeShares,
      feeAssets,
      streamed,
      heldBack: heldOut,
      loss,
      previousRate,
      rate: this.rateAt(time),
      depositRate,
      supply,
    };
  }

  /**
   * The withdrawal queue settled `sharesBurned` lrETH for `valuePaid` ETH right after a sync
   * (`RateAccounting.markAfterSettlement`, through `recordSettlement`): what they owed at the last sync's value per
   * share is rounded down; the high-water mark rises by what the requests forfeited, per remaining share, rounded up
   * (`supply` after the burn). Returns the forfeit (0: nothing changes).
   */
  settle(sharesBurned: bigint, valuePaid: bigint, supply: bigint): bigint {
    const owed = mulDiv(sharesBurned, this.lastValue, UNIT);
    if (owed <= valuePaid || supply === 0n) return 0n;
    const forfeited = owed - valuePaid;
    this.highWaterMark += mulDiv(forfeited, UNIT, supply, "ceil");
    return forfeited;
  }
}

/** The rate library's `State` fields, in its order (the first ten of the accountant's `books()`). */
export const STATE_FIELDS = [
  "base",
  "amount1",
  "start1",
  "end1",
  "amount2",
  "start2",
  "end2",
  "heldBack",
  "highWaterMark",
  "recognizedAt",
] as const;
/** `ILRTAccountant.Books` fields, in its order, without the last sync's block number (a chain fact, no model's). */
export const BOOKS_FIELDS = [...STATE_FIELDS, "lastValue", "lastSync"] as const;
/** The books by field name (`ILRTAccountant.Books` without `lastSyncBlock`). */
export type Books = Record<(typeof BOOKS_FIELDS)[number], bigint>;
/** The library's `State` by field name. */
export type State = Record<(typeof STATE_FIELDS)[number], bigint>;

/** A model's books named as the accountant's `books()` names them (one home for the mapping). */
export function modelBooks(m: RateModel): Books {
  return {
    base: m.base,
    amount1: m.t1.amount,
    start1: m.t1.start,
    end1: m.t1.end,
    amount2: m.t2.amount,
    start2: m.t2.start,
    end2: m.t2.end,
    heldBack: m.heldBack,
    highWaterMark: m.highWaterMark,
    recognizedAt: m.recognizedAt,
    lastValue: m.lastValue,
    lastSync: m.lastSync,
  };
}

/** The `Books` fields of a struct read from the chain (`books()`; extra fields such as `lastSyncBlock` dropped). */
export function booksOf(b: Books): Books {
  return Object.fromEntries(BOOKS_FIELDS.map((k) => [k, b[k]])) as Books;
}

/** A `State` (or books) as the list of its `State` fields, in the library's order. */
export function stateList(s: State): bigint[] {
  return STATE_FIELDS.map((k) => s[k]);
}
