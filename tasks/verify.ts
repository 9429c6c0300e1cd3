/**
 * `npx hardhat lrt:verify-dry-run --deployment <id|dir> --network <name>`: what `npx hardhat ignition verify <id>`
 * would send to Etherscan for each contract of an Ignition deployment, checked against the chain without contacting
 * any explorer (scripts/lib/verifyDryRun.ts): constructor arguments and linked bytecode equal to each creation
 * transaction's input, compiler version, sources, libraries, and the explorer the chain resolves to. Run it before
 * `ignition verify` (docs/deploying.md); `--as-chain 560048` rehearses a local node deployment as Hoodi's.
 */
import fs from "node:fs";
import path from "node:path";
import { task } from "hardhat/config";
import { fail, parseUint, refusing } from "./lrt";

task(
  "lrt:verify-dry-run",
  "Checks what `ignition verify` would send to Etherscan against the deployed chain (no explorer)",
)
  .addParam("deployment", "Ignition deployment id (deploy/deployments/<id>) or a deployment directory")
  .addOptionalParam("asChain", "resolve the explorer as this chain id (a local rehearsal of a public deployment)")
  .setAction(
    refusing(async (args: { deployment: string; asChain?: string }, hre) => {
      const { verifyDryRun } = await import("../scripts/lib/verifyDryRun");
      const dir =
        args.deployment.includes("/") || args.deployment.includes(path.sep)
          ? path.resolve(args.deployment)
          : path.join(hre.config.paths.ignition, "deployments", args.deployment);
      if (!fs.existsSync(path.join(dir, "journal.jsonl"))) fail(`no Ignition journal in ${dir}.`);
      const asChainId = args.asChain === undefined ? undefined : Number(parseUint("as-chain", args.asChain, 1n));
      const run = await verifyDryRun(
        dir,
        hre.ethers.provider,
        { apiKey: hre.config.etherscan.apiKey, customChains: hre.config.etherscan.customChains },
        { asChainId },
      );
      for (const c of run.contracts)
        console.log(
          `${c.futureId}: ${c.name} at ${c.address}, ${c.argsBytes} bytes of constructor arguments` +
            `${Object.keys(c.libraries).length > 0 ? `, libraries ${Object.keys(c.libraries).join(", ")}` : ""} → ${c.contractURL}`,
        );
      if (run.problems.length > 0)
        fail(`verify dry run: ${run.problems.length} problem(s): ${run.problems.join("; ")}`);
      console.log(
        `verify dry run: ${run.contracts.length} contract(s) would be sent as deployed, to ${run.network} (chain ${run.chainId}, ${run.apiURL})`,
      );
    }),
  );
