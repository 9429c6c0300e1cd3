// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title DepositContract (local stand-in of the beacon chain deposit contract)
/// @notice Mainnet `0x00000000219ab540356cBB839Cbe05303d7705Fa`. Place its runtime code there with
/// `hardhat_setCode` (it keeps no constructor state: the zero hashes of the tree are computed when needed).
/// @dev Modelled as the consensus spec's contract: the same ABI, checks and revert strings, in the same order
/// (lengths 48/32/96, at least 1 ether, a whole number of gwei, at most 2^64-1 gwei, the SSZ `hash_tree_root` of
/// DepositData rebuilt with SHA-256 and compared with `deposit_data_root`, at most 2^32-1 deposits), the same
/// `DepositEvent` (8-byte little-endian amount and index), the incremental Merkle tree of depth 32 and its
/// `get_deposit_root` with the length mix-in. Like mainnet it does not check the BLS signature (the beacon chain
/// does, for a deposit that creates a validator). The ETH stays here.
contract DepositContract {
    /// @notice One deposit, as the beacon chain reads it.
    event DepositEvent(bytes pubkey, bytes withdrawal_credentials, bytes amount, bytes signature, bytes index);

    uint256 private constant DEPOSIT_CONTRACT_TREE_DEPTH = 32;
    uint256 private constant MAX_DEPOSIT_COUNT = 2 ** DEPOSIT_CONTRACT_TREE_DEPTH - 1;

    bytes32[DEPOSIT_CONTRACT_TREE_DEPTH] private _branch;
    uint256 private _depositCount;

    /// @notice Submits a deposit of `msg.value` to the beacon chain.
    function deposit(
        bytes calldata pubkey,
        bytes calldata withdrawal_credentials,
        bytes calldata signature,
        bytes32 deposit_data_root
    ) external payable {
        // solhint-disable gas-custom-errors
        require(pubkey.length == 48, "DepositContract: invalid pubkey length");
        require(withdrawal_credentials.length == 32, "DepositContract: invalid withdrawal_credentials length");
        require(signature.length == 96, "DepositContract: invalid signature length");
        require(msg.value >= 1 ether, "DepositContract: deposit value too low");
        require(msg.value % 1 gwei == 0, "DepositContract: deposit value not multiple of gwei");
        uint256 amountGwei = msg.value / 1 gwei;
        require(amountGwei <= type(uint64).max, "DepositContract: deposit value too high");

        bytes memory amount = _toLittleEndian64(uint64(amountGwei));
        emit DepositEvent(pubkey, withdrawal_credentials, amount, signature, _toLittleEndian64(uint64(_depositCount)));

        bytes32 node = _depositDataRoot(pubkey, withdrawal_credentials, amount, signature);
        require(
            node == deposit_data_root,
            "DepositContract: reconstructed DepositData does not match supplied deposit_data_root"
        );
        require(_depositCount < MAX_DEPOSIT_COUNT, "DepositContract: merkle tree full");
        // solhint-enable gas-custom-errors

        uint256 size = ++_depositCount;
        for (uint256 height = 0; height < DEPOSIT_CONTRACT_TREE_DEPTH; ++height) {
            if (size & 1 == 1) {
                _branch[height] = node;
                return;
            }
            node = sha256(abi.encodePacked(_branch[height], node));
            size >>= 1;
        }
        // Unreachable: a count below 2^32 has a set bit below 32.
        assert(false);
    }

    /// @notice The root of the deposit tree, mixed in with the deposit count (as the beacon chain's eth1 data).
    function get_deposit_root() external view returns (bytes32) {
        bytes32 node;
        bytes32 zero;
        uint256 size = _depositCount;
        for (uint256 height = 0; height < DEPOSIT_CONTRACT_TREE_DEPTH; ++height) {
            node =
                size & 1 == 1 ? sha256(abi.encodePacked(_branch[height], node)) : sha256(abi.encodePacked(node, zero));
            zero = sha256(abi.encodePacked(zero, zero));
            size >>= 1;
        }
        return sha256(abi.encodePacked(node, _toLittleEndian64(uint64(_depositCount)), bytes24(0)));
    }

    /// @notice The number of deposits, as 8 little-endian bytes.
    function get_deposit_count() external view returns (bytes memory) {
        return _toLittleEndian64(uint64(_depositCount));
    }

    /// @notice ERC-165: this contract and the deposit contract interface.
    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return
            interfaceId == this.supportsInterface.selector ||
            interfaceId == (this.deposit.selector ^ this.get_deposit_root.selector ^ this.get_deposit_count.selector);
    }

    /// @dev SSZ `hash_tree_root(DepositData{pubkey, withdrawal_credentials, amount, signature})`, `amount` as 8
    /// little-endian bytes of gwei.
    function _depositDataRoot(
        bytes calldata pubkey,
        bytes calldata withdrawal_credentials,
        bytes memory amount,
        bytes calldata signature
    ) private pure returns (bytes32) {
        bytes32 pubkeyRoot = sha256(abi.encodePacked(pubkey, bytes16(0)));
        bytes32 signatureRoot = sha256(
            abi.encodePacked(
                sha256(abi.encodePacked(signature[:64])),
                sha256(abi.encodePacked(signature[64:], bytes32(0)))
            )
        );
        return
            sha256(
                abi.encodePacked(
                    sha256(abi.encodePacked(pubkeyRoot, withdrawal_credentials)),
                    sha256(abi.encodePacked(amount, bytes24(0), signatureRoot))
                )
            );
    }

    function _toLittleEndian64(uint64 value) private pure returns (bytes memory out) {
        out = new bytes(8);
        for (uint256 i = 0; i < 8; ++i) {
            out[i] = bytes1(uint8(value >> (8 * i)));
        }
    }
}
