import { expect } from "chai";
import { ethers } from "hardhat";
import { mine } from "@nomicfoundation/hardhat-network-helpers";
import { parseEther } from "ethers";
import { EIGEN_DELAYS } from "../fixtures/eigenlayer";
import { restaked } from "../fixtures/restaked";
import type { Restakable } from "../fixtures/suite";
import type { QueuedWithdrawalModel } from "../helpers/eigenlayerModel";
import {
  blockOf,
  bufferOf,
  expectBuffers,
  expectManagerEmpty,
  expectPositions,
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
      expect(before.buffers[await index(t)]).to.equal(bufferBefore.get(t));
      expect(after.buffers[await index(t)]).to.equal(m.buffer.get(t));
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
    await expectBuffers(s, m);
    await expectPositions(s, m);
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
});
