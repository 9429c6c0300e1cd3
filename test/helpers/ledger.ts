/**
 * What a `deployVaultFixture` deployment should hold and credit, built only from the inputs a test chose (amounts
 * moved, rates, rebases and market prices set, fixture parameters) and the independent bigint models: Lido shares
 * (`StEthModel`), the rate books (`RateModel`) and the price bounds a sync applies (`OracleModel`: the accountant's
 * `PriceBounds`, elapsed time counted from the previous sync). Nothing here reads the contracts under test, except
 * the accountant's initialization time (a deployment fact, the APR bound's clock), which the constructor takes. The
 * withdrawal tests extend it with the queue (`test/helpers/queueLedger.ts`).
 *
 * Caps (`VaultAssets`): a deposit uses headroom; a payout of finalized withdrawals (`settle`) gives it back, first
 * absorbing any excess above a lowered cap, never above the cap; `setAssetLimits` moves headroom and excess with the
 * cap (headroom - excess = cap - net deposits). Syncs, yields, rewards and slashes never move them, and the seed
 * takes none.
 */
import { CBETH_INITIAL_RATE, RETH_INITIAL_RATE, STETH_SEED } from "../fixtures/tokens";
import { ASSET_ORDER, PARAMS } from "../fixtures/vault";
import type { VaultFixture } from "../fixtures/vault";
import { WAD, mulWad } from "./math";
import { OracleModel, depositPerUnit, payoutPrice } from "./oracleModel";
import type { SyncOutcome } from "./rateModel";
import { RateModel } from "./rateModel";
import { StEthModel } from "./steth";

/** The vault's assets in `vault.assets()` order. */
export const KEYS = ["ETH", ...ASSET_ORDER] as const;
export type Key = (typeof KEYS)[number];

/** The vault's dead address, which holds the seed's lrETH. */
export const DEAD = "0x000000000000000000000000000000000000dEaD";

/** The addresses the ledger moves tokens and lrETH between. */
export interface LedgerAddresses {
  vault: string;
  treasury: string;
  /** Seeded the stETH pool in the fixture. */
  funder: string;
}

/** A deployment's `LedgerAddresses`. */
export async function ledgerAddresses(f: VaultFixture): Promise<LedgerAddresses> {
  return { vault: await f.vault.getAddress(), treasury: f.signers.treasury.address, funder: f.signers.funder.address };
}

/** A sync's outcome plus the value it found (the accountant's `Synced.totalValue`). */
export type LedgerSync = SyncOutcome & { totalValue: bigint };

export class Ledger {
  /** The accountant's books (set `rates.params` after a `setStreaming`/`setFee`). */
  readonly rates: RateModel;
  /** lrETH in existence: the seed, deposits and fee shares. */
  supply = 0n;
  readonly steth = new StEthModel();
  rETHRate = RETH_INITIAL_RATE;
  cbETHRate = CBETH_INITIAL_RATE;
  /**
   * The Chainlink feeds' last answers (ETH per token): stETH/ETH (also wstETH's), rETH/ETH, cbETH/ETH, stale or not
   * (a stale answer still prices payouts; deposits refuse it, which the ledger does not model). 0 for a feed that
   * gives no answer (down, not positive, absurd, or dated 0): payouts then ignore the market leg.
   */
  stETHMarket = WAD;
  rETHMarket = RETH_INITIAL_RATE;
  cbETHMarket = CBETH_INITIAL_RATE;
  /**
   * Per asset, the price bounds a sync applies (`PriceBounds`, with the vault's `maxRiseBpsPerDay` and `maxFallBps`):
   * the price the vault stores and when the last sync ran (set `maxRiseBpsPerDay`/`maxFallBps` after a `setBounds`).
   */
  readonly oracle = new Map<Key, OracleModel>(
    KEYS.map((k) => [k, new OracleModel(BigInt(PARAMS.maxRiseBpsPerDay), BigInt(PARAMS.maxFallBps))]),
  );
  readonly buffer = new Map<Key, bigint>(KEYS.map((k) => [k, 0n]));
  readonly restaked = new Map<Key, bigint>(KEYS.map((k) => [k, 0n]));
  readonly queued = new Map<Key, bigint>(KEYS.map((k) => [k, 0n]));
  readonly price = new Map<Key, bigint>(KEYS.map((k) => [k, 0n]));
  readonly perUnit = new Map<Key, bigint>(KEYS.map((k) => [k, 0n]));
  readonly cap = new Map<Key, bigint>(KEYS.map((k) => [k, PARAMS.cap]));
  /** Units that may still be deposited: the cap less net deposits (deposits less payouts), never below zero. */
  readonly headroom = new Map<Key, bigint>(KEYS.map((k) => [k, PARAMS.cap]));
  /**
   * Net deposits above a lowered cap (headroom is then zero): cap - net deposits = headroom - excess, as a signed
   * number. Payouts absorb it before any headroom opens.
   */
  readonly excess = new Map<Key, bigint>(KEYS.map((k) => [k, 0n]));
  readonly tripped = new Map<Key, boolean>(KEYS.map((k) => [k, false]));
  /** lrETH minted per account (deposits, the fee, and the seed to the dead address). */
  readonly minted = new Map<string, bigint>();
  expiry = 0n;

