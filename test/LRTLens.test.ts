import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  ERC20Mock__factory,
  LRTAccountant__factory,
  LRTLens__factory,
  LRTVault__factory,
  RestakingManagerMock__factory,
  VaultAssets__factory,
} from "../typechain-types";
import type { ILRTLens } from "../typechain-types/contracts/LRTLens";
import type { IRestakingManager } from "../typechain-types/contracts/test/RestakingManagerMock";
import { CBETH_INITIAL_RATE, RETH_INITIAL_RATE } from "./fixtures/tokens";
import { ASSET_ORDER, ETH, PARAMS, deployVaultFixture } from "./fixtures/vault";
import type { VaultFixture } from "./fixtures/vault";
import { restaked } from "./fixtures/restaked";
import { WAD, max, mulDiv, mulWad } from "./helpers/math";
import { KEYS, Ledger, ledgerAddresses } from "./helpers/ledger";
import type { Key } from "./helpers/ledger";
import { Outcome, bound, type OutcomeCode } from "./helpers/priceBoundsModel";
import { slashOperator } from "./helpers/restaking";
import { pricedVaultFixture, replayPriced } from "./fixtures/priced";
import { deployQueueFixture } from "./fixtures/queue";
import { deploySuiteFixture } from "../scripts/lib/suite";
import { HOUR, DAY } from "../scripts/lib/constants";

const { parseEther, ZeroAddress } = ethers;

/**
 * The scenario every test builds on, as data (applied on chain by `yieldFixture`, replayed by `replayYield`):
 * LST prices move before anyone deposits (synced an hour after the fixture's first sync, so the stored price rises by
 * at most 5%/24 of it: the rises are clamped, and deposits are priced at the stored price), four
 * deposits in odd amounts, then a yield on stETH and rETH synced three days later (the stored prices catch up).
 */
const S = {
  /** Lido yield on the 100 ETH pool before the deposits (+1.23%, above what the bounds let an hour add). */
  stETHRebase1: 1_234_567_890_123_456_789n,
  /** rETH rate before the deposits (+1.12% from 1.1; its market feed stays at 1.1). */
  rETHRate1: 1_112_345_678_901_234_567n,
  sync1Delay: HOUR,
  /** alice deposits ETH. */
  aliceETH: parseEther("2.345678901234567891"),
  /** alice stakes ETH with Lido, then deposits part of her stETH. */
  aliceStake: parseEther("5"),
  aliceStETH: parseEther("3.333333333333333333") + 7n,
  /** bob mints rETH with ETH and deposits part of it. */
  bobMintRETH: parseEther("4"),
  bobRETH: parseEther("2.718281828459045235"),
  /** the cbETH owner mints cbETH to bob, who deposits part of it. */
  bobMintCbETH: parseEther("1.5"),
  bobCbETH: parseEther("1.414213562373095048"),
  /** The yield, synced `sync2Delay` after the first scenario sync. */
  stETHRebase2: 987_654_321_098_765_432n,
  rETHRate2: 1_118_027_756_377_319_946n,
  sync2Delay: 3n * DAY,
} as const;

/** The vault fixture plus a lens. */
async function lensFixture() {
  const f = await deployVaultFixture();
  const lens = await new LRTLens__factory(f.signers.admin).deploy();
  return { ...f, lens };
}

/** `lensFixture` after the scenario `S`; returns the timestamps of its two syncs. */
async function yieldFixture() {
  const f = await lensFixture();
  const { vault, accountant, tokens, signers } = f;
  const { admin, alice, bob } = signers;
  const { stETH, rETH, cbETH } = tokens;

  await stETH.connect(admin).rebase(S.stETHRebase1);
  await rETH.connect(admin).setExchangeRate(S.rETHRate1);
  const sync1At = f.firstSyncAt + S.sync1Delay;
  await time.setNextBlockTimestamp(sync1At);
  await accountant.sync();

  await vault.connect(alice).depositETH(alice.address, 0, 0, { value: S.aliceETH });
  await stETH.connect(alice).submit(ZeroAddress, { value: S.aliceStake });
  await stETH.connect(alice).approve(vault, S.aliceStETH);
  await vault.connect(alice).depositLST(stETH, S.aliceStETH, alice.address, 0, 0);
  await rETH.connect(bob).deposit({ value: S.bobMintRETH });
  await rETH.connect(bob).approve(vault, S.bobRETH);
  await vault.connect(bob).depositLST(rETH, S.bobRETH, bob.address, 0, 0);
  await cbETH.connect(admin).mint(bob.address, S.bobMintCbETH);
  await cbETH.connect(bob).approve(vault, S.bobCbETH);
  await vault.connect(bob).depositLST(cbETH, S.bobCbETH, bob.address, 0, 0);

  await stETH.connect(admin).rebase(S.stETHRebase2);
  await rETH.connect(admin).setExchangeRate(S.rETHRate2);
  const sync2At = sync1At + S.sync2Delay;
  await time.setNextBlockTimestamp(sync2At);
  await accountant.sync();

  return { ...f, sync1At, sync2At };
}

/** A fresh ledger replaying `deployVaultFixture` (fixture results are shared, so ledgers are rebuilt per test). */
async function baseLedger(f: VaultFixture): Promise<Ledger> {
  return new Ledger(await ledgerAddresses(f), f.firstSyncAt, f.accountantInitAt);
}

