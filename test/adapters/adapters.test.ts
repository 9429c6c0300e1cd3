import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { artifacts, ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { Interface } from "ethers";
import type { CompilerOutputContract } from "hardhat/types";
import {
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
import { WAD } from "../helpers/math";
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

/** The token stand-ins plus one adapter per token. */
async function adaptersFixture() {
  const tokens = await deployTokensFixture();
  const { stETH, wstETH, rETH, cbETH, weth, owner } = tokens;
  const stETHAdapter = await new StETHAdapter__factory(owner).deploy(stETH);
  const wstETHAdapter = await new WstETHAdapter__factory(owner).deploy(wstETH);
  const rETHAdapter = await new RETHAdapter__factory(owner).deploy(rETH);
  const cbETHAdapter = await new CbETHAdapter__factory(owner).deploy(cbETH);
  const parityAdapter = await new ParityAdapter__factory(owner).deploy(weth);
  return { ...tokens, stETHAdapter, wstETHAdapter, rETHAdapter, cbETHAdapter, parityAdapter };
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
    });

    it("reverts PriceAdapterZeroAddress when built for the zero address", async function () {
      const [deployer] = await ethers.getSigners();
      for (const factory of [
        new StETHAdapter__factory(deployer),
        new WstETHAdapter__factory(deployer),
        new RETHAdapter__factory(deployer),
        new CbETHAdapter__factory(deployer),
        new ParityAdapter__factory(deployer),
      ]) {
        await expect(factory.deploy(ZeroAddress)).to.be.revertedWithCustomError(factory, "PriceAdapterZeroAddress");
      }
    });

    it("is stateless: no storage, the token is the one immutable", async function () {
      for (const name of ["StETHAdapter", "WstETHAdapter", "RETHAdapter", "CbETHAdapter", "ParityAdapter"]) {
        const file = `contracts/adapters/${name}.sol`;
        const buildInfo = await artifacts.getBuildInfo(`${file}:${name}`);
        expect(buildInfo, name).to.not.equal(undefined);
        const output = buildInfo!.output.contracts[file][name] as CompilerOutputContract & {
          storageLayout: { storage: unknown[] };
        };
        expect(output.storageLayout.storage, name).to.deep.equal([]);
        expect(Object.keys(output.evm.deployedBytecode.immutableReferences ?? {}), name).to.have.lengthOf(1);
      }
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
