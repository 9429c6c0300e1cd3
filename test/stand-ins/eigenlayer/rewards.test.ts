import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress, ZeroHash, concat, dataSlice, parseEther, solidityPackedKeccak256 } from "ethers";

import type { PauserRegistry, ReentrantRewardTokenMock, ERC20Mock, RewardsCoordinator } from "../../../typechain-types";
import {
  type EarnerEarnings,
  type RewardsMerkleClaim,
  buildRewardsMerkleTree,
  earnerLeafHash,
  tokenLeafHash,
} from "../../../scripts/lib/rewardsMerkle";

/** Mainnet config value (script/configs/mainnet.json). */
const ACTIVATION_DELAY = 604800;
const PAUSED_PROCESS_CLAIM = 2n;
const PAUSED_SUBMIT_DISABLE_ROOTS = 3n;
const FUNDING = parseEther("1000000");
/** Earners that never sign anything here: they only fill the tree (5 earners pad to 8, a 3-sibling proof). */
const OTHER_EARNER_1 = "0x000000000000000000000000000000000000bEEF";
const OTHER_EARNER_2 = "0x000000000000000000000000000000000000cafE";

const bit = (index: bigint): bigint => 1n << index;

/** Copy of a claim with fresh arrays, safe to tamper with. */
function cloneClaim(claim: RewardsMerkleClaim): RewardsMerkleClaim {
  return {
    ...claim,
    earnerLeaf: { ...claim.earnerLeaf },
    tokenIndices: [...claim.tokenIndices],
    tokenTreeProofs: [...claim.tokenTreeProofs],
    tokenLeaves: claim.tokenLeaves.map((l) => ({ ...l })),
  };
}

async function deployRewardsCoordinatorFixture() {
  const [owner, pauser, unpauser, updater, earner1, earner2, earner3, claimer, recipient, stranger] =
    await ethers.getSigners();

  const registry: PauserRegistry = await ethers.deployContract("PauserRegistry");
  await registry.initializeStandIn([pauser.address], unpauser.address);

  const rc: RewardsCoordinator = await ethers.deployContract("RewardsCoordinator");
  await rc.initializeStandIn(registry, owner.address, 0, updater.address, ACTIVATION_DELAY);

  const tokenA: ERC20Mock = await ethers.deployContract("ERC20Mock", ["Reward A", "RWA"]);
  const tokenB: ERC20Mock = await ethers.deployContract("ERC20Mock", ["Reward B", "RWB"]);
  await tokenA.mint(rc, FUNDING);
  await tokenB.mint(rc, FUNDING);

  const a = await tokenA.getAddress();
  const b = await tokenB.getAddress();
  /** First distribution: cumulative totals, deliberately not round. */
  const earnings1: EarnerEarnings[] = [
    {
      earner: earner1.address,
      tokens: [
        { token: a, cumulativeEarnings: parseEther("100") + 7n },
        { token: b, cumulativeEarnings: parseEther("25") + 3n },
      ],
    },
    {
      earner: earner2.address,
      tokens: [
        { token: a, cumulativeEarnings: parseEther("40") },
        { token: b, cumulativeEarnings: 1n },
      ],
    },
    {
      earner: earner3.address,
      tokens: [
        { token: b, cumulativeEarnings: parseEther("5.5") },
        { token: a, cumulativeEarnings: parseEther("0.25") },
      ],
    },
    { earner: OTHER_EARNER_1, tokens: [{ token: a, cumulativeEarnings: parseEther("9") }] },
    { earner: OTHER_EARNER_2, tokens: [{ token: b, cumulativeEarnings: parseEther("11") }] },
  ];

  return {
    rc,
    registry,
    tokenA,
    tokenB,
    a,
    b,
    earnings1,
    owner,
    pauser,
    unpauser,
    updater,
    earner1,
    earner2,
    earner3,
    claimer,
    recipient,
    stranger,
  };
}

type Fixture = Awaited<ReturnType<typeof deployRewardsCoordinatorFixture>>;

/** Posts `root` with the latest block time as calculation end; returns the TypeScript-computed activation time. */
async function postRoot(f: Fixture, root: string) {
  const end = await time.latest();
  const postedAt = end + 1;
  await time.setNextBlockTimestamp(postedAt);
  await f.rc.connect(f.updater).submitRoot(root, end);
  return { end, postedAt, activatedAt: postedAt + ACTIVATION_DELAY };
}

/** Posts `root` and moves time to its activation. */
async function postAndActivate(f: Fixture, root: string) {
  const posted = await postRoot(f, root);
  await time.increaseTo(posted.activatedAt);
  return posted;
}

/** The first distribution (`earnings1`) posted as root 0 and active. */
async function activeRootFixture() {
  const f = await deployRewardsCoordinatorFixture();
  const tree1 = buildRewardsMerkleTree(f.earnings1);
  const posted1 = await postAndActivate(f, tree1.root);
  return { ...f, tree1, posted1 };
}

