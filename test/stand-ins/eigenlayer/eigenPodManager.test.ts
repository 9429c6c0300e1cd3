import { expect } from "chai";
import { artifacts, ethers, network } from "hardhat";
import { loadFixture, mine } from "@nomicfoundation/hardhat-network-helpers";
import {
  AbiCoder,
  ZeroAddress,
  ZeroHash,
  concat,
  getCreate2Address,
  keccak256,
  parseEther,
  toBeHex,
  zeroPadValue,
} from "ethers";
import { WAD, divWad, mulWad, mulWadUp } from "../../helpers/math";
import { credentials, pubkeyHash, stateRootProof, validatorFields, validatorProof } from "../../helpers/beaconMerkle";
import { MAGNITUDE, WAD_TO_SLASH, WITHDRAWAL_DELAY, bit, queueWithdrawal } from "./guards";
import {
  BEACON,
  GWEI,
  OURS,
  PAUSED_NEW_EIGENPODS,
  SIGNATURE,
  type Pods,
  depositDataRoot,
  podState,
  podsFixture,
  postRoot,
  pubkeyOf,
} from "./pods";

/*
 * The EigenPodManager stand-in (EIGENPOD.md §1, §6): pods at predictable CREATE2 addresses, stake through the
 * deposit contract stand-in, pause bit 0, the roles, the share-manager hooks the DelegationManager calls (legacy
 * deficit included), and the DelegationManager's beacon-strategy side (hooks, deposited shares, completion as shares).
 */

async function impersonate(address: string) {
  await network.provider.send("hardhat_setBalance", [address, toBeHex(parseEther("10"))]);
  return ethers.getImpersonatedSigner(address);
}

/** Proves validators 5 and 6: 64 ETH of deposit shares. */
async function verifiedFixture() {
  const f = await loadFixture(podsFixture);
  const state = podState(f.podAddress);
  const { ts, built } = await postRoot(f, state);
  await f.pod.connect(f.staker).verifyWithdrawalCredentials(
    ts,
    stateRootProof(built),
    OURS,
    OURS.map((i) => validatorProof(state, built, i)),
    OURS.map((i) => validatorFields(state.validators[i])),
  );
  return f;
}

