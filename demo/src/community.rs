//! The community simulator: onboards a community of members on a live chain (participants,
//! PV roofs approved by the DSO, meters on one gateway, standing orders) and then trades for
//! the members who bid and offer by hand, slot after slot, from the same replayed profiles the
//! gateway meters. Together with `energy-gateway run` a market day happens on the network.

use std::{
	collections::{BTreeMap, BTreeSet},
	path::{Path, PathBuf},
	time::Duration,
};

use anyhow::{anyhow, bail, Context, Result};
use serde::{Deserialize, Serialize};
use subxt::{
	ext::scale_encode::{self, EncodeAsFields, FieldIter, TypeResolver},
	tx::{Payload, StaticPayload, ValidationDetails},
	utils::AccountId32,
};
use subxt_signer::sr25519::Keypair;
use tracing::{info, warn};

use energy_gateway::{
	chain::{submit_all, Chain},
	keystore::{self, dev_key, KeystoreFile, MeterEntry, MeterKey, Scheme},
	replay::{self, Clock, Flow, ReplayFile, ReplayMeter, Size},
	runtime::energy::{
		self,
		market::calls::{PlaceBid, PlaceOffer},
		runtime_types::{
			bounded_collections::bounded_vec::BoundedVec,
			energy_primitives::energy::Roles,
			energy_runtime::RuntimeCall,
			pallet_market::types::{Side, StandingQuantity},
			pallet_meters::{
				pallet::Call as MetersCall,
				types::{MeterKind, Registers},
			},
			pallet_participants::pallet::Call as ParticipantsCall,
			pallet_res_assets::types::Technology,
		},
	},
};

/// Retail and feed-in tariffs of the dev chains bound the simulated prices (µCEUR per kWh).
const FEED_IN: u128 = 39_000;
const RETAIL: u128 = 95_000;
/// Money each member gets to trade with: 10,000 CEUR.
const MEMBER_FUNDS: u128 = 10_000 * 1_000_000;

/// Load profiles of the consumers, with yearly consumption (kWh): households, small
/// businesses, a heat pump and an EV charger.
const LOADS: [(&str, f64); 7] = [
	("H0-A", 3_500.0),
	("H0-B", 2_800.0),
	("H0-C", 4_500.0),
	("G0-A", 15_000.0),
	("G1-A", 9_000.0),
	("Air_Parallel_1", 6_000.0),
	("HLS_A_11.0", 2_500.0),
];
/// PV profiles of the prosumers' roofs.
const PV: [&str; 5] = ["PV1", "PV2", "PV3", "PV4", "PV5"];

/// A simulated member.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct Member {
	/// Index in the community (`//sim//member//<index>`).
	pub index: u32,
	/// SS58 address.
	pub address: String,
	/// The member's PV roof, if a prosumer: RES id and kWp.
	pub pv: Option<(u32, f64)>,
	/// The member's meters: `(meter id, profile, flow)`.
	pub meters: Vec<(u32, String, Flow)>,
	/// Whether the member trades through standing orders (else by hand every slot).
	pub standing: bool,
}

/// The community file written by `setup`.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct CommunityFile {
	/// The chain's genesis hash, hex.
	pub genesis: String,
	/// The accelerated clock shared by the gateway and the traders.
	pub anchor_slot: u32,
	/// The profile hour of `anchor_slot`.
	pub start_hour: u32,
	/// The members.
	pub members: Vec<Member>,
}

/// The files of a simulated community in `dir`.
pub struct CommunityPaths {
	/// `community.json`.
	pub community: PathBuf,
	/// `keystore.json` (mode 600).
	pub keystore: PathBuf,
	/// `replay.json`.
	pub replay: PathBuf,
}

impl CommunityPaths {
	/// The paths in `dir`.
	pub fn new(dir: &Path) -> Self {
		CommunityPaths {
			community: dir.join("community.json"),
			keystore: dir.join("keystore.json"),
			replay: dir.join("replay.json"),
		}
	}
}

/// The account of member `index`.
pub fn member_key(index: u32) -> Keypair {
	dev_key(&format!("//sim//member//{index}"))
}

/// The simulated community's gateway account.
pub fn gateway_secret() -> &'static str {
	"//sim//gateway"
}

fn account(key: &Keypair) -> AccountId32 {
	key.public_key().to_account_id()
}

