#!/usr/bin/env bash
# Builds the node and runs a single-validator development chain: Alice produces a block every
# 6 s and GRANDPA finalizes it; JSON-RPC on ws://127.0.0.1:9944. Extra arguments go to the node.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
source scripts/env.sh
cargo build --release -p energy-node
exec "$CARGO_TARGET_DIR/release/energy-node" --dev --tmp "$@"
