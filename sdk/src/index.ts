export * from "./client.js";
export * from "./errors.js";
export * from "./generated/abis.js";
export { addressBook } from "./generated/addressBook.js";
export type { ChainAddresses, SuiteAddresses } from "./addressTypes.js";
export * from "./generated/typechain/index.js";
