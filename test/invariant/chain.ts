/**
 * Chain plumbing for the invariant harness (test/invariant/world.ts) and the tests: batched reads through
 * `StaticMulticall`, custom-error decoding over every contract an action can reach, transactions whose revert is
 * accepted only when it is one of the errors the action may legitimately hit, and several transactions mined in one
 * block (automine switched off for them).
 */
import { ethers } from "hardhat";
import {
  Interface,
  type BaseContract,
  type ContractTransactionReceipt,
  type ContractTransactionResponse,
  type ErrorFragment,
  type Result,
  type TransactionReceipt,
} from "ethers";
import {
  AllocationManager__factory,
  DelegationManager__factory,
  ERC20Mock__factory,
  LRTAccountant__factory,
  LRTVault__factory,
  OperatorDelegator__factory,
  RestakingManager__factory,
  RewardsCoordinator__factory,
  StETHMock__factory,
  StrategyBaseTVLLimits__factory,
  StrategyManager__factory,
  WithdrawalQueue__factory,
  type StaticMulticall,
} from "../../typechain-types";

export interface Readable {
  iface: Interface;
  address: string;
}

/** Collects view calls, runs them in one `eth_call` through `StaticMulticall`, decodes each with its own ABI. */
export class Reads {
  private readonly calls: { target: string; data: string }[] = [];
  private readonly decoders: { iface: Interface; fn: string }[] = [];

  add(c: Readable, fn: string, args: readonly unknown[] = []): number {
    this.calls.push({ target: c.address, data: c.iface.encodeFunctionData(fn, args) });
    this.decoders.push({ iface: c.iface, fn });
    return this.calls.length - 1;
  }

  async run(reader: StaticMulticall): Promise<Result[]> {
    const raw = await reader.aggregate(this.calls);
    return raw.map((data, i) => this.decoders[i].iface.decodeFunctionResult(this.decoders[i].fn, data));
  }
}

/** Every custom error of every contract an action can reach, by selector. */
const ERRORS: Map<string, { fragment: ErrorFragment; iface: Interface }> = (() => {
  const map = new Map<string, { fragment: ErrorFragment; iface: Interface }>();
  for (const factory of [
    LRTVault__factory,
    LRTAccountant__factory,
    RestakingManager__factory,
    OperatorDelegator__factory,
    WithdrawalQueue__factory,
    DelegationManager__factory,
    StrategyManager__factory,
    AllocationManager__factory,
    StrategyBaseTVLLimits__factory,
    RewardsCoordinator__factory,
    StETHMock__factory,
    ERC20Mock__factory,
  ]) {
    const iface = new Interface(factory.abi);
    iface.forEachError((fragment) => map.set(fragment.selector, { fragment, iface }));
  }
  return map;
})();

/** The revert data carried by a failed call or transaction (Hardhat puts it in `data`). */
function revertData(e: unknown): string | undefined {
  const seen = new Set<unknown>();
  const walk = (x: unknown): string | undefined => {
    if (x === null || typeof x !== "object" || seen.has(x)) return undefined;
    seen.add(x);
    const data = (x as { data?: unknown }).data;
    if (typeof data === "string" && data.startsWith("0x") && data.length >= 10) return data;
    for (const key of ["error", "info", "cause"]) {
      const found = walk((x as Record<string, unknown>)[key]);
      if (found) return found;
    }
    return undefined;
  };
  return walk(e);
}

/** A revert's custom error: its name and decoded arguments. */
export interface Revert {
  name: string;
  args: Result;
}

/** The custom error of a revert, or the whole error rethrown if it is not a known custom error. */
function customError(e: unknown): Revert {
  const data = revertData(e);
  const known = data ? ERRORS.get(data.slice(0, 10)) : undefined;
  if (!known) throw e;
  return { name: known.fragment.name, args: known.iface.decodeErrorResult(known.fragment, data!) };
}

/**
 * Sends a transaction; resolves to its receipt, or to the custom error it reverted with when that error is one of
 * `allowed`. Any other revert (or any other failure) fails the test.
 */
export async function attempt(
  send: () => Promise<ContractTransactionResponse>,
  allowed: readonly string[],
): Promise<{ receipt?: ContractTransactionReceipt; error?: string; args?: Result }> {
  try {
    const tx = await send();
    return { receipt: (await tx.wait())! };
  } catch (e) {
    const revert = customError(e);
    if (!allowed.includes(revert.name))
      throw new Error(
        `unexpected revert ${revert.name}(${[...revert.args].join(", ")}) (allowed: ${allowed.join(", ") || "none"})`,
      );
    return { error: revert.name, args: revert.args };
  }
}

/**
 * Sends every transaction with automine off, then mines them in one block and switches automine back on (also when
 * a send fails). None may revert: with automine off a reverted transaction's receipt carries no revert data, so the
 * caller sends only transactions whose preconditions hold. Gas limits must be set by the caller (no estimate runs)
 * and sum below the block gas limit, or Hardhat would leave the rest for a later block (checked: one block).
 */
export async function inOneBlock(
  sends: readonly (() => Promise<ContractTransactionResponse>)[],
): Promise<TransactionReceipt[]> {
  const hashes: string[] = [];
  await ethers.provider.send("evm_setAutomine", [false]);
  try {
    for (const send of sends) hashes.push((await send()).hash);
    await ethers.provider.send("evm_mine", []);
  } finally {
    await ethers.provider.send("evm_setAutomine", [true]);
  }
  const receipts: TransactionReceipt[] = [];
  for (const hash of hashes) {
    const receipt = await ethers.provider.getTransactionReceipt(hash);
    if (!receipt) throw new Error(`in one block: transaction ${hash} was not mined`);
    if (receipt.status !== 1) throw new Error(`in one block: transaction ${hash} reverted`);
    receipts.push(receipt);
  }
  const blocks = new Set(receipts.map((r) => r.blockNumber));
  if (blocks.size !== 1) throw new Error(`in one block: mined in ${blocks.size} blocks`);
  return receipts;
}

/** The arguments of every `name` event `contract` emitted in `receipt`, in log order. */
export function eventsOf(
  receipt: ContractTransactionReceipt | TransactionReceipt,
  contract: BaseContract,
  name: string,
): unknown[][] {
  const address = String(contract.target).toLowerCase();
  return receipt.logs
    .filter((log) => log.address.toLowerCase() === address)
    .map((log) => contract.interface.parseLog(log))
    .filter((parsed) => parsed !== null && parsed.name === name)
    .map((parsed) => parsed!.args.toArray());
}
