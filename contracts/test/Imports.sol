// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// Makes Hardhat compile the OpenZeppelin deployables the test fixtures deploy directly (nothing else imports them,
// so they would have no artifacts otherwise).
import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";
import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {UpgradeableBeacon} from "@openzeppelin/contracts/proxy/beacon/UpgradeableBeacon.sol";
import {BeaconProxy} from "@openzeppelin/contracts/proxy/beacon/BeaconProxy.sol";
