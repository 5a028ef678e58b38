//! Genesis presets: `development` (one validator, Alice) and `local_testnet` (four validators:
//! Alice, Bob, Charlie, Dave), both with the demo community on the public dev phrase;
//! `load_test`, the development chain with six-second slots and thousands of meters for the load
//! tool; and `production`: no key at all, an empty community, hourly slots, for the operators
//! to fill in. `energy-node --chain dev|local|load|production` and `build-spec` use them.

mod load_test;

pub use load_test::*;

use alloc::{vec, vec::Vec};
use frame_support::build_struct_json_patch;
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_genesis_builder::{self, PresetId};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

use pallet_forecasts::crypto::ForecasterId;
use pallet_market::{Side, StandingOrder, StandingQuantity};

use energy_primitives::{ElementId, MeterId, MeterPublicKey, ResId, Roles};
use pallet_grid::ElementInfo;
use pallet_meters::MeterKind;
use pallet_res_assets::Technology;
use sp_core::{crypto::AccountId32, ed25519, sr25519, OpaquePeerId, H256};

use crate::{AccountId, BalancesConfig, RuntimeGenesisConfig, SessionKeys, SudoConfig, UNIT};

/// Balance given to each endowed dev account: one million CEUR.
pub const ENDOWMENT: crate::Balance = 1_000_000 * UNIT;

/// A validator: its account (a member of the validator membership, the owner of its session
/// keys) and its session keys: Aura (sr25519) for blocks, GRANDPA (ed25519) for finality, and
/// the forecaster key (sr25519) its off-chain worker signs forecasts with.
pub type AuthorityKeys = (AccountId, AuraId, GrandpaId, ForecasterId);

/// A well-known dev validator: the account `//Alice//stash` (`//Bob//stash`, ...), as zombienet
/// names a validator's session account, with the keys `--alice` etc. put in the node's
/// keystore (`//Alice`, ...).
fn dev_authority(stash: Sr25519Keyring, sr: Sr25519Keyring, ed: Ed25519Keyring) -> AuthorityKeys {
	(stash.to_account_id(), sr.public().into(), ed.public().into(), sr.public().into())
}

/// Market slot length of the development networks: one minute, so a market day can be watched.
pub const DEV_SLOT_LENGTH_MS: u64 = 60_000;

/// The demo community's DSO: `//Dso` of the dev phrase.
pub const DSO_PUBLIC: [u8; 32] =
	hex_literal::hex!("7256e60b269f449855204ec8819422f813ce104bc48c3d974d3cb27c467e7a04");
/// Auctions of the development networks: open 3 one-minute slots ahead, close 30 s before the
/// slot (room for a sealed auction's reveal window of three 6-second blocks and a block to
/// clear in: `market.setAuctionMode(Sealed { reveal_ms: 18000 })`), settle 30 s after it (the
/// readings' grace window: a gateway that meters a slot by its finalized end, a block or two
/// late, still gets its readings in).
pub const DEV_AUCTION_SCHEDULE: pallet_market::AuctionSchedule = pallet_market::AuctionSchedule {
	open_slots_ahead: 3,
	gate_closure_ms: 30_000,
	settlement_delay_ms: 30_000,
};

/// The demo community's utility: `//Utility` of the dev phrase.
pub const UTILITY_PUBLIC: [u8; 32] =
	hex_literal::hex!("2e580cfe01e2f67b3586889bbefc7499d402c863aabdda129140775d1ba7792f");
/// The demo community's meter gateway: `//Gateway` of the dev phrase.
pub const GATEWAY_PUBLIC: [u8; 32] =
	hex_literal::hex!("d6ec6ac6be4e1b9953c92be6aa17929c4b3c70ec86b491980d9aeb3a819d3259");

