// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAggregatorV3} from "./external/chainlink/IAggregatorV3.sol";

/// @title IPriceAdapter
/// @notice Prices one liquid staking token in ETH for lrt-vault, two ways:
/// - the *protocol* price, the token's own exchange rate (what its issuer redeems it for): `price()`, which every sync
///   values holdings at (the oracle bounds how fast it may rise);
/// - the *market* price, from a Chainlink feed when the adapter has one: what the token sells for now.
/// `quote()` returns both, live. Deposits of the token are priced at the lowest of the price stored at the last sync,
/// the live protocol price and the market price, and payouts in the token at the highest of them: whatever the
/// market does, nobody can buy lrETH with a token below its price, nor take a token out above it (depeg arbitrage).
///
/// The vault keeps every asset in an *accounting unit*: the token's own balance unit for non-rebasing tokens (rETH,
/// cbETH, wstETH) and Lido shares for stETH, whose balances rebase. Every price here is ETH (wei) per 1e18
/// accounting units. Adapters are stateless and immutable: a new feed or token means a new adapter.
interface IPriceAdapter {
    /// @notice An adapter was constructed for the zero address.
    error PriceAdapterZeroAddress();
    /// @notice The feed has more than 18 decimals, or a feed was given with a zero maximum age.
    /// @param feed the feed refused
    error PriceAdapterInvalidFeed(IAggregatorV3 feed);

    /// @notice The token this adapter prices.
    /// @return the token
    function asset() external view returns (address);

    /// @notice The Chainlink feed of the token's market price (zero: none, the market leg is the protocol price).
    /// @return the feed (zero: none)
    function feed() external view returns (IAggregatorV3);

    /// @notice The feed's answer is stale once it is older than this (seconds): its heartbeat plus a margin.
    /// @return the maximum age in seconds (0 without a feed)
    function maxFeedAge() external view returns (uint256);

    /// @notice The protocol price: ETH per 1e18 accounting units at the token's own exchange rate, rounded down.
    /// @return ETH per 1e18 accounting units, rounded down
    function price() external view returns (uint256);

    /// @notice The live protocol and market prices (ETH per 1e18 accounting units, each rounded down).
    /// @return protocol as `price()`
    /// @return market the feed's last price per accounting unit, even if stale (0 when its answer is not positive or
    /// the call reverted); `protocol` when the adapter has no feed
    /// @return marketOk false when the adapter has a feed and its answer is stale, not positive, or the call
    /// reverted: deposits then refuse the token. Payouts use any non-zero `market`, stale or not (the highest price
    /// pays the fewest units, so a stale feed never lets an exit take a token out above its last known market price),
    /// and ignore it only when it is 0. Never reverts.
    function quote() external view returns (uint256 protocol, uint256 market, bool marketOk);

    /// @notice Accounting units worth `tokenAmount` of the token (balance units), rounded down.
    /// @param tokenAmount token units (the token's balance units)
    /// @return accounting units (identity except for stETH: Lido shares), rounded down
    function toUnits(uint256 tokenAmount) external view returns (uint256);

    /// @notice Token amount (balance units) of `units` accounting units, rounded down.
    /// @param units accounting units
    /// @return token units (identity except for stETH: its balance units), rounded down
    function toTokens(uint256 units) external view returns (uint256);
}
