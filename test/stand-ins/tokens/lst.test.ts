import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { artifacts, ethers, network } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { Interface } from "ethers";
import {
  CbETHMock__factory,
  RETHMock__factory,
  StETHMock__factory,
  WETHMock__factory,
  WstETHMock__factory,
} from "../../../typechain-types";
import { CBETH_INITIAL_RATE, RETH_INITIAL_RATE, STETH_SEED, deployTokensFixture } from "../../fixtures/tokens";
import { WAD, mulDiv } from "../../helpers/math";
import { StEthModel } from "../../helpers/steth";

const { ZeroAddress, MaxUint256, parseEther } = ethers;

/** The vendored interface list (`externalLSTViews`), vendored in deploy/eigenlayer/interfaces.json. */
const INTERFACES_JSON = path.join(__dirname, "../../../deploy/eigenlayer/interfaces.json");

/** An odd Lido yield: makes pooled ether / shares a non-trivial ratio. */
const ODD_YIELD = 1_234_567_890_123_456_789n;
/** What alice stakes after the odd yield. */
const ALICE_STAKE = parseEther("10");

/** The base fixture, then an odd positive rebase, then alice stakes ALICE_STAKE. */
async function rebasedStETHFixture() {
  const base = await deployTokensFixture();
  await base.stETH.connect(base.owner).rebase(ODD_YIELD);
  await base.stETH.connect(base.alice).submit(ZeroAddress, { value: ALICE_STAKE });
  const [, , , , , carol] = await ethers.getSigners();
  return { ...base, carol };
}

/** A fresh model replaying `rebasedStETHFixture` (fixture results are shared, so models are rebuilt per test). */
function rebasedModel(funder: HardhatEthersSigner, alice: HardhatEthersSigner): StEthModel {
  const model = new StEthModel();
  model.submit(funder.address, STETH_SEED);
  model.rebase(ODD_YIELD);
  model.submit(alice.address, ALICE_STAKE);
  return model;
}

