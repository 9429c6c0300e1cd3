/**
 * The shared behaviours of `behaviours.ts` applied to each upgradeable contract of the suite (one fixture: the
 * default suite). Each contract's own test file covers what is particular to it.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { deploySuiteFixture, type Suite } from "../../scripts/lib/suite";
import { PARAMS } from "../../scripts/lib/constants";
import {
  guardedInSource,
  shouldBehaveLikeInitializeOnce,
  shouldBehaveLikeRestricted,
  shouldBehaveLikeUUPS,
  zeroOf,
} from "./behaviours";

const IMPLEMENTATION_SLOT = "0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc";

async function implementationOf(proxy: { getAddress(): Promise<string> }): Promise<string> {
  const slot = await ethers.provider.getStorage(await proxy.getAddress(), IMPLEMENTATION_SLOT);
  return ethers.getAddress("0x" + slot.slice(26));
}

async function links(s: Suite) {
  return {
    vault: await s.vault.getAddress(),
    accountant: await s.accountant.getAddress(),
    queue: await s.queue.getAddress(),
    manager: await s.manager.getAddress(),
  };
}

/** Each upgradeable contract: its restricted functions (the spec), its initialize arguments, a fresh implementation. */
const CONTRACTS = {
  LRTVault: {
    restricted: [
      "seed",
      "addAsset",
      "setAdapter",
      "setBounds",
      "setStrategy",
      "setAssetLimits",
      "pauseDeposits",
      "unpauseDeposits",
      "unwrap",
      "clearPriceTrip",
    ],
    contract: (s: Suite) => s.vault,
    init: async (s: Suite) => [await s.accessManager.getAddress(), PARAMS.cap, PARAMS.minDeposit],
    implementation: async (s: Suite) => {
      const library = await ethers.deployContract("VaultAssets");
      const factory = await ethers.getContractFactory("LRTVault", {
        libraries: { VaultAssets: await library.getAddress() },
      });
      return (await factory.deploy(await links(s))).getAddress();
    },
    state: async (s: Suite) => [await s.vault.totalSupply(), await s.vault.assets(), await s.vault.getRate()],
  },
  LRTAccountant: {
    restricted: ["setStreaming", "setFee"],
    contract: (s: Suite) => s.accountant,
    init: async (s: Suite) => [
      await s.accessManager.getAddress(),
      [s.signers.treasury.address, PARAMS.feeBps, PARAMS.streamWindow, PARAMS.maxAprBps, PARAMS.maxRateAge],
    ],
    implementation: async (s: Suite) => (await ethers.deployContract("LRTAccountant", [await links(s)])).getAddress(),
    state: async (s: Suite) => [await s.accountant.rate(), [...(await s.accountant.books())]],
  },
  WithdrawalQueue: {
    restricted: ["redenominateStuck", "setLimits", "setMaxWait", "pauseRequests", "unpauseRequests"],
    contract: (s: Suite) => s.queue,
    init: async (s: Suite) => [
      await s.accessManager.getAddress(),
      PARAMS.minRequest,
      PARAMS.maxRequest,
      PARAMS.maxWait,
    ],
    implementation: async (s: Suite) => (await ethers.deployContract("WithdrawalQueue", [await links(s)])).getAddress(),
    state: async (s: Suite) => [
      await s.queue.name(),
      await s.queue.symbol(),
      [...(await s.queue.lane(s.tokens.stETH))],
    ],
  },
  RestakingManager: {
    restricted: [
      "addDelegator",
      "setTargets",
      "setRewardsRecipient",
      "redelegate",
      "restake",
      "queueWithdrawal",
      "claimRewards",
      "stakeValidators",
      "setProofSubmitter",
      "writeOffUnverified",
    ],
    contract: (s: Suite) => s.manager,
    init: async (s: Suite) => [await s.accessManager.getAddress(), s.signers.rewardsRecipient.address],
    implementation: async (s: Suite) => {
      const library = await ethers.deployContract("RestakingPositions");
      const factory = await ethers.getContractFactory("RestakingManager", {
        libraries: { RestakingPositions: await library.getAddress() },
      });
      const [, eigenLayer] = await s.manager.links();
      return (
        await factory.deploy(
          await links(s),
          {
            strategyManager: eigenLayer.strategyManager,
            delegationManager: eigenLayer.delegationManager,
            rewardsCoordinator: eigenLayer.rewardsCoordinator,
            delegatorBeacon: eigenLayer.delegatorBeacon,
          },
          ethers.ZeroAddress,
        )
      ).getAddress();
    },
    state: async (s: Suite) => [await s.manager.delegators(), await s.manager.rewardsRecipient()],
  },
} as const;

for (const [name, spec] of Object.entries(CONTRACTS)) {
  const suite = () => loadFixture(deploySuiteFixture);
  shouldBehaveLikeRestricted(name, [...spec.restricted], async () => {
    const s = await suite();
    return { contract: spec.contract(s), stranger: s.signers.stranger };
  });
  shouldBehaveLikeInitializeOnce(name, async () => {
    const s = await suite();
    const contract = spec.contract(s);
    return { contract, implementation: await implementationOf(contract), args: await spec.init(s) };
  });
  shouldBehaveLikeUUPS(name, async () => {
    const s = await suite();
    return {
      contract: spec.contract(s) as never,
      admin: s.signers.admin,
      stranger: s.signers.stranger,
      newImplementation: () => spec.implementation(s),
      state: () => spec.state(s),
    };
  });
}

describe("OperatorDelegator: manager-only functions and initialize once", function () {
  const MANAGER_ONLY = [
    "deposit",
    "queueWithdrawal",
    "completeWithdrawal",
    "redelegate",
    "approveVault",
    "stakeValidators",
    "setProofSubmitter",
    "sendETH",
  ];

  it("lists every manager-only function of the source", function () {
    expect([...MANAGER_ONLY].sort()).to.deep.equal(guardedInSource("OperatorDelegator", "onlyManager"));
  });

  for (const fn of MANAGER_ONLY) {
    it(`${fn} refuses any caller but the manager`, async function () {
      const s = await loadFixture(deploySuiteFixture);
      const delegator = s.delegators[0];
      const fragment = delegator.interface.getFunction(fn as never)!;
      const data = delegator.interface.encodeFunctionData(fragment as never, fragment.inputs.map(zeroOf) as never);
      for (const caller of [s.signers.stranger, s.signers.admin]) {
        await expect(caller.sendTransaction({ to: await delegator.getAddress(), data }))
          .to.be.revertedWithCustomError(delegator, "OperatorDelegatorOnlyManager")
          .withArgs(caller.address);
      }
    });
  }

  it("initializes once, never on the implementation", async function () {
    const s = await loadFixture(deploySuiteFixture);
    const delegator = s.delegators[0];
    await expect(delegator.initialize(s.operators[1].address)).to.be.revertedWithCustomError(
      delegator,
      "InvalidInitialization",
    );
    await expect(s.delegatorImplementation.initialize(s.operators[1].address)).to.be.revertedWithCustomError(
      delegator,
      "InvalidInitialization",
    );
  });
});
