// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title RevertingReceiverMock
/// @notice Test-only recipient that refuses every ETH transfer, to test that a claim paying ETH to it reverts (and
/// that the owner can then claim to another address).
contract RevertingReceiverMock {
    /// @notice Always raised on receiving ETH.
    error RevertingReceiverMockRejected(address sender, uint256 amount);

    /// @notice Rejects the ETH.
    receive() external payable {
        revert RevertingReceiverMockRejected(msg.sender, msg.value);
    }
}
