import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { Wallet, ZeroAddress, parseEther } from "ethers";
import {
  ERC1967Proxy__factory,
  OperatorDelegator__factory,
  RestakingManager__factory,
  type RestakingManager,
} from "../../typechain-types";
import { deployStrategy } from "../../scripts/lib/eigenlayer";
import { restaked } from "../fixtures/restaked";
import { ETH } from "../fixtures/vault";
import { ROLES, deploySuiteFixture, type Suite } from "../../scripts/lib/suite";
import { expectPositions, queuedOf } from "../helpers/restaking";

/** The suite's proxies as `LRTLinks` (the manager's and the other implementations' constructor argument). */
async function suiteLinks(s: Suite): Promise<Record<"vault" | "accountant" | "queue" | "manager", string>> {
  return {
    vault: await s.vault.getAddress(),
    accountant: await s.accountant.getAddress(),
    queue: await s.queue.getAddress(),
    manager: await s.manager.getAddress(),
  };
}

/** `EigenLayerLinks` as plain addresses. */
type EigenLayerLinks = Record<
  "strategyManager" | "delegationManager" | "rewardsCoordinator" | "delegatorBeacon",
  string
>;

/** The suite's EigenLayer contracts and delegator beacon as `EigenLayerLinks`. */
async function eigenLayerLinks(s: Suite): Promise<EigenLayerLinks> {
  return {
    strategyManager: await s.el.strategyManager.getAddress(),
    delegationManager: await s.el.delegationManager.getAddress(),
    rewardsCoordinator: await s.rewardsCoordinator.getAddress(),
    delegatorBeacon: await s.beacon.getAddress(),
  };
}

/** A factory of manager implementations, linked to a fresh RestakingPositions library (its EigenLayer reads). */
async function managerFactory(s: Suite): Promise<RestakingManager__factory> {
  const positions = await ethers.deployContract("RestakingPositions", s.signers.admin);
  return new RestakingManager__factory(
    { "contracts/libraries/RestakingPositions.sol:RestakingPositions": await positions.getAddress() },
    s.signers.admin,
  );
}

/** The assets `positions()` lists, in order. */
async function assetsOf(s: Suite): Promise<string[]> {
  return (await s.manager.positions()).map((p) => p.asset);
}

/** The addresses of the suite's `tokens`, in the order given. */
async function listed(s: Suite, tokens: (keyof Suite["tokens"])[]): Promise<string[]> {
  return Promise.all(tokens.map((t) => s.tokens[t].getAddress()));
}

/** A manager implementation built with the suite's links (what the suite's proxy runs). */
async function managerImplementation(s: Suite): Promise<RestakingManager> {
  return (await managerFactory(s)).deploy(await suiteLinks(s), await eigenLayerLinks(s), ZeroAddress);
}

