/**
 * Native restaking built by the deploy modules (deploy/modules/build.ts `buildRestaking(..., native)`): given an
 * `eigenPodManager`, a module deploys the ValidatorKeyRegistry behind an ERC1967Proxy (the manager proxy and the
 * EigenPodManager as immutables, the suite's AccessManager as authority), the RestakingManager implementation linked
 * to it and sets ETH's strategy to the beacon chain ETH strategy; without one, the deployment is the one before
 * (no key registry, no strategy for ETH). The suite deploys through `RestakingSuite3Native` on the local EigenLayer
 * with the local EigenPods (`deployEigenPods`: the EigenPodManager at a fresh address, given as the parameter).
 */
import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress, parseEther } from "ethers";
import type { IgnitionModule } from "@nomicfoundation/ignition-core";
import { deploySuite } from "../../scripts/lib/suite";
import { BEACON_CHAIN_ETH_STRATEGY } from "../../scripts/lib/eigenlayer";
import { ETH } from "../../scripts/lib/constants";
import { podCredentials } from "../../scripts/lib/native";
import { BeaconChain } from "../../scripts/lib/beacon";
import { podKeys } from "../../scripts/lib/keys";
import { ROLES, ROLE_FUNCTIONS } from "../../deploy/modules/roles";
import { lrtSuite } from "../../deploy/modules/LRTSuite";
import { lrtSuiteTestnet } from "../../deploy/modules/LRTSuiteTestnet";
import { restakingSuite } from "../../deploy/modules/RestakingSuite";
import LocalSuite from "../../deploy/modules/LocalSuite";

const IMPLEMENTATION_SLOT = "0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc";
const selector = (signature: string) => ethers.id(signature).slice(0, 10);

async function implementationOf(proxy: string): Promise<string> {
  const word = await ethers.provider.getStorage(proxy, IMPLEMENTATION_SLOT);
  return ethers.getAddress(`0x${word.slice(26)}`);
}

/** The suite with native restaking built in: one operator (its delegator's target is the whole allocation). */
async function nativeDeployment() {
  return deploySuite({ operators: 1, strategies: 3, eigenPods: true });
}

/** The same suite without `eigenPodManager`. */
async function plainDeployment() {
  return deploySuite({ operators: 1, strategies: 3 });
}

/** Every future id of a module, its submodules' included, without the module id prefix. */
function futureIds(module: IgnitionModule): Set<string> {
  const ids = new Set<string>();
  const visit = (m: IgnitionModule) => {
    for (const f of m.futures) ids.add(f.id.replaceAll(`${module.id}#`, ""));
    for (const s of m.submodules) visit(s);
  };
  visit(module);
  return ids;
}

