/**
 * Native restaking on a deployed suite, shared by the tests, the bench, the demo and the tasks:
 * - `enableNativeRestaking`: how a live suite turns it on. A validator key registry behind an ERC-1967 proxy, the
 *   restaking manager upgraded to an implementation linked to it (same links, same library code), and ETH's record
 *   given EigenLayer's beacon chain ETH strategy. Locally the EigenPods (EigenPodManager, pods, the deposit contract,
 *   EIP-4788 and EIP-7002 stand-ins at their mainnet addresses) come from `deployEigenPods`.
 * - `postNextRoot` / `runCheckpoint`: drive a pod with proofs from the TypeScript beacon chain
 *   (`scripts/lib/beacon/`), posting each sealed block's root to the EIP-4788 stand-in first.
 */
import { ethers } from "hardhat";
import { mine, time } from "@nomicfoundation/hardhat-network-helpers";
import { Interface, type Signer } from "ethers";
import {
  ERC1967Proxy__factory,
  RestakingManager__factory,
  ValidatorKeyRegistry__factory,
  type BeaconRoots,
  type EigenPod,
  type RestakingManager,
  type ValidatorKeyRegistry,
} from "../../typechain-types";
import { BEACON_CHAIN_ETH_STRATEGY } from "./eigenlayer";
import { ETH } from "./constants";
import type { BeaconBlock, BeaconChain } from "./beacon";

/** The suite contracts native restaking touches (a `Suite` from `scripts/lib/suite.ts` has them all). */
export interface NativeSuite {
  vault: { getAddress(): Promise<string> };
  accountant: { getAddress(): Promise<string> };
  queue: { getAddress(): Promise<string> };
  manager: RestakingManager;
  accessManager: { getAddress(): Promise<string> };
}

/** What turning native restaking on deploys (anyone may) and the admin calls that then switch it on. */
export interface NativeDeployment {
  registry: ValidatorKeyRegistry;
  /** The restaking manager's new implementation (linked to the registry). */
  managerImplementation: string;
  /** `[target, calldata]` of each admin call, in order: the manager's upgrade, then ETH's strategy. */
  adminCalls: [string, string][];
}

/**
 * Deploys what native restaking needs on a suite: the key registry (proxy; manager and EigenPodManager as
 * immutables, the suite's access manager as authority) and a restaking manager implementation with the same links
 * and the registry. Returns them with the two admin calls that switch it on (`upgradeToAndCall`, `setStrategy(ETH,
 * beacon chain ETH strategy)`), to send directly (`enableNativeRestaking`) or through a timelock.
 */
export async function deployNativeRestaking(
  s: NativeSuite,
  deployer: Signer,
  eigenPodManager: string,
): Promise<NativeDeployment> {
  const manager = await s.manager.getAddress();
  const registryImpl = await new ValidatorKeyRegistry__factory(deployer).deploy(manager, eigenPodManager);
  const init = registryImpl.interface.encodeFunctionData("initialize", [await s.accessManager.getAddress()]);
  const proxy = await new ERC1967Proxy__factory(deployer).deploy(await registryImpl.getAddress(), init);
  const registry = ValidatorKeyRegistry__factory.connect(await proxy.getAddress(), deployer);

  const library = await ethers.deployContract("RestakingPositions", deployer);
  const [, eigenLayer] = await s.manager.links();
  const factory = (await ethers.getContractFactory("RestakingManager", {
    signer: deployer,
    libraries: { RestakingPositions: await library.getAddress() },
  })) as unknown as RestakingManager__factory;
  const impl = await factory.deploy(
    {
      vault: await s.vault.getAddress(),
      accountant: await s.accountant.getAddress(),
      queue: await s.queue.getAddress(),
      manager,
    },
    {
      strategyManager: eigenLayer.strategyManager,
      delegationManager: eigenLayer.delegationManager,
      rewardsCoordinator: eigenLayer.rewardsCoordinator,
      delegatorBeacon: eigenLayer.delegatorBeacon,
    },
    await registry.getAddress(),
  );
  const managerImplementation = await impl.getAddress();
  const vaultInterface = new Interface(["function setStrategy(address asset, address strategy)"]);
  return {
    registry,
    managerImplementation,
    adminCalls: [
      [manager, s.manager.interface.encodeFunctionData("upgradeToAndCall", [managerImplementation, "0x"])],
      [await s.vault.getAddress(), vaultInterface.encodeFunctionData("setStrategy", [ETH, BEACON_CHAIN_ETH_STRATEGY])],
    ],
  };
}

/**
 * Turns native restaking on (`deployNativeRestaking`, then its admin calls sent by `admin`, who must hold the suite's
 * ADMIN role). Returns the registry.
 */
export async function enableNativeRestaking(
  s: NativeSuite,
  admin: Signer,
  eigenPodManager: string,
): Promise<ValidatorKeyRegistry> {
  const d = await deployNativeRestaking(s, admin, eigenPodManager);
  for (const [to, data] of d.adminCalls) await (await admin.sendTransaction({ to, data })).wait();
  return d.registry;
}

/** `0x01 || 0^11 || pod`: the withdrawal credentials every key of a pod is signed for. */
export function podCredentials(pod: string): `0x${string}` {
  return `0x01${"00".repeat(11)}${pod.slice(2).toLowerCase()}`;
}

/** Seals the beacon block an execution block at the next slot sees, mines that block and posts its root. */
export async function postNextRoot(chain: BeaconChain, beaconRoots: BeaconRoots): Promise<BeaconBlock> {
  const ts = Math.max(chain.nextTimestamp(), (await time.latest()) + 2);
  const block = chain.blockRoot(ts);
  await time.setNextBlockTimestamp(ts);
  await mine();
  await beaconRoots.setBeaconRoot(BigInt(ts), block.root);
  return block;
}

/**
 * A whole checkpoint of `pod`: seals the block of a coming slot, posts its root, starts the checkpoint in that block
 * (its root is the EIP-4788 entry of its own block) as `submitter` (owner or proof submitter) and proves every
 * validator in `indices` (permissionless). Returns the sealed block.
 */
export async function runCheckpoint(
  chain: BeaconChain,
  beaconRoots: BeaconRoots,
  pod: EigenPod,
  submitter: Signer,
  indices: number[],
): Promise<BeaconBlock> {
  // Both blocks' times are pinned: a slow run (coverage) must not let the wall clock pass the chosen slot.
  const ts = Math.max(chain.nextTimestamp(), (await time.latest()) + 3);
  const block = chain.blockRoot(ts);
  await time.setNextBlockTimestamp(ts - 1);
  await beaconRoots.setBeaconRoot(BigInt(ts), block.root);
  await time.setNextBlockTimestamp(ts);
  await pod.connect(submitter).startCheckpoint(false);
  if (indices.length > 0) await pod.verifyCheckpointProofs(...block.verifyCheckpointProofsArgs(indices));
  return block;
}
