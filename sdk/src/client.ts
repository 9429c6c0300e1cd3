import {
  Contract,
  Signature,
  TypedDataEncoder,
  type ContractRunner,
  type ContractTransactionReceipt,
  type Provider,
  type Signer,
  type TypedDataDomain,
} from "ethers";
import {
  IERC20Metadata__factory,
  IERC20Permit__factory,
  ILidoShares__factory,
  LRTAccountant__factory,
  LRTLens__factory,
  LRTVault__factory,
  WithdrawalQueue__factory,
  type LRTLens,
  type LRTVault,
  type WithdrawalQueue,
} from "./generated/typechain/index.js";
import { addressBook as book } from "./generated/addressBook.js";
import { DEPOSIT_CHECKS, DepositRefusedError, decoding, type DepositCheck } from "./errors.js";

/** The vault's marker for ETH (`vault.ETH()`). */
export const ETH = "0xEeeeeEeeeEeEeeEeEeEeeEEEeeeeEeeeeeeeEEeE";
const ZERO = "0x0000000000000000000000000000000000000000";
const YEAR = 365n * 24n * 3600n;
const BPS = 10_000n;
const UNIT = 10n ** 18n;

/** A request's status (`IWithdrawalQueue.Request.status`). */
export const REQUEST_STATUSES = ["unknown", "pending", "finalized", "claimed", "redenominated"] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** The suite's contracts, read from `lens.addressBook(vault)`. */
export interface DeploymentAddresses {
  vault: string;
  accountant: string;
  withdrawalQueue: string;
  restakingManager: string;
  accessManager: string;
  lens: string;
  strategyManager: string;
  delegationManager: string;
  rewardsCoordinator: string;
  /** The vault's assets, ETH marker first, with their adapters and EigenLayer strategies (zero: none). */
  assets: { asset: string; adapter: string; strategy: string }[];
}

/** One asset's TVL; amounts in the asset's own token units (stETH: balance units, converted from Lido shares). */
export interface AssetTvl {
  asset: string;
  symbol: string;
  /** In the vault (buffer), token units. */
  buffered: bigint;
  /** Restaked or queued in EigenLayer, token units. */
  restaked: bigint;
  /** `buffered + restaked`. */
  total: bigint;
  /** ETH value (wei) as a sync would value it now. */
  value: bigint;
  /** Deposits open now (not paused, not tripped, prices fresh). */
  depositsOpen: boolean;
  paused: boolean;
  tripped: boolean;
}

/** One operator's TVL: its delegators' EigenLayer positions, token units, and their ETH value (pro rata of the asset's restaked value). */
export interface OperatorTvl {
  operator: string;
  delegators: string[];
  value: bigint;
  positions: { delegator: string; strategy: string; asset: string; withdrawable: bigint; queued: bigint }[];
}

/** The vault at a glance. ETH amounts in wei, rates in ETH per 1e18 lrETH, times in seconds. */
export interface VaultSummary {
  rate: bigint;
  totalSupply: bigint;
  totalAssets: bigint;
  pendingGains: bigint;
  liveAssets: bigint;
  unrecognised: bigint;
  lastSync: bigint;
  rateExpiry: bigint;
  /** Seconds since the last sync at the latest block (undefined: never synced). */
  rateAge: bigint | undefined;
  /** Synced, deposit prices not expired, no slash since the sync. */
  fresh: boolean;
  slashedSinceSync: boolean;
  timestamp: bigint;
  assets: AssetTvl[];
  operators: OperatorTvl[];
}

export interface SyncPoint {
  rate: bigint;
  timestamp: bigint;
  blockNumber: number;
}

/** The APR between the first and the last sync of a window: `(rate_last / rate_first - 1) * year / elapsed`. */
export interface AprResult {
  apr: number;
  aprBps: bigint;
  from: SyncPoint;
  to: SyncPoint;
  syncs: number;
}

export interface DepositPreview {
  shares: bigint;
  check: DepositCheck;
  ok: boolean;
}

export interface DepositResult {
  hash: string;
  shares: bigint;
  minShares: bigint;
  /** How the vault got the allowance (LST deposits): it was there, an EIP-2612 permit, or an approve. */
  approval: "none" | "allowance" | "permit" | "approve";
  receipt: ContractTransactionReceipt;
}

