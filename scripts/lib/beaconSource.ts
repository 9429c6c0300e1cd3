/**
 * Where the native restaking tasks get their beacon chain proofs, behind one interface (`ProofSource`): the beacon
 * block whose root the EIP-4788 contract holds for an execution timestamp, as a `BeaconBlock` that builds every proof
 * the EigenPod checks.
 * - `LocalBeacon`: on a local node, the TypeScript beacon chain (`scripts/lib/beacon/`) kept across task processes by
 *   a journal (`beacon.json` next to the deployment: genesis time and every operation in order), replayed
 *   deterministically by each task and appended to.
 * - `BeaconApi`: on a real network, a beacon node's REST API: the header by root
 *   (`/eth/v1/beacon/headers/{block_id}`) and the state's SSZ (`/eth/v2/debug/beacon/states/{state_id}`), deserialized
 *   with `@lodestar/types` and proven exactly as the local chain is.
 * `serveBeaconApi` serves a local chain's sealed blocks with those two routes (tests exercise the API path with it).
 *
 * No Hardhat import: the tasks load this file before TypeChain runs.
 */
import fs from "node:fs";
import http from "node:http";
import { AbiCoder } from "ethers";
import { BeaconBlock, BeaconChain, type BeaconBlockHeader, type BeaconFork, type Hex, type Withdrawal } from "./beacon";

/** The EIP-4788 beacon roots contract (the same address on every chain; the local stand-in is placed there). */
export const BEACON_ROOTS = "0x000F3df6D732807Ef1319fB7B8bB8522d0Beac02";

/** Where proofs come from: the block whose root EIP-4788 holds for `timestamp` (`root`, read from the chain). */
export interface ProofSource {
  readonly kind: "local" | "beacon-api";
  readonly description: string;
  block(timestamp: number, root: Hex): Promise<BeaconBlock>;
}

/* ------------------------------------------------------------------------------------------------------------- */
/*                                               LOCAL: THE JOURNAL                                                 */
/* ------------------------------------------------------------------------------------------------------------- */

/** One move of the local beacon chain, as journaled (replayed in order). */
export type BeaconOp =
  | { op: "deposit"; pubkey: Hex; withdrawalCredentials: Hex; amountGwei: number; signature: Hex }
  | { op: "activate"; indices: number[]; atEpoch: number }
  | { op: "advance"; epochs: number }
  | { op: "slash"; index: number; penaltyGwei?: number }
  | { op: "exit"; index: number; immediate?: boolean }
  | { op: "skim" }
  | { op: "seal"; timestamp: number };

export interface BeaconJournal {
  version: 1;
  genesisTime: number;
  /** Deterministic keys handed out so far (`lrt:register-keys --local`): the next key index. */
  keysIssued: number;
  /** DepositEvent logs of the deposit contract the chain has seen (from `depositsFromBlock`). */
  depositLogs: number;
  /** First block whose deposit logs the chain sees (the block native restaking was enabled in). */
  depositsFromBlock: number;
  ops: BeaconOp[];
}

/** The local beacon chain of a deployment, replayed from its journal file. */
export class LocalBeacon implements ProofSource {
  readonly kind = "local" as const;
  private constructor(
    readonly file: string,
    readonly journal: BeaconJournal,
    readonly chain: BeaconChain,
  ) {}

  get description(): string {
    return `the local beacon chain journaled in ${this.file}`;
  }

  /** A new chain and journal (overwrites `file`). */
  static async create(file: string, genesisTime: number, depositsFromBlock: number): Promise<LocalBeacon> {
    const journal: BeaconJournal = {
      version: 1,
      genesisTime,
      keysIssued: 0,
      depositLogs: 0,
      depositsFromBlock,
      ops: [],
    };
    const b = new LocalBeacon(file, journal, await BeaconChain.create({ genesisTime }));
    b.save();
    return b;
  }

