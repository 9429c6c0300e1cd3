import { createHash } from "node:crypto";
import { loadBeaconLibs, type BeaconLibs } from "./esm";
import {
  BLS_CURVE_ORDER,
  BLS_DST,
  DOMAIN_DEPOSIT,
  MAINNET_GENESIS_FORK_VERSION,
  MIN_ACTIVATION_BALANCE_GWEI,
} from "./constants";

/** A 0x-prefixed hex string (bytes, bytes32, address). */
export type Hex = string;

/** DepositData as the beacon deposit contract takes it, with its hash_tree_root. */
export interface DepositData {
  pubkey: Hex; // 48 bytes
  withdrawalCredentials: Hex; // 32 bytes
  amountGwei: number;
  signature: Hex; // 96 bytes
  depositDataRoot: Hex; // hash_tree_root(DepositData)
}

/** A BLS12-381 validator key: 32-byte big-endian secret scalar and its 48-byte compressed G1 public key. */
export interface ValidatorKey {
  secretKey: Uint8Array;
  pubkey: Hex;
}

export const toHex = (b: Uint8Array): Hex => "0x" + Buffer.from(b).toString("hex");
export const fromHex = (h: Hex): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/^0x/, ""), "hex"));

/** The pod's `pubkeyHash`: sha256(pubkey || 16 zero bytes) = hash_tree_root of the 48-byte pubkey = validator field 0. */
export function pubkeyHash(pubkey: Hex): Hex {
  const pk = fromHex(pubkey);
  if (pk.length !== 48) throw new Error("pubkey must be 48 bytes");
  return toHex(createHash("sha256").update(pk).update(new Uint8Array(16)).digest());
}

/** `0x01 || 11 zero bytes || address`: the withdrawal credentials `EigenPod.stake` deposits with (0x02 for compounding). */
export function podWithdrawalCredentials(pod: Hex, prefix: 1 | 2 = 1): Hex {
  const addr = pod.toLowerCase().replace(/^0x/, "");
  if (!/^[0-9a-f]{40}$/.test(addr)) throw new Error(`not an address: ${pod}`);
  return `0x0${prefix}${"00".repeat(11)}${addr}`;
}

/**
 * A deterministic validator secret key: sha256("lrt-vault beacon key" || seed || index) reduced into [1, r). For
 * local chains and tests only (anyone can recompute it).
 */
export function deriveSecretKey(seed: string, index: number): Uint8Array {
  for (let attempt = 0; ; attempt++) {
    const h = createHash("sha256").update(`lrt-vault beacon key|${seed}|${index}|${attempt}`).digest();
    const k = BigInt("0x" + h.toString("hex")) % BLS_CURVE_ORDER;
    if (k !== 0n) return Uint8Array.from(Buffer.from(k.toString(16).padStart(64, "0"), "hex"));
  }
}

/** The validator key for a secret key. */
export function validatorKey(libs: BeaconLibs, secretKey: Uint8Array): ValidatorKey {
  return { secretKey, pubkey: toHex(libs.bls12_381.longSignatures.getPublicKey(secretKey).toBytes(true)) };
}

/**
 * compute_domain(DOMAIN_DEPOSIT, genesisForkVersion, zero genesis_validators_root): 0x03000000 || the first 28 bytes
 * of hash_tree_root(ForkData). Mainnet (fork version 0x00000000):
 * 0x03000000f5a5fd42d16a20302798ef6ed309979b43003d2320d9f0e8ea9831a9.
 */
export function depositDomain(libs: BeaconLibs, genesisForkVersion: Hex = MAINNET_GENESIS_FORK_VERSION): Uint8Array {
  const forkDataRoot = libs.lodestar.ssz.phase0.ForkData.hashTreeRoot({
    currentVersion: fromHex(genesisForkVersion),
    genesisValidatorsRoot: new Uint8Array(32),
  });
  const domain = new Uint8Array(32);
  domain.set(fromHex(DOMAIN_DEPOSIT), 0);
  domain.set(forkDataRoot.subarray(0, 28), 4);
  return domain;
}

