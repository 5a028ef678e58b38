#!/usr/bin/env bash
# Runs every test of the project: formatting, the main workspace's unit, property and benchmark
# tests, the gateway's unit tests, then the network tests under zombienet/ (a dev node on its own,
# a signed reading minting tokens on a dev node, a market hour, forecasts and standing orders on
# a dev node, four validators with one killed and restarted, a simulated community of 20 members
# on four validators with the gateway killed and restarted, and the polkadot.js check).
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
cargo build --release --locked -p energy-node

step "main workspace tests"
cargo test --release --locked --workspace

step "gateway: unit tests and the binary the network tests run"
(cd zombienet && cargo test --locked -p energy-gateway && cargo build --locked -p energy-gateway)

step "network tests (zombienet/)"
export ENERGY_NODE_DIR="$CARGO_TARGET_DIR/release"
(cd zombienet && cargo test --locked -p energy-zombienet -- --test-threads 1 --nocapture)
