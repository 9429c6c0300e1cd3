/**
 * Native restaking operator tasks (docs/native-restaking.md, "Operating native restaking"):
 *   lrt:enable-native       local node only: EigenPods, the key registry, a delegator, node operator, proof submitter
 *   lrt:register-keys       node operator: deposit-cli keys (or local keys) into the key registry
 *   lrt:stake               keeper: the next keys, BLS-checked and front-run-checked, staked at the checked root
 *   lrt:verify-credentials  proof submitter: the delegator's unverified validators proven, then pruned
 *   lrt:checkpoint          proof submitter: a checkpoint of the delegator's pod, every active validator proven
 *   lrt:exit-validator      proof submitter: an EIP-7002 full exit through the pod
 *   lrt:beacon              local node only: moves the local beacon chain (epochs, slash, exit, a sealed root)
 *
 * The native pieces of a deployment live in `native.json` next to its `deployed_addresses.json` (key registry, the
 * block it was deployed in, the deposit contract); the local beacon chain's journal in `beacon.json` beside it.
 * Proofs come from `--beacon-api <url>` / `BEACON_API_URL` (a beacon node with the debug state route) or, on a local
 * node, from that journal (scripts/lib/beaconSource.ts). Refusals follow tasks/lrt.ts: one line `lrt: ...`, exit 1.
 */
import fs from "node:fs";
import path from "node:path";
import { task } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import {
  ZeroAddress,
  formatEther,
  getAddress,
  isHexString,
  parseEther,
  type BaseContract,
  type ContractTransactionResponse,
} from "ethers";
import {
  deploymentDir,
  eth,
  fail,
  failureLine,
  load,
  parseAddress,
  parseUint,
  refusing,
  requireRole,
  resolveDelegator,
  send,
  type Deployment,
} from "./lrt";
import { BeaconApi, LocalBeacon, latestBeaconRoot, BEACON_ROOTS, type ProofSource } from "../scripts/lib/beaconSource";
import {
  MIN_ACTIVATION_BALANCE_GWEI,
  depositDataRoot,
  isValidDepositSignature,
  loadBeaconLibs,
  podWithdrawalCredentials,
  pubkeyHash,
  type Hex,
  type Withdrawal,
} from "../scripts/lib/beacon";
import { nextKeys, podKeys, readKeyQueue, type Key } from "../scripts/lib/keys";
import type { DepositContract, EigenPod, IDelegationManager, ValidatorKeyRegistry } from "../typechain-types";

const LOCAL_CHAIN_ID = 31337;
const BEACON_CHAIN_ETH_STRATEGY = "0xbeaC0eeEeeeeEEeEeEEEEeeEEeEeeeEeeEEBEaC0";
/** The Ethereum system contracts (the local stand-ins are placed at the same addresses). */
const DEPOSIT_CONTRACT: Record<number, string> = {
  1: "0x00000000219ab540356cBB839Cbe05303d7705Fa",
  560048: "0x00000000219ab540356cBB839Cbe05303d7705Fa",
  11155111: "0x7f02C3E3c98b133055B8B348B2Ac625669Ed295D",
  [LOCAL_CHAIN_ID]: "0x00000000219ab540356cBB839Cbe05303d7705Fa",
};
/** GENESIS_FORK_VERSION per chain: the deposit signature's domain. */
const GENESIS_FORK_VERSION: Record<number, Hex> = {
  1: "0x00000000",
  560048: "0x10000910",
  11155111: "0x90000069",
  [LOCAL_CHAIN_ID]: "0x00000000",
};
/** `IEigenPod.VALIDATOR_STATUS`. */
const ACTIVE = 1n;

/** The native pieces of a deployment, as recorded in `native.json`. */
interface NativeRecord {
  keyRegistry: string;
  /** The block the key registry was deployed in: its events are read from there. */
  registryFromBlock: number;
  depositContract?: string;
  /** The first block whose deposit logs the front-run check reads (default: the registry's block). */
  depositsFromBlock?: number;
  eigenPodManager?: string;
}

export interface Native {
  d: Deployment;
  dir: string;
  record: NativeRecord;
  registry: ValidatorKeyRegistry;
  depositContract: DepositContract;
  delegationManager: IDelegationManager;
  eigenPodManager: string;
}

const nativeFile = (dir: string) => path.join(dir, "native.json");
const journalFile = (dir: string) => path.join(dir, "beacon.json");
const rel = (p: string) => path.relative(process.cwd(), p) || p;
const short = (pubkey: string) => `${pubkey.slice(0, 14)}…`;

async function hasCode(hre: HardhatRuntimeEnvironment, a: string): Promise<boolean> {
  return (await hre.ethers.provider.getCode(a)) !== "0x";
}

/**
 * The key registry a deploy module built in (`…#ValidatorKeyRegistry` in the deployment's `deployed_addresses.json`),
 * read from the block its proxy was deployed in (`…#ValidatorKeyRegistryProxy`'s receipt in Ignition's
 * `journal.jsonl`; 0 if the journal does not have it). Undefined when the deployment has no registry.
 */
