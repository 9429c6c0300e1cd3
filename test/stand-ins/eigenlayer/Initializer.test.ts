import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { MaxUint256 } from "ethers";
import { EIGEN_DELAYS } from "../../../scripts/lib/eigenlayer";
import { WITHDRAWAL_DELAY, DEALLOCATION_DELAY, ACTIVATION_DELAY, allStandInsFixture } from "./guards";

/*
 * The Initializer mixin of every stand-in: a second initialization reverts and changes nothing (shared setup:
 * `guards.ts`).
 */

describe("Initializer (every stand-in)", function () {
  it("reverts a second PauserRegistry initialization with AlreadyInitialized", async function () {
    const f = await loadFixture(allStandInsFixture);
    await expect(f.pauserRegistry.initializeStandIn([f.stranger], f.stranger)).to.be.revertedWithCustomError(
      f.pauserRegistry,
      "AlreadyInitialized",
    );
    expect(await f.pauserRegistry.unpauser()).to.equal(f.admin.address);
    expect(await f.pauserRegistry.isPauser(f.stranger)).to.equal(false);
  });

  it("reverts a second StrategyManager initialization with AlreadyInitialized", async function () {
    const f = await loadFixture(allStandInsFixture);
    await expect(
      f.strategyManager
        .connect(f.stranger)
        .initializeStandIn(f.stranger, f.stranger, f.pauserRegistry, f.stranger, f.stranger, 1n),
    ).to.be.revertedWithCustomError(f.strategyManager, "AlreadyInitialized");
    expect(await f.strategyManager.owner()).to.equal(f.admin.address);
    expect(await f.strategyManager.strategyWhitelister()).to.equal(f.admin.address);
    expect(await f.strategyManager.delegation()).to.equal(await f.delegationManager.getAddress());
    expect(await f.strategyManager["paused()"]()).to.equal(0n);
  });

  it("reverts a second DelegationManager initialization with AlreadyInitialized", async function () {
    const f = await loadFixture(allStandInsFixture);
    await expect(
      f.delegationManager.connect(f.stranger).initializeStandIn(f.stranger, f.stranger, f.pauserRegistry, 1n, 1),
    ).to.be.revertedWithCustomError(f.delegationManager, "AlreadyInitialized");
    expect(await f.delegationManager.minWithdrawalDelayBlocks()).to.equal(BigInt(WITHDRAWAL_DELAY));
    expect(await f.delegationManager.strategyManager()).to.equal(await f.strategyManager.getAddress());
    expect(await f.delegationManager["paused()"]()).to.equal(0n);
  });

  it("reverts a second AllocationManager initialization with AlreadyInitialized", async function () {
    const f = await loadFixture(allStandInsFixture);
    await expect(
      f.allocationManager.connect(f.stranger).initializeStandIn(f.stranger, f.pauserRegistry, 1n, 1, 1),
    ).to.be.revertedWithCustomError(f.allocationManager, "AlreadyInitialized");
    expect(await f.allocationManager.DEALLOCATION_DELAY()).to.equal(BigInt(DEALLOCATION_DELAY));
    expect(await f.allocationManager.ALLOCATION_CONFIGURATION_DELAY()).to.equal(
      BigInt(EIGEN_DELAYS.allocationConfigurationDelay),
    );
    expect(await f.allocationManager.delegation()).to.equal(await f.delegationManager.getAddress());
  });

  it("reverts a second StrategyBaseTVLLimits initialization with AlreadyInitialized", async function () {
    const f = await loadFixture(allStandInsFixture);
    await expect(
      f.strategy.connect(f.stranger).initializeStandIn(f.stranger, f.pauserRegistry, f.otherToken),
    ).to.be.revertedWithCustomError(f.strategy, "AlreadyInitialized");
    expect(await f.strategy.underlyingToken()).to.equal(await f.token.getAddress());
    expect(await f.strategy.strategyManager()).to.equal(await f.strategyManager.getAddress());
    expect(await f.strategy.getTVLLimits()).to.deep.equal([MaxUint256, MaxUint256]);
  });

  it("reverts a second StrategyBase initialization with AlreadyInitialized", async function () {
    const f = await loadFixture(allStandInsFixture);
    await expect(
      f.strategyBase.connect(f.stranger).initializeStandIn(f.stranger, f.pauserRegistry, f.otherToken),
    ).to.be.revertedWithCustomError(f.strategyBase, "AlreadyInitialized");
    expect(await f.strategyBase.underlyingToken()).to.equal(await f.token.getAddress());
    expect(await f.strategyBase.strategyManager()).to.equal(await f.strategyManager.getAddress());
  });

  it("reverts a second RewardsCoordinator initialization with AlreadyInitialized", async function () {
    const f = await loadFixture(allStandInsFixture);
    await expect(
      f.rewardsCoordinator.connect(f.stranger).initializeStandIn(f.pauserRegistry, f.stranger, 1n, f.stranger, 1),
    ).to.be.revertedWithCustomError(f.rewardsCoordinator, "AlreadyInitialized");
    expect(await f.rewardsCoordinator.owner()).to.equal(f.admin.address);
    expect(await f.rewardsCoordinator.rewardsUpdater()).to.equal(f.admin.address);
    expect(await f.rewardsCoordinator.activationDelay()).to.equal(BigInt(ACTIVATION_DELAY));
  });
});
