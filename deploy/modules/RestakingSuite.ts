import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { buildCore, buildOpening, buildRestaking, parameterAssets, suiteResult, type StrategyInput } from "./build";

const RESTAKABLE = ["stETH", "rETH", "cbETH"] as const;
const modules = new Map<string, ReturnType<typeof build>>();

function build(strategies: number, native: boolean) {
  return buildModule(`RestakingSuite${strategies}${native ? "Native" : ""}`, (m) => {
    const p = (name: string) => m.getParameter<string>(name);
    const core = buildCore(m, parameterAssets(m), { restaking: true });
    const restakable: StrategyInput[] = RESTAKABLE.slice(0, strategies).map((kind) => ({
      kind,
      token: p(kind),
      strategy: p(`${kind}Strategy`),
    }));
    const el = {
      strategyManager: p("strategyManager"),
      delegationManager: p("delegationManager"),
      rewardsCoordinator: p("rewardsCoordinator"),
    };
    const restaking = buildRestaking(
      m,
      core,
      el,
      restakable,
      native ? { eigenPodManager: p("eigenPodManager") } : undefined,
    );
    buildOpening(m, core, restaking.adminCalls);
    return suiteResult(core, restaking);
  });
}

/**
 * The suite (core + restaking, the deployer keeping every role) against an EigenLayer and LSTs given as parameters,
 * restaking the first `strategies` of stETH, rETH, cbETH, and with `native` ETH through EigenPods (parameter
 * `eigenPodManager`; module id `RestakingSuite<n>Native`). The full-system test fixtures and the benchmark deploy
 * through it (their EigenLayer is the local stand-in); on a network, `LRTSuite` adds the timelock handover.
 */
export function restakingSuite(strategies: 1 | 2 | 3, native = false) {
  const key = `${strategies}${native}`;
  if (!modules.has(key)) modules.set(key, build(strategies, native));
  return modules.get(key)!;
}

export default restakingSuite(3);