/** A fresh ledger replaying `yieldFixture`. */
async function replayYield(f: VaultFixture & { sync1At: bigint; sync2At: bigint }): Promise<Ledger> {
  const l = await baseLedger(f);
  const { alice, bob } = f.signers;
  l.steth.rebase(S.stETHRebase1);
  l.rETHRate = S.rETHRate1;
  l.sync(f.sync1At);
  l.deposit(alice.address, "ETH", S.aliceETH);
  l.steth.submit(alice.address, S.aliceStake);
  // The vault credits the Lido shares the transfer moved.
  l.deposit(alice.address, "stETH", l.steth.transfer(alice.address, l.a.vault, S.aliceStETH));
  l.deposit(bob.address, "rETH", S.bobRETH);
  l.deposit(bob.address, "cbETH", S.bobCbETH);
  l.steth.rebase(S.stETHRebase2);
  l.rETHRate = S.rETHRate2;
  l.sync(f.sync2At);
  return l;
}

/**
 * `unrecognised` right after a sync is the sync's own rounding, so 0 <= u <= supply / 1e18 + 1 + n (wei) for n
 * assets held: the sync floors each asset's value (the live value, rounded once, is up to n - 1 wei more) and the
 * value per 1e18 lrETH, losing under 1 wei per 1e18 lrETH (< supply / 1e18 wei in all), and `totalAssets` and
 * `pendingGains` are each floored once more (< 1 wei each). It is never negative: rate + pending never exceed the
 * value per share before rounding, so neither can credit more than the vault holds. (While no price moved since the
 * sync, the live prices are the stored ones, so this holds later too.)
 */
function expectSyncRounding(s: ILRTLens.VaultSummaryStructOutput): void {
  const held = BigInt(s.assets.filter((a) => a.live.buffer + a.live.outside > 0n).length);
  expect(s.unrecognised, "unrecognised").to.be.at.least(0n);
  expect(s.unrecognised, "unrecognised").to.be.at.most(s.totalSupply / WAD + 1n + held);
}

/** The vault's assets and their adapters (zero for ETH), in `vault.assets()` order. */
interface Listed {
  assets: string[];
  adapters: string[];
}

/**
 * The price a sync at `t` would use for `key` (what `accountant.valuation()` shows): the adapter's price now, bounded
 * against the price the last sync stored over the time since that sync (`PriceBounds`), and what the bound did.
 */
function livePrice(l: Ledger, key: Key, t: bigint): { used: bigint; outcome: OutcomeCode } {
  if (key === "ETH") return { used: WAD, outcome: Outcome.Taken };
  const bounds = l.oracle.get(key)!;
  return bound(
    l.price.get(key)!,
    l.observedPrice(key),
    bounds.maxRiseBpsPerDay,
    bounds.maxFallBps,
    t - l.rates.lastSync,
  );
}

/** Every asset's holdings at its live price at `t`, summed, then rounded down once (the lens's `liveAssets`). */
function liveAssetsAt(l: Ledger, t: bigint): bigint {
  return KEYS.reduce((sum, k) => sum + l.holdings(k) * livePrice(l, k, t).used, 0n) / WAD;
}

/**
 * Compares every field of `summary()` at time `t` with the ledger's prediction. `outside`: per asset, the units the
 * last sync found restaked or queued (the vault's `outsideUnits`; none unless a test says so), while the live side
 * shows what the restaking manager reports now (the ledger's `restaked` + `queued`); `slashed`: what `freshness()`
 * reports (no restaking manager here: false).
 */
function expectSummary(
  s: ILRTLens.VaultSummaryStructOutput,
  l: Ledger,
  t: bigint,
  listed: Listed,
  outside: Partial<Record<Key, bigint>> = {},
  slashed = false,
): void {
  const totalAssets = mulWad(l.supply, l.rates.rateAt(t));
  const pendingGains = mulWad(l.rates.pending(t), l.supply);
  const liveAssets = liveAssetsAt(l, t);
  const top: Record<string, unknown> = {
    rate: l.rates.rateAt(t),
    totalAssets,
    totalSupply: l.supply,
    pendingGains,
    lastSync: l.rates.lastSync,
    rateExpiry: l.rates.lastSync + BigInt(PARAMS.maxRateAge),
    highWaterMark: l.rates.highWaterMark,
    slashedSinceSync: slashed,
    liveAssets,
    unrecognised: liveAssets - totalAssets - pendingGains,
  };
  for (const [field, value] of Object.entries(top)) {
    expect(s[field as keyof typeof s], field).to.equal(value);
  }

  expect(s.assets.length, "assets").to.equal(KEYS.length);
  KEYS.forEach((key, i) => {
    const a = s.assets[i];
    const price = livePrice(l, key, t);
    const live: Record<string, unknown> = {
      asset: listed.assets[i],
      buffer: l.buffer.get(key),
      outside: l.restaked.get(key)! + l.queued.get(key)!,
      price: price.used,
      outcome: price.outcome,
      value: mulWad(l.holdings(key), price.used),
    };
    for (const [field, value] of Object.entries(live)) {
      expect(a.live[field as keyof typeof a.live], `${key}.live.${field}`).to.equal(value);
    }
    const tripped = l.tripped.get(key)!;
    const info: Record<string, unknown> = {
      index: BigInt(i),
      adapter: listed.adapters[i],
      // The price the vault stored at the last sync.
      price: l.price.get(key),
      maxRiseBpsPerDay: key === "ETH" ? 0n : BigInt(PARAMS.maxRiseBpsPerDay),
      maxFallBps: key === "ETH" ? 0n : BigInt(PARAMS.maxFallBps),
      strategy: ZeroAddress,
      outsideUnits: outside[key] ?? 0n,
      bufferUnits: l.buffer.get(key),
      sharesPerUnit: l.perUnit.get(key),
      headroom: l.headroom.get(key),
      cap: PARAMS.cap,
      // Stored in gwei, rounded up: 1e15 is a whole number of gwei.
      minDeposit: PARAMS.minDeposit,
      expiry: l.expiry,
      lidoShares: key === "stETH",
      paused: false,
      tripped,
      depositsOpen: l.perUnit.get(key)! !== 0n && !tripped && t <= l.expiry,
    };
    for (const [field, value] of Object.entries(info)) {
      expect(a.info[field as keyof typeof a.info], `${key}.info.${field}`).to.equal(value);
    }
  });
}

