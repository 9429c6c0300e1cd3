// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";

/// @title ProxyBootstrap
/// @notice The placeholder implementation every lrt-vault proxy starts at, so that all proxy addresses exist before
/// the implementations are built with them as immutables (`LRTLinks`). It does nothing but let its deployer upgrade
/// a proxy, once, to the real implementation (`upgradeToAndCall` with the `initialize` call).
/// @dev Deployed by the same account that deploys the suite; after the upgrade it is out of every proxy.
contract ProxyBootstrap is UUPSUpgradeable {
    /// @notice Only the deployer may upgrade a proxy that still points here.
    error ProxyBootstrapUnauthorized(address caller);

    /// @notice The account allowed to upgrade proxies that point here.
    address public immutable deployer;

    constructor() {
        deployer = msg.sender;
    }

    /// @notice Does nothing: OpenZeppelin's `ERC1967Proxy` refuses to be created without an initialization call,
    /// and a proxy that points here has nothing to initialize (its real `initialize` runs with the upgrade).
    function bootstrap() external pure {}

    function _authorizeUpgrade(address) internal view override {
        if (msg.sender != deployer) revert ProxyBootstrapUnauthorized(msg.sender);
    }
}
