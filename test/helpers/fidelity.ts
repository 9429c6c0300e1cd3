import fs from "node:fs";
import path from "node:path";
import { ethers } from "ethers";

/** One entry of `deploy/eigenlayer/interfaces.json` (vendored from EigenLayer v1.12.0; see its `_meta`). */
export interface JsonEntry {
  signature: string;
  selector?: string;
  topic0?: string;
  indexed?: string | null;
}

interface JsonSection {
  functions?: JsonEntry[];
  events?: JsonEntry[];
  errors?: JsonEntry[];
  omittedFunctions?: string[];
}

export type Interfaces = Record<string, JsonSection>;

export const INTERFACES_JSON = path.join(__dirname, "../../deploy/eigenlayer/interfaces.json");

export function loadInterfaces(): Interfaces {
  return JSON.parse(fs.readFileSync(INTERFACES_JSON, "utf8")) as Interfaces;
}

const nameOf = (signature: string): string => signature.slice(0, signature.indexOf("("));

/** The mainnet entries of the given sections, grouped by kind and name (overloads share a name). */
export function mainnetSurface(json: Interfaces, sections: string[]) {
  const functions = new Map<string, JsonEntry[]>();
  const events = new Map<string, JsonEntry[]>();
  const errors = new Map<string, JsonEntry[]>();
  const add = (map: Map<string, JsonEntry[]>, entry: JsonEntry) => {
    const list = map.get(nameOf(entry.signature)) ?? [];
    if (!list.some((e) => e.signature === entry.signature)) list.push(entry);
    map.set(nameOf(entry.signature), list);
  };
  for (const section of sections) {
    const s = json[section];
    if (!s) throw new Error(`interfaces.json has no section ${section}`);
    for (const f of s.functions ?? []) add(functions, f);
    for (const sig of s.omittedFunctions ?? []) add(functions, { signature: sig });
    for (const e of s.events ?? []) add(events, e);
    for (const e of s.errors ?? []) add(errors, e);
  }
  return { functions, events, errors };
}

/**
 * Compares a compiled ABI with the mainnet surface. Every function, event and error of the ABI whose NAME exists on
 * mainnet must have one of mainnet's signatures for that name, with the same selector / topic; events must also
 * index the same parameters. Returns one line per mismatch (empty: faithful).
 */
export function compareAbi(abi: ethers.InterfaceAbi, surface: ReturnType<typeof mainnetSurface>): string[] {
  const iface = new ethers.Interface(abi);
  const problems: string[] = [];
  iface.forEachFunction((fn) => {
    const mainnet = surface.functions.get(fn.name);
    if (!mainnet) return;
    const match = mainnet.find((m) => m.signature === fn.format("sighash"));
    if (!match) problems.push(`function ${fn.format("sighash")} is not a mainnet signature of ${fn.name}`);
    else if (match.selector && match.selector !== fn.selector) problems.push(`function ${fn.name} selector differs`);
  });
  iface.forEachEvent((ev) => {
    const mainnet = surface.events.get(ev.name);
    if (!mainnet) return;
    const match = mainnet.find((m) => m.signature === ev.format("sighash"));
    if (!match) {
      problems.push(`event ${ev.format("sighash")} is not a mainnet signature of ${ev.name}`);
      return;
    }
    if (match.topic0 && match.topic0 !== ev.topicHash) problems.push(`event ${ev.name} topic differs`);
    const ours = ev.inputs.filter((i) => i.indexed).map((i) => i.name);
    const theirs = match.indexed ? match.indexed.split(",") : [];
    if (ours.join(",") !== theirs.join(",")) {
      problems.push(`event ${ev.name} indexes [${ours.join(",")}], mainnet [${theirs.join(",")}]`);
    }
  });
  iface.forEachError((er) => {
    const mainnet = surface.errors.get(er.name);
    if (!mainnet) return;
    const match = mainnet.find((m) => m.signature === er.format("sighash"));
    if (!match) problems.push(`error ${er.format("sighash")} is not a mainnet signature of ${er.name}`);
    else if (match.selector && match.selector !== er.selector) problems.push(`error ${er.name} selector differs`);
  });
  return problems;
}

/** Signatures present in `abi` (functions), for "the vault needs these" checks. */
export function functionSignatures(abi: ethers.InterfaceAbi): Set<string> {
  const out = new Set<string>();
  new ethers.Interface(abi).forEachFunction((fn) => out.add(fn.format("sighash")));
  return out;
}
