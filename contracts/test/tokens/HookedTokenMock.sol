// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title HookedTokenMock
/// @notice Test-only ERC-20 with an ERC-777-style transfer hook: on every transfer it calls a configured target with
/// configured calldata, either before the balances move (like ERC-777's `tokensToSend`) or after (like
/// `tokensReceived`). Used to re-enter lrt-vault from inside a token transfer, with any entry point: the hook's
/// success and return data are recorded (and emitted), never bubbled, so the outer call goes on whatever the
/// re-entrant call did.
/// @dev The hook runs at most once per transfer (no hook inside the hook). Anyone may mint and set the hook.
contract HookedTokenMock is ERC20 {
    /// @notice The hook called `target`; `ok` is whether that call succeeded, `data` what it returned or reverted with.
    event HookCalled(address indexed target, bool ok, bytes data);

    address public hookTarget;
    bytes public hookData;
    bool public hookBefore;
    uint256 public hookValue;
    /// @notice Results of every hook call since the last `setHook`, in order.
    bool[] public hookOk;
    bytes[] public hookReturn;

    bool private _inHook;

    constructor() ERC20("Hooked Token", "HOOK") {}

    /// @notice Mints `amount` to `to` (anyone).
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice On each later transfer, calls `target` with `data` (sending `value` wei the token holds), before the
    /// balances move if `before`, after otherwise. A zero target switches the hook off. Clears recorded results.
    function setHook(address target, bytes calldata data, bool before, uint256 value) external {
        hookTarget = target;
        hookData = data;
        hookBefore = before;
        hookValue = value;
        delete hookOk;
        delete hookReturn;
    }

    /// @notice How many hook calls were recorded since the last `setHook`.
    function hookCalls() external view returns (uint256) {
        return hookOk.length;
    }

    /// @notice Funds the hook's ETH calls.
    receive() external payable {}

    function _update(address from, address to, uint256 value) internal override {
        if (hookBefore) _hook();
        super._update(from, to, value);
        if (!hookBefore) _hook();
    }

    function _hook() private {
        address target = hookTarget;
        if (target == address(0) || _inHook) return;
        _inHook = true;
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory ret) = target.call{value: hookValue}(hookData);
        _inHook = false;
        hookOk.push(ok);
        hookReturn.push(ret);
        emit HookCalled(target, ok, ret);
    }
}
