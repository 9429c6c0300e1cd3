/**
 * Native restaking under random validator actions: deposits of ETH, stakes of 1 or 2 validators, credential proofs,
 * consensus rewards, beacon-chain slashes, exits through EIP-7002, checkpoints, EigenLayer withdrawals of beacon
 * chain ETH queued and completed, syncs. After every step:
 * - N1 (counted once): the vault's value is its LSTs' (untouched here) plus the ETH buffer of an independent ledger,
 *   32 ETH per staked validator the ledger has not seen verified, and the delegator's beacon chain shares as
 *   EigenLayer's slashing-aware views report them (withdrawable and queued);
 * - N2 (moves are neutral): staking, proving credentials, queueing and completing a withdrawal leave the value
 *   exactly unchanged;
 * - N3 (nothing stuck): the delegator and the manager hold no ETH; `pendingStake` is 32 ETH per unverified validator;
 * - N4 (rewards are exact): while no validator was slashed or exited, the beacon chain shares are the validators'
 *   balances at their last proof (effective balance at verification, full balance at each checkpoint).
 * The slashing factor arithmetic itself is checked to the wei in test/RestakingManager/native.test.ts.
 */
import { expect } from "chai";
import fc from "fast-check";
import { ethers } from "hardhat";
import { loadFixture, mine } from "@nomicfoundation/hardhat-network-helpers";
import { parseEther } from "ethers";
import { BEACON_CHAIN_ETH_STRATEGY, EIGEN_DELAYS } from "../../scripts/lib/eigenlayer";
import { ETH } from "../../scripts/lib/constants";
import { asWithdrawal } from "../../scripts/lib/withdrawal";
import { podCredentials } from "../../scripts/lib/native";
import { INVARIANT_RUNS } from "../common/env";
import { checkpoint, deployNativeFixture, postNextRoot, type NativeFixture } from "../fixtures/native";

const GWEI = 10n ** 9n;
const VALIDATOR = parseEther("32");
const RUNS = Math.max(3, Math.floor(INVARIANT_RUNS / 5));
const SEED = 20_261_202;

type NativeAction =
  | { kind: "deposit"; eth: number }
  | { kind: "stake"; n: number }
  | { kind: "verify" }
  | { kind: "rewards"; epochs: number }
  | { kind: "checkpoint" }
  | { kind: "slash"; pick: number }
  | { kind: "exit"; pick: number }
  | { kind: "complete" }
  | { kind: "sync" };

const w = <T>(weight: number, arbitrary: fc.Arbitrary<T>) => ({ weight, arbitrary });
const actionArb: fc.Arbitrary<NativeAction> = fc.oneof(
  w(2, fc.record({ kind: fc.constant("deposit" as const), eth: fc.integer({ min: 1, max: 70 }) })),
  w(3, fc.record({ kind: fc.constant("stake" as const), n: fc.integer({ min: 1, max: 2 }) })),
  w(3, fc.record({ kind: fc.constant("verify" as const) })),
  w(2, fc.record({ kind: fc.constant("rewards" as const), epochs: fc.integer({ min: 1, max: 40 }) })),
  w(2, fc.record({ kind: fc.constant("checkpoint" as const) })),
  w(1, fc.record({ kind: fc.constant("slash" as const), pick: fc.nat() })),
  w(2, fc.record({ kind: fc.constant("exit" as const), pick: fc.nat() })),
  w(2, fc.record({ kind: fc.constant("complete" as const) })),
  w(1, fc.record({ kind: fc.constant("sync" as const) })),
);

/** The test's own ledger of what happened to the vault's ETH and the validators. */
class Ledger {
  buffer = 0n;
  nextKey = 0;
  /** Beacon chain index of each staked validator, and whether its pod verified it. */
  staked: { index: number; verified: boolean; exited: boolean; slashed: boolean }[] = [];
  /** The balance (wei) each verified validator was last proven at. */
  proven = new Map<number, bigint>();
  /** Slashed or exited at least once: N4 no longer applies. */
  disturbed = false;
  unverified = () => this.staked.filter((v) => !v.verified).length;
  live = () => this.staked.filter((v) => v.verified && !v.exited);
}

