import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { MaxUint256 } from "ethers";
import type { Pausable } from "../../../typechain-types";
import { bit, allStandInsFixture, type AllStandIns } from "./guards";

/*
 * The Pausable mixin of every pausable stand-in: who may pause and unpause, which transitions are refused, pauseAll
 * and single-bit reads (shared setup: `guards.ts`).
 */

/** The pausable stand-ins, by display name and fixture key. */
const PAUSABLES = [
  ["StrategyManager", "strategyManager"],
  ["DelegationManager", "delegationManager"],
  ["AllocationManager", "allocationManager"],
  ["StrategyBaseTVLLimits", "strategy"],
  ["StrategyBase", "strategyBase"],
  ["RewardsCoordinator", "rewardsCoordinator"],
] as const;

async function pausableOf(f: AllStandIns, key: (typeof PAUSABLES)[number][1]): Promise<Pausable> {
  return ethers.getContractAt("Pausable", await f[key].getAddress());
}

describe("Pausable (every stand-in)", function () {
  for (const [name, key] of PAUSABLES) {
    describe(name, function () {
      it("reverts pause and pauseAll from a non-pauser with OnlyPauser", async function () {
        const f = await loadFixture(allStandInsFixture);
        const p = await pausableOf(f, key);
        await expect(p.connect(f.stranger).pause(1n)).to.be.revertedWithCustomError(p, "OnlyPauser");
        await expect(p.connect(f.stranger).pauseAll()).to.be.revertedWithCustomError(p, "OnlyPauser");
        expect(await p["paused()"]()).to.equal(0n);
      });

      it("reverts unpause from anyone but the unpauser (a pauser included) with OnlyUnpauser", async function () {
        const f = await loadFixture(allStandInsFixture);
        const p = await pausableOf(f, key);
        await expect(p.connect(f.pauser).pause(bit(0) | bit(2)))
          .to.emit(p, "Paused")
          .withArgs(f.pauser.address, bit(0) | bit(2));
        for (const caller of [f.pauser, f.stranger]) {
          await expect(p.connect(caller).unpause(0n)).to.be.revertedWithCustomError(p, "OnlyUnpauser");
        }
        expect(await p["paused()"]()).to.equal(bit(0) | bit(2));
      });

      it("reverts a pause that would clear a set bit with InvalidNewPausedStatus", async function () {
        const f = await loadFixture(allStandInsFixture);
        const p = await pausableOf(f, key);
        await p.connect(f.admin).pause(bit(0) | bit(2));
        await expect(p.connect(f.admin).pause(bit(0) | bit(1))).to.be.revertedWithCustomError(
          p,
          "InvalidNewPausedStatus",
        );
        await expect(p.connect(f.pauser).pause(0n)).to.be.revertedWithCustomError(p, "InvalidNewPausedStatus");
        expect(await p["paused()"]()).to.equal(bit(0) | bit(2));
        // Adding bits (or re-setting the same ones) is fine.
        await p.connect(f.pauser).pause(bit(0) | bit(1) | bit(2));
        expect(await p["paused()"]()).to.equal(bit(0) | bit(1) | bit(2));
      });

      it("reverts an unpause that would set a clear bit with InvalidNewPausedStatus", async function () {
        const f = await loadFixture(allStandInsFixture);
        const p = await pausableOf(f, key);
        await p.connect(f.admin).pause(bit(0) | bit(2));
        await expect(p.connect(f.admin).unpause(bit(1))).to.be.revertedWithCustomError(p, "InvalidNewPausedStatus");
        await expect(p.connect(f.admin).unpause(bit(0) | bit(1) | bit(2))).to.be.revertedWithCustomError(
          p,
          "InvalidNewPausedStatus",
        );
        expect(await p["paused()"]()).to.equal(bit(0) | bit(2));
        await expect(p.connect(f.admin).unpause(bit(2)))
          .to.emit(p, "Unpaused")
          .withArgs(f.admin.address, bit(2));
        expect(await p["paused()"]()).to.equal(bit(2));
      });

      it("sets every bit with pauseAll and reads single bits with paused(uint8)", async function () {
        const f = await loadFixture(allStandInsFixture);
        const p = await pausableOf(f, key);
        await expect(p.connect(f.pauser).pauseAll()).to.emit(p, "Paused").withArgs(f.pauser.address, MaxUint256);
        expect(await p["paused()"]()).to.equal(MaxUint256);
        for (const index of [0, 1, 2, 3, 7, 100, 255]) expect(await p["paused(uint8)"](index)).to.equal(true);

        await p.connect(f.admin).unpause(bit(3) | bit(255));
        expect(await p["paused()"]()).to.equal(bit(3) | bit(255));
        for (const index of [0, 1, 2, 4, 254]) expect(await p["paused(uint8)"](index)).to.equal(false);
        for (const index of [3, 255]) expect(await p["paused(uint8)"](index)).to.equal(true);
      });
    });
  }
});
