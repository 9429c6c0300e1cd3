/**
 * The mainnet-shaped chain: our local EigenLayer, LST and Chainlink feed stand-ins placed at the mainnet addresses
 * with `hardhat_setCode` (they keep no constructor state and have no immutables), then initialized with mainnet
 * parameters (the 100,800-block withdrawal and deallocation delays, the 126,000-block allocation configuration
 * delay; the stETH/ETH, rETH/ETH and cbETH/ETH feeds of `deploy/parameters/mainnet.json`, 18 decimals like
 * mainnet's, answering the stand-in tokens' own rates). Everything else (the vault suite, whose adapters read the
 * feeds' decimals at construction, the AVS, operators) then deploys exactly as on a real mainnet fork.
 */
import fs from "node:fs";
import path from "node:path";
import { artifacts, ethers, network } from "hardhat";
import { ZeroAddress, parseEther } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { SYSTEM_ADDRESSES, placeAt } from "../../scripts/lib/eigenlayer";

export const MAINNET = JSON.parse(
  fs.readFileSync(path.join(__dirname, "../../deploy/parameters/mainnet.json"), "utf8"),
  (_k, v) => (typeof v === "string" && /^\d+n$/.test(v) ? BigInt(v.slice(0, -1)) : v),
).LRTSuite as Record<string, string | bigint | number>;

const ADDRESSES = JSON.parse(fs.readFileSync(path.join(__dirname, "../../deploy/eigenlayer/addresses.json"), "utf8"));
export const MAINNET_ALLOCATION_MANAGER: string = ADDRESSES.mainnet.Core.AllocationManager.proxy;
export const MAINNET_PAUSER_REGISTRY: string = ADDRESSES.mainnet.Multisigs.PauserRegistry.address;
export const MAINNET_DELAYS = {
  minWithdrawalDelayBlocks: Number(ADDRESSES.mainnet.params.MIN_WITHDRAWAL_DELAY_BLOCKS.value),
  deallocationDelay: Number(ADDRESSES.mainnet.params.DEALLOCATION_DELAY.value),
  allocationConfigurationDelay: Number(ADDRESSES.mainnet.params.ALLOCATION_CONFIGURATION_DELAY.value),
};

/** The stand-in LSTs' protocol rates (ETH per token; stETH per Lido share is set by the pool below). */
export const STAND_IN_RATES = { rETH: parseEther("1.13"), cbETH: parseEther("1.09") } as const;

/**
 * The Chainlink feeds' first answers (18 decimals): the market at the protocol rate, stETH at par with ETH. The
 * feeds are owned by the admin passed to `placeMainnetStandIns`, which may post new answers (`setAnswer`).
 */
export const FEED_ANSWERS = {
  stETHFeed: parseEther("1"),
  rETHFeed: STAND_IN_RATES.rETH,
  cbETHFeed: STAND_IN_RATES.cbETH,
} as const;

async function place(name: string, address: string): Promise<void> {
  const { deployedBytecode } = await artifacts.readArtifact(name);
  await network.provider.send("hardhat_setCode", [address, deployedBytecode]);
}

