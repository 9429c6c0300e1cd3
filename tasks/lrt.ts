/**
 * Operator tasks for lrt-vault: `npx hardhat lrt:<task> --network <name>` on any network with a deployment made
 * with the Ignition modules in deploy/ (the addresses are read from deploy/deployments/chain-<id>/).
 * Each task prints what it did, and refuses with a plain message (no stack trace) when the deployment or the
 * signer's role is missing. Contract types are imported as types only: the tasks load before TypeChain runs.
 */
import fs from "node:fs";
import path from "node:path";
import { task, types } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { asWithdrawal } from "../scripts/lib/withdrawal";
import type { BaseContract, ContractTransactionResponse } from "ethers";
import type {
  AccessManager,
  LRTAccountant,
  LRTLens,
  LRTVault,
  RestakingManager,
  WithdrawalQueue,
} from "../typechain-types";

/** A refusal: printed as one plain message (exit code 1), never as a stack trace. */
class Refusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = "Refusal";
  }
}
const fail = (message: string): never => {
  throw new Refusal(message);
};

/** Wraps a task action so a refusal prints its message and sets exit code 1 (Hardhat prints stacks in CI). */
function refusing<A>(action: (args: A, hre: HardhatRuntimeEnvironment) => Promise<void>) {
  return async (args: A, hre: HardhatRuntimeEnvironment) => {
    try {
      await action(args, hre);
    } catch (err) {
      if (!(err instanceof Refusal)) throw err;
      console.error(`lrt: ${err.message}`);
      process.exitCode = 1;
    }
  };
}

interface Deployment {
  chainId: number;
  vault: LRTVault;
  accountant: LRTAccountant;
  manager: RestakingManager;
  queue: WithdrawalQueue;
  lens: LRTLens;
  accessManager: AccessManager;
}

/** Finds the Ignition deployment of this chain and connects the signer to every contract. */
async function load(hre: HardhatRuntimeEnvironment): Promise<Deployment> {
  if (hre.network.name === "hardhat") {
    fail(
      "The in-process Hardhat network starts empty for every command. Start a node (npx hardhat node), deploy to it, " +
        "and pass --network localhost (see scripts/local-node.sh), or pass a public network.",
    );
  }
  const chainId = Number((await hre.ethers.provider.getNetwork()).chainId);
  const dir = path.join(hre.config.paths.ignition, "deployments", `chain-${chainId}`);
  const file = path.join(dir, "deployed_addresses.json");
  if (!fs.existsSync(file)) {
    fail(
      `No lrt-vault deployment for chain ${chainId} (${hre.network.name}): ${path.relative(process.cwd(), file)} does not exist.\n` +
        `Deploy first, e.g. npx hardhat ignition deploy deploy/modules/LocalSuite.ts --network ${hre.network.name} ` +
        `--parameters deploy/parameters/localhost.json`,
    );
  }
  const addresses = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, string>;
  const find = (name: string): string => {
    const key = Object.keys(addresses).find((k) => k.endsWith(`#${name}`));
    return key
      ? addresses[key]
      : fail(`The deployment for chain ${chainId} has no ${name} (keys: ${Object.keys(addresses).join(", ")}).`);
  };
  if ((await hre.ethers.provider.getCode(find("LRTVault"))) === "0x") {
    fail(
      `deploy/deployments/chain-${chainId} names a vault at ${find("LRTVault")}, but ${hre.network.name} has no code there (a restarted local node?). Redeploy.`,
    );
  }
  const [signer] = await hre.ethers.getSigners();
  if (!signer) fail(`No account configured for ${hre.network.name}: set DEPLOYER_PRIVATE_KEY (see .env.example).`);
  const at = async <T extends BaseContract>(name: string, key = name) =>
    (await hre.ethers.getContractAt(name, find(key), signer)) as unknown as T;
  return {
    chainId,
    vault: await at<LRTVault>("LRTVault"),
    accountant: await at<LRTAccountant>("LRTAccountant"),
    manager: await at<RestakingManager>("RestakingManager"),
    queue: await at<WithdrawalQueue>("WithdrawalQueue"),
    lens: await at<LRTLens>("LRTLens"),
    accessManager: await at<AccessManager>("AccessManager"),
  };
}

