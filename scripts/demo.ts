/**
 * `npm run demo`: lrt-vault end to end on Hardhat's in-process network, with nothing but `npm ci`.
 *
 * Deploys the local EigenLayer, the LST stand-ins and the suite (2 operators, stETH/rETH/cbETH strategies); three
 * users deposit ETH, stETH and rETH; the keeper restakes across both operators; time passes with LST yield and an
 * EigenLayer rewards claim; a holder asks to withdraw in ETH; a request in WETH, which the vault does not hold, is
 * refused (no route); an AVS slashes one operator by 20% of its allocation; another holder asks to withdraw in stETH,
 * all of which is restaked, so the request is accepted against the restaked stETH; finalize pays the ETH lane while
 * the stETH lane waits; EigenLayer liquidity is queued and completed; the stETH request is finalized; both are
 * claimed. Prints a table after every step and writes reports/demo.json and reports/rate.svg.
 */
import fs from "node:fs";
import path from "node:path";
import { ethers } from "hardhat";
import { mine, time } from "@nomicfoundation/hardhat-network-helpers";
import { MaxUint256, ZeroAddress, formatEther, parseEther, type ContractTransactionResponse } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { REWARDS_ACTIVATION_DELAY, SET_ID, deploySuite, type Suite } from "../test/fixtures/suite";
import { ascending } from "../test/fixtures/eigenlayer";
import { buildRewardsMerkleTree } from "../test/helpers/rewardsMerkle";
import { asWithdrawal } from "./lib/withdrawal";
import { renderLineChart, type ChartPoint } from "./lib/chart";

