// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IWETH9
/// @notice The WETH9 call lrt-vault uses (mainnet signature, 0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2): it burns
/// `wad` of the caller's WETH and sends the caller `wad` wei.
interface IWETH9 {
    /// @notice Burns `wad` of the caller's WETH and sends the caller `wad` ETH.
    /// @param wad the WETH to unwrap (wei)
    function withdraw(uint256 wad) external;
}
