//! `energy-load burst`: the hour-boundary burst. In production every meter reports just after
//! each slot ends; this sends, for each of `slots` consecutive slots, one reading of that slot
//! from every selected meter of a generated load chain (`energy-load chain-spec`), each
//! gateway's meters in batches of up to `batch` readings (one transaction each, in nonce
//! order), right after the slot's end, and measures for every reading
//! when it was submitted, included (the node's best block) and finalized, from the slot's end.
//!
//! The meters' readings (and the gateways' transactions) are signed before the slot ends: a
//! real community's meters sign at once on their own devices, so the load tool's one CPU
//! signing them in turn is not part of what the chain is measured on.

use std::{
	collections::{btree_map::Entry, BTreeMap, HashMap, VecDeque},
	sync::Arc,
	time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use anyhow::{anyhow, bail, Result};
use energy_gateway::{
	chain::{state_of, Api, Chain, Params},
	keystore::{dev_key, MeterKey, Scheme},
	runtime::energy::{
		self,
		runtime_types::{
			bounded_collections::bounded_vec::BoundedVec, pallet_meters::types::MeterKind,
		},
	},
	signing,
};
use energy_primitives::{
	provable_per_slot_wh,
	reading::{MeterPublicKey, MeterReading},
	CoveredSlots,
};
use energy_runtime::Runtime;
use frame_support::traits::Get;
use subxt::{
	config::RpcConfigFor,
	rpcs::{LegacyRpcMethods, RpcClient},
	utils::Static,
	PolkadotConfig,
};
use tokio::sync::Mutex;

use crate::{
	load::{account, genesis_slot, Signed},
	spec::{gateway_uri, LOAD_PV_W},
};

/// Which load gateways' meters report.
#[derive(Clone, Copy, Debug, Eq, PartialEq, clap::ValueEnum)]
pub enum Meters {
	/// Every load meter: the burst of a whole community.
	All,
	/// sr25519 consumption meters.
	Sr25519,
	/// ed25519 consumption meters.
	Ed25519,
	/// Production meters of both schemes (their readings mint certificates).
	Production,
	/// sr25519 production meters.
	ProductionSr25519,
	/// ed25519 production meters.
	ProductionEd25519,
}

/// What kind of meters a load gateway holds.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
enum Kind {
	Sr25519,
	Ed25519,
	ProductionSr25519,
	ProductionEd25519,
}

impl Kind {
	fn is_production(self) -> bool {
		matches!(self, Kind::ProductionSr25519 | Kind::ProductionEd25519)
	}
}

impl Meters {
	fn takes(self, kind: Kind) -> bool {
		match self {
			Meters::All => true,
			Meters::Sr25519 => kind == Kind::Sr25519,
			Meters::Ed25519 => kind == Kind::Ed25519,
			Meters::Production => kind.is_production(),
			Meters::ProductionSr25519 => kind == Kind::ProductionSr25519,
			Meters::ProductionEd25519 => kind == Kind::ProductionEd25519,
		}
	}

	fn label(self) -> &'static str {
		match self {
			Meters::All => "every meter (sr25519 + ed25519 consumption, production)",
			Meters::Sr25519 => "sr25519 consumption meters",
			Meters::Ed25519 => "ed25519 consumption meters",
			Meters::Production => "production meters (minting)",
			Meters::ProductionSr25519 => "sr25519 production meters (minting)",
			Meters::ProductionEd25519 => "ed25519 production meters (minting)",
		}
	}
}

/// p50, p95, p99 and maximum of a distribution, s.
#[derive(Clone, Copy, Debug, Default)]
pub struct Percentiles {
	/// Median.
	pub p50: f64,
	/// 95th percentile.
	pub p95: f64,
	/// 99th percentile.
	pub p99: f64,
	/// Maximum.
	pub max: f64,
}

