/**
 * Shared builders for lrt-vault's Ignition modules. Each `build*` adds futures to the module it is given, so the
 * same deployment steps serve a public network (addresses from `deploy/parameters/<network>.json`) and the local
 * chain (addresses from the local EigenLayer module's futures).
 */
import type { CallableContractFuture, ContractFuture, IgnitionModuleBuilder } from "@nomicfoundation/ignition-core";
import { ethers } from "ethers";
import { ROLES, ROLE_FUNCTIONS } from "./roles";

/** An address: a parameter, a deployed contract, or the result of a static call. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Addr = any;

/** The price adapter contract for each kind of asset. */
export const ADAPTERS = {
  stETH: "StETHAdapter",
  wstETH: "WstETHAdapter",
  rETH: "RETHAdapter",
  cbETH: "CbETHAdapter",
  weth: "ParityAdapter",
} as const;
export type AssetKind = keyof typeof ADAPTERS;

/** One supported LST: its kind (which adapter prices it), token address and Chainlink market feed (none: zero). */
export interface AssetInput {
  kind: AssetKind;
  token: Addr;
  feed?: Addr;
}

/** One restakable LST and its EigenLayer strategy. */
export interface StrategyInput {
  kind: AssetKind;
  token: Addr;
  strategy: Addr;
}

export interface EigenLayerInput {
  strategyManager: Addr;
  delegationManager: Addr;
  rewardsCoordinator: Addr;
}

/**
 * Native restaking (EigenPods) built into the restaking side: EigenLayer's EigenPodManager, the one its
 * DelegationManager names (`eigenPodManager()`), which the delegators create their pods with.
 */
export interface NativeInput {
  eigenPodManager: Addr;
}

/** EigenLayer's virtual strategy of native (beacon chain) ETH, ETH's strategy when native restaking is on. */
export const BEACON_CHAIN_ETH_STRATEGY = "0xbeaC0eeEeeeeEEeEeEEEEeeEEeEeeeEeeEEBEaC0";
/** The vault's ETH sentinel (`Constants.sol`). */
const ETH = "0xEeeeeEeeeEeEeeEeEeEeeEEEeeeeEeeeeeeeEEeE";

/** The market feed parameter of each kind (wstETH is priced with the stETH/ETH feed; WETH needs none). */
const FEED_PARAMETER: Record<AssetKind, string | undefined> = {
  stETH: "stETHFeed",
  wstETH: "stETHFeed",
  rETH: "rETHFeed",
  cbETH: "cbETHFeed",
  weth: undefined,
};

/**
 * The five LSTs with their token addresses taken from module parameters named after them, and their Chainlink
 * market feeds from `stETHFeed`, `rETHFeed`, `cbETHFeed` (zero when absent: no market leg).
 */
export function parameterAssets(m: IgnitionModuleBuilder): AssetInput[] {
  return (["stETH", "wstETH", "rETH", "cbETH", "weth"] as const).map((kind) => {
    const feed = FEED_PARAMETER[kind];
    return {
      kind,
      token: m.getParameter<string>(kind),
      feed: feed === undefined ? undefined : m.getParameter<string>(feed, ethers.ZeroAddress),
    };
  });
}

const selectors = (signatures: readonly string[]) => signatures.map((s) => ethers.id(s).slice(0, 10));

/**
 * What `buildCore` deploys besides the core: whether the suite gets a restaking side (a manager proxy); without one,
 * `manager` is the manager link built into the implementations (a stand-in in tests; zero when absent).
 */
export interface CoreOptions {
  restaking: boolean;
  manager?: Addr;
}

/**
 * The core: AccessManager (deployer = admin), the proxies of the vault, accountant, withdrawal queue (and the
 * restaking manager when `restaking`), all created first at `ProxyBootstrap`; then the implementations, built with
 * the proxies' addresses as immutables (`LRTLinks`), and each proxy upgraded to its implementation with its
 * `initialize` call; one price adapter per LST (with its market feed), the lens; every LST listed in the vault with
 * its cap, minimum, adapter and price bounds; the PAUSER role wired, the vault seeded, synced once and opened for
 * deposits. Without `restaking`, the manager link is `options.manager` (zero when absent).
 */