/// The demo meters' public keys, meter id = index: `//meter//<id>` of the dev phrase, sr25519
/// except meter 2 (ed25519), so that both schemes are in use.
pub const DEMO_METER_KEYS: [(bool, [u8; 32]); 6] = [
	(false, hex_literal::hex!("463ba049c7d0ba0f402da255ae6ae563a7d9a93f59b010acea614df94fd04e4e")),
	(false, hex_literal::hex!("76e66661748aee37a5b975e10d241000801d595ee9da578504b9d89b66693075")),
	(true, hex_literal::hex!("61f2c7ca78ec2f356a63d23315cd869ecd5dcf8f62482b29b2b9d134b77bedff")),
	(false, hex_literal::hex!("9232bc8347f032fbb8fbf579ff8124f7a5a9d95b07106f7ef15c0fad0519d246")),
	(false, hex_literal::hex!("4a23c5dde61f0f8ca1a0cf81e141d3172bd0685c35a4e1486bb1ea4c60eeaf0d")),
	(false, hex_literal::hex!("2efd44be973ee5f1c0dce7e0e459c43d1039c8f8df296833b821b19add7d8759")),
];

fn demo_meter_key(id: usize) -> MeterPublicKey {
	let (ed, public) = DEMO_METER_KEYS[id];
	if ed {
		MeterPublicKey::Ed25519(ed25519::Public::from_raw(public))
	} else {
		MeterPublicKey::Sr25519(sr25519::Public::from_raw(public))
	}
}

/// The demo community: Bob, Charlie and Dave are prosumers with rooftop PV (RES 0, 1, 2 of
/// 5, 4 and 6 kWp, approved) and production meters 0, 1, 2; Eve, Ferdie and One are consumers
/// with consumption meters 3, 4, 5; `//Dso` is the DSO, `//Utility` the utility and `//Gateway`
/// submits every meter's readings. Alice (sudo) is the community manager. The DSO keeps the
/// demo grid ([`demo_grid`]).
struct DemoCommunity {
	participants: Vec<(AccountId, Vec<u8>, Roles, H256)>,
	assets: Vec<(AccountId, Technology, u64, Vec<u8>)>,
	gateways: Vec<AccountId>,
	meters: Vec<(AccountId, MeterKind, MeterPublicKey, AccountId)>,
	accounts: Vec<AccountId>,
	utility: AccountId,
	standing_orders: Vec<StandingOrder<AccountId>>,
	/// The grid and the DSO that keeps it.
	grid: Vec<(ElementId, ElementInfo)>,
	keeper: Option<AccountId>,
	/// Where the meters and the RES are on the grid.
	meter_points: Vec<(MeterId, ElementId)>,
	res_points: Vec<(ResId, ElementId)>,
}

/// The demo grid's elements: the substation, two transformers (`T1`, `T2`) and the members'
/// connection points, `LV-01/T1/001` … as the RES records name them.
pub mod demo_grid {
	use energy_primitives::ElementId;
	/// The substation (the root: the community's connection upstream).
	pub const SUBSTATION: ElementId = 1;
	/// Transformer T1: Bob's, Charlie's and Eve's points.
	pub const T1: ElementId = 10;
	/// Transformer T2: Dave's, Ferdie's and One's points.
	pub const T2: ElementId = 20;
	/// The connection points of Bob, Charlie, Dave (RES 0, 1, 2) and Eve, Ferdie, One
	/// (consumption meters 3, 4, 5).
	pub const POINTS: [(ElementId, ElementId); 6] =
		[(101, T1), (102, T1), (203, T2), (104, T1), (205, T2), (206, T2)];
}

/// The demo grid: a 100 kW substation, two 12 kW transformers, 10 kW connection points; a kWh
/// pays 2,000 for crossing a transformer and 500 for a connection point (a kWh trades at
/// 40,000–95,000), so trading within a transformer's area is cheaper than across.
fn demo_grid() -> Vec<(ElementId, ElementInfo)> {
	use demo_grid::*;
	let element = |parent, watts, charge_per_kwh| ElementInfo {
		parent,
		up_w: watts,
		down_w: watts,
		charge_per_kwh,
	};
	let mut grid = vec![
		(SUBSTATION, element(None, 100_000, 0)),
		(T1, element(Some(SUBSTATION), 12_000, 2_000)),
		(T2, element(Some(SUBSTATION), 12_000, 2_000)),
	];
	grid.extend(POINTS.iter().map(|(point, feeder)| (*point, element(Some(*feeder), 10_000, 500))));
	grid
}