export function fromIgnition(dir: string): NativeRecord | undefined {
  const addressesFile = path.join(dir, "deployed_addresses.json");
  if (!fs.existsSync(addressesFile)) return undefined;
  const addresses = JSON.parse(fs.readFileSync(addressesFile, "utf8")) as Record<string, string>;
  const id = Object.keys(addresses).find((k) => k.endsWith("#ValidatorKeyRegistry"));
  if (!id) return undefined;
  const proxyId = `${id}Proxy`;
  let registryFromBlock = 0;
  const journal = path.join(dir, "journal.jsonl");
  if (fs.existsSync(journal)) {
    for (const line of fs.readFileSync(journal, "utf8").split("\n")) {
      if (!line.includes(proxyId)) continue;
      let entry: { type?: string; futureId?: string; receipt?: { blockNumber?: number } };
      try {
        entry = JSON.parse(line);
      } catch {
        continue; // not one whole journal entry
      }
      if (entry.type === "TRANSACTION_CONFIRM" && entry.futureId === proxyId && entry.receipt?.blockNumber)
        registryFromBlock = entry.receipt.blockNumber;
    }
  }
  return { keyRegistry: addresses[id], registryFromBlock };
}

/**
 * The deployment with its native pieces (`native.json`, else the registry a deploy module built, `fromIgnition`);
 * refuses when native restaking is not set up on it.
 */
export async function loadNative(hre: HardhatRuntimeEnvironment): Promise<Native> {
  const d = await load(hre);
  const dir = deploymentDir(hre, d.chainId);
  const file = nativeFile(dir);
  let record: NativeRecord;
  if (!fs.existsSync(file)) {
    const built = fromIgnition(dir);
    if (!built)
      return fail(
        `no key registry for this deployment: ${rel(file)} does not exist and the deployment built none (native ` +
          `restaking is not enabled: on a local node run lrt:enable-native; elsewhere record {"keyRegistry", ` +
          `"registryFromBlock"} there).`,
      );
    record = built;
  } else {
    try {
      record = JSON.parse(fs.readFileSync(file, "utf8")) as NativeRecord;
    } catch (err) {
      return fail(`${rel(file)} is not valid JSON: ${failureLine(err)}`);
    }
  }
  if (!record.keyRegistry || !(await hasCode(hre, record.keyRegistry)))
    fail(`${rel(file)} names no key registry with code on ${hre.network.name} (${record.keyRegistry ?? "none"}).`);
  const [, links] = await d.manager.links();
  const delegationManager = (await hre.ethers.getContractAt(
    "IDelegationManager",
    links.delegationManager,
    d.signer,
  )) as unknown as IDelegationManager;
  let eigenPodManager = ZeroAddress;
  try {
    eigenPodManager = await delegationManager.eigenPodManager();
  } catch {
    // an EigenLayer without pods
  }
  if (eigenPodManager === ZeroAddress || !(await hasCode(hre, eigenPodManager)))
    fail(`the DelegationManager ${links.delegationManager} has no EigenPodManager: this EigenLayer has no EigenPods.`);
  const depositAddress = record.depositContract ?? DEPOSIT_CONTRACT[d.chainId];
  if (!depositAddress || !(await hasCode(hre, depositAddress)))
    fail(`no beacon deposit contract known for chain ${d.chainId}: record "depositContract" in ${rel(file)}.`);
  const registry = (await hre.ethers.getContractAt(
    "ValidatorKeyRegistry",
    record.keyRegistry,
    d.signer,
  )) as unknown as ValidatorKeyRegistry;
  const depositContract = (await hre.ethers.getContractAt(
    "DepositContract",
    depositAddress,
    d.signer,
  )) as unknown as DepositContract;
  return { d, dir, record, registry, depositContract, delegationManager, eigenPodManager };
}

async function podOf(hre: HardhatRuntimeEnvironment, n: Native, delegator: string) {
  const od = await hre.ethers.getContractAt("OperatorDelegator", delegator, n.d.signer);
  const address = getAddress(await od.pod());
  const pod = (await hre.ethers.getContractAt("EigenPod", address, n.d.signer)) as unknown as EigenPod;
  return { address, pod, deployed: await hasCode(hre, address) };
}

/** Refuses unless the signer may prove for (and exit validators of) the delegator's pod. */
async function requireProofSubmitter(hre: HardhatRuntimeEnvironment, n: Native, delegator: string) {
  const p = await podOf(hre, n, delegator);
  if (!p.deployed) fail(`${delegator}'s pod ${p.address} does not exist yet: stake a validator first (lrt:stake).`);
  const submitter = await p.pod.proofSubmitter();
  if (submitter.toLowerCase() !== n.d.signerAddress.toLowerCase())
    fail(
      `${n.d.signerAddress} is not the proof submitter of ${delegator}'s pod ${p.address} (it is ${submitter}): ` +
        `an admin sets it with RestakingManager.setProofSubmitter.`,
    );
  return p;
}

/** The proof source: `--beacon-api` / BEACON_API_URL, else the local journal; refuses when there is none. */
async function proofSource(n: Native, beaconApi: string | undefined): Promise<ProofSource> {
  const url = beaconApi ?? process.env.BEACON_API_URL;
  if (url) {
    if (!/^https?:\/\/.+/.test(url)) fail(`--beacon-api must be an http(s) URL, not "${url}".`);
    return new BeaconApi(url);
  }
  const local = await openLocal(n);
  if (local) return local;
  return fail(
    `no proof source: pass --beacon-api <url> or set BEACON_API_URL (a beacon node serving ` +
      `/eth/v2/debug/beacon/states); on a local node run lrt:enable-native first (it starts ${rel(journalFile(n.dir))}).`,
  );
}

