// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title RewardTokenMock
/// @notice An 18-decimal ERC-20 that anyone may mint, standing in for an AVS reward token in local tests.
/// @dev The name and symbol are constants returned by overrides, and the base constructor receives empty strings,
/// which leaves storage untouched: the contract has no constructor state, so its runtime code can be copied to any
/// address with `hardhat_setCode`. Every deployment therefore shares the same name and symbol; tell them apart by
/// address.
contract RewardTokenMock is ERC20("", "") {
    /// @notice Creates `amount` tokens for `to`. Unrestricted: test-only.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @inheritdoc ERC20
    function name() public pure override returns (string memory) {
        return "Reward Token Mock";
    }

    /// @inheritdoc ERC20
    function symbol() public pure override returns (string memory) {
        return "RWD";
    }
}