fn demo_community() -> DemoCommunity {
	let dso: AccountId = AccountId32::new(DSO_PUBLIC);
	let utility: AccountId = AccountId32::new(UTILITY_PUBLIC);
	let gateway: AccountId = AccountId32::new(GATEWAY_PUBLIC);
	let prosumers = [
		(Sr25519Keyring::Bob, "PT-PRO-0001", 5_000u64, "LV-01/T1/001"),
		(Sr25519Keyring::Charlie, "PT-PRO-0002", 4_000, "LV-01/T1/002"),
		(Sr25519Keyring::Dave, "PT-PRO-0003", 6_000, "LV-01/T2/003"),
	];
	let consumers = [
		(Sr25519Keyring::Eve, "PT-CON-0001"),
		(Sr25519Keyring::Ferdie, "PT-CON-0002"),
		(Sr25519Keyring::One, "PT-CON-0003"),
	];
	// Commitments to the members' off-chain records (blake2-256 of a salted record in a real
	// community; fixed demo values here).
	let commitment = |i: u8| H256::repeat_byte(i);
	let mut participants = vec![
		(dso.clone(), b"PT-DSO-0001".to_vec(), Roles::DSO, commitment(0xd5)),
		(utility.clone(), b"PT-UTL-0001".to_vec(), Roles::UTILITY, commitment(0x07)),
	];
	let mut assets = Vec::new();
	let mut meters = Vec::new();
	for (i, (member, code, watts, point)) in prosumers.iter().enumerate() {
		participants.push((
			member.to_account_id(),
			code.as_bytes().to_vec(),
			Roles::PROSUMER,
			commitment(i as u8 + 1),
		));
		assets.push((member.to_account_id(), Technology::Solar, *watts, point.as_bytes().to_vec()));
		meters.push((
			member.to_account_id(),
			MeterKind::Production { res: i as u32 },
			demo_meter_key(i),
			gateway.clone(),
		));
	}
	for (i, (member, code)) in consumers.iter().enumerate() {
		participants.push((
			member.to_account_id(),
			code.as_bytes().to_vec(),
			Roles::CONSUMER,
			commitment(i as u8 + 10),
		));
		meters.push((
			member.to_account_id(),
			MeterKind::Consumption,
			demo_meter_key(3 + i),
			gateway.clone(),
		));
	}
	// Standing orders on forecasts: Bob and Charlie offer their PV's forecast export (capped at
	// what 5 and 4 kWp make in a one-minute slot), Eve and Ferdie bid for their forecast
	// consumption. Dave and One trade by hand.
	let on_forecast = |meter| StandingQuantity::Forecast { meter };
	let standing_orders = vec![
		StandingOrder {
			owner: Sr25519Keyring::Bob.to_account_id(),
			side: Side::Offer { res: 0 },
			price: 40_000,
			quantity: on_forecast(0),
			cap_wh: 83,
			deposit: 0,
		},
		StandingOrder {
			owner: Sr25519Keyring::Charlie.to_account_id(),
			side: Side::Offer { res: 1 },
			price: 45_000,
			quantity: on_forecast(1),
			cap_wh: 66,
			deposit: 0,
		},
		StandingOrder {
			owner: Sr25519Keyring::Eve.to_account_id(),
			side: Side::Bid { meter: 3 },
			price: 90_000,
			quantity: on_forecast(3),
			cap_wh: 100,
			deposit: 0,
		},
		StandingOrder {
			owner: Sr25519Keyring::Ferdie.to_account_id(),
			side: Side::Bid { meter: 4 },
			price: 85_000,
			quantity: on_forecast(4),
			cap_wh: 100,
			deposit: 0,
		},
	];
	DemoCommunity {
		standing_orders,
		participants,
		assets,
		gateways: vec![gateway.clone()],
		meters,
		// One, a consumer, is not among the well-known accounts the presets endow.
		accounts: vec![dso.clone(), utility.clone(), gateway, Sr25519Keyring::One.to_account_id()],
		utility,
		grid: demo_grid(),
		keeper: Some(dso),
		// Consumption meters 3–5 at the last three points; production meter i measures RES i
		// and is where it is.
		meter_points: demo_grid::POINTS
			.iter()
			.enumerate()
			.skip(3)
			.map(|(meter, (point, _))| (meter as MeterId, *point))
			.collect(),
		res_points: demo_grid::POINTS[..3]
			.iter()
			.enumerate()
			.map(|(res, (point, _))| (res as ResId, *point))
			.collect(),
	}
}

