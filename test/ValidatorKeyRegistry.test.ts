import { randomBytes } from "node:crypto";
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress, concat, dataSlice, hexlify, parseEther, sha256, type Signer } from "ethers";
import { DepositDataHarness__factory, ValidatorKeyRegistry__factory } from "../typechain-types";
import type { DepositDataHarness } from "../typechain-types";
import {
  depositDataRoot,
  loadBeaconLibs,
  podWithdrawalCredentials,
  pubkeyHash,
  type BeaconLibs,
} from "../scripts/lib/beacon";
import {
  KeyStatus,
  checkKeyQueue,
  keyCommitment,
  lastKeyHashes,
  nextKeys,
  readKeyQueue,
  type Key,
} from "../scripts/lib/keys";
import { deployKeyRegistryFixture, type KeyRegistryFixture } from "./fixtures/keys";
import { deployProxy } from "./fixtures/vault";
import { expectUpgradeSafe } from "./helpers/upgrades";
import { shouldBehaveLikeInitializeOnce, shouldBehaveLikeRestricted, shouldBehaveLikeUUPS } from "./common/behaviours";

const IMPLEMENTATION_SLOT = "0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc";
/** `IValidatorKeyRegistry.MAX_BATCH`, restated. */
const MAX_BATCH = 100;
const STAKE_GWEI = 32_000_000_000;

/** A copy of `key` with one field replaced. */
const withField = (key: Key, patch: Partial<Key>): Key => ({ ...key, ...patch });
/** `hex` with the byte at `i` flipped. */
function flipByte(hex: string, i: number): string {
  const b = ethers.getBytes(hex);
  b[i] ^= 0xff;
  return hexlify(b);
}
const hashOf = (k: Key): string => pubkeyHash(k.pubkey);

/**
 * Everything the registry stores that a test can watch: per delegator its node operator, counts and the commitments
 * at the first indexes; per key of the chain's first deterministic keys its record. A refusal must leave it equal.
 */
async function registryState(f: KeyRegistryFixture): Promise<unknown[]> {
  const { registry, signers, chain } = f;
  const out: unknown[] = [];
  for (const d of [signers.delegatorA, signers.delegatorB, signers.delegatorC]) {
    out.push(await registry.nodeOperatorOf(d), [...(await registry.keyCounts(d))]);
    for (let i = 0; i < 8; i++) out.push(await registry.commitmentOf(d, i));
  }
  for (let i = 0; i < 12; i++) out.push([...(await registry.keyOf(pubkeyHash(chain.key(i).pubkey)))]);
  return out;
}

/** Runs `refusal` (an assertion that a call reverts) and checks that the registry's state did not move. */
async function refusesWithoutChange(f: KeyRegistryFixture, refusal: () => Promise<void>): Promise<void> {
  const before = await registryState(f);
  await refusal();
  expect(await registryState(f)).to.deep.equal(before);
}

