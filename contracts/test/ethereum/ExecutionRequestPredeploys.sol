// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title ExecutionRequestPredeploy (local stand-in of the EIP-7002 / EIP-7251 request contracts)
/// @notice The execution-layer request queues of Pectra. A call with EMPTY calldata (and no value) returns the
/// current fee as one 32-byte word; a call with exactly `REQUEST_LENGTH` bytes and at least the fee in value records
/// the request and emits it as the real contracts do: an anonymous log (LOG0) whose data is the caller's 20-byte
/// address followed by the calldata. Anything else reverts with empty data.
/// @dev Modelled: the calldata shapes, the fee rule `fake_exponential(1 wei, excess, 17)` of both EIPs, the refusal
/// of an underpaid request, the LOG0 record, the queue (`requestCount` / `requestAt`, for the harness). Not modelled:
/// the end-of-block system call that dequeues up to 16 (or 2) requests and moves `excess` towards the target; the
/// harness sets `excess` itself (`setExcess`; 0 = the minimum fee of 1 wei). A call from the system address is
/// accepted and ignored. The fee paid stays here, as on mainnet.
abstract contract ExecutionRequestPredeploy {
    /// @notice The caller of the per-block system dequeue on a real node.
    address public constant SYSTEM_ADDRESS = 0xffffFFFfFFffffffffffffffFfFFFfffFFFfFFfE;
    uint256 private constant MIN_REQUEST_FEE = 1;
    uint256 private constant REQUEST_FEE_UPDATE_FRACTION = 17;

    uint256 private _excess;
    bytes[] private _requests;

    /// @notice Harness: sets the excess request count the fee is computed from.
    function setExcess(uint256 newExcess) external {
        _excess = newExcess;
    }

    /// @notice The excess request count the fee is computed from.
    function excess() external view returns (uint256) {
        return _excess;
    }

    /// @notice Requests recorded so far.
    function requestCount() external view returns (uint256) {
        return _requests.length;
    }

    /// @notice Request `index`, as logged: source address (20 bytes) followed by the calldata.
    function requestAt(uint256 index) external view returns (bytes memory) {
        return _requests[index];
    }

    /// @notice Empty calldata: the fee getter, which returns the fee as one word and refuses value.
    // solhint-disable-next-line no-complex-fallback
    receive() external payable {
        if (msg.value != 0) _revertEmpty();
        uint256 fee = _fee();
        assembly ("memory-safe") {
            mstore(0, fee)
            return(0, 32)
        }
    }

    /// @notice A request: exactly `_requestLength()` bytes, value >= fee.
    // solhint-disable-next-line no-complex-fallback
    fallback(bytes calldata input) external payable returns (bytes memory) {
        if (msg.sender == SYSTEM_ADDRESS) return "";
        if (input.length != _requestLength()) _revertEmpty();
        if (msg.value < _fee()) _revertEmpty();
        bytes memory record = abi.encodePacked(msg.sender, input);
        _requests.push(record);
        assembly ("memory-safe") {
            log0(add(record, 0x20), mload(record))
        }
        return "";
    }

    function _requestLength() internal pure virtual returns (uint256);

    /// @dev EIP-7002 / EIP-7251 `fake_exponential(factor, numerator, denominator)`.
    function _fee() private view returns (uint256) {
        uint256 numerator = _excess;
        uint256 i = 1;
        uint256 output = 0;
        uint256 accumulator = MIN_REQUEST_FEE * REQUEST_FEE_UPDATE_FRACTION;
        while (accumulator > 0) {
            output += accumulator;
            accumulator = (accumulator * numerator) / (REQUEST_FEE_UPDATE_FRACTION * i);
            ++i;
        }
        return output / REQUEST_FEE_UPDATE_FRACTION;
    }

    function _revertEmpty() private pure {
        assembly ("memory-safe") {
            revert(0, 0)
        }
    }
}

/// @title WithdrawalRequestPredeploy (EIP-7002)
/// @notice Mainnet `0x00000961Ef480Eb55e80D19ad83579A64c007002`. A request is 56 bytes: the validator's 48-byte
/// pubkey and the amount in gwei as 8 big-endian bytes (0 = full exit). Place with `hardhat_setCode`.
contract WithdrawalRequestPredeploy is ExecutionRequestPredeploy {
    function _requestLength() internal pure override returns (uint256) {
        return 56;
    }
}

/// @title ConsolidationRequestPredeploy (EIP-7251)
/// @notice Mainnet `0x0000BBdDc7CE488642fb579F8B00f3a590007251`. A request is 96 bytes: source pubkey, target
/// pubkey (equal: switch the validator to compounding credentials). Place with `hardhat_setCode`.
contract ConsolidationRequestPredeploy is ExecutionRequestPredeploy {
    function _requestLength() internal pure override returns (uint256) {
        return 96;
    }
}
