import { createHash } from "node:crypto";
import type { Node } from "@chainsafe/persistent-merkle-tree";
import { loadBeaconLibs, type BeaconLibs } from "./esm";
import {
  EFFECTIVE_BALANCE_INCREMENT_GWEI,
  EPOCHS_PER_SLASHINGS_VECTOR,
  FORK_VERSIONS,
  GWEI,
  HYSTERESIS_DOWNWARD_GWEI,
  HYSTERESIS_UPWARD_GWEI,
  MAINNET_GENESIS_FORK_VERSION,
  MAX_EFFECTIVE_BALANCE_ELECTRA_GWEI,
  MAX_SEED_LOOKAHEAD,
  MIN_ACTIVATION_BALANCE_GWEI,
  MIN_SLASHING_PENALTY_QUOTIENT_ELECTRA,
  MIN_VALIDATOR_WITHDRAWABILITY_DELAY,
  SECONDS_PER_SLOT,
  SLOTS_PER_EPOCH,
} from "./constants";
import {
  deriveSecretKey,
  fromHex,
  isValidDepositSignature,
  signDeposit,
  toHex,
  validatorKey,
  type DepositData,
  type Hex,
  type ValidatorKey,
} from "./deposit";

/** The beacon state layouts BeaconChainProofs knows: DENEB (state tree height 5) and PECTRA (Electra, height 6). */
export type BeaconFork = "deneb" | "electra";

/** A validator record with epochs as bigint (FAR_FUTURE_EPOCH = 2^64 - 1) and gwei as number. */
export interface ValidatorRecord {
  pubkey: Hex;
  withdrawalCredentials: Hex;
  effectiveBalanceGwei: number;
  slashed: boolean;
  activationEligibilityEpoch: bigint;
  activationEpoch: bigint;
  exitEpoch: bigint;
  withdrawableEpoch: bigint;
}

/** ETH leaving the beacon chain for an execution address: the caller must credit `amountWei` to `address`. */
export interface Withdrawal {
  /** Sequence number, like the beacon chain's `withdrawal.index`. */
  index: number;
  validatorIndex: number;
  address: Hex;
  amountGwei: number;
  amountWei: bigint;
  kind: "full" | "partial";
  /** Slot of the beacon block that paid it. */
  slot: number;
}

/** The pod's `StateRootProof` struct. */
export interface StateRootProof {
  beaconStateRoot: Hex;
  proof: Hex;
}
/** The pod's `ValidatorProof` struct (bytes32[8] fields, concatenated siblings). */
export interface ValidatorProof {
  validatorFields: Hex[];
  proof: Hex;
}
/** The pod's `BalanceContainerProof` struct. */
export interface BalanceContainerProof {
  balanceContainerRoot: Hex;
  proof: Hex;
}
/** The pod's `BalanceProof` struct. */
export interface BalanceProof {
  pubkeyHash: Hex;
  balanceRoot: Hex;
  proof: Hex;
}
/** A beacon block header, SSZ field names. */
export interface BeaconBlockHeader {
  slot: number;
  proposerIndex: number;
  parentRoot: Hex;
  stateRoot: Hex;
  bodyRoot: Hex;
}

export interface BeaconChainOptions {
  /** Unix time of slot 0. Tie it to the Hardhat chain: e.g. the latest block's timestamp minus a few slots. */
  genesisTime: number | bigint;
  /** State layout; "electra" (default) is what EigenLayer v1.12 verifies after Pectra, "deneb" before. */
  fork?: BeaconFork;
  /** The deposit domain's GENESIS_FORK_VERSION; default mainnet's 0x00000000. */
  genesisForkVersion?: Hex;
  /** Consensus reward per epoch for a 32-ETH effective balance (scaled by effective balance); default 14,000 gwei. */
  rewardPerEpochGwei?: number;
  /** Seed of the deterministic validator keys (`key(i)`); default "lrt-vault". */
  seed?: string;
  /**
   * Also pay partial withdrawals (balance above the cap) at every epoch boundary. Default false: rewards accumulate
   * in the balances (on mainnet one sweep over all validators takes days) until `skim()` pays them.
   */
  autoSkim?: boolean;
}

