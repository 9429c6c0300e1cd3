import path from "node:path";
import { pathToFileURL } from "node:url";
import type * as Lodestar from "@lodestar/types";
import type * as Ssz from "@chainsafe/ssz";
import type * as Tree from "@chainsafe/persistent-merkle-tree";
import type { bls12_381 as Bls } from "@noble/curves/bls12-381.js";

/** The ESM-only libraries the beacon chain is built from, loaded once. */
export interface BeaconLibs {
  lodestar: typeof Lodestar;
  ssz: typeof Ssz;
  tree: typeof Tree;
  bls12_381: typeof Bls;
}

// A real dynamic import: TypeScript compiles `import()` to `require()` under "module": "commonjs", which fails for
// ESM-only packages, so the call is built at run time where the compiler cannot rewrite it.
const dynamicImport = new Function("specifier", "return import(specifier)") as (s: string) => Promise<unknown>;

let loaded: Promise<BeaconLibs> | undefined;

/** Loads `esm.mjs` (and through it the SSZ, Merkle-tree and BLS libraries) once per process. */
export function loadBeaconLibs(): Promise<BeaconLibs> {
  loaded ??= dynamicImport(pathToFileURL(path.join(__dirname, "esm.mjs")).href) as Promise<BeaconLibs>;
  return loaded;
}
