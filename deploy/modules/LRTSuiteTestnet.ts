import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { buildCore, buildOpening, buildHandover, buildRestaking, suiteResult } from "./build";

const modules = new Map<boolean, ReturnType<typeof build>>();

function build(native: boolean) {
  return buildModule("LRTSuiteTestnet", (m) => {
    const stETHStrategy = m.contractAt("IStrategy", m.getParameter<string>("stETHStrategy"), { id: "stETHStrategy" });
    const wethStrategy = m.contractAt("IStrategy", m.getParameter<string>("wethStrategy"), { id: "wethStrategy" });
    const stETH = m.staticCall(stETHStrategy, "underlyingToken", [], 0, { id: "stETHToken" });
    const weth = m.staticCall(wethStrategy, "underlyingToken", [], 0, { id: "wethToken" });
    const core = buildCore(
      m,
      [
        { kind: "stETH", token: stETH },
        { kind: "weth", token: weth },
      ],
      { restaking: true },
    );
    const el = {
      strategyManager: m.getParameter<string>("strategyManager"),
      delegationManager: m.getParameter<string>("delegationManager"),
      rewardsCoordinator: m.getParameter<string>("rewardsCoordinator"),
    };
    const restaking = buildRestaking(
      m,
      core,
      el,
      [
        { kind: "stETH", token: stETH, strategy: stETHStrategy },
        { kind: "weth", token: weth, strategy: wethStrategy },
      ],
      native ? { eigenPodManager: m.getParameter<string>("eigenPodManager") } : undefined,
    );
    const opening = buildOpening(m, core, restaking.adminCalls);
    const { timelock } = buildHandover(m, core, restaking, opening);
    return { ...suiteResult(core, restaking), timelock };
  });
}

/**
 * The `LRTSuiteTestnet` module with (`native`) or without native restaking; both read the same parameters, only
 * the native one `eigenPodManager` (as `lrtSuite` in `LRTSuite.ts`).
 */
export function lrtSuiteTestnet(options: { native: boolean }) {
  if (!modules.has(options.native)) modules.set(options.native, build(options.native));
  return modules.get(options.native)!;
}

/**
 * lrt-vault on an EigenLayer testnet (Hoodi, Sepolia), where EigenLayer lists two strategies: stETH and WETH.
 * Their tokens are read from the strategies on-chain (`underlyingToken()`), as the EigenLayer README advises; ETH
 * restakes natively through EigenPods (the key registry on `eigenPodManager`). Addresses come from
 * `deploy/parameters/<hoodi|sepolia>.json`. Ends with the timelock handover.
 */
export default lrtSuiteTestnet({ native: true });
