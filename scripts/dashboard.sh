#!/usr/bin/env bash
# Builds the dashboard and serves it on http://127.0.0.1:4173 (it connects to the node at
# ws://127.0.0.1:9944 unless the page is opened with ?rpc=ws://host:port). Run a chain first,
# e.g. ./scripts/dev.sh. Extra arguments go to `vite preview` (e.g. --port 8080 --host 0.0.0.0).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v npm >/dev/null 2>&1 || ./scripts/setup.sh
if [ ! dashboard/node_modules/.package-lock.json -nt dashboard/package-lock.json ]; then
	npm ci --prefix dashboard --no-audit --no-fund --loglevel=error
fi
npm run build --prefix dashboard
cd dashboard && exec npx vite preview --strictPort "$@"