  /**
   * The state `deployVaultFixture` leaves: stETH pool seeded by `funder`, the vault seeded and synced once.
   * `initializedAt`: when the accountant was initialized (its APR bound's clock); defaults to `firstSyncAt`, which
   * is exact whenever no gain is recognised before the clock matters.
   */
  constructor(
    readonly a: LedgerAddresses,
    firstSyncAt: bigint,
    initializedAt: bigint = firstSyncAt,
  ) {
    this.rates = new RateModel(
      {
        feeBps: BigInt(PARAMS.feeBps),
        streamWindow: BigInt(PARAMS.streamWindow),
        maxAprBps: BigInt(PARAMS.maxAprBps),
        maxRateAge: BigInt(PARAMS.maxRateAge),
      },
      initializedAt,
    );
    this.steth.submit(a.funder, STETH_SEED);
    this.buffer.set("ETH", PARAMS.seed);
    this.supply = PARAMS.seed;
    this.credit(DEAD, PARAMS.seed);
    this.sync(firstSyncAt);
  }

  /** What the adapter reads from the token now (ETH per 1e18 accounting units). */
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

  /**
   * The market price per accounting unit from the feeds' last answers (the protocol price where the asset has no
   * feed; 0 when its feed gives no answer).
   */
  marketPrice(key: Key): bigint {
    switch (key) {
      case "stETH":
      case "wstETH":
        return mulWad(this.stETHMarket, this.observedPrice(key));
      case "rETH":
        return this.rETHMarket;
      case "cbETH":
        return this.cbETHMarket;
      default:
        return WAD;
    }
  }

  /**
   * What a payout in `key` is priced at now: the highest of the stored, live protocol and market prices, the market
   * being the feed's last answer even when stale (none when the feed gives no answer: market 0).
   */
  payoutPrice(key: Key): bigint {
    if (key === "ETH") return WAD;
    return payoutPrice(this.price.get(key)!, this.observedPrice(key), this.marketPrice(key));
  }

  holdings(key: Key): bigint {
    return this.buffer.get(key)! + this.restaked.get(key)! + this.queued.get(key)!;
  }

  /** An asset's holdings at the price stored by the last sync, rounded down. */
  value(key: Key): bigint {
    return mulWad(this.holdings(key), this.price.get(key)!);
  }

  /** What a sync reports: every asset's value, each rounded down. */
  syncValue(): bigint {
    return KEYS.reduce((sum, k) => sum + this.value(k), 0n);
  }

  /** Every asset's holdings at its stored price, unrounded (x 1e18). */
  exactValue(): bigint {
    return KEYS.reduce((sum, k) => sum + this.holdings(k) * this.price.get(k)!, 0n);
  }

  /** The live value: all holdings at their stored prices, rounded down once. */
  liveAssets(): bigint {
    return this.exactValue() / WAD;
  }

