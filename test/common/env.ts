/**
 * Knobs shared by every test (one home): how many random sequences the property tests run. `npm test` runs a
 * quick pass so the suite stays fast; CI also runs them at full strength (`INVARIANT_RUNS=200`, see `.ci/run`), and
 * the instrumented coverage run uses few.
 */
export const INVARIANT_RUNS = Number(process.env.INVARIANT_RUNS ?? 20);
/** The full strength CI runs the property tests at. */
export const INVARIANT_RUNS_FULL = 200;
