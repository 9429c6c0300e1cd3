import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import fc from "fast-check";
import { RateModel, UNIT } from "../helpers/rateModel";

const DAY = 86_400n;

async function rateAccountingFixture() {
  return { harness: await ethers.deployContract("RateAccountingHarness") };
}

/** A model whose books are set directly (the harness is stateless). */
function modelWith(
  state: { base: bigint; unvested: bigint; heldBack: bigint; hwm: bigint; lastSync: bigint; window: bigint },
  params: { streamWindow: bigint; maxAprBps: bigint; feeBps: bigint },
) {
  const m = new RateModel({ ...params, maxRateAge: DAY });
  m.base = state.base;
  m.unvested = state.unvested;
  m.heldBack = state.heldBack;
  m.highWaterMark = state.hwm;
  m.lastSync = state.lastSync;
  m.window = state.window;
  return m;
}

describe("RateAccounting (library) against the TypeScript reference", function () {
  const asState = (s: {
    base: bigint;
    unvested: bigint;
    heldBack: bigint;
    hwm: bigint;
    lastSync: bigint;
    window: bigint;
  }) => ({
    base: s.base,
    unvested: s.unvested,
    heldBack: s.heldBack,
    highWaterMark: s.hwm,
    lastSync: s.lastSync,
    window: s.window,
  });

  it("streams a gain linearly", async function () {
    const { harness } = await loadFixture(rateAccountingFixture);
    const s = {
      base: UNIT,
      unvested: 7n * 10n ** 15n + 1n,
      heldBack: 0n,
      hwm: UNIT,
      lastSync: 1_000n,
      window: 7n * DAY,
    };
    // Half-way through the window: floor(unvested / 2); the ceil variant rounds up.
    const half = s.lastSync + s.window / 2n;
    expect(await harness.rateAt(asState(s), half)).to.equal(UNIT + (s.unvested * (s.window / 2n)) / s.window);
    expect(await harness.rateAt(asState(s), s.lastSync + s.window + 5n)).to.equal(UNIT + s.unvested);
    expect(await harness.pending(asState(s), s.lastSync)).to.equal(s.unvested);
  });

  it("a loss comes off the base rate at once and leaves the stream and held-back gains", async function () {
    const { harness } = await loadFixture(rateAccountingFixture);
    const s = {
      base: 1_050_000_000_000_000_000n,
      unvested: 10n ** 16n,
      heldBack: 3n * 10n ** 15n,
      hwm: 1_063_000_000_000_000_000n,
      lastSync: 0n,
      window: 10n * DAY,
    };
    const params = { streamWindow: 10n * DAY, maxAprBps: 1_000n, feeBps: 1_000n };
    const time = 2n * DAY;
    const m = modelWith(s, params);
    const expectedBefore = m.rateAt(time) + (s.unvested - m.vested(time)) + s.heldBack;
    const vps = expectedBefore - 25n * 10n ** 15n; // a 0.025 ETH per share loss
    const [next, out] = await harness.book(asState(s), vps, time, params);
    const o = m.sync(vps * 1n, UNIT, time); // supply 1e18: value == value per share
    expect(out.loss)
      .to.equal(25n * 10n ** 15n)
      .and.to.equal(o.loss);
    expect(next.base).to.equal(m.base);
    expect(next.unvested).to.equal(m.unvested);
    expect(next.heldBack).to.equal(s.heldBack);
    expect(next.highWaterMark).to.equal(s.hwm); // no new high: recovering will not pay the fee
  });

  it("holds back the part of a gain above the APR bound and streams it at later syncs", async function () {
    const { harness } = await loadFixture(rateAccountingFixture);
    const s = { base: UNIT, unvested: 0n, heldBack: 0n, hwm: UNIT, lastSync: 0n, window: 0n };
    const params = { streamWindow: 7n * DAY, maxAprBps: 1_000n, feeBps: 0n };
    // One day at 10% APR allows 1e18 * 0.1 / 365 = 273972602739726 per share; a 1% jump is mostly held back.
    const [next, out] = await harness.book(asState(s), UNIT + 10n ** 16n, DAY, params);
    expect(out.streamed).to.equal(273_972_602_739_726n);
    expect(out.heldBack).to.equal(10n ** 16n - 273_972_602_739_726n);
    expect(next.unvested).to.equal(out.streamed);
    expect(next.heldBack).to.equal(out.heldBack);
  });

  it("charges the fee only above the high-water mark", async function () {
    const { harness } = await loadFixture(rateAccountingFixture);
    const s = { base: UNIT, unvested: 0n, heldBack: 0n, hwm: 1_100_000_000_000_000_000n, lastSync: 0n, window: 0n };
    expect(await harness.feeOn(asState(s), 1_050_000_000_000_000_000n, 1_000n)).to.equal(0n);
    // 10% of (1.2 - 1.1)
    expect(await harness.feeOn(asState(s), 1_200_000_000_000_000_000n, 1_000n)).to.equal(10n ** 16n);
  });

  it("book() equals the reference on 300 random books and valuations", async function () {
    const { harness } = await loadFixture(rateAccountingFixture);
    const wad = fc.bigInt({ min: 0n, max: 3n * UNIT });
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          base: fc.bigInt({ min: 1n, max: 3n * UNIT }),
          unvested: fc.bigInt({ min: 0n, max: UNIT / 10n }),
          heldBack: fc.bigInt({ min: 0n, max: UNIT / 10n }),
          window: fc.bigInt({ min: 1n, max: 30n * DAY }),
          elapsed: fc.bigInt({ min: 0n, max: 60n * DAY }),
          vps: wad,
          streamWindow: fc.constantFrom(0n, DAY, 7n * DAY),
          maxAprBps: fc.bigInt({ min: 0n, max: 5_000n }),
        }),
        async (r) => {
          const s = {
            base: r.base,
            unvested: r.unvested,
            heldBack: r.heldBack,
            hwm: r.base,
            lastSync: 1_000n,
            window: r.window,
          };
          const params = { streamWindow: r.streamWindow, maxAprBps: r.maxAprBps, feeBps: 0n };
          const time = s.lastSync + r.elapsed;
          const m = modelWith(s, params);
          const o = m.sync(r.vps, UNIT, time); // supply 1e18: value per share == value
          const [next, out] = await harness.book(asState(s), r.vps, time, params);
          expect(out.loss).to.equal(o.loss);
          expect(out.streamed).to.equal(o.streamed);
          expect(out.heldBack).to.equal(o.heldBack);
          expect([
            next.base,
            next.unvested,
            next.heldBack,
            next.highWaterMark,
            next.lastSync,
            next.window,
          ]).to.deep.equal([m.base, m.unvested, m.heldBack, m.highWaterMark, m.lastSync, m.window]);
        },
      ),
      { numRuns: 300, seed: 20261126 },
    );
  });
});