export interface WithdrawalRequestResult {
  hash: string;
  requestId: bigint;
  asset: string;
  /** The most it can be paid, token units. */
  maxTokens: bigint;
  approval: "allowance" | "permit" | "approve";
  receipt: ContractTransactionReceipt;
}

export interface RequestInfo {
  requestId: bigint;
  owner: string;
  asset: string;
  status: RequestStatus;
  shares: bigint;
  valueAtRequest: bigint;
  rateAtRequest: bigint;
  requestedAt: bigint;
  /** Expected payout in the asset's token units (stETH: shares converted), what a finalization now would pay. */
  expectedTokens: bigint;
  /** The same in the asset's accounting units (stETH: Lido shares). */
  expectedUnits: bigint;
  /** Its ETH value (wei). */
  expectedValue: bigint;
  payoutPrice: bigint;
  claimable: boolean;
}

export interface ClaimResult {
  hash: string;
  paid: { requestId: bigint; asset: string; recipient: string; tokens: bigint }[];
  receipt: ContractTransactionReceipt;
}

export interface LRTClientOptions {
  vault: string;
  lens: string;
}

const minus = (shares: bigint, slippageBps: number) => (shares * (BPS - BigInt(slippageBps))) / BPS;

/**
 * A typed client over ethers v6. Give it a `Signer` to send transactions, a `Provider` to read only.
 * Every revert of the suite's contracts is thrown as an `LRTContractError`; a deposit the lens says would fail is
 * refused before sending with a `DepositRefusedError`.
 */
export class LRTClient {
  readonly vault: LRTVault;
  readonly lens: LRTLens;
  readonly lensAddress: string;
  private cached?: Promise<DeploymentAddresses>;

  constructor(
    readonly runner: ContractRunner,
    options: LRTClientOptions,
  ) {
    this.vault = LRTVault__factory.connect(options.vault, runner);
    this.lens = LRTLens__factory.connect(options.lens, runner);
    this.lensAddress = options.lens;
  }

  /** A client for a chain of the address book (throws if no suite is recorded for it). */
  static forChain(runner: ContractRunner, chainId: number): LRTClient {
    const suite = book[chainId]?.suite;
    if (!suite?.lens) throw new Error(`no lrt-vault deployment recorded for chain ${chainId}`);
    return new LRTClient(runner, { vault: suite.vault, lens: suite.lens });
  }

  private get provider(): Provider {
    const p = this.runner.provider;
    if (!p) throw new Error("the runner has no provider");
    return p;
  }

  private get signer(): Signer {
    const s = this.runner as Signer;
    if (typeof s.signTypedData !== "function" || typeof s.getAddress !== "function") {
      throw new Error("a Signer is needed to send transactions");
    }
    return s;
  }

  /** The deployment's addresses (`lens.addressBook(vault)`, read once). */
  addresses(): Promise<DeploymentAddresses> {
    this.cached ??= decoding(async () => {
      const b = await this.lens.addressBook(this.vault.target);
      return {
        vault: b.vault,
        accountant: b.accountant,
        withdrawalQueue: b.withdrawalQueue,
        restakingManager: b.restakingManager,
        accessManager: b.accessManager,
        lens: b.lens,
        strategyManager: b.strategyManager,
        delegationManager: b.delegationManager,
        rewardsCoordinator: b.rewardsCoordinator,
        assets: (b.assets as string[]).map((asset, i) => ({
          asset,
          adapter: b.adapters[i] as string,
          strategy: b.strategies[i] as string,
        })),
      };
    });
    this.cached.catch(() => (this.cached = undefined));
    return this.cached;
  }

  async queue(): Promise<WithdrawalQueue> {
    return WithdrawalQueue__factory.connect((await this.addresses()).withdrawalQueue, this.runner);
  }

  /** Lido shares to stETH balance units for a Lido-shares asset; identity otherwise. */
  private async toTokens(asset: string, units: bigint, lidoShares: boolean): Promise<bigint> {
    if (!lidoShares || units === 0n) return units;
    return ILidoShares__factory.connect(asset, this.runner).getPooledEthByShares(units);
  }

