/**
 * The price bounds a sync applies (`PriceBounds`, inside `LRTAccountant.sync()`), with each asset's bounds stored in
 * the vault (`AssetParams.maxRiseBpsPerDay`, `.maxFallBps`; `vault.setBounds`). Everything goes through the vault and
 * the accountant; expected prices come from `PriceBoundsModel` (test/helpers/priceBoundsModel.ts) or the `Ledger`,
 * never from the contracts' own views.
 */
import { expect } from "chai";
import { ethers, network } from "hardhat";
import type { ContractTransactionResponse } from "ethers";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import fc from "fast-check";
import {
  CbETHAdapter__factory,
  CbETHMock__factory,
  ParityAdapter__factory,
  RETHAdapter__factory,
  StETHAdapter__factory,
  StETHMock__factory,
} from "../../typechain-types";
import { pricedVaultFixture, replayPriced } from "../fixtures/priced";
import type { PricedFixture } from "../fixtures/priced";
import { CBETH_INITIAL_RATE, RETH_INITIAL_RATE } from "../fixtures/tokens";
import { ASSET_ORDER, ETH, PARAMS, deployVaultFixture } from "../fixtures/vault";
import { assetParams } from "../../scripts/lib/suite";
import type { AssetKey, VaultFixture } from "../fixtures/vault";
import { KEYS } from "../helpers/ledger";
import type { Ledger } from "../helpers/ledger";
import { WAD, mulDiv } from "../helpers/math";
import { Outcome, PriceBoundsModel, bound } from "../helpers/priceBoundsModel";
import type { OutcomeCode } from "../helpers/priceBoundsModel";
import { HOUR, DAY, BPS } from "../../scripts/lib/constants";

const { parseEther, ZeroAddress } = ethers;
const RISE = BigInt(PARAMS.maxRiseBpsPerDay);
const FALL = BigInt(PARAMS.maxFallBps);
/** `PriceBounds.MAX_RISE_BPS_PER_DAY`, restated. */
const MAX_RISE = 1_000n;

/** The ceiling of a rise over `elapsed` seconds, restated from the rule (rounded down). */
const ceiling = (previous: bigint, rise: bigint, elapsed: bigint) =>
  previous + mulDiv(previous, rise * elapsed, BPS * DAY);

type Addressable = { getAddress(): Promise<string> };

/** The price the vault stored for `asset` at the last sync. */
async function storedPrice(f: { vault: VaultFixture["vault"] }, asset: string | Addressable) {
  return (await f.vault.priceOf(asset))[1];
}

/** At `t`, run `call` (one transaction) so that every timestamp in a test is chosen, not the wall clock's. */
async function at<T>(t: bigint, call: () => Promise<T>): Promise<T> {
  await time.setNextBlockTimestamp(t);
  return call();
}

/** A sync at `t` through the accountant, on chain and in the ledger. */
async function syncAt(f: PricedFixture, l: Ledger, t: bigint) {
  const tx = await at(t, () => f.accountant.sync());
  return { tx, out: l.sync(t) };
}

/** The bound events (`PriceClamped`, `PriceTripped`, `PriceUnavailable`) the accountant emitted, in log order. */
async function boundEvents(f: VaultFixture, tx: ContractTransactionResponse): Promise<unknown[][]> {
  const names = new Set(["PriceClamped", "PriceTripped", "PriceUnavailable"]);
  const accountant = (await f.accountant.getAddress()).toLowerCase();
  const out: unknown[][] = [];
  for (const log of (await tx.wait())!.logs) {
    if (log.address.toLowerCase() !== accountant) continue;
    const parsed = f.accountant.interface.parseLog(log);
    if (parsed !== null && names.has(parsed.name)) out.push([parsed.name, ...parsed.args]);
  }
  return out;
}

/** The assets whose `DepositsTripped` the vault emitted, in log order. */
async function trippedBy(f: VaultFixture, tx: ContractTransactionResponse): Promise<string[]> {
  const vault = (await f.vault.getAddress()).toLowerCase();
  const out: string[] = [];
  for (const log of (await tx.wait())!.logs) {
    if (log.address.toLowerCase() !== vault) continue;
    const parsed = f.vault.interface.parseLog(log);
    if (parsed?.name === "DepositsTripped") out.push(parsed.args[0] as string);
  }
  return out;
}

/**
 * The bound events and trips a model's sync result implies, in the vault's asset order: `observed` per asset (the
 * adapter's reading), `previous` per asset (the model's price before the sync).
 */
function expectedEvents(
  order: [string, string][],
  result: Map<string, { used: bigint; outcome: OutcomeCode }>,
  observed: Map<string, bigint>,
  previous: Map<string, bigint>,
): { events: unknown[][]; trips: string[] } {
  const events: unknown[][] = [];
  const trips: string[] = [];
  for (const [key, asset] of order) {
    const r = result.get(key);
    if (r === undefined) continue;
    if (r.outcome === Outcome.Clamped) events.push(["PriceClamped", asset, observed.get(key)!, r.used]);
    if (r.outcome === Outcome.Tripped) events.push(["PriceTripped", asset, previous.get(key)!, r.used]);
    if (r.outcome === Outcome.Unavailable) events.push(["PriceUnavailable", asset, previous.get(key)!]);
    if (r.outcome === Outcome.Tripped || r.outcome === Outcome.Unavailable) trips.push(asset);
  }
  return { events, trips };
}

/** The five LSTs of `deployVaultFixture` as `PriceBoundsModel` assets, as its first sync left them. */
function fixtureModel(f: VaultFixture): PriceBoundsModel {
  const m = new PriceBoundsModel();
  const initial: Record<AssetKey, bigint> = {
    stETH: WAD,
    wstETH: WAD,
    rETH: RETH_INITIAL_RATE,
    cbETH: CBETH_INITIAL_RATE,
    weth: WAD,
  };
  for (const key of ASSET_ORDER) m.add(key, RISE, FALL, initial[key]);
  m.lastSync = f.firstSyncAt;
  return m;
}

/** `[key, address]` of the fixture's LSTs in the vault's order (ETH, never bounded, left out). */
async function lstOrder(f: VaultFixture): Promise<[string, string][]> {
  return Promise.all(ASSET_ORDER.map(async (k) => [k, await f.tokens[k].getAddress()] as [string, string]));
}

