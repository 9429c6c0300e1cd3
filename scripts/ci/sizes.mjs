// CI gate: every deployable contract's runtime code must stay at or under 20,000 bytes (EIP-170 allows 24,576; the
// rest is kept for native restaking). Deployable = compiled from contracts/ outside contracts/test/ and
// contracts/interfaces/, with runtime code. Run after `hardhat compile`: `node scripts/ci/sizes.mjs`.
import fs from "node:fs";
import path from "node:path";

const LIMIT = 20_000;
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../../artifacts/contracts");

function* artifacts(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (p === path.join(root, "test") || p === path.join(root, "interfaces")) continue;
      yield* artifacts(p);
    } else if (entry.name.endsWith(".json") && !entry.name.endsWith(".dbg.json")) yield p;
  }
}

const rows = [];
for (const file of artifacts(root)) {
  const a = JSON.parse(fs.readFileSync(file, "utf8"));
  const bytes = (a.deployedBytecode.length - 2) / 2;
  if (bytes > 0) rows.push({ name: a.contractName, bytes });
}
rows.sort((a, b) => b.bytes - a.bytes);
let over = 0;
for (const { name, bytes } of rows) {
  const flag = bytes > LIMIT ? "  OVER" : "";
  if (bytes > LIMIT) over += 1;
  console.log(`${String(bytes).padStart(6)}  ${name}${flag}`);
}
console.log(`contract sizes: ${rows.length} deployable contracts, ${over} over ${LIMIT} bytes`);
process.exit(over === 0 ? 0 : 1);
