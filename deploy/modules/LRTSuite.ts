import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { buildCore, buildOpening, buildHandover, buildRestaking, parameterAssets, suiteResult } from "./build";

const modules = new Map<boolean, ReturnType<typeof build>>();

function build(native: boolean) {
  return buildModule("LRTSuite", (m) => {
    const token = (name: string) => m.getParameter<string>(name);
    const core = buildCore(m, parameterAssets(m), { restaking: true });
    const el = {
      strategyManager: token("strategyManager"),
      delegationManager: token("delegationManager"),
      rewardsCoordinator: token("rewardsCoordinator"),
    };
    const restaking = buildRestaking(
      m,
      core,
      el,
      [
        { kind: "stETH", token: token("stETH"), strategy: token("stETHStrategy") },
        { kind: "rETH", token: token("rETH"), strategy: token("rETHStrategy") },
        { kind: "cbETH", token: token("cbETH"), strategy: token("cbETHStrategy") },
      ],
      native ? { eigenPodManager: token("eigenPodManager") } : undefined,
    );
    const opening = buildOpening(m, core, restaking.adminCalls);
    const { timelock } = buildHandover(m, core, restaking, opening);
    return { ...suiteResult(core, restaking), timelock };
  });
}

/**
 * The `LRTSuite` module with (`native`) or without native restaking. Both read the same parameters (the `LRTSuite`
 * section of `deploy/parameters/mainnet.json`); only the native one reads `eigenPodManager`. Without native
 * restaking the deployment is the one before EigenPods were built in (the manager has no key registry; native
 * restaking can be turned on later by an upgrade, `scripts/lib/native.ts`).
 */
export function lrtSuite(options: { native: boolean }) {
  if (!modules.has(options.native)) modules.set(options.native, build(options.native));
  return modules.get(options.native)!;
}

/**
 * lrt-vault on Ethereum mainnet (or a fork of it) against the real EigenLayer and LSTs: stETH, wstETH, rETH,
 * cbETH, WETH; stETH, rETH and cbETH restake into their EigenLayer strategies, and ETH natively through EigenPods
 * (the key registry on EigenLayer's `eigenPodManager`, ETH's strategy the beacon chain ETH strategy). Addresses come
 * from `deploy/parameters/mainnet.json`. Ends by handing every admin power (the AccessManager's ADMIN_ROLE and the
 * delegator beacon) to an OpenZeppelin TimelockController and dropping the deployer's.
 */
export default lrtSuite({ native: true });
