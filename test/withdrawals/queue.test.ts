import { expect } from "chai";
import { ethers, network } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import fc from "fast-check";
import type { BaseContract, ContractTransactionReceipt, ContractTransactionResponse } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import {
  ERC20Mock__factory,
  ParityAdapter__factory,
  ReentrantClaimerMock__factory,
  RevertingReceiverMock__factory,
  WithdrawalQueue__factory,
} from "../../typechain-types";
import { ETH, VAULT_PARAMS, deployProxy } from "../fixtures/vault";
import { MAX_SHARES, MIN_SHARES, deployQueueFixture } from "../fixtures/queue";
import type { QueueFixture } from "../fixtures/queue";
import { WAD, mulDiv, mulWad } from "../helpers/math";
import { CLAIMED, FINALIZED, KEYS, PENDING, QueueLedger } from "./queueLedger";
import type { Key, LedgerRequest, LedgerSync } from "./queueLedger";

const { parseEther, MaxUint256, ZeroAddress } = ethers;
const HOUR = 3_600n;
const DAY = 24n * HOUR;

/** The assets the queue tests move (the vault's other assets hold nothing). */
const MOVED = ["ETH", "stETH", "rETH"] as const;
type Moved = (typeof MOVED)[number];

/**
 * The yield `streamingQueueFixture` syncs three days after the first sync: a Lido rebase (+1.2% of the 116 ETH
 * pool) and an rETH rate rise (+1%). The gain exceeds what the APR bound lets one sync stream, so part of it streams
 * over the window (the rate rises every second) and part is held back; the fee is minted on it.
 */
const Y = {
  stETHRebase: parseEther("1.392") + 12_345n,
  rETHRate: parseEther("1.111") + 777n,
  syncDelay: 3n * DAY,
} as const;

/** `deployQueueFixture`, then the yield `Y` synced: the rate is no longer 1 and streams upward. */
async function streamingQueueFixture() {
  const f = await deployQueueFixture();
  const { admin } = f.signers;
  await f.tokens.stETH.connect(admin).rebase(Y.stETHRebase);
  await f.tokens.rETH.connect(admin).setExchangeRate(Y.rETHRate);
  const yieldSyncAt = f.firstSyncAt + Y.syncDelay;
  await time.setNextBlockTimestamp(yieldSyncAt);
  await f.accountant.sync();
  return { ...f, yieldSyncAt };
}
type StreamingFixture = Awaited<ReturnType<typeof streamingQueueFixture>>;

/** A fresh ledger replaying `deployQueueFixture` (fixture results are shared, so ledgers are rebuilt per test). */
async function ledgerOf(f: QueueFixture): Promise<QueueLedger> {
  const { alice, bob, treasury, funder } = f.signers;
  const addresses = {
    vault: await f.vault.getAddress(),
    queue: await f.queue.getAddress(),
    treasury: treasury.address,
    funder: funder.address,
  };
  return QueueLedger.forQueueFixture(addresses, f.firstSyncAt, alice.address, bob.address);
}

/** A fresh ledger replaying `streamingQueueFixture`. */
async function streamingLedgerOf(f: StreamingFixture): Promise<QueueLedger> {
  const l = await ledgerOf(f);
  l.steth.rebase(Y.stETHRebase);
  l.rETHRate = Y.rETHRate;
  l.sync(f.yieldSyncAt);
  return l;
}

async function addressesOf(f: QueueFixture): Promise<Record<Key, string>> {
  const out = { ETH } as Record<Key, string>;
  for (const key of KEYS) if (key !== "ETH") out[key] = await f.tokens[key].getAddress();
  return out;
}

/** Sends `send()` in a block at time `t`. */
async function at<T>(t: bigint, send: () => Promise<T>): Promise<T> {
  await time.setNextBlockTimestamp(t);
  return send();
}

async function mined(tx: ContractTransactionResponse): Promise<ContractTransactionReceipt> {
  const receipt = await tx.wait();
  if (receipt === null) throw new Error("not mined");
  return receipt;
}

/** The arguments of every `name` event `contract` emitted in `receipt`, in log order. */
function eventsOf(receipt: ContractTransactionReceipt, contract: BaseContract, name: string): unknown[][] {
  const address = String(contract.target).toLowerCase();
  return receipt.logs
    .filter((log) => log.address.toLowerCase() === address)
    .map((log) => contract.interface.parseLog(log))
    .filter((parsed) => parsed !== null && parsed.name === name)
    .map((parsed) => parsed!.args.toArray());
}

/** Units of `key` that `holder` has: wei for ETH, Lido shares for stETH, token units for rETH. */
async function unitsHeld(f: QueueFixture, key: Moved, holder: string): Promise<bigint> {
  if (key === "ETH") return ethers.provider.getBalance(holder);
  if (key === "stETH") return f.tokens.stETH.sharesOf(holder);
  return f.tokens.rETH.balanceOf(holder);
}

/** `signer` approves the queue (block t - 1) and requests `shares` paid in `key`, NFT to `receiver` (block t). */
async function requestAt(
  f: QueueFixture,
  l: QueueLedger,
  t: bigint,
  signer: HardhatEthersSigner,
  shares: bigint,
  key: Key,
  receiver: string,
): Promise<{ tx: ContractTransactionResponse; r: LedgerRequest }> {
  const asset = key === "ETH" ? ETH : await f.tokens[key].getAddress();
  await at(t - 1n, () => f.vault.connect(signer).approve(f.queue, shares));
  const tx = await at(t, () => f.queue.connect(signer).requestWithdrawal(shares, asset, receiver));
  return { tx, r: l.request(t, signer.address, receiver, shares, key) };
}

/** Compares every field of `getRequest(r.id)` with the ledger's request. */
async function expectStored(f: QueueFixture, A: Record<Key, string>, r: LedgerRequest): Promise<void> {
  const got = await f.queue.getRequest(r.id);
  expect(
    {
      shares: got.shares,
      valueAtRequest: got.valueAtRequest,
      rateAtRequest: got.rateAtRequest,
      requestedAt: got.requestedAt,
      asset: got.asset,
      status: got.status,
      payoutUnits: got.payoutUnits,
      payoutValue: got.payoutValue,
    },
    `request ${r.id}`,
  ).to.deep.equal({
    shares: r.shares,
    valueAtRequest: r.valueAtRequest,
    rateAtRequest: r.rateAtRequest,
    requestedAt: r.requestedAt,
    asset: A[r.asset],
    status: r.status,
    payoutUnits: r.payoutUnits,
    payoutValue: r.payoutValue,
  });
}

/** The `Synced` arguments a ledger sync predicts. */
const syncedArgs = (s: LedgerSync) => [s.previousRate, s.rate, s.totalValue, s.supply];

/** The `WithdrawalFinalized` arguments of a ledger request finalized at `rate`. */
const finalizedArgs = (r: LedgerRequest) => [
  r.id,
  r.shares,
  r.rateAtRequest,
  r.rateAtFinalization,
  r.payoutValue,
  r.payoutUnits,
];

/** An address nobody holds a key to: its ETH balance moves only by what is sent to it (no gas). */
const keyless = (label: string): string => new ethers.Wallet(ethers.id(`queue-tests:${label}`)).address;

