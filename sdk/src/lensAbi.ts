/**
 * The lens's integrator views the client calls besides `summary`, as human-readable fragments (the exact
 * `ILRTLens` signatures; a test checks them against the compiled LRTLens ABI). Kept here so the client reads a lens
 * through one ABI whatever the build's artifacts hold.
 */
export const REQUEST_TUPLE =
  "tuple(uint256 shares, uint256 valueAtRequest, uint256 rateAtRequest, uint256 requestedAt, address asset, uint8 status, uint256 payoutUnits, uint256 payoutValue)";

export const lensClientFragments = [
  "function previewDeposit(address vault, address asset, uint256 amount) view returns (uint256 shares, uint8 check)",
  `function requestView(address vault, uint256 requestId) view returns (tuple(uint256 requestId, ${REQUEST_TUPLE} request, address owner, uint256 expectedUnits, uint256 expectedTokens, uint256 expectedValue, uint256 payoutPrice, bool claimable))`,
  "function addressBook(address vault) view returns (tuple(address vault, address accountant, address withdrawalQueue, address restakingManager, address accessManager, address lens, address strategyManager, address delegationManager, address rewardsCoordinator, address[] assets, address[] adapters, address[] strategies))",
] as const;
