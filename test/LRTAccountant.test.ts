import { expect } from "chai";
import { ethers, upgrades } from "hardhat";
import type { ContractTransactionResponse } from "ethers";
import {
  impersonateAccount,
  loadFixture,
  setBalance,
  stopImpersonatingAccount,
  time,
} from "@nomicfoundation/hardhat-network-helpers";
import fc from "fast-check";
import {
  LRTAccountant__factory,
  LRTLens__factory,
  LRTVault__factory,
  ProxyBootstrap__factory,
} from "../typechain-types";
import { PRICED, pricedVaultFixture, replayPriced } from "./fixtures/priced";
import type { PricedFixture } from "./fixtures/priced";
import { ETH, PARAMS, deployProxy } from "./fixtures/vault";
import { DEAD, KEYS } from "./helpers/ledger";
import type { Key, Ledger, LedgerSync } from "./helpers/ledger";
import { WAD, mulDiv, mulWad } from "./helpers/math";
import { Outcome, bound } from "./helpers/priceBoundsModel";
import { booksOf, modelBooks, stateList } from "./helpers/rateModel";
import { INVARIANT_RUNS } from "./common/env";
import { HOUR, DAY, BPS } from "../scripts/lib/constants";

const { parseEther, ZeroAddress } = ethers;
const WINDOW = BigInt(PARAMS.streamWindow);
const RISE = BigInt(PARAMS.maxRiseBpsPerDay);
const FALL = BigInt(PARAMS.maxFallBps);
/** `LRTAccountant.MAX_FEE_BPS`, restated. */
const MAX_FEE_BPS = 2_000n;

type LST = Exclude<Key, "ETH">;
const HOLDER: Record<LST, "alice" | "bob"> = {
  stETH: "alice",
  wstETH: "alice",
  rETH: "bob",
  cbETH: "bob",
  weth: "bob",
};

/** A Lido rebase of `bps` of the pooled ether (negative: a loss), on chain and in the ledger. */
async function rebaseStETH(f: PricedFixture, l: Ledger, bps: bigint): Promise<void> {
  const delta = (l.steth.pooledEther * bps) / BPS;
  await f.tokens.stETH.connect(f.signers.admin).rebase(delta);
  l.steth.rebase(delta);
}

/** rETH's or cbETH's rate moved by `bps` (negative: a loss), on chain and in the ledger. */
async function moveRate(f: PricedFixture, l: Ledger, asset: "rETH" | "cbETH", bps: bigint): Promise<void> {
  const { admin } = f.signers;
  if (asset === "rETH") {
    l.rETHRate += (l.rETHRate * bps) / BPS;
    await f.tokens.rETH.connect(admin).setExchangeRate(l.rETHRate);
  } else {
    l.cbETHRate += (l.cbETHRate * bps) / BPS;
    await f.tokens.cbETH.connect(admin).updateExchangeRate(l.cbETHRate);
  }
}

/** A sync at `t`, on chain and in the ledger; returns the transaction and the model's outcome. */
async function syncAt(
  f: PricedFixture,
  l: Ledger,
  t: bigint,
): Promise<{ tx: ContractTransactionResponse; out: LedgerSync }> {
  await time.setNextBlockTimestamp(t);
  const tx = await f.accountant.sync();
  return { tx, out: l.sync(t) };
}

/** The accountant's books equal the model's (the last sync's block number is checked where a test knows it). */
async function expectBooks(f: PricedFixture, l: Ledger): Promise<void> {
  expect(booksOf(await f.accountant.books())).to.deep.equal(modelBooks(l.rates));
}

/** Every lrETH holder the fixtures create. */
function holders(f: PricedFixture): string[] {
  const { admin, alice, bob, funder, treasury } = f.signers;
  return [DEAD, admin.address, alice.address, bob.address, funder.address, treasury.address];
}

/** `pricedVaultFixture` with more of every token for alice and bob, and a lens. */
async function propertyFixture() {
  const f = await pricedVaultFixture();
  const { admin, alice, bob } = f.signers;
  await f.tokens.stETH.connect(alice).submit(ZeroAddress, { value: parseEther("100") });
  await f.tokens.stETH.connect(alice).approve(f.tokens.wstETH, parseEther("40"));
  await f.tokens.wstETH.connect(alice).wrap(parseEther("40"));
  await f.tokens.rETH.connect(bob).deposit({ value: parseEther("50") });
  await f.tokens.cbETH.connect(admin).mint(bob.address, parseEther("50"));
  await f.tokens.weth.connect(bob).deposit({ value: parseEther("50") });
  const lens = await new LRTLens__factory(admin).deploy();
  return { ...f, lens };
}

async function replayProperty(f: PricedFixture): Promise<Ledger> {
  const l = await replayPriced(f);
  const alice = f.signers.alice.address;
  l.steth.submit(alice, parseEther("100"));
  l.steth.transfer(alice, await f.tokens.wstETH.getAddress(), parseEther("40"));
  return l;
}

type Step =
  | { kind: "wait"; seconds: bigint }
  | { kind: "yield" | "loss"; asset: "stETH" | "rETH" | "cbETH"; bps: bigint }
  | { kind: "deposit"; key: Key; receiver: "alice" | "bob"; amount: bigint }
  | { kind: "sync" };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("wait" as const), seconds: fc.bigInt(1n, 2n * DAY) }) },
  // Long enough for held-back gains to be released and streams to end.
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("wait" as const), seconds: fc.bigInt(2n * DAY, 60n * DAY) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("yield" as const),
      asset: fc.constantFrom("stETH" as const, "rETH" as const, "cbETH" as const),
      bps: fc.bigInt(1n, 300n),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("loss" as const),
      asset: fc.constantFrom("stETH" as const, "rETH" as const, "cbETH" as const),
      bps: fc.bigInt(1n, 100n),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("deposit" as const),
      key: fc.constantFrom(...KEYS),
      receiver: fc.constantFrom("alice" as const, "bob" as const),
      amount: fc.bigInt(PARAMS.minDeposit, 2n * WAD),
    }),
  },
  { weight: 3, arbitrary: fc.constant({ kind: "sync" as const }) },
);