/** compute_signing_root(DepositMessage{pubkey, withdrawal_credentials, amount}, deposit domain). */
export function depositSigningRoot(
  libs: BeaconLibs,
  msg: { pubkey: Hex; withdrawalCredentials: Hex; amountGwei: number },
  genesisForkVersion: Hex = MAINNET_GENESIS_FORK_VERSION,
): Uint8Array {
  const { phase0 } = libs.lodestar.ssz;
  const objectRoot = phase0.DepositMessage.hashTreeRoot({
    pubkey: fromHex(msg.pubkey),
    withdrawalCredentials: fromHex(msg.withdrawalCredentials),
    amount: msg.amountGwei,
  });
  return phase0.SigningData.hashTreeRoot({ objectRoot, domain: depositDomain(libs, genesisForkVersion) });
}

/** Signs a deposit with a real BLS signature over the DepositMessage and computes its deposit_data_root. */
export function signDeposit(
  libs: BeaconLibs,
  secretKey: Uint8Array,
  withdrawalCredentials: Hex,
  amountGwei: number,
  genesisForkVersion: Hex = MAINNET_GENESIS_FORK_VERSION,
): DepositData {
  const bls = libs.bls12_381.longSignatures;
  const { pubkey } = validatorKey(libs, secretKey);
  const signingRoot = depositSigningRoot(libs, { pubkey, withdrawalCredentials, amountGwei }, genesisForkVersion);
  const signature = toHex(bls.Signature.toBytes(bls.sign(bls.hash(signingRoot, BLS_DST), secretKey)));
  return {
    pubkey,
    withdrawalCredentials,
    amountGwei,
    signature,
    depositDataRoot: depositDataRoot(libs, pubkey, withdrawalCredentials, amountGwei, signature),
  };
}

/** hash_tree_root(DepositData): what the deposit contract reconstructs and compares with `deposit_data_root`. */
export function depositDataRoot(
  libs: BeaconLibs,
  pubkey: Hex,
  withdrawalCredentials: Hex,
  amountGwei: number,
  signature: Hex,
): Hex {
  return toHex(
    libs.lodestar.ssz.phase0.DepositData.hashTreeRoot({
      pubkey: fromHex(pubkey),
      withdrawalCredentials: fromHex(withdrawalCredentials),
      amount: amountGwei,
      signature: fromHex(signature),
    }),
  );
}

/** True iff the deposit's signature is a valid BLS signature of its DepositMessage (what the beacon chain checks). */
export function isValidDepositSignature(
  libs: BeaconLibs,
  d: { pubkey: Hex; withdrawalCredentials: Hex; amountGwei: number; signature: Hex },
  genesisForkVersion: Hex = MAINNET_GENESIS_FORK_VERSION,
): boolean {
  const bls = libs.bls12_381.longSignatures;
  try {
    return bls.verify(
      fromHex(d.signature),
      bls.hash(depositSigningRoot(libs, d, genesisForkVersion), BLS_DST),
      fromHex(d.pubkey),
    );
  } catch {
    return false; // not a point on the curve
  }
}

/**
 * The (pubkey, signature, depositDataRoot) that `EigenPodManager.stake{value: 32 ether}` takes for a pod: a 32-ETH
 * deposit with credentials `0x01 || 0^11 || pod`, signed with the deposit domain of `genesisForkVersion` (mainnet's
 * 0x00000000 by default). `key` is a secret key or an index into the deterministic keys of `seed`.
 */
export async function podDepositData(
  pod: Hex,
  key: Uint8Array | number,
  opts: { seed?: string; genesisForkVersion?: Hex } = {},
): Promise<DepositData> {
  const libs = await loadBeaconLibs();
  const sk = typeof key === "number" ? deriveSecretKey(opts.seed ?? "lrt-vault", key) : key;
  return signDeposit(libs, sk, podWithdrawalCredentials(pod), MIN_ACTIVATION_BALANCE_GWEI, opts.genesisForkVersion);
}
