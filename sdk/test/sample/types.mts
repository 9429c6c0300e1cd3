// abitype infers from the SDK's ABIs (`as const`): function names, argument and return types, events, errors;
// and the typed errors narrow. Type-checked only (tsc --strict), never run.
import type {
  AbiParametersToPrimitiveTypes,
  ExtractAbiError,
  ExtractAbiEventNames,
  ExtractAbiFunction,
  ExtractAbiFunctionNames,
} from "abitype";
import { LRTContractError, LRTVaultAbi, WithdrawalQueueAbi, type ContractErrorData } from "@lrt-vault/sdk";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assert = <T extends true>(): T => true as T;

type VaultViews = ExtractAbiFunctionNames<typeof LRTVaultAbi, "view">;
assert<"getRate" extends VaultViews ? true : false>();
type DepositLST = ExtractAbiFunction<typeof LRTVaultAbi, "depositLST">;
assert<
  Equal<
    AbiParametersToPrimitiveTypes<DepositLST["inputs"]>,
    readonly [`0x${string}`, bigint, `0x${string}`, bigint, bigint]
  >
>();
assert<Equal<AbiParametersToPrimitiveTypes<DepositLST["outputs"]>, readonly [bigint]>>();
assert<"WithdrawalRequested" extends ExtractAbiEventNames<typeof WithdrawalQueueAbi> ? true : false>();
type NoRoute = ExtractAbiError<typeof WithdrawalQueueAbi, "WithdrawalQueueNoRoute">;
assert<Equal<AbiParametersToPrimitiveTypes<NoRoute["inputs"]>, readonly [`0x${string}`, bigint, bigint]>>();

export function room(e: unknown): bigint | undefined {
  if (e instanceof LRTContractError && e.is("WithdrawalQueueNoRoute")) return e.error.args.room;
  return undefined;
}
export function minShares(d: ContractErrorData): bigint | undefined {
  return d.name === "LRTVaultSlippage" ? d.args.minShares : undefined;
}
