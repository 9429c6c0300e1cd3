/**
 * The keeper's logic, shared by `npx hardhat lrt:keeper` (tasks/keeper.ts) and the tests (test/tasks/): a `Keeper`
 * drives one lrt-vault deployment through the runbook, one `tick()` at a time, and `run()` repeats ticks while it
 * watches EigenLayer between them.
 *
 * Each tick:
 *  1. watch: EigenLayer events since the last sync that concern us: the AllocationManager's `OperatorSlashed` and
 *     `MaxMagnitudeUpdated` for the operator of one of our delegators (`IOperatorDelegator.operator()` of each
 *     delegator in `manager.delegators()`, and its `previousOperator()` after a redelegation) in one of our
 *     strategies, and the EigenPodManager's `BeaconChainSlashingFactorDecreased` for one of
 *     our delegators (when its address is configured). Any of them, `accountant.freshness().slashedSinceSync`, or a
 *     rate older than `maxAge` → `accountant.sync()` at once;
 *  2. complete every EigenLayer withdrawal of every delegator past its delay (`manager.completeWithdrawals`);
 *  3. `queue.finalize` while requests are payable (it returns how many it finalized; nothing is sent when none is);
 *  4. for each asset lane whose liability exceeds its buffer plus what is already queued in EigenLayer, queue
 *     withdrawals (`manager.queueWithdrawal`) from the delegators holding the asset, largest first;
 *  5. optionally restake each asset's buffer above its lane's liability through the delegator furthest below its
 *     allocation target;
 *  6. optionally (native restaking, `native`) stake ETH in 32-ETH validators: the ETH buffer above the ETH lane's
 *     liability plus a buffer target, plus the WETH buffer above the WETH lane's liability (unwrapped first with
 *     `vault.unwrap`), through the delegators with queued keys furthest below their allocation targets, never more
 *     than the manager's `MAX_UNVERIFIED` validators awaiting their credential proofs. Each stake's keys are checked
 *     by the caller's `stakeTx` (BLS signatures, no earlier deposit) before it is sent.
 * Completing before queuing means a withdrawal that just landed is counted once (in the buffer, no longer queued).
 * Every action logs one line: what, why, tx hash and gas. A failed step logs one line and the tick goes on; `run()`
 * survives a failed tick (an RPC hiccup) and tries again at the next one.
 *
 * The module also holds the error decoding the tasks use (`describeError`): revert data is found in every shape
 * ethers and Hardhat produce (an ethers CALL_EXCEPTION, a Hardhat ProviderError whose `data` is an object holding
 * the revert data, nested `error` / `info` / `cause` / `parent` fields) and decoded with the contracts' ABIs.
 *
 * Contract types are imported as types only: the tasks load this file before TypeChain runs.
 */
import { AbiCoder, Contract, Interface, ZeroAddress, getAddress } from "ethers";
import type { ContractRunner, ContractTransactionResponse, Log, Provider } from "ethers";
import type { LRTAccountant, LRTVault, RestakingManager, WithdrawalQueue } from "../../typechain-types";
import { asWithdrawal, type WithdrawalLike } from "./withdrawal";
import { UNIT, BPS } from "./constants";

/* --------------------------------------------------------------------------------------------------------------- */
/*                                                ERROR DECODING                                                    */
/* --------------------------------------------------------------------------------------------------------------- */

const HEX_DATA = /^0x[0-9a-fA-F]{8}(?:[0-9a-fA-F]{2})*$/;
/** Fields that may hold revert data, or an object that does (never `transaction`: its `data` is the calldata). */
const DATA_KEYS = ["data", "revert", "error", "info", "cause", "parent", "originalError"] as const;

/** The revert data carried by an error of ethers, Hardhat or a JSON-RPC node, wherever it is nested. */
export function revertData(err: unknown): string | undefined {
  const seen = new Set<unknown>();
  const visit = (v: unknown, depth: number): string | undefined => {
    if (v === null || v === undefined || depth > 8) return undefined;
    if (typeof v === "string") return HEX_DATA.test(v) ? v : undefined;
    if (typeof v !== "object" || seen.has(v)) return undefined;
    seen.add(v);
    const o = v as Record<string, unknown>;
    for (const key of DATA_KEYS) {
      if (!(key in o)) continue;
      const found = visit(o[key], depth + 1);
      if (found) return found;
    }
    return undefined;
  };
  const found = visit(err, 0);
  if (found) return found;
  // Last resort: "... return data: 0x..." in a message.
  const message = (err as { message?: unknown })?.message;
  const m = typeof message === "string" ? /return data: (0x[0-9a-fA-F]{8,})/.exec(message) : null;
  return m?.[1];
}

const formatArg = (v: unknown): string => {
  if (Array.isArray(v)) return `[${v.map(formatArg).join(", ")}]`;
  return String(v);
};

