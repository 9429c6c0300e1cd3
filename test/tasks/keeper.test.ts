/**
 * The keeper against a real local node (`npx hardhat node` + the LocalSuite Ignition deployment, see ./localNode.ts):
 * an operator registered with a slashable allocation gets a delegator through `lrt:add-delegator`; the keeper restakes
 * a deposit, reacts to an AVS slash of the operator by syncing at once, brings EigenLayer liquidity to the short stETH
 * exit lane, and (as `npx hardhat lrt:keeper --once`) completes the withdrawal and finalizes the request once the
 * delay has passed. Also: a failed step does not stop a tick, a stale rate is synced, and `lrt:redenominate`.
 */
import { expect } from "chai";
import { AbiCoder, MaxUint256, ZeroAddress, parseEther, type JsonRpcSigner } from "ethers";
import {
  AllocationManager__factory,
  DelegationManager__factory,
  LRTAccountant__factory,
  LRTVault__factory,
  RestakingManager__factory,
  StETHMock__factory,
  TestAVS__factory,
  WithdrawalQueue__factory,
  type LRTAccountant,
  type LRTVault,
  type RestakingManager,
  type StETHMock,
  type TestAVS,
  type WithdrawalQueue,
} from "../../typechain-types";
import { EIGENLAYER_EVENTS, Keeper, planStake, type TickReport } from "../../scripts/lib/keeper";
import { address, all, expectRefusal, expectSuccess, sharedLocalNode, type LocalNode } from "./localNode";

const SET_ID = 1;
const PENDING = 1n;
const FINALIZED = 2n;
const MOVED = 4n;
/** the LocalEigenLayer module's default withdrawal delay */
const WITHDRAWAL_DELAY = 50;

describe("keeper step 6 (native): planStake", function () {
  const E = (x: number) => parseEther(String(x));
  const base = {
    ethBuffer: 0n,
    ethLiability: 0n,
    wethBuffer: 0n,
    wethLiability: 0n,
    bufferTarget: 0n,
    slots: 32,
    keys: 99,
  };
  it("stakes whole 32-ETH chunks above liability + target, ETH before WETH, unwrapping only the shortfall", function () {
    // 100 ETH, 30 promised, 6 kept: 64 free, two validators, nothing unwrapped.
    expect(planStake({ ...base, ethBuffer: E(100), ethLiability: E(30), bufferTarget: E(6) })).to.deep.equal({
      count: 2,
      unwrap: 0n,
    });
    // One wei short of two: one validator.
    expect(planStake({ ...base, ethBuffer: E(64) - 1n }).count).to.equal(1);
    // 10 ETH free + 40 WETH (5 promised): 45, one validator, 22 WETH unwrapped.
    expect(
      planStake({ ...base, ethBuffer: E(15), bufferTarget: E(5), wethBuffer: E(40), wethLiability: E(5) }),
    ).to.deep.equal({ count: 1, unwrap: E(22) });
    // Liabilities above the buffers and the target above the buffer count as nothing free (never negative).
    expect(
      planStake({ ...base, ethBuffer: E(10), ethLiability: E(20), wethBuffer: E(40), wethLiability: E(50) }),
    ).to.deep.equal({ count: 0, unwrap: 0n });
    expect(planStake({ ...base, ethBuffer: E(40), bufferTarget: E(41) })).to.deep.equal({ count: 0, unwrap: 0n });
  });
  it("never more than the free MAX_UNVERIFIED slots or the queued keys", function () {
    expect(planStake({ ...base, ethBuffer: E(320), slots: 3 })).to.deep.equal({ count: 3, unwrap: 0n });
    expect(planStake({ ...base, ethBuffer: E(320), keys: 2 })).to.deep.equal({ count: 2, unwrap: 0n });
    expect(planStake({ ...base, ethBuffer: E(320), slots: 0 })).to.deep.equal({ count: 0, unwrap: 0n });
    // Bounded by keys, WETH is unwrapped only for the validators staked.
    expect(planStake({ ...base, ethBuffer: E(20), wethBuffer: E(100), keys: 1 })).to.deep.equal({
      count: 1,
      unwrap: E(12),
    });
  });
});

