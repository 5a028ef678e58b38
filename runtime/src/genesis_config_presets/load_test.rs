//! The `load_test` preset (`energy-node --chain load`): the development chain (Alice validates
//! and holds sudo; the demo community) with six-second market slots (one per block) and six more
//! gateways, each with a full page of load meters, for the load tool (`energy-load`). A
//! meter reports at most once per slot and never before its installation, so the load needs
//! many meters and short slots: three minutes after the chain starts, its 6,144 load meters have
//! 30 ended slots each to report. (Shorter slots would clear several auctions in every block:
//! each clearing is charged the `clear` benchmark's base of 0.45 s, which would leave the
//! readings little of the block.)
//!
//! Every load meter of a kind signs with one key of the public dev phrase (`//load//meter` in
//! sr25519 or ed25519, `//load//pv`): each reading's signature covers its meter id, so a shared
//! key on a test chain changes nothing of what the chain checks, and the tool derives one key
//! instead of thousands.

use super::*;
use alloc::format;

/// The name of the load-test preset.
pub const LOAD_TEST_RUNTIME_PRESET: &str = "load_test";

/// Six-second market slots: one per block.
pub const LOAD_SLOT_LENGTH_MS: u64 = 6_000;

/// Auctions three slots ahead, closing three seconds before their slot, settling twelve seconds
/// after it.
pub const LOAD_AUCTION_SCHEDULE: pallet_market::AuctionSchedule = pallet_market::AuctionSchedule {
	open_slots_ahead: 3,
	gate_closure_ms: 3_000,
	settlement_delay_ms: 12_000,
};

/// Meters on each load gateway: a full page.
pub const LOAD_METERS_PER_GATEWAY: u32 = 1_024;

/// `//load//meter` of the dev phrase, sr25519: every sr25519 consumption load meter's key.
pub const LOAD_METER_SR25519: [u8; 32] =
	hex_literal::hex!("02b9f8ad691ff2cb99fa74b4e280eaf3cb05c4a0b1c8d4f3ab911acc00d1641a");
/// `//load//meter` of the dev phrase, ed25519: every ed25519 consumption load meter's key.
pub const LOAD_METER_ED25519: [u8; 32] =
	hex_literal::hex!("3bda076aac2fef0a9479dccf89809921f58efa54ded2c31c1ed81558b822281e");
/// `//load//pv` of the dev phrase, sr25519: every production load meter's key.
pub const LOAD_PV_SR25519: [u8; 32] =
	hex_literal::hex!("d86605460b8a53d7f0d739420b926f651cf91ea41e892901781c4e6fb12cc802");

/// What the meters of a load gateway are.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub enum LoadMeters {
	/// Consumption meters of Eve, signing with sr25519.
	Sr25519Consumption,
	/// Consumption meters of Eve, signing with ed25519.
	Ed25519Consumption,
	/// Production meters of Bob, each on a 5 kW PV RES of its own (approved).
	Production,
}

/// The load gateways (the dev phrase's stash accounts, endowed like every well-known dev
/// account) and their meters, in meter-id order after the six demo meters.
pub const LOAD_GATEWAYS: [(Sr25519Keyring, LoadMeters); 6] = [
	(Sr25519Keyring::AliceStash, LoadMeters::Sr25519Consumption),
	(Sr25519Keyring::BobStash, LoadMeters::Sr25519Consumption),
	(Sr25519Keyring::CharlieStash, LoadMeters::Sr25519Consumption),
	(Sr25519Keyring::DaveStash, LoadMeters::Sr25519Consumption),
	(Sr25519Keyring::EveStash, LoadMeters::Ed25519Consumption),
	(Sr25519Keyring::FerdieStash, LoadMeters::Production),
];

/// The `load_test` preset's genesis patch.
pub fn load_test_genesis() -> Value {
	let mut community = demo_community();
	let (consumer, producer) =
		(Sr25519Keyring::Eve.to_account_id(), Sr25519Keyring::Bob.to_account_id());
	for (gateway, kind) in LOAD_GATEWAYS {
		let gateway = gateway.to_account_id();
		community.gateways.push(gateway.clone());
		for _ in 0..LOAD_METERS_PER_GATEWAY {
			let meter = match kind {
				LoadMeters::Sr25519Consumption => (
					consumer.clone(),
					MeterKind::Consumption,
					MeterPublicKey::Sr25519(sr25519::Public::from_raw(LOAD_METER_SR25519)),
				),
				LoadMeters::Ed25519Consumption => (
					consumer.clone(),
					MeterKind::Consumption,
					MeterPublicKey::Ed25519(ed25519::Public::from_raw(LOAD_METER_ED25519)),
				),
				LoadMeters::Production => {
					let res = community.assets.len() as u32;
					let point = format!("LOAD/{res}").into_bytes();
					community.assets.push((producer.clone(), Technology::Solar, 5_000, point));
					(
						producer.clone(),
						MeterKind::Production { res },
						MeterPublicKey::Sr25519(sr25519::Public::from_raw(LOAD_PV_SR25519)),
					)
				},
			};
			community.meters.push((meter.0, meter.1, meter.2, gateway.clone()));
		}
	}
	community_genesis(
		vec![dev_authority(
			Sr25519Keyring::AliceStash,
			Sr25519Keyring::Alice,
			Ed25519Keyring::Alice,
		)],
		Sr25519Keyring::well_known().map(|k| k.to_account_id()).collect(),
		Sr25519Keyring::Alice.to_account_id(),
		community,
		LOAD_SLOT_LENGTH_MS,
		LOAD_AUCTION_SCHEDULE,
	)
}
