/**
 * @lrt-vault/sdk (run `npm run build:sdk` first; `npm run test:sdk` runs this file):
 * - what it ships: the deployable contracts and the integrator interfaces, never a test stand-in;
 * - the packed SDK: `npm pack`, installed into an empty project with ethers, its sample (ESM), a CommonJS import,
 *   abitype inference and docs/sdk.md's examples type-checked with `tsc --strict`, then the sample run against a
 *   local node with the suite deployed (test/tasks/localNode.ts);
 * - the client against the same node: previews and their reasons, deposits (ETH, stETH with its shares converted),
 *   typed errors, request → finalize → claim, the APR from the sync events.
 */
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { Contract, Interface, parseEther, type JsonRpcSigner } from "ethers";
import { address, sharedLocalNode, type LocalNode } from "../../test/tasks/localNode";

const ROOT = path.resolve(__dirname, "..", "..");
const SDK = path.join(ROOT, "sdk");
const DIST = path.join(SDK, "dist");
const TSC = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");

// eslint-disable-next-line @typescript-eslint/no-require-imports
const sdk = (): typeof import("@lrt-vault/sdk") => require(path.join(DIST, "cjs", "index.js"));

function* files(dir: string): Generator<string> {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* files(p);
    else yield p;
  }
}

/** The ```ts blocks of a markdown file. */
export function tsBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
}