/** Refuses unless the signer may call `fn` on `target` through the AccessManager. */
async function requireRole(d: Deployment, target: BaseContract, fn: string, role: string): Promise<void> {
  const signer = (await d.vault.runner) as unknown as { getAddress(): Promise<string> };
  const who = await signer.getAddress();
  const selector = target.interface.getFunction(fn)!.selector;
  const [allowed] = await d.accessManager.canCall(who, await target.getAddress(), selector);
  if (!allowed)
    fail(
      `${who} may not call ${fn}: it lacks the ${role} role in the AccessManager ${await d.accessManager.getAddress()}.`,
    );
}

/** Sends a transaction; on revert, prints the decoded custom error instead of a stack trace. */
async function send(label: string, contracts: BaseContract[], tx: () => Promise<ContractTransactionResponse>) {
  try {
    const receipt = await (await tx()).wait();
    console.log(`${label}: tx ${receipt!.hash} (block ${receipt!.blockNumber}, gas ${receipt!.gasUsed})`);
    return receipt!;
  } catch (err) {
    const data = (err as { data?: string }).data ?? (err as { error?: { data?: string } }).error?.data;
    for (const c of contracts) {
      const parsed = data ? c.interface.parseError(data) : null;
      if (parsed) fail(`${label} reverted: ${parsed.name}(${parsed.args.map(String).join(", ")})`);
    }
    return fail(`${label} failed: ${(err as Error).message.split("\n")[0]}`);
  }
}

const eth = (wei: bigint, digits = 6) => {
  const s = wei.toString().padStart(19, "0");
  return `${s.slice(0, -18)}.${s.slice(-18, -18 + digits)}`;
};

/** Resolves an asset given as an address or a symbol (ETH, stETH, rETH, ...). */
async function resolveAsset(hre: HardhatRuntimeEnvironment, d: Deployment, asset: string): Promise<string> {
  if (/^0x[0-9a-fA-F]{40}$/.test(asset)) return hre.ethers.getAddress(asset);
  const assets = await d.vault.assets();
  for (const a of assets) {
    if (a.toLowerCase() === (await d.vault.ETH()).toLowerCase()) {
      if (asset.toUpperCase() === "ETH") return a;
      continue;
    }
    const token = await hre.ethers.getContractAt("IERC20Metadata", a);
    if ((await token.symbol()).toLowerCase() === asset.toLowerCase()) return a;
  }
  return fail(`Unknown asset ${asset}; the vault supports ${assets.join(", ")}`);
}

async function resolveDelegator(d: Deployment, delegator: string): Promise<string> {
  const all = await d.manager.delegators();
  if (/^\d+$/.test(delegator))
    return all[Number(delegator)] ?? fail(`No delegator #${delegator} (there are ${all.length}).`);
  const match = all.find((a) => a.toLowerCase() === delegator.toLowerCase());
  return match ?? fail(`${delegator} is not one of the manager's delegators: ${all.join(", ") || "none"}.`);
}

task(
  "lrt:status",
  "Prints the vault's summary: rate, TVL breakdown per asset, pending gains, delegator positions",
).setAction(
  refusing(async (_args, hre) => {
    const d = await load(hre);
    const s = await d.lens.summary(d.vault);
    console.log(`lrt-vault on ${hre.network.name} (chain ${d.chainId}), vault ${await d.vault.getAddress()}`);
    console.table({
      rate: `${eth(s.rate, 9)} ETH per lrETH`,
      totalAssets: `${eth(s.totalAssets)} ETH`,
      totalSupply: `${eth(s.totalSupply)} lrETH`,
      pendingGains: `${eth(s.pendingGains)} ETH`,
      liveAssets: `${eth(s.liveAssets)} ETH`,
      unrecognised: `${s.unrecognised} wei`,
      lastSync: new Date(Number(s.lastSync) * 1000).toISOString(),
      rateExpiry: new Date(Number(s.rateExpiry) * 1000).toISOString(),
    });
    console.table(
      s.assets.map((a) => ({
        asset: a.asset,
        buffer: eth(a.info.bufferUnits),
        restaked: eth(a.restakedUnits),
        queued: eth(a.queuedUnits),
        price: eth(a.price, 9),
        "value (ETH)": eth(a.value),
        deposits: a.info.depositsOpen ? "open" : "closed",
      })),
    );
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
    await send("sync", [d.accountant, d.vault], () => d.accountant.sync());
    const after = await d.vault.getRate();
    console.log(
      `rate ${eth(before, 9)} → ${eth(after, 9)} ETH per lrETH; pending gains ${eth(await d.accountant.pendingPerShare(), 9)} per lrETH`,
    );
  }),
);