describe("WithdrawalQueue", function () {
  describe("requestWithdrawal", function () {
    it("locks exactly the shares, mints NFT 1, 2 to the receiver and records the value at its block's rate", async function () {
      const f = await loadFixture(streamingQueueFixture);
      const l = await streamingLedgerOf(f);
      const A = await addressesOf(f);
      const { alice, bob, carol } = f.signers;
      const queue = await f.queue.getAddress();

      const shares1 = parseEther("3.333333333333333333") + 1n;
      const t1 = f.yieldSyncAt + 2n * DAY + 17n;
      const { tx: tx1, r: r1 } = await requestAt(f, l, t1, alice, shares1, "ETH", carol.address);
      // Mid-stream: the rate is neither 1 nor the rate at the sync.
      expect(r1.rateAtRequest).to.be.greaterThan(l.rates.base);
      expect(r1.valueAtRequest).to.equal(mulDiv(shares1, l.rates.rateAt(t1), WAD));
      await expect(tx1)
        .to.emit(f.queue, "WithdrawalRequested")
        .withArgs(1n, alice.address, carol.address, ETH, shares1, r1.valueAtRequest, r1.rateAtRequest);
      await expect(tx1).to.emit(f.vault, "Transfer").withArgs(alice.address, queue, shares1);
      await expect(tx1).to.emit(f.queue, "Transfer").withArgs(ZeroAddress, carol.address, 1n);

      const shares2 = parseEther("1.25") + 3n;
      const t2 = t1 + 5n * HOUR;
      const { tx: tx2, r: r2 } = await requestAt(f, l, t2, bob, shares2, "stETH", bob.address);
      expect(r2.rateAtRequest).to.be.greaterThan(r1.rateAtRequest);
      await expect(tx2)
        .to.emit(f.queue, "WithdrawalRequested")
        .withArgs(2n, bob.address, bob.address, A.stETH, shares2, r2.valueAtRequest, r2.rateAtRequest);

      // The NFT goes to the receiver, not the caller.
      expect(await f.queue.ownerOf(1n)).to.equal(carol.address);
      expect(await f.queue.balanceOf(alice.address)).to.equal(0n);
      expect(await f.queue.ownerOf(2n)).to.equal(bob.address);
      // Exactly the shares moved into the queue; nothing was minted or burned.
      expect(await f.vault.balanceOf(queue)).to.equal(shares1 + shares2);
      expect(await f.vault.balanceOf(alice.address)).to.equal(l.balanceOf(alice.address));
      expect(await f.vault.balanceOf(bob.address)).to.equal(l.balanceOf(bob.address));
      expect(await f.vault.totalSupply()).to.equal(l.supply);
      expect([...(await f.queue.cursor())]).to.deep.equal([1n, 3n]);
      await expectStored(f, A, r1);
      await expectStored(f, A, r2);
    });

    it("accepts exactly the minimum and the maximum", async function () {
      const f = await loadFixture(deployQueueFixture);
      const l = await ledgerOf(f);
      const A = await addressesOf(f);
      const { alice } = f.signers;
      let t = BigInt(await time.latest()) + 10n;
      await at(t, () => f.vault.connect(alice).depositETH(alice.address, 0, 0, { value: parseEther("1000") }));
      l.deposit(alice.address, "ETH", parseEther("1000"));
      const { r: rMin } = await requestAt(f, l, (t += 2n), alice, MIN_SHARES, "ETH", alice.address);
      const { r: rMax } = await requestAt(f, l, (t += 2n), alice, MAX_SHARES, "rETH", alice.address);
      await expectStored(f, A, rMin);
      await expectStored(f, A, rMax);
      expect(await f.vault.balanceOf(f.queue)).to.equal(MIN_SHARES + MAX_SHARES);
    });

    it("reverts with the exact custom error on bad input and changes nothing", async function () {
      const f = await loadFixture(deployQueueFixture);
      const l = await ledgerOf(f);
      const { alice, bob } = f.signers;
      const notAsset = await f.accessManager.getAddress();
      const one = parseEther("1");
      await f.vault.connect(alice).approve(f.queue, MaxUint256);
      const cases: { label: string; args: [bigint, string, string]; error: string; errorArgs: unknown[] }[] = [
        { label: "zero", args: [0n, ETH, bob.address], error: "WithdrawalQueueZeroAmount", errorArgs: [] },
        {
          label: "below the minimum",
          args: [MIN_SHARES - 1n, ETH, bob.address],
          error: "WithdrawalQueueBelowMinimum",
          errorArgs: [MIN_SHARES - 1n, MIN_SHARES],
        },
        {
          label: "above the maximum",
          args: [MAX_SHARES + 1n, ETH, bob.address],
          error: "WithdrawalQueueAboveMaximum",
          errorArgs: [MAX_SHARES + 1n, MAX_SHARES],
        },
        {
          label: "not a vault asset",
          args: [one, notAsset, bob.address],
          error: "WithdrawalQueueUnsupportedAsset",
          errorArgs: [notAsset],
        },
        {
          label: "the zero asset",
          args: [one, ZeroAddress, bob.address],
          error: "WithdrawalQueueUnsupportedAsset",
          errorArgs: [ZeroAddress],
        },
        { label: "receiver zero", args: [one, ETH, ZeroAddress], error: "WithdrawalQueueZeroAddress", errorArgs: [] },
      ];
      for (const c of cases) {
        await expect(f.queue.connect(alice).requestWithdrawal(...c.args), c.label)
          .to.be.revertedWithCustomError(f.queue, c.error)
          .withArgs(...c.errorArgs);
      }
      expect([...(await f.queue.cursor())]).to.deep.equal([1n, 1n]);
      expect(await f.queue.balanceOf(bob.address)).to.equal(0n);
      expect(await f.vault.balanceOf(f.queue)).to.equal(0n);
      expect(await f.vault.balanceOf(alice.address)).to.equal(l.balanceOf(alice.address));
      expect(await f.vault.totalSupply()).to.equal(l.supply);
      await expect(f.queue.getRequest(1n)).to.be.revertedWithCustomError(f.queue, "WithdrawalQueueUnknownRequest");
    });

    it("reverts WithdrawalQueueRequestsPaused while paused (admin only), and accepts again once resumed", async function () {
      const f = await loadFixture(deployQueueFixture);
      const { admin, alice, keeper } = f.signers;
      const one = parseEther("1");
      await f.vault.connect(alice).approve(f.queue, one);
      await expect(f.queue.connect(keeper).pauseRequests())
        .to.be.revertedWithCustomError(f.queue, "AccessManagedUnauthorized")
        .withArgs(keeper.address);
      await expect(f.queue.connect(admin).pauseRequests()).to.emit(f.queue, "RequestsPaused").withArgs(true);
      expect([...(await f.queue.limits())]).to.deep.equal([MIN_SHARES, MAX_SHARES, true]);
      await expect(f.queue.connect(alice).requestWithdrawal(one, ETH, alice.address)).to.be.revertedWithCustomError(
        f.queue,
        "WithdrawalQueueRequestsPaused",
      );
      await expect(f.queue.connect(admin).pauseRequests()).to.be.revertedWithCustomError(
        f.queue,
        "WithdrawalQueueInvalidConfig",
      );
      expect([...(await f.queue.cursor())]).to.deep.equal([1n, 1n]);
      expect(await f.vault.balanceOf(f.queue)).to.equal(0n);
      expect(await f.queue.balanceOf(alice.address)).to.equal(0n);

      await expect(f.queue.connect(admin).unpauseRequests()).to.emit(f.queue, "RequestsPaused").withArgs(false);
      await expect(f.queue.connect(alice).requestWithdrawal(one, ETH, alice.address))
        .to.emit(f.queue, "Transfer")
        .withArgs(ZeroAddress, alice.address, 1n);
    });

    it("reverts with lrETH's own error on a missing allowance or balance, and changes nothing", async function () {
      const f = await loadFixture(deployQueueFixture);
      const l = await ledgerOf(f);
      const { alice } = f.signers;
      const queue = await f.queue.getAddress();
      const balance = l.balanceOf(alice.address);
      const one = parseEther("1");
      await expect(f.queue.connect(alice).requestWithdrawal(one, ETH, alice.address))
        .to.be.revertedWithCustomError(f.vault, "ERC20InsufficientAllowance")
        .withArgs(queue, 0n, one);
      await f.vault.connect(alice).approve(f.queue, MaxUint256);
      await expect(f.queue.connect(alice).requestWithdrawal(balance + 1n, ETH, alice.address))
        .to.be.revertedWithCustomError(f.vault, "ERC20InsufficientBalance")
        .withArgs(alice.address, balance, balance + 1n);
      expect([...(await f.queue.cursor())]).to.deep.equal([1n, 1n]);
      expect(await f.queue.balanceOf(alice.address)).to.equal(0n);
      expect(await f.vault.balanceOf(alice.address)).to.equal(balance);
      expect(await f.vault.balanceOf(queue)).to.equal(0n);
    });

    it("accepts an asset the vault adds later once the queue copies the list (refreshAssets, anyone)", async function () {
      const f = await loadFixture(deployQueueFixture);
      const { admin, alice, keeper } = f.signers;
      const token = await new ERC20Mock__factory(admin).deploy("Wrapped Test ETH", "wtETH");
      const adapter = await new ParityAdapter__factory(admin).deploy(token);
      await f.oracle.setAdapter(token, adapter, VAULT_PARAMS.maxChangeBps);
      await f.vault.addAsset(token, { cap: VAULT_PARAMS.cap, minDeposit: VAULT_PARAMS.minDeposit, lidoShares: false });
      await f.vault.connect(alice).approve(f.queue, MIN_SHARES);
      const asset = await token.getAddress();
      await expect(f.queue.connect(alice).requestWithdrawal(MIN_SHARES, asset, alice.address))
        .to.be.revertedWithCustomError(f.queue, "WithdrawalQueueUnsupportedAsset")
        .withArgs(asset);
      await f.queue.connect(keeper).refreshAssets();
      await f.queue.connect(alice).requestWithdrawal(MIN_SHARES, asset, alice.address);
      expect((await f.queue.getRequest(1n)).asset).to.equal(asset);
    });
  });

  describe("requestWithdrawalWithPermit", function () {
    /** alice's ERC-2612 permit for the queue to pull `value` lrETH (her first permit: nonce 0). */
    async function alicePermit(f: QueueFixture, value: bigint, deadline: bigint, signer?: HardhatEthersSigner) {
      const domain = {
        name: "Liquid Restaked ETH",
        version: "1",
        chainId: (await ethers.provider.getNetwork()).chainId,
        verifyingContract: await f.vault.getAddress(),
      };
      const types = {
        Permit: [
          { name: "owner", type: "address" },
          { name: "spender", type: "address" },
          { name: "value", type: "uint256" },
          { name: "nonce", type: "uint256" },
          { name: "deadline", type: "uint256" },
        ],
      };
      const message = {
        owner: f.signers.alice.address,
        spender: await f.queue.getAddress(),
        value,
        nonce: 0n,
        deadline,
      };
      return ethers.Signature.from(await (signer ?? f.signers.alice).signTypedData(domain, types, message));
    }

    it("permits and requests in one transaction, with no prior approval", async function () {
      const f = await loadFixture(streamingQueueFixture);
      const l = await streamingLedgerOf(f);
      const A = await addressesOf(f);
      const { alice, bob } = f.signers;
      const queue = await f.queue.getAddress();
      const shares = parseEther("2.222222222222222222");
      const t = f.yieldSyncAt + 3n * HOUR;
      const sig = await alicePermit(f, shares, t + HOUR);
      const tx = await at(t, () =>
        f.queue.connect(alice).requestWithdrawalWithPermit(shares, A.rETH, bob.address, t + HOUR, sig.v, sig.r, sig.s),
      );
      const r = l.request(t, alice.address, bob.address, shares, "rETH");
      await expect(tx).to.emit(f.vault, "Approval").withArgs(alice.address, queue, shares);
      await expect(tx)
        .to.emit(f.queue, "WithdrawalRequested")
        .withArgs(1n, alice.address, bob.address, A.rETH, shares, r.valueAtRequest, r.rateAtRequest);
      expect(await f.vault.nonces(alice.address)).to.equal(1n);
      expect(await f.vault.allowance(alice.address, queue)).to.equal(0n);
      expect(await f.queue.ownerOf(1n)).to.equal(bob.address);
      await expectStored(f, A, r);
    });

    it("is not blocked by a front-run permit (the same signature submitted first by someone else)", async function () {
      const f = await loadFixture(deployQueueFixture);
      const l = await ledgerOf(f);
      const A = await addressesOf(f);
      const { alice, keeper } = f.signers;
      const queue = await f.queue.getAddress();
      const shares = parseEther("1.5");
      let t = BigInt(await time.latest()) + 10n;
      const sig = await alicePermit(f, shares, t + HOUR);
      await at(t, () => f.vault.connect(keeper).permit(alice.address, queue, shares, t + HOUR, sig.v, sig.r, sig.s));
      t += 1n;
      const tx = await at(t, () =>
        f.queue
          .connect(alice)
          .requestWithdrawalWithPermit(shares, ETH, alice.address, t + HOUR - 1n, sig.v, sig.r, sig.s),
      );
      const r = l.request(t, alice.address, alice.address, shares, "ETH");
      await expect(tx).to.not.emit(f.vault, "Approval");
      await expect(tx)
        .to.emit(f.queue, "WithdrawalRequested")
        .withArgs(1n, alice.address, alice.address, ETH, shares, r.valueAtRequest, r.rateAtRequest);
      expect(await f.vault.allowance(alice.address, queue)).to.equal(0n);
      await expectStored(f, A, r);
    });

    it("reverts ERC20InsufficientAllowance when the permit is invalid and was not used before", async function () {
      const f = await loadFixture(deployQueueFixture);
      const { alice, bob } = f.signers;
      const shares = parseEther("1");
      const deadline = BigInt(await time.latest()) + HOUR;
      const forged = await alicePermit(f, shares, deadline, bob);
      await expect(
        f.queue
          .connect(alice)
          .requestWithdrawalWithPermit(shares, ETH, alice.address, deadline, forged.v, forged.r, forged.s),
      )
        .to.be.revertedWithCustomError(f.vault, "ERC20InsufficientAllowance")
        .withArgs(await f.queue.getAddress(), 0n, shares);
      expect([...(await f.queue.cursor())]).to.deep.equal([1n, 1n]);
    });
  });

  describe("finalize", function () {
    it("is permissionless and pays each request min(value at request, value now) in its asset, in request order", async function () {
      const f = await loadFixture(streamingQueueFixture);
      const l = await streamingLedgerOf(f);
      const A = await addressesOf(f);
      const { alice, bob, carol, keeper } = f.signers;
      const queue = await f.queue.getAddress();
      let t = f.yieldSyncAt + DAY;
      const plan: [HardhatEthersSigner, bigint, Key, string][] = [
        [alice, parseEther("2.5") + 11n, "ETH", alice.address],
        [bob, parseEther("1.7") + 13n, "stETH", carol.address],
        [alice, parseEther("1.3") + 17n, "rETH", bob.address],
      ];
      const requests: LedgerRequest[] = [];
      for (const [signer, shares, key, receiver] of plan) {
        requests.push((await requestAt(f, l, (t += HOUR), signer, shares, key, receiver)).r);
      }
      const buffersBefore = await f.vault.buffers();
      const supplyBefore = await f.vault.totalSupply();
      expect(await f.queue.connect(keeper).finalize.staticCall(MaxUint256)).to.equal(3n);

      t += DAY;
      const fin = l.finalize(t, MaxUint256)!;
      const receipt = await mined(await at(t, () => f.queue.connect(keeper).finalize(MaxUint256)));
      // The last sync was a day ago: the finalization synced first, then paid at the new rate.
      expect(eventsOf(receipt, f.accountant, "Synced")).to.deep.equal([syncedArgs(fin.sync!)]);
      expect(eventsOf(receipt, f.queue, "WithdrawalFinalized")).to.deep.equal(fin.finalized.map(finalizedArgs));
      expect(fin.finalized.map((r) => r.id)).to.deep.equal([1n, 2n, 3n]);

      // No loss since the requests (the rate only streamed up): each is paid its value at request. ETH 1:1, stETH
      // in Lido shares and rETH in tokens at the oracle's price stored by this sync, rounded down.
      const [eth, steth, reth] = fin.finalized;
      for (const r of fin.finalized) {
        expect(fin.rate).to.be.greaterThan(r.rateAtRequest);
        expect(r.payoutValue).to.equal(mulWad(r.shares, r.rateAtRequest));
      }
      expect(eth.payoutUnits).to.equal(eth.payoutValue);
      expect(steth.payoutUnits).to.equal(mulDiv(steth.payoutValue, WAD, l.steth.pooledEthByShares(WAD)));
      expect(reth.payoutUnits).to.equal(mulDiv(reth.payoutValue, WAD, Y.rETHRate));

      // Exactly the finalized lrETH is burned (the supply also gained the sync's fee).
      const burned = requests.reduce((s, r) => s + r.shares, 0n);
      expect(eventsOf(receipt, f.vault, "Transfer")).to.deep.include([queue, ZeroAddress, burned]);
      expect(await f.vault.totalSupply()).to.equal(supplyBefore + fin.sync!.feeShares - burned);
      expect(await f.vault.totalSupply()).to.equal(l.supply);
      expect(await f.vault.balanceOf(queue)).to.equal(0n);

      // Exactly the payouts left each buffer and arrived in the queue, reserved per asset.
      const buffersAfter = await f.vault.buffers();
      KEYS.forEach((key, i) => {
        expect(buffersBefore[i] - buffersAfter[i], `${key} buffer`).to.equal(fin.used.get(key));
        expect(buffersAfter[i], `${key} buffer`).to.equal(l.buffer.get(key));
      });
      for (const [key, r] of [
        ["ETH", eth],
        ["stETH", steth],
        ["rETH", reth],
      ] as const) {
        expect(await f.queue.reserved(A[key]), `${key} reserved`).to.equal(r.payoutUnits);
        expect(await unitsHeld(f, key, queue), `${key} held`).to.equal(r.payoutUnits);
      }
      expect([...(await f.queue.cursor())]).to.deep.equal([4n, 4n]);
      for (const r of fin.finalized) await expectStored(f, A, r);
    });

    it("syncs first, even when a sync already ran earlier in the same block", async function () {
      const f = await loadFixture(streamingQueueFixture);
      const l = await streamingLedgerOf(f);
      const A = await addressesOf(f);
      const { alice, keeper } = f.signers;
      let t = f.yieldSyncAt + 5n * HOUR;
      await requestAt(f, l, t, alice, parseEther("1"), "ETH", alice.address);
      await requestAt(f, l, (t += 2n), alice, parseEther("2"), "ETH", alice.address);

      // A sync one second earlier is not enough: the finalization syncs again.
      await at((t += 1n), () => f.accountant.connect(keeper).sync());
      l.sync(t);
      t += 1n;
      const first = l.finalize(t, 1n)!;
      const tx = await at(t, () => f.queue.connect(keeper).finalize(1n));
      await expect(tx)
        .to.emit(f.accountant, "Synced")
        .withArgs(...syncedArgs(first.sync!));
      await expect(tx)
        .to.emit(f.queue, "WithdrawalFinalized")
        .withArgs(...finalizedArgs(first.finalized[0]));

      // Sync and finalize in one block (same sender, so in this order): the finalization syncs again, so a loss
      // placed between the two in the block would still reach the payout.
      t += HOUR;
      const sync = l.sync(t);
      const second = l.finalize(t, 1n)!;
      let syncTx: ContractTransactionResponse;
      let finalizeTx: ContractTransactionResponse;
      await network.provider.send("evm_setAutomine", [false]);
      try {
        syncTx = await f.accountant.connect(keeper).sync({ gasLimit: 3_000_000n });
        finalizeTx = await f.queue.connect(keeper).finalize(1n, { gasLimit: 3_000_000n });
        await network.provider.send("evm_mine", [Number(t)]);
      } finally {
        await network.provider.send("evm_setAutomine", [true]);
      }
      const [syncReceipt, finalizeReceipt] = [await mined(syncTx), await mined(finalizeTx)];
      expect(finalizeReceipt.blockNumber).to.equal(syncReceipt.blockNumber);
      expect(finalizeReceipt.index).to.be.greaterThan(syncReceipt.index);
      expect(eventsOf(syncReceipt, f.accountant, "Synced")).to.deep.equal([syncedArgs(sync)]);
      expect(eventsOf(finalizeReceipt, f.accountant, "Synced")).to.deep.equal([syncedArgs(second.sync!)]);
      expect(eventsOf(finalizeReceipt, f.queue, "WithdrawalFinalized")).to.deep.equal([
        finalizedArgs(second.finalized[0]),
      ]);
      await expectStored(f, A, second.finalized[0]);
    });

    it("stops at the first request its asset's buffer cannot pay: later ones wait, even if payable", async function () {
      const f = await loadFixture(deployQueueFixture);
      const l = await ledgerOf(f);
      const A = await addressesOf(f);
      const { alice, bob, carol, keeper } = f.signers;
      let t = BigInt(await time.latest()) + 10n;
      await requestAt(f, l, t, bob, parseEther("0.5"), "ETH", bob.address);
      // 9.5 lrETH is worth ~8.64 rETH; the rETH buffer holds alice's and bob's 7.59.
      const big = parseEther("9.5");
      await requestAt(f, l, (t += 2n), alice, big, "rETH", alice.address);
      expect(mulDiv(mulWad(big, l.rateAt(t)), WAD, l.price.get("rETH")!)).to.be.greaterThan(l.buffer.get("rETH")!);
      await requestAt(f, l, (t += 2n), bob, parseEther("0.25"), "ETH", bob.address);

      t += 1n;
      const fin = l.finalize(t, MaxUint256)!;
      expect(fin.finalized.map((r) => r.id)).to.deep.equal([1n]);
      const receipt = await mined(await at(t, () => f.queue.connect(keeper).finalize(MaxUint256)));
      expect(eventsOf(receipt, f.queue, "WithdrawalFinalized")).to.deep.equal(fin.finalized.map(finalizedArgs));
      expect([...(await f.queue.cursor())]).to.deep.equal([2n, 4n]);
      await expectStored(f, A, l.get(2n));
      await expectStored(f, A, l.get(3n));

      // The head still cannot be paid: nothing is finalized (id 3 waits behind it), and nothing changes.
      const lastSync = (await f.accountant.books()).lastSync;
      t += HOUR;
      expect(l.finalize(t, MaxUint256)).to.equal(undefined);
      await expect(at(t, () => f.queue.connect(keeper).finalize(MaxUint256)))
        .to.be.revertedWithCustomError(f.queue, "WithdrawalQueueNothingToFinalize")
        .withArgs(2n);
      expect((await f.accountant.books()).lastSync).to.equal(lastSync);
      expect([...(await f.queue.cursor())]).to.deep.equal([2n, 4n]);

      // Once carol's rETH deposit refills the buffer, both wait no more.
      const mint = parseEther("2");
      await at((t += 1n), () => f.tokens.rETH.connect(carol).deposit({ value: mint }));
      const minted = l.rETHFor(mint);
      await at((t += 1n), () => f.tokens.rETH.connect(carol).approve(f.vault, minted));
      await at((t += 1n), () => f.vault.connect(carol).depositLST(f.tokens.rETH, minted, carol.address, 0, 0));
      l.deposit(carol.address, "rETH", minted);
      t += 1n;
      const rest = l.finalize(t, MaxUint256)!;
      expect(rest.finalized.map((r) => r.id)).to.deep.equal([2n, 3n]);
      const receipt2 = await mined(await at(t, () => f.queue.connect(keeper).finalize(MaxUint256)));
      expect(eventsOf(receipt2, f.queue, "WithdrawalFinalized")).to.deep.equal(rest.finalized.map(finalizedArgs));
      expect(await f.queue.reserved(A.rETH)).to.equal(l.get(2n).payoutUnits);
      expect(await f.queue.reserved(ETH)).to.equal(l.get(1n).payoutUnits + l.get(3n).payoutUnits);
      expect([...(await f.queue.cursor())]).to.deep.equal([4n, 4n]);
    });

    it("reverts WithdrawalQueueNothingToFinalize with nothing pending or maxRequests 0", async function () {
      const f = await loadFixture(deployQueueFixture);
      const l = await ledgerOf(f);
      const { alice, keeper } = f.signers;
      await expect(f.queue.connect(keeper).finalize(MaxUint256))
        .to.be.revertedWithCustomError(f.queue, "WithdrawalQueueNothingToFinalize")
        .withArgs(1n);
      const t = BigInt(await time.latest()) + 10n;
      await requestAt(f, l, t, alice, parseEther("1"), "ETH", alice.address);
      await expect(f.queue.connect(keeper).finalize(0n))
        .to.be.revertedWithCustomError(f.queue, "WithdrawalQueueNothingToFinalize")
        .withArgs(1n);
      // The sync the reverted finalizations ran was rolled back with them.
      expect((await f.accountant.books()).lastSync).to.equal(f.firstSyncAt);
    });

    it("finalizes at most maxRequests", async function () {
      const f = await loadFixture(deployQueueFixture);
      const l = await ledgerOf(f);
      const { alice, bob, keeper } = f.signers;
      let t = BigInt(await time.latest()) + 10n;
      await requestAt(f, l, t, alice, parseEther("1"), "ETH", alice.address);
      await requestAt(f, l, (t += 2n), bob, parseEther("1"), "stETH", bob.address);
      await requestAt(f, l, (t += 2n), alice, parseEther("1"), "rETH", alice.address);

      const two = l.finalize((t += 1n), 2n)!;
      const receipt = await mined(await at(t, () => f.queue.connect(keeper).finalize(2n)));
      expect(eventsOf(receipt, f.queue, "WithdrawalFinalized")).to.deep.equal(two.finalized.map(finalizedArgs));
      expect(two.finalized.map((r) => r.id)).to.deep.equal([1n, 2n]);
      expect([...(await f.queue.cursor())]).to.deep.equal([3n, 4n]);
      expect(await f.vault.balanceOf(f.queue)).to.equal(parseEther("1"));

      const last = l.finalize((t += 1n), 5n)!;
      const receipt2 = await mined(await at(t, () => f.queue.connect(keeper).finalize(5n)));
      expect(eventsOf(receipt2, f.queue, "WithdrawalFinalized")).to.deep.equal(last.finalized.map(finalizedArgs));
      expect([...(await f.queue.cursor())]).to.deep.equal([4n, 4n]);
    });
  });

  describe("finalize: slash and gain sharing", function () {
    it("a loss before finalization: the request is paid floor(shares * rateAfter / 1e18), holders who stay lose the same per share", async function () {
      const f = await loadFixture(streamingQueueFixture);
      const l = await streamingLedgerOf(f);
      const { admin, alice, bob, keeper } = f.signers;
      const shares = parseEther("4.321") + 9n;
      const t1 = f.yieldSyncAt + DAY;
      const { r } = await requestAt(f, l, t1, alice, shares, "ETH", alice.address);
      const bobShares = l.balanceOf(bob.address);
      const bobBefore = mulWad(bobShares, r.rateAtRequest);
      expect(await f.vault.convertToAssets(bobShares)).to.equal(bobBefore);

      // A Lido-level loss of 2% (inside the oracle's 5% bound) while the request waits.
      const loss = -(l.steth.pooledEther * 2n) / 100n;
      await at(t1 + 1n, () => f.tokens.stETH.connect(admin).rebase(loss));
      l.steth.rebase(loss);

      const t2 = t1 + 6n * HOUR;
      const fin = l.finalize(t2, 1n)!;
      const tx = await at(t2, () => f.queue.connect(keeper).finalize(1n));
      const s = fin.sync!;
      const rateAfter = fin.rate;
      expect(s.loss, "the scenario books a loss").to.be.greaterThan(0n);
      expect(rateAfter).to.be.lessThan(r.rateAtRequest);
      await expect(tx)
        .to.emit(f.accountant, "LossRecognised")
        .withArgs(s.loss, mulDiv(s.loss, s.supply, WAD));
      const payout = mulDiv(shares, rateAfter, WAD);
      await expect(tx)
        .to.emit(f.queue, "WithdrawalFinalized")
        .withArgs(1n, shares, r.rateAtRequest, rateAfter, payout, payout);

      // Bob stayed: his lrETH is now worth shares x the same post-loss rate.
      const bobAfter = await f.vault.convertToAssets(bobShares);
      expect(bobAfter).to.equal(mulWad(bobShares, rateAfter));
      // The same fraction of value kept, up to each side's floor (well under 1e-17).
      const requestKept = mulDiv(payout, WAD, r.valueAtRequest);
      const bobKept = mulDiv(bobAfter, WAD, bobBefore);
      const gap = requestKept > bobKept ? requestKept - bobKept : bobKept - requestKept;
      expect(gap).to.be.at.most(2n);

      // And the claim pays exactly that.
      const to = keyless("loss");
      await f.queue.connect(alice).claim([1n], to);
      expect(await ethers.provider.getBalance(to)).to.equal(payout);
    });

    it("a gain while waiting stays with the holders who stay: the request is paid its value at request", async function () {
      const f = await loadFixture(streamingQueueFixture);
      const l = await streamingLedgerOf(f);
      const { admin, bob, keeper } = f.signers;
      const shares = parseEther("6.5") + 5n;
      const t1 = f.yieldSyncAt + 2n * HOUR;
      const { r } = await requestAt(f, l, t1, bob, shares, "ETH", bob.address);

      // rETH +2.2% and a Lido rebase of +0.6% while the request waits.
      const rETHRate = (Y.rETHRate * 1_022n) / 1_000n;
      await at(t1 + 1n, () => f.tokens.rETH.connect(admin).setExchangeRate(rETHRate));
      l.rETHRate = rETHRate;
      const gain = (l.steth.pooledEther * 6n) / 1_000n;
      await at(t1 + 2n, () => f.tokens.stETH.connect(admin).rebase(gain));
      l.steth.rebase(gain);

      const t2 = t1 + DAY;
      const fin = l.finalize(t2, 1n)!;
      const tx = await at(t2, () => f.queue.connect(keeper).finalize(1n));
      const s2 = fin.sync!;
      expect(s2.loss).to.equal(0n);
      expect(fin.rate).to.be.greaterThan(r.rateAtRequest);
      await expect(tx)
        .to.emit(f.queue, "WithdrawalFinalized")
        .withArgs(1n, shares, r.rateAtRequest, fin.rate, r.valueAtRequest, r.valueAtRequest);

      // At the value per share this sync found, the request's shares were worth more than it was paid: the rest
      // stays in the vault, for the holders who stay.
      const left = mulDiv(shares, s2.totalValue, s2.supply) - r.valueAtRequest;
      expect(left).to.be.greaterThan(0n);

      // The next sync finds exactly the payout gone and the shares burned: a higher value per share, a gain (on
      // which the fee above the high-water mark is due, as on any gain).
      const t3 = t2 + HOUR;
      const s3 = l.sync(t3);
      const tx3 = await at(t3, () => f.accountant.connect(keeper).sync());
      await expect(tx3)
        .to.emit(f.accountant, "Synced")
        .withArgs(...syncedArgs(s3));
      await expect(tx3).to.emit(f.accountant, "GainRecognised").withArgs(s3.streamed, s3.heldBack);
      await expect(tx3).to.not.emit(f.accountant, "LossRecognised");
      expect(s3.totalValue).to.equal(s2.totalValue - r.valueAtRequest);
      const stayers = s2.supply - shares;
      const vps2 = mulDiv(s2.totalValue, WAD, s2.supply);
      const vps3 = mulDiv(s3.totalValue, WAD, stayers);
      expect(vps3).to.be.greaterThan(vps2);
      // Spread over the stayers, the rise is what the request left, up to the two floors of the value per share.
      expect(mulWad(vps3 - vps2, stayers)).to.be.closeTo(left, stayers / WAD + 2n);
    });

    it("a finalized payout is frozen: later losses and gains change neither getRequest nor what claim pays", async function () {
      const f = await loadFixture(streamingQueueFixture);
      const l = await streamingLedgerOf(f);
      const A = await addressesOf(f);
      const { admin, alice, bob, keeper } = f.signers;
      let t = f.yieldSyncAt + HOUR;
      await requestAt(f, l, t, alice, parseEther("2") + 1n, "ETH", alice.address);
      await requestAt(f, l, (t += 2n), alice, parseEther("3") + 2n, "stETH", alice.address);
      await requestAt(f, l, (t += 2n), bob, parseEther("1.5") + 3n, "rETH", alice.address);
      const fin = l.finalize((t += HOUR), MaxUint256)!;
      await at(t, () => f.queue.connect(keeper).finalize(MaxUint256));
      const frozen = await Promise.all([1n, 2n, 3n].map((id) => f.queue.getRequest(id)));
      for (const r of fin.finalized) await expectStored(f, A, r);

      // A 3% Lido loss, synced; then an rETH rise of 4%, synced a day later.
      const loss = -(l.steth.pooledEther * 3n) / 100n;
      await at((t += 1n), () => f.tokens.stETH.connect(admin).rebase(loss));
      l.steth.rebase(loss);
      await at((t += HOUR), () => f.accountant.connect(keeper).sync());
      expect(l.sync(t).loss).to.be.greaterThan(0n);
      const rETHRate = (Y.rETHRate * 104n) / 100n;
      await at((t += 1n), () => f.tokens.rETH.connect(admin).setExchangeRate(rETHRate));
      l.rETHRate = rETHRate;
      await at((t += DAY), () => f.accountant.connect(keeper).sync());
      l.sync(t);

      for (const [i, id] of [1n, 2n, 3n].entries()) {
        expect([...(await f.queue.getRequest(id))], `request ${id}`).to.deep.equal([...frozen[i]]);
      }
      const to = keyless("frozen");
      await at((t += 1n), () => f.queue.connect(alice).claim([1n, 2n, 3n], to));
      const [eth, steth, reth] = fin.finalized;
      expect(await ethers.provider.getBalance(to)).to.equal(eth.payoutUnits);
      expect(await f.tokens.stETH.sharesOf(to)).to.equal(steth.payoutUnits);
      expect(await f.tokens.rETH.balanceOf(to)).to.equal(reth.payoutUnits);
    });
  });

  describe("claim", function () {
    /** When `finalizedQueueFixture` finalizes: an hour after the first sync (the fixture's blocks take seconds). */
    const FINALIZE_DELAY = HOUR;

    /** The queue fixture with requests 1 (ETH, alice), 2 (stETH, alice), 3 (rETH, bob) finalized, 4 (ETH) pending. */
    async function finalizedQueueFixture() {
      const f = await deployQueueFixture();
      const { alice, bob, keeper } = f.signers;
      await f.vault.connect(alice).approve(f.queue, MaxUint256);
      await f.vault.connect(bob).approve(f.queue, MaxUint256);
      await f.queue.connect(alice).requestWithdrawal(parseEther("1.1") + 1n, ETH, alice.address);
      await f.queue.connect(alice).requestWithdrawal(parseEther("2.2") + 2n, f.tokens.stETH, alice.address);
      await f.queue.connect(bob).requestWithdrawal(parseEther("3.3") + 3n, f.tokens.rETH, bob.address);
      await time.setNextBlockTimestamp(f.firstSyncAt + FINALIZE_DELAY);
      await f.queue.connect(keeper).finalize(MaxUint256);
      await f.queue.connect(bob).requestWithdrawal(parseEther("0.4"), ETH, bob.address);
      return f;
    }

    /**
     * A ledger replaying `finalizedQueueFixture`. Its requests carry no explicit times: none is needed, as the rate
     * is flat at 1 from the fixture's first sync (which found no gain) until the finalization's sync.
     */
    async function replayFinalized(f: QueueFixture): Promise<QueueLedger> {
      const l = await ledgerOf(f);
      const { alice, bob } = f.signers;
      const finalizedAt = f.firstSyncAt + FINALIZE_DELAY;
      expect(l.rates.unvested, "flat rate before the finalization").to.equal(0n);
      l.request(finalizedAt - 1n, alice.address, alice.address, parseEther("1.1") + 1n, "ETH");
      l.request(finalizedAt - 1n, alice.address, alice.address, parseEther("2.2") + 2n, "stETH");
      l.request(finalizedAt - 1n, bob.address, bob.address, parseEther("3.3") + 3n, "rETH");
      l.finalize(finalizedAt, MaxUint256);
      l.request(finalizedAt + 1n, bob.address, bob.address, parseEther("0.4"), "ETH");
      return l;
    }

    it("pays only the NFT owner: after a transfer the new owner is paid, the old one reverts NotOwner", async function () {
      const f = await loadFixture(finalizedQueueFixture);
      const l = await replayFinalized(f);
      const { alice, bob } = f.signers;
      const payout = l.get(1n).payoutUnits;
      await f.queue.connect(alice).transferFrom(alice.address, bob.address, 1n);
      const to = keyless("owner");
      await expect(f.queue.connect(alice).claim([1n], to))
        .to.be.revertedWithCustomError(f.queue, "WithdrawalQueueNotOwner")
        .withArgs(1n, alice.address, bob.address);
      const tx = await f.queue.connect(bob).claim([1n], to);
      await expect(tx).to.emit(f.queue, "WithdrawalClaimed").withArgs(1n, bob.address, to, ETH, payout);
      await expect(tx).to.emit(f.queue, "Transfer").withArgs(bob.address, ZeroAddress, 1n);
      expect(await ethers.provider.getBalance(to)).to.equal(payout);
      expect((await f.queue.getRequest(1n)).status).to.equal(CLAIMED);
      expect(await f.queue.reserved(ETH)).to.equal(0n);
      await expect(f.queue.ownerOf(1n)).to.be.revertedWithCustomError(f.queue, "ERC721NonexistentToken");
    });

    it("pays many ids at once to the owner's chosen recipient, tokens first and ETH last", async function () {
      const f = await loadFixture(deployQueueFixture);
      const l = await ledgerOf(f);
      const A = await addressesOf(f);
      const { admin, alice, bob, keeper } = f.signers;
      const mock = await new ReentrantClaimerMock__factory(admin).deploy(f.queue);
      const owner = await mock.getAddress();
      await mock.watch([A.stETH, A.rETH]);
      let t = BigInt(await time.latest()) + 10n;
      await requestAt(f, l, t, alice, parseEther("1") + 1n, "ETH", owner);
      await requestAt(f, l, (t += 2n), alice, parseEther("2") + 2n, "stETH", owner);
      await requestAt(f, l, (t += 2n), bob, parseEther("3") + 3n, "rETH", owner);
      await requestAt(f, l, (t += 2n), bob, parseEther("0.5") + 4n, "ETH", owner);
      l.finalize((t += 1n), MaxUint256);
      await at(t, () => f.queue.connect(keeper).finalize(MaxUint256));

      const receipt = await mined(await at((t += 1n), () => mock.claim([1n, 2n, 3n, 4n])));
      const paid = l.claim([1n, 2n, 3n, 4n], owner);
      expect(eventsOf(receipt, f.queue, "WithdrawalClaimed")).to.deep.equal(
        [1n, 2n, 3n, 4n].map((id) => [id, owner, owner, A[l.get(id).asset], l.get(id).payoutUnits]),
      );
      // One ETH transfer for both ETH requests, after the tokens had arrived.
      expect(await mock.receipts()).to.equal(1n);
      expect(await mock.received()).to.equal(paid.get("ETH"));
      const stethBalance = l.steth.balanceOf(owner);
      expect([...(await mock.balancesAtReceipt())]).to.deep.equal([stethBalance, paid.get("rETH")]);
      expect(await f.tokens.stETH.sharesOf(owner)).to.equal(paid.get("stETH"));
      expect(await f.tokens.stETH.balanceOf(owner)).to.equal(stethBalance);
      for (const key of MOVED) expect(await f.queue.reserved(A[key]), key).to.equal(0n);
    });

    it("reverts NotFinalized, AlreadyClaimed, UnknownRequest and ZeroAddress, and changes nothing", async function () {
      const f = await loadFixture(finalizedQueueFixture);
      const l = await replayFinalized(f);
      const A = await addressesOf(f);
      const { alice, bob } = f.signers;
      const to = keyless("errors");
      await f.queue.connect(alice).claim([1n], to);
      l.claim([1n], to);
      const reservedBefore = await Promise.all(MOVED.map((k) => f.queue.reserved(A[k])));

      const cases: [HardhatEthersSigner, bigint[], string, unknown[]][] = [
        [bob, [4n], "WithdrawalQueueNotFinalized", [4n]],
        [alice, [1n], "WithdrawalQueueAlreadyClaimed", [1n]],
        [alice, [2n, 2n], "WithdrawalQueueAlreadyClaimed", [2n]],
        [bob, [3n, 0n], "WithdrawalQueueUnknownRequest", [0n]],
        [alice, [99n], "WithdrawalQueueUnknownRequest", [99n]],
        [alice, [2n, 3n], "WithdrawalQueueNotOwner", [3n, alice.address, bob.address]],
      ];
      for (const [signer, ids, error, args] of cases) {
        // The ledger agrees with the expected error (it checks in the contract's order).
        expect(l.claimError(signer.address, ids), `${ids}`).to.deep.equal({ name: error, args });
        await expect(f.queue.connect(signer).claim(ids, to), `${ids}`)
          .to.be.revertedWithCustomError(f.queue, error)
          .withArgs(...args);
      }
      await expect(f.queue.connect(alice).claim([2n], ZeroAddress)).to.be.revertedWithCustomError(
        f.queue,
        "WithdrawalQueueZeroAddress",
      );
      expect(await Promise.all(MOVED.map((k) => f.queue.reserved(A[k])))).to.deep.equal(reservedBefore);
      expect(await ethers.provider.getBalance(to)).to.equal(l.get(1n).payoutUnits);
      expect(await f.tokens.stETH.sharesOf(to)).to.equal(0n);
      expect(await f.tokens.rETH.balanceOf(to)).to.equal(0n);
      expect((await f.queue.getRequest(2n)).status).to.equal(FINALIZED);
      expect((await f.queue.getRequest(4n)).status).to.equal(PENDING);
    });

    it("a recipient that rejects ETH makes the claim revert ETHTransferFailed; the owner then claims elsewhere", async function () {
      const f = await loadFixture(finalizedQueueFixture);
      const l = await replayFinalized(f);
      const A = await addressesOf(f);
      const { admin, alice } = f.signers;
      const rejecting = await (await new RevertingReceiverMock__factory(admin).deploy()).getAddress();
      const payout = l.get(1n).payoutUnits;
      await expect(f.queue.connect(alice).claim([1n], rejecting))
        .to.be.revertedWithCustomError(f.queue, "WithdrawalQueueETHTransferFailed")
        .withArgs(rejecting, payout);
      // With the stETH request in the same claim, nothing is paid at all.
      await expect(f.queue.connect(alice).claim([2n, 1n], rejecting))
        .to.be.revertedWithCustomError(f.queue, "WithdrawalQueueETHTransferFailed")
        .withArgs(rejecting, payout);
      expect(await f.tokens.stETH.sharesOf(rejecting)).to.equal(0n);
      expect(await f.queue.ownerOf(1n)).to.equal(alice.address);
      expect(await f.queue.reserved(ETH)).to.equal(payout);
      expect(await f.queue.reserved(A.stETH)).to.equal(l.get(2n).payoutUnits);

      const to = keyless("elsewhere");
      await f.queue.connect(alice).claim([2n, 1n], to);
      expect(await ethers.provider.getBalance(to)).to.equal(payout);
      expect(await f.tokens.stETH.sharesOf(to)).to.equal(l.get(2n).payoutUnits);
    });

    it("a reentrant recipient cannot claim twice (nor claim another id while being paid)", async function () {
      const f = await loadFixture(deployQueueFixture);
      const l = await ledgerOf(f);
      const { admin, alice, keeper } = f.signers;
      const mock = await new ReentrantClaimerMock__factory(admin).deploy(f.queue);
      const attacker = await mock.getAddress();
      let t = BigInt(await time.latest()) + 10n;
      await requestAt(f, l, t, alice, parseEther("1.5"), "ETH", attacker);
      await requestAt(f, l, (t += 2n), alice, parseEther("0.7"), "ETH", attacker);
      l.finalize((t += 1n), MaxUint256);
      await at(t, () => f.queue.connect(keeper).finalize(MaxUint256));
      const [p1, p2] = [l.get(1n).payoutUnits, l.get(2n).payoutUnits];

      await mock.arm([1n, 2n]);
      await mock.claim([1n]);
      expect(await mock.reentrySucceeded()).to.equal(false);
      expect(f.queue.interface.parseError(await mock.reentryError())?.name).to.equal("ReentrancyGuardReentrantCall");
      expect(await mock.receipts()).to.equal(1n);
      expect(await mock.received()).to.equal(p1);
      expect(await ethers.provider.getBalance(attacker)).to.equal(p1);
      expect(await f.queue.reserved(ETH)).to.equal(p2);
      await expect(mock.claim([1n]))
        .to.be.revertedWithCustomError(f.queue, "WithdrawalQueueAlreadyClaimed")
        .withArgs(1n);

      // Request 2 is untouched and pays once, normally.
      await mock.claim([2n]);
      expect(await mock.received()).to.equal(p1 + p2);
      expect(await f.queue.reserved(ETH)).to.equal(0n);
    });

    it("pays stETH as the exact Lido shares; the balance is the payout value within stETH's own 1-2 wei", async function () {
      const f = await loadFixture(streamingQueueFixture);
      const l = await streamingLedgerOf(f);
      const { alice, keeper } = f.signers;
      let t = f.yieldSyncAt + HOUR;
      await requestAt(f, l, t, alice, parseEther("5.555555555555555555"), "stETH", alice.address);
      const fin = l.finalize((t += HOUR), 1n)!;
      await at(t, () => f.queue.connect(keeper).finalize(1n));
      const r = fin.finalized[0];
      const to = keyless("steth");
      await at((t += 1n), () => f.queue.connect(alice).claim([1n], to));
      l.claim([1n], to);
      expect(await f.tokens.stETH.sharesOf(to)).to.equal(r.payoutUnits);
      const balance = await f.tokens.stETH.balanceOf(to);
      expect(balance).to.equal(l.steth.balanceOf(to));
      expect(balance).to.be.closeTo(r.payoutValue, 2n);
      expect(await f.tokens.stETH.sharesOf(f.queue)).to.equal(0n);
    });
  });

  describe("initialize", function () {
    it("starts open, with the limits, an empty queue and the vault's assets", async function () {
      const f = await loadFixture(deployQueueFixture);
      expect([...(await f.queue.limits())]).to.deep.equal([MIN_SHARES, MAX_SHARES, false]);
      expect([...(await f.queue.cursor())]).to.deep.equal([1n, 1n]);
      expect([await f.queue.name(), await f.queue.symbol()]).to.deep.equal(["lrETH Withdrawal Request", "wlrETH"]);
      expect(await f.queue.authority()).to.equal(await f.accessManager.getAddress());
      expect((await f.vault.links())[2]).to.equal(await f.queue.getAddress());
      for (const asset of Object.values(await addressesOf(f))) expect(await f.queue.reserved(asset)).to.equal(0n);
    });

    it("reverts on a zero authority or vault, invalid limits, a second call, and on the implementation", async function () {
      const f = await loadFixture(deployQueueFixture);
      const { admin } = f.signers;
      const impl = WithdrawalQueue__factory.connect(f.implementations.queue, admin);
      const authority = await f.accessManager.getAddress();
      const vault = await f.vault.getAddress();
      const init = (args: [string, string, bigint, bigint]) => impl.interface.encodeFunctionData("initialize", args);
      const cases: [[string, string, bigint, bigint], string][] = [
        [[ZeroAddress, vault, MIN_SHARES, MAX_SHARES], "WithdrawalQueueZeroAddress"],
        [[authority, ZeroAddress, MIN_SHARES, MAX_SHARES], "WithdrawalQueueZeroAddress"],
        [[authority, vault, 0n, MAX_SHARES], "WithdrawalQueueInvalidConfig"],
        [[authority, vault, MAX_SHARES + 1n, MAX_SHARES], "WithdrawalQueueInvalidConfig"],
      ];
      for (const [args, error] of cases) {
        await expect(deployProxy(admin, f.implementations.queue, init(args)), error).to.be.revertedWithCustomError(
          impl,
          error,
        );
      }
      await expect(f.queue.initialize(authority, vault, MIN_SHARES, MAX_SHARES)).to.be.revertedWithCustomError(
        f.queue,
        "InvalidInitialization",
      );
      await expect(impl.initialize(authority, vault, MIN_SHARES, MAX_SHARES)).to.be.revertedWithCustomError(
        impl,
        "InvalidInitialization",
      );
    });
  });

  describe("setLimits", function () {
    it("sets the request limits (admin only), rejecting a zero minimum or a minimum above the maximum", async function () {
      const f = await loadFixture(deployQueueFixture);
      const { admin, alice, keeper } = f.signers;
      const [min, max] = [parseEther("0.5"), parseEther("2")];
      await expect(f.queue.connect(keeper).setLimits(min, max))
        .to.be.revertedWithCustomError(f.queue, "AccessManagedUnauthorized")
        .withArgs(keeper.address);
      for (const [a, b] of [
        [0n, max],
        [max + 1n, max],
      ]) {
        await expect(f.queue.connect(admin).setLimits(a, b)).to.be.revertedWithCustomError(
          f.queue,
          "WithdrawalQueueInvalidConfig",
        );
      }
      await expect(f.queue.connect(admin).setLimits(min, max))
        .to.emit(f.queue, "RequestLimitsUpdated")
        .withArgs(min, max);
      expect([...(await f.queue.limits())]).to.deep.equal([min, max, false]);
      await f.vault.connect(alice).approve(f.queue, MaxUint256);
      await expect(f.queue.connect(alice).requestWithdrawal(min - 1n, ETH, alice.address))
        .to.be.revertedWithCustomError(f.queue, "WithdrawalQueueBelowMinimum")
        .withArgs(min - 1n, min);
      await expect(f.queue.connect(alice).requestWithdrawal(max + 1n, ETH, alice.address))
        .to.be.revertedWithCustomError(f.queue, "WithdrawalQueueAboveMaximum")
        .withArgs(max + 1n, max);
      await f.queue.connect(alice).requestWithdrawal(max, ETH, alice.address);
      expect((await f.queue.getRequest(1n)).shares).to.equal(max);
    });
  });

  describe("receive", function () {
    it("accepts ETH only from the vault (payouts at finalization)", async function () {
      const f = await loadFixture(deployQueueFixture);
      const { alice } = f.signers;
      await expect(alice.sendTransaction({ to: f.queue, value: 1n }))
        .to.be.revertedWithCustomError(f.queue, "WithdrawalQueueUnexpectedETH")
        .withArgs(alice.address);
    });
  });

  describe("invariants", function () {
    // 200 in CI; `INVARIANT_RUNS` lowers it for the (instrumented, far slower) coverage run.
    const runs = Number(process.env.INVARIANT_RUNS ?? 200);
    it(`P1, P5, P6, P13 hold after every step of ${runs} seeded random sequences`, async function () {
      await fc.assert(
        fc.asyncProperty(fc.array(actionArb, { minLength: 8, maxLength: 28, size: "max" }), async (actions) => {
          const run = await InvariantRun.start(await loadFixture(deployQueueFixture));
          for (const action of actions) {
            await run.step(action);
            await run.check();
          }
        }),
        { numRuns: runs, seed: 0x0bad5eed },
      );
    });
  });
});

