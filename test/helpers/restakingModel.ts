/**
 * An independent TypeScript reference of the suite's restaking flows, built on the EigenLayer reference
 * (`eigenlayerModel.ts`) and the Lido share model (`steth.ts`). It mirrors every token movement of the restaking
 * manager (vault → delegator → strategy and back, rewards → manager → vault) to predict exact wei values; it never
 * reads contract state except the addresses it is built from.
 */
import { EIGEN_DELAYS } from "../../scripts/lib/eigenlayer";
import { ALLOCATED_MAGNITUDE, SEED, SET_ID, STETH_REBASE, type Restakable, type Suite } from "../../scripts/lib/suite";
import { EigenModel, StrategyModel, type QueuedWithdrawalModel } from "./eigenlayerModel";
import { WAD, mulDiv } from "./math";
import { StEthModel } from "./steth";
import { BPS, CBETH_INITIAL_RATE, RETH_INITIAL_RATE, STETH_SEED } from "../../scripts/lib/constants";

export const RESTAKABLE: Restakable[] = ["stETH", "rETH", "cbETH"];
/** Every address in the model is lower-case (the Lido model keys accounts by the exact string). */
const lc = (address: string): string => address.toLowerCase();

export interface ModelPosition {
  token: Restakable;
  withdrawableShares: bigint;
  queuedShares: bigint;
  withdrawableUnits: bigint;
  queuedUnits: bigint;
}

export class RestakingModel {
  readonly eigen = new EigenModel(EIGEN_DELAYS.minWithdrawalDelayBlocks);
  readonly steth = new StEthModel();
  readonly strategies = new Map<Restakable, StrategyModel>();
  /** Vault buffers of the restakable LSTs, in accounting units. */
  readonly buffer = new Map<Restakable, bigint>();
  /**
   * The vault's `outsideUnits` of each restakable LST: re-based at a sync to the restaked and queued units it found,
   * then moved by restakes (+units) and completed withdrawals (-units absorbed, never below 0); rewards do not move it.
   */
  readonly outside = new Map<Restakable, bigint>();
  /** Per delegator, the operator it was delegated to last (kept after a forced undelegation). */
  readonly lastOperator = new Map<string, string>();
  /** Per delegator, the operator before its last redelegation (absent: never redelegated). */
  readonly previousOperator = new Map<string, string>();
  /** Prices the vault stored at the last sync (ETH per 1e18 units). */
  readonly price = new Map<Restakable, bigint>();
  /** lrETH supply: the seed plus every deposit's mint. */
  supply = SEED;
  /** The deposit rate of the last sync (1e18 until a sync books a gain; tests that need more set it). */
  depositRate = WAD;

  private constructor(
    readonly tokens: Restakable[],
    readonly strategyAddress: Map<Restakable, string>,
    readonly delegators: string[],
    readonly operators: string[],
    readonly targets: bigint[],
    readonly set: string,
    readonly vault: string,
    readonly manager: string,
  ) {}

  /** The model of a freshly deployed suite (mirrors the fixture's stETH pool, allocations and delegations). */
  static async of(s: Suite): Promise<RestakingModel> {
    const tokens = RESTAKABLE.slice(0, s.strategies.length);
    const strategyAddress = new Map<Restakable, string>();
    for (let i = 0; i < tokens.length; ++i) strategyAddress.set(tokens[i], lc(await s.strategies[i].getAddress()));
    const m = new RestakingModel(
      tokens,
      strategyAddress,
      s.delegators.map((d) => lc(d.target as string)),
      s.operators.map((o) => lc(o.address)),
      s.targets.map(BigInt),
      `${await s.avs.getAddress()}:${SET_ID}`,
      lc(await s.vault.getAddress()),
      lc(await s.manager.getAddress()),
    );
    m.steth.submit(lc(s.signers.admin.address), STETH_SEED);
    m.steth.rebase(STETH_REBASE);
    for (const t of tokens) {
      m.strategies.set(t, new StrategyModel());
      m.buffer.set(t, 0n);
      m.outside.set(t, 0n);
      for (const op of m.operators) m.eigen.allocate(op, m.set, strategyAddress.get(t)!, ALLOCATED_MAGNITUDE);
    }
    const all = [...strategyAddress.values()];
    m.delegators.forEach((d, i) => {
      m.eigen.delegate(d, m.operators[i], all);
      m.lastOperator.set(d, m.operators[i]);
    });
    m.markSynced();
    return m;
  }