describe("DepositData", function () {
  let libs: BeaconLibs;
  before(async function () {
    libs = await loadBeaconLibs();
  });

  async function harnessFixture() {
    const f = await deployKeyRegistryFixture();
    const harness = await new DepositDataHarness__factory(f.signers.admin).deploy();
    return { ...f, harness };
  }

  it("root is hash_tree_root(DepositData) of @chainsafe/ssz for real BLS deposits (pods, 0x02, any amount)", async function () {
    const { harness, chain, podA, podB } = await loadFixture(harnessFixture);
    const cases: [number, string, number][] = [
      [0, podWithdrawalCredentials(podA), STAKE_GWEI],
      [1, podWithdrawalCredentials(podB), STAKE_GWEI],
      [2, podWithdrawalCredentials(podA, 2), 2_048_000_000_000],
      [3, podWithdrawalCredentials(podA), 1_000_000_000],
    ];
    for (const [key, credentials, amount] of cases) {
      const d = chain.depositData(key, credentials, amount);
      expect(await harness.root(d.pubkey, d.signature, credentials, amount)).to.equal(d.depositDataRoot);
    }
  });

  it("root equals the SSZ root for arbitrary bytes and amounts at the uint64 edges", async function () {
    const { harness } = await loadFixture(harnessFixture);
    // DepositData with the amount as a bigint uint64 (lodestar's type takes a JS number, exact only below 2^53).
    const { ContainerType, ByteVectorType, UintBigintType } = libs.ssz;
    const DepositDataBig = new ContainerType({
      pubkey: new ByteVectorType(48),
      withdrawalCredentials: new ByteVectorType(32),
      amount: new UintBigintType(8),
      signature: new ByteVectorType(96),
    });
    const amounts = [0n, 1n, 255n, 256n, 0x0102030405060708n, 2n ** 53n + 1n, 2n ** 64n - 1n];
    for (let i = 0; i < 12; i++) {
      const pubkey = hexlify(randomBytes(48));
      const signature = hexlify(randomBytes(96));
      const credentials = hexlify(randomBytes(32));
      const amount = i < amounts.length ? amounts[i] : BigInt("0x" + randomBytes(8).toString("hex"));
      const expected = DepositDataBig.hashTreeRoot({
        pubkey: ethers.getBytes(pubkey),
        withdrawalCredentials: ethers.getBytes(credentials),
        amount,
        signature: ethers.getBytes(signature),
      });
      expect(await harness.root(pubkey, signature, credentials, amount)).to.equal(hexlify(expected));
    }
  });

  it("pubkeyHash is sha256(pubkey || 16 zero bytes) and podCredentials is 0x01 || 0^11 || pod", async function () {
    const { harness, chain, podA } = await loadFixture(harnessFixture);
    const pubkey = chain.key(7).pubkey;
    expect(await harness.pubkeyHash(pubkey)).to.equal(sha256(concat([pubkey, new Uint8Array(16)])));
    expect(await harness.pubkeyHash(pubkey)).to.equal(pubkeyHash(pubkey));
    expect(await harness.podCredentials(podA)).to.equal(podWithdrawalCredentials(podA));
    expect(dataSlice(await harness.podCredentials(podA), 0, 12)).to.equal("0x010000000000000000000000");
    expect(await harness.stakeGwei()).to.equal(BigInt(STAKE_GWEI));
  });

  it("the deposit contract accepts a deposit with the library's root and refuses it for another amount", async function () {
    const { harness, chain, pods, podA, signers } = await loadFixture(harnessFixture);
    const wc = podWithdrawalCredentials(podA);
    const { pubkey, signature } = chain.depositData(4, wc, STAKE_GWEI);
    const root = await harness.root(pubkey, signature, wc, STAKE_GWEI);
    const deposits = pods.depositContract.connect(signers.stranger);
    await expect(deposits.deposit(pubkey, wc, signature, root, { value: parseEther("32") }))
      .to.emit(pods.depositContract, "DepositEvent")
      .withArgs(pubkey, wc, "0x0040597307000000", signature, "0x0000000000000000");
    const oneEthRoot = await harness.root(pubkey, signature, wc, 1_000_000_000);
    await expect(deposits.deposit(pubkey, wc, signature, oneEthRoot, { value: parseEther("32") })).to.be.revertedWith(
      "DepositContract: reconstructed DepositData does not match supplied deposit_data_root",
    );
    await expect(deposits.deposit(pubkey, wc, signature, oneEthRoot, { value: parseEther("1") })).to.emit(
      pods.depositContract,
      "DepositEvent",
    );
  });

  it("refuses a public key that is not 48 bytes or a signature that is not 96 (DepositDataBadLength)", async function () {
    const { harness, chain } = await loadFixture(harnessFixture);
    const pk = chain.key(0).pubkey;
    const sig = hexlify(randomBytes(96));
    const wc = hexlify(randomBytes(32));
    const refuse = (h: DepositDataHarness, p: Promise<unknown>, a: number, b: number) =>
      expect(p).to.be.revertedWithCustomError(h, "DepositDataBadLength").withArgs(a, b);
    await refuse(harness, harness.root(dataSlice(pk, 0, 47), sig, wc, STAKE_GWEI), 47, 96);
    await refuse(harness, harness.root(concat([pk, "0x00"]), sig, wc, STAKE_GWEI), 49, 96);
    await refuse(harness, harness.root(pk, dataSlice(sig, 0, 95), wc, STAKE_GWEI), 48, 95);
    await refuse(harness, harness.root(pk, concat([sig, "0x00"]), wc, STAKE_GWEI), 48, 97);
    await refuse(harness, harness.pubkeyHash(dataSlice(pk, 1)), 47, 96);
  });
});

