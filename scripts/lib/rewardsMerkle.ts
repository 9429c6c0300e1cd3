/**
 * EigenLayer rewards Merkle trees, built off-chain the way the rewards sidecar does, independently of the
 * RewardsCoordinator stand-in (only ethers is used, never the contract's own hash functions).
 *
 * - Earner tree: one leaf per earner, `keccak256(abi.encodePacked(uint8(0), earner, earnerTokenRoot))`.
 * - Token tree (one per earner): one leaf per token, `keccak256(abi.encodePacked(uint8(1), token, cumulativeEarnings))`.
 * - Each level's leaf list is padded with `ZeroHash` leaves up to a power of two, at least 2, so every proof has at
 *   least one sibling (the stand-in rejects empty proofs).
 * - Inner nodes are `keccak256(left || right)`; a proof is the concatenation of the siblings from the leaf upwards.
 */
import { ZeroHash, concat, getAddress, solidityPackedKeccak256 } from "ethers";

const EARNER_LEAF_SALT = 0;
const TOKEN_LEAF_SALT = 1;

/** One token of an earner: the total ever earned, not the amount still to claim. */
export interface TokenEarning {
  token: string;
  cumulativeEarnings: bigint;
}

/** Everything one earner has earned so far, token by token. */
export interface EarnerEarnings {
  earner: string;
  tokens: TokenEarning[];
}

/** The `IRewardsCoordinatorTypes.RewardsMerkleClaim` struct, as ethers encodes it. */
export interface RewardsMerkleClaim {
  rootIndex: number;
  earnerIndex: number;
  earnerTreeProof: string;
  earnerLeaf: { earner: string; earnerTokenRoot: string };
  tokenIndices: number[];
  tokenTreeProofs: string[];
  tokenLeaves: { token: string; cumulativeEarnings: bigint }[];
}

/** A built distribution tree. */
export interface RewardsMerkleTree {
  /** The distribution root to post with `submitRoot`. */
  root: string;
  /** The token-tree root of `earner` (its earner leaf's second field). */
  earnerTokenRoot(earner: string): string;
  /**
   * The claim of `earner` for `tokens` (in the order given, each must be in the earner's tree) against the root
   * posted at `rootIndex`.
   */
  claimFor(earner: string, tokens: string[], rootIndex: number): RewardsMerkleClaim;
}

/** Earner leaf hash: `keccak256(abi.encodePacked(uint8(0), earner, earnerTokenRoot))`. */
export function earnerLeafHash(earner: string, earnerTokenRoot: string): string {
  return solidityPackedKeccak256(["uint8", "address", "bytes32"], [EARNER_LEAF_SALT, earner, earnerTokenRoot]);
}

/** Token leaf hash: `keccak256(abi.encodePacked(uint8(1), token, cumulativeEarnings))`. */
export function tokenLeafHash(token: string, cumulativeEarnings: bigint): string {
  return solidityPackedKeccak256(["uint8", "address", "uint256"], [TOKEN_LEAF_SALT, token, cumulativeEarnings]);
}

/** All levels of a binary tree over `leaves`, from the padded leaves up to the single root. */
function buildLevels(leaves: string[]): string[][] {
  if (leaves.length === 0) throw new Error("rewardsMerkle: a tree needs at least one leaf");
  let width = 2;
  while (width < leaves.length) width *= 2;
  const levels: string[][] = [[...leaves, ...Array<string>(width - leaves.length).fill(ZeroHash)]];
  while (levels[levels.length - 1].length > 1) {
    const below = levels[levels.length - 1];
    const above: string[] = [];
    for (let i = 0; i < below.length; i += 2) {
      above.push(solidityPackedKeccak256(["bytes32", "bytes32"], [below[i], below[i + 1]]));
    }
    levels.push(above);
  }
  return levels;
}

/** The siblings of leaf `index`, bottom-up, as one bytes string. */
function proofOf(levels: string[][], index: number): string {
  const siblings: string[] = [];
  for (let level = 0, i = index; level < levels.length - 1; level += 1, i = Math.floor(i / 2)) {
    siblings.push(levels[level][i ^ 1]);
  }
  return concat(siblings);
}

const sameAddress = (a: string, b: string): boolean => getAddress(a) === getAddress(b);

/** Builds the distribution tree; earners and each earner's tokens keep the order given (it fixes the indices). */
export function buildRewardsMerkleTree(earnings: EarnerEarnings[]): RewardsMerkleTree {
  const earners = earnings.map(({ earner, tokens }) => {
    const tokenLevels = buildLevels(tokens.map((t) => tokenLeafHash(t.token, t.cumulativeEarnings)));
    const tokenRoot = tokenLevels[tokenLevels.length - 1][0];
    return { earner, tokens, tokenLevels, tokenRoot };
  });
  const earnerLevels = buildLevels(earners.map((e) => earnerLeafHash(e.earner, e.tokenRoot)));

  const find = (earner: string) => {
    const earnerIndex = earners.findIndex((e) => sameAddress(e.earner, earner));
    if (earnerIndex < 0) throw new Error(`rewardsMerkle: ${earner} is not in the tree`);
    return { earnerIndex, entry: earners[earnerIndex] };
  };

  return {
    root: earnerLevels[earnerLevels.length - 1][0],
    earnerTokenRoot: (earner) => find(earner).entry.tokenRoot,
    claimFor(earner, tokens, rootIndex) {
      const { earnerIndex, entry } = find(earner);
      const tokenIndices = tokens.map((token) => {
        const i = entry.tokens.findIndex((t) => sameAddress(t.token, token));
        if (i < 0) throw new Error(`rewardsMerkle: ${earner} has no leaf for token ${token}`);
        return i;
      });
      return {
        rootIndex,
        earnerIndex,
        earnerTreeProof: proofOf(earnerLevels, earnerIndex),
        earnerLeaf: { earner: entry.earner, earnerTokenRoot: entry.tokenRoot },
        tokenIndices,
        tokenTreeProofs: tokenIndices.map((i) => proofOf(entry.tokenLevels, i)),
        tokenLeaves: tokenIndices.map((i) => ({
          token: entry.tokens[i].token,
          cumulativeEarnings: entry.tokens[i].cumulativeEarnings,
        })),
      };
    },
  };
}
