import { expect } from "chai";
import { ethers, network } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { concat, dataSlice, id, parseEther, parseUnits, sha256, toBeHex, zeroPadValue } from "ethers";
import { SYSTEM_ADDRESSES, placeAt } from "../../../scripts/lib/eigenlayer";
import { credentials, merkleize, uint64Chunk } from "../../helpers/beaconMerkle";

/*
 * The beacon deposit contract stand-in (EIGENPOD.md §5), placed at its mainnet address with hardhat_setCode: its
 * length, amount and deposit_data_root checks with the real revert strings, DepositEvent, and the deposit tree root,
 * each against an independent TypeScript computation (SHA-256 by hand with ethers.sha256).
 */

const PUBKEY = concat([id("deposit pubkey"), dataSlice(id("deposit pubkey tail"), 0, 16)]);
const SIGNATURE = concat([id("sig 0"), id("sig 1"), id("sig 2")]);
const WC = credentials(1, "0x" + "ab".repeat(20));

/** 8 little-endian bytes. */
const le64 = (value: bigint): string => dataSlice(uint64Chunk(value), 0, 8);

/** hash_tree_root(DepositData), written out by hand. */
function depositDataRoot(pubkey: string, withdrawalCredentials: string, amountWei: bigint, signature: string): string {
  const pubkeyRoot = sha256(concat([pubkey, new Uint8Array(16)]));
  const signatureRoot = sha256(
    concat([sha256(dataSlice(signature, 0, 64)), sha256(concat([dataSlice(signature, 64, 96), new Uint8Array(32)]))]),
  );
  return sha256(
    concat([
      sha256(concat([pubkeyRoot, withdrawalCredentials])),
      sha256(concat([le64(amountWei / 10n ** 9n), new Uint8Array(24), signatureRoot])),
    ]),
  );
}

/** The deposit contract's root: the depth-32 tree of deposit data roots, mixed in with the count. */
const depositTreeRoot = (leaves: string[]): string =>
  sha256(concat([merkleize(leaves, 32), le64(BigInt(leaves.length)), new Uint8Array(24)]));

async function depositFixture() {
  await placeAt("DepositContract", SYSTEM_ADDRESSES.depositContract, 33); // fresh: branch[32] and count zeroed
  const deposit = await ethers.getContractAt("DepositContract", SYSTEM_ADDRESSES.depositContract);
  const [staker] = await ethers.getSigners();
  return { deposit, staker };
}

