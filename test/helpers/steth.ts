/** Independent bigint model of Lido stETH share accounting, to predict StETHMock balances exactly. */
import { mulDiv } from "./math";

export class StEthModel {
  pooledEther = 0n;
  totalShares = 0n;
  private readonly shares = new Map<string, bigint>();

  sharesOf(account: string): bigint {
    return this.shares.get(account) ?? 0n;
  }

  /** eth * totalShares / pooledEther, rounded down; 1:1 while no shares exist. */
  sharesByPooledEth(eth: bigint): bigint {
    return this.totalShares === 0n ? eth : mulDiv(eth, this.totalShares, this.pooledEther, "floor");
  }

  /** shares * pooledEther / totalShares, rounded down; 1:1 while no shares exist. */
  pooledEthByShares(shares: bigint): bigint {
    return this.totalShares === 0n ? shares : mulDiv(shares, this.pooledEther, this.totalShares, "floor");
  }

  balanceOf(account: string): bigint {
    return this.pooledEthByShares(this.sharesOf(account));
  }

  /** Mints the shares `eth` buys; returns them. */
  submit(account: string, eth: bigint): bigint {
    const minted = this.sharesByPooledEth(eth);
    this.totalShares += minted;
    this.shares.set(account, this.sharesOf(account) + minted);
    this.pooledEther += eth;
    return minted;
  }

  /** An stETH-amount transfer: moves sharesByPooledEth(amount) shares; returns them. */
  transfer(from: string, to: string, amount: bigint): bigint {
    const moved = this.sharesByPooledEth(amount);
    this.transferShares(from, to, moved);
    return moved;
  }

  /** Moves exactly `moved` shares; returns their stETH value, rounded down. */
  transferShares(from: string, to: string, moved: bigint): bigint {
    const fromShares = this.sharesOf(from);
    if (moved > fromShares) throw new Error("StEthModel: shares exceeded");
    this.shares.set(from, fromShares - moved);
    this.shares.set(to, this.sharesOf(to) + moved);
    return this.pooledEthByShares(moved);
  }

  rebase(delta: bigint): void {
    if (this.pooledEther + delta <= 0n) throw new Error("StEthModel: invalid rebase");
    this.pooledEther += delta;
  }
}
