import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { buildCore, coreResult, parameterAssets } from "./build";

/**
 * The core alone (no restaking side): AccessManager, oracle, vault, accountant, withdrawal queue, adapters and lens
 * for five LSTs whose addresses are parameters (`stETH`, `wstETH`, `rETH`, `cbETH`, `weth`). The vault unit tests
 * deploy through it; on a network it is the first half of `LRTSuite`.
 */
export default buildModule("LRTCore", (m) => coreResult(buildCore(m, parameterAssets(m))));