async function openLocal(n: Native): Promise<LocalBeacon | undefined> {
  if (n.d.chainId !== LOCAL_CHAIN_ID || !fs.existsSync(journalFile(n.dir))) return undefined;
  try {
    return await LocalBeacon.open(journalFile(n.dir));
  } catch (err) {
    return fail(`${rel(journalFile(n.dir))} does not replay: ${failureLine(err)}`);
  }
}

async function requireLocal(hre: HardhatRuntimeEnvironment, n: Native, what: string): Promise<LocalBeacon> {
  if (n.d.chainId !== LOCAL_CHAIN_ID) fail(`${what} moves the local beacon chain: local nodes only (chain 31337).`);
  return (
    (await openLocal(n)) ??
    fail(`no local beacon chain: ${rel(journalFile(n.dir))} does not exist (run lrt:enable-native first).`)
  );
}

/* --------------------------------------------------------------------------------------------------------------- */
/*                                     THE LOCAL BEACON CHAIN AND THE LOCAL NODE                                    */
/* --------------------------------------------------------------------------------------------------------------- */

/** Credits the beacon chain's withdrawals to their addresses (a local node: `hardhat_setBalance`). */
async function credit(hre: HardhatRuntimeEnvironment, withdrawals: Withdrawal[]) {
  for (const w of withdrawals) {
    const balance = await hre.ethers.provider.getBalance(w.address);
    await hre.network.provider.send("hardhat_setBalance", [w.address, hre.ethers.toQuantity(balance + w.amountWei)]);
    console.log(
      `beacon chain: ${w.kind} withdrawal of validator ${w.validatorIndex}, ${eth(w.amountWei, 9)} ETH to ${w.address}`,
    );
  }
}

/** The local beacon chain sees the deposit contract's new deposits and activates the new validators at once. */
async function seeDeposits(hre: HardhatRuntimeEnvironment, n: Native, local: LocalBeacon): Promise<number[]> {
  const logs = await n.depositContract.queryFilter(
    n.depositContract.filters.DepositEvent(),
    local.journal.depositsFromBlock,
  );
  const fresh = logs.slice(local.journal.depositLogs);
  const created: number[] = [];
  for (const log of fresh) {
    const { pubkey, withdrawal_credentials, amount, signature } = log.args;
    const amountGwei = Number(Buffer.from(amount.slice(2), "hex").readBigUInt64LE());
    const before = local.chain.validatorCount;
    const { result } = local.apply({
      op: "deposit",
      pubkey,
      withdrawalCredentials: withdrawal_credentials,
      amountGwei,
      signature,
    });
    local.journal.depositLogs++;
    local.save();
    if (result === undefined) console.log(`beacon chain: ignored the deposit for ${short(pubkey)} (invalid signature)`);
    else if (local.chain.validatorCount > before) created.push(result as number);
  }
  const eligible = created.filter((i) => local.chain.validator(i).effectiveBalanceGwei >= MIN_ACTIVATION_BALANCE_GWEI);
  if (eligible.length > 0) {
    local.apply({ op: "activate", indices: eligible, atEpoch: local.chain.epoch });
    console.log(`beacon chain: validator(s) ${eligible.join(", ")} deposited and active at epoch ${local.chain.epoch}`);
  }
  return created;
}

/**
 * Seals the block an execution block at a coming timestamp sees, and posts its root to the EIP-4788 stand-in (in a
 * block pinned just before). `mineIt`: mine the block at that timestamp now (a root to prove against); otherwise the
 * next transaction is pinned to it (a checkpoint started in it takes this root).
 */
async function sealAndPost(hre: HardhatRuntimeEnvironment, local: LocalBeacon, mineIt: boolean) {
  const provider = hre.network.provider;
  const latest = (await hre.ethers.provider.getBlock("latest"))!;
  const timestamp = Math.max(local.chain.nextTimestamp(), latest.timestamp + 2);
  local.apply({ op: "seal", timestamp });
  const block = local.chain.sealedBlocks[local.chain.sealedBlocks.length - 1];
  const roots = await hre.ethers.getContractAt("BeaconRoots", BEACON_ROOTS);
  await provider.send("evm_setNextBlockTimestamp", [latest.timestamp + 1]);
  await (await roots.setBeaconRoot(timestamp, block.root)).wait();
  await provider.send("evm_setNextBlockTimestamp", [timestamp]);
  if (mineIt) await provider.send("evm_mine", []);
  console.log(`beacon chain: block of slot ${block.slot} sealed, root ${block.root} posted for timestamp ${timestamp}`);
  return { timestamp, root: block.root };
}

/* --------------------------------------------------------------------------------------------------------------- */
/*                                                   HELPERS                                                        */
/* --------------------------------------------------------------------------------------------------------------- */

function parsePubkey(name: string, value: string): Hex {
  if (!isHexString(value, 48))
    return fail(`--${name} must be a 48-byte BLS public key (0x + 96 hex digits), not "${value}".`);
  return value.toLowerCase();
}

/** pubkey hash → pubkey of every key the registry consumed for the delegator (its staked validators). */
async function stakedKeys(n: Native, delegator: string): Promise<Map<string, Hex>> {
  const q = await readKeyQueue(n.registry, delegator, { fromBlock: n.record.registryFromBlock });
  return new Map(q.used.map((k) => [k.pubkeyHash.toLowerCase(), k.pubkey]));
}

async function beaconShares(n: Native, delegator: string): Promise<bigint> {
  const [[shares]] = await n.delegationManager.getWithdrawableShares(delegator, [BEACON_CHAIN_ETH_STRATEGY]);
  return shares;
}

