//! Builds the runtime's wasm blob and embeds it in the native crate as `WASM_BINARY`.
//!
//! With the `metadata-hash` feature the builder also computes the hash of the runtime metadata
//! that the `CheckMetadataHash` transaction extension checks, so offline signers can verify
//! what they show the user.

#[cfg(all(feature = "std", feature = "metadata-hash"))]
fn main() {
	substrate_wasm_builder::WasmBuilder::init_with_defaults()
		.enable_metadata_hash(energy_token_symbol(), 6)
		.build();
}

#[cfg(all(feature = "std", not(feature = "metadata-hash")))]
fn main() {
	substrate_wasm_builder::WasmBuilder::build_using_defaults();
}

#[cfg(not(feature = "std"))]
fn main() {}

/// The ticker wallets show next to balances; mirrors `energy_primitives::TOKEN_SYMBOL`.
#[cfg(all(feature = "std", feature = "metadata-hash"))]
fn energy_token_symbol() -> &'static str {
	"CEUR"
}
