// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IRestakingManager} from "../interfaces/IRestakingManager.sol";

/// @title RestakingManagerMock
/// @notice Test-only stand-in for the restaking manager's two valuation views, `positions()` and
/// `delegatorPositions()`, returning whatever a test set. It holds no tokens: linked to a vault, the positions it
/// reports count in the accountant's sync (and the lens) as if restaked. Anyone may set them.
contract RestakingManagerMock {
    IRestakingManager.AssetPosition[] private _positions;
    IRestakingManager.DelegatorPosition[] private _delegatorPositions;
    bool private _slashed;

    /// @notice Sets what `slashedSince` returns (for any block).
    function setSlashed(bool slashed) external {
        _slashed = slashed;
    }

    /// @notice As `IRestakingManager.slashedSince`: the value last set (false by default).
    function slashedSince(uint256) external view returns (bool) {
        return _slashed;
    }

    /// @notice Replaces the per-asset positions `positions()` returns.
    function setPositions(IRestakingManager.AssetPosition[] calldata positions_) external {
        delete _positions;
        for (uint256 i = 0; i < positions_.length; ++i) {
            _positions.push(positions_[i]);
        }
    }

    /// @notice Replaces the (delegator, strategy) positions `delegatorPositions()` returns.
    function setDelegatorPositions(IRestakingManager.DelegatorPosition[] calldata positions_) external {
        delete _delegatorPositions;
        for (uint256 i = 0; i < positions_.length; ++i) {
            _delegatorPositions.push(positions_[i]);
        }
    }

    /// @notice As `IRestakingManager.positions`: the positions last set.
    function positions() external view returns (IRestakingManager.AssetPosition[] memory) {
        return _positions;
    }

    /// @notice As `IRestakingManager.delegatorPositions`: the positions last set.
    function delegatorPositions() external view returns (IRestakingManager.DelegatorPosition[] memory) {
        return _delegatorPositions;
    }
}
