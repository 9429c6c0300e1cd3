/** Storage-layout and upgrade-safety checks shared by the vault, accountant and oracle unit tests. */
import { expect } from "chai";
import { ethers, upgrades } from "hardhat";

/**
 * `@openzeppelin/hardhat-upgrades` validation of a UUPS contract deployed behind `proxy` (an ERC1967Proxy the
 * fixtures deploy directly, so it is registered first with `forceImport`): the implementation is upgrade-safe, and
 * an upgrade to the current source keeps the storage layout, checked against the factory and against the proxy's
 * deployed implementation. No `unsafeAllow` is needed: every constructor is annotated
 * `@custom:oz-upgrades-unsafe-allow constructor` (it only disables initializers).
 */
export async function expectUpgradeSafe(name: string, proxy: string): Promise<void> {
  const factory = await ethers.getContractFactory(name);
  await upgrades.validateImplementation(factory, { kind: "uups" });
  await upgrades.validateUpgrade(factory, factory, { kind: "uups" });
  await upgrades.forceImport(proxy, factory, { kind: "uups" });
  await upgrades.validateUpgrade(proxy, factory, { kind: "uups" });
  expect(await upgrades.erc1967.getImplementationAddress(proxy)).to.properAddress;
}
