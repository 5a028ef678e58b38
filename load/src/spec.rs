//! `energy-load chain-spec`: a raw chain spec of a community of any size, built natively with
//! the runtime's own genesis builder, for the load tool's burst and for
//! `energy-node benchmark storage` (a state of realistic size).
//!
//! The spec is the load-test chain (`energy-node --chain load`: the development chain, Alice
//! validating, with six-second market slots by default) plus:
//! - `members` participants (accounts derived from their index; they never sign here), each a
//!   consumer, or a prosumer when it owns a RES;
//! - `meters` load meters on gateways of at most a page (1,024 meters) each, every gateway
//!   holding one kind: sr25519 consumption, ed25519 consumption (one consumption gateway in
//!   four), sr25519 or ed25519 production (one production gateway in two ed25519), each
//!   production meter on a 5 kW PV RES of its own;
//! - optionally, certificates of a PV-shaped production of every RES in each of the
//!   `certificate_slots` slots before the genesis slot, minted by the token pallet's own code
//!   (so the state holds what a running community accumulates: certificates and holdings).
//!
//! Meters of a kind share the load-test chain's keys (`//load//meter`, `//load//pv`; see the
//! runtime's `load_test` preset; ed25519 production meters share the ed25519 `//load//meter`
//! key): a reading's signature covers its meter id, so a shared key
//! changes nothing the chain checks. Gateway `i` signs with `//load//gateway//<i>` of the dev
//! phrase (endowed), which the load tool derives.

use anyhow::{anyhow, bail, Context, Result};
use codec::Encode;
use energy_primitives::{EnergyMinter, MarketSlot, MeterPublicKey, Roles};
use energy_runtime::{
	genesis_config_presets::{
		ENDOWMENT, LOAD_METER_ED25519, LOAD_METER_SR25519, LOAD_PV_SR25519,
		LOAD_TEST_RUNTIME_PRESET,
	},
	AccountId, Runtime, RuntimeGenesisConfig,
};
use pallet_meters::MeterKind;
use pallet_res_assets::Technology;
use serde_json::{json, Map, Value};
use sp_core::{crypto::Pair as _, ed25519, sr25519, H256};
use sp_io::hashing::blake2_256;
use sp_io::TestExternalities;

/// Meters on one gateway: a full page (`MaxMetersPerGateway`).
pub const METERS_PER_GATEWAY: u32 = 1_024;

/// A PV RES's nameplate, W.
pub const LOAD_PV_W: u64 = 5_000;

/// What the generated community holds.
#[derive(Clone, Debug)]
pub struct Shape {
	/// Participants besides the demo community's.
	pub members: u32,
	/// Load meters.
	pub meters: u32,
	/// Percentage of the load meters that are production meters (each with its RES).
	pub production_percent: u32,
	/// Market slot length, ms.
	pub slot_ms: u64,
	/// How long after a slot's end its settlement starts, ms: the readings' grace window (its
	/// production is certified only until then). The market allows at most 24 slots.
	pub settlement_delay_ms: u64,
	/// Slots before the genesis slot whose certificates every RES holds.
	pub certificate_slots: u32,
}

impl Shape {
	/// How many of the load meters are production meters.
	pub fn production_meters(&self) -> u32 {
		(self.meters as u64 * self.production_percent as u64 / 100) as u32
	}
}

/// The kinds of load gateways, as [`gateway_kind`] assigns them.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub enum GatewayKind {
	/// sr25519 consumption meters.
	Sr25519Consumption,
	/// ed25519 consumption meters.
	Ed25519Consumption,
	/// sr25519 production meters, each on a RES of its own.
	Sr25519Production,
	/// ed25519 production meters, each on a RES of its own.
	Ed25519Production,
}

impl GatewayKind {
	/// Whether the gateway's meters are production meters.
	pub fn is_production(self) -> bool {
		matches!(self, GatewayKind::Sr25519Production | GatewayKind::Ed25519Production)
	}
}

/// How many gateways of each kind a shape has: (production, consumption), in that order
/// of gateway index.
pub fn gateway_counts(shape: &Shape) -> (u32, u32) {
	let production = shape.production_meters();
	let consumption = shape.meters - production;
	(production.div_ceil(METERS_PER_GATEWAY), consumption.div_ceil(METERS_PER_GATEWAY))
}

