import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroHash, parseEther } from "ethers";
import type { StrategyBaseTVLLimits } from "../../../typechain-types";
import { deployStrategy } from "../../../scripts/lib/eigenlayer";
import { WAD, mulDiv, mulWad } from "../../helpers/math";
import {
  bit,
  PAUSED_DEPOSITS,
  BURN_ADDRESS,
  WITHDRAWAL_DELAY,
  SET_ID,
  MAGNITUDE,
  DEPOSIT,
  QUARTER,
  WAD_TO_SLASH,
  NO_SIGNATURE,
  sharesForDeposit,
  underlyingForShares,
  maxAfterSlash,
  mineTo,
  queueWithdrawal,
  deployCoreFixture,
  delegatedFixture,
  slash,
  maturedWithdrawalsFixture,
  complete,
} from "./guards";

/*
 * The StrategyManager stand-in: pause bit 0 (deposits), depositIntoStrategy, the share-manager hooks, the deposit
 * whitelist and burn or redistributable shares, against mainnet's guards and errors (shared setup: `guards.ts`).
 */

async function strategyManagerDepositsPausedFixture() {
  const f = await maturedWithdrawalsFixture();
  await f.strategyManager.connect(f.admin).pause(bit(PAUSED_DEPOSITS));
  return f;
}

/** `staker` holds deposits in 32 strategies over `token`; a 33rd whitelisted strategy is ready. */
async function maxStrategiesFixture() {
  const f = await deployCoreFixture();
  const token = await f.token.getAddress();
  const held: StrategyBaseTVLLimits[] = [f.strategy];
  while (held.length < 32) held.push(await deployStrategy(f, token));
  for (const s of held) await f.strategyManager.connect(f.staker).depositIntoStrategy(s, f.token, parseEther("1"));
  const thirtyThird = await deployStrategy(f, token);
  return { ...f, held, thirtyThird };
}

/* Burned shares: what one slash removes, computed in TypeScript. */
const DEPOSIT2 = parseEther("3") + 11n;
const QUEUED = parseEther("1") + 3n;
const DONATION = parseEther("1.5") + 1n;

/**
 * `staker` (DEPOSIT) and `staker2` (DEPOSIT2) are delegated to `operator`; `staker2` queued QUEUED deposit shares
 * (still slashable); a donation moved the exchange rate. Nothing slashed yet.
 */
async function preSlashFixture() {
  const f = await delegatedFixture();
  await f.strategyManager.connect(f.staker2).depositIntoStrategy(f.strategy, f.token, DEPOSIT2);
  await f.delegationManager.connect(f.staker2).delegateTo(f.operator, NO_SIGNATURE, ZeroHash);
  const queued = await queueWithdrawal(f.delegationManager, f.staker2, f.strategy, QUEUED);
  await f.token.mint(f.strategy, DONATION);

  // Both deposits went in at the 1:1 rate of an empty strategy (no donation yet), deposit scaling factors are WAD
  // and the operator was never slashed, so deposit = withdrawable = scaled shares.
  const operatorSharesBefore = DEPOSIT + DEPOSIT2 - QUEUED;
  const prevMax = WAD;
  const newMax = maxAfterSlash(prevMax, MAGNITUDE, WAD_TO_SLASH);
  const operatorPart = operatorSharesBefore - mulDiv(operatorSharesBefore, newMax, prevMax, "ceil");
  const queuePart = mulWad(QUEUED, prevMax - newMax);
  return {
    ...f,
    queued,
    operatorSharesBefore,
    newMax,
    operatorPart,
    queuePart,
    slashedShares: operatorPart + queuePart,
  };
}

async function slashedFixture() {
  const f = await preSlashFixture();
  await slash(f);
  return f;
}

