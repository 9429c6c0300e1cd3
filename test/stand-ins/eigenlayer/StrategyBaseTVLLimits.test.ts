import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { MaxUint256, parseEther } from "ethers";
import {
  bit,
  PAUSED_DEPOSITS,
  PAUSED_WITHDRAWALS,
  BURN_ADDRESS,
  DEPOSIT,
  QUARTER,
  sharesForDeposit,
  underlyingForShares,
  deployCoreFixture,
  delegatedFixture,
  slash,
  maturedWithdrawalsFixture,
  complete,
} from "./guards";

/*
 * The StrategyBaseTVLLimits stand-in: pause bits 0 (deposits) and 1 (withdrawals), setTVLLimits, the TVL caps on
 * deposit, and deposit, withdraw and the share hooks (shared setup: `guards.ts`).
 */

/** Matured withdrawals, one slash of the operator in `strategy`, then the strategy's withdrawals paused. */
async function strategyWithdrawalsPausedFixture() {
  const f = await maturedWithdrawalsFixture();
  await slash(f);
  await f.strategy.connect(f.admin).pause(bit(PAUSED_WITHDRAWALS));
  return f;
}

async function strategyDepositsPausedFixture() {
  const f = await maturedWithdrawalsFixture();
  await f.strategy.connect(f.admin).pause(bit(PAUSED_DEPOSITS));
  return f;
}

/** Cap values of the TVL tests. */
const MAX_PER_DEPOSIT = parseEther("10");
const MAX_TOTAL_DEPOSITS = parseEther("25");

async function cappedStrategyFixture() {
  const f = await deployCoreFixture();
  await f.strategy.connect(f.admin).setTVLLimits(MAX_PER_DEPOSIT, MAX_TOTAL_DEPOSITS);
  return f;
}

