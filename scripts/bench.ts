/**
 * `npm run bench`: measures receipt gasUsed (intrinsic included) of the user and keeper operations at
 * (operators, strategies) = (1, 1), (4, 3), (16, 3) on Hardhat's in-process network, and writes
 * reports/gas.json (rows { operation, operators, strategies, gasUsed }) and reports/gas.md (the same table beside
 * the targets and the peers' figures from ../shared/docs/gas-anchors.md).
 */
import fs from "node:fs";
import path from "node:path";
import { ethers, network } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { MaxUint256, Wallet, ZeroAddress, parseEther, type ContractTransactionResponse } from "ethers";
import { deploySuite, type Suite } from "../test/fixtures/suite";

const CONFIGS = [
  { operators: 1, strategies: 1 },
  { operators: 4, strategies: 3 },
  { operators: 16, strategies: 3 },
] as const;

interface Row {
  operation: string;
  operators: number;
  strategies: number;
  gasUsed: number;
}

const log = (msg: string) => process.stdout.write(`${msg}\n`);

async function gasOf(tx: Promise<ContractTransactionResponse> | ContractTransactionResponse): Promise<number> {
  const receipt = await (await tx).wait();
  return Number(receipt!.gasUsed);
}

let walletCounter = 0;
/** A fresh funded account (a "new" holder has never touched the vault). */
async function freshAccount(): Promise<Wallet> {
  const wallet = new Wallet(ethers.id(`lrt-vault bench ${walletCounter++}`), ethers.provider);
  await network.provider.send("hardhat_setBalance", [wallet.address, ethers.toQuantity(parseEther("1000"))]);
  return wallet;
}

/** Deposits of every asset by other users and a restake into every (delegator, strategy) pair: a steady state. */
async function steadyState(s: Suite): Promise<void> {
  const { alice, keeper } = s.signers;
  await s.vault.connect(alice).depositETH(alice, 0, 0, { value: parseEther("100") });
  const perPair = parseEther("2");
  const need = perPair * BigInt(s.delegators.length) * 2n;
  await s.tokens.stETH.connect(alice).submit(ZeroAddress, { value: need });
  await s.tokens.rETH.connect(alice).deposit({ value: need });
  await s.tokens.cbETH.connect(alice).deposit({ value: need });
  for (const token of [s.tokens.stETH, s.tokens.rETH, s.tokens.cbETH]) {
    await token.connect(alice).approve(s.vault, MaxUint256);
    await s.vault.connect(alice).depositLST(token, await token.balanceOf(alice), alice, 0, 0);
  }
  for (const token of s.restakable) {
    // stETH units are Lido shares worth 1.05 stETH each in the suite.
    const units = token === s.tokens.stETH ? perPair / 2n : perPair;
    for (const delegator of s.delegators) await s.manager.connect(keeper).restake(delegator, token, units);
  }
  await s.accountant.sync();
}

