// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice Where lrt-vault's upgradeable contracts live: the addresses of their proxies, fixed for good. Each
/// implementation takes them in its constructor as immutables (the suite's locator, as Lido's is): nothing can relink
/// a deployed suite, and reading a link costs no storage read. The deploy modules create every proxy first (pointing
/// at `ProxyBootstrap`), then the implementations with these addresses, then upgrade each proxy to its
/// implementation. `manager` is zero for a suite without a restaking side.
/// @param vault the LRTVault proxy (lrETH)
/// @param accountant the LRTAccountant proxy
/// @param queue the WithdrawalQueue proxy
/// @param manager the RestakingManager proxy (zero: none)
struct LRTLinks {
    address vault;
    address accountant;
    address queue;
    address manager;
}
