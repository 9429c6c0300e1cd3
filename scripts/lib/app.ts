/**
 * The example dApp's local stack, shared by `npm run app` (scripts/app.ts) and its browser test (test/app/): a Hardhat
 * node, the LocalSuite deployed with Ignition, a believable state seeded (`lrt:seed`: operators, deposits of four
 * assets, a sync, restakes, a pending request), then Vite serving `app/` with the deployment in `VITE_LRT_CONFIG`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ROOT, ignitionDeploy, startNode, type Node, type NodeDeployment } from "./node";

export interface AppConfig {
  rpcUrl: string;
  chainId: number;
  vault: string;
  lens: string;
}

export interface RunningApp {
  /** The page's URL. */
  url: string;
  node: Node;
  deployment: NodeDeployment;
  config: AppConfig;
  stop(): Promise<void>;
}

const byName = (addresses: Record<string, string>, name: string) => {
  const key = Object.keys(addresses).find((k) => k.endsWith(`#${name}`));
  if (!key) throw new Error(`the deployment has no ${name}`);
  return addresses[key];
};

async function waitFor(url: string, child: ChildProcess, timeoutMs: number, log: () => string) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`vite exited (${child.exitCode}):\n${log()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > until) throw new Error(`vite not up on ${url} after ${timeoutMs} ms:\n${log()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Starts the node, deploys and seeds the suite, serves the page; `progress` gets one line per stage. */
export async function startApp(
  options: { nodePort?: number; appPort?: number; progress?: (line: string) => void } = {},
): Promise<RunningApp> {
  const progress = options.progress ?? (() => {});
  progress("starting a Hardhat node");
  const node = await startNode(options.nodePort);
  let vite: ChildProcess | undefined;
  const stop = async () => {
    if (vite && vite.exitCode === null) {
      vite.kill("SIGTERM");
      await new Promise((r) => setTimeout(r, 200));
    }
    await node.stop();
  };
  try {
    progress(`deploying the suite with Ignition to ${node.url} (LocalSuite)`);
    const deployment = await ignitionDeploy(
      node,
      "deploy/modules/LocalSuite.ts",
      "deploy/parameters/localhost.json",
      "app",
    );
    progress("seeding: operators, deposits of four assets, a sync, restakes, a pending request (lrt:seed)");
    const seeded = await deployment.task(["lrt:seed"]);
    if (seeded.code !== 0) throw new Error(`lrt:seed failed:\n${seeded.stdout}\n${seeded.stderr}`);
    const config: AppConfig = {
      rpcUrl: node.url,
      chainId: 31337,
      vault: byName(deployment.addresses, "LRTVault"),
      lens: byName(deployment.addresses, "LRTLens"),
    };
    const port = options.appPort ?? 5173;
    const url = `http://127.0.0.1:${port}/`;
    progress(`serving app/ with Vite on ${url}`);
    let output = "";
    const bin = path.join(ROOT, "node_modules", ".bin", "vite");
    if (!fs.existsSync(bin)) throw new Error("vite is not installed: run npm ci");
    vite = spawn(bin, ["--port", String(port)], {
      cwd: path.join(ROOT, "app"),
      env: { ...process.env, VITE_LRT_CONFIG: JSON.stringify(config), FORCE_COLOR: "0", NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    vite.stdout?.on("data", (b: Buffer) => (output += b.toString()));
    vite.stderr?.on("data", (b: Buffer) => (output += b.toString()));
    await waitFor(url, vite, 60_000, () => output);
    return { url, node, deployment, config, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
