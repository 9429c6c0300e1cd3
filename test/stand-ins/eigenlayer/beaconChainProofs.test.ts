import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { concat, dataSlice, getBytes, hexlify, id } from "ethers";
import type { BeaconChainProofsHarness } from "../../../typechain-types";
import {
  type BeaconState,
  type Fork,
  FAR_FUTURE_EPOCH,
  STATE_HEIGHT,
  ZERO,
  balanceChunk,
  balanceContainerProof,
  balanceProof,
  branch,
  buildState,
  credentials,
  merkleize,
  stateRootProof,
  uint64Chunk,
  validatorFields,
  validatorProof,
} from "../../helpers/beaconMerkle";

/*
 * The BeaconChainProofs / Merkle / Endian stand-in libraries (EIGENPOD.md §4), through a harness, against proofs
 * from an independent TypeScript SSZ-shaped builder (test/helpers/beaconMerkle.ts): the exact proof lengths and
 * indices of the DENEB (state height 5) and PECTRA (height 6) layouts, the validator-field merkleization, balance
 * extraction, and every refusal with its mainnet error.
 */

const VERSION: Record<Fork, number> = { deneb: 0, electra: 1 };
const OTHER: Record<Fork, Fork> = { deneb: "electra", electra: "deneb" };

/** Ten validators with distinct, non-round values; balances deliberately not multiples of anything. */
export function sampleState(fork: Fork, pod = "0x" + "11".repeat(20)): BeaconState {
  const validators = Array.from({ length: 10 }, (_, i) => ({
    pubkey: hexlify(getBytes(concat([id(`validator ${i}`), dataSlice(id(`validator ${i} tail`), 0, 16)]))),
    withdrawalCredentials: credentials(i % 2 === 0 ? 1 : 2, pod),
    effectiveBalanceGwei: 32_000_000_000n - BigInt(i) * 1_000_000_000n,
    slashed: i === 3,
    activationEligibilityEpoch: 10n + BigInt(i),
    activationEpoch: 20n + BigInt(i),
    exitEpoch: i === 4 ? 500n : FAR_FUTURE_EPOCH,
    withdrawableEpoch: i === 4 ? 756n : FAR_FUTURE_EPOCH,
  }));
  const balancesGwei = validators.map((_, i) => 32_000_000_000n + BigInt(i) * 123_456_789n + 17n);
  return { fork, validators, balancesGwei, salt: id(`state ${fork}`) };
}

async function harnessFixture(): Promise<BeaconChainProofsHarness> {
  return ethers.deployContract("BeaconChainProofsHarness");
}

