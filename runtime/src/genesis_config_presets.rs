//! Genesis presets: `development` (one validator, Alice) and `local_testnet` (four validators:
//! Alice, Bob, Charlie, Dave). `energy-node --chain dev|local` and `build-spec` use them.

use alloc::{vec, vec::Vec};
use frame_support::build_struct_json_patch;
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_genesis_builder::{self, PresetId};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

use crate::{AccountId, BalancesConfig, RuntimeGenesisConfig, SudoConfig, UNIT};

/// Balance given to each endowed dev account: one million CEUR.
pub const ENDOWMENT: crate::Balance = 1_000_000 * UNIT;

/// A validator's consensus keys: Aura (sr25519) for blocks, GRANDPA (ed25519) for finality.
pub type AuthorityKeys = (AuraId, GrandpaId);

/// The consensus keys of a well-known dev validator (`//Alice`, `//Bob`, ...).
fn dev_authority(sr: Sr25519Keyring, ed: Ed25519Keyring) -> AuthorityKeys {
	(sr.public().into(), ed.public().into())
}

/// Builds the genesis JSON patch of a chain with the given validators, endowed accounts and
/// sudo key.
fn testnet_genesis(
	initial_authorities: Vec<AuthorityKeys>,
	endowed_accounts: Vec<AccountId>,
	root: AccountId,
) -> Value {
	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig {
			balances: endowed_accounts
				.iter()
				.cloned()
				.map(|account| (account, ENDOWMENT))
				.collect::<Vec<_>>(),
		},
		aura: pallet_aura::GenesisConfig {
			authorities: initial_authorities
				.iter()
				.map(|(aura, _)| aura.clone())
				.collect::<Vec<_>>(),
		},
		grandpa: pallet_grandpa::GenesisConfig {
			authorities: initial_authorities
				.iter()
				.map(|(_, grandpa)| (grandpa.clone(), 1))
				.collect::<Vec<_>>(),
		},
		sudo: SudoConfig { key: Some(root) },
	})
}

/// The `development` preset: Alice alone validates; the well-known dev accounts are endowed.
pub fn development_config_genesis() -> Value {
	testnet_genesis(
		vec![dev_authority(Sr25519Keyring::Alice, Ed25519Keyring::Alice)],
		Sr25519Keyring::well_known().map(|k| k.to_account_id()).collect(),
		Sr25519Keyring::Alice.to_account_id(),
	)
}

/// The `local_testnet` preset: Alice, Bob, Charlie and Dave validate. With four GRANDPA voters,
/// finality needs three of them (more than two thirds), so one may be down.
pub fn local_config_genesis() -> Value {
	testnet_genesis(
		vec![
			dev_authority(Sr25519Keyring::Alice, Ed25519Keyring::Alice),
			dev_authority(Sr25519Keyring::Bob, Ed25519Keyring::Bob),
			dev_authority(Sr25519Keyring::Charlie, Ed25519Keyring::Charlie),
			dev_authority(Sr25519Keyring::Dave, Ed25519Keyring::Dave),
		],
		Sr25519Keyring::well_known().map(|k| k.to_account_id()).collect(),
		Sr25519Keyring::Alice.to_account_id(),
	)
}

/// Provides the JSON representation of the preset with the given id.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		sp_genesis_builder::DEV_RUNTIME_PRESET => development_config_genesis(),
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => local_config_genesis(),
		_ => return None,
	};
	Some(
		serde_json::to_string(&patch)
			.expect("serialization to json is expected to work. qed.")
			.into_bytes(),
	)
}

/// The names of the presets this runtime provides.
pub fn preset_names() -> Vec<PresetId> {
	vec![
		PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
		PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET),
	]
}
