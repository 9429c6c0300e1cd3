// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IRestakingManager} from "../interfaces/IRestakingManager.sol";
import {IOperatorDelegator} from "../interfaces/IOperatorDelegator.sol";
import {ILRTVault} from "../interfaces/ILRTVault.sol";
import {IPriceAdapter} from "../interfaces/IPriceAdapter.sol";
import {IStrategy} from "../interfaces/external/eigenlayer/IStrategy.sol";
import {IDelegationManager} from "../interfaces/external/eigenlayer/IDelegationManager.sol";
import {IAllocationManager} from "../interfaces/external/eigenlayer/IAllocationManager.sol";
import {RestakingManagerStorage} from "../RestakingManagerStorage.sol";

/// @title RestakingPositions
/// @notice The restaking manager's storage and its reads of EigenLayer: the valuation `sync()` pays for
/// (`positions`), the per-delegator breakdown for dApps, the slash watch (`slashedSince`) and the strategy-in-use
/// check. The reads are `public`: they run by DELEGATECALL in the manager's own storage, so the manager stays under
/// the size limit with its keeper paths inline.
library RestakingPositions {
    // keccak256(abi.encode(uint256(keccak256("lrt.storage.RestakingManager")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant STORAGE_LOCATION = 0x73e79b069ae29be901e27f0d2b555cd04b2999cda6e13a38f3c7735b2daae000;

    /* ----------------------------------------------------------------------------------------------------------- */
    /*                                  VIEWS (DELEGATECALL from the manager)                                        */
    /* ----------------------------------------------------------------------------------------------------------- */

    /// @notice As `IRestakingManager.positions`.
    function positions() public view returns (IRestakingManager.AssetPosition[] memory out) {
        RestakingManagerStorage.ManagerStorage storage $ = load();
        (IStrategy[] memory strategies, address[] memory assets) = strategyList($);
        out = new IRestakingManager.AssetPosition[](strategies.length);
        if (strategies.length == 0) return out;
        (uint256[] memory withdrawable, uint256[] memory queued) = _totalShares($, strategies);
        ILRTVault vault = $.vault;
        for (uint256 s = 0; s < strategies.length; ++s) {
            address asset = assets[s];
            (IPriceAdapter adapter, ) = vault.priceOf(asset);
            out[s] = IRestakingManager.AssetPosition(
                asset,
                toUnits(adapter, toTokens(strategies[s], withdrawable[s])),
                toUnits(adapter, toTokens(strategies[s], queued[s]))
            );
        }
    }

    /// @notice As `IRestakingManager.delegatorPositions`.
    function delegatorPositions() public view returns (IRestakingManager.DelegatorPosition[] memory out) {
        RestakingManagerStorage.ManagerStorage storage $ = load();
        (IStrategy[] memory strategies, ) = strategyList($);
        address[] memory delegators_ = delegatorList($);
        IDelegationManager delegationManager = $.delegationManager;
        out = new IRestakingManager.DelegatorPosition[](delegators_.length * strategies.length);
        if (out.length == 0) return out;
        for (uint256 d = 0; d < delegators_.length; ++d) {
            address delegator = delegators_[d];
            (uint256[] memory withdrawable, ) = delegationManager.getWithdrawableShares(delegator, strategies);
            uint256[] memory queued = new uint256[](strategies.length);
            _addQueued(delegationManager, delegator, strategies, queued);
            address operator_ = IOperatorDelegator(delegator).operator();
            bool delegated = delegationManager.delegatedTo(delegator) != address(0);
            for (uint256 s = 0; s < strategies.length; ++s) {
                out[d * strategies.length + s] = IRestakingManager.DelegatorPosition(
                    delegator,
                    operator_,
                    delegated,
                    address(strategies[s]),
                    withdrawable[s],
                    queued[s],
                    toTokens(strategies[s], withdrawable[s]),
                    toTokens(strategies[s], queued[s])
                );
            }
        }
    }

    /// @notice As `IRestakingManager.slashedSince`.
    function slashedSince(uint256 blockNumber) public view returns (bool) {
        RestakingManagerStorage.ManagerStorage storage $ = load();
        (IStrategy[] memory strategies, ) = strategyList($);
        if (strategies.length == 0) return false;
        IAllocationManager allocationManager = $.allocationManager;
        uint256 count = $.delegatorCount;
        for (uint256 d = 0; d < count; ++d) {
            // The operator it was delegated to last (after a forced undelegation its queued withdrawals stay
            // slashable by that operator until they complete) and the one before (after a redelegation, likewise;
            // `redelegate` makes sure no withdrawal of an earlier operator is still pending).
            IOperatorDelegator delegator = IOperatorDelegator($.delegators[d]);
            address current = delegator.operator();
            address previous = delegator.previousOperator();
            if (_cut(allocationManager, current, strategies, blockNumber)) return true;
            if (previous != address(0) && previous != current) {
                if (_cut(allocationManager, previous, strategies, blockNumber)) return true;
            }
        }
        return false;
    }

    /// @notice Whether any delegator still holds deposit shares of `strategy` or has a queued withdrawal from it.
    function inUse(address strategy) public view returns (bool) {
        RestakingManagerStorage.ManagerStorage storage $ = load();
        IStrategy[] memory single = new IStrategy[](1);
        single[0] = IStrategy(strategy);
        IDelegationManager delegationManager = $.delegationManager;
        uint256 count = $.delegatorCount;
        for (uint256 d = 0; d < count; ++d) {
            address delegator = $.delegators[d];
            (, uint256[] memory depositShares) = delegationManager.getWithdrawableShares(delegator, single);
            if (depositShares[0] != 0) return true;
            (IDelegationManager.Withdrawal[] memory withdrawals, ) = delegationManager.getQueuedWithdrawals(delegator);
            for (uint256 w = 0; w < withdrawals.length; ++w) {
                for (uint256 j = 0; j < withdrawals[w].strategies.length; ++j) {
                    if (address(withdrawals[w].strategies[j]) == strategy) return true;
                }
            }
        }
        return false;
    }

    /* ----------------------------------------------------------------------------------------------------------- */
    /*                                   HELPERS (inlined where they are used)                                       */
    /* ----------------------------------------------------------------------------------------------------------- */

    /// @dev Tokens `shares` strategy shares are worth now, rounded down (no call for zero).
    function toTokens(IStrategy strategy, uint256 shares) internal view returns (uint256) {
        return shares == 0 ? 0 : strategy.sharesToUnderlyingView(shares);
    }

    /// @dev Accounting units of `tokens`, rounded down by the asset's adapter (no call for zero).
    function toUnits(IPriceAdapter adapter, uint256 tokens) internal view returns (uint256) {
        return tokens == 0 ? 0 : adapter.toUnits(tokens);
    }

    /// @dev The delegators, in creation order.
    function delegatorList(
        RestakingManagerStorage.ManagerStorage storage $
    ) internal view returns (address[] memory list) {
        list = new address[]($.delegatorCount);
        for (uint256 d = 0; d < list.length; ++d) {
            list[d] = $.delegators[d];
        }
    }

    /// @dev The strategies and their assets, in `setStrategy` order.
    function strategyList(
        RestakingManagerStorage.ManagerStorage storage $
    ) internal view returns (IStrategy[] memory strategies, address[] memory assets) {
        uint256 count = $.strategyCount;
        strategies = new IStrategy[](count);
        assets = new address[](count);
        for (uint256 s = 0; s < count; ++s) {
            strategies[s] = $.strategies[s];
            assets[s] = $.assets[s];
        }
    }

    function load() internal pure returns (RestakingManagerStorage.ManagerStorage storage $) {
        assembly {
            $.slot := STORAGE_LOCATION
        }
    }

    /// @dev Whether `operator`'s max magnitude for any of `strategies` is lower now than at `blockNumber`.
    function _cut(
        IAllocationManager allocationManager,
        address operator,
        IStrategy[] memory strategies,
        uint256 blockNumber
    ) private view returns (bool) {
        uint64[] memory now_ = allocationManager.getMaxMagnitudes(operator, strategies);
        uint64[] memory then = allocationManager.getMaxMagnitudesAtBlock(operator, strategies, uint32(blockNumber));
        for (uint256 s = 0; s < strategies.length; ++s) {
            if (now_[s] < then[s]) return true;
        }
        return false;
    }

    /// @dev Per strategy, the delegators' withdrawable shares and queued shares, summed (two calls per delegator).
    function _totalShares(
        RestakingManagerStorage.ManagerStorage storage $,
        IStrategy[] memory strategies
    ) private view returns (uint256[] memory withdrawable, uint256[] memory queued) {
        IDelegationManager delegationManager = $.delegationManager;
        address[] memory delegators_ = delegatorList($);
        withdrawable = new uint256[](strategies.length);
        queued = new uint256[](strategies.length);
        for (uint256 d = 0; d < delegators_.length; ++d) {
            (uint256[] memory shares, ) = delegationManager.getWithdrawableShares(delegators_[d], strategies);
            for (uint256 s = 0; s < strategies.length; ++s) {
                withdrawable[s] += shares[s];
            }
            _addQueued(delegationManager, delegators_[d], strategies, queued);
        }
    }

    /// @dev Adds the shares of `delegator`'s queued withdrawals (slashing so far applied) to `queued`, per strategy.
    function _addQueued(
        IDelegationManager delegationManager,
        address delegator,
        IStrategy[] memory strategies,
        uint256[] memory queued
    ) private view {
        (IDelegationManager.Withdrawal[] memory withdrawals, uint256[][] memory shares) = delegationManager
            .getQueuedWithdrawals(delegator);
        for (uint256 w = 0; w < withdrawals.length; ++w) {
            IStrategy[] memory queuedStrategies = withdrawals[w].strategies;
            for (uint256 j = 0; j < queuedStrategies.length; ++j) {
                for (uint256 s = 0; s < strategies.length; ++s) {
                    if (queuedStrategies[j] == strategies[s]) {
                        queued[s] += shares[w][j];
                        break;
                    }
                }
            }
        }
    }
}
