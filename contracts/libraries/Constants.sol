// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @dev The marker address lrt-vault uses for native ETH (the vault's first asset, always priced at `UNIT`).
address constant ETH = 0xEeeeeEeeeEeEeeEeEeEeeEEEeeeeEeeeeeeeEEeE;
/// @dev 1e18: rates are ETH (wei) per 1e18 lrETH, prices ETH per 1e18 accounting units.
uint256 constant UNIT = 1e18;
/// @dev Basis points in one whole.
uint256 constant BPS = 10_000;
/// @dev EigenLayer's virtual strategy for natively restaked ETH (`DelegationManager.beaconChainETHStrategy()`): its
/// shares are wei, one for one. The vault's ETH record takes it as its strategy when native restaking is on.
address constant BEACON_CHAIN_ETH_STRATEGY = 0xbeaC0eeEeeeeEEeEeEEEEeeEEeEeeeEeeEEBEaC0;
/// @dev What one validator takes from the vault: the 32 ETH `EigenPodManager.stake` requires.
uint256 constant VALIDATOR_DEPOSIT = 32 ether;
/// @dev The most validators staked and not yet verified at once, over all delegators (bounds a sync's pod reads).
uint256 constant MAX_UNVERIFIED_VALIDATORS = 32;