/// Builds the genesis JSON patch of a chain with the given validators, endowed accounts and
/// sudo key, the demo community and one-minute market slots.
fn testnet_genesis(
	initial_authorities: Vec<AuthorityKeys>,
	endowed_accounts: Vec<AccountId>,
	root: AccountId,
) -> Value {
	community_genesis(
		initial_authorities,
		endowed_accounts,
		root,
		demo_community(),
		DEV_SLOT_LENGTH_MS,
		DEV_AUCTION_SCHEDULE,
	)
}

/// Builds the genesis JSON patch of a chain with the given validators, endowed accounts, sudo
/// key, community and market clock.
fn community_genesis(
	initial_authorities: Vec<AuthorityKeys>,
	mut endowed_accounts: Vec<AccountId>,
	root: AccountId,
	community: DemoCommunity,
	slot_length_ms: u64,
	schedule: pallet_market::AuctionSchedule,
) -> Value {
	endowed_accounts.extend(community.accounts.iter().cloned());
	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig {
			balances: endowed_accounts
				.iter()
				.cloned()
				.map(|account| (account, ENDOWMENT))
				.collect::<Vec<_>>(),
		},
		participants: pallet_participants::GenesisConfig { participants: community.participants },
		res_assets: pallet_res_assets::GenesisConfig { assets: community.assets },
		meters: pallet_meters::GenesisConfig {
			gateways: community.gateways,
			meters: community.meters
		},
		market: pallet_market::GenesisConfig {
			slot_length_ms: Some(slot_length_ms),
			schedule: Some(schedule),
			utility: Some(community.utility),
			standing_orders: community.standing_orders,
		},
		grid: pallet_grid::GenesisConfig {
			keeper: community.keeper,
			elements: community.grid,
			meters: community.meter_points,
			res: community.res_points,
		},
		forecasts: pallet_forecasts::GenesisConfig {
			forecasters: initial_authorities
				.iter()
				.map(|(_, _, _, forecaster)| forecaster.clone())
				.collect::<Vec<_>>(),
		},
		// Aura's and GRANDPA's authorities follow from the session's keys.
		session: pallet_session::GenesisConfig {
			keys: initial_authorities
				.iter()
				.map(|(account, aura, grandpa, forecaster)| {
					let keys = SessionKeys {
						aura: aura.clone(),
						grandpa: grandpa.clone(),
						forecaster: forecaster.clone(),
					};
					(account.clone(), account.clone(), keys)
				})
				.collect::<Vec<_>>(),
		},
		validator_membership: pallet_membership::GenesisConfig {
			members: initial_authorities
				.iter()
				.map(|(account, ..)| account.clone())
				.collect::<Vec<_>>()
				.try_into()
				.expect("the dev validators fit MaxValidators"),
		},
		sudo: SudoConfig { key: Some(root) },
		// The dev community names itself as its certificates' issuing body, so that its
		// certificates can be exported from the start (a real network's governance calls
		// `set_issuer`).
		energy_tokens: pallet_energy_tokens::GenesisConfig {
			issuer: Some((
				alloc::string::String::from("Dev Energy Community"),
				alloc::string::String::from("DE"),
			)),
		},
		council_membership: pallet_membership::GenesisConfig {
			members: dev_council()
				.try_into()
				.expect("the dev council's three members fit CouncilMaxMembers"),
		},
	})
}

