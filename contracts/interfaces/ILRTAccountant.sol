// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ILRTOracle} from "./ILRTOracle.sol";
import {ILRTVault} from "./ILRTVault.sol";

/// @title ILRTAccountant
/// @notice Keeps lrETH's rate. `sync()` (permissionless) values everything the vault owns: the vault's buffers,
/// every EigenLayer position through the restaking manager (slashing-aware views), each asset at the oracle's
/// bounded price. Against the books it then finds a loss, applied to the rate at once, or a gain, streamed linearly
/// over `streamWindow` with the part above the APR bound held back for later syncs. The fee is taken only on value
/// per share above the high-water mark and minted as lrETH to the treasury. Finally it hands the vault, per asset,
/// the lrETH minted per deposited unit until the next sync, priced at the *deposit rate*: the value per lrETH the
/// sync found (the rate plus every gain still pending), rounded up. New lrETH shares in the pending gains as they
/// vest, so a deposit pays for them: it never buys below the rate before the next sync, never dilutes holders, and
/// deposits alone never make a sync find a loss. (The reported value rounds each asset down; a value per lrETH that
/// falls below the books only through that rounding, its unrounded value still covering them, is not a loss: the
/// books stand, and the deposit rate never goes below them.)
interface ILRTAccountant {
    /// @notice What one sync did. Rates are ETH per 1e18 lrETH.
    struct SyncReport {
        uint256 totalValue;
        uint256 totalSupply;
        uint256 previousRate;
        uint256 rate;
        uint256 depositRate;
        uint256 gainStreamed;
        uint256 gainHeldBack;
        uint256 loss;
        uint256 feeShares;
    }

    /// @notice A sync revalued the vault.
    event Synced(uint256 previousRate, uint256 rate, uint256 totalValue, uint256 totalSupply);
    /// @notice A sync found a loss (per 1e18 lrETH) and lowered the rate by it at once.
    event LossRecognised(uint256 lossPerShare, uint256 lossAssets);
    /// @notice A sync found a gain: `streamed` per 1e18 lrETH starts vesting, `heldBack` waits for later syncs.
    event GainRecognised(uint256 streamed, uint256 heldBack);
    /// @notice The protocol fee was minted as lrETH to `treasury`.
    event FeeMinted(address indexed treasury, uint256 shares, uint256 assets);
    /// @notice Streaming parameters changed.
    event StreamingUpdated(uint32 streamWindow, uint16 maxAprBps, uint32 maxRateAge);
    /// @notice Fee parameters changed.
    event FeeUpdated(uint16 feeBps, address treasury);

    /// @notice Finalized withdrawals left `forfeited` ETH (gains they gave up) to the holders who stay; the
    /// high-water mark rose by it per share, so the fee is not charged twice on value it already took its cut of.
    event HighWaterMarkRaised(uint256 forfeited, uint256 highWaterMark);

    /// @notice Only the vault's withdrawal queue may call this.
    error LRTAccountantOnlyWithdrawalQueue(address caller);
    /// @notice The vault has no lrETH yet: seed it first.
    error LRTAccountantNotSeeded();
    /// @notice A parameter is out of range.
    error LRTAccountantInvalidConfig();
    /// @notice The fee exceeds the hard cap.
    error LRTAccountantFeeTooHigh(uint256 feeBps, uint256 maxFeeBps);
    /// @notice A zero address.
    error LRTAccountantZeroAddress();

    /// @notice Revalues the vault, books the gain or loss, mints the fee and resets the deposit prices.
    /// @dev Cost is linear in (delegators x strategies).
    function sync() external returns (SyncReport memory report);

    /// @notice Called by the withdrawal queue after it burned `sharesBurned` lrETH and paid `valuePaid` ETH of value
    /// for them: raises the high-water mark by what the requests forfeited to the holders who stay.
    function recordSettlement(uint256 sharesBurned, uint256 valuePaid) external;

    /// @notice ETH per 1e18 lrETH now: rises linearly while gains stream, falls only at a sync that finds a loss.
    function rate() external view returns (uint256);

    /// @notice Gains owned by holders but not yet in the rate, per 1e18 lrETH (rest of the stream + held back).
    function pendingPerShare() external view returns (uint256);

    /// @notice The books: base rate, unvested stream and held-back gains (per 1e18 lrETH), high-water mark, last sync
    /// and the window of the current stream.
    function books()
        external
        view
        returns (
            uint256 base,
            uint256 unvested,
            uint256 heldBack,
            uint256 highWaterMark,
            uint256 lastSync,
            uint256 window
        );

    /// @notice Stream window, APR bound, deposit-price lifetime, fee and treasury.
    function parameters()
        external
        view
        returns (uint32 streamWindow, uint16 maxAprBps, uint32 maxRateAge, uint16 feeBps, address treasury);

    /// @notice The vault whose rate this keeps and the oracle that prices its assets.
    function links() external view returns (ILRTVault vault, ILRTOracle oracle);
}
