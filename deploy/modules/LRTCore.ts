import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { buildCore } from "./build";

/**
 * The core alone (no restaking side): AccessManager, oracle, vault, accountant, withdrawal queue, adapters and lens
 * for five LSTs whose addresses are parameters (`stETH`, `wstETH`, `rETH`, `cbETH`, `weth`). The vault unit tests
 * deploy through it; on a network it is the first half of `LRTSuite`.
 */
export default buildModule("LRTCore", (m) => {
  const token = (name: string) => m.getParameter<string>(name);
  const core = buildCore(m, [
    { kind: "stETH", token: token("stETH") },
    { kind: "wstETH", token: token("wstETH") },
    { kind: "rETH", token: token("rETH") },
    { kind: "cbETH", token: token("cbETH") },
    { kind: "weth", token: token("weth") },
  ]);
  return {
    accessManager: core.accessManager,
    oracle: core.oracle,
    vault: core.vault,
    accountant: core.accountant,
    queue: core.queue,
    lens: core.lens,
    oracleImpl: core.implementations.oracle,
    vaultImpl: core.implementations.vault,
    accountantImpl: core.implementations.accountant,
    queueImpl: core.implementations.queue,
    stETHAdapter: core.adapters.stETH,
    wstETHAdapter: core.adapters.wstETH,
    rETHAdapter: core.adapters.rETH,
    cbETHAdapter: core.adapters.cbETH,
    wethAdapter: core.adapters.weth,
  };
});