/// Onboards a community of `members` (≥ 2) on the chain at `url` with `sudo` as the
/// community manager and `dso` approving the PV roofs, and writes `community.json`,
/// `keystore.json` and `replay.json` to `dir` for the gateway and the traders. Every third
/// member's meters sign with ed25519, the others' with sr25519. Two in five members are
/// prosumers (a PV roof and a household meter); half of the members trade by standing
/// orders.
pub async fn setup(
	url: &str,
	dir: &Path,
	members: u32,
	sudo: &str,
	dso: &str,
	start_hour: u32,
) -> Result<CommunityFile> {
	let paths = CommunityPaths::new(dir);
	if paths.community.exists() {
		bail!("{} exists: this community is set up already", paths.community.display());
	}
	std::fs::create_dir_all(dir)?;
	let chain = Chain::connect(url).await?;
	let api = &chain.api;
	let sudo = dev_key(sudo);
	let dso = dev_key(dso);
	let gateway = dev_key(gateway_secret());
	let keys: Vec<Keypair> = (0..members).map(member_key).collect();
	let is_prosumer = |i: u32| i % 5 < 2;
	let scheme = |i: u32| if i % 3 == 2 { Scheme::Ed25519 } else { Scheme::Sr25519 };

	// 1. Money, membership and the gateway (the manager's calls).
	let mut transfers: Vec<_> = keys
		.iter()
		.map(|key| {
			(&sudo, energy::tx().balances().transfer_keep_alive(account(key).into(), MEMBER_FUNDS))
		})
		.collect();
	transfers.push((
		&sudo,
		energy::tx().balances().transfer_keep_alive(account(&gateway).into(), 1_000 * 1_000_000),
	));
	submit_all(api, transfers).await.context("funding the members")?;
	let mut calls = Vec::new();
	for (i, key) in keys.iter().enumerate() {
		let i = i as u32;
		let roles = Roles { consumer: true, producer: is_prosumer(i), dso: false, utility: false };
		let register = RuntimeCall::Participants(ParticipantsCall::register {
			who: account(key),
			code: BoundedVec(format!("SIM-{i:04}").into_bytes()),
			roles,
			record_commitment: subxt::utils::H256::zero(),
		});
		calls.push((&sudo, energy::tx().sudo().sudo(register)));
	}
	calls.push((
		&sudo,
		energy::tx()
			.sudo()
			.sudo(RuntimeCall::Meters(MetersCall::register_gateway { gateway: account(&gateway) })),
	));
	submit_all(api, calls).await.context("registering the members and the gateway")?;
	info!(members, "members registered");

	// 2. The prosumers' PV roofs, approved by the DSO.
	let kwp = |i: u32| 4.0 + (i % 4) as f64 * 1.5;
	let roofs: Vec<u32> = (0..members).filter(|i| is_prosumer(*i)).collect();
	let calls = roofs
		.iter()
		.map(|&i| {
			let call = energy::tx().res_assets().register(
				Technology::Solar,
				(kwp(i) * 1000.0) as u64,
				BoundedVec(format!("SIM-CP-{i:04}").into_bytes()),
			);
			(&keys[i as usize], call)
		})
		.collect();
	let mut res_of = BTreeMap::new();
	for events in submit_all(api, calls).await.context("registering PV roofs")? {
		let registered = events
			.find_first::<energy::res_assets::events::Registered>()
			.transpose()?
			.ok_or_else(|| anyhow!("no Registered event"))?;
		res_of.insert(registered.owner.0, registered.id);
	}
	let approvals = res_of
		.values()
		.map(|&id| (&dso, energy::tx().res_assets().approve_connection(id)))
		.collect();
	submit_all(api, approvals).await.context("approving PV roofs")?;

	// 3. Meters: a household meter for everyone, a production meter per roof.
	let mut meter_keys = Vec::new(); // (member, profile, flow, size, key entry)
	for i in 0..members {
		let (profile, kwh) =
			if is_prosumer(i) { LOADS[(i % 3) as usize] } else { LOADS[(i % 7) as usize] };
		meter_keys.push((
			i,
			profile.to_string(),
			Flow::Import,
			Size::AnnualKwh(kwh),
			format!("//sim//meter//{i}//load"),
		));
		if is_prosumer(i) {
			meter_keys.push((
				i,
				PV[(i % 5) as usize].to_string(),
				Flow::Export,
				Size::Kwp { kwp: kwp(i), performance_ratio: 0.9 },
				format!("//sim//meter//{i}//pv"),
			));
		}
	}
	let mut calls = Vec::new();
	for (i, _, flow, _, secret) in &meter_keys {
		let owner = account(&keys[*i as usize]);
		let kind = match flow {
			Flow::Import => MeterKind::Consumption,
			Flow::Export => MeterKind::Production { res: res_of[&owner.0] },
		};
		let key = MeterKey::from_secret(scheme(*i), secret)?.public();
		calls.push((
			&sudo,
			energy::tx().sudo().sudo(RuntimeCall::Meters(MetersCall::register_meter {
				owner,
				kind,
				key: key.into(),
				gateway: account(&gateway),
				installed_registers: Registers { import_wh: 0, export_wh: 0 },
			})),
		));
	}
	let mut ids = Vec::new();
	for events in submit_all(api, calls).await.context("registering meters")? {
		let sudid = events
			.find_first::<energy::meters::events::MeterRegistered>()
			.transpose()?
			.ok_or_else(|| anyhow!("no MeterRegistered event (sudo call failed?)"))?;
		ids.push(sudid.meter);
	}
	info!(meters = ids.len(), roofs = roofs.len(), "meters registered");
	// Each member's household meter: where its bids are delivered.
	let load_meter: BTreeMap<u32, u32> = meter_keys
		.iter()
		.zip(&ids)
		.filter(|((_, _, flow, _, _), _)| matches!(flow, Flow::Import))
		.map(|((i, _, _, _, _), id)| (*i, *id))
		.collect();

	// 4. Standing orders for half of the members: sized by their typical slot.
	let slot_hours = chain.slot_ms as f64 / 3_600_000.0;
	let mut calls = Vec::new();
	for i in (0..members).filter(|i| i % 2 == 1) {
		let key = &keys[i as usize];
		if let Some(res) = res_of.get(&account(key).0) {
			let wh = (kwp(i) * 0.9 * 1000.0 * slot_hours * 0.3).round().max(1.0) as u64;
			calls.push((
				key,
				energy::tx().market().set_standing_order(
					Side::Offer { res: *res },
					FEED_IN + 5_000 + (i as u128 * 997) % 10_000,
					StandingQuantity::Fixed { wh },
					wh,
				),
			));
		} else {
			let (_, kwh) = LOADS[(i % 7) as usize];
			let wh = (kwh / 8760.0 * 1000.0 * slot_hours).round().max(1.0) as u64;
			calls.push((
				key,
				energy::tx().market().set_standing_order(
					Side::Bid { meter: load_meter[&i] },
					RETAIL - 5_000 - (i as u128 * 997) % 10_000,
					StandingQuantity::Fixed { wh },
					wh,
				),
			));
		}
	}
	submit_all(api, calls).await.context("setting standing orders")?;

	// 5. The files for the gateway and the traders.
	let anchor_slot =
		chain.last_ended_slot().await?.ok_or_else(|| anyhow!("no finalized time"))? + 1;
	let data = std::fs::canonicalize(
		Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/simbench_2016_hourly.csv"),
	)?;
	let keystore = KeystoreFile {
		gateway: gateway_secret().into(),
		meters: meter_keys
			.iter()
			.zip(&ids)
			.map(|((i, _, _, _, secret), id)| MeterEntry {
				meter: *id,
				scheme: scheme(*i),
				secret: secret.clone(),
			})
			.collect(),
	};
	keystore::save(&paths.keystore, &keystore)?;
	let replay = ReplayFile {
		data: data.to_string_lossy().into_owned(),
		accelerated: Some(replay::AcceleratedClock { anchor_slot, start_hour }),
		meters: meter_keys
			.iter()
			.zip(&ids)
			.map(|((_, profile, flow, size, _), id)| ReplayMeter {
				meter: *id,
				profile: profile.clone(),
				flow: *flow,
				size: *size,
			})
			.collect(),
	};
	std::fs::write(&paths.replay, serde_json::to_vec_pretty(&replay)?)?;
	let community = CommunityFile {
		genesis: hex::encode(chain.genesis),
		anchor_slot,
		start_hour,
		members: (0..members)
			.map(|i| {
				let address = account(&keys[i as usize]);
				Member {
					index: i,
					address: address.to_string(),
					pv: res_of.get(&address.0).map(|res| (*res, kwp(i))),
					meters: meter_keys
						.iter()
						.zip(&ids)
						.filter(|((m, ..), _)| *m == i)
						.map(|((_, profile, flow, ..), id)| (*id, profile.clone(), *flow))
						.collect(),
					standing: i % 2 == 1,
				}
			})
			.collect(),
	};
	std::fs::write(&paths.community, serde_json::to_vec_pretty(&community)?)?;
	Ok(community)
}

