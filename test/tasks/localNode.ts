/**
 * The task tests' node: `npx hardhat node` with the local suite (deploy/modules/LocalSuite.ts) deployed to it with
 * Ignition exactly as scripts/local-node.sh does (the node and the deployment: test/helpers/node.ts).
 *
 * The task test files share one node (`sharedLocalNode`, started by the first file's `before` hook, stopped by the
 * root `after` hook below): each file takes an EVM snapshot in its `before` and reverts to it in its `after`, so each
 * starts from the fresh deployment, and the deployment (about 80 transactions) is paid once per run.
 */
import { ignitionDeploy, startNode, type Node, type NodeDeployment } from "../helpers/node";

export { expectRefusal, expectSuccess, hardhat, type RunResult } from "../helpers/node";

export interface LocalNode extends Node, Pick<NodeDeployment, "env" | "addresses" | "task"> {}

/** Starts a node on a free port and deploys deploy/modules/LocalSuite.ts to it (as scripts/local-node.sh does). */
export async function startLocalNode(): Promise<LocalNode> {
  const node = await startNode();
  try {
    const d = await ignitionDeploy(
      node,
      "deploy/modules/LocalSuite.ts",
      "deploy/parameters/localhost.json",
      "tasks-test",
    );
    return { ...node, env: d.env, addresses: d.addresses, task: d.task };
  } catch (err) {
    await node.stop();
    throw err;
  }
}

let shared: Promise<LocalNode> | undefined;

/** The node (and deployment) shared by the task test files: started by the first one that asks. */
export function sharedLocalNode(): Promise<LocalNode> {
  shared ??= startLocalNode();
  return shared;
}

// A root hook (this module is first loaded while mocha reads the test files): stop the shared node after the run.
after(async function () {
  this.timeout(30_000);
  const node = await shared?.catch(() => undefined);
  shared = undefined;
  await node?.stop();
});

/** The address of an Ignition future, e.g. `address(node, "LocalSuite#LRTVault")`. */
export function address(node: LocalNode, id: string): string {
  const a = node.addresses[id];
  if (!a) throw new Error(`no ${id} in the deployment`);
  return a;
}

/** Runs the cases two at a time (each is a separate Hardhat process). */
export async function all<T>(cases: (() => Promise<T>)[], width = 2): Promise<T[]> {
  const out: T[] = new Array(cases.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < cases.length) {
        const i = next++;
        out[i] = await cases[i]();
      }
    }),
  );
  return out;
}
