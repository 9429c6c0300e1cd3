// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IValidatorKeyRegistry
/// @notice The queue of validator keys each delegator stakes native ETH with. A delegator (an operator-delegator
/// contract: the owner of one EigenPod, delegated to one EigenLayer operator) has at most one approved node operator
/// (`setNodeOperator`, admin), who alone submits keys for it and removes them. Each key is a BLS public key, its
/// deposit signature and the deposit contract's `deposit_data_root` for a 32-ETH deposit with the withdrawal
/// credentials of the delegator's pod, `0x01 || 11 zero bytes || pod`: the registry recomputes that root at
/// submission, so a key can only ever send ETH to that pod. A public key is accepted once, for one delegator, ever
/// (the deposit contract would treat a second deposit for it as a top-up of the first validator, whatever
/// credentials the second deposit names).
///
/// Keys are used in the order they were submitted: the restaking manager (the only consumer) takes the next unused
/// ones with `consumeKeys`, handing back the full keys, which must match what was stored. Storage is one commitment
/// slot per queued key (`keccak256(abi.encode(pubkey, signature, depositDataRoot))`) and one record per public key
/// (delegator, index, status); the key bytes are only in `KeySubmitted` events, from which off-chain tooling rebuilds
/// each queue (`scripts/lib/keys.ts`).
///
/// Indexes: a delegator's used keys hold indexes `[0, used)`, its queued keys `[used, used + queued)`. Removal drops
/// keys from the end of the queue, and the next submission takes the freed indexes again, so the queue never has
/// holes; a removed key's record keeps the index it had.
///
/// What the registry does not check, and who does: (1) the BLS signature. It is verified off chain by the keeper
/// before staking (the deposit contract does not verify it; the beacon chain ignores a new validator's deposit whose
/// signature is invalid, and those 32 ETH would be lost). (2) The deposit front-run (Renzo, Sigma Prime's finding): a
/// node operator could deposit 1 ETH for a key with credentials of its own before submitting it, so that the
/// vault's later 32 ETH top up the operator's validator. The registry cannot see deposits; the keeper checks, off
/// chain, that no deposit exists for a key before staking it, and passes the deposit contract's
/// `get_deposit_root()` it checked against; the stake path (later work) refuses when that root has moved since.
interface IValidatorKeyRegistry {
    /// @notice One validator key, as `EigenPodManager.stake` takes it.
    /// @param pubkey the BLS12-381 public key, 48 bytes (compressed G1)
    /// @param signature the BLS signature of the deposit message, 96 bytes (compressed G2)
    /// @param depositDataRoot `hash_tree_root(DepositData)` for this key, the pod's 0x01 credentials and 32 ETH
    struct Key {
        bytes pubkey;
        bytes signature;
        bytes32 depositDataRoot;
    }

    /// @notice Where a public key stands.
    /// None: never submitted; Queued: submitted and not used yet; Used: consumed for a deposit; Removed: dropped by
    /// its node operator or the admin before use. Only None may be submitted.
    enum KeyStatus {
        None,
        Queued,
        Used,
        Removed
    }

    /// @notice `delegator`'s node operator changed. Keys already queued stay queued (see `setNodeOperator`).
    /// @param delegator the delegator
    /// @param previous the node operator before (zero: none)
    /// @param nodeOperator the node operator now (zero: none)
    event NodeOperatorSet(address indexed delegator, address indexed previous, address indexed nodeOperator);
    /// @notice A key joined `delegator`'s queue at `index`; the event carries the whole key.
    /// @param delegator the delegator
    /// @param index the key's index in the delegator's queue
    /// @param pubkeyHash `sha256(pubkey || 16 zero bytes)`, EigenLayer's pubkey hash
    /// @param pubkey the 48-byte public key
    /// @param signature the 96-byte deposit signature
    /// @param depositDataRoot the deposit data root (32 ETH, the pod's 0x01 credentials)
    event KeySubmitted(
        address indexed delegator,
        uint256 indexed index,
        bytes32 indexed pubkeyHash,
        bytes pubkey,
        bytes signature,
        bytes32 depositDataRoot
    );
    /// @notice The restaking manager took `delegator`'s keys at indexes `fromIndex` onwards, in order.
    /// @param delegator the delegator
    /// @param fromIndex the index of the first key taken
    /// @param pubkeyHashes the keys' pubkey hashes, in queue order
    event KeysConsumed(address indexed delegator, uint256 fromIndex, bytes32[] pubkeyHashes);
    /// @notice Keys at the end of `delegator`'s queue were dropped; indexes from `fromIndex` on are free again.
    /// @param delegator the delegator
    /// @param by who removed them (the node operator, or an admin through `adminRemoveKeys`)
    /// @param fromIndex the index of the first key removed
    /// @param pubkeyHashes the keys' pubkey hashes, in queue order
    event KeysRemoved(address indexed delegator, address indexed by, uint256 fromIndex, bytes32[] pubkeyHashes);

