// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {AccessManagedUpgradeable} from "@openzeppelin/contracts-upgradeable/access/manager/AccessManagedUpgradeable.sol";
import {IValidatorKeyRegistry} from "./interfaces/IValidatorKeyRegistry.sol";
import {DepositData} from "./libraries/DepositData.sol";
import {IEigenPodManager} from "./interfaces/external/eigenlayer/IEigenPod.sol";

/// @title ValidatorKeyRegistry
/// @notice Per-delegator queues of validator keys, each bound at submission to the delegator's EigenPod. See
/// `IValidatorKeyRegistry`.
/// @dev Storage per delegator: one slot (node operator, used, queued) and one commitment slot per queued key; per
/// public key one record slot (delegator, index, status). Consuming or removing a key clears its commitment slot.
contract ValidatorKeyRegistry is Initializable, AccessManagedUpgradeable, UUPSUpgradeable, IValidatorKeyRegistry {
    /// @inheritdoc IValidatorKeyRegistry
    uint256 public constant MAX_BATCH = 100;

    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    address private immutable _manager;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IEigenPodManager private immutable _eigenPodManager;

    /// @dev A delegator's queue: keys `[0, used)` were consumed, `[used, used + queued)` wait.
    struct Queue {
        address nodeOperator;
        uint48 used;
        uint48 queued;
    }

    /// @dev A public key's record.
    struct Record {
        address delegator;
        uint48 index;
        KeyStatus status;
    }

    /// @custom:storage-location erc7201:lrt.storage.ValidatorKeyRegistry
    struct RegistryStorage {
        mapping(address delegator => Queue) queues;
        mapping(address delegator => mapping(uint256 index => bytes32 commitment)) commitments;
        mapping(bytes32 pubkeyHash => Record) records;
    }

    // keccak256(abi.encode(uint256(keccak256("lrt.storage.ValidatorKeyRegistry")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant STORAGE_LOCATION = 0xfd3a8c19f569c5c3d2dadf233b7fc1367461a84fbebc02ff2aa7ea139bff8c00;

    /// @param manager the restaking manager, the only consumer of keys
    /// @param eigenPodManager EigenLayer's EigenPodManager (pods and their addresses)
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(address manager, address eigenPodManager) {
        if (manager == address(0) || eigenPodManager == address(0)) revert ValidatorKeyRegistryZeroAddress();
        _manager = manager;
        _eigenPodManager = IEigenPodManager(eigenPodManager);
        _disableInitializers();
    }

    /// @notice Sets the access manager.
    /// @param authority the AccessManager
    function initialize(address authority) external initializer {
        if (authority == address(0)) revert ValidatorKeyRegistryZeroAddress();
        __AccessManaged_init(authority);
    }

    /// @inheritdoc IValidatorKeyRegistry
    function setNodeOperator(address delegator, address nodeOperator) external restricted {
        if (delegator == address(0)) revert ValidatorKeyRegistryZeroAddress();
        Queue storage q = _registry().queues[delegator];
        address previous = q.nodeOperator;
        q.nodeOperator = nodeOperator;
        emit NodeOperatorSet(delegator, previous, nodeOperator);
    }

    /// @inheritdoc IValidatorKeyRegistry
    function submitKeys(address delegator, Key[] calldata keys) external {
        RegistryStorage storage $ = _registry();
        Queue storage q = $.queues[delegator];
        (address nodeOperator, uint256 used, uint256 queued) = (q.nodeOperator, q.used, q.queued);
        if (msg.sender != nodeOperator || nodeOperator == address(0)) {
            revert ValidatorKeyRegistryNotNodeOperator(msg.sender, delegator, nodeOperator);
        }
        uint256 n = _checkBatch(keys.length);
        bytes32 credentials = DepositData.podCredentials(address(_eigenPodManager.getPod(delegator)));
        uint256 first = used + queued;
        bytes32[] memory hashes = new bytes32[](n);
        for (uint256 i = 0; i < n; ++i) {
            hashes[i] = _queueKey($, delegator, keys[i], i, first + i, credentials);
        }
        q.queued = uint48(queued + n);
        for (uint256 i = 0; i < n; ++i) {
            Key calldata k = keys[i];
            emit KeySubmitted(delegator, first + i, hashes[i], k.pubkey, k.signature, k.depositDataRoot);
        }
    }

    /// @inheritdoc IValidatorKeyRegistry
    function consumeKeys(address delegator, Key[] calldata keys) external returns (bytes32[] memory pubkeyHashes) {
        if (msg.sender != _manager) revert ValidatorKeyRegistryOnlyManager(msg.sender, _manager);
        uint256 n = _checkBatch(keys.length);
        RegistryStorage storage $ = _registry();
        Queue storage q = $.queues[delegator];
        (uint256 used, uint256 queued) = (q.used, q.queued);
        if (n > queued) revert ValidatorKeyRegistryNotEnoughKeys(delegator, n, queued);
        mapping(uint256 => bytes32) storage commitments = $.commitments[delegator];
        pubkeyHashes = new bytes32[](n);
        for (uint256 i = 0; i < n; ++i) {
            Key calldata k = keys[i];
            uint256 index = used + i;
            if (_commitment(k) != commitments[index]) revert ValidatorKeyRegistryKeyMismatch(delegator, index);
            // The commitment binds the key's bytes, lengths included: the pubkey is the one submitted at `index`,
            // whose record says (delegator, index, Queued).
            bytes32 h = DepositData.pubkeyHash(k.pubkey);
            $.records[h].status = KeyStatus.Used;
            delete commitments[index];
            pubkeyHashes[i] = h;
        }
        (q.used, q.queued) = (uint48(used + n), uint48(queued - n));
        emit KeysConsumed(delegator, used, pubkeyHashes);
    }

    /// @inheritdoc IValidatorKeyRegistry
    function removeKeys(address delegator, bytes32[] calldata pubkeyHashes) external {
        address nodeOperator = _registry().queues[delegator].nodeOperator;
        if (msg.sender != nodeOperator || nodeOperator == address(0)) {
            revert ValidatorKeyRegistryNotNodeOperator(msg.sender, delegator, nodeOperator);
        }
        _removeKeys(delegator, pubkeyHashes);
    }

    /// @inheritdoc IValidatorKeyRegistry
    function adminRemoveKeys(address delegator, bytes32[] calldata pubkeyHashes) external restricted {
        _removeKeys(delegator, pubkeyHashes);
    }

    /// @inheritdoc IValidatorKeyRegistry
    function nodeOperatorOf(address delegator) external view returns (address) {
        return _registry().queues[delegator].nodeOperator;
    }

    /// @inheritdoc IValidatorKeyRegistry
    function keyCounts(address delegator) external view returns (uint256 used, uint256 queued) {
        Queue storage q = _registry().queues[delegator];
        return (q.used, q.queued);
    }

    /// @inheritdoc IValidatorKeyRegistry
    function commitmentOf(address delegator, uint256 index) external view returns (bytes32) {
        return _registry().commitments[delegator][index];
    }

    /// @inheritdoc IValidatorKeyRegistry
    function keyOf(bytes32 pubkeyHash) external view returns (address delegator, uint256 index, KeyStatus status) {
        Record storage r = _registry().records[pubkeyHash];
        return (r.delegator, r.index, r.status);
    }

    /// @inheritdoc IValidatorKeyRegistry
    function credentialsOf(address delegator) external view returns (bytes32) {
        return DepositData.podCredentials(address(_eigenPodManager.getPod(delegator)));
    }

    /// @inheritdoc IValidatorKeyRegistry
    function links() external view returns (address manager, address eigenPodManager) {
        return (_manager, address(_eigenPodManager));
    }

    /// @dev Checks key `k` (at `position` in its batch) for `delegator`'s pod `credentials`, then records it and
    /// stores its commitment at `index`; returns its pubkey hash.
    function _queueKey(
        RegistryStorage storage $,
        address delegator,
        Key calldata k,
        uint256 position,
        uint256 index,
        bytes32 credentials
    ) private returns (bytes32 h) {
        if (k.pubkey.length != 48 || k.signature.length != 96) {
            revert ValidatorKeyRegistryBadKeyLength(position, k.pubkey.length, k.signature.length);
        }
        h = DepositData.pubkeyHash(k.pubkey);
        bytes32 expected = DepositData.root(k.pubkey, k.signature, credentials, DepositData.STAKE_GWEI);
        if (k.depositDataRoot != expected)
            revert ValidatorKeyRegistryBadDepositDataRoot(h, k.depositDataRoot, expected);
        Record storage r = $.records[h];
        // A key queued (earlier in this batch too), used or removed has a record, whose delegator is never zero.
        if (r.delegator != address(0)) revert ValidatorKeyRegistryKeyExists(h);
        (r.delegator, r.index, r.status) = (delegator, uint48(index), KeyStatus.Queued);
        $.commitments[delegator][index] = _commitment(k);
    }

    /// @dev Drops the last `pubkeyHashes.length` queued keys of `delegator`, named in queue order.
    function _removeKeys(address delegator, bytes32[] calldata pubkeyHashes) private {
        uint256 n = _checkBatch(pubkeyHashes.length);
        RegistryStorage storage $ = _registry();
        Queue storage q = $.queues[delegator];
        (uint256 used, uint256 queued) = (q.used, q.queued);
        if (n > queued) revert ValidatorKeyRegistryNotEnoughKeys(delegator, n, queued);
        uint256 from = used + queued - n;
        mapping(uint256 => bytes32) storage commitments = $.commitments[delegator];
        for (uint256 i = 0; i < n; ++i) {
            Record storage r = $.records[pubkeyHashes[i]];
            uint256 index = from + i;
            // A queued record names one index of one delegator, and no other queued record names the same one.
            if (r.delegator != delegator || r.index != index || r.status != KeyStatus.Queued) {
                revert ValidatorKeyRegistryKeyMismatch(delegator, index);
            }
            r.status = KeyStatus.Removed;
            delete commitments[index];
        }
        q.queued = uint48(queued - n);
        emit KeysRemoved(delegator, msg.sender, from, pubkeyHashes);
    }

    /// @dev The batch size, if 1 to `MAX_BATCH`.
    function _checkBatch(uint256 n) private pure returns (uint256) {
        if (n == 0) revert ValidatorKeyRegistryEmptyBatch();
        if (n > MAX_BATCH) revert ValidatorKeyRegistryBatchTooLarge(n, MAX_BATCH);
        return n;
    }

    /// @dev `keccak256(abi.encode(pubkey, signature, depositDataRoot))`.
    function _commitment(Key calldata k) private pure returns (bytes32) {
        return keccak256(abi.encode(k.pubkey, k.signature, k.depositDataRoot));
    }

    function _authorizeUpgrade(address) internal override restricted {}

    function _registry() private pure returns (RegistryStorage storage $) {
        assembly {
            $.slot := STORAGE_LOCATION
        }
    }
}