// The subset of the SSZ ViewDU surface the chain uses (shared by the Deneb and Electra BeaconState types).
interface ValidatorView {
  pubkey: Uint8Array;
  withdrawalCredentials: Uint8Array;
  effectiveBalance: number;
  slashed: boolean;
  activationEligibilityEpoch: number;
  activationEpoch: number;
  exitEpoch: number;
  withdrawableEpoch: number;
}
interface StateView {
  slot: number;
  genesisTime: number;
  fork: unknown;
  validators: { length: number; get(i: number): ValidatorView; push(v: unknown): void };
  balances: { length: number; get(i: number): number; set(i: number, v: number): void; push(v: number): void };
  commit(): void;
  hashTreeRoot(): Uint8Array;
  readonly node: Node;
}
interface StateType {
  defaultViewDU(): unknown;
  getViewDU(node: Node): unknown;
  getPathInfo(path: (string | number)[]): { gindex: bigint };
  getPropertyGindex(prop: string): bigint | null;
}

const FAR = Infinity; // how @chainsafe/ssz represents FAR_FUTURE_EPOCH (2^64 - 1) in a uint64 number field
const epochToBig = (e: number): bigint => (e === FAR ? 2n ** 64n - 1n : BigInt(e));
const epochToNum = (e: bigint): number => (e === 2n ** 64n - 1n ? FAR : Number(e));
const sha256 = (...parts: Uint8Array[]): Uint8Array => {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};

/**
 * One beacon block of the modelled chain and the post-state it commits to: the root to post under `timestamp` in
 * the EIP-4788 stand-in, and every proof EigenLayer's EigenPod checks against that root, in the pod's byte layout.
 * Immutable: later moves of the chain do not change it.
 */
export class BeaconBlock {
  constructor(
    private readonly libs: BeaconLibs,
    readonly fork: BeaconFork,
    /** Execution-layer timestamp whose EIP-4788 entry (the parent beacon block root) is `root`. */
    readonly timestamp: number,
    readonly header: BeaconBlockHeader,
    /** hash_tree_root(BeaconBlockHeader) = the beacon block root. */
    readonly root: Hex,
    private readonly stateNode: Node,
  ) {}

  get slot(): number {
    return this.header.slot;
  }
  /** The same block posted under another execution timestamp. */
  at(timestamp: number): BeaconBlock {
    return new BeaconBlock(this.libs, this.fork, timestamp, this.header, this.root, this.stateNode);
  }
  get stateRoot(): Hex {
    return this.header.stateRoot;
  }

  private get stateType(): StateType {
    return this.libs.lodestar.ssz[this.fork].BeaconState as unknown as StateType;
  }
  private get state(): StateView {
    return this.stateType.getViewDU(this.stateNode) as StateView;
  }
  private witnesses(root: Node, gindex: bigint): Uint8Array[] {
    const { createProof, ProofType } = this.libs.tree;
    const p = createProof(root, { type: ProofType.single, gindex });
    if (p.type !== ProofType.single) throw new Error("unexpected proof type");
    return p.witnesses; // leaf level first: EigenLayer's order
  }
  private concat(ws: Uint8Array[]): Hex {
    return "0x" + ws.map((w) => Buffer.from(w).toString("hex")).join("");
  }
  private headerNode(): Node {
    const { phase0 } = this.libs.lodestar.ssz;
    return phase0.BeaconBlockHeader.toView(headerValue(this.header)).node;
  }
  private headerStateRootWitnesses(): Uint8Array[] {
    const { phase0 } = this.libs.lodestar.ssz;
    return this.witnesses(this.headerNode(), phase0.BeaconBlockHeader.getPathInfo(["stateRoot"]).gindex);
  }
  private balancesGindex(): bigint {
    const g = this.stateType.getPropertyGindex("balances");
    if (g === null) throw new Error("no balances field");
    return g;
  }
  private checkIndex(validatorIndex: number): void {
    const n = this.validatorCount;
    if (!Number.isInteger(validatorIndex) || validatorIndex < 0 || validatorIndex >= n) {
      throw new Error(`validator index ${validatorIndex} out of range (state at slot ${this.slot} has ${n})`);
    }
  }

  get validatorCount(): number {
    return this.state.validators.length;
  }

  /**
   * A block from a beacon node: its header and the SSZ bytes of its post-state (`fork`'s BeaconState), checked to
   * commit to each other. `timestamp` is the execution timestamp whose EIP-4788 entry is the header's root.
   */
  static async fromState(
    fork: BeaconFork,
    timestamp: number,
    header: BeaconBlockHeader,
    stateSsz: Uint8Array,
  ): Promise<BeaconBlock> {
    const libs = await loadBeaconLibs();
    const type = libs.lodestar.ssz[fork].BeaconState as unknown as StateType & {
      deserializeToViewDU(b: Uint8Array): StateView;
    };
    const state = type.deserializeToViewDU(stateSsz);
    const stateRoot = toHex(state.hashTreeRoot());
    if (stateRoot !== header.stateRoot.toLowerCase()) {
      throw new Error(`the state's root ${stateRoot} is not the header's state root ${header.stateRoot}`);
    }
    const root = toHex(libs.lodestar.ssz.phase0.BeaconBlockHeader.hashTreeRoot(headerValue(header)));
    return new BeaconBlock(libs, fork, timestamp, header, root, state.node);
  }

