// CI gate: no `npm run bench` operation may cost more than 2% above the committed reports/gas.json. A deliberate
// change updates reports/gas.json in the same commit. Run: `node scripts/ci/gas.mjs <committed.json> <measured.json>`.
import fs from "node:fs";

const TOLERANCE = 0.02;
const [committedFile, measuredFile] = process.argv.slice(2);
const key = (r) => `${r.operation} (${r.operators},${r.strategies})`;
const load = (f) => new Map(JSON.parse(fs.readFileSync(f, "utf8")).map((r) => [key(r), r.gasUsed]));
const committed = load(committedFile);
const measured = load(measuredFile);
let bad = 0;
for (const [op, gas] of measured) {
  const before = committed.get(op);
  if (before === undefined) {
    console.log(`new        ${op}: ${gas}`);
    continue;
  }
  const change = (gas - before) / before;
  const over = change > TOLERANCE;
  if (over) bad += 1;
  if (over || Math.abs(change) > 0.001) {
    console.log(`${over ? "OVER" : "ok  "}       ${op}: ${before} -> ${gas} (${(change * 100).toFixed(2)}%)`);
  }
}
for (const op of committed.keys()) if (!measured.has(op)) console.log(`missing    ${op} (not measured any more)`);
console.log(`gas: ${measured.size} operations, ${bad} more than ${TOLERANCE * 100}% above reports/gas.json`);
process.exit(bad === 0 ? 0 : 1);
