/**
 * The randomized property test over the whole system, and fixed scenarios and regressions replayed with every
 * property it checks: the harness (`World`, its actions and checks) lives in `world.ts`, whose header lists the
 * properties.
 */
import { expect } from "chai";
import fc from "fast-check";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { MaxUint256, parseEther } from "ethers";
import { deploySuiteFixture } from "../../scripts/lib/suite";
import { PARAMS, RETH_INITIAL_RATE } from "../../scripts/lib/constants";
import { WAD, mulDiv } from "../helpers/math";
import {
  ATTACKER,
  DAY,
  ETH_I,
  EVENTS,
  EXIT_BOUND,
  MAX_STEPS,
  MIN_STEPS,
  RETH_I,
  ROUNDING,
  RUNS,
  SEED,
  STATS,
  STETH_I,
  World,
  actionArb,
  longestWait,
  replay,
  type Action,
} from "./world";

/* ------------------------------------------------------------------------------------------------------------- */
/*                                                     TESTS                                                      */
/* ------------------------------------------------------------------------------------------------------------- */

describe("System properties (randomized, whole suite)", function () {
  const lengths = `${MIN_STEPS}-${MAX_STEPS} steps`;
  const title = `hold after every step of ${RUNS} random action sequences (fast-check seed ${SEED}, ${lengths})`;
  it(title, async function () {
    // A failing run also shrinks its counterexample, replaying it many times.
    this.timeout(60 * 60_000);
    const started = Date.now();
    let steps = 0;
    let diligentRuns = 0;
    await fc.assert(
      fc.asyncProperty(
        // One run in three has a keeper that follows the runbook on schedule.
        fc.integer({ min: 0, max: 2 }).map((x) => x === 0),
        fc.array(actionArb, { minLength: MIN_STEPS, maxLength: MAX_STEPS }),
        async (diligent, actions) => {
          const w = await World.load(diligent);
          if (diligent) ++diligentRuns;
          try {
            await w.play(actions);
          } finally {
            steps += w.steps;
          }
        },
      ),
      // INVARIANT_NO_SHRINK=1 reports the first failure as found (exploration); CI shrinks it.
      { seed: SEED, numRuns: RUNS, endOnFailure: process.env.INVARIANT_NO_SHRINK === "1" },
    );
    console.log(
      `    ${RUNS} runs (${diligentRuns} with the keeper on schedule), ${steps} checked steps in ${(
        (Date.now() - started) /
        1000
      ).toFixed(1)}s`,
    );
    console.log(
      `    done/expected revert/skipped: ${[...STATS.entries()]
        .map(([k, t]) => `${k} ${t.done}/${t.reverted}/${t.skipped}`)
        .join(", ")}`,
    );
    console.log(
      `    outcomes: ${[...EVENTS.entries()].map(([k, n]) => `${k} ${n}`).join(", ")}; longest wait with the keeper ` +
        `on schedule ${longestWait()}s (bound ${EXIT_BOUND}s)`,
    );
    console.log(
      `    largest rounding (units): ${[...ROUNDING.entries()]
        .filter(([, v]) => v > 0n)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ")}`,
    );
  });
});

