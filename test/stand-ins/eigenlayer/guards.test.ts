import { expect } from "chai";
import { ethers } from "hardhat";
import { asWithdrawal } from "../../scripts/lib/withdrawal";
import { loadFixture, mine, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  type AddressLike,
  MaxUint256,
  type Signer,
  TypedDataEncoder,
  Wallet,
  ZeroAddress,
  ZeroHash,
  id,
  parseEther,
} from "ethers";

import type {
  DelegationManager,
  ERC20Mock,
  Pausable,
  RewardsCoordinator,
  StrategyBase,
  StrategyBaseTVLLimits,
} from "../../typechain-types";
import type { IDelegationManagerTypes } from "../../typechain-types/contracts/test/eigenlayer/DelegationManager.sol/DelegationManager";
import {
  EIGEN_DELAYS,
  ascending,
  deployAVS,
  deployEigenLayer,
  deployStrategy,
  registerOperator,
} from "../fixtures/eigenlayer";
import { WAD, mulDiv, mulWad, mulWadUp } from "../helpers/math";

/*
 * Pause bits and bad input on the core EigenLayer stand-ins (SEMANTICS.md §2–§5, §8; interfaces.json guards and
 * errors): every switch blocks exactly the functions it blocks on mainnet, every bad input reverts with the mainnet
 * custom error and leaves the relevant views unchanged.
 */

const bit = (index: number): bigint => 1n << BigInt(index);

// Pause indices, as the mainnet contracts name them.
const PAUSED_DEPOSITS = 0; // StrategyManager and every strategy
const PAUSED_WITHDRAWALS = 1; // strategies
const PAUSED_NEW_DELEGATION = 0; // DelegationManager
const PAUSED_ENTER_WITHDRAWAL_QUEUE = 1;
const PAUSED_EXIT_WITHDRAWAL_QUEUE = 2;
const PAUSED_MODIFY_ALLOCATIONS = 0; // AllocationManager
const PAUSED_OPERATOR_SLASHING = 1;
const PAUSED_OPERATOR_SET_REGISTRATION_AND_DEREGISTRATION = 2;

/** Mainnet `DEFAULT_BURN_ADDRESS` of the StrategyManager and AllocationManager. */
const BURN_ADDRESS = "0x00000000000000000000000000000000000E16E4";
/** StrategyBase virtual offsets (SHARES_OFFSET = BALANCE_OFFSET). */
const OFFSET = 1000n;
const WITHDRAWAL_DELAY = EIGEN_DELAYS.minWithdrawalDelayBlocks;
const DEALLOCATION_DELAY = EIGEN_DELAYS.deallocationDelay;
const ACTIVATION_DELAY = 604800;

const SET_ID = 1;
const OTHER_SET_ID = 2;
const MISSING_SET_ID = 99;
/** What the operator allocates to each strategy of the set (half its magnitude). */
const MAGNITUDE = parseEther("0.5");
/** The staker's first deposit: deliberately not round. */
const DEPOSIT = parseEther("10") + 7n;
const QUARTER = DEPOSIT / 4n;
const FUNDING = parseEther("1000");
const WAD_TO_SLASH = parseEther("0.3") + 1n;
const NO_SIGNATURE = { signature: "0x", expiry: 0n };
const APPROVER_KEY = id("lrt-vault guards: delegation approver");
const IMPOSTOR_KEY = id("lrt-vault guards: not the approver");

/** Strategy shares a deposit of `amount` mints (floor), from totalShares and balance before the transfer. */
const sharesForDeposit = (amount: bigint, totalShares: bigint, balanceBefore: bigint): bigint =>
  mulDiv(amount, totalShares + OFFSET, balanceBefore + OFFSET);
/** Tokens `shares` strategy shares are worth (floor): `sharesToUnderlyingView`. */
const underlyingForShares = (shares: bigint, totalShares: bigint, balance: bigint): bigint =>
  mulDiv(balance + OFFSET, shares, totalShares + OFFSET);
/** Max magnitude after slashing `wad` of an allocation of `allocated` out of `maxMagnitude` (rounds against the operator). */
const maxAfterSlash = (maxMagnitude: bigint, allocated: bigint, wad: bigint): bigint =>
  maxMagnitude - mulWadUp(allocated, wad);

/** Mines empty blocks until the latest block is `blockNumber`, so the next transaction runs in `blockNumber + 1`. */
async function mineTo(blockNumber: number): Promise<void> {
  const latest = await ethers.provider.getBlockNumber();
  if (latest > blockNumber) throw new Error(`mineTo: already at block ${latest}, past ${blockNumber}`);
  if (latest < blockNumber) await mine(blockNumber - latest);
}

interface Queued {
  withdrawal: IDelegationManagerTypes.WithdrawalStruct;
  root: string;
  startBlock: number;
}

/** Queues one withdrawal of `depositShares` in `strategy` for `staker`; returns the struct from the event. */
async function queueWithdrawal(
  delegationManager: DelegationManager,
  staker: Signer,
  strategy: AddressLike,
  depositShares: bigint,
): Promise<Queued> {
  const tx = await delegationManager
    .connect(staker)
    .queueWithdrawals([
      { strategies: [strategy], depositShares: [depositShares], __deprecated_withdrawer: ZeroAddress },
    ]);
  const receipt = await tx.wait();
  if (!receipt) throw new Error("queueWithdrawal: no receipt");
  const manager = await delegationManager.getAddress();
  for (const log of receipt.logs) {
    if (log.address !== manager) continue;
    const parsed = delegationManager.interface.parseLog(log);
    if (parsed?.name !== "SlashingWithdrawalQueued") continue;
    const w = parsed.args.withdrawal;
    return {
      root: parsed.args.withdrawalRoot,
      startBlock: receipt.blockNumber,
      withdrawal: asWithdrawal(w),
    };
  }
  throw new Error("queueWithdrawal: no SlashingWithdrawalQueued event");
}

