import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { TypedDataEncoder, Wallet, ZeroAddress, ZeroHash, id } from "ethers";
import { deployAVS, registerOperator } from "../../../scripts/lib/eigenlayer";
import { WAD } from "../../helpers/math";
import {
  bit,
  PAUSED_NEW_DELEGATION,
  PAUSED_ENTER_WITHDRAWAL_QUEUE,
  PAUSED_EXIT_WITHDRAWAL_QUEUE,
  WITHDRAWAL_DELAY,
  SET_ID,
  DEPOSIT,
  QUARTER,
  FUNDING,
  NO_SIGNATURE,
  sharesForDeposit,
  underlyingForShares,
  maxAfterSlash,
  mineTo,
  queueWithdrawal,
  deployCoreFixture,
  delegatedFixture,
  maturedWithdrawalsFixture,
  complete,
} from "./guards";

/*
 * The DelegationManager stand-in: pause bits 0 to 2 (new delegation, entering and exiting the withdrawal queue),
 * queueWithdrawals, delegation, undelegation, completion, a fully slashed operator, delegation approver signatures and
 * the share hooks (shared setup: `guards.ts`).
 */

const APPROVER_KEY = id("lrt-vault guards: delegation approver");
const IMPOSTOR_KEY = id("lrt-vault guards: not the approver");

async function newDelegationPausedFixture() {
  const f = await maturedWithdrawalsFixture();
  await f.delegationManager.connect(f.admin).pause(bit(PAUSED_NEW_DELEGATION));
  return f;
}

async function enterQueuePausedFixture() {
  const f = await maturedWithdrawalsFixture();
  await f.delegationManager.connect(f.admin).pause(bit(PAUSED_ENTER_WITHDRAWAL_QUEUE));
  return f;
}

async function exitQueuePausedFixture() {
  const f = await maturedWithdrawalsFixture();
  await f.delegationManager.connect(f.admin).pause(bit(PAUSED_EXIT_WITHDRAWAL_QUEUE));
  return f;
}

/** `operator` allocated all of `strategy` to set 1 and was slashed by WAD: its max magnitude is 0. */
async function fullySlashedFixture() {
  const f = await deployCoreFixture();
  const strategy = await f.strategy.getAddress();
  const avs = await deployAVS(f, f.avsOwner, SET_ID, [strategy]);
  await registerOperator(f, f.operator, avs, SET_ID, [strategy], WAD);
  await f.strategyManager.connect(f.staker).depositIntoStrategy(f.strategy, f.token, DEPOSIT);
  await f.delegationManager.connect(f.staker).delegateTo(f.operator, NO_SIGNATURE, ZeroHash);
  await f.strategyManager.connect(f.staker2).depositIntoStrategy(f.strategy, f.token, DEPOSIT);
  await avs.connect(f.avsOwner).slash(f.operator, SET_ID, [strategy], [WAD], "full slash");
  return { ...f, avs };
}

/** `operator` registered with a delegation approver (a known key); no one delegated yet. */
async function approverFixture() {
  const f = await deployCoreFixture();
  const approver = new Wallet(APPROVER_KEY);
  await f.delegationManager.connect(f.operator).registerAsOperator(approver.address, 1, "ipfs://approved-operator");
  await f.strategyManager.connect(f.staker).depositIntoStrategy(f.strategy, f.token, DEPOSIT);
  return { ...f, approver };
}

type Approved = Awaited<ReturnType<typeof approverFixture>>;

/** The approver's (or `signer`'s) signature over the contract's DelegationApproval digest. */
async function approval(f: Approved, staker: string, salt: string, expiry: bigint, signer: Wallet = f.approver) {
  const digest = await f.delegationManager.calculateDelegationApprovalDigestHash(
    staker,
    f.operator,
    f.approver.address,
    salt,
    expiry,
  );
  return { signature: signer.signingKey.sign(digest).serialized, expiry };
}