async function measure(config: { operators: number; strategies: number }): Promise<Row[]> {
  const rows: Row[] = [];
  const add = (operation: string, gasUsed: number) => {
    rows.push({ operation, ...config, gasUsed });
    log(`  ${operation.padEnd(26)} ${gasUsed.toLocaleString("en-US").padStart(11)}`);
  };
  log(`(${config.operators} operators, ${config.strategies} strategies): deploying...`);
  const s = await deploySuite(config);
  await steadyState(s);
  log(`(${config.operators} operators, ${config.strategies} strategies): measuring`);

  // ETH deposits: minShares is the exact preview (realistic non-zero calldata).
  const eth = parseEther("1");
  const ethUser = await freshAccount();
  const minFor = async (asset: string, amount: bigint) => s.vault.previewDeposit(asset, amount);
  const ETH = await s.vault.ETH();
  add(
    "depositETH.new",
    await gasOf(s.vault.connect(ethUser).depositETH(ethUser, await minFor(ETH, eth), 0, { value: eth })),
  );
  add(
    "depositETH.repeat",
    await gasOf(s.vault.connect(ethUser).depositETH(ethUser, await minFor(ETH, eth), 0, { value: eth })),
  );

  // rETH: the holder got rETH and gave the vault an unlimited allowance beforehand.
  const rUser = await freshAccount();
  await s.tokens.rETH.connect(rUser).deposit({ value: parseEther("10") });
  await s.tokens.rETH.connect(rUser).approve(s.vault, MaxUint256);
  const rAmount = parseEther("1");
  for (const kind of ["new", "repeat"]) {
    const min = await minFor(await s.tokens.rETH.getAddress(), rAmount);
    add(
      `depositLST.rETH.${kind}`,
      await gasOf(s.vault.connect(rUser).depositLST(s.tokens.rETH, rAmount, rUser, min, 0)),
    );
  }

  // stETH likewise (the vault counts the Lido shares that arrive).
  const sUser = await freshAccount();
  await s.tokens.stETH.connect(sUser).submit(ZeroAddress, { value: parseEther("10") });
  await s.tokens.stETH.connect(sUser).approve(s.vault, MaxUint256);
  for (const kind of ["new", "repeat"]) {
    const min = (await minFor(await s.tokens.stETH.getAddress(), rAmount)) - 2n; // stETH's own share rounding
    add(
      `depositLST.stETH.${kind}`,
      await gasOf(s.vault.connect(sUser).depositLST(s.tokens.stETH, rAmount, sUser, min, 0)),
    );
  }

  // sync after a day of yield (every pair holds shares).
  await time.increase(24 * 3600);
  await s.tokens.stETH.rebase(parseEther("0.01"));
  add("sync", await gasOf(s.accountant.sync()));

  // restake: more stETH into the first delegator (below its target after the deposits above).
  add(
    "restake",
    await gasOf(s.manager.connect(s.signers.keeper).restake(s.delegators[0], s.tokens.stETH, parseEther("0.5"))),
  );

  // Withdrawals: a first request warms the queue; then a holder's first request (NFT balance 0 → 1).
  const holder = await freshAccount();
  await s.vault.connect(holder).depositETH(holder, 0, 0, { value: parseEther("20") });
  await s.vault.connect(holder).approve(s.queue, MaxUint256);
  await s.vault.connect(s.signers.alice).approve(s.queue, MaxUint256);
  await s.queue.connect(s.signers.alice).requestWithdrawal(parseEther("1"), ETH, s.signers.alice);
  add("requestWithdrawal", await gasOf(s.queue.connect(holder).requestWithdrawal(parseEther("1"), ETH, holder)));
  for (let i = 0; i < 8; ++i) await s.queue.connect(holder).requestWithdrawal(parseEther("1"), ETH, holder);

  // finalize: a batch of 10; finalize syncs first (always), so a tenth of a sync is in each request's share.
  add("finalize", Math.round((await gasOf(s.queue.finalize(10, { gasLimit: 10_000_000 }))) / 10));

  // claim: one finalized request, ETH to its owner.
  add("claim", await gasOf(s.queue.connect(holder).claim([2], holder)));
  return rows;
}

const TARGETS: Record<string, { limit: (ops: number, strats: number) => number; source: string }> = {
  "depositETH.new": { limit: () => 65_000, source: "issue 3 (floor 50,584; Lido submit ~86,000)" },
  "depositETH.repeat": { limit: () => 48_000, source: "issue 3 (floor 33,484)" },
  "depositLST.rETH.new": { limit: () => 90_000, source: "issue 3 (floor 74,575)" },
  "depositLST.rETH.repeat": { limit: () => 70_000, source: "issue 3 (floor 57,475)" },
  "depositLST.stETH.new": { limit: () => 115_000, source: "issue 3" },
  "depositLST.stETH.repeat": { limit: () => 95_000, source: "issue 3" },
  sync: { limit: (o, s) => 50_000 + 35_000 * o * s, source: "issue 3: 50,000 + 35,000 per pair" },
  requestWithdrawal: { limit: () => 150_000, source: "issue 4 (Lido requestWithdrawals 228,163)" },
  claim: { limit: () => 75_000, source: "issue 4 (Lido claimWithdrawals 89,818)" },
};

