// The CommonJS entry resolves too (require condition, dist/cjs with its own declarations).
import { LRTClient, LRTVaultAbi, DEPOSIT_CHECKS, addressBook } from "@lrt-vault/sdk";
import type { LRTVault } from "@lrt-vault/sdk";

const vaultType: LRTVault | undefined = undefined;
console.log(
  `CJS ${typeof LRTClient} ${LRTVaultAbi.length} ${DEPOSIT_CHECKS.length} ${addressBook[1]?.tokens?.stETH} ${vaultType === undefined}`,
);
