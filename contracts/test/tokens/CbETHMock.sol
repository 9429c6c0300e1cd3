// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {Initializer} from "../eigenlayer/mixins/Initializer.sol";
import {OwnableStandIn} from "../eigenlayer/mixins/OwnableStandIn.sol";

/// @title CbETHMock
/// @notice Test-only stand-in for Coinbase cbETH: an exchange-rate token whose ETH-per-cbETH rate an oracle posts.
/// @dev The owner mints freely; `deposit` mints for ETH at the current rate, rounded down, and keeps the ETH (cbETH has
/// no on-chain redemption). No state is set in the constructor, so the runtime code can be placed at the mainnet
/// address with `hardhat_setCode` and then initialized.
contract CbETHMock is ERC20, Initializer, OwnableStandIn {
    /// @notice Emitted when the oracle changes (mainnet event).
    event OracleUpdated(address indexed newOracle);
    /// @notice Emitted when `oracle` (the caller) sets the ETH-per-cbETH rate, WAD (mainnet event).
    event ExchangeRateUpdated(address indexed oracle, uint256 newExchangeRate);

    /// @notice A zero amount was given.
    error CbETHMockZeroAmount();
    /// @notice `amount` wei converts to zero cbETH at the current rate.
    error CbETHMockRoundsToZero(uint256 amount);
    /// @notice A zero owner or oracle was given.
    error CbETHMockZeroAddress();
    /// @notice A zero exchange rate was given.
    error CbETHMockZeroRate();
    /// @notice The exchange rate is already `rate`.
    error CbETHMockRateUnchanged(uint256 rate);
    /// @notice The oracle is already `oracle`.
    error CbETHMockOracleUnchanged(address oracle);
    /// @notice `caller` is neither the oracle nor the owner.
    error CbETHMockCallerNotOracle(address caller);

    address private _oracle;
    uint256 private _exchangeRate;

    /// @dev Empty strings: `name()` and `symbol()` are overridden with constants, so no storage is written.
    constructor() ERC20("", "") {}

    /// @notice Sets the owner, the oracle and the initial ETH-per-cbETH rate. Callable once.
    /// @param owner_ The owner; not zero.
    /// @param oracle_ The rate oracle; not zero.
    /// @param initialRate ETH per cbETH, WAD; not zero.
    function initialize(address owner_, address oracle_, uint256 initialRate) external initializer {
        if (owner_ == address(0) || oracle_ == address(0)) revert CbETHMockZeroAddress();
        if (initialRate == 0) revert CbETHMockZeroRate();
        _transferOwnership(owner_);
        _oracle = oracle_;
        emit OracleUpdated(oracle_);
        _exchangeRate = initialRate;
        emit ExchangeRateUpdated(msg.sender, initialRate);
    }

    /// @notice "Coinbase Wrapped Staked ETH".
    function name() public pure override returns (string memory) {
        return "Coinbase Wrapped Staked ETH";
    }

    /// @notice "cbETH".
    function symbol() public pure override returns (string memory) {
        return "cbETH";
    }

    /// @notice ETH per cbETH, WAD.
    function exchangeRate() external view returns (uint256) {
        return _exchangeRate;
    }

    /// @notice The account that may post the exchange rate (besides the owner).
    function oracle() external view returns (address) {
        return _oracle;
    }

    /// @notice Oracle or owner only: sets the ETH-per-cbETH rate (WAD); a rise is yield, a fall a loss.
    /// @dev Reverts on zero and on the current rate.
    function updateExchangeRate(uint256 newExchangeRate) external {
        if (msg.sender != _oracle && msg.sender != owner()) revert CbETHMockCallerNotOracle(msg.sender);
        if (newExchangeRate == 0) revert CbETHMockZeroRate();
        if (newExchangeRate == _exchangeRate) revert CbETHMockRateUnchanged(newExchangeRate);
        _exchangeRate = newExchangeRate;
        emit ExchangeRateUpdated(msg.sender, newExchangeRate);
    }

    /// @notice Owner only: replaces the oracle.
    /// @dev Reverts on zero and on the current oracle.
    function updateOracle(address newOracle) external onlyOwner {
        if (newOracle == address(0)) revert CbETHMockZeroAddress();
        if (newOracle == _oracle) revert CbETHMockOracleUnchanged(newOracle);
        _oracle = newOracle;
        emit OracleUpdated(newOracle);
    }

    /// @notice Owner only: mints `amount` cbETH to `to` without ETH.
    /// @dev Reverts on zero.
    function mint(address to, uint256 amount) external onlyOwner {
        if (amount == 0) revert CbETHMockZeroAmount();
        _mint(to, amount);
    }

    /// @notice Mints `msg.value * 1e18 / rate` cbETH (rounded down) to the caller; the ETH stays here.
    /// @dev Reverts on zero value and when the cbETH rounds to zero.
    /// @return cbETHAmount The cbETH minted.
    function deposit() external payable returns (uint256 cbETHAmount) {
        if (msg.value == 0) revert CbETHMockZeroAmount();
        cbETHAmount = Math.mulDiv(msg.value, 1 ether, _exchangeRate, Math.Rounding.Floor);
        if (cbETHAmount == 0) revert CbETHMockRoundsToZero(msg.value);
        _mint(msg.sender, cbETHAmount);
    }
}