interface Step {
  label: string;
  rate: string;
  totalAssets: string;
  totalSupply: string;
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
const steps: Step[] = [];
const chart: ChartPoint[] = [];
const eth = (wei: bigint, digits = 6) => Number(formatEther(wei)).toFixed(digits);

async function main() {
  const started = Date.now();
  const say = (msg: string) => process.stdout.write(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}\n`);

  say("deploying the local EigenLayer, the LST stand-ins and lrt-vault (2 operators, 3 strategies)...");
  const s = await deploySuite({ operators: 2, strategies: 3 });
  const signers = await ethers.getSigners();
  const carol = signers[9];
  const { alice, bob, keeper } = s.signers;
  const users: [string, HardhatEthersSigner][] = [
    ["alice", alice],
    ["bob", bob],
    ["carol", carol],
  ];
  const ETH = await s.vault.ETH();

  /** The request id a `requestWithdrawal` created (from the queue's WithdrawalRequested event). */
  async function requested(tx: Promise<ContractTransactionResponse>): Promise<bigint> {
    const receipt = (await (await tx).wait())!;
    const queue = (s.queue.target as string).toLowerCase();
    for (const entry of receipt.logs) {
      if (entry.address.toLowerCase() !== queue) continue;
      const parsed = s.queue.interface.parseLog(entry);
      if (parsed?.name === "WithdrawalRequested") return parsed.args.requestId as bigint;
    }
    throw new Error("demo: no WithdrawalRequested event");
  }

  /** Records a step; `kind` marks it on the chart with the `short` label (or the first words of `label`). */
  async function record(label: string, kind?: ChartPoint["kind"], short?: string) {
    const [rate, totalAssets, totalSupply] = await Promise.all([
      s.vault.getRate(),
      s.vault.totalAssets(),
      s.vault.totalSupply(),
    ]);
    steps.push({
      label,
      rate: rate.toString(),
      totalAssets: totalAssets.toString(),
      totalSupply: totalSupply.toString(),
    });
    const mark = short ?? (label.length > 26 ? `${label.slice(0, 25)}…` : label);
    chart.push({ x: chart.length, y: Number(formatEther(rate)), label: kind ? mark : undefined, kind });
    const rows = [
      `  rate ${eth(rate, 9)} ETH/lrETH   TVL ${eth(totalAssets, 4)} ETH   supply ${eth(totalSupply, 4)} lrETH`,
    ];
    for (const [name, user] of users) {
      const bal = await s.vault.balanceOf(user);
      rows.push(
        `  ${name.padEnd(6)} ${eth(bal, 6).padStart(12)} lrETH = ${eth((bal * rate) / 10n ** 18n, 6).padStart(12)} ETH`,
      );
    }
    say(`step ${steps.length}: ${label}\n${rows.join("\n")}`);
  }

  await record("deployed: 1 ETH seed minted to the dead address");

  // 1. Deposits.
  await s.vault.connect(alice).depositETH(alice, 0, 1, { value: parseEther("10") });
  await record("alice deposits 10 ETH");
  await s.tokens.stETH.connect(bob).submit(ZeroAddress, { value: parseEther("10.5") });
  await s.tokens.stETH.connect(bob).approve(s.vault, MaxUint256);
  await s.vault.connect(bob).depositLST(s.tokens.stETH, parseEther("10"), bob, 0, 2);
  await record("bob deposits 10 stETH");
  await s.tokens.rETH.connect(carol).deposit({ value: parseEther("11") });
  await s.tokens.rETH.connect(carol).approve(s.vault, MaxUint256);
  await s.vault.connect(carol).depositLST(s.tokens.rETH, parseEther("10"), carol, 0, 3);
  await record("carol deposits 10 rETH");

  // 2. Restake across both operators (each move goes toward the 50/50 targets).
  const stBuffer = (await s.vault.assetInfo(s.tokens.stETH)).bufferUnits;
  const rBuffer = (await s.vault.assetInfo(s.tokens.rETH)).bufferUnits;
  await s.manager.connect(keeper).restake(s.delegators[0], s.tokens.stETH, stBuffer / 2n);
  await s.manager.connect(keeper).restake(s.delegators[1], s.tokens.stETH, stBuffer - stBuffer / 2n);
  await s.manager.connect(keeper).restake(s.delegators[1], s.tokens.rETH, rBuffer / 2n);
  await s.manager.connect(keeper).restake(s.delegators[0], s.tokens.rETH, rBuffer - rBuffer / 2n);
  await s.accountant.sync();
  await record("keeper restakes stETH and rETH across 2 operators; sync");

  // 3. Three days of LST yield.
  await time.increase(3 * DAY);
  const pooled = await s.tokens.stETH.getTotalPooledEther();
  await s.tokens.stETH.rebase((pooled * 3n) / 1000n); // +0.3%
  await s.tokens.rETH.setExchangeRate(((await s.tokens.rETH.getExchangeRate()) * 1002n) / 1000n); // +0.2%
  await s.accountant.sync();
  await record("3 days of LST yield (stETH +0.3%, rETH +0.2%); sync streams it", "gain", "LST yield");

  // 4. An EigenLayer rewards claim: operator 0's delegator earned 0.05 stETH.
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
  await time.increase(REWARDS_ACTIVATION_DELAY);
  await s.manager
    .connect(keeper)
    .claimRewards(
      s.delegators[0],
      tree.claimFor(s.delegators[0].target as string, [s.tokens.stETH.target as string], 0),
    );
  await s.accountant.sync();
  await record("EigenLayer reward claimed (0.05 stETH); sync streams it", "gain", "EigenLayer reward");

  // 5. Gains vest.
  await time.increase(4 * DAY);
  await s.accountant.sync();
  await record("4 days later: yield and reward vesting into the rate", "gain", "gains vest");

  // 6. alice asks to withdraw half before the slash.
  await s.vault.connect(alice).approve(s.queue, MaxUint256);
  const aliceShares = (await s.vault.balanceOf(alice)) / 2n;
  const aliceId = await requested(s.queue.connect(alice).requestWithdrawal(aliceShares, ETH, alice));
  await record("alice requests a withdrawal of half her lrETH in ETH (before the loss)", "withdraw", "alice requests");

  // 7. carol asks to be paid in WETH, which the vault does not hold (nobody deposited any): refused at request time
  // (WithdrawalQueueNoRoute), so no request can ever wait on an asset the vault cannot pay.
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
  await record(`carol asks for half her lrETH in WETH: refused (${refusal})`, "info", "WETH request refused");

  // 8. The AVS slashes operator 0 by 20% of its allocation in every strategy.
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
    "loss",
    "slash: operator 0, 20%",
  );

  // 9. bob asks to withdraw half after the slash, in stETH.
  await s.vault.connect(bob).approve(s.queue, MaxUint256);
  const bobShares = (await s.vault.balanceOf(bob)) / 2n;
  const stBufferNow = (await s.vault.assetInfo(s.tokens.stETH)).bufferUnits;
  const bobId = await requested(s.queue.connect(bob).requestWithdrawal(bobShares, s.tokens.stETH, bob));
  await record(
    `bob requests a withdrawal of half his lrETH in stETH (after the loss; stETH buffer ${eth(stBufferNow, 4)} shares: ` +
      "accepted against the restaked stETH)",
    "withdraw",
    "bob requests",
  );

  // 10. finalize: the ETH lane pays alice; the stETH lane waits for EigenLayer liquidity without holding her back.
  await s.queue.finalize(10);
  const status = async (id: bigint) =>
    ["", "pending", "finalized", "claimed", "moved"][Number((await s.queue.getRequest(id)).status)];
  const [aliceStatus, bobStatus] = [await status(aliceId), await status(bobId)];
  if (aliceStatus !== "finalized" || bobStatus !== "pending") {
    throw new Error(`demo: expected alice finalized and bob pending, got ${aliceStatus} / ${bobStatus}`);
  }
  await record(
    "finalize: alice's ETH request is paid from the ETH buffer; bob's stETH request waits in its own lane",
    "withdraw",
    "ETH lane finalized",
  );

  // 11. stETH liquidity: queue an EigenLayer withdrawal from operator 1's delegator, complete it after the delay.
  const stStrategy = s.strategies[0];
  const [withdrawable] = await s.el.delegationManager.getWithdrawableShares(s.delegators[1], [stStrategy]);
  await s.manager.connect(keeper).queueWithdrawal(s.delegators[1], s.tokens.stETH, withdrawable[0]);
  say("EigenLayer withdrawal queued; mining the withdrawal delay...");
  await mine(Number(await s.el.delegationManager.minWithdrawalDelayBlocks()) + 1);
  const [queued] = await s.el.delegationManager.getQueuedWithdrawals(s.delegators[1]);
  await s.manager.completeWithdrawals(s.delegators[1], queued.map(asWithdrawal));
  await s.accountant.sync();
  await record("EigenLayer withdrawal (operator 1, stETH) completed into the buffer for withdrawals; sync");

  // 12. Finalize the stETH request (syncs in the same transaction) and claim both.
  await s.queue.finalize(10);
  if ((await status(bobId)) !== "finalized") throw new Error("demo: bob's request is still pending");
  await record(
    "stETH lane finalized: payout = min(value at request, value now); lrETH burned",
    "withdraw",
    "stETH lane finalized",
  );
  const aliceEthBefore = await ethers.provider.getBalance(alice);
  const aliceClaim = await (await s.queue.connect(alice).claim([aliceId], alice)).wait();
  const aliceGas = aliceClaim!.gasUsed * aliceClaim!.gasPrice;
  const aliceReceived = (await ethers.provider.getBalance(alice)) - aliceEthBefore + aliceGas;
  const bobStBefore = await s.tokens.stETH.balanceOf(bob);
  await s.queue.connect(bob).claim([bobId], bob);
  const bobReceived = (await s.tokens.stETH.balanceOf(bob)) - bobStBefore;
  await record("withdrawals claimed: alice paid in ETH, bob in stETH", "withdraw", "claimed");

  // What each received and why.
  const withdrawals: WithdrawalReport[] = [];
  for (const [holder, id, received, asset] of [
    ["alice", aliceId, aliceReceived, "ETH"],
    ["bob", bobId, bobReceived, "stETH"],
  ] as [string, bigint, bigint, string][]) {
    const r = await s.queue.getRequest(id);
    const finalized = (await s.queue.queryFilter(s.queue.filters.WithdrawalFinalized(id)))[0].args;
    if (r.asset.toLowerCase() !== (asset === "ETH" ? ETH : (s.tokens.stETH.target as string)).toLowerCase()) {
      throw new Error(`demo: request ${id} is not in the ${asset} lane`);
    }
    const why =
      finalized.rateAtFinalization < r.rateAtRequest
        ? "requested before the slash: paid at the lower rate after it (the slash is shared with those who stay)"
        : "requested after the slash: paid its value at request (gains while waiting stay with the holders)";
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

  process.stdout.write("\nSteps\n");
  console.table(
    steps.map((st) => ({
      step: st.label.length > 70 ? `${st.label.slice(0, 67)}...` : st.label,
      "rate (ETH/lrETH)": eth(BigInt(st.rate), 9),
      "TVL (ETH)": eth(BigInt(st.totalAssets), 4),
      "supply (lrETH)": eth(BigInt(st.totalSupply), 4),
    })),
  );
  process.stdout.write("\nWithdrawals\n");
  console.table(
    withdrawals.map((w) => ({
      holder: w.holder,
      lrETH: eth(BigInt(w.shares), 4),
      "rate at request": eth(BigInt(w.rateAtRequest), 9),
      "rate at finalization": eth(BigInt(w.rateAtFinalization), 9),
      "value at request (ETH)": eth(BigInt(w.valueAtRequest), 6),
      "paid (ETH value)": eth(BigInt(w.paidValue), 6),
      received: `${eth(BigInt(w.paidAmount), 6)} ${w.asset}`,
      why: w.why,
    })),
  );

  const dir = path.join(__dirname, "..", "reports");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "demo.json"), JSON.stringify({ steps, withdrawals }, null, 2) + "\n");
  fs.writeFileSync(
    path.join(dir, "rate.svg"),
    renderLineChart(chart, "lrETH exchange rate over the demo", "ETH per lrETH") + "\n",
  );
  say("wrote reports/demo.json and reports/rate.svg");
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