/// The kind of load gateway `index` (production gateways first, every second of them ed25519,
/// then consumption gateways, every fourth of them ed25519).
pub fn gateway_kind(production_gateways: u32, index: u32) -> GatewayKind {
	if index < production_gateways {
		if index % 2 == 1 {
			GatewayKind::Ed25519Production
		} else {
			GatewayKind::Sr25519Production
		}
	} else if (index - production_gateways) % 4 == 3 {
		GatewayKind::Ed25519Consumption
	} else {
		GatewayKind::Sr25519Consumption
	}
}

/// The secret URI of load gateway `index` (the dev phrase's `//load//gateway//<index>`).
pub fn gateway_uri(index: u32) -> String {
	format!("//load//gateway//{index}")
}

fn gateway_account(index: u32) -> Result<AccountId> {
	let pair = sr25519::Pair::from_string(
		&format!("{}{}", sp_core::crypto::DEV_PHRASE, gateway_uri(index)),
		None,
	)
	.map_err(|e| anyhow!("deriving gateway {index}'s key: {e:?}"))?;
	Ok(AccountId::new(pair.public().0))
}

/// Member `index`'s account: `blake2_256("energy/load/member" ++ index LE)`. Members never sign
/// in the load, so they need no key.
pub fn member_account(index: u32) -> AccountId {
	AccountId::new(blake2_256(&[b"energy/load/member".as_slice(), &index.to_le_bytes()].concat()))
}

/// JSON merge patch (RFC 7386), as the node applies a preset's patch to the default config.
fn merge(base: &mut Value, patch: Value) {
	match (base, patch) {
		(Value::Object(base), Value::Object(patch)) => {
			for (key, value) in patch {
				if value.is_null() {
					base.remove(&key);
				} else {
					merge(base.entry(key).or_insert(Value::Null), value);
				}
			}
		},
		(base, patch) => *base = patch,
	}
}

/// The load-test preset's genesis config, extended with `shape`'s members, gateways and meters.
fn genesis_config(shape: &Shape) -> Result<RuntimeGenesisConfig> {
	let preset =
		energy_runtime::genesis_config_presets::get_preset(&LOAD_TEST_RUNTIME_PRESET.to_string())
			.ok_or_else(|| anyhow!("the runtime has no load-test preset"))?;
	let mut config = serde_json::to_value(RuntimeGenesisConfig::default())?;
	merge(&mut config, serde_json::from_slice(&preset)?);
	let mut config: RuntimeGenesisConfig = serde_json::from_value(config)?;
	config.market.slot_length_ms = Some(shape.slot_ms);
	let mut schedule = energy_runtime::genesis_config_presets::LOAD_AUCTION_SCHEDULE;
	schedule.settlement_delay_ms = shape.settlement_delay_ms;
	config.market.schedule = Some(schedule);
	if shape.members == 0 {
		bail!("a community needs at least one member");
	}
	// Which members own a RES: production meter `k` (and its RES) belongs to member `k % members`.
	let (production_gateways, consumption_gateways) = gateway_counts(shape);
	let production = shape.production_meters();
	let prosumers = production.min(shape.members);
	let commitment = |i: u32| H256(blake2_256(&member_account(i).encode()));
	for i in 0..shape.members {
		let roles = if i < prosumers { Roles::PROSUMER } else { Roles::CONSUMER };
		config.participants.participants.push((
			member_account(i),
			format!("LOAD-{i:07}").into_bytes(),
			roles,
			commitment(i),
		));
	}
	let sr_meter = MeterPublicKey::Sr25519(sr25519::Public::from_raw(LOAD_METER_SR25519));
	let ed_meter = MeterPublicKey::Ed25519(ed25519::Public::from_raw(LOAD_METER_ED25519));
	let pv_meter = MeterPublicKey::Sr25519(sr25519::Public::from_raw(LOAD_PV_SR25519));
	let mut left = (production, shape.meters - production);
	let (mut produced, mut consumed) = (0u32, 0u32);
	for index in 0..production_gateways + consumption_gateways {
		let gateway = gateway_account(index)?;
		config.meters.gateways.push(gateway.clone());
		config.balances.balances.push((gateway.clone(), ENDOWMENT));
		let kind = gateway_kind(production_gateways, index);
		let remaining = if kind.is_production() { &mut left.0 } else { &mut left.1 };
		let on_page = (*remaining).min(METERS_PER_GATEWAY);
		*remaining -= on_page;
		for _ in 0..on_page {
			let meter = match kind {
				GatewayKind::Sr25519Production | GatewayKind::Ed25519Production => {
					let owner = member_account(produced % shape.members);
					let res = config.res_assets.assets.len() as u32;
					config.res_assets.assets.push((
						owner.clone(),
						Technology::Solar,
						LOAD_PV_W,
						format!("LOAD/{res}").into_bytes(),
					));
					produced += 1;
					let key =
						if kind == GatewayKind::Ed25519Production { ed_meter } else { pv_meter };
					(owner, MeterKind::Production { res }, key)
				},
				GatewayKind::Sr25519Consumption | GatewayKind::Ed25519Consumption => {
					let owner = member_account(consumed % shape.members);
					consumed += 1;
					let key =
						if kind == GatewayKind::Ed25519Consumption { ed_meter } else { sr_meter };
					(owner, MeterKind::Consumption, key)
				},
			};
			config.meters.meters.push((meter.0, meter.1, meter.2, gateway.clone()));
		}
	}
	Ok(config)
}