function genesisForkVersion(chainId: number, given?: string): Hex {
  if (given !== undefined) {
    if (!isHexString(given, 4))
      return fail(`--genesis-fork-version must be 4 bytes (0x + 8 hex digits), not "${given}".`);
    return given.toLowerCase();
  }
  return (
    GENESIS_FORK_VERSION[chainId] ??
    fail(`no genesis fork version known for chain ${chainId}: pass --genesis-fork-version.`)
  );
}

const hex = (v: unknown): string => {
  const s = String(v ?? "").trim();
  return (s.startsWith("0x") ? s : `0x${s}`).toLowerCase();
};

/** Keys of a deposit-cli `deposit_data-*.json`, each checked for the pod: credentials, 32 ETH, root, signature. */
async function keysFromFile(file: string, credentials: Hex, forkVersion: Hex): Promise<Key[]> {
  if (!fs.existsSync(file)) fail(`no key file at ${file}.`);
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    return fail(`${file} is not valid JSON: ${failureLine(err)}`);
  }
  if (!Array.isArray(data) || data.length === 0)
    fail(`${file} is not a deposit-cli deposit data file (a non-empty JSON array of deposits).`);
  const libs = await loadBeaconLibs();
  const keys: Key[] = [];
  (data as Record<string, unknown>[]).forEach((e, i) => {
    const pubkey = hex(e.pubkey);
    const where = `${file} entry ${i}`;
    if (!isHexString(pubkey, 48)) fail(`${where}: pubkey is not 48 bytes.`);
    const signature = hex(e.signature);
    if (!isHexString(signature, 96)) fail(`${where} (${short(pubkey)}): signature is not 96 bytes.`);
    const wc = hex(e.withdrawal_credentials);
    if (wc !== credentials.toLowerCase())
      fail(
        `${where} (${short(pubkey)}): withdrawal credentials ${wc} are not the pod's ${credentials} ` +
          `(make the keys with the pod address as execution withdrawal address).`,
      );
    if (String(e.amount) !== String(MIN_ACTIVATION_BALANCE_GWEI))
      fail(
        `${where} (${short(pubkey)}): amount ${String(e.amount)} gwei, not 32 ETH (${MIN_ACTIVATION_BALANCE_GWEI}).`,
      );
    if (e.fork_version !== undefined && hex(e.fork_version) !== forkVersion)
      fail(`${where} (${short(pubkey)}): fork version ${hex(e.fork_version)} is not this network's ${forkVersion}.`);
    const root = depositDataRoot(libs, pubkey, wc, MIN_ACTIVATION_BALANCE_GWEI, signature);
    if (hex(e.deposit_data_root) !== root)
      fail(
        `${where} (${short(pubkey)}): deposit_data_root ${hex(e.deposit_data_root)} is not the data's root ${root}.`,
      );
    const d = { pubkey, withdrawalCredentials: wc, amountGwei: MIN_ACTIVATION_BALANCE_GWEI, signature };
    if (!isValidDepositSignature(libs, d, forkVersion))
      fail(`${where} (${short(pubkey)}): the BLS signature does not verify for this deposit (forged or altered?).`);
    keys.push({ pubkey, signature, depositDataRoot: root });
  });
  return keys;
}

/* --------------------------------------------------------------------------------------------------------------- */
/*                                                     TASKS                                                        */
/* --------------------------------------------------------------------------------------------------------------- */

