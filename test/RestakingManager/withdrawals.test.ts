import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, mine } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress, parseEther } from "ethers";
import { EIGEN_DELAYS } from "../../scripts/lib/eigenlayer";
import { deployRestakedFixture, restaked } from "../fixtures/restaked";
import { deployStrategy } from "../../scripts/lib/eigenlayer";
import type { Restakable, Suite } from "../../scripts/lib/suite";
import type { QueuedWithdrawalModel } from "../helpers/eigenlayerModel";
import {
  blockOf,
  bufferOf,
  expectBuffers,
  expectManagerEmpty,
  expectPositions,
  expectOutside,
  outsideOf,
  positionTotals,
  queuedOf,
  withdrawalRoot,
} from "../helpers/restaking";

const DELAY = EIGEN_DELAYS.minWithdrawalDelayBlocks;

/** The restaked suite; positions() already matches the model. */
async function restakedChecked() {
  const r = await restaked();
  await expectPositions(r.s, r.m);
  return r;
}

/** Each total is at most 2 units below (never above) the one before: the floors of converting two sums, not one. */
function expectWithinRounding(totals: bigint[], before: bigint[]): void {
  totals.forEach((t, i) => expect(t).to.be.within(before[i] - 2n, before[i]));
}

/** Mines until a withdrawal queued at `startBlock` can complete in the next block. */
async function passDelay(startBlock: number): Promise<void> {
  const latest = await ethers.provider.getBlockNumber();
  if (latest < startBlock + DELAY) await mine(startBlock + DELAY - latest);
}

/** The manager's caps: pending EigenLayer withdrawals per delegator, and strategies. */
const MAX_PENDING = 10;
const MAX_STRATEGIES = 4;

/**
 * The restaked suite with a fourth strategy (wstETH, the most the vault takes) and delegator 0 (target raised to
 * 8000 bps) holding deposit shares in all four, so a forced undelegation of it queues MAX_STRATEGIES withdrawals.
 */
async function fourStrategiesFixture() {
  const { s } = await deployRestakedFixture();
  const { alice, keeper } = s.signers;
  const [d0, d1, d2] = s.delegators;
  const wstStrategy = await deployStrategy(s.el, await s.tokens.wstETH.getAddress());
  await s.vault.setStrategy(s.tokens.wstETH, wstStrategy);
  await s.manager.setTargets([d0, d1, d2], [8000, 1000, 1000]);
  // Alice wraps stETH and deposits the wstETH.
  await s.tokens.stETH.connect(alice).submit(ZeroAddress, { value: parseEther("5") });
  await s.tokens.stETH.connect(alice).approve(s.tokens.wstETH, ethers.MaxUint256);
  await s.tokens.wstETH.connect(alice).wrap(parseEther("4"));
  const wst = await s.tokens.wstETH.balanceOf(alice);
  await s.tokens.wstETH.connect(alice).approve(s.vault, wst);
  await s.vault.connect(alice).depositLST(s.tokens.wstETH, wst, alice, 0, 0);
  const k = s.manager.connect(keeper);
  await k.restake(d0, s.tokens.cbETH, parseEther("1"));
  await k.restake(d0, s.tokens.wstETH, parseEther("2"));
  return { s };
}

/** The four restaked tokens (the vault lists them as stETH, wstETH, rETH, cbETH). */
const FOUR = ["stETH", "rETH", "cbETH", "wstETH"] as const;

/** `delegator`'s pending EigenLayer withdrawals. */
async function pendingOf(s: Suite, delegator: string): Promise<number> {
  return (await s.el.delegationManager.getQueuedWithdrawalRoots(delegator)).length;
}