impl Percentiles {
	/// Of `samples` (value, weight): each value counts `weight` times.
	fn of(samples: &mut [(f64, u64)]) -> Self {
		samples.sort_by(|a, b| a.0.total_cmp(&b.0));
		let total: u64 = samples.iter().map(|s| s.1).sum();
		let at = |q: f64| {
			let rank = ((total as f64) * q).ceil().max(1.0) as u64;
			let mut seen = 0;
			for (value, weight) in samples.iter() {
				seen += weight;
				if seen >= rank {
					return *value;
				}
			}
			samples.last().map_or(0.0, |s| s.0)
		};
		Percentiles { p50: at(0.50), p95: at(0.95), p99: at(0.99), max: at(1.0) }
	}
}

/// The outcome of a burst.
#[derive(Clone, Debug)]
pub struct BurstResult {
	/// What reported.
	pub label: String,
	/// Meters that reported each slot.
	pub meters: usize,
	/// Slots reported.
	pub slots: u32,
	/// Readings finalized (accepted).
	pub readings: u64,
	/// Energy minted by them, Wh.
	pub minted_wh: u64,
	/// Energy the production readings exported, Wh.
	pub exported_wh: u64,
	/// What of it the chain certifies ([`LoadMeter::read`]): in each of a reading's newest
	/// `MaxCertifiedSlotsPerReading` slots, its share, but no more than the reading proves of
	/// that slot (nothing for a reading over several slots at half the nameplate).
	pub certifiable_wh: u64,
	/// Blocks that carried them.
	pub blocks: usize,
	/// Most readings in one block.
	pub max_per_block: u64,
	/// From a slot's end until its last reading was finalized, s (the worst slot).
	pub last_finalized_s: f64,
	/// Readings finalized per second from the first slot's end to the last finalization.
	pub per_second: f64,
	/// Submitted, from the slot's end.
	pub submitted: Percentiles,
	/// Included in the node's best chain, from the slot's end.
	pub included: Percentiles,
	/// Finalized, from the slot's end.
	pub finalized: Percentiles,
	/// One-slot production readings that minted less than their export, by slot.
	pub uncertified: BTreeMap<u32, Uncertified>,
}

/// The one-slot production readings of a slot that minted less than their export (each proves
/// its whole export, so only the slot's auction can have refused it), and that auction's state
/// in the block that accepted the first of them.
#[derive(Clone, Debug)]
pub struct Uncertified {
	/// How many such readings.
	pub readings: u64,
	/// Their export less what they minted, Wh.
	pub missing_wh: u64,
	/// `Market::Auctions(slot)` then: its status, or that the slot has no auction.
	pub auction: String,
}

/// A load meter and where its sequence and registers stand.
struct LoadMeter {
	id: u32,
	production: bool,
	sequence: u64,
	/// The last slot its readings closed.
	last_slot: Option<u32>,
	registers: (u64, u64),
}

/// A load RES's production as the chain sees it.
#[derive(Clone, Copy)]
struct Pv {
	/// Its nameplate, W.
	nameplate_w: u64,
	/// The chain's slot length, ms.
	slot_ms: u64,
	/// What it exports in each slot: half its nameplate (4 Wh in a six-second slot).
	per_slot_wh: u64,
	/// `MaxCertifiedSlotsPerReading`: how many of a reading's newest slots may be minted.
	certified_slots: u32,
}

