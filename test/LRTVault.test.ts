import { expect } from "chai";
import { artifacts, ethers, upgrades } from "hardhat";
import type { BaseContract, ContractTransactionResponse, Signer } from "ethers";
import {
  impersonateAccount,
  loadFixture,
  mine,
  setBalance,
  stopImpersonatingAccount,
  time,
} from "@nomicfoundation/hardhat-network-helpers";
import {
  ERC20Mock__factory,
  FeeOnTransferMock__factory,
  LRTAccountant__factory,
  LRTVault__factory,
  ParityAdapter__factory,
  ProxyBootstrap__factory,
  RETHAdapter__factory,
  ShortWETHMock__factory,
  StrategyBase__factory,
  WithdrawalQueue__factory,
} from "../typechain-types";
import { BEACON_CHAIN_ETH_STRATEGY, EIGEN_DELAYS, deployStrategy } from "../scripts/lib/eigenlayer";
import { pricedVaultFixture, replayPriced, PRICED } from "./fixtures/priced";
import type { PricedFixture } from "./fixtures/priced";
import { QUEUE_DEPOSITS, deployQueueFixture } from "./fixtures/queue";
import { assetParams, deploySuite, depositLST } from "../scripts/lib/suite";
import { ETH, PARAMS, deployProxy, deployVaultFixture } from "./fixtures/vault";
import type { VaultFixture } from "./fixtures/vault";
import { DEAD, KEYS, Ledger, ledgerAddresses } from "./helpers/ledger";
import type { Key } from "./helpers/ledger";
import { WAD, mulDiv, mulWad } from "./helpers/math";
import { RateModel } from "./helpers/rateModel";
import { asWithdrawal } from "./helpers/restaking";
import { expectUpgradeSafe } from "./helpers/upgrades";
import { DAY } from "../scripts/lib/constants";

const { parseEther, ZeroAddress } = ethers;
/** `LRTVault.MIN_SEED` and `MAX_ASSETS`, restated. */
const MIN_SEED = 10n ** 15n;
const MAX_ASSETS = 8;
/** The most assets that restake (`VaultRecords.MAX_STRATEGIES`), restated. */
const MAX_STRATEGIES = 4;
/** The price bounds' limits (`PriceBounds.MAX_RISE_BPS_PER_DAY`; a fall trip is 1 to 10,000 bps), restated. */
const MAX_RISE_BPS_PER_DAY = 1_000;
const BPS = 10_000;

type LST = Exclude<Key, "ETH">;
/** Who holds each token in `pricedVaultFixture`. */
const HOLDER: Record<LST, "alice" | "bob"> = {
  stETH: "alice",
  wstETH: "alice",
  rETH: "bob",
  cbETH: "bob",
  weth: "bob",
};

async function addressOf(f: VaultFixture, key: Key): Promise<string> {
  return key === "ETH" ? ETH : f.tokens[key].getAddress();
}

/** The signer holding `key`'s token in `pricedVaultFixture` (alice for ETH). */
function holderOf(f: PricedFixture, key: Key): Signer & { address: string } {
  return key === "ETH" ? f.signers.alice : f.signers[HOLDER[key]];
}

/** A deposit of `amount` of `key` by `sender` for `receiver`: `depositETH` for ETH, `depositLST` otherwise. */
function deposit(
  f: VaultFixture,
  key: Key,
  sender: Signer,
  amount: bigint,
  receiver: string,
  minShares = 0n,
  referralId = 0n,
): Promise<ContractTransactionResponse> {
  const vault = f.vault.connect(sender);
  return key === "ETH"
    ? vault.depositETH(receiver, minShares, referralId, { value: amount })
    : vault.depositLST(f.tokens[key], amount, receiver, minShares, referralId);
}

/** Every lrETH holder the fixtures can create. */
function holders(f: VaultFixture): string[] {
  const { admin, alice, bob, funder, treasury } = f.signers;
  return [DEAD, admin.address, alice.address, bob.address, funder.address, treasury.address];
}

const json = (x: unknown): string => JSON.stringify(x, (_, v) => (typeof v === "bigint" ? v.toString() : v));

/**
 * Everything a rejected call must leave as it was: supply, every holder's lrETH, buffers, every asset's record, and
 * the vault's and the users' token balances (stETH also in shares).
 */
async function observable(f: VaultFixture): Promise<string> {
  const vault = await f.vault.getAddress();
  const { alice, bob } = f.signers;
  const assets = await f.vault.assets();
  const tokens = Object.values(f.tokens);
  return json({
    supply: await f.vault.totalSupply(),
    lrETH: await Promise.all(holders(f).map((a) => f.vault.balanceOf(a))),
    inputs: (await f.vault.syncInputs()).map((i) => [...i]),
    info: await Promise.all(assets.map(async (a) => [...(await f.vault.assetInfo(a))])),
    strategies: (await f.vault.strategies()).map((list) => [...list]),
    vaultETH: await ethers.provider.getBalance(vault),
    stETHShares: await Promise.all([vault, alice.address, bob.address].map((a) => f.tokens.stETH.sharesOf(a))),
    tokens: await Promise.all(
      tokens.map((t) => Promise.all([vault, alice.address, bob.address].map((a) => t.balanceOf(a)))),
    ),
  });
}

/**
 * The vault's books equal the ledger's: every asset's buffer in `syncInputs`, and per asset its buffer, stored price,
 * deposit price, headroom and cap.
 */
async function expectBooks(f: VaultFixture, l: Ledger): Promise<void> {
  const inputs = await f.vault.syncInputs();
  expect(
    inputs.map((i) => i.buffer),
    "syncInputs buffers",
  ).to.deep.equal(KEYS.map((k) => l.buffer.get(k)));
  // The prices a sync starts from (ETH's without reading its price slot): the ledger's.
  expect(
    inputs.map((i) => i.price),
    "syncInputs prices",
  ).to.deep.equal(KEYS.map((k) => l.price.get(k)));
  for (const [i, k] of KEYS.entries()) {
    const info = await f.vault.assetInfo(await addressOf(f, k));
    expect(inputs[i].adapter, `${k} syncInputs adapter`).to.equal(info.adapter);
    expect(info.bufferUnits, `${k}.bufferUnits`).to.equal(l.buffer.get(k));
    expect(info.sharesPerUnit, `${k}.sharesPerUnit`).to.equal(l.perUnit.get(k));
    expect(info.price, `${k}.price`).to.equal(l.price.get(k));
    expect(info.headroom, `${k}.headroom`).to.equal(l.headroom.get(k));
    expect(info.cap, `${k}.cap`).to.equal(l.cap.get(k));
  }
}

/** P5: each holder has what the ledger credited, and the balances sum to `totalSupply` (= the ledger's supply). */
async function expectConservation(f: VaultFixture, l: Ledger): Promise<void> {
  let sum = 0n;
  for (const account of holders(f)) {
    const balance = await f.vault.balanceOf(account);
    expect(balance, account).to.equal(l.balanceOf(account));
    sum += balance;
  }
  expect(await f.vault.totalSupply())
    .to.equal(sum)
    .and.to.equal(l.supply);
}

/** Runs `call`, expects the custom error `error(...args)` of `contract`, and checks nothing observable changed. */
async function expectRejected(
  f: VaultFixture,
  call: () => Promise<unknown>,
  contract: BaseContract,
  error: string,
  args: unknown[],
): Promise<void> {
  const before = await observable(f);
  await expect(call())
    .to.be.revertedWithCustomError(contract, error)
    .withArgs(...args);
  expect(await observable(f), `${error}: state changed`).to.equal(before);
}

/** The LSTs with a market feed (WETH has none). */
const PRICED_LSTS = ["stETH", "wstETH", "rETH", "cbETH"] as const;
type PricedLST = (typeof PRICED_LSTS)[number];

/** The Chainlink feed stand-in pricing `key` (stETH/ETH for stETH and wstETH). */
function feedOf(f: VaultFixture, key: PricedLST) {
  return key === "wstETH" ? f.feeds.stETH : f.feeds[key];
}

/** A new market answer for `key`'s feed, on chain and in the ledger (stETH's also moves wstETH's). */
async function setMarket(f: VaultFixture, l: Ledger, key: PricedLST, answer: bigint): Promise<void> {
  await feedOf(f, key).connect(f.signers.admin).setAnswer(answer);
  if (key === "stETH" || key === "wstETH") l.stETHMarket = answer;
  else if (key === "rETH") l.rETHMarket = answer;
  else l.cbETHMarket = answer;
}

/** A new protocol price for rETH or cbETH (their token's own rate), on chain and in the ledger. */
async function setProtocol(f: VaultFixture, l: Ledger, key: "rETH" | "cbETH", rate: bigint): Promise<void> {
  if (key === "rETH") {
    await f.tokens.rETH.connect(f.signers.admin).setExchangeRate(rate);
    l.rETHRate = rate;
  } else {
    await f.tokens.cbETH.connect(f.signers.admin).updateExchangeRate(rate);
    l.cbETHRate = rate;
  }
}

/** A Lido rebase of `bps` of the pooled ether (negative: a loss), on chain and in the ledger. */
async function rebaseStETH(f: VaultFixture, l: Ledger, bps: bigint): Promise<void> {
  const delta = (l.steth.pooledEther * bps) / 10_000n;
  await f.tokens.stETH.connect(f.signers.admin).rebase(delta);
  l.steth.rebase(delta);
}

/**
 * A deposit of `amount` of `key` by its holder, expected to be priced at `live` (ETH per 1e18 units, the lower of
 * the live protocol and market prices the test set): lrETH per unit = stored per unit x live / stored (floor) when
 * `live` is below the stored price, else the stored per unit. Checks the formula against the ledger, then that
 * `previewDeposit` and the deposit both give it; returns the lrETH minted.
 */
async function expectDepositAt(
  f: PricedFixture,
  l: Ledger,
  key: PricedLST,
  amount: bigint,
  live: bigint,
): Promise<bigint> {
  const stored = l.price.get(key)!;
  const perUnit = l.perUnit.get(key)!;
  const units = l.unitsOf(key, amount);
  const expected = mulWad(units, live >= stored ? perUnit : mulDiv(perUnit, live, stored));
  expect(l.sharesFor(key, units), `${key}: the ledger agrees`).to.equal(expected);
  const asset = await f.tokens[key].getAddress();
  expect(await f.vault.previewDeposit(asset, amount), `${key}: previewDeposit`).to.equal(expected);
  const sender = holderOf(f, key);
  await expect(deposit(f, key, sender, amount, sender.address))
    .to.emit(f.vault, "Deposit")
    .withArgs(sender.address, asset, amount, expected, 0n);
  expect(l.depositTokens(sender.address, sender.address, key, amount)).to.equal(expected);
  return expected;
}

/** A token that burns 1% on transfer, priced 1:1 by a ParityAdapter and added to the vault (synced at `at`). */
async function feeOnTransferFixture() {
  const f = await pricedVaultFixture();
  const { admin, alice } = f.signers;
  const fot = await new FeeOnTransferMock__factory(admin).deploy();
  const adapter = await new ParityAdapter__factory(admin).deploy(fot);
  await f.vault.addAsset(fot, assetParams(await adapter.getAddress()));
  const at = f.syncAt + DAY;
  await time.setNextBlockTimestamp(at);
  await f.accountant.sync();
  await fot.mint(alice.address, parseEther("10"));
  await fot.connect(alice).approve(f.vault, ethers.MaxUint256);
  return { ...f, fot, at };
}

/**
 * A factory for a fresh `LRTVault` implementation, with any library its bytecode links deployed first (so the test
 * does not depend on how the vault is split into libraries).
 */
async function vaultFactory(signer: Signer) {
  const artifact = await artifacts.readArtifact("LRTVault");
  const libraries: Record<string, string> = {};
  for (const [file, libs] of Object.entries(artifact.linkReferences)) {
    for (const name of Object.keys(libs)) {
      const library = await ethers.deployContract(`${file}:${name}`, signer);
      libraries[`${file}:${name}`] = await library.getAddress();
    }
  }
  return ethers.getContractFactory("LRTVault", { signer, libraries });
}

/** The suite's proxies as `LRTLinks` (what every implementation is built with). */
interface Links {
  vault: string;
  accountant: string;
  queue: string;
  manager: string;
}

/** The fixture's links: its vault, accountant and queue proxies, and no restaking manager. */
async function linksOf(f: VaultFixture): Promise<Links> {
  const [vault, accountant, queue] = await Promise.all([f.vault, f.accountant, f.queue].map((c) => c.getAddress()));
  return { vault, accountant, queue, manager: ZeroAddress };
}

/**
 * Links are immutables of the implementation: the only way to give the fixture's vault another restaking manager is
 * an upgrade (by the admin) to an implementation built with it. Its storage (balances, buffers, prices) stays.
 */
async function relinkManager(f: VaultFixture, manager: string): Promise<void> {
  const impl = await (await vaultFactory(f.signers.admin)).deploy({ ...(await linksOf(f)), manager });
  await f.vault.upgradeToAndCall(impl, "0x");
}

/**
 * A second, unseeded deployment on the fixture's access manager, built as the deploy modules do: the proxies of a
 * vault, an accountant and a queue created at `ProxyBootstrap`, implementations built with their addresses (no
 * restaking manager), each proxy upgraded to its implementation with its `initialize` call. The vault's ETH minimum
 * is the 1 gwei floor (`ATTACK`), so the smallest possible deposits are possible; stETH is added with the same
 * minimum. Nothing seeded, synced or unpaused.
 */
async function freshVaultFixture() {
  const f = await deployVaultFixture();
  const { admin, treasury } = f.signers;
  const p = PARAMS;
  const authority = await f.accessManager.getAddress();
  const bootstrap = await new ProxyBootstrap__factory(admin).deploy();
  const bootstrapCall = bootstrap.interface.encodeFunctionData("bootstrap");
  const proxy = async () => deployProxy(admin, await bootstrap.getAddress(), bootstrapCall);
  const links: Links = { vault: await proxy(), accountant: await proxy(), queue: await proxy(), manager: ZeroAddress };
  const vaultImpl = await (await vaultFactory(admin)).deploy(links);
  const accountantImpl = await new LRTAccountant__factory(admin).deploy(links);
  const queueImpl = await new WithdrawalQueue__factory(admin).deploy(links);
  const upgrade = (at: string, impl: BaseContract, data: string) =>
    ProxyBootstrap__factory.connect(at, admin).upgradeToAndCall(impl, data);
  await upgrade(
    links.vault,
    vaultImpl,
    LRTVault__factory.createInterface().encodeFunctionData("initialize", [authority, p.cap, ATTACK]),
  );
  await upgrade(
    links.accountant,
    accountantImpl,
    LRTAccountant__factory.createInterface().encodeFunctionData("initialize", [
      authority,
      {
        treasury: treasury.address,
        feeBps: p.feeBps,
        streamWindow: p.streamWindow,
        maxAprBps: p.maxAprBps,
        maxRateAge: p.maxRateAge,
      },
    ]),
  );
  await upgrade(
    links.queue,
    queueImpl,
    WithdrawalQueue__factory.createInterface().encodeFunctionData("initialize", [
      authority,
      10n ** 15n,
      10n ** 21n,
      p.maxWait,
    ]),
  );
  const vault = LRTVault__factory.connect(links.vault, admin);
  const accountant = LRTAccountant__factory.connect(links.accountant, admin);
  await vault.addAsset(f.tokens.stETH, assetParams(f.adapters.stETH, { minDeposit: ATTACK, lidoShares: true }));
  // A deployment fact (the APR bound's clock), read before any gain was recognised.
  const initAt = (await accountant.books()).recognizedAt;
  return { ...f, fresh: { vault, accountant, initAt, links } };
}

/** The smallest deposit the vault allows (a minimum is at least 1 gwei): the attacker's "1 wei" in the fresh vault. */
const ATTACK = 10n ** 9n;

