/**
 * Independent bigint reference of the price bounds a sync applies (`PriceBounds`, used by `LRTAccountant.sync()` and
 * `valuation()` with each asset's bounds stored in the vault), for exact expected prices. Written from the rules,
 * not from the contract:
 * - a rise is clamped to `previous + floor(previous * maxRiseBpsPerDay * elapsed / (10000 * 86400))`, `elapsed` being
 *   the seconds since the accountant's previous sync (0 before the first sync, and 0 for a second sync in the same
 *   block) — one clock for every asset, whatever happened to each one's price;
 * - a fall applies in full at once and trips the asset when deeper than `floor(previous * maxFallBps / 10000)`;
 * - no price (an adapter that reverted or returned 0) keeps the previous price and trips the asset;
 * - the first price (`previous` 0: an asset never priced) is taken as observed.
 */
import { mulDiv } from "./math";
import { BPS, DAY } from "../../scripts/lib/constants";

/** What a sync does with one asset's price (`PriceBounds.Outcome`, the `AssetValue.outcome` code). */
export const Outcome = { Taken: 0n, Clamped: 1n, Tripped: 2n, Unavailable: 3n } as const;
export type OutcomeCode = (typeof Outcome)[keyof typeof Outcome];

/** The price a sync stores for `observed` (0: no price) and what the bound did. */
export function bound(
  previous: bigint,
  observed: bigint,
  maxRiseBpsPerDay: bigint,
  maxFallBps: bigint,
  elapsed: bigint,
): { used: bigint; outcome: OutcomeCode } {
  if (observed === 0n) return { used: previous, outcome: Outcome.Unavailable };
  if (previous === 0n) return { used: observed, outcome: Outcome.Taken };
  const ceiling = previous + mulDiv(previous, maxRiseBpsPerDay * elapsed, BPS * DAY);
  if (observed > ceiling) return { used: ceiling, outcome: Outcome.Clamped };
  const fell = observed < previous && previous - observed > mulDiv(previous, maxFallBps, BPS);
  return { used: observed, outcome: fell ? Outcome.Tripped : Outcome.Taken };
}

/**
 * `bound` in the older shape: `clamped` for a clamped rise, `tripped` for a fall beyond the bound or no price (both
 * trip the asset).
 */
export function boundedPrice(
  previous: bigint,
  observed: bigint,
  maxRiseBpsPerDay: bigint,
  maxFallBps: bigint,
  elapsed: bigint,
): { used: bigint; clamped: boolean; tripped: boolean } {
  const { used, outcome } = bound(previous, observed, maxRiseBpsPerDay, maxFallBps, elapsed);
  return {
    used,
    clamped: outcome === Outcome.Clamped,
    tripped: outcome === Outcome.Tripped || outcome === Outcome.Unavailable,
  };
}

/** One asset in a `PriceBoundsModel`: its bounds (as the vault stores them) and the price the last sync stored. */
export interface BoundedAsset {
  maxRiseBpsPerDay: bigint;
  maxFallBps: bigint;
  price: bigint;
}

/**
 * The accountant's price bounds over every asset: one clock (the last sync), per-asset bounds and stored prices.
 * Call `sync` for every `accountant.sync()`; `preview` is `accountant.valuation()`'s prices (nothing stored).
 */
export class PriceBoundsModel {
  readonly assets = new Map<string, BoundedAsset>();
  /** When the accountant last synced (0: never). */
  lastSync = 0n;

  /** An asset listed with its bounds and no price yet (its first sync takes the observed price). */
  add(key: string, maxRiseBpsPerDay: bigint, maxFallBps: bigint, price = 0n): void {
    this.assets.set(key, { maxRiseBpsPerDay, maxFallBps, price });
  }

  /** `vault.setBounds`: takes effect at the next sync, over the time since the last one. */
  setBounds(key: string, maxRiseBpsPerDay: bigint, maxFallBps: bigint): void {
    const a = this.get(key);
    a.maxRiseBpsPerDay = maxRiseBpsPerDay;
    a.maxFallBps = maxFallBps;
  }

  price(key: string): bigint {
    return this.get(key).price;
  }

  /** What a sync at `time` would store for each asset in `observed` (0: no price), without storing it. */
  preview(observed: Map<string, bigint>, time: bigint): Map<string, { used: bigint; outcome: OutcomeCode }> {
    const elapsed = this.lastSync === 0n ? 0n : time - this.lastSync;
    const out = new Map<string, { used: bigint; outcome: OutcomeCode }>();
    for (const [key, value] of observed) {
      const a = this.get(key);
      out.set(key, bound(a.price, value, a.maxRiseBpsPerDay, a.maxFallBps, elapsed));
    }
    return out;
  }

  /** A sync at `time`; `observed` must name every asset (a sync bounds them all). Returns each asset's result. */
  sync(observed: Map<string, bigint>, time: bigint): Map<string, { used: bigint; outcome: OutcomeCode }> {
    if (observed.size !== this.assets.size) throw new Error("PriceBoundsModel: a sync prices every asset");
    const out = this.preview(observed, time);
    for (const [key, r] of out) this.get(key).price = r.used;
    this.lastSync = time;
    return out;
  }

  private get(key: string): BoundedAsset {
    const a = this.assets.get(key);
    if (a === undefined) throw new Error(`PriceBoundsModel: unknown asset ${key}`);
    return a;
  }
}

/**
 * One asset's bounded price, for models that sync their assets one at a time (the `Ledger`): valid as long as
 * `refresh` is called at every sync, so its `updatedAt` is the accountant's last sync. A refresh with no price
 * (`observed` 0) keeps the price, trips and still moves the clock, as a sync does.
 */
export class OracleModel {
  price = 0n;
  /** The last sync this asset was bounded at (0: never). */
  updatedAt = 0n;

  constructor(
    public maxRiseBpsPerDay: bigint,
    public maxFallBps: bigint,
  ) {}

  /** A sync at `time` observing `observed`; returns what `boundedPrice` returns and records it. */
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
