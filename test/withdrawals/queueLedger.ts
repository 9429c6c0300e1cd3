/**
 * An independent bigint reference of the vault, its rate books and the withdrawal queue, written from the rules in
 * `IWithdrawalQueue`, `ILRTVault` and `ILRTAccountant`, for exact expected values in the queue tests. It is built
 * only from what the tests control (fixture parameters, amounts moved, rebases and rates set, block times) and the
 * shared models (`RateModel`, `StEthModel`, `boundedPrice`); it never reads the contracts under test.
 *
 * The queue's rules, as modelled:
 * - a request locks `shares` lrETH and records `rate = rateAt(t)` and `valueAtRequest = floor(shares * rate / 1e18)`;
 * - `finalize(max)` at `t` first syncs (always), then walks pending requests in order, paying
 *   each `value = floor(shares * min(rateAtRequest, rate) / 1e18)` ETH as `floor(value * 1e18 / price)` units of its
 *   asset (the higher of the oracle's stored and live price), while the asset's buffer lasts; the first request it
 *   cannot pay stops the batch. The finalized lrETH is burned and the units move from the vault's buffer to the
 *   queue's reserve; the high-water mark rises by what the requests forfeited (book value minus value paid) per
 *   remaining lrETH, rounded up. If nothing could be finalized, nothing happens (the sync included: it reverts);
 * - a claim pays each request's frozen units to the recipient, once.
 */
import { RateModel } from "../helpers/rateModel";
import type { SyncOutcome } from "../helpers/rateModel";
import { StEthModel } from "../helpers/steth";
import { boundedPrice } from "../helpers/oracleModel";
import { WAD, max, min, mulDiv, mulWad } from "../helpers/math";
import { CBETH_INITIAL_RATE, RETH_INITIAL_RATE, STETH_SEED } from "../fixtures/tokens";
import { ASSET_ORDER, VAULT_PARAMS } from "../fixtures/vault";
import { QUEUE_DEPOSITS } from "../fixtures/queue";
import type { QueueDeposit } from "../fixtures/queue";

/** The vault's assets in `vault.assets()` order. */
export const KEYS = ["ETH", ...ASSET_ORDER] as const;
export type Key = (typeof KEYS)[number];

/** Request status codes (`IWithdrawalQueue.Request.status`). */
export const PENDING = 1n;
export const FINALIZED = 2n;
export const CLAIMED = 3n;

/** The lrETH the vault seeds to this address at deployment. */
export const DEAD = "0x000000000000000000000000000000000000dEaD";

export interface LedgerRequest {
  id: bigint;
  requester: string;
  owner: string;
  asset: Key;
  shares: bigint;
  rateAtRequest: bigint;
  valueAtRequest: bigint;
  requestedAt: bigint;
  status: bigint;
  payoutUnits: bigint;
  payoutValue: bigint;
  rateAtFinalization: bigint;
}

/** A sync's outcome plus the value it found (the accountant's `Synced.totalValue`). */
export type LedgerSync = SyncOutcome & { totalValue: bigint };

export interface Finalization {
  /** The sync the finalization ran first, if any. */
  sync?: LedgerSync;
  /** The rate the batch paid at (ETH per 1e18 lrETH). */
  rate: bigint;
  finalized: LedgerRequest[];
  /** Units per asset moved from the buffer to the queue. */
  used: Map<Key, bigint>;
  sharesBurned: bigint;
}

/** The addresses the ledger needs. */
export interface LedgerAddresses {
  vault: string;
  queue: string;
  treasury: string;
  funder: string;
}

const zeroes = (): Map<Key, bigint> => new Map(KEYS.map((k) => [k, 0n]));

