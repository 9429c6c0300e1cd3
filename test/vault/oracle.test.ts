import { expect } from "chai";
import { ethers, network, upgrades } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  CbETHAdapter__factory,
  CbETHMock__factory,
  LRTOracle__factory,
  ParityAdapter__factory,
  RETHAdapter__factory,
  StETHAdapter__factory,
  StETHMock__factory,
} from "../../typechain-types";
import { pricedVaultFixture, replayPriced } from "../fixtures/priced";
import type { PricedFixture } from "../fixtures/priced";
import { CBETH_INITIAL_RATE, RETH_INITIAL_RATE } from "../fixtures/tokens";
import { ETH, VAULT_PARAMS, deployProxy, deployVaultFixture } from "../fixtures/vault";
import { KEYS } from "../helpers/ledger";
import type { Key, Ledger } from "../helpers/ledger";
import { WAD, mulDiv } from "../helpers/math";
import { OracleModel, boundedPrice } from "../helpers/oracleModel";
import { expectUpgradeSafe } from "../helpers/upgrades";

const { parseEther, ZeroAddress } = ethers;
const HOUR = 3_600n;
const DAY = 86_400n;
const BPS = 10_000n;
const RISE = BigInt(VAULT_PARAMS.maxRiseBpsPerDay);
const FALL = BigInt(VAULT_PARAMS.maxFallBps);
/** `LRTOracle.MAX_RISE_BPS_PER_DAY`, restated. */
const MAX_RISE = 1_000n;

async function assetList(f: PricedFixture): Promise<string[]> {
  return [ETH, ...(await Promise.all(KEYS.slice(1).map((k) => f.tokens[k as Exclude<Key, "ETH">].getAddress())))];
}

/** The price the vault stored for `asset` at the last sync. */
async function storedPrice(f: { vault: PricedFixture["vault"] }, asset: string | { getAddress(): Promise<string> }) {
  return (await f.vault.priceOf(asset))[1];
}

/** A sync at `t` through the accountant, on chain and in the ledger. */
async function syncAt(f: PricedFixture, l: Ledger, t: bigint) {
  await time.setNextBlockTimestamp(t);
  const tx = await f.accountant.sync();
  return { tx, out: l.sync(t) };
}

/** `deployVaultFixture` with the oracle's accountant replaced by `keeper` (signer 6), who calls `refresh` directly. */
async function keeperOracleFixture() {
  const f = await deployVaultFixture();
  const [, , , , , , keeper] = await ethers.getSigners();
  await f.oracle.setAccountant(keeper.address);
  return { ...f, keeper };
}
type KeeperFixture = Awaited<ReturnType<typeof keeperOracleFixture>>;

/** The keeper's refresh of cbETH alone at `t`, against `previous`: the tx, and the price and trip it reported. */
async function refreshCbETHAt(f: KeeperFixture, t: bigint, previous: bigint) {
  await time.setNextBlockTimestamp(t);
  const tx = await f.oracle
    .connect(f.keeper)
    .refresh([await f.tokens.cbETH.getAddress()], [f.adapters.cbETH], [previous]);
  const logs = (await tx.wait())!.logs.map((log) => f.oracle.interface.parseLog(log));
  const refreshed = logs.find((log) => log?.name === "PricesRefreshed")!;
  return {
    tx,
    price: refreshed.args.prices[0] as bigint,
    tripped: logs.some((log) => log?.name === "PriceTripped"),
  };
}

/** The oracle model of cbETH as the fixture left it: first refreshed at the first sync, at its initial rate. */
function cbETHModel(f: KeeperFixture): OracleModel {
  const m = new OracleModel(RISE, FALL);
  m.refresh(CBETH_INITIAL_RATE, f.firstSyncAt);
  return m;
}

