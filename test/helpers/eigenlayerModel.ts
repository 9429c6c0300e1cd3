/**
 * An independent TypeScript reference of EigenLayer v1.12.0 share and slashing arithmetic (SEMANTICS.md §1-§5, §9),
 * used to compute exact expected wei values in tests. It is written from the rules, not from our Solidity.
 */
import { WAD, divWad, mulDiv, mulWad, mulWadUp } from "./math";

const OFFSET = 1000n;

/** A StrategyBase: shares with a 1000/1000 virtual offset, both directions rounding down. */
export class StrategyModel {
  totalShares = 0n;
  balance = 0n;

  /**
   * Shares minted for `amount` of which `arrived` actually reached the strategy (stETH: 1-2 wei less). The strategy
   * assumes exactly `amount` arrived: it prices against `balanceAfterTransfer - amount` (SEMANTICS §2).
   */
  deposit(amount: bigint, arrived = amount): bigint {
    const shares = mulDiv(amount, this.totalShares + OFFSET, this.balance + arrived - amount + OFFSET);
    this.balance += arrived;
    this.totalShares += shares;
    return shares;
  }

  /** Tokens paid for `shares`, which leave the strategy. */
  withdraw(shares: bigint): bigint {
    const out = this.sharesToUnderlying(shares);
    this.totalShares -= shares;
    this.balance -= out;
    return out;
  }

  sharesToUnderlying(shares: bigint): bigint {
    return mulDiv(this.balance + OFFSET, shares, this.totalShares + OFFSET);
  }

  underlyingToShares(amount: bigint): bigint {
    return mulDiv(amount, this.totalShares + OFFSET, this.balance + OFFSET);
  }
}

export interface QueuedWithdrawalModel {
  staker: string;
  operator: string;
  strategy: string;
  scaledShares: bigint;
  startBlock: number;
}

const k = (...parts: (string | number)[]) => parts.join("|").toLowerCase();

/** DelegationManager + AllocationManager staker/operator accounting for any number of strategies. */
export class EigenModel {
  readonly delay: number;
  private depositShares = new Map<string, bigint>();
  private dsf = new Map<string, bigint>();
  private delegated = new Map<string, string>();
  private opShares = new Map<string, bigint>();
  /** (operator, strategy) → max magnitude checkpoints by block. */
  private maxMagHistory = new Map<string, { block: number; value: bigint }[]>();
  /** (operator, set, strategy) → allocated magnitude (assumed effective). */
  private allocation = new Map<string, bigint>();
  readonly queue: QueuedWithdrawalModel[] = [];

  constructor(minWithdrawalDelayBlocks: number) {
    this.delay = minWithdrawalDelayBlocks;
  }

  operatorOf(staker: string): string {
    return this.delegated.get(k(staker)) ?? "";
  }

  maxMagnitude(operator: string, strategy: string): bigint {
    const h = this.maxMagHistory.get(k(operator, strategy));
    return h && h.length > 0 ? h[h.length - 1].value : WAD;
  }

  maxMagnitudeAt(operator: string, strategy: string, block: number): bigint {
    const h = this.maxMagHistory.get(k(operator, strategy)) ?? [];
    let value = WAD;
    for (const c of h) if (c.block <= block) value = c.value;
    return value;
  }

  scalingFactor(staker: string, strategy: string): bigint {
    return this.dsf.get(k(staker, strategy)) ?? WAD;
  }

  depositSharesOf(staker: string, strategy: string): bigint {
    return this.depositShares.get(k(staker, strategy)) ?? 0n;
  }

  operatorShares(operator: string, strategy: string): bigint {
    return this.opShares.get(k(operator, strategy)) ?? 0n;
  }

  private slashingFactor(staker: string, strategy: string): bigint {
    const op = this.operatorOf(staker);
    return op ? this.maxMagnitude(op, strategy) : WAD;
  }

  /** floor(floor(depositShares * dsf) * slashingFactor). */
  withdrawable(staker: string, strategy: string): bigint {
    return mulWad(
      mulWad(this.depositSharesOf(staker, strategy), this.scalingFactor(staker, strategy)),
      this.slashingFactor(staker, strategy),
    );
  }

  /** Deposit shares to queue to withdraw `withdrawable` (each division rounded down). */
  toDepositShares(staker: string, strategy: string, withdrawable: bigint): bigint {
    return divWad(divWad(withdrawable, this.scalingFactor(staker, strategy)), this.slashingFactor(staker, strategy));
  }

  private increaseDelegation(staker: string, strategy: string, prev: bigint, added: bigint, factor: bigint) {
    if (factor === 0n) throw new Error("FullySlashed");
    const dsf = this.scalingFactor(staker, strategy);
    let next: bigint;
    if (prev === 0n) next = divWad(dsf, factor);
    else {
      const current = mulWad(mulWad(prev, dsf), factor);
      next = divWad(divWad(current + added, prev + added), factor);
    }
    this.dsf.set(k(staker, strategy), next);
    const op = this.operatorOf(staker);
    if (op) this.opShares.set(k(op, strategy), this.operatorShares(op, strategy) + added);
  }