/** Decodes revert data with the given ABIs (plus Solidity's `Error(string)` and `Panic(uint256)`). */
export function decodeRevert(data: string, interfaces: Interface[]): string | undefined {
  const selector = data.slice(0, 10).toLowerCase();
  try {
    if (selector === "0x08c379a0") {
      const [reason] = AbiCoder.defaultAbiCoder().decode(["string"], `0x${data.slice(10)}`);
      return `Error(${JSON.stringify(reason)})`;
    }
    if (selector === "0x4e487b71") {
      const [code] = AbiCoder.defaultAbiCoder().decode(["uint256"], `0x${data.slice(10)}`);
      return `Panic(0x${(code as bigint).toString(16)})`;
    }
  } catch {
    return undefined;
  }
  for (const iface of interfaces) {
    try {
      const parsed = iface.parseError(data);
      if (parsed) return `${parsed.name}(${[...parsed.args].map(formatArg).join(", ")})`;
    } catch {
      // not this ABI's error, or malformed arguments: try the next
    }
  }
  return undefined;
}

/** The first line of an error's message, without ethers' "(action=..., code=...)" tail. */
export function firstLine(err: unknown): string {
  const e = err as { shortMessage?: unknown; message?: unknown };
  const text =
    typeof e?.shortMessage === "string" && e.shortMessage
      ? e.shortMessage
      : typeof e?.message === "string" && e.message
        ? e.message
        : String(err);
  return (text.split("\n").find((l) => l.trim() !== "") ?? text).trim();
}

/** One line saying why a call failed: the decoded custom error if any ABI knows it, else the error's first line. */
export function describeError(err: unknown, interfaces: Interface[] = []): string {
  const data = revertData(err);
  if (data) {
    const decoded = decodeRevert(data, interfaces);
    if (decoded) return `reverted: ${decoded}`;
    if (data.length >= 10 && !/custom error|reverted/i.test(firstLine(err)))
      return `reverted with unknown error ${data.slice(0, 10)}`;
  }
  return firstLine(err);
}

/* --------------------------------------------------------------------------------------------------------------- */
/*                                                    KEEPER                                                        */
/* --------------------------------------------------------------------------------------------------------------- */

/** The EigenLayer events the keeper watches (mainnet signatures; the local stand-ins emit the same). */
export const EIGENLAYER_EVENTS = new Interface([
  "event OperatorSlashed(address operator, (address avs, uint32 id) operatorSet, address[] strategies, uint256[] wadSlashed, string description)",
  "event MaxMagnitudeUpdated(address operator, address strategy, uint64 maxMagnitude)",
  "event BeaconChainSlashingFactorDecreased(address staker, uint64 prevBeaconChainSlashingFactor, uint64 newBeaconChainSlashingFactor)",
]);

const DELEGATION_ABI = [
  "function allocationManager() view returns (address)",
  "function minWithdrawalDelayBlocks() view returns (uint32)",
  "function getQueuedWithdrawals(address staker) view returns ((address staker, address delegatedTo, address withdrawer, uint256 nonce, uint32 startBlock, address[] strategies, uint256[] scaledShares)[] withdrawals, uint256[][] shares)",
];
const DELEGATOR_ABI = [
  "function operator() view returns (address)",
  "function previousOperator() view returns (address)",
];
const SYMBOL_ABI = ["function symbol() view returns (string)"];

export interface KeeperContracts {
  vault: LRTVault;
  accountant: LRTAccountant;
  manager: RestakingManager;
  queue: WithdrawalQueue;
}

export interface KeeperOptions {
  /** Sync when the rate is older than this (seconds). Default: half the accountant's `maxRateAge`. */
  maxAge?: number;
  /** Restake buffer above the lanes' liabilities toward the allocation targets (step 5). Default false. */
  restake?: boolean;
  /** Smallest restake, in accounting units. Default 1e16. */
  minRestake?: bigint;
  /** The EigenPodManager whose `BeaconChainSlashingFactorDecreased` to watch (none: not watched). */
  eigenPodManager?: string;
  /** Whether the signer holds the KEEPER role (false: steps 4 and 5 are skipped, with one log line). Default true. */
  keeperRole?: boolean;
  /** Blocks per `eth_getLogs` call. Default 5000. */
  logRange?: number;
  /** The oldest block the first watch looks at, counted back from the head. Default 50000. */
  lookback?: number;
  /** Native restaking: stake ETH above a buffer target in validators (step 6). None: the keeper stakes nothing. */
  native?: NativeStaking;
  /** Where log lines go. Default: stdout with an ISO timestamp. */
  log?: (line: string) => void;
  /** ABIs used to decode reverts in log lines (the suite's contracts' ABIs are always used). */
  errorInterfaces?: Interface[];
}

/** What step 6 needs to stake validators (the tasks build it from the deployment's key registry and deposit contract). */
export interface NativeStaking {
  /** ETH kept liquid in the buffer above the ETH lane's liability (wei). */
  bufferTarget: bigint;
  /** The wrapped-ETH token to unwrap before staking (listed and valued at 1), if any. */
  weth?: string;
  /** How many keys the registry still queues for `delegator`. */
  queuedKeys(delegator: string): Promise<number>;
  /** Checks the next `count` queued keys of `delegator` (BLS, no earlier deposit) and sends `stakeValidators`. */
  stakeTx(delegator: string, count: number): Promise<ContractTransactionResponse>;
}

