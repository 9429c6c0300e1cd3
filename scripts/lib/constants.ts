/**
 * The constants the scripts and the tests share (one home; `contracts/libraries/Constants.sol` is the on-chain
 * side): the vault's ETH marker, the 1e18 fixed-point unit, basis points, time in seconds (bigint, as block
 * timestamps are read), the protocol parameters every local deployment uses (`PARAMS`: the suite of
 * `scripts/lib/suite.ts`, the scripts and every test fixture) and the stand-in tokens' initial state.
 */
export const ETH = "0xEeeeeEeeeEeEeeEeEeEeeEEEeeeeEeeeeeeeEEeE";
export const UNIT = 10n ** 18n;
export const BPS = 10_000n;
export const HOUR = 3_600n;
export const DAY = 86_400n;

const DAY_SECONDS = 24 * 60 * 60;

/** Every protocol parameter a local deployment configures (`deployProtocol` in `scripts/lib/suite.ts`). */
export const PARAMS = {
  /** Protocol fee on gains above the high-water mark. */
  feeBps: 1_000,
  /** Recognised gains vest linearly over this window (seconds). */
  streamWindow: 7 * DAY_SECONDS,
  /** The most one sync may stream, as an APR on the rate (the excess is held back). */
  maxAprBps: 1_500,
  /** How long one sync's deposit prices stay valid (seconds). */
  maxRateAge: DAY_SECONDS,
  /** Every asset's cap, ETH included (accounting units). */
  cap: 10n ** 24n,
  /** Every asset's minimum deposit, ETH included (token units). */
  minDeposit: 10n ** 15n,
  /** The most an LST's stored price may rise per day (5%): every LST's `AssetParams.maxRiseBpsPerDay`. */
  maxRiseBpsPerDay: 500,
  /** A fall deeper than this at one sync trips the asset (5%): every LST's `AssetParams.maxFallBps`. */
  maxFallBps: 500,
  /**
   * A Chainlink answer older than this is stale. Ten years here, so tests that move time by days need not refresh
   * the feeds; the security tests make answers stale on purpose (the deploy default is 25 hours).
   */
  maxFeedAge: 10 * 365 * DAY_SECONDS,
  /** A pending request may be re-denominated after this long. */
  maxWait: 16 * DAY_SECONDS,
  /** Smallest and largest withdrawal request (lrETH). */
  minRequest: 10n ** 15n,
  maxRequest: 10n ** 21n,
  /** ETH the admin seeds the vault with (lrETH minted to the dead address at rate 1). */
  seed: 10n ** 18n,
} as const;

/** ETH submitted to the stETH stand-in when it is deployed, so the pool has shares and `rebase` can move the ratio. */
export const STETH_SEED = 100n * UNIT;
/** rETH's initial ETH-per-rETH rate (WAD); the rETH/ETH feed starts there. */
export const RETH_INITIAL_RATE = 1_100_000_000_000_000_000n;
/** cbETH's initial ETH-per-cbETH rate (WAD); the cbETH/ETH feed starts there. */
export const CBETH_INITIAL_RATE = 1_050_000_000_000_000_000n;
