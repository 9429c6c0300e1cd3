/**
 * Knobs shared by every test (one home).
 *
 * `npm test` is the quick pass a developer runs (under 3 minutes on a 2-core machine); CI runs everything at full
 * strength as well, in separate scripts (see `.ci/run`):
 * - `INVARIANT_RUNS`: how many random sequences the property tests run: 20 by default, 4 in the instrumented
 *   coverage run, 200 in `npm run test:properties`. LRTAccountant's P2 property runs at least 20: below, its seed
 *   finds no loss sync, and its check that every path ran fails.
 * - `TEST_FULL=1` (`npm run test:full`): every case of the heavy matrices: the whole re-entrancy matrix
 *   (`test/security/05-reentrancy.test.ts`: 5 scenarios x hook before/after x 16 entry points; without it, every
 *   entry point once, every scenario both ways, and the original attack both ways), and the `positions()` gas table
 *   at 16 operators (`test/RestakingManager/gas.test.ts`, printed only).
 */
export const INVARIANT_RUNS = Number(process.env.INVARIANT_RUNS ?? 20);
/** The full strength CI runs the property tests at. */
export const INVARIANT_RUNS_FULL = 200;
/** Every case of the heavy matrices (`TEST_FULL=1`, `npm run test:full`), instead of the quick subset. */
export const FULL = process.env.TEST_FULL === "1";