/* FIXTURES */

/** The core, two whitelisted TVL-limited strategies over two tokens, funded and approving accounts. */
async function deployCoreFixture() {
  const [admin, staker, staker2, operator, operator2, avsOwner, stranger, pauser] = await ethers.getSigners();
  const el = await deployEigenLayer(admin);
  const token: ERC20Mock = await ethers.deployContract("ERC20Mock", ["Liquid staked ETH A", "LSTA"]);
  const token2: ERC20Mock = await ethers.deployContract("ERC20Mock", ["Liquid staked ETH B", "LSTB"]);
  const otherToken: ERC20Mock = await ethers.deployContract("ERC20Mock", ["Not an underlying", "NOPE"]);
  const strategy = await deployStrategy(el, await token.getAddress());
  const strategy2 = await deployStrategy(el, await token2.getAddress());
  for (const account of [staker, staker2, operator, operator2, stranger]) {
    for (const t of [token, token2, otherToken]) {
      await t.mint(account, FUNDING);
      await t.connect(account).approve(el.strategyManager, MaxUint256);
    }
  }
  // A second pauser that is not the unpauser.
  await el.pauserRegistry.connect(admin).setIsPauser(pauser, true);
  return {
    ...el,
    token,
    token2,
    otherToken,
    strategy,
    strategy2,
    admin,
    staker,
    staker2,
    operator,
    operator2,
    avsOwner,
    stranger,
    pauser,
  };
}

/**
 * `operator` allocated MAGNITUDE of both strategies to the AVS's set 1 and registered there (slashable now);
 * `operator2` is an operator in no set; `staker` deposited DEPOSIT into `strategy` and delegated to `operator`.
 */
async function delegatedFixture() {
  const f = await deployCoreFixture();
  const strategies = ascending([await f.strategy.getAddress(), await f.strategy2.getAddress()]);
  const avs = await deployAVS(f, f.avsOwner, SET_ID, strategies);
  await registerOperator(f, f.operator, avs, SET_ID, strategies, MAGNITUDE);
  await f.delegationManager.connect(f.operator2).registerAsOperator(ZeroAddress, 1, "ipfs://operator2");
  await f.strategyManager.connect(f.staker).depositIntoStrategy(f.strategy, f.token, DEPOSIT);
  await f.delegationManager.connect(f.staker).delegateTo(f.operator, NO_SIGNATURE, ZeroHash);
  const set = { avs: await avs.getAddress(), id: SET_ID };
  return { ...f, avs, set, strategies };
}

type Delegated = Awaited<ReturnType<typeof delegatedFixture>>;

/** Slashes `operator` in set 1 by `wad` of its `strategy` allocation, through the AVS (the set's slasher). */
function slash(f: Delegated, wad: bigint = WAD_TO_SLASH, strategies: AddressLike[] = [f.strategy]) {
  return f.avs.connect(f.avsOwner).slash(
    f.operator,
    SET_ID,
    strategies,
    strategies.map(() => wad),
    "guards test",
  );
}

/** Two withdrawals of a quarter of the staker's deposit shares each, queued and past the withdrawal delay. */
async function maturedWithdrawalsFixture() {
  const f = await delegatedFixture();
  const w1 = await queueWithdrawal(f.delegationManager, f.staker, f.strategy, QUARTER);
  const w2 = await queueWithdrawal(f.delegationManager, f.staker, f.strategy, QUARTER);
  await mineTo(w2.startBlock + WITHDRAWAL_DELAY);
  return { ...f, w1, w2 };
}

type Matured = Awaited<ReturnType<typeof maturedWithdrawalsFixture>>;

function complete(f: Matured, q: Queued, receiveAsTokens: boolean, caller: Signer = f.staker) {
  return f.delegationManager.connect(caller).completeQueuedWithdrawal(q.withdrawal, [f.token], receiveAsTokens);
}

/** Matured withdrawals, one slash of the operator in `strategy`, then the strategy's withdrawals paused. */
async function strategyWithdrawalsPausedFixture() {
  const f = await maturedWithdrawalsFixture();
  await slash(f);
  await f.strategy.connect(f.admin).pause(bit(PAUSED_WITHDRAWALS));
  return f;
}

async function strategyManagerDepositsPausedFixture() {
  const f = await maturedWithdrawalsFixture();
  await f.strategyManager.connect(f.admin).pause(bit(PAUSED_DEPOSITS));
  return f;
}

async function strategyDepositsPausedFixture() {
  const f = await maturedWithdrawalsFixture();
  await f.strategy.connect(f.admin).pause(bit(PAUSED_DEPOSITS));
  return f;
}

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

async function allocationsPausedFixture() {
  const f = await delegatedFixture();
  await f.allocationManager.connect(f.admin).pause(bit(PAUSED_MODIFY_ALLOCATIONS));
  return f;
}

