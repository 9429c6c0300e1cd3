/**
 * Attack 1 of issue 9: one request froze every exit. Finalization was strictly in order across all assets and
 * stopped at the first request its asset's buffer could not pay: a 0.001 lrETH request naming WETH (buffer 0) blocked
 * every later request with 47.6 stETH shares and 21 ETH in the buffers, for good; an honest stETH-only depositor
 * asking 30 lrETH in ETH against a 21 ETH buffer froze the queue until someone deposited 9 more ETH.
 *
 * Now each asset has its own FIFO lane, a request is refused at request time unless its lane's liability fits the
 * asset's buffer plus restaked units (`WithdrawalQueueNoRoute`), restaked units come back with one EigenLayer
 * withdrawal, and a request stuck past `maxWait` can be re-denominated by its owner at the value it had. The suite
 * here holds 21 ETH (20 + the 1 ETH seed), carol's 50 stETH (47.6 Lido shares at 1.05) and alice's 30 rETH, 27 of
 * them restaked; WETH has no buffer and no strategy. Every value is computed from those inputs: the rate stays
 * exactly 1 (ETH and stETH deposits at the first sync's prices, rETH's strategy converts 1:1), so a request of x
 * lrETH is worth x ETH and x * 1e18 / price units of an LST.
 */
import { expect } from "chai";
import { loadFixture, mine, time } from "@nomicfoundation/hardhat-network-helpers";
import { MaxUint256, parseEther } from "ethers";
import { EIGEN_DELAYS } from "../../scripts/lib/eigenlayer";
import { STETH_REBASE, deploySuiteFixture, depositLST } from "../../scripts/lib/suite";
import { PARAMS, RETH_INITIAL_RATE, STETH_SEED } from "../../scripts/lib/constants";
import { StEthModel } from "../helpers/steth";
import { WAD, mulDiv } from "../helpers/math";
import { payoutPrice } from "../helpers/oracleModel";
import { queuedOf } from "../helpers/restaking";
import { ETH, claimToFresh, laneId, mined, requestIdOf, timeOf } from "./helpers";

const PENDING = 1n;
const FINALIZED = 2n;
const MOVED = 4n;
/** stETH's protocol price in the suite (100 ETH pooled, +5 rebase): 1.05 ETH per Lido share; market 1 stETH/ETH. */
const STETH_PRICE = parseEther("1.05");
const RESTAKED_RETH = parseEther("27");

/** bob 20 ETH, carol (stETH only) 50 stETH, alice 30 rETH of which the keeper restaked 27 through delegator 0. */
async function exitsFixture() {
  const s = await deploySuiteFixture();
  const { alice, bob, stranger: carol, keeper } = s.signers;
  await s.vault.connect(bob).depositETH(bob, 0, 0, { value: parseEther("20") });
  await depositLST(s, carol, "stETH", parseEther("50"));
  await depositLST(s, alice, "rETH", parseEther("33"));
  await s.manager.connect(keeper).restake(s.delegators[0], s.tokens.rETH, RESTAKED_RETH);
  for (const user of [alice, bob, carol]) await s.vault.connect(user).approve(s.queue, MaxUint256);
  return { ...s, carol };
}

type Fixture = Awaited<ReturnType<typeof exitsFixture>>;

/** The rate is still exactly 1 after the finalize's sync (nothing gained or lost). */
async function expectRateOne(s: Fixture) {
  expect(await s.accountant.rate()).to.equal(WAD);
}

