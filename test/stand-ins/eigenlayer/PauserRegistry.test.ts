import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { allStandInsFixture } from "./guards";

/*
 * The PauserRegistry stand-in: only the unpauser manages pausers and the unpauser (shared setup: `guards.ts`).
 */

describe("PauserRegistry (stand-in guards)", function () {
  it("lets only the unpauser manage pausers and the unpauser (OnlyUnpauser)", async function () {
    const f = await loadFixture(allStandInsFixture);
    for (const caller of [f.pauser, f.stranger]) {
      await expect(f.pauserRegistry.connect(caller).setIsPauser(f.stranger, true)).to.be.revertedWithCustomError(
        f.pauserRegistry,
        "OnlyUnpauser",
      );
      await expect(f.pauserRegistry.connect(caller).setUnpauser(f.stranger)).to.be.revertedWithCustomError(
        f.pauserRegistry,
        "OnlyUnpauser",
      );
    }
    expect(await f.pauserRegistry.isPauser(f.stranger)).to.equal(false);
    expect(await f.pauserRegistry.unpauser()).to.equal(f.admin.address);

    // A removed pauser can no longer pause.
    await f.pauserRegistry.connect(f.admin).setIsPauser(f.pauser, false);
    await expect(f.strategyManager.connect(f.pauser).pause(1n)).to.be.revertedWithCustomError(
      f.strategyManager,
      "OnlyPauser",
    );
  });
});
