// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// Test-only: nothing deployable imports these OpenZeppelin contracts, so without this file Hardhat would emit no
// artifacts (or TypeChain factories) for them. Tests deploy the access manager and the proxies from these.
/* solhint-disable no-unused-import */
import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";
import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {UpgradeableBeacon} from "@openzeppelin/contracts/proxy/beacon/UpgradeableBeacon.sol";
import {BeaconProxy} from "@openzeppelin/contracts/proxy/beacon/BeaconProxy.sol";