describe("LST stand-ins", function () {
  describe("deployment", function () {
    it("returns the mainnet names, symbols and decimals from constants", async function () {
      const { stETH, wstETH, rETH, cbETH, weth } = await loadFixture(deployTokensFixture);
      const expected: [
        { name(): Promise<string>; symbol(): Promise<string>; decimals(): Promise<bigint> },
        string,
        string,
      ][] = [
        [stETH, "Liquid staked Ether 2.0", "stETH"],
        [wstETH, "Wrapped liquid staked Ether 2.0", "wstETH"],
        [rETH, "Rocket Pool ETH", "rETH"],
        [cbETH, "Coinbase Wrapped Staked ETH", "cbETH"],
        [weth, "Wrapped Ether", "WETH"],
      ];
      for (const [token, name, symbol] of expected) {
        expect(await token.name()).to.equal(name);
        expect(await token.symbol()).to.equal(symbol);
        expect(await token.decimals()).to.equal(18n);
      }
    });

    it("initializes owners, rates and the seeded stETH pool", async function () {
      const { stETH, wstETH, rETH, cbETH, owner, oracle, funder } = await loadFixture(deployTokensFixture);
      expect(await stETH.owner()).to.equal(owner.address);
      expect(await stETH.getTotalPooledEther()).to.equal(STETH_SEED);
      expect(await stETH.getTotalShares()).to.equal(STETH_SEED);
      expect(await stETH.totalSupply()).to.equal(STETH_SEED);
      expect(await stETH.sharesOf(funder.address)).to.equal(STETH_SEED);
      expect(await stETH.balanceOf(funder.address)).to.equal(STETH_SEED);
      expect(await wstETH.stETH()).to.equal(await stETH.getAddress());
      expect(await rETH.owner()).to.equal(owner.address);
      expect(await rETH.getExchangeRate()).to.equal(RETH_INITIAL_RATE);
      expect(await cbETH.owner()).to.equal(owner.address);
      expect(await cbETH.oracle()).to.equal(oracle.address);
      expect(await cbETH.exchangeRate()).to.equal(CBETH_INITIAL_RATE);
    });

    it("emits the initial state as events", async function () {
      const [owner, oracle] = await ethers.getSigners();
      const stETH = await new StETHMock__factory(owner).deploy();
      await expect(stETH.initialize(owner.address))
        .to.emit(stETH, "OwnershipTransferred")
        .withArgs(ZeroAddress, owner.address)
        .and.to.emit(stETH, "Initialized")
        .withArgs(1n);
      const rETH = await new RETHMock__factory(owner).deploy();
      await expect(rETH.initialize(owner.address, RETH_INITIAL_RATE))
        .to.emit(rETH, "ExchangeRateUpdated")
        .withArgs(RETH_INITIAL_RATE);
      const cbETH = await new CbETHMock__factory(owner).deploy();
      await expect(cbETH.initialize(owner.address, oracle.address, CBETH_INITIAL_RATE))
        .to.emit(cbETH, "OracleUpdated")
        .withArgs(oracle.address)
        .and.to.emit(cbETH, "ExchangeRateUpdated")
        .withArgs(owner.address, CBETH_INITIAL_RATE);
    });

    it("reverts a second initialize", async function () {
      const { stETH, wstETH, rETH, cbETH, owner, oracle } = await loadFixture(deployTokensFixture);
      await expect(stETH.initialize(owner.address)).to.be.revertedWithCustomError(stETH, "AlreadyInitialized");
      await expect(wstETH.initialize(await stETH.getAddress())).to.be.revertedWithCustomError(
        wstETH,
        "AlreadyInitialized",
      );
      await expect(rETH.initialize(owner.address, WAD)).to.be.revertedWithCustomError(rETH, "AlreadyInitialized");
      await expect(cbETH.initialize(owner.address, oracle.address, WAD)).to.be.revertedWithCustomError(
        cbETH,
        "AlreadyInitialized",
      );
    });

    it("rejects zero owners, oracles, stETH addresses and rates at initialize", async function () {
      const [owner] = await ethers.getSigners();
      const stETH = await new StETHMock__factory(owner).deploy();
      await expect(stETH.initialize(ZeroAddress)).to.be.revertedWithCustomError(stETH, "StETHMockZeroAddress");
      const wstETH = await new WstETHMock__factory(owner).deploy();
      await expect(wstETH.initialize(ZeroAddress)).to.be.revertedWithCustomError(wstETH, "WstETHMockZeroAddress");
      const rETH = await new RETHMock__factory(owner).deploy();
      await expect(rETH.initialize(ZeroAddress, WAD)).to.be.revertedWithCustomError(rETH, "RETHMockZeroAddress");
      await expect(rETH.initialize(owner.address, 0n)).to.be.revertedWithCustomError(rETH, "RETHMockZeroRate");
      const cbETH = await new CbETHMock__factory(owner).deploy();
      await expect(cbETH.initialize(ZeroAddress, owner.address, WAD)).to.be.revertedWithCustomError(
        cbETH,
        "CbETHMockZeroAddress",
      );
      await expect(cbETH.initialize(owner.address, ZeroAddress, WAD)).to.be.revertedWithCustomError(
        cbETH,
        "CbETHMockZeroAddress",
      );
      await expect(cbETH.initialize(owner.address, owner.address, 0n)).to.be.revertedWithCustomError(
        cbETH,
        "CbETHMockZeroRate",
      );
    });

    it("has no immutables", async function () {
      for (const name of ["StETHMock", "WstETHMock", "RETHMock", "CbETHMock", "WETHMock"]) {
        const fqn = `contracts/test/tokens/${name}.sol:${name}`;
        const buildInfo = await artifacts.getBuildInfo(fqn);
        // Not `expect(buildInfo).to.not.equal(undefined)`: the chai matchers format both messages eagerly, and
        // util.inspect of a whole build-info (tens of MB) took seconds per call.
        expect(buildInfo === undefined, `${fqn} has build info`).to.equal(false);
        const output = buildInfo!.output.contracts[`contracts/test/tokens/${name}.sol`][name];
        expect(output.evm.deployedBytecode.immutableReferences ?? {}, fqn).to.deep.equal({});
      }
    });

    it("works from runtime code copied to the mainnet addresses with hardhat_setCode, then initialized", async function () {
      const { stETH, wstETH, rETH, cbETH, weth, owner, oracle, alice } = await loadFixture(deployTokensFixture);
      const at = {
        stETH: "0xae7ab96520DE3A18E5e111B5EaAb095312D7fE84",
        wstETH: "0x7f39C581F595B53c5cb19bD0b3f8dA6c935E2Ca0",
        rETH: "0xae78736Cd615f374D3085123A210448E74Fc6393",
        cbETH: "0xBe9895146f7AF43049ca1c1AE358B0541Ea49704",
        weth: "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2",
      };
      for (const [source, target] of [
        [stETH, at.stETH],
        [wstETH, at.wstETH],
        [rETH, at.rETH],
        [cbETH, at.cbETH],
        [weth, at.weth],
      ] as const) {
        const code = await ethers.provider.getCode(await source.getAddress());
        await network.provider.send("hardhat_setCode", [target, code]);
      }

      const st = StETHMock__factory.connect(at.stETH, owner);
      expect(await st.owner()).to.equal(ZeroAddress);
      expect(await st.getTotalShares()).to.equal(0n);
      expect(await st.name()).to.equal("Liquid staked Ether 2.0");
      await st.initialize(owner.address);
      await st.connect(alice).submit(ZeroAddress, { value: parseEther("2") });
      expect(await st.balanceOf(alice.address)).to.equal(parseEther("2"));

      const wst = WstETHMock__factory.connect(at.wstETH, alice);
      expect(await wst.stETH()).to.equal(ZeroAddress);
      expect(await wst.name()).to.equal("Wrapped liquid staked Ether 2.0");
      await wst.initialize(at.stETH);
      await st.connect(alice).approve(at.wstETH, parseEther("1"));
      await wst.wrap(parseEther("1"));
      expect(await wst.balanceOf(alice.address)).to.equal(parseEther("1"));

      const r = RETHMock__factory.connect(at.rETH, owner);
      expect(await r.getExchangeRate()).to.equal(0n);
      await r.initialize(owner.address, RETH_INITIAL_RATE);
      expect(await r.getRethValue(parseEther("1.1"))).to.equal(parseEther("1"));

      const cb = CbETHMock__factory.connect(at.cbETH, owner);
      expect(await cb.exchangeRate()).to.equal(0n);
      expect(await cb.oracle()).to.equal(ZeroAddress);
      await cb.initialize(owner.address, oracle.address, CBETH_INITIAL_RATE);
      expect(await cb.exchangeRate()).to.equal(CBETH_INITIAL_RATE);

      const w = WETHMock__factory.connect(at.weth, alice);
      expect(await w.symbol()).to.equal("WETH");
      await w.deposit({ value: 5n });
      expect(await w.balanceOf(alice.address)).to.equal(5n);
    });
  });

  describe("StETHMock", function () {
    it("submits after an odd rebase at floor(value * shares / pooled), with Lido's events", async function () {
      const { stETH, owner, funder, alice, bob } = await loadFixture(deployTokensFixture);
      const model = new StEthModel();
      model.submit(funder.address, STETH_SEED);

      await expect(stETH.connect(owner).rebase(ODD_YIELD))
        .to.emit(stETH, "Rebased")
        .withArgs(STETH_SEED, STETH_SEED + ODD_YIELD);
      model.rebase(ODD_YIELD);

      const minted = model.submit(alice.address, ALICE_STAKE);
      // floor(10e18 * 100e18 / 101.234567890123456789e18)
      expect(minted).to.equal(9_878_048_781_571_980_963n);
      expect(await stETH.connect(alice).submit.staticCall(bob.address, { value: ALICE_STAKE })).to.equal(minted);
      await expect(stETH.connect(alice).submit(bob.address, { value: ALICE_STAKE }))
        .to.emit(stETH, "Submitted")
        .withArgs(alice.address, ALICE_STAKE, bob.address)
        .and.to.emit(stETH, "Transfer")
        .withArgs(ZeroAddress, alice.address, model.pooledEthByShares(minted))
        .and.to.emit(stETH, "TransferShares")
        .withArgs(ZeroAddress, alice.address, minted);

      expect(await stETH.sharesOf(alice.address)).to.equal(minted);
      // Staking 10 ETH already shows the 1-wei floor.
      expect(model.balanceOf(alice.address)).to.equal(ALICE_STAKE - 1n);
      expect(await stETH.balanceOf(alice.address)).to.equal(model.balanceOf(alice.address));
      expect(await stETH.getTotalPooledEther()).to.equal(STETH_SEED + ODD_YIELD + ALICE_STAKE);
      expect(await stETH.getTotalShares()).to.equal(STETH_SEED + minted);
    });

    it("reproduces the 1-2 wei transfer shortfall", async function () {
      const { stETH, funder, alice, bob, carol } = await loadFixture(rebasedStETHFixture);
      const model = rebasedModel(funder, alice);

      const x1 = parseEther("1");
      const moved1 = model.transfer(alice.address, bob.address, x1);
      await expect(stETH.connect(alice).transfer(bob.address, x1))
        .to.emit(stETH, "Transfer")
        .withArgs(alice.address, bob.address, x1)
        .and.to.emit(stETH, "TransferShares")
        .withArgs(alice.address, bob.address, moved1);
      expect(model.balanceOf(bob.address)).to.equal(x1 - 1n);
      expect(await stETH.balanceOf(bob.address)).to.equal(model.balanceOf(bob.address));

      const x2 = parseEther("1") + 32n;
      model.transfer(alice.address, carol.address, x2);
      await stETH.connect(alice).transfer(carol.address, x2);
      expect(model.balanceOf(carol.address)).to.equal(x2 - 2n);
      expect(await stETH.balanceOf(carol.address)).to.equal(model.balanceOf(carol.address));

      expect(await stETH.sharesOf(alice.address)).to.equal(model.sharesOf(alice.address));
      expect(await stETH.balanceOf(alice.address)).to.equal(model.balanceOf(alice.address));
    });

    it("transferFrom spends the stETH amount, shows the shortfall and keeps an infinite allowance", async function () {
      const { stETH, funder, alice, bob, carol } = await loadFixture(rebasedStETHFixture);
      const model = rebasedModel(funder, alice);
      const x = parseEther("1");

      await expect(stETH.connect(alice).approve(bob.address, x + 10n))
        .to.emit(stETH, "Approval")
        .withArgs(alice.address, bob.address, x + 10n);
      const moved = model.transfer(alice.address, carol.address, x);
      await expect(stETH.connect(bob).transferFrom(alice.address, carol.address, x))
        .to.emit(stETH, "TransferShares")
        .withArgs(alice.address, carol.address, moved);
      expect(await stETH.allowance(alice.address, bob.address)).to.equal(10n);
      expect(await stETH.balanceOf(carol.address)).to.equal(x - 1n);
      await expect(stETH.connect(bob).transferFrom(alice.address, carol.address, 11n))
        .to.be.revertedWithCustomError(stETH, "StETHMockAllowanceExceeded")
        .withArgs(alice.address, bob.address, 10n, 11n);

      await stETH.connect(alice).approve(bob.address, MaxUint256);
      model.transfer(alice.address, carol.address, x);
      await stETH.connect(bob).transferFrom(alice.address, carol.address, x);
      expect(await stETH.allowance(alice.address, bob.address)).to.equal(MaxUint256);
      expect(await stETH.balanceOf(carol.address)).to.equal(model.balanceOf(carol.address));
    });

    it("transferShares moves exactly the shares and returns their floor value", async function () {
      const { stETH, funder, alice, bob } = await loadFixture(rebasedStETHFixture);
      const model = rebasedModel(funder, alice);
      const s = 123_456_789_012_345_678n;

      const amount = model.transferShares(alice.address, bob.address, s);
      expect(amount).to.equal(mulDiv(s, STETH_SEED + ODD_YIELD + ALICE_STAKE, model.totalShares, "floor"));
      expect(await stETH.connect(alice).transferShares.staticCall(bob.address, s)).to.equal(amount);
      await expect(stETH.connect(alice).transferShares(bob.address, s))
        .to.emit(stETH, "Transfer")
        .withArgs(alice.address, bob.address, amount)
        .and.to.emit(stETH, "TransferShares")
        .withArgs(alice.address, bob.address, s);
      expect(await stETH.sharesOf(bob.address)).to.equal(s);
      expect(await stETH.sharesOf(alice.address)).to.equal(model.sharesOf(alice.address));
      expect(await stETH.balanceOf(bob.address)).to.equal(amount);
    });

    it("transferSharesFrom spends the floor stETH value of the shares", async function () {
      const { stETH, funder, alice, bob, carol } = await loadFixture(rebasedStETHFixture);
      const model = rebasedModel(funder, alice);
      const s = 987_654_321_098_765_431n;
      const amount = model.transferShares(alice.address, carol.address, s);

      await stETH.connect(alice).approve(bob.address, amount);
      expect(await stETH.connect(bob).transferSharesFrom.staticCall(alice.address, carol.address, s)).to.equal(amount);
      await expect(stETH.connect(bob).transferSharesFrom(alice.address, carol.address, s))
        .to.emit(stETH, "TransferShares")
        .withArgs(alice.address, carol.address, s);
      expect(await stETH.allowance(alice.address, bob.address)).to.equal(0n);
      expect(await stETH.sharesOf(carol.address)).to.equal(s);

      // One more share is worth floor(pooled / shares) = 1 wei, which the spent allowance no longer covers.
      await expect(stETH.connect(bob).transferSharesFrom(alice.address, carol.address, 1n))
        .to.be.revertedWithCustomError(stETH, "StETHMockAllowanceExceeded")
        .withArgs(alice.address, bob.address, 0n, model.pooledEthByShares(1n));
    });

    it("positive and negative rebases move every balance pro rata", async function () {
      const { stETH, owner, funder, alice } = await loadFixture(rebasedStETHFixture);
      const model = rebasedModel(funder, alice);
      const shares = model.totalShares;

      const gain = parseEther("0.5") + 7n;
      const pre = model.pooledEther;
      model.rebase(gain);
      await expect(stETH.connect(owner).rebase(gain))
        .to.emit(stETH, "Rebased")
        .withArgs(pre, pre + gain);
      const funderAfterGain = model.balanceOf(funder.address);
      expect(funderAfterGain).to.equal(mulDiv(STETH_SEED, pre + gain, shares, "floor"));
      expect(await stETH.balanceOf(funder.address)).to.equal(funderAfterGain);
      expect(await stETH.balanceOf(alice.address)).to.equal(model.balanceOf(alice.address));
      expect(await stETH.totalSupply()).to.equal(pre + gain);

      const loss = -(parseEther("3") + 11n);
      model.rebase(loss);
      await expect(stETH.connect(owner).rebase(loss))
        .to.emit(stETH, "Rebased")
        .withArgs(pre + gain, pre + gain + loss);
      expect(model.balanceOf(funder.address)).to.be.lessThan(funderAfterGain);
      expect(await stETH.balanceOf(funder.address)).to.equal(model.balanceOf(funder.address));
      expect(await stETH.balanceOf(alice.address)).to.equal(model.balanceOf(alice.address));
      expect(await stETH.getTotalPooledEther()).to.equal(pre + gain + loss);
      expect(await stETH.getTotalShares()).to.equal(shares);
      expect(await stETH.getSharesByPooledEth(WAD)).to.equal(model.sharesByPooledEth(WAD));
      expect(await stETH.getPooledEthByShares(WAD)).to.equal(model.pooledEthByShares(WAD));
    });

    it("reverts with custom errors on bad input", async function () {
      const { stETH, owner, funder, alice, bob } = await loadFixture(rebasedStETHFixture);
      const model = rebasedModel(funder, alice);
      const stAddress = await stETH.getAddress();

      await expect(stETH.connect(alice).submit(ZeroAddress, { value: 0n })).to.be.revertedWithCustomError(
        stETH,
        "StETHMockZeroAmount",
      );
      // pooled > shares, so 1 wei buys floor(shares / pooled) = 0 shares.
      await expect(stETH.connect(alice).submit(ZeroAddress, { value: 1n }))
        .to.be.revertedWithCustomError(stETH, "StETHMockRoundsToZero")
        .withArgs(1n);
      await expect(stETH.connect(alice).transfer(ZeroAddress, 1n)).to.be.revertedWithCustomError(
        stETH,
        "StETHMockZeroAddress",
      );
      await expect(stETH.connect(alice).transfer(stAddress, 1n)).to.be.revertedWithCustomError(
        stETH,
        "StETHMockTransferToStETHContract",
      );
      await expect(stETH.connect(alice).approve(ZeroAddress, 1n)).to.be.revertedWithCustomError(
        stETH,
        "StETHMockZeroAddress",
      );
      const tooMuch = model.balanceOf(alice.address) + parseEther("2");
      await expect(stETH.connect(alice).transfer(bob.address, tooMuch))
        .to.be.revertedWithCustomError(stETH, "StETHMockSharesExceeded")
        .withArgs(alice.address, model.sharesOf(alice.address), model.sharesByPooledEth(tooMuch));
      await expect(stETH.connect(alice).transferShares(bob.address, model.sharesOf(alice.address) + 1n))
        .to.be.revertedWithCustomError(stETH, "StETHMockSharesExceeded")
        .withArgs(alice.address, model.sharesOf(alice.address), model.sharesOf(alice.address) + 1n);

      await expect(stETH.connect(alice).rebase(1n))
        .to.be.revertedWithCustomError(stETH, "CallerNotOwner")
        .withArgs(alice.address);
      await expect(stETH.connect(owner).rebase(0n)).to.be.revertedWithCustomError(stETH, "StETHMockZeroAmount");
      const pooled = model.pooledEther;
      await expect(stETH.connect(owner).rebase(-pooled))
        .to.be.revertedWithCustomError(stETH, "StETHMockInvalidRebase")
        .withArgs(pooled, -pooled);

      const empty = await new StETHMock__factory(owner).deploy();
      await empty.initialize(owner.address);
      await expect(empty.rebase(1n)).to.be.revertedWithCustomError(empty, "StETHMockEmptyPool");
    });
  });

  describe("WstETHMock", function () {
    it("wraps to floor(stETH * shares / pooled) and unwraps after yield", async function () {
      const { stETH, wstETH, owner, funder, alice } = await loadFixture(rebasedStETHFixture);
      const model = rebasedModel(funder, alice);
      const wstAddress = await wstETH.getAddress();
      const amount = parseEther("4") + 3n;

      const wrapped = model.sharesByPooledEth(amount);
      await stETH.connect(alice).approve(wstAddress, amount);
      expect(await wstETH.connect(alice).wrap.staticCall(amount)).to.equal(wrapped);
      await expect(wstETH.connect(alice).wrap(amount))
        .to.emit(wstETH, "Transfer")
        .withArgs(ZeroAddress, alice.address, wrapped);
      expect(model.transfer(alice.address, wstAddress, amount)).to.equal(wrapped);
      expect(await wstETH.balanceOf(alice.address)).to.equal(wrapped);
      expect(await wstETH.totalSupply()).to.equal(wrapped);
      expect(await stETH.sharesOf(wstAddress)).to.equal(wrapped);

      const gain = parseEther("2") + 1n;
      model.rebase(gain);
      await stETH.connect(owner).rebase(gain);
      expect(await wstETH.stEthPerToken()).to.equal(mulDiv(WAD, model.pooledEther, model.totalShares, "floor"));
      expect(await wstETH.tokensPerStEth()).to.equal(mulDiv(WAD, model.totalShares, model.pooledEther, "floor"));

      const unwrapped = model.pooledEthByShares(wrapped);
      expect(await wstETH.getStETHByWstETH(wrapped)).to.equal(unwrapped);
      expect(await wstETH.connect(alice).unwrap.staticCall(wrapped)).to.equal(unwrapped);
      await expect(wstETH.connect(alice).unwrap(wrapped))
        .to.emit(wstETH, "Transfer")
        .withArgs(alice.address, ZeroAddress, wrapped);
      const returned = model.transfer(wstAddress, alice.address, unwrapped);
      expect(await wstETH.balanceOf(alice.address)).to.equal(0n);
      expect(await wstETH.totalSupply()).to.equal(0n);
      expect(await stETH.balanceOf(alice.address)).to.equal(model.balanceOf(alice.address));
      // Dust shares stay in the wrapper, as on mainnet.
      expect(await stETH.sharesOf(wstAddress)).to.equal(wrapped - returned);
    });

    it("quotes 1:1 on a 1:1 pool and follows the ratio after a rebase", async function () {
      const { stETH, wstETH, owner } = await loadFixture(deployTokensFixture);
      expect(await wstETH.stEthPerToken()).to.equal(WAD);
      expect(await wstETH.tokensPerStEth()).to.equal(WAD);

      await stETH.connect(owner).rebase(ODD_YIELD);
      const pooled = STETH_SEED + ODD_YIELD;
      expect(await wstETH.stEthPerToken()).to.equal(mulDiv(WAD, pooled, STETH_SEED, "floor"));
      expect(await wstETH.tokensPerStEth()).to.equal(mulDiv(WAD, STETH_SEED, pooled, "floor"));
      const x = 777_777_777_777_777_777n;
      expect(await wstETH.getWstETHByStETH(x)).to.equal(mulDiv(x, STETH_SEED, pooled, "floor"));
      expect(await wstETH.getStETHByWstETH(x)).to.equal(mulDiv(x, pooled, STETH_SEED, "floor"));
    });

    it("reverts on zero amounts, on amounts that round to zero and without allowance", async function () {
      const { stETH, wstETH, owner, funder } = await loadFixture(deployTokensFixture);
      const wstAddress = await wstETH.getAddress();
      await expect(wstETH.connect(funder).wrap(0n)).to.be.revertedWithCustomError(wstETH, "WstETHMockZeroAmount");
      await expect(wstETH.connect(funder).unwrap(0n)).to.be.revertedWithCustomError(wstETH, "WstETHMockZeroAmount");
      await expect(wstETH.connect(funder).wrap(WAD))
        .to.be.revertedWithCustomError(stETH, "StETHMockAllowanceExceeded")
        .withArgs(funder.address, wstAddress, 0n, WAD);

      await stETH.connect(funder).approve(wstAddress, WAD);
      await wstETH.connect(funder).wrap(WAD);
      // A 50 % Lido-level loss: one wstETH wei is worth half a stETH wei, which floors to zero.
      await stETH.connect(owner).rebase(-(STETH_SEED / 2n));
      await expect(wstETH.connect(funder).unwrap(1n))
        .to.be.revertedWithCustomError(wstETH, "WstETHMockRoundsToZero")
        .withArgs(1n);
      // Back above 1:1: one stETH wei buys floor(shares / pooled) = 0 wstETH.
      await stETH.connect(owner).rebase(STETH_SEED);
      await stETH.connect(funder).approve(wstAddress, 1n);
      await expect(wstETH.connect(funder).wrap(1n))
        .to.be.revertedWithCustomError(wstETH, "WstETHMockRoundsToZero")
        .withArgs(1n);
    });
  });

  describe("RETHMock", function () {
    it("deposits at floor(eth / rate), values at floor(reth * rate) and burns for ETH", async function () {
      const { rETH, alice } = await loadFixture(deployTokensFixture);
      const value = parseEther("1");
      const minted = mulDiv(value, WAD, RETH_INITIAL_RATE, "floor");
      expect(minted).to.equal(909_090_909_090_909_090n);
      expect(await rETH.getRethValue(value)).to.equal(minted);
      expect(await rETH.getEthValue(minted)).to.equal(999_999_999_999_999_999n);

      const t = (await time.latest()) + 10;
      await time.setNextBlockTimestamp(t);
      const depositTx = rETH.connect(alice).deposit({ value });
      await expect(depositTx).to.emit(rETH, "TokensMinted").withArgs(alice.address, minted, value, t);
      await expect(depositTx).to.changeEtherBalances([alice, rETH], [-value, value]);
      expect(await rETH.balanceOf(alice.address)).to.equal(minted);

      const half = minted / 2n;
      const paid = mulDiv(half, RETH_INITIAL_RATE, WAD, "floor");
      await time.setNextBlockTimestamp(t + 10);
      const burnTx = rETH.connect(alice).burn(half);
      await expect(burnTx)
        .to.emit(rETH, "TokensBurned")
        .withArgs(alice.address, half, paid, t + 10);
      await expect(burnTx).to.changeEtherBalances([alice, rETH], [paid, -paid]);
      expect(await rETH.balanceOf(alice.address)).to.equal(minted - half);
    });

    it("follows owner-set yield and loss, and needs collateral to pay out yield", async function () {
      const { rETH, owner, alice } = await loadFixture(deployTokensFixture);
      await rETH.connect(alice).deposit({ value: WAD });
      const held = mulDiv(WAD, WAD, RETH_INITIAL_RATE, "floor");

      const up = parseEther("2") + 3n;
      await expect(rETH.connect(owner).setExchangeRate(up)).to.emit(rETH, "ExchangeRateUpdated").withArgs(up);
      expect(await rETH.getExchangeRate()).to.equal(up);
      const owed = mulDiv(held, up, WAD, "floor");
      expect(await rETH.getEthValue(held)).to.equal(owed);
      await expect(rETH.connect(alice).burn(held))
        .to.be.revertedWithCustomError(rETH, "RETHMockInsufficientEthBalance")
        .withArgs(WAD, owed);

      await expect(owner.sendTransaction({ to: await rETH.getAddress(), value: WAD })).to.emit(rETH, "EtherDeposited");
      await expect(rETH.connect(alice).burn(held)).to.changeEtherBalance(alice, owed);

      const down = parseEther("0.9") - 5n;
      await rETH.connect(owner).setExchangeRate(down);
      const x = 123_456_789_123_456_789n;
      expect(await rETH.getEthValue(x)).to.equal(mulDiv(x, down, WAD, "floor"));
      expect(await rETH.getRethValue(x)).to.equal(mulDiv(x, WAD, down, "floor"));
    });

    it("reverts with custom errors on bad input and non-owner calls", async function () {
      const { rETH, owner, alice, bob } = await loadFixture(deployTokensFixture);
      await expect(rETH.connect(alice).deposit({ value: 0n })).to.be.revertedWithCustomError(
        rETH,
        "RETHMockZeroAmount",
      );
      await expect(rETH.connect(alice).deposit({ value: 1n }))
        .to.be.revertedWithCustomError(rETH, "RETHMockRoundsToZero")
        .withArgs(1n);
      await expect(rETH.connect(alice).burn(0n)).to.be.revertedWithCustomError(rETH, "RETHMockZeroAmount");
      await expect(rETH.connect(alice).burn(1n))
        .to.be.revertedWithCustomError(rETH, "RETHMockInsufficientEthBalance")
        .withArgs(0n, 1n);
      await rETH.connect(bob).deposit({ value: WAD });
      await expect(rETH.connect(alice).burn(1n))
        .to.be.revertedWithCustomError(rETH, "ERC20InsufficientBalance")
        .withArgs(alice.address, 0n, 1n);
      await expect(rETH.connect(alice).setExchangeRate(WAD))
        .to.be.revertedWithCustomError(rETH, "CallerNotOwner")
        .withArgs(alice.address);
      await expect(rETH.connect(owner).setExchangeRate(0n)).to.be.revertedWithCustomError(rETH, "RETHMockZeroRate");
      await expect(rETH.connect(owner).setExchangeRate(RETH_INITIAL_RATE))
        .to.be.revertedWithCustomError(rETH, "RETHMockRateUnchanged")
        .withArgs(RETH_INITIAL_RATE);

      await rETH.connect(alice).deposit({ value: WAD });
      await rETH.connect(owner).setExchangeRate(WAD / 2n);
      await expect(rETH.connect(alice).burn(1n))
        .to.be.revertedWithCustomError(rETH, "RETHMockRoundsToZero")
        .withArgs(1n);
    });
  });

  describe("CbETHMock", function () {
    it("takes rate updates from the oracle and the owner", async function () {
      const { cbETH, owner, oracle } = await loadFixture(deployTokensFixture);
      const up = parseEther("1.06") + 1n;
      await expect(cbETH.connect(oracle).updateExchangeRate(up))
        .to.emit(cbETH, "ExchangeRateUpdated")
        .withArgs(oracle.address, up);
      expect(await cbETH.exchangeRate()).to.equal(up);
      const down = parseEther("0.98");
      await expect(cbETH.connect(owner).updateExchangeRate(down))
        .to.emit(cbETH, "ExchangeRateUpdated")
        .withArgs(owner.address, down);
      expect(await cbETH.exchangeRate()).to.equal(down);
    });

    it("replaces the oracle, mints and deposits at floor(eth / rate)", async function () {
      const { cbETH, owner, oracle, alice, bob } = await loadFixture(deployTokensFixture);
      await expect(cbETH.connect(owner).updateOracle(bob.address))
        .to.emit(cbETH, "OracleUpdated")
        .withArgs(bob.address);
      expect(await cbETH.oracle()).to.equal(bob.address);
      await expect(cbETH.connect(oracle).updateExchangeRate(WAD))
        .to.be.revertedWithCustomError(cbETH, "CbETHMockCallerNotOracle")
        .withArgs(oracle.address);

      await expect(cbETH.connect(owner).mint(alice.address, 5n * WAD))
        .to.emit(cbETH, "Transfer")
        .withArgs(ZeroAddress, alice.address, 5n * WAD);

      const value = parseEther("1");
      const minted = mulDiv(value, WAD, CBETH_INITIAL_RATE, "floor");
      expect(minted).to.equal(952_380_952_380_952_380n);
      expect(await cbETH.connect(alice).deposit.staticCall({ value })).to.equal(minted);
      await expect(cbETH.connect(alice).deposit({ value })).to.changeEtherBalances([alice, cbETH], [-value, value]);
      expect(await cbETH.balanceOf(alice.address)).to.equal(5n * WAD + minted);
      expect(await cbETH.totalSupply()).to.equal(5n * WAD + minted);
    });

    it("reverts with custom errors on bad input and unauthorised calls", async function () {
      const { cbETH, owner, oracle, alice } = await loadFixture(deployTokensFixture);
      await expect(cbETH.connect(alice).updateExchangeRate(WAD))
        .to.be.revertedWithCustomError(cbETH, "CbETHMockCallerNotOracle")
        .withArgs(alice.address);
      await expect(cbETH.connect(oracle).updateExchangeRate(0n)).to.be.revertedWithCustomError(
        cbETH,
        "CbETHMockZeroRate",
      );
      await expect(cbETH.connect(oracle).updateExchangeRate(CBETH_INITIAL_RATE))
        .to.be.revertedWithCustomError(cbETH, "CbETHMockRateUnchanged")
        .withArgs(CBETH_INITIAL_RATE);
      await expect(cbETH.connect(alice).updateOracle(alice.address))
        .to.be.revertedWithCustomError(cbETH, "CallerNotOwner")
        .withArgs(alice.address);
      await expect(cbETH.connect(owner).updateOracle(ZeroAddress)).to.be.revertedWithCustomError(
        cbETH,
        "CbETHMockZeroAddress",
      );
      await expect(cbETH.connect(owner).updateOracle(oracle.address))
        .to.be.revertedWithCustomError(cbETH, "CbETHMockOracleUnchanged")
        .withArgs(oracle.address);
      await expect(cbETH.connect(alice).mint(alice.address, 1n))
        .to.be.revertedWithCustomError(cbETH, "CallerNotOwner")
        .withArgs(alice.address);
      await expect(cbETH.connect(owner).mint(alice.address, 0n)).to.be.revertedWithCustomError(
        cbETH,
        "CbETHMockZeroAmount",
      );
      await expect(cbETH.connect(alice).deposit({ value: 0n })).to.be.revertedWithCustomError(
        cbETH,
        "CbETHMockZeroAmount",
      );
      await expect(cbETH.connect(alice).deposit({ value: 1n }))
        .to.be.revertedWithCustomError(cbETH, "CbETHMockRoundsToZero")
        .withArgs(1n);
    });
  });

  describe("WETHMock", function () {
    it("wraps through deposit and receive, and unwraps through withdraw", async function () {
      const { weth, alice } = await loadFixture(deployTokensFixture);
      const wethAddress = await weth.getAddress();
      const depositTx = weth.connect(alice).deposit({ value: 3n * WAD });
      await expect(depositTx)
        .to.emit(weth, "Deposit")
        .withArgs(alice.address, 3n * WAD);
      await expect(depositTx).to.changeEtherBalances([alice, weth], [-3n * WAD, 3n * WAD]);
      await expect(alice.sendTransaction({ to: wethAddress, value: 7n }))
        .to.emit(weth, "Deposit")
        .withArgs(alice.address, 7n);
      expect(await weth.balanceOf(alice.address)).to.equal(3n * WAD + 7n);
      expect(await weth.totalSupply()).to.equal(3n * WAD + 7n);

      const withdrawTx = weth.connect(alice).withdraw(WAD);
      await expect(withdrawTx).to.emit(weth, "Withdrawal").withArgs(alice.address, WAD);
      await expect(withdrawTx).to.changeEtherBalances([alice, weth], [WAD, -WAD]);
      expect(await weth.balanceOf(alice.address)).to.equal(2n * WAD + 7n);
      expect(await ethers.provider.getBalance(wethAddress)).to.equal(2n * WAD + 7n);
    });

    it("reverts a withdrawal above the balance", async function () {
      const { weth, alice } = await loadFixture(deployTokensFixture);
      await weth.connect(alice).deposit({ value: 5n });
      await expect(weth.connect(alice).withdraw(6n))
        .to.be.revertedWithCustomError(weth, "ERC20InsufficientBalance")
        .withArgs(alice.address, 5n, 6n);
    });
  });

  describe("externalLSTViews", function () {
    type View = { signature: string; selector: string; returns: string; mutability: string };
    let views: Record<string, View[]>;
    const interfaces: Record<string, Interface> = {
      stETH: StETHMock__factory.createInterface(),
      wstETH: WstETHMock__factory.createInterface(),
      rETH: RETHMock__factory.createInterface(),
      cbETH: CbETHMock__factory.createInterface(),
    };

    before(function () {
      views = (JSON.parse(fs.readFileSync(INTERFACES_JSON, "utf8")) as { externalLSTViews: Record<string, View[]> })
        .externalLSTViews;
    });

    for (const token of Object.keys(interfaces)) {
      it(`${token}: every listed function exists with its selector, mutability and return type`, function () {
        expect(views[token], token).to.be.an("array").that.is.not.empty;
        for (const view of views[token]) {
          expect(ethers.id(view.signature).slice(0, 10), view.signature).to.equal(view.selector);
          const fragment = interfaces[token].getFunction(view.signature);
          expect(fragment, `${token}.${view.signature}`).to.not.equal(null);
          expect(fragment!.selector, view.signature).to.equal(view.selector);
          expect(fragment!.stateMutability, view.signature).to.equal(view.mutability);
          expect(fragment!.outputs.map((o) => o.type).join(","), view.signature).to.equal(view.returns);
        }
      });
    }
  });
});
