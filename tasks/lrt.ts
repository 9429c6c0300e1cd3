/**
 * Operator tasks for lrt-vault: `npx hardhat lrt:<task> --network <name>` on any network with a deployment made
 * with the Ignition modules in deploy/ (the addresses are read from deploy/deployments/chain-<id>/, or from the
 * deployment named by `LRT_DEPLOYMENT`: an Ignition deployment id or a directory holding deployed_addresses.json).
 *
 * Each task prints what it did, and refuses with exactly one line on stderr starting `lrt: ` and exit code 1 (never
 * a stack trace) when an argument is wrong, the deployment or the signer's role is missing, or a transaction would
 * revert (the custom error decoded from the revert data, wherever ethers or Hardhat put it). `LRT_DEBUG=1` adds the
 * stack. `LRT_LOCALHOST_URL` points `--network localhost` at another node (e.g. one on another port).
 *
 * Contract types are imported as types only: the tasks load before TypeChain runs.
 */
import fs from "node:fs";
import path from "node:path";
import { extendConfig, task } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import {
  Interface,
  ZeroAddress,
  isAddress,
  type BaseContract,
  type ContractTransactionResponse,
  type Signer,
} from "ethers";
import { asWithdrawal } from "../scripts/lib/withdrawal";
import { describeError } from "../scripts/lib/keeper";
import type {
  AccessManager,
  LRTAccountant,
  LRTLens,
  LRTVault,
  RestakingManager,
  WithdrawalQueue,
} from "../typechain-types";

extendConfig((config) => {
  const url = process.env.LRT_LOCALHOST_URL;
  const localhost = config.networks.localhost;
  if (url && localhost && "url" in localhost) localhost.url = url;
});

/** A refusal: printed as one plain line (exit code 1), never as a stack trace. */
export class Refusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = "Refusal";
  }
}
export const fail = (message: string): never => {
  throw new Refusal(message);
};

/** ABIs that decode reverts (filled by `load`: the suite's contracts and the EigenLayer contracts we call). */
const decoders: Interface[] = [];

/** The one line a failure prints (after `lrt: `). */
export function failureLine(err: unknown): string {
  if (err instanceof Refusal) return err.message.replace(/\s*\n\s*/g, " ");
  return describeError(err, decoders).replace(/\s*\n\s*/g, " ");
}

/**
 * Wraps a task action: any failure prints one line `lrt: <why>` on stderr and sets exit code 1 (Hardhat would print
 * a stack trace). A refusal is a message of ours; any other error is described by `describeError`.
 */
export function refusing<A>(action: (args: A, hre: HardhatRuntimeEnvironment) => Promise<void>) {
  return async (args: A, hre: HardhatRuntimeEnvironment) => {
    try {
      await action(args, hre);
    } catch (err) {
      console.error(`lrt: ${failureLine(err)}`);
      if (process.env.LRT_DEBUG && !(err instanceof Refusal)) console.error(err);
      process.exitCode = 1;
    }
  };
}

export interface Deployment {
  chainId: number;
  signer: Signer;
  signerAddress: string;
  addresses: Record<string, string>;
  vault: LRTVault;
  accountant: LRTAccountant;
  manager: RestakingManager;
  queue: WithdrawalQueue;
  lens: LRTLens;
  accessManager: AccessManager;
}

/** The directory of the deployment to use: `LRT_DEPLOYMENT` (id or directory) or `chain-<chainId>`. */
export function deploymentDir(hre: HardhatRuntimeEnvironment, chainId: number): string {
  const named = process.env.LRT_DEPLOYMENT;
  const root = path.join(hre.config.paths.ignition, "deployments");
  if (!named) return path.join(root, `chain-${chainId}`);
  if (named.includes("/") || named.includes(path.sep)) return path.resolve(named);
  return path.join(root, named);
}

/** Artifacts whose errors a task may meet (EigenLayer's, through the local stand-ins that mirror mainnet's). */
const DECODER_ARTIFACTS = [
  "OperatorDelegator",
  "DelegationManager",
  "AllocationManager",
  "StrategyManager",
  "StrategyBaseTVLLimits",
  "RewardsCoordinator",
  "ValidatorKeyRegistry",
  "EigenPod",
  "EigenPodManager",
];

