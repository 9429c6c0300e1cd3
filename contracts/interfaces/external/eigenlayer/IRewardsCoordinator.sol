// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title IRewardsCoordinatorTypes
/// @notice EigenLayer's rewards claim structs, ABI-identical to mainnet v1.12.0.
interface IRewardsCoordinatorTypes {
    /// @notice A posted root of the cumulative earnings tree.
    struct DistributionRoot {
        bytes32 root;
        uint32 rewardsCalculationEndTimestamp;
        uint32 activatedAt;
        bool disabled;
    }

    /// @notice Leaf of the earner tree: `keccak256(abi.encodePacked(uint8(0), earner, earnerTokenRoot))`.
    struct EarnerTreeMerkleLeaf {
        address earner;
        bytes32 earnerTokenRoot;
    }

    /// @notice Leaf of an earner's token tree: `keccak256(abi.encodePacked(uint8(1), token, cumulativeEarnings))`.
    struct TokenTreeMerkleLeaf {
        IERC20 token;
        uint256 cumulativeEarnings;
    }

    /// @notice A claim against root `rootIndex`: one earner proof, then one proof per token leaf.
    struct RewardsMerkleClaim {
        uint32 rootIndex;
        uint32 earnerIndex;
        bytes earnerTreeProof;
        EarnerTreeMerkleLeaf earnerLeaf;
        uint32[] tokenIndices;
        bytes[] tokenTreeProofs;
        TokenTreeMerkleLeaf[] tokenLeaves;
    }
}

/// @title IRewardsCoordinator
/// @notice The part of EigenLayer's `IRewardsCoordinator` (v1.12.0) that lrt-vault and the local stand-in share.
interface IRewardsCoordinator is IRewardsCoordinatorTypes {
    /// @notice Pays each token leaf's cumulative earnings minus what the earner already claimed to `recipient`.
    /// @dev Caller must be `claimerFor(earner)`, or the earner if none is set.
    function processClaim(RewardsMerkleClaim calldata claim, address recipient) external;

    /// @notice Batched `processClaim`.
    function processClaims(RewardsMerkleClaim[] calldata claims, address recipient) external;

    /// @notice Reverts unless `claim` is valid against its root (does not check the caller or amounts).
    function checkClaim(RewardsMerkleClaim calldata claim) external view returns (bool);

    /// @notice Lets `claimer` claim for the caller.
    function setClaimerFor(address claimer) external;

    /// @notice Who may claim for `earner` (zero: the earner itself).
    function claimerFor(address earner) external view returns (address);

    /// @notice Cumulative amount of `token` already claimed by `earner`.
    function cumulativeClaimed(address earner, IERC20 token) external view returns (uint256);
}