/** 32 ETH, one validator's deposit. */
export const VALIDATOR_DEPOSIT = 32n * 10n ** 18n;

/** What step 6 moves, from the buffers and limits it reads (all in wei). */
export interface StakePlanInput {
  ethBuffer: bigint;
  ethLiability: bigint;
  wethBuffer: bigint;
  wethLiability: bigint;
  bufferTarget: bigint;
  /** validators that may still be staked before `MAX_UNVERIFIED` is reached */
  slots: number;
  /** keys queued over all delegators */
  keys: number;
}

/**
 * How many validators to stake and how much WETH to unwrap for them: whole 32-ETH chunks of the ETH buffer above the
 * ETH lane's liability and the buffer target, plus the WETH buffer above the WETH lane's liability, bounded by the free
 * slots and the queued keys. ETH is used before WETH, so only the shortfall is unwrapped.
 */
export function planStake(p: StakePlanInput): { count: number; unwrap: bigint } {
  const freeETH = p.ethBuffer > p.ethLiability + p.bufferTarget ? p.ethBuffer - p.ethLiability - p.bufferTarget : 0n;
  const freeWETH = p.wethBuffer > p.wethLiability ? p.wethBuffer - p.wethLiability : 0n;
  const affordable = Number((freeETH + freeWETH) / VALIDATOR_DEPOSIT);
  const count = Math.max(0, Math.min(affordable, p.slots, p.keys));
  const need = BigInt(count) * VALIDATOR_DEPOSIT;
  return { count, unwrap: need > freeETH ? need - freeETH : 0n };
}

/** One EigenLayer event the keeper reacted to. */
export interface WatchedEvent {
  name: "OperatorSlashed" | "MaxMagnitudeUpdated" | "BeaconChainSlashingFactorDecreased";
  /** the operator (or, for the beacon chain event, the staker) concerned */
  subject: string;
  blockNumber: number;
  transactionHash: string;
}

export interface TxRecord {
  hash: string;
  blockNumber: number;
  gasUsed: bigint;
}

export interface TickReport {
  /** the chain head when the tick started */
  block: number;
  sync?: TxRecord & { reasons: string[]; rateBefore: bigint; rateAfter: bigint };
  events: WatchedEvent[];
  completed: (TxRecord & { delegator: string; count: number })[];
  finalized: (TxRecord & { count: number })[];
  queued: (TxRecord & { delegator: string; asset: string; shares: bigint; units: bigint })[];
  restaked: (TxRecord & { delegator: string; asset: string; units: bigint })[];
  /** WETH unwrapped for validators (step 6) */
  unwrapped: (TxRecord & { amount: bigint })[];
  /** validators staked (step 6) */
  staked: (TxRecord & { delegator: string; count: number })[];
  /** one line per failed step */
  errors: string[];
}

interface AssetView {
  asset: string;
  symbol: string;
  strategy: string;
  buffer: bigint;
  liability: bigint;
  requested: bigint;
  processed: bigint;
  price: bigint;
}

const eth = (wei: bigint, digits = 6): string => {
  const neg = wei < 0n;
  const s = (neg ? -wei : wei).toString().padStart(19, "0");
  return `${neg ? "-" : ""}${s.slice(0, -18)}.${s.slice(-18, -18 + digits)}`;
};
const short = (a: string) => `${a.slice(0, 8)}…${a.slice(-4)}`;
const ceilDiv = (a: bigint, b: bigint) => (a + b - 1n) / b;
/** EigenLayer's beacon chain ETH strategy (a marker address, not a contract). */
const BEACON_STRATEGY = getAddress("0xbeaC0eeEeeeeEEeEeEEEEeeEEeEeeeEeeEEBEaC0");
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs the runbook on one deployment. Construct with the four suite contracts connected to the keeper's signer (any
 * runner with a provider: Hardhat's, or an ethers JsonRpcSigner), then `tick()` or `run()`.
 */
export class Keeper {
  readonly c: KeeperContracts;
  private readonly provider: Provider;
  private readonly runner: ContractRunner;
  private readonly log: (line: string) => void;
  private readonly interfaces: Interface[];
  private readonly options: Required<
    Omit<KeeperOptions, "maxAge" | "eigenPodManager" | "log" | "errorInterfaces" | "native">
  > & {
    maxAge?: number;
    eigenPodManager?: string;
    native?: NativeStaking;
  };
  private allocationManager?: string;
  private delegation?: Contract;
  private delay?: bigint;
  private eth?: string;
  private readonly symbols = new Map<string, string>();
  /** the last block whose EigenLayer logs were read */
  private cursor?: number;
  private warnedRole = false;
  private stopping = false;