  private async symbol(asset: string): Promise<string> {
    if (asset.toLowerCase() === ETH.toLowerCase()) return "ETH";
    return IERC20Metadata__factory.connect(asset, this.runner)
      .symbol()
      .catch(() => asset);
  }

  /** The vault summary: rate, TVL by asset and by operator, pending gains, the rate's age and freshness. */
  async summary(): Promise<VaultSummary> {
    return decoding(async () => {
      const lens = LRTLens__factory.connect(this.lensAddress, this.runner);
      const [s, block] = await Promise.all([lens.summary(this.vault.target), this.provider.getBlock("latest")]);
      const now = BigInt(block!.timestamp);
      const assets: AssetTvl[] = [];
      const outsideValue = new Map<string, { asset: string; value: bigint }>();
      for (const a of s.assets) {
        const info = a.info;
        const live = a.live;
        const [buffered, restaked, symbol] = await Promise.all([
          this.toTokens(live.asset, live.buffer, info.lidoShares),
          this.toTokens(live.asset, live.outside, info.lidoShares),
          this.symbol(live.asset),
        ]);
        assets.push({
          asset: live.asset,
          symbol,
          buffered,
          restaked,
          total: buffered + restaked,
          value: live.value,
          depositsOpen: info.depositsOpen,
          paused: info.paused,
          tripped: info.tripped,
        });
        if (info.strategy !== ZERO) {
          outsideValue.set(String(info.strategy).toLowerCase(), {
            asset: live.asset,
            value: (live.outside * live.price) / UNIT,
          });
        }
      }
      const tokensByStrategy = new Map<string, bigint>();
      for (const p of s.positions) {
        const k = String(p.strategy).toLowerCase();
        tokensByStrategy.set(k, (tokensByStrategy.get(k) ?? 0n) + p.withdrawableTokens + p.queuedTokens);
      }
      const ops = new Map<string, OperatorTvl>();
      for (const p of s.positions) {
        const k = String(p.strategy).toLowerCase();
        const key = String(p.operator).toLowerCase();
        const op: OperatorTvl = ops.get(key) ?? { operator: p.operator, delegators: [], value: 0n, positions: [] };
        if (!op.delegators.includes(p.delegator)) op.delegators.push(p.delegator);
        const strat = outsideValue.get(k);
        const total = tokensByStrategy.get(k) ?? 0n;
        const mine = p.withdrawableTokens + p.queuedTokens;
        if (strat && total > 0n) op.value += (strat.value * mine) / total;
        op.positions.push({
          delegator: p.delegator,
          strategy: p.strategy,
          asset: strat?.asset ?? "",
          withdrawable: p.withdrawableTokens,
          queued: p.queuedTokens,
        });
        ops.set(key, op);
      }
      const lastSync = s.lastSync as bigint;
      return {
        rate: s.rate,
        totalSupply: s.totalSupply,
        totalAssets: s.totalAssets,
        pendingGains: s.pendingGains,
        liveAssets: s.liveAssets,
        unrecognised: s.unrecognised,
        lastSync,
        rateExpiry: s.rateExpiry,
        rateAge: lastSync === 0n ? undefined : now - lastSync,
        fresh: lastSync !== 0n && now < s.rateExpiry && !s.slashedSinceSync,
        slashedSinceSync: s.slashedSinceSync,
        timestamp: now,
        assets,
        operators: [...ops.values()],
      };
    });
  }

  /** The rate's APR over the last `windowSeconds`, from the accountant's `Synced` events (undefined: fewer than two syncs). */
  async apr(windowSeconds = 7 * 24 * 3600, options: { fromBlock?: number } = {}): Promise<AprResult | undefined> {
    const accountant = LRTAccountant__factory.connect((await this.addresses()).accountant, this.runner);
    const latest = await this.provider.getBlock("latest");
    const start = BigInt(latest!.timestamp) - BigInt(windowSeconds);
    const fromBlock = options.fromBlock ?? Math.max(0, latest!.number - Math.ceil(windowSeconds / 12) - 1000);
    const logs = await accountant.queryFilter(accountant.filters.Synced(), fromBlock, latest!.number);
    const points: SyncPoint[] = [];
    for (const log of logs) {
      const b = await this.provider.getBlock(log.blockNumber);
      const timestamp = BigInt(b!.timestamp);
      if (timestamp >= start) points.push({ rate: log.args.rate, timestamp, blockNumber: log.blockNumber });
    }
    if (points.length < 2) return undefined;
    const from = points[0];
    const to = points[points.length - 1];
    const elapsed = to.timestamp - from.timestamp;
    if (elapsed === 0n || from.rate === 0n) return undefined;
    const aprBps = ((to.rate - from.rate) * BPS * YEAR) / (from.rate * elapsed);
    const apr = ((Number(to.rate) / Number(from.rate) - 1) * Number(YEAR)) / Number(elapsed);
    return { apr, aprBps, from, to, syncs: points.length };
  }

