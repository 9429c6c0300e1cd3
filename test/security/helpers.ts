/**
 * Shared plumbing for the attacker's tests in `test/security/` (one file per attack of issue 9): same-block
 * execution, exits through the withdrawal queue to a fresh address (so what the attacker takes out is measured
 * exactly, without gas), and formatting of the numbers each test prints.
 */
import { ethers, network } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { Wallet, formatEther, type ContractTransactionResponse } from "ethers";
import type { IERC20, WithdrawalQueue } from "../../typechain-types";
import { ETH } from "../fixtures/vault";

/** Gas limit for transactions sent while automine is off (no estimate against a state that is not mined yet). */
export const TX_GAS = 3_000_000n;

/**
 * Runs `send` with automine off, then mines one block (at `timestamp` when given): every transaction `send` sent lands
 * in that block, in the order sent when they come from one sender (nonce order). Send with `{ gasLimit: TX_GAS }`.
 * Returns what `send` returned; wait on its transactions afterwards.
 */
export async function inOneBlock<T>(send: () => Promise<T>, timestamp?: bigint): Promise<T> {
  await network.provider.send("evm_setAutomine", [false]);
  try {
    const out = await send();
    if (timestamp !== undefined) await time.setNextBlockTimestamp(timestamp);
    await network.provider.send("evm_mine", []);
    return out;
  } finally {
    await network.provider.send("evm_setAutomine", [true]);
  }
}

/** Waits for `tx` and fails with a clear message if it reverted. */
export async function mined(tx: ContractTransactionResponse) {
  const receipt = await tx.wait();
  if (receipt === null || receipt.status !== 1) throw new Error(`transaction ${tx.hash} failed`);
  return receipt;
}

/** The timestamp of the block a transaction was mined in. */
export async function timeOf(tx: ContractTransactionResponse): Promise<bigint> {
  const receipt = await mined(tx);
  const block = await ethers.provider.getBlock(receipt.blockNumber);
  return BigInt(block!.timestamp);
}

/** A fresh address that holds nothing: what arrives there is exactly what a claim paid. */
export function freshAddress(): string {
  return Wallet.createRandom().address;
}

/** ETH (or `token`) held by `account`. stETH is read in Lido shares when `shares` is set. */
export async function holding(account: string, token?: IERC20 | { sharesOf(a: string): Promise<bigint> }) {
  if (token === undefined) return ethers.provider.getBalance(account);
  if ("sharesOf" in token) return token.sharesOf(account);
  return (token as IERC20).balanceOf(account);
}

/** The request id the queue minted in `tx` (its `WithdrawalRequested` event). */
export async function requestIdOf(queue: WithdrawalQueue, tx: ContractTransactionResponse): Promise<bigint> {
  const receipt = await mined(tx);
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== (await queue.getAddress()).toLowerCase()) continue;
    const parsed = queue.interface.parseLog(log);
    if (parsed?.name === "WithdrawalRequested") return parsed.args.requestId as bigint;
  }
  throw new Error("no WithdrawalRequested event");
}

/**
 * `owner` claims finalized `ids` to a fresh address; returns what arrived there: ETH in wei for an ETH request,
 * else `token`'s balance (or Lido shares for stETH through `sharesOf`).
 */
export async function claimToFresh(
  queue: WithdrawalQueue,
  owner: HardhatEthersSigner,
  ids: bigint[],
  token?: IERC20 | { sharesOf(a: string): Promise<bigint> },
): Promise<bigint> {
  const recipient = freshAddress();
  await mined(await queue.connect(owner).claim(ids, recipient));
  return holding(recipient, token);
}

/** The id a request in `asset`'s lane gets: `uint160(asset) << 64 | seq`. */
export function laneId(asset: string, seq: bigint): bigint {
  return (BigInt(asset) << 64n) | seq;
}

/** `amount` wei as ETH with its sign, for the numbers the tests print. */
export function eth(amount: bigint): string {
  return `${amount < 0n ? "-" : amount > 0n ? "+" : ""}${formatEther(amount < 0n ? -amount : amount)}`;
}

/** The ETH marker, re-exported for the security tests. */
export { ETH };
