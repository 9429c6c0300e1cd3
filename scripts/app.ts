/**
 * `npm run app`: the example dApp on a local stack (scripts/lib/app.ts): a node on 8545, the suite deployed and seeded,
 * the page on http://127.0.0.1:5173/. Point a wallet at http://127.0.0.1:8545 (chain 31337) and import one of Hardhat's
 * test accounts (#8 and #9 are untouched by the seed). Ctrl-C stops everything.
 */
import { startApp } from "./lib/app";

async function main() {
  const started = Date.now();
  const app = await startApp({
    nodePort: Number(process.env.LRT_APP_NODE_PORT ?? 8545),
    appPort: Number(process.env.LRT_APP_PORT ?? 5173),
    progress: (line) => console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${line}`),
  });
  console.log(`\nlrt-vault example dApp: ${app.url}`);
  console.log(
    `node ${app.config.rpcUrl} (chain ${app.config.chainId}); vault ${app.config.vault}; lens ${app.config.lens}`,
  );
  console.log("Ctrl-C to stop.");
  const stop = async () => {
    await app.stop();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop());
  process.once("SIGTERM", () => void stop());
  await new Promise(() => {});
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
