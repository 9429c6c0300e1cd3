/**
 * An independent TypeScript re-implementation of EigenLayer v1.12's proof checks (`BeaconChainProofs`, `Merkle`,
 * `Endian`, and the checks `EigenPod` makes around them), written from `deploy/eigenlayer/EIGENPOD.md` section 4
 * with node:crypto's SHA-256 and bigint generalized indices only: no SSZ library, nothing from scripts/lib/beacon.
 * Failures throw `ProofRefused` carrying the mainnet custom error's name.
 */
import { createHash } from "node:crypto";

export type ProofVersion = "DENEB" | "PECTRA";

export const BEACON_BLOCK_HEADER_TREE_HEIGHT = 3;
export const STATE_ROOT_INDEX = 3n;
export const VALIDATOR_TREE_HEIGHT = 40;
export const BALANCE_TREE_HEIGHT = 38;
export const VALIDATOR_CONTAINER_INDEX = 11n;
export const BALANCE_CONTAINER_INDEX = 12n;
export const FAR_FUTURE_EPOCH = 2n ** 64n - 1n;
export const stateTreeHeight = (v: ProofVersion): number => (v === "DENEB" ? 5 : 6);

export class ProofRefused extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}
const refuse = (reason: string): never => {
  throw new ProofRefused(reason);
};

const bytes = (hex: string): Buffer => Buffer.from(hex.replace(/^0x/, ""), "hex");
const hex = (b: Buffer): string => "0x" + b.toString("hex");
export const sha256 = (...parts: Buffer[]): Buffer => createHash("sha256").update(Buffer.concat(parts)).digest();

/** Merkle.processInclusionProofSha256: siblings leaf-upward; `index` = gindex without its leading 1 bit. */
export function processInclusionProofSha256(proof: string, leaf: string, index: bigint): string {
  const p = bytes(proof);
  if (p.length === 0 || p.length % 32 !== 0) refuse("InvalidProofLength");
  let cur = bytes(leaf);
  for (let i = 0; i < p.length; i += 32) {
    const sib = p.subarray(i, i + 32);
    cur = index % 2n === 0n ? sha256(cur, sib) : sha256(sib, cur);
    index >>= 1n;
  }
  if (index !== 0n) refuse("InvalidIndex");
  return hex(cur);
}

/** Merkle.verifyInclusionSha256. */
export function verifyInclusionSha256(proof: string, root: string, leaf: string, index: bigint): boolean {
  if (/^0x0{64}$/.test(root)) refuse("EmptyRoot");
  return processInclusionProofSha256(proof, leaf, index) === root.toLowerCase();
}

/** Merkle.merkleizeSha256 (power-of-two leaf count). */
export function merkleizeSha256(leaves: string[]): string {
  let layer = leaves.map(bytes);
  while (layer.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i < layer.length; i += 2) next.push(sha256(layer[i], layer[i + 1]));
    layer = next;
  }
  return hex(layer[0]);
}

/** Endian.fromLittleEndianUint64: the first 8 bytes of the word, little-endian. */
export const fromLittleEndianUint64 = (word: string): bigint => bytes(word).readBigUInt64LE(0);

// BeaconChainProofs field getters
export const getPubkeyHash = (f: string[]): string => f[0].toLowerCase();
export const getWithdrawalCredentials = (f: string[]): string => f[1].toLowerCase();
export const getEffectiveBalanceGwei = (f: string[]): bigint => fromLittleEndianUint64(f[2]);
export const isValidatorSlashed = (f: string[]): boolean => !/^0x0{64}$/.test(f[3]);
export const getActivationEpoch = (f: string[]): bigint => fromLittleEndianUint64(f[5]);
export const getExitEpoch = (f: string[]): bigint => fromLittleEndianUint64(f[6]);

/** BeaconChainProofs.getBalanceAtIndex: validator i's lane (bytes 8*(i%4)..) of the chunk, little-endian. */
export const getBalanceAtIndex = (balanceRoot: string, validatorIndex: number): bigint =>
  bytes(balanceRoot).readBigUInt64LE(8 * (validatorIndex % 4));

export function verifyStateRoot(beaconBlockRoot: string, p: { beaconStateRoot: string; proof: string }): void {
  if (bytes(p.proof).length !== 32 * BEACON_BLOCK_HEADER_TREE_HEIGHT) refuse("InvalidProofLength");
  if (!verifyInclusionSha256(p.proof, beaconBlockRoot, p.beaconStateRoot, STATE_ROOT_INDEX)) refuse("InvalidProof");
}

export function verifyValidatorFields(
  version: ProofVersion,
  beaconStateRoot: string,
  validatorFields: string[],
  proof: string,
  validatorIndex: number,
): void {
  if (validatorFields.length !== 8) refuse("InvalidValidatorFieldsLength");
  if (bytes(proof).length !== 32 * (VALIDATOR_TREE_HEIGHT + 1 + stateTreeHeight(version))) {
    refuse("InvalidProofLength");
  }
  const index = (VALIDATOR_CONTAINER_INDEX << BigInt(VALIDATOR_TREE_HEIGHT + 1)) | BigInt(validatorIndex);
  if (!verifyInclusionSha256(proof, beaconStateRoot, merkleizeSha256(validatorFields), index)) refuse("InvalidProof");
}

