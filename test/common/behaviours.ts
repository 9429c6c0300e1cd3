/**
 * Behaviours every upgradeable contract of the suite shares, written once and applied per contract (as
 * OpenZeppelin's `shouldBehaveLike…` helpers are): restricted functions refuse strangers, initializers run once,
 * implementations cannot be initialized, and UUPS upgrades are restricted and keep the proxy working.
 */
import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { ethers } from "hardhat";
import { ZeroAddress, ZeroHash, type BaseContract, type ParamType, type Signer } from "ethers";

/** A zero value for any ABI type (the restricted check fires before any argument is looked at). */
export function zeroOf(p: ParamType): unknown {
  if (p.baseType === "array") return [];
  if (p.baseType === "tuple") return (p.components ?? []).map(zeroOf);
  if (p.baseType === "address") return ZeroAddress;
  if (p.baseType === "bool") return false;
  if (p.baseType === "string") return "";
  if (p.baseType === "bytes") return "0x";
  if (p.baseType.startsWith("bytes")) return ZeroHash.slice(0, 2 + 2 * Number(p.baseType.slice(5)));
  return 0n;
}

/**
 * The functions of `contracts/<name>.sol` guarded by `modifier` (by name, `_authorizeUpgrade` excluded): read from
 * the source, so a new guarded function that a test does not list makes the test fail.
 */
export function guardedInSource(name: string, modifier: string): string[] {
  const source = fs.readFileSync(path.join(__dirname, "..", "..", "contracts", `${name}.sol`), "utf8");
  const found: string[] = [];
  for (const m of source.matchAll(/function\s+(\w+)\s*\([^)]*\)([^{;]*)\{/g)) {
    if (new RegExp(`\\b${modifier}\\b`).test(m[2]) && m[1] !== "_authorizeUpgrade") found.push(m[1]);
  }
  return found.sort();
}

export interface RestrictedContext {
  /** the contract (at its proxy) */
  contract: BaseContract;
  /** an account holding no role */
  stranger: Signer;
}

/**
 * Every function in `functions` reverts `AccessManagedUnauthorized(stranger)` for a stranger, whatever its
 * arguments, and `functions` is exactly the set of `restricted` functions in the contract's source.
 */
export function shouldBehaveLikeRestricted(
  name: string,
  functions: string[],
  context: () => Promise<RestrictedContext>,
) {
  describe(`${name}: restricted functions`, function () {
    it("lists every restricted function of the source", function () {
      expect([...functions].sort()).to.deep.equal(guardedInSource(name, "restricted"));
    });
    for (const fn of functions) {
      it(`${fn} refuses a stranger`, async function () {
        const { contract, stranger } = await context();
        const fragment = contract.interface.getFunction(fn)!;
        const data = contract.interface.encodeFunctionData(fragment, fragment.inputs.map(zeroOf));
        await expect(stranger.sendTransaction({ to: await contract.getAddress(), data }))
          .to.be.revertedWithCustomError(contract, "AccessManagedUnauthorized")
          .withArgs(await stranger.getAddress());
      });
    }
  });
}

export interface InitializeContext {
  /** the contract at its proxy, already initialized */
  contract: BaseContract;
  /** its implementation */
  implementation: string;
  /** arguments of a well-formed `initialize` call */
  args: unknown[];
}

/** `initialize` runs once on the proxy and never on the implementation. */
export function shouldBehaveLikeInitializeOnce(name: string, context: () => Promise<InitializeContext>) {
  describe(`${name}: initialize once`, function () {
    it("refuses a second initialize on the proxy", async function () {
      const { contract, args } = await context();
      const data = contract.interface.encodeFunctionData("initialize", args);
      await expect(
        (await ethers.getSigners())[0].sendTransaction({ to: await contract.getAddress(), data }),
      ).to.be.revertedWithCustomError(contract, "InvalidInitialization");
    });
    it("refuses initialize on the implementation", async function () {
      const { contract, implementation, args } = await context();
      const data = contract.interface.encodeFunctionData("initialize", args);
      await expect(
        (await ethers.getSigners())[0].sendTransaction({ to: implementation, data }),
      ).to.be.revertedWithCustomError(contract, "InvalidInitialization");
    });
  });
}

export interface UUPSContext {
  /** the contract at its proxy */
  contract: BaseContract & { upgradeToAndCall(impl: string, data: string): Promise<unknown> };
  /** an account allowed to upgrade (the AccessManager's admin) */
  admin: Signer;
  /** an account holding no role */
  stranger: Signer;
  /** deploys a fresh implementation of the same contract (same links) */
  newImplementation: () => Promise<string>;
  /** a view whose result must survive an upgrade */
  state: () => Promise<unknown>;
}

const IMPLEMENTATION_SLOT = "0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc";

/** UUPS: a stranger cannot upgrade; the admin can, state is kept; a non-UUPS target is refused. */
export function shouldBehaveLikeUUPS(name: string, context: () => Promise<UUPSContext>) {
  describe(`${name}: UUPS upgrades`, function () {
    it("refuses an upgrade by a stranger", async function () {
      const { contract, stranger, newImplementation } = await context();
      const impl = await newImplementation();
      await expect((contract.connect(stranger) as typeof contract).upgradeToAndCall(impl, "0x"))
        .to.be.revertedWithCustomError(contract, "AccessManagedUnauthorized")
        .withArgs(await stranger.getAddress());
    });
    it("upgrades for the admin and keeps the state", async function () {
      const { contract, admin, newImplementation, state } = await context();
      const before = await state();
      const impl = await newImplementation();
      await expect((contract.connect(admin) as typeof contract).upgradeToAndCall(impl, "0x"))
        .to.emit(contract, "Upgraded")
        .withArgs(impl);
      const slot = await ethers.provider.getStorage(await contract.getAddress(), IMPLEMENTATION_SLOT);
      expect(ethers.getAddress("0x" + slot.slice(26))).to.equal(impl);
      expect(await state()).to.deep.equal(before);
    });
    it("refuses an implementation that is not UUPS", async function () {
      const { contract, admin } = await context();
      const notUUPS = await (await ethers.deployContract("ERC20Mock", ["x", "x"])).getAddress();
      await expect(
        (contract.connect(admin) as typeof contract).upgradeToAndCall(notUUPS, "0x"),
      ).to.be.revertedWithCustomError(contract, "ERC1967InvalidImplementation");
    });
  });
}
