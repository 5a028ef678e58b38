#!/usr/bin/env bash
# Measures the chain on this machine, in one run, and writes the output into
# docs/PERFORMANCE.md (between its `performance.sh` markers):
#  1. throughput on the load-test chain (`--chain load`: six-second slots, 6,144 genesis
#     meters): consumption readings/s by batch size and signature scheme, production readings,
#     balance transfers/s, the node's memory (`energy-load throughput`);
#  2. for each N in BURST_METERS, a generated community of N meters (`energy-load chain-spec`:
#     N/2 members, 20 % production meters, six-second slots) on a fresh node: every meter
#     reports a first slot (its first reading since installation), then the measured burst: every
#     meter's reading of one slot, right after its end, with each reading's latency; then, in
#     communities of at most MINT_UP_TO meters, the sr25519 production meters alone and then
#     the ed25519 ones report MINT_SLOTS consecutive slots (minting at the limit); the node's
#     memory (`energy-load burst`). Each gateway sends its page of up to 1,024 meters in
#     batches of BURST_BATCH readings. The last N of BURST_METERS is the largest community
#     measured on this machine (see docs/PERFORMANCE.md for what bounds it).
# Off-chain workers are off on these nodes: with six-second slots the forecaster would forecast
# every meter every six seconds (a real chain's slots are hourly).
#   READINGS=120000 TRANSFERS=20000 BURST_METERS="10000 100000 1000000" MINT_UP_TO=100000 \
#     MINT_SLOTS=3 BURST_BATCH=256 ./scripts/performance.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
# Built as scripts/test.sh builds them (the node alone, the clients together), so that both reuse
# what the tests built.
cargo build --release --locked -p energy-node
cargo build --release --locked -p energy-gateway -p energy-meter -p energy-demo -p energy-load
bin=$CARGO_TARGET_DIR/release
work=$(mktemp -d)
# The results outlive the run's scratch directory: a run that stops early still leaves them.
results=$CARGO_TARGET_DIR/performance-results.txt
node=
stop_node() { [ -z "$node" ] || { kill "$node" 2>/dev/null || true; wait "$node" 2>/dev/null || true; node=; }; }
trap 'stop_node; rm -rf "$work"' EXIT
# Starts a node of chain $1 in the background; sets $node and $url. The pool keeps 90,000 ready
# transactions and a tenth of that in its future queue: the transfer phase keeps up to 8,192
# transactions of 20 nonce chains in flight, and when the fork-aware pool's view of a new block
# holds more future transactions than the future limit it drops the excess, which breaks those
# senders' nonce chains for good (seen with `--pool-limit 32768`: 3,276 futures, 4,555 dropped,
# then no ready transaction for 15 blocks).
start_node() {
	local port=$((20000 + RANDOM % 10000))
	"$bin/energy-node" --chain "$1" --alice --force-authoring --unsafe-force-node-key-generation \
		--base-path "$work/db" --no-prometheus --no-telemetry --offchain-worker never \
		--rpc-port "$port" --port 0 --pool-limit 90000 --pool-kbytes 262144 \
		--rpc-max-request-size 64 --rpc-max-response-size 64 2>"$work/node.log" &
	node=$!
	url="ws://127.0.0.1:$port"
	for _ in $(seq 120); do
		grep -q "Imported #1 " "$work/node.log" && return 0
		sleep 1
	done
	tail -20 "$work/node.log"
	echo "the node did not import block 1 within two minutes" >&2
	return 1
}
node_memory() {
	grep -E '^Vm(HWM|RSS)' "/proc/$node/status" 2>/dev/null | tr -s ' \t' ' ' | sed 's/^/node memory: /' ||
		echo "node memory: the node is gone"
}
# Runs one measurement ("$@"), appends its output to the results; a failed measurement is
# recorded there and the run goes on with the next one.
measure() {
	local log=$work/step.log
	if "$@" >"$log" 2>&1; then
		{ grep -v -E ': [0-9]+ readings of [0-9]+ meters; waiting|; signing$' "$log" || true; } | tee -a "$results"
	else
		{ grep -v -E '^ {3,}|^ *[0-9]+: |^Stack backtrace|^$|: [0-9]+ readings of [0-9]+ meters; waiting|; signing$' "$log" || true; } | sed 's/^Error:/FAILED:/' | tee -a "$results"
	fi
}
{
	echo "$(date -u +%F) on commit $(git rev-parse --short HEAD)"
	echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
} | tee "$results"
"$bin/energy-load" bounds | tee -a "$results"

echo "== throughput on the load-test chain" | tee -a "$results"
start_node load || echo "FAILED: the load-test node did not start" | tee -a "$results"
measure "$bin/energy-load" throughput --url "$url" \
	--readings "${READINGS:-120000}" --transfers "${TRANSFERS:-20000}" --node-pid "$node"
stop_node
rm -rf "$work/db"

for meters in ${BURST_METERS:-10000 100000 1000000}; do
	echo "== burst: a community of $meters meters" | tee -a "$results"
	measure "$bin/energy-load" chain-spec --members $((meters / 2)) --meters "$meters" \
		--production-percent 20 --out "$work/spec.json"
	if ! start_node "$work/spec.json"; then
		echo "FAILED: the node of $meters meters did not start" | tee -a "$results"
		stop_node
		continue
	fi
	batch=${BURST_BATCH:-256}
	echo "first readings since installation:" | tee -a "$results"
	measure "$bin/energy-load" burst --url "$url" --meters all --slots 1 --batch "$batch"
	echo "the measured burst (batches of $batch readings):" | tee -a "$results"
	measure "$bin/energy-load" burst --url "$url" --meters all --slots 1 --batch "$batch"
	if [ "$meters" -le "${MINT_UP_TO:-100000}" ]; then
		for scheme in sr25519 ed25519; do
			echo "minting at the limit, $scheme (batches of $batch readings):" | tee -a "$results"
			measure "$bin/energy-load" burst --url "$url" --meters "production-$scheme" \
				--slots "${MINT_SLOTS:-3}" --batch "$batch"
		done
	fi
	node_memory | tee -a "$results"
	stop_node
	rm -rf "$work/db"
done

# The output replaces what stands between the markers in docs/PERFORMANCE.md.
python3 - "$results" docs/PERFORMANCE.md <<'EOF'
import re, sys
results, doc = open(sys.argv[1]).read(), open(sys.argv[2]).read()
begin, end = "<!-- performance.sh: begin -->", "<!-- performance.sh: end -->"
block = f"{begin}\n```text\n{results.rstrip()}\n```\n{end}"
doc = re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda _: block, doc, flags=re.S)
open(sys.argv[2], "w").write(doc)
EOF
echo "docs/PERFORMANCE.md updated"
