/**
 * The one invariant harness of the property tests (`World`): the whole suite, the actions fast-check draws, what is
 * read after every step and every property checked against it. `system.property.test.ts` runs it over every action;
 * the withdrawal queue's random test (`WithdrawalQueue.test.ts`) over the queue's own actions (`queueActionArb`).
 * The randomized property test over the whole system. fast-check draws sequences of 8-20 actions (deposits, LST
 * yield and loss, time, syncs, restaking, slashes, rewards, donations, forced undelegation and redelegation,
 * EigenLayer withdrawals, withdrawal requests, finalization, re-denomination, claims, request transfers, the keeper's
 * runbook, an attacker's moves, and validator actions: stakes of 1-2 validators from the ETH buffer, credential proofs,
 * consensus rewards and checkpoints, beacon chain slashes, exits through EIP-7002 whose ETH the keeper queues out of
 * the pod) and replays each on a fresh snapshot of the full suite (native restaking on: delegator NATIVE_D's EigenPod,
 * proofs from the TypeScript beacon chain; `native.property.test.ts` runs a native-heavy mix). Every action is valid or
 * is skipped when its precondition fails; a revert is accepted only if it is one of the custom errors the action may
 * legitimately hit, and only when its precondition holds (computed here). After EVERY step the system is read in
 * one `eth_call` (what the step can have changed; everything, the lens included, every LENS_EVERY-th step) and
 * checked against expectations computed here from quantities this file tracks, the shared
 * reference models (`RateModel`: tranche rate books; `OracleModel` / `bound`: prices bounded per unit of time since
 * the accountant's last sync; `depositPerUnit` and `payoutPrice`: live deposit and payout prices) and reads of other
 * contracts than the one asserted:
 * - the models: the accountant's books, rate and pending gains, the vault's stored prices, deposit prices, expiry,
 *   trips, outside units and cap headroom (deposits use it, finalized payouts give it back up to the cap, syncs leave
 *   it), the queue's lanes (requested, processed, liability), every request's state;
 * - P5: the lrETH balances of every holder add up to the supply; the queue holds the shares of pending requests.
 * - P4: live assets (buffers, positions, stored prices) == totalAssets + pendingGains + unrecognised; the lens shows
 *   the valuation a sync would make now (prices bounded since the last sync), the same right after a sync; right
 *   after a sync unrecognised is in [0, supply / 1e18 + 4]; each buffer <= the vault's holding.
 * - P2: the rate only vests between syncs, never rises at a sync and falls only at a sync after a slash or an
 *   LST loss (beyond the rounding EigenLayer and Lido shed, bounded where it happened); donations appear nowhere.
 * - P3: a deposit is worth, right after the next sync, no more than its units at the price it was taken at.
 * - P1, P6, P13: the queue's holdings >= reserved == finalized unclaimed payouts; payouts frozen; claimed once;
 *   claimed + reserved == finalized.
 * - P16: queuing, completing and forced undelegation move live units only by rounding, never by their value.
 * - No gain without a cause: no actor (the three users and the attacker) ends a step with an ETH value above what
 *   it put in plus its pro-rata share of the gains the accountant booked while it held lrETH (see `VALUE_TOLERANCE`).
 * - Exits: a lane's liability never exceeds the vault's units of the asset (unless a slash took some); a lane
 *   whose liability the buffer covers is emptied by `finalize`; after the keeper's runbook every lane
 *   still waiting is short of the asset itself, no request older than `maxWait` waits while another asset has room,
 *   and buffer-only lanes never wait (ETH, once validators are staked, waits only beyond its buffer: exits are not
 *   in the runbook); in runs where the keeper follows the runbook on schedule, every request of a
 *   lane that is not short is finalized within the bound (EigenLayer's delay + 2 keeper windows).
 * - Native restaking, against the World's own validator model (`checkNative`): N1 counted once (the manager's ETH
 *   position == 32 ETH per unverified validator + the beacon chain shares EigenLayer reports); N2 moves neutral
 *   (stake, credential proofs and queuing leave the ETH units exactly unchanged, completions within a gwei); N3
 *   nothing stuck (`pendingStake`, no ETH in the manager or the delegators but donations, the pod holds what the
 *   beacon chain paid it less what withdrawals took); N4 rewards exact (until a beacon slash, the shares are the
 *   validators' balances at their last proof plus the pod's credited ETH, and each checkpoint moves the units by
 *   exactly that change). A forced undelegation or redelegation of the native delegator is not drawn once it runs
 *   validators (its beacon chain ETH could only be withdrawn after exits).
 */
