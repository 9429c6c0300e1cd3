// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IWithdrawalQueue
/// @notice lrETH's exit: request → finalize → claim, with every slash shared fairly.
///
/// - `requestWithdrawal` locks lrETH in the queue and mints an ERC-721 request to the receiver (whoever owns the
///   NFT is paid). The ETH value of the shares at the current rate is recorded.
/// - `finalize` (permissionless, in request order) first syncs the rate (always, so a loss earlier in the same block
///   reaches the payouts), then pays each request `min(value at request, shares x rate now)` in its chosen asset
///   (units at the higher of the oracle's stored and live price) out of the vault's buffer,
///   while the buffer lasts, and burns the lrETH. A slash before finalization is therefore shared by waiting
///   requests exactly as by holders who stay; gains while waiting stay with those who stay. A finalized payout is
///   frozen: later slashes and gains do not touch it.
/// - `claim` pays the NFT owner (or its chosen recipient), ETH last and reentrancy-safe.
/// Payouts are kept in the asset's accounting units (stETH: Lido shares), held by the queue and reserved per asset.
interface IWithdrawalQueue {
    /// @notice A request's stored state.
    /// @param valueAtRequest ETH value of `shares` at the rate when requested (rounded down)
    /// @param rateAtRequest ETH per 1e18 lrETH when requested
    /// @param status 1 pending, 2 finalized, 3 claimed
    /// @param payoutUnits accounting units of `asset` owed after finalization (stETH: shares)
    /// @param payoutValue ETH value of the payout at finalization
    struct Request {
        uint256 shares;
        uint256 valueAtRequest;
        uint256 rateAtRequest;
        uint256 requestedAt;
        address asset;
        uint8 status;
        uint256 payoutUnits;
        uint256 payoutValue;
    }

    /// @notice A request was made; `rateAtRequest` is ETH per 1e18 lrETH.
    event WithdrawalRequested(
        uint256 indexed requestId,
        address indexed requester,
        address indexed receiver,
        address asset,
        uint256 shares,
        uint256 valueAtRequest,
        uint256 rateAtRequest
    );
    /// @notice A request was finalized: its payout is frozen. Anyone can recompute who bore which slash from the
    /// two rates.
    event WithdrawalFinalized(
        uint256 indexed requestId,
        uint256 shares,
        uint256 rateAtRequest,
        uint256 rateAtFinalization,
        uint256 payoutValue,
        uint256 payoutUnits
    );
    /// @notice A finalized request was paid.
    event WithdrawalClaimed(
        uint256 indexed requestId,
        address indexed owner,
        address indexed recipient,
        address asset,
        uint256 amount
    );
    /// @notice Request size limits changed (lrETH).
    event RequestLimitsUpdated(uint256 minShares, uint256 maxShares);
    /// @notice New requests paused or resumed.
    event RequestsPaused(bool paused);

    /// @notice Zero shares.
    error WithdrawalQueueZeroAmount();
    /// @notice A zero address.
    error WithdrawalQueueZeroAddress();
    /// @notice The queue itself cannot own a request (its NFT could never be claimed).
    error WithdrawalQueueInvalidReceiver(address receiver);
    /// @notice Below the minimum request size.
    error WithdrawalQueueBelowMinimum(uint256 shares, uint256 minimum);
    /// @notice Above the maximum request size.
    error WithdrawalQueueAboveMaximum(uint256 shares, uint256 maximum);
    /// @notice The asset cannot be withdrawn (not a vault asset).
    error WithdrawalQueueUnsupportedAsset(address asset);
    /// @notice The caller does not own the request.
    error WithdrawalQueueNotOwner(uint256 requestId, address caller, address owner);
    /// @notice The request is not finalized yet.
    error WithdrawalQueueNotFinalized(uint256 requestId);
    /// @notice The request was already claimed.
    error WithdrawalQueueAlreadyClaimed(uint256 requestId);
    /// @notice No such request.
    error WithdrawalQueueUnknownRequest(uint256 requestId);
    /// @notice New requests are paused.
    error WithdrawalQueueRequestsPaused();
    /// @notice Sending ETH to the recipient failed (claim to another address).
    error WithdrawalQueueETHTransferFailed(address recipient, uint256 amount);
    /// @notice Only the vault may send ETH here.
    error WithdrawalQueueUnexpectedETH(address sender);
    /// @notice Invalid limits or setter with no effect.
    error WithdrawalQueueInvalidConfig();
    /// @notice Nothing could be finalized (no request pending, or no liquidity for the next one).
    error WithdrawalQueueNothingToFinalize(uint256 nextRequestId);

    /// @notice Locks `shares` lrETH of the caller and mints a request NFT to `receiver`, paid in `asset` (the
    /// vault's ETH marker for ETH).
    function requestWithdrawal(uint256 shares, address asset, address receiver) external returns (uint256 requestId);

    /// @notice `requestWithdrawal` after an ERC-2612 permit of the lrETH, in one transaction.
    function requestWithdrawalWithPermit(
        uint256 shares,
        address asset,
        address receiver,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (uint256 requestId);

    /// @notice Finalizes pending requests in order, up to `maxRequests`, while the buffer of each request's asset
    /// lasts; syncs the rate first. Permissionless. Values use the rate, which excludes gains still streaming or
    /// held back: a request forfeits its share of those to the holders who stay (the price of sandwich-proof
    /// streaming), and the accountant raises its high-water mark so they are not charged the fee twice.
    /// @return finalized how many requests were finalized
    function finalize(uint256 maxRequests) external returns (uint256 finalized);

    /// @notice Pays finalized requests owned by the caller to `recipient` (ETH sent last).
    function claim(uint256[] calldata requestIds, address recipient) external;

    /// @notice A request's state.
    function getRequest(uint256 requestId) external view returns (Request memory);

    /// @notice The next request id to finalize and the next id to be created.
    function cursor() external view returns (uint256 nextToFinalize, uint256 nextRequestId);

    /// @notice Units of `asset` held for finalized, unclaimed requests.
    function reserved(address asset) external view returns (uint256);
}
