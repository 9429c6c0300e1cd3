/**
 * `npm run demo`: lrt-vault end to end on Hardhat's in-process network, with nothing but `npm ci`.
 *
 * Fourteen days of one vault, step by step. Day 0: the local EigenLayer (with EigenPods), the LST stand-ins and the
 * suite are deployed (2 operators, stETH/rETH/cbETH strategies) and native restaking is turned on
 * (`enableNativeRestaking`: the key registry, the manager upgraded, ETH's strategy the beacon chain ETH strategy);
 * alice, bob, carol and dave deposit ETH, stETH, rETH and ETH. Day 1: the keeper restakes across both operators and
 * stakes 3 validators (32 ETH each from the ETH buffer, keys from the key registry) through operator 0's pod, then
 * proves their withdrawal credentials (the TypeScript beacon chain builds every proof). Day 3.75: a checkpoint brings
 * the consensus rewards in. Day 4: LST yield and those rewards are synced (they vest into the rate over the stream
 * window; the protocol fee is minted as lrETH to the treasury). Day 5: an EigenLayer rewards claim. Day 6: the beacon
 * chain slashes one validator; the next checkpoint proves it and the sync after it lowers the rate at once. Day 8: the
 * reward starts vesting; alice asks to withdraw in ETH; carol asks in WETH, which the vault does not hold: refused (no
 * route). Day 9: an AVS slashes one operator by 20% of its allocation and the rate falls at once; bob asks to withdraw
 * in stETH, all of it restaked, so the request is accepted against the restaked stETH; finalize pays the ETH lane while
 * the stETH lane waits; the keeper queues an EigenLayer withdrawal. Day 10-11: it completes, the stETH request is
 * finalized, both are claimed. Day 12-13: dave asks for more ETH than the buffer holds; the keeper exits a validator
 * through EIP-7002, a checkpoint credits its ETH in the pod, the keeper withdraws 32 ETH of it through EigenLayer's
 * queue into the buffer, and dave's request is finalized and claimed.
 *
 * After every step it prints what the vault holds per asset (buffer, restaked, queued in EigenLayer; in the asset's
 * units and in ETH), how that splits between the rate and the gains not in it yet, every lrETH holder (the treasury's
 * fee shares included) and what each sync did. It writes reports/demo.json (every step) and reports/rate.svg (the
 * rate over time, every step labelled). Plain text without ANSI colours when NO_COLOR or CI is set, or off a terminal.
 *
 * Hardhat compiles before running a script, silently; `npm run demo` runs `hardhat compile` first so that the first
 * run (solc-js, about a minute) shows its progress.
 */
import fs from "node:fs";
import path from "node:path";
import { ethers } from "hardhat";
import { mine, time } from "@nomicfoundation/hardhat-network-helpers";
import { MaxUint256, ZeroAddress, formatEther, parseEther, type ContractTransactionResponse } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { REWARDS_ACTIVATION_DELAY, SET_ID, deploySuite, type Suite } from "./lib/suite";
import { BEACON_CHAIN_ETH_STRATEGY, ascending, deployEigenPods } from "./lib/eigenlayer";
import { buildRewardsMerkleTree } from "./lib/rewardsMerkle";
import { asWithdrawal } from "./lib/withdrawal";
import { renderLineChart, type ChartPoint } from "./lib/chart";
import { UNIT } from "./lib/constants";
import { BeaconChain } from "./lib/beacon";
import { podKeys } from "./lib/keys";
import { enableNativeRestaking, podCredentials, postNextRoot, runCheckpoint } from "./lib/native";
import type { EigenPod } from "../typechain-types";

type Kind = NonNullable<ChartPoint["kind"]>;

/** Amounts of one asset, per place. */
interface Parts {
  buffer: string;
  restaked: string;
  queued: string;
  total: string;
}

/** What the vault holds of one asset, valued as a sync values it. */
interface AssetHoldings {
  asset: string;
  /** what `units` counts: the vault's accounting unit (stETH: Lido shares) */
  unit: string;
  /** held by the vault (buffer), restaked in EigenLayer, queued for withdrawal from EigenLayer (slashing-aware) */
  units: Parts;
  /** the same in the token's own units (stETH: stETH from its Lido shares) */
  tokens: Parts;
  /** ETH per 1e18 units: the stored price bounded against the last sync, as a sync would take it now */
  price: string;
  /** ETH (wei) */
  value: Parts;
}

/**
 * The vault's holdings and how they split between lrETH holders' claims: `totalValue` = `inRate` (supply x rate,
 * `vault.totalAssets()`) + `notInRateYet` (gains owned by holders but still vesting, held back or not booked yet:
 * `accountant.pendingPerShare()` x supply) + `sinceLastSync` (what the next sync would find: only rounding right
 * after a sync; then yield accruing, or the gains finalized withdrawals forfeited to the holders who stay).
 */
interface Holdings {
  assets: AssetHoldings[];
  totalValue: string;
  inRate: string;
  notInRateYet: string;
  sinceLastSync: string;
}

/** The protocol fee a sync minted: lrETH to the treasury on the value per share above the high-water mark. */
interface FeeReport {
  shares: string;
  /** ETH value of `shares` at the value per lrETH after the fee */
  assets: string;
  highWaterMark: string;
  valuePerShareBefore: string;
  valuePerShareAfter: string;
  totalValue: string;
  supplyAfter: string;
}

interface SyncReport {
  previousRate: string;
  rate: string;
  gainStreamed: string;
  gainHeldBack: string;
  lossPerShare: string;
  lossAssets: string;
}

interface Step {
  /** days since deployment */
  day: number;
  label: string;
  kind: Kind;
  rate: string;
  /** supply x rate */
  totalAssets: string;
  totalSupply: string;
  holdings: Holdings;
  /** lrETH per holder; they add up to `totalSupply` */
  lrETH: Record<string, string>;
  syncs: SyncReport[];
  fees: FeeReport[];
}

interface WithdrawalReport {
  holder: string;
  /** `uint256(uint160(asset)) << 64 | seq`: the lane (asset) and the place in it */
  requestId: string;
  asset: string;
  laneSeq: string;
  shares: string;
  rateAtRequest: string;
  rateAtFinalization: string;
  valueAtRequest: string;
  paidValue: string;
  paidAmount: string;
  why: string;
}

const DAY = 24 * 3600;
const SAMPLE = 6 * 3600;
const steps: Step[] = [];
const chart: ChartPoint[] = [];

// ---- Plain-text output --------------------------------------------------------------------------------------------