/// A clear-sky PV day: the share (0..=1) of the nameplate produced in the hour starting at
/// `hour` (UTC; production from 06:00 to 18:00, peaking at noon).
fn pv_share(hour: u64) -> f64 {
	let hour = (hour % 24) as f64 + 0.5;
	if !(6.0..18.0).contains(&hour) {
		return 0.0;
	}
	(std::f64::consts::PI * (hour - 6.0) / 12.0).sin()
}

/// What a built spec holds, for the log.
#[derive(Clone, Debug, Default)]
pub struct Built {
	/// Storage keys in the genesis state.
	pub keys: usize,
	/// Total size of the keys and values, bytes.
	pub bytes: usize,
	/// Certificates minted into the state.
	pub certificates: u64,
	/// Gateways (the load-test preset's seven included).
	pub gateways: usize,
	/// Participants in all (the load-test preset's included).
	pub participants: usize,
	/// Meters in all.
	pub meters: usize,
	/// RES in all.
	pub res: usize,
}

/// Builds the raw chain spec of `shape` (genesis slot: the slot of `now_ms`).
pub fn build(shape: &Shape, now_ms: u64) -> Result<(Value, Built)> {
	let config = genesis_config(shape)?;
	let mut built = Built {
		gateways: config.meters.gateways.len(),
		participants: config.participants.participants.len(),
		meters: config.meters.meters.len(),
		res: config.res_assets.assets.len(),
		..Default::default()
	};
	let assets: Vec<(AccountId, u64)> =
		config.res_assets.assets.iter().map(|a| (a.0.clone(), a.2)).collect();
	let json = serde_json::to_vec(&config)?;
	let mut ext = TestExternalities::new_empty();
	ext.execute_with(|| {
		frame_support::genesis_builder_helper::build_state::<RuntimeGenesisConfig>(json)
	})
	.map_err(|e| anyhow!("the runtime refused the genesis: {e}"))?;
	let genesis_slot = (now_ms / shape.slot_ms.max(1)) as MarketSlot;
	let slot_hours = |slot: MarketSlot| slot as u64 * shape.slot_ms / 3_600_000;
	ext.execute_with(|| -> Result<()> {
		for back in 1..=shape.certificate_slots {
			let Some(slot) = genesis_slot.checked_sub(back) else { break };
			let share = pv_share(slot_hours(slot));
			for (res, (owner, watts)) in assets.iter().enumerate() {
				let capacity = watts * shape.slot_ms / 3_600_000;
				let wh = (capacity as f64 * share) as u64;
				if wh == 0 {
					continue;
				}
				<pallet_energy_tokens::Pallet<Runtime> as EnergyMinter<AccountId>>::mint(
					owner, res as u32, slot, wh, capacity,
				)
				.map_err(|e| anyhow!("minting RES {res}'s certificate of slot {slot}: {e:?}"))?;
				built.certificates += 1;
			}
		}
		Ok(())
	})?;
	ext.commit_all().map_err(|e| anyhow!("committing the genesis: {e}"))?;
	let wasm = energy_runtime::WASM_BINARY
		.ok_or_else(|| anyhow!("the runtime was built without its wasm (SKIP_WASM_BUILD)"))?;
	let mut top = Map::new();
	ext.execute_with(|| {
		let mut key = Vec::new();
		while let Some(next) = sp_io::storage::next_key(&key) {
			if let Some(value) = sp_io::storage::get(&next) {
				built.keys += 1;
				built.bytes += next.len() + value.len();
				top.insert(hex(&next), Value::String(hex(&value)));
			}
			key = next;
		}
	});
	// The runtime's code (the genesis build leaves `:code` to the chain spec).
	top.insert(hex(sp_core::storage::well_known_keys::CODE), Value::String(hex(wasm)));
	let spec = json!({
		"name": "Energy Community Load Test (generated)",
		"id": "energy_load_generated",
		"chainType": "Development",
		"bootNodes": [],
		"telemetryEndpoints": null,
		"protocolId": null,
		"properties": {
			"ss58Format": energy_primitives::SS58_PREFIX,
			"tokenDecimals": energy_primitives::DECIMALS,
			"tokenSymbol": energy_primitives::TOKEN_SYMBOL,
		},
		"codeSubstitutes": {},
		"genesis": { "raw": { "top": top, "childrenDefault": {} } },
	});
	Ok((spec, built))
}