describe("LRTVault", function () {
  describe("depositETH / depositLST", function () {
    for (const key of KEYS) {
      it(`${key}: mints the model's shares to the receiver (not the sender), emits Deposit with the referral id`, async function () {
        const f = await loadFixture(pricedVaultFixture);
        const l = await replayPriced(f);
        const sender = holderOf(f, key);
        const receiver = sender === f.signers.alice ? f.signers.bob : f.signers.alice;
        const amount = parseEther("1.234567890123456789");
        const asset = await addressOf(f, key);
        // stETH is credited in Lido shares: the ones its transfer of `amount` moves.
        const expected = l.sharesFor(key, l.unitsOf(key, amount));
        expect(expected, "the scenario's deposit prices are not 1:1").to.not.equal(amount);
        expect(await f.vault.previewDeposit(asset, amount)).to.equal(expected);

        await expect(deposit(f, key, sender, amount, receiver.address, expected, 4_242n))
          .to.emit(f.vault, "Deposit")
          .withArgs(receiver.address, asset, amount, expected, 4_242n);
        expect(l.depositTokens(sender.address, receiver.address, key, amount)).to.equal(expected);

        await expectConservation(f, l);
        await expectBooks(f, l);
        const vault = await f.vault.getAddress();
        const held =
          key === "ETH"
            ? await ethers.provider.getBalance(vault)
            : key === "stETH"
              ? await f.tokens.stETH.sharesOf(vault)
              : await f.tokens[key].balanceOf(vault);
        expect(held, "the vault holds exactly its buffer").to.equal(l.buffer.get(key));
      });
    }

    it("stETH: a transfer landing 1 or 2 wei short of the amount is accepted and credits the shares moved", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const l = await replayPriced(f);
      const { alice } = f.signers;
      const shortfall = (amount: bigint) => amount - l.steth.pooledEthByShares(l.steth.sharesByPooledEth(amount));
      const find = (short: bigint): bigint => {
        for (let amount = parseEther("1"); amount < parseEther("1") + 1_000n; amount++) {
          if (shortfall(amount) === short) return amount;
        }
        throw new Error(`no amount with a ${short} wei shortfall`);
      };
      for (const short of [1n, 2n]) {
        const amount = find(short);
        const expected = l.sharesFor("stETH", l.unitsOf("stETH", amount));
        await expect(deposit(f, "stETH", alice, amount, alice.address))
          .to.emit(f.vault, "Deposit")
          .withArgs(alice.address, f.tokens.stETH, amount, expected, 0n);
        l.depositTokens(alice.address, alice.address, "stETH", amount);
      }
      expect(await f.tokens.stETH.sharesOf(f.vault)).to.equal(l.buffer.get("stETH"));
      await expectConservation(f, l);
      await expectBooks(f, l);
    });

    it("P5: after deposits of every asset by both users the balances sum to totalSupply", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const l = await replayPriced(f);
      const { alice, bob } = f.signers;
      let i = 0n;
      for (const key of KEYS) {
        for (const receiver of [alice, bob]) {
          const amount = parseEther("0.3") + 1_000_003n * ++i;
          const sender = holderOf(f, key);
          await deposit(f, key, sender, amount, receiver.address);
          l.depositTokens(sender.address, receiver.address, key, amount);
        }
      }
      await expectConservation(f, l);
      await expectBooks(f, l);
    });
  });

  describe("LST deposit price: the lowest of the stored, live protocol and market prices", function () {
    it("the live protocol price is lower: the stored per-unit price scaled by protocol / stored", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const l = await replayPriced(f);
      const amount = parseEther("1.234567890123456789");
      // Lido loses 1% (stETH and wstETH; the stETH/ETH feed stays at 1, so the market follows the protocol price).
      await rebaseStETH(f, l, -100n);
      const stETHProtocol = l.steth.pooledEthByShares(WAD);
      // rETH and cbETH rates fall; their feeds stay at the stored prices.
      const rETHProtocol = l.price.get("rETH")! - 987_654_321_987n;
      const cbETHProtocol = (l.price.get("cbETH")! * 997n) / 1_000n;
      await setProtocol(f, l, "rETH", rETHProtocol);
      await setProtocol(f, l, "cbETH", cbETHProtocol);
      const live: Record<PricedLST, bigint> = {
        stETH: stETHProtocol,
        wstETH: stETHProtocol,
        rETH: rETHProtocol,
        cbETH: cbETHProtocol,
      };
      for (const key of PRICED_LSTS) {
        expect(live[key], key).to.be.lessThan(l.price.get(key)!);
        expect(l.marketPrice(key), key).to.be.at.least(live[key]);
        const shares = await expectDepositAt(f, l, key, amount, live[key]);
        expect(shares, key).to.be.lessThan(mulWad(l.unitsOf(key, amount), l.perUnit.get(key)!));
      }
      await expectBooks(f, l);
      await expectConservation(f, l);
    });

    it("the market price is lower: the stored per-unit price scaled by market / stored", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const l = await replayPriced(f);
      const amount = parseEther("0.987654321987654321");
      // stETH trades at 0.97 (applied to the stETH a share or a wstETH is worth); rETH at 98% of its stored price;
      // cbETH one wei below it.
      const stETHAnswer = parseEther("0.97") + 12_345n;
      await setMarket(f, l, "stETH", stETHAnswer);
      const rETHMarket = (l.price.get("rETH")! * 98n) / 100n;
      const cbETHMarket = l.price.get("cbETH")! - 1n;
      await setMarket(f, l, "rETH", rETHMarket);
      await setMarket(f, l, "cbETH", cbETHMarket);
      const stETHMarket = mulWad(stETHAnswer, l.steth.pooledEthByShares(WAD));
      const live: Record<PricedLST, bigint> = {
        stETH: stETHMarket,
        wstETH: stETHMarket,
        rETH: rETHMarket,
        cbETH: cbETHMarket,
      };
      for (const key of PRICED_LSTS) {
        // The protocol price is (about) the stored one; the market is below both.
        expect(live[key], key).to.be.lessThan(l.observedPrice(key));
        expect(live[key], key).to.be.lessThan(l.price.get(key)!);
        await expectDepositAt(f, l, key, amount, live[key]);
      }
      // ETH and WETH (no feed) are priced as stored.
      const { alice, bob } = f.signers;
      await expect(deposit(f, "ETH", alice, amount, alice.address))
        .to.emit(f.vault, "Deposit")
        .withArgs(alice.address, ETH, amount, mulWad(amount, l.perUnit.get("ETH")!), 0n);
      l.deposit(alice.address, "ETH", amount);
      await expect(deposit(f, "weth", bob, amount, bob.address))
        .to.emit(f.vault, "Deposit")
        .withArgs(bob.address, f.tokens.weth, amount, mulWad(amount, l.perUnit.get("weth")!), 0n);
      l.deposit(bob.address, "weth", amount);
      await expectBooks(f, l);
      await expectConservation(f, l);
    });

    it("both higher than the stored price: the stored price is used (a rise counts only after a sync bounds it)", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const l = await replayPriced(f);
      const amount = parseEther("2.5") + 77n;
      await rebaseStETH(f, l, 50n);
      await setMarket(f, l, "stETH", parseEther("1.001"));
      await setProtocol(f, l, "rETH", (l.rETHRate * 101n) / 100n);
      await setMarket(f, l, "rETH", (l.rETHRate * 1_002n) / 1_000n);
      await setProtocol(f, l, "cbETH", (l.cbETHRate * 1_002n) / 1_000n);
      await setMarket(f, l, "cbETH", (l.cbETHRate * 1_005n) / 1_000n);
      for (const key of PRICED_LSTS) {
        const live = l.observedPrice(key) < l.marketPrice(key) ? l.observedPrice(key) : l.marketPrice(key);
        expect(live, key).to.be.greaterThan(l.price.get(key)!);
        const shares = await expectDepositAt(f, l, key, amount, live);
        expect(shares, key).to.equal(mulWad(l.unitsOf(key, amount), l.perUnit.get(key)!));
      }
      await expectBooks(f, l);
      await expectConservation(f, l);
    });

    it("the protocol price lower and the market lower still: the market price is used", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const l = await replayPriced(f);
      const amount = parseEther("3");
      const protocol = (l.price.get("rETH")! * 995n) / 1_000n;
      const market = (l.price.get("rETH")! * 990n) / 1_000n;
      await setProtocol(f, l, "rETH", protocol);
      await setMarket(f, l, "rETH", market);
      await expectDepositAt(f, l, "rETH", amount, market);
      // And the other way round: the protocol price is the lowest.
      await setMarket(f, l, "rETH", protocol + 1n);
      await expectDepositAt(f, l, "rETH", amount, protocol);
      await expectBooks(f, l);
    });
  });

  describe("LRTVaultMarketPriceUnavailable: an LST waits for its feed; ETH never does", function () {
    it("a stale answer (older than the adapter's maxFeedAge) refuses stETH and wstETH deposits until the feed updates", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const l = await replayPriced(f);
      const now = BigInt(await time.latest());
      await f.feeds.stETH.setAnswerAt(WAD, now + 1n - BigInt(PARAMS.maxFeedAge) - 1n);
      for (const key of ["stETH", "wstETH"] as const) {
        const asset = await f.tokens[key].getAddress();
        const sender = holderOf(f, key);
        const call = () => deposit(f, key, sender, parseEther("1"), sender.address);
        await expectRejected(f, call, f.vault, "LRTVaultMarketPriceUnavailable", [asset]);
        expect(await f.vault.previewDeposit(asset, parseEther("1")), key).to.equal(0n);
      }
      // The others are unaffected, ETH included.
      for (const key of ["ETH", "rETH", "cbETH", "weth"] as const) {
        const sender = holderOf(f, key);
        await expect(deposit(f, key, sender, parseEther("1"), sender.address))
          .to.emit(f.vault, "Deposit")
          .withArgs(
            sender.address,
            await addressOf(f, key),
            parseEther("1"),
            l.depositTokens(sender.address, sender.address, key, parseEther("1")),
            0n,
          );
      }
      await f.feeds.stETH.setAnswer(WAD);
      for (const key of ["stETH", "wstETH"] as const)
        await expectDepositAt(f, l, key, parseEther("1"), l.marketPrice(key));
      await expectConservation(f, l);
    });

    it("with a short-lived adapter (setAdapter): open up to maxFeedAge after the answer, refused one second later", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const l = await replayPriced(f);
      const { admin, bob } = f.signers;
      const rETH = await f.tokens.rETH.getAddress();
      const age = 600n;
      const adapter = await new RETHAdapter__factory(admin).deploy(rETH, f.feeds.rETH, age);
      await f.vault.setAdapter(rETH, adapter);
      const posted = BigInt(await time.latest()) + 10n;
      await time.setNextBlockTimestamp(posted);
      await f.feeds.rETH.setAnswer(l.rETHMarket);
      await time.setNextBlockTimestamp(posted + age);
      await expectDepositAt(f, l, "rETH", parseEther("1"), l.price.get("rETH")!);
      await time.setNextBlockTimestamp(posted + age + 1n);
      await expect(deposit(f, "rETH", bob, parseEther("1"), bob.address))
        .to.be.revertedWithCustomError(f.vault, "LRTVaultMarketPriceUnavailable")
        .withArgs(rETH);
      expect(await f.vault.previewDeposit(rETH, parseEther("1"))).to.equal(0n);
      await f.feeds.rETH.setAnswer(l.rETHMarket);
      await expectDepositAt(f, l, "rETH", parseEther("1"), l.price.get("rETH")!);
      await expectConservation(f, l);
    });

    it("a zero, negative or reverting feed refuses the asset's deposits; ETH and WETH deposits go on", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const l = await replayPriced(f);
      const { alice, bob } = f.signers;
      const cbETH = await f.tokens.cbETH.getAddress();
      const cbETHCall = () => deposit(f, "cbETH", bob, parseEther("1"), bob.address);
      for (const answer of [0n, -1n, -(10n ** 18n)]) {
        await f.feeds.cbETH.setAnswer(answer);
        await expectRejected(f, cbETHCall, f.vault, "LRTVaultMarketPriceUnavailable", [cbETH]);
        expect(await f.vault.previewDeposit(cbETH, parseEther("1")), `answer ${answer}`).to.equal(0n);
      }
      await f.feeds.stETH.setDown(true);
      await f.feeds.rETH.setDown(true);
      for (const key of ["stETH", "wstETH", "rETH"] as const) {
        const asset = await f.tokens[key].getAddress();
        const sender = holderOf(f, key);
        const call = () => deposit(f, key, sender, parseEther("1"), sender.address);
        await expectRejected(f, call, f.vault, "LRTVaultMarketPriceUnavailable", [asset]);
        expect(await f.vault.previewDeposit(asset, parseEther("1")), key).to.equal(0n);
      }
      // ETH reads no feed, WETH has none.
      const eth = parseEther("4.2");
      expect(await f.vault.previewDeposit(ETH, eth)).to.equal(l.sharesFor("ETH", eth));
      await expect(deposit(f, "ETH", alice, eth, alice.address))
        .to.emit(f.vault, "Deposit")
        .withArgs(alice.address, ETH, eth, l.deposit(alice.address, "ETH", eth), 0n);
      await expect(deposit(f, "weth", bob, eth, bob.address))
        .to.emit(f.vault, "Deposit")
        .withArgs(bob.address, f.tokens.weth, eth, l.deposit(bob.address, "weth", eth), 0n);
      // Repaired feeds reopen the assets.
      await f.feeds.stETH.setDown(false);
      await f.feeds.rETH.setDown(false);
      await f.feeds.cbETH.setAnswer(l.cbETHMarket);
      for (const key of PRICED_LSTS) await expectDepositAt(f, l, key, parseEther("1"), l.observedPrice(key));
      await expectBooks(f, l);
      await expectConservation(f, l);
    });
  });

  describe("views: priceOf, route, syncInputs, assetInfo", function () {
    it("report each asset's index, adapter, stored price, bounds, buffer and outside units; an unknown asset is not routed", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const l = await replayPriced(f);
      const assets = await Promise.all(KEYS.map((k) => addressOf(f, k)));
      const adapters = KEYS.map((k) => (k === "ETH" ? ZeroAddress : f.adapters[k]));
      // ETH has no adapter and no bounds (priced at 1); every LST has the fixture's.
      const rise = KEYS.map((k) => (k === "ETH" ? 0n : BigInt(PARAMS.maxRiseBpsPerDay)));
      const fall = KEYS.map((k) => (k === "ETH" ? 0n : BigInt(PARAMS.maxFallBps)));
      expect(await f.vault.assets()).to.deep.equal(assets);
      for (const [i, key] of KEYS.entries()) {
        expect([...(await f.vault.priceOf(assets[i]))], key).to.deep.equal([adapters[i], l.price.get(key)]);
        const info = await f.vault.assetInfo(assets[i]);
        expect(
          [
            info.index,
            info.adapter,
            info.price,
            info.maxRiseBpsPerDay,
            info.maxFallBps,
            info.strategy,
            info.outsideUnits,
            info.lidoShares,
          ],
          key,
        ).to.deep.equal([BigInt(i), adapters[i], l.price.get(key), rise[i], fall[i], ZeroAddress, 0n, key === "stETH"]);
        expect([...(await f.vault.route(assets[i]))], key).to.deep.equal([
          true,
          key === "stETH",
          adapters[i],
          l.price.get(key),
          l.buffer.get(key),
          0n,
        ]);
      }
      expect(l.price.get("ETH")).to.equal(WAD);
      expect((await f.vault.syncInputs()).map((input) => [...input])).to.deep.equal(
        KEYS.map((k, i) => [assets[i], adapters[i], l.price.get(k), l.buffer.get(k), rise[i], fall[i]]),
      );
      const unknown = f.signers.bob.address;
      expect([...(await f.vault.route(unknown))]).to.deep.equal([false, false, ZeroAddress, 0n, 0n, 0n]);
      await expect(f.vault.priceOf(unknown))
        .to.be.revertedWithCustomError(f.vault, "LRTVaultUnsupportedAsset")
        .withArgs(unknown);
      expect(await f.vault.strategyOf(unknown)).to.equal(ZeroAddress);
    });

    it("syncInputs: one entry per asset in assets() order, its buffer following deposits, cap changes and payouts", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const l = await replayPriced(f);
      const { alice, bob } = f.signers;
      const expectInputs = async (label: string) => {
        const inputs = await f.vault.syncInputs();
        expect(
          inputs.map((i) => i.asset),
          label,
        ).to.deep.equal(await Promise.all(KEYS.map((k) => addressOf(f, k))));
        expect(
          inputs.map((i) => i.buffer),
          label,
        ).to.deep.equal(KEYS.map((k) => l.buffer.get(k)));
        expect(
          inputs.map((i) => i.price),
          label,
        ).to.deep.equal(KEYS.map((k) => l.price.get(k)));
      };
      await expectInputs("fixture");
      // Deposits only lower the headroom: the buffer is the checkpoint plus the headroom used since.
      for (const key of ["ETH", "stETH", "rETH", "weth"] as const) {
        const sender = holderOf(f, key);
        const amount = parseEther("1.5") + 17n;
        await deposit(f, key, sender, amount, sender.address);
        l.depositTokens(sender.address, sender.address, key, amount);
      }
      await expectInputs("after deposits");
      // A cap change checkpoints the buffer and moves the headroom: the buffer does not move.
      const rETH = await f.tokens.rETH.getAddress();
      const low = parseEther("1");
      await f.vault.setAssetLimits(rETH, low, PARAMS.minDeposit);
      l.setCap("rETH", low);
      await expectInputs("after a lowered cap");
      // A payout debits the buffer (and gives headroom back); the next deposit counts from there.
      const queue = await f.queue.getAddress();
      await impersonateAccount(queue);
      await setBalance(queue, parseEther("1"));
      const paid = parseEther("0.75") + 5n;
      await f.vault.connect(await ethers.getSigner(queue)).settleWithdrawals([rETH], [paid], 0n);
      await stopImpersonatingAccount(queue);
      l.settle("rETH", paid);
      await expectInputs("after a payout");
      await f.vault.setAssetLimits(rETH, PARAMS.cap, PARAMS.minDeposit);
      l.setCap("rETH", PARAMS.cap);
      await deposit(f, "rETH", bob, parseEther("2"), bob.address);
      l.depositTokens(bob.address, bob.address, "rETH", parseEther("2"));
      await deposit(f, "stETH", alice, parseEther("0.3"), alice.address);
      l.depositTokens(alice.address, alice.address, "stETH", parseEther("0.3"));
      await expectInputs("after more deposits");
      // A sync reads exactly these buffers.
      const at = f.syncAt + DAY;
      await time.setNextBlockTimestamp(at);
      await f.accountant.sync();
      l.sync(at);
      await expectInputs("after a sync");
      await expectBooks(f, l);
      await expectConservation(f, l);
    });
  });

  describe("rejected deposits (exact error, nothing changed)", function () {
    it("LRTVaultZeroAmount: no ETH, zero tokens", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const { alice } = f.signers;
      for (const key of ["ETH", "stETH", "rETH"] as const) {
        await expectRejected(
          f,
          () => deposit(f, key, holderOf(f, key), 0n, alice.address),
          f.vault,
          "LRTVaultZeroAmount",
          [await addressOf(f, key)],
        );
        expect(await f.vault.previewDeposit(await addressOf(f, key), 0n)).to.equal(0n);
      }
    });

    it("ERC20InvalidReceiver: receiver zero (refused by the token's own mint)", async function () {
      const f = await loadFixture(pricedVaultFixture);
      for (const key of ["ETH", "stETH", "cbETH"] as const) {
        const call = () => deposit(f, key, holderOf(f, key), parseEther("1"), ZeroAddress);
        await expectRejected(f, call, f.vault, "ERC20InvalidReceiver", [ZeroAddress]);
      }
    });

    it("LRTVaultUnsupportedAsset: an unknown token (approved or not), an account without code, ETH through depositLST", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const { admin, alice } = f.signers;
      const unknown = await new ERC20Mock__factory(admin).deploy("Unknown", "UNK");
      await unknown.mint(alice.address, parseEther("5"));
      const amount = parseEther("1");
      const lst = (asset: string) => () => f.vault.connect(alice).depositLST(asset, amount, alice.address, 0, 0);
      const address = await unknown.getAddress();
      // Not approved: the vault never calls an unsupported token, so the error is the vault's, not the token's.
      await expectRejected(f, lst(address), f.vault, "LRTVaultUnsupportedAsset", [address]);
      await unknown.connect(alice).approve(f.vault, amount);
      await expectRejected(f, lst(address), f.vault, "LRTVaultUnsupportedAsset", [address]);
      const eoa = f.signers.treasury.address;
      await expectRejected(f, lst(eoa), f.vault, "LRTVaultUnsupportedAsset", [eoa]);
      await expectRejected(f, lst(ETH), f.vault, "LRTVaultUnsupportedAsset", [ETH]);
      expect(await f.vault.previewDeposit(address, amount)).to.equal(0n);
      await expect(f.vault.assetInfo(address))
        .to.be.revertedWithCustomError(f.vault, "LRTVaultUnsupportedAsset")
        .withArgs(address);
      expect(await f.vault.isAsset(address)).to.equal(false);
      expect(await f.vault.isAsset(ETH)).to.equal(false);
    });

    it("LRTVaultUnsupportedAsset: an asset added but not yet synced, until the next sync prices it", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const l = await replayPriced(f);
      const { admin, alice } = f.signers;
      const token = await new ERC20Mock__factory(admin).deploy("Parity", "PAR");
      await token.mint(alice.address, parseEther("5"));
      await token.connect(alice).approve(f.vault, ethers.MaxUint256);
      const adapter = await new ParityAdapter__factory(admin).deploy(token);
      await f.vault.addAsset(token, assetParams(await adapter.getAddress()));
      expect(await f.vault.isAsset(token)).to.equal(true);
      const call = () => f.vault.connect(alice).depositLST(token, parseEther("1"), alice.address, 0, 0);
      await expectRejected(f, call, f.vault, "LRTVaultUnsupportedAsset", [await token.getAddress()]);

      const at = f.syncAt + DAY;
      await time.setNextBlockTimestamp(at);
      await f.accountant.sync();
      l.sync(at);
      // Priced 1:1 like WETH, so its deposit price is WETH's.
      await expect(call())
        .to.emit(f.vault, "Deposit")
        .withArgs(alice.address, token, parseEther("1"), l.sharesFor("weth", parseEther("1")), 0n);
    });

    it("LRTVaultBelowMinimum: one wei under the minimum; the minimum itself passes", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const min = PARAMS.minDeposit;
      for (const key of ["ETH", "stETH", "cbETH"] as const) {
        const sender = holderOf(f, key);
        const asset = await addressOf(f, key);
        const call = () => deposit(f, key, sender, min - 1n, sender.address);
        await expectRejected(f, call, f.vault, "LRTVaultBelowMinimum", [asset, min - 1n, min]);
        expect(await f.vault.previewDeposit(asset, min - 1n)).to.equal(0n);
        await expect(deposit(f, key, sender, min, sender.address)).to.emit(f.vault, "Deposit");
      }
    });

    it("LRTVaultCapExceeded: after setAssetLimits lowers the cap, one unit over the headroom (stETH in shares)", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const l = await replayPriced(f);
      for (const key of ["rETH", "stETH", "ETH"] as const) {
        const sender = holderOf(f, key);
        const asset = await addressOf(f, key);
        // The cap bounds net deposits (the seed's ETH is in the buffer but took no headroom).
        const net = PARAMS.cap - l.headroom.get(key)!;
        expect(net, key).to.equal(l.holdings(key) - (key === "ETH" ? PARAMS.seed : 0n));
        const cap = net + parseEther("1");
        await expect(f.vault.setAssetLimits(asset, cap, PARAMS.minDeposit))
          .to.emit(f.vault, "AssetLimitsUpdated")
          .withArgs(asset, cap, PARAMS.minDeposit);
        l.setCap(key, cap);
        const headroom = l.headroom.get(key)!;
        expect(headroom).to.equal(parseEther("1"));
        // The largest amount whose units fit (for stETH the headroom is in Lido shares), and one wei more.
        let fits = key === "stETH" ? l.steth.pooledEthByShares(headroom) : headroom;
        while (l.unitsOf(key, fits + 1n) <= headroom) fits++;
        while (l.unitsOf(key, fits) > headroom) fits--;
        const amount = fits + 1n;
        expect(l.unitsOf(key, amount)).to.be.greaterThan(headroom);
        const call = () => deposit(f, key, sender, amount, sender.address);
        await expectRejected(f, call, f.vault, "LRTVaultCapExceeded", [asset, l.unitsOf(key, amount), headroom]);
        expect(await f.vault.previewDeposit(asset, amount)).to.equal(0n);
        expect(await f.vault.previewDeposit(asset, fits)).to.equal(l.sharesFor(key, l.unitsOf(key, fits)));
        await deposit(f, key, sender, fits, sender.address);
        l.depositTokens(sender.address, sender.address, key, fits);
        await expectBooks(f, l);
      }
      await expectConservation(f, l);
    });

    it("LRTVaultSlippage: minShares one above the exact result; a zero minimum cannot be configured", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const l = await replayPriced(f);
      for (const key of KEYS) {
        const sender = holderOf(f, key);
        const amount = parseEther("0.777") + 11n;
        const exact = l.sharesFor(key, l.unitsOf(key, amount));
        const call = () => deposit(f, key, sender, amount, sender.address, exact + 1n);
        await expectRejected(f, call, f.vault, "LRTVaultSlippage", [exact, exact + 1n]);
      }
      // A minimum below 1 gwei cannot be configured (the deposit path relies on it to reject zero amounts).
      await expect(f.vault.setAssetLimits(f.tokens.weth, PARAMS.cap, 0))
        .to.be.revertedWithCustomError(f.vault, "LRTVaultZeroAmount")
        .withArgs(f.tokens.weth);
    });

    it("LRTVaultDepositsPaused: pauseDeposits(asset) closes that asset, pauseDeposits(ZeroAddress) all, until unpaused", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const l = await replayPriced(f);
      const rETH = await f.tokens.rETH.getAddress();
      await expect(f.vault.pauseDeposits(rETH)).to.emit(f.vault, "DepositsPaused").withArgs(rETH, true);
      const bob = f.signers.bob;
      await expectRejected(
        f,
        () => deposit(f, "rETH", bob, parseEther("1"), bob.address),
        f.vault,
        "LRTVaultDepositsPaused",
        [rETH],
      );
      expect(await f.vault.previewDeposit(rETH, parseEther("1"))).to.equal(0n);
      expect((await f.vault.assetInfo(rETH)).paused).to.equal(true);
      // The others stay open.
      await deposit(f, "cbETH", bob, parseEther("1"), bob.address);
      l.depositTokens(bob.address, bob.address, "cbETH", parseEther("1"));

      await expect(f.vault.pauseDeposits(ZeroAddress)).to.emit(f.vault, "DepositsPaused").withArgs(ZeroAddress, true);
      for (const key of KEYS) {
        const sender = holderOf(f, key);
        const call = () => deposit(f, key, sender, parseEther("1"), sender.address);
        await expectRejected(f, call, f.vault, "LRTVaultDepositsPaused", [await addressOf(f, key)]);
      }
      await expect(f.vault.unpauseDeposits(ZeroAddress))
        .to.emit(f.vault, "DepositsPaused")
        .withArgs(ZeroAddress, false);
      // rETH is still paused on its own.
      await expectRejected(
        f,
        () => deposit(f, "rETH", bob, parseEther("1"), bob.address),
        f.vault,
        "LRTVaultDepositsPaused",
        [rETH],
      );
      await expect(f.vault.unpauseDeposits(rETH)).to.emit(f.vault, "DepositsPaused").withArgs(rETH, false);
      await deposit(f, "rETH", bob, parseEther("1"), bob.address);
      l.depositTokens(bob.address, bob.address, "rETH", parseEther("1"));
      await expectConservation(f, l);
      await expectBooks(f, l);
    });

    it("pausing needs the pauser's role: a stranger gets AccessManagedUnauthorized; a PAUSER may pause, not unpause", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const { alice, bob } = f.signers;
      const rETH = await f.tokens.rETH.getAddress();
      for (const asset of [rETH, ZeroAddress]) {
        await expect(f.vault.connect(bob).pauseDeposits(asset))
          .to.be.revertedWithCustomError(f.vault, "AccessManagedUnauthorized")
          .withArgs(bob.address);
      }
      const PAUSER = 7n;
      await f.accessManager.grantRole(PAUSER, bob.address, 0);
      await f.accessManager.setTargetFunctionRole(
        f.vault,
        [f.vault.interface.getFunction("pauseDeposits").selector],
        PAUSER,
      );
      await expect(f.vault.connect(bob).pauseDeposits(rETH)).to.emit(f.vault, "DepositsPaused").withArgs(rETH, true);
      await expect(f.vault.connect(bob).unpauseDeposits(rETH))
        .to.be.revertedWithCustomError(f.vault, "AccessManagedUnauthorized")
        .withArgs(bob.address);
      await expect(f.vault.connect(alice).pauseDeposits(ZeroAddress))
        .to.be.revertedWithCustomError(f.vault, "AccessManagedUnauthorized")
        .withArgs(alice.address);
    });

    it("LRTVaultRateStale: open at the expiry, refused maxRateAge + 1 s after the last sync; a sync reopens", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const l = await replayPriced(f);
      const expiry = f.syncAt + BigInt(PARAMS.maxRateAge);
      expect(l.expiry).to.equal(expiry);
      const alice = f.signers.alice;
      const amount = parseEther("1");
      await time.setNextBlockTimestamp(expiry);
      await deposit(f, "ETH", alice, amount, alice.address);
      l.depositTokens(alice.address, alice.address, "ETH", amount);
      await time.increaseTo(expiry + 1n);
      for (const key of KEYS) {
        const sender = holderOf(f, key);
        const call = () => deposit(f, key, sender, amount, sender.address);
        await expectRejected(f, call, f.vault, "LRTVaultRateStale", [expiry]);
        expect(await f.vault.previewDeposit(await addressOf(f, key), amount)).to.equal(0n);
      }
      const at = expiry + 10n;
      await time.setNextBlockTimestamp(at);
      await f.accountant.sync();
      l.sync(at);
      await expect(deposit(f, "ETH", alice, amount, alice.address))
        .to.emit(f.vault, "Deposit")
        .withArgs(alice.address, ETH, amount, l.depositTokens(alice.address, alice.address, "ETH", amount), 0n);
      await expectConservation(f, l);
    });

    it("LRTVaultShortDelivery: a token that burns 1% on transfer is refused", async function () {
      const f = await loadFixture(feeOnTransferFixture);
      const alice = f.signers.alice;
      const amount = parseEther("2") + 99n;
      const received = amount - amount / 100n;
      const fot = await f.fot.getAddress();
      expect(await f.vault.previewDeposit(fot, amount), "the vault prices it").to.not.equal(0n);
      const call = () => f.vault.connect(alice).depositLST(fot, amount, alice.address, 0, 0);
      await expectRejected(f, call, f.vault, "LRTVaultShortDelivery", [fot, amount, received]);
      expect(await f.fot.balanceOf(alice)).to.equal(parseEther("10"));
    });
  });

  describe("setAssetLimits and the cap", function () {
    it("lowering the cap below the net deposits and raising it again opens only cap - net deposits (regression)", async function () {
      // Before the fix the headroom clipped at zero forgot the deposits above the lowered cap, and raising the cap
      // back added the whole difference: here 9 ETH of headroom for a 10 ETH cap over 8 ETH deposited.
      const f = await loadFixture(pricedVaultFixture);
      const l = await replayPriced(f);
      const { alice } = f.signers;
      // ETH deposited so far: alice's (the seed's ETH is in the buffer but takes no headroom).
      const net = PRICED.aliceETH;
      expect((await f.vault.assetInfo(ETH)).headroom).to.equal(PARAMS.cap - net);
      const low = net / 2n;
      await f.vault.setAssetLimits(ETH, low, PARAMS.minDeposit);
      l.setCap("ETH", low);
      expect(l.headroom.get("ETH")).to.equal(0n);
      expect(l.excess.get("ETH")).to.equal(net - low);
      await expectRejected(
        f,
        () => deposit(f, "ETH", alice, parseEther("1"), alice.address),
        f.vault,
        "LRTVaultCapExceeded",
        [ETH, parseEther("1"), 0n],
      );
      // Still below the net deposits after a partial raise: nothing opens.
      await f.vault.setAssetLimits(ETH, net - 1n, PARAMS.minDeposit);
      l.setCap("ETH", net - 1n);
      expect((await f.vault.assetInfo(ETH)).headroom).to.equal(0n);

      const cap = net + parseEther("2");
      await f.vault.setAssetLimits(ETH, cap, PARAMS.minDeposit);
      l.setCap("ETH", cap);
      expect(l.headroom.get("ETH")).to.equal(parseEther("2"));
      await expectBooks(f, l);
      await expectRejected(
        f,
        () => deposit(f, "ETH", alice, parseEther("2") + 1n, alice.address),
        f.vault,
        "LRTVaultCapExceeded",
        [ETH, parseEther("2") + 1n, parseEther("2")],
      );
      await deposit(f, "ETH", alice, parseEther("2"), alice.address);
      l.depositTokens(alice.address, alice.address, "ETH", parseEther("2"));
      expect((await f.vault.assetInfo(ETH)).bufferUnits).to.equal(PARAMS.seed + cap);
      // A sync does not move the headroom: still none.
      const at = f.syncAt + DAY;
      await time.setNextBlockTimestamp(at);
      await f.accountant.sync();
      l.sync(at);
      await expectBooks(f, l);
      expect(l.headroom.get("ETH")).to.equal(0n);
    });

    it("stores the minimum rounded up to whole gwei; a change that rounds to the stored values is LRTVaultNoChange", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const rETH = await f.tokens.rETH.getAddress();
      const cap = PARAMS.cap;
      await expect(f.vault.setAssetLimits(rETH, cap, PARAMS.minDeposit))
        .to.be.revertedWithCustomError(f.vault, "LRTVaultNoChange")
        .withArgs(rETH);
      // 1e15 - 1 wei rounds up to the stored 1e6 gwei.
      await expect(f.vault.setAssetLimits(rETH, cap, PARAMS.minDeposit - 1n))
        .to.be.revertedWithCustomError(f.vault, "LRTVaultNoChange")
        .withArgs(rETH);
      const min = PARAMS.minDeposit + 1n;
      await expect(f.vault.setAssetLimits(rETH, cap, min))
        .to.emit(f.vault, "AssetLimitsUpdated")
        .withArgs(rETH, cap, min);
      expect((await f.vault.assetInfo(rETH)).minDeposit).to.equal(PARAMS.minDeposit + 10n ** 9n);
      const bob = f.signers.bob;
      await expect(deposit(f, "rETH", bob, PARAMS.minDeposit + 10n ** 9n - 1n, bob.address))
        .to.be.revertedWithCustomError(f.vault, "LRTVaultBelowMinimum")
        .withArgs(rETH, PARAMS.minDeposit + 10n ** 9n - 1n, PARAMS.minDeposit + 10n ** 9n);
      await expect(f.vault.setAssetLimits(f.signers.bob.address, cap, min))
        .to.be.revertedWithCustomError(f.vault, "LRTVaultUnsupportedAsset")
        .withArgs(f.signers.bob.address);
    });
  });

  describe("headroom: deposits use it, payouts give it back, syncs leave it", function () {
    /** Settles as the withdrawal queue does at finalization (the test impersonates the queue's proxy). */
    async function settleAsQueue(f: VaultFixture, assets: string[], units: bigint[], sharesToBurn = 0n) {
      const queue = await f.queue.getAddress();
      await impersonateAccount(queue);
      await setBalance(queue, parseEther("1"));
      try {
        return await f.vault.connect(await ethers.getSigner(queue)).settleWithdrawals(assets, units, sharesToBurn);
      } finally {
        await stopImpersonatingAccount(queue);
      }
    }

    it("the headroom is the cap less net deposits: the seed takes none, and syncs, yields and donations move none", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const l = await replayPriced(f);
      const { admin, alice, bob } = f.signers;
      const cap = PARAMS.cap;
      // The fixture's deposits: alice's ETH, funder's stETH (the Lido shares it moved), bob's rETH; nothing else.
      const stETHUnits = l.buffer.get("stETH")!;
      const expected = (): bigint[] =>
        KEYS.map((k) =>
          k === "ETH"
            ? cap - PRICED.aliceETH
            : k === "rETH"
              ? cap - PRICED.bobRETH
              : k === "stETH"
                ? cap - stETHUnits
                : cap,
        );
      const headrooms = async () =>
        Promise.all(KEYS.map(async (k) => (await f.vault.assetInfo(await addressOf(f, k))).headroom));
      expect(await headrooms(), "after the fixture's two syncs").to.deep.equal(expected());
      // Yields on every LST, donations to the vault, and a sync: the headroom stays.
      await rebaseStETH(f, l, 80n);
      await setProtocol(f, l, "rETH", (l.rETHRate * 1_003n) / 1_000n);
      await setProtocol(f, l, "cbETH", (l.cbETHRate * 1_002n) / 1_000n);
      const vault = await f.vault.getAddress();
      await setBalance(vault, (await ethers.provider.getBalance(vault)) + parseEther("50"));
      await f.tokens.rETH.connect(bob).transfer(vault, parseEther("1"));
      await f.tokens.stETH.connect(alice).transfer(vault, parseEther("2"));
      l.steth.transfer(alice.address, vault, parseEther("2"));
      const at = f.syncAt + DAY;
      await time.setNextBlockTimestamp(at);
      await expect(f.accountant.sync()).to.emit(f.vault, "DepositPricesUpdated");
      l.sync(at);
      expect(await headrooms(), "after yields, donations and a sync").to.deep.equal(expected());
      await expectBooks(f, l);
      // A deposit uses exactly its units; a sync after it gives nothing back.
      const amount = parseEther("1.25") + 3n;
      await deposit(f, "rETH", bob, amount, bob.address);
      l.depositTokens(bob.address, bob.address, "rETH", amount);
      await time.setNextBlockTimestamp(at + DAY);
      await f.accountant.connect(admin).sync();
      l.sync(at + DAY);
      expect((await f.vault.assetInfo(f.tokens.rETH)).headroom).to.equal(cap - PRICED.bobRETH - amount);
      await expectBooks(f, l);
      await expectConservation(f, l);
    });

    it("settleWithdrawals (queue): sends the units, debits the buffers, burns the queue's lrETH, gives headroom back never above the cap", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const l = await replayPriced(f);
      const { alice } = f.signers;
      const cap = PARAMS.cap;
      const [vault, queue, stETH, rETH] = await Promise.all(
        [f.vault, f.queue, f.tokens.stETH, f.tokens.rETH].map((c) => c.getAddress()),
      );
      // The queue holds the lrETH of the requests it finalizes: alice's, here.
      const burned = parseEther("0.5") + 9n;
      await f.vault.connect(alice).transfer(queue, burned);
      const stUnits = parseEther("3") + 11n;
      const rUnits = parseEther("1") + 13n;
      const vaultETH = await ethers.provider.getBalance(vault);
      const queueShares = await f.tokens.stETH.sharesOf(queue);
      const tx = settleAsQueue(f, [ETH, stETH, rETH], [0n, stUnits, rUnits], burned);
      await expect(tx).to.emit(f.vault, "BufferSettled").withArgs(stETH, stUnits);
      await expect(tx).to.emit(f.vault, "BufferSettled").withArgs(rETH, rUnits);
      await expect(tx).to.emit(f.vault, "Transfer").withArgs(queue, ZeroAddress, burned);
      // A zero entry is skipped: no event, nothing sent.
      const settled = (await (await tx).wait())!.logs
        .map((log) => f.vault.interface.parseLog(log))
        .filter((e) => e?.name === "BufferSettled");
      expect(settled.length).to.equal(2);
      expect(await ethers.provider.getBalance(vault)).to.equal(vaultETH);
      // stETH leaves by Lido shares: the queue receives exactly the units.
      expect((await f.tokens.stETH.sharesOf(queue)) - queueShares).to.equal(stUnits);
      expect(await f.tokens.rETH.balanceOf(queue)).to.equal(rUnits);
      l.steth.transferShares(vault, queue, stUnits);
      l.settle("stETH", stUnits);
      l.settle("rETH", rUnits);
      l.supply -= burned;
      expect(await f.vault.totalSupply()).to.equal(l.supply);
      expect(await f.vault.balanceOf(queue)).to.equal(0n);
      // The payouts gave back their units' headroom.
      const rInfo = await f.vault.assetInfo(rETH);
      expect([rInfo.headroom, rInfo.bufferUnits]).to.deep.equal([
        cap - PRICED.bobRETH + rUnits,
        PRICED.bobRETH - rUnits,
      ]);
      await expectBooks(f, l);

      // Paying out more ETH than was deposited (the buffer also holds the seed): the headroom stops at the cap.
      const eth = PRICED.aliceETH + parseEther("0.5");
      expect(eth).to.be.lessThan(l.buffer.get("ETH")!);
      await expect(settleAsQueue(f, [ETH], [eth]))
        .to.emit(f.vault, "BufferSettled")
        .withArgs(ETH, eth);
      l.settle("ETH", eth);
      expect(await ethers.provider.getBalance(vault)).to.equal(vaultETH - eth);
      const ethInfo = await f.vault.assetInfo(ETH);
      expect([ethInfo.headroom, ethInfo.bufferUnits]).to.deep.equal([cap, PARAMS.seed - parseEther("0.5")]);
      await expectBooks(f, l);
      // Deposits take it again from the cap.
      await deposit(f, "ETH", alice, parseEther("2"), alice.address);
      l.depositTokens(alice.address, alice.address, "ETH", parseEther("2"));
      expect((await f.vault.assetInfo(ETH)).headroom).to.equal(cap - parseEther("2"));
      await expectBooks(f, l);
    });

    it("a payout first absorbs the deposits above a lowered cap, then opens headroom, never more than the cap allows", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const l = await replayPriced(f);
      const { bob } = f.signers;
      const rETH = await f.tokens.rETH.getAddress();
      // bob deposited PRICED.bobRETH (~2.718) rETH; the cap drops to 1: ~1.718 above it.
      const low = parseEther("1");
      await f.vault.setAssetLimits(rETH, low, PARAMS.minDeposit);
      l.setCap("rETH", low);
      expect(l.excess.get("rETH")).to.equal(PRICED.bobRETH - low);
      // A 1 rETH payout: net deposits ~1.718, still above the cap: no headroom.
      await settleAsQueue(f, [rETH], [parseEther("1")]);
      l.settle("rETH", parseEther("1"));
      expect((await f.vault.assetInfo(rETH)).headroom).to.equal(0n);
      const min = PARAMS.minDeposit;
      await expectRejected(f, () => deposit(f, "rETH", bob, min, bob.address), f.vault, "LRTVaultCapExceeded", [
        rETH,
        min,
        0n,
      ]);
      // Another 1 rETH: net deposits ~0.718, so the cap leaves 1 - (bobRETH - 2) = 3 - bobRETH.
      await settleAsQueue(f, [rETH], [parseEther("1")]);
      l.settle("rETH", parseEther("1"));
      const room = parseEther("3") - PRICED.bobRETH;
      expect((await f.vault.assetInfo(rETH)).headroom).to.equal(room);
      expect(l.headroom.get("rETH")).to.equal(room);
      expect(l.excess.get("rETH")).to.equal(0n);
      await expectBooks(f, l);
      await expectRejected(f, () => deposit(f, "rETH", bob, room + 1n, bob.address), f.vault, "LRTVaultCapExceeded", [
        rETH,
        room + 1n,
        room,
      ]);
      await deposit(f, "rETH", bob, room, bob.address);
      l.depositTokens(bob.address, bob.address, "rETH", room);
      expect((await f.vault.assetInfo(rETH)).headroom).to.equal(0n);
      // Net deposits now equal the cap: raising it by 1 opens exactly 1; nothing was left above it.
      await f.vault.setAssetLimits(rETH, 2n * low, PARAMS.minDeposit);
      l.setCap("rETH", 2n * low);
      expect((await f.vault.assetInfo(rETH)).headroom).to.equal(low);
      await expectBooks(f, l);
      await expectConservation(f, l);
    });

    it("through the real queue: a finalized ETH request's payout absorbs the excess above a lowered cap, the rest is headroom", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const l = await replayPriced(f);
      const { alice } = f.signers;
      const low = parseEther("2");
      await f.vault.setAssetLimits(ETH, low, PARAMS.minDeposit);
      l.setCap("ETH", low);
      const excess = PRICED.aliceETH - low;
      expect(l.excess.get("ETH")).to.equal(excess);
      const shares = parseEther("2") + 101n;
      await f.vault.connect(alice).approve(f.queue, shares);
      const tRequest = f.syncAt + 3_600n;
      await time.setNextBlockTimestamp(tRequest);
      await f.queue.connect(alice).requestWithdrawal(shares, ETH, alice.address);
      const rateAtRequest = l.rateAt(tRequest);
      // finalize syncs first, then pays the lower of the value at request and now (ETH: units = value).
      const tFinal = tRequest + 600n;
      await time.setNextBlockTimestamp(tFinal);
      const finalize = f.queue.finalize(10);
      l.sync(tFinal);
      const rateNow = l.rateAt(tFinal);
      const units = mulWad(shares, rateAtRequest < rateNow ? rateAtRequest : rateNow);
      expect(units).to.be.greaterThan(excess);
      await expect(finalize).to.emit(f.vault, "BufferSettled").withArgs(ETH, units);
      l.settle("ETH", units);
      l.supply -= shares;
      const info = await f.vault.assetInfo(ETH);
      expect([info.headroom, info.bufferUnits]).to.deep.equal([units - excess, PARAMS.seed + PRICED.aliceETH - units]);
      expect(await f.vault.totalSupply()).to.equal(l.supply);
      await expectBooks(f, l);
      await expectRejected(
        f,
        () => deposit(f, "ETH", alice, units - excess + 1n, alice.address),
        f.vault,
        "LRTVaultCapExceeded",
        [ETH, units - excess + 1n, units - excess],
      );
    });

    it("settleWithdrawals refuses more than the buffer (LRTVaultInsufficientBuffer) and mismatched lists (LRTVaultBadUpdate)", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const l = await replayPriced(f);
      const [rETH, cbETH] = await Promise.all([f.tokens.rETH, f.tokens.cbETH].map((t) => t.getAddress()));
      const buffer = l.buffer.get("rETH")!;
      const before = await observable(f);
      await expect(settleAsQueue(f, [rETH], [buffer + 1n]))
        .to.be.revertedWithCustomError(f.vault, "LRTVaultInsufficientBuffer")
        .withArgs(rETH, buffer + 1n, buffer);
      // cbETH: nothing deposited, no buffer.
      await expect(settleAsQueue(f, [rETH, cbETH], [1n, 1n]))
        .to.be.revertedWithCustomError(f.vault, "LRTVaultInsufficientBuffer")
        .withArgs(cbETH, 1n, 0n);
      await expect(settleAsQueue(f, [rETH, cbETH], [1n]))
        .to.be.revertedWithCustomError(f.vault, "LRTVaultBadUpdate")
        .withArgs(2n);
      expect(await observable(f)).to.equal(before);
    });
  });

  describe("donations", function () {
    /**
     * From `pricedVaultFixture`: optionally donations (ETH by `hardhat_setBalance` on the vault, which has no
     * `receive`; LSTs transferred straight to the vault, the accountant and the withdrawal queue), then a Lido yield
     * and a sync at a fixed time. Returns what holders and depositors see.
     */
    async function yieldAndSync(donate: boolean) {
      const f = await loadFixture(pricedVaultFixture);
      const { admin, alice, bob } = f.signers;
      const { stETH, wstETH, rETH, cbETH, weth } = f.tokens;
      const [vault, accountant, queue] = await Promise.all([f.vault, f.accountant, f.queue].map((c) => c.getAddress()));
      if (donate) {
        await setBalance(vault, (await ethers.provider.getBalance(vault)) + parseEther("1000"));
        await stETH.connect(alice).transfer(vault, parseEther("5"));
        await wstETH.connect(alice).transfer(vault, parseEther("1"));
        await rETH.connect(bob).transfer(vault, parseEther("2"));
        await weth.connect(bob).transfer(vault, parseEther("3"));
        await stETH.connect(alice).transfer(accountant, parseEther("4"));
        await cbETH.connect(bob).transfer(accountant, parseEther("5"));
        await rETH.connect(bob).transfer(queue, parseEther("6"));
        await weth.connect(bob).transfer(queue, parseEther("7"));
      }
      await stETH.connect(admin).rebase(parseEther("0.4"));
      const at = f.syncAt + 2n * DAY;
      await time.setNextBlockTimestamp(at);
      await f.accountant.sync();
      const assets = await f.vault.assets();
      return {
        f,
        at,
        seen: json({
          rate: await f.vault.getRate(),
          inputs: (await f.vault.syncInputs()).map((i) => [...i]),
          // The books but the last sync's block number (the donations took blocks).
          books: [...(await f.accountant.books())].slice(0, 12),
          supply: await f.vault.totalSupply(),
          treasury: await f.vault.balanceOf(f.signers.treasury),
          previews: await Promise.all(assets.map((a) => f.vault.previewDeposit(a, parseEther("1")))),
        }),
      };
    }

    it("ETH and LSTs sent to the vault, the accountant or the queue change neither the rate nor the buffers", async function () {
      const twin = await yieldAndSync(false);
      const l = await replayPriced(twin.f);
      l.steth.rebase(parseEther("0.4"));
      l.sync(twin.at);
      const donated = await yieldAndSync(true);
      expect(donated.seen).to.equal(twin.seen);
      // And both are the model's, which knows nothing of donations.
      const f = donated.f;
      expect(await f.vault.getRate()).to.equal(l.rates.rateAt(twin.at));
      await expectBooks(f, l);
      await expectConservation(f, l);
      expect(await ethers.provider.getBalance(f.vault)).to.equal(l.buffer.get("ETH")! + parseEther("1000"));
      // Donations stay outside the books after more deposits and syncs.
      const { alice } = f.signers;
      await deposit(f, "stETH", alice, parseEther("1"), alice.address);
      l.depositTokens(alice.address, alice.address, "stETH", parseEther("1"));
      await expectBooks(f, l);
    });

    it("plain ETH sent to the vault is refused (no receive)", async function () {
      const f = await loadFixture(pricedVaultFixture);
      await expect(f.signers.alice.sendTransaction({ to: f.vault, value: 1n })).to.be.reverted;
    });
  });

  describe("inflation attack", function () {
    it("an unseeded vault refuses deposits: unpauseDeposits(0) LRTVaultNotSeeded, sync LRTAccountantNotSeeded", async function () {
      const f = await loadFixture(freshVaultFixture);
      const { vault, accountant } = f.fresh;
      const alice = f.signers.alice;
      expect([...(await vault.links())]).to.deep.equal([f.fresh.links.accountant, ZeroAddress, f.fresh.links.queue]);
      await expect(vault.unpauseDeposits(ZeroAddress)).to.be.revertedWithCustomError(vault, "LRTVaultNotSeeded");
      await expect(accountant.sync())
        .to.be.revertedWithCustomError(accountant, "LRTAccountantNotSeeded")
        .withArgs(f.fresh.links.vault);
      await expect(vault.connect(alice).depositETH(alice.address, 0, 0, { value: 1n }))
        .to.be.revertedWithCustomError(vault, "LRTVaultUnsupportedAsset")
        .withArgs(ETH);
      expect(await vault.previewDeposit(ETH, parseEther("1"))).to.equal(0n);
      const info = await vault.assetInfo(ETH);
      expect([info.paused, info.depositsOpen]).to.deep.equal([true, false]);
      await expect(vault.seed({ value: MIN_SEED - 1n }))
        .to.be.revertedWithCustomError(vault, "LRTVaultBelowMinimum")
        .withArgs(ETH, MIN_SEED - 1n, MIN_SEED);
      await expect(vault.connect(alice).seed({ value: MIN_SEED }))
        .to.be.revertedWithCustomError(vault, "AccessManagedUnauthorized")
        .withArgs(alice.address);
      await expect(vault.seed({ value: MIN_SEED }))
        .to.emit(vault, "Seeded")
        .withArgs(MIN_SEED, MIN_SEED);
      expect(await vault.balanceOf(DEAD)).to.equal(MIN_SEED);
      // The seed is in the buffer but takes no headroom.
      const seeded = await vault.assetInfo(ETH);
      expect([seeded.bufferUnits, seeded.headroom]).to.deep.equal([MIN_SEED, PARAMS.cap]);
      await expect(vault.seed({ value: MIN_SEED }))
        .to.be.revertedWithCustomError(vault, "LRTVaultAlreadySeeded")
        .withArgs(MIN_SEED);
    });

    it("after the seed, the smallest deposit plus a huge donation does not change what the victim's deposit mints", async function () {
      const victimAmount = parseEther("10");
      /** Seed (the minimum), sync, open; the attacker deposits 1 wei, maybe donates, syncs; the victim deposits. */
      const attack = async (donate: boolean) => {
        const f = await loadFixture(freshVaultFixture);
        const { vault, accountant } = f.fresh;
        const { alice: victim, bob: attacker, funder } = f.signers;
        await vault.seed({ value: MIN_SEED });
        const t0 = f.firstSyncAt + 100n;
        await time.setNextBlockTimestamp(t0);
        await accountant.sync();
        await vault.unpauseDeposits(ZeroAddress);
        await vault.connect(attacker).depositETH(attacker.address, 0, 0, { value: ATTACK });
        if (donate) {
          await setBalance(vault.target as string, parseEther("1000000"));
          await f.tokens.stETH.connect(funder).transfer(vault, parseEther("90"));
        }
        const t1 = t0 + 3_600n;
        await time.setNextBlockTimestamp(t1);
        await accountant.sync();
        await vault.connect(victim).depositETH(victim.address, 0, 0, { value: victimAmount });
        return {
          t0,
          t1,
          initAt: f.fresh.initAt,
          attacker: await vault.balanceOf(attacker),
          victim: await vault.balanceOf(victim),
          rate: await vault.getRate(),
          victimWorth: await vault.convertToAssets(await vault.balanceOf(victim)),
        };
      };
      const donated = await attack(true);
      const twin = await attack(false);
      expect(donated).to.deep.equal(twin);

      const p = PARAMS;
      const m = new RateModel(
        {
          feeBps: BigInt(p.feeBps),
          streamWindow: BigInt(p.streamWindow),
          maxAprBps: BigInt(p.maxAprBps),
          maxRateAge: BigInt(p.maxRateAge),
        },
        donated.initAt,
      );
      m.sync(MIN_SEED, MIN_SEED, donated.t0);
      const attackerShares = m.sharesFor(ATTACK, WAD);
      m.sync(MIN_SEED + ATTACK, MIN_SEED + attackerShares, donated.t1);
      const victimShares = m.sharesFor(victimAmount, WAD);
      expect(donated.attacker).to.equal(attackerShares).and.to.equal(ATTACK);
      expect(donated.victim).to.equal(victimShares).and.to.equal(victimAmount);
      expect(donated.rate)
        .to.equal(m.rateAt(donated.t1 + 1n))
        .and.to.equal(WAD);
      expect(donated.victimWorth).to.equal(mulWad(victimShares, WAD));
    });
  });

  describe("entry points of the linked contracts", function () {
    /** `pricedVaultFixture` after an upgrade to an implementation whose manager link is signer 6. */
    async function linkedManagerFixture() {
      const f = await pricedVaultFixture();
      const [, , , , , , manager] = await ethers.getSigners();
      await relinkManager(f, manager.address);
      return { ...f, manager };
    }

    it("applySync, settleWithdrawals, releaseToDelegator and absorbFromDelegator revert LRTVaultUnauthorized(caller, link) for anyone else", async function () {
      const rETHOf = (f: VaultFixture) => f.tokens.rETH.getAddress();
      const update = (f: VaultFixture) => ({
        feeShares: 0,
        treasury: f.signers.bob.address,
        expiry: 0,
        prices: [],
        sharesPerUnit: [],
        outsideUnits: [],
        tripped: [],
      });
      // With no manager linked (the fixture), and with signer 6 linked as the manager.
      const signer6 = (await ethers.getSigners())[6].address;
      for (const [fixture, manager] of [
        [pricedVaultFixture, ZeroAddress],
        [linkedManagerFixture, signer6],
      ] as const) {
        const f = await loadFixture(fixture);
        const { admin, bob } = f.signers;
        const rETH = await rETHOf(f);
        const { accountant, queue } = await linksOf(f);
        expect([...(await f.vault.links())]).to.deep.equal([accountant, manager, queue]);
        // Each entry point is the one link's: the others are strangers to it too.
        await impersonateAccount(accountant);
        await setBalance(accountant, parseEther("1"));
        const asAccountant = await ethers.getSigner(accountant);
        for (const caller of [bob, admin, asAccountant]) {
          const vault = f.vault.connect(caller);
          const calls: [string, () => Promise<unknown>, string][] = [
            ["settleWithdrawals", () => vault.settleWithdrawals([rETH], [1n], 0n), queue],
            ["releaseToDelegator", () => vault.releaseToDelegator(rETH, 1n, caller.address), manager],
            ["absorbFromDelegator", () => vault.absorbFromDelegator(rETH, 1n, caller.address, true), manager],
          ];
          if (caller !== asAccountant) calls.push(["applySync", () => vault.applySync(update(f)), accountant]);
          for (const [name, call, expected] of calls) {
            await expect(call(), name)
              .to.be.revertedWithCustomError(f.vault, "LRTVaultUnauthorized")
              .withArgs(caller.address, expected);
          }
        }
        await stopImpersonatingAccount(accountant);
      }
    });

    it("applySync from the accountant: lists must match the assets (LRTVaultBadUpdate); an absurd price closes the asset; outside units are stored as given, the headroom untouched", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const l = await replayPriced(f);
      const accountant = await f.accountant.getAddress();
      await impersonateAccount(accountant);
      await setBalance(accountant, parseEther("1"));
      const vault = f.vault.connect(await ethers.getSigner(accountant));
      const n = KEYS.length;
      const update = {
        feeShares: 0n,
        treasury: f.signers.treasury.address,
        expiry: l.expiry,
        prices: KEYS.map((k) => l.price.get(k)!),
        sharesPerUnit: KEYS.map((k) => l.perUnit.get(k)!),
        outsideUnits: KEYS.map(() => 0n),
        tripped: KEYS.map(() => false),
      };
      for (const bad of [
        { ...update, sharesPerUnit: update.sharesPerUnit.slice(0, n - 1) },
        { ...update, outsideUnits: [...update.outsideUnits, 0n] },
        { ...update, tripped: [] },
        { ...update, prices: update.prices.slice(1) },
      ]) {
        await expect(vault.applySync(bad))
          .to.be.revertedWithCustomError(f.vault, "LRTVaultBadUpdate")
          .withArgs(BigInt(n));
      }
      // A per-unit price beyond the slot's 72 bits, or a price beyond 96 bits, closes the asset's deposits (stored
      // per-unit 0; the price capped at 2^96 - 1); nothing reverts. WETH's 5 outside units (restaked or queued, as
      // the manager reported them) are stored as given; the buffer and the headroom do not move. ETH is always
      // priced at 1 (its price entry is ignored); its outside units (validators, natively restaked) are stored too. A trip halts the asset's deposits; the fee is minted
      // to the treasury given.
      const absurd = {
        ...update,
        feeShares: 777n,
        prices: [...update.prices],
        sharesPerUnit: [...update.sharesPerUnit],
        outsideUnits: [...update.outsideUnits],
        tripped: [...update.tripped],
      };
      const [iETH, iStETH, iRETH, iCbETH, iWETH] = (["ETH", "stETH", "rETH", "cbETH", "weth"] as const).map((k) =>
        KEYS.indexOf(k),
      );
      absurd.sharesPerUnit[iRETH] = 2n ** 72n;
      absurd.prices[iCbETH] = 2n ** 96n;
      absurd.outsideUnits[iWETH] = 5n;
      absurd.prices[iETH] = 5n;
      absurd.outsideUnits[iETH] = 7n;
      absurd.tripped[iStETH] = true;
      const [stETH, rETH, cbETH, weth] = await Promise.all(
        [f.tokens.stETH, f.tokens.rETH, f.tokens.cbETH, f.tokens.weth].map((t) => t.getAddress()),
      );
      const tx = vault.applySync(absurd);
      await expect(tx).to.emit(f.vault, "DepositPricesUpdated").withArgs(l.expiry);
      await expect(tx).to.emit(f.vault, "DepositsTripped").withArgs(stETH);
      await expect(tx).to.emit(f.vault, "Transfer").withArgs(ZeroAddress, f.signers.treasury.address, 777n);
      await stopImpersonatingAccount(accountant);
      l.supply += 777n;
      l.minted.set(f.signers.treasury.address, l.balanceOf(f.signers.treasury.address) + 777n);
      expect((await f.vault.assetInfo(rETH)).sharesPerUnit).to.equal(0n);
      const cb = await f.vault.assetInfo(cbETH);
      expect([cb.sharesPerUnit, cb.price]).to.deep.equal([0n, 2n ** 96n - 1n]);
      const w = await f.vault.assetInfo(weth);
      expect([w.outsideUnits, w.bufferUnits, w.headroom]).to.deep.equal([
        5n,
        l.buffer.get("weth"),
        l.headroom.get("weth"),
      ]);
      expect((await f.vault.route(weth)).outside).to.equal(5n);
      const e = await f.vault.assetInfo(ETH);
      expect([e.price, e.outsideUnits, e.headroom]).to.deep.equal([WAD, 7n, l.headroom.get("ETH")]);
      expect((await f.vault.assetInfo(stETH)).tripped).to.equal(true);
      for (const [key, asset] of [
        ["rETH", rETH],
        ["cbETH", cbETH],
      ] as const) {
        await expect(deposit(f, key, f.signers.bob, parseEther("1"), f.signers.bob.address))
          .to.be.revertedWithCustomError(f.vault, "LRTVaultUnsupportedAsset")
          .withArgs(asset);
      }
      await expect(deposit(f, "stETH", f.signers.alice, parseEther("1"), f.signers.alice.address))
        .to.be.revertedWithCustomError(f.vault, "LRTVaultDepositsPaused")
        .withArgs(stETH);
      await expectConservation(f, l);
    });
  });

  describe("buffers and the restaking manager", function () {
    /**
     * `pricedVaultFixture` upgraded to an implementation with signer 6 as the restaking manager link, and signer 7 as
     * its delegator.
     */
    async function managerFixture() {
      const f = await pricedVaultFixture();
      const [, , , , , , manager, delegator] = await ethers.getSigners();
      await relinkManager(f, manager.address);
      for (const token of [f.tokens.stETH, f.tokens.rETH]) {
        await token.connect(delegator).approve(f.vault, ethers.MaxUint256);
      }
      return { ...f, manager, delegator };
    }

    it("releaseToDelegator moves buffer to outsideUnits; absorbFromDelegator moves it back only when fromPosition", async function () {
      const f = await loadFixture(managerFixture);
      const l = await replayPriced(f);
      const { manager, delegator } = f;
      const { bob } = f.signers;
      const vault = f.vault.connect(manager);
      const rETH = await f.tokens.rETH.getAddress();
      let outside = 0n;
      const expectRETH = async () => {
        const info = await f.vault.assetInfo(rETH);
        expect([info.bufferUnits, info.outsideUnits]).to.deep.equal([l.buffer.get("rETH"), outside]);
        const r = await f.vault.route(rETH);
        expect([r.buffer, r.outside]).to.deep.equal([l.buffer.get("rETH"), outside]);
        expect(await f.tokens.rETH.balanceOf(f.vault)).to.equal(l.buffer.get("rETH"));
      };
      const released = parseEther("1.5") + 3n;
      await expect(vault.releaseToDelegator(rETH, released, delegator.address))
        .to.emit(f.vault, "BufferReleased")
        .withArgs(rETH, delegator.address, released);
      l.buffer.set("rETH", l.buffer.get("rETH")! - released);
      outside += released;
      expect(await f.tokens.rETH.balanceOf(delegator)).to.equal(released);
      await expectRETH();

      // A completed withdrawal (fromPosition): the units leave the outside side.
      const back = parseEther("0.4");
      await expect(vault.absorbFromDelegator(rETH, back, delegator.address, true))
        .to.emit(f.vault, "BufferAbsorbed")
        .withArgs(rETH, delegator.address, back, true);
      l.buffer.set("rETH", l.buffer.get("rETH")! + back);
      outside -= back;
      await expectRETH();
      // Rewards (not fromPosition): the buffer grows, the outside units stay.
      const reward = parseEther("0.3");
      await expect(vault.absorbFromDelegator(rETH, reward, delegator.address, false))
        .to.emit(f.vault, "BufferAbsorbed")
        .withArgs(rETH, delegator.address, reward, false);
      l.buffer.set("rETH", l.buffer.get("rETH")! + reward);
      await expectRETH();
      // More back than is outside (a slash shows only at the next sync): the outside units stop at zero.
      await f.tokens.rETH.connect(bob).transfer(delegator, parseEther("1"));
      const more = outside + parseEther("0.5");
      await vault.absorbFromDelegator(rETH, more, delegator.address, true);
      l.buffer.set("rETH", l.buffer.get("rETH")! + more);
      outside = 0n;
      await expectRETH();
      await expectBooks(f, l);
      await expectConservation(f, l);
    });

    it("stETH moves in Lido shares both ways: released shares, absorbed the shares an stETH transfer moves", async function () {
      const f = await loadFixture(managerFixture);
      const l = await replayPriced(f);
      const { manager, delegator } = f;
      const vault = f.vault.connect(manager);
      const stETH = await f.tokens.stETH.getAddress();
      const shares = parseEther("2") + 7n;
      await expect(vault.releaseToDelegator(stETH, shares, delegator.address))
        .to.emit(f.vault, "BufferReleased")
        .withArgs(stETH, delegator.address, shares);
      l.steth.transferShares(f.vault.target as string, delegator.address, shares);
      l.buffer.set("stETH", l.buffer.get("stETH")! - shares);
      expect(await f.tokens.stETH.sharesOf(delegator)).to.equal(shares);
      const amount = parseEther("1.333333333333333333");
      const moved = l.steth.transfer(delegator.address, f.vault.target as string, amount);
      await expect(vault.absorbFromDelegator(stETH, amount, delegator.address, true))
        .to.emit(f.vault, "BufferAbsorbed")
        .withArgs(stETH, delegator.address, moved, true);
      l.buffer.set("stETH", l.buffer.get("stETH")! + moved);
      const info = await f.vault.assetInfo(stETH);
      expect([info.bufferUnits, info.outsideUnits]).to.deep.equal([l.buffer.get("stETH"), shares - moved]);
      expect(await f.tokens.stETH.sharesOf(f.vault)).to.equal(l.buffer.get("stETH"));
      expect(await f.tokens.stETH.sharesOf(delegator)).to.equal(l.steth.sharesOf(delegator.address));
      await expectBooks(f, l);
    });

    it("refuses zero amounts, ETH and unknown assets, and more than the buffer", async function () {
      const f = await loadFixture(managerFixture);
      const l = await replayPriced(f);
      const { manager, delegator } = f;
      const vault = f.vault.connect(manager);
      const rETH = await f.tokens.rETH.getAddress();
      await expect(vault.releaseToDelegator(rETH, 0n, delegator.address))
        .to.be.revertedWithCustomError(f.vault, "LRTVaultZeroAmount")
        .withArgs(rETH);
      await expect(vault.absorbFromDelegator(rETH, 0n, delegator.address, true))
        .to.be.revertedWithCustomError(f.vault, "LRTVaultZeroAmount")
        .withArgs(rETH);
      const bob = f.signers.bob.address;
      await expect(vault.releaseToDelegator(bob, 1n, delegator.address))
        .to.be.revertedWithCustomError(f.vault, "LRTVaultUnsupportedAsset")
        .withArgs(bob);
      await expect(vault.absorbFromDelegator(bob, 1n, delegator.address, false))
        .to.be.revertedWithCustomError(f.vault, "LRTVaultUnsupportedAsset")
        .withArgs(bob);
      // ETH comes back with the call, exactly the amount; a token's absorb carries no ETH.
      await expect(vault.absorbFromDelegator(ETH, 1n, delegator.address, false))
        .to.be.revertedWithCustomError(f.vault, "LRTVaultValueMismatch")
        .withArgs(1n, 0n);
      await expect(vault.absorbFromDelegator(ETH, 2n, delegator.address, false, { value: 1n }))
        .to.be.revertedWithCustomError(f.vault, "LRTVaultValueMismatch")
        .withArgs(2n, 1n);
      await expect(vault.absorbFromDelegator(rETH, 1n, delegator.address, false, { value: 1n }))
        .to.be.revertedWithCustomError(f.vault, "LRTVaultValueMismatch")
        .withArgs(0n, 1n);
      // With nothing promised to the queue, the whole buffer is free, and no more.
      const buffer = l.buffer.get("rETH")!;
      await expect(vault.releaseToDelegator(rETH, buffer + 1n, delegator.address))
        .to.be.revertedWithCustomError(f.vault, "LRTVaultBufferReserved")
        .withArgs(rETH, buffer + 1n, buffer);
      await expect(vault.releaseToDelegator(rETH, buffer, delegator.address))
        .to.emit(f.vault, "BufferReleased")
        .withArgs(rETH, delegator.address, buffer);
      expect((await f.vault.assetInfo(rETH)).bufferUnits).to.equal(0n);
    });

    /**
     * `deployQueueFixture` (the real queue linked, alice and bob deposited), upgraded to an implementation with signer
     * 8 as the restaking manager link.
     */
    async function queueManagerFixture() {
      const f = await deployQueueFixture();
      const [, , , , , , , , manager] = await ethers.getSigners();
      await relinkManager(f, manager.address);
      return { ...f, manager };
    }

    it("releaseToDelegator refuses buffer the withdrawal queue promised to pending requests (LRTVaultBufferReserved)", async function () {
      const f = await loadFixture(queueManagerFixture);
      const { alice, carol } = f.signers;
      // The queue fixture's deposits, replayed at the first sync's prices.
      const l = new Ledger(await ledgerAddresses(f), f.firstSyncAt, f.accountantInitAt);
      for (const [signer, d] of [
        [alice, QUEUE_DEPOSITS.alice],
        [f.signers.bob, QUEUE_DEPOSITS.bob],
      ] as const) {
        l.deposit(signer.address, "ETH", d.eth);
        l.steth.submit(signer.address, d.stake);
        l.depositTokens(signer.address, signer.address, "stETH", d.stETH);
        l.deposit(signer.address, "rETH", d.rETH);
      }
      expect(await f.vault.balanceOf(alice)).to.equal(l.balanceOf(alice.address));
      const rETH = await f.tokens.rETH.getAddress();
      // alice asks to be paid in rETH: the request's units, at the payout price, are promised to her.
      const shares = parseEther("3.3") + 1n;
      await f.vault.connect(alice).approve(f.queue, shares);
      const t = BigInt(await time.latest()) + 1n;
      await time.setNextBlockTimestamp(t);
      await f.queue.connect(alice).requestWithdrawal(shares, rETH, alice.address);
      const value = mulWad(shares, l.rateAt(t));
      const promised = mulDiv(value, WAD, l.payoutPrice("rETH"));
      expect(await f.queue.liability(rETH)).to.equal(promised);
      const buffer = l.buffer.get("rETH")!;
      const free = buffer - promised;
      const vault = f.vault.connect(f.manager);
      await expect(vault.releaseToDelegator(rETH, free + 1n, carol.address))
        .to.be.revertedWithCustomError(f.vault, "LRTVaultBufferReserved")
        .withArgs(rETH, free + 1n, free);
      await expect(vault.releaseToDelegator(rETH, free, carol.address))
        .to.emit(f.vault, "BufferReleased")
        .withArgs(rETH, carol.address, free);
      const info = await f.vault.assetInfo(rETH);
      expect([info.bufferUnits, info.outsideUnits]).to.deep.equal([promised, free]);
      await expect(vault.releaseToDelegator(rETH, 1n, carol.address))
        .to.be.revertedWithCustomError(f.vault, "LRTVaultBufferReserved")
        .withArgs(rETH, 1n, 0n);
      // Another asset's lane promised nothing: its whole buffer is free.
      const stETH = await f.tokens.stETH.getAddress();
      const stBuffer = l.buffer.get("stETH")!;
      await expect(vault.releaseToDelegator(stETH, stBuffer + 1n, carol.address))
        .to.be.revertedWithCustomError(f.vault, "LRTVaultBufferReserved")
        .withArgs(stETH, stBuffer + 1n, stBuffer);
    });
  });

  describe("unwrap: WETH in the buffer redeemed 1:1 for ETH in the buffer (for validators)", function () {
    /** `pricedVaultFixture` with bob's 20 WETH deposited. */
    async function wethFixture() {
      const f = await pricedVaultFixture();
      const { bob } = f.signers;
      await f.tokens.weth.connect(bob).approve(f.vault, ethers.MaxUint256);
      await f.vault.connect(bob).depositLST(f.tokens.weth, PRICED.bobWETH, bob.address, 0, 0);
      return f;
    }

    it("moves exactly the amount from WETH's buffer to ETH's: books, balances, rate and holders unchanged otherwise", async function () {
      const f = await loadFixture(wethFixture);
      const l = await replayPriced(f);
      l.deposit(f.signers.bob.address, "weth", PRICED.bobWETH);
      const vault = await f.vault.getAddress();
      const weth = await f.tokens.weth.getAddress();
      const [ethBefore, wethBefore] = [await ethers.provider.getBalance(vault), await f.tokens.weth.balanceOf(vault)];
      const amount = parseEther("12.5") + 1n;
      await expect(f.vault.connect(f.signers.admin).unwrap(weth, amount))
        .to.emit(f.vault, "Unwrapped")
        .withArgs(weth, amount)
        .and.to.emit(f.tokens.weth, "Withdrawal")
        .withArgs(vault, amount);
      l.buffer.set("weth", l.buffer.get("weth")! - amount);
      l.buffer.set("ETH", l.buffer.get("ETH")! + amount);
      expect(await ethers.provider.getBalance(vault)).to.equal(ethBefore + amount);
      expect(await f.tokens.weth.balanceOf(vault)).to.equal(wethBefore - amount);
      await expectBooks(f, l);
      await expectConservation(f, l);
      // The rate streams on as the model says: the unwrap moved no value.
      expect(await f.vault.getRate()).to.equal(l.rateAt(BigInt(await time.latest())));
      // The whole rest, to the wei; then nothing is left to unwrap.
      const rest = l.buffer.get("weth")!;
      await f.vault.connect(f.signers.admin).unwrap(weth, rest);
      l.buffer.set("weth", 0n);
      l.buffer.set("ETH", l.buffer.get("ETH")! + rest);
      await expectBooks(f, l);
      await expectRejected(
        f,
        () => f.vault.connect(f.signers.admin).unwrap(weth, 1n),
        f.vault,
        "LRTVaultBufferReserved",
        [weth, 1n, 0n],
      );
      // The next sync values the moved ETH at 1 as it valued the WETH: the rate follows the model, as with no unwrap.
      const at = BigInt(await time.latest()) + DAY;
      await time.setNextBlockTimestamp(at);
      await f.accountant.sync();
      l.sync(at);
      expect(await f.vault.getRate()).to.equal(l.rateAt(at));
      await expectBooks(f, l);
    });

    it("refuses, changing nothing: zero, ETH, a token not valued at exactly 1, an unlisted token, more than the buffer, a stranger", async function () {
      const f = await loadFixture(wethFixture);
      const { admin, alice } = f.signers;
      const vault = f.vault.connect(admin);
      const [weth, rETH, stETH] = await Promise.all(
        [f.tokens.weth, f.tokens.rETH, f.tokens.stETH].map((t) => t.getAddress()),
      );
      const priceOf = async (a: string) => (await f.vault.priceOf(a))[1];
      await expectRejected(f, () => vault.unwrap(weth, 0n), f.vault, "LRTVaultZeroAmount", [weth]);
      await expectRejected(f, () => vault.unwrap(ETH, 1n), f.vault, "LRTVaultNotParity", [ETH, await priceOf(ETH)]);
      for (const token of [rETH, stETH]) {
        const price = await priceOf(token);
        expect(price).to.not.equal(WAD);
        await expectRejected(f, () => vault.unwrap(token, 1n), f.vault, "LRTVaultNotParity", [token, price]);
      }
      const stranger = await new ERC20Mock__factory(admin).deploy("Stray", "STR");
      await expectRejected(f, () => vault.unwrap(stranger, 1n), f.vault, "LRTVaultNotParity", [
        await stranger.getAddress(),
        0n,
      ]);
      const buffer = PRICED.bobWETH;
      await expectRejected(f, () => vault.unwrap(weth, buffer + 1n), f.vault, "LRTVaultBufferReserved", [
        weth,
        buffer + 1n,
        buffer,
      ]);
      await expectRejected(f, () => f.vault.connect(alice).unwrap(weth, 1n), f.vault, "AccessManagedUnauthorized", [
        alice.address,
      ]);
    });

    it("refuses a wrapped-ETH token that pays back one wei short (LRTVaultShortDelivery); books untouched", async function () {
      const f = await loadFixture(wethFixture);
      const { admin, alice } = f.signers;
      const token = await new ShortWETHMock__factory(admin).deploy();
      const adapter = await new ParityAdapter__factory(admin).deploy(token);
      await f.vault.addAsset(token, assetParams(await adapter.getAddress()));
      const at = f.syncAt + DAY;
      await time.setNextBlockTimestamp(at);
      await f.accountant.sync();
      await token.connect(alice).deposit({ value: parseEther("3") });
      await token.connect(alice).approve(f.vault, ethers.MaxUint256);
      await f.vault.connect(alice).depositLST(token, parseEther("3"), alice.address, 0, 0);
      const address = await token.getAddress();
      await token.setShortfall(1n);
      await expectRejected(
        f,
        () => f.vault.connect(admin).unwrap(token, parseEther("1")),
        f.vault,
        "LRTVaultShortDelivery",
        [address, parseEther("1"), parseEther("1") - 1n],
      );
      // Exact again: it goes through.
      await token.setShortfall(0n);
      await expect(f.vault.connect(admin).unwrap(token, parseEther("1")))
        .to.emit(f.vault, "Unwrapped")
        .withArgs(address, parseEther("1"));
    });

    it("never takes WETH promised to pending WETH requests (LRTVaultBufferReserved with the free amount)", async function () {
      const f = await loadFixture(deployQueueFixture);
      const { admin, alice, bob } = f.signers;
      const weth = await f.tokens.weth.getAddress();
      await f.tokens.weth.connect(bob).deposit({ value: parseEther("10") });
      await f.tokens.weth.connect(bob).approve(f.vault, ethers.MaxUint256);
      await f.vault.connect(bob).depositLST(weth, parseEther("10"), bob.address, 0, 0);
      const shares = parseEther("2") + 3n;
      await f.vault.connect(alice).approve(f.queue, shares);
      await f.queue.connect(alice).requestWithdrawal(shares, weth, alice.address);
      const promised = await f.queue.liability(weth);
      // WETH is valued at 1 and paid at 1: the promise is the request's value at its rate, in wei.
      const id = (BigInt(weth) << 64n) | 1n;
      const r = await f.queue.getRequest(id);
      expect(promised).to.equal(mulWad(shares, r.rateAtRequest)).and.to.equal(r.payoutUnits);
      const free = parseEther("10") - promised;
      await expect(f.vault.connect(admin).unwrap(weth, free + 1n))
        .to.be.revertedWithCustomError(f.vault, "LRTVaultBufferReserved")
        .withArgs(weth, free + 1n, free);
      await expect(f.vault.connect(admin).unwrap(weth, free)).to.emit(f.vault, "Unwrapped").withArgs(weth, free);
      expect((await f.vault.assetInfo(weth)).bufferUnits).to.equal(promised);
    });

    it("receive: ETH sent to the vault outside an unwrap is refused (it would be stranded unbooked)", async function () {
      const f = await loadFixture(wethFixture);
      const { bob } = f.signers;
      await expect(bob.sendTransaction({ to: f.vault, value: 1n }))
        .to.be.revertedWithCustomError(f.vault, "LRTVaultUnexpectedETH")
        .withArgs(bob.address);
      // Not even from the WETH contract itself outside an unwrap (a WETH holder's withdraw pays the holder, not us).
      const weth = await f.tokens.weth.getAddress();
      await setBalance(weth, parseEther("100"));
      const asWeth = await ethers.getImpersonatedSigner(weth);
      await expect(asWeth.sendTransaction({ to: f.vault, value: 1n }))
        .to.be.revertedWithCustomError(f.vault, "LRTVaultUnexpectedETH")
        .withArgs(weth);
    });
  });

  describe("admin", function () {
    it("links: the deployment's accountant, queue and (no) manager, immutables of the implementation with no setter", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const { admin, bob } = f.signers;
      const links = await linksOf(f);
      const expected = [links.accountant, ZeroAddress, links.queue];
      expect([...(await f.vault.links())]).to.deep.equal(expected);
      expect([...(await f.accountant.links())]).to.deep.equal([links.vault, ZeroAddress, links.queue]);
      // Held in the implementation's code, not in the proxy's storage.
      const impl = LRTVault__factory.connect(f.implementations.vault, admin);
      expect([...(await impl.links())]).to.deep.equal(expected);
      // The old setters are gone: neither in the ABI nor callable by selector (no fallback).
      const vault = await f.vault.getAddress();
      for (const signature of [
        "setAccountant(address)",
        "setRestakingManager(address)",
        "setWithdrawalQueue(address)",
      ]) {
        expect(LRTVault__factory.createInterface().hasFunction(signature), signature).to.equal(false);
        const data = ethers.id(signature).slice(0, 10) + ethers.zeroPadValue(bob.address, 32).slice(2);
        await expect(admin.sendTransaction({ to: vault, data }), signature).to.be.reverted;
      }
      expect([...(await f.vault.links())]).to.deep.equal(expected);
    });

    it("links change only by an upgrade to an implementation built with others, which keeps the storage", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const l = await replayPriced(f);
      const { bob } = f.signers;
      const links = await linksOf(f);
      const before = await observable(f);
      await relinkManager(f, bob.address);
      expect([...(await f.vault.links())]).to.deep.equal([links.accountant, bob.address, links.queue]);
      expect(await observable(f)).to.equal(before);
      // The new manager link is the one the manager's entry points answer to.
      const rETH = await f.tokens.rETH.getAddress();
      await expect(f.vault.connect(bob).releaseToDelegator(rETH, 1n, bob.address))
        .to.emit(f.vault, "BufferReleased")
        .withArgs(rETH, bob.address, 1n);
      l.buffer.set("rETH", l.buffer.get("rETH")! - 1n);
      await expectBooks(f, l);
      await expectConservation(f, l);
    });

    it("the constructor refuses a zero accountant or queue (LRTVaultZeroAddress); no manager is allowed", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const factory = await vaultFactory(f.signers.admin);
      const links = await linksOf(f);
      for (const broken of [
        { ...links, accountant: ZeroAddress },
        { ...links, queue: ZeroAddress },
      ]) {
        await expect(factory.deploy(broken)).to.be.revertedWithCustomError(f.vault, "LRTVaultZeroAddress");
      }
      const impl = await factory.deploy(links);
      expect([...(await LRTVault__factory.connect(await impl.getAddress(), f.signers.admin).links())]).to.deep.equal([
        links.accountant,
        ZeroAddress,
        links.queue,
      ]);
    });

    it("pause, unpause and clearPriceTrip reject no-op writes (LRTVaultNoChange) and unknown assets", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const rETH = await f.tokens.rETH.getAddress();
      const stranger = f.signers.bob.address;
      const noChange = async (call: () => Promise<unknown>, asset: string) =>
        expect(call()).to.be.revertedWithCustomError(f.vault, "LRTVaultNoChange").withArgs(asset);
      await noChange(() => f.vault.unpauseDeposits(rETH), rETH);
      await noChange(() => f.vault.unpauseDeposits(ZeroAddress), ZeroAddress);
      await noChange(() => f.vault.clearPriceTrip(rETH), rETH);
      await f.vault.pauseDeposits(rETH);
      await noChange(() => f.vault.pauseDeposits(rETH), rETH);
      await f.vault.pauseDeposits(ZeroAddress);
      await noChange(() => f.vault.pauseDeposits(ZeroAddress), ZeroAddress);
      for (const call of [
        () => f.vault.pauseDeposits(stranger),
        () => f.vault.unpauseDeposits(stranger),
        () => f.vault.clearPriceTrip(stranger),
      ]) {
        await expect(call()).to.be.revertedWithCustomError(f.vault, "LRTVaultUnsupportedAsset").withArgs(stranger);
      }
    });

    it("setAdapter: emits AdapterUpdated and keeps the stored price; refuses a zero or foreign adapter, no change, ETH and unknown assets", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const l = await replayPriced(f);
      const { admin } = f.signers;
      const rETH = await f.tokens.rETH.getAddress();
      for (const wrong of [ZeroAddress, f.adapters.cbETH]) {
        await expect(f.vault.setAdapter(rETH, wrong))
          .to.be.revertedWithCustomError(f.vault, "LRTVaultInvalidAdapter")
          .withArgs(rETH, wrong);
      }
      await expect(f.vault.setAdapter(rETH, f.adapters.rETH))
        .to.be.revertedWithCustomError(f.vault, "LRTVaultNoChange")
        .withArgs(rETH);
      for (const asset of [ETH, f.signers.bob.address]) {
        await expect(f.vault.setAdapter(asset, f.adapters.rETH))
          .to.be.revertedWithCustomError(f.vault, "LRTVaultUnsupportedAsset")
          .withArgs(asset);
      }
      expect((await f.vault.priceOf(rETH))[0], "refused: the adapter stays").to.equal(f.adapters.rETH);
      // With the rETH feed down deposits wait; an adapter without a feed prices them again (at the stored price).
      await f.feeds.rETH.setDown(true);
      await expect(deposit(f, "rETH", f.signers.bob, parseEther("1"), f.signers.bob.address))
        .to.be.revertedWithCustomError(f.vault, "LRTVaultMarketPriceUnavailable")
        .withArgs(rETH);
      const noFeed = await (await new RETHAdapter__factory(admin).deploy(rETH, ZeroAddress, 0)).getAddress();
      await expect(f.vault.setAdapter(rETH, noFeed)).to.emit(f.vault, "AdapterUpdated").withArgs(rETH, noFeed);
      expect([...(await f.vault.priceOf(rETH))]).to.deep.equal([noFeed, l.price.get("rETH")]);
      expect((await f.vault.assetInfo(rETH)).adapter).to.equal(noFeed);
      expect((await f.vault.route(rETH)).adapter).to.equal(noFeed);
      expect((await f.vault.syncInputs())[KEYS.indexOf("rETH")].adapter).to.equal(noFeed);
      await expectDepositAt(f, l, "rETH", parseEther("1"), l.rETHRate);
      await expectBooks(f, l);
    });

    it("addAsset: emits AssetAdded with the index and params; rejects zero, an existing asset, bad bounds and a ninth asset", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const { admin } = f.signers;
      const base = { cap: 5n * WAD, minDeposit: 10n ** 16n, lidoShares: false, maxRiseBpsPerDay: 25, maxFallBps: 300 };
      const parity = async (token: string) => (await new ParityAdapter__factory(admin).deploy(token)).getAddress();
      await expect(f.vault.addAsset(ZeroAddress, { ...base, adapter: f.adapters.weth })).to.be.revertedWithCustomError(
        f.vault,
        "LRTVaultZeroAddress",
      );
      const cbETH = await f.tokens.cbETH.getAddress();
      for (const asset of [ETH, cbETH]) {
        await expect(f.vault.addAsset(asset, { ...base, adapter: f.adapters.cbETH }))
          .to.be.revertedWithCustomError(f.vault, "LRTVaultAssetExists")
          .withArgs(asset);
      }
      const before = (await f.vault.assets()).length;
      for (let i = before; i < MAX_ASSETS; i++) {
        const token = await (await new ERC20Mock__factory(admin).deploy(`T${i}`, `T${i}`)).getAddress();
        // No adapter, or one that prices another token: LRTVaultInvalidAdapter.
        for (const wrong of [ZeroAddress, f.adapters.weth]) {
          await expect(f.vault.addAsset(token, { ...base, adapter: wrong }))
            .to.be.revertedWithCustomError(f.vault, "LRTVaultInvalidAdapter")
            .withArgs(token, wrong);
        }
        const adapter = await parity(token);
        // Bounds out of range: a daily rise above 1,000 bps, a fall trip of 0 or above 10,000 bps.
        for (const [rise, fall] of [
          [MAX_RISE_BPS_PER_DAY + 1, 300],
          [25, 0],
          [25, BPS + 1],
        ]) {
          await expect(f.vault.addAsset(token, { ...base, adapter, maxRiseBpsPerDay: rise, maxFallBps: fall }))
            .to.be.revertedWithCustomError(f.vault, "LRTVaultInvalidBounds")
            .withArgs(token, rise, fall);
        }
        const params = { ...base, adapter };
        await expect(f.vault.addAsset(token, params))
          .to.emit(f.vault, "AssetAdded")
          .withArgs(token, BigInt(i), [
            params.cap,
            params.minDeposit,
            params.lidoShares,
            adapter,
            params.maxRiseBpsPerDay,
            params.maxFallBps,
          ]);
        const info = await f.vault.assetInfo(token);
        expect([
          info.index,
          info.adapter,
          info.price,
          info.maxRiseBpsPerDay,
          info.maxFallBps,
          info.strategy,
          info.outsideUnits,
          info.cap,
          info.headroom,
          info.minDeposit,
          info.sharesPerUnit,
          info.depositsOpen,
        ]).to.deep.equal([
          BigInt(i),
          adapter,
          0n,
          BigInt(base.maxRiseBpsPerDay),
          BigInt(base.maxFallBps),
          ZeroAddress,
          0n,
          params.cap,
          params.cap,
          params.minDeposit,
          0n,
          false,
        ]);
        expect([...(await f.vault.priceOf(token))]).to.deep.equal([adapter, 0n]);
        expect([...(await f.vault.syncInputs())[i]]).to.deep.equal([
          token,
          adapter,
          0n,
          0n,
          BigInt(base.maxRiseBpsPerDay),
          BigInt(base.maxFallBps),
        ]);
      }
      const ninth = await (await new ERC20Mock__factory(admin).deploy("T9", "T9")).getAddress();
      await expect(f.vault.addAsset(ninth, { ...base, adapter: await parity(ninth) }))
        .to.be.revertedWithCustomError(f.vault, "LRTVaultTooMany")
        .withArgs(MAX_ASSETS);
    });

    it("restricted functions revert AccessManagedUnauthorized for a stranger", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const bob = f.signers.bob;
      const vault = f.vault.connect(bob);
      const rETH = await f.tokens.rETH.getAddress();
      const calls: [string, () => Promise<unknown>][] = [
        ["seed", () => vault.seed({ value: MIN_SEED })],
        ["addAsset", () => vault.addAsset(bob.address, { ...assetParams(ZeroAddress), cap: 1n, minDeposit: 0n })],
        ["setAdapter", () => vault.setAdapter(rETH, f.adapters.cbETH)],
        ["setBounds", () => vault.setBounds(rETH, 1, 1)],
        ["setStrategy", () => vault.setStrategy(rETH, bob.address)],
        ["setAssetLimits", () => vault.setAssetLimits(rETH, 1n, 0n)],
        ["pauseDeposits", () => vault.pauseDeposits(rETH)],
        ["unpauseDeposits", () => vault.unpauseDeposits(rETH)],
        ["unwrap", () => vault.unwrap(f.tokens.weth, 1n)],
        ["clearPriceTrip", () => vault.clearPriceTrip(rETH)],
        ["upgradeToAndCall", () => vault.upgradeToAndCall(f.implementations.vault, "0x")],
      ];
      for (const [name, call] of calls) {
        await expect(call(), name)
          .to.be.revertedWithCustomError(f.vault, "AccessManagedUnauthorized")
          .withArgs(bob.address);
      }
    });

    it("initialize: once through the proxy, never on the implementation (InvalidInitialization)", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const authority = await f.accessManager.getAddress();
      await expect(f.vault.initialize(authority, 1n, 0n)).to.be.revertedWithCustomError(
        f.vault,
        "InvalidInitialization",
      );
      const impl = LRTVault__factory.connect(f.implementations.vault, f.signers.admin);
      await expect(impl.initialize(authority, 1n, 0n)).to.be.revertedWithCustomError(impl, "InvalidInitialization");
      const data = LRTVault__factory.createInterface().encodeFunctionData("initialize", [ZeroAddress, 1n, 0n]);
      await expect(deployProxy(f.signers.admin, f.implementations.vault, data)).to.be.revertedWithCustomError(
        f.vault,
        "LRTVaultZeroAddress",
      );
    });
  });

  describe("setBounds: an LST's price bounds, applied by the next sync", function () {
    it("emits BoundsUpdated and stores the bounds (extremes included); refuses bounds out of range, no change, ETH and unknown assets", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const [rETH, cbETH] = await Promise.all([f.tokens.rETH, f.tokens.cbETH].map((t) => t.getAddress()));
      const iRETH = KEYS.indexOf("rETH");
      const bounds = async (asset: string) => {
        const info = await f.vault.assetInfo(asset);
        return [info.maxRiseBpsPerDay, info.maxFallBps];
      };
      for (const [rise, fall] of [
        [MAX_RISE_BPS_PER_DAY, BPS],
        [0, 1],
        [17, 333],
      ]) {
        await expect(f.vault.setBounds(rETH, rise, fall))
          .to.emit(f.vault, "BoundsUpdated")
          .withArgs(rETH, rise, fall);
        expect(await bounds(rETH)).to.deep.equal([BigInt(rise), BigInt(fall)]);
        const input = (await f.vault.syncInputs())[iRETH];
        expect([input.maxRiseBpsPerDay, input.maxFallBps]).to.deep.equal([BigInt(rise), BigInt(fall)]);
      }
      // The other assets keep theirs.
      expect(await bounds(cbETH)).to.deep.equal([BigInt(PARAMS.maxRiseBpsPerDay), BigInt(PARAMS.maxFallBps)]);
      const before = await observable(f);
      for (const [rise, fall] of [
        [MAX_RISE_BPS_PER_DAY + 1, 333],
        [17, 0],
        [17, BPS + 1],
        [65_535, 65_535],
      ]) {
        await expect(f.vault.setBounds(rETH, rise, fall))
          .to.be.revertedWithCustomError(f.vault, "LRTVaultInvalidBounds")
          .withArgs(rETH, rise, fall);
      }
      await expect(f.vault.setBounds(rETH, 17, 333))
        .to.be.revertedWithCustomError(f.vault, "LRTVaultNoChange")
        .withArgs(rETH);
      for (const asset of [ETH, f.signers.bob.address]) {
        await expect(f.vault.setBounds(asset, 17, 333))
          .to.be.revertedWithCustomError(f.vault, "LRTVaultUnsupportedAsset")
          .withArgs(asset);
      }
      expect(await observable(f)).to.equal(before);
    });

    it("the next sync bounds each price with its asset's own bounds: no rise allowed clamps, a tighter fall trips; clearPriceTrip reopens", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const l = await replayPriced(f);
      const [rETH, cbETH] = await Promise.all([f.tokens.rETH, f.tokens.cbETH].map((t) => t.getAddress()));
      // rETH: no rise at all, a 1% fall trips; cbETH: 1% a day up; the others keep 5% / 5%.
      await f.vault.setBounds(rETH, 0, 100);
      await f.vault.setBounds(cbETH, 100, PARAMS.maxFallBps);
      l.oracle.get("rETH")!.maxRiseBpsPerDay = 0n;
      l.oracle.get("rETH")!.maxFallBps = 100n;
      l.oracle.get("cbETH")!.maxRiseBpsPerDay = 100n;
      // The fixture's sync stored the rates as observed (inside the 5% bound).
      expect([l.price.get("rETH"), l.price.get("cbETH")]).to.deep.equal([PRICED.rETHRate, PRICED.cbETHRate]);
      const rUp = (PRICED.rETHRate * 1_005n) / 1_000n;
      const cbUp = (PRICED.cbETHRate * 1_020n) / 1_000n;
      await setProtocol(f, l, "rETH", rUp);
      await setProtocol(f, l, "cbETH", cbUp);
      await rebaseStETH(f, l, 100n);
      const t1 = f.syncAt + DAY;
      await time.setNextBlockTimestamp(t1);
      const sync1 = f.accountant.sync();
      // One day elapsed: cbETH's ceiling is 1% above its stored price (floor); rETH's is its stored price.
      const cbCeiling = PRICED.cbETHRate + (PRICED.cbETHRate * 100n * DAY) / (10_000n * DAY);
      await expect(sync1).to.emit(f.accountant, "PriceClamped").withArgs(rETH, rUp, PRICED.rETHRate);
      await expect(sync1).to.emit(f.accountant, "PriceClamped").withArgs(cbETH, cbUp, cbCeiling);
      l.sync(t1);
      expect([l.price.get("rETH"), l.price.get("cbETH")]).to.deep.equal([PRICED.rETHRate, cbCeiling]);
      await expectBooks(f, l);

      // Both fall 1.5% below their stored prices: rETH trips (beyond 1%), cbETH does not (within 5%).
      const rDown = PRICED.rETHRate - (PRICED.rETHRate * 150n) / 10_000n;
      const cbDown = cbCeiling - (cbCeiling * 150n) / 10_000n;
      await setProtocol(f, l, "rETH", rDown);
      await setProtocol(f, l, "cbETH", cbDown);
      const t2 = t1 + DAY;
      await time.setNextBlockTimestamp(t2);
      const sync2 = f.accountant.sync();
      await expect(sync2).to.emit(f.accountant, "PriceTripped").withArgs(rETH, PRICED.rETHRate, rDown);
      await expect(sync2).to.emit(f.vault, "DepositsTripped").withArgs(rETH);
      await expect(sync2).not.to.emit(f.accountant, "PriceClamped");
      l.sync(t2);
      expect([l.price.get("rETH"), l.price.get("cbETH")]).to.deep.equal([rDown, cbDown]);
      expect([l.tripped.get("rETH"), l.tripped.get("cbETH")]).to.deep.equal([true, false]);
      await expectBooks(f, l);
      expect([(await f.vault.assetInfo(rETH)).tripped, (await f.vault.assetInfo(cbETH)).tripped]).to.deep.equal([
        true,
        false,
      ]);
      const { bob } = f.signers;
      await expectRejected(
        f,
        () => deposit(f, "rETH", bob, parseEther("1"), bob.address),
        f.vault,
        "LRTVaultDepositsPaused",
        [rETH],
      );
      // The markets follow the protocol prices; cbETH takes deposits at its new price, rETH after review.
      await setMarket(f, l, "rETH", rDown);
      await setMarket(f, l, "cbETH", cbDown);
      await expectDepositAt(f, l, "cbETH", parseEther("1"), cbDown);
      await expect(f.vault.clearPriceTrip(rETH)).to.emit(f.vault, "PriceTripCleared").withArgs(rETH);
      l.tripped.set("rETH", false);
      await expect(f.vault.clearPriceTrip(rETH))
        .to.be.revertedWithCustomError(f.vault, "LRTVaultNoChange")
        .withArgs(rETH);
      await expectDepositAt(f, l, "rETH", parseEther("1"), rDown);
      await expectBooks(f, l);
      await expectConservation(f, l);
    });
  });

  describe("setStrategy: the EigenLayer strategy each asset restakes into, on the vault", function () {
    /** `pricedVaultFixture` and an EigenLayer strategy stand-in over each LST (not registered anywhere). */
    async function strategiesFixture() {
      const f = await pricedVaultFixture();
      const { admin } = f.signers;
      const strategies = {} as Record<LST, string>;
      const spare = {} as Record<LST, string>;
      for (const key of KEYS) {
        if (key === "ETH") continue;
        for (const into of [strategies, spare]) {
          const strategy = await new StrategyBase__factory(admin).deploy();
          // The stand-in needs a strategy manager and a pauser registry; this vault never calls them.
          await strategy.initializeStandIn(admin.address, admin.address, f.tokens[key]);
          into[key] = await strategy.getAddress();
        }
      }
      return { ...f, strategies, spare };
    }

    it("emits StrategySet; strategies() lists them in assets() order with each asset's index, strategyOf and assetInfo agree", async function () {
      const f = await loadFixture(strategiesFixture);
      const l = await replayPriced(f);
      const address = Object.fromEntries(
        await Promise.all(KEYS.map(async (k) => [k, await addressOf(f, k)] as const)),
      ) as Record<Key, string>;
      const list = async () => (await f.vault.strategies()).map((x) => [...x]);
      expect(await list()).to.deep.equal([[], [], [], []]);
      const set = async (key: LST, strategy: string) =>
        expect(f.vault.setStrategy(address[key], strategy))
          .to.emit(f.vault, "StrategySet")
          .withArgs(address[key], strategy);
      await set("rETH", f.strategies.rETH);
      expect(await list()).to.deep.equal([
        [address.rETH],
        [f.strategies.rETH],
        [BigInt(KEYS.indexOf("rETH"))],
        [f.adapters.rETH],
      ]);
      // Listed in assets() order, whatever the order they were set in.
      await set("stETH", f.strategies.stETH);
      expect(await list()).to.deep.equal([
        [address.stETH, address.rETH],
        [f.strategies.stETH, f.strategies.rETH],
        [BigInt(KEYS.indexOf("stETH")), BigInt(KEYS.indexOf("rETH"))],
        [f.adapters.stETH, f.adapters.rETH],
      ]);
      for (const key of ["stETH", "rETH"] as const) {
        expect(await f.vault.strategyOf(address[key]), key).to.equal(f.strategies[key]);
        expect((await f.vault.assetInfo(address[key])).strategy, key).to.equal(f.strategies[key]);
      }
      for (const key of ["ETH", "wstETH", "cbETH", "weth"] as const) {
        expect(await f.vault.strategyOf(address[key]), key).to.equal(ZeroAddress);
      }
      // Replacing one (no restaking manager: nothing can be in use) keeps its place; zero drops it.
      await set("rETH", f.spare.rETH);
      await set("stETH", ZeroAddress);
      expect(await list()).to.deep.equal([
        [address.rETH],
        [f.spare.rETH],
        [BigInt(KEYS.indexOf("rETH"))],
        [f.adapters.rETH],
      ]);
      // Strategies change nothing of the books; a sync with no manager reports no outside units.
      const at = f.syncAt + DAY;
      await time.setNextBlockTimestamp(at);
      await f.accountant.sync();
      l.sync(at);
      await expectBooks(f, l);
      await expectConservation(f, l);
    });

    it("refuses a strategy over another token (LRTVaultStrategyMismatch), no change, ETH and unknown assets", async function () {
      const f = await loadFixture(strategiesFixture);
      const [stETH, wstETH, cbETH, weth] = await Promise.all(
        [f.tokens.stETH, f.tokens.wstETH, f.tokens.cbETH, f.tokens.weth].map((t) => t.getAddress()),
      );
      const before = await observable(f);
      for (const [asset, strategy] of [
        [cbETH, f.strategies.rETH],
        [wstETH, f.strategies.stETH],
        [stETH, f.strategies.wstETH],
      ]) {
        await expect(f.vault.setStrategy(asset, strategy))
          .to.be.revertedWithCustomError(f.vault, "LRTVaultStrategyMismatch")
          .withArgs(asset, strategy);
      }
      // An account with no code is no strategy: refused by name, not by a failed call.
      await expect(f.vault.setStrategy(cbETH, f.signers.bob.address))
        .to.be.revertedWithCustomError(f.vault, "LRTVaultStrategyMismatch")
        .withArgs(cbETH, f.signers.bob.address);
      await expect(f.vault.setStrategy(f.signers.bob.address, f.strategies.weth))
        .to.be.revertedWithCustomError(f.vault, "LRTVaultUnsupportedAsset")
        .withArgs(f.signers.bob.address);
      // ETH's only strategy is EigenLayer's beacon chain ETH strategy (native restaking), which no LST may take.
      await expect(f.vault.setStrategy(ETH, f.strategies.weth))
        .to.be.revertedWithCustomError(f.vault, "LRTVaultStrategyMismatch")
        .withArgs(ETH, f.strategies.weth);
      await expect(f.vault.setStrategy(weth, BEACON_CHAIN_ETH_STRATEGY))
        .to.be.revertedWithCustomError(f.vault, "LRTVaultStrategyMismatch")
        .withArgs(weth, BEACON_CHAIN_ETH_STRATEGY);
      // No strategy to drop.
      await expect(f.vault.setStrategy(weth, ZeroAddress))
        .to.be.revertedWithCustomError(f.vault, "LRTVaultNoChange")
        .withArgs(weth);
      expect(await observable(f)).to.equal(before);
      await f.vault.setStrategy(weth, f.strategies.weth);
      await expect(f.vault.setStrategy(weth, f.strategies.weth))
        .to.be.revertedWithCustomError(f.vault, "LRTVaultNoChange")
        .withArgs(weth);
    });

    it(`at most ${MAX_STRATEGIES} assets restake (LRTVaultTooMany); replacing one does not count, dropping one frees a place`, async function () {
      const f = await loadFixture(strategiesFixture);
      const lsts = ["stETH", "wstETH", "rETH", "cbETH"] as const;
      for (const key of lsts) await f.vault.setStrategy(f.tokens[key], f.strategies[key]);
      await expect(f.vault.setStrategy(f.tokens.weth, f.strategies.weth))
        .to.be.revertedWithCustomError(f.vault, "LRTVaultTooMany")
        .withArgs(MAX_STRATEGIES);
      await expect(f.vault.setStrategy(f.tokens.cbETH, f.spare.cbETH))
        .to.emit(f.vault, "StrategySet")
        .withArgs(f.tokens.cbETH, f.spare.cbETH);
      await expect(f.vault.setStrategy(f.tokens.weth, f.strategies.weth)).to.be.revertedWithCustomError(
        f.vault,
        "LRTVaultTooMany",
      );
      await f.vault.setStrategy(f.tokens.wstETH, ZeroAddress);
      await expect(f.vault.setStrategy(f.tokens.weth, f.strategies.weth))
        .to.emit(f.vault, "StrategySet")
        .withArgs(f.tokens.weth, f.strategies.weth);
      const addresses = await Promise.all(
        (["stETH", "rETH", "cbETH", "weth"] as const).map((k) => f.tokens[k].getAddress()),
      );
      expect((await f.vault.strategies()).map((x) => [...x])).to.deep.equal([
        addresses,
        [f.strategies.stETH, f.strategies.rETH, f.spare.cbETH, f.strategies.weth],
        (["stETH", "rETH", "cbETH", "weth"] as const).map((k) => BigInt(KEYS.indexOf(k))),
        (["stETH", "rETH", "cbETH", "weth"] as const).map((k) => f.adapters[k]),
      ]);
    });

    it("refuses to replace or drop a strategy the restaking manager still holds shares or queued withdrawals in (LRTVaultStrategyInUse)", async function () {
      // The whole suite on the local EigenLayer: one operator, stETH restakable.
      const s = await deploySuite({ operators: 1, strategies: 1 });
      const { admin, alice, keeper } = s.signers;
      const [delegator] = s.delegators;
      const stETH = await s.tokens.stETH.getAddress();
      const current = await s.strategies[0].getAddress();
      const stETHAdapter = await s.adapters.stETH.getAddress();
      expect((await s.vault.strategies()).map((x) => [...x])).to.deep.equal([[stETH], [current], [1n], [stETHAdapter]]);
      const other = await (await deployStrategy(s.el, stETH)).getAddress();
      // Nothing restaked yet: the manager holds nothing, so the strategy may be replaced (and put back).
      await expect(s.vault.setStrategy(stETH, other)).to.emit(s.vault, "StrategySet").withArgs(stETH, other);
      await expect(s.vault.setStrategy(stETH, current)).to.emit(s.vault, "StrategySet").withArgs(stETH, current);
      await depositLST(s, alice, "stETH", parseEther("10"));
      await s.manager.connect(keeper).restake(delegator, stETH, parseEther("4"));
      const refused = async (label: string) => {
        for (const next of [other, ZeroAddress]) {
          await expect(s.vault.connect(admin).setStrategy(stETH, next), label)
            .to.be.revertedWithCustomError(s.vault, "LRTVaultStrategyInUse")
            .withArgs(stETH, current);
        }
        expect(await s.vault.strategyOf(stETH), label).to.equal(current);
      };
      await refused("deposit shares");
      // All of it queued for withdrawal: still held (a queued withdrawal is valued in the old strategy).
      const [withdrawable] = await s.el.delegationManager.getWithdrawableShares(delegator, [current]);
      await s.manager.connect(keeper).queueWithdrawal(delegator, stETH, withdrawable[0]);
      await refused("queued withdrawal");
      const [queued] = await s.el.delegationManager.getQueuedWithdrawals(delegator);
      await mine(EIGEN_DELAYS.minWithdrawalDelayBlocks + 1);
      await s.manager.completeWithdrawals(delegator, queued.map(asWithdrawal));
      // Completed: the manager holds nothing in it any more.
      await expect(s.vault.setStrategy(stETH, other)).to.emit(s.vault, "StrategySet").withArgs(stETH, other);
      expect((await s.vault.strategies()).map((x) => [...x])).to.deep.equal([[stETH], [other], [1n], [stETHAdapter]]);
      expect(await s.manager.strategyOf(stETH)).to.equal(other);
    });
  });

  describe("upgrades (UUPS)", function () {
    it("the admin's upgrade to a fresh implementation keeps balances, buffers and the rate; deposits go on", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const l = await replayPriced(f);
      const { admin, alice } = f.signers;
      const links = await linksOf(f);
      const next = await (await vaultFactory(admin)).deploy(links);
      await expect(f.vault.connect(alice).upgradeToAndCall(next, "0x"))
        .to.be.revertedWithCustomError(f.vault, "AccessManagedUnauthorized")
        .withArgs(alice.address);
      const before = await observable(f);
      await expect(f.vault.upgradeToAndCall(next, "0x")).to.emit(f.vault, "Upgraded").withArgs(next);
      expect(await upgrades.erc1967.getImplementationAddress(await f.vault.getAddress())).to.equal(
        await next.getAddress(),
      );
      expect(await observable(f)).to.equal(before);
      expect([...(await f.vault.links())]).to.deep.equal([links.accountant, ZeroAddress, links.queue]);
      expect(await f.vault.getRate()).to.equal(l.rates.rateAt(BigInt(await time.latest())));
      await expectConservation(f, l);
      await expectBooks(f, l);
      const amount = parseEther("1.5");
      await expect(deposit(f, "stETH", alice, amount, alice.address))
        .to.emit(f.vault, "Deposit")
        .withArgs(alice.address, f.tokens.stETH, amount, l.sharesFor("stETH", l.unitsOf("stETH", amount)), 0n);
    });

    it("refuses an upgrade called on the implementation itself or to a non-UUPS contract", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const impl = LRTVault__factory.connect(f.implementations.vault, f.signers.admin);
      await expect(impl.upgradeToAndCall(f.implementations.vault, "0x")).to.be.revertedWithCustomError(
        impl,
        "UUPSUnauthorizedCallContext",
      );
      const notUUPS = await f.tokens.weth.getAddress();
      await expect(f.vault.upgradeToAndCall(notUUPS, "0x"))
        .to.be.revertedWithCustomError(f.vault, "ERC1967InvalidImplementation")
        .withArgs(notUUPS);
    });

    it("storage layout: upgrade-safe per @openzeppelin/hardhat-upgrades", async function () {
      const f = await loadFixture(pricedVaultFixture);
      await expectUpgradeSafe("LRTVault", await f.vault.getAddress(), [await linksOf(f)]);
      expect(await upgrades.erc1967.getImplementationAddress(await f.vault.getAddress())).to.equal(
        f.implementations.vault,
      );
    });
  });

  describe("pricedVaultFixture", function () {
    it("leaves a deposit rate above 1 ETH per lrETH, held-back gains, every asset open and the books as modelled", async function () {
      const f = await loadFixture(pricedVaultFixture);
      const l = await replayPriced(f);
      expect(l.rates.depositRate).to.be.greaterThan(WAD);
      expect(l.rates.heldBack).to.be.greaterThan(0n);
      expect(l.balanceOf(f.signers.treasury.address), "a fee was minted").to.be.greaterThan(0n);
      for (const k of KEYS) expect((await f.vault.assetInfo(await addressOf(f, k))).depositsOpen, k).to.equal(true);
      const rate = l.rates.rateAt(BigInt(await time.latest()));
      expect(await f.vault.getRate()).to.equal(rate);
      expect(await f.vault.totalAssets()).to.equal(mulWad(l.supply, rate));
      expect(await f.vault.convertToShares(parseEther("1"))).to.equal(mulDiv(parseEther("1"), WAD, rate));
      expect(await f.vault.convertToAssets(parseEther("1"))).to.equal(mulWad(parseEther("1"), rate));
      await expectBooks(f, l);
      await expectConservation(f, l);
    });
  });
});
