// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {AccessManagedUpgradeable} from "@openzeppelin/contracts-upgradeable/access/manager/AccessManagedUpgradeable.sol";
import {ERC721Upgradeable} from "@openzeppelin/contracts-upgradeable/token/ERC721/ERC721Upgradeable.sol";
import {IWithdrawalQueue} from "./interfaces/IWithdrawalQueue.sol";
import {ILRTVault} from "./interfaces/ILRTVault.sol";
import {ILRTAccountant} from "./interfaces/ILRTAccountant.sol";
import {IPriceAdapter} from "./interfaces/IPriceAdapter.sol";
import {ILidoShares} from "./interfaces/external/ILidoShares.sol";
import {LRTLinks} from "./interfaces/LRTLinks.sol";
import {ETH, UNIT} from "./libraries/Constants.sol";
import {Payouts} from "./libraries/Payouts.sol";

/// @title WithdrawalQueue
/// @notice lrETH's exit queue, one lane per asset; each request is an ERC-721. See `IWithdrawalQueue`.
/// @dev A request writes one packed slot (shares, rate at request, time, status, Lido flag) and its payout slot
/// (the most units, then the units owed) and bumps its lane's slot. Requests, finalization and claims cost the same
/// whatever the number of operators and strategies (finalization runs one sync, which is bounded by the caps).
contract WithdrawalQueue is
    Initializable,
    ERC721Upgradeable,
    AccessManagedUpgradeable,
    UUPSUpgradeable,
    ReentrancyGuardTransient,
    IWithdrawalQueue
{
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    /// @notice The most lane steps one `finalize` takes (bounds its gas with the sync's worst case).
    uint256 public constant MAX_FINALIZE_BATCH = 50;
    /// @notice Units of an asset held outside the vault (restaked or queued in EigenLayer) that a lane's route does
    /// not count: 1 gwei, far above the few wei of share rounding between syncs (which re-base the outside units).
    uint256 public constant ROUTE_MARGIN = 1 gwei;

    uint8 internal constant PENDING = 1;
    uint8 internal constant FINALIZED = 2;
    uint8 internal constant CLAIMED = 3;
    uint8 internal constant MOVED = 4;

    /// @dev The value at request is `shares * rateAtRequest / 1e18` (floor), recomputed exactly when needed.
    struct StoredRequest {
        uint96 shares;
        uint96 rateAtRequest;
        uint40 requestedAt;
        uint8 status;
        bool lidoShares;
    }

    /// @dev While pending: `units` the most the request can be paid (its share of the lane's liability). Once
    /// finalized: the units owed and their ETH value.
    struct Payout {
        uint128 units;
        uint128 value;
    }

    /// @dev One lane: requests made, requests processed (finalized or skipped), the pending requests' most units.
    struct LaneSlot {
        uint64 requested;
        uint64 processed;
        uint128 liability;
    }

    /// @dev One finalization: the rate after the sync, and per vault asset its record (buffer, adapter, stored
    /// price), what the batch used and the payout price (0 until needed).
    struct Batch {
        ILRTVault.SyncInput[] inputs;
        address[] assets;
        uint256[] used;
        uint256[] prices;
        uint256 rate;
        uint256 sharesToBurn;
        uint256 valuePaid;
        uint256 steps;
        uint256 maxSteps;
    }

    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    ILRTVault private immutable _vault;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    ILRTAccountant private immutable _accountant;

    /// @custom:storage-location erc7201:lrt.storage.WithdrawalQueue
    struct QueueStorage {
        bool requestsPaused;
        uint40 maxWait;
        uint96 minShares;
        uint96 maxShares;
        mapping(uint256 requestId => StoredRequest) requests;
        mapping(uint256 requestId => Payout) payouts;
        mapping(address asset => LaneSlot) lanes;
        mapping(address asset => uint256) reserved;
    }

    // keccak256(abi.encode(uint256(keccak256("lrt.storage.WithdrawalQueue")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant STORAGE_LOCATION = 0xb124a4dede10775b217bf41fbfe3fc4504710ad6e1b8fbf0af37f0d1c94f6700;

    /// @param suite the suite's proxies
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(LRTLinks memory suite) {
        if (suite.vault == address(0) || suite.accountant == address(0)) revert WithdrawalQueueZeroAddress();
        _vault = ILRTVault(suite.vault);
        _accountant = ILRTAccountant(suite.accountant);
        _disableInitializers();
    }

    /// @inheritdoc IWithdrawalQueue
    function initialize(address authority, uint96 minShares, uint96 maxShares, uint40 maxWait) external initializer {
        if (authority == address(0)) revert WithdrawalQueueZeroAddress();
        __ERC721_init("lrETH Withdrawal Request", "wlrETH");
        __AccessManaged_init(authority);
        QueueStorage storage $ = _queue();
        _setLimits($, minShares, maxShares);
        _setMaxWait($, maxWait);
    }

    /* ----------------------------------------------------------------------------------------------------------- */
    /*                                                 REQUESTS                                                     */
    /* ----------------------------------------------------------------------------------------------------------- */

    /// @inheritdoc IWithdrawalQueue
    function requestWithdrawal(
        uint256 shares,
        address asset,
        address receiver
    ) public nonReentrant returns (uint256 requestId) {
        QueueStorage storage $ = _queue();
        if ($.requestsPaused) revert WithdrawalQueueRequestsPaused();
        if (shares == 0) revert WithdrawalQueueZeroAmount();
        if (receiver == address(0)) revert WithdrawalQueueZeroAddress();
        if (receiver == address(this)) revert WithdrawalQueueInvalidReceiver(receiver);
        if (shares < $.minShares) revert WithdrawalQueueBelowMinimum(shares, $.minShares);
        if (shares > $.maxShares) revert WithdrawalQueueAboveMaximum(shares, $.maxShares);
        ILRTVault vault = _vault;
        uint256 rate = vault.getRate();
        // Rounded down: the request is owed at most what its shares are worth now.
        uint256 value = Math.mulDiv(shares, rate, UNIT);
        // maxShares < 2^96 bounds shares.
        StoredRequest memory request = StoredRequest(
            uint96(shares),
            rate.toUint96(),
            uint40(block.timestamp),
            PENDING,
            false
        );
        requestId = _enqueue($, request, asset, value);
        emit WithdrawalRequested(
            requestId,
            msg.sender,
            receiver,
            asset,
            shares,
            value,
            rate,
            $.payouts[requestId].units
        );
        IERC20(address(vault)).safeTransferFrom(msg.sender, address(this), shares);
        _mint(receiver, requestId);
    }

    /// @inheritdoc IWithdrawalQueue
    function requestWithdrawalWithPermit(
        uint256 shares,
        address asset,
        address receiver,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (uint256 requestId) {
        // A front-run permit (same signature used first by someone else) must not block the request: if the
        // permit fails, the allowance it would have set is checked by the transfer itself.
        try IERC20Permit(address(_vault)).permit(msg.sender, address(this), shares, deadline, v, r, s) {} catch {}
        return requestWithdrawal(shares, asset, receiver);
    }

    /// @inheritdoc IWithdrawalQueue
    function redenominate(uint256 requestId, address asset) external nonReentrant returns (uint256 newRequestId) {
        address owner = _ownerOf(requestId);
        if (!_isAuthorized(owner, msg.sender, requestId)) {
            revert WithdrawalQueueNotOwner(requestId, msg.sender, owner);
        }
        return _redenominate(requestId, asset, owner);
    }

    /// @inheritdoc IWithdrawalQueue
    function redenominateStuck(
        uint256 requestId,
        address asset
    ) external restricted nonReentrant returns (uint256 newRequestId) {
        return _redenominate(requestId, asset, _ownerOf(requestId));
    }

    /* ----------------------------------------------------------------------------------------------------------- */
    /*                                               FINALIZATION                                                   */
    /* ----------------------------------------------------------------------------------------------------------- */

    /// @inheritdoc IWithdrawalQueue
    function finalize(uint256 maxRequests) external nonReentrant returns (uint256 finalized) {
        QueueStorage storage $ = _queue();
        ILRTVault vault = _vault;
        Batch memory batch = _openBatch(vault, Math.min(maxRequests, MAX_FINALIZE_BATCH));
        for (uint256 i = 0; i < batch.assets.length && batch.steps < batch.maxSteps; ++i) {
            finalized += _finalizeLane($, batch, i);
        }
        if (batch.sharesToBurn == 0) return finalized;
        for (uint256 i = 0; i < batch.assets.length; ++i) {
            if (batch.used[i] != 0) $.reserved[batch.assets[i]] += batch.used[i];
        }
        vault.settleWithdrawals(batch.assets, batch.used, batch.sharesToBurn);
        _accountant.recordSettlement(batch.sharesToBurn, batch.valuePaid);
    }

    /* ----------------------------------------------------------------------------------------------------------- */
    /*                                                  CLAIMS                                                      */
    /* ----------------------------------------------------------------------------------------------------------- */

    /// @inheritdoc IWithdrawalQueue
    function claim(uint256[] calldata requestIds, address recipient) external nonReentrant {
        if (recipient == address(0)) revert WithdrawalQueueZeroAddress();
        QueueStorage storage $ = _queue();
        uint256 eth;
        for (uint256 k = 0; k < requestIds.length; ++k) {
            uint256 id = requestIds[k];
            StoredRequest storage request = $.requests[id];
            uint8 status = request.status;
            if (status == 0) revert WithdrawalQueueUnknownRequest(id);
            if (status == CLAIMED) revert WithdrawalQueueAlreadyClaimed(id);
            if (status != FINALIZED) revert WithdrawalQueueNotFinalized(id);
            address owner = _ownerOf(id);
            if (owner != msg.sender) revert WithdrawalQueueNotOwner(id, msg.sender, owner);
            request.status = CLAIMED;
            uint256 units = $.payouts[id].units;
            address asset = assetOf(id);
            $.reserved[asset] -= units;
            _burn(id);
            emit WithdrawalClaimed(id, owner, recipient, asset, units);
            // Tokens go out per request; ETH is summed and sent once, last.
            if (asset == ETH) eth += units;
            else if (request.lidoShares) ILidoShares(asset).transferShares(recipient, units);
            else IERC20(asset).safeTransfer(recipient, units);
        }
        if (eth != 0) {
            (bool ok, ) = recipient.call{value: eth}("");
            if (!ok) revert WithdrawalQueueETHTransferFailed(recipient, eth);
        }
    }

    /* ----------------------------------------------------------------------------------------------------------- */
    /*                                                  VIEWS                                                       */
    /* ----------------------------------------------------------------------------------------------------------- */

    /// @inheritdoc IWithdrawalQueue
    function getRequest(uint256 requestId) external view returns (Request memory r) {
        QueueStorage storage $ = _queue();
        StoredRequest memory stored = $.requests[requestId];
        if (stored.status == 0) revert WithdrawalQueueUnknownRequest(requestId);
        Payout memory payout = $.payouts[requestId];
        r = Request(
            stored.shares,
            Math.mulDiv(stored.shares, stored.rateAtRequest, UNIT),
            stored.rateAtRequest,
            stored.requestedAt,
            assetOf(requestId),
            stored.status,
            payout.units,
            payout.value
        );
    }

    /// @inheritdoc IWithdrawalQueue
    function lane(address asset) external view returns (Lane memory) {
        LaneSlot memory ln = _queue().lanes[asset];
        return Lane(ln.requested, ln.processed, ln.liability);
    }

    /// @inheritdoc IWithdrawalQueue
    function liability(address asset) external view returns (uint256) {
        return _queue().lanes[asset].liability;
    }

    /// @inheritdoc IWithdrawalQueue
    function reserved(address asset) external view returns (uint256) {
        return _queue().reserved[asset];
    }

    /// @inheritdoc IWithdrawalQueue
    function assetOf(uint256 requestId) public pure returns (address) {
        return address(uint160(requestId >> 64));
    }

    /// @inheritdoc IWithdrawalQueue
    function limits()
        external
        view
        returns (uint256 minShares, uint256 maxShares, bool requestsPaused, uint256 maxWait)
    {
        QueueStorage storage $ = _queue();
        return ($.minShares, $.maxShares, $.requestsPaused, $.maxWait);
    }

    /* ----------------------------------------------------------------------------------------------------------- */
    /*                                                  ADMIN                                                       */
    /* ----------------------------------------------------------------------------------------------------------- */

    /// @inheritdoc IWithdrawalQueue
    function setLimits(uint96 minShares, uint96 maxShares) external restricted {
        _setLimits(_queue(), minShares, maxShares);
    }

    /// @inheritdoc IWithdrawalQueue
    function setMaxWait(uint40 maxWait) external restricted {
        _setMaxWait(_queue(), maxWait);
    }

    /// @inheritdoc IWithdrawalQueue
    function pauseRequests() external restricted {
        _setPaused(true);
    }

    /// @inheritdoc IWithdrawalQueue
    function unpauseRequests() external restricted {
        _setPaused(false);
    }

    /// @notice Only the vault sends ETH here (payouts of finalized requests).
    receive() external payable {
        if (msg.sender != address(_vault)) revert WithdrawalQueueUnexpectedETH(msg.sender);
    }

    /* ----------------------------------------------------------------------------------------------------------- */
    /*                                                INTERNALS                                                     */
    /* ----------------------------------------------------------------------------------------------------------- */

    /// @dev Puts `request` (worth `value` ETH now) at the end of `asset`'s lane if the vault can pay it there:
    /// units at the payout price (rounded down), checked against the asset's buffer + outside units minus the
    /// lane's liability. Writes the request, its most units and the lane; returns the new id.
    function _enqueue(
        QueueStorage storage $,
        StoredRequest memory request,
        address asset,
        uint256 value
    ) private returns (uint256 requestId) {
        ILRTVault.Route memory r = _vault.route(asset);
        if (!r.known) revert WithdrawalQueueUnsupportedAsset(asset);
        uint256 price = Payouts.price(IPriceAdapter(r.adapter), r.price);
        uint256 units = price == 0 ? 0 : Math.mulDiv(value, UNIT, price);
        LaneSlot memory ln = $.lanes[asset];
        // Units outside the vault are counted less `ROUTE_MARGIN`: EigenLayer credits a restake and pays a completion
        // a few wei below the units moved (share rounding), so a lane filled to the wei would end a few wei short.
        uint256 capacity = r.buffer + (r.outside > ROUTE_MARGIN ? r.outside - ROUTE_MARGIN : 0);
        uint256 room = capacity > ln.liability ? capacity - ln.liability : 0;
        // No price (never synced, adapter down) or a value that rounds to nothing: no route either.
        if (units == 0 || units > room) revert WithdrawalQueueNoRoute(asset, units, room);
        // Fits: units <= room <= capacity, the vault's holdings of one asset, far below 2^128; seq below 2^64.
        ln.requested += 1;
        ln.liability += uint128(units);
        $.lanes[asset] = ln;
        requestId = (uint256(uint160(asset)) << 64) | ln.requested;
        request.lidoShares = r.lidoShares;
        $.requests[requestId] = request;
        $.payouts[requestId] = Payout(uint128(units), 0);
    }

    /// @dev Moves a pending, stuck request to `asset`'s lane: the old id is burned and marked moved, its units leave
    /// the old lane's liability, and a new request with the same shares and rate at request joins the new lane at
    /// the value now (`min(value at request, shares x rate now)`).
    function _redenominate(uint256 requestId, address asset, address owner) private returns (uint256 newRequestId) {
        QueueStorage storage $ = _queue();
        StoredRequest memory request = $.requests[requestId];
        if (request.status == 0) revert WithdrawalQueueUnknownRequest(requestId);
        if (request.status != PENDING) revert WithdrawalQueueNotPending(requestId);
        uint256 readyAt = uint256(request.requestedAt) + $.maxWait;
        if (block.timestamp < readyAt) revert WithdrawalQueueNotStuck(requestId, readyAt);
        address from = assetOf(requestId);
        if (asset == from) revert WithdrawalQueueSameAsset(requestId, asset);
        $.lanes[from].liability -= $.payouts[requestId].units;
        $.requests[requestId].status = MOVED;
        delete $.payouts[requestId];
        _burn(requestId);
        uint256 value = Math.mulDiv(request.shares, Math.min(request.rateAtRequest, _vault.getRate()), UNIT);
        request.requestedAt = uint40(block.timestamp);
        newRequestId = _enqueue($, request, asset, value);
        emit WithdrawalRedenominated(requestId, newRequestId, asset, $.payouts[newRequestId].units);
        _mint(owner, newRequestId);
    }

    /// @dev Syncs (always: a loss in the same block before this call must reach the payouts), then reads the rate,
    /// the vault's assets, adapters, stored prices and buffers.
    function _openBatch(ILRTVault vault, uint256 maxSteps) private returns (Batch memory batch) {
        _accountant.sync();
        batch.inputs = vault.syncInputs();
        uint256 n = batch.inputs.length;
        batch.assets = new address[](n);
        for (uint256 i = 0; i < n; ++i) {
            batch.assets[i] = batch.inputs[i].asset;
        }
        batch.used = new uint256[](n);
        batch.prices = new uint256[](n);
        batch.rate = vault.getRate();
        batch.maxSteps = maxSteps;
    }

    /// @dev Finalizes `batch.assets[i]`'s lane in order while its buffer lasts and steps remain; returns how many.
    function _finalizeLane(QueueStorage storage $, Batch memory batch, uint256 i) private returns (uint256 count) {
        address asset = batch.assets[i];
        LaneSlot memory ln = $.lanes[asset];
        while (ln.processed < ln.requested && batch.steps < batch.maxSteps) {
            uint256 id = (uint256(uint160(asset)) << 64) | (uint256(ln.processed) + 1);
            StoredRequest storage request = $.requests[id];
            if (request.status == PENDING) {
                uint256 most = $.payouts[id].units;
                if (!_finalizeOne($, batch, i, id, request, most)) break;
                ln.liability -= uint128(most);
                ++count;
            }
            // A moved (re-denominated) entry is skipped: its units already left the liability.
            ++ln.processed;
            ++batch.steps;
        }
        $.lanes[asset] = ln;
    }

    /// @dev Finalizes request `id` if the buffer of asset `i` can pay it; returns false (and changes nothing) if not.
    function _finalizeOne(
        QueueStorage storage $,
        Batch memory batch,
        uint256 i,
        uint256 id,
        StoredRequest storage request,
        uint256 most
    ) private returns (bool) {
        // The highest of the stored, live protocol and market prices: fewer units for a price rise the oracle has
        // not recognised yet, and never a token out above what it sells for.
        ILRTVault.SyncInput memory input = batch.inputs[i];
        if (batch.prices[i] == 0) batch.prices[i] = Payouts.price(IPriceAdapter(input.adapter), input.price);
        // No price at all (an adapter down and nothing stored): the lane waits, the others go on.
        if (batch.prices[i] == 0) return false;
        uint256 shares = request.shares;
        uint256 rateAtRequest = request.rateAtRequest;
        (uint256 units, uint256 value) = Payouts.payout(shares, rateAtRequest, batch.rate, batch.prices[i], most);
        if (batch.used[i] + units > input.buffer) return false;
        batch.used[i] += units;
        batch.sharesToBurn += shares;
        batch.valuePaid += value;
        request.status = FINALIZED;
        // units <= most < 2^128 and value <= shares x rate < 2^128.
        $.payouts[id] = Payout(uint128(units), uint128(value));
        emit WithdrawalFinalized(id, shares, rateAtRequest, batch.rate, value, units);
        return true;
    }

    function _setLimits(QueueStorage storage $, uint96 minShares, uint96 maxShares) private {
        if (minShares == 0 || minShares > maxShares) revert WithdrawalQueueInvalidLimits(minShares, maxShares);
        $.minShares = minShares;
        $.maxShares = maxShares;
        emit RequestLimitsUpdated(minShares, maxShares);
    }

    function _setMaxWait(QueueStorage storage $, uint40 maxWait) private {
        if (maxWait < 1 hours || maxWait > 60 days) revert WithdrawalQueueInvalidMaxWait(maxWait);
        $.maxWait = maxWait;
        emit MaxWaitUpdated(maxWait);
    }

    function _setPaused(bool paused) private {
        QueueStorage storage $ = _queue();
        if ($.requestsPaused == paused) revert WithdrawalQueueNoChange(paused);
        $.requestsPaused = paused;
        emit RequestsPaused(paused);
    }

    /// @dev Upgrades are restricted like any admin function.
    function _authorizeUpgrade(address) internal override restricted {}

    function _queue() private pure returns (QueueStorage storage $) {
        assembly {
            $.slot := STORAGE_LOCATION
        }
    }
}
