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
import { ethers } from "hardhat";
import { ZeroAddress, parseEther } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { delaysOf, inProcess, place, placeCore, placePods, placeStrategies, type CoreAddresses } from "./shaped";

export const MAINNET = JSON.parse(
  fs.readFileSync(path.join(__dirname, "../../deploy/parameters/mainnet.json"), "utf8"),
  (_k, v) => (typeof v === "string" && /^\d+n$/.test(v) ? BigInt(v.slice(0, -1)) : v),
).LRTSuite as Record<string, string | bigint | number>;

const ADDRESSES = JSON.parse(fs.readFileSync(path.join(__dirname, "../../deploy/eigenlayer/addresses.json"), "utf8"));
export const MAINNET_ALLOCATION_MANAGER: string = ADDRESSES.mainnet.Core.AllocationManager.proxy;
export const MAINNET_PAUSER_REGISTRY: string = ADDRESSES.mainnet.Multisigs.PauserRegistry.address;
export const MAINNET_DELAYS = delaysOf(ADDRESSES.mainnet.params);

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

const MAINNET_CORE: CoreAddresses = {
  strategyManager: MAINNET.strategyManager as string,
  delegationManager: MAINNET.delegationManager as string,
  allocationManager: MAINNET_ALLOCATION_MANAGER,
  rewardsCoordinator: MAINNET.rewardsCoordinator as string,
  pauserRegistry: MAINNET_PAUSER_REGISTRY,
};

/** Places and initializes every stand-in at its mainnet address; `admin` owns and pauses them. */
export async function placeMainnetStandIns(admin: HardhatEthersSigner): Promise<void> {
  const chain = inProcess(admin);
  await placeCore(chain, MAINNET_CORE, MAINNET_DELAYS);
  await place(chain, "StETHMock", MAINNET.stETH as string);
  await place(chain, "WstETHMock", MAINNET.wstETH as string);
  await place(chain, "RETHMock", MAINNET.rETH as string);
  await place(chain, "CbETHMock", MAINNET.cbETH as string);
  await place(chain, "WETHMock", MAINNET.weth as string);
  for (const f of Object.keys(FEED_ANSWERS)) await place(chain, "AggregatorMock", MAINNET[f] as string);

  const at = (name: string, address: string) => ethers.getContractAt(name, address, admin);
  await (await at("StETHMock", MAINNET.stETH as string)).initialize(admin.address);
  await (await at("WstETHMock", MAINNET.wstETH as string)).initialize(MAINNET.stETH);
  await (await at("RETHMock", MAINNET.rETH as string)).initialize(admin.address, STAND_IN_RATES.rETH);
  await (await at("CbETHMock", MAINNET.cbETH as string)).initialize(admin.address, admin.address, STAND_IN_RATES.cbETH);
  for (const [f, answer] of Object.entries(FEED_ANSWERS)) {
    await (await at("AggregatorMock", MAINNET[f] as string)).initialize(admin.address, 18, answer);
  }
  await placeStrategies(
    chain,
    MAINNET_CORE,
    (["stETH", "rETH", "cbETH"] as const).map((token) => ({
      strategy: MAINNET[`${token}Strategy`] as string,
      token: MAINNET[token] as string,
    })),
  );
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
  await placePods(inProcess(admin), MAINNET_CORE, MAINNET_EIGEN_POD_MANAGER);
}
