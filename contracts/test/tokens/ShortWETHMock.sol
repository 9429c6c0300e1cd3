// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";

/// @title ShortWETHMock
/// @notice Test-only wrapped ETH that is not WETH9: `withdraw` burns `wad` but pays `wad - shortfall` wei, to check
/// that the vault's `unwrap` refuses anything but an exact 1:1 redemption.
contract ShortWETHMock is ERC20 {
    /// @notice Wei kept back from each withdrawal.
    uint256 public shortfall;

    constructor() ERC20("Short Wrapped Ether", "sWETH") {}

    /// @notice Sets the wei kept back from each withdrawal.
    function setShortfall(uint256 wei_) external {
        shortfall = wei_;
    }

    /// @notice Mints `msg.value` tokens to the caller.
    function deposit() external payable {
        _mint(msg.sender, msg.value);
    }

    /// @notice Burns `wad` of the caller's tokens and sends `wad - shortfall` ETH.
    function withdraw(uint256 wad) external {
        _burn(msg.sender, wad);
        Address.sendValue(payable(msg.sender), wad - shortfall);
    }
}
