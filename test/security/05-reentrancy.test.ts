/**
 * Attack 5 of issue 9: re-entrancy through a token hook. On `main`, `depositLST` read the asset slot, pulled the
 * tokens, then wrote the cached slot back; a token with a sender hook calling `sync()` in between left the books at
 * 151 tokens while the vault held 111, and the next sync booked the 40 phantom tokens as a gain (and minted fee on it).
 *
 * Here an admin lists `HookedTokenMock` (every transfer calls a configured target with configured calldata, before or
 * after the balances move, and records the result) with a `ParityAdapter`, price bounds and an EigenLayer strategy.
 * The token contract itself is the attacker's account: it holds ETH, lrETH, its own tokens, a finalized request, a
 * request stuck past `maxWait`, and has approved the vault and the queue. From its hook it calls, one per test, every
 * state-changing entry point of the vault, the accountant, the queue and the restaking manager, during a deposit, a
 * restake, a finalization and a claim of the hooked token, and during the completion of an EigenLayer withdrawal of it.
 *
 * Each test asserts:
 * 1. what each hook call did, against the lock table below (which contract is mid-call at that transfer): either a
 *    revert (`ReentrancyGuardReentrantCall`, or the entry point's authorization error) or success;
 * 2. the vault's buffer of every asset equals what it holds (ETH, Lido shares, token balances);
 * 3. the books and the next sync are exactly those of the reference run: the same scenario without the hook, followed
 *    by the hook calls that succeeded, made one after the other from the token outside any transfer. A re-entrant call
 *    may only do what the same call could do on its own: no phantom gain or loss, same rate, same fee.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, mine, time } from "@nomicfoundation/hardhat-network-helpers";
import { MaxUint256, ZeroAddress, ZeroHash, parseEther, type BytesLike, type Interface } from "ethers";
import { HookedTokenMock__factory, ParityAdapter__factory, type HookedTokenMock } from "../../typechain-types";
import { EIGEN_DELAYS, deployStrategy } from "../../scripts/lib/eigenlayer";
import { PARAMS, deploySuiteFixture, depositLST } from "../../scripts/lib/suite";
import { queuedOf } from "../helpers/restaking";
import { FULL } from "../common/env";
import { ETH, laneId, mined } from "./helpers";

const DEPOSIT = parseEther("10");
const RESTAKE = parseEther("10");

/** Runs `data` on `target` as the hooked token (its hook fired by a zero mint), outside any other transfer. */
async function asToken(hooked: HookedTokenMock, target: string, data: BytesLike, value = 0n): Promise<void> {
  await mined(await hooked.setHook(target, data, false, value));
  await mined(await hooked.mint(hooked, 0n));
  const ok = await hooked.hookOk(0);
  const ret = await hooked.hookReturn(0);
  await mined(await hooked.setHook(ZeroAddress, "0x", false, 0n));
  if (!ok) throw new Error(`the token's call failed: ${ret}`);
}

/**
 * The suite plus the hooked token listed (adapter, bounds, strategy). alice holds ETH, hooked tokens and rETH in the
 * vault; the keeper restaked all rETH (delegator 0) and 40 hooked (delegator 2), and queued a withdrawal of each
 * (ready by now). The token holds 20 ETH, 100 hooked, lrETH, a request R stuck in the rETH lane for `maxWait`, and a
 * finalized request C; bob holds a finalized request A and a pending, payable request B, all in the hooked lane, and
 * a pending, payable request E in the ETH lane (a finalization settles ETH and the hooked token).
 */
