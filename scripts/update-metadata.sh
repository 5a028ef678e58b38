#!/usr/bin/env bash
# Regenerates gateway/metadata/energy.scale, the runtime metadata (V15) the gateway's subxt
# types are generated from, from a temporary dev node (built first if needed). Run it after a
# runtime change: `cargo test -p energy-gateway --test metadata` fails while the file is not the
# runtime's own metadata, and subxt refuses calls whose shape differs from the node's.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
cargo build --release --locked -p energy-node
node="$CARGO_TARGET_DIR/release/energy-node"
port=$((20000 + RANDOM % 10000))
"$node" --dev --tmp --no-prometheus --no-telemetry --rpc-port "$port" --port 0 2>/dev/null &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 60); do
	curl -sf -H 'Content-Type: application/json' \
		-d '{"id":1,"jsonrpc":"2.0","method":"system_health","params":[]}' \
		"http://127.0.0.1:$port" >/dev/null && break
	sleep 1
done
# `Metadata_metadata_at_version(15)` returns `Option<OpaqueMetadata>`: strip the option byte
# and the compact length, keep the metadata (magic "meta" + version 15 + types ...).
curl -sf -H 'Content-Type: application/json' \
	-d '{"id":1,"jsonrpc":"2.0","method":"state_call","params":["Metadata_metadata_at_version","0x0f000000"]}' \
	"http://127.0.0.1:$port" |
	python3 -c '
import json, sys
raw = bytes.fromhex(json.load(sys.stdin)["result"][2:])
assert raw[0] == 1, "the runtime has no V15 metadata"
mode = raw[1] & 3
start = 2 + {0: 1, 1: 2, 2: 4}.get(mode, 0) - 1
if mode == 3:
    start = 2 + (raw[1] >> 2) + 4
meta = raw[start:]
assert meta[:4] == b"meta", "not metadata"
sys.stdout.buffer.write(meta)
' >gateway/metadata/energy.scale
echo "gateway/metadata/energy.scale: $(wc -c <gateway/metadata/energy.scale) bytes"