  /** Records the prices a sync stores now: the tokens' own rates (taken as they are while they do not move). */
  markSynced(): void {
    this.price.set("stETH", this.steth.pooledEthByShares(WAD));
    this.price.set("rETH", RETH_INITIAL_RATE);
    this.price.set("cbETH", CBETH_INITIAL_RATE);
  }

  strategyOf(token: Restakable): string {
    return this.strategyAddress.get(token)!;
  }

  /** Accounting units of `tokens` (stETH: Lido shares, rounded down; others: the token itself). */
  toUnits(token: Restakable, tokens: bigint): bigint {
    return token === "stETH" ? this.steth.sharesByPooledEth(tokens) : tokens;
  }

  /** ETH value of `units` at the last sync's price, rounded down. */
  value(token: Restakable, units: bigint): bigint {
    return mulDiv(units, this.price.get(token)!, WAD);
  }

  /** `user` mints `eth` worth of `token` and deposits its whole balance into the vault (as `depositLST`). */
  depositLST(user: string, token: Restakable, eth: bigint): { amount: bigint; units: bigint } {
    user = lc(user);
    let amount: bigint;
    let units: bigint;
    if (token === "stETH") {
      this.steth.submit(user, eth);
      amount = this.steth.balanceOf(user);
      units = this.steth.transfer(user, this.vault, amount);
    } else {
      amount = mulDiv(eth, WAD, token === "rETH" ? RETH_INITIAL_RATE : CBETH_INITIAL_RATE);
      units = amount;
    }
    this.buffer.set(token, this.buffer.get(token)! + units);
    // lrETH per unit at the deposit rate (floor), then the mint (floor).
    this.supply += mulDiv(units, mulDiv(this.price.get(token)!, WAD, this.depositRate), WAD);
    return { amount, units };
  }

  /** A restake of `units`: vault → delegator → strategy; returns the deposit shares credited. */
  restake(delegator: string, token: Restakable, units: bigint): bigint {
    delegator = lc(delegator);
    const strategy = this.strategies.get(token)!;
    this.buffer.set(token, this.buffer.get(token)! - units);
    this.outside.set(token, this.outside.get(token)! + units);
    let amount = units;
    let arrived = units;
    if (token === "stETH") {
      // The delegator deposits its balance change (what the vault sent), never earlier dust or donations.
      const held = this.steth.balanceOf(delegator);
      this.steth.transferShares(this.vault, delegator, units);
      amount = this.steth.balanceOf(delegator) - held;
      const address = this.strategyOf(token);
      const before = this.steth.balanceOf(address);
      this.steth.transfer(delegator, address, amount);
      arrived = this.steth.balanceOf(address) - before;
    }
    const shares = strategy.deposit(amount, arrived);
    this.eigen.deposit(delegator, this.strategyOf(token), shares);
    return shares;
  }

  /** Shares of the queued withdrawals of our delegators, per token, as EigenLayer reports them at `block`. */
  queuedShares(token: Restakable, block: number, delegators = this.delegators): bigint {
    const strategy = this.strategyOf(token).toLowerCase();
    const ours = new Set(delegators.map(lc));
    return this.eigen.queue
      .filter((w) => w.strategy === strategy && ours.has(w.staker))
      .reduce((sum, w) => sum + this.eigen.withdrawalShares(w, block), 0n);
  }

