import { expect } from "chai";
import { ethers, network } from "hardhat";
import { loadFixture, mine } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress, concat, parseEther, toBeHex } from "ethers";
import { WAD, divWad, mulWad, mulWadUp } from "../../helpers/math";
import {
  balanceContainerProof,
  balanceProof,
  buildState,
  pubkeyHash,
  stateRootProof,
  validatorFields,
  validatorProof,
} from "../../helpers/beaconMerkle";
import { MAGNITUDE, SET_ID, WAD_TO_SLASH, WITHDRAWAL_DELAY, bit, queueWithdrawal } from "./guards";
import {
  BEACON,
  GWEI,
  OURS,
  PAUSED_CONSOLIDATIONS,
  PAUSED_EIGENPODS_VERIFY_CHECKPOINT_PROOFS,
  PAUSED_EIGENPODS_VERIFY_CREDENTIALS,
  PAUSED_NON_PROOF_WITHDRAWALS,
  PAUSED_START_CHECKPOINT,
  PAUSED_VERIFY_STALE_BALANCE,
  PAUSED_WITHDRAWAL_REQUESTS,
  type Pods,
  fundPod,
  podState,
  podsFixture,
  postRoot,
  postRootForNextBlock,
  pubkeyOf,
} from "./pods";

/*
 * The EigenPod stand-in (EIGENPOD.md §2, §6) with proofs from the TypeScript SSZ-shaped builder: credentials,
 * checkpoints (rewards, a beacon slash found by verifyStaleBalance, an exit), operator slashing combined with beacon
 * slashing, a withdrawal completed as ETH out of the pod, EIP-7002 / EIP-7251 requests with fee and refund, and every
 * refusal with its mainnet error. Expected numbers come from a TypeScript model of deposit shares, the deposit
 * scaling factor, the operator's max magnitude and the beacon chain slashing factor.
 */

/** Proves validators 5 and 6 of `state` (posted at a past block's timestamp). */
async function verifyOurs(f: Pods, state = podState(f.podAddress)) {
  const { ts, built } = await postRoot(f, state);
  return {
    ts,
    built,
    tx: await f.pod.connect(f.staker).verifyWithdrawalCredentials(
      ts,
      stateRootProof(built),
      OURS,
      OURS.map((i) => validatorProof(state, built, i)),
      OURS.map((i) => validatorFields(state.validators[i])),
    ),
  };
}

async function verifiedFixture() {
  const f = await loadFixture(podsFixture);
  const state = podState(f.podAddress);
  const verified = await verifyOurs(f, state);
  return { ...f, state, verified };
}

type CredentialArgs = [bigint, { beaconStateRoot: string; proof: string }, number[], string[], string[][]];

const withdrawable = (s: bigint, k: bigint, m: bigint, l: bigint) => mulWad(mulWad(s, k), mulWad(m, l));

