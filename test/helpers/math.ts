/** Independent bigint reference arithmetic for tests: every helper names its rounding direction. */
import { UNIT as WAD } from "../../scripts/lib/constants";

/** 1e18 (the shared `UNIT`). */
export { WAD };

export type Rounding = "floor" | "ceil";

/** x * y / d with the given rounding (the OpenZeppelin `Math.mulDiv` reference). */
export function mulDiv(x: bigint, y: bigint, d: bigint, rounding: Rounding = "floor"): bigint {
  if (d === 0n) throw new Error("mulDiv: division by zero");
  const p = x * y;
  const q = p / d;
  return rounding === "ceil" && q * d !== p ? q + 1n : q;
}

/** x * y / WAD, rounded down. */
export const mulWad = (x: bigint, y: bigint): bigint => mulDiv(x, y, WAD);
/** x * y / WAD, rounded up. */
export const mulWadUp = (x: bigint, y: bigint): bigint => mulDiv(x, y, WAD, "ceil");
/** x * WAD / y, rounded down. */
export const divWad = (x: bigint, y: bigint): bigint => mulDiv(x, WAD, y);

export const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);
export const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);
