import { expect } from "chai";
import { ethers } from "hardhat";
import { asWithdrawal } from "../../../scripts/lib/withdrawal";
import { loadFixture, mine } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionResponse } from "ethers";
import {
  EIGEN_DELAYS,
  ascending,
  deployAVS,
  deployEigenLayer,
  deployStrategy,
  registerOperator,
} from "../../../scripts/lib/eigenlayer";
import { EigenModel, StrategyModel, type QueuedWithdrawalModel } from "../../helpers/eigenlayerModel";
import { WAD } from "../../helpers/math";

const SET_ID = 1;
const ALLOCATED = WAD / 2n; // the operator allocates half of its magnitude to the AVS's set
const BURN_ADDRESS = "0x00000000000000000000000000000000000E16E4";

/** Two plain tokens and their strategies, an AVS with one set over both, an operator allocated to it. */
async function slashingFixture() {
  const [admin, operator, staker, stranger] = await ethers.getSigners();
  const el = await deployEigenLayer(admin);
  const tokenA = await ethers.deployContract("ERC20Mock", ["Token A", "TKA"]);
  const tokenB = await ethers.deployContract("ERC20Mock", ["Token B", "TKB"]);
  const strategyA = await deployStrategy(el, await tokenA.getAddress());
  const strategyB = await deployStrategy(el, await tokenB.getAddress());
  const strategies = ascending([await strategyA.getAddress(), await strategyB.getAddress()]);
  const avs = await deployAVS(el, admin, SET_ID, strategies);
  await registerOperator(el, operator, avs, SET_ID, strategies, ALLOCATED, 1);
  await mine(1); // the allocation becomes slashable after the 1-block allocation delay
  for (const token of [tokenA, tokenB]) {
    await token.mint(staker, ethers.parseEther("1000"));
    await token.connect(staker).approve(el.strategyManager, ethers.MaxUint256);
  }
  return { el, tokenA, tokenB, strategyA, strategyB, strategies, avs, admin, operator, staker, stranger };
}

type Fixture = Awaited<ReturnType<typeof slashingFixture>>;

/** The reference model of the fixture's state (fixtures are snapshots; models are rebuilt per test). */
async function modelOf(f: Fixture) {
  const eigen = new EigenModel(EIGEN_DELAYS.minWithdrawalDelayBlocks);
  const set = `${await f.avs.getAddress()}:${SET_ID}`;
  for (const s of f.strategies) eigen.allocate(f.operator.address, set, s, ALLOCATED);
  const strategy = new Map<string, StrategyModel>(f.strategies.map((s) => [s.toLowerCase(), new StrategyModel()]));
  return { eigen, set, strategy: (address: string) => strategy.get(address.toLowerCase())! };
}

async function blockOf(tx: Promise<ContractTransactionResponse>): Promise<number> {
  const receipt = await (await tx).wait();
  return receipt!.blockNumber;
}