/* ------------------------------------------------------------------------------------------------------------- */
/*                                       random sequences for the invariants                                      */
/* ------------------------------------------------------------------------------------------------------------- */

type Action =
  | { kind: "deposit"; actor: number; asset: number; amount: bigint }
  | { kind: "request"; actor: number; receiver: number; asset: number; bps: bigint }
  | { kind: "finalize"; max: bigint }
  | { kind: "claim"; actor: number; pick: number; recipient: number }
  | { kind: "transfer"; actor: number; to: number; pick: number }
  | { kind: "yield"; asset: "stETH" | "rETH"; bps: bigint }
  | { kind: "loss"; bps: bigint }
  | { kind: "sync" }
  | { kind: "wait"; seconds: bigint };

const actorArb = fc.integer({ min: 0, max: 2 });
const assetArb = fc.integer({ min: 0, max: MOVED.length - 1 });
const actionArb: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("deposit" as const),
      actor: actorArb,
      asset: assetArb,
      amount: fc.bigInt({ min: 10n ** 16n, max: 30n * 10n ** 18n }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("request" as const),
      actor: actorArb,
      receiver: actorArb,
      asset: assetArb,
      // Mostly up to a fifth of the balance, sometimes up to all of it (large requests block the queue's head).
      bps: fc.oneof(
        { weight: 3, arbitrary: fc.bigInt({ min: 1n, max: 2_000n }) },
        { weight: 1, arbitrary: fc.bigInt({ min: 1n, max: 10_000n }) },
      ),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant("finalize" as const), max: fc.bigInt({ min: 1n, max: 6n }) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("claim" as const),
      actor: actorArb,
      pick: fc.integer({ min: 0, max: 1023 }),
      recipient: actorArb,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("transfer" as const),
      actor: actorArb,
      to: actorArb,
      pick: fc.integer({ min: 0, max: 255 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("yield" as const),
      asset: fc.constantFrom("stETH" as const, "rETH" as const),
      bps: fc.bigInt({ min: 1n, max: 300n }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("loss" as const), bps: fc.bigInt({ min: 1n, max: 400n }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("sync" as const) }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("wait" as const), seconds: fc.bigInt({ min: 1n, max: 2n * DAY }) }),
  },
);

