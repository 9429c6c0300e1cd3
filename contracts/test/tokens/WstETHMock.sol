// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Initializer} from "../eigenlayer/mixins/Initializer.sol";
import {StETHMock} from "./StETHMock.sol";

/// @title WstETHMock
/// @notice Test-only stand-in for Lido wstETH: a non-rebasing wrapper whose balances are stETH shares.
/// @dev `wrap` mints `getSharesByPooledEth(amount)` and `unwrap` returns `getPooledEthByShares(amount)`, both rounded
/// down, as on mainnet. The name and symbol are constants and the stETH address is set by `initialize`, so the
/// runtime code can be placed at the mainnet address with `hardhat_setCode` and then initialized.
contract WstETHMock is ERC20, Initializer {
    /// @notice A zero amount was given.
    error WstETHMockZeroAmount();
    /// @notice `amount` converts to zero tokens at the current share rate.
    error WstETHMockRoundsToZero(uint256 amount);
    /// @notice A zero stETH address was given.
    error WstETHMockZeroAddress();

    StETHMock private _stETH;

    /// @dev Empty strings: `name()` and `symbol()` are overridden with constants, so no storage is written.
    constructor() ERC20("", "") {}

    /// @notice Sets the wrapped stETH. Callable once.
    /// @param stETH_ The StETHMock; not zero.
    function initialize(address stETH_) external initializer {
        if (stETH_ == address(0)) revert WstETHMockZeroAddress();
        _stETH = StETHMock(stETH_);
    }

    /// @notice "Wrapped liquid staked Ether 2.0".
    function name() public pure override returns (string memory) {
        return "Wrapped liquid staked Ether 2.0";
    }

    /// @notice "wstETH".
    function symbol() public pure override returns (string memory) {
        return "wstETH";
    }

    /// @notice The wrapped stETH.
    function stETH() external view returns (address) {
        return address(_stETH);
    }

    /// @notice Pulls `stETHAmount` stETH from the caller (allowance needed) and mints the shares it is worth.
    /// @dev Reverts on zero and when the shares round to zero.
    /// @return wstETHAmount `stETH.getSharesByPooledEth(stETHAmount)`, rounded down.
    function wrap(uint256 stETHAmount) external returns (uint256 wstETHAmount) {
        if (stETHAmount == 0) revert WstETHMockZeroAmount();
        wstETHAmount = _stETH.getSharesByPooledEth(stETHAmount);
        if (wstETHAmount == 0) revert WstETHMockRoundsToZero(stETHAmount);
        _mint(msg.sender, wstETHAmount);
        SafeERC20.safeTransferFrom(_stETH, msg.sender, address(this), stETHAmount);
    }

    /// @notice Burns `wstETHAmount` of the caller's wstETH and sends the stETH it is worth.
    /// @dev Reverts on zero and when the stETH rounds to zero. The stETH transfer itself rounds its shares down, so
    /// the caller may receive up to 2 wei less stETH than returned, and dust shares stay here (as on mainnet).
    /// @return stETHAmount `stETH.getPooledEthByShares(wstETHAmount)`, rounded down.
    function unwrap(uint256 wstETHAmount) external returns (uint256 stETHAmount) {
        if (wstETHAmount == 0) revert WstETHMockZeroAmount();
        stETHAmount = _stETH.getPooledEthByShares(wstETHAmount);
        if (stETHAmount == 0) revert WstETHMockRoundsToZero(wstETHAmount);
        _burn(msg.sender, wstETHAmount);
        SafeERC20.safeTransfer(_stETH, msg.sender, stETHAmount);
    }

    /// @notice stETH per 1e18 wstETH: `stETH.getPooledEthByShares(1e18)`, rounded down.
    function stEthPerToken() external view returns (uint256) {
        return _stETH.getPooledEthByShares(1 ether);
    }

    /// @notice wstETH per 1e18 stETH: `stETH.getSharesByPooledEth(1e18)`, rounded down.
    function tokensPerStEth() external view returns (uint256) {
        return _stETH.getSharesByPooledEth(1 ether);
    }

    /// @notice stETH worth `wstETHAmount` wstETH, rounded down.
    function getStETHByWstETH(uint256 wstETHAmount) external view returns (uint256) {
        return _stETH.getPooledEthByShares(wstETHAmount);
    }

    /// @notice wstETH worth `stETHAmount` stETH, rounded down.
    function getWstETHByStETH(uint256 stETHAmount) external view returns (uint256) {
        return _stETH.getSharesByPooledEth(stETHAmount);
    }
}