  constructor(contracts: KeeperContracts, options: KeeperOptions = {}) {
    this.c = contracts;
    const runner = contracts.vault.runner;
    if (!runner?.provider) throw new Error("keeper: the contracts must be connected to a signer with a provider");
    this.runner = runner;
    this.provider = runner.provider;
    this.log = options.log ?? ((line) => console.log(`${new Date().toISOString()} ${line}`));
    this.interfaces = [
      contracts.manager.interface,
      contracts.queue.interface,
      contracts.vault.interface,
      contracts.accountant.interface,
      ...(options.errorInterfaces ?? []),
    ];
    this.options = {
      maxAge: options.maxAge,
      restake: options.restake ?? false,
      minRestake: options.minRestake ?? 10n ** 16n,
      eigenPodManager: options.eigenPodManager,
      keeperRole: options.keeperRole ?? true,
      logRange: options.logRange ?? 5000,
      lookback: options.lookback ?? 50_000,
      native: options.native,
    };
  }

  /** Asks `run()` to return after the current tick or wait. */
  stop(): void {
    this.stopping = true;
  }

  /**
   * Ticks every `interval` seconds, watching EigenLayer every `poll` seconds in between (a slash syncs at once),
   * until `maxTicks` ticks or `stop()`. Returns the ticks run and the steps that failed (each logged already).
   */
  async run({ interval, maxTicks = Infinity, poll }: { interval: number; maxTicks?: number; poll?: number }) {
    const pollMs = Math.max(250, Math.min(poll ?? 12, interval) * 1000);
    let ticks = 0;
    let failed = 0;
    while (!this.stopping) {
      try {
        failed += (await this.tick()).errors.length;
      } catch (err) {
        failed += 1;
        this.log(`tick failed: ${this.why(err)}; next tick in ${interval} s`);
      }
      if (++ticks >= maxTicks) break;
      const until = Date.now() + interval * 1000;
      while (!this.stopping && Date.now() < until) {
        await sleep(Math.min(pollMs, Math.max(0, until - Date.now())));
        if (this.stopping || Date.now() >= until) break;
        try {
          const events = await this.watch();
          if (events.length > 0) await this.sync(describeEvents(events));
        } catch (err) {
          this.log(`watch failed: ${this.why(err)}`);
        }
      }
    }
    return { ticks, failed };
  }

  /** One pass of the runbook (see the file's notice). Never throws for a failed step: it is in `errors`. */
  async tick(): Promise<TickReport> {
    await this.init();
    const report: TickReport = {
      block: await this.provider.getBlockNumber(),
      events: [],
      completed: [],
      finalized: [],
      queued: [],
      restaked: [],
      unwrapped: [],
      staked: [],
      errors: [],
    };
    const step = async (name: string, fn: () => Promise<void>) => {
      try {
        await fn();
      } catch (err) {
        const line = `${name} failed: ${this.why(err)}`;
        report.errors.push(line);
        this.log(line);
      }
    };
    await step("sync", async () => {
      report.events = await this.watch();
      const reasons = describeEvents(report.events);
      const [age, slashedSinceSync] = await this.c.accountant.freshness();
      if (slashedSinceSync && reasons.length === 0)
        reasons.push("freshness(): EigenLayer slashed one of our operators since the last sync");
      const maxAge = await this.maxAge();
      if (age > BigInt(maxAge)) reasons.push(`rate is ${age} s old (threshold ${maxAge} s)`);
      if (reasons.length > 0) report.sync = await this.sync(reasons);
    });
    await step("complete", async () => {
      report.completed = await this.complete();
    });
    await step("finalize", async () => {
      report.finalized = await this.finalize();
    });
    await step("queue", async () => {
      report.queued = await this.queueLiquidity();
    });
    if (this.options.restake) {
      await step("restake", async () => {
        report.restaked = await this.restake();
      });
    }
    if (this.options.native) {
      await step("stake", async () => {
        Object.assign(report, await this.stakeNative(this.options.native!));
      });
    }
    return report;
  }

  /* ------------------------------------------------------------------------------------------------------------- */

  private why(err: unknown): string {
    return describeError(err, this.interfaces);
  }

  private async init(): Promise<void> {
    if (this.delegation) return;
    // The manager's links name the DelegationManager; the AllocationManager is the DelegationManager's (as the
    // manager itself finds it).
    const [, eigenLayer] = await this.c.manager.links();
    this.delegation = new Contract(eigenLayer.delegationManager, DELEGATION_ABI, this.runner);
    this.allocationManager = getAddress(await this.delegation.allocationManager());
    this.delay = BigInt(await this.delegation.minWithdrawalDelayBlocks());
    this.eth = getAddress(await this.c.vault.ETH());
  }

  private async maxAge(): Promise<number> {
    if (this.options.maxAge !== undefined) return this.options.maxAge;
    const [, , maxRateAge] = await this.c.accountant.parameters();
    return Math.floor(Number(maxRateAge) / 2);
  }

