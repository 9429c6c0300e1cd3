// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {Initializer} from "../eigenlayer/mixins/Initializer.sol";
import {OwnableStandIn} from "../eigenlayer/mixins/OwnableStandIn.sol";

/// @title RETHMock
/// @notice Test-only stand-in for Rocket Pool rETH: an exchange-rate token whose ETH-per-rETH rate the owner sets.
/// @dev Conversions round down, as on mainnet. Deposited ETH stays here as collateral for `burn`; plain ETH sent to
/// the contract adds collateral (as mainnet `receive`). No state is set in the constructor, so the runtime code can
/// be placed at the mainnet address with `hardhat_setCode` and then initialized.
contract RETHMock is ERC20, Initializer, OwnableStandIn {
    /// @notice Emitted when the ETH-per-rETH rate (WAD) is set.
    event ExchangeRateUpdated(uint256 newExchangeRate);
    /// @notice Emitted when plain ETH is sent as collateral (mainnet event).
    event EtherDeposited(address indexed from, uint256 amount, uint256 time);
    /// @notice Emitted when rETH is minted for deposited ETH (mainnet event).
    event TokensMinted(address indexed to, uint256 amount, uint256 ethAmount, uint256 time);
    /// @notice Emitted when rETH is burned for ETH (mainnet event).
    event TokensBurned(address indexed from, uint256 amount, uint256 ethAmount, uint256 time);

    /// @notice A zero amount was given.
    error RETHMockZeroAmount();
    /// @notice `amount` converts to zero at the current rate.
    error RETHMockRoundsToZero(uint256 amount);
    /// @notice A zero owner was given.
    error RETHMockZeroAddress();
    /// @notice A zero exchange rate was given.
    error RETHMockZeroRate();
    /// @notice The exchange rate is already `rate`.
    error RETHMockRateUnchanged(uint256 rate);
    /// @notice The contract holds `balance` wei but `needed` are owed.
    error RETHMockInsufficientEthBalance(uint256 balance, uint256 needed);

    uint256 private _exchangeRate;

    /// @dev Empty strings: `name()` and `symbol()` are overridden with constants, so no storage is written.
    constructor() ERC20("", "") {}

    /// @notice Collateral top-up: accepts ETH without minting.
    receive() external payable {
        emit EtherDeposited(msg.sender, msg.value, block.timestamp);
    }

    /// @notice Sets the owner and the initial ETH-per-rETH rate. Callable once.
    /// @param owner_ The owner; not zero.
    /// @param initialRate ETH per rETH, WAD; not zero.
    function initialize(address owner_, uint256 initialRate) external initializer {
        if (owner_ == address(0)) revert RETHMockZeroAddress();
        if (initialRate == 0) revert RETHMockZeroRate();
        _transferOwnership(owner_);
        _exchangeRate = initialRate;
        emit ExchangeRateUpdated(initialRate);
    }

    /// @notice "Rocket Pool ETH".
    function name() public pure override returns (string memory) {
        return "Rocket Pool ETH";
    }

    /// @notice "rETH".
    function symbol() public pure override returns (string memory) {
        return "rETH";
    }

    /// @notice ETH per rETH, WAD.
    function getExchangeRate() external view returns (uint256) {
        return _exchangeRate;
    }

    /// @notice ETH worth `rethAmount` rETH: `rethAmount * rate / 1e18`, rounded down.
    function getEthValue(uint256 rethAmount) public view returns (uint256) {
        return Math.mulDiv(rethAmount, _exchangeRate, 1 ether, Math.Rounding.Floor);
    }

    /// @notice rETH worth `ethAmount` ETH: `ethAmount * 1e18 / rate`, rounded down.
    function getRethValue(uint256 ethAmount) public view returns (uint256) {
        return Math.mulDiv(ethAmount, 1 ether, _exchangeRate, Math.Rounding.Floor);
    }

    /// @notice Mints `getRethValue(msg.value)` rETH to the caller; the ETH stays here as collateral.
    /// @dev Reverts on zero value and when the rETH rounds to zero.
    function deposit() external payable {
        if (msg.value == 0) revert RETHMockZeroAmount();
        uint256 rethAmount = getRethValue(msg.value);
        if (rethAmount == 0) revert RETHMockRoundsToZero(msg.value);
        _mint(msg.sender, rethAmount);
        emit TokensMinted(msg.sender, rethAmount, msg.value, block.timestamp);
    }

    /// @notice Burns `rethAmount` of the caller's rETH and sends `getEthValue(rethAmount)` ETH.
    /// @dev Reverts on zero, when the ETH rounds to zero, and when the contract holds too little ETH.
    function burn(uint256 rethAmount) external {
        if (rethAmount == 0) revert RETHMockZeroAmount();
        uint256 ethAmount = getEthValue(rethAmount);
        if (ethAmount == 0) revert RETHMockRoundsToZero(rethAmount);
        if (ethAmount > address(this).balance) revert RETHMockInsufficientEthBalance(address(this).balance, ethAmount);
        _burn(msg.sender, rethAmount);
        emit TokensBurned(msg.sender, rethAmount, ethAmount, block.timestamp);
        Address.sendValue(payable(msg.sender), ethAmount);
    }

    /// @notice Owner only: sets the ETH-per-rETH rate (WAD); a rise is yield, a fall a loss.
    /// @dev Reverts on zero and on the current rate.
    function setExchangeRate(uint256 newRate) external onlyOwner {
        if (newRate == 0) revert RETHMockZeroRate();
        if (newRate == _exchangeRate) revert RETHMockRateUnchanged(newRate);
        _exchangeRate = newRate;
        emit ExchangeRateUpdated(newRate);
    }
}
