// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IWithdrawalQueue
/// @notice lrETH's exit: request → finalize → claim, with every slash shared fairly and no request able to freeze
/// another.
///
/// - **One lane per asset.** A request names the asset it is paid in and joins that asset's lane; lanes finalize
///   independently, each in order. A request can never hold back a request that names another asset.
/// - **No request without a route.** At request time the vault must be able to pay it in that asset: the request's
///   most units (its value at the payout price) plus every pending request of the lane must fit in what the vault
///   holds of the asset, buffer plus restaked and queued in EigenLayer (the latter less `ROUTE_MARGIN`, 1 gwei, for
///   share rounding); `WithdrawalQueueNoRoute` otherwise, with the room left. The buffer promised to a lane cannot
///   be restaked. So every lane's liability is covered by units the keeper can bring to the buffer within
///   EigenLayer's withdrawal delay (see docs/operating.md for the runbook and the bound).
/// - `finalize` (permissionless) syncs the rate first (always, so a loss earlier in the same block reaches the
///   payouts), then, lane by lane and in order while the buffer lasts, pays each request
///   `min(its units at request, value now in units)` where the value now is `min(value at request, shares x rate
///   now)` and units are priced at the *payout price*, the highest of the stored, live protocol and market prices.
///   A slash before finalization is therefore shared by waiting requests exactly as by holders who stay; gains while
///   waiting stay with those who stay; an asset whose price fell pays no more units than at request. A finalized
///   payout is frozen. With nothing payable it returns 0, never reverts.
/// - **Recovery.** A request still pending `maxWait` after it joined its lane (EigenLayer's delay plus the keeper's
///   window: something went wrong, say a slash left the asset short) may be *re-denominated* by its owner (or an
///   admin) into another asset with room: same shares, same rate at request, units at that asset's payout price. It
///   cannot move value between users: the request's ETH value is unchanged and the new units are priced
///   conservatively.
/// - `claim` pays the NFT owner (or its chosen recipient), ETH last and reentrancy-safe.
///
/// Request ids encode their lane: `id = uint256(uint160(asset)) << 64 | seq`, seq counting from 1 in each lane
/// (`assetOf(id)`). Payouts are kept in the asset's accounting units (stETH: Lido shares), held by the queue and
/// reserved per asset until claimed.
interface IWithdrawalQueue {
    /// @notice A request's state.
    /// @param shares lrETH escrowed by the queue (burned at finalization)
    /// @param asset the asset the request is paid in (its lane)
    /// @param valueAtRequest ETH value of `shares` at the rate when requested (rounded down)
    /// @param rateAtRequest ETH per 1e18 lrETH when requested
    /// @param requestedAt when it joined its lane
    /// @param status 1 pending, 2 finalized, 3 claimed, 4 re-denominated (moved to another lane under a new id)
    /// @param payoutUnits accounting units of `asset`: the most it can be paid while pending, owed once finalized
    /// @param payoutValue ETH value of the payout (0 while pending)
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

    /// @notice One asset's lane.
    /// @param requested requests ever made in the lane (the last seq)
    /// @param processed requests the lane has finalized or skipped (re-denominated); the next to finalize is +1
    /// @param liability the most units its pending requests can be paid
    struct Lane {
        uint256 requested;
        uint256 processed;
        uint256 liability;
    }