  private async symbol(asset: string): Promise<string> {
    const key = getAddress(asset);
    if (key === this.eth) return "ETH";
    let s = this.symbols.get(key);
    if (s === undefined) {
      try {
        s = String(await new Contract(key, SYMBOL_ABI, this.provider).symbol());
      } catch {
        s = short(key);
      }
      this.symbols.set(key, s);
    }
    return s;
  }

  private async send(what: string, why: string, tx: () => Promise<ContractTransactionResponse>): Promise<TxRecord> {
    const receipt = await (await tx()).wait();
    if (!receipt) throw new Error(`${what}: no receipt`);
    const record = { hash: receipt.hash, blockNumber: receipt.blockNumber, gasUsed: receipt.gasUsed };
    this.log(`${what} | why: ${why} | tx ${record.hash} block ${record.blockNumber} gas ${record.gasUsed}`);
    return record;
  }

  /**
   * Our delegators and the operators watched for them: the operator each was delegated to last and, after a
   * redelegation, the one before (its withdrawals queued under that operator stay slashable by it until they
   * complete; a deployment without `previousOperator()` has none).
   */
  private async delegatorsAndOperators(): Promise<{ delegators: string[]; operators: Map<string, string> }> {
    const delegators = [...(await this.c.manager.delegators())].map((d) => getAddress(d));
    const operators = new Map<string, string>();
    for (const d of delegators) {
      const delegator = new Contract(d, DELEGATOR_ABI, this.provider);
      operators.set(getAddress(await delegator.operator()), d);
      let previous: string = ZeroAddress;
      try {
        previous = getAddress(await delegator.previousOperator());
      } catch {
        // an older delegator implementation: no previous operator recorded
      }
      if (previous !== ZeroAddress) operators.set(previous, d);
    }
    return { delegators, operators };
  }

  /** Our strategies (lower-case). */
  private async strategies(): Promise<Set<string>> {
    const out = new Set<string>();
    for (const asset of await this.c.vault.assets()) {
      const s = await this.c.manager.strategyOf(asset);
      if (s !== ZeroAddress) out.add(s.toLowerCase());
    }
    return out;
  }

  /**
   * Reads the EigenLayer logs since the last block read (the first time: since the block of the last sync, at most
   * `lookback` blocks back) and returns the events that concern our operators or delegators and happened at or
   * after the last sync's block (older ones are in the rate already).
   */
  async watch(): Promise<WatchedEvent[]> {
    await this.init();
    const head = await this.provider.getBlockNumber();
    const lastSyncBlock = Number((await this.c.accountant.books()).lastSyncBlock);
    const from = this.cursor === undefined ? Math.max(lastSyncBlock, head - this.options.lookback, 0) : this.cursor + 1;
    if (from > head) return [];
    const { delegators, operators } = await this.delegatorsAndOperators();
    const ours = await this.strategies();
    const sources: { address: string; topics: string[] }[] = [
      {
        address: this.allocationManager!,
        topics: [
          EIGENLAYER_EVENTS.getEvent("OperatorSlashed")!.topicHash,
          EIGENLAYER_EVENTS.getEvent("MaxMagnitudeUpdated")!.topicHash,
        ],
      },
    ];
    if (this.options.eigenPodManager) {
      sources.push({
        address: this.options.eigenPodManager,
        topics: [EIGENLAYER_EVENTS.getEvent("BeaconChainSlashingFactorDecreased")!.topicHash],
      });
    }
    const logs: Log[] = [];
    for (let lo = from; lo <= head; lo += this.options.logRange) {
      const hi = Math.min(head, lo + this.options.logRange - 1);
      for (const src of sources) {
        logs.push(
          ...(await this.provider.getLogs({ address: src.address, topics: [src.topics], fromBlock: lo, toBlock: hi })),
        );
      }
    }
    this.cursor = head;
    const staker = new Set(delegators.map((d) => d.toLowerCase()));
    const events: WatchedEvent[] = [];
    for (const log of logs) {
      if (log.blockNumber < lastSyncBlock) continue;
      const parsed = EIGENLAYER_EVENTS.parseLog(log);
      if (!parsed) continue;
      let subject: string;
      if (parsed.name === "OperatorSlashed") {
        subject = getAddress(parsed.args.operator);
        const strategies = [...parsed.args.strategies].map((s: string) => s.toLowerCase());
        if (!operators.has(subject) || !strategies.some((s) => ours.has(s))) continue;
      } else if (parsed.name === "MaxMagnitudeUpdated") {
        subject = getAddress(parsed.args.operator);
        if (!operators.has(subject) || !ours.has(String(parsed.args.strategy).toLowerCase())) continue;
      } else {
        subject = getAddress(parsed.args.staker);
        if (!staker.has(subject.toLowerCase())) continue;
      }
      events.push({
        name: parsed.name as WatchedEvent["name"],
        subject,
        blockNumber: log.blockNumber,
        transactionHash: log.transactionHash,
      });
    }
    return events;
  }

