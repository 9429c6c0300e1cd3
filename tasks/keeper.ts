/**
 * `npx hardhat lrt:keeper --network <name>`: the long-running keeper (the logic is `Keeper` in
 * scripts/lib/keeper.ts). It watches EigenLayer for slashes of our operators and syncs at once, then runs the
 * runbook every `--interval` seconds: complete EigenLayer withdrawals past their delay, finalize what is payable,
 * queue EigenLayer withdrawals for lanes whose liability exceeds their buffer, and (with `--restake`) restake the
 * buffer above the lanes' liabilities toward the allocation targets. One log line per action.
 */
import { task } from "hardhat/config";
import { Keeper } from "../scripts/lib/keeper";
import { errorInterfaces, fail, load, mayCall, parseAddress, parseUint, refusing } from "./lrt";

interface KeeperArgs {
  interval: string;
  once: boolean;
  maxTicks?: string;
  restake: boolean;
  maxAge?: string;
  minRestake?: string;
  eigenPodManager?: string;
  poll?: string;
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
      const keeper = new Keeper(
        { vault: d.vault, accountant: d.accountant, manager: d.manager, queue: d.queue },
        {
          maxAge,
          restake: args.restake,
          minRestake,
          eigenPodManager,
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