  withdrawableShares(token: Restakable, delegators = this.delegators): bigint {
    return delegators.reduce((sum, d) => sum + this.eigen.withdrawable(d, this.strategyOf(token)), 0n);
  }

  private sharesToUnits(token: Restakable, shares: bigint): bigint {
    if (shares === 0n) return 0n;
    return this.toUnits(token, this.strategies.get(token)!.sharesToUnderlying(shares));
  }

  /** What `positions()` returns at `block`: per strategy, summed shares converted once, every step floored. */
  positions(block: number): ModelPosition[] {
    return this.tokens.map((token) => {
      const withdrawableShares = this.withdrawableShares(token);
      const queuedShares = this.queuedShares(token, block);
      return {
        token,
        withdrawableShares,
        queuedShares,
        withdrawableUnits: this.sharesToUnits(token, withdrawableShares),
        queuedUnits: this.sharesToUnits(token, queuedShares),
      };
    });
  }

  /**
   * The vault's value as `sync()` computes it at `block`: per asset, buffer + restaked + queued units at the
   * stored price (floor each), plus the ETH seed (the suite holds no other asset).
   */
  totalValue(block: number, ethBuffer = SEED): bigint {
    const positions = this.positions(block);
    return positions.reduce(
      (sum, p) => sum + this.value(p.token, this.buffer.get(p.token)! + p.withdrawableUnits + p.queuedUnits),
      ethBuffer,
    );
  }

  /** ETH value of the withdrawable shares of `delegators`, per strategy converted once (as the target check). */
  restakedValue(delegators: string[]): bigint {
    return this.tokens.reduce(
      (sum, token) => sum + this.value(token, this.sharesToUnits(token, this.withdrawableShares(token, delegators))),
      0n,
    );
  }

  /**
   * The target rule of `restake`: `null` if the move is allowed, else the revert arguments
   * `(valueAfter, targetValue)` of `RestakingManagerAboveTarget`.
   */
  targetCheck(delegator: string, token: Restakable, units: bigint): { valueAfter: bigint; targetValue: bigint } | null {
    delegator = lc(delegator);
    const index = this.delegators.indexOf(delegator);
    const target = this.targets[index];
    const before = this.restakedValue([delegator]);
    const moved = this.value(token, units);
    const totalAfter = this.restakedValue(this.delegators) + moved;
    if (before * BPS < target * totalAfter) return null;
    return { valueAfter: before + moved, targetValue: mulDiv(totalAfter, target, BPS) };
  }

  /** `queueWithdrawal(delegator, token, withdrawable)` at `block`: the deposit shares and the queued withdrawal. */
  queue(
    delegator: string,
    token: Restakable,
    withdrawable: bigint,
    block: number,
  ): { depositShares: bigint; withdrawal: QueuedWithdrawalModel } {
    delegator = lc(delegator);
    const depositShares = this.eigen.toDepositShares(delegator, this.strategyOf(token), withdrawable);
    const { withdrawal } = this.eigen.queueWithdrawal(delegator, this.strategyOf(token), depositShares, block);
    return { depositShares, withdrawal };
  }

  /** The operator force-undelegates `delegator` at `block`: one withdrawal per strategy it holds. */
  undelegate(delegator: string, block: number): QueuedWithdrawalModel[] {
    return this.eigen.undelegate(lc(delegator), [...this.strategyAddress.values()], block);
  }

  /** `redelegate` at `block`: undelegate (if delegated) and delegate to `operator`. */
  redelegate(delegator: string, operator: string, block: number): QueuedWithdrawalModel[] {
    const queued = this.eigen.operatorOf(delegator) ? this.undelegate(delegator, block) : [];
    this.eigen.delegate(lc(delegator), lc(operator), [...this.strategyAddress.values()]);
    this.previousOperator.set(lc(delegator), this.lastOperator.get(lc(delegator))!);
    this.lastOperator.set(lc(delegator), lc(operator));
    return queued;
  }

