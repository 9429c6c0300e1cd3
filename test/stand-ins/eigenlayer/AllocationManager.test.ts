import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { type AddressLike, type Signer, ZeroAddress } from "ethers";
import { deployStrategy } from "../../../scripts/lib/eigenlayer";
import { WAD } from "../../helpers/math";
import {
  bit,
  PAUSED_MODIFY_ALLOCATIONS,
  PAUSED_OPERATOR_SLASHING,
  PAUSED_OPERATOR_SET_REGISTRATION_AND_DEREGISTRATION,
  DEALLOCATION_DELAY,
  SET_ID,
  MAGNITUDE,
  DEPOSIT,
  WAD_TO_SLASH,
  maxAfterSlash,
  mineTo,
  delegatedFixture,
  slash,
  type Delegated,
} from "./guards";

/*
 * The AllocationManager stand-in: pause bits 0 to 2 (allocations, slashing, operator-set registration),
 * slashOperator, operator sets, modifyAllocations and setAllocationDelay (shared setup: `guards.ts`).
 */

const OTHER_SET_ID = 2;
const MISSING_SET_ID = 99;

async function allocationsPausedFixture() {
  const f = await delegatedFixture();
  await f.allocationManager.connect(f.admin).pause(bit(PAUSED_MODIFY_ALLOCATIONS));
  return f;
}

async function slashingPausedFixture() {
  const f = await delegatedFixture();
  await f.allocationManager.connect(f.admin).pause(bit(PAUSED_OPERATOR_SLASHING));
  return f;
}

async function registrationPausedFixture() {
  const f = await delegatedFixture();
  await f.allocationManager.connect(f.admin).pause(bit(PAUSED_OPERATOR_SET_REGISTRATION_AND_DEREGISTRATION));
  return f;
}

