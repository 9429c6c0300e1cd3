// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title FeeOnTransferMock
/// @notice Test-only weird token: every transfer burns 1% of the amount (rounded down), so the recipient receives
/// 99%. Anyone can mint.
contract FeeOnTransferMock is ERC20 {
    /// @notice The share of every transfer that is burned, in basis points.
    uint256 public constant FEE_BPS = 100;

    constructor() ERC20("Fee On Transfer", "FOT") {}

    /// @notice Mints `amount` to `to` (no fee).
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @dev Transfers (neither side zero) burn `value * FEE_BPS / 10_000`, rounded down, from the sender.
    function _update(address from, address to, uint256 value) internal override {
        if (from == address(0) || to == address(0)) {
            super._update(from, to, value);
            return;
        }
        uint256 fee = (value * FEE_BPS) / 10_000;
        super._update(from, address(0), fee);
        super._update(from, to, value - fee);
    }
}