export class QueueLedger {
  readonly rates = new RateModel({
    feeBps: BigInt(VAULT_PARAMS.feeBps),
    streamWindow: BigInt(VAULT_PARAMS.streamWindow),
    maxAprBps: BigInt(VAULT_PARAMS.maxAprBps),
    maxRateAge: BigInt(VAULT_PARAMS.maxRateAge),
  });
  readonly steth = new StEthModel();
  rETHRate = RETH_INITIAL_RATE;
  cbETHRate = CBETH_INITIAL_RATE;
  /** The vault's buffers (accounting units; stETH in Lido shares). */
  buffer = zeroes();
  /** The oracle's stored prices (ETH per 1e18 units). */
  price = zeroes();
  tripped = new Map<Key, boolean>(KEYS.map((k) => [k, false]));
  /** lrETH per 1e18 units deposited until the next sync. */
  perUnit = zeroes();
  /** Deposits revert after this time until the next sync. */
  expiry = 0n;
  supply = 0n;
  /** lrETH balances. */
  lrETH = new Map<string, bigint>();
  readonly requests: LedgerRequest[] = [];
  nextToFinalize = 1n;
  /** Units per asset the queue holds for finalized, unclaimed requests. */
  readonly reserved = zeroes();

  /** The state `deployVaultFixture` leaves: the stETH pool seeded by `funder`, the vault seeded and synced once. */
  constructor(
    readonly a: LedgerAddresses,
    firstSyncAt: bigint,
  ) {
    this.steth.submit(a.funder, STETH_SEED);
    this.buffer.set("ETH", VAULT_PARAMS.seed);
    this.supply = VAULT_PARAMS.seed;
    this.credit(DEAD, VAULT_PARAMS.seed);
    this.sync(firstSyncAt);
  }

  /** The state `deployQueueFixture` leaves (alice's and bob's deposits replayed). */
  static forQueueFixture(a: LedgerAddresses, firstSyncAt: bigint, alice: string, bob: string): QueueLedger {
    const l = new QueueLedger(a, firstSyncAt);
    const replay = (account: string, d: QueueDeposit) => {
      l.deposit(account, "ETH", d.eth);
      l.depositStETH(account, d.stake, d.stETH);
      l.deposit(account, "rETH", d.rETH);
    };
    replay(alice, QUEUE_DEPOSITS.alice);
    replay(bob, QUEUE_DEPOSITS.bob);
    return l;
  }

  /* ------------------------------------------------------------ vault and books ------------------------------ */

  /** What the asset's adapter reads from the token now (ETH per 1e18 accounting units). */
  observedPrice(key: Key): bigint {
    switch (key) {
      case "stETH":
      case "wstETH":
        return this.steth.pooledEthByShares(WAD);
      case "rETH":
        return this.rETHRate;
      case "cbETH":
        return this.cbETHRate;
      default:
        return WAD;
    }
  }

  /** Everything the vault owns at the stored prices, each asset rounded down (no restaking manager: buffers). */
  value(): bigint {
    return KEYS.reduce((sum, k) => sum + mulWad(this.buffer.get(k)!, this.price.get(k)!), 0n);
  }

  rateAt(t: bigint): bigint {
    return this.rates.rateAt(t);
  }

  balanceOf(account: string): bigint {
    return this.lrETH.get(account) ?? 0n;
  }

  /** A sync at `t`: bounded prices and trips, the books, the fee, the deposit prices and their expiry. */
  sync(t: bigint): LedgerSync {
    for (const k of KEYS) {
      if (k === "ETH") {
        this.price.set(k, WAD);
        continue;
      }
      const bounded = boundedPrice(this.price.get(k)!, this.observedPrice(k), BigInt(VAULT_PARAMS.maxChangeBps));
      this.price.set(k, bounded.used);
      if (bounded.tripped) this.tripped.set(k, true);
    }
    const totalValue = this.value();
    const out = this.rates.sync(totalValue, this.supply, t);
    this.supply = out.supply;
    this.credit(this.a.treasury, out.feeShares);
    for (const k of KEYS) this.perUnit.set(k, this.rates.sharesPerUnit(this.price.get(k)!));
    this.expiry = t + BigInt(VAULT_PARAMS.maxRateAge);
    return { ...out, totalValue };
  }