describe("Deploy modules: native restaking built in with `eigenPodManager`", function () {
  it("deploys the key registry behind a proxy (manager, EigenPodManager, the suite's authority) and links the manager's implementation to it", async function () {
    const s = await loadFixture(nativeDeployment);
    const registry = s.keyRegistry!;
    expect(registry).to.not.equal(undefined);
    const registryAddress = await registry.getAddress();
    const managerAddress = await s.manager.getAddress();
    const eigenPodManager = await s.pods!.eigenPodManager.getAddress();

    // The registry: its immutables, its authority, an initialized proxy in front of the implementation.
    const [manager, epm] = await registry.links();
    expect(manager).to.equal(managerAddress);
    expect(epm).to.equal(eigenPodManager);
    // The one the delegators create their pods with (they ask the DelegationManager).
    expect(await s.el.delegationManager.eigenPodManager()).to.equal(eigenPodManager);
    expect(await registry.authority()).to.equal(await s.accessManager.getAddress());
    const registryImpl = await implementationOf(registryAddress);
    expect(registryImpl).to.not.equal(registryAddress);
    await expect(registry.initialize(await s.accessManager.getAddress())).to.be.revertedWithCustomError(
      registry,
      "InvalidInitialization",
    );

    // The manager runs an implementation built with the registry as its third immutable (an immutable address is
    // a 32-byte word in the runtime code).
    const managerImpl = await implementationOf(managerAddress);
    const code = await ethers.provider.getCode(managerImpl);
    expect(code).to.include(registryAddress.slice(2).toLowerCase().padStart(64, "0"));
  });

  it("sets ETH's strategy to the beacon chain ETH strategy", async function () {
    const s = await loadFixture(nativeDeployment);
    expect(await s.vault.strategyOf(ETH)).to.equal(BEACON_CHAIN_ETH_STRATEGY);
    const [assets, strategies] = await s.vault.strategies();
    const lsts = await Promise.all(s.restakable.map((t) => t.getAddress()));
    // The vault lists restaked assets in its assets' order (ETH first).
    expect(assets).to.deep.equal([ETH, ...lsts]);
    expect(strategies[0]).to.equal(BEACON_CHAIN_ETH_STRATEGY);
    // The suite opened as usual: synced, deposits open, ETH counted by the manager (nothing staked yet).
    const eth = (await s.manager.positions()).find((p) => p.asset === ETH)!;
    expect([eth.withdrawableUnits, eth.queuedUnits]).to.deep.equal([0n, 0n]);
  });

  it("gives the keeper stakeValidators and keeps the other native functions (manager, registry) admin-only", async function () {
    const s = await loadFixture(nativeDeployment);
    const { keeper, admin, stranger } = s.signers;
    const am = s.accessManager;
    const manager = await s.manager.getAddress();
    const registry = await s.keyRegistry!.getAddress();
    const stake = selector("stakeValidators(address,(bytes,bytes,bytes32)[],bytes32)");
    expect(ROLE_FUNCTIONS.keeper.manager).to.include("stakeValidators(address,(bytes,bytes,bytes32)[],bytes32)");
    expect(await am.getTargetFunctionRole(manager, stake)).to.equal(ROLES.KEEPER);
    expect((await am.canCall(keeper.address, manager, stake))[0]).to.equal(true);
    expect((await am.canCall(stranger.address, manager, stake))[0]).to.equal(false);
    for (const [target, signature] of [
      [manager, "setProofSubmitter(address,address)"],
      [manager, "writeOffUnverified(address,bytes32)"],
      [registry, "setNodeOperator(address,address)"],
      [registry, "adminRemoveKeys(address,bytes32[])"],
      [registry, "upgradeToAndCall(address,bytes)"],
    ]) {
      expect(await am.getTargetFunctionRole(target, selector(signature)), signature).to.equal(ROLES.ADMIN);
      expect((await am.canCall(keeper.address, target, selector(signature)))[0], signature).to.equal(false);
      expect((await am.canCall(admin.address, target, selector(signature)))[0], signature).to.equal(true);
    }
  });

  it("stakes a validator end to end: node operator's key in the registry, the keeper stakes it through the delegator's pod", async function () {
    const s = await loadFixture(nativeDeployment);
    const { admin, keeper, alice, bob: nodeOperator } = s.signers;
    const registry = s.keyRegistry!;
    const pods = s.pods!;
    const delegator = s.delegators[0];
    // The admin steps the module leaves: a node operator per delegator, the keeper as its pod's proof submitter.
    await registry.connect(admin).setNodeOperator(delegator, nodeOperator);
    await s.manager.connect(admin).setProofSubmitter(delegator, keeper);
    const pod = await delegator.pod();
    expect(await pods.eigenPodManager.hasPod(delegator)).to.equal(true);
    expect(await registry.credentialsOf(delegator)).to.equal(podCredentials(pod));

    await s.vault.connect(alice).depositETH(alice, 0n, 0n, { value: parseEther("40") });
    await s.accountant.sync();
    const chain = await BeaconChain.create({ genesisTime: (await time.latest()) - 12 * 64 });
    const keys = podKeys(chain, pod as `0x${string}`, [0]);
    await registry.connect(nodeOperator).submitKeys(delegator, keys);
    const root = await pods.depositContract.get_deposit_root();
    const count = await pods.depositContract.get_deposit_count();
    const value = (await s.accountant.valuation()).totalValue;
    const deposited = await ethers.provider.getBalance(pods.depositContract);

    await expect(s.manager.connect(keeper).stakeValidators(delegator, keys, root))
      .to.emit(pods.depositContract, "DepositEvent")
      .withArgs(keys[0].pubkey, podCredentials(pod), "0x0040597307000000", keys[0].signature, count)
      .and.to.emit(s.manager, "ValidatorsStaked");
    expect(await registry.keyCounts(delegator)).to.deep.equal([1n, 0n]);
    expect(await ethers.provider.getBalance(pods.depositContract)).to.equal(deposited + parseEther("32"));
    expect(await s.manager.pendingStake()).to.equal(parseEther("32"));
    expect((await s.accountant.valuation()).totalValue).to.equal(value);
  });
});