fn hex(bytes: &[u8]) -> String {
	format!("0x{}", hex::encode(bytes))
}

/// Writes the spec of `shape` to `out` and prints what it holds.
pub fn write(shape: &Shape, out: &std::path::Path) -> Result<()> {
	let now_ms = std::time::SystemTime::now()
		.duration_since(std::time::UNIX_EPOCH)
		.context("the clock is before 1970")?
		.as_millis() as u64;
	let started = std::time::Instant::now();
	let (spec, built) = build(shape, now_ms)?;
	let file = std::io::BufWriter::new(
		std::fs::File::create(out).with_context(|| format!("creating {}", out.display()))?,
	);
	serde_json::to_writer(file, &spec)?;
	println!(
		"{}: {} participants, {} meters on {} gateways, {} RES ({} load meters, {}% production, \
		 and the load-test preset's), {} certificates; genesis state {} keys, {:.1} MiB; built in \
		 {:.1} s",
		out.display(),
		built.participants,
		built.meters,
		built.gateways,
		built.res,
		shape.meters,
		shape.production_percent,
		built.certificates,
		built.keys,
		built.bytes as f64 / 1_048_576.0,
		started.elapsed().as_secs_f64()
	);
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;

	/// A small community: the counts add up, every RES holds a certificate of each producing
	/// hour of the day before genesis, and the spec carries the runtime's code.
	#[test]
	fn a_generated_spec_holds_the_shape_and_the_code() {
		let shape = Shape {
			members: 10,
			meters: 2_100,
			production_percent: 50,
			slot_ms: 3_600_000,
			settlement_delay_ms: 15 * 60_000,
			certificate_slots: 24,
		};
		// Genesis at midnight UTC: the 24 slots before it are one whole day.
		let (spec, built) = build(&shape, 20_000 * 86_400_000).expect("the shape builds");
		// 1,050 production meters on two gateways, 1,050 consumption meters on two more.
		assert_eq!(gateway_counts(&shape), (2, 2));
		let preset_meters = 6 + 6 * 1_024;
		assert_eq!(built.meters, preset_meters + 2_100);
		// The preset's gateways (the demo's and six load gateways) and the four new ones.
		assert_eq!(built.gateways, 7 + 4);
		// The demo's three roofs, the preset's 1,024 load RES and 1,050 new ones.
		assert_eq!(built.res, 3 + 1_024 + 1_050);
		// A clear-sky day has 12 producing hours.
		assert_eq!(built.certificates, built.res as u64 * 12);
		let top = &spec["genesis"]["raw"]["top"];
		let code =
			top[hex(sp_core::storage::well_known_keys::CODE)].as_str().expect(":code is set");
		assert_eq!(code.len(), 2 + 2 * energy_runtime::WASM_BINARY.expect("wasm built").len());
		assert_eq!(top.as_object().expect("raw storage").len(), built.keys);
	}

	#[test]
	fn gateways_hold_one_kind_every_second_production_and_fourth_consumption_gateway_ed25519() {
		let kinds: Vec<_> = (0..8).map(|i| gateway_kind(3, i)).collect();
		use GatewayKind::*;
		assert_eq!(
			kinds,
			[
				Sr25519Production,
				Ed25519Production,
				Sr25519Production,
				Sr25519Consumption,
				Sr25519Consumption,
				Sr25519Consumption,
				Ed25519Consumption,
				Sr25519Consumption
			]
		);
	}
}
