// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title WETHMock
/// @notice Test-only stand-in for WETH9: 1:1 wrapped ether.
/// @dev Differences from WETH9, both harmless for tests (withdraw pays with the same 2,300-gas `transfer`): deposits and withdrawals also emit ERC-20 `Transfer` from or
/// to the zero address, and `transferFrom` by the holder itself needs an allowance. No state is set in the constructor.
contract WETHMock is ERC20 {
    /// @notice Emitted when ETH is wrapped (WETH9 event).
    event Deposit(address indexed dst, uint256 wad);
    /// @notice Emitted when WETH is unwrapped (WETH9 event).
    event Withdrawal(address indexed src, uint256 wad);

    /// @dev Empty strings: `name()` and `symbol()` are overridden with constants, so no storage is written.
    constructor() ERC20("", "") {}

    /// @notice Wraps the ETH sent, as `deposit`.
    receive() external payable {
        _deposit();
    }

    /// @notice "Wrapped Ether".
    function name() public pure override returns (string memory) {
        return "Wrapped Ether";
    }

    /// @notice "WETH".
    function symbol() public pure override returns (string memory) {
        return "WETH";
    }

    /// @notice Mints `msg.value` WETH to the caller.
    function deposit() external payable {
        _deposit();
    }

    /// @notice Burns `wad` of the caller's WETH and sends `wad` ETH.
    /// @dev Reverts with `ERC20InsufficientBalance` when the caller holds less than `wad`. Sends with Solidity's
    /// `transfer`, as WETH9 does: the receiver gets the 2,300-gas stipend only (a proxy receiving it must already be
    /// warm in the transaction).
    function withdraw(uint256 wad) external {
        _burn(msg.sender, wad);
        emit Withdrawal(msg.sender, wad);
        payable(msg.sender).transfer(wad);
    }

    function _deposit() private {
        _mint(msg.sender, msg.value);
        emit Deposit(msg.sender, msg.value);
    }
}