  /** lrETH a deposit of `amount` (token units; `ETH` for ETH) would mint now, and why it would fail if it would. */
  async previewDeposit(asset: string, amount: bigint): Promise<DepositPreview> {
    return decoding(async () => {
      const [shares, check] = await this.lens.previewDeposit(this.vault.target, asset, amount);
      const name = DEPOSIT_CHECKS[Number(check)] ?? "ZeroShares";
      return { shares, check: name, ok: name === "Ok" };
    });
  }

  private async previewOrThrow(asset: string, amount: bigint, slippageBps: number) {
    if (!Number.isInteger(slippageBps) || slippageBps < 0 || slippageBps > 10_000) {
      throw new RangeError(`slippageBps must be an integer 0..10000, got ${slippageBps}`);
    }
    const p = await this.previewDeposit(asset, amount);
    if (p.check !== "Ok") throw new DepositRefusedError(p.check, asset, amount);
    return minus(p.shares, slippageBps);
  }

  private depositResult(
    receipt: ContractTransactionReceipt,
    minShares: bigint,
    approval: DepositResult["approval"],
  ): DepositResult {
    for (const log of receipt.logs) {
      if (log.address.toLowerCase() !== String(this.vault.target).toLowerCase()) continue;
      const parsed = this.vault.interface.parseLog(log);
      if (parsed?.name === "Deposit") {
        return { hash: receipt.hash, shares: parsed.args.shares, minShares, approval, receipt };
      }
    }
    throw new Error(`no Deposit event in ${receipt.hash}`);
  }

  /** Deposits `amount` wei of ETH; `minShares` is the preview less `slippageBps` (default 50: 0.5%). */
  async depositETH(args: {
    amount: bigint;
    receiver?: string;
    slippageBps?: number;
    referralId?: bigint;
  }): Promise<DepositResult> {
    const signer = this.signer;
    const minShares = await this.previewOrThrow(ETH, args.amount, args.slippageBps ?? 50);
    return decoding(async () => {
      const receiver = args.receiver ?? (await signer.getAddress());
      const tx = await this.vault
        .connect(signer)
        .depositETH(receiver, minShares, args.referralId ?? 0n, { value: args.amount });
      return this.depositResult((await tx.wait())!, minShares, "none");
    });
  }

  /**
   * Deposits `amount` of an LST (its token units; stETH: balance units). If the vault's allowance is short: with
   * `permit` (default) and a token with EIP-2612 (mainnet stETH, wstETH), signs a permit and submits it (its own
   * transaction: the vault has no deposit-with-permit), else approves `amount`.
   */
  async depositLST(args: {
    asset: string;
    amount: bigint;
    receiver?: string;
    slippageBps?: number;
    referralId?: bigint;
    permit?: boolean;
    deadline?: bigint;
  }): Promise<DepositResult> {
    const signer = this.signer;
    const minShares = await this.previewOrThrow(args.asset, args.amount, args.slippageBps ?? 50);
    return decoding(async () => {
      const owner = await signer.getAddress();
      const receiver = args.receiver ?? owner;
      const token = IERC20Metadata__factory.connect(args.asset, signer);
      const spender = String(this.vault.target);
      let approval: DepositResult["approval"] = "allowance";
      if ((await token.allowance(owner, spender)) < args.amount) {
        const deadline = args.deadline ?? (await this.deadline());
        const sig =
          args.permit === false ? undefined : await signPermit(signer, args.asset, spender, args.amount, deadline);
        if (sig) {
          const p = IERC20Permit__factory.connect(args.asset, signer);
          await (await p.permit(owner, spender, args.amount, deadline, sig.v, sig.r, sig.s)).wait();
          approval = "permit";
        } else {
          await (await token.approve(spender, args.amount)).wait();
          approval = "approve";
        }
      }
      const tx = await this.vault
        .connect(signer)
        .depositLST(args.asset, args.amount, receiver, minShares, args.referralId ?? 0n);
      return this.depositResult((await tx.wait())!, minShares, approval);
    });
  }