/** Finds the Ignition deployment of this chain and connects the signer to every contract. */
export async function load(hre: HardhatRuntimeEnvironment): Promise<Deployment> {
  if (hre.network.name === "hardhat") {
    fail(
      "the in-process Hardhat network starts empty for every command: start a node (npx hardhat node), deploy to it " +
        "and pass --network localhost (see scripts/local-node.sh), or pass a public network.",
    );
  }
  const chainId = Number((await hre.ethers.provider.getNetwork()).chainId);
  const dir = deploymentDir(hre, chainId);
  const file = path.join(dir, "deployed_addresses.json");
  if (!fs.existsSync(file)) {
    fail(
      `no lrt-vault deployment for chain ${chainId} (${hre.network.name}): ${path.relative(process.cwd(), file)} does not exist; ` +
        `deploy first, e.g. npx hardhat ignition deploy deploy/modules/LocalSuite.ts --network ${hre.network.name} ` +
        `--parameters deploy/parameters/localhost.json`,
    );
  }
  let addresses: Record<string, string>;
  try {
    addresses = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, string>;
  } catch (err) {
    return fail(`${path.relative(process.cwd(), file)} is not valid JSON: ${failureLine(err)}`);
  }
  const find = (name: string): string => {
    const key = Object.keys(addresses).find((k) => k.endsWith(`#${name}`));
    return key
      ? addresses[key]
      : fail(`the deployment for chain ${chainId} has no ${name} (keys: ${Object.keys(addresses).join(", ")}).`);
  };
  if ((await hre.ethers.provider.getCode(find("LRTVault"))) === "0x") {
    fail(
      `${path.relative(process.cwd(), dir)} names a vault at ${find("LRTVault")}, but ${hre.network.name} has no code there (a restarted local node?): redeploy.`,
    );
  }
  const [signer] = await hre.ethers.getSigners();
  if (!signer) fail(`no account configured for ${hre.network.name}: set DEPLOYER_PRIVATE_KEY (see .env.example).`);
  const at = async <T extends BaseContract>(name: string, key = name) =>
    (await hre.ethers.getContractAt(name, find(key), signer)) as unknown as T;
  const d: Deployment = {
    chainId,
    signer,
    signerAddress: await signer.getAddress(),
    addresses,
    vault: await at<LRTVault>("LRTVault"),
    accountant: await at<LRTAccountant>("LRTAccountant"),
    manager: await at<RestakingManager>("RestakingManager"),
    queue: await at<WithdrawalQueue>("WithdrawalQueue"),
    lens: await at<LRTLens>("LRTLens"),
    accessManager: await at<AccessManager>("AccessManager"),
  };
  decoders.length = 0;
  decoders.push(d.manager.interface, d.queue.interface, d.vault.interface, d.accountant.interface);
  decoders.push(d.accessManager.interface);
  for (const name of DECODER_ARTIFACTS) {
    if (await hre.artifacts.artifactExists(name))
      decoders.push(new Interface((await hre.artifacts.readArtifact(name)).abi));
  }
  return d;
}

/** The ABIs `load` collected to decode reverts (for the keeper's log lines). */
export const errorInterfaces = (): Interface[] => [...decoders];

/** Whether the signer may call `fn` on `target` through the AccessManager. */
export async function mayCall(d: Deployment, target: BaseContract, fn: string): Promise<boolean> {
  const selector = target.interface.getFunction(fn)!.selector;
  const [allowed] = await d.accessManager.canCall(d.signerAddress, await target.getAddress(), selector);
  return allowed;
}

/** Refuses unless the signer may call `fn` on `target` through the AccessManager. */
export async function requireRole(d: Deployment, target: BaseContract, fn: string, role: string): Promise<void> {
  if (!(await mayCall(d, target, fn)))
    fail(
      `${d.signerAddress} may not call ${fn}: it lacks the ${role} role in the AccessManager ${await d.accessManager.getAddress()}.`,
    );
}

/** Sends a transaction; on revert, refuses with the decoded custom error (one line) instead of a stack trace. */
export async function send(label: string, tx: () => Promise<ContractTransactionResponse>) {
  try {
    const receipt = await (await tx()).wait();
    if (!receipt) return fail(`${label}: no receipt`);
    console.log(`${label}: tx ${receipt.hash} (block ${receipt.blockNumber}, gas ${receipt.gasUsed})`);
    return receipt;
  } catch (err) {
    return fail(`${label} failed: ${failureLine(err)}`);
  }
}

