// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// The OpenZeppelin contracts lrt-vault deploys as they are (the access manager, the proxies and beacon, the
// timelock that receives every admin power). Nothing else imports them, so without this file Hardhat would emit no
// artifacts (nor TypeChain factories) for the Ignition modules in deploy/ and for the tests.
/* solhint-disable no-unused-import */
import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";
import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {UpgradeableBeacon} from "@openzeppelin/contracts/proxy/beacon/UpgradeableBeacon.sol";
import {BeaconProxy} from "@openzeppelin/contracts/proxy/beacon/BeaconProxy.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
