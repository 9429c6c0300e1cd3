import { ethers } from "hardhat";
import { asWithdrawal } from "../../../scripts/lib/withdrawal";
import { mine } from "@nomicfoundation/hardhat-network-helpers";
import { type AddressLike, MaxUint256, type Signer, ZeroAddress, ZeroHash, parseEther } from "ethers";
import type { DelegationManager, ERC20Mock, RewardsCoordinator, StrategyBase } from "../../../typechain-types";
import type { IDelegationManagerTypes } from "../../../typechain-types/contracts/test/eigenlayer/DelegationManager.sol/DelegationManager";
import {
  EIGEN_DELAYS,
  ascending,
  deployAVS,
  deployEigenLayer,
  deployStrategy,
  registerOperator,
} from "../../../scripts/lib/eigenlayer";
import { mulDiv, mulWadUp } from "../../helpers/math";

/**
 * Shared setup of the stand-in guard tests (StrategyManager, StrategyBaseTVLLimits, DelegationManager,
 * AllocationManager, Pausable, PauserRegistry and Initializer `.test.ts` in this folder): pause bits and bad input on
 * the core EigenLayer stand-ins (SEMANTICS.md §2–§5, §8; interfaces.json guards and errors). Every switch blocks
 * exactly the functions it blocks on mainnet, every bad input reverts with the mainnet custom error and leaves the
 * relevant views unchanged.
 *
 * Constants, TypeScript references of the strategy and slashing arithmetic, and the fixtures more than one of those
 * files builds on; a fixture only one file uses lives in that file.
 */

export const bit = (index: number): bigint => 1n << BigInt(index);

// Pause indices, as the mainnet contracts name them.
export const PAUSED_DEPOSITS = 0; // StrategyManager and every strategy
export const PAUSED_WITHDRAWALS = 1; // strategies
export const PAUSED_NEW_DELEGATION = 0; // DelegationManager
export const PAUSED_ENTER_WITHDRAWAL_QUEUE = 1;
export const PAUSED_EXIT_WITHDRAWAL_QUEUE = 2;
export const PAUSED_MODIFY_ALLOCATIONS = 0; // AllocationManager
export const PAUSED_OPERATOR_SLASHING = 1;
export const PAUSED_OPERATOR_SET_REGISTRATION_AND_DEREGISTRATION = 2;

/** Mainnet `DEFAULT_BURN_ADDRESS` of the StrategyManager and AllocationManager. */
export const BURN_ADDRESS = "0x00000000000000000000000000000000000E16E4";
/** StrategyBase virtual offsets (SHARES_OFFSET = BALANCE_OFFSET). */
const OFFSET = 1000n;
export const WITHDRAWAL_DELAY = EIGEN_DELAYS.minWithdrawalDelayBlocks;
export const DEALLOCATION_DELAY = EIGEN_DELAYS.deallocationDelay;
export const ACTIVATION_DELAY = 604800;

export const SET_ID = 1;
/** What the operator allocates to each strategy of the set (half its magnitude). */
export const MAGNITUDE = parseEther("0.5");
/** The staker's first deposit: deliberately not round. */
export const DEPOSIT = parseEther("10") + 7n;
export const QUARTER = DEPOSIT / 4n;
export const FUNDING = parseEther("1000");
export const WAD_TO_SLASH = parseEther("0.3") + 1n;
export const NO_SIGNATURE = { signature: "0x", expiry: 0n };

/** Strategy shares a deposit of `amount` mints (floor), from totalShares and balance before the transfer. */
export const sharesForDeposit = (amount: bigint, totalShares: bigint, balanceBefore: bigint): bigint =>
  mulDiv(amount, totalShares + OFFSET, balanceBefore + OFFSET);
/** Tokens `shares` strategy shares are worth (floor): `sharesToUnderlyingView`. */
export const underlyingForShares = (shares: bigint, totalShares: bigint, balance: bigint): bigint =>
  mulDiv(balance + OFFSET, shares, totalShares + OFFSET);
/** Max magnitude after slashing `wad` of an allocation of `allocated` out of `maxMagnitude` (rounds against the operator). */
export const maxAfterSlash = (maxMagnitude: bigint, allocated: bigint, wad: bigint): bigint =>
  maxMagnitude - mulWadUp(allocated, wad);

/** Mines empty blocks until the latest block is `blockNumber`, so the next transaction runs in `blockNumber + 1`. */
export async function mineTo(blockNumber: number): Promise<void> {
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
export async function queueWithdrawal(
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
export async function deployCoreFixture() {
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
export async function delegatedFixture() {
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

export type Delegated = Awaited<ReturnType<typeof delegatedFixture>>;

/** Slashes `operator` in set 1 by `wad` of its `strategy` allocation, through the AVS (the set's slasher). */
export function slash(f: Delegated, wad: bigint = WAD_TO_SLASH, strategies: AddressLike[] = [f.strategy]) {
  return f.avs.connect(f.avsOwner).slash(
    f.operator,
    SET_ID,
    strategies,
    strategies.map(() => wad),
    "guards test",
  );
}

/** Two withdrawals of a quarter of the staker's deposit shares each, queued and past the withdrawal delay. */
export async function maturedWithdrawalsFixture() {
  const f = await delegatedFixture();
  const w1 = await queueWithdrawal(f.delegationManager, f.staker, f.strategy, QUARTER);
  const w2 = await queueWithdrawal(f.delegationManager, f.staker, f.strategy, QUARTER);
  await mineTo(w2.startBlock + WITHDRAWAL_DELAY);
  return { ...f, w1, w2 };
}

export type Matured = Awaited<ReturnType<typeof maturedWithdrawalsFixture>>;

export function complete(f: Matured, q: Queued, receiveAsTokens: boolean, caller: Signer = f.staker) {
  return f.delegationManager.connect(caller).completeQueuedWithdrawal(q.withdrawal, [f.token], receiveAsTokens);
}

/** Deploys the remaining pausable stand-ins (a plain StrategyBase and the RewardsCoordinator) next to the core. */
export async function allStandInsFixture() {
  const f = await deployCoreFixture();
  const strategyBase: StrategyBase = await ethers.deployContract("StrategyBase");
  await strategyBase.initializeStandIn(f.strategyManager, f.pauserRegistry, f.token);
  const rewardsCoordinator: RewardsCoordinator = await ethers.deployContract("RewardsCoordinator");
  await rewardsCoordinator.initializeStandIn(f.pauserRegistry, f.admin, 0, f.admin, ACTIVATION_DELAY);
  return { ...f, strategyBase, rewardsCoordinator };
}

export type AllStandIns = Awaited<ReturnType<typeof allStandInsFixture>>;
