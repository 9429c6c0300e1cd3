// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title SlashingMath
/// @notice EigenLayer's share arithmetic after the slashing release, in WAD (1e18) fixed point. Everything a staker
/// receives rounds down; slashed amounts round against the operator.
library SlashingMath {
    uint256 internal constant WAD = 1e18;

    /// @dev x * y / WAD, rounded down.
    function mulWad(uint256 x, uint256 y) internal pure returns (uint256) {
        return Math.mulDiv(x, y, WAD);
    }

    /// @dev x * y / WAD, rounded up.
    function mulWadUp(uint256 x, uint256 y) internal pure returns (uint256) {
        return Math.mulDiv(x, y, WAD, Math.Rounding.Ceil);
    }

    /// @dev x * WAD / y, rounded down.
    function divWad(uint256 x, uint256 y) internal pure returns (uint256) {
        return Math.mulDiv(x, WAD, y);
    }

    /// @dev An unset deposit scaling factor (stored 0) means WAD.
    function dsfOrWad(uint256 stored) internal pure returns (uint256) {
        return stored == 0 ? WAD : stored;
    }

    /// @notice withdrawable = floor(floor(depositShares * dsf) * slashingFactor).
    function calcWithdrawable(
        uint256 depositShares,
        uint256 dsf,
        uint256 slashingFactor
    ) internal pure returns (uint256) {
        return mulWad(mulWad(depositShares, dsf), slashingFactor);
    }

    /// @notice depositShares = floor(floor(withdrawable / dsf) / slashingFactor).
    function calcDepositShares(
        uint256 withdrawable,
        uint256 dsf,
        uint256 slashingFactor
    ) internal pure returns (uint256) {
        return divWad(divWad(withdrawable, dsf), slashingFactor);
    }

    /// @notice The new deposit scaling factor after `added` deposit shares join `prev` ones.
    /// @dev First deposit (or delegation): the old factor divided by the slashing factor, forgiving past slashing.
    /// Otherwise the factor that keeps withdrawable = old withdrawable + added.
    function updatedDsf(
        uint256 dsf,
        uint256 prev,
        uint256 added,
        uint256 slashingFactor
    ) internal pure returns (uint256) {
        if (prev == 0) return divWad(dsf, slashingFactor);
        uint256 currentWithdrawable = calcWithdrawable(prev, dsf, slashingFactor);
        return divWad(divWad(currentWithdrawable + added, prev + added), slashingFactor);
    }

    /// @notice Operator shares a slash from `prevMax` to `newMax` removes: opShares - ceil(opShares * new / prev).
    function calcSlashedAmount(
        uint256 operatorShares,
        uint256 prevMax,
        uint256 newMax
    ) internal pure returns (uint256) {
        return operatorShares - Math.mulDiv(operatorShares, newMax, prevMax, Math.Rounding.Ceil);
    }
}
