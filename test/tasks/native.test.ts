/**
 * The native restaking tasks against a real local node (./localNode.ts): lrt:enable-native turns it on, the node
 * operator registers keys (a deposit-cli file and local keys), the keeper stakes them (BLS- and front-run-checked),
 * the proof submitter verifies their credentials through a beacon node API (a local HTTP server serving the
 * journaled beacon chain's header and state SSZ), a checkpoint brings the rewards in, and an EIP-7002 exit comes
 * back through EigenLayer's queue into the buffer. Every number is checked against the contracts and the beacon
 * chain replayed from the journal; every refusal is one line.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type http from "node:http";
import { expect } from "chai";
import { formatEther, parseEther, type JsonRpcSigner } from "ethers";
import {
  AccessManager__factory,
  DelegationManager__factory,
  DepositContract__factory,
  EigenPod__factory,
  LRTVault__factory,
  OperatorDelegator__factory,
  RestakingManager__factory,
  ValidatorKeyRegistry__factory,
  WETHMock__factory,
  WithdrawalQueue__factory,
  WithdrawalRequestPredeploy__factory,
  type DepositContract,
  type EigenPod,
  type LRTVault,
  type RestakingManager,
  type ValidatorKeyRegistry,
} from "../../typechain-types";
import { ROLES } from "../../deploy/modules/roles";
import { ETH } from "../../scripts/lib/constants";
import { BEACON_CHAIN_ETH_STRATEGY, SYSTEM_ADDRESSES } from "../../scripts/lib/eigenlayer";
import {
  BeaconChain,
  depositDataRoot,
  loadBeaconLibs,
  pubkeyHash,
  podWithdrawalCredentials,
  type Hex,
} from "../../scripts/lib/beacon";
import { LocalBeacon, serveBeaconApi } from "../../scripts/lib/beaconSource";
import { address, all, expectRefusal, expectSuccess, sharedLocalNode, type LocalNode } from "./localNode";

const GWEI = 10n ** 9n;
const VALIDATOR = parseEther("32");
const WITHDRAWAL_DELAY = 50;

/** A deposit-cli `deposit_data-*.json` entry (hex without 0x, as the CLI writes it). */
function depositCliEntry(d: { pubkey: Hex; withdrawalCredentials: Hex; signature: Hex; depositDataRoot: Hex }) {
  const bare = (h: string) => h.replace(/^0x/, "");
  return {
    pubkey: bare(d.pubkey),
    withdrawal_credentials: bare(d.withdrawalCredentials),
    amount: 32000000000,
    signature: bare(d.signature),
    deposit_data_root: bare(d.depositDataRoot),
    fork_version: "00000000",
    network_name: "mainnet",
  };
}