  /** Whether a deposit of `key` at `t` is accepted. */
  depositsOpen(key: Key, t: bigint): boolean {
    return this.perUnit.get(key)! !== 0n && !this.tripped.get(key)! && t <= this.expiry;
  }

  /** A deposit of `units` accounting units of `key` by `account`; returns the lrETH minted (rounded down). */
  deposit(account: string, key: Key, units: bigint): bigint {
    const shares = mulWad(units, this.perUnit.get(key)!);
    this.buffer.set(key, this.buffer.get(key)! + units);
    this.supply += shares;
    this.credit(account, shares);
    return shares;
  }

  /** `account` stakes `stake` ETH with Lido and deposits `amount` stETH: the vault credits the shares moved. */
  depositStETH(account: string, stake: bigint, amount: bigint): bigint {
    if (stake > 0n) this.steth.submit(account, stake);
    return this.deposit(account, "stETH", this.steth.transfer(account, this.a.vault, amount));
  }

  /** rETH minted for `eth` at the current rETH rate (rounded down). */
  rETHFor(eth: bigint): bigint {
    return mulDiv(eth, WAD, this.rETHRate);
  }

  /* ------------------------------------------------------------------- queue -------------------------------- */

  /** A request of `shares` lrETH by `requester` at `t`, paid in `key`, the NFT to `receiver`. */
  request(t: bigint, requester: string, receiver: string, shares: bigint, key: Key): LedgerRequest {
    const rate = this.rateAt(t);
    const r: LedgerRequest = {
      id: BigInt(this.requests.length + 1),
      requester,
      owner: receiver,
      asset: key,
      shares,
      rateAtRequest: rate,
      valueAtRequest: mulWad(shares, rate),
      requestedAt: t,
      status: PENDING,
      payoutUnits: 0n,
      payoutValue: 0n,
      rateAtFinalization: 0n,
    };
    this.requests.push(r);
    this.credit(requester, -shares);
    this.credit(this.a.queue, shares);
    return r;
  }

  get(id: bigint): LedgerRequest {
    const r = this.requests[Number(id) - 1];
    if (r === undefined) throw new Error(`QueueLedger: no request ${id}`);
    return r;
  }

  /** The ids after the last finalized one (nextRequestId in the contract's `cursor`). */
  get nextRequestId(): bigint {
    return BigInt(this.requests.length + 1);
  }

  /** `finalize(maxRequests)` at `t`; `undefined` when it reverts (nothing finalizable): then nothing changed. */
  finalize(t: bigint, maxRequests: bigint): Finalization | undefined {
    const saved = this.save();
    const sync = this.sync(t);
    const rate = this.rateAt(t);
    const payoutPrice = (k: Key) => (k === "ETH" ? WAD : max(this.price.get(k)!, this.observedPrice(k)));
    const used = zeroes();
    const batch: { r: LedgerRequest; value: bigint; units: bigint }[] = [];
    for (let i = Number(this.nextToFinalize) - 1; i < this.requests.length && BigInt(batch.length) < maxRequests; i++) {
      const r = this.requests[i];
      const value = mulWad(r.shares, min(r.rateAtRequest, rate));
      const units = mulDiv(value, WAD, payoutPrice(r.asset));
      if (used.get(r.asset)! + units > this.buffer.get(r.asset)!) break;
      used.set(r.asset, used.get(r.asset)! + units);
      batch.push({ r, value, units });
    }
    if (batch.length === 0) {
      this.restore(saved);
      return undefined;
    }
    let sharesBurned = 0n;
    let valuePaid = 0n;
    for (const { r, value, units } of batch) {
      valuePaid += value;
      r.status = FINALIZED;
      r.payoutValue = value;
      r.payoutUnits = units;
      r.rateAtFinalization = rate;
      sharesBurned += r.shares;
    }
    for (const k of KEYS) {
      const u = used.get(k)!;
      this.buffer.set(k, this.buffer.get(k)! - u);
      this.reserved.set(k, this.reserved.get(k)! + u);
    }
    if (used.get("stETH")! > 0n) this.steth.transferShares(this.a.vault, this.a.queue, used.get("stETH")!);
    this.supply -= sharesBurned;
    this.credit(this.a.queue, -sharesBurned);
    this.nextToFinalize += BigInt(batch.length);
    const books = this.rates.base + this.rates.unvested + this.rates.heldBack;
    const owed = mulDiv(sharesBurned, books, WAD);
    if (owed > valuePaid) this.rates.highWaterMark += mulDiv(owed - valuePaid, WAD, this.supply, "ceil");
    return { sync, rate, finalized: batch.map((b) => b.r), used, sharesBurned };
  }