/**
 * One random sequence: every action is applied on chain and to a `QueueLedger`, and `check()` then compares the
 * chain with both the ledger and ghost values kept from what the chain reported (events and balances).
 */
class InvariantRun {
  /** Ghosts from the chain's own reports: per id its asset and frozen payout, and what was claimed. */
  private readonly assetOf = new Map<bigint, Moved>();
  private readonly frozen = new Map<bigint, bigint>();
  private readonly claimedPerId = new Map<bigint, bigint>();
  private readonly finalizedTotal = new Map<Moved, bigint>(MOVED.map((k) => [k, 0n]));
  private readonly claimedTotal = new Map<Moved, bigint>(MOVED.map((k) => [k, 0n]));
  private pendingShares = 0n;

  private constructor(
    private readonly f: QueueFixture,
    private readonly l: QueueLedger,
    private readonly A: Record<Key, string>,
    private readonly queue: string,
    private readonly vault: string,
    private readonly actors: HardhatEthersSigner[],
    private readonly recipients: string[],
    private t: bigint,
  ) {}

  static async start(f: QueueFixture): Promise<InvariantRun> {
    const { alice, bob, carol } = f.signers;
    return new InvariantRun(
      f,
      await ledgerOf(f),
      await addressesOf(f),
      await f.queue.getAddress(),
      await f.vault.getAddress(),
      [alice, bob, carol],
      ["r0", "r1", "r2"].map(keyless),
      BigInt(await time.latest()),
    );
  }