describe("Local EigenLayer slashing semantics (against the TypeScript reference)", function () {
  async function depositAndDelegate(f: Fixture, m: Awaited<ReturnType<typeof modelOf>>, amounts: bigint[]) {
    const tokens = [f.tokenA, f.tokenB];
    const strategies = [f.strategyA, f.strategyB];
    for (let i = 0; i < amounts.length; ++i) {
      const address = await strategies[i].getAddress();
      await f.el.strategyManager.connect(f.staker).depositIntoStrategy(strategies[i], tokens[i], amounts[i]);
      m.eigen.deposit(f.staker.address, address, m.strategy(address).deposit(amounts[i]));
    }
    await f.el.delegationManager
      .connect(f.staker)
      .delegateTo(f.operator, { signature: "0x", expiry: 0 }, ethers.ZeroHash);
    m.eigen.delegate(f.staker.address, f.operator.address, f.strategies);
  }

  async function expectStakerMatchesModel(f: Fixture, m: Awaited<ReturnType<typeof modelOf>>, address: string) {
    const [withdrawable, deposit] = await f.el.delegationManager.getWithdrawableShares(f.staker, [address]);
    expect(deposit[0]).to.equal(m.eigen.depositSharesOf(f.staker.address, address));
    expect(withdrawable[0]).to.equal(m.eigen.withdrawable(f.staker.address, address));
    expect(await f.el.delegationManager.depositScalingFactor(f.staker, address)).to.equal(
      m.eigen.scalingFactor(f.staker.address, address),
    );
    expect(await f.el.delegationManager.operatorShares(f.operator, address)).to.equal(
      m.eigen.operatorShares(f.operator.address, address),
    );
  }

  async function slash(f: Fixture, m: Awaited<ReturnType<typeof modelOf>>, strategy: string, wad: bigint) {
    const tx = f.avs.slash(f.operator, SET_ID, [strategy], [wad], "misbehaved");
    const block = await blockOf(tx);
    const removed = m.eigen.slash(f.operator.address, m.set, strategy, wad, block);
    await expect(tx).to.emit(f.el.delegationManager, "OperatorSharesSlashed").withArgs(f.operator, strategy, removed);
    return { block, removed };
  }

  it("deposit → delegate → slash 25% of the allocation → withdrawable shares", async function () {
    const f = await loadFixture(slashingFixture);
    const m = await modelOf(f);
    const a = await f.strategyA.getAddress();
    const amount = ethers.parseEther("10") + 12_345n;

    await depositAndDelegate(f, m, [amount]);
    // A first deposit into an empty strategy mints exactly `amount` shares (1000/1000 offset).
    expect(m.eigen.depositSharesOf(f.staker.address, a)).to.equal(amount);
    await expectStakerMatchesModel(f, m, a);
    expect((await f.el.delegationManager.getWithdrawableShares(f.staker, [a]))[0][0]).to.equal(amount);

    await slash(f, m, a, ethers.parseEther("0.25"));
    // 25% of an allocation of 0.5 is 0.125 of the operator's magnitude: the max magnitude falls to 0.875.
    expect(await f.el.allocationManager.getMaxMagnitude(f.operator, a)).to.equal(875_000_000_000_000_000n);
    await expectStakerMatchesModel(f, m, a);
    // floor(amount * 0.875)
    expect(m.eigen.withdrawable(f.staker.address, a)).to.equal((amount * 875n) / 1000n);
    // The deposit shares are untouched: only withdrawable shares reflect the slash.
    expect(await f.el.strategyManager.stakerDepositShares(f.staker, a)).to.equal(amount);
    // The other strategy of the set was not slashed.
    expect(await f.el.allocationManager.getMaxMagnitude(f.operator, f.strategyB)).to.equal(WAD);
  });

  it("a second slash compounds on the remaining allocation, and a deposit after it keeps its full value", async function () {
    const f = await loadFixture(slashingFixture);
    const m = await modelOf(f);
    const a = await f.strategyA.getAddress();
    await depositAndDelegate(f, m, [ethers.parseEther("7") + 3n]);

    await slash(f, m, a, ethers.parseEther("0.25"));
    const second = await slash(f, m, a, ethers.parseEther("0.1"));
    // Allocation 0.375 after the first slash; 10% of it is 0.0375: max magnitude 0.8375.
    expect(await f.el.allocationManager.getMaxMagnitude(f.operator, a)).to.equal(837_500_000_000_000_000n);
    expect(second.removed).to.be.greaterThan(0n);
    await expectStakerMatchesModel(f, m, a);

    const before = m.eigen.withdrawable(f.staker.address, a);
    const added = ethers.parseEther("3") + 777n;
    await f.el.strategyManager.connect(f.staker).depositIntoStrategy(f.strategyA, f.tokenA, added);
    const newShares = m.strategy(a).deposit(added);
    m.eigen.deposit(f.staker.address, a, newShares);
    await expectStakerMatchesModel(f, m, a);
    // The new deposit keeps its value up to EigenLayer's own rounding: the scaling factor has WAD precision, so
    // each 1e18 deposit shares held can lose ~2 wei (SEMANTICS §9). Never more than it added.
    const after = m.eigen.withdrawable(f.staker.address, a);
    const total = m.eigen.depositSharesOf(f.staker.address, a);
    expect(after - before).to.be.within(newShares - 2n * (total / WAD + 1n), newShares);
  });

  it("a queued withdrawal is slashed inside its window and not after it; completing one block early reverts", async function () {
    const f = await loadFixture(slashingFixture);
    const m = await modelOf(f);
    const a = await f.strategyA.getAddress();
    const delay = EIGEN_DELAYS.minWithdrawalDelayBlocks;
    await depositAndDelegate(f, m, [ethers.parseEther("20") + 1n]);
    await slash(f, m, a, ethers.parseEther("0.25"));

    // Queue a third of the withdrawable shares, converted to deposit shares as the vault will.
    const target = m.eigen.withdrawable(f.staker.address, a) / 3n;
    const depositShares = m.eigen.toDepositShares(f.staker.address, a, target);
    expect((await f.el.delegationManager.convertToDepositShares(f.staker, [a], [target]))[0]).to.equal(depositShares);
    const queue = (shares: bigint) =>
      f.el.delegationManager
        .connect(f.staker)
        .queueWithdrawals([{ strategies: [a], depositShares: [shares], __deprecated_withdrawer: f.staker.address }]);
    const start1 = await blockOf(queue(depositShares));
    const w1 = m.eigen.queueWithdrawal(f.staker.address, a, depositShares, start1);
    await expectStakerMatchesModel(f, m, a);
    const root1 = (await f.el.delegationManager.getQueuedWithdrawalRoots(f.staker))[0];
    const readShares = async (root: string) => (await f.el.delegationManager.getQueuedWithdrawal(root))[1][0];
    expect(await readShares(root1)).to.equal(m.eigen.withdrawalShares(w1.withdrawal, start1));

    // A slash inside the window reaches the queued shares (and burns the queued part with the operator's).
    await mine(delay - 5);
    const inside = await slash(f, m, a, ethers.parseEther("0.2"));
    expect(inside.block).to.be.at.most(start1 + delay);
    const slashedQueued = m.eigen.withdrawalShares(w1.withdrawal, inside.block);
    expect(slashedQueued).to.be.lessThan(w1.withdrawable);
    expect(await readShares(root1)).to.equal(slashedQueued);
    await expectStakerMatchesModel(f, m, a);

    // Queue a second withdrawal, let its window pass, then slash: it keeps its value.
    const start2 = await blockOf(queue(m.eigen.depositSharesOf(f.staker.address, a) / 2n));
    const w2 = m.eigen.queueWithdrawal(f.staker.address, a, m.eigen.depositSharesOf(f.staker.address, a) / 2n, start2);
    const root2 = (await f.el.delegationManager.getQueuedWithdrawalRoots(f.staker))[1];
    await mine(delay + 1);
    const valueBefore = await readShares(root2);
    const after = await slash(f, m, a, ethers.parseEther("0.5"));
    expect(after.block).to.be.greaterThan(start2 + delay);
    expect(await readShares(root2)).to.equal(valueBefore);
    expect(await readShares(root2)).to.equal(m.eigen.withdrawalShares(w2.withdrawal, after.block));
    await expectStakerMatchesModel(f, m, a);

    // Completion: the stored withdrawal, exactly as queued.
    const [withdrawals] = await f.el.delegationManager.getQueuedWithdrawals(f.staker);
    expect(withdrawals[0].scaledShares[0]).to.equal(w1.withdrawal.scaledShares);
    expect(withdrawals[0].delegatedTo).to.equal(f.operator.address);

    const complete = (w: (typeof withdrawals)[number]) =>
      f.el.delegationManager.connect(f.staker).completeQueuedWithdrawal(asWithdrawal(w), [f.tokenA], true);
    // W2 (queued later) can complete now; W1 long since. Check W1's boundary on a fresh third withdrawal instead.
    const start3 = await blockOf(queue(m.eigen.depositSharesOf(f.staker.address, a) / 4n));
    const w3 = m.eigen.queueWithdrawal(f.staker.address, a, m.eigen.depositSharesOf(f.staker.address, a) / 4n, start3);
    const [all] = await f.el.delegationManager.getQueuedWithdrawals(f.staker);
    const third = all.find((w) => Number(w.startBlock) === start3)!;
    const latest = await ethers.provider.getBlockNumber();
    await mine(start3 + delay - 1 - latest); // the next transaction runs in block start3 + delay
    await expect(complete(third)).to.be.revertedWithCustomError(f.el.delegationManager, "WithdrawalDelayNotElapsed");
    await mine(1);

    const balanceBefore = await f.tokenA.balanceOf(f.staker);
    let expectedTokens = 0n;
    for (const [w, model] of [
      [withdrawals[0], w1.withdrawal],
      [withdrawals[1], w2.withdrawal],
      [third, w3.withdrawal],
    ] as [(typeof withdrawals)[number], QueuedWithdrawalModel][]) {
      const block = await blockOf(complete(w));
      expectedTokens += m.strategy(a).withdraw(m.eigen.withdrawalShares(model, block));
    }
    expect((await f.tokenA.balanceOf(f.staker)) - balanceBefore).to.equal(expectedTokens);
    expect(await f.el.delegationManager.getQueuedWithdrawalRoots(f.staker)).to.deep.equal([]);
  });

  it("forced undelegation by the operator queues every strategy, still valued with its slashing", async function () {
    const f = await loadFixture(slashingFixture);
    const m = await modelOf(f);
    const [a, b] = [await f.strategyA.getAddress(), await f.strategyB.getAddress()];
    await depositAndDelegate(f, m, [ethers.parseEther("5") + 11n, ethers.parseEther("9") + 13n]);
    await slash(f, m, a, ethers.parseEther("0.3"));
    const withdrawableBefore = [a, b].map((s) => m.eigen.withdrawable(f.staker.address, s));

    const tx = f.el.delegationManager.connect(f.operator).undelegate(f.staker);
    await expect(tx).to.emit(f.el.delegationManager, "StakerForceUndelegated").withArgs(f.staker, f.operator);
    const block = await blockOf(tx);
    const queued = m.eigen.undelegate(f.staker.address, [a, b], block);

    expect(await f.el.delegationManager.delegatedTo(f.staker)).to.equal(ethers.ZeroAddress);
    const [withdrawals, shares] = await f.el.delegationManager.getQueuedWithdrawals(f.staker);
    expect(withdrawals.length).to.equal(2);
    for (let i = 0; i < 2; ++i) {
      const model = queued.find((q) => q.strategy === withdrawals[i].strategies[0].toLowerCase())!;
      expect(withdrawals[i].strategies.length).to.equal(1);
      expect(withdrawals[i].delegatedTo).to.equal(f.operator.address);
      expect(withdrawals[i].scaledShares[0]).to.equal(model.scaledShares);
      expect(shares[i][0]).to.equal(m.eigen.withdrawalShares(model, block));
    }
    // Nothing is lost by the undelegation: each queued amount equals what was withdrawable just before.
    expect(shares.map((s) => s[0]).sort()).to.deep.equal([...withdrawableBefore].sort());
    for (const s of [a, b]) {
      expect(await f.el.strategyManager.stakerDepositShares(f.staker, s)).to.equal(0n);
      expect(await f.el.delegationManager.operatorShares(f.operator, s)).to.equal(
        m.eigen.operatorShares(f.operator.address, s),
      );
    }
    // Operators cannot be undelegated, and strangers cannot undelegate anyone.
    await expect(f.el.delegationManager.connect(f.stranger).undelegate(f.operator)).to.be.revertedWithCustomError(
      f.el.delegationManager,
      "OperatorsCannotUndelegate",
    );
  });

  it("slashed shares are parked for burning with exactly what the slash removed", async function () {
    const f = await loadFixture(slashingFixture);
    const m = await modelOf(f);
    const a = await f.strategyA.getAddress();
    await depositAndDelegate(f, m, [ethers.parseEther("4") + 5n]);
    const { removed } = await slash(f, m, a, ethers.parseEther("0.25"));
    const set = { avs: await f.avs.getAddress(), id: SET_ID };
    expect(
      await f.el.strategyManager["getBurnOrRedistributableShares((address,uint32),uint256,address)"](set, 1, a),
    ).to.equal(removed);
    const expectedBurn = m.strategy(a).withdraw(removed);
    await f.el.strategyManager.connect(f.stranger).clearBurnOrRedistributableSharesByStrategy(set, 1, a);
    expect(await f.tokenA.balanceOf(BURN_ADDRESS)).to.equal(expectedBurn);
    expect(await f.strategyA.totalShares()).to.equal(m.strategy(a).totalShares);
  });
});
