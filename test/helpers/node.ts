/**
 * The node helpers of the tests: the node and its Ignition deployments are `scripts/lib/node.ts` (shared with
 * `npm run app`); the refusal and success checks of a task run are here.
 */
import { expect } from "chai";
import type { RunResult } from "../../scripts/lib/node";

export * from "../../scripts/lib/node";

/** Exit code 1, exactly one line on stderr, starting `lrt: ` and matching `why`, no stack frame anywhere. */
export function expectRefusal(r: RunResult, why: RegExp) {
  const context = `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`;
  expect(r.code, context).to.equal(1);
  const lines = r.stderr.split("\n").filter((l) => l.trim() !== "");
  expect(lines, context).to.have.length(1);
  expect(lines[0], context).to.match(/^lrt: /);
  expect(lines[0], context).to.match(why);
  expect(`${r.stdout}\n${r.stderr}`, context).not.to.match(/^\s+at .+:\d+:\d+\)?$/m);
  expect(`${r.stdout}\n${r.stderr}`, context).not.to.match(/TypeError|RangeError|HardhatError|ProviderError/);
}

export function expectSuccess(r: RunResult): string {
  expect(r.code, `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`).to.equal(0);
  expect(r.stderr.trim(), r.stderr).to.equal("");
  return r.stdout;
}