describe("DelegationManager (stand-in guards)", function () {
  describe("pause bit 0 (new delegation)", function () {
    it("reverts delegateTo with CurrentlyPaused and changes nothing", async function () {
      const f = await loadFixture(newDelegationPausedFixture);
      expect(await f.delegationManager["paused(uint8)"](PAUSED_NEW_DELEGATION)).to.equal(true);
      await expect(
        f.delegationManager.connect(f.staker2).delegateTo(f.operator, NO_SIGNATURE, ZeroHash),
      ).to.be.revertedWithCustomError(f.delegationManager, "CurrentlyPaused");
      expect(await f.delegationManager.delegatedTo(f.staker2)).to.equal(ZeroAddress);
    });

    it("reverts registerAsOperator with CurrentlyPaused and changes nothing", async function () {
      const f = await loadFixture(newDelegationPausedFixture);
      await expect(
        f.delegationManager.connect(f.stranger).registerAsOperator(ZeroAddress, 1, "ipfs://stranger"),
      ).to.be.revertedWithCustomError(f.delegationManager, "CurrentlyPaused");
      expect(await f.delegationManager.isOperator(f.stranger)).to.equal(false);
      expect(await f.allocationManager.getAllocationDelay(f.stranger)).to.deep.equal([false, 0n]);
    });

    it("reverts redelegate with CurrentlyPaused and changes nothing", async function () {
      const f = await loadFixture(newDelegationPausedFixture);
      await expect(
        f.delegationManager.connect(f.staker).redelegate(f.operator2, NO_SIGNATURE, ZeroHash),
      ).to.be.revertedWithCustomError(f.delegationManager, "CurrentlyPaused");
      expect(await f.delegationManager.delegatedTo(f.staker)).to.equal(f.operator.address);
      expect(await f.strategyManager.stakerDepositShares(f.staker, f.strategy)).to.equal(DEPOSIT - 2n * QUARTER);
      expect(await f.delegationManager.getQueuedWithdrawalRoots(f.staker)).to.deep.equal([f.w1.root, f.w2.root]);
    });

    it("keeps deposits, queueing, completion and undelegation open", async function () {
      const f = await loadFixture(newDelegationPausedFixture);
      const operatorShares = await f.delegationManager.operatorShares(f.operator, f.strategy);
      const totalShares = await f.strategy.totalShares();
      const strategyBalance = await f.token.balanceOf(f.strategy);
      await f.strategyManager.connect(f.staker).depositIntoStrategy(f.strategy, f.token, DEPOSIT);
      expect(await f.delegationManager.operatorShares(f.operator, f.strategy)).to.equal(
        operatorShares + sharesForDeposit(DEPOSIT, totalShares, strategyBalance),
      );

      await queueWithdrawal(f.delegationManager, f.staker, f.strategy, QUARTER);
      await complete(f, f.w1, true);
      await complete(f, f.w2, false);
      await f.delegationManager.connect(f.staker).undelegate(f.staker);
      expect(await f.delegationManager.delegatedTo(f.staker)).to.equal(ZeroAddress);
    });

    it("allows delegateTo, registerAsOperator and redelegate again after unpause(0)", async function () {
      const f = await loadFixture(newDelegationPausedFixture);
      await f.delegationManager.connect(f.admin).unpause(0);
      await f.delegationManager.connect(f.staker2).delegateTo(f.operator, NO_SIGNATURE, ZeroHash);
      expect(await f.delegationManager.delegatedTo(f.staker2)).to.equal(f.operator.address);
      await f.delegationManager.connect(f.stranger).registerAsOperator(ZeroAddress, 1, "ipfs://stranger");
      expect(await f.delegationManager.isOperator(f.stranger)).to.equal(true);
      await f.delegationManager.connect(f.staker).redelegate(f.operator2, NO_SIGNATURE, ZeroHash);
      expect(await f.delegationManager.delegatedTo(f.staker)).to.equal(f.operator2.address);
    });
  });

  describe("pause bit 1 (enter withdrawal queue)", function () {
    it("reverts queueWithdrawals with CurrentlyPaused and changes nothing", async function () {
      const f = await loadFixture(enterQueuePausedFixture);
      expect(await f.delegationManager["paused(uint8)"](PAUSED_ENTER_WITHDRAWAL_QUEUE)).to.equal(true);
      await expect(
        f.delegationManager
          .connect(f.staker)
          .queueWithdrawals([
            { strategies: [f.strategy], depositShares: [QUARTER], __deprecated_withdrawer: ZeroAddress },
          ]),
      ).to.be.revertedWithCustomError(f.delegationManager, "CurrentlyPaused");
      expect(await f.strategyManager.stakerDepositShares(f.staker, f.strategy)).to.equal(DEPOSIT - 2n * QUARTER);
      expect(await f.delegationManager.cumulativeWithdrawalsQueued(f.staker)).to.equal(2n);
    });

    it("reverts undelegate (by the staker or its operator) with CurrentlyPaused and changes nothing", async function () {
      const f = await loadFixture(enterQueuePausedFixture);
      for (const caller of [f.staker, f.operator]) {
        await expect(f.delegationManager.connect(caller).undelegate(f.staker)).to.be.revertedWithCustomError(
          f.delegationManager,
          "CurrentlyPaused",
        );
      }
      expect(await f.delegationManager.delegatedTo(f.staker)).to.equal(f.operator.address);
      expect(await f.strategyManager.stakerDepositShares(f.staker, f.strategy)).to.equal(DEPOSIT - 2n * QUARTER);
    });

    it("reverts redelegate with CurrentlyPaused and changes nothing", async function () {
      const f = await loadFixture(enterQueuePausedFixture);
      await expect(
        f.delegationManager.connect(f.staker).redelegate(f.operator2, NO_SIGNATURE, ZeroHash),
      ).to.be.revertedWithCustomError(f.delegationManager, "CurrentlyPaused");
      expect(await f.delegationManager.delegatedTo(f.staker)).to.equal(f.operator.address);
    });

    it("keeps delegation and completion open", async function () {
      const f = await loadFixture(enterQueuePausedFixture);
      await f.delegationManager.connect(f.staker2).delegateTo(f.operator2, NO_SIGNATURE, ZeroHash);
      expect(await f.delegationManager.delegatedTo(f.staker2)).to.equal(f.operator2.address);
      await complete(f, f.w1, true);
      await complete(f, f.w2, false);
      expect(await f.delegationManager.getQueuedWithdrawalRoots(f.staker)).to.deep.equal([]);
    });

    it("allows queueing and undelegation again after unpause(0)", async function () {
      const f = await loadFixture(enterQueuePausedFixture);
      await f.delegationManager.connect(f.admin).unpause(0);
      await queueWithdrawal(f.delegationManager, f.staker, f.strategy, QUARTER);
      expect(await f.strategyManager.stakerDepositShares(f.staker, f.strategy)).to.equal(DEPOSIT - 3n * QUARTER);
      await f.delegationManager.connect(f.staker).undelegate(f.staker);
      expect(await f.delegationManager.delegatedTo(f.staker)).to.equal(ZeroAddress);
      expect(await f.strategyManager.stakerDepositShares(f.staker, f.strategy)).to.equal(0n);
    });
  });

  describe("pause bit 2 (exit withdrawal queue)", function () {
    it("reverts completeQueuedWithdrawal (as tokens and as shares) with CurrentlyPaused", async function () {
      const f = await loadFixture(exitQueuePausedFixture);
      expect(await f.delegationManager["paused(uint8)"](PAUSED_EXIT_WITHDRAWAL_QUEUE)).to.equal(true);
      const balance = await f.token.balanceOf(f.staker);
      await expect(complete(f, f.w1, true)).to.be.revertedWithCustomError(f.delegationManager, "CurrentlyPaused");
      await expect(complete(f, f.w2, false)).to.be.revertedWithCustomError(f.delegationManager, "CurrentlyPaused");
      expect(await f.token.balanceOf(f.staker)).to.equal(balance);
      expect(await f.delegationManager.pendingWithdrawals(f.w1.root)).to.equal(true);
      expect(await f.delegationManager.pendingWithdrawals(f.w2.root)).to.equal(true);
    });

    it("reverts completeQueuedWithdrawals with CurrentlyPaused", async function () {
      const f = await loadFixture(exitQueuePausedFixture);
      await expect(
        f.delegationManager
          .connect(f.staker)
          .completeQueuedWithdrawals([f.w1.withdrawal, f.w2.withdrawal], [[f.token], [f.token]], [true, false]),
      ).to.be.revertedWithCustomError(f.delegationManager, "CurrentlyPaused");
      expect(await f.delegationManager.getQueuedWithdrawalRoots(f.staker)).to.deep.equal([f.w1.root, f.w2.root]);
    });

    it("keeps queueing and delegation open", async function () {
      const f = await loadFixture(exitQueuePausedFixture);
      await queueWithdrawal(f.delegationManager, f.staker, f.strategy, QUARTER);
      expect(await f.strategyManager.stakerDepositShares(f.staker, f.strategy)).to.equal(DEPOSIT - 3n * QUARTER);
      await f.delegationManager.connect(f.staker2).delegateTo(f.operator, NO_SIGNATURE, ZeroHash);
      expect(await f.delegationManager.delegatedTo(f.staker2)).to.equal(f.operator.address);
    });

    it("completes again after unpause(0)", async function () {
      const f = await loadFixture(exitQueuePausedFixture);
      await f.delegationManager.connect(f.admin).unpause(0);
      const strategyBalance = await f.token.balanceOf(f.strategy);
      const totalShares = await f.strategy.totalShares();
      const balance = await f.token.balanceOf(f.staker);
      await f.delegationManager
        .connect(f.staker)
        .completeQueuedWithdrawals([f.w1.withdrawal, f.w2.withdrawal], [[f.token], [f.token]], [true, false]);
      expect(await f.token.balanceOf(f.staker)).to.equal(
        balance + underlyingForShares(QUARTER, totalShares, strategyBalance),
      );
      expect(await f.strategyManager.stakerDepositShares(f.staker, f.strategy)).to.equal(DEPOSIT - QUARTER);
    });
  });

  describe("queueWithdrawals", function () {
    it("reverts SharesAmountTooHigh for more deposit shares than held, and changes nothing", async function () {
      const f = await loadFixture(deployCoreFixture);
      await f.strategyManager.connect(f.staker).depositIntoStrategy(f.strategy, f.token, DEPOSIT);
      await expect(
        f.delegationManager
          .connect(f.staker)
          .queueWithdrawals([
            { strategies: [f.strategy], depositShares: [DEPOSIT + 1n], __deprecated_withdrawer: ZeroAddress },
          ]),
      ).to.be.revertedWithCustomError(f.strategyManager, "SharesAmountTooHigh");
      expect(await f.strategyManager.stakerDepositShares(f.staker, f.strategy)).to.equal(DEPOSIT);
      expect(await f.delegationManager.cumulativeWithdrawalsQueued(f.staker)).to.equal(0n);
    });

    it("reverts SharesAmountZero for zero deposit shares, and changes nothing", async function () {
      const f = await loadFixture(delegatedFixture);
      await expect(
        f.delegationManager
          .connect(f.staker)
          .queueWithdrawals([{ strategies: [f.strategy], depositShares: [0n], __deprecated_withdrawer: ZeroAddress }]),
      ).to.be.revertedWithCustomError(f.strategyManager, "SharesAmountZero");
      expect(await f.strategyManager.stakerDepositShares(f.staker, f.strategy)).to.equal(DEPOSIT);
      expect(await f.delegationManager.operatorShares(f.operator, f.strategy)).to.equal(DEPOSIT);
      expect(await f.delegationManager.cumulativeWithdrawalsQueued(f.staker)).to.equal(0n);
    });

    it("reverts InputArrayLengthMismatch (and InputArrayLengthZero for no strategies)", async function () {
      const f = await loadFixture(delegatedFixture);
      await expect(
        f.delegationManager
          .connect(f.staker)
          .queueWithdrawals([
            { strategies: [f.strategy], depositShares: [1n, 2n], __deprecated_withdrawer: ZeroAddress },
          ]),
      ).to.be.revertedWithCustomError(f.delegationManager, "InputArrayLengthMismatch");
      await expect(
        f.delegationManager
          .connect(f.staker)
          .queueWithdrawals([{ strategies: [], depositShares: [], __deprecated_withdrawer: ZeroAddress }]),
      ).to.be.revertedWithCustomError(f.delegationManager, "InputArrayLengthZero");
      expect(await f.strategyManager.stakerDepositShares(f.staker, f.strategy)).to.equal(DEPOSIT);
      expect(await f.delegationManager.cumulativeWithdrawalsQueued(f.staker)).to.equal(0n);
    });
  });

  describe("delegateTo and registerAsOperator", function () {
    it("reverts ActivelyDelegated when delegating twice, and changes nothing", async function () {
      const f = await loadFixture(delegatedFixture);
      for (const target of [f.operator2, f.operator]) {
        await expect(
          f.delegationManager.connect(f.staker).delegateTo(target, NO_SIGNATURE, ZeroHash),
        ).to.be.revertedWithCustomError(f.delegationManager, "ActivelyDelegated");
      }
      expect(await f.delegationManager.delegatedTo(f.staker)).to.equal(f.operator.address);
      expect(await f.delegationManager.operatorShares(f.operator, f.strategy)).to.equal(DEPOSIT);
      expect(await f.delegationManager.operatorShares(f.operator2, f.strategy)).to.equal(0n);
    });

    it("reverts ActivelyDelegated when a delegated staker or an operator registers as operator", async function () {
      const f = await loadFixture(delegatedFixture);
      await expect(
        f.delegationManager.connect(f.staker).registerAsOperator(ZeroAddress, 1, "ipfs://staker"),
      ).to.be.revertedWithCustomError(f.delegationManager, "ActivelyDelegated");
      await expect(
        f.delegationManager.connect(f.operator).registerAsOperator(f.stranger, 7, "ipfs://again"),
      ).to.be.revertedWithCustomError(f.delegationManager, "ActivelyDelegated");
      expect(await f.delegationManager.isOperator(f.staker)).to.equal(false);
      expect(await f.delegationManager.delegatedTo(f.staker)).to.equal(f.operator.address);
      expect(await f.delegationManager.delegationApprover(f.operator)).to.equal(ZeroAddress);
      expect(await f.allocationManager.getAllocationDelay(f.operator)).to.deep.equal([true, 1n]);
    });

    it("reverts OperatorNotRegistered for delegating to a non-operator, and changes nothing", async function () {
      const f = await loadFixture(delegatedFixture);
      await f.strategyManager.connect(f.staker2).depositIntoStrategy(f.strategy, f.token, DEPOSIT);
      await expect(
        f.delegationManager.connect(f.staker2).delegateTo(f.stranger, NO_SIGNATURE, ZeroHash),
      ).to.be.revertedWithCustomError(f.delegationManager, "OperatorNotRegistered");
      await expect(
        f.delegationManager.connect(f.staker2).delegateTo(ZeroAddress, NO_SIGNATURE, ZeroHash),
      ).to.be.revertedWithCustomError(f.delegationManager, "OperatorNotRegistered");
      expect(await f.delegationManager.delegatedTo(f.staker2)).to.equal(ZeroAddress);
      expect(await f.delegationManager.operatorShares(f.stranger, f.strategy)).to.equal(0n);
    });
  });

  describe("undelegate and redelegate", function () {
    it("reverts NotActivelyDelegated for a staker that is not delegated", async function () {
      const f = await loadFixture(delegatedFixture);
      await f.strategyManager.connect(f.staker2).depositIntoStrategy(f.strategy, f.token, DEPOSIT);
      await expect(f.delegationManager.connect(f.staker2).undelegate(f.staker2)).to.be.revertedWithCustomError(
        f.delegationManager,
        "NotActivelyDelegated",
      );
      await expect(
        f.delegationManager.connect(f.staker2).redelegate(f.operator, NO_SIGNATURE, ZeroHash),
      ).to.be.revertedWithCustomError(f.delegationManager, "NotActivelyDelegated");
      expect(await f.delegationManager.delegatedTo(f.staker2)).to.equal(ZeroAddress);
      expect(await f.strategyManager.stakerDepositShares(f.staker2, f.strategy)).to.equal(DEPOSIT);
    });

    it("reverts OperatorsCannotUndelegate for an operator, whoever calls", async function () {
      const f = await loadFixture(delegatedFixture);
      await expect(f.delegationManager.connect(f.operator).undelegate(f.operator)).to.be.revertedWithCustomError(
        f.delegationManager,
        "OperatorsCannotUndelegate",
      );
      await expect(f.delegationManager.connect(f.stranger).undelegate(f.operator)).to.be.revertedWithCustomError(
        f.delegationManager,
        "OperatorsCannotUndelegate",
      );
      await expect(
        f.delegationManager.connect(f.operator).redelegate(f.operator2, NO_SIGNATURE, ZeroHash),
      ).to.be.revertedWithCustomError(f.delegationManager, "OperatorsCannotUndelegate");
      expect(await f.delegationManager.isOperator(f.operator)).to.equal(true);
      expect(await f.delegationManager.delegatedTo(f.operator)).to.equal(f.operator.address);
    });

    it("reverts CallerCannotUndelegate for a stranger or another operator; the staker's operator may", async function () {
      const f = await loadFixture(delegatedFixture);
      for (const caller of [f.stranger, f.operator2, f.staker2]) {
        await expect(f.delegationManager.connect(caller).undelegate(f.staker)).to.be.revertedWithCustomError(
          f.delegationManager,
          "CallerCannotUndelegate",
        );
      }
      expect(await f.delegationManager.delegatedTo(f.staker)).to.equal(f.operator.address);
      expect(await f.strategyManager.stakerDepositShares(f.staker, f.strategy)).to.equal(DEPOSIT);

      await expect(f.delegationManager.connect(f.operator).undelegate(f.staker))
        .to.emit(f.delegationManager, "StakerForceUndelegated")
        .withArgs(f.staker.address, f.operator.address);
      expect(await f.delegationManager.delegatedTo(f.staker)).to.equal(ZeroAddress);
    });

    it("reverts OperatorNotRegistered for redelegating to a non-operator, and changes nothing", async function () {
      const f = await loadFixture(delegatedFixture);
      await expect(
        f.delegationManager.connect(f.staker).redelegate(f.stranger, NO_SIGNATURE, ZeroHash),
      ).to.be.revertedWithCustomError(f.delegationManager, "OperatorNotRegistered");
      expect(await f.delegationManager.delegatedTo(f.staker)).to.equal(f.operator.address);
      expect(await f.strategyManager.stakerDepositShares(f.staker, f.strategy)).to.equal(DEPOSIT);
    });
  });

  describe("completeQueuedWithdrawal(s)", function () {
    it("reverts WithdrawerNotCaller for anyone but the staker, and changes nothing", async function () {
      const f = await loadFixture(maturedWithdrawalsFixture);
      for (const caller of [f.stranger, f.operator]) {
        await expect(complete(f, f.w1, true, caller)).to.be.revertedWithCustomError(
          f.delegationManager,
          "WithdrawerNotCaller",
        );
      }
      expect(await f.delegationManager.pendingWithdrawals(f.w1.root)).to.equal(true);
      expect(await f.token.balanceOf(f.stranger)).to.equal(FUNDING);
    });

    it("reverts WithdrawalNotQueued for a completed or a forged withdrawal", async function () {
      const f = await loadFixture(maturedWithdrawalsFixture);
      await complete(f, f.w1, true);
      const balance = await f.token.balanceOf(f.staker);
      await expect(complete(f, f.w1, true)).to.be.revertedWithCustomError(f.delegationManager, "WithdrawalNotQueued");
      await expect(complete(f, f.w1, false)).to.be.revertedWithCustomError(f.delegationManager, "WithdrawalNotQueued");

      const forged = { ...f.w2.withdrawal, scaledShares: [QUARTER + 1n] };
      await expect(
        f.delegationManager.connect(f.staker).completeQueuedWithdrawal(forged, [f.token], true),
      ).to.be.revertedWithCustomError(f.delegationManager, "WithdrawalNotQueued");
      expect(await f.token.balanceOf(f.staker)).to.equal(balance);
      expect(await f.delegationManager.pendingWithdrawals(f.w2.root)).to.equal(true);
    });

    it("reverts InputArrayLengthMismatch when tokens do not match the strategies", async function () {
      const f = await loadFixture(maturedWithdrawalsFixture);
      await expect(
        f.delegationManager.connect(f.staker).completeQueuedWithdrawal(f.w1.withdrawal, [], false),
      ).to.be.revertedWithCustomError(f.delegationManager, "InputArrayLengthMismatch");
      await expect(
        f.delegationManager.connect(f.staker).completeQueuedWithdrawal(f.w1.withdrawal, [f.token, f.token], true),
      ).to.be.revertedWithCustomError(f.delegationManager, "InputArrayLengthMismatch");
      await expect(
        f.delegationManager.connect(f.staker).completeQueuedWithdrawals([f.w1.withdrawal], [[]], [true]),
      ).to.be.revertedWithCustomError(f.delegationManager, "InputArrayLengthMismatch");
      expect(await f.delegationManager.pendingWithdrawals(f.w1.root)).to.equal(true);
    });

    it("reverts WithdrawalDelayNotElapsed at startBlock + minWithdrawalDelayBlocks and completes one block later", async function () {
      const f = await loadFixture(delegatedFixture);
      const q = await queueWithdrawal(f.delegationManager, f.staker, f.strategy, QUARTER);
      const balance = await f.token.balanceOf(f.staker);

      // The next transaction runs in block startBlock + delay: still inside the slashable window.
      await mineTo(q.startBlock + WITHDRAWAL_DELAY - 1);
      await expect(
        f.delegationManager.connect(f.staker).completeQueuedWithdrawal(q.withdrawal, [f.token], true),
      ).to.be.revertedWithCustomError(f.delegationManager, "WithdrawalDelayNotElapsed");
      expect(await f.token.balanceOf(f.staker)).to.equal(balance);
      expect(await f.delegationManager.pendingWithdrawals(q.root)).to.equal(true);

      await mineTo(q.startBlock + WITHDRAWAL_DELAY);
      const strategyBalance = await f.token.balanceOf(f.strategy);
      const totalShares = await f.strategy.totalShares();
      const tx = await f.delegationManager.connect(f.staker).completeQueuedWithdrawal(q.withdrawal, [f.token], true);
      const receipt = await tx.wait();
      expect(receipt?.blockNumber).to.equal(q.startBlock + WITHDRAWAL_DELAY + 1);
      expect(await f.token.balanceOf(f.staker)).to.equal(
        balance + underlyingForShares(QUARTER, totalShares, strategyBalance),
      );
    });
  });

  describe("fully slashed operator", function () {
    it("reverts FullySlashed for a delegated staker's further deposit, and changes nothing", async function () {
      const f = await loadFixture(fullySlashedFixture);
      expect(await f.allocationManager.getMaxMagnitude(f.operator, f.strategy)).to.equal(maxAfterSlash(WAD, WAD, WAD));
      const balance = await f.token.balanceOf(f.staker);
      await expect(
        f.strategyManager.connect(f.staker).depositIntoStrategy(f.strategy, f.token, DEPOSIT),
      ).to.be.revertedWithCustomError(f.delegationManager, "FullySlashed");
      expect(await f.token.balanceOf(f.staker)).to.equal(balance);
      expect(await f.strategyManager.stakerDepositShares(f.staker, f.strategy)).to.equal(DEPOSIT);
    });

    it("reverts FullySlashed for delegating a staker with deposits in the strategy, and changes nothing", async function () {
      const f = await loadFixture(fullySlashedFixture);
      await expect(
        f.delegationManager.connect(f.staker2).delegateTo(f.operator, NO_SIGNATURE, ZeroHash),
      ).to.be.revertedWithCustomError(f.delegationManager, "FullySlashed");
      expect(await f.delegationManager.delegatedTo(f.staker2)).to.equal(ZeroAddress);
      expect(await f.delegationManager.depositScalingFactor(f.staker2, f.strategy)).to.equal(WAD);
    });
  });

  describe("delegation approver signatures", function () {
    it("delegates with the approver's signature over calculateDelegationApprovalDigestHash and spends the salt", async function () {
      const f = await loadFixture(approverFixture);
      const salt = id("salt 1");
      const sig = await approval(f, f.staker.address, salt, BigInt(await time.latest()) + 3600n);
      await expect(f.delegationManager.connect(f.staker).delegateTo(f.operator, sig, salt))
        .to.emit(f.delegationManager, "StakerDelegated")
        .withArgs(f.staker.address, f.operator.address);
      expect(await f.delegationManager.delegatedTo(f.staker)).to.equal(f.operator.address);
      expect(await f.delegationManager.delegationApproverSaltIsSpent(f.approver.address, salt)).to.equal(true);
      expect(await f.delegationManager.operatorShares(f.operator, f.strategy)).to.equal(DEPOSIT);
    });

    it("uses the EIP-712 DelegationApproval digest of the EigenLayer domain", async function () {
      const f = await loadFixture(approverFixture);
      const salt = id("salt typed");
      const expiry = BigInt(await time.latest()) + 3600n;
      const domain = {
        name: "EigenLayer",
        version: "1",
        chainId: (await ethers.provider.getNetwork()).chainId,
        verifyingContract: await f.delegationManager.getAddress(),
      };
      const types = {
        DelegationApproval: [
          { name: "delegationApprover", type: "address" },
          { name: "staker", type: "address" },
          { name: "operator", type: "address" },
          { name: "salt", type: "bytes32" },
          { name: "expiry", type: "uint256" },
        ],
      };
      const value = {
        delegationApprover: f.approver.address,
        staker: f.staker.address,
        operator: f.operator.address,
        salt,
        expiry,
      };
      expect(
        await f.delegationManager.calculateDelegationApprovalDigestHash(
          f.staker,
          f.operator,
          f.approver.address,
          salt,
          expiry,
        ),
      ).to.equal(TypedDataEncoder.hash(domain, types, value));
      const signature = await f.approver.signTypedData(domain, types, value);
      await f.delegationManager.connect(f.staker).delegateTo(f.operator, { signature, expiry }, salt);
      expect(await f.delegationManager.delegatedTo(f.staker)).to.equal(f.operator.address);
    });

    it("reverts SaltSpent when the approver's salt is reused, even with a fresh signature", async function () {
      const f = await loadFixture(approverFixture);
      const salt = id("salt once");
      const expiry = BigInt(await time.latest()) + 3600n;
      await f.delegationManager
        .connect(f.staker)
        .delegateTo(f.operator, await approval(f, f.staker.address, salt, expiry), salt);

      const fresh = await approval(f, f.staker2.address, salt, expiry);
      await expect(
        f.delegationManager.connect(f.staker2).delegateTo(f.operator, fresh, salt),
      ).to.be.revertedWithCustomError(f.delegationManager, "SaltSpent");
      expect(await f.delegationManager.delegatedTo(f.staker2)).to.equal(ZeroAddress);
    });

    it("reverts SignatureExpired once the expiry is before the block timestamp; expiry equal to it is fine", async function () {
      const f = await loadFixture(approverFixture);
      const salt = id("salt expiry");
      const at = (await time.latest()) + 100;
      const stale = await approval(f, f.staker.address, salt, BigInt(at - 1));
      await time.setNextBlockTimestamp(at);
      await expect(
        f.delegationManager.connect(f.staker).delegateTo(f.operator, stale, salt),
      ).to.be.revertedWithCustomError(f.delegationManager, "SignatureExpired");
      expect(await f.delegationManager.delegatedTo(f.staker)).to.equal(ZeroAddress);
      expect(await f.delegationManager.delegationApproverSaltIsSpent(f.approver.address, salt)).to.equal(false);

      const at2 = at + 10;
      const exact = await approval(f, f.staker.address, salt, BigInt(at2));
      await time.setNextBlockTimestamp(at2);
      await f.delegationManager.connect(f.staker).delegateTo(f.operator, exact, salt);
      expect(await f.delegationManager.delegatedTo(f.staker)).to.equal(f.operator.address);
    });

    it("reverts InvalidSignature for a wrong signer, another staker's approval, a changed expiry or no signature", async function () {
      const f = await loadFixture(approverFixture);
      const salt = id("salt invalid");
      const expiry = BigInt(await time.latest()) + 3600n;
      const impostor = new Wallet(IMPOSTOR_KEY);
      const bad = [
        await approval(f, f.staker.address, salt, expiry, impostor),
        await approval(f, f.staker2.address, salt, expiry),
        { ...(await approval(f, f.staker.address, salt, expiry)), expiry: expiry + 1n },
        { signature: "0x", expiry },
      ];
      for (const sig of bad) {
        await expect(
          f.delegationManager.connect(f.staker).delegateTo(f.operator, sig, salt),
        ).to.be.revertedWithCustomError(f.delegationManager, "InvalidSignature");
      }
      expect(await f.delegationManager.delegatedTo(f.staker)).to.equal(ZeroAddress);
      expect(await f.delegationManager.delegationApproverSaltIsSpent(f.approver.address, salt)).to.equal(false);
    });

    it("ignores signature, expiry and salt for an operator without an approver", async function () {
      const f = await loadFixture(delegatedFixture);
      const junk = { signature: "0x1234", expiry: 0n };
      const salt = id("reused salt");
      await f.delegationManager.connect(f.staker2).delegateTo(f.operator2, junk, salt);
      await f.delegationManager.connect(f.stranger).delegateTo(f.operator2, junk, salt);
      expect(await f.delegationManager.delegatedTo(f.staker2)).to.equal(f.operator2.address);
      expect(await f.delegationManager.delegatedTo(f.stranger)).to.equal(f.operator2.address);
    });
  });

  describe("share hooks", function () {
    it("reverts increaseDelegatedShares and slashOperatorShares from anyone but their managers", async function () {
      const f = await loadFixture(delegatedFixture);
      await expect(
        f.delegationManager.connect(f.stranger).increaseDelegatedShares(f.staker, f.strategy, DEPOSIT, 1n),
      ).to.be.revertedWithCustomError(f.delegationManager, "OnlyStrategyManagerOrEigenPodManager");
      await expect(
        f.delegationManager.connect(f.stranger).slashOperatorShares(f.operator, f.set, 1n, f.strategy, WAD, 0n),
      ).to.be.revertedWithCustomError(f.delegationManager, "OnlyAllocationManager");
      expect(await f.delegationManager.operatorShares(f.operator, f.strategy)).to.equal(DEPOSIT);
    });
  });
});
