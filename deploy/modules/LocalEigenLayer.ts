import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import type { ContractFuture } from "@nomicfoundation/ignition-core";

/**
 * LOCAL ONLY: our EigenLayer stand-ins (PauserRegistry, StrategyManager, DelegationManager, AllocationManager,
 * RewardsCoordinator), the LST stand-ins (stETH, wstETH, rETH, cbETH, WETH), Chainlink feed stand-ins for their
 * market prices and one TVL-limited strategy per restakable LST, initialized and whitelisted. Never deploy this to a
 * public network.
 */
export default buildModule("LocalEigenLayer", (m) => {
  const deployer = m.getAccount(0);
  const minWithdrawalDelayBlocks = m.getParameter("minWithdrawalDelayBlocks", 50);
  const deallocationDelay = m.getParameter("deallocationDelay", 50);
  const allocationConfigurationDelay = m.getParameter("allocationConfigurationDelay", 75);
  const rewardsUpdater = m.getParameter("rewardsUpdater", deployer);
  const activationDelay = m.getParameter("rewardsActivationDelay", 3600);
  const rETHRate = m.getParameter("rETHRate", 1_100_000_000_000_000_000n);
  const cbETHRate = m.getParameter("cbETHRate", 1_050_000_000_000_000_000n);

  const pauserRegistry = m.contract("PauserRegistry");
  const strategyManager = m.contract("StrategyManager");
  const delegationManager = m.contract("DelegationManager");
  const allocationManager = m.contract("AllocationManager");
  const rewardsCoordinator = m.contract("RewardsCoordinator");
  const pausers = m.call(pauserRegistry, "initializeStandIn", [[deployer], deployer]);
  const sm = m.call(
    strategyManager,
    "initializeStandIn",
    [delegationManager, allocationManager, pauserRegistry, deployer, deployer, 0],
    { after: [pausers] },
  );
  m.call(
    delegationManager,
    "initializeStandIn",
    [strategyManager, allocationManager, pauserRegistry, 0, minWithdrawalDelayBlocks],
    { after: [pausers] },
  );
  m.call(
    allocationManager,
    "initializeStandIn",
    [delegationManager, pauserRegistry, 0, deallocationDelay, allocationConfigurationDelay],
    { after: [pausers] },
  );
  m.call(rewardsCoordinator, "initializeStandIn", [pauserRegistry, deployer, 0, rewardsUpdater, activationDelay], {
    after: [pausers],
  });

  const stETH = m.contract("StETHMock");
  m.call(stETH, "initialize", [deployer]);
  const wstETH = m.contract("WstETHMock");
  m.call(wstETH, "initialize", [stETH]);
  const rETH = m.contract("RETHMock");
  m.call(rETH, "initialize", [deployer, rETHRate]);
  const cbETH = m.contract("CbETHMock");
  m.call(cbETH, "initialize", [deployer, deployer, cbETHRate]);
  const weth = m.contract("WETHMock");

  // Chainlink market feeds (18 decimals), starting at the protocol rates: stETH/ETH at par, rETH/ETH, cbETH/ETH.
  const feed = (name: string, answer: bigint | ReturnType<typeof m.getParameter<bigint>>) => {
    const f = m.contract("AggregatorMock", [], { id: `Feed_${name}` });
    m.call(f, "initialize", [deployer, 18, answer], { id: `initFeed_${name}` });
    return f;
  };
  const feeds = { stETH: feed("stETH", 10n ** 18n), rETH: feed("rETH", rETHRate), cbETH: feed("cbETH", cbETHRate) };

  const strategy = (name: string, token: ContractFuture<string>) => {
    const s = m.contract("StrategyBaseTVLLimits", [], { id: `Strategy_${name}` });
    m.call(s, "initializeStandIn", [strategyManager, pauserRegistry, token], {
      id: `initStrategy_${name}`,
      after: [pausers],
    });
    return s;
  };
  const strategies = { stETH: strategy("stETH", stETH), rETH: strategy("rETH", rETH), cbETH: strategy("cbETH", cbETH) };
  m.call(strategyManager, "addStrategiesToDepositWhitelist", [[strategies.stETH, strategies.rETH, strategies.cbETH]], {
    after: [sm],
  });

  return {
    pauserRegistry,
    strategyManager,
    delegationManager,
    allocationManager,
    rewardsCoordinator,
    stETH,
    wstETH,
    rETH,
    cbETH,
    weth,
    stETHFeed: feeds.stETH,
    rETHFeed: feeds.rETH,
    cbETHFeed: feeds.cbETH,
    stETHStrategy: strategies.stETH,
    rETHStrategy: strategies.rETH,
    cbETHStrategy: strategies.cbETH,
  };
});
