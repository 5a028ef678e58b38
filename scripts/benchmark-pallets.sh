#!/usr/bin/env bash
# Regenerates the weights of the community pallets on this machine with the node's
# `benchmark pallet` command (frame-benchmarking v2), into pallets/<name>/src/weights.rs.
#   STEPS, REPEAT: the sampling (default 50 and 20, the polkadot-sdk defaults);
#   PALLETS: which pallets (default: all of them).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
source scripts/env.sh
cargo build --release --locked -p energy-node
node="$CARGO_TARGET_DIR/release/energy-node"
runtime="$CARGO_TARGET_DIR/release/wbuild/energy-runtime/energy_runtime.compact.compressed.wasm"

for pallet in ${PALLETS:-participants res_assets meters energy_tokens market}; do
	echo "==> pallet_$pallet"
	"$node" benchmark pallet \
		--runtime "$runtime" \
		--genesis-builder runtime \
		--genesis-builder-preset development \
		--pallet "pallet_$pallet" \
		--extrinsic '*' \
		--steps "${STEPS:-50}" \
		--repeat "${REPEAT:-20}" \
		--wasm-execution compiled \
		--heap-pages 4096 \
		--template .maintain/frame-weight-template.hbs \
		--header .maintain/HEADER \
		--output "pallets/${pallet//_/-}/src/weights.rs"
done