describe("@lrt-vault/sdk", function () {
  before(function () {
    if (!fs.existsSync(path.join(DIST, "cjs", "index.js")) || !fs.existsSync(path.join(DIST, "esm", "index.js"))) {
      throw new Error("sdk/dist is missing: run `npm run build:sdk` first");
    }
  });

  describe("contents", function () {
    it("ships every deployable contract and the integrator interfaces, and no test stand-in", function () {
      const standIns = new Set<string>();
      for (const f of files(path.join(ROOT, "artifacts", "contracts", "test"))) {
        if (f.endsWith(".json") && !f.endsWith(".dbg.json")) standIns.add(path.basename(f, ".json"));
      }
      expect(standIns.size).to.be.greaterThan(20);
      const names = new Set<string>(sdk().contractNames);
      for (const n of standIns) expect(names.has(n), `stand-in ${n} shipped`).to.equal(false);
      // The deployable set: scripts/ci/sizes.mjs's rule.
      const out = execFileSync(process.execPath, [path.join(ROOT, "scripts", "ci", "sizes.mjs")], { cwd: ROOT });
      const deployable = [...out.toString().matchAll(/^\s*\d+\s+(\w+)/gm)].map((m) => m[1]);
      expect(deployable.length).to.be.greaterThan(10);
      for (const n of deployable) expect(names.has(n), `deployable ${n} missing`).to.equal(true);
      for (const n of ["ILRTVault", "ILRTLens", "ILRTAccountant", "IWithdrawalQueue", "IERC20Permit"]) {
        expect(names.has(n), n).to.equal(true);
      }
      // Nothing in the built files names a stand-in's factory, typing or ABI.
      const shipped = new RegExp(`\\b(${[...standIns].join("|")})(__factory|Abi)?\\b`);
      for (const f of files(DIST)) {
        const hit = fs.readFileSync(f, "utf8").match(shipped);
        expect(hit?.[0], `${path.relative(SDK, f)} names a stand-in`).to.equal(undefined);
      }
    });

    it("has an address book for mainnet, hoodi, sepolia and localhost, EigenLayer and LSTs where known", function () {
      const { addressBook } = sdk();
      expect(
        Object.keys(addressBook)
          .map(Number)
          .sort((a, b) => a - b),
      ).to.deep.equal([1, 31337, 560048, 11155111]);
      expect(addressBook[1].tokens?.stETH).to.equal("0xae7ab96520DE3A18E5e111B5EaAb095312D7fE84");
      expect(addressBook[1].eigenLayer?.delegationManager).to.equal("0x39053D51B77DC0d36036Fc1fCc8Cb819df8Ef37A");
      expect(addressBook[560048].eigenLayer?.strategyManager).to.match(/^0x[0-9a-fA-F]{40}$/);
      expect(addressBook[11155111].strategies?.stETH).to.match(/^0x[0-9a-fA-F]{40}$/);
    });

    it("package.json: ESM and CommonJS entries with declarations, no Hardhat at run time", function () {
      const pkg = JSON.parse(fs.readFileSync(path.join(SDK, "package.json"), "utf8"));
      expect(pkg.name).to.equal("@lrt-vault/sdk");
      for (const p of [
        pkg.exports["."].import.default,
        pkg.exports["."].import.types,
        pkg.exports["."].require.default,
        pkg.exports["."].require.types,
      ]) {
        expect(fs.existsSync(path.join(SDK, p)), p).to.equal(true);
      }
      expect(Object.keys(pkg.dependencies ?? {})).to.deep.equal([]);
      expect(Object.keys(pkg.peerDependencies)).to.deep.equal(["ethers"]);
      for (const f of files(DIST)) {
        expect(fs.readFileSync(f, "utf8"), f).not.to.match(/["'](hardhat|@nomicfoundation\/[^"']+)["']/);
      }
    });
  });

  describe("packed, installed into an empty project", function () {
    let scratch: string;
    let node: LocalNode;
    const timings: Record<string, number> = {};

    before(async function () {
      this.timeout(600_000);
      const nodeUp = sharedLocalNode();
      let t = Date.now();
      scratch = fs.mkdtempSync(path.join(os.tmpdir(), "lrt-sdk-scratch-"));
      const tgz = execFileSync("npm", ["pack", "--silent", "--pack-destination", scratch], { cwd: SDK })
        .toString()
        .trim()
        .split("\n")
        .pop()!;
      timings.pack = Date.now() - t;
      t = Date.now();
      fs.writeFileSync(
        path.join(scratch, "package.json"),
        JSON.stringify({ name: "sdk-scratch", version: "0.0.0", private: true }, null, 2),
      );
      const versions = (name: string) =>
        JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", name, "package.json"), "utf8")).version as string;
      const install = spawnSync(
        "npm",
        [
          "install",
          "--prefer-offline",
          "--no-audit",
          "--no-fund",
          "--ignore-scripts",
          `./${tgz}`,
          `ethers@${versions("ethers")}`,
          `abitype@${versions("abitype")}`,
          `@types/node@${versions("@types/node")}`,
        ],
        { cwd: scratch, encoding: "utf8", env: { ...process.env, npm_config_workspaces: "" } },
      );
      expect(install.status, `${install.stdout}\n${install.stderr}`).to.equal(0);
      timings.install = Date.now() - t;
      for (const f of fs.readdirSync(path.join(SDK, "test", "sample"))) {
        fs.copyFileSync(path.join(SDK, "test", "sample", f), path.join(scratch, f));
      }
      tsBlocks(fs.readFileSync(path.join(ROOT, "docs", "sdk.md"), "utf8")).forEach((code, i) =>
        fs.writeFileSync(path.join(scratch, `docs-${i}.mts`), `${code}\nexport {};\n`),
      );
      node = await nodeUp;
    });

    after(function () {
      console.log(
        `      sdk pack ${timings.pack} ms, install ${timings.install} ms, tsc ${timings.tsc} ms, sample ${timings.sample} ms`,
      );
      if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
    });

    it("installs only the SDK's files: dist, README, package.json", function () {
      const installed = path.join(scratch, "node_modules", "@lrt-vault", "sdk");
      expect(fs.readdirSync(installed).sort()).to.deep.equal(["README.md", "dist", "package.json"]);
      expect(fs.existsSync(path.join(scratch, "node_modules", "hardhat"))).to.equal(false);
    });

    it("type-checks strictly: the sample (ESM), a CommonJS import, abitype inference, docs/sdk.md's examples", function () {
      this.timeout(120_000);
      const t = Date.now();
      const r = spawnSync(process.execPath, [TSC, "-p", scratch], { cwd: scratch, encoding: "utf8" });
      timings.tsc = Date.now() - t;
      expect(r.status, `${r.stdout}\n${r.stderr}`).to.equal(0);
      expect(fs.readdirSync(scratch).filter((f) => f.startsWith("docs-")).length).to.be.greaterThan(1);
    });

    it("the CommonJS build runs", function () {
      const r = spawnSync(process.execPath, [path.join(scratch, "out", "cjs.cjs")], { cwd: scratch, encoding: "utf8" });
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.match(/^CJS function \d+ 10 0xae7ab96520DE3A18E5e111B5EaAb095312D7fE84 true/);
    });

    it("runs the sample against a local node: summary, previews, deposit, request, the user's requests", async function () {
      this.timeout(120_000);
      const snap = await node.snapshot();
      try {
        const t = Date.now();
        const r = spawnSync(process.execPath, [path.join(scratch, "out", "sample.mjs")], {
          cwd: scratch,
          encoding: "utf8",
          env: {
            ...process.env,
            RPC_URL: node.url,
            LRT_VAULT: address(node, "LocalSuite#LRTVault"),
            LRT_LENS: address(node, "LocalSuite#LRTLens"),
          },
          timeout: 110_000,
        });
        timings.sample = Date.now() - t;
        expect(r.status, `${r.stdout}\n${r.stderr}`).to.equal(0);
        const line = r.stdout.split("\n").find((l) => l.startsWith("RESULT "));
        const res = JSON.parse(line!.slice(7));
        expect(res.chainId).to.equal("31337");
        expect(res.queue).to.equal(address(node, "LocalSuite#WithdrawalQueue"));
        expect(BigInt(res.rate)).to.be.greaterThan(0n);
        expect(res.assets[0]).to.equal("ETH");
        expect(res.preview.check).to.equal("Ok");
        expect(res.failing).to.equal("BelowMinimum");
        expect(BigInt(res.deposited)).to.equal(BigInt(res.preview.shares));
        expect(res.requests).to.have.length(1);
        expect(res.requests[0].id).to.equal(res.requestId);
        expect(res.requests[0].status).to.equal("pending");
        expect(BigInt(res.requests[0].expectedTokens)).to.be.greaterThan(parseEther("0.49"));
      } finally {
        await node.revert(snap);
      }
    });
  });

  describe("the client against a local node", function () {
    let node: LocalNode;
    let snap: string;
    let user: JsonRpcSigner;
    let client: InstanceType<ReturnType<typeof sdk>["LRTClient"]>;
    let stETH: string;

    before(async function () {
      this.timeout(600_000);
      node = await sharedLocalNode();
      snap = await node.snapshot();
      user = await node.provider.getSigner(2);
      const { LRTClient } = sdk();
      client = new LRTClient(user, {
        vault: address(node, "LocalSuite#LRTVault"),
        lens: address(node, "LocalSuite#LRTLens"),
      });
      stETH = address(node, "LocalEigenLayer#StETHMock");
    });

    after(async function () {
      if (snap) await node.revert(snap);
    });

    it("reads the deployment's addresses from the lens", async function () {
      const a = await client.addresses();
      expect(a.withdrawalQueue).to.equal(address(node, "LocalSuite#WithdrawalQueue"));
      expect(a.accountant).to.equal(address(node, "LocalSuite#LRTAccountant"));
      expect(a.assets[0].asset).to.equal(sdk().ETH);
      expect(a.assets.map((x) => x.asset)).to.include(stETH);
    });

    it("previews deposits with the reason they would fail", async function () {
      const { ETH } = sdk();
      expect((await client.previewDeposit(ETH, 0n)).check).to.equal("ZeroAmount");
      expect((await client.previewDeposit(ETH, 1n)).check).to.equal("BelowMinimum");
      expect((await client.previewDeposit(user.address, parseEther("1"))).check).to.equal("UnsupportedAsset");
      const ok = await client.previewDeposit(ETH, parseEther("1"));
      expect(ok).to.include({ check: "Ok", ok: true });
      expect(ok.shares).to.be.greaterThan(0n);
    });

    it("refuses a deposit the lens rejects before sending anything", async function () {
      const { ETH, DepositRefusedError } = sdk();
      const nonce = await node.provider.getTransactionCount(user.address);
      const err = await client.depositETH({ amount: 1n }).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(DepositRefusedError);
      expect(err).to.include({ reason: "BelowMinimum", asset: ETH, amount: 1n });
      expect(await node.provider.getTransactionCount(user.address)).to.equal(nonce);
    });

    it("deposits stETH in token units (approve: the stand-in has no permit); the summary shows tokens, not Lido shares", async function () {
      const token = new Contract(
        stETH,
        ["function submit(address) payable returns (uint256)", "function balanceOf(address) view returns (uint256)"],
        user,
      );
      await (await token.submit(user.address, { value: parseEther("3") })).wait();
      const before = await client.summary();
      const amount = parseEther("2");
      const res = await client.depositLST({ asset: stETH, amount });
      expect(res.approval).to.equal("approve");
      expect(res.shares).to.be.greaterThanOrEqual(res.minShares);
      const after = await client.summary();
      const delta =
        after.assets.find((a) => a.asset === stETH)!.buffered - before.assets.find((a) => a.asset === stETH)!.buffered;
      expect(delta).to.be.closeTo(amount, 4n); // token units (stETH: 1 share = 1.05 stETH here)
      expect(after.rate).to.be.greaterThan(0n);
      expect(after.fresh).to.equal(true);
      expect(after.rateAge === undefined).to.equal(false);
      const byAsset = after.assets.reduce((s, a) => s + a.value, 0n);
      expect(byAsset).to.be.closeTo(after.liveAssets, 10n);
      for (const op of after.operators) expect(op.value).to.be.greaterThanOrEqual(0n);
    });

    it("decodes a revert into a named, typed error", async function () {
      const { LRTContractError } = sdk();
      const err = await client.requestWithdrawal({ shares: 1n }).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(LRTContractError);
      const e = err as InstanceType<typeof LRTContractError>;
      expect(e.error.name).to.equal("WithdrawalQueueBelowMinimum");
      if (!e.is("WithdrawalQueueBelowMinimum")) throw new Error("not narrowed");
      expect(e.error.args.shares).to.equal(1n);
      expect(e.error.args.minimum).to.equal(10n ** 15n);
    });

    it("deposits ETH, requests with a permit, finalizes, lists, claims", async function () {
      this.timeout(120_000);
      const dep = await client.depositETH({ amount: parseEther("1") });
      const req = await client.requestWithdrawal({ shares: dep.shares });
      expect(req.approval).to.equal("permit");
      let mine = await client.requests(user.address);
      const pending = mine.find((r) => r.requestId === req.requestId)!;
      expect(pending).to.include({ status: "pending", claimable: false });
      expect(pending.expectedTokens).to.be.closeTo(parseEther("1"), parseEther("0.01"));
      const queue = await client.queue();
      await (await queue.connect(await node.provider.getSigner(0)).finalize(50)).wait();
      mine = await client.requests(user.address);
      const done = mine.find((r) => r.requestId === req.requestId)!;
      expect(done).to.include({ status: "finalized", claimable: true });
      const balance = await node.provider.getBalance(user.address);
      const claim = await client.claim([req.requestId]);
      expect(claim.paid).to.have.length(1);
      expect(claim.paid[0].tokens).to.equal(done.expectedTokens);
      const gas = claim.receipt.gasUsed * claim.receipt.gasPrice;
      expect(await node.provider.getBalance(user.address)).to.equal(balance + done.expectedTokens - gas);
      expect((await client.request(req.requestId)).status).to.equal("claimed");
      const listed = (await client.requests(user.address)).find((r) => r.requestId === req.requestId);
      expect(listed?.status).to.equal("claimed");
      expect(await client.requests(user.address, { pendingOnly: true })).to.deep.equal([]);
    });

    it("computes the APR over a window from the sync events", async function () {
      const admin = await node.provider.getSigner(0);
      const accountant = new Contract((await client.addresses()).accountant, ["function sync()"], admin);
      for (let i = 0; i < 2; ++i) {
        await node.provider.send("evm_increaseTime", [3600]);
        await (await accountant.sync()).wait();
      }
      const apr = await client.apr(7 * 24 * 3600, { fromBlock: 0 });
      expect(apr).to.not.equal(undefined);
      expect(apr!.syncs).to.be.greaterThanOrEqual(2);
      expect(apr!.to.timestamp).to.be.greaterThan(apr!.from.timestamp);
      expect(apr!.apr).to.be.a("number");
    });
  });
});
