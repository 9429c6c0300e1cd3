/**
 * The example dApp: one page over `@lrt-vault/sdk` and ethers' BrowserProvider on the injected wallet. It shows the
 * rate (a chart of every sync), the user's position and requests, and runs deposit, request, finalize and claim. Every
 * error is shown as a sentence. The deployment comes from `VITE_LRT_CONFIG` (`npm run app` sets it).
 */
import { BrowserProvider, JsonRpcProvider, formatEther, parseEther, type Eip1193Provider, type Signer } from "ethers";
import {
  DepositRefusedError,
  ETH,
  LRTAccountant__factory,
  LRTClient,
  LRTContractError,
  LRTVault__factory,
  WithdrawalQueue__factory,
  type RequestInfo,
} from "@lrt-vault/sdk";
import { depositCheckSentence, errorSentence } from "./sentences";

interface AppConfig {
  rpcUrl: string;
  chainId: number;
  vault: string;
  lens: string;
}
const config = JSON.parse(
  (import.meta as unknown as { env: Record<string, string> }).env.VITE_LRT_CONFIG ?? "{}",
) as AppConfig;

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.querySelector(`[data-testid="${id}"]`) as T;
const fmt = (wei: bigint, digits = 6) => {
  const [whole, frac = ""] = formatEther(wei).split(".");
  return `${whole}.${frac.padEnd(digits, "0").slice(0, digits)}`;
};

const reader = new JsonRpcProvider(config.rpcUrl, config.chainId, { staticNetwork: true });
const readClient = new LRTClient(reader, { vault: config.vault, lens: config.lens });
let signer: Signer | undefined;
let client: LRTClient | undefined;
let account: string | undefined;
const symbols = new Map<string, string>();

function say(text: string) {
  $("message").textContent = text;
  $("message").hidden = false;
  $("error").hidden = true;
}
function fail(text: string) {
  $("error").textContent = text;
  $("error").hidden = false;
  $("message").hidden = true;
}

/** Runs a user action: busy buttons, the outcome as a sentence, the page refreshed. */
async function act(what: string, fn: () => Promise<string>) {
  const buttons = document.querySelectorAll("button");
  buttons.forEach((b) => (b.disabled = true));
  try {
    if (!client) throw new Error("Connect a wallet first.");
    say(`${what}…`);
    say(await fn());
  } catch (err) {
    fail(errorSentence(err, symbols));
  } finally {
    buttons.forEach((b) => (b.disabled = false));
    await refresh();
  }
}

async function connect() {
  const injected = (window as unknown as { ethereum?: Eip1193Provider }).ethereum;
  if (!injected) return fail("No wallet found in this browser: install one (or open the page in a wallet's browser).");
  try {
    const provider = new BrowserProvider(injected);
    await provider.send("eth_requestAccounts", []);
    const network = await provider.getNetwork();
    if (Number(network.chainId) !== config.chainId)
      return fail(
        `Your wallet is on chain ${network.chainId}; switch it to chain ${config.chainId} to use this vault.`,
      );
    signer = await provider.getSigner();
    account = await signer.getAddress();
    client = new LRTClient(signer, { vault: config.vault, lens: config.lens });
    $("account").textContent = account;
    say(`Connected as ${account}.`);
    await refresh();
  } catch (err) {
    fail(errorSentence(err, symbols));
  }
}

function drawChart(points: { t: number; rate: bigint }[]) {
  const svg = $("chart") as unknown as SVGSVGElement;
  if (points.length === 0) {
    svg.innerHTML = `<text x="20" y="90">No sync yet.</text>`;
    return;
  }
  const W = 600,
    H = 180,
    P = 30;
  const rates = points.map((p) => Number(formatEther(p.rate)));
  const lo = Math.min(...rates),
    hi = Math.max(...rates);
  const span = hi - lo || 1e-9;
  const t0 = points[0].t,
    t1 = points[points.length - 1].t || t0 + 1;
  const x = (t: number) => P + ((t - t0) / Math.max(1, t1 - t0)) * (W - 2 * P);
  const y = (r: number) => H - P - ((r - lo) / span) * (H - 2 * P);
  // A step line: the rate holds between syncs (it streams within a sync's window, drawn at each sync).
  let d = `M ${x(points[0].t)} ${y(rates[0])}`;
  for (let i = 1; i < points.length; i++) d += ` H ${x(points[i].t)} V ${y(rates[i])}`;
  svg.innerHTML =
    `<path d="${d}" fill="none" stroke="#3b6fd8" stroke-width="2"/>` +
    `<text x="${P}" y="14" font-size="11">${hi.toFixed(6)}</text>` +
    `<text x="${P}" y="${H - 8}" font-size="11">${lo.toFixed(6)} · ${points.length} sync(s)</text>`;
}

