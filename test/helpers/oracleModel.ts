/**
 * Independent bigint reference of the LRTOracle's time-bounded price filter (ILRTOracle), for exact expected prices.
 * Written from the rules, not from the contract.
 */
import { mulDiv } from "./math";

const BPS = 10_000n;
const DAY = 86_400n;

/**
 * The price a refresh stores: a rise is clamped to `previous + floor(previous * maxRiseBpsPerDay * elapsed /
 * (10000 * 86400))`, `elapsed` being the seconds since the asset's previous refresh (0 on the first refresh after
 * `setBounds`, and 0 for a second refresh in the same block); a fall applies in full and trips the asset when deeper
 * than `floor(previous * maxFallBps / 10000)`. The first price (`previous` 0) is taken as observed.
 */
export function boundedPrice(
  previous: bigint,
  observed: bigint,
  maxRiseBpsPerDay: bigint,
  maxFallBps: bigint,
  elapsed: bigint,
): { used: bigint; clamped: boolean; tripped: boolean } {
  if (previous === 0n) return { used: observed, clamped: false, tripped: false };
  const ceiling = previous + mulDiv(previous, maxRiseBpsPerDay * elapsed, BPS * DAY);
  if (observed > ceiling) return { used: ceiling, clamped: true, tripped: false };
  const tripped = observed < previous && previous - observed > mulDiv(previous, maxFallBps, BPS);
  return { used: observed, clamped: false, tripped };
}

/** Per asset: the price the vault stores and when the oracle last refreshed it (a stateful `boundedPrice`). */
export class OracleModel {
  price = 0n;
  updatedAt = 0n;

  constructor(
    public maxRiseBpsPerDay: bigint,
    public maxFallBps: bigint,
  ) {}

  /** A refresh at `time` observing `observed`; returns what `boundedPrice` returns and records it. */
  refresh(observed: bigint, time: bigint) {
    const elapsed = this.updatedAt === 0n ? 0n : time - this.updatedAt;
    const out = boundedPrice(this.price, observed, this.maxRiseBpsPerDay, this.maxFallBps, elapsed);
    this.price = out.used;
    this.updatedAt = time;
    return out;
  }
}

/**
 * The lowest of the stored, live protocol and market prices: what an LST deposit is priced at (the vault scales the
 * stored lrETH-per-unit by live / stored, rounded down, when the live price is lower).
 */
export function depositPerUnit(sharesPerUnit: bigint, stored: bigint, protocol: bigint, market: bigint): bigint {
  const live = protocol < market ? protocol : market;
  return live >= stored ? sharesPerUnit : mulDiv(sharesPerUnit, live, stored);
}

/**
 * The highest of the stored, live protocol and market prices: what a payout in the LST is priced at. `market` is the
 * feed's last answer per unit, stale or not (the adapter's `quote().market` whatever `marketOk` says); 0 or undefined
 * when the feed gives none (down, not positive), and the market leg is then ignored.
 */
export function payoutPrice(stored: bigint, protocol: bigint, market?: bigint): bigint {
  let p = stored > protocol ? stored : protocol;
  if (market !== undefined && market > p) p = market;
  return p;
}