export function buildCore(m: IgnitionModuleBuilder, assets: AssetInput[], options: CoreOptions = { restaking: false }) {
  const deployer = m.getAccount(0);
  const p = {
    treasury: m.getParameter("treasury", deployer),
    pauser: m.getParameter("pauser", deployer),
    feeBps: m.getParameter("feeBps", 1000),
    streamWindow: m.getParameter("streamWindow", 7 * 24 * 3600),
    maxAprBps: m.getParameter("maxAprBps", 1500),
    maxRateAge: m.getParameter("maxRateAge", 24 * 3600),
    cap: m.getParameter("cap", 10n ** 24n),
    minDeposit: m.getParameter("minDeposit", 10n ** 15n),
    /** the most an LST's stored price may rise per day (bps of the previous price) */
    maxRiseBpsPerDay: m.getParameter("maxRiseBpsPerDay", 50),
    /** a fall deeper than this at one sync halts the asset's deposits until an admin clears it */
    maxFallBps: m.getParameter("maxFallBps", 500),
    /** a Chainlink answer older than this is stale (the ETH feeds' 24 h heartbeat plus an hour) */
    maxFeedAge: m.getParameter("maxFeedAge", 25 * 3600),
    minRequest: m.getParameter("minRequest", 10n ** 15n),
    maxRequest: m.getParameter("maxRequest", 10n ** 21n),
    /** a pending request may be re-denominated after this (EigenLayer's 14-day delay plus two keeper days) */
    maxWait: m.getParameter("maxWait", 16 * 24 * 3600),
    seed: m.getParameter("seed", 10n ** 16n),
  };

  const accessManager = m.contract("AccessManager", [deployer]);
  // Every proxy exists before any implementation: the implementations take the proxies' addresses as immutables.
  const bootstrap = m.contract("ProxyBootstrap");
  const bootstrapCall = m.encodeFunctionCall(bootstrap, "bootstrap", []);
  const proxy = (name: string) => m.contract("ERC1967Proxy", [bootstrap, bootstrapCall], { id: `${name}Proxy` });
  const proxies = {
    vault: proxy("LRTVault"),
    accountant: proxy("LRTAccountant"),
    queue: proxy("WithdrawalQueue"),
    manager: options.restaking ? proxy("RestakingManager") : undefined,
  };
  const links = {
    vault: proxies.vault,
    accountant: proxies.accountant,
    queue: proxies.queue,
    manager: proxies.manager ?? options.manager ?? ethers.ZeroAddress,
  };
  // The vault's cold paths live in an external library (DELEGATECALL), linked into its implementation.
  const vaultAssets = m.library("VaultAssets");
  const vaultImpl = m.contract("LRTVault", [links], { id: "LRTVaultImpl", libraries: { VaultAssets: vaultAssets } });
  const accountantImpl = m.contract("LRTAccountant", [links], { id: "LRTAccountantImpl" });
  const queueImpl = m.contract("WithdrawalQueue", [links], { id: "WithdrawalQueueImpl" });

  const vault = upgradeProxy(m, "LRTVault", proxies.vault, vaultImpl, [accessManager, p.cap, p.minDeposit]);
  const accountant = upgradeProxy(m, "LRTAccountant", proxies.accountant, accountantImpl, [
    accessManager,
    {
      treasury: p.treasury,
      feeBps: p.feeBps,
      streamWindow: p.streamWindow,
      maxAprBps: p.maxAprBps,
      maxRateAge: p.maxRateAge,
    },
  ]);
  const queue = upgradeProxy(m, "WithdrawalQueue", proxies.queue, queueImpl, [
    accessManager,
    p.minRequest,
    p.maxRequest,
    p.maxWait,
  ]);

  const adapters: Record<string, ContractFuture<string>> = {};
  // Assets are added one after the other, so `vault.assets()` lists them in the order given (ETH first).
  const added: ReturnType<typeof m.call>[] = [];
  for (const { kind, token, feed } of assets) {
    const args = kind === "weth" ? [token] : [token, feed ?? ethers.ZeroAddress, p.maxFeedAge];
    const adapter = m.contract(ADAPTERS[kind], args, { id: `${kind}Adapter` });
    adapters[kind] = adapter;
    const params = {
      cap: p.cap,
      minDeposit: p.minDeposit,
      lidoShares: kind === "stETH",
      adapter,
      maxRiseBpsPerDay: p.maxRiseBpsPerDay,
      maxFallBps: p.maxFallBps,
    };
    added.push(m.call(vault, "addAsset", [token, params], { id: `addAsset_${kind}`, after: added.slice(-1) }));
  }

  const pauserVault = m.call(
    accessManager,
    "setTargetFunctionRole",
    [vault, selectors(ROLE_FUNCTIONS.pauser.vault), ROLES.PAUSER],
    { id: "pauserVault" },
  );
  const pauserQueue = m.call(
    accessManager,
    "setTargetFunctionRole",
    [queue, selectors(ROLE_FUNCTIONS.pauser.queue), ROLES.PAUSER],
    { id: "pauserQueue" },
  );
  const grantPauser = m.call(accessManager, "grantRole", [ROLES.PAUSER, p.pauser, 0], {
    id: "grantPauser",
    after: [pauserVault, pauserQueue],
  });

  const lens = m.contract("LRTLens", []);

  const seed = m.call(vault, "seed", [], { value: p.seed, after: [...added, accountant, queue] });

  return {
    accessManager,
    bootstrap,
    vault,
    accountant,
    queue,
    lens,
    adapters,
    managerProxy: proxies.manager,
    links,
    seed,
    implementations: { vault: vaultImpl, accountant: accountantImpl, queue: queueImpl },
    /** every admin call, so a handover can wait for all of them */
    adminCalls: [...added, pauserVault, pauserQueue, grantPauser, seed],
  };
}

