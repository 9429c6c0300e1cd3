/**
 * The "shaped" chains' common part: our EigenLayer stand-ins placed at a real network's EigenLayer addresses with
 * `hardhat_setCode` (they keep no constructor state and have no immutables) and initialized there with that network's
 * delays, strategies placed and whitelisted, and the EigenPods (EigenPodManager at its address, the deposit contract
 * and EIP-4788 / EIP-7002 stand-ins at their system addresses). Each network's file says which addresses and which
 * tokens: test/fork/mainnetShaped.ts (in-process, the mainnet addresses), test/fork/hoodiShaped.ts (a node, the Hoodi
 * addresses). The chain is Hardhat's in-process network or a node reached through an ethers JsonRpcProvider.
 */
import { ethers, network } from "hardhat";
import type { Signer } from "ethers";
import { SYSTEM_ADDRESSES, placeAt, type RpcSender } from "../../scripts/lib/eigenlayer";

/** Where the stand-ins go and who owns them: `admin` owns, pauses and initializes them. */
export interface ShapedChain {
  provider: RpcSender;
  admin: Signer;
}

/** The in-process Hardhat network, with `admin`. */
export const inProcess = (admin: Signer): ShapedChain => ({ provider: network.provider, admin });

/** EigenLayer's core contracts on the network being imitated. */
export interface CoreAddresses {
  strategyManager: string;
  delegationManager: string;
  allocationManager: string;
  rewardsCoordinator: string;
  pauserRegistry: string;
}

/** EigenLayer's delays on that network (blocks). */
export interface Delays {
  minWithdrawalDelayBlocks: number;
  deallocationDelay: number;
  allocationConfigurationDelay: number;
}

/** The delays of a network's `params` in deploy/eigenlayer/addresses.json. */
export function delaysOf(params: Record<string, { value: number | string }>): Delays {
  return {
    minWithdrawalDelayBlocks: Number(params.MIN_WITHDRAWAL_DELAY_BLOCKS.value),
    deallocationDelay: Number(params.DEALLOCATION_DELAY.value),
    allocationConfigurationDelay: Number(params.ALLOCATION_CONFIGURATION_DELAY.value),
  };
}

/** Places `name`'s runtime code at `address` (its storage left as it is: a fresh chain has none there). */
export async function place(chain: ShapedChain, name: string, address: string): Promise<void> {
  await placeAt(name, address, 0, chain.provider);
}

/** A stand-in at `address`, connected to the admin. */
export const standIn = (chain: ShapedChain, name: string, address: string) =>
  ethers.getContractAt(name, address, chain.admin);

/**
 * The EigenLayer core stand-ins at `a`, initialized with `delays` (the admin the only pauser, nothing paused, a
 * 7-day rewards calculation interval).
 */
export async function placeCore(chain: ShapedChain, a: CoreAddresses, delays: Delays): Promise<void> {
  const admin = await chain.admin.getAddress();
  await place(chain, "PauserRegistry", a.pauserRegistry);
  await place(chain, "StrategyManager", a.strategyManager);
  await place(chain, "DelegationManager", a.delegationManager);
  await place(chain, "AllocationManager", a.allocationManager);
  await place(chain, "RewardsCoordinator", a.rewardsCoordinator);
  const at = (name: string, address: string) => standIn(chain, name, address);
  const wait = async (tx: Promise<{ wait(): Promise<unknown> }>) => (await tx).wait();
  await wait((await at("PauserRegistry", a.pauserRegistry)).initializeStandIn([admin], admin));
  await wait(
    (await at("StrategyManager", a.strategyManager)).initializeStandIn(
      a.delegationManager,
      a.allocationManager,
      a.pauserRegistry,
      admin,
      admin,
      0,
    ),
  );
  await wait(
    (await at("DelegationManager", a.delegationManager)).initializeStandIn(
      a.strategyManager,
      a.allocationManager,
      a.pauserRegistry,
      0,
      delays.minWithdrawalDelayBlocks,
    ),
  );
  await wait(
    (await at("AllocationManager", a.allocationManager)).initializeStandIn(
      a.delegationManager,
      a.pauserRegistry,
      0,
      delays.deallocationDelay,
      delays.allocationConfigurationDelay,
    ),
  );
  await wait(
    (await at("RewardsCoordinator", a.rewardsCoordinator)).initializeStandIn(a.pauserRegistry, admin, 0, admin, 604800),
  );
}