describe("keeper against a local node", function () {
  let node: LocalNode;
  let snapshot: string;
  let admin: JsonRpcSigner;
  let operator: JsonRpcSigner;
  let alice: JsonRpcSigner;
  let vault: LRTVault;
  let accountant: LRTAccountant;
  let manager: RestakingManager;
  let queue: WithdrawalQueue;
  let stETH: StETHMock;
  let stETHStrategy: string;
  let avs: TestAVS;

  before(async function () {
    this.timeout(400_000);
    node = await sharedLocalNode();
    snapshot = await node.snapshot();
    admin = await node.provider.getSigner(0);
    operator = await node.provider.getSigner(5);
    alice = await node.provider.getSigner(6);
    vault = LRTVault__factory.connect(address(node, "LocalSuite#LRTVault"), admin);
    accountant = LRTAccountant__factory.connect(address(node, "LocalSuite#LRTAccountant"), admin);
    manager = RestakingManager__factory.connect(address(node, "LocalSuite#RestakingManager"), admin);
    queue = WithdrawalQueue__factory.connect(address(node, "LocalSuite#WithdrawalQueue"), admin);
    stETH = StETHMock__factory.connect(address(node, "LocalEigenLayer#StETHMock"), admin);
    stETHStrategy = address(node, "LocalEigenLayer#Strategy_stETH");
  });

  after(async () => {
    if (snapshot) await node.revert(snapshot);
  });

  describe("keeper: a slash of our operator, a short exit lane, EigenLayer liquidity", function () {
    this.timeout(180_000);
    let delegator: string;
    let requestId: bigint;
    let slashBlock: number;
    let tick1: TickReport;
    const lines: string[] = [];
    const keeper = () =>
      new Keeper({ vault, accountant, manager, queue }, { restake: true, log: (line) => lines.push(line) });

    it("registers an operator with a slashable allocation and adds its delegator with lrt:add-delegator", async () => {
      const el = {
        delegation: DelegationManager__factory.connect(address(node, "LocalEigenLayer#DelegationManager"), operator),
        allocation: AllocationManager__factory.connect(address(node, "LocalEigenLayer#AllocationManager"), operator),
      };
      const op = await operator.getAddress();
      avs = await (
        await new TestAVS__factory(admin).deploy(el.allocation, "ipfs://tasks-test-avs")
      ).waitForDeployment();
      await (await avs.createOperatorSet(SET_ID, [stETHStrategy])).wait();
      await (await el.delegation.registerAsOperator(ZeroAddress, 1, "ipfs://tasks-test-operator")).wait();
      const set = { avs: await avs.getAddress(), id: SET_ID };
      await (
        await el.allocation.modifyAllocations(op, [
          { operatorSet: set, strategies: [stETHStrategy], newMagnitudes: [parseEther("0.5")] },
        ])
      ).wait();
      await (
        await el.allocation.registerForOperatorSets(op, { avs: set.avs, operatorSetIds: [SET_ID], data: "0x" })
      ).wait();
      await node.mine(1); // the allocation is slashable after its 1-block delay

      const out = expectSuccess(await node.task(["lrt:add-delegator", "--operator", op, "--target", "10000"]));
      expect(out).to.match(/addDelegator\(.+, 10000 bps\): tx 0x[0-9a-f]{64}/);
      const delegators = await manager.delegators();
      expect(delegators).to.have.length(1);
      delegator = delegators[0];
      expect(out).to.contain(`delegator #0: ${delegator}`);
    });

    it("a delegator now exists: lrt:queue-withdrawals refuses an asset without a strategy and too many shares", async () => {
      const [noStrategy, tooMany, overTarget] = await all([
        () => node.task(["lrt:queue-withdrawals", "--delegator", "0", "--asset", "ETH", "--shares", "1"]),
        () => node.task(["lrt:queue-withdrawals", "--delegator", "0", "--asset", "stETH", "--shares", "all"]),
        () => node.task(["lrt:add-delegator", "--operator", delegator, "--target", "1"]),
      ]);
      expectRefusal(noStrategy, /ETH has no EigenLayer strategy/);
      expectRefusal(tooMany, /has no withdrawable stETH shares/);
      // Targets would pass 10000 bps (10000 + 1): the manager's custom error, decoded with its total.
      expectRefusal(overTarget, /failed: reverted: RestakingManagerInvalidTargets\(10001\)$/);
    });

    it("restakes a deposit with --restake (toward the target), keeping the buffer the lanes need", async () => {
      const amount = parseEther("20");
      await (await stETH.connect(alice).submit(ZeroAddress, { value: amount })).wait();
      await (await stETH.connect(alice).approve(vault, MaxUint256)).wait();
      await (await vault.connect(alice).depositLST(stETH, amount, alice, 0, 0)).wait();
      const buffer = (await vault.assetInfo(stETH)).bufferUnits;
      expect(buffer).to.be.greaterThan(0n);

      const report = await keeper().tick();
      expect(report.errors).to.deep.equal([]);
      expect(report.sync).to.equal(undefined); // fresh rate, no slash
      expect(report.restaked).to.have.length(1);
      expect(report.restaked[0].delegator).to.equal(delegator);
      expect(report.restaked[0].units).to.equal(buffer);
      expect((await vault.assetInfo(stETH)).bufferUnits).to.equal(0n);
      const [position] = await manager.positions();
      expect(position.asset).to.equal(await stETH.getAddress());
      expect(position.withdrawableUnits).to.be.closeTo(buffer, 2n);
      expect(
        lines.some((l) => /^restake .+ stETH units via .+ \| why: .+ \| tx 0x[0-9a-f]{64} block \d+ gas \d+$/.test(l)),
      ).to.equal(true, lines.join("\n"));
    });

    it("an exit in stETH is accepted against the restaked units; then the AVS slashes our operator", async () => {
      await (await vault.connect(alice).approve(queue, MaxUint256)).wait();
      const shares = parseEther("10");
      const receipt = await (await queue.connect(alice).requestWithdrawal(shares, stETH, alice)).wait();
      const event = receipt!.logs
        .filter((l) => l.address === queue.target)
        .map((l) => queue.interface.parseLog(l))
        .find((p) => p?.name === "WithdrawalRequested");
      requestId = event!.args.requestId as bigint;
      expect(await queue.assetOf(requestId)).to.equal(await stETH.getAddress());
      expect((await queue.getRequest(requestId)).status).to.equal(PENDING);
      expect(await queue.liability(stETH)).to.be.greaterThan((await vault.assetInfo(stETH)).bufferUnits);

      const slash = await (
        await avs.slash(await operator.getAddress(), SET_ID, [stETHStrategy], [parseEther("0.2")], "tasks test")
      ).wait();
      slashBlock = slash!.blockNumber;
      const [, slashedSinceSync] = await accountant.freshness();
      expect(slashedSinceSync).to.equal(true);
    });

    it("tick 1: syncs at once on the slash event, queues an EigenLayer withdrawal for the short stETH lane", async () => {
      const rateBefore = await vault.getRate();
      tick1 = await keeper().tick();
      expect(tick1.errors).to.deep.equal([]);
      const names = tick1.events.map((e) => e.name);
      expect(names).to.include("OperatorSlashed");
      expect(names).to.include("MaxMagnitudeUpdated");
      for (const e of tick1.events) {
        expect(e.subject).to.equal(await operator.getAddress());
        expect(e.blockNumber).to.equal(slashBlock);
      }
      expect(tick1.sync, "the keeper must sync on the slash").to.not.equal(undefined);
      expect(tick1.sync!.blockNumber).to.be.greaterThan(slashBlock);
      expect(tick1.sync!.reasons.join(" ")).to.contain("OperatorSlashed");
      expect(tick1.sync!.rateBefore).to.equal(rateBefore);
      expect(tick1.sync!.rateAfter).to.be.lessThan(rateBefore);
      const books = await accountant.books();
      expect(books.lastSyncBlock).to.equal(BigInt(tick1.sync!.blockNumber));
      const [, slashedSinceSync] = await accountant.freshness();
      expect(slashedSinceSync).to.equal(false);

      // Nothing payable yet: the stETH buffer is empty.
      expect(tick1.finalized).to.deep.equal([]);
      expect((await queue.getRequest(requestId)).status).to.equal(PENDING);
      // Exactly one withdrawal queued, from our delegator, covering the lane's liability.
      expect(tick1.queued).to.have.length(1);
      expect(tick1.queued[0].delegator).to.equal(delegator);
      expect(tick1.queued[0].asset).to.equal(await stETH.getAddress());
      const [position] = await manager.positions();
      expect(position.queuedUnits).to.be.at.least(await queue.liability(stETH));
      const queuedLogs = await manager.queryFilter(manager.filters.WithdrawalQueued(delegator), tick1.block);
      expect(queuedLogs).to.have.length(1);
      expect(queuedLogs[0].transactionHash).to.equal(tick1.queued[0].hash);

      // Within the delay a further tick queues nothing more and completes nothing.
      const again = await keeper().tick();
      expect(again.errors).to.deep.equal([]);
      expect(again.sync).to.equal(undefined);
      expect(again.queued).to.deep.equal([]);
      expect(again.completed).to.deep.equal([]);
    });

    it("tick 2 (lrt:keeper --once) after the delay: completes the withdrawal and finalizes the request", async () => {
      await node.mine(WITHDRAWAL_DELAY + 1);
      const out = expectSuccess(await node.task(["lrt:keeper", "--once"]));
      const log = out.split("\n");
      const complete = log.find((l) => /completeWithdrawals 1 of /.test(l));
      const finalize = log.find((l) => /finalize 1 request\(s\)/.test(l));
      expect(complete, out).to.match(
        /\| why: past the 50-block EigenLayer delay .+ \| tx 0x[0-9a-f]{64} block \d+ gas \d+$/,
      );
      expect(finalize, out).to.match(/\| tx 0x[0-9a-f]{64} block \d+ gas \d+$/);
      expect(log.indexOf(complete!)).to.be.lessThan(log.indexOf(finalize!));
      expect(out).to.match(/keeper stopped after 1 tick/);

      const request = await queue.getRequest(requestId);
      expect(request.status).to.equal(FINALIZED);
      const lane = await queue.lane(stETH);
      expect(lane.processed).to.equal(lane.requested);
      expect(lane.liability).to.equal(0n);
      const [position] = await manager.positions();
      expect(position.queuedUnits).to.equal(0n);
      // lrt:status shows the lane and the freshness.
      const status = expectSuccess(await node.task(["lrt:status"]));
      expect(status).to.match(/slashedSinceSync\s*│\s*'no'/);
      expect(status).to.match(/'stETH'.*│\s*1\s*│\s*1\s*│\s*'0\.000000'/);
    });

    it("a failed step is logged in one line and the tick goes on", async () => {
      let calls = 0;
      const flaky = new Proxy(accountant, {
        get(target, prop) {
          if (prop === "freshness" && calls++ === 0) return async () => Promise.reject(new Error("connection reset"));
          return Reflect.get(target, prop);
        },
      });
      const own: string[] = [];
      const k = new Keeper({ vault, accountant: flaky, manager, queue }, { log: (l) => own.push(l) });
      const { ticks, failed } = await k.run({ interval: 1, maxTicks: 2, poll: 1 });
      expect(ticks).to.equal(2);
      expect(failed).to.equal(1);
      expect(own).to.include("sync failed: connection reset");
      expect(own.filter((l) => /failed/.test(l))).to.have.length(1);
    });

    it("syncs when the rate is older than maxAge, and not before", async () => {
      const aged = () => new Keeper({ vault, accountant, manager, queue }, { maxAge: 3600, log: () => undefined });
      const quiet = await aged().tick();
      expect(quiet.errors).to.deep.equal([]);
      expect(quiet.sync).to.equal(undefined);
      await node.provider.send("evm_increaseTime", [3601]);
      await node.mine(1);
      const report = await aged().tick();
      expect(report.errors).to.deep.equal([]);
      expect(report.sync?.reasons).to.have.length(1);
      expect(report.sync!.reasons[0]).to.match(/^rate is 36\d\d s old \(threshold 3600 s\)$/);
      const [age, slashedSinceSync] = await accountant.freshness();
      expect(age).to.be.lessThan(3600n);
      expect(slashedSinceSync).to.equal(false);
    });

    it("syncs on BeaconChainSlashingFactorDecreased of one of our delegators when an EigenPodManager is configured", async () => {
      // A stand-in EigenPodManager: raw EVM code that emits the mainnet event with the calldata as its data
      // (runtime: CALLDATACOPY the calldata to memory, LOG1 it under the event's topic).
      const topic = EIGENLAYER_EVENTS.getEvent("BeaconChainSlashingFactorDecreased")!.topicHash.slice(2);
      const runtime = `365f5f377f${topic}365fa100`;
      const length = (runtime.length / 2).toString(16).padStart(2, "0");
      const init = `0x60${length}600a5f3960${length}5ff3${runtime}`;
      const deployed = await (await admin.sendTransaction({ data: init })).wait();
      const eigenPodManager = deployed!.contractAddress!;
      const decrease = (staker: string) =>
        admin.sendTransaction({
          to: eigenPodManager,
          data: AbiCoder.defaultAbiCoder().encode(
            ["address", "uint64", "uint64"],
            [staker, 10n ** 18n, 9n * 10n ** 17n],
          ),
        });
      const watching = () =>
        new Keeper({ vault, accountant, manager, queue }, { eigenPodManager, log: () => undefined });

      // Someone else's pod: no sync.
      await (await decrease(await alice.getAddress())).wait();
      const other = await watching().tick();
      expect(other.errors).to.deep.equal([]);
      expect(other.events).to.deep.equal([]);
      expect(other.sync).to.equal(undefined);

      // Our delegator's: a sync at once, for that reason.
      const ours = await (await decrease(delegator)).wait();
      const report = await watching().tick();
      expect(report.errors).to.deep.equal([]);
      expect(report.events).to.deep.equal([
        {
          name: "BeaconChainSlashingFactorDecreased",
          subject: delegator,
          blockNumber: ours!.blockNumber,
          transactionHash: ours!.hash,
        },
      ]);
      expect(report.sync?.reasons).to.deep.equal([
        `BeaconChainSlashingFactorDecreased of delegator ${delegator} at block ${ours!.blockNumber} (tx ${ours!.hash})`,
      ]);
      expect(report.sync!.blockNumber).to.be.greaterThan(ours!.blockNumber);
    });

    it("lrt:redenominate moves a request stuck past maxWait to another lane (admin for its owner), not earlier", async () => {
      const receipt = await (await queue.connect(alice).requestWithdrawal(parseEther("0.5"), stETH, alice)).wait();
      const stuck = receipt!.logs
        .filter((l) => l.address === queue.target)
        .map((l) => queue.interface.parseLog(l))
        .find((p) => p?.name === "WithdrawalRequested")!.args.requestId as bigint;
      expectRefusal(
        await node.task(["lrt:redenominate", "--request", stuck.toString(), "--asset", "ETH"]),
        /stETH#2 \(id \d+\) is not stuck: it may be re-denominated from \d{4}-/,
      );
      const [, , , maxWait] = await queue.limits();
      await node.provider.send("evm_increaseTime", [Number(maxWait)]);
      await node.mine(1);
      const out = expectSuccess(await node.task(["lrt:redenominate", "--request", stuck.toString(), "--asset", "ETH"]));
      expect(out).to.match(/^redenominate stETH#2 \(id \d+\) into ETH: tx 0x[0-9a-f]{64}/m);
      expect(out).to.match(/^new request ETH#1 \(id \d+\)$/m);
      expect((await queue.getRequest(stuck)).status).to.equal(MOVED);
      const moved = (BigInt(await vault.ETH()) << 64n) | 1n;
      expect(await queue.ownerOf(moved)).to.equal(await alice.getAddress());
      expect((await queue.getRequest(moved)).status).to.equal(PENDING);
    });

    it("lrt:redenominate refuses a finalized request", async () => {
      expectRefusal(
        await node.task(["lrt:redenominate", "--request", requestId.toString(), "--asset", "ETH"]),
        /stETH#1 \(id \d+\) is not pending \(status 2\)/,
      );
    });
  });
});
