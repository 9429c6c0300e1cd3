// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IStrategy} from "./IStrategy.sol";

/// @notice An AVS's operator set, identified by `(avs, id)`; its storage key is `avs << 96 | id`.
struct OperatorSet {
    address avs;
    uint32 id;
}

/// @title IAllocationManagerTypes
/// @notice EigenLayer's AllocationManager structs, ABI-identical to mainnet v1.12.0.
interface IAllocationManagerTypes {
    /// @notice An operator's allocation of magnitude to one (operator set, strategy).
    /// @param pendingDiff a queued change that applies at `effectBlock` (negative: a deallocation)
    struct Allocation {
        uint64 currentMagnitude;
        int128 pendingDiff;
        uint32 effectBlock;
    }

    /// @notice Legacy form of `CreateSetParamsV2`: the AVS itself becomes the slasher.
    struct CreateSetParams {
        uint32 operatorSetId;
        IStrategy[] strategies;
    }

    /// @notice Creates operator set `operatorSetId` with `strategies`; `slasher` alone may slash it.
    struct CreateSetParamsV2 {
        uint32 operatorSetId;
        IStrategy[] strategies;
        address slasher;
    }

    /// @notice Sets the operator's magnitude per strategy for one operator set.
    struct AllocateParams {
        OperatorSet operatorSet;
        IStrategy[] strategies;
        uint64[] newMagnitudes;
    }

    /// @notice Registers the operator for some of an AVS's operator sets; `data` goes to the AVS registrar.
    struct RegisterParams {
        address avs;
        uint32[] operatorSetIds;
        bytes data;
    }

    /// @notice Deregisters `operator` from some of `avs`'s operator sets.
    struct DeregisterParams {
        address operator;
        address avs;
        uint32[] operatorSetIds;
    }

    /// @notice A slash: for each strategy (strictly ascending by address) the WAD fraction of the operator's
    /// allocation to the set to slash.
    struct SlashingParams {
        address operator;
        uint32 operatorSetId;
        IStrategy[] strategies;
        uint256[] wadsToSlash;
        string description;
    }
}

/// @title IAllocationManager
/// @notice The part of EigenLayer's `IAllocationManager` (v1.12.0) that lrt-vault, its scripts and tests use: the
/// vault reads max magnitudes; the test AVS and the fork tests create operator sets, allocate and slash.
interface IAllocationManager is IAllocationManagerTypes {
    /// @notice Registers or updates the metadata of `avs`; needed once before it creates operator sets.
    function updateAVSMetadataURI(address avs, string calldata metadataURI) external;

    /// @notice Creates operator sets of `avs`, each with its slasher.
    function createOperatorSets(address avs, CreateSetParamsV2[] calldata params) external;

    /// @notice Registers `operator` for operator sets; calls the AVS registrar, which may refuse.
    function registerForOperatorSets(address operator, RegisterParams calldata params) external;

    /// @notice Deregisters an operator; it stays slashable for `DEALLOCATION_DELAY` blocks.
    function deregisterFromOperatorSets(DeregisterParams calldata params) external;

    /// @notice Changes `operator`'s allocations; increases become slashable after its allocation delay.
    function modifyAllocations(address operator, AllocateParams[] calldata params) external;

    /// @notice Sets the operator's allocation delay (in blocks).
    function setAllocationDelay(address operator, uint32 delay) external;

    /// @notice Slashes `params.operator` in operator set `(avs, params.operatorSetId)`; caller is the set's slasher.
    /// @return slashId the set's slash counter after this slash
    /// @return shares the deposit shares burned or redistributed per strategy
    function slashOperator(
        address avs,
        SlashingParams calldata params
    ) external returns (uint256 slashId, uint256[] memory shares);

    /// @notice The operator's allocation to `(operatorSet, strategy)`, with any due pending change applied.
    function getAllocation(
        address operator,
        OperatorSet memory operatorSet,
        IStrategy strategy
    ) external view returns (Allocation memory);

    /// @notice `(isSet, delay)` of the operator's allocation delay.
    function getAllocationDelay(address operator) external view returns (bool isSet, uint32 delay);

    /// @notice Whether `operator` can be slashed by `operatorSet` now.
    function isOperatorSlashable(address operator, OperatorSet memory operatorSet) external view returns (bool);

    /// @notice The operator's current max magnitude for `strategy` (WAD when never slashed).
    function getMaxMagnitude(address operator, IStrategy strategy) external view returns (uint64);

    /// @notice Current max magnitudes of one operator across strategies.
    function getMaxMagnitudes(
        address operator,
        IStrategy[] calldata strategies
    ) external view returns (uint64[] memory);

    /// @notice Max magnitudes of one operator across strategies as of `blockNumber`.
    function getMaxMagnitudesAtBlock(
        address operator,
        IStrategy[] calldata strategies,
        uint32 blockNumber
    ) external view returns (uint64[] memory);
}

/// @title IAVSRegistrar
/// @notice What the AllocationManager calls on an AVS (or its registrar) when operators (de)register.
interface IAVSRegistrar {
    /// @notice Called on registration; reverting refuses it.
    function registerOperator(
        address operator,
        address avs,
        uint32[] calldata operatorSetIds,
        bytes calldata data
    ) external;

    /// @notice Called on deregistration.
    function deregisterOperator(address operator, address avs, uint32[] calldata operatorSetIds) external;

    /// @notice Whether this registrar serves `avs`.
    function supportsAVS(address avs) external view returns (bool);
}