describe("ValidatorKeyRegistry", function () {
  let libs: BeaconLibs;
  before(async function () {
    libs = await loadBeaconLibs();
  });

  /** The fixture, plus three keys (0, 1, 2) queued for delegator A by its node operator. */
  async function queuedFixture() {
    const f = await deployKeyRegistryFixture();
    const keys = f.keysFor([0, 1, 2]);
    await f.registry.connect(f.signers.operatorA).submitKeys(f.signers.delegatorA, keys);
    return { ...f, keys };
  }

  describe("attacks and refusals", function () {
    it("only the delegator's node operator submits: a stranger, another delegator's operator, no operator", async function () {
      const f = await loadFixture(deployKeyRegistryFixture);
      const { registry, signers } = f;
      const keys = f.keysFor([0]);
      const cases: [Signer, string, string][] = [
        [signers.stranger, signers.delegatorA.address, signers.operatorA.address],
        [signers.operatorB, signers.delegatorA.address, signers.operatorA.address],
        [signers.manager, signers.delegatorA.address, signers.operatorA.address],
        [signers.admin, signers.delegatorA.address, signers.operatorA.address],
        [signers.operatorA, signers.delegatorC.address, ZeroAddress],
        [signers.stranger, signers.delegatorC.address, ZeroAddress],
      ];
      for (const [caller, delegator, nodeOperator] of cases) {
        await refusesWithoutChange(f, () =>
          expect(registry.connect(caller).submitKeys(delegator, keys))
            .to.be.revertedWithCustomError(registry, "ValidatorKeyRegistryNotNodeOperator")
            .withArgs(caller, delegator, nodeOperator),
        );
      }
      // A zero caller cannot exist, but a delegator with no operator is not open to the zero address either.
      await refusesWithoutChange(f, async () => {
        const data = registry.interface.encodeFunctionData("submitKeys", [signers.delegatorC.address, keys]);
        await expect(ethers.provider.call({ to: await registry.getAddress(), from: ZeroAddress, data }))
          .to.be.revertedWithCustomError(registry, "ValidatorKeyRegistryNotNodeOperator")
          .withArgs(ZeroAddress, signers.delegatorC.address, ZeroAddress);
      });
    });

    it("refuses keys of the wrong length, naming the position, and stores nothing of the batch", async function () {
      const f = await loadFixture(deployKeyRegistryFixture);
      const { registry, signers } = f;
      const [good, k] = f.keysFor([0, 1]);
      const bad: [Key, number, number][] = [
        [withField(k, { pubkey: dataSlice(k.pubkey, 0, 47) }), 47, 96],
        [withField(k, { pubkey: concat([k.pubkey, "0x00"]) }), 49, 96],
        [withField(k, { pubkey: "0x" }), 0, 96],
        [withField(k, { signature: dataSlice(k.signature, 0, 95) }), 48, 95],
        [withField(k, { signature: concat([k.signature, "0x00"]) }), 48, 97],
        [withField(k, { pubkey: concat([k.pubkey, k.pubkey]), signature: "0x" }), 96, 0],
      ];
      for (const [key, pl, sl] of bad) {
        await refusesWithoutChange(f, () =>
          expect(registry.connect(signers.operatorA).submitKeys(signers.delegatorA, [good, key]))
            .to.be.revertedWithCustomError(registry, "ValidatorKeyRegistryBadKeyLength")
            .withArgs(1, pl, sl),
        );
      }
    });

    it("refuses a root for another pod's credentials: a key cannot send ETH anywhere but the delegator's pod", async function () {
      const f = await loadFixture(deployKeyRegistryFixture);
      const { registry, signers, podA, podB } = f;
      // Signed (and rooted) for B's pod, submitted for A; then for an outside address; then as 0x02 credentials of A.
      const elsewhere = [
        f.keysFor([3], podB)[0],
        f.keysFor([3], "0x" + "66".repeat(20))[0],
        (() => {
          const d = f.chain.depositData(3, podWithdrawalCredentials(podA, 2), STAKE_GWEI);
          return { pubkey: d.pubkey, signature: d.signature, depositDataRoot: d.depositDataRoot };
        })(),
      ];
      for (const key of elsewhere) {
        const expected = depositDataRoot(libs, key.pubkey, podWithdrawalCredentials(podA), STAKE_GWEI, key.signature);
        expect(expected).to.not.equal(key.depositDataRoot);
        await refusesWithoutChange(f, () =>
          expect(registry.connect(signers.operatorA).submitKeys(signers.delegatorA, [key]))
            .to.be.revertedWithCustomError(registry, "ValidatorKeyRegistryBadDepositDataRoot")
            .withArgs(hashOf(key), key.depositDataRoot, expected),
        );
      }
    });

    it("refuses a root for a 1-ETH deposit, a root that belongs to another signature, and a made-up root", async function () {
      const f = await loadFixture(deployKeyRegistryFixture);
      const { registry, signers, podA } = f;
      const wc = podWithdrawalCredentials(podA);
      const oneEth = f.chain.depositData(3, wc, 1_000_000_000);
      const [k3, k4] = f.keysFor([3, 4]);
      const cases: Key[] = [
        { pubkey: oneEth.pubkey, signature: oneEth.signature, depositDataRoot: oneEth.depositDataRoot },
        withField(k3, { signature: k4.signature }), // the root still commits to k3's own signature
        withField(k3, { depositDataRoot: k4.depositDataRoot }),
        withField(k3, { depositDataRoot: ethers.ZeroHash }),
      ];
      for (const key of cases) {
        const expected = depositDataRoot(libs, key.pubkey, wc, STAKE_GWEI, key.signature);
        await refusesWithoutChange(f, () =>
          expect(registry.connect(signers.operatorA).submitKeys(signers.delegatorA, [k4, key]))
            .to.be.revertedWithCustomError(registry, "ValidatorKeyRegistryBadDepositDataRoot")
            .withArgs(hashOf(key), key.depositDataRoot, expected),
        );
      }
    });

    it("refuses a public key twice in one batch, and a key queued for one delegator submitted for another", async function () {
      const f = await loadFixture(queuedFixture);
      const { registry, signers, keys, podB } = f;
      const [k5] = f.keysFor([5]);
      await refusesWithoutChange(f, () =>
        expect(registry.connect(signers.operatorA).submitKeys(signers.delegatorA, [k5, keys[0]]))
          .to.be.revertedWithCustomError(registry, "ValidatorKeyRegistryKeyExists")
          .withArgs(hashOf(keys[0])),
      );
      await refusesWithoutChange(f, () =>
        expect(registry.connect(signers.operatorA).submitKeys(signers.delegatorA, [k5, k5]))
          .to.be.revertedWithCustomError(registry, "ValidatorKeyRegistryKeyExists")
          .withArgs(hashOf(k5)),
      );
      // Key 0, properly signed and rooted for B's pod: still refused (a second deposit would top up A's validator).
      const [k0forB] = f.keysFor([0], podB);
      await refusesWithoutChange(f, () =>
        expect(registry.connect(signers.operatorB).submitKeys(signers.delegatorB, [k0forB]))
          .to.be.revertedWithCustomError(registry, "ValidatorKeyRegistryKeyExists")
          .withArgs(hashOf(k0forB)),
      );
    });

    it("refuses an empty batch and a batch over MAX_BATCH, for submit, consume and remove", async function () {
      const f = await loadFixture(queuedFixture);
      const { registry, signers, keys } = f;
      expect(await registry.MAX_BATCH()).to.equal(BigInt(MAX_BATCH));
      const op = registry.connect(signers.operatorA);
      const mgr = registry.connect(signers.manager);
      const d = signers.delegatorA;
      const many = Array.from({ length: MAX_BATCH + 1 }, () => keys[0]);
      const manyHashes = many.map(hashOf);
      const empty = [() => op.submitKeys(d, []), () => mgr.consumeKeys(d, []), () => op.removeKeys(d, [])];
      for (const call of empty) {
        await refusesWithoutChange(f, () =>
          expect(call()).to.be.revertedWithCustomError(registry, "ValidatorKeyRegistryEmptyBatch"),
        );
      }
      const over = [() => op.submitKeys(d, many), () => mgr.consumeKeys(d, many), () => op.removeKeys(d, manyHashes)];
      for (const call of over) {
        await refusesWithoutChange(f, () =>
          expect(call())
            .to.be.revertedWithCustomError(registry, "ValidatorKeyRegistryBatchTooLarge")
            .withArgs(MAX_BATCH + 1, MAX_BATCH),
        );
      }
    });

    it("only the restaking manager consumes keys", async function () {
      const f = await loadFixture(queuedFixture);
      const { registry, signers, keys } = f;
      for (const caller of [signers.stranger, signers.operatorA, signers.admin, signers.delegatorA]) {
        await refusesWithoutChange(f, () =>
          expect(registry.connect(caller).consumeKeys(signers.delegatorA, [keys[0]]))
            .to.be.revertedWithCustomError(registry, "ValidatorKeyRegistryOnlyManager")
            .withArgs(caller, signers.manager),
        );
      }
    });

    it("refuses keys out of order, another delegator's keys, and a queued key with any byte altered", async function () {
      const f = await loadFixture(queuedFixture);
      const { registry, signers, keys } = f;
      const [kB] = f.keysFor([6], f.podB);
      await registry.connect(signers.operatorB).submitKeys(signers.delegatorB, [kB]);
      const mgr = registry.connect(signers.manager);
      const A = signers.delegatorA.address;
      const [k0, k1, k2] = keys;
      const cases: [Key[], number][] = [
        [[k1], 0], // the second key first
        [[k0, k2], 1], // a key skipped
        [[k0, k0], 1], // the same key twice
        [[kB], 0], // B's next key, for A
        [[withField(k0, { signature: flipByte(k0.signature, 95) })], 0],
        [[withField(k0, { signature: k1.signature })], 0],
        [[withField(k0, { pubkey: flipByte(k0.pubkey, 0) })], 0],
        [[withField(k0, { depositDataRoot: k1.depositDataRoot })], 0],
        [[k0, withField(k1, { signature: concat([k1.signature, "0x00"]) })], 1], // the lengths are committed too
      ];
      for (const [batch, index] of cases) {
        await refusesWithoutChange(f, () =>
          expect(mgr.consumeKeys(A, batch))
            .to.be.revertedWithCustomError(registry, "ValidatorKeyRegistryKeyMismatch")
            .withArgs(A, index),
        );
      }
    });

    it("refuses to consume more keys than are queued", async function () {
      const f = await loadFixture(queuedFixture);
      const { registry, signers, keys } = f;
      const mgr = registry.connect(signers.manager);
      const [k3] = f.keysFor([3]);
      await refusesWithoutChange(f, () =>
        expect(mgr.consumeKeys(signers.delegatorA, [...keys, k3]))
          .to.be.revertedWithCustomError(registry, "ValidatorKeyRegistryNotEnoughKeys")
          .withArgs(signers.delegatorA, 4, 3),
      );
      await refusesWithoutChange(f, () =>
        expect(mgr.consumeKeys(signers.delegatorC, [keys[0]]))
          .to.be.revertedWithCustomError(registry, "ValidatorKeyRegistryNotEnoughKeys")
          .withArgs(signers.delegatorC, 1, 0),
      );
      await mgr.consumeKeys(signers.delegatorA, keys);
      await refusesWithoutChange(f, () =>
        expect(mgr.consumeKeys(signers.delegatorA, [keys[0]]))
          .to.be.revertedWithCustomError(registry, "ValidatorKeyRegistryNotEnoughKeys")
          .withArgs(signers.delegatorA, 1, 0),
      );
    });

    it("a key is used once, ever: neither a used nor a removed key may be submitted again, for anyone", async function () {
      const f = await loadFixture(queuedFixture);
      const { registry, signers, keys } = f;
      const A = signers.delegatorA;
      await registry.connect(signers.manager).consumeKeys(A, [keys[0]]);
      await registry.connect(signers.operatorA).removeKeys(A, [hashOf(keys[2])]);
      expect((await registry.keyOf(hashOf(keys[0])))[2]).to.equal(KeyStatus.Used);
      expect((await registry.keyOf(hashOf(keys[2])))[2]).to.equal(KeyStatus.Removed);
      for (const key of [keys[0], keys[2]]) {
        await refusesWithoutChange(f, () =>
          expect(registry.connect(signers.operatorA).submitKeys(A, [key]))
            .to.be.revertedWithCustomError(registry, "ValidatorKeyRegistryKeyExists")
            .withArgs(hashOf(key)),
        );
      }
      // Nor for another delegator, with a root for its own pod.
      await registry.setNodeOperator(signers.delegatorC, signers.operatorB);
      const podC = await f.pods.eigenPodManager.getPod(signers.delegatorC);
      for (const key of f.keysFor([0, 2], podC)) {
        await refusesWithoutChange(f, () =>
          expect(registry.connect(signers.operatorB).submitKeys(signers.delegatorC, [key]))
            .to.be.revertedWithCustomError(registry, "ValidatorKeyRegistryKeyExists")
            .withArgs(hashOf(key)),
        );
      }
    });

    it("only the node operator removes, only the last queued keys, named in queue order", async function () {
      const f = await loadFixture(queuedFixture);
      const { registry, signers, keys } = f;
      const A = signers.delegatorA.address;
      const [h0, h1, h2] = keys.map(hashOf);
      for (const caller of [signers.stranger, signers.operatorB, signers.manager, signers.admin]) {
        await refusesWithoutChange(f, () =>
          expect(registry.connect(caller).removeKeys(A, [h2]))
            .to.be.revertedWithCustomError(registry, "ValidatorKeyRegistryNotNodeOperator")
            .withArgs(caller, A, signers.operatorA),
        );
      }
      const [kB] = f.keysFor([6], f.podB);
      await registry.connect(signers.operatorB).submitKeys(signers.delegatorB, [kB]);
      const [k9] = f.keysFor([9]); // never submitted
      const op = registry.connect(signers.operatorA);
      const cases: [string[], number][] = [
        [[h1], 2], // not the last key
        [[h2, h1], 1], // the last two, in the wrong order
        [[h1, h1], 2], // the first names index 1 rightly, the second is not index 2
        [[hashOf(kB)], 2], // B's key
        [[hashOf(k9)], 2],
        [[ethers.ZeroHash], 2],
      ];
      for (const [hashes, index] of cases) {
        await refusesWithoutChange(f, () =>
          expect(op.removeKeys(A, hashes))
            .to.be.revertedWithCustomError(registry, "ValidatorKeyRegistryKeyMismatch")
            .withArgs(A, index),
        );
      }
      await refusesWithoutChange(f, () =>
        expect(op.removeKeys(A, [h0, h1, h2, h2]))
          .to.be.revertedWithCustomError(registry, "ValidatorKeyRegistryNotEnoughKeys")
          .withArgs(A, 4, 3),
      );
      // A used key is not queued any more: it cannot be removed, even when named as the only key left before it.
      await registry.connect(signers.manager).consumeKeys(A, [keys[0]]);
      await refusesWithoutChange(f, () =>
        expect(op.removeKeys(A, [h0, h1, h2]))
          .to.be.revertedWithCustomError(registry, "ValidatorKeyRegistryNotEnoughKeys")
          .withArgs(A, 3, 2),
      );
      await refusesWithoutChange(f, () =>
        expect(op.removeKeys(A, [h0, h1]))
          .to.be.revertedWithCustomError(registry, "ValidatorKeyRegistryKeyMismatch")
          .withArgs(A, 1),
      );
      // A replaced node operator can no longer remove (nor submit).
      await registry.setNodeOperator(A, signers.operatorB);
      await refusesWithoutChange(f, () =>
        expect(op.removeKeys(A, [h2]))
          .to.be.revertedWithCustomError(registry, "ValidatorKeyRegistryNotNodeOperator")
          .withArgs(signers.operatorA, A, signers.operatorB),
      );
    });

    it("refuses zero addresses: links, authority, delegator", async function () {
      const f = await loadFixture(deployKeyRegistryFixture);
      const { registry, signers, pods, accessManager } = f;
      const factory = new ValidatorKeyRegistry__factory(signers.admin);
      await expect(factory.deploy(ZeroAddress, pods.eigenPodManager)).to.be.revertedWithCustomError(
        registry,
        "ValidatorKeyRegistryZeroAddress",
      );
      await expect(factory.deploy(signers.manager, ZeroAddress)).to.be.revertedWithCustomError(
        registry,
        "ValidatorKeyRegistryZeroAddress",
      );
      const implementation = await factory.deploy(signers.manager, pods.eigenPodManager);
      const init = implementation.interface.encodeFunctionData("initialize", [ZeroAddress]);
      await expect(deployProxy(signers.admin, await implementation.getAddress(), init)).to.be.revertedWithCustomError(
        registry,
        "ValidatorKeyRegistryZeroAddress",
      );
      await refusesWithoutChange(f, () =>
        expect(registry.setNodeOperator(ZeroAddress, signers.operatorA)).to.be.revertedWithCustomError(
          registry,
          "ValidatorKeyRegistryZeroAddress",
        ),
      );
      expect(await registry.authority()).to.equal(await accessManager.getAddress());
    });
  });

  describe("the queue", function () {
    it("sets, replaces and removes a node operator (admin)", async function () {
      const f = await loadFixture(deployKeyRegistryFixture);
      const { registry, signers } = f;
      const C = signers.delegatorC;
      expect(await registry.nodeOperatorOf(C)).to.equal(ZeroAddress);
      await expect(registry.setNodeOperator(C, signers.operatorA))
        .to.emit(registry, "NodeOperatorSet")
        .withArgs(C, ZeroAddress, signers.operatorA);
      await expect(registry.setNodeOperator(C, signers.operatorB))
        .to.emit(registry, "NodeOperatorSet")
        .withArgs(C, signers.operatorA, signers.operatorB);
      expect(await registry.nodeOperatorOf(C)).to.equal(signers.operatorB.address);
      await expect(registry.setNodeOperator(C, ZeroAddress))
        .to.emit(registry, "NodeOperatorSet")
        .withArgs(C, signers.operatorB, ZeroAddress);
      expect(await registry.nodeOperatorOf(C)).to.equal(ZeroAddress);
    });

    it("submitting queues each key with its commitment and record, and the event carries the whole key", async function () {
      const f = await loadFixture(deployKeyRegistryFixture);
      const { registry, signers, podA } = f;
      const A = signers.delegatorA;
      expect(await registry.credentialsOf(A)).to.equal(podWithdrawalCredentials(podA));
      expect(await registry.links()).to.deep.equal([
        signers.manager.address,
        await f.pods.eigenPodManager.getAddress(),
      ]);
      const keys = f.keysFor([0, 1, 2]);
      const tx = registry.connect(signers.operatorA).submitKeys(A, keys);
      for (const [i, k] of keys.entries()) {
        await expect(tx)
          .to.emit(registry, "KeySubmitted")
          .withArgs(A, i, hashOf(k), k.pubkey, k.signature, k.depositDataRoot);
      }
      expect(await registry.keyCounts(A)).to.deep.equal([0n, 3n]);
      for (const [i, k] of keys.entries()) {
        expect(await registry.commitmentOf(A, i)).to.equal(keyCommitment(k));
        expect(await registry.keyOf(hashOf(k))).to.deep.equal([A.address, BigInt(i), BigInt(KeyStatus.Queued)]);
      }
      expect(await registry.commitmentOf(A, 3)).to.equal(ethers.ZeroHash);
      // A second batch goes after the first.
      const more = f.keysFor([3, 4]);
      await expect(registry.connect(signers.operatorA).submitKeys(A, more))
        .to.emit(registry, "KeySubmitted")
        .withArgs(A, 4, hashOf(more[1]), more[1].pubkey, more[1].signature, more[1].depositDataRoot);
      expect(await registry.keyCounts(A)).to.deep.equal([0n, 5n]);
      expect(await registry.keyOf(hashOf(f.keysFor([5])[0]))).to.deep.equal([ZeroAddress, 0n, 0n]);
    });

    it("consuming takes the next keys in order, returns their pubkey hashes and marks them used", async function () {
      const f = await loadFixture(queuedFixture);
      const { registry, signers, keys } = f;
      const A = signers.delegatorA.address;
      const mgr = registry.connect(signers.manager);
      const hashes = keys.map(hashOf);
      expect(await mgr.consumeKeys.staticCall(A, keys.slice(0, 2))).to.deep.equal(hashes.slice(0, 2));
      await expect(mgr.consumeKeys(A, keys.slice(0, 2)))
        .to.emit(registry, "KeysConsumed")
        .withArgs(A, 0, hashes.slice(0, 2));
      expect(await registry.keyCounts(A)).to.deep.equal([2n, 1n]);
      expect(await registry.commitmentOf(A, 0)).to.equal(ethers.ZeroHash);
      expect(await registry.commitmentOf(A, 1)).to.equal(ethers.ZeroHash);
      expect(await registry.commitmentOf(A, 2)).to.equal(keyCommitment(keys[2]));
      expect(await registry.keyOf(hashes[1])).to.deep.equal([A, 1n, BigInt(KeyStatus.Used)]);
      await expect(mgr.consumeKeys(A, [keys[2]]))
        .to.emit(registry, "KeysConsumed")
        .withArgs(A, 2, [hashes[2]]);
      expect(await registry.keyCounts(A)).to.deep.equal([3n, 0n]);
      // New keys continue after the used ones.
      const [k3] = f.keysFor([3]);
      await expect(registry.connect(signers.operatorA).submitKeys(A, [k3]))
        .to.emit(registry, "KeySubmitted")
        .withArgs(A, 3, hashOf(k3), k3.pubkey, k3.signature, k3.depositDataRoot);
    });

    it("removing drops the last keys, marks them removed, and the next submission takes their indexes", async function () {
      const f = await loadFixture(queuedFixture);
      const { registry, signers, keys } = f;
      const A = signers.delegatorA.address;
      const op = registry.connect(signers.operatorA);
      const hashes = keys.map(hashOf);
      await expect(op.removeKeys(A, hashes.slice(1)))
        .to.emit(registry, "KeysRemoved")
        .withArgs(A, signers.operatorA, 1, hashes.slice(1));
      expect(await registry.keyCounts(A)).to.deep.equal([0n, 1n]);
      expect(await registry.commitmentOf(A, 1)).to.equal(ethers.ZeroHash);
      expect(await registry.commitmentOf(A, 2)).to.equal(ethers.ZeroHash);
      expect(await registry.keyOf(hashes[2])).to.deep.equal([A, 2n, BigInt(KeyStatus.Removed)]);
      const fresh = f.keysFor([3, 4]);
      await op.submitKeys(A, fresh);
      expect(await registry.keyCounts(A)).to.deep.equal([0n, 3n]);
      expect(await registry.commitmentOf(A, 1)).to.equal(keyCommitment(fresh[0]));
      expect(await registry.keyOf(hashOf(fresh[0]))).to.deep.equal([A, 1n, BigInt(KeyStatus.Queued)]);
      // The removed key's record keeps its index (now another key's) and its status.
      expect(await registry.keyOf(hashes[1])).to.deep.equal([A, 1n, BigInt(KeyStatus.Removed)]);
      // Consumption goes on through the new keys.
      await registry.connect(signers.manager).consumeKeys(A, [keys[0], ...fresh]);
      expect(await registry.keyCounts(A)).to.deep.equal([3n, 0n]);
    });

    it("the admin removes a replaced operator's keys; the new operator may too, and submits its own", async function () {
      const f = await loadFixture(queuedFixture);
      const { registry, signers, keys } = f;
      const A = signers.delegatorA.address;
      await registry.setNodeOperator(A, signers.operatorB);
      const hashes = keys.map(hashOf);
      await expect(registry.adminRemoveKeys(A, hashes.slice(2)))
        .to.emit(registry, "KeysRemoved")
        .withArgs(A, signers.admin, 2, hashes.slice(2));
      await expect(registry.connect(signers.operatorB).removeKeys(A, hashes.slice(0, 2)))
        .to.emit(registry, "KeysRemoved")
        .withArgs(A, signers.operatorB, 0, hashes.slice(0, 2));
      expect(await registry.keyCounts(A)).to.deep.equal([0n, 0n]);
      const fresh = f.keysFor([7]);
      await registry.connect(signers.operatorB).submitKeys(A, fresh);
      expect(await registry.keyOf(hashOf(fresh[0]))).to.deep.equal([A, 0n, BigInt(KeyStatus.Queued)]);
    });

    it("a consumed key stakes through the EigenPodManager into the delegator's pod and nowhere else", async function () {
      const f = await loadFixture(queuedFixture);
      const { registry, signers, keys, pods, chain, podA } = f;
      const A = signers.delegatorA;
      await registry.connect(signers.manager).consumeKeys(A, [keys[0]]);
      const k = keys[0];
      // Another pod owner cannot stake it: its pod's credentials do not match the root.
      await expect(
        pods.eigenPodManager
          .connect(signers.delegatorB)
          .stake(k.pubkey, k.signature, k.depositDataRoot, { value: parseEther("32") }),
      ).to.be.revertedWith("DepositContract: reconstructed DepositData does not match supplied deposit_data_root");
      await expect(
        pods.eigenPodManager.connect(A).stake(k.pubkey, k.signature, k.depositDataRoot, { value: parseEther("32") }),
      )
        .to.emit(pods.depositContract, "DepositEvent")
        .withArgs(k.pubkey, podWithdrawalCredentials(podA), "0x0040597307000000", k.signature, "0x0000000000000000");
      // The beacon chain takes it: the BLS signature verifies, a validator with the pod's credentials appears.
      const index = chain.deposit({
        ...k,
        withdrawalCredentials: podWithdrawalCredentials(podA),
        amountGwei: STAKE_GWEI,
      });
      expect(index).to.not.equal(undefined);
      expect(chain.validator(index!).withdrawalCredentials).to.equal(podWithdrawalCredentials(podA));
    });
  });

  describe("scripts/lib/keys.ts", function () {
    it("rebuilds each delegator's queue from events alone, and its next keys are what consumeKeys takes", async function () {
      const f = await loadFixture(deployKeyRegistryFixture);
      const { registry, signers, podB } = f;
      const A = signers.delegatorA.address;
      const B = signers.delegatorB.address;
      const opA = registry.connect(signers.operatorA);
      const mgr = registry.connect(signers.manager);
      const a = f.keysFor([0, 1, 2, 3]);
      const b = f.keysFor([4, 5], podB);
      await opA.submitKeys(A, a.slice(0, 3));
      await registry.connect(signers.operatorB).submitKeys(B, b);
      await mgr.consumeKeys(A, [a[0]]);
      await opA.removeKeys(A, [hashOf(a[2])]);
      await opA.submitKeys(A, [a[3]]); // takes index 2 again
      await mgr.consumeKeys(B, b);
      const block = await ethers.provider.getBlockNumber();

      const qa = await readKeyQueue(registry, A, { maxBlockRange: 3 });
      expect(qa.used.map((k) => k.index)).to.deep.equal([0]);
      expect(qa.queued.map((k) => [k.index, k.pubkey])).to.deep.equal([
        [1, a[1].pubkey],
        [2, a[3].pubkey],
      ]);
      expect(qa.removed.map((k) => [k.index, k.pubkeyHash])).to.deep.equal([[2, hashOf(a[2])]]);
      await checkKeyQueue(registry, qa);
      const qb = await readKeyQueue(registry, B, { toBlock: block });
      expect(qb.used.map((k) => k.pubkey)).to.deep.equal(b.map((k) => k.pubkey));
      expect(qb.queued).to.deep.equal([]);
      await checkKeyQueue(registry, qb);

      expect(lastKeyHashes(qa, 1)).to.deep.equal([hashOf(a[3])]);
      const next = nextKeys(qa, 2);
      expect(next).to.deep.equal([a[1], a[3]]);
      await expect(mgr.consumeKeys(A, next)).to.emit(registry, "KeysConsumed").withArgs(A, 1, next.map(hashOf));
      const after = await readKeyQueue(registry, A);
      expect(after.used.map((k) => k.index)).to.deep.equal([0, 1, 2]);
      await checkKeyQueue(registry, after);
      expect(() => nextKeys(after, 1)).to.throw("1 keys asked, 0 queued");
    });

    it("refuses an incomplete history and a queue the registry does not hold", async function () {
      const f = await loadFixture(queuedFixture);
      const { registry, signers, keys } = f;
      const A = signers.delegatorA.address;
      await registry.connect(signers.manager).consumeKeys(A, [keys[0]]);
      // Reading from after the submission misses the keys the consumption names.
      const consumedAt = await ethers.provider.getBlockNumber();
      await expect(readKeyQueue(registry, A, { fromBlock: consumedAt })).to.be.rejectedWith(
        "the consumption at 0 names keys that are not there",
      );
      const q = await readKeyQueue(registry, A);
      await checkKeyQueue(registry, q);
      const forged = { ...q, queued: [{ ...q.queued[0], signature: flipByte(q.queued[0].signature, 0) }, q.queued[1]] };
      await expect(checkKeyQueue(registry, forged)).to.be.rejectedWith("commitment at 1 differs");
      await expect(checkKeyQueue(registry, { ...q, queued: q.queued.slice(1) })).to.be.rejectedWith(
        "the registry counts 1 used and 2 queued",
      );
    });
  });
});