  private tokenOf(strategy: string): Restakable {
    return this.tokens.find((t) => this.strategyOf(t) === lc(strategy))!;
  }

  /** Completes `w` as tokens at `block` and moves them into the buffer; returns the token amount and the units. */
  complete(w: QueuedWithdrawalModel, block: number): { tokens: bigint; units: bigint } {
    const index = this.eigen.queue.indexOf(w);
    if (index < 0) throw new Error("RestakingModel: withdrawal not queued");
    const shares = this.eigen.withdrawalShares(w, block);
    this.eigen.queue.splice(index, 1);
    if (shares === 0n) return { tokens: 0n, units: 0n };
    const token = this.tokenOf(w.strategy);
    const strategy = this.strategies.get(token)!;
    const out = strategy.withdraw(shares);
    let received = out;
    let units = out;
    if (token === "stETH") {
      const before = this.steth.balanceOf(w.staker);
      this.steth.transfer(this.strategyOf(token), w.staker, out);
      strategy.balance = this.steth.balanceOf(this.strategyOf(token));
      received = this.steth.balanceOf(w.staker) - before;
      units = this.steth.transfer(w.staker, this.vault, received);
    }
    this.buffer.set(token, this.buffer.get(token)! + units);
    // The vault is called only when tokens arrived; the units leave the restaked/queued side.
    if (units !== 0n) {
      const outside = this.outside.get(token)!;
      this.outside.set(token, outside > units ? outside - units : 0n);
    }
    return { tokens: received, units };
  }

  /** A sync at `block` re-bases `outside` to the restaked and queued units `positions()` reports. */
  syncOutside(block: number): void {
    for (const p of this.positions(block)) this.outside.set(p.token, p.withdrawableUnits + p.queuedUnits);
  }

  /** EigenLayer withdrawals `delegator` has pending (queued and not completed). */
  pendingCount(delegator: string): number {
    return this.eigen.queue.filter((w) => w.staker === lc(delegator)).length;
  }

  /**
   * `slashedSince(block)`: whether the max magnitude of an operator a delegator is watched for, for one of our
   * strategies, is lower now than at the end of `block`. A delegator is watched for the operator it was delegated to
   * last (its withdrawable shares, and its queued withdrawals after a forced undelegation) and the one before its
   * last redelegation (the withdrawals that redelegation queued).
   */
  slashedSince(block: number): boolean {
    return this.delegators.some((d) =>
      this.watchedOperators(d).some((operator) =>
        this.tokens.some((t) => {
          const strategy = this.strategyOf(t);
          return this.eigen.maxMagnitude(operator, strategy) < this.eigen.maxMagnitudeAt(operator, strategy, block);
        }),
      ),
    );
  }

  /** The operators `slashedSince` watches for `delegator`: the last one and the one before a redelegation. */
  watchedOperators(delegator: string): string[] {
    const last = this.lastOperator.get(lc(delegator))!;
    const previous = this.previousOperator.get(lc(delegator));
    return previous === undefined || previous === last ? [last] : [last, previous];
  }

  /**
   * Whether `redelegate(delegator, ...)` is refused because a withdrawal queued under the operator before the
   * current one is still pending (`RestakingManagerPreviousOperatorPending`); returns that operator, or null.
   */
  previousPending(delegator: string): string | null {
    const previous = this.previousOperator.get(lc(delegator));
    if (previous === undefined) return null;
    return this.eigen.queue.some((w) => w.staker === lc(delegator) && w.operator === previous) ? previous : null;
  }

  /** The AVS slashes `wad` of `operator`'s allocation to each of `tokens`' strategies at `block`. */
  slash(operator: string, tokens: Restakable[], wad: bigint, block: number): void {
    for (const t of tokens) this.eigen.slash(lc(operator), this.set, this.strategyOf(t), wad, block);
  }
}