describe("System property scenarios (fixed sequences, every property checked after every step)", function () {
  /** The attacker takes the whole rETH lane; a slash of the operator holding the restaked rETH leaves the vault
   * short of rETH itself. */
  const shortRethLane: Action[] = [
    { kind: "atkRequest", asset: RETH_I, bps: 1, fill: true },
    { kind: "slash", operator: 1, wadBps: 5_000, mask: 0b010 },
  ];
  const attackersRequest = (w: World, asset: string) =>
    w.tracked().filter((r) => r.owner === "attacker" && r.asset === asset);

  it("a lane short of its asset waits through the keeper's runbook; past maxWait the keeper re-denominates it", async function () {
    const w = await replay([...shortRethLane, { kind: "keeper" }]);
    expect(attackersRequest(w, "rETH"), "the rETH request waits, its lane short").to.deep.equal([
      { asset: "rETH", seq: 1n, owner: "attacker", status: 1, short: true },
    ]);
    await w.step({ kind: "warp", seconds: 17 * DAY });
    await w.step({ kind: "keeper" });
    expect(attackersRequest(w, "rETH")[0].status, "moved out of the rETH lane").to.equal(4);
    expect(
      attackersRequest(w, "ETH").map((r) => r.status),
      "re-denominated into ETH and finalized",
    ).to.deep.equal([2]);
  });

  it("the owner re-denominates a stuck request after maxWait (not before) and is paid in the new asset", async function () {
    const w = await replay([
      ...shortRethLane,
      { kind: "redenominate", actor: ATTACKER, pick: 0, asset: ETH_I },
      { kind: "warp", seconds: 17 * DAY },
      { kind: "redenominate", actor: ATTACKER, pick: 0, asset: ETH_I },
      { kind: "finalize", max: 5 },
      { kind: "atkClaim" },
    ]);
    expect(w.log[2], "refused before maxWait").to.match(
      /re-denominates rETH#1 into ETH \(reverted: WithdrawalQueueNotStuck\)/,
    );
    expect(w.log[4], "moved after maxWait").to.match(/re-denominates rETH#1 into ETH$/);
    expect(
      attackersRequest(w, "ETH").map((r) => r.status),
      "paid in ETH",
    ).to.deep.equal([3]);
  });

  it("a request that takes a lane's whole room after a restake is covered by the vault's units and paid by the keeper", async function () {
    // The route counts the outside units less ROUTE_MARGIN (1 gwei): EigenLayer credits a restake a unit below what it
    // released and a completion loses a few more, far less than the margin, so a lane filled to its last unit of
    // room stays covered by the vault's stETH (checked after every step too) and the keeper's runbook pays it.
    const w = await replay([
      { kind: "restake", delegator: 2, asset: 0, bps: 5_000 },
      { kind: "atkRequest", asset: STETH_I, bps: 1, fill: true },
    ]);
    const covered = (when: string) =>
      expect(w.prev.lanes[STETH_I].liability, `stETH lane covered ${when}`).to.be.at.most(w.prev.units[STETH_I]);
    expect(
      attackersRequest(w, "stETH").map((r) => r.status),
      "accepted",
    ).to.deep.equal([1]);
    expect(w.prev.lanes[STETH_I].liability, "the lane owes more than the buffer").to.be.greaterThan(
      w.prev.buffers[STETH_I],
    );
    covered("after the request");
    await w.step({ kind: "keeper" });
    covered("after the keeper");
    expect(
      attackersRequest(w, "stETH").map((r) => r.status),
      "paid",
    ).to.deep.equal([2]);
  });

  it("a stale feed refuses deposits of its LST, and payouts still price at its last answer", async function () {
    // The rETH feed posts a premium of 5% dated long ago: stale at once. A deposit of rETH is refused
    // (LRTVaultMarketPriceUnavailable); a request in rETH gets its most units at the stale premium (checked against
    // the model at the request and at its finalization), and nobody gains from it.
    const stale: Action = { kind: "atkMarket", feed: 1, bps: 500, toggleDown: false, stale: true };
    const w = await replay([
      stale,
      { kind: "deposit", user: 0, asset: RETH_I, amount: parseEther("1") },
      { kind: "atkBuy", asset: RETH_I, amount: parseEther("1"), deposit: true },
      { kind: "atkRequest", asset: RETH_I, bps: 500, fill: false },
      { kind: "finalize", max: 5 },
      { kind: "atkClaim" },
    ]);
    expect(w.prev.marketOk[RETH_I], "rETH market unusable").to.equal(false);
    expect(w.prev.market[RETH_I], "rETH market: the stale answer").to.be.greaterThan(w.prev.protocol[RETH_I]);
    expect(w.log[1], "deposit refused").to.match(/\(reverted: LRTVaultMarketPriceUnavailable\)$/);
    expect(w.log[2], "nothing to buy at a stale price").to.match(/^skip/);
    expect(
      attackersRequest(w, "rETH").map((r) => r.status),
      "paid at the stale premium and claimed",
    ).to.deep.equal([3]);
    // Down, the feed gives no price: payouts fall back to the stored and protocol prices.
    await w.step({ kind: "atkMarket", feed: 1, bps: 0, toggleDown: true, stale: false });
    expect(w.prev.market[RETH_I], "rETH feed down: no market").to.equal(0n);
    await w.step({ kind: "atkRequest", asset: RETH_I, bps: 500, fill: false });
    await w.step({ kind: "finalize", max: 5 });
    expect(
      attackersRequest(w, "rETH").map((r) => r.status),
      "paid at the protocol price",
    ).to.deep.equal([3, 2]);
  });

  it("a keeper on schedule brings restaked units back and finalizes a lane that is not short within the bound", async function () {
    // The attacker takes the whole stETH lane: its liability exceeds the buffer, the rest is restaked.
    const w = await replay(
      [
        { kind: "atkRequest", asset: STETH_I, bps: 1, fill: true },
        { kind: "request", user: 2, receiver: 2, asset: RETH_I, bps: 2_500 },
        { kind: "warp", seconds: 3 * DAY },
      ],
      true,
    );
    expect(w.log.some((l) => /keeper \(scheduled\): queue EigenLayer withdrawals of \d+ stETH/.test(l))).to.equal(true);
    expect(
      w.tracked().filter((r) => r.status === 1),
      "nothing waits",
    ).to.deep.equal([]);
  });
});

/* ------------------------------------------------------------------------------------------------------------- */
/*                                                  REGRESSIONS                                                   */
/* ------------------------------------------------------------------------------------------------------------- */

/** The suite after a deposit of rETH at a price with many digits and a sync: the vault's value per lrETH is not a
 * round number, and with about one lrETH in supply it is less than a wei from the next integer below. The rETH
 * market feed follows the rate (a deposit is priced at the lowest of stored, protocol and market). */
async function oddRateFixture() {
  const s = await deploySuiteFixture();
  const { admin, alice } = s.signers;
  await s.tokens.rETH.connect(admin).setExchangeRate(RETH_INITIAL_RATE + 123_456_789n);
  await s.feeds.rETH.connect(admin).setAnswer(RETH_INITIAL_RATE + 123_456_789n);
  await s.tokens.rETH.connect(alice).deposit({ value: parseEther("1") });
  await s.tokens.rETH.connect(alice).approve(s.vault, MaxUint256);
  await s.vault.connect(alice).depositLST(s.tokens.rETH, parseEther("0.3") + 3n, alice, 0, 0);
  await s.accountant.sync();
  return s;
}

describe("System property regressions", function () {
  it("a deposit alone never makes the next sync find a loss (the valuation's per-asset floor)", async function () {
    // Found by the property test (seed 1): the sync valued each asset rounded down, so a deposit priced at its
    // exact value could bring up to a wei less than its lrETH were worth at the deposit rate; when the vault's value
    // per lrETH was within that wei of an integer, the next sync booked a 1-wei loss and lowered the rate with
    // nothing lost.
    const s = await loadFixture(oddRateFixture);
    const { alice } = s.signers;
    const [synced] = (await s.accountant.queryFilter(s.accountant.filters.Synced())).slice(-1);
    const value = synced.args.totalValue;
    const supply = synced.args.totalSupply;
    const [, price] = await s.vault.priceOf(s.tokens.rETH);
    const held = (await s.vault.assetInfo(s.tokens.rETH)).bufferUnits;
    const books = await s.accountant.books();
    const owed = books.base + books.amount1 + books.amount2 + books.heldBack;
    // The smallest rETH deposit whose units, valued rounded down as the sync values them, fall short of what its
    // lrETH are worth at the value per lrETH the books hold (computed here from the last sync's event).
    const perShare = mulDiv(value, WAD, supply);
    const ceil = mulDiv(value, WAD, supply, "ceil");
    const depositRate = ceil > owed ? ceil : owed;
    const perUnit = mulDiv(price, WAD, depositRate);
    let units = 0n;
    for (let u = PARAMS.minDeposit; u < PARAMS.minDeposit + 100_000n; ++u) {
      const minted = (u * perUnit) / WAD;
      const added = mulDiv(held + u, price, WAD) - mulDiv(held, price, WAD);
      if (mulDiv(value + added, WAD, supply + minted) < perShare) {
        units = u;
        break;
      }
    }
    expect(units, "a deposit that exposes the rounding").to.be.greaterThan(0n);
    await s.vault.connect(alice).depositLST(s.tokens.rETH, units, alice, 0, 0);
    const rateBefore = await s.vault.getRate();
    // Nothing was lost: no loss is booked, the books stand and the rate keeps vesting.
    await expect(s.accountant.sync())
      .to.emit(s.accountant, "GainRecognised")
      .withArgs(0n, 0n)
      .and.not.to.emit(s.accountant, "LossRecognised");
    const after = await s.accountant.books();
    expect(after.base + after.amount1 + after.amount2 + after.heldBack).to.equal(owed);
    expect(await s.vault.getRate()).to.be.at.least(rateBefore);
  });
});