/// The dev presets' council: Alice, Bob and Charlie, so that motions can be tried on a dev
/// chain (where sudo, Alice's key, is the faster way to manage).
pub fn dev_council() -> Vec<AccountId> {
	[Sr25519Keyring::Alice, Sr25519Keyring::Bob, Sr25519Keyring::Charlie]
		.map(|k| k.to_account_id())
		.to_vec()
}

/// The `development` preset: Alice alone validates; the well-known dev accounts are endowed.
pub fn development_config_genesis() -> Value {
	testnet_genesis(
		vec![dev_authority(
			Sr25519Keyring::AliceStash,
			Sr25519Keyring::Alice,
			Ed25519Keyring::Alice,
		)],
		Sr25519Keyring::well_known().map(|k| k.to_account_id()).collect(),
		Sr25519Keyring::Alice.to_account_id(),
	)
}

/// The `local_testnet` preset: Alice, Bob, Charlie and Dave validate. With four GRANDPA voters,
/// finality needs three of them (more than two thirds), so one may be down.
///
/// Permissioned peering is on: the four validators are the well-known nodes, each owned by its
/// validator's account, with the network keys zombienet gives nodes of these names
/// (`zombienet/local-testnet.toml`; [`LOCAL_TESTNET_NODES`]). A node started with another key
/// syncs only after the community authorises it.
pub fn local_config_genesis() -> Value {
	let mut genesis = testnet_genesis(
		vec![
			dev_authority(Sr25519Keyring::AliceStash, Sr25519Keyring::Alice, Ed25519Keyring::Alice),
			dev_authority(Sr25519Keyring::BobStash, Sr25519Keyring::Bob, Ed25519Keyring::Bob),
			dev_authority(
				Sr25519Keyring::CharlieStash,
				Sr25519Keyring::Charlie,
				Ed25519Keyring::Charlie,
			),
			dev_authority(Sr25519Keyring::DaveStash, Sr25519Keyring::Dave, Ed25519Keyring::Dave),
		],
		Sr25519Keyring::well_known().map(|k| k.to_account_id()).collect(),
		Sr25519Keyring::Alice.to_account_id(),
	);
	let nodes: Vec<(OpaquePeerId, AccountId)> = LOCAL_TESTNET_NODES
		.iter()
		.map(|(owner, peer_id)| (OpaquePeerId(peer_id.to_vec()), owner.to_account_id()))
		.collect();
	genesis["nodeAuthorization"] = serde_json::json!({ "nodes": nodes });
	genesis
}

/// The `local_testnet` preset's well-known nodes: each validator's account and the bytes of the
/// peer id zombienet derives from the node's name (alice
/// `12D3KooWQCkBm1BYtkHpocxCwMgR8yjitEeHGx8spzcDLGt2gkBm`, bob
/// `12D3KooWRkZhiRhsqmrQ28rt73K7V3aCBpqKrLGSXmZ99PTcTZby`, charlie
/// `12D3KooWPKzmmE2uYgF3z13xjpbFTp63g9dZFag8pG6MgnpSLF4S`, dave
/// `12D3KooWKM1HeSv61ryZwAiBTZnqmass5pYM48k9Z7obzhTbnphm`).
pub const LOCAL_TESTNET_NODES: [(Sr25519Keyring, [u8; 38]); 4] = [
	(
		Sr25519Keyring::Alice,
		hex_literal::hex!(
			"002408011220d5bf4a3fcce717b0388bcc2749ebc148ad9969b23f45ee1b605fd58778576ac4"
		),
	),
	(
		Sr25519Keyring::Bob,
		hex_literal::hex!(
			"002408011220ecc1b58727f3f12b3194881a9ecb9de0b28ce7b207230d8e930fe1bce75e256c"
		),
	),
	(
		Sr25519Keyring::Charlie,
		hex_literal::hex!(
			"002408011220c8bf2959a96bd99ffde4e7277b41e57331dba7f7918186c359cf7dce149bb567"
		),
	),
	(
		Sr25519Keyring::Dave,
		hex_literal::hex!(
			"0024080112208d9293c327662be3c0faeb579b2aedd3b2cec33d74dadedceea76b7a94dc90c0"
		),
	),
];

