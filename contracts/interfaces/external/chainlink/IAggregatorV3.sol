// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IAggregatorV3
/// @notice The part of Chainlink's `AggregatorV3Interface` lrt-vault reads (market prices of LSTs in ETH). On mainnet
/// the feeds are `EACAggregatorProxy` contracts; `latestRoundData` returns the latest answer and when it was updated.
interface IAggregatorV3 {
    /// @notice Decimals of `answer` (18 for the ETH-denominated LST feeds).
    function decimals() external view returns (uint8);

    /// @notice The latest round: `answer` (scaled by `decimals()`) and the time it was last `updatedAt`.
    function latestRoundData()
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);
}
