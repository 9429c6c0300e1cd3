/**
 * The Hoodi-shaped run: the testnet Ignition module (`deploy/modules/LRTSuiteTestnet.ts`, native restaking built in,
 * timelock handover at the end) deployed with `deploy/parameters/hoodi.json` unchanged, by the same CLI command as on
 * Hoodi (`npx hardhat ignition deploy ... --parameters deploy/parameters/hoodi.json`, `--network localhost`), to a
 * `npx hardhat node` where our stand-ins sit at the Hoodi addresses of `deploy/eigenlayer/addresses.json`
 * (test/fork/hoodiShaped.ts; chain id 31337 and how chain-specific things are handled: there). Then:
 * - the verification dry run (`lrt:verify-dry-run --as-chain 560048`, scripts/lib/verifyDryRun.ts): what
 *   `ignition verify` would send to Etherscan for each contract is what each creation transaction got;
 * - the operator tasks against it, as child processes (what docs/deploying.md "Deploy to Hoodi" runs on Hoodi):
 *   lrt:status, deposits, lrt:sync, a delegator through the timelock, lrt:restake, withdrawal requests, lrt:finalize
 *   and a claim, lrt:keeper --once queueing an EigenLayer withdrawal for a request the buffer cannot pay,
 *   lrt:complete-withdrawals after Hoodi's 50-block delay, the second request finalized and claimed; native.json
 *   written as the doc says, lrt:register-keys, lrt:stake and lrt:verify-credentials through a delegator's pod.
 */
import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { ethers } from "hardhat";
import { MaxUint256, ZeroAddress, ZeroHash, parseEther, type JsonRpcSigner } from "ethers";
import { expectSuccess, ignitionDeploy, rpc, startNode, type Node, type NodeDeployment } from "../helpers/node";
import {
  HOODI,
  HOODI_CORE,
  HOODI_DELAYS,
  HOODI_EIGEN_POD_MANAGER,
  HOODI_PARAMETERS_FILE,
  HOODI_SHAPED_TOKENS,
  HOODI_STRATEGIES,
  placeHoodiStandIns,
} from "./hoodiShaped";
import { BEACON_CHAIN_ETH_STRATEGY } from "../../scripts/lib/eigenlayer";
import { LocalBeacon } from "../../scripts/lib/beaconSource";
import { ETH } from "../../scripts/lib/constants";
import type {
  AccessManager,
  DelegationManager,
  LRTVault,
  RestakingManager,
  StETHMock,
  TimelockController,
  ValidatorKeyRegistry,
  WETHMock,
  WithdrawalQueue,
} from "../../typechain-types";

const MODULE = "deploy/modules/LRTSuiteTestnet.ts";
const HOODI_CHAIN_ID = 560048;

