import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { Wallet, ZeroAddress, parseEther } from "ethers";
import { OperatorDelegator__factory, RestakingManager__factory } from "../../typechain-types";
import { deployStrategy } from "../fixtures/eigenlayer";
import { deployProxy } from "../fixtures/vault";
import { restaked } from "../fixtures/restaked";
import { ROLES, deploySuiteFixture, type Suite } from "../fixtures/suite";
import { expectPositions, queuedOf } from "../helpers/restaking";

/** `OperatorDelegator.initialize` arguments for delegator 0: manager, vault, operator, StrategyManager,
 * DelegationManager, RewardsCoordinator. */
type DelegatorInitArgs = [string, string, string, string, string, string];

async function delegatorInitArgs(s: Suite): Promise<DelegatorInitArgs> {
  const targets = [
    s.manager,
    s.vault,
    s.operators[0],
    s.el.strategyManager,
    s.el.delegationManager,
    s.rewardsCoordinator,
  ];
  return (await Promise.all(targets.map((x) => ethers.resolveAddress(x)))) as DelegatorInitArgs;
}

/** A factory of manager implementations, linked to a fresh RestakingPositions library (its EigenLayer reads). */
async function managerFactory(s: Suite): Promise<RestakingManager__factory> {
  const positions = await ethers.deployContract("RestakingPositions", s.signers.admin);
  return new RestakingManager__factory(
    { "contracts/libraries/RestakingPositions.sol:RestakingPositions": await positions.getAddress() },
    s.signers.admin,
  );
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
      await unauthorized(k.setStrategy(s.tokens.rETH, s.strategies[1]));
      await unauthorized(k.setRewardsRecipient(s.signers.bob));
      await unauthorized(k.redelegate(d0, s.operators[1]));
      await unauthorized(k.upgradeToAndCall(await s.manager.getAddress(), "0x"));

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
      const next = await (await managerFactory(s)).deploy();
      await s.manager.upgradeToAndCall(next, "0x");
      expect(await s.manager.delegators()).to.deep.equal(delegators);
      expect(await s.manager.strategyOf(s.tokens.stETH)).to.equal(s.strategies[0]);
      const nextDelegator = await new OperatorDelegator__factory(s.signers.admin).deploy();
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
      expect(await d0.manager()).to.equal(s.manager);
      expect(await d0.operator()).to.equal(s.operators[0].address);
      expect(await d0.previousOperator()).to.equal(ZeroAddress); // never redelegated
      // The AllocationManager is not an argument: initialize reads it from the DelegationManager.
      const expected = [
        s.vault,
        s.el.allocationManager,
        s.el.strategyManager,
        s.el.delegationManager,
        s.rewardsCoordinator,
        s.beacon,
      ];
      expect([...(await s.manager.links())], "manager links").to.deep.equal(
        await Promise.all(expected.map((x) => ethers.resolveAddress(x))),
      );
      const args = await delegatorInitArgs(s);
      await expect(d0.initialize(...args)).to.be.revertedWithCustomError(d0, "InvalidInitialization");
      await expect(s.delegatorImplementation.initialize(...args)).to.be.revertedWithCustomError(
        d0,
        "InvalidInitialization",
      );
      await expect(
        s.manager.initialize(
          s.accessManager,
          s.vault,
          s.el.strategyManager,
          s.el.delegationManager,
          s.rewardsCoordinator,
          s.beacon,
          s.signers.bob,
        ),
      ).to.be.revertedWithCustomError(s.manager, "InvalidInitialization");
    });

    it("a new manager proxy takes 7 initialize arguments, refuses a zero in any, and reads the AllocationManager from the DelegationManager", async function () {
      const s = await loadFixture(deploySuiteFixture);
      const impl = await (await managerFactory(s)).deploy();
      const args = (await Promise.all(
        [
          s.accessManager,
          s.vault,
          s.el.strategyManager,
          s.el.delegationManager,
          s.rewardsCoordinator,
          s.beacon,
          s.signers.rewardsRecipient,
        ].map((x) => ethers.resolveAddress(x)),
      )) as [string, string, string, string, string, string, string];
      const iface = RestakingManager__factory.createInterface();
      expect(iface.getFunction("initialize").inputs.length).to.equal(7);
      for (let i = 0; i < args.length; ++i) {
        const bad = args.map((a, k) => (k === i ? ZeroAddress : a)) as typeof args;
        await expect(
          deployProxy(s.signers.admin, await impl.getAddress(), iface.encodeFunctionData("initialize", bad)),
          `argument ${i}`,
        ).to.be.revertedWithCustomError(impl, "RestakingManagerZeroInput");
      }
      const proxy = RestakingManager__factory.connect(
        await deployProxy(s.signers.admin, await impl.getAddress(), iface.encodeFunctionData("initialize", args)),
        s.signers.admin,
      );
      const links = await proxy.links();
      expect(links.allocationManager).to.equal(await s.el.allocationManager.getAddress());
      expect([...links]).to.deep.equal([args[1], await s.el.allocationManager.getAddress(), ...args.slice(2, 6)]);
      expect(await proxy.rewardsRecipient()).to.equal(s.signers.rewardsRecipient.address);
    });

    it("a new delegator proxy refuses a zero address in any initialize argument (OperatorDelegatorZeroAddress)", async function () {
      const s = await loadFixture(deploySuiteFixture);
      const args = await delegatorInitArgs(s);
      const iface = OperatorDelegator__factory.createInterface();
      const proxyFactory = await ethers.getContractFactory("BeaconProxy");
      for (let i = 0; i < args.length; ++i) {
        const bad = args.map((a, k) => (k === i ? ZeroAddress : a)) as DelegatorInitArgs;
        const init = iface.encodeFunctionData("initialize", bad);
        await expect(proxyFactory.deploy(s.beacon, init), `argument ${i}`).to.be.revertedWithCustomError(
          s.delegatorImplementation,
          "OperatorDelegatorZeroAddress",
        );
      }
      // The same arguments, none zero, initialize a proxy, which delegates itself to the operator.
      const proxy = await proxyFactory.deploy(s.beacon, iface.encodeFunctionData("initialize", args));
      expect(await s.el.delegationManager.delegatedTo(proxy)).to.equal(s.operators[0].address);
    });
  });

  describe("delegators and targets", function () {
    it("addDelegator keeps the targets at most 10000, needs a registered operator, and stops at 16", async function () {
      const s = await loadFixture(deploySuiteFixture);
      await expect(s.manager.addDelegator(s.operators[0], 1)).to.be.revertedWithCustomError(
        s.manager,
        "RestakingManagerInvalidTargets",
      );
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
      await expect(s.manager.addDelegator(s.operators[0], 0)).to.be.revertedWithCustomError(
        s.manager,
        "RestakingManagerTooMany",
      );
    });

    it("setTargets replaces every target, each delegator once, summing to exactly 10000", async function () {
      const s = await loadFixture(deploySuiteFixture);
      const [d0, d1, d2] = s.delegators;
      const invalid = async (p: Promise<unknown>) =>
        expect(p).to.be.revertedWithCustomError(s.manager, "RestakingManagerInvalidTargets");
      await invalid(s.manager.setTargets([d0, d1], [5000, 5000]));
      await invalid(s.manager.setTargets([d0, d1, d2], [5000, 5000]));
      await invalid(s.manager.setTargets([d0, d0, d2], [4000, 4000, 2000]));
      await invalid(s.manager.setTargets([d0, d1, d2], [4000, 4000, 1999]));
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
  });

  describe("strategies", function () {
    it("setStrategy needs a vault asset whose token the strategy holds, and a real change", async function () {
      const s = await loadFixture(deploySuiteFixture);
      const stray = await ethers.deployContract("ERC20Mock", ["Stray", "STR"]);
      const strayStrategy = await deployStrategy(s.el, await stray.getAddress());
      await expect(s.manager.setStrategy(stray, strayStrategy))
        .to.be.revertedWithCustomError(s.manager, "RestakingManagerUnsupportedAsset")
        .withArgs(stray);
      await expect(s.manager.setStrategy(s.tokens.cbETH, s.strategies[1]))
        .to.be.revertedWithCustomError(s.manager, "RestakingManagerStrategyMismatch")
        .withArgs(s.tokens.cbETH, s.strategies[1]);
      await expect(s.manager.setStrategy(s.tokens.rETH, s.strategies[1])).to.be.revertedWithCustomError(
        s.manager,
        "RestakingManagerNoChange",
      );
      await expect(s.manager.setStrategy(ZeroAddress, s.strategies[1])).to.be.revertedWithCustomError(
        s.manager,
        "RestakingManagerZeroInput",
      );
      // A strategy nobody holds can be replaced, in place (positions() keeps its asset order).
      const next = await deployStrategy(s.el, await s.tokens.cbETH.getAddress());
      await expect(s.manager.setStrategy(s.tokens.cbETH, next))
        .to.emit(s.manager, "StrategySet")
        .withArgs(s.tokens.cbETH, next);
      expect(await s.manager.strategyOf(s.tokens.cbETH)).to.equal(next);
      expect((await s.manager.positions()).map((p) => p.asset)).to.deep.equal([
        await s.tokens.stETH.getAddress(),
        await s.tokens.rETH.getAddress(),
        await s.tokens.cbETH.getAddress(),
      ]);
      // A new asset appends.
      const wstStrategy = await deployStrategy(s.el, await s.tokens.wstETH.getAddress());
      await s.manager.setStrategy(s.tokens.wstETH, wstStrategy);
      expect((await s.manager.positions())[3].asset).to.equal(await s.tokens.wstETH.getAddress());
    });

    it("setStrategy stops at MAX_STRATEGIES = 4 assets (RestakingManagerTooMany); replacing one does not count", async function () {
      const s = await loadFixture(deploySuiteFixture);
      expect(await s.manager.MAX_STRATEGIES()).to.equal(4n);
      // The suite has three (stETH, rETH, cbETH); wstETH is the fourth.
      const wstStrategy = await deployStrategy(s.el, await s.tokens.wstETH.getAddress());
      await s.manager.setStrategy(s.tokens.wstETH, wstStrategy);
      expect((await s.manager.positions()).length).to.equal(4);
      const wethStrategy = await deployStrategy(s.el, await s.tokens.weth.getAddress());
      await expect(s.manager.setStrategy(s.tokens.weth, wethStrategy)).to.be.revertedWithCustomError(
        s.manager,
        "RestakingManagerTooMany",
      );
      // At the cap, an asset's (unused) strategy can still be replaced in place.
      const nextWst = await deployStrategy(s.el, await s.tokens.wstETH.getAddress());
      await expect(s.manager.setStrategy(s.tokens.wstETH, nextWst))
        .to.emit(s.manager, "StrategySet")
        .withArgs(s.tokens.wstETH, nextWst);
      expect((await s.manager.positions()).length).to.equal(4);
      expect(await s.manager.strategyOf(s.tokens.weth)).to.equal(ZeroAddress);
    });

    it("a strategy with withdrawable or queued shares cannot be replaced (it would drop out of positions())", async function () {
      const { s, m } = await restaked();
      const next = await deployStrategy(s.el, await s.tokens.rETH.getAddress());
      await expect(s.manager.setStrategy(s.tokens.rETH, next))
        .to.be.revertedWithCustomError(s.manager, "RestakingManagerStrategyInUse")
        .withArgs(s.tokens.rETH, s.strategies[1]);
      // Shares in the queue are still "in use": both rETH holders force-undelegated, nothing withdrawable left.
      for (const i of [0, 1]) {
        expect(m.eigen.withdrawable(s.delegators[i].target as string, m.strategyOf("rETH"))).to.be.greaterThan(0n);
        await s.el.delegationManager.connect(s.operators[i]).undelegate(s.delegators[i]);
      }
      expect((await s.manager.positions())[1].withdrawableUnits).to.equal(0n);
      expect((await queuedOf(s, s.delegators[0].target as string)).length).to.equal(2);
      await expect(s.manager.setStrategy(s.tokens.rETH, next)).to.be.revertedWithCustomError(
        s.manager,
        "RestakingManagerStrategyInUse",
      );
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