  /** Syncs now, logging why and the rate change. */
  async sync(reasons: string[]): Promise<NonNullable<TickReport["sync"]>> {
    const rateBefore = await this.c.vault.getRate();
    const record = await this.send(`sync`, reasons.join("; "), () => this.c.accountant.sync());
    const rateAfter = await this.c.vault.getRate();
    this.log(`rate ${eth(rateBefore, 9)} → ${eth(rateAfter, 9)} ETH per lrETH`);
    // Logs up to the sync's block are in the rate now.
    this.cursor = Math.max(this.cursor ?? 0, record.blockNumber);
    return { ...record, reasons, rateBefore, rateAfter };
  }

  /** Completes every delegator's EigenLayer withdrawals past the delay (one transaction per delegator). */
  async complete(): Promise<TickReport["completed"]> {
    await this.init();
    const out: TickReport["completed"] = [];
    const head = BigInt(await this.provider.getBlockNumber());
    for (const delegator of await this.c.manager.delegators()) {
      const [withdrawals] = (await this.delegation!.getQueuedWithdrawals(delegator)) as [WithdrawalLike[]];
      // Completable in the next block when startBlock + delay < next block.
      const ready = [...withdrawals].filter((w) => BigInt(w.startBlock) + this.delay! <= head).map(asWithdrawal);
      if (ready.length === 0) continue;
      const record = await this.send(
        `completeWithdrawals ${ready.length} of ${short(delegator)}`,
        `past the ${this.delay}-block EigenLayer delay (queued at block ${ready.map((w) => w.startBlock).join(", ")})`,
        () => this.c.manager.completeWithdrawals(delegator, ready),
      );
      out.push({ ...record, delegator: getAddress(delegator), count: ready.length });
    }
    return out;
  }

  private async assetViews(): Promise<AssetView[]> {
    const out: AssetView[] = [];
    for (const asset of await this.c.vault.assets()) {
      const [info, lane, strategy] = await Promise.all([
        this.c.vault.assetInfo(asset),
        this.c.queue.lane(asset),
        this.c.manager.strategyOf(asset),
      ]);
      out.push({
        asset: getAddress(asset),
        symbol: await this.symbol(asset),
        strategy,
        buffer: info.bufferUnits,
        liability: lane.liability,
        requested: lane.requested,
        processed: lane.processed,
        price: info.price,
      });
    }
    return out;
  }

  /** Finalizes while requests are payable (a static call first: nothing is sent when none is). */
  async finalize(): Promise<TickReport["finalized"]> {
    const out: TickReport["finalized"] = [];
    const views = await this.assetViews();
    const pending = views.reduce((n, v) => n + (v.requested - v.processed), 0n);
    if (pending === 0n) return out;
    const batch = await this.c.queue.MAX_FINALIZE_BATCH();
    for (let round = 0; round < 20; ++round) {
      const payable = await this.c.queue.finalize.staticCall(batch);
      if (payable === 0n) {
        if (round === 0) {
          const waiting = views
            .filter((v) => v.requested > v.processed)
            .map(
              (v) =>
                `${v.symbol} ${v.requested - v.processed} pending, liability ${eth(v.liability)} vs buffer ${eth(v.buffer)}`,
            );
          this.log(`finalize: nothing payable yet (${waiting.join("; ")})`);
        }
        break;
      }
      const record = await this.send(
        `finalize ${payable} request(s)`,
        `${pending} pending across the lanes, ${payable} payable from the buffers`,
        () => this.c.queue.finalize(batch),
      );
      out.push({ ...record, count: Number(payable) });
      if (payable < batch) break;
    }
    return out;
  }

