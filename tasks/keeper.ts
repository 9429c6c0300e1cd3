/**
 * `npx hardhat lrt:keeper --network <name>`: the long-running keeper (the logic is `Keeper` in
 * scripts/lib/keeper.ts). It watches EigenLayer for slashes of our operators and syncs at once, then runs the
 * runbook every `--interval` seconds: complete EigenLayer withdrawals past their delay, finalize what is payable,
 * queue EigenLayer withdrawals for lanes whose liability exceeds their buffer, and (with `--restake`) restake the
 * buffer above the lanes' liabilities toward the allocation targets. One log line per action.
 */
import { task } from "hardhat/config";
import { Contract, parseEther } from "ethers";
import { Keeper, type NativeStaking } from "../scripts/lib/keeper";
import { errorInterfaces, fail, load, mayCall, parseAddress, parseUint, refusing, type Deployment } from "./lrt";
import { checkedStakeTx, loadNative, queuedKeyCount } from "./native";

interface KeeperArgs {
  interval: string;
  once: boolean;
  maxTicks?: string;
  restake: boolean;
  maxAge?: string;
  minRestake?: string;
  eigenPodManager?: string;
  poll?: string;
  stakeAbove?: string;
  weth?: string;
}

/** The listed asset whose symbol is WETH and whose stored price is exactly 1 ETH (what `vault.unwrap` takes), if any. */
async function findWETH(d: Deployment): Promise<string | undefined> {
  for (const asset of await d.vault.assets()) {
    if (asset === (await d.vault.ETH())) continue;
    const token = new Contract(asset, ["function symbol() view returns (string)"], d.signer);
    const symbol = await token.symbol().catch(() => "");
    if (symbol === "WETH" && (await d.vault.priceOf(asset))[1] === 10n ** 18n) return asset;
  }
  return undefined;
}

task("lrt:keeper", "Runs the keeper: syncs on EigenLayer slashes, completes, finalizes, queues liquidity, restakes")
  .addOptionalParam("interval", "seconds between ticks", "60")
  .addFlag("once", "run one tick, then exit")
  .addOptionalParam("maxTicks", "exit after this many ticks")
  .addFlag("restake", "restake buffer above the lanes' liabilities toward the allocation targets")
  .addOptionalParam("maxAge", "sync when the rate is older than this many seconds (default: half of maxRateAge)")
  .addOptionalParam("minRestake", "smallest restake, in accounting units (default 1e16)")
  .addOptionalParam("eigenPodManager", "EigenPodManager address, to watch BeaconChainSlashingFactorDecreased")
  .addOptionalParam("poll", "seconds between EigenLayer event checks inside an interval (default 12)")
  .addOptionalParam(
    "stakeAbove",
    "native restaking: stake ETH in 32-ETH validators above this buffer target (ETH) over the ETH lane's liability",
  )
  .addOptionalParam("weth", "the WETH to unwrap for validators (default: the listed asset whose symbol is WETH)")
  .setAction(
    refusing(async (args: KeeperArgs, hre) => {
      const interval = Number(parseUint("interval", args.interval, 1n, 86_400n));
      const maxTicks = args.once ? 1 : args.maxTicks ? Number(parseUint("max-ticks", args.maxTicks, 1n)) : Infinity;
      const maxAge = args.maxAge ? Number(parseUint("max-age", args.maxAge, 1n)) : undefined;
      const minRestake = args.minRestake ? parseUint("min-restake", args.minRestake, 1n) : undefined;
      const poll = args.poll ? Number(parseUint("poll", args.poll, 1n, 3600n)) : undefined;
      const eigenPodManager = args.eigenPodManager
        ? parseAddress("eigen-pod-manager", args.eigenPodManager)
        : undefined;
      const d = await load(hre);
      const keeperRole =
        (await mayCall(d, d.manager, "queueWithdrawal")) && (!args.restake || (await mayCall(d, d.manager, "restake")));
      let native: NativeStaking | undefined;
      let podManager = eigenPodManager;
      if (args.stakeAbove !== undefined) {
        if (!/^\d+(\.\d{1,18})?$/.test(args.stakeAbove))
          fail(`--stake-above must be an amount of ETH such as 64 or 0.5, not "${args.stakeAbove}"`);
        const n = await loadNative(hre);
        if (!(await mayCall(d, d.manager, "stakeValidators")))
          fail(`--stake-above: ${d.signerAddress} may not call stakeValidators (it needs the KEEPER role)`);
        const weth = args.weth ? parseAddress("weth", args.weth) : await findWETH(d);
        if (weth && !(await mayCall(d, d.vault, "unwrap")))
          fail(
            `--stake-above: ${d.signerAddress} may not call the vault's unwrap (WETH ${weth}): grant it to the KEEPER role`,
          );
        native = {
          bufferTarget: parseEther(args.stakeAbove),
          weth,
          queuedKeys: (delegator) => queuedKeyCount(n, delegator),
          stakeTx: (delegator, count) => checkedStakeTx(hre, n, delegator, count),
        };
        podManager ??= n.eigenPodManager;
      }
      const keeper = new Keeper(
        { vault: d.vault, accountant: d.accountant, manager: d.manager, queue: d.queue },
        {
          maxAge,
          restake: args.restake,
          minRestake,
          eigenPodManager: podManager,
          native,
          keeperRole,
          errorInterfaces: errorInterfaces(),
          log: (line) => console.log(`${new Date().toISOString()} ${line}`),
        },
      );
      console.log(
        `${new Date().toISOString()} keeper for vault ${await d.vault.getAddress()} on ${hre.network.name} as ${d.signerAddress}` +
          `${keeperRole ? "" : " (no KEEPER role: sync, complete and finalize only)"}; ` +
          (maxTicks === 1 ? "one tick" : `every ${interval} s${maxTicks === Infinity ? "" : `, ${maxTicks} ticks`}`),
      );
      const stop = () => keeper.stop();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
      try {
        const { ticks, failed } = await keeper.run({ interval, maxTicks, poll });
        console.log(`${new Date().toISOString()} keeper stopped after ${ticks} tick(s)`);
        if (failed > 0) fail(`keeper: ${failed} step(s) failed (see the log above)`);
      } finally {
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
      }
    }),
  );
