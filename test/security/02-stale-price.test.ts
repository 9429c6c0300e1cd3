/**
 * Attack 2 of issue 9: deposits at a stale price after an LST's own rate fell, before anyone synced. On `main` the
 * deposit was priced at the last sync's price: cbETH -5% gave the attacker +3.47 ETH on 100 ETH, a Lido -2% negative
 * rebase +1.58 ETH, rETH 1.1 -> 1.089 +0.1336 ETH on 21.78 ETH, all paid by the holders.
 *
 * The attacker here buys the LST at its new (lower) rate, deposits it before any sync, asks for ETH in the same
 * minute and claims. Its profit is what arrived at a fresh address minus the ETH it paid for the LST; every expected
 * value comes from the `Ledger` (live deposit price = min(stored, live protocol, market)) and the rate model.
 *
 * Also the newcomer after an EigenLayer slash: the deposit path cannot see a slash (it would have to call EigenLayer
 * per operator), so a deposit between the slash and the next sync pays for the slash. The suite's answer is
 * `accountant.freshness()` (slashedSinceSync) plus a permissionless `sync()` and the keeper syncing on the slashing
 * events: a depositor who looks first (or a keeper who syncs in the next block) loses nothing.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress, parseEther } from "ethers";
import { deployVaultFixture, type VaultFixture } from "../fixtures/vault";
import { restaked } from "../fixtures/restaked";
import { SEED } from "../../scripts/lib/suite";
import { Ledger, ledgerAddresses, type Key } from "../helpers/ledger";
import { WAD, min, mulDiv } from "../helpers/math";
import { blockOf, slashOperator } from "../helpers/restaking";
import { ETH, claimToFresh, eth, mined, requestIdOf, timeOf } from "./helpers";

/** What the honest holders hold before the attack (ETH each spends). */
const HOLDERS = {
  bobETH: parseEther("150"),
  aliceCbETH: parseEther("50"),
  aliceStake: parseEther("30"),
  aliceRETH: parseEther("22"),
};

/** The vault with honest holders of ETH, cbETH, stETH and rETH, all deposited at the first sync's prices. */
async function holdersFixture() {
  const f = await deployVaultFixture();
  const { alice, bob } = f.signers;
  const { stETH, rETH, cbETH } = f.tokens;
  const [, , , , , , , attacker] = await ethers.getSigners();
  await f.vault.connect(bob).depositETH(bob, 0, 0, { value: HOLDERS.bobETH });
  await cbETH.connect(alice).deposit({ value: HOLDERS.aliceCbETH });
  await stETH.connect(alice).submit(ZeroAddress, { value: HOLDERS.aliceStake });
  await rETH.connect(alice).deposit({ value: HOLDERS.aliceRETH });
  const amounts = {
    cbETH: await cbETH.balanceOf(alice),
    stETH: await stETH.balanceOf(alice),
    rETH: await rETH.balanceOf(alice),
  };
  for (const key of ["cbETH", "stETH", "rETH"] as const) {
    await f.tokens[key].connect(alice).approve(f.vault, amounts[key]);
    await f.vault.connect(alice).depositLST(f.tokens[key], amounts[key], alice, 0, 0);
  }
  return { ...f, attacker };
}

/** The ledger of `holdersFixture`, from the inputs only. */
async function holdersLedger(f: VaultFixture): Promise<Ledger> {
  const { alice, bob } = f.signers;
  const l = new Ledger(await ledgerAddresses(f), f.firstSyncAt, f.accountantInitAt);
  l.deposit(bob.address, "ETH", HOLDERS.bobETH);
  l.deposit(alice.address, "cbETH", mulDiv(HOLDERS.aliceCbETH, WAD, l.cbETHRate));
  l.steth.submit(alice.address, HOLDERS.aliceStake);
  l.depositTokens(alice.address, alice.address, "stETH", l.steth.balanceOf(alice.address));
  l.deposit(alice.address, "rETH", mulDiv(HOLDERS.aliceRETH, WAD, l.rETHRate));
  return l;
}

type Fixture = Awaited<ReturnType<typeof holdersFixture>>;

/**
 * The attacker deposits `amount` of `key` (bought for `paid` ETH), asks for all its lrETH in ETH, finalizes and
 * claims. Checks every step against the ledger (which already holds the price move) and a ledger without the
 * attacker; returns the attacker's profit (ETH out - ETH paid).
 */
