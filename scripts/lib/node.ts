/**
 * A Hardhat node for the scripts and tests that drive the operator tasks or a dApp: `npx hardhat node` on a free port (its own process group, so
 * stopping it stops npx and the node together, and killed when the test process exits whatever happens), an Ignition
 * deployment made to it with the CLI (`npx hardhat ignition deploy <module> --network localhost --parameters <file>`),
 * moved to a temporary directory (deploy/deployments/ is left as it was). Tasks run as child processes, pointed at the
 * node with `LRT_LOCALHOST_URL` and at the deployment with `LRT_DEPLOYMENT`.
 *
 * Used by the task tests (test/tasks/localNode.ts: the local suite) and the Hoodi-shaped run (test/fork/hoodiShaped.ts:
 * the testnet module on stand-ins placed at the Hoodi addresses).
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { JsonRpcProvider, Network } from "ethers";

export const ROOT = path.resolve(__dirname, "..", "..");

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The test's environment without Hardhat's own variables (the child picks its network from its arguments). */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" };
  for (const key of Object.keys(env)) if (key.startsWith("HARDHAT_")) delete env[key];
  return { ...env, ...extra };
}

/** Runs `npx hardhat <args>` in the repository with extra environment variables. */
export function hardhat(args: string[], env: Record<string, string> = {}, timeoutMs = 120_000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn("npx", ["hardhat", ...args], {
      cwd: ROOT,
      env: childEnv(env),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`npx hardhat ${args.join(" ")} timed out after ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function rpc(url: string, method: string, params: unknown[] = []): Promise<unknown> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await res.json()) as { result?: unknown; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

/** A running `npx hardhat node` (chain id 31337, Hardhat's usual unlocked accounts). */
export interface Node {
  url: string;
  /** An ethers provider on the node (its unlocked accounts are `provider.getSigner(i)`). */
  provider: JsonRpcProvider;
  /** Mines `blocks` empty blocks. */
  mine(blocks: number): Promise<void>;
  /** `evm_snapshot`: the id to `revert` to. */
  snapshot(): Promise<string>;
  /** `evm_revert` to a snapshot (chain state and clock). */
  revert(snapshot: string): Promise<void>;
  /** Stops the node and removes what was made for it (deployment copies included). */
  stop(): Promise<void>;
  /** Registers a directory to remove on `stop`. */
  cleanup(dir: string): void;
}

/** Starts `npx hardhat node` on `port` (default: a free one) and waits until it answers. */
export async function startNode(port?: number): Promise<Node> {
  port ??= await freePort();
  const url = `http://127.0.0.1:${port}`;
  const log = fs.mkdtempSync(path.join(os.tmpdir(), "lrt-node-"));
  const out = fs.openSync(path.join(log, "node.log"), "w");
  const child = spawn("npx", ["hardhat", "node", "--port", String(port)], {
    cwd: ROOT,
    env: childEnv({}),
    detached: true,
    stdio: ["ignore", out, out],
  });
  fs.closeSync(out);
  let exited = false;
  child.on("exit", () => (exited = true));
  // Never leave the node behind, even if the test process dies (its process group would survive it).
  const kill = () => {
    if (!exited && child.pid !== undefined) {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  };
  process.on("exit", kill);
  const dirs = [log];
  const provider = new JsonRpcProvider(url, Network.from(31337), {
    staticNetwork: true,
    pollingInterval: 50,
    cacheTimeout: -1,
  });

  const stop = async () => {
    process.off("exit", kill);
    provider.destroy();
    if (!exited && child.pid !== undefined) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // already gone
      }
      for (let i = 0; i < 50 && !exited; ++i) await new Promise((r) => setTimeout(r, 100));
      if (!exited) {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    }
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  };

  try {
    for (let i = 0; ; ++i) {
      if (exited) throw new Error(`hardhat node exited:\n${fs.readFileSync(path.join(log, "node.log"), "utf8")}`);
      try {
        await rpc(url, "eth_chainId");
        break;
      } catch {
        if (i > 600) throw new Error(`hardhat node not up on ${url} after 60 s`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url,
    provider,
    mine: async (blocks) => {
      await rpc(url, "hardhat_mine", [`0x${blocks.toString(16)}`]);
    },
    snapshot: async () => String(await rpc(url, "evm_snapshot")),
    revert: async (snapshot) => {
      if ((await rpc(url, "evm_revert", [snapshot])) !== true) throw new Error(`evm_revert ${snapshot} failed`);
    },
    stop,
    cleanup: (dir) => dirs.push(dir),
  };
}

/** An Ignition deployment made to a node, copied out of deploy/deployments/. */
export interface NodeDeployment {
  /** The temporary directory holding the deployment (journal, deployed_addresses.json, artifacts, build-info). */
  dir: string;
  /** deployed_addresses.json (Ignition future id → address). */
  addresses: Record<string, string>;
  /** Environment for task child processes: the node's URL and the deployment's directory. */
  env: Record<string, string>;
  /** `npx hardhat <args> --network localhost` against the node and this deployment. */
  task(args: string[], env?: Record<string, string>): Promise<RunResult>;
}

/**
 * `npx hardhat ignition deploy <modulePath> --network localhost --parameters <parameters>` to the node, with a
 * deployment id of its own; the deployment is then moved to a temporary directory removed when the node stops.
 */
export async function ignitionDeploy(
  node: Node,
  modulePath: string,
  parameters: string,
  idPrefix: string,
): Promise<NodeDeployment> {
  const deploymentId = `${idPrefix}-${process.pid}-${new URL(node.url).port}`;
  const ignitionDir = path.join(ROOT, "deploy", "deployments", deploymentId);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lrt-deployment-"));
  node.cleanup(dir);
  node.cleanup(ignitionDir);
  const args = ["ignition", "deploy", modulePath, "--network", "localhost", "--parameters", parameters];
  const deployed = await hardhat([...args, "--deployment-id", deploymentId], { LRT_LOCALHOST_URL: node.url }, 300_000);
  if (deployed.code !== 0) throw new Error(`ignition deploy failed:\n${deployed.stdout}\n${deployed.stderr}`);
  // The tasks read the deployment from a temporary copy; deploy/deployments/ is left untouched.
  fs.cpSync(ignitionDir, dir, { recursive: true });
  fs.rmSync(ignitionDir, { recursive: true, force: true });
  const addresses = JSON.parse(fs.readFileSync(path.join(dir, "deployed_addresses.json"), "utf8")) as Record<
    string,
    string
  >;
  const env = { LRT_LOCALHOST_URL: node.url, LRT_DEPLOYMENT: dir };
  return {
    dir,
    addresses,
    env,
    task: (taskArgs, extra = {}) => hardhat([...taskArgs, "--network", "localhost"], { ...env, ...extra }),
  };
}
