import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import LocalEigenLayer from "./LocalEigenLayer";
import { buildCore, buildOpening, buildRestaking, suiteResult } from "./build";

/**
 * LOCAL ONLY: the whole lrt-vault suite on top of the local EigenLayer and LST stand-ins (Hardhat's in-process
 * network or `npx hardhat node`). The deployer keeps every role (no timelock): tests and the demo drive it.
 */
export default buildModule("LocalSuite", (m) => {
  const el = m.useModule(LocalEigenLayer);
  const core = buildCore(
    m,
    [
      { kind: "stETH", token: el.stETH, feed: el.stETHFeed },
      { kind: "wstETH", token: el.wstETH, feed: el.stETHFeed },
      { kind: "rETH", token: el.rETH, feed: el.rETHFeed },
      { kind: "cbETH", token: el.cbETH, feed: el.cbETHFeed },
      { kind: "weth", token: el.weth },
    ],
    { restaking: true },
  );
  const restaking = buildRestaking(m, core, el, [
    { kind: "stETH", token: el.stETH, strategy: el.stETHStrategy },
    { kind: "rETH", token: el.rETH, strategy: el.rETHStrategy },
    { kind: "cbETH", token: el.cbETH, strategy: el.cbETHStrategy },
  ]);
  buildOpening(m, core, restaking.adminCalls);
  return suiteResult(core, restaking);
});