  /** The SSZ serialization of this block's post-state (what `/eth/v2/debug/beacon/states/{id}` returns). */
  stateSsz(): Uint8Array {
    return (this.state as unknown as { serialize(): Uint8Array }).serialize();
  }

  /** The index of the validator with this pubkey in this block's state, if any (a linear scan). */
  indexOf(pubkey: Hex): number | undefined {
    const want = fromHex(pubkey);
    const validators = this.state.validators;
    const n = validators.length;
    for (let i = 0; i < n; i++) if (Buffer.from(validators.get(i).pubkey).equals(want)) return i;
    return undefined;
  }

  /** The validator as stored in this block's state. */
  validator(validatorIndex: number): ValidatorRecord {
    this.checkIndex(validatorIndex);
    return readValidator(this.state.validators.get(validatorIndex));
  }
  /** The validator's balance (gwei) in this block's state. */
  balanceGwei(validatorIndex: number): number {
    this.checkIndex(validatorIndex);
    return this.state.balances.get(validatorIndex);
  }

  /** StateRootProof: the state root against the block root (3 siblings, index 3). */
  stateRootProof(): StateRootProof {
    return { beaconStateRoot: this.stateRoot, proof: this.concat(this.headerStateRootWitnesses()) };
  }

  /** The 8 validator field chunks (bytes32[8]) as the pod takes them: the leaves of hash_tree_root(Validator). */
  validatorFields(validatorIndex: number): Hex[] {
    this.checkIndex(validatorIndex);
    const { tree } = this.libs;
    const node = new tree.Tree(this.stateNode).getNode(
      this.stateType.getPathInfo(["validators", validatorIndex]).gindex,
    );
    return tree.getNodesAtDepth(node, 3, 0, 8).map((n) => toHex(n.root));
  }

  /** ValidatorProof: fields and the 47 (Electra) / 46 (Deneb) siblings from the validator up to the state root. */
  validatorProof(validatorIndex: number): ValidatorProof {
    this.checkIndex(validatorIndex);
    const gindex = this.stateType.getPathInfo(["validators", validatorIndex]).gindex;
    return {
      validatorFields: this.validatorFields(validatorIndex),
      proof: this.concat(this.witnesses(this.stateNode, gindex)),
    };
  }

  /** BalanceContainerProof: hash_tree_root(balances) against the block root (9 Electra / 8 Deneb siblings). */
  balanceContainerProof(): BalanceContainerProof {
    const g = this.balancesGindex();
    const root = new this.libs.tree.Tree(this.stateNode).getRoot(g);
    return {
      balanceContainerRoot: toHex(root),
      proof: this.concat([...this.witnesses(this.stateNode, g), ...this.headerStateRootWitnesses()]),
    };
  }

  /** BalanceProof: the 32-byte chunk holding the validator's balance (4 per chunk) against the balances root. */
  balanceProof(validatorIndex: number): BalanceProof {
    this.checkIndex(validatorIndex);
    const { tree } = this.libs;
    const balancesNode = new tree.Tree(this.stateNode).getNode(this.balancesGindex());
    // balances: List[uint64, 2^40] = 2^38 chunks of 4 balances, then the length mix-in: depth 39 below its root
    const gindex = tree.toGindex(39, BigInt(validatorIndex >> 2));
    return {
      pubkeyHash: this.validatorFields(validatorIndex)[0],
      balanceRoot: toHex(new tree.Tree(balancesNode).getRoot(gindex)),
      proof: this.concat(this.witnesses(balancesNode, gindex)),
    };
  }

  /** The arguments of `EigenPod.verifyWithdrawalCredentials`, in order. */
  verifyWithdrawalCredentialsArgs(validatorIndices: number[]): [bigint, StateRootProof, bigint[], Hex[], Hex[][]] {
    const proofs = validatorIndices.map((i) => this.validatorProof(i));
    return [
      BigInt(this.timestamp),
      this.stateRootProof(),
      validatorIndices.map(BigInt),
      proofs.map((p) => p.proof),
      proofs.map((p) => p.validatorFields),
    ];
  }