describe("RestakingManager withdrawals", function () {
  it("queueWithdrawal converts withdrawable shares with convertToDepositShares (after a slash) and keeps them counted", async function () {
    const { s, m } = await restakedChecked();
    const [d0] = s.delegators;
    const d = d0.target as string;
    // A slash makes the slashing factor non-trivial: deposit shares ≠ withdrawable shares.
    const slashBlock = await blockOf(
      s.avs.slash(s.operators[0], 1, [m.strategyOf("rETH")], [parseEther("0.3")], "conversion"),
    );
    m.slash(s.operators[0].address, ["rETH"], parseEther("0.3"), slashBlock);
    await expectPositions(s, m);

    const wanted = m.eigen.withdrawable(d, m.strategyOf("rETH")) / 3n + 1n;
    const totalsBefore = await positionTotals(s);
    const nextBlock = (await ethers.provider.getBlockNumber()) + 1;
    const { depositShares, withdrawal } = m.queue(d, "rETH", wanted, nextBlock);
    expect(depositShares).to.equal(
      (await s.el.delegationManager.convertToDepositShares(d0, [m.strategyOf("rETH")], [wanted]))[0],
    );
    expect(depositShares).to.be.greaterThan(wanted); // the slash raised the deposit shares needed

    const tx = s.manager.connect(s.signers.keeper).queueWithdrawal(d0, s.tokens.rETH, wanted);
    const block = await blockOf(tx);
    expect(block).to.equal(nextBlock);
    const [queued] = await queuedOf(s, d);
    expect(queued.scaledShares[0]).to.equal(withdrawal.scaledShares);
    await expect(tx)
      .to.emit(s.manager, "WithdrawalQueued")
      .withArgs(d0, s.strategies[1], withdrawalRoot(queued), depositShares);
    expect(await s.el.strategyManager.stakerDepositShares(d0, m.strategyOf("rETH"))).to.equal(
      m.eigen.depositSharesOf(d, m.strategyOf("rETH")),
    );
    await expectPositions(s, m);
    // Value moved from "withdrawable" to "queued": the rETH total is unchanged up to EigenLayer's own floors (two
    // WAD multiplications on each side and one share→token conversion per sum: at most 2 wei here).
    const totalsAfter = await positionTotals(s);
    expect(totalsAfter[1]).to.be.within(totalsBefore[1] - 2n, totalsBefore[1]);
    expect(totalsAfter[0]).to.equal(totalsBefore[0]);
  });

  it("completeWithdrawals (permissionless) puts the model's tokens into the buffer in the same transaction the queued value leaves positions()", async function () {
    const { s, m, probe } = await restakedChecked();
    const [, d1] = s.delegators;
    const d = d1.target as string;
    const keeper = s.manager.connect(s.signers.keeper);
    const wantedR = m.eigen.withdrawable(d, m.strategyOf("rETH")) / 2n;
    const wantedS = m.eigen.withdrawable(d, m.strategyOf("stETH")) - 5n;
    const startR = await blockOf(keeper.queueWithdrawal(d1, s.tokens.rETH, wantedR));
    const qR = m.queue(d, "rETH", wantedR, startR).withdrawal;
    const startS = await blockOf(keeper.queueWithdrawal(d1, s.tokens.stETH, wantedS));
    const qS = m.queue(d, "stETH", wantedS, startS).withdrawal;
    await expectPositions(s, m);
    const withdrawals = await queuedOf(s, d);
    expect(withdrawals.length).to.equal(2);
    // Queueing moves nothing in the vault's books: the units stay outside (restaked → queued).
    await expectOutside(s, m);
    const outsideR = await outsideOf(s, "rETH");
    const outsideS = await outsideOf(s, "stETH");

    // One block early EigenLayer refuses.
    const latest = await ethers.provider.getBlockNumber();
    await mine(startS + DELAY - 1 - latest);
    await expect(
      s.manager.connect(s.signers.stranger).completeWithdrawals(d1, [withdrawals[1]]),
    ).to.be.revertedWithCustomError(s.el.delegationManager, "WithdrawalDelayNotElapsed");
    // (The failed transaction was mined in block startS + DELAY.) Calls run in the latest block's context: one more
    // block, and both the probe's call and the real transaction are past the window.
    await mine(1);

    // The probe completes both (anyone may) and reads buffers and positions right before and after, in one tx.
    const blockNow = (await ethers.provider.getBlockNumber()) + 1;
    const modelBefore = m.positions(blockNow);
    const bufferBefore = new Map(m.buffer);
    const outR = m.complete(qR, blockNow);
    const outS = m.complete(qS, blockNow);
    const modelAfter = m.positions(blockNow);
    const assets = await s.vault.assets();
    const index = async (t: Restakable) => assets.indexOf(await s.tokens[t].getAddress());
    const [before, after] = await probe.completeAndSnapshot.staticCall(s.manager, s.vault, d1, withdrawals);
    for (const [t, p] of [
      ["stETH", 0],
      ["rETH", 1],
    ] as [Restakable, number][]) {
      expect(before.positions[p].queuedUnits).to.equal(modelBefore[p].queuedUnits);
      expect(after.positions[p].queuedUnits).to.equal(0n);
      expect(after.positions[p].withdrawableUnits).to.equal(modelAfter[p].withdrawableUnits);
      expect(before.inputs[await index(t)].buffer).to.equal(bufferBefore.get(t));
      expect(after.inputs[await index(t)].buffer).to.equal(m.buffer.get(t));
    }
    // rETH: the queued units move to the buffer 1:1 (same strategy rate, same floor); stETH: Lido's share
    // rounding on the two transfers (strategy → delegator → vault) can cost one share.
    expect(outR.units).to.equal(modelBefore[1].queuedUnits);
    expect(outS.units).to.be.within(modelBefore[0].queuedUnits - 1n, modelBefore[0].queuedUnits);

    // Now for real, by a stranger.
    const tx = s.manager.connect(s.signers.stranger).completeWithdrawals(d1, withdrawals);
    await expect(tx)
      .to.emit(s.manager, "WithdrawalCompleted")
      .withArgs(d1, withdrawalRoot(withdrawals[0]), s.tokens.rETH, outR.units)
      .and.to.emit(s.manager, "WithdrawalCompleted")
      .withArgs(d1, withdrawalRoot(withdrawals[1]), s.tokens.stETH, outS.units);
    expect(await blockOf(tx)).to.equal(blockNow);
    await expect(tx)
      .to.emit(s.vault, "BufferAbsorbed")
      .withArgs(s.tokens.rETH, d1, outR.units, true)
      .and.to.emit(s.vault, "BufferAbsorbed")
      .withArgs(s.tokens.stETH, d1, outS.units, true);
    await expectBuffers(s, m);
    await expectPositions(s, m);
    // The units that came back left the vault's restaked/queued side: outsideUnits fell by exactly them.
    expect(await outsideOf(s, "rETH")).to.equal(outsideR - outR.units);
    expect(await outsideOf(s, "stETH")).to.equal(outsideS - outS.units);
    await expectOutside(s, m);
    expect(await queuedOf(s, d)).to.deep.equal([]);
    expect(await s.tokens.rETH.balanceOf(d1)).to.equal(0n);
    expect(await s.tokens.stETH.sharesOf(d1)).to.equal(m.steth.sharesOf(d.toLowerCase()));
    await expectManagerEmpty(s);
  });

  it("a forced undelegation by the operator keeps every share in positions() (totals equal up to 2 units of rounding); completion restores them to the buffer", async function () {
    const { s, m } = await restakedChecked();
    const [d0] = s.delegators;
    const d = d0.target as string;
    const totalsBefore = await positionTotals(s);
    const bufferR = await bufferOf(s, "rETH");
    const bufferS = await bufferOf(s, "stETH");

    const tx = s.el.delegationManager.connect(s.operators[0]).undelegate(d0);
    await expect(tx).to.emit(s.el.delegationManager, "StakerForceUndelegated").withArgs(d0, s.operators[0]);
    const block = await blockOf(tx);
    const queued = m.undelegate(d, block);
    expect(queued.length).to.equal(2);
    await expectPositions(s, m);
    // Withdrawable moved to queued. EigenLayer reports the queued shares with the same two floors as the
    // withdrawable ones, so no share is lost; but positions() converts each sum once (shares → tokens → units,
    // both floored), and one sum became two: the total can only drop, by at most 2 units (stETH: 2 floors).
    expectWithinRounding(await positionTotals(s), totalsBefore);
    const positions = await s.manager.positions();
    expect(positions[0].queuedUnits + positions[1].queuedUnits).to.be.greaterThan(0n);

    await expectOutside(s, m);
    const [detail] = (await s.manager.delegatorPositions()).filter((p) => p.delegator === d);
    expect(detail.delegated).to.equal(false);
    expect(detail.operator).to.equal(s.operators[0].address);

    await passDelay(block);
    const withdrawals = await queuedOf(s, d);
    const completeBlock = (await ethers.provider.getBlockNumber()) + 1;
    const unitsIn = new Map<string, bigint>();
    for (const w of withdrawals) {
      const strategy = (w.strategies[0] as string).toLowerCase();
      unitsIn.set(
        strategy,
        m.complete(
          queued.find((q) => q.strategy === strategy)!,
          completeBlock,
        ).units,
      );
    }
    await s.manager.connect(s.signers.stranger).completeWithdrawals(d0, withdrawals);
    await expectBuffers(s, m);
    await expectPositions(s, m);
    const units = (t: Restakable) => unitsIn.get(m.strategyOf(t))!;
    expect(await bufferOf(s, "rETH")).to.equal(bufferR + units("rETH"));
    expect(await bufferOf(s, "stETH")).to.equal(bufferS + units("stETH"));
    expect(await s.el.delegationManager.getQueuedWithdrawalRoots(d0)).to.deep.equal([]);
    await expectOutside(s, m);
    // A sync re-bases outsideUnits to what EigenLayer holds now (restaked + queued, as positions() reports).
    const syncBlock = await blockOf(s.accountant.sync());
    m.syncOutside(syncBlock);
    await expectOutside(s, m);
    const synced = m.positions(syncBlock);
    expect(await outsideOf(s, "rETH")).to.equal(synced[1].withdrawableUnits + synced[1].queuedUnits);
  });

  it("redelegate queues every share (still counted) and delegates to the new operator; completion restores the buffer", async function () {
    const { s, m } = await restakedChecked();
    const [, d1] = s.delegators;
    const d = d1.target as string;
    const totalsBefore = await positionTotals(s);

    await expect(s.manager.connect(s.signers.keeper).redelegate(d1, s.operators[2]))
      .to.be.revertedWithCustomError(s.manager, "AccessManagedUnauthorized")
      .withArgs(s.signers.keeper);
    const tx = s.manager.redelegate(d1, s.operators[2]);
    await expect(tx).to.emit(s.manager, "Redelegated").withArgs(d1, s.operators[2]);
    const block = await blockOf(tx);
    const queued: QueuedWithdrawalModel[] = m.redelegate(d, s.operators[2].address, block);
    expect(queued.length).to.equal(2);
    expect(await s.el.delegationManager.delegatedTo(d1)).to.equal(s.operators[2].address);
    expect(await d1.operator()).to.equal(s.operators[2].address);
    await expectPositions(s, m);
    expectWithinRounding(await positionTotals(s), totalsBefore);

    await passDelay(block);
    const withdrawals = await queuedOf(s, d);
    const completeBlock = (await ethers.provider.getBlockNumber()) + 1;
    for (const w of withdrawals) {
      m.complete(
        queued.find((q) => q.strategy === (w.strategies[0] as string).toLowerCase())!,
        completeBlock,
      );
    }
    await s.manager.connect(s.signers.stranger).completeWithdrawals(d1, withdrawals);
    await expectBuffers(s, m);
    await expectPositions(s, m);
    await expectManagerEmpty(s);
  });

  it("a second redelegation waits until every withdrawal queued under the previous operator completed (RestakingManagerPreviousOperatorPending)", async function () {
    const { s, m } = await restakedChecked();
    const [, d1] = s.delegators;
    const d = d1.target as string;
    const [op0, op1, op2] = s.operators;
    const first = await blockOf(s.manager.redelegate(d1, op2));
    expect(m.redelegate(d, op2.address, first).length).to.equal(2);
    expect(await d1.previousOperator()).to.equal(op1.address);
    expect(m.previousPending(d)).to.equal(op1.address.toLowerCase());
    // Moving on would stop watching op1 while its withdrawals can still be slashed.
    await expect(s.manager.redelegate(d1, op0))
      .to.be.revertedWithCustomError(s.manager, "RestakingManagerPreviousOperatorPending")
      .withArgs(d1, op1);

    await passDelay(first);
    const [w0, w1] = await queuedOf(s, d);
    const completeBlock = (await ethers.provider.getBlockNumber()) + 1;
    const strategyOf = (w: typeof w0) => (w.strategies[0] as string).toLowerCase();
    m.complete(
      m.eigen.queue.find((q) => q.staker === d.toLowerCase() && q.strategy === strategyOf(w0))!,
      completeBlock,
    );
    await s.manager.completeWithdrawals(d1, [w0]);
    // One still pending under op1: still refused.
    expect(m.previousPending(d)).to.equal(op1.address.toLowerCase());
    await expect(s.manager.redelegate(d1, op0))
      .to.be.revertedWithCustomError(s.manager, "RestakingManagerPreviousOperatorPending")
      .withArgs(d1, op1);
    m.complete(
      m.eigen.queue.find((q) => q.staker === d.toLowerCase() && q.strategy === strategyOf(w1))!,
      completeBlock + 1,
    );
    await s.manager.completeWithdrawals(d1, [w1]);
    expect(m.previousPending(d)).to.equal(null);
    const second = await blockOf(s.manager.redelegate(d1, op0));
    expect(m.redelegate(d, op0.address, second)).to.deep.equal([]);
    expect(await d1.operator()).to.equal(op0.address);
    expect(await d1.previousOperator()).to.equal(op2.address);
    await expectBuffers(s, m);
    await expectPositions(s, m);
    await expectOutside(s, m);
  });

  it("rejects a withdrawal of another delegator, an unknown delegator, an empty list and a non-keeper queue", async function () {
    const { s } = await restakedChecked();
    const [d0, d1] = s.delegators;
    const start = await blockOf(s.manager.connect(s.signers.keeper).queueWithdrawal(d1, s.tokens.rETH, 1000n));
    await passDelay(start);
    const [w] = await queuedOf(s, d1.target as string);
    await expect(s.manager.completeWithdrawals(d0, [w]))
      .to.be.revertedWithCustomError(s.manager, "RestakingManagerForeignWithdrawal")
      .withArgs(withdrawalRoot(w));
    await expect(s.manager.completeWithdrawals(s.signers.stranger, [w]))
      .to.be.revertedWithCustomError(s.manager, "RestakingManagerUnknownDelegator")
      .withArgs(s.signers.stranger);
    await expect(s.manager.completeWithdrawals(d1, [])).to.be.revertedWithCustomError(
      s.manager,
      "RestakingManagerZeroInput",
    );
    await expect(s.manager.connect(s.signers.stranger).queueWithdrawal(d1, s.tokens.rETH, 1000n))
      .to.be.revertedWithCustomError(s.manager, "AccessManagedUnauthorized")
      .withArgs(s.signers.stranger);
    await expect(
      s.manager.connect(s.signers.keeper).queueWithdrawal(d1, s.tokens.rETH, 0n),
    ).to.be.revertedWithCustomError(s.manager, "RestakingManagerZeroInput");
    await expect(s.manager.connect(s.signers.keeper).queueWithdrawal(d1, s.tokens.weth, 1n))
      .to.be.revertedWithCustomError(s.manager, "RestakingManagerNoStrategy")
      .withArgs(s.tokens.weth);
    // The real owner completes it.
    await s.manager.completeWithdrawals(d1, [w]);
    expect(await s.el.delegationManager.getQueuedWithdrawalRoots(d1)).to.deep.equal([]);
  });

  describe("pending-withdrawal cap (RestakingManagerTooManyPending)", function () {
    it("the manager's caps are 10 pending withdrawals per delegator and 4 strategies", async function () {
      const { s } = await loadFixture(fourStrategiesFixture);
      expect(await s.manager.MAX_PENDING_WITHDRAWALS()).to.equal(BigInt(MAX_PENDING));
      expect(await s.manager.MAX_STRATEGIES()).to.equal(BigInt(MAX_STRATEGIES));
      const [d0] = s.delegators;
      const [withdrawable] = await s.el.delegationManager.getWithdrawableShares(
        d0,
        await Promise.all(FOUR.map((t) => s.manager.strategyOf(s.tokens[t]))),
      );
      for (const w of withdrawable) expect(w).to.be.greaterThan(0n);
    });

    it("worst case: the keeper fills to its limit, the operator forces an undelegation, and the count never passes 10", async function () {
      const { s } = await loadFixture(fourStrategiesFixture);
      const [d0] = s.delegators;
      const d = d0.target as string;
      const keeper = s.manager.connect(s.signers.keeper);
      // queueWithdrawal needs pending + 1 + MAX_STRATEGIES <= MAX_PENDING: the keeper may queue while pending <= 5.
      const queueAllowed = MAX_PENDING - 1 - MAX_STRATEGIES;
      let pending = 0;
      for (let i = 0; i <= queueAllowed; ++i) {
        await keeper.queueWithdrawal(d0, s.tokens[FOUR[i % FOUR.length]], 1000n + BigInt(i));
        pending += 1;
        expect(await pendingOf(s, d)).to.equal(pending);
      }
      expect(pending).to.equal(6);
      await expect(keeper.queueWithdrawal(d0, s.tokens.rETH, 1000n))
        .to.be.revertedWithCustomError(s.manager, "RestakingManagerTooManyPending")
        .withArgs(d0, pending, queueAllowed);
      // Delegated, redelegate needs pending + 2 * MAX_STRATEGIES <= MAX_PENDING.
      await expect(s.manager.redelegate(d0, s.operators[1]))
        .to.be.revertedWithCustomError(s.manager, "RestakingManagerTooManyPending")
        .withArgs(d0, pending, MAX_PENDING - 2 * MAX_STRATEGIES);

      // The operator forces an undelegation without asking: one withdrawal per strategy with deposit shares (4).
      await s.el.delegationManager.connect(s.operators[0]).undelegate(d0);
      pending += MAX_STRATEGIES;
      expect(await pendingOf(s, d)).to.equal(pending);
      expect(pending).to.equal(MAX_PENDING);
      // Nothing the manager does can add one now.
      await expect(keeper.queueWithdrawal(d0, s.tokens.rETH, 1000n))
        .to.be.revertedWithCustomError(s.manager, "RestakingManagerTooManyPending")
        .withArgs(d0, MAX_PENDING, queueAllowed);
      // Undelegated, redelegate only delegates, but the new operator may force again: pending + MAX_STRATEGIES.
      await expect(s.manager.redelegate(d0, s.operators[1]))
        .to.be.revertedWithCustomError(s.manager, "RestakingManagerTooManyPending")
        .withArgs(d0, MAX_PENDING, MAX_PENDING - MAX_STRATEGIES);

      // Completing (permissionless) frees room: down to 6, the redelegation fits exactly.
      const all = await queuedOf(s, d);
      const latestStart = Math.max(...all.map((w) => Number(w.startBlock)));
      await passDelay(latestStart);
      await s.manager.connect(s.signers.stranger).completeWithdrawals(d0, all.slice(0, 4));
      pending -= 4;
      expect(await pendingOf(s, d)).to.equal(pending);
      await expect(s.manager.redelegate(d0, s.operators[1]))
        .to.emit(s.manager, "Redelegated")
        .withArgs(d0, s.operators[1]);
      expect(await pendingOf(s, d)).to.equal(pending); // it queued nothing: everything was queued already
      expect(await s.el.delegationManager.delegatedTo(d0)).to.equal(s.operators[1].address);
    });

    it("redelegate (delegated) keeps room for its own withdrawals and a later forced undelegation; the operator forcing afterwards stays within 10", async function () {
      const { s } = await loadFixture(fourStrategiesFixture);
      const [d0] = s.delegators;
      const d = d0.target as string;
      const keeper = s.manager.connect(s.signers.keeper);
      const redelegateAllowed = MAX_PENDING - 2 * MAX_STRATEGIES;
      let pending = 0;
      for (let i = 0; i <= redelegateAllowed; ++i) {
        await keeper.queueWithdrawal(d0, s.tokens[FOUR[i % FOUR.length]], 2000n + BigInt(i));
        pending += 1;
      }
      expect(pending).to.equal(3);
      expect(await pendingOf(s, d)).to.equal(pending);
      await expect(s.manager.redelegate(d0, s.operators[1]))
        .to.be.revertedWithCustomError(s.manager, "RestakingManagerTooManyPending")
        .withArgs(d0, pending, redelegateAllowed);
      // One completes: 2 pending, the redelegation fits and queues one withdrawal per strategy (4).
      const [first] = await queuedOf(s, d);
      await passDelay(Number(first.startBlock));
      await s.manager.completeWithdrawals(d0, [first]);
      pending -= 1;
      await s.manager.redelegate(d0, s.operators[1]);
      pending += MAX_STRATEGIES;
      expect(await pendingOf(s, d)).to.equal(pending);
      expect(pending).to.equal(6);

      // The keeper restakes every asset with the new operator (d0 holds nothing withdrawable: toward its target).
      for (const t of FOUR) await keeper.restake(d0, s.tokens[t], parseEther("0.001"));
      await expect(keeper.queueWithdrawal(d0, s.tokens.rETH, 1000n))
        .to.be.revertedWithCustomError(s.manager, "RestakingManagerTooManyPending")
        .withArgs(d0, pending, MAX_PENDING - 1 - MAX_STRATEGIES);
      // The new operator forces an undelegation: 4 more, exactly the cap.
      await s.el.delegationManager.connect(s.operators[1]).undelegate(d0);
      pending += MAX_STRATEGIES;
      expect(await pendingOf(s, d)).to.equal(pending);
      expect(pending).to.equal(MAX_PENDING);
    });
  });
});
