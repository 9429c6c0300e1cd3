/** Role ids in lrt-vault's OpenZeppelin AccessManager (0 is the manager's built-in ADMIN_ROLE). */
export const ROLES = { ADMIN: 0n, KEEPER: 1n, PAUSER: 2n } as const;

/** Functions each role may call (every other restricted function needs ADMIN_ROLE). */
export const ROLE_FUNCTIONS = {
  keeper: {
    vault: ["unwrap(address,uint256)"],
    manager: [
      "restake(address,address,uint256)",
      "queueWithdrawal(address,address,uint256)",
      "claimRewards(address,(uint32,uint32,bytes,(address,bytes32),uint32[],bytes[],(address,uint256)[]))",
      "stakeValidators(address,(bytes,bytes,bytes32)[],bytes32)",
    ],
  },
  pauser: {
    vault: ["pauseDeposits(address)"],
    queue: ["pauseRequests()"],
  },
} as const;