async function hookedSuiteFixture() {
  const s = await deploySuiteFixture();
  const { admin, keeper, alice, bob } = s.signers;
  const hooked = await new HookedTokenMock__factory(admin).deploy();
  const adapter = await new ParityAdapter__factory(admin).deploy(hooked);
  await s.vault.addAsset(hooked, {
    cap: PARAMS.cap,
    minDeposit: PARAMS.minDeposit,
    lidoShares: false,
    adapter,
    maxRiseBpsPerDay: PARAMS.maxRiseBpsPerDay,
    maxFallBps: PARAMS.maxFallBps,
  });
  const strategy = await deployStrategy(s.el, await hooked.getAddress());
  await s.vault.setStrategy(hooked, strategy);
  await s.accountant.sync();

  const token = await hooked.getAddress();
  const [vault, queue, rETH] = await Promise.all([
    s.vault.getAddress(),
    s.queue.getAddress(),
    s.tokens.rETH.getAddress(),
  ]);
  await admin.sendTransaction({ to: token, value: parseEther("20") });
  await asToken(hooked, vault, s.vault.interface.encodeFunctionData("approve", [queue, MaxUint256]));
  await asToken(hooked, token, hooked.interface.encodeFunctionData("approve", [vault, MaxUint256]));
  await hooked.mint(token, parseEther("100"));

  await s.vault.connect(alice).depositETH(alice, 0, 0, { value: parseEther("50") });
  await s.vault.connect(alice).depositETH(token, 0, 0, { value: parseEther("10") });
  await hooked.mint(alice, parseEther("200"));
  await hooked.connect(alice).approve(s.vault, MaxUint256);
  await s.vault.connect(alice).depositLST(hooked, parseEther("100"), alice, 0, 0);
  await depositLST(s, alice, "rETH", parseEther("33"));
  const [d0, , d2] = s.delegators;
  await s.manager.connect(keeper).restake(d0, rETH, parseEther("30"));
  await s.manager.connect(keeper).restake(d2, hooked, parseEther("40"));
  await s.manager.connect(keeper).queueWithdrawal(d0, rETH, parseEther("5"));
  await s.manager.connect(keeper).queueWithdrawal(d2, hooked, parseEther("20"));
  const rETHWithdrawal = (await queuedOf(s, d0.target as string))[0];
  const hookedWithdrawal = (await queuedOf(s, d2.target as string))[0];

  // R: the token's request in the rETH lane (no rETH in the buffer, 30 restaked): pending until re-denominated.
  await asToken(
    hooked,
    queue,
    s.queue.interface.encodeFunctionData("requestWithdrawal", [parseEther("2"), rETH, token]),
  );
  await time.increase(PARAMS.maxWait);
  await mine(EIGEN_DELAYS.minWithdrawalDelayBlocks + 1);
  await s.accountant.sync();

  await s.vault.connect(bob).depositETH(bob, 0, 0, { value: parseEther("12") });
  await s.vault.connect(bob).approve(s.queue, MaxUint256);
  await s.queue.connect(bob).requestWithdrawal(parseEther("5"), hooked, bob); // A
  await asToken(
    hooked,
    queue,
    s.queue.interface.encodeFunctionData("requestWithdrawal", [parseEther("2"), token, token]),
  ); // C
  await s.queue.finalize(100);
  await s.queue.connect(bob).requestWithdrawal(parseEther("5"), hooked, bob); // B
  await s.queue.connect(bob).requestWithdrawal(parseEther("1"), ETH, bob); // E
  await s.accountant.sync();

  const ids = {
    R: laneId(rETH, 1n),
    A: laneId(token, 1n),
    C: laneId(token, 2n),
    B: laneId(token, 3n),
    E: laneId(ETH, 1n),
  };
  return { s, hooked, token, ids, rETHWithdrawal, hookedWithdrawal };
}

type Ctx = Awaited<ReturnType<typeof hookedSuiteFixture>>;

/* --------------------------------------------------------------------------------------------------------------- */
/*                                      Scenarios: the hooked token moves                                           */
/* --------------------------------------------------------------------------------------------------------------- */

type Lock = "vault" | "queue" | "manager";

interface Scenario {
  what: string;
  /** Contracts inside a `nonReentrant` call at each transfer of the hooked token, in order. */
  transfers: Lock[][];
  send(c: Ctx): ReturnType<Ctx["s"]["queue"]["finalize"]>;
}

const SCENARIOS: Record<string, Scenario> = {
  deposit: {
    what: "alice deposits 10 hooked",
    transfers: [["vault"]],
    send: (c) => c.s.vault.connect(c.s.signers.alice).depositLST(c.hooked, DEPOSIT, c.s.signers.alice, 0, 0),
  },
  restake: {
    what: "the keeper restakes 10 hooked (vault -> delegator 1, delegator -> strategy)",
    transfers: [["manager", "vault"], ["manager"]],
    send: (c) => c.s.manager.connect(c.s.signers.keeper).restake(c.s.delegators[1], c.hooked, RESTAKE),
  },
  finalization: {
    what: "anyone finalizes bob's requests E (ETH) and B (hooked: vault -> queue)",
    transfers: [["queue", "vault"]],
    send: (c) => c.s.queue.connect(c.s.signers.stranger).finalize(100),
  },
  claim: {
    what: "bob claims request A (queue -> bob)",
    transfers: [["queue"]],
    send: (c) => c.s.queue.connect(c.s.signers.bob).claim([c.ids.A], c.s.signers.bob),
  },
  completion: {
    what: "anyone completes delegator 2's withdrawal of 20 hooked (strategy -> delegator, delegator -> vault)",
    transfers: [["manager"], ["manager", "vault"]],
    send: (c) => c.s.manager.connect(c.s.signers.stranger).completeWithdrawals(c.s.delegators[2], [c.hookedWithdrawal]),
  },
};