  private tick(): bigint {
    this.t += 1n;
    return this.t;
  }

  async step(a: Action): Promise<void> {
    switch (a.kind) {
      case "deposit":
        return this.deposit(a.actor, MOVED[a.asset], a.amount);
      case "request":
        return this.request(a.actor, a.receiver, MOVED[a.asset], a.bps);
      case "finalize":
        return this.finalize(a.max);
      case "claim":
        return this.claim(a.actor, a.pick, a.recipient);
      case "transfer":
        return this.transfer(a.actor, a.to, a.pick);
      case "yield":
        return this.move(a.asset, a.bps);
      case "loss":
        return this.move("stETH", -a.bps);
      case "sync":
        return this.sync();
      case "wait":
        this.t += a.seconds;
        await time.increaseTo(this.t);
    }
  }

  private async deposit(actor: number, asked: Moved, amount: bigint): Promise<void> {
    const { f, l } = this;
    const who = this.actors[actor];
    if (this.t + 4n > l.expiry) await this.sync();
    // A tripped asset takes no deposits until an admin clears it; deposit ETH instead.
    const key = l.tripped.get(asked) ? "ETH" : asked;
    expect(l.depositsOpen(key, this.t + 1n)).to.equal(true);
    if (key === "ETH") {
      await at(this.tick(), () => f.vault.connect(who).depositETH(who.address, 0, 0, { value: amount }));
      l.deposit(who.address, "ETH", amount);
    } else if (key === "stETH") {
      const part = amount - amount / 100n;
      await at(this.tick(), () => f.tokens.stETH.connect(who).submit(ZeroAddress, { value: amount }));
      await at(this.tick(), () => f.tokens.stETH.connect(who).approve(f.vault, part));
      await at(this.tick(), () => f.vault.connect(who).depositLST(f.tokens.stETH, part, who.address, 0, 0));
      l.depositStETH(who.address, amount, part);
    } else {
      const minted = l.rETHFor(amount);
      await at(this.tick(), () => f.tokens.rETH.connect(who).deposit({ value: amount }));
      await at(this.tick(), () => f.tokens.rETH.connect(who).approve(f.vault, minted));
      await at(this.tick(), () => f.vault.connect(who).depositLST(f.tokens.rETH, minted, who.address, 0, 0));
      l.deposit(who.address, "rETH", minted);
    }
  }

