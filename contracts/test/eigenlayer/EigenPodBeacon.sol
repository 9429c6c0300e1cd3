// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {UpgradeableBeacon} from "@openzeppelin/contracts/proxy/beacon/UpgradeableBeacon.sol";

/// @title EigenPodBeacon (local stand-in)
/// @notice The beacon every pod proxy reads its EigenPod implementation from (mainnet: an OpenZeppelin
/// `UpgradeableBeacon` at `0x5a2a4F2F3C18f09179B6703e63D9eDD165909073`).
contract EigenPodBeacon is UpgradeableBeacon {
    constructor(address implementation_, address initialOwner) UpgradeableBeacon(implementation_, initialOwner) {}
}