async function assetAddresses(f: VaultFixture): Promise<string[]> {
  return [ETH, ...(await Promise.all(ASSET_ORDER.map((k) => f.tokens[k].getAddress())))];
}

/** The fixture's assets and the adapters it deployed for them. */
async function listedOf(f: VaultFixture): Promise<Listed> {
  return { assets: await assetAddresses(f), adapters: [ZeroAddress, ...ASSET_ORDER.map((k) => f.adapters[k])] };
}

/**
 * `yieldFixture` whose vault and accountant have a `RestakingManagerMock` as their manager link. Links are
 * immutables of the implementations, so the admin upgrades both proxies to implementations built with the mock in
 * `LRTLinks` (the same code; storage, books and records are kept). The mock reports no position yet.
 */
async function managedYieldFixture() {
  const f = await yieldFixture();
  const { admin } = f.signers;
  const manager = await new RestakingManagerMock__factory(admin).deploy();
  const links = {
    vault: await f.vault.getAddress(),
    accountant: await f.accountant.getAddress(),
    queue: await f.queue.getAddress(),
    manager: await manager.getAddress(),
  };
  const library = await new VaultAssets__factory(admin).deploy();
  const vaultImpl = await new LRTVault__factory(
    { "contracts/libraries/VaultAssets.sol:VaultAssets": await library.getAddress() },
    admin,
  ).deploy(links);
  const accountantImpl = await new LRTAccountant__factory(admin).deploy(links);
  await f.vault.upgradeToAndCall(vaultImpl, "0x");
  await f.accountant.upgradeToAndCall(accountantImpl, "0x");
  return { ...f, manager };
}

