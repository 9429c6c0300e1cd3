/**
 * Shared builders for lrt-vault's Ignition modules. Each `build*` adds futures to the module it is given, so the
 * same deployment steps serve a public network (addresses from `deploy/parameters/<network>.json`) and the local
 * chain (addresses from the local EigenLayer module's futures).
 */
import type { ContractFuture, IgnitionModuleBuilder } from "@nomicfoundation/ignition-core";
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
 * The core: AccessManager (deployer = admin), LRTOracle, LRTVault, LRTAccountant and WithdrawalQueue behind
 * ERC-1967 proxies (initialized in the proxy constructor), one price adapter per LST (with its market feed), the
 * lens; every LST bounded in the oracle and added to the vault, linked, the PAUSER role wired, the vault seeded,
 * synced once and opened for deposits.
 */
export function buildCore(m: IgnitionModuleBuilder, assets: AssetInput[]) {
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
  // The vault's cold paths live in an external library (DELEGATECALL), linked into its implementation.
  const vaultAssets = m.library("VaultAssets");
  const proxied = (name: string, init: (impl: ContractFuture<string>) => unknown[], after: unknown[] = []) => {
    const libraries: Record<string, typeof vaultAssets> = name === "LRTVault" ? { VaultAssets: vaultAssets } : {};
    const impl = m.contract(name, [], { id: `${name}Impl`, libraries });
    const data = m.encodeFunctionCall(impl, "initialize", init(impl) as never);
    const proxy = m.contract("ERC1967Proxy", [impl, data], { id: `${name}Proxy`, after: after as never });
    return { impl, contract: m.contractAt(name, proxy, { id: name }) };
  };

  const oracle = proxied("LRTOracle", () => [accessManager]);
  const vault = proxied("LRTVault", () => [accessManager, p.cap, p.minDeposit]);
  const accountant = proxied("LRTAccountant", () => [
    accessManager,
    vault.contract,
    oracle.contract,
    {
      treasury: p.treasury,
      feeBps: p.feeBps,
      streamWindow: p.streamWindow,
      maxAprBps: p.maxAprBps,
      maxRateAge: p.maxRateAge,
    },
  ]);

  const adapters: Record<string, ContractFuture<string>> = {};
  // Assets are added one after the other, so `vault.assets()` lists them in the order given (ETH first).
  const added: ReturnType<typeof m.call>[] = [];
  for (const { kind, token, feed } of assets) {
    const args = kind === "weth" ? [token] : [token, feed ?? ethers.ZeroAddress, p.maxFeedAge];
    const adapter = m.contract(ADAPTERS[kind], args, { id: `${kind}Adapter` });
    adapters[kind] = adapter;
    const bounded = m.call(oracle.contract, "setBounds", [token, p.maxRiseBpsPerDay, p.maxFallBps], {
      id: `setBounds_${kind}`,
    });
    const lidoShares = kind === "stETH";
    added.push(
      m.call(vault.contract, "addAsset", [token, { cap: p.cap, minDeposit: p.minDeposit, lidoShares, adapter }], {
        id: `addAsset_${kind}`,
        after: [bounded, ...added.slice(-1)],
      }),
    );
  }

  const linkAccountant = m.call(vault.contract, "setAccountant", [accountant.contract]);
  const oracleAccountant = m.call(oracle.contract, "setAccountant", [accountant.contract]);

  const queue = proxied("WithdrawalQueue", () => [
    accessManager,
    vault.contract,
    p.minRequest,
    p.maxRequest,
    p.maxWait,
  ]);
  const linkQueue = m.call(vault.contract, "setWithdrawalQueue", [queue.contract]);

  const pauserVault = m.call(
    accessManager,
    "setTargetFunctionRole",
    [vault.contract, selectors(ROLE_FUNCTIONS.pauser.vault), ROLES.PAUSER],
    { id: "pauserVault" },
  );
  const pauserQueue = m.call(
    accessManager,
    "setTargetFunctionRole",
    [queue.contract, selectors(ROLE_FUNCTIONS.pauser.queue), ROLES.PAUSER],
    { id: "pauserQueue" },
  );
  const grantPauser = m.call(accessManager, "grantRole", [ROLES.PAUSER, p.pauser, 0], {
    id: "grantPauser",
    after: [pauserVault, pauserQueue],
  });

  const lens = m.contract("LRTLens", []);

  const seed = m.call(vault.contract, "seed", [], { value: p.seed, after: [...added, linkAccountant, linkQueue] });
  const firstSync = m.call(accountant.contract, "sync", [], { after: [seed, oracleAccountant] });
  const unpause = m.call(vault.contract, "unpauseDeposits", [ethers.ZeroAddress], { after: [firstSync, grantPauser] });

  return {
    accessManager,
    oracle: oracle.contract,
    vault: vault.contract,
    accountant: accountant.contract,
    queue: queue.contract,
    lens,
    adapters,
    implementations: { oracle: oracle.impl, vault: vault.impl, accountant: accountant.impl, queue: queue.impl },
    /** every admin call, so a handover can wait for all of them */
    adminCalls: [
      ...added,
      linkAccountant,
      oracleAccountant,
      linkQueue,
      pauserVault,
      pauserQueue,
      grantPauser,
      seed,
      unpause,
    ],
  };
}

