/**
 * The Hoodi-shaped chain: our EigenLayer, LST and EigenPod stand-ins placed at the Hoodi addresses of
 * `deploy/eigenlayer/addresses.json` (test/fork/shaped.ts does the placing, as for the mainnet-shaped chain), on a
 * `npx hardhat node`, so that the testnet module (`deploy/modules/LRTSuiteTestnet.ts`) deploys to it with
 * `deploy/parameters/hoodi.json` unchanged, through the same Ignition CLI command as on Hoodi, and the operator tasks
 * run against it as child processes (test/fork/hoodi.shaped.test.ts).
 *
 * What sits where:
 * - EigenLayer's Hoodi core (DelegationManager, StrategyManager, AllocationManager, RewardsCoordinator,
 *   PauserRegistry, EigenPodManager) at its Hoodi proxies, initialized with Hoodi's delays (`params`: 50-block
 *   withdrawal and deallocation delays, 75-block allocation configuration delay);
 * - the stETH and WETH strategies at Hoodi's `StETH Strategy` and `WETH Strategy` proxies;
 * - their tokens (StETHMock, WETHMock) at the addresses below. The module never names them: it reads them from the
 *   strategies (`underlyingToken()`), as it does on Hoodi; addresses.json does not record Hoodi's token addresses
 *   (`strategyUnderlyings`), so the stand-ins sit at addresses derived from a label (nothing depends on them);
 * - the deposit contract, EIP-4788, EIP-7002 and EIP-7251 stand-ins at their system addresses (the same on Hoodi as
 *   on mainnet); the EigenPod implementation and beacon are deployed (only the EigenPodManager's address matters).
 *
 * Chain id: the node is 31337, not Hoodi's 560048. Nothing the module deploys reads the chain id at construction.
 * What does depend on it is handled outside the contracts: the deployment gets an Ignition deployment id of its own
 * (not `chain-560048`), the tasks find it through `LRT_DEPLOYMENT`; the native tasks treat 31337 as the local chain
 * (the local beacon chain of `beacon.json` gives the proofs, its keys are signed with the local genesis fork version
 * 0x00000000; on Hoodi `lrt:register-keys --file` checks deposit-cli keys against Hoodi's 0x10000910 and proofs come
 * from `BEACON_API_URL`); Etherscan's chain (Hoodi's `customChains` entry in hardhat.config.ts) is checked apart from
 * the deployment's own chain id by the verification dry run (scripts/lib/verifyDryRun.ts).
 */
import fs from "node:fs";
import path from "node:path";
import { ZeroAddress, dataSlice, getAddress, id, parseEther } from "ethers";
import {
  place,
  placeCore,
  placePods,
  placeStrategies,
  standIn,
  delaysOf,
  type CoreAddresses,
  type ShapedChain,
} from "./shaped";

const ROOT = path.join(__dirname, "..", "..");
const bigints = (_k: string, v: unknown) => (typeof v === "string" && /^\d+n$/.test(v) ? BigInt(v.slice(0, -1)) : v);

/** deploy/parameters/hoodi.json, the file the Hoodi deployment uses (`LRTSuiteTestnet` section). */
export const HOODI_PARAMETERS_FILE = "deploy/parameters/hoodi.json";
export const HOODI = JSON.parse(fs.readFileSync(path.join(ROOT, HOODI_PARAMETERS_FILE), "utf8"), bigints)
  .LRTSuiteTestnet as Record<string, string | bigint | number>;

/** EigenLayer's Hoodi deployment, as vendored in deploy/eigenlayer/addresses.json. */
export const HOODI_EIGENLAYER = JSON.parse(
  fs.readFileSync(path.join(ROOT, "deploy/eigenlayer/addresses.json"), "utf8"),
).hoodi;

export const HOODI_CORE: CoreAddresses = {
  strategyManager: HOODI_EIGENLAYER.Core.StrategyManager.proxy,
  delegationManager: HOODI_EIGENLAYER.Core.DelegationManager.proxy,
  allocationManager: HOODI_EIGENLAYER.Core.AllocationManager.proxy,
  rewardsCoordinator: HOODI_EIGENLAYER.Core.RewardsCoordinator.proxy,
  pauserRegistry: HOODI_EIGENLAYER.Multisigs.PauserRegistry.address,
};
export const HOODI_EIGEN_POD_MANAGER: string = HOODI_EIGENLAYER.Core.EigenPodManager.proxy;
export const HOODI_STRATEGIES = {
  stETH: HOODI_EIGENLAYER.Strategies["StETH Strategy"].proxy as string,
  weth: HOODI_EIGENLAYER.Strategies["WETH Strategy"].proxy as string,
};
export const HOODI_DELAYS = delaysOf(HOODI_EIGENLAYER.params);

/** Where the token stand-ins sit (derived from a label: addresses.json does not record Hoodi's tokens). */
export const HOODI_SHAPED_TOKENS = {
  stETH: getAddress(dataSlice(id("lrt-vault hoodi-shaped stETH"), 12)),
  weth: getAddress(dataSlice(id("lrt-vault hoodi-shaped WETH"), 12)),
};

/**
 * Places and initializes every stand-in at its Hoodi address on `chain` (a node): EigenLayer's core, the stETH and
 * WETH strategies over their tokens, the EigenPods (with exits and credential proofs); Lido's pool is seeded so its
 * share rate is not 1:1.
 */
export async function placeHoodiStandIns(chain: ShapedChain): Promise<void> {
  const admin = await chain.admin.getAddress();
  await placeCore(chain, HOODI_CORE, HOODI_DELAYS);
  await place(chain, "StETHMock", HOODI_SHAPED_TOKENS.stETH);
  await place(chain, "WETHMock", HOODI_SHAPED_TOKENS.weth);
  const steth = await standIn(chain, "StETHMock", HOODI_SHAPED_TOKENS.stETH);
  await (await steth.initialize(admin)).wait();
  await placeStrategies(chain, HOODI_CORE, [
    { strategy: HOODI_STRATEGIES.stETH, token: HOODI_SHAPED_TOKENS.stETH },
    { strategy: HOODI_STRATEGIES.weth, token: HOODI_SHAPED_TOKENS.weth },
  ]);
  await placePods(chain, HOODI_CORE, HOODI_EIGEN_POD_MANAGER, { exits: true });
  await (await steth.submit(ZeroAddress, { value: parseEther("1000") })).wait();
  await (await steth.rebase(parseEther("187.5"))).wait();
}