describe("AllocationManager (stand-in guards)", function () {
  const allocate = (f: Delegated, magnitude: bigint, setId = SET_ID, strategies: AddressLike[] = [f.strategy]) =>
    f.allocationManager
      .connect(f.operator)
      .modifyAllocations(f.operator, [
        { operatorSet: { avs: f.set.avs, id: setId }, strategies, newMagnitudes: strategies.map(() => magnitude) },
      ]);
  const register = (f: Delegated, who: Signer & { address: string }, setId = SET_ID) =>
    f.allocationManager
      .connect(who)
      .registerForOperatorSets(who.address, { avs: f.set.avs, operatorSetIds: [setId], data: "0x" });
  const deregister = (f: Delegated, who: Signer & { address: string }, setId = SET_ID) =>
    f.allocationManager
      .connect(who)
      .deregisterFromOperatorSets({ operator: who.address, avs: f.set.avs, operatorSetIds: [setId] });

  describe("pause bit 0 (modify allocations)", function () {
    it("reverts modifyAllocations with CurrentlyPaused and changes nothing", async function () {
      const f = await loadFixture(allocationsPausedFixture);
      expect(await f.allocationManager["paused(uint8)"](PAUSED_MODIFY_ALLOCATIONS)).to.equal(true);
      await expect(allocate(f, MAGNITUDE / 2n)).to.be.revertedWithCustomError(f.allocationManager, "CurrentlyPaused");
      const allocation = await f.allocationManager.getAllocation(f.operator, f.set, f.strategy);
      expect(allocation.currentMagnitude).to.equal(MAGNITUDE);
      expect(allocation.pendingDiff).to.equal(0n);
      expect(await f.allocationManager.getEncumberedMagnitude(f.operator, f.strategy)).to.equal(MAGNITUDE);
    });

    it("reverts clearDeallocationQueue with CurrentlyPaused", async function () {
      const f = await loadFixture(allocationsPausedFixture);
      await expect(
        f.allocationManager.connect(f.operator).clearDeallocationQueue(f.operator, [f.strategy], [1]),
      ).to.be.revertedWithCustomError(f.allocationManager, "CurrentlyPaused");
      await expect(
        f.allocationManager.connect(f.stranger).clearDeallocationQueue(f.operator, [f.strategy], [1]),
      ).to.be.revertedWithCustomError(f.allocationManager, "CurrentlyPaused");
    });

    it("keeps slashing, set registration and allocation-delay changes open", async function () {
      const f = await loadFixture(allocationsPausedFixture);
      await slash(f);
      expect(await f.allocationManager.getMaxMagnitude(f.operator, f.strategy)).to.equal(
        maxAfterSlash(WAD, MAGNITUDE, WAD_TO_SLASH),
      );
      await register(f, f.operator2);
      expect(await f.allocationManager.isMemberOfOperatorSet(f.operator2, f.set)).to.equal(true);
      await deregister(f, f.operator2);
      expect(await f.allocationManager.isMemberOfOperatorSet(f.operator2, f.set)).to.equal(false);
      await f.allocationManager.connect(f.operator).setAllocationDelay(f.operator, 9);
      await f.delegationManager.connect(f.stranger).registerAsOperator(ZeroAddress, 4, "ipfs://stranger");
      expect(await f.allocationManager.getAllocationDelay(f.stranger)).to.deep.equal([true, 4n]);
    });

    it("allows modifyAllocations and clearDeallocationQueue again after unpause(0)", async function () {
      const f = await loadFixture(allocationsPausedFixture);
      await f.allocationManager.connect(f.admin).unpause(0);
      const tx = await allocate(f, MAGNITUDE / 2n);
      const receipt = await tx.wait();
      const allocation = await f.allocationManager.getAllocation(f.operator, f.set, f.strategy);
      expect(allocation.currentMagnitude).to.equal(MAGNITUDE);
      expect(allocation.pendingDiff).to.equal(-(MAGNITUDE / 2n));
      expect(allocation.effectBlock).to.equal(BigInt(receipt!.blockNumber + DEALLOCATION_DELAY + 1));
      await f.allocationManager.connect(f.stranger).clearDeallocationQueue(f.operator, [f.strategy], [1]);
    });
  });

  describe("pause bit 1 (slashing)", function () {
    it("reverts slashOperator (through TestAVS.slash) with CurrentlyPaused and changes nothing", async function () {
      const f = await loadFixture(slashingPausedFixture);
      expect(await f.allocationManager["paused(uint8)"](PAUSED_OPERATOR_SLASHING)).to.equal(true);
      await expect(slash(f)).to.be.revertedWithCustomError(f.allocationManager, "CurrentlyPaused");
      expect(await f.allocationManager.getMaxMagnitude(f.operator, f.strategy)).to.equal(WAD);
      expect(await f.allocationManager.getSlashCount(f.set)).to.equal(0n);
      expect(await f.delegationManager.operatorShares(f.operator, f.strategy)).to.equal(DEPOSIT);
    });

    it("keeps allocations and set registration open", async function () {
      const f = await loadFixture(slashingPausedFixture);
      await allocate(f, MAGNITUDE / 2n);
      expect((await f.allocationManager.getAllocation(f.operator, f.set, f.strategy)).pendingDiff).to.equal(
        -(MAGNITUDE / 2n),
      );
      await register(f, f.operator2);
      expect(await f.allocationManager.isMemberOfOperatorSet(f.operator2, f.set)).to.equal(true);
    });

    it("slashes again after unpause(0)", async function () {
      const f = await loadFixture(slashingPausedFixture);
      await f.allocationManager.connect(f.admin).unpause(0);
      await slash(f);
      expect(await f.allocationManager.getMaxMagnitude(f.operator, f.strategy)).to.equal(
        maxAfterSlash(WAD, MAGNITUDE, WAD_TO_SLASH),
      );
    });
  });

  describe("pause bit 2 (operator-set registration)", function () {
    it("reverts registerForOperatorSets and deregisterFromOperatorSets with CurrentlyPaused", async function () {
      const f = await loadFixture(registrationPausedFixture);
      expect(await f.allocationManager["paused(uint8)"](PAUSED_OPERATOR_SET_REGISTRATION_AND_DEREGISTRATION)).to.equal(
        true,
      );
      await expect(register(f, f.operator2)).to.be.revertedWithCustomError(f.allocationManager, "CurrentlyPaused");
      await expect(deregister(f, f.operator)).to.be.revertedWithCustomError(f.allocationManager, "CurrentlyPaused");
      expect(await f.allocationManager.isMemberOfOperatorSet(f.operator2, f.set)).to.equal(false);
      expect(await f.allocationManager.isMemberOfOperatorSet(f.operator, f.set)).to.equal(true);
      expect(await f.allocationManager.getMembers(f.set)).to.deep.equal([f.operator.address]);
    });

    it("keeps allocations and slashing open", async function () {
      const f = await loadFixture(registrationPausedFixture);
      await allocate(f, MAGNITUDE / 2n);
      await slash(f);
      expect(await f.allocationManager.getSlashCount(f.set)).to.equal(1n);
    });

    it("registers and deregisters again after unpause(0)", async function () {
      const f = await loadFixture(registrationPausedFixture);
      await f.allocationManager.connect(f.admin).unpause(0);
      await register(f, f.operator2);
      await deregister(f, f.operator);
      expect(await f.allocationManager.getMembers(f.set)).to.deep.equal([f.operator2.address]);
    });
  });

  describe("slashOperator", function () {
    it("reverts InvalidWadToSlash for 0 and for more than 1e18, and changes nothing", async function () {
      const f = await loadFixture(delegatedFixture);
      for (const wad of [0n, WAD + 1n]) {
        await expect(slash(f, wad)).to.be.revertedWithCustomError(f.allocationManager, "InvalidWadToSlash");
      }
      expect(await f.allocationManager.getMaxMagnitude(f.operator, f.strategy)).to.equal(WAD);
      expect(await f.allocationManager.getSlashCount(f.set)).to.equal(0n);

      // Exactly 1e18 slashes the whole allocation.
      await slash(f, WAD);
      expect(await f.allocationManager.getMaxMagnitude(f.operator, f.strategy)).to.equal(
        maxAfterSlash(WAD, MAGNITUDE, WAD),
      );
      expect((await f.allocationManager.getAllocation(f.operator, f.set, f.strategy)).currentMagnitude).to.equal(0n);
    });

    it("reverts StrategiesMustBeInAscendingOrder for descending or repeated strategies", async function () {
      const f = await loadFixture(delegatedFixture);
      const [low, high] = f.strategies;
      for (const strategies of [
        [high, low],
        [low, low],
      ]) {
        await expect(slash(f, WAD_TO_SLASH, strategies)).to.be.revertedWithCustomError(
          f.allocationManager,
          "StrategiesMustBeInAscendingOrder",
        );
      }
      expect(await f.allocationManager["getMaxMagnitudes(address,address[])"](f.operator, f.strategies)).to.deep.equal([
        WAD,
        WAD,
      ]);
      expect(await f.allocationManager.getSlashCount(f.set)).to.equal(0n);
    });

    it("reverts StrategyNotInOperatorSet for a strategy outside the set", async function () {
      const f = await loadFixture(delegatedFixture);
      const outside = await deployStrategy(f, await f.token.getAddress());
      await expect(slash(f, WAD_TO_SLASH, [outside])).to.be.revertedWithCustomError(
        f.allocationManager,
        "StrategyNotInOperatorSet",
      );
      expect(await f.allocationManager.getSlashCount(f.set)).to.equal(0n);
    });

    it("reverts OperatorNotSlashable for operators never registered for the set", async function () {
      const f = await loadFixture(delegatedFixture);
      for (const who of [f.operator2, f.stranger]) {
        await expect(
          f.avs.connect(f.avsOwner).slash(who, SET_ID, [f.strategy], [WAD_TO_SLASH], "not registered"),
        ).to.be.revertedWithCustomError(f.allocationManager, "OperatorNotSlashable");
      }
      expect(await f.allocationManager.getSlashCount(f.set)).to.equal(0n);
    });

    it("keeps a deregistered operator slashable for DEALLOCATION_DELAY blocks, not one more", async function () {
      const f = await loadFixture(delegatedFixture);
      const tx = await deregister(f, f.operator);
      const deregisteredAt = (await tx.wait())!.blockNumber;

      // Last slashable block: deregisteredAt + DEALLOCATION_DELAY.
      await mineTo(deregisteredAt + DEALLOCATION_DELAY - 1);
      const lastTx = await slash(f, WAD_TO_SLASH);
      expect((await lastTx.wait())!.blockNumber).to.equal(deregisteredAt + DEALLOCATION_DELAY);
      const afterFirst = maxAfterSlash(WAD, MAGNITUDE, WAD_TO_SLASH);
      expect(await f.allocationManager.getMaxMagnitude(f.operator, f.strategy)).to.equal(afterFirst);

      await expect(slash(f, WAD_TO_SLASH)).to.be.revertedWithCustomError(f.allocationManager, "OperatorNotSlashable");
      expect(await f.allocationManager.getMaxMagnitude(f.operator, f.strategy)).to.equal(afterFirst);
      expect(await f.allocationManager.getSlashCount(f.set)).to.equal(1n);
    });

    it("reverts InvalidCaller when anyone but the set's slasher calls slashOperator", async function () {
      const f = await loadFixture(delegatedFixture);
      const params = {
        operator: f.operator.address,
        operatorSetId: SET_ID,
        strategies: [await f.strategy.getAddress()],
        wadsToSlash: [WAD_TO_SLASH],
        description: "not the slasher",
      };
      for (const caller of [f.stranger, f.avsOwner, f.operator, f.admin]) {
        await expect(
          f.allocationManager.connect(caller).slashOperator(f.set.avs, params),
        ).to.be.revertedWithCustomError(f.allocationManager, "InvalidCaller");
      }
      expect(await f.allocationManager.getMaxMagnitude(f.operator, f.strategy)).to.equal(WAD);
      expect(await f.allocationManager.getSlashCount(f.set)).to.equal(0n);
    });

    it("reverts InvalidOperatorSet for a set that does not exist", async function () {
      const f = await loadFixture(delegatedFixture);
      await expect(
        f.avs.connect(f.avsOwner).slash(f.operator, MISSING_SET_ID, [f.strategy], [WAD_TO_SLASH], "no such set"),
      ).to.be.revertedWithCustomError(f.allocationManager, "InvalidOperatorSet");
      expect(await f.allocationManager.getMaxMagnitude(f.operator, f.strategy)).to.equal(WAD);
    });

    it("reverts InputArrayLengthMismatch for strategies and wads of different lengths", async function () {
      const f = await loadFixture(delegatedFixture);
      await expect(
        f.avs.connect(f.avsOwner).slash(f.operator, SET_ID, [f.strategy], [], "mismatch"),
      ).to.be.revertedWithCustomError(f.allocationManager, "InputArrayLengthMismatch");
      expect(await f.allocationManager.getSlashCount(f.set)).to.equal(0n);
    });
  });

  describe("operator sets", function () {
    it("reverts NonexistentAVSMetadata for an AVS that never posted metadata, both create forms", async function () {
      const f = await loadFixture(delegatedFixture);
      const am = f.allocationManager.connect(f.stranger);
      const newSet = { avs: f.stranger.address, id: SET_ID };
      await expect(
        am["createOperatorSets(address,(uint32,address[],address)[])"](f.stranger, [
          { operatorSetId: SET_ID, strategies: [f.strategy], slasher: f.stranger },
        ]),
      ).to.be.revertedWithCustomError(f.allocationManager, "NonexistentAVSMetadata");
      await expect(
        am["createOperatorSets(address,(uint32,address[])[])"](f.stranger, [
          { operatorSetId: SET_ID, strategies: [f.strategy] },
        ]),
      ).to.be.revertedWithCustomError(f.allocationManager, "NonexistentAVSMetadata");
      expect(await f.allocationManager.isOperatorSet(newSet)).to.equal(false);

      await am.updateAVSMetadataURI(f.stranger, "ipfs://stranger-avs");
      await am["createOperatorSets(address,(uint32,address[],address)[])"](f.stranger, [
        { operatorSetId: SET_ID, strategies: [f.strategy], slasher: f.stranger },
      ]);
      expect(await f.allocationManager.isOperatorSet(newSet)).to.equal(true);
    });

    it("reverts InvalidOperatorSet for creating an existing set or using a missing one", async function () {
      const f = await loadFixture(delegatedFixture);
      await expect(f.avs.connect(f.avsOwner).createOperatorSet(SET_ID, [f.strategy])).to.be.revertedWithCustomError(
        f.allocationManager,
        "InvalidOperatorSet",
      );
      await expect(register(f, f.operator2, MISSING_SET_ID)).to.be.revertedWithCustomError(
        f.allocationManager,
        "InvalidOperatorSet",
      );
      await expect(deregister(f, f.operator, MISSING_SET_ID)).to.be.revertedWithCustomError(
        f.allocationManager,
        "InvalidOperatorSet",
      );
      await expect(allocate(f, MAGNITUDE, MISSING_SET_ID)).to.be.revertedWithCustomError(
        f.allocationManager,
        "InvalidOperatorSet",
      );
      expect(await f.allocationManager.getOperatorSetCount(f.set.avs)).to.equal(1n);
      expect(await f.allocationManager.getStrategiesInOperatorSet(f.set)).to.deep.equal(f.strategies);
      expect(await f.allocationManager.getEncumberedMagnitude(f.operator, f.strategy)).to.equal(MAGNITUDE);
    });

    it("reverts AlreadyMemberOfSet for registering twice, and while still slashable after deregistering", async function () {
      const f = await loadFixture(delegatedFixture);
      await expect(register(f, f.operator)).to.be.revertedWithCustomError(f.allocationManager, "AlreadyMemberOfSet");

      const deregisteredAt = (await (await deregister(f, f.operator)).wait())!.blockNumber;
      await mineTo(deregisteredAt + DEALLOCATION_DELAY - 1);
      await expect(register(f, f.operator)).to.be.revertedWithCustomError(f.allocationManager, "AlreadyMemberOfSet");
      expect(await f.allocationManager.isMemberOfOperatorSet(f.operator, f.set)).to.equal(false);

      await mineTo(deregisteredAt + DEALLOCATION_DELAY);
      await register(f, f.operator);
      expect(await f.allocationManager.isMemberOfOperatorSet(f.operator, f.set)).to.equal(true);
    });

    it("reverts NotMemberOfSet for deregistering an operator that is not registered", async function () {
      const f = await loadFixture(delegatedFixture);
      await expect(deregister(f, f.operator2)).to.be.revertedWithCustomError(f.allocationManager, "NotMemberOfSet");
      await deregister(f, f.operator);
      await expect(deregister(f, f.operator)).to.be.revertedWithCustomError(f.allocationManager, "NotMemberOfSet");
      expect(await f.allocationManager.getMemberCount(f.set)).to.equal(0n);
    });

    it("reverts InvalidCaller for deregistering someone else (neither the operator nor the AVS)", async function () {
      const f = await loadFixture(delegatedFixture);
      await expect(
        f.allocationManager
          .connect(f.stranger)
          .deregisterFromOperatorSets({ operator: f.operator, avs: f.set.avs, operatorSetIds: [SET_ID] }),
      ).to.be.revertedWithCustomError(f.allocationManager, "InvalidCaller");
      expect(await f.allocationManager.isMemberOfOperatorSet(f.operator, f.set)).to.equal(true);
    });

    it("reverts InvalidPermissions for registering someone else or creating sets for another AVS", async function () {
      const f = await loadFixture(delegatedFixture);
      await expect(
        f.allocationManager
          .connect(f.stranger)
          .registerForOperatorSets(f.operator2, { avs: f.set.avs, operatorSetIds: [SET_ID], data: "0x" }),
      ).to.be.revertedWithCustomError(f.allocationManager, "InvalidPermissions");
      await expect(
        f.allocationManager
          .connect(f.stranger)
          ["createOperatorSets(address,(uint32,address[],address)[])"](f.set.avs, [
            { operatorSetId: OTHER_SET_ID, strategies: [f.strategy], slasher: f.stranger },
          ]),
      ).to.be.revertedWithCustomError(f.allocationManager, "InvalidPermissions");
      expect(await f.allocationManager.isMemberOfOperatorSet(f.operator2, f.set)).to.equal(false);
      expect(await f.allocationManager.isOperatorSet({ avs: f.set.avs, id: OTHER_SET_ID })).to.equal(false);
    });

    it("reverts InvalidOperator for registering an address that is not an operator", async function () {
      const f = await loadFixture(delegatedFixture);
      await expect(register(f, f.stranger)).to.be.revertedWithCustomError(f.allocationManager, "InvalidOperator");
      expect(await f.allocationManager.isMemberOfOperatorSet(f.stranger, f.set)).to.equal(false);
    });
  });

  describe("modifyAllocations and setAllocationDelay", function () {
    it("reverts InsufficientMagnitude for allocating more than is free, and accepts exactly what is free", async function () {
      const f = await loadFixture(delegatedFixture);
      await f.avs.connect(f.avsOwner).createOperatorSet(OTHER_SET_ID, [f.strategy]);
      const free = WAD - MAGNITUDE;
      await expect(allocate(f, free + 1n, OTHER_SET_ID)).to.be.revertedWithCustomError(
        f.allocationManager,
        "InsufficientMagnitude",
      );
      expect(await f.allocationManager.getEncumberedMagnitude(f.operator, f.strategy)).to.equal(MAGNITUDE);
      expect(await f.allocationManager.getAllocatableMagnitude(f.operator, f.strategy)).to.equal(free);

      await allocate(f, free, OTHER_SET_ID);
      expect(await f.allocationManager.getEncumberedMagnitude(f.operator, f.strategy)).to.equal(WAD);
      expect(await f.allocationManager.getAllocatableMagnitude(f.operator, f.strategy)).to.equal(0n);
    });

    it("reverts SameMagnitude for the current magnitude", async function () {
      const f = await loadFixture(delegatedFixture);
      await expect(allocate(f, MAGNITUDE)).to.be.revertedWithCustomError(f.allocationManager, "SameMagnitude");
      const allocation = await f.allocationManager.getAllocation(f.operator, f.set, f.strategy);
      expect([allocation.currentMagnitude, allocation.pendingDiff, allocation.effectBlock]).to.deep.equal([
        MAGNITUDE,
        0n,
        0n,
      ]);
    });

    it("reverts ModificationAlreadyPending while a deallocation or an allocation is pending", async function () {
      const f = await loadFixture(delegatedFixture);
      const deallocatedAt = (await (await allocate(f, MAGNITUDE / 2n)).wait())!.blockNumber;
      await expect(allocate(f, MAGNITUDE / 4n)).to.be.revertedWithCustomError(
        f.allocationManager,
        "ModificationAlreadyPending",
      );
      const allocation = await f.allocationManager.getAllocation(f.operator, f.set, f.strategy);
      expect([allocation.currentMagnitude, allocation.pendingDiff, allocation.effectBlock]).to.deep.equal([
        MAGNITUDE,
        -(MAGNITUDE / 2n),
        BigInt(deallocatedAt + DEALLOCATION_DELAY + 1),
      ]);

      // An allocation waits the operator's allocation delay (10 blocks for this new operator).
      await f.delegationManager.connect(f.stranger).registerAsOperator(ZeroAddress, 10, "ipfs://slow");
      const am = f.allocationManager.connect(f.stranger);
      const params = (magnitude: bigint) => [
        { operatorSet: f.set, strategies: [f.strategy], newMagnitudes: [magnitude] },
      ];
      await am.modifyAllocations(f.stranger, params(MAGNITUDE));
      await expect(am.modifyAllocations(f.stranger, params(MAGNITUDE / 2n))).to.be.revertedWithCustomError(
        f.allocationManager,
        "ModificationAlreadyPending",
      );
      expect((await f.allocationManager.getAllocation(f.stranger, f.set, f.strategy)).pendingDiff).to.equal(MAGNITUDE);
    });

    it("reverts UninitializedAllocationDelay / InvalidOperator for an address that is not an operator", async function () {
      const f = await loadFixture(delegatedFixture);
      const am = f.allocationManager.connect(f.stranger);
      await expect(
        am.modifyAllocations(f.stranger, [
          { operatorSet: f.set, strategies: [f.strategy], newMagnitudes: [MAGNITUDE] },
        ]),
      ).to.be.revertedWithCustomError(f.allocationManager, "UninitializedAllocationDelay");
      await expect(am.setAllocationDelay(f.stranger, 5)).to.be.revertedWithCustomError(
        f.allocationManager,
        "InvalidOperator",
      );
      expect(await f.allocationManager.getAllocationDelay(f.stranger)).to.deep.equal([false, 0n]);
      expect(await f.allocationManager.getEncumberedMagnitude(f.stranger, f.strategy)).to.equal(0n);
    });

    it("reverts InvalidPermissions for changing someone else's allocations or allocation delay", async function () {
      const f = await loadFixture(delegatedFixture);
      const am = f.allocationManager.connect(f.stranger);
      await expect(
        am.modifyAllocations(f.operator, [{ operatorSet: f.set, strategies: [f.strategy], newMagnitudes: [0n] }]),
      ).to.be.revertedWithCustomError(f.allocationManager, "InvalidPermissions");
      await expect(am.setAllocationDelay(f.operator, 5)).to.be.revertedWithCustomError(
        f.allocationManager,
        "InvalidPermissions",
      );
      expect((await f.allocationManager.getAllocation(f.operator, f.set, f.strategy)).currentMagnitude).to.equal(
        MAGNITUDE,
      );
      expect(await f.allocationManager.getAllocationDelay(f.operator)).to.deep.equal([true, 1n]);
    });

    it("reverts InputArrayLengthMismatch in modifyAllocations and clearDeallocationQueue", async function () {
      const f = await loadFixture(delegatedFixture);
      await expect(
        f.allocationManager
          .connect(f.operator)
          .modifyAllocations(f.operator, [{ operatorSet: f.set, strategies: f.strategies, newMagnitudes: [0n] }]),
      ).to.be.revertedWithCustomError(f.allocationManager, "InputArrayLengthMismatch");
      await expect(
        f.allocationManager.connect(f.operator).clearDeallocationQueue(f.operator, [f.strategy], []),
      ).to.be.revertedWithCustomError(f.allocationManager, "InputArrayLengthMismatch");
      expect(await f.allocationManager.getEncumberedMagnitude(f.operator, f.strategy)).to.equal(MAGNITUDE);
    });
  });
});
