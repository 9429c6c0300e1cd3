/**
 * Where a transaction's gas goes, per contract: `debug_traceTransaction`'s opcode log folded into call frames, each
 * frame's own gas (its opcodes, the calls it makes, not what its callees spend), grouped by the contract whose code
 * ran. `npm run bench` prints it for the measured `sync` at each size with `BENCH_TRACE=1`; docs/known-limits.md
 * reads the sync's cost from it.
 */
import { artifacts, network } from "hardhat";

interface StructLog {
  op: string;
  gas: number;
  gasCost: number;
  depth: number;
  stack?: string[];
}

/** One contract's share of a transaction. */
export interface FrameGas {
  /** gas its own code spent (calls it made included, its callees' work not) */
  own: number;
  /** of which SLOAD, SSTORE and LOGn */
  sload: number;
  sstore: number;
  logs: number;
  /** frames that ran its code */
  frames: number;
}

const CALLS = new Set(["CALL", "STATICCALL", "DELEGATECALL", "CALLCODE"]);

interface Frame {
  code: string;
  /** gas available when the frame's first opcode ran */
  start: number;
  /** gas its callees used */
  children: number;
  sload: number;
  sstore: number;
  logs: number;
}

/**
 * Gas by contract for transaction `hash`. `names` maps lowercase addresses to labels (code run by DELEGATECALL is
 * labelled by the address whose code ran, with "(delegatecall)" appended); anything unnamed keeps its address.
 * Returns the per-contract table and the intrinsic gas (what no frame spent: 21,000 plus calldata, less any refund).
 */
export async function gasByContract(
  hash: string,
  gasUsed: bigint,
  names: Record<string, string>,
): Promise<{ rows: [string, FrameGas][]; intrinsic: number }> {
  const trace = (await network.provider.send("debug_traceTransaction", [
    hash,
    { disableStorage: true, disableMemory: true },
  ])) as { structLogs: StructLog[] };
  const logs = trace.structLogs;
  const target = (l: StructLog) =>
    "0x" +
    BigInt("0x" + l.stack![l.stack!.length - 2])
      .toString(16)
      .padStart(40, "0");
  await nameLibraries(names, [...new Set(logs.filter((l) => CALLS.has(l.op)).map(target))]);
  const receipt = await network.provider.send("eth_getTransactionByHash", [hash]);
  const label = (address: string) => names[address.toLowerCase()] ?? address;
  const top: Frame = { code: label(receipt.to), start: logs[0]?.gas ?? 0, children: 0, sload: 0, sstore: 0, logs: 0 };
  const stack: Frame[] = [top];
  const totals = new Map<string, FrameGas>();
  const close = (f: Frame, gasLeft: number) => {
    const used = f.start - gasLeft;
    const row = totals.get(f.code) ?? { own: 0, sload: 0, sstore: 0, logs: 0, frames: 0 };
    row.own += used - f.children;
    row.sload += f.sload;
    row.sstore += f.sstore;
    row.logs += f.logs;
    row.frames += 1;
    totals.set(f.code, row);
    return used;
  };
  for (let i = 0; i < logs.length; i++) {
    const l = logs[i];
    const next = logs[i + 1];
    const frame = stack[stack.length - 1];
    if (CALLS.has(l.op) && next !== undefined && next.depth === l.depth + 1) {
      // The callee's address is the second stack item from the top (after the gas).
      const code = label(target(l)) + (l.op === "DELEGATECALL" ? " (delegatecall)" : "");
      stack.push({ code, start: next.gas, children: 0, sload: 0, sstore: 0, logs: 0 });
      continue;
    }
    if (l.op === "SLOAD") frame.sload += l.gasCost;
    else if (l.op === "SSTORE") frame.sstore += l.gasCost;
    else if (l.op.startsWith("LOG")) frame.logs += l.gasCost;
    if (next !== undefined && next.depth < l.depth) {
      // The frame's last opcode: what it used is what it started with minus what is left after this opcode.
      stack.pop();
      stack[stack.length - 1].children += close(frame, l.gas - l.gasCost);
    }
  }
  const last = logs[logs.length - 1];
  const executed = last === undefined ? 0 : close(top, last.gas - last.gasCost);
  // Refunds lower gasUsed below what ran; the intrinsic part is what is left of gasUsed (refunds included).
  const rows = [...totals.entries()].sort((a, b) => b[1].own - a[1].own);
  return { rows, intrinsic: Number(gasUsed) - executed };
}

/**
 * Labels for every contract of `root` (a suite object: contracts, arrays and records of them, at most three levels
 * deep), their ERC-1967 implementations ("<name> impl") and the linked libraries (matched by runtime code).
 */
export async function contractNames(root: object): Promise<Record<string, string>> {
  const { ethers } = await import("hardhat");
  const IMPLEMENTATION = "0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc";
  const names: Record<string, string> = {};
  const visit = async (value: unknown, path: string, depth: number): Promise<void> => {
    if (value === null || typeof value !== "object" || depth > 3) return;
    const maybe = value as { getAddress?: () => Promise<string>; interface?: unknown };
    if (typeof maybe.getAddress === "function" && maybe.interface !== undefined) {
      const address = (await maybe.getAddress()).toLowerCase();
      names[address] ??= path;
      const slot = await ethers.provider.getStorage(address, IMPLEMENTATION);
      const implementation = "0x" + slot.slice(26);
      if (BigInt(implementation) !== 0n) names[implementation] ??= `${path} impl`;
      return;
    }
    if ("provider" in (value as object)) return; // signers and providers
    const entries = Array.isArray(value) ? value.map((v, i) => [`${path}[${i}]`, v] as const) : Object.entries(value);
    for (const [key, v] of entries)
      await visit(v, Array.isArray(value) ? key : path ? `${path}.${key}` : key, depth + 1);
  };
  await visit(root, "", 0);
  return names;
}

/** Adds the linked libraries among `addresses` to `names` (a library's runtime code is its artifact's, address aside). */
async function nameLibraries(names: Record<string, string>, addresses: string[]): Promise<void> {
  const { ethers } = await import("hardhat");
  const libraries = new Map<string, string>();
  for (const name of ["VaultAssets", "RestakingPositions"]) {
    const artifact = await artifacts.readArtifact(name);
    libraries.set(artifact.deployedBytecode.slice(44).toLowerCase(), name);
  }
  for (const address of addresses) {
    if (names[address.toLowerCase()] !== undefined) continue;
    const code = (await ethers.provider.getCode(address)).slice(44).toLowerCase();
    const name = libraries.get(code);
    if (name !== undefined) names[address.toLowerCase()] = name;
  }
}

/** The table as text: one line per contract, most gas first, and the total. */
export function formatGasTable(rows: [string, FrameGas][], intrinsic: number, gasUsed: bigint): string {
  const fmt = (n: number) => n.toLocaleString("en-US").padStart(9);
  const lines = [
    `  ${"contract code".padEnd(44)} ${"own gas".padStart(9)} ${"SLOAD".padStart(9)} ${"SSTORE".padStart(9)} ${"LOG".padStart(9)}`,
  ];
  lines.push(`  ${"(intrinsic: 21,000 + calldata - refunds)".padEnd(44)} ${fmt(intrinsic)}`);
  for (const [code, g] of rows) {
    lines.push(`  ${code.padEnd(44)} ${fmt(g.own)} ${fmt(g.sload)} ${fmt(g.sstore)} ${fmt(g.logs)}`);
  }
  lines.push(`  ${"total (gasUsed)".padEnd(44)} ${fmt(Number(gasUsed))}`);
  return lines.join("\n");
}