/** `ILRTAccountant.AssetValue.outcome`: what a sync's price bound does with the asset's observed price. */
const BOUND_OUTCOMES = ["taken", "clamped (rose too fast)", "TRIPPED (fell too far)", "UNAVAILABLE (adapter failed)"];

export const eth = (wei: bigint, digits = 6) => {
  const s = wei.toString().padStart(19, "0");
  return `${s.slice(0, -18)}.${s.slice(-18, -18 + digits)}`;
};

/* --------------------------------------------------------------------------------------------------------------- */
/*                                               ARGUMENT PARSING                                                   */
/* --------------------------------------------------------------------------------------------------------------- */

/** `isAddress` without narrowing the type (it is a type guard). */
const isAddr = (v: string): boolean => isAddress(v);

/** A non-negative integer argument (decimal or 0x hex), within [min, max]. */
export function parseUint(name: string, value: string, min = 0n, max?: bigint): bigint {
  const v = String(value).trim();
  if (!/^(\d+|0x[0-9a-fA-F]+)$/.test(v)) return fail(`--${name} must be a whole number, not "${value}".`);
  const n = BigInt(v);
  if (n < min || (max !== undefined && n > max))
    return fail(`--${name} must be between ${min} and ${max ?? "2^256-1"}, not ${n}.`);
  return n;
}

/** An address argument. */
export function parseAddress(name: string, value: string): string {
  if (!isAddress(value)) return fail(`--${name} must be an address (0x followed by 40 hex digits), not "${value}".`);
  return value;
}

/** Resolves an asset given as an address or a symbol (ETH, stETH, rETH, ...). */
async function resolveAsset(hre: HardhatRuntimeEnvironment, d: Deployment, asset: string): Promise<string> {
  const assets = [...(await d.vault.assets())];
  const ETH = (await d.vault.ETH()).toLowerCase();
  if (isAddr(asset)) {
    const match = assets.find((a) => a.toLowerCase() === asset.toLowerCase());
    return match ?? fail(`${asset} is not a vault asset; the vault supports ${await describeAssets(hre, d)}.`);
  }
  for (const a of assets) {
    if (a.toLowerCase() === ETH) {
      if (asset.toUpperCase() === "ETH") return a;
      continue;
    }
    if ((await symbolOf(hre, d, a)).toLowerCase() === asset.toLowerCase()) return a;
  }
  return fail(`unknown asset ${asset}; the vault supports ${await describeAssets(hre, d)}.`);
}

async function symbolOf(hre: HardhatRuntimeEnvironment, d: Deployment, asset: string): Promise<string> {
  if (asset.toLowerCase() === (await d.vault.ETH()).toLowerCase()) return "ETH";
  try {
    return await (await hre.ethers.getContractAt("IERC20Metadata", asset)).symbol();
  } catch {
    return asset;
  }
}

async function describeAssets(hre: HardhatRuntimeEnvironment, d: Deployment): Promise<string> {
  const out: string[] = [];
  for (const a of await d.vault.assets()) out.push(await symbolOf(hre, d, a));
  return out.join(", ");
}

/** A delegator given by index or address; refuses an index out of range or an address that is not ours. */
export async function resolveDelegator(d: Deployment, delegator: string): Promise<string> {
  const all = [...(await d.manager.delegators())];
  const v = String(delegator).trim();
  if (/^\d+$/.test(v)) {
    const i = Number(v);
    if (i >= all.length)
      return fail(
        all.length === 0
          ? `no delegator #${i}: the manager has no delegator yet (add one with lrt:add-delegator).`
          : `no delegator #${i}: there are ${all.length} (#0 to #${all.length - 1}).`,
      );
    return all[i];
  }
  if (!isAddress(v)) return fail(`--delegator must be an index or an address, not "${delegator}".`);
  const match = all.find((a) => a.toLowerCase() === v.toLowerCase());
  return match ?? fail(`${v} is not one of the manager's delegators (${all.join(", ") || "none"}).`);
}

/** A request id: `uint256(uint160(asset)) << 64 | seq`. */
async function describeRequest(hre: HardhatRuntimeEnvironment, d: Deployment, id: bigint): Promise<string> {
  const asset = await d.queue.assetOf(id);
  return `${await symbolOf(hre, d, asset)}#${id & ((1n << 64n) - 1n)} (id ${id})`;
}

/* --------------------------------------------------------------------------------------------------------------- */
/*                                                     TASKS                                                        */
/* --------------------------------------------------------------------------------------------------------------- */

