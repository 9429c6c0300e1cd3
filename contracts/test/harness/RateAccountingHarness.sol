// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {RateAccounting} from "../../libraries/RateAccounting.sol";

/// @title RateAccountingHarness
/// @notice Exposes the pure `RateAccounting` library to tests.
contract RateAccountingHarness {
    function rateAt(RateAccounting.State memory s, uint256 time) external pure returns (uint256) {
        return RateAccounting.rateAt(s, time);
    }

    function books(RateAccounting.State memory s) external pure returns (uint256) {
        return RateAccounting.books(s);
    }

    function feeOn(
        RateAccounting.State memory s,
        uint256 valuePerShare,
        uint256 feeBps
    ) external pure returns (uint256) {
        return RateAccounting.feeOn(s, valuePerShare, feeBps);
    }

    function book(
        RateAccounting.State memory s,
        uint256 valuePerShare,
        uint256 time,
        RateAccounting.Params memory p
    ) external pure returns (RateAccounting.State memory next, RateAccounting.Outcome memory out) {
        return RateAccounting.book(s, valuePerShare, time, p);
    }
}
