/**
 * A dry run of `npx hardhat ignition verify <deployment-id>`, with no block explorer: for every contract of an
 * Ignition deployment, what the verify task would send to Etherscan, resolved by Ignition's own
 * `getVerificationInformation` (the deployment's journal, artifacts and build-info) and hardhat-verify's own chain and
 * endpoint resolution, checked against the chain the deployment went to:
 *
 * - the constructor arguments Ignition would send (ABI-encoded from the journal's `constructorArgs`) are exactly the
 *   tail of the creation transaction's input, and what precedes them is the artifact's creation bytecode with the
 *   journal's libraries linked in, byte for byte (Etherscan compiles the sources and compares the same way);
 * - the transaction created the contract at the address Ignition verifies, and code is there;
 * - the compiler version is a full `v<version>+commit.<hash>` string, the standard JSON input holds the contract's
 *   source and, for a contract that links libraries, their addresses (`settings.libraries`);
 * - the explorer: the deployment's chain resolves (hardhat.config.ts `etherscan.customChains`, then hardhat-verify's
 *   built-in chains) to a chain config, an API URL and a contract URL.
 *
 * `asChainId` rehearses a deployment made on a local node (chain 31337) as if it were on that chain (e.g. 560048,
 * Hoodi): the explorer resolution uses that chain's config, everything else the local node.
 */
import fs from "node:fs";
import path from "node:path";
import { getVerificationInformation } from "@nomicfoundation/ignition-core";
import { Etherscan } from "@nomicfoundation/hardhat-verify/etherscan";
import { AbiCoder, Interface, type InterfaceAbi, type Provider } from "ethers";

interface ChainConfig {
  network: string;
  chainId: number;
  urls: { apiURL: string; browserURL: string };
}

/** hardhat-ignition's own (un-exported) `getApiKeyAndUrls`, as `ignition verify` calls it. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { getApiKeyAndUrls } = require(
  path.join(path.dirname(require.resolve("@nomicfoundation/hardhat-ignition")), "utils", "getApiKeyAndUrls.js"),
) as {
  getApiKeyAndUrls(apiKey: string | Record<string, string>, chain: ChainConfig): [string, string, string, number?];
};

export interface DryRunContract {
  futureId: string;
  name: string;
  address: string;
  /** bytes of constructor arguments sent (0 for a contract without any) */
  argsBytes: number;
  libraries: Record<string, string>;
  contractURL: string;
}

export interface DryRun {
  chainId: number;
  network: string;
  apiURL: string;
  contracts: DryRunContract[];
  /** one line per check that failed; empty when `ignition verify` would send exactly what was deployed */
  problems: string[];
}

interface JournalDeployment {
  futureId: string;
  artifactId: string;
  libraries: Record<string, string>;
  hash?: string;
  address?: string;
}

/** The deployment futures of a journal with their creation transaction (the last one confirmed) and address. */
function readJournal(dir: string): { chainId: number; deployments: Map<string, JournalDeployment> } {
  let chainId = -1;
  const deployments = new Map<string, JournalDeployment>();
  for (const line of fs.readFileSync(path.join(dir, "journal.jsonl"), "utf8").split("\n")) {
    if (line.trim() === "") continue;
    const m = JSON.parse(line);
    if (m.type === "DEPLOYMENT_INITIALIZE") chainId = m.chainId;
    else if (m.type === "DEPLOYMENT_EXECUTION_STATE_INITIALIZE")
      deployments.set(m.futureId, { futureId: m.futureId, artifactId: m.artifactId, libraries: m.libraries ?? {} });
    else if (m.type === "TRANSACTION_CONFIRM" && deployments.has(m.futureId))
      deployments.get(m.futureId)!.hash = m.hash;
    else if (m.type === "DEPLOYMENT_EXECUTION_STATE_COMPLETE" && m.result?.type === "SUCCESS")
      deployments.get(m.futureId)!.address = m.result.address;
  }
  return { chainId, deployments };
}

/** The artifact's creation bytecode with `libraries` (name → address) written over its link references. */
function linkedBytecode(
  artifact: { bytecode: string; linkReferences: Record<string, Record<string, { start: number; length: number }[]>> },
  libraries: Record<string, string>,
): string {
  let code = artifact.bytecode.slice(2).toLowerCase();
  for (const refs of Object.values(artifact.linkReferences)) {
    for (const [name, places] of Object.entries(refs)) {
      const address = libraries[name];
      if (address === undefined) throw new Error(`no address for library ${name}`);
      for (const { start, length } of places)
        code = code.slice(0, start * 2) + address.slice(2).toLowerCase() + code.slice((start + length) * 2);
    }
  }
  return `0x${code}`;
}