  /** Replays the journal in `file`. */
  static async open(file: string): Promise<LocalBeacon> {
    const journal = JSON.parse(fs.readFileSync(file, "utf8")) as BeaconJournal;
    if (journal.version !== 1 || !Array.isArray(journal.ops)) throw new Error(`${file} is not a beacon journal`);
    const chain = await BeaconChain.create({ genesisTime: journal.genesisTime });
    for (const op of journal.ops) {
      run(chain, op);
      chain.takeWithdrawals(); // credited when the op was first applied
    }
    return new LocalBeacon(file, journal, chain);
  }

  /** Applies a move, journals it (saved at once) and returns its result and the withdrawals it paid. */
  apply(op: BeaconOp): { result: unknown; withdrawals: Withdrawal[] } {
    const result = run(this.chain, op);
    this.journal.ops.push(op);
    this.save();
    return { result, withdrawals: this.chain.takeWithdrawals() };
  }

  save(): void {
    const tmp = `${this.file}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(this.journal, null, 1));
    fs.renameSync(tmp, this.file);
  }

  async block(timestamp: number, root: Hex): Promise<BeaconBlock> {
    const b = [...this.chain.sealedBlocks].reverse().find((x) => x.root.toLowerCase() === root.toLowerCase());
    if (!b) throw new Error(`the local beacon chain sealed no block with root ${root} (for timestamp ${timestamp})`);
    return b.at(timestamp);
  }
}

function run(chain: BeaconChain, op: BeaconOp): unknown {
  switch (op.op) {
    case "deposit":
      return chain.deposit(op);
    case "activate":
      return chain.activate(op.indices, { atEpoch: op.atEpoch });
    case "advance":
      return chain.advanceEpochs(op.epochs);
    case "slash":
      return chain.slash(op.index, { penaltyGwei: op.penaltyGwei });
    case "exit":
      return chain.exit(op.index, { immediate: op.immediate });
    case "skim":
      return chain.skim();
    case "seal":
      return chain.blockRoot(op.timestamp);
  }
}

/* ------------------------------------------------------------------------------------------------------------- */
/*                                              REAL NETWORK: BEACON API                                            */
/* ------------------------------------------------------------------------------------------------------------- */

const FORKS: BeaconFork[] = ["electra", "deneb"];

/** A beacon node's REST API (`--beacon-api <url>` / `BEACON_API_URL`); the debug state route must be enabled. */
export class BeaconApi implements ProofSource {
  readonly kind = "beacon-api" as const;
  readonly url: string;
  constructor(url: string) {
    this.url = url.replace(/\/+$/, "");
  }
  get description(): string {
    return `the beacon node at ${this.url}`;
  }

  private async get(route: string, accept: string): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(`${this.url}${route}`, { headers: { accept } });
    } catch (err) {
      throw new Error(`the beacon node at ${this.url} did not answer ${route}: ${(err as Error).message}`);
    }
    if (!res.ok) throw new Error(`the beacon node at ${this.url} answered ${route} with HTTP ${res.status}`);
    return res;
  }

  /** The header of the block with this root. */
  async header(root: Hex): Promise<BeaconBlockHeader> {
    const body = (await (await this.get(`/eth/v1/beacon/headers/${root}`, "application/json")).json()) as {
      data?: { header?: { message?: Record<string, string> } };
    };
    const m = body.data?.header?.message;
    if (!m) throw new Error(`the beacon node at ${this.url} returned no header for ${root}`);
    return {
      slot: Number(m.slot),
      proposerIndex: Number(m.proposer_index),
      parentRoot: m.parent_root,
      stateRoot: m.state_root,
      bodyRoot: m.body_root,
    };
  }

  async block(timestamp: number, root: Hex): Promise<BeaconBlock> {
    const header = await this.header(root);
    const res = await this.get(`/eth/v2/debug/beacon/states/${header.slot}`, "application/octet-stream");
    const version = (res.headers.get("eth-consensus-version") ?? "electra").toLowerCase();
    const fork = FORKS.find((f) => f === version);
    if (!fork) {
      throw new Error(`the state at slot ${header.slot} is of fork ${version}: only ${FORKS.join(" and ")} are proven`);
    }
    const block = await BeaconBlock.fromState(fork, timestamp, header, new Uint8Array(await res.arrayBuffer()));
    if (block.root.toLowerCase() !== root.toLowerCase()) {
      throw new Error(`the header the beacon node returned for ${root} hashes to ${block.root}`);
    }
    return block;
  }
}

/* ------------------------------------------------------------------------------------------------------------- */
/*                                                  EIP-4788 ROOTS                                                   */
/* ------------------------------------------------------------------------------------------------------------- */

interface CallProvider {
  call(tx: { to: string; data: string }): Promise<string>;
  getBlock(tag: number | "latest"): Promise<{ number: number; timestamp: number } | null>;
}

/** The EIP-4788 root for an execution timestamp, or undefined if the contract holds none. */
export async function beaconRootAt(provider: CallProvider, timestamp: number): Promise<Hex | undefined> {
  try {
    const out = await provider.call({
      to: BEACON_ROOTS,
      data: AbiCoder.defaultAbiCoder().encode(["uint256"], [timestamp]),
    });
    return out.length === 66 && BigInt(out) !== 0n ? out : undefined;
  } catch {
    return undefined;
  }
}

/** The latest execution block (searching back `depth` blocks) whose timestamp has an EIP-4788 root. */
export async function latestBeaconRoot(
  provider: CallProvider,
  depth = 64,
): Promise<{ timestamp: number; root: Hex } | undefined> {
  const latest = await provider.getBlock("latest");
  if (!latest) return undefined;
  for (let n = latest.number; n >= Math.max(0, latest.number - depth); n--) {
    const b = n === latest.number ? latest : await provider.getBlock(n);
    if (!b) continue;
    const root = await beaconRootAt(provider, b.timestamp);
    if (root) return { timestamp: b.timestamp, root };
  }
  return undefined;
}

/* ------------------------------------------------------------------------------------------------------------- */
/*                                          A BEACON API FOR A LOCAL CHAIN                                          */
/* ------------------------------------------------------------------------------------------------------------- */

/**
 * Serves `chain`'s sealed blocks with the two routes `BeaconApi` reads: `/eth/v1/beacon/headers/{root|slot}` (JSON)
 * and `/eth/v2/debug/beacon/states/{slot|state root}` (SSZ, `Eth-Consensus-Version`). Listens on 127.0.0.1, a free
 * port; returns its URL and the server (close it when done).
 */
export async function serveBeaconApi(chain: BeaconChain): Promise<{ url: string; server: http.Server }> {
  const find = (id: string): BeaconBlock | undefined => {
    const blocks = [...chain.sealedBlocks].reverse();
    if (/^\d+$/.test(id)) return blocks.find((b) => b.slot === Number(id));
    const want = id.toLowerCase();
    return blocks.find((b) => b.root.toLowerCase() === want || b.stateRoot.toLowerCase() === want);
  };
  const server = http.createServer((req, res) => {
    const url = req.url ?? "";
    const header = /^\/eth\/v1\/beacon\/headers\/([^/?]+)$/.exec(url);
    const state = /^\/eth\/v2\/debug\/beacon\/states\/([^/?]+)$/.exec(url);
    const b = find((header ?? state)?.[1] ?? "");
    if (!b) {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ code: 404, message: "Not found" }));
      return;
    }
    if (header) {
      res.writeHead(200, { "content-type": "application/json" });
      const h = b.header;
      res.end(
        JSON.stringify({
          execution_optimistic: false,
          finalized: false,
          data: {
            root: b.root,
            canonical: true,
            header: {
              message: {
                slot: String(h.slot),
                proposer_index: String(h.proposerIndex),
                parent_root: h.parentRoot,
                state_root: h.stateRoot,
                body_root: h.bodyRoot,
              },
              signature: "0x" + "00".repeat(96),
            },
          },
        }),
      );
      return;
    }
    res.writeHead(200, { "content-type": "application/octet-stream", "eth-consensus-version": b.fork });
    res.end(Buffer.from(b.stateSsz()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, server };
}