  private async deadline(): Promise<bigint> {
    const b = await this.provider.getBlock("latest");
    return BigInt(b!.timestamp) + 3600n;
  }

  /**
   * Requests the withdrawal of `shares` lrETH, paid in `asset` (default ETH). If the queue's allowance is short:
   * with `permit` (default) signs an lrETH permit and calls `requestWithdrawalWithPermit`, else approves first.
   */
  async requestWithdrawal(args: {
    shares: bigint;
    asset?: string;
    receiver?: string;
    permit?: boolean;
    deadline?: bigint;
  }): Promise<WithdrawalRequestResult> {
    const signer = this.signer;
    return decoding(async () => {
      const owner = await signer.getAddress();
      const receiver = args.receiver ?? owner;
      const asset = args.asset ?? ETH;
      const queue = (await this.queue()).connect(signer);
      const spender = String(queue.target);
      let approval: WithdrawalRequestResult["approval"] = "allowance";
      let tx;
      if ((await this.vault.allowance(owner, spender)) >= args.shares) {
        tx = await queue.requestWithdrawal(args.shares, asset, receiver);
      } else if (args.permit !== false) {
        const deadline = args.deadline ?? (await this.deadline());
        const sig = await signPermit(signer, String(this.vault.target), spender, args.shares, deadline);
        if (!sig) throw new Error("lrETH permit could not be signed");
        approval = "permit";
        tx = await queue.requestWithdrawalWithPermit(args.shares, asset, receiver, deadline, sig.v, sig.r, sig.s);
      } else {
        await (await this.vault.connect(signer).approve(spender, args.shares)).wait();
        approval = "approve";
        tx = await queue.requestWithdrawal(args.shares, asset, receiver);
      }
      const receipt = (await tx.wait())!;
      for (const log of receipt.logs) {
        if (log.address.toLowerCase() !== spender.toLowerCase()) continue;
        const parsed = queue.interface.parseLog(log);
        if (parsed?.name === "WithdrawalRequested") {
          const lido = await this.isLidoShares(asset);
          return {
            hash: receipt.hash,
            requestId: parsed.args.requestId as bigint,
            asset,
            maxTokens: await this.toTokens(asset, parsed.args.maxUnits as bigint, lido),
            approval,
            receipt,
          };
        }
      }
      throw new Error(`no WithdrawalRequested event in ${receipt.hash}`);
    });
  }

  private async isLidoShares(asset: string): Promise<boolean> {
    if (asset.toLowerCase() === ETH.toLowerCase()) return false;
    return (await this.vault.assetInfo(asset)).lidoShares;
  }

  /** One request, with its expected payout and whether it can be claimed now. */
  async request(requestId: bigint): Promise<RequestInfo> {
    return decoding(async () => {
      const v = await this.lens.requestView(this.vault.target, requestId);
      const r = v.request;
      return {
        requestId: v.requestId,
        owner: v.owner,
        asset: r.asset,
        status: REQUEST_STATUSES[Number(r.status)] ?? "unknown",
        shares: r.shares,
        valueAtRequest: r.valueAtRequest,
        rateAtRequest: r.rateAtRequest,
        requestedAt: r.requestedAt,
        expectedTokens: v.expectedTokens,
        expectedUnits: v.expectedUnits,
        expectedValue: v.expectedValue,
        payoutPrice: v.payoutPrice,
        claimable: v.claimable,
      };
    });
  }

