// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {AccessManagedUpgradeable} from "@openzeppelin/contracts-upgradeable/access/manager/AccessManagedUpgradeable.sol";
import {ERC20PermitUpgradeable} from "@openzeppelin/contracts-upgradeable/token/ERC20/extensions/ERC20PermitUpgradeable.sol";
import {ILRTVault} from "./interfaces/ILRTVault.sol";
import {ILRTAccountant} from "./interfaces/ILRTAccountant.sol";
import {IPriceAdapter} from "./interfaces/IPriceAdapter.sol";
import {IWithdrawalQueue} from "./interfaces/IWithdrawalQueue.sol";
import {ILidoShares} from "./interfaces/external/ILidoShares.sol";
import {ETH as ETH_MARKER, UNIT} from "./libraries/Constants.sol";

/// @title LRTVault
/// @notice lrt-vault's vault and its token, lrETH. See `ILRTVault`.
/// @dev Storage is one ERC-7201 namespace. The deposit path reads and writes one packed slot per asset
/// (`AssetSlot`) besides the token's balance and supply slots; an LST deposit also reads the asset's `PriceSlot` and
/// calls its adapter once. Buffers are internal accounting:
/// `buffer = bufferCheckpoint + headroomCheckpoint - headroom`; a deposit only lowers `headroom`, and every other
/// flow first folds the deposits since the last checkpoint into `bufferCheckpoint`.
contract LRTVault is
    Initializable,
    ERC20PermitUpgradeable,
    AccessManagedUpgradeable,
    UUPSUpgradeable,
    ReentrancyGuardTransient,
    ILRTVault
{
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    /// @inheritdoc ILRTVault
    address public constant ETH = ETH_MARKER;
    /// @notice Seeded lrETH is minted here and can never be redeemed.
    address public constant DEAD = 0x000000000000000000000000000000000000dEaD;
    /// @notice Smallest seed (wei).
    uint256 public constant MIN_SEED = 1e15;
    /// @notice The largest number of supported assets (bounds every sync).
    uint256 public constant MAX_ASSETS = 8;

    uint8 private constant FLAG_PAUSED = 1;
    uint8 private constant FLAG_ALL_PAUSED = 2;
    uint8 private constant FLAG_TRIPPED = 4;
    uint8 private constant FLAG_LIDO = 8;
    uint8 private constant CLOSED = FLAG_PAUSED | FLAG_ALL_PAUSED | FLAG_TRIPPED;

    /// @dev The deposit path's one slot per asset (exactly 256 bits).
    /// @param headroom units that may still be deposited (cap minus holdings, re-based at each sync)
    /// @param sharesPerUnit lrETH per 1e18 units at the deposit rate; zero before the first sync
    /// @param expiry deposits revert after it until the next sync
    /// @param minDepositGwei minimum deposit in 1e9 token units
    struct AssetSlot {
        uint96 headroom;
        uint72 sharesPerUnit;
        uint40 expiry;
        uint40 minDepositGwei;
        uint8 flags;
    }

    /// @dev An LST deposit's price inputs, one slot: the adapter it calls and the price stored at the last sync.
    struct PriceSlot {
        IPriceAdapter adapter;
        uint96 price;
    }

    /// @dev Cold per-asset state. `excess`: units held above the cap (headroom is then zero), so that raising the
    /// cap first absorbs them. `outsideUnits`: restaked and queued units (last sync, moved since by restake and
    /// completion), the withdrawal queue's measure of what an asset can pay out besides its buffer.
    struct AssetState {
        uint96 cap;
        uint128 bufferCheckpoint;
        uint96 headroomCheckpoint;
        uint96 excess;
        uint8 index;
        uint128 outsideUnits;
    }

    /// @custom:storage-location erc7201:lrt.storage.LRTVault
    struct VaultStorage {
        mapping(address asset => AssetSlot) slots;
        mapping(address asset => AssetState) states;
        mapping(address asset => PriceSlot) prices;
        address[] assets;
        bool depositsPaused;
        ILRTAccountant accountant;
        address restakingManager;
        address withdrawalQueue;
    }

    // keccak256(abi.encode(uint256(keccak256("lrt.storage.LRTVault")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant STORAGE_LOCATION = 0xfd83259db36edce72f8e3f1be996e6b42e3656d2b9e49b7cd0f6c6441c5b6900;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @notice Sets up lrETH and its access manager and adds ETH. Deposits stay paused until an admin seeds the
    /// vault, links the accountant, a sync sets prices, and `unpauseDeposits(address(0))` is called.
    /// @param authority the OpenZeppelin AccessManager deciding who may call each restricted function
    function initialize(address authority, uint96 ethCap, uint64 ethMinDeposit) external initializer {
        if (authority == address(0)) revert LRTVaultZeroAddress();
        __ERC20_init("Liquid Restaked ETH", "lrETH");
        __ERC20Permit_init("Liquid Restaked ETH");
        __AccessManaged_init(authority);
        VaultStorage storage $ = _vault();
        $.depositsPaused = true;
        _addAsset($, ETH, AssetParams(ethCap, ethMinDeposit, false, IPriceAdapter(address(0))));
        $.prices[ETH].price = uint96(UNIT);
    }

    /* ----------------------------------------------------------------------------------------------------------- */
    /*                                                 DEPOSITS                                                     */
    /* ----------------------------------------------------------------------------------------------------------- */

    /// @inheritdoc ILRTVault
    function depositETH(
        address receiver,
        uint256 minShares,
        uint256 referralId
    ) external payable returns (uint256 shares) {
        AssetSlot storage ref = _vault().slots[ETH];
        AssetSlot memory slot = ref;
        _checkDeposit(ETH, slot, msg.value);
        shares = _mintFor(ref, slot, ETH, msg.value, receiver, minShares, slot.sharesPerUnit);
        emit Deposit(receiver, ETH, msg.value, shares, referralId);
    }

    /// @inheritdoc ILRTVault
    function depositLST(
        address asset,
        uint256 amount,
        address receiver,
        uint256 minShares,
        uint256 referralId
    ) external nonReentrant returns (uint256 shares) {
        if (asset == ETH) revert LRTVaultUnsupportedAsset(asset);
        VaultStorage storage $ = _vault();
        AssetSlot storage ref = $.slots[asset];
        AssetSlot memory slot = ref;
        // Every check that needs no token call comes first, so an unsupported token is never called.
        _checkDeposit(asset, slot, amount);
        uint256 perUnit = _livePerUnit(asset, $.prices[asset], slot.sharesPerUnit);
        // The pull precedes the effects because the units credited are what actually arrived. Nothing is written
        // before it, and every vault entry point that writes this asset's state (deposits, `applySync`, buffer
        // moves) is `nonReentrant`, so a token that calls back meets untouched state and cannot change it: the slot
        // read above is still current when it is written back.
        uint256 units = _pull(asset, amount, msg.sender, slot.flags & FLAG_LIDO != 0);
        shares = _mintFor(ref, slot, asset, units, receiver, minShares, perUnit);
        emit Deposit(receiver, asset, amount, shares, referralId);
    }

    /* ----------------------------------------------------------------------------------------------------------- */
    /*                                                   VIEWS                                                      */
    /* ----------------------------------------------------------------------------------------------------------- */

    /// @inheritdoc ILRTVault
    function getRate() public view returns (uint256) {
        ILRTAccountant accountant = _vault().accountant;
        return address(accountant) == address(0) ? UNIT : accountant.rate();
    }

    /// @inheritdoc ILRTVault
    function totalAssets() external view returns (uint256) {
        return Math.mulDiv(totalSupply(), getRate(), UNIT);
    }

    /// @inheritdoc ILRTVault
    function convertToShares(uint256 assets_) external view returns (uint256) {
        return Math.mulDiv(assets_, UNIT, getRate());
    }

    /// @inheritdoc ILRTVault
    function convertToAssets(uint256 shares) external view returns (uint256) {
        return Math.mulDiv(shares, getRate(), UNIT);
    }

    /// @inheritdoc ILRTVault
    function previewDeposit(address asset, uint256 amount) external view returns (uint256) {
        VaultStorage storage $ = _vault();
        AssetSlot memory slot = $.slots[asset];
        if (slot.sharesPerUnit == 0 || slot.flags & CLOSED != 0 || block.timestamp > slot.expiry) return 0;
        if (amount == 0 || amount < uint256(slot.minDepositGwei) * 1 gwei) return 0;
        uint256 perUnit = slot.sharesPerUnit;
        if (asset != ETH) {
            PriceSlot memory ps = $.prices[asset];
            (uint256 protocol, uint256 market, bool ok) = ps.adapter.quote();
            if (!ok) return 0;
            perUnit = _scaled(perUnit, Math.min(protocol, market), ps.price);
        }
        uint256 units = slot.flags & FLAG_LIDO != 0 ? ILidoShares(asset).getSharesByPooledEth(amount) : amount;
        if (units > slot.headroom) return 0;
        return (units * perUnit) / UNIT;
    }

    /// @inheritdoc ILRTVault
    function assets() external view returns (address[] memory) {
        return _vault().assets;
    }

    /// @inheritdoc ILRTVault
    function assetInfo(address asset) external view returns (AssetInfo memory info) {
        VaultStorage storage $ = _vault();
        if (!_known($, asset)) revert LRTVaultUnsupportedAsset(asset);
        AssetSlot memory slot = $.slots[asset];
        AssetState storage st = $.states[asset];
        info.index = st.index;
        info.adapter = $.prices[asset].adapter;
        info.price = $.prices[asset].price;
        info.outsideUnits = st.outsideUnits;
        info.bufferUnits = _buffer($, asset);
        info.sharesPerUnit = slot.sharesPerUnit;
        info.headroom = slot.headroom;
        info.cap = st.cap;
        info.minDeposit = uint256(slot.minDepositGwei) * 1 gwei;
        info.expiry = slot.expiry;
        info.lidoShares = slot.flags & FLAG_LIDO != 0;
        info.paused = slot.flags & (FLAG_PAUSED | FLAG_ALL_PAUSED) != 0;
        info.tripped = slot.flags & FLAG_TRIPPED != 0;
        info.depositsOpen = slot.sharesPerUnit != 0 && slot.flags & CLOSED == 0 && block.timestamp <= slot.expiry;
    }

    /// @inheritdoc ILRTVault
    function buffers() external view returns (uint256[] memory units) {
        VaultStorage storage $ = _vault();
        units = new uint256[]($.assets.length);
        for (uint256 i = 0; i < units.length; ++i) {
            units[i] = _buffer($, $.assets[i]);
        }
    }

    /// @inheritdoc ILRTVault
    function syncInputs()
        external
        view
        returns (
            address[] memory list,
            IPriceAdapter[] memory adapters,
            uint256[] memory prices,
            uint256[] memory bufferUnits
        )
    {
        VaultStorage storage $ = _vault();
        list = $.assets;
        uint256 n = list.length;
        adapters = new IPriceAdapter[](n);
        prices = new uint256[](n);
        bufferUnits = new uint256[](n);
        for (uint256 i = 0; i < n; ++i) {
            PriceSlot memory ps = $.prices[list[i]];
            adapters[i] = ps.adapter;
            prices[i] = ps.price;
            bufferUnits[i] = _buffer($, list[i]);
        }
    }

    /// @inheritdoc ILRTVault
    function route(address asset) external view returns (Route memory r) {
        VaultStorage storage $ = _vault();
        if (!_known($, asset)) return r;
        PriceSlot memory ps = $.prices[asset];
        r = Route(
            true,
            $.slots[asset].flags & FLAG_LIDO != 0,
            ps.adapter,
            ps.price,
            _buffer($, asset),
            $.states[asset].outsideUnits
        );
    }

    /// @inheritdoc ILRTVault
    function priceOf(address asset) external view returns (IPriceAdapter adapter, uint256 price) {
        VaultStorage storage $ = _vault();
        if (!_known($, asset)) revert LRTVaultUnsupportedAsset(asset);
        PriceSlot memory ps = $.prices[asset];
        return (ps.adapter, ps.price);
    }

    /// @inheritdoc ILRTVault
    function isAsset(address token) public view returns (bool) {
        return token != ETH && _known(_vault(), token);
    }

    /// @inheritdoc ILRTVault
    function links() external view returns (address accountant, address restakingManager, address withdrawalQueue) {
        VaultStorage storage $ = _vault();
        return (address($.accountant), $.restakingManager, $.withdrawalQueue);
    }

    /* ----------------------------------------------------------------------------------------------------------- */
    /*                                              LINKED CONTRACTS                                                */
    /* ----------------------------------------------------------------------------------------------------------- */

    /// @inheritdoc ILRTVault
    function applySync(SyncUpdate calldata update) external nonReentrant {
        VaultStorage storage $ = _vault();
        if (msg.sender != address($.accountant)) revert LRTVaultUnauthorized(msg.sender);
        uint256 n = $.assets.length;
        if (
            update.sharesPerUnit.length != n ||
            update.holdings.length != n ||
            update.tripped.length != n ||
            update.prices.length != n
        ) {
            revert LRTVaultBadUpdate();
        }
        if (update.feeShares != 0) _mint(update.treasury, update.feeShares);
        for (uint256 i = 0; i < n; ++i) {
            address asset = $.assets[i];
            AssetSlot storage slot = $.slots[asset];
            AssetState storage st = $.states[asset];
            uint256 buffer = _buffer($, asset);
            st.bufferCheckpoint = buffer.toUint128();
            uint256 perUnit = update.sharesPerUnit[i];
            uint256 price = update.prices[i];
            // An absurd price closes deposits rather than reverting: a sync must never fail (exits depend on it).
            if (perUnit > type(uint72).max || price > type(uint96).max) perUnit = 0;
            PriceSlot storage ps = $.prices[asset];
            // Written only when it moved (most syncs of a stable asset change nothing here).
            if (ps.price != price) ps.price = uint96(Math.min(price, type(uint96).max));
            uint256 holdings = update.holdings[i];
            // Restaked + queued units: what the sync found beyond the buffer (never negative; fits: holdings come
            // from EigenLayer share counts far below 2^128).
            st.outsideUnits = uint128(holdings > buffer ? holdings - buffer : 0);
            uint256 headroom = st.cap > holdings ? st.cap - holdings : 0;
            // Units above the cap (see `setAssetLimits`); capped at the uint96 maximum, so the cast is safe.
            st.excess = uint96(Math.min(holdings - Math.min(holdings, st.cap), type(uint96).max));
            slot.sharesPerUnit = uint72(perUnit);
            slot.expiry = SafeCast.toUint40(update.expiry);
            slot.headroom = uint96(headroom);
            st.headroomCheckpoint = uint96(headroom);
            if (update.tripped[i]) {
                slot.flags |= FLAG_TRIPPED;
                emit DepositsTripped(asset);
            }
        }
        emit DepositPricesUpdated(update.expiry);
    }

    /// @inheritdoc ILRTVault
    function settleWithdrawals(
        address[] calldata assets_,
        uint256[] calldata units,
        uint256 sharesToBurn
    ) external nonReentrant {
        VaultStorage storage $ = _vault();
        address queue = $.withdrawalQueue;
        if (msg.sender != queue) revert LRTVaultUnauthorized(msg.sender);
        if (assets_.length != units.length) revert LRTVaultBadUpdate();
        _burn(queue, sharesToBurn);
        for (uint256 i = 0; i < assets_.length; ++i) {
            if (units[i] == 0) continue;
            address asset = assets_[i];
            uint256 buffer = _checkpoint($, asset);
            if (units[i] > buffer) revert LRTVaultInsufficientBuffer(asset, units[i], buffer);
            $.states[asset].bufferCheckpoint = uint128(buffer - units[i]);
            emit BufferSettled(asset, units[i]);
        }
        // Interactions last: every buffer is already debited.
        for (uint256 i = 0; i < assets_.length; ++i) {
            if (units[i] != 0) _send(assets_[i], queue, units[i]);
        }
    }

    /// @inheritdoc ILRTVault
    function releaseToDelegator(address asset, uint256 units, address delegator) external nonReentrant {
        VaultStorage storage $ = _vault();
        if (msg.sender != $.restakingManager) revert LRTVaultUnauthorized(msg.sender);
        if (units == 0) revert LRTVaultZeroAmount();
        if (!isAsset(asset)) revert LRTVaultUnsupportedAsset(asset);
        uint256 buffer = _checkpoint($, asset);
        // Buffer promised to pending requests of this asset stays: restaking it would make them wait for an
        // EigenLayer withdrawal.
        address queue = $.withdrawalQueue;
        uint256 reserved = queue == address(0) ? 0 : IWithdrawalQueue(queue).liability(asset);
        uint256 free = buffer > reserved ? buffer - reserved : 0;
        if (units > free) revert LRTVaultBufferReserved(asset, units, free);
        AssetState storage st = $.states[asset];
        st.bufferCheckpoint = uint128(buffer - units);
        st.outsideUnits += units.toUint128();
        emit BufferReleased(asset, delegator, units);
        _send(asset, delegator, units);
    }

    /// @inheritdoc ILRTVault
    function absorbFromDelegator(
        address asset,
        uint256 tokenAmount,
        address from,
        bool fromPosition
    ) external nonReentrant returns (uint256 units) {
        VaultStorage storage $ = _vault();
        if (msg.sender != $.restakingManager) revert LRTVaultUnauthorized(msg.sender);
        if (tokenAmount == 0) revert LRTVaultZeroAmount();
        if (!isAsset(asset)) revert LRTVaultUnsupportedAsset(asset);
        units = _pull(asset, tokenAmount, from, $.slots[asset].flags & FLAG_LIDO != 0);
        AssetState storage st = $.states[asset];
        st.bufferCheckpoint = (_checkpoint($, asset) + units).toUint128();
        if (fromPosition) st.outsideUnits = uint128(st.outsideUnits > units ? st.outsideUnits - units : 0);
        emit BufferAbsorbed(asset, from, units, fromPosition);
    }

    /* ----------------------------------------------------------------------------------------------------------- */
    /*                                                  ADMIN                                                       */
    /* ----------------------------------------------------------------------------------------------------------- */

    /// @notice Mints the first lrETH (for `msg.value` ETH at rate 1) to the dead address; required once before
    /// deposits open. The seed keeps the supply non-zero forever, so no empty-vault inflation is possible.
    function seed() external payable restricted {
        VaultStorage storage $ = _vault();
        if (totalSupply() != 0) revert LRTVaultAlreadySeeded();
        if (msg.value < MIN_SEED) revert LRTVaultBelowMinimum(ETH, msg.value, MIN_SEED);
        $.states[ETH].bufferCheckpoint = (_checkpoint($, ETH) + msg.value).toUint128();
        _mint(DEAD, msg.value);
        emit Seeded(msg.value, msg.value);
    }

    /// @notice Adds a supported token (admin). The oracle must price it; deposits open at the next sync.
    function addAsset(address asset, AssetParams calldata params) external restricted {
        if (asset == address(0)) revert LRTVaultZeroAddress();
        _addAsset(_vault(), asset, params);
    }

    /// @notice Replaces an LST's price adapter (admin). The stored price stays; the oracle bounds the new adapter's
    /// first price against it at the next sync.
    function setAdapter(address asset, IPriceAdapter adapter) external restricted {
        VaultStorage storage $ = _vault();
        if (asset == ETH || !_known($, asset)) revert LRTVaultUnsupportedAsset(asset);
        _checkAdapter(asset, adapter);
        if ($.prices[asset].adapter == adapter) revert LRTVaultNoChange();
        $.prices[asset].adapter = adapter;
        emit AdapterUpdated(asset, adapter);
    }

    /// @notice Changes an asset's cap and minimum deposit (admin).
    function setAssetLimits(address asset, uint96 cap, uint64 minDeposit) external restricted {
        VaultStorage storage $ = _vault();
        if (!_known($, asset)) revert LRTVaultUnsupportedAsset(asset);
        AssetState storage st = $.states[asset];
        AssetSlot storage slot = $.slots[asset];
        uint40 minGwei = _minGwei(minDeposit);
        if (cap == st.cap && minGwei == slot.minDepositGwei) revert LRTVaultNoChange();
        _checkpoint($, asset);
        // Headroom moves with the cap and never below zero: holdings above a lowered cap block deposits and are
        // kept as `excess`, which a raised cap absorbs before any headroom opens (headroom - excess = cap - holdings).
        // Both are capped at the uint96 maximum, so the casts are safe.
        uint256 room = uint256(slot.headroom) + cap;
        uint256 used = uint256(st.cap) + st.excess;
        slot.headroom = uint96(Math.min(room - Math.min(room, used), type(uint96).max));
        st.excess = uint96(Math.min(used - Math.min(used, room), type(uint96).max));
        st.headroomCheckpoint = slot.headroom;
        st.cap = cap;
        slot.minDepositGwei = minGwei;
        emit AssetLimitsUpdated(asset, cap, minDeposit);
    }

    /// @notice Pauses deposits of `asset`, or of every asset when `asset` is zero (pauser).
    function pauseDeposits(address asset) external restricted {
        _setDepositsPaused(asset, true);
    }

    /// @notice Resumes deposits of `asset`, or of every asset when `asset` is zero (admin). Resuming all requires
    /// the vault to be seeded.
    function unpauseDeposits(address asset) external restricted {
        _setDepositsPaused(asset, false);
    }

    /// @notice Re-opens deposits of an asset after its price fell beyond the per-sync bound (admin, after review).
    function clearPriceTrip(address asset) external restricted {
        AssetSlot storage slot = _vault().slots[asset];
        if (slot.flags & FLAG_TRIPPED == 0) revert LRTVaultNoChange();
        slot.flags &= ~FLAG_TRIPPED;
        emit PriceTripCleared(asset);
    }

    /// @notice Links the accountant, which alone may apply syncs (admin).
    function setAccountant(ILRTAccountant accountant) external restricted {
        VaultStorage storage $ = _vault();
        _checkLink(address(accountant), address($.accountant));
        $.accountant = accountant;
        emit LinkUpdated("accountant", address(accountant));
    }

    /// @notice Links the restaking manager, which alone may move buffers to and from delegators (admin).
    function setRestakingManager(address manager) external restricted {
        VaultStorage storage $ = _vault();
        _checkLink(manager, $.restakingManager);
        $.restakingManager = manager;
        emit LinkUpdated("restakingManager", manager);
    }

    /// @notice Links the withdrawal queue, which alone may settle finalized withdrawals (admin).
    function setWithdrawalQueue(address queue) external restricted {
        VaultStorage storage $ = _vault();
        _checkLink(queue, $.withdrawalQueue);
        $.withdrawalQueue = queue;
        emit LinkUpdated("withdrawalQueue", queue);
    }

    /* ----------------------------------------------------------------------------------------------------------- */
    /*                                                INTERNALS                                                     */
    /* ----------------------------------------------------------------------------------------------------------- */

    /// @dev The deposit checks that need nothing but the asset's slot: supported, open, fresh, above the minimum.
    function _checkDeposit(address asset, AssetSlot memory slot, uint256 amount) private view {
        if (slot.sharesPerUnit == 0) revert LRTVaultUnsupportedAsset(asset);
        if (slot.flags & CLOSED != 0) revert LRTVaultDepositsPaused(asset);
        if (block.timestamp > slot.expiry) revert LRTVaultRateStale(slot.expiry);
        uint256 minimum = uint256(slot.minDepositGwei) * 1 gwei;
        // The minimum is at least 1 gwei (enforced when configured), so zero is caught here and told apart only
        // on the failure path.
        if (amount < minimum) {
            if (amount == 0) revert LRTVaultZeroAmount();
            revert LRTVaultBelowMinimum(asset, amount, minimum);
        }
    }

    /// @dev lrETH per 1e18 units for an LST deposit now: the stored `perUnit` (the price of the last sync over the
    /// deposit rate), scaled down by live / stored when the lower of the live protocol and market prices is below the
    /// stored price. One adapter call; reverts `LRTVaultMarketPriceUnavailable` if the market feed is unusable.
    function _livePerUnit(address asset, PriceSlot memory ps, uint256 perUnit) private view returns (uint256) {
        (uint256 protocol, uint256 market, bool ok) = ps.adapter.quote();
        if (!ok) revert LRTVaultMarketPriceUnavailable(asset);
        return _scaled(perUnit, Math.min(protocol, market), ps.price);
    }

    /// @dev `perUnit * live / stored` when live < stored (rounded down), else `perUnit`: a deposit is never priced
    /// above the stored price, nor above the live one. `stored` is non-zero whenever `perUnit` is (set together).
    function _scaled(uint256 perUnit, uint256 live, uint256 stored) private pure returns (uint256) {
        return live >= stored ? perUnit : Math.mulDiv(perUnit, live, stored);
    }

    /// @dev Uses headroom for `units`, prices them at `perUnit` lrETH per 1e18 units (rounded down), mints. One
    /// SSTORE of the asset slot (read once by the caller). A zero receiver is refused by ERC20's _mint.
    function _mintFor(
        AssetSlot storage ref,
        AssetSlot memory slot,
        address asset,
        uint256 units,
        address receiver,
        uint256 minShares,
        uint256 perUnit
    ) private returns (uint256 shares) {
        if (units > slot.headroom) revert LRTVaultCapExceeded(asset, units, slot.headroom);
        // units <= headroom < 2^96 and perUnit <= sharesPerUnit < 2^72: the product cannot overflow. Rounded down.
        shares = (units * perUnit) / UNIT;
        if (shares < minShares || shares == 0) revert LRTVaultSlippage(shares, minShares);
        // headroom >= units was checked above; the cast is safe for the same reason.
        unchecked {
            ref.headroom = slot.headroom - uint96(units);
        }
        _mint(receiver, shares);
    }

    /// @dev Pulls `amount` of `asset` from `from`; returns the accounting units that arrived. Reverts if the token
    /// delivered less than asked (stETH: more than 2 wei less, its own share rounding).
    function _pull(address asset, uint256 amount, address from, bool lido) private returns (uint256 units) {
        if (lido) {
            ILidoShares steth = ILidoShares(asset);
            uint256 before = steth.sharesOf(address(this));
            IERC20(asset).safeTransferFrom(from, address(this), amount);
            units = steth.sharesOf(address(this)) - before;
            uint256 received = steth.getPooledEthByShares(units);
            if (received + 2 < amount) revert LRTVaultShortDelivery(asset, amount, received);
        } else {
            uint256 before = IERC20(asset).balanceOf(address(this));
            IERC20(asset).safeTransferFrom(from, address(this), amount);
            uint256 received = IERC20(asset).balanceOf(address(this)) - before;
            if (received < amount) revert LRTVaultShortDelivery(asset, amount, received);
            units = amount;
        }
    }

    /// @dev Sends `units` of `asset` out: ETH by value, stETH by shares, other tokens by amount.
    function _send(address asset, address to, uint256 units) private {
        if (asset == ETH) Address.sendValue(payable(to), units);
        else if (_vault().slots[asset].flags & FLAG_LIDO != 0) ILidoShares(asset).transferShares(to, units);
        else IERC20(asset).safeTransfer(to, units);
    }

    /// @dev Folds deposits since the last checkpoint into the buffer checkpoint; returns the buffer.
    function _checkpoint(VaultStorage storage $, address asset) private returns (uint256 buffer) {
        buffer = _buffer($, asset);
        AssetState storage st = $.states[asset];
        st.bufferCheckpoint = buffer.toUint128();
        st.headroomCheckpoint = $.slots[asset].headroom;
    }

    function _buffer(VaultStorage storage $, address asset) private view returns (uint256) {
        AssetState storage st = $.states[asset];
        return uint256(st.bufferCheckpoint) + st.headroomCheckpoint - $.slots[asset].headroom;
    }

    function _setDepositsPaused(address asset, bool paused) private {
        VaultStorage storage $ = _vault();
        if (asset == address(0)) {
            if ($.depositsPaused == paused) revert LRTVaultNoChange();
            if (!paused && totalSupply() == 0) revert LRTVaultNotSeeded();
            $.depositsPaused = paused;
            for (uint256 i = 0; i < $.assets.length; ++i) {
                AssetSlot storage slot = $.slots[$.assets[i]];
                slot.flags = paused ? slot.flags | FLAG_ALL_PAUSED : slot.flags & ~FLAG_ALL_PAUSED;
            }
        } else {
            if (!_known($, asset)) revert LRTVaultUnsupportedAsset(asset);
            AssetSlot storage slot = $.slots[asset];
            if ((slot.flags & FLAG_PAUSED != 0) == paused) revert LRTVaultNoChange();
            slot.flags = paused ? slot.flags | FLAG_PAUSED : slot.flags & ~FLAG_PAUSED;
        }
        emit DepositsPaused(asset, paused);
    }

    function _addAsset(VaultStorage storage $, address asset, AssetParams memory params) private {
        if (_known($, asset)) revert LRTVaultAssetExists(asset);
        uint256 index = $.assets.length;
        if (index >= MAX_ASSETS) revert LRTVaultTooManyAssets();
        if (asset != ETH) {
            _checkAdapter(asset, params.adapter);
            $.prices[asset].adapter = params.adapter;
        }
        $.assets.push(asset);
        // index < MAX_ASSETS = 8: the cast is safe.
        $.states[asset].index = uint8(index);
        $.states[asset].cap = params.cap;
        $.states[asset].headroomCheckpoint = params.cap;
        uint8 flags = $.depositsPaused ? FLAG_ALL_PAUSED : 0;
        if (params.lidoShares) flags |= FLAG_LIDO;
        $.slots[asset] = AssetSlot(params.cap, 0, 0, _minGwei(params.minDeposit), flags);
        emit AssetAdded(asset, params);
    }

    /// @dev Whether `asset` is listed: ETH always (index 0); any other asset has an adapter once listed.
    function _known(VaultStorage storage $, address asset) private view returns (bool) {
        return asset == ETH ? $.assets.length != 0 : address($.prices[asset].adapter) != address(0);
    }

    function _checkAdapter(address asset, IPriceAdapter adapter) private view {
        if (address(adapter) == address(0) || adapter.asset() != asset) revert LRTVaultInvalidAdapter(asset, adapter);
    }

    function _checkLink(address target, address current) private pure {
        if (target == address(0)) revert LRTVaultZeroAddress();
        if (target == current) revert LRTVaultNoChange();
    }

    /// @dev Rounded up so the stored minimum never undercuts the configured one; uint64 / 1e9 fits in 40 bits.
    /// At least 1 gwei: the deposit path relies on a non-zero minimum to reject zero amounts.
    function _minGwei(uint64 minDeposit) private pure returns (uint40) {
        if (minDeposit == 0) revert LRTVaultZeroAmount();
        return uint40(Math.ceilDiv(minDeposit, 1 gwei));
    }

    /// @dev Upgrades are restricted like any admin function (the access manager decides who).
    function _authorizeUpgrade(address) internal override restricted {}

    function _vault() private pure returns (VaultStorage storage $) {
        assembly {
            $.slot := STORAGE_LOCATION
        }
    }
}
