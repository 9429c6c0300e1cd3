/**
 * Moved to `priceBoundsModel.ts` (the bounds now live in `PriceBounds`, applied by the accountant's sync); re-exported
 * here for the files that still import this path.
 */
export {
  Outcome,
  OracleModel,
  PriceBoundsModel,
  bound,
  boundedPrice,
  depositPerUnit,
  payoutPrice,
} from "./priceBoundsModel";
export type { BoundedAsset, OutcomeCode } from "./priceBoundsModel";