describe("DepositContract (stand-in at 0x00000000219ab540356cBB839Cbe05303d7705Fa)", function () {
  it("the TypeScript deposit_data_root depends on the amount, the credentials and the signature", function () {
    const root = depositDataRoot(PUBKEY, WC, parseEther("32"), SIGNATURE);
    expect(depositDataRoot(PUBKEY, WC, parseEther("31"), SIGNATURE)).to.not.equal(root);
    expect(depositDataRoot(PUBKEY, credentials(2, "0x" + "ab".repeat(20)), parseEther("32"), SIGNATURE)).to.not.equal(
      root,
    );
    expect(depositDataRoot(PUBKEY, WC, parseEther("32"), concat([id("sig 0"), id("sig 1"), id("sig 3")]))).to.not.equal(
      root,
    );
  });

  it("accepts deposits whose root it rebuilds, emits DepositEvent with 8-byte little-endian amount and index, and keeps the tree root", async function () {
    const { deposit, staker } = await loadFixture(depositFixture);
    expect(await deposit.get_deposit_root()).to.equal(depositTreeRoot([]));
    expect(await deposit.get_deposit_count()).to.equal(le64(0n));
    const leaves: string[] = [];
    const amounts = [parseEther("32"), parseEther("1"), parseUnits("2048", "ether") + 7n * 10n ** 9n];
    for (let i = 0; i < amounts.length; i++) {
      const root = depositDataRoot(PUBKEY, WC, amounts[i], SIGNATURE);
      await expect(deposit.connect(staker).deposit(PUBKEY, WC, SIGNATURE, root, { value: amounts[i] }))
        .to.emit(deposit, "DepositEvent")
        .withArgs(PUBKEY, WC, le64(amounts[i] / 10n ** 9n), SIGNATURE, le64(BigInt(i)));
      leaves.push(root);
      expect(await deposit.get_deposit_root()).to.equal(depositTreeRoot(leaves));
      expect(await deposit.get_deposit_count()).to.equal(le64(BigInt(i + 1)));
    }
    expect(await ethers.provider.getBalance(deposit)).to.equal(amounts.reduce((a, b) => a + b, 0n));
  });

  it("refuses bad lengths, amounts and roots with the real revert strings, in the real order", async function () {
    const { deposit } = await loadFixture(depositFixture);
    const value = parseEther("32");
    const root = depositDataRoot(PUBKEY, WC, value, SIGNATURE);
    const prefix = "DepositContract: ";
    await expect(deposit.deposit(dataSlice(PUBKEY, 1), WC, SIGNATURE, root, { value })).to.be.revertedWith(
      prefix + "invalid pubkey length",
    );
    await expect(deposit.deposit(PUBKEY, dataSlice(WC, 1), SIGNATURE, root, { value })).to.be.revertedWith(
      prefix + "invalid withdrawal_credentials length",
    );
    await expect(deposit.deposit(PUBKEY, WC, dataSlice(SIGNATURE, 1), root, { value })).to.be.revertedWith(
      prefix + "invalid signature length",
    );
    // Length checks come before the amount checks.
    await expect(deposit.deposit(dataSlice(PUBKEY, 1), WC, SIGNATURE, root, { value: 0 })).to.be.revertedWith(
      prefix + "invalid pubkey length",
    );
    await expect(deposit.deposit(PUBKEY, WC, SIGNATURE, root, { value: parseEther("1") - 1n })).to.be.revertedWith(
      prefix + "deposit value too low",
    );
    await expect(deposit.deposit(PUBKEY, WC, SIGNATURE, root, { value: parseEther("32") + 1n })).to.be.revertedWith(
      prefix + "deposit value not multiple of gwei",
    );
    const [, rich] = await ethers.getSigners();
    const tooMuch = 2n ** 64n * 10n ** 9n;
    await network.provider.send("hardhat_setBalance", [rich.address, toBeHex(tooMuch * 2n)]);
    await expect(
      deposit.connect(rich).deposit(PUBKEY, WC, SIGNATURE, depositDataRoot(PUBKEY, WC, value, SIGNATURE), {
        value: tooMuch,
      }),
    ).to.be.revertedWith(prefix + "deposit value too high");
    const mismatch = prefix + "reconstructed DepositData does not match supplied deposit_data_root";
    await expect(deposit.deposit(PUBKEY, WC, SIGNATURE, root, { value: parseEther("31") })).to.be.revertedWith(
      mismatch,
    );
    await expect(
      deposit.deposit(PUBKEY, credentials(2, "0x" + "ab".repeat(20)), SIGNATURE, root, { value }),
    ).to.be.revertedWith(mismatch);
    await expect(deposit.deposit(PUBKEY, WC, SIGNATURE, zeroPadValue("0x", 32), { value })).to.be.revertedWith(
      mismatch,
    );
    expect(await deposit.get_deposit_count()).to.equal(le64(0n));
  });

  it("refuses the 2^32-1-th deposit (merkle tree full) after the root check", async function () {
    const { deposit } = await loadFixture(depositFixture);
    // Storage: the 32-word branch, then the count (slot 32).
    await network.provider.send("hardhat_setStorageAt", [
      SYSTEM_ADDRESSES.depositContract,
      toBeHex(32),
      zeroPadValue(toBeHex(2n ** 32n - 1n), 32),
    ]);
    expect(await deposit.get_deposit_count()).to.equal(le64(2n ** 32n - 1n));
    const value = parseEther("32");
    await expect(
      deposit.deposit(PUBKEY, WC, SIGNATURE, depositDataRoot(PUBKEY, WC, value, SIGNATURE), { value }),
    ).to.be.revertedWith("DepositContract: merkle tree full");
    await expect(deposit.deposit(PUBKEY, WC, SIGNATURE, zeroPadValue("0x", 32), { value })).to.be.revertedWith(
      "DepositContract: reconstructed DepositData does not match supplied deposit_data_root",
    );
  });

  it("supports ERC-165 and the deposit contract interface id", async function () {
    const { deposit } = await loadFixture(depositFixture);
    const selector = (sig: string) => BigInt(id(sig).slice(0, 10));
    const depositInterface =
      selector("deposit(bytes,bytes,bytes,bytes32)") ^ selector("get_deposit_root()") ^ selector("get_deposit_count()");
    expect(await deposit.supportsInterface("0x01ffc9a7")).to.equal(true);
    expect(await deposit.supportsInterface(toBeHex(depositInterface, 4))).to.equal(true);
    expect(await deposit.supportsInterface("0xffffffff")).to.equal(false);
  });
});