describe("LRTAccountant", function () {
  describe("sync: gains vest as linear tranches", function () {
    it("getRate() right after the sync equals the rate before it, then rises linearly to the end of the window", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const l = await replayPriced(f);
      // Past the fixture's tranche, so this sync's tranche is the only one moving the rate.
      const t = f.syncAt + 10n * DAY;
      await rebaseStETH(f, l, 30n);
      await moveRate(f, l, "rETH", 80n);
      const rateBefore = l.rates.rateAt(t);
      const { tx, out } = await syncAt(f, l, t);
      await expect(tx).to.emit(f.accountant, "GainRecognised").withArgs(out.streamed, out.heldBack);
      await expect(tx).to.emit(f.accountant, "Synced").withArgs(rateBefore, rateBefore, l.syncValue(), l.supply);
      await expect(tx).to.not.emit(f.accountant, "LossRecognised");
      expect(out.streamed).to.be.greaterThan(0n);
      expect(out.rate).to.equal(rateBefore);
      expect(await f.vault.getRate()).to.equal(rateBefore);
      await expectBooks(f, l);
      // The fixture's tranche folded into the base; the new one fills the first slot from now to now + window.
      expect([l.rates.t1.amount, l.rates.t1.start, l.rates.t1.end]).to.deep.equal([out.streamed, t, t + WINDOW]);
      expect(l.rates.t2.amount).to.equal(0n);

      const amount = out.streamed;
      let previous = rateBefore;
      for (const dt of [1n, HOUR, DAY, 3n * DAY + 12_345n, WINDOW - 1n, WINDOW, WINDOW + 2n * DAY]) {
        await time.increaseTo(t + dt);
        const linear = rateBefore + mulDiv(amount, dt < WINDOW ? dt : WINDOW, WINDOW);
        const rate = await f.vault.getRate();
        expect(rate, `t + ${dt}`)
          .to.equal(linear)
          .and.to.equal(l.rates.rateAt(t + dt));
        expect(rate).to.be.at.least(previous);
        previous = rate;
      }
      expect(previous).to.equal(rateBefore + amount);
      // Vested in full: what is still pending is the held-back part (the value per share is the books).
      expect(await f.accountant.pendingPerShare())
        .to.equal(l.rates.pending(t + WINDOW + 2n * DAY))
        .and.to.equal(l.rates.heldBack);
    });

    it("two tranches overlap: a second starts half a window after the first, each vests over its own window", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const l = await replayPriced(f);
      const first = { ...l.rates.t1 };
      expect([first.start, first.end]).to.deep.equal([f.syncAt, f.syncAt + WINDOW]);
      await moveRate(f, l, "cbETH", 60n);
      const t = f.syncAt + WINDOW / 2n;
      const { tx, out } = await syncAt(f, l, t);
      await expect(tx).to.emit(f.accountant, "GainRecognised").withArgs(out.streamed, out.heldBack);
      expect(out.streamed).to.be.greaterThan(0n);
      await expectBooks(f, l);
      // The first tranche keeps its window; the second vests from t to t + window.
      expect(l.rates.t1).to.deep.equal(first);
      expect(l.rates.t2).to.deep.equal({ amount: out.streamed, start: t, end: t + WINDOW });
      const base = l.rates.base;
      for (const at of [t + 1n, t + HOUR, first.end - 1n, first.end, first.end + 1n, t + WINDOW - 1n, t + WINDOW]) {
        await time.increaseTo(at);
        const v1 = at >= first.end ? first.amount : mulDiv(first.amount, at - first.start, WINDOW);
        const v2 = at >= t + WINDOW ? out.streamed : mulDiv(out.streamed, at - t, WINDOW);
        expect(await f.vault.getRate(), `t + ${at - t}`)
          .to.equal(base + v1 + v2)
          .and.to.equal(l.rates.rateAt(at));
      }
    });

    it("a gain found before a tranche may start stays unbooked: pending, paid for by deposits, found again later", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const l = await replayPriced(f);
      const { bob } = f.signers;
      const booksBefore = stateList(modelBooks(l.rates)).slice(0, 8);
      // Small enough not to be clamped an hour after the last refresh (5% a day allows 0.208% an hour).
      await moveRate(f, l, "rETH", 15n);
      await rebaseStETH(f, l, 10n);
      // An hour after the fixture's tranche started: no tranche may start (half a window has not passed).
      const early = f.syncAt + HOUR;
      const rateEarly = l.rates.rateAt(early);
      const { tx, out } = await syncAt(f, l, early);
      await expect(tx).to.emit(f.accountant, "GainRecognised").withArgs(0n, 0n);
      expect([out.streamed, out.heldBack, out.loss]).to.deep.equal([0n, 0n, 0n]);
      expect(out.rate).to.equal(rateEarly);
      // The tranches and held-back gains are as they were; the value per share moved past the books.
      expect(stateList(modelBooks(l.rates)).slice(0, 8)).to.deep.equal(booksBefore);
      await expectBooks(f, l);
      const unbooked = l.rates.lastValue - l.rates.books();
      expect(unbooked).to.be.greaterThan(0n);
      // pendingPerShare counts it: value per share - rate.
      expect(await f.accountant.pendingPerShare())
        .to.equal(l.rates.lastValue - rateEarly)
        .and.to.equal(l.rates.pending(early));
      // The deposit rate is the value per share (rounded up), not the books: a deposit pays for the unbooked gain.
      expect(l.rates.depositRate).to.equal(mulDiv(l.syncValue(), WAD, l.supply, "ceil"));
      expect(l.rates.depositRate).to.be.greaterThan(l.rates.books());
      expect((await f.vault.assetInfo(ETH)).sharesPerUnit).to.equal(mulDiv(WAD, WAD, l.rates.depositRate));
      await time.setNextBlockTimestamp(early + 60n);
      await expect(f.vault.connect(bob).depositETH(bob.address, 0, 0, { value: parseEther("3") }))
        .to.emit(f.vault, "Deposit")
        .withArgs(bob.address, ETH, parseEther("3"), l.deposit(bob.address, "ETH", parseEther("3")), 0n);

      // Half a window after the fixture's tranche started, the same gain is found again and booked. The APR bound
      // counts from the last recognition (the fixture's sync), not from the last sync an hour after it.
      const t = f.syncAt + WINDOW / 2n;
      const heldBefore = l.rates.heldBack;
      const rateAt = l.rates.rateAt(t);
      const later = await syncAt(f, l, t);
      await expect(later.tx).to.emit(f.accountant, "GainRecognised").withArgs(later.out.streamed, later.out.heldBack);
      const bound = mulDiv(rateAt, 1_500n * (t - f.syncAt), BPS * 365n * DAY);
      expect(bound).to.be.greaterThan(mulDiv(rateAt, 1_500n * (t - early), BPS * 365n * DAY));
      const candidate = later.out.streamed + later.out.heldBack;
      expect(candidate, "the unbooked gain is booked now").to.be.greaterThan(heldBefore);
      expect(later.out.streamed).to.equal(candidate < bound ? candidate : bound);
      expect(l.rates.recognizedAt).to.equal(t);
      await expectBooks(f, l);
    });

    it("the APR bound holds back the excess (GainRecognised = model) and later syncs release it", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const l = await replayPriced(f);
      await rebaseStETH(f, l, 400n);
      // Half a window after the fixture's tranche: the first moment a second tranche may start.
      let t = f.syncAt + WINDOW / 2n;
      const first = await syncAt(f, l, t);
      await expect(first.tx).to.emit(f.accountant, "GainRecognised").withArgs(first.out.streamed, first.out.heldBack);
      // Half a window's worth of 15% APR on the rate since the last recognition (the fixture's sync) streams.
      expect(first.out.streamed).to.equal(mulDiv(first.out.previousRate, 1_500n * (t - f.syncAt), BPS * 365n * DAY));
      expect(first.out.heldBack).to.be.greaterThan(first.out.streamed);
      await expectBooks(f, l);

      let released = 0n;
      let syncs = 0;
      for (let heldBack = first.out.heldBack; heldBack > 0n; heldBack = l.rates.heldBack) {
        t += 30n * DAY;
        const { tx, out } = await syncAt(f, l, t);
        await expect(tx).to.emit(f.accountant, "GainRecognised").withArgs(out.streamed, out.heldBack);
        await expect(tx).to.not.emit(f.accountant, "FeeMinted");
        expect(out.heldBack).to.be.lessThan(heldBack);
        released += out.streamed;
        await expectBooks(f, l);
        expect(await f.vault.getRate()).to.equal(l.rates.rateAt(t));
        expect(++syncs).to.be.at.most(8);
      }
      // Nothing changed in value after the first sync: the later syncs released exactly what it held back.
      expect(released).to.equal(first.out.heldBack);
      await time.increaseTo(t + WINDOW);
      expect(await f.vault.getRate()).to.equal(l.rates.books());
    });

    it("with streamWindow 0 a gain counts at once, still bounded by the APR", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const l = await replayPriced(f);
      const { maxAprBps, maxRateAge } = PARAMS;
      await expect(f.accountant.setStreaming(0, maxAprBps, maxRateAge))
        .to.emit(f.accountant, "StreamingUpdated")
        .withArgs(0, maxAprBps, maxRateAge);
      l.rates.params.streamWindow = 0n;
      await moveRate(f, l, "cbETH", 20n);
      await rebaseStETH(f, l, 10n);
      const t = f.syncAt + 20n * DAY;
      const rateBefore = l.rates.rateAt(t);
      const { tx, out } = await syncAt(f, l, t);
      await expect(tx).to.emit(f.accountant, "GainRecognised").withArgs(out.streamed, out.heldBack);
      expect(out.streamed).to.be.greaterThan(0n);
      expect(out.rate)
        .to.equal(rateBefore + out.streamed)
        .and.to.equal(l.rates.base);
      expect(await f.vault.getRate()).to.equal(out.rate);
      expect([l.rates.t1.amount, l.rates.t2.amount]).to.deep.equal([0n, 0n]);
      await expectBooks(f, l);
    });
  });

  describe("sync: losses are recognised at once", function () {
    it("a negative stETH rebase lowers the rate by exactly the model's loss (LossRecognised)", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const l = await replayPriced(f);
      await rebaseStETH(f, l, -150n);
      const t = f.syncAt + 2n * HOUR;
      const rateBefore = l.rates.rateAt(t);
      const { tx, out } = await syncAt(f, l, t);
      expect(out.loss).to.be.greaterThan(0n);
      await expect(tx)
        .to.emit(f.accountant, "LossRecognised")
        .withArgs(out.loss, mulDiv(out.loss, out.supply, WAD));
      await expect(tx).to.not.emit(f.accountant, "GainRecognised");
      await expect(tx).to.not.emit(f.accountant, "FeeMinted");
      await expect(tx)
        .to.emit(f.accountant, "Synced")
        .withArgs(rateBefore, rateBefore - out.loss, l.syncValue(), l.supply);
      expect(await f.vault.getRate()).to.equal(rateBefore - out.loss);
      // The loss came off the base rate; the pending gains are untouched.
      await expectBooks(f, l);
      expect(l.rates.heldBack).to.be.greaterThan(0n);
    });
  });

  describe("fee and high-water mark", function () {
    it("mints the fee to the treasury only above the high-water mark; recovering a loss pays none; a new high pays again", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const l = await replayPriced(f);
      const treasury = f.signers.treasury.address;

      /** A sync at `t`; checks FeeMinted against the model and, independently, against the fee formula. */
      const syncChecked = async (t: bigint, feeExpected: boolean) => {
        const hwm = l.rates.highWaterMark;
        const supply = l.supply;
        const feeBps = l.rates.params.feeBps;
        const { tx, out } = await syncAt(f, l, t);
        // Value per lrETH before the fee, from the valuation the sync found (the ledger's, at the new prices).
        const vps = mulDiv(l.syncValue(), WAD, supply);
        if (feeExpected) {
          expect(vps).to.be.greaterThan(hwm);
          const feeAssets = mulDiv(mulDiv(vps - hwm, feeBps, BPS), supply, WAD);
          expect(out.feeAssets).to.equal(feeAssets);
          expect(out.feeShares).to.equal(mulDiv(feeAssets, supply, l.syncValue() - feeAssets));
          await expect(tx).to.emit(f.accountant, "FeeMinted").withArgs(treasury, out.feeShares, feeAssets);
        } else {
          expect(vps).to.be.at.most(hwm);
          expect(out.feeShares).to.equal(0n);
          await expect(tx).to.not.emit(f.accountant, "FeeMinted");
        }
        expect(await f.vault.balanceOf(treasury)).to.equal(l.balanceOf(treasury));
        expect(await f.vault.totalSupply()).to.equal(l.supply);
        await expectBooks(f, l);
        return out;
      };

      let t = f.syncAt;
      await moveRate(f, l, "rETH", 100n);
      await syncChecked((t += DAY), true);
      const peak = l.rates.highWaterMark;

      await rebaseStETH(f, l, -200n);
      expect((await syncChecked((t += DAY), false)).loss).to.be.greaterThan(0n);
      expect(l.rates.highWaterMark).to.equal(peak);

      await rebaseStETH(f, l, 100n);
      await syncChecked((t += DAY), false);
      expect(l.rates.highWaterMark).to.equal(peak);

      await rebaseStETH(f, l, 200n);
      await syncChecked((t += DAY), true);
      expect(l.rates.highWaterMark).to.be.greaterThan(peak);

      // A new fee applies from the next sync.
      await expect(f.accountant.setFee(MAX_FEE_BPS, treasury))
        .to.emit(f.accountant, "FeeUpdated")
        .withArgs(MAX_FEE_BPS, treasury);
      l.rates.params.feeBps = MAX_FEE_BPS;
      await moveRate(f, l, "cbETH", 50n);
      await moveRate(f, l, "rETH", 50n);
      await syncChecked((t += DAY), true);
    });
  });

  describe("deposits around a sync (P11)", function () {
    it("a deposit placed right before a yield sync is worth, right after it, no more than it paid (exact)", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const l = await replayPriced(f);
      const { alice, bob } = f.signers;
      // Yield lands on Lido and rETH; before anyone syncs, bob deposits ETH and alice stETH at the stored prices.
      await rebaseStETH(f, l, 250n);
      await moveRate(f, l, "rETH", 150n);
      const t = f.syncAt + DAY - 10n;
      const ethIn = parseEther("50");
      await time.setNextBlockTimestamp(t - 2n);
      await f.vault.connect(bob).depositETH(bob.address, 0, 0, { value: ethIn });
      const bobShares = l.deposit(bob.address, "ETH", ethIn);
      const stETHIn = parseEther("20") + 3n;
      await time.setNextBlockTimestamp(t - 1n);
      await f.vault.connect(alice).depositLST(f.tokens.stETH, stETHIn, alice.address, 0, 0);
      const aliceShares = l.depositTokens(alice.address, alice.address, "stETH", stETHIn);
      const aliceBefore = l.balanceOf(alice.address) - aliceShares;
      expect(await f.vault.balanceOf(bob)).to.equal(l.balanceOf(bob.address));

      const rateBefore = l.rates.rateAt(t);
      const lastValue = l.rates.lastValue;
      const { out } = await syncAt(f, l, t);
      // The sync found the yield (a day after the fixture's tranche started it is not booked yet, only found).
      expect(out.loss).to.equal(0n);
      expect(out.valuePerShare).to.be.greaterThan(lastValue);
      expect(await f.vault.getRate()).to.equal(rateBefore);

      const bobWorth = mulWad(bobShares, rateBefore);
      expect(await f.vault.convertToAssets(bobShares)).to.equal(bobWorth);
      expect(bobWorth).to.be.at.most(ethIn);
      // stETH paid: the stETH value of the Lido shares the vault received, at the new (synced) price.
      const stETHPaid = l.steth.pooledEthByShares(l.unitsOf("stETH", stETHIn));
      const aliceWorth = mulWad(aliceShares, rateBefore);
      expect(await f.vault.convertToAssets(aliceShares)).to.equal(aliceWorth);
      expect(aliceWorth).to.be.at.most(stETHPaid);
      expect(await f.vault.balanceOf(alice)).to.equal(aliceBefore + aliceShares);
    });
  });

  describe("rate monotonicity (P2): random sequences", function () {
    it("getRate() follows the model, falls only at a sync that finds a loss; supply conserved; lens identity after syncs", async function () {
      this.timeout(900_000);
      // How often each path ran over all runs, so the property is known to exercise them.
      const seen = {
        deposits: 0,
        stale: 0,
        tripped: 0,
        gainSyncs: 0,
        lossSyncs: 0,
        fees: 0,
        heldBack: 0,
        allStreamed: 0,
        unbooked: 0,
        falls: 0,
      };
      await fc.assert(
        fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 12 }), async (steps) => {
          const f = await loadFixture(propertyFixture);
          const l = await replayProperty(f);
          const accounts = holders(f);
          const assetOf = async (key: Key) => (key === "ETH" ? ETH : await f.tokens[key].getAddress());
          let now = BigInt(await time.latest());
          let previousRate = await f.vault.getRate();
          expect(previousRate).to.equal(l.rates.rateAt(now));
          for (const step of steps) {
            let lossAtSync = 0n;
            switch (step.kind) {
              case "wait":
                now += step.seconds;
                await time.increaseTo(now);
                break;
              case "yield":
              case "loss": {
                const bps = step.kind === "yield" ? step.bps : -step.bps;
                await time.setNextBlockTimestamp(++now);
                if (step.asset === "stETH") await rebaseStETH(f, l, bps);
                else await moveRate(f, l, step.asset, bps);
                break;
              }
              case "deposit": {
                const sender = step.key === "ETH" ? f.signers.alice : f.signers[HOLDER[step.key]];
                const receiver = f.signers[step.receiver];
                const asset = await assetOf(step.key);
                await time.setNextBlockTimestamp(++now);
                const vault = f.vault.connect(sender);
                const call = () =>
                  step.key === "ETH"
                    ? vault.depositETH(receiver.address, 0, 7, { value: step.amount })
                    : vault.depositLST(asset, step.amount, receiver.address, 0, 7);
                if (now > l.expiry) {
                  await expect(call()).to.be.revertedWithCustomError(f.vault, "LRTVaultRateStale").withArgs(l.expiry);
                  seen.stale++;
                } else if (l.tripped.get(step.key)) {
                  await expect(call()).to.be.revertedWithCustomError(f.vault, "LRTVaultDepositsPaused").withArgs(asset);
                  seen.tripped++;
                } else {
                  const shares = l.sharesFor(step.key, l.unitsOf(step.key, step.amount));
                  await expect(call())
                    .to.emit(f.vault, "Deposit")
                    .withArgs(receiver.address, asset, step.amount, shares, 7n);
                  l.depositTokens(sender.address, receiver.address, step.key, step.amount);
                  seen.deposits++;
                }
                break;
              }
              case "sync": {
                const rateBefore = l.rates.rateAt(++now);
                const { tx, out } = await syncAt(f, l, now);
                if (out.loss > 0n) {
                  lossAtSync = out.loss;
                  seen.lossSyncs++;
                  await expect(tx)
                    .to.emit(f.accountant, "LossRecognised")
                    .withArgs(out.loss, mulDiv(out.loss, out.supply, WAD));
                  expect(out.rate).to.equal(rateBefore - out.loss);
                } else {
                  await expect(tx).to.emit(f.accountant, "GainRecognised").withArgs(out.streamed, out.heldBack);
                  expect(out.rate).to.equal(rateBefore);
                  seen.gainSyncs++;
                  if (out.heldBack > 0n) seen.heldBack++;
                  else if (out.streamed > 0n) seen.allStreamed++;
                  else if (l.rates.lastValue > l.rates.books()) seen.unbooked++;
                }
                await expectBooks(f, l);
                if (out.feeShares > 0n) seen.fees++;
                const s = await f.lens.summary(f.vault);
                expect(s.liveAssets, "liveAssets").to.equal(l.liveAssets());
                expect(s.totalAssets, "totalAssets").to.equal(mulWad(l.supply, l.rates.rateAt(now)));
                expect(s.pendingGains, "pendingGains").to.equal(mulWad(l.rates.pending(now), l.supply));
                expect(s.liveAssets).to.equal(s.totalAssets + s.pendingGains + s.unrecognised);
                expect(s.unrecognised)
                  .to.be.at.least(0n)
                  .and.at.most(s.totalSupply / WAD + 2n);
                break;
              }
            }
            const t = BigInt(await time.latest());
            const rate = await f.vault.getRate();
            expect(rate, `${step.kind}: rate`).to.equal(l.rates.rateAt(t));
            if (rate < previousRate) {
              expect(lossAtSync, `${step.kind}: the rate fell`).to.be.greaterThan(0n);
              seen.falls++;
            }
            previousRate = rate;
            const balances = await Promise.all(accounts.map((a) => f.vault.balanceOf(a)));
            expect(balances).to.deep.equal(accounts.map((a) => l.balanceOf(a)));
            const supply = await f.vault.totalSupply();
            expect(balances.reduce((a, b) => a + b, 0n))
              .to.equal(supply)
              .and.to.equal(l.supply);
          }
        }),
        // At least 20 runs: with this seed fewer meet no loss sync, and the path check below would fail.
        { numRuns: Math.max(20, INVARIANT_RUNS), seed: 20_251_126 },
      );
      for (const [path, count] of Object.entries(seen)) {
        if (path !== "tripped") expect(count, path).to.be.greaterThan(0);
      }
    });
  });

  describe("valuation(): the one valuation sync and the lens use", function () {
    /**
     * The valuation the model expects at `t`: per asset, the ledger's buffer and outside units (restaked + queued)
     * at the price the bound allows since the last sync (`bound`, from the ledger's stored price and the adapter's
     * reading), each value rounded down; the total of those, the unrounded sum of units x price, and the supply.
     */
    function expectedValuation(f: PricedFixture, l: Ledger, assets: string[], t: bigint) {
      const elapsed = t - l.rates.lastSync;
      const rows = KEYS.map((k, i) => {
        const buffer = l.buffer.get(k)!;
        const outside = l.restaked.get(k)! + l.queued.get(k)!;
        const { used, outcome } =
          k === "ETH"
            ? { used: WAD, outcome: Outcome.Taken }
            : bound(l.price.get(k)!, l.observedPrice(k), RISE, FALL, elapsed);
        return { asset: assets[i], buffer, outside, price: used, outcome, value: mulDiv(buffer + outside, used, WAD) };
      });
      return {
        rows,
        totalValue: rows.reduce((sum, r) => sum + r.value, 0n),
        exact: rows.reduce((sum, r) => sum + (r.buffer + r.outside) * r.price, 0n),
        totalSupply: l.supply,
      };
    }

    async function actualValuation(f: PricedFixture) {
      const v = await f.accountant.valuation();
      return {
        rows: v.assets.map((a) => ({
          asset: a.asset,
          buffer: a.buffer,
          outside: a.outside,
          price: a.price,
          outcome: a.outcome,
          value: a.value,
        })),
        totalValue: v.totalValue,
        exact: v.exact,
        totalSupply: v.totalSupply,
      };
    }

    it("equals the sum over assets of (buffer + outside) x bounded price, each rounded down; the sync books that value", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const l = await replayPriced(f);
      const { alice, bob } = f.signers;
      const assets = [ETH, ...(await Promise.all(KEYS.slice(1).map((k) => f.tokens[k as LST].getAddress())))];
      // Every asset held, with amounts whose values are not whole wei.
      await f.vault.connect(alice).depositETH(alice.address, 0, 0, { value: parseEther("1.000000000000000333") });
      l.deposit(alice.address, "ETH", parseEther("1.000000000000000333"));
      for (const [key, amount] of [
        ["stETH", parseEther("3.3") + 1n],
        ["wstETH", parseEther("2.7") + 3n],
        ["rETH", parseEther("1.9") + 7n],
        ["cbETH", parseEther("4.1") + 11n],
        ["weth", parseEther("0.8") + 13n],
      ] as [LST, bigint][]) {
        const holder = f.signers[HOLDER[key]];
        await f.vault.connect(holder).depositLST(f.tokens[key], amount, holder.address, 0, 0);
        l.depositTokens(holder.address, holder.address, key, amount);
      }
      // Right after: the prices the last sync stored.
      let now = BigInt(await time.latest());
      let expected = expectedValuation(f, l, assets, now);
      expect(expected.rows.every((r) => r.outcome === Outcome.Taken && r.buffer > 0n)).to.equal(true);
      expect(expected.totalValue).to.equal(l.syncValue());
      // The per-asset floors cost something here, so the total is not the exact sum rounded once.
      expect(expected.exact / WAD).to.be.greaterThan(expected.totalValue);
      expect(await actualValuation(f)).to.deep.equal(expected);

      const lens = await new LRTLens__factory(f.signers.admin).deploy();
      // Prices move: rETH beyond its bound (clamped), cbETH within it, Lido yield; six hours after the last sync.
      await moveRate(f, l, "rETH", 300n);
      await moveRate(f, l, "cbETH", -120n);
      await rebaseStETH(f, l, 40n);
      now = f.syncAt + 6n * HOUR;
      await time.increaseTo(now);
      expected = expectedValuation(f, l, assets, now);
      expect(expected.rows[KEYS.indexOf("rETH")].outcome).to.equal(Outcome.Clamped);
      expect(expected.rows[KEYS.indexOf("cbETH")].outcome).to.equal(Outcome.Taken);
      expect(await actualValuation(f)).to.deep.equal(expected);

      // A sync a second later values the vault the same way (at its own time), and books exactly that value.
      const t = now + 1n;
      const atSync = expectedValuation(f, l, assets, t);
      const { tx, out } = await syncAt(f, l, t);
      expect(out.totalValue).to.equal(atSync.totalValue);
      await expect(tx)
        .to.emit(f.accountant, "Synced")
        .withArgs(out.previousRate, out.rate, atSync.totalValue, out.supply);
      // After it (same block): the stored prices, the supply with the fee; the lens' live value is the exact sum
      // rounded once.
      // rETH's reading is still above what the bound allowed: at zero seconds since the sync, its stored price.
      expected = expectedValuation(f, l, assets, t);
      expect(expected.rows.map((r) => r.price)).to.deep.equal(KEYS.map((k) => l.price.get(k)));
      expect(expected.rows.map((r) => r.outcome)).to.deep.equal(
        KEYS.map((k) => (k === "rETH" ? Outcome.Clamped : Outcome.Taken)),
      );
      expect(expected.totalSupply).to.equal(out.supply);
      expect(await actualValuation(f)).to.deep.equal(expected);
      expect((await lens.summary(f.vault)).liveAssets).to.equal(expected.exact / WAD);
    });
  });

  describe("views: books(), pendingPerShare(), freshness()", function () {
    it("books() names every field: tranches, held back, mark, recognition time, last value, last sync and its block", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const l = await replayPriced(f);
      await moveRate(f, l, "cbETH", 40n);
      const t = f.syncAt + WINDOW / 2n + 17n;
      const { tx } = await syncAt(f, l, t);
      const receipt = await tx.wait();
      const b = await f.accountant.books();
      const m = l.rates;
      expect({ ...booksOf(b), lastSyncBlock: b.lastSyncBlock }).to.deep.equal({
        ...modelBooks(m),
        lastSync: t,
        lastSyncBlock: BigInt(receipt!.blockNumber),
      });
      // Both tranches are live here (the fixture's and this sync's), so every slot is exercised.
      expect([m.t1.start, m.t2.start, m.recognizedAt]).to.deep.equal([f.syncAt, t, t]);
    });

    it("pendingPerShare: the unvested tranches, the held-back gains and the unbooked value, as time passes", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const l = await replayPriced(f);
      // The fixture's funding transactions came after its sync: start from the latest block.
      const start = BigInt(await time.latest()) - f.syncAt;
      for (const dt of [start, HOUR, 2n * DAY, WINDOW - 1n, WINDOW + DAY]) {
        const at = f.syncAt + dt;
        if (dt > start) await time.increaseTo(at);
        const m = l.rates;
        const owned = m.lastValue > m.books() ? m.lastValue : m.books();
        expect(await f.accountant.pendingPerShare(), `t + ${dt}`)
          .to.equal(owned - m.rateAt(at))
          .and.to.equal(m.pending(at));
      }
      expect(l.rates.heldBack).to.be.greaterThan(0n);
      // Once the tranche has vested, what remains pending is the held-back part plus anything unbooked.
      const now = BigInt(await time.latest());
      expect(await f.accountant.pendingPerShare()).to.equal(
        (l.rates.lastValue > l.rates.books() ? l.rates.lastValue : l.rates.books()) -
          l.rates.books() +
          l.rates.heldBack,
      );
      expect(l.rates.rateAt(now)).to.equal(l.rates.base + l.rates.t1.amount);
    });

    it("freshness(): the age of the last sync; slashedSinceSync false with no restaking manager linked", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const l = await replayPriced(f);
      expect((await f.vault.links())[1]).to.equal(ZeroAddress);
      const now = BigInt(await time.latest());
      expect([...(await f.accountant.freshness())]).to.deep.equal([now - f.syncAt, false]);
      await time.increaseTo(f.syncAt + 5n * HOUR + 7n);
      expect([...(await f.accountant.freshness())]).to.deep.equal([5n * HOUR + 7n, false]);
      const t = f.syncAt + 2n * DAY;
      await syncAt(f, l, t);
      expect([...(await f.accountant.freshness())]).to.deep.equal([0n, false]);
      await time.increaseTo(t + 123n);
      expect([...(await f.accountant.freshness())]).to.deep.equal([123n, false]);
    });
  });

  describe("recordSettlement", function () {
    /** The fixture's withdrawal queue, impersonated (the only caller the accountant accepts). */
    async function asQueue(f: PricedFixture) {
      const queue = await f.queue.getAddress();
      expect((await f.vault.links())[2]).to.equal(queue);
      await impersonateAccount(queue);
      await setBalance(queue, parseEther("1"));
      return f.accountant.connect(await ethers.getSigner(queue));
    }

    it("raises the mark by what the burned shares forfeited at the last sync's value per share (not the rate)", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const l = await replayPriced(f);
      const accountant = await asQueue(f);
      const now = BigInt(await time.latest()) + 1n;
      // The last value is above the rate (pending gains): a request paid at the rate forfeits the difference.
      const rate = l.rates.rateAt(now);
      expect(l.rates.lastValue).to.be.greaterThan(rate);
      const shares = parseEther("2.5") + 13n;
      const paid = mulWad(shares, rate);
      const supply = l.supply;
      const markBefore = l.rates.highWaterMark;
      const forfeited = mulDiv(shares, l.rates.lastValue, WAD) - paid;
      expect(l.rates.settle(shares, paid, supply)).to.equal(forfeited);
      const mark = markBefore + mulDiv(forfeited, WAD, supply, "ceil");
      expect(l.rates.highWaterMark).to.equal(mark);
      await time.setNextBlockTimestamp(now);
      await expect(accountant.recordSettlement(shares, paid))
        .to.emit(f.accountant, "HighWaterMarkRaised")
        .withArgs(forfeited, mark);
      expect((await f.accountant.books()).highWaterMark).to.equal(mark);
      await expectBooks(f, l);
      // Paid in full (or more): nothing forfeited, nothing changes.
      for (const value of [mulDiv(shares, l.rates.lastValue, WAD), mulDiv(shares, l.rates.lastValue, WAD) + 1n]) {
        await expect(accountant.recordSettlement(shares, value)).to.not.emit(f.accountant, "HighWaterMarkRaised");
        expect(l.rates.settle(shares, value, supply)).to.equal(0n);
      }
      await expectBooks(f, l);
      await stopImpersonatingAccount(await f.queue.getAddress());
      // The next sync takes the fee only above the raised mark: less than without the settlement.
      const twin = await replayPriced(f);
      await moveRate(f, l, "rETH", 100n);
      twin.rETHRate = l.rETHRate;
      const { tx, out } = await syncAt(f, l, f.syncAt + DAY);
      const without = twin.sync(f.syncAt + DAY);
      expect(out.feeShares).to.be.greaterThan(0n);
      expect(out.feeShares).to.be.lessThan(without.feeShares);
      await expect(tx)
        .to.emit(f.accountant, "FeeMinted")
        .withArgs(f.signers.treasury.address, out.feeShares, out.feeAssets);
      expect(await f.vault.balanceOf(f.signers.treasury)).to.equal(l.balanceOf(f.signers.treasury.address));
      await expectBooks(f, l);
    });

    it("refuses any caller but the vault's withdrawal queue (LRTAccountantOnlyWithdrawalQueue)", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const { admin, bob } = f.signers;
      for (const caller of [admin, bob]) {
        await expect(f.accountant.connect(caller).recordSettlement(WAD, 0n))
          .to.be.revertedWithCustomError(f.accountant, "LRTAccountantOnlyWithdrawalQueue")
          .withArgs(caller.address, await f.queue.getAddress());
      }
    });
  });

  describe("admin", function () {
    it("setFee: emits FeeUpdated; above 2000 bps LRTAccountantFeeTooHigh; a zero treasury LRTAccountantZeroAddress", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const { bob } = f.signers;
      await expect(f.accountant.setFee(MAX_FEE_BPS + 1n, bob.address))
        .to.be.revertedWithCustomError(f.accountant, "LRTAccountantFeeTooHigh")
        .withArgs(MAX_FEE_BPS + 1n, MAX_FEE_BPS);
      await expect(f.accountant.setFee(500, ZeroAddress)).to.be.revertedWithCustomError(
        f.accountant,
        "LRTAccountantZeroAddress",
      );
      for (const fee of [MAX_FEE_BPS, 0n]) {
        await expect(f.accountant.setFee(fee, bob.address))
          .to.emit(f.accountant, "FeeUpdated")
          .withArgs(fee, bob.address);
        const [, , , feeBps, treasury] = await f.accountant.parameters();
        expect([feeBps, treasury]).to.deep.equal([fee, bob.address]);
      }
    });

    it("setStreaming: emits StreamingUpdated; out of range LRTAccountantInvalidConfig; the new maxRateAge sets the next expiry", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const l = await replayPriced(f);
      const { streamWindow, maxAprBps, maxRateAge } = PARAMS;
      const bad: [number | bigint, number, number | bigint][] = [
        [streamWindow, maxAprBps, 0],
        [streamWindow, maxAprBps, 7n * DAY + 1n],
        [90n * DAY + 1n, maxAprBps, maxRateAge],
      ];
      for (const args of bad) {
        await expect(f.accountant.setStreaming(...args), args.join())
          .to.be.revertedWithCustomError(f.accountant, "LRTAccountantInvalidConfig")
          .withArgs(args[0], args[2]);
      }
      for (const args of [
        [90n * DAY, 0, 1n],
        [0n, 65_535, 7n * DAY],
      ] as const) {
        await expect(f.accountant.setStreaming(...args))
          .to.emit(f.accountant, "StreamingUpdated")
          .withArgs(...args);
        const [w, apr, age] = await f.accountant.parameters();
        expect([w, apr, age]).to.deep.equal([args[0], BigInt(args[1]), args[2]]);
      }
      l.rates.params = { ...l.rates.params, streamWindow: 0n, maxAprBps: 65_535n, maxRateAge: 7n * DAY };
      const t = f.syncAt + DAY;
      await syncAt(f, l, t);
      expect((await f.vault.assetInfo(ETH)).expiry)
        .to.equal(t + 7n * DAY)
        .and.to.equal(l.expiry);
      await expectBooks(f, l);
    });

    it("sync is permissionless; the restricted functions revert AccessManagedUnauthorized for a stranger", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const bob = f.signers.bob;
      await expect(f.accountant.connect(bob).sync()).to.emit(f.accountant, "Synced");
      const accountant = f.accountant.connect(bob);
      const calls: [string, () => Promise<unknown>][] = [
        ["setStreaming", () => accountant.setStreaming(1, 1, 1)],
        ["setFee", () => accountant.setFee(1, bob.address)],
        ["upgradeToAndCall", () => accountant.upgradeToAndCall(f.implementations.accountant, "0x")],
      ];
      for (const [name, call] of calls) {
        await expect(call(), name)
          .to.be.revertedWithCustomError(f.accountant, "AccessManagedUnauthorized")
          .withArgs(bob.address);
      }
    });

    it("initialize: once, never on the implementation, with an authority, a treasury and parameters in range", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const { admin, treasury } = f.signers;
      const authority = await f.accessManager.getAddress();
      const params: { treasury: string; feeBps: number; streamWindow: number; maxAprBps: number; maxRateAge: number } =
        {
          treasury: treasury.address,
          feeBps: PARAMS.feeBps,
          streamWindow: PARAMS.streamWindow,
          maxAprBps: PARAMS.maxAprBps,
          maxRateAge: PARAMS.maxRateAge,
        };
      await expect(f.accountant.initialize(authority, params)).to.be.revertedWithCustomError(
        f.accountant,
        "InvalidInitialization",
      );
      const impl = LRTAccountant__factory.connect(f.implementations.accountant, admin);
      await expect(impl.initialize(authority, params)).to.be.revertedWithCustomError(impl, "InvalidInitialization");
      const iface = LRTAccountant__factory.createInterface();
      const init = (auth: string, p: typeof params) =>
        deployProxy(admin, f.implementations.accountant, iface.encodeFunctionData("initialize", [auth, p]));
      await expect(init(ZeroAddress, params)).to.be.revertedWithCustomError(f.accountant, "LRTAccountantZeroAddress");
      await expect(init(authority, { ...params, treasury: ZeroAddress })).to.be.revertedWithCustomError(
        f.accountant,
        "LRTAccountantZeroAddress",
      );
      await expect(init(authority, { ...params, feeBps: Number(MAX_FEE_BPS) + 1 }))
        .to.be.revertedWithCustomError(f.accountant, "LRTAccountantFeeTooHigh")
        .withArgs(MAX_FEE_BPS + 1n, MAX_FEE_BPS);
      for (const [streamWindow, maxRateAge] of [
        [PARAMS.streamWindow, 0],
        [PARAMS.streamWindow, 7 * 86_400 + 1],
        [90 * 86_400 + 1, PARAMS.maxRateAge],
      ]) {
        await expect(init(authority, { ...params, streamWindow, maxRateAge }))
          .to.be.revertedWithCustomError(f.accountant, "LRTAccountantInvalidConfig")
          .withArgs(streamWindow, maxRateAge);
      }
      // In range, a fresh proxy starts the books at rate 1 with the given parameters.
      const fresh = LRTAccountant__factory.connect(await init(authority, params), admin);
      const [w, apr, age, fee, to] = await fresh.parameters();
      expect([w, apr, age, fee, to]).to.deep.equal([
        BigInt(params.streamWindow),
        BigInt(params.maxAprBps),
        BigInt(params.maxRateAge),
        BigInt(params.feeBps),
        treasury.address,
      ]);
      const b = await fresh.books();
      expect([b.base, b.highWaterMark, b.lastValue, b.lastSync]).to.deep.equal([WAD, WAD, WAD, 0n]);
    });

    it("links are constructor immutables: links() names the suite's vault, queue and (no) manager; zero vault or queue refused", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const { admin, bob } = f.signers;
      const [vault, accountant, queue] = await Promise.all([
        f.vault.getAddress(),
        f.accountant.getAddress(),
        f.queue.getAddress(),
      ]);
      // The fixture's suite has no restaking side: the manager link is zero.
      expect([...(await f.accountant.links())]).to.deep.equal([vault, ZeroAddress, queue]);
      expect([...(await f.vault.links())]).to.deep.equal([accountant, ZeroAddress, queue]);
      // The implementation holds the same links (the proxy reads them from its code).
      const impl = LRTAccountant__factory.connect(f.implementations.accountant, admin);
      expect([...(await impl.links())]).to.deep.equal([vault, ZeroAddress, queue]);
      const links = { vault, accountant, queue, manager: ZeroAddress };
      const factory = new LRTAccountant__factory(admin);
      for (const bad of [
        { ...links, vault: ZeroAddress },
        { ...links, queue: ZeroAddress },
      ]) {
        await expect(factory.deploy(bad)).to.be.revertedWithCustomError(f.accountant, "LRTAccountantZeroAddress");
      }
      // A manager is optional; the accountant link is not the accountant's own business.
      const other = await factory.deploy({ vault: bob.address, accountant: ZeroAddress, queue, manager: bob.address });
      expect([...(await other.links())]).to.deep.equal([bob.address, bob.address, queue]);
    });

    it("sync on a vault with no lrETH reverts LRTAccountantNotSeeded(vault)", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const { admin, treasury } = f.signers;
      const authority = await f.accessManager.getAddress();
      // A suite of its own, built as the deploy modules build one: proxies at ProxyBootstrap first, then the
      // implementations with their addresses, then each proxy upgraded with its initialize call. No seed.
      const bootstrap = await new ProxyBootstrap__factory(admin).deploy();
      const bootstrapCall = bootstrap.interface.encodeFunctionData("bootstrap");
      const [vault, accountant, queue] = [
        await deployProxy(admin, await bootstrap.getAddress(), bootstrapCall),
        await deployProxy(admin, await bootstrap.getAddress(), bootstrapCall),
        await deployProxy(admin, await bootstrap.getAddress(), bootstrapCall),
      ];
      const links = { vault, accountant, queue, manager: ZeroAddress };
      const vaultAssets = await ethers.deployContract("VaultAssets");
      const vaultImpl = await new LRTVault__factory(
        { "contracts/libraries/VaultAssets.sol:VaultAssets": await vaultAssets.getAddress() },
        admin,
      ).deploy(links);
      const accountantImpl = await new LRTAccountant__factory(admin).deploy(links);
      await ProxyBootstrap__factory.connect(vault, admin).upgradeToAndCall(
        vaultImpl,
        LRTVault__factory.createInterface().encodeFunctionData("initialize", [authority, PARAMS.cap, 10n ** 15n]),
      );
      await ProxyBootstrap__factory.connect(accountant, admin).upgradeToAndCall(
        accountantImpl,
        LRTAccountant__factory.createInterface().encodeFunctionData("initialize", [
          authority,
          {
            treasury: treasury.address,
            feeBps: PARAMS.feeBps,
            streamWindow: PARAMS.streamWindow,
            maxAprBps: PARAMS.maxAprBps,
            maxRateAge: PARAMS.maxRateAge,
          },
        ]),
      );
      const unseeded = LRTAccountant__factory.connect(accountant, admin);
      await expect(unseeded.sync()).to.be.revertedWithCustomError(unseeded, "LRTAccountantNotSeeded").withArgs(vault);
      // valuation() still answers: ETH only, nothing held, no lrETH.
      const v = await unseeded.valuation();
      expect(v.assets.map((a) => [a.asset, a.buffer, a.outside, a.price, a.value])).to.deep.equal([
        [ETH, 0n, 0n, WAD, 0n],
      ]);
      expect([v.totalValue, v.exact, v.totalSupply]).to.deep.equal([0n, 0n, 0n]);
    });
  });

  describe("upgrades (UUPS)", function () {
    it("the admin's upgrade to a fresh implementation keeps the books, parameters and rate; syncs go on", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const l = await replayPriced(f);
      const { admin, alice } = f.signers;
      const links = {
        vault: await f.vault.getAddress(),
        accountant: await f.accountant.getAddress(),
        queue: await f.queue.getAddress(),
        manager: ZeroAddress,
      };
      const next = await new LRTAccountant__factory(admin).deploy(links);
      await expect(f.accountant.connect(alice).upgradeToAndCall(next, "0x"))
        .to.be.revertedWithCustomError(f.accountant, "AccessManagedUnauthorized")
        .withArgs(alice.address);
      const parameters = [...(await f.accountant.parameters())];
      await expect(f.accountant.upgradeToAndCall(next, "0x")).to.emit(f.accountant, "Upgraded").withArgs(next);
      expect(await upgrades.erc1967.getImplementationAddress(await f.accountant.getAddress())).to.equal(
        await next.getAddress(),
      );
      expect([...(await f.accountant.links())]).to.deep.equal([links.vault, ZeroAddress, links.queue]);
      await expectBooks(f, l);
      expect([...(await f.accountant.parameters())]).to.deep.equal(parameters);
      expect(await f.vault.getRate()).to.equal(l.rates.rateAt(BigInt(await time.latest())));
      await moveRate(f, l, "rETH", 40n);
      const { tx, out } = await syncAt(f, l, f.syncAt + 2n * DAY);
      await expect(tx).to.emit(f.accountant, "GainRecognised").withArgs(out.streamed, out.heldBack);
      await expectBooks(f, l);
    });

    it("storage layout: upgrade-safe per @openzeppelin/hardhat-upgrades", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const proxy = await f.accountant.getAddress();
      const links = {
        vault: await f.vault.getAddress(),
        accountant: proxy,
        queue: await f.queue.getAddress(),
        manager: ZeroAddress,
      };
      // `expectUpgradeSafe` (test/helpers/upgrades.ts) with the constructor's argument: the implementation takes the
      // suite's links (immutables annotated `state-variable-immutable`, constructor annotated).
      const factory = await ethers.getContractFactory("LRTAccountant");
      const opts = { kind: "uups" as const, constructorArgs: [links] };
      await upgrades.validateImplementation(factory, opts);
      await upgrades.validateUpgrade(factory, factory, opts);
      await upgrades.forceImport(proxy, factory, opts);
      await upgrades.validateUpgrade(proxy, factory, opts);
      expect(await upgrades.erc1967.getImplementationAddress(proxy)).to.equal(f.implementations.accountant);
    });
  });

  describe("pricedVaultFixture (the books these tests start from)", function () {
    it("books, rate and fee as the model replays them", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const l = await replayPriced(f);
      await expectBooks(f, l);
      expect(l.rates.lastSync).to.equal(f.syncAt);
      expect(l.rates.lastSync - f.firstSyncAt).to.equal(PRICED.syncDelay);
      // The first gain streamed the APR bound counted from the accountant's initialization (no gain before it), as
      // one tranche from the sync over the window; the rest is held back.
      const bound = mulDiv(WAD, BigInt(PARAMS.maxAprBps) * (f.syncAt - f.accountantInitAt), BPS * 365n * DAY);
      expect(l.rates.t1).to.deep.equal({ amount: bound, start: f.syncAt, end: f.syncAt + WINDOW });
      expect(l.rates.t2.amount).to.equal(0n);
      expect(l.rates.heldBack).to.be.greaterThan(0n);
      expect(l.rates.recognizedAt).to.equal(f.syncAt);
      expect(await f.vault.balanceOf(f.signers.treasury)).to.equal(l.balanceOf(f.signers.treasury.address));
    });
  });
});