/**
 * The restaking side on top of `buildCore`: OperatorDelegator implementation and its UpgradeableBeacon, the
 * RestakingManager behind an ERC-1967 proxy, linked to the vault, the strategy of each restakable LST, the KEEPER
 * role. Delegators (one per operator) are added afterwards with `npx hardhat lrt:add-delegator`.
 */
export function buildRestaking(
  m: IgnitionModuleBuilder,
  core: ReturnType<typeof buildCore>,
  el: EigenLayerInput,
  strategies: StrategyInput[],
) {
  const deployer = m.getAccount(0);
  const keeper = m.getParameter("keeper", deployer);
  const rewardsRecipient = m.getParameter("rewardsRecipient", deployer);
  const delegatorImpl = m.contract("OperatorDelegator", [], { id: "OperatorDelegatorImpl" });
  const beacon = m.contract("UpgradeableBeacon", [delegatorImpl, deployer], { id: "OperatorDelegatorBeacon" });
  // The manager's EigenLayer reads (valuation, positions, slash watch) live in a linked library (DELEGATECALL).
  const positions = m.library("RestakingPositions");
  const managerImpl = m.contract("RestakingManager", [], {
    id: "RestakingManagerImpl",
    libraries: { RestakingPositions: positions },
  });
  const managerInit = m.encodeFunctionCall(managerImpl, "initialize", [
    core.accessManager,
    core.vault,
    el.strategyManager,
    el.delegationManager,
    el.rewardsCoordinator,
    beacon,
    rewardsRecipient,
  ]);
  const managerProxy = m.contract("ERC1967Proxy", [managerImpl, managerInit], { id: "RestakingManagerProxy" });
  const manager = m.contractAt("RestakingManager", managerProxy, { id: "RestakingManager" });
  const link = m.call(core.vault, "setRestakingManager", [manager]);
  // One after the other, so the manager lists strategies (and `positions()` its assets) in the order given.
  const strategyCalls: ReturnType<typeof m.call>[] = [];
  for (const { kind, token, strategy } of strategies) {
    strategyCalls.push(
      m.call(manager, "setStrategy", [token, strategy], {
        id: `setStrategy_${kind}`,
        after: [link, ...core.adminCalls, ...strategyCalls.slice(-1)],
      }),
    );
  }
  const keeperFns = m.call(
    core.accessManager,
    "setTargetFunctionRole",
    [manager, selectors(ROLE_FUNCTIONS.keeper.manager), ROLES.KEEPER],
    { id: "keeperManager" },
  );
  const grantKeeper = m.call(core.accessManager, "grantRole", [ROLES.KEEPER, keeper, 0], {
    id: "grantKeeper",
    after: [keeperFns],
  });
  return { manager, beacon, delegatorImpl, managerImpl, adminCalls: [link, ...strategyCalls, keeperFns, grantKeeper] };
}

/** Hands every admin power to an OpenZeppelin TimelockController and drops the deployer's. */
export function buildHandover(
  m: IgnitionModuleBuilder,
  core: ReturnType<typeof buildCore>,
  restaking: ReturnType<typeof buildRestaking>,
) {
  const deployer = m.getAccount(0);
  const minDelay = m.getParameter("timelockDelay", 2 * 24 * 3600);
  const proposer = m.getParameter("timelockProposer", deployer);
  const executor = m.getParameter("timelockExecutor", deployer);
  const timelock = m.contract("TimelockController", [minDelay, [proposer], [executor], ethers.ZeroAddress]);
  const after = [...core.adminCalls, ...restaking.adminCalls];
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
    oracle: core.oracle,
    vault: core.vault,
    accountant: core.accountant,
    queue: core.queue,
    lens: core.lens,
    vaultImpl: core.implementations.vault,
    accountantImpl: core.implementations.accountant,
    oracleImpl: core.implementations.oracle,
    queueImpl: core.implementations.queue,
    ...Object.fromEntries(Object.entries(core.adapters).map(([k, v]) => [`${k}Adapter`, v])),
  };
}

/** `coreResult` plus the restaking side. */
export function suiteResult(core: ReturnType<typeof buildCore>, restaking: ReturnType<typeof buildRestaking>) {
  return {
    ...coreResult(core),
    manager: restaking.manager,
    beacon: restaking.beacon,
    delegatorImpl: restaking.delegatorImpl,
    managerImpl: restaking.managerImpl,
  };
}
