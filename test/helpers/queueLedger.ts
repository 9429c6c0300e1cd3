/**
 * An independent bigint reference of the withdrawal queue on top of the vault's (`Ledger`), written from the rules in
 * `IWithdrawalQueue`, `ILRTVault` and `ILRTAccountant`, for exact expected values in the queue tests. It is built
 * only from what the tests control (fixture parameters, amounts moved, rebases, rates and market prices set, block
 * times) and the shared models (`RateModel`, `StEthModel`, `OracleModel`, `payoutPrice`); it never reads the
 * contracts under test.
 *
 * The queue's rules, as modelled:
 * - one FIFO lane per asset; request ids are `uint256(uint160(asset)) << 64 | seq`, seq counting from 1 per lane;
 * - a request at `t` locks `shares` lrETH and records `rate = rateAt(t)` and `valueAtRequest = floor(shares * rate /
 *   1e18)`. Its most units are `floor(value * 1e18 / payoutPrice)`, the payout price being the highest of the price
 *   stored at the last sync, the live protocol price and the feed's last market price, stale or not (ignored only
 *   when the feed gives none: down or not positive, the ledger's market 0; 1e18 for ETH). It is refused
 *   (`WithdrawalQueueNoRoute(asset, units, room)`) when `units == 0` or `units > room`, `room = buffer + (outside -
 *   ROUTE_MARGIN if outside > ROUTE_MARGIN, else 0) - lane liability` (0 if negative), `outside` being the units
 *   restaked or queued as of the last sync (0 without a restaking manager) and `ROUTE_MARGIN` 1 gwei (EigenLayer's
 *   share rounding). Accepted, its most units join the lane's liability;
 * - `finalize(max)` at `t` first syncs (always, even when it then pays nothing: it never reverts), then walks the
 *   lanes in `vault.assets()` order, each in request order, at most `min(max, 50)` steps in all (a re-denominated
 *   entry is skipped but counts as a step), paying each pending request `value = floor(shares * min(rateAtRequest,
 *   rate) / 1e18)` as `units = floor(value * 1e18 / payoutPrice)`, capped at its most units (the value is then
 *   recomputed as `floor(units * payoutPrice / 1e18)`), while the asset's buffer lasts; a lane stops at its first
 *   request the buffer cannot pay, the other lanes go on. The finalized lrETH is burned, the units move from the
 *   vault's buffer to the queue's reserve (the vault gives their headroom back: `Ledger.settle`), the lane's
 *   liability drops by the requests' most units, and the high-water mark rises through `RateModel.settle` (the last
 *   sync's value per share);
 * - `redenominate(id, asset)` of a pending request `maxWait` after it joined its lane moves it: the old id is burned
 *   (status 4, no payout), its most units leave the old lane, and a new request with the same shares and rate at
 *   request joins the new lane at `t` with its value now, `floor(shares * min(rateAtRequest, rate now) / 1e18)`,
 *   routed as a request (not into the asset it already names: `WithdrawalQueueSameAsset(id, asset)`);
 * - a claim pays each request's frozen units to the recipient, once.
 */
import { DEAD, KEYS, Ledger } from "./ledger";
import type { Key, LedgerAddresses, LedgerSync } from "./ledger";
import { WAD, min, mulDiv, mulWad } from "./math";
import { QUEUE_DEPOSITS } from "../fixtures/queue";
import type { QueueDeposit } from "../fixtures/queue";
import { PARAMS } from "../fixtures/vault";

export { DEAD, KEYS };
export type { Key, LedgerSync };

/** Request status codes (`IWithdrawalQueue.Request.status`). */
export const PENDING = 1n;
export const FINALIZED = 2n;
export const CLAIMED = 3n;
export const REDENOMINATED = 4n;

/** `WithdrawalQueue.MAX_FINALIZE_BATCH`: the most lane steps one `finalize` takes. */
export const MAX_FINALIZE_BATCH = 50n;

/** `WithdrawalQueue.ROUTE_MARGIN`: the units outside the vault (restaked or queued) a lane's route does not count. */
export const ROUTE_MARGIN = 1_000_000_000n;

export interface LedgerRequest {
  id: bigint;
  /** Its place in its lane (from 1). */
  seq: bigint;
  requester: string;
  owner: string;
  asset: Key;
  shares: bigint;
  rateAtRequest: bigint;
  valueAtRequest: bigint;
  /** When it joined its lane (a re-denominated request: when it moved). */
  requestedAt: bigint;
  status: bigint;
  /** The most units it can be paid, fixed when it joined its lane. */
  maxUnits: bigint;
  /** As `getRequest` reports it: the most units while pending, the units owed once finalized, 0 once moved. */
  payoutUnits: bigint;
  payoutValue: bigint;
  rateAtFinalization: bigint;
  /** The id it was moved to (re-denominated). */
  movedTo?: bigint;
}