describe("lrt-vault on a Hoodi-shaped node (LRTSuiteTestnet with deploy/parameters/hoodi.json, then the operator tasks)", function () {
  // Each task is a Hardhat process (several seconds each, more on a loaded machine).
  this.timeout(900_000);
  let node: Node;
  let d: NodeDeployment;
  let admin: JsonRpcSigner;
  let alice: JsonRpcSigner;
  let bob: JsonRpcSigner;
  let operator: JsonRpcSigner;
  let vault: LRTVault;
  let manager: RestakingManager;
  let queue: WithdrawalQueue;
  let timelock: TimelockController;
  let stETH: StETHMock;
  let weth: WETHMock;

  const at = async <T>(name: string, key: string, signer: JsonRpcSigner = admin) =>
    (await ethers.getContractAt(name, d.addresses[`LRTSuiteTestnet#${key}`], signer)) as unknown as T;
  const wait = async (tx: Promise<{ wait(): Promise<unknown> }>) => (await tx).wait();
  const task = async (...args: string[]) => expectSuccess(await d.task(args));
  /** The timelock's delay (hoodi.json: 300 s) passes on the node. */
  const viaTimelock = async (calls: [string, string][]) => {
    const targets = calls.map(([t]) => t);
    const data = calls.map(([, c]) => c);
    const values = calls.map(() => 0n);
    const delay = await timelock.getMinDelay();
    await wait(timelock.scheduleBatch(targets, values, data, ZeroHash, ZeroHash, delay));
    await rpc(node.url, "evm_increaseTime", [Number(delay)]);
    await wait(timelock.executeBatch(targets, values, data, ZeroHash, ZeroHash));
  };

  before(async function () {
    node = await startNode();
    [admin, alice, bob, operator] = await Promise.all([0, 1, 2, 3].map((i) => node.provider.getSigner(i)));
    await placeHoodiStandIns({ provider: node.provider, admin });
    d = await ignitionDeploy(node, MODULE, HOODI_PARAMETERS_FILE, "hoodi-shaped");
    vault = await at<LRTVault>("LRTVault", "LRTVault");
    manager = await at<RestakingManager>("RestakingManager", "RestakingManager");
    queue = await at<WithdrawalQueue>("WithdrawalQueue", "WithdrawalQueue");
    timelock = await at<TimelockController>("TimelockController", "TimelockController");
    stETH = (await ethers.getContractAt("StETHMock", HOODI_SHAPED_TOKENS.stETH, admin)) as unknown as StETHMock;
    weth = (await ethers.getContractAt("WETHMock", HOODI_SHAPED_TOKENS.weth, admin)) as unknown as WETHMock;
  });

  after(async function () {
    await node?.stop();
  });

  it("deploys the testnet module with hoodi.json exactly: EigenLayer's Hoodi addresses, tokens read from the strategies, native restaking, the timelock holding every admin power", async function () {
    // hoodi.json names EigenLayer's Hoodi deployment as vendored in addresses.json.
    expect(HOODI.strategyManager).to.equal(HOODI_CORE.strategyManager);
    expect(HOODI.delegationManager).to.equal(HOODI_CORE.delegationManager);
    expect(HOODI.rewardsCoordinator).to.equal(HOODI_CORE.rewardsCoordinator);
    expect(HOODI.eigenPodManager).to.equal(HOODI_EIGEN_POD_MANAGER);
    expect(HOODI.stETHStrategy).to.equal(HOODI_STRATEGIES.stETH);
    expect(HOODI.wethStrategy).to.equal(HOODI_STRATEGIES.weth);
    // The module read the tokens from the strategies: the vault lists ETH, then stETH and WETH.
    expect(await vault.assets()).to.deep.equal([ETH, HOODI_SHAPED_TOKENS.stETH, HOODI_SHAPED_TOKENS.weth]);
    expect(await vault.strategyOf(HOODI_SHAPED_TOKENS.stETH)).to.equal(HOODI_STRATEGIES.stETH);
    expect(await vault.strategyOf(HOODI_SHAPED_TOKENS.weth)).to.equal(HOODI_STRATEGIES.weth);
    expect(await vault.strategyOf(ETH)).to.equal(BEACON_CHAIN_ETH_STRATEGY);
    const registry = await at<ValidatorKeyRegistry>("ValidatorKeyRegistry", "ValidatorKeyRegistry");
    expect(await registry.links()).to.deep.equal([await manager.getAddress(), HOODI_EIGEN_POD_MANAGER]);
    const [, eigenLayer] = await manager.links();
    expect(eigenLayer.delegationManager).to.equal(HOODI_CORE.delegationManager);
    // hoodi.json's settings, as deployed.
    expect(await timelock.getMinDelay()).to.equal(BigInt(HOODI.timelockDelay));
    const [minShares, maxShares, , maxWait] = await queue.limits();
    expect([minShares, maxShares, maxWait]).to.deep.equal([HOODI.minRequest, HOODI.maxRequest, BigInt(HOODI.maxWait)]);
    expect(await vault.totalSupply()).to.equal(HOODI.seed);
    // The handover: the timelock is the only admin.
    const accessManager = await at<AccessManager>("AccessManager", "AccessManager");
    expect((await accessManager.hasRole(0, await admin.getAddress()))[0]).to.equal(false);
    expect((await accessManager.hasRole(0, await timelock.getAddress()))[0]).to.equal(true);
    // What the deployment costs (docs/deploying.md, "Fund the deployer").
    const sent = fs
      .readFileSync(path.join(d.dir, "journal.jsonl"), "utf8")
      .split("\n")
      .filter((l) => l.includes('"type":"TRANSACTION_CONFIRM"'))
      .map((l) => JSON.parse(l).hash as string);
    let gas = 0n;
    for (const hash of sent) gas += (await node.provider.getTransactionReceipt(hash))!.gasUsed;
    console.log(`      the deployment: ${sent.length} transactions, ${gas} gas`);
    // EigenLayer's Hoodi delay is the one the stand-in enforces.
    const dm = (await ethers.getContractAt(
      "DelegationManager",
      HOODI_CORE.delegationManager,
    )) as unknown as DelegationManager;
    expect(await dm.connect(node.provider).minWithdrawalDelayBlocks()).to.equal(HOODI_DELAYS.minWithdrawalDelayBlocks);
  });

  it("verification dry run: for every deployed contract, what `ignition verify` would send to Etherscan (as Hoodi) is what its creation transaction got", async function () {
    const out = await task("lrt:verify-dry-run", "--deployment", d.dir, "--as-chain", String(HOODI_CHAIN_ID));
    const deployedContracts = fs
      .readFileSync(path.join(d.dir, "journal.jsonl"), "utf8")
      .split("\n")
      .filter((l) => l.includes('"type":"DEPLOYMENT_EXECUTION_STATE_COMPLETE"')).length;
    expect(deployedContracts).to.be.greaterThan(15);
    expect(out).to.include(
      `verify dry run: ${deployedContracts} contract(s) would be sent as deployed, to hoodi (chain ${HOODI_CHAIN_ID}, https://api.etherscan.io/v2/api)`,
    );
    expect(out).to.match(
      /LRTSuiteTestnet#LRTVaultImpl: contracts\/LRTVault\.sol:LRTVault at 0x[0-9a-fA-F]{40}, \d+ bytes of constructor arguments, libraries VaultAssets → https:\/\/hoodi\.etherscan\.io\/address\/0x/,
    );
    expect(out).to.match(/LRTSuiteTestnet#RestakingManagerImpl: .*libraries RestakingPositions/);
  });

  it("runs the operator tasks against it: status, deposits, sync, a delegator through the timelock, restake, requests, finalize and claim, the keeper, EigenLayer's Hoodi withdrawal delay", async function () {
    // A fresh deployment: the seed alone.
    let status = await task("lrt:status");
    expect(status).to.include(`vault ${await vault.getAddress()}`);
    expect(status).to.match(/'stETH'/);
    expect(status).to.match(/'WETH'/);
    expect(status).to.include("no delegator positions");

    // Deposits: stETH (alice), WETH (bob), ETH (bob).
    await wait(stETH.connect(alice).submit(ZeroAddress, { value: parseEther("20") }));
    await wait(stETH.connect(alice).approve(vault, MaxUint256));
    await wait(vault.connect(alice).depositLST(stETH, parseEther("15"), alice, 0, 0));
    await wait(weth.connect(bob).deposit({ value: parseEther("10") }));
    await wait(weth.connect(bob).approve(vault, MaxUint256));
    await wait(vault.connect(bob).depositLST(weth, parseEther("10"), bob, 0, 0));
    await wait(vault.connect(bob).depositETH(bob, 0, 0, { value: parseEther("40") }));
    expect(await task("lrt:sync")).to.match(/^rate 1\.\d{9} → 1\.\d{9} ETH per lrETH/m);

    // An EigenLayer operator; its delegator added by the admin, that is through the timelock (300 s on Hoodi), with
    // the node operator and proof submitter of its pod (the keeper, account #0) for native restaking.
    const dm = await ethers.getContractAt("DelegationManager", HOODI_CORE.delegationManager, operator);
    await wait(dm.registerAsOperator(ZeroAddress, 1, "ipfs://lrt-vault-hoodi-shaped-operator"));
    const managerAddress = await manager.getAddress();
    await viaTimelock([
      [managerAddress, manager.interface.encodeFunctionData("addDelegator", [await operator.getAddress(), 10_000])],
    ]);
    const [delegator] = await manager.delegators();
    expect(await dm.delegatedTo(delegator)).to.equal(await operator.getAddress());

    // The keeper restakes the stETH buffer into Hoodi's stETH strategy; the rate expired during the timelock's delay.
    await task("lrt:sync");
    expect(await task("lrt:restake", "--delegator", "0", "--asset", "stETH", "--units", "all")).to.match(
      /^restake \d+ units of stETH via 0x[0-9a-fA-F]{40}: tx 0x/m,
    );
    status = await task("lrt:status");
    expect(status).to.include(delegator);
    expect(status).to.include(HOODI_STRATEGIES.stETH);

    // Two requests: alice in WETH (paid from the WETH buffer), alice in stETH (all of it restaked: it waits).
    await wait(vault.connect(alice).approve(queue, MaxUint256));
    const request = async (shares: bigint, asset: string) => {
      const receipt = (await (await queue.connect(alice).requestWithdrawal(shares, asset, alice)).wait())!;
      const topic = queue.interface.getEvent("WithdrawalRequested").topicHash;
      const log = receipt.logs.find(
        (l) => l.address === d.addresses["LRTSuiteTestnet#WithdrawalQueue"] && l.topics[0] === topic,
      );
      return queue.interface.parseLog(log!)!.args.requestId as bigint;
    };
    const wethRequest = await request(parseEther("2"), HOODI_SHAPED_TOKENS.weth);
    const stETHRequest = await request(parseEther("5"), HOODI_SHAPED_TOKENS.stETH);
    expect(await task("lrt:finalize")).to.match(/^finalized 1 request\(s\)/m);
    const wethBefore = await weth.balanceOf(alice);
    await wait(queue.connect(alice).claim([wethRequest], alice));
    expect(await weth.balanceOf(alice)).to.be.greaterThan(wethBefore);
    expect((await queue.getRequest(stETHRequest)).status).to.equal(1n); // pending

    // The keeper's tick queues an EigenLayer withdrawal for the stETH lane; after Hoodi's 50 blocks it completes.
    const keeper = await task("lrt:keeper", "--once");
    expect(keeper).to.match(/queue/i);
    const [queued] = await dm.getQueuedWithdrawals(delegator);
    expect(queued.length).to.equal(1);
    expect(await task("lrt:complete-withdrawals")).to.match(/still inside the 50-block delay/);
    await node.mine(HOODI_DELAYS.minWithdrawalDelayBlocks + 1);
    expect(await task("lrt:complete-withdrawals")).to.include("completed 1 withdrawal(s)");
    expect(await task("lrt:finalize")).to.match(/^finalized 1 request\(s\)/m);
    const sharesBefore = await stETH.sharesOf(alice);
    await wait(queue.connect(alice).claim([stETHRequest], alice));
    expect(await stETH.sharesOf(alice)).to.be.greaterThan(sharesBefore);
  });

  it("native restaking as docs/deploying.md sets it up on Hoodi: native.json from the deployment, the node operator and proof submitter through the timelock, keys registered, a validator staked and its credentials proven", async function () {
    // native.json, written as the doc says: the key registry of deployed_addresses.json, the block of its proxy's
    // deployment (from the journal's receipt).
    const registryAddress = d.addresses["LRTSuiteTestnet#ValidatorKeyRegistry"];
    const confirm = fs
      .readFileSync(path.join(d.dir, "journal.jsonl"), "utf8")
      .split("\n")
      .filter((l) => l.includes('"type":"TRANSACTION_CONFIRM"'))
      .map((l) => JSON.parse(l))
      .find((m) => m.futureId === "LRTSuiteTestnet#ValidatorKeyRegistryProxy");
    const registryFromBlock = Number(confirm.receipt.blockNumber);
    fs.writeFileSync(
      path.join(d.dir, "native.json"),
      JSON.stringify({ keyRegistry: registryAddress, registryFromBlock }),
    );
    // The local beacon chain stands in for Hoodi's beacon node (BEACON_API_URL on Hoodi).
    const latest = (await node.provider.getBlock("latest"))!;
    await LocalBeacon.create(path.join(d.dir, "beacon.json"), latest.timestamp - 12 * 64, registryFromBlock);

    const [delegator] = await manager.delegators();
    const registry = await at<ValidatorKeyRegistry>("ValidatorKeyRegistry", "ValidatorKeyRegistry");
    const keeper = await admin.getAddress();
    await viaTimelock([
      [registryAddress, registry.interface.encodeFunctionData("setNodeOperator", [delegator, keeper])],
      [await manager.getAddress(), manager.interface.encodeFunctionData("setProofSubmitter", [delegator, keeper])],
    ]);
    await task("lrt:sync");
    expect(await task("lrt:register-keys", "--delegator", "0", "--local", "1")).to.match(/registered 1 key\(s\)/);
    const staked = await task("lrt:stake", "--delegator", "0", "--count", "1");
    expect(staked).to.match(/^staked 0x[0-9a-f]{96} \(32 ETH to pod 0x/m);
    expect(await task("lrt:verify-credentials", "--delegator", "0")).to.include("verified 1; 0 unverified left");
    const status = await task("lrt:status");
    expect(status).to.match(/'ETH'/);
  });
});