  private async request(actor: number, receiverIndex: number, key: Moved, bps: bigint): Promise<void> {
    const { f, l } = this;
    const who = this.actors[actor];
    const balance = l.balanceOf(who.address);
    if (balance < MIN_SHARES) return;
    let shares = (balance * bps) / 10_000n;
    if (shares < MIN_SHARES) shares = MIN_SHARES;
    if (shares > MAX_SHARES) shares = MAX_SHARES;
    const receiver = this.actors[receiverIndex].address;
    await at(this.tick(), () => f.vault.connect(who).approve(f.queue, shares));
    const t = this.tick();
    const receipt = await mined(
      await at(t, () => f.queue.connect(who).requestWithdrawal(shares, this.A[key], receiver)),
    );
    const r = l.request(t, who.address, receiver, shares, key);
    const events = eventsOf(receipt, f.queue, "WithdrawalRequested");
    expect(events).to.deep.equal([
      [r.id, who.address, receiver, this.A[key], shares, r.valueAtRequest, r.rateAtRequest],
    ]);
    this.assetOf.set(r.id, key);
    this.pendingShares += events[0][4] as bigint;
  }

  private async finalize(max: bigint): Promise<void> {
    const { f, l } = this;
    const t = this.tick();
    const fin = l.finalize(t, max);
    if (fin === undefined) {
      await expect(at(t, () => f.queue.connect(f.signers.keeper).finalize(max)))
        .to.be.revertedWithCustomError(f.queue, "WithdrawalQueueNothingToFinalize")
        .withArgs(l.nextToFinalize);
      return;
    }
    const receipt = await mined(await at(t, () => f.queue.connect(f.signers.keeper).finalize(max)));
    expect(eventsOf(receipt, f.accountant, "Synced")).to.deep.equal(fin.sync ? [syncedArgs(fin.sync)] : []);
    const events = eventsOf(receipt, f.queue, "WithdrawalFinalized");
    expect(events).to.deep.equal(fin.finalized.map(finalizedArgs));
    for (const [id, shares, , , , units] of events as bigint[][]) {
      this.frozen.set(id, units);
      const key = this.assetOf.get(id)!;
      this.finalizedTotal.set(key, this.finalizedTotal.get(key)! + units);
      this.pendingShares -= shares;
    }
  }