  /** The custom error `claim(ids)` by `caller` reverts with, checked in the contract's order, or undefined. */
  claimError(caller: string, ids: bigint[]): { name: string; args: unknown[] } | undefined {
    const claimedNow = new Set<bigint>();
    for (const id of ids) {
      const r = this.requests[Number(id) - 1];
      if (id === 0n || r === undefined) return { name: "WithdrawalQueueUnknownRequest", args: [id] };
      if (r.status === CLAIMED || claimedNow.has(id)) return { name: "WithdrawalQueueAlreadyClaimed", args: [id] };
      if (r.status !== FINALIZED) return { name: "WithdrawalQueueNotFinalized", args: [id] };
      if (r.owner !== caller) return { name: "WithdrawalQueueNotOwner", args: [id, caller, r.owner] };
      claimedNow.add(id);
    }
    return undefined;
  }

  /** Pays `ids` to `recipient`; returns the units paid per asset. */
  claim(ids: bigint[], recipient: string): Map<Key, bigint> {
    const paid = zeroes();
    for (const id of ids) {
      const r = this.get(id);
      r.status = CLAIMED;
      paid.set(r.asset, paid.get(r.asset)! + r.payoutUnits);
    }
    for (const k of KEYS) this.reserved.set(k, this.reserved.get(k)! - paid.get(k)!);
    if (paid.get("stETH")! > 0n) this.steth.transferShares(this.a.queue, recipient, paid.get("stETH")!);
    return paid;
  }

  transferRequest(id: bigint, to: string): void {
    this.get(id).owner = to;
  }

  /** lrETH locked by pending requests. */
  pendingShares(): bigint {
    return this.requests.filter((r) => r.status === PENDING).reduce((s, r) => s + r.shares, 0n);
  }

  /** Units of `key` owed to finalized, unclaimed requests. */
  unclaimed(key: Key): bigint {
    return this.requests
      .filter((r) => r.status === FINALIZED && r.asset === key)
      .reduce((s, r) => s + r.payoutUnits, 0n);
  }

  /* ------------------------------------------------------------------ internals ----------------------------- */

  private credit(account: string, shares: bigint): void {
    this.lrETH.set(account, this.balanceOf(account) + shares);
  }

  /** What a sync changes (a finalization that reverts must leave it untouched). */
  private save() {
    const r = this.rates;
    return {
      books: [r.base, r.unvested, r.heldBack, r.highWaterMark, r.lastSync, r.window, r.depositRate] as const,
      price: new Map(this.price),
      tripped: new Map(this.tripped),
      perUnit: new Map(this.perUnit),
      expiry: this.expiry,
      supply: this.supply,
      lrETH: new Map(this.lrETH),
    };
  }

  private restore(s: ReturnType<QueueLedger["save"]>): void {
    const r = this.rates;
    [r.base, r.unvested, r.heldBack, r.highWaterMark, r.lastSync, r.window, r.depositRate] = s.books;
    this.price = s.price;
    this.tripped = s.tripped;
    this.perUnit = s.perUnit;
    this.expiry = s.expiry;
    this.supply = s.supply;
    this.lrETH = s.lrETH;
  }
}
