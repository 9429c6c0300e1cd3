import { concat, getBytes, hexlify, sha256, toBeHex, zeroPadValue } from "ethers";

/**
 * A small SSZ-shaped SHA-256 Merkle builder for the stand-in proof tests, written from the consensus spec's
 * merkleization rules (not from the contracts): `hash(a, b) = sha256(a || b)`, lists are a data tree of a fixed depth
 * (zero-hash padded) mixed in with their length as a little-endian uint256 chunk, containers pad their field roots
 * to a power of two. It builds just enough of a BeaconState (fields 11 `validators` and 12 `balances` real, the other
 * fields arbitrary chunks) and a BeaconBlockHeader to produce the proofs EigenPods check, in their byte layout:
 * siblings from the leaf level upward, concatenated.
 *
 * It is independent of the TypeScript beacon chain built on @chainsafe/ssz (scripts/lib/beacon), which produces the
 * real states; this one lets the library and pod tests run without it.
 */

export const FAR_FUTURE_EPOCH = (1n << 64n) - 1n;
export const ZERO = zeroPadValue("0x", 32);

export const hashPair = (left: string, right: string): string => sha256(concat([left, right]));

const ZERO_HASHES: string[] = [ZERO];
for (let i = 1; i <= 64; i++) ZERO_HASHES.push(hashPair(ZERO_HASHES[i - 1], ZERO_HASHES[i - 1]));
export const zeroHash = (depth: number): string => ZERO_HASHES[depth];

/** A uint64 as an SSZ chunk: 8 little-endian bytes, then zeros. */
export function uint64Chunk(value: bigint): string {
  const bytes = new Uint8Array(32);
  for (let i = 0; i < 8; i++) bytes[i] = Number((value >> BigInt(8 * i)) & 0xffn);
  return hexlify(bytes);
}

/** A length mix-in chunk: uint256 little-endian. */
export const lengthChunk = (length: number): string => uint64Chunk(BigInt(length));

/** Levels of a depth-`depth` tree over `leaves` (index 0 = leaves), only as wide as the non-zero prefix. */
function levels(leaves: string[], depth: number): string[][] {
  const out: string[][] = [leaves.length > 0 ? [...leaves] : []];
  for (let d = 0; d < depth; d++) {
    const below = out[d];
    const above: string[] = [];
    for (let i = 0; i < below.length; i += 2) {
      above.push(hashPair(below[i], i + 1 < below.length ? below[i + 1] : zeroHash(d)));
    }
    out.push(above);
  }
  return out;
}

/** Root of a depth-`depth` tree whose first leaves are `leaves` (the rest zero). */
export function merkleize(leaves: string[], depth: number): string {
  if (leaves.length > 2 ** depth) throw new Error("merkleize: too many leaves");
  const top = levels(leaves, depth)[depth];
  return top.length > 0 ? top[0] : zeroHash(depth);
}

/** Siblings of leaf `index` in a depth-`depth` tree over `leaves`, leaf level first. */
export function branch(leaves: string[], depth: number, index: number): string[] {
  const all = levels(leaves, depth);
  const siblings: string[] = [];
  let i = index;
  for (let d = 0; d < depth; d++) {
    const sibling = i ^ 1;
    siblings.push(sibling < all[d].length ? all[d][sibling] : zeroHash(d));
    i >>= 1;
  }
  return siblings;
}

export interface Validator {
  pubkey: string; // 48 bytes
  withdrawalCredentials: string; // 32 bytes
  effectiveBalanceGwei: bigint;
  slashed: boolean;
  activationEligibilityEpoch: bigint;
  activationEpoch: bigint;
  exitEpoch: bigint;
  withdrawableEpoch: bigint;
}

/** SSZ root of a 48-byte pubkey: sha256(pubkey || 16 zero bytes). */
export const pubkeyHash = (pubkey: string): string => sha256(concat([pubkey, new Uint8Array(16)]));

/** The 8 field chunks of a Validator, in order. */
export function validatorFields(v: Validator): string[] {
  if (getBytes(v.pubkey).length !== 48) throw new Error("validatorFields: pubkey must be 48 bytes");
  return [
    pubkeyHash(v.pubkey),
    v.withdrawalCredentials,
    uint64Chunk(v.effectiveBalanceGwei),
    v.slashed ? "0x01" + "00".repeat(31) : ZERO,
    uint64Chunk(v.activationEligibilityEpoch),
    uint64Chunk(v.activationEpoch),
    uint64Chunk(v.exitEpoch),
    uint64Chunk(v.withdrawableEpoch),
  ];
}

/** A 32-byte chunk of four little-endian uint64 balances (validators 4k..4k+3). */
export function balanceChunk(balances: bigint[], chunkIndex: number): string {
  const bytes = new Uint8Array(32);
  for (let j = 0; j < 4; j++) {
    const b = balances[4 * chunkIndex + j] ?? 0n;
    for (let i = 0; i < 8; i++) bytes[8 * j + i] = Number((b >> BigInt(8 * i)) & 0xffn);
  }
  return hexlify(bytes);
}