task(
  "lrt:status",
  "Prints the vault's summary: rate and its freshness, TVL breakdown and exit lane per asset, delegator positions",
).setAction(
  refusing(async (_args, hre) => {
    const d = await load(hre);
    const s = await d.lens.summary(d.vault);
    const [age, slashedSinceSync] = await d.accountant.freshness();
    console.log(`lrt-vault on ${hre.network.name} (chain ${d.chainId}), vault ${await d.vault.getAddress()}`);
    console.table({
      rate: `${eth(s.rate, 9)} ETH per lrETH`,
      totalAssets: `${eth(s.totalAssets)} ETH`,
      totalSupply: `${eth(s.totalSupply)} lrETH`,
      pendingGains: `${eth(s.pendingGains)} ETH`,
      liveAssets: `${eth(s.liveAssets)} ETH`,
      unrecognised: `${s.unrecognised} wei`,
      lastSync: new Date(Number(s.lastSync) * 1000).toISOString(),
      rateAge: `${age} s`,
      slashedSinceSync: slashedSinceSync ? "YES: the rate predates a slash, sync now" : "no",
      rateExpiry: new Date(Number(s.rateExpiry) * 1000).toISOString(),
    });
    // The valuation's units outside the vault (`live.outside`) are the manager's restaked plus queued units.
    const positions = new Map((await d.manager.positions()).map((p) => [p.asset.toLowerCase(), p]));
    const rows = [];
    for (const { info, live } of s.assets) {
      const lane = await d.queue.lane(live.asset);
      const position = positions.get(live.asset.toLowerCase());
      rows.push({
        asset: await symbolOf(hre, d, live.asset),
        buffer: eth(live.buffer),
        restaked: eth(position?.withdrawableUnits ?? 0n),
        queued: eth(position?.queuedUnits ?? 0n),
        price: eth(live.price, 9),
        // what the price bounds would do at a sync now (the stored price, and the asset's bounds, in `info`)
        bound: BOUND_OUTCOMES[Number(live.outcome)] ?? `outcome ${live.outcome}`,
        bounds: info.adapter === ZeroAddress ? "-" : `+${info.maxRiseBpsPerDay}/day, -${info.maxFallBps} bps`,
        "value (ETH)": eth(live.value),
        deposits: info.depositsOpen ? "open" : info.tripped ? "tripped" : "closed",
        requested: Number(lane.requested),
        processed: Number(lane.processed),
        liability: eth(lane.liability),
        reserved: eth(await d.queue.reserved(live.asset)),
      });
    }
    console.table(rows);
    if (s.positions.length > 0) {
      console.table(
        s.positions.map((p) => ({
          delegator: p.delegator,
          operator: p.operator,
          delegated: p.delegated,
          strategy: p.strategy,
          withdrawable: eth(p.withdrawableTokens),
          queued: eth(p.queuedTokens),
        })),
      );
    } else console.log("no delegator positions");
  }),
);

task("lrt:sync", "Revalues the vault (permissionless) and prints the rate change").setAction(
  refusing(async (_args, hre) => {
    const d = await load(hre);
    const before = await d.vault.getRate();
    await send("sync", () => d.accountant.sync());
    const after = await d.vault.getRate();
    console.log(
      `rate ${eth(before, 9)} → ${eth(after, 9)} ETH per lrETH; pending gains ${eth(await d.accountant.pendingPerShare(), 9)} per lrETH`,
    );
  }),
);

task("lrt:add-delegator", "Creates an operator delegator (admin)")
  .addParam("operator", "EigenLayer operator address")
  .addParam("target", "allocation target in bps (0 to 10000)")
  .setAction(
    refusing(async ({ operator, target }: { operator: string; target: string }, hre) => {
      const op = parseAddress("operator", operator);
      const bps = parseUint("target", target, 0n, 10_000n);
      const d = await load(hre);
      await requireRole(d, d.manager, "addDelegator", "ADMIN");
      await send(`addDelegator(${op}, ${bps} bps)`, () => d.manager.addDelegator(op, bps));
      const all = await d.manager.delegators();
      console.log(`delegator #${all.length - 1}: ${all[all.length - 1]}`);
    }),
  );

