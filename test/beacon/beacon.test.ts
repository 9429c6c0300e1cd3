import { expect } from "chai";
import { ethers, network } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import {
  BeaconChain,
  loadBeaconLibs,
  podDepositData,
  podWithdrawalCredentials,
  pubkeyHash,
  type BeaconBlock,
  type BeaconLibs,
} from "../../scripts/lib/beacon";
import {
  BeaconRoots,
  FAR_FUTURE_EPOCH,
  ProofRefused,
  getBalanceAtIndex,
  merkleizeSha256,
  podVerifyCheckpointProofs,
  podVerifyStaleBalance,
  podVerifyWithdrawalCredentials,
  sha256,
  verifyStateRoot,
  verifyValidatorFields,
} from "../helpers/beaconProofs";

// Everything expected below is computed here by hand (SHA-256 over the SSZ layouts, gwei arithmetic of the
// modelled rules), and every proof goes through the independent verifier of test/helpers/beaconProofs.ts.

const POD = "0x1111111111111111111111111111111111111111";
const OTHER_POD = "0x2222222222222222222222222222222222222222";
const GENESIS = 1_700_000_000;
const ETH32 = 32_000_000_000; // gwei
const REWARD = 14_000; // gwei per epoch per 32 ETH: the chain's default
const MAINNET_DEPOSIT_DOMAIN = "0x03000000f5a5fd42d16a20302798ef6ed309979b43003d2320d9f0e8ea9831a9";