function markdown(rows: Row[]): string {
  const ops = [...new Set(rows.map((r) => r.operation))];
  const fmt = (n: number) => n.toLocaleString("en-US");
  const lines: string[] = [];
  lines.push("# Gas: lrt-vault vs targets and peers");
  lines.push("");
  lines.push(
    "Receipt `gasUsed` (intrinsic included), Hardhat in-process network (prague), cold state per tx as Hardhat",
  );
  lines.push(
    "provides it; produced by `npm run bench`. Columns are (operators, strategies). `finalize` is per request in a",
  );
  lines.push("batch of 10 with the rate synced in the same block (the sync itself is the `sync` row).");
  lines.push("");
  lines.push(
    `| operation | ${CONFIGS.map((c) => `(${c.operators}, ${c.strategies})`).join(" | ")} | spread 1→16 | target | met? |`,
  );
  lines.push(`|---|${CONFIGS.map(() => "---:").join("|")}|---:|---|---|`);
  for (const op of ops) {
    const values = CONFIGS.map((c) => rows.find((r) => r.operation === op && r.operators === c.operators)!.gasUsed);
    const spread = ((Math.max(...values) - Math.min(...values)) / Math.min(...values)) * 100;
    const target = TARGETS[op];
    let targetText = "—";
    let met = "—";
    if (target) {
      const limits = CONFIGS.map((c) => target.limit(c.operators, c.strategies));
      targetText = new Set(limits).size === 1 ? `≤ ${fmt(limits[0])}` : `≤ ${limits.map(fmt).join(" / ")}`;
      met = values
        .map((v, i) => (v <= limits[i] ? `yes (${fmt(limits[i] - v)} under)` : `no (${fmt(v - limits[i])} over)`))
        .join("; ");
    }
    lines.push(`| ${op} | ${values.map(fmt).join(" | ")} | ${spread.toFixed(2)}% | ${targetText} | ${met} |`);
  }
  lines.push("");
  lines.push("## Peers (from ../shared/docs/gas-anchors.md)");
  lines.push("");
  lines.push("| operation | peer | gas | note |");
  lines.push("|---|---|---:|---|");
  lines.push("| ETH deposit (`submit`) | Lido | ~86,000 | buffered, O(1) |");
  lines.push(
    "| ETH/LST deposit (`calculateTVLs` inside) | Renzo | ≥ 450,000 (1 OD × 2 tokens) | O(ODs × tokens) on every deposit |",
  );
  lines.push("| `depositAsset` | Kelp | 174,587 (test body, mocks) | O(NDCs) limit check |");
  lines.push("| `depositWstETH` | Puffer | 304,042 (whole fork test) | upper bound |");
  lines.push("| `requestWithdrawals`, 1 request | Lido | 228,163 | NFT + queue entry |");
  lines.push("| `claimWithdrawals` | Lido | 89,818 per request | |");
  lines.push("| `depositIntoStrategy` (repeat, delegated) | EigenLayer | ~108,200 tx | what a keeper restake wraps |");
  lines.push("| physical floor: payable mint, new / repeat holder | — | 50,584 / 33,484 | measured |");
  lines.push(
    "| physical floor: LST mint, new / repeat holder | — | 74,575 / 57,475 | measured, separate totalAssets slot |",
  );
  lines.push("");
  return lines.join("\n");
}

async function main() {
  const rows: Row[] = [];
  for (const config of CONFIGS) rows.push(...(await measure(config)));
  const dir = path.join(__dirname, "..", "reports");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "gas.json"), JSON.stringify(rows, null, 2) + "\n");
  fs.writeFileSync(path.join(dir, "gas.md"), markdown(rows));
  log(`wrote reports/gas.json (${rows.length} rows) and reports/gas.md`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