/** One asset's lane (`IWithdrawalQueue.Lane`) and its requests by seq. */
export interface LedgerLane {
  requested: bigint;
  processed: bigint;
  liability: bigint;
  ids: bigint[];
}

export interface Finalization {
  /** The sync the finalization ran first. */
  sync: LedgerSync;
  /** The rate the batch paid at (ETH per 1e18 lrETH). */
  rate: bigint;
  finalized: LedgerRequest[];
  /** Units per asset moved from the buffer to the queue. */
  used: Map<Key, bigint>;
  /** Per asset: the buffer after the sync and the lane's liability before any payment. */
  bufferAtSync: Map<Key, bigint>;
  liabilityBefore: Map<Key, bigint>;
  sharesBurned: bigint;
  valuePaid: bigint;
  /** What the finalized requests forfeited to the holders who stay (`HighWaterMarkRaised`), 0 if none. */
  forfeited: bigint;
  /** Lane steps taken (finalized requests plus skipped re-denominated entries). */
  steps: bigint;
  /** Whether the batch ran out of steps (`min(max, MAX_FINALIZE_BATCH)`). */
  exhausted: boolean;
}

/** Why a request (or a re-denomination's target) is refused: `WithdrawalQueueNoRoute(asset, units, room)`. */
export interface Route {
  units: bigint;
  room: bigint;
  ok: boolean;
}

/** The addresses the queue ledger needs: the vault's, the queue and every asset (the ETH marker for ETH). */
export interface QueueLedgerAddresses extends LedgerAddresses {
  queue: string;
  assets: Record<Key, string>;
}

const zeroes = (): Map<Key, bigint> => new Map(KEYS.map((k) => [k, 0n]));

/** A lane's request id: `uint256(uint160(asset)) << 64 | seq`. */
export function laneId(asset: string, seq: bigint): bigint {
  return (BigInt(asset) << 64n) | seq;
}

export class QueueLedger extends Ledger {
  /** Every request ever made, by id. */
  readonly byId = new Map<bigint, LedgerRequest>();
  readonly lanes = new Map<Key, LedgerLane>(
    KEYS.map((k) => [k, { requested: 0n, processed: 0n, liability: 0n, ids: [] }]),
  );
  /** Units per asset the queue holds for finalized, unclaimed requests. */
  readonly reserved = zeroes();
  /** `limits().maxWait` (seconds). */
  maxWait = BigInt(PARAMS.maxWait);
  /**
   * Per asset, the units restaked or queued as of the last sync (the vault's `outsideUnits`). Set by `sync`, which
   * the base constructor already calls, so it is declared (no initializer would overwrite it after `super`).
   */
  declare private outsideAtSync: Map<Key, bigint>;

  constructor(
    readonly q: QueueLedgerAddresses,
    firstSyncAt: bigint,
    initializedAt: bigint = firstSyncAt,
  ) {
    super(q, firstSyncAt, initializedAt);
  }

  /** The state `deployQueueFixture` leaves (alice's and bob's deposits replayed). */
  static forQueueFixture(
    a: QueueLedgerAddresses,
    firstSyncAt: bigint,
    initializedAt: bigint,
    alice: string,
    bob: string,
  ): QueueLedger {
    const l = new QueueLedger(a, firstSyncAt, initializedAt);
    const replay = (account: string, d: QueueDeposit) => {
      l.deposit(account, "ETH", d.eth);
      l.depositStETH(account, d.stake, d.stETH);
      l.deposit(account, "rETH", d.rETH);
    };
    replay(alice, QUEUE_DEPOSITS.alice);
    replay(bob, QUEUE_DEPOSITS.bob);
    return l;
  }

