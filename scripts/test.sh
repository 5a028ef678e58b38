#!/usr/bin/env bash
# Runs every test of the project: formatting, the main workspace's unit, property and benchmark
# tests (the pallets, the runtime, the gateway, the clearing and forecasting crates, two weeks of
# a community on the runtime in the simulator with its conservation checks), the runtime fuzzer
# (20,000 calls, its seeded regression) and the try-runtime upgrade checks, then the
# network tests under zombienet/ (a dev node on its own,
# a signed reading minting tokens on a dev node, a market hour, forecasts and standing orders on
# a dev node, integrity attacks on a dev node, a production spec with fresh keys finalizing and
# run by its council, a running dev chain upgraded through its council, four
# validators with one killed and restarted, then a fifth added and one removed by the council, a simulated community of 20 members on four
# validators with the gateway killed and restarted, meters signing for themselves over MQTT with
# the broker and the gateway killed and restarted, a DSO flexibility request posted, accepted,
# delivered and settled on a dev node, the polkadot.js check, and the dashboard in headless
# Chromium).
# `.ci/run` calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
source scripts/env.sh
# Every build of this script also builds the upgrade rehearsal's runtime (`runtime/build.rs`),
# which the network test `dev_upgrade` upgrades a running chain to; set for all of its steps, so
# that no step rebuilds the runtime for want of it.
export ENERGY_UPGRADE_REHEARSAL=1

step() { printf '\n==> %s (%s)\n' "$1" "$(date +%T)"; }

step "formatting"
cargo fmt --all --check
(cd zombienet && cargo fmt --check)

step "build the node, the clients and every test of the main workspace"
# One cargo invocation: cargo resolves the features of the substrate stack once for all of them,
# where separate builds of the node, the clients and the tests each compiled it again with their
# own feature sets (cold: 16 min 47 s + 9 min 35 s + 10 min 39 s on 2026-12-06; README, "Build
# times"). The runtime gets the same features either way, so its wasm is the validators'.
# `--timings` leaves the build's profile in $CARGO_TARGET_DIR/cargo-timings/.
cargo build --release --locked --workspace --exclude energy-fuzz --bins --tests --examples --timings

step "main workspace tests"
# The fuzzer runs in its own step below, with try-runtime and its regression switches.
cargo test --release --locked --workspace --exclude energy-fuzz

step "benchmark tests: every pallet's benchmarks run once on its mock, and the runtime's benchmarking configuration compiles and passes the runtime's tests"
# The validator and the workspace tests are built without `runtime-benchmarks`; this step builds
# the pallets and the native runtime with it (no wasm: the benchmarking node that measures the
# weights in wasm is `scripts/benchmark-pallets.sh`'s to build).
SKIP_WASM_BUILD=1 cargo test --release --locked --features runtime-benchmarks \
	-p pallet-participants -p pallet-res-assets -p pallet-meters -p pallet-energy-tokens \
	-p pallet-market -p pallet-forecasts -p pallet-flexibility -p pallet-grid -p energy-runtime -- benchmarking:: node_authorization:: session_rotation:: genesis_config_presets::

step "runtime fuzzer: 20,000 calls with every pallet's try_state after every block, the seeded regression, the try-runtime upgrade checks"
# Built natively with `try-runtime` and the fuzzer's `regression` switch (SKIP_WASM_BUILD=1: the
# validators' wasm is never built with either); the per-call table is printed.
SKIP_WASM_BUILD=1 cargo test --release --locked -p energy-fuzz --features try-runtime,regression -- --nocapture

step "dashboard: type-check and build"
npm run build --prefix dashboard

step "network tests (zombienet/): four groups side by side"
# The network tests mostly wait for one-minute market slots, so four groups run at the same time
# (each group's tests one after the other; every line says which group it comes from), balanced
# by the durations of the cold CI run of 2026-12-02: the 20-member community on four validators
# (712 s) and a council's runtime upgrade of a dev chain (about 4 min); finality on four
# validators with the validator-set changes, the integrity attacks and a market hour (575 s,
# measured warm on 2026-12-06, + 339 + 255 s); the meters over MQTT on a dev node (about 9 min), a DSO flexibility
# request (about 6 min) and a production spec run by its council (234 s); the other dev-node
# tests (621 s, and a sealed auction from commit to settlement, 316 s, measured warm on
# 2026-12-06).
# A test file not named below runs in the last group.
export ENERGY_NODE_DIR="$CARGO_TARGET_DIR/release"
# A failing network test's error, not a page of backtrace, is what the end of the log must show
# (CI keeps only the log's tail): no backtraces for errors or panics here.
export RUST_BACKTRACE=0 RUST_LIB_BACKTRACE=0
cd zombienet
cargo test --locked -p energy-zombienet --tests --no-run
group() {
	local name=$1
	shift
	cargo test --locked -p energy-zombienet "$@" -- --test-threads 1 --nocapture 2>&1 | sed -u "s/^/[$name] /"
	return "${PIPESTATUS[0]}"
}
community=(community dev_upgrade)
second=(finality dev_integrity dev_market)
mqtt=(meters_mqtt dev_flexibility production_spec)
mapfile -t dev < <(cd tests && ls ./*.rs | sed 's|^\./||; s|\.rs$||' |
	grep -vx "${community[@]/#/-e}" "${second[@]/#/-e}" "${mqtt[@]/#/-e}")
pids=()
group community "${community[@]/#/--test=}" &
pids+=($!)
group second "${second[@]/#/--test=}" &
pids+=($!)
group mqtt "${mqtt[@]/#/--test=}" &
pids+=($!)
group dev --lib "${dev[@]/#/--test=}" &
pids+=($!)
failed=0
for pid in "${pids[@]}"; do
	wait "$pid" || failed=1
done
exit "$failed"