async function slashingPausedFixture() {
  const f = await delegatedFixture();
  await f.allocationManager.connect(f.admin).pause(bit(PAUSED_OPERATOR_SLASHING));
  return f;
}

async function registrationPausedFixture() {
  const f = await delegatedFixture();
  await f.allocationManager.connect(f.admin).pause(bit(PAUSED_OPERATOR_SET_REGISTRATION_AND_DEREGISTRATION));
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

/** Cap values of the TVL tests. */
const MAX_PER_DEPOSIT = parseEther("10");
const MAX_TOTAL_DEPOSITS = parseEther("25");

async function cappedStrategyFixture() {
  const f = await deployCoreFixture();
  await f.strategy.connect(f.admin).setTVLLimits(MAX_PER_DEPOSIT, MAX_TOTAL_DEPOSITS);
  return f;
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

/** Deploys the remaining pausable stand-ins (a plain StrategyBase and the RewardsCoordinator) next to the core. */
async function allStandInsFixture() {
  const f = await deployCoreFixture();
  const strategyBase: StrategyBase = await ethers.deployContract("StrategyBase");
  await strategyBase.initializeStandIn(f.strategyManager, f.pauserRegistry, f.token);
  const rewardsCoordinator: RewardsCoordinator = await ethers.deployContract("RewardsCoordinator");
  await rewardsCoordinator.initializeStandIn(f.pauserRegistry, f.admin, 0, f.admin, ACTIVATION_DELAY);
  return { ...f, strategyBase, rewardsCoordinator };
}

type AllStandIns = Awaited<ReturnType<typeof allStandInsFixture>>;

/* TESTS */

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

describe("AllocationManager (stand-in guards)", function () {
  const allocate = (f: Delegated, magnitude: bigint, setId = SET_ID, strategies: AddressLike[] = [f.strategy]) =>
    f.allocationManager
      .connect(f.operator)
      .modifyAllocations(f.operator, [
        { operatorSet: { avs: f.set.avs, id: setId }, strategies, newMagnitudes: strategies.map(() => magnitude) },
      ]);
  const register = (f: Delegated, who: Signer & { address: string }, setId = SET_ID) =>
    f.allocationManager
      .connect(who)
      .registerForOperatorSets(who.address, { avs: f.set.avs, operatorSetIds: [setId], data: "0x" });
  const deregister = (f: Delegated, who: Signer & { address: string }, setId = SET_ID) =>
    f.allocationManager
      .connect(who)
      .deregisterFromOperatorSets({ operator: who.address, avs: f.set.avs, operatorSetIds: [setId] });

  describe("pause bit 0 (modify allocations)", function () {
    it("reverts modifyAllocations with CurrentlyPaused and changes nothing", async function () {
      const f = await loadFixture(allocationsPausedFixture);
      expect(await f.allocationManager["paused(uint8)"](PAUSED_MODIFY_ALLOCATIONS)).to.equal(true);
      await expect(allocate(f, MAGNITUDE / 2n)).to.be.revertedWithCustomError(f.allocationManager, "CurrentlyPaused");
      const allocation = await f.allocationManager.getAllocation(f.operator, f.set, f.strategy);
      expect(allocation.currentMagnitude).to.equal(MAGNITUDE);
      expect(allocation.pendingDiff).to.equal(0n);
      expect(await f.allocationManager.getEncumberedMagnitude(f.operator, f.strategy)).to.equal(MAGNITUDE);
    });

    it("reverts clearDeallocationQueue with CurrentlyPaused", async function () {
      const f = await loadFixture(allocationsPausedFixture);
      await expect(
        f.allocationManager.connect(f.operator).clearDeallocationQueue(f.operator, [f.strategy], [1]),
      ).to.be.revertedWithCustomError(f.allocationManager, "CurrentlyPaused");
      await expect(
        f.allocationManager.connect(f.stranger).clearDeallocationQueue(f.operator, [f.strategy], [1]),
      ).to.be.revertedWithCustomError(f.allocationManager, "CurrentlyPaused");
    });

    it("keeps slashing, set registration and allocation-delay changes open", async function () {
      const f = await loadFixture(allocationsPausedFixture);
      await slash(f);
      expect(await f.allocationManager.getMaxMagnitude(f.operator, f.strategy)).to.equal(
        maxAfterSlash(WAD, MAGNITUDE, WAD_TO_SLASH),
      );
      await register(f, f.operator2);
      expect(await f.allocationManager.isMemberOfOperatorSet(f.operator2, f.set)).to.equal(true);
      await deregister(f, f.operator2);
      expect(await f.allocationManager.isMemberOfOperatorSet(f.operator2, f.set)).to.equal(false);
      await f.allocationManager.connect(f.operator).setAllocationDelay(f.operator, 9);
      await f.delegationManager.connect(f.stranger).registerAsOperator(ZeroAddress, 4, "ipfs://stranger");
      expect(await f.allocationManager.getAllocationDelay(f.stranger)).to.deep.equal([true, 4n]);
    });

    it("allows modifyAllocations and clearDeallocationQueue again after unpause(0)", async function () {
      const f = await loadFixture(allocationsPausedFixture);
      await f.allocationManager.connect(f.admin).unpause(0);
      const tx = await allocate(f, MAGNITUDE / 2n);
      const receipt = await tx.wait();
      const allocation = await f.allocationManager.getAllocation(f.operator, f.set, f.strategy);
      expect(allocation.currentMagnitude).to.equal(MAGNITUDE);
      expect(allocation.pendingDiff).to.equal(-(MAGNITUDE / 2n));
      expect(allocation.effectBlock).to.equal(BigInt(receipt!.blockNumber + DEALLOCATION_DELAY + 1));
      await f.allocationManager.connect(f.stranger).clearDeallocationQueue(f.operator, [f.strategy], [1]);
    });
  });

  describe("pause bit 1 (slashing)", function () {
    it("reverts slashOperator (through TestAVS.slash) with CurrentlyPaused and changes nothing", async function () {
      const f = await loadFixture(slashingPausedFixture);
      expect(await f.allocationManager["paused(uint8)"](PAUSED_OPERATOR_SLASHING)).to.equal(true);
      await expect(slash(f)).to.be.revertedWithCustomError(f.allocationManager, "CurrentlyPaused");
      expect(await f.allocationManager.getMaxMagnitude(f.operator, f.strategy)).to.equal(WAD);
      expect(await f.allocationManager.getSlashCount(f.set)).to.equal(0n);
      expect(await f.delegationManager.operatorShares(f.operator, f.strategy)).to.equal(DEPOSIT);
    });

    it("keeps allocations and set registration open", async function () {
      const f = await loadFixture(slashingPausedFixture);
      await allocate(f, MAGNITUDE / 2n);
      expect((await f.allocationManager.getAllocation(f.operator, f.set, f.strategy)).pendingDiff).to.equal(
        -(MAGNITUDE / 2n),
      );
      await register(f, f.operator2);
      expect(await f.allocationManager.isMemberOfOperatorSet(f.operator2, f.set)).to.equal(true);
    });

    it("slashes again after unpause(0)", async function () {
      const f = await loadFixture(slashingPausedFixture);
      await f.allocationManager.connect(f.admin).unpause(0);
      await slash(f);
      expect(await f.allocationManager.getMaxMagnitude(f.operator, f.strategy)).to.equal(
        maxAfterSlash(WAD, MAGNITUDE, WAD_TO_SLASH),
      );
    });
  });

  describe("pause bit 2 (operator-set registration)", function () {
    it("reverts registerForOperatorSets and deregisterFromOperatorSets with CurrentlyPaused", async function () {
      const f = await loadFixture(registrationPausedFixture);
      expect(await f.allocationManager["paused(uint8)"](PAUSED_OPERATOR_SET_REGISTRATION_AND_DEREGISTRATION)).to.equal(
        true,
      );
      await expect(register(f, f.operator2)).to.be.revertedWithCustomError(f.allocationManager, "CurrentlyPaused");
      await expect(deregister(f, f.operator)).to.be.revertedWithCustomError(f.allocationManager, "CurrentlyPaused");
      expect(await f.allocationManager.isMemberOfOperatorSet(f.operator2, f.set)).to.equal(false);
      expect(await f.allocationManager.isMemberOfOperatorSet(f.operator, f.set)).to.equal(true);
      expect(await f.allocationManager.getMembers(f.set)).to.deep.equal([f.operator.address]);
    });

    it("keeps allocations and slashing open", async function () {
      const f = await loadFixture(registrationPausedFixture);
      await allocate(f, MAGNITUDE / 2n);
      await slash(f);
      expect(await f.allocationManager.getSlashCount(f.set)).to.equal(1n);
    });

    it("registers and deregisters again after unpause(0)", async function () {
      const f = await loadFixture(registrationPausedFixture);
      await f.allocationManager.connect(f.admin).unpause(0);
      await register(f, f.operator2);
      await deregister(f, f.operator);
      expect(await f.allocationManager.getMembers(f.set)).to.deep.equal([f.operator2.address]);
    });
  });

  describe("slashOperator", function () {
    it("reverts InvalidWadToSlash for 0 and for more than 1e18, and changes nothing", async function () {
      const f = await loadFixture(delegatedFixture);
      for (const wad of [0n, WAD + 1n]) {
        await expect(slash(f, wad)).to.be.revertedWithCustomError(f.allocationManager, "InvalidWadToSlash");
      }
      expect(await f.allocationManager.getMaxMagnitude(f.operator, f.strategy)).to.equal(WAD);
      expect(await f.allocationManager.getSlashCount(f.set)).to.equal(0n);

      // Exactly 1e18 slashes the whole allocation.
      await slash(f, WAD);
      expect(await f.allocationManager.getMaxMagnitude(f.operator, f.strategy)).to.equal(
        maxAfterSlash(WAD, MAGNITUDE, WAD),
      );
      expect((await f.allocationManager.getAllocation(f.operator, f.set, f.strategy)).currentMagnitude).to.equal(0n);
    });

    it("reverts StrategiesMustBeInAscendingOrder for descending or repeated strategies", async function () {
      const f = await loadFixture(delegatedFixture);
      const [low, high] = f.strategies;
      for (const strategies of [
        [high, low],
        [low, low],
      ]) {
        await expect(slash(f, WAD_TO_SLASH, strategies)).to.be.revertedWithCustomError(
          f.allocationManager,
          "StrategiesMustBeInAscendingOrder",
        );
      }
      expect(await f.allocationManager["getMaxMagnitudes(address,address[])"](f.operator, f.strategies)).to.deep.equal([
        WAD,
        WAD,
      ]);
      expect(await f.allocationManager.getSlashCount(f.set)).to.equal(0n);
    });

    it("reverts StrategyNotInOperatorSet for a strategy outside the set", async function () {
      const f = await loadFixture(delegatedFixture);
      const outside = await deployStrategy(f, await f.token.getAddress());
      await expect(slash(f, WAD_TO_SLASH, [outside])).to.be.revertedWithCustomError(
        f.allocationManager,
        "StrategyNotInOperatorSet",
      );
      expect(await f.allocationManager.getSlashCount(f.set)).to.equal(0n);
    });

    it("reverts OperatorNotSlashable for operators never registered for the set", async function () {
      const f = await loadFixture(delegatedFixture);
      for (const who of [f.operator2, f.stranger]) {
        await expect(
          f.avs.connect(f.avsOwner).slash(who, SET_ID, [f.strategy], [WAD_TO_SLASH], "not registered"),
        ).to.be.revertedWithCustomError(f.allocationManager, "OperatorNotSlashable");
      }
      expect(await f.allocationManager.getSlashCount(f.set)).to.equal(0n);
    });

    it("keeps a deregistered operator slashable for DEALLOCATION_DELAY blocks, not one more", async function () {
      const f = await loadFixture(delegatedFixture);
      const tx = await deregister(f, f.operator);
      const deregisteredAt = (await tx.wait())!.blockNumber;

      // Last slashable block: deregisteredAt + DEALLOCATION_DELAY.
      await mineTo(deregisteredAt + DEALLOCATION_DELAY - 1);
      const lastTx = await slash(f, WAD_TO_SLASH);
      expect((await lastTx.wait())!.blockNumber).to.equal(deregisteredAt + DEALLOCATION_DELAY);
      const afterFirst = maxAfterSlash(WAD, MAGNITUDE, WAD_TO_SLASH);
      expect(await f.allocationManager.getMaxMagnitude(f.operator, f.strategy)).to.equal(afterFirst);

      await expect(slash(f, WAD_TO_SLASH)).to.be.revertedWithCustomError(f.allocationManager, "OperatorNotSlashable");
      expect(await f.allocationManager.getMaxMagnitude(f.operator, f.strategy)).to.equal(afterFirst);
      expect(await f.allocationManager.getSlashCount(f.set)).to.equal(1n);
    });

    it("reverts InvalidCaller when anyone but the set's slasher calls slashOperator", async function () {
      const f = await loadFixture(delegatedFixture);
      const params = {
        operator: f.operator.address,
        operatorSetId: SET_ID,
        strategies: [await f.strategy.getAddress()],
        wadsToSlash: [WAD_TO_SLASH],
        description: "not the slasher",
      };
      for (const caller of [f.stranger, f.avsOwner, f.operator, f.admin]) {
        await expect(
          f.allocationManager.connect(caller).slashOperator(f.set.avs, params),
        ).to.be.revertedWithCustomError(f.allocationManager, "InvalidCaller");
      }
      expect(await f.allocationManager.getMaxMagnitude(f.operator, f.strategy)).to.equal(WAD);
      expect(await f.allocationManager.getSlashCount(f.set)).to.equal(0n);
    });

    it("reverts InvalidOperatorSet for a set that does not exist", async function () {
      const f = await loadFixture(delegatedFixture);
      await expect(
        f.avs.connect(f.avsOwner).slash(f.operator, MISSING_SET_ID, [f.strategy], [WAD_TO_SLASH], "no such set"),
      ).to.be.revertedWithCustomError(f.allocationManager, "InvalidOperatorSet");
      expect(await f.allocationManager.getMaxMagnitude(f.operator, f.strategy)).to.equal(WAD);
    });

    it("reverts InputArrayLengthMismatch for strategies and wads of different lengths", async function () {
      const f = await loadFixture(delegatedFixture);
      await expect(
        f.avs.connect(f.avsOwner).slash(f.operator, SET_ID, [f.strategy], [], "mismatch"),
      ).to.be.revertedWithCustomError(f.allocationManager, "InputArrayLengthMismatch");
      expect(await f.allocationManager.getSlashCount(f.set)).to.equal(0n);
    });
  });

  describe("operator sets", function () {
    it("reverts NonexistentAVSMetadata for an AVS that never posted metadata, both create forms", async function () {
      const f = await loadFixture(delegatedFixture);
      const am = f.allocationManager.connect(f.stranger);
      const newSet = { avs: f.stranger.address, id: SET_ID };
      await expect(
        am["createOperatorSets(address,(uint32,address[],address)[])"](f.stranger, [
          { operatorSetId: SET_ID, strategies: [f.strategy], slasher: f.stranger },
        ]),
      ).to.be.revertedWithCustomError(f.allocationManager, "NonexistentAVSMetadata");
      await expect(
        am["createOperatorSets(address,(uint32,address[])[])"](f.stranger, [
          { operatorSetId: SET_ID, strategies: [f.strategy] },
        ]),
      ).to.be.revertedWithCustomError(f.allocationManager, "NonexistentAVSMetadata");
      expect(await f.allocationManager.isOperatorSet(newSet)).to.equal(false);

      await am.updateAVSMetadataURI(f.stranger, "ipfs://stranger-avs");
      await am["createOperatorSets(address,(uint32,address[],address)[])"](f.stranger, [
        { operatorSetId: SET_ID, strategies: [f.strategy], slasher: f.stranger },
      ]);
      expect(await f.allocationManager.isOperatorSet(newSet)).to.equal(true);
    });

    it("reverts InvalidOperatorSet for creating an existing set or using a missing one", async function () {
      const f = await loadFixture(delegatedFixture);
      await expect(f.avs.connect(f.avsOwner).createOperatorSet(SET_ID, [f.strategy])).to.be.revertedWithCustomError(
        f.allocationManager,
        "InvalidOperatorSet",
      );
      await expect(register(f, f.operator2, MISSING_SET_ID)).to.be.revertedWithCustomError(
        f.allocationManager,
        "InvalidOperatorSet",
      );
      await expect(deregister(f, f.operator, MISSING_SET_ID)).to.be.revertedWithCustomError(
        f.allocationManager,
        "InvalidOperatorSet",
      );
      await expect(allocate(f, MAGNITUDE, MISSING_SET_ID)).to.be.revertedWithCustomError(
        f.allocationManager,
        "InvalidOperatorSet",
      );
      expect(await f.allocationManager.getOperatorSetCount(f.set.avs)).to.equal(1n);
      expect(await f.allocationManager.getStrategiesInOperatorSet(f.set)).to.deep.equal(f.strategies);
      expect(await f.allocationManager.getEncumberedMagnitude(f.operator, f.strategy)).to.equal(MAGNITUDE);
    });

    it("reverts AlreadyMemberOfSet for registering twice, and while still slashable after deregistering", async function () {
      const f = await loadFixture(delegatedFixture);
      await expect(register(f, f.operator)).to.be.revertedWithCustomError(f.allocationManager, "AlreadyMemberOfSet");

      const deregisteredAt = (await (await deregister(f, f.operator)).wait())!.blockNumber;
      await mineTo(deregisteredAt + DEALLOCATION_DELAY - 1);
      await expect(register(f, f.operator)).to.be.revertedWithCustomError(f.allocationManager, "AlreadyMemberOfSet");
      expect(await f.allocationManager.isMemberOfOperatorSet(f.operator, f.set)).to.equal(false);

      await mineTo(deregisteredAt + DEALLOCATION_DELAY);
      await register(f, f.operator);
      expect(await f.allocationManager.isMemberOfOperatorSet(f.operator, f.set)).to.equal(true);
    });

    it("reverts NotMemberOfSet for deregistering an operator that is not registered", async function () {
      const f = await loadFixture(delegatedFixture);
      await expect(deregister(f, f.operator2)).to.be.revertedWithCustomError(f.allocationManager, "NotMemberOfSet");
      await deregister(f, f.operator);
      await expect(deregister(f, f.operator)).to.be.revertedWithCustomError(f.allocationManager, "NotMemberOfSet");
      expect(await f.allocationManager.getMemberCount(f.set)).to.equal(0n);
    });

    it("reverts InvalidCaller for deregistering someone else (neither the operator nor the AVS)", async function () {
      const f = await loadFixture(delegatedFixture);
      await expect(
        f.allocationManager
          .connect(f.stranger)
          .deregisterFromOperatorSets({ operator: f.operator, avs: f.set.avs, operatorSetIds: [SET_ID] }),
      ).to.be.revertedWithCustomError(f.allocationManager, "InvalidCaller");
      expect(await f.allocationManager.isMemberOfOperatorSet(f.operator, f.set)).to.equal(true);
    });

    it("reverts InvalidPermissions for registering someone else or creating sets for another AVS", async function () {
      const f = await loadFixture(delegatedFixture);
      await expect(
        f.allocationManager
          .connect(f.stranger)
          .registerForOperatorSets(f.operator2, { avs: f.set.avs, operatorSetIds: [SET_ID], data: "0x" }),
      ).to.be.revertedWithCustomError(f.allocationManager, "InvalidPermissions");
      await expect(
        f.allocationManager
          .connect(f.stranger)
          ["createOperatorSets(address,(uint32,address[],address)[])"](f.set.avs, [
            { operatorSetId: OTHER_SET_ID, strategies: [f.strategy], slasher: f.stranger },
          ]),
      ).to.be.revertedWithCustomError(f.allocationManager, "InvalidPermissions");
      expect(await f.allocationManager.isMemberOfOperatorSet(f.operator2, f.set)).to.equal(false);
      expect(await f.allocationManager.isOperatorSet({ avs: f.set.avs, id: OTHER_SET_ID })).to.equal(false);
    });

    it("reverts InvalidOperator for registering an address that is not an operator", async function () {
      const f = await loadFixture(delegatedFixture);
      await expect(register(f, f.stranger)).to.be.revertedWithCustomError(f.allocationManager, "InvalidOperator");
      expect(await f.allocationManager.isMemberOfOperatorSet(f.stranger, f.set)).to.equal(false);
    });
  });

  describe("modifyAllocations and setAllocationDelay", function () {
    it("reverts InsufficientMagnitude for allocating more than is free, and accepts exactly what is free", async function () {
      const f = await loadFixture(delegatedFixture);
      await f.avs.connect(f.avsOwner).createOperatorSet(OTHER_SET_ID, [f.strategy]);
      const free = WAD - MAGNITUDE;
      await expect(allocate(f, free + 1n, OTHER_SET_ID)).to.be.revertedWithCustomError(
        f.allocationManager,
        "InsufficientMagnitude",
      );
      expect(await f.allocationManager.getEncumberedMagnitude(f.operator, f.strategy)).to.equal(MAGNITUDE);
      expect(await f.allocationManager.getAllocatableMagnitude(f.operator, f.strategy)).to.equal(free);

      await allocate(f, free, OTHER_SET_ID);
      expect(await f.allocationManager.getEncumberedMagnitude(f.operator, f.strategy)).to.equal(WAD);
      expect(await f.allocationManager.getAllocatableMagnitude(f.operator, f.strategy)).to.equal(0n);
    });

    it("reverts SameMagnitude for the current magnitude", async function () {
      const f = await loadFixture(delegatedFixture);
      await expect(allocate(f, MAGNITUDE)).to.be.revertedWithCustomError(f.allocationManager, "SameMagnitude");
      const allocation = await f.allocationManager.getAllocation(f.operator, f.set, f.strategy);
      expect([allocation.currentMagnitude, allocation.pendingDiff, allocation.effectBlock]).to.deep.equal([
        MAGNITUDE,
        0n,
        0n,
      ]);
    });

    it("reverts ModificationAlreadyPending while a deallocation or an allocation is pending", async function () {
      const f = await loadFixture(delegatedFixture);
      const deallocatedAt = (await (await allocate(f, MAGNITUDE / 2n)).wait())!.blockNumber;
      await expect(allocate(f, MAGNITUDE / 4n)).to.be.revertedWithCustomError(
        f.allocationManager,
        "ModificationAlreadyPending",
      );
      const allocation = await f.allocationManager.getAllocation(f.operator, f.set, f.strategy);
      expect([allocation.currentMagnitude, allocation.pendingDiff, allocation.effectBlock]).to.deep.equal([
        MAGNITUDE,
        -(MAGNITUDE / 2n),
        BigInt(deallocatedAt + DEALLOCATION_DELAY + 1),
      ]);

      // An allocation waits the operator's allocation delay (10 blocks for this new operator).
      await f.delegationManager.connect(f.stranger).registerAsOperator(ZeroAddress, 10, "ipfs://slow");
      const am = f.allocationManager.connect(f.stranger);
      const params = (magnitude: bigint) => [
        { operatorSet: f.set, strategies: [f.strategy], newMagnitudes: [magnitude] },
      ];
      await am.modifyAllocations(f.stranger, params(MAGNITUDE));
      await expect(am.modifyAllocations(f.stranger, params(MAGNITUDE / 2n))).to.be.revertedWithCustomError(
        f.allocationManager,
        "ModificationAlreadyPending",
      );
      expect((await f.allocationManager.getAllocation(f.stranger, f.set, f.strategy)).pendingDiff).to.equal(MAGNITUDE);
    });

    it("reverts UninitializedAllocationDelay / InvalidOperator for an address that is not an operator", async function () {
      const f = await loadFixture(delegatedFixture);
      const am = f.allocationManager.connect(f.stranger);
      await expect(
        am.modifyAllocations(f.stranger, [
          { operatorSet: f.set, strategies: [f.strategy], newMagnitudes: [MAGNITUDE] },
        ]),
      ).to.be.revertedWithCustomError(f.allocationManager, "UninitializedAllocationDelay");
      await expect(am.setAllocationDelay(f.stranger, 5)).to.be.revertedWithCustomError(
        f.allocationManager,
        "InvalidOperator",
      );
      expect(await f.allocationManager.getAllocationDelay(f.stranger)).to.deep.equal([false, 0n]);
      expect(await f.allocationManager.getEncumberedMagnitude(f.stranger, f.strategy)).to.equal(0n);
    });

    it("reverts InvalidPermissions for changing someone else's allocations or allocation delay", async function () {
      const f = await loadFixture(delegatedFixture);
      const am = f.allocationManager.connect(f.stranger);
      await expect(
        am.modifyAllocations(f.operator, [{ operatorSet: f.set, strategies: [f.strategy], newMagnitudes: [0n] }]),
      ).to.be.revertedWithCustomError(f.allocationManager, "InvalidPermissions");
      await expect(am.setAllocationDelay(f.operator, 5)).to.be.revertedWithCustomError(
        f.allocationManager,
        "InvalidPermissions",
      );
      expect((await f.allocationManager.getAllocation(f.operator, f.set, f.strategy)).currentMagnitude).to.equal(
        MAGNITUDE,
      );
      expect(await f.allocationManager.getAllocationDelay(f.operator)).to.deep.equal([true, 1n]);
    });

    it("reverts InputArrayLengthMismatch in modifyAllocations and clearDeallocationQueue", async function () {
      const f = await loadFixture(delegatedFixture);
      await expect(
        f.allocationManager
          .connect(f.operator)
          .modifyAllocations(f.operator, [{ operatorSet: f.set, strategies: f.strategies, newMagnitudes: [0n] }]),
      ).to.be.revertedWithCustomError(f.allocationManager, "InputArrayLengthMismatch");
      await expect(
        f.allocationManager.connect(f.operator).clearDeallocationQueue(f.operator, [f.strategy], []),
      ).to.be.revertedWithCustomError(f.allocationManager, "InputArrayLengthMismatch");
      expect(await f.allocationManager.getEncumberedMagnitude(f.operator, f.strategy)).to.equal(MAGNITUDE);
    });
  });
});

/** The pausable stand-ins, by display name and fixture key. */
const PAUSABLES = [
  ["StrategyManager", "strategyManager"],
  ["DelegationManager", "delegationManager"],
  ["AllocationManager", "allocationManager"],
  ["StrategyBaseTVLLimits", "strategy"],
  ["StrategyBase", "strategyBase"],
  ["RewardsCoordinator", "rewardsCoordinator"],
] as const;

async function pausableOf(f: AllStandIns, key: (typeof PAUSABLES)[number][1]): Promise<Pausable> {
  return ethers.getContractAt("Pausable", await f[key].getAddress());
}

describe("Pausable (every stand-in)", function () {
  for (const [name, key] of PAUSABLES) {
    describe(name, function () {
      it("reverts pause and pauseAll from a non-pauser with OnlyPauser", async function () {
        const f = await loadFixture(allStandInsFixture);
        const p = await pausableOf(f, key);
        await expect(p.connect(f.stranger).pause(1n)).to.be.revertedWithCustomError(p, "OnlyPauser");
        await expect(p.connect(f.stranger).pauseAll()).to.be.revertedWithCustomError(p, "OnlyPauser");
        expect(await p["paused()"]()).to.equal(0n);
      });

      it("reverts unpause from anyone but the unpauser (a pauser included) with OnlyUnpauser", async function () {
        const f = await loadFixture(allStandInsFixture);
        const p = await pausableOf(f, key);
        await expect(p.connect(f.pauser).pause(bit(0) | bit(2)))
          .to.emit(p, "Paused")
          .withArgs(f.pauser.address, bit(0) | bit(2));
        for (const caller of [f.pauser, f.stranger]) {
          await expect(p.connect(caller).unpause(0n)).to.be.revertedWithCustomError(p, "OnlyUnpauser");
        }
        expect(await p["paused()"]()).to.equal(bit(0) | bit(2));
      });

      it("reverts a pause that would clear a set bit with InvalidNewPausedStatus", async function () {
        const f = await loadFixture(allStandInsFixture);
        const p = await pausableOf(f, key);
        await p.connect(f.admin).pause(bit(0) | bit(2));
        await expect(p.connect(f.admin).pause(bit(0) | bit(1))).to.be.revertedWithCustomError(
          p,
          "InvalidNewPausedStatus",
        );
        await expect(p.connect(f.pauser).pause(0n)).to.be.revertedWithCustomError(p, "InvalidNewPausedStatus");
        expect(await p["paused()"]()).to.equal(bit(0) | bit(2));
        // Adding bits (or re-setting the same ones) is fine.
        await p.connect(f.pauser).pause(bit(0) | bit(1) | bit(2));
        expect(await p["paused()"]()).to.equal(bit(0) | bit(1) | bit(2));
      });

      it("reverts an unpause that would set a clear bit with InvalidNewPausedStatus", async function () {
        const f = await loadFixture(allStandInsFixture);
        const p = await pausableOf(f, key);
        await p.connect(f.admin).pause(bit(0) | bit(2));
        await expect(p.connect(f.admin).unpause(bit(1))).to.be.revertedWithCustomError(p, "InvalidNewPausedStatus");
        await expect(p.connect(f.admin).unpause(bit(0) | bit(1) | bit(2))).to.be.revertedWithCustomError(
          p,
          "InvalidNewPausedStatus",
        );
        expect(await p["paused()"]()).to.equal(bit(0) | bit(2));
        await expect(p.connect(f.admin).unpause(bit(2)))
          .to.emit(p, "Unpaused")
          .withArgs(f.admin.address, bit(2));
        expect(await p["paused()"]()).to.equal(bit(2));
      });

      it("sets every bit with pauseAll and reads single bits with paused(uint8)", async function () {
        const f = await loadFixture(allStandInsFixture);
        const p = await pausableOf(f, key);
        await expect(p.connect(f.pauser).pauseAll()).to.emit(p, "Paused").withArgs(f.pauser.address, MaxUint256);
        expect(await p["paused()"]()).to.equal(MaxUint256);
        for (const index of [0, 1, 2, 3, 7, 100, 255]) expect(await p["paused(uint8)"](index)).to.equal(true);

        await p.connect(f.admin).unpause(bit(3) | bit(255));
        expect(await p["paused()"]()).to.equal(bit(3) | bit(255));
        for (const index of [0, 1, 2, 4, 254]) expect(await p["paused(uint8)"](index)).to.equal(false);
        for (const index of [3, 255]) expect(await p["paused(uint8)"](index)).to.equal(true);
      });
    });
  }

  describe("PauserRegistry", function () {
    it("lets only the unpauser manage pausers and the unpauser (OnlyUnpauser)", async function () {
      const f = await loadFixture(allStandInsFixture);
      for (const caller of [f.pauser, f.stranger]) {
        await expect(f.pauserRegistry.connect(caller).setIsPauser(f.stranger, true)).to.be.revertedWithCustomError(
          f.pauserRegistry,
          "OnlyUnpauser",
        );
        await expect(f.pauserRegistry.connect(caller).setUnpauser(f.stranger)).to.be.revertedWithCustomError(
          f.pauserRegistry,
          "OnlyUnpauser",
        );
      }
      expect(await f.pauserRegistry.isPauser(f.stranger)).to.equal(false);
      expect(await f.pauserRegistry.unpauser()).to.equal(f.admin.address);

      // A removed pauser can no longer pause.
      await f.pauserRegistry.connect(f.admin).setIsPauser(f.pauser, false);
      await expect(f.strategyManager.connect(f.pauser).pause(1n)).to.be.revertedWithCustomError(
        f.strategyManager,
        "OnlyPauser",
      );
    });
  });
});

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
