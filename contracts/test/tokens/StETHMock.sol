// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SignedMath} from "@openzeppelin/contracts/utils/math/SignedMath.sol";
import {Initializer} from "../eigenlayer/mixins/Initializer.sol";
import {OwnableStandIn} from "../eigenlayer/mixins/OwnableStandIn.sol";

/// @title StETHMock
/// @notice Test-only stand-in for Lido stETH: balances rebase over shares, exactly as on mainnet.
/// @dev `balanceOf(a) = shares[a] * totalPooledEther / totalShares`, rounded down. A `transfer(amount)` moves
/// `getSharesByPooledEth(amount)` shares, rounded down, so the recipient gains up to 2 wei less than `amount`: the
/// mainnet shortfall, reproduced on purpose. The owner moves `totalPooledEther` with `rebase` to simulate Lido yield or
/// a Lido-level loss; no ETH moves. No state is set in the constructor, so the runtime code can be placed at the
/// mainnet address with `hardhat_setCode` and then initialized.
contract StETHMock is IERC20Metadata, Initializer, OwnableStandIn {
    /// @notice Emitted when ETH is submitted (mainnet Lido event).
    event Submitted(address indexed sender, uint256 amount, address referral);
    /// @notice Emitted with every `Transfer`, giving the shares moved (mainnet Lido event).
    event TransferShares(address indexed from, address indexed to, uint256 sharesValue);
    /// @notice Emitted when the owner changes the pooled ether.
    event Rebased(uint256 preTotalPooledEther, uint256 postTotalPooledEther);

    /// @notice A zero ETH submit or a zero rebase.
    error StETHMockZeroAmount();
    /// @notice A submit of `amount` wei would mint zero shares.
    error StETHMockRoundsToZero(uint256 amount);
    /// @notice A zero address was given (owner, sender, recipient or spender).
    error StETHMockZeroAddress();
    /// @notice Shares may not be sent to the stETH contract itself.
    error StETHMockTransferToStETHContract();
    /// @notice `account` holds `shares` shares but `requested` were to move.
    error StETHMockSharesExceeded(address account, uint256 shares, uint256 requested);
    /// @notice `spender` may spend `allowance` stETH of `owner` but `requested` were to move.
    error StETHMockAllowanceExceeded(address owner, address spender, uint256 allowance, uint256 requested);
    /// @notice A rebase needs shares in existence.
    error StETHMockEmptyPool();
    /// @notice A rebase by `delta` would leave no pooled ether.
    error StETHMockInvalidRebase(uint256 preTotalPooledEther, int256 delta);

    /// @dev Allowances equal to this are never decreased (as on Lido).
    uint256 private constant _INFINITE_ALLOWANCE = type(uint256).max;

    uint256 private _totalPooledEther;
    uint256 private _totalShares;
    mapping(address account => uint256) private _shares;
    mapping(address owner => mapping(address spender => uint256)) private _allowances;

    /// @notice Sets the owner, who alone may `rebase`. Callable once.
    /// @param owner_ The owner; not zero.
    function initialize(address owner_) external initializer {
        if (owner_ == address(0)) revert StETHMockZeroAddress();
        _transferOwnership(owner_);
    }

    /// @notice "Liquid staked Ether 2.0".
    function name() external pure returns (string memory) {
        return "Liquid staked Ether 2.0";
    }

    /// @notice "stETH".
    function symbol() external pure returns (string memory) {
        return "stETH";
    }

    /// @notice 18.
    function decimals() external pure returns (uint8) {
        return 18;
    }

    /// @notice The total pooled ether, which is the stETH supply.
    function totalSupply() external view returns (uint256) {
        return _totalPooledEther;
    }

    /// @notice The stETH balance of `account`: its shares valued at the pooled-ether rate, rounded down.
    function balanceOf(address account) external view returns (uint256) {
        return getPooledEthByShares(_shares[account]);
    }

    /// @notice The stETH that `spender` may move from `owner_`.
    function allowance(address owner_, address spender) external view returns (uint256) {
        return _allowances[owner_][spender];
    }

    /// @notice The shares held by `account`.
    function sharesOf(address account) external view returns (uint256) {
        return _shares[account];
    }

    /// @notice The ether backing all shares.
    function getTotalPooledEther() external view returns (uint256) {
        return _totalPooledEther;
    }

    /// @notice All shares in existence.
    function getTotalShares() external view returns (uint256) {
        return _totalShares;
    }

    /// @notice Shares worth `ethAmount` stETH: `ethAmount * totalShares / totalPooledEther`, rounded down; 1:1 while
    /// no shares exist.
    function getSharesByPooledEth(uint256 ethAmount) public view returns (uint256) {
        if (_totalShares == 0) return ethAmount;
        return Math.mulDiv(ethAmount, _totalShares, _totalPooledEther, Math.Rounding.Floor);
    }

    /// @notice stETH worth `sharesAmount` shares: `sharesAmount * totalPooledEther / totalShares`, rounded down; 1:1
    /// while no shares exist.
    function getPooledEthByShares(uint256 sharesAmount) public view returns (uint256) {
        if (_totalShares == 0) return sharesAmount;
        return Math.mulDiv(sharesAmount, _totalPooledEther, _totalShares, Math.Rounding.Floor);
    }

    /// @notice Stakes `msg.value` ETH and mints `getSharesByPooledEth(msg.value)` shares (rounded down) to the caller.
    /// @dev Reverts on zero value and when the shares round to zero. The ETH stays in this contract.
    /// @param referral Recorded in the `Submitted` event only.
    /// @return shares The shares minted.
    function submit(address referral) external payable returns (uint256 shares) {
        if (msg.value == 0) revert StETHMockZeroAmount();
        shares = getSharesByPooledEth(msg.value);
        if (shares == 0) revert StETHMockRoundsToZero(msg.value);
        _totalShares += shares;
        _shares[msg.sender] += shares;
        _totalPooledEther += msg.value;
        emit Submitted(msg.sender, msg.value, referral);
        _emitTransferEvents(address(0), msg.sender, getPooledEthByShares(shares), shares);
    }

    /// @notice Lets `spender` move up to `amount` stETH of the caller; `type(uint256).max` is never decreased.
    function approve(address spender, uint256 amount) external returns (bool) {
        _approve(msg.sender, spender, amount);
        return true;
    }

    /// @notice Moves `getSharesByPooledEth(amount)` shares (rounded down) from the caller to `to`.
    /// @dev The recipient's balance may rise by up to 2 wei less than `amount` (the mainnet shortfall).
    function transfer(address to, uint256 amount) external returns (bool) {
        _transfer(msg.sender, to, amount);
        return true;
    }

    /// @notice Spends `amount` of the caller's allowance from `from`, then moves `getSharesByPooledEth(amount)` shares
    /// (rounded down) from `from` to `to`.
    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        _spendAllowance(from, msg.sender, amount);
        _transfer(from, to, amount);
        return true;
    }

    /// @notice Moves exactly `sharesAmount` shares from the caller to `to`.
    /// @return The stETH moved, `getPooledEthByShares(sharesAmount)`, rounded down.
    function transferShares(address to, uint256 sharesAmount) external returns (uint256) {
        _transferShares(msg.sender, to, sharesAmount);
        uint256 amount = getPooledEthByShares(sharesAmount);
        _emitTransferEvents(msg.sender, to, amount, sharesAmount);
        return amount;
    }

    /// @notice Moves exactly `sharesAmount` shares from `from` to `to`, spending the caller's allowance by their stETH
    /// value `getPooledEthByShares(sharesAmount)`, rounded down as on Lido.
    /// @return The stETH moved.
    function transferSharesFrom(address from, address to, uint256 sharesAmount) external returns (uint256) {
        uint256 amount = getPooledEthByShares(sharesAmount);
        _spendAllowance(from, msg.sender, amount);
        _transferShares(from, to, sharesAmount);
        _emitTransferEvents(from, to, amount, sharesAmount);
        return amount;
    }

    /// @notice Owner only: adds `deltaPooledEther` (yield if positive, a Lido-level loss if negative) to the pooled
    /// ether without moving ETH, so every balance changes pro rata.
    /// @dev Reverts on a zero delta, while no shares exist, and when the pooled ether would end at zero or below.
    function rebase(int256 deltaPooledEther) external onlyOwner {
        if (deltaPooledEther == 0) revert StETHMockZeroAmount();
        if (_totalShares == 0) revert StETHMockEmptyPool();
        uint256 pre = _totalPooledEther;
        uint256 change = SignedMath.abs(deltaPooledEther);
        if (deltaPooledEther < 0 && change >= pre) revert StETHMockInvalidRebase(pre, deltaPooledEther);
        uint256 post = deltaPooledEther > 0 ? pre + change : pre - change;
        _totalPooledEther = post;
        emit Rebased(pre, post);
    }

    function _transfer(address from, address to, uint256 amount) private {
        uint256 sharesAmount = getSharesByPooledEth(amount);
        _transferShares(from, to, sharesAmount);
        _emitTransferEvents(from, to, amount, sharesAmount);
    }

    function _transferShares(address from, address to, uint256 sharesAmount) private {
        if (from == address(0) || to == address(0)) revert StETHMockZeroAddress();
        if (to == address(this)) revert StETHMockTransferToStETHContract();
        uint256 fromShares = _shares[from];
        if (sharesAmount > fromShares) revert StETHMockSharesExceeded(from, fromShares, sharesAmount);
        _shares[from] = fromShares - sharesAmount;
        _shares[to] += sharesAmount;
    }

    function _approve(address owner_, address spender, uint256 amount) private {
        if (owner_ == address(0) || spender == address(0)) revert StETHMockZeroAddress();
        _allowances[owner_][spender] = amount;
        emit Approval(owner_, spender, amount);
    }

    function _spendAllowance(address owner_, address spender, uint256 amount) private {
        uint256 current = _allowances[owner_][spender];
        if (current == _INFINITE_ALLOWANCE) return;
        if (amount > current) revert StETHMockAllowanceExceeded(owner_, spender, current, amount);
        _approve(owner_, spender, current - amount);
    }

    function _emitTransferEvents(address from, address to, uint256 amount, uint256 sharesAmount) private {
        emit Transfer(from, to, amount);
        emit TransferShares(from, to, sharesAmount);
    }
}
