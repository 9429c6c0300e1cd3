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
import {ILRTOracle} from "./interfaces/ILRTOracle.sol";
import {ILidoShares} from "./interfaces/external/ILidoShares.sol";

/// @notice The links the queue reads from the vault and the accountant.
interface IQueueLinks {
    function links() external view returns (address accountant, address restakingManager, address withdrawalQueue);
}

/// @notice The accountant's link view.
interface IAccountantLinks {
    function links() external view returns (ILRTVault vault, ILRTOracle oracle);
}

/// @title WithdrawalQueue
/// @notice lrETH's exit queue; each request is an ERC-721. See `IWithdrawalQueue`.
/// @dev One packed slot per request (shares, value at request, time, asset index, status) plus one slot written at
/// finalization (payout units and value). Requests, finalization and claims cost the same whatever the number of
/// operators and strategies (finalization may trigger one sync, which does not).
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

    uint8 internal constant PENDING = 1;
    uint8 internal constant FINALIZED = 2;
    uint8 internal constant CLAIMED = 3;
    uint256 private constant UNIT = 1e18;
    /// @dev The vault's ETH marker (always its first asset).
    address private constant ETH = 0xEeeeeEeeeEeEeeEeEeEeeEEEeeeeEeeeeeeeEEeE;

    /// @dev The value at request is `shares * rateAtRequest / 1e18` (floor), recomputed exactly when needed.
    struct StoredRequest {
        uint96 shares;
        uint96 rateAtRequest;
        uint40 requestedAt;
        uint8 assetIndex;
        uint8 status;
    }

    /// @dev One finalization batch: per vault asset its buffer, what the batch used and the sync's price.
    struct Batch {
        address[] assets;
        uint256[] available;
        uint256[] used;
        uint256[] prices;
        uint256 rate;
        uint256 sharesToBurn;
        uint256 valuePaid;
        ILRTOracle oracle;
        ILRTAccountant accountant;
    }

    struct Payout {
        uint128 units;
        uint128 value;
    }

    /// @dev Packed so a request reads two slots (vault/paused/next id, then the size limits).
    /// `assets` and `lidoShares` copy the vault's asset list, so claims never call the vault.
    /// @custom:storage-location erc7201:lrt.storage.WithdrawalQueue
    struct QueueStorage {
        ILRTVault vault;
        bool requestsPaused;
        uint64 nextRequestId;
        uint96 minShares;
        uint96 maxShares;
        uint64 nextToFinalize;
        mapping(uint256 requestId => StoredRequest) requests;
        mapping(uint256 requestId => Payout) payouts;
        mapping(address asset => uint256) reserved;
        mapping(address asset => uint256) assetIndexPlusOne;
        address[] assets;
        mapping(address asset => bool) lidoShares;
    }

    // keccak256(abi.encode(uint256(keccak256("lrt.storage.WithdrawalQueue")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant STORAGE_LOCATION = 0xb124a4dede10775b217bf41fbfe3fc4504710ad6e1b8fbf0af37f0d1c94f6700;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @notice Sets the access manager, the vault and the request size limits (lrETH).
    function initialize(address authority, ILRTVault vault, uint96 minShares, uint96 maxShares) external initializer {
        if (authority == address(0) || address(vault) == address(0)) revert WithdrawalQueueZeroAddress();
        __ERC721_init("lrETH Withdrawal Request", "wlrETH");
        __AccessManaged_init(authority);
        QueueStorage storage $ = _queue();
        $.vault = vault;
        $.nextRequestId = 1;
        $.nextToFinalize = 1;
        _setLimits($, minShares, maxShares);
        _refreshAssets($);
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
        // ETH is always the vault's first asset: no lookup for the common case.
        uint256 indexPlusOne = asset == ETH ? 1 : $.assetIndexPlusOne[asset];
        if (indexPlusOne == 0) revert WithdrawalQueueUnsupportedAsset(asset);
        ILRTVault vault = $.vault;
        uint256 rate = vault.getRate();
        // Rounded down: the request is owed at most what its shares are worth now.
        uint256 value = Math.mulDiv(shares, rate, UNIT);
        requestId = $.nextRequestId++;
        // maxShares < 2^96 bounds shares.
        $.requests[requestId] = StoredRequest(
            uint96(shares),
            rate.toUint96(),
            uint40(block.timestamp),
            uint8(indexPlusOne - 1),
            PENDING
        );
        emit WithdrawalRequested(requestId, msg.sender, receiver, asset, shares, value, rate);
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
        try
            IERC20Permit(address(_queue().vault)).permit(msg.sender, address(this), shares, deadline, v, r, s)
        {} catch {}
        return requestWithdrawal(shares, asset, receiver);
    }

    /* ----------------------------------------------------------------------------------------------------------- */
    /*                                               FINALIZATION                                                   */
    /* ----------------------------------------------------------------------------------------------------------- */

    /// @inheritdoc IWithdrawalQueue
    function finalize(uint256 maxRequests) external nonReentrant returns (uint256 finalized) {
        QueueStorage storage $ = _queue();
        Batch memory batch = _openBatch($.vault);
        uint256 id = $.nextToFinalize;
        uint256 end = $.nextRequestId;
        while (id < end && finalized < maxRequests && _finalizeOne($, batch, id)) {
            ++id;
            ++finalized;
        }
        if (finalized == 0) revert WithdrawalQueueNothingToFinalize(id);
        $.nextToFinalize = uint64(id);
        for (uint256 i = 0; i < batch.assets.length; ++i) {
            if (batch.used[i] != 0) $.reserved[batch.assets[i]] += batch.used[i];
        }
        $.vault.settleWithdrawals(batch.assets, batch.used, batch.sharesToBurn);
        batch.accountant.recordSettlement(batch.sharesToBurn, batch.valuePaid);
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
            uint256 index = request.assetIndex;
            address asset = index == 0 ? ETH : $.assets[index];
            $.reserved[asset] -= units;
            _burn(id);
            emit WithdrawalClaimed(id, owner, recipient, asset, units);
            // Tokens go out per request; ETH is summed and sent once, last.
            if (index == 0) eth += units;
            else if ($.lidoShares[asset]) ILidoShares(asset).transferShares(recipient, units);
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
            $.assets[stored.assetIndex],
            stored.status,
            payout.units,
            payout.value
        );
    }

    /// @inheritdoc IWithdrawalQueue
    function cursor() external view returns (uint256 nextToFinalize, uint256 nextRequestId) {
        QueueStorage storage $ = _queue();
        return ($.nextToFinalize, $.nextRequestId);
    }

    /// @inheritdoc IWithdrawalQueue
    function reserved(address asset) external view returns (uint256) {
        return _queue().reserved[asset];
    }

    /// @notice Request size limits (lrETH) and whether new requests are paused.
    function limits() external view returns (uint256 minShares, uint256 maxShares, bool requestsPaused) {
        QueueStorage storage $ = _queue();
        return ($.minShares, $.maxShares, $.requestsPaused);
    }

    /* ----------------------------------------------------------------------------------------------------------- */
    /*                                                  ADMIN                                                       */
    /* ----------------------------------------------------------------------------------------------------------- */

    /// @notice Sets the smallest and largest request (lrETH) (admin).
    function setLimits(uint96 minShares, uint96 maxShares) external restricted {
        _setLimits(_queue(), minShares, maxShares);
    }

    /// @notice Pauses new requests (pauser). Finalization and claims cannot be paused: nobody can hold exits
    /// hostage.
    function pauseRequests() external restricted {
        _setPaused(true);
    }

    /// @notice Resumes new requests (admin).
    function unpauseRequests() external restricted {
        _setPaused(false);
    }

    /// @notice Copies the vault's asset list, so requests can name assets added later (anyone).
    function refreshAssets() external {
        _refreshAssets(_queue());
    }

    /// @notice Only the vault sends ETH here (payouts of finalized requests).
    receive() external payable {
        if (msg.sender != address(_queue().vault)) revert WithdrawalQueueUnexpectedETH(msg.sender);
    }

    /* ----------------------------------------------------------------------------------------------------------- */
    /*                                                INTERNALS                                                     */
    /* ----------------------------------------------------------------------------------------------------------- */

    /// @dev Syncs (always: a loss in the same block before this call must reach the payouts), then reads the rate,
    /// assets, buffers and oracle.
    function _openBatch(ILRTVault vault) private returns (Batch memory batch) {
        (address accountant, , ) = IQueueLinks(address(vault)).links();
        ILRTAccountant(accountant).sync();
        batch.accountant = ILRTAccountant(accountant);
        (, batch.oracle) = IAccountantLinks(accountant).links();
        batch.assets = vault.assets();
        batch.available = vault.buffers();
        batch.used = new uint256[](batch.assets.length);
        batch.prices = new uint256[](batch.assets.length);
        batch.rate = vault.getRate();
    }

    /// @dev Finalizes request `id` if the buffer of its asset can pay it; returns false (and changes nothing) if not.
    function _finalizeOne(QueueStorage storage $, Batch memory batch, uint256 id) private returns (bool) {
        StoredRequest storage request = $.requests[id];
        uint256 i = request.assetIndex;
        // The higher of the stored and the live price, so a payout never gets more units for a price rise the
        // oracle clamped and has not recognised yet.
        if (batch.prices[i] == 0) batch.prices[i] = batch.oracle.payoutPrice(batch.assets[i]);
        uint256 shares = request.shares;
        uint256 rateAtRequest = request.rateAtRequest;
        // The lower of the value at request and the value now (each rounded down); in units at the sync's
        // price, rounded down.
        uint256 value = Math.mulDiv(shares, Math.min(rateAtRequest, batch.rate), UNIT);
        uint256 units = Math.mulDiv(value, UNIT, batch.prices[i]);
        if (batch.used[i] + units > batch.available[i]) return false;
        batch.used[i] += units;
        batch.sharesToBurn += shares;
        batch.valuePaid += value;
        request.status = FINALIZED;
        $.payouts[id] = Payout(units.toUint128(), value.toUint128());
        emit WithdrawalFinalized(id, shares, rateAtRequest, batch.rate, value, units);
        return true;
    }

    function _setLimits(QueueStorage storage $, uint96 minShares, uint96 maxShares) private {
        if (minShares == 0 || minShares > maxShares) revert WithdrawalQueueInvalidConfig();
        $.minShares = minShares;
        $.maxShares = maxShares;
        emit RequestLimitsUpdated(minShares, maxShares);
    }

    function _setPaused(bool paused) private {
        QueueStorage storage $ = _queue();
        if ($.requestsPaused == paused) revert WithdrawalQueueInvalidConfig();
        $.requestsPaused = paused;
        emit RequestsPaused(paused);
    }

    function _refreshAssets(QueueStorage storage $) private {
        address[] memory assets = $.vault.assets();
        for (uint256 i = 0; i < assets.length; ++i) {
            $.assetIndexPlusOne[assets[i]] = i + 1;
            if (i >= $.assets.length) {
                $.assets.push(assets[i]);
                $.lidoShares[assets[i]] = i != 0 && $.vault.assetInfo(assets[i]).lidoShares;
            }
        }
    }

    /// @dev Upgrades are restricted like any admin function.
    function _authorizeUpgrade(address) internal override restricted {}

    function _queue() private pure returns (QueueStorage storage $) {
        assembly {
            $.slot := STORAGE_LOCATION
        }
    }
}
