/**
 * Attack 8 of issue 9: `getRate()` serves the pre-slash rate until someone syncs, and lending markets read it.
 *
 * That is still so, by design: the rate moves only at a sync (and as tranches vest), because reading every
 * EigenLayer position on each `getRate()` would cost O(operators x strategies) per call. What changed is that the
 * staleness is now visible: `accountant.freshness()` returns the age of the last sync and whether EigenLayer cut the
 * max magnitude of one of the vault's operators since the block before it. A lending market (or a dApp before a
 * deposit) treats the rate as stale while `slashedSinceSync` is true, and anyone may `sync()`; the keeper syncs in the
 * next block on `OperatorSlashed` / `MaxMagnitudeUpdated`. Expected rates come from the `RestakingModel`.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { parseEther } from "ethers";
import { restaked } from "../fixtures/restaked";
import { ascending } from "../../scripts/lib/eigenlayer";
import { SET_ID } from "../../scripts/lib/suite";
import { WAD, mulDiv } from "../helpers/math";
import { TX_GAS, inOneBlock, mined } from "./helpers";

const WAD_SLASHED = parseEther("0.25");

/** The restaked suite synced at a known time (nothing to recognise: the rate stays exactly 1). */
async function syncedAt() {
  const { s, m } = await restaked();
  const latest = await ethers.provider.getBlock("latest");
  const t0 = BigInt(latest!.timestamp) + 5n;
  await time.setNextBlockTimestamp(t0);
  const receipt = await mined(await s.accountant.sync());
  // That sync finds the value per lrETH a wei or so below 1 (the restakes' EigenLayer and Lido floors): booked as a
  // loss, so the rate is that value per lrETH and no tranche vests (the rate is constant until the next sync).
  const synced = mulDiv(m.totalValue(receipt.blockNumber), WAD, m.supply);
  expect(synced).to.be.at.most(WAD);
  expect(await s.vault.getRate()).to.equal(synced);
  const strategies = ascending(await Promise.all(s.strategies.map((x) => x.getAddress())));
  const slash = () =>
    s.avs.slash(
      s.operators[0],
      SET_ID,
      strategies,
      strategies.map(() => WAD_SLASHED),
      "security 8",
      {
        gasLimit: TX_GAS,
      },
    );
  return { s, m, t0, slash };
}

describe("Security 8: freshness of the rate for integrators", function () {
  it("getRate() keeps the pre-slash rate until a sync; freshness() reports the slash and the age meanwhile", async function () {
    const { s, m, t0, slash } = await syncedAt();
    expect(await s.accountant.freshness()).to.deep.equal([0n, false]);
    const before = await s.vault.getRate();

    await time.setNextBlockTimestamp(t0 + 10n);
    const slashReceipt = await mined(await slash());
    m.slash(s.operators[0].address, m.tokens, WAD_SLASHED, slashReceipt.blockNumber);
    // DOCUMENTED BEHAVIOUR: the rate integrators read is still the pre-slash one...
    expect(await s.vault.getRate(), "getRate() until someone syncs").to.equal(before);
    // ...and freshness() says so: the slash, and how old the rate is.
    expect(await s.accountant.freshness()).to.deep.equal([10n, true]);
    await time.increaseTo(t0 + 3600n);
    expect(await s.accountant.freshness()).to.deep.equal([3600n, true]);
    expect(await s.vault.getRate()).to.equal(before);

    // Anyone syncs (a later block): the slash is in the rate and the flag clears.
    await time.setNextBlockTimestamp(t0 + 3601n);
    const syncReceipt = await mined(await s.accountant.connect(s.signers.stranger).sync());
    const rate = mulDiv(m.totalValue(syncReceipt.blockNumber), WAD, m.supply);
    expect(rate).to.be.lessThan(before);
    expect(await s.vault.getRate(), "the slash reached the rate").to.equal(rate);
    expect(await s.accountant.freshness()).to.deep.equal([0n, false]);
    console.log(`      slash of operator 0: getRate() ${before} until the sync, then ${rate}`);
  });

  it("a sync in the same block as the slash does not clear the flag; only a sync in a later block does", async function () {
    const { s, m, t0, slash } = await syncedAt();
    const t = t0 + 10n;
    // Both from the admin (the AVS's owner), so the slash comes first in the block.
    const [slashTx, syncTx] = await inOneBlock(
      async () => [await slash(), await s.accountant.sync({ gasLimit: TX_GAS })],
      t,
    );
    const slashBlock = (await mined(slashTx)).blockNumber;
    expect((await mined(syncTx)).blockNumber).to.equal(slashBlock);
    m.slash(s.operators[0].address, m.tokens, WAD_SLASHED, slashBlock);
    const rate = mulDiv(m.totalValue(slashBlock), WAD, m.supply);
    expect(await s.vault.getRate(), "the sync after the slash saw it").to.equal(rate);
    // Conservative: a slash in the sync's own block may or may not be in the rate, so it still counts.
    expect(await s.accountant.freshness()).to.deep.equal([0n, true]);

    await time.setNextBlockTimestamp(t + 12n);
    await mined(await s.accountant.sync());
    expect(await s.accountant.freshness()).to.deep.equal([0n, false]);
    expect(await s.vault.getRate()).to.equal(rate);
  });
});
