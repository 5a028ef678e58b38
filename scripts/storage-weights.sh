#!/usr/bin/env bash
# Measures the database's read and write weights on this machine with `energy-node benchmark
# storage` (ParityDB, state version 1) on a state of realistic size, and writes them to
# runtime/src/weights/paritydb_weights.rs (what the runtime's `DbWeight` is to charge).
#
# The state: a community of MEMBERS members (default 10,000) with METERS meters (20,000; 20 %
# production meters, each on a 5 kW PV RES) on gateways of 1,024, on top of the load-test
# preset (6,150 meters), and a week of hourly certificates of every RES (168 hourly slots, 12
# producing hours a day: 422,268 certificates and as many holdings; 900,870 keys), built by
# `energy-load chain-spec` with the runtime's genesis builder and the token pallet's minting.
# Writes are committed in batches of BATCH_SIZE keys (default 10,000, about what a full block of
# readings writes; the CLI's default of 100,000 amortises the storage root over ten blocks'
# worth of keys and under-states a write).
#   MEMBERS=10000 METERS=20000 CERTIFICATE_SLOTS=168 BATCH_SIZE=10000 ./scripts/storage-weights.sh
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build-benchmark-node.sh
source scripts/env.sh
cargo build --release --locked -p energy-gateway -p energy-meter -p energy-demo -p energy-load
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$CARGO_TARGET_DIR/release/energy-load" chain-spec --members "${MEMBERS:-10000}" \
	--meters "${METERS:-20000}" --production-percent 20 --slot-ms 3600000 --settlement-delay-ms 900000 \
	--certificate-slots "${CERTIFICATE_SLOTS:-168}" --out "$work/community.json"
mkdir -p runtime/src/weights
"$CARGO_TARGET_DIR/benchmark/energy-node" benchmark storage \
	--chain "$work/community.json" \
	--base-path "$work/db" \
	--database paritydb \
	--state-version 1 \
	--warmups 1 \
	--batch-size "${BATCH_SIZE:-10000}" \
	--header scripts/storage-weights-header.txt \
	--template-path scripts/storage-weights.hbs \
	--weight-path runtime/src/weights/
rustfmt --edition 2021 runtime/src/weights/paritydb_weights.rs
