#!/usr/bin/env bash
# Scores the forecaster on every load and PV column of the development data (train
# 2016-01-08..09-30, test 10-01..12-31, next hour) and prints the table of docs/forecasting.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
cargo run --release --locked -q -p energy-forecast-score -- data/simbench_2016_hourly.csv \
	--train 2016-01-08..2016-09-30 --test 2016-10-01..2016-12-31 "$@"