describe("native restaking tasks against a local node", function () {
  this.timeout(600_000);
  let node: LocalNode;
  let snapshot: string;
  let admin: JsonRpcSigner;
  let vault: LRTVault;
  let manager: RestakingManager;
  let registry: ValidatorKeyRegistry;
  let depositContract: DepositContract;
  let pod: EigenPod;
  let podAddress: string;
  let delegator: string;
  let dir: string;
  let signer: BeaconChain;
  let files: string;
  const staked: Hex[] = [];

  const buffer = async () => (await vault.assetInfo(ETH)).bufferUnits;
  const shares = async () => {
    const dm = DelegationManager__factory.connect(address(node, "LocalEigenLayer#DelegationManager"), admin);
    const [[s]] = await dm.getWithdrawableShares(delegator, [BEACON_CHAIN_ETH_STRATEGY]);
    return s;
  };
  const journal = () => LocalBeacon.open(path.join(dir, "beacon.json"));

  before(async function () {
    node = await sharedLocalNode();
    snapshot = await node.snapshot();
    admin = await node.provider.getSigner(0);
    dir = node.env.LRT_DEPLOYMENT;
    vault = LRTVault__factory.connect(address(node, "LocalSuite#LRTVault"), admin);
    manager = RestakingManager__factory.connect(address(node, "LocalSuite#RestakingManager"), admin);
    depositContract = DepositContract__factory.connect(SYSTEM_ADDRESSES.depositContract, admin);
    signer = await BeaconChain.create({ genesisTime: 0 });
    files = fs.mkdtempSync(path.join(os.tmpdir(), "lrt-native-keys-"));
  });

  after(async () => {
    if (snapshot) await node.revert(snapshot);
    for (const f of ["native.json", "beacon.json"]) fs.rmSync(path.join(dir, f), { force: true });
    fs.rmSync(files, { recursive: true, force: true });
  });

  it("refuses every native task before native restaking is enabled (no key registry)", async () => {
    const results = await all([
      () => node.task(["lrt:stake", "--delegator", "0", "--count", "1"]),
      () => node.task(["lrt:beacon", "--advance-epochs", "1"]),
    ]);
    for (const r of results) expectRefusal(r, /no key registry for this deployment: .*native\.json does not exist/);
  });

  it("lrt:enable-native places the pods, enables native restaking, adds a delegator, records native.json", async () => {
    const out = expectSuccess(await node.task(["lrt:enable-native", "--deposit-eth", "100"]));
    expect(out).to.match(/key registry 0x[0-9a-fA-F]{40}; manager upgraded/);
    const record = JSON.parse(fs.readFileSync(path.join(dir, "native.json"), "utf8")) as { keyRegistry: string };
    registry = ValidatorKeyRegistry__factory.connect(record.keyRegistry, admin);
    [delegator] = await manager.delegators();
    podAddress = await OperatorDelegator__factory.connect(delegator, admin).pod();
    pod = EigenPod__factory.connect(podAddress, admin);
    expect(await registry.nodeOperatorOf(delegator)).to.equal(await admin.getAddress());
    expect(await manager.strategyOf(ETH)).to.equal(BEACON_CHAIN_ETH_STRATEGY);
    expect(await buffer()).to.equal(parseEther("101")); // the 1-ETH seed and the deposit
    expect(fs.existsSync(path.join(dir, "beacon.json"))).to.equal(true);
    expectRefusal(await node.task(["lrt:enable-native"]), /native restaking is already enabled on this deployment/);
  });

  it("lrt:register-keys refuses a forged, a foreign and a missing key file, no source flag, and a non-operator", async () => {
    const credentials = podWithdrawalCredentials(podAddress);
    const good = signer.depositData(2000, credentials, 32e9);
    const other = signer.depositData(2001, credentials, 32e9);
    // forged: key 2000 with key 2001's signature (and the root of that data, so only the BLS check can tell)
    const forgedData = signer.depositData(2000, credentials, 32e9);
    const libs = await loadBeaconLibs();
    const forged = {
      ...forgedData,
      signature: other.signature,
      depositDataRoot: depositDataRoot(libs, good.pubkey, credentials, 32e9, other.signature),
    };
    const foreign = signer.depositData(2002, podWithdrawalCredentials("0x" + "22".repeat(20)), 32e9);
    fs.writeFileSync(path.join(files, "forged.json"), JSON.stringify([depositCliEntry(forged)]));
    fs.writeFileSync(path.join(files, "foreign.json"), JSON.stringify([depositCliEntry(foreign)]));
    const results = await all([
      () => node.task(["lrt:register-keys", "--delegator", "0", "--file", path.join(files, "forged.json")]),
      () => node.task(["lrt:register-keys", "--delegator", "0", "--file", path.join(files, "foreign.json")]),
      () => node.task(["lrt:register-keys", "--delegator", "0", "--file", path.join(files, "none.json")]),
      () => node.task(["lrt:register-keys", "--delegator", "0"]),
    ]);
    expectRefusal(results[0], /entry 0 \(0x[0-9a-f]{12}…\): the BLS signature does not verify/);
    expectRefusal(results[1], /withdrawal credentials 0x010000000000000000000000(22){20} are not the pod's/);
    expectRefusal(results[2], /no key file at .*none\.json/);
    expectRefusal(results[3], /pass exactly one of --file and --local/);

    const stranger = await (await node.provider.getSigner(7)).getAddress();
    await (await registry.setNodeOperator(delegator, stranger)).wait();
    try {
      expectRefusal(
        await node.task(["lrt:register-keys", "--delegator", "0", "--local", "1"]),
        new RegExp(`${await admin.getAddress()} is not the node operator of ${delegator} \\(it is ${stranger}\\)`),
      );
    } finally {
      await (await registry.setNodeOperator(delegator, admin)).wait();
    }
    expect([...(await registry.keyCounts(delegator))]).to.deep.equal([0n, 0n]);
  });

  it("registers two local keys and a deposit-cli file; lrt:stake refuses a front-run key, no role, too many keys", async () => {
    const credentials = podWithdrawalCredentials(podAddress);
    expectRefusal(
      await node.task(["lrt:stake", "--delegator", "0", "--count", "1"]),
      new RegExp(`${delegator} has no queued key`),
    );
    const local = expectSuccess(await node.task(["lrt:register-keys", "--delegator", "0", "--local", "2"]));
    expect(local).to.contain("registered 2 key(s)");
    const file = signer.depositData(1000, credentials, 32e9);
    fs.writeFileSync(path.join(files, "deposit_data.json"), JSON.stringify([depositCliEntry(file)]));
    const fromFile = expectSuccess(
      await node.task(["lrt:register-keys", "--delegator", "0", "--file", path.join(files, "deposit_data.json")]),
    );
    expect(fromFile).to.contain(file.pubkey);
    expect([...(await registry.keyCounts(delegator))]).to.deep.equal([0n, 3n]);

    // Someone deposits 1 ETH for the file's key with credentials of its own: that key must never be staked.
    const front = signer.depositData(1000, podWithdrawalCredentials("0x" + "33".repeat(20)), 1e9);
    await (
      await depositContract.deposit(front.pubkey, front.withdrawalCredentials, front.signature, front.depositDataRoot, {
        value: parseEther("1"),
      })
    ).wait();
    const access = AccessManager__factory.connect(address(node, "LocalSuite#AccessManager"), admin);
    const results = await all([
      () => node.task(["lrt:stake", "--delegator", "0", "--count", "3"]),
      () => node.task(["lrt:stake", "--delegator", "0", "--count", "4"]),
    ]);
    expectRefusal(results[0], /key 0x[0-9a-f]{12}… already has a deposit .* a front-run\? refusing to stake it/);
    expectRefusal(results[1], /has only 3 queued key\(s\), not 4/);
    await (await access.revokeRole(ROLES.KEEPER, admin)).wait();
    try {
      expectRefusal(
        await node.task(["lrt:stake", "--delegator", "0", "--count", "1"]),
        /may not call stakeValidators: it lacks the KEEPER role/,
      );
    } finally {
      await (await access.grantRole(ROLES.KEEPER, admin, 0)).wait();
    }
    // The node operator drops the front-run key (the last one).
    await (await registry.removeKeys(delegator, [pubkeyHash(file.pubkey)])).wait();
  });

  it("lrt:stake stakes the two keys: 64 ETH from the buffer to the deposit contract, pending until verified", async () => {
    const before = await buffer();
    const deposited = await node.provider.getBalance(depositContract);
    const out = expectSuccess(await node.task(["lrt:stake", "--delegator", "0", "--count", "2"]));
    staked.push(...[...out.matchAll(/^staked (0x[0-9a-f]{96}) \(32 ETH to pod/gm)].map((m) => m[1]));
    expect(staked).to.have.length(2);
    expect(await buffer()).to.equal(before - 2n * VALIDATOR);
    expect((await node.provider.getBalance(depositContract)) - deposited).to.equal(2n * VALIDATOR);
    expect(await manager.pendingStake()).to.equal(2n * VALIDATOR);
    expect([...(await manager.unverifiedValidators(delegator))]).to.deep.equal(staked.map((p) => pubkeyHash(p)));
    expect(out).to.contain("pending stake 64.0 ETH; 2 unverified validator(s)");
  });

  it("lrt:verify-credentials refuses without a proof source and with an unreachable beacon API", async () => {
    const journalPath = path.join(dir, "beacon.json");
    fs.renameSync(journalPath, `${journalPath}.away`);
    try {
      expectRefusal(
        await node.task(["lrt:verify-credentials", "--delegator", "0"]),
        /no proof source: pass --beacon-api <url> or set BEACON_API_URL/,
      );
    } finally {
      fs.renameSync(`${journalPath}.away`, journalPath);
    }
    // the local chain seals and posts a root first, so the API path finds one
    expectSuccess(await node.task(["lrt:beacon", "--seal"]));
    expectRefusal(
      await node.task(["lrt:verify-credentials", "--delegator", "0", "--beacon-api", "http://127.0.0.1:9"]),
      /no proof from the beacon node at http:\/\/127\.0\.0\.1:9: .*did not answer \/eth\/v1\/beacon\/headers\/0x/,
    );
  });

  it("lrt:verify-credentials proves both validators from a beacon node API serving the local chain's SSZ state", async () => {
    const served = await journal();
    let server: http.Server | undefined;
    try {
      const api = await serveBeaconApi(served.chain);
      server = api.server;
      const before = await buffer();
      const out = expectSuccess(
        await node.task(["lrt:verify-credentials", "--delegator", "0", "--beacon-api", api.url]),
      );
      expect(out).to.match(/verifyWithdrawalCredentials of validator\(s\) 1, 2 at slot \d+/);
      expect(await shares()).to.equal(2n * VALIDATOR);
      expect(await manager.pendingStake()).to.equal(0n);
      expect([...(await manager.unverifiedValidators(delegator))]).to.deep.equal([]);
      expect(await buffer()).to.equal(before);
      for (const p of staked) expect((await pod.validatorPubkeyHashToInfo(pubkeyHash(p))).status).to.equal(1n);
    } finally {
      server?.close();
    }
  });

  it("lrt:checkpoint after 10 epochs credits exactly the validators' balance gain", async () => {
    expectSuccess(await node.task(["lrt:beacon", "--advance-epochs", "10"]));
    const out = expectSuccess(await node.task(["lrt:checkpoint", "--delegator", "0"]));
    expect(out).to.contain("checkpoint complete");
    const chain = (await journal()).chain;
    const balances = [1, 2].map((i) => BigInt(chain.balanceGwei(i)));
    expect(balances[0]).to.be.greaterThan(32_000_000_000n);
    expect(await shares()).to.equal((balances[0] + balances[1]) * GWEI);
  });

  it("lrt:exit-validator refuses a stranger's key, exits one; its ETH comes back through the queue into the buffer", async () => {
    expectRefusal(
      await node.task(["lrt:exit-validator", "--delegator", "0", "--pubkey", "0x" + "ab".repeat(48)]),
      /0xabababababab… is not an active \(credential-verified\) validator/,
    );
    const requests = WithdrawalRequestPredeploy__factory.connect(SYSTEM_ADDRESSES.withdrawalRequests, admin);
    const before = await requests.requestCount();
    const out = expectSuccess(await node.task(["lrt:exit-validator", "--delegator", "0", "--pubkey", staked[0]]));
    expect(await requests.requestCount()).to.equal(before + 1n);
    const m = /lrt:beacon --advance-epochs (\d+) pays it/.exec(out);
    expect(m, out).to.not.equal(null);
    expect(out).to.contain("lrt:queue-withdrawals --delegator 0 --asset ETH");

    expectSuccess(await node.task(["lrt:beacon", "--advance-epochs", m![1]]));
    const chain = (await journal()).chain;
    expect(chain.balanceGwei(1)).to.equal(0);
    const podBalance = await node.provider.getBalance(podAddress);
    expect(podBalance).to.be.greaterThan(VALIDATOR);
    expectSuccess(await node.task(["lrt:checkpoint", "--delegator", "0"]));
    const credited = podBalance + BigInt(chain.balanceGwei(2)) * GWEI;
    expect(await shares()).to.equal(credited);

    const buffered = await buffer();
    expectSuccess(
      await node.task(["lrt:queue-withdrawals", "--delegator", "0", "--asset", "ETH", "--shares", String(VALIDATOR)]),
    );
    await node.mine(WITHDRAWAL_DELAY + 1);
    expect(expectSuccess(await node.task(["lrt:complete-withdrawals"]))).to.contain("completed 1 withdrawal(s)");
    expect(await buffer()).to.equal(buffered + VALIDATOR);
    expect(await shares()).to.equal(credited - VALIDATOR);
    expect(await node.provider.getBalance(podAddress)).to.equal(podBalance - VALIDATOR);
  });
  it("lrt:keeper --stake-above stakes what is above the target in validators, unwrapping only WETH's shortfall", async () => {
    const weth = WETHMock__factory.connect(address(node, "LocalEigenLayer#WETHMock"), admin);
    const wethAddress = await weth.getAddress();
    expectSuccess(await node.task(["lrt:register-keys", "--delegator", "0", "--local", "3"]));
    const queued = async () => (await registry.keyCounts(delegator))[1];
    const keysBefore = await queued();
    // The beacon chain's epochs moved the clock past the deposit price's expiry: a sync first.
    expectSuccess(await node.task(["lrt:sync"]));
    // 40 WETH and 50 ETH deposited; the ETH buffer's target leaves exactly 10 ETH of it free to stake.
    await (await weth.deposit({ value: parseEther("40") })).wait();
    await (await weth.approve(vault, parseEther("40"))).wait();
    await (await vault.depositLST(weth, parseEther("40"), await admin.getAddress(), 0, 0)).wait();
    await (await vault.depositETH(await admin.getAddress(), 0, 0, { value: parseEther("50") })).wait();
    const queue = WithdrawalQueue__factory.connect(address(node, "LocalSuite#WithdrawalQueue"), admin);
    const [ethBuffer, ethLiability] = [await buffer(), (await queue.lane(ETH)).liability];
    const wethBuffer = (await vault.assetInfo(wethAddress)).bufferUnits;
    const target = ethBuffer - ethLiability - parseEther("10");
    const pending = await manager.pendingStake();
    const unverified = (await manager.unverifiedValidators(delegator)).length;
    const deposited = await node.provider.getBalance(depositContract);

    // Free: 10 ETH + 40 WETH (nothing promised to WETH requests) = 50 ETH: one validator; ETH gives 10, WETH 22.
    const out = expectSuccess(await node.task(["lrt:keeper", "--once", "--stake-above", formatEther(target)]));
    expect(out).to.match(/unwrap 22\.000000 WETH \| why: ETH buffer/);
    expect(out).to.match(/stake 1 validator\(s\) via 0x/);
    expect((await vault.assetInfo(wethAddress)).bufferUnits).to.equal(wethBuffer - parseEther("22"));
    expect(await buffer()).to.equal(ethBuffer + parseEther("22") - VALIDATOR);
    expect(await manager.pendingStake()).to.equal(pending + VALIDATOR);
    expect((await manager.unverifiedValidators(delegator)).length).to.equal(unverified + 1);
    expect((await node.provider.getBalance(depositContract)) - deposited).to.equal(VALIDATOR);
    expect(await queued()).to.equal(keysBefore - 1n);

    // What is left above the target (0 ETH + 18 WETH) makes no validator: the next tick stakes and unwraps nothing.
    const again = expectSuccess(await node.task(["lrt:keeper", "--once", "--stake-above", formatEther(target)]));
    expect(again).to.not.match(/unwrap|stake \d+ validator/);
    expect(await manager.pendingStake()).to.equal(pending + VALIDATOR);
    expectRefusal(
      await node.task(["lrt:keeper", "--once", "--stake-above", "ten"]),
      /--stake-above must be an amount of ETH such as 64 or 0\.5, not "ten"/,
    );
  });
  it("without native.json, the tasks find a registry a deploy module built (deployed_addresses.json, journal block)", async () => {
    const nativeJson = path.join(dir, "native.json");
    const addressesFile = path.join(dir, "deployed_addresses.json");
    const journalFile = path.join(dir, "journal.jsonl");
    const saved = [nativeJson, addressesFile, journalFile].map((f) => fs.readFileSync(f, "utf8"));
    const record = JSON.parse(saved[0]) as { keyRegistry: string; registryFromBlock: number };
    try {
      // As the native deploy modules record it: the proxy's receipt in the journal, the registry in the addresses.
      fs.rmSync(nativeJson);
      const addresses = JSON.parse(saved[1]) as Record<string, string>;
      addresses["LocalSuite#ValidatorKeyRegistry"] = record.keyRegistry;
      fs.writeFileSync(addressesFile, JSON.stringify(addresses, null, 2));
      const confirm = {
        futureId: "LocalSuite#ValidatorKeyRegistryProxy",
        receipt: { blockNumber: record.registryFromBlock, contractAddress: record.keyRegistry },
        type: "TRANSACTION_CONFIRM",
      };
      fs.appendFileSync(journalFile, (saved[2].endsWith("\n") ? "" : "\n") + JSON.stringify(confirm) + "\n");
      const queuedNow = (await registry.keyCounts(delegator))[1];
      // The refusal comes after the registry was loaded and its queue rebuilt from the journal's block.
      expectRefusal(
        await node.task(["lrt:stake", "--delegator", "0", "--count", String(queuedNow + 1n)]),
        new RegExp(`${delegator} has only ${queuedNow} queued key\\(s\\), not ${queuedNow + 1n}`),
      );
    } finally {
      [nativeJson, addressesFile, journalFile].forEach((f, i) => fs.writeFileSync(f, saved[i]));
    }
  });
});
