// CI gate: coverage of the deployable contracts (solidity-coverage skips contracts/test/ and interfaces, see
// .solcover.js) must be at least 98% of lines and 92% of branches. Reads coverage/coverage-summary.json, written by
// `npm run coverage`. Run: `node scripts/ci/coverage.mjs`.
import fs from "node:fs";

const MIN = { lines: 98, branches: 92 };
const summary = JSON.parse(fs.readFileSync("coverage/coverage-summary.json", "utf8"));
let ok = true;
const worst = Object.entries(summary)
  .filter(([file]) => file !== "total")
  .sort(([, a], [, b]) => a.branches.pct - b.branches.pct)
  .slice(0, 8);
for (const [file, s] of worst) {
  console.log(`${String(s.lines.pct).padStart(6)}% lines ${String(s.branches.pct).padStart(6)}% branches  ${file}`);
}
for (const key of Object.keys(MIN)) {
  const { covered, total, pct } = summary.total[key];
  const pass = pct >= MIN[key];
  if (!pass) ok = false;
  console.log(`coverage ${key}: ${pct}% (${covered}/${total}), minimum ${MIN[key]}%${pass ? "" : "  BELOW"}`);
}
process.exit(ok ? 0 : 1);