impl LoadMeter {
	/// The meter's reading of `slot`: 3 Wh imported in each slot it covers (every slot since
	/// its last reading), and for a production meter `pv.per_slot_wh` exported in each.
	/// Returns it with the Wh exported and what of that the chain certifies, by the chain's own
	/// rule: in each of the newest `certified_slots` covered slots, its pro-rata share, but no
	/// more than the reading proves of each slot (`provable_per_slot_wh`: all of it for a
	/// one-slot reading; for a longer one, the export less what the other slots could have
	/// made, which is nothing at half the nameplate).
	fn read(&mut self, slot: u32, pv: Pv) -> (MeterReading, u64, u64) {
		let last = self.last_slot.unwrap_or(slot.saturating_sub(1));
		let covered = CoveredSlots::new(last.saturating_add(1), slot)
			.unwrap_or(CoveredSlots { first: slot, last: slot });
		let slots = covered.count();
		let (exported, certifiable) = if self.production {
			let exported = pv.per_slot_wh * u64::from(slots);
			let proven = provable_per_slot_wh(exported, pv.nameplate_w, pv.slot_ms, slots);
			let certifiable = if proven == 0 {
				0
			} else {
				(0..slots.min(pv.certified_slots))
					.map(|back| covered.share_of(exported, slot - back).min(proven))
					.sum()
			};
			(exported, certifiable)
		} else {
			(0, 0)
		};
		self.sequence += 1;
		self.last_slot = Some(slot);
		self.registers.0 += 3 * u64::from(slots);
		self.registers.1 += exported;
		let reading = MeterReading {
			meter: self.id,
			sequence: self.sequence,
			slot,
			import_wh: self.registers.0,
			export_wh: self.registers.1,
		};
		(reading, exported, certifiable)
	}
}

/// A load gateway taking part.
struct Gateway {
	key: subxt_signer::sr25519::Keypair,
	kind: Kind,
	meters: Vec<LoadMeter>,
}

/// Per gateway account, the ids of its batches not yet seen in a best block and in a finalized
/// block, oldest first.
type Queues = HashMap<[u8; 32], (VecDeque<usize>, VecDeque<usize>)>;

/// One gateway's batch of one slot and what happened to it.
struct Batch {
	slot_end_ms: u64,
	readings: u64,
	submitted_ms: Option<u64>,
	included_ms: Option<u64>,
	finalized_ms: Option<u64>,
}