/**
 * Upgrades a proxy from `ProxyBootstrap` to `impl` with its `initialize(args)` call; returns the proxy as `name`,
 * usable once the upgrade has run.
 */
function upgradeProxy(
  m: IgnitionModuleBuilder,
  name: string,
  proxy: ContractFuture<string>,
  impl: CallableContractFuture<string>,
  args: unknown[],
) {
  const data = m.encodeFunctionCall(impl, "initialize", args as never);
  const bootstrapped = m.contractAt("ProxyBootstrap", proxy, { id: `${name}Bootstrap` });
  const upgrade = m.call(bootstrapped, "upgradeToAndCall", [impl, data], { id: `${name}Upgrade` });
  return m.contractAt(name, proxy, { id: name, after: [upgrade] });
}

/** Syncs once and opens deposits: the last step of a deployment, after every asset and strategy is set. */
export function buildOpening(m: IgnitionModuleBuilder, core: ReturnType<typeof buildCore>, after: unknown[] = []) {
  const firstSync = m.call(core.accountant, "sync", [], { after: [core.seed, ...core.adminCalls, ...after] as never });
  const unpause = m.call(core.vault, "unpauseDeposits", [ethers.ZeroAddress], { after: [firstSync] });
  return [firstSync, unpause];
}

/**
 * The restaking side on top of `buildCore` (built with `restaking: true`): the OperatorDelegator implementation
 * and its UpgradeableBeacon, the RestakingManager implementation behind the manager proxy, the strategy of each
 * restakable LST set in the vault, the KEEPER role. Delegators (one per operator) are added afterwards with
 * `npx hardhat lrt:add-delegator`.
 *
 * With `native` (EigenPods), also native restaking: the ValidatorKeyRegistry implementation (the manager proxy and
 * the EigenPodManager as immutables) behind an ERC1967Proxy initialized with the suite's AccessManager, the manager's
 * implementation linked to that registry, and ETH's strategy set to the beacon chain ETH strategy after the LSTs'.
 * Without it, the manager has no key registry (zero) and ETH no strategy: native restaking can be turned on later by
 * an upgrade (`scripts/lib/native.ts`).
 */