/** Places and initializes every stand-in at its mainnet address; `admin` owns and pauses them. */
export async function placeMainnetStandIns(admin: HardhatEthersSigner): Promise<void> {
  const a = {
    strategyManager: MAINNET.strategyManager as string,
    delegationManager: MAINNET.delegationManager as string,
    allocationManager: MAINNET_ALLOCATION_MANAGER,
    rewardsCoordinator: MAINNET.rewardsCoordinator as string,
    pauserRegistry: MAINNET_PAUSER_REGISTRY,
  };
  await place("PauserRegistry", a.pauserRegistry);
  await place("StrategyManager", a.strategyManager);
  await place("DelegationManager", a.delegationManager);
  await place("AllocationManager", a.allocationManager);
  await place("RewardsCoordinator", a.rewardsCoordinator);
  await place("StETHMock", MAINNET.stETH as string);
  await place("WstETHMock", MAINNET.wstETH as string);
  await place("RETHMock", MAINNET.rETH as string);
  await place("CbETHMock", MAINNET.cbETH as string);
  await place("WETHMock", MAINNET.weth as string);
  for (const s of ["stETHStrategy", "rETHStrategy", "cbETHStrategy"])
    await place("StrategyBaseTVLLimits", MAINNET[s] as string);
  for (const f of Object.keys(FEED_ANSWERS)) await place("AggregatorMock", MAINNET[f] as string);

  const at = (name: string, address: string) => ethers.getContractAt(name, address, admin);
  await (await at("PauserRegistry", a.pauserRegistry)).initializeStandIn([admin.address], admin.address);
  await (
    await at("StrategyManager", a.strategyManager)
  ).initializeStandIn(a.delegationManager, a.allocationManager, a.pauserRegistry, admin.address, admin.address, 0);
  await (
    await at("DelegationManager", a.delegationManager)
  ).initializeStandIn(
    a.strategyManager,
    a.allocationManager,
    a.pauserRegistry,
    0,
    MAINNET_DELAYS.minWithdrawalDelayBlocks,
  );
  await (
    await at("AllocationManager", a.allocationManager)
  ).initializeStandIn(
    a.delegationManager,
    a.pauserRegistry,
    0,
    MAINNET_DELAYS.deallocationDelay,
    MAINNET_DELAYS.allocationConfigurationDelay,
  );
  await (
    await at("RewardsCoordinator", a.rewardsCoordinator)
  ).initializeStandIn(a.pauserRegistry, admin.address, 0, admin.address, 604800);

  await (await at("StETHMock", MAINNET.stETH as string)).initialize(admin.address);
  await (await at("WstETHMock", MAINNET.wstETH as string)).initialize(MAINNET.stETH);
  await (await at("RETHMock", MAINNET.rETH as string)).initialize(admin.address, STAND_IN_RATES.rETH);
  await (await at("CbETHMock", MAINNET.cbETH as string)).initialize(admin.address, admin.address, STAND_IN_RATES.cbETH);
  for (const [f, answer] of Object.entries(FEED_ANSWERS)) {
    await (await at("AggregatorMock", MAINNET[f] as string)).initialize(admin.address, 18, answer);
  }
  const strategies = [];
  for (const [s, token] of [
    ["stETHStrategy", "stETH"],
    ["rETHStrategy", "rETH"],
    ["cbETHStrategy", "cbETH"],
  ] as const) {
    await (
      await at("StrategyBaseTVLLimits", MAINNET[s] as string)
    ).initializeStandIn(a.strategyManager, a.pauserRegistry, MAINNET[token]);
    strategies.push(MAINNET[s] as string);
  }
  await (await at("StrategyManager", a.strategyManager)).addStrategiesToDepositWhitelist(strategies);
  // Lido's pool is never empty on mainnet: seed it so the share rate is realistic (not 1:1).
  const steth = await at("StETHMock", MAINNET.stETH as string);
  await steth.submit(ZeroAddress, { value: parseEther("1000") });
  await steth.rebase(parseEther("187.5"));
}

/** EigenLayer's mainnet EigenPodManager (its proxy). */
export const MAINNET_EIGEN_POD_MANAGER: string = ADDRESSES.mainnet.Core.EigenPodManager.proxy;

/**
 * Native restaking at the mainnet addresses: the EigenPodManager stand-in at EigenLayer's mainnet EigenPodManager
 * (wired into the DelegationManager stand-in), the EigenPod implementation behind its beacon, and the deposit
 * contract and EIP-4788 stand-ins at their system addresses (`placeAt` starts them fresh).
 */
export async function placeMainnetPods(admin: HardhatEthersSigner): Promise<void> {
  await placeAt("BeaconRoots", SYSTEM_ADDRESSES.beaconRoots);
  await placeAt("DepositContract", SYSTEM_ADDRESSES.depositContract, 33);
  await place("EigenPodManager", MAINNET_EIGEN_POD_MANAGER);
  const podImplementation = await ethers.deployContract(
    "EigenPod",
    [SYSTEM_ADDRESSES.depositContract, MAINNET_EIGEN_POD_MANAGER],
    admin,
  );
  const podBeacon = await ethers.deployContract("EigenPodBeacon", [podImplementation, admin.address], admin);
  const epm = await ethers.getContractAt("EigenPodManager", MAINNET_EIGEN_POD_MANAGER, admin);
  await epm.initializeStandIn(
    SYSTEM_ADDRESSES.depositContract,
    podBeacon,
    MAINNET.delegationManager as string,
    MAINNET_PAUSER_REGISTRY,
    admin.address,
    0,
  );
  const dm = await ethers.getContractAt("DelegationManager", MAINNET.delegationManager as string, admin);
  await dm.initializeEigenPodManagerStandIn(MAINNET_EIGEN_POD_MANAGER);
}
