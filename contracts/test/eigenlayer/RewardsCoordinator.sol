// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Hashes} from "@openzeppelin/contracts/utils/cryptography/Hashes.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IRewardsCoordinator} from "../../interfaces/external/eigenlayer/IRewardsCoordinator.sol";
import {Initializer} from "./mixins/Initializer.sol";
import {OwnableStandIn} from "./mixins/OwnableStandIn.sol";
import {Pausable} from "./permissions/Pausable.sol";
import {PauserRegistry} from "./permissions/PauserRegistry.sol";

/// @title RewardsCoordinator (local stand-in, claim side)
/// @notice Mirrors the root-posting and claiming half of EigenLayer's RewardsCoordinator (v1.12.0): the rewards
/// updater posts Merkle roots of cumulative per-earner, per-token earnings; after `activationDelay` an earner (or its
/// claimer) proves its leaves and is paid the difference between the proven cumulative amount and what it already
/// claimed. Reward submission by AVSs, operator splits and the protocol fee are not modelled: a local test funds this
/// contract with reward tokens directly and posts roots built off-chain (see `test/helpers/rewardsMerkle.ts`).
/// @dev Every function, event and error whose name exists on mainnet has the mainnet signature, so selectors and
/// topics match. The contract keeps no constructor state and no immutables: its runtime code can be placed at the
/// mainnet address with `hardhat_setCode` and then set up once through `initializeStandIn`.
///
/// Tree format (as on mainnet): the distribution root commits to earner leaves
/// `keccak256(abi.encodePacked(uint8(0), earner, earnerTokenRoot))`; each `earnerTokenRoot` commits to token leaves
/// `keccak256(abi.encodePacked(uint8(1), token, cumulativeEarnings))`. A proof is the concatenation of the 32-byte
/// siblings from the leaf upwards; at each level an even index hashes `node || sibling`, an odd one
/// `sibling || node`, then the index halves.
///
/// Out-of-range `rootIndex` (in `processClaim(s)`, `checkClaim`, `getDistributionRootAtIndex`) panics with an
/// array-out-of-bounds error (0x32), exactly as mainnet, which indexes the root array directly; only `disableRoot`
/// reverts `InvalidRootIndex()`.
contract RewardsCoordinator is IRewardsCoordinator, Initializer, OwnableStandIn, Pausable, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /* ------------------------------------------------------------------------------------------------------------ */
    /*                                                  CONSTANTS                                                   */
    /* ------------------------------------------------------------------------------------------------------------ */

    /// @notice Rewards are calculated in intervals of this many seconds (mainnet: one week).
    uint32 public constant CALCULATION_INTERVAL_SECONDS = 604800;
    /// @notice Longest rewards submission, in seconds (mainnet: ten weeks).
    uint32 public constant MAX_REWARDS_DURATION = 6048000;
    /// @notice How far back a submission may start, in seconds (mainnet: 24 weeks).
    uint32 public constant MAX_RETROACTIVE_LENGTH = 14515200;
    /// @notice How far ahead a submission may start, in seconds (mainnet: 30 days).
    uint32 public constant MAX_FUTURE_LENGTH = 2592000;
    /// @notice No submission may start before this timestamp (mainnet: 2024-03-21 00:00 UTC).
    uint32 public constant GENESIS_REWARDS_TIMESTAMP = 1710979200;

    /// @dev Pause bit of `processClaim` and `processClaims`.
    uint8 internal constant PAUSED_PROCESS_CLAIM = 2;
    /// @dev Pause bit of `submitRoot` and `disableRoot`.
    uint8 internal constant PAUSED_SUBMIT_DISABLE_ROOTS = 3;

    /// @dev Salt of earner leaves; it keeps an earner leaf from being read as a token leaf (both are 53 bytes).
    uint8 internal constant EARNER_LEAF_SALT = 0;
    /// @dev Salt of token leaves.
    uint8 internal constant TOKEN_LEAF_SALT = 1;

    /// @dev The operator split every operator gets on mainnet unless overridden (10%).
    uint16 internal constant DEFAULT_OPERATOR_SPLIT_BIPS = 1000;

    /* ------------------------------------------------------------------------------------------------------------ */
    /*                                                    EVENTS                                                    */
    /* ------------------------------------------------------------------------------------------------------------ */

    /// @notice Emitted when the rewards updater posts a root.
    event DistributionRootSubmitted(
        uint32 indexed rootIndex,
        bytes32 indexed root,
        uint32 indexed rewardsCalculationEndTimestamp,
        uint32 activatedAt
    );
    /// @notice Emitted when the rewards updater disables a root that is not active yet.
    event DistributionRootDisabled(uint32 indexed rootIndex);
    /// @notice Emitted once per token leaf paid out.
    event RewardsClaimed(
        bytes32 root,
        address indexed earner,
        address indexed claimer,
        address indexed recipient,
        IERC20 token,
        uint256 claimedAmount
    );
    /// @notice Emitted when an earner appoints (or clears, with zero) the address that claims for it.
    event ClaimerForSet(address indexed earner, address indexed oldClaimer, address indexed claimer);
    /// @notice Emitted when the owner replaces the rewards updater.
    event RewardsUpdaterSet(address indexed oldRewardsUpdater, address indexed newRewardsUpdater);
    /// @notice Emitted when the owner changes the activation delay.
    event ActivationDelaySet(uint32 oldActivationDelay, uint32 newActivationDelay);
    /// @notice Emitted at initialization, when the default operator split is set.
    event DefaultOperatorSplitBipsSet(uint16 oldDefaultOperatorSplitBips, uint16 newDefaultOperatorSplitBips);

    /* ------------------------------------------------------------------------------------------------------------ */
    /*                                                    ERRORS                                                    */
    /* ------------------------------------------------------------------------------------------------------------ */

    /// @notice The caller is not the rewards updater, or not the earner's claimer.
    error UnauthorizedCaller();
    /// @notice A new root must cover a later calculation end than the last one.
    error NewRootMustBeForNewCalculatedPeriod();
    /// @notice The calculation end of a new root must be in the past.
    error RewardsEndTimestampNotElapsed();
    /// @notice `disableRoot` was given an index past the end of the root list.
    error InvalidRootIndex();
    /// @notice The root was disabled.
    error RootDisabled();
    /// @notice The root is active already and can no longer be disabled.
    error RootAlreadyActivated();
    /// @notice The root is not claimable yet (`block.timestamp < activatedAt`).
    error RootNotActivated();
    /// @notice `tokenIndices`, `tokenTreeProofs` and `tokenLeaves` differ in length.
    error InputArrayLengthMismatch();
    /// @notice The earner index does not fit the depth of the earner proof.
    error InvalidEarnerLeafIndex();
    /// @notice A token index does not fit the depth of its token proof.
    error InvalidTokenLeafIndex();
    /// @notice A proof does not lead to the expected root.
    error InvalidClaimProof();
    /// @notice A proof is empty or not a whole number of 32-byte siblings.
    error InvalidProofLength();
    /// @notice The root a proof is checked against is zero.
    error EmptyRoot();
    /// @notice The proven cumulative earnings do not exceed what the earner already claimed.
    error EarningsNotGreaterThanClaimed();
    /// @notice No posted root has this hash.
    error InvalidRoot();

    /* ------------------------------------------------------------------------------------------------------------ */
    /*                                                   STORAGE                                                    */
    /* ------------------------------------------------------------------------------------------------------------ */

    address private _rewardsUpdater;
    uint32 private _activationDelay;
    uint32 private _currRewardsCalculationEndTimestamp;
    uint16 private _defaultOperatorSplitBips;
    DistributionRoot[] private _distributionRoots;
    mapping(address earner => address claimer) private _claimerFor;
    mapping(address earner => mapping(IERC20 token => uint256 totalClaimed)) private _cumulativeClaimed;
    modifier onlyRewardsUpdater() {
        if (msg.sender != _rewardsUpdater) revert UnauthorizedCaller();
        _;
    }

    /* ------------------------------------------------------------------------------------------------------------ */
    /*                                                INITIALIZATION                                                */
    /* ------------------------------------------------------------------------------------------------------------ */

    /// @notice One-shot set-up replacing mainnet's proxy `initialize`; the default operator split is the mainnet 1000.
    /// @dev Emits `Paused`, `OwnershipTransferred`, `RewardsUpdaterSet`, `ActivationDelaySet`,
    /// `DefaultOperatorSplitBipsSet`, then `Initialized(1)`. Reverts `AlreadyInitialized()` on a second call.
    /// `initialPausedStatus` is not checked against the registry, as on mainnet.
    function initializeStandIn(
        PauserRegistry pauserRegistry_,
        address initialOwner,
        uint256 initialPausedStatus,
        address rewardsUpdater_,
        uint32 activationDelay_
    ) external initializer {
        _initializePausable(pauserRegistry_, initialPausedStatus);
        _transferOwnership(initialOwner);
        _setRewardsUpdater(rewardsUpdater_);
        _setActivationDelay(activationDelay_);
        _defaultOperatorSplitBips = DEFAULT_OPERATOR_SPLIT_BIPS;
        emit DefaultOperatorSplitBipsSet(0, DEFAULT_OPERATOR_SPLIT_BIPS);
    }

    /* ------------------------------------------------------------------------------------------------------------ */
    /*                                                    CLAIMS                                                    */
    /* ------------------------------------------------------------------------------------------------------------ */

    /// @inheritdoc IRewardsCoordinator
    /// @dev Pause bit 2. Reverts as `checkClaim`, then `UnauthorizedCaller()` for a wrong caller and
    /// `EarningsNotGreaterThanClaimed()` for a token leaf that pays nothing new.
    function processClaim(
        RewardsMerkleClaim calldata claim,
        address recipient
    ) external onlyWhenNotPaused(PAUSED_PROCESS_CLAIM) nonReentrant {
        _processClaim(claim, recipient);
    }

    /// @inheritdoc IRewardsCoordinator
    /// @dev All-or-nothing: any failing claim reverts the batch.
    function processClaims(
        RewardsMerkleClaim[] calldata claims,
        address recipient
    ) external onlyWhenNotPaused(PAUSED_PROCESS_CLAIM) nonReentrant {
        for (uint256 i = 0; i < claims.length; ++i) {
            _processClaim(claims[i], recipient);
        }
    }

    /// @inheritdoc IRewardsCoordinator
    /// @dev Checks, in order: `RootDisabled()`, `RootNotActivated()`, `InputArrayLengthMismatch()`, then the earner
    /// proof and each token proof (`InvalidEarnerLeafIndex()` / `InvalidTokenLeafIndex()`, `EmptyRoot()`,
    /// `InvalidProofLength()`, `InvalidClaimProof()`). Panics (0x32) if `claim.rootIndex` is out of range.
    function checkClaim(RewardsMerkleClaim calldata claim) external view returns (bool) {
        _checkClaim(claim, _distributionRoots[claim.rootIndex]);
        return true;
    }

    /// @inheritdoc IRewardsCoordinator
    /// @dev Any address may call it for itself; zero clears the claimer so the earner claims again.
    function setClaimerFor(address claimer) external {
        address earner = msg.sender;
        address oldClaimer = _claimerFor[earner];
        _claimerFor[earner] = claimer;
        emit ClaimerForSet(earner, oldClaimer, claimer);
    }

    /// @inheritdoc IRewardsCoordinator
    function claimerFor(address earner) external view returns (address claimer) {
        return _claimerFor[earner];
    }

    /// @inheritdoc IRewardsCoordinator
    function cumulativeClaimed(address earner, IERC20 token) external view returns (uint256 totalClaimed) {
        return _cumulativeClaimed[earner][token];
    }

    /// @notice Hash of an earner leaf: `keccak256(abi.encodePacked(uint8(0), earner, earnerTokenRoot))`.
    function calculateEarnerLeafHash(EarnerTreeMerkleLeaf calldata leaf) public pure returns (bytes32) {
        return keccak256(abi.encodePacked(EARNER_LEAF_SALT, leaf.earner, leaf.earnerTokenRoot));
    }

    /// @notice Hash of a token leaf: `keccak256(abi.encodePacked(uint8(1), token, cumulativeEarnings))`.
    function calculateTokenLeafHash(TokenTreeMerkleLeaf calldata leaf) public pure returns (bytes32) {
        return keccak256(abi.encodePacked(TOKEN_LEAF_SALT, leaf.token, leaf.cumulativeEarnings));
    }

    /* ------------------------------------------------------------------------------------------------------------ */
    /*                                                    ROOTS                                                     */
    /* ------------------------------------------------------------------------------------------------------------ */

    /// @notice Posts `root`, claimable from `block.timestamp + activationDelay`.
    /// @dev Rewards updater only (`UnauthorizedCaller()`), pause bit 3. `rewardsCalculationEndTimestamp` must exceed
    /// the previous one (`NewRootMustBeForNewCalculatedPeriod()`) and lie in the past
    /// (`RewardsEndTimestampNotElapsed()`). A zero root is accepted, as on mainnet; claims against it revert
    /// `EmptyRoot()`.
    function submitRoot(
        bytes32 root,
        uint32 rewardsCalculationEndTimestamp
    ) external onlyWhenNotPaused(PAUSED_SUBMIT_DISABLE_ROOTS) onlyRewardsUpdater {
        if (rewardsCalculationEndTimestamp <= _currRewardsCalculationEndTimestamp) {
            revert NewRootMustBeForNewCalculatedPeriod();
        }
        if (rewardsCalculationEndTimestamp >= block.timestamp) revert RewardsEndTimestampNotElapsed();
        // Safe casts: the root count cannot reach 2^32 in practice, and timestamps fit uint32 until 2106 (the sum is
        // checked, so a later overflow reverts instead of wrapping).
        uint32 rootIndex = uint32(_distributionRoots.length);
        uint32 activatedAt = uint32(block.timestamp) + _activationDelay;
        _distributionRoots.push(
            DistributionRoot({
                root: root,
                rewardsCalculationEndTimestamp: rewardsCalculationEndTimestamp,
                activatedAt: activatedAt,
                disabled: false
            })
        );
        _currRewardsCalculationEndTimestamp = rewardsCalculationEndTimestamp;
        emit DistributionRootSubmitted(rootIndex, root, rewardsCalculationEndTimestamp, activatedAt);
    }

    /// @notice Disables a root before it activates.
    /// @dev Rewards updater only (`UnauthorizedCaller()`), pause bit 3. Reverts `InvalidRootIndex()`,
    /// `RootDisabled()` if disabled already, and `RootAlreadyActivated()` once `block.timestamp >= activatedAt`.
    /// `currRewardsCalculationEndTimestamp` is left as is, so a replacement root needs a later end timestamp.
    function disableRoot(uint32 rootIndex) external onlyWhenNotPaused(PAUSED_SUBMIT_DISABLE_ROOTS) onlyRewardsUpdater {
        if (rootIndex >= _distributionRoots.length) revert InvalidRootIndex();
        DistributionRoot storage root = _distributionRoots[rootIndex];
        if (root.disabled) revert RootDisabled();
        if (block.timestamp >= root.activatedAt) revert RootAlreadyActivated();
        root.disabled = true;
        emit DistributionRootDisabled(rootIndex);
    }

    /// @notice Number of roots ever posted, disabled ones included.
    function getDistributionRootsLength() external view returns (uint256) {
        return _distributionRoots.length;
    }

    /// @notice The root at `index`; panics (0x32) if out of range.
    function getDistributionRootAtIndex(uint256 index) external view returns (DistributionRoot memory) {
        return _distributionRoots[index];
    }

    /// @notice The last root posted, whether or not it is active or disabled; panics (0x32) if none was posted.
    function getCurrentDistributionRoot() external view returns (DistributionRoot memory) {
        return _distributionRoots[_distributionRoots.length - 1];
    }

    /// @notice The latest root that is active and not disabled, or an all-zero struct if there is none.
    function getCurrentClaimableDistributionRoot() external view returns (DistributionRoot memory root) {
        for (uint256 i = _distributionRoots.length; i > 0; --i) {
            root = _distributionRoots[i - 1];
            if (!root.disabled && block.timestamp >= root.activatedAt) return root;
        }
        return DistributionRoot({root: bytes32(0), rewardsCalculationEndTimestamp: 0, activatedAt: 0, disabled: false});
    }

    /// @notice Index of the latest root equal to `rootHash` (disabled roots included); reverts `InvalidRoot()`.
    function getRootIndexFromHash(bytes32 rootHash) external view returns (uint32) {
        // Safe cast: see `submitRoot`.
        for (uint32 i = uint32(_distributionRoots.length); i > 0; --i) {
            if (_distributionRoots[i - 1].root == rootHash) return i - 1;
        }
        revert InvalidRoot();
    }

    /// @notice Calculation end of the last root posted (0 before the first).
    function currRewardsCalculationEndTimestamp() external view returns (uint32) {
        return _currRewardsCalculationEndTimestamp;
    }

    /* ------------------------------------------------------------------------------------------------------------ */
    /*                                                    ADMIN                                                     */
    /* ------------------------------------------------------------------------------------------------------------ */

    /// @notice The only address that may post and disable roots.
    function rewardsUpdater() external view returns (address) {
        return _rewardsUpdater;
    }

    /// @notice Seconds between posting a root and its activation.
    function activationDelay() external view returns (uint32) {
        return _activationDelay;
    }

    /// @notice The operator split, in basis points, of operators without an override (always 1000 here).
    function defaultOperatorSplitBips() external view returns (uint16) {
        return _defaultOperatorSplitBips;
    }

    /// @notice Replaces the rewards updater. Owner only; like mainnet, a no-op write is allowed and still emits.
    function setRewardsUpdater(address newRewardsUpdater) external onlyOwner {
        _setRewardsUpdater(newRewardsUpdater);
    }

    /// @notice Changes the activation delay of roots posted from now on. Owner only.
    function setActivationDelay(uint32 newActivationDelay) external onlyOwner {
        _setActivationDelay(newActivationDelay);
    }

    /* ------------------------------------------------------------------------------------------------------------ */
    /*                                                  INTERNALS                                                   */
    /* ------------------------------------------------------------------------------------------------------------ */

    function _processClaim(RewardsMerkleClaim calldata claim, address recipient) private {
        DistributionRoot memory root = _distributionRoots[claim.rootIndex];
        _checkClaim(claim, root);

        address earner = claim.earnerLeaf.earner;
        address claimer = _claimerFor[earner];
        if (claimer == address(0)) claimer = earner;
        if (msg.sender != claimer) revert UnauthorizedCaller();

        for (uint256 i = 0; i < claim.tokenLeaves.length; ++i) {
            TokenTreeMerkleLeaf calldata leaf = claim.tokenLeaves[i];
            uint256 alreadyClaimed = _cumulativeClaimed[earner][leaf.token];
            if (leaf.cumulativeEarnings <= alreadyClaimed) revert EarningsNotGreaterThanClaimed();
            uint256 amount = leaf.cumulativeEarnings - alreadyClaimed;
            _cumulativeClaimed[earner][leaf.token] = leaf.cumulativeEarnings;
            // Deviation from checks-effects-event-interactions, kept for mainnet's log order (Transfer, then
            // RewardsClaimed): the claimed total is already recorded and the entry points are nonReentrant, so a
            // reentrant token sees a consistent state and cannot claim twice.
            leaf.token.safeTransfer(recipient, amount);
            emit RewardsClaimed(root.root, earner, claimer, recipient, leaf.token, amount);
        }
    }

    function _checkClaim(RewardsMerkleClaim calldata claim, DistributionRoot memory root) private view {
        if (root.disabled) revert RootDisabled();
        if (block.timestamp < root.activatedAt) revert RootNotActivated();
        if (claim.tokenIndices.length != claim.tokenTreeProofs.length) revert InputArrayLengthMismatch();
        if (claim.tokenTreeProofs.length != claim.tokenLeaves.length) revert InputArrayLengthMismatch();

        if (!_fitsProof(claim.earnerIndex, claim.earnerTreeProof)) revert InvalidEarnerLeafIndex();
        _verify(root.root, calculateEarnerLeafHash(claim.earnerLeaf), claim.earnerIndex, claim.earnerTreeProof);

        bytes32 earnerTokenRoot = claim.earnerLeaf.earnerTokenRoot;
        for (uint256 i = 0; i < claim.tokenLeaves.length; ++i) {
            if (!_fitsProof(claim.tokenIndices[i], claim.tokenTreeProofs[i])) revert InvalidTokenLeafIndex();
            _verify(
                earnerTokenRoot,
                calculateTokenLeafHash(claim.tokenLeaves[i]),
                claim.tokenIndices[i],
                claim.tokenTreeProofs[i]
            );
        }
    }

    /// @dev Whether `index < 2 ** (proof.length / 32)`, so one proof cannot serve several indices. For 256 or more
    /// siblings the shift yields 0 and every index is rejected, as on mainnet.
    function _fitsProof(uint32 index, bytes calldata proof) private pure returns (bool) {
        return index < (uint256(1) << (proof.length / 32));
    }

    /// @dev Reverts unless walking `proof` up from `leaf` at `index` ends at the non-zero `root`.
    function _verify(bytes32 root, bytes32 leaf, uint256 index, bytes calldata proof) private pure {
        if (root == bytes32(0)) revert EmptyRoot();
        if (proof.length == 0 || proof.length % 32 != 0) revert InvalidProofLength();
        bytes32 node = leaf;
        for (uint256 offset = 0; offset < proof.length; offset += 32) {
            bytes32 sibling = bytes32(proof[offset:offset + 32]);
            node = index % 2 == 0 ? Hashes.efficientKeccak256(node, sibling) : Hashes.efficientKeccak256(sibling, node);
            index /= 2;
        }
        if (node != root) revert InvalidClaimProof();
    }

    function _setRewardsUpdater(address newRewardsUpdater) private {
        address oldRewardsUpdater = _rewardsUpdater;
        _rewardsUpdater = newRewardsUpdater;
        emit RewardsUpdaterSet(oldRewardsUpdater, newRewardsUpdater);
    }

    function _setActivationDelay(uint32 newActivationDelay) private {
        uint32 oldActivationDelay = _activationDelay;
        _activationDelay = newActivationDelay;
        emit ActivationDelaySet(oldActivationDelay, newActivationDelay);
    }
}
