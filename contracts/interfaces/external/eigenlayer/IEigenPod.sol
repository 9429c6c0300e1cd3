// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice The parts of EigenLayer v1.12's `IEigenPodManager` that lrt-vault calls (selectors as on mainnet).
interface IEigenPodManager {
    /// @notice Creates the caller's pod.
    /// @return the pod
    function createPod() external returns (address);

    /// @notice Deposits 32 ETH for a validator with the caller's pod as 0x01 withdrawal credentials (creates the pod
    /// if the caller has none).
    /// @param pubkey the validator's BLS public key (48 bytes)
    /// @param signature its deposit signature (96 bytes)
    /// @param depositDataRoot `hash_tree_root` of the deposit data, as the deposit contract recomputes it
    function stake(bytes calldata pubkey, bytes calldata signature, bytes32 depositDataRoot) external payable;

    /// @notice The pod of `podOwner`, or the address it will be created at.
    /// @param podOwner the pod owner
    /// @return the pod's address
    function getPod(address podOwner) external view returns (IEigenPod);

    /// @notice Whether `podOwner` has a pod.
    /// @param podOwner the pod owner
    /// @return whether its pod exists
    function hasPod(address podOwner) external view returns (bool);

    /// @notice The beacon deposit contract.
    /// @return its address
    function ethPOS() external view returns (IETHPOSDeposit);
}

/// @notice The parts of EigenLayer v1.12's `IEigenPod` that lrt-vault calls.
interface IEigenPod {
    /// @notice A validator's state in the pod: not proven, proven (restaked), or exited and checkpointed (EigenLayer's
    /// own name, kept for the ABI).
    // solhint-disable-next-line contract-name-capwords
    enum VALIDATOR_STATUS {
        INACTIVE,
        ACTIVE,
        WITHDRAWN
    }

    /// @notice Lets `newProofSubmitter` verify credentials, start checkpoints and request exits (owner only).
    /// @param newProofSubmitter the new proof submitter (zero: the owner only)
    function setProofSubmitter(address newProofSubmitter) external;

    /// @notice The status of the validator whose pubkey hash (`sha256(pubkey || bytes16(0))`) is `pubkeyHash`.
    /// @param pubkeyHash the validator's pubkey hash
    /// @return its status in this pod
    function validatorStatus(bytes32 pubkeyHash) external view returns (VALIDATOR_STATUS);

    /// @notice The account allowed to submit proofs besides the owner.
    /// @return the proof submitter
    function proofSubmitter() external view returns (address);
}

/// @notice The beacon chain deposit contract's root view.
interface IETHPOSDeposit {
    /// @notice The root of the deposit tree (changes with every deposit).
    /// @return the deposit root
    function get_deposit_root() external view returns (bytes32);
}