  /** The arguments of `EigenPod.verifyStaleBalance`, in order. */
  verifyStaleBalanceArgs(validatorIndex: number): [bigint, StateRootProof, ValidatorProof] {
    return [BigInt(this.timestamp), this.stateRootProof(), this.validatorProof(validatorIndex)];
  }

  /** The arguments of `EigenPod.verifyCheckpointProofs`, in order (this block's root must be the checkpoint's). */
  verifyCheckpointProofsArgs(validatorIndices: number[]): [BalanceContainerProof, BalanceProof[]] {
    return [this.balanceContainerProof(), validatorIndices.map((i) => this.balanceProof(i))];
  }
}

function headerValue(h: BeaconBlockHeader) {
  return {
    slot: h.slot,
    proposerIndex: h.proposerIndex,
    parentRoot: fromHex(h.parentRoot),
    stateRoot: fromHex(h.stateRoot),
    bodyRoot: fromHex(h.bodyRoot),
  };
}

function readValidator(v: ValidatorView): ValidatorRecord {
  return {
    pubkey: toHex(v.pubkey),
    withdrawalCredentials: toHex(v.withdrawalCredentials),
    effectiveBalanceGwei: v.effectiveBalance,
    slashed: v.slashed,
    activationEligibilityEpoch: epochToBig(v.activationEligibilityEpoch),
    activationEpoch: epochToBig(v.activationEpoch),
    exitEpoch: epochToBig(v.exitEpoch),
    withdrawableEpoch: epochToBig(v.withdrawableEpoch),
  };
}

/**
 * A small beacon chain with real SSZ states (`@lodestar/types`, mainnet preset) for local EigenPod work.
 *
 * Model: one beacon state, advanced slot by slot on a clock (`genesisTime`, 12-s slots, 32-slot epochs); every move
 * (deposit, activation, slash, exit, withdrawals) happens in the block of the current slot. `blockRoot(timestamp)`
 * seals the block an execution block at `timestamp` sees as its parent (slot of `timestamp` minus one), advancing
 * empty slots (and epoch processing: rewards, effective balances, the withdrawal sweep) up to it. A move after a
 * block was sealed goes into the next slot, so sealed blocks never change. Not modelled: fork choice, finality,
 * attestations, committees, the full state transition (pending deposits/churn queues, sync committees, slashings
 * vector, whistleblower rewards, inactivity leak), per-slot sweep limits. Rewards are a flat rate per epoch.
 */
export class BeaconChain {
  readonly fork: BeaconFork;
  readonly genesisTime: number;
  readonly genesisForkVersion: Hex;
  /** Consensus reward per epoch for a 32-ETH effective balance (gwei); may be changed between moves. */
  rewardPerEpochGwei: number;
  readonly seed: string;
  /** See `BeaconChainOptions.autoSkim`. */
  autoSkim: boolean;

  private state: StateView;
  private lastBlock: BeaconBlock | undefined;
  private dirty = true; // the state changed since lastBlock was sealed
  private withdrawalCount = 0;
  private pending: Withdrawal[] = [];
  private readonly blocks: BeaconBlock[] = [];

  private constructor(
    private readonly libs: BeaconLibs,
    opts: BeaconChainOptions,
    state?: StateView,
  ) {
    this.fork = opts.fork ?? "electra";
    this.genesisTime = Number(opts.genesisTime);
    this.genesisForkVersion = opts.genesisForkVersion ?? MAINNET_GENESIS_FORK_VERSION;
    this.rewardPerEpochGwei = opts.rewardPerEpochGwei ?? 14_000;
    this.seed = opts.seed ?? "lrt-vault";
    this.autoSkim = opts.autoSkim ?? false;
    if (state) {
      this.state = state;
      return;
    }
    this.state = this.stateType.defaultViewDU() as StateView;
    const { phase0 } = libs.lodestar.ssz;
    this.state.genesisTime = this.genesisTime;
    const [previousVersion, currentVersion] =
      this.fork === "electra" ? [FORK_VERSIONS.deneb, FORK_VERSIONS.electra] : ["0x03000000", FORK_VERSIONS.deneb];
    this.state.fork = phase0.Fork.toViewDU({
      previousVersion: fromHex(previousVersion),
      currentVersion: fromHex(currentVersion),
      epoch: 0,
    });
    this.state.commit();
  }

  /** A new chain at slot 0 with no validators. */
  static async create(opts: BeaconChainOptions): Promise<BeaconChain> {
    return new BeaconChain(await loadBeaconLibs(), opts);
  }

  private get stateType(): StateType {
    return this.libs.lodestar.ssz[this.fork].BeaconState as unknown as StateType;
  }

