// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IStrategy} from "./IStrategy.sol";

/// @notice An AVS's operator set, identified by `(avs, id)`; its storage key is `avs << 96 | id`.
struct OperatorSet {
    address avs;
    uint32 id;
}

/// @title IAllocationManager
/// @notice The part of EigenLayer's `IAllocationManager` (v1.12.0) that lrt-vault reads.
interface IAllocationManager {
    /// @notice The operator's current max magnitude for `strategy` (WAD when never slashed).
    function getMaxMagnitude(address operator, IStrategy strategy) external view returns (uint64);

    /// @notice Current max magnitudes of one operator across strategies.
    function getMaxMagnitudes(
        address operator,
        IStrategy[] calldata strategies
    ) external view returns (uint64[] memory);
}
