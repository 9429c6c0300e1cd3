import path from "node:path";
import { subtask } from "hardhat/config";
import type { HardhatUserConfig } from "hardhat/config";
import {
  TASK_COMPILE_SOLIDITY_CHECK_ERRORS,
  TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD,
} from "hardhat/builtin-tasks/task-names";
import "@nomicfoundation/hardhat-toolbox";
import "@openzeppelin/hardhat-upgrades";

/** The compiler is the npm package `solc`, pinned exactly in package.json; Hardhat never downloads one. */
const SOLC_VERSION = "0.8.30";

subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD).setAction(async (args: { solcVersion: string }, _hre, runSuper) => {
  if (args.solcVersion !== SOLC_VERSION) return runSuper(args);
  const solcDir = path.dirname(require.resolve("solc/package.json"));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const solc = require("solc") as { version(): string };
  return {
    compilerPath: path.join(solcDir, "soljson.js"),
    isSolcJs: true,
    version: SOLC_VERSION,
    longVersion: solc.version().replace(".Emscripten.clang", ""),
  };
});

interface SolcMessage {
  severity: string;
  errorCode?: string;
  formattedMessage: string;
  sourceLocation?: { file: string };
}

/** solc's generic "transient storage can break composability" notice (2394), raised inside OpenZeppelin's own
 * `TransientSlot` (used by `ReentrancyGuardTransient`); it is about OZ's audited code, not ours. */
const isOzTransientNotice = (m: SolcMessage): boolean =>
  m.errorCode === "2394" && (m.sourceLocation?.file ?? "").startsWith("@openzeppelin/");

/** Compiler warnings fail the build (solidity-coverage's instrumented build is exempt: its probes warn). */
subtask(TASK_COMPILE_SOLIDITY_CHECK_ERRORS).setAction(
  async (args: { output: { errors?: SolcMessage[] } }, hre, runSuper) => {
    if (args.output.errors) args.output.errors = args.output.errors.filter((m) => !isOzTransientNotice(m));
    await runSuper(args);
    if ((hre as unknown as { __SOLIDITY_COVERAGE_RUNNING?: boolean }).__SOLIDITY_COVERAGE_RUNNING) return;
    const warnings = (args.output.errors ?? []).filter((e) => e.severity === "warning");
    if (warnings.length > 0) {
      throw new Error(`Compiler warnings are errors:\n${warnings.map((w) => w.formattedMessage).join("\n")}`);
    }
  },
);

const config: HardhatUserConfig = {
  solidity: {
    version: SOLC_VERSION,
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: "prague",
      outputSelection: { "*": { "*": ["storageLayout"] } },
    },
  },
  networks: {
    hardhat: { hardfork: "prague" },
  },
  paths: {
    sources: "contracts",
    tests: "test",
    ignition: "deploy",
  },
  typechain: { outDir: "typechain-types", target: "ethers-v6" },
  gasReporter: { enabled: process.env.REPORT_GAS === "true", currency: "USD", offline: true },
  mocha: { timeout: 300_000 },
};

export default config;
