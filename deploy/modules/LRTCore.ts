import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { buildCore, buildOpening, coreResult, parameterAssets } from "./build";

/**
 * The core alone (no restaking side): AccessManager, vault, accountant, withdrawal queue, adapters and lens
 * for five LSTs whose addresses are parameters (`stETH`, `wstETH`, `rETH`, `cbETH`, `weth`). The vault unit tests
 * deploy through it; on a network it is the first half of `LRTSuite`.
 */
export default buildModule("LRTCore", (m) => {
  const core = buildCore(m, parameterAssets(m));
  buildOpening(m, core);
  return coreResult(core);
});
