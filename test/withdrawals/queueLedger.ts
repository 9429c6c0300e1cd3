/**
 * An independent bigint reference of the withdrawal queue on top of the vault's (`Ledger`), written from the rules in
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
import { DEAD, KEYS, Ledger } from "../helpers/ledger";
import type { Key, LedgerAddresses, LedgerSync } from "../helpers/ledger";
import { WAD, max, min, mulDiv, mulWad } from "../helpers/math";
import { QUEUE_DEPOSITS } from "../fixtures/queue";
import type { QueueDeposit } from "../fixtures/queue";

export { DEAD, KEYS };
export type { Key, LedgerSync };

/** Request status codes (`IWithdrawalQueue.Request.status`). */
export const PENDING = 1n;
export const FINALIZED = 2n;
export const CLAIMED = 3n;

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

/** The addresses the queue ledger needs: the vault's and the queue. */
export interface QueueLedgerAddresses extends LedgerAddresses {
  queue: string;
}

const zeroes = (): Map<Key, bigint> => new Map(KEYS.map((k) => [k, 0n]));

/** Copies `from` into `to` (the ledger's maps are read-only references). */
function copyInto<K, V>(to: Map<K, V>, from: Map<K, V>): void {
  to.clear();
  for (const [k, v] of from) to.set(k, v);
}

export class QueueLedger extends Ledger {
  readonly requests: LedgerRequest[] = [];
  nextToFinalize = 1n;
  /** Units per asset the queue holds for finalized, unclaimed requests. */
  readonly reserved = zeroes();

  constructor(
    readonly q: QueueLedgerAddresses,
    firstSyncAt: bigint,
  ) {
    super(q, firstSyncAt);
  }

  /** The state `deployQueueFixture` leaves (alice's and bob's deposits replayed). */
  static forQueueFixture(a: QueueLedgerAddresses, firstSyncAt: bigint, alice: string, bob: string): QueueLedger {
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

  /** `account` stakes `stake` ETH with Lido and deposits `amount` stETH: the vault credits the shares moved. */
  depositStETH(account: string, stake: bigint, amount: bigint): bigint {
    if (stake > 0n) this.steth.submit(account, stake);
    return this.depositTokens(account, account, "stETH", amount);
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
    this.credit(this.q.queue, shares);
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
    if (used.get("stETH")! > 0n) this.steth.transferShares(this.q.vault, this.q.queue, used.get("stETH")!);
    this.supply -= sharesBurned;
    this.credit(this.q.queue, -sharesBurned);
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
    if (paid.get("stETH")! > 0n) this.steth.transferShares(this.q.queue, recipient, paid.get("stETH")!);
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

  /** What a sync changes (a finalization that reverts must leave it untouched). */
  private save() {
    const r = this.rates;
    return {
      books: [r.base, r.unvested, r.heldBack, r.highWaterMark, r.lastSync, r.window, r.depositRate] as const,
      maps: [this.price, this.tripped, this.perUnit, this.headroom, this.excess, this.minted].map(
        (m) => [m, new Map<unknown, unknown>(m)] as const,
      ),
      expiry: this.expiry,
      supply: this.supply,
    };
  }

  private restore(s: ReturnType<QueueLedger["save"]>): void {
    const r = this.rates;
    [r.base, r.unvested, r.heldBack, r.highWaterMark, r.lastSync, r.window, r.depositRate] = s.books;
    for (const [live, saved] of s.maps) copyInto(live as Map<unknown, unknown>, saved);
    this.expiry = s.expiry;
    this.supply = s.supply;
  }
}
