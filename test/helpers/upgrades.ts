/** Storage-layout and upgrade-safety checks shared by the vault, accountant and queue unit tests. */
import { expect } from "chai";
import { artifacts, ethers, upgrades } from "hardhat";

/**
 * The contract factory of `name`, with every external library it links deployed fresh (the vault links
 * `VaultAssets`, its cold paths), and whether it links any.
 */
export async function linkedFactory(name: string) {
  const artifact = await artifacts.readArtifact(name);
  const libraries: Record<string, string> = {};
  for (const [, libs] of Object.entries(artifact.linkReferences)) {
    for (const lib of Object.keys(libs)) {
      libraries[lib] = await (await ethers.deployContract(lib)).getAddress();
    }
  }
  const linked = Object.keys(libraries).length > 0;
  return { factory: await ethers.getContractFactory(name, linked ? { libraries } : {}), linked };
}

/**
 * `@openzeppelin/hardhat-upgrades` validation of a UUPS contract deployed behind `proxy` (an ERC1967Proxy the
 * fixtures deploy directly, so it is registered first with `forceImport`): the implementation is upgrade-safe, and
 * an upgrade to the current source keeps the storage layout, checked against the factory and against the proxy's
 * deployed implementation. Every constructor is annotated `@custom:oz-upgrades-unsafe-allow constructor` (it stores
 * the suite's links as immutables, each annotated `state-variable-immutable`, and disables initializers);
 * `constructorArgs` are its arguments (for the vault, accountant and queue: the suite's `LRTLinks`), which the plugin
 * encodes into the deploy data it identifies an implementation version by. The one `unsafeAllow` is external library
 * linking, for the vault's `VaultAssets`: the library is ours, holds no state and has no `selfdestruct` or
 * `delegatecall` of its own (the plugin flags every linked library because it cannot tell).
 */
export async function expectUpgradeSafe(name: string, proxy: string, constructorArgs: unknown[] = []): Promise<void> {
  const { factory, linked } = await linkedFactory(name);
  const opts = {
    kind: "uups" as const,
    constructorArgs,
    ...(linked ? { unsafeAllow: ["external-library-linking" as const] } : {}),
  };
  await upgrades.validateImplementation(factory, opts);
  await upgrades.validateUpgrade(factory, factory, opts);
  await upgrades.forceImport(proxy, factory, opts);
  await upgrades.validateUpgrade(proxy, factory, opts);
  expect(await upgrades.erc1967.getImplementationAddress(proxy)).to.properAddress;
}
