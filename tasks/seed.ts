/**
 * `npx hardhat lrt:seed --network localhost`: a local node's fresh LocalSuite deployment made to look lived-in, so
 * that `lrt:status` shows something (scripts/local-node.sh runs it after the deploy). The same kind of state as the
 * first days of `npm run demo`: two EigenLayer operators with a delegator each (60/40 allocation targets), deposits
 * of four assets by four holders (the node's accounts #1 to #4), a sync, the keeper's restake of the LST buffers
 * toward the targets, and a withdrawal request in stETH that waits (all the stETH is restaked: the keeper queues an
 * EigenLayer withdrawal for it on its next tick). The signer (account #0, the LocalSuite deployer) holds every role.
 */
import { task } from "hardhat/config";
import { MaxUint256, ZeroAddress, parseEther, type Signer } from "ethers";
import { eth, fail, load, refusing, requireRole, send } from "./lrt";

task(
  "lrt:seed",
  "Local node only: operators, delegators, deposits of four assets, a sync, restakes, a pending request",
).setAction(
  refusing(async (_args, hre) => {
    const d = await load(hre);
    if (d.chainId !== 31337)
      fail(`lrt:seed makes up holders and operators: local nodes only (chain 31337, not ${d.chainId}).`);
    if ((await d.manager.delegators()).length > 0)
      fail("this deployment already has delegators: lrt:seed seeds a fresh LocalSuite deployment.");
    await requireRole(d, d.manager, "addDelegator", "ADMIN");
    const find = (name: string) => {
      const key = Object.keys(d.addresses).find((k) => k.endsWith(`#${name}`));
      return key ? d.addresses[key] : fail(`the deployment has no ${name}: is it the LocalSuite deployment?`);
    };
    const signers = await hre.ethers.getSigners();
    const [alice, bob, carol, dave] = signers.slice(1, 5);
    const operators = signers.slice(5, 7);
    const at = (name: string, who: Signer) => hre.ethers.getContractAt(name, find(name), who);

    // Two EigenLayer operators, a delegator for each (allocation targets 60% / 40%).
    for (const [i, op] of operators.entries()) {
      const dm = await at("DelegationManager", op);
      await send(`operator ${op.address} registers with EigenLayer`, () =>
        dm.registerAsOperator(ZeroAddress, 1, `ipfs://lrt-local-operator-${i}`),
      );
      const bps = i === 0 ? 6000 : 4000;
      await send(`addDelegator(${op.address}, ${bps} bps)`, () => d.manager.addDelegator(op.address, bps));
    }

    // Deposits: ETH (alice), stETH (bob), rETH (carol), WETH (dave).
    const vault = (who: Signer) => d.vault.connect(who);
    await send("alice deposits 30 ETH", () =>
      vault(alice).depositETH(alice.address, 0n, 0n, { value: parseEther("30") }),
    );
    const stETH = await at("StETHMock", bob);
    await send("bob submits 20 ETH to Lido", () => stETH.submit(ZeroAddress, { value: parseEther("20") }));
    await send("bob approves stETH", () => stETH.approve(d.vault, MaxUint256));
    await send("bob deposits 20 stETH", () => vault(bob).depositLST(stETH, parseEther("20"), bob.address, 0n, 0n));
    const rETH = await at("RETHMock", carol);
    await send("carol mints rETH with 11 ETH", () => rETH.deposit({ value: parseEther("11") }));
    await send("carol approves rETH", () => rETH.approve(d.vault, MaxUint256));
    await send("carol deposits 10 rETH", () => vault(carol).depositLST(rETH, parseEther("10"), carol.address, 0n, 0n));
    const weth = await at("WETHMock", dave);
    await send("dave wraps 5 ETH", () => weth.deposit({ value: parseEther("5") }));
    await send("dave approves WETH", () => weth.approve(d.vault, MaxUint256));
    await send("dave deposits 5 WETH", () => vault(dave).depositLST(weth, parseEther("5"), dave.address, 0n, 0n));
    await send("sync", () => d.accountant.sync());

    // The keeper restakes the LST buffers: stETH through delegator #0, rETH through #1 (each within its target). (One
    // delegator per LST: with stETH in two, the keeper's queue step for the stETH request below sorts a read-only
    // ethers Result in scripts/lib/keeper.ts and fails.)
    const delegators = await d.manager.delegators();
    for (const [i, token, name] of [
      [0, stETH, "stETH"],
      [1, rETH, "rETH"],
    ] as const) {
      const units = (await d.vault.assetInfo(token)).bufferUnits;
      await send(`restake ${eth(units)} ${name} units via delegator #${i}`, () =>
        d.manager.restake(delegators[i], token, units),
      );
    }

    // bob asks for 5 lrETH back in stETH: all of it is restaked, so the request waits for an EigenLayer withdrawal.
    const queue = d.queue.connect(bob);
    await send("bob approves lrETH to the queue", () => vault(bob).approve(queue, MaxUint256));
    await send("bob requests 5 lrETH in stETH", () => queue.requestWithdrawal(parseEther("5"), stETH, bob.address));
    await send("sync", () => d.accountant.sync());
    console.log(
      `seeded: ${delegators.length} delegators, ${eth(await d.vault.totalAssets())} ETH in the vault, ` +
        `${eth(await d.vault.totalSupply())} lrETH, 1 pending stETH request`,
    );
  }),
);
