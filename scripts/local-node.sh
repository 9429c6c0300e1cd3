#!/usr/bin/env bash
# The local node workflow, end to end (CI runs it): start `npx hardhat node`, deploy the local EigenLayer stand-ins
# and the lrt-vault suite to it with Ignition, run the operator tasks against it, stop the node.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=8545
LOG=$(mktemp)
# Its own process group, so stopping it stops npx and the node together.
setsid npx hardhat node --port "$PORT" >"$LOG" 2>&1 &
NODE_PID=$!
trap 'kill -- "-$NODE_PID" 2>/dev/null || true; rm -f "$LOG"' EXIT

echo "waiting for the node on port $PORT..."
for _ in $(seq 1 120); do
  if curl -s -X POST -H 'content-type: application/json' --data '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' "http://127.0.0.1:$PORT" >/dev/null; then
    break
  fi
  sleep 1
done

# A fresh chain: forget any earlier local deployment journal.
rm -rf deploy/deployments/chain-31337

echo "deploying the local EigenLayer and lrt-vault with Ignition..."
npx hardhat ignition deploy deploy/modules/LocalSuite.ts --network localhost --parameters deploy/parameters/localhost.json

echo "operator tasks against the node:"
npx hardhat lrt:status --network localhost
npx hardhat lrt:sync --network localhost
npx hardhat lrt:finalize --network localhost
echo "local node workflow: ok"
