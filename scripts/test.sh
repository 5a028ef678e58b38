#!/usr/bin/env bash
# Runs every test of the project: formatting, the main workspace's unit, property and benchmark
# tests, the gateway's unit tests, then the network tests under zombienet/ (a dev node on its own,
# a signed reading minting tokens on a dev node, a market hour, forecasts and standing orders on
# a dev node, integrity attacks on a dev node, a production spec with fresh keys finalizing, four
# validators with one killed and restarted, a simulated community of 20 members on four
# validators with the gateway killed and restarted, the polkadot.js check, and the dashboard in
# headless Chromium).
# `.ci/run` calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
source scripts/env.sh

step() { printf '\n==> %s (%s)\n' "$1" "$(date +%T)"; }

step "formatting"
cargo fmt --all --check
(cd zombienet && cargo fmt --check)

step "build the node"
# `--timings` leaves the build's profile in $CARGO_TARGET_DIR/cargo-timings/ (README, "Build times on this machine").
cargo build --release --locked -p energy-node --timings

step "main workspace tests"
cargo test --release --locked --workspace

step "benchmark tests: every pallet's benchmarks run once on its mock, and the runtime's benchmarking configuration compiles and passes the runtime's tests"
# The validator and the workspace tests are built without `runtime-benchmarks`; this step builds
# the pallets and the native runtime with it (no wasm: the benchmarking node that measures the
# weights in wasm is `scripts/benchmark-pallets.sh`'s to build).
SKIP_WASM_BUILD=1 cargo test --release --locked --features runtime-benchmarks \
	-p pallet-participants -p pallet-res-assets -p pallet-meters -p pallet-energy-tokens \
	-p pallet-market -p pallet-forecasts -p energy-runtime -- benchmarking:: genesis_config_presets::

step "gateway: unit tests and the binary the network tests run"
(cd zombienet && cargo test --locked -p energy-gateway && cargo build --locked -p energy-gateway)

step "dashboard: type-check and build"
npm run build --prefix dashboard

step "network tests (zombienet/): the multi-validator and the dev-node tests side by side"
# The network tests mostly wait for one-minute market slots, so the two groups run at the same
# time (each group's tests one after the other); every line says which group it comes from.
export ENERGY_NODE_DIR="$CARGO_TARGET_DIR/release"
cd zombienet
cargo test --locked -p energy-zombienet --tests --no-run
group() {
	local name=$1
	shift
	cargo test --locked -p energy-zombienet "$@" -- --test-threads 1 --nocapture 2>&1 | sed -u "s/^/[$name] /"
	return "${PIPESTATUS[0]}"
}
# The four-validator tests in one group, every other test file (the dev-node tests) in the other.
group validators --test community --test finality &
validators=$!
mapfile -t dev_tests < <(cd tests && ls ./*.rs | sed 's|^\./||; s|\.rs$||' | grep -vx -e community -e finality)
group dev "${dev_tests[@]/#/--test=}" &
dev=$!
failed=0
wait "$validators" || failed=1
wait "$dev" || failed=1
exit "$failed"