  /**
   * For each restakable asset whose lane liability exceeds its buffer plus the units already queued in EigenLayer,
   * queues withdrawals of the shortfall (plus 0.01% and 10 wei for rounding) from the delegators holding the asset,
   * largest holding first.
   */
  async queueLiquidity(): Promise<TickReport["queued"]> {
    const out: TickReport["queued"] = [];
    const views = (await this.assetViews()).filter((v) => v.strategy !== ZeroAddress);
    const shortLanes = [];
    const positions = await this.c.manager.positions();
    for (const v of views) {
      const pos = positions.find((p) => getAddress(p.asset) === v.asset);
      const queued = pos?.queuedUnits ?? 0n;
      const covered = v.buffer + queued;
      if (v.liability > covered) shortLanes.push({ v, queued, shortfall: v.liability - covered, pos });
    }
    if (shortLanes.length === 0) return out;
    if (!this.options.keeperRole) {
      if (!this.warnedRole) this.log("queue: skipped, the signer lacks the KEEPER role (queueWithdrawal)");
      this.warnedRole = true;
      return out;
    }
    const holdings = await this.c.manager.delegatorPositions();
    for (const { v, queued, shortfall, pos } of shortLanes) {
      const withdrawableUnits = pos?.withdrawableUnits ?? 0n;
      // A copy: ethers' `Result` (and what its `filter` returns) is read-only, so it cannot be sorted in place.
      const held = [...holdings]
        .filter((h) => h.strategy.toLowerCase() === v.strategy.toLowerCase() && h.withdrawableShares > 0n)
        .sort((a, b) =>
          b.withdrawableShares > a.withdrawableShares ? 1 : b.withdrawableShares < a.withdrawableShares ? -1 : 0,
        );
      const totalShares = held.reduce((n, h) => n + h.withdrawableShares, 0n);
      if (totalShares === 0n || withdrawableUnits === 0n) {
        this.log(
          `queue: ${v.symbol} lane short by ${eth(shortfall)} units but no delegator holds withdrawable ${v.symbol} (requests may be re-denominated after maxWait)`,
        );
        continue;
      }
      const want = shortfall + shortfall / BPS + 10n;
      let remaining = want >= withdrawableUnits ? totalShares : ceilDiv(want * totalShares, withdrawableUnits);
      const why = `${v.symbol} lane liability ${eth(v.liability)} > buffer ${eth(v.buffer)} + queued ${eth(queued)}`;
      for (const h of held) {
        if (remaining === 0n) break;
        const shares = remaining < h.withdrawableShares ? remaining : h.withdrawableShares;
        const units = (shares * withdrawableUnits) / totalShares;
        try {
          const record = await this.send(
            `queueWithdrawal ${shares} ${v.symbol} strategy shares (~${eth(units)} units) from ${short(h.delegator)}`,
            why,
            () => this.c.manager.queueWithdrawal(h.delegator, v.asset, shares),
          );
          out.push({ ...record, delegator: getAddress(h.delegator), asset: v.asset, shares, units });
          remaining -= shares;
        } catch (err) {
          this.log(`queueWithdrawal from ${short(h.delegator)} failed: ${this.why(err)}; trying the next delegator`);
        }
      }
      if (remaining > 0n)
        this.log(`queue: ${v.symbol} lane still short of ${remaining} strategy shares after this tick`);
    }
    return out;
  }

  /**
   * Restakes each restakable asset's buffer above its lane's liability (at least `minRestake` units) through the
   * delegated delegator furthest below its allocation target (values at the vault's stored prices); another
   * delegator if the manager refuses the move.
   */
  async restake(): Promise<TickReport["restaked"]> {
    const out: TickReport["restaked"] = [];
    if (!this.options.keeperRole) {
      if (!this.warnedRole) this.log("restake: skipped, the signer lacks the KEEPER role");
      this.warnedRole = true;
      return out;
    }
    const views = await this.assetViews();
    // ETH restaked natively goes to validators in step 6, 32 ETH at a time, not through `restake`.
    for (const v of views.filter((x) => x.strategy !== ZeroAddress && getAddress(x.strategy) !== BEACON_STRATEGY)) {
      const free = v.buffer > v.liability ? v.buffer - v.liability : 0n;
      if (free < this.options.minRestake) continue;
      const ranked = await this.belowTarget((free * v.price) / UNIT, views);
      if (ranked.length === 0) {
        this.log(`restake: ${eth(free)} ${v.symbol} free but no delegated delegator is below its target`);
        continue;
      }
      let done = false;
      for (const { delegator, deficit } of ranked) {
        try {
          const record = await this.send(
            `restake ${eth(free)} ${v.symbol} units via ${short(delegator)}`,
            `buffer ${eth(v.buffer)} above lane liability ${eth(v.liability)}; ${short(delegator)} is ${eth(deficit)} ETH below its target`,
            () => this.c.manager.restake(delegator, v.asset, free),
          );
          out.push({ ...record, delegator, asset: v.asset, units: free });
          done = true;
          break;
        } catch (err) {
          this.log(`restake via ${short(delegator)} failed: ${this.why(err)}; trying the next delegator`);
        }
      }
      if (!done) this.log(`restake: ${eth(free)} ${v.symbol} stays in the buffer this tick`);
    }
    return out;
  }

