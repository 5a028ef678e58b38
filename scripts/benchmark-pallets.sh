#!/usr/bin/env bash
# Regenerates the weights of the community pallets on this machine with the node's
# `benchmark pallet` command (frame-benchmarking v2), into pallets/<name>/src/weights.rs, and of
# the polkadot-sdk pallets the runtime benchmarks itself (their own weights are placeholders:
# `node_authorization`) into runtime/src/weights/pallet_<name>.rs, and of the runtime's session
# rotation (`session_rotation`) into runtime/src/weights/session_rotation.rs.
#   STEPS, REPEAT: the sampling (default 50 and 20, the polkadot-sdk defaults);
#   PALLETS: which pallets (default: all of them, the runtime's included);
#   EXTRINSICS: a comma-separated subset of the pallets' extrinsics: only these are measured and
#     merged into the existing weights.rs (scripts/merge-weights.py), the others stay as their
#     own run made them.
# The benchmarking node is built by scripts/build-benchmark-node.sh (its own cargo profile).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build-benchmark-node.sh
source scripts/env.sh
node="$CARGO_TARGET_DIR/benchmark/energy-node"
runtime="$CARGO_TARGET_DIR/benchmark/wbuild/energy-runtime/energy_runtime.compact.compressed.wasm"

# The pallets whose benchmarks the runtime declares (`runtime/src/benchmarks/`).
runtime_pallets=" node_authorization "

for pallet in ${PALLETS:-participants res_assets meters energy_tokens market forecasts flexibility grid node_authorization session_rotation}; do
	echo "==> pallet_$pallet ${EXTRINSICS:-}"
	weights="pallets/${pallet//_/-}/src/weights.rs"
	# The community pallets declare their `WeightInfo` (the template writes it); the runtime
	# implements an upstream pallet's (the command's default output).
	template=(--template .maintain/frame-weight-template.hbs)
	if [[ $runtime_pallets == *" $pallet "* ]]; then
		weights="runtime/src/weights/pallet_$pallet.rs"
		template=()
	fi
	# The rotation is no pallet's call: its weight file declares its own `WeightInfo`.
	[ "$pallet" != session_rotation ] || weights="runtime/src/weights/session_rotation.rs"

	output=$weights
	[ -z "${EXTRINSICS:-}" ] || output=$(mktemp --suffix .rs)
	"$node" benchmark pallet \
		--runtime "$runtime" \
		--genesis-builder runtime \
		--genesis-builder-preset development \
		--pallet "pallet_$pallet" \
		--extrinsic "${EXTRINSICS:-*}" \
		--steps "${STEPS:-50}" \
		--repeat "${REPEAT:-20}" \
		--wasm-execution compiled \
		--heap-pages 4096 \
		"${template[@]}" \
		--header .maintain/HEADER \
		--output "$output"
	if [ -n "${EXTRINSICS:-}" ]; then
		python3 scripts/merge-weights.py "$weights" "$output" \
			"PALLETS=$pallet EXTRINSICS=$EXTRINSICS STEPS=${STEPS:-50} REPEAT=${REPEAT:-20} ./scripts/benchmark-pallets.sh"
		rm "$output"
	fi
done
