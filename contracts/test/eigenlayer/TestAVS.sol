// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IStrategy} from "../../interfaces/external/eigenlayer/IStrategy.sol";
import {
    IAllocationManager,
    IAllocationManagerTypes,
    IAVSRegistrar
} from "../../interfaces/external/eigenlayer/IAllocationManager.sol";

/// @title TestAVS
/// @notice A minimal AVS for tests, the demo and the fork tests: it registers with the AllocationManager, creates
/// operator sets it slashes itself, accepts every operator registration, and lets its owner slash. It uses only
/// mainnet signatures, so the same contract works against the local stand-in and against mainnet EigenLayer.
contract TestAVS is IAVSRegistrar {
    /// @notice Emitted when an operator registers for some of this AVS's sets.
    event OperatorRegistered(address indexed operator, uint32[] operatorSetIds);
    /// @notice Emitted when an operator deregisters.
    event OperatorDeregistered(address indexed operator, uint32[] operatorSetIds);

    /// @notice Only the owner may do this.
    error TestAVSOnlyOwner(address caller);
    /// @notice Only the AllocationManager may call the registrar hooks.
    error TestAVSOnlyAllocationManager(address caller);

    /// @notice The AllocationManager this AVS lives in.
    IAllocationManager public immutable allocationManager;
    /// @notice Who may create sets and slash.
    address public immutable owner;

    constructor(IAllocationManager allocationManager_, string memory metadataURI) {
        allocationManager = allocationManager_;
        owner = msg.sender;
        allocationManager_.updateAVSMetadataURI(address(this), metadataURI);
    }

    modifier onlyOwner() {
        if (msg.sender != owner) revert TestAVSOnlyOwner(msg.sender);
        _;
    }

    /// @notice Creates operator set `id` over `strategies`, slashable by this contract.
    function createOperatorSet(uint32 id, IStrategy[] calldata strategies) external onlyOwner {
        IAllocationManagerTypes.CreateSetParamsV2[] memory params = new IAllocationManagerTypes.CreateSetParamsV2[](1);
        params[0] = IAllocationManagerTypes.CreateSetParamsV2(id, strategies, address(this));
        allocationManager.createOperatorSets(address(this), params);
    }

    /// @notice Slashes `operator` in set `id` by `wadsToSlash[i]` of its allocation to each strategy.
    /// @param strategies strictly ascending by address
    function slash(
        address operator,
        uint32 id,
        IStrategy[] calldata strategies,
        uint256[] calldata wadsToSlash,
        string calldata description
    ) external onlyOwner returns (uint256 slashId, uint256[] memory shares) {
        return
            allocationManager.slashOperator(
                address(this),
                IAllocationManagerTypes.SlashingParams(operator, id, strategies, wadsToSlash, description)
            );
    }

    /// @inheritdoc IAVSRegistrar
    function registerOperator(address operator, address, uint32[] calldata operatorSetIds, bytes calldata) external {
        if (msg.sender != address(allocationManager)) revert TestAVSOnlyAllocationManager(msg.sender);
        emit OperatorRegistered(operator, operatorSetIds);
    }

    /// @inheritdoc IAVSRegistrar
    function deregisterOperator(address operator, address, uint32[] calldata operatorSetIds) external {
        if (msg.sender != address(allocationManager)) revert TestAVSOnlyAllocationManager(msg.sender);
        emit OperatorDeregistered(operator, operatorSetIds);
    }

    /// @inheritdoc IAVSRegistrar
    function supportsAVS(address avs) external view returns (bool) {
        return avs == address(this);
    }
}
