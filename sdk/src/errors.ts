import { Interface, type ErrorDescription } from "ethers";
import { errorFragments, type ContractErrorData, type ContractErrorName } from "./generated/errors.js";

export type { ContractErrorData, ContractErrorName };

/** Why a deposit would fail (`ILRTLens.DepositCheck`, same order). */
export const DEPOSIT_CHECKS = [
  "Ok",
  "ZeroAmount",
  "UnsupportedAsset",
  "DepositsPaused",
  "PriceTripped",
  "RateStale",
  "BelowMinimum",
  "CapExceeded",
  "MarketPriceUnavailable",
  "ZeroShares",
] as const;
export type DepositCheck = (typeof DEPOSIT_CHECKS)[number];

/** A revert of one of the suite's contracts, decoded: `error.name` narrows `error.args`. */
export class LRTContractError extends Error {
  override readonly name = "LRTContractError";
  constructor(
    readonly error: ContractErrorData,
    readonly cause?: unknown,
  ) {
    super(`reverted: ${error.name}(${Object.values(error.args).map(String).join(", ")})`);
  }
  /** Type guard: this error is `name`, with its arguments typed. */
  is<N extends ContractErrorName>(
    name: N,
  ): this is LRTContractError & { error: Extract<ContractErrorData, { name: N }> } {
    return this.error.name === name;
  }
}

/** A deposit refused before sending: the lens's `previewDeposit` says why. */
export class DepositRefusedError extends Error {
  override readonly name = "DepositRefusedError";
  constructor(
    readonly reason: Exclude<DepositCheck, "Ok">,
    readonly asset: string,
    readonly amount: bigint,
  ) {
    super(`deposit of ${amount} of ${asset} would fail: ${reason}`);
  }
}

const errorsInterface = new Interface(errorFragments as unknown as string[]);

/** The revert data inside any error shape ethers and JSON-RPC nodes produce (never the calldata), if any. */
export function revertData(err: unknown, depth = 0): string | undefined {
  if (err === null || typeof err !== "object" || depth > 6) return undefined;
  const e = err as Record<string, unknown>;
  if (typeof e.data === "string" && /^0x[0-9a-fA-F]{8}/.test(e.data)) return e.data;
  for (const key of ["data", "error", "info", "cause", "parent", "revert"]) {
    const hit = revertData(e[key], depth + 1);
    if (hit) return hit;
  }
  return undefined;
}

/** Decodes revert data of the suite's contracts into a typed error (undefined: not one of theirs). */
export function decodeErrorData(data: string): ContractErrorData | undefined {
  let parsed: ErrorDescription | null = null;
  try {
    parsed = errorsInterface.parseError(data);
  } catch {
    return undefined;
  }
  if (!parsed) return undefined;
  const args: Record<string, unknown> = {};
  parsed.fragment.inputs.forEach((input, i) => {
    const v = parsed!.args[i];
    args[input.name || `arg${i}`] =
      typeof v === "object" && v !== null && "toObject" in v ? (v as { toObject(): unknown }).toObject() : v;
  });
  return { name: parsed.name, signature: parsed.signature, args } as ContractErrorData;
}

/** The error as an `LRTContractError` when it carries a revert of the suite's contracts; otherwise unchanged. */
export function decodeError(err: unknown): unknown {
  if (err instanceof LRTContractError) return err;
  const data = revertData(err);
  const decoded = data ? decodeErrorData(data) : undefined;
  return decoded ? new LRTContractError(decoded, err) : err;
}

/** Runs `f`, rethrowing a revert of the suite's contracts as an `LRTContractError`. */
export async function decoding<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (err) {
    throw decodeError(err);
  }
}
