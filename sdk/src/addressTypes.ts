/** The suite's own contracts (proxies), from an Ignition deployment. */
export interface SuiteAddresses {
  vault: string;
  accountant?: string;
  withdrawalQueue?: string;
  restakingManager?: string;
  accessManager?: string;
  lens?: string;
  validatorKeyRegistry?: string;
  timelock?: string;
}

/**
 * One chain's entry of the address book. `suite` is present only where a deployment is recorded
 * (`deploy/deployments/chain-<id>/deployed_addresses.json` at build time): mainnet, Hoodi and Sepolia carry the
 * EigenLayer and LST addresses the suite is deployed against, without `suite` until a deployment is committed.
 */
export interface ChainAddresses {
  chainId: number;
  name: string;
  suite?: SuiteAddresses;
  eigenLayer?: {
    strategyManager?: string;
    delegationManager?: string;
    rewardsCoordinator?: string;
    eigenPodManager?: string;
    allocationManager?: string;
  };
  /** The LSTs (mainnet: Lido, Rocket Pool, Coinbase, WETH9; testnets: read from the strategies on-chain). */
  tokens?: { stETH?: string; wstETH?: string; rETH?: string; cbETH?: string; weth?: string };
  /** EigenLayer strategies by token (`stETH`, `rETH`, `cbETH`, `weth`). */
  strategies?: Record<string, string>;
  /** Chainlink LST/ETH feeds the adapters read (mainnet). */
  chainlinkFeeds?: Record<string, string>;
}
