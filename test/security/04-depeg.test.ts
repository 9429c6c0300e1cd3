/**
 * Attack 4 of issue 9: cross-asset exits at protocol rates. On `main`, stETH bought at 0.94 on the market, deposited
 * and requested as ETH in the same block paid par: +6.0 ETH on 94 ETH, the ETH buffer drained and replaced by
 * discounted stETH.
 *
 * Now deposits are priced at the lowest of the stored, live protocol and Chainlink market prices, and payouts in an
 * LST at the highest. The attacker here does everything in one block; its profit is measured at market prices. The
 * expected lrETH and payouts come from the `Ledger` (markets set from the feeds' answers) and `payoutPrice`.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress, parseEther } from "ethers";
import { deployVaultFixture } from "../fixtures/vault";
import { RETH_INITIAL_RATE } from "../fixtures/tokens";
import { Ledger, ledgerAddresses } from "../helpers/ledger";
import { WAD, min, mulDiv } from "../helpers/math";
import { payoutPrice } from "../helpers/oracleModel";
import { ETH, TX_GAS, claimToFresh, eth, inOneBlock, laneId, mined } from "./helpers";

const BOB_ETH = parseEther("200");
const CAROL_RETH_MINT = parseEther("33");

/** Honest holders: bob 200 ETH, carol 30 rETH; the attacker approved the queue for its lrETH. */
async function depegFixture() {
  const f = await deployVaultFixture();
  const { bob } = f.signers;
  const [, , , , , , carol, attacker] = await ethers.getSigners();
  await f.vault.connect(bob).depositETH(bob, 0, 0, { value: BOB_ETH });
  await f.tokens.rETH.connect(carol).deposit({ value: CAROL_RETH_MINT });
  const carolRETH = await f.tokens.rETH.balanceOf(carol);
  await f.tokens.rETH.connect(carol).approve(f.vault, carolRETH);
  await f.vault.connect(carol).depositLST(f.tokens.rETH, carolRETH, carol, 0, 0);
  await f.vault.connect(attacker).approve(f.queue, ethers.MaxUint256);
  return { ...f, carol, attacker, carolRETH };
}

type Fixture = Awaited<ReturnType<typeof depegFixture>>;

async function replay(f: Fixture): Promise<Ledger> {
  const l = new Ledger(await ledgerAddresses(f), f.firstSyncAt, f.accountantInitAt);
  l.deposit(f.signers.bob.address, "ETH", BOB_ETH);
  l.deposit(f.carol.address, "rETH", f.carolRETH);
  return l;
}

/** The block timestamp the one-block attacks run at (well inside the first sync's deposit prices). */
async function soon(): Promise<bigint> {
  const latest = await ethers.provider.getBlock("latest");
  return BigInt(latest!.timestamp) + 10n;
}

