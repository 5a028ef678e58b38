#!/usr/bin/env bash
# Measures, in one run on one node of the load-test chain (`--chain load`: six-second market
# slots, 6,144 genesis meters): finalized readings per second by batch size and
# signature scheme, balance transfers per second, and the node's memory (docs/PERFORMANCE.md).
#   READINGS=120000 TRANSFERS=20000 ./scripts/performance.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
cargo build --release --locked -p energy-node -p energy-load
port=$((20000 + RANDOM % 10000))
"$CARGO_TARGET_DIR/release/energy-node" --chain load --alice --force-authoring --unsafe-force-node-key-generation --tmp --no-prometheus --no-telemetry \
	--rpc-port "$port" --port 0 --pool-limit 32768 --pool-kbytes 131072 2>/tmp/energy-performance-node.log &
node=$!
trap 'kill $node 2>/dev/null || true' EXIT
sleep 15
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
"$CARGO_TARGET_DIR/release/energy-load" --url "ws://127.0.0.1:$port" \
	--readings "${READINGS:-120000}" --transfers "${TRANSFERS:-20000}" --node-pid "$node"