import { expect } from "chai";
import fc from "fast-check";
import { ethers } from "hardhat";
import { loadFixture, mine, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import {
  type Interface,
  MaxUint256,
  ZeroAddress,
  parseEther,
  toQuantity,
  type ContractTransactionResponse,
  type Result,
  type TransactionReceipt,
} from "ethers";
import type { ERC20Mock, EigenPod, LRTLens, StaticMulticall } from "../../typechain-types";
import type { IDelegationManagerTypes } from "../../typechain-types/contracts/RestakingManager";
import { BEACON_CHAIN_ETH_STRATEGY, EIGEN_DELAYS, ascending, deployEigenPods } from "../../scripts/lib/eigenlayer";
import { BeaconChain } from "../../scripts/lib/beacon";
import { podKeys, type Key } from "../../scripts/lib/keys";
import { enableNativeRestaking, podCredentials, postNextRoot, runCheckpoint } from "../../scripts/lib/native";
import { SET_ID, deploySuite, type Suite } from "../../scripts/lib/suite";
import { PARAMS } from "../../scripts/lib/constants";
import { WAD, mulDiv } from "../helpers/math";
import { OracleModel, bound, depositPerUnit, payoutPrice } from "../helpers/priceBoundsModel";
import { RateModel, booksOf, modelBooks, vestedOf, type Books as ModelBooks } from "../helpers/rateModel";
import { buildRewardsMerkleTree, type EarnerEarnings } from "../../scripts/lib/rewardsMerkle";
import { asWithdrawal } from "../helpers/restaking";
import { Reads, attempt, eventsOf, inOneBlock, type Readable } from "./chain";
import { INVARIANT_RUNS } from "../common/env";

/* ------------------------------------------------------------------------------------------------------------- */
/*                                                 CONFIGURATION                                                  */
/* ------------------------------------------------------------------------------------------------------------- */

/** Fixed in CI; `INVARIANT_SEED` / `INVARIANT_RUNS` for local exploration and the coverage run (the title prints
 * what ran). */
export const SEED = Number(process.env.INVARIANT_SEED ?? 20_250_917);
export const RUNS = INVARIANT_RUNS;
export const MIN_STEPS = 8;
export const MAX_STEPS = 20;

const DEAD = "0x000000000000000000000000000000000000dEaD";
export const HOUR = 3600;
export const DAY = 24 * HOUR;
/** Every action transaction carries a gas limit, so no `eth_estimateGas` runs it a second time. */
const TX = { gasLimit: 8_000_000 } as const;
/** Transactions mined together in one block (at most a deposit and 4 syncs): a sync here costs 0.75-1.3M gas plus
 * about 33k per pending EigenLayer withdrawal (30 at most), and five of these fit the 30M block gas limit. */
const IN_BLOCK_TX = { gasLimit: 5_500_000 } as const;
/** The assets the test indexes, in this order (ETH first); `World.init` maps them to the vault's own order. */
export const ASSET_NAMES = ["ETH", "stETH", "rETH", "cbETH", "wstETH", "WETH"] as const;
export const ETH_I = 0;
export const STETH_I = 1;
export const RETH_I = 2;
const CBETH_I = 3;
const WSTETH_I = 4;
const WETH_I = 5;
export const ALL_ASSETS = ASSET_NAMES.length;
/** Restakable assets: strategy r restakes asset r + 1 (stETH, rETH, cbETH). */
export const RESTAKABLE = 3;
/** Assets users deposit and request payouts in: ETH, stETH, rETH, cbETH. */
export const USER_ASSETS = 4;
/** Actors whose value is checked: three users (0-2) and the attacker (3). */
export const USERS = 3;
export const ATTACKER = 3;
export const ACTORS = 4;
const ACTOR_NAMES = ["user 0", "user 1", "user 2", "attacker"] as const;
/** lrETH holders, in `Obs.holderBalances` order: the actors, then these. */
const HOLDER_TREASURY = ACTORS + 1;
const HOLDER_QUEUE = ACTORS + 2;
/** The manager's cap on a delegator's pending EigenLayer withdrawals, and the room it keeps for a forced
 * undelegation (one withdrawal per strategy it may have). */
const MAX_PENDING_WITHDRAWALS = 10;
const MAX_STRATEGIES = 4;
/** The delegator whose EigenPod runs the vault's validators. */
export const NATIVE_D = 0;
const GWEI = 10n ** 9n;
const VALIDATOR = parseEther("32");
/** Why a forced undelegation or redelegation of the native delegator is not drawn once it runs validators: EigenLayer
 * would queue its beacon chain ETH, which can only be completed once the validators exited (not modelled). */
const RUNS_VALIDATORS = "it runs validators (its beacon chain ETH could only be withdrawn after exits)";
/** Queuing beacon chain ETH shares once a slash lowered the slashing factor: EigenLayer's WAD floors (wei). */
const BEACON_QUEUE_ROUNDING = 4n;
/** The queue's largest finalize batch (the keeper asks for it). */
const MAX_FINALIZE_BATCH = 50;
/** The units outside the vault (restaked or queued) a lane's route does not count (the queue's `ROUTE_MARGIN`, 1 gwei:
 * EigenLayer's share rounding between syncs, docs §1). */
const ROUTE_MARGIN = 1_000_000_000n;
/** How often a keeper that follows the runbook acts (and the longest time step between two of its runs). */
const KEEPER_WINDOW = DAY;
/** EigenLayer's withdrawal delay in seconds here: `mine` spaces blocks one second apart. */
const EIGEN_DELAY_SECONDS = EIGEN_DELAYS.minWithdrawalDelayBlocks + 1;
/** The finalization bound of docs/security-model.md §1 in this setting: EigenLayer's delay + 2 keeper windows. */
export const EXIT_BOUND = BigInt(EIGEN_DELAY_SECONDS + 2 * KEEPER_WINDOW);
/** The lens's summary is the costliest read: it is read (and checked against the direct reads) on every
 * LENS_EVERY-th observation. */
const LENS_EVERY = 8;

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

/**
 * How far (wei x 1e18: values are compared unrounded, scaled by 1e18) an actor's ETH value may exceed what it put in
 * plus its share of booked gains. Derivation, for every way value reaches an actor:
 * - a deposit mints floor(units x floor(floor(stored x 1e18 / depositRate) x live / stored) / 1e18) lrETH, live being
 *   min(stored, protocol, market) <= market (or the stored price when that is lower): shares x depositRate <=
 *   units x live <= units x market, the units' value as this test marks them, and depositRate >= books (the
 *   accountant never publishes a deposit rate below its books). The lrETH are then worth shares x rate <= shares x
 *   books, and books rise only by what a sync books (counted, per share held, in the allowance);
 * - a request is worth min(valueAtRequest, floor(shares x rate)) <= shares x rate, the lrETH it locked;
 * - a payout is floor(min(value at request, floor(shares x rate)) x 1e18 / payoutPrice) units, payoutPrice >= the
 *   feed's last market price, stale or not (or >= protocol when the feed gives none, the mark used then): worth at
 *   most the request's value;
 * - Lido moves shares exactly by `transferShares` (claims); a deposit by amount moves floor(amount x S / P) shares
 *   from the actor and credits exactly those; a purchase pays ceil(amount x answer / 1e18) for at most
 *   floor(amount x S / P) shares marked at floor(answer x floor(P x 1e18 / S) / 1e18): never above the price paid.
 * Every rounding on the path is a floor against the actor, so the tolerance is zero.
 */
const VALUE_TOLERANCE = 0n;

/* ------------------------------------------------------------------------------------------------------------- */
/*                                                    FIXTURE                                                     */
/* ------------------------------------------------------------------------------------------------------------- */

/**
 * The default suite (3 operators, stETH/rETH/cbETH strategies) plus: a lens, a batch reader, an unsupported reward
 * token, a funded RewardsCoordinator with no activation delay (a claim may follow its root in the next block: time is
 * its own action here), three users holding every LST with every approval given, an attacker holding ETH and some
 * lrETH (it buys LSTs at the market price from the admin, who makes the market and holds LSTs to donate), an outside staker in
 * every strategy, a few initial deposits and restakes (one per delegator), a sync, and two pending withdrawal
 * requests. Native restaking is on for ETH (`enableNativeRestaking`, as in test/fixtures/native.ts): EigenPods,
 * the key registry, a node operator for delegator NATIVE_D and the keeper as its pod's proof submitter, and the
 * TypeScript beacon chain (each run takes a copy).
 */
async function deploySystemPropertyFixture() {
  const s = await deploySuite({ operators: 3, strategies: 3 });
  const signers = await ethers.getSigners();
  const { admin, alice, bob, keeper } = s.signers;
  const carol = signers[9];
  const attacker = signers[11];
  const nodeOperator = signers[12];
  const users = [alice, bob, carol];
  // Native restaking of ETH (as `deployNativeFixture` turns it on): EigenPods, the key registry, ETH's strategy the
  // beacon chain ETH strategy; delegator NATIVE_D runs the validators (its node operator submits keys, the keeper
  // submits its pod's proofs). The TypeScript beacon chain signs the keys and builds every proof.
  const pods = await deployEigenPods(s.el);
  const registry = await enableNativeRestaking(s, admin, await pods.eigenPodManager.getAddress());
  const nativeDelegator = s.delegators[NATIVE_D];
  await registry.setNodeOperator(nativeDelegator, nodeOperator);
  await s.manager.connect(admin).setProofSubmitter(nativeDelegator, keeper);
  const podAddress = await nativeDelegator.pod();
  const pod = (await ethers.getContractAt("EigenPod", podAddress)) as unknown as EigenPod;
  const chain = await BeaconChain.create({ genesisTime: (await time.latest()) - 12 * 64 });
  const native = { pods, registry, pod, podAddress, nodeOperator, chain };
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

  for (const user of [...users, attacker]) {
    if (user !== attacker) {
      await stETH.connect(user).submit(ZeroAddress, { value: parseEther("500") });
      await rETH.connect(user).deposit({ value: parseEther("500") });
      await cbETH.connect(user).deposit({ value: parseEther("500") });
    }
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
  // The attacker starts with a position (it may exit at once).
  await s.vault.connect(attacker).depositETH(attacker, 0, 0, { value: parseEther("30") });
  const k = s.manager.connect(keeper);
  await k.restake(s.delegators[0], stETH, parseEther("15"));
  await k.restake(s.delegators[1], rETH, parseEther("12"));
  await k.restake(s.delegators[2], cbETH, parseEther("8"));
  await s.accountant.sync();
  // Two withdrawal requests already waiting (ETH and stETH), so the queue has work from the first step on.
  await s.queue.connect(alice).requestWithdrawal(parseEther("2"), await s.vault.ETH(), alice);
  await s.queue.connect(bob).requestWithdrawal(parseEther("3"), stETH, carol);
  return { s, users, attacker, lens, reader, otherToken, admin, native };
}

/* ------------------------------------------------------------------------------------------------------------- */
/*                                                    ACTIONS                                                     */
/* ------------------------------------------------------------------------------------------------------------- */

export type Action =
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
  | { kind: "redenominate"; actor: number; pick: number; asset: number }
  | { kind: "claim"; user: number; recipient: number; pick: number; replay: boolean }
  | { kind: "transferRequest"; from: number; to: number; pick: number }
  /** Time moves to when a pending request may be re-denominated (`early`: first a second before), then its owner
   * re-denominates it (the queue's mix only). */
  | { kind: "redenominateAt"; actor: number; pick: number; asset: number; early: boolean }
  /** A claim or re-denomination the queue must refuse (the queue's mix only). */
  | { kind: "refused"; user: number; pick: number; what: number }
  | { kind: "keeper" }
  // Native restaking (delegator NATIVE_D's pod and the TypeScript beacon chain).
  /** The keeper stakes 1-2 validators (32 ETH each from the ETH buffer) with keys the node operator submits. */
  | { kind: "stake"; n: number }
  /** The keeper proves the credentials of every staked validator the pod has not verified. */
  | { kind: "verifyCredentials" }
  /** Epochs pass on the beacon chain (consensus rewards), then a checkpoint of the pod. */
  | { kind: "beaconRewards"; epochs: number }
  /** A live validator is slashed on the beacon chain, then a checkpoint books it. */
  | { kind: "beaconSlash"; pick: number }
  /** A live validator exits through EIP-7002 (the pod's request), a checkpoint credits its ETH in the pod, the keeper
   * queues that ETH's EigenLayer withdrawal (completed by `complete` or the keeper into the ETH buffer). */
  | { kind: "exitValidator"; pick: number }
  // The attacker.
  | { kind: "atkSyncs"; syncs: number; deposit: bigint }
  | { kind: "atkRate"; token: number; bps: number }
  | { kind: "atkMarket"; feed: number; bps: number; toggleDown: boolean; stale: boolean }
  | { kind: "atkBuy"; asset: number; amount: bigint; deposit: boolean }
  | { kind: "atkDepositETH"; amount: bigint }
  | { kind: "atkRequest"; asset: number; bps: number; fill: boolean }
  | { kind: "atkClaim" };

export const idx = (n: number) => fc.integer({ min: 0, max: n - 1 });
export const bps = fc.integer({ min: 1, max: 10_000 });
export const w = <T>(weight: number, arbitrary: fc.Arbitrary<T>) => ({ weight, arbitrary });
/** The actions both mixes draw (the system's and the queue's), one arbitrary each. */
const arb = {
  deposit: fc.record({
    kind: fc.constant("deposit" as const),
    user: idx(USERS),
    asset: idx(USER_ASSETS),
    amount: fc.bigInt({ min: PARAMS.minDeposit, max: parseEther("40") }),
  }),
  lstYield: fc.record({
    kind: fc.constant("lstYield" as const),
    token: fc.constantFrom("stETH" as const, "rETH" as const),
    bps: fc.integer({ min: 1, max: 100 }),
  }),
  lstLoss: fc.record({ kind: fc.constant("lstLoss" as const), bps: fc.integer({ min: 1, max: 200 }) }),
  sync: fc.record({ kind: fc.constant("sync" as const) }),
  restake: fc.record({ kind: fc.constant("restake" as const), delegator: idx(3), asset: idx(RESTAKABLE), bps }),
  request: fc.record({
    kind: fc.constant("request" as const),
    user: idx(USERS),
    receiver: idx(USERS),
    asset: idx(USER_ASSETS),
    bps: fc.integer({ min: 1, max: 2_500 }),
  }),
  finalize: fc.record({ kind: fc.constant("finalize" as const), max: fc.integer({ min: 1, max: 5 }) }),
  redenominate: fc.record({
    kind: fc.constant("redenominate" as const),
    actor: idx(ACTORS),
    pick: fc.nat(),
    asset: idx(ALL_ASSETS),
  }),
  claim: fc.record({
    kind: fc.constant("claim" as const),
    user: idx(ACTORS),
    recipient: idx(ACTORS),
    pick: fc.nat(),
    replay: fc.integer({ min: 0, max: 4 }).map((x) => x === 0),
  }),
  transferRequest: fc.record({
    kind: fc.constant("transferRequest" as const),
    from: idx(USERS),
    to: idx(USERS),
    pick: fc.nat(),
  }),
  atkRequest: fc.record({
    kind: fc.constant("atkRequest" as const),
    asset: idx(ALL_ASSETS),
    bps,
    fill: fc.integer({ min: 0, max: 3 }).map((x) => x === 0),
  }),
};

/** The validator actions (native restaking). */
const nativeArb = {
  stake: fc.record({ kind: fc.constant("stake" as const), n: fc.integer({ min: 1, max: 2 }) }),
  verifyCredentials: fc.record({ kind: fc.constant("verifyCredentials" as const) }),
  beaconRewards: fc.record({ kind: fc.constant("beaconRewards" as const), epochs: fc.integer({ min: 1, max: 40 }) }),
  beaconSlash: fc.record({ kind: fc.constant("beaconSlash" as const), pick: fc.nat() }),
  exitValidator: fc.record({ kind: fc.constant("exitValidator" as const), pick: fc.nat() }),
};

export const actionArb: fc.Arbitrary<Action> = fc.oneof(
  w(6, arb.deposit),
  w(2, arb.lstYield),
  w(1, arb.lstLoss),
  w(2, fc.record({ kind: fc.constant("warp" as const), seconds: fc.integer({ min: HOUR, max: 2 * DAY }) })),
  // Long waits: streams vest in full, deposit prices expire, requests pass maxWait.
  w(1, fc.record({ kind: fc.constant("warp" as const), seconds: fc.integer({ min: 3 * DAY, max: 17 * DAY }) })),
  w(3, arb.sync),
  w(4, arb.restake),
  w(
    1,
    fc.record({
      kind: fc.constant("slash" as const),
      operator: idx(3),
      wadBps: fc.integer({ min: 100, max: 5_000 }),
      mask: fc.integer({ min: 1, max: 7 }),
    }),
  ),
  w(
    2,
    fc.record({
      kind: fc.constant("rewards" as const),
      delegator: idx(3),
      token: fc.constantFrom("stETH" as const, "other" as const),
      amount: fc.bigInt({ min: 10n ** 12n, max: parseEther("2") }),
    }),
  ),
  w(
    2,
    fc.record({
      kind: fc.constant("donate" as const),
      target: idx(6),
      asset: idx(USER_ASSETS),
      amount: fc.bigInt({ min: 1n, max: parseEther("5") }),
    }),
  ),
  w(1, fc.record({ kind: fc.constant("undelegate" as const), delegator: idx(3) })),
  w(1, fc.record({ kind: fc.constant("redelegate" as const), delegator: idx(3), operator: idx(3) })),
  w(2, fc.record({ kind: fc.constant("queueWithdrawal" as const), delegator: idx(3), asset: idx(RESTAKABLE), bps })),
  w(2, fc.record({ kind: fc.constant("complete" as const), pick: fc.nat(), all: fc.boolean() })),
  w(4, arb.request),
  w(4, arb.finalize),
  w(2, arb.redenominate),
  w(4, arb.claim),
  w(2, arb.transferRequest),
  w(2, fc.record({ kind: fc.constant("keeper" as const) })),
  // The attacker.
  w(
    2,
    fc.record({
      kind: fc.constant("atkSyncs" as const),
      syncs: fc.integer({ min: 2, max: 4 }),
      deposit: fc.oneof(fc.constant(0n), fc.bigInt({ min: PARAMS.minDeposit, max: parseEther("50") })),
    }),
  ),
  w(
    2,
    fc.record({
      kind: fc.constant("atkRate" as const),
      token: idx(RESTAKABLE),
      bps: fc.integer({ min: -300, max: 200 }).filter((x) => x !== 0),
    }),
  ),
  w(
    2,
    // One in ten switches the feed off or on, one in ten posts an answer dated long ago (stale at once).
    fc
      .record({
        kind: fc.constant("atkMarket" as const),
        feed: idx(RESTAKABLE),
        bps: fc.integer({ min: -1_000, max: 1_000 }),
        mode: fc.integer({ min: 0, max: 9 }),
      })
      .map(({ mode, ...a }) => ({ ...a, toggleDown: mode === 0, stale: mode === 1 })),
  ),
  w(
    3,
    fc.record({
      kind: fc.constant("atkBuy" as const),
      asset: fc.integer({ min: 1, max: RESTAKABLE }),
      amount: fc.bigInt({ min: PARAMS.minDeposit, max: parseEther("40") }),
      deposit: fc.integer({ min: 0, max: 4 }).map((x) => x !== 0),
    }),
  ),
  w(
    1,
    fc.record({
      kind: fc.constant("atkDepositETH" as const),
      amount: fc.bigInt({ min: PARAMS.minDeposit, max: parseEther("50") }),
    }),
  ),
  w(3, arb.atkRequest),
  w(1, fc.record({ kind: fc.constant("atkClaim" as const) })),
  // Native restaking.
  w(3, nativeArb.stake),
  w(3, nativeArb.verifyCredentials),
  w(2, nativeArb.beaconRewards),
  w(1, nativeArb.beaconSlash),
  w(2, nativeArb.exitValidator),
);

/**
 * The native-heavy mix (`native.property.test.ts`): ETH deposits, validator actions, EigenLayer completions, syncs,
 * waits, ETH requests, finalizations, claims and the keeper, with a few LST moves beside them.
 */
export const nativeActionArb: fc.Arbitrary<Action> = fc.oneof(
  // ETH enough for a validator or two.
  w(
    3,
    arb.deposit.map((a) => ({ ...a, asset: ETH_I, amount: a.amount + parseEther("30") })),
  ),
  w(4, nativeArb.stake),
  w(4, nativeArb.verifyCredentials),
  w(3, nativeArb.beaconRewards),
  w(2, nativeArb.beaconSlash),
  w(3, nativeArb.exitValidator),
  w(3, fc.record({ kind: fc.constant("complete" as const), pick: fc.nat(), all: fc.boolean() })),
  w(2, arb.sync),
  w(1, fc.record({ kind: fc.constant("warp" as const), seconds: fc.integer({ min: HOUR, max: 2 * DAY }) })),
  w(
    2,
    arb.request.map((a) => ({ ...a, asset: ETH_I })),
  ),
  w(2, arb.finalize),
  w(2, arb.claim),
  w(1, fc.record({ kind: fc.constant("keeper" as const) })),
  w(1, arb.restake),
  w(1, arb.lstYield),
);

/**
 * The withdrawal queue's mix (`WithdrawalQueue.test.ts`): deposits, requests (the attacker's may take a lane's whole
 * room, so the buffer cannot pay it beside lanes it can), finalizations of a few steps or of every entry, claims,
 * request transfers, re-denominations (also at `maxWait`), refused claims and re-denominations, LST yield and loss, syncs, waits of up
 * to two days and restakes (units leave the buffers but stay routable).
 */
export const queueActionArb: fc.Arbitrary<Action> = fc.oneof(
  w(3, arb.deposit),
  w(4, arb.request),
  w(1, arb.atkRequest),
  w(2, arb.finalize),
  w(1, fc.record({ kind: fc.constant("finalize" as const), max: fc.constant(MAX_FINALIZE_BATCH) })),
  w(3, arb.claim),
  w(1, arb.transferRequest),
  w(1, arb.redenominate),
  w(
    1,
    fc.record({
      kind: fc.constant("redenominateAt" as const),
      actor: idx(ACTORS),
      pick: fc.nat(),
      asset: idx(ALL_ASSETS),
      early: fc.boolean(),
    }),
  ),
  w(2, fc.record({ kind: fc.constant("refused" as const), user: idx(USERS), pick: fc.nat(), what: idx(4) })),
  w(1, arb.lstYield),
  w(1, arb.lstLoss),
  w(1, arb.sync),
  w(2, fc.record({ kind: fc.constant("warp" as const), seconds: fc.integer({ min: 1, max: 2 * DAY }) })),
  w(1, arb.restake),
);

/* ------------------------------------------------------------------------------------------------------------- */
/*                                                 OBSERVATIONS                                                   */
/* ------------------------------------------------------------------------------------------------------------- */

/** `ILRTAccountant.Books`: the rate books (`rateModel.ts`) and the last sync's block number. */
type Books = ModelBooks & { lastSyncBlock: bigint };

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

/** One asset as the vault stores it (`assetInfo`). */
interface InfoView {
  buffer: bigint;
  price: bigint;
  outside: bigint;
  sharesPerUnit: bigint;
  expiry: bigint;
  tripped: boolean;
  /** Units that may still be deposited before the cap: cap - deposits + finalized payouts, never above the cap. */
  headroom: bigint;
  cap: bigint;
}

/** One asset as the vault (`assetInfo`) and the restaking manager (`positions`) show it. */
interface AssetView extends InfoView {
  restaked: bigint;
  queued: bigint;
}

/** One asset in the valuation a sync would make now (`ILRTAccountant.AssetValue`, as the lens shows it). */
interface LiveView {
  buffer: bigint;
  outside: bigint;
  price: bigint;
  outcome: bigint;
  value: bigint;
}

/** The lens's summary (read every LENS_EVERY observations: it is the costliest read). */
interface LensView {
  rate: bigint;
  totalAssets: bigint;
  totalSupply: bigint;
  pendingGains: bigint;
  liveAssets: bigint;
  unrecognised: bigint;
  lastSync: bigint;
  assets: { info: InfoView; live: LiveView }[];
}

interface Lane {
  requested: bigint;
  processed: bigint;
  liability: bigint;
}

/** Everything read after a step, in one call (all at the latest block). */
interface Obs {
  timestamp: bigint;
  supply: bigint;
  /** The actors, DEAD, the treasury, the queue. */
  holderBalances: bigint[];
  /** `vault.getRate()` (read with the lens). */
  vaultRate?: bigint;
  accountantRate: bigint;
  pendingPerShare: bigint;
  books: Books;
  /** Buffer units (`assetInfo`; `syncInputs()` cross-checked with the lens). */
  buffers: bigint[];
  /** Stored prices (`assetInfo`; `priceOf` cross-checked with the lens). */
  prices: bigint[];
  /** Per asset (test order). */
  assets: AssetView[];
  /** The TVL decomposition (P4), computed here from the reads: totalAssets (the vault's), pending gains, every
   * unit at its stored price rounded down once, and what is left unrecognised. */
  tvl: { totalAssets: bigint; pendingGains: bigint; liveAssets: bigint; unrecognised: bigint };
  lens?: LensView;
  vaultHoldings: bigint[];
  queueHoldings: bigint[];
  reserved: bigint[];
  lanes: Lane[];
  requests: Map<bigint, RequestView>;
  /** NFT owners of unclaimed requests (read with the lens). */
  owners?: Map<bigint, string>;
  /** The vault's own `totalAssets()`, `priceOf` and what a sync reads (`syncInputs()`: adapter, stored price,
   * buffer and price bounds per asset), read with the lens. */
  vaultViews?: {
    totalAssets: bigint;
    prices: bigint[];
    inputs: { adapter: string; price: bigint; buffer: bigint; maxRiseBpsPerDay: bigint; maxFallBps: bigint }[];
  };
  /** Queued EigenLayer withdrawals per delegator (DelegationManager). */
  queued: IDelegationManagerTypes.WithdrawalStruct[][];
  /** `convertToAssets` of tracked deposit shares, in `World.depositsSinceSync` order. */
  depositAssets: bigint[];
  /** Live units per asset: buffer + restaked + queued. */
  units: bigint[];
  /** Tokens per 1e18 strategy shares, per strategy (`sharesToUnderlyingView`). */
  strategyPrices?: bigint[];
  /** Lido shares per 1e18 stETH (the stETH adapter's units per token). */
  stethUnitsPerToken?: bigint;
  /** Per asset, read from the tokens and feeds (not the adapters): the protocol price and the market price of one
   * accounting unit (ETH per 1e18 units; the feed's last answer, stale or not, 0 when it gives none: down, not
   * positive, absurd or dated 0), and whether the market feed is usable (an answer, fresh): deposits need it. */
  protocol: bigint[];
  market: bigint[];
  marketOk: boolean[];
  /** The feeds' last answers (stETH/ETH, rETH/ETH, cbETH/ETH; 0 when they give none): ETH per token; and whether
   * each is usable (fresh). */
  feedAnswers: bigint[];
  feedOk: boolean[];
  /** Per asset, the adapter's own `quote()` (cross-checked against the three above). Read with the lens. */
  quotes?: { protocol: bigint; market: bigint; ok: boolean }[];
  /** Per actor, per asset: what it holds (ETH balance; stETH in Lido shares; token balances). */
  actorHoldings: bigint[][];
  /** Native restaking, read from EigenLayer and ETH balances (not from the manager's positions): delegator
   * NATIVE_D's beacon chain ETH shares (withdrawable, and queued as EigenLayer values them now), the manager's
   * `pendingStake()`, and the ETH the pod, the manager and each delegator hold. */
  native: {
    withdrawable: bigint;
    queued: bigint;
    pendingStake: bigint;
    pod: bigint;
    manager: bigint;
    delegators: bigint[];
  };
}

/* ------------------------------------------------------------------------------------------------------------- */
/*                                                   HELPERS                                                      */
/* ------------------------------------------------------------------------------------------------------------- */

const ceilDiv = (a: bigint, b: bigint): bigint => (a + b - 1n) / b;
const abs = (x: bigint): bigint => (x < 0n ? -x : x);
const minOf = (a: bigint, b: bigint): bigint => (a < b ? a : b);
const maxOf = (a: bigint, b: bigint): bigint => (a > b ? a : b);

/*
 * Assertions on the hot path (thousands per run): a plain comparison, and chai (for its message) only on failure.
 */
function eq<T>(actual: T, expected: T, what: string): void {
  if (actual !== expected) expect(actual, what).to.equal(expected);
}
function atMost(actual: bigint, bound: bigint, what: string): void {
  if (actual > bound) expect(actual, what).to.be.at.most(bound);
}
function atLeast(actual: bigint, bound: bigint, what: string): void {
  if (actual < bound) expect(actual, what).to.be.at.least(bound);
}
/** Every field of `actual` equals `expected`'s (bigint, number or boolean fields). */
function eqFields(actual: object, expected: object, what: string): void {
  const a = actual as Record<string, unknown>;
  const b = expected as Record<string, unknown>;
  for (const k of Object.keys(b)) if (a[k] !== b[k]) expect(actual, what).to.deep.equal(expected);
}

/** `rate()` of the accountant's books at `t`: the base plus each tranche's vested part (rounded down). */
function rateAt(b: Books, t: bigint): bigint {
  return (
    b.base +
    vestedOf({ amount: b.amount1, start: b.start1, end: b.end1 }, t) +
    vestedOf({ amount: b.amount2, start: b.start2, end: b.end2 }, t)
  );
}

/** What the books owe holders per share (time-independent): base + tranches + held back. */
const booksTotal = (b: Books): bigint => b.base + b.amount1 + b.amount2 + b.heldBack;

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
  /** The action hit an expected revert (counted apart; nothing changed but time and gas). */
  reverted?: boolean;
  units: UnitRule | ((now: Obs) => UnitRule);
  donation?: boolean;
  /** The step was only syncs (and at most a deposit before them): everything is recognised right after. */
  pureSync?: boolean;
  /** Units and lrETH added in the step before its syncs (a deposit mined in the syncs' block). */
  beforeSync?: { units: bigint[]; supply: bigint };
  /** Brings the tracked state up to date from the new observation (after the syncs are modelled, before checks). */
  update?: (now: Obs) => void;
  /** A finalization to settle in the rate model after the sync (lrETH burned and ETH value paid). */
  settlement?: () => { burned: bigint; valuePaid: bigint };
  /** Change of the vault's outside units of each asset (restake +, completed withdrawal -); ignored after a sync. */
  outside?: (now: Obs) => bigint[];
  /** Extra checks of this step against the new observation. */
  verify?: (now: Obs) => void;
  /** Extra reads for `verify`, made right after the step's observation. */
  after?: () => Promise<void>;
}

const zeros = (): bigint[] => ASSET_NAMES.map(() => 0n);
/** `PriceBounds.Outcome` names, by code. */
const OUTCOMES = ["taken", "clamped", "tripped", "unavailable"] as const;
const SAME: UnitRule = { kind: "exact", delta: zeros() };

interface TrackedRequest {
  id: bigint;
  asset: number;
  seq: bigint;
  /** Actor index. */
  owner: number;
  shares: bigint;
  rateAtRequest: bigint;
  /** floor(shares x rateAtRequest): what `getRequest` shows, also after a re-denomination. */
  valueAtRequest: bigint;
  requestedAt: bigint;
  /** 1 pending, 2 finalized, 3 claimed, 4 moved (re-denominated). */
  status: 1 | 2 | 3 | 4;
  /** Pending: the most units it can be paid; finalized: the units owed. */
  units: bigint;
  payoutValue: bigint;
  /** A keeper run left it pending: its lane was short of the asset (the bound does not apply any more). */
  short: boolean;
}

interface TrackedDeposit {
  label: string;
  shares: bigint;
  /** ETH value of the units deposited at the price the deposit was taken at, rounded down. */
  value: bigint;
}

/** A sync mined during the step: its block time and what its `Synced` event reported. */
interface SeenSync {
  time: bigint;
  previousRate: bigint;
  rate: bigint;
  totalValue: bigint;
  totalSupply: bigint;
}

/* ------------------------------------------------------------------------------------------------------------- */
/*                                                    THE WORLD                                                   */
/* ------------------------------------------------------------------------------------------------------------- */

/** Largest rounding seen, in units, per step kind and asset (for the log). */
export const ROUNDING = new Map<string, bigint>();
/** Per action kind: steps that did what they say, that hit an expected revert, that were skipped (for the log). */
export const STATS = new Map<string, { done: number; reverted: number; skipped: number }>();
/** Noteworthy outcomes (for the log). */
export const EVENTS = new Map<string, number>();
const note = (what: string) => EVENTS.set(what, (EVENTS.get(what) ?? 0) + 1);
/** The outcomes the exit properties are about, counted in `EVENTS` (a run must reach them to test them). */
export const LIVENESS = {
  /** `finalize` with steps for every entry emptied a lane its buffer covered. */
  covered: "finalize: a lane covered by its buffer emptied",
  /** ... beside a lane its buffer could not cover, in the same finalization. */
  blockedBesideCovered: "finalize: a blocked lane beside a covered one",
  moved: "re-denominated",
} as const;
/** The longest wait of a finalized request in runs where the keeper followed the runbook (seconds). */
let longestDiligentWait = 0n;
/** The longest wait of a finalized request in runs where the keeper followed the runbook (seconds). */
export const longestWait = (): bigint => longestDiligentWait;

type Fixture = Awaited<ReturnType<typeof deploySystemPropertyFixture>>;

/** What `World.init` reads once (every run starts from the same snapshot). */
let INIT:
  | {
      fixture: Fixture;
      targets: string;
      world: Record<string, unknown> & { c: Record<string, Readable> };
      requests: TrackedRequest[];
      processed: bigint[];
      obs: Obs;
      depositRate: bigint;
    }
  | undefined;

export class World {
  readonly s: Suite;
  readonly f: Fixture;
  /** The three users, then the attacker. */
  readonly actors: HardhatEthersSigner[];
  /** The keeper follows the runbook: it runs whenever KEEPER_WINDOW passed since its last run, and waits are cut
   * into windows so it can. */
  readonly diligent: boolean;
  // Addresses and ABIs.
  private readonly c: Record<string, Readable> = {};
  private strategyReads: Readable[] = [];
  private feedReads: Readable[] = [];
  private adapterReads: Readable[] = [];
  /** Vault assets in ASSET_NAMES order, and each one's index in `vault.assets()`. */
  private assets: string[] = [];
  private order: number[] = [];
  /** Test asset indices in the vault's order (the order `finalize` walks the lanes). */
  private vaultOrder: number[] = [];
  private delegators: string[] = [];
  private strategies: string[] = [];
  private podAddress = "";
  /** Which allocation targets the run started from (the snapshot's, or the native-heavy mix's). */
  private targets = "default";
  private holders: string[] = [];
  // Tracked state.
  prev!: Obs;
  log: string[] = [];
  steps = 0;
  private observations = 0;
  private requests = new Map<bigint, TrackedRequest>();
  /** Per asset lane: how many requests it has finalized or skipped (the queue's `processed`). */
  private processed: bigint[] = zeros();
  private finalizedUnits = zeros();
  private claimedUnits = zeros();
  private lossSinceSync = false;
  /** ETH value (wei) that EigenLayer / Lido rounding shed since the last sync (bounded per step). */
  private roundingSinceSync = 0n;
  private depositsSinceSync: TrackedDeposit[] = [];
  private rewardsEarned: { steth: bigint; other: bigint }[] = [
    { steth: 0n, other: 0n },
    { steth: 0n, other: 0n },
    { steth: 0n, other: 0n },
  ];
  private rootCount = 0;
  // Models.
  private rates!: RateModel;
  /** Per asset (ETH none): the bounded price a sync stores (the price-bounds model; its clock is the last sync). */
  private bounded: (OracleModel | undefined)[] = [];
  /** Per asset: halted by a price fall beyond the bound at a sync (sticky: nobody clears it here). */
  private tripped: boolean[] = ASSET_NAMES.map(() => false);
  /** Per asset: the vault's outside units (restaked + queued as of the last sync, moved since). */
  private outside: bigint[] = zeros();
  /** Per asset: the cap's headroom (VaultAssets: a deposit uses it, a finalized payout gives it back up to the cap;
   * a sync, yields, rewards and slashes leave it). Every asset's cap is PARAMS.cap and no cap changes here. */
  private headroom: bigint[] = zeros();
  /** Feeds switched off by the attacker (stETH/ETH, rETH/ETH, cbETH/ETH). */
  private feedDown = [false, false, false];
  /** Syncs mined during the current step. */
  private stepSyncs: SeenSync[] = [];
  private lastKeeperAt = 0n;
  // Actor value accounting (wei x 1e18).
  private basis: bigint[] = [];
  private allowance: bigint[] = [];
  private inventoryPrev: bigint[][] = [];
  /** What the last redelegation or forced undelegation left (read after the step, for its checks). */
  private delegatedNow = "";
  /** Per delegator: the operator it was last delegated to (also after a forced undelegation) and the one before
   * (zero until a redelegation). */
  private operatorOf: string[] = [];
  private previousOperator: string[] = [];
  /** Per asset: a slash took some of its restaked or queued units in this run. */
  private slashed: boolean[] = ASSET_NAMES.map(() => false);
  /** Per asset: the vault's outside units fell in this run (a completion, or a position re-based lower at a sync). */
  private outsideFell: boolean[] = ASSET_NAMES.map(() => false);
  // What the current step may have changed (what `observe` reads).
  /** Actors that sent a transaction or received something (their holdings and lrETH). */
  private touched = new Set<number>();
  /** Requests (a request, finalization, re-denomination or claim). */
  private requestsMoved = false;
  /** Queued EigenLayer withdrawals (queued, forced or completed). */
  private queuedMoved = false;
  /** An LST's own rate or a market feed. */
  private pricesMoved = false;
  // Native restaking: the run's own copy of the beacon chain, and the independent model of the validators.
  private chain!: BeaconChain;
  private nat = {
    /** Every validator staked, in order: its beacon chain index and key, and what happened to it. */
    validators: [] as { index: number; pubkey: string; verified: boolean; slashed: boolean; exited: boolean }[],
    /** Keys the node operator submitted to the registry, and keys staked (the registry's queue). */
    submitted: 0,
    used: 0,
    /** The balance (wei) each verified validator was last proven at (credentials: effective balance; checkpoint:
     * its balance). */
    proven: new Map<number, bigint>(),
    /** ETH in the pod that a checkpoint credited as shares and no completed withdrawal took out yet. */
    podCredited: 0n,
    /** ETH the beacon chain paid into the pod since the last checkpoint started. */
    podUncredited: 0n,
    /** A validator was slashed: N4 (rewards exact) no longer applies, EigenLayer's slashing factor rounds. */
    disturbed: false,
    /** ETH donated to the manager and the delegators (they hold nothing else). */
    donated: new Map<string, bigint>(),
  };

  private constructor(f: Fixture, diligent: boolean) {
    this.f = f;
    this.s = f.s;
    this.actors = [...f.users, f.attacker];
    this.diligent = diligent;
  }

  /** A run from the fixture's snapshot. `nativeTargets`: the native delegator gets most of the allocation target
   * (8000 bps), so the keeper may stake several validators (the native-heavy mix). */
  static async load(diligent: boolean, nativeTargets = false): Promise<World> {
    const f = await loadFixture(deploySystemPropertyFixture);
    if (nativeTargets) {
      const targets = f.s.delegators.map((_, d) => (d === NATIVE_D ? 8_000 : 1_000));
      await f.s.manager.connect(f.admin).setTargets(f.s.delegators, targets);
    }
    const w = new World(f, diligent);
    w.targets = nativeTargets ? "native" : "default";
    // The beacon chain is a TypeScript object: `loadFixture` reverts the EVM, not it, so each run takes a copy.
    w.chain = w.f.native.chain.clone();
    await w.init();
    return w;
  }

  private async init(): Promise<void> {
    // Every run starts from the same snapshot: what the first run read is read once (for this deployment: were
    // the snapshot lost, `loadFixture` deploys anew and returns a new fixture object).
    const cached = INIT?.fixture === this.f && INIT.targets === this.targets ? INIT : undefined;
    if (cached) {
      Object.assign(this, { ...cached.world, c: cached.world.c });
      for (const q of cached.requests) this.requests.set(q.id, { ...q });
      this.processed = [...cached.processed];
      this.prev = cached.obs;
      ++this.observations;
      this.startModels(cached.depositRate);
      return;
    }
    await this.readSetup();
    this.prev = await this.observe();
    const synced = await this.s.accountant.queryFilter(this.s.accountant.filters.Synced());
    const last = synced[synced.length - 1].args;
    const depositRate = maxOf(mulDiv(last.totalValue, WAD, last.totalSupply, "ceil"), booksTotal(this.prev.books));
    INIT = {
      fixture: this.f,
      targets: this.targets,
      world: {
        c: this.c,
        strategyReads: this.strategyReads,
        feedReads: this.feedReads,
        adapterReads: this.adapterReads,
        assets: this.assets,
        order: this.order,
        vaultOrder: this.vaultOrder,
        delegators: this.delegators,
        strategies: this.strategies,
        holders: this.holders,
        podAddress: this.podAddress,
      },
      requests: [...this.requests.values()].map((q) => ({ ...q })),
      processed: [...this.processed],
      obs: this.prev,
      depositRate,
    };
    this.startModels(depositRate);
  }

  /** Addresses, ABIs, the vault's asset order and the fixture's requests. */
  private async readSetup(): Promise<void> {
    const { s, f } = this;
    const r = (contract: { interface: unknown; getAddress(): Promise<string> }) =>
      contract.getAddress().then((address) => ({ iface: contract.interface as Interface, address }));
    this.c.vault = await r(s.vault);
    this.c.accountant = await r(s.accountant);
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
    this.feedReads = await Promise.all([s.feeds.stETH, s.feeds.rETH, s.feeds.cbETH].map(r));
    const a = s.adapters;
    this.adapterReads = await Promise.all([a.stETH, a.rETH, a.cbETH, a.wstETH, a.weth].map(r));
    // The test indexes assets in ASSET_NAMES order; `vault.assets()` (and the arrays in vault order: buffers, the
    // lens's assets) may list them in another, so `order[i]` is where asset i sits in the vault's list.
    this.assets = [
      await s.vault.ETH(),
      ...(await Promise.all(ASSET_NAMES.slice(1).map((name) => this.c[name].address))),
    ];
    const listed = [...(await s.vault.assets())];
    expect([...listed].sort(), "vault assets == the test's assets").to.deep.equal([...this.assets].sort());
    this.order = this.assets.map((x) => listed.indexOf(x));
    this.vaultOrder = listed.map((x) => this.assets.indexOf(x));
    this.delegators = s.delegators.map((d) => d.target as string);
    this.podAddress = f.native.podAddress;
    this.strategies = await Promise.all(s.strategies.map((x) => x.getAddress()));
    this.holders = [...this.actors.map((u) => u.address), DEAD, s.signers.treasury.address, this.c.queue.address];
    // The fixture's requests, as the queue's lanes and NFTs show them.
    for (let i = 0; i < ALL_ASSETS; ++i) {
      const lane = await s.queue.lane(this.assets[i]);
      this.processed[i] = lane.processed;
      for (let seq = 1n; seq <= lane.requested; ++seq) {
        const id = this.idOf(i, seq);
        const q = await s.queue.getRequest(id);
        expect(Number(q.status), "fixture requests are pending").to.equal(1);
        const holder = await s.queue.ownerOf(id);
        this.requests.set(id, {
          id,
          asset: i,
          seq,
          owner: this.actors.findIndex((u) => u.address === holder),
          shares: q.shares,
          rateAtRequest: q.rateAtRequest,
          valueAtRequest: q.valueAtRequest,
          requestedAt: q.requestedAt,
          status: 1,
          units: q.payoutUnits,
          payoutValue: 0n,
          short: false,
        });
      }
    }
  }

  /** The models start from the fixture's state. */
  private startModels(depositRate: bigint): void {
    const o = this.prev;
    // The models start from the fixture's state (its history is not replayed): the books and the last sync's
    // deposit rate, each asset's stored price, last refresh and outside units.
    this.rates = new RateModel(
      {
        feeBps: BigInt(PARAMS.feeBps),
        streamWindow: BigInt(PARAMS.streamWindow),
        maxAprBps: BigInt(PARAMS.maxAprBps),
        maxRateAge: BigInt(PARAMS.maxRateAge),
      },
      o.books.recognizedAt,
    );
    const b = o.books;
    Object.assign(this.rates, {
      base: b.base,
      t1: { amount: b.amount1, start: b.start1, end: b.end1 },
      t2: { amount: b.amount2, start: b.start2, end: b.end2 },
      heldBack: b.heldBack,
      highWaterMark: b.highWaterMark,
      lastValue: b.lastValue,
      lastSync: b.lastSync,
    });
    this.rates.depositRate = depositRate;
    this.bounded = ASSET_NAMES.map((_, i) => {
      if (i === ETH_I) return undefined;
      const m = new OracleModel(BigInt(PARAMS.maxRiseBpsPerDay), BigInt(PARAMS.maxFallBps));
      m.price = o.prices[i];
      // One clock for every asset: the bounds count the time since the accountant's last sync.
      m.updatedAt = o.books.lastSync;
      return m;
    });
    this.outside = o.assets.map((x) => x.outside);
    this.headroom = o.assets.map((x) => x.headroom);
    this.operatorOf = this.s.operators.map((x) => x.address);
    this.previousOperator = this.s.operators.map(() => ZeroAddress);
    this.lastKeeperAt = o.timestamp;
    // Each actor's basis: what it holds at the start, its lrETH at the books (their value at most; they rise only by
    // booked gains), its pending requests at their value at request.
    for (let k = 0; k < ACTORS; ++k) {
      const inv = this.inventory(o, k);
      const marks = this.marks(o);
      let v = inv.reduce((sum, u, i) => sum + u * marks[i], 0n) + o.holderBalances[k] * booksTotal(b);
      for (const q of this.requests.values()) if (q.owner === k && q.status === 1) v += q.valueAtRequest * WAD;
      this.basis.push(v);
      this.allowance.push(0n);
      this.inventoryPrev.push(inv);
    }
    this.checkStatic(o);
    this.checkModels(o);
    this.checkNative(o);
  }

  /** The requests tracked so far, for scenario tests: asset name, lane seq, owner, status, short. */
  tracked(): { asset: string; seq: bigint; owner: string; status: number; short: boolean }[] {
    return [...this.requests.values()].map((r) => ({
      asset: ASSET_NAMES[r.asset],
      seq: r.seq,
      owner: ACTOR_NAMES[r.owner],
      status: r.status,
      short: r.short,
    }));
  }

  private idOf(i: number, seq: bigint): bigint {
    return (BigInt(this.assets[i]) << 64n) | seq;
  }

  /** Requests in asset i's lane, in order. */
  private lane(i: number): TrackedRequest[] {
    return [...this.requests.values()].filter((q) => q.asset === i).sort((x, y) => (x.seq < y.seq ? -1 : 1));
  }

  /** The most units pending requests of asset i can be paid. */
  private liability(i: number): bigint {
    return this.lane(i)
      .filter((q) => q.status === 1)
      .reduce((sum, q) => sum + q.units, 0n);
  }

  /* ----------------------------------------------------------------------------------------------------------- */
  /*                                                observation                                                   */
  /* ----------------------------------------------------------------------------------------------------------- */

  async observe(): Promise<Obs> {
    const c = this.c;
    const q = new Reads();
    const prev = this.prev as Obs | undefined;
    // Every LENS_EVERY-th observation (and the first) reads everything, the lens included; the others skip what the
    // step cannot have changed (carried over from the previous observation, each skip says why).
    const full = this.observations++ % LENS_EVERY === 0 || !prev;
    const synced = this.stepSyncs.length > 0;
    const add = (when: boolean, target: Readable, fn: string, args: readonly unknown[] = []) =>
      when ? q.add(target, fn, args) : -1;
    const ts = q.add(c.reader, "timestamp");
    const supply = q.add(c.vault, "totalSupply");
    // lrETH balances: an actor's move only when it acted (`touched`); the dead address's seed never moves.
    const balances = this.holders.map((h, k) =>
      add(k < ACTORS ? full || this.touched.has(k) : h !== DEAD || full, c.vault, "balanceOf", [h]),
    );
    const vaultRate = add(full, c.vault, "getRate");
    const accRate = q.add(c.accountant, "rate");
    const pending = q.add(c.accountant, "pendingPerShare");
    const books = q.add(c.accountant, "books");
    const inputs = add(full, c.vault, "syncInputs");
    const prices = this.assets.map((x) => add(full, c.vault, "priceOf", [x]));
    const positions = q.add(c.manager, "positions");
    // wstETH and WETH: only a sync moves their prices and deposit prices (nothing is deposited or restaked).
    const infos = this.assets.map((x, i) => add(full || synced || i < USER_ASSETS, c.vault, "assetInfo", [x]));
    const totalAssets = add(full, c.vault, "totalAssets");
    const lens = add(full, c.lens, "summary", [c.vault.address]);
    const holdingOf = (when: boolean, who: string, i: number) =>
      i === ETH_I
        ? add(when, c.reader, "ethBalance", [who])
        : i === STETH_I
          ? add(when, c.stETH, "sharesOf", [who])
          : add(when, c[ASSET_NAMES[i]], "balanceOf", [who]);
    const userAssets = this.assets.slice(0, USER_ASSETS);
    // The vault and the queue never receive wstETH or WETH (no deposits or payouts of them here).
    const vaultHoldings = userAssets.map((_, i) => holdingOf(true, c.vault.address, i));
    const queueHoldings = userAssets.map((_, i) => holdingOf(true, c.queue.address, i));
    // Nothing ever pays out or sells wstETH or WETH (no buffer: no route), so actors hold none. An actor's holdings
    // move only when it sends a transaction (gas) or receives a payout.
    const actorHoldings = this.actors.map((x, k) =>
      userAssets.map((_, i) => holdingOf(full || this.touched.has(k), x.address, i)),
    );
    // wstETH and WETH lanes: every request is refused (no route), so they never change.
    const reserved = this.assets.map((x, i) => add(full || i < USER_ASSETS, c.queue, "reserved", [x]));
    const lanes = this.assets.map((x, i) => add(full || i < USER_ASSETS, c.queue, "lane", [x]));
    // Requests change only in steps that request, finalize, re-denominate or claim; claimed and moved ones never.
    const ids = [...this.requests.keys()].filter(
      (id) => full || (this.requestsMoved && this.requests.get(id)!.status <= 2),
    );
    const requests = ids.map((id) => q.add(c.queue, "getRequest", [id]));
    const live = full ? ids.filter((id) => this.requests.get(id)!.status <= 2) : [];
    const owners = live.map((id) => q.add(c.queue, "ownerOf", [id]));
    // Queued EigenLayer withdrawals change only when one is queued, forced or completed.
    const queued = this.delegators.map((d) => add(full || this.queuedMoved, c.dm, "getQueuedWithdrawals", [d]));
    // Deposits since the last sync: checked right after the next one.
    const depositAssets = this.depositsSinceSync.map((d) => add(synced, c.vault, "convertToAssets", [d.shares]));
    // The rounding bounds' range: checked with the lens.
    const strategyPrices = this.strategyReads.map((st) => add(full, st, "sharesToUnderlyingView", [WAD]));
    const stethUnits = add(full, c.stETH, "getSharesByPooledEth", [WAD]);
    // The LSTs' own rates and the feeds move only when a step moves them.
    const stethPrice = add(full || this.pricesMoved, c.stETH, "getPooledEthByShares", [WAD]);
    const rethRate = add(full || this.pricesMoved, c.rETH, "getExchangeRate");
    const cbethRate = add(full || this.pricesMoved, c.cbETH, "exchangeRate");
    // One wstETH is one Lido share: its stETH is stETH's price per share (cross-checked with wstETH's own view).
    const wstethPrice = add(full, c.wstETH, "stEthPerToken");
    // A feed that is down reverts on read (and would fail the batch): not read then.
    const feeds = this.feedReads.map((fd, k) =>
      add((full || this.pricesMoved) && !this.feedDown[k], fd, "latestRoundData"),
    );
    // Cross-checks of the adapters: with the lens.
    const quotes = this.adapterReads.map((ad) => add(full, ad, "quote"));
    // Native restaking (every step: a checkpoint moves the queued shares' value too).
    const nativeDelegator = this.delegators[NATIVE_D];
    const nWithdrawable = q.add(c.dm, "getWithdrawableShares", [nativeDelegator, [BEACON_CHAIN_ETH_STRATEGY]]);
    const nQueued = q.add(c.dm, "getQueuedWithdrawals", [nativeDelegator]);
    const nPending = q.add(c.manager, "pendingStake");
    const nPod = q.add(c.reader, "ethBalance", [this.podAddress]);
    const nManager = q.add(c.reader, "ethBalance", [c.manager.address]);
    const nDelegators = this.delegators.map((d) => q.add(c.reader, "ethBalance", [d]));

    const res = await q.run(this.f.reader);
    const one = (i: number) => res[i][0] as bigint;
    const b = res[books][0] as Result;
    const infoView = (info: Result): InfoView => ({
      buffer: info.bufferUnits as bigint,
      price: info.price as bigint,
      outside: info.outsideUnits as bigint,
      sharesPerUnit: info.sharesPerUnit as bigint,
      expiry: info.expiry as bigint,
      tripped: info.tripped as boolean,
      headroom: info.headroom as bigint,
      cap: info.cap as bigint,
    });
    const assetView = (info: Result, restaked: bigint, queued: bigint): AssetView => ({
      ...infoView(info),
      restaked,
      queued,
    });
    const positionList = (res[positions][0] as Result[]).map((p) => ({
      asset: p.asset as string,
      withdrawable: p.withdrawableUnits as bigint,
      queued: p.queuedUnits as bigint,
    }));
    const assetViews = this.assets.map((x, i) => {
      const p = positionList.filter((y) => y.asset === x);
      if (infos[i] < 0) return prev!.assets[i];
      return assetView(
        res[infos[i]][0] as Result,
        p.reduce((sum, y) => sum + y.withdrawable, 0n),
        p.reduce((sum, y) => sum + y.queued, 0n),
      );
    });
    let lensView: LensView | undefined;
    if (full) {
      const summary = res[lens][0] as Result;
      lensView = {
        rate: summary.rate,
        totalAssets: summary.totalAssets,
        totalSupply: summary.totalSupply,
        pendingGains: summary.pendingGains,
        liveAssets: summary.liveAssets,
        unrecognised: summary.unrecognised,
        lastSync: summary.lastSync,
        assets: this.order
          .map((k) => (summary.assets as Result[])[k])
          .map((x) => {
            const live = x.live as Result;
            return {
              info: infoView(x.info as Result),
              live: {
                buffer: live.buffer as bigint,
                outside: live.outside as bigint,
                price: live.price as bigint,
                outcome: live.outcome as bigint,
                value: live.value as bigint,
              },
            };
          }),
      };
    }
    const requestViews = new Map<bigint, RequestView>();
    ids.forEach((id, k) => {
      const v = res[requests[k]][0] as Result;
      requestViews.set(id, {
        shares: v.shares,
        valueAtRequest: v.valueAtRequest,
        rateAtRequest: v.rateAtRequest,
        requestedAt: v.requestedAt,
        asset: v.asset,
        status: Number(v.status),
        payoutUnits: v.payoutUnits,
        payoutValue: v.payoutValue,
      });
    });
    const ownerViews = new Map<bigint, string>();
    live.forEach((id, k) => ownerViews.set(id, res[owners[k]][0] as string));
    const holderBalances = balances.map((k, h) => (k < 0 ? prev!.holderBalances[h] : one(k)));
    const timestamp = one(ts);

    // Protocol and market prices per accounting unit, from the tokens and feeds (the adapters' rules, docs §2).
    const readPrices = stethPrice >= 0;
    const stPrice = readPrices ? one(stethPrice) : prev!.protocol[STETH_I];
    if (wstethPrice >= 0) eq(one(wstethPrice), stPrice, "wstETH.stEthPerToken == stETH per Lido share");
    const protocol = readPrices ? [WAD, stPrice, one(rethRate), one(cbethRate), stPrice, WAD] : prev!.protocol;
    // A feed's last answer counts when positive, at most 2^128 - 1 and dated (stale or not: payouts use it); it is
    // usable (deposits) only when also at most maxFeedAge old. A feed that is down gives none.
    const answers = feeds.map((k, f) => {
      if (k < 0) return readPrices ? { answer: 0n, ok: false } : { answer: prev!.feedAnswers[f], ok: prev!.feedOk[f] };
      const raw = res[k][1] as bigint;
      const updatedAt = res[k][3] as bigint;
      if (raw <= 0n || raw >= 1n << 128n || updatedAt === 0n) return { answer: 0n, ok: false };
      const fresh = updatedAt >= timestamp || timestamp - updatedAt <= BigInt(PARAMS.maxFeedAge);
      return { answer: raw, ok: fresh };
    });
    const [stFeed, rFeed, cbFeed] = answers;
    const market = [
      WAD,
      mulDiv(stFeed.answer, protocol[STETH_I], WAD),
      rFeed.answer,
      cbFeed.answer,
      mulDiv(stFeed.answer, protocol[WSTETH_I], WAD),
      WAD,
    ];
    const marketOk = [true, stFeed.ok, rFeed.ok, cbFeed.ok, stFeed.ok, true];
    let beaconQueued = 0n;
    (res[nQueued][0] as Result[]).forEach((wd, k) =>
      (wd.strategies as string[]).forEach((st, j) => {
        if (st === BEACON_CHAIN_ETH_STRATEGY) beaconQueued += (res[nQueued][1] as bigint[][])[k][j];
      }),
    );
    const storedPrices = assetViews.map((x) => x.price);
    const units = assetViews.map((x) => x.buffer + x.restaked + x.queued);
    const S = one(supply);
    const liveAssets = units.reduce((sum, u, i) => sum + u * storedPrices[i], 0n) / WAD;
    const tvlAssets = mulDiv(S, one(accRate), WAD);
    const pendingGains = mulDiv(one(pending), S, WAD);
    return {
      timestamp,
      supply: S,
      holderBalances,
      vaultRate: vaultRate < 0 ? undefined : one(vaultRate),
      accountantRate: one(accRate),
      pendingPerShare: one(pending),
      books: { ...booksOf(b as unknown as ModelBooks), lastSyncBlock: b.lastSyncBlock as bigint },
      buffers: assetViews.map((x) => x.buffer),
      prices: storedPrices,
      assets: assetViews,
      tvl: {
        totalAssets: tvlAssets,
        pendingGains,
        liveAssets,
        unrecognised: liveAssets - tvlAssets - pendingGains,
      },
      lens: lensView,
      vaultHoldings: [...vaultHoldings.map(one), 0n, 0n],
      queueHoldings: [...queueHoldings.map(one), 0n, 0n],
      reserved: reserved.map((k, i) => (k < 0 ? prev!.reserved[i] : one(k))),
      lanes: lanes.map((k, i) => {
        if (k < 0) return prev!.lanes[i];
        const l = res[k][0] as Result;
        return { requested: l.requested as bigint, processed: l.processed as bigint, liability: l.liability as bigint };
      }),
      requests: requestViews,
      owners: full ? ownerViews : undefined,
      vaultViews: full
        ? {
            totalAssets: one(totalAssets),
            prices: prices.map((k) => res[k][1] as bigint),
            inputs: this.order
              .map((k) => (res[inputs][0] as Result[])[k])
              .map((x) => ({
                adapter: x.adapter as string,
                price: x.price as bigint,
                buffer: x.buffer as bigint,
                maxRiseBpsPerDay: x.maxRiseBpsPerDay as bigint,
                maxFallBps: x.maxFallBps as bigint,
              })),
          }
        : undefined,
      queued: queued.map((k, d) =>
        k < 0 ? prev!.queued[d] : (res[k][0] as IDelegationManagerTypes.WithdrawalStructOutput[]).map(asWithdrawal),
      ),
      depositAssets: depositAssets.map((k) => (k < 0 ? -1n : one(k))),
      units,
      strategyPrices: full ? strategyPrices.map(one) : undefined,
      stethUnitsPerToken: full ? one(stethUnits) : undefined,
      protocol,
      market,
      marketOk,
      feedAnswers: answers.map((x) => x.answer),
      feedOk: answers.map((x) => x.ok),
      quotes: full
        ? [
            { protocol: WAD, market: WAD, ok: true },
            ...quotes.map((k) => ({
              protocol: res[k][0] as bigint,
              market: res[k][1] as bigint,
              ok: res[k][2] as boolean,
            })),
          ]
        : undefined,
      actorHoldings: actorHoldings.map((row, k) => (row[0] < 0 ? prev!.actorHoldings[k] : [...row.map(one), 0n, 0n])),
      native: {
        withdrawable: (res[nWithdrawable][0] as bigint[])[0],
        queued: beaconQueued,
        pendingStake: one(nPending),
        pod: one(nPod),
        manager: one(nManager),
        delegators: nDelegators.map(one),
      },
    };
  }

  /* ----------------------------------------------------------------------------------------------------------- */
  /*                                              prices and value                                                */
  /* ----------------------------------------------------------------------------------------------------------- */

  /** What a payout in asset i is priced at now: 1e18 for ETH, else the highest of the stored, live protocol and
   * market prices, the market being the feed's last answer even when stale, ignored only when the feed gives none
   * (down or not positive: market 0) (docs §4). */
  private payoutPriceOf(i: number, o: Obs, stored: bigint): bigint {
    if (i === ETH_I) return WAD;
    return payoutPrice(stored, o.protocol[i], o.market[i]);
  }

  /** The price per unit an actor's holdings are marked at: the feed's last market price (stale or not), the
   * protocol's when the feed gives none; at most what a payout is priced at. */
  private marks(o: Obs): bigint[] {
    return o.market.map((m, i) => (m !== 0n ? m : o.protocol[i]));
  }

  /** Units of each asset an actor holds or is owed by finalized requests. */
  private inventory(o: Obs, k: number): bigint[] {
    const inv = [...o.actorHoldings[k]];
    for (const q of this.requests.values()) if (q.owner === k && q.status === 2) inv[q.asset] += q.units;
    return inv;
  }

  /** An actor's ETH value (x 1e18): holdings at their marks, lrETH at the rate, pending requests at what they can
   * still be paid (the lower of their value at request and their shares at the rate now). */
  private actorValue(o: Obs, k: number): bigint {
    const marks = this.marks(o);
    let v = this.inventory(o, k).reduce((sum, u, i) => sum + u * marks[i], 0n);
    v += o.holderBalances[k] * o.accountantRate;
    for (const q of this.requests.values()) {
      if (q.owner === k && q.status === 1) v += minOf(q.valueAtRequest, mulDiv(q.shares, o.accountantRate, WAD)) * WAD;
    }
    return v;
  }

  /** The value of request q now (x 1e18), as `actorValue` counts it. */
  private requestValue(o: Obs, q: TrackedRequest): bigint {
    if (q.status === 1) return minOf(q.valueAtRequest, mulDiv(q.shares, o.accountantRate, WAD)) * WAD;
    if (q.status === 2) return q.units * this.marks(o)[q.asset];
    return 0n;
  }

  /** Value (x 1e18) moved from actor `from` to actor `to` by a gift (a request for someone else, a claim to someone
   * else, a request transfer): it leaves the giver's basis and enters the receiver's. */
  private gift(from: number, to: number, value: bigint): void {
    if (from === to) return;
    this.basis[from] -= value;
    this.basis[to] += value;
  }

  /* ----------------------------------------------------------------------------------------------------------- */
  /*                                                   checks                                                     */
  /* ----------------------------------------------------------------------------------------------------------- */

  /** The properties that hold after every step, whatever it was. */
  private checkStatic(now: Obs): void {
    const S = now.supply;

    // P5 (conservation): the lrETH balances of every holder we know add up to the supply.
    eq(
      now.holderBalances.reduce((x, y) => x + y, 0n),
      S,
      "P5: sum of lrETH balances == totalSupply",
    );

    // The rate the vault publishes is the accountant's.
    if (now.vaultRate !== undefined) eq(now.vaultRate, now.accountantRate, "vault.getRate() == accountant.rate()");
    eq(now.accountantRate, rateAt(now.books, now.timestamp), "rate() == the books' rate now");

    // P4 (TVL decomposition), from the vault's buffers, the manager's positions and the stored prices. The vault's
    // own views (when read) show the same buffers and prices, and the bounds and adapters it was configured with.
    const V = now.vaultViews;
    if (V) {
      eq(V.totalAssets, now.tvl.totalAssets, "vault.totalAssets() == supply x rate");
      for (let i = 0; i < ALL_ASSETS; ++i) {
        const name = ASSET_NAMES[i];
        const input = V.inputs[i];
        eq(input.buffer, now.buffers[i], `${name} syncInputs() buffer == assetInfo's`);
        eq(input.price, now.prices[i], `${name} syncInputs() price == assetInfo's`);
        eq(V.prices[i], now.prices[i], `${name} priceOf == assetInfo's`);
        const adapter = i === ETH_I ? ZeroAddress : this.adapterReads[i - 1].address;
        eq(input.adapter, adapter, `${name} syncInputs() adapter`);
        // ETH has no bounds (always priced at 1); every LST has the suite's.
        eq(input.maxRiseBpsPerDay, i === ETH_I ? 0n : BigInt(PARAMS.maxRiseBpsPerDay), `${name} daily rise bound`);
        eq(input.maxFallBps, i === ETH_I ? 0n : BigInt(PARAMS.maxFallBps), `${name} fall trip`);
      }
    }
    // The lens shows the valuation a sync would make now: the same units, each LST's protocol price bounded against
    // the stored one over the time since the last sync (the price-bounds model, computed here), every asset's value
    // rounded down, the total rounded down once.
    const L = now.lens;
    if (L) {
      eq(L.totalSupply, S, "lens supply");
      eq(L.rate, now.accountantRate, "lens rate");
      eq(L.totalAssets, now.tvl.totalAssets, "lens totalAssets");
      eq(L.pendingGains, now.tvl.pendingGains, "lens pendingGains == pending x supply");
      eq(L.lastSync, now.books.lastSync, "lens lastSync");
      const elapsed = now.timestamp - this.rates.lastSync;
      let exact = 0n;
      for (let i = 0; i < ALL_ASSETS; ++i) {
        const name = ASSET_NAMES[i];
        const a = L.assets[i];
        const v = now.assets[i];
        const info: InfoView = {
          buffer: v.buffer,
          price: v.price,
          outside: v.outside,
          sharesPerUnit: v.sharesPerUnit,
          expiry: v.expiry,
          tripped: v.tripped,
          headroom: v.headroom,
          cap: v.cap,
        };
        eqFields(a.info, info, `${name} lens asset info`);
        const model = this.bounded[i];
        const preview = model
          ? bound(model.price, now.protocol[i], model.maxRiseBpsPerDay, model.maxFallBps, elapsed)
          : { used: WAD, outcome: 0n };
        eq(a.live.buffer, now.buffers[i], `${name} lens live buffer`);
        eq(a.live.outside, now.assets[i].restaked + now.assets[i].queued, `${name} lens live outside (positions)`);
        eq(a.live.price, preview.used, `${name} lens live price == the bounded price a sync would store now`);
        eq(a.live.outcome, preview.outcome, `${name} lens live outcome`);
        if (preview.outcome !== 0n)
          note(`lens: ${name} price ${OUTCOMES[Number(preview.outcome)]} since the last sync`);
        eq(a.live.value, mulDiv(now.units[i], preview.used, WAD), `${name} lens live value`);
        exact += now.units[i] * preview.used;
      }
      const liveAssets = exact / WAD;
      eq(L.liveAssets, liveAssets, "lens liveAssets == all units at the bounded prices, rounded down once");
      eq(
        L.unrecognised,
        liveAssets - now.tvl.totalAssets - now.tvl.pendingGains,
        "P4: lens unrecognised == liveAssets - totalAssets - pendingGains",
      );
      // Right after a sync (its own block: no time elapsed, the protocol prices it saw) the lens values at the stored
      // prices, as this file's decomposition does.
      if (now.timestamp === this.rates.lastSync) {
        eq(L.unrecognised, now.tvl.unrecognised, "P4: right after a sync the lens's unrecognised == the stored one");
      }
    }

    // The rounding bounds of this file hold for strategy prices and stETH unit rates up to MAX_RATE.
    for (const p of now.strategyPrices ?? []) atMost(p, MAX_RATE, "strategy price within the rounding bounds' range");
    if (now.stethUnitsPerToken !== undefined) {
      atMost(now.stethUnitsPerToken, MAX_RATE, "stETH units per token within the rounding bounds' range");
    }

    // Solvency of the vault: every buffer is backed by tokens it really holds (stETH: Lido shares).
    for (let i = 0; i < ALL_ASSETS; ++i) {
      atMost(now.buffers[i], now.vaultHoldings[i], `P4: ${ASSET_NAMES[i]} buffer <= vault holding`);
    }

    // The adapters quote what the tokens and feeds say (the rules of docs §2, computed here).
    for (let i = 1; i < ALL_ASSETS && now.quotes; ++i) {
      const qt = now.quotes[i];
      eq(qt.protocol, now.protocol[i], `${ASSET_NAMES[i]} adapter protocol price`);
      eq(qt.ok, now.marketOk[i], `${ASSET_NAMES[i]} adapter market usable`);
      eq(qt.market, now.market[i], `${ASSET_NAMES[i]} adapter market price (the last answer, stale or not)`);
    }

    // The manager's cap on pending EigenLayer withdrawals holds whatever EigenLayer or the operators did.
    for (let d = 0; d < this.delegators.length; ++d) {
      atMost(
        BigInt(now.queued[d].length),
        BigInt(MAX_PENDING_WITHDRAWALS),
        `delegator ${d} pending withdrawals <= cap`,
      );
    }

    // Withdrawal queue (P1, P5, P6, P13) and its lanes.
    const reservedModel = zeros();
    let pendingShares = 0n;
    for (const r of this.requests.values()) {
      if (r.status === 1) pendingShares += r.shares;
      if (r.status === 2) reservedModel[r.asset] += r.units;
      // Claimed and moved requests are read with the lens only (they never change again).
      const view = now.requests.get(r.id);
      if (!view) continue;
      const what = `request ${ASSET_NAMES[r.asset]}#${r.seq}`;
      eq(view.status, r.status, `${what} status`);
      eq(view.asset, this.assets[r.asset], `${what} asset`);
      if (r.status === 4) {
        eq(view.payoutUnits, 0n, `${what}: a moved request keeps no units`);
        continue;
      }
      eq(view.shares, r.shares, `${what} shares`);
      eq(view.rateAtRequest, r.rateAtRequest, `${what} rate at request`);
      eq(view.valueAtRequest, r.valueAtRequest, `${what} value at request`);
      eq(view.requestedAt, r.requestedAt, `${what} requested at`);
      // Pending: the most it can be paid; finalized: frozen (P6).
      eq(view.payoutUnits, r.units, `P6: ${what} units`);
      if (r.status >= 2) eq(view.payoutValue, r.payoutValue, `P6: ${what} payout value`);
      if (r.status <= 2 && now.owners) eq(now.owners.get(r.id), this.actors[r.owner].address, `${what} owner`);
    }
    eq(now.holderBalances[HOLDER_QUEUE], pendingShares, "P5: queue lrETH == pending request shares");
    for (let i = 0; i < ALL_ASSETS; ++i) {
      const name = ASSET_NAMES[i];
      eq(now.reserved[i], reservedModel[i], `P1: ${name} reserved == finalized unclaimed payouts`);
      atLeast(now.queueHoldings[i], now.reserved[i], `P1: ${name} queue holding >= reserved`);
      eq(
        this.claimedUnits[i] + now.reserved[i],
        this.finalizedUnits[i],
        `P13: ${name} claimed + reserved == finalized`,
      );
      // The lane: its requests in order, finalized (or claimed, or moved) below `processed`, pending or moved above.
      const lane = this.lane(i);
      const l = now.lanes[i];
      eq(l.requested, BigInt(lane.length), `${name} lane requested`);
      eq(l.processed, this.processed[i], `${name} lane processed`);
      eq(l.liability, this.liability(i), `${name} lane liability == pending requests' units`);
      for (const r of lane) {
        const below = r.seq <= l.processed;
        eq(below ? r.status >= 2 : r.status === 1 || r.status === 4, true, `${name}#${r.seq} in lane order`);
      }
      // Docs §1: a lane's liability is covered by units the vault holds, in the buffer or restaked (until a slash
      // takes some of them): the route leaves ROUTE_MARGIN of the outside units for EigenLayer's rounding (see the
      // scenario "a request that takes a lane's whole room after a restake").
      if (!this.slashed[i]) atMost(l.liability, now.units[i], `${name} lane liability <= the vault's units`);
      // The route's own bound: the liability fits the buffer plus the outside units less ROUTE_MARGIN, as long as no
      // slash took units and the vault's outside units of the asset never fell (a completion or a position re-based
      // at a sync may shed a few wei of EigenLayer rounding into the margin).
      if (!this.slashed[i] && !this.outsideFell[i]) {
        const outside = now.assets[i].outside;
        const counted = outside > ROUTE_MARGIN ? outside - ROUTE_MARGIN : 0n;
        atMost(l.liability, now.buffers[i] + counted, `${name} lane liability <= buffer + outside - ROUTE_MARGIN`);
      }
      // Buffer-only assets (no strategy: their outside units stay zero) hold their whole liability in the buffer;
      // so does ETH until the vault stakes a validator.
      if (i >= WSTETH_I || (i === ETH_I && this.nat.validators.length === 0)) {
        eq(now.assets[i].outside, 0n, `${name} has no outside units`);
        atMost(l.liability, now.buffers[i], `${name} lane liability <= buffer (buffer-only asset)`);
      }
    }
  }

  /**
   * Native restaking against the validator model (N1-N4), from EigenLayer's views and ETH balances:
   * - N1 (counted once): the manager's ETH position (withdrawable + queued) is 32 ETH per validator the model has not
   *   seen verified plus the delegator's beacon chain ETH shares as EigenLayer values them (withdrawable and queued);
   * - N3 (nothing stuck): `pendingStake` is 32 ETH per unverified validator; the manager and the delegators hold no
   *   ETH but what was donated to them; the pod holds exactly the ETH the beacon chain paid it less what completed
   *   withdrawals took out;
   * - N4 (rewards exact): until a validator is slashed, the beacon chain shares are the validators' balances at
   *   their last proof (effective balance at verification, balance at each checkpoint) plus the pod's credited ETH.
   * N2 (moves are neutral) is each native step's unit rule: staking, proving credentials and queuing leave the ETH
   * units exactly unchanged (within EigenLayer's slashing-factor rounding once a validator was slashed), a
   * completion changes them by less than a gwei.
   */
  private checkNative(now: Obs): void {
    const n = now.native;
    const m = this.nat;
    const pending = BigInt(m.validators.filter((v) => !v.verified).length) * VALIDATOR;
    const eth = now.assets[ETH_I];
    eq(
      eth.restaked + eth.queued,
      pending + n.withdrawable + n.queued,
      "N1: ETH position == pending stake + beacon shares",
    );
    eq(n.pendingStake, pending, "N3: pendingStake == 32 ETH per unverified validator");
    const donated = (a: string) => m.donated.get(a.toLowerCase()) ?? 0n;
    eq(n.manager, donated(this.c.manager.address), "N3: the manager holds no ETH (but donations)");
    this.delegators.forEach((d, k) =>
      eq(n.delegators[k], donated(d), `N3: delegator ${k} holds no ETH (but donations)`),
    );
    eq(n.pod, m.podCredited + m.podUncredited, "N3: the pod holds the ETH paid to it, less what withdrawals took");
    if (!m.disturbed) {
      const proven = [...m.proven.values()].reduce((sum, b) => sum + b, 0n);
      eq(n.withdrawable + n.queued, proven + m.podCredited, "N4: beacon shares == balances at their last proof");
    }
  }

  /** The models against the observation: books, rate, prices, deposit prices, expiry, trips, outside units. */
  private checkModels(now: Obs): void {
    const m = this.rates;
    const b = now.books;
    eqFields(b, modelBooks(m), "the books == the rate model's");
    eq(now.accountantRate, m.rateAt(now.timestamp), "rate == the rate model's");
    eq(now.pendingPerShare, m.pending(now.timestamp), "pendingPerShare == the rate model's");
    for (let i = 0; i < ALL_ASSETS; ++i) {
      const name = ASSET_NAMES[i];
      const model = this.bounded[i];
      const price = model ? model.price : WAD;
      eq(now.prices[i], price, `${name} stored price == the price-bounds model's`);
      // The bounds' clock is the accountant's last sync, for every asset.
      if (model) eq(model.updatedAt, m.lastSync, `${name} bounded at every sync`);
      const a = now.assets[i];
      eq(a.sharesPerUnit, m.sharesPerUnit(price), `${name} lrETH per unit == price / deposit rate`);
      eq(a.expiry, m.lastSync + BigInt(PARAMS.maxRateAge), `${name} deposit prices expire maxRateAge after the sync`);
      eq(a.tripped, this.tripped[i], `${name} tripped`);
      eq(a.outside, this.outside[i], `${name} outside units`);
      eq(a.cap, PARAMS.cap, `${name} cap`);
      eq(a.headroom, this.headroom[i], `${name} headroom == cap - deposits + payouts (at most the cap)`);
    }
  }

  /** The properties that compare the step's before and after. */
  private checkStep(prev: Obs, now: Obs, eff: Effect, kind: string): void {
    const S = now.supply;
    const synced = this.stepSyncs.length > 0;
    expect(now.books.lastSync !== prev.books.lastSync || now.books.lastSyncBlock !== prev.books.lastSyncBlock).to.equal(
      synced,
      `${eff.label}: syncs seen == books re-synced`,
    );

    // The syncs of the step, modelled in order: the bounded prices (the observed protocol prices did not
    // move within the step), the value at those prices of the units held before the step, the books and the fee.
    let supply = prev.supply + (eff.beforeSync?.supply ?? 0n);
    let fees = 0n;
    const unitsAtSync = prev.units.map((u, i) => u + (eff.beforeSync?.units[i] ?? 0n));
    for (const sy of this.stepSyncs) {
      for (let i = 1; i < ALL_ASSETS; ++i) {
        const out = this.bounded[i]!.refresh(now.protocol[i], sy.time);
        if (out.tripped) this.tripped[i] = true;
      }
      const prices = this.bounded.map((m) => m?.price ?? WAD);
      const value = unitsAtSync.reduce((sum, u, i) => sum + mulDiv(u, prices[i], WAD), 0n);
      const exactValue = unitsAtSync.reduce((sum, u, i) => sum + u * prices[i], 0n);
      expect(sy.totalValue, `${eff.label}: sync value == the units at the bounded prices`).to.equal(value);
      const out = this.rates.sync(value, supply, sy.time, exactValue);
      expect(sy.totalSupply, `${eff.label}: sync supply (fee included)`).to.equal(out.supply);
      expect([sy.previousRate, sy.rate], `${eff.label}: sync rates (before, after)`).to.deep.equal([
        out.previousRate,
        out.rate,
      ]);
      fees += out.feeShares;
      supply = out.supply;
    }
    if (synced) {
      const times = new Set(this.stepSyncs.map((x) => x.time));
      expect(times.size, `${eff.label}: one sync time per step`).to.equal(1);
    }
    eff.update?.(now);
    if (eff.settlement) {
      const { burned, valuePaid } = eff.settlement();
      if (burned > 0n) this.rates.settle(burned, valuePaid, supply - burned);
    }
    expect(
      now.holderBalances[HOLDER_TREASURY] - prev.holderBalances[HOLDER_TREASURY],
      `${eff.label}: fee shares`,
    ).to.equal(fees);

    // Outside units: re-based at a sync (the restaked and queued units it found), moved by restakes and completions.
    if (synced) this.outside = now.assets.map((a) => a.restaked + a.queued);
    else if (eff.outside) {
      const delta = eff.outside(now);
      this.outside = this.outside.map((x, i) => maxOf(0n, x + delta[i]));
    }

    // Live units per asset (first, so the rounding shed in this step counts for its own sync below).
    const rule = typeof eff.units === "function" ? eff.units(now) : eff.units;
    for (let i = 0; i < ALL_ASSETS; ++i) {
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

    for (let i = 0; i < ALL_ASSETS; ++i) if (now.assets[i].outside < prev.assets[i].outside) this.outsideFell[i] = true;
    this.checkStatic(now);
    this.checkModels(now);
    this.checkNative(now);

    // The rate: between syncs the books do not move and the rate only vests; a sync never raises it at once, and
    // lowers it only if a loss (slash, LST loss) happened since the last sync, beyond rounding.
    if (!synced) {
      eqFields(now.books, prev.books, `P2: ${eff.label}: books unchanged without a sync`);
      expect(now.accountantRate, `P2: ${eff.label}: rate only vests between syncs`).to.equal(
        rateAt(prev.books, now.timestamp),
      );
      expect(now.accountantRate, `P2: ${eff.label}: rate never decreases without a sync`).to.be.at.least(
        prev.accountantRate,
      );
    } else {
      const t = now.books.lastSync;
      expect(t, "sync in this block").to.equal(now.timestamp);
      const before = rateAt(prev.books, t);
      const after = rateAt(now.books, t); // a tranche started at the sync has vested nothing yet
      expect(after, `P2: ${eff.label}: a sync never raises the rate at once`).to.be.at.most(before);
      // Several syncs in one block start at most one tranche (the second finds no time for the APR bound and no
      // half window since the first).
      const started = [now.books.start1, now.books.start2].filter(
        (x, k) => x === t && [now.books.amount1, now.books.amount2][k] > 0n,
      );
      expect(started.length, `${eff.label}: at most one tranche starts in a block`).to.be.at.most(1);
      if (!this.lossSinceSync) {
        // Rounding that EigenLayer and Lido shed since the last sync (each bounded where it happened, valued at the
        // stored prices) may lower the value per lrETH by ceil(shed x 1e18 / supply); twice that covers the prices
        // this sync stores (a rise is clamped; a fall only comes with an LST loss, which is a loss).
        const allowance = this.roundingSinceSync === 0n ? 0n : ceilDiv(2n * this.roundingSinceSync * WAD, S);
        expect(before - after, `P2: ${eff.label}: no loss since the last sync, the rate must not fall`).to.be.at.most(
          allowance,
        );
      }
      // Right after a sync every unit is recognised, up to the sync's rounding: the value per lrETH is floored
      // (< supply / 1e18 wei), so are totalAssets and pendingGains (1 wei each), and the live value, rounded once,
      // exceeds the sync's per-asset floors by at most 2 wei (three LSTs with fractional values; ETH's is exact):
      // at most supply / 1e18 + 4 wei, never negative.
      if (eff.pureSync) {
        expect(now.tvl.unrecognised, "P4: unrecognised >= 0 right after a sync").to.be.at.least(0n);
        expect(now.tvl.unrecognised, "P4: unrecognised <= supply/1e18 + 4 right after a sync").to.be.at.most(
          S / WAD + 4n,
        );
      }
      // P3: a deposit placed before the sync is worth, right after it, no more than its units at the price it was
      // taken at.
      this.depositsSinceSync.forEach((d, k) => {
        expect(now.depositAssets[k], `${d.label}: convertToAssets == shares x rate`).to.equal(
          mulDiv(d.shares, now.accountantRate, WAD),
        );
        expect(now.depositAssets[k], `P3: ${d.label} worth <= value deposited`).to.be.at.most(d.value);
      });
    }

    // A donation appears nowhere: live value, buffers, prices and the books are untouched (checked above: the rate
    // moved only by vesting, with the books unchanged).
    if (eff.donation) {
      expect(synced, "a donation never syncs").to.equal(false);
      expect(now.tvl.liveAssets, "donation: live assets unchanged").to.equal(prev.tvl.liveAssets);
      expect(now.buffers, "donation: buffers unchanged").to.deep.equal(prev.buffers);
      expect(now.prices, "donation: prices unchanged").to.deep.equal(prev.prices);
    }
    eff.verify?.(now);

    // No gain without a cause, for every actor. Market moves of what it holds are its own (re-marked into its
    // basis); gains the accountant booked count per lrETH it held (its pro-rata share).
    const marksPrev = this.marks(prev);
    const marksNow = this.marks(now);
    const booked = booksTotal(now.books) - booksTotal(prev.books);
    for (let k = 0; k < ACTORS; ++k) {
      this.basis[k] += this.inventoryPrev[k].reduce((sum, u, i) => sum + u * (marksNow[i] - marksPrev[i]), 0n);
      if (synced && booked > 0n) this.allowance[k] += now.holderBalances[k] * booked;
      const value = this.actorValue(now, k);
      const bound = this.basis[k] + this.allowance[k] + VALUE_TOLERANCE;
      expect(
        value <= bound,
        `${eff.label}: ${ACTOR_NAMES[k]}'s value ${value / WAD} exceeds what it put in plus its booked gains ` +
          `${bound / WAD} by ${(value - bound) / WAD} wei (x1e18: ${value - bound})`,
      ).to.equal(true);
      this.inventoryPrev[k] = this.inventory(now, k);
    }

    // The exit bound, in runs where the keeper follows the runbook: a pending request of a lane that is not short
    // waits at most EigenLayer's delay plus two keeper windows.
    if (this.diligent) {
      for (const r of this.requests.values()) {
        if (r.status !== 1 || r.short) continue;
        expect(
          now.timestamp - r.requestedAt,
          `${eff.label}: request ${ASSET_NAMES[r.asset]}#${r.seq} waits within the bound`,
        ).to.be.at.most(EXIT_BOUND);
      }
    }

    if (synced) {
      this.lossSinceSync = false;
      this.roundingSinceSync = 0n;
      this.depositsSinceSync = [];
    }
  }

  /* ----------------------------------------------------------------------------------------------------------- */
  /*                                                   steps                                                      */
  /* ----------------------------------------------------------------------------------------------------------- */

  /** Runs `actions` in order; a failure's message gets the keeper's mode and every step taken. */
  async play(actions: Action[]): Promise<void> {
    try {
      for (const a of actions) await this.step(a);
    } catch (e) {
      (e as Error).message += `\n  ${this.diligent ? "diligent keeper; " : ""}steps: ${this.log.join(" | ")}`;
      throw e;
    }
  }

  async step(a: Action): Promise<void> {
    if (this.diligent) {
      if (a.kind === "warp") {
        // The keeper acts once per window, also while time passes: the wait is cut at its next run.
        let left = a.seconds;
        while (left > 0) {
          await this.keeperIfDue();
          const due = Number(this.lastKeeperAt + BigInt(KEEPER_WINDOW) - this.prev.timestamp);
          const chunk = Math.min(left, Math.max(due, 1));
          left -= chunk;
          await this.apply("warp", async () => {
            await time.increase(chunk);
            return { label: `warp ${chunk}s`, units: SAME };
          });
        }
        return;
      }
      await this.keeperIfDue();
    }
    // The keeper's runbook is a few steps (each of one or more transactions), each checked on its own.
    if (a.kind === "keeper") await this.keeper("");
    else if (a.kind === "exitValidator") {
      // Two steps, each checked: the exit (EIP-7002 request, the beacon chain pays the pod, a checkpoint credits
      // it), then the keeper queues the credited ETH's EigenLayer withdrawal.
      const eff = await this.apply(a.kind, () => this.exitValidator(a.pick));
      if (!eff.label.startsWith("skip")) await this.apply(a.kind, () => this.queueBeacon());
    } else if (a.kind === "redenominateAt") await this.redenominateAt(a.actor, a.pick, a.asset, a.early);
    else await this.apply(a.kind, () => this.run(a));
  }

  private async keeperIfDue(): Promise<void> {
    if (this.prev.timestamp - this.lastKeeperAt >= BigInt(KEEPER_WINDOW)) await this.keeper("scheduled ");
  }

  /** Runs one action, then observes the system and checks every property against the step. */
  private async apply(kind: string, run: () => Promise<Effect>): Promise<Effect> {
    this.stepSyncs = [];
    this.touched.clear();
    this.requestsMoved = false;
    this.queuedMoved = false;
    this.pricesMoved = false;
    const eff = await run();
    this.log.push(eff.label);
    const tally = STATS.get(kind) ?? { done: 0, reverted: 0, skipped: 0 };
    STATS.set(kind, tally);
    if (eff.label.startsWith("skip")) {
      tally.skipped += 1;
      return eff;
    }
    if (eff.reverted) tally.reverted += 1;
    else tally.done += 1;
    ++this.steps;
    const now = await this.observe();
    await eff.after?.();
    this.checkStep(this.prev, now, eff, kind);
    this.prev = now;
    return eff;
  }

  /** The operator a delegator is delegated to (zero: none), read when an action needs it. */
  private async delegatedTo(d: number): Promise<string> {
    return this.s.el.delegationManager.delegatedTo(this.delegators[d]);
  }
  private touch(...actors: number[]): void {
    for (const k of actors) this.touched.add(k);
  }

  private skip(why: string): Effect {
    return { label: `skip ${why}`, units: SAME };
  }

  private reverted(label: string, error: string): Effect {
    return { label: `${label} (reverted: ${error})`, units: SAME, reverted: true };
  }

  private async run(a: Action): Promise<Effect> {
    switch (a.kind) {
      case "deposit":
        return this.deposit(a.user, a.asset, a.amount);
      case "lstYield":
        return this.lstYield(a.token, a.bps);
      case "lstLoss":
        return this.moveRate(STETH_I, -a.bps, "stETH loss");
      case "warp":
        await time.increase(a.seconds);
        return { label: `warp ${a.seconds}s`, units: SAME };
      case "sync":
        return this.sync("sync");
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
        return this.request(a.user, a.receiver, a.asset, a.bps, false);
      case "finalize":
        return this.finalize(a.max, "");
      case "redenominate":
        return this.redenominate(a.actor, a.pick, a.asset);
      case "claim":
        return this.claim(a.user, a.recipient, a.pick, a.replay);
      case "transferRequest":
        return this.transferRequest(a.from, a.to, a.pick);
      case "refused":
        return this.refused(a.user, a.pick, a.what);
      case "stake":
        return this.stake(a.n);
      case "verifyCredentials":
        return this.verifyCredentials();
      case "beaconRewards":
        return this.checkpointAfter("rewards", a.epochs);
      case "beaconSlash":
        return this.checkpointAfter("slash", a.pick);
      case "keeper":
      case "exitValidator":
      case "redenominateAt":
        throw new Error(`${a.kind} runs from step()`);
      case "atkSyncs":
        return this.atkSyncs(a.syncs, a.deposit);
      case "atkRate":
        return this.moveRate(a.token + 1, a.bps, "attacker moves the rate:");
      case "atkMarket":
        return this.atkMarket(a.feed, a.bps, a.toggleDown, a.stale);
      case "atkBuy":
        return this.atkBuy(a.asset, a.amount, a.deposit);
      case "atkDepositETH":
        return this.deposit(ATTACKER, ETH_I, a.amount);
      case "atkRequest":
        return this.request(ATTACKER, ATTACKER, a.asset, a.bps, a.fill);
      case "atkClaim":
        return this.claimAll(ATTACKER);
    }
  }

  /** Records the syncs a transaction ran (its `Synced` events), with their block time. */
  private async noteSyncs(receipt: TransactionReceipt): Promise<void> {
    const iface = this.s.accountant.interface;
    const logs = receipt.logs.filter((l) => l.address === this.c.accountant.address);
    let time_: bigint | undefined;
    for (const l of logs) {
      const parsed = iface.parseLog(l);
      if (parsed?.name !== "Synced") continue;
      time_ ??= BigInt((await ethers.provider.getBlock(receipt.blockNumber))!.timestamp);
      this.stepSyncs.push({
        time: time_,
        previousRate: parsed.args.previousRate as bigint,
        rate: parsed.args.rate as bigint,
        totalValue: parsed.args.totalValue as bigint,
        totalSupply: parsed.args.totalSupply as bigint,
      });
    }
  }

  /* --------------------------------------------- deposits and prices ------------------------------------------ */

  /** lrETH per 1e18 units a deposit of asset i gets now (docs §2): ETH at the stored deposit price; an LST at the
   * lowest of the stored, live protocol and market prices. */
  private perUnitNow(i: number, o: Obs): bigint {
    const price = this.bounded[i]?.price ?? WAD;
    const perUnit = this.rates.sharesPerUnit(price);
    if (i === ETH_I) return perUnit;
    return depositPerUnit(perUnit, price, o.protocol[i], o.market[i]);
  }

  /** The lowest of the stored, protocol and market prices: what a deposit's units are taken at. */
  private depositPrice(i: number, o: Obs): bigint {
    if (i === ETH_I) return WAD;
    const stored = this.bounded[i]!.price;
    const live = minOf(o.protocol[i], o.market[i]);
    return minOf(stored, live);
  }

  private async deposit(u: number, i: number, amount: bigint): Promise<Effect> {
    const { s } = this;
    const user = this.actors[u];
    const prev = this.prev;
    const label = `deposit ${ASSET_NAMES[i]} ${amount} by ${ACTOR_NAMES[u]}`;
    this.touch(u);
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
      ["LRTVaultRateStale", "LRTVaultDepositsPaused", "LRTVaultMarketPriceUnavailable"],
    );
    // The deposit's block (mined even when it reverts): prices expire maxRateAge after the last sync; a price that
    // fell beyond its bound at a sync halts the asset's deposits (checked before the expiry); an unusable
    // market feed refuses an LST deposit (checked last).
    const stale = BigInt(await time.latest()) > this.rates.lastSync + BigInt(PARAMS.maxRateAge);
    const tripped = this.tripped[i];
    const noMarket = !prev.marketOk[i];
    expect(error === "LRTVaultDepositsPaused", `${label}: halted iff its price tripped`).to.equal(tripped);
    expect(error === "LRTVaultRateStale", `${label}: stale iff past maxRateAge`).to.equal(stale && !tripped);
    expect(error === "LRTVaultMarketPriceUnavailable", `${label}: refused iff the feed is unusable`).to.equal(
      noMarket && !stale && !tripped,
    );
    if (error) return this.reverted(label, error);
    const shares = this.depositShares(receipt!);
    expect(shares, `${label}: shares at the deposit price (lowest of stored, live, market)`).to.equal(
      (units * this.perUnitNow(i, prev)) / WAD,
    );
    this.depositsSinceSync.push({ label, shares, value: mulDiv(units, this.depositPrice(i, prev), WAD) });
    this.headroom[i] -= units;
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

  private depositShares(receipt: TransactionReceipt): bigint {
    const iface = this.s.vault.interface;
    const log = receipt.logs.find((l) => l.address === this.c.vault.address && iface.parseLog(l)?.name === "Deposit");
    return iface.parseLog(log!)!.args.shares as bigint;
  }

  private async lstYield(token: "stETH" | "rETH", b: number): Promise<Effect> {
    return this.moveRate(token === "stETH" ? STETH_I : RETH_I, b, `${token} yield`);
  }

  /**
   * Moves an LST's own exchange rate by `b` bps without a sync (a stETH rebase; the rETH and cbETH rates): prices
   * move only at the next sync, deposits at once see the lower of the live and stored prices. A fall is a loss.
   */
  private async moveRate(i: number, b: number, what: string): Promise<Effect> {
    this.pricesMoved = true;
    const { s } = this;
    const label = `${what} ${b > 0 ? "+" : ""}${b}bps ${ASSET_NAMES[i]}`;
    if (b < 0) this.lossSinceSync = true;
    if (i === STETH_I) {
      const pooled = await s.tokens.stETH.getTotalPooledEther();
      await attempt(() => s.tokens.stETH.rebase((pooled * BigInt(b)) / 10_000n, TX), []);
      return { label, units: this.rebaseRule(Math.abs(b)) };
    }
    if (i === RETH_I) {
      const rate = await s.tokens.rETH.getExchangeRate();
      await attempt(() => s.tokens.rETH.setExchangeRate((rate * BigInt(10_000 + b)) / 10_000n, TX), []);
    } else {
      const rate = await s.tokens.cbETH.exchangeRate();
      await attempt(() => s.tokens.cbETH.updateExchangeRate((rate * BigInt(10_000 + b)) / 10_000n, TX), []);
    }
    // rETH and cbETH are accounted in their own tokens: no unit moves.
    return { label, units: SAME };
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

  private async sync(label: string): Promise<Effect> {
    const { receipt } = await attempt(() => this.s.accountant.sync(TX), []);
    await this.noteSyncs(receipt!);
    return { label, units: SAME, pureSync: true };
  }

  /* ------------------------------------------------- restaking ------------------------------------------------ */

  private async restake(d: number, r: number, b: number): Promise<Effect> {
    const { s } = this;
    const i = r + 1;
    const units = (this.prev.buffers[i] * BigInt(b)) / 10_000n;
    const label = `restake ${units} ${ASSET_NAMES[i]} into delegator ${d}`;
    // Below a gwei a strategy may mint zero shares (EigenLayer's NewSharesZero): not a restake a keeper would do.
    if (units < 10n ** 9n) return this.skip(`${label}: buffer too small`);
    const notDelegated = (await this.delegatedTo(d)) === ZeroAddress;
    // Buffer promised to the asset's lane stays (docs §1).
    const liability = this.liability(i);
    const free = this.prev.buffers[i] > liability ? this.prev.buffers[i] - liability : 0n;
    const above = await this.aboveTarget(d, i, units);
    const { error, args } = await attempt(
      () => s.manager.connect(s.signers.keeper).restake(this.delegators[d], this.assets[i], units, TX),
      ["RestakingManagerAboveTarget", "RestakingManagerNotDelegated", "LRTVaultBufferReserved"],
    );
    if (error) {
      expect(error === "RestakingManagerNotDelegated", `${label}: NotDelegated iff undelegated`).to.equal(notDelegated);
      expect(error === "RestakingManagerAboveTarget", `${label}: AboveTarget iff above the target`).to.equal(
        !notDelegated && above,
      );
      if (error === "LRTVaultBufferReserved") {
        expect([...args!], `${label}: refused only above the free buffer`).to.deep.equal([this.assets[i], units, free]);
      }
      return this.reverted(label, error);
    }
    expect(notDelegated, `${label}: only a delegated delegator restakes`).to.equal(false);
    expect(above, `${label}: restaked only below the target`).to.equal(false);
    expect(units, `${label}: restaked within the buffer above the lane's liability`).to.be.at.most(free);
    // Units move from the buffer into the strategy: the total changes only by rounding, RESTAKE_ROUNDING plus
    // 4 x D / 1e18 for the delegator's D deposit shares (EigenLayer).
    const [, [depositShares]] = await s.el.delegationManager.getWithdrawableShares(this.delegators[d], [
      this.strategies[r],
    ]);
    const prev = this.prev;
    const tol = zeros();
    tol[i] = RESTAKE_ROUNDING + ceilDiv(4n * depositShares, WAD);
    const moved = zeros();
    moved[i] = units;
    return {
      label,
      units: { kind: "rounding", delta: zeros(), tol },
      outside: () => moved,
      verify: (now) => {
        expect(prev.buffers[i] - now.buffers[i], `${label}: buffer released`).to.equal(units);
        expect(prev.vaultHoldings[i] - now.vaultHoldings[i], `${label}: vault sent`).to.equal(units);
      },
    };
  }

  private async slash(o: number, wadBps: number, mask: number): Promise<Effect> {
    const { s } = this;
    const chosen = this.strategies.filter((_, k) => (mask >> k) & 1);
    this.strategies.forEach((_, k) => {
      if ((mask >> k) & 1) this.slashed[k + 1] = true;
    });
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
    const managerBefore = await s.tokens.stETH.sharesOf(s.manager);
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
    const managerAfter = await s.tokens.stETH.sharesOf(s.manager);
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
        expect(managerAfter - managerBefore, `${label}: manager keeps only dust`).to.be.at.most(
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
      const key = to.toLowerCase();
      if (t >= 2) this.nat.donated.set(key, (this.nat.donated.get(key) ?? 0n) + amount);
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
    for (const wd of withdrawals) {
      for (const st of wd.strategies) {
        // Beacon chain ETH is paid in whole gwei (a completion floors it); its shares are wei (queuing: EigenLayer's
        // WAD floors once a slash lowered the slashing factor).
        if (String(st).toLowerCase() === BEACON_CHAIN_ETH_STRATEGY.toLowerCase()) {
          tol[ETH_I] += perStrategy === COMPLETE_ROUNDING ? GWEI : BEACON_QUEUE_ROUNDING;
          continue;
        }
        const r = this.strategies.findIndex((x) => x.toLowerCase() === String(st).toLowerCase());
        tol[r + 1] += perStrategy[r];
      }
    }
    return tol;
  }

  private async undelegate(d: number): Promise<Effect> {
    this.queuedMoved = true;
    const { s } = this;
    const operator = await this.delegatedTo(d);
    if (operator === ZeroAddress) return this.skip(`undelegate delegator ${d}: not delegated`);
    if (d === NATIVE_D && this.nat.validators.length > 0)
      return this.skip(`undelegate delegator ${d}: ${RUNS_VALIDATORS}`);
    const wallet = s.operators.find((o) => o.address === operator)!;
    const queuedBefore = this.prev.queued[d].length;
    await attempt(() => s.el.delegationManager.connect(wallet).undelegate(this.delegators[d], TX), []);
    const label = `operator force-undelegates delegator ${d}`;
    return {
      label,
      // P16: the forced undelegation queues every share; the queued shares stay counted, so the total moves only by
      // rounding (QUEUE_ROUNDING per queued strategy).
      units: this.requeued(d, queuedBefore),
      verify: () => expect(this.delegatedNow, `${label}: undelegated`).to.equal(ZeroAddress),
      after: async () => {
        this.delegatedNow = await this.delegatedTo(d);
      },
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
    this.queuedMoved = true;
    const { s } = this;
    const queuedBefore = this.prev.queued[d].length;
    const label = `redelegate delegator ${d} to operator ${o}`;
    if (d === NATIVE_D && this.nat.validators.length > 0) return this.skip(`${label}: ${RUNS_VALIDATORS}`);
    // The manager keeps room for EigenLayer's redelegation (one withdrawal per strategy, if delegated) and a later
    // forced undelegation (as many) under the cap.
    const delegated = (await this.delegatedTo(d)) !== ZeroAddress;
    const extra = delegated ? 2 * MAX_STRATEGIES : MAX_STRATEGIES;
    const full = queuedBefore + extra > MAX_PENDING_WITHDRAWALS;
    // The manager watches the last two operators for slashes: a withdrawal queued under the one before the current
    // must be done before another redelegation (checked after the cap).
    const previous = this.previousOperator[d];
    const previousPending =
      previous !== ZeroAddress && this.prev.queued[d].some((x) => String(x.delegatedTo) === previous);
    const { error, args } = await attempt(
      () => s.manager.connect(s.signers.admin).redelegate(this.delegators[d], s.operators[o], TX),
      ["RestakingManagerTooManyPending", "RestakingManagerPreviousOperatorPending"],
    );
    expect(error === "RestakingManagerTooManyPending", `${label}: refused iff no room under the cap`).to.equal(full);
    expect(
      error === "RestakingManagerPreviousOperatorPending",
      `${label}: refused iff a withdrawal under the previous operator is pending`,
    ).to.equal(!full && previousPending);
    if (error === "RestakingManagerTooManyPending") {
      expect([...args!], `${label}: TooManyPending args`).to.deep.equal([
        this.delegators[d],
        BigInt(queuedBefore),
        BigInt(MAX_PENDING_WITHDRAWALS - extra),
      ]);
    }
    if (error === "RestakingManagerPreviousOperatorPending") {
      expect([...args!], `${label}: PreviousOperatorPending args`).to.deep.equal([this.delegators[d], previous]);
    }
    if (error) return this.reverted(label, error);
    this.previousOperator[d] = this.operatorOf[d];
    this.operatorOf[d] = s.operators[o].address;
    return {
      label,
      units: this.requeued(d, queuedBefore),
      verify: () => expect(this.delegatedNow, `${label}: delegated`).to.equal(s.operators[o].address),
      after: async () => {
        this.delegatedNow = await this.delegatedTo(d);
      },
    };
  }

  private async queueWithdrawal(d0: number, r0: number, b: number): Promise<Effect> {
    // The drawn (delegator, strategy) pair, or the next one that holds shares.
    const withdrawable = await this.withdrawableShares();
    let d = d0;
    let r = r0;
    for (let k = 0; k < 9 && withdrawable[d][r] < 10n ** 9n; ++k) {
      r = (r + 1) % RESTAKABLE;
      if (r === r0) d = (d + 1) % 3;
    }
    const shares = (withdrawable[d][r] * BigInt(b)) / 10_000n;
    return this.queueShares(d, r, shares, "");
  }

  /** Withdrawable EigenLayer shares per delegator and strategy. */
  private async withdrawableShares(): Promise<bigint[][]> {
    const q = new Reads();
    const calls = this.delegators.map((x) => q.add(this.c.dm, "getWithdrawableShares", [x, this.strategies]));
    const res = await q.run(this.f.reader);
    return calls.map((k) => res[k][0] as bigint[]);
  }

  private async queueShares(d: number, r: number, shares: bigint, who: string): Promise<Effect> {
    this.queuedMoved = true;
    const { s } = this;
    const label = `${who}queue EigenLayer withdrawal of ${shares} ${ASSET_NAMES[r + 1]} shares from delegator ${d}`;
    if (shares < 10n ** 9n) return this.skip(`${label}: too few shares`);
    // This withdrawal plus room for a forced undelegation's, under the cap.
    const pending = this.prev.queued[d].length;
    const full = pending + 1 + MAX_STRATEGIES > MAX_PENDING_WITHDRAWALS;
    const { error, args } = await attempt(
      () => s.manager.connect(s.signers.keeper).queueWithdrawal(this.delegators[d], this.assets[r + 1], shares, TX),
      ["RestakingManagerTooManyPending"],
    );
    expect(error === "RestakingManagerTooManyPending", `${label}: refused iff no room under the cap`).to.equal(full);
    if (error) {
      expect([...args!], `${label}: TooManyPending args`).to.deep.equal([
        this.delegators[d],
        BigInt(pending),
        BigInt(MAX_PENDING_WITHDRAWALS - 1 - MAX_STRATEGIES),
      ]);
      return this.reverted(label, error);
    }
    // P16: value moves from withdrawable to queued, changing the total only by rounding (QUEUE_ROUNDING).
    const tol = zeros();
    tol[r + 1] = QUEUE_ROUNDING[r];
    return { label, units: { kind: "rounding", delta: zeros(), tol } };
  }

  private async complete(pick: number, all: boolean): Promise<Effect> {
    const withQueue = this.delegators.map((_, d) => d).filter((d) => this.prev.queued[d].length > 0);
    if (withQueue.length === 0) return this.skip("complete: nothing queued");
    const d = withQueue[pick % withQueue.length];
    const queued = this.prev.queued[d];
    return this.completeOf(d, all ? queued : [queued[pick % queued.length]], "");
  }

  private async completeOf(
    d: number,
    chosen: IDelegationManagerTypes.WithdrawalStruct[],
    who: string,
  ): Promise<Effect> {
    this.queuedMoved = true;
    const { s } = this;
    const queued = this.prev.queued[d];
    const last = Math.max(...chosen.map((x) => Number(x.startBlock)));
    // Mine the withdrawal delay: completion is possible from startBlock + delay + 1.
    const latest = await ethers.provider.getBlockNumber();
    const ready = last + EIGEN_DELAYS.minWithdrawalDelayBlocks;
    if (latest < ready) await mine(ready - latest);
    const label = `${who}complete ${chosen.length} EigenLayer withdrawal(s) of delegator ${d}`;
    await attempt(() => s.manager.connect(s.signers.stranger).completeWithdrawals(this.delegators[d], chosen, TX), []);
    const prev = this.prev;
    // The queued value was already counted: completion moves it into the buffer in the same transaction, so the
    // total moves only by rounding (COMPLETE_ROUNDING per withdrawal and strategy), never by the withdrawal's value.
    // The units absorbed leave the vault's outside units.
    return {
      label,
      units: { kind: "rounding", delta: zeros(), tol: this.withdrawalTolerance(chosen, COMPLETE_ROUNDING) },
      outside: (now) => now.buffers.map((x, i) => prev.buffers[i] - x),
      update: (now) => this.paidFromPod(prev, now),
      verify: (now) =>
        expect(now.queued[d].length, `${label}: gone from the queue`).to.equal(queued.length - chosen.length),
    };
  }

  /* ---------------------------------------------- native restaking -------------------------------------------- */

  /** Validators the pod verified that have not exited (what a checkpoint proves). */
  private liveValidators() {
    return this.nat.validators.filter((v) => v.verified && !v.exited);
  }

  /** Moves the ETH the beacon chain paid (withdrawals since the last call) into the pod. */
  private async payPod(): Promise<void> {
    const paid = this.chain.takeWithdrawals().reduce((sum, x) => sum + x.amountWei, 0n);
    if (paid === 0n) return;
    const balance = await ethers.provider.getBalance(this.podAddress);
    await ethers.provider.send("hardhat_setBalance", [this.podAddress, toQuantity(balance + paid)]);
    this.nat.podUncredited += paid;
  }

  /** The beacon chain follows the execution clock: every epoch up to now is processed (rewards; the sweep pays
   * withdrawable validators, e.g. a slashed one, into the pod). */
  private async beaconCatchUp(): Promise<void> {
    const slot = this.chain.slotAt((await time.latest()) + 1);
    if (slot > this.chain.slot) this.chain.advanceToSlot(slot);
    await this.payPod();
  }

  /** What the validator model expects the beacon chain shares to be worth: balances at their last proof plus the
   * pod's credited ETH. */
  private provenTotal(): bigint {
    return [...this.nat.proven.values()].reduce((sum, b) => sum + b, 0n) + this.nat.podCredited;
  }

  /** EigenLayer's rounding of beacon chain shares once a slash lowered the slashing factor (wei): WAD floors of the
   * factor over all shares, a few per call. */
  private beaconTolerance(): bigint {
    const n = this.prev.native;
    return 4n + ceilDiv(4n * (n.withdrawable + n.queued + this.provenTotal()), WAD);
  }

  /** A completion's ETH came out of the pod's credited ETH (what the buffer received). */
  private paidFromPod(prev: Obs, now: Obs): void {
    this.nat.podCredited -= now.buffers[ETH_I] - prev.buffers[ETH_I];
  }

  /**
   * Whether a restake or stake of `units` of asset i into delegator d is above its allocation target (the manager's
   * `checkTarget`, computed here): the delegator's withdrawable EigenLayer shares and every delegator's, each
   * strategy's converted to tokens (EigenLayer's strategy views; beacon chain shares are wei) and to units, valued at
   * the stored prices (the price-bounds model), each rounded down; refused when own x 1e4 >= target x (all + moved).
   * Pending stake counts in neither.
   */
  private async aboveTarget(d: number, i: number, units: bigint): Promise<boolean> {
    const { s } = this;
    const targetBps = BigInt(this.targets === "native" ? (d === NATIVE_D ? 8_000 : 1_000) : [3_333, 3_333, 3_334][d]);
    const list = [...this.strategies, BEACON_CHAIN_ETH_STRATEGY];
    const q = new Reads();
    const calls = this.delegators.map((x) => q.add(this.c.dm, "getWithdrawableShares", [x, list]));
    const res = await q.run(this.f.reader);
    const shares = calls.map((k) => [...(res[k][0] as bigint[])]);
    const priceOf = (j: number) => this.bounded[j]?.price ?? WAD;
    const valueOf = async (sh: bigint[]): Promise<bigint> => {
      let v = 0n;
      for (let r = 0; r < list.length; ++r) {
        if (sh[r] === 0n) continue;
        const j = r < RESTAKABLE ? r + 1 : ETH_I;
        const tokens = r < RESTAKABLE ? await s.strategies[r].sharesToUnderlyingView(sh[r]) : sh[r];
        const u = j === STETH_I && tokens > 0n ? await s.tokens.stETH.getSharesByPooledEth(tokens) : tokens;
        v += mulDiv(u, priceOf(j), WAD);
      }
      return v;
    };
    const own = await valueOf(shares[d]);
    const all = await valueOf(list.map((_, r) => shares.reduce((sum, x) => sum + x[r], 0n)));
    const moved = mulDiv(units, priceOf(i), WAD);
    return own * 10_000n >= targetBps * (all + moved);
  }

  private async stake(n: number): Promise<Effect> {
    const { s, f } = this;
    const m = this.nat;
    const amount = BigInt(n) * VALIDATOR;
    const label = `stake ${n} validator(s) (${amount} ETH) through delegator ${NATIVE_D}`;
    const liability = this.liability(ETH_I);
    const buffer = this.prev.buffers[ETH_I];
    const free = buffer > liability ? buffer - liability : 0n;
    if (m.validators.filter((v) => !v.verified).length + n > 32) return this.skip(`${label}: too many unverified`);
    const notDelegated = (await this.delegatedTo(NATIVE_D)) === ZeroAddress;
    const delegator = this.delegators[NATIVE_D];
    // The node operator submits the keys the registry does not hold yet (keys of a refused stake stay queued).
    const indices = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => from + k);
    const pod = this.podAddress as `0x${string}`;
    if (m.submitted < m.used + n) {
      const fresh: Key[] = podKeys(this.chain, pod, indices(m.submitted, m.used + n));
      await attempt(() => f.native.registry.connect(f.native.nodeOperator).submitKeys(delegator, fresh, TX), []);
      m.submitted = m.used + n;
    }
    const keys: Key[] = podKeys(this.chain, pod, indices(m.used, m.used + n));
    const above = await this.aboveTarget(NATIVE_D, ETH_I, amount);
    const root = await f.native.pods.depositContract.get_deposit_root();
    const { error, args } = await attempt(
      () => s.manager.connect(s.signers.keeper).stakeValidators(delegator, keys, root, TX),
      ["RestakingManagerAboveTarget", "RestakingManagerNotDelegated", "LRTVaultBufferReserved"],
    );
    expect(error === "RestakingManagerNotDelegated", `${label}: NotDelegated iff undelegated`).to.equal(notDelegated);
    expect(error === "RestakingManagerAboveTarget", `${label}: AboveTarget iff above the target`).to.equal(
      !notDelegated && above,
    );
    expect(error === "LRTVaultBufferReserved", `${label}: BufferReserved iff above the free buffer`).to.equal(
      !notDelegated && !above && amount > free,
    );
    if (error === "LRTVaultBufferReserved") {
      expect([...args!], `${label}: refused only above the free buffer`).to.deep.equal([
        this.assets[ETH_I],
        amount,
        free,
      ]);
    }
    if (error) return this.reverted(label, error);
    expect(amount, `${label}: staked within the buffer above the lane's liability`).to.be.at.most(free);
    expect(above, `${label}: staked only below the target`).to.equal(false);
    m.used += n;
    for (const k of keys) {
      const index = this.chain.deposit({ ...k, withdrawalCredentials: podCredentials(pod), amountGwei: 32e9 })!;
      m.validators.push({ index, pubkey: k.pubkey, verified: false, slashed: false, exited: false });
    }
    const prev = this.prev;
    const moved = zeros();
    moved[ETH_I] = amount;
    return {
      label,
      // N2: the ETH leaves the buffer and counts as pending stake: the units do not move.
      units: SAME,
      outside: () => moved,
      verify: (now) => {
        expect(prev.buffers[ETH_I] - now.buffers[ETH_I], `${label}: buffer released`).to.equal(amount);
        expect(prev.vaultHoldings[ETH_I] - now.vaultHoldings[ETH_I], `${label}: vault sent`).to.equal(amount);
      },
    };
  }

  private async verifyCredentials(): Promise<Effect> {
    const { s, f } = this;
    const todo = this.nat.validators.filter((v) => !v.verified);
    if (todo.length === 0) return this.skip("verify credentials: none staked unverified");
    const label = `verify the credentials of ${todo.length} validator(s)`;
    await this.beaconCatchUp();
    const indices = todo.map((v) => v.index);
    this.chain.activate(indices, { atEpoch: this.chain.epoch });
    const block = await postNextRoot(this.chain, f.native.pods.beaconRoots);
    await this.payPod();
    await attempt(
      () =>
        f.native.pod
          .connect(s.signers.keeper)
          .verifyWithdrawalCredentials(...block.verifyWithdrawalCredentialsArgs(indices), TX),
      [],
    );
    for (const v of todo) {
      v.verified = true;
      this.nat.proven.set(v.index, BigInt(block.validator(v.index).effectiveBalanceGwei) * GWEI);
    }
    // N2: pending stake becomes shares (32 ETH each, the effective balance): the units do not move (beyond EigenLayer's
    // rounding once a slash lowered the slashing factor).
    if (!this.nat.disturbed) return { label, units: SAME };
    const tol = zeros();
    tol[ETH_I] = this.beaconTolerance();
    return { label, units: { kind: "rounding", delta: zeros(), tol } };
  }

  /** A beacon chain event (epochs of rewards, a slash, an exit), then a checkpoint of the pod proving every live
   * validator: the shares move by the balances' change since their last proof plus the ETH paid into the pod. */
  private async checkpointAfter(what: "rewards" | "slash" | "exit", pick: number): Promise<Effect> {
    const { s, f } = this;
    const m = this.nat;
    const live = this.liveValidators();
    if (live.length === 0) return this.skip(`beacon ${what}: no live validator`);
    const first = !m.disturbed;
    await this.beaconCatchUp();
    let label: string;
    if (what === "rewards") {
      this.chain.advanceEpochs(pick);
      label = `${pick} epochs of consensus rewards, then a checkpoint`;
    } else {
      const v = live[pick % live.length];
      if (what === "slash") {
        if (v.slashed) return this.skip(`beacon slash: validator ${v.index} already slashed`);
        const penalty = this.chain.slash(v.index);
        v.slashed = true;
        m.disturbed = true;
        this.lossSinceSync = true;
        this.slashed[ETH_I] = true;
        label = `beacon chain slashes validator ${v.index} (${penalty} gwei), then a checkpoint`;
      } else {
        // EIP-7002: the keeper (the pod's proof submitter) asks the predeploy for a full exit, paying its fee.
        const fee = await f.native.pod.getWithdrawalRequestFee();
        await attempt(
          () =>
            f.native.pod
              .connect(s.signers.keeper)
              .requestWithdrawal([{ pubkey: v.pubkey, amountGwei: 0n }], { ...TX, value: fee }),
          [],
        );
        this.chain.exit(v.index, { immediate: true });
        v.exited = true;
        label = `validator ${v.index} exits (EIP-7002), then a checkpoint`;
      }
    }
    await this.payPod();
    const before = this.provenTotal();
    const credited = m.podUncredited;
    await runCheckpoint(
      this.chain,
      f.native.pods.beaconRoots,
      f.native.pod,
      s.signers.keeper,
      live.map((v) => v.index),
    );
    m.podCredited += credited;
    m.podUncredited = 0n;
    for (const v of live) {
      const balance = BigInt(this.chain.balanceGwei(v.index)) * GWEI;
      m.proven.set(v.index, balance);
      if (balance === 0n) v.exited = true; // withdrawn (an exit, or the sweep of a slashed validator)
    }
    await this.payPod();
    const delta = zeros();
    delta[ETH_I] = this.provenTotal() - before;
    // N4: the units move by exactly the balances' change plus the ETH credited in the pod (once a validator was
    // slashed: within EigenLayer's slashing-factor rounding).
    // The vault's ETH fell: a loss (a sync may lower the rate).
    if (delta[ETH_I] < 0n) this.lossSinceSync = true;
    if (!m.disturbed) return { label, units: { kind: "exact", delta } };
    const tol = zeros();
    tol[ETH_I] = this.beaconTolerance();
    if (delta[ETH_I] < 0n && !first) {
      // A loss after an earlier slash: EigenLayer scales the shares by the ratio of the pod's balances (its own
      // record, which the earlier slash's factor already left apart from the shares), so they fall by at most the
      // model's loss, never more: within [loss, 0], up to the rounding.
      const half = delta[ETH_I] / 2n;
      tol[ETH_I] += -half + 1n;
      delta[ETH_I] = half;
    }
    return { label, units: { kind: "rounding", delta, tol } };
  }

  private async exitValidator(pick: number): Promise<Effect> {
    return this.checkpointAfter("exit", pick);
  }

  /** The keeper queues an EigenLayer withdrawal of the pod's credited ETH that no pending withdrawal covers yet. */
  private async queueBeacon(): Promise<Effect> {
    this.queuedMoved = true;
    const { s } = this;
    const n = this.prev.native;
    const room = this.nat.podCredited - n.queued;
    const shares = minOf(n.withdrawable, room);
    const label = `keeper queues an EigenLayer withdrawal of ${shares} beacon chain ETH shares`;
    if (shares < GWEI) return this.skip(`${label}: too few shares`);
    const pending = this.prev.queued[NATIVE_D].length;
    const full = pending + 1 + MAX_STRATEGIES > MAX_PENDING_WITHDRAWALS;
    const { error } = await attempt(
      () =>
        s.manager.connect(s.signers.keeper).queueWithdrawal(this.delegators[NATIVE_D], this.assets[ETH_I], shares, TX),
      ["RestakingManagerTooManyPending"],
    );
    expect(error === "RestakingManagerTooManyPending", `${label}: refused iff no room under the cap`).to.equal(full);
    if (error) return this.reverted(label, error);
    // N2: value moves from withdrawable to queued, exactly (within EigenLayer's WAD floors once slashed).
    if (!this.nat.disturbed) return { label, units: SAME };
    const tol = zeros();
    tol[ETH_I] = BEACON_QUEUE_ROUNDING;
    return { label, units: { kind: "rounding", delta: zeros(), tol } };
  }

  /* --------------------------------------------------- exits -------------------------------------------------- */

  /**
   * Whether asset i's lane has room for a request worth `value` ETH now (docs §1): its units at the payout price
   * (rounded down), against the buffer plus the outside units less ROUTE_MARGIN (none if they are at most the
   * margin) minus the lane's liability. Returns the units and room.
   */
  private route(i: number, value: bigint, o: Obs): { units: bigint; room: bigint; ok: boolean } {
    const units = mulDiv(value, WAD, this.payoutPriceOf(i, o, this.bounded[i]?.price ?? WAD));
    const outside = this.outside[i];
    const capacity = o.buffers[i] + (outside > ROUTE_MARGIN ? outside - ROUTE_MARGIN : 0n);
    const liability = this.liability(i);
    const room = capacity > liability ? capacity - liability : 0n;
    return { units, room, ok: units > 0n && units <= room };
  }

  private async request(u: number, to: number, i: number, b: number, fill: boolean): Promise<Effect> {
    const { s } = this;
    const prev = this.prev;
    const balance = prev.holderBalances[u];
    let shares = (balance * BigInt(b)) / 10_000n;
    if (fill) {
      // The whole room of the lane (as near as the rate's rounding allows): the attacker tries to take all of it.
      const price = this.payoutPriceOf(i, prev, this.bounded[i]?.price ?? WAD);
      const { room } = this.route(i, 0n, prev);
      shares = mulDiv(mulDiv(room, price, WAD), WAD, maxOf(prev.accountantRate, 1n));
      if (shares > balance) shares = balance;
    }
    if (shares < PARAMS.minRequest) shares = PARAMS.minRequest;
    if (shares > PARAMS.maxRequest) shares = PARAMS.maxRequest;
    const label = `request ${shares} lrETH in ${ASSET_NAMES[i]} by ${ACTOR_NAMES[u]} for ${ACTOR_NAMES[to]}`;
    if (shares > balance) return this.skip(`${label}: balance too small`);
    const seq = BigInt(this.lane(i).length) + 1n;
    this.touch(u);
    this.requestsMoved = true;
    const { receipt, error, args } = await attempt(
      () => s.queue.connect(this.actors[u]).requestWithdrawal(shares, this.assets[i], this.actors[to], TX),
      ["WithdrawalQueueNoRoute"],
    );
    const t = BigInt(await time.latest());
    const rate = this.rates.rateAt(t);
    const value = mulDiv(shares, rate, WAD);
    const route = this.route(i, value, prev);
    expect(error === "WithdrawalQueueNoRoute", `${label}: refused iff the lane has no room`).to.equal(!route.ok);
    if (error) {
      expect([...args!], `${label}: NoRoute args`).to.deep.equal([this.assets[i], route.units, route.room]);
      return this.reverted(label, error);
    }
    const id = this.idOf(i, seq);
    const requester = this.actors[u].address;
    expect(eventsOf(receipt!, s.queue, "WithdrawalRequested"), `${label}: event`).to.deep.equal([
      [id, requester, this.actors[to].address, this.assets[i], shares, value, rate, route.units],
    ]);
    const r: TrackedRequest = {
      id,
      asset: i,
      seq,
      owner: to,
      shares,
      rateAtRequest: rate,
      valueAtRequest: value,
      requestedAt: t,
      status: 1,
      units: route.units,
      payoutValue: 0n,
      short: false,
    };
    this.requests.set(id, r);
    return {
      label,
      units: SAME,
      update: () => this.gift(u, to, value * WAD),
      verify: (now) => {
        expect(now.holderBalances[u] - prev.holderBalances[u], `${label}: shares locked`).to.equal(-shares);
        expect(now.requests.get(id)!.payoutUnits, `${label}: most units`).to.equal(route.units);
      },
    };
  }

  /**
   * Models a finalization whose sync ran at `t` (the books and prices already modelled): lane by lane in the vault's
   * order, each in order while its buffer lasts, at most `maxSteps` steps (a moved entry counts as one); each request
   * paid min(its units, units of min(value at request, shares x rate now)) at the payout price. Marks what it
   * finalized; returns the payouts per asset, the lrETH burned and the ETH value paid.
   */
  private walkLanes(
    maxSteps: number,
    t: bigint,
    o: Obs,
    available: bigint[],
  ): { payouts: bigint[]; burned: bigint; valuePaid: bigint; finalized: TrackedRequest[]; rate: bigint } {
    const rate = this.rates.rateAt(t);
    const payouts = zeros();
    const finalized: TrackedRequest[] = [];
    let burned = 0n;
    let valuePaid = 0n;
    let steps = 0;
    for (const i of this.vaultOrder) {
      if (steps >= maxSteps) break;
      const price = this.payoutPriceOf(i, o, this.bounded[i]?.price ?? WAD);
      for (const r of this.lane(i).filter((x) => x.seq > this.processed[i])) {
        if (steps >= maxSteps) break;
        if (r.status === 1) {
          let value = mulDiv(r.shares, minOf(r.rateAtRequest, rate), WAD);
          let units = mulDiv(value, WAD, price);
          if (units > r.units) {
            units = r.units;
            value = mulDiv(units, price, WAD);
          }
          if (payouts[i] + units > available[i]) break;
          payouts[i] += units;
          burned += r.shares;
          valuePaid += value;
          r.status = 2;
          r.units = units;
          r.payoutValue = value;
          if (this.diligent && !r.short && t - r.requestedAt > longestDiligentWait) {
            longestDiligentWait = t - r.requestedAt;
          }
          finalized.push(r);
          this.finalizedUnits[i] += units;
        }
        this.processed[i] += 1n;
        ++steps;
      }
    }
    return { payouts, burned, valuePaid, finalized, rate };
  }

  private async finalize(max: number, who: string): Promise<Effect> {
    const { s } = this;
    const prev = this.prev;
    const liabilityBefore = ASSET_NAMES.map((_, i) => this.liability(i));
    this.requestsMoved = true;
    const entries = ASSET_NAMES.reduce(
      (n, _, i) => n + this.lane(i).filter((x) => x.seq > this.processed[i]).length,
      0,
    );
    const { receipt } = await attempt(() => s.queue.connect(s.signers.stranger).finalize(max, TX), []);
    await this.noteSyncs(receipt!);
    let outcome: ReturnType<World["walkLanes"]> | undefined;
    const label = `${who}finalize up to ${max}`;
    return {
      label,
      // The sync ran first: prices and the rate are the model's after it; the buffers are those before the step.
      update: () => {
        outcome = this.walkLanes(Math.min(max, MAX_FINALIZE_BATCH), this.stepSyncs[0].time, prev, prev.buffers);
        if (outcome.finalized.length === 0) note("finalize: nothing payable (returned 0)");
        // A payout gives its units' headroom back, never above the cap (a sync leaves the headroom as it is).
        outcome.payouts.forEach((p, i) => {
          const room = this.headroom[i] + p;
          if (room > PARAMS.cap) note(`finalize: ${ASSET_NAMES[i]} headroom back at the cap`);
          this.headroom[i] = minOf(room, PARAMS.cap);
        });
      },
      settlement: () => ({ burned: outcome!.burned, valuePaid: outcome!.valuePaid }),
      units: () => ({ kind: "exact", delta: outcome!.payouts.map((p) => -p) }),
      verify: (now) => {
        for (let k = 0; k < ALL_ASSETS; ++k) {
          expect(now.queueHoldings[k] - prev.queueHoldings[k], `${label}: ${ASSET_NAMES[k]} to the queue`).to.equal(
            outcome!.payouts[k],
          );
        }
        expect(eventsOf(receipt!, s.queue, "WithdrawalFinalized"), `${label}: events`).to.deep.equal(
          outcome!.finalized.map((r) => [r.id, r.shares, r.rateAtRequest, outcome!.rate, r.payoutValue, r.units]),
        );
        for (const r of outcome!.finalized) {
          const view = now.requests.get(r.id)!;
          expect(view.payoutUnits, `${label}: ${ASSET_NAMES[r.asset]}#${r.seq} units`).to.equal(r.units);
          expect(view.payoutValue, `${label}: ${ASSET_NAMES[r.asset]}#${r.seq} value`).to.equal(r.payoutValue);
        }
        // Liveness (docs §1): once a lane's liability is covered by the buffer, finalize pays all of it (when the
        // batch had steps for every entry).
        if (max >= entries) {
          const covered = ASSET_NAMES.filter(
            (_, i) => liabilityBefore[i] > 0n && prev.buffers[i] >= liabilityBefore[i],
          );
          const blocked = ASSET_NAMES.filter((_, i) => prev.buffers[i] < liabilityBefore[i]);
          for (const _ of covered) note(LIVENESS.covered);
          if (covered.length > 0 && blocked.length > 0) note(LIVENESS.blockedBesideCovered);
          for (let i = 0; i < ALL_ASSETS; ++i) {
            if (prev.buffers[i] < liabilityBefore[i]) continue;
            expect(
              this.lane(i).some((x) => x.status === 1),
              `${label}: ${ASSET_NAMES[i]} lane covered by its buffer is emptied`,
            ).to.equal(false);
          }
        }
        // After paying out, the rest is still recognised or more (the queue never takes gains from holders).
        expect(now.tvl.unrecognised, `${label}: unrecognised >= 0 after payouts`).to.be.at.least(0n);
      },
    };
  }

  /**
   * Moves a pending request to asset `j`'s lane (its owner, or the admin for `stuck`): refused before `maxWait`
   * (NotStuck, with the time it becomes possible) and when the new lane has no room for its value now (NoRoute).
   */
  private async moveRequest(r: TrackedRequest, j: number, byAdmin: boolean): Promise<Effect> {
    const { s } = this;
    const prev = this.prev;
    const seq = BigInt(this.lane(j).length) + 1n;
    this.requestsMoved = true;
    if (!byAdmin) this.touch(r.owner);
    const label = `${byAdmin ? "keeper: admin re-denominates" : `${ACTOR_NAMES[r.owner]} re-denominates`} ${
      ASSET_NAMES[r.asset]
    }#${r.seq} into ${ASSET_NAMES[j]}`;
    const { receipt, error, args } = await attempt(
      () =>
        byAdmin
          ? s.queue.connect(s.signers.admin).redenominateStuck(r.id, this.assets[j], TX)
          : s.queue.connect(this.actors[r.owner]).redenominate(r.id, this.assets[j], TX),
      ["WithdrawalQueueNotStuck", "WithdrawalQueueNoRoute"],
    );
    const t = BigInt(await time.latest());
    const readyAt = r.requestedAt + BigInt(PARAMS.maxWait);
    expect(error === "WithdrawalQueueNotStuck", `${label}: NotStuck iff before maxWait`).to.equal(t < readyAt);
    if (error === "WithdrawalQueueNotStuck") {
      expect([...args!], `${label}: NotStuck args`).to.deep.equal([r.id, readyAt]);
      return this.reverted(label, error);
    }
    const value = mulDiv(r.shares, minOf(r.rateAtRequest, this.rates.rateAt(t)), WAD);
    const route = this.route(j, value, prev);
    expect(error === "WithdrawalQueueNoRoute", `${label}: refused iff the new lane has no room`).to.equal(!route.ok);
    if (error) {
      expect([...args!], `${label}: NoRoute args`).to.deep.equal([this.assets[j], route.units, route.room]);
      return this.reverted(label, error);
    }
    // The old entry is burned and skipped by its lane; the same shares and rate at request join the new lane now,
    // at most the units of the value now (so its ETH value never grows).
    r.status = 4;
    const id = this.idOf(j, seq);
    expect(eventsOf(receipt!, s.queue, "WithdrawalRedenominated"), `${label}: event`).to.deep.equal([
      [r.id, id, this.assets[j], route.units],
    ]);
    this.requests.set(id, {
      ...r,
      id,
      asset: j,
      seq,
      requestedAt: t,
      status: 1,
      units: route.units,
      payoutValue: 0n,
      short: false,
    });
    note(LIVENESS.moved);
    return { label, units: SAME };
  }

  /**
   * A pending request (of actor k's if it has one) at `maxWait`: time moves to when it may be re-denominated (`early`:
   * to a second before, and its owner tries then: NotStuck), then its owner moves it into asset j (each checked as
   * a step of its own).
   */
  private async redenominateAt(k: number, pick: number, j: number, early: boolean): Promise<void> {
    const pending = [...this.requests.values()].filter((r) => r.status === 1);
    if (pending.length === 0) {
      await this.apply("redenominate", async () => this.skip("re-denominate at maxWait: nothing pending"));
      return;
    }
    const own = pending.filter((r) => r.owner === k);
    const r = own.length > 0 ? own[pick % own.length] : pending[pick % pending.length];
    if (j === r.asset) j = (j + 1) % ALL_ASSETS;
    const wait = r.requestedAt + BigInt(PARAMS.maxWait) - (early ? 2n : 1n) - this.prev.timestamp;
    if (wait > 0n) {
      await this.apply("warp", async () => {
        await time.increase(wait);
        return { label: `warp ${wait}s (to maxWait)`, units: SAME };
      });
    }
    await this.apply("redenominate", () => this.moveRequest(r, j, false));
    if (early && r.status === 1) await this.apply("redenominate", () => this.moveRequest(r, j, false));
  }

  private async redenominate(k: number, pick: number, j: number): Promise<Effect> {
    const pending = [...this.requests.values()].filter((r) => r.status === 1);
    if (pending.length === 0) return this.skip("re-denominate: nothing pending");
    const own = pending.filter((r) => r.owner === k);
    const r = own.length > 0 ? own[pick % own.length] : pending[pick % pending.length];
    if (j === r.asset) j = (j + 1) % ALL_ASSETS;
    return this.moveRequest(r, j, false);
  }

  private async claim(u: number, to: number, pick: number, replay: boolean): Promise<Effect> {
    const { s } = this;
    if (replay) {
      const claimed = [...this.requests.values()].filter((r) => r.status === 3);
      if (claimed.length === 0) return this.skip("replay claim: none claimed yet");
      const r = claimed[pick % claimed.length];
      const user = this.actors[u];
      this.touch(u);
      // P13: a request is never paid twice.
      const { error } = await attempt(
        () => s.queue.connect(user).claim([r.id], user, TX),
        ["WithdrawalQueueAlreadyClaimed"],
      );
      expect(error, `replay claim of request ${r.id}`).to.equal("WithdrawalQueueAlreadyClaimed");
      return { label: `replay claim of ${ASSET_NAMES[r.asset]}#${r.seq} (refused)`, units: SAME, reverted: true };
    }
    // The drawn actor's finalized requests, or those of the owner of one drawn among all finalized requests.
    const finalized = [...this.requests.values()].filter((r) => r.status === 2);
    if (finalized.length === 0) return this.skip("claim: nothing finalized");
    if (!finalized.some((r) => r.owner === u)) u = finalized[pick % finalized.length].owner;
    const mine_ = finalized.filter((r) => r.owner === u);
    const start = pick % mine_.length;
    return this.claimOf(u, to, mine_.slice(start, start + 1 + (pick % 3)));
  }

  private async claimAll(u: number): Promise<Effect> {
    const mine_ = [...this.requests.values()].filter((r) => r.status === 2 && r.owner === u);
    if (mine_.length === 0) return this.skip(`claim: nothing finalized for ${ACTOR_NAMES[u]}`);
    return this.claimOf(u, u, mine_);
  }

  private async claimOf(u: number, to: number, chosen: TrackedRequest[]): Promise<Effect> {
    const { s } = this;
    const user = this.actors[u];
    const recipient = this.actors[to];
    this.touch(u, to);
    this.requestsMoved = true;
    const label = `claim ${chosen.map((r) => `${ASSET_NAMES[r.asset]}#${r.seq}`).join(",")} by ${
      ACTOR_NAMES[u]
    } to ${ACTOR_NAMES[to]}`;
    const before = this.prev.actorHoldings[to];
    // The claimed units leave the owner's inventory at their marks and enter the recipient's.
    const marks = this.marks(this.prev);
    const gift = chosen.reduce((sum, r) => sum + r.units * marks[r.asset], 0n);
    const { receipt } = await attempt(
      () =>
        s.queue.connect(user).claim(
          chosen.map((r) => r.id),
          recipient,
          TX,
        ),
      [],
    );
    const paid = zeros();
    for (const r of chosen) {
      paid[r.asset] += r.units;
      this.claimedUnits[r.asset] += r.units;
      r.status = 3;
    }
    expect(eventsOf(receipt!, s.queue, "WithdrawalClaimed"), `${label}: events`).to.deep.equal(
      chosen.map((r) => [r.id, user.address, recipient.address, this.assets[r.asset], r.units]),
    );
    const gas = u === to ? receipt!.fee : 0n;
    return {
      label,
      units: SAME,
      update: () => this.gift(u, to, gift),
      verify: (now) => {
        for (let k = 0; k < ALL_ASSETS; ++k) {
          const received = now.actorHoldings[to][k] - before[k] + (k === ETH_I ? gas : 0n);
          expect(received, `${label}: ${ASSET_NAMES[k]} received`).to.equal(paid[k]);
        }
      },
    };
  }

  /**
   * A transaction the queue must refuse, with the error and its arguments computed here (nothing changes but gas):
   * `what` 0, a claim of a pending request (NotFinalized); 1, of another actor's finalized request (NotOwner); 2, of
   * an id no lane issued (UnknownRequest); 3, the owner re-denominates a pending request into its own asset (NotStuck
   * before `maxWait`, SameAsset after).
   */
  private async refused(u: number, pick: number, what: number): Promise<Effect> {
    const { s } = this;
    const caller = this.actors[u];
    const all = [...this.requests.values()];
    this.touch(u);
    const claim = (id: bigint) => () => s.queue.connect(caller).claim([id], caller, TX);
    let label: string;
    let send: () => Promise<ContractTransactionResponse>;
    let expected: (t: bigint) => unknown[];
    if (what <= 1) {
      const wanted = all.filter((r) => (what === 0 ? r.status === 1 : r.status === 2 && r.owner !== u));
      if (wanted.length === 0)
        return this.skip(`refused claim: no ${what === 0 ? "pending" : "foreign finalized"} request`);
      const r = wanted[pick % wanted.length];
      label = `${ACTOR_NAMES[u]} claims ${ASSET_NAMES[r.asset]}#${r.seq} (${what === 0 ? "pending" : "not its own"})`;
      send = claim(r.id);
      expected = () =>
        what === 0
          ? ["WithdrawalQueueNotFinalized", r.id]
          : ["WithdrawalQueueNotOwner", r.id, caller.address, this.actors[r.owner].address];
    } else if (what === 2) {
      const i = pick % ALL_ASSETS;
      const id = pick % 3 === 0 ? 0n : this.idOf(i, BigInt(this.lane(i).length) + 1n + BigInt(pick % 5));
      label = `${ACTOR_NAMES[u]} claims an id no lane issued`;
      send = claim(id);
      expected = () => ["WithdrawalQueueUnknownRequest", id];
    } else {
      const own = all.filter((r) => r.status === 1 && r.owner === u);
      if (own.length === 0) return this.skip(`refused re-denomination: ${ACTOR_NAMES[u]} has nothing pending`);
      const r = own[pick % own.length];
      label = `${ACTOR_NAMES[u]} re-denominates ${ASSET_NAMES[r.asset]}#${r.seq} into its own asset`;
      send = () => s.queue.connect(caller).redenominate(r.id, this.assets[r.asset], TX);
      const readyAt = r.requestedAt + BigInt(PARAMS.maxWait);
      expected = (t) =>
        t < readyAt
          ? ["WithdrawalQueueNotStuck", r.id, readyAt]
          : ["WithdrawalQueueSameAsset", r.id, this.assets[r.asset]];
    }
    const { error, args } = await attempt(send, [
      "WithdrawalQueueNotFinalized",
      "WithdrawalQueueNotOwner",
      "WithdrawalQueueUnknownRequest",
      "WithdrawalQueueNotStuck",
      "WithdrawalQueueSameAsset",
    ]);
    const t = BigInt(await time.latest());
    expect(error, `${label}: refused`).to.not.equal(undefined);
    expect([error, ...args!], `${label}: the error`).to.deep.equal(expected(t));
    return this.reverted(label, error!);
  }

  private async transferRequest(from: number, to: number, pick: number): Promise<Effect> {
    // A request of the drawn user, or any unclaimed request of a user; always to another user.
    const open = [...this.requests.values()].filter((r) => (r.status === 1 || r.status === 2) && r.owner < USERS);
    if (open.length === 0) return this.skip("transfer request: none open");
    const owned = open.filter((r) => r.owner === from);
    const r = owned.length > 0 ? owned[pick % owned.length] : open[pick % open.length];
    from = r.owner;
    if (to === from) to = (from + 1) % USERS;
    const owner = this.actors[from];
    this.touch(from);
    await attempt(() => this.s.queue.connect(owner).transferFrom(owner, this.actors[to], r.id, TX), []);
    r.owner = to;
    return {
      label: `transfer ${ASSET_NAMES[r.asset]}#${r.seq} from ${ACTOR_NAMES[from]} to ${ACTOR_NAMES[to]}`,
      units: SAME,
      update: (now) => this.gift(from, to, this.requestValue(now, r)),
    };
  }

  /* --------------------------------------------------- keeper ------------------------------------------------- */

  /**
   * The keeper's runbook (docs/security-model.md §1) as a few steps, each checked on its own: complete every
   * EigenLayer withdrawal (the delay mined); for each lane whose liability exceeds its buffer, queue EigenLayer
   * withdrawals of the asset for the difference (largest delegators first, with a margin for rounding), mine the
   * delay and complete them; finalize (which syncs first); re-denominate every request past `maxWait` into the first
   * asset with room and finalize again. Then: every lane still waiting is short of the asset itself (its holdings
   * below its liability), buffer-only lanes are empty, and no request past `maxWait` waits while another asset has
   * room.
   */
  private async keeper(why: string): Promise<void> {
    const who = `keeper${why ? ` (${why.trim()})` : ""}: `;
    note(`keeper runs${why ? ` (${why.trim()})` : ""}`);
    if (this.prev.queued.some((x) => x.length > 0)) await this.apply("keeper", () => this.completeAll(who));
    // Withdrawals for each lane's shortfall.
    const withdrawable = await this.withdrawableShares();
    const plan: { d: number; r: number; shares: bigint }[] = [];
    for (let r = 0; r < RESTAKABLE; ++r) {
      const i = r + 1;
      const liability = this.liability(i);
      const buffer = this.prev.buffers[i];
      if (liability <= buffer) continue;
      const need = liability - buffer;
      // Units -> tokens (stETH: Lido shares -> stETH) -> strategy shares, with a margin of 1% + 1 gwei for the
      // floors on the way back.
      const tokens = i === STETH_I ? await this.s.tokens.stETH.getPooledEthByShares(need) : need;
      const shares = await this.s.strategies[r].underlyingToSharesView(tokens);
      let left = shares + shares / 100n + 10n ** 9n;
      const order = this.delegators.map((_, d) => d).sort((x, y) => (withdrawable[y][r] > withdrawable[x][r] ? 1 : -1));
      for (const d of order) {
        if (left <= 0n) break;
        const take = minOf(left, withdrawable[d][r]);
        if (take === 0n) continue;
        plan.push({ d, r, shares: take });
        left -= take;
      }
    }
    if (plan.length > 0) {
      await this.apply("keeper", () => this.queueAll(plan, who));
      await this.apply("keeper", () => this.completeAll(who));
    }
    await this.apply("keeper", () => this.finalize(MAX_FINALIZE_BATCH, who));
    // Requests past maxWait move to the first asset with room (ETH first: it never waits).
    let moved = false;
    const t = this.prev.timestamp;
    for (const r of [...this.requests.values()]) {
      if (r.status !== 1 || t < r.requestedAt + BigInt(PARAMS.maxWait)) continue;
      for (const j of [ETH_I, ...this.vaultOrder.filter((x) => x !== ETH_I)]) {
        if (j === r.asset) continue;
        const eff = await this.apply("keeper", () => this.moveRequest(r, j, true));
        if (!eff.reverted) {
          moved = true;
          break;
        }
      }
    }
    if (moved) await this.apply("keeper", () => this.finalize(MAX_FINALIZE_BATCH, who));
    this.lastKeeperAt = this.prev.timestamp;

    // What the runbook guarantees.
    const now = this.prev;
    for (let i = 0; i < ALL_ASSETS; ++i) {
      const waiting = this.lane(i).filter((x) => x.status === 1);
      if (waiting.length === 0) continue;
      const liability = this.liability(i);
      if (i === ETH_I && this.nat.validators.length > 0) {
        // ETH beyond the buffer is staked in validators: only an exit frees it, which takes the beacon chain's
        // time first (a known limit: the runbook does not exit validators). The lane waits only beyond the buffer.
        expect(liability, `${who}ETH lane still waits: its liability must exceed the buffer`).to.be.greaterThan(
          now.buffers[ETH_I],
        );
        for (const x of waiting) x.short = true;
        note("keeper leaves an ETH lane waiting for validator exits");
        continue;
      }
      expect(i !== ETH_I && i < WSTETH_I, `${who}buffer-only ${ASSET_NAMES[i]} lane never waits`).to.equal(true);
      expect(
        now.units[i],
        `${who}${ASSET_NAMES[i]} lane still waits: the vault must be short of ${ASSET_NAMES[i]} itself`,
      ).to.be.lessThan(liability);
      for (const x of waiting) x.short = true;
      note(`keeper leaves a short ${ASSET_NAMES[i]} lane waiting`);
    }
    for (const r of this.requests.values()) {
      if (r.status !== 1 || now.timestamp < r.requestedAt + BigInt(PARAMS.maxWait)) continue;
      // It stays only if no other asset had room for it (each attempt above reverted NoRoute as predicted).
      for (let j = 0; j < ALL_ASSETS; ++j) {
        if (j === r.asset) continue;
        const value = mulDiv(r.shares, minOf(r.rateAtRequest, now.accountantRate), WAD);
        expect(this.route(j, value, now).ok, `${who}a request past maxWait stays only without any route`).to.equal(
          false,
        );
      }
      note("keeper: a request past maxWait has no route anywhere");
    }
  }

  /** Completes every queued EigenLayer withdrawal of every delegator (mining the delay first): one step. */
  private async completeAll(who: string): Promise<Effect> {
    this.queuedMoved = true;
    const { s } = this;
    const prev = this.prev;
    const all = prev.queued.flat();
    const last = Math.max(...all.map((x) => Number(x.startBlock)));
    const latest = await ethers.provider.getBlockNumber();
    const ready = last + EIGEN_DELAYS.minWithdrawalDelayBlocks;
    if (latest < ready) await mine(ready - latest);
    for (let d = 0; d < this.delegators.length; ++d) {
      const queued = prev.queued[d];
      if (queued.length === 0) continue;
      await attempt(
        () => s.manager.connect(s.signers.stranger).completeWithdrawals(this.delegators[d], queued, TX),
        [],
      );
    }
    const label = `${who}complete all ${all.length} EigenLayer withdrawal(s)`;
    return {
      label,
      units: { kind: "rounding", delta: zeros(), tol: this.withdrawalTolerance(all, COMPLETE_ROUNDING) },
      outside: (now) => now.buffers.map((x, i) => prev.buffers[i] - x),
      update: (now) => this.paidFromPod(prev, now),
      verify: (now) => expect(now.queued.flat().length, `${label}: none left`).to.equal(0),
    };
  }

  /** Queues the planned EigenLayer withdrawals (each from a delegator with none pending: always room): one step. */
  private async queueAll(plan: { d: number; r: number; shares: bigint }[], who: string): Promise<Effect> {
    this.queuedMoved = true;
    const { s } = this;
    const tol = zeros();
    for (const { d, r, shares } of plan) {
      expect(this.prev.queued[d].length, `${who}queue from delegator ${d}: nothing pending after completion`).to.equal(
        0,
      );
      await attempt(
        () => s.manager.connect(s.signers.keeper).queueWithdrawal(this.delegators[d], this.assets[r + 1], shares, TX),
        [],
      );
      tol[r + 1] += QUEUE_ROUNDING[r];
    }
    const what = plan.map(({ d, r, shares }) => `${shares} ${ASSET_NAMES[r + 1]} shares from delegator ${d}`);
    // P16: value moves from withdrawable to queued, changing the total only by rounding (QUEUE_ROUNDING each).
    return {
      label: `${who}queue EigenLayer withdrawals of ${what.join(", ")}`,
      units: { kind: "rounding", delta: zeros(), tol },
    };
  }

  /* -------------------------------------------------- attacker ------------------------------------------------ */

  /**
   * Several syncs in one block (automine off), after an optional ETH deposit in the same block: the bounds allow
   * no rise beyond the first refresh (zero seconds elapsed), the books start at most one tranche, the rate does not
   * rise at once. Only transactions whose preconditions hold are sent (a revert would carry no data here).
   */
  private async atkSyncs(n: number, deposit: bigint): Promise<Effect> {
    const { s } = this;
    const prev = this.prev;
    const attacker = this.actors[ATTACKER];
    this.touch(ATTACKER);
    // The deposit only while prices are fresh for the block (a minute of margin).
    const fresh = prev.timestamp + 60n < this.rates.lastSync + BigInt(PARAMS.maxRateAge);
    const withDeposit = deposit > 0n && fresh;
    const sends = [
      ...(withDeposit
        ? [() => s.vault.connect(attacker).depositETH(attacker, 0, 0, { ...IN_BLOCK_TX, value: deposit })]
        : []),
      ...Array.from({ length: n }, () => () => s.accountant.connect(attacker).sync(IN_BLOCK_TX)),
    ];
    const shares = withDeposit ? (deposit * this.perUnitNow(ETH_I, prev)) / WAD : 0n;
    const receipts = await inOneBlock(sends);
    for (const receipt of receipts) await this.noteSyncs(receipt);
    expect(this.stepSyncs.length, "every sync in the block ran").to.equal(n);
    const label = `attacker: ${withDeposit ? `deposit ${deposit} ETH, then ` : ""}${n} syncs in one block`;
    const delta = zeros();
    if (withDeposit) {
      expect(this.depositShares(receipts[0]), `${label}: shares at the stored deposit price`).to.equal(shares);
      this.depositsSinceSync.push({ label, shares, value: deposit });
      this.headroom[ETH_I] -= deposit;
      delta[ETH_I] = deposit;
    }
    return {
      label,
      units: { kind: "exact", delta },
      pureSync: true,
      beforeSync: { units: delta, supply: shares },
    };
  }

  /** Sets an LST's Chainlink market price `b` bps apart from its protocol rate (0: back to it), dated now or (`stale`)
   * long ago, so that it is stale at once (deposits of the LST refuse it, payouts still price at it); or switches
   * the feed off or on. */
  private async atkMarket(k: number, b: number, toggle: boolean, stale: boolean): Promise<Effect> {
    this.pricesMoved = true;
    const { s } = this;
    const feed = [s.feeds.stETH, s.feeds.rETH, s.feeds.cbETH][k];
    const name = ["stETH/ETH", "rETH/ETH", "cbETH/ETH"][k];
    if (toggle) {
      this.feedDown[k] = !this.feedDown[k];
      await attempt(() => feed.connect(s.signers.admin).setDown(this.feedDown[k], TX), []);
      return { label: `attacker: ${name} feed ${this.feedDown[k] ? "down" : "back up"}`, units: SAME };
    }
    // stETH/ETH prices one stETH (1 at par); rETH/ETH and cbETH/ETH price one token at its protocol rate.
    const par = k === 0 ? WAD : this.prev.protocol[k + 1];
    const answer = (par * BigInt(10_000 + b)) / 10_000n;
    const label = `attacker: ${name} market ${b > 0 ? "+" : ""}${b}bps from par`;
    if (stale) {
      // Dated 1 (1970): older than maxFeedAge in any block here.
      await attempt(() => feed.connect(s.signers.admin).setAnswerAt(answer, 1n, TX), []);
      note(`${name} feed stale`);
      return { label: `${label}, stale`, units: SAME };
    }
    await attempt(() => feed.connect(s.signers.admin).setAnswer(answer, TX), []);
    return { label, units: SAME };
  }

  /** Buys `amount` of an LST at its market price (paying the admin, who makes the market) and deposits it. */
  private async atkBuy(i: number, amount: bigint, deposit: boolean): Promise<Effect> {
    const { s, f } = this;
    const prev = this.prev;
    const k = i - 1;
    if (!prev.marketOk[i]) return this.skip(`attacker buys ${ASSET_NAMES[i]}: no market price`);
    const token = [s.tokens.stETH, s.tokens.rETH, s.tokens.cbETH][k];
    const attacker = this.actors[ATTACKER];
    this.touch(ATTACKER);
    // The market maker mints what it lacks (at the protocol rate: its own business).
    const held = await token.balanceOf(f.admin);
    if (held < amount + 10n) {
      const value = amount * 2n;
      if (i === STETH_I) {
        this.pricesMoved = true; // a submit may move Lido's share price by its rounding
        await attempt(() => s.tokens.stETH.connect(f.admin).submit(ZeroAddress, { ...TX, value }), []);
      } else if (i === RETH_I) await attempt(() => s.tokens.rETH.connect(f.admin).deposit({ ...TX, value }), []);
      else await attempt(() => s.tokens.cbETH.connect(f.admin).deposit({ ...TX, value }), []);
    }
    // Price per token: the feed's answer (stETH/ETH prices one stETH), rounded up against the buyer.
    const perToken = prev.feedAnswers[k];
    const cost = mulDiv(amount, perToken, WAD, "ceil");
    await (await attacker.sendTransaction({ ...TX, to: f.admin.address, value: cost })).wait();
    await attempt(() => token.connect(f.admin).transfer(attacker, amount, TX), []);
    note(`attacker bought ${ASSET_NAMES[i]} at market`);
    const label = `attacker buys ${amount} ${ASSET_NAMES[i]} at ${perToken} per token`;
    if (!deposit) return { label, units: SAME };
    const eff = await this.deposit(ATTACKER, i, amount);
    return { ...eff, label: `${label}; ${eff.label}` };
  }
}

/** Replays a fixed action sequence with every check of the property test. */
export async function replay(actions: Action[], diligent = false): Promise<World> {
  const w = await World.load(diligent);
  try {
    for (const a of actions) await w.step(a);
  } catch (e) {
    (e as Error).message += `\n  steps: ${w.log.join(" | ")}`;
    throw e;
  }
  return w;
}