  /**
   * A sync at `t`: bounded prices (over the time since the previous sync; an asset with no price keeps the stored
   * one and trips), the books, the fee, per-asset deposit prices and trips. Headroom does not move.
   */
  sync(t: bigint): LedgerSync {
    for (const k of KEYS) {
      if (k === "ETH") {
        this.price.set(k, WAD);
        continue;
      }
      const model = this.oracle.get(k)!;
      const observed = this.observedPrice(k);
      if (observed === 0n) {
        // PriceBounds' Unavailable: the previous price stays, the asset trips; the clock still moves to this sync.
        model.updatedAt = t;
        this.tripped.set(k, true);
        continue;
      }
      const bounded = model.refresh(observed, t);
      this.price.set(k, bounded.used);
      if (bounded.tripped) this.tripped.set(k, true);
    }
    const totalValue = this.syncValue();
    const out = this.rates.sync(totalValue, this.supply, t, this.exactValue());
    this.supply = out.supply;
    this.credit(this.a.treasury, out.feeShares);
    for (const k of KEYS) this.perUnit.set(k, this.rates.sharesPerUnit(this.price.get(k)!));
    this.expiry = t + this.rates.params.maxRateAge;
    return { ...out, totalValue };
  }

  /** The stored rate at `t` (ETH per 1e18 lrETH, vesting included). */
  rateAt(t: bigint): bigint {
    return this.rates.rateAt(t);
  }

  /** Whether a deposit of `key` at `t` is accepted. */
  depositsOpen(key: Key, t: bigint): boolean {
    return this.perUnit.get(key)! !== 0n && !this.tripped.get(key)! && t <= this.expiry;
  }

  /** Accounting units a deposit of `amount` tokens of `key` is credited with, without moving anything. */
  unitsOf(key: Key, amount: bigint): bigint {
    return key === "stETH" ? this.steth.sharesByPooledEth(amount) : amount;
  }

  /**
   * lrETH per 1e18 units a deposit of `key` gets now: the stored one, scaled down (floor) by the lower of the live
   * protocol and market prices over the stored price when that is lower. ETH: the stored one.
   */
  livePerUnit(key: Key): bigint {
    const perUnit = this.perUnit.get(key)!;
    if (key === "ETH") return perUnit;
    return depositPerUnit(perUnit, this.price.get(key)!, this.observedPrice(key), this.marketPrice(key));
  }

  /** lrETH a deposit of `units` of `key` mints now (the vault's floors). */
  sharesFor(key: Key, units: bigint): bigint {
    return mulWad(units, this.livePerUnit(key));
  }

  /** A deposit of `units` accounting units of `key` credited to `account`; returns the lrETH minted. */
  deposit(account: string, key: Key, units: bigint): bigint {
    const shares = this.sharesFor(key, units);
    this.buffer.set(key, this.buffer.get(key)! + units);
    this.headroom.set(key, this.headroom.get(key)! - units);
    this.supply += shares;
    this.credit(account, shares);
    return shares;
  }

  /** A deposit of `amount` tokens of `key` from `sender` to `receiver`: stETH moves Lido shares. Returns the lrETH. */
  depositTokens(sender: string, receiver: string, key: Key, amount: bigint): bigint {
    const units = key === "stETH" ? this.steth.transfer(sender, this.a.vault, amount) : amount;
    return this.deposit(receiver, key, units);
  }

  /**
   * A payout of `units` of `key` to the withdrawal queue (`VaultAssets.settle`): the buffer is debited and the units'
   * headroom given back, first absorbing any excess above a lowered cap, never above the cap.
   */
  settle(key: Key, units: bigint): void {
    if (units === 0n) return;
    const buffer = this.buffer.get(key)!;
    if (units > buffer) throw new Error(`Ledger: settling ${units} of ${key} above its buffer ${buffer}`);
    this.buffer.set(key, buffer - units);
    const excess = this.excess.get(key)!;
    const absorbed = units < excess ? units : excess;
    this.excess.set(key, excess - absorbed);
    const room = this.headroom.get(key)! + units - absorbed;
    const cap = this.cap.get(key)!;
    this.headroom.set(key, room < cap ? room : cap);
  }

  /**
   * `setAssetLimits(key, cap, …)`: headroom and excess move with the cap (headroom - excess = cap - net deposits).
   */
  setCap(key: Key, cap: bigint): void {
    const room = this.headroom.get(key)! + cap;
    const used = this.cap.get(key)! + this.excess.get(key)!;
    this.headroom.set(key, room > used ? room - used : 0n);
    this.excess.set(key, used > room ? used - room : 0n);
    this.cap.set(key, cap);
  }

  /** lrETH credited to `account` so far. */
  balanceOf(account: string): bigint {
    return this.minted.get(account) ?? 0n;
  }

  protected credit(account: string, shares: bigint): void {
    this.minted.set(account, this.balanceOf(account) + shares);
  }
}
