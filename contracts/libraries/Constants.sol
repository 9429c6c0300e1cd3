// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @dev The marker address lrt-vault uses for native ETH (the vault's first asset, always priced at `UNIT`).
address constant ETH = 0xEeeeeEeeeEeEeeEeEeEeeEEEeeeeEeeeeeeeEEeE;
/// @dev 1e18: rates are ETH (wei) per 1e18 lrETH, prices ETH per 1e18 accounting units.
uint256 constant UNIT = 1e18;
/// @dev Basis points in one whole.
uint256 constant BPS = 10_000;