  private async claim(actor: number, pick: number, recipientIndex: number): Promise<void> {
    const { f, l } = this;
    const recipient = this.recipients[recipientIndex];
    // Mostly an owner of finalized requests claims some of them; one time in eight, `actor` tries some id (or an
    // unknown one) and the error the ledger predicts is expected.
    const owners = [...new Set(l.requests.filter((r) => r.status === FINALIZED).map((r) => r.owner))];
    const who =
      owners.length > 0 && pick % 8 !== 0
        ? this.actors.find((s) => s.address === owners[actor % owners.length])!
        : this.actors[actor];
    const owned = l.requests.filter((r) => r.owner === who.address && r.status === FINALIZED);
    if (owned.length === 0) {
      const ids = [BigInt((pick >> 3) % (l.requests.length + 2))];
      const error = l.claimError(who.address, ids)!;
      await expect(at(this.tick(), () => f.queue.connect(who).claim(ids, recipient)))
        .to.be.revertedWithCustomError(f.queue, error.name)
        .withArgs(...error.args);
      return;
    }
    const ids = owned.filter((_, i) => ((pick >> (3 + i)) & 1) === 1).map((r) => r.id);
    if (ids.length === 0) ids.push(owned[0].id);
    const before = await Promise.all(MOVED.map((k) => unitsHeld(f, k, recipient)));
    const receipt = await mined(await at(this.tick(), () => f.queue.connect(who).claim(ids, recipient)));
    const paid = l.claim(ids, recipient);
    const after = await Promise.all(MOVED.map((k) => unitsHeld(f, k, recipient)));
    MOVED.forEach((key, i) => {
      const delta = after[i] - before[i];
      expect(delta, `${key} paid`).to.equal(paid.get(key));
      this.claimedTotal.set(key, this.claimedTotal.get(key)! + delta);
    });
    const events = eventsOf(receipt, f.queue, "WithdrawalClaimed");
    expect(events).to.deep.equal(
      ids.map((id) => [id, who.address, recipient, this.A[l.get(id).asset], this.frozen.get(id)]),
    );
    for (const [id, , , , amount] of events as [bigint, string, string, string, bigint][]) {
      this.claimedPerId.set(id, (this.claimedPerId.get(id) ?? 0n) + amount);
    }
  }

