#!/usr/bin/env bash
# A fuzzing campaign against the whole runtime (not part of the test command, which runs 20,000
# calls): `scripts/fuzz.sh` runs 1,000,000 calls on all cores and prints calls, blocks, calls/s,
# breaks and panics, then the per-call and per-reading tables. Arguments go to `energy-fuzz`
# (`--calls N`, `--seed S`, `--threads T`, `--episode-seed S` to replay a finding).
# Built with `SKIP_WASM_BUILD=1`: the runtime's wasm must never be built with `try-runtime`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
export SKIP_WASM_BUILD=1
cargo build --release --locked -p energy-fuzz --features try-runtime
"$CARGO_TARGET_DIR/release/energy-fuzz" "$@"