task("lrt:add-delegator", "Creates an operator delegator (admin)")
  .addParam("operator", "EigenLayer operator address")
  .addParam("target", "allocation target in bps", undefined, types.int)
  .setAction(
    refusing(async ({ operator, target }: { operator: string; target: number }, hre) => {
      const d = await load(hre);
      await requireRole(d, d.manager, "addDelegator", "ADMIN");
      await send(`addDelegator(${operator}, ${target} bps)`, [d.manager], () =>
        d.manager.addDelegator(operator, target),
      );
      const all = await d.manager.delegators();
      console.log(`delegator #${all.length - 1}: ${all[all.length - 1]}`);
    }),
  );

task("lrt:restake", "Moves buffered LST units into its strategy through a delegator (keeper)")
  .addParam("delegator", "delegator address or index")
  .addParam("asset", "asset symbol or address")
  .addParam("units", "accounting units (stETH: shares) or 'all'")
  .setAction(
    refusing(async ({ delegator, asset, units }: { delegator: string; asset: string; units: string }, hre) => {
      const d = await load(hre);
      await requireRole(d, d.manager, "restake", "KEEPER");
      const token = await resolveAsset(hre, d, asset);
      const who = await resolveDelegator(d, delegator);
      const amount = units === "all" ? (await d.vault.assetInfo(token)).bufferUnits : BigInt(units);
      await send(`restake ${amount} units of ${asset} via ${who}`, [d.manager, d.vault], () =>
        d.manager.restake(who, token, amount),
      );
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
      if (!fs.existsSync(claim)) fail(`No claim file at ${claim}`);
      const data = JSON.parse(fs.readFileSync(claim, "utf8"));
      await send(`claimRewards for ${who}`, [d.manager], () => d.manager.claimRewards(who, data));
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
      let amount: bigint;
      if (shares === "all") {
        const strategy = await d.manager.strategyOf(token);
        const match = (await d.manager.delegatorPositions()).find(
          (p) => p.delegator.toLowerCase() === who.toLowerCase() && p.strategy.toLowerCase() === strategy.toLowerCase(),
        );
        amount = match?.withdrawableShares ?? 0n;
      } else amount = BigInt(shares);
      if (amount === 0n) fail(`${who} has no withdrawable ${asset} shares.`);
      await send(`queueWithdrawal ${amount} shares of ${asset} from ${who}`, [d.manager], () =>
        d.manager.queueWithdrawal(who, token, amount),
      );
    }),
  );

task("lrt:complete-withdrawals", "Completes every EigenLayer withdrawal past its delay (permissionless)")
  .addOptionalParam("delegator", "only this delegator (address or index)")
  .setAction(
    refusing(async ({ delegator }: { delegator?: string }, hre) => {
      const d = await load(hre);
      const [, , , delegationManager] = await d.manager.links();
      const dm = await hre.ethers.getContractAt("IDelegationManager", delegationManager);
      const delay = await dm.minWithdrawalDelayBlocks();
      const block = await hre.ethers.provider.getBlockNumber();
      const delegators = delegator ? [await resolveDelegator(d, delegator)] : await d.manager.delegators();
      let done = 0;
      for (const who of delegators) {
        const [withdrawals] = await dm.getQueuedWithdrawals(who);
        const ready = withdrawals
          .filter((w) => BigInt(w.startBlock) + BigInt(delay) < BigInt(block) + 1n)
          .map(asWithdrawal);
        const waiting = withdrawals.length - ready.length;
        if (ready.length > 0) {
          await send(`completeWithdrawals ${ready.length} for ${who}`, [d.manager, d.vault], () =>
            d.manager.completeWithdrawals(who, ready),
          );
          done += ready.length;
        }
        if (waiting > 0) console.log(`${who}: ${waiting} withdrawal(s) still inside the ${delay}-block delay`);
      }
      console.log(done === 0 ? "nothing to complete" : `completed ${done} withdrawal(s)`);
    }),
  );

task("lrt:finalize", "Finalizes pending withdrawal requests in order (permissionless; syncs first)")
  .addOptionalParam("max", "largest batch", 50, types.int)
  .setAction(
    refusing(async ({ max }: { max: number }, hre) => {
      const d = await load(hre);
      const [next, end] = await d.queue.cursor();
      if (next >= end) {
        console.log("no pending request");
        return;
      }
      await send(`finalize up to ${max} of ${end - next} pending`, [d.queue, d.vault, d.accountant], () =>
        d.queue.finalize(max),
      );
      const [after] = await d.queue.cursor();
      console.log(`finalized requests ${next} to ${after - 1n}`);
    }),
  );
