// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IStrategy} from "../../interfaces/external/eigenlayer/IStrategy.sol";
import {IStrategyManager} from "../../interfaces/external/eigenlayer/IStrategyManager.sol";
import {Initializer} from "./mixins/Initializer.sol";
import {Pausable} from "./permissions/Pausable.sol";
import {PauserRegistry} from "./permissions/PauserRegistry.sol";

/// @title StrategyBase (local stand-in of EigenLayer v1.12.0)
/// @notice Holds one token for the StrategyManager and issues strategy shares against it.
/// @dev Share math uses a virtual offset of 1000 shares and 1000 tokens, so the first depositor cannot inflate the
/// rate; both directions round down (against the staker). `balance` is the live `balanceOf(this)`: rebasing tokens
/// and donations move the rate. The strategy assumes exactly `amount` arrived (no fee-on-transfer support: stETH's
/// 1-2 wei shortfall is not compensated), as on mainnet.
contract StrategyBase is IStrategy, Initializer, Pausable {
    using SafeERC20 for IERC20;

    /// @notice Emitted after every deposit and withdrawal: 1e18 * virtual balance / virtual shares.
    event ExchangeRateEmitted(uint256 rate);
    /// @notice Emitted once, when the token is set.
    event StrategyTokenSet(IERC20 token, uint8 decimals);

    /// @notice A zero address was given.
    error InputAddressZero();
    /// @notice Only the StrategyManager may call this.
    error OnlyStrategyManager();
    /// @notice The token is not this strategy's underlying token.
    error OnlyUnderlyingToken();
    /// @notice The deposit would mint zero shares.
    error NewSharesZero();
    /// @notice Total shares would exceed 1e38 - 1.
    error TotalSharesExceedsMax();
    /// @notice More shares requested than exist.
    error WithdrawalAmountExceedsTotalDeposits();

    uint8 internal constant PAUSED_DEPOSITS = 0;
    uint8 internal constant PAUSED_WITHDRAWALS = 1;
    uint256 internal constant SHARES_OFFSET = 1e3;
    uint256 internal constant BALANCE_OFFSET = 1e3;
    uint256 internal constant MAX_TOTAL_SHARES = 1e38 - 1;

    IStrategyManager private _strategyManager;
    IERC20 private _underlyingToken;
    uint256 private _totalShares;

    modifier onlyStrategyManager() {
        if (msg.sender != address(_strategyManager)) revert OnlyStrategyManager();
        _;
    }

    /// @notice Stand-in initializer: mainnet passes the StrategyManager and PauserRegistry to the constructor.
    function initializeStandIn(
        IStrategyManager strategyManager_,
        PauserRegistry pauserRegistry_,
        IERC20 token
    ) external virtual initializer {
        _initializeStrategyBase(strategyManager_, pauserRegistry_, token);
    }

    /// @inheritdoc IStrategy
    function deposit(
        IERC20 token,
        uint256 amount
    ) external onlyWhenNotPaused(PAUSED_DEPOSITS) onlyStrategyManager returns (uint256 newShares) {
        _beforeDeposit(token, amount);
        uint256 priorTotalShares = _totalShares;
        uint256 virtualTokenBalance = _tokenBalance() + BALANCE_OFFSET;
        // The tokens already arrived: price them against the balance before the transfer (floor).
        newShares = Math.mulDiv(amount, priorTotalShares + SHARES_OFFSET, virtualTokenBalance - amount);
        if (newShares == 0) revert NewSharesZero();
        uint256 totalAfter = priorTotalShares + newShares;
        if (totalAfter > MAX_TOTAL_SHARES) revert TotalSharesExceedsMax();
        _totalShares = totalAfter;
        _emitExchangeRate(virtualTokenBalance, totalAfter + SHARES_OFFSET);
    }

    /// @inheritdoc IStrategy
    function withdraw(
        address recipient,
        IERC20 token,
        uint256 amountShares
    ) external onlyWhenNotPaused(PAUSED_WITHDRAWALS) onlyStrategyManager returns (uint256 amountOut) {
        if (token != _underlyingToken) revert OnlyUnderlyingToken();
        uint256 priorTotalShares = _totalShares;
        if (amountShares > priorTotalShares) revert WithdrawalAmountExceedsTotalDeposits();
        uint256 virtualTokenBalance = _tokenBalance() + BALANCE_OFFSET;
        // Priced before the shares leave (floor).
        amountOut = Math.mulDiv(virtualTokenBalance, amountShares, priorTotalShares + SHARES_OFFSET);
        _totalShares = priorTotalShares - amountShares;
        _emitExchangeRate(virtualTokenBalance - amountOut, _totalShares + SHARES_OFFSET);
        _underlyingToken.safeTransfer(recipient, amountOut);
    }

    /// @inheritdoc IStrategy
    function beforeAddShares(address, uint256) external view onlyStrategyManager {}

    /// @inheritdoc IStrategy
    function beforeRemoveShares(address, uint256) external view onlyStrategyManager {}

    /// @notice A human-readable description of the strategy.
    function explanation() external pure virtual returns (string memory) {
        return "Base Strategy implementation to inherit from for more complex implementations";
    }

    /// @inheritdoc IStrategy
    function sharesToUnderlyingView(uint256 amountShares) public view returns (uint256) {
        return Math.mulDiv(_tokenBalance() + BALANCE_OFFSET, amountShares, _totalShares + SHARES_OFFSET);
    }

    /// @notice Same as `sharesToUnderlyingView` (declared non-view in `IStrategy`, view here as on mainnet).
    function sharesToUnderlying(uint256 amountShares) external view returns (uint256) {
        return sharesToUnderlyingView(amountShares);
    }

    /// @inheritdoc IStrategy
    function underlyingToSharesView(uint256 amountUnderlying) public view returns (uint256) {
        return Math.mulDiv(amountUnderlying, _totalShares + SHARES_OFFSET, _tokenBalance() + BALANCE_OFFSET);
    }

    /// @notice Same as `underlyingToSharesView`.
    function underlyingToShares(uint256 amountUnderlying) external view returns (uint256) {
        return underlyingToSharesView(amountUnderlying);
    }

    /// @inheritdoc IStrategy
    function userUnderlyingView(address user) external view returns (uint256) {
        return sharesToUnderlyingView(shares(user));
    }

    /// @notice Same as `userUnderlyingView` (declared non-view in `IStrategy`; the selector is what matters).
    function userUnderlying(address user) external view returns (uint256) {
        return sharesToUnderlyingView(shares(user));
    }

    /// @inheritdoc IStrategy
    function shares(address user) public view returns (uint256) {
        return _strategyManager.stakerDepositShares(user, IStrategy(address(this)));
    }

    /// @inheritdoc IStrategy
    function underlyingToken() external view returns (IERC20) {
        return _underlyingToken;
    }

    /// @inheritdoc IStrategy
    function totalShares() external view returns (uint256) {
        return _totalShares;
    }

    /// @notice The StrategyManager this strategy serves.
    function strategyManager() external view returns (address) {
        return address(_strategyManager);
    }

    function _initializeStrategyBase(
        IStrategyManager strategyManager_,
        PauserRegistry pauserRegistry_,
        IERC20 token
    ) internal {
        if (address(strategyManager_) == address(0) || address(token) == address(0)) revert InputAddressZero();
        if (address(pauserRegistry_) == address(0)) revert InputAddressZero();
        _strategyManager = strategyManager_;
        _underlyingToken = token;
        _initializePausable(pauserRegistry_, 0);
        emit StrategyTokenSet(token, IERC20Metadata(address(token)).decimals());
    }

    /// @dev Checks the token; TVL-limited strategies add their caps.
    function _beforeDeposit(IERC20 token, uint256) internal view virtual {
        if (token != _underlyingToken) revert OnlyUnderlyingToken();
    }

    function _tokenBalance() internal view returns (uint256) {
        return _underlyingToken.balanceOf(address(this));
    }

    function _emitExchangeRate(uint256 virtualTokenBalance, uint256 virtualTotalShares) private {
        emit ExchangeRateEmitted(Math.mulDiv(1e18, virtualTokenBalance, virtualTotalShares));
    }
}
