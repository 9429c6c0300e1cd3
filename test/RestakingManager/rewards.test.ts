import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress, parseEther } from "ethers";
import type { ERC20Mock } from "../../typechain-types";
import { DEPOSITS, RESTAKES, deployRestakedFixture } from "../fixtures/restaked";
import { REWARDS_ACTIVATION_DELAY } from "../../scripts/lib/suite";
import { RestakingModel } from "../helpers/restakingModel";
import { buildRewardsMerkleTree, type EarnerEarnings } from "../../scripts/lib/rewardsMerkle";
import { blockOf, bufferOf, expectManagerEmpty, expectOutside, outsideOf } from "../helpers/restaking";

const STETH_FUNDING = parseEther("10");
const AVS_FUNDING = parseEther("1000");
const STETH_EARNED = parseEther("2") + 5n;
const AVS_EARNED = parseEther("7") + 3n;
const OTHER_EARNER = "0x000000000000000000000000000000000000bEEF";

/** The restaked suite, a funded RewardsCoordinator and an active root where delegator 0 earns stETH and AVS. */
async function rewardsFixture() {
  const { s } = await deployRestakedFixture();
  const avsToken: ERC20Mock = await ethers.deployContract("ERC20Mock", ["AVS Token", "AVS"]);
  await avsToken.mint(s.rewardsCoordinator, AVS_FUNDING);
  await s.tokens.stETH.submit(ZeroAddress, { value: STETH_FUNDING });
  await s.tokens.stETH.transfer(s.rewardsCoordinator, STETH_FUNDING);

  const stETH = await s.tokens.stETH.getAddress();
  const avs = await avsToken.getAddress();
  const d0 = s.delegators[0].target as string;
  const earnings: EarnerEarnings[] = [
    {
      earner: d0,
      tokens: [
        { token: stETH, cumulativeEarnings: STETH_EARNED },
        { token: avs, cumulativeEarnings: AVS_EARNED },
      ],
    },
    { earner: OTHER_EARNER, tokens: [{ token: avs, cumulativeEarnings: parseEther("1") }] },
  ];
  const tree = buildRewardsMerkleTree(earnings);
  const end = await time.latest();
  await s.rewardsCoordinator.connect(s.signers.rewardsUpdater).submitRoot(tree.root, end);
  await time.increase(REWARDS_ACTIVATION_DELAY);
  return { s, avsToken, tree, d0 };
}