/**
 * EigenLayer strategies (`StrategyBaseTVLLimits` stand-ins) at the given addresses over the given tokens (already
 * placed), all whitelisted for deposits in the StrategyManager.
 */
export async function placeStrategies(
  chain: ShapedChain,
  a: CoreAddresses,
  strategies: { strategy: string; token: string }[],
): Promise<void> {
  for (const { strategy, token } of strategies) {
    await place(chain, "StrategyBaseTVLLimits", strategy);
    const s = await standIn(chain, "StrategyBaseTVLLimits", strategy);
    await (await s.initializeStandIn(a.strategyManager, a.pauserRegistry, token)).wait();
  }
  const sm = await standIn(chain, "StrategyManager", a.strategyManager);
  await (await sm.addStrategiesToDepositWhitelist(strategies.map((s) => s.strategy))).wait();
}

export interface PodOptions {
  /** Also the EIP-7002 / EIP-7251 stand-ins (validator exits), and the admin as proof timestamp setter with the
   * PECTRA proof layout from the start (credential proofs from the local beacon chain). */
  exits?: boolean;
}

/**
 * Native restaking at the imitated addresses: the EigenPodManager stand-in at `eigenPodManager` (wired into the
 * DelegationManager stand-in), the EigenPod implementation behind its beacon (both deployed: EigenLayer's pod beacon
 * address matters to no one), and the deposit contract and EIP-4788 stand-ins at their system addresses (`placeAt`
 * starts them fresh); with `exits`, the EIP-7002 / EIP-7251 stand-ins too.
 */
export async function placePods(
  chain: ShapedChain,
  a: CoreAddresses,
  eigenPodManager: string,
  options: PodOptions = {},
): Promise<void> {
  const admin = await chain.admin.getAddress();
  await placeAt("BeaconRoots", SYSTEM_ADDRESSES.beaconRoots, 0, chain.provider);
  await placeAt("DepositContract", SYSTEM_ADDRESSES.depositContract, 33, chain.provider);
  if (options.exits) {
    await placeAt("WithdrawalRequestPredeploy", SYSTEM_ADDRESSES.withdrawalRequests, 2, chain.provider);
    await placeAt("ConsolidationRequestPredeploy", SYSTEM_ADDRESSES.consolidationRequests, 2, chain.provider);
  }
  await place(chain, "EigenPodManager", eigenPodManager);
  const podImplementation = await ethers.deployContract(
    "EigenPod",
    [SYSTEM_ADDRESSES.depositContract, eigenPodManager],
    chain.admin,
  );
  await podImplementation.waitForDeployment();
  const podBeacon = await ethers.deployContract("EigenPodBeacon", [podImplementation, admin], chain.admin);
  await podBeacon.waitForDeployment();
  const epm = await standIn(chain, "EigenPodManager", eigenPodManager);
  await (
    await epm.initializeStandIn(
      SYSTEM_ADDRESSES.depositContract,
      podBeacon,
      a.delegationManager,
      a.pauserRegistry,
      admin,
      0,
    )
  ).wait();
  const dm = await standIn(chain, "DelegationManager", a.delegationManager);
  await (await dm.initializeEigenPodManagerStandIn(eigenPodManager)).wait();
  if (options.exits) {
    await (await epm.setProofTimestampSetter(admin)).wait();
    await (await epm.setPectraForkTimestamp(1n)).wait();
  }
}
