// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IAggregatorV3} from "../../interfaces/external/chainlink/IAggregatorV3.sol";
import {Initializer} from "../eigenlayer/mixins/Initializer.sol";
import {OwnableStandIn} from "../eigenlayer/mixins/OwnableStandIn.sol";

/// @title AggregatorMock
/// @notice Test-only stand-in for a Chainlink price feed (`EACAggregatorProxy`): the owner posts answers, each
/// starting a new round stamped with the block time (or a chosen time, to make it stale).
/// @dev No state in the constructor and no immutables, so the runtime code can be placed at a mainnet feed address
/// with `hardhat_setCode` and then initialized. `revertAll` makes every read revert (a dead or deprecated feed).
contract AggregatorMock is IAggregatorV3, Initializer, OwnableStandIn {
    /// @notice The owner posted an answer (mainnet's `AnswerUpdated`).
    event AnswerUpdated(int256 indexed current, uint256 indexed roundId, uint256 updatedAt);

    /// @notice Reads are switched off.
    error AggregatorMockDown();

    // Packed as a real aggregator packs its latest round, so a read costs what it costs on mainnet (two slots):
    // the answer with its time, and the round with the decimals and the switch.
    int192 private _answer;
    uint64 private _updatedAt;
    uint80 private _roundId;
    uint8 private _decimals;
    bool private _down;

    /// @notice Sets the owner, the decimals and a first answer at the current block time. Callable once.
    function initialize(address owner_, uint8 decimals_, int256 answer) external initializer {
        _transferOwnership(owner_);
        _decimals = decimals_;
        _post(answer, block.timestamp);
    }

    /// @notice Posts `answer` as a new round updated now (owner).
    function setAnswer(int256 answer) external onlyOwner {
        _post(answer, block.timestamp);
    }

    /// @notice Posts `answer` as a new round updated at `updatedAt` (owner): a past time makes it stale.
    function setAnswerAt(int256 answer, uint256 updatedAt) external onlyOwner {
        _post(answer, updatedAt);
    }

    /// @notice Makes every read revert (`down`) or work again (owner).
    function setDown(bool down) external onlyOwner {
        _down = down;
    }

    /// @inheritdoc IAggregatorV3
    function decimals() external view returns (uint8) {
        return _decimals;
    }

    /// @inheritdoc IAggregatorV3
    function latestRoundData() external view returns (uint80, int256, uint256, uint256, uint80) {
        if (_down) revert AggregatorMockDown();
        return (_roundId, _answer, _updatedAt, _updatedAt, _roundId);
    }

    /// @dev Answers and times beyond 192 and 64 bits do not occur on a real feed; the casts are checked.
    function _post(int256 answer, uint256 updatedAt) private {
        _roundId += 1;
        _answer = SafeCast.toInt192(answer);
        _updatedAt = SafeCast.toUint64(updatedAt);
        emit AnswerUpdated(answer, _roundId, updatedAt);
    }
}
