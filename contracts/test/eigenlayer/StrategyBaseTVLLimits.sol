// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IStrategyManager} from "../../interfaces/external/eigenlayer/IStrategyManager.sol";
import {StrategyBase} from "./StrategyBase.sol";
import {PauserRegistry} from "./permissions/PauserRegistry.sol";

/// @title StrategyBaseTVLLimits (local stand-in of EigenLayer v1.12.0)
/// @notice The strategy type of the pre-factory LST strategies (stETH, rETH, cbETH, ...): a StrategyBase with a
/// per-deposit cap and a cap on the strategy's token balance, both set by the unpauser.
contract StrategyBaseTVLLimits is StrategyBase {
    /// @notice Emitted when the per-deposit cap changes.
    event MaxPerDepositUpdated(uint256 previousValue, uint256 newValue);
    /// @notice Emitted when the total-balance cap changes.
    event MaxTotalDepositsUpdated(uint256 previousValue, uint256 newValue);

    /// @notice The deposit exceeds `maxPerDeposit`, or a new `maxPerDeposit` exceeds `maxTotalDeposits`.
    error MaxPerDepositExceedsMax();
    /// @notice The strategy's balance after the deposit exceeds `maxTotalDeposits`.
    error BalanceExceedsMaxTotalDeposits();

    /// @notice Largest single deposit.
    uint256 public maxPerDeposit;
    /// @notice Largest token balance the strategy may hold after a deposit.
    uint256 public maxTotalDeposits;

    /// @notice Stand-in initializer; both caps start unlimited (mainnet reads them from storage, set by governance).
    function initializeStandIn(
        IStrategyManager strategyManager_,
        PauserRegistry pauserRegistry_,
        IERC20 token
    ) external override initializer {
        _initializeStrategyBase(strategyManager_, pauserRegistry_, token);
        _setTVLLimits(type(uint256).max, type(uint256).max);
    }

    /// @notice Sets both caps (unpauser only).
    function setTVLLimits(uint256 newMaxPerDeposit, uint256 newMaxTotalDeposits) external {
        if (msg.sender != PauserRegistry(this.pauserRegistry()).unpauser()) revert OnlyUnpauser();
        _setTVLLimits(newMaxPerDeposit, newMaxTotalDeposits);
    }

    /// @notice `(maxPerDeposit, maxTotalDeposits)`.
    function getTVLLimits() external view returns (uint256, uint256) {
        return (maxPerDeposit, maxTotalDeposits);
    }

    /// @inheritdoc StrategyBase
    function explanation() external pure override returns (string memory) {
        return "Base Strategy implementation with TVL limits";
    }

    function _setTVLLimits(uint256 newMaxPerDeposit, uint256 newMaxTotalDeposits) private {
        if (newMaxPerDeposit > newMaxTotalDeposits) revert MaxPerDepositExceedsMax();
        emit MaxPerDepositUpdated(maxPerDeposit, newMaxPerDeposit);
        maxPerDeposit = newMaxPerDeposit;
        emit MaxTotalDepositsUpdated(maxTotalDeposits, newMaxTotalDeposits);
        maxTotalDeposits = newMaxTotalDeposits;
    }

    function _beforeDeposit(IERC20 token, uint256 amount) internal view override {
        super._beforeDeposit(token, amount);
        if (amount > maxPerDeposit) revert MaxPerDepositExceedsMax();
        if (_tokenBalance() > maxTotalDeposits) revert BalanceExceedsMaxTotalDeposits();
    }
}
