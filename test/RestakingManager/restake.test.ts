import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { parseEther } from "ethers";
import { deploySuiteFixture, depositLST, type Restakable, type Suite } from "../../scripts/lib/suite";
import { CBETH_INITIAL_RATE, RETH_INITIAL_RATE } from "../../scripts/lib/constants";
import { RestakingModel } from "../helpers/restakingModel";
import { WAD, mulDiv } from "../helpers/math";
import { payoutPrice } from "../helpers/priceBoundsModel";
import {
  blockOf,
  bufferOf,
  expectBuffers,
  expectManagerEmpty,
  expectOutside,
  expectPositions,
  outsideOf,
  positionTotals,
} from "../helpers/restaking";

/** ETH alice turns into each LST and deposits. */
const DEPOSITS: Record<Restakable, bigint> = {
  stETH: parseEther("40") + 123n,
  rETH: parseEther("44") + 7n,
  cbETH: parseEther("21") + 5n,
};

/** The suite with alice's deposits of every restakable LST in the buffer. */
async function fundedFixture() {
  const s = await deploySuiteFixture();
  const m = await RestakingModel.of(s);
  const eth = DEPOSITS;
  for (const token of m.tokens) {
    const amount = await depositLST(s, s.signers.alice, token, eth[token]);
    expect(m.depositLST(s.signers.alice.address, token, eth[token]).amount).to.equal(amount);
  }
  return { s, m };
}

/** Fixtures are snapshots; the model (plain objects) is rebuilt from the same steps per test. */
async function funded(): Promise<{ s: Suite; m: RestakingModel }> {
  const { s } = await loadFixture(fundedFixture);
  const m = await RestakingModel.of(s);
  for (const token of m.tokens) m.depositLST(s.signers.alice.address, token, DEPOSITS[token]);
  await expectBuffers(s, m);
  return { s, m };
}