/** The fixture's stand-ins: what each adapter reads now, from the rates a test set (stETH's from its pool). */
function readings(rates: { lido: bigint; rETH: bigint; cbETH: bigint }): Map<string, bigint> {
  return new Map<string, bigint>([
    ["stETH", rates.lido],
    ["wstETH", rates.lido],
    ["rETH", rates.rETH],
    ["cbETH", rates.cbETH],
    ["weth", WAD],
  ]);
}

/** Posts a new cbETH rate (the stand-in refuses an unchanged one). */
async function setCbETH(f: VaultFixture, rate: bigint) {
  if (rate !== (await f.tokens.cbETH.exchangeRate())) {
    await f.tokens.cbETH.connect(f.signers.cbETHOracle).updateExchangeRate(rate);
  }
}

describe("PriceBounds (applied by accountant.sync, bounds stored in the vault)", function () {
  describe("a rise is bounded per unit of time since the last sync", function () {
    it("a rise beyond the daily bound is clamped (PriceClamped) and the rest counts at later syncs", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const l = await replayPriced(f);
      const rETH = await f.tokens.rETH.getAddress();
      const observed = (l.rETHRate * 112n) / 100n;
      await f.tokens.rETH.connect(f.signers.admin).setExchangeRate(observed);
      l.rETHRate = observed;

      let t = f.syncAt;
      // A day apart, two syncs move the price up by 5% each (rounded down), the third reaches the observed price.
      for (const clampExpected of [true, true, false]) {
        const previous = l.price.get("rETH")!;
        const used = clampExpected ? previous + mulDiv(previous, RISE, BPS) : observed;
        expect(bound(previous, observed, RISE, FALL, DAY)).to.deep.equal({
          used,
          outcome: clampExpected ? Outcome.Clamped : Outcome.Taken,
        });
        const { tx, out } = await syncAt(f, l, (t += DAY));
        if (clampExpected) {
          await expect(tx).to.emit(f.accountant, "PriceClamped").withArgs(rETH, observed, used);
        } else {
          await expect(tx).to.not.emit(f.accountant, "PriceClamped");
        }
        await expect(tx).to.not.emit(f.accountant, "PriceTripped");
        await expect(tx).to.not.emit(f.vault, "DepositsTripped");
        // The sync valued the vault at the bounded price, which the vault stored.
        await expect(tx).to.emit(f.accountant, "Synced").withArgs(out.previousRate, out.rate, l.syncValue(), l.supply);
        expect(await storedPrice(f, rETH))
          .to.equal(used)
          .and.to.equal(l.price.get("rETH"));
        expect((await f.vault.assetInfo(rETH)).price).to.equal(used);
        expect((await f.accountant.books()).lastSync).to.equal(t);
      }
    });

    it("several syncs in one block allow nothing beyond the first (zero seconds elapsed)", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const l = await replayPriced(f);
      const rETH = await f.tokens.rETH.getAddress();
      const observed = (l.rETHRate * 110n) / 100n;
      await f.tokens.rETH.connect(f.signers.admin).setExchangeRate(observed);
      l.rETHRate = observed;
      const t = f.syncAt + 6n * HOUR;
      const previous = l.price.get("rETH")!;
      // Six hours at 5% a day: 1.25% of the previous price.
      const first = ceiling(previous, RISE, 6n * HOUR);
      expect(first).to.equal(previous + (previous * 125n) / BPS);
      expect(bound(first, observed, RISE, FALL, 0n)).to.deep.equal({ used: first, outcome: Outcome.Clamped });

      await network.provider.send("evm_setAutomine", [false]);
      const txs: ContractTransactionResponse[] = [];
      try {
        await time.setNextBlockTimestamp(t);
        for (let i = 0; i < 3; i++) txs.push(await f.accountant.sync({ gasLimit: 5_000_000n }));
        await network.provider.send("evm_mine", []);
      } finally {
        await network.provider.send("evm_setAutomine", [true]);
      }
      const receipts = await Promise.all(txs.map((tx) => tx.wait()));
      expect(new Set(receipts.map((r) => r!.blockNumber)).size, "one block").to.equal(1);
      // The first clamps to the six hours' bound; the next two see zero seconds and allow nothing more.
      for (const tx of txs) await expect(tx).to.emit(f.accountant, "PriceClamped").withArgs(rETH, observed, first);
      for (let i = 0; i < 3; i++) l.sync(t);
      expect(l.price.get("rETH")).to.equal(first);
      expect(await storedPrice(f, rETH)).to.equal(first);
      expect((await f.accountant.books()).lastSync).to.equal(t);
      expect(await f.vault.getRate()).to.equal(l.rates.rateAt(t));
    });

    it("24 hourly syncs and one daily sync both stay within the bound and follow the model", async function () {
      const observed = CBETH_INITIAL_RATE * 2n; // far above any bound: every sync is clamped
      const run = async (steps: bigint[]) => {
        const f = await loadFixture(deployVaultFixture);
        const model = fixtureModel(f);
        const order = await lstOrder(f);
        const cbETH = await f.tokens.cbETH.getAddress();
        await setCbETH(f, observed);
        const seen = readings({ lido: WAD, rETH: RETH_INITIAL_RATE, cbETH: observed });
        let t = f.firstSyncAt;
        for (const dt of steps) {
          t += dt;
          const previous = new Map([...model.assets].map(([k, a]) => [k, a.price]));
          const result = model.sync(seen, t);
          expect(result.get("cbETH")!.outcome).to.equal(Outcome.Clamped);
          const tx = await at(t, () => f.accountant.sync());
          // cbETH alone is clamped; the other LSTs did not move.
          expect(await boundEvents(f, tx)).to.deep.equal(expectedEvents(order, result, seen, previous).events);
          expect(await boundEvents(f, tx)).to.deep.equal([["PriceClamped", cbETH, observed, model.price("cbETH")]]);
          expect(await storedPrice(f, cbETH)).to.equal(model.price("cbETH"));
        }
        return { stored: await storedPrice(f, cbETH), t };
      };
      const start = CBETH_INITIAL_RATE;
      const daily = await run([DAY]);
      const hourly = await run(Array.from({ length: 24 }, () => HOUR));
      expect(daily.t).to.equal(hourly.t);
      // One day at once: exactly 5%.
      expect(daily.stored).to.equal(start + (start * RISE) / BPS);
      // Hourly: compounding (1 + r/24)^24, rounded down each hour; at least the daily bound, below e^r (< 5.128%).
      expect(hourly.stored).to.be.at.least(daily.stored);
      expect(hourly.stored).to.be.lessThan(start + (start * 5_128n) / 100_000n);
      let compounded = start;
      for (let i = 0; i < 24; i++) compounded += mulDiv(compounded, RISE * HOUR, BPS * DAY);
      expect(hourly.stored).to.equal(compounded);
    });

    it("at the bound's edges: the ceiling is not clamped, one wei more is; -maxFallBps does not trip, one wei more does", async function () {
      const f = await loadFixture(deployVaultFixture);
      const cbETH = await f.tokens.cbETH.getAddress();
      const model = fixtureModel(f);
      let stored = CBETH_INITIAL_RATE;
      let t = f.firstSyncAt;
      const fallBand = (p: bigint) => mulDiv(p, FALL, BPS);
      const cases: [string, bigint, (p: bigint, e: bigint) => bigint, OutcomeCode][] = [
        ["ceiling after 3 h 17 s", 3n * HOUR + 17n, (p, e) => ceiling(p, RISE, e), Outcome.Taken],
        ["ceiling + 1 after 2 s", 2n, (p, e) => ceiling(p, RISE, e) + 1n, Outcome.Clamped],
        ["ceiling + 1 after 2 days", 2n * DAY, (p, e) => ceiling(p, RISE, e) + 1n, Outcome.Clamped],
        ["-band", 10n, (p) => p - fallBand(p), Outcome.Taken],
        ["-band - 1", 10n, (p) => p - fallBand(p) - 1n, Outcome.Tripped],
        ["unchanged", 10n, (p) => p, Outcome.Taken],
      ];
      for (const [name, elapsed, move, outcome] of cases) {
        t += elapsed;
        const observed = move(stored, elapsed);
        // The rate is posted the second before the sync.
        await at(t - 1n, () => setCbETH(f, observed));
        const expected = bound(stored, observed, RISE, FALL, elapsed);
        expect(expected.outcome, name).to.equal(outcome);
        const seen = readings({ lido: WAD, rETH: RETH_INITIAL_RATE, cbETH: observed });
        expect(model.sync(seen, t).get("cbETH"), name).to.deep.equal(expected);
        const tx = await at(t, () => f.accountant.sync());
        const events: unknown[][] = [];
        if (outcome === Outcome.Clamped) events.push(["PriceClamped", cbETH, observed, expected.used]);
        if (outcome === Outcome.Tripped) events.push(["PriceTripped", cbETH, stored, observed]);
        expect(await boundEvents(f, tx), name).to.deep.equal(events);
        expect(await trippedBy(f, tx), name).to.deep.equal(outcome === Outcome.Tripped ? [cbETH] : []);
        expect(await storedPrice(f, cbETH), name).to.equal(expected.used);
        stored = expected.used;
      }
      // The trip stays until an admin clears it; the price moved on regardless.
      expect((await f.vault.assetInfo(cbETH)).tripped).to.equal(true);
    });

    it("a new asset: its first price is taken as observed (no price stored yet), then bounded from the next sync", async function () {
      const f = await loadFixture(deployVaultFixture);
      const { admin } = f.signers;
      const token = await new CbETHMock__factory(admin).deploy();
      await token.initialize(admin.address, admin.address, parseEther("3"));
      const adapter = await new CbETHAdapter__factory(admin).deploy(token, ZeroAddress, 0);
      const asset = await token.getAddress();
      const params = assetParams(await adapter.getAddress(), { maxRiseBpsPerDay: 100, maxFallBps: 200 });
      await expect(f.vault.addAsset(token, params)).to.emit(f.vault, "AssetAdded");
      const index = KEYS.length;
      expect((await f.vault.assets())[index]).to.equal(asset);
      // Listed with its bounds and no price: deposits wait for a sync.
      const input = (await f.vault.syncInputs())[index];
      expect([
        input.asset,
        input.adapter,
        input.price,
        input.buffer,
        input.maxRiseBpsPerDay,
        input.maxFallBps,
      ]).to.deep.equal([asset, params.adapter, 0n, 0n, 100n, 200n]);
      const info = await f.vault.assetInfo(token);
      expect([info.price, info.maxRiseBpsPerDay, info.maxFallBps, info.sharesPerUnit, info.depositsOpen]).to.deep.equal(
        [0n, 100n, 200n, 0n, false],
      );
      // Days after the last sync, and far above anything a bound would allow from a stored price: taken as it is.
      const t1 = f.firstSyncAt + 3n * DAY;
      expect(bound(0n, parseEther("3"), 100n, 200n, t1 - f.firstSyncAt)).to.deep.equal({
        used: parseEther("3"),
        outcome: Outcome.Taken,
      });
      const tx = await at(t1, () => f.accountant.sync());
      expect(await boundEvents(f, tx)).to.deep.equal([]);
      expect(await storedPrice(f, token)).to.equal(parseEther("3"));
      expect((await f.vault.assetInfo(token)).depositsOpen).to.equal(true);
      // From now on its own bounds apply: 1% a day, over the hour since that sync.
      await token.updateExchangeRate(parseEther("3.5"));
      const t2 = t1 + HOUR;
      const used = ceiling(parseEther("3"), 100n, HOUR);
      expect(used).to.equal(parseEther("3") + parseEther("3") / 2_400n);
      await expect(at(t2, () => f.accountant.sync()))
        .to.emit(f.accountant, "PriceClamped")
        .withArgs(token, parseEther("3.5"), used);
      expect(await storedPrice(f, token)).to.equal(used);
      // ETH is never bounded: always 1e18, no adapter.
      expect([...(await f.vault.priceOf(ETH))]).to.deep.equal([ZeroAddress, WAD]);
    });
  });

  describe("no price: a failing adapter keeps the previous price and trips the asset", function () {
    it("an adapter that returns 0 or reverts: PriceUnavailable, the previous price (0 or not) kept, DepositsTripped", async function () {
      const f = await loadFixture(deployVaultFixture);
      const { admin, alice } = f.signers;
      const model = fixtureModel(f);
      const order = await lstOrder(f);
      // A Lido stand-in of its own, listed as a seventh asset: 2 ETH of shares backed by 1 wei prices 0.
      const steth = await new StETHMock__factory(admin).deploy();
      await steth.initialize(admin.address);
      await steth.connect(alice).submit(ZeroAddress, { value: parseEther("2") });
      await steth.connect(admin).rebase(-(parseEther("2") - 1n));
      const zero = await new StETHAdapter__factory(admin).deploy(steth, ZeroAddress, 0);
      expect(await zero.price()).to.equal(0n);
      // A cbETH adapter over a token without `exchangeRate`: its price() reverts (its asset() is the token).
      const reverting = await new CbETHAdapter__factory(admin).deploy(steth, ZeroAddress, 0);
      await expect(reverting.price()).to.be.reverted;
      const asset = await steth.getAddress();
      await f.vault.addAsset(steth, assetParams(zero, { lidoShares: true, maxRiseBpsPerDay: RISE, maxFallBps: FALL }));
      model.add("new", RISE, FALL);
      const all: [string, string][] = [...order, ["new", asset]];
      const base = readings({ lido: WAD, rETH: RETH_INITIAL_RATE, cbETH: CBETH_INITIAL_RATE });

      let t = f.firstSyncAt;
      /** A sync at `t += HOUR` with the new asset's adapter set to `adapter` reading `reading` (0: none). */
      const syncWith = async (adapter: string, reading: bigint, expectedPrevious: bigint) => {
        if ((await f.vault.priceOf(steth))[0] !== adapter) await f.vault.setAdapter(steth, adapter);
        t += HOUR;
        const seen = new Map([...base, ["new", reading]]);
        const previous = new Map([...model.assets].map(([k, a]) => [k, a.price]));
        expect(previous.get("new")).to.equal(expectedPrevious);
        const result = model.sync(seen, t);
        const tx = await at(t, () => f.accountant.sync());
        const expected = expectedEvents(all, result, seen, previous);
        expect(await boundEvents(f, tx)).to.deep.equal(expected.events);
        expect(await trippedBy(f, tx)).to.deep.equal(expected.trips);
        // Every other asset kept its price.
        for (const [key, a] of order) expect(await storedPrice(f, a), key).to.equal(model.price(key));
        expect(await storedPrice(f, steth)).to.equal(model.price("new"));
        return { tx, outcome: result.get("new")!.outcome };
      };

      // Never priced: no price keeps 0 and trips (the asset is worth nothing to the sync, deposits stay closed).
      for (const adapter of [zero, reverting]) {
        const { tx, outcome } = await syncWith(await adapter.getAddress(), 0n, 0n);
        expect(outcome).to.equal(Outcome.Unavailable);
        await expect(tx).to.emit(f.accountant, "PriceUnavailable").withArgs(asset, 0n);
        await expect(tx).to.not.emit(f.accountant, "PriceTripped");
        await expect(tx).to.emit(f.vault, "DepositsTripped").withArgs(asset);
      }
      expect((await f.vault.assetInfo(steth)).sharesPerUnit).to.equal(0n);
      // A working read: the first price is taken as observed (1.01 ETH per share).
      await steth.connect(admin).rebase(parseEther("2.02") - 1n);
      const price = parseEther("1.01");
      expect(await zero.price()).to.equal(price);
      const first = await syncWith(await zero.getAddress(), price, 0n);
      expect(first.outcome).to.equal(Outcome.Taken);
      await expect(first.tx).to.not.emit(f.vault, "DepositsTripped");
      expect(await storedPrice(f, steth)).to.equal(price);
      // Priced: a reverting read, then a zero read, keep 1.01 and trip again.
      const broken = await syncWith(await reverting.getAddress(), 0n, price);
      await expect(broken.tx).to.emit(f.accountant, "PriceUnavailable").withArgs(asset, price);
      await steth.connect(admin).rebase(-(parseEther("2.02") - 1n));
      const zeroed = await syncWith(await zero.getAddress(), 0n, price);
      await expect(zeroed.tx).to.emit(f.accountant, "PriceUnavailable").withArgs(asset, price);
      await expect(zeroed.tx).to.not.emit(f.accountant, "PriceTripped");
      expect((await f.vault.assetInfo(steth)).tripped).to.equal(true);
    });

    it("through a sync: a failing adapter trips the asset at its stored price, no loss booked, deposits halted", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const l = await replayPriced(f);
      const { admin, bob } = f.signers;
      const rETH = await f.tokens.rETH.getAddress();
      // A cbETH adapter pointed at rETH: asset() is rETH, but rETH has no exchangeRate(), so price() reverts.
      const broken = await new CbETHAdapter__factory(admin).deploy(rETH, ZeroAddress, 0);
      await f.vault.setAdapter(rETH, broken);
      const stored = l.price.get("rETH")!;
      const t = f.syncAt + HOUR;
      // valuation() shows it before the sync: the stored price, outcome 3 (unavailable).
      await time.increaseTo(t - 1n);
      const preview = (await f.accountant.valuation()).assets[KEYS.indexOf("rETH")];
      expect([preview.asset, preview.price, preview.outcome]).to.deep.equal([rETH, stored, Outcome.Unavailable]);
      const tx = await at(t, () => f.accountant.sync());
      await expect(tx).to.emit(f.accountant, "PriceUnavailable").withArgs(rETH, stored);
      await expect(tx).to.emit(f.vault, "DepositsTripped").withArgs(rETH);
      await expect(tx).to.not.emit(f.accountant, "LossRecognised");
      expect(await storedPrice(f, rETH)).to.equal(stored);
      // The rest of the sync is as the model's with rETH at its stored price (the rETH rate did not move).
      const out = l.sync(t);
      await expect(tx).to.emit(f.accountant, "Synced").withArgs(out.previousRate, out.rate, l.syncValue(), l.supply);
      expect(l.price.get("rETH")).to.equal(stored);
      expect(await f.vault.getRate()).to.equal(l.rates.rateAt(t));
      expect((await f.vault.assetInfo(rETH)).tripped).to.equal(true);
      await expect(f.vault.connect(bob).depositLST(rETH, parseEther("1"), bob.address, 0, 0))
        .to.be.revertedWithCustomError(f.vault, "LRTVaultDepositsPaused")
        .withArgs(rETH);
    });

    it("one clock for all assets: after a failed read, a recovered adapter rises only over the time since that sync", async function () {
      const f = await loadFixture(deployVaultFixture);
      const { admin } = f.signers;
      const cbETH = await f.tokens.cbETH.getAddress();
      const model = fixtureModel(f);
      // An rETH adapter over cbETH: its asset() is cbETH, but cbETH has no getExchangeRate(), so price() reverts.
      const broken = await new RETHAdapter__factory(admin).deploy(cbETH, ZeroAddress, 0);
      await expect(broken.price()).to.be.reverted;
      const observed = (CBETH_INITIAL_RATE * 103n) / 100n;
      await setCbETH(f, observed);
      await f.vault.setAdapter(cbETH, broken);
      const t1 = f.firstSyncAt + DAY;
      const r1 = model.sync(readings({ lido: WAD, rETH: RETH_INITIAL_RATE, cbETH: 0n }), t1);
      expect(r1.get("cbETH")).to.deep.equal({ used: CBETH_INITIAL_RATE, outcome: Outcome.Unavailable });
      await expect(at(t1, () => f.accountant.sync()))
        .to.emit(f.accountant, "PriceUnavailable")
        .withArgs(cbETH, CBETH_INITIAL_RATE);
      // The adapter is fixed an hour later. Bounded over the day and an hour since the last *price*, the 3% rise
      // would be taken; the bound counts from the last sync (an hour), so it is clamped to 5% x 1/24.
      await f.vault.setAdapter(cbETH, f.adapters.cbETH);
      const t2 = t1 + HOUR;
      expect(bound(CBETH_INITIAL_RATE, observed, RISE, FALL, t2 - f.firstSyncAt).outcome).to.equal(Outcome.Taken);
      const used = ceiling(CBETH_INITIAL_RATE, RISE, HOUR);
      expect(
        model.sync(readings({ lido: WAD, rETH: RETH_INITIAL_RATE, cbETH: observed }), t2).get("cbETH"),
      ).to.deep.equal({ used, outcome: Outcome.Clamped });
      await expect(at(t2, () => f.accountant.sync()))
        .to.emit(f.accountant, "PriceClamped")
        .withArgs(cbETH, observed, used);
      expect(await storedPrice(f, cbETH)).to.equal(used);
    });
  });

  describe("a fall applies in full and trips beyond maxFallBps", function () {
    it("a fall beyond maxFallBps: PriceTripped, the vault's DepositsTripped, deposits closed until clearPriceTrip", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const l = await replayPriced(f);
      const { admin, bob } = f.signers;
      const cbETH = await f.tokens.cbETH.getAddress();
      await f.vault.connect(bob).depositLST(cbETH, parseEther("5"), bob.address, 0, 0);
      l.depositTokens(bob.address, bob.address, "cbETH", parseEther("5"));

      const previous = l.price.get("cbETH")!;
      const observed = (l.cbETHRate * 94n) / 100n;
      await f.tokens.cbETH.connect(admin).updateExchangeRate(observed);
      l.cbETHRate = observed;
      const t = f.syncAt + 2n * HOUR;
      expect(bound(previous, observed, RISE, FALL, t - f.syncAt)).to.deep.equal({
        used: observed,
        outcome: Outcome.Tripped,
      });
      const rateBefore = l.rates.rateAt(t);
      const { tx, out } = await syncAt(f, l, t);
      await expect(tx).to.emit(f.accountant, "PriceTripped").withArgs(cbETH, previous, observed);
      await expect(tx).to.emit(f.vault, "DepositsTripped").withArgs(cbETH);
      await expect(tx)
        .to.emit(f.accountant, "LossRecognised")
        .withArgs(out.loss, mulDiv(out.loss, out.supply, WAD));
      // Applied in full at once: the stored price is the observed one.
      expect(await storedPrice(f, cbETH)).to.equal(observed);
      expect(await f.vault.getRate()).to.equal(rateBefore - out.loss);

      const info = await f.vault.assetInfo(cbETH);
      expect([info.tripped, info.depositsOpen, info.paused]).to.deep.equal([true, false, false]);
      const depositCbETH = () => f.vault.connect(bob).depositLST(cbETH, parseEther("1"), bob.address, 0, 0);
      await expect(depositCbETH()).to.be.revertedWithCustomError(f.vault, "LRTVaultDepositsPaused").withArgs(cbETH);
      expect(await f.vault.previewDeposit(cbETH, parseEther("1"))).to.equal(0n);
      // Other assets stay open.
      await f.vault.connect(bob).depositETH(bob.address, 0, 0, { value: parseEther("1") });
      l.deposit(bob.address, "ETH", parseEther("1"));

      // A later sync at the same price: no new trip, still closed.
      const again = await syncAt(f, l, t + HOUR);
      await expect(again.tx).to.not.emit(f.accountant, "PriceTripped");
      await expect(again.tx).to.not.emit(f.vault, "DepositsTripped");
      await expect(depositCbETH()).to.be.revertedWithCustomError(f.vault, "LRTVaultDepositsPaused").withArgs(cbETH);

      await expect(f.vault.connect(bob).clearPriceTrip(cbETH))
        .to.be.revertedWithCustomError(f.vault, "AccessManagedUnauthorized")
        .withArgs(bob.address);
      await expect(f.vault.clearPriceTrip(cbETH)).to.emit(f.vault, "PriceTripCleared").withArgs(cbETH);
      await expect(f.vault.clearPriceTrip(cbETH))
        .to.be.revertedWithCustomError(f.vault, "LRTVaultNoChange")
        .withArgs(cbETH);
      l.tripped.set("cbETH", false);
      // The cbETH feed still reads the old market price, above the fallen protocol price: the protocol price is used.
      expect(l.livePerUnit("cbETH")).to.equal(l.perUnit.get("cbETH"));
      await expect(depositCbETH())
        .to.emit(f.vault, "Deposit")
        .withArgs(bob.address, cbETH, parseEther("1"), l.sharesFor("cbETH", parseEther("1")), 0n);
    });

    it("a Lido loss beyond the bound trips both stETH and wstETH", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const l = await replayPriced(f);
      const delta = -(l.steth.pooledEther * 6n) / 100n;
      await f.tokens.stETH.connect(f.signers.admin).rebase(delta);
      l.steth.rebase(delta);
      const previous = l.price.get("stETH")!;
      expect(l.price.get("wstETH")).to.equal(previous);
      const { tx } = await syncAt(f, l, f.syncAt + HOUR);
      const events: unknown[][] = [];
      for (const key of ["stETH", "wstETH"] as const) {
        const asset = await f.tokens[key].getAddress();
        expect(l.tripped.get(key), key).to.equal(true);
        events.push(["PriceTripped", asset, previous, l.price.get(key)]);
        expect((await f.vault.assetInfo(asset)).tripped, key).to.equal(true);
      }
      expect(await boundEvents(f, tx)).to.deep.equal(events);
      expect(await trippedBy(f, tx)).to.deep.equal([
        await f.tokens.stETH.getAddress(),
        await f.tokens.wstETH.getAddress(),
      ]);
      expect((await f.vault.assetInfo(f.tokens.rETH)).tripped).to.equal(false);
    });

    it("a fall within maxFallBps applies in full without a trip, even seconds after a sync", async function () {
      const f = await loadFixture(deployVaultFixture);
      const cbETH = await f.tokens.cbETH.getAddress();
      const model = fixtureModel(f);
      const t0 = BigInt(await time.latest()) + 10n;
      model.sync(readings({ lido: WAD, rETH: RETH_INITIAL_RATE, cbETH: CBETH_INITIAL_RATE }), t0);
      await at(t0, () => f.accountant.sync());
      const observed = CBETH_INITIAL_RATE - mulDiv(CBETH_INITIAL_RATE, 499n, BPS);
      await at(t0 + 1n, () => setCbETH(f, observed));
      const t = t0 + 2n;
      const r = model.sync(readings({ lido: WAD, rETH: RETH_INITIAL_RATE, cbETH: observed }), t).get("cbETH");
      expect(r).to.deep.equal({ used: observed, outcome: Outcome.Taken });
      const tx = await at(t, () => f.accountant.sync());
      expect(await boundEvents(f, tx)).to.deep.equal([]);
      expect(await trippedBy(f, tx)).to.deep.equal([]);
      expect(await storedPrice(f, cbETH)).to.equal(observed);
      expect((await f.vault.assetInfo(cbETH)).tripped).to.equal(false);
    });
  });

  describe("bounds are the vault's, per asset", function () {
    it("setBounds: BoundsUpdated; out of range LRTVaultInvalidBounds; ETH, unknown assets and no change refused", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const l = await replayPriced(f);
      const rETH = await f.tokens.rETH.getAddress();
      const index = KEYS.indexOf("rETH");
      const stored = l.price.get("rETH")!;
      const info = await f.vault.assetInfo(rETH);
      expect([info.maxRiseBpsPerDay, info.maxFallBps]).to.deep.equal([RISE, FALL]);
      for (const [rise, fall] of [
        [MAX_RISE + 1n, FALL],
        [RISE, 0n],
        [RISE, BPS + 1n],
        [65_535n, 65_535n],
      ]) {
        await expect(f.vault.setBounds(rETH, rise, fall))
          .to.be.revertedWithCustomError(f.vault, "LRTVaultInvalidBounds")
          .withArgs(rETH, rise, fall);
      }
      for (const asset of [ETH, ZeroAddress, f.signers.bob.address]) {
        await expect(f.vault.setBounds(asset, RISE, FALL))
          .to.be.revertedWithCustomError(f.vault, "LRTVaultUnsupportedAsset")
          .withArgs(asset);
      }
      await expect(f.vault.setBounds(rETH, RISE, FALL))
        .to.be.revertedWithCustomError(f.vault, "LRTVaultNoChange")
        .withArgs(rETH);
      // The edges are accepted: no rise at all, the largest rise, a 1 bps trip, a trip only on a total loss.
      for (const [rise, fall] of [
        [0n, 1n],
        [MAX_RISE, BPS],
        [7n, 321n],
      ]) {
        await expect(f.vault.setBounds(rETH, rise, fall))
          .to.emit(f.vault, "BoundsUpdated")
          .withArgs(rETH, rise, fall);
        const after = await f.vault.assetInfo(rETH);
        expect([after.maxRiseBpsPerDay, after.maxFallBps]).to.deep.equal([rise, fall]);
        const input = (await f.vault.syncInputs())[index];
        expect([input.asset, input.maxRiseBpsPerDay, input.maxFallBps]).to.deep.equal([rETH, rise, fall]);
        // Only the bounds moved: not the stored price, not the clock.
        expect(await storedPrice(f, rETH)).to.equal(stored);
        expect((await f.accountant.books()).lastSync).to.equal(f.syncAt);
      }
      // Other assets keep theirs.
      const cbETH = await f.vault.assetInfo(f.tokens.cbETH);
      expect([cbETH.maxRiseBpsPerDay, cbETH.maxFallBps]).to.deep.equal([RISE, FALL]);
      const eth = await f.vault.assetInfo(ETH);
      expect([eth.maxRiseBpsPerDay, eth.maxFallBps]).to.deep.equal([0n, 0n]);
    });

    it("new bounds apply from the next sync, over the time since the last one", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const l = await replayPriced(f);
      const rETH = await f.tokens.rETH.getAddress();
      await f.vault.setBounds(rETH, 20, 300);
      const model = l.oracle.get("rETH")!;
      model.maxRiseBpsPerDay = 20n;
      model.maxFallBps = 300n;
      const observed = (l.rETHRate * 101n) / 100n;
      await f.tokens.rETH.connect(f.signers.admin).setExchangeRate(observed);
      l.rETHRate = observed;
      const t = f.syncAt + 2n * DAY;
      const previous = l.price.get("rETH")!;
      const used = ceiling(previous, 20n, 2n * DAY);
      const { tx } = await syncAt(f, l, t);
      await expect(tx).to.emit(f.accountant, "PriceClamped").withArgs(rETH, observed, used);
      expect(l.price.get("rETH")).to.equal(used);
      expect(await storedPrice(f, rETH)).to.equal(used);
      // A 3% bound now trips a 4% fall that 5% would have let through.
      const fallen = (used * 96n) / 100n;
      await f.tokens.rETH.connect(f.signers.admin).setExchangeRate(fallen);
      l.rETHRate = fallen;
      expect(bound(used, fallen, 20n, 300n, HOUR).outcome).to.equal(Outcome.Tripped);
      expect(bound(used, fallen, RISE, FALL, HOUR).outcome).to.equal(Outcome.Taken);
      const again = await syncAt(f, l, t + HOUR);
      await expect(again.tx).to.emit(f.accountant, "PriceTripped").withArgs(rETH, used, fallen);
      expect(l.tripped.get("rETH")).to.equal(true);
    });

    it("each asset is bounded by its own bounds in the same sync", async function () {
      const f = await loadFixture(deployVaultFixture);
      const { admin } = f.signers;
      const [rETH, cbETH] = await Promise.all([f.tokens.rETH.getAddress(), f.tokens.cbETH.getAddress()]);
      const model = fixtureModel(f);
      const order = await lstOrder(f);
      await f.vault.setBounds(rETH, 0, FALL);
      model.setBounds("rETH", 0n, FALL);
      await f.vault.setBounds(cbETH, MAX_RISE, FALL);
      model.setBounds("cbETH", MAX_RISE, FALL);
      const rRate = (RETH_INITIAL_RATE * 103n) / 100n;
      const cRate = (CBETH_INITIAL_RATE * 103n) / 100n;
      await f.tokens.rETH.connect(admin).setExchangeRate(rRate);
      await setCbETH(f, cRate);
      const t = f.firstSyncAt + DAY;
      const seen = readings({ lido: WAD, rETH: rRate, cbETH: cRate });
      const previous = new Map([...model.assets].map(([k, a]) => [k, a.price]));
      const result = model.sync(seen, t);
      // rETH may not rise at all: clamped to its stored price; cbETH may rise 10% a day: taken.
      expect(result.get("rETH")).to.deep.equal({ used: RETH_INITIAL_RATE, outcome: Outcome.Clamped });
      expect(result.get("cbETH")).to.deep.equal({ used: cRate, outcome: Outcome.Taken });
      const tx = await at(t, () => f.accountant.sync());
      expect(await boundEvents(f, tx)).to.deep.equal(expectedEvents(order, result, seen, previous).events);
      expect(await boundEvents(f, tx)).to.deep.equal([["PriceClamped", rETH, rRate, RETH_INITIAL_RATE]]);
      expect(await storedPrice(f, rETH)).to.equal(RETH_INITIAL_RATE);
      expect(await storedPrice(f, cbETH)).to.equal(cRate);
    });

    it("a new adapter's first price is bounded against the stored one", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const l = await replayPriced(f);
      const { admin } = f.signers;
      const rETH = await f.tokens.rETH.getAddress();
      // A parity adapter for rETH reads 1 ETH: a 10% fall from the stored 1.111, so it trips rather than resets.
      const parity = await new ParityAdapter__factory(admin).deploy(rETH);
      await expect(f.vault.setAdapter(rETH, parity)).to.emit(f.vault, "AdapterUpdated").withArgs(rETH, parity);
      const stored = l.price.get("rETH")!;
      // The stored price stays until the next sync.
      expect([...(await f.vault.priceOf(rETH))]).to.deep.equal([await parity.getAddress(), stored]);
      const t1 = f.syncAt + HOUR;
      expect(bound(stored, WAD, RISE, FALL, t1 - f.syncAt).outcome).to.equal(Outcome.Tripped);
      await expect(at(t1, () => f.accountant.sync()))
        .to.emit(f.accountant, "PriceTripped")
        .withArgs(rETH, stored, WAD);
      expect(await storedPrice(f, rETH)).to.equal(WAD);
      // And a fresh RETHAdapter after it is clamped against the stored 1 ETH, over the hour since that sync.
      await f.vault.setAdapter(
        rETH,
        await new RETHAdapter__factory(admin).deploy(rETH, f.feeds.rETH, PARAMS.maxFeedAge),
      );
      const t2 = t1 + HOUR;
      const used = ceiling(WAD, RISE, HOUR);
      expect(bound(WAD, l.rETHRate, RISE, FALL, HOUR)).to.deep.equal({ used, outcome: Outcome.Clamped });
      await expect(at(t2, () => f.accountant.sync()))
        .to.emit(f.accountant, "PriceClamped")
        .withArgs(rETH, l.rETHRate, used);
      expect(await storedPrice(f, rETH)).to.equal(used);
    });

    it("addAsset refuses bounds out of range (LRTVaultInvalidBounds)", async function () {
      const f = await loadFixture(deployVaultFixture);
      const { admin } = f.signers;
      const token = await new CbETHMock__factory(admin).deploy();
      await token.initialize(admin.address, admin.address, parseEther("1.2"));
      const adapter = await new CbETHAdapter__factory(admin).deploy(token, ZeroAddress, 0);
      const asset = await token.getAddress();
      for (const [rise, fall] of [
        [MAX_RISE + 1n, FALL],
        [RISE, 0n],
        [RISE, BPS + 1n],
      ]) {
        const params = assetParams(await adapter.getAddress(), { maxRiseBpsPerDay: rise, maxFallBps: fall });
        await expect(f.vault.addAsset(token, params))
          .to.be.revertedWithCustomError(f.vault, "LRTVaultInvalidBounds")
          .withArgs(asset, rise, fall);
      }
      expect(await f.vault.assets()).to.have.length(KEYS.length);
    });

    it("setBounds, setAdapter and clearPriceTrip revert AccessManagedUnauthorized for a stranger", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const bob = f.signers.bob;
      const vault = f.vault.connect(bob);
      const calls: [string, () => Promise<unknown>][] = [
        ["setBounds", () => vault.setBounds(f.tokens.rETH, 1, 1)],
        ["setAdapter", () => vault.setAdapter(f.tokens.rETH, f.adapters.rETH)],
        ["clearPriceTrip", () => vault.clearPriceTrip(f.tokens.rETH)],
      ];
      for (const [name, call] of calls) {
        await expect(call(), name)
          .to.be.revertedWithCustomError(f.vault, "AccessManagedUnauthorized")
          .withArgs(bob.address);
      }
    });
  });

  describe("valuation() shows the bounded prices a sync would store", function () {
    it("before a sync: each asset's bounded price and outcome as the model's; the sync then stores them", async function () {
      const f = await loadFixture(deployVaultFixture);
      const { admin } = f.signers;
      const model = fixtureModel(f);
      const order = await lstOrder(f);
      // rETH rises 10% (clamped), cbETH falls 6% (tripped), Lido rises 0.1% (taken).
      const rRate = (RETH_INITIAL_RATE * 110n) / 100n;
      const cRate = (CBETH_INITIAL_RATE * 94n) / 100n;
      await f.tokens.rETH.connect(admin).setExchangeRate(rRate);
      await setCbETH(f, cRate);
      await f.tokens.stETH.connect(admin).rebase(parseEther("0.1"));
      // 100 ETH pooled for 100e18 shares, plus 0.1.
      const lido = mulDiv(WAD, parseEther("100.1"), parseEther("100"));
      const seen = readings({ lido, rETH: rRate, cbETH: cRate });
      const t = f.firstSyncAt + 5n * HOUR;
      await time.increaseTo(t);
      const preview = model.preview(seen, t);
      const v = await f.accountant.valuation();
      expect(v.assets.map((a) => [a.asset, a.price, a.outcome])).to.deep.equal([
        [ETH, WAD, Outcome.Taken],
        ...order.map(([k, a]) => [a, preview.get(k)!.used, preview.get(k)!.outcome]),
      ]);
      expect(preview.get("rETH")!.outcome).to.equal(Outcome.Clamped);
      expect(preview.get("cbETH")!.outcome).to.equal(Outcome.Tripped);
      expect(preview.get("stETH")!.outcome).to.equal(Outcome.Taken);
      // Nothing was stored by the view.
      expect(await storedPrice(f, f.tokens.rETH)).to.equal(RETH_INITIAL_RATE);
      // The sync a second later stores what the bound allows then.
      const previous = new Map([...model.assets].map(([k, a]) => [k, a.price]));
      const result = model.sync(seen, t + 1n);
      const tx = await at(t + 1n, () => f.accountant.sync());
      const expected = expectedEvents(order, result, seen, previous);
      expect(await boundEvents(f, tx)).to.deep.equal(expected.events);
      expect(await trippedBy(f, tx)).to.deep.equal(expected.trips);
      for (const [key, a] of order) expect(await storedPrice(f, a), key).to.equal(model.price(key));
    });
  });

  describe("random price paths (property)", function () {
    type Step =
      | { kind: "wait"; seconds: bigint }
      | { kind: "move"; asset: "rETH" | "cbETH" | "lido"; bps: bigint }
      | { kind: "sync" };
    const stepArb: fc.Arbitrary<Step> = fc.oneof(
      { weight: 2, arbitrary: fc.record({ kind: fc.constant("wait" as const), seconds: fc.bigInt(1n, 3n * DAY) }) },
      {
        weight: 3,
        arbitrary: fc.record({
          kind: fc.constant("move" as const),
          asset: fc.constantFrom("rETH" as const, "cbETH" as const, "lido" as const),
          bps: fc.bigInt(-800n, 1_500n),
        }),
      },
      { weight: 3, arbitrary: fc.constant({ kind: "sync" as const }) },
    );

    it("every sync stores the model's prices and emits exactly the model's clamps and trips", async function () {
      this.timeout(600_000);
      const seen = { taken: 0, clamped: 0, tripped: 0 };
      await fc.assert(
        fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 12 }), async (steps) => {
          const f = await loadFixture(deployVaultFixture);
          const { admin } = f.signers;
          const model = fixtureModel(f);
          const order = await lstOrder(f);
          const rates = { lido: WAD, rETH: RETH_INITIAL_RATE, cbETH: CBETH_INITIAL_RATE };
          // Lido's pool as the fixture left it (100 ETH for 100e18 shares).
          let pooled = parseEther("100");
          const shares = parseEther("100");
          let now = BigInt(await time.latest());
          for (const step of [...steps, { kind: "sync" as const }]) {
            if (step.kind === "wait") {
              now += step.seconds;
            } else if (step.kind === "move") {
              now += 1n;
              if (step.bps === 0n) continue;
              if (step.asset === "lido") {
                const delta = (pooled * step.bps) / BPS;
                if (delta === 0n) continue;
                await at(now, () => f.tokens.stETH.connect(admin).rebase(delta));
                pooled += delta;
                rates.lido = mulDiv(WAD, pooled, shares);
              } else if (step.asset === "rETH") {
                const next = rates.rETH + (rates.rETH * step.bps) / BPS;
                await at(now, () => f.tokens.rETH.connect(admin).setExchangeRate(next));
                rates.rETH = next;
              } else {
                const next = rates.cbETH + (rates.cbETH * step.bps) / BPS;
                await at(now, () => f.tokens.cbETH.connect(admin).updateExchangeRate(next));
                rates.cbETH = next;
              }
            } else {
              now += 1n;
              const observed = readings(rates);
              const previous = new Map([...model.assets].map(([k, a]) => [k, a.price]));
              const result = model.sync(observed, now);
              const tx = await at(now, () => f.accountant.sync());
              const expected = expectedEvents(order, result, observed, previous);
              expect(await boundEvents(f, tx)).to.deep.equal(expected.events);
              expect(await trippedBy(f, tx)).to.deep.equal(expected.trips);
              const inputs = await f.vault.syncInputs();
              expect(inputs.map((i) => i.price)).to.deep.equal([WAD, ...order.map(([k]) => model.price(k))]);
              for (const r of result.values()) {
                if (r.outcome === Outcome.Taken) seen.taken++;
                if (r.outcome === Outcome.Clamped) seen.clamped++;
                if (r.outcome === Outcome.Tripped) seen.tripped++;
              }
            }
          }
        }),
        { numRuns: 25, seed: 20_260_310 },
      );
      for (const [path, count] of Object.entries(seen)) expect(count, path).to.be.greaterThan(0);
    });
  });

  describe("fixture prices", function () {
    it("the fixture's first sync stored each adapter's reading and started the accountant's clock", async function () {
      const f = await loadFixture(deployVaultFixture);
      expect(await storedPrice(f, f.tokens.rETH)).to.equal(RETH_INITIAL_RATE);
      expect(await storedPrice(f, f.tokens.cbETH)).to.equal(CBETH_INITIAL_RATE);
      for (const key of ["stETH", "wstETH", "weth"] as const) expect(await storedPrice(f, f.tokens[key])).to.equal(WAD);
      expect([...(await f.vault.priceOf(ETH))]).to.deep.equal([ZeroAddress, WAD]);
      for (const key of ASSET_ORDER) {
        const info = await f.vault.assetInfo(f.tokens[key]);
        expect([info.adapter, info.maxRiseBpsPerDay, info.maxFallBps, info.tripped], key).to.deep.equal([
          f.adapters[key],
          RISE,
          FALL,
          false,
        ]);
      }
      const books = await f.accountant.books();
      expect(books.lastSync).to.equal(f.firstSyncAt);
      await expect(f.vault.priceOf(f.signers.bob.address))
        .to.be.revertedWithCustomError(f.vault, "LRTVaultUnsupportedAsset")
        .withArgs(f.signers.bob.address);
    });
  });
});
