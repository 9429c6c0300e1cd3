/**
 * The end-to-end scenario against EigenLayer at its mainnet addresses, in one of two modes:
 * - MAINNET_RPC_URL set: a Hardhat fork of Ethereum mainnet at a pinned block (MAINNET_FORK_BLOCK, default below),
 *   against the real EigenLayer, stETH and rETH;
 * - otherwise: a "mainnet-shaped" local chain where our EigenLayer and LST stand-ins sit at the mainnet addresses
 *   (test/fork/mainnetShaped.ts), so the same test code always runs in CI.
 * The suite deploys with the production Ignition module (deploy/modules/LRTSuite.ts) and the mainnet parameters,
 * ending with the timelock handover; admin steps then go through the TimelockController. The LST adapters read the
 * Chainlink market feeds of deploy/parameters/mainnet.json (stETH/ETH, rETH/ETH, cbETH/ETH; stand-ins in the
 * mainnet-shaped mode), and a deposit needs a fresh answer (maxFeedAge 90,000 s): deposits come before the
 * timelock's 48-hour delay, and on a fork the chain's clock starts at the fork block's time (a fork cannot receive
 * Chainlink updates). A second scenario turns native restaking on through the timelock and stakes a validator through
 * a delegator's pod and the (real, on a fork) beacon deposit contract; a third deploys it with the module (the module's
 * default, `eigenPodManager` from the mainnet parameters) and stakes the same way. The first two deploy the module
 * without native restaking (`lrtSuite({ native: false })`).
 */
import { expect } from "chai";
import hre, { ethers, network } from "hardhat";
import { mine, time } from "@nomicfoundation/hardhat-network-helpers";
import { MaxUint256, Wallet, ZeroAddress, ZeroHash, parseEther } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { lrtSuite } from "../../deploy/modules/LRTSuite";
import {
  FEED_ANSWERS,
  MAINNET,
  MAINNET_ALLOCATION_MANAGER,
  MAINNET_EIGEN_POD_MANAGER,
  placeMainnetPods,
  placeMainnetStandIns,
} from "./mainnetShaped";
import { BEACON_CHAIN_ETH_STRATEGY, SYSTEM_ADDRESSES } from "../../scripts/lib/eigenlayer";
import { deployNativeRestaking, podCredentials } from "../../scripts/lib/native";
import { BeaconChain } from "../../scripts/lib/beacon";
import { podKeys } from "../../scripts/lib/keys";
import { mulDiv } from "../helpers/math";
import { asWithdrawal } from "../helpers/restaking";
import type {
  DelegationManager,
  IStrategy,
  LRTAccountant,
  LRTVault,
  RestakingManager,
  TestAVS,
  TimelockController,
  ValidatorKeyRegistry,
} from "../../typechain-types";
import { ETH, UNIT } from "../../scripts/lib/constants";

/** A block after the v1.12.0 (slashing release) upgrade; override with MAINNET_FORK_BLOCK. */
const DEFAULT_FORK_BLOCK = 23_600_000;
const SET_ID = 1;
const rpc = process.env.MAINNET_RPC_URL;
const forkBlock = Number(process.env.MAINNET_FORK_BLOCK ?? DEFAULT_FORK_BLOCK);
const mode = rpc ? `mainnet fork at block ${forkBlock}` : "mainnet-shaped";

/**
 * The suite, deployed with the production module and the mainnet parameters (timelock handover included); with
 * `native` (the module's default) native restaking is built in, otherwise the suite is the one native restaking is
 * turned on in later, through the timelock.
 */
async function deploySuite(options: { native: boolean }) {
  const deployed = await hre.ignition.deploy(lrtSuite(options), { parameters: { LRTSuite: MAINNET } });
  const at = async <T>(name: string, c: { getAddress(): Promise<string> }) =>
    (await ethers.getContractAt(name, await c.getAddress())) as unknown as T;
  return {
    deployed,
    vault: await at<LRTVault>("LRTVault", deployed.vault),
    accountant: await at<LRTAccountant>("LRTAccountant", deployed.accountant),
    manager: await at<RestakingManager>("RestakingManager", deployed.manager),
    timelock: await at<TimelockController>("TimelockController", deployed.timelock),
  };
}