const b = (h: string): Buffer => Buffer.from(h.replace(/^0x/, ""), "hex");
const h = (x: Buffer): string => "0x" + x.toString("hex");
const Z32 = Buffer.alloc(32);
const le64 = (n: number | bigint): Buffer => {
  const x = Buffer.alloc(32);
  x.writeBigUInt64LE(BigInt(n));
  return x;
};
const refusedWith = (fn: () => unknown, reason: string): void => {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected ${reason}`).to.be.instanceOf(ProofRefused);
  expect((caught as ProofRefused).reason).to.equal(reason);
};

/** hash_tree_root(DepositData) by hand (deposit contract formula). */
function handDepositDataRoot(pubkey: string, wc: string, amountGwei: number, signature: string): string {
  const pubkeyRoot = sha256(b(pubkey), Buffer.alloc(16));
  const sig = b(signature);
  const sigRoot = sha256(sha256(sig.subarray(0, 64)), sha256(sig.subarray(64, 96), Z32));
  const amount = Buffer.alloc(8);
  amount.writeBigUInt64LE(BigInt(amountGwei));
  return h(sha256(sha256(pubkeyRoot, b(wc)), sha256(amount, Buffer.alloc(24), sigRoot)));
}

/** compute_signing_root(DepositMessage, deposit domain) by hand. */
function handDepositSigningRoot(pubkey: string, wc: string, amountGwei: number, forkVersion: string): Buffer {
  const forkDataRoot = sha256(Buffer.concat([b(forkVersion), Buffer.alloc(28)]), Z32);
  const domain = Buffer.concat([b("0x03000000"), forkDataRoot.subarray(0, 28)]);
  const messageRoot = sha256(sha256(sha256(b(pubkey), Buffer.alloc(16)), b(wc)), sha256(le64(amountGwei), Z32));
  return sha256(messageRoot, domain);
}

/** hash_tree_root(BeaconBlockHeader) by hand: 5 fields padded to 8 chunks. */
function handHeaderRoot(hd: BeaconBlock["header"]): string {
  return merkleizeSha256([
    h(le64(hd.slot)),
    h(le64(hd.proposerIndex)),
    hd.parentRoot,
    hd.stateRoot,
    hd.bodyRoot,
    h(Z32),
    h(Z32),
    h(Z32),
  ]);
}

describe("TypeScript beacon chain (scripts/lib/beacon) against an independent BeaconChainProofs", function () {
  this.timeout(120_000);
  let libs: BeaconLibs;
  let base: BeaconChain; // validators 0-3 and 6 for POD (6 is 0x02 with 40 ETH), 4 for OTHER_POD, 5 never activated
  const wcPod = podWithdrawalCredentials(POD);

  before(async () => {
    libs = await loadBeaconLibs();
    base = await BeaconChain.create({ genesisTime: GENESIS });
    for (let k = 0; k < 4; k++) expect(base.deposit(k, wcPod, ETH32)).to.equal(k);
    expect(base.deposit(4, podWithdrawalCredentials(OTHER_POD), ETH32)).to.equal(4);
    expect(base.deposit(5, wcPod, ETH32)).to.equal(5);
    expect(base.deposit(6, podWithdrawalCredentials(POD, 2), 40_000_000_000)).to.equal(6);
    base.activate([0, 1, 2, 3, 4, 6], { atEpoch: 0 });
  });

  /** Seals the block an execution block at the next free timestamp sees, and posts its root. */
  const post = (chain: BeaconChain, roots: BeaconRoots): BeaconBlock => {
    const blk = chain.blockRoot(chain.nextTimestamp());
    roots.post(blk.timestamp, blk.root);
    return blk;
  };

  describe("deposits", () => {
    it("podDepositData: real BLS signature over the DepositMessage (mainnet deposit domain) and the deposit_data_root", async () => {
      const d = await podDepositData(POD, 0);
      expect(d.withdrawalCredentials).to.equal("0x01" + "00".repeat(11) + POD.slice(2));
      expect(d.amountGwei).to.equal(ETH32);
      expect(b(d.pubkey).length).to.equal(48);
      expect(b(d.signature).length).to.equal(96);
      expect(d.depositDataRoot).to.equal(handDepositDataRoot(d.pubkey, d.withdrawalCredentials, ETH32, d.signature));
      // the domain by hand equals mainnet's published deposit domain
      const forkDataRoot = sha256(Buffer.alloc(32), Z32);
      expect(h(Buffer.concat([b("0x03000000"), forkDataRoot.subarray(0, 28)]))).to.equal(MAINNET_DEPOSIT_DOMAIN);
      const bls = libs.bls12_381.longSignatures;
      const msg = bls.hash(handDepositSigningRoot(d.pubkey, d.withdrawalCredentials, ETH32, "0x00000000"), DST);
      expect(bls.verify(b(d.signature), msg, b(d.pubkey))).to.equal(true);
      // ... and not for another chain's domain (Hoodi's genesis fork version)
      const other = bls.hash(handDepositSigningRoot(d.pubkey, d.withdrawalCredentials, ETH32, "0x10000910"), DST);
      expect(bls.verify(b(d.signature), other, b(d.pubkey))).to.equal(false);
      // the same key gives the chain's validator 0
      expect(d.pubkey).to.equal(base.validator(0).pubkey);
    });

    it("the chain ignores a deposit signed for another domain, tops up a known key without a signature", async () => {
      const c = base.clone();
      const wrong = await podDepositData(POD, 7, { genesisForkVersion: "0x10000910" });
      expect(c.deposit(wrong)).to.equal(undefined);
      expect(c.validatorCount).to.equal(7);
      const right = await podDepositData(POD, 7);
      expect(c.deposit(right)).to.equal(7);
      expect(c.deposit({ ...right, amountGwei: 1_000_000_000, signature: "0x" + "00".repeat(96) })).to.equal(7);
      expect(c.balanceGwei(7)).to.equal(ETH32 + 1_000_000_000);
      const v = c.validator(7);
      expect(v.effectiveBalanceGwei).to.equal(ETH32);
      expect(v.activationEpoch).to.equal(FAR_FUTURE_EPOCH);
      expect(v.activationEligibilityEpoch).to.equal(1n);
    });
  });

  describe("proofs the pod checks, verified independently", () => {
    it("block header, state root proof and validator fields: layout by hand", () => {
      const c = base.clone();
      const blk = c.blockRoot(GENESIS + 12); // slot 1's execution block sees the block of slot 0
      expect(blk.slot).to.equal(0);
      expect(blk.root).to.equal(handHeaderRoot(blk.header));
      expect(blk.header.parentRoot).to.equal(h(Z32));
      verifyStateRoot(blk.root, blk.stateRootProof());
      expect(b(blk.stateRootProof().proof).length).to.equal(3 * 32);

      const f = blk.validatorFields(6);
      const v = base.validator(6);
      expect(f).to.deep.equal([
        h(sha256(b(v.pubkey), Buffer.alloc(16))),
        podWithdrawalCredentials(POD, 2),
        h(le64(40_000_000_000)),
        h(Z32),
        h(le64(0)),
        h(le64(0)),
        h(le64(FAR_FUTURE_EPOCH)),
        h(le64(FAR_FUTURE_EPOCH)),
      ]);
      const p = blk.validatorProof(6);
      expect(b(p.proof).length).to.equal(47 * 32);
      // sibling 40 is the validators list length mix-in: 7 validators
      expect(h(b(p.proof).subarray(40 * 32, 41 * 32))).to.equal(h(le64(7)));
      verifyValidatorFields("PECTRA", blk.stateRoot, p.validatorFields, p.proof, 6);
    });

    it("verifyWithdrawalCredentials: 5 validators of the pod credited at their effective balance", () => {
      const c = base.clone();
      const roots = new BeaconRoots();
      const blk = post(c, roots);
      const credited = podVerifyWithdrawalCredentials(
        roots,
        POD,
        "PECTRA",
        ...blk.verifyWithdrawalCredentialsArgs([0, 1, 2, 3, 6]),
      );
      expect(credited).to.equal(4n * 32_000_000_000n + 40_000_000_000n);
    });

    it("rewards, checkpoint proofs (4 balances per chunk, little-endian) and a partial withdrawal to the pod", () => {
      const c = base.clone();
      const roots = new BeaconRoots();
      expect(c.advanceEpochs(10)).to.deep.equal([]); // rewards stay in the balances until skimmed
      const blk = post(c, roots);
      expect(blk.slot).to.equal(320);
      const expected = [0, 1, 2, 3].map(() => BigInt(ETH32 + 10 * REWARD));
      // 40 ETH of effective balance earns 40/32 of the reward; the unactivated validator 5 earns nothing
      const all = [0, 1, 2, 3, 4, 5, 6];
      const balances = podVerifyCheckpointProofs(blk.root, "PECTRA", all, ...blk.verifyCheckpointProofsArgs(all));
      expect(balances).to.deep.equal([
        ...expected,
        BigInt(ETH32 + 10 * REWARD),
        BigInt(ETH32),
        BigInt(40_000_000_000 + 10 * ((REWARD * 40) / 32)),
      ]);
      // validators 4..6 share chunk 1: the lanes are little-endian uint64s
      const chunk = b(blk.balanceProof(5).balanceRoot);
      expect(chunk.readBigUInt64LE(8)).to.equal(BigInt(ETH32));
      expect(h(chunk)).to.equal(blk.balanceProof(4).balanceRoot);
      // the balance proof carries the validator's pubkey hash (field 0)
      expect(blk.balanceProof(2).pubkeyHash).to.equal(h(sha256(b(c.validator(2).pubkey), Buffer.alloc(16))));
      expect(pubkeyHash(c.validator(2).pubkey)).to.equal(blk.balanceProof(2).pubkeyHash);

      const skimmed = c.skim();
      expect(skimmed.map((w) => [w.validatorIndex, w.address, w.amountWei, w.kind])).to.deep.equal([
        ...[0, 1, 2, 3].map((i) => [i, POD, 10n * 14_000n * 10n ** 9n, "partial"]),
        [4, OTHER_POD, 10n * 14_000n * 10n ** 9n, "partial"],
      ]);
      expect(c.takeWithdrawals()).to.deep.equal(skimmed);
      expect(c.balanceGwei(0)).to.equal(ETH32);
    });

    it("beacon slash: balance cut, slashed flag, exit/withdrawable epochs; verifyStaleBalance proof accepted", () => {
      const c = base.clone();
      const roots = new BeaconRoots();
      c.advanceEpochs(3);
      const penalty = c.slash(2);
      expect(penalty).to.equal(ETH32 / 4096);
      const v = c.validator(2);
      expect([v.slashed, v.exitEpoch, v.withdrawableEpoch]).to.deep.equal([true, 3n + 5n, 3n + 8192n]);
      c.advanceEpochs(2); // slashed: no more rewards
      const blk = post(c, roots);
      const [ts, srp, vp] = blk.verifyStaleBalanceArgs(2);
      podVerifyStaleBalance(roots, "PECTRA", 2, ts, srp, vp);
      const [bal] = podVerifyCheckpointProofs(blk.root, "PECTRA", [2], ...blk.verifyCheckpointProofsArgs([2]));
      expect(bal).to.equal(BigInt(ETH32 + 3 * REWARD - ETH32 / 4096));
      // the unslashed neighbour is refused by verifyStaleBalance
      const [ts1, srp1, vp1] = blk.verifyStaleBalanceArgs(1);
      refusedWith(() => podVerifyStaleBalance(roots, "PECTRA", 1, ts1, srp1, vp1), "ValidatorNotSlashedOnBeaconChain");
      // a larger, caller-chosen penalty (e.g. the correlation penalty)
      const c2 = base.clone();
      expect(c2.slash(3, { penaltyGwei: 5_000_000_000 })).to.equal(5_000_000_000);
      c2.advanceEpochs(1);
      expect(c2.validator(3).effectiveBalanceGwei).to.equal(27_000_000_000); // hysteresis: floor to whole ETH
    });

    it("exit: spec delays then the sweep pays the full balance; immediate exit; balance proven 0", () => {
      const c = base.clone();
      c.advanceEpochs(1);
      expect(c.exit(0)).to.deep.equal([]);
      const v = c.validator(0);
      expect([v.exitEpoch, v.withdrawableEpoch]).to.deep.equal([6n, 6n + 256n]);
      expect(c.advanceEpochs(260)).to.deep.equal([]); // epoch 261: not yet withdrawable
      const paid = c.advanceEpochs(1); // the sweep at the start of epoch 262
      // rewards for epochs 0..5 (active until exit epoch 6)
      expect(paid.map((w) => [w.validatorIndex, w.address, w.amountGwei, w.kind])).to.deep.equal([
        [0, POD, ETH32 + 6 * REWARD, "full"],
      ]);
      expect(c.balanceGwei(0)).to.equal(0);

      const [w] = c.exit(1, { immediate: true });
      expect([w.validatorIndex, w.amountGwei, w.kind]).to.deep.equal([1, ETH32 + 262 * REWARD, "full"]);
      const roots = new BeaconRoots();
      const blk = post(c, roots);
      const proven = podVerifyCheckpointProofs(blk.root, "PECTRA", [0, 1], ...blk.verifyCheckpointProofsArgs([0, 1]));
      expect(proven).to.deep.equal([0n, 0n]);
      // an exiting validator's credentials cannot be verified
      refusedWith(
        () => podVerifyWithdrawalCredentials(roots, POD, "PECTRA", ...blk.verifyWithdrawalCredentialsArgs([1])),
        "ValidatorIsExitingBeaconChain",
      );
    });

    it("Deneb layout: 46/8 siblings, verified as DENEB against a Deneb root", async () => {
      const d = await BeaconChain.create({ genesisTime: GENESIS, fork: "deneb" });
      d.deposit(0, wcPod, ETH32);
      d.activate(0, { atEpoch: 0 });
      const roots = new BeaconRoots();
      const blk = post(d, roots);
      const [, , , proofs] = blk.verifyWithdrawalCredentialsArgs([0]);
      expect(b(proofs[0]).length).to.equal(46 * 32);
      expect(b(blk.balanceContainerProof().proof).length).to.equal(8 * 32);
      podVerifyWithdrawalCredentials(roots, POD, "DENEB", ...blk.verifyWithdrawalCredentialsArgs([0]));
      podVerifyCheckpointProofs(blk.root, "DENEB", [0], ...blk.verifyCheckpointProofsArgs([0]));
    });
  });

  describe("refusals", () => {
    it("a proof from a state differing from the posted root in one validator field", () => {
      const c = base.clone();
      const roots = new BeaconRoots();
      const real = post(c, roots);
      const forged = base.clone();
      forged.editValidator(3, { effectiveBalanceGwei: 2_048_000_000_000 }); // one field of one validator
      const fake = forged.blockRoot(real.timestamp);
      expect(fake.slot).to.equal(real.slot);
      expect(fake.root).to.not.equal(real.root);
      expect(fake.header.parentRoot).to.equal(real.header.parentRoot);
      expect(base.validator(3).effectiveBalanceGwei).to.equal(ETH32); // the copy did not touch the original
      // consistent in itself ...
      const selfRoots = new BeaconRoots();
      selfRoots.post(fake.timestamp, fake.root);
      podVerifyWithdrawalCredentials(selfRoots, POD, "PECTRA", ...fake.verifyWithdrawalCredentialsArgs([3]));
      // ... refused against the posted root, whole and with the real state root proof spliced in
      refusedWith(
        () => podVerifyWithdrawalCredentials(roots, POD, "PECTRA", ...fake.verifyWithdrawalCredentialsArgs([3])),
        "InvalidProof",
      );
      const [ts, , idx, proofs, fields] = fake.verifyWithdrawalCredentialsArgs([3]);
      refusedWith(
        () => podVerifyWithdrawalCredentials(roots, POD, "PECTRA", ts, real.stateRootProof(), idx, proofs, fields),
        "InvalidProof",
      );
      // the field edited in the real proof's leaves
      const p = real.validatorProof(3);
      const edited = [...p.validatorFields];
      edited[2] = h(le64(2_048_000_000_000));
      refusedWith(() => verifyValidatorFields("PECTRA", real.stateRoot, edited, p.proof, 3), "InvalidProof");
    });

    it("a wrong withdrawal credential", () => {
      const roots = new BeaconRoots();
      const blk = post(base.clone(), roots);
      // validator 4 points at another pod
      refusedWith(
        () => podVerifyWithdrawalCredentials(roots, POD, "PECTRA", ...blk.verifyWithdrawalCredentialsArgs([4])),
        "WithdrawalCredentialsNotForEigenPod",
      );
      podVerifyWithdrawalCredentials(roots, OTHER_POD, "PECTRA", ...blk.verifyWithdrawalCredentialsArgs([4]));
      // rewriting its credentials to this pod breaks the proof
      const [ts, srp, idx, proofs, fields] = blk.verifyWithdrawalCredentialsArgs([4]);
      const f = [...fields[0]];
      f[1] = wcPod;
      refusedWith(
        () => podVerifyWithdrawalCredentials(roots, POD, "PECTRA", ts, srp, idx, proofs, [f]),
        "InvalidProof",
      );
      // and a validator that was never activated
      refusedWith(
        () => podVerifyWithdrawalCredentials(roots, POD, "PECTRA", ...blk.verifyWithdrawalCredentialsArgs([5])),
        "ValidatorInactiveOnBeaconChain",
      );
    });

    it("a wrong validator index", () => {
      const roots = new BeaconRoots();
      const blk = post(base.clone(), roots);
      const [ts, srp, , proofs, fields] = blk.verifyWithdrawalCredentialsArgs([2]);
      refusedWith(
        () => podVerifyWithdrawalCredentials(roots, POD, "PECTRA", ts, srp, [3n], proofs, fields),
        "InvalidProof",
      );
      // a balance proof of another chunk
      const [container, [bp]] = blk.verifyCheckpointProofsArgs([6]);
      refusedWith(() => podVerifyCheckpointProofs(blk.root, "PECTRA", [2], container, [bp]), "InvalidProof");
      // within one chunk the proof holds and the stored index picks the lane
      const lane = blk.balanceProof(0);
      expect(getBalanceAtIndex(lane.balanceRoot, 1)).to.equal(BigInt(blk.balanceGwei(1)));
    });

    it("a stale root: proofs of an older block against the newer posted root", () => {
      const c = base.clone();
      const roots = new BeaconRoots();
      const old = post(c, roots);
      c.advanceEpochs(1);
      const now = post(c, roots);
      expect(now.header.parentRoot).to.equal(old.root);
      const [, oldSrp, idx, proofs, fields] = old.verifyWithdrawalCredentialsArgs([0]);
      refusedWith(
        () => podVerifyWithdrawalCredentials(roots, POD, "PECTRA", BigInt(now.timestamp), oldSrp, idx, proofs, fields),
        "InvalidProof",
      );
      refusedWith(
        () => podVerifyCheckpointProofs(now.root, "PECTRA", [0], ...old.verifyCheckpointProofsArgs([0])),
        "InvalidProof",
      );
      // the older block is immutable: its proofs still hold against its own root
      podVerifyCheckpointProofs(old.root, "PECTRA", [0], ...old.verifyCheckpointProofsArgs([0]));
      expect(old.balanceGwei(0)).to.equal(ETH32);
      expect(now.balanceGwei(0)).to.equal(ETH32 + REWARD);
      // an unposted timestamp
      refusedWith(
        () => podVerifyWithdrawalCredentials(roots, POD, "PECTRA", 1n, oldSrp, idx, proofs, fields),
        "InvalidEIP4788Response",
      );
    });

    it("a Deneb-layout proof against an Electra root", async () => {
      const e = base.clone();
      const roots = new BeaconRoots();
      const eBlk = post(e, roots);
      const d = await BeaconChain.create({ genesisTime: GENESIS, fork: "deneb" });
      for (let k = 0; k < 7; k++) d.deposit(k, k === 4 ? podWithdrawalCredentials(OTHER_POD) : wcPod, ETH32);
      d.activate([0, 1, 2, 3], { atEpoch: 0 });
      const dBlk = d.blockRoot(eBlk.timestamp);
      const [, dSrp, idx, dProofs, dFields] = dBlk.verifyWithdrawalCredentialsArgs([0]);
      // same validator, same fields: only the state layout differs
      expect(dFields).to.deep.equal(eBlk.verifyWithdrawalCredentialsArgs([0])[4]);
      const ts = BigInt(eBlk.timestamp);
      // after the fork timestamp the pod uses PECTRA: 46 siblings is the wrong length
      refusedWith(
        () => podVerifyWithdrawalCredentials(roots, POD, "PECTRA", ts, eBlk.stateRootProof(), idx, dProofs, dFields),
        "InvalidProofLength",
      );
      refusedWith(
        () => podVerifyCheckpointProofs(eBlk.root, "PECTRA", [0], ...dBlk.verifyCheckpointProofsArgs([0])),
        "InvalidProofLength",
      );
      // read as DENEB it does not reach the Electra root either
      refusedWith(
        () => podVerifyWithdrawalCredentials(roots, POD, "DENEB", ts, eBlk.stateRootProof(), idx, dProofs, dFields),
        "InvalidProof",
      );
      refusedWith(
        () => podVerifyWithdrawalCredentials(roots, POD, "DENEB", ts, dSrp, idx, dProofs, dFields),
        "InvalidProof",
      );
    });
  });

  describe("clock", () => {
    it("a timestamp sees the block of its parent slot; empty slots and epochs are processed up to it", () => {
      const c = base.clone();
      const t = GENESIS + 12 * 70 + 5; // slot 70: parent slot 69, two epoch boundaries crossed
      const blk = c.blockRoot(t);
      expect([blk.slot, blk.timestamp, c.slot, c.epoch]).to.deep.equal([69, t, 69, 2]);
      expect(blk.balanceGwei(0)).to.equal(ETH32 + 2 * REWARD);
      // another execution block in the same slot sees the same beacon block
      const again = c.blockRoot(t + 1);
      expect([again.root, again.timestamp]).to.deep.equal([blk.root, t + 1]);
      // a move after the seal goes into slot 70, which only a slot-71 execution block sees
      c.slash(1);
      expect(c.slot).to.equal(70);
      expect(() => c.blockRoot(t + 2)).to.throw(/cannot see it/);
      expect(c.nextTimestamp()).to.equal(GENESIS + 12 * 71);
      const next = c.blockRoot(c.nextTimestamp());
      expect([next.slot, next.header.parentRoot]).to.deep.equal([70, blk.root]);
      expect(next.validator(1).slashed).to.equal(true);
      expect(blk.validator(1).slashed).to.equal(false);
      expect(() => c.blockRoot(GENESIS + 5)).to.throw(/no parent beacon block/);
    });
  });

  describe("tied to the Hardhat chain", () => {
    it("slot clock from block timestamps; withdrawals moved to the pod with hardhat_setBalance", async () => {
      const latest = await time.latest();
      const c = await BeaconChain.create({ genesisTime: latest - 12 * 40 });
      const [signer] = await ethers.getSigners();
      const pod = await signer.getAddress();
      c.deposit(0, podWithdrawalCredentials(pod), ETH32);
      c.activate(0, { atEpoch: 0 });
      c.advanceEpochs(2);
      const ts = c.nextTimestamp();
      expect(ts).to.be.greaterThan(latest);
      await time.setNextBlockTimestamp(ts);
      await network.provider.send("evm_mine");
      const blk = c.blockRoot(await time.latest());
      expect(blk.slot).to.equal(c.slotAt(ts) - 1);
      expect(() => c.blockRoot(ts - 12)).to.throw(/cannot see it/);
      const before = await ethers.provider.getBalance(pod);
      const paid = c.skim();
      expect(paid.map((w) => w.amountWei)).to.deep.equal([2n * 14_000n * 10n ** 9n]);
      for (const w of c.takeWithdrawals()) {
        const bal = await ethers.provider.getBalance(w.address);
        await network.provider.send("hardhat_setBalance", [w.address, ethers.toQuantity(bal + w.amountWei)]);
      }
      expect((await ethers.provider.getBalance(pod)) - before).to.equal(28_000n * 10n ** 9n);
    });
  });
});

const DST = "BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";
