/** EigenLayer withdrawal plumbing shared by the tasks, the demo and the tests. */

/** A queued withdrawal as EigenLayer's views return it (an ethers Result) or as a plain struct. */
export interface WithdrawalLike {
  staker: string;
  delegatedTo: string;
  withdrawer: string;
  nonce: bigint;
  startBlock: bigint | number;
  strategies: readonly string[];
  scaledShares: readonly bigint[];
}

/** A plain, mutable copy of a withdrawal, ready to pass back to `completeQueuedWithdrawal(s)`. */
export function asWithdrawal(w: WithdrawalLike) {
  return {
    staker: w.staker,
    delegatedTo: w.delegatedTo,
    withdrawer: w.withdrawer,
    nonce: w.nonce,
    startBlock: w.startBlock,
    strategies: [...w.strategies],
    scaledShares: [...w.scaledShares],
  };
}