describe("StrategyBaseTVLLimits (stand-in guards)", function () {
  describe("pause bit 0 (deposits)", function () {
    it("reverts a deposit through the StrategyManager with CurrentlyPaused and changes nothing", async function () {
      const f = await loadFixture(strategyDepositsPausedFixture);
      expect(await f.strategy["paused(uint8)"](PAUSED_DEPOSITS)).to.equal(true);
      const balance = await f.token.balanceOf(f.staker);
      const totalShares = await f.strategy.totalShares();

      await expect(
        f.strategyManager.connect(f.staker).depositIntoStrategy(f.strategy, f.token, DEPOSIT),
      ).to.be.revertedWithCustomError(f.strategy, "CurrentlyPaused");

      expect(await f.token.balanceOf(f.staker)).to.equal(balance);
      expect(await f.strategy.totalShares()).to.equal(totalShares);
      expect(await f.strategyManager.stakerDepositShares(f.staker, f.strategy)).to.equal(DEPOSIT - 2n * QUARTER);
    });

    it("leaves other strategies' deposits and this strategy's withdrawals open", async function () {
      const f = await loadFixture(strategyDepositsPausedFixture);
      await f.strategyManager.connect(f.staker).depositIntoStrategy(f.strategy2, f.token2, DEPOSIT);
      expect(await f.strategyManager.stakerDepositShares(f.staker, f.strategy2)).to.equal(DEPOSIT);

      const strategyBalance = await f.token.balanceOf(f.strategy);
      const totalShares = await f.strategy.totalShares();
      const stakerBalance = await f.token.balanceOf(f.staker);
      await complete(f, f.w1, true);
      expect(await f.token.balanceOf(f.staker)).to.equal(
        stakerBalance + underlyingForShares(QUARTER, totalShares, strategyBalance),
      );
    });

    it("accepts deposits again after unpause(0)", async function () {
      const f = await loadFixture(strategyDepositsPausedFixture);
      await f.strategy.connect(f.admin).unpause(0);
      const totalShares = await f.strategy.totalShares();
      const strategyBalance = await f.token.balanceOf(f.strategy);
      await f.strategyManager.connect(f.staker).depositIntoStrategy(f.strategy, f.token, DEPOSIT);
      expect(await f.strategy.totalShares()).to.equal(
        totalShares + sharesForDeposit(DEPOSIT, totalShares, strategyBalance),
      );
    });
  });

  describe("pause bit 1 (withdrawals)", function () {
    it("reverts completing a withdrawal as tokens with CurrentlyPaused; completing as shares still works", async function () {
      const f = await loadFixture(strategyWithdrawalsPausedFixture);
      expect(await f.strategy["paused(uint8)"](PAUSED_WITHDRAWALS)).to.equal(true);
      const balance = await f.token.balanceOf(f.staker);

      await expect(complete(f, f.w1, true)).to.be.revertedWithCustomError(f.strategy, "CurrentlyPaused");
      expect(await f.token.balanceOf(f.staker)).to.equal(balance);
      expect(await f.delegationManager.pendingWithdrawals(f.w1.root)).to.equal(true);

      // The withdrawals were queued before the slash and matured before it: their shares are whole.
      await complete(f, f.w2, false);
      expect(await f.strategyManager.stakerDepositShares(f.staker, f.strategy)).to.equal(
        DEPOSIT - 2n * QUARTER + QUARTER,
      );
      expect(await f.delegationManager.pendingWithdrawals(f.w2.root)).to.equal(false);
    });

    it("reverts clearing slashed shares with CurrentlyPaused", async function () {
      const f = await loadFixture(strategyWithdrawalsPausedFixture);
      const parked = await f.strategyManager["getBurnOrRedistributableShares((address,uint32),uint256,address)"](
        f.set,
        1n,
        f.strategy,
      );
      expect(parked).to.be.greaterThan(0n);

      await expect(
        f.strategyManager.connect(f.stranger).clearBurnOrRedistributableSharesByStrategy(f.set, 1n, f.strategy),
      ).to.be.revertedWithCustomError(f.strategy, "CurrentlyPaused");
      await expect(
        f.strategyManager.connect(f.stranger).clearBurnOrRedistributableShares(f.set, 1n),
      ).to.be.revertedWithCustomError(f.strategy, "CurrentlyPaused");

      expect(
        await f.strategyManager["getBurnOrRedistributableShares((address,uint32),uint256,address)"](
          f.set,
          1n,
          f.strategy,
        ),
      ).to.equal(parked);
      expect(await f.token.balanceOf(BURN_ADDRESS)).to.equal(0n);
    });

    it("leaves deposits open", async function () {
      const f = await loadFixture(strategyWithdrawalsPausedFixture);
      const totalShares = await f.strategy.totalShares();
      const strategyBalance = await f.token.balanceOf(f.strategy);
      await f.strategyManager.connect(f.staker2).depositIntoStrategy(f.strategy, f.token, DEPOSIT);
      expect(await f.strategyManager.stakerDepositShares(f.staker2, f.strategy)).to.equal(
        sharesForDeposit(DEPOSIT, totalShares, strategyBalance),
      );
    });

    it("pays out as tokens and clears again after unpause(0)", async function () {
      const f = await loadFixture(strategyWithdrawalsPausedFixture);
      await f.strategy.connect(f.admin).unpause(0);

      const strategyBalance = await f.token.balanceOf(f.strategy);
      const totalShares = await f.strategy.totalShares();
      const stakerBalance = await f.token.balanceOf(f.staker);
      await complete(f, f.w1, true);
      const paid = underlyingForShares(QUARTER, totalShares, strategyBalance);
      expect(await f.token.balanceOf(f.staker)).to.equal(stakerBalance + paid);

      const parked = await f.strategyManager["getBurnOrRedistributableShares((address,uint32),uint256,address)"](
        f.set,
        1n,
        f.strategy,
      );
      const burned = underlyingForShares(parked, totalShares - QUARTER, strategyBalance - paid);
      await f.strategyManager.connect(f.stranger).clearBurnOrRedistributableSharesByStrategy(f.set, 1n, f.strategy);
      expect(await f.token.balanceOf(BURN_ADDRESS)).to.equal(burned);
    });
  });

  describe("setTVLLimits", function () {
    it("reverts OnlyUnpauser for anyone but the unpauser (a pauser included), and changes nothing", async function () {
      const f = await loadFixture(deployCoreFixture);
      for (const caller of [f.stranger, f.pauser, f.staker]) {
        await expect(f.strategy.connect(caller).setTVLLimits(1n, 2n)).to.be.revertedWithCustomError(
          f.strategy,
          "OnlyUnpauser",
        );
      }
      expect(await f.strategy.getTVLLimits()).to.deep.equal([MaxUint256, MaxUint256]);
    });

    it("reverts MaxPerDepositExceedsMax when the per-deposit cap exceeds the total cap", async function () {
      const f = await loadFixture(deployCoreFixture);
      await expect(
        f.strategy.connect(f.admin).setTVLLimits(MAX_TOTAL_DEPOSITS + 1n, MAX_TOTAL_DEPOSITS),
      ).to.be.revertedWithCustomError(f.strategy, "MaxPerDepositExceedsMax");
      expect(await f.strategy.getTVLLimits()).to.deep.equal([MaxUint256, MaxUint256]);

      await f.strategy.connect(f.admin).setTVLLimits(MAX_TOTAL_DEPOSITS, MAX_TOTAL_DEPOSITS);
      expect(await f.strategy.getTVLLimits()).to.deep.equal([MAX_TOTAL_DEPOSITS, MAX_TOTAL_DEPOSITS]);
    });
  });

  describe("TVL caps on deposit", function () {
    it("reverts MaxPerDepositExceedsMax above maxPerDeposit and accepts exactly maxPerDeposit", async function () {
      const f = await loadFixture(cappedStrategyFixture);
      const balance = await f.token.balanceOf(f.staker);
      await expect(
        f.strategyManager.connect(f.staker).depositIntoStrategy(f.strategy, f.token, MAX_PER_DEPOSIT + 1n),
      ).to.be.revertedWithCustomError(f.strategy, "MaxPerDepositExceedsMax");
      expect(await f.token.balanceOf(f.staker)).to.equal(balance);
      expect(await f.strategy.totalShares()).to.equal(0n);

      await f.strategyManager.connect(f.staker).depositIntoStrategy(f.strategy, f.token, MAX_PER_DEPOSIT);
      expect(await f.strategyManager.stakerDepositShares(f.staker, f.strategy)).to.equal(MAX_PER_DEPOSIT);
    });

    it("reverts BalanceExceedsMaxTotalDeposits when the balance after the transfer exceeds the cap", async function () {
      const f = await loadFixture(cappedStrategyFixture);
      const sm = f.strategyManager;
      await sm.connect(f.staker).depositIntoStrategy(f.strategy, f.token, MAX_PER_DEPOSIT);
      await sm.connect(f.staker2).depositIntoStrategy(f.strategy, f.token, MAX_PER_DEPOSIT);
      const room = MAX_TOTAL_DEPOSITS - 2n * MAX_PER_DEPOSIT;
      const totalShares = await f.strategy.totalShares();
      const balance = await f.token.balanceOf(f.stranger);

      await expect(
        sm.connect(f.stranger).depositIntoStrategy(f.strategy, f.token, room + 1n),
      ).to.be.revertedWithCustomError(f.strategy, "BalanceExceedsMaxTotalDeposits");
      expect(await f.token.balanceOf(f.stranger)).to.equal(balance);
      expect(await f.token.balanceOf(f.strategy)).to.equal(2n * MAX_PER_DEPOSIT);
      expect(await f.strategy.totalShares()).to.equal(totalShares);

      // Exactly at the cap is allowed.
      await sm.connect(f.stranger).depositIntoStrategy(f.strategy, f.token, room);
      expect(await f.token.balanceOf(f.strategy)).to.equal(MAX_TOTAL_DEPOSITS);
    });
  });

  describe("deposit, withdraw and the share hooks", function () {
    it("reverts OnlyStrategyManager when called directly", async function () {
      const f = await loadFixture(delegatedFixture);
      const s = f.strategy.connect(f.stranger);
      await expect(s.deposit(f.token, 1n)).to.be.revertedWithCustomError(f.strategy, "OnlyStrategyManager");
      await expect(s.withdraw(f.stranger, f.token, 1n)).to.be.revertedWithCustomError(
        f.strategy,
        "OnlyStrategyManager",
      );
      await expect(s.beforeAddShares(f.stranger, 1n)).to.be.revertedWithCustomError(f.strategy, "OnlyStrategyManager");
      await expect(s.beforeRemoveShares(f.staker, 1n)).to.be.revertedWithCustomError(f.strategy, "OnlyStrategyManager");
      expect(await f.strategy.totalShares()).to.equal(DEPOSIT);
      expect(await f.token.balanceOf(f.strategy)).to.equal(DEPOSIT);
    });
  });
});