task(
  "lrt:enable-native",
  "Local node only: places the EigenPods, enables native restaking (key registry, manager upgrade, ETH's beacon " +
    "strategy), adds a delegator if none, sets its node operator and proof submitter, starts the local beacon chain",
)
  .addOptionalParam("delegator", "delegator address or index (default: #0, created if there is none)")
  .addOptionalParam("nodeOperator", "node operator of the delegator (default: the signer)")
  .addOptionalParam("proofSubmitter", "proof submitter of the delegator's pod (default: the signer)")
  .addOptionalParam("depositEth", "ETH the signer deposits into the vault afterwards (default 0)")
  .setAction(
    refusing(
      async (
        args: { delegator?: string; nodeOperator?: string; proofSubmitter?: string; depositEth?: string },
        hre,
      ) => {
        const d = await load(hre);
        if (d.chainId !== LOCAL_CHAIN_ID)
          fail(
            `lrt:enable-native places stand-ins with hardhat_setCode: local nodes only (chain 31337, not ${d.chainId}).`,
          );
        const dir = deploymentDir(hre, d.chainId);
        const nodeOperator = args.nodeOperator ? parseAddress("node-operator", args.nodeOperator) : d.signerAddress;
        const submitter = args.proofSubmitter ? parseAddress("proof-submitter", args.proofSubmitter) : d.signerAddress;
        const deposit =
          args.depositEth === undefined ? 0n : parseEther(String(parseUint("deposit-eth", args.depositEth)));
        if (fs.existsSync(nativeFile(dir))) {
          const r = JSON.parse(fs.readFileSync(nativeFile(dir), "utf8")) as NativeRecord;
          if (r.keyRegistry && (await hasCode(hre, r.keyRegistry)))
            fail(`native restaking is already enabled on this deployment (key registry ${r.keyRegistry}).`);
        }
        await requireRole(d, d.manager, "upgradeToAndCall", "ADMIN");
        const find = (name: string) => {
          const key = Object.keys(d.addresses).find((k) => k.endsWith(`#${name}`));
          return key ? d.addresses[key] : fail(`the deployment has no ${name}: is it the LocalSuite deployment?`);
        };
        const at = async <T extends BaseContract>(name: string) =>
          (await hre.ethers.getContractAt(name, find(name), d.signer)) as unknown as T;
        const { deployEigenPods } = await import("../scripts/lib/eigenlayer");
        const { enableNativeRestaking } = await import("../scripts/lib/native");
        const el = {
          pauserRegistry: await at<never>("PauserRegistry"),
          strategyManager: await at<never>("StrategyManager"),
          delegationManager: await at<never>("DelegationManager"),
          allocationManager: await at<never>("AllocationManager"),
          admin: d.signer,
        };
        const fromBlock = await hre.ethers.provider.getBlockNumber();
        const pods = await deployEigenPods(el);
        const eigenPodManager = await pods.eigenPodManager.getAddress();
        console.log(`EigenPodManager ${eigenPodManager}; EIP-4788, deposit contract, EIP-7002/7251 stand-ins placed`);
        const registry = await enableNativeRestaking(d as never, d.signer, eigenPodManager);
        const registryAddress = await registry.getAddress();
        console.log(
          `key registry ${registryAddress}; manager upgraded; ETH's strategy is the beacon chain ETH strategy`,
        );

        let delegator: string;
        if ((await d.manager.delegators()).length === 0 && args.delegator === undefined) {
          // A local EigenLayer operator (the node's account #4) for the first delegator.
          const operator = (await hre.ethers.getSigners())[4];
          const dm = await hre.ethers.getContractAt("DelegationManager", find("DelegationManager"), operator);
          if (!(await dm.isOperator(operator.address)))
            await (await dm.registerAsOperator(ZeroAddress, 1, "ipfs://lrt-local-native-operator")).wait();
          await send(`addDelegator(${operator.address}, 10000 bps)`, () =>
            d.manager.addDelegator(operator.address, 10_000),
          );
          delegator = (await d.manager.delegators())[0];
        } else delegator = await resolveDelegator(d, args.delegator ?? "0");
        await send(`setNodeOperator(${delegator}, ${nodeOperator})`, () =>
          registry.connect(d.signer).setNodeOperator(delegator, nodeOperator),
        );
        await send(`setProofSubmitter(${delegator}, ${submitter})`, () =>
          d.manager.setProofSubmitter(delegator, submitter),
        );
        if (deposit > 0n)
          await send(`depositETH ${formatEther(deposit)} ETH`, () =>
            d.vault.depositETH(d.signerAddress, 0n, 0n, { value: deposit }),
          );
        const record: NativeRecord = {
          keyRegistry: registryAddress,
          registryFromBlock: fromBlock,
          depositContract: await pods.depositContract.getAddress(),
          depositsFromBlock: fromBlock,
          eigenPodManager,
        };
        fs.writeFileSync(nativeFile(dir), JSON.stringify(record, null, 2) + "\n");
        const latest = (await hre.ethers.provider.getBlock("latest"))!;
        const local = await LocalBeacon.create(journalFile(dir), latest.timestamp - 12 * 64, fromBlock);
        console.log(
          `recorded ${rel(nativeFile(dir))}; local beacon chain ${rel(local.file)} (genesis ${local.journal.genesisTime})`,
        );
        console.log(
          `delegator ${delegator}, pod ${await (await hre.ethers.getContractAt("OperatorDelegator", delegator)).pod()}`,
        );
      },
    ),
  );

task("lrt:register-keys", "Queues validator keys for a delegator's pod in the key registry (its node operator)")
  .addParam("delegator", "delegator address or index")
  .addOptionalParam("file", "a deposit-cli deposit_data-*.json made with the pod as withdrawal address")
  .addOptionalParam("local", "local node: this many keys of the local beacon chain, signed for the pod")
  .addOptionalParam("genesisForkVersion", "the deposit domain's fork version (default: the chain's)")
  .setAction(
    refusing(async (args: { delegator: string; file?: string; local?: string; genesisForkVersion?: string }, hre) => {
      if ((args.file === undefined) === (args.local === undefined)) fail("pass exactly one of --file and --local.");
      const count = args.local === undefined ? 0 : Number(parseUint("local", args.local, 1n, 100n));
      const n = await loadNative(hre);
      const who = await resolveDelegator(n.d, args.delegator);
      const operator = await n.registry.nodeOperatorOf(who);
      if (operator === ZeroAddress)
        fail(`${who} has no node operator in the key registry: an admin sets one with setNodeOperator.`);
      if (operator.toLowerCase() !== n.d.signerAddress.toLowerCase())
        fail(`${n.d.signerAddress} is not the node operator of ${who} (it is ${operator}).`);
      const { address: pod } = await podOf(hre, n, who);
      const credentials = podWithdrawalCredentials(pod);
      let keys: Key[];
      let local: LocalBeacon | undefined;
      if (args.file !== undefined) {
        keys = await keysFromFile(args.file, credentials, genesisForkVersion(n.d.chainId, args.genesisForkVersion));
      } else {
        local = await requireLocal(hre, n, "--local");
        const first = local.journal.keysIssued;
        keys = podKeys(
          local.chain,
          pod as Hex,
          [...Array(count).keys()].map((i) => first + i),
        );
      }
      for (const k of keys) {
        const [, , status] = await n.registry.keyOf(pubkeyHash(k.pubkey));
        if (status !== 0n) fail(`key ${short(k.pubkey)} is already in the key registry (a key is registered once).`);
      }
      const max = Number(await n.registry.MAX_BATCH());
      for (let i = 0; i < keys.length; i += max) {
        const batch = keys.slice(i, i + max);
        await send(`submitKeys ${batch.length} key(s) for ${who}`, () => n.registry.submitKeys(who, batch));
      }
      if (local) {
        local.journal.keysIssued += keys.length;
        local.save();
      }
      const [used, queued] = await n.registry.keyCounts(who);
      console.log(`registered ${keys.length} key(s) for pod ${pod}: ${used} used, ${queued} queued`);
      for (const k of keys) console.log(`  ${k.pubkey}`);
    }),
  );

