/**
 * The constants the scripts and the tests share (one home; `contracts/libraries/Constants.sol` is the on-chain
 * side): the vault's ETH marker, the 1e18 fixed-point unit, basis points, and time in seconds (bigint, as block
 * timestamps are read).
 */
export const ETH = "0xEeeeeEeeeEeEeeEeEeEeeEEEeeeeEeeeeeeeEEeE";
export const UNIT = 10n ** 18n;
export const BPS = 10_000n;
export const HOUR = 3_600n;
export const DAY = 86_400n;