describe(`lrt-vault on EigenLayer at the mainnet addresses (${mode})`, function () {
  let admin: HardhatEthersSigner;
  let alice: HardhatEthersSigner;
  let bob: HardhatEthersSigner;

  before(async function () {
    console.log(`      fork test mode: ${mode}`);
    if (rpc) {
      await network.provider.request({
        method: "hardhat_reset",
        params: [{ forking: { jsonRpcUrl: rpc, blockNumber: forkBlock } }],
      });
      // New blocks would otherwise take the wall clock's time, long after the feeds' last answers at the fork block.
      const forked = await ethers.provider.getBlock("latest");
      await time.setNextBlockTimestamp(forked!.timestamp + 12);
      await mine(1);
    } else {
      await network.provider.request({ method: "hardhat_reset", params: [] });
    }
    [admin, alice, bob] = await ethers.getSigners();
    if (!rpc) await placeMainnetStandIns(admin);
  });

  after(async function () {
    // Leave a clean in-process chain behind (npm run test:fork runs this file alone).
    await network.provider.request({ method: "hardhat_reset", params: [] });
  });

  it("deposits stETH and rETH, restakes them for a registered operator, a slash lowers the rate by exactly the loss, and an EigenLayer withdrawal completes after the delay", async function () {
    // 1. The suite, deployed with the production module and the mainnet parameters (timelock handover included).
    const { deployed, vault, accountant, manager, timelock } = await deploySuite({ native: false });
    // The stand-in's ABI: every function it shares with mainnet has the mainnet selector (test/stand-ins/eigenlayer/fidelity).
    const dm = (await ethers.getContractAt(
      "DelegationManager",
      MAINNET.delegationManager as string,
    )) as unknown as DelegationManager;
    const am = await ethers.getContractAt("IAllocationManager", MAINNET_ALLOCATION_MANAGER);
    const stETH = await ethers.getContractAt("StETHMock", MAINNET.stETH as string); // mainnet stETH has these functions
    const rETH = await ethers.getContractAt("IERC20", MAINNET.rETH as string);
    const strategies = {
      stETH: (await ethers.getContractAt("IStrategy", MAINNET.stETHStrategy as string)) as unknown as IStrategy,
      rETH: (await ethers.getContractAt("IStrategy", MAINNET.rETHStrategy as string)) as unknown as IStrategy,
    };
    // The deployer no longer holds the AccessManager's admin role: the timelock does.
    const accessManager = await ethers.getContractAt("AccessManager", await deployed.accessManager.getAddress());
    expect((await accessManager.hasRole(0, admin.address))[0]).to.equal(false);
    expect((await accessManager.hasRole(0, await timelock.getAddress()))[0]).to.equal(true);
    // Every LST's adapter (the vault holds them) reads its mainnet Chainlink feed with the mainnet maximum age (the
    // 24-hour heartbeat plus an hour); wstETH is priced with the stETH/ETH feed, WETH has none.
    expect(MAINNET.maxFeedAge).to.equal(90_000);
    for (const [asset, feedKey] of [
      ["stETH", "stETHFeed"],
      ["wstETH", "stETHFeed"],
      ["rETH", "rETHFeed"],
      ["cbETH", "cbETHFeed"],
      ["weth", undefined],
    ] as const) {
      const [adapterAddress] = await vault.priceOf(MAINNET[asset] as string);
      const adapter = await ethers.getContractAt("IPriceAdapter", adapterAddress);
      expect(await adapter.asset(), asset).to.equal(ethers.getAddress(MAINNET[asset] as string));
      if (feedKey === undefined) {
        expect(await adapter.feed(), asset).to.equal(ZeroAddress);
      } else {
        expect(await adapter.feed(), asset).to.equal(ethers.getAddress(MAINNET[feedKey] as string));
        expect(await adapter.maxFeedAge(), asset).to.equal(90_000n);
      }
      // Its price bounds are in its vault record: the mainnet parameters (50 bps a day up, a 5% fall trips).
      const info = await vault.assetInfo(MAINNET[asset] as string);
      expect([info.maxRiseBpsPerDay, info.maxFallBps], asset).to.deep.equal([50n, 500n]);
    }
    expect([MAINNET.maxRiseBpsPerDay, MAINNET.maxFallBps]).to.deep.equal([50, 500]);

    // The links are the implementations' immutables, fixed at deployment: each contract names the others' proxies,
    // and the manager the mainnet EigenLayer contracts and the delegator beacon. The strategies are the vault's record,
    // in its asset order (ETH, stETH, wstETH, rETH, cbETH, WETH: stETH at 1, rETH at 3, cbETH at 4).
    const proxies = {
      vault: await deployed.vault.getAddress(),
      accountant: await deployed.accountant.getAddress(),
      queue: await deployed.queue.getAddress(),
      manager: await deployed.manager.getAddress(),
    };
    expect([...(await vault.links())]).to.deep.equal([proxies.accountant, proxies.manager, proxies.queue]);
    expect([...(await accountant.links())]).to.deep.equal([proxies.vault, proxies.manager, proxies.queue]);
    const [managerVault, eigenLayer] = await manager.links();
    expect(managerVault).to.equal(proxies.vault);
    expect([...eigenLayer]).to.deep.equal([
      ethers.getAddress(MAINNET.strategyManager as string),
      ethers.getAddress(MAINNET.delegationManager as string),
      ethers.getAddress(MAINNET.rewardsCoordinator as string),
      await deployed.beacon.getAddress(),
    ]);
    const [restaked, strategyList, indexes] = await vault.strategies();
    const mainnet = (key: string) => ethers.getAddress(MAINNET[key] as string);
    expect([...restaked]).to.deep.equal([mainnet("stETH"), mainnet("rETH"), mainnet("cbETH")]);
    expect([...strategyList]).to.deep.equal([
      mainnet("stETHStrategy"),
      mainnet("rETHStrategy"),
      mainnet("cbETHStrategy"),
    ]);
    expect([...indexes]).to.deep.equal([1n, 3n, 4n]);
    for (const asset of ["stETH", "rETH", "cbETH"]) {
      expect(await manager.strategyOf(mainnet(asset)), asset).to.equal(mainnet(`${asset}Strategy`));
    }
    expect(await manager.strategyOf(mainnet("wstETH"))).to.equal(ZeroAddress);

    // 2. An operator registers with EigenLayer; a test AVS creates an operator set over the two strategies.
    const operator = new Wallet(ethers.id("lrt-vault fork operator"), ethers.provider);
    await network.provider.send("hardhat_setBalance", [operator.address, ethers.toQuantity(parseEther("10"))]);
    await dm.connect(operator).registerAsOperator(ZeroAddress, 1, "ipfs://lrt-vault-fork-operator");
    const avs = (await ethers.deployContract("TestAVS", [
      MAINNET_ALLOCATION_MANAGER,
      "ipfs://lrt-vault-fork-avs",
    ])) as unknown as TestAVS;
    const ordered = [MAINNET.stETHStrategy as string, MAINNET.rETHStrategy as string].sort((a, b) =>
      BigInt(a) < BigInt(b) ? -1 : 1,
    );
    await avs.createOperatorSet(SET_ID, ordered);
    const set = { avs: await avs.getAddress(), id: SET_ID };
    const allocation = parseEther("0.5");
    await am
      .connect(operator)
      .modifyAllocations(operator.address, [
        { operatorSet: set, strategies: ordered, newMagnitudes: ordered.map(() => allocation) },
      ]);
    await am
      .connect(operator)
      .registerForOperatorSets(operator.address, { avs: set.avs, operatorSetIds: [SET_ID], data: "0x" });
    await mine(2); // the 1-block allocation delay

    // 3. Holders deposit stETH (from Lido's submit) and rETH while the market feeds are fresh; a sync refreshes the
    // stored prices first. A deposit is priced at the lowest of the stored, live protocol and market prices.
    await accountant.sync();
    await stETH.connect(alice).submit(ZeroAddress, { value: parseEther("20") });
    if (rpc) {
      // The rETH strategy holds rETH on mainnet: borrow some for the holder.
      await network.provider.send("hardhat_impersonateAccount", [MAINNET.rETHStrategy]);
      await network.provider.send("hardhat_setBalance", [MAINNET.rETHStrategy, ethers.toQuantity(parseEther("1"))]);
      await rETH.connect(await ethers.getSigner(MAINNET.rETHStrategy as string)).transfer(bob, parseEther("10"));
    } else {
      await (
        await ethers.getContractAt("RETHMock", MAINNET.rETH as string)
      )
        .connect(bob)
        .deposit({ value: parseEther("11.3") });
    }
    const stAmount = parseEther("15");
    const rAmount = parseEther("10");
    await stETH.connect(alice).approve(vault, MaxUint256);
    await rETH.connect(bob).approve(vault, MaxUint256);
    for (const token of [stETH, rETH]) {
      const [adapterAddress] = await vault.priceOf(token);
      const [, , marketOk] = await (await ethers.getContractAt("IPriceAdapter", adapterAddress)).quote();
      expect(marketOk, "market feed fresh").to.equal(true);
    }
    if (!rpc) {
      // The stand-in feeds answer the tokens' own rates: the stETH/ETH answer as placed.
      const feed = await ethers.getContractAt("AggregatorMock", MAINNET.stETHFeed as string);
      expect((await feed.latestRoundData())[1]).to.equal(FEED_ANSWERS.stETHFeed);
    }
    const stShares = await stETH.sharesOf(vault);
    await vault.connect(alice).depositLST(stETH, stAmount, alice, 0, 0);
    const stUnits = (await stETH.sharesOf(vault)) - stShares; // Lido shares that arrived (stETH is share-accounted)
    await vault.connect(bob).depositLST(rETH, rAmount, bob, 0, 0);

    // 4. Admin through the timelock (48 hours): a delegator for the operator, with the whole allocation target.
    const call = manager.interface.encodeFunctionData("addDelegator", [operator.address, 10_000]);
    const delay = await timelock.getMinDelay();
    await timelock.schedule(manager, 0, call, ZeroHash, ZeroHash, delay);
    await time.increase(delay);
    await timelock.execute(manager, 0, call, ZeroHash, ZeroHash);
    const [delegator] = await manager.delegators();
    expect(await dm.delegatedTo(delegator)).to.equal(operator.address);

    // 5. The keeper (the deployer, by default) restakes both into the mainnet strategies through the delegator.
    await manager.restake(delegator, stETH, stUnits);
    await manager.restake(delegator, rETH, rAmount);
    await accountant.sync();
    // Let anything streaming vest (on a fork, a market price below the protocol rate at deposit is a small gain):
    // with nothing streaming or held back, the next loss shows in full.
    const window = Number(MAINNET.streamWindow);
    for (let i = 0; i < 3 && (await accountant.pendingPerShare()) > 0n; ++i) {
      await time.increase(window);
      await accountant.sync();
    }
    expect(await accountant.pendingPerShare()).to.equal(0n);

    // 6. The AVS slashes the operator by 20% of its allocation in both strategies; a sync applies the loss.
    const withdrawableOf = async (s: IStrategy) => (await dm.getWithdrawableShares(delegator, [s]))[0][0];
    const [depositSt, depositR] = [
      (await dm.getWithdrawableShares(delegator, [strategies.stETH]))[1][0],
      (await dm.getWithdrawableShares(delegator, [strategies.rETH]))[1][0],
    ];
    const dsf = {
      stETH: await dm.depositScalingFactor(delegator, strategies.stETH),
      rETH: await dm.depositScalingFactor(delegator, strategies.rETH),
    };
    const maxBefore = await am.getMaxMagnitudes(operator.address, [strategies.stETH, strategies.rETH]);
    await avs.slash(
      operator.address,
      SET_ID,
      ordered,
      ordered.map(() => parseEther("0.2")),
      "fork test: slash 20%",
    );
    // The manager sees the cut in the AllocationManager's history: the rate is stale until the next sync.
    expect((await accountant.freshness()).slashedSinceSync).to.equal(true);
    const maxAfter = await am.getMaxMagnitudes(operator.address, [strategies.stETH, strategies.rETH]);
    // EigenLayer's rule (SEMANTICS §5): the slashed magnitude is ceil(allocation * 20%), off the max magnitude.
    const slashedMagnitude = mulDiv(allocation, parseEther("0.2"), UNIT, "ceil");
    expect(maxAfter[0]).to.equal(maxBefore[0] - slashedMagnitude);
    expect(maxAfter[1]).to.equal(maxBefore[1] - slashedMagnitude);
    // Withdrawable after = floor(floor(deposit * dsf) * newMax), computed here from EigenLayer's stored inputs.
    const expectWithdrawable = (deposit: bigint, factor: bigint, max: bigint) =>
      mulDiv(mulDiv(deposit, factor, UNIT), max, UNIT);
    expect(await withdrawableOf(strategies.stETH)).to.equal(expectWithdrawable(depositSt, dsf.stETH, maxAfter[0]));
    expect(await withdrawableOf(strategies.rETH)).to.equal(expectWithdrawable(depositR, dsf.rETH, maxAfter[1]));

    // The vault's value after the slash, valued independently: buffers we know (the seed plus Lido/strategy dust
    // left over), restaked tokens from the strategies' own views, at the prices the sync stored in the vault.
    const stUnitsAfter = await stETH.getSharesByPooledEth(
      await strategies.stETH.sharesToUnderlyingView(await withdrawableOf(strategies.stETH)),
    );
    const rUnitsAfter = await strategies.rETH.sharesToUnderlyingView(await withdrawableOf(strategies.rETH));
    const supply = await vault.totalSupply();
    const assetList = (await vault.assets()).map((x) => x.toLowerCase());
    const [iST, iR] = [
      assetList.indexOf((MAINNET.stETH as string).toLowerCase()),
      assetList.indexOf((MAINNET.rETH as string).toLowerCase()),
    ];
    // What was never restaked, per asset (in `vault.assets()` order): the buffers a sync reads.
    const buffersNow = async () => (await vault.syncInputs()).map((input) => input.buffer);
    const buffers = await buffersNow();
    expect(buffers[0]).to.equal(MAINNET.seed);
    expect(buffers[iST] + buffers[iR]).to.be.at.most(2n); // everything deposited was restaked, up to Lido rounding
    const rateBefore = await vault.getRate();
    await accountant.sync();
    expect((await accountant.freshness()).slashedSinceSync).to.equal(false);
    const value =
      (MAINNET.seed as bigint) +
      mulDiv(stUnitsAfter + buffers[iST], (await vault.priceOf(stETH))[1], UNIT) +
      mulDiv(rUnitsAfter + buffers[iR], (await vault.priceOf(rETH))[1], UNIT);
    const expectedRate = mulDiv(value, UNIT, supply);
    expect(await vault.getRate()).to.equal(expectedRate);
    expect(expectedRate).to.be.lessThan(rateBefore);
    console.log(
      `      rate ${ethers.formatEther(rateBefore)} → ${ethers.formatEther(expectedRate)} ETH per lrETH after the slash`,
    );

    // 7. An EigenLayer withdrawal of half the stETH position, completed after the delay, lands in the buffer.
    const half = (await withdrawableOf(strategies.stETH)) / 2n;
    await manager.queueWithdrawal(delegator, stETH, half);
    const [queued] = await dm.getQueuedWithdrawals(delegator);
    expect(queued.length).to.equal(1);
    await mine(Number(await dm.minWithdrawalDelayBlocks()) + 1);
    const expectedTokens = await strategies.stETH.sharesToUnderlyingView(
      mulDiv(queued[0].scaledShares[0], maxAfter[0], UNIT),
    );
    const bufferBefore = (await buffersNow())[iST];
    const outsideBefore = (await vault.assetInfo(stETH)).outsideUnits;
    await manager.completeWithdrawals(delegator, [asWithdrawal(queued[0])]);
    const arrived = (await buffersNow())[iST] - bufferBefore;
    // What came back left the vault's restaked/queued side.
    expect((await vault.assetInfo(stETH)).outsideUnits).to.equal(outsideBefore - arrived);
    // The tokens arrive as Lido shares; stETH's own share rounding may cost 1-2 shares on the transfers.
    expect(arrived).to.be.within(
      (await stETH.getSharesByPooledEth(expectedTokens)) - 2n,
      await stETH.getSharesByPooledEth(expectedTokens),
    );
    expect((await dm.getQueuedWithdrawals(delegator))[0].length).to.equal(0);

    // 8. Days have passed without a new market answer: deposits of stETH wait for a fresh one (maxFeedAge 90,000 s).
    await accountant.sync(); // fresh deposit prices: only the feed is stale
    const one = parseEther("1");
    await expect(vault.connect(alice).depositLST(stETH, one, alice, 0, 0))
      .to.be.revertedWithCustomError(vault, "LRTVaultMarketPriceUnavailable")
      .withArgs(stETH);
    if (!rpc) {
      // The stand-in feed posts an answer dated exactly maxFeedAge before the deposit's block: still usable; one
      // second older is not.
      const feed = await ethers.getContractAt("AggregatorMock", MAINNET.stETHFeed as string, admin);
      const next = (await time.latest()) + 10;
      await feed.setAnswerAt(FEED_ANSWERS.stETHFeed, next - 90_001);
      await time.setNextBlockTimestamp(next);
      // (a gas limit: mined in that block, not estimated)
      await expect(vault.connect(alice).depositLST(stETH, one, alice, 0, 0, { gasLimit: 1_000_000 }))
        .to.be.revertedWithCustomError(vault, "LRTVaultMarketPriceUnavailable")
        .withArgs(stETH);
      await feed.setAnswerAt(FEED_ANSWERS.stETHFeed, next + 10 - 90_000);
      await time.setNextBlockTimestamp(next + 10);
      const tx = vault.connect(alice).depositLST(stETH, one, alice, 0, 0, { gasLimit: 1_000_000 });
      await expect(tx).to.emit(vault, "Deposit");
      expect((await ethers.provider.getBlock((await (await tx).wait())!.blockNumber))!.timestamp).to.equal(next + 10);
    }
  });

  /**
   * Native restaking through a delegator's pod and the deposit contract: built in by the module (`native`), or turned
   * on through the timelock on a suite deployed without it. The EigenLayer operator is new each time (`operatorSeed`).
   */
  async function stakeOneValidator(native: boolean, operatorSeed: string) {
    // The EigenPods: EigenLayer's on a fork; placed once on the mainnet-shaped chain (at their mainnet addresses).
    if (!rpc && (await ethers.provider.getCode(MAINNET_EIGEN_POD_MANAGER)) === "0x") await placeMainnetPods(admin);
    const { deployed, vault, accountant, manager, timelock } = await deploySuite({ native });
    const dm = await ethers.getContractAt("DelegationManager", MAINNET.delegationManager as string);
    const operator = new Wallet(ethers.id(operatorSeed), ethers.provider);
    await network.provider.send("hardhat_setBalance", [operator.address, ethers.toQuantity(parseEther("10"))]);
    await dm.connect(operator).registerAsOperator(ZeroAddress, 1, `ipfs://${operatorSeed.replaceAll(" ", "-")}`);
    const viaTimelock = async (calls: [string, string][]) => {
      const targets = calls.map(([t]) => t);
      const data = calls.map(([, d]) => d);
      const values = calls.map(() => 0n);
      const delay = await timelock.getMinDelay();
      await timelock.scheduleBatch(targets, values, data, ZeroHash, ZeroHash, delay);
      await time.increase(delay);
      await timelock.executeBatch(targets, values, data, ZeroHash, ZeroHash);
    };
    const managerAddress = await manager.getAddress();
    const addDelegator: [string, string] = [
      managerAddress,
      manager.interface.encodeFunctionData("addDelegator", [operator.address, 10_000]),
    ];
    let registry: ValidatorKeyRegistry;
    if (native) {
      // The module deployed the key registry, linked the manager to it and gave ETH the beacon chain strategy.
      registry = await ethers.getContractAt("ValidatorKeyRegistry", await deployed.keyRegistry!.getAddress());
      expect(await registry.links()).to.deep.equal([managerAddress, MAINNET_EIGEN_POD_MANAGER]);
      expect(MAINNET.eigenPodManager).to.equal(MAINNET_EIGEN_POD_MANAGER);
      expect(await registry.authority()).to.equal(await deployed.accessManager.getAddress());
      expect(await vault.strategyOf(ETH)).to.equal(BEACON_CHAIN_ETH_STRATEGY);
      await viaTimelock([addDelegator]);
    } else {
      expect(await vault.strategyOf(ETH)).to.equal(ZeroAddress);
      // Anyone deploys the key registry and the manager's next implementation; the timelock switches them on.
      const enabling = await deployNativeRestaking(
        { vault, accountant, queue: deployed.queue, manager, accessManager: deployed.accessManager },
        admin,
        MAINNET_EIGEN_POD_MANAGER,
      );
      registry = enabling.registry;
      await viaTimelock([...enabling.adminCalls, addDelegator]);
    }
    const [delegatorAddress] = await manager.delegators();
    await viaTimelock([
      [
        await registry.getAddress(),
        registry.interface.encodeFunctionData("setNodeOperator", [delegatorAddress, bob.address]),
      ],
      [managerAddress, manager.interface.encodeFunctionData("setProofSubmitter", [delegatorAddress, admin.address])],
    ]);
    const delegator = await ethers.getContractAt("OperatorDelegator", delegatorAddress);
    const pod = await delegator.pod();
    const epm = await ethers.getContractAt("IEigenPodManager", MAINNET_EIGEN_POD_MANAGER);
    expect(await epm.hasPod(delegatorAddress)).to.equal(true); // setProofSubmitter created it
    expect(await vault.strategyOf(ETH)).to.equal(BEACON_CHAIN_ETH_STRATEGY);

    // ETH in the buffer (a sync first: the rate expired during the timelock's delays).
    await accountant.sync();
    await vault.connect(alice).depositETH(alice, 0, 0, { value: parseEther("40") });

    // The node operator registers a key signed for the pod (mainnet's genesis fork version); the keeper stakes it.
    const chain = await BeaconChain.create({ genesisTime: (await time.latest()) - 12 * 64 });
    // A key of its own in each run (the deposit contract keeps every deposit).
    const keys = podKeys(chain, pod as `0x${string}`, [native ? 1 : 0]);
    await registry.connect(bob).submitKeys(delegatorAddress, keys);
    const deposit = await ethers.getContractAt("DepositContract", SYSTEM_ADDRESSES.depositContract); // mainnet's ABI
    const root = await deposit.get_deposit_root();
    const count = await deposit.get_deposit_count();
    const balance = await ethers.provider.getBalance(deposit);
    const value = (await accountant.valuation()).totalValue;
    await expect(manager.stakeValidators(delegatorAddress, keys, root))
      .to.emit(deposit, "DepositEvent")
      .withArgs(keys[0].pubkey, podCredentials(pod), "0x0040597307000000", keys[0].signature, count);
    expect(await ethers.provider.getBalance(deposit)).to.equal(balance + parseEther("32"));
    expect(await manager.pendingStake()).to.equal(parseEther("32"));
    expect((await accountant.valuation()).totalValue).to.equal(value);
  }

  it("turns native restaking on through the timelock and stakes a validator through a delegator's pod and the deposit contract", async function () {
    await stakeOneValidator(false, "lrt-vault fork native operator");
  });

  it("deploys native restaking with the module (eigenPodManager of the mainnet parameters) and stakes a validator through a delegator's pod", async function () {
    await stakeOneValidator(true, "lrt-vault fork module native operator");
  });
});