/** ANSI colours only on a terminal, and never with NO_COLOR (https://no-color.org) or CI set. */
const COLOR = (() => {
  const env = process.env;
  if (env.NO_COLOR) return false;
  if (env.CI && env.CI !== "false" && env.CI !== "0") return false;
  if (env.TERM === "dumb") return false;
  if (env.FORCE_COLOR && env.FORCE_COLOR !== "0") return true;
  return process.stdout.isTTY === true;
})();
const ansi = (code: string) => (text: string) => (COLOR ? `\x1b[${code}m${text}\x1b[0m` : text);
const bold = ansi("1");
const dim = ansi("2");
const KIND_COLOR: Record<Kind, (text: string) => string> = {
  deposit: ansi("34"),
  keeper: ansi("33"),
  gain: ansi("32"),
  loss: ansi("1;31"),
  withdraw: ansi("35"),
  info: ansi("36"),
};

const eth = (wei: bigint, digits = 6) => Number(formatEther(wei)).toFixed(digits);
const pct = (part: bigint, whole: bigint) => (Number((part * 1_000_000n) / whole) / 10_000).toFixed(2);

/** Lays out `rows` as plain-text columns: `align` per column, "l" or "r"; `color` paints whole rows after padding. */
function table(
  header: string[],
  rows: string[][],
  align: ("l" | "r")[],
  indent = "  ",
  color?: ((text: string) => string)[],
): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (align[c] === "l" ? cell.padEnd(widths[c]) : cell.padStart(widths[c])))
      .join("  ")
      .trimEnd();
  return [indent + bold(line(header)), ...rows.map((r, i) => indent + (color?.[i] ?? ((t: string) => t))(line(r)))];
}