export function verifyBalanceContainer(
  version: ProofVersion,
  beaconBlockRoot: string,
  p: { balanceContainerRoot: string; proof: string },
): void {
  const h = stateTreeHeight(version);
  if (bytes(p.proof).length !== 32 * (BEACON_BLOCK_HEADER_TREE_HEIGHT + h)) refuse("InvalidProofLength");
  const index = (STATE_ROOT_INDEX << BigInt(h)) | BALANCE_CONTAINER_INDEX;
  if (!verifyInclusionSha256(p.proof, beaconBlockRoot, p.balanceContainerRoot, index)) refuse("InvalidProof");
}

/** Returns the balance (gwei) read from the proven chunk. */
export function verifyValidatorBalance(
  balanceContainerRoot: string,
  validatorIndex: number,
  p: { balanceRoot: string; proof: string },
): bigint {
  if (bytes(p.proof).length !== 32 * (BALANCE_TREE_HEIGHT + 1)) refuse("InvalidProofLength");
  if (!verifyInclusionSha256(p.proof, balanceContainerRoot, p.balanceRoot, BigInt(validatorIndex >> 2))) {
    refuse("InvalidProof");
  }
  return getBalanceAtIndex(p.balanceRoot, validatorIndex);
}

/** A model of the EIP-4788 ring: timestamp -> parent beacon block root (unknown timestamps revert). */
export class BeaconRoots {
  private readonly roots = new Map<bigint, string>();
  post(timestamp: number | bigint, root: string): void {
    this.roots.set(BigInt(timestamp), root.toLowerCase());
  }
  get(timestamp: number | bigint): string {
    return this.roots.get(BigInt(timestamp)) ?? refuse("InvalidEIP4788Response");
  }
}

/** The checks of `EigenPod.verifyWithdrawalCredentials` for a pod with no checkpoint history; returns the credited gwei. */
export function podVerifyWithdrawalCredentials(
  roots: BeaconRoots,
  pod: string,
  version: ProofVersion,
  beaconTimestamp: bigint,
  stateRootProof: { beaconStateRoot: string; proof: string },
  validatorIndices: bigint[],
  validatorFieldsProofs: string[],
  validatorFields: string[][],
): bigint {
  if (validatorIndices.length !== validatorFieldsProofs.length || validatorIndices.length !== validatorFields.length) {
    refuse("InputArrayLengthMismatch");
  }
  verifyStateRoot(roots.get(beaconTimestamp), stateRootProof);
  const addr = pod.toLowerCase().replace(/^0x/, "");
  const creds = [`0x01${"00".repeat(11)}${addr}`, `0x02${"00".repeat(11)}${addr}`];
  let credited = 0n;
  validatorIndices.forEach((index, i) => {
    const f = validatorFields[i];
    if (getActivationEpoch(f) === FAR_FUTURE_EPOCH) refuse("ValidatorInactiveOnBeaconChain");
    if (getExitEpoch(f) !== FAR_FUTURE_EPOCH) refuse("ValidatorIsExitingBeaconChain");
    if (!creds.includes(getWithdrawalCredentials(f))) refuse("WithdrawalCredentialsNotForEigenPod");
    verifyValidatorFields(version, stateRootProof.beaconStateRoot, f, validatorFieldsProofs[i], Number(index));
    credited += getEffectiveBalanceGwei(f);
  });
  return credited;
}

/** The proof checks of `EigenPod.verifyStaleBalance` at the validator's stored index. */
export function podVerifyStaleBalance(
  roots: BeaconRoots,
  version: ProofVersion,
  storedValidatorIndex: number,
  beaconTimestamp: bigint,
  stateRootProof: { beaconStateRoot: string; proof: string },
  proof: { validatorFields: string[]; proof: string },
): void {
  if (!isValidatorSlashed(proof.validatorFields)) refuse("ValidatorNotSlashedOnBeaconChain");
  verifyStateRoot(roots.get(beaconTimestamp), stateRootProof);
  verifyValidatorFields(
    version,
    stateRootProof.beaconStateRoot,
    proof.validatorFields,
    proof.proof,
    storedValidatorIndex,
  );
}

/** The proof checks of `EigenPod.verifyCheckpointProofs` against the checkpoint's block root; returns proven balances. */
export function podVerifyCheckpointProofs(
  checkpointBlockRoot: string,
  version: ProofVersion,
  storedValidatorIndices: number[],
  container: { balanceContainerRoot: string; proof: string },
  proofs: { pubkeyHash: string; balanceRoot: string; proof: string }[],
): bigint[] {
  verifyBalanceContainer(version, checkpointBlockRoot, container);
  return proofs.map((p, i) => verifyValidatorBalance(container.balanceContainerRoot, storedValidatorIndices[i], p));
}
