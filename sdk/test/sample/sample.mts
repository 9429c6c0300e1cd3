// The SDK's sample: read the vault, preview deposits (one failing, with its reason), deposit ETH, request a
// withdrawal and list the user's requests. Environment: RPC_URL, LRT_VAULT, LRT_LENS (the test sets them).
import { JsonRpcProvider, formatEther, parseEther } from "ethers";
import { ETH, LRTClient, addressBook, type ChainAddresses, type RequestInfo } from "@lrt-vault/sdk";

const url = process.env.RPC_URL ?? "http://127.0.0.1:8545";
const provider = new JsonRpcProvider(url);
const { chainId } = await provider.getNetwork();
const signer = await provider.getSigner(1);

// The vault and the lens: from the environment, or from the address book for a chain with a recorded deployment.
const known: ChainAddresses | undefined = addressBook[Number(chainId)];
const vault = process.env.LRT_VAULT ?? known?.suite?.vault;
const lens = process.env.LRT_LENS ?? known?.suite?.lens;
if (!vault || !lens) throw new Error(`no vault for chain ${chainId}: set LRT_VAULT and LRT_LENS`);
const client = new LRTClient(signer, { vault, lens });

// localhost's address book entry, filled at run time from the lens.
const deployment = await client.addresses();

const summary = await client.summary();
console.log(
  `rate ${formatEther(summary.rate)} ETH/lrETH, TVL ${formatEther(summary.totalAssets)} ETH, fresh ${summary.fresh}`,
);
for (const a of summary.assets) console.log(`  ${a.symbol}: ${formatEther(a.total)} (${formatEther(a.value)} ETH)`);

const preview = await client.previewDeposit(ETH, parseEther("1"));
const failing = await client.previewDeposit(ETH, 1n);
console.log(`1 ETH mints ${formatEther(preview.shares)} lrETH (${preview.check}); 1 wei: ${failing.check}`);

const deposit = await client.depositETH({ amount: parseEther("1"), slippageBps: 10 });
console.log(`deposited: ${formatEther(deposit.shares)} lrETH (min ${formatEther(deposit.minShares)})`);

const request = await client.requestWithdrawal({ shares: deposit.shares / 2n });
console.log(`withdrawal requested: id ${request.requestId} (${request.approval})`);

const mine: RequestInfo[] = await client.requests(await signer.getAddress());
for (const r of mine) {
  console.log(
    `  request ${r.requestId}: ${r.status}, expected ${formatEther(r.expectedTokens)}, claimable ${r.claimable}`,
  );
}

const json = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x));
console.log(
  `RESULT ${json({
    chainId,
    queue: deployment.withdrawalQueue,
    rate: summary.rate,
    assets: summary.assets.map((a) => a.symbol),
    preview: { shares: preview.shares, check: preview.check },
    failing: failing.check,
    deposited: deposit.shares,
    requestId: request.requestId,
    requests: mine.map((r) => ({
      id: r.requestId,
      status: r.status,
      expectedTokens: r.expectedTokens,
      claimable: r.claimable,
    })),
  })}`,
);
provider.destroy();
