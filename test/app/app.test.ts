/// <reference lib="dom" />
/**
 * The example dApp in real headless Chromium (Debian's `chromium`, installed with apt-get when missing; driven with
 * `playwright-core`) against a local node (scripts/lib/app.ts: the suite deployed and seeded, the page served by Vite).
 * The wallet is a test EIP-1193 provider injected into the page: it forwards every call to the node, whose accounts
 * are unlocked. It clicks through deposit → request → finalize → claim and checks each number shown against the
 * contracts; screenshots of the page before and after the deposit go to reports/.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { chromium, type Browser, type Page } from "playwright-core";
import { formatEther, getAddress, parseEther } from "ethers";
import { LRTLens__factory, LRTVault__factory, WithdrawalQueue__factory } from "../../typechain-types";
import { startApp, type RunningApp } from "../../scripts/lib/app";
import { ROOT } from "../../scripts/lib/node";

const CHROMIUM = "/usr/lib/chromium/chromium";
const REPORTS = path.join(ROOT, "reports");

/** Debian's chromium, installed if missing (CI runs as root with the Debian mirrors reachable). */
function ensureChromium(): string {
  if (fs.existsSync(CHROMIUM)) return CHROMIUM;
  console.log("      installing Debian's chromium (apt-get)…");
  execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
  execFileSync("apt-get", ["install", "-y", "-qq", "chromium"], {
    stdio: "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  if (!fs.existsSync(CHROMIUM)) throw new Error(`chromium installed but ${CHROMIUM} is missing`);
  return CHROMIUM;
}

/** The page's 6-decimal rendering of a wei amount (as app/src/main.ts formats it). */
const fmt = (wei: bigint, digits = 6) => {
  const [whole, frac = ""] = formatEther(wei).split(".");
  return `${whole}.${frac.padEnd(digits, "0").slice(0, digits)}`;
};

describe("example dApp in headless Chromium (deposit → request → finalize → claim)", function () {
  this.timeout(900_000);
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  let user: string;

  before(async function () {
    const executablePath = ensureChromium();
    app = await startApp({ nodePort: 18545, appPort: 15173, progress: (l) => console.log(`      ${l}`) });
    user = getAddress((await app.node.provider.send("eth_accounts", []))[8]);
    browser = await chromium.launch({ executablePath, args: ["--no-sandbox", "--disable-dev-shm-usage"] });
    page = await browser.newPage({ viewport: { width: 1000, height: 1200 } });
    page.on("pageerror", (e) => console.log(`      page error: ${e.message}`));
    // The test wallet: every request forwarded to the node (its accounts are unlocked), `user` as the account.
    await page.addInitScript(
      ({ rpcUrl, account }) => {
        let id = 0;
        (window as unknown as { ethereum: unknown }).ethereum = {
          isTestWallet: true,
          on() {},
          removeListener() {},
          async request({ method, params }: { method: string; params?: unknown[] }) {
            if (method === "eth_requestAccounts" || method === "eth_accounts") return [account];
            const res = await fetch(rpcUrl, {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: JSON.stringify({ jsonrpc: "2.0", id: ++id, method, params: params ?? [] }),
            });
            const body = await res.json();
            if (body.error)
              throw Object.assign(new Error(body.error.message), { code: body.error.code, data: body.error.data });
            return body.result;
          },
        };
      },
      { rpcUrl: app.config.rpcUrl, account: user },
    );
    await page.goto(app.url);
  });

  after(async () => {
    await browser?.close();
    await app?.stop();
  });

  const text = async (id: string) => (await page.getByTestId(id).textContent())?.trim() ?? "";
  const message = async () => {
    await page.waitForFunction(() => {
      const m = document.querySelector('[data-testid="message"]');
      const e = document.querySelector('[data-testid="error"]');
      return (m && !m.hasAttribute("hidden") && !m.textContent!.endsWith("…")) || (e && !e.hasAttribute("hidden"));
    });
    const error = page.getByTestId("error");
    if (await error.isVisible()) throw new Error(`the page showed an error: ${await error.textContent()}`);
    return text("message");
  };

  it("shows the seeded vault: the rate and TVL the contracts report, a chart of the syncs", async function () {
    const lens = LRTLens__factory.connect(app.config.lens, app.node.provider);
    const s = await lens.summary(app.config.vault);
    await page.waitForFunction(() => document.querySelector('[data-testid="rate"]')!.textContent !== "…");
    expect(await text("rate")).to.equal(fmt(s.rate, 9));
    expect(await text("tvl")).to.equal(fmt(s.totalAssets, 4));
    expect(await page.locator('[data-testid="chart"] path').count()).to.equal(1);
  });

  it("connects, deposits 1.5 ETH: the lrETH shown is what the vault minted (screenshots before and after)", async function () {
    await page.getByTestId("connect").click();
    expect(await message()).to.equal(`Connected as ${user}.`);
    await page.waitForFunction(() => document.querySelector('[data-testid="balance"]')!.textContent !== "…");
    expect(await text("balance")).to.equal("0.000000");
    fs.mkdirSync(REPORTS, { recursive: true });
    await page.screenshot({ path: path.join(REPORTS, "app-before-deposit.png"), fullPage: true });

    await page.getByTestId("deposit-amount").fill("1.5");
    const vault = LRTVault__factory.connect(app.config.vault, app.node.provider);
    const preview = await vault.previewDeposit(await vault.ETH(), parseEther("1.5"));
    await page.waitForFunction(
      (want) => document.querySelector('[data-testid="deposit-preview"]')!.textContent === want,
      `you get ${fmt(preview)} lrETH`,
    );
    await page.getByTestId("deposit").click();
    const said = await message();
    const balance = await vault.balanceOf(user);
    expect(balance).to.equal(preview);
    expect(said).to.equal(`Deposited 1.500000 ETH: you received ${fmt(balance)} lrETH.`);
    await page.waitForFunction(
      (want) => document.querySelector('[data-testid="balance"]')!.textContent === want,
      fmt(balance),
    );
    // The page renders a refresh in one go: the balance shown means the worth and the requests are current too.
    expect(await text("worth")).to.equal(fmt(await vault.convertToAssets(balance)));
    await page.screenshot({ path: path.join(REPORTS, "app-after-deposit.png"), fullPage: true });
  });

  it("an impossible deposit is explained in a sentence before anything is sent", async function () {
    await page.getByTestId("deposit-amount").fill("0");
    await page.waitForFunction(
      () => document.querySelector('[data-testid="deposit-preview"]')!.textContent === "Enter an amount above zero.",
    );
    await page.getByTestId("deposit").click();
    await page.waitForFunction(() => !document.querySelector('[data-testid="error"]')!.hasAttribute("hidden"));
    expect(await text("error")).to.equal("Enter an amount above zero.");
    await page.getByTestId("deposit-amount").fill("1");
  });

  it("requests 0.5 lrETH in ETH, finalizes and claims: the expected payout shown is the one paid", async function () {
    const queue = WithdrawalQueue__factory.connect(
      (await LRTLens__factory.connect(app.config.lens, app.node.provider).addressBook(app.config.vault))
        .withdrawalQueue,
      app.node.provider,
    );
    await page.getByTestId("request-shares").fill("0.5");
    await page.getByTestId("request").click();
    const said = await message();
    const m = /^Request #(\d+) made: at most ([\d.]+) ETH, paid once finalized\.$/.exec(said);
    expect(m, said).to.not.equal(null);
    const lens = LRTLens__factory.connect(app.config.lens, app.node.provider);
    const ethLane = BigInt(await LRTVault__factory.connect(app.config.vault, app.node.provider).ETH()) << 64n;
    const id = ethLane | BigInt(m![1]);
    const view = await lens.requestView(app.config.vault, id);
    expect(view.owner).to.equal(user);
    expect(m![2]).to.equal(fmt(view.request.payoutUnits));
    const row = page.locator(`tr[data-request-id="${id}"]`);
    await row.waitFor();
    expect(await row.locator("td").nth(3).textContent()).to.equal("pending");
    expect(await row.locator("td").nth(4).textContent()).to.equal(`${fmt(view.expectedTokens)} ETH`);

    await page.getByTestId("finalize").click();
    expect(await message()).to.match(/^Finalized \d+ request\(s\): they can be claimed now\.$/);
    const paid = await queue.getRequest(id);
    expect(paid.status).to.equal(2n);
    await row.locator('[data-testid="claim"]').waitFor();
    expect(await row.locator("td").nth(4).textContent()).to.equal(`${fmt(paid.payoutUnits)} ETH`);
    const before = await app.node.provider.getBalance(user);
    await row.locator('[data-testid="claim"]').click();
    expect(await message()).to.equal(`Claimed ${fmt(paid.payoutUnits)} ETH.`);
    expect((await queue.getRequest(id)).status).to.equal(3n);
    expect(await app.node.provider.getBalance(user)).to.be.greaterThan(before);
    await page.waitForFunction(
      (rid) => document.querySelector(`tr[data-request-id="${rid}"] td:nth-child(4)`)?.textContent === "claimed",
      id.toString(),
    );
  });
});
