// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {AccessManagedUpgradeable} from "@openzeppelin/contracts-upgradeable/access/manager/AccessManagedUpgradeable.sol";
import {ERC20PermitUpgradeable} from "@openzeppelin/contracts-upgradeable/token/ERC20/extensions/ERC20PermitUpgradeable.sol";
import {ILRTVault} from "./interfaces/ILRTVault.sol";
import {ILRTAccountant} from "./interfaces/ILRTAccountant.sol";
import {IStrategy} from "./interfaces/external/eigenlayer/IStrategy.sol";
import {LRTLinks} from "./interfaces/LRTLinks.sol";
import {IPriceAdapter} from "./interfaces/IPriceAdapter.sol";
import {IWithdrawalQueue} from "./interfaces/IWithdrawalQueue.sol";
import {ETH as ETH_MARKER, UNIT} from "./libraries/Constants.sol";
import {VaultAssets} from "./libraries/VaultAssets.sol";
import {VaultRecords} from "./libraries/VaultRecords.sol";
import {LRTVaultStorage} from "./LRTVaultStorage.sol";

/// @title LRTVault
/// @notice lrt-vault's vault and its token, lrETH. See `ILRTVault`.
/// @dev Storage is one ERC-7201 namespace, laid out in `VaultAssets`. The deposit path is inline here: it reads and
/// writes one packed slot per asset (`AssetSlot`) besides the token's balance and supply slots; an LST deposit also
/// reads the asset's `PriceSlot` and calls its adapter once. Every cold path on the asset records (listing, limits,
/// pauses, syncs, settlements, views) runs in `VaultAssets`, an external library reached by DELEGATECALL in this
/// contract's storage, which keeps this contract small enough for the deposit path's optimizer settings. The linked
/// contracts (accountant, queue, restaking manager) are immutables of the implementation (`LRTLinks`).
contract LRTVault is
    Initializable,
    ERC20PermitUpgradeable,
    AccessManagedUpgradeable,
    UUPSUpgradeable,
    ReentrancyGuardTransient,
    LRTVaultStorage,
    ILRTVault
{
    using SafeCast for uint256;

    /// @inheritdoc ILRTVault
    address public constant ETH = ETH_MARKER;
    /// @notice Seeded lrETH is minted here and can never be redeemed.
    address public constant DEAD = 0x000000000000000000000000000000000000dEaD;
    /// @notice Smallest seed (wei).
    uint256 public constant MIN_SEED = 1e15;
    /// @notice The largest number of supported assets (bounds every sync).
    uint256 public constant MAX_ASSETS = VaultRecords.MAX_ASSETS;

    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    ILRTAccountant private immutable _accountant;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    address private immutable _queue;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    address private immutable _manager;

    /// @dev The token `unwrap` is redeeming, for the length of that call: the only sender `receive` accepts.
    address private transient _unwrapping;

    /// @param suite the suite's proxies (the manager may be zero: no restaking side)
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(LRTLinks memory suite) {
        if (suite.accountant == address(0) || suite.queue == address(0)) revert LRTVaultZeroAddress();
        _accountant = ILRTAccountant(suite.accountant);
        _queue = suite.queue;
        _manager = suite.manager;
        _disableInitializers();
    }

    /// @notice Sets up lrETH and its access manager and adds ETH. Deposits stay paused until an admin seeds the
    /// vault, a sync sets prices, and `unpauseDeposits(address(0))` is called.
    /// @param authority the OpenZeppelin AccessManager deciding who may call each restricted function
    function initialize(address authority, uint96 ethCap, uint64 ethMinDeposit) external initializer {
        if (authority == address(0)) revert LRTVaultZeroAddress();
        __ERC20_init("Liquid Restaked ETH", "lrETH");
        __ERC20Permit_init("Liquid Restaked ETH");
        __AccessManaged_init(authority);
        VaultRecords.load().depositsPaused = true;
        VaultAssets.addAsset(ETH, AssetParams(ethCap, ethMinDeposit, false, IPriceAdapter(address(0)), 0, 0));
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
        AssetSlot storage ref = VaultRecords.load().slots[ETH];
        AssetSlot memory slot = ref;
        VaultRecords.checkDeposit(ETH, slot, msg.value);
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
        VaultStorage storage $ = VaultRecords.load();
        AssetSlot storage ref = $.slots[asset];
        AssetSlot memory slot = ref;
        // Every check that needs no token call comes first, so an unsupported token is never called.
        VaultRecords.checkDeposit(asset, slot, amount);
        uint256 perUnit = _livePerUnit(asset, $.prices[asset], slot.sharesPerUnit);
        // The pull precedes the effects because the units credited are what actually arrived. Nothing is written
        // before it, and every vault entry point that writes this asset's state (deposits, `applySync`, buffer
        // moves) is `nonReentrant`, so a token that calls back meets untouched state and cannot change it: the slot
        // read above is still current when it is written back.
        uint256 units = VaultRecords.pull(asset, amount, msg.sender, slot.flags & VaultRecords.FLAG_LIDO != 0);
        shares = _mintFor(ref, slot, asset, units, receiver, minShares, perUnit);
        emit Deposit(receiver, asset, amount, shares, referralId);
    }

    /* ----------------------------------------------------------------------------------------------------------- */
    /*                                                   VIEWS                                                      */
    /* ----------------------------------------------------------------------------------------------------------- */

    /// @inheritdoc ILRTVault
    function getRate() public view returns (uint256) {
        return _accountant.rate();
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
        return VaultRecords.load().assets;
    }

    /// @inheritdoc ILRTVault
    function assetInfo(address asset) external view returns (AssetInfo memory) {
        return VaultAssets.assetInfo(asset);
    }

    /// @inheritdoc ILRTVault
    function syncInputs() external view returns (SyncInput[] memory) {
        return VaultAssets.syncInputs();
    }

    /// @inheritdoc ILRTVault
    function route(address asset) external view returns (Route memory) {
        return VaultAssets.route(asset);
    }

    /// @inheritdoc ILRTVault
    function priceOf(address asset) external view returns (IPriceAdapter, uint256) {
        (address adapter, uint256 price) = VaultAssets.priceOf(asset);
        return (IPriceAdapter(adapter), price);
    }

    /// @inheritdoc ILRTVault
    function strategies()
        external
        view
        returns (
            address[] memory restaked,
            address[] memory strategyList,
            uint256[] memory indexes,
            address[] memory adapters
        )
    {
        return VaultAssets.strategies();
    }

    /// @inheritdoc ILRTVault
    function strategyOf(address asset) external view returns (IStrategy) {
        return VaultRecords.load().states[asset].restaking.strategy;
    }

    /// @inheritdoc ILRTVault
    function isAsset(address token) public view returns (bool) {
        return token != ETH && VaultRecords.known(VaultRecords.load(), token);
    }

    /// @inheritdoc ILRTVault
    function links() external view returns (address accountant, address restakingManager, address withdrawalQueue) {
        return (address(_accountant), _manager, _queue);
    }

    /* ----------------------------------------------------------------------------------------------------------- */
    /*                                              LINKED CONTRACTS                                                */
    /* ----------------------------------------------------------------------------------------------------------- */

    /// @inheritdoc ILRTVault
    function applySync(SyncUpdate calldata update) external nonReentrant {
        if (msg.sender != address(_accountant)) revert LRTVaultUnauthorized(msg.sender, address(_accountant));
        if (update.feeShares != 0) _mint(update.treasury, update.feeShares);
        VaultAssets.applySync(update);
    }

    /// @inheritdoc ILRTVault
    function settleWithdrawals(
        address[] calldata assets_,
        uint256[] calldata units,
        uint256 sharesToBurn
    ) external nonReentrant {
        address queue = _queue;
        if (msg.sender != queue) revert LRTVaultUnauthorized(msg.sender, queue);
        _burn(queue, sharesToBurn);
        VaultAssets.settle(assets_, units, queue);
    }

    /// @inheritdoc ILRTVault
    function releaseToDelegator(address asset, uint256 units, address delegator) external nonReentrant {
        if (msg.sender != _manager) revert LRTVaultUnauthorized(msg.sender, _manager);
        VaultAssets.release(asset, units, delegator, IWithdrawalQueue(_queue).liability(asset));
    }

    /// @notice Takes ETH only from the token `unwrap` is redeeming, during that call: anything else is refused
    /// (ETH comes in through deposits, the seed and `absorbFromDelegator`, each booked).
    receive() external payable {
        if (msg.sender != _unwrapping) revert LRTVaultUnexpectedETH(msg.sender);
    }

    /// @inheritdoc ILRTVault
    function unwrap(address asset, uint256 amount) external restricted nonReentrant {
        _unwrapping = asset;
        VaultAssets.unwrap(asset, amount, IWithdrawalQueue(_queue).liability(asset));
        _unwrapping = address(0);
    }

    /// @inheritdoc ILRTVault
    function absorbFromDelegator(
        address asset,
        uint256 tokenAmount,
        address from,
        bool fromPosition
    ) external payable nonReentrant returns (uint256 units) {
        if (msg.sender != _manager) revert LRTVaultUnauthorized(msg.sender, _manager);
        return VaultAssets.absorb(asset, tokenAmount, from, fromPosition);
    }

    /* ----------------------------------------------------------------------------------------------------------- */
    /*                                                  ADMIN                                                       */
    /* ----------------------------------------------------------------------------------------------------------- */

    /// @inheritdoc ILRTVault
    function seed() external payable restricted {
        if (totalSupply() != 0) revert LRTVaultAlreadySeeded(totalSupply());
        VaultAssets.seed(msg.value, MIN_SEED);
        _mint(DEAD, msg.value);
    }

    /// @inheritdoc ILRTVault
    function addAsset(address asset, AssetParams calldata params) external restricted {
        if (asset == address(0)) revert LRTVaultZeroAddress();
        VaultAssets.addAsset(asset, params);
    }

    /// @inheritdoc ILRTVault
    function setAdapter(address asset, IPriceAdapter adapter) external restricted {
        VaultAssets.setAdapter(asset, adapter);
    }

    /// @inheritdoc ILRTVault
    function setBounds(address asset, uint16 maxRiseBpsPerDay, uint16 maxFallBps) external restricted {
        VaultAssets.setBounds(asset, maxRiseBpsPerDay, maxFallBps);
    }

    /// @inheritdoc ILRTVault
    function setStrategy(address asset, IStrategy strategy) external restricted {
        VaultAssets.setStrategy(asset, strategy, _manager);
    }

    /// @inheritdoc ILRTVault
    function setAssetLimits(address asset, uint96 cap, uint64 minDeposit) external restricted {
        VaultAssets.setAssetLimits(asset, cap, minDeposit);
    }

    /// @inheritdoc ILRTVault
    function pauseDeposits(address asset) external restricted {
        VaultAssets.setDepositsPaused(asset, true, true);
    }

    /// @inheritdoc ILRTVault
    function unpauseDeposits(address asset) external restricted {
        VaultAssets.setDepositsPaused(asset, false, totalSupply() != 0);
    }

    /// @inheritdoc ILRTVault
    function clearPriceTrip(address asset) external restricted {
        VaultAssets.clearPriceTrip(asset);
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
        return VaultRecords.scaled(perUnit, Math.min(protocol, market), ps.price);
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

    /// @dev Upgrades are restricted like any admin function (the access manager decides who).
    function _authorizeUpgrade(address) internal override restricted {}
}
