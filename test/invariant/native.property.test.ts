/**
 * Native restaking under random validator actions, in the one harness (`World`, `world.ts`) with a native-heavy mix
 * (`nativeActionArb`): ETH deposits, stakes of 1 or 2 validators, credential proofs, consensus rewards and
 * checkpoints, beacon chain slashes, exits through EIP-7002 and EigenLayer withdrawals of beacon chain ETH into the
 * buffer, syncs, ETH requests, finalizations, claims and the keeper. Every World property (world.ts's header) is
 * checked after every step, the native ones (N1 counted once, N2 moves neutral, N3 nothing stuck, N4 rewards exact)
 * against the World's own validator model. The slashing factor arithmetic itself is checked to the wei in
 * test/RestakingManager/native.test.ts.
 */
import { expect } from "chai";
import fc from "fast-check";
import { INVARIANT_RUNS } from "../common/env";
import { parseEther } from "ethers";
import { ETH_I, EVENTS, MAX_STEPS, MIN_STEPS, STATS, World, nativeActionArb, type Action } from "./world";

const RUNS = Math.max(4, Math.floor(INVARIANT_RUNS / 4));
const SEED = Number(process.env.INVARIANT_SEED ?? 20_261_202);
/** Every run starts with two verified validators (a deposit of 70 ETH, a stake of 2, their credentials proven). */
const PRELUDE: Action[] = [
  { kind: "deposit", user: 0, asset: ETH_I, amount: parseEther("70") },
  { kind: "stake", n: 2 },
  { kind: "verifyCredentials" },
];
const NATIVE = ["stake", "verifyCredentials", "beaconRewards", "beaconSlash", "exitValidator"];

describe("Native restaking properties (randomized validator actions, the World's checks)", function () {
  it(`hold after every step of ${RUNS} random sequences (fast-check seed ${SEED}, a 3-step prelude + ${MIN_STEPS}-${MAX_STEPS} steps)`, async function () {
    this.timeout(60 * 60_000);
    const before = new Map(NATIVE.map((k) => [k, STATS.get(k)?.done ?? 0]));
    let steps = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 2 }).map((x) => x === 0),
        fc.array(nativeActionArb, { minLength: MIN_STEPS, maxLength: MAX_STEPS }),
        async (diligent, actions) => {
          const w = await World.load(diligent, true);
          try {
            await w.play([...PRELUDE, ...actions]);
          } finally {
            steps += w.steps;
          }
        },
      ),
      { seed: SEED, numRuns: RUNS, endOnFailure: process.env.INVARIANT_NO_SHRINK === "1" },
    );
    const done = NATIVE.map((k) => [k, (STATS.get(k)?.done ?? 0) - before.get(k)!] as const);
    console.log(
      `      ${[...STATS.entries()].map(([k, t]) => `${k} ${t.done}/${t.reverted}/${t.skipped}`).join(", ")}`,
    );
    console.log(
      `      ${RUNS} runs, ${steps} checked steps; validator steps done: ${JSON.stringify(Object.fromEntries(done))}`,
    );
    console.log(`      outcomes: ${[...EVENTS.entries()].map(([k, n]) => `${k} ${n}`).join(", ")}`);
    // The mix must reach what it is about: every validator action ran at least once.
    for (const [k, n] of done) expect(n, `${k} steps`).to.be.greaterThan(0);
  });
});
