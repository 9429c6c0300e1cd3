import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, mine, time } from "@nomicfoundation/hardhat-network-helpers";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import { parseEther, sha256, concat } from "ethers";
import { BEACON_CHAIN_ETH_STRATEGY, EIGEN_DELAYS, deployAVS } from "../../scripts/lib/eigenlayer";
import { asWithdrawal } from "../../scripts/lib/withdrawal";
import { ETH } from "../../scripts/lib/constants";
import { podCredentials } from "../../scripts/lib/native";
import { checkpoint, deployNativeFixture, postNextRoot, type NativeFixture } from "../fixtures/native";

/**
 * Native restaking end to end on the suite: the keeper stakes validators from the key registry through a
 * delegator's pod, the pod verifies them with real SSZ proofs from the TypeScript beacon chain, checkpoints bring
 * consensus rewards in, a beacon-chain slash lowers the rate, and an exited validator's ETH comes back to the buffer
 * and pays an ETH request. Every expected value is computed from the beacon chain's balances, not from the contracts.
 */
const GWEI = 10n ** 9n;
const WAD = 10n ** 18n;
const VALIDATOR = parseEther("32");
const pubkeyHash = (pubkey: string) => sha256(concat([pubkey, new Uint8Array(16)]));

async function totalValue(f: NativeFixture): Promise<bigint> {
  return (await f.s.accountant.valuation()).totalValue;
}
async function ethBuffer(f: NativeFixture): Promise<bigint> {
  return (await f.s.vault.assetInfo(ETH)).bufferUnits;
}
async function beaconShares(f: NativeFixture): Promise<bigint> {
  const [[shares]] = await f.s.el.delegationManager.getWithdrawableShares(f.delegator, [BEACON_CHAIN_ETH_STRATEGY]);
  return shares;
}
async function ethPosition(f: NativeFixture) {
  const p = (await f.s.manager.positions()).find((x) => x.asset === ETH)!;
  return { withdrawable: p.withdrawableUnits, queued: p.queuedUnits };
}

/** Two validators staked through the first delegator, deposited and activated on the beacon chain. */
async function staked() {
  const fixture = await loadFixture(deployNativeFixture);
  // The beacon chain is a TypeScript object: loadFixture reverts the EVM, not it, so each test takes a fresh copy.
  const f: NativeFixture = { ...fixture, chain: fixture.chain.clone() };
  const keys = f.keysFor([0, 1]);
  await f.registry.connect(f.nodeOperator).submitKeys(f.delegator, keys);
  const root = await f.pods.depositContract.get_deposit_root();
  await f.s.manager.connect(f.s.signers.keeper).stakeValidators(f.delegator, keys, root);
  const indices = keys.map((k) =>
    f.chain.deposit({ ...k, withdrawalCredentials: credentialsOf(f), amountGwei: 32e9 })!,
  );
  f.chain.activate(indices, { atEpoch: f.chain.epoch });
  return { f, keys, indices };
}
const credentialsOf = (f: NativeFixture) =>
  ("0x01" + "00".repeat(11) + f.podAddress.slice(2).toLowerCase()) as `0x${string}`;

/** Stakes and verifies the two validators' credentials (keeper as the pod's proof submitter). */
async function verified() {
  const r = await staked();
  const block = await postNextRoot(r.f);
  await r.f.pod
    .connect(r.f.s.signers.keeper)
    .verifyWithdrawalCredentials(...block.verifyWithdrawalCredentialsArgs(r.indices));
  return r;
}