task("lrt:restake", "Moves buffered LST units into its strategy through a delegator (keeper)")
  .addParam("delegator", "delegator address or index")
  .addParam("asset", "asset symbol or address")
  .addParam("units", "accounting units (stETH: shares) or 'all' (the buffer above the lane's liability)")
  .setAction(
    refusing(async ({ delegator, asset, units }: { delegator: string; asset: string; units: string }, hre) => {
      const d = await load(hre);
      await requireRole(d, d.manager, "restake", "KEEPER");
      const token = await resolveAsset(hre, d, asset);
      const who = await resolveDelegator(d, delegator);
      let amount: bigint;
      if (units === "all") {
        const buffer = (await d.vault.assetInfo(token)).bufferUnits;
        const liability = await d.queue.liability(token);
        amount = buffer > liability ? buffer - liability : 0n;
        if (amount === 0n)
          fail(`no ${asset} to restake: buffer ${eth(buffer)} is promised to its lane (liability ${eth(liability)}).`);
      } else amount = parseUint("units", units, 1n);
      await send(`restake ${amount} units of ${asset} via ${who}`, () => d.manager.restake(who, token, amount));
    }),
  );

task("lrt:claim-rewards", "Claims EigenLayer rewards of a delegator from a claim JSON file (keeper)")
  .addParam("delegator", "delegator address or index")
  .addParam("claim", "path to a RewardsMerkleClaim JSON file (as the EigenLayer sidecar/CLI produces it)")
  .setAction(
    refusing(async ({ delegator, claim }: { delegator: string; claim: string }, hre) => {
      const d = await load(hre);
      await requireRole(d, d.manager, "claimRewards", "KEEPER");
      const who = await resolveDelegator(d, delegator);
      if (!fs.existsSync(claim)) fail(`no claim file at ${claim}.`);
      let data: unknown;
      try {
        data = JSON.parse(fs.readFileSync(claim, "utf8"));
      } catch (err) {
        return fail(`${claim} is not valid JSON: ${failureLine(err)}`);
      }
      await send(`claimRewards for ${who}`, () => d.manager.claimRewards(who, data as never));
    }),
  );

task("lrt:queue-withdrawals", "Queues an EigenLayer withdrawal from a delegator for exit liquidity (keeper)")
  .addParam("delegator", "delegator address or index")
  .addParam("asset", "asset symbol or address")
  .addParam("shares", "withdrawable strategy shares, or 'all'")
  .setAction(
    refusing(async ({ delegator, asset, shares }: { delegator: string; asset: string; shares: string }, hre) => {
      const d = await load(hre);
      await requireRole(d, d.manager, "queueWithdrawal", "KEEPER");
      const token = await resolveAsset(hre, d, asset);
      const who = await resolveDelegator(d, delegator);
      const strategy = await d.manager.strategyOf(token);
      if (BigInt(strategy) === 0n) fail(`${asset} has no EigenLayer strategy: nothing of it is restaked.`);
      const match = (await d.manager.delegatorPositions()).find(
        (p) => p.delegator.toLowerCase() === who.toLowerCase() && p.strategy.toLowerCase() === strategy.toLowerCase(),
      );
      const withdrawable = match?.withdrawableShares ?? 0n;
      const amount = shares === "all" ? withdrawable : parseUint("shares", shares, 1n);
      if (withdrawable === 0n) fail(`${who} has no withdrawable ${asset} shares.`);
      if (amount > withdrawable) fail(`${who} has only ${withdrawable} withdrawable ${asset} shares, not ${amount}.`);
      await send(`queueWithdrawal ${amount} shares of ${asset} from ${who}`, () =>
        d.manager.queueWithdrawal(who, token, amount),
      );
    }),
  );

task("lrt:complete-withdrawals", "Completes every EigenLayer withdrawal past its delay (permissionless)")
  .addOptionalParam("delegator", "only this delegator (address or index)")
  .setAction(
    refusing(async ({ delegator }: { delegator?: string }, hre) => {
      const d = await load(hre);
      const delegators = delegator ? [await resolveDelegator(d, delegator)] : [...(await d.manager.delegators())];
      const [, eigenLayer] = await d.manager.links();
      const dm = await hre.ethers.getContractAt("IDelegationManager", eigenLayer.delegationManager);
      const delay = await dm.minWithdrawalDelayBlocks();
      const block = await hre.ethers.provider.getBlockNumber();
      let done = 0;
      for (const who of delegators) {
        const [withdrawals] = await dm.getQueuedWithdrawals(who);
        // Completable in the next block once startBlock + delay < that block.
        const ready = withdrawals
          .filter((w) => BigInt(w.startBlock) + BigInt(delay) <= BigInt(block))
          .map(asWithdrawal);
        const waiting = withdrawals.length - ready.length;
        if (ready.length > 0) {
          await send(`completeWithdrawals ${ready.length} for ${who}`, () => d.manager.completeWithdrawals(who, ready));
          done += ready.length;
        }
        if (waiting > 0) console.log(`${who}: ${waiting} withdrawal(s) still inside the ${delay}-block delay`);
      }
      console.log(done === 0 ? "nothing to complete" : `completed ${done} withdrawal(s)`);
    }),
  );

