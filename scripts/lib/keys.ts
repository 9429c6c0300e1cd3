/**
 * Validator keys for the `ValidatorKeyRegistry` (contracts/ValidatorKeyRegistry.sol), shared by the tests and the
 * keeper:
 * - `podKeys`: a batch of `Key`s for `submitKeys`, signed by the TypeScript beacon chain for a pod (32-ETH deposits
 *   with the pod's 0x01 credentials), as a node operator's deposit tool would produce them;
 * - `readKeyQueue`: a delegator's queue rebuilt from the registry's events alone (the registry stores one commitment
 *   per key, the key bytes only in `KeySubmitted`), checked against itself as it is replayed;
 *   `checkKeyQueue` compares the result with the registry's storage, and `nextKeys` gives what `consumeKeys` takes.
 *
 * Contract types are imported as types only: the tasks load this file before TypeChain runs.
 */
import { AbiCoder, getAddress, keccak256 } from "ethers";
import type { ValidatorKeyRegistry } from "../../typechain-types";
import {
  MIN_ACTIVATION_BALANCE_GWEI,
  podWithdrawalCredentials,
  pubkeyHash,
  type BeaconChain,
  type Hex,
} from "./beacon";

/** One key, as `submitKeys` and `consumeKeys` take it (`IValidatorKeyRegistry.Key`). */
export interface Key {
  pubkey: Hex;
  signature: Hex;
  depositDataRoot: Hex;
}

/** A key in a delegator's queue, with its index and pubkey hash. */
export interface QueuedKey extends Key {
  index: number;
  pubkeyHash: Hex;
}

/** A delegator's keys as the registry's events tell them. */
export interface KeyQueue {
  delegator: string;
  /** keys consumed, in order (indexes 0 .. used - 1) */
  used: QueuedKey[];
  /** keys waiting, in order (indexes used.length ..) */
  queued: QueuedKey[];
  /** keys removed, in the order they were removed */
  removed: QueuedKey[];
}

/** `IValidatorKeyRegistry.KeyStatus`. */
export enum KeyStatus {
  None = 0,
  Queued = 1,
  Used = 2,
  Removed = 3,
}

/** `keccak256(abi.encode(pubkey, signature, depositDataRoot))`: what the registry stores per queued key. */
export function keyCommitment(key: Key): Hex {
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(["bytes", "bytes", "bytes32"], [key.pubkey, key.signature, key.depositDataRoot]),
  );
}

/**
 * Keys for `pod` from the beacon chain's deterministic keys (an index) or secret keys: a real BLS signature over the
 * 32-ETH `DepositMessage` with credentials `0x01 || 0^11 || pod` (the chain's deposit domain), and its
 * `deposit_data_root`. What `submitKeys` accepts for the delegator whose pod this is.
 */
export function podKeys(chain: BeaconChain, pod: Hex, keys: (number | Uint8Array)[]): Key[] {
  const credentials = podWithdrawalCredentials(pod);
  return keys.map((k) => {
    const d = chain.depositData(k, credentials, MIN_ACTIVATION_BALANCE_GWEI);
    return { pubkey: d.pubkey, signature: d.signature, depositDataRoot: d.depositDataRoot };
  });
}

/** Log ordering: block, then position in the block. */
interface Ordered {
  blockNumber: number;
  index: number;
}
const byPosition = (a: Ordered, b: Ordered): number => a.blockNumber - b.blockNumber || a.index - b.index;

function fail(delegator: string, what: string): never {
  throw new Error(`key queue of ${delegator}: ${what} (are logs missing? read from the registry's deployment)`);
}

function sameHashes(delegator: string, what: string, got: string[], want: QueuedKey[]): void {
  const bad = got.findIndex((h, i) => h.toLowerCase() !== want[i]?.pubkeyHash.toLowerCase());
  if (got.length !== want.length || bad !== -1) fail(delegator, `${what} names keys that are not there`);
}

/**
 * Rebuilds `delegator`'s queue from the registry's `KeySubmitted`, `KeysConsumed` and `KeysRemoved` events, replayed
 * in log order. Needs every event of the delegator: read from the registry's deployment block (`fromBlock`, default
 * 0). `maxBlockRange` splits the queries for RPC providers that limit a log query's range. Throws when the events do
 * not make a consistent queue (a key appended somewhere else than at the end, a consumption or removal naming keys
 * that are not next or last).
 */