describe("ValidatorKeyRegistry: shared behaviours", function () {
  async function implementationOf(proxy: { getAddress(): Promise<string> }): Promise<string> {
    const slot = await ethers.provider.getStorage(await proxy.getAddress(), IMPLEMENTATION_SLOT);
    return ethers.getAddress("0x" + slot.slice(26));
  }
  async function withState() {
    const f = await deployKeyRegistryFixture();
    const keys = f.keysFor([0, 1]);
    await f.registry.connect(f.signers.operatorA).submitKeys(f.signers.delegatorA, keys);
    await f.registry.connect(f.signers.manager).consumeKeys(f.signers.delegatorA, [keys[0]]);
    return f;
  }

  it("keeps its state in the ERC-7201 namespace lrt.storage.ValidatorKeyRegistry, and is upgrade-safe", async function () {
    const f = await loadFixture(withState);
    const { registry, signers } = f;
    const coder = ethers.AbiCoder.defaultAbiCoder();
    const id = BigInt(ethers.id("lrt.storage.ValidatorKeyRegistry")) - 1n;
    const base = BigInt(ethers.keccak256(coder.encode(["uint256"], [id]))) & ~0xffn;
    // queues (the namespace's first mapping): nodeOperator, used (uint48), queued (uint48) packed in one slot.
    const queueSlot = ethers.keccak256(coder.encode(["address", "uint256"], [signers.delegatorA.address, base]));
    const word = BigInt(await ethers.provider.getStorage(registry, queueSlot));
    expect(ethers.getAddress(ethers.toBeHex(word & (2n ** 160n - 1n), 20))).to.equal(signers.operatorA.address);
    expect([(word >> 160n) & (2n ** 48n - 1n), word >> 208n]).to.deep.equal([1n, 1n]);
    await expectUpgradeSafe("ValidatorKeyRegistry", await registry.getAddress(), [
      signers.manager.address,
      await f.pods.eigenPodManager.getAddress(),
    ]);
  });

  shouldBehaveLikeRestricted("ValidatorKeyRegistry", ["adminRemoveKeys", "setNodeOperator"], async () => {
    const f = await loadFixture(withState);
    return { contract: f.registry, stranger: f.signers.stranger };
  });
  shouldBehaveLikeInitializeOnce("ValidatorKeyRegistry", async () => {
    const f = await loadFixture(withState);
    return {
      contract: f.registry,
      implementation: await implementationOf(f.registry),
      args: [await f.accessManager.getAddress()],
    };
  });
  shouldBehaveLikeUUPS("ValidatorKeyRegistry", async () => {
    const f = await loadFixture(withState);
    const A = f.signers.delegatorA;
    return {
      contract: f.registry as never,
      admin: f.signers.admin,
      stranger: f.signers.stranger,
      newImplementation: async () =>
        (
          await new ValidatorKeyRegistry__factory(f.signers.admin).deploy(f.signers.manager, f.pods.eigenPodManager)
        ).getAddress(),
      state: async () => [
        await f.registry.nodeOperatorOf(A),
        [...(await f.registry.keyCounts(A))],
        await f.registry.commitmentOf(A, 1),
        [...(await f.registry.keyOf(pubkeyHash(f.chain.key(0).pubkey)))],
        await f.registry.links(),
      ],
    };
  });
});