/// Trades for the members without standing orders until `until_slot`: for each auction that
/// opens, each places a bid for its expected consumption (and a prosumer an offer of its
/// expected PV) at its own price between the feed-in and retail tariffs.
pub async fn trade(url: &str, dir: &Path, until_slot: Option<u32>) -> Result<()> {
	let paths = CommunityPaths::new(dir);
	let community: CommunityFile = serde_json::from_slice(&std::fs::read(&paths.community)?)?;
	let sources: BTreeMap<u32, replay::MeterSource> =
		replay::load(&paths.replay)?.into_iter().map(|s| (s.definition.meter, s)).collect();
	let clock =
		Clock::Accelerated { anchor_slot: community.anchor_slot, start_hour: community.start_hour };
	let mut traded = BTreeSet::new();
	loop {
		let chain = match Chain::connect(url).await {
			Ok(chain) => chain,
			Err(e) => {
				warn!("trader: node unavailable ({e:#})");
				tokio::time::sleep(Duration::from_secs(3)).await;
				continue;
			},
		};
		loop {
			let Ok(Some(last_ended)) = chain.last_ended_slot().await else { break };
			if until_slot.is_some_and(|until| last_ended >= until) {
				return Ok(());
			}
			// The auction two slots ahead is open and far from its gate closure.
			let slot = last_ended + 3;
			if traded.insert(slot) {
				let hour = clock.profile_hour(slot, chain.slot_ms);
				let mut calls: Vec<(&Keypair, Order)> = Vec::new();
				let keys: Vec<Keypair> =
					community.members.iter().map(|m| member_key(m.index)).collect();
				for member in community.members.iter().filter(|m| !m.standing) {
					let key = &keys[member.index as usize];
					let mix = (member.index as u128 * 7_919 + slot as u128 * 104_729) % 20_000;
					for (meter, _, flow) in &member.meters {
						let (import, export) = sources[meter].slot_energy(hour, chain.slot_ms);
						match (flow, member.pv) {
							(Flow::Import, _) if import >= 1.0 => calls.push((
								key,
								Order::Bid(energy::tx().market().place_bid(
									slot,
									*meter,
									import.round() as u64,
									RETAIL - 20_000 + mix,
								)),
							)),
							(Flow::Export, Some((res, _))) if export >= 1.0 => calls.push((
								key,
								Order::Offer(energy::tx().market().place_offer(
									slot,
									res,
									export.round() as u64,
									FEED_IN + mix,
								)),
							)),
							_ => {},
						}
					}
				}
				let n = calls.len();
				match submit_all(&chain.api, calls).await {
					Ok(_) => {
						println!("slot {slot} (profile hour {hour}): {n} orders placed by hand")
					},
					Err(e) => warn!("slot {slot}: placing orders failed: {e:#}"),
				}
			}
			tokio::time::sleep(Duration::from_secs(3)).await;
		}
	}
}

