// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {OperatorSet} from "../../../interfaces/external/eigenlayer/IAllocationManager.sol";

/// @title OperatorSetKeys
/// @notice The storage key of an operator set, as on mainnet: `bytes32(abi.encodePacked(avs, uint96(id)))`.
library OperatorSetKeys {
    function key(OperatorSet memory operatorSet) internal pure returns (bytes32) {
        return bytes32(abi.encodePacked(operatorSet.avs, uint96(operatorSet.id)));
    }

    function decode(bytes32 k) internal pure returns (OperatorSet memory) {
        // The low 96 bits hold the id, which was a uint32: the cast cannot truncate.
        return OperatorSet({avs: address(uint160(uint256(k) >> 96)), id: uint32(uint256(k) & type(uint96).max)});
    }
}