/**
 * Checks the next `count` queued keys of delegator `who` and sends `stakeValidators` for them (shared by `lrt:stake`
 * and the keeper's step 6): enough queued keys, each BLS signature valid for the pod's credentials (the deposit
 * contract does not check it and the beacon chain ignores a bad one), no earlier deposit for any of the keys in the
 * deposit contract's logs (the front-run check), then the deposit root read just before sending. Refuses (throws) in
 * one line otherwise.
 */
export async function checkedStakeTx(
  hre: HardhatRuntimeEnvironment,
  n: Native,
  who: string,
  count: number,
  opts: { genesisForkVersion?: string; depositsFromBlock?: string } = {},
): Promise<ContractTransactionResponse> {
  const forkVersion = genesisForkVersion(n.d.chainId, opts.genesisForkVersion);
  const q = await readKeyQueue(n.registry, who, { fromBlock: n.record.registryFromBlock });
  if (q.queued.length < count)
    fail(
      q.queued.length === 0
        ? `${who} has no queued key: its node operator registers keys first (lrt:register-keys).`
        : `${who} has only ${q.queued.length} queued key(s), not ${count}.`,
    );
  const keys = nextKeys(q, count);
  const { address: pod } = await podOf(hre, n, who);
  const credentials = podWithdrawalCredentials(pod);
  const libs = await loadBeaconLibs();
  for (const k of keys) {
    const d = { pubkey: k.pubkey, withdrawalCredentials: credentials, amountGwei: MIN_ACTIVATION_BALANCE_GWEI };
    if (!isValidDepositSignature(libs, { ...d, signature: k.signature }, forkVersion))
      fail(
        `key ${short(k.pubkey)} has a BLS signature that does not verify for pod ${pod} (the beacon chain would ` +
          `ignore the deposit and its 32 ETH): refusing; remove it from the queue (removeKeys).`,
      );
  }
  const from =
    opts.depositsFromBlock !== undefined
      ? Number(parseUint("deposits-from-block", opts.depositsFromBlock))
      : (n.record.depositsFromBlock ?? n.record.registryFromBlock);
  const logs = await n.depositContract.queryFilter(n.depositContract.filters.DepositEvent(), from);
  const wanted = new Set(keys.map((k) => k.pubkey.toLowerCase()));
  for (const log of logs) {
    const pubkey = log.args.pubkey.toLowerCase();
    if (wanted.has(pubkey))
      fail(
        `key ${short(pubkey)} already has a deposit (block ${log.blockNumber}, credentials ` +
          `${log.args.withdrawal_credentials}): a front-run? refusing to stake it.`,
      );
  }
  const root = await n.depositContract.get_deposit_root();
  return n.d.manager.stakeValidators(who, keys, root);
}

/** How many keys the registry still queues for `who`. */
export async function queuedKeyCount(n: Native, who: string): Promise<number> {
  return (await readKeyQueue(n.registry, who, { fromBlock: n.record.registryFromBlock })).queued.length;
}

task("lrt:stake", "Stakes the next queued validators of a delegator, 32 ETH each from the buffer (keeper)")
  .addParam("delegator", "delegator address or index")
  .addParam("count", "how many validators")
  .addOptionalParam("genesisForkVersion", "the deposit domain's fork version (default: the chain's)")
  .addOptionalParam("depositsFromBlock", "first block of the deposit contract's logs the front-run check reads")
  .setAction(
    refusing(
      async (
        args: { delegator: string; count: string; genesisForkVersion?: string; depositsFromBlock?: string },
        hre,
      ) => {
        const count = Number(parseUint("count", args.count, 1n, 100n));
        const n = await loadNative(hre);
        await requireRole(n.d, n.d.manager, "stakeValidators", "KEEPER");
        const who = await resolveDelegator(n.d, args.delegator);
        const { address: pod } = await podOf(hre, n, who);
        const q = await readKeyQueue(n.registry, who, { fromBlock: n.record.registryFromBlock });
        const keys = nextKeys(q, Math.min(count, q.queued.length));
        await send(`stakeValidators ${count} for ${who}`, () => checkedStakeTx(hre, n, who, count, args));
        for (const k of keys) console.log(`staked ${k.pubkey} (32 ETH to pod ${pod})`);
        const unverified = await n.d.manager.unverifiedValidators(who);
        console.log(
          `pending stake ${formatEther(await n.d.manager.pendingStake())} ETH; ${unverified.length} unverified validator(s) of ${who}`,
        );
      },
    ),
  );

