/**
 * The randomized property test over the whole system. fast-check draws sequences of 8-20 actions (deposits, LST
 * yield and loss, time, syncs, restaking, slashes, rewards, donations, forced undelegation and redelegation,
 * EigenLayer withdrawals, withdrawal requests, finalization, claims, request transfers) and replays each on a fresh
 * snapshot of the full suite. Every action is valid or is skipped when its precondition fails; a revert is accepted
 * only if it is one of the custom errors the action may legitimately hit, and only when its precondition holds.
 * After EVERY step the whole system is read in one `eth_call` and checked (peers.md §4) against expectations
 * computed here from quantities this file tracks or reads from other contracts than the one asserted:
 * - P5: the lrETH balances of every holder add up to the supply; the queue holds the shares of pending requests.
 * - P4: the lens's live assets (buffers, positions, oracle prices) == totalAssets + pendingGains + unrecognised;
 *   right after a sync unrecognised is in [0, supply / 1e18 + 4]; each buffer <= the vault's real holding.
 * - P2: the rate only vests between syncs, never rises at a sync and falls only at a sync after a slash or an
 *   LST loss (beyond the rounding EigenLayer and Lido shed, bounded where it happened); donations appear nowhere.
 * - P3: a deposit is worth, right after the next sync, no more than the ETH it brought (at the stored price).
 * - P1, P6, P13: the queue's holdings >= reserved == finalized unclaimed payouts; payouts frozen; claimed once;
 *   claimed + reserved == finalized.
 * - P16: queuing, completing and forced undelegation move live units only by rounding, never by their value.
 */
import { expect } from "chai";
import fc from "fast-check";
import { ethers } from "hardhat";
import { loadFixture, mine, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import {
  Interface,
  MaxUint256,
  ZeroAddress,
  parseEther,
  toQuantity,
  type ContractTransactionReceipt,
  type ContractTransactionResponse,
  type ErrorFragment,
  type Result,
} from "ethers";
import {
  AllocationManager__factory,
  DelegationManager__factory,
  ERC20Mock__factory,
  LRTAccountant__factory,
  LRTOracle__factory,
  LRTVault__factory,
  OperatorDelegator__factory,
  RestakingManager__factory,
  RewardsCoordinator__factory,
  StETHMock__factory,
  StrategyBaseTVLLimits__factory,
  StrategyManager__factory,
  WithdrawalQueue__factory,
  type ERC20Mock,
  type LRTLens,
  type StaticMulticall,
} from "../../typechain-types";
import type { IDelegationManagerTypes } from "../../typechain-types/contracts/RestakingManager";
import { EIGEN_DELAYS, ascending } from "../fixtures/eigenlayer";
import { PARAMS, RETH_RATE, SET_ID, deploySuite, deploySuiteFixture, type Suite } from "../fixtures/suite";
import { WAD, mulDiv } from "../helpers/math";
import { buildRewardsMerkleTree, type EarnerEarnings } from "../helpers/rewardsMerkle";
import { asWithdrawal } from "../helpers/restaking";

/* ------------------------------------------------------------------------------------------------------------- */
/*                                                 CONFIGURATION                                                  */
/* ------------------------------------------------------------------------------------------------------------- */

/** Fixed in CI; `INVARIANT_SEED` / `INVARIANT_RUNS` for local exploration and the coverage run (the title prints
 * what ran). */
const SEED = Number(process.env.INVARIANT_SEED ?? 20_250_917);
const RUNS = Number(process.env.INVARIANT_RUNS ?? 200);
const MIN_STEPS = 8;
const MAX_STEPS = 20;

const DEAD = "0x000000000000000000000000000000000000dEaD";
const HOUR = 3600;
const DAY = 24 * HOUR;
/** Every action transaction carries a gas limit, so no `eth_estimateGas` runs it a second time. */
const TX = { gasLimit: 8_000_000 } as const;
/** The assets the test indexes, in this order (ETH first); `World.init` maps them to the vault's own order. */
const ASSET_NAMES = ["ETH", "stETH", "rETH", "cbETH", "wstETH", "WETH"] as const;
const ETH_I = 0;
const STETH_I = 1;
/** Restakable assets: strategy r restakes vault asset r + 1 (stETH, rETH, cbETH). */
const RESTAKABLE = 3;
/** Assets users deposit and request payouts in: ETH, stETH, rETH, cbETH. */
const USER_ASSETS = 4;

/*
 * Rounding bounds, in accounting units, where EigenLayer or Lido rounding forces a tolerance on the live units
 * (buffer + restaked + queued) of an asset; everywhere else live units are asserted exactly. They are derived for
 * strategy prices p (tokens per strategy share) and stETH unit rates k (Lido shares per stETH) of at most 1.25, which
 * every step asserts (MAX_RATE), and were checked by a brute-force search (10^6 cases) over the same formulas. The
 * largest rounding actually seen is printed after the run.
 */
/** Largest p and k the bounds below are derived for (1e18 = 1). */
const MAX_RATE = parseEther("1.25");
/**
 * A restake: the strategy floors the shares it mints (worth up to p) and `positions()` floors their summed value;
 * stETH adds Lido's floors on the two transfers (vault -> delegator by shares, delegator -> strategy by amount,
 * which also leaves the strategy 1-2 wei short of what it priced) and on the units: 6 units. Once the delegator's
 * operator was slashed, EigenLayer also re-scales the delegator's deposit scaling factor at every deposit
 * (SlashingMath.updatedDsf: two WAD divisions, off by less than 1 + 1e18 / slashingFactor <= 3 parts in 1e18, the
 * slashing factor staying above 0.5 here), which moves the withdrawable shares of all D deposit shares by up to
 * 3 * D / 1e18 shares: + 4 * D / 1e18 units.
 */
const RESTAKE_ROUNDING = 6n;
/**
 * Queuing (keeper queue, forced undelegation, redelegation), per (withdrawal, strategy): EigenLayer's WAD floors
 * lose at most 2 shares (withdrawable left + queued scaled shares x slashing factor >= withdrawable before - 2);
 * converting the withdrawable and the queued sums floors each once: under 2p + 2 tokens (4 at most); stETH then
 * floors each sum's Lido-share units: under k(2p + 2) + 2 (7 at most).
 */
const QUEUE_ROUNDING: readonly bigint[] = [7n, 4n, 4n];
/**
 * Completing, per (withdrawal, strategy): the strategy pays floor(p x shares) and `positions()` converts the rest
 * at a price the payout's floor raised by under 1 / (remaining shares): within 2 tokens either way. stETH adds
 * Lido's floors on the two transfers by amount (strategy -> delegator -> vault) and on the units: under 4k + 4
 * (8 at most).
 */
const COMPLETE_ROUNDING: readonly bigint[] = [8n, 2n, 2n];

/* ------------------------------------------------------------------------------------------------------------- */
/*                                                    FIXTURE                                                     */
/* ------------------------------------------------------------------------------------------------------------- */

/**
 * The default suite (3 operators, stETH/rETH/cbETH strategies) plus: a lens, a batch reader, an unsupported reward
 * token, a funded RewardsCoordinator with no activation delay (a claim may follow its root in the next block: time is
 * its own action here), three users holding every LST with every approval given, the admin holding LSTs to donate,
 * an outside staker in every strategy, a few initial deposits and restakes (one per delegator), a sync, and two
 * pending withdrawal requests.
 */
async function deploySystemPropertyFixture() {
  const s = await deploySuite({ operators: 3, strategies: 3 });
  const signers = await ethers.getSigners();
  const { admin, alice, bob, keeper } = s.signers;
  const carol = signers[9];
  const users = [alice, bob, carol];
  const lens: LRTLens = await ethers.deployContract("LRTLens");
  const reader: StaticMulticall = await ethers.deployContract("StaticMulticall");
  const otherToken: ERC20Mock = await ethers.deployContract("ERC20Mock", ["AVS Token", "AVS"]);
  const { stETH, rETH, cbETH } = s.tokens;

  await s.rewardsCoordinator.setActivationDelay(0);
  await stETH.submit(ZeroAddress, { value: parseEther("600") });
  await stETH.transfer(s.rewardsCoordinator, parseEther("200"));
  await otherToken.mint(s.rewardsCoordinator, parseEther("1000000"));
  await rETH.deposit({ value: parseEther("300") });
  await cbETH.deposit({ value: parseEther("300") });

  for (const user of users) {
    await stETH.connect(user).submit(ZeroAddress, { value: parseEther("500") });
    await rETH.connect(user).deposit({ value: parseEther("500") });
    await cbETH.connect(user).deposit({ value: parseEther("500") });
    for (const token of [stETH, rETH, cbETH]) await token.connect(user).approve(s.vault, MaxUint256);
    await s.vault.connect(user).approve(s.queue, MaxUint256);
  }

  // An outside staker in every strategy, as on mainnet: were the vault a strategy's only staker, its last
  // withdrawal after a negative stETH rebase could not complete (StrategyBase pays (balance + 1e3) * shares /
  // (totalShares + 1e3), which exceeds the balance once the balance is below the total shares).
  const outsider = signers[10];
  await stETH.connect(outsider).submit(ZeroAddress, { value: parseEther("50") });
  await rETH.connect(outsider).deposit({ value: parseEther("50") });
  await cbETH.connect(outsider).deposit({ value: parseEther("50") });
  for (let r = 0; r < 3; ++r) {
    const token = [stETH, rETH, cbETH][r];
    await token.connect(outsider).approve(s.el.strategyManager, MaxUint256);
    await s.el.strategyManager.connect(outsider).depositIntoStrategy(s.strategies[r], token, parseEther("40"));
  }

  await s.vault.connect(alice).depositETH(alice, 0, 0, { value: parseEther("20") });
  await s.vault.connect(bob).depositLST(stETH, parseEther("30"), bob, 0, 0);
  await s.vault.connect(carol).depositLST(rETH, parseEther("25"), carol, 0, 0);
  await s.vault.connect(alice).depositLST(cbETH, parseEther("12"), alice, 0, 0);
  const k = s.manager.connect(keeper);
  await k.restake(s.delegators[0], stETH, parseEther("15"));
  await k.restake(s.delegators[1], rETH, parseEther("12"));
  await k.restake(s.delegators[2], cbETH, parseEther("8"));
  await s.accountant.sync();
  // Two withdrawal requests already waiting (ETH and stETH), so the queue has work from the first step on.
  await s.queue.connect(alice).requestWithdrawal(parseEther("2"), await s.vault.ETH(), alice);
  await s.queue.connect(bob).requestWithdrawal(parseEther("3"), stETH, carol);
  return { s, users, lens, reader, otherToken, admin };
}

/* ------------------------------------------------------------------------------------------------------------- */
/*                                                    ACTIONS                                                     */
/* ------------------------------------------------------------------------------------------------------------- */

type Action =
  | { kind: "deposit"; user: number; asset: number; amount: bigint }
  | { kind: "lstYield"; token: "stETH" | "rETH"; bps: number }
  | { kind: "lstLoss"; bps: number }
  | { kind: "warp"; seconds: number }
  | { kind: "sync" }
  | { kind: "restake"; delegator: number; asset: number; bps: number }
  | { kind: "slash"; operator: number; wadBps: number; mask: number }
  | { kind: "rewards"; delegator: number; token: "stETH" | "other"; amount: bigint }
  | { kind: "donate"; target: number; asset: number; amount: bigint }
  | { kind: "undelegate"; delegator: number }
  | { kind: "redelegate"; delegator: number; operator: number }
  | { kind: "queueWithdrawal"; delegator: number; asset: number; bps: number }
  | { kind: "complete"; pick: number; all: boolean }
  | { kind: "request"; user: number; receiver: number; asset: number; bps: number }
  | { kind: "finalize"; max: number }
  | { kind: "claim"; user: number; recipient: number; pick: number; replay: boolean }
  | { kind: "transferRequest"; from: number; to: number; pick: number };

const idx = (n: number) => fc.integer({ min: 0, max: n - 1 });
const bps = fc.integer({ min: 1, max: 10_000 });
const actionArb: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("deposit" as const),
      user: idx(3),
      asset: idx(USER_ASSETS),
      amount: fc.bigInt({ min: PARAMS.minDeposit, max: parseEther("40") }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("lstYield" as const),
      token: fc.constantFrom("stETH" as const, "rETH" as const),
      bps: fc.integer({ min: 1, max: 100 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("lstLoss" as const), bps: fc.integer({ min: 1, max: 200 }) }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("warp" as const), seconds: fc.integer({ min: HOUR, max: 2 * DAY }) }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("sync" as const) }) },
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant("restake" as const), delegator: idx(3), asset: idx(RESTAKABLE), bps }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("slash" as const),
      operator: idx(3),
      wadBps: fc.integer({ min: 100, max: 5_000 }),
      mask: fc.integer({ min: 1, max: 7 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("rewards" as const),
      delegator: idx(3),
      token: fc.constantFrom("stETH" as const, "other" as const),
      amount: fc.bigInt({ min: 10n ** 12n, max: parseEther("2") }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("donate" as const),
      target: idx(6),
      asset: idx(USER_ASSETS),
      amount: fc.bigInt({ min: 1n, max: parseEther("5") }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("undelegate" as const), delegator: idx(3) }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("redelegate" as const), delegator: idx(3), operator: idx(3) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("queueWithdrawal" as const),
      delegator: idx(3),
      asset: idx(RESTAKABLE),
      bps,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("complete" as const), pick: fc.nat(), all: fc.boolean() }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("request" as const),
      user: idx(3),
      receiver: idx(3),
      asset: idx(USER_ASSETS),
      bps: fc.integer({ min: 1, max: 2_500 }),
    }),
  },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("finalize" as const), max: fc.integer({ min: 1, max: 5 }) }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("claim" as const),
      user: idx(3),
      recipient: idx(3),
      pick: fc.nat(),
      replay: fc.integer({ min: 0, max: 4 }).map((x) => x === 0),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("transferRequest" as const), from: idx(3), to: idx(3), pick: fc.nat() }),
  },
);

