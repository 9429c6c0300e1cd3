/**
 * Every operator task's refusal paths against a real local node (`npx hardhat node` + the LocalSuite Ignition
 * deployment, see ./localNode.ts), each as an `npx hardhat <task> --network localhost` child process: exit code 1,
 * exactly one line on stderr starting `lrt: `, no stack trace. The deployment is fresh: no delegator yet, so every
 * index is out of range (the `RangeError: out of result range` of issue 9), and a reverting `addDelegator` must be
 * decoded from Hardhat's error object (the `TypeError: invalid BytesLike value` of issue 9).
 */
import { expect } from "chai";
import type { JsonRpcSigner } from "ethers";
import { ROLES } from "../../deploy/modules/roles";
import { AccessManager__factory, type AccessManager } from "../../typechain-types";
import { address, all, expectRefusal, expectSuccess, hardhat, sharedLocalNode, type LocalNode } from "./localNode";

describe("operator tasks against a local node", function () {
  let node: LocalNode;
  let snapshot: string;
  let admin: JsonRpcSigner;
  let accessManager: AccessManager;

  before(async function () {
    this.timeout(400_000);
    node = await sharedLocalNode();
    snapshot = await node.snapshot();
    admin = await node.provider.getSigner(0);
    accessManager = AccessManager__factory.connect(address(node, "LocalSuite#AccessManager"), admin);
  });

  after(async () => {
    if (snapshot) await node.revert(snapshot);
  });

  describe("refusals: one line on stderr, exit code 1, no stack trace", function () {
    this.timeout(180_000);

    it("refuses without a usable network or deployment", async () => {
      const [inProcess, noDeployment, noNode] = await all([
        () => hardhat(["lrt:status", "--network", "hardhat"]),
        () => node.task(["lrt:status"], { LRT_DEPLOYMENT: "no-such-deployment" }),
        () => node.task(["lrt:sync"], { LRT_LOCALHOST_URL: "http://127.0.0.1:1" }),
      ]);
      expectRefusal(inProcess, /in-process Hardhat network starts empty/);
      expectRefusal(noDeployment, /no lrt-vault deployment for chain 31337 .*no-such-deployment/);
      expectRefusal(noNode, /connect/i);
    });

    it("lrt:add-delegator: bad arguments, and a reverting call decoded from Hardhat's error object", async () => {
      const unregistered = "0x000000000000000000000000000000000000dEaD";
      const [notAddress, target, reverting] = await all([
        () => node.task(["lrt:add-delegator", "--operator", "0x01", "--target", "5000"]),
        () => node.task(["lrt:add-delegator", "--operator", unregistered, "--target", "20000"]),
        () => node.task(["lrt:add-delegator", "--operator", unregistered, "--target", "5000"]),
      ]);
      expectRefusal(notAddress, /--operator must be an address/);
      expectRefusal(target, /--target must be between 0 and 10000, not 20000/);
      // The stand-in DelegationManager's (mainnet's) error, from inside the delegator's initializer.
      expectRefusal(reverting, /^lrt: addDelegator\(.+\) failed: reverted: OperatorNotRegistered\(\)$/);
    });

    it("lrt:restake, lrt:queue-withdrawals, lrt:complete-withdrawals, lrt:claim-rewards: every index guarded", async () => {
      const results = await all([
        () => node.task(["lrt:restake", "--delegator", "0", "--asset", "stETH", "--units", "1"]),
        () => node.task(["lrt:restake", "--delegator", "0", "--asset", "DOGE", "--units", "1"]),
        () => node.task(["lrt:restake", "--delegator", "x", "--asset", "stETH", "--units", "1"]),
        () => node.task(["lrt:queue-withdrawals", "--delegator", "3", "--asset", "stETH", "--shares", "all"]),
        () => node.task(["lrt:complete-withdrawals", "--delegator", "0x000000000000000000000000000000000000dEaD"]),
        () => node.task(["lrt:claim-rewards", "--delegator", "0", "--claim", "no-such-claim.json"]),
      ]);
      const why = [
        /no delegator #0: the manager has no delegator yet/,
        /unknown asset DOGE; the vault supports ETH, stETH, wstETH, rETH, cbETH, WETH/,
        /--delegator must be an index or an address, not "x"/,
        /no delegator #3/,
        /0x000000000000000000000000000000000000dEaD is not one of the manager's delegators \(none\)/,
        /no delegator #0/,
      ];
      results.forEach((r, i) => expectRefusal(r, why[i]));
    });

    it("lrt:restake refuses a signer without the KEEPER role", async () => {
      const keeper = await admin.getAddress();
      await (await accessManager.revokeRole(ROLES.KEEPER, keeper)).wait();
      try {
        expectRefusal(
          await node.task(["lrt:restake", "--delegator", "0", "--asset", "stETH", "--units", "1"]),
          new RegExp(`${keeper} may not call restake: it lacks the KEEPER role`),
        );
      } finally {
        await (await accessManager.grantRole(ROLES.KEEPER, keeper, 0)).wait();
      }
    });

    it("lrt:finalize, lrt:redenominate, lrt:keeper: bad arguments and unknown requests", async () => {
      const results = await all([
        () => node.task(["lrt:finalize", "--max", "0"]),
        () => node.task(["lrt:finalize", "--max", "many"]),
        () => node.task(["lrt:redenominate", "--request", "5", "--asset", "ETH"]),
        () => node.task(["lrt:redenominate", "--request", "5", "--asset", "DOGE"]),
        () => node.task(["lrt:keeper", "--interval", "0"]),
        () => node.task(["lrt:keeper", "--once", "--eigen-pod-manager", "0x12"]),
        () => node.task(["lrt:keeper", "--max-ticks", "0"]),
      ]);
      const why = [
        /--max must be between 1 and \d+, not 0/,
        /--max must be a whole number, not "many"/,
        /no request 5: reverted: WithdrawalQueueUnknownRequest\(5\)/,
        /unknown asset DOGE/,
        /--interval must be between 1 and 86400, not 0/,
        /--eigen-pod-manager must be an address/,
        /--max-ticks must be between 1 and/,
      ];
      results.forEach((r, i) => expectRefusal(r, why[i]));
    });

    it("with nothing to do, lrt:finalize and lrt:keeper --once succeed quietly", async () => {
      const [finalize, keeper] = await all([
        () => node.task(["lrt:finalize"]),
        () => node.task(["lrt:keeper", "--once"]),
      ]);
      expect(expectSuccess(finalize)).to.contain("no pending request");
      const out = expectSuccess(keeper);
      expect(out).to.match(/keeper stopped after 1 tick/);
      expect(out).not.to.match(/failed/);
    });
  });
});
