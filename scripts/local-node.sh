#!/usr/bin/env bash
# The local node workflow, end to end (CI runs it): start `npx hardhat node`, deploy the local EigenLayer stand-ins
# and the lrt-vault suite to it with Ignition, seed it (`lrt:seed`: two operators and their delegators, deposits of
# ETH, stETH, rETH and WETH, a sync, restakes, a pending stETH request), run the operator tasks against it (their refusals included: exit code 1
# and one line), run the keeper, then native restaking (enable it, register keys, stake, verify credentials, advance
# the local beacon chain, checkpoint, request an exit), stop the node.
#
# The node listens on $PORT (default: a free port, so a node already on 8545 is never mistaken for ours); the tasks
# reach it through LRT_LOCALHOST_URL. The deployment gets its own Ignition id (deploy/deployments/local-node-<pid>),
# removed on exit, and the tasks read it through LRT_DEPLOYMENT: deploy/deployments/chain-31337 is left alone.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${PORT:-$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')}
export LRT_LOCALHOST_URL="http://127.0.0.1:$PORT"
export LRT_DEPLOYMENT="local-node-$$"
LOG=$(mktemp)
ERR=$(mktemp)
# Its own process group, so stopping it stops npx and the node together.
setsid npx hardhat node --port "$PORT" >"$LOG" 2>&1 &
NODE_PID=$!
trap 'kill -- "-$NODE_PID" 2>/dev/null || true; rm -rf "$LOG" "$ERR" "deploy/deployments/$LRT_DEPLOYMENT"' EXIT

echo "waiting for the node on port $PORT..."
for i in $(seq 1 240); do
  if ! kill -0 "$NODE_PID" 2>/dev/null; then
    echo "the node exited:" >&2
    cat "$LOG" >&2
    exit 1
  fi
  if curl -s -X POST -H 'content-type: application/json' --data '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' "$LRT_LOCALHOST_URL" >/dev/null; then
    break
  fi
  if [ "$i" -eq 240 ]; then
    echo "the node did not answer on port $PORT within 120 s" >&2
    exit 1
  fi
  sleep 0.5
done

echo "deploying the local EigenLayer and lrt-vault with Ignition..."
npx hardhat ignition deploy deploy/modules/LocalSuite.ts --network localhost --parameters deploy/parameters/localhost.json \
  --deployment-id "$LRT_DEPLOYMENT"

echo "seeding a believable state (lrt:seed):"
npx hardhat lrt:seed --network localhost

echo "operator tasks against the node:"
npx hardhat lrt:status --network localhost | tee "$ERR"
grep -q "no delegator positions" "$ERR" && { echo "FAIL: lrt:status shows no delegator position after lrt:seed" >&2; exit 1; }
npx hardhat lrt:sync --network localhost
npx hardhat lrt:finalize --network localhost

# refuses <expected text> <task> [args...]: exit code 1 and exactly one line on stderr, `lrt: ...<expected text>...`.
refuses() {
  local want=$1
  shift
  local rc=0
  npx hardhat "$@" --network localhost >/dev/null 2>"$ERR" || rc=$?
  if [ "$rc" -ne 1 ] || [ "$(grep -c . "$ERR")" -ne 1 ] || ! grep -q "^lrt: .*$want" "$ERR"; then
    echo "FAIL: npx hardhat $* exited $rc; expected exit 1 and one line 'lrt: ...$want...' on stderr, got:" >&2
    cat "$ERR" >&2
    exit 1
  fi
  echo "refused as expected: npx hardhat $* → $(cat "$ERR")"
}

echo "refusals:"
refuses "no delegator #5: there are 2" lrt:restake --delegator 5 --asset stETH --units 1
refuses "reverted: OperatorNotRegistered()" lrt:add-delegator --operator 0x000000000000000000000000000000000000dEaD --target 0
refuses "must be between 1 and" lrt:finalize --max 0
refuses "reverted: WithdrawalQueueUnknownRequest(5)" lrt:redenominate --request 5 --asset ETH
refuses "unknown asset DOGE" lrt:queue-withdrawals --delegator 0 --asset DOGE --shares 1

echo "keeper:"
npx hardhat lrt:keeper --once --network localhost
npx hardhat lrt:keeper --interval 1 --max-ticks 2 --restake --network localhost | tee "$ERR"
grep -q "keeper stopped after 2 tick(s)" "$ERR"

echo "native restaking (the local beacon chain journaled in the deployment's beacon.json):"
refuses "no key registry for this deployment" lrt:stake --delegator 0 --count 1
npx hardhat lrt:enable-native --deposit-eth 100 --network localhost
npx hardhat lrt:register-keys --delegator 0 --local 2 --network localhost
refuses "has only 2 queued key(s), not 3" lrt:stake --delegator 0 --count 3
npx hardhat lrt:stake --delegator 0 --count 2 --network localhost | tee "$ERR"
PUBKEY=$(grep -o -m1 '^staked 0x[0-9a-f]\{96\}' "$ERR" | cut -d' ' -f2)
npx hardhat lrt:verify-credentials --delegator 0 --network localhost | tee "$ERR"
grep -q "verified 2; 0 unverified left" "$ERR"
npx hardhat lrt:beacon --advance-epochs 10 --network localhost
npx hardhat lrt:checkpoint --delegator 0 --network localhost | tee "$ERR"
grep -q "checkpoint complete" "$ERR"
refuses "is not an active (credential-verified) validator" lrt:exit-validator --delegator 0 --pubkey "0x$(printf 'ab%.0s' $(seq 48))"
npx hardhat lrt:exit-validator --delegator 0 --pubkey "$PUBKEY" --network localhost
echo "local node workflow: ok"
