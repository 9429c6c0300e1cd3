import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { artifacts, ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { Interface } from "ethers";
import type { CompilerOutputContract } from "hardhat/types";
import {
  AggregatorMock__factory,
  CbETHAdapter__factory,
  ICbETH__factory,
  ILidoShares__factory,
  IRocketTokenRETH__factory,
  IWstETH__factory,
  ParityAdapter__factory,
  RETHAdapter__factory,
  StETHAdapter__factory,
  WstETHAdapter__factory,
} from "../../typechain-types";
import { CBETH_INITIAL_RATE, RETH_INITIAL_RATE, STETH_SEED, deployTokensFixture } from "../fixtures/tokens";
import { WAD, mulWad } from "../helpers/math";
import { StEthModel } from "../helpers/steth";

const { ZeroAddress, MaxUint256, parseEther } = ethers;

/** An odd Lido yield on the 100 ETH pool: pooled ether / shares becomes 1.01234567890123456789. */
const ODD_GAIN = 1_234_567_890_123_456_789n;
/** An odd Lido loss after it, taking the pool below 1:1 (pooled 97.777777777777777777 ETH over 100 shares). */
const ODD_LOSS = -3_456_790_112_345_679_012n;
/** Odd token and unit amounts to convert. */
const AMOUNTS = [1n, 2n, 3n, 999_999_999_999_999_999n, 7_777_777_777_777_777_777n, parseEther("12.345678901234567891")];
/** Odd rates posted on the exchange-rate tokens. */
const RETH_RATE = 1_123_456_789_012_345_678n;
const CBETH_RATE = 1_071_428_571_428_571_429n;

/** How old a feed answer may be for the adapters built here (a day). */
const MAX_AGE = 86_400n;

/**
 * The token stand-ins plus one adapter per token without a market feed, and one per LST with its feed from
 * `deployTokensFixture` (stETH/ETH for stETH and wstETH), `MAX_AGE` old at most.
 */
async function adaptersFixture() {
  const tokens = await deployTokensFixture();
  const { stETH, wstETH, rETH, cbETH, weth, owner, feeds } = tokens;
  const stETHAdapter = await new StETHAdapter__factory(owner).deploy(stETH, ZeroAddress, 0);
  const wstETHAdapter = await new WstETHAdapter__factory(owner).deploy(wstETH, ZeroAddress, 0);
  const rETHAdapter = await new RETHAdapter__factory(owner).deploy(rETH, ZeroAddress, 0);
  const cbETHAdapter = await new CbETHAdapter__factory(owner).deploy(cbETH, ZeroAddress, 0);
  const parityAdapter = await new ParityAdapter__factory(owner).deploy(weth);
  const withFeed = {
    stETH: await new StETHAdapter__factory(owner).deploy(stETH, feeds.stETH, MAX_AGE),
    wstETH: await new WstETHAdapter__factory(owner).deploy(wstETH, feeds.stETH, MAX_AGE),
    rETH: await new RETHAdapter__factory(owner).deploy(rETH, feeds.rETH, MAX_AGE),
    cbETH: await new CbETHAdapter__factory(owner).deploy(cbETH, feeds.cbETH, MAX_AGE),
  };
  return { ...tokens, stETHAdapter, wstETHAdapter, rETHAdapter, cbETHAdapter, parityAdapter, withFeed };
}

/** A Chainlink feed stand-in with `decimals` decimals and a first `answer`, owned by signer 0. */
async function deployFeed(decimals: number, answer: bigint) {
  const [owner] = await ethers.getSigners();
  const feed = await new AggregatorMock__factory(owner).deploy();
  await feed.initialize(owner.address, decimals, answer);
  return feed;
}

/** The stETH pool of `deployTokensFixture` (funder submitted STETH_SEED at 1:1), replayed in the model. */
function seededModel(funder: string): StEthModel {
  const model = new StEthModel();
  model.submit(funder, STETH_SEED);
  return model;
}

/** Identity conversions, checked on the odd amounts plus 0 and the largest uint256. */
async function expectIdentity(adapter: {
  toUnits(x: bigint): Promise<bigint>;
  toTokens(x: bigint): Promise<bigint>;
}): Promise<void> {
  for (const x of [0n, ...AMOUNTS, MaxUint256]) {
    expect(await adapter.toUnits(x), `toUnits(${x})`).to.equal(x);
    expect(await adapter.toTokens(x), `toTokens(${x})`).to.equal(x);
  }
}

describe("Price adapters", function () {
  describe("StETHAdapter (accounting unit: Lido shares)", function () {
    it("is 1:1 while pooled ether equals total shares", async function () {
      const { stETHAdapter, funder } = await loadFixture(adaptersFixture);
      const model = seededModel(funder.address);
      expect(model.pooledEthByShares(WAD)).to.equal(WAD);
      expect(await stETHAdapter.price()).to.equal(WAD);
      for (const x of AMOUNTS) {
        expect(await stETHAdapter.toUnits(x)).to.equal(x);
        expect(await stETHAdapter.toTokens(x)).to.equal(x);
      }
    });

    it("after an odd positive rebase: price and conversions are Lido's floors", async function () {
      const { stETH, stETHAdapter, owner, funder } = await loadFixture(adaptersFixture);
      const model = seededModel(funder.address);
      await stETH.connect(owner).rebase(ODD_GAIN);
      model.rebase(ODD_GAIN);

      // floor(1e18 * 101.234567890123456789 / 100)
      expect(model.pooledEthByShares(WAD)).to.equal(1_012_345_678_901_234_567n);
      expect(await stETHAdapter.price()).to.equal(model.pooledEthByShares(WAD));
      for (const x of AMOUNTS) {
        const units = model.sharesByPooledEth(x);
        expect(await stETHAdapter.toUnits(x), `toUnits(${x})`).to.equal(units);
        expect(await stETHAdapter.toTokens(x), `toTokens(${x})`).to.equal(model.pooledEthByShares(x));
        // Both directions round down, so a round trip never gains.
        expect(await stETHAdapter.toTokens(units), `round trip of ${x}`).to.be.at.most(x);
      }
      // floor(1e18 * 100 / 101.234567890123456789)
      expect(await stETHAdapter.toUnits(WAD)).to.equal(987_804_878_157_198_096n);
      // Share rate above 1: one wei of stETH is worth no whole share, one share is worth one wei.
      expect(await stETHAdapter.toUnits(1n)).to.equal(0n);
      expect(await stETHAdapter.toTokens(1n)).to.equal(1n);
    });

    it("after a positive then a negative odd rebase (below 1:1)", async function () {
      const { stETH, stETHAdapter, owner, funder } = await loadFixture(adaptersFixture);
      const model = seededModel(funder.address);
      await stETH.connect(owner).rebase(ODD_GAIN);
      model.rebase(ODD_GAIN);
      await stETH.connect(owner).rebase(ODD_LOSS);
      model.rebase(ODD_LOSS);

      expect(model.pooledEther).to.equal(97_777_777_777_777_777_777n);
      // floor(1e18 * 97.777777777777777777 / 100)
      expect(model.pooledEthByShares(WAD)).to.equal(977_777_777_777_777_777n);
      expect(await stETHAdapter.price()).to.equal(model.pooledEthByShares(WAD));
      // floor(1e18 * 100 / 97.777777777777777777)
      expect(await stETHAdapter.toUnits(WAD)).to.equal(1_022_727_272_727_272_727n);
      for (const x of AMOUNTS) {
        expect(await stETHAdapter.toUnits(x), `toUnits(${x})`).to.equal(model.sharesByPooledEth(x));
        expect(await stETHAdapter.toTokens(x), `toTokens(${x})`).to.equal(model.pooledEthByShares(x));
      }
      // Share rate below 1: one wei of stETH is worth one share, one share no whole wei.
      expect(await stETHAdapter.toUnits(1n)).to.equal(1n);
      expect(await stETHAdapter.toTokens(1n)).to.equal(0n);
    });

    it("toUnits(amount) is the shares an stETH transfer of `amount` moves (what the vault credits)", async function () {
      const { stETH, stETHAdapter, owner, funder, alice } = await loadFixture(adaptersFixture);
      const model = seededModel(funder.address);
      await stETH.connect(owner).rebase(ODD_GAIN);
      model.rebase(ODD_GAIN);
      const amount = parseEther("3.333333333333333333");
      const moved = model.transfer(funder.address, alice.address, amount);
      expect(await stETHAdapter.toUnits(amount)).to.equal(moved);
      await stETH.connect(funder).transfer(alice.address, amount);
      expect(await stETH.sharesOf(alice.address)).to.equal(moved);
      expect(await stETHAdapter.toTokens(moved)).to.equal(model.balanceOf(alice.address));
      expect(await stETH.balanceOf(alice.address)).to.equal(model.balanceOf(alice.address));
    });
  });

  describe("WstETHAdapter (accounting unit: wstETH)", function () {
    it("prices wstETH at stEthPerToken, 1:1 before any rebase", async function () {
      const { wstETHAdapter } = await loadFixture(adaptersFixture);
      expect(await wstETHAdapter.price()).to.equal(WAD);
      await expectIdentity(wstETHAdapter);
    });

    it("follows a stETH rebase: ETH per 1e18 wstETH is the pooled ether of 1e18 shares, rounded down", async function () {
      const { stETH, wstETH, wstETHAdapter, owner, funder } = await loadFixture(adaptersFixture);
      const model = seededModel(funder.address);
      await stETH.connect(owner).rebase(ODD_GAIN);
      model.rebase(ODD_GAIN);
      expect(await wstETHAdapter.price()).to.equal(1_012_345_678_901_234_567n);
      expect(await wstETHAdapter.price()).to.equal(model.pooledEthByShares(WAD));

      await stETH.connect(owner).rebase(ODD_LOSS);
      model.rebase(ODD_LOSS);
      expect(await wstETHAdapter.price()).to.equal(977_777_777_777_777_777n);
      await expectIdentity(wstETHAdapter);

      // A real wrap mints the shares the stETH is worth; the adapter counts those tokens as they are.
      const amount = parseEther("2.5") + 3n;
      await stETH.connect(funder).approve(wstETH, amount);
      await wstETH.connect(funder).wrap(amount);
      const minted = model.sharesByPooledEth(amount);
      expect(await wstETH.balanceOf(funder.address)).to.equal(minted);
      expect(await wstETHAdapter.toUnits(minted)).to.equal(minted);
    });
  });

  describe("RETHAdapter (accounting unit: rETH)", function () {
    it("prices rETH at Rocket Pool's exchange rate, before and after setExchangeRate", async function () {
      const { rETH, rETHAdapter, owner } = await loadFixture(adaptersFixture);
      expect(await rETHAdapter.price()).to.equal(RETH_INITIAL_RATE);
      await rETH.connect(owner).setExchangeRate(RETH_RATE);
      expect(await rETHAdapter.price()).to.equal(RETH_RATE);
      await rETH.connect(owner).setExchangeRate(RETH_RATE - 987_654_321n);
      expect(await rETHAdapter.price()).to.equal(RETH_RATE - 987_654_321n);
      await expectIdentity(rETHAdapter);
    });
  });

  describe("CbETHAdapter (accounting unit: cbETH)", function () {
    it("prices cbETH at the posted exchange rate, before and after updateExchangeRate", async function () {
      const { cbETH, cbETHAdapter, oracle } = await loadFixture(adaptersFixture);
      expect(await cbETHAdapter.price()).to.equal(CBETH_INITIAL_RATE);
      await cbETH.connect(oracle).updateExchangeRate(CBETH_RATE);
      expect(await cbETHAdapter.price()).to.equal(CBETH_RATE);
      await expectIdentity(cbETHAdapter);
    });
  });

  describe("ParityAdapter (accounting unit: WETH)", function () {
    it("prices one ETH per unit whatever the token holds", async function () {
      const { weth, parityAdapter, alice } = await loadFixture(adaptersFixture);
      expect(await parityAdapter.price()).to.equal(WAD);
      await weth.connect(alice).deposit({ value: parseEther("1.5") });
      expect(await parityAdapter.price()).to.equal(WAD);
      await expectIdentity(parityAdapter);
    });
  });

  describe("every adapter", function () {
    it("asset() is the token it was built for", async function () {
      const f = await loadFixture(adaptersFixture);
      expect(await f.stETHAdapter.asset()).to.equal(await f.stETH.getAddress());
      expect(await f.wstETHAdapter.asset()).to.equal(await f.wstETH.getAddress());
      expect(await f.rETHAdapter.asset()).to.equal(await f.rETH.getAddress());
      expect(await f.cbETHAdapter.asset()).to.equal(await f.cbETH.getAddress());
      expect(await f.parityAdapter.asset()).to.equal(await f.weth.getAddress());
      for (const key of ["stETH", "wstETH", "rETH", "cbETH"] as const) {
        expect(await f.withFeed[key].asset(), key).to.equal(await f[key].getAddress());
      }
    });

    it("reverts PriceAdapterZeroAddress when built for the zero address, with or without a feed", async function () {
      const [deployer] = await ethers.getSigners();
      const feed = await deployFeed(18, WAD);
      for (const factory of [
        new StETHAdapter__factory(deployer),
        new WstETHAdapter__factory(deployer),
        new RETHAdapter__factory(deployer),
        new CbETHAdapter__factory(deployer),
      ]) {
        for (const [f, age] of [
          [ZeroAddress, 0n],
          [await feed.getAddress(), MAX_AGE],
        ] as const) {
          await expect(factory.deploy(ZeroAddress, f, age)).to.be.revertedWithCustomError(
            factory,
            "PriceAdapterZeroAddress",
          );
        }
      }
      const parity = new ParityAdapter__factory(deployer);
      await expect(parity.deploy(ZeroAddress)).to.be.revertedWithCustomError(parity, "PriceAdapterZeroAddress");
    });

    it("reverts PriceAdapterInvalidFeed for a feed with more than 18 decimals or a zero maximum age", async function () {
      const { stETH, wstETH, rETH, cbETH, owner } = await loadFixture(adaptersFixture);
      const feed19 = await deployFeed(19, 10n * WAD);
      const feed18 = await deployFeed(18, WAD);
      const cases = [
        [new StETHAdapter__factory(owner), stETH],
        [new WstETHAdapter__factory(owner), wstETH],
        [new RETHAdapter__factory(owner), rETH],
        [new CbETHAdapter__factory(owner), cbETH],
      ] as const;
      for (const [factory, token] of cases) {
        await expect(factory.deploy(token, feed19, MAX_AGE))
          .to.be.revertedWithCustomError(factory, "PriceAdapterInvalidFeed")
          .withArgs(feed19);
        await expect(factory.deploy(token, feed18, 0n))
          .to.be.revertedWithCustomError(factory, "PriceAdapterInvalidFeed")
          .withArgs(feed18);
        // The edges that are accepted: 18 decimals, a one-second age, and no feed with a zero age.
        const ok = await factory.deploy(token, feed18, 1n);
        expect([await ok.feed(), await ok.maxFeedAge()]).to.deep.equal([await feed18.getAddress(), 1n]);
        const none = await factory.deploy(token, ZeroAddress, 0n);
        expect([await none.feed(), await none.maxFeedAge()]).to.deep.equal([ZeroAddress, 0n]);
      }
    });

    it("is stateless: no storage; the immutables are the token, the feed, its maximum age and its scale (and wstETH's stETH)", async function () {
      const base = "contracts/adapters/PriceAdapterBase.sol";
      // WstETHAdapter also keeps the stETH it asks for the stETH per wstETH (read once, at construction).
      const extra: Record<string, string[]> = { WstETHAdapter: ["stETH"] };
      for (const name of ["StETHAdapter", "WstETHAdapter", "RETHAdapter", "CbETHAdapter", "ParityAdapter"]) {
        const file = `contracts/adapters/${name}.sol`;
        const buildInfo = await artifacts.getBuildInfo(`${file}:${name}`);
        // Not `expect(buildInfo).to.not.equal(undefined)`: the chai matchers format both messages eagerly, and
        // util.inspect of a whole build-info (tens of MB) took seconds per call.
        expect(buildInfo === undefined, `${name} has build info`).to.equal(false);
        const output = buildInfo!.output.contracts[file][name] as CompilerOutputContract & {
          storageLayout: { storage: unknown[] };
        };
        expect(output.storageLayout.storage, name).to.deep.equal([]);
        // The immutables' AST ids, resolved to their declarations in PriceAdapterBase.
        const ids = Object.keys(output.evm.deployedBytecode.immutableReferences ?? {}).map(Number);
        const names: string[] = [];
        const visit = (node: unknown): void => {
          if (node === null || typeof node !== "object") return;
          const n = node as { id?: number; nodeType?: string; name?: string };
          if (n.nodeType === "VariableDeclaration" && ids.includes(n.id!)) names.push(n.name!);
          for (const child of Object.values(node)) visit(child);
        };
        visit(buildInfo!.output.sources[base].ast);
        visit(buildInfo!.output.sources[file].ast);
        expect(names.sort(), name).to.deep.equal(
          ["_feedScale", "asset", "feed", "maxFeedAge", ...(extra[name] ?? [])].sort(),
        );
      }
    });
  });

  describe("quote(): live protocol and market prices", function () {
    /** The stETH/ETH answer used below: a 1.2345% discount with odd digits. */
    const STETH_MARKET = 987_654_321_987_654_321n;

    it("without a feed: the market leg is the protocol price, always usable", async function () {
      const f = await loadFixture(adaptersFixture);
      const model = seededModel(f.funder.address);
      await f.stETH.connect(f.owner).rebase(ODD_GAIN);
      model.rebase(ODD_GAIN);
      await f.rETH.connect(f.owner).setExchangeRate(RETH_RATE);
      await f.cbETH.connect(f.oracle).updateExchangeRate(CBETH_RATE);
      // The feeds move, but adapters without a feed do not read them.
      await f.feeds.stETH.setAnswer(STETH_MARKET);
      await f.feeds.rETH.setDown(true);
      const stETHPerShare = model.pooledEthByShares(WAD);
      expect(stETHPerShare).to.equal(1_012_345_678_901_234_567n);
      const cases: [string, { quote(): Promise<[bigint, bigint, boolean]> }, bigint][] = [
        ["stETH", f.stETHAdapter, stETHPerShare],
        ["wstETH", f.wstETHAdapter, stETHPerShare],
        ["rETH", f.rETHAdapter, RETH_RATE],
        ["cbETH", f.cbETHAdapter, CBETH_RATE],
        ["weth", f.parityAdapter, WAD],
      ];
      for (const [name, adapter, protocol] of cases) {
        expect([...(await adapter.quote())], name).to.deep.equal([protocol, protocol, true]);
      }
      expect([await f.parityAdapter.feed(), await f.parityAdapter.maxFeedAge()]).to.deep.equal([ZeroAddress, 0n]);
    });

    it("stETH and wstETH apply the stETH/ETH answer to the stETH one unit is worth (floor)", async function () {
      const f = await loadFixture(adaptersFixture);
      const model = seededModel(f.funder.address);
      // At the fixture's start (answer 1, 1:1 pool) market = protocol = 1.
      for (const key of ["stETH", "wstETH"] as const) {
        expect([...(await f.withFeed[key].quote())], key).to.deep.equal([WAD, WAD, true]);
        expect(await f.withFeed[key].feed(), key).to.equal(await f.feeds.stETH.getAddress());
        expect(await f.withFeed[key].maxFeedAge(), key).to.equal(MAX_AGE);
      }
      await f.stETH.connect(f.owner).rebase(ODD_GAIN);
      model.rebase(ODD_GAIN);
      await f.feeds.stETH.setAnswer(STETH_MARKET);
      const protocol = model.pooledEthByShares(WAD);
      // floor(0.987654321987654321 * 1.012345678901234567 * 1e18)
      const market = mulWad(STETH_MARKET, protocol);
      expect(market).to.equal((STETH_MARKET * 1_012_345_678_901_234_567n) / WAD);
      expect(market).to.be.lessThan(protocol);
      for (const key of ["stETH", "wstETH"] as const) {
        expect([...(await f.withFeed[key].quote())], key).to.deep.equal([protocol, market, true]);
        expect(await f.withFeed[key].price(), key).to.equal(protocol);
      }
      // A premium shows as a market price above the protocol price.
      const premium = WAD + 3_000_000_000_000_001n;
      await f.feeds.stETH.setAnswer(premium);
      for (const key of ["stETH", "wstETH"] as const) {
        expect([...(await f.withFeed[key].quote())], key).to.deep.equal([protocol, mulWad(premium, protocol), true]);
      }
    });

    it("rETH and cbETH take the answer as the market price per token", async function () {
      const f = await loadFixture(adaptersFixture);
      expect([...(await f.withFeed.rETH.quote())]).to.deep.equal([RETH_INITIAL_RATE, RETH_INITIAL_RATE, true]);
      expect([...(await f.withFeed.cbETH.quote())]).to.deep.equal([CBETH_INITIAL_RATE, CBETH_INITIAL_RATE, true]);
      await f.rETH.connect(f.owner).setExchangeRate(RETH_RATE);
      await f.cbETH.connect(f.oracle).updateExchangeRate(CBETH_RATE);
      const rETHMarket = 1_098_765_432_109_876_543n;
      const cbETHMarket = 1_080_000_000_000_000_007n;
      await f.feeds.rETH.setAnswer(rETHMarket);
      await f.feeds.cbETH.setAnswer(cbETHMarket);
      expect([...(await f.withFeed.rETH.quote())]).to.deep.equal([RETH_RATE, rETHMarket, true]);
      expect([...(await f.withFeed.cbETH.quote())]).to.deep.equal([CBETH_RATE, cbETHMarket, true]);
      expect(await f.withFeed.rETH.feed()).to.equal(await f.feeds.rETH.getAddress());
      expect(await f.withFeed.cbETH.feed()).to.equal(await f.feeds.cbETH.getAddress());
    });

    it("a feed with 8 (or 0) decimals is scaled to 18", async function () {
      const f = await loadFixture(adaptersFixture);
      const model = seededModel(f.funder.address);
      await f.stETH.connect(f.owner).rebase(ODD_GAIN);
      model.rebase(ODD_GAIN);
      const protocol = model.pooledEthByShares(WAD);
      const feed8 = await deployFeed(8, 99_876_543n); // 0.99876543
      const stETH8 = await new StETHAdapter__factory(f.owner).deploy(f.stETH, feed8, MAX_AGE);
      const wstETH8 = await new WstETHAdapter__factory(f.owner).deploy(f.wstETH, feed8, MAX_AGE);
      const rETH8 = await new RETHAdapter__factory(f.owner).deploy(f.rETH, feed8, MAX_AGE);
      const cbETH8 = await new CbETHAdapter__factory(f.owner).deploy(f.cbETH, feed8, MAX_AGE);
      const scaled = 998_765_430_000_000_000n;
      expect(scaled).to.equal(99_876_543n * 10n ** 10n);
      expect([...(await stETH8.quote())]).to.deep.equal([protocol, mulWad(scaled, protocol), true]);
      expect([...(await wstETH8.quote())]).to.deep.equal([protocol, mulWad(scaled, protocol), true]);
      expect([...(await rETH8.quote())]).to.deep.equal([RETH_INITIAL_RATE, scaled, true]);
      expect([...(await cbETH8.quote())]).to.deep.equal([CBETH_INITIAL_RATE, scaled, true]);
      const feed0 = await deployFeed(0, 2n);
      const rETH0 = await new RETHAdapter__factory(f.owner).deploy(f.rETH, feed0, MAX_AGE);
      expect([...(await rETH0.quote())]).to.deep.equal([RETH_INITIAL_RATE, 2n * WAD, true]);
    });

    it("an answer exactly maxFeedAge old is usable, one second older is stale (its last answer with marketOk false, no revert)", async function () {
      const f = await loadFixture(adaptersFixture);
      const answer = 1_090_000_000_000_000_003n;
      let t = BigInt(await time.latest()) + 1_000n;
      // The feed posts at `t` an answer dated `t - age`; the quote is read in that block's context.
      for (const [age, ok] of [
        [0n, true],
        [MAX_AGE, true],
        [MAX_AGE + 1n, false],
        [10n * MAX_AGE, false],
      ] as const) {
        await time.setNextBlockTimestamp((t += 100n));
        await f.feeds.rETH.setAnswerAt(answer, t - age);
        expect([...(await f.withFeed.rETH.quote())], `age ${age}`).to.deep.equal(
          // Stale: the last answer is still reported (payouts use it), flagged unusable (deposits refuse).
          [RETH_INITIAL_RATE, answer, ok],
        );
      }
      // Time passing alone makes the last good answer stale.
      await time.setNextBlockTimestamp((t += 100n));
      await f.feeds.cbETH.setAnswer(answer);
      expect([...(await f.withFeed.cbETH.quote())]).to.deep.equal([CBETH_INITIAL_RATE, answer, true]);
      await time.increaseTo(t + MAX_AGE);
      expect([...(await f.withFeed.cbETH.quote())]).to.deep.equal([CBETH_INITIAL_RATE, answer, true]);
      await time.increaseTo(t + MAX_AGE + 1n);
      expect([...(await f.withFeed.cbETH.quote())]).to.deep.equal([CBETH_INITIAL_RATE, answer, false]);
      // A time in the future (clock skew) counts as fresh; a zero time never does (and gives no market price).
      await f.feeds.cbETH.setAnswerAt(answer, t + 10n * MAX_AGE);
      expect([...(await f.withFeed.cbETH.quote())]).to.deep.equal([CBETH_INITIAL_RATE, answer, true]);
      await f.feeds.cbETH.setAnswerAt(answer, 0n);
      expect([...(await f.withFeed.cbETH.quote())]).to.deep.equal([CBETH_INITIAL_RATE, 0n, false]);
      // A stale stETH/ETH answer is scaled per unit (by the protocol price) as a fresh one; a stale answer that is
      // not positive or absurd gives no market price.
      const model = seededModel(f.funder.address);
      await f.stETH.connect(f.owner).rebase(ODD_GAIN);
      model.rebase(ODD_GAIN);
      const protocol = model.pooledEthByShares(WAD);
      await time.setNextBlockTimestamp((t += MAX_AGE + 100n));
      await f.feeds.stETH.setAnswerAt(answer, t - MAX_AGE - 1n);
      for (const adapter of [f.withFeed.stETH, f.withFeed.wstETH]) {
        expect([...(await adapter.quote())]).to.deep.equal([protocol, mulWad(answer, protocol), false]);
      }
      for (const bad of [0n, -1n, 2n ** 128n]) {
        await time.setNextBlockTimestamp((t += 100n));
        await f.feeds.stETH.setAnswerAt(bad, t - MAX_AGE - 1n);
        for (const adapter of [f.withFeed.stETH, f.withFeed.wstETH]) {
          expect([...(await adapter.quote())], `stale ${bad}`).to.deep.equal([protocol, 0n, false]);
        }
      }
    });

    it("a zero, negative, absurd or reverting answer gives marketOk false and the protocol price, without reverting", async function () {
      const f = await loadFixture(adaptersFixture);
      const model = seededModel(f.funder.address);
      await f.stETH.connect(f.owner).rebase(ODD_LOSS + ODD_GAIN);
      model.rebase(ODD_LOSS + ODD_GAIN);
      const stETHPerShare = model.pooledEthByShares(WAD);
      const cases = [
        ["stETH", f.withFeed.stETH, f.feeds.stETH, stETHPerShare],
        ["wstETH", f.withFeed.wstETH, f.feeds.stETH, stETHPerShare],
        ["rETH", f.withFeed.rETH, f.feeds.rETH, RETH_INITIAL_RATE],
        ["cbETH", f.withFeed.cbETH, f.feeds.cbETH, CBETH_INITIAL_RATE],
      ] as const;
      for (const [name, adapter, feed, protocol] of cases) {
        const broken: [string, () => Promise<unknown>][] = [
          ["zero", () => feed.setAnswer(0n)],
          ["negative", () => feed.setAnswer(-1n)],
          ["very negative", () => feed.setAnswer(-(10n ** 18n))],
          ["above 2^128", () => feed.setAnswer(2n ** 128n)],
          ["reverting", () => feed.setDown(true)],
        ];
        for (const [what, breakIt] of broken) {
          await breakIt();
          expect([...(await adapter.quote())], `${name}: ${what}`).to.deep.equal([protocol, 0n, false]);
          expect(await adapter.price(), `${name}: ${what}`).to.equal(protocol);
        }
        await feed.setDown(false);
        await feed.setAnswer(WAD);
        const market = name === "stETH" || name === "wstETH" ? mulWad(WAD, protocol) : WAD;
        expect([...(await adapter.quote())], `${name}: repaired`).to.deep.equal([protocol, market, true]);
      }
      // The largest answer accepted: 2^128 - 1 (18 decimals, no scaling).
      await f.feeds.rETH.setAnswer(2n ** 128n - 1n);
      expect([...(await f.withFeed.rETH.quote())]).to.deep.equal([RETH_INITIAL_RATE, 2n ** 128n - 1n, true]);
    });
  });

  describe("external token interfaces (externalLSTViews in deploy/eigenlayer/interfaces.json)", function () {
    type View = { signature: string; selector: string; returns: string; mutability: string };
    const views = (
      JSON.parse(fs.readFileSync(path.join(__dirname, "../../deploy/eigenlayer/interfaces.json"), "utf8")) as {
        externalLSTViews: Record<string, View[]>;
      }
    ).externalLSTViews;
    const cases: [string, Interface, string][] = [
      ["IWstETH", IWstETH__factory.createInterface(), "wstETH"],
      ["IRocketTokenRETH", IRocketTokenRETH__factory.createInterface(), "rETH"],
      ["ICbETH", ICbETH__factory.createInterface(), "cbETH"],
      ["ILidoShares (views)", ILidoShares__factory.createInterface(), "stETH"],
    ];

    for (const [name, iface, token] of cases) {
      it(`${name}: every function is a listed mainnet ${token} signature`, function () {
        const listed = new Map(views[token].map((v) => [v.signature, v]));
        let checked = 0;
        iface.forEachFunction((fn) => {
          if (name.endsWith("(views)") && fn.stateMutability !== "view") return;
          const view = listed.get(fn.format("sighash"));
          expect(view, `${name}.${fn.format("sighash")} not listed`).to.not.equal(undefined);
          expect(fn.selector).to.equal(view!.selector);
          expect(fn.stateMutability).to.equal(view!.mutability);
          expect(fn.outputs.map((o) => o.type).join(",")).to.equal(view!.returns);
          checked++;
        });
        expect(checked).to.be.greaterThan(0);
      });
    }
  });
});