task("lrt:finalize", "Finalizes pending withdrawal requests, each asset's lane in order (permissionless; syncs first)")
  .addOptionalParam("max", "largest batch (default and most: the queue's MAX_FINALIZE_BATCH)")
  .setAction(
    refusing(async ({ max }: { max?: string }, hre) => {
      const d = await load(hre);
      const most = await d.queue.MAX_FINALIZE_BATCH();
      const limit = max === undefined ? most : parseUint("max", max, 1n, most);
      const lanes = [];
      for (const a of await d.vault.assets()) lanes.push({ a, lane: await d.queue.lane(a) });
      const waiting = lanes.filter((l) => l.lane.requested > l.lane.processed);
      if (waiting.length === 0) {
        console.log("no pending request");
        return;
      }
      const pending = waiting.reduce((n, l) => n + l.lane.requested - l.lane.processed, 0n);
      let payable: bigint;
      try {
        payable = await d.queue.finalize.staticCall(limit);
      } catch (err) {
        return fail(`finalize failed: ${failureLine(err)}`);
      }
      if (payable === 0n) {
        const why = [];
        for (const l of waiting) {
          const buffer = (await d.vault.assetInfo(l.a)).bufferUnits;
          why.push(
            `${await symbolOf(hre, d, l.a)}: ${l.lane.requested - l.lane.processed} pending, liability ${eth(l.lane.liability)}, buffer ${eth(buffer)}`,
          );
        }
        console.log(`${pending} pending, none payable from the buffers now (${why.join("; ")})`);
        return;
      }
      await send(`finalize ${payable} of ${pending} pending`, () => d.queue.finalize(limit));
      console.log(`finalized ${payable} request(s)`);
    }),
  );

task(
  "lrt:redenominate",
  "Moves a request stuck longer than the queue's maxWait to another asset's lane (its owner, or an admin)",
)
  .addParam("request", "request id (decimal or 0x hex)")
  .addParam("asset", "the asset to be paid in instead (symbol or address)")
  .setAction(
    refusing(async ({ request, asset }: { request: string; asset: string }, hre) => {
      const id = parseUint("request", request, 1n);
      const d = await load(hre);
      const token = await resolveAsset(hre, d, asset);
      let r;
      try {
        r = await d.queue.getRequest(id);
      } catch (err) {
        return fail(`no request ${id}: ${failureLine(err)}`);
      }
      const name = await describeRequest(hre, d, id);
      if (r.status !== 1n) fail(`${name} is not pending (status ${r.status}).`);
      if (r.asset.toLowerCase() === token.toLowerCase()) fail(`${name} is already paid in ${asset}.`);
      const [, , , maxWait] = await d.queue.limits();
      const readyAt = r.requestedAt + maxWait;
      const now = BigInt((await hre.ethers.provider.getBlock("latest"))!.timestamp);
      if (now < readyAt)
        fail(`${name} is not stuck: it may be re-denominated from ${new Date(Number(readyAt) * 1000).toISOString()}.`);
      const owner = await d.queue.ownerOf(id);
      const byOwner = owner.toLowerCase() === d.signerAddress.toLowerCase();
      if (!byOwner && !(await mayCall(d, d.queue, "redenominateStuck")))
        fail(`${d.signerAddress} may not re-denominate ${name}: it is owned by ${owner} and the signer is no admin.`);
      const receipt = await send(`redenominate ${name} into ${asset}`, () =>
        byOwner ? d.queue.redenominate(id, token) : d.queue.redenominateStuck(id, token),
      );
      for (const log of receipt.logs) {
        const parsed = d.queue.interface.parseLog(log);
        if (parsed?.name === "WithdrawalRedenominated")
          console.log(`new request ${await describeRequest(hre, d, parsed.args.newRequestId as bigint)}`);
      }
    }),
  );