describe("RestakingManager and OperatorDelegator: access and configuration", function () {
  describe("AccessManager roles", function () {
    it("only the KEEPER restakes, queues withdrawals and claims rewards (not even the admin)", async function () {
      const s = await loadFixture(deploySuiteFixture);
      const [d0] = s.delegators;
      for (const caller of [s.signers.stranger, s.signers.admin, s.signers.pauser]) {
        await expect(s.manager.connect(caller).restake(d0, s.tokens.rETH, 1n))
          .to.be.revertedWithCustomError(s.manager, "AccessManagedUnauthorized")
          .withArgs(caller);
        await expect(s.manager.connect(caller).queueWithdrawal(d0, s.tokens.rETH, 1n))
          .to.be.revertedWithCustomError(s.manager, "AccessManagedUnauthorized")
          .withArgs(caller);
      }
      const [hasRole] = await s.accessManager.hasRole(ROLES.KEEPER, s.signers.keeper);
      expect(hasRole).to.equal(true);
      const selector = s.manager.interface.getFunction("restake").selector;
      expect(await s.accessManager.getTargetFunctionRole(s.manager, selector)).to.equal(ROLES.KEEPER);
    });

    it("admin functions (and upgrades) are the admin's; the PAUSER pauses vault deposits", async function () {
      const s = await loadFixture(deploySuiteFixture);
      const [d0, d1, d2] = s.delegators;
      const k = s.manager.connect(s.signers.keeper);
      const unauthorized = async (p: Promise<unknown>) =>
        expect(p).to.be.revertedWithCustomError(s.manager, "AccessManagedUnauthorized").withArgs(s.signers.keeper);
      await unauthorized(k.addDelegator(s.operators[0], 0));
      await unauthorized(k.setTargets([d0, d1, d2], [5000, 5000, 0]));
      await unauthorized(k.setRewardsRecipient(s.signers.bob));
      await unauthorized(k.redelegate(d0, s.operators[1]));
      await unauthorized(k.upgradeToAndCall(await s.manager.getAddress(), "0x"));
      // Each asset's strategy is the vault's record: setting one is an admin function of the vault.
      await expect(s.vault.connect(s.signers.keeper).setStrategy(s.tokens.rETH, s.strategies[1]))
        .to.be.revertedWithCustomError(s.vault, "AccessManagedUnauthorized")
        .withArgs(s.signers.keeper);

      await expect(s.vault.connect(s.signers.stranger).pauseDeposits(ZeroAddress))
        .to.be.revertedWithCustomError(s.vault, "AccessManagedUnauthorized")
        .withArgs(s.signers.stranger);
      await expect(s.vault.connect(s.signers.pauser).pauseDeposits(ZeroAddress))
        .to.emit(s.vault, "DepositsPaused")
        .withArgs(ZeroAddress, true);
    });

    it("the admin upgrades the manager (UUPS) and the delegators (beacon), keeping state", async function () {
      const s = await loadFixture(deploySuiteFixture);
      const delegators = await s.manager.delegators();
      const next = await managerImplementation(s);
      await s.manager.upgradeToAndCall(next, "0x");
      expect(await s.manager.delegators()).to.deep.equal(delegators);
      for (let i = 0; i < s.delegators.length; ++i) {
        expect(await s.manager.targetOf(s.delegators[i])).to.equal(s.targets[i]);
      }
      expect(await s.manager.rewardsRecipient()).to.equal(s.signers.rewardsRecipient.address);
      expect(await s.manager.strategyOf(s.tokens.stETH)).to.equal(s.strategies[0]);
      const nextDelegator = await new OperatorDelegator__factory(s.signers.admin).deploy(
        s.manager,
        s.vault,
        await eigenLayerLinks(s),
      );
      await expect(s.beacon.connect(s.signers.stranger).upgradeTo(nextDelegator)).to.be.revertedWithCustomError(
        s.beacon,
        "OwnableUnauthorizedAccount",
      );
      await s.beacon.upgradeTo(nextDelegator);
      expect(await s.delegators[0].operator()).to.equal(s.operators[0].address);
      expect(await s.delegators[0].manager()).to.equal(s.manager);
    });
  });

  describe("OperatorDelegator", function () {
    it("every mutating function is the manager's alone", async function () {
      const s = await loadFixture(deploySuiteFixture);
      const [d0] = s.delegators;
      for (const caller of [s.signers.stranger, s.signers.admin, s.signers.keeper]) {
        const d = d0.connect(caller);
        const only = async (p: Promise<unknown>) =>
          expect(p).to.be.revertedWithCustomError(d0, "OperatorDelegatorOnlyManager").withArgs(caller);
        await only(d.deposit(s.strategies[1], s.tokens.rETH, 1n));
        await only(d.queueWithdrawal(s.strategies[1], 1n));
        await only(
          d.completeWithdrawal(
            {
              staker: d0,
              delegatedTo: s.operators[0],
              withdrawer: d0,
              nonce: 0,
              startBlock: 0,
              strategies: [s.strategies[1]],
              scaledShares: [1n],
            },
            [s.tokens.rETH],
          ),
        );
        await only(d.redelegate(s.operators[1]));
        await only(d.approveVault(s.tokens.rETH, 1n));
      }
    });

    it("is initialised once, delegated to its operator, with the manager as rewards claimer", async function () {
      const s = await loadFixture(deploySuiteFixture);
      const [d0] = s.delegators;
      expect(await s.el.delegationManager.delegatedTo(d0)).to.equal(s.operators[0].address);
      expect(await s.rewardsCoordinator.claimerFor(d0)).to.equal(s.manager);
      expect(await d0.manager()).to.equal(s.manager);
      expect(await d0.operator()).to.equal(s.operators[0].address);
      expect(await d0.previousOperator()).to.equal(ZeroAddress); // never redelegated
      // The vault and the EigenLayer contracts are immutables of the implementation, fixed at deployment.
      const [vault, eigenLayer] = await s.manager.links();
      expect(vault, "manager links: vault").to.equal(await s.vault.getAddress());
      expect([...eigenLayer], "manager links: EigenLayer").to.deep.equal(Object.values(await eigenLayerLinks(s)));
      await expect(d0.initialize(s.operators[0])).to.be.revertedWithCustomError(d0, "InvalidInitialization");
      await expect(s.delegatorImplementation.initialize(s.operators[0])).to.be.revertedWithCustomError(
        d0,
        "InvalidInitialization",
      );
      await expect(s.manager.initialize(s.accessManager, s.signers.bob)).to.be.revertedWithCustomError(
        s.manager,
        "InvalidInitialization",
      );
    });

    it("a new manager is built with the suite's links (refusing a zero in any it reads, reading the AllocationManager from the DelegationManager); its proxy takes 2 initialize arguments, none zero", async function () {
      const s = await loadFixture(deploySuiteFixture);
      const factory = await managerFactory(s);
      const suite = await suiteLinks(s);
      const eigen = await eigenLayerLinks(s);
      // The constructor reads the vault, the three EigenLayer contracts and the beacon: a zero in any is refused.
      await expect(
        factory.deploy({ ...suite, vault: ZeroAddress }, eigen, ZeroAddress),
        "vault",
      ).to.be.revertedWithCustomError(factory, "RestakingManagerZeroInput");
      for (const key of Object.keys(eigen) as (keyof EigenLayerLinks)[]) {
        await expect(
          factory.deploy(suite, { ...eigen, [key]: ZeroAddress }, ZeroAddress),
          key,
        ).to.be.revertedWithCustomError(factory, "RestakingManagerZeroInput");
      }
      // The suite's other links are not read by the manager: zeros there are accepted.
      await factory.deploy(
        { ...suite, accountant: ZeroAddress, queue: ZeroAddress, manager: ZeroAddress },
        eigen,
        ZeroAddress,
      );
      // The AllocationManager is not a link: the constructor asks the DelegationManager for it, so a DelegationManager
      // address without code (an EOA) fails the construction.
      await expect(factory.deploy(suite, { ...eigen, delegationManager: s.signers.stranger.address }, ZeroAddress)).to
        .be.reverted;

      const impl = await factory.deploy(suite, eigen, ZeroAddress);
      await expect(impl.initialize(s.accessManager, s.signers.rewardsRecipient)).to.be.revertedWithCustomError(
        impl,
        "InvalidInitialization",
      );
      const iface = RestakingManager__factory.createInterface();
      expect(iface.getFunction("initialize").inputs.length).to.equal(2);
      const args: [string, string] = [await s.accessManager.getAddress(), s.signers.rewardsRecipient.address];
      const proxyFactory = new ERC1967Proxy__factory(s.signers.admin);
      for (let i = 0; i < args.length; ++i) {
        const bad = args.map((a, k) => (k === i ? ZeroAddress : a)) as [string, string];
        await expect(
          proxyFactory.deploy(impl, iface.encodeFunctionData("initialize", bad)),
          `argument ${i}`,
        ).to.be.revertedWithCustomError(impl, "RestakingManagerZeroInput");
      }
      const proxy = await proxyFactory.deploy(impl, iface.encodeFunctionData("initialize", args));
      const manager = RestakingManager__factory.connect(await proxy.getAddress(), s.signers.admin);
      await expect(proxy.deploymentTransaction())
        .to.emit(manager, "RewardsRecipientUpdated")
        .withArgs(s.signers.rewardsRecipient.address);
      const [vault, eigenLayer] = await manager.links();
      expect(vault).to.equal(suite.vault);
      expect([...eigenLayer]).to.deep.equal(Object.values(eigen));
      expect(await manager.rewardsRecipient()).to.equal(s.signers.rewardsRecipient.address);
      expect(await manager.authority()).to.equal(args[0]);
      expect(await manager.delegators()).to.deep.equal([]);
    });

    it("a new delegator is built with the manager, the vault and the EigenLayer contracts (none zero); its proxy refuses a zero operator (OperatorDelegatorZeroAddress)", async function () {
      const s = await loadFixture(deploySuiteFixture);
      const factory = new OperatorDelegator__factory(s.signers.admin);
      const manager = await s.manager.getAddress();
      const vault = await s.vault.getAddress();
      const eigen = await eigenLayerLinks(s);
      const zero = async (p: Promise<unknown>, what: string) =>
        expect(p, what).to.be.revertedWithCustomError(factory, "OperatorDelegatorZeroAddress");
      await zero(factory.deploy(ZeroAddress, vault, eigen), "manager");
      await zero(factory.deploy(manager, ZeroAddress, eigen), "vault");
      for (const key of ["strategyManager", "delegationManager", "rewardsCoordinator"] as const) {
        await zero(factory.deploy(manager, vault, { ...eigen, [key]: ZeroAddress }), key);
      }
      // A delegator does not use the beacon entry: zero is accepted.
      const impl = await factory.deploy(manager, vault, { ...eigen, delegatorBeacon: ZeroAddress });
      expect(await impl.manager()).to.equal(manager);
      await expect(impl.initialize(s.operators[0])).to.be.revertedWithCustomError(impl, "InvalidInitialization");

      // Proxies of the suite's beacon: initialize(operator) refuses a zero operator.
      const iface = OperatorDelegator__factory.createInterface();
      const proxyFactory = await ethers.getContractFactory("BeaconProxy");
      await expect(
        proxyFactory.deploy(s.beacon, iface.encodeFunctionData("initialize", [ZeroAddress])),
      ).to.be.revertedWithCustomError(s.delegatorImplementation, "OperatorDelegatorZeroAddress");
      // With the operator, the proxy delegates itself to it and makes the manager its rewards claimer.
      const proxy = await proxyFactory.deploy(
        s.beacon,
        iface.encodeFunctionData("initialize", [s.operators[0].address]),
      );
      expect(await s.el.delegationManager.delegatedTo(proxy)).to.equal(s.operators[0].address);
      expect(await s.rewardsCoordinator.claimerFor(proxy)).to.equal(manager);
      const delegator = OperatorDelegator__factory.connect(await proxy.getAddress(), s.signers.admin);
      expect(await delegator.operator()).to.equal(s.operators[0].address);
      expect(await delegator.manager()).to.equal(manager);
    });
  });

  describe("delegators and targets", function () {
    it("addDelegator keeps the targets at most 10000, needs a registered operator, and stops at 16", async function () {
      const s = await loadFixture(deploySuiteFixture);
      // The suite's targets already sum to 10000: one more bps would make 10001.
      await expect(s.manager.addDelegator(s.operators[0], 1))
        .to.be.revertedWithCustomError(s.manager, "RestakingManagerInvalidTargets")
        .withArgs(10_001);
      await expect(s.manager.addDelegator(ZeroAddress, 0)).to.be.revertedWithCustomError(
        s.manager,
        "RestakingManagerZeroInput",
      );
      await expect(s.manager.addDelegator(s.signers.stranger, 0)).to.be.revertedWithCustomError(
        s.el.delegationManager,
        "OperatorNotRegistered",
      );
      // 16 delegators bound the cost of every sync's valuation.
      expect(await s.manager.MAX_DELEGATORS()).to.equal(16n);
      const max = 16;
      for (let i = s.delegators.length; i < max; ++i) {
        const operator = new Wallet(ethers.id(`extra operator ${i}`), ethers.provider);
        await s.signers.admin.sendTransaction({ to: operator.address, value: parseEther("1") });
        await s.el.delegationManager.connect(operator).registerAsOperator(ZeroAddress, 1, "ipfs://op");
        const predicted = ethers.getCreateAddress({
          from: await s.manager.getAddress(),
          nonce: await ethers.provider.getTransactionCount(s.manager),
        });
        await expect(s.manager.addDelegator(operator, 0))
          .to.emit(s.manager, "DelegatorAdded")
          .withArgs(predicted, operator.address, 0);
      }
      expect((await s.manager.delegators()).length).to.equal(max);
      await expect(s.manager.addDelegator(s.operators[0], 0))
        .to.be.revertedWithCustomError(s.manager, "RestakingManagerTooManyDelegators")
        .withArgs(max);
    });

    it("setTargets replaces every target, each delegator once, summing to exactly 10000", async function () {
      const s = await loadFixture(deploySuiteFixture);
      const [d0, d1, d2] = s.delegators;
      // `total`: what the targets would sum to (0 when the list itself is malformed).
      const invalid = async (p: Promise<unknown>, total: number) =>
        expect(p).to.be.revertedWithCustomError(s.manager, "RestakingManagerInvalidTargets").withArgs(total);
      await invalid(s.manager.setTargets([d0, d1], [5000, 5000]), 0);
      await invalid(s.manager.setTargets([d0, d1, d2], [5000, 5000]), 0);
      await invalid(s.manager.setTargets([d0, d0, d2], [4000, 4000, 2000]), 0);
      await invalid(s.manager.setTargets([d0, d1, d2], [4000, 4000, 1999]), 9999);
      await invalid(s.manager.setTargets([d0, d1, d2], [4000, 4000, 2001]), 10_001);
      await expect(s.manager.setTargets([d0, d1, s.signers.stranger], [4000, 4000, 2000]))
        .to.be.revertedWithCustomError(s.manager, "RestakingManagerUnknownDelegator")
        .withArgs(s.signers.stranger);
      await expect(s.manager.setTargets([d2, d0, d1], [2000, 7000, 1000]))
        .to.emit(s.manager, "TargetsUpdated")
        .withArgs([d2.target, d0.target, d1.target], [2000, 7000, 1000]);
      expect(await s.manager.targetOf(d0)).to.equal(7000);
      expect(await s.manager.targetOf(d1)).to.equal(1000);
      expect(await s.manager.targetOf(d2)).to.equal(2000);
    });

    it("setRewardsRecipient refuses zero and the current recipient (RestakingManagerNoChange)", async function () {
      const s = await loadFixture(deploySuiteFixture);
      await expect(s.manager.setRewardsRecipient(ZeroAddress)).to.be.revertedWithCustomError(
        s.manager,
        "RestakingManagerZeroInput",
      );
      await expect(s.manager.setRewardsRecipient(s.signers.rewardsRecipient))
        .to.be.revertedWithCustomError(s.manager, "RestakingManagerNoChange")
        .withArgs(s.signers.rewardsRecipient);
      await expect(s.manager.setRewardsRecipient(s.signers.bob))
        .to.emit(s.manager, "RewardsRecipientUpdated")
        .withArgs(s.signers.bob);
      expect(await s.manager.rewardsRecipient()).to.equal(s.signers.bob.address);
    });
  });

  describe("strategies (the vault's records)", function () {
    it("vault.setStrategy needs a listed LST whose token the strategy holds, and a real change; the manager follows the vault's record", async function () {
      const s = await loadFixture(deploySuiteFixture);
      const stray = await ethers.deployContract("ERC20Mock", ["Stray", "STR"]);
      const strayStrategy = await deployStrategy(s.el, await stray.getAddress());
      await expect(s.vault.setStrategy(stray, strayStrategy))
        .to.be.revertedWithCustomError(s.vault, "LRTVaultUnsupportedAsset")
        .withArgs(stray);
      await expect(s.vault.setStrategy(ZeroAddress, s.strategies[1]))
        .to.be.revertedWithCustomError(s.vault, "LRTVaultUnsupportedAsset")
        .withArgs(ZeroAddress);
      // ETH restakes only natively: its one strategy is EigenLayer's beacon chain ETH strategy.
      await expect(s.vault.setStrategy(ETH, s.strategies[1]))
        .to.be.revertedWithCustomError(s.vault, "LRTVaultStrategyMismatch")
        .withArgs(ETH, s.strategies[1]);
      await expect(s.vault.setStrategy(s.tokens.cbETH, s.strategies[1]))
        .to.be.revertedWithCustomError(s.vault, "LRTVaultStrategyMismatch")
        .withArgs(s.tokens.cbETH, s.strategies[1]);
      await expect(s.vault.setStrategy(s.tokens.rETH, s.strategies[1]))
        .to.be.revertedWithCustomError(s.vault, "LRTVaultNoChange")
        .withArgs(s.tokens.rETH);
      await expect(s.vault.setStrategy(s.tokens.wstETH, ZeroAddress))
        .to.be.revertedWithCustomError(s.vault, "LRTVaultNoChange")
        .withArgs(s.tokens.wstETH);
      // A strategy nobody holds can be replaced; positions() lists the restaked assets in the vault's order.
      const next = await deployStrategy(s.el, await s.tokens.cbETH.getAddress());
      expect(await s.manager.inUse(s.strategies[2])).to.equal(false);
      await expect(s.vault.setStrategy(s.tokens.cbETH, next))
        .to.emit(s.vault, "StrategySet")
        .withArgs(s.tokens.cbETH, next);
      expect(await s.vault.strategyOf(s.tokens.cbETH)).to.equal(next);
      expect(await s.manager.strategyOf(s.tokens.cbETH)).to.equal(next);
      expect(await assetsOf(s)).to.deep.equal(await listed(s, ["stETH", "rETH", "cbETH"]));
      // Each with its index in the vault, which lists ETH, stETH, wstETH, rETH, cbETH, WETH (the deploy order).
      expect((await s.manager.positions()).map((p) => p.index)).to.deep.equal([1n, 3n, 4n]);
      // A new asset takes its place in the vault's order (wstETH is listed before rETH), not at the end.
      const wstStrategy = await deployStrategy(s.el, await s.tokens.wstETH.getAddress());
      await s.vault.setStrategy(s.tokens.wstETH, wstStrategy);
      expect(await assetsOf(s)).to.deep.equal(await listed(s, ["stETH", "wstETH", "rETH", "cbETH"]));
      expect((await s.manager.positions()).map((p) => p.index)).to.deep.equal([1n, 2n, 3n, 4n]);
      const [assets, strategies, indexes] = await s.vault.strategies();
      expect([...indexes]).to.deep.equal([1n, 2n, 3n, 4n]);
      expect([...assets]).to.deep.equal(await listed(s, ["stETH", "wstETH", "rETH", "cbETH"]));
      expect([...strategies]).to.deep.equal(
        await Promise.all([s.strategies[0], wstStrategy, s.strategies[1], next].map((x) => x.getAddress())),
      );
      // Zero un-restakes an (unused) asset: it leaves positions() and the keeper can no longer restake it.
      await expect(s.vault.setStrategy(s.tokens.cbETH, ZeroAddress))
        .to.emit(s.vault, "StrategySet")
        .withArgs(s.tokens.cbETH, ZeroAddress);
      expect(await assetsOf(s)).to.deep.equal(await listed(s, ["stETH", "wstETH", "rETH"]));
      await expect(s.manager.connect(s.signers.keeper).restake(s.delegators[2], s.tokens.cbETH, 1n))
        .to.be.revertedWithCustomError(s.manager, "RestakingManagerNoStrategy")
        .withArgs(s.tokens.cbETH);
    });

    it("at most MAX_STRATEGIES = 4 assets restake (LRTVaultTooMany(4)); replacing one does not count, removing one frees a place", async function () {
      const s = await loadFixture(deploySuiteFixture);
      expect(await s.manager.MAX_STRATEGIES()).to.equal(4n);
      // The suite has three (stETH, rETH, cbETH); wstETH is the fourth.
      const wstStrategy = await deployStrategy(s.el, await s.tokens.wstETH.getAddress());
      await s.vault.setStrategy(s.tokens.wstETH, wstStrategy);
      expect((await s.manager.positions()).length).to.equal(4);
      const wethStrategy = await deployStrategy(s.el, await s.tokens.weth.getAddress());
      await expect(s.vault.setStrategy(s.tokens.weth, wethStrategy))
        .to.be.revertedWithCustomError(s.vault, "LRTVaultTooMany")
        .withArgs(4);
      // At the cap, an asset's (unused) strategy can still be replaced in place.
      const nextWst = await deployStrategy(s.el, await s.tokens.wstETH.getAddress());
      await expect(s.vault.setStrategy(s.tokens.wstETH, nextWst))
        .to.emit(s.vault, "StrategySet")
        .withArgs(s.tokens.wstETH, nextWst);
      expect((await s.manager.positions()).length).to.equal(4);
      expect(await s.manager.strategyOf(s.tokens.weth)).to.equal(ZeroAddress);
      // Removing one frees its place.
      await s.vault.setStrategy(s.tokens.wstETH, ZeroAddress);
      await expect(s.vault.setStrategy(s.tokens.weth, wethStrategy))
        .to.emit(s.vault, "StrategySet")
        .withArgs(s.tokens.weth, wethStrategy);
      expect(await assetsOf(s)).to.deep.equal(await listed(s, ["stETH", "rETH", "cbETH", "weth"]));
    });

    it("a strategy with withdrawable or queued shares cannot be replaced nor removed (it would drop out of positions())", async function () {
      const { s, m } = await restaked();
      const next = await deployStrategy(s.el, await s.tokens.rETH.getAddress());
      expect(await s.manager.inUse(s.strategies[1])).to.equal(true);
      await expect(s.vault.setStrategy(s.tokens.rETH, next))
        .to.be.revertedWithCustomError(s.vault, "LRTVaultStrategyInUse")
        .withArgs(s.tokens.rETH, s.strategies[1]);
      await expect(s.vault.setStrategy(s.tokens.rETH, ZeroAddress))
        .to.be.revertedWithCustomError(s.vault, "LRTVaultStrategyInUse")
        .withArgs(s.tokens.rETH, s.strategies[1]);
      // Shares in the queue are still "in use": both rETH holders force-undelegated, nothing withdrawable left.
      for (const i of [0, 1]) {
        expect(m.eigen.withdrawable(s.delegators[i].target as string, m.strategyOf("rETH"))).to.be.greaterThan(0n);
        await s.el.delegationManager.connect(s.operators[i]).undelegate(s.delegators[i]);
      }
      expect((await s.manager.positions())[1].withdrawableUnits).to.equal(0n);
      expect((await queuedOf(s, s.delegators[0].target as string)).length).to.equal(2);
      expect(await s.manager.inUse(s.strategies[1])).to.equal(true);
      await expect(s.vault.setStrategy(s.tokens.rETH, next))
        .to.be.revertedWithCustomError(s.vault, "LRTVaultStrategyInUse")
        .withArgs(s.tokens.rETH, s.strategies[1]);
      // A strategy no delegator ever touched is not in use.
      expect(await s.manager.inUse(next)).to.equal(false);
    });
  });

  describe("delegatorPositions", function () {
    it("reports every (delegator, strategy) pair with shares and tokens", async function () {
      const { s, m } = await restaked();
      await expectPositions(s, m);
      const rows = await s.manager.delegatorPositions();
      expect(rows.length).to.equal(s.delegators.length * s.strategies.length);
      const block = await ethers.provider.getBlockNumber();
      for (let d = 0; d < s.delegators.length; ++d) {
        for (let i = 0; i < m.tokens.length; ++i) {
          const row = rows[d * m.tokens.length + i];
          const delegator = s.delegators[d].target as string;
          const strategy = m.strategyOf(m.tokens[i]);
          const shares = m.eigen.withdrawable(delegator, strategy);
          expect(row.delegator).to.equal(delegator);
          expect(row.operator).to.equal(s.operators[d].address);
          expect(row.delegated).to.equal(true);
          expect(row.strategy).to.equal(ethers.getAddress(strategy));
          expect(row.withdrawableShares).to.equal(shares);
          expect(row.queuedShares).to.equal(m.queuedShares(m.tokens[i], block, [delegator]));
          expect(row.withdrawableTokens).to.equal(m.strategies.get(m.tokens[i])!.sharesToUnderlying(shares));
          expect(row.queuedTokens).to.equal(0n);
        }
      }
    });
  });
});