    /// @notice A request was made; `rateAtRequest` is ETH per 1e18 lrETH, `maxUnits` the most it can be paid.
    /// @param requestId the new request
    /// @param requester whose lrETH was locked
    /// @param receiver who got the request NFT
    /// @param asset the asset it is paid in (the vault's `ETH` marker for ETH)
    /// @param shares the lrETH locked
    /// @param valueAtRequest the ETH (wei) value of `shares` at `rateAtRequest`, rounded down
    /// @param rateAtRequest the rate when requested (ETH per 1e18 lrETH)
    /// @param maxUnits the most it can be paid: its value at the payout price, rounded down, in the asset's accounting
    /// units (wei for ETH; stETH: Lido shares)
    event WithdrawalRequested(
        uint256 indexed requestId,
        address indexed requester,
        address indexed receiver,
        address asset,
        uint256 shares,
        uint256 valueAtRequest,
        uint256 rateAtRequest,
        uint256 maxUnits
    );
    /// @notice A request was finalized: its payout is frozen. Anyone can recompute who bore which slash from the
    /// two rates.
    /// @param requestId the request
    /// @param shares the lrETH it locked (burned now)
    /// @param rateAtRequest the rate when requested (ETH per 1e18 lrETH)
    /// @param rateAtFinalization the rate after the finalization's sync
    /// @param payoutValue the ETH (wei) paid: `shares` at the lower of the two rates or, when capped at the units at
    /// request, `payoutUnits` at the payout price; rounded down
    /// @param payoutUnits the units owed (rounded down), in the asset's accounting units (stETH: Lido shares)
    event WithdrawalFinalized(
        uint256 indexed requestId,
        uint256 shares,
        uint256 rateAtRequest,
        uint256 rateAtFinalization,
        uint256 payoutValue,
        uint256 payoutUnits
    );
    /// @notice A stuck request moved to another asset's lane under `newRequestId` (the old NFT was burned, the new
    /// one minted to the same owner).
    /// @param requestId the old request (burned)
    /// @param newRequestId the new request, in `asset`'s lane
    /// @param asset the asset it is now paid in
    /// @param maxUnits the most it can be paid, in the asset's accounting units (wei for ETH; stETH: Lido shares)
    event WithdrawalRedenominated(
        uint256 indexed requestId,
        uint256 indexed newRequestId,
        address indexed asset,
        uint256 maxUnits
    );
    /// @notice A finalized request was paid.
    /// @param requestId the request
    /// @param owner the NFT owner who claimed
    /// @param recipient who was paid
    /// @param asset the asset paid
    /// @param amount the units paid, in the asset's accounting units (wei for ETH; stETH: Lido shares)
    event WithdrawalClaimed(
        uint256 indexed requestId,
        address indexed owner,
        address indexed recipient,
        address asset,
        uint256 amount
    );
    /// @notice Request size limits changed (lrETH).
    /// @param minShares the smallest request (lrETH)
    /// @param maxShares the largest request (lrETH)
    event RequestLimitsUpdated(uint256 minShares, uint256 maxShares);
    /// @notice How long a request waits before it may be re-denominated changed.
    /// @param maxWait the new wait, in seconds
    event MaxWaitUpdated(uint256 maxWait);
    /// @notice New requests paused or resumed.
    /// @param paused true if paused, false if resumed
    event RequestsPaused(bool paused);

