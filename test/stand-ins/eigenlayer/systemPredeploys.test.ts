import { expect } from "chai";
import { artifacts, ethers, network } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { AbiCoder, concat, dataSlice, id, toBeHex } from "ethers";
import { SYSTEM_ADDRESSES } from "../../../scripts/lib/eigenlayer";

/*
 * The EIP-4788 beacon roots and EIP-7002 / EIP-7251 request stand-ins (EIGENPOD.md §3, §2.6), placed at their
 * mainnet addresses: the raw call interfaces a pod uses (32-byte timestamp in, root out; empty calldata for the fee;
 * 56- or 96-byte requests paying the fee, logged as LOG0(source || calldata)), the ring buffer eviction, and the
 * fee rule fake_exponential(1, excess, 17) against a TypeScript reference.
 */

const SYSTEM = "0xfffffffffffffffffffffffffffffffffffffffe";
const word = (ts: bigint | number): string => AbiCoder.defaultAbiCoder().encode(["uint256"], [ts]);

/** EIP-7002 / EIP-7251 `fake_exponential(factor, numerator, denominator)`. */
function fakeExponential(factor: bigint, numerator: bigint, denominator: bigint): bigint {
  let i = 1n;
  let output = 0n;
  let accumulator = factor * denominator;
  while (accumulator > 0n) {
    output += accumulator;
    accumulator = (accumulator * numerator) / (denominator * i);
    i += 1n;
  }
  return output / denominator;
}

async function fixture() {
  for (const [name, address] of [
    ["BeaconRoots", SYSTEM_ADDRESSES.beaconRoots],
    ["WithdrawalRequestPredeploy", SYSTEM_ADDRESSES.withdrawalRequests],
    ["ConsolidationRequestPredeploy", SYSTEM_ADDRESSES.consolidationRequests],
  ]) {
    await network.provider.send("hardhat_setCode", [address, (await artifacts.readArtifact(name)).deployedBytecode]);
  }
  const [caller] = await ethers.getSigners();
  return {
    caller,
    roots: await ethers.getContractAt("BeaconRoots", SYSTEM_ADDRESSES.beaconRoots),
    withdrawals: await ethers.getContractAt("WithdrawalRequestPredeploy", SYSTEM_ADDRESSES.withdrawalRequests),
    consolidations: await ethers.getContractAt("ConsolidationRequestPredeploy", SYSTEM_ADDRESSES.consolidationRequests),
  };
}

const PUBKEY_A = concat([id("a"), dataSlice(id("a tail"), 0, 16)]);
const PUBKEY_B = concat([id("b"), dataSlice(id("b tail"), 0, 16)]);

describe("Ethereum system stand-ins: EIP-4788 beacon roots, EIP-7002 / EIP-7251 request predeploys", function () {
  it("beacon roots: returns the stored root for a 32-byte timestamp; reverts with no data for zero, unknown or evicted timestamps and other lengths", async function () {
    const { roots } = await loadFixture(fixture);
    const provider = ethers.provider;
    const to = SYSTEM_ADDRESSES.beaconRoots;
    const root = id("root at 1700000000");
    await roots.setBeaconRoot(1_700_000_000n, root);
    expect(await provider.call({ to, data: word(1_700_000_000n) })).to.equal(root);
    for (const data of [
      word(1_700_000_001n),
      word(0),
      "0x",
      dataSlice(word(1_700_000_000n), 1),
      concat([word(1), "0x00"]),
    ]) {
      await expect(provider.call({ to, data })).to.be.rejectedWith(/revert/);
    }
    // The ring buffer: a timestamp 8191 later takes the slot.
    await roots.setBeaconRoot(1_700_000_000n + 8191n, id("later"));
    expect(await provider.call({ to, data: word(1_700_000_000n + 8191n) })).to.equal(id("later"));
    await expect(provider.call({ to, data: word(1_700_000_000n) })).to.be.rejectedWith(/revert/);
    // A node's system call is accepted and changes nothing.
    expect(await provider.call({ from: SYSTEM, to, data: id("parent root") })).to.equal("0x");
  });

  for (const [name, length] of [
    ["withdrawals", 56],
    ["consolidations", 96],
  ] as const) {
    it(`${name === "withdrawals" ? "EIP-7002" : "EIP-7251"}: the fee is fake_exponential(1, excess, 17); a ${length}-byte request paying it is logged as LOG0(source || calldata)`, async function () {
      const f = await loadFixture(fixture);
      const predeploy = f[name];
      const to = await predeploy.getAddress();
      for (const excess of [0n, 1n, 17n, 100n, 500n]) {
        await predeploy.setExcess(excess);
        const fee = BigInt(await ethers.provider.call({ to, data: "0x" }));
        expect(fee).to.equal(fakeExponential(1n, excess, 17n));
      }
      const fee = fakeExponential(1n, 500n, 17n);
      const request = length === 56 ? concat([PUBKEY_A, toBeHex(5_000_000_000n, 8)]) : concat([PUBKEY_A, PUBKEY_B]);
      const tx = await f.caller.sendTransaction({ to, data: request, value: fee });
      const receipt = await tx.wait();
      const logs = receipt!.logs.filter((l) => l.address === to);
      expect(logs).to.have.length(1);
      expect(logs[0].topics).to.deep.equal([]);
      expect(logs[0].data).to.equal(concat([f.caller.address, request]).toLowerCase());
      expect(await predeploy.requestCount()).to.equal(1n);
      expect(await predeploy.requestAt(0)).to.equal(concat([f.caller.address, request]).toLowerCase());
      expect(await ethers.provider.getBalance(to)).to.equal(fee);
      // Underpaid, wrong length, value on the fee getter: refused.
      await expect(f.caller.sendTransaction({ to, data: request, value: fee - 1n })).to.be.reverted;
      await expect(f.caller.sendTransaction({ to, data: dataSlice(request, 1), value: fee })).to.be.reverted;
      await expect(f.caller.sendTransaction({ to, data: "0x", value: 1n })).to.be.reverted;
      expect(await predeploy.requestCount()).to.equal(1n);
    });
  }
});