describe("Security 4: exits cannot arbitrage a depeg", function () {
  it("stETH bought at 0.94, deposited and requested as ETH in the same block: lrETH minted at 0.94 per stETH, no profit", async function () {
    const f = await loadFixture(depegFixture);
    const l = await replay(f);
    const depeg = parseEther("0.94");
    await f.feeds.stETH.setAnswer(depeg);
    l.stETHMarket = depeg;
    const a = f.attacker;
    await f.tokens.stETH.connect(a).submit(ZeroAddress, { value: parseEther("100") });
    l.steth.submit(a.address, parseEther("100"));
    const amount = await f.tokens.stETH.balanceOf(a);
    expect(amount).to.equal(l.steth.balanceOf(a.address));
    // What the attacker paid on the market for it.
    const paid = mulDiv(amount, depeg, WAD);
    await f.tokens.stETH.connect(a).approve(f.vault, amount);
    const rateBefore = await f.accountant.rate();

    const t = await soon();
    const depositRate = l.rates.depositRate;
    const shares = l.depositTokens(a.address, a.address, "stETH", amount);
    const rateAtRequest = l.rateAt(t);
    const txs = await inOneBlock(
      async () => [
        await f.vault.connect(a).depositLST(f.tokens.stETH, amount, a, 0, 0, { gasLimit: TX_GAS }),
        await f.queue.connect(a).requestWithdrawal(shares, ETH, a, { gasLimit: TX_GAS }),
        await f.queue.connect(a).finalize(10, { gasLimit: TX_GAS }),
      ],
      t,
    );
    const blocks = new Set<number>();
    for (const tx of txs) blocks.add((await mined(tx)).blockNumber);
    expect(blocks.size, "deposit, request and finalize in one block").to.equal(1);
    const finalized = l.sync(t);

    // Exact: the deposit was priced at the market, 0.94 ETH per stETH (the Ledger's min(stored, protocol, market)):
    // the lrETH is worth no more than the 94 ETH paid at the deposit rate.
    expect(mulDiv(shares, depositRate, WAD)).to.be.at.most(paid);
    // At the fixture's rate 1 and 100 stETH = 100 Lido shares, that is exactly 94 lrETH; all of it was requested.
    expect(shares).to.equal(parseEther("94"));
    expect((await f.queue.getRequest(laneId(ETH, 1n))).shares).to.equal(shares);
    expect(await f.vault.balanceOf(a)).to.equal(0n);
    const out = await claimToFresh(f.queue, a, [laneId(ETH, 1n)]);
    expect(out).to.equal(mulDiv(shares, min(rateAtRequest, finalized.rate), WAD));
    console.log(
      `      stETH at 0.94: paid ${eth(paid)} ETH for ${eth(amount)} stETH, took out ${eth(out)} ETH, profit ${eth(out - paid)} ETH`,
    );
    expect(out - paid).to.be.at.most(0n);

    // The holders who stay lost nothing: the vault kept 100 stETH (worth 100 ETH at the protocol rate it values
    // them at) for 94 ETH, so the value per lrETH did not fall.
    await mined(await f.accountant.sync());
    expect(await f.accountant.rate()).to.be.at.least(rateBefore);
  });

  it("mirror: rETH at a 5% market premium, deposit ETH and exit in rETH: paid in rETH at the market price, no profit at market prices", async function () {
    const f = await loadFixture(depegFixture);
    const l = await replay(f);
    const premium = (RETH_INITIAL_RATE * 105n) / 100n;
    await f.feeds.rETH.setAnswer(premium);
    l.rETHMarket = premium;
    const a = f.attacker;
    const paid = parseEther("22");

    const t = await soon();
    const shares = l.deposit(a.address, "ETH", paid);
    const rateAtRequest = l.rateAt(t);
    const rETH = await f.tokens.rETH.getAddress();
    const txs = await inOneBlock(
      async () => [
        await f.vault.connect(a).depositETH(a, 0, 0, { value: paid, gasLimit: TX_GAS }),
        await f.queue.connect(a).requestWithdrawal(shares, rETH, a, { gasLimit: TX_GAS }),
        await f.queue.connect(a).finalize(10, { gasLimit: TX_GAS }),
      ],
      t,
    );
    for (const tx of txs) await mined(tx);
    const finalized = l.sync(t);

    const value = mulDiv(shares, min(rateAtRequest, finalized.rate), WAD);
    const price = payoutPrice(l.price.get("rETH")!, l.rETHRate, l.rETHMarket);
    expect(price, "payout priced at the market premium").to.equal(premium);
    const units = await claimToFresh(f.queue, a, [laneId(rETH, 1n)], f.tokens.rETH);
    expect(units).to.equal(mulDiv(value, WAD, price));
    const worth = mulDiv(units, premium, WAD);
    console.log(
      `      rETH at +5%: paid 22 ETH, took out ${eth(units)} rETH worth ${eth(worth)} ETH at the market, profit ${eth(worth - paid)} ETH`,
    );
    expect(worth - paid).to.be.at.most(0n);
  });
});
