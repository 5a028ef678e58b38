#!/usr/bin/env bash
# Builds the benchmarking node, `$CARGO_TARGET_DIR/benchmark/energy-node`: the validator is
# built without the benchmarking machinery, so this builds it with `--features
# runtime-benchmarks` (the `benchmark` subcommand and a runtime with the benchmarking API) under
# its own cargo profile, `benchmark` (= release), so that it never replaces the validator's
# binary or runtime in `$CARGO_TARGET_DIR/release/`. Its first build on a machine is a full build
# of its own. Used by benchmark-pallets.sh and storage-weights.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
source scripts/env.sh
# frame-benchmarking-cli's storage benchmark brings a test runtime whose wasm build cannot find
# its package in this workspace's metadata (the CLI is an optional dependency, so `cargo
# metadata` without the feature does not list it): this node's benchmarks do not use that wasm.
export SKIP_FRAME_STORAGE_ACCESS_TEST_RUNTIME_WASM_BUILD=1
cargo build --profile benchmark --locked -p energy-node --features runtime-benchmarks