  /**
   * An independent copy (same state, same sealed blocks, same pending withdrawals) that can be moved without
   * touching this chain: e.g. to forge a state that differs in one field.
   */
  clone(): BeaconChain {
    this.state.commit();
    const c = new BeaconChain(
      this.libs,
      {
        fork: this.fork,
        genesisTime: this.genesisTime,
        genesisForkVersion: this.genesisForkVersion,
        rewardPerEpochGwei: this.rewardPerEpochGwei,
        seed: this.seed,
        autoSkim: this.autoSkim,
      },
      this.stateType.getViewDU(this.state.node) as StateView,
    );
    c.lastBlock = this.lastBlock;
    c.dirty = this.dirty;
    c.withdrawalCount = this.withdrawalCount;
    c.pending = [...this.pending];
    c.blocks.push(...this.blocks);
    return c;
  }

  // ---- clock ----
  get slot(): number {
    return this.state.slot;
  }
  get epoch(): number {
    return Math.floor(this.state.slot / SLOTS_PER_EPOCH);
  }
  /** The slot an execution block at `timestamp` belongs to. */
  slotAt(timestamp: number | bigint): number {
    const t = Number(timestamp);
    if (t < this.genesisTime) throw new Error(`timestamp ${t} is before beacon genesis ${this.genesisTime}`);
    return Math.floor((t - this.genesisTime) / SECONDS_PER_SLOT);
  }
  timestampAtSlot(slot: number): number {
    return this.genesisTime + slot * SECONDS_PER_SLOT;
  }
  /** The earliest execution timestamp whose parent beacon block can include the current state: set the next Hardhat
   * block to it (or later) before `blockRoot`. */
  nextTimestamp(): number {
    return this.timestampAtSlot(this.state.slot + 1);
  }

  // ---- keys and deposits ----
  /** Deterministic validator key `i` of this chain's seed. */
  key(i: number): ValidatorKey {
    return validatorKey(this.libs, deriveSecretKey(this.seed, i));
  }
  /** A signed deposit (deposit domain of this chain's genesis fork version) with its deposit_data_root. */
  depositData(key: number | Uint8Array, withdrawalCredentials: Hex, amountGwei: number): DepositData {
    const sk = typeof key === "number" ? deriveSecretKey(this.seed, key) : key;
    return signDeposit(this.libs, sk, withdrawalCredentials, amountGwei, this.genesisForkVersion);
  }

  /**
   * Processes a deposit (as the beacon chain processes a deposit request; the pending-deposit queue and churn are
   * skipped): a new pubkey with a valid signature becomes a validator (eligible for activation next epoch if its
   * effective balance reaches 32 ETH), an invalid signature is ignored (returns undefined), a known pubkey is topped
   * up without a signature check. Accepts a key (signs for you) or the DepositData the deposit contract logged.
   */
  deposit(d: { pubkey: Hex; withdrawalCredentials: Hex; amountGwei: number; signature: Hex }): number | undefined;
  deposit(key: number | Uint8Array, withdrawalCredentials: Hex, amountGwei: number): number | undefined;
  deposit(
    a: number | Uint8Array | { pubkey: Hex; withdrawalCredentials: Hex; amountGwei: number; signature: Hex },
    withdrawalCredentials?: Hex,
    amountGwei?: number,
  ): number | undefined {
    const signedHere = typeof a === "number" || a instanceof Uint8Array;
    const d = signedHere ? this.depositData(a, withdrawalCredentials!, amountGwei!) : a;
    if (fromHex(d.pubkey).length !== 48 || fromHex(d.withdrawalCredentials).length !== 32) {
      throw new Error("deposit: pubkey must be 48 bytes and withdrawal credentials 32");
    }
    const existing = this.indexOf(d.pubkey);
    if (existing !== undefined) {
      this.move();
      this.state.balances.set(existing, this.state.balances.get(existing) + d.amountGwei);
      return existing;
    }
    // a signature made here is valid by construction (skips a ~0.1 s pairing check)
    if (!signedHere && !isValidDepositSignature(this.libs, d, this.genesisForkVersion)) return undefined;
    this.move();
    const effective = Math.min(
      d.amountGwei - (d.amountGwei % EFFECTIVE_BALANCE_INCREMENT_GWEI),
      this.maxEffectiveBalance(d.withdrawalCredentials),
    );
    this.state.validators.push(
      this.libs.lodestar.ssz.phase0.Validator.toViewDU({
        pubkey: fromHex(d.pubkey),
        withdrawalCredentials: fromHex(d.withdrawalCredentials),
        effectiveBalance: effective,
        slashed: false,
        activationEligibilityEpoch: effective >= MIN_ACTIVATION_BALANCE_GWEI ? this.epoch + 1 : FAR,
        activationEpoch: FAR,
        exitEpoch: FAR,
        withdrawableEpoch: FAR,
      }),
    );
    this.state.balances.push(d.amountGwei);
    return this.state.validators.length - 1;
  }