describe("BeaconChainProofs, Merkle and Endian (stand-in libraries)", function () {
  it("Endian reads the little-endian uint64 in the first 8 bytes of a word", async function () {
    const h = await loadFixture(harnessFixture);
    for (const v of [0n, 1n, 0x0102030405060708n, 32_000_000_000n, FAR_FUTURE_EPOCH]) {
      expect(await h.fromLittleEndianUint64(uint64Chunk(v))).to.equal(v);
    }
    // Bytes 8..31 are ignored.
    expect(await h.fromLittleEndianUint64("0x0100000000000000" + "ff".repeat(24))).to.equal(1n);
  });

  it("merkleizeSha256 equals the SSZ root of 8 validator fields; refuses fewer than 2 or a non-power-of-two", async function () {
    const h = await loadFixture(harnessFixture);
    const fields = validatorFields(sampleState("electra").validators[3]);
    expect(await h.merkleizeSha256(fields)).to.equal(merkleize(fields, 3));
    expect(await h.merkleizeSha256(fields.slice(0, 2))).to.equal(merkleize(fields.slice(0, 2), 1));
    await expect(h.merkleizeSha256([fields[0]])).to.be.revertedWithCustomError(h, "NotEnoughLeaves");
    await expect(h.merkleizeSha256(fields.slice(0, 3))).to.be.revertedWithCustomError(h, "LeavesNotPowerOfTwo");
  });

  it("processInclusionProofSha256: left/right by the index bits; refuses empty or ragged proofs and an index deeper than the proof", async function () {
    const h = await loadFixture(harnessFixture);
    const leaves = [id("a"), id("b"), id("c"), id("d")];
    const root = merkleize(leaves, 2);
    for (let i = 0; i < 4; i++) {
      expect(await h.processInclusionProofSha256(concat(branch(leaves, 2, i)), leaves[i], i)).to.equal(root);
      expect(await h.verifyInclusionSha256(concat(branch(leaves, 2, i)), root, leaves[i], i)).to.equal(true);
    }
    expect(await h.verifyInclusionSha256(concat(branch(leaves, 2, 1)), root, leaves[1], 0)).to.equal(false);
    await expect(h.processInclusionProofSha256("0x", leaves[0], 0)).to.be.revertedWithCustomError(
      h,
      "InvalidProofLength",
    );
    await expect(
      h.processInclusionProofSha256(concat([...branch(leaves, 2, 0), "0x01"]), leaves[0], 0),
    ).to.be.revertedWithCustomError(h, "InvalidProofLength");
    await expect(
      h.processInclusionProofSha256(concat(branch(leaves, 2, 0)), leaves[0], 4),
    ).to.be.revertedWithCustomError(h, "InvalidIndex");
    await expect(
      h.verifyInclusionSha256(concat(branch(leaves, 2, 0)), ZERO, leaves[0], 0),
    ).to.be.revertedWithCustomError(h, "EmptyRoot");
  });

  it("getBalanceAtIndex reads each of the 4 little-endian balances of a chunk", async function () {
    const h = await loadFixture(harnessFixture);
    const balances = [1n, 32_000_000_017n, 0n, FAR_FUTURE_EPOCH, 5n, 6n, 7n, 8n];
    for (let i = 0; i < 8; i++) {
      expect(await h.getBalanceAtIndex(balanceChunk(balances, Math.floor(i / 4)), i)).to.equal(balances[i]);
    }
  });

  for (const fork of ["deneb", "electra"] as Fork[]) {
    describe(`${fork === "deneb" ? "DENEB" : "PECTRA"} layout (state height ${STATE_HEIGHT[fork]})`, function () {
      const state = sampleState(fork);
      const built = buildState(state);
      const other = buildState({ ...state, fork: OTHER[fork] });
      const height = STATE_HEIGHT[fork];

      it("state root proof: 3 siblings into the block root; refuses another length and a wrong root", async function () {
        const h = await loadFixture(harnessFixture);
        const proof = stateRootProof(built);
        expect(getBytes(proof.proof).length).to.equal(96);
        await h.verifyStateRoot(built.blockRoot, proof);
        await expect(
          h.verifyStateRoot(built.blockRoot, { ...proof, proof: dataSlice(proof.proof, 0, 64) }),
        ).to.be.revertedWithCustomError(h, "InvalidProofLength");
        await expect(h.verifyStateRoot(other.blockRoot, proof)).to.be.revertedWithCustomError(h, "InvalidProof");
        await expect(
          h.verifyStateRoot(built.blockRoot, { ...proof, beaconStateRoot: other.stateRoot }),
        ).to.be.revertedWithCustomError(h, "InvalidProof");
        await expect(h.verifyStateRoot(ZERO, proof)).to.be.revertedWithCustomError(h, "EmptyRoot");
      });

      it(`validator fields: ${41 + height} siblings at index (11 << 41) | i; every field is read as SSZ says`, async function () {
        const h = await loadFixture(harnessFixture);
        for (const i of [0, 3, 4, 7, 9]) {
          const fields = validatorFields(state.validators[i]);
          const proof = validatorProof(state, built, i);
          expect(getBytes(proof).length).to.equal(32 * (41 + height));
          await h.verifyValidatorFields(VERSION[fork], built.stateRoot, fields, proof, i);
          const v = state.validators[i];
          const read = await h.validatorFieldValues(fields);
          expect(read.withdrawalCredentials).to.equal(v.withdrawalCredentials);
          expect(read.effectiveBalanceGwei).to.equal(v.effectiveBalanceGwei);
          expect(read.slashed).to.equal(v.slashed);
          expect(read.activationEpoch).to.equal(v.activationEpoch);
          expect(read.exitEpoch).to.equal(v.exitEpoch);
        }
      });

      it("validator fields: refuses the other layout's length, 7 or 9 fields, another index, and a state differing in one field", async function () {
        const h = await loadFixture(harnessFixture);
        const fields = validatorFields(state.validators[7]);
        const proof = validatorProof(state, built, 7);
        await expect(
          h.verifyValidatorFields(VERSION[OTHER[fork]], built.stateRoot, fields, proof, 7),
        ).to.be.revertedWithCustomError(h, "InvalidProofLength");
        await expect(
          h.verifyValidatorFields(VERSION[fork], built.stateRoot, fields.slice(0, 7), proof, 7),
        ).to.be.revertedWithCustomError(h, "InvalidValidatorFieldsLength");
        await expect(
          h.verifyValidatorFields(VERSION[fork], built.stateRoot, [...fields, ZERO], proof, 7),
        ).to.be.revertedWithCustomError(h, "InvalidValidatorFieldsLength");
        await expect(
          h.verifyValidatorFields(VERSION[fork], built.stateRoot, fields, proof, 6),
        ).to.be.revertedWithCustomError(h, "InvalidProof");
        // The prover's state differs from the posted one in validator 7's effective balance only.
        const forged = structuredClone(state);
        forged.validators[7].effectiveBalanceGwei += 1_000_000_000n;
        const forgedBuilt = buildState(forged);
        await expect(
          h.verifyValidatorFields(
            VERSION[fork],
            built.stateRoot,
            validatorFields(forged.validators[7]),
            validatorProof(forged, forgedBuilt, 7),
            7,
          ),
        ).to.be.revertedWithCustomError(h, "InvalidProof");
      });

      it(`balance container: ${height + 3} siblings at index (3 << ${height}) | 12; refuses the other layout and a wrong root`, async function () {
        const h = await loadFixture(harnessFixture);
        const proof = balanceContainerProof(state, built);
        expect(getBytes(proof.proof).length).to.equal(32 * (height + 3));
        await h.verifyBalanceContainer(VERSION[fork], built.blockRoot, proof);
        await expect(
          h.verifyBalanceContainer(VERSION[OTHER[fork]], built.blockRoot, proof),
        ).to.be.revertedWithCustomError(h, "InvalidProofLength");
        await expect(
          h.verifyBalanceContainer(VERSION[fork], built.blockRoot, {
            ...proof,
            balanceContainerRoot: built.validatorsRoot,
          }),
        ).to.be.revertedWithCustomError(h, "InvalidProof");
      });

      it("balance: 39 siblings at index i >> 2; returns each validator's gwei; refuses another chunk's index or a forged chunk", async function () {
        const h = await loadFixture(harnessFixture);
        for (let i = 0; i < state.validators.length; i++) {
          const proof = balanceProof(state, built, i);
          expect(getBytes(proof.proof).length).to.equal(39 * 32);
          expect(await h.verifyValidatorBalance.staticCall(built.balancesRoot, i, proof)).to.equal(
            state.balancesGwei[i],
          );
        }
        const proof = balanceProof(state, built, 5);
        await expect(h.verifyValidatorBalance(built.balancesRoot, 1, proof)).to.be.revertedWithCustomError(
          h,
          "InvalidProof",
        );
        const forged = structuredClone(state);
        forged.balancesGwei[5] += 1n;
        await expect(
          h.verifyValidatorBalance(built.balancesRoot, 5, balanceProof(forged, buildState(forged), 5)),
        ).to.be.revertedWithCustomError(h, "InvalidProof");
        await expect(
          h.verifyValidatorBalance(built.balancesRoot, 5, { ...proof, proof: dataSlice(proof.proof, 32) }),
        ).to.be.revertedWithCustomError(h, "InvalidProofLength");
      });
    });
  }

  it("the builder's list roots mix in the length: a 10-element list differs from the same data as an 11-element one", function () {
    const s = sampleState("electra");
    const a = buildState(s);
    const b = buildState({ ...s, balancesGwei: [...s.balancesGwei, 0n] });
    // Same chunks (the extra balance is zero) but a different length chunk.
    expect(b.balanceChunks).to.deep.equal(a.balanceChunks);
    expect(b.balancesRoot).to.not.equal(a.balancesRoot);
  });
});