/** Cumulative earnings of `earner` in `token` according to `earnings` (test-side truth, not read from the chain). */
function cumulative(earnings: EarnerEarnings[], earner: string, token: string): bigint {
  const entry = earnings.find((e) => e.earner === earner);
  const leaf = entry?.tokens.find((t) => t.token === token);
  if (!leaf) throw new Error("no such leaf");
  return leaf.cumulativeEarnings;
}

describe("RewardsCoordinator (stand-in)", function () {
  describe("initialization and constants", function () {
    it("exposes the mainnet constants and the initial configuration", async function () {
      const { rc, registry, owner, updater } = await loadFixture(deployRewardsCoordinatorFixture);
      expect(await rc.CALCULATION_INTERVAL_SECONDS()).to.equal(604800n);
      expect(await rc.MAX_REWARDS_DURATION()).to.equal(6048000n);
      expect(await rc.MAX_RETROACTIVE_LENGTH()).to.equal(14515200n);
      expect(await rc.MAX_FUTURE_LENGTH()).to.equal(2592000n);
      expect(await rc.GENESIS_REWARDS_TIMESTAMP()).to.equal(1710979200n);
      expect(await rc.defaultOperatorSplitBips()).to.equal(1000n);
      expect(await rc.owner()).to.equal(owner.address);
      expect(await rc.rewardsUpdater()).to.equal(updater.address);
      expect(await rc.activationDelay()).to.equal(BigInt(ACTIVATION_DELAY));
      expect(await rc.pauserRegistry()).to.equal(await registry.getAddress());
      expect(await rc["paused()"]()).to.equal(0n);
      expect(await rc.getDistributionRootsLength()).to.equal(0n);
      expect(await rc.currRewardsCalculationEndTimestamp()).to.equal(0n);
    });

    it("emits the set-up events and initializes only once", async function () {
      const { registry, owner, updater } = await loadFixture(deployRewardsCoordinatorFixture);
      const fresh: RewardsCoordinator = await ethers.deployContract("RewardsCoordinator");
      const tx = fresh.initializeStandIn(registry, owner.address, bit(5n), updater.address, 3600);
      await expect(tx).to.emit(fresh, "OwnershipTransferred").withArgs(ZeroAddress, owner.address);
      await expect(tx).to.emit(fresh, "RewardsUpdaterSet").withArgs(ZeroAddress, updater.address);
      await expect(tx).to.emit(fresh, "ActivationDelaySet").withArgs(0, 3600);
      await expect(tx).to.emit(fresh, "DefaultOperatorSplitBipsSet").withArgs(0, 1000);
      await expect(tx).to.emit(fresh, "Initialized").withArgs(1);
      expect(await fresh["paused()"]()).to.equal(bit(5n));
      await expect(
        fresh.initializeStandIn(registry, owner.address, 0, updater.address, 0),
      ).to.be.revertedWithCustomError(fresh, "AlreadyInitialized");
    });

    it("hashes leaves exactly like the off-chain builder", async function () {
      const { rc, earner1, a } = await loadFixture(deployRewardsCoordinatorFixture);
      const tokenRoot = ethers.id("token root");
      expect(await rc.calculateEarnerLeafHash({ earner: earner1.address, earnerTokenRoot: tokenRoot })).to.equal(
        earnerLeafHash(earner1.address, tokenRoot),
      );
      expect(await rc.calculateTokenLeafHash({ token: a, cumulativeEarnings: 123n })).to.equal(tokenLeafHash(a, 123n));
    });
  });

  describe("submitRoot", function () {
    it("records the root, its calculation end and its activation time", async function () {
      const f = await loadFixture(deployRewardsCoordinatorFixture);
      const root = buildRewardsMerkleTree(f.earnings1).root;
      const end = await time.latest();
      const postedAt = end + 10;
      await time.setNextBlockTimestamp(postedAt);
      await expect(f.rc.connect(f.updater).submitRoot(root, end))
        .to.emit(f.rc, "DistributionRootSubmitted")
        .withArgs(0, root, end, postedAt + ACTIVATION_DELAY);

      const stored = await f.rc.getDistributionRootAtIndex(0);
      expect(stored.root).to.equal(root);
      expect(stored.rewardsCalculationEndTimestamp).to.equal(BigInt(end));
      expect(stored.activatedAt).to.equal(BigInt(postedAt + ACTIVATION_DELAY));
      expect(stored.disabled).to.equal(false);
      expect((await f.rc.getCurrentDistributionRoot()).root).to.equal(root);
      expect(await f.rc.currRewardsCalculationEndTimestamp()).to.equal(BigInt(end));
      expect(await f.rc.getDistributionRootsLength()).to.equal(1n);
      expect(await f.rc.getRootIndexFromHash(root)).to.equal(0n);
    });

    it("reverts for any caller but the rewards updater", async function () {
      const { rc, owner, stranger } = await loadFixture(deployRewardsCoordinatorFixture);
      const end = (await time.latest()) - 1;
      for (const caller of [owner, stranger]) {
        await expect(rc.connect(caller).submitRoot(ethers.id("r"), end)).to.be.revertedWithCustomError(
          rc,
          "UnauthorizedCaller",
        );
      }
    });

    it("requires a calculation end after the previous root's", async function () {
      const f = await loadFixture(deployRewardsCoordinatorFixture);
      const { end } = await postRoot(f, ethers.id("first"));
      for (const sameOrEarlier of [end, end - 1]) {
        await expect(
          f.rc.connect(f.updater).submitRoot(ethers.id("second"), sameOrEarlier),
        ).to.be.revertedWithCustomError(f.rc, "NewRootMustBeForNewCalculatedPeriod");
      }
      await expect(f.rc.connect(f.updater).submitRoot(ethers.id("second"), end + 1)).to.emit(
        f.rc,
        "DistributionRootSubmitted",
      );
    });

    it("requires the calculation end to lie strictly in the past", async function () {
      const { rc, updater } = await loadFixture(deployRewardsCoordinatorFixture);
      for (const ahead of [0, 1]) {
        const blockTime = (await time.latest()) + 5;
        await time.setNextBlockTimestamp(blockTime);
        await expect(rc.connect(updater).submitRoot(ethers.id("r"), blockTime + ahead)).to.be.revertedWithCustomError(
          rc,
          "RewardsEndTimestampNotElapsed",
        );
      }
      const blockTime = (await time.latest()) + 5;
      await time.setNextBlockTimestamp(blockTime);
      await expect(rc.connect(updater).submitRoot(ethers.id("r"), blockTime - 1)).to.emit(
        rc,
        "DistributionRootSubmitted",
      );
    });
  });

  describe("disableRoot", function () {
    it("disables a pending root, which then cannot be claimed against", async function () {
      const f = await loadFixture(deployRewardsCoordinatorFixture);
      const tree = buildRewardsMerkleTree(f.earnings1);
      const { activatedAt } = await postRoot(f, tree.root);
      await expect(f.rc.connect(f.updater).disableRoot(0)).to.emit(f.rc, "DistributionRootDisabled").withArgs(0);
      expect((await f.rc.getDistributionRootAtIndex(0)).disabled).to.equal(true);
      await expect(f.rc.connect(f.updater).disableRoot(0)).to.be.revertedWithCustomError(f.rc, "RootDisabled");

      await time.increaseTo(activatedAt);
      const claim = tree.claimFor(f.earner1.address, [f.a], 0);
      await expect(f.rc.connect(f.earner1).processClaim(claim, f.earner1.address)).to.be.revertedWithCustomError(
        f.rc,
        "RootDisabled",
      );
      await expect(f.rc.checkClaim(claim)).to.be.revertedWithCustomError(f.rc, "RootDisabled");
    });

    it("cannot disable a root from its activation time on", async function () {
      const f = await loadFixture(deployRewardsCoordinatorFixture);
      const { activatedAt } = await postRoot(f, ethers.id("r"));
      await time.setNextBlockTimestamp(activatedAt);
      await expect(f.rc.connect(f.updater).disableRoot(0)).to.be.revertedWithCustomError(f.rc, "RootAlreadyActivated");
    });

    it("rejects unknown indices and callers other than the rewards updater", async function () {
      const f = await loadFixture(deployRewardsCoordinatorFixture);
      await expect(f.rc.connect(f.updater).disableRoot(0)).to.be.revertedWithCustomError(f.rc, "InvalidRootIndex");
      await postRoot(f, ethers.id("r"));
      await expect(f.rc.connect(f.updater).disableRoot(1)).to.be.revertedWithCustomError(f.rc, "InvalidRootIndex");
      await expect(f.rc.connect(f.owner).disableRoot(0)).to.be.revertedWithCustomError(f.rc, "UnauthorizedCaller");
    });
  });

  describe("processClaim", function () {
    it("pays each token's cumulative earnings to the recipient", async function () {
      const f = await loadFixture(activeRootFixture);
      const amountA = cumulative(f.earnings1, f.earner1.address, f.a);
      const amountB = cumulative(f.earnings1, f.earner1.address, f.b);
      const claim = f.tree1.claimFor(f.earner1.address, [f.a, f.b], 0);

      const tx = f.rc.connect(f.earner1).processClaim(claim, f.recipient.address);
      await expect(tx).to.changeTokenBalances(f.tokenA, [f.recipient, f.rc], [amountA, -amountA]);
      await expect(tx).to.changeTokenBalances(f.tokenB, [f.recipient, f.rc], [amountB, -amountB]);
      await expect(tx)
        .to.emit(f.rc, "RewardsClaimed")
        .withArgs(f.tree1.root, f.earner1.address, f.earner1.address, f.recipient.address, f.a, amountA);
      await expect(tx)
        .to.emit(f.rc, "RewardsClaimed")
        .withArgs(f.tree1.root, f.earner1.address, f.earner1.address, f.recipient.address, f.b, amountB);
      expect(await f.rc.cumulativeClaimed(f.earner1.address, f.a)).to.equal(amountA);
      expect(await f.rc.cumulativeClaimed(f.earner1.address, f.b)).to.equal(amountB);
    });

    it("reverts a second claim against the same root", async function () {
      const f = await loadFixture(activeRootFixture);
      const claim = f.tree1.claimFor(f.earner1.address, [f.a, f.b], 0);
      await f.rc.connect(f.earner1).processClaim(claim, f.earner1.address);
      await expect(f.rc.connect(f.earner1).processClaim(claim, f.earner1.address)).to.be.revertedWithCustomError(
        f.rc,
        "EarningsNotGreaterThanClaimed",
      );
      // One already-claimed token is enough to revert the whole claim.
      const onlyB = f.tree1.claimFor(f.earner1.address, [f.b], 0);
      await expect(f.rc.connect(f.earner1).processClaim(onlyB, f.earner1.address)).to.be.revertedWithCustomError(
        f.rc,
        "EarningsNotGreaterThanClaimed",
      );
    });

    it("pays only the increase against a later root", async function () {
      const f = await loadFixture(activeRootFixture);
      // earner1 claims token A only against root 0, earner2 nothing.
      await f.rc.connect(f.earner1).processClaim(f.tree1.claimFor(f.earner1.address, [f.a], 0), f.earner1.address);

      const earnings2: EarnerEarnings[] = f.earnings1.map((e) => ({
        earner: e.earner,
        tokens: e.tokens.map((t) => ({
          token: t.token,
          cumulativeEarnings: t.cumulativeEarnings + (t.token === f.a ? parseEther("3") + 1n : 0n),
        })),
      }));
      const tree2 = buildRewardsMerkleTree(earnings2);
      await postAndActivate(f, tree2.root);

      // earner1: A pays the increase over what it claimed, B (never claimed) pays its full cumulative.
      const increaseA = cumulative(earnings2, f.earner1.address, f.a) - cumulative(f.earnings1, f.earner1.address, f.a);
      const fullB = cumulative(earnings2, f.earner1.address, f.b);
      expect(increaseA).to.equal(parseEther("3") + 1n);
      const tx = f.rc
        .connect(f.earner1)
        .processClaim(tree2.claimFor(f.earner1.address, [f.a, f.b], 1), f.earner1.address);
      await expect(tx).to.changeTokenBalances(f.tokenA, [f.earner1, f.rc], [increaseA, -increaseA]);
      await expect(tx).to.changeTokenBalances(f.tokenB, [f.earner1, f.rc], [fullB, -fullB]);
      expect(await f.rc.cumulativeClaimed(f.earner1.address, f.a)).to.equal(
        cumulative(earnings2, f.earner1.address, f.a),
      );

      // The older root is now stale for earner1; B did not grow, so the newer root has nothing more in B.
      await expect(
        f.rc.connect(f.earner1).processClaim(f.tree1.claimFor(f.earner1.address, [f.a], 0), f.earner1.address),
      ).to.be.revertedWithCustomError(f.rc, "EarningsNotGreaterThanClaimed");
      await expect(
        f.rc.connect(f.earner1).processClaim(tree2.claimFor(f.earner1.address, [f.b], 1), f.earner1.address),
      ).to.be.revertedWithCustomError(f.rc, "EarningsNotGreaterThanClaimed");

      // earner2 skipped root 0 and claims everything from root 1 at once.
      const fullA2 = cumulative(earnings2, f.earner2.address, f.a);
      await expect(
        f.rc.connect(f.earner2).processClaim(tree2.claimFor(f.earner2.address, [f.a], 1), f.earner2.address),
      ).to.changeTokenBalance(f.tokenA, f.earner2, fullA2);
    });

    it("lets the appointed claimer claim to another recipient, and only it", async function () {
      const f = await loadFixture(activeRootFixture);
      await expect(f.rc.connect(f.earner1).setClaimerFor(f.claimer.address))
        .to.emit(f.rc, "ClaimerForSet")
        .withArgs(f.earner1.address, ZeroAddress, f.claimer.address);
      expect(await f.rc.claimerFor(f.earner1.address)).to.equal(f.claimer.address);

      const claim = f.tree1.claimFor(f.earner1.address, [f.b], 0);
      // Once a claimer is set the earner itself may no longer claim.
      await expect(f.rc.connect(f.earner1).processClaim(claim, f.earner1.address)).to.be.revertedWithCustomError(
        f.rc,
        "UnauthorizedCaller",
      );
      const amountB = cumulative(f.earnings1, f.earner1.address, f.b);
      const tx = f.rc.connect(f.claimer).processClaim(claim, f.recipient.address);
      await expect(tx).to.changeTokenBalances(f.tokenB, [f.recipient, f.claimer, f.earner1], [amountB, 0n, 0n]);
      await expect(tx)
        .to.emit(f.rc, "RewardsClaimed")
        .withArgs(f.tree1.root, f.earner1.address, f.claimer.address, f.recipient.address, f.b, amountB);

      // Clearing the claimer hands the right back to the earner.
      await expect(f.rc.connect(f.earner1).setClaimerFor(ZeroAddress))
        .to.emit(f.rc, "ClaimerForSet")
        .withArgs(f.earner1.address, f.claimer.address, ZeroAddress);
      const amountA = cumulative(f.earnings1, f.earner1.address, f.a);
      await expect(
        f.rc.connect(f.earner1).processClaim(f.tree1.claimFor(f.earner1.address, [f.a], 0), f.earner1.address),
      ).to.changeTokenBalance(f.tokenA, f.earner1, amountA);
    });

    it("rejects callers that are neither the earner nor its claimer", async function () {
      const f = await loadFixture(activeRootFixture);
      const claim = f.tree1.claimFor(f.earner2.address, [f.a], 0);
      for (const caller of [f.stranger, f.earner1, f.updater]) {
        await expect(f.rc.connect(caller).processClaim(claim, caller.address)).to.be.revertedWithCustomError(
          f.rc,
          "UnauthorizedCaller",
        );
      }
    });

    it("rejects proofs that do not lead to the root", async function () {
      const f = await loadFixture(activeRootFixture);
      const valid = f.tree1.claimFor(f.earner1.address, [f.a, f.b], 0);
      const send = (c: RewardsMerkleClaim) => f.rc.connect(f.earner1).processClaim(c, f.earner1.address);

      const badSibling = cloneClaim(valid);
      badSibling.earnerTreeProof = concat([ethers.id("wrong"), dataSlice(valid.earnerTreeProof, 32)]);
      await expect(send(badSibling)).to.be.revertedWithCustomError(f.rc, "InvalidClaimProof");

      const inflated = cloneClaim(valid);
      inflated.tokenLeaves[1].cumulativeEarnings += 1n;
      await expect(send(inflated)).to.be.revertedWithCustomError(f.rc, "InvalidClaimProof");

      const wrongIndex = cloneClaim(valid);
      wrongIndex.earnerIndex = 1; // in range for a 3-sibling proof, but not earner1's position
      await expect(send(wrongIndex)).to.be.revertedWithCustomError(f.rc, "InvalidClaimProof");

      const swappedProofs = cloneClaim(valid);
      swappedProofs.tokenTreeProofs = [valid.tokenTreeProofs[1], valid.tokenTreeProofs[0]];
      await expect(send(swappedProofs)).to.be.revertedWithCustomError(f.rc, "InvalidClaimProof");

      // earner1's proofs presented for the stranger's address.
      const impostor = cloneClaim(valid);
      impostor.earnerLeaf.earner = f.stranger.address;
      await expect(f.rc.connect(f.stranger).processClaim(impostor, f.stranger.address)).to.be.revertedWithCustomError(
        f.rc,
        "InvalidClaimProof",
      );
    });

    it("rejects leaf indices that do not fit the proof depth", async function () {
      const f = await loadFixture(activeRootFixture);
      const valid = f.tree1.claimFor(f.earner1.address, [f.a, f.b], 0);
      const send = (c: RewardsMerkleClaim) => f.rc.connect(f.earner1).processClaim(c, f.earner1.address);
      // 5 earners pad to 8: the earner proof has 3 siblings, so indices must be < 2**3.
      expect(ethers.dataLength(valid.earnerTreeProof)).to.equal(3 * 32);
      const bigEarnerIndex = cloneClaim(valid);
      bigEarnerIndex.earnerIndex = 8;
      await expect(send(bigEarnerIndex)).to.be.revertedWithCustomError(f.rc, "InvalidEarnerLeafIndex");

      // 2 tokens: one sibling, so token indices must be < 2.
      const bigTokenIndex = cloneClaim(valid);
      bigTokenIndex.tokenIndices[1] = 2;
      await expect(send(bigTokenIndex)).to.be.revertedWithCustomError(f.rc, "InvalidTokenLeafIndex");
    });

    it("rejects empty and ragged proofs", async function () {
      const f = await loadFixture(activeRootFixture);
      const valid = f.tree1.claimFor(f.earner1.address, [f.a], 0);
      const send = (c: RewardsMerkleClaim) => f.rc.connect(f.earner1).processClaim(c, f.earner1.address);

      const emptyEarnerProof = cloneClaim(valid);
      emptyEarnerProof.earnerIndex = 0;
      emptyEarnerProof.earnerTreeProof = "0x";
      await expect(send(emptyEarnerProof)).to.be.revertedWithCustomError(f.rc, "InvalidProofLength");

      const emptyTokenProof = cloneClaim(valid);
      emptyTokenProof.tokenTreeProofs[0] = "0x";
      await expect(send(emptyTokenProof)).to.be.revertedWithCustomError(f.rc, "InvalidProofLength");

      const ragged = cloneClaim(valid);
      ragged.tokenTreeProofs[0] = concat([valid.tokenTreeProofs[0], "0x00"]);
      await expect(send(ragged)).to.be.revertedWithCustomError(f.rc, "InvalidProofLength");
    });

    it("rejects token arrays of different lengths", async function () {
      const f = await loadFixture(activeRootFixture);
      const valid = f.tree1.claimFor(f.earner1.address, [f.a, f.b], 0);
      const send = (c: RewardsMerkleClaim) => f.rc.connect(f.earner1).processClaim(c, f.earner1.address);

      const fewerIndices = cloneClaim(valid);
      fewerIndices.tokenIndices.pop();
      await expect(send(fewerIndices)).to.be.revertedWithCustomError(f.rc, "InputArrayLengthMismatch");

      const fewerLeaves = cloneClaim(valid);
      fewerLeaves.tokenLeaves.pop();
      await expect(send(fewerLeaves)).to.be.revertedWithCustomError(f.rc, "InputArrayLengthMismatch");
    });

    it("becomes claimable exactly at activatedAt", async function () {
      const f = await loadFixture(deployRewardsCoordinatorFixture);
      const tree = buildRewardsMerkleTree(f.earnings1);
      const { activatedAt } = await postRoot(f, tree.root);
      const claim = tree.claimFor(f.earner3.address, [f.a, f.b], 0);

      await expect(f.rc.checkClaim(claim)).to.be.revertedWithCustomError(f.rc, "RootNotActivated");
      await time.setNextBlockTimestamp(activatedAt - 1);
      await expect(f.rc.connect(f.earner3).processClaim(claim, f.earner3.address)).to.be.revertedWithCustomError(
        f.rc,
        "RootNotActivated",
      );
      await time.setNextBlockTimestamp(activatedAt);
      const amountA = cumulative(f.earnings1, f.earner3.address, f.a);
      await expect(f.rc.connect(f.earner3).processClaim(claim, f.earner3.address)).to.changeTokenBalance(
        f.tokenA,
        f.earner3,
        amountA,
      );
    });

    it("rejects claims against a zero root", async function () {
      const f = await loadFixture(activeRootFixture);
      await postAndActivate(f, ZeroHash);
      const claim = f.tree1.claimFor(f.earner1.address, [f.a], 1);
      await expect(f.rc.connect(f.earner1).processClaim(claim, f.earner1.address)).to.be.revertedWithCustomError(
        f.rc,
        "EmptyRoot",
      );
    });

    it("panics on a root index that was never posted, as mainnet does", async function () {
      const f = await loadFixture(activeRootFixture);
      const claim = f.tree1.claimFor(f.earner1.address, [f.a], 1);
      await expect(f.rc.connect(f.earner1).processClaim(claim, f.earner1.address)).to.be.revertedWithPanic(0x32);
      await expect(f.rc.checkClaim(claim)).to.be.revertedWithPanic(0x32);
    });
  });

  describe("reentrancy", function () {
    it("rejects a token that calls back into the coordinator while being paid out", async function () {
      const f = await loadFixture(deployRewardsCoordinatorFixture);
      const evil: ReentrantRewardTokenMock = await ethers.deployContract("ReentrantRewardTokenMock");
      await evil.mint(f.rc, FUNDING);
      await evil.setReentryTarget(f.rc);
      const tree = buildRewardsMerkleTree([
        { earner: f.earner1.address, tokens: [{ token: await evil.getAddress(), cumulativeEarnings: 10n }] },
      ]);
      await postAndActivate(f, tree.root);
      const claim = tree.claimFor(f.earner1.address, [await evil.getAddress()], 0);
      await expect(f.rc.connect(f.earner1).processClaim(claim, f.earner1.address)).to.be.revertedWithCustomError(
        f.rc,
        "ReentrancyGuardReentrantCall",
      );
      // Disarmed, the same claim goes through: the revert above came from the lock alone.
      await evil.setReentryTarget(ZeroAddress);
      await expect(f.rc.connect(f.earner1).processClaim(claim, f.earner1.address)).to.changeTokenBalance(
        evil,
        f.earner1,
        10n,
      );
    });
  });

  describe("processClaims", function () {
    it("pays several earners' claims to one recipient", async function () {
      const f = await loadFixture(activeRootFixture);
      await f.rc.connect(f.earner2).setClaimerFor(f.claimer.address);
      await f.rc.connect(f.earner3).setClaimerFor(f.claimer.address);
      const claims = [
        f.tree1.claimFor(f.earner2.address, [f.a, f.b], 0),
        f.tree1.claimFor(f.earner3.address, [f.b, f.a], 0),
      ];
      const sumA = cumulative(f.earnings1, f.earner2.address, f.a) + cumulative(f.earnings1, f.earner3.address, f.a);
      const sumB = cumulative(f.earnings1, f.earner2.address, f.b) + cumulative(f.earnings1, f.earner3.address, f.b);

      const tx = f.rc.connect(f.claimer).processClaims(claims, f.recipient.address);
      await expect(tx).to.changeTokenBalances(f.tokenA, [f.recipient, f.rc], [sumA, -sumA]);
      await expect(tx).to.changeTokenBalances(f.tokenB, [f.recipient, f.rc], [sumB, -sumB]);
      expect(await f.rc.cumulativeClaimed(f.earner3.address, f.b)).to.equal(
        cumulative(f.earnings1, f.earner3.address, f.b),
      );
    });

    it("is all-or-nothing", async function () {
      const f = await loadFixture(activeRootFixture);
      await f.rc.connect(f.earner2).setClaimerFor(f.claimer.address);
      // earner3 did not appoint the claimer: its claim makes the whole batch revert.
      const claims = [f.tree1.claimFor(f.earner2.address, [f.a], 0), f.tree1.claimFor(f.earner3.address, [f.a], 0)];
      await expect(f.rc.connect(f.claimer).processClaims(claims, f.recipient.address)).to.be.revertedWithCustomError(
        f.rc,
        "UnauthorizedCaller",
      );
      expect(await f.rc.cumulativeClaimed(f.earner2.address, f.a)).to.equal(0n);
      expect(await f.tokenA.balanceOf(f.recipient.address)).to.equal(0n);
    });
  });

  describe("checkClaim", function () {
    it("returns true for a valid claim without paying or recording anything", async function () {
      const f = await loadFixture(activeRootFixture);
      const claim = f.tree1.claimFor(f.earner1.address, [f.a, f.b], 0);
      // checkClaim checks neither the caller nor what was claimed already.
      expect(await f.rc.connect(f.stranger).checkClaim(claim)).to.equal(true);
      expect(await f.rc.cumulativeClaimed(f.earner1.address, f.a)).to.equal(0n);
      await f.rc.connect(f.earner1).processClaim(claim, f.earner1.address);
      expect(await f.rc.checkClaim(claim)).to.equal(true);

      const bad = cloneClaim(claim);
      bad.tokenLeaves[0].cumulativeEarnings -= 1n;
      await expect(f.rc.checkClaim(bad)).to.be.revertedWithCustomError(f.rc, "InvalidClaimProof");
    });
  });

  describe("pausing", function () {
    it("bit 2 blocks processClaim(s) but not submitRoot or checkClaim", async function () {
      const f = await loadFixture(activeRootFixture);
      const claim = f.tree1.claimFor(f.earner1.address, [f.a], 0);
      await expect(f.rc.connect(f.pauser).pause(bit(PAUSED_PROCESS_CLAIM)))
        .to.emit(f.rc, "Paused")
        .withArgs(f.pauser.address, bit(PAUSED_PROCESS_CLAIM));
      expect(await f.rc["paused(uint8)"](PAUSED_PROCESS_CLAIM)).to.equal(true);

      await expect(f.rc.connect(f.earner1).processClaim(claim, f.earner1.address)).to.be.revertedWithCustomError(
        f.rc,
        "CurrentlyPaused",
      );
      await expect(f.rc.connect(f.earner1).processClaims([claim], f.earner1.address)).to.be.revertedWithCustomError(
        f.rc,
        "CurrentlyPaused",
      );
      expect(await f.rc.checkClaim(claim)).to.equal(true);
      await expect(postRoot(f, ethers.id("next"))).to.not.be.reverted;

      await f.rc.connect(f.unpauser).unpause(0);
      const amountA = cumulative(f.earnings1, f.earner1.address, f.a);
      await expect(f.rc.connect(f.earner1).processClaim(claim, f.earner1.address)).to.changeTokenBalance(
        f.tokenA,
        f.earner1,
        amountA,
      );
    });

    it("bit 3 blocks submitRoot and disableRoot but not claims", async function () {
      const f = await loadFixture(activeRootFixture);
      await postRoot(f, ethers.id("pending"));
      await f.rc.connect(f.pauser).pause(bit(PAUSED_SUBMIT_DISABLE_ROOTS));

      const end = await time.latest();
      await expect(f.rc.connect(f.updater).submitRoot(ethers.id("r"), end)).to.be.revertedWithCustomError(
        f.rc,
        "CurrentlyPaused",
      );
      await expect(f.rc.connect(f.updater).disableRoot(1)).to.be.revertedWithCustomError(f.rc, "CurrentlyPaused");

      const amountB = cumulative(f.earnings1, f.earner2.address, f.b);
      await expect(
        f.rc.connect(f.earner2).processClaim(f.tree1.claimFor(f.earner2.address, [f.b], 0), f.earner2.address),
      ).to.changeTokenBalance(f.tokenB, f.earner2, amountB);
    });

    it("only pausers pause, only the unpauser unpauses, and a pause may not clear bits", async function () {
      const f = await loadFixture(deployRewardsCoordinatorFixture);
      await expect(f.rc.connect(f.stranger).pause(bit(2n))).to.be.revertedWithCustomError(f.rc, "OnlyPauser");
      await expect(f.rc.connect(f.stranger).pauseAll()).to.be.revertedWithCustomError(f.rc, "OnlyPauser");

      await f.rc.connect(f.pauser).pause(bit(2n));
      await expect(f.rc.connect(f.pauser).unpause(0)).to.be.revertedWithCustomError(f.rc, "OnlyUnpauser");
      await expect(f.rc.connect(f.pauser).pause(bit(3n))).to.be.revertedWithCustomError(f.rc, "InvalidNewPausedStatus");
      await expect(f.rc.connect(f.unpauser).unpause(bit(2n) | bit(3n))).to.be.revertedWithCustomError(
        f.rc,
        "InvalidNewPausedStatus",
      );
      await expect(f.rc.connect(f.unpauser).unpause(0)).to.emit(f.rc, "Unpaused").withArgs(f.unpauser.address, 0);
    });
  });

  describe("root views", function () {
    it("getCurrentClaimableDistributionRoot skips pending and disabled roots", async function () {
      const f = await loadFixture(deployRewardsCoordinatorFixture);
      const none = await f.rc.getCurrentClaimableDistributionRoot();
      expect(none.root).to.equal(ZeroHash);
      expect(none.activatedAt).to.equal(0n);
      await expect(f.rc.getCurrentDistributionRoot()).to.be.revertedWithPanic(0x11);

      const first = ethers.id("first");
      const second = ethers.id("second");
      const third = ethers.id("third");
      await postAndActivate(f, first);
      await postRoot(f, second);
      await f.rc.connect(f.updater).disableRoot(1);
      const { activatedAt } = await postRoot(f, third);

      expect((await f.rc.getCurrentDistributionRoot()).root).to.equal(third);
      expect((await f.rc.getCurrentClaimableDistributionRoot()).root).to.equal(first);
      await time.increaseTo(activatedAt);
      expect((await f.rc.getCurrentClaimableDistributionRoot()).root).to.equal(third);
    });

    it("getRootIndexFromHash finds the latest match and reverts for an unknown hash", async function () {
      const f = await loadFixture(deployRewardsCoordinatorFixture);
      await postRoot(f, ethers.id("first"));
      await postRoot(f, ethers.id("second"));
      await postRoot(f, ethers.id("first"));
      expect(await f.rc.getRootIndexFromHash(ethers.id("first"))).to.equal(2n);
      expect(await f.rc.getRootIndexFromHash(ethers.id("second"))).to.equal(1n);
      await expect(f.rc.getRootIndexFromHash(ethers.id("never"))).to.be.revertedWithCustomError(f.rc, "InvalidRoot");
    });
  });

  describe("owner settings", function () {
    it("setRewardsUpdater hands root posting to a new address", async function () {
      const f = await loadFixture(deployRewardsCoordinatorFixture);
      await expect(f.rc.connect(f.updater).setRewardsUpdater(f.stranger.address))
        .to.be.revertedWithCustomError(f.rc, "CallerNotOwner")
        .withArgs(f.updater.address);
      await expect(f.rc.connect(f.owner).setRewardsUpdater(f.stranger.address))
        .to.emit(f.rc, "RewardsUpdaterSet")
        .withArgs(f.updater.address, f.stranger.address);
      const end = await time.latest();
      await expect(f.rc.connect(f.updater).submitRoot(ethers.id("r"), end)).to.be.revertedWithCustomError(
        f.rc,
        "UnauthorizedCaller",
      );
      await expect(f.rc.connect(f.stranger).submitRoot(ethers.id("r"), end)).to.emit(f.rc, "DistributionRootSubmitted");
    });

    it("setActivationDelay applies to roots posted afterwards", async function () {
      const f = await loadFixture(deployRewardsCoordinatorFixture);
      await expect(f.rc.connect(f.stranger).setActivationDelay(60)).to.be.revertedWithCustomError(
        f.rc,
        "CallerNotOwner",
      );
      await expect(f.rc.connect(f.owner).setActivationDelay(60))
        .to.emit(f.rc, "ActivationDelaySet")
        .withArgs(ACTIVATION_DELAY, 60);
      const end = await time.latest();
      const postedAt = end + 1;
      await time.setNextBlockTimestamp(postedAt);
      await expect(f.rc.connect(f.updater).submitRoot(ethers.id("r"), end))
        .to.emit(f.rc, "DistributionRootSubmitted")
        .withArgs(0, ethers.id("r"), end, postedAt + 60);
    });
  });

  describe("rewardsMerkle helper", function () {
    it("pads a single leaf with a zero sibling and hashes left to right", function () {
      const earner = "0x00000000000000000000000000000000000000E1";
      const token = "0x00000000000000000000000000000000000000A1";
      const tree = buildRewardsMerkleTree([{ earner, tokens: [{ token, cumulativeEarnings: 5n }] }]);
      const tokenRoot = solidityPackedKeccak256(["bytes32", "bytes32"], [tokenLeafHash(token, 5n), ZeroHash]);
      expect(tree.earnerTokenRoot(earner)).to.equal(tokenRoot);
      expect(tree.root).to.equal(
        solidityPackedKeccak256(["bytes32", "bytes32"], [earnerLeafHash(earner, tokenRoot), ZeroHash]),
      );
      const claim = tree.claimFor(earner, [token], 7);
      expect(claim.rootIndex).to.equal(7);
      expect(claim.earnerTreeProof).to.equal(ZeroHash);
      expect(claim.tokenTreeProofs).to.deep.equal([ZeroHash]);
    });

    it("refuses earners and tokens that are not in the tree", function () {
      const earner = "0x00000000000000000000000000000000000000E1";
      const token = "0x00000000000000000000000000000000000000A1";
      const tree = buildRewardsMerkleTree([{ earner, tokens: [{ token, cumulativeEarnings: 5n }] }]);
      expect(() => tree.claimFor(token, [token], 0)).to.throw(/not in the tree/);
      expect(() => tree.claimFor(earner, [earner], 0)).to.throw(/no leaf/);
    });
  });
});
