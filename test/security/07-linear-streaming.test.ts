/**
 * Attack 7 of issue 9: the stream restarted at every sync. Each sync spread the still-unvested gain over a fresh
 * full window, so vesting was geometric (66% after one window with daily syncs, 63% with hourly ones) instead of the
 * linear schedule the README promises, and whoever synced chose how fast holders saw their gains.
 *
 * Now a recognised gain is a tranche that vests linearly from its recognition over `streamWindow` and is never
 * re-spread. The same gain is recognised once, then the vault is synced hourly, daily, or not at all: the rate at a
 * quarter, half and the end of the window is the same in the three runs, exactly, and equals the `RateModel`.
 */
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { parseEther } from "ethers";
import { CBETH_INITIAL_RATE } from "../fixtures/tokens";
import { PARAMS, deployVaultFixture } from "../fixtures/vault";
import { Ledger, ledgerAddresses } from "../helpers/ledger";
import { mulDiv } from "../helpers/math";
import { mined } from "./helpers";
import { HOUR, DAY } from "../../scripts/lib/constants";

const WINDOW = BigInt(PARAMS.streamWindow);
/** The gain is recognised this long after the first sync, so the APR bound (15% a year) covers all of it. */
const GAIN_AT = 30n * DAY;
/** cbETH's rate rises 1% before that sync: the gain. */
const RISEN = (CBETH_INITIAL_RATE * 101n) / 100n;
const ALICE_CBETH_MINT = parseEther("42");
const BOB_ETH = parseEther("60");
const CHECKPOINTS = [WINDOW / 4n, WINDOW / 2n, WINDOW];

/** alice holds 40 cbETH in the vault and bob 60 ETH; cbETH's rate has risen 1%, not synced yet. */
async function gainFixture() {
  const f = await deployVaultFixture();
  const { alice, bob } = f.signers;
  await f.vault.connect(bob).depositETH(bob, 0, 0, { value: BOB_ETH });
  await f.tokens.cbETH.connect(alice).deposit({ value: ALICE_CBETH_MINT });
  const cbETH = await f.tokens.cbETH.balanceOf(alice);
  await f.tokens.cbETH.connect(alice).approve(f.vault, cbETH);
  await f.vault.connect(alice).depositLST(f.tokens.cbETH, cbETH, alice, 0, 0);
  await f.tokens.cbETH.connect(f.signers.cbETHOracle).updateExchangeRate(RISEN);
  return { ...f, aliceCbETH: cbETH };
}

type Cadence = "hourly" | "daily" | "none";
const STEP: Record<Cadence, bigint> = { hourly: HOUR, daily: DAY, none: 0n };

/**
 * Syncs at `t` (the gain is recognised), then syncs every `STEP[cadence]` until `t + window`, and reads the rate at
 * each checkpoint (after the sync at that time when there is one, else in an empty block mined then).
 */
async function run(cadence: Cadence) {
  const f = await loadFixture(gainFixture);
  const t = f.firstSyncAt + GAIN_AT;
  await time.setNextBlockTimestamp(t);
  await mined(await f.accountant.sync());
  const step = STEP[cadence];
  const syncs = step === 0n ? [] : Array.from({ length: Number(WINDOW / step) }, (_, i) => t + BigInt(i + 1) * step);
  const times = [...new Set([...syncs, ...CHECKPOINTS.map((c) => t + c)])].sort((a, b) => (a < b ? -1 : 1));
  const rates: bigint[] = [];
  let syncCount = 0;
  for (const at of times) {
    if (syncs.includes(at)) {
      await time.setNextBlockTimestamp(at);
      await mined(await f.accountant.sync());
      ++syncCount;
    } else {
      await time.increaseTo(at);
    }
    if (CHECKPOINTS.some((c) => t + c === at)) rates.push(await f.accountant.rate());
  }
  const books = await f.accountant.books();
  return { f, t, rates, books, syncCount };
}

describe("Security 7: a recognised gain vests linearly whatever the sync cadence", function () {
  it("hourly, daily and no intermediate syncs give the same rate at window/4, window/2 and the end, exactly as RateModel", async function () {
    const hourly = await run("hourly");
    const daily = await run("daily");
    const none = await run("none");
    expect(hourly.syncCount).to.equal(168);
    expect(daily.syncCount).to.equal(7);
    expect(none.syncCount).to.equal(0);

    // The model: the same deposits and one sync at t that recognises the gain as one tranche (nothing held back).
    const { f, t } = none;
    const l = new Ledger(await ledgerAddresses(f), f.firstSyncAt, f.accountantInitAt);
    l.deposit(f.signers.bob.address, "ETH", BOB_ETH);
    l.deposit(f.signers.alice.address, "cbETH", f.aliceCbETH);
    l.cbETHRate = RISEN;
    const out = l.sync(t);
    expect(out.streamed, "a gain is recognised").to.be.greaterThan(0n);
    expect(out.heldBack, "all of it under the APR bound").to.equal(0n);
    const tranche = l.rates.t1;
    expect(tranche).to.deep.equal({ amount: out.streamed, start: t, end: t + WINDOW });
    const expected = CHECKPOINTS.map((c) => l.rateAt(t + c));
    // Linear: a quarter, a half, then all of the tranche (each rounded down).
    const base = l.rates.base;
    expect(expected).to.deep.equal([
      base + mulDiv(tranche.amount, 1n, 4n),
      base + mulDiv(tranche.amount, 1n, 2n),
      base + tranche.amount,
    ]);

    expect(hourly.rates, "hourly syncs").to.deep.equal(expected);
    expect(daily.rates, "daily syncs").to.deep.equal(expected);
    expect(none.rates, "no sync").to.deep.equal(expected);
    expect(hourly.rates).to.deep.equal(daily.rates);
    expect(daily.rates).to.deep.equal(none.rates);
    console.log(
      `      tranche ${out.streamed} wei/lrETH: vested ${expected.map((r) => `${Number(((r - base) * 1_000_000n) / tranche.amount) / 10_000}%`).join(", ")} at W/4, W/2, W (every cadence)`,
    );

    // The books agree too: the syncs in between recognised nothing new (the tranche was never re-spread).
    expect(none.books.amount1).to.equal(tranche.amount);
    expect(none.books.start1).to.equal(t);
    expect(none.books.end1).to.equal(t + WINDOW);
    // At the end of the window the hourly and daily runs folded the tranche into the base, the silent one still
    // holds it as vested: base + vested is the same rate.
    for (const r of [hourly, daily]) {
      expect(r.books.base + r.books.amount1).to.equal(base + tranche.amount);
      expect(r.books.heldBack).to.equal(0n);
    }
  });
});