    /// @notice A zero address where one is needed.
    error ValidatorKeyRegistryZeroAddress();
    /// @notice Only the restaking manager consumes keys.
    /// @param caller the caller
    /// @param manager the restaking manager
    error ValidatorKeyRegistryOnlyManager(address caller, address manager);
    /// @notice Only the delegator's node operator submits or removes its keys.
    /// @param caller the caller
    /// @param delegator the delegator
    /// @param nodeOperator the delegator's node operator (zero: none)
    error ValidatorKeyRegistryNotNodeOperator(address caller, address delegator, address nodeOperator);
    /// @notice A batch with no keys.
    error ValidatorKeyRegistryEmptyBatch();
    /// @notice A batch above `MAX_BATCH` keys.
    /// @param size the keys given
    /// @param max `MAX_BATCH`
    error ValidatorKeyRegistryBatchTooLarge(uint256 size, uint256 max);
    /// @notice A public key is not 48 bytes or a signature not 96.
    /// @param position the key's position in the batch
    /// @param pubkeyLength the public key's length
    /// @param signatureLength the signature's length
    error ValidatorKeyRegistryBadKeyLength(uint256 position, uint256 pubkeyLength, uint256 signatureLength);
    /// @notice The deposit data root is not the one of a 32-ETH deposit of this key and signature with the
    /// delegator's pod credentials (another pod's, another amount, another signature, or not a root at all).
    /// @param pubkeyHash the key's pubkey hash
    /// @param given the root given
    /// @param expected the root for the delegator's pod and 32 ETH
    error ValidatorKeyRegistryBadDepositDataRoot(bytes32 pubkeyHash, bytes32 given, bytes32 expected);
    /// @notice The public key was submitted before (for any delegator, whatever became of it), or twice in the batch.
    /// @param pubkeyHash the key's pubkey hash
    error ValidatorKeyRegistryKeyExists(bytes32 pubkeyHash);
    /// @notice The key given for `index` is not the one queued there (wrong order, another key, or altered bytes).
    /// @param delegator the delegator
    /// @param index the queue index
    error ValidatorKeyRegistryKeyMismatch(address delegator, uint256 index);
    /// @notice Fewer keys queued than asked for.
    /// @param delegator the delegator
    /// @param requested the keys asked for
    /// @param queued the keys queued
    error ValidatorKeyRegistryNotEnoughKeys(address delegator, uint256 requested, uint256 queued);

    /// @notice Approves `nodeOperator` as the one address that submits and removes keys for `delegator` (admin);
    /// zero removes the current one. Keys already queued stay queued and usable, whoever submitted them: to retire a
    /// node operator's keys, call `adminRemoveKeys` after replacing it (the replaced operator can no longer add keys,
    /// and the new one may also remove them with `removeKeys`).
    /// @param delegator the delegator (the pod owner)
    /// @param nodeOperator the node operator (zero: none)
    function setNodeOperator(address delegator, address nodeOperator) external;