async function depositAndExit(f: Fixture, l: Ledger, without: Ledger, key: Key, amount: bigint, paid: bigint) {
  const { attacker } = f;
  const token = f.tokens[key as "cbETH"];
  await token.connect(attacker).approve(f.vault, amount);
  const before = await f.vault.balanceOf(attacker);
  await mined(await f.vault.connect(attacker).depositLST(token, amount, attacker, 0, 0));
  const shares = (await f.vault.balanceOf(attacker)) - before;
  // Priced at the live (fallen) price: min(stored, live protocol, market), never the stale stored one.
  expect(shares, "lrETH minted at the live price").to.equal(
    l.depositTokens(attacker.address, attacker.address, key, amount),
  );

  await f.vault.connect(attacker).approve(f.queue, shares);
  const requestTx = await f.queue.connect(attacker).requestWithdrawal(shares, ETH, attacker);
  const id = await requestIdOf(f.queue, requestTx);
  const rateAtRequest = l.rateAt(await timeOf(requestTx));
  const finalizeTx = await f.queue.finalize(10);
  const t = await timeOf(finalizeTx);
  const synced = l.sync(t);
  const holdersAlone = without.sync(t);
  expect(await f.accountant.rate(), "the finalize's sync books the fall").to.equal(synced.rate);
  // Holders lose no more than the fall itself costs them: with the attacker in, their rate is at least what it is
  // without the attacker.
  expect(synced.rate).to.be.at.least(holdersAlone.rate);

  const out = await claimToFresh(f.queue, attacker, [id]);
  expect(out, "payout = shares x min(rate at request, rate now)").to.equal(
    mulDiv(shares, min(rateAtRequest, synced.rate), WAD),
  );
  return { out, profit: out - paid, loss: synced.loss };
}

describe("Security 2: deposits after an LST's own rate fell, before anyone synced", function () {
  it("cbETH -5% (posted, market feed lagging at 1.05): 100 ETH of cbETH deposited and exited in ETH makes no profit", async function () {
    const f = await loadFixture(holdersFixture);
    const l = await holdersLedger(f);
    const without = await holdersLedger(f);
    const fallen = (parseEther("1.05") * 95n) / 100n; // 0.9975
    await f.tokens.cbETH.connect(f.signers.cbETHOracle).updateExchangeRate(fallen);
    l.cbETHRate = fallen;
    without.cbETHRate = fallen;
    const paid = parseEther("100");
    await f.tokens.cbETH.connect(f.attacker).deposit({ value: paid });
    const amount = await f.tokens.cbETH.balanceOf(f.attacker);
    expect(amount).to.equal(mulDiv(paid, WAD, fallen));

    const { out, profit } = await depositAndExit(f, l, without, "cbETH", amount, paid);
    console.log(`      cbETH -5%: attacker paid 100 ETH, took out ${eth(out)} ETH, profit ${eth(profit)} ETH`);
    expect(profit).to.be.at.most(0n);
  });

  it("Lido -2% negative rebase: 100 ETH of stETH deposited and exited in ETH makes no profit", async function () {
    const f = await loadFixture(holdersFixture);
    const l = await holdersLedger(f);
    const without = await holdersLedger(f);
    const delta = -(l.steth.pooledEther * 2n) / 100n;
    await f.tokens.stETH.connect(f.signers.admin).rebase(delta);
    l.steth.rebase(delta);
    without.steth.rebase(delta);
    const paid = parseEther("100");
    await f.tokens.stETH.connect(f.attacker).submit(ZeroAddress, { value: paid });
    l.steth.submit(f.attacker.address, paid);
    without.steth.submit(f.attacker.address, paid);
    const amount = await f.tokens.stETH.balanceOf(f.attacker);
    expect(amount).to.equal(l.steth.balanceOf(f.attacker.address));

    const { out, profit } = await depositAndExit(f, l, without, "stETH", amount, paid);
    console.log(`      Lido -2%: attacker paid 100 ETH, took out ${eth(out)} ETH, profit ${eth(profit)} ETH`);
    expect(profit).to.be.at.most(0n);
  });

  it("rETH 1.1 -> 1.089: 20 rETH bought for 21.78 ETH, deposited and exited in ETH makes no profit", async function () {
    const f = await loadFixture(holdersFixture);
    const l = await holdersLedger(f);
    const without = await holdersLedger(f);
    const fallen = parseEther("1.089");
    await f.tokens.rETH.connect(f.signers.admin).setExchangeRate(fallen);
    l.rETHRate = fallen;
    without.rETHRate = fallen;
    const paid = parseEther("21.78");
    await f.tokens.rETH.connect(f.attacker).deposit({ value: paid });
    const amount = await f.tokens.rETH.balanceOf(f.attacker);
    expect(amount).to.equal(parseEther("20"));

    const { out, profit } = await depositAndExit(f, l, without, "rETH", amount, paid);
    console.log(`      rETH -1%: attacker paid 21.78 ETH, took out ${eth(out)} ETH, profit ${eth(profit)} ETH`);
    expect(profit).to.be.at.most(0n);
  });
});

