import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { buildCore, buildOpening, buildHandover, buildRestaking, parameterAssets, suiteResult } from "./build";

/**
 * lrt-vault on Ethereum mainnet (or a fork of it) against the real EigenLayer and LSTs: stETH, wstETH, rETH,
 * cbETH, WETH; stETH, rETH and cbETH restake into their EigenLayer strategies. Addresses come from
 * `deploy/parameters/mainnet.json`. Ends by handing every admin power (the AccessManager's ADMIN_ROLE and the
 * delegator beacon) to an OpenZeppelin TimelockController and dropping the deployer's.
 */
export default buildModule("LRTSuite", (m) => {
  const token = (name: string) => m.getParameter<string>(name);
  const core = buildCore(m, parameterAssets(m), { restaking: true });
  const el = {
    strategyManager: token("strategyManager"),
    delegationManager: token("delegationManager"),
    rewardsCoordinator: token("rewardsCoordinator"),
  };
  const restaking = buildRestaking(m, core, el, [
    { kind: "stETH", token: token("stETH"), strategy: token("stETHStrategy") },
    { kind: "rETH", token: token("rETH"), strategy: token("rETHStrategy") },
    { kind: "cbETH", token: token("cbETH"), strategy: token("cbETHStrategy") },
  ]);
  const opening = buildOpening(m, core, restaking.adminCalls);
  const { timelock } = buildHandover(m, core, restaking, opening);
  return { ...suiteResult(core, restaking), timelock };
});
