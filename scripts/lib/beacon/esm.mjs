// The beacon-chain libraries are ESM-only; this module is loaded with a genuine dynamic import() by esm.ts, so the
// CommonJS build of the TypeScript sources (ts-node under Hardhat) never turns it into require().
export * as lodestar from "@lodestar/types";
export * as ssz from "@chainsafe/ssz";
export * as tree from "@chainsafe/persistent-merkle-tree";
export { bls12_381 } from "@noble/curves/bls12-381.js";