  /** A deposit credited `shares` deposit shares. */
  deposit(staker: string, strategy: string, shares: bigint): void {
    const prev = this.depositSharesOf(staker, strategy);
    this.depositShares.set(k(staker, strategy), prev + shares);
    this.increaseDelegation(staker, strategy, prev, shares, this.slashingFactor(staker, strategy));
  }

  delegate(staker: string, operator: string, strategies: string[]): void {
    const withdrawable = strategies.map((s) => this.withdrawable(staker, s));
    this.delegated.set(k(staker), operator);
    strategies.forEach((s, i) => {
      if (this.depositSharesOf(staker, s) > 0n) {
        this.increaseDelegation(staker, s, 0n, withdrawable[i], this.maxMagnitude(operator, s));
      }
    });
  }

  allocate(operator: string, set: string, strategy: string, magnitude: bigint): void {
    this.allocation.set(k(operator, set, strategy), magnitude);
  }

  allocationOf(operator: string, set: string, strategy: string): bigint {
    return this.allocation.get(k(operator, set, strategy)) ?? 0n;
  }

  /**
   * Slashes `wad` of the operator's allocation to `set` at block `block`; returns the deposit shares removed from
   * the operator and from its still-slashable queue.
   */
  slash(operator: string, set: string, strategy: string, wad: bigint, block: number): bigint {
    const current = this.allocationOf(operator, set, strategy);
    if (current === 0n) return 0n;
    const slashed = mulWadUp(current, wad);
    const prevMax = this.maxMagnitude(operator, strategy);
    const newMax = prevMax - slashed;
    this.allocation.set(k(operator, set, strategy), current - slashed);
    const history = this.maxMagHistory.get(k(operator, strategy)) ?? [];
    history.push({ block, value: newMax });
    this.maxMagHistory.set(k(operator, strategy), history);
    const opShares = this.operatorShares(operator, strategy);
    const fromOperator = opShares - mulDiv(opShares, newMax, prevMax, "ceil");
    this.opShares.set(k(operator, strategy), opShares - fromOperator);
    // Queued scaled shares that entered within the last `delay` blocks (inclusive) are still slashable.
    const queuedScaled = this.queue
      .filter((w) => w.operator === operator.toLowerCase() && w.strategy === strategy.toLowerCase())
      .filter((w) => w.startBlock >= block - this.delay)
      .reduce((sum, w) => sum + w.scaledShares, 0n);
    return fromOperator + mulWad(queuedScaled, prevMax - newMax);
  }

  /** Queues `depositShares` at block `block`; returns the withdrawal and its withdrawable shares now. */
  queueWithdrawal(
    staker: string,
    strategy: string,
    depositShares: bigint,
    block: number,
  ): { withdrawal: QueuedWithdrawalModel; withdrawable: bigint } {
    const dsf = this.scalingFactor(staker, strategy);
    const op = this.operatorOf(staker);
    const withdrawable = mulWad(mulWad(depositShares, dsf), this.slashingFactor(staker, strategy));
    const scaledShares = mulWad(depositShares, dsf);
    if (op) this.opShares.set(k(op, strategy), this.operatorShares(op, strategy) - withdrawable);
    const remaining = this.depositSharesOf(staker, strategy) - depositShares;
    if (remaining < 0n) throw new Error("SharesAmountTooHigh");
    this.depositShares.set(k(staker, strategy), remaining);
    if (remaining === 0n) this.dsf.delete(k(staker, strategy));
    const withdrawal = {
      staker: staker.toLowerCase(),
      operator: op.toLowerCase(),
      strategy: strategy.toLowerCase(),
      scaledShares,
      startBlock: block,
    };
    this.queue.push(withdrawal);
    return { withdrawal, withdrawable };
  }

  /** Undelegates at block `block`: one withdrawal per strategy for all deposit shares. */
  undelegate(staker: string, strategies: string[], block: number): QueuedWithdrawalModel[] {
    const queued = strategies
      .filter((s) => this.depositSharesOf(staker, s) > 0n)
      .map((s) => this.queueWithdrawal(staker, s, this.depositSharesOf(staker, s), block).withdrawal);
    this.delegated.delete(k(staker));
    return queued;
  }

  /** Shares a withdrawal pays: scaled × the operator's max magnitude at `startBlock + delay` (or now, if sooner). */
  withdrawalShares(w: QueuedWithdrawalModel, currentBlock: number): bigint {
    const slashableUntil = w.startBlock + this.delay;
    const factor = !w.operator
      ? WAD
      : slashableUntil < currentBlock
        ? this.maxMagnitudeAt(w.operator, w.strategy, slashableUntil)
        : this.maxMagnitude(w.operator, w.strategy);
    return mulWad(w.scaledShares, factor);
  }
}
