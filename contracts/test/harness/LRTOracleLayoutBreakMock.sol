// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {AccessManagedUpgradeable} from "@openzeppelin/contracts-upgradeable/access/manager/AccessManagedUpgradeable.sol";
import {ILRTOracle} from "../../interfaces/ILRTOracle.sol";

/// @title LRTOracleLayoutBreakMock
/// @notice Test-only, never deployed as an upgrade: a would-be `LRTOracle` implementation with the same bases and
/// the same ERC-7201 namespace, whose two fields are swapped, so the storage-layout validation
/// (`upgrades.validateUpgrade`) must reject it. Upgrade-safe in itself, so only the layout check fails.
contract LRTOracleLayoutBreakMock is Initializable, AccessManagedUpgradeable, UUPSUpgradeable {
    /// @custom:storage-location erc7201:lrt.storage.LRTOracle
    struct OracleStorage {
        mapping(address asset => ILRTOracle.Bounds) bounds;
        address accountant;
    }

    // keccak256(abi.encode(uint256(keccak256("lrt.storage.LRTOracle")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant STORAGE_LOCATION = 0xef4c3dd9809f3c469cb010f591f7b8567b64ed6b8f372cd6f14260ea218c6a00;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @notice Sets the access manager, as `LRTOracle.initialize`.
    function initialize(address authority) external initializer {
        __AccessManaged_init(authority);
    }

    /// @notice The accountant, read at the swapped position.
    function accountant() external view returns (address) {
        return _oracle().accountant;
    }

    function _authorizeUpgrade(address) internal override restricted {}

    function _oracle() private pure returns (OracleStorage storage $) {
        assembly {
            $.slot := STORAGE_LOCATION
        }
    }
}
