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
import type { Signer } from "ethers";
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
  vault: { getAddress(): Promise<string>; connect(s: Signer): { setStrategy(a: string, s: string): Promise<unknown> } };
  accountant: { getAddress(): Promise<string> };
  queue: { getAddress(): Promise<string> };
  manager: RestakingManager;
  accessManager: { getAddress(): Promise<string> };
}

/**
 * Turns native restaking on: deploys the key registry (proxy; manager and EigenPodManager as immutables, the suite's
 * access manager as authority), upgrades the restaking manager to an implementation linked to it and sets ETH's
 * strategy. `admin` must hold the suite's ADMIN role. Returns the registry.
 */
export async function enableNativeRestaking(
  s: NativeSuite,
  admin: Signer,
  eigenPodManager: string,
): Promise<ValidatorKeyRegistry> {
  const manager = await s.manager.getAddress();
  const registryImpl = await new ValidatorKeyRegistry__factory(admin).deploy(manager, eigenPodManager);
  const init = registryImpl.interface.encodeFunctionData("initialize", [await s.accessManager.getAddress()]);
  const proxy = await new ERC1967Proxy__factory(admin).deploy(await registryImpl.getAddress(), init);
  const registry = ValidatorKeyRegistry__factory.connect(await proxy.getAddress(), admin);

  // The manager's new implementation: the same links, now with the key registry.
  const library = await ethers.deployContract("RestakingPositions", admin);
  const [, eigenLayer] = await s.manager.links();
  const factory = (await ethers.getContractFactory("RestakingManager", {
    signer: admin,
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
  await (await s.manager.connect(admin).upgradeToAndCall(impl, "0x")).wait();
  await s.vault.connect(admin).setStrategy(ETH, BEACON_CHAIN_ETH_STRATEGY);
  return registry;
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
  const ts = Math.max(chain.nextTimestamp(), (await time.latest()) + 2);
  const block = chain.blockRoot(ts);
  await beaconRoots.setBeaconRoot(BigInt(ts), block.root);
  await time.setNextBlockTimestamp(ts);
  await pod.connect(submitter).startCheckpoint(false);
  if (indices.length > 0) await pod.verifyCheckpointProofs(...block.verifyCheckpointProofsArgs(indices));
  return block;
}
