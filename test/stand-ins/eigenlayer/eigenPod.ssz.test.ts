import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, mine, time } from "@nomicfoundation/hardhat-network-helpers";
import { parseEther, sha256, concat } from "ethers";
import { deployAVS, deployEigenLayer, deployEigenPods, registerOperator } from "../../../scripts/lib/eigenlayer";
import { BeaconChain, podWithdrawalCredentials } from "../../../scripts/lib/beacon";
import { postNextRoot } from "../../../scripts/lib/native";
import { BEACON } from "./pods";
import { MAGNITUDE, SET_ID } from "./guards";

/**
 * The EigenPod stand-in fed by the TypeScript beacon chain (`scripts/lib/beacon/`): real SSZ Electra states, a
 * BLS-signed deposit whose `deposit_data_root` the deposit-contract stand-in reconstructs, and the proofs the pod
 * checks against the root posted to the EIP-4788 stand-in. The other pod tests build their trees with
 * test/helpers/beaconMerkle.ts; this one proves the two agree with `@chainsafe/ssz` end to end.
 */
describe("EigenPod with real SSZ beacon states", function () {
  async function sszPodFixture() {
    const [admin, staker, operator, avsOwner] = await ethers.getSigners();
    const el = await deployEigenLayer(admin);
    const pods = await deployEigenPods(el); // pectraForkTimestamp 1: every proof is read with the Electra layout
    const avs = await deployAVS(el, avsOwner, SET_ID, [BEACON]);
    await registerOperator(el, operator, avs, SET_ID, [BEACON], MAGNITUDE);
    await el.delegationManager.connect(staker).delegateTo(operator, { signature: "0x", expiry: 0n }, ethers.ZeroHash);
    const podAddress = await pods.eigenPodManager.getPod(staker);
    const chain = await BeaconChain.create({ genesisTime: (await time.latest()) - 12 * 64 });
    // Three other validators first, so ours is not at index 0.
    for (let k = 1; k <= 3; k++) chain.deposit(k, podWithdrawalCredentials("0x" + "22".repeat(20)), 32e9);
    const deposit = chain.depositData(0, podWithdrawalCredentials(podAddress, 1), 32e9);
    await pods.eigenPodManager
      .connect(staker)
      .stake(deposit.pubkey, deposit.signature, deposit.depositDataRoot, { value: parseEther("32") });
    const index = chain.deposit(deposit)!;
    chain.activate([0, 1, 2, index], { atEpoch: chain.epoch });
    const pod = await ethers.getContractAt("EigenPod", podAddress);
    return { el, pods, chain, staker, pod, podAddress, deposit, index };
  }

  it("the deposit contract logs a BLS-signed SSZ deposit exactly, and refuses it with one field changed", async function () {
    const { pods, chain, staker, podAddress } = await loadFixture(sszPodFixture);
    const wc = podWithdrawalCredentials(podAddress, 1);
    const d = chain.depositData(4, wc, 32e9);
    const index = await pods.depositContract.get_deposit_count();
    // Every field as the TypeScript chain built it; 32e9 gwei as 8 little-endian bytes.
    await expect(
      pods.eigenPodManager.connect(staker).stake(d.pubkey, d.signature, d.depositDataRoot, { value: parseEther("32") }),
    )
      .to.emit(pods.depositContract, "DepositEvent")
      .withArgs(d.pubkey, wc, "0x0040597307000000", d.signature, index);
    // The root commits to the signature: another key's signature over the same deposit is refused.
    const other = chain.depositData(5, wc, 32e9);
    await expect(
      pods.eigenPodManager
        .connect(staker)
        .stake(d.pubkey, other.signature, d.depositDataRoot, { value: parseEther("32") }),
    ).to.be.revertedWith("DepositContract: reconstructed DepositData does not match supplied deposit_data_root");
  });

  it("verifyWithdrawalCredentials accepts the SSZ proofs and credits the 32 ETH effective balance as shares", async function () {
    const { el, pods, chain, staker, pod, deposit, index } = await loadFixture(sszPodFixture);
    const block = await postNextRoot(chain, pods.beaconRoots);
    const pubkeyHash = sha256(concat([deposit.pubkey, new Uint8Array(16)]));
    await expect(pod.connect(staker).verifyWithdrawalCredentials(...block.verifyWithdrawalCredentialsArgs([index])))
      .to.emit(pod, "ValidatorRestaked")
      .withArgs(pubkeyHash);
    expect(await pod.activeValidatorCount()).to.equal(1n);
    const [[shares]] = await el.delegationManager.getWithdrawableShares(staker, [BEACON]);
    expect(shares).to.equal(parseEther("32"));
  });

  it("refuses proofs from a state that differs from the posted root in a single validator field (InvalidProof)", async function () {
    const { pods, chain, staker, pod, index } = await loadFixture(sszPodFixture);
    // The forged chain differs only in our validator's withdrawable_epoch (a field no credential check reads).
    // Both chains make the same move (an edit opens a new slot), so the two states differ in that field alone.
    const forged = chain.clone();
    forged.editValidator(index, { withdrawableEpoch: 1_000_000n });
    chain.editValidator(index, { withdrawableEpoch: chain.validator(index).withdrawableEpoch });
    const ts = Math.max(chain.nextTimestamp(), forged.nextTimestamp(), (await time.latest()) + 1);
    const honest = chain.blockRoot(ts);
    const lie = forged.blockRoot(ts);
    expect(lie.root).to.not.equal(honest.root);
    await time.setNextBlockTimestamp(ts);
    await mine();
    await pods.beaconRoots.setBeaconRoot(BigInt(ts), honest.root);
    await expect(
      pod.connect(staker).verifyWithdrawalCredentials(...lie.verifyWithdrawalCredentialsArgs([index])),
    ).to.be.revertedWithCustomError(pod, "InvalidProof");
    // The honest proofs of the same block pass.
    await expect(
      pod.connect(staker).verifyWithdrawalCredentials(...honest.verifyWithdrawalCredentialsArgs([index])),
    ).to.emit(pod, "ValidatorRestaked");
  });
});