describe("Security 1: no request can freeze exits", function () {
  it("buffers are what the issue saw: 21 ETH, 47.6 stETH shares, 3 rETH (27 restaked), no WETH", async function () {
    const s = await loadFixture(exitsFixture);
    const info = async (t: string) => s.vault.assetInfo(t);
    expect((await info(ETH)).bufferUnits).to.equal(parseEther("21"));
    // Lido shares carol's whole balance moved (she staked 50 ETH into the suite's 105-ETH / 100-share pool).
    const lido = new StEthModel();
    lido.submit("lido seed", STETH_SEED);
    lido.rebase(STETH_REBASE);
    lido.submit("carol", parseEther("50"));
    const moved = lido.transfer("carol", "vault", lido.balanceOf("carol"));
    expect(moved).to.equal(47_619_047_619_047_619_046n);
    expect((await info(await s.tokens.stETH.getAddress())).bufferUnits).to.equal(moved);
    const rETH = await info(await s.tokens.rETH.getAddress());
    expect(rETH.bufferUnits).to.equal(parseEther("3"));
    expect(rETH.outsideUnits).to.equal(RESTAKED_RETH);
    const weth = await info(await s.tokens.weth.getAddress());
    expect(weth.bufferUnits + weth.outsideUnits).to.equal(0n);
    // finalize with nothing pending returns 0 and does not revert.
    expect(await s.queue.finalize.staticCall(10)).to.equal(0n);
    await mined(await s.queue.finalize(10));
  });

  it("a 0.001 lrETH request naming WETH (no buffer, no strategy) is refused at request time; other lanes finalize", async function () {
    const s = await loadFixture(exitsFixture);
    const { bob } = s.signers;
    const { carol } = s;
    const weth = await s.tokens.weth.getAddress();
    await expect(s.queue.connect(bob).requestWithdrawal(PARAMS.minRequest, weth, bob))
      .to.be.revertedWithCustomError(s.queue, "WithdrawalQueueNoRoute")
      .withArgs(weth, PARAMS.minRequest, 0n);
    const ethId = await requestIdOf(s.queue, await s.queue.connect(bob).requestWithdrawal(parseEther("5"), ETH, bob));
    const stETH = await s.tokens.stETH.getAddress();
    const stId = await requestIdOf(
      s.queue,
      await s.queue.connect(carol).requestWithdrawal(parseEther("10"), stETH, carol),
    );
    expect(await s.queue.finalize.staticCall(100)).to.equal(2n);
    await mined(await s.queue.finalize(100));
    await expectRateOne(s);
    expect((await s.queue.getRequest(ethId)).status).to.equal(FINALIZED);
    expect((await s.queue.getRequest(stId)).status).to.equal(FINALIZED);
    expect(await claimToFresh(s.queue, bob, [ethId])).to.equal(parseEther("5"));
    const price = payoutPrice(STETH_PRICE, STETH_PRICE, STETH_PRICE);
    expect(await claimToFresh(s.queue, carol, [stId], s.tokens.stETH)).to.equal(mulDiv(parseEther("10"), WAD, price));
  });

  it("a stETH-only depositor asking 30 lrETH in ETH against a 21 ETH buffer is refused; in stETH it is paid, ETH deposits paused", async function () {
    const s = await loadFixture(exitsFixture);
    const { carol } = s;
    await s.vault.connect(s.signers.pauser).pauseDeposits(ETH);
    await expect(s.queue.connect(carol).requestWithdrawal(parseEther("30"), ETH, carol))
      .to.be.revertedWithCustomError(s.queue, "WithdrawalQueueNoRoute")
      .withArgs(ETH, parseEther("30"), parseEther("21"));
    const stETH = await s.tokens.stETH.getAddress();
    const id = await requestIdOf(
      s.queue,
      await s.queue.connect(carol).requestWithdrawal(parseEther("30"), stETH, carol),
    );
    const units = mulDiv(parseEther("30"), WAD, STETH_PRICE);
    expect((await s.queue.getRequest(id)).payoutUnits).to.equal(units);
    expect(await s.queue.finalize.staticCall(10)).to.equal(1n);
    await mined(await s.queue.finalize(10));
    await expectRateOne(s);
    expect(await claimToFresh(s.queue, carol, [id], s.tokens.stETH)).to.equal(units);
  });

  it("a request its buffer cannot pay yet never holds back another lane; the keeper's EigenLayer round trip pays it within delay + keeper window", async function () {
    const s = await loadFixture(exitsFixture);
    const { alice, bob } = s.signers;
    const { carol } = s;
    const rETH = await s.tokens.rETH.getAddress();
    // 10 lrETH in rETH = 9.09 rETH: more than the 3 in the buffer, within the 30 the vault holds.
    const requestTx = await s.queue.connect(alice).requestWithdrawal(parseEther("10"), rETH, alice);
    const rId = await requestIdOf(s.queue, requestTx);
    const requestedAt = await timeOf(requestTx);
    const requestBlock = (await mined(requestTx)).blockNumber;
    const rUnits = mulDiv(parseEther("10"), WAD, RETH_INITIAL_RATE);
    expect((await s.queue.getRequest(rId)).payoutUnits).to.equal(rUnits);
    const ethId = await requestIdOf(s.queue, await s.queue.connect(bob).requestWithdrawal(parseEther("5"), ETH, bob));
    const stId = await requestIdOf(
      s.queue,
      await s.queue.connect(carol).requestWithdrawal(parseEther("10"), await s.tokens.stETH.getAddress(), carol),
    );

    // The rETH lane waits; ETH and stETH, requested later, are paid now.
    expect(await s.queue.finalize.staticCall(100)).to.equal(2n);
    await mined(await s.queue.finalize(100));
    expect((await s.queue.getRequest(rId)).status).to.equal(PENDING);
    expect((await s.queue.getRequest(ethId)).status).to.equal(FINALIZED);
    expect((await s.queue.getRequest(stId)).status).to.equal(FINALIZED);
    expect(await s.queue.lane(rETH)).to.deep.equal([1n, 0n, rUnits]);
    // Nothing payable: 0, no revert (a keeper loop keeps going).
    expect(await s.queue.finalize.staticCall(100)).to.equal(0n);
    await mined(await s.queue.finalize(100));

    // The runbook: the keeper queues an EigenLayer withdrawal of the restaked rETH in the next block...
    const d0 = s.delegators[0];
    const strategy = await s.manager.strategyOf(rETH);
    const [[withdrawable]] = await s.el.delegationManager.getWithdrawableShares(d0, [strategy]);
    expect(withdrawable).to.equal(RESTAKED_RETH);
    await mined(await s.manager.connect(s.signers.keeper).queueWithdrawal(d0, rETH, withdrawable));
    // ...EigenLayer's delay passes, anyone completes it (the rETH enters the buffer) and finalizes.
    await mine(EIGEN_DELAYS.minWithdrawalDelayBlocks);
    await mined(await s.manager.connect(bob).completeWithdrawals(d0, await queuedOf(s, d0.target as string)));
    expect((await s.vault.assetInfo(rETH)).bufferUnits).to.equal(parseEther("3") + RESTAKED_RETH);
    const finalizeTx = await s.queue.finalize(100);
    const finalizeBlock = (await mined(finalizeTx)).blockNumber;
    const finalizedAt = await timeOf(finalizeTx);
    expect((await s.queue.getRequest(rId)).status).to.equal(FINALIZED);
    // Within EigenLayer's delay plus the keeper's blocks (one to queue, one to complete and finalize, and the two
    // finalize calls above), and far inside maxWait.
    expect(finalizeBlock - requestBlock).to.be.at.most(EIGEN_DELAYS.minWithdrawalDelayBlocks + 8);
    expect(finalizedAt - requestedAt).to.be.lessThan(BigInt(PARAMS.maxWait));
    expect(await claimToFresh(s.queue, alice, [rId], s.tokens.rETH)).to.equal(rUnits);
  });

  it("a request stuck past maxWait is re-denominated by its owner into ETH at the value it had; other holders' value per share is unchanged", async function () {
    const s = await loadFixture(exitsFixture);
    const { alice, bob } = s.signers;
    const rETH = await s.tokens.rETH.getAddress();
    await mined(await s.accountant.sync());
    const valueBefore = (await s.accountant.books()).lastValue;
    expect(valueBefore).to.equal(WAD);

    const shares = parseEther("10");
    const requestTx = await s.queue.connect(alice).requestWithdrawal(shares, rETH, alice);
    const id = await requestIdOf(s.queue, requestTx);
    const readyAt = (await timeOf(requestTx)) + BigInt(PARAMS.maxWait);
    await mined(await s.queue.finalize(100));
    expect((await s.queue.getRequest(id)).status, "the rETH buffer cannot pay it").to.equal(PENDING);

    await expect(s.queue.connect(bob).redenominate(id, ETH))
      .to.be.revertedWithCustomError(s.queue, "WithdrawalQueueNotOwner")
      .withArgs(id, bob.address, alice.address);
    await time.setNextBlockTimestamp(readyAt - 1n);
    await expect(s.queue.connect(alice).redenominate(id, ETH))
      .to.be.revertedWithCustomError(s.queue, "WithdrawalQueueNotStuck")
      .withArgs(id, readyAt);

    // 16 days on, nothing gained or lost: the value now is the value at request, 10 ETH, paid 1:1 in ETH.
    const value = mulDiv(shares, WAD, WAD);
    const newId = laneId(ETH, 1n);
    await time.setNextBlockTimestamp(readyAt);
    await expect(s.queue.connect(alice).redenominate(id, ETH))
      .to.emit(s.queue, "WithdrawalRedenominated")
      .withArgs(id, newId, ETH, value);
    expect((await s.queue.getRequest(id)).status).to.equal(MOVED);
    expect((await s.queue.lane(rETH)).liability, "the rETH lane's liability is released").to.equal(0n);
    const moved = await s.queue.getRequest(newId);
    expect([moved.shares, moved.rateAtRequest, moved.valueAtRequest, moved.payoutUnits, moved.status]).to.deep.equal([
      shares,
      WAD,
      value,
      value,
      PENDING,
    ]);
    expect(await s.queue.ownerOf(newId)).to.equal(alice.address);

    await mined(await s.queue.finalize(100));
    expect(await claimToFresh(s.queue, alice, [newId])).to.equal(value);
    await mined(await s.accountant.sync());
    expect((await s.accountant.books()).lastValue, "holders who stay: value per lrETH unchanged").to.equal(valueBefore);
    expect(await s.accountant.rate()).to.equal(WAD);
  });

  it("re-denominated into an LST, the units are the value at that asset's payout price; an admin may do it for the owner", async function () {
    const s = await loadFixture(exitsFixture);
    const { alice } = s.signers;
    const rETH = await s.tokens.rETH.getAddress();
    const stETH = await s.tokens.stETH.getAddress();
    const shares = parseEther("10");
    const requestTx = await s.queue.connect(alice).requestWithdrawal(shares, rETH, alice);
    const id = await requestIdOf(s.queue, requestTx);
    await time.setNextBlockTimestamp((await timeOf(requestTx)) + BigInt(PARAMS.maxWait));
    await mined(await s.queue.connect(s.signers.admin).redenominateStuck(id, stETH));
    const newId = laneId(stETH, 1n);
    const units = mulDiv(shares, WAD, payoutPrice(STETH_PRICE, STETH_PRICE, STETH_PRICE));
    expect((await s.queue.getRequest(newId)).payoutUnits).to.equal(units);
    expect(await s.queue.ownerOf(newId)).to.equal(alice.address);
    await mined(await s.queue.finalize(100));
    const received = await claimToFresh(s.queue, alice, [newId], s.tokens.stETH);
    expect(received).to.equal(units);
    // Worth the 10 ETH it had, less the floor of one conversion.
    const worth = mulDiv(received, STETH_PRICE, WAD);
    expect(worth).to.be.at.most(shares);
    expect(shares - worth).to.be.at.most(2n);
  });
});