/** Splits `text` into lines of at most `width` characters (on spaces). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

async function main() {
  const started = Date.now();
  const say = (msg: string) =>
    process.stdout.write(`${dim(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s]`)} ${msg}\n`);
  /** Prints `text` wrapped to the terminal width (120 columns off a terminal), every line indented and painted. */
  const explain = (text: string, paint = (line: string) => line, indent = "        ") => {
    const width = Math.max(60, Math.min(process.stdout.columns || 120, 140) - indent.length);
    for (const line of wrap(text, width)) process.stdout.write(`${indent}${paint(line)}\n`);
  };

  say("deploying the local EigenLayer, the LST stand-ins and lrt-vault (2 operators, 3 strategies)...");
  const s: Suite = await deploySuite({ operators: 2, strategies: 3 });
  const signers = await ethers.getSigners();
  const [carol, dave, nodeOperator] = [signers[9], signers[10], signers[11]];
  const { admin, alice, bob, keeper, treasury } = s.signers;
  const users: [string, HardhatEthersSigner][] = [
    ["alice", alice],
    ["bob", bob],
    ["carol", carol],
    ["dave", dave],
  ];

  // Native restaking, turned on as a live vault would: EigenPods (locally: EigenPodManager, pods, the deposit
  // contract, EIP-4788 and EIP-7002 stand-ins), the validator key registry, the manager upgraded to it and ETH's
  // strategy the beacon chain ETH strategy. Operator 0's delegator gets a node operator (who submits keys) and the
  // keeper as its pod's proof submitter. The TypeScript beacon chain signs the keys and builds every proof.
  say("turning native restaking on: EigenPods, the validator key registry, the manager upgraded to it...");
  const pods = await deployEigenPods(s.el);
  const registry = await enableNativeRestaking(s, admin, await pods.eigenPodManager.getAddress());
  const podOwner = s.delegators[0];
  await registry.setNodeOperator(podOwner, nodeOperator);
  await s.manager.connect(admin).setProofSubmitter(podOwner, keeper); // creates operator 0's delegator's pod
  const podAddress = (await podOwner.pod()) as `0x${string}`;
  const pod = (await ethers.getContractAt("EigenPod", podAddress)) as unknown as EigenPod;
  const chain = await BeaconChain.create({ genesisTime: (await time.latest()) - 12 * 64 });
  /** Brings the beacon chain up to the execution chain's clock (its epochs pay the consensus rewards on the way). */
  const beaconNow = async () => {
    const slot = chain.slotAt(await time.latest());
    if (slot > chain.slot) chain.advanceToSlot(slot);
  };
  const beaconShares = async () =>
    (await s.el.delegationManager.getWithdrawableShares(podOwner, [BEACON_CHAIN_ETH_STRATEGY]))[0][0];
  const ETH = await s.vault.ETH();
  const DEAD = await s.vault.DEAD();
  const [streamWindow, , , feeBps] = await s.accountant.parameters();
  const names = new Map<string, string>([[ETH.toLowerCase(), "ETH"]]);
  const VALIDATOR = parseEther("32");
  for (const [name, token] of Object.entries(s.tokens)) {
    names.set((token.target as string).toLowerCase(), name === "weth" ? "WETH" : name);
  }
  const nameOf = (asset: string) => names.get(asset.toLowerCase()) ?? asset;
  const t0 = await time.latest();
  const dayNow = async () => Number((((await time.latest()) - t0) / DAY).toFixed(6));
  const rateNow = async () => Number(formatEther(await s.vault.getRate()));
  say(
    `assets the vault lists: ${(await s.vault.assets()).map(nameOf).join(", ")} (only those it holds are shown); ` +
      `fee ${Number(feeBps) / 100}% of gains above the high-water mark; gains vest over ${Number(streamWindow) / DAY} days`,
  );

  /** Moves the chain to `day` days after deployment, sampling the rate for the chart every 6 hours on the way. */
  async function until(day: number) {
    const target = t0 + Math.round(day * DAY);
    let now = await time.latest();
    while (now < target) {
      now = Math.min(target, t0 + (Math.floor((now - t0) / SAMPLE) + 1) * SAMPLE);
      await time.increaseTo(now);
      chart.push({ x: (now - t0) / DAY, y: await rateNow() });
    }
  }

  /** What the vault holds per asset, and how the holdings split between the rate and the gains not in it yet. */
  async function holdings(): Promise<Holdings> {
    const [valuation, positions, pendingPerShare, supply, inRate] = await Promise.all([
      s.accountant.valuation(),
      s.manager.positions(),
      s.accountant.pendingPerShare(),
      s.vault.totalSupply(),
      s.vault.totalAssets(),
    ]);
    const assets: AssetHoldings[] = [];
    for (const a of valuation.assets) {
      const name = nameOf(a.asset);
      const queued = positions.find((p) => p.asset.toLowerCase() === a.asset.toLowerCase())?.queuedUnits ?? 0n;
      const units = { buffer: a.buffer, restaked: a.outside - queued, queued, total: a.buffer + a.outside };
      if (units.total === 0n) continue;
      const lido = name === "stETH";
      const tokens = async (u: bigint) => (lido ? await s.tokens.stETH.getPooledEthByShares(u) : u);
      const inEth = (u: bigint) => (u * a.price) / UNIT;
      const each = async (f: (u: bigint) => bigint | Promise<bigint>) => ({
        buffer: (await f(units.buffer)).toString(),
        restaked: (await f(units.restaked)).toString(),
        queued: (await f(units.queued)).toString(),
        total: (await f(units.total)).toString(),
      });
      assets.push({
        asset: name,
        unit: name === "ETH" ? "wei" : lido ? "Lido shares (wei)" : `${name} (wei)`,
        units: await each((u) => u),
        tokens: await each(tokens),
        price: a.price.toString(),
        value: { ...(await each(inEth)), total: a.value.toString() },
      });
    }
    const notInRateYet = (pendingPerShare * supply) / UNIT;
    return {
      assets,
      totalValue: valuation.totalValue.toString(),
      inRate: inRate.toString(),
      notInRateYet: notInRateYet.toString(),
      sinceLastSync: (valuation.totalValue - inRate - notInRateYet).toString(),
    };
  }

  /** The holdings as a table: per asset its units in the buffer, restaked and queued, and what they are worth. */
  function holdingsTable(h: Holdings, indent: string): string[] {
    const cell = (wei: string) => (BigInt(wei) === 0n ? "-" : eth(BigInt(wei), 4));
    const rows = h.assets.map((a) => [
      a.asset,
      cell(a.tokens.buffer),
      cell(a.tokens.restaked),
      cell(a.tokens.queued),
      `${eth(BigInt(a.tokens.total), 4)} ${a.asset}`,
      `${eth(BigInt(a.value.total), 4)} ETH`,
    ]);
    const sum = (part: keyof Parts) => h.assets.reduce((acc, a) => acc + BigInt(a.value[part]), 0n);
    const total = (wei: bigint) => (wei === 0n ? "-" : eth(wei, 4));
    rows.push([
      "in ETH",
      total(sum("buffer")),
      total(sum("restaked")),
      total(sum("queued")),
      "",
      `${eth(BigInt(h.totalValue), 4)} ETH`,
    ]);
    return table(
      ["holdings", "buffer", "restaked", "queued in EL", "total", "worth"],
      rows,
      ["l", "r", "r", "r", "r", "r"],
      indent,
    );
  }

  /** One sentence: the holdings = supply x rate + gains not in the rate yet (+ what the next sync would find). */
  function identity(h: Holdings, supply: bigint, rate: bigint): string {
    const since = BigInt(h.sinceLastSync);
    return (
      `${eth(BigInt(h.totalValue), 4)} ETH held = supply x rate ${eth(BigInt(h.inRate), 4)} ` +
      `(${eth(supply, 4)} lrETH x ${eth(rate, 6)}) + gains not in the rate yet ${eth(BigInt(h.notInRateYet), 4)}` +
      (since > 10n ** 12n || since < -(10n ** 12n)
        ? ` ${since < 0n ? "-" : "+"} ${eth(since < 0n ? -since : since, 4)} that the next sync will find`
        : "")
    );
  }

  let lastBlock = await ethers.provider.getBlockNumber();
  let lastMark = (await s.accountant.books()).highWaterMark;
  const requests: { holder: string; id: bigint }[] = [];

  /** Records a step: prints it, keeps it for demo.json and puts it on the chart as `short` (`before`: a jump). */
  async function record(label: string, short: string, kind: Kind, before?: number) {
    const block = await ethers.provider.getBlockNumber();
    const [rate, totalAssets, totalSupply, books, h] = await Promise.all([
      s.vault.getRate(),
      s.vault.totalAssets(),
      s.vault.totalSupply(),
      s.accountant.books(),
      holdings(),
    ]);
    const day = await dayNow();
    // The accountant's events since the previous step (the first step looks at the last block of the deployment only).
    const range = [Math.min(lastBlock + 1, block), block] as const;
    const [synced, gains, losses, fees, marks] = await Promise.all([
      s.accountant.queryFilter(s.accountant.filters.Synced(), ...range),
      s.accountant.queryFilter(s.accountant.filters.GainRecognised(), ...range),
      s.accountant.queryFilter(s.accountant.filters.LossRecognised(), ...range),
      s.accountant.queryFilter(s.accountant.filters.FeeMinted(), ...range),
      s.accountant.queryFilter(s.accountant.filters.HighWaterMarkRaised(), ...range),
    ]);
    const syncs: SyncReport[] = synced.map((e) => {
      const gain = gains.find((g) => g.transactionHash === e.transactionHash)?.args;
      const loss = losses.find((l) => l.transactionHash === e.transactionHash)?.args;
      return {
        previousRate: e.args.previousRate.toString(),
        rate: e.args.rate.toString(),
        gainStreamed: (gain?.streamed ?? 0n).toString(),
        gainHeldBack: (gain?.heldBack ?? 0n).toString(),
        lossPerShare: (loss?.lossPerShare ?? 0n).toString(),
        lossAssets: (loss?.lossAssets ?? 0n).toString(),
      };
    });
    const feeReports: FeeReport[] = fees.map((f) => {
      const sync = synced.find((e) => e.transactionHash === f.transactionHash)!.args;
      return {
        shares: f.args.shares.toString(),
        assets: f.args.assets.toString(),
        highWaterMark: lastMark.toString(),
        valuePerShareBefore: ((sync.totalValue * UNIT) / (sync.totalSupply - f.args.shares)).toString(),
        valuePerShareAfter: ((sync.totalValue * UNIT) / sync.totalSupply).toString(),
        totalValue: sync.totalValue.toString(),
        supplyAfter: sync.totalSupply.toString(),
      };
    });
    const holders: [string, string][] = [
      ...users.map(([name, u]) => [name, u.address] as [string, string]),
      ["treasury", treasury.address],
      ["queue", s.queue.target as string],
      ["seed", DEAD],
    ];
    const lrETH: Record<string, string> = {};
    let counted = 0n;
    for (const [name, address] of holders) {
      const balance = await s.vault.balanceOf(address);
      counted += balance;
      lrETH[name] = balance.toString();
    }
    if (counted !== totalSupply) lrETH.others = (totalSupply - counted).toString();
    steps.push({
      day,
      label,
      kind,
      rate: rate.toString(),
      totalAssets: totalAssets.toString(),
      totalSupply: totalSupply.toString(),
      holdings: h,
      lrETH,
      syncs,
      fees: feeReports,
    });
    chart.push({
      x: day,
      y: Number(formatEther(rate)),
      before,
      label: feeReports.length ? `${short}; fee minted` : short,
      kind,
    });

    // The text: the step, the rate and supply, the holdings, what each sync did, the fee, the holders.
    const paint = KIND_COLOR[kind];
    const [first, ...more] = wrap(`${steps.length}. ${label}`, 100);
    say(`${bold(`day ${day.toFixed(2).padStart(5)}`)}  ${paint(first)}`);
    for (const line of more) process.stdout.write(`${" ".repeat(20)}${paint(line)}\n`);
    const pad = "        ";
    process.stdout.write(
      `${pad}rate ${eth(rate, 9)} ETH per lrETH   supply ${eth(totalSupply, 6)} lrETH   ` +
        `supply x rate ${eth(totalAssets, 6)} ETH\n`,
    );
    for (const line of holdingsTable(h, pad)) process.stdout.write(`${line}\n`);
    explain(identity(h, totalSupply, rate));
    for (const r of syncs) {
      const [streamed, heldBack, lossAssets] = [BigInt(r.gainStreamed), BigInt(r.gainHeldBack), BigInt(r.lossAssets)];
      const [previousRate, newRate] = [BigInt(r.previousRate), BigInt(r.rate)];
      if (lossAssets > 0n && lossAssets < 10n ** 12n) {
        explain(
          `sync: ${lossAssets} wei lost to rounding (Lido and EigenLayer shares) come off the rate at once, ` +
            `like any loss (${previousRate - newRate} wei per lrETH).`,
        );
      } else if (lossAssets > 0n) {
        explain(
          `sync: a loss of ${eth(lossAssets, 4)} ETH (${eth(BigInt(r.lossPerShare), 6)} ETH per lrETH) comes off ` +
            `the rate at once: ${eth(previousRate, 6)} -> ${eth(newRate, 6)} ` +
            `(-${pct(previousRate - newRate, previousRate)}%), shared by every lrETH, pending requests included.`,
          KIND_COLOR.loss,
        );
      } else if (streamed > 0n || heldBack > 0n) {
        explain(
          `sync: a gain of ${eth(streamed, 6)} ETH per lrETH (${eth((streamed * totalSupply) / UNIT, 4)} ETH) ` +
            `starts vesting into the rate, linearly over ${Number(streamWindow) / DAY} days` +
            (heldBack > 0n ? `; ${eth(heldBack, 6)} per lrETH is held back by the APR bound for later.` : "."),
          KIND_COLOR.gain,
        );
      } else if (kind === "gain") {
        explain(
          "sync: the gain is not booked yet: a new vesting tranche may start only half a stream window after the " +
            "previous one; until then it waits in the holdings (deposits pay for it) and holders own it.",
          KIND_COLOR.gain,
        );
      }
    }
    for (const f of feeReports) {
      const [shares, assets, before, after] = [f.shares, f.assets, f.valuePerShareBefore, f.valuePerShareAfter].map(
        BigInt,
      );
      explain(
        `fee: ${eth(shares, 6)} lrETH minted to the treasury, worth ${eth(assets, 6)} ETH: ${Number(feeBps) / 100}% ` +
          `of the value per lrETH above the high-water mark (${eth(before, 6)} found, mark ` +
          `${eth(BigInt(f.highWaterMark), 6)}). No ETH leaves the vault: the same ${eth(BigInt(f.totalValue), 4)} ETH ` +
          `now back ${eth(BigInt(f.supplyAfter), 4)} lrETH, so each lrETH is worth ${eth(before - after, 6)} less ` +
          `(${eth(before, 6)} -> ${eth(after, 6)}) and supply x value per lrETH still equals the holdings; the rate ` +
          "is that value less the gains still vesting.",
        KIND_COLOR.keeper,
      );
    }
    for (const m of marks) {
      explain(
        `the finalized requests forfeited ${eth(m.args.forfeited, 6)} ETH of gains not in the rate yet to the ` +
          `holders who stay (the next sync finds them); the high-water mark rises to ` +
          `${eth(m.args.highWaterMark, 6)} so no fee is charged on them twice.`,
      );
    }
    const HOLDER_NAMES: Record<string, string> = {
      treasury: "treasury (fees)",
      queue: "locked in the queue",
      seed: "seed at the dead address",
    };
    const who = Object.entries(lrETH)
      .filter(([, v]) => BigInt(v) !== 0n)
      .map(([name, v]) => `${HOLDER_NAMES[name] ?? name} ${eth(BigInt(v), 4)}`);
    explain(`lrETH: ${who.join(", ")} = supply ${eth(totalSupply, 4)}`);
    for (const r of requests) {
      const q = await s.queue.getRequest(r.id);
      const asset = nameOf(q.asset);
      const units =
        asset === "stETH" ? await s.tokens.stETH.getPooledEthByShares(q.payoutUnits) : (q.payoutUnits as bigint);
      const state = [
        "",
        `${eth(q.shares, 4)} lrETH pending in the ${asset} lane`,
        `finalized: ${eth(units, 4)} ${asset} held by the queue until claimed (no longer vault holdings)`,
        `claimed`,
        `moved`,
      ][Number(q.status)];
      explain(`request of ${r.holder}: ${state}`);
    }
    lastBlock = block;
    lastMark = books.highWaterMark;
  }

  /** The request id a `requestWithdrawal` created (from the queue's WithdrawalRequested event). */
  async function requested(holder: string, tx: Promise<ContractTransactionResponse>): Promise<bigint> {
    const receipt = (await (await tx).wait())!;
    const queue = (s.queue.target as string).toLowerCase();
    for (const entry of receipt.logs) {
      if (entry.address.toLowerCase() !== queue) continue;
      const parsed = s.queue.interface.parseLog(entry);
      if (parsed?.name === "WithdrawalRequested") {
        requests.push({ holder, id: parsed.args.requestId as bigint });
        return parsed.args.requestId as bigint;
      }
    }
    throw new Error("demo: no WithdrawalRequested event");
  }

  await record(
    "deployed and seeded: 1 ETH minted as lrETH to the dead address; first sync",
    "deployed: 1 ETH seed",
    "info",
  );

  // Day 0: deposits.
  await until(0.25);
  await s.vault.connect(alice).depositETH(alice, 0, 1, { value: parseEther("10") });
  await record("alice deposits 10 ETH", "alice deposits 10 ETH", "deposit");
  await until(0.5);
  await s.tokens.stETH.connect(bob).submit(ZeroAddress, { value: parseEther("10.5") });
  await s.tokens.stETH.connect(bob).approve(s.vault, MaxUint256);
  await s.vault.connect(bob).depositLST(s.tokens.stETH, parseEther("10"), bob, 0, 2);
  await record("bob deposits 10 stETH", "bob deposits 10 stETH", "deposit");
  await until(0.75);
  await s.tokens.rETH.connect(carol).deposit({ value: parseEther("11") });
  await s.tokens.rETH.connect(carol).approve(s.vault, MaxUint256);
  await s.vault.connect(carol).depositLST(s.tokens.rETH, parseEther("10"), carol, 0, 3);
  await record("carol deposits 10 rETH (1 rETH = 1.1 ETH)", "carol deposits 10 rETH", "deposit");
  await until(0.9);
  await s.vault.connect(dave).depositETH(dave, 0, 4, { value: parseEther("100") });
  await record("dave deposits 100 ETH (ETH to stake validators with)", "dave deposits 100 ETH", "deposit");

  // Day 1: restake across both operators (each move goes toward the 50/50 targets).
  await until(1);
  const stBuffer = (await s.vault.assetInfo(s.tokens.stETH)).bufferUnits;
  const rBuffer = (await s.vault.assetInfo(s.tokens.rETH)).bufferUnits;
  await s.manager.connect(keeper).restake(s.delegators[0], s.tokens.stETH, stBuffer / 2n);
  await s.manager.connect(keeper).restake(s.delegators[1], s.tokens.stETH, stBuffer - stBuffer / 2n);
  await s.manager.connect(keeper).restake(s.delegators[1], s.tokens.rETH, rBuffer / 2n);
  await s.manager.connect(keeper).restake(s.delegators[0], s.tokens.rETH, rBuffer - rBuffer / 2n);
  await s.accountant.sync();
  await record(
    "keeper restakes all the stETH and rETH, half through each operator; sync",
    "keeper restakes stETH, rETH (2 operators)",
    "keeper",
  );

  // Day 1.25: native restaking. The keeper stakes 3 validators with the node operator's keys (from the registry,
  // checked against the deposit root it read) through operator 0's pod: 32 ETH each from the ETH buffer.
  await until(1.25);
  const keys = podKeys(chain, podAddress, [0, 1, 2]);
  await registry.connect(nodeOperator).submitKeys(podOwner, keys);
  const depositRoot = await pods.depositContract.get_deposit_root();
  await s.manager.connect(keeper).stakeValidators(podOwner, keys, depositRoot);
  await beaconNow();
  const credentials = podCredentials(podAddress);
  const validators = keys.map((k) => chain.deposit({ ...k, withdrawalCredentials: credentials, amountGwei: 32e9 })!);
  chain.activate(validators, { atEpoch: chain.epoch }); // the activation queue is not modelled
  await record(
    `keeper stakes 3 validators through operator 0's EigenPod (node operator's keys from the key registry): ` +
      `${eth(3n * VALIDATOR, 0)} ETH from the ETH buffer to the deposit contract, counted at 32 ETH each until the ` +
      "pod verifies them (shown as queued): the rate does not move",
    "keeper stakes 3 validators (96 ETH)",
    "keeper",
  );

  // Day 1.5: the keeper, the pod's proof submitter, proves their withdrawal credentials (beacon state proofs).
  await until(1.5);
  const credentialBlock = await postNextRoot(chain, pods.beaconRoots);
  await pod.connect(keeper).verifyWithdrawalCredentials(...credentialBlock.verifyWithdrawalCredentialsArgs(validators));
  await s.manager.pruneVerified(podOwner);
  await record(
    `the keeper proves the 3 validators' withdrawal credentials to the pod: ${eth(await beaconShares(), 0)} ETH of ` +
      "EigenLayer beacon chain shares instead of pending stake; the value does not move",
    "credentials verified: 96 ETH restaked",
    "keeper",
  );

  // Day 3.75: a checkpoint proves the validators' balances: the consensus rewards since activation come in.
  await until(3.75);
  let shares = await beaconShares();
  await runCheckpoint(chain, pods.beaconRoots, pod, keeper, validators);
  const rewards = (await beaconShares()) - shares;
  await record(
    `checkpoint: the pod proves the 3 validators' balances, ${eth(rewards, 6)} ETH of consensus rewards since ` +
      "activation credited as beacon chain shares (in the holdings now, in the rate from the next sync)",
    `checkpoint: +${eth(rewards, 4)} ETH consensus rewards`,
    "gain",
  );

  // Day 4: three days of LST yield (and the consensus rewards checkpointed), synced.
  await until(4);
  const pooled = await s.tokens.stETH.getTotalPooledEther();
  await s.tokens.stETH.rebase((pooled * 3n) / 1000n); // +0.3%
  await s.tokens.rETH.setExchangeRate(((await s.tokens.rETH.getExchangeRate()) * 1002n) / 1000n); // +0.2%
  await s.accountant.sync();
  await record(
    "LST yield since day 1 (stETH +0.3%, rETH +0.2%) and the consensus rewards checkpointed; sync",
    "LST yield + consensus rewards synced: vesting",
    "gain",
  );

  // Day 5: an EigenLayer rewards claim: operator 0's delegator earned 0.05 stETH (root posted half a day before).
  await until(4.5);
  const earned = parseEther("0.05");
  await s.tokens.stETH.submit(ZeroAddress, { value: parseEther("0.1") });
  await s.tokens.stETH.transfer(s.rewardsCoordinator, parseEther("0.06"));
  const tree = buildRewardsMerkleTree([
    {
      earner: s.delegators[0].target as string,
      tokens: [{ token: s.tokens.stETH.target as string, cumulativeEarnings: earned }],
    },
    {
      earner: s.delegators[1].target as string,
      tokens: [{ token: s.tokens.stETH.target as string, cumulativeEarnings: 1n }],
    },
  ]);
  await s.rewardsCoordinator.connect(s.signers.rewardsUpdater).submitRoot(tree.root, (await time.latest()) - 1);
  await until(4.5 + REWARDS_ACTIVATION_DELAY / DAY);
  await until(5);
  await s.manager
    .connect(keeper)
    .claimRewards(
      s.delegators[0],
      tree.claimFor(s.delegators[0].target as string, [s.tokens.stETH.target as string], 0),
    );
  await s.accountant.sync();
  await record("EigenLayer reward claimed: 0.05 stETH into the buffer; sync", "EigenLayer reward 0.05 stETH", "gain");

  // Day 6: the beacon chain slashes validator 0 (a 1 ETH penalty: the initial penalty and a correlation penalty).
  // EigenLayer learns of it at the next checkpoint; the rate falls at the sync after it.
  await until(6);
  await beaconNow();
  const penalty = chain.slash(validators[0], { penaltyGwei: 1e9 });
  await record(
    `the beacon chain slashes validator ${validators[0]} (penalty ${eth(BigInt(penalty) * 10n ** 9n, 2)} ETH; it is ` +
      "forced to exit): EigenLayer and the vault do not know yet",
    `beacon chain slashes validator ${validators[0]}`,
    "info",
  );
  await until(6.25);
  shares = await beaconShares();
  await runCheckpoint(chain, pods.beaconRoots, pod, keeper, validators);
  const slashLoss = shares - (await beaconShares());
  await record(
    `checkpoint proves the slashed balance: EigenLayer's beacon chain slashing factor cuts the pod's shares by ` +
      `${eth(slashLoss, 4)} ETH (the penalty less the rewards since the last checkpoint); the holdings fall, the ` +
      "rate not yet",
    `checkpoint: slash proven (-${eth(slashLoss, 2)} ETH)`,
    "loss",
  );
  await until(6.5);
  const beforeBeaconSlash = await rateNow();
  await s.accountant.sync();
  await record(
    "sync: the beacon chain slash comes off the rate at once",
    "sync: the beacon slash hits the rate",
    "loss",
    beforeBeaconSlash,
  );

  // Day 8: the reward starts vesting.
  await until(8);
  await s.accountant.sync();
  await record("sync: the reward is booked and starts vesting", "sync: the reward starts vesting", "gain");

  // alice asks to withdraw half before the slash.
  await until(8.25);
  await s.vault.connect(alice).approve(s.queue, MaxUint256);
  const aliceShares = (await s.vault.balanceOf(alice)) / 2n;
  const aliceId = await requested("alice", s.queue.connect(alice).requestWithdrawal(aliceShares, ETH, alice));
  await record(
    `alice requests a withdrawal of half her lrETH (${eth(aliceShares, 4)}) in ETH, before the slash`,
    `alice asks ${eth(aliceShares, 2)} lrETH in ETH`,
    "withdraw",
  );

  // carol asks to be paid in WETH, which the vault does not hold (nobody deposited any): refused at request time
  // (WithdrawalQueueNoRoute), so no request can ever wait on an asset the vault cannot pay.
  await until(8.5);
  await s.vault.connect(carol).approve(s.queue, MaxUint256);
  const carolShares = (await s.vault.balanceOf(carol)) / 2n;
  let refusal = "";
  try {
    await s.queue.connect(carol).requestWithdrawal.staticCall(carolShares, s.tokens.weth, carol);
  } catch (err) {
    // Hardhat's in-process errors carry the revert data in `data`; ethers' decoded `revert` when it has one.
    const e = err as { data?: string; revert?: { name: string; args: readonly unknown[] } };
    const revert = e.revert ?? (typeof e.data === "string" ? s.queue.interface.parseError(e.data) : null);
    if (revert?.name !== "WithdrawalQueueNoRoute") throw err;
    const [, units, room] = revert.args as [string, bigint, bigint];
    refusal = `${revert.name}: ${eth(units, 4)} WETH asked, room ${eth(room, 4)}`;
  }
  if (!refusal) throw new Error("demo: a WETH request was accepted with no WETH in the vault");
  await record(
    `carol asks for half her lrETH in WETH, which the vault does not hold: refused (${refusal})`,
    "carol asks in WETH: refused, no route",
    "info",
  );

  // Day 9: the AVS slashes operator 0 by 20% of its allocation in every strategy; the sync lowers the rate at once.
  await until(9);
  const beforeSlash = await rateNow();
  const strategies = ascending(await Promise.all(s.strategies.map((x) => x.getAddress())));
  await s.avs.slash(
    s.operators[0].address,
    SET_ID,
    strategies,
    strategies.map(() => parseEther("0.2")),
    "demo: double signing",
  );
  await s.accountant.sync();
  await record(
    "AVS slashes operator 0 by 20% of its allocation; sync: the rate falls at once",
    "AVS slashes operator 0 by 20%; sync",
    "loss",
    beforeSlash,
  );

  // bob asks to withdraw half after the slash, in stETH: all restaked, accepted against the restaked stETH.
  await until(9.25);
  await s.vault.connect(bob).approve(s.queue, MaxUint256);
  const bobShares = (await s.vault.balanceOf(bob)) / 2n;
  const stBufferNow = await s.tokens.stETH.getPooledEthByShares((await s.vault.assetInfo(s.tokens.stETH)).bufferUnits);
  const bobId = await requested("bob", s.queue.connect(bob).requestWithdrawal(bobShares, s.tokens.stETH, bob));
  await record(
    `bob requests a withdrawal of half his lrETH (${eth(bobShares, 4)}) in stETH, after the slash: the buffer holds ` +
      `${eth(stBufferNow, 4)} stETH, the request is accepted against the restaked stETH`,
    `bob asks ${eth(bobShares, 2)} lrETH in stETH`,
    "withdraw",
  );

  // finalize: the ETH lane pays alice; the stETH lane waits for EigenLayer liquidity without holding her back.
  await until(9.5);
  await s.queue.finalize(10);
  const status = async (id: bigint) =>
    ["", "pending", "finalized", "claimed", "moved"][Number((await s.queue.getRequest(id)).status)];
  const [aliceStatus, bobStatus] = [await status(aliceId), await status(bobId)];
  if (aliceStatus !== "finalized" || bobStatus !== "pending") {
    throw new Error(`demo: expected alice finalized and bob pending, got ${aliceStatus} / ${bobStatus}`);
  }
  const alicePaid = (await s.queue.getRequest(aliceId)).payoutValue;
  await record(
    "finalize (syncs first): alice's ETH request is paid from the ETH buffer; bob's stETH request waits in its own lane",
    `finalize: alice paid ${eth(alicePaid, 2)} ETH; bob waits`,
    "withdraw",
  );

  // stETH liquidity: queue an EigenLayer withdrawal from operator 1's delegator, complete it after the delay.
  await until(9.75);
  const stStrategy = s.strategies[0];
  const [withdrawable] = await s.el.delegationManager.getWithdrawableShares(s.delegators[1], [stStrategy]);
  await s.manager.connect(keeper).queueWithdrawal(s.delegators[1], s.tokens.stETH, withdrawable[0]);
  const delay = Number(await s.el.delegationManager.minWithdrawalDelayBlocks());
  await record(
    `keeper queues an EigenLayer withdrawal of operator 1's stETH (completable after ${delay} blocks)`,
    "keeper queues an EigenLayer withdrawal",
    "keeper",
  );
  await mine(delay + 1);
  await until(10.5);
  const [queued] = await s.el.delegationManager.getQueuedWithdrawals(s.delegators[1]);
  await s.manager.completeWithdrawals(s.delegators[1], queued.map(asWithdrawal));
  await s.accountant.sync();
  await record(
    "EigenLayer withdrawal completed: operator 1's stETH is back in the buffer; sync",
    "EigenLayer withdrawal completed",
    "keeper",
  );

  // Day 11: finalize the stETH request (syncs in the same transaction) and claim both.
  await until(11);
  await s.queue.finalize(10);
  if ((await status(bobId)) !== "finalized") throw new Error("demo: bob's request is still pending");
  const bobPaid = (await s.queue.getRequest(bobId)).payoutValue;
  await record(
    "finalize: bob's stETH request is paid min(value at request, value now); the locked lrETH is burned",
    `finalize: bob paid ${eth(bobPaid, 2)} ETH in stETH`,
    "withdraw",
  );
  await until(11.5);
  const aliceEthBefore = await ethers.provider.getBalance(alice);
  const aliceClaim = await (await s.queue.connect(alice).claim([aliceId], alice)).wait();
  const aliceGas = aliceClaim!.gasUsed * aliceClaim!.gasPrice;
  const aliceReceived = (await ethers.provider.getBalance(alice)) - aliceEthBefore + aliceGas;
  const bobStBefore = await s.tokens.stETH.balanceOf(bob);
  await s.queue.connect(bob).claim([bobId], bob);
  const bobReceived = (await s.tokens.stETH.balanceOf(bob)) - bobStBefore;
  await record("withdrawals claimed: alice paid in ETH, bob in stETH", "claims: alice ETH, bob stETH", "withdraw");

  // Day 12: dave asks for ETH beyond the ETH buffer: accepted against the natively restaked ETH; finalize leaves it.
  await until(12);
  const ethBufferNow = (await s.vault.assetInfo(ETH)).bufferUnits;
  await s.vault.connect(dave).approve(s.queue, MaxUint256);
  const daveShares = ((ethBufferNow + parseEther("20")) * UNIT) / (await s.vault.getRate());
  const daveId = await requested("dave", s.queue.connect(dave).requestWithdrawal(daveShares, ETH, dave));
  await s.queue.finalize(10);
  if ((await status(daveId)) !== "pending") throw new Error("demo: dave's request did not wait for the exit");
  await record(
    `dave requests ${eth(daveShares, 4)} lrETH in ETH: the ETH buffer holds ${eth(ethBufferNow, 4)} ETH, the ` +
      "request is accepted against the natively restaked ETH; finalize leaves it pending",
    `dave asks ${eth(daveShares, 2)} lrETH in ETH: waits`,
    "withdraw",
  );

  // Day 12.25: the keeper exits validator 1 through EIP-7002 (the pod's requestWithdrawal, a full exit); the beacon
  // chain exits it and the sweep pays its balance to the pod (exit queue and withdrawability delay compressed).
  await until(12.25);
  const fee = await pod.getWithdrawalRequestFee();
  await pod.connect(keeper).requestWithdrawal([{ pubkey: keys[1].pubkey, amountGwei: 0n }], { value: fee });
  await beaconNow();
  const swept = chain.exit(validators[1], { immediate: true }).reduce((sum, w) => sum + BigInt(w.amountGwei), 0n);
  const toPod = swept * 10n ** 9n;
  const podBalance = await ethers.provider.getBalance(podAddress);
  await ethers.provider.send("hardhat_setBalance", [podAddress, ethers.toQuantity(podBalance + toPod)]);
  await record(
    `keeper asks validator ${validators[1]} to exit through EIP-7002 (the pod's requestWithdrawal, fee ${fee} wei); ` +
      `the beacon chain exits it and sweeps its ${eth(toPod, 4)} ETH to the pod`,
    `EIP-7002 exit of validator ${validators[1]}`,
    "keeper",
  );

  // Day 12.5: a checkpoint credits the swept ETH; the keeper queues 32 ETH of beacon chain shares out of EigenLayer.
  await until(12.5);
  await runCheckpoint(chain, pods.beaconRoots, pod, keeper, validators);
  await s.manager.connect(keeper).queueWithdrawal(podOwner, ETH, VALIDATOR);
  await record(
    "checkpoint: the exited validator's ETH, now in the pod, is proven; keeper queues an EigenLayer withdrawal of 32 " +
      `ETH of beacon chain shares (completable after ${delay} blocks)`,
    "checkpoint; keeper queues 32 ETH",
    "keeper",
  );
  await mine(delay + 1);
  await until(13);
  const [queuedEth] = await s.el.delegationManager.getQueuedWithdrawals(podOwner);
  const ethBefore = (await s.vault.assetInfo(ETH)).bufferUnits;
  await s.manager.completeWithdrawals(podOwner, queuedEth.map(asWithdrawal));
  const ethBack = (await s.vault.assetInfo(ETH)).bufferUnits - ethBefore;
  await s.accountant.sync();
  await record(
    `EigenLayer withdrawal completed: ${eth(ethBack, 4)} ETH from the pod back in the ETH buffer; sync`,
    `${eth(ethBack, 0)} ETH back from the pod`,
    "keeper",
  );

  // Day 13.25: finalize pays dave's request from it; he claims.
  await until(13.25);
  await s.queue.finalize(10);
  if ((await status(daveId)) !== "finalized") throw new Error("demo: dave's request is still pending");
  const davePaid = (await s.queue.getRequest(daveId)).payoutValue;
  await record(
    "finalize: dave's ETH request is paid from the exited validator's ETH",
    `finalize: dave paid ${eth(davePaid, 2)} ETH`,
    "withdraw",
  );
  await until(13.5);
  const daveEthBefore = await ethers.provider.getBalance(dave);
  const daveClaim = await (await s.queue.connect(dave).claim([daveId], dave)).wait();
  const daveReceived =
    (await ethers.provider.getBalance(dave)) - daveEthBefore + daveClaim!.gasUsed * daveClaim!.gasPrice;
  await record("dave claims his ETH", "claim: dave ETH", "withdraw");
  await until(14);

  // What each received and why.
  const withdrawals: WithdrawalReport[] = [];
  for (const [holder, id, received, asset] of [
    ["alice", aliceId, aliceReceived, "ETH"],
    ["bob", bobId, bobReceived, "stETH"],
    ["dave", daveId, daveReceived, "ETH"],
  ] as [string, bigint, bigint, string][]) {
    const r = await s.queue.getRequest(id);
    const finalized = (await s.queue.queryFilter(s.queue.filters.WithdrawalFinalized(id)))[0].args;
    if (r.asset.toLowerCase() !== (asset === "ETH" ? ETH : (s.tokens.stETH.target as string)).toLowerCase()) {
      throw new Error(`demo: request ${id} is not in the ${asset} lane`);
    }
    const why =
      holder === "dave"
        ? "requested beyond the ETH buffer: paid its value at request once a validator's exit (EIP-7002) brought " +
          "32 ETH back through EigenLayer"
        : finalized.rateAtFinalization < r.rateAtRequest
          ? "requested before the AVS slash: paid at the lower rate after it (the slash is shared with those who stay)"
          : "requested after the AVS slash: paid its value at request (gains while waiting stay with the holders)";
    withdrawals.push({
      holder,
      requestId: id.toString(),
      asset,
      laneSeq: (id & ((1n << 64n) - 1n)).toString(),
      shares: r.shares.toString(),
      rateAtRequest: r.rateAtRequest.toString(),
      rateAtFinalization: finalized.rateAtFinalization.toString(),
      valueAtRequest: r.valueAtRequest.toString(),
      paidValue: r.payoutValue.toString(),
      paidAmount: received.toString(),
      why,
    });
  }

  // Summary tables.
  const heldAssets = [...new Set(steps.flatMap((st) => st.holdings.assets.map((a) => a.asset)))];
  const valueOf = (st: Step, asset: string) =>
    BigInt(st.holdings.assets.find((a) => a.asset === asset)?.value.total ?? 0);
  process.stdout.write(`\n${bold("Steps")} (holdings per asset in ETH; fee: lrETH minted to the treasury)\n`);
  for (const line of table(
    ["#", "day", "step", "rate", "supply", "held (ETH)", ...heldAssets, "fee"],
    steps.map((st, i) => [
      String(i + 1),
      st.day.toFixed(2),
      st.label.length > 60 ? `${st.label.slice(0, 57)}...` : st.label,
      eth(BigInt(st.rate), 6),
      eth(BigInt(st.totalSupply), 4),
      eth(BigInt(st.holdings.totalValue), 4),
      ...heldAssets.map((a) => eth(valueOf(st, a), 4)),
      st.fees.length
        ? eth(
            st.fees.reduce((acc, f) => acc + BigInt(f.shares), 0n),
            6,
          )
        : "-",
    ]),
    ["r", "r", "l", "r", "r", "r", ...heldAssets.map(() => "r" as const), "r"],
    "  ",
    steps.map((st) => KIND_COLOR[st.kind]),
  )) {
    process.stdout.write(`${line}\n`);
  }

  process.stdout.write(`\n${bold("Withdrawals")}\n`);
  for (const line of table(
    ["holder", "lrETH", "rate at request", "rate at finalization", "value at request", "paid (ETH value)", "received"],
    withdrawals.map((w) => [
      w.holder,
      eth(BigInt(w.shares), 4),
      eth(BigInt(w.rateAtRequest), 9),
      eth(BigInt(w.rateAtFinalization), 9),
      `${eth(BigInt(w.valueAtRequest), 6)} ETH`,
      `${eth(BigInt(w.paidValue), 6)} ETH`,
      `${eth(BigInt(w.paidAmount), 6)} ${w.asset}`,
    ]),
    ["l", "r", "r", "r", "r", "r", "r"],
  )) {
    process.stdout.write(`${line}\n`);
  }
  for (const w of withdrawals) explain(`${w.holder}: ${w.why}`, undefined, "  ");

  const last = steps[steps.length - 1];
  const [lastRate, lastSupply] = [BigInt(last.rate), BigInt(last.totalSupply)];
  const allFees = steps.flatMap((st) => st.fees.map((f) => ({ day: st.day, ...f })));
  const feeShares = allFees.reduce((acc, f) => acc + BigInt(f.shares), 0n);
  const treasuryShares = BigInt(last.lrETH.treasury);
  process.stdout.write(
    `\n${bold("Fees")} (${Number(feeBps) / 100}% of the value per lrETH above the high-water mark, minted as lrETH to the treasury)\n`,
  );
  for (const line of table(
    ["day", "lrETH minted", "worth (ETH)", "value per lrETH found", "high-water mark", "after the fee"],
    allFees.map((f) => [
      f.day.toFixed(2),
      eth(BigInt(f.shares), 6),
      eth(BigInt(f.assets), 6),
      eth(BigInt(f.valuePerShareBefore), 6),
      eth(BigInt(f.highWaterMark), 6),
      eth(BigInt(f.valuePerShareAfter), 6),
    ]),
    ["r", "r", "r", "r", "r", "r"],
  )) {
    process.stdout.write(`${line}\n`);
  }
  explain(
    `The treasury holds ${eth(treasuryShares, 6)} lrETH, worth ${eth((treasuryShares * lastRate) / UNIT, 6)} ETH at ` +
      `the rate now. Why supply x rate still matches the holdings: a fee moves no ETH out of the vault; it mints new ` +
      `lrETH, a claim on the same holdings, so the value per lrETH falls by exactly the fee per share ` +
      `(value / (supply + fee shares) = value per lrETH - fee). The holders keep ${100 - Number(feeBps) / 100}% of each ` +
      `gain above the mark and the treasury's lrETH the rest, and the holdings stay supply x rate + the gains not in ` +
      `the rate yet (vesting): now ${identity(last.holdings, lastSupply, lastRate)}.`,
    undefined,
    "  ",
  );
  if (feeShares !== treasuryShares) throw new Error("demo: the treasury's lrETH is not the fees minted");

  process.stdout.write(`\n${bold("Holdings at the end")}\n`);
  for (const line of holdingsTable(last.holdings, "  ")) process.stdout.write(`${line}\n`);

  // Reports.
  const dir = path.join(__dirname, "..", "reports");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, "demo.json"),
    JSON.stringify(
      {
        units:
          "amounts in wei (1e18 = 1 ETH, 1 lrETH or 1 token); rates and prices in ETH per 1e18; day: days since deployment",
        steps,
        withdrawals,
      },
      null,
      2,
    ) + "\n",
  );
  const [aliceW, bobW, daveW] = withdrawals;
  const endHoldings = last.holdings.assets
    .map((a) => {
      const parts = (["buffer", "restaked", "queued"] as const)
        .filter((part) => BigInt(a.tokens[part]) !== 0n)
        .map((part) => `${eth(BigInt(a.tokens[part]), 2)} ${part === "queued" ? "queued in EigenLayer" : part}`);
      const worth = a.asset === "ETH" ? "" : `, worth ${eth(BigInt(a.value.total), 2)} ETH`;
      return `${a.asset} ${eth(BigInt(a.tokens.total), 2)} (${parts.join(" + ")}${worth})`;
    })
    .join("; ");
  const endSince = BigInt(last.holdings.sinceLastSync);
  fs.writeFileSync(
    path.join(dir, "rate.svg"),
    renderLineChart(chart, {
      title: "lrETH exchange rate over the demo",
      subtitle:
        `ETH per lrETH (vault.getRate()) at every step of npm run demo and every 6 hours; gains vest over ` +
        `${Number(streamWindow) / DAY} days, a slash comes off at the next sync`,
      xLabel: "days since deployment",
      yLabel: "ETH per lrETH",
      notes: [
        `Withdrawals: alice asked before the AVS slash, ${eth(BigInt(aliceW.shares), 4)} lrETH paid ` +
          `${eth(BigInt(aliceW.paidAmount), 4)} ETH at the rate after it (${eth(BigInt(aliceW.rateAtFinalization), 6)}): ` +
          `the slash is shared. bob asked after it, ${eth(BigInt(bobW.shares), 4)} lrETH paid ` +
          `${eth(BigInt(bobW.paidAmount), 4)} stETH, his value at request. carol's request in WETH was refused: the ` +
          "vault holds none.",
        `Native restaking: 3 validators staked (96 ETH from the ETH buffer) and verified; consensus rewards came in ` +
          `through checkpoints; a beacon chain slash (${eth(slashLoss, 4)} ETH off the pod's shares at the ` +
          `checkpoint) came off the rate at the sync after it; a validator exited through EIP-7002 and its 32 ETH, ` +
          `withdrawn through EigenLayer, paid dave's ${eth(BigInt(daveW.shares), 4)} lrETH request ` +
          `(${eth(BigInt(daveW.paidAmount), 4)} ETH).`,
        `Fee: ${Number(feeBps) / 100}% of gains above the high-water mark, minted to the treasury as lrETH ` +
          `(${eth(feeShares, 6)} lrETH in all, worth ${eth((feeShares * lastRate) / UNIT, 6)} ETH at the end); ` +
          "no ETH leaves the vault: each lrETH is worth the fee per share less.",
        `Holdings at the end: ${endHoldings}; in all ${eth(BigInt(last.holdings.totalValue), 4)} ETH = ` +
          `${eth(lastSupply, 4)} lrETH × ${eth(lastRate, 6)} + ${eth(BigInt(last.holdings.notInRateYet), 4)} ETH ` +
          "of gains still vesting" +
          (endSince > 10n ** 12n
            ? ` + ${eth(endSince, 4)} ETH forfeited by the withdrawals, booked at the next sync.`
            : "."),
      ],
    }) + "\n",
  );
  say("wrote reports/demo.json and reports/rate.svg");
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
