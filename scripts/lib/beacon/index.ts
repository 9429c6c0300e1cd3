/**
 * A TypeScript beacon chain for local native restaking: real SSZ beacon states and headers, BLS-signed deposits,
 * and EigenPod proofs (see `docs/native-restaking.md`). Shared by scripts, tasks and tests.
 */
export * from "./constants";
export * from "./deposit";
export * from "./chain";
export { loadBeaconLibs, type BeaconLibs } from "./esm";