export function buildRestaking(
  m: IgnitionModuleBuilder,
  core: ReturnType<typeof buildCore>,
  el: EigenLayerInput,
  strategies: StrategyInput[],
  native?: NativeInput,
) {
  if (core.managerProxy === undefined) throw new Error("buildRestaking needs buildCore(..., { restaking: true })");
  const deployer = m.getAccount(0);
  const keeper = m.getParameter("keeper", deployer);
  const rewardsRecipient = m.getParameter("rewardsRecipient", deployer);
  const eigenLayer = {
    strategyManager: el.strategyManager,
    delegationManager: el.delegationManager,
    rewardsCoordinator: el.rewardsCoordinator,
  };
  const delegatorImpl = m.contract(
    "OperatorDelegator",
    [core.managerProxy, core.vault, { ...eigenLayer, delegatorBeacon: ethers.ZeroAddress }],
    {
      id: "OperatorDelegatorImpl",
    },
  );
  const beacon = m.contract("UpgradeableBeacon", [delegatorImpl, deployer], { id: "OperatorDelegatorBeacon" });
  // The manager's EigenLayer reads (valuation, positions, slash watch) live in a linked library (DELEGATECALL).
  const positions = m.library("RestakingPositions");
  // Native restaking: the key registry, which only the manager (its proxy, already there) may consume keys from.
  let registry: ContractFuture<string> | undefined;
  let registryImpl: ContractFuture<string> | undefined;
  if (native !== undefined) {
    registryImpl = m.contract("ValidatorKeyRegistry", [core.managerProxy, native.eigenPodManager], {
      id: "ValidatorKeyRegistryImpl",
    });
    const init = m.encodeFunctionCall(registryImpl, "initialize", [core.accessManager]);
    const proxy = m.contract("ERC1967Proxy", [registryImpl, init], { id: "ValidatorKeyRegistryProxy" });
    registry = m.contractAt("ValidatorKeyRegistry", proxy, { id: "ValidatorKeyRegistry" });
  }
  // Without native restaking, no key registry (zero): it can be added later by an upgrade that links one
  // (`scripts/lib/native.ts`).
  const managerImpl = m.contract(
    "RestakingManager",
    [core.links, { ...eigenLayer, delegatorBeacon: beacon }, registry ?? ethers.ZeroAddress],
    {
      id: "RestakingManagerImpl",
      libraries: { RestakingPositions: positions },
    },
  );
  const manager = upgradeProxy(m, "RestakingManager", core.managerProxy, managerImpl, [
    core.accessManager,
    rewardsRecipient,
  ]);
  // One after the other, so the vault lists strategies (and `positions()` its assets) in the order given.
  const strategyCalls: ReturnType<typeof m.call>[] = [];
  for (const { kind, token, strategy } of strategies) {
    strategyCalls.push(
      m.call(core.vault, "setStrategy", [token, strategy], {
        id: `setStrategy_${kind}`,
        after: [manager, ...core.adminCalls, ...strategyCalls.slice(-1)],
      }),
    );
  }
  // ETH's strategy after the LSTs' (as when native restaking is turned on later), once the manager runs the
  // implementation linked to the registry: ETH is known to the vault since `initialize`, has no strategy yet (so no
  // `inUse` check applies) and takes the vault's fourth and last strategy slot on mainnet (MAX_STRATEGIES = 4).
  if (registry !== undefined) {
    strategyCalls.push(
      m.call(core.vault, "setStrategy", [ETH, BEACON_CHAIN_ETH_STRATEGY], {
        id: "setStrategy_ETH",
        after: [manager, registry, ...core.adminCalls, ...strategyCalls.slice(-1)],
      }),
    );
  }
  const keeperFns = m.call(
    core.accessManager,
    "setTargetFunctionRole",
    [manager, selectors(ROLE_FUNCTIONS.keeper.manager), ROLES.KEEPER],
    { id: "keeperManager" },
  );
  const keeperVaultFns = m.call(
    core.accessManager,
    "setTargetFunctionRole",
    [core.vault, selectors(ROLE_FUNCTIONS.keeper.vault), ROLES.KEEPER],
    { id: "keeperVault" },
  );
  const grantKeeper = m.call(core.accessManager, "grantRole", [ROLES.KEEPER, keeper, 0], {
    id: "grantKeeper",
    after: [keeperFns, keeperVaultFns],
  });
  return {
    manager,
    beacon,
    delegatorImpl,
    managerImpl,
    /** The key registry (its proxy) and implementation, with `native` only. */
    keyRegistry: registry,
    keyRegistryImpl: registryImpl,
    adminCalls: [...strategyCalls, keeperFns, keeperVaultFns, grantKeeper],
  };
}

/** Hands every admin power to an OpenZeppelin TimelockController and drops the deployer's. */
export function buildHandover(
  m: IgnitionModuleBuilder,
  core: ReturnType<typeof buildCore>,
  restaking: ReturnType<typeof buildRestaking>,
  opening: ReturnType<typeof buildOpening>,
) {
  const deployer = m.getAccount(0);
  const minDelay = m.getParameter("timelockDelay", 2 * 24 * 3600);
  const proposer = m.getParameter("timelockProposer", deployer);
  const executor = m.getParameter("timelockExecutor", deployer);
  const timelock = m.contract("TimelockController", [minDelay, [proposer], [executor], ethers.ZeroAddress]);
  const after = [...core.adminCalls, ...restaking.adminCalls, ...opening];
  const grant = m.call(core.accessManager, "grantRole", [ROLES.ADMIN, timelock, 0], {
    id: "grantAdminToTimelock",
    after,
  });
  const beaconOwner = m.call(restaking.beacon, "transferOwnership", [timelock], { after: [grant] });
  m.call(core.accessManager, "renounceRole", [ROLES.ADMIN, deployer], {
    id: "deployerRenouncesAdmin",
    after: [grant, beaconOwner],
  });
  return { timelock };
}

/** The futures of the core a module returns (contracts only; every module returns the same names). */
export function coreResult(core: ReturnType<typeof buildCore>) {
  return {
    accessManager: core.accessManager,
    bootstrap: core.bootstrap,
    vault: core.vault,
    accountant: core.accountant,
    queue: core.queue,
    lens: core.lens,
    vaultImpl: core.implementations.vault,
    accountantImpl: core.implementations.accountant,
    queueImpl: core.implementations.queue,
    ...Object.fromEntries(Object.entries(core.adapters).map(([k, v]) => [`${k}Adapter`, v])),
  };
}

/** `coreResult` plus the restaking side (and the key registry with native restaking). */
export function suiteResult(core: ReturnType<typeof buildCore>, restaking: ReturnType<typeof buildRestaking>) {
  return {
    ...coreResult(core),
    manager: restaking.manager,
    beacon: restaking.beacon,
    delegatorImpl: restaking.delegatorImpl,
    managerImpl: restaking.managerImpl,
    ...(restaking.keyRegistry === undefined
      ? {}
      : { keyRegistry: restaking.keyRegistry, keyRegistryImpl: restaking.keyRegistryImpl! }),
  };
}
