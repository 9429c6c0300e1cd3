// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BeaconProxy} from "@openzeppelin/contracts/proxy/beacon/BeaconProxy.sol";
import {IRestakingManager} from "../interfaces/IRestakingManager.sol";
import {IOperatorDelegator} from "../interfaces/IOperatorDelegator.sol";
import {ILRTVault} from "../interfaces/ILRTVault.sol";
import {IPriceAdapter} from "../interfaces/IPriceAdapter.sol";
import {IStrategy} from "../interfaces/external/eigenlayer/IStrategy.sol";
import {IDelegationManager} from "../interfaces/external/eigenlayer/IDelegationManager.sol";
import {IAllocationManager} from "../interfaces/external/eigenlayer/IAllocationManager.sol";
import {RestakingManagerStorage} from "../RestakingManagerStorage.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IEigenPodManager, IEigenPod} from "../interfaces/external/eigenlayer/IEigenPod.sol";
import {BPS, UNIT, ETH, BEACON_CHAIN_ETH_STRATEGY, VALIDATOR_DEPOSIT, MAX_UNVERIFIED_VALIDATORS} from "./Constants.sol";

/// @title RestakingPositions
/// @notice The restaking manager's reads of EigenLayer: the valuation `sync()` pays for (`positions`), the
/// per-delegator breakdown for dApps, the slash watch (`slashedSince`) and the strategy-in-use check. They are
/// `public`: they run by DELEGATECALL in the manager's own storage, so the manager stays small with its keeper paths
/// inline. Every count they loop over is capped: 16 delegators, 4 strategies (the vault's), and pending EigenLayer
/// withdrawals per delegator (the manager's `MAX_PENDING_WITHDRAWALS`).
library RestakingPositions {
    /// @notice The contracts the reads need (immutables of the manager), as addresses.
    struct Context {
        address vault;
        address delegationManager;
        address allocationManager;
    }

    // keccak256(abi.encode(uint256(keccak256("lrt.storage.RestakingManager")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant STORAGE_LOCATION = 0x73e79b069ae29be901e27f0d2b555cd04b2999cda6e13a38f3c7735b2daae000;

    /* ----------------------------------------------------------------------------------------------------------- */
    /*                                  VIEWS (DELEGATECALL from the manager)                                        */
    /* ----------------------------------------------------------------------------------------------------------- */

    /// @notice As `IRestakingManager.positions`: per restaked asset (the vault's order), the delegators' withdrawable
    /// and queued shares summed, each sum converted once to tokens and then to units, every step rounded down. ETH
    /// (the beacon chain ETH strategy, shares are wei) also counts, as queued, the 32 ETH of every validator staked
    /// whose credentials its pod has not verified yet: from the moment the ETH leaves the vault until the pod credits
    /// it as shares, it is counted exactly once.
    function positions(Context memory c) public view returns (IRestakingManager.AssetPosition[] memory out) {
        (
            address[] memory assets,
            address[] memory strategies,
            uint256[] memory indexes,
            address[] memory adapters
        ) = ILRTVault(c.vault).strategies();
        uint256 n = strategies.length;
        out = new IRestakingManager.AssetPosition[](n);
        if (n == 0) return out;
        IStrategy[] memory list = asStrategies(strategies);
        (uint256[] memory withdrawable, uint256[] memory queued) = _totalShares(
            load(),
            IDelegationManager(c.delegationManager),
            list
        );
        for (uint256 s = 0; s < n; ++s) {
            IPriceAdapter adapter = IPriceAdapter(adapters[s]);
            out[s] = IRestakingManager.AssetPosition(
                assets[s],
                indexes[s],
                toUnits(adapter, toTokens(list[s], withdrawable[s])),
                toUnits(adapter, toTokens(list[s], queued[s]))
            );
            if (address(list[s]) == BEACON_CHAIN_ETH_STRATEGY) out[s].queuedUnits += pendingStake(c);
        }
    }

    /// @notice The ETH of validators staked through the delegators' pods whose credentials are not verified yet:
    /// 32 ETH for each of the delegators' unverified pubkey hashes that its pod still reports `INACTIVE`. Whoever
    /// verifies a validator (the keeper as the pod's proof submitter, or the pod owner), its ETH moves from here to
    /// the pod owner's shares in that same call, so nothing is counted twice or missed.
    function pendingStake(Context memory c) public view returns (uint256 pending) {
        RestakingManagerStorage.ManagerStorage storage $ = load();
        if ($.unverifiedCount == 0) return 0;
        IEigenPodManager podManager = IEigenPodManager(IDelegationManager(c.delegationManager).eigenPodManager());
        uint256 count = $.delegatorCount;
        for (uint256 d = 0; d < count; ++d) {
            address delegator = $.delegators[d];
            bytes32[] storage hashes = $.unverified[delegator];
            uint256 n = hashes.length;
            if (n == 0) continue;
            IEigenPod pod = podManager.getPod(delegator);
            for (uint256 i = 0; i < n; ++i) {
                if (pod.validatorStatus(hashes[i]) == IEigenPod.VALIDATOR_STATUS.INACTIVE) pending += VALIDATOR_DEPOSIT;
            }
        }
    }

    /// @notice Drops from `delegator`'s unverified list every validator its pod has verified (they count as shares
    /// now); returns how many stay unverified.
    function pruneVerified(Context memory c, address delegator) public returns (uint256 left) {
        RestakingManagerStorage.ManagerStorage storage $ = load();
        bytes32[] storage hashes = $.unverified[delegator];
        uint256 n = hashes.length;
        if (n == 0) return 0;
        IEigenPod pod = IEigenPodManager(IDelegationManager(c.delegationManager).eigenPodManager()).getPod(delegator);
        uint256 i = 0;
        while (i < n) {
            if (pod.validatorStatus(hashes[i]) == IEigenPod.VALIDATOR_STATUS.INACTIVE) {
                ++i;
            } else {
                emit IRestakingManager.ValidatorVerified(delegator, hashes[i]);
                hashes[i] = hashes[n - 1];
                hashes.pop();
                --n;
                --$.unverifiedCount;
            }
        }
        return n;
    }

    /// @notice As `IRestakingManager.delegatorPositions`.
    function delegatorPositions(
        Context memory c
    ) public view returns (IRestakingManager.DelegatorPosition[] memory out) {
        (, address[] memory strategies, , ) = ILRTVault(c.vault).strategies();
        IStrategy[] memory list = asStrategies(strategies);
        address[] memory delegators_ = delegatorList(load());
        IDelegationManager delegationManager = IDelegationManager(c.delegationManager);
        out = new IRestakingManager.DelegatorPosition[](delegators_.length * list.length);
        if (out.length == 0) return out;
        for (uint256 d = 0; d < delegators_.length; ++d) {
            address delegator = delegators_[d];
            (uint256[] memory withdrawable, ) = delegationManager.getWithdrawableShares(delegator, list);
            uint256[] memory queued = new uint256[](list.length);
            _addQueued(delegationManager, delegator, list, queued);
            address operator_ = IOperatorDelegator(delegator).operator();
            bool delegated = delegationManager.delegatedTo(delegator) != address(0);
            for (uint256 s = 0; s < list.length; ++s) {
                out[d * list.length + s] = IRestakingManager.DelegatorPosition(
                    delegator,
                    operator_,
                    delegated,
                    strategies[s],
                    withdrawable[s],
                    queued[s],
                    toTokens(list[s], withdrawable[s]),
                    toTokens(list[s], queued[s])
                );
            }
        }
    }

    /// @notice As `IRestakingManager.slashedSince`.
    function slashedSince(Context memory c, uint256 blockNumber) public view returns (bool) {
        (, address[] memory strategies, , ) = ILRTVault(c.vault).strategies();
        if (strategies.length == 0) return false;
        IStrategy[] memory list = asStrategies(strategies);
        IAllocationManager allocationManager = IAllocationManager(c.allocationManager);
        RestakingManagerStorage.ManagerStorage storage $ = load();
        uint256 count = $.delegatorCount;
        for (uint256 d = 0; d < count; ++d) {
            // The operator it was delegated to last (after a forced undelegation its queued withdrawals stay
            // slashable by that operator until they complete) and the one before (after a redelegation, likewise;
            // `redelegate` makes sure no withdrawal of an earlier operator is still pending).
            IOperatorDelegator delegator = IOperatorDelegator($.delegators[d]);
            address current = delegator.operator();
            address previous = delegator.previousOperator();
            if (_cut(allocationManager, current, list, blockNumber)) return true;
            if (previous != address(0) && previous != current) {
                if (_cut(allocationManager, previous, list, blockNumber)) return true;
            }
        }
        return false;
    }

    /// @notice Whether any delegator still holds deposit shares of `strategy` or has a queued withdrawal from it.
    function inUse(Context memory c, address strategy) public view returns (bool) {
        RestakingManagerStorage.ManagerStorage storage $ = load();
        // Validators staked and not yet verified hold ETH that only the beacon strategy's position counts.
        if (strategy == BEACON_CHAIN_ETH_STRATEGY && $.unverifiedCount != 0) return true;
        IStrategy[] memory single = new IStrategy[](1);
        single[0] = IStrategy(strategy);
        IDelegationManager delegationManager = IDelegationManager(c.delegationManager);
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

    /// @notice Reverts `RestakingManagerAboveTarget` unless moving `units` of `asset` to `delegator` goes toward the
    /// targets: the delegator's value before the move must be below its target share of the total after the move.
    /// Values are ETH from withdrawable shares at the vault's stored prices (rounded down at each step: shares ->
    /// tokens -> units -> ETH); the total converts each strategy's summed shares once.
    function checkTarget(
        Context memory c,
        address delegator,
        uint256 targetBps,
        address asset,
        uint256 units
    ) public view {
        (uint256 valueBefore, uint256 totalBefore) = _values(c, delegator);
        (, uint256 price) = ILRTVault(c.vault).priceOf(asset);
        uint256 moved = Math.mulDiv(units, price, UNIT, Math.Rounding.Floor);
        uint256 totalAfter = totalBefore + moved;
        if (valueBefore * BPS >= targetBps * totalAfter) {
            uint256 targetValue = Math.mulDiv(totalAfter, targetBps, BPS, Math.Rounding.Floor);
            revert IRestakingManager.RestakingManagerAboveTarget(delegator, valueBefore + moved, targetValue);
        }
    }

    /// @notice Reverts `RestakingManagerPreviousOperatorPending` while `delegator` has a withdrawal queued under its
    /// previous operator: `slashedSince` watches the last two operators, so those must be done before a redelegation.
    function checkPreviousOperatorDone(Context memory c, address delegator) public view {
        address previous = IOperatorDelegator(delegator).previousOperator();
        if (previous == address(0)) return;
        (IDelegationManager.Withdrawal[] memory pending, ) = IDelegationManager(c.delegationManager)
            .getQueuedWithdrawals(delegator);
        for (uint256 w = 0; w < pending.length; ++w) {
            if (pending[w].delegatedTo == previous) {
                revert IRestakingManager.RestakingManagerPreviousOperatorPending(delegator, previous);
            }
        }
    }

    /// @notice As `IRestakingManager.writeOffUnverified`: drops `pubkeyHash` from `delegator`'s unverified list.
    function writeOffUnverified(address delegator, bytes32 pubkeyHash) public {
        RestakingManagerStorage.ManagerStorage storage $ = load();
        bytes32[] storage hashes = $.unverified[delegator];
        uint256 n = hashes.length;
        for (uint256 i = 0; i < n; ++i) {
            if (hashes[i] != pubkeyHash) continue;
            hashes[i] = hashes[n - 1];
            hashes.pop();
            --$.unverifiedCount;
            emit IRestakingManager.ValidatorWrittenOff(delegator, pubkeyHash);
            return;
        }
        revert IRestakingManager.RestakingManagerUnknownValidator(delegator, pubkeyHash);
    }

    /// @notice The restaking manager's `stakeValidators` checks after the delegator's and the ETH strategy's: the
    /// delegator is delegated, the deposit root is the one the keeper checked, room under `MAX_UNVERIFIED` (verified
    /// validators pruned first) and the delegator's target. Returns the ETH the validators take.
    function checkStake(
        Context memory c,
        address delegator,
        uint256 targetBps,
        uint256 count,
        bytes32 depositRoot
    ) public returns (uint256 amount) {
        IDelegationManager delegationManager = IDelegationManager(c.delegationManager);
        if (delegationManager.delegatedTo(delegator) == address(0)) {
            revert IRestakingManager.RestakingManagerNotDelegated(delegator);
        }
        // The keeper checked off chain that no key was deposited before (a node operator front-running its own key
        // with other withdrawal credentials) as of this deposit root: any deposit since moves it.
        bytes32 root = IEigenPodManager(delegationManager.eigenPodManager()).ethPOS().get_deposit_root();
        if (root != depositRoot) revert IRestakingManager.RestakingManagerDepositRootMoved(depositRoot, root);
        pruneVerified(c, delegator);
        uint256 unverified = load().unverifiedCount;
        if (unverified + count > MAX_UNVERIFIED_VALIDATORS) {
            revert IRestakingManager.RestakingManagerTooManyUnverified(unverified, count);
        }
        amount = count * VALIDATOR_DEPOSIT;
        checkTarget(c, delegator, targetBps, ETH, amount);
    }

    /// @notice Deploys a delegator: a `BeaconProxy` of `beacon` whose constructor runs `initialize(operator)`
    /// (EigenLayer's delegateTo and setClaimerFor). Runs in the manager (DELEGATECALL), which is the deployer, so the
    /// manager's code does not carry the proxy's creation code.
    function createDelegator(address beacon, address operator) public returns (address) {
        return address(new BeaconProxy(beacon, abi.encodeCall(IOperatorDelegator.initialize, (operator))));
    }

    /* ----------------------------------------------------------------------------------------------------------- */
    /*                                   HELPERS (inlined where they are used)                                       */
    /* ----------------------------------------------------------------------------------------------------------- */

    /// @dev Tokens `shares` strategy shares are worth now, rounded down (no call for zero; beacon chain ETH
    /// strategy shares are wei).
    function toTokens(IStrategy strategy, uint256 shares) internal view returns (uint256) {
        if (shares == 0 || address(strategy) == BEACON_CHAIN_ETH_STRATEGY) return shares;
        return strategy.sharesToUnderlyingView(shares);
    }

    /// @dev Accounting units of `tokens`, rounded down by the asset's adapter (no call for zero; ETH has no adapter:
    /// its units are wei).
    function toUnits(IPriceAdapter adapter, uint256 tokens) internal view returns (uint256) {
        return tokens == 0 || address(adapter) == address(0) ? tokens : adapter.toUnits(tokens);
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

    /// @dev The same addresses typed as strategies (an address array and a strategy array share their layout).
    function asStrategies(address[] memory addresses) internal pure returns (IStrategy[] memory list) {
        assembly ("memory-safe") {
            list := addresses
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
        IDelegationManager delegationManager,
        IStrategy[] memory strategies
    ) private view returns (uint256[] memory withdrawable, uint256[] memory queued) {
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

    /// @dev ETH values of `delegator`'s withdrawable shares and of every delegator's, at the vault's stored prices.
    function _values(Context memory c, address delegator) private view returns (uint256 own, uint256 all) {
        ILRTVault vault = ILRTVault(c.vault);
        (address[] memory assets, address[] memory list, , ) = vault.strategies();
        IStrategy[] memory strategies = asStrategies(list);
        address[] memory delegators_ = delegatorList(load());
        IDelegationManager delegationManager = IDelegationManager(c.delegationManager);
        uint256[] memory total = new uint256[](strategies.length);
        uint256[] memory mine = new uint256[](strategies.length);
        for (uint256 d = 0; d < delegators_.length; ++d) {
            (uint256[] memory withdrawable, ) = delegationManager.getWithdrawableShares(delegators_[d], strategies);
            for (uint256 s = 0; s < strategies.length; ++s) {
                total[s] += withdrawable[s];
            }
            if (delegators_[d] == delegator) mine = withdrawable;
        }
        own = _value(vault, strategies, assets, mine);
        all = _value(vault, strategies, assets, total);
    }

    /// @dev ETH value of `shares` per strategy at the vault's stored prices, each step rounded down.
    function _value(
        ILRTVault vault,
        IStrategy[] memory strategies,
        address[] memory assets,
        uint256[] memory shares
    ) private view returns (uint256 value) {
        for (uint256 s = 0; s < strategies.length; ++s) {
            if (shares[s] == 0) continue;
            (IPriceAdapter adapter, uint256 price) = vault.priceOf(assets[s]);
            uint256 units = toUnits(adapter, toTokens(strategies[s], shares[s]));
            if (units != 0) value += Math.mulDiv(units, price, UNIT, Math.Rounding.Floor);
        }
    }
}