async function value(f: NativeFixture): Promise<bigint> {
  return (await f.s.accountant.valuation()).totalValue;
}

async function beaconShares(f: NativeFixture): Promise<{ withdrawable: bigint; queued: bigint }> {
  const [[withdrawable]] = await f.s.el.delegationManager.getWithdrawableShares(f.delegator, [
    BEACON_CHAIN_ETH_STRATEGY,
  ]);
  const [withdrawals, shares] = await f.s.el.delegationManager.getQueuedWithdrawals(f.delegator);
  let queued = 0n;
  withdrawals.forEach((w, i) =>
    w.strategies.forEach((s, j) => {
      if (s === BEACON_CHAIN_ETH_STRATEGY) queued += shares[i][j];
    }),
  );
  return { withdrawable, queued };
}

describe("Native restaking properties (randomized validator actions)", function () {
  it(`N1-N4 hold after every step of ${RUNS} random sequences (fast-check seed ${SEED}, 8-16 steps)`, async function () {
    this.timeout(30 * 60_000);
    let steps = 0;
    const seen: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(fc.array(actionArb, { minLength: 8, maxLength: 16 }), async (actions) => {
        const fixture = await loadFixture(deployNativeFixture);
        const f: NativeFixture = { ...fixture, chain: fixture.chain.clone() };
        const { s } = f;
        const keeper = s.signers.keeper;
        const l = new Ledger();
        l.buffer = (await s.vault.assetInfo(ETH)).bufferUnits;
        const lstValue = (await value(f)) - l.buffer;
        const log: string[] = [];
        try {
          for (const a of actions) {
            const before = await value(f);
            let neutral = false;
            let done = true;
            switch (a.kind) {
              case "deposit": {
                const amount = parseEther(String(a.eth));
                await s.vault.connect(s.signers.alice).depositETH(s.signers.alice, 0n, 0n, { value: amount });
                l.buffer += amount;
                break;
              }
              case "stake": {
                const need = BigInt(a.n) * VALIDATOR;
                if (l.buffer < need) {
                  done = false;
                  break;
                }
                const keys = f.keysFor(Array.from({ length: a.n }, (_, i) => l.nextKey + i));
                l.nextKey += a.n;
                await f.registry.connect(f.nodeOperator).submitKeys(f.delegator, keys);
                const root = await f.pods.depositContract.get_deposit_root();
                await s.manager.connect(keeper).stakeValidators(f.delegator, keys, root);
                for (const k of keys) {
                  const index = f.chain.deposit({
                    ...k,
                    withdrawalCredentials: podCredentials(f.podAddress),
                    amountGwei: 32e9,
                  })!;
                  l.staked.push({ index, verified: false, exited: false, slashed: false });
                }
                l.buffer -= need;
                neutral = true;
                break;
              }
              case "verify": {
                const todo = l.staked.filter((v) => !v.verified);
                if (todo.length === 0) {
                  done = false;
                  break;
                }
                f.chain.activate(
                  todo.map((v) => v.index),
                  { atEpoch: f.chain.epoch },
                );
                const block = await postNextRoot(f);
                await f.pod
                  .connect(keeper)
                  .verifyWithdrawalCredentials(...block.verifyWithdrawalCredentialsArgs(todo.map((v) => v.index)));
                for (const v of todo) {
                  v.verified = true;
                  l.proven.set(v.index, BigInt(f.chain.validator(v.index).effectiveBalanceGwei) * GWEI);
                }
                neutral = !l.disturbed; // a validator slashed before its proof is credited at its effective balance
                break;
              }
              case "rewards":
                f.chain.advanceEpochs(a.epochs);
                break;
              case "checkpoint":
              case "slash":
              case "exit": {
                const live = l.live();
                if (live.length === 0 || (await f.pod.currentCheckpointTimestamp()) !== 0n) {
                  done = false;
                  break;
                }
                if (a.kind === "slash") {
                  const v = live[a.pick % live.length];
                  if (v.slashed) {
                    done = false;
                    break;
                  }
                  f.chain.slash(v.index);
                  v.slashed = true;
                  l.disturbed = true;
                }
                if (a.kind === "exit") {
                  const v = live[a.pick % live.length];
                  const paid = f.chain.exit(v.index, { immediate: true });
                  const amount = paid.reduce((sum, w) => sum + BigInt(w.amountGwei) * GWEI, 0n);
                  const pod = await ethers.provider.getBalance(f.podAddress);
                  await ethers.provider.send("hardhat_setBalance", [f.podAddress, ethers.toQuantity(pod + amount)]);
                  v.exited = true;
                  l.disturbed = true;
                }
                await checkpoint(
                  f,
                  live.map((v) => v.index),
                );
                for (const v of l.live()) l.proven.set(v.index, BigInt(f.chain.balanceGwei(v.index)) * GWEI);
                if (a.kind === "exit") {
                  // The keeper queues what the pod now holds as credited ETH.
                  const { withdrawable } = await beaconShares(f);
                  const podEth = await ethers.provider.getBalance(f.podAddress);
                  const shares = withdrawable < podEth ? withdrawable : podEth;
                  if (shares > 0n) await s.manager.connect(keeper).queueWithdrawal(f.delegator, ETH, shares);
                }
                break;
              }
              case "complete": {
                const [queued] = await s.el.delegationManager.getQueuedWithdrawals(f.delegator);
                if (queued.length === 0) {
                  done = false;
                  break;
                }
                await mine(EIGEN_DELAYS.minWithdrawalDelayBlocks + 1);
                const valueBefore = await value(f);
                const bufferBefore = (await s.vault.assetInfo(ETH)).bufferUnits;
                const { queued: queuedShares } = await beaconShares(f);
                await s.manager.completeWithdrawals(f.delegator, queued.map(asWithdrawal));
                const received = (await s.vault.assetInfo(ETH)).bufferUnits - bufferBefore;
                // Paid in whole gwei, never more than the queued shares were worth.
                expect(received).to.be.within(queuedShares - GWEI, queuedShares);
                l.buffer += received;
                expect(await value(f), "N2 complete").to.equal(valueBefore - (queuedShares - received));
                break;
              }
              case "sync":
                await s.accountant.sync();
                break;
            }
            if (!done) continue;
            ++steps;
            seen[a.kind] = (seen[a.kind] ?? 0) + 1;
            log.push(a.kind);
            // N1
            const { withdrawable, queued } = await beaconShares(f);
            const pending = BigInt(l.unverified()) * VALIDATOR;
            expect(await value(f), "N1").to.equal(lstValue + l.buffer + pending + withdrawable + queued);
            expect((await s.vault.assetInfo(ETH)).bufferUnits, "N1 buffer").to.equal(l.buffer);
            // N2
            if (neutral) expect(await value(f), `N2 ${a.kind}`).to.equal(before);
            // N3
            expect(await ethers.provider.getBalance(f.delegator), "N3 delegator").to.equal(0n);
            expect(await ethers.provider.getBalance(s.manager), "N3 manager").to.equal(0n);
            expect(await s.manager.pendingStake(), "N3 pending").to.equal(pending);
            // N4
            if (!l.disturbed) {
              const proven = [...l.proven.values()].reduce((sum, b) => sum + b, 0n);
              expect(withdrawable + queued, "N4").to.equal(proven);
            }
          }
        } catch (e) {
          (e as Error).message += `\n  steps: ${log.join(" | ")}`;
          throw e;
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
    console.log(`      ${RUNS} runs, ${steps} checked steps: ${JSON.stringify(seen)}`);
  });
});