  override sync(t: bigint): LedgerSync {
    const out = super.sync(t);
    this.outsideAtSync = new Map(KEYS.map((k) => [k, this.restaked.get(k)! + this.queued.get(k)!]));
    return out;
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

  /** The vault's `outsideUnits` of `key`: restaked and queued units as of the last sync. */
  outside(key: Key): bigint {
    return this.outsideAtSync.get(key)!;
  }

  lane(key: Key): LedgerLane {
    return this.lanes.get(key)!;
  }

  /** `lane(asset)` as the contract returns it. */
  laneView(key: Key): [bigint, bigint, bigint] {
    const l = this.lane(key);
    return [l.requested, l.processed, l.liability];
  }

  /** Whether a request worth `value` ETH now fits `key`'s lane: its most units and the lane's room. */
  route(key: Key, value: bigint): Route {
    const units = mulDiv(value, WAD, this.payoutPrice(key));
    const outside = this.outside(key);
    const capacity = this.buffer.get(key)! + (outside > ROUTE_MARGIN ? outside - ROUTE_MARGIN : 0n);
    const liability = this.lane(key).liability;
    const room = capacity > liability ? capacity - liability : 0n;
    return { units, room, ok: units !== 0n && units <= room };
  }

  /** The route a request of `shares` lrETH at `t` in `key` would meet. */
  routeOf(t: bigint, shares: bigint, key: Key): Route {
    return this.route(key, mulWad(shares, this.rateAt(t)));
  }

  /**
   * A request of `shares` lrETH by `requester` at `t`, paid in `key`, the NFT to `receiver`. Throws if it has no
   * route (check `routeOf` first to expect the revert).
   */
  request(t: bigint, requester: string, receiver: string, shares: bigint, key: Key): LedgerRequest {
    const rate = this.rateAt(t);
    const value = mulWad(shares, rate);
    const r = this.enqueue(key, {
      requester,
      owner: receiver,
      shares,
      rateAtRequest: rate,
      valueAtRequest: value,
      requestedAt: t,
      value,
    });
    this.credit(requester, -shares);
    this.credit(this.q.queue, shares);
    return r;
  }

  get(id: bigint): LedgerRequest {
    const r = this.byId.get(id);
    if (r === undefined) throw new Error(`QueueLedger: no request ${id}`);
    return r;
  }

  /** Every request, in the order they were made. */
  get requests(): LedgerRequest[] {
    return [...this.byId.values()];
  }

  /** The id the next request in `key` gets. */
  nextId(key: Key): bigint {
    return laneId(this.q.assets[key], this.lane(key).requested + 1n);
  }

  /** `finalize(maxRequests)` at `t`: a sync, then the lanes in order (see the notice). Never throws. */
  finalize(t: bigint, maxRequests: bigint): Finalization {
    const sync = this.sync(t);
    const rate = this.rateAt(t);
    const maxSteps = min(maxRequests, MAX_FINALIZE_BATCH);
    const used = zeroes();
    const bufferAtSync = new Map(this.buffer);
    const liabilityBefore = new Map(KEYS.map((k) => [k, this.lane(k).liability]));
    const finalized: LedgerRequest[] = [];
    let steps = 0n;
    let sharesBurned = 0n;
    let valuePaid = 0n;
    for (const key of KEYS) {
      if (steps >= maxSteps) break;
      const lane = this.lane(key);
      const price = this.payoutPrice(key);
      while (lane.processed < lane.requested && steps < maxSteps) {
        const r = this.get(lane.ids[Number(lane.processed)]);
        if (r.status === PENDING) {
          let value = mulWad(r.shares, min(r.rateAtRequest, rate));
          let units = mulDiv(value, WAD, price);
          if (units > r.maxUnits) {
            units = r.maxUnits;
            value = mulWad(units, price);
          }
          if (used.get(key)! + units > this.buffer.get(key)!) break;
          used.set(key, used.get(key)! + units);
          lane.liability -= r.maxUnits;
          r.status = FINALIZED;
          r.payoutUnits = units;
          r.payoutValue = value;
          r.rateAtFinalization = rate;
          sharesBurned += r.shares;
          valuePaid += value;
          finalized.push(r);
        }
        lane.processed += 1n;
        steps += 1n;
      }
    }
    let forfeited = 0n;
    if (sharesBurned > 0n) {
      for (const k of KEYS) {
        const u = used.get(k)!;
        // The vault's settlement: the buffer is debited and the payout's headroom given back.
        this.settle(k, u);
        this.reserved.set(k, this.reserved.get(k)! + u);
      }
      if (used.get("stETH")! > 0n) this.steth.transferShares(this.q.vault, this.q.queue, used.get("stETH")!);
      this.supply -= sharesBurned;
      this.credit(this.q.queue, -sharesBurned);
      forfeited = this.rates.settle(sharesBurned, valuePaid, this.supply);
    }
    return {
      sync,
      rate,
      finalized,
      used,
      bufferAtSync,
      liabilityBefore,
      sharesBurned,
      valuePaid,
      forfeited,
      steps,
      exhausted: steps >= maxSteps,
    };
  }

  /**
   * The custom error `redenominate(id, key)` by `caller` (`admin`: `redenominateStuck`) at `t` reverts with, checked
   * in the contract's order, or undefined.
   */
  redenominateError(
    t: bigint,
    caller: string,
    id: bigint,
    key: Key,
    admin = false,
    approved: string[] = [],
  ): { name: string; args: unknown[] } | undefined {
    const r = this.byId.get(id);
    if (!admin) {
      // The NFT's owner, or zero once it was burned (claimed or moved).
      const owner = r === undefined || r.status === CLAIMED || r.status === REDENOMINATED ? ZERO : r.owner;
      if (owner === ZERO || (caller !== owner && !approved.includes(caller))) {
        return { name: "WithdrawalQueueNotOwner", args: [id, caller, owner] };
      }
    }
    if (r === undefined) return { name: "WithdrawalQueueUnknownRequest", args: [id] };
    if (r.status !== PENDING) return { name: "WithdrawalQueueNotPending", args: [id] };
    const readyAt = r.requestedAt + this.maxWait;
    if (t < readyAt) return { name: "WithdrawalQueueNotStuck", args: [id, readyAt] };
    if (key === r.asset) return { name: "WithdrawalQueueSameAsset", args: [id, this.q.assets[key]] };
    const route = this.route(key, this.redenominatedValue(t, r));
    if (!route.ok) return { name: "WithdrawalQueueNoRoute", args: [this.q.assets[key], route.units, route.room] };
    return undefined;
  }

  /** The value a re-denomination at `t` moves: `floor(shares * min(rateAtRequest, rate now) / 1e18)`. */
  redenominatedValue(t: bigint, r: LedgerRequest): bigint {
    return mulWad(r.shares, min(r.rateAtRequest, this.rateAt(t)));
  }

  /** Moves pending request `id` to `key`'s lane at `t` (check `redenominateError` first); returns the new request. */
  redenominate(t: bigint, id: bigint, key: Key): LedgerRequest {
    const r = this.get(id);
    if (this.redenominateError(t, r.owner, id, key) !== undefined) throw new Error(`QueueLedger: cannot move ${id}`);
    const value = this.redenominatedValue(t, r);
    this.lane(r.asset).liability -= r.maxUnits;
    r.status = REDENOMINATED;
    r.payoutUnits = 0n;
    r.payoutValue = 0n;
    const moved = this.enqueue(key, {
      requester: r.requester,
      owner: r.owner,
      shares: r.shares,
      rateAtRequest: r.rateAtRequest,
      valueAtRequest: r.valueAtRequest,
      requestedAt: t,
      value,
    });
    r.movedTo = moved.id;
    return moved;
  }

  /** The custom error `claim(ids)` by `caller` reverts with, checked in the contract's order, or undefined. */
  claimError(caller: string, ids: bigint[]): { name: string; args: unknown[] } | undefined {
    const claimedNow = new Set<bigint>();
    for (const id of ids) {
      const r = this.byId.get(id);
      if (r === undefined) return { name: "WithdrawalQueueUnknownRequest", args: [id] };
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

  /** Pending requests of `key`, in lane order. */
  pendingIn(key: Key): LedgerRequest[] {
    return this.lane(key)
      .ids.map((id) => this.get(id))
      .filter((r) => r.status === PENDING);
  }

  /** Units of `key` owed to finalized, unclaimed requests. */
  unclaimed(key: Key): bigint {
    return this.requests
      .filter((r) => r.status === FINALIZED && r.asset === key)
      .reduce((s, r) => s + r.payoutUnits, 0n);
  }

  /* ------------------------------------------------------------------ internals ----------------------------- */

  /** Appends a request worth `value` ETH now to `key`'s lane if it has a route (throws otherwise). */
  private enqueue(
    key: Key,
    p: Pick<LedgerRequest, "requester" | "owner" | "shares" | "rateAtRequest" | "valueAtRequest" | "requestedAt"> & {
      value: bigint;
    },
  ): LedgerRequest {
    const route = this.route(key, p.value);
    if (!route.ok) throw new Error(`QueueLedger: no route in ${key} for ${route.units} (room ${route.room})`);
    const lane = this.lane(key);
    lane.requested += 1n;
    lane.liability += route.units;
    const id = laneId(this.q.assets[key], lane.requested);
    lane.ids.push(id);
    const r: LedgerRequest = {
      id,
      seq: lane.requested,
      requester: p.requester,
      owner: p.owner,
      asset: key,
      shares: p.shares,
      rateAtRequest: p.rateAtRequest,
      valueAtRequest: p.valueAtRequest,
      requestedAt: p.requestedAt,
      status: PENDING,
      maxUnits: route.units,
      payoutUnits: route.units,
      payoutValue: 0n,
      rateAtFinalization: 0n,
    };
    this.byId.set(id, r);
    return r;
  }
}

const ZERO = "0x0000000000000000000000000000000000000000";
