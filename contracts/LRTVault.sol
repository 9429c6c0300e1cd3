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
import {VaultAssets} from "./libraries/VaultAssets.sol";
import {LRTVaultStorage} from "./LRTVaultStorage.sol";

/// @title LRTVault
/// @notice lrt-vault's vault and its token, lrETH. See `ILRTVault`.
/// @dev Storage is one ERC-7201 namespace, laid out in `VaultAssets`. The deposit path is inline here: it reads and
/// writes one packed slot per asset (`AssetSlot`) besides the token's balance and supply slots; an LST deposit also
/// reads the asset's `PriceSlot` and calls its adapter once. Every cold path on the asset records (listing, limits,
/// pauses, syncs, settlements, views) runs in `VaultAssets`, an external library reached by DELEGATECALL in this
/// contract's storage, which keeps this contract small enough for the deposit path's optimizer settings.
contract LRTVault is
    Initializable,
    ERC20PermitUpgradeable,
    AccessManagedUpgradeable,
    UUPSUpgradeable,
    ReentrancyGuardTransient,
    LRTVaultStorage,
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
    uint256 public constant MAX_ASSETS = VaultAssets.MAX_ASSETS;

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
        VaultAssets.load().depositsPaused = true;
        VaultAssets.addAsset(ETH, AssetParams(ethCap, ethMinDeposit, false, IPriceAdapter(address(0))));
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
        AssetSlot storage ref = VaultAssets.load().slots[ETH];
        AssetSlot memory slot = ref;
        VaultAssets.checkDeposit(ETH, slot, msg.value);
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
        VaultStorage storage $ = VaultAssets.load();
        AssetSlot storage ref = $.slots[asset];
        AssetSlot memory slot = ref;
        // Every check that needs no token call comes first, so an unsupported token is never called.
        VaultAssets.checkDeposit(asset, slot, amount);
        uint256 perUnit = _livePerUnit(asset, $.prices[asset], slot.sharesPerUnit);
        // The pull precedes the effects because the units credited are what actually arrived. Nothing is written
        // before it, and every vault entry point that writes this asset's state (deposits, `applySync`, buffer
        // moves) is `nonReentrant`, so a token that calls back meets untouched state and cannot change it: the slot
        // read above is still current when it is written back.
        uint256 units = _pull(asset, amount, msg.sender, slot.flags & VaultAssets.FLAG_LIDO != 0);
        shares = _mintFor(ref, slot, asset, units, receiver, minShares, perUnit);
        emit Deposit(receiver, asset, amount, shares, referralId);
    }

    /* ----------------------------------------------------------------------------------------------------------- */
    /*                                                   VIEWS                                                      */
    /* ----------------------------------------------------------------------------------------------------------- */

    /// @inheritdoc ILRTVault
    function getRate() public view returns (uint256) {
        ILRTAccountant accountant = VaultAssets.load().accountant;
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
        return VaultAssets.previewDeposit(asset, amount);
    }

    /// @inheritdoc ILRTVault
    function assets() external view returns (address[] memory) {
        return VaultAssets.load().assets;
    }

    /// @inheritdoc ILRTVault
    function assetInfo(address asset) external view returns (AssetInfo memory) {
        return VaultAssets.assetInfo(asset);
    }

    /// @inheritdoc ILRTVault
    function buffers() external view returns (uint256[] memory bufferUnits) {
        (, , , bufferUnits) = VaultAssets.syncInputs();
    }

    /// @inheritdoc ILRTVault
    function syncInputs()
        external
        view
        returns (address[] memory, address[] memory, uint256[] memory, uint256[] memory)
    {
        return VaultAssets.syncInputs();
    }

    /// @inheritdoc ILRTVault
    function route(address asset) external view returns (Route memory r) {
        // Inline, not in the library: every withdrawal request reads it.
        VaultStorage storage $ = VaultAssets.load();
        if (!VaultAssets.known($, asset)) return r;
        PriceSlot memory ps = $.prices[asset];
        r = Route(
            true,
            $.slots[asset].flags & VaultAssets.FLAG_LIDO != 0,
            address(ps.adapter),
            ps.price,
            VaultAssets.buffer($, asset),
            $.states[asset].outsideUnits
        );
    }

    /// @inheritdoc ILRTVault
    function priceOf(address asset) external view returns (IPriceAdapter adapter, uint256 price) {
        VaultStorage storage $ = VaultAssets.load();
        if (!VaultAssets.known($, asset)) revert LRTVaultUnsupportedAsset(asset);
        PriceSlot memory ps = $.prices[asset];
        return (ps.adapter, ps.price);
    }

    /// @inheritdoc ILRTVault
    function isAsset(address token) public view returns (bool) {
        return token != ETH && VaultAssets.known(VaultAssets.load(), token);
    }

    /// @inheritdoc ILRTVault
    function links() external view returns (address accountant, address restakingManager, address withdrawalQueue) {
        VaultStorage storage $ = VaultAssets.load();
        return (address($.accountant), $.restakingManager, $.withdrawalQueue);
    }

    /* ----------------------------------------------------------------------------------------------------------- */
    /*                                              LINKED CONTRACTS                                                */
    /* ----------------------------------------------------------------------------------------------------------- */

    /// @inheritdoc ILRTVault
    function applySync(SyncUpdate calldata update) external nonReentrant {
        if (msg.sender != address(VaultAssets.load().accountant)) revert LRTVaultUnauthorized(msg.sender);
        if (update.feeShares != 0) _mint(update.treasury, update.feeShares);
        VaultAssets.applySync(update);
    }

    /// @inheritdoc ILRTVault
    function settleWithdrawals(
        address[] calldata assets_,
        uint256[] calldata units,
        uint256 sharesToBurn
    ) external nonReentrant {
        address queue = VaultAssets.load().withdrawalQueue;
        if (msg.sender != queue) revert LRTVaultUnauthorized(msg.sender);
        _burn(queue, sharesToBurn);
        VaultAssets.settle(assets_, units);
        // Interactions last: every buffer is already debited.
        for (uint256 i = 0; i < assets_.length; ++i) {
            if (units[i] != 0) _send(assets_[i], queue, units[i]);
        }
    }

    /// @inheritdoc ILRTVault
    function releaseToDelegator(address asset, uint256 units, address delegator) external nonReentrant {
        VaultStorage storage $ = VaultAssets.load();
        if (msg.sender != $.restakingManager) revert LRTVaultUnauthorized(msg.sender);
        if (units == 0) revert LRTVaultZeroAmount();
        if (!isAsset(asset)) revert LRTVaultUnsupportedAsset(asset);
        uint256 buffer = VaultAssets.checkpoint($, asset);
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
        VaultStorage storage $ = VaultAssets.load();
        if (msg.sender != $.restakingManager) revert LRTVaultUnauthorized(msg.sender);
        if (tokenAmount == 0) revert LRTVaultZeroAmount();
        if (!isAsset(asset)) revert LRTVaultUnsupportedAsset(asset);
        units = _pull(asset, tokenAmount, from, $.slots[asset].flags & VaultAssets.FLAG_LIDO != 0);
        AssetState storage st = $.states[asset];
        st.bufferCheckpoint = (VaultAssets.checkpoint($, asset) + units).toUint128();
        if (fromPosition) st.outsideUnits = uint128(st.outsideUnits > units ? st.outsideUnits - units : 0);
        emit BufferAbsorbed(asset, from, units, fromPosition);
    }

    /* ----------------------------------------------------------------------------------------------------------- */
    /*                                                  ADMIN                                                       */
    /* ----------------------------------------------------------------------------------------------------------- */

    /// @notice Mints the first lrETH (for `msg.value` ETH at rate 1) to the dead address; required once before
    /// deposits open. The seed keeps the supply non-zero forever, so no empty-vault inflation is possible.
    function seed() external payable restricted {
        if (totalSupply() != 0) revert LRTVaultAlreadySeeded();
        if (msg.value < MIN_SEED) revert LRTVaultBelowMinimum(ETH, msg.value, MIN_SEED);
        VaultStorage storage $ = VaultAssets.load();
        $.states[ETH].bufferCheckpoint = (VaultAssets.checkpoint($, ETH) + msg.value).toUint128();
        _mint(DEAD, msg.value);
        emit Seeded(msg.value, msg.value);
    }

    /// @notice Adds a supported token with its price adapter (admin). The oracle must bound it (`setBounds`)
    /// before the next sync, which opens its deposits.
    function addAsset(address asset, AssetParams calldata params) external restricted {
        if (asset == address(0)) revert LRTVaultZeroAddress();
        VaultAssets.addAsset(asset, params);
    }

    /// @notice Replaces an LST's price adapter (admin). The stored price stays; the oracle bounds the new adapter's
    /// first price against it at the next sync.
    function setAdapter(address asset, IPriceAdapter adapter) external restricted {
        VaultAssets.setAdapter(asset, adapter);
    }

    /// @notice Changes an asset's cap and minimum deposit (admin).
    function setAssetLimits(address asset, uint96 cap, uint64 minDeposit) external restricted {
        VaultAssets.setAssetLimits(asset, cap, minDeposit);
    }

    /// @notice Pauses deposits of `asset`, or of every asset when `asset` is zero (pauser).
    function pauseDeposits(address asset) external restricted {
        VaultAssets.setDepositsPaused(asset, true, true);
    }

    /// @notice Resumes deposits of `asset`, or of every asset when `asset` is zero (admin). Resuming all requires
    /// the vault to be seeded.
    function unpauseDeposits(address asset) external restricted {
        VaultAssets.setDepositsPaused(asset, false, totalSupply() != 0);
    }

    /// @notice Re-opens deposits of an asset after its price fell beyond the oracle's bound (admin, after review).
    function clearPriceTrip(address asset) external restricted {
        VaultAssets.clearPriceTrip(asset);
    }

    /// @notice Links the accountant, which alone may apply syncs (admin).
    function setAccountant(ILRTAccountant accountant) external restricted {
        VaultStorage storage $ = VaultAssets.load();
        _checkLink(address(accountant), address($.accountant));
        $.accountant = accountant;
        emit LinkUpdated("accountant", address(accountant));
    }

    /// @notice Links the restaking manager, which alone may move buffers to and from delegators (admin).
    function setRestakingManager(address manager) external restricted {
        VaultStorage storage $ = VaultAssets.load();
        _checkLink(manager, $.restakingManager);
        $.restakingManager = manager;
        emit LinkUpdated("restakingManager", manager);
    }

    /// @notice Links the withdrawal queue, which alone may settle finalized withdrawals (admin).
    function setWithdrawalQueue(address queue) external restricted {
        VaultStorage storage $ = VaultAssets.load();
        _checkLink(queue, $.withdrawalQueue);
        $.withdrawalQueue = queue;
        emit LinkUpdated("withdrawalQueue", queue);
    }

    /* ----------------------------------------------------------------------------------------------------------- */
    /*                                                INTERNALS                                                     */
    /* ----------------------------------------------------------------------------------------------------------- */

    /// @dev lrETH per 1e18 units for an LST deposit now: the stored `perUnit` (the price of the last sync over the
    /// deposit rate), scaled down by live / stored when the lower of the live protocol and market prices is below the
    /// stored price. One adapter call; reverts `LRTVaultMarketPriceUnavailable` if the market feed is unusable.
    function _livePerUnit(address asset, PriceSlot memory ps, uint256 perUnit) private view returns (uint256) {
        (uint256 protocol, uint256 market, bool ok) = ps.adapter.quote();
        if (!ok) revert LRTVaultMarketPriceUnavailable(asset);
        return VaultAssets.scaled(perUnit, Math.min(protocol, market), ps.price);
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
        else if (VaultAssets.load().slots[asset].flags & VaultAssets.FLAG_LIDO != 0) {
            ILidoShares(asset).transferShares(to, units);
        } else IERC20(asset).safeTransfer(to, units);
    }

    function _checkLink(address target, address current) private pure {
        if (target == address(0)) revert LRTVaultZeroAddress();
        if (target == current) revert LRTVaultNoChange();
    }

    /// @dev Upgrades are restricted like any admin function (the access manager decides who).
    function _authorizeUpgrade(address) internal override restricted {}
}
