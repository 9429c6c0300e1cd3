import { expect } from "chai";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { parseEther, getBytes } from "ethers";
import { contractNames, formatGasTable, gasByContract } from "../../scripts/lib/gasTrace";
import { deploySuite } from "../../scripts/lib/suite";

/** 21,000 plus 4 gas per zero calldata byte and 16 per other byte (no access list, not a creation). */
function intrinsicOf(data: string): number {
  return getBytes(data).reduce((sum, byte) => sum + (byte === 0 ? 4 : 16), 21_000);
}

/** A LOGn with `data` bytes: 375, 375 per topic, 8 per byte. */
const logCost = (topics: number, bytes: number) => 375 + 375 * topics + 8 * bytes;

describe("scripts/lib/gasTrace", function () {
  it("splits a one-frame transaction into intrinsic gas and the contract's own gas, with its stores and log", async function () {
    const [holder, newcomer] = await ethers.getSigners();
    const token = await ethers.deployContract("ERC20Mock", ["Token", "TKN"]);
    await token.mint(holder, parseEther("5"));
    const tx = await token.connect(holder).transfer(newcomer, parseEther("1"));
    const receipt = (await tx.wait())!;
    const { rows, intrinsic } = await gasByContract(tx.hash, receipt.gasUsed, {
      [(await token.getAddress()).toLowerCase()]: "token",
    });

    expect(intrinsic).to.equal(intrinsicOf(tx.data));
    expect(rows.map(([code]) => code)).to.deep.equal(["token"]);
    const [, token_] = rows[0];
    expect(token_.frames).to.equal(1);
    // The holder's balance changes (2,900 after its cold read), the newcomer's is created (20,000).
    expect(token_.sstore).to.equal(2_900 + 20_000);
    // Transfer(from, to, value): three topics, 32 bytes.
    expect(token_.logs).to.equal(logCost(3, 32));
  });

  it("folds a sync through proxies and linked libraries into per-contract rows that add up to gasUsed", async function () {
    const s = await deploySuite({ operators: 1, strategies: 1 });
    await s.vault.connect(s.signers.alice).depositETH(s.signers.alice, 0, 0, { value: parseEther("10") });
    await s.accountant.sync();
    await time.increase(3600);
    const tx = await s.accountant.sync();
    const receipt = (await tx.wait())!;
    const { rows, intrinsic } = await gasByContract(tx.hash, receipt.gasUsed, await contractNames(s));
    const byCode = new Map(rows);

    // What is left of gasUsed after every frame's own gas is exactly the intrinsic gas: the frames add up.
    expect(intrinsic).to.equal(intrinsicOf(tx.data));
    for (const code of [
      "accountant",
      "accountant impl (delegatecall)",
      "vault",
      "vault impl (delegatecall)",
      "VaultAssets (delegatecall)",
      "manager",
      "manager impl (delegatecall)",
      "RestakingPositions (delegatecall)",
      "el.delegationManager",
    ]) {
      expect(byCode.has(code), code).to.equal(true);
    }
    // The vault's library emits DepositPricesUpdated(expiry) and nothing else in a sync with no trip.
    expect(byCode.get("VaultAssets (delegatecall)")!.logs).to.equal(logCost(1, 32));
    // The transaction's target (the accountant's proxy) ran once; its implementation's frames are its own row.
    expect(byCode.get("accountant")!.frames).to.equal(1);

    const table = formatGasTable(rows, intrinsic, receipt.gasUsed);
    expect(table).to.contain("VaultAssets (delegatecall)");
    expect(table.split("\n").at(-1)).to.contain(Number(receipt.gasUsed).toLocaleString("en-US"));
  });
});