fn now_ms() -> u64 {
	SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

/// The load gateways of the chain (`//load//gateway//<i>` for i = 0, 1, ... while it has a
/// page), with their meters.
async fn gateways(chain: &Chain) -> Result<Vec<Gateway>> {
	let genesis_slot = Some(genesis_slot(chain).await?);
	let mut found = Vec::new();
	for index in 0.. {
		let key = dev_key(&gateway_uri(index));
		let page = chain.page(&account(&key)).await?;
		let Some(first) = page.first() else { break };
		let kind = match (&first.kind, &first.key) {
			(MeterKind::Production { .. }, Static(MeterPublicKey::Ed25519(_))) => {
				Kind::ProductionEd25519
			},
			(MeterKind::Production { .. }, _) => Kind::ProductionSr25519,
			(_, Static(MeterPublicKey::Ed25519(_))) => Kind::Ed25519,
			_ => Kind::Sr25519,
		};
		let meters = page
			.iter()
			.map(|m| LoadMeter {
				id: m.id,
				production: kind.is_production(),
				sequence: m.last_sequence,
				last_slot: state_of(m, genesis_slot).last_slot,
				registers: (m.registers.import_wh, m.registers.export_wh),
			})
			.collect();
		found.push(Gateway { key, kind, meters });
	}
	if found.is_empty() {
		bail!("no load gateway (//load//gateway//0) on this chain: start the node with a spec of `energy-load chain-spec`");
	}
	Ok(found)
}

/// Runs the burst: `slots` consecutive slots of readings from `which` meters, each gateway's in
/// batches of up to `batch` readings.
pub async fn run(
	url: &str,
	which: Meters,
	slots: u32,
	batch: usize,
	lanes: usize,
) -> Result<BurstResult> {
	let batch = batch.max(1);
	let chain = Chain::connect(url).await?;
	let rpc = RpcClient::from_insecure_url(url).await?;
	let mut all = gateways(&chain).await?;
	all.retain(|g| which.takes(g.kind));
	if all.is_empty() {
		bail!("no {} on this chain", which.label());
	}
	let meters: usize = all.iter().map(|g| g.meters.len()).sum();
	let slot_ms = chain.slot_ms;
	// Sign everything before the first slot ends: at ~40 µs a reading, plus a slot of margin.
	let signing_ms = (meters as u64 * slots as u64 * 40) / 1_000;
	let first_slot = (now_ms() / slot_ms + 2 + signing_ms / slot_ms) as u32;
	println!(
		"burst of {}: {meters} meters on {} gateways, {slots} slot(s) from slot {first_slot}; signing",
		which.label(),
		all.len()
	);
	let sr = MeterKey::from_secret(Scheme::Sr25519, "//load//meter")?;
	let ed = MeterKey::from_secret(Scheme::Ed25519, "//load//meter")?;
	let pv = MeterKey::from_secret(Scheme::Sr25519, "//load//pv")?;
	let tx = chain.api.tx().await?;
	// Per slot, the gateways' signed transactions (gateway, readings, transaction); per
	// gateway, its batches in nonce order.
	let mut per_slot: Vec<Vec<(usize, u64, Signed)>> = Vec::new();
	let (mut exported_wh, mut certifiable_wh) = (0u64, 0u64);
	let production = Pv {
		nameplate_w: LOAD_PV_W,
		slot_ms,
		per_slot_wh: LOAD_PV_W / 2 * slot_ms / 3_600_000,
		certified_slots: <Runtime as pallet_meters::Config>::MaxCertifiedSlotsPerReading::get(),
	};
	let mut nonces = Vec::new();
	for gateway in &all {
		nonces.push(tx.account_nonce(&account(&gateway.key)).await?);
	}
	for offset in 0..slots {
		let slot = first_slot + offset;
		let mut txs = Vec::new();
		for (index, gateway) in all.iter_mut().enumerate() {
			let key = match gateway.kind {
				Kind::Sr25519 => &sr,
				Kind::Ed25519 | Kind::ProductionEd25519 => &ed,
				Kind::ProductionSr25519 => &pv,
			};
			let mut readings = Vec::with_capacity(gateway.meters.len());
			for meter in gateway.meters.iter_mut() {
				let (reading, exported, certifiable) = meter.read(slot, production);
				exported_wh += exported;
				certifiable_wh += certifiable;
				readings.push(Static(signing::sign(reading, &chain.genesis, key)));
			}
			for chunk in readings.chunks(batch) {
				let call = energy::tx().meters().submit_readings(BoundedVec(chunk.to_vec()));
				let params = Params::new().immortal().nonce(nonces[index]).build();
				nonces[index] += 1;
				let signed = tx.create_signable_offline(&call, params)?.sign(&gateway.key)?;
				txs.push((index, chunk.len() as u64, signed));
			}
		}
		per_slot.push(txs);
	}
	let first_end = (first_slot as u64 + 1) * slot_ms;
	if now_ms() >= first_end {
		bail!("signing took past the end of slot {first_slot}: fewer meters or slots");
	}

	// Every batch, in submission order per gateway (the chain processes a gateway's batches in
	// nonce order, so its `BatchProcessed` events match them first to last).
	let batches: Arc<Mutex<Vec<Batch>>> = Arc::new(Mutex::new(Vec::new()));
	let mut queues: Queues = HashMap::new();
	{
		let mut list = batches.lock().await;
		for (offset, txs) in per_slot.iter().enumerate() {
			let end = (first_slot as u64 + offset as u64 + 1) * slot_ms;
			for (gateway, readings, _) in txs {
				let id = list.len();
				list.push(Batch {
					slot_end_ms: end,
					readings: *readings,
					submitted_ms: None,
					included_ms: None,
					finalized_ms: None,
				});
				let queue = queues.entry(account(&all[*gateway].key).0).or_default();
				queue.0.push_back(id);
				queue.1.push_back(id);
			}
		}
	}
	let total_batches = batches.lock().await.len();
	let queues = Arc::new(Mutex::new(queues));
	// Blocks finalized before the burst hold none of its batches, but may hold the last batches
	// of an earlier burst of the same gateways (both subscriptions start with a current block),
	// which would be matched to this burst's first ones.
	let before = chain.api.at_current_block().await?.block_number();
	let watch_best = watch(chain.api.clone(), batches.clone(), queues.clone(), before, false);
	let watch_final = watch(chain.api.clone(), batches.clone(), queues.clone(), before, true);
	let best = tokio::spawn(watch_best);
	let finalized = tokio::spawn(watch_final);

	// Submit each slot's batches right after its end, from `lanes` concurrent tasks; a
	// gateway's batches all go through one lane, in nonce order.
	let mut next_id = 0usize;
	for (offset, txs) in per_slot.into_iter().enumerate() {
		let end = (first_slot as u64 + offset as u64 + 1) * slot_ms;
		let wait = end.saturating_sub(now_ms());
		tokio::time::sleep(Duration::from_millis(wait)).await;
		let mut lanes_txs: Vec<Vec<(usize, Signed)>> = (0..lanes).map(|_| Vec::new()).collect();
		for (i, (gateway, _, signed)) in txs.into_iter().enumerate() {
			lanes_txs[gateway % lanes].push((next_id + i, signed));
		}
		next_id += lanes_txs.iter().map(Vec::len).sum::<usize>();
		let mut submitters = tokio::task::JoinSet::new();
		for lane in lanes_txs {
			let rpc = LegacyRpcMethods::<RpcConfigFor<PolkadotConfig>>::new(rpc.clone());
			let batches = batches.clone();
			submitters.spawn(async move {
				for (id, signed) in lane {
					match rpc.author_submit_extrinsic(signed.encoded()).await {
						Ok(_) => {},
						// The RPC client resends a request that timed out: the pool already
						// holds the batch.
						Err(e) if format!("{e:?}").contains("Already Imported") => {},
						Err(e) => bail!("the pool refused a batch: {e:?}"),
					}
					batches.lock().await[id].submitted_ms = Some(now_ms());
				}
				Ok::<_, anyhow::Error>(())
			});
		}
		while let Some(done) = submitters.join_next().await {
			done??;
		}
	}
	// Wait until the finalized watcher has seen every batch (it then returns its tally), it fails,
	// or nothing moves for two minutes.
	let mut finalized = finalized;
	let mut last_progress = (0usize, Instant::now());
	let (blocks, max_per_block, minted_wh, uncertified) = loop {
		tokio::select! {
			watched = &mut finalized => break watched??,
			_ = tokio::time::sleep(Duration::from_millis(200)) => {},
		}
		let done = batches.lock().await.iter().filter(|b| b.finalized_ms.is_some()).count();
		if done != last_progress.0 {
			last_progress = (done, Instant::now());
		} else if last_progress.1.elapsed() > Duration::from_secs(120) {
			bail!("{done}/{total_batches} batches finalized; none more for two minutes");
		}
		if best.is_finished() {
			best.await??;
			bail!("the best-block subscription ended");
		}
	};
	best.abort();
	let list = batches.lock().await;
	let seconds = |at: Option<u64>, b: &Batch| {
		at.unwrap_or(b.slot_end_ms).saturating_sub(b.slot_end_ms) as f64 / 1e3
	};
	let mut submitted: Vec<(f64, u64)> =
		list.iter().map(|b| (seconds(b.submitted_ms, b), b.readings)).collect();
	// A batch whose best block the subscription skipped (it does not fill gaps) counts as
	// included when it was finalized.
	let mut included: Vec<(f64, u64)> =
		list.iter().map(|b| (seconds(b.included_ms.or(b.finalized_ms), b), b.readings)).collect();
	let mut finalized_s: Vec<(f64, u64)> =
		list.iter().map(|b| (seconds(b.finalized_ms, b), b.readings)).collect();
	let readings: u64 = list.iter().map(|b| b.readings).sum();
	let last_final = list.iter().filter_map(|b| b.finalized_ms).max().unwrap_or(first_end);
	Ok(BurstResult {
		label: which.label().to_string(),
		meters,
		slots,
		readings,
		minted_wh,
		exported_wh,
		certifiable_wh,
		blocks,
		max_per_block,
		last_finalized_s: finalized_s.iter().map(|s| s.0).fold(0.0, f64::max),
		per_second: readings as f64
			/ (last_final.saturating_sub(first_end) as f64 / 1e3).max(0.001),
		submitted: Percentiles::of(&mut submitted),
		included: Percentiles::of(&mut included),
		finalized: Percentiles::of(&mut finalized_s),
		uncertified,
	})
}

/// What the finalized watcher returns: blocks that carried readings, most readings in one
/// block, Wh minted, and the one-slot production readings that minted less than their export.
type Watched = (usize, u64, u64, BTreeMap<u32, Uncertified>);

/// Follows the best (`finalized = false`) or finalized blocks after block `before` and stamps
/// each batch whose `BatchProcessed` event a block carries. The finalized watcher returns its
/// [`Watched`] tally once every batch is finalized; the best watcher runs until it is aborted.
async fn watch(
	api: Api,
	batches: Arc<Mutex<Vec<Batch>>>,
	queues: Arc<Mutex<Queues>>,
	before: u64,
	finalized: bool,
) -> Result<Watched> {
	let mut stream =
		if finalized { api.stream_blocks().await? } else { api.stream_best_blocks().await? };
	let (mut blocks, mut max_per_block, mut minted) = (0usize, 0u64, 0u64);
	let mut uncertified = BTreeMap::new();
	while let Some(block) = stream.next().await {
		let block = block?;
		let seen = now_ms();
		if block.number() <= before {
			continue;
		}
		let at = block.at().await?;
		let events = at.events().fetch().await?;
		if finalized {
			for accepted in events.find::<energy::meters::events::ReadingAccepted>() {
				let accepted = accepted?;
				if accepted.slots != 1 || accepted.minted_wh >= accepted.export_wh {
					continue;
				}
				let entry = match uncertified.entry(accepted.slot) {
					Entry::Occupied(entry) => entry.into_mut(),
					Entry::Vacant(entry) => {
						let auction = at
							.storage()
							.try_fetch(energy::storage().market().auctions(), (accepted.slot,))
							.await?;
						let auction = match auction {
							Some(value) => format!("{:?}", value.decode()?.status),
							None => "none".to_string(),
						};
						entry.insert(Uncertified { readings: 0, missing_wh: 0, auction })
					},
				};
				entry.readings += 1;
				entry.missing_wh += accepted.export_wh - accepted.minted_wh;
			}
		}
		let mut in_block = 0u64;
		let mut queues = queues.lock().await;
		let mut list = batches.lock().await;
		for processed in events.find::<energy::meters::events::BatchProcessed>() {
			let processed = processed?;
			let Some(queue) = queues.get_mut(&processed.gateway.0) else { continue };
			let queue = if finalized { &mut queue.1 } else { &mut queue.0 };
			let Some(id) = queue.pop_front() else { continue };
			if processed.tally.rejected > 0 {
				bail!("{} readings rejected in a burst batch", processed.tally.rejected);
			}
			let batch = &mut list[id];
			batch.readings = processed.tally.accepted as u64;
			if finalized {
				batch.finalized_ms = Some(seen);
				minted += processed.tally.minted_wh;
			} else {
				batch.included_ms = Some(seen);
			}
			in_block += processed.tally.accepted as u64;
		}
		if in_block > 0 {
			blocks += 1;
			max_per_block = max_per_block.max(in_block);
		}
		if finalized && list.iter().all(|b| b.finalized_ms.is_some()) {
			return Ok((blocks, max_per_block, minted, uncertified));
		}
	}
	Err(anyhow!("the block subscription ended"))
}

/// Prints a burst's figures.
pub fn print(r: &BurstResult) {
	println!(
		"burst, {}: {} meters x {} slot(s) = {} readings finalized in {} blocks (max {}/block); \
		 {:.0}/s; last finalized {:.1} s after its slot's end; minted {} of {} Wh certifiable \
		 ({} Wh exported)",
		r.label,
		r.meters,
		r.slots,
		r.readings,
		r.blocks,
		r.max_per_block,
		r.per_second,
		r.last_finalized_s,
		r.minted_wh,
		r.certifiable_wh,
		r.exported_wh
	);
	for (what, p) in
		[("submitted", r.submitted), ("included", r.included), ("finalized", r.finalized)]
	{
		println!(
			"  {what:<9} after the slot's end: p50 {:>5.1} s  p95 {:>5.1} s  p99 {:>5.1} s  max {:>5.1} s",
			p.p50, p.p95, p.p99, p.max
		);
	}
	if !r.uncertified.is_empty() {
		let readings: u64 = r.uncertified.values().map(|u| u.readings).sum();
		let missing: u64 = r.uncertified.values().map(|u| u.missing_wh).sum();
		let slots: Vec<String> = r
			.uncertified
			.iter()
			.map(|(slot, u)| format!("slot {slot}: {} (auction: {})", u.readings, u.auction))
			.collect();
		println!(
			"  one-slot production readings that minted less than their export: {readings} \
			 ({missing} Wh); {}",
			slots.join(", ")
		);
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	const PV: Pv = Pv { nameplate_w: 5_000, slot_ms: 6_000, per_slot_wh: 4, certified_slots: 2 };

	#[test]
	fn a_reading_covers_every_slot_since_the_last_and_proves_only_a_single_slot() {
		let mut meter = LoadMeter {
			id: 7,
			production: true,
			sequence: 4,
			last_slot: Some(100),
			registers: (30, 40),
		};
		// Ten slots since the last reading: 40 Wh exported, but the other nine slots could
		// have made 75 Wh, so the reading proves nothing of any slot (the chain mints nothing).
		let (reading, exported, certifiable) = meter.read(110, PV);
		assert_eq!((reading.sequence, reading.slot), (5, 110));
		assert_eq!((reading.import_wh, reading.export_wh), (60, 80));
		assert_eq!((exported, certifiable), (40, 0));
		// The next slot: one slot covered, all of it proven and certified.
		let (reading, exported, certifiable) = meter.read(111, PV);
		assert_eq!((reading.export_wh, exported, certifiable), (84, 4, 4));
		// A consumption meter exports nothing; a first reading covers its installation slot.
		let mut load =
			LoadMeter { id: 8, production: false, sequence: 0, last_slot: None, registers: (0, 0) };
		let (reading, exported, certifiable) = load.read(50, PV);
		assert_eq!((reading.import_wh, reading.export_wh, exported, certifiable), (3, 0, 0, 0));
	}

	#[test]
	fn a_two_slot_reading_near_the_nameplate_certifies_what_it_proves() {
		// 16 Wh over two slots of a 5 kW RES (at most 9 Wh in one six-second slot, rounded
		// up): at least 16 − 9 − 1 = 6 Wh in each; the pro-rata shares are 8 and 8.
		let mut meter = LoadMeter {
			id: 9,
			production: true,
			sequence: 0,
			last_slot: Some(10),
			registers: (0, 0),
		};
		let (reading, exported, certifiable) = meter.read(12, Pv { per_slot_wh: 8, ..PV });
		assert_eq!((reading.export_wh, exported, certifiable), (16, 16, 12));
	}

	#[test]
	fn percentiles_weigh_each_batch_by_its_readings() {
		// 90 readings at 1 s, 9 at 5 s, 1 at 20 s.
		let mut samples = vec![(5.0, 9), (20.0, 1), (1.0, 90)];
		let p = Percentiles::of(&mut samples);
		assert_eq!((p.p50, p.p95, p.p99, p.max), (1.0, 5.0, 5.0, 20.0));
	}
}