export type Fork = "deneb" | "electra";
/** BeaconState tree height: 28 fields pad to 32 (Deneb), 37 to 64 (Electra and later). */
export const STATE_HEIGHT: Record<Fork, number> = { deneb: 5, electra: 6 };
const FIELD_COUNT: Record<Fork, number> = { deneb: 28, electra: 37 };
const VALIDATOR_TREE_DEPTH = 40;
const BALANCE_TREE_DEPTH = 38;

export interface BeaconState {
  fork: Fork;
  validators: Validator[];
  balancesGwei: bigint[];
  /** Any value for the fields other than validators/balances (changes the state root). */
  salt: string;
}

export interface BuiltState {
  stateRoot: string;
  blockRoot: string;
  header: { slot: bigint; proposerIndex: bigint; parentRoot: string; bodyRoot: string };
  stateFields: string[];
  validatorRoots: string[];
  balanceChunks: string[];
  validatorsRoot: string;
  balancesRoot: string;
}

/** Builds the state's and its block header's roots. */
export function buildState(state: BeaconState, slot = 100n): BuiltState {
  const validatorRoots = state.validators.map((v) => merkleize(validatorFields(v), 3));
  const validatorsRoot = hashPair(
    merkleize(validatorRoots, VALIDATOR_TREE_DEPTH),
    lengthChunk(state.validators.length),
  );
  const chunkCount = Math.ceil(state.balancesGwei.length / 4);
  const balanceChunks = Array.from({ length: chunkCount }, (_, k) => balanceChunk(state.balancesGwei, k));
  const balancesRoot = hashPair(merkleize(balanceChunks, BALANCE_TREE_DEPTH), lengthChunk(state.balancesGwei.length));
  const stateFields = Array.from({ length: FIELD_COUNT[state.fork] }, (_, i) =>
    sha256(concat([state.salt, toBeHex(i, 32)])),
  );
  stateFields[11] = validatorsRoot;
  stateFields[12] = balancesRoot;
  const stateRoot = merkleize(stateFields, STATE_HEIGHT[state.fork]);
  const header = {
    slot,
    proposerIndex: 7n,
    parentRoot: sha256(concat([state.salt, "0xaa"])),
    bodyRoot: sha256(concat([state.salt, "0xbb"])),
  };
  const blockRoot = merkleize(headerLeaves(header, stateRoot), 3);
  return { stateRoot, blockRoot, header, stateFields, validatorRoots, balanceChunks, validatorsRoot, balancesRoot };
}

function headerLeaves(header: BuiltState["header"], stateRoot: string): string[] {
  return [uint64Chunk(header.slot), uint64Chunk(header.proposerIndex), header.parentRoot, stateRoot, header.bodyRoot];
}

const joined = (siblings: string[]): string => concat(siblings);

/** State root proof: the 3 header siblings of `state_root` (field 3). */
export function stateRootProof(built: BuiltState): { beaconStateRoot: string; proof: string } {
  return { beaconStateRoot: built.stateRoot, proof: joined(branch(headerLeaves(built.header, built.stateRoot), 3, 3)) };
}

/** Validator fields proof of validator `index` against the state root (46 / 47 siblings). */
export function validatorProof(state: BeaconState, built: BuiltState, index: number): string {
  return joined([
    ...branch(built.validatorRoots, VALIDATOR_TREE_DEPTH, index),
    lengthChunk(state.validators.length),
    ...branch(built.stateFields, STATE_HEIGHT[state.fork], 11),
  ]);
}

/** Balance container proof: state siblings of field 12, then the header siblings of `state_root` (8 / 9). */
export function balanceContainerProof(
  state: BeaconState,
  built: BuiltState,
): { balanceContainerRoot: string; proof: string } {
  return {
    balanceContainerRoot: built.balancesRoot,
    proof: joined([
      ...branch(built.stateFields, STATE_HEIGHT[state.fork], 12),
      ...branch(headerLeaves(built.header, built.stateRoot), 3, 3),
    ]),
  };
}

/** Balance proof of validator `index`'s chunk against the balances root (39 siblings). */
export function balanceProof(
  state: BeaconState,
  built: BuiltState,
  index: number,
): { pubkeyHash: string; balanceRoot: string; proof: string } {
  const chunk = Math.floor(index / 4);
  return {
    pubkeyHash: pubkeyHash(state.validators[index].pubkey),
    balanceRoot: built.balanceChunks[chunk],
    proof: joined([...branch(built.balanceChunks, BALANCE_TREE_DEPTH, chunk), lengthChunk(state.balancesGwei.length)]),
  };
}

/** Withdrawal credentials `prefix || 11 zero bytes || address`. */
export const credentials = (prefix: 1 | 2, address: string): string =>
  concat([toBeHex(prefix, 1), new Uint8Array(11), address]);
