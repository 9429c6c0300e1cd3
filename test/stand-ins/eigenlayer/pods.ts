import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { concat, dataSlice, id, parseEther, sha256, type Signer } from "ethers";
import { deployAVS, deployEigenLayer, deployEigenPods, registerOperator } from "../../../scripts/lib/eigenlayer";
import type { EigenPod } from "../../../typechain-types";
import {
  type BeaconState,
  type BuiltState,
  type Fork,
  FAR_FUTURE_EPOCH,
  buildState,
  credentials,
  uint64Chunk,
} from "../../helpers/beaconMerkle";
import { MAGNITUDE, SET_ID } from "./guards";

/**
 * Shared setup of the EigenPod / EigenPodManager stand-in tests: a local EigenLayer with pods, an operator allocated
 * to an AVS over the beacon chain ETH strategy, a pod owner delegated to it who staked two validators, and beacon
 * states (built by test/helpers/beaconMerkle.ts) in which those validators sit at indices 5 and 6.
 */

export const BEACON = "0xbeaC0eeEeeeeEEeEeEEEEeeEEeEeeeEeeEEBEaC0";
export const GWEI = 10n ** 9n;
export const OURS = [5, 6];

// Pause bits of the EigenPodManager (read by pods too).
export const PAUSED_NEW_EIGENPODS = 0;
export const PAUSED_EIGENPODS_VERIFY_CREDENTIALS = 2;
export const PAUSED_NON_PROOF_WITHDRAWALS = 5;
export const PAUSED_START_CHECKPOINT = 6;
export const PAUSED_EIGENPODS_VERIFY_CHECKPOINT_PROOFS = 7;
export const PAUSED_VERIFY_STALE_BALANCE = 8;
export const PAUSED_CONSOLIDATIONS = 9;
export const PAUSED_WITHDRAWAL_REQUESTS = 10;

export const pubkeyOf = (i: number): string => concat([id(`pod validator ${i}`), dataSlice(id(`tail ${i}`), 0, 16)]);
export const SIGNATURE = concat([id("s0"), id("s1"), id("s2")]);

/** hash_tree_root(DepositData) by hand (as depositContract.test.ts). */
export function depositDataRoot(pubkey: string, wc: string, amountWei: bigint, signature: string): string {
  const le = dataSlice(uint64Chunk(amountWei / GWEI), 0, 8);
  const pubkeyRoot = sha256(concat([pubkey, new Uint8Array(16)]));
  const sigRoot = sha256(
    concat([sha256(dataSlice(signature, 0, 64)), sha256(concat([dataSlice(signature, 64, 96), new Uint8Array(32)]))]),
  );
  return sha256(concat([sha256(concat([pubkeyRoot, wc])), sha256(concat([le, new Uint8Array(24), sigRoot]))]));
}

/** Ten validators; 5 and 6 are the pod's (0x01 and 0x02 credentials), the others another pod's. */
export function podState(pod: string, fork: Fork = "electra", salt = "pod state"): BeaconState {
  const stranger = "0x" + "22".repeat(20);
  const validators = Array.from({ length: 10 }, (_, i) => ({
    pubkey: pubkeyOf(i),
    withdrawalCredentials: credentials(i === 6 ? 2 : 1, OURS.includes(i) ? pod : stranger),
    effectiveBalanceGwei: 32_000_000_000n,
    slashed: false,
    activationEligibilityEpoch: 5n,
    activationEpoch: 10n,
    exitEpoch: FAR_FUTURE_EPOCH,
    withdrawableEpoch: FAR_FUTURE_EPOCH,
  }));
  const balancesGwei = validators.map((_, i) => 32_000_000_000n + BigInt(i) * 1_000_003n);
  return { fork, validators, balancesGwei, salt: id(salt) };
}

export async function podsFixture() {
  const [admin, staker, operator, avsOwner, stranger, submitter, pauser] = await ethers.getSigners();
  const el = await deployEigenLayer(admin);
  const pods = await deployEigenPods(el);
  await el.pauserRegistry.connect(admin).setIsPauser(pauser, true);
  const avs = await deployAVS(el, avsOwner, SET_ID, [BEACON]);
  await registerOperator(el, operator, avs, SET_ID, [BEACON], MAGNITUDE);
  await el.delegationManager.connect(staker).delegateTo(operator, { signature: "0x", expiry: 0n }, ethers.ZeroHash);
  const podAddress = await pods.eigenPodManager.getPod(staker);
  const wc1 = credentials(1, podAddress);
  for (const i of OURS) {
    await pods.eigenPodManager
      .connect(staker)
      .stake(pubkeyOf(i), SIGNATURE, depositDataRoot(pubkeyOf(i), wc1, parseEther("32"), SIGNATURE), {
        value: parseEther("32"),
      });
  }
  const pod: EigenPod = await ethers.getContractAt("EigenPod", podAddress);
  return { ...el, ...pods, admin, staker, operator, avsOwner, stranger, submitter, pauser, avs, pod, podAddress };
}

export type Pods = Awaited<ReturnType<typeof podsFixture>>;

/** Posts `state`'s block root at a fresh timestamp (a past block's) and returns it with the built state. */
export async function postRoot(f: Pods, state: BeaconState): Promise<{ ts: bigint; built: BuiltState }> {
  const built = buildState(state);
  const ts = BigInt(await time.latest());
  await f.beaconRoots.setBeaconRoot(ts, built.blockRoot);
  return { ts, built };
}

/** Posts `state`'s block root for the NEXT block's timestamp and pins it: the next transaction's block root. */
export async function postRootForNextBlock(f: Pods, state: BeaconState): Promise<{ ts: bigint; built: BuiltState }> {
  const built = buildState(state);
  const ts = BigInt(await time.latest()) + 12n;
  await f.beaconRoots.setBeaconRoot(ts, built.blockRoot);
  await time.setNextBlockTimestamp(ts);
  return { ts, built };
}

/** Sends `amount` to the pod from a funded account (rewards, exits). */
export async function fundPod(f: Pods, from: Signer, amount: bigint): Promise<void> {
  await (await from.sendTransaction({ to: f.podAddress, value: amount })).wait();
}
