/**
 * Consensus-spec and EigenLayer v1.12 constants used by the TypeScript beacon chain (see
 * `deploy/eigenlayer/EIGENPOD.md`, sections 3 to 5). Balances are gwei, as on the beacon chain.
 */
export const SECONDS_PER_SLOT = 12;
export const SLOTS_PER_EPOCH = 32;
export const FAR_FUTURE_EPOCH = 2n ** 64n - 1n;
/** Gwei per ETH; EigenLayer's GWEI_TO_WEI. */
export const GWEI = 1_000_000_000n;
export const MIN_ACTIVATION_BALANCE_GWEI = 32_000_000_000;
/** Electra: the cap of a 0x02 (compounding) validator's effective balance. */
export const MAX_EFFECTIVE_BALANCE_ELECTRA_GWEI = 2_048_000_000_000;
export const EFFECTIVE_BALANCE_INCREMENT_GWEI = 1_000_000_000;
/** compute_activation_exit_epoch(e) = e + 1 + MAX_SEED_LOOKAHEAD. */
export const MAX_SEED_LOOKAHEAD = 4;
export const MIN_VALIDATOR_WITHDRAWABILITY_DELAY = 256;
export const EPOCHS_PER_SLASHINGS_VECTOR = 8192;
export const MIN_SLASHING_PENALTY_QUOTIENT_ELECTRA = 4096;
/** Effective-balance hysteresis: HYSTERESIS_QUOTIENT 4, downward multiplier 1, upward multiplier 5. */
export const HYSTERESIS_DOWNWARD_GWEI = 250_000_000;
export const HYSTERESIS_UPWARD_GWEI = 1_250_000_000;

/** DOMAIN_DEPOSIT, and the mainnet GENESIS_FORK_VERSION the default chain models. */
export const DOMAIN_DEPOSIT = "0x03000000";
export const MAINNET_GENESIS_FORK_VERSION = "0x00000000";
/** Mainnet fork versions: the beacon state's `fork` field of the modelled chain. */
export const FORK_VERSIONS = { deneb: "0x04000000", electra: "0x05000000" } as const;
/** BLS12-381 min-pk, proof-of-possession ciphersuite, as the consensus spec signs. */
export const BLS_DST = "BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";
/** Order of the BLS12-381 scalar field: secret keys are in [1, r). */
export const BLS_CURVE_ORDER = 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001n;

/** EigenLayer BeaconChainProofs (v1.12): tree heights and field indices. */
export const BEACON_BLOCK_HEADER_TREE_HEIGHT = 3;
export const STATE_ROOT_INDEX = 3;
export const DENEB_BEACON_STATE_TREE_HEIGHT = 5;
export const PECTRA_BEACON_STATE_TREE_HEIGHT = 6;
export const VALIDATOR_TREE_HEIGHT = 40;
export const BALANCE_TREE_HEIGHT = 38;
export const VALIDATOR_CONTAINER_INDEX = 11;
export const BALANCE_CONTAINER_INDEX = 12;
export const VALIDATOR_FIELDS_LENGTH = 8;