/* ------------------------------------------------------------------------------------------------------------- */
/*                                                 BATCHED READS                                                  */
/* ------------------------------------------------------------------------------------------------------------- */

interface Readable {
  iface: Interface;
  address: string;
}

/** Collects view calls, runs them in one `eth_call` through `StaticMulticall`, decodes each with its own ABI. */
class Reads {
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

/* ------------------------------------------------------------------------------------------------------------- */
/*                                                 OBSERVATIONS                                                   */
/* ------------------------------------------------------------------------------------------------------------- */

interface Books {
  base: bigint;
  unvested: bigint;
  heldBack: bigint;
  highWaterMark: bigint;
  lastSync: bigint;
  window: bigint;
}

interface RequestView {
  shares: bigint;
  valueAtRequest: bigint;
  rateAtRequest: bigint;
  requestedAt: bigint;
  asset: string;
  status: number;
  payoutUnits: bigint;
  payoutValue: bigint;
}

interface LensAsset {
  buffer: bigint;
  restaked: bigint;
  queued: bigint;
  price: bigint;
  value: bigint;
}

/** Everything read after a step, in one call (all at the latest block). */
interface Obs {
  timestamp: bigint;
  blockNumber: bigint;
  supply: bigint;
  holderBalances: bigint[];
  vaultRate: bigint;
  accountantRate: bigint;
  pendingPerShare: bigint;
  books: Books;
  buffers: bigint[];
  prices: bigint[];
  positions: { asset: string; withdrawable: bigint; queued: bigint }[];
  lens: {
    rate: bigint;
    totalAssets: bigint;
    totalSupply: bigint;
    pendingGains: bigint;
    liveAssets: bigint;
    unrecognised: bigint;
    lastSync: bigint;
    assets: LensAsset[];
  };
  vaultHoldings: bigint[];
  queueHoldings: bigint[];
  reserved: bigint[];
  cursor: { next: bigint; end: bigint };
  requests: Map<bigint, RequestView>;
  owners: Map<bigint, string>;
  delegatedTo: string[];
  /** Queued EigenLayer withdrawals per delegator (DelegationManager). */
  queued: IDelegationManagerTypes.WithdrawalStruct[][];
  /** stETH shares the restaking manager keeps (Lido rounding dust of rewards). */
  managerStethShares: bigint;
  /** `convertToAssets` of tracked deposit shares, in `World.depositsSinceSync` order. */
  depositAssets: bigint[];
  /** Live units per asset: buffer + restaked + queued (lens). */
  units: bigint[];
  /** Tokens per 1e18 strategy shares, per strategy (`sharesToUnderlyingView`). */
  strategyPrices: bigint[];
  /** Lido shares per 1e18 stETH (the stETH adapter's units per token). */
  stethUnitsPerToken: bigint;
}

/* ------------------------------------------------------------------------------------------------------------- */
/*                                                   HELPERS                                                      */
/* ------------------------------------------------------------------------------------------------------------- */

const ceilDiv = (a: bigint, b: bigint): bigint => (a + b - 1n) / b;
const abs = (x: bigint): bigint => (x < 0n ? -x : x);

/** `rate()` of the accountant's books at `t`, as `RateAccounting.rateAt` defines it (vested part rounded down). */
function rateAt(b: Books, t: bigint): bigint {
  if (b.unvested === 0n) return b.base;
  const elapsed = t - b.lastSync;
  return b.base + (elapsed >= b.window ? b.unvested : mulDiv(b.unvested, elapsed, b.window));
}

/** Every custom error of every contract an action can reach, by selector. */
const ERRORS: Map<string, ErrorFragment> = (() => {
  const map = new Map<string, ErrorFragment>();
  for (const factory of [
    LRTVault__factory,
    LRTAccountant__factory,
    LRTOracle__factory,
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
    iface.forEachError((e) => map.set(e.selector, e));
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

/** The custom error name of a revert, or the whole error rethrown if it is not a known custom error. */
function customError(e: unknown): string {
  const data = revertData(e);
  const fragment = data ? ERRORS.get(data.slice(0, 10)) : undefined;
  if (!fragment) throw e;
  return fragment.name;
}

/**
 * Sends a transaction; resolves to its receipt, or to the custom error it reverted with when that error is one of
 * `allowed`. Any other revert (or any other failure) fails the test.
 */
async function attempt(
  send: () => Promise<ContractTransactionResponse>,
  allowed: readonly string[],
): Promise<{ receipt?: ContractTransactionReceipt; error?: string }> {
  try {
    const tx = await send();
    return { receipt: (await tx.wait())! };
  } catch (e) {
    const name = customError(e);
    if (!allowed.includes(name))
      throw new Error(`unexpected revert ${name} (allowed: ${allowed.join(", ") || "none"})`);
    return { error: name };
  }
}

/* ------------------------------------------------------------------------------------------------------------- */
/*                                                 STEP EFFECTS                                                   */
/* ------------------------------------------------------------------------------------------------------------- */

/** How a step may change the live units (buffer + restaked + queued) of each asset. */
type UnitRule =
  /** Exactly `delta[i]` for every asset. */
  | { kind: "exact"; delta: bigint[] }
  /**
   * `delta[i]` up to `tol[i]` either way: EigenLayer or Lido rounding (each use states its bound). Units lost count
   * towards the rounding a later sync may book as a loss, unless `shed` is false (the change is not a loss).
   */
  | { kind: "rounding"; delta: bigint[]; tol: bigint[]; shed?: boolean }
  /** A slash: never up. */
  | { kind: "down" };

interface Effect {
  label: string;
  units: UnitRule | ((now: Obs) => UnitRule);
  donation?: boolean;
  /** Brings the tracked state up to date from the new observation (before any check runs). */
  update?: (now: Obs) => void;
  /** Extra checks of this step against the new observation. */
  verify?: (now: Obs) => void;
}

const zeros = (): bigint[] => ASSET_NAMES.map(() => 0n);
const SAME: UnitRule = { kind: "exact", delta: zeros() };

interface TrackedRequest {
  id: bigint;
  owner: number;
  shares: bigint;
  asset: number;
  status: 1 | 2 | 3;
  payoutUnits: bigint;
}

interface TrackedDeposit {
  label: string;
  shares: bigint;
  /** ETH value of the units deposited at the oracle's stored price at deposit time, rounded down. */
  value: bigint;
}

/* ------------------------------------------------------------------------------------------------------------- */
/*                                                    THE WORLD                                                   */
/* ------------------------------------------------------------------------------------------------------------- */

/** Largest rounding seen, in units, per step kind and asset (for the log). */
const ROUNDING = new Map<string, bigint>();
/** Per action kind: steps that did what they say, that hit an expected revert, that were skipped (for the log). */
const STATS = new Map<string, { done: number; reverted: number; skipped: number }>();

type Fixture = Awaited<ReturnType<typeof deploySystemPropertyFixture>>;

class World {
  readonly s: Suite;
  readonly users: HardhatEthersSigner[];
  readonly f: Fixture;
  // Addresses and ABIs.
  private readonly c: Record<string, Readable> = {};
  private strategyReads: Readable[] = [];
  /** Vault assets in ASSET_NAMES order, and each one's index in `vault.assets()`. */
  private assets: string[] = [];
  private order: number[] = [];
  private delegators: string[] = [];
  private strategies: string[] = [];
  private holders: string[] = [];
  // Tracked state.
  prev!: Obs;
  log: string[] = [];
  private requests = new Map<bigint, TrackedRequest>();
  private finalizedUnits = zeros();
  private claimedUnits = zeros();
  private lossSinceSync = false;
  /** ETH value (wei) that EigenLayer / Lido rounding shed since the last sync (bounded per step). */
  private roundingSinceSync = 0n;
  private depositsSinceSync: TrackedDeposit[] = [];
  /** totalValue and totalSupply of the last sync (the accountant's `Synced` event): the deposit rate. */
  private lastSynced = { value: 0n, supply: 0n };
  private rewardsEarned: { steth: bigint; other: bigint }[] = [
    { steth: 0n, other: 0n },
    { steth: 0n, other: 0n },
    { steth: 0n, other: 0n },
  ];
  private rootCount = 0;
  /** Assets whose price fell beyond the oracle's bound at a sync (deposits halted; nobody clears it here). */
  private tripped = new Set<number>();

  private constructor(f: Fixture) {
    this.f = f;
    this.s = f.s;
    this.users = f.users;
  }

  static async load(): Promise<World> {
    const w = new World(await loadFixture(deploySystemPropertyFixture));
    await w.init();
    return w;
  }

  private async init(): Promise<void> {
    const { s, f } = this;
    const r = (contract: { interface: unknown; getAddress(): Promise<string> }) =>
      contract.getAddress().then((address) => ({ iface: contract.interface as Interface, address }));
    this.c.vault = await r(s.vault);
    this.c.accountant = await r(s.accountant);
    this.c.oracle = await r(s.oracle);
    this.c.manager = await r(s.manager);
    this.c.queue = await r(s.queue);
    this.c.lens = await r(f.lens);
    this.c.reader = await r(f.reader);
    this.c.dm = await r(s.el.delegationManager);
    this.c.stETH = await r(s.tokens.stETH);
    this.c.rETH = await r(s.tokens.rETH);
    this.c.cbETH = await r(s.tokens.cbETH);
    this.c.wstETH = await r(s.tokens.wstETH);
    this.c.WETH = await r(s.tokens.weth);
    this.strategyReads = await Promise.all(s.strategies.map(r));
    // The test indexes assets in ASSET_NAMES order; `vault.assets()` (and the arrays in vault order: buffers, the
    // lens's assets) may list them in another, so `order[i]` is where asset i sits in the vault's list.
    this.assets = [
      await s.vault.ETH(),
      ...(await Promise.all(ASSET_NAMES.slice(1).map((name) => this.c[name].address))),
    ];
    const listed = [...(await s.vault.assets())];
    expect([...listed].sort(), "vault assets == the test's assets").to.deep.equal([...this.assets].sort());
    this.order = this.assets.map((a) => listed.indexOf(a));
    this.delegators = s.delegators.map((d) => d.target as string);
    this.strategies = await Promise.all(s.strategies.map((x) => x.getAddress()));
    this.holders = [...this.users.map((u) => u.address), DEAD, s.signers.treasury.address, this.c.queue.address];
    // The fixture's requests, as the queue and its NFTs show them.
    const [, end] = await s.queue.cursor();
    for (let id = 1n; id < end; ++id) {
      const r = await s.queue.getRequest(id);
      const holder = await s.queue.ownerOf(id);
      expect(Number(r.status), "fixture requests are pending").to.equal(1);
      this.requests.set(id, {
        id,
        owner: this.users.findIndex((u) => u.address === holder),
        shares: r.shares,
        asset: this.assets.indexOf(r.asset),
        status: 1,
        payoutUnits: 0n,
      });
    }
    const synced = await s.accountant.queryFilter(s.accountant.filters.Synced());
    const last = synced[synced.length - 1].args;
    this.lastSynced = { value: last.totalValue, supply: last.totalSupply };
    this.prev = await this.observe();
    this.checkStatic(this.prev);
  }

  /* ----------------------------------------------- observation ---------------------------------------------- */

  async observe(): Promise<Obs> {
    const c = this.c;
    const q = new Reads();
    const ts = q.add(c.reader, "timestamp");
    const supply = q.add(c.vault, "totalSupply");
    const balances = this.holders.map((h) => q.add(c.vault, "balanceOf", [h]));
    const vaultRate = q.add(c.vault, "getRate");
    const accRate = q.add(c.accountant, "rate");
    const pending = q.add(c.accountant, "pendingPerShare");
    const books = q.add(c.accountant, "books");
    const buffers = q.add(c.vault, "buffers");
    const prices = this.assets.map((a) => q.add(c.oracle, "price", [a]));
    const positions = q.add(c.manager, "positions");
    const lens = q.add(c.lens, "summary", [c.vault.address]);
    const holdingOf = (who: string, i: number) =>
      i === ETH_I
        ? q.add(c.reader, "ethBalance", [who])
        : i === STETH_I
          ? q.add(c.stETH, "sharesOf", [who])
          : q.add(c[ASSET_NAMES[i]], "balanceOf", [who]);
    const vaultHoldings = this.assets.map((_, i) => holdingOf(c.vault.address, i));
    const queueHoldings = this.assets.map((_, i) => holdingOf(c.queue.address, i));
    const reserved = this.assets.map((a) => q.add(c.queue, "reserved", [a]));
    const cursor = q.add(c.queue, "cursor");
    const ids = [...this.requests.keys()];
    const requests = ids.map((id) => q.add(c.queue, "getRequest", [id]));
    const live = ids.filter((id) => this.requests.get(id)!.status !== 3);
    const owners = live.map((id) => q.add(c.queue, "ownerOf", [id]));
    const delegatedTo = this.delegators.map((d) => q.add(c.dm, "delegatedTo", [d]));
    const queued = this.delegators.map((d) => q.add(c.dm, "getQueuedWithdrawals", [d]));
    const managerSteth = q.add(c.stETH, "sharesOf", [c.manager.address]);
    const depositAssets = this.depositsSinceSync.map((d) => q.add(c.vault, "convertToAssets", [d.shares]));
    const blockNumber = q.add(c.reader, "blockNumber");
    const strategyPrices = this.strategyReads.map((st) => q.add(st, "sharesToUnderlyingView", [WAD]));
    const stethUnits = q.add(c.stETH, "getSharesByPooledEth", [WAD]);

    const res = await q.run(this.f.reader);
    const one = (i: number) => res[i][0] as bigint;
    const b = res[books];
    const summary = res[lens][0] as Result;
    const lensAssets: LensAsset[] = this.order
      .map((k) => (summary.assets as Result[])[k])
      .map((a) => ({
        buffer: (a.info as Result).bufferUnits as bigint,
        restaked: a.restakedUnits as bigint,
        queued: a.queuedUnits as bigint,
        price: a.price as bigint,
        value: a.value as bigint,
      }));
    const requestViews = new Map<bigint, RequestView>();
    ids.forEach((id, k) => {
      const r = res[requests[k]][0] as Result;
      requestViews.set(id, {
        shares: r.shares,
        valueAtRequest: r.valueAtRequest,
        rateAtRequest: r.rateAtRequest,
        requestedAt: r.requestedAt,
        asset: r.asset,
        status: Number(r.status),
        payoutUnits: r.payoutUnits,
        payoutValue: r.payoutValue,
      });
    });
    const ownerViews = new Map<bigint, string>();
    live.forEach((id, k) => ownerViews.set(id, res[owners[k]][0] as string));
    return {
      timestamp: one(ts),
      blockNumber: one(blockNumber),
      supply: one(supply),
      holderBalances: balances.map(one),
      vaultRate: one(vaultRate),
      accountantRate: one(accRate),
      pendingPerShare: one(pending),
      books: {
        base: b.base,
        unvested: b.unvested,
        heldBack: b.heldBack,
        highWaterMark: b.highWaterMark,
        lastSync: b.lastSync,
        window: b.window,
      },
      buffers: this.order.map((k) => (res[buffers][0] as bigint[])[k]),
      prices: prices.map(one),
      positions: (res[positions][0] as Result[]).map((p) => ({
        asset: p.asset as string,
        withdrawable: p.withdrawableUnits as bigint,
        queued: p.queuedUnits as bigint,
      })),
      lens: {
        rate: summary.rate,
        totalAssets: summary.totalAssets,
        totalSupply: summary.totalSupply,
        pendingGains: summary.pendingGains,
        liveAssets: summary.liveAssets,
        unrecognised: summary.unrecognised,
        lastSync: summary.lastSync,
        assets: lensAssets,
      },
      vaultHoldings: vaultHoldings.map(one),
      queueHoldings: queueHoldings.map(one),
      reserved: reserved.map(one),
      cursor: { next: res[cursor][0] as bigint, end: res[cursor][1] as bigint },
      requests: requestViews,
      owners: ownerViews,
      delegatedTo: delegatedTo.map((i) => res[i][0] as string),
      queued: queued.map((i) => (res[i][0] as IDelegationManagerTypes.WithdrawalStructOutput[]).map(asWithdrawal)),
      managerStethShares: one(managerSteth),
      depositAssets: depositAssets.map(one),
      units: lensAssets.map((a) => a.buffer + a.restaked + a.queued),
      strategyPrices: strategyPrices.map(one),
      stethUnitsPerToken: one(stethUnits),
    };
  }

  /* ------------------------------------------------ checks -------------------------------------------------- */

  /** The properties that hold after every step, whatever it was. */
  private checkStatic(now: Obs): void {
    const S = now.supply;

    // P5 (conservation): the lrETH balances of every holder we know add up to the supply.
    expect(
      now.holderBalances.reduce((a, b) => a + b, 0n),
      "P5: sum of lrETH balances == totalSupply",
    ).to.equal(S);

    // The rate the vault publishes is the accountant's.
    expect(now.vaultRate, "vault.getRate() == accountant.rate()").to.equal(now.accountantRate);

    // P4 (TVL decomposition), recomputed from the vault's buffers, the manager's positions and the oracle's prices.
    const L = now.lens;
    expect(L.totalSupply, "lens supply").to.equal(S);
    expect(L.rate, "lens rate").to.equal(now.accountantRate);
    expect(L.totalAssets, "lens totalAssets == supply x rate").to.equal(mulDiv(S, now.accountantRate, WAD));
    expect(L.pendingGains, "lens pendingGains == pending x supply").to.equal(mulDiv(now.pendingPerShare, S, WAD));
    expect(L.lastSync, "lens lastSync").to.equal(now.books.lastSync);
    let exact = 0n;
    for (let i = 0; i < ASSET_NAMES.length; ++i) {
      const a = L.assets[i];
      const position = now.positions.find((p) => p.asset === this.assets[i]);
      expect(a.buffer, `${ASSET_NAMES[i]} lens buffer`).to.equal(now.buffers[i]);
      expect(a.restaked, `${ASSET_NAMES[i]} lens restaked`).to.equal(position?.withdrawable ?? 0n);
      expect(a.queued, `${ASSET_NAMES[i]} lens queued`).to.equal(position?.queued ?? 0n);
      expect(a.price, `${ASSET_NAMES[i]} lens price`).to.equal(now.prices[i]);
      expect(a.value, `${ASSET_NAMES[i]} lens value`).to.equal(mulDiv(now.units[i], now.prices[i], WAD));
      exact += now.units[i] * now.prices[i];
    }
    expect(L.liveAssets, "lens liveAssets == all units at their prices, rounded down once").to.equal(exact / WAD);
    expect(L.liveAssets, "P4: liveAssets == totalAssets + pendingGains + unrecognised").to.equal(
      L.totalAssets + L.pendingGains + L.unrecognised,
    );

    // The rounding bounds of this file hold for strategy prices and stETH unit rates up to MAX_RATE.
    for (const p of now.strategyPrices)
      expect(p, "strategy price within the rounding bounds' range").to.be.at.most(MAX_RATE);
    expect(now.stethUnitsPerToken, "stETH units per token within the rounding bounds' range").to.be.at.most(MAX_RATE);

    // Solvency of the vault: every buffer is backed by tokens it really holds (stETH: Lido shares).
    for (let i = 0; i < ASSET_NAMES.length; ++i) {
      expect(now.buffers[i], `P4: ${ASSET_NAMES[i]} buffer <= vault holding`).to.be.at.most(now.vaultHoldings[i]);
    }

    // Withdrawal queue (P1, P5, P6, P13).
    const reservedModel = zeros();
    let pendingShares = 0n;
    for (const r of this.requests.values()) {
      const view = now.requests.get(r.id)!;
      expect(view.status, `request ${r.id} status`).to.equal(r.status);
      expect(view.shares, `request ${r.id} shares`).to.equal(r.shares);
      expect(view.asset, `request ${r.id} asset`).to.equal(this.assets[r.asset]);
      if (r.status === 1) pendingShares += r.shares;
      if (r.status >= 2) {
        expect(view.payoutUnits, `P6: request ${r.id} payout frozen`).to.equal(r.payoutUnits);
      }
      if (r.status === 2) reservedModel[r.asset] += r.payoutUnits;
      if (r.status !== 3) {
        expect(now.owners.get(r.id), `request ${r.id} owner`).to.equal(this.users[r.owner].address);
      }
    }
    expect(now.holderBalances[this.holders.length - 1], "P5: queue lrETH == pending request shares").to.equal(
      pendingShares,
    );
    for (let i = 0; i < ASSET_NAMES.length; ++i) {
      const name = ASSET_NAMES[i];
      expect(now.reserved[i], `P1: ${name} reserved == finalized unclaimed payouts`).to.equal(reservedModel[i]);
      expect(now.queueHoldings[i], `P1: ${name} queue holding >= reserved`).to.be.at.least(now.reserved[i]);
      expect(this.claimedUnits[i] + now.reserved[i], `P13: ${name} claimed + reserved == finalized`).to.equal(
        this.finalizedUnits[i],
      );
    }
    expect(now.cursor.end, "queue next id").to.equal(BigInt(this.requests.size) + 1n);
    for (const r of this.requests.values()) {
      // Finalization is in order: everything below the cursor is finalized (or claimed), nothing from it on.
      expect(r.status > 1, `request ${r.id} finalized iff below the cursor`).to.equal(r.id < now.cursor.next);
    }
  }

  /** The properties that compare the step's before and after. */
  private checkStep(prev: Obs, now: Obs, eff: Effect, kind: Action["kind"]): void {
    eff.update?.(now);
    this.checkStatic(now);
    const S = now.supply;
    const synced = now.books.lastSync !== prev.books.lastSync;

    // The rate: between syncs the books do not move and the rate only vests; a sync never raises it at once, and
    // lowers it only if a loss (slash, LST loss) happened since the last sync, beyond rounding.
    if (!synced) {
      expect(now.books, `P2: ${eff.label}: books unchanged without a sync`).to.deep.equal(prev.books);
      expect(now.accountantRate, `P2: ${eff.label}: rate only vests between syncs`).to.equal(
        rateAt(prev.books, now.timestamp),
      );
      expect(now.accountantRate, `P2: ${eff.label}: rate never decreases without a sync`).to.be.at.least(
        prev.vaultRate,
      );
    } else {
      const t = now.books.lastSync;
      expect(t, "sync in this block").to.equal(now.timestamp);
      const before = rateAt(prev.books, t);
      const after = now.books.base; // the new stream has vested nothing yet at the sync itself
      expect(rateAt(now.books, t), "rate at the sync").to.equal(after);
      expect(after, `P2: ${eff.label}: a sync never raises the rate at once`).to.be.at.most(before);
      if (!this.lossSinceSync) {
        // Rounding that EigenLayer and Lido shed since the last sync (each bounded where it happened, valued at the
        // stored prices) may lower the value per lrETH by ceil(shed x 1e18 / supply); twice that covers the prices
        // this sync stores (a rise is clamped to 10%; a fall only comes with an LST loss, which is a loss).
        const allowance = this.roundingSinceSync === 0n ? 0n : ceilDiv(2n * this.roundingSinceSync * WAD, S);
        expect(before - after, `P2: ${eff.label}: no loss since the last sync, the rate must not fall`).to.be.at.most(
          allowance,
        );
      }
      // Right after a sync every unit is recognised, up to the sync's rounding: the value per lrETH is floored
      // (< supply / 1e18 wei), so are totalAssets and pendingGains (1 wei each), and the live value, rounded once,
      // exceeds the sync's per-asset floors by at most 2 wei (three LSTs with fractional values; ETH's is exact):
      // at most supply / 1e18 + 4 wei, never negative.
      if (eff.label.startsWith("sync")) {
        expect(now.lens.unrecognised, "P4: unrecognised >= 0 right after a sync").to.be.at.least(0n);
        expect(now.lens.unrecognised, "P4: unrecognised <= supply/1e18 + 4 right after a sync").to.be.at.most(
          S / WAD + 4n,
        );
      }
      // P3: a deposit placed before the sync is worth, right after it, no more than the ETH it brought.
      this.depositsSinceSync.forEach((d, k) => {
        expect(now.depositAssets[k], `${d.label}: convertToAssets == shares x rate`).to.equal(
          mulDiv(d.shares, now.accountantRate, WAD),
        );
        expect(now.depositAssets[k], `P3: ${d.label} worth <= value deposited`).to.be.at.most(d.value);
      });
    }

    // Live units per asset.
    const rule = typeof eff.units === "function" ? eff.units(now) : eff.units;
    for (let i = 0; i < ASSET_NAMES.length; ++i) {
      const delta = now.units[i] - prev.units[i];
      const what = `${eff.label}: ${ASSET_NAMES[i]} live units`;
      if (rule.kind === "exact") expect(delta, what).to.equal(rule.delta[i]);
      else if (rule.kind === "rounding") {
        const off = abs(delta - rule.delta[i]);
        const key = `${kind} ${ASSET_NAMES[i]}`;
        if (off > (ROUNDING.get(key) ?? 0n)) ROUNDING.set(key, off);
        expect(off, `${what} (rounding bound ${rule.tol[i]})`).to.be.at.most(rule.tol[i]);
        if (delta < rule.delta[i] && rule.shed !== false) {
          this.roundingSinceSync += ceilDiv((rule.delta[i] - delta) * now.prices[i], WAD);
        }
      } else expect(delta, what).to.be.at.most(0n);
    }

    // A donation appears nowhere: live value, buffers, prices and the books are untouched (checked above: the rate
    // moved only by vesting, with the books unchanged).
    if (eff.donation) {
      expect(synced, "a donation never syncs").to.equal(false);
      expect(now.accountantRate, "P2: a donation never raises the rate (only vesting moves it)").to.equal(
        rateAt(prev.books, now.timestamp),
      );
      expect(now.lens.liveAssets, "donation: live assets unchanged").to.equal(prev.lens.liveAssets);
      expect(now.buffers, "donation: buffers unchanged").to.deep.equal(prev.buffers);
      expect(now.prices, "donation: prices unchanged").to.deep.equal(prev.prices);
    }
    eff.verify?.(now);

    if (synced) {
      for (let i = 0; i < ASSET_NAMES.length; ++i) {
        const band = mulDiv(prev.prices[i], BigInt(PARAMS.oracleBoundBps), 10_000n);
        if (now.prices[i] + band < prev.prices[i]) this.tripped.add(i);
      }
      this.lossSinceSync = false;
      this.roundingSinceSync = 0n;
      this.depositsSinceSync = [];
    }
  }

  /* ------------------------------------------------ steps --------------------------------------------------- */

  async step(a: Action): Promise<void> {
    const eff = await this.run(a);
    this.log.push(eff.label);
    const tally = STATS.get(a.kind) ?? { done: 0, reverted: 0, skipped: 0 };
    STATS.set(a.kind, tally);
    if (eff.label.startsWith("skip")) {
      tally.skipped += 1;
      return;
    }
    if (/\((reverted|nothing|refused)/.test(eff.label)) tally.reverted += 1;
    else tally.done += 1;
    const now = await this.observe();
    this.checkStep(this.prev, now, eff, a.kind);
    this.prev = now;
  }

  private skip(why: string): Effect {
    return { label: `skip ${why}`, units: SAME };
  }

  private async run(a: Action): Promise<Effect> {
    switch (a.kind) {
      case "deposit":
        return this.deposit(a.user, a.asset, a.amount);
      case "lstYield":
        return this.lstYield(a.token, a.bps);
      case "lstLoss":
        return this.lstLoss(a.bps);
      case "warp":
        await time.increase(a.seconds);
        return { label: `warp ${a.seconds}s`, units: SAME };
      case "sync":
        return this.sync();
      case "restake":
        return this.restake(a.delegator, a.asset, a.bps);
      case "slash":
        return this.slash(a.operator, a.wadBps, a.mask);
      case "rewards":
        return this.rewards(a.delegator, a.token, a.amount);
      case "donate":
        return this.donate(a.target, a.asset, a.amount);
      case "undelegate":
        return this.undelegate(a.delegator);
      case "redelegate":
        return this.redelegate(a.delegator, a.operator);
      case "queueWithdrawal":
        return this.queueWithdrawal(a.delegator, a.asset, a.bps);
      case "complete":
        return this.complete(a.pick, a.all);
      case "request":
        return this.request(a.user, a.receiver, a.asset, a.bps);
      case "finalize":
        return this.finalize(a.max);
      case "claim":
        return this.claim(a.user, a.recipient, a.pick, a.replay);
      case "transferRequest":
        return this.transferRequest(a.from, a.to, a.pick);
    }
  }

  private async deposit(u: number, i: number, amount: bigint): Promise<Effect> {
    const { s } = this;
    const user = this.users[u];
    const prev = this.prev;
    const label = `deposit ${ASSET_NAMES[i]} ${amount} by user ${u}`;
    if (i !== ETH_I) {
      const balance = await [s.tokens.stETH, s.tokens.rETH, s.tokens.cbETH][i - 1].balanceOf(user);
      if (amount > balance) amount = balance;
      if (amount < PARAMS.minDeposit) return this.skip(`${label}: no tokens`);
    }
    // Units that will arrive: stETH moves getSharesByPooledEth(amount) Lido shares (rounded down); others 1:1.
    const units = i === STETH_I ? await s.tokens.stETH.getSharesByPooledEth(amount) : amount;
    const { receipt, error } = await attempt(
      () =>
        i === ETH_I
          ? s.vault.connect(user).depositETH(user, 0, 0, { ...TX, value: amount })
          : s.vault.connect(user).depositLST(this.assets[i], amount, user, 0, 0, TX),
      ["LRTVaultRateStale", "LRTVaultDepositsPaused"],
    );
    // The deposit's block (mined even when it reverts): prices expire maxRateAge after the last sync; a price that
    // fell beyond the oracle's bound at a sync halts the asset's deposits (checked before the expiry).
    const stale = BigInt(await time.latest()) > prev.books.lastSync + BigInt(PARAMS.maxRateAge);
    const tripped = this.tripped.has(i);
    expect(error === "LRTVaultDepositsPaused", `${label}: halted iff its price tripped`).to.equal(tripped);
    expect(error === "LRTVaultRateStale", `${label}: stale iff past maxRateAge`).to.equal(stale && !tripped);
    if (error) return { label: `${label} (reverted: ${error})`, units: SAME };
    const minted = s.vault.interface.parseLog(
      receipt!.logs.find(
        (l) => l.address === this.c.vault.address && s.vault.interface.parseLog(l)?.name === "Deposit",
      )!,
    )!;
    const shares = minted.args.shares as bigint;
    // The price the accountant published at the last sync: lrETH per unit = price / depositRate (both floors).
    const depositRate = mulDiv(this.lastSynced.value, WAD, this.lastSynced.supply, "ceil");
    const perUnit = mulDiv(prev.prices[i], WAD, depositRate);
    expect(shares, `${label}: shares at the sync's deposit rate`).to.equal((units * perUnit) / WAD);
    this.depositsSinceSync.push({ label, shares, value: mulDiv(units, prev.prices[i], WAD) });
    const delta = zeros();
    delta[i] = units;
    return {
      label,
      units: { kind: "exact", delta },
      verify: (now) => {
        expect(now.holderBalances[u] - prev.holderBalances[u], `${label}: minted`).to.equal(shares);
        expect(now.vaultHoldings[i] - prev.vaultHoldings[i], `${label}: vault received`).to.equal(units);
      },
    };
  }

  private async lstYield(token: "stETH" | "rETH", b: number): Promise<Effect> {
    const { s } = this;
    if (token === "stETH") {
      const pooled = await s.tokens.stETH.getTotalPooledEther();
      const delta = (pooled * BigInt(b)) / 10_000n;
      await s.tokens.stETH.rebase(delta, TX);
      return { label: `stETH yield +${b}bps`, units: this.rebaseRule(b) };
    }
    const rate = await s.tokens.rETH.getExchangeRate();
    await s.tokens.rETH.setExchangeRate((rate * BigInt(10_000 + b)) / 10_000n, TX);
    // Prices move only at the next sync; rETH is accounted in rETH.
    return { label: `rETH yield +${b}bps`, units: SAME };
  }

  private async lstLoss(b: number): Promise<Effect> {
    const { s } = this;
    const pooled = await s.tokens.stETH.getTotalPooledEther();
    await s.tokens.stETH.rebase(-((pooled * BigInt(b)) / 10_000n), TX);
    this.lossSinceSync = true;
    return { label: `stETH loss -${b}bps`, units: this.rebaseRule(b) };
  }

  /**
   * A stETH rebase by `b` bps leaves every unit in Lido shares, except in the strategy: its positions are stETH
   * tokens valued in Lido shares, and the strategy's virtual balance (1e3 wei) does not rebase, so its shares gain
   * or lose slightly less than the rebase: under 1e3 x b / 1e4 x k units, plus the floors of the balance, of the two
   * sums' token values and of their units (5). Not a loss in value: prices move at the next sync.
   */
  private rebaseRule(b: number): UnitRule {
    const tol = zeros();
    tol[STETH_I] = ceilDiv(1_000n * BigInt(b) * MAX_RATE, 10_000n * WAD) + 5n;
    return { kind: "rounding", delta: zeros(), tol, shed: false };
  }

  private recordSync(receipt: ContractTransactionReceipt): void {
    const iface = this.s.accountant.interface;
    const log = receipt.logs.find(
      (l) => l.address === this.c.accountant.address && iface.parseLog(l)?.name === "Synced",
    );
    expect(log, "a Synced event").to.not.equal(undefined);
    const parsed = iface.parseLog(log!)!;
    this.lastSynced = { value: parsed.args.totalValue as bigint, supply: parsed.args.totalSupply as bigint };
  }

  private async sync(): Promise<Effect> {
    const { receipt } = await attempt(() => this.s.accountant.sync(TX), []);
    this.recordSync(receipt!);
    return {
      label: "sync",
      units: SAME,
      verify: (now) => {
        // The sync valued what the lens shows at the prices it stored, each asset rounded down.
        const value = now.units.reduce((sum, u, i) => sum + mulDiv(u, now.prices[i], WAD), 0n);
        expect(this.lastSynced.value, "sync value == sum of the live asset values").to.equal(value);
      },
    };
  }

  private async restake(d: number, r: number, b: number): Promise<Effect> {
    const { s } = this;
    const i = r + 1;
    const units = (this.prev.buffers[i] * BigInt(b)) / 10_000n;
    const label = `restake ${units} ${ASSET_NAMES[i]} into delegator ${d}`;
    // Below a gwei a strategy may mint zero shares (EigenLayer's NewSharesZero): not a restake a keeper would do.
    if (units < 10n ** 9n) return this.skip(`${label}: buffer too small`);
    const notDelegated = this.prev.delegatedTo[d] === ZeroAddress;
    const { error } = await attempt(
      () => s.manager.connect(s.signers.keeper).restake(this.delegators[d], this.assets[i], units, TX),
      ["RestakingManagerAboveTarget", "RestakingManagerNotDelegated"],
    );
    if (error) {
      expect(error === "RestakingManagerNotDelegated", `${label}: NotDelegated iff undelegated`).to.equal(notDelegated);
      return { label: `${label} (reverted: ${error})`, units: SAME };
    }
    expect(notDelegated, `${label}: only a delegated delegator restakes`).to.equal(false);
    // Units move from the buffer into the strategy: the total changes only by rounding, RESTAKE_ROUNDING plus
    // 4 x D / 1e18 for the delegator's D deposit shares (EigenLayer).
    const [, [depositShares]] = await s.el.delegationManager.getWithdrawableShares(this.delegators[d], [
      this.strategies[r],
    ]);
    const prev = this.prev;
    const tol = zeros();
    tol[i] = RESTAKE_ROUNDING + ceilDiv(4n * depositShares, WAD);
    return {
      label,
      units: { kind: "rounding", delta: zeros(), tol },
      verify: (now) => {
        expect(prev.buffers[i] - now.buffers[i], `${label}: buffer released`).to.equal(units);
        expect(prev.vaultHoldings[i] - now.vaultHoldings[i], `${label}: vault sent`).to.equal(units);
      },
    };
  }

  private async slash(o: number, wadBps: number, mask: number): Promise<Effect> {
    const { s } = this;
    const chosen = this.strategies.filter((_, k) => (mask >> k) & 1);
    const strategies = ascending(chosen); // the AllocationManager requires strictly ascending strategies
    const wad = BigInt(wadBps) * 10n ** 14n;
    await attempt(
      () =>
        s.avs.slash(
          s.operators[o].address,
          SET_ID,
          strategies,
          strategies.map(() => wad),
          "property test",
          TX,
        ),
      [],
    );
    this.lossSinceSync = true;
    return { label: `slash operator ${o} by ${wadBps}bps of ${strategies.length} strategies`, units: { kind: "down" } };
  }

  private async rewards(d: number, token: "stETH" | "other", amount: bigint): Promise<Effect> {
    const { s, f } = this;
    const earned = this.rewardsEarned[d];
    if (token === "stETH") earned.steth += amount;
    else earned.other += amount;
    const stETH = this.c.stETH.address;
    const other = await f.otherToken.getAddress();
    const tokens = [
      ...(earned.steth > 0n ? [{ token: stETH, cumulativeEarnings: earned.steth }] : []),
      ...(earned.other > 0n ? [{ token: other, cumulativeEarnings: earned.other }] : []),
    ];
    const earnings: EarnerEarnings[] = [{ earner: this.delegators[d], tokens }];
    const tree = buildRewardsMerkleTree(earnings);
    const end = (await time.latest()) - 1;
    await s.rewardsCoordinator.connect(s.signers.rewardsUpdater).submitRoot(tree.root, end, TX);
    const rootIndex = this.rootCount++;
    const claimed = token === "stETH" ? stETH : other;
    const recipient = s.signers.rewardsRecipient.address;
    const otherBefore = await f.otherToken.balanceOf(recipient);
    const vaultSharesBefore = await s.tokens.stETH.sharesOf(s.vault);
    // The stETH path moves `amount` twice by amount (coordinator -> manager -> vault): Lido shares rounded down each
    // time, so the vault gets getSharesByPooledEth(amount) shares, or up to 2 fewer.
    const expectedShares = await s.tokens.stETH.getSharesByPooledEth(amount);
    const prev = this.prev;
    const label = `rewards ${amount} ${token} for delegator ${d}`;
    await attempt(
      () =>
        s.manager
          .connect(s.signers.keeper)
          .claimRewards(this.delegators[d], tree.claimFor(this.delegators[d], [claimed], rootIndex), TX),
      [],
    );
    const arrived = (await s.tokens.stETH.sharesOf(s.vault)) - vaultSharesBefore;
    const otherAfter = await f.otherToken.balanceOf(recipient);
    const delta = zeros();
    if (token === "stETH") {
      delta[STETH_I] = arrived;
      expect(arrived, `${label}: Lido shares reached the vault`).to.be.within(expectedShares - 2n, expectedShares);
      expect(otherAfter, `${label}: nothing else forwarded`).to.equal(otherBefore);
    } else {
      // The unsupported token never counts: all of it goes to the rewards recipient, none to the vault.
      expect(otherAfter - otherBefore, `${label}: forwarded to the rewards recipient`).to.equal(amount);
      expect(arrived, `${label}: no stETH moved`).to.equal(0n);
    }
    return {
      label,
      units: { kind: "exact", delta },
      verify: (now) => {
        expect(now.buffers[STETH_I] - prev.buffers[STETH_I], `${label}: buffer grew by the shares received`).to.equal(
          delta[STETH_I],
        );
        // Lido rounding may leave at most one share per claim with the manager (donations to it aside).
        expect(now.managerStethShares - prev.managerStethShares, `${label}: manager keeps only dust`).to.be.at.most(
          token === "stETH" ? 1n : 0n,
        );
      },
    };
  }

  private async donate(t: number, i: number, amount: bigint): Promise<Effect> {
    const { s, f } = this;
    const targets = [this.c.vault.address, this.c.queue.address, this.c.manager.address, ...this.delegators];
    const names = ["vault", "queue", "manager", "delegator 0", "delegator 1", "delegator 2"];
    const to = targets[t];
    if (i === ETH_I) {
      const balance = await ethers.provider.getBalance(to);
      await ethers.provider.send("hardhat_setBalance", [to, toQuantity(balance + amount)]);
    } else {
      const token = [s.tokens.stETH, s.tokens.rETH, s.tokens.cbETH][i - 1];
      const held = await token.balanceOf(f.admin);
      if (amount > held) amount = held;
      if (amount === 0n) return this.skip("donation: admin holds none");
      await attempt(() => token.connect(f.admin).transfer(to, amount, TX), []);
    }
    return { label: `donate ${amount} ${ASSET_NAMES[i]} to ${names[t]}`, units: SAME, donation: true };
  }

  /**
   * The rounding bound, per asset, of queuing or completing `withdrawals`: the sum over each (withdrawal, strategy)
   * of `QUEUE_ROUNDING` or `COMPLETE_ROUNDING` for that strategy's asset.
   */
  private withdrawalTolerance(withdrawals: { strategies: unknown[] }[], perStrategy: readonly bigint[]): bigint[] {
    const tol = zeros();
    for (const w of withdrawals) {
      for (const st of w.strategies) {
        const r = this.strategies.findIndex((x) => x.toLowerCase() === String(st).toLowerCase());
        tol[r + 1] += perStrategy[r];
      }
    }
    return tol;
  }

  private async undelegate(d: number): Promise<Effect> {
    const { s } = this;
    const operator = this.prev.delegatedTo[d];
    if (operator === ZeroAddress) return this.skip(`undelegate delegator ${d}: not delegated`);
    const wallet = s.operators.find((o) => o.address === operator)!;
    const queuedBefore = this.prev.queued[d].length;
    await attempt(() => s.el.delegationManager.connect(wallet).undelegate(this.delegators[d], TX), []);
    const label = `operator force-undelegates delegator ${d}`;
    return {
      label,
      // P16: the forced undelegation queues every share; the queued shares stay counted, so the total moves only by
      // rounding (QUEUE_ROUNDING per queued strategy).
      units: this.requeued(d, queuedBefore),
      verify: (now) => expect(now.delegatedTo[d], `${label}: undelegated`).to.equal(ZeroAddress),
    };
  }

  /** Live units after delegator `d`'s shares were all queued (withdrawals past index `queuedBefore`): unchanged
   * but for EigenLayer's rounding, QUEUE_ROUNDING per queued strategy. */
  private requeued(d: number, queuedBefore: number): (now: Obs) => UnitRule {
    return (now) => ({
      kind: "rounding",
      delta: zeros(),
      tol: this.withdrawalTolerance(now.queued[d].slice(queuedBefore), QUEUE_ROUNDING),
    });
  }

  private async redelegate(d: number, o: number): Promise<Effect> {
    const { s } = this;
    const queuedBefore = this.prev.queued[d].length;
    const label = `redelegate delegator ${d} to operator ${o}`;
    await attempt(() => s.manager.connect(s.signers.admin).redelegate(this.delegators[d], s.operators[o], TX), []);
    return {
      label,
      units: this.requeued(d, queuedBefore),
      verify: (now) => expect(now.delegatedTo[d], `${label}: delegated`).to.equal(s.operators[o].address),
    };
  }

  private async queueWithdrawal(d0: number, r0: number, b: number): Promise<Effect> {
    const { s } = this;
    // The drawn (delegator, strategy) pair, or the next one that holds shares.
    const q = new Reads();
    const calls = this.delegators.map((x) => q.add(this.c.dm, "getWithdrawableShares", [x, this.strategies]));
    const res = await q.run(this.f.reader);
    const withdrawable = calls.map((k) => res[k][0] as bigint[]);
    let d = d0;
    let r = r0;
    for (let k = 0; k < 9 && withdrawable[d][r] < 10n ** 9n; ++k) {
      r = (r + 1) % RESTAKABLE;
      if (r === r0) d = (d + 1) % 3;
    }
    const shares = (withdrawable[d][r] * BigInt(b)) / 10_000n;
    const label = `queue EigenLayer withdrawal of ${shares} ${ASSET_NAMES[r + 1]} shares from delegator ${d}`;
    if (shares < 10n ** 9n) return this.skip(`${label}: too few shares`);
    await attempt(
      () => s.manager.connect(s.signers.keeper).queueWithdrawal(this.delegators[d], this.assets[r + 1], shares, TX),
      [],
    );
    // P16: value moves from withdrawable to queued, changing the total only by rounding (QUEUE_ROUNDING).
    const tol = zeros();
    tol[r + 1] = QUEUE_ROUNDING[r];
    return { label, units: { kind: "rounding", delta: zeros(), tol } };
  }

  private async complete(pick: number, all: boolean): Promise<Effect> {
    const { s } = this;
    const withQueue = this.delegators.map((_, d) => d).filter((d) => this.prev.queued[d].length > 0);
    if (withQueue.length === 0) return this.skip("complete: nothing queued");
    const d = withQueue[pick % withQueue.length];
    const queued = this.prev.queued[d];
    const chosen = all ? queued : [queued[pick % queued.length]];
    const last = Math.max(...chosen.map((w) => Number(w.startBlock)));
    // Mine the withdrawal delay: completion is possible from startBlock + delay + 1.
    const latest = Number(this.prev.blockNumber);
    const ready = last + EIGEN_DELAYS.minWithdrawalDelayBlocks;
    if (latest < ready) await mine(ready - latest);
    const label = `complete ${chosen.length} EigenLayer withdrawal(s) of delegator ${d}`;
    await attempt(() => s.manager.connect(s.signers.stranger).completeWithdrawals(this.delegators[d], chosen, TX), []);
    // The queued value was already counted: completion moves it into the buffer in the same transaction, so the
    // total moves only by rounding (COMPLETE_ROUNDING per withdrawal and strategy), never by the withdrawal's value.
    return {
      label,
      units: { kind: "rounding", delta: zeros(), tol: this.withdrawalTolerance(chosen, COMPLETE_ROUNDING) },
      verify: (now) =>
        expect(now.queued[d].length, `${label}: gone from the queue`).to.equal(queued.length - chosen.length),
    };
  }

  private async request(u: number, to: number, i: number, b: number): Promise<Effect> {
    const { s } = this;
    const balance = this.prev.holderBalances[u];
    let shares = (balance * BigInt(b)) / 10_000n;
    if (shares < PARAMS.minRequest) shares = PARAMS.minRequest;
    if (shares > PARAMS.maxRequest) shares = PARAMS.maxRequest;
    const label = `request ${shares} lrETH in ${ASSET_NAMES[i]} by user ${u} for user ${to}`;
    if (shares > balance) return this.skip(`${label}: balance too small`);
    const id = this.prev.cursor.end;
    await attempt(
      () => s.queue.connect(this.users[u]).requestWithdrawal(shares, this.assets[i], this.users[to], TX),
      [],
    );
    this.requests.set(id, { id, owner: to, shares, asset: i, status: 1, payoutUnits: 0n });
    return {
      label,
      units: SAME,
      verify: (now) => {
        const r = now.requests.get(id)!;
        expect(r.rateAtRequest, `${label}: rate at request`).to.equal(now.accountantRate);
        expect(r.valueAtRequest, `${label}: value at request`).to.equal(mulDiv(shares, now.accountantRate, WAD));
        expect(r.requestedAt, `${label}: time`).to.equal(now.timestamp);
      },
    };
  }

  private async finalize(max: number): Promise<Effect> {
    const { s } = this;
    const head = this.requests.get(this.prev.cursor.next);
    if (!head) return this.skip("finalize: nothing pending");
    const { receipt, error } = await attempt(
      () => s.queue.connect(s.signers.stranger).finalize(max, TX),
      ["WithdrawalQueueNothingToFinalize"],
    );
    if (error) {
      // Refused only if the head request cannot be paid from its asset's buffer. Its payout at the finalizing sync
      // is at most its shares at min(rate at request, rate the books give then: a sync never raises it) in units at
      // the price that sync stores (the adapter's price, a rise clamped to the oracle's 10% bound).
      const view = this.prev.requests.get(head.id)!;
      const t = await time.latest(); // the refused transaction's block
      const rateBound = rateAt(this.prev.books, BigInt(t));
      const value = mulDiv(head.shares, view.rateAtRequest < rateBound ? view.rateAtRequest : rateBound, WAD);
      const price = await this.priceAtNextSync(head.asset);
      expect(mulDiv(value, WAD, price), `finalize refused: request ${head.id} exceeds the buffer`).to.be.greaterThan(
        this.prev.buffers[head.asset],
      );
      return { label: `finalize up to ${max} (nothing to finalize)`, units: SAME };
    }
    this.recordSync(receipt!);
    const label = `finalize up to ${max}`;
    const prev = this.prev;
    const pending = [...this.requests.values()].filter((r) => r.status === 1);
    const payouts = zeros();
    return {
      label,
      update: (now) => {
        // Each newly finalized request: min(value at request, value now) at the sync's rate, in units at the sync's
        // price; the buffer pays exactly that to the queue (recomputed from the accountant's rate and oracle's price).
        for (const r of pending) {
          const view = now.requests.get(r.id)!;
          if (view.status === 1) continue;
          const rate = now.accountantRate < view.rateAtRequest ? now.accountantRate : view.rateAtRequest;
          const value = mulDiv(r.shares, rate, WAD);
          const units = mulDiv(value, WAD, now.prices[r.asset]);
          expect(view.payoutValue, `${label}: request ${r.id} payout value`).to.equal(value);
          expect(view.payoutUnits, `${label}: request ${r.id} payout units`).to.equal(units);
          r.status = 2;
          r.payoutUnits = units;
          this.finalizedUnits[r.asset] += units;
          payouts[r.asset] += units;
        }
      },
      units: () => ({ kind: "exact", delta: payouts.map((p) => -p) }),
      verify: (now) => {
        for (let k = 0; k < ASSET_NAMES.length; ++k) {
          expect(now.queueHoldings[k] - prev.queueHoldings[k], `${label}: ${ASSET_NAMES[k]} to the queue`).to.equal(
            payouts[k],
          );
        }
        expect(now.cursor.next, `${label}: progressed`).to.be.greaterThan(prev.cursor.next);
        // After paying out, the rest is still recognised or more (the queue never takes gains from holders).
        expect(now.lens.unrecognised, `${label}: unrecognised >= 0 after payouts`).to.be.at.least(0n);
      },
    };
  }

  private async claim(u: number, to: number, pick: number, replay: boolean): Promise<Effect> {
    const { s } = this;
    if (replay) {
      const user = this.users[u];
      const claimed = [...this.requests.values()].filter((r) => r.status === 3);
      if (claimed.length === 0) return this.skip("replay claim: none claimed yet");
      const r = claimed[pick % claimed.length];
      // P13: a request is never paid twice.
      const { error } = await attempt(
        () => s.queue.connect(user).claim([r.id], user, TX),
        ["WithdrawalQueueAlreadyClaimed"],
      );
      expect(error, `replay claim of request ${r.id}`).to.equal("WithdrawalQueueAlreadyClaimed");
      return { label: `replay claim of request ${r.id} (refused)`, units: SAME };
    }
    // The drawn user's finalized requests, or those of the owner of one drawn among all finalized requests.
    const finalized = [...this.requests.values()].filter((r) => r.status === 2);
    if (finalized.length === 0) return this.skip("claim: nothing finalized");
    if (!finalized.some((r) => r.owner === u)) u = finalized[pick % finalized.length].owner;
    const user = this.users[u];
    const mine_ = finalized.filter((r) => r.owner === u);
    const start = pick % mine_.length;
    const chosen = mine_.slice(start, start + 1 + (pick % 3));
    const recipient = this.users[to];
    const label = `claim ${chosen.map((r) => r.id).join(",")} by user ${u} to user ${to}`;
    const before = await this.recipientHoldings(recipient.address);
    const { receipt } = await attempt(
      () =>
        s.queue.connect(user).claim(
          chosen.map((r) => r.id),
          recipient,
          TX,
        ),
      [],
    );
    const after = await this.recipientHoldings(recipient.address);
    const paid = zeros();
    for (const r of chosen) {
      paid[r.asset] += r.payoutUnits;
      this.claimedUnits[r.asset] += r.payoutUnits;
      r.status = 3;
    }
    const gas = u === to ? receipt!.fee : 0n;
    for (let k = 0; k < USER_ASSETS; ++k) {
      const received = after[k] - before[k] + (k === ETH_I ? gas : 0n);
      expect(received, `${label}: ${ASSET_NAMES[k]} received`).to.equal(paid[k]);
    }
    return { label, units: SAME };
  }

  /** The price the next sync will store for asset `i`: the token's own rate, a rise clamped to the oracle's bound. */
  private async priceAtNextSync(i: number): Promise<bigint> {
    const { s } = this;
    if (i === ETH_I) return WAD;
    const observed = await [
      () => s.tokens.stETH.getPooledEthByShares(WAD),
      () => s.tokens.rETH.getExchangeRate(),
      () => s.tokens.cbETH.exchangeRate(),
    ][i - 1]();
    const stored = this.prev.prices[i];
    const ceiling = stored + mulDiv(stored, BigInt(PARAMS.oracleBoundBps), 10_000n);
    return observed > ceiling ? ceiling : observed;
  }

  /** ETH balance, stETH shares, rETH and cbETH balances of `who`. */
  private async recipientHoldings(who: string): Promise<bigint[]> {
    const { s } = this;
    return Promise.all([
      ethers.provider.getBalance(who),
      s.tokens.stETH.sharesOf(who),
      s.tokens.rETH.balanceOf(who),
      s.tokens.cbETH.balanceOf(who),
    ]);
  }

  private async transferRequest(from: number, to: number, pick: number): Promise<Effect> {
    // A request of the drawn user, or any unclaimed request; always to another user.
    const open = [...this.requests.values()].filter((r) => r.status !== 3);
    if (open.length === 0) return this.skip("transfer request: none open");
    const owned = open.filter((r) => r.owner === from);
    const r = owned.length > 0 ? owned[pick % owned.length] : open[pick % open.length];
    from = r.owner;
    if (to === from) to = (from + 1) % 3;
    const owner = this.users[from];
    await attempt(() => this.s.queue.connect(owner).transferFrom(owner, this.users[to], r.id, TX), []);
    r.owner = to;
    return { label: `transfer request ${r.id} from user ${from} to user ${to}`, units: SAME };
  }
}

/* ------------------------------------------------------------------------------------------------------------- */
/*                                                     TESTS                                                      */
/* ------------------------------------------------------------------------------------------------------------- */

describe("System properties (randomized, whole suite)", function () {
  const lengths = `${MIN_STEPS}-${MAX_STEPS} steps`;
  const title = `hold after every step of ${RUNS} random action sequences (fast-check seed ${SEED}, ${lengths})`;
  it(title, async function () {
    // A passing run takes about two minutes; a failing one also shrinks its counterexample, replaying it many times.
    this.timeout(30 * 60_000);
    const started = Date.now();
    let steps = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(actionArb, { minLength: MIN_STEPS, maxLength: MAX_STEPS }), async (actions) => {
        const w = await World.load();
        try {
          for (const a of actions) {
            await w.step(a);
            ++steps;
          }
        } catch (e) {
          (e as Error).message += `\n  steps: ${w.log.join(" | ")}`;
          throw e;
        }
      }),
      // INVARIANT_NO_SHRINK=1 reports the first failure as found (exploration); CI shrinks it.
      { seed: SEED, numRuns: RUNS, endOnFailure: process.env.INVARIANT_NO_SHRINK === "1" },
    );
    console.log(`    ${RUNS} runs, ${steps} steps in ${((Date.now() - started) / 1000).toFixed(1)}s`);
    console.log(
      `    done/expected revert/skipped: ${[...STATS.entries()]
        .map(([k, t]) => `${k} ${t.done}/${t.reverted}/${t.skipped}`)
        .join(", ")}`,
    );
    console.log(
      `    largest rounding (units): ${[...ROUNDING.entries()]
        .filter(([, v]) => v > 0n)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ")}`,
    );
  });
});

/* ------------------------------------------------------------------------------------------------------------- */
/*                                                  REGRESSIONS                                                   */
/* ------------------------------------------------------------------------------------------------------------- */

/** The suite after a deposit of rETH at a price with many digits and a sync: the vault's value per lrETH is not a
 * round number, and with about one lrETH in supply it is less than a wei from the next integer below. */
async function oddRateFixture() {
  const s = await deploySuiteFixture();
  const { admin, alice } = s.signers;
  await s.tokens.rETH.connect(admin).setExchangeRate(RETH_RATE + 123_456_789n);
  await s.tokens.rETH.connect(alice).deposit({ value: parseEther("1") });
  await s.tokens.rETH.connect(alice).approve(s.vault, MaxUint256);
  await s.vault.connect(alice).depositLST(s.tokens.rETH, parseEther("0.3") + 3n, alice, 0, 0);
  await s.accountant.sync();
  return s;
}

describe("System property regressions", function () {
  it("a deposit alone never makes the next sync find a loss (the valuation's per-asset floor)", async function () {
    // Found by the property test (seed 1): the sync valued each asset rounded down, so a deposit priced at its
    // exact value could bring up to a wei less than its lrETH were worth at the deposit rate; when the vault's value
    // per lrETH was within that wei of an integer, the next sync booked a 1-wei loss and lowered the rate with
    // nothing lost.
    const s = await loadFixture(oddRateFixture);
    const { alice } = s.signers;
    const [synced] = (await s.accountant.queryFilter(s.accountant.filters.Synced())).slice(-1);
    const value = synced.args.totalValue;
    const supply = synced.args.totalSupply;
    const price = await s.oracle.price(s.tokens.rETH);
    const held = (await s.vault.assetInfo(s.tokens.rETH)).bufferUnits;
    // The smallest rETH deposit whose units, valued rounded down as the sync values them, fall short of what its
    // lrETH are worth at the value per lrETH the books hold (computed here from the last sync's event).
    const perShare = mulDiv(value, WAD, supply);
    const depositRate = mulDiv(value, WAD, supply, "ceil");
    const perUnit = mulDiv(price, WAD, depositRate);
    let units = 0n;
    for (let u = PARAMS.minDeposit; u < PARAMS.minDeposit + 100_000n; ++u) {
      const minted = (u * perUnit) / WAD;
      const added = mulDiv(held + u, price, WAD) - mulDiv(held, price, WAD);
      if (mulDiv(value + added, WAD, supply + minted) < perShare) {
        units = u;
        break;
      }
    }
    expect(units, "a deposit that exposes the rounding").to.be.greaterThan(0n);
    await s.vault.connect(alice).depositLST(s.tokens.rETH, units, alice, 0, 0);
    const [base, unvested, heldBack] = await s.accountant.books();
    const rateBefore = await s.vault.getRate();
    // Nothing was lost: no loss is booked, the books stand and the rate keeps vesting.
    await expect(s.accountant.sync())
      .to.emit(s.accountant, "GainRecognised")
      .withArgs(0n, 0n)
      .and.not.to.emit(s.accountant, "LossRecognised");
    const [base2, unvested2, heldBack2] = await s.accountant.books();
    expect(base2 + unvested2 + heldBack2).to.equal(base + unvested + heldBack);
    expect(await s.vault.getRate()).to.be.at.least(rateBefore);
  });
});
