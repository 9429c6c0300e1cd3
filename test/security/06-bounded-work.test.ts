/**
 * Attack 6 of issue 9: unbounded sync. `sync()` cost about 34k gas more per pending EigenLayer withdrawal, with no
 * cap: around 786 pending at the largest configuration passed 30M gas, and since `finalize` syncs and deposits need a
 * fresh sync, exits and deposits stopped until withdrawals completed. Forced undelegations by operators add pending
 * withdrawals without the keeper.
 *
 * This test builds the largest configuration the contracts allow and proves the caps are enforced on the way:
 * 8 vault assets and 4 restaked assets (`LRTVaultTooMany` beyond), 16 delegators (`RestakingManagerTooManyDelegators`),
 * 10 pending withdrawals per delegator, forced undelegations included (the keeper may queue only while room for a
 * forced undelegation remains: `RestakingManagerTooManyPending`), 50 requests per `finalize` (a 51st waits). It
 * then measures `sync()` and `finalize()` with a gain to book and prices moved (every storage write a sync can make)
 * and asserts both stay under 10,000,000 gas. `npm run bench` reports the same figures as `sync.worst` and
 * `finalize.worst`; this is the proof that they stay under the bound.
 */
import { expect } from "chai";
import { loadFixture, mine, takeSnapshot, time } from "@nomicfoundation/hardhat-network-helpers";
import { MaxUint256, ZeroAddress, parseEther } from "ethers";
import { ERC20Mock__factory, ParityAdapter__factory, type ERC20Mock } from "../../typechain-types";
import { EIGEN_DELAYS, ascending, deployStrategy } from "../../scripts/lib/eigenlayer";
import { PARAMS, SET_ID, deploySuite, type Suite } from "../../scripts/lib/suite";
import { inOneBlock, mined } from "./helpers";

const LIMIT = 10_000_000n;
/** The caps as docs/security-model.md states them. */
const CAPS = { assets: 8, delegators: 16, strategies: 4, pending: 10, finalizeBatch: 50 } as const;
const DAY = 24 * 3600;

/** A plain 18-decimal token priced 1:1 by a ParityAdapter, listed in the vault with the suite's price bounds. */
async function listToken(s: Suite, n: number): Promise<ERC20Mock> {
  const { admin } = s.signers;
  const token = await new ERC20Mock__factory(admin).deploy(`Worst ${n}`, `W${n}`);
  const adapter = await new ParityAdapter__factory(admin).deploy(token);
  await s.vault.addAsset(token, {
    cap: PARAMS.cap,
    minDeposit: PARAMS.minDeposit,
    lidoShares: false,
    adapter,
    maxRiseBpsPerDay: PARAMS.maxRiseBpsPerDay,
    maxFallBps: PARAMS.maxFallBps,
  });
  return token;
}

/** 16 operators and delegators, the three LST strategies: the suite at its largest delegator count. */
async function sixteenOperatorsFixture() {
  return deploySuite({ operators: CAPS.delegators, strategies: 3 });
}

/** Raises every LST's rate a little, more than half a stream window later: each sync has a gain to book. */
async function gain(s: Suite) {
  await time.increase(4 * DAY);
  await s.tokens.stETH.rebase((await s.tokens.stETH.getTotalPooledEther()) / 1000n);
  await s.tokens.rETH.setExchangeRate(((await s.tokens.rETH.getExchangeRate()) * 1001n) / 1000n);
  await s.tokens.cbETH.updateExchangeRate(((await s.tokens.cbETH.exchangeRate()) * 1001n) / 1000n);
}

