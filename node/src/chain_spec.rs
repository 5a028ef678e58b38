//! Chain specifications: `dev`, `local`, `load` and `production` are built from the runtime's
//! genesis presets; any other `--chain` value is read as a chain-spec JSON file.

use energy_runtime::WASM_BINARY;
use sc_service::ChainType;

/// Specialized `ChainSpec`. This is a specialization of the general Substrate ChainSpec type.
pub type ChainSpec = sc_service::GenericChainSpec;

/// Properties wallets read to show balances: token symbol, decimals and the SS58 prefix.
fn chain_properties() -> sc_chain_spec::Properties {
	let mut properties = sc_chain_spec::Properties::new();
	properties.insert("tokenSymbol".into(), energy_primitives::TOKEN_SYMBOL.into());
	properties.insert("tokenDecimals".into(), energy_primitives::DECIMALS.into());
	properties.insert("ss58Format".into(), energy_primitives::SS58_PREFIX.into());
	properties
}

fn wasm_binary() -> Result<&'static [u8], String> {
	WASM_BINARY.ok_or_else(|| "Development wasm not available".to_string())
}

/// The single-validator development chain (`--dev`, `--chain dev`).
pub fn development_chain_spec() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm_binary()?, None)
		.with_name("Energy Community Development")
		.with_id("energy_dev")
		.with_chain_type(ChainType::Development)
		.with_genesis_config_preset_name(sp_genesis_builder::DEV_RUNTIME_PRESET)
		.with_properties(chain_properties())
		.build())
}

/// The four-validator local testnet (`--chain local`): Alice, Bob, Charlie and Dave.
pub fn local_chain_spec() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm_binary()?, None)
		.with_name("Energy Community Local Testnet")
		.with_id("energy_local_testnet")
		.with_chain_type(ChainType::Local)
		.with_genesis_config_preset_name(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET)
		.with_properties(chain_properties())
		.build())
}

/// The load-test chain (`--chain load`): the development chain with six-second market slots
/// and 6,144 load meters, for `energy-load` (see `scripts/performance.sh`).
pub fn load_test_chain_spec() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm_binary()?, None)
		.with_name("Energy Community Load Test")
		.with_id("energy_load_test")
		.with_chain_type(ChainType::Development)
		.with_genesis_config_preset_name(
			energy_runtime::genesis_config_presets::LOAD_TEST_RUNTIME_PRESET,
		)
		.with_properties(chain_properties())
		.build())
}

/// The starting point of a real network (`--chain production`): a live chain without any key,
/// member or balance and with hourly market slots. Operators fill in the validators, the
/// manager and its endowment in the plain spec and build the raw spec from it (see
/// `scripts/production-spec.sh` and `docs/operators.md`); it does not run as it is.
pub fn production_chain_spec() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm_binary()?, None)
		.with_name("Energy Community")
		.with_id("energy_community")
		.with_chain_type(ChainType::Live)
		.with_genesis_config_preset_name(
			energy_runtime::genesis_config_presets::PRODUCTION_RUNTIME_PRESET,
		)
		.with_properties(chain_properties())
		.build())
}