  /** The index of the validator with this pubkey, if any. */
  indexOf(pubkey: Hex): number | undefined {
    const want = pubkey.toLowerCase();
    const n = this.state.validators.length;
    for (let i = 0; i < n; i++) if (toHex(this.state.validators.get(i).pubkey) === want) return i;
    return undefined;
  }
  get validatorCount(): number {
    return this.state.validators.length;
  }
  validator(i: number): ValidatorRecord {
    this.check(i);
    return readValidator(this.state.validators.get(i));
  }
  balanceGwei(i: number): number {
    this.check(i);
    return this.state.balances.get(i);
  }

  // ---- state moves ----
  /**
   * Activates validators: activation_epoch = current epoch + 5 (compute_activation_exit_epoch), or `atEpoch` (e.g.
   * the current epoch, to be active at once). The activation queue and churn are not modelled.
   */
  activate(indices: number | number[], opts: { atEpoch?: number } = {}): void {
    for (const i of [indices].flat()) {
      this.check(i);
      const v = this.state.validators.get(i);
      if (v.activationEpoch !== FAR) throw new Error(`validator ${i} is already activated`);
      if (v.effectiveBalance < MIN_ACTIVATION_BALANCE_GWEI) throw new Error(`validator ${i} has less than 32 ETH`);
      this.move();
      const w = this.state.validators.get(i);
      w.activationEpoch = opts.atEpoch ?? this.epoch + 1 + MAX_SEED_LOOKAHEAD;
      if (w.activationEligibilityEpoch > w.activationEpoch) w.activationEligibilityEpoch = w.activationEpoch;
    }
  }

  /**
   * Slashes a validator (slash_validator): exit initiated (exit epoch + 5, withdrawable 256 epochs later), `slashed`
   * set, withdrawable epoch at least 8192 epochs out, balance cut by effective_balance / 4096 or by `penaltyGwei`
   * (e.g. to model the correlation penalty). Returns the penalty applied (gwei).
   */
  slash(i: number, opts: { penaltyGwei?: number } = {}): number {
    this.check(i);
    if (this.state.validators.get(i).slashed) throw new Error(`validator ${i} is already slashed`);
    this.move();
    const v = this.state.validators.get(i);
    if (v.exitEpoch === FAR) this.initiateExit(v);
    v.slashed = true;
    v.withdrawableEpoch = Math.max(v.withdrawableEpoch, this.epoch + EPOCHS_PER_SLASHINGS_VECTOR);
    const penalty = Math.min(
      opts.penaltyGwei ?? Math.floor(v.effectiveBalance / MIN_SLASHING_PENALTY_QUOTIENT_ELECTRA),
      this.state.balances.get(i),
    );
    this.state.balances.set(i, this.state.balances.get(i) - penalty);
    return penalty;
  }

  /**
   * Exits a validator. By default as the spec does (exit epoch = current + 5, withdrawable 256 epochs later; the
   * full withdrawal is paid by the sweep once withdrawable). `immediate` compresses both delays: exit and
   * withdrawable at the current epoch and the full withdrawal paid now (returned).
   */
  exit(i: number, opts: { immediate?: boolean } = {}): Withdrawal[] {
    this.check(i);
    const v0 = this.state.validators.get(i);
    if (v0.activationEpoch === FAR) throw new Error(`validator ${i} was never activated`);
    if (!opts.immediate && v0.exitEpoch !== FAR) throw new Error(`validator ${i} is already exiting`);
    this.move();
    const v = this.state.validators.get(i);
    if (opts.immediate) {
      if (v.exitEpoch === FAR || v.exitEpoch > this.epoch) v.exitEpoch = this.epoch;
      if (v.withdrawableEpoch > this.epoch) v.withdrawableEpoch = this.epoch;
      return this.sweep([i]);
    }
    this.initiateExit(v);
    return [];
  }

  /** Advances `n` epochs (to the first slot of epoch current + n); returns the withdrawals the sweeps paid. */
  advanceEpochs(n: number): Withdrawal[] {
    return this.advanceToSlot((this.epoch + n) * SLOTS_PER_EPOCH);
  }