/* --------------------------------------------------------------------------------------------------------------- */
/*                                  Entry points the token calls from its hook                                      */
/* --------------------------------------------------------------------------------------------------------------- */

interface Outcome {
  ok: boolean;
  error?: string;
  args?: string[];
}

const OK: Outcome = { ok: true };
const REENTRANT: Outcome = { ok: false, error: "ReentrancyGuardReentrantCall", args: [] };
const fail = (error: string, ...args: string[]): Outcome => ({ ok: false, error, args });

interface Entry {
  name: string;
  call(c: Ctx): { target: string; data: string; value?: bigint };
  /** What the call does from a hook with `locks` held; `consumed`: an earlier hook call of this test succeeded. */
  expect(locks: Set<Lock>, consumed: boolean, c: Ctx): Outcome;
  /** The call can succeed only once (it uses up a request or a withdrawal). */
  once?: boolean;
}

/** A vault entry point only `linked` (the contract the vault links for it) may call. */
const vaultOnly =
  (linked: (c: Ctx) => string) =>
  (locks: Set<Lock>, _consumed: boolean, c: Ctx): Outcome =>
    locks.has("vault") ? REENTRANT : fail("LRTVaultUnauthorized", c.token, linked(c));
const fromAccountant = vaultOnly((c) => c.s.accountant.target as string);
const fromQueue = vaultOnly((c) => c.s.queue.target as string);
const fromManager = vaultOnly((c) => c.s.manager.target as string);

