import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import fc from "fast-check";
import { RateModel, UNIT, vestedOf } from "../helpers/rateModel";
import type { Tranche } from "../helpers/rateModel";

const DAY = 86_400n;
const YEAR = 365n * DAY;
const BPS = 10_000n;
const NONE: Tranche = { amount: 0n, start: 0n, end: 0n };

async function rateAccountingFixture() {
  return { harness: await ethers.deployContract("RateAccountingHarness") };
}

/** Books as the library's `State` holds them. */
interface Books {
  base: bigint;
  t1: Tranche;
  t2: Tranche;
  heldBack: bigint;
  hwm: bigint;
  recognizedAt: bigint;
}

/** The library's `State` struct for `b`. */
function asState(b: Books) {
  return {
    base: b.base,
    amount1: b.t1.amount,
    start1: b.t1.start,
    end1: b.t1.end,
    amount2: b.t2.amount,
    start2: b.t2.start,
    end2: b.t2.end,
    heldBack: b.heldBack,
    highWaterMark: b.hwm,
    recognizedAt: b.recognizedAt,
  };
}

/** A model whose books are set directly (the harness is stateless). */
function modelWith(b: Books, params: { streamWindow: bigint; maxAprBps: bigint; feeBps: bigint }): RateModel {
  const m = new RateModel({ ...params, maxRateAge: DAY }, b.recognizedAt);
  m.base = b.base;
  m.t1 = { ...b.t1 };
  m.t2 = { ...b.t2 };
  m.heldBack = b.heldBack;
  m.highWaterMark = b.hwm;
  return m;
}

/** The model's books, in the order of the library's `State`. */
function modelState(m: RateModel): bigint[] {
  return [
    m.base,
    m.t1.amount,
    m.t1.start,
    m.t1.end,
    m.t2.amount,
    m.t2.start,
    m.t2.end,
    m.heldBack,
    m.highWaterMark,
    m.recognizedAt,
  ];
}

/** The harness's `State` result as a list. */
function stateList(s: {
  base: bigint;
  amount1: bigint;
  start1: bigint;
  end1: bigint;
  amount2: bigint;
  start2: bigint;
  end2: bigint;
  heldBack: bigint;
  highWaterMark: bigint;
  recognizedAt: bigint;
}): bigint[] {
  return [
    s.base,
    s.amount1,
    s.start1,
    s.end1,
    s.amount2,
    s.start2,
    s.end2,
    s.heldBack,
    s.highWaterMark,
    s.recognizedAt,
  ];
}

