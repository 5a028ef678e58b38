//! Builds the runtime's wasm blob and embeds it in the native crate as `WASM_BINARY`.
//!
//! With the `metadata-hash` feature the builder also computes the hash of the runtime metadata
//! that the `CheckMetadataHash` transaction extension checks, so offline signers can verify
//! what they show the user.

#[cfg(all(feature = "std", feature = "metadata-hash"))]
fn main() {
	refuse_try_runtime_wasm_in_release();
	build_upgrade_rehearsal();
	substrate_wasm_builder::WasmBuilder::init_with_defaults()
		.enable_metadata_hash(energy_token_symbol(), 6)
		.build();
}

#[cfg(all(feature = "std", not(feature = "metadata-hash")))]
fn main() {
	refuse_try_runtime_wasm_in_release();
	build_upgrade_rehearsal();
	substrate_wasm_builder::WasmBuilder::build_using_defaults();
}

/// With `ENERGY_UPGRADE_REHEARSAL` set, also builds the upgrade rehearsal's runtime (the
/// `upgrade-rehearsal` feature: `src/upgrade_rehearsal.rs`), before the real one, as
/// `wbuild/energy-runtime/energy_runtime_upgrade_rehearsal.compact.compressed.wasm` in the
/// profile's directory, for the network test that upgrades a running chain to it. Nothing
/// embeds it; a newcomer's build does not pay for it.
///
/// The wasm builder passes every feature of this crate into the wasm it builds, so a native
/// build with `upgrade-rehearsal` (`--all-features`) would embed the rehearsal as the
/// validators' runtime: that is refused, unless the wasm build is skipped.
#[cfg(feature = "std")]
fn build_upgrade_rehearsal() {
	println!("cargo:rerun-if-env-changed=ENERGY_UPGRADE_REHEARSAL");
	assert!(
		std::env::var_os("CARGO_FEATURE_UPGRADE_REHEARSAL").is_none()
			|| std::env::var_os("SKIP_WASM_BUILD").is_some(),
		"the `upgrade-rehearsal` feature would make the rehearsal the embedded runtime: set \
		 ENERGY_UPGRADE_REHEARSAL=1 instead (or SKIP_WASM_BUILD=1 for native checks)"
	);
	if std::env::var_os("ENERGY_UPGRADE_REHEARSAL").is_none() {
		return;
	}
	let builder = substrate_wasm_builder::WasmBuilder::init_with_defaults()
		.enable_feature("upgrade-rehearsal")
		// Also names the blob: `energy_runtime_upgrade_rehearsal.compact.compressed.wasm`.
		.set_file_name("energy_runtime_upgrade_rehearsal");
	// Like the validators' runtime, with the metadata hash `CheckMetadataHash` checks.
	#[cfg(feature = "metadata-hash")]
	let builder = builder.enable_metadata_hash(energy_token_symbol(), 6);
	builder.build();
}

/// A runtime built with `try-runtime` carries the try-runtime API and hooks: it is never what
/// validators run. The `release` profile's wasm is what `energy-node` embeds, from the
/// `wbuild/` directory every build of this profile shares, so it is never built with
/// `try-runtime`: build the try-runtime runtime natively (`SKIP_WASM_BUILD=1`, as
/// `scripts/test.sh` and `scripts/fuzz.sh` do) or under a profile of its own.
#[cfg(feature = "std")]
fn refuse_try_runtime_wasm_in_release() {
	let try_runtime = std::env::var_os("CARGO_FEATURE_TRY_RUNTIME").is_some();
	let skip_wasm = std::env::var_os("SKIP_WASM_BUILD").is_some();
	let release = std::env::var("OUT_DIR").is_ok_and(|dir| dir.contains("/release/build/"));
	println!("cargo:rerun-if-env-changed=SKIP_WASM_BUILD");
	assert!(
		!(try_runtime && release && !skip_wasm),
		"the release profile's runtime wasm (what energy-node embeds) is never built with \
		 try-runtime: set SKIP_WASM_BUILD=1 for native try-runtime tests"
	);
}

#[cfg(not(feature = "std"))]
fn main() {}

/// The ticker wallets show next to balances; mirrors `energy_primitives::TOKEN_SYMBOL`.
#[cfg(all(feature = "std", feature = "metadata-hash"))]
fn energy_token_symbol() -> &'static str {
	"CEUR"
}