  /**
   * Step 6: stakes validators with the ETH (and WETH) above what the lanes and the buffer target keep (`planStake`),
   * unwrapping WETH first when ETH alone falls short, through the delegators with queued keys furthest below their
   * allocation targets (then any delegator with keys).
   */
  async stakeNative(native: NativeStaking): Promise<Pick<TickReport, "unwrapped" | "staked">> {
    const out: Pick<TickReport, "unwrapped" | "staked"> = { unwrapped: [], staked: [] };
    if (!this.options.keeperRole) {
      if (!this.warnedRole) this.log("stake: skipped, the signer lacks the KEEPER role");
      this.warnedRole = true;
      return out;
    }
    const views = await this.assetViews();
    const ethView = views.find((v) => v.asset === this.eth);
    if (!ethView || getAddress(ethView.strategy) !== BEACON_STRATEGY) {
      this.log("stake: skipped, ETH is not restaked natively (its strategy is not the beacon chain ETH strategy)");
      return out;
    }
    const wethView = native.weth ? views.find((v) => v.asset === getAddress(native.weth!)) : undefined;
    const delegators = [...(await this.c.manager.delegators())].map((d) => getAddress(d));
    const keys = new Map<string, number>();
    let unverified = 0;
    for (const d of delegators) {
      keys.set(d, await native.queuedKeys(d));
      unverified += (await this.c.manager.unverifiedValidators(d)).length;
    }
    const max = Number(await this.c.manager.MAX_UNVERIFIED());
    const plan = planStake({
      ethBuffer: ethView.buffer,
      ethLiability: ethView.liability,
      wethBuffer: wethView?.buffer ?? 0n,
      wethLiability: wethView?.liability ?? 0n,
      bufferTarget: native.bufferTarget,
      slots: Math.max(0, max - unverified),
      keys: [...keys.values()].reduce((a, b) => a + b, 0),
    });
    if (plan.count === 0) return out;
    const reason =
      `ETH buffer ${eth(ethView.buffer)} above lane liability ${eth(ethView.liability)} + target ` +
      `${eth(native.bufferTarget)}` +
      (wethView ? `, WETH buffer ${eth(wethView.buffer)} above its liability ${eth(wethView.liability)}` : "");
    if (plan.unwrap > 0n) {
      const record = await this.send(`unwrap ${eth(plan.unwrap)} WETH`, reason, () =>
        this.c.vault.unwrap(wethView!.asset, plan.unwrap),
      );
      out.unwrapped.push({ ...record, amount: plan.unwrap });
    }
    const ranked = (await this.belowTarget(BigInt(plan.count) * VALIDATOR_DEPOSIT, views)).map((r) => r.delegator);
    const order = [...ranked, ...delegators.filter((d) => !ranked.includes(d))];
    let left = plan.count;
    for (const d of order) {
      const n = Math.min(left, keys.get(d) ?? 0);
      if (n === 0) continue;
      try {
        const record = await this.send(`stake ${n} validator(s) via ${short(d)}`, reason, () => native.stakeTx(d, n));
        out.staked.push({ ...record, delegator: d, count: n });
        left -= n;
      } catch (err) {
        this.log(`stake via ${short(d)} failed: ${this.why(err)}; trying the next delegator`);
      }
      if (left === 0) break;
    }
    if (left > 0) this.log(`stake: ${left} validator(s) not staked this tick`);
    return out;
  }

  /**
   * Delegated delegators below their allocation target once `added` ETH is restaked, furthest below first. A
   * delegator's value is its withdrawable shares of each strategy as a fraction of all delegators' shares, times the
   * strategy's units (`manager.positions()`), at the vault's stored price.
   */
  private async belowTarget(added: bigint, views: AssetView[]): Promise<{ delegator: string; deficit: bigint }[]> {
    const [positions, holdings] = await Promise.all([this.c.manager.positions(), this.c.manager.delegatorPositions()]);
    const byStrategy = new Map<string, { units: bigint; shares: bigint; price: bigint }>();
    for (const p of positions) {
      const view = views.find((w) => w.asset === getAddress(p.asset));
      if (!view) continue;
      const shares = holdings
        .filter((h) => h.strategy.toLowerCase() === view.strategy.toLowerCase())
        .reduce((n, h) => n + h.withdrawableShares, 0n);
      byStrategy.set(view.strategy.toLowerCase(), { units: p.withdrawableUnits, shares, price: view.price });
    }
    const value = new Map<string, bigint>();
    const delegated = new Set<string>();
    for (const h of holdings) {
      const d = getAddress(h.delegator);
      if (h.delegated) delegated.add(d);
      const s = byStrategy.get(h.strategy.toLowerCase());
      const v = s && s.shares > 0n ? (((h.withdrawableShares * s.units) / s.shares) * s.price) / UNIT : 0n;
      value.set(d, (value.get(d) ?? 0n) + v);
    }
    const total = [...value.values()].reduce((a, b) => a + b, 0n) + added;
    const out: { delegator: string; deficit: bigint }[] = [];
    for (const d of delegated) {
      const deficit = (BigInt(await this.c.manager.targetOf(d)) * total) / BPS - (value.get(d) ?? 0n);
      if (deficit > 0n) out.push({ delegator: d, deficit });
    }
    return out.sort((a, b) => (b.deficit > a.deficit ? 1 : b.deficit < a.deficit ? -1 : 0));
  }
}

/** One reason per transaction and subject: "OperatorSlashed + MaxMagnitudeUpdated of operator 0x… at block n (tx 0x…)". */
function describeEvents(events: WatchedEvent[]): string[] {
  const groups = new Map<string, WatchedEvent[]>();
  for (const e of events) {
    const key = `${e.transactionHash}/${e.subject}`;
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  return [...groups.values()].map((g) => {
    const names = [...new Set(g.map((e) => e.name))].join(" + ");
    const who = g[0].name === "BeaconChainSlashingFactorDecreased" ? "delegator" : "operator";
    return `${names} of ${who} ${g[0].subject} at block ${g[0].blockNumber} (tx ${g[0].transactionHash})`;
  });
}