const ENTRIES: Entry[] = [
  {
    name: "vault.depositETH",
    call: (c) => ({
      target: c.s.vault.target as string,
      data: c.s.vault.interface.encodeFunctionData("depositETH", [c.token, 0, 0]),
      value: parseEther("1"),
    }),
    expect: () => OK,
  },
  {
    name: "vault.depositLST",
    call: (c) => ({
      target: c.s.vault.target as string,
      data: c.s.vault.interface.encodeFunctionData("depositLST", [c.token, parseEther("1"), c.token, 0, 0]),
    }),
    expect: (locks) => (locks.has("vault") ? REENTRANT : OK),
  },
  {
    name: "vault.applySync",
    call: (c) => {
      const n = 7;
      const zeros = Array.from({ length: n }, () => 0n);
      const update = {
        feeShares: 0n,
        treasury: c.token,
        expiry: 0n,
        prices: zeros,
        sharesPerUnit: zeros,
        outsideUnits: zeros,
        tripped: zeros.map(() => false),
      };
      return {
        target: c.s.vault.target as string,
        data: c.s.vault.interface.encodeFunctionData("applySync", [update]),
      };
    },
    expect: fromAccountant,
  },
  {
    name: "vault.settleWithdrawals",
    call: (c) => ({
      target: c.s.vault.target as string,
      data: c.s.vault.interface.encodeFunctionData("settleWithdrawals", [[c.token], [parseEther("1")], 0n]),
    }),
    expect: fromQueue,
  },
  {
    name: "vault.releaseToDelegator",
    call: (c) => ({
      target: c.s.vault.target as string,
      data: c.s.vault.interface.encodeFunctionData("releaseToDelegator", [
        c.token,
        parseEther("1"),
        c.s.delegators[1].target as string,
      ]),
    }),
    expect: fromManager,
  },
  {
    name: "vault.absorbFromDelegator",
    call: (c) => ({
      target: c.s.vault.target as string,
      data: c.s.vault.interface.encodeFunctionData("absorbFromDelegator", [c.token, parseEther("1"), c.token, false]),
    }),
    expect: fromManager,
  },
  {
    name: "accountant.sync",
    call: (c) => ({
      target: c.s.accountant.target as string,
      data: c.s.accountant.interface.encodeFunctionData("sync"),
    }),
    // The accountant is never mid-call when the token moves; its sync reaches the vault's applySync (blocked by the
    // vault's guard) and reads the manager's positions() (refused while a manager operation is under way: units in
    // flight between the vault and EigenLayer would be booked as a loss).
    expect: (locks) => (locks.has("vault") || locks.has("manager") ? REENTRANT : OK),
  },
  {
    name: "accountant.recordSettlement",
    call: (c) => ({
      target: c.s.accountant.target as string,
      data: c.s.accountant.interface.encodeFunctionData("recordSettlement", [parseEther("1"), 0n]),
    }),
    expect: (_locks, _consumed, c) => fail("LRTAccountantOnlyWithdrawalQueue", c.token, c.s.queue.target as string),
  },
  {
    name: "queue.requestWithdrawal",
    call: (c) => ({
      target: c.s.queue.target as string,
      data: c.s.queue.interface.encodeFunctionData("requestWithdrawal", [parseEther("1"), c.token, c.token]),
    }),
    expect: (locks) => (locks.has("queue") ? REENTRANT : OK),
  },
  {
    name: "queue.finalize",
    call: (c) => ({
      target: c.s.queue.target as string,
      data: c.s.queue.interface.encodeFunctionData("finalize", [100]),
    }),
    // It syncs first: blocked by the queue's own guard, by the vault's (applySync) or by the manager's (positions()).
    expect: (locks) => (locks.has("queue") || locks.has("vault") || locks.has("manager") ? REENTRANT : OK),
  },
  {
    name: "queue.redenominate",
    once: true,
    call: (c) => ({
      target: c.s.queue.target as string,
      data: c.s.queue.interface.encodeFunctionData("redenominate", [c.ids.R, ETH]),
    }),
    expect: (locks, consumed, c) =>
      locks.has("queue")
        ? REENTRANT
        : consumed
          ? fail("WithdrawalQueueNotOwner", c.ids.R.toString(), c.token, ZeroAddress)
          : OK,
  },
  {
    name: "queue.claim",
    once: true,
    call: (c) => ({
      target: c.s.queue.target as string,
      data: c.s.queue.interface.encodeFunctionData("claim", [[c.ids.C], c.token]),
    }),
    expect: (locks, consumed, c) =>
      locks.has("queue") ? REENTRANT : consumed ? fail("WithdrawalQueueAlreadyClaimed", c.ids.C.toString()) : OK,
  },
  {
    name: "manager.restake",
    call: (c) => ({
      target: c.s.manager.target as string,
      data: c.s.manager.interface.encodeFunctionData("restake", [
        c.s.delegators[1].target as string,
        c.token,
        parseEther("1"),
      ]),
    }),
    expect: (_locks, _consumed, c) => fail("AccessManagedUnauthorized", c.token),
  },
  {
    name: "manager.queueWithdrawal",
    call: (c) => ({
      target: c.s.manager.target as string,
      data: c.s.manager.interface.encodeFunctionData("queueWithdrawal", [
        c.s.delegators[0].target as string,
        c.s.tokens.rETH.target as string,
        parseEther("0.001"),
      ]),
    }),
    expect: (_locks, _consumed, c) => fail("AccessManagedUnauthorized", c.token),
  },
  {
    name: "manager.completeWithdrawals",
    once: true,
    call: (c) => ({
      target: c.s.manager.target as string,
      data: c.s.manager.interface.encodeFunctionData("completeWithdrawals", [
        c.s.delegators[0].target as string,
        [c.rETHWithdrawal],
      ]),
    }),
    // Permissionless; the completed rETH enters the buffer through the vault's absorbFromDelegator.
    expect: (locks, consumed) =>
      locks.has("manager") || locks.has("vault") ? REENTRANT : consumed ? fail("WithdrawalNotQueued") : OK,
  },
  {
    name: "manager.claimRewards",
    call: (c) => {
      const claim = {
        rootIndex: 0,
        earnerIndex: 0,
        earnerTreeProof: "0x",
        earnerLeaf: { earner: c.s.delegators[0].target as string, earnerTokenRoot: ZeroHash },
        tokenIndices: [],
        tokenTreeProofs: [],
        tokenLeaves: [],
      };
      return {
        target: c.s.manager.target as string,
        data: c.s.manager.interface.encodeFunctionData("claimRewards", [c.s.delegators[0].target as string, claim]),
      };
    },
    expect: (_locks, _consumed, c) => fail("AccessManagedUnauthorized", c.token),
  },
];

/* --------------------------------------------------------------------------------------------------------------- */
/*                                                 Running                                                          */
/* --------------------------------------------------------------------------------------------------------------- */