describe("RateAccounting (library) against the TypeScript reference", function () {
  it("a tranche vests linearly from its start to its end (floor); books count it whole at any time", async function () {
    const { harness } = await loadFixture(rateAccountingFixture);
    const window = 7n * DAY;
    const t1 = { amount: 7n * 10n ** 15n + 1n, start: 1_000n, end: 1_000n + window };
    const b: Books = { base: UNIT, t1, t2: NONE, heldBack: 3n, hwm: UNIT, recognizedAt: t1.start };
    const half = t1.start + window / 2n;
    // Half-way: floor(amount / 2) = 3.5e15 (the odd wei rounds down).
    expect(await harness.rateAt(asState(b), half)).to.equal(UNIT + 35n * 10n ** 14n);
    expect(vestedOf(t1, half)).to.equal(35n * 10n ** 14n);
    for (const t of [0n, t1.start, t1.start + 1n, half, t1.end - 1n, t1.end, t1.end + 5n]) {
      const expected = UNIT + vestedOf(t1, t);
      expect(await harness.rateAt(asState(b), t), `t = ${t}`).to.equal(expected);
    }
    expect(await harness.rateAt(asState(b), t1.start)).to.equal(UNIT);
    expect(await harness.rateAt(asState(b), t1.end + 5n)).to.equal(UNIT + t1.amount);
    // books = base + both tranches + held back, whatever the time.
    expect(await harness.books(asState(b))).to.equal(UNIT + t1.amount + 3n);
  });

  it("two overlapping tranches vest each over its own window", async function () {
    const { harness } = await loadFixture(rateAccountingFixture);
    const w = 7n * DAY;
    const t1 = { amount: 10n ** 16n + 7n, start: 10_000n, end: 10_000n + w };
    const t2 = { amount: 3n * 10n ** 15n + 1n, start: 10_000n + w / 2n + 13n, end: 10_000n + w / 2n + 13n + w };
    const b: Books = { base: UNIT + 5n, t1, t2, heldBack: 0n, hwm: UNIT, recognizedAt: t2.start };
    const m = modelWith(b, { streamWindow: w, maxAprBps: 0n, feeBps: 0n });
    for (const t of [t1.start, t2.start - 1n, t2.start, t2.start + 1_234n, t1.end, t1.end + 1n, t2.end - 1n, t2.end]) {
      const expected = b.base + vestedOf(t1, t) + vestedOf(t2, t);
      expect(await harness.rateAt(asState(b), t), `t = ${t}`)
        .to.equal(expected)
        .and.to.equal(m.rateAt(t));
    }
    // Independently at t1's end: t1 vested whole, t2 part-way (floor).
    const t = t1.end;
    expect(await harness.rateAt(asState(b), t)).to.equal(
      b.base + t1.amount + (t2.amount * (t - t2.start)) / (t2.end - t2.start),
    );
    expect(await harness.books(asState(b))).to.equal(b.base + t1.amount + t2.amount);
  });

  it("a loss comes off the base rate at once and leaves the tranches and held-back gains", async function () {
    const { harness } = await loadFixture(rateAccountingFixture);
    const w = 10n * DAY;
    const b: Books = {
      base: 1_050_000_000_000_000_000n,
      t1: { amount: 10n ** 16n, start: 0n, end: w },
      t2: NONE,
      heldBack: 3n * 10n ** 15n,
      hwm: 1_063_000_000_000_000_000n,
      recognizedAt: 0n,
    };
    const params = { streamWindow: w, maxAprBps: 1_000n, feeBps: 1_000n };
    const time = 2n * DAY;
    const m = modelWith(b, params);
    // The books are time-independent: base + tranche + held back = 1.063.
    const vps = 1_063_000_000_000_000_000n - 25n * 10n ** 15n; // a 0.025 ETH per share loss
    const [next, out] = await harness.book(asState(b), vps, time, params);
    const o = m.sync(vps, UNIT, time); // supply 1e18: value == value per share
    expect(out.loss)
      .to.equal(25n * 10n ** 15n)
      .and.to.equal(o.loss);
    expect([out.streamed, out.heldBack]).to.deep.equal([0n, 0n]);
    expect(next.base).to.equal(b.base - 25n * 10n ** 15n);
    expect([next.amount1, next.start1, next.end1]).to.deep.equal([b.t1.amount, b.t1.start, b.t1.end]);
    expect(next.heldBack).to.equal(b.heldBack);
    expect(next.highWaterMark).to.equal(b.hwm); // no new high: recovering will not pay the fee
    expect(stateList(next)).to.deep.equal(modelState(m));
  });

  it("a loss beyond the base takes the newer tranche, then the older, then held-back gains; emptied slots shift", async function () {
    const { harness } = await loadFixture(rateAccountingFixture);
    const w = 4n * DAY;
    const t1 = { amount: 500n, start: 100n, end: 100n + w };
    const t2 = { amount: 300n, start: 100n + w / 2n, end: 100n + w / 2n + w };
    const b: Books = { base: 1_000n, t1, t2, heldBack: 200n, hwm: 2_000n, recognizedAt: t2.start };
    const params = { streamWindow: w, maxAprBps: 0n, feeBps: 0n };
    const time = t2.start + 10n;
    // books 2000. A loss of 1100: the base (1000) and 100 of the newer tranche.
    let [next] = await harness.book(asState(b), 900n, time, params);
    expect(stateList(next)).to.deep.equal([0n, 500n, t1.start, t1.end, 200n, t2.start, t2.end, 200n, 2_000n, t2.start]);
    // A loss of 1500: the base, the newer tranche whole (its slot freed), 200 of the older one.
    [next] = await harness.book(asState(b), 500n, time, params);
    expect(stateList(next)).to.deep.equal([0n, 300n, t1.start, t1.end, 0n, 0n, 0n, 200n, 2_000n, t2.start]);
    // A loss of 1900: every tranche gone, 100 of the held-back gains.
    [next] = await harness.book(asState(b), 100n, time, params);
    expect(stateList(next)).to.deep.equal([0n, 0n, 0n, 0n, 0n, 0n, 0n, 100n, 2_000n, t2.start]);
    for (const vps of [900n, 500n, 100n]) {
      const m = modelWith(b, params);
      m.sync(vps, UNIT, time);
      const [n] = await harness.book(asState(b), vps, time, params);
      expect(stateList(n), `vps ${vps}`).to.deep.equal(modelState(m));
    }
  });

  it("holds back the part of a gain above the APR bound, counted from the last recognition", async function () {
    const { harness } = await loadFixture(rateAccountingFixture);
    const recognizedAt = 5_000n;
    const b: Books = { base: UNIT, t1: NONE, t2: NONE, heldBack: 0n, hwm: UNIT, recognizedAt };
    const params = { streamWindow: 7n * DAY, maxAprBps: 1_000n, feeBps: 0n };
    // One day at 10% APR allows 1e18 * 0.1 / 365 = 273972602739726 per share; a 1% jump is mostly held back.
    const time = recognizedAt + DAY;
    const [next, out] = await harness.book(asState(b), UNIT + 10n ** 16n, time, params);
    expect(out.streamed).to.equal(273_972_602_739_726n);
    expect(out.heldBack).to.equal(10n ** 16n - 273_972_602_739_726n);
    expect([next.amount1, next.start1, next.end1]).to.deep.equal([out.streamed, time, time + 7n * DAY]);
    expect(next.heldBack).to.equal(out.heldBack);
    expect(next.recognizedAt).to.equal(time);
    expect(next.base).to.equal(UNIT);
    // At the recognition instant the bound allows nothing (zero time since the clock started): all is held back.
    const [same, none] = await harness.book(asState(b), UNIT + 10n ** 16n, recognizedAt, params);
    expect([none.streamed, none.heldBack, none.loss]).to.deep.equal([0n, 10n ** 16n, 0n]);
    expect([same.amount1, same.heldBack, same.recognizedAt]).to.deep.equal([0n, 10n ** 16n, recognizedAt]);
  });

  it("a new tranche needs a free slot and half a window since the last one started; a gain found earlier stays unbooked", async function () {
    const { harness } = await loadFixture(rateAccountingFixture);
    const w = 7n * DAY;
    const t1 = { amount: 10n ** 15n, start: 1_000_000n, end: 1_000_000n + w };
    const b: Books = { base: UNIT, t1, t2: NONE, heldBack: 0n, hwm: UNIT, recognizedAt: t1.start };
    const params = { streamWindow: w, maxAprBps: 1_500n, feeBps: 0n };
    const gain = 4n * 10n ** 15n;
    const vps = UNIT + t1.amount + gain;
    // One second before half a window: not booked at all (no tranche, nothing held back).
    const early = t1.start + w / 2n - 1n;
    let [next, out] = await harness.book(asState(b), vps, early, params);
    expect([out.streamed, out.heldBack, out.loss]).to.deep.equal([0n, 0n, 0n]);
    expect(stateList(next)).to.deep.equal([...stateList(asState(b)).slice(0, 8), vps, t1.start]);
    // At half a window: a second tranche, APR-bounded from the last recognition (t1's start).
    const at = t1.start + w / 2n;
    [next, out] = await harness.book(asState(b), vps, at, params);
    const rate = UNIT + vestedOf(t1, at);
    const bound = (rate * 1_500n * (w / 2n)) / (BPS * YEAR);
    expect(bound).to.be.lessThan(gain);
    expect(out.streamed).to.equal(bound);
    expect(out.heldBack).to.equal(gain - bound);
    expect(stateList(next)).to.deep.equal([
      UNIT,
      t1.amount,
      t1.start,
      t1.end,
      bound,
      at,
      at + w,
      gain - bound,
      vps,
      at,
    ]);
    const m = modelWith(b, params);
    m.sync(vps, UNIT, at);
    expect(stateList(next)).to.deep.equal(modelState(m));
  });

  it("both slots full: nothing is booked until the older tranche has vested, then it folds into the base", async function () {
    const { harness } = await loadFixture(rateAccountingFixture);
    const w = 6n * DAY;
    const t1 = { amount: 6n * 10n ** 14n, start: 2_000_000n, end: 2_000_000n + w };
    const t2 = { amount: 2n * 10n ** 14n, start: t1.start + w / 2n, end: t1.start + w / 2n + w };
    const b: Books = { base: UNIT, t1, t2, heldBack: 5n * 10n ** 13n, hwm: UNIT, recognizedAt: t2.start };
    const params = { streamWindow: w, maxAprBps: 1_000n, feeBps: 0n };
    const vps = UNIT + t1.amount + t2.amount + b.heldBack + 10n ** 14n;
    // Before t1 ends: two tranches vest, no third may start.
    let [next, out] = await harness.book(asState(b), vps, t1.end - 1n, params);
    expect([out.streamed, out.heldBack]).to.deep.equal([0n, 0n]);
    expect(stateList(next).slice(0, 8)).to.deep.equal(stateList(asState(b)).slice(0, 8));
    // At t1's end: t1 folds into the base, t2 moves to the first slot, and a new tranche starts in the second
    // (half a window since t2 started). The candidate is the held-back gains plus the new gain.
    const at = t1.end;
    [next, out] = await harness.book(asState(b), vps, at, params);
    const rate = UNIT + t1.amount + vestedOf(t2, at);
    const bound = (rate * 1_000n * (at - t2.start)) / (BPS * YEAR);
    const candidate = b.heldBack + 10n ** 14n;
    expect(out.streamed).to.equal(bound < candidate ? bound : candidate);
    expect(stateList(next)).to.deep.equal([
      UNIT + t1.amount,
      t2.amount,
      t2.start,
      t2.end,
      out.streamed,
      at,
      at + w,
      candidate - out.streamed,
      vps,
      at,
    ]);
    const m = modelWith(b, params);
    m.sync(vps, UNIT, at);
    expect(stateList(next)).to.deep.equal(modelState(m));
  });

  it("with no window a gain goes straight into the base (still APR-bounded)", async function () {
    const { harness } = await loadFixture(rateAccountingFixture);
    const b: Books = { base: UNIT, t1: NONE, t2: NONE, heldBack: 0n, hwm: UNIT, recognizedAt: 0n };
    const params = { streamWindow: 0n, maxAprBps: 1_000n, feeBps: 0n };
    const [next, out] = await harness.book(asState(b), UNIT + 10n ** 17n, 30n * DAY, params);
    const bound = (UNIT * 1_000n * 30n * DAY) / (BPS * YEAR);
    expect(bound).to.be.lessThan(10n ** 17n);
    expect(out.streamed).to.equal(bound);
    expect(out.heldBack).to.equal(10n ** 17n - bound);
    expect(next.base).to.equal(UNIT + bound);
    expect([next.amount1, next.amount2]).to.deep.equal([0n, 0n]);
    const booked = { ...asState(b), base: next.base, heldBack: next.heldBack, recognizedAt: next.recognizedAt };
    expect(await harness.rateAt(booked, 30n * DAY)).to.equal(UNIT + bound);
  });

  it("charges the fee only above the high-water mark", async function () {
    const { harness } = await loadFixture(rateAccountingFixture);
    const b: Books = {
      base: UNIT,
      t1: NONE,
      t2: NONE,
      heldBack: 0n,
      hwm: 1_100_000_000_000_000_000n,
      recognizedAt: 0n,
    };
    expect(await harness.feeOn(asState(b), 1_050_000_000_000_000_000n, 1_000n)).to.equal(0n);
    expect(await harness.feeOn(asState(b), b.hwm, 1_000n)).to.equal(0n);
    // 10% of (1.2 - 1.1)
    expect(await harness.feeOn(asState(b), 1_200_000_000_000_000_000n, 1_000n)).to.equal(10n ** 16n);
    expect(await harness.feeOn(asState(b), 1_200_000_000_000_000_000n, 0n)).to.equal(0n);
  });

  it("book() equals the reference on 300 random books and valuations", async function () {
    const { harness } = await loadFixture(rateAccountingFixture);
    const T0 = 10_000_000n;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          base: fc.bigInt({ min: 1n, max: 3n * UNIT }),
          amount1: fc.bigInt({ min: 0n, max: UNIT / 10n }),
          amount2: fc.bigInt({ min: 0n, max: UNIT / 10n }),
          window1: fc.bigInt({ min: 1n, max: 30n * DAY }),
          window2: fc.bigInt({ min: 1n, max: 30n * DAY }),
          age1: fc.bigInt({ min: 0n, max: 40n * DAY }),
          gap: fc.bigInt({ min: 0n, max: 20n * DAY }),
          heldBack: fc.bigInt({ min: 0n, max: UNIT / 10n }),
          elapsed: fc.bigInt({ min: 0n, max: 60n * DAY }),
          vps: fc.bigInt({ min: 0n, max: 4n * UNIT }),
          streamWindow: fc.constantFrom(0n, DAY, 7n * DAY),
          maxAprBps: fc.bigInt({ min: 0n, max: 5_000n }),
        }),
        async (r) => {
          const start1 = T0 - r.age1;
          const start2 = start1 + r.gap;
          const t1 = r.amount1 === 0n ? NONE : { amount: r.amount1, start: start1, end: start1 + r.window1 };
          const t2 =
            r.amount1 === 0n || r.amount2 === 0n ? NONE : { amount: r.amount2, start: start2, end: start2 + r.window2 };
          const recognizedAt = t2.amount !== 0n ? start2 : t1.amount !== 0n ? start1 : T0 - r.gap;
          const b: Books = { base: r.base, t1, t2, heldBack: r.heldBack, hwm: r.base, recognizedAt };
          const params = { streamWindow: r.streamWindow, maxAprBps: r.maxAprBps, feeBps: 0n };
          const time = T0 + r.gap + r.elapsed;
          const m = modelWith(b, params);
          expect(await harness.rateAt(asState(b), time)).to.equal(m.rateAt(time));
          expect(await harness.books(asState(b))).to.equal(m.books());
          const o = m.sync(r.vps, UNIT, time); // supply 1e18: value per share == value
          const [next, out] = await harness.book(asState(b), r.vps, time, params);
          expect([out.loss, out.streamed, out.heldBack]).to.deep.equal([o.loss, o.streamed, o.heldBack]);
          expect(stateList(next)).to.deep.equal(modelState(m));
        },
      ),
      { numRuns: 300, seed: 20261126 },
    );
  });
});