export async function verifyDryRun(
  deploymentDir: string,
  provider: Provider,
  etherscan: { apiKey?: string | Record<string, string>; customChains: ChainConfig[] },
  options: { asChainId?: number } = {},
): Promise<DryRun> {
  const problems: string[] = [];
  const { chainId, deployments } = readJournal(deploymentDir);
  const targetChainId = options.asChainId ?? chainId;
  // Ignition resolves the explorer from the journal's chain id: a rehearsal maps the local chain onto the target's.
  const target = etherscan.customChains.find((c) => c.chainId === targetChainId);
  const customChains =
    options.asChainId === undefined || target === undefined
      ? etherscan.customChains
      : [{ ...target, chainId }, ...etherscan.customChains];
  if (options.asChainId !== undefined && target === undefined)
    problems.push(`chain ${targetChainId} has no etherscan.customChains entry in hardhat.config.ts`);
  const byAddress = new Map([...deployments.values()].map((d) => [d.address?.toLowerCase(), d]));
  const contracts: DryRunContract[] = [];
  let chainConfig: ChainConfig | undefined;
  let etherscanClient: Etherscan | undefined;
  const coder = AbiCoder.defaultAbiCoder();

  for await (const [config, info] of getVerificationInformation(deploymentDir, customChains)) {
    if (config === null || typeof info === "string") {
      problems.push(`${info}: no artifact or build-info in the deployment: Ignition would skip it`);
      continue;
    }
    if (chainConfig === undefined) {
      chainConfig = { ...(config as ChainConfig), chainId: targetChainId };
      etherscanClient = new Etherscan(...getApiKeyAndUrls(etherscan.apiKey || "dry-run-key", chainConfig));
    }
    const d = byAddress.get(info.address.toLowerCase());
    const where = `${d?.futureId ?? info.name} at ${info.address}`;
    if (d === undefined || d.hash === undefined) {
      problems.push(`${where}: not a confirmed deployment of the journal`);
      continue;
    }
    const artifact = JSON.parse(
      fs.readFileSync(path.join(deploymentDir, "artifacts", `${d.artifactId}.json`), "utf8"),
    ) as Parameters<typeof linkedBytecode>[0] & { abi: InterfaceAbi };
    const tx = await provider.getTransaction(d.hash);
    const receipt = await provider.getTransactionReceipt(d.hash);
    if (tx === null || receipt === null) {
      problems.push(`${where}: creation transaction ${d.hash} not found on the chain`);
      continue;
    }
    if (tx.to !== null || receipt.contractAddress?.toLowerCase() !== info.address.toLowerCase())
      problems.push(`${where}: ${d.hash} did not create it (to ${tx.to}, created ${receipt.contractAddress})`);
    if ((await provider.getCode(info.address)) === "0x") problems.push(`${where}: no code`);
    const args = info.args.startsWith("0x") ? info.args.slice(2) : info.args;
    const input = tx.data.toLowerCase();
    const bytecode = linkedBytecode(artifact, d.libraries);
    if (!input.endsWith(args.toLowerCase()))
      problems.push(`${where}: the constructor arguments Ignition would send are not the end of the creation input`);
    else if (input.slice(0, input.length - args.length) !== bytecode)
      problems.push(`${where}: the creation input minus the arguments is not the artifact's linked bytecode`);
    try {
      coder.decode(Interface.from(artifact.abi).deploy.inputs, `0x${args}`);
    } catch (err) {
      problems.push(`${where}: the arguments do not decode with the constructor's ABI: ${String(err)}`);
    }
    if (!/^v\d+\.\d+\.\d+\+commit\.[0-9a-f]{8}$/.test(info.compilerVersion))
      problems.push(`${where}: compiler version "${info.compilerVersion}" is not v<version>+commit.<hash>`);
    const input_ = JSON.parse(info.sourceCode) as {
      language: string;
      sources: Record<string, unknown>;
      settings: { libraries?: Record<string, Record<string, string>> };
    };
    const [sourceName] = info.name.split(":");
    if (input_.language !== "Solidity" || input_.sources[sourceName] === undefined)
      problems.push(`${where}: the standard JSON input does not hold ${sourceName}`);
    const linked = Object.values(input_.settings.libraries ?? {}).flatMap((l) => Object.entries(l));
    for (const [name, address] of Object.entries(d.libraries))
      if (!linked.some(([n, a]) => n === name && a.toLowerCase() === address.toLowerCase()))
        problems.push(`${where}: settings.libraries lacks ${name} at ${address}`);
    contracts.push({
      futureId: d.futureId,
      name: info.name,
      address: info.address,
      argsBytes: args.length / 2,
      libraries: d.libraries,
      contractURL: etherscanClient!.getContractUrl(info.address),
    });
  }
  const verified = new Set(contracts.map((c) => c.futureId));
  for (const d of deployments.values())
    if (d.address !== undefined && !verified.has(d.futureId) && !problems.some((p) => p.startsWith(d.futureId)))
      problems.push(`${d.futureId}: deployed, but Ignition would not verify it`);
  return {
    chainId: targetChainId,
    network: chainConfig?.network ?? "?",
    apiURL: etherscanClient?.apiUrl ?? "?",
    contracts,
    problems,
  };
}