describe("Security 6: sync and finalize have a bounded worst case", function () {
  it("caps are enforced, and at 8 assets x 16 delegators x 4 strategies x 10 pending withdrawals x 50 requests both stay under 10M gas", async function () {
    this.timeout(30 * 60 * 1000);
    const s = await loadFixture(sixteenOperatorsFixture);
    const { admin, alice, keeper } = s.signers;
    expect(await s.vault.MAX_ASSETS()).to.equal(CAPS.assets);
    expect(await s.manager.MAX_DELEGATORS()).to.equal(CAPS.delegators);
    expect(await s.manager.MAX_STRATEGIES()).to.equal(CAPS.strategies);
    expect(await s.manager.MAX_PENDING_WITHDRAWALS()).to.equal(CAPS.pending);
    expect(await s.queue.MAX_FINALIZE_BATCH()).to.equal(CAPS.finalizeBatch);

    // Assets: ETH + 5 LSTs + 2 plain tokens = 8; a 9th is refused.
    const extra = [await listToken(s, 0), await listToken(s, 1)];
    const assets = await s.vault.assets();
    expect(assets.length).to.equal(CAPS.assets);
    await expect(listToken(s, 2)).to.be.revertedWithCustomError(s.vault, "LRTVaultTooMany").withArgs(CAPS.assets);

    // Strategies: stETH, rETH, cbETH + the first plain token = 4; a 5th (WETH) is refused.
    const restakable = [s.tokens.stETH, s.tokens.rETH, s.tokens.cbETH, extra[0]];
    const strategies = [...s.strategies, await deployStrategy(s.el, await extra[0].getAddress())];
    await s.vault.setStrategy(extra[0], strategies[3]);
    const wethStrategy = await deployStrategy(s.el, await s.tokens.weth.getAddress());
    await expect(s.vault.setStrategy(s.tokens.weth, wethStrategy))
      .to.be.revertedWithCustomError(s.vault, "LRTVaultTooMany")
      .withArgs(CAPS.strategies);
    const [restakedAssets] = await s.vault.strategies();
    expect(restakedAssets).to.deep.equal(await Promise.all(restakable.map((t) => t.getAddress())));
    // Delegators: 16; a 17th is refused.
    expect((await s.manager.delegators()).length).to.equal(CAPS.delegators);
    await expect(s.manager.addDelegator(s.operators[0], 0))
      .to.be.revertedWithCustomError(s.manager, "RestakingManagerTooManyDelegators")
      .withArgs(CAPS.delegators);
    await mined(await s.accountant.sync());

    // Deposits of every asset (alice), then every delegator restakes 2 units of every restakable asset (asset by
    // asset, round robin: each move goes toward the equal targets).
    await s.vault.connect(alice).depositETH(alice, 0, 0, { value: parseEther("150") });
    await s.tokens.stETH.connect(alice).submit(ZeroAddress, { value: parseEther("120") });
    await s.tokens.stETH.connect(alice).approve(s.tokens.wstETH, parseEther("20"));
    await s.tokens.wstETH.connect(alice).wrap(parseEther("20"));
    await s.tokens.rETH.connect(alice).deposit({ value: parseEther("110") });
    await s.tokens.cbETH.connect(alice).deposit({ value: parseEther("105") });
    await s.tokens.weth.connect(alice).deposit({ value: parseEther("20") });
    for (const token of extra) await token.mint(alice, parseEther("100"));
    for (const token of [s.tokens.stETH, s.tokens.wstETH, s.tokens.rETH, s.tokens.cbETH, s.tokens.weth, ...extra]) {
      await token.connect(alice).approve(s.vault, MaxUint256);
      await s.vault.connect(alice).depositLST(token, await token.balanceOf(alice), alice, 0, 0);
    }
    for (const token of restakable) {
      for (const d of s.delegators) await s.manager.connect(keeper).restake(d, token, parseEther("2"));
    }

    // 51 payable requests over the 8 lanes: one finalize can take 50.
    await s.vault.connect(alice).approve(s.queue, MaxUint256);
    const requests = CAPS.finalizeBatch + 1;
    for (let k = 0; k < requests; ++k) {
      await s.queue.connect(alice).requestWithdrawal(parseEther("0.05"), assets[k % assets.length], alice);
    }

    // Every operator slashed a little on the AVS's strategies: non-trivial slashing factors and magnitude history for
    // every position and pending withdrawal the sync values.
    const setStrategies = ascending(await Promise.all(s.strategies.map((x) => x.getAddress())));
    for (const operator of s.operators) {
      await s.avs.slash(
        operator,
        SET_ID,
        setStrategies,
        setStrategies.map(() => parseEther("0.01")),
        "worst case",
      );
    }

    // Pending withdrawals: the keeper may queue while room for a forced undelegation (one per strategy) remains,
    // i.e. 10 - 4 = 6; the operator then force-undelegates: 4 more, 10 in all. Nothing can add an 11th. Sent many
    // to a block, so that every withdrawal is still inside EigenLayer's slashable window at the first measurement.
    const keeperMax = CAPS.pending - CAPS.strategies;
    const queues: [(typeof s.delegators)[number], number, bigint][] = [];
    for (const d of s.delegators) {
      const [shares] = await s.el.delegationManager.getWithdrawableShares(d, strategies);
      for (let k = 0; k < keeperMax; ++k) queues.push([d, k % restakable.length, shares[k % restakable.length] / 4n]);
    }
    const d0 = s.delegators[0];
    for (const [d, j, amount] of queues.slice(0, keeperMax)) {
      await s.manager.connect(keeper).queueWithdrawal(d, restakable[j], amount);
    }
    await expect(s.manager.connect(keeper).queueWithdrawal(d0, restakable[0], 1n))
      .to.be.revertedWithCustomError(s.manager, "RestakingManagerTooManyPending")
      .withArgs(d0, keeperMax, CAPS.pending - 1 - CAPS.strategies);
    const rest = queues.slice(keeperMax);
    for (let i = 0; i < rest.length; i += 30) {
      const sent = await inOneBlock(async () => {
        const txs = [];
        for (const [d, j, amount] of rest.slice(i, i + 30)) {
          txs.push(await s.manager.connect(keeper).queueWithdrawal(d, restakable[j], amount, { gasLimit: 800_000 }));
        }
        return txs;
      });
      for (const tx of sent) await mined(tx);
    }
    const undelegations = await inOneBlock(async () => {
      const txs = [];
      for (let i = 0; i < s.delegators.length; ++i) {
        txs.push(
          await s.el.delegationManager.connect(s.operators[i]).undelegate(s.delegators[i], { gasLimit: 1_500_000 }),
        );
      }
      return txs;
    });
    for (const tx of undelegations) await mined(tx);
    for (let i = 0; i < s.delegators.length; ++i) {
      const roots = await s.el.delegationManager.getQueuedWithdrawalRoots(s.delegators[i]);
      expect(roots.length, `delegator ${i}`).to.equal(CAPS.pending);
    }
    await expect(s.manager.connect(keeper).queueWithdrawal(d0, restakable[0], 1n))
      .to.be.revertedWithCustomError(s.manager, "RestakingManagerTooManyPending")
      .withArgs(d0, CAPS.pending, CAPS.pending - 1 - CAPS.strategies);
    // Re-delegating an undelegated delegator needs room for the new operator's forced undelegation.
    await expect(s.manager.connect(admin).redelegate(d0, s.operators[1]))
      .to.be.revertedWithCustomError(s.manager, "RestakingManagerTooManyPending")
      .withArgs(d0, CAPS.pending, CAPS.pending - CAPS.strategies);

    // Measured twice: with the withdrawals inside their slashable window (EigenLayer reads today's magnitudes) and
    // past it (magnitudes at the window's end, from the history). Each time a gain is to be booked and prices move.
    const measure = async () => {
      await gain(s);
      const syncReceipt = await mined(await s.accountant.sync({ gasLimit: 29_000_000 }));
      const sync = syncReceipt.gasUsed;
      await gain(s);
      const snapshot = await takeSnapshot();
      const receipt = await mined(await s.queue.finalize(MaxUint256, { gasLimit: 29_000_000 }));
      let finalized = 0;
      for (const log of receipt.logs) {
        const parsed = log.address === s.queue.target ? s.queue.interface.parseLog(log) : null;
        if (parsed?.name === "WithdrawalFinalized") ++finalized;
      }
      // The step cap: one finalize takes 50 requests; the 51st waits for the next call.
      expect(finalized).to.equal(CAPS.finalizeBatch);
      expect(await s.queue.finalize.staticCall(MaxUint256)).to.equal(1n);
      await snapshot.restore();
      return {
        sync,
        finalize: receipt.gasUsed,
        syncBlock: syncReceipt.blockNumber,
        finalizeBlock: receipt.blockNumber,
      };
    };
    const [firstQueued] = await s.el.delegationManager.getQueuedWithdrawals(d0);
    const earliest = Number(
      firstQueued.reduce((m, w) => (w.startBlock < m ? w.startBlock : m), firstQueued[0].startBlock),
    );
    const delay = EIGEN_DELAYS.minWithdrawalDelayBlocks;
    const inWindow = await measure();
    expect(inWindow.finalizeBlock, "every withdrawal still in its window").to.be.at.most(earliest + delay);
    await mine(delay + 1);
    const pastWindow = await measure();
    const worst = {
      sync: inWindow.sync > pastWindow.sync ? inWindow.sync : pastWindow.sync,
      finalize: inWindow.finalize > pastWindow.finalize ? inWindow.finalize : pastWindow.finalize,
    };
    const pending = CAPS.delegators * CAPS.pending;
    console.log(
      `      worst case (${assets.length} assets, ${CAPS.delegators} delegators, ${CAPS.strategies} strategies, ` +
        `${pending} pending withdrawals, ${CAPS.finalizeBatch} requests finalized):\n` +
        `        sync ${inWindow.sync} gas in the slashable window, ${pastWindow.sync} past it; ` +
        `finalize ${inWindow.finalize} / ${pastWindow.finalize} gas`,
    );
    expect(worst.sync, "sync.worst").to.be.lessThan(LIMIT);
    expect(worst.finalize, "finalize.worst").to.be.lessThan(LIMIT);
  });
});
