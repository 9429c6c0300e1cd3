import fs from "node:fs";
import path from "node:path";
import { extendEnvironment, subtask, vars } from "hardhat/config";
import type { HardhatUserConfig } from "hardhat/config";
import {
  TASK_COMPILE_SOLIDITY_CHECK_ERRORS,
  TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD,
} from "hardhat/builtin-tasks/task-names";
import "@nomicfoundation/hardhat-toolbox";
import "@openzeppelin/hardhat-upgrades";
import "./tasks/lrt";
import "./tasks/keeper";
import "./tasks/native";
import "./tasks/verify";
import "./tasks/seed";

/**
 * `.env` at the repository root (gitignored; start from `.env.example`) is loaded with Node's own
 * `process.loadEnvFile` (Node 20.12 or later, no dependency): a variable already set in the environment wins over the
 * file, so `HOODI_RPC_URL=... npx hardhat ...` still overrides it.
 */
const envFile = path.join(__dirname, ".env");
if (fs.existsSync(envFile) && typeof process.loadEnvFile === "function") process.loadEnvFile(envFile);

/**
 * Secrets and endpoints never live in the repository: each comes from an environment variable of the same name (or
 * `.env`, above) or from Hardhat's keystore (`npx hardhat vars set NAME`). See `.env.example`.
 */
const secret = (name: string): string => process.env[name] || (vars.has(name) ? vars.get(name) : "");
const deployerKey = secret("DEPLOYER_PRIVATE_KEY");
const accounts = deployerKey ? [deployerKey] : [];

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

/**
 * Ignition reads and parses a contract's whole build-info file (tens of MB here) for every contract future it
 * executes, even for in-process deployments that never store it (about 0.2 s a future, most of a suite deploy's time
 * in tests), and tests that inspect compiler output do the same through `hre.artifacts.getBuildInfo`. Both are
 * memoized per build-info file and its modification time, so a file is parsed once per process unless a compile
 * rewrites it; nothing deployed or stored changes.
 */
const parsedBuildInfo = new Map<string, Promise<unknown>>();
async function readBuildInfo(debugPath: string): Promise<unknown> {
  const debug = JSON.parse(await fs.promises.readFile(debugPath, "utf8")) as { buildInfo: string };
  const buildInfoPath = path.join(path.dirname(debugPath), debug.buildInfo);
  const key = `${buildInfoPath}@${(await fs.promises.stat(buildInfoPath)).mtimeMs}`;
  let hit = parsedBuildInfo.get(key);
  if (hit === undefined) {
    hit = fs.promises.readFile(buildInfoPath, "utf8").then((text) => JSON.parse(text) as unknown);
    parsedBuildInfo.set(key, hit);
    hit.catch(() => parsedBuildInfo.delete(key));
  }
  return hit;
}
{
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { HardhatArtifactResolver } = require(
    path.join(path.dirname(require.resolve("@nomicfoundation/hardhat-ignition")), "hardhat-artifact-resolver.js"),
  );
  const original = HardhatArtifactResolver.prototype.getBuildInfo;
  HardhatArtifactResolver.prototype.getBuildInfo = async function (
    this: { _resolvePath(name: string): Promise<string | undefined> },
    contractName: string,
  ) {
    const artifactPath = contractName.includes(":") ? undefined : await this._resolvePath(contractName);
    if (artifactPath === undefined) return original.call(this, contractName);
    return readBuildInfo(artifactPath.replace(/\.json$/, ".dbg.json"));
  };
}
extendEnvironment((hre) => {
  const artifacts = hre.artifacts as typeof hre.artifacts & {
    formArtifactPathFromFullyQualifiedName(fqn: string): string;
  };
  const original = artifacts.getBuildInfo.bind(artifacts);
  artifacts.getBuildInfo = async (fullyQualifiedName: string) => {
    const debugPath = artifacts
      .formArtifactPathFromFullyQualifiedName(fullyQualifiedName)
      .replace(/\.json$/, ".dbg.json");
    if (!fs.existsSync(debugPath)) return original(fullyQualifiedName);
    return readBuildInfo(debugPath) as ReturnType<typeof original>;
  };
});

const SOLC_SETTINGS = {
  optimizer: { enabled: true, runs: 200 },
  evmVersion: "prague",
  outputSelection: { "*": { "*": ["storageLayout"] } },
};

const config: HardhatUserConfig = {
  solidity: {
    compilers: [{ version: SOLC_VERSION, settings: SOLC_SETTINGS }],
    // No per-contract optimizer override: 500 runs for LRTVault (tried for the deposit path) measured the same deposit
    // gas as 200 in `npm run bench`, and cost 479 bytes of the vault's size budget.
  },
  networks: {
    hardhat: { hardfork: "prague" },
    localhost: { url: "http://127.0.0.1:8545" },
    mainnet: { url: secret("MAINNET_RPC_URL") || "http://missing-MAINNET_RPC_URL", chainId: 1, accounts },
    hoodi: { url: secret("HOODI_RPC_URL") || "http://missing-HOODI_RPC_URL", chainId: 560048, accounts },
    sepolia: { url: secret("SEPOLIA_RPC_URL") || "http://missing-SEPOLIA_RPC_URL", chainId: 11155111, accounts },
  },
  etherscan: {
    apiKey: secret("ETHERSCAN_API_KEY"),
    customChains: [
      {
        network: "hoodi",
        chainId: 560048,
        urls: { apiURL: "https://api.etherscan.io/v2/api?chainid=560048", browserURL: "https://hoodi.etherscan.io" },
      },
    ],
  },
  sourcify: { enabled: false },
  paths: {
    sources: "contracts",
    tests: "test",
    ignition: "deploy",
  },
  ignition: { blockPollingInterval: 20, requiredConfirmations: 1 },
  typechain: { outDir: "typechain-types", target: "ethers-v6" },
  gasReporter: { enabled: process.env.REPORT_GAS === "true", currency: "USD", offline: true },
  // `npm test` runs mocha in parallel: one worker per core of this 2-core machine (mocha defaults to cores - 1).
  mocha: { timeout: 300_000, jobs: 2 },
};

export default config;