/// The name of the production preset.
pub const PRODUCTION_RUNTIME_PRESET: &str = "production";

/// The `production` preset: a real network's starting point. No validator, forecaster,
/// council member or balance, and no sudo key: the community is managed by its council
/// (`configs::CommunityManager`), and root is reached only through a two-thirds council motion
/// (`configs::governance`). No participant, RES, meter, gateway or standing order; hourly
/// market slots with the production auction schedule (the runtime's defaults). The operators
/// fill in the authorities, their nodes' peer ids (the well-known nodes), the council's members and their endowments before they build the
/// raw spec (`scripts/production-spec.sh`, `docs/operators.md`): every key in it is theirs.
pub fn production_config_genesis() -> Value {
	serde_json::json!({
		"balances": { "balances": [] },
		"session": { "keys": [] },
		"validatorMembership": { "members": [] },
		"forecasts": { "forecasters": [] },
		"sudo": { "key": null },
		"councilMembership": { "members": [] },
		"nodeAuthorization": { "nodes": [] },
	})
}

/// Provides the JSON representation of the preset with the given id.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		sp_genesis_builder::DEV_RUNTIME_PRESET => development_config_genesis(),
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => local_config_genesis(),
		PRODUCTION_RUNTIME_PRESET => production_config_genesis(),
		LOAD_TEST_RUNTIME_PRESET => load_test_genesis(),
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
		PresetId::from(PRODUCTION_RUNTIME_PRESET),
		PresetId::from(LOAD_TEST_RUNTIME_PRESET),
	]
}

/// The genesis state a preset builds with `operators` merged over it (the operators' part of a
/// production spec: keys, council, balances), as the node's `build-spec` merges a patch.
#[cfg(test)]
pub(crate) fn preset_state_with(preset: &PresetId, operators: Value) -> sp_io::TestExternalities {
	let json = get_preset(preset).expect("preset exists");
	let patch: Value = serde_json::from_slice(&json).expect("valid json");
	let mut config = serde_json::to_value(RuntimeGenesisConfig::default()).expect("serializes");
	json_merge(&mut config, patch);
	if !operators.is_null() {
		json_merge(&mut config, operators);
	}
	let config: RuntimeGenesisConfig = serde_json::from_value(config).expect("a full config");
	sp_io::TestExternalities::new(
		sp_runtime::BuildStorage::build_storage(&config).expect("genesis builds"),
	)
}