describe("EigenPodManager (stand-in)", function () {
  it('getPod predicts the CREATE2 address (salt = owner, init code = BeaconProxy(beacon, "")); createPod deploys it once', async function () {
    const f = await loadFixture(podsFixture);
    const { bytecode } = await artifacts.readArtifact(
      "@openzeppelin/contracts/proxy/beacon/BeaconProxy.sol:BeaconProxy",
    );
    const initCode = concat([
      bytecode,
      AbiCoder.defaultAbiCoder().encode(["address", "bytes"], [await f.eigenPodBeacon.getAddress(), "0x"]),
    ]);
    const epm = await f.eigenPodManager.getAddress();
    const predicted = getCreate2Address(epm, zeroPadValue(f.stranger.address, 32), keccak256(initCode));
    expect(await f.eigenPodManager.getPod(f.stranger)).to.equal(predicted);
    expect(await f.eigenPodManager.hasPod(f.stranger)).to.equal(false);
    expect(await f.eigenPodManager.ownerToPod(f.stranger)).to.equal(ZeroAddress);
    const numPods = await f.eigenPodManager.numPods();
    expect(await f.eigenPodManager.connect(f.stranger).createPod.staticCall()).to.equal(predicted);
    await expect(f.eigenPodManager.connect(f.stranger).createPod())
      .to.emit(f.eigenPodManager, "PodDeployed")
      .withArgs(predicted, f.stranger.address);
    expect(await f.eigenPodManager.numPods()).to.equal(numPods + 1n);
    expect(await f.eigenPodManager.ownerToPod(f.stranger)).to.equal(predicted);
    const pod = await ethers.getContractAt("EigenPod", predicted);
    expect(await pod.podOwner()).to.equal(f.stranger.address);
    await expect(f.eigenPodManager.connect(f.stranger).createPod()).to.be.revertedWithCustomError(
      f.eigenPodManager,
      "EigenPodAlreadyExists",
    );
  });

  it("stake deploys the pod if needed and deposits exactly 32 ETH with 0x01 credentials of the pod", async function () {
    const f = await loadFixture(podsFixture);
    const pod = await f.eigenPodManager.getPod(f.stranger);
    const wc = credentials(1, pod);
    const value = parseEther("32");
    const root = depositDataRoot(pubkeyOf(0), wc, value, SIGNATURE);
    // The deposit contract sits at its mainnet address for the whole run: a deposit's index is the count before it
    // (8 bytes, little-endian), whatever other tests deposited (hardhat_setCode keeps storage).
    const index = await f.depositContract.get_deposit_count();
    const tx = f.eigenPodManager.connect(f.stranger).stake(pubkeyOf(0), SIGNATURE, root, { value });
    await expect(tx).to.emit(f.eigenPodManager, "PodDeployed").withArgs(pod, f.stranger.address);
    await expect(tx)
      .to.emit(f.depositContract, "DepositEvent")
      .withArgs(pubkeyOf(0), wc, "0x0040597307000000", SIGNATURE, index);
    await expect(tx)
      .to.emit(await ethers.getContractAt("EigenPod", pod), "EigenPodStaked")
      .withArgs(pubkeyHash(pubkeyOf(0)));
    await expect(tx).to.changeEtherBalances([f.stranger, f.depositContract], [-value, value]);
    // The pod's own 0x02 credentials are not what `stake` uses.
    const root02 = depositDataRoot(pubkeyOf(1), credentials(2, pod), value, SIGNATURE);
    await expect(
      f.eigenPodManager.connect(f.stranger).stake(pubkeyOf(1), SIGNATURE, root02, { value }),
    ).to.be.revertedWith("DepositContract: reconstructed DepositData does not match supplied deposit_data_root");
    await expect(
      f.eigenPodManager.connect(f.stranger).stake(pubkeyOf(1), SIGNATURE, root, { value: parseEther("31") }),
    ).to.be.revertedWithCustomError(f.eigenPodImplementation, "MsgValueNot32ETH");
    await f.eigenPodManager.connect(f.pauser).pause(bit(PAUSED_NEW_EIGENPODS));
    await expect(
      f.eigenPodManager.connect(f.stranger).stake(pubkeyOf(1), SIGNATURE, root, { value }),
    ).to.be.revertedWithCustomError(f.eigenPodManager, "CurrentlyPaused");
    await expect(f.eigenPodManager.connect(f.operator).createPod()).to.be.revertedWithCustomError(
      f.eigenPodManager,
      "CurrentlyPaused",
    );
  });

  it("roles: the owner sets the proof timestamp setter, which alone sets pectraForkTimestamp", async function () {
    const f = await loadFixture(podsFixture);
    await expect(f.eigenPodManager.connect(f.stranger).setProofTimestampSetter(f.stranger))
      .to.be.revertedWithCustomError(f.eigenPodManager, "CallerNotOwner")
      .withArgs(f.stranger.address);
    await expect(f.eigenPodManager.connect(f.admin).setProofTimestampSetter(f.submitter))
      .to.emit(f.eigenPodManager, "ProofTimestampSetterSet")
      .withArgs(f.submitter.address);
    await expect(f.eigenPodManager.connect(f.admin).setPectraForkTimestamp(5)).to.be.revertedWithCustomError(
      f.eigenPodManager,
      "OnlyProofTimestampSetter",
    );
    await expect(f.eigenPodManager.connect(f.submitter).setPectraForkTimestamp(1_746_612_311))
      .to.emit(f.eigenPodManager, "PectraForkTimestampSet")
      .withArgs(1_746_612_311);
    expect(await f.eigenPodManager.pectraForkTimestamp()).to.equal(1_746_612_311n);
    expect(await f.eigenPodManager.proofTimestampSetter()).to.equal(f.submitter.address);
    expect(await f.eigenPodManager.beaconChainETHStrategy()).to.equal(BEACON);
    expect(await f.eigenPodManager.ethPOS()).to.equal(await f.depositContract.getAddress());
    expect(await f.eigenPodManager.eigenPodBeacon()).to.equal(await f.eigenPodBeacon.getAddress());
    expect(await f.eigenPodManager.delegationManager()).to.equal(await f.delegationManager.getAddress());
    expect(await f.delegationManager.eigenPodManager()).to.equal(await f.eigenPodManager.getAddress());
  });

  it("only the owner's pod reports balances: OnlyEigenPod; non-gwei deltas and a legacy deficit are refused", async function () {
    const f = await loadFixture(podsFixture);
    await expect(
      f.eigenPodManager.connect(f.staker).recordBeaconChainETHBalanceUpdate(f.staker, 0, GWEI),
    ).to.be.revertedWithCustomError(f.eigenPodManager, "OnlyEigenPod");
    const podSigner = await impersonate(f.podAddress);
    await expect(
      f.eigenPodManager.connect(podSigner).recordBeaconChainETHBalanceUpdate(f.stranger, 0, GWEI),
    ).to.be.revertedWithCustomError(f.eigenPodManager, "OnlyEigenPod");
    await expect(
      f.eigenPodManager.connect(podSigner).recordBeaconChainETHBalanceUpdate(f.staker, 0, GWEI + 1n),
    ).to.be.revertedWithCustomError(f.eigenPodManager, "SharesNotMultipleOfGwei");
    // A zero delta changes nothing.
    await expect(f.eigenPodManager.connect(podSigner).recordBeaconChainETHBalanceUpdate(f.staker, 0, 0)).to.not.emit(
      f.eigenPodManager,
      "NewTotalShares",
    );
    await expect(
      f.eigenPodManager.connect(f.stranger).seedLegacyDeficitStandIn(f.staker, 5n),
    ).to.be.revertedWithCustomError(f.eigenPodManager, "CallerNotOwner");
    await f.eigenPodManager.connect(f.admin).seedLegacyDeficitStandIn(f.staker, 5n * GWEI);
    expect(await f.eigenPodManager.podOwnerDepositShares(f.staker)).to.equal(-5n * GWEI);
    expect(await f.eigenPodManager.stakerDepositShares(f.staker, BEACON)).to.equal(0n);
    await expect(
      f.eigenPodManager.connect(podSigner).recordBeaconChainETHBalanceUpdate(f.staker, 0, GWEI),
    ).to.be.revertedWithCustomError(f.eigenPodManager, "LegacyWithdrawalsNotCompleted");
    await expect(f.eigenPodManager.stakerDepositShares(f.staker, f.stranger)).to.be.revertedWithCustomError(
      f.eigenPodManager,
      "InvalidStrategy",
    );
    expect(await f.eigenPodManager.beaconChainSlashingFactor(f.staker)).to.equal(WAD);
  });

  it("share-manager hooks: DelegationManager only, beacon strategy only; addShares nets a deficit first, as does withdrawSharesAsTokens", async function () {
    const f = await loadFixture(podsFixture);
    const set = { avs: await f.avs.getAddress(), id: 1 };
    for (const call of [
      () => f.eigenPodManager.connect(f.staker).addShares(f.staker, BEACON, 1n),
      () => f.eigenPodManager.connect(f.staker).removeDepositShares(f.staker, BEACON, 1n),
      () => f.eigenPodManager.connect(f.staker).withdrawSharesAsTokens(f.staker, BEACON, ZeroAddress, 1n),
      () => f.eigenPodManager.connect(f.staker).increaseBurnOrRedistributableShares(set, 1, BEACON, 1n),
    ]) {
      await expect(call()).to.be.revertedWithCustomError(f.eigenPodManager, "OnlyDelegationManager");
    }
    const dm = await impersonate(await f.delegationManager.getAddress());
    const epm = f.eigenPodManager.connect(dm);
    await expect(epm.addShares(f.staker, f.stranger, 1n)).to.be.revertedWithCustomError(epm, "InvalidStrategy");
    await expect(epm.removeDepositShares(f.staker, f.stranger, 1n)).to.be.revertedWithCustomError(
      epm,
      "InvalidStrategy",
    );
    await expect(epm.withdrawSharesAsTokens(f.staker, f.stranger, ZeroAddress, 1n)).to.be.revertedWithCustomError(
      epm,
      "InvalidStrategy",
    );
    await expect(epm.removeDepositShares(f.staker, BEACON, 1n)).to.be.revertedWithCustomError(epm, "SharesNegative");
    await expect(epm.withdrawSharesAsTokens(f.staker, BEACON, ZeroAddress, 0n)).to.be.revertedWithCustomError(
      epm,
      "SharesNegative",
    );
    await expect(epm.withdrawSharesAsTokens(ZeroAddress, BEACON, ZeroAddress, 1n)).to.be.revertedWithCustomError(
      epm,
      "InputAddressZero",
    );
    await expect(epm.addShares(ZeroAddress, BEACON, 1n)).to.be.revertedWithCustomError(epm, "InputAddressZero");
    await expect(epm.addShares(f.staker, BEACON, 2n ** 255n)).to.be.revertedWithCustomError(epm, "SharesNegative");
    // Deficit D = 10: adding 4 returns (0, 0); adding 10 more returns (0, 4); adding 3 more returns (4, 3).
    await f.eigenPodManager.connect(f.admin).seedLegacyDeficitStandIn(f.staker, 10n);
    expect(await epm.addShares.staticCall(f.staker, BEACON, 4n)).to.deep.equal([0n, 0n]);
    await expect(epm.addShares(f.staker, BEACON, 4n))
      .to.emit(epm, "PodSharesUpdated")
      .withArgs(f.staker.address, 4n)
      .and.to.emit(epm, "NewTotalShares")
      .withArgs(f.staker.address, -6n);
    expect(await epm.addShares.staticCall(f.staker, BEACON, 10n)).to.deep.equal([0n, 4n]);
    await epm.addShares(f.staker, BEACON, 10n);
    expect(await epm.addShares.staticCall(f.staker, BEACON, 3n)).to.deep.equal([4n, 3n]);
    // withdrawSharesAsTokens with a deficit repays it first: nothing reaches the pod while shares <= deficit.
    await f.eigenPodManager.connect(f.admin).seedLegacyDeficitStandIn(f.stranger, 10n);
    await f.eigenPodManager.connect(f.stranger).createPod();
    await expect(epm.withdrawSharesAsTokens(f.stranger, BEACON, ZeroAddress, 7n))
      .to.emit(epm, "PodSharesUpdated")
      .withArgs(f.stranger.address, 7n);
    expect(await epm.podOwnerDepositShares(f.stranger)).to.equal(-3n);
    // The remainder (5 gwei - 3 wei) goes to the pod, which has no credited ETH.
    await expect(epm.withdrawSharesAsTokens(f.stranger, BEACON, ZeroAddress, 5n * GWEI)).to.be.revertedWithCustomError(
      f.pod,
      "InsufficientWithdrawableBalance",
    );
    await expect(epm.increaseBurnOrRedistributableShares(set, 1, BEACON, 123n))
      .to.emit(epm, "BurnableETHSharesIncreased")
      .withArgs(123n);
    expect(await epm.burnableETHShares()).to.equal(123n);
  });

  describe("the DelegationManager's beacon strategy", function () {
    it("its hooks: decreaseDelegatedShares is the EigenPodManager's alone; the manager is wired once", async function () {
      const f = await loadFixture(podsFixture);
      await expect(
        f.delegationManager.connect(f.staker).decreaseDelegatedShares(f.staker, 1n, 1n),
      ).to.be.revertedWithCustomError(f.delegationManager, "OnlyEigenPodManager");
      await expect(
        f.delegationManager.connect(f.staker).increaseDelegatedShares(f.staker, BEACON, 0n, 1n),
      ).to.be.revertedWithCustomError(f.delegationManager, "OnlyStrategyManagerOrEigenPodManager");
      await expect(f.delegationManager.initializeEigenPodManagerStandIn(f.stranger)).to.be.revertedWithCustomError(
        f.delegationManager,
        "AlreadyInitialized",
      );
      // Undelegated stakers' beacon decreases touch no operator.
      const epm = await impersonate(await f.eigenPodManager.getAddress());
      await expect(f.delegationManager.connect(epm).decreaseDelegatedShares(f.stranger, 1n, 1n)).to.not.emit(
        f.delegationManager,
        "OperatorSharesDecreased",
      );
    });

    it("a balance falling to zero takes the beacon factor to 0 and the operator's shares with it; then any increase reverts FullySlashed", async function () {
      const f: Pods = await verifiedFixture();
      const total = 64_000_000_000n * GWEI;
      const podSigner = await impersonate(f.podAddress);
      const down = f.eigenPodManager.connect(podSigner).recordBeaconChainETHBalanceUpdate(f.staker, total, -total);
      await expect(down)
        .to.emit(f.eigenPodManager, "BeaconChainSlashingFactorDecreased")
        .withArgs(f.staker.address, WAD, 0n);
      await expect(down)
        .to.emit(f.delegationManager, "OperatorSharesDecreased")
        .withArgs(f.operator.address, f.staker.address, BEACON, total);
      expect(await f.eigenPodManager.podOwnerDepositShares(f.staker)).to.equal(total);
      const [w] = await f.delegationManager.getWithdrawableShares(f.staker, [BEACON]);
      expect(w[0]).to.equal(0n);
      await expect(
        f.eigenPodManager.connect(podSigner).recordBeaconChainETHBalanceUpdate(f.staker, 0, GWEI),
      ).to.be.revertedWithCustomError(f.delegationManager, "FullySlashed");
    });

    it("delegating after a beacon slash keeps it: the scaling factor is divided by the operator's max magnitude only", async function () {
      const f = await loadFixture(podsFixture);
      // The operator is slashed by its AVS first (m < WAD).
      await f.avs.connect(f.avsOwner).slash(f.operator, 1, [BEACON], [WAD_TO_SLASH], "before delegation");
      const m = WAD - mulWadUp(MAGNITUDE, WAD_TO_SLASH);
      // The stranger's pod: two validators proven while undelegated, then 1 ETH of them lost on the beacon chain.
      await f.eigenPodManager.connect(f.stranger).createPod();
      const podAddress = await f.eigenPodManager.getPod(f.stranger);
      const pod = await ethers.getContractAt("EigenPod", podAddress);
      const state = podState(podAddress, "electra", "undelegated pod");
      const { ts, built } = await postRoot(f, state);
      await pod.connect(f.stranger).verifyWithdrawalCredentials(
        ts,
        stateRootProof(built),
        OURS,
        OURS.map((i) => validatorProof(state, built, i)),
        OURS.map((i) => validatorFields(state.validators[i])),
      );
      const s = 64_000_000_000n * GWEI;
      const podSigner = await impersonate(podAddress);
      await f.eigenPodManager.connect(podSigner).recordBeaconChainETHBalanceUpdate(f.stranger, s, -parseEther("1"));
      const l = (WAD * (s - parseEther("1"))) / s;
      expect(await f.eigenPodManager.beaconChainSlashingFactor(f.stranger)).to.equal(l);
      const before = mulWad(s, l); // undelegated: k = WAD, m = WAD
      const [w0] = await f.delegationManager.getWithdrawableShares(f.stranger, [BEACON]);
      expect(w0[0]).to.equal(before);
      await expect(
        f.delegationManager.connect(f.stranger).delegateTo(f.operator, { signature: "0x", expiry: 0n }, ZeroHash),
      )
        .to.emit(f.delegationManager, "OperatorSharesIncreased")
        .withArgs(f.operator.address, f.stranger.address, BEACON, before);
      const k = divWad(WAD, m);
      expect(await f.delegationManager.depositScalingFactor(f.stranger, BEACON)).to.equal(k);
      const [w1] = await f.delegationManager.getWithdrawableShares(f.stranger, [BEACON]);
      expect(w1[0]).to.equal(mulWad(mulWad(s, k), mulWad(m, l)));
      // The 1 ETH beacon loss is still there (to within the WAD divisions' rounding, ~s / 1e18 wei); the AVS slash
      // taken before delegating does not reach the staker.
      const gap = before > w1[0] ? before - w1[0] : w1[0] - before;
      expect(gap < s / 10n ** 17n, `gap ${gap}`).to.equal(true);
      expect(w1[0] < s - parseEther("0.999")).to.equal(true);
    });

    it("beacon shares are listed last in getDepositedShares, queue, and come back as shares to the same operator", async function () {
      const f: Pods = await verifiedFixture();
      const total = 64_000_000_000n * GWEI;
      const [strategies, shares] = await f.delegationManager.getDepositedShares(f.staker);
      expect(strategies).to.deep.equal([BEACON]);
      expect(shares).to.deep.equal([total]);
      const x = parseEther("10") + 3n * GWEI;
      const q = await queueWithdrawal(f.delegationManager, f.staker, BEACON, x);
      expect(await f.eigenPodManager.podOwnerDepositShares(f.staker)).to.equal(total - x);
      expect(await f.delegationManager.operatorShares(f.operator, BEACON)).to.equal(total - x);
      await mine(WITHDRAWAL_DELAY);
      const tx = f.delegationManager.connect(f.staker).completeQueuedWithdrawal(q.withdrawal, [ZeroAddress], false);
      await expect(tx)
        .to.emit(f.delegationManager, "OperatorSharesIncreased")
        .withArgs(f.operator.address, f.staker.address, BEACON, x);
      await expect(tx).to.emit(f.eigenPodManager, "NewTotalShares").withArgs(f.staker.address, total);
      expect(await f.delegationManager.operatorShares(f.operator, BEACON)).to.equal(total);
      // Undelegating queues the whole beacon position as one withdrawal.
      await expect(f.delegationManager.connect(f.staker).undelegate(f.staker))
        .to.emit(f.delegationManager, "OperatorSharesDecreased")
        .withArgs(f.operator.address, f.staker.address, BEACON, total);
      expect(await f.eigenPodManager.podOwnerDepositShares(f.staker)).to.equal(0n);
    });
  });
});
