import { expect } from "chai";
import { ethers, upgrades } from "hardhat";
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
import { boundedPrice } from "../helpers/oracleModel";
import { expectUpgradeSafe } from "../helpers/upgrades";

const { parseEther, ZeroAddress } = ethers;
const DAY = 86_400n;
const BOUND = BigInt(VAULT_PARAMS.maxChangeBps);

async function assetList(f: PricedFixture): Promise<string[]> {
  return [ETH, ...(await Promise.all(KEYS.slice(1).map((k) => f.tokens[k as Exclude<Key, "ETH">].getAddress())))];
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

describe("LRTOracle", function () {
  describe("refresh: the per-sync bound", function () {
    it("a rise beyond maxChangeBps is clamped (PriceClamped) and the rest counts at later syncs", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const l = await replayPriced(f);
      const rETH = await f.tokens.rETH.getAddress();
      const observed = (l.rETHRate * 112n) / 100n;
      await f.tokens.rETH.connect(f.signers.admin).setExchangeRate(observed);
      l.rETHRate = observed;

      let t = f.syncAt;
      // Two syncs move the price up by the 5% band each (rounded down), the third reaches the observed price.
      for (const clampExpected of [true, true, false]) {
        const previous = l.price.get("rETH")!;
        const used = clampExpected ? previous + mulDiv(previous, BOUND, 10_000n) : observed;
        expect(boundedPrice(previous, observed, BOUND)).to.deep.equal({
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
        // The sync valued the vault at the bounded price.
        await expect(tx).to.emit(f.accountant, "Synced").withArgs(out.previousRate, out.rate, l.syncValue(), l.supply);
        expect(await f.oracle.price(rETH))
          .to.equal(used)
          .and.to.equal(l.price.get("rETH"));
      }
    });

    it("a fall beyond maxChangeBps applies in full: PriceTripped, the vault's DepositsTripped, deposits closed until clearPriceTrip", async function () {
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
      expect(boundedPrice(previous, observed, BOUND)).to.deep.equal({ used: observed, clamped: false, tripped: true });
      const t = f.syncAt + 2n * 3_600n;
      const rateBefore = l.rates.rateAt(t);
      const { tx, out } = await syncAt(f, l, t);
      await expect(tx).to.emit(f.oracle, "PriceTripped").withArgs(cbETH, previous, observed);
      await expect(tx).to.emit(f.vault, "DepositsTripped").withArgs(cbETH);
      await expect(tx)
        .to.emit(f.accountant, "LossRecognised")
        .withArgs(out.loss, mulDiv(out.loss, out.supply, WAD));
      expect(await f.oracle.price(cbETH)).to.equal(observed);
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
      const again = await syncAt(f, l, t + 3_600n);
      await expect(again.tx).to.not.emit(f.oracle, "PriceTripped");
      await expect(again.tx).to.not.emit(f.vault, "DepositsTripped");
      await expect(depositCbETH()).to.be.revertedWithCustomError(f.vault, "LRTVaultDepositsPaused").withArgs(cbETH);

      await expect(f.vault.connect(bob).clearPriceTrip(cbETH))
        .to.be.revertedWithCustomError(f.vault, "AccessManagedUnauthorized")
        .withArgs(bob.address);
      await expect(f.vault.clearPriceTrip(cbETH)).to.emit(f.vault, "PriceTripCleared").withArgs(cbETH);
      await expect(f.vault.clearPriceTrip(cbETH)).to.be.revertedWithCustomError(f.vault, "LRTVaultNoChange");
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
      const { tx } = await syncAt(f, l, f.syncAt + 3_600n);
      for (const key of ["stETH", "wstETH"] as const) {
        const asset = await f.tokens[key].getAddress();
        await expect(tx).to.emit(f.oracle, "PriceTripped").withArgs(asset, previous, l.price.get(key));
        await expect(tx).to.emit(f.vault, "DepositsTripped").withArgs(asset);
        expect((await f.vault.assetInfo(asset)).tripped, key).to.equal(true);
      }
      expect((await f.vault.assetInfo(f.tokens.rETH)).tripped).to.equal(false);
    });

    it("at the band's edges: +band is not clamped, one wei more is; -band does not trip, one wei more does", async function () {
      const f = await loadFixture(keeperOracleFixture);
      const { admin } = f.signers;
      const cbETH = await f.tokens.cbETH.getAddress();
      const oracle = f.oracle.connect(f.keeper);
      let stored = CBETH_INITIAL_RATE;
      const band = (p: bigint) => mulDiv(p, BOUND, 10_000n);
      const cases: [string, (p: bigint) => bigint, boolean, boolean][] = [
        ["+band", (p) => p + band(p), false, false],
        ["+band + 1", (p) => p + band(p) + 1n, true, false],
        ["-band", (p) => p - band(p), false, false],
        ["-band - 1", (p) => p - band(p) - 1n, false, true],
      ];
      for (const [name, move, clamped, tripped] of cases) {
        const observed = move(stored);
        await f.tokens.cbETH.connect(admin).updateExchangeRate(observed);
        const expected = boundedPrice(stored, observed, BOUND);
        expect([expected.clamped, expected.tripped], name).to.deep.equal([clamped, tripped]);
        const [prices, trips] = await oracle.refresh.staticCall([cbETH, ETH]);
        expect([...prices], name).to.deep.equal([expected.used, WAD]);
        expect([...trips], name).to.deep.equal([tripped, false]);
        const tx = oracle.refresh([cbETH, ETH]);
        if (clamped) await expect(tx).to.emit(f.oracle, "PriceClamped").withArgs(cbETH, observed, expected.used);
        else await expect(tx).to.not.emit(f.oracle, "PriceClamped");
        if (tripped) await expect(tx).to.emit(f.oracle, "PriceTripped").withArgs(cbETH, stored, observed);
        else await expect(tx).to.not.emit(f.oracle, "PriceTripped");
        stored = expected.used;
        expect(await f.oracle.price(cbETH), name).to.equal(stored);
      }
    });

    it("takes a new asset's first price as observed; ETH is 1e18 with no adapter", async function () {
      const f = await loadFixture(keeperOracleFixture);
      const { admin } = f.signers;
      const token = await new CbETHMock__factory(admin).deploy();
      await token.initialize(admin.address, admin.address, parseEther("3"));
      const adapter = await new CbETHAdapter__factory(admin).deploy(token);
      await f.oracle.setAdapter(token, adapter, 100);
      expect(await f.oracle.price(token)).to.equal(0n);
      expect(await f.oracle.price(ETH)).to.equal(WAD);
      await expect(f.oracle.connect(f.keeper).refresh([token, ETH]))
        .to.emit(f.oracle, "PricesRefreshed")
        .withArgs([await token.getAddress(), ETH], [parseEther("3"), WAD])
        .and.to.not.emit(f.oracle, "PriceClamped");
      expect(await f.oracle.price(token)).to.equal(parseEther("3"));
    });

    it("a zero price reverts LRTOracleZeroPrice", async function () {
      const f = await loadFixture(keeperOracleFixture);
      const { admin, alice } = f.signers;
      // 2 ETH of Lido shares backed by 1 wei: 1e18 shares are worth 0 wei.
      const steth = await new StETHMock__factory(admin).deploy();
      await steth.initialize(admin.address);
      await steth.connect(alice).submit(ZeroAddress, { value: parseEther("2") });
      await steth.connect(admin).rebase(-(parseEther("2") - 1n));
      await f.oracle.setAdapter(steth, await new StETHAdapter__factory(admin).deploy(steth), 500);
      await expect(f.oracle.connect(f.keeper).refresh([steth]))
        .to.be.revertedWithCustomError(f.oracle, "LRTOracleZeroPrice")
        .withArgs(steth);
    });
  });

  describe("views", function () {
    it("price, toUnits, toTokens and refresh of an asset without adapter revert LRTOracleUnknownAsset", async function () {
      const f = await loadFixture(keeperOracleFixture);
      const unknown = f.signers.bob.address;
      const calls: [string, () => Promise<unknown>][] = [
        ["price", () => f.oracle.price(unknown)],
        ["toUnits", () => f.oracle.toUnits(unknown, 1n)],
        ["toTokens", () => f.oracle.toTokens(unknown, 1n)],
        ["refresh", () => f.oracle.connect(f.keeper).refresh([ETH, unknown])],
      ];
      for (const [name, call] of calls) {
        await expect(call(), name).to.be.revertedWithCustomError(f.oracle, "LRTOracleUnknownAsset").withArgs(unknown);
      }
      expect([...(await f.oracle.adapterOf(unknown))]).to.deep.equal([ZeroAddress, 0n]);
    });

    it("toUnits and toTokens convert through the adapter: Lido shares for stETH, identity for the rest and ETH", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const l = await replayPriced(f);
      const amount = parseEther("7.123456789012345678");
      expect(await f.oracle.toUnits(f.tokens.stETH, amount)).to.equal(l.steth.sharesByPooledEth(amount));
      expect(await f.oracle.toTokens(f.tokens.stETH, amount)).to.equal(l.steth.pooledEthByShares(amount));
      expect(l.steth.sharesByPooledEth(amount)).to.not.equal(amount);
      for (const asset of [ETH, f.tokens.wstETH, f.tokens.rETH, f.tokens.cbETH, f.tokens.weth]) {
        expect(await f.oracle.toUnits(asset, amount)).to.equal(amount);
        expect(await f.oracle.toTokens(asset, amount)).to.equal(amount);
      }
      expect(await f.oracle.price(f.tokens.stETH)).to.equal(l.steth.pooledEthByShares(WAD));
      expect(await f.oracle.price(f.tokens.rETH)).to.equal(l.rETHRate);
    });
  });

  describe("admin", function () {
    it("setAdapter: emits AdapterSet; another token's adapter or a bound above 100% is LRTOracleInvalidAdapter; zero and ETH are refused", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const rETH = await f.tokens.rETH.getAddress();
      const cbETHAdapter = f.adapters.cbETH;
      await expect(f.oracle.setAdapter(rETH, cbETHAdapter, 500))
        .to.be.revertedWithCustomError(f.oracle, "LRTOracleInvalidAdapter")
        .withArgs(rETH, cbETHAdapter);
      await expect(f.oracle.setAdapter(rETH, f.adapters.rETH, 10_001))
        .to.be.revertedWithCustomError(f.oracle, "LRTOracleInvalidAdapter")
        .withArgs(rETH, f.adapters.rETH);
      for (const asset of [ZeroAddress, ETH]) {
        await expect(f.oracle.setAdapter(asset, f.adapters.rETH, 500)).to.be.revertedWithCustomError(
          f.oracle,
          "LRTOracleZeroAddress",
        );
      }
      await expect(f.oracle.setAdapter(rETH, f.adapters.rETH, 10_000))
        .to.emit(f.oracle, "AdapterSet")
        .withArgs(rETH, f.adapters.rETH, 10_000);
      expect([...(await f.oracle.adapterOf(rETH))]).to.deep.equal([f.adapters.rETH, 10_000n]);
    });

    it("a new adapter's first price is bounded against the stored one", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const l = await replayPriced(f);
      const { admin } = f.signers;
      const rETH = await f.tokens.rETH.getAddress();
      // A parity adapter for rETH reads 1 ETH: a 10% fall from the stored 1.111, so it trips rather than resets.
      const parity = await new ParityAdapter__factory(admin).deploy(rETH);
      await f.oracle.setAdapter(rETH, parity, BOUND);
      const stored = l.price.get("rETH")!;
      expect(boundedPrice(stored, WAD, BOUND).tripped).to.equal(true);
      await time.setNextBlockTimestamp(f.syncAt + 3_600n);
      await expect(f.accountant.sync()).to.emit(f.oracle, "PriceTripped").withArgs(rETH, stored, WAD);
      // And a fresh RETHAdapter after the token's rate jumped is clamped against the stored 1 ETH.
      await f.oracle.setAdapter(rETH, await new RETHAdapter__factory(admin).deploy(rETH), BOUND);
      await time.setNextBlockTimestamp(f.syncAt + 7_200n);
      await expect(f.accountant.sync())
        .to.emit(f.oracle, "PriceClamped")
        .withArgs(rETH, l.rETHRate, WAD + mulDiv(WAD, BOUND, 10_000n));
    });

    it("setAccountant: emits AccountantSet, refuses zero; only the accountant may refresh (LRTOracleOnlyAccountant)", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const { admin, bob } = f.signers;
      const accountant = await f.accountant.getAddress();
      expect(await f.oracle.accountant()).to.equal(accountant);
      for (const caller of [admin, bob]) {
        await expect(f.oracle.connect(caller).refresh([ETH]))
          .to.be.revertedWithCustomError(f.oracle, "LRTOracleOnlyAccountant")
          .withArgs(caller.address);
      }
      await expect(f.oracle.setAccountant(ZeroAddress)).to.be.revertedWithCustomError(f.oracle, "LRTOracleZeroAddress");
      await expect(f.oracle.setAccountant(bob.address)).to.emit(f.oracle, "AccountantSet").withArgs(bob.address);
      // The old accountant can no longer sync.
      await expect(f.accountant.sync())
        .to.be.revertedWithCustomError(f.oracle, "LRTOracleOnlyAccountant")
        .withArgs(accountant);
      await expect(f.oracle.connect(bob).refresh([ETH]))
        .to.emit(f.oracle, "PricesRefreshed")
        .withArgs([ETH], [WAD]);
    });

    it("restricted functions revert AccessManagedUnauthorized for a stranger", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const bob = f.signers.bob;
      const oracle = f.oracle.connect(bob);
      const calls: [string, () => Promise<unknown>][] = [
        ["setAdapter", () => oracle.setAdapter(f.tokens.rETH, f.adapters.rETH, 1)],
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
    it("the admin's upgrade to a fresh implementation keeps adapters, bounds, prices and the accountant", async function () {
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
        expect(await f.oracle.price(assets[i]), key).to.equal(l.price.get(key));
        if (key !== "ETH") {
          expect([...(await f.oracle.adapterOf(assets[i]))], key).to.deep.equal([f.adapters[key], BOUND]);
        }
      }
      expect(await f.oracle.accountant()).to.equal(await f.accountant.getAddress());
      const { tx } = await syncAt(f, l, f.syncAt + DAY);
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
      // Exactly the swap in lrETH's oracle namespace is reported, nothing in the inherited ones.
      expect(error?.message).to.match(/storage layout is incompatible/i);
      expect(error?.message).to.include("Deleted `accountant`").and.to.include("Inserted `accountant`");
      expect(error?.message).to.not.include("AccessManaged");
    });
  });

  describe("fixture prices", function () {
    it("the fixture's first sync stored each adapter's reading", async function () {
      const f = await loadFixture(keeperOracleFixture);
      expect(await f.oracle.price(f.tokens.rETH)).to.equal(RETH_INITIAL_RATE);
      expect(await f.oracle.price(f.tokens.cbETH)).to.equal(CBETH_INITIAL_RATE);
      for (const key of ["stETH", "wstETH", "weth"] as const) expect(await f.oracle.price(f.tokens[key])).to.equal(WAD);
    });
  });
});