/// Merges `b` into `a` key by key, as `sc-chain-spec` merges a genesis patch.
#[cfg(test)]
fn json_merge(a: &mut Value, b: Value) {
	match (a, b) {
		(Value::Object(a), Value::Object(b)) => {
			for (k, v) in b {
				json_merge(a.entry(k).or_insert(Value::Null), v);
			}
		},
		(a, b) => *a = b,
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use sp_core::Pair;

	/// The hard-coded demo keys are the documented dev derivations.
	#[test]
	fn demo_keys_are_the_documented_derivations() {
		let sr = |s: &str| sr25519::Pair::from_string(s, None).expect("dev derivation").public().0;
		let ed = |s: &str| ed25519::Pair::from_string(s, None).expect("dev derivation").public().0;
		assert_eq!(DSO_PUBLIC, sr("//Dso"));
		assert_eq!(UTILITY_PUBLIC, sr("//Utility"));
		assert_eq!(GATEWAY_PUBLIC, sr("//Gateway"));
		for (id, (is_ed, public)) in DEMO_METER_KEYS.iter().enumerate() {
			let seed = alloc::format!("//meter//{id}");
			assert_eq!(*public, if *is_ed { ed(&seed) } else { sr(&seed) }, "meter {id}");
		}
	}

	/// The dev schedule takes a sealed auction's shortest reveal window (three blocks) and a
	/// block to clear in, and such a window reveals a real book.
	#[test]
	fn the_dev_schedule_fits_the_shortest_sealed_window() {
		type Market = pallet_market::Pallet<crate::Runtime>;
		sp_io::TestExternalities::default().execute_with(|| {
			pallet_market::SlotLength::<crate::Runtime>::put(DEV_SLOT_LENGTH_MS);
			let shortest = 3 * crate::SLOT_DURATION;
			let sealed = |reveal_ms| pallet_market::AuctionMode::Sealed { reveal_ms };
			assert!(Market::mode_fits(&sealed(shortest), &DEV_AUCTION_SCHEDULE));
			assert!(!Market::mode_fits(&sealed(shortest - 1), &DEV_AUCTION_SCHEDULE));
			let capacity = Market::commitment_capacity(shortest);
			std::println!("a three-block window reveals {capacity} commitments");
			assert!(capacity >= 1_000, "a three-block window reveals only {capacity} commitments");
		});
	}

	/// The genesis state a preset builds (the genesis builds of the pallets check it).
	fn preset_state(preset: &PresetId) -> sp_io::TestExternalities {
		preset_state_with(preset, Value::Null)
	}

	/// The dev presets build the demo community.
	#[test]
	fn dev_presets_build() {
		let dev = [
			sp_genesis_builder::DEV_RUNTIME_PRESET,
			sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET,
		];
		for preset in dev.map(PresetId::from).iter() {
			preset_state(preset).execute_with(|| {
				assert_eq!(pallet_meters::NextMeterId::<crate::Runtime>::get(), 6);
				assert_eq!(pallet_market::SlotLength::<crate::Runtime>::get(), DEV_SLOT_LENGTH_MS);
				assert_eq!(pallet_market::Schedule::<crate::Runtime>::get(), DEV_AUCTION_SCHEDULE);
				assert_eq!(
					pallet_market::Utility::<crate::Runtime>::get(),
					Some(AccountId32::new(UTILITY_PUBLIC))
				);
				// The demo grid, kept by the DSO: Eve's meter (3) on T1, Dave's RES (2) on T2.
				use energy_primitives::GridTopology;
				type Grid = pallet_grid::Pallet<crate::Runtime>;
				assert_eq!(pallet_grid::Elements::<crate::Runtime>::count(), 9);
				assert_eq!(
					<Grid as GridTopology<AccountId>>::keeper(),
					Some(AccountId32::new(DSO_PUBLIC))
				);
				assert_eq!(<Grid as GridTopology<AccountId>>::meter_point(3), Some(104));
				assert_eq!(<Grid as GridTopology<AccountId>>::res_point(2), Some(203));
				assert_eq!(<Grid as GridTopology<AccountId>>::meter_point(2), Some(203));
				let elements = <Grid as GridTopology<AccountId>>::elements(0);
				assert_eq!(elements.first().map(|e| e.parent), Some(None));
				assert_eq!(
					elements.iter().find(|e| e.id == demo_grid::T2).map(|e| e.parent),
					Some(Some(demo_grid::SUBSTATION))
				);
				Grid::do_try_state().expect("the demo grid is consistent");
				assert_eq!(Grid::unbound(), (vec![], vec![]), "every demo record is bound");
			});
		}
	}

	/// The production preset holds no key and no community: hourly slots, the production
	/// schedule, nobody registered, nothing endowed, no sudo key.
	#[test]
	fn the_production_preset_is_empty_and_hourly() {
		preset_state(&PresetId::from(PRODUCTION_RUNTIME_PRESET)).execute_with(|| {
			use crate::Runtime;
			assert_eq!(pallet_market::SlotLength::<Runtime>::get(), energy_primitives::HOUR_MS);
			assert_eq!(
				pallet_market::Schedule::<Runtime>::get(),
				pallet_market::AuctionSchedule::default()
			);
			assert_eq!(pallet_market::Utility::<Runtime>::get(), None);
			assert_eq!(pallet_market::StandingOrders::<Runtime>::count(), 0);
			assert_eq!(pallet_participants::Participants::<Runtime>::iter().count(), 0);
			assert_eq!(pallet_res_assets::Assets::<Runtime>::count(), 0);
			assert_eq!(pallet_meters::NextMeterId::<Runtime>::get(), 0);
			assert_eq!(pallet_meters::Gateways::<Runtime>::iter().count(), 0);
			assert_eq!(pallet_balances::TotalIssuance::<Runtime>::get(), 0);
			assert_eq!(pallet_sudo::Key::<Runtime>::get(), None);
			assert!(pallet_aura::Authorities::<Runtime>::get().is_empty());
			assert!(pallet_forecasts::Forecasters::<Runtime>::get().is_empty());
			assert_eq!(pallet_grid::Elements::<Runtime>::count(), 0);
			assert_eq!(pallet_grid::Keeper::<Runtime>::get(), None);
		});
	}

	/// Every pallet's integrity test, with this runtime's configuration: among them, that a
	/// full market book (`MaxOrdersPerSlot`) clears within `MaxClearingWeight`.
	#[test]
	fn pallets_pass_their_integrity_tests() {
		use frame_support::traits::IntegrityTest;
		sp_io::TestExternalities::default()
			.execute_with(crate::AllPalletsWithSystem::integrity_test);
	}

	/// The load-test preset: the demo community plus full pages of load meters on six more
	/// gateways (the documented shared keys), and six-second slots.
	#[test]
	fn the_load_test_preset_builds_its_meters() {
		let sr = |s: &str| sr25519::Pair::from_string(s, None).expect("dev derivation").public().0;
		let ed = |s: &str| ed25519::Pair::from_string(s, None).expect("dev derivation").public().0;
		assert_eq!(LOAD_METER_SR25519, sr("//load//meter"));
		assert_eq!(LOAD_METER_ED25519, ed("//load//meter"));
		assert_eq!(LOAD_PV_SR25519, sr("//load//pv"));
		preset_state(&PresetId::from(LOAD_TEST_RUNTIME_PRESET)).execute_with(|| {
			use crate::Runtime;
			let load = LOAD_GATEWAYS.len() as u32 * LOAD_METERS_PER_GATEWAY;
			assert_eq!(pallet_meters::NextMeterId::<Runtime>::get(), 6 + load);
			assert_eq!(pallet_market::SlotLength::<Runtime>::get(), LOAD_SLOT_LENGTH_MS);
			for (gateway, _) in LOAD_GATEWAYS {
				let page = pallet_meters::Gateways::<Runtime>::get(gateway.to_account_id());
				assert_eq!(page.map(|p| p.len() as u32), Some(LOAD_METERS_PER_GATEWAY));
			}
			assert_eq!(
				pallet_res_assets::Assets::<Runtime>::count(),
				3 + LOAD_METERS_PER_GATEWAY,
				"one RES per load production meter"
			);
			// The load test's records are not on the demo grid: they hang at the root.
			let (meters, res) = pallet_grid::Pallet::<Runtime>::unbound();
			assert_eq!(res.len() as u32, LOAD_METERS_PER_GATEWAY);
			assert!(!meters.is_empty() && !meters.contains(&3) && !res.contains(&0));
		});
	}
}
