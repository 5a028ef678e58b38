#!/usr/bin/env bash
# Installs what a fresh machine lacks to build and test the chain. Idempotent: does nothing
# where everything is present.
#   - protobuf-compiler (Debian): the networking crates generate code with protoc;
#   - pkg-config, libssl-dev and libzstd-dev (Debian): the node links the system's OpenSSL and
#     zstd rather than compiling them (.cargo/config.toml);
#   - the wasm target, rust-src, rustfmt and clippy of the toolchain in rust-toolchain.toml
#     (rustup does not fetch them by itself where RUSTUP_AUTO_INSTALL=0);
#   - Node.js and npm (Debian) and the npm packages of pjs-check/ and dashboard/ (from their
#     package-lock.json files);
#   - chromium (Debian) for the dashboard's browser test;
#   - mosquitto and mosquitto-clients (Debian): the MQTT broker the meters-over-MQTT network
#     test starts with its own configuration, and `mosquitto_pub`, which injects bad messages.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_install() {
	local sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	echo "==> installing $*"
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

command -v protoc >/dev/null 2>&1 || apt_install protobuf-compiler
pkg-config --exists openssl libzstd 2>/dev/null || apt_install pkg-config libssl-dev libzstd-dev

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

command -v npm >/dev/null 2>&1 || apt_install nodejs npm
command -v chromium >/dev/null 2>&1 || apt_install chromium
{ command -v mosquitto || [ -x /usr/sbin/mosquitto ]; } >/dev/null 2>&1 && command -v mosquitto_pub >/dev/null 2>&1 ||
	apt_install mosquitto mosquitto-clients

# The polkadot.js check's and the dashboard's packages (@polkadot/api 16.5.x, vite, playwright-core).
for dir in pjs-check dashboard; do
	if [ ! "$dir/node_modules/.package-lock.json" -nt "$dir/package-lock.json" ]; then
		echo "==> npm ci in $dir/"
		npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
	fi
done
