/**
 * Independent bigint model of lrt-vault's rate books (LRTAccountant + RateAccounting) and the oracle's per-sync
 * price bound, written from their specification, to predict rates, fees and deposit prices to the wei.
 * Every division names its rounding, as the contracts do.
 */
import { WAD, max, min, mulDiv } from "./math";

export const BPS = 10_000n;
export const YEAR = 365n * 24n * 60n * 60n;

/** The accountant's books: rates per 1e18 lrETH, times in seconds. */
export interface RateBooks {
  base: bigint;
  unvested: bigint;
  heldBack: bigint;
  highWaterMark: bigint;
  lastSync: bigint;
  window: bigint;
}

export interface AccountantParams {
  feeBps: bigint;
  streamWindow: bigint;
  maxAprBps: bigint;
  maxRateAge: bigint;
}

/** What one modelled sync did. */
export interface ModelSync {
  valuePerShare: bigint;
  feeShares: bigint;
  streamed: bigint;
  heldBack: bigint;
  loss: bigint;
  /** The value per 1e18 lrETH found (after the fee), rounded up: deposits until the next sync are priced at it. */
  depositRate: bigint;
  expiry: bigint;
}

export class AccountantModel {
  /** Books after `initialize`: rate 1, high-water mark 1, never synced. */
  books: RateBooks = { base: WAD, unvested: 0n, heldBack: 0n, highWaterMark: WAD, lastSync: 0n, window: 0n };
  /** lrETH in existence (seed, deposits and fee shares). */
  supply = 0n;

  constructor(readonly params: AccountantParams) {}

  /** The part of the stream vested at `t`, rounded down. */
  vested(t: bigint): bigint {
    const b = this.books;
    if (b.unvested === 0n) return 0n;
    const elapsed = t - b.lastSync;
    return elapsed >= b.window ? b.unvested : mulDiv(b.unvested, elapsed, b.window, "floor");
  }

  /** ETH per 1e18 lrETH at `t`, rounded down. */
  rateAt(t: bigint): bigint {
    return this.books.base + this.vested(t);
  }

  /** Gains owned by holders but not in the rate at `t`, per 1e18 lrETH. */
  pendingPerShare(t: bigint): bigint {
    return this.books.unvested - this.vested(t) + this.books.heldBack;
  }

  /** `supply * rate / 1e18`, rounded down. */
  totalAssets(t: bigint): bigint {
    return mulDiv(this.supply, this.rateAt(t), WAD, "floor");
  }

  /** `pendingPerShare * supply / 1e18`, rounded down. */
  pendingGains(t: bigint): bigint {
    return mulDiv(this.pendingPerShare(t), this.supply, WAD, "floor");
  }

  /** lrETH minted by a deposit (or the seed). */
  mint(shares: bigint): void {
    this.supply += shares;
  }

  /**
   * A sync at `t` valuing the vault at `totalValue` ETH: takes the fee on value per share above the high-water mark
   * (minted as lrETH), then books the gain (streamed up to the APR bound, the rest held back) or the loss.
   */
  sync(totalValue: bigint, t: bigint): ModelSync {
    const { feeBps, streamWindow, maxAprBps, maxRateAge } = this.params;
    const b = this.books;
    let vps = mulDiv(totalValue, WAD, this.supply, "floor");
    let feeShares = 0n;
    if (vps > b.highWaterMark && feeBps !== 0n) {
      const feePerShare = mulDiv(vps - b.highWaterMark, feeBps, BPS, "floor");
      if (feePerShare !== 0n) {
        // value / (supply + m) = vps - fee, with m and the fee's ETH rounded down (in holders' favour).
        const feeAssets = mulDiv(feePerShare, this.supply, WAD, "floor");
        feeShares = mulDiv(feeAssets, this.supply, totalValue - feeAssets, "floor");
        this.supply += feeShares;
        vps = mulDiv(totalValue, WAD, this.supply, "floor");
      }
    }

    const rate = this.rateAt(t);
    const unvested = b.unvested - this.vested(t);
    const expected = rate + unvested + b.heldBack;
    const next: RateBooks = { ...b, lastSync: t, window: streamWindow };
    let streamed = 0n;
    let heldBack = 0n;
    let loss = 0n;
    if (vps >= expected) {
      const candidate = b.heldBack + (vps - expected);
      const bound = mulDiv(rate, maxAprBps * (t - b.lastSync), BPS * YEAR, "floor");
      streamed = min(candidate, bound);
      heldBack = candidate - streamed;
      next.base = rate;
      next.unvested = unvested + streamed;
      next.heldBack = heldBack;
    } else {
      loss = expected - vps;
      const fromBase = min(loss, rate);
      const fromStream = min(loss - fromBase, unvested);
      next.base = rate - fromBase;
      next.unvested = unvested - fromStream;
      next.heldBack = b.heldBack - (loss - fromBase - fromStream);
    }
    if (streamWindow === 0n) {
      next.base += next.unvested;
      next.unvested = 0n;
    }
    next.highWaterMark = max(b.highWaterMark, vps);
    this.books = next;

    // Deposits until the next sync pay the value per lrETH found (pending gains included), rounded up.
    const depositRate = mulDiv(totalValue, WAD, this.supply, "ceil");
    return { valuePerShare: vps, feeShares, streamed, heldBack, loss, depositRate, expiry: t + maxRateAge };
  }
}

/** The oracle's per-sync bound: a rise above `maxChangeBps` is clamped; a larger fall applies in full and trips. */
export function boundedPrice(
  previous: bigint,
  observed: bigint,
  maxChangeBps: bigint,
): { used: bigint; clamped: boolean; tripped: boolean } {
  if (previous === 0n) return { used: observed, clamped: false, tripped: false };
  const band = mulDiv(previous, maxChangeBps, BPS, "floor");
  if (observed > previous + band) return { used: previous + band, clamped: true, tripped: false };
  return { used: observed, clamped: false, tripped: observed + band < previous };
}

/** lrETH per 1e18 units at `depositRate`, rounded down (what a sync stores per asset). */
export const sharesPerUnit = (price: bigint, depositRate: bigint): bigint => mulDiv(price, WAD, depositRate, "floor");

/** lrETH a deposit of `units` mints at `perUnit`, rounded down. */
export const depositShares = (units: bigint, perUnit: bigint): bigint => mulDiv(units, perUnit, WAD, "floor");

/** ETH value of `units` at `price` (per 1e18 units), rounded down, as a sync values holdings. */
export const unitValue = (units: bigint, price: bigint): bigint => mulDiv(units, price, WAD, "floor");