  /** Advances to `slot`, running epoch processing at every epoch boundary; returns the withdrawals paid. */
  advanceToSlot(slot: number): Withdrawal[] {
    if (slot < this.state.slot) throw new Error(`cannot go back from slot ${this.state.slot} to ${slot}`);
    const before = this.pending.length;
    while (this.state.slot < slot) {
      const nextBoundary = (this.epoch + 1) * SLOTS_PER_EPOCH;
      if (nextBoundary > slot) {
        this.state.slot = slot;
      } else {
        this.processEpoch();
        this.state.slot = nextBoundary;
      }
      this.dirty = true;
    }
    return this.pending.slice(before);
  }

  /**
   * Runs the withdrawal sweep now: full withdrawals of withdrawable validators and partial withdrawals of the
   * balance above the effective-balance cap (32 ETH for 0x01, 2048 ETH for 0x02 under Electra) of validators at the
   * cap. All due validators are paid at once (no 16-per-block limit). Every epoch boundary also runs the sweep, for
   * full withdrawals only unless `autoSkim`.
   */
  skim(): Withdrawal[] {
    this.move();
    return this.sweep();
  }

  /** Withdrawals paid since the last call: the ETH the caller must move to each address (e.g. the pod). */
  takeWithdrawals(): Withdrawal[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }

  /** Sets validator fields directly: a tool to forge states for negative tests, not a consensus move. */
  editValidator(i: number, patch: Partial<ValidatorRecord>, balanceGwei?: number): void {
    this.check(i);
    this.move();
    const v = this.state.validators.get(i);
    if (patch.pubkey !== undefined) v.pubkey = fromHex(patch.pubkey);
    if (patch.withdrawalCredentials !== undefined) v.withdrawalCredentials = fromHex(patch.withdrawalCredentials);
    if (patch.effectiveBalanceGwei !== undefined) v.effectiveBalance = patch.effectiveBalanceGwei;
    if (patch.slashed !== undefined) v.slashed = patch.slashed;
    if (patch.activationEligibilityEpoch !== undefined) {
      v.activationEligibilityEpoch = epochToNum(patch.activationEligibilityEpoch);
    }
    if (patch.activationEpoch !== undefined) v.activationEpoch = epochToNum(patch.activationEpoch);
    if (patch.exitEpoch !== undefined) v.exitEpoch = epochToNum(patch.exitEpoch);
    if (patch.withdrawableEpoch !== undefined) v.withdrawableEpoch = epochToNum(patch.withdrawableEpoch);
    if (balanceGwei !== undefined) this.state.balances.set(i, balanceGwei);
  }

  // ---- blocks ----
  /**
   * Seals the beacon block an execution block at `timestamp` sees as its parent (EIP-4788 stores the parent beacon
   * block root under the execution timestamp): slot = slotAt(timestamp) - 1, empty slots before it advanced. Post
   * `(block.timestamp, block.root)` to the EIP-4788 stand-in, then build proofs from the returned block. Throws if
   * the current state is already past that slot (move the Hardhat clock to `nextTimestamp()` or later).
   */
  blockRoot(timestamp: number | bigint): BeaconBlock {
    const t = Number(timestamp);
    const parentSlot = this.slotAt(t) - 1;
    if (parentSlot < 0) throw new Error(`timestamp ${t} is in slot 0: it has no parent beacon block`);
    const last = this.lastBlock;
    if (last && !this.dirty && last.slot === parentSlot) return this.reseal(last, t);
    if (parentSlot < this.state.slot || (last && parentSlot <= last.slot)) {
      throw new Error(
        `the beacon state is at slot ${this.state.slot}${last ? ` (last block ${last.slot})` : ""}; an execution ` +
          `block at ${t} (slot ${parentSlot + 1}) cannot see it: use a timestamp >= ${this.nextTimestamp()}`,
      );
    }
    this.advanceToSlot(parentSlot);
    this.state.commit();
    const stateRoot = toHex(this.state.hashTreeRoot());
    const slotBytes = new Uint8Array(8);
    new DataView(slotBytes.buffer).setBigUint64(0, BigInt(parentSlot), true);
    const header: BeaconBlockHeader = {
      slot: parentSlot,
      proposerIndex: this.state.validators.length === 0 ? 0 : parentSlot % this.state.validators.length,
      parentRoot: last ? last.root : toHex(new Uint8Array(32)),
      stateRoot,
      // no block body is modelled: a stand-in body root unique per slot
      bodyRoot: toHex(sha256(Buffer.from("lrt-vault beacon body"), slotBytes)),
    };
    const root = toHex(this.libs.lodestar.ssz.phase0.BeaconBlockHeader.hashTreeRoot(headerValue(header)));
    const block = new BeaconBlock(this.libs, this.fork, t, header, root, this.state.node);
    this.lastBlock = block;
    this.dirty = false;
    this.blocks.push(block);
    return block;
  }