describe("EigenPod (stand-in)", function () {
  describe("verifyWithdrawalCredentials", function () {
    it("credits the effective balances as deposit shares, delegated to the operator, and records both validators", async function () {
      const f = await loadFixture(podsFixture);
      const state = podState(f.podAddress);
      const { tx } = await verifyOurs(f, state);
      const expected = 64_000_000_000n * GWEI;
      for (const i of OURS) {
        const hash = pubkeyHash(pubkeyOf(i));
        await expect(tx).to.emit(f.pod, "ValidatorRestaked").withArgs(hash);
        await expect(tx).to.emit(f.pod, "ValidatorBalanceUpdated").withArgs(hash, 0, 32_000_000_000n);
        const info = await f.pod.validatorPubkeyToInfo(pubkeyOf(i));
        expect([info.validatorIndex, info.restakedBalanceGwei, info.lastCheckpointedAt, info.status]).to.deep.equal([
          BigInt(i),
          32_000_000_000n,
          0n,
          1n,
        ]);
      }
      await expect(tx).to.emit(f.eigenPodManager, "PodSharesUpdated").withArgs(f.staker.address, expected);
      await expect(tx)
        .to.emit(f.delegationManager, "OperatorSharesIncreased")
        .withArgs(f.operator.address, f.staker.address, BEACON, expected);
      expect(await f.pod.activeValidatorCount()).to.equal(2n);
      expect(await f.eigenPodManager.podOwnerDepositShares(f.staker)).to.equal(expected);
      expect(await f.delegationManager.operatorShares(f.operator, BEACON)).to.equal(expected);
      const [w] = await f.delegationManager.getWithdrawableShares(f.staker, [BEACON]);
      expect(w[0]).to.equal(expected);
    });

    it("refuses: mismatched arrays, a stale or unknown root, a verified or exiting or unactivated validator, another pod's credentials, a proof from a state differing in one field", async function () {
      const f = await loadFixture(podsFixture);
      const state = podState(f.podAddress);
      const { ts, built } = await postRoot(f, state);
      const srp = stateRootProof(built);
      const proofOf = (s = state, b = built, i = 5) => validatorProof(s, b, i);
      const verify = (indices: number[], proofs: string[], fields: string[][], t = ts, root = srp) =>
        f.pod.connect(f.staker).verifyWithdrawalCredentials(t, root, indices, proofs, fields);
      const fields5 = validatorFields(state.validators[5]);
      await expect(verify([5, 6], [proofOf()], [fields5])).to.be.revertedWithCustomError(
        f.pod,
        "InputArrayLengthMismatch",
      );
      await expect(verify([5], [proofOf()], [fields5], ts + 1n)).to.be.revertedWithCustomError(
        f.pod,
        "InvalidEIP4788Response",
      );
      // Another pod's validator (index 4).
      await expect(
        verify([4], [proofOf(state, built, 4)], [validatorFields(state.validators[4])]),
      ).to.be.revertedWithCustomError(f.pod, "WithdrawalCredentialsNotForEigenPod");
      // The acceptance case: the posted root is `state`'s; the proof comes from a state where validator 5's
      // effective balance is 1 gwei higher.
      const forged = structuredClone(state);
      forged.validators[5].effectiveBalanceGwei += 1n;
      const forgedBuilt = buildState(forged);
      await expect(
        verify([5], [validatorProof(forged, forgedBuilt, 5)], [validatorFields(forged.validators[5])]),
      ).to.be.revertedWithCustomError(f.pod, "InvalidProof");
      // The forged state's own state root does not match the posted block root either.
      await expect(
        verify(
          [5],
          [validatorProof(forged, forgedBuilt, 5)],
          [validatorFields(forged.validators[5])],
          ts,
          stateRootProof(forgedBuilt),
        ),
      ).to.be.revertedWithCustomError(f.pod, "InvalidProof");
      // Fields of the wrong length are read first (pubkey, epochs, credentials), then refused.
      await expect(verify([5], [proofOf()], [[...fields5, fields5[0]]])).to.be.revertedWithCustomError(
        f.pod,
        "InvalidValidatorFieldsLength",
      );
      // Not yet activated / exiting.
      const pending = structuredClone(state);
      pending.validators[5].activationEpoch = (1n << 64n) - 1n;
      pending.validators[6].exitEpoch = 400n;
      const p = await postRoot(f, pending);
      await expect(
        verify(
          [5],
          [validatorProof(pending, p.built, 5)],
          [validatorFields(pending.validators[5])],
          p.ts,
          stateRootProof(p.built),
        ),
      ).to.be.revertedWithCustomError(f.pod, "ValidatorInactiveOnBeaconChain");
      await expect(
        verify(
          [6],
          [validatorProof(pending, p.built, 6)],
          [validatorFields(pending.validators[6])],
          p.ts,
          stateRootProof(p.built),
        ),
      ).to.be.revertedWithCustomError(f.pod, "ValidatorIsExitingBeaconChain");
      // A DENEB-layout proof while the fork timestamp says PECTRA.
      const deneb = podState(f.podAddress, "deneb");
      const d = await postRoot(f, deneb);
      await expect(
        verify(
          [5],
          [validatorProof(deneb, d.built, 5)],
          [validatorFields(deneb.validators[5])],
          d.ts,
          stateRootProof(d.built),
        ),
      ).to.be.revertedWithCustomError(f.pod, "InvalidProofLength");
      // Once verified, never again.
      await verify([5], [proofOf()], [fields5]);
      const again = await postRoot(f, state);
      await expect(
        verify([5], [validatorProof(state, again.built, 5)], [fields5], again.ts, stateRootProof(again.built)),
      ).to.be.revertedWithCustomError(f.pod, "CredentialsAlreadyVerified");
    });

    it("uses the DENEB layout for timestamps up to pectraForkTimestamp, and refuses when it is zero", async function () {
      const f = await loadFixture(podsFixture);
      const deneb = podState(f.podAddress, "deneb");
      const { ts, built } = await postRoot(f, deneb);
      await f.eigenPodManager.connect(f.admin).setPectraForkTimestamp(ts);
      const args: CredentialArgs = [
        ts,
        stateRootProof(built),
        [5],
        [validatorProof(deneb, built, 5)],
        [validatorFields(deneb.validators[5])],
      ];
      await f.eigenPodManager.connect(f.admin).setPectraForkTimestamp(0);
      await expect(f.pod.connect(f.staker).verifyWithdrawalCredentials(...args)).to.be.revertedWithCustomError(
        f.pod,
        "ForkTimestampZero",
      );
      await f.eigenPodManager.connect(f.admin).setPectraForkTimestamp(ts);
      await expect(f.pod.connect(f.staker).verifyWithdrawalCredentials(...args)).to.emit(f.pod, "ValidatorRestaked");
    });

    it("refuses timestamps older than the EIP-4788 window (TimestampOutOfRange), callers other than the owner or submitter, and pause bit 2", async function () {
      const f = await loadFixture(podsFixture);
      const state = podState(f.podAddress);
      const { ts, built } = await postRoot(f, state);
      const args: CredentialArgs = [
        ts,
        stateRootProof(built),
        [5],
        [validatorProof(state, built, 5)],
        [validatorFields(state.validators[5])],
      ];
      await expect(f.pod.connect(f.stranger).verifyWithdrawalCredentials(...args)).to.be.revertedWithCustomError(
        f.pod,
        "OnlyEigenPodOwnerOrProofSubmitter",
      );
      await f.eigenPodManager.connect(f.pauser).pause(bit(PAUSED_EIGENPODS_VERIFY_CREDENTIALS));
      await expect(f.pod.connect(f.staker).verifyWithdrawalCredentials(...args)).to.be.revertedWithCustomError(
        f.pod,
        "CurrentlyPaused",
      );
      await f.eigenPodManager.connect(f.admin).unpause(0);
      await expect(f.pod.connect(f.staker).setProofSubmitter(f.submitter))
        .to.emit(f.pod, "ProofSubmitterUpdated")
        .withArgs(ZeroAddress, f.submitter.address);
      await network.provider.send("evm_increaseTime", [8191 * 12]);
      await expect(f.pod.connect(f.submitter).verifyWithdrawalCredentials(...args)).to.be.revertedWithCustomError(
        f.pod,
        "TimestampOutOfRange",
      );
    });
  });

  describe("checkpoints, beacon slashing, operator slashing, withdrawal as ETH", function () {
    it("a full life: rewards in, operator slash, beacon slash by verifyStaleBalance, a withdrawal paid from the pod, an exit", async function () {
      const f = await verifiedFixture();
      const [, , , , , , , funder] = await ethers.getSigners();
      // Model: deposit shares s, scaling factor k, max magnitude m, beacon factor l; operator shares op.
      let s = 64_000_000_000n * GWEI;
      let k = WAD;
      let m = WAD;
      let l = WAD;
      let op = s;
      let restakedGwei = 0n;
      const restaked = { 5: 32_000_000_000n, 6: 32_000_000_000n } as Record<number, bigint>;

      // 1. Rewards: 0.7 ETH + 123 wei of dust arrive; validator 5 earned 0.05 ETH, validator 6 lost 0.01 ETH.
      const rewards = parseEther("0.7") + 123n;
      await expect(funder.sendTransaction({ to: f.podAddress, value: rewards }))
        .to.emit(f.pod, "NonBeaconChainETHReceived")
        .withArgs(rewards);
      const s1 = podState(f.podAddress, "electra", "checkpoint 1");
      s1.balancesGwei[5] = 32_050_000_000n;
      s1.balancesGwei[6] = 31_990_000_000n;
      const c1 = await postRootForNextBlock(f, s1);
      await expect(f.pod.connect(f.staker).startCheckpoint(true))
        .to.emit(f.pod, "CheckpointCreated")
        .withArgs(c1.ts, c1.built.blockRoot, 2);
      const podGwei1 = rewards / GWEI;
      const cp = await f.pod.currentCheckpoint();
      expect([cp.proofsRemaining, cp.podBalanceGwei]).to.deep.equal([2n, podGwei1]);
      // Proofs in two batches; a repeated proof is skipped silently.
      await f.pod.verifyCheckpointProofs(balanceContainerProof(s1, c1.built), [balanceProof(s1, c1.built, 5)]);
      await expect(
        f.pod
          .connect(f.stranger)
          .verifyCheckpointProofs(balanceContainerProof(s1, c1.built), [
            balanceProof(s1, c1.built, 5),
            balanceProof(s1, c1.built, 6),
          ]),
      )
        .to.emit(f.pod, "CheckpointFinalized")
        .withArgs(c1.ts, (podGwei1 + 50_000_000n - 10_000_000n) * GWEI);
      const d1 = (podGwei1 + 50_000_000n - 10_000_000n) * GWEI;
      const wPrev = mulWad(mulWad(s, k), mulWad(m, l));
      k = divWad(divWad(wPrev + d1, s + d1), mulWad(m, l));
      s += d1;
      op += d1;
      restakedGwei += podGwei1;
      restaked[5] = 32_050_000_000n;
      restaked[6] = 31_990_000_000n;
      expect(await f.pod.withdrawableRestakedExecutionLayerGwei()).to.equal(restakedGwei);
      expect(await f.eigenPodManager.podOwnerDepositShares(f.staker)).to.equal(s);
      expect(await f.delegationManager.depositScalingFactor(f.staker, BEACON)).to.equal(k);
      expect(await f.delegationManager.operatorShares(f.operator, BEACON)).to.equal(op);
      expect(await f.pod.lastCheckpointTimestamp()).to.equal(c1.ts);
      expect(await f.pod.currentCheckpointTimestamp()).to.equal(0n);

      // 2. The AVS slashes the operator: m falls, op loses opShares - ceil(op * m' / m); EPM counts burnable shares.
      const mNew = WAD - mulWadUp(MAGNITUDE, WAD_TO_SLASH);
      const slashed = op - (op * mNew + m - 1n) / m;
      await expect(f.avs.connect(f.avsOwner).slash(f.operator, SET_ID, [BEACON], [WAD_TO_SLASH], "pods test"))
        .to.emit(f.eigenPodManager, "BurnableETHSharesIncreased")
        .withArgs(slashed);
      m = mNew;
      op -= slashed;
      expect(await f.eigenPodManager.burnableETHShares()).to.equal(slashed);

      // 3. Validator 6 is slashed on the beacon chain (1 ETH penalty); anyone proves it, which starts a checkpoint.
      const s2 = structuredClone(s1);
      s2.salt = ethers.id("checkpoint 2");
      s2.validators[6].slashed = true;
      s2.balancesGwei[6] = 30_990_000_000n;
      const stale = await postRoot(f, s2);
      const c2 = await postRootForNextBlock(f, s2);
      await expect(
        f.pod.connect(f.stranger).verifyStaleBalance(stale.ts, stateRootProof(stale.built), {
          validatorFields: validatorFields(s2.validators[6]),
          proof: validatorProof(s2, stale.built, 6),
        }),
      )
        .to.emit(f.pod, "CheckpointCreated")
        .withArgs(c2.ts, c2.built.blockRoot, 2);
      const prevRestakedWei = (restakedGwei + restaked[5] + restaked[6]) * GWEI;
      const lNew = (l * (prevRestakedWei - 1_000_000_000n * GWEI)) / prevRestakedWei;
      const opCut = mulWad(mulWad(s, k), mulWad(m, l - lNew));
      const tx2 = f.pod.verifyCheckpointProofs(balanceContainerProof(s2, c2.built), [
        balanceProof(s2, c2.built, 5),
        balanceProof(s2, c2.built, 6),
      ]);
      await expect(tx2)
        .to.emit(f.eigenPodManager, "BeaconChainSlashingFactorDecreased")
        .withArgs(f.staker.address, l, lNew);
      await expect(tx2)
        .to.emit(f.delegationManager, "OperatorSharesDecreased")
        .withArgs(f.operator.address, f.staker.address, BEACON, opCut);
      await expect(tx2)
        .to.emit(f.pod, "CheckpointFinalized")
        .withArgs(c2.ts, -1_000_000_000n * GWEI);
      l = lNew;
      op -= opCut;
      restaked[6] = 30_990_000_000n;
      expect(await f.eigenPodManager.beaconChainSlashingFactor(f.staker)).to.equal(l);
      expect(await f.eigenPodManager.podOwnerDepositShares(f.staker)).to.equal(s);
      expect(await f.delegationManager.operatorShares(f.operator, BEACON)).to.equal(op);
      const [w2] = await f.delegationManager.getWithdrawableShares(f.staker, [BEACON]);
      expect(w2[0]).to.equal(withdrawable(s, k, m, l));

      // 4. Queue 0.5 ETH of deposit shares, complete as tokens: ETH out of the pod, floored to gwei.
      const x = parseEther("0.5");
      const q = await queueWithdrawal(f.delegationManager, f.staker, BEACON, x);
      op -= withdrawable(x, k, m, l);
      expect(await f.delegationManager.operatorShares(f.operator, BEACON)).to.equal(op);
      await mine(WITHDRAWAL_DELAY);
      const shares = mulWad(mulWad(x, k), mulWad(m, l));
      const paid = (shares / GWEI) * GWEI;
      await expect(
        f.delegationManager.connect(f.staker).completeQueuedWithdrawal(q.withdrawal, [ZeroAddress], true),
      ).to.changeEtherBalances([f.staker, f.pod], [paid, -paid]);
      s -= x;
      restakedGwei -= shares / GWEI;
      expect(await f.pod.withdrawableRestakedExecutionLayerGwei()).to.equal(restakedGwei);
      expect(await f.eigenPodManager.podOwnerDepositShares(f.staker)).to.equal(s);

      // 5. Validator 5 exits: its balance arrives in the pod; the checkpoint proves 0 and marks it WITHDRAWN.
      await fundPod(f, funder, restaked[5] * GWEI);
      const s3 = structuredClone(s2);
      s3.salt = ethers.id("checkpoint 3");
      s3.balancesGwei[5] = 0n;
      s3.validators[5].exitEpoch = 100n;
      const c3 = await postRootForNextBlock(f, s3);
      await f.pod.connect(f.staker).startCheckpoint(true);
      const tx3 = f.pod.verifyCheckpointProofs(balanceContainerProof(s3, c3.built), [
        balanceProof(s3, c3.built, 5),
        balanceProof(s3, c3.built, 6),
      ]);
      await expect(tx3)
        .to.emit(f.pod, "ValidatorWithdrawn")
        .withArgs(c3.ts, pubkeyHash(pubkeyOf(5)));
      await expect(tx3).to.emit(f.pod, "CheckpointFinalized").withArgs(c3.ts, 0);
      expect(await f.pod.checkpointBalanceExitedGwei(c3.ts)).to.equal(restaked[5]);
      expect(await f.pod.activeValidatorCount()).to.equal(1n);
      expect(await f.pod["validatorStatus(bytes)"](pubkeyOf(5))).to.equal(2n);
      expect(await f.pod.withdrawableRestakedExecutionLayerGwei()).to.equal(restakedGwei + restaked[5]);
      expect(await f.eigenPodManager.podOwnerDepositShares(f.staker)).to.equal(s);
    });

    it("refuses: no balance, a checkpoint in progress, proofs with no checkpoint, stale-balance proofs for an unslashed or unknown validator or an old timestamp; pause bits 6, 7, 8", async function () {
      const f = await verifiedFixture();
      await expect(f.pod.connect(f.staker).startCheckpoint(true)).to.be.revertedWithCustomError(
        f.pod,
        "NoBalanceToCheckpoint",
      );
      const s1 = podState(f.podAddress, "electra", "refusals");
      await expect(
        f.pod.verifyCheckpointProofs(balanceContainerProof(s1, f.verified.built), []),
      ).to.be.revertedWithCustomError(f.pod, "NoActiveCheckpoint");
      const stale = await postRoot(f, s1);
      const staleProof = (i: number) => ({
        validatorFields: validatorFields(s1.validators[i]),
        proof: validatorProof(s1, stale.built, i),
      });
      await expect(
        f.pod.verifyStaleBalance(stale.ts, stateRootProof(stale.built), staleProof(5)),
      ).to.be.revertedWithCustomError(f.pod, "ValidatorNotSlashedOnBeaconChain");
      await expect(
        f.pod.verifyStaleBalance(stale.ts, stateRootProof(stale.built), staleProof(4)),
      ).to.be.revertedWithCustomError(f.pod, "ValidatorNotActiveInPod");
      await f.eigenPodManager.connect(f.pauser).pause(bit(PAUSED_VERIFY_STALE_BALANCE));
      await expect(
        f.pod.verifyStaleBalance(stale.ts, stateRootProof(stale.built), staleProof(5)),
      ).to.be.revertedWithCustomError(f.pod, "CurrentlyPaused");
      await f.eigenPodManager.connect(f.admin).unpause(0);
      await f.eigenPodManager.connect(f.pauser).pause(bit(PAUSED_START_CHECKPOINT));
      await expect(f.pod.connect(f.staker).startCheckpoint(false)).to.be.revertedWithCustomError(
        f.pod,
        "CurrentlyPaused",
      );
      await expect(
        f.pod.verifyStaleBalance(stale.ts, stateRootProof(stale.built), staleProof(5)),
      ).to.be.revertedWithCustomError(f.pod, "CurrentlyPaused");
      await f.eigenPodManager.connect(f.admin).unpause(0);
      await expect(f.pod.connect(f.stranger).startCheckpoint(false)).to.be.revertedWithCustomError(
        f.pod,
        "OnlyEigenPodOwnerOrProofSubmitter",
      );
      const c = await postRootForNextBlock(f, s1);
      await f.pod.connect(f.staker).startCheckpoint(false);
      await expect(f.pod.connect(f.staker).startCheckpoint(false)).to.be.revertedWithCustomError(
        f.pod,
        "CheckpointAlreadyActive",
      );
      // Credentials proven at or before the checkpoint in progress are refused.
      await expect(
        f.pod
          .connect(f.staker)
          .verifyWithdrawalCredentials(
            c.ts,
            stateRootProof(c.built),
            [5],
            [validatorProof(s1, c.built, 5)],
            [validatorFields(s1.validators[5])],
          ),
      ).to.be.revertedWithCustomError(f.pod, "BeaconTimestampTooFarInPast");
      await f.eigenPodManager.connect(f.pauser).pause(bit(PAUSED_EIGENPODS_VERIFY_CHECKPOINT_PROOFS));
      await expect(
        f.pod.verifyCheckpointProofs(balanceContainerProof(s1, c.built), [balanceProof(s1, c.built, 5)]),
      ).to.be.revertedWithCustomError(f.pod, "CurrentlyPaused");
      await f.eigenPodManager.connect(f.admin).unpause(0);
      // A forged balance chunk is refused; the right ones complete the checkpoint.
      const forged = structuredClone(s1);
      forged.balancesGwei[5] += 1n;
      await expect(
        f.pod.verifyCheckpointProofs(balanceContainerProof(s1, c.built), [balanceProof(forged, buildState(forged), 5)]),
      ).to.be.revertedWithCustomError(f.pod, "InvalidProof");
      await f.pod.verifyCheckpointProofs(
        balanceContainerProof(s1, c.built),
        OURS.map((i) => balanceProof(s1, c.built, i)),
      );
      // A proof older than the last checkpoint cannot verify credentials; a stale-balance proof must be newer than
      // the validator's last checkpoint.
      await expect(
        f.pod
          .connect(f.staker)
          .verifyWithdrawalCredentials(
            stale.ts,
            stateRootProof(stale.built),
            [5],
            [validatorProof(s1, stale.built, 5)],
            [validatorFields(s1.validators[5])],
          ),
      ).to.be.revertedWithCustomError(f.pod, "BeaconTimestampBeforeLatestCheckpoint");
      const slashedState = structuredClone(s1);
      slashedState.validators[5].slashed = true;
      const old = await postRoot(f, slashedState);
      await expect(
        f.pod.verifyStaleBalance(c.ts, stateRootProof(old.built), {
          validatorFields: validatorFields(slashedState.validators[5]),
          proof: validatorProof(slashedState, old.built, 5),
        }),
      ).to.be.revertedWithCustomError(f.pod, "BeaconTimestampTooFarInPast");
    });
  });

  it("a pod with no active validator completes a checkpoint at once, and cannot start another in the same block", async function () {
    const f = await loadFixture(podsFixture);
    await f.eigenPodManager.connect(f.stranger).createPod();
    const pod = await ethers.getContractAt("EigenPod", await f.eigenPodManager.getPod(f.stranger));
    const [, , , , , , , funder] = await ethers.getSigners();
    await funder.sendTransaction({ to: await pod.getAddress(), value: parseEther("1") + 5n });
    const c = await postRootForNextBlock(f, podState(await pod.getAddress(), "electra", "empty pod"));
    await network.provider.send("evm_setAutomine", [false]);
    try {
      const first = await pod.connect(f.stranger).startCheckpoint(false);
      // The pending block holds the first call; a second one there is refused.
      await expect(
        pod.connect(f.stranger).startCheckpoint.staticCall(false, { blockTag: "pending" }),
      ).to.be.revertedWithCustomError(pod, "CannotCheckpointTwiceInSingleBlock");
      await network.provider.send("evm_mine", []);
      await expect(first).to.emit(pod, "CheckpointCreated").withArgs(c.ts, c.built.blockRoot, 0);
      await expect(first).to.emit(pod, "CheckpointFinalized").withArgs(c.ts, parseEther("1"));
    } finally {
      await network.provider.send("evm_setAutomine", [true]);
    }
    expect(await pod.withdrawableRestakedExecutionLayerGwei()).to.equal(parseEther("1") / GWEI);
    expect(await f.eigenPodManager.podOwnerDepositShares(f.stranger)).to.equal(parseEther("1"));
  });

  it("a validator proven during a checkpoint sits it out, but its balance joins the checkpoint's denominator", async function () {
    const f = await loadFixture(podsFixture);
    const state = podState(f.podAddress, "electra", "during");
    // Validator 5 first, then a checkpoint starts with 1 proof to wait for.
    const first = await postRoot(f, state);
    await f.pod
      .connect(f.staker)
      .verifyWithdrawalCredentials(
        first.ts,
        stateRootProof(first.built),
        [5],
        [validatorProof(state, first.built, 5)],
        [validatorFields(state.validators[5])],
      );
    const lost = structuredClone(state);
    lost.salt = ethers.id("during, v5 lost 1 ETH");
    lost.balancesGwei[5] = 31_000_000_000n;
    const c = await postRootForNextBlock(f, lost);
    await f.pod.connect(f.staker).startCheckpoint(false);
    expect((await f.pod.currentCheckpoint()).proofsRemaining).to.equal(1n);
    // Validator 6 is proven at a later timestamp while the checkpoint is open.
    await mine(1);
    const later = await postRoot(f, lost);
    await expect(
      f.pod
        .connect(f.staker)
        .verifyWithdrawalCredentials(
          later.ts,
          stateRootProof(later.built),
          [6],
          [validatorProof(lost, later.built, 6)],
          [validatorFields(lost.validators[6])],
        ),
    )
      .to.emit(f.pod, "ValidatorBalanceUpdated")
      .withArgs(pubkeyHash(pubkeyOf(6)), c.ts, 32_000_000_000n);
    expect((await f.pod.currentCheckpoint()).prevBeaconBalanceGwei).to.equal(32_000_000_000n);
    // Validator 6's proof is skipped; validator 5's completes the checkpoint with a 1 ETH loss over 64 ETH.
    const tx = f.pod.verifyCheckpointProofs(balanceContainerProof(lost, c.built), [
      balanceProof(lost, c.built, 6),
      balanceProof(lost, c.built, 5),
    ]);
    const prev = 64_000_000_000n * GWEI;
    await expect(tx)
      .to.emit(f.eigenPodManager, "BeaconChainSlashingFactorDecreased")
      .withArgs(f.staker.address, WAD, (WAD * (prev - 1_000_000_000n * GWEI)) / prev);
    const receipt = await (await tx).wait();
    const checkpointed = receipt!.logs
      .map((log) => f.pod.interface.parseLog(log))
      .filter((parsed) => parsed?.name === "ValidatorCheckpointed")
      .map((parsed) => parsed!.args.pubkeyHash);
    expect(checkpointed).to.deep.equal([pubkeyHash(pubkeyOf(5))]);
    expect((await f.pod.validatorPubkeyToInfo(pubkeyOf(6))).restakedBalanceGwei).to.equal(32_000_000_000n);
  });

  describe("requests, tokens, access", function () {
    it("requestWithdrawal: one fee per request to the EIP-7002 predeploy, the rest refunded; full exit and partial amounts", async function () {
      const f = await verifiedFixture();
      await f.withdrawalRequests.setExcess(40n);
      const fee = await f.pod.getWithdrawalRequestFee();
      // fake_exponential(1, 40, 17) by hand: the series sums 17+40+47+36+21+9+3+1 = 174, and 174 / 17 = 10.
      expect(fee).to.equal(10n);
      const requests = [
        { pubkey: pubkeyOf(5), amountGwei: 0n },
        { pubkey: pubkeyOf(6), amountGwei: 1_000_000_000n },
      ];
      const tx = f.pod.connect(f.staker).requestWithdrawal(requests, { value: 2n * fee + 1000n });
      await expect(tx)
        .to.emit(f.pod, "ExitRequested")
        .withArgs(pubkeyHash(pubkeyOf(5)));
      await expect(tx)
        .to.emit(f.pod, "WithdrawalRequested")
        .withArgs(pubkeyHash(pubkeyOf(6)), 1_000_000_000n);
      await expect(tx).to.changeEtherBalances([f.staker, f.withdrawalRequests], [-2n * fee, 2n * fee]);
      expect(await f.withdrawalRequests.requestCount()).to.equal(2n);
      expect(await f.withdrawalRequests.requestAt(1)).to.equal(
        concat([f.podAddress, pubkeyOf(6), toBeHex(1_000_000_000n, 8)]).toLowerCase(),
      );
      await expect(
        f.pod.connect(f.staker).requestWithdrawal(requests, { value: 2n * fee - 1n }),
      ).to.be.revertedWithCustomError(f.pod, "InsufficientFunds");
      await expect(
        f.pod.connect(f.staker).requestWithdrawal([{ pubkey: pubkeyOf(4), amountGwei: 0n }], { value: fee }),
      ).to.be.revertedWithCustomError(f.pod, "ValidatorNotActiveInPod");
      await expect(
        f.pod
          .connect(f.staker)
          .requestWithdrawal([{ pubkey: pubkeyOf(5).slice(0, 96), amountGwei: 0n }], { value: fee }),
      ).to.be.revertedWithCustomError(f.pod, "InvalidPubKeyLength");
      await expect(
        f.pod.connect(f.stranger).requestWithdrawal(requests, { value: 2n * fee }),
      ).to.be.revertedWithCustomError(f.pod, "OnlyEigenPodOwnerOrProofSubmitter");
      await f.eigenPodManager.connect(f.pauser).pause(bit(PAUSED_WITHDRAWAL_REQUESTS));
      await expect(
        f.pod.connect(f.stranger).requestWithdrawal(requests, { value: 2n * fee }),
      ).to.be.revertedWithCustomError(f.pod, "CurrentlyPaused");
      await f.eigenPodManager.connect(f.admin).unpause(0);
      // A predeploy that answers the fee but refuses requests, and one that is not there.
      await network.provider.send("hardhat_setCode", [
        await f.withdrawalRequests.getAddress(),
        "0x36156008575f5ffd5b60205ff3",
      ]);
      expect(await f.pod.getWithdrawalRequestFee()).to.equal(0n);
      await expect(f.pod.connect(f.staker).requestWithdrawal(requests.slice(0, 1))).to.be.revertedWithCustomError(
        f.pod,
        "PredeployFailed",
      );
      await network.provider.send("hardhat_setCode", [await f.withdrawalRequests.getAddress(), "0x"]);
      await expect(f.pod.getWithdrawalRequestFee()).to.be.revertedWithCustomError(f.pod, "FeeQueryFailed");
    });

    it("requestConsolidation: the target must be ACTIVE here; src == target asks for compounding credentials", async function () {
      const f = await verifiedFixture();
      const fee = await f.pod.getConsolidationRequestFee();
      expect(fee).to.equal(1n);
      const tx = f.pod.connect(f.staker).requestConsolidation(
        [
          { srcPubkey: pubkeyOf(5), targetPubkey: pubkeyOf(5) },
          { srcPubkey: pubkeyOf(4), targetPubkey: pubkeyOf(6) },
        ],
        { value: 5n },
      );
      await expect(tx)
        .to.emit(f.pod, "SwitchToCompoundingRequested")
        .withArgs(pubkeyHash(pubkeyOf(5)));
      await expect(tx)
        .to.emit(f.pod, "ConsolidationRequested")
        .withArgs(pubkeyHash(pubkeyOf(4)), pubkeyHash(pubkeyOf(6)));
      await expect(tx).to.changeEtherBalance(f.staker, -2n);
      await expect(
        f.pod
          .connect(f.staker)
          .requestConsolidation([{ srcPubkey: pubkeyOf(5), targetPubkey: pubkeyOf(4) }], { value: 1n }),
      ).to.be.revertedWithCustomError(f.pod, "ValidatorNotActiveInPod");
      await f.eigenPodManager.connect(f.pauser).pause(bit(PAUSED_CONSOLIDATIONS));
      await expect(
        f.pod
          .connect(f.staker)
          .requestConsolidation([{ srcPubkey: pubkeyOf(5), targetPubkey: pubkeyOf(5) }], { value: 1n }),
      ).to.be.revertedWithCustomError(f.pod, "CurrentlyPaused");
    });

    it("recoverTokens (owner, bit 5), manager-only stake and withdraw, one-shot initialize", async function () {
      const f = await loadFixture(podsFixture);
      const token = await ethers.deployContract("ERC20Mock", ["Stray", "STRAY"]);
      await token.mint(f.podAddress, 1000n);
      await expect(f.pod.connect(f.stranger).recoverTokens([token], [1000n], f.stranger)).to.be.revertedWithCustomError(
        f.pod,
        "OnlyEigenPodOwner",
      );
      await expect(f.pod.connect(f.staker).recoverTokens([token], [], f.staker)).to.be.revertedWithCustomError(
        f.pod,
        "InputArrayLengthMismatch",
      );
      await f.eigenPodManager.connect(f.pauser).pause(bit(PAUSED_NON_PROOF_WITHDRAWALS));
      await expect(f.pod.connect(f.staker).recoverTokens([token], [1000n], f.staker)).to.be.revertedWithCustomError(
        f.pod,
        "CurrentlyPaused",
      );
      await f.eigenPodManager.connect(f.admin).unpause(0);
      await expect(f.pod.connect(f.staker).recoverTokens([token], [400n], f.staker)).to.changeTokenBalances(
        token,
        [f.pod, f.staker],
        [-400n, 400n],
      );
      await expect(
        f.pod.connect(f.staker).stake(pubkeyOf(1), "0x", ethers.ZeroHash, { value: parseEther("32") }),
      ).to.be.revertedWithCustomError(f.pod, "OnlyEigenPodManager");
      await expect(f.pod.connect(f.staker).withdrawRestakedBeaconChainETH(f.staker, 1n)).to.be.revertedWithCustomError(
        f.pod,
        "OnlyEigenPodManager",
      );
      await expect(f.pod.initialize(f.stranger)).to.be.revertedWithCustomError(f.pod, "AlreadyInitialized");
      await expect(f.eigenPodImplementation.initialize(f.stranger)).to.be.revertedWithCustomError(
        f.pod,
        "AlreadyInitialized",
      );
      expect(await f.pod.podOwner()).to.equal(f.staker.address);
      expect(await f.pod.eigenPodManager()).to.equal(await f.eigenPodManager.getAddress());
      expect(await f.pod.ethPOS()).to.equal(await f.depositContract.getAddress());
    });
  });
});