describe("StrategyManager (stand-in guards)", function () {
  describe("pause bit 0 (deposits)", function () {
    it("reverts depositIntoStrategy into any strategy with CurrentlyPaused and changes nothing", async function () {
      const f = await loadFixture(strategyManagerDepositsPausedFixture);
      expect(await f.strategyManager["paused(uint8)"](PAUSED_DEPOSITS)).to.equal(true);
      const balance = await f.token.balanceOf(f.staker);
      const balance2 = await f.token2.balanceOf(f.staker);

      await expect(
        f.strategyManager.connect(f.staker).depositIntoStrategy(f.strategy, f.token, DEPOSIT),
      ).to.be.revertedWithCustomError(f.strategyManager, "CurrentlyPaused");
      await expect(
        f.strategyManager.connect(f.staker).depositIntoStrategy(f.strategy2, f.token2, DEPOSIT),
      ).to.be.revertedWithCustomError(f.strategyManager, "CurrentlyPaused");

      expect(await f.token.balanceOf(f.staker)).to.equal(balance);
      expect(await f.token2.balanceOf(f.staker)).to.equal(balance2);
      expect(await f.strategyManager.stakerDepositShares(f.staker, f.strategy)).to.equal(DEPOSIT - 2n * QUARTER);
      expect(await f.strategyManager.stakerDepositShares(f.staker, f.strategy2)).to.equal(0n);
    });

    it("keeps queueing and completing withdrawals (as tokens and as shares) open", async function () {
      const f = await loadFixture(strategyManagerDepositsPausedFixture);
      await queueWithdrawal(f.delegationManager, f.staker, f.strategy, QUARTER);
      expect(await f.strategyManager.stakerDepositShares(f.staker, f.strategy)).to.equal(DEPOSIT - 3n * QUARTER);

      const strategyBalance = await f.token.balanceOf(f.strategy);
      const totalShares = await f.strategy.totalShares();
      const stakerBalance = await f.token.balanceOf(f.staker);
      await complete(f, f.w1, true);
      expect(await f.token.balanceOf(f.staker)).to.equal(
        stakerBalance + underlyingForShares(QUARTER, totalShares, strategyBalance),
      );

      await complete(f, f.w2, false);
      expect(await f.strategyManager.stakerDepositShares(f.staker, f.strategy)).to.equal(DEPOSIT - 2n * QUARTER);
    });

    it("accepts deposits again after the unpauser clears the bit", async function () {
      const f = await loadFixture(strategyManagerDepositsPausedFixture);
      await expect(f.strategyManager.connect(f.admin).unpause(0))
        .to.emit(f.strategyManager, "Unpaused")
        .withArgs(f.admin.address, 0n);
      expect(await f.strategyManager["paused()"]()).to.equal(0n);

      const totalShares = await f.strategy.totalShares();
      const strategyBalance = await f.token.balanceOf(f.strategy);
      await f.strategyManager.connect(f.staker).depositIntoStrategy(f.strategy, f.token, DEPOSIT);
      expect(await f.strategyManager.stakerDepositShares(f.staker, f.strategy)).to.equal(
        DEPOSIT - 2n * QUARTER + sharesForDeposit(DEPOSIT, totalShares, strategyBalance),
      );
    });
  });

  describe("depositIntoStrategy", function () {
    it("reverts StrategyNotWhitelisted for a strategy never whitelisted, and changes nothing", async function () {
      const f = await loadFixture(deployCoreFixture);
      const unlisted: StrategyBaseTVLLimits = await ethers.deployContract("StrategyBaseTVLLimits");
      await unlisted.initializeStandIn(f.strategyManager, f.pauserRegistry, f.token);
      const balance = await f.token.balanceOf(f.staker);

      await expect(
        f.strategyManager.connect(f.staker).depositIntoStrategy(unlisted, f.token, DEPOSIT),
      ).to.be.revertedWithCustomError(f.strategyManager, "StrategyNotWhitelisted");

      expect(await f.token.balanceOf(f.staker)).to.equal(balance);
      expect(await f.token.balanceOf(unlisted)).to.equal(0n);
      expect(await f.strategyManager.stakerDepositShares(f.staker, unlisted)).to.equal(0n);
      expect(await f.strategyManager.stakerStrategyListLength(f.staker)).to.equal(0n);
    });

    it("reverts StrategyNotWhitelisted after removal from the whitelist, which blocks deposits only", async function () {
      const f = await loadFixture(delegatedFixture);
      await f.strategyManager.connect(f.admin).removeStrategiesFromDepositWhitelist([f.strategy]);
      expect(await f.strategyManager.strategyIsWhitelistedForDeposit(f.strategy)).to.equal(false);
      const balance = await f.token.balanceOf(f.staker);

      await expect(
        f.strategyManager.connect(f.staker).depositIntoStrategy(f.strategy, f.token, DEPOSIT),
      ).to.be.revertedWithCustomError(f.strategyManager, "StrategyNotWhitelisted");
      expect(await f.token.balanceOf(f.staker)).to.equal(balance);
      expect(await f.strategyManager.stakerDepositShares(f.staker, f.strategy)).to.equal(DEPOSIT);

      // Withdrawals stay open: queue two, complete one as tokens and one as shares.
      const w1 = await queueWithdrawal(f.delegationManager, f.staker, f.strategy, QUARTER);
      const w2 = await queueWithdrawal(f.delegationManager, f.staker, f.strategy, QUARTER);
      await mineTo(w2.startBlock + WITHDRAWAL_DELAY);
      const strategyBalance = await f.token.balanceOf(f.strategy);
      const totalShares = await f.strategy.totalShares();
      await f.delegationManager.connect(f.staker).completeQueuedWithdrawal(w1.withdrawal, [f.token], true);
      expect(await f.token.balanceOf(f.staker)).to.equal(
        balance + underlyingForShares(QUARTER, totalShares, strategyBalance),
      );
      await f.delegationManager.connect(f.staker).completeQueuedWithdrawal(w2.withdrawal, [f.token], false);
      expect(await f.strategyManager.stakerDepositShares(f.staker, f.strategy)).to.equal(DEPOSIT - QUARTER);
    });

    it("reverts OnlyUnderlyingToken for another token into a whitelisted strategy, and changes nothing", async function () {
      const f = await loadFixture(deployCoreFixture);
      const balance = await f.otherToken.balanceOf(f.staker);

      await expect(
        f.strategyManager.connect(f.staker).depositIntoStrategy(f.strategy, f.otherToken, DEPOSIT),
      ).to.be.revertedWithCustomError(f.strategy, "OnlyUnderlyingToken");

      expect(await f.otherToken.balanceOf(f.staker)).to.equal(balance);
      expect(await f.otherToken.balanceOf(f.strategy)).to.equal(0n);
      expect(await f.strategy.totalShares()).to.equal(0n);
      expect(await f.strategyManager.stakerDepositShares(f.staker, f.strategy)).to.equal(0n);
    });

    it("reverts MaxStrategiesExceeded for a 33rd strategy, and changes nothing", async function () {
      const f = await loadFixture(maxStrategiesFixture);
      expect(await f.strategyManager.stakerStrategyListLength(f.staker)).to.equal(32n);
      const balance = await f.token.balanceOf(f.staker);

      await expect(
        f.strategyManager.connect(f.staker).depositIntoStrategy(f.thirtyThird, f.token, parseEther("1")),
      ).to.be.revertedWithCustomError(f.strategyManager, "MaxStrategiesExceeded");

      expect(await f.token.balanceOf(f.staker)).to.equal(balance);
      expect(await f.thirtyThird.totalShares()).to.equal(0n);
      expect(await f.strategyManager.stakerStrategyListLength(f.staker)).to.equal(32n);
    });

    it("still tops up a held strategy at 32, and takes a 33rd once a slot is freed", async function () {
      const f = await loadFixture(maxStrategiesFixture);
      await f.strategyManager.connect(f.staker).depositIntoStrategy(f.held[7], f.token, parseEther("1"));
      expect(await f.strategyManager.stakerDepositShares(f.staker, f.held[7])).to.equal(parseEther("2"));

      // Withdrawing all of one strategy's deposit shares removes it from the staker's list.
      await queueWithdrawal(f.delegationManager, f.staker, f.held[5], parseEther("1"));
      expect(await f.strategyManager.stakerStrategyListLength(f.staker)).to.equal(31n);
      await f.strategyManager.connect(f.staker).depositIntoStrategy(f.thirtyThird, f.token, parseEther("1"));
      expect(await f.strategyManager.stakerStrategyListLength(f.staker)).to.equal(32n);
      expect(await f.strategyManager.stakerDepositShares(f.staker, f.thirtyThird)).to.equal(parseEther("1"));
    });
  });

  describe("share-manager hooks", function () {
    it("reverts OnlyDelegationManager for addShares, removeDepositShares, withdrawSharesAsTokens and increaseBurnOrRedistributableShares from anyone else", async function () {
      const f = await loadFixture(delegatedFixture);
      const strategyBalance = await f.token.balanceOf(f.strategy);
      for (const caller of [f.stranger, f.staker, f.admin]) {
        const sm = f.strategyManager.connect(caller);
        await expect(sm.addShares(f.staker, f.strategy, 1n)).to.be.revertedWithCustomError(
          f.strategyManager,
          "OnlyDelegationManager",
        );
        await expect(sm.removeDepositShares(f.staker, f.strategy, 1n)).to.be.revertedWithCustomError(
          f.strategyManager,
          "OnlyDelegationManager",
        );
        await expect(sm.withdrawSharesAsTokens(f.staker, f.strategy, f.token, 1n)).to.be.revertedWithCustomError(
          f.strategyManager,
          "OnlyDelegationManager",
        );
        await expect(sm.increaseBurnOrRedistributableShares(f.set, 1n, f.strategy, 1n)).to.be.revertedWithCustomError(
          f.strategyManager,
          "OnlyDelegationManager",
        );
      }
      expect(await f.strategyManager.stakerDepositShares(f.staker, f.strategy)).to.equal(DEPOSIT);
      expect(await f.token.balanceOf(f.strategy)).to.equal(strategyBalance);
      expect(await f.strategyManager.getBurnOrRedistributableCount(f.set, 1n)).to.equal(0n);
    });
  });

  describe("deposit whitelist", function () {
    it("reverts OnlyStrategyWhitelister for adding and removing strategies by anyone else", async function () {
      const f = await loadFixture(deployCoreFixture);
      const unlisted: StrategyBaseTVLLimits = await ethers.deployContract("StrategyBaseTVLLimits");
      await unlisted.initializeStandIn(f.strategyManager, f.pauserRegistry, f.token);
      for (const caller of [f.stranger, f.pauser]) {
        await expect(
          f.strategyManager.connect(caller).addStrategiesToDepositWhitelist([unlisted]),
        ).to.be.revertedWithCustomError(f.strategyManager, "OnlyStrategyWhitelister");
        await expect(
          f.strategyManager.connect(caller).removeStrategiesFromDepositWhitelist([f.strategy]),
        ).to.be.revertedWithCustomError(f.strategyManager, "OnlyStrategyWhitelister");
      }
      expect(await f.strategyManager.strategyIsWhitelistedForDeposit(unlisted)).to.equal(false);
      expect(await f.strategyManager.strategyIsWhitelistedForDeposit(f.strategy)).to.equal(true);
    });
  });

  describe("burn or redistributable shares", function () {
    it("hands the slashed operator and queue shares to the StrategyManager", async function () {
      const f = await loadFixture(preSlashFixture);
      const [slashId, shares] = await f.avs
        .connect(f.avsOwner)
        .slash.staticCall(f.operator, SET_ID, [f.strategy], [WAD_TO_SLASH], "guards test");
      expect(slashId).to.equal(1n);
      expect(shares).to.deep.equal([f.slashedShares]);
      expect(f.queuePart).to.be.greaterThan(0n);

      await slash(f);
      expect(
        await f.strategyManager["getBurnOrRedistributableShares((address,uint32),uint256,address)"](
          f.set,
          1n,
          f.strategy,
        ),
      ).to.equal(f.slashedShares);
      expect(await f.strategyManager.getBurnOrRedistributableCount(f.set, 1n)).to.equal(1n);
      expect(await f.strategyManager.getPendingSlashIds(f.set)).to.deep.equal([1n]);
      expect(await f.delegationManager.operatorShares(f.operator, f.strategy)).to.equal(
        f.operatorSharesBefore - f.operatorPart,
      );
      expect(await f.allocationManager.getMaxMagnitude(f.operator, f.strategy)).to.equal(f.newMax);
    });

    it("lets anyone clear them: the burn address gets sharesToUnderlying tokens and the share price holds", async function () {
      const f = await loadFixture(slashedFixture);
      const balance = await f.token.balanceOf(f.strategy);
      const totalShares = await f.strategy.totalShares();
      const expectedOut = underlyingForShares(f.slashedShares, totalShares, balance);
      const priceBefore = underlyingForShares(WAD, totalShares, balance);
      expect(await f.strategy.sharesToUnderlyingView(WAD)).to.equal(priceBefore);
      const burnedBefore = await f.token.balanceOf(BURN_ADDRESS);

      const sm = f.strategyManager.connect(f.stranger);
      expect(await sm.clearBurnOrRedistributableSharesByStrategy.staticCall(f.set, 1n, f.strategy)).to.equal(
        expectedOut,
      );
      await sm.clearBurnOrRedistributableSharesByStrategy(f.set, 1n, f.strategy);

      expect(await f.token.balanceOf(BURN_ADDRESS)).to.equal(burnedBefore + expectedOut);
      expect(await f.token.balanceOf(f.strategy)).to.equal(balance - expectedOut);
      expect(await f.strategy.totalShares()).to.equal(totalShares - f.slashedShares);
      const priceAfter = await f.strategy.sharesToUnderlyingView(WAD);
      expect(priceAfter).to.equal(underlyingForShares(WAD, totalShares - f.slashedShares, balance - expectedOut));
      const drift = priceAfter > priceBefore ? priceAfter - priceBefore : priceBefore - priceAfter;
      expect(drift).to.be.lessThanOrEqual(1n);
      expect(
        await f.strategyManager["getBurnOrRedistributableShares((address,uint32),uint256,address)"](
          f.set,
          1n,
          f.strategy,
        ),
      ).to.equal(0n);
      expect(await f.strategyManager.getPendingSlashIds(f.set)).to.deep.equal([]);
      expect(await f.strategyManager.getPendingOperatorSets()).to.deep.equal([]);
    });

    it("returns 0 and moves nothing on a second clear", async function () {
      const f = await loadFixture(slashedFixture);
      const sm = f.strategyManager.connect(f.stranger);
      await sm.clearBurnOrRedistributableSharesByStrategy(f.set, 1n, f.strategy);
      const burned = await f.token.balanceOf(BURN_ADDRESS);
      const totalShares = await f.strategy.totalShares();

      expect(await sm.clearBurnOrRedistributableSharesByStrategy.staticCall(f.set, 1n, f.strategy)).to.equal(0n);
      await sm.clearBurnOrRedistributableSharesByStrategy(f.set, 1n, f.strategy);
      expect(await sm.clearBurnOrRedistributableShares.staticCall(f.set, 1n)).to.deep.equal([]);
      expect(await f.token.balanceOf(BURN_ADDRESS)).to.equal(burned);
      expect(await f.strategy.totalShares()).to.equal(totalShares);
    });

    it("clears every strategy of a slash with clearBurnOrRedistributableShares", async function () {
      const f = await loadFixture(slashedFixture);
      const expectedOut = underlyingForShares(
        f.slashedShares,
        await f.strategy.totalShares(),
        await f.token.balanceOf(f.strategy),
      );
      const sm = f.strategyManager.connect(f.stranger);
      expect(await sm.clearBurnOrRedistributableShares.staticCall(f.set, 1n)).to.deep.equal([expectedOut]);
      const burnedBefore = await f.token.balanceOf(BURN_ADDRESS);
      await sm.clearBurnOrRedistributableShares(f.set, 1n);
      expect(await f.token.balanceOf(BURN_ADDRESS)).to.equal(burnedBefore + expectedOut);
      expect(await f.strategyManager.getBurnOrRedistributableCount(f.set, 1n)).to.equal(0n);
    });
  });
});
