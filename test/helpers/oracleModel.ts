/** Independent bigint reference of the LRTOracle's per-sync price bound (ILRTOracle), for exact expected prices. */
import { mulDiv } from "./math";

const BPS = 10_000n;

/**
 * The price the oracle stores at a refresh: a rise beyond `maxChangeBps` of the previous price is clamped to the
 * band's top; a larger fall applies in full and trips the asset. The band is rounded down. The first price
 * (`previous` 0) is taken as observed.
 */
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