/// A hand-trader's order: a bid or an offer, so one slot's orders of all members go into the
/// pool together (each signer's with consecutive nonces).
enum Order {
	Bid(StaticPayload<PlaceBid>),
	Offer(StaticPayload<PlaceOffer>),
}

impl EncodeAsFields for Order {
	fn encode_as_fields_to<R: TypeResolver>(
		&self,
		fields: &mut dyn FieldIter<'_, R::TypeId>,
		types: &R,
		out: &mut Vec<u8>,
	) -> Result<(), scale_encode::Error> {
		match self {
			Order::Bid(call) => call.call_data().encode_as_fields_to(fields, types, out),
			Order::Offer(call) => call.call_data().encode_as_fields_to(fields, types, out),
		}
	}
}

impl Payload for Order {
	type CallData = Self;

	fn pallet_name(&self) -> &str {
		match self {
			Order::Bid(call) => Payload::pallet_name(call),
			Order::Offer(call) => Payload::pallet_name(call),
		}
	}

	fn call_name(&self) -> &str {
		match self {
			Order::Bid(call) => Payload::call_name(call),
			Order::Offer(call) => Payload::call_name(call),
		}
	}

	fn call_data(&self) -> &Self {
		self
	}

	fn validation_details(&self) -> Option<ValidationDetails<'_>> {
		match self {
			Order::Bid(call) => Payload::validation_details(call),
			Order::Offer(call) => Payload::validation_details(call),
		}
	}
}