describe("RestakingManager: native restaking (EigenPods)", function () {
  describe("stakeValidators", function () {
    it("moves 32 ETH per validator from the buffer to the deposit contract; the value is counted once, unchanged", async function () {
      const f = await loadFixture(deployNativeFixture);
      const keys = f.keysFor([0, 1]);
      await f.registry.connect(f.nodeOperator).submitKeys(f.delegator, keys);
      const before = await totalValue(f);
      const buffer = await ethBuffer(f);
      const rate = await f.s.vault.getRate();
      const root = await f.pods.depositContract.get_deposit_root();
      const hashes = keys.map((k) => pubkeyHash(k.pubkey));
      await expect(f.s.manager.connect(f.s.signers.keeper).stakeValidators(f.delegator, keys, root))
        .to.emit(f.s.manager, "ValidatorsStaked")
        .withArgs(f.delegator, hashes)
        .and.to.emit(f.pods.depositContract, "DepositEvent");
      expect(await ethBuffer(f)).to.equal(buffer - 2n * VALIDATOR);
      expect(await ethers.provider.getBalance(f.pods.depositContract)).to.equal(2n * VALIDATOR);
      expect(await f.s.manager.pendingStake()).to.equal(2n * VALIDATOR);
      expect(await f.s.manager.unverifiedValidators(f.delegator)).to.deep.equal(hashes);
      expect(await ethPosition(f)).to.deep.equal({ withdrawable: 0n, queued: 2n * VALIDATOR });
      expect(await totalValue(f)).to.equal(before);
      await f.s.accountant.sync();
      expect(await f.s.vault.getRate()).to.equal(rate);
      // Nothing stays behind in the delegator or the manager.
      expect(await ethers.provider.getBalance(f.delegator)).to.equal(0n);
      expect(await ethers.provider.getBalance(f.s.manager)).to.equal(0n);
    });

    it("refuses a deposit root that moved (a deposit since the keeper's check), keys out of order, restake of ETH and strangers", async function () {
      const f = await loadFixture(deployNativeFixture);
      const keeper = f.s.manager.connect(f.s.signers.keeper);
      const keys = f.keysFor([0, 1, 2]);
      await f.registry.connect(f.nodeOperator).submitKeys(f.delegator, keys);
      const checked = await f.pods.depositContract.get_deposit_root();
      // Someone deposits for any key in between (here a front-run of key 0 with other credentials).
      const other = f.chain.depositData(0, ("0x01" + "00".repeat(11) + "22".repeat(20)) as `0x${string}`, 1e9);
      await f.pods.depositContract.deposit(
        other.pubkey,
        other.withdrawalCredentials,
        other.signature,
        other.depositDataRoot,
        {
          value: parseEther("1"),
        },
      );
      const now = await f.pods.depositContract.get_deposit_root();
      await expect(keeper.stakeValidators(f.delegator, keys.slice(0, 1), checked))
        .to.be.revertedWithCustomError(f.s.manager, "RestakingManagerDepositRootMoved")
        .withArgs(checked, now);
      await expect(keeper.stakeValidators(f.delegator, keys.slice(1, 2), now))
        .to.be.revertedWithCustomError(f.registry, "ValidatorKeyRegistryKeyMismatch")
        .withArgs(f.delegator, 0n);
      await expect(keeper.stakeValidators(f.delegator, [], now)).to.be.revertedWithCustomError(
        f.s.manager,
        "RestakingManagerZeroInput",
      );
      await expect(keeper.restake(f.delegator, ETH, VALIDATOR)).to.be.revertedWithCustomError(
        f.s.manager,
        "RestakingManagerNativeETH",
      );
      await expect(
        f.s.manager.connect(f.s.signers.stranger).stakeValidators(f.delegator, keys.slice(0, 1), now),
      ).to.be.revertedWithCustomError(f.s.manager, "AccessManagedUnauthorized");
      await expect(keeper.stakeValidators(f.s.signers.stranger, keys.slice(0, 1), now))
        .to.be.revertedWithCustomError(f.s.manager, "RestakingManagerUnknownDelegator")
        .withArgs(f.s.signers.stranger.address);
      expect(await f.s.manager.pendingStake()).to.equal(0n);
    });

    it("a validator that can never be verified is written off by the admin only: its 32 ETH stops counting", async function () {
      const { f, keys } = await staked();
      const hash = pubkeyHash(keys[0].pubkey);
      const before = await totalValue(f);
      await expect(
        f.s.manager.connect(f.s.signers.keeper).writeOffUnverified(f.delegator, hash),
      ).to.be.revertedWithCustomError(f.s.manager, "AccessManagedUnauthorized");
      const unknown = pubkeyHash(f.keysFor([7])[0].pubkey);
      await expect(f.s.manager.connect(f.s.signers.admin).writeOffUnverified(f.delegator, unknown))
        .to.be.revertedWithCustomError(f.s.manager, "RestakingManagerUnknownValidator")
        .withArgs(f.delegator, unknown);
      await expect(f.s.manager.connect(f.s.signers.admin).writeOffUnverified(f.delegator, hash))
        .to.emit(f.s.manager, "ValidatorWrittenOff")
        .withArgs(f.delegator, hash);
      expect(await f.s.manager.pendingStake()).to.equal(VALIDATOR);
      expect(await f.s.manager.unverifiedValidators(f.delegator)).to.deep.equal([pubkeyHash(keys[1].pubkey)]);
      expect(await totalValue(f)).to.equal(before - VALIDATOR);
    });

    it("only the vault and the pod may send a delegator ETH, only delegators the manager", async function () {
      const f = await loadFixture(deployNativeFixture);
      const stranger = f.s.signers.stranger;
      await expect(stranger.sendTransaction({ to: f.delegator, value: 1n }))
        .to.be.revertedWithCustomError(f.delegator, "OperatorDelegatorUnexpectedETH")
        .withArgs(stranger.address);
      await expect(stranger.sendTransaction({ to: f.s.manager, value: 1n }))
        .to.be.revertedWithCustomError(f.s.manager, "RestakingManagerUnexpectedETH")
        .withArgs(stranger.address);
    });
  });

  describe("proofs", function () {
    it("verifying credentials moves the 32 ETH from pending to beacon chain shares: the value does not move", async function () {
      const { f, indices } = await staked();
      const before = await totalValue(f);
      const block = await postNextRoot(f);
      await f.pod
        .connect(f.s.signers.keeper)
        .verifyWithdrawalCredentials(...block.verifyWithdrawalCredentialsArgs(indices));
      expect(await f.s.manager.pendingStake()).to.equal(0n);
      expect(await beaconShares(f)).to.equal(2n * VALIDATOR);
      expect(await ethPosition(f)).to.deep.equal({ withdrawable: 2n * VALIDATOR, queued: 0n });
      expect(await totalValue(f)).to.equal(before);
      await expect(f.s.manager.pruneVerified(f.delegator)).to.emit(f.s.manager, "ValidatorVerified");
      expect(await f.s.manager.unverifiedValidators(f.delegator)).to.deep.equal([]);
      expect(await totalValue(f)).to.equal(before);
    });

    it("a checkpoint brings consensus rewards in: the value rises by exactly the validators' balance gain", async function () {
      const { f, indices } = await verified();
      const before = await totalValue(f);
      f.chain.advanceEpochs(100);
      const gainGwei = indices.reduce((sum, i) => sum + BigInt(f.chain.balanceGwei(i)) - 32_000_000_000n, 0n);
      expect(gainGwei).to.be.greaterThan(0n);
      await checkpoint(f, indices);
      expect(await beaconShares(f)).to.equal(2n * VALIDATOR + gainGwei * GWEI);
      expect(await totalValue(f)).to.equal(before + gainGwei * GWEI);
    });

    it("a beacon-chain slash lowers the value at the checkpoint by EigenLayer's beacon slashing factor, and the rate falls at the sync", async function () {
      const { f, indices } = await verified();
      await f.s.accountant.sync();
      const before = await totalValue(f);
      const rate = await f.s.vault.getRate();
      // EigenLayer credited the effective balances (32 ETH each) at verification; the checkpoint proves the balances
      // of its own block, one slashed.
      const prevWei = 2n * VALIDATOR;
      f.chain.slash(indices[0], { penaltyGwei: 1_000_000_000 });
      await checkpoint(f, indices);
      const nowWei = indices.reduce((sum, i) => sum + BigInt(f.chain.balanceGwei(i)), 0n) * GWEI;
      expect(nowWei).to.be.lessThan(prevWei);
      // EigenLayer: factor = WAD * (prev - decrease) / prev (rounded down); withdrawable = deposit shares * factor.
      const factor = (WAD * nowWei) / prevWei;
      const expected = (prevWei * factor) / WAD;
      expect(await beaconShares(f)).to.equal(expected);
      expect(await totalValue(f)).to.equal(before - (2n * VALIDATOR - expected));
      await f.s.accountant.sync();
      expect(await f.s.vault.getRate()).to.be.lessThan(rate);
    });
  });

  describe("a beacon slash reported by anyone", function () {
    it("verifyStaleBalance (permissionless) starts the checkpoint that books the slash: the value falls by EigenLayer's factor", async function () {
      const { f, indices } = await verified();
      const before = await totalValue(f);
      f.chain.slash(indices[0], { penaltyGwei: 1_000_000_000 });
      // A stranger proves the slashed flag from the block of the coming slot; the pod checkpoints at that root.
      const ts = Math.max(f.chain.nextTimestamp(), (await time.latest()) + 3);
      const block = f.chain.blockRoot(ts);
      await time.setNextBlockTimestamp(ts - 1); // pinned: a slow run must not pass the chosen slot
      await f.pods.beaconRoots.setBeaconRoot(BigInt(ts), block.root);
      await time.setNextBlockTimestamp(ts);
      await expect(
        f.pod.connect(f.s.signers.stranger).verifyStaleBalance(...block.verifyStaleBalanceArgs(indices[0])),
      ).to.emit(f.pod, "CheckpointCreated");
      await f.pod.verifyCheckpointProofs(...block.verifyCheckpointProofsArgs(indices));
      const nowWei = indices.reduce((sum, i) => sum + BigInt(f.chain.balanceGwei(i)), 0n) * GWEI;
      const expected = (2n * VALIDATOR * ((WAD * nowWei) / (2n * VALIDATOR))) / WAD;
      expect(await beaconShares(f)).to.equal(expected);
      expect(await totalValue(f)).to.equal(before - (2n * VALIDATOR - expected));
    });
  });

  describe("operator and beacon slashing together", function () {
    it("withdrawable beacon shares = deposit shares x (operator max magnitude x beacon slashing factor), to the wei", async function () {
      const { f, indices } = await verified();
      const { s } = f;
      const operator = s.operators[0];
      // The delegator's operator also allocates half its beacon chain ETH magnitude to a second AVS.
      const avs = await deployAVS(s.el, s.signers.admin, 2, [BEACON_CHAIN_ETH_STRATEGY]);
      const set = { avs: await avs.getAddress(), id: 2 };
      const allocated = WAD / 2n;
      await s.el.allocationManager
        .connect(operator)
        .modifyAllocations(operator, [
          { operatorSet: set, strategies: [BEACON_CHAIN_ETH_STRATEGY], newMagnitudes: [allocated] },
        ]);
      await s.el.allocationManager
        .connect(operator)
        .registerForOperatorSets(operator, { avs: set.avs, operatorSetIds: [2], data: "0x" });
      await mine(2);
      await s.accountant.sync();
      const before = await totalValue(f);
      const [, slashedSince] = await s.accountant.freshness();
      expect(slashedSince).to.equal(false);

      // 1. The AVS slashes 30% of the allocation: max magnitude WAD - ceil(allocated * 0.3).
      const wad = (WAD * 3n) / 10n;
      await avs.slash(operator, 2, [BEACON_CHAIN_ETH_STRATEGY], [wad], "operator slash");
      const maxMagnitude = WAD - (allocated * wad + WAD - 1n) / WAD;
      const [, afterOperatorSlash] = await s.accountant.freshness();
      expect(afterOperatorSlash).to.equal(true);
      const deposit = 2n * VALIDATOR;
      const mulWad = (a: bigint, b: bigint) => (a * b) / WAD;
      expect(await beaconShares(f)).to.equal(mulWad(deposit, maxMagnitude));

      // 2. The beacon chain slashes a validator; the checkpoint lowers the beacon slashing factor.
      f.chain.slash(indices[1], { penaltyGwei: 2_000_000_000 });
      await checkpoint(f, indices);
      const nowWei = indices.reduce((sum, i) => sum + BigInt(f.chain.balanceGwei(i)), 0n) * GWEI;
      const factor = (WAD * nowWei) / deposit;
      const expected = mulWad(deposit, mulWad(maxMagnitude, factor));
      expect(await beaconShares(f)).to.equal(expected);
      expect(await totalValue(f)).to.equal(before - (deposit - expected));
      expect(await ethPosition(f)).to.deep.equal({ withdrawable: expected, queued: 0n });
    });
  });

  describe("exits", function () {
    it("an exited validator's ETH comes back through EigenLayer's queue into the buffer, value unchanged, and pays an ETH request", async function () {
      const { f, keys, indices } = await verified();
      const keeper = f.s.signers.keeper;
      // EIP-7002 exit request through the pod (keeper as proof submitter), paying the predeploy's fee.
      const fee = await f.pod.getWithdrawalRequestFee();
      await expect(
        f.pod.connect(keeper).requestWithdrawal([{ pubkey: keys[0].pubkey, amountGwei: 0n }], { value: fee }),
      )
        .to.emit(f.pod, "ExitRequested")
        .withArgs(pubkeyHash(keys[0].pubkey));
      const exitedBalance = BigInt(f.chain.balanceGwei(indices[0])) * GWEI;
      const paid = f.chain.exit(indices[0], { immediate: true });
      const toPod = paid.reduce((sum, w) => sum + BigInt(w.amountGwei) * GWEI, 0n);
      // A full exit leaves the validator nothing and pays the pod all it had (with the rewards of the epochs the exit
      // took, which the checkpoint below credits exactly).
      expect(f.chain.balanceGwei(indices[0])).to.equal(0);
      expect(toPod).to.be.at.least(exitedBalance);
      await ethers.provider.send("hardhat_setBalance", [f.podAddress, ethers.toQuantity(toPod)]);
      await checkpoint(f, indices);
      // The checkpoint credits the exited validator's ETH (now in the pod) and the other's rewards.
      const credited = toPod + BigInt(f.chain.balanceGwei(indices[1])) * GWEI;
      expect(await beaconShares(f)).to.equal(credited);
      const before = await totalValue(f);
      const buffer = await ethBuffer(f);
      const tx = await f.s.manager.connect(keeper).queueWithdrawal(f.delegator, ETH, VALIDATOR);
      const start = (await tx.wait())!.blockNumber;
      expect(await ethPosition(f)).to.deep.equal({ withdrawable: credited - VALIDATOR, queued: VALIDATOR });
      expect(await totalValue(f)).to.equal(before);
      await mine(EIGEN_DELAYS.minWithdrawalDelayBlocks + 1);
      const [queued] = await f.s.el.delegationManager.getQueuedWithdrawals(f.delegator);
      expect(queued.length).to.equal(1);
      expect(Number(queued[0].startBlock)).to.equal(start);
      await expect(f.s.manager.completeWithdrawals(f.delegator, [asWithdrawal(queued[0])]))
        .to.emit(f.s.manager, "WithdrawalCompleted")
        .withArgs(f.delegator, anyValue, ETH, VALIDATOR);
      expect(await ethBuffer(f)).to.equal(buffer + VALIDATOR);
      expect(await ethPosition(f)).to.deep.equal({ withdrawable: credited - VALIDATOR, queued: 0n });
      expect(await totalValue(f)).to.equal(before);
      // What the pod keeps backs the shares still credited (the exited validator's rewards).
      expect(await ethers.provider.getBalance(f.podAddress)).to.equal(toPod - VALIDATOR);

      // The buffer now pays an ETH request of alice.
      const alice = f.s.signers.alice;
      await f.s.accountant.sync();
      const shares = parseEther("10");
      await f.s.vault.connect(alice).approve(f.s.queue, shares);
      const requested = await (await f.s.queue.connect(alice).requestWithdrawal(shares, ETH, alice)).wait();
      const id = f.s.queue.interface.parseLog(requested!.logs.find((l) => l.address === (f.s.queue.target as string))!)!
        .args.requestId as bigint;
      await f.s.accountant.sync();
      await f.s.queue.finalize(10);
      const balance = await ethers.provider.getBalance(alice);
      const claimTx = await f.s.queue.connect(alice).claim([id], alice);
      const receipt = (await claimTx.wait())!;
      const got = (await ethers.provider.getBalance(alice)) - balance + receipt.gasUsed * receipt.gasPrice;
      expect(got).to.be.greaterThan(parseEther("9.9"));
    });
  });
});