  /**
   * The requests of `owner`: those it holds now, and those it held until they were claimed or re-denominated (their
   * NFT burned), not those it transferred away. From the queue's `Transfer` events since `fromBlock` (default 0).
   */
  async requests(owner: string, options: { fromBlock?: number; pendingOnly?: boolean } = {}): Promise<RequestInfo[]> {
    const queue = await this.queue();
    const from = options.fromBlock ?? 0;
    const [received, sent] = await Promise.all([
      queue.queryFilter(queue.filters.Transfer(undefined, owner), from),
      queue.queryFilter(queue.filters.Transfer(owner), from),
    ]);
    const last = new Map<bigint, { to: string; order: number }>();
    for (const l of [...received, ...sent]) {
      const order = l.blockNumber * 1e6 + l.index;
      const id = l.args.tokenId as bigint;
      const prev = last.get(id);
      if (!prev || prev.order < order) last.set(id, { to: String(l.args.to).toLowerCase(), order });
    }
    const out: RequestInfo[] = [];
    for (const [id, { to }] of last) {
      if (to !== owner.toLowerCase() && to !== ZERO) continue; // transferred away
      const r = await this.request(id);
      if (to === ZERO && r.status !== "claimed") continue; // re-denominated: its new id is listed instead
      if (options.pendingOnly && r.status !== "pending") continue;
      out.push(r);
    }
    const cmp = (x: bigint, y: bigint) => (x < y ? -1 : x > y ? 1 : 0);
    return out.sort((a, b) => cmp(a.requestedAt, b.requestedAt) || cmp(a.requestId, b.requestId));
  }

  /** Claims finalized requests owned by the signer, paid to `recipient` (default: the signer). */
  async claim(requestIds: bigint[], recipient?: string): Promise<ClaimResult> {
    const signer = this.signer;
    return decoding(async () => {
      const queue = (await this.queue()).connect(signer);
      const tx = await queue.claim(requestIds, recipient ?? (await signer.getAddress()));
      const receipt = (await tx.wait())!;
      const paid: ClaimResult["paid"] = [];
      for (const log of receipt.logs) {
        if (log.address.toLowerCase() !== String(queue.target).toLowerCase()) continue;
        const parsed = queue.interface.parseLog(log);
        if (parsed?.name !== "WithdrawalClaimed") continue;
        const asset = parsed.args.asset as string;
        paid.push({
          requestId: parsed.args.requestId,
          asset,
          recipient: parsed.args.recipient,
          tokens: await this.toTokens(asset, parsed.args.amount as bigint, await this.isLidoShares(asset)),
        });
      }
      return { hash: receipt.hash, paid, receipt };
    });
  }
}

/**
 * Signs an EIP-2612 permit for `token`, or returns undefined if the token has none. The domain is the token's
 * ERC-5267 `eip712Domain()` if it has one, else `name()`, version "1", checked against its `DOMAIN_SEPARATOR()`.
 */
export async function signPermit(
  signer: Signer,
  token: string,
  spender: string,
  value: bigint,
  deadline: bigint,
): Promise<Signature | undefined> {
  const provider = signer.provider;
  if (!provider) return undefined;
  const owner = await signer.getAddress();
  const { chainId } = await provider.getNetwork();
  const c = new Contract(
    token,
    [
      "function eip712Domain() view returns (bytes1, string, string, uint256, address, bytes32, uint256[])",
      "function name() view returns (string)",
      "function nonces(address) view returns (uint256)",
      "function DOMAIN_SEPARATOR() view returns (bytes32)",
    ],
    provider,
  );
  let domain: TypedDataDomain;
  let nonce: bigint;
  try {
    const [separator, n] = await Promise.all([
      c.DOMAIN_SEPARATOR() as Promise<string>,
      c.nonces(owner) as Promise<bigint>,
    ]);
    nonce = n;
    const d = await (c.eip712Domain() as Promise<[string, string, string, bigint, string]>).catch(() => undefined);
    domain = d
      ? { name: d[1], version: d[2], chainId: d[3], verifyingContract: d[4] }
      : { name: await c.name(), version: "1", chainId, verifyingContract: token };
    if (TypedDataEncoder.hashDomain(domain) !== separator) return undefined;
  } catch {
    return undefined;
  }
  const types = {
    Permit: [
      { name: "owner", type: "address" },
      { name: "spender", type: "address" },
      { name: "value", type: "uint256" },
      { name: "nonce", type: "uint256" },
      { name: "deadline", type: "uint256" },
    ],
  };
  return Signature.from(await signer.signTypedData(domain, types, { owner, spender, value, nonce, deadline }));
}