function decode(c: Ctx, data: string): Outcome {
  const interfaces: Interface[] = [
    c.s.vault.interface,
    c.s.accountant.interface,
    c.s.queue.interface,
    c.s.manager.interface,
    c.s.el.delegationManager.interface,
  ];
  for (const i of interfaces) {
    try {
      const parsed = i.parseError(data);
      if (parsed) return fail(parsed.name, ...parsed.args.map((a) => a.toString()));
    } catch {
      // not this interface's error
    }
  }
  return fail(`undecoded ${data}`);
}

/** The scenario's block time and the next sync's, pinned so both runs book at the same instants. */
async function times(): Promise<{ scenario: bigint; nextSync: bigint }> {
  const latest = await ethers.provider.getBlock("latest");
  const t = BigInt(latest!.timestamp);
  return { scenario: t + 5n, nextSync: t + 60n };
}

/** Everything the books hold after the next sync, and what that sync did. */
async function snapshot(c: Ctx, nextSync: bigint) {
  const { s } = c;
  await time.setNextBlockTimestamp(nextSync);
  const receipt = await mined(await s.accountant.connect(s.signers.stranger).sync());
  const events: Record<string, string[]> = {};
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== (s.accountant.target as string).toLowerCase()) continue;
    const parsed = s.accountant.interface.parseLog(log);
    if (parsed) events[parsed.name] = parsed.args.map((a) => a.toString());
  }
  const assets = await s.vault.assets();
  const vault = s.vault.target as string;
  const perAsset = [];
  for (const asset of assets) {
    const info = await s.vault.assetInfo(asset);
    perAsset.push({
      asset,
      buffer: info.bufferUnits,
      outside: info.outsideUnits,
      headroom: info.headroom,
      price: info.price,
      lane: (await s.queue.lane(asset)).map((x) => x),
      reserved: await s.queue.reserved(asset),
    });
  }
  const books = await s.accountant.books();
  const accounts = [c.token, s.signers.alice.address, s.signers.bob.address, s.signers.treasury.address];
  const requests = [];
  for (const id of Object.values(c.ids)) {
    const r = await s.queue.getRequest(id);
    requests.push([r.status, r.payoutUnits, r.payoutValue]);
  }
  return {
    nextSync: events,
    rate: await s.accountant.rate(),
    books: [books.base, books.amount1, books.amount2, books.heldBack, books.highWaterMark, books.lastValue],
    supply: await s.vault.totalSupply(),
    lrETH: await Promise.all([...accounts, s.queue.target as string].map((a) => s.vault.balanceOf(a))),
    hooked: await Promise.all([...accounts, vault, s.queue.target as string].map((a) => c.hooked.balanceOf(a))),
    tokenETH: await ethers.provider.getBalance(c.token),
    perAsset,
    positions: (await s.manager.positions()).map((p) => [p.asset, p.withdrawableUnits, p.queuedUnits]),
    requests,
  };
}

/** Every asset's buffer is what the vault holds: ETH, Lido shares for stETH, token balances otherwise. */
async function expectBuffersHeld(c: Ctx) {
  const { s } = c;
  const vault = s.vault.target as string;
  const assets = await s.vault.assets();
  const buffers = (await s.vault.syncInputs()).map((x) => x.buffer);
  expect(buffers.length).to.equal(assets.length);
  for (let i = 0; i < assets.length; ++i) {
    let held: bigint;
    if (assets[i] === ETH) held = await ethers.provider.getBalance(vault);
    else if (assets[i] === s.tokens.stETH.target) held = await s.tokens.stETH.sharesOf(vault);
    else held = await (await ethers.getContractAt("IERC20", assets[i])).balanceOf(vault);
    expect(buffers[i], `buffer of ${assets[i]} = what the vault holds`).to.equal(held);
  }
}

type Snapshot = Awaited<ReturnType<typeof snapshot>>;
const references = new Map<string, Snapshot>();

/** The scenario without the hook, then `replays` successful calls of `entry` from the token, one after the other. */
async function reference(scenario: string, entry: Entry, replays: number): Promise<Snapshot> {
  const key = `${scenario}/${replays === 0 ? "-" : entry.name}/${replays}`;
  const cached = references.get(key);
  if (cached) return cached;
  const c = await loadFixture(hookedSuiteFixture);
  const t = await times();
  await time.setNextBlockTimestamp(t.scenario - 4n);
  await mined(await c.hooked.setHook(ZeroAddress, "0x", false, 0n));
  await time.setNextBlockTimestamp(t.scenario);
  await mined(await SCENARIOS[scenario].send(c));
  for (let i = 0; i < replays; ++i) {
    const { target, data, value } = entry.call(c);
    await asToken(c.hooked, target, data, value ?? 0n);
  }
  const snap = await snapshot(c, t.nextSync);
  references.set(key, snap);
  return snap;
}