describe("RestakingManager.restake", function () {
  it("moves exactly `units` of rETH from the buffer into the strategy through the delegator", async function () {
    const { s, m } = await funded();
    const [d0] = s.delegators;
    const units = parseEther("10") + 3n;
    const bufferBefore = await bufferOf(s, "rETH");
    const expectedShares = m.restake(d0.target as string, "rETH", units);

    const tx = s.manager.connect(s.signers.keeper).restake(d0, s.tokens.rETH, units);
    await expect(tx).to.emit(s.manager, "Restaked").withArgs(d0, s.tokens.rETH, units, expectedShares);
    await expect(tx).to.emit(s.vault, "BufferReleased").withArgs(s.tokens.rETH, d0, units);

    expect(await bufferOf(s, "rETH")).to.equal(bufferBefore - units);
    // The units moved from the buffer to the restaked side of the vault's books (nothing was restaked before).
    expect(await outsideOf(s, "rETH")).to.equal(units);
    await expectOutside(s, m);
    const [withdrawable, deposit] = await s.el.delegationManager.getWithdrawableShares(d0, [m.strategyOf("rETH")]);
    expect(deposit[0]).to.equal(expectedShares);
    expect(withdrawable[0]).to.equal(m.eigen.withdrawable(d0.target as string, m.strategyOf("rETH")));
    // An empty strategy mints exactly the amount (1000/1000 virtual offset).
    expect(expectedShares).to.equal(units);
    expect(await s.tokens.rETH.balanceOf(m.strategyOf("rETH"))).to.equal(m.strategies.get("rETH")!.balance);
    expect(await s.tokens.rETH.balanceOf(d0)).to.equal(0n);
    expect(await s.tokens.rETH.allowance(d0, s.el.strategyManager)).to.equal(0n);
    await expectManagerEmpty(s);
    await expectPositions(s, m);
  });

  it("restakes stETH by Lido shares and deposits what the delegator received (exact to the wei)", async function () {
    const { s, m } = await funded();
    const [d0, d1] = s.delegators;
    // Two moves into an already non-empty strategy, at a pool rate of 1.05 stETH per share.
    const first = parseEther("7") + 11n;
    const second = parseEther("5") + 999n;
    const shares1 = m.restake(d0.target as string, "stETH", first);
    await expect(s.manager.connect(s.signers.keeper).restake(d0, s.tokens.stETH, first))
      .to.emit(s.manager, "Restaked")
      .withArgs(d0, s.tokens.stETH, first, shares1);
    const shares2 = m.restake(d1.target as string, "stETH", second);
    await expect(s.manager.connect(s.signers.keeper).restake(d1, s.tokens.stETH, second))
      .to.emit(s.manager, "Restaked")
      .withArgs(d1, s.tokens.stETH, second, shares2);

    await expectBuffers(s, m);
    // outsideUnits grew by the units released (Lido shares), whatever the strategy credited.
    expect(await outsideOf(s, "stETH")).to.equal(first + second);
    await expectOutside(s, m);
    for (const d of [d0, d1]) {
      const [withdrawable] = await s.el.delegationManager.getWithdrawableShares(d, [m.strategyOf("stETH")]);
      expect(withdrawable[0]).to.equal(m.eigen.withdrawable(d.target as string, m.strategyOf("stETH")));
      // Whatever Lido's share rounding leaves behind is what the model predicts (at most one share).
      expect(await s.tokens.stETH.sharesOf(d)).to.equal(m.steth.sharesOf((d.target as string).toLowerCase()));
      expect(await s.tokens.stETH.sharesOf(d)).to.be.at.most(1n);
    }
    expect(await s.tokens.stETH.balanceOf(m.strategyOf("stETH"))).to.equal(m.strategies.get("stETH")!.balance);
    expect(await s.strategies[0].totalShares()).to.equal(m.strategies.get("stETH")!.totalShares);
    await expectManagerEmpty(s);
    await expectPositions(s, m);
  });

  it("deposits only what the vault released: tokens sent to a delegator by anyone else never enter EigenLayer", async function () {
    // Regression (found by test/invariant/system.property.test.ts): restake used to deposit the delegator's whole
    // token balance, so a donation to a delegator entered the strategy on the next restake of that token and was
    // counted in TVL (and in the target check) as if the vault had deposited it.
    const { s, m } = await funded();
    const [d0, d1] = s.delegators;
    const { admin } = s.signers;
    const keeper = s.manager.connect(s.signers.keeper);
    const [a0, a1] = [d0, d1].map((d) => (d.target as string).toLowerCase());
    // rETH is donated to d0 and stETH to d1; then each receives a restake of that token (both move toward targets).
    const donatedR = parseEther("2") + 1n;
    const donatedSt = parseEther("1") + 7n;
    await s.tokens.rETH.connect(admin).deposit({ value: parseEther("3") });
    await s.tokens.rETH.connect(admin).transfer(d0, donatedR);
    await s.tokens.stETH.connect(admin).transfer(d1, donatedSt);
    m.steth.transfer(admin.address.toLowerCase(), a1, donatedSt);
    await expectPositions(s, m);
    const totalsBefore = await positionTotals(s);

    const unitsR = parseEther("4") + 3n;
    const unitsSt = parseEther("3") + 5n;
    const strategyR = await s.tokens.rETH.balanceOf(s.strategies[1]);
    const sharesR = m.restake(a0, "rETH", unitsR);
    await expect(keeper.restake(d0, s.tokens.rETH, unitsR))
      .to.emit(s.manager, "Restaked")
      .withArgs(d0, s.tokens.rETH, unitsR, sharesR);
    const sharesSt = m.restake(a1, "stETH", unitsSt);
    await expect(keeper.restake(d1, s.tokens.stETH, unitsSt))
      .to.emit(s.manager, "Restaked")
      .withArgs(d1, s.tokens.stETH, unitsSt, sharesSt);

    // The strategy received exactly the units released; the donations stay with the delegators, never counted.
    expect((await s.tokens.rETH.balanceOf(s.strategies[1])) - strategyR).to.equal(unitsR);
    expect(await s.tokens.rETH.balanceOf(d0)).to.equal(donatedR);
    expect(await s.tokens.stETH.sharesOf(d1)).to.equal(m.steth.sharesOf(a1));
    expect((await s.tokens.stETH.sharesOf(d1)) - m.steth.sharesByPooledEth(donatedSt)).to.be.at.most(1n);
    await expectPositions(s, m);
    // TVL grew by what left the buffer, up to the strategy's and Lido's floors (never by the donations).
    const totalsAfter = await positionTotals(s);
    expect(totalsAfter[1] - totalsBefore[1]).to.be.within(unitsR - 2n, unitsR);
    expect(totalsAfter[0] - totalsBefore[0]).to.be.within(unitsSt - 3n, unitsSt);
    await expectBuffers(s, m);
  });

  describe("allocation targets", function () {
    it("lets the first move into an empty delegator through, even one that overshoots its target", async function () {
      const { s, m } = await funded();
      const [d0] = s.delegators;
      // All of the buffer into one delegator of a 3333 bps target: allowed (it held nothing before).
      const units = await bufferOf(s, "rETH");
      expect(m.targetCheck(d0.target as string, "rETH", units)).to.equal(null);
      m.restake(d0.target as string, "rETH", units);
      await s.manager.connect(s.signers.keeper).restake(d0, s.tokens.rETH, units);
      await expectPositions(s, m);
    });

    it("reverts a move into a delegator already at or above its target share of the total after the move", async function () {
      const { s, m } = await funded();
      const [d0, d1, d2] = s.delegators;
      const keeper = s.manager.connect(s.signers.keeper);
      const units = parseEther("3");
      await keeper.restake(d0, s.tokens.rETH, units);
      m.restake(d0.target as string, "rETH", units);

      // d0 holds everything: any further move into it goes away from its target.
      const expected = m.targetCheck(d0.target as string, "cbETH", 1n);
      expect(expected).to.not.equal(null);
      await expect(keeper.restake(d0, s.tokens.cbETH, 1n))
        .to.be.revertedWithCustomError(s.manager, "RestakingManagerAboveTarget")
        .withArgs(d0, expected!.valueAfter, expected!.targetValue);
      // valueAfter = 3 rETH at 1.1 plus 1 wei of cbETH at 1.05 (floored); target = 3333 bps of the total after.
      expect(expected!.valueAfter).to.equal(parseEther("3.3") + 1n);
      expect(expected!.targetValue).to.equal(((parseEther("3.3") + 1n) * 3333n) / 10_000n);

      // Moves toward the targets pass: d1 and d2 are empty, then d0 is below its share again.
      for (const d of [d1, d2]) {
        expect(m.targetCheck(d.target as string, "stETH", parseEther("3"))).to.equal(null);
        await keeper.restake(d, s.tokens.stETH, parseEther("3"));
        m.restake(d.target as string, "stETH", parseEther("3"));
      }
      expect(m.targetCheck(d0.target as string, "cbETH", parseEther("1"))).to.equal(null);
      await keeper.restake(d0, s.tokens.cbETH, parseEther("1"));
      m.restake(d0.target as string, "cbETH", parseEther("1"));
      await expectPositions(s, m);

      // A delegator whose target is zero never receives anything.
      await s.manager.setTargets([d0, d1, d2], [5000, 5000, 0]);
      m.targets.splice(0, 3, 5000n, 5000n, 0n);
      const zero = m.targetCheck(d2.target as string, "rETH", parseEther("1"));
      expect(zero!.targetValue).to.equal(0n);
      await expect(keeper.restake(d2, s.tokens.rETH, parseEther("1")))
        .to.be.revertedWithCustomError(s.manager, "RestakingManagerAboveTarget")
        .withArgs(d2, zero!.valueAfter, 0n);
    });
  });

  describe("buffer promised to the withdrawal queue", function () {
    it("restake never takes buffer a pending request of the asset may be paid (LRTVaultBufferReserved); other lanes do not reserve it", async function () {
      const { s, m } = await funded();
      const { alice } = s.signers;
      const [d0, d1, d2] = s.delegators;
      const keeper = s.manager.connect(s.signers.keeper);
      // No sync since the deploy: the rate is 1, so a request's value is its shares.
      expect(await s.vault.getRate()).to.equal(WAD);
      await s.vault.connect(alice).approve(s.queue, ethers.MaxUint256);
      // A cbETH request reserves cbETH only.
      const cbShares = parseEther("3") + 1n;
      await s.queue.connect(alice).requestWithdrawal(cbShares, s.tokens.cbETH, alice);
      const cbLiability = mulDiv(
        cbShares,
        WAD,
        payoutPrice(m.price.get("cbETH")!, CBETH_INITIAL_RATE, CBETH_INITIAL_RATE),
      );
      expect(await s.queue.liability(s.tokens.cbETH)).to.equal(cbLiability);
      // An rETH request: the most it can be paid is its value at the payout price (the highest of stored, live and
      // market; all 1.1 here), rounded down, and that much of the rETH buffer is now the queue's.
      const shares = parseEther("20") + 7n;
      await s.queue.connect(alice).requestWithdrawal(shares, s.tokens.rETH, alice);
      const liability = mulDiv(shares, WAD, payoutPrice(m.price.get("rETH")!, RETH_INITIAL_RATE, RETH_INITIAL_RATE));
      expect(await s.queue.liability(s.tokens.rETH)).to.equal(liability);
      const buffer = m.buffer.get("rETH")!;
      const free = buffer - liability;
      expect(free).to.be.greaterThan(0n);

      await expect(keeper.restake(d0, s.tokens.rETH, free + 1n))
        .to.be.revertedWithCustomError(s.vault, "LRTVaultBufferReserved")
        .withArgs(s.tokens.rETH, free + 1n, free);
      // Exactly the free part can go; what stays covers the lane.
      m.restake(d0.target as string, "rETH", free);
      await expect(keeper.restake(d0, s.tokens.rETH, free))
        .to.emit(s.vault, "BufferReleased")
        .withArgs(s.tokens.rETH, d0, free);
      expect(await bufferOf(s, "rETH")).to.equal(liability);
      expect(await outsideOf(s, "rETH")).to.equal(free);
      // (into d1, which holds nothing: the target check passes, the vault refuses)
      await expect(keeper.restake(d1, s.tokens.rETH, 1n))
        .to.be.revertedWithCustomError(s.vault, "LRTVaultBufferReserved")
        .withArgs(s.tokens.rETH, 1n, 0n);
      // cbETH: only its own lane's liability is held back.
      const cbBuffer = m.buffer.get("cbETH")!;
      await expect(keeper.restake(d2, s.tokens.cbETH, cbBuffer - cbLiability + 1n))
        .to.be.revertedWithCustomError(s.vault, "LRTVaultBufferReserved")
        .withArgs(s.tokens.cbETH, cbBuffer - cbLiability + 1n, cbBuffer - cbLiability);
      m.restake(d2.target as string, "cbETH", cbBuffer - cbLiability);
      await keeper.restake(d2, s.tokens.cbETH, cbBuffer - cbLiability);
      await expectBuffers(s, m);
      await expectOutside(s, m);
      await expectPositions(s, m);
    });
  });

  describe("reverts", function () {
    it("for an unknown delegator, an asset without strategy, zero units and more than the buffer (nothing is free beyond it)", async function () {
      const { s, m } = await funded();
      const keeper = s.manager.connect(s.signers.keeper);
      const [d0] = s.delegators;
      await expect(keeper.restake(s.signers.stranger, s.tokens.rETH, 1n))
        .to.be.revertedWithCustomError(s.manager, "RestakingManagerUnknownDelegator")
        .withArgs(s.signers.stranger);
      await expect(keeper.restake(d0, s.tokens.wstETH, 1n))
        .to.be.revertedWithCustomError(s.manager, "RestakingManagerNoStrategy")
        .withArgs(s.tokens.wstETH);
      await expect(keeper.restake(d0, s.tokens.rETH, 0n)).to.be.revertedWithCustomError(
        s.manager,
        "RestakingManagerZeroInput",
      );
      // With no request pending, the whole buffer is free: one unit more is refused as taking what is not free.
      const buffer = m.buffer.get("rETH")!;
      expect(await bufferOf(s, "rETH")).to.equal(buffer);
      await expect(keeper.restake(d0, s.tokens.rETH, buffer + 1n))
        .to.be.revertedWithCustomError(s.vault, "LRTVaultBufferReserved")
        .withArgs(s.tokens.rETH, buffer + 1n, buffer);
    });

    it("for a delegator its operator force-undelegated, until it is redelegated", async function () {
      const { s, m } = await funded();
      const [d0] = s.delegators;
      const keeper = s.manager.connect(s.signers.keeper);
      await s.el.delegationManager.connect(s.operators[0]).undelegate(d0);
      await expect(keeper.restake(d0, s.tokens.rETH, parseEther("1")))
        .to.be.revertedWithCustomError(s.manager, "RestakingManagerNotDelegated")
        .withArgs(d0);
      // Nothing was queued (it held nothing): redelegating only delegates.
      const block = await blockOf(s.manager.redelegate(d0, s.operators[1]));
      expect(m.redelegate(d0.target as string, s.operators[1].address, block)).to.deep.equal([]);
      expect(await s.el.delegationManager.delegatedTo(d0)).to.equal(s.operators[1].address);
      expect(await d0.operator()).to.equal(s.operators[1].address);
      m.restake(d0.target as string, "rETH", parseEther("1"));
      await keeper.restake(d0, s.tokens.rETH, parseEther("1"));
      await expectPositions(s, m);
      expect((await ethers.provider.getBalance(s.manager)) + (await s.tokens.rETH.balanceOf(s.manager))).to.equal(0n);
    });
  });
});
