import { expect } from "chai";
import { ethers } from "hardhat";
import { mine } from "@nomicfoundation/hardhat-network-helpers";
import { parseEther } from "ethers";
import { EIGEN_DELAYS, ascending } from "../fixtures/eigenlayer";
import { restaked } from "../fixtures/restaked";
import { SET_ID, type Restakable } from "../fixtures/suite";
import { WAD, mulDiv } from "../helpers/math";
import { blockOf, expectBuffers, expectPositions, queuedOf } from "../helpers/restaking";

const DELAY = EIGEN_DELAYS.minWithdrawalDelayBlocks;

describe("RestakingManager valuation under slashing", function () {
  it("a slash lowers positions() by exactly the model's amount, and the next sync lowers the rate to match", async function () {
    const { s, m } = await restaked();
    await expectPositions(s, m);
    const rateBefore = await s.vault.getRate();
    expect(rateBefore).to.equal(WAD);
    expect(await s.vault.totalSupply()).to.equal(m.supply);
    const before = m.positions(await ethers.provider.getBlockNumber());

    // The AVS slashes 25% of operator 0's allocation (half its magnitude) to every strategy: 12.5% of d0's shares.
    const strategies = ascending(await Promise.all(s.strategies.map((x) => x.getAddress())));
    const wad = parseEther("0.25");
    const block = await blockOf(
      s.avs.slash(
        s.operators[0],
        SET_ID,
        strategies,
        strategies.map(() => wad),
        "bad",
      ),
    );
    m.slash(s.operators[0].address, m.tokens, wad, block);
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
});