describe("RestakingManager.claimRewards", function () {
  it("makes the manager every delegator's claimer", async function () {
    const { s } = await loadFixture(rewardsFixture);
    for (const d of s.delegators) expect(await s.rewardsCoordinator.claimerFor(d)).to.equal(s.manager);
  });

  it("puts supported rewards (stETH) into the buffer and forwards the rest to the rewards recipient", async function () {
    const { s, avsToken, tree, d0 } = await loadFixture(rewardsFixture);
    // Model the stETH path: admin → coordinator (funding), coordinator → manager (claim), manager → vault.
    const m = await RestakingModel.of(s);
    for (const token of m.tokens) m.depositLST(s.signers.alice.address, token, DEPOSITS[token]);
    for (const [d, token, units] of RESTAKES) m.restake(s.delegators[d].target as string, token, units);
    const admin = s.signers.admin.address.toLowerCase();
    const rc = (await s.rewardsCoordinator.getAddress()).toLowerCase();
    const manager = (await s.manager.getAddress()).toLowerCase();
    m.steth.submit(admin, STETH_FUNDING);
    m.steth.transfer(admin, rc, STETH_FUNDING);
    m.steth.transfer(rc, manager, STETH_EARNED);
    const received = m.steth.balanceOf(manager);
    const units = m.steth.transfer(manager, m.vault, received);

    const bufferBefore = await bufferOf(s, "stETH");
    // Rewards are not a position coming back: the vault's restaked/queued units do not move.
    const outsideBefore = await Promise.all(m.tokens.map((t) => outsideOf(s, t)));
    await expectOutside(s, m);
    const claim = tree.claimFor(d0, [await s.tokens.stETH.getAddress(), await avsToken.getAddress()], 0);
    const tx = s.manager.connect(s.signers.keeper).claimRewards(d0, claim);
    await expect(tx)
      .to.emit(s.manager, "RewardsClaimed")
      .withArgs(d0, s.tokens.stETH, received, true)
      .and.to.emit(s.manager, "RewardsClaimed")
      .withArgs(d0, avsToken, AVS_EARNED, false)
      .and.to.emit(s.vault, "BufferAbsorbed")
      .withArgs(s.tokens.stETH, s.manager, units, false);

    expect(await bufferOf(s, "stETH")).to.equal(bufferBefore + units);
    expect(await Promise.all(m.tokens.map((t) => outsideOf(s, t)))).to.deep.equal(outsideBefore);
    await expectOutside(s, m);
    expect(await avsToken.balanceOf(s.signers.rewardsRecipient)).to.equal(AVS_EARNED);
    expect(await avsToken.balanceOf(s.manager)).to.equal(0n);
    // Lido share rounding may leave what the model says (at most one share) with the manager; nothing else.
    expect(await s.tokens.stETH.sharesOf(s.manager)).to.equal(m.steth.sharesOf(manager));
    expect(await s.tokens.stETH.sharesOf(s.manager)).to.be.at.most(1n);
    for (const token of [s.tokens.rETH, s.tokens.cbETH, s.tokens.wstETH, s.tokens.weth]) {
      expect(await token.balanceOf(s.manager)).to.equal(0n);
    }
    expect(await s.rewardsCoordinator.cumulativeClaimed(d0, s.tokens.stETH)).to.equal(STETH_EARNED);

    // The reward is a gain for the accountant: it streams (never jumps the rate).
    const rateBefore = await s.vault.getRate();
    const sync = s.accountant.sync();
    await expect(sync).to.emit(s.accountant, "GainRecognised");
    expect(await s.vault.getRate()).to.equal(rateBefore);
    // The sync re-bases outsideUnits to what EigenLayer holds (the rewards stay in the buffer).
    m.syncOutside(await blockOf(sync));
    await expectOutside(s, m);
    expect(await s.accountant.pendingPerShare()).to.be.greaterThan(0n);
  });

  it("only claims for the delegator named as earner, and only for the keeper", async function () {
    const { s, avsToken, tree, d0 } = await loadFixture(rewardsFixture);
    const [, d1] = s.delegators;
    const claim = tree.claimFor(d0, [await avsToken.getAddress()], 0);
    await expect(s.manager.connect(s.signers.keeper).claimRewards(d1, claim))
      .to.be.revertedWithCustomError(s.manager, "RestakingManagerWrongEarner")
      .withArgs(d1, d0);
    const other = tree.claimFor(OTHER_EARNER, [await avsToken.getAddress()], 0);
    await expect(s.manager.connect(s.signers.keeper).claimRewards(d0, other))
      .to.be.revertedWithCustomError(s.manager, "RestakingManagerWrongEarner")
      .withArgs(d0, ethers.getAddress(OTHER_EARNER));
    await expect(s.manager.connect(s.signers.stranger).claimRewards(d0, claim))
      .to.be.revertedWithCustomError(s.manager, "AccessManagedUnauthorized")
      .withArgs(s.signers.stranger);
    // Nobody but the manager can claim: the coordinator refuses the delegator's own earner path for others.
    await expect(
      s.rewardsCoordinator.connect(s.signers.stranger).processClaim(claim, s.signers.stranger),
    ).to.be.revertedWithCustomError(s.rewardsCoordinator, "UnauthorizedCaller");
    await s.manager.connect(s.signers.keeper).claimRewards(d0, claim);
    await expectManagerEmpty(s);
  });

  it("setRewardsRecipient is admin-only, non-zero and must change", async function () {
    const { s } = await loadFixture(rewardsFixture);
    await expect(s.manager.connect(s.signers.keeper).setRewardsRecipient(s.signers.bob))
      .to.be.revertedWithCustomError(s.manager, "AccessManagedUnauthorized")
      .withArgs(s.signers.keeper);
    await expect(s.manager.setRewardsRecipient(ZeroAddress)).to.be.revertedWithCustomError(
      s.manager,
      "RestakingManagerZeroInput",
    );
    await expect(s.manager.setRewardsRecipient(s.signers.rewardsRecipient)).to.be.revertedWithCustomError(
      s.manager,
      "RestakingManagerNoChange",
    );
    await expect(s.manager.setRewardsRecipient(s.signers.bob))
      .to.emit(s.manager, "RewardsRecipientUpdated")
      .withArgs(s.signers.bob);
    expect(await s.manager.rewardsRecipient()).to.equal(s.signers.bob.address);
  });
});
