import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { parseEther } from "ethers";
import { RESTAKABLE } from "../helpers/restakingModel";
import { deploySuite, depositLST, type Suite } from "../../scripts/lib/suite";
import { FULL } from "../common/env";

/**
 * Gas of `accountant.sync()` (which values every position through `positions()`) with a position in every
 * (delegator × strategy) pair. Printed only: the budget (50,000 + 35,000 per pair for the valuation) is checked by
 * the separate benchmark script, not asserted here. The 16-operator row (48 pairs, the slowest to build) is printed
 * by `npm run test:full` (`TEST_FULL=1`) only.
 */
const UNITS_PER_PAIR = parseEther("1");

async function suite1x1() {
  return fill(await deploySuite({ operators: 1, strategies: 1 }));
}
async function suite4x3() {
  return fill(await deploySuite({ operators: 4, strategies: 3 }));
}
async function suite16x3() {
  return fill(await deploySuite({ operators: 16, strategies: 3 }));
}

/** Alice deposits each LST; the keeper restakes `UNITS_PER_PAIR` into every pair, round-robin (toward targets). */
async function fill(s: Suite): Promise<Suite> {
  const tokens = RESTAKABLE.slice(0, s.strategies.length);
  for (const token of tokens) {
    await depositLST(s, s.signers.alice, token, parseEther("2") * BigInt(s.delegators.length));
  }
  for (const token of tokens) {
    for (const d of s.delegators) await s.manager.connect(s.signers.keeper).restake(d, s.tokens[token], UNITS_PER_PAIR);
  }
  return s;
}

async function measure(s: Suite) {
  // positions() sent as a transaction: receipt gas minus the intrinsic 21,000 and the 4 calldata bytes (64).
  const data = s.manager.interface.encodeFunctionData("positions");
  const probe = await (await s.signers.stranger.sendTransaction({ to: s.manager, data })).wait();
  const positionsGas = probe!.gasUsed - 21_064n;
  const receipt = await (await s.accountant.sync()).wait();
  expect(receipt!.status).to.equal(1);
  return { syncGas: receipt!.gasUsed, positionsGas };
}

describe(`positions() gas inside accountant.sync()${FULL ? "" : " (quick: up to 4 operators, TEST_FULL=1 adds 16)"}`, function () {
  const rows: string[] = [];
  after(function () {
    console.log("\n    sync gas (receipt) | positions() exec (tx − 21,064) | pairs | 50,000 + 35,000 × pairs");
    for (const r of rows) console.log(`    ${r}`);
  });

  const cases = [
    ["1 operator × 1 strategy", suite1x1, 1, 1],
    ["4 operators × 3 strategies", suite4x3, 4, 3],
    ["16 operators × 3 strategies", suite16x3, 16, 3],
  ] as const;
  for (const [name, fixture, operators, strategies] of FULL ? cases : cases.slice(0, 2)) {
    it(`${name}: withdrawable shares in every pair, then also one queued withdrawal per pair`, async function () {
      const s = await loadFixture(fixture);
      const pairs = operators * strategies;
      const positions = await s.manager.positions();
      expect(positions.length).to.equal(strategies);
      for (const p of positions) expect(p.withdrawableUnits).to.be.greaterThan(0n);
      const budget = 50_000 + 35_000 * pairs;

      const plain = await measure(s);
      rows.push(
        `${name}, withdrawable only: sync ${plain.syncGas} | positions ${plain.positionsGas} | ${pairs} | ${budget}`,
      );

      const tokens = RESTAKABLE.slice(0, strategies);
      for (const d of s.delegators) {
        for (const token of tokens) {
          await s.manager.connect(s.signers.keeper).queueWithdrawal(d, s.tokens[token], UNITS_PER_PAIR / 2n);
        }
      }
      const queued = await measure(s);
      rows.push(
        `${name}, + 1 queued per pair: sync ${queued.syncGas} | positions ${queued.positionsGas} | ${pairs} | ${budget}`,
      );
    });
  }
});
