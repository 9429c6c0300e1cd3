import { expect } from "chai";
import { ethers, network } from "hardhat";
import { mine, time } from "@nomicfoundation/hardhat-network-helpers";
import { Wallet, ZeroAddress, parseEther } from "ethers";
import { EIGEN_DELAYS, ascending, deployStrategy, registerOperator } from "../../scripts/lib/eigenlayer";
import { restaked } from "../fixtures/restaked";
import { ALLOCATED_MAGNITUDE, SET_ID, type Restakable, type Suite } from "../../scripts/lib/suite";
import type { RestakingModel } from "../helpers/restakingModel";
import { WAD, mulDiv } from "../helpers/math";
import {
  blockOf,
  expectBuffers,
  expectOutside,
  expectPositions,
  outsideOf,
  queuedOf,
  slashOperator,
} from "../helpers/restaking";

const DELAY = EIGEN_DELAYS.minWithdrawalDelayBlocks;

/** Mines until a withdrawal queued at `startBlock` can complete in the next block. */
async function passDelay(startBlock: number): Promise<void> {
  const latest = await ethers.provider.getBlockNumber();
  if (latest < startBlock + DELAY) await mine(startBlock + DELAY - latest);
}

describe("RestakingManager valuation under slashing", function () {
  it("a slash lowers positions() by exactly the model's amount, and the next sync lowers the rate to match", async function () {
    const { s, m } = await restaked();
    await expectPositions(s, m);
    const rateBefore = await s.vault.getRate();
    expect(rateBefore).to.equal(WAD);
    expect(await s.vault.totalSupply()).to.equal(m.supply);
    const before = m.positions(await ethers.provider.getBlockNumber());

    // The AVS slashes 25% of operator 0's allocation (half its magnitude) to every strategy: 12.5% of d0's shares.
    const block = await slashOperator(s, m, s.operators[0], parseEther("0.25"), "bad");
    await expectPositions(s, m);
    const after = m.positions(block);
    // d0 restaked stETH and rETH only; operator 0 has no cbETH delegated.
    const drop = (t: Restakable) => {
      const i = m.tokens.indexOf(t);
      return before[i].withdrawableUnits - after[i].withdrawableUnits;
    };
    expect(drop("stETH")).to.be.greaterThan(0n);
    expect(drop("rETH")).to.be.greaterThan(0n);
    expect(drop("cbETH")).to.equal(0n);
    // Roughly 12.5% of d0's positions (9 stETH shares, 8 rETH): the exact values are the model's above.
    expect(drop("rETH")).to.be.closeTo(parseEther("1"), parseEther("0.001"));

    // The next sync sees the loss at once: rate = value per lrETH, rounded down (no fee below the high-water mark).
    const syncBlock = (await ethers.provider.getBlockNumber()) + 1;
    const value = m.totalValue(syncBlock);
    const expectedRate = mulDiv(value, WAD, m.supply);
    expect(expectedRate).to.be.lessThan(rateBefore);
    const tx = s.accountant.sync();
    await expect(tx)
      .to.emit(s.accountant, "LossRecognised")
      .withArgs(rateBefore - expectedRate, mulDiv(rateBefore - expectedRate, m.supply, WAD));
    expect(await blockOf(tx)).to.equal(syncBlock);
    expect(await s.vault.getRate()).to.equal(expectedRate);
    // The vault's restaked/queued units were the units restaked until now; the sync re-bases them to the slashed
    // positions.
    m.syncOutside(syncBlock);
    await expectOutside(s, m);
    expect(m.outside.get("rETH")).to.equal(after[1].withdrawableUnits);
  });

  it("a slash inside a queued withdrawal's window lowers the queued position, and completion pays the slashed amount", async function () {
    const { s, m } = await restaked();
    const [, d1] = s.delegators;
    const d = d1.target as string;
    const wanted = m.eigen.withdrawable(d, m.strategyOf("rETH"));
    const start = await blockOf(s.manager.connect(s.signers.keeper).queueWithdrawal(d1, s.tokens.rETH, wanted));
    const { withdrawal } = m.queue(d, "rETH", wanted, start);
    await expectPositions(s, m);
    const queuedBefore = (await s.manager.positions())[1].queuedUnits;

    await mine(DELAY - 3);
    const block = await blockOf(
      s.avs.slash(s.operators[1], SET_ID, [m.strategyOf("rETH")], [parseEther("0.5")], "inside the window"),
    );
    expect(block).to.be.at.most(start + DELAY);
    m.slash(s.operators[1].address, ["rETH"], parseEther("0.5"), block);
    await expectPositions(s, m);
    // Half of the allocation (half the magnitude): the queued rETH loses a quarter.
    const queuedAfter = (await s.manager.positions())[1].queuedUnits;
    expect(queuedAfter).to.equal(m.positions(block)[1].queuedUnits);
    expect(queuedAfter).to.equal((queuedBefore * 3n) / 4n); // floor(scaled x 0.75)

    await mine(DELAY);
    const completeBlock = (await ethers.provider.getBlockNumber()) + 1;
    const out = m.complete(withdrawal, completeBlock);
    expect(out.units).to.equal(queuedAfter);
    await s.manager.completeWithdrawals(d1, await queuedOf(s, d));
    await expectBuffers(s, m);
    await expectPositions(s, m);
  });

  describe("slashedSince and the accountant's freshness()", function () {
    /** `freshness()` as the rule says: the age of the last sync, and `model.slashedSince(syncBlock - 1)`. */
    async function expectFreshness(s: Suite, m: RestakingModel, syncBlock: number): Promise<void> {
      const latest = (await ethers.provider.getBlock("latest"))!;
      const synced = (await ethers.provider.getBlock(syncBlock))!;
      const [age, slashed] = await s.accountant.freshness();
      expect(age, "age").to.equal(BigInt(latest.timestamp - synced.timestamp));
      expect(slashed, "slashedSinceSync").to.equal(m.slashedSince(syncBlock - 1));
    }

    async function strategiesAscending(s: Suite): Promise<string[]> {
      return ascending(await Promise.all(s.strategies.map((x) => x.getAddress())));
    }

    it("false before a slash; true after an AVS slash of a delegator's operator for a restaked strategy, until the next sync in a later block", async function () {
      const { s, m } = await restaked();
      const syncBlock = await blockOf(s.accountant.sync());
      m.syncOutside(syncBlock);
      await expectOutside(s, m);
      await time.increase(3600);
      const quiet = await ethers.provider.getBlockNumber();
      expect(m.slashedSince(syncBlock - 1)).to.equal(false);
      expect(await s.manager.slashedSince(syncBlock - 1)).to.equal(false);
      expect(await s.manager.slashedSince(0)).to.equal(false);
      await expectFreshness(s, m, syncBlock);

      // Operator 1 (d1: stETH and rETH) is slashed 10% of its allocation to rETH only.
      const wad = parseEther("0.1");
      const block = await blockOf(s.avs.slash(s.operators[1], SET_ID, [m.strategyOf("rETH")], [wad], "rETH only"));
      m.slash(s.operators[1].address, ["rETH"], wad, block);
      for (const since of [0, syncBlock - 1, quiet, block - 1]) {
        expect(m.slashedSince(since), `model, since ${since}`).to.equal(true);
        expect(await s.manager.slashedSince(since), `since ${since}`).to.equal(true);
      }
      // Nothing was cut after the slash's own block.
      expect(m.slashedSince(block)).to.equal(false);
      expect(await s.manager.slashedSince(block)).to.equal(false);
      await expectFreshness(s, m, syncBlock);
      expect((await s.accountant.freshness()).slashedSinceSync).to.equal(true);
      // The vault's books do not see it before the sync: outsideUnits still say what was there before.
      await expectOutside(s, m);
      expect(await outsideOf(s, "rETH")).to.be.greaterThan(m.positions(block)[1].withdrawableUnits);

      // Anyone syncs, in a later block: the loss is in the rate and freshness is clear again.
      const next = await blockOf(s.accountant.connect(s.signers.stranger).sync());
      expect(next).to.be.greaterThan(block);
      m.syncOutside(next);
      await expectOutside(s, m);
      await expectPositions(s, m);
      await expectFreshness(s, m, next);
      expect((await s.accountant.freshness()).slashedSinceSync).to.equal(false);
    });

    it("a slash in the sync's own block still counts as since the sync (the block before it is the reference)", async function () {
      const { s, m } = await restaked();
      const strategies = await strategiesAscending(s);
      const wad = parseEther("0.2");
      // The slash and a sync in one block, the slash first (same sender: nonce order).
      await network.provider.send("evm_setAutomine", [false]);
      try {
        await s.avs.slash(
          s.operators[2],
          SET_ID,
          strategies,
          strategies.map(() => wad),
          "same block",
          { gasLimit: 2_000_000 },
        );
        await s.accountant.sync({ gasLimit: 5_000_000 });
        await mine(1);
      } finally {
        await network.provider.send("evm_setAutomine", [true]);
      }
      const block = await ethers.provider.getBlockNumber();
      m.slash(s.operators[2].address, m.tokens, wad, block);
      expect((await s.accountant.books()).lastSyncBlock).to.equal(BigInt(block));
      expect(await s.manager.slashedSince(block - 1)).to.equal(true);
      await expectFreshness(s, m, block);
      expect((await s.accountant.freshness()).slashedSinceSync).to.equal(true);
      // A redundant sync at worst: the next one clears it.
      const next = await blockOf(s.accountant.sync());
      await expectFreshness(s, m, next);
      expect((await s.accountant.freshness()).slashedSinceSync).to.equal(false);
    });

    it("a force-undelegated delegator: a slash of its old operator reaches its queued withdrawals and is reported", async function () {
      const { s, m } = await restaked();
      const [, , d2] = s.delegators;
      const syncBlock = await blockOf(s.accountant.sync());
      // Operator 2 force-undelegates d2 (cbETH): not a slash.
      const undelegated = await blockOf(s.el.delegationManager.connect(s.operators[2]).undelegate(d2));
      expect(m.undelegate(d2.target as string, undelegated).length).to.equal(1);
      expect(await s.el.delegationManager.delegatedTo(d2)).to.equal(ZeroAddress);
      expect(await d2.operator()).to.equal(s.operators[2].address);
      expect(await s.manager.slashedSince(syncBlock - 1)).to.equal(false);
      await expectFreshness(s, m, syncBlock);

      // Inside the withdrawal's slashable window, the old operator is slashed 40% of its cbETH allocation.
      await mine(DELAY - 5);
      const queuedBefore = m.positions(await ethers.provider.getBlockNumber())[2].queuedUnits;
      const wad = parseEther("0.4");
      const block = await blockOf(s.avs.slash(s.operators[2], SET_ID, [m.strategyOf("cbETH")], [wad], "old operator"));
      expect(block).to.be.at.most(undelegated + DELAY);
      m.slash(s.operators[2].address, ["cbETH"], wad, block);
      await expectPositions(s, m);
      expect(m.positions(block)[2].queuedUnits).to.be.lessThan(queuedBefore);
      expect(m.slashedSince(syncBlock - 1)).to.equal(true);
      expect(await s.manager.slashedSince(syncBlock - 1)).to.equal(true);
      await expectFreshness(s, m, syncBlock);
      expect((await s.accountant.freshness()).slashedSinceSync).to.equal(true);
      const next = await blockOf(s.accountant.sync());
      await expectFreshness(s, m, next);
      expect((await s.accountant.freshness()).slashedSinceSync).to.equal(false);
    });

    it("after a redelegation, a slash of the previous operator inside its window reaches the queued withdrawals and is reported", async function () {
      const { s, m } = await restaked();
      const [, d1] = s.delegators;
      const syncBlock = await blockOf(s.accountant.sync());
      // d1 (stETH and rETH with operator 1) moves to operator 2: its shares are queued, still slashable by
      // operator 1 for the withdrawal delay.
      const redelegated = await blockOf(s.manager.redelegate(d1, s.operators[2]));
      expect(m.redelegate(d1.target as string, s.operators[2].address, redelegated).length).to.equal(2);
      expect(await d1.operator()).to.equal(s.operators[2].address);
      expect(await s.manager.slashedSince(syncBlock - 1)).to.equal(false);
      const queuedBefore = m.positions(redelegated)[1].queuedUnits;

      const wad = parseEther("0.5");
      const block = await blockOf(
        s.avs.slash(s.operators[1], SET_ID, [m.strategyOf("rETH")], [wad], "previous operator"),
      );
      expect(block).to.be.at.most(redelegated + DELAY);
      m.slash(s.operators[1].address, ["rETH"], wad, block);
      // The queued rETH lost a quarter: the vault's value fell, the rate does not show it yet.
      await expectPositions(s, m);
      expect(m.positions(block)[1].queuedUnits).to.be.lessThan(queuedBefore);
      // The manager watches the operator before the redelegation too.
      expect(await d1.previousOperator()).to.equal(s.operators[1].address);
      expect(m.watchedOperators(d1.target as string)).to.deep.equal(
        [s.operators[2].address, s.operators[1].address].map((a) => a.toLowerCase()),
      );
      expect(m.slashedSince(syncBlock - 1)).to.equal(true);
      expect(await s.manager.slashedSince(syncBlock - 1)).to.equal(true);
      await expectFreshness(s, m, syncBlock);
      const next = await blockOf(s.accountant.sync());
      await expectFreshness(s, m, next);
      expect((await s.accountant.freshness()).slashedSinceSync).to.equal(false);
    });

    it("a second redelegation moves the watch: the operator two redelegations back is no longer watched, the one before is", async function () {
      const { s, m } = await restaked();
      const [, d1] = s.delegators;
      const d = d1.target as string;
      const [op0, op1] = s.operators;
      // A fourth operator, nobody's but d1's for a while.
      const x = new Wallet(ethers.id("lrt-vault slashing: operator x"), ethers.provider);
      await network.provider.send("hardhat_setBalance", [x.address, ethers.toQuantity(parseEther("10"))]);
      const strategies = await strategiesAscending(s);
      await registerOperator(s.el, x, s.avs, SET_ID, strategies, ALLOCATED_MAGNITUDE, 1);
      await mine(1);
      for (const t of m.tokens) m.eigen.allocate(x.address.toLowerCase(), m.set, m.strategyOf(t), ALLOCATED_MAGNITUDE);

      // op1 → x (d1's shares queued under op1), then x → op0 once those withdrawals completed.
      const first = await blockOf(s.manager.redelegate(d1, x));
      m.redelegate(d, x.address, first);
      await passDelay(first);
      const withdrawals = await queuedOf(s, d);
      const completeBlock = (await ethers.provider.getBlockNumber()) + 1;
      for (const w of m.eigen.queue.filter((q) => q.staker === d.toLowerCase())) m.complete(w, completeBlock);
      await s.manager.completeWithdrawals(d1, withdrawals);
      expect(m.previousPending(d)).to.equal(null);
      const second = await blockOf(s.manager.redelegate(d1, op0));
      expect(m.redelegate(d, op0.address, second)).to.deep.equal([]); // nothing left to queue
      expect(await d1.operator()).to.equal(op0.address);
      expect(await d1.previousOperator()).to.equal(x.address);
      expect(m.watchedOperators(d)).to.deep.equal([op0.address, x.address].map((a) => a.toLowerCase()));
      const syncBlock = await blockOf(s.accountant.sync());

      // op1 (two redelegations back, nobody's operator now) is slashed: not reported.
      const wad = parseEther("0.3");
      let block = await blockOf(s.avs.slash(op1, SET_ID, [m.strategyOf("stETH")], [wad], "op1"));
      m.slash(op1.address, ["stETH"], wad, block);
      expect(m.slashedSince(syncBlock - 1)).to.equal(false);
      expect(await s.manager.slashedSince(syncBlock - 1)).to.equal(false);
      await expectFreshness(s, m, syncBlock);
      await expectPositions(s, m);
      // x (the operator before the last redelegation) is slashed: reported, although d1 holds nothing under it any
      // more (the watch is conservative).
      block = await blockOf(s.avs.slash(x, SET_ID, [m.strategyOf("cbETH")], [wad], "x"));
      m.slash(x.address, ["cbETH"], wad, block);
      expect(m.slashedSince(syncBlock - 1)).to.equal(true);
      expect(await s.manager.slashedSince(syncBlock - 1)).to.equal(true);
      await expectFreshness(s, m, syncBlock);
      await expectPositions(s, m);
    });

    it("a slash of one of our operators for a strategy the manager does not restake is not reported", async function () {
      const { s, m } = await restaked();
      const syncBlock = await blockOf(s.accountant.sync());
      // A wstETH strategy (not set in the manager) in a second operator set of the AVS; operator 0 allocates to it.
      const wst = await deployStrategy(s.el, await s.tokens.wstETH.getAddress());
      const setId = SET_ID + 1;
      await s.avs.createOperatorSet(setId, [wst]);
      const set = { avs: await s.avs.getAddress(), id: setId };
      const op = s.operators[0];
      await s.el.allocationManager
        .connect(op)
        .modifyAllocations(op.address, [
          { operatorSet: set, strategies: [await wst.getAddress()], newMagnitudes: [parseEther("0.5")] },
        ]);
      await s.el.allocationManager
        .connect(op)
        .registerForOperatorSets(op.address, { avs: set.avs, operatorSetIds: [setId], data: "0x" });
      await mine(1);
      const wstAddress = (await wst.getAddress()).toLowerCase();
      const setKey = `${set.avs}:${setId}`;
      m.eigen.allocate(op.address.toLowerCase(), setKey, wstAddress, parseEther("0.5"));
      const block = await blockOf(s.avs.slash(op, setId, [wst], [parseEther("0.5")], "not ours"));
      m.eigen.slash(op.address.toLowerCase(), setKey, wstAddress, parseEther("0.5"), block);
      expect(m.eigen.maxMagnitude(op.address.toLowerCase(), wstAddress)).to.be.lessThan(WAD);
      expect((await s.el.allocationManager["getMaxMagnitudes(address,address[])"](op, [wst]))[0]).to.equal(
        m.eigen.maxMagnitude(op.address.toLowerCase(), wstAddress),
      );
      expect(m.slashedSince(syncBlock - 1)).to.equal(false);
      expect(await s.manager.slashedSince(syncBlock - 1)).to.equal(false);
      await expectFreshness(s, m, syncBlock);
      await expectPositions(s, m);
    });
  });
});