export async function readKeyQueue(
  registry: ValidatorKeyRegistry,
  delegator: string,
  opts: { fromBlock?: number; toBlock?: number; maxBlockRange?: number } = {},
): Promise<KeyQueue> {
  const d = getAddress(delegator);
  const from = opts.fromBlock ?? 0;
  const to = opts.toBlock ?? (await registry.runner!.provider!.getBlockNumber());
  const step = opts.maxBlockRange ?? Math.max(to - from + 1, 1);
  type Ev =
    | (Ordered & { kind: "submitted"; key: QueuedKey })
    | (Ordered & { kind: "consumed" | "removed"; fromIndex: number; hashes: string[] });
  const events: Ev[] = [];
  for (let start = from; start <= to; start += step) {
    const end = Math.min(start + step - 1, to);
    const [submitted, consumed, removed] = await Promise.all([
      registry.queryFilter(registry.filters.KeySubmitted(d), start, end),
      registry.queryFilter(registry.filters.KeysConsumed(d), start, end),
      registry.queryFilter(registry.filters.KeysRemoved(d), start, end),
    ]);
    for (const e of submitted) {
      const { index, pubkeyHash: h, pubkey, signature, depositDataRoot } = e.args;
      events.push({
        kind: "submitted",
        blockNumber: e.blockNumber,
        index: e.index,
        key: { index: Number(index), pubkeyHash: h, pubkey, signature, depositDataRoot },
      });
    }
    for (const e of consumed) {
      const at = { blockNumber: e.blockNumber, index: e.index };
      events.push({ kind: "consumed", ...at, fromIndex: Number(e.args.fromIndex), hashes: [...e.args.pubkeyHashes] });
    }
    for (const e of removed) {
      const at = { blockNumber: e.blockNumber, index: e.index };
      events.push({ kind: "removed", ...at, fromIndex: Number(e.args.fromIndex), hashes: [...e.args.pubkeyHashes] });
    }
  }
  events.sort(byPosition);

  const q: KeyQueue = { delegator: d, used: [], queued: [], removed: [] };
  for (const e of events) {
    const end = q.used.length + q.queued.length;
    if (e.kind === "submitted") {
      if (e.key.index !== end) fail(d, `key ${e.key.pubkeyHash} submitted at ${e.key.index}, the end is ${end}`);
      if (pubkeyHash(e.key.pubkey).toLowerCase() !== e.key.pubkeyHash.toLowerCase()) {
        fail(d, `key at ${e.key.index} does not hash to its pubkey hash`);
      }
      q.queued.push(e.key);
    } else if (e.kind === "consumed") {
      if (e.fromIndex !== q.used.length) fail(d, `consumed from ${e.fromIndex}, the next is ${q.used.length}`);
      const taken = q.queued.slice(0, e.hashes.length);
      sameHashes(d, `the consumption at ${e.fromIndex}`, e.hashes, taken);
      q.queued.splice(0, e.hashes.length);
      q.used.push(...taken);
    } else {
      if (e.fromIndex !== end - e.hashes.length) fail(d, `removed from ${e.fromIndex}, the end is ${end}`);
      const dropped = q.queued.slice(q.queued.length - e.hashes.length);
      sameHashes(d, `the removal at ${e.fromIndex}`, e.hashes, dropped);
      q.queued.splice(q.queued.length - e.hashes.length);
      q.removed.push(...dropped);
    }
  }
  return q;
}

/**
 * Checks a rebuilt queue against the registry's storage: the counts, each queued key's commitment, each key's record
 * (delegator, index, status). Throws on the first difference.
 */
export async function checkKeyQueue(registry: ValidatorKeyRegistry, q: KeyQueue): Promise<void> {
  const [used, queued] = await registry.keyCounts(q.delegator);
  if (Number(used) !== q.used.length || Number(queued) !== q.queued.length) {
    throw new Error(
      `key queue of ${q.delegator}: the registry counts ${used} used and ${queued} queued, the events ` +
        `${q.used.length} and ${q.queued.length}`,
    );
  }
  for (const k of q.queued) {
    const c = await registry.commitmentOf(q.delegator, k.index);
    if (c !== keyCommitment(k)) throw new Error(`key queue of ${q.delegator}: commitment at ${k.index} differs`);
  }
  const expect = async (keys: QueuedKey[], status: KeyStatus) => {
    for (const k of keys) {
      const [delegator, index, s] = await registry.keyOf(k.pubkeyHash);
      if (delegator !== q.delegator || Number(index) !== k.index || Number(s) !== status) {
        throw new Error(`key queue of ${q.delegator}: record of ${k.pubkeyHash} differs`);
      }
    }
  };
  await expect(q.used, KeyStatus.Used);
  await expect(q.queued, KeyStatus.Queued);
  await expect(q.removed, KeyStatus.Removed);
}

/** The next `n` queued keys, as `consumeKeys` takes them (throws when fewer are queued). */
export function nextKeys(q: KeyQueue, n: number): Key[] {
  if (n > q.queued.length) throw new Error(`key queue of ${q.delegator}: ${n} keys asked, ${q.queued.length} queued`);
  return q.queued.slice(0, n).map(({ pubkey, signature, depositDataRoot }) => ({ pubkey, signature, depositDataRoot }));
}

/** The pubkey hashes of the last `n` queued keys, in queue order, as `removeKeys` takes them. */
export function lastKeyHashes(q: KeyQueue, n: number): Hex[] {
  if (n > q.queued.length) throw new Error(`key queue of ${q.delegator}: ${n} keys asked, ${q.queued.length} queued`);
  return q.queued.slice(q.queued.length - n).map((k) => k.pubkeyHash);
}