describe("Security 2: a newcomer depositing after an EigenLayer slash, before the sync", function () {
  const NEWCOMER = parseEther("25");
  /** The AVS slashes a quarter of operator 0's allocation to every strategy. */
  const WAD_SLASHED = parseEther("0.25");

  /** The restaked suite with operator 0 slashed (model updated); the newcomer is the stranger. */
  async function slashed() {
    const { s, m } = await restaked();
    await slashOperator(s, m, s.operators[0], WAD_SLASHED, "security 2");
    return { s, m, newcomer: s.signers.stranger };
  }

  it("without a sync first the newcomer pays for the slash; freshness() says so before the deposit", async function () {
    const { s, m, newcomer } = await slashed();
    const [age, slashedSinceSync] = await s.accountant.freshness();
    // What a dApp sees before the deposit: the rate predates a slash of one of the vault's operators.
    expect(slashedSinceSync, "freshness reports the slash").to.equal(true);
    expect(age).to.be.greaterThan(0n);
    expect(await s.vault.getRate(), "getRate() still serves the pre-slash rate").to.equal(WAD);

    // The suite's one sync (at deploy) found rate 1: ETH mints 1 lrETH per ETH until the next sync.
    await s.vault.connect(newcomer).depositETH(newcomer, 0, 0, { value: NEWCOMER });
    expect(await s.vault.balanceOf(newcomer)).to.equal(NEWCOMER);
    await s.vault.connect(newcomer).approve(s.queue, NEWCOMER);
    const id = await requestIdOf(s.queue, await s.queue.connect(newcomer).requestWithdrawal(NEWCOMER, ETH, newcomer));
    const finalizeBlock = await blockOf(s.queue.finalize(10));
    // The finalize's sync books the slash on everyone, the newcomer included.
    const value = m.totalValue(finalizeBlock, SEED + NEWCOMER);
    const rateAfter = mulDiv(value, WAD, m.supply + NEWCOMER);
    expect(await s.accountant.rate()).to.equal(rateAfter);
    const out = await claimToFresh(s.queue, newcomer, [id]);
    expect(out).to.equal(mulDiv(NEWCOMER, rateAfter, WAD));
    const loss = NEWCOMER - out;
    console.log(`      newcomer without a sync first: paid 25 ETH, took out ${eth(out)} ETH, lost ${eth(loss)} ETH`);
    // The exposure exists (the deposit path cannot see EigenLayer slashes): it is the slash's share of 25 ETH.
    expect(loss).to.be.greaterThan(parseEther("0.5"));
  });

  it("with a sync first (as freshness() asks) the newcomer loses nothing beyond rounding", async function () {
    const { s, m, newcomer } = await slashed();
    const syncBlock = await blockOf(s.accountant.sync());
    const [, slashedSinceSync] = await s.accountant.freshness();
    expect(slashedSinceSync, "a sync in a later block clears the flag").to.equal(false);
    const value = m.totalValue(syncBlock);
    const rate = mulDiv(value, WAD, m.supply);
    expect(await s.vault.getRate(), "the slash is in the rate").to.equal(rate);

    await s.vault.connect(newcomer).depositETH(newcomer, 0, 0, { value: NEWCOMER });
    // Deposit rate: the value per lrETH the sync found, rounded up; ETH mints 1e18 * 1e18 / depositRate per 1e18.
    const depositRate = mulDiv(value, WAD, m.supply, "ceil");
    const shares = mulDiv(NEWCOMER, mulDiv(WAD, WAD, depositRate), WAD);
    expect(await s.vault.balanceOf(newcomer)).to.equal(shares);
    await s.vault.connect(newcomer).approve(s.queue, shares);
    const id = await requestIdOf(s.queue, await s.queue.connect(newcomer).requestWithdrawal(shares, ETH, newcomer));
    await mined(await s.queue.finalize(10));
    const out = await claimToFresh(s.queue, newcomer, [id]);
    expect(out).to.equal(mulDiv(shares, rate, WAD));
    console.log(
      `      newcomer after a sync: paid 25 ETH, took out ${eth(out)} ETH (${eth(out - NEWCOMER)} wei-level)`,
    );
    // Rounding only: the deposit's floors and the rate's floor, a few wei per ETH-unit of rate.
    expect(NEWCOMER - out).to.be.at.most(100n);
  });
});