/**
 * The quick subset `npm test` runs (`TEST_FULL=1` runs the whole matrix): every entry point once, during scenario
 * `i mod 5` of its index `i`, the hook before the balances move for `i mod 10 < 5` and after otherwise (so every
 * scenario is run both ways), and the original attack (a sync from the hook of a deposit) both ways.
 */
const SCENARIO_NAMES = Object.keys(SCENARIOS);
const inQuickSubset = (scenarioName: string, before: boolean, entryIndex: number): boolean =>
  (SCENARIO_NAMES[entryIndex % SCENARIO_NAMES.length] === scenarioName &&
    entryIndex % (2 * SCENARIO_NAMES.length) < SCENARIO_NAMES.length === before) ||
  (scenarioName === "deposit" && ENTRIES[entryIndex].name === "accountant.sync");
const MATRIX = SCENARIO_NAMES.flatMap((scenarioName) =>
  [true, false].flatMap((before) =>
    ENTRIES.map((entry, i) => ({ scenarioName, before, entry, run: FULL || inQuickSubset(scenarioName, before, i) })),
  ),
);
const RUN = MATRIX.filter((m) => m.run).length;
const EXTENT = FULL ? `all ${RUN} cases` : `quick subset: ${RUN} of ${MATRIX.length} cases, TEST_FULL=1 runs all`;

describe(`Security 5: no re-entrancy through a token hook, whatever the entry point (${EXTENT})`, function () {
  for (const [scenarioName, scenario] of Object.entries(SCENARIOS)) {
    for (const before of [true, false]) {
      const when = before ? "before" : "after";
      const entries = MATRIX.filter((m) => m.run && m.scenarioName === scenarioName && m.before === before);
      if (entries.length === 0) continue;
      describe(`during a ${scenarioName} (${scenario.what}), hook ${when} the balances move`, function () {
        for (const { entry } of entries) {
          const planned = (c: Ctx) => {
            let consumed = false;
            return scenario.transfers.map((locks) => {
              const out = entry.expect(new Set(locks), consumed, c);
              if (out.ok && entry.once) consumed = true;
              return out;
            });
          };
          const label = (outs: Outcome[]) => outs.map((o) => (o.ok ? "succeeds" : o.error)).join(", then ");
          // The title needs only the outcomes' names: a stand-in context with no addresses.
          const none = { target: "" };
          const standIn = { token: "", ids: { R: 0n, C: 0n }, s: { accountant: none, queue: none, manager: none } };
          const title = `${entry.name} from the hook: ${label(planned(standIn as unknown as Ctx))}`;
          it(title, async function () {
            const c = await loadFixture(hookedSuiteFixture);
            const t = await times();
            const { target, data, value } = entry.call(c);
            await time.setNextBlockTimestamp(t.scenario - 4n);
            await mined(await c.hooked.setHook(target, data, before, value ?? 0n));
            await time.setNextBlockTimestamp(t.scenario);
            await mined(await scenario.send(c));
            if (scenarioName === "finalization") {
              // Both lanes were settled (ETH first, then the hooked token) whatever the hook did.
              for (const id of [c.ids.E, c.ids.B]) expect((await c.s.queue.getRequest(id)).status).to.equal(2n);
            }

            // 1. What each hook call did.
            const calls = Number(await c.hooked.hookCalls());
            const seen: Outcome[] = [];
            for (let i = 0; i < calls; ++i) {
              seen.push((await c.hooked.hookOk(i)) ? OK : decode(c, await c.hooked.hookReturn(i)));
            }
            await mined(await c.hooked.setHook(ZeroAddress, "0x", false, 0n));
            expect(seen, "hook outcomes").to.deep.equal(planned(c));

            // 2. Buffers are what the vault holds.
            await expectBuffersHeld(c);

            // 3. The books and the next sync: exactly the reference's.
            const hookedRun = await snapshot(c, t.nextSync);
            await expectBuffersHeld(c);
            const successes = seen.filter((o) => o.ok).length;
            const expected = await reference(scenarioName, entry, successes);
            expect(hookedRun, "books and next sync = reference without re-entrancy").to.deep.equal(expected);
          });
        }
      });
    }
  }
});
