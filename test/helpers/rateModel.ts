/**
 * An independent TypeScript reference of lrETH's rate bookkeeping (ILRTAccountant / ILRTVault), written from the
 * rules, for exact expected values in tests:
 * - between syncs the rate is base + unvested * min(elapsed, window) / window (floor);
 * - a sync values the vault; value per share above the high-water mark pays the fee, minted as lrETH;
 * - against the books (rate + rest of the stream + held back) the value per share is a gain (streamed up to the APR
 *   bound over the time since the last sync, the rest held back) or a loss (off the base rate at once);
 * - deposits mint units * floor(price * 1e18 / depositRate) / 1e18 (floor), depositRate being the value per share
 *   the last sync found (after the fee), rounded up: new lrETH pays for the pending gains it will share in.
 */
import { mulDiv } from "./math";

export const UNIT = 10n ** 18n;
const BPS = 10_000n;
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

export class RateModel {
  base = UNIT;
  unvested = 0n;
  heldBack = 0n;
  highWaterMark = UNIT;
  lastSync = 0n;
  window = 0n;
  /** What deposits pay per 1e18 lrETH until the next sync (0 before the first: deposits closed). */
  depositRate = 0n;

  constructor(public params: RateParams) {}

  vested(time: bigint): bigint {
    if (this.unvested === 0n) return 0n;
    const elapsed = time - this.lastSync;
    if (elapsed >= this.window) return this.unvested;
    return mulDiv(this.unvested, elapsed, this.window);
  }

  rateAt(time: bigint): bigint {
    return this.base + this.vested(time);
  }

  /** Per 1e18 lrETH: the rest of the stream plus held-back gains. */
  pending(time: bigint): bigint {
    return this.unvested - this.vested(time) + this.heldBack;
  }

  /** lrETH per 1e18 units for a price, at the deposit rate of the last sync (floor). */
  sharesPerUnit(price: bigint): bigint {
    return this.depositRate === 0n ? 0n : mulDiv(price, UNIT, this.depositRate);
  }

  /** lrETH a deposit of `units` mints at `price` (both floors, as the vault does). */
  sharesFor(units: bigint, price: bigint): bigint {
    return (units * this.sharesPerUnit(price)) / UNIT;
  }

  /**
   * Books a sync at `time` that found `value` ETH (each asset rounded down) for `supply` lrETH. `exact`, the value
   * before that rounding scaled by 1e18 (the sum of units x price), lets the books stand when only the per-asset
   * rounding puts the value per share below them (the accountant's rule); without it the model ignores that case.
   */
  sync(value: bigint, supply: bigint, time: bigint, exact?: bigint): SyncOutcome {
    const previousRate = this.rateAt(time);
    let vps = mulDiv(value, UNIT, supply);
    const books = this.base + this.unvested + this.heldBack;
    if (exact !== undefined && vps < books && exact / supply >= books) vps = books;
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
    const rate = this.rateAt(time);
    const unvested = this.unvested - this.vested(time);
    const expected = rate + unvested + this.heldBack;
    let streamed = 0n;
    let held = 0n;
    let loss = 0n;
    if (vps >= expected) {
      const candidate = this.heldBack + (vps - expected);
      const bound = mulDiv(rate, this.params.maxAprBps * (time - this.lastSync), BPS * YEAR);
      streamed = candidate < bound ? candidate : bound;
      held = candidate - streamed;
      this.base = rate;
      this.unvested = unvested + streamed;
      this.heldBack = held;
    } else {
      loss = expected - vps;
      let remaining = loss;
      const fromBase = remaining < rate ? remaining : rate;
      this.base = rate - fromBase;
      remaining -= fromBase;
      const fromStream = remaining < unvested ? remaining : unvested;
      this.unvested = unvested - fromStream;
      this.heldBack = this.heldBack - (remaining - fromStream);
    }
    if (this.params.streamWindow === 0n) {
      this.base += this.unvested;
      this.unvested = 0n;
    }
    if (vps > this.highWaterMark) this.highWaterMark = vps;
    this.lastSync = time;
    this.window = this.params.streamWindow;
    // Not the stream's rate at expiry: new lrETH shares in every pending gain, so it pays for them (else the next
    // sync would book the shortfall as a loss). ceil(value / supply), supply after the fee, and never below the books.
    const ceil = mulDiv(value, UNIT, supply, "ceil");
    const booked = this.base + this.unvested + this.heldBack;
    const depositRate = ceil > booked ? ceil : booked;
    this.depositRate = depositRate;
    return {
      valuePerShare: vps,
      feeShares,
      feeAssets,
      streamed,
      heldBack: held,
      loss,
      previousRate,
      rate: this.base,
      depositRate,
      supply,
    };
  }
}
