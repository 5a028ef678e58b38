#!/usr/bin/env bash
# Installs what a fresh machine lacks to build and test the chain. Idempotent: does nothing
# where everything is present.
#   - protobuf-compiler (Debian): the networking crates generate code with protoc;
#   - the wasm target, rust-src, rustfmt and clippy of the toolchain in rust-toolchain.toml
#     (rustup does not fetch them by itself where RUSTUP_AUTO_INSTALL=0).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v protoc >/dev/null 2>&1; then
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	echo "==> installing protobuf-compiler"
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq protobuf-compiler >/dev/null
fi

toolchain=$(sed -n 's/^channel *= *"\(.*\)"/\1/p' rust-toolchain.toml)
installed_targets=$(rustup target list --installed --toolchain "$toolchain" 2>/dev/null || true)
if ! grep -qx wasm32v1-none <<<"$installed_targets"; then
	echo "==> adding the wasm32v1-none target to Rust $toolchain"
	rustup target add wasm32v1-none --toolchain "$toolchain"
fi
installed_components=$(rustup component list --installed --toolchain "$toolchain" 2>/dev/null || true)
for component in rust-src rustfmt clippy; do
	if ! grep -q "^$component" <<<"$installed_components"; then
		rustup component add "$component" --toolchain "$toolchain"
	fi
done

# The polkadot.js check's packages (@polkadot/api 16.5.x, pinned by pjs-check/package-lock.json).
if [ ! -d pjs-check/node_modules/@polkadot/api ]; then
	if ! command -v npm >/dev/null 2>&1; then
		sudo=""
		[ "$(id -u)" -eq 0 ] || sudo="sudo"
		echo "==> installing nodejs and npm"
		$sudo apt-get update -qq
		DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq nodejs npm >/dev/null
	fi
	echo "==> npm ci in pjs-check/"
	npm ci --prefix pjs-check --no-audit --no-fund --loglevel=error
fi