  private async transfer(actor: number, to: number, pick: number): Promise<void> {
    const { f, l } = this;
    const who = this.actors[actor];
    const owned = l.requests.filter((r) => r.owner === who.address && r.status !== CLAIMED);
    if (owned.length === 0) return;
    const id = owned[pick % owned.length].id;
    const receiver = this.actors[to].address;
    await at(this.tick(), () => f.queue.connect(who).transferFrom(who.address, receiver, id));
    l.transferRequest(id, receiver);
  }

  /** A yield (bps > 0) or a loss (bps < 0) on stETH (a Lido rebase) or rETH (its rate). */
  private async move(asset: "stETH" | "rETH", bps: bigint): Promise<void> {
    const { f, l } = this;
    const { admin } = f.signers;
    if (asset === "stETH") {
      const delta = (l.steth.pooledEther * bps) / 10_000n + (bps > 0n ? 1n : -1n);
      await at(this.tick(), () => f.tokens.stETH.connect(admin).rebase(delta));
      l.steth.rebase(delta);
    } else {
      const rate = l.rETHRate + (l.rETHRate * bps) / 10_000n + 1n;
      await at(this.tick(), () => f.tokens.rETH.connect(admin).setExchangeRate(rate));
      l.rETHRate = rate;
    }
  }

  private async sync(): Promise<void> {
    const { f, l } = this;
    const t = this.tick();
    const receipt = await mined(await at(t, () => f.accountant.connect(f.signers.keeper).sync()));
    expect(eventsOf(receipt, f.accountant, "Synced")).to.deep.equal([syncedArgs(l.sync(t))]);
  }

  /** Every invariant, against the chain's reports (ghosts) and against the ledger. */
  async check(): Promise<void> {
    const { f, l, A } = this;
    const { vault, queue } = f;

    // P1: per asset, what the queue holds >= reserved >= what finalized, unclaimed requests are owed; and every
    // unit finalized is either claimed or still reserved.
    for (const key of MOVED) {
      const [held, reserved] = await Promise.all([unitsHeld(f, key, this.queue), queue.reserved(A[key])]);
      let owed = 0n;
      for (const [id, units] of this.frozen) {
        if (this.assetOf.get(id) === key && !this.claimedPerId.has(id)) owed += units;
      }
      expect(held, `${key}: held >= reserved`).to.be.at.least(reserved);
      expect(reserved, `${key}: reserved >= owed`).to.be.at.least(owed);
      expect(reserved, `${key}: reserved (ledger)`).to.equal(l.reserved.get(key));
      expect(owed, `${key}: owed (ledger)`).to.equal(l.unclaimed(key));
      expect(this.claimedTotal.get(key)! + reserved, `${key}: claimed + reserved == finalized`).to.equal(
        this.finalizedTotal.get(key),
      );
    }

    // P6 and P13: a finalized payout never changes; no request is paid more than once or more than its payout;
    // every request's status is the ledger's.
    const stored = await Promise.all(l.requests.map((r) => queue.getRequest(r.id)));
    l.requests.forEach((r, i) => {
      const got = stored[i];
      expect(got.status, `status ${r.id}`).to.equal(r.status);
      if (this.frozen.has(r.id)) {
        expect(got.payoutUnits, `payout ${r.id}`).to.equal(this.frozen.get(r.id));
        expect(got.payoutUnits, `payout ${r.id} (ledger)`).to.equal(r.payoutUnits);
      }
      const claimed = this.claimedPerId.get(r.id) ?? 0n;
      expect(claimed, `claimed ${r.id}`).to.equal(r.status === CLAIMED ? r.payoutUnits : 0n);
    });

    // P5: the lrETH the queue holds is exactly the pending requests' shares.
    const queueShares = await vault.balanceOf(this.queue);
    expect(queueShares, "lrETH in the queue").to.equal(this.pendingShares);
    expect(queueShares, "lrETH in the queue (ledger)").to.equal(l.pendingShares());

    // The vault never owes more than it has: buffers read without underflow, match the ledger, and are held.
    const buffers = await vault.buffers();
    expect([...buffers], "buffers").to.deep.equal(KEYS.map((k) => l.buffer.get(k)));
    for (const [i, key] of KEYS.entries()) {
      if (!(MOVED as readonly string[]).includes(key)) continue;
      expect(await unitsHeld(f, key as Moved, this.vault), `${key} held by the vault`).to.be.at.least(buffers[i]);
    }

    // The books, the queue's cursor and every lrETH holder.
    const holders = [...this.actors.map((s) => s.address), f.signers.treasury.address];
    const [supply, rate, now, cursor, balances] = await Promise.all([
      vault.totalSupply(),
      vault.getRate(),
      time.latest(),
      queue.cursor(),
      Promise.all(holders.map((h) => vault.balanceOf(h))),
    ]);
    expect(supply, "supply").to.equal(l.supply);
    expect(rate, "rate").to.equal(l.rateAt(BigInt(now)));
    expect([...cursor], "cursor").to.deep.equal([l.nextToFinalize, l.nextRequestId]);
    expect(balances, "lrETH balances").to.deep.equal(holders.map((h) => l.balanceOf(h)));
  }
}