    /// @notice Zero shares.
    error WithdrawalQueueZeroAmount();
    /// @notice A zero address.
    error WithdrawalQueueZeroAddress();
    /// @notice The queue itself cannot own a request (its NFT could never be claimed).
    /// @param receiver the receiver given
    error WithdrawalQueueInvalidReceiver(address receiver);
    /// @notice Below the minimum request size.
    /// @param shares the lrETH asked
    /// @param minimum the smallest request (lrETH)
    error WithdrawalQueueBelowMinimum(uint256 shares, uint256 minimum);
    /// @notice Above the maximum request size.
    /// @param shares the lrETH asked
    /// @param maximum the largest request (lrETH)
    error WithdrawalQueueAboveMaximum(uint256 shares, uint256 maximum);
    /// @notice The asset cannot be withdrawn (not a vault asset).
    /// @param asset the asset given
    error WithdrawalQueueUnsupportedAsset(address asset);
    /// @notice The vault cannot pay `units` of `asset` on top of its lane's pending requests: only `room` units
    /// are left (buffer + restaked + queued - ROUTE_MARGIN, minus the lane's liability). Ask for less, or another
    /// asset.
    /// @param asset the asset
    /// @param units the most the request could be paid, in the asset's accounting units (0: no price, or a value that
    /// rounds to 0)
    /// @param room the units left for the lane
    error WithdrawalQueueNoRoute(address asset, uint256 units, uint256 room);
    /// @notice The caller may not act on the request (not its owner or approved).
    /// @param requestId the request
    /// @param caller the caller
    /// @param owner the request's owner
    error WithdrawalQueueNotOwner(uint256 requestId, address caller, address owner);
    /// @notice The request is not finalized yet.
    /// @param requestId the request
    error WithdrawalQueueNotFinalized(uint256 requestId);
    /// @notice The request is not pending (finalized, claimed or re-denominated).
    /// @param requestId the request
    error WithdrawalQueueNotPending(uint256 requestId);
    /// @notice The request was already claimed.
    /// @param requestId the request
    error WithdrawalQueueAlreadyClaimed(uint256 requestId);
    /// @notice No such request.
    /// @param requestId the id given
    error WithdrawalQueueUnknownRequest(uint256 requestId);
    /// @notice The request may be re-denominated only from `readyAt` on (it joined its lane `maxWait` earlier).
    /// @param requestId the request
    /// @param readyAt the timestamp from which it may be re-denominated
    error WithdrawalQueueNotStuck(uint256 requestId, uint256 readyAt);
    /// @notice New requests are paused.
    error WithdrawalQueueRequestsPaused();
    /// @notice Sending ETH to the recipient failed (claim to another address).
    /// @param recipient the recipient
    /// @param amount the ETH (wei) it was sent
    error WithdrawalQueueETHTransferFailed(address recipient, uint256 amount);
    /// @notice Only the vault may send ETH here.
    /// @param sender the sender
    error WithdrawalQueueUnexpectedETH(address sender);
    /// @notice Request limits must be 0 < minShares <= maxShares.
    /// @param minShares the smallest request asked (lrETH)
    /// @param maxShares the largest request asked (lrETH)
    error WithdrawalQueueInvalidLimits(uint256 minShares, uint256 maxShares);
    /// @notice `maxWait` must be 1 hour to 60 days.
    /// @param maxWait the wait asked, in seconds
    error WithdrawalQueueInvalidMaxWait(uint256 maxWait);
    /// @notice Requests are already paused (`paused` true) or already open.
    /// @param paused the state asked for, already in force
    error WithdrawalQueueNoChange(bool paused);
    /// @notice A request cannot be re-denominated into the asset it already names.
    /// @param requestId the request
    /// @param asset the asset it already names
    error WithdrawalQueueSameAsset(uint256 requestId, address asset);

    /// @notice Sets the access manager, the request size limits (lrETH) and `maxWait` (seconds a request waits before
    /// it may be re-denominated: EigenLayer's withdrawal delay plus the keeper's window). Once, through the proxy.
    /// @param authority the OpenZeppelin AccessManager deciding who may call each restricted function
    /// @param minShares the smallest request (lrETH), not zero
    /// @param maxShares the largest request (lrETH), at least `minShares`
    /// @param maxWait the wait in seconds, 1 hour to 60 days
    function initialize(address authority, uint96 minShares, uint96 maxShares, uint40 maxWait) external;

    /// @notice Locks `shares` lrETH of the caller and mints a request NFT to `receiver`, paid in `asset` (the
    /// vault's ETH marker for ETH). Reverts `WithdrawalQueueNoRoute` if the vault holds too little of the asset
    /// for the lane (see the notice).
    /// @param shares the lrETH to lock, within the request limits
    /// @param asset the asset to be paid in
    /// @param receiver the owner of the request NFT (not zero, not the queue)
    /// @return requestId the new request's id (`asset` in the high bits, its seq in the lane in the low 64)
    function requestWithdrawal(uint256 shares, address asset, address receiver) external returns (uint256 requestId);