task("lrt:verify-credentials", "Proves the withdrawal credentials of a delegator's staked validators (proof submitter)")
  .addParam("delegator", "delegator address or index")
  .addOptionalParam("beaconApi", "beacon node API URL (default: BEACON_API_URL, else the local beacon chain)")
  .setAction(
    refusing(async (args: { delegator: string; beaconApi?: string }, hre) => {
      const n = await loadNative(hre);
      const who = await resolveDelegator(n.d, args.delegator);
      const unverified = await n.d.manager.unverifiedValidators(who);
      if (unverified.length === 0) {
        console.log(`${who} has no unverified validator`);
        return;
      }
      const { pod } = await requireProofSubmitter(hre, n, who);
      const source = await proofSource(n, args.beaconApi);
      let at: { timestamp: number; root: Hex } | undefined;
      if (source instanceof LocalBeacon) {
        await seeDeposits(hre, n, source);
        at = await sealAndPost(hre, source, true);
      } else {
        at = await latestBeaconRoot(hre.ethers.provider);
        if (!at) fail("no EIP-4788 beacon root in the last 64 blocks of this chain.");
      }
      let block;
      try {
        block = await source.block(at!.timestamp, at!.root);
      } catch (err) {
        return fail(`no proof from ${source.description}: ${failureLine(err)}`);
      }
      const pubkeys = await stakedKeys(n, who);
      const ready: number[] = [];
      const waiting: string[] = [];
      for (const h of unverified) {
        const pubkey = pubkeys.get(h.toLowerCase());
        if (!pubkey) fail(`unverified validator ${h} is not among ${who}'s used keys in the key registry's events.`);
        const info = await pod.validatorPubkeyHashToInfo(h);
        if (info.status !== 0n) continue; // verified already: pruned below
        const i = block.indexOf(pubkey!);
        if (i === undefined) waiting.push(`${short(pubkey!)} (not on the beacon chain yet)`);
        else if (block.validator(i).activationEpoch === 2n ** 64n - 1n)
          waiting.push(`${short(pubkey!)} (validator ${i}, not active yet)`);
        else ready.push(i);
      }
      if (ready.length > 0) {
        await send(`verifyWithdrawalCredentials of validator(s) ${ready.join(", ")} at slot ${block.slot}`, () =>
          pod.verifyWithdrawalCredentials(...block.verifyWithdrawalCredentialsArgs(ready)),
        );
      }
      if (waiting.length > 0) console.log(`waiting: ${waiting.join(", ")}`);
      await send(`pruneVerified(${who})`, () => n.d.manager.pruneVerified(who));
      console.log(
        `verified ${ready.length}; ${(await n.d.manager.unverifiedValidators(who)).length} unverified left; pending stake ` +
          `${formatEther(await n.d.manager.pendingStake())} ETH; beacon chain ETH shares ${eth(await beaconShares(n, who), 9)}`,
      );
    }),
  );

task("lrt:checkpoint", "A checkpoint of a delegator's pod: every active validator's balance proven (proof submitter)")
  .addParam("delegator", "delegator address or index")
  .addOptionalParam("beaconApi", "beacon node API URL (default: BEACON_API_URL, else the local beacon chain)")
  .setAction(
    refusing(async (args: { delegator: string; beaconApi?: string }, hre) => {
      const n = await loadNative(hre);
      const who = await resolveDelegator(n.d, args.delegator);
      const { pod } = await requireProofSubmitter(hre, n, who);
      const source = await proofSource(n, args.beaconApi);
      const sharesBefore = await beaconShares(n, who);
      if ((await pod.currentCheckpointTimestamp()) === 0n) {
        if (source instanceof LocalBeacon) {
          await seeDeposits(hre, n, source);
          await sealAndPost(hre, source, false);
        }
        await send(`startCheckpoint of ${who}'s pod`, () => pod.startCheckpoint(false));
      } else console.log("a checkpoint is in progress: proving it");
      const timestamp = Number(await pod.currentCheckpointTimestamp());
      if (timestamp === 0) {
        console.log(
          `checkpoint completed at once (no active validator); beacon chain ETH shares ${eth(await beaconShares(n, who), 9)}`,
        );
        return;
      }
      const cp = await pod.currentCheckpoint();
      let block;
      try {
        block = await source.block(timestamp, cp.beaconBlockRoot);
      } catch (err) {
        return fail(`no proof from ${source.description}: ${failureLine(err)}`);
      }
      const indices: number[] = [];
      for (const h of (await stakedKeys(n, who)).keys()) {
        const info = await pod.validatorPubkeyHashToInfo(h);
        if (info.status === ACTIVE && Number(info.lastCheckpointedAt) < timestamp)
          indices.push(Number(info.validatorIndex));
      }
      for (let i = 0; i < indices.length; i += 50) {
        const batch = indices.slice(i, i + 50);
        await send(`verifyCheckpointProofs of validator(s) ${batch.join(", ")} at slot ${block.slot}`, () =>
          pod.verifyCheckpointProofs(...block.verifyCheckpointProofsArgs(batch)),
        );
      }
      const left = await pod.currentCheckpointTimestamp();
      const after = await beaconShares(n, who);
      const delta = after - sharesBefore;
      console.log(
        `${left === 0n ? "checkpoint complete" : `checkpoint still open (${(await pod.currentCheckpoint()).proofsRemaining} proofs left)`}; ` +
          `beacon chain ETH shares ${eth(after, 9)} (${delta >= 0n ? "+" : "-"}${eth(delta >= 0n ? delta : -delta, 9)})`,
      );
    }),
  );

