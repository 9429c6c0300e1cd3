// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {BeaconProxy} from "@openzeppelin/contracts/proxy/beacon/BeaconProxy.sol";
import {Create2} from "@openzeppelin/contracts/utils/Create2.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IStrategy} from "../../interfaces/external/eigenlayer/IStrategy.sol";
import {OperatorSet} from "../../interfaces/external/eigenlayer/IAllocationManager.sol";
import {EigenPod} from "./EigenPod.sol";
import {Initializer} from "./mixins/Initializer.sol";
import {OwnableStandIn} from "./mixins/OwnableStandIn.sol";
import {Pausable} from "./permissions/Pausable.sol";
import {PauserRegistry} from "./permissions/PauserRegistry.sol";

/// @notice What the EigenPodManager calls on the DelegationManager.
interface IDelegationManagerForPods {
    function increaseDelegatedShares(
        address staker,
        IStrategy strategy,
        uint256 prevDepositShares,
        uint256 addedShares
    ) external;
    function decreaseDelegatedShares(
        address staker,
        uint256 curDepositShares,
        uint64 beaconChainSlashingFactorDecrease
    ) external;
}

/// @title EigenPodManager (local stand-in of EigenLayer v1.12.0)
/// @notice Deploys one EigenPod per owner (a beacon proxy at a CREATE2 address known in advance), stakes through it,
/// and keeps the owners' beacon-chain ETH deposit shares (1 share = 1 wei) and beacon chain slashing factors. It is
/// the share manager of the virtual `beaconChainETHStrategy` for the DelegationManager: shares move in and out of
/// the withdrawal queue through the same hooks as the StrategyManager's, and a completion as tokens is paid in ETH
/// out of the owner's pod.
/// @dev Modelled as mainnet: the pause bits (0 guards `createPod` and `stake`; pods read 2 and 5 to 10 from here),
/// deposit shares as int256 with mainnet's `_addShares` return convention and the legacy-deficit repayment in
/// `withdrawSharesAsTokens`, the beacon chain slashing factor cut by `prev * (P - |d|) / P` on a negative balance
/// update (deposit shares unchanged), `burnableETHShares` (slashed native ETH is never burned), the Pectra fork
/// timestamp and its setter role, the custom errors and events. Stand-in differences: wiring by `initializeStandIn`
/// (mainnet: constructor immutables + `initialize(owner, pausedStatus)`); pods are OpenZeppelin 5 `BeaconProxy`
/// instances, so `getPod` predicts the same way (salt = owner) but over a different init code than mainnet's frozen
/// bytecode; `CallerNotOwner(address)` for the owner-only setter (mainnet: OpenZeppelin 4's revert string); and
/// `seedLegacyDeficitStandIn`, which stands for pre-slashing-release history that no v1.12 path can create.
contract EigenPodManager is Initializer, OwnableStandIn, Pausable, ReentrancyGuardTransient {
    /// @notice Emitted when a pod is deployed.
    event PodDeployed(address indexed eigenPod, address indexed podOwner);
    /// @notice Emitted when an owner's deposit shares change by a delta (credit or deficit repayment).
    event PodSharesUpdated(address indexed podOwner, int256 sharesDelta);
    /// @notice Emitted with an owner's deposit shares after every change.
    event NewTotalShares(address indexed podOwner, int256 newTotalShares);
    /// @notice Emitted when an owner's beacon chain slashing factor falls.
    event BeaconChainSlashingFactorDecreased(
        address staker,
        uint64 prevBeaconChainSlashingFactor,
        uint64 newBeaconChainSlashingFactor
    );
    /// @notice Emitted when operator slashing marks beacon-chain shares as burnable.
    event BurnableETHSharesIncreased(uint256 shares);
    /// @notice Emitted when the Pectra fork timestamp is set.
    event PectraForkTimestampSet(uint64 newPectraForkTimestamp);
    /// @notice Emitted when the proof timestamp setter changes.
    event ProofTimestampSetterSet(address newProofTimestampSetter);
    /// @notice Declared on mainnet, never emitted in v1.12.
    event BeaconChainETHDeposited(address indexed podOwner, uint256 amount);
    /// @notice Declared on mainnet, never emitted in v1.12.
    event BeaconChainETHWithdrawalCompleted(
        address indexed podOwner,
        uint256 shares,
        uint96 nonce,
        address delegatedAddress,
        address withdrawer,
        bytes32 withdrawalRoot
    );

    /// @notice Only the owner's own pod may report its balance changes.
    error OnlyEigenPod();
    /// @notice Only the DelegationManager may call this.
    error OnlyDelegationManager();
    /// @notice The caller already has a pod.
    error EigenPodAlreadyExists();
    /// @notice A balance delta that is not a whole number of gwei.
    error SharesNotMultipleOfGwei();
    /// @notice Shares would become negative, or a negative amount was given.
    error SharesNegative();
    /// @notice Only the beacon chain ETH strategy lives here.
    error InvalidStrategy();
    /// @notice The owner still has a legacy deficit of deposit shares.
    error LegacyWithdrawalsNotCompleted();
    /// @notice Only the proof timestamp setter may call this.
    error OnlyProofTimestampSetter();
    /// @notice A zero address.
    error InputAddressZero();

    /// @dev A stored factor; unset means WAD.
    struct BeaconChainSlashingFactor {
        bool isSet;
        uint64 slashingFactor;
    }

    uint8 internal constant PAUSED_NEW_EIGENPODS = 0;
    uint256 internal constant GWEI_TO_WEI = 1e9;
    uint64 internal constant WAD = 1e18;

    /// @notice The virtual strategy of native ETH (no contract at this address).
    // The mainnet getter name `beaconChainETHStrategy()`, not SNAKE_CASE.
    // solhint-disable-next-line const-name-snakecase
    IStrategy public constant beaconChainETHStrategy = IStrategy(0xbeaC0eeEeeeeEEeEeEEEEeeEEeEeeeEeeEEBEaC0);

    address private _ethPOS;
    address private _eigenPodBeacon;
    IDelegationManagerForPods private _delegationManager;

    /// @notice Each owner's pod (zero: none deployed yet).
    mapping(address podOwner => EigenPod) public ownerToPod;
    /// @notice Pods deployed so far.
    uint256 public numPods;
    /// @notice Each owner's beacon-chain ETH deposit shares (negative: a legacy deficit).
    mapping(address podOwner => int256 shares) public podOwnerDepositShares;
    mapping(address podOwner => BeaconChainSlashingFactor) private _beaconChainSlashingFactor;
    /// @notice Beacon-chain shares removed by operator slashing (ETH is not burned: it stays in pods).
    uint256 public burnableETHShares;
    /// @notice Who may set `pectraForkTimestamp`.
    address public proofTimestampSetter;
    /// @notice Timestamp of the first slot at or after the Pectra fork; pods pick their proof layout from it.
    uint64 public pectraForkTimestamp;

    modifier onlyDelegationManager() {
        if (msg.sender != address(_delegationManager)) revert OnlyDelegationManager();
        _;
    }

    modifier onlyEigenPod(address podOwner) {
        if (msg.sender != address(ownerToPod[podOwner])) revert OnlyEigenPod();
        _;
    }

    /// @notice Stand-in initializer: mainnet takes the deposit contract, the pod beacon, the DelegationManager and
    /// the pauser registry in its constructor and `(initialOwner, initialPausedStatus)` in `initialize`.
    function initializeStandIn(
        address ethPOS_,
        address eigenPodBeacon_,
        address delegationManager_,
        PauserRegistry pauserRegistry_,
        address initialOwner,
        uint256 initialPausedStatus
    ) external initializer {
        if (ethPOS_ == address(0) || eigenPodBeacon_ == address(0) || delegationManager_ == address(0)) {
            revert InputAddressZero();
        }
        _ethPOS = ethPOS_;
        _eigenPodBeacon = eigenPodBeacon_;
        _delegationManager = IDelegationManagerForPods(delegationManager_);
        _initializePausable(pauserRegistry_, initialPausedStatus);
        _transferOwnership(initialOwner);
    }

    /* PODS */

    /// @notice Deploys the caller's pod.
    function createPod() external onlyWhenNotPaused(PAUSED_NEW_EIGENPODS) nonReentrant returns (address) {
        if (hasPod(msg.sender)) revert EigenPodAlreadyExists();
        return address(_deployPod());
    }

    /// @notice Stakes `msg.value` (exactly 32 ether) for a new validator through the caller's pod, deploying the
    /// pod first if needed. The deposit's withdrawal credentials are `0x01 || 0^11 || pod`.
    function stake(
        bytes calldata pubkey,
        bytes calldata signature,
        bytes32 depositDataRoot
    ) external payable onlyWhenNotPaused(PAUSED_NEW_EIGENPODS) nonReentrant {
        EigenPod pod = ownerToPod[msg.sender];
        if (address(pod) == address(0)) pod = _deployPod();
        pod.stake{value: msg.value}(pubkey, signature, depositDataRoot);
    }

    /* POD REPORTS */

    /// @notice A pod reports a balance change: a positive delta credits deposit shares, a negative one lowers the
    /// owner's beacon chain slashing factor in proportion to `prevRestakedBalanceWei`.
    function recordBeaconChainETHBalanceUpdate(
        address podOwner,
        uint256 prevRestakedBalanceWei,
        int256 balanceDeltaWei
    ) external onlyEigenPod(podOwner) nonReentrant {
        if (podOwner == address(0)) revert InputAddressZero();
        if (balanceDeltaWei % int256(GWEI_TO_WEI) != 0) revert SharesNotMultipleOfGwei();
        int256 currentDepositShares = podOwnerDepositShares[podOwner];
        if (currentDepositShares < 0) revert LegacyWithdrawalsNotCompleted();
        if (balanceDeltaWei > 0) {
            (uint256 prevDepositShares, uint256 addedShares) = _addShares(podOwner, uint256(balanceDeltaWei));
            _delegationManager.increaseDelegatedShares(
                podOwner,
                beaconChainETHStrategy,
                prevDepositShares,
                addedShares
            );
        } else if (balanceDeltaWei < 0) {
            uint64 decrease = _reduceSlashingFactor(podOwner, prevRestakedBalanceWei, uint256(-balanceDeltaWei));
            _delegationManager.decreaseDelegatedShares(podOwner, uint256(currentDepositShares), decrease);
        }
    }

    /* SHARE-MANAGER HOOKS (DelegationManager only) */

    /// @notice Removes deposit shares (queued for withdrawal); returns what the owner has left.
    function removeDepositShares(
        address staker,
        IStrategy strategy,
        uint256 depositSharesToRemove
    ) external onlyDelegationManager nonReentrant returns (uint256) {
        if (strategy != beaconChainETHStrategy) revert InvalidStrategy();
        int256 updated = podOwnerDepositShares[staker] - int256(depositSharesToRemove);
        if (updated < 0) revert SharesNegative();
        podOwnerDepositShares[staker] = updated;
        emit NewTotalShares(staker, updated);
        return uint256(updated);
    }

    /// @notice Credits deposit shares (a withdrawal completed as shares); returns (previous, added) as the
    /// DelegationManager must count them.
    function addShares(
        address staker,
        IStrategy strategy,
        uint256 shares
    ) external onlyDelegationManager nonReentrant returns (uint256, uint256) {
        if (strategy != beaconChainETHStrategy) revert InvalidStrategy();
        return _addShares(staker, shares);
    }

    /// @notice Pays a completed withdrawal as ETH from the owner's pod to the owner, after repaying any legacy
    /// deficit with it. The token argument is ignored.
    function withdrawSharesAsTokens(
        address staker,
        IStrategy strategy,
        IERC20,
        uint256 shares
    ) external onlyDelegationManager nonReentrant {
        if (strategy != beaconChainETHStrategy) revert InvalidStrategy();
        if (staker == address(0)) revert InputAddressZero();
        if (int256(shares) <= 0) revert SharesNegative();
        int256 current = podOwnerDepositShares[staker];
        uint256 toWithdraw = shares;
        if (current < 0) {
            uint256 deficit = uint256(-current);
            uint256 repaid = Math.min(shares, deficit);
            toWithdraw = shares - repaid;
            int256 updated = current + int256(repaid);
            podOwnerDepositShares[staker] = updated;
            emit PodSharesUpdated(staker, int256(repaid));
            emit NewTotalShares(staker, updated);
        }
        if (toWithdraw > 0) ownerToPod[staker].withdrawRestakedBeaconChainETH(staker, toWithdraw);
    }

    /// @notice Counts beacon-chain shares an operator slash removed. Native ETH has no burn: it stays where it is.
    function increaseBurnOrRedistributableShares(
        OperatorSet calldata,
        uint256,
        IStrategy,
        uint256 addedSharesToBurn
    ) external onlyDelegationManager nonReentrant {
        burnableETHShares += addedSharesToBurn;
        emit BurnableETHSharesIncreased(addedSharesToBurn);
    }

    /* ROLES */

    /// @notice Replaces the proof timestamp setter (owner only).
    function setProofTimestampSetter(address newProofTimestampSetter) external onlyOwner {
        proofTimestampSetter = newProofTimestampSetter;
        emit ProofTimestampSetterSet(newProofTimestampSetter);
    }

    /// @notice Sets the Pectra fork timestamp pods choose their proof layout by.
    function setPectraForkTimestamp(uint64 timestamp) external {
        if (msg.sender != proofTimestampSetter) revert OnlyProofTimestampSetter();
        pectraForkTimestamp = timestamp;
        emit PectraForkTimestampSet(timestamp);
    }

    /// @notice Stand-in only (owner): gives `podOwner` a legacy deficit of `deficit` deposit shares, the state a
    /// pre-slashing-release withdrawal left behind, which no v1.12 path creates. Requires no shares yet.
    function seedLegacyDeficitStandIn(address podOwner, uint256 deficit) external onlyOwner {
        if (podOwnerDepositShares[podOwner] != 0) revert SharesNegative();
        int256 updated = -int256(deficit);
        podOwnerDepositShares[podOwner] = updated;
        emit NewTotalShares(podOwner, updated);
    }

    /* VIEWS */

    /// @notice The owner's pod, or the address it will be deployed at.
    function getPod(address podOwner) public view returns (EigenPod) {
        EigenPod pod = ownerToPod[podOwner];
        if (address(pod) != address(0)) return pod;
        return EigenPod(payable(Create2.computeAddress(_salt(podOwner), keccak256(_podInitCode()))));
    }

    /// @notice Whether the owner has a pod.
    function hasPod(address podOwner) public view returns (bool) {
        return address(ownerToPod[podOwner]) != address(0);
    }

    /// @notice The owner's deposit shares in the beacon chain ETH strategy (a deficit reads as zero).
    function stakerDepositShares(address user, IStrategy strategy) external view returns (uint256 depositShares) {
        if (strategy != beaconChainETHStrategy) revert InvalidStrategy();
        int256 shares = podOwnerDepositShares[user];
        return shares < 0 ? 0 : uint256(shares);
    }

    /// @notice The owner's beacon chain slashing factor, WAD until a balance decrease first sets it.
    function beaconChainSlashingFactor(address podOwner) public view returns (uint64) {
        BeaconChainSlashingFactor memory factor = _beaconChainSlashingFactor[podOwner];
        return factor.isSet ? factor.slashingFactor : WAD;
    }

    /// @notice The beacon chain deposit contract.
    function ethPOS() external view returns (address) {
        return _ethPOS;
    }

    /// @notice The beacon every pod proxy reads its implementation from.
    function eigenPodBeacon() external view returns (address) {
        return _eigenPodBeacon;
    }

    /// @notice The DelegationManager.
    function delegationManager() external view returns (address) {
        return address(_delegationManager);
    }

    /// @notice Semantic version of the mirrored release.
    function version() external pure returns (string memory) {
        return "1.12.0";
    }

    /* INTERNAL */

    function _deployPod() private returns (EigenPod pod) {
        ++numPods;
        pod = EigenPod(payable(Create2.deploy(0, _salt(msg.sender), _podInitCode())));
        pod.initialize(msg.sender);
        ownerToPod[msg.sender] = pod;
        emit PodDeployed(address(pod), msg.sender);
    }

    function _addShares(address staker, uint256 shares) private returns (uint256, uint256) {
        if (staker == address(0)) revert InputAddressZero();
        if (int256(shares) < 0) revert SharesNegative();
        int256 prev = podOwnerDepositShares[staker];
        int256 updated = prev + int256(shares);
        podOwnerDepositShares[staker] = updated;
        emit PodSharesUpdated(staker, int256(shares));
        emit NewTotalShares(staker, updated);
        // Only shares above a deficit count as new for the DelegationManager.
        if (updated <= 0) return (0, 0);
        if (prev < 0) return (0, uint256(updated));
        return (uint256(prev), shares);
    }

    function _reduceSlashingFactor(
        address podOwner,
        uint256 prevRestakedBalanceWei,
        uint256 balanceDecreasedWei
    ) private returns (uint64) {
        uint64 prevFactor = beaconChainSlashingFactor(podOwner);
        uint64 newFactor = uint64(
            Math.mulDiv(prevFactor, prevRestakedBalanceWei - balanceDecreasedWei, prevRestakedBalanceWei)
        );
        _beaconChainSlashingFactor[podOwner] = BeaconChainSlashingFactor({isSet: true, slashingFactor: newFactor});
        emit BeaconChainSlashingFactorDecreased(podOwner, prevFactor, newFactor);
        return prevFactor - newFactor;
    }

    /// @dev The owner's address, left-padded to 32 bytes.
    function _salt(address podOwner) private pure returns (bytes32) {
        return bytes32(uint256(uint160(podOwner)));
    }

    /// @dev `BeaconProxy` creation code with constructor arguments `(eigenPodBeacon, "")`.
    function _podInitCode() private view returns (bytes memory) {
        return abi.encodePacked(type(BeaconProxy).creationCode, abi.encode(_eigenPodBeacon, bytes("")));
    }
}