/** Reads everything first, then renders it in one go (the page never shows half of a refresh). */
async function refresh() {
  try {
    const s = await readClient.summary();
    const accountant = LRTAccountant__factory.connect((await readClient.addresses()).accountant, reader);
    const events = await accountant.queryFilter(accountant.filters.Synced(), 0);
    const points = [];
    for (const e of events) points.push({ t: (await e.getBlock()).timestamp, rate: e.args.rate });
    let position: { balance: bigint; worth: bigint; requests: RequestInfo[] } | undefined;
    if (account) {
      const vault = LRTVault__factory.connect(config.vault, reader);
      const balance = await vault.balanceOf(account);
      position = { balance, worth: await vault.convertToAssets(balance), requests: await readClient.requests(account) };
    }
    for (const a of s.assets) symbols.set(a.asset.toLowerCase(), a.symbol);
    for (const id of ["deposit-asset", "request-asset"]) {
      const select = $<HTMLSelectElement>(id);
      if (select.options.length === 0)
        for (const a of s.assets) select.add(new Option(a.symbol, a.asset, a.asset === ETH, a.asset === ETH));
    }
    drawChart(points);
    $("tvl").textContent = fmt(s.totalAssets, 4);
    $("freshness").textContent = s.fresh
      ? `synced ${s.rateAge ?? 0n} s ago`
      : s.slashedSinceSync
        ? "a slash happened since the last sync: the rate will fall at the next sync"
        : "the rate is stale: anyone may sync";
    if (position) {
      $("worth").textContent = fmt(position.worth);
      renderRequests(position.requests);
      $("balance").textContent = fmt(position.balance);
    }
    // Last: the test (and a reader) takes the rate shown as "the page is up to date".
    $("rate").textContent = fmt(s.rate, 9);
    await previewDeposit();
  } catch (err) {
    fail(errorSentence(err, symbols));
  }
}

function renderRequests(requests: RequestInfo[]) {
  const body = $("requests");
  body.innerHTML = "";
  for (const r of requests) {
    const row = document.createElement("tr");
    row.dataset.requestId = r.requestId.toString();
    const symbol = symbols.get(r.asset.toLowerCase()) ?? r.asset;
    const cells = [
      `#${r.requestId & 0xffffffffffffffffn}`,
      symbol,
      fmt(r.shares),
      r.status,
      `${fmt(r.expectedTokens)} ${symbol}`,
    ];
    for (const text of cells) {
      const td = document.createElement("td");
      td.textContent = text;
      row.append(td);
    }
    const td = document.createElement("td");
    if (r.claimable) {
      const b = document.createElement("button");
      b.textContent = "Claim";
      b.dataset.testid = "claim";
      b.onclick = () =>
        act("Claiming", async () => {
          const res = await client!.claim([r.requestId]);
          const paid = res.paid.map((p) => `${fmt(p.tokens)} ${symbols.get(p.asset.toLowerCase()) ?? p.asset}`);
          return `Claimed ${paid.join(", ")}.`;
        });
      td.append(b);
    }
    row.append(td);
    body.append(row);
  }
}

let previewSeq = 0;
async function previewDeposit() {
  const seq = ++previewSeq;
  const asset = $<HTMLSelectElement>("deposit-asset").value;
  let amount: bigint;
  try {
    amount = parseEther($<HTMLInputElement>("deposit-amount").value.trim() || "0");
  } catch {
    $("deposit-preview").textContent = "Enter an amount such as 1 or 0.25.";
    return;
  }
  if (!asset) return;
  const p = await readClient.previewDeposit(asset, amount);
  if (seq !== previewSeq) return;
  $("deposit-preview").textContent = p.ok
    ? `you get ${fmt(p.shares)} lrETH`
    : depositCheckSentence(p.check, symbols.get(asset.toLowerCase()) ?? "this asset");
}

$("connect").onclick = () => connect();
$("deposit-amount").oninput = () => void previewDeposit();
$("deposit-asset").onchange = () => void previewDeposit();
$("deposit").onclick = () =>
  act("Depositing", async () => {
    const asset = $<HTMLSelectElement>("deposit-asset").value;
    const amount = parseEther($<HTMLInputElement>("deposit-amount").value.trim());
    const res = asset === ETH ? await client!.depositETH({ amount }) : await client!.depositLST({ asset, amount });
    return `Deposited ${fmt(amount)} ${symbols.get(asset.toLowerCase())}: you received ${fmt(res.shares)} lrETH.`;
  });
$("request").onclick = () =>
  act("Requesting a withdrawal", async () => {
    const asset = $<HTMLSelectElement>("request-asset").value;
    const shares = parseEther($<HTMLInputElement>("request-shares").value.trim());
    const res = await client!.requestWithdrawal({ shares, asset });
    const symbol = symbols.get(asset.toLowerCase());
    return `Request #${res.requestId & 0xffffffffffffffffn} made: at most ${fmt(res.maxTokens)} ${symbol}, paid once finalized.`;
  });
$("finalize").onclick = () =>
  act("Finalizing", async () => {
    const queue = WithdrawalQueue__factory.connect((await client!.addresses()).withdrawalQueue, signer!);
    const n = await queue.finalize.staticCall(50);
    if (n === 0n) return "Nothing can be finalized yet: the buffers cannot pay the next requests.";
    await (await queue.finalize(50)).wait();
    return `Finalized ${n} request(s): they can be claimed now.`;
  });

void refresh();
// Errors the page could not explain otherwise are still sentences.
window.addEventListener("unhandledrejection", (e) => fail(errorSentence(e.reason, symbols)));
export { DepositRefusedError, LRTContractError };
