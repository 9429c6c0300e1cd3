// CI gate: coverage of the deployable contracts (solidity-coverage skips contracts/test/ and interfaces, see
// .solcover.js) must be at least 98% of lines and 92% of branches. Reads coverage/coverage-summary.json, written by
// `npm run coverage`, and prints every file's figures; with `--gaps` (or when a minimum is missed) also the lines and
// branches left uncovered, from coverage.json. Run: `node scripts/ci/coverage.mjs [--gaps]`.
import fs from "node:fs";

const MIN = { lines: 98, branches: 92 };
const summary = JSON.parse(fs.readFileSync("coverage/coverage-summary.json", "utf8"));
const short = (file) => file.replace(/^.*?contracts\//, "contracts/");
let ok = true;
for (const [file, s] of Object.entries(summary)
  .filter(([file]) => file !== "total")
  .sort(([, a], [, b]) => a.branches.pct - b.branches.pct)) {
  const lines = `${s.lines.covered}/${s.lines.total}`;
  const branches = `${s.branches.covered}/${s.branches.total}`;
  console.log(
    `${String(s.lines.pct).padStart(6)}% lines (${lines.padStart(7)}) ${String(s.branches.pct).padStart(6)}% branches (${branches.padStart(7)})  ${short(file)}`,
  );
}
for (const key of Object.keys(MIN)) {
  const { covered, total, pct } = summary.total[key];
  const pass = pct >= MIN[key];
  if (!pass) ok = false;
  console.log(`coverage ${key}: ${pct}% (${covered}/${total}), minimum ${MIN[key]}%${pass ? "" : "  BELOW"}`);
}

if ((!ok || process.argv.includes("--gaps")) && fs.existsSync("coverage.json")) {
  // Istanbul's per-file maps: `l` line -> hits; `b` branch -> hits per arm, `branchMap` its line and kind.
  const detail = JSON.parse(fs.readFileSync("coverage.json", "utf8"));
  for (const [file, d] of Object.entries(detail)) {
    const lines = Object.entries(d.l)
      .filter(([, hits]) => hits === 0)
      .map(([line]) => line);
    const branches = Object.entries(d.b).flatMap(([id, arms]) =>
      arms.flatMap((hits, arm) => (hits === 0 ? [`${d.branchMap[id].line}(${d.branchMap[id].type} arm ${arm})`] : [])),
    );
    if (lines.length === 0 && branches.length === 0) continue;
    console.log(`${short(file)}:`);
    if (lines.length) console.log(`  lines not run: ${lines.join(", ")}`);
    if (branches.length) console.log(`  branches not taken: ${branches.join(", ")}`);
  }
}
process.exit(ok ? 0 : 1);