describe("LRTLens", function () {
  describe("summary", function () {
    it("shows the vault as deployed: the seed in ETH, the first sync's prices, nothing pending", async function () {
      const f = await loadFixture(lensFixture);
      const l = await baseLedger(f);
      const s = await f.lens.summary(f.vault);
      expectSummary(s, l, BigInt(await time.latest()), await listedOf(f));
      // The first sync stored the stand-ins' initial rates and 1 ETH per Lido share (pooled = shares); nothing moved
      // since, so a sync now would use the same prices.
      const initial = [WAD, WAD, WAD, RETH_INITIAL_RATE, CBETH_INITIAL_RATE, WAD];
      expect(s.assets.map((a) => a.info.price)).to.deep.equal(initial);
      expect(s.assets.map((a) => a.live.price)).to.deep.equal(initial);
      expect(s.assets.map((a) => a.live.outcome)).to.deep.equal(initial.map(() => Outcome.Taken));
      expect(s.rate).to.equal(WAD);
      expect(s.totalSupply).to.equal(PARAMS.seed);
      expect(s.liveAssets).to.equal(PARAMS.seed);
      expect(s.unrecognised).to.equal(0n);
      expect(s.pendingGains).to.equal(0n);
      expect(s.positions).to.deep.equal([]);
    });

    it("after deposits and a synced yield: every field, right after the sync", async function () {
      const f = await loadFixture(yieldFixture);
      const l = await replayYield(f);
      expect(await time.latest()).to.equal(Number(f.sync2At));
      const s = await f.lens.summary(f.vault);
      expectSummary(s, l, f.sync2At, await listedOf(f));
      expectSyncRounding(s);

      // The scenario exercises every part of the books: a fee above the high-water mark, a gain larger than the
      // APR bound lets one sync stream (the rest held back), and non-trivial Lido share and rETH prices.
      const books = l.rates;
      expect(books.t1.amount).to.be.greaterThan(0n);
      expect(books.heldBack).to.be.greaterThan(0n);
      expect(books.highWaterMark).to.be.greaterThan(WAD);
      expect(l.minted.get(f.signers.treasury.address)).to.be.greaterThan(0n);
      // The minted lrETH the ledger predicts is what each account holds.
      for (const signer of [f.signers.alice, f.signers.bob, f.signers.treasury]) {
        expect(await f.vault.balanceOf(signer.address), signer.address).to.equal(l.minted.get(signer.address));
      }
      // stETH is counted in Lido shares: the buffer is the shares the vault holds.
      expect(await f.tokens.stETH.sharesOf(f.vault)).to.equal(l.buffer.get("stETH"));
    });

    it("while the gain streams and after the window: rate up, pending down, unrecognised unchanged", async function () {
      const f = await loadFixture(yieldFixture);
      const l = await replayYield(f);
      const assets = await listedOf(f);
      const atSync = await f.lens.summary(f.vault);

      await time.increaseTo(f.sync2At + 2n * DAY);
      const streaming = await f.lens.summary(f.vault);
      expectSummary(streaming, l, f.sync2At + 2n * DAY, assets);
      expect(streaming.rate).to.be.greaterThan(atSync.rate);
      expect(streaming.pendingGains).to.be.lessThan(atSync.pendingGains);
      expectSyncRounding(streaming);

      // Past the stream window: the tranches are in the rate, held-back (and unbooked) gains still pending; deposit
      // prices expired.
      await time.increaseTo(f.sync2At + 8n * DAY);
      const vested = await f.lens.summary(f.vault);
      expectSummary(vested, l, f.sync2At + 8n * DAY, assets);
      const tranches = l.rates.base + l.rates.t1.amount + l.rates.t2.amount;
      expect(vested.rate).to.equal(tranches);
      const owned = max(l.rates.lastValue, l.rates.books());
      expect(vested.pendingGains).to.equal(mulDiv(owned - tranches, l.supply, WAD));
      expect(vested.pendingGains).to.be.at.least(mulDiv(l.rates.heldBack, l.supply, WAD));
      expect(vested.assets.every((a) => !a.info.depositsOpen)).to.equal(true);
      expectSyncRounding(vested);
    });

    it("prices that moved since the sync show at once, bounded as a sync would bound them: a rise by the time elapsed, a fall in full (tripped)", async function () {
      const f = await loadFixture(yieldFixture);
      const l = await replayYield(f);
      const before = await f.lens.summary(f.vault);
      // Lido yield of +2% (far above what two hours let a price rise: 5%/12) and an rETH loss of 6% (beyond the 5%
      // fall bound); cbETH does not move.
      const rebase = (l.steth.pooledEther * 2n) / 100n;
      await f.tokens.stETH.connect(f.signers.admin).rebase(rebase);
      l.steth.rebase(rebase);
      const rETHRate = (S.rETHRate2 * 94n) / 100n;
      await f.tokens.rETH.connect(f.signers.admin).setExchangeRate(rETHRate);
      l.rETHRate = rETHRate;
      const at = f.sync2At + 2n * HOUR;
      await time.increaseTo(at);

      const s = await f.lens.summary(f.vault);
      expectSummary(s, l, at, await listedOf(f));
      const [stETH, wstETH, rETH, cbETH] = [1, 2, 3, 4].map((i) => s.assets[i].live);
      // stETH and wstETH: clamped to the stored price plus 5% a day over two hours (rounded down).
      const stored = l.price.get("stETH")!;
      const ceiling = stored + mulDiv(stored, 500n * 2n * HOUR, 10_000n * DAY);
      for (const a of [stETH, wstETH]) {
        expect(a.outcome).to.equal(Outcome.Clamped);
        expect(a.price).to.equal(ceiling);
      }
      expect(ceiling).to.be.lessThan(l.observedPrice("stETH"));
      // rETH: the fall counts in full and would trip the asset.
      expect(rETH.outcome).to.equal(Outcome.Tripped);
      expect(rETH.price).to.equal(rETHRate);
      expect(cbETH.outcome).to.equal(Outcome.Taken);
      expect(cbETH.price).to.equal(l.price.get("cbETH"));
      // Nothing is stored until a sync: the records keep the last sync's prices and nothing is tripped yet.
      expect(s.assets.map((a) => a.info.price)).to.deep.equal(before.assets.map((a) => a.info.price));
      expect(s.assets.some((a) => a.info.tripped)).to.equal(false);
      // The rETH loss outweighs the bounded stETH rise here: the vault holds less than holders are credited.
      expect(s.unrecognised).to.be.lessThan(before.unrecognised);

      // A sync stores exactly those prices and trips rETH; the lens then shows the new books.
      await time.setNextBlockTimestamp(at + 1n);
      await f.accountant.sync();
      l.sync(at + 1n);
      const synced = await f.lens.summary(f.vault);
      expectSummary(synced, l, at + 1n, await listedOf(f));
      expect(synced.assets[3].info.tripped).to.equal(true);
    });

    it("a deposit after the sync pays the value per share found: unrecognised moves only by its rounding", async function () {
      const f = await loadFixture(yieldFixture);
      const l = await replayYield(f);
      const before = await f.lens.summary(f.vault);
      const amount = parseEther("1.999999999999999999");
      const { alice } = f.signers;
      await f.vault.connect(alice).depositETH(alice.address, 0, 0, { value: amount });
      l.deposit(alice.address, "ETH", amount);

      const s = await f.lens.summary(f.vault);
      expectSummary(s, l, BigInt(await time.latest()), await listedOf(f));
      // The deposit paid ceil(value / supply) per lrETH; lrETH is credited rate + pending = floor(value / supply).
      // The difference, with the floors of sharesPerUnit, of the minted shares and of totalAssets and
      // pendingGains, is a few wei, and the floors of the credited side can overshoot by at most 1 wei.
      const delta = s.unrecognised - before.unrecognised;
      expect(delta).to.be.at.least(-1n);
      expect(delta).to.be.at.most(10n);
    });

    it("regression: deposits during a stream do not make the next sync find a loss", async function () {
      // Before the fix the deposit rate was the rate the stream reaches at expiry, below rate + pending gains. The
      // new lrETH then shared in gains earned before it came, and this sync booked the shortfall as a loss
      // (0.1068 ETH), lowering the rate from 1.0000073 to 0.9974 with nothing lost.
      const f = await loadFixture(yieldFixture);
      const l = await replayYield(f);
      expect(l.rates.pending(f.sync2At)).to.be.greaterThan(parseEther("0.003"));
      const { alice, funder } = f.signers;
      const amount = parseEther("20");
      await f.vault.connect(alice).depositETH(alice.address, 0, 0, { value: amount });
      l.deposit(alice.address, "ETH", amount);
      const stETHAmount = parseEther("10") + 1n;
      await f.tokens.stETH.connect(funder).approve(f.vault, stETHAmount);
      await f.vault.connect(funder).depositLST(f.tokens.stETH, stETHAmount, funder.address, 0, 0);
      l.deposit(funder.address, "stETH", l.steth.transfer(funder.address, l.a.vault, stETHAmount));

      const at = f.sync2At + HOUR;
      await time.setNextBlockTimestamp(at);
      const rateBefore = l.rates.rateAt(at);
      await expect(f.accountant.sync()).to.not.emit(f.accountant, "LossRecognised");
      const out = l.sync(at);
      expect(out.loss).to.equal(0n);

      const s = await f.lens.summary(f.vault);
      expectSummary(s, l, at, await listedOf(f));
      expectSyncRounding(s);
      expect(s.rate).to.be.at.least(rateBefore);
    });

    it("after a loss beyond the price bound: applied at once, the asset tripped and closed", async function () {
      const f = await loadFixture(yieldFixture);
      const l = await replayYield(f);
      // A 6% Lido-level loss: beyond the 5% fall bound, so the fall applies in full and trips stETH and wstETH.
      const loss = -(l.steth.pooledEther * 6n) / 100n - 1n;
      await f.tokens.stETH.connect(f.signers.admin).rebase(loss);
      l.steth.rebase(loss);
      const at = f.sync2At + DAY;
      await time.setNextBlockTimestamp(at);
      await expect(f.accountant.sync()).to.emit(f.accountant, "PriceTripped");
      const rateBefore = l.rates.rateAt(at);
      const out = l.sync(at);
      expect(out.loss, "the scenario's loss exceeds the pending gains").to.be.greaterThan(0n);

      const s = await f.lens.summary(f.vault);
      expectSummary(s, l, at, await listedOf(f));
      expectSyncRounding(s);
      expect(s.rate).to.be.lessThan(rateBefore);
      expect(s.assets[1].info.tripped && s.assets[2].info.tripped).to.equal(true);
      expect(s.assets[1].info.depositsOpen || s.assets[2].info.depositsOpen).to.equal(false);
    });

    it("with a restaking manager: restaked and queued units per asset, their value, and its delegator positions", async function () {
      const f = await loadFixture(managedYieldFixture);
      const l = await replayYield(f);
      const { manager } = f;
      const [, , , , , , delegatorA, delegatorB, operatorA, strangeToken] = await ethers.getSigners();
      const assets = await listedOf(f);
      const index = (key: Key) => KEYS.indexOf(key);

      // One position per restaked asset (the manager sums its delegators' shares), keyed by the asset's index.
      const positions: IRestakingManager.AssetPositionStruct[] = [
        {
          asset: assets.assets[index("stETH")],
          index: index("stETH"),
          withdrawableUnits: 1_111_111_111_111_111_111n,
          queuedUnits: 0n,
        },
        {
          asset: assets.assets[index("rETH")],
          index: index("rETH"),
          withdrawableUnits: 2_000_000_000_000_000_001n + 5n,
          queuedUnits: 3n + 444_444_444_444_444_444n,
        },
      ];
      const delegatorPositions: IRestakingManager.DelegatorPositionStruct[] = [
        {
          delegator: delegatorA.address,
          operator: operatorA.address,
          delegated: true,
          strategy: strangeToken.address,
          withdrawableShares: 10n,
          queuedShares: 20n,
          withdrawableTokens: 30n,
          queuedTokens: 40n,
        },
        {
          delegator: delegatorB.address,
          operator: ZeroAddress,
          delegated: false,
          strategy: operatorA.address,
          withdrawableShares: 0n,
          queuedShares: 7n,
          withdrawableTokens: 0n,
          queuedTokens: 8n,
        },
      ];
      await manager.setPositions(positions);
      await manager.setDelegatorPositions(delegatorPositions);
      l.restaked.set("stETH", 1_111_111_111_111_111_111n);
      l.restaked.set("rETH", 2_000_000_000_000_000_001n + 5n);
      l.queued.set("rETH", 3n + 444_444_444_444_444_444n);

      // Before a sync the new units are live (at the prices a sync would use) but not recognised.
      const before = await f.lens.summary(f.vault);
      // The vault's `outsideUnits` are still the last sync's (none).
      expectSummary(before, l, BigInt(await time.latest()), assets);
      expect(before.unrecognised).to.be.greaterThan(parseEther("3"));
      expect(
        before.positions.map((p) => ({
          delegator: p.delegator,
          operator: p.operator,
          delegated: p.delegated,
          strategy: p.strategy,
          withdrawableShares: p.withdrawableShares,
          queuedShares: p.queuedShares,
          withdrawableTokens: p.withdrawableTokens,
          queuedTokens: p.queuedTokens,
        })),
      ).to.deep.equal(delegatorPositions);

      const at = f.sync2At + DAY;
      await time.setNextBlockTimestamp(at);
      await f.accountant.sync();
      l.sync(at);
      const after = await f.lens.summary(f.vault);
      // The sync stored each listed asset's restaked + queued units as its `outsideUnits`.
      expectSummary(after, l, at, assets, {
        stETH: l.restaked.get("stETH")! + l.queued.get("stETH")!,
        rETH: l.restaked.get("rETH")! + l.queued.get("rETH")!,
      });
      expectSyncRounding(after);
    });

    it("slashedSinceSync: true once EigenLayer cuts an operator's magnitude after the last sync, false again after a sync", async function () {
      const { s, m } = await restaked();
      const lens = await new LRTLens__factory(s.signers.admin).deploy();
      const before = await lens.summary(s.vault);
      expect(before.slashedSinceSync).to.equal(false);

      // The AVS slashes 20% of operator 0's allocation to every strategy; nobody has synced since.
      const block = await slashOperator(s, m, s.operators[0], parseEther("0.2"), "lens");
      const slashed = await lens.summary(s.vault);
      expect(slashed.slashedSinceSync).to.equal(true);
      // The positions show the slash at once (the model's units); the rate does not until a sync, so the vault
      // holds less, at the prices a sync would use, than holders are credited.
      const assets = [...(await s.vault.assets())];
      for (const p of m.positions(block)) {
        const a = slashed.assets[assets.indexOf(await s.tokens[p.token].getAddress())];
        expect([a.live.buffer, a.live.outside], p.token).to.deep.equal([
          m.buffer.get(p.token),
          p.withdrawableUnits + p.queuedUnits,
        ]);
      }
      expect(slashed.rate).to.equal(before.rate);
      expect(slashed.unrecognised).to.be.lessThan(0n);

      await s.accountant.sync();
      const synced = await lens.summary(s.vault);
      expect(synced.slashedSinceSync).to.equal(false);
      expect(synced.rate).to.be.lessThan(before.rate);
    });

    it("reports rateExpiry with the accountant's current maxRateAge; each asset keeps the stored expiry", async function () {
      const f = await loadFixture(yieldFixture);
      const { streamWindow, maxAprBps } = PARAMS;
      await f.accountant.connect(f.signers.admin).setStreaming(streamWindow, maxAprBps, 2n * DAY);
      const s = await f.lens.summary(f.vault);
      expect(s.lastSync).to.equal(f.sync2At);
      expect(s.rateExpiry).to.equal(f.sync2At + 2n * DAY);
      for (const a of s.assets) expect(a.info.expiry).to.equal(f.sync2At + BigInt(PARAMS.maxRateAge));
    });

    it("needs no wiring check: a vault cannot be built without an accountant or a queue (LRTVaultZeroAddress)", async function () {
      // The lens reads the accountant from `vault.links()`. Links are constructor immutables, and the vault refuses
      // a zero accountant or queue, so every vault the lens can be given is wired (the manager may be zero: none).
      const f = await loadFixture(lensFixture);
      const { admin } = f.signers;
      const library = await new VaultAssets__factory(admin).deploy();
      const factory = new LRTVault__factory(
        { "contracts/libraries/VaultAssets.sol:VaultAssets": await library.getAddress() },
        admin,
      );
      const links = {
        vault: await f.vault.getAddress(),
        accountant: await f.accountant.getAddress(),
        queue: await f.queue.getAddress(),
        manager: ZeroAddress,
      };
      await expect(factory.deploy({ ...links, accountant: ZeroAddress })).to.be.revertedWithCustomError(
        factory,
        "LRTVaultZeroAddress",
      );
      await expect(factory.deploy({ ...links, queue: ZeroAddress })).to.be.revertedWithCustomError(
        factory,
        "LRTVaultZeroAddress",
      );
      const impl = await factory.deploy(links);
      expect([...(await impl.links())]).to.deep.equal([links.accountant, ZeroAddress, links.queue]);
    });
  });

  describe("previewDeposit: the shares, or why the deposit would fail (DepositCheck)", function () {
    const CHECK = {
      Ok: 0n,
      ZeroAmount: 1n,
      UnsupportedAsset: 2n,
      DepositsPaused: 3n,
      PriceTripped: 4n,
      RateStale: 5n,
      BelowMinimum: 6n,
      CapExceeded: 7n,
      MarketPriceUnavailable: 8n,
    } as const;
    async function pricedLensFixture() {
      const f = await pricedVaultFixture();
      return { ...f, lens: await new LRTLens__factory(f.signers.admin).deploy() };
    }

    it("Ok: the shares the ledger computes, which the deposit then mints, for ETH, rETH and WETH", async function () {
      const f = await loadFixture(pricedLensFixture);
      const l = await replayPriced(f);
      const { alice, bob } = f.signers;
      const amount = parseEther("1.234567890123456789");
      const cases = [
        ["ETH", ETH, alice, () => f.vault.connect(alice).depositETH(alice.address, 0, 0, { value: amount })],
        [
          "rETH",
          await f.tokens.rETH.getAddress(),
          bob,
          () => f.vault.connect(bob).depositLST(f.tokens.rETH, amount, bob.address, 0, 0),
        ],
        [
          "weth",
          await f.tokens.weth.getAddress(),
          bob,
          () => f.vault.connect(bob).depositLST(f.tokens.weth, amount, bob.address, 0, 0),
        ],
      ] as const;
      await f.tokens.weth.connect(bob).approve(f.vault, ethers.MaxUint256);
      for (const [key, asset, who, deposit] of cases) {
        const [shares, check] = await f.lens.previewDeposit(f.vault, asset, amount);
        expect([check, shares], key).to.deep.equal([CHECK.Ok, l.sharesFor(key, amount)]);
        expect(await f.vault.previewDeposit(asset, amount)).to.equal(shares);
        await expect(deposit()).to.emit(f.vault, "Deposit").withArgs(who.address, asset, amount, shares, 0n);
        l.deposit(who.address, key, amount);
      }
    });

    it("each failing check, in the vault's order; the deposit reverts with the matching error", async function () {
      const f = await loadFixture(pricedLensFixture);
      const { admin, bob } = f.signers;
      const rETH = await f.tokens.rETH.getAddress();
      const preview = async (asset: string, amount: bigint) => [
        ...(await f.lens.previewDeposit(f.vault, asset, amount)),
      ];
      const depositRETH = (amount: bigint) => f.vault.connect(bob).depositLST(rETH, amount, bob.address, 0, 0);

      const stray = await new ERC20Mock__factory(admin).deploy("Stray", "STR");
      expect(await preview(await stray.getAddress(), parseEther("1"))).to.deep.equal([0n, CHECK.UnsupportedAsset]);
      await expect(f.vault.depositLST(stray, parseEther("1"), admin.address, 0, 0))
        .to.be.revertedWithCustomError(f.vault, "LRTVaultUnsupportedAsset")
        .withArgs(await stray.getAddress());
      expect(await preview(ETH, 0n)).to.deep.equal([0n, CHECK.ZeroAmount]);
      await expect(f.vault.depositETH(admin.address, 0, 0)).to.be.revertedWithCustomError(
        f.vault,
        "LRTVaultZeroAmount",
      );
      const min = PARAMS.minDeposit;
      expect(await preview(rETH, min - 1n)).to.deep.equal([0n, CHECK.BelowMinimum]);
      await expect(depositRETH(min - 1n)).to.be.revertedWithCustomError(f.vault, "LRTVaultBelowMinimum");

      // The cap: rETH's cap lowered to what it holds plus 1 ETH of headroom.
      const info = await f.vault.assetInfo(rETH);
      await f.vault.setAssetLimits(rETH, info.cap - info.headroom + parseEther("1"), min);
      expect(await preview(rETH, parseEther("1") + 1n)).to.deep.equal([0n, CHECK.CapExceeded]);
      await expect(depositRETH(parseEther("1") + 1n)).to.be.revertedWithCustomError(f.vault, "LRTVaultCapExceeded");
      expect((await preview(rETH, parseEther("1")))[1]).to.equal(CHECK.Ok);

      // A broken market feed comes before the cap.
      await f.feeds.rETH.connect(admin).setAnswer(0n);
      expect(await preview(rETH, parseEther("2"))).to.deep.equal([0n, CHECK.MarketPriceUnavailable]);
      await expect(depositRETH(parseEther("2"))).to.be.revertedWithCustomError(
        f.vault,
        "LRTVaultMarketPriceUnavailable",
      );

      // Paused comes before all of those.
      await f.vault.pauseDeposits(rETH);
      expect(await preview(rETH, 0n)).to.deep.equal([0n, CHECK.DepositsPaused]);
      await expect(depositRETH(parseEther("1"))).to.be.revertedWithCustomError(f.vault, "LRTVaultDepositsPaused");
      // ETH is untouched by rETH's state; then every asset goes stale once the deposit prices expire.
      expect((await preview(ETH, parseEther("1")))[1]).to.equal(CHECK.Ok);
      await time.increaseTo((await f.vault.assetInfo(ETH)).expiry + 1n);
      expect(await preview(ETH, parseEther("1"))).to.deep.equal([0n, CHECK.RateStale]);
      await expect(f.vault.depositETH(admin.address, 0, 0, { value: parseEther("1") })).to.be.revertedWithCustomError(
        f.vault,
        "LRTVaultRateStale",
      );
    });

    it("PriceTripped: an LST whose price fell past its bound at a sync, before paused and stale", async function () {
      const f = await loadFixture(pricedLensFixture);
      const { admin, bob } = f.signers;
      const rETH = await f.tokens.rETH.getAddress();
      const rate = await f.tokens.rETH.getExchangeRate();
      await f.tokens.rETH.connect(admin).setExchangeRate((rate * 9n) / 10n);
      await expect(f.accountant.sync()).to.emit(f.accountant, "PriceTripped");
      expect(await f.lens.previewDeposit(f.vault, rETH, parseEther("1"))).to.deep.equal([0n, CHECK.PriceTripped]);
      await expect(f.vault.connect(bob).depositLST(rETH, parseEther("1"), bob.address, 0, 0))
        .to.be.revertedWithCustomError(f.vault, "LRTVaultDepositsPaused")
        .withArgs(rETH);
    });
  });

  describe("requestView: a request with its expected payout and claimability", function () {
    async function queueLensFixture() {
      const f = await deployQueueFixture();
      return { ...f, lens: await new LRTLens__factory(f.signers.admin).deploy() };
    }

    it("pending: what finalize pays (units at the payout price, value, stETH in tokens); finalized: claimable; claimed: done", async function () {
      const f = await loadFixture(queueLensFixture);
      const { alice, bob } = f.signers;
      const stETH = await f.tokens.stETH.getAddress();
      const rETH = await f.tokens.rETH.getAddress();
      const shares = parseEther("1.5") + 11n;
      await f.vault.connect(alice).approve(f.queue, ethers.MaxUint256);
      await f.vault.connect(bob).approve(f.queue, ethers.MaxUint256);
      const ids: bigint[] = [];
      for (const [who, asset] of [
        [alice, stETH],
        [bob, rETH],
      ] as const) {
        const tx = await f.queue.connect(who).requestWithdrawal(shares, asset, who.address);
        const receipt = (await tx.wait())!;
        const queueAddress = await f.queue.getAddress();
        const log = receipt.logs
          .filter((x) => x.address === queueAddress)
          .map((x) => f.queue.interface.parseLog(x))
          .find((x) => x?.name === "WithdrawalRequested")!;
        ids.push(log.args.requestId);
      }
      const predicted = [];
      for (const [k, id] of ids.entries()) {
        const v = await f.lens.requestView(f.vault, id);
        const r = await f.queue.getRequest(id);
        expect(v.requestId).to.equal(id);
        expect(v.owner).to.equal(k === 0 ? alice.address : bob.address);
        expect(v.claimable).to.equal(false);
        expect(v.request.status).to.equal(1n);
        // The payout price: the highest of the stored price and the adapter's live protocol and market prices.
        const [adapter, stored] = await f.vault.priceOf(r.asset);
        const quote = await (await ethers.getContractAt("IPriceAdapter", adapter)).quote();
        const [protocol, market] = [quote[0], quote[1]];
        const price = max(max(stored, protocol), market);
        expect(v.payoutPrice).to.equal(price);
        const rate = await f.vault.getRate();
        let value = mulDiv(r.shares, r.rateAtRequest < rate ? r.rateAtRequest : rate, WAD);
        let units = mulDiv(value, WAD, price);
        if (units > r.payoutUnits) [units, value] = [r.payoutUnits, mulDiv(r.payoutUnits, price, WAD)];
        expect([v.expectedUnits, v.expectedValue]).to.deep.equal([units, value]);
        const tokens = r.asset === stETH ? await f.tokens.stETH.getPooledEthByShares(units) : units;
        expect(v.expectedTokens).to.equal(tokens);
        predicted.push(v);
      }
      await f.queue.finalize(10);
      for (const [k, id] of ids.entries()) {
        const v = await f.lens.requestView(f.vault, id);
        const r = await f.queue.getRequest(id);
        // Finalize paid what the lens predicted (the rate only rose since: the value at request binds).
        expect([r.status, r.payoutUnits, r.payoutValue]).to.deep.equal([
          2n,
          predicted[k].expectedUnits,
          predicted[k].expectedValue,
        ]);
        expect([v.claimable, v.expectedUnits, v.expectedValue, v.payoutPrice]).to.deep.equal([
          true,
          r.payoutUnits,
          r.payoutValue,
          0n,
        ]);
      }
      await f.queue.connect(alice).claim([ids[0]], alice.address);
      const claimed = await f.lens.requestView(f.vault, ids[0]);
      expect([claimed.request.status, claimed.claimable, claimed.owner]).to.deep.equal([3n, false, ZeroAddress]);
      expect(claimed.expectedUnits).to.equal(predicted[0].expectedUnits);
      await expect(f.lens.requestView(f.vault, ids[1] + 1n))
        .to.be.revertedWithCustomError(f.queue, "WithdrawalQueueUnknownRequest")
        .withArgs(ids[1] + 1n);
    });
  });

  describe("addressBook", function () {
    it("a vault without a restaking side: its links, access manager, this lens, assets, adapters; no EigenLayer", async function () {
      const f = await loadFixture(lensFixture);
      const b = await f.lens.addressBook(f.vault);
      expect([b.vault, b.accountant, b.withdrawalQueue, b.restakingManager, b.accessManager, b.lens]).to.deep.equal([
        await f.vault.getAddress(),
        await f.accountant.getAddress(),
        await f.queue.getAddress(),
        ZeroAddress,
        await f.accessManager.getAddress(),
        await f.lens.getAddress(),
      ]);
      expect([b.strategyManager, b.delegationManager, b.rewardsCoordinator]).to.deep.equal([
        ZeroAddress,
        ZeroAddress,
        ZeroAddress,
      ]);
      expect([...b.assets]).to.deep.equal([...(await f.vault.assets())]);
      const adapterOf = new Map<string, string>([[ETH, ZeroAddress]]);
      for (const k of ASSET_ORDER) adapterOf.set(await f.tokens[k].getAddress(), f.adapters[k]);
      expect([...b.adapters]).to.deep.equal(b.assets.map((a) => adapterOf.get(a)));
      expect([...b.strategies]).to.deep.equal(b.assets.map(() => ZeroAddress));
    });

    it("a restaked suite: the restaking manager, EigenLayer's core and each LST's strategy", async function () {
      const s = await loadFixture(deploySuiteFixture);
      const lens = await new LRTLens__factory(s.signers.admin).deploy();
      const b = await lens.addressBook(s.vault);
      expect(b.restakingManager).to.equal(await s.manager.getAddress());
      const [, el] = await s.manager.links();
      expect([b.strategyManager, b.delegationManager, b.rewardsCoordinator]).to.deep.equal([
        el.strategyManager,
        el.delegationManager,
        el.rewardsCoordinator,
      ]);
      for (const [i, asset] of b.assets.entries()) expect(b.strategies[i]).to.equal(await s.vault.strategyOf(asset));
      expect(b.strategies.filter((x) => x !== ZeroAddress).length).to.be.greaterThan(0);
    });
  });

  describe("fixture wiring (deployVaultFixture)", function () {
    it("links the proxies, prices every LST through its adapter with its bounds and opens deposits", async function () {
      const f = await loadFixture(lensFixture);
      const vault = await f.vault.getAddress();
      const accountant = await f.accountant.getAddress();
      const queue = await f.queue.getAddress();
      // No restaking side: the manager link is zero everywhere.
      expect([...(await f.vault.links())]).to.deep.equal([accountant, ZeroAddress, queue]);
      expect([...(await f.accountant.links())]).to.deep.equal([vault, ZeroAddress, queue]);
      expect([...(await f.vault.assets())]).to.deep.equal(await assetAddresses(f));
      // The vault holds each LST's adapter and its price bounds; the fixture's sync stored the initial prices.
      const initial: Record<(typeof ASSET_ORDER)[number], bigint> = {
        stETH: WAD,
        wstETH: WAD,
        rETH: RETH_INITIAL_RATE,
        cbETH: CBETH_INITIAL_RATE,
        weth: WAD,
      };
      for (const key of ASSET_ORDER) {
        const info = await f.vault.assetInfo(f.tokens[key]);
        expect(info.adapter, key).to.equal(f.adapters[key]);
        expect([info.maxRiseBpsPerDay, info.maxFallBps], key).to.deep.equal([
          BigInt(PARAMS.maxRiseBpsPerDay),
          BigInt(PARAMS.maxFallBps),
        ]);
        expect([...(await f.vault.priceOf(f.tokens[key]))], key).to.deep.equal([f.adapters[key], initial[key]]);
      }
      expect((await f.vault.assetInfo(ETH)).adapter).to.equal(ZeroAddress);
      expect([...(await f.vault.priceOf(ETH))]).to.deep.equal([ZeroAddress, WAD]);
      expect([...(await f.accountant.parameters())]).to.deep.equal([
        BigInt(PARAMS.streamWindow),
        BigInt(PARAMS.maxAprBps),
        BigInt(PARAMS.maxRateAge),
        BigInt(PARAMS.feeBps),
        f.signers.treasury.address,
      ]);
      expect(await f.vault.previewDeposit(ETH, parseEther("1"))).to.equal(parseEther("1"));
    });
  });
});