    /// @notice `requestWithdrawal` after an ERC-2612 permit of the lrETH, in one transaction.
    /// @param shares the lrETH to lock (and the permit's value)
    /// @param asset the asset to be paid in
    /// @param receiver the owner of the request NFT
    /// @param deadline the permit's deadline
    /// @param v the permit signature's `v`
    /// @param r the permit signature's `r`
    /// @param s the permit signature's `s` (a permit that fails is ignored: the transfer then needs an allowance)
    /// @return requestId the new request's id
    function requestWithdrawalWithPermit(
        uint256 shares,
        address asset,
        address receiver,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (uint256 requestId);

    /// @notice Syncs, then finalizes pending requests lane by lane, each lane in order while its asset's buffer
    /// lasts, at most `min(maxRequests, MAX_FINALIZE_BATCH)` (50) steps in all (a re-denominated entry counts as one).
    /// Permissionless. Values use the rate, which excludes gains still vesting, held back or not yet booked: a
    /// request forfeits its share of those to the holders who stay (the price of sandwich-proof streaming), and the
    /// accountant raises its high-water mark so they are not charged the fee twice.
    /// @param maxRequests the most lane steps to take (capped at `MAX_FINALIZE_BATCH`)
    /// @return finalized how many requests were finalized (0 when nothing is payable: no revert)
    function finalize(uint256 maxRequests) external returns (uint256 finalized);

    /// @notice Moves the caller's pending request (owner or approved) to `asset`'s lane once it has waited
    /// `maxWait`; returns its new id. Reverts `WithdrawalQueueNotStuck` earlier, `WithdrawalQueueNoRoute` if
    /// `asset` has no room.
    /// @param requestId the pending request
    /// @param asset the asset to be paid in instead
    /// @return newRequestId the new request's id, in `asset`'s lane
    function redenominate(uint256 requestId, address asset) external returns (uint256 newRequestId);

    /// @notice `redenominate` by an admin, for an owner that cannot act (the same conditions and maths).
    /// @param requestId the pending request
    /// @param asset the asset to be paid in instead
    /// @return newRequestId the new request's id, minted to the same owner
    function redenominateStuck(uint256 requestId, address asset) external returns (uint256 newRequestId);

    /// @notice Pays finalized requests owned by the caller to `recipient` (ETH sent last).
    /// @param requestIds finalized requests, each owned by the caller
    /// @param recipient who is paid (not zero)
    function claim(uint256[] calldata requestIds, address recipient) external;

    /// @notice A request's state.
    /// @param requestId the request; reverts `WithdrawalQueueUnknownRequest` for an id never issued
    /// @return its state (see `Request`)
    function getRequest(uint256 requestId) external view returns (Request memory);

    /// @notice `asset`'s lane.
    /// @param asset the asset
    /// @return its lane (see `Lane`)
    function lane(address asset) external view returns (Lane memory);

    /// @notice The most units pending requests in `asset` can be paid (the buffer the vault keeps for them).
    /// @param asset the asset
    /// @return the units, the asset's accounting units (wei for ETH; stETH: Lido shares)
    function liability(address asset) external view returns (uint256);

    /// @notice Units of `asset` held for finalized, unclaimed requests.
    /// @param asset the asset
    /// @return the units, the asset's accounting units (wei for ETH; stETH: Lido shares)
    function reserved(address asset) external view returns (uint256);

    /// @notice The asset a request id is paid in (decoded from the id).
    /// @param requestId any id
    /// @return the asset encoded above the 64-bit seq (the vault's `ETH` marker for ETH)
    function assetOf(uint256 requestId) external pure returns (address);

    /// @notice Smallest and largest request (lrETH), whether new requests are paused, and how long a request waits
    /// before it may be re-denominated (seconds).
    /// @return minShares the smallest request (lrETH)
    /// @return maxShares the largest request (lrETH)
    /// @return requestsPaused whether new requests are paused
    /// @return maxWait the wait before re-denomination, in seconds
    function limits()
        external
        view
        returns (uint256 minShares, uint256 maxShares, bool requestsPaused, uint256 maxWait);

    /// @notice Sets the smallest and largest request, in lrETH (admin).
    /// @param minShares the smallest request (lrETH), not zero
    /// @param maxShares the largest request (lrETH), at least `minShares`
    function setLimits(uint96 minShares, uint96 maxShares) external;

    /// @notice Sets how long a request waits before it may be re-denominated, 1 hour to 60 days (admin).
    /// @param maxWait the wait in seconds, 1 hour to 60 days
    function setMaxWait(uint40 maxWait) external;

    /// @notice Pauses new requests (pauser). Finalization, re-denomination and claims cannot be paused: nobody can
    /// hold exits hostage.
    function pauseRequests() external;

    /// @notice Resumes new requests (admin).
    function unpauseRequests() external;
}