    /// @notice Queues `keys` for `delegator`, in order, after its last queued key (its node operator only). Each key
    /// must have a 48-byte public key and a 96-byte signature, a deposit data root equal to
    /// `DepositData.root(pubkey, signature, podCredentials(eigenPodManager.getPod(delegator)), 32 ETH in gwei)`, and a
    /// public key never submitted before, for any delegator. All or nothing: one bad key reverts the batch.
    /// @dev The signature is not checked here (see the contract's notes): the keeper verifies it before staking.
    /// @param delegator the delegator (the pod owner)
    /// @param keys 1 to `MAX_BATCH` keys
    function submitKeys(address delegator, Key[] calldata keys) external;

    /// @notice Takes `delegator`'s next `keys.length` queued keys, which must be given exactly, in queue order (the
    /// restaking manager only, when it stakes them). Marks them used, for good.
    /// @param delegator the delegator
    /// @param keys the next queued keys, 1 to `MAX_BATCH`, byte for byte as submitted
    /// @return pubkeyHashes their pubkey hashes, in order
    function consumeKeys(address delegator, Key[] calldata keys) external returns (bytes32[] memory pubkeyHashes);

    /// @notice Drops the last `pubkeyHashes.length` queued keys of `delegator` (its node operator only). The keys
    /// are named, in queue order, so that each key's record can say Removed. A removed key can never be submitted
    /// again: a key is removed because something was wrong with it or its operator, and its deposit data, possibly
    /// its secret key, may have been exposed (anyone could front-run a later stake of it with a deposit of their
    /// own); the node operator submits fresh keys instead.
    /// @param delegator the delegator
    /// @param pubkeyHashes the pubkey hashes of the last queued keys, in queue order (1 to `MAX_BATCH`)
    function removeKeys(address delegator, bytes32[] calldata pubkeyHashes) external;

    /// @notice `removeKeys` for the admin, whoever the node operator is (e.g. to retire a replaced operator's keys).
    /// @param delegator the delegator
    /// @param pubkeyHashes the pubkey hashes of the last queued keys, in queue order (1 to `MAX_BATCH`)
    function adminRemoveKeys(address delegator, bytes32[] calldata pubkeyHashes) external;

    /// @notice The node operator approved for `delegator` (zero: none).
    /// @param delegator the delegator
    /// @return the node operator
    function nodeOperatorOf(address delegator) external view returns (address);

    /// @notice How many of `delegator`'s keys were used and how many are queued.
    /// @param delegator the delegator
    /// @return used keys consumed (indexes `[0, used)`); also the index `consumeKeys` takes next
    /// @return queued keys waiting (indexes `[used, used + queued)`)
    function keyCounts(address delegator) external view returns (uint256 used, uint256 queued);

    /// @notice The commitment `keccak256(abi.encode(pubkey, signature, depositDataRoot))` of the key queued at
    /// `index`; zero when no key is queued there (used, removed, or never submitted).
    /// @param delegator the delegator
    /// @param index the queue index
    /// @return the commitment (zero: none queued at `index`)
    function commitmentOf(address delegator, uint256 index) external view returns (bytes32);

    /// @notice A public key's record.
    /// @param pubkeyHash `sha256(pubkey || 16 zero bytes)`
    /// @return delegator the delegator it was submitted for (zero: never submitted)
    /// @return index the index it was submitted at (a removed key's index may since hold another key)
    /// @return status where it stands
    function keyOf(bytes32 pubkeyHash) external view returns (address delegator, uint256 index, KeyStatus status);

    /// @notice The withdrawal credentials every key of `delegator` deposits with: `0x01 || 11 zero bytes || pod`,
    /// with `pod = eigenPodManager.getPod(delegator)` (known before the pod is deployed).
    /// @param delegator the delegator
    /// @return the credentials
    function credentialsOf(address delegator) external view returns (bytes32);

    /// @notice The restaking manager (the only consumer) and EigenLayer's EigenPodManager, fixed at deployment.
    /// @return manager the restaking manager
    /// @return eigenPodManager the EigenPodManager
    function links() external view returns (address manager, address eigenPodManager);

    /// @notice The most keys one call submits, consumes or removes (bounds a call's gas).
    /// @return 100
    function MAX_BATCH() external view returns (uint256);
}