task("lrt:exit-validator", "Requests a full exit of one of a delegator's validators through its pod (EIP-7002)")
  .addParam("delegator", "delegator address or index")
  .addParam("pubkey", "the validator's BLS public key (0x + 96 hex digits)")
  .setAction(
    refusing(async (args: { delegator: string; pubkey: string }, hre) => {
      const pubkey = parsePubkey("pubkey", args.pubkey);
      const n = await loadNative(hre);
      const who = await resolveDelegator(n.d, args.delegator);
      const { pod, address } = await requireProofSubmitter(hre, n, who);
      const info = await pod.validatorPubkeyHashToInfo(pubkeyHash(pubkey));
      if (info.status !== ACTIVE)
        fail(`${short(pubkey)} is not an active (credential-verified) validator of ${who}'s pod ${address}.`);
      const fee = await pod.getWithdrawalRequestFee();
      await send(`requestWithdrawal (full exit) of ${short(pubkey)}, fee ${fee} wei`, () =>
        pod.requestWithdrawal([{ pubkey, amountGwei: 0n }], { value: fee }),
      );
      const local = await openLocal(n);
      if (local) {
        // The local beacon chain processes the execution-layer request as the consensus layer would.
        const i = local.chain.indexOf(pubkey);
        if (i !== undefined && local.chain.validator(i).exitEpoch === 2n ** 64n - 1n) {
          local.apply({ op: "exit", index: i });
          const v = local.chain.validator(i);
          console.log(
            `beacon chain: validator ${i} exits at epoch ${v.exitEpoch}, withdrawable at ${v.withdrawableEpoch} ` +
              `(now ${local.chain.epoch}: lrt:beacon --advance-epochs ${Number(v.withdrawableEpoch) - local.chain.epoch} pays it to the pod)`,
          );
        }
      }
      console.log(
        `next: once the sweep has paid the validator's balance to the pod, lrt:checkpoint --delegator ${args.delegator}; ` +
          `then lrt:queue-withdrawals --delegator ${args.delegator} --asset ETH --shares <wei> and, after EigenLayer's ` +
          `delay, lrt:complete-withdrawals (the ETH lands in the vault's buffer).`,
      );
    }),
  );

task("lrt:beacon", "Local node only: moves the local beacon chain (one move per call) and prints its validators")
  .addOptionalParam("advanceEpochs", "advance this many epochs (rewards, the withdrawal sweep)")
  .addOptionalParam("slash", "slash the validator with this pubkey")
  .addOptionalParam("penaltyGwei", "with --slash: the penalty (default effective balance / 4096)")
  .addOptionalParam("exit", "exit the validator with this pubkey (spec delays)")
  .addFlag("seal", "seal a block and post its root to the EIP-4788 stand-in (for --beacon-api tests)")
  .addFlag("skim", "pay partial withdrawals (balance above 32 ETH) now")
  .setAction(
    refusing(
      async (
        args: {
          advanceEpochs?: string;
          slash?: string;
          penaltyGwei?: string;
          exit?: string;
          seal: boolean;
          skim: boolean;
        },
        hre,
      ) => {
        const moves = [args.advanceEpochs, args.slash, args.exit].filter((m) => m !== undefined).length;
        if (moves + Number(args.seal) + Number(args.skim) > 1)
          fail("pass one of --advance-epochs, --slash, --exit, --seal, --skim.");
        const n = await loadNative(hre);
        const local = await requireLocal(hre, n, "lrt:beacon");
        await seeDeposits(hre, n, local);
        const index = (pubkey: string) => {
          const i = local.chain.indexOf(parsePubkey(args.slash !== undefined ? "slash" : "exit", pubkey));
          return i ?? fail(`${short(pubkey)} is not a validator of the local beacon chain.`);
        };
        let withdrawals: Withdrawal[] = [];
        try {
          if (args.advanceEpochs !== undefined) {
            const epochs = Number(parseUint("advance-epochs", args.advanceEpochs, 1n, 100_000n));
            withdrawals = local.apply({ op: "advance", epochs }).withdrawals;
          } else if (args.slash !== undefined) {
            const penaltyGwei =
              args.penaltyGwei === undefined ? undefined : Number(parseUint("penalty-gwei", args.penaltyGwei));
            const { result } = local.apply({ op: "slash", index: index(args.slash), penaltyGwei });
            console.log(`beacon chain: slashed, penalty ${result as number} gwei`);
          } else if (args.exit !== undefined) {
            local.apply({ op: "exit", index: index(args.exit) });
          } else if (args.skim) withdrawals = local.apply({ op: "skim" }).withdrawals;
        } catch (err) {
          if ((err as Error).name === "Refusal") throw err;
          return fail(`the beacon chain refused: ${(err as Error).message}`);
        }
        await credit(hre, withdrawals);
        if (args.seal) await sealAndPost(hre, local, true);
        const c = local.chain;
        console.log(`beacon chain at slot ${c.slot} (epoch ${c.epoch}), ${c.validatorCount} validator(s)`);
        for (let i = 0; i < c.validatorCount; i++) {
          const v = c.validator(i);
          const far = 2n ** 64n - 1n;
          const state = v.slashed
            ? "slashed"
            : v.exitEpoch !== far
              ? `exiting (exit ${v.exitEpoch}, withdrawable ${v.withdrawableEpoch})`
              : v.activationEpoch !== far
                ? "active"
                : "pending";
          console.log(`  ${i} ${v.pubkey} ${state} balance ${c.balanceGwei(i)} gwei`);
        }
      },
    ),
  );