  /** Alias of `blockRoot`: the sealed header and its root for `timestamp`. */
  header(timestamp: number | bigint): BeaconBlock {
    return this.blockRoot(timestamp);
  }

  /** Every block sealed so far (oldest first). */
  get sealedBlocks(): readonly BeaconBlock[] {
    return this.blocks;
  }

  // ---- internals ----
  private reseal(b: BeaconBlock, timestamp: number): BeaconBlock {
    if (b.timestamp === timestamp) return b;
    const again = b.at(timestamp);
    this.lastBlock = again;
    this.blocks.push(again);
    return again;
  }

  private check(i: number): void {
    const n = this.state.validators.length;
    if (!Number.isInteger(i) || i < 0 || i >= n) throw new Error(`validator index ${i} out of range (${n})`);
  }

  /** A move of the current block: if that block was already sealed, the move goes into the next slot. */
  private move(): void {
    if (this.lastBlock && !this.dirty && this.lastBlock.slot === this.state.slot) this.advanceToSlot(this.slot + 1);
    this.dirty = true;
  }

  private maxEffectiveBalance(wc: Hex | Uint8Array): number {
    const prefix = typeof wc === "string" ? fromHex(wc)[0] : wc[0];
    return this.fork === "electra" && prefix === 2 ? MAX_EFFECTIVE_BALANCE_ELECTRA_GWEI : MIN_ACTIVATION_BALANCE_GWEI;
  }

  private initiateExit(v: ValidatorView): void {
    v.exitEpoch = this.epoch + 1 + MAX_SEED_LOOKAHEAD;
    v.withdrawableEpoch = v.exitEpoch + MIN_VALIDATOR_WITHDRAWABILITY_DELAY;
  }

  /** process_epoch at the end of the current epoch: rewards, effective balances; then the sweep of the next. */
  private processEpoch(): void {
    const e = this.epoch;
    const n = this.state.validators.length;
    for (let i = 0; i < n; i++) {
      const v = this.state.validators.get(i);
      const bal = this.state.balances.get(i);
      let next = bal;
      if (v.activationEpoch <= e && e < v.exitEpoch && !v.slashed && this.rewardPerEpochGwei > 0) {
        next += Math.floor((this.rewardPerEpochGwei * v.effectiveBalance) / MIN_ACTIVATION_BALANCE_GWEI);
      }
      if (next !== bal) this.state.balances.set(i, next);
      if (next + HYSTERESIS_DOWNWARD_GWEI < v.effectiveBalance || v.effectiveBalance + HYSTERESIS_UPWARD_GWEI < next) {
        v.effectiveBalance = Math.min(
          next - (next % EFFECTIVE_BALANCE_INCREMENT_GWEI),
          this.maxEffectiveBalance(v.withdrawalCredentials),
        );
      }
    }
    this.state.slot = (e + 1) * SLOTS_PER_EPOCH;
    this.sweep(undefined, this.autoSkim);
  }

  private sweep(only?: number[], partials = true): Withdrawal[] {
    const e = this.epoch;
    const out: Withdrawal[] = [];
    const indices = only ?? [...Array(this.state.validators.length).keys()];
    for (const i of indices) {
      const v = this.state.validators.get(i);
      const prefix = v.withdrawalCredentials[0];
      if (prefix !== 1 && prefix !== 2) continue; // 0x00 BLS credentials: no execution address
      const bal = this.state.balances.get(i);
      const cap = this.maxEffectiveBalance(v.withdrawalCredentials);
      let amount = 0;
      let kind: Withdrawal["kind"] = "full";
      if (v.withdrawableEpoch <= e && bal > 0) amount = bal;
      else if (partials && v.effectiveBalance === cap && bal > cap) [amount, kind] = [bal - cap, "partial"];
      if (amount === 0) continue;
      this.state.balances.set(i, bal - amount);
      const w: Withdrawal = {
        index: this.withdrawalCount++,
        validatorIndex: i,
        address: toHex(v.withdrawalCredentials.subarray(12)),
        amountGwei: amount,
        amountWei: BigInt(amount) * GWEI,
        kind,
        slot: this.state.slot,
      };
      out.push(w);
      this.pending.push(w);
    }
    return out;
  }
}