describe("LRTOracle", function () {
  describe("refresh: a rise is bounded per unit of time", function () {
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
        const used = clampExpected ? previous + mulDiv(previous, RISE * DAY, BPS * DAY) : observed;
        expect(boundedPrice(previous, observed, RISE, FALL, DAY)).to.deep.equal({
          used,
          clamped: clampExpected,
          tripped: false,
        });
        const { tx, out } = await syncAt(f, l, (t += DAY));
        if (clampExpected) {
          await expect(tx).to.emit(f.oracle, "PriceClamped").withArgs(rETH, observed, used);
        } else {
          await expect(tx).to.not.emit(f.oracle, "PriceClamped");
        }
        await expect(tx)
          .to.emit(f.oracle, "PricesRefreshed")
          .withArgs(
            await assetList(f),
            KEYS.map((k) => l.price.get(k)),
          );
        // The sync valued the vault at the bounded price, which the vault stored.
        await expect(tx).to.emit(f.accountant, "Synced").withArgs(out.previousRate, out.rate, l.syncValue(), l.supply);
        expect(await storedPrice(f, rETH))
          .to.equal(used)
          .and.to.equal(l.price.get("rETH"));
        expect((await f.vault.assetInfo(rETH)).price).to.equal(used);
        expect((await f.oracle.boundsOf(rETH)).updatedAt).to.equal(t);
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
      const first = previous + mulDiv(previous, RISE * 6n * HOUR, BPS * DAY);
      expect(first).to.equal(previous + (previous * 125n) / BPS);

      await network.provider.send("evm_setAutomine", [false]);
      try {
        await time.setNextBlockTimestamp(t);
        const txs = [];
        for (let i = 0; i < 3; i++) txs.push(await f.accountant.sync({ gasLimit: 5_000_000n }));
        await network.provider.send("evm_mine", []);
        const receipts = await Promise.all(txs.map((tx) => tx.wait()));
        expect(new Set(receipts.map((r) => r!.blockNumber)).size, "one block").to.equal(1);
        // The first clamps to the six hours' bound; the next two see zero seconds and allow nothing more.
        await expect(txs[0]).to.emit(f.oracle, "PriceClamped").withArgs(rETH, observed, first);
        for (const tx of txs.slice(1)) {
          await expect(tx).to.emit(f.oracle, "PriceClamped").withArgs(rETH, observed, first);
        }
      } finally {
        await network.provider.send("evm_setAutomine", [true]);
      }
      for (let i = 0; i < 3; i++) l.sync(t);
      expect(l.price.get("rETH")).to.equal(first);
      expect(await storedPrice(f, rETH)).to.equal(first);
      expect((await f.oracle.boundsOf(rETH)).updatedAt).to.equal(t);
      expect(await f.vault.getRate()).to.equal(l.rates.rateAt(t));
    });

    it("hourly refreshes and one daily refresh both stay within the bound and equal the OracleModel", async function () {
      const observed = CBETH_INITIAL_RATE * 2n; // far above any bound: every refresh is clamped
      const run = async (steps: bigint[]) => {
        const f = await loadFixture(keeperOracleFixture);
        const model = cbETHModel(f);
        await f.tokens.cbETH.connect(f.signers.cbETHOracle).updateExchangeRate(observed);
        let t = f.firstSyncAt;
        let stored = CBETH_INITIAL_RATE;
        for (const dt of steps) {
          t += dt;
          const expected = model.refresh(observed, t);
          expect(expected.clamped).to.equal(true);
          const { tx, price } = await refreshCbETHAt(f, t, stored);
          expect(price).to.equal(expected.used);
          await expect(tx)
            .to.emit(f.oracle, "PriceClamped")
            .withArgs(await f.tokens.cbETH.getAddress(), observed, expected.used);
          stored = price;
        }
        return { stored, t, f };
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
      const f = await loadFixture(keeperOracleFixture);
      const { cbETHOracle } = f.signers;
      const cbETH = await f.tokens.cbETH.getAddress();
      const model = cbETHModel(f);
      let stored = CBETH_INITIAL_RATE;
      let t = f.firstSyncAt;
      const ceiling = (p: bigint, elapsed: bigint) => p + mulDiv(p, RISE * elapsed, BPS * DAY);
      const fallBand = (p: bigint) => mulDiv(p, FALL, BPS);
      const cases: [string, bigint, (p: bigint, e: bigint) => bigint, boolean, boolean][] = [
        ["ceiling after 3 h 17 s", 3n * HOUR + 17n, (p, e) => ceiling(p, e), false, false],
        // Two seconds: the token's rate update takes the second before.
        ["ceiling + 1 after 2 s", 2n, (p, e) => ceiling(p, e) + 1n, true, false],
        ["ceiling + 1 after 2 days", 2n * DAY, (p, e) => ceiling(p, e) + 1n, true, false],
        ["-band", 10n, (p) => p - fallBand(p), false, false],
        ["-band - 1", 10n, (p) => p - fallBand(p) - 1n, false, true],
        ["unchanged", 10n, (p) => p, false, false],
      ];
      for (const [name, elapsed, move, clamped, tripped] of cases) {
        t += elapsed;
        const observed = move(stored, elapsed);
        // The stand-in refuses an unchanged rate.
        if (observed !== (await f.tokens.cbETH.exchangeRate())) {
          await f.tokens.cbETH.connect(cbETHOracle).updateExchangeRate(observed);
        }
        const expected = boundedPrice(stored, observed, RISE, FALL, elapsed);
        expect([expected.clamped, expected.tripped], name).to.deep.equal([clamped, tripped]);
        expect(model.refresh(observed, t), name).to.deep.equal(expected);
        const { tx, price, tripped: trip } = await refreshCbETHAt(f, t, stored);
        expect([price, trip], name).to.deep.equal([expected.used, tripped]);
        if (clamped) await expect(tx).to.emit(f.oracle, "PriceClamped").withArgs(cbETH, observed, expected.used);
        else await expect(tx).to.not.emit(f.oracle, "PriceClamped");
        if (tripped) await expect(tx).to.emit(f.oracle, "PriceTripped").withArgs(cbETH, stored, observed);
        else await expect(tx).to.not.emit(f.oracle, "PriceTripped");
        await expect(tx).to.emit(f.oracle, "PricesRefreshed").withArgs([cbETH], [expected.used]);
        stored = expected.used;
        expect((await f.oracle.boundsOf(cbETH)).updatedAt, name).to.equal(t);
      }
    });

    it("a new asset: its first price is taken as observed (previous 0); a first refresh after setBounds allows no rise", async function () {
      const f = await loadFixture(keeperOracleFixture);
      const { admin } = f.signers;
      const oracle = f.oracle.connect(f.keeper);
      const token = await new CbETHMock__factory(admin).deploy();
      await token.initialize(admin.address, admin.address, parseEther("3"));
      const adapter = await new CbETHAdapter__factory(admin).deploy(token, ZeroAddress, 0);
      await expect(f.oracle.setBounds(token, 100, 200))
        .to.emit(f.oracle, "BoundsSet")
        .withArgs(token, 100, 200);
      expect([...(await f.oracle.boundsOf(token))]).to.deep.equal([100n, 200n, 0n]);
      const addr = await token.getAddress();
      // Not yet refreshed, with a stored price below the observed one: zero time has elapsed, so no rise at all.
      const low = parseEther("2.5");
      expect(boundedPrice(low, parseEther("3"), 100n, 200n, 0n)).to.deep.equal({
        used: low,
        clamped: true,
        tripped: false,
      });
      const [clampedPrices] = await oracle.refresh.staticCall([addr], [adapter], [low]);
      expect([...clampedPrices]).to.deep.equal([low]);
      // Previous 0: taken as observed; ETH is 1e18 whatever adapter and previous are given.
      await expect(oracle.refresh([addr, ETH], [adapter, ZeroAddress], [0n, 7n]))
        .to.emit(f.oracle, "PricesRefreshed")
        .withArgs([addr, ETH], [parseEther("3"), WAD])
        .and.to.not.emit(f.oracle, "PriceClamped");
      expect((await f.oracle.boundsOf(token)).updatedAt).to.equal(BigInt(await time.latest()));
      expect((await f.oracle.boundsOf(ETH)).updatedAt).to.equal(0n);
    });

    it("an adapter that returns 0 or reverts keeps the previous price and trips the asset (PriceUnavailable), clock unchanged", async function () {
      const f = await loadFixture(keeperOracleFixture);
      const { admin, alice } = f.signers;
      const oracle = f.oracle.connect(f.keeper);
      // 2 ETH of Lido shares backed by 1 wei: 1e18 shares are worth 0 wei.
      const steth = await new StETHMock__factory(admin).deploy();
      await steth.initialize(admin.address);
      await steth.connect(alice).submit(ZeroAddress, { value: parseEther("2") });
      await steth.connect(admin).rebase(-(parseEther("2") - 1n));
      const zero = await new StETHAdapter__factory(admin).deploy(steth, ZeroAddress, 0);
      expect(await zero.price()).to.equal(0n);
      // A cbETH adapter over a token without `exchangeRate`: its price() reverts.
      const reverting = await new CbETHAdapter__factory(admin).deploy(steth, ZeroAddress, 0);
      await expect(reverting.price()).to.be.reverted;
      await f.oracle.setBounds(steth, RISE, FALL);
      const cbETH = await f.tokens.cbETH.getAddress();
      for (const adapter of [zero, reverting]) {
        for (const previous of [0n, parseEther("1.01")]) {
          const args: [string[], string[], bigint[]] = [
            [await steth.getAddress(), cbETH],
            [await adapter.getAddress(), f.adapters.cbETH],
            [previous, CBETH_INITIAL_RATE],
          ];
          const [prices, trips] = await oracle.refresh.staticCall(...args);
          // cbETH, refreshed alongside, is unaffected.
          expect([[...prices], [...trips]]).to.deep.equal([
            [previous, CBETH_INITIAL_RATE],
            [true, false],
          ]);
          const tx = await oracle.refresh(...args);
          await expect(tx).to.emit(f.oracle, "PriceUnavailable").withArgs(steth, previous);
          await expect(tx).to.not.emit(f.oracle, "PriceTripped");
          await expect(tx).to.emit(f.oracle, "PricesRefreshed").withArgs(args[0], [previous, CBETH_INITIAL_RATE]);
          // The clock did not start: the asset was never refreshed with a price.
          expect((await f.oracle.boundsOf(steth)).updatedAt).to.equal(0n);
        }
      }
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
      await time.setNextBlockTimestamp(t);
      const tx = await f.accountant.sync();
      await expect(tx).to.emit(f.oracle, "PriceUnavailable").withArgs(rETH, stored);
      await expect(tx).to.emit(f.vault, "DepositsTripped").withArgs(rETH);
      await expect(tx).to.not.emit(f.accountant, "LossRecognised");
      expect(await storedPrice(f, rETH)).to.equal(stored);
      // The rest of the sync is as the model's with rETH at its stored price (the rETH rate did not move).
      l.sync(t);
      expect(l.price.get("rETH")).to.equal(stored);
      expect(await f.vault.getRate()).to.equal(l.rates.rateAt(t));
      expect((await f.oracle.boundsOf(rETH)).updatedAt).to.equal(f.syncAt);
      expect((await f.vault.assetInfo(rETH)).tripped).to.equal(true);
      await expect(f.vault.connect(bob).depositLST(rETH, parseEther("1"), bob.address, 0, 0))
        .to.be.revertedWithCustomError(f.vault, "LRTVaultDepositsPaused")
        .withArgs(rETH);
    });
  });

  describe("refresh: a fall applies in full and trips beyond maxFallBps", function () {
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
      expect(boundedPrice(previous, observed, RISE, FALL, t - f.syncAt)).to.deep.equal({
        used: observed,
        clamped: false,
        tripped: true,
      });
      const rateBefore = l.rates.rateAt(t);
      const { tx, out } = await syncAt(f, l, t);
      await expect(tx).to.emit(f.oracle, "PriceTripped").withArgs(cbETH, previous, observed);
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
      await expect(again.tx).to.not.emit(f.oracle, "PriceTripped");
      await expect(again.tx).to.not.emit(f.vault, "DepositsTripped");
      await expect(depositCbETH()).to.be.revertedWithCustomError(f.vault, "LRTVaultDepositsPaused").withArgs(cbETH);

      await expect(f.vault.connect(bob).clearPriceTrip(cbETH))
        .to.be.revertedWithCustomError(f.vault, "AccessManagedUnauthorized")
        .withArgs(bob.address);
      await expect(f.vault.clearPriceTrip(cbETH)).to.emit(f.vault, "PriceTripCleared").withArgs(cbETH);
      await expect(f.vault.clearPriceTrip(cbETH)).to.be.revertedWithCustomError(f.vault, "LRTVaultNoChange");
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
      for (const key of ["stETH", "wstETH"] as const) {
        const asset = await f.tokens[key].getAddress();
        expect(l.tripped.get(key), key).to.equal(true);
        await expect(tx).to.emit(f.oracle, "PriceTripped").withArgs(asset, previous, l.price.get(key));
        await expect(tx).to.emit(f.vault, "DepositsTripped").withArgs(asset);
        expect((await f.vault.assetInfo(asset)).tripped, key).to.equal(true);
      }
      expect((await f.vault.assetInfo(f.tokens.rETH)).tripped).to.equal(false);
    });

    it("a fall within maxFallBps applies in full without a trip, even seconds after a refresh", async function () {
      const f = await loadFixture(keeperOracleFixture);
      const model = cbETHModel(f);
      const t0 = BigInt(await time.latest()) + 10n;
      expect(model.refresh(CBETH_INITIAL_RATE, t0).used).to.equal(CBETH_INITIAL_RATE);
      await refreshCbETHAt(f, t0, CBETH_INITIAL_RATE);
      const observed = CBETH_INITIAL_RATE - mulDiv(CBETH_INITIAL_RATE, 499n, BPS);
      await f.tokens.cbETH.connect(f.signers.cbETHOracle).updateExchangeRate(observed);
      const t = t0 + 2n;
      expect(model.refresh(observed, t)).to.deep.equal({ used: observed, clamped: false, tripped: false });
      const { tx, price, tripped } = await refreshCbETHAt(f, t, CBETH_INITIAL_RATE);
      expect([price, tripped]).to.deep.equal([observed, false]);
      await expect(tx).to.not.emit(f.oracle, "PriceTripped");
      await expect(tx).to.not.emit(f.oracle, "PriceClamped");
    });
  });

  describe("refresh: inputs", function () {
    it("an asset without bounds reverts LRTOracleUnknownAsset; boundsOf it is empty", async function () {
      const f = await loadFixture(keeperOracleFixture);
      const { admin } = f.signers;
      const token = await new CbETHMock__factory(admin).deploy();
      await token.initialize(admin.address, admin.address, parseEther("1.2"));
      const adapter = await new CbETHAdapter__factory(admin).deploy(token, ZeroAddress, 0);
      const oracle = f.oracle.connect(f.keeper);
      for (const previous of [0n, parseEther("1.2")]) {
        await expect(oracle.refresh([ETH, token], [ZeroAddress, adapter], [WAD, previous]))
          .to.be.revertedWithCustomError(f.oracle, "LRTOracleUnknownAsset")
          .withArgs(token);
      }
      expect([...(await f.oracle.boundsOf(token))]).to.deep.equal([0n, 0n, 0n]);
    });

    it("lists of different lengths revert LRTOracleBadInput", async function () {
      const f = await loadFixture(keeperOracleFixture);
      const oracle = f.oracle.connect(f.keeper);
      const cbETH = await f.tokens.cbETH.getAddress();
      const bad: [string[], string[], bigint[]][] = [
        [[ETH, cbETH], [ZeroAddress], [WAD, WAD]],
        [[ETH, cbETH], [ZeroAddress, f.adapters.cbETH], [WAD]],
        [[ETH], [ZeroAddress, f.adapters.cbETH], [WAD, WAD]],
        [[ETH], [ZeroAddress], [WAD, WAD]],
      ];
      for (const args of bad) {
        await expect(oracle.refresh(...args)).to.be.revertedWithCustomError(f.oracle, "LRTOracleBadInput");
      }
      await expect(oracle.refresh([], [], []))
        .to.emit(f.oracle, "PricesRefreshed")
        .withArgs([], []);
    });
  });

  describe("admin", function () {
    it("setBounds: emits BoundsSet; out of range LRTOracleInvalidBounds; zero and ETH refused; the refresh time stays", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const rETH = await f.tokens.rETH.getAddress();
      const before = await f.oracle.boundsOf(rETH);
      expect([...before]).to.deep.equal([RISE, FALL, f.syncAt]);
      for (const [rise, fall] of [
        [MAX_RISE + 1n, FALL],
        [RISE, 0n],
        [RISE, BPS + 1n],
        [65_535n, 65_535n],
      ]) {
        await expect(f.oracle.setBounds(rETH, rise, fall))
          .to.be.revertedWithCustomError(f.oracle, "LRTOracleInvalidBounds")
          .withArgs(rETH, rise, fall);
      }
      for (const asset of [ZeroAddress, ETH]) {
        await expect(f.oracle.setBounds(asset, RISE, FALL)).to.be.revertedWithCustomError(
          f.oracle,
          "LRTOracleZeroAddress",
        );
      }
      // The edges are accepted: no rise at all, the largest rise, a 1 bps trip, a trip only on a total loss.
      for (const [rise, fall] of [
        [0n, 1n],
        [MAX_RISE, BPS],
        [7n, 321n],
      ]) {
        await expect(f.oracle.setBounds(rETH, rise, fall))
          .to.emit(f.oracle, "BoundsSet")
          .withArgs(rETH, rise, fall);
        expect([...(await f.oracle.boundsOf(rETH))]).to.deep.equal([rise, fall, f.syncAt]);
      }
    });

    it("new bounds apply from the next refresh, over the time since the last one", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const l = await replayPriced(f);
      const rETH = await f.tokens.rETH.getAddress();
      await f.oracle.setBounds(rETH, 20, 300);
      const model = l.oracle.get("rETH")!;
      model.maxRiseBpsPerDay = 20n;
      model.maxFallBps = 300n;
      const observed = (l.rETHRate * 101n) / 100n;
      await f.tokens.rETH.connect(f.signers.admin).setExchangeRate(observed);
      l.rETHRate = observed;
      const t = f.syncAt + 2n * DAY;
      const previous = l.price.get("rETH")!;
      const used = previous + mulDiv(previous, 20n * 2n * DAY, BPS * DAY);
      const { tx } = await syncAt(f, l, t);
      await expect(tx).to.emit(f.oracle, "PriceClamped").withArgs(rETH, observed, used);
      expect(l.price.get("rETH")).to.equal(used);
      expect(await storedPrice(f, rETH)).to.equal(used);
    });

    it("a new adapter's first price is bounded against the stored one", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const l = await replayPriced(f);
      const { admin } = f.signers;
      const rETH = await f.tokens.rETH.getAddress();
      // A parity adapter for rETH reads 1 ETH: a 10% fall from the stored 1.111, so it trips rather than resets.
      const parity = await new ParityAdapter__factory(admin).deploy(rETH);
      await f.vault.setAdapter(rETH, parity);
      const stored = l.price.get("rETH")!;
      const t1 = f.syncAt + HOUR;
      expect(boundedPrice(stored, WAD, RISE, FALL, t1 - f.syncAt).tripped).to.equal(true);
      await time.setNextBlockTimestamp(t1);
      await expect(f.accountant.sync()).to.emit(f.oracle, "PriceTripped").withArgs(rETH, stored, WAD);
      expect(await storedPrice(f, rETH)).to.equal(WAD);
      // And a fresh RETHAdapter after it is clamped against the stored 1 ETH, over the hour since that refresh.
      await f.vault.setAdapter(
        rETH,
        await new RETHAdapter__factory(admin).deploy(rETH, f.feeds.rETH, VAULT_PARAMS.maxFeedAge),
      );
      const t2 = t1 + HOUR;
      const used = WAD + mulDiv(WAD, RISE * HOUR, BPS * DAY);
      expect(boundedPrice(WAD, l.rETHRate, RISE, FALL, HOUR)).to.deep.equal({ used, clamped: true, tripped: false });
      await time.setNextBlockTimestamp(t2);
      await expect(f.accountant.sync()).to.emit(f.oracle, "PriceClamped").withArgs(rETH, l.rETHRate, used);
      expect(await storedPrice(f, rETH)).to.equal(used);
    });

    it("setAccountant: emits AccountantSet, refuses zero; only the accountant may refresh (LRTOracleOnlyAccountant)", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const { admin, bob } = f.signers;
      const accountant = await f.accountant.getAddress();
      expect(await f.oracle.accountant()).to.equal(accountant);
      for (const caller of [admin, bob]) {
        await expect(f.oracle.connect(caller).refresh([ETH], [ZeroAddress], [WAD]))
          .to.be.revertedWithCustomError(f.oracle, "LRTOracleOnlyAccountant")
          .withArgs(caller.address);
      }
      await expect(f.oracle.setAccountant(ZeroAddress)).to.be.revertedWithCustomError(f.oracle, "LRTOracleZeroAddress");
      await expect(f.oracle.setAccountant(bob.address)).to.emit(f.oracle, "AccountantSet").withArgs(bob.address);
      expect(await f.oracle.accountant()).to.equal(bob.address);
      // The old accountant can no longer sync.
      await expect(f.accountant.sync())
        .to.be.revertedWithCustomError(f.oracle, "LRTOracleOnlyAccountant")
        .withArgs(accountant);
      await expect(f.oracle.connect(bob).refresh([ETH], [ZeroAddress], [WAD]))
        .to.emit(f.oracle, "PricesRefreshed")
        .withArgs([ETH], [WAD]);
    });

    it("restricted functions revert AccessManagedUnauthorized for a stranger", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const bob = f.signers.bob;
      const oracle = f.oracle.connect(bob);
      const calls: [string, () => Promise<unknown>][] = [
        ["setBounds", () => oracle.setBounds(f.tokens.rETH, 1, 1)],
        ["setAccountant", () => oracle.setAccountant(bob.address)],
        ["upgradeToAndCall", () => oracle.upgradeToAndCall(f.implementations.oracle, "0x")],
      ];
      for (const [name, call] of calls) {
        await expect(call(), name)
          .to.be.revertedWithCustomError(f.oracle, "AccessManagedUnauthorized")
          .withArgs(bob.address);
      }
    });

    it("initialize: once, never on the implementation, not with a zero authority", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const authority = await f.accessManager.getAddress();
      await expect(f.oracle.initialize(authority)).to.be.revertedWithCustomError(f.oracle, "InvalidInitialization");
      const impl = LRTOracle__factory.connect(f.implementations.oracle, f.signers.admin);
      await expect(impl.initialize(authority)).to.be.revertedWithCustomError(impl, "InvalidInitialization");
      const data = LRTOracle__factory.createInterface().encodeFunctionData("initialize", [ZeroAddress]);
      await expect(deployProxy(f.signers.admin, f.implementations.oracle, data)).to.be.revertedWithCustomError(
        f.oracle,
        "LRTOracleZeroAddress",
      );
    });
  });

  describe("upgrades (UUPS)", function () {
    it("the admin's upgrade to a fresh implementation keeps bounds, refresh times and the accountant; the time bound goes on", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const l = await replayPriced(f);
      const { admin, alice } = f.signers;
      const next = await new LRTOracle__factory(admin).deploy();
      await expect(f.oracle.connect(alice).upgradeToAndCall(next, "0x"))
        .to.be.revertedWithCustomError(f.oracle, "AccessManagedUnauthorized")
        .withArgs(alice.address);
      await expect(f.oracle.upgradeToAndCall(next, "0x")).to.emit(f.oracle, "Upgraded").withArgs(next);
      expect(await upgrades.erc1967.getImplementationAddress(await f.oracle.getAddress())).to.equal(
        await next.getAddress(),
      );
      const assets = await assetList(f);
      for (const [i, key] of KEYS.entries()) {
        if (key === "ETH") continue;
        expect([...(await f.oracle.boundsOf(assets[i]))], key).to.deep.equal([RISE, FALL, f.syncAt]);
      }
      expect(await f.oracle.accountant()).to.equal(await f.accountant.getAddress());
      // A rise after the upgrade is still bounded over the time since the refresh before it.
      const observed = (l.rETHRate * 103n) / 100n;
      await f.tokens.rETH.connect(admin).setExchangeRate(observed);
      l.rETHRate = observed;
      const t = f.syncAt + 12n * HOUR;
      const previous = l.price.get("rETH")!;
      const { tx } = await syncAt(f, l, t);
      await expect(tx)
        .to.emit(f.oracle, "PriceClamped")
        .withArgs(assets[KEYS.indexOf("rETH")], observed, previous + mulDiv(previous, RISE * 12n * HOUR, BPS * DAY));
      await expect(tx)
        .to.emit(f.oracle, "PricesRefreshed")
        .withArgs(
          assets,
          KEYS.map((k) => l.price.get(k)),
        );
    });

    it("storage layout: upgrade-safe per @openzeppelin/hardhat-upgrades; a reordered namespace is rejected", async function () {
      const f = await loadFixture(pricedVaultFixture);
      await expectUpgradeSafe("LRTOracle", await f.oracle.getAddress());
      const current = await ethers.getContractFactory("LRTOracle");
      const broken = await ethers.getContractFactory("LRTOracleLayoutBreakMock");
      await upgrades.validateImplementation(broken, { kind: "uups" });
      const error = await upgrades.validateUpgrade(current, broken, { kind: "uups" }).then(
        () => undefined,
        (e: Error) => e,
      );
      // The change is reported in lrETH's oracle namespace (its fields `accountant` and `bounds`, or the mock's own
      // `feeds` over them), nothing in the inherited ones.
      expect(error?.message).to.match(/storage layout is incompatible/i);
      expect(error?.message).to.match(/(Inserted|Deleted|Replaced|Renamed)[^\n]*`(accountant|bounds|feeds)`/);
      expect(error?.message).to.not.include("AccessManaged");
    });
  });

  describe("fixture prices", function () {
    it("the fixture's first sync stored each adapter's reading and started each asset's clock", async function () {
      const f = await loadFixture(keeperOracleFixture);
      expect(await storedPrice(f, f.tokens.rETH)).to.equal(RETH_INITIAL_RATE);
      expect(await storedPrice(f, f.tokens.cbETH)).to.equal(CBETH_INITIAL_RATE);
      for (const key of ["stETH", "wstETH", "weth"] as const) expect(await storedPrice(f, f.tokens[key])).to.equal(WAD);
      expect([...(await f.vault.priceOf(ETH))]).to.deep.equal([ZeroAddress, WAD]);
      for (const key of ["stETH", "wstETH", "rETH", "cbETH", "weth"] as const) {
        expect([...(await f.oracle.boundsOf(f.tokens[key]))], key).to.deep.equal([RISE, FALL, f.firstSyncAt]);
      }
    });
  });
});