describe("Deploy modules: without `eigenPodManager`, the deployment is unchanged", function () {
  it("deploys no key registry: the manager has none (stakeValidators refuses) and ETH has no strategy", async function () {
    const s = await loadFixture(plainDeployment);
    expect(s.keyRegistry).to.equal(undefined);
    expect(await s.vault.strategyOf(ETH)).to.equal(ZeroAddress);
    const [assets] = await s.vault.strategies();
    expect(assets).to.not.include(ETH);
    // A nonempty batch for a known delegator: refused only for the missing registry.
    const key = { pubkey: `0x${"11".repeat(48)}`, signature: `0x${"22".repeat(96)}`, depositDataRoot: ethers.ZeroHash };
    await expect(
      s.manager.connect(s.signers.keeper).stakeValidators(s.delegators[0], [key], ethers.ZeroHash),
    ).to.be.revertedWithCustomError(s.manager, "RestakingManagerZeroInput");
  });

  it("the native variant of each module adds only the registry, its proxy and ETH's strategy; the plain one has none of them", function () {
    const native = new Set([
      "ValidatorKeyRegistryImpl",
      "ValidatorKeyRegistryProxy",
      "ValidatorKeyRegistry",
      "encodeFunctionCall(ValidatorKeyRegistryImpl.initialize)",
      "setStrategy_ETH",
    ]);
    const pairs: [IgnitionModule, IgnitionModule][] = [
      [lrtSuite({ native: false }), lrtSuite({ native: true })],
      [lrtSuiteTestnet({ native: false }), lrtSuiteTestnet({ native: true })],
      [restakingSuite(3), restakingSuite(3, true)],
      [restakingSuite(1), restakingSuite(1, true)],
    ];
    for (const [plain, withNative] of pairs) {
      const a = futureIds(plain);
      const b = futureIds(withNative);
      const added = [...b].filter((id) => !a.has(id));
      expect(new Set(added), withNative.id).to.deep.equal(native);
      expect(
        [...a].filter((id) => !b.has(id)),
        plain.id,
      ).to.deep.equal([]);
      expect(
        [...a].some((id) => id.includes("ValidatorKeyRegistry") || id === "setStrategy_ETH"),
        plain.id,
      ).to.equal(false);
    }
    // The local suite keeps native restaking to `lrt:enable-native` (its stand-ins need hardhat_setCode).
    expect([...futureIds(LocalSuite)].some((id) => id.includes("ValidatorKeyRegistry"))).to.equal(false);
  });
});

describe("Deploy parameters: the public networks' EigenPodManager", function () {
  const addresses = JSON.parse(
    fs.readFileSync(path.join(__dirname, "../../deploy/eigenlayer/addresses.json"), "utf8"),
  ) as Record<string, { Core: Record<string, { proxy: string }> }>;
  for (const [network, module] of [
    ["mainnet", "LRTSuite"],
    ["hoodi", "LRTSuiteTestnet"],
    ["sepolia", "LRTSuiteTestnet"],
  ] as const) {
    it(`${network}: eigenPodManager is EigenLayer's (deploy/eigenlayer/addresses.json), next to its DelegationManager`, function () {
      const file = path.join(__dirname, `../../deploy/parameters/${network}.json`);
      const p = JSON.parse(fs.readFileSync(file, "utf8"))[module] as Record<string, string>;
      expect(p.eigenPodManager).to.equal(addresses[network].Core.EigenPodManager.proxy);
      expect(p.delegationManager).to.equal(addresses[network].Core.DelegationManager.proxy);
    });
  }
});
