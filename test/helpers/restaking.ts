/** Test helpers shared by `test/RestakingManager/*`: chain ↔ model comparisons and EigenLayer struct plumbing. */
import { expect } from "chai";
import { ethers } from "hardhat";
import type { ContractTransactionResponse } from "ethers";
import { asWithdrawal as plainWithdrawal } from "../../scripts/lib/withdrawal";
import type { IDelegationManagerTypes } from "../../typechain-types/contracts/RestakingManager";
import { SET_ID, type Restakable, type Suite } from "../../scripts/lib/suite";
import { ascending } from "../../scripts/lib/eigenlayer";
import type { RestakingModel } from "./restakingModel";

/** The block a transaction was mined in. */
export async function blockOf(tx: Promise<ContractTransactionResponse> | ContractTransactionResponse): Promise<number> {
  const receipt = await (await tx).wait();
  return receipt!.blockNumber;
}

/**
 * The suite's AVS slashes `wad` of `operator`'s allocation to the strategies of `tokens` (every restakable LST unless
 * given), and the model `m` replays the slash at its block. Returns that block.
 */
export async function slashOperator(
  s: Suite,
  m: RestakingModel,
  operator: { address: string },
  wad: bigint,
  description: string,
  tokens: Restakable[] = m.tokens,
): Promise<number> {
  const strategies = ascending(tokens.map((t) => m.strategyOf(t)));
  const block = await blockOf(
    s.avs.slash(
      operator.address,
      SET_ID,
      strategies,
      strategies.map(() => wad),
      description,
    ),
  );
  m.slash(operator.address, tokens, wad, block);
  return block;
}

/** A plain, mutable copy of an ethers `Withdrawal` result, to pass back to a contract. */
export function asWithdrawal(
  w: IDelegationManagerTypes.WithdrawalStructOutput,
): IDelegationManagerTypes.WithdrawalStruct {
  return plainWithdrawal(w);
}

/** The pending withdrawals of `delegator`, as structs ready to complete. */
export async function queuedOf(s: Suite, delegator: string): Promise<IDelegationManagerTypes.WithdrawalStruct[]> {
  const [withdrawals] = await s.el.delegationManager.getQueuedWithdrawals(delegator);
  return withdrawals.map(asWithdrawal);
}

/** `keccak256(abi.encode(withdrawal))`, computed in TypeScript. */
export function withdrawalRoot(w: IDelegationManagerTypes.WithdrawalStruct): string {
  return ethers.keccak256(
    ethers.AbiCoder.defaultAbiCoder().encode(
      ["tuple(address,address,address,uint256,uint32,address[],uint256[])"],
      [[w.staker, w.delegatedTo, w.withdrawer, w.nonce, w.startBlock, w.strategies, w.scaledShares]],
    ),
  );
}

/** The vault buffer of `token`, in accounting units. */
export async function bufferOf(s: Suite, token: Restakable): Promise<bigint> {
  return (await s.vault.assetInfo(s.tokens[token])).bufferUnits;
}

/** The vault's `outsideUnits` of `token`: restaked and queued units as of the last sync, moved since. */
export async function outsideOf(s: Suite, token: Restakable): Promise<bigint> {
  return (await s.vault.assetInfo(s.tokens[token])).outsideUnits;
}

/** Every restakable LST's `outsideUnits` equals the model's. */
export async function expectOutside(s: Suite, m: RestakingModel): Promise<void> {
  for (const token of m.tokens)
    expect(await outsideOf(s, token), `${token} outsideUnits`).to.equal(m.outside.get(token));
}

/** `positions()` equals the model's, asset by asset (exact wei). */
export async function expectPositions(s: Suite, m: RestakingModel): Promise<void> {
  const block = await ethers.provider.getBlockNumber();
  const chain = await s.manager.positions();
  const model = m.positions(block);
  expect(chain.length).to.equal(model.length);
  for (let i = 0; i < model.length; ++i) {
    expect(chain[i].asset).to.equal(await s.tokens[model[i].token].getAddress());
    expect(chain[i].withdrawableUnits, `${model[i].token} withdrawable`).to.equal(model[i].withdrawableUnits);
    expect(chain[i].queuedUnits, `${model[i].token} queued`).to.equal(model[i].queuedUnits);
  }
}

/** Every vault buffer of a restakable LST equals the model's. */
export async function expectBuffers(s: Suite, m: RestakingModel): Promise<void> {
  for (const token of m.tokens) expect(await bufferOf(s, token), `${token} buffer`).to.equal(m.buffer.get(token));
}

/** The manager holds no token of the suite. */
export async function expectManagerEmpty(s: Suite): Promise<void> {
  for (const token of Object.values(s.tokens)) expect(await token.balanceOf(s.manager)).to.equal(0n);
}

/** Sum of the withdrawable and queued units of `positions()` per asset. */
export async function positionTotals(s: Suite): Promise<bigint[]> {
  return (await s.manager.positions()).map((p) => p.withdrawableUnits + p.queuedUnits);
}
