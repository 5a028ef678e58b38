//! One simulated span under one clearing rule: genesis, then every block the market schedule
//! needs, slot after slot.

use std::time::Instant;

use anyhow::{Context, Result};
use energy_primitives::{AccountId, MarketSlot, MeterReading, HOUR_MS};
use pallet_market::{ClearingRule, StandingOrder};
use rayon::prelude::*;

use crate::{
	chain::{
		sign_reading, tariff_table, Chain, GenesisSpec, Keys, Submission, FORECASTS_PER_BATCH,
	},
	community::Community,
	demand_response::{self as flexibility, PlannedRequest},
	forecasts::ForecastPlan,
	layout::Layout,
	ledger::Ledger,
};

/// Block times within a slot (ms after its start; multiples of the six-second Aura slot): the
/// readings closing the previous slot just after the hour (the auction `open_slots_ahead`
/// ahead opens in the same block), settlement of the previous slot at its 15-minute grace
/// window, the forecaster's batch at the slot's middle (as the off-chain worker), and gate
/// closure of the next slot five minutes before it.
pub const READINGS_AT_MS: u64 = 6_000;
/// Settlement of the previous slot (the production schedule's `settlement_delay_ms`).
pub const SETTLEMENT_AT_MS: u64 = 15 * 60_000;
/// The forecaster's batch.
pub const FORECASTS_AT_MS: u64 = 30 * 60_000;
/// Gate closure of the next slot (the production schedule's `gate_closure_ms` before it).
pub const GATE_CLOSURE_AT_MS: u64 = 55 * 60_000;

/// Slots between two compactions of the chain's in-memory database. Without them a 50-member
/// year holds 2.3 GB of replaced trie nodes per rule (peak resident memory of three rules side
/// by side: 6.9 GB), and a 500-member one ten times that. Each compaction copies the live state:
/// measured on a 50-member year under one rule, weekly compactions kept the peak at 294 MB
/// (blocks 333 s), monthly ones at 471 MB (blocks 311 s, within this machine's run-to-run
/// noise).
const COMPACT_EVERY_SLOTS: usize = 7 * 24;

/// What a run needs.
pub struct RunSpec<'a> {
	/// The community and its profiles.
	pub community: &'a Community,
	/// Its accounts and ids.
	pub layout: &'a Layout,
	/// The signing keys.
	pub keys: &'a Keys,
	/// The forecasts to submit, by slot.
	pub plan: &'a ForecastPlan,
	/// The members' standing orders.
	pub standing_orders: Vec<StandingOrder<AccountId>>,
	/// The clearing rule.
	pub rule: ClearingRule,
	/// Slots in the span.
	pub slots: usize,
	/// Unix ms at which slot index 0 starts (an hour boundary).
	pub start_ms: u64,
	/// The DSO's flexibility requests and the members' commitments (none outside a
	/// flexibility study).
	pub requests: &'a [PlannedRequest],
}

/// Where a run's time went.
#[derive(Clone, Copy, Debug, Default, serde::Serialize)]
pub struct Timings {
	/// Building the genesis state.
	pub genesis_s: f64,
	/// Meters signing their readings.
	pub signing_s: f64,
	/// The runtime executing blocks (initialise, transactions, hooks, finalise, commit).
	pub blocks_s: f64,
	/// Recording events.
	pub recording_s: f64,
	/// Blocks authored.
	pub blocks: u32,
}

/// What a run produced.
pub struct RunOutput {
	/// The rule.
	pub rule: ClearingRule,
	/// The chain at the end (for the checks on its state).
	pub chain: Chain,
	/// What the events said.
	pub ledger: Ledger,
	/// Total balances (free and held) of the members at genesis, community order.
	pub balances_before: Vec<u128>,
	/// The utility's total balance at genesis.
	pub utility_before: u128,
	/// The members' accounts, community order.
	pub accounts: Vec<AccountId>,
	/// The utility's account.
	pub utility: AccountId,
	/// The DSO's total balance at genesis.
	pub dso_before: u128,
	/// The DSO's account.
	pub dso: AccountId,
	/// Where the time went.
	pub timings: Timings,
}

/// Runs `spec`'s span; `progress(slots done)` after every slot.
pub fn run(spec: RunSpec, progress: impl Fn(usize)) -> Result<RunOutput> {
	let started = Instant::now();
	let genesis = GenesisSpec {
		layout: spec.layout,
		keys: spec.keys,
		rule: spec.rule,
		tariffs: tariff_table(|hour| spec.community.file.tariff.of_hour(hour)),
		standing_orders: spec.standing_orders.clone(),
	};
	let mut chain = Chain::genesis(&genesis)?;
	let mut timings = Timings { genesis_s: started.elapsed().as_secs_f64(), ..Timings::default() };
	let layout = spec.layout;
	let balances_before: Vec<u128> =
		layout.members.iter().map(|member| chain.total_balance(&member.account)).collect();
	let utility_before = chain.total_balance(&layout.utility);
	let dso_before = chain.total_balance(&layout.dso);

	let first_slot = (spec.start_ms / HOUR_MS) as MarketSlot;
	let mut ledger = Ledger::new(layout, first_slot, spec.slots);
	let readings = signed_readings(&spec, &chain, first_slot, &mut timings);

	// Authors a block at `at` and, while submissions are left over (a full block), the blocks
	// after it, one Aura slot apart (the schedule's next instant is minutes away).
	let block = |chain: &mut Chain,
	             ledger: &mut Ledger,
	             mut at: u64,
	             mut submissions: Vec<Submission>,
	             timings: &mut Timings|
	 -> Result<()> {
		loop {
			let executing = Instant::now();
			let authored = chain.block(at, submissions, spec.keys)?;
			timings.blocks_s += executing.elapsed().as_secs_f64();
			timings.blocks += 1;
			let recording = Instant::now();
			ledger.record(&authored.events);
			timings.recording_s += recording.elapsed().as_secs_f64();
			if authored.left_over.is_empty() {
				return Ok(());
			}
			submissions = authored.left_over;
			at += energy_runtime::SLOT_DURATION;
		}
	};
	let mut readings = readings.into_iter();
	for index in 0..=spec.slots {
		let start = spec.start_ms + index as u64 * HOUR_MS;
		let closing = if index == 0 { Vec::new() } else { readings.next().unwrap_or_default() };
		let mut submissions: Vec<Submission> = closing
			.into_iter()
			.enumerate()
			.filter(|(_, batch)| !batch.is_empty())
			.map(|(gateway, readings)| Submission::Readings { gateway, readings })
			.collect();
		let posted_before = |request: &&PlannedRequest| request.posted_in + 1 == index;
		submissions.extend(flexibility::accepts(spec.requests, &ledger, first_slot, posted_before));
		block(&mut chain, &mut ledger, start + READINGS_AT_MS, submissions, &mut timings)
			.with_context(|| format!("slot {index}: readings"))?;
		let closed = |request: &&PlannedRequest| request.slot + 1 == index;
		let settles = flexibility::settles(spec.requests, &ledger, first_slot, closed);
		block(&mut chain, &mut ledger, start + SETTLEMENT_AT_MS, settles, &mut timings)
			.with_context(|| format!("slot {index}: settlement"))?;
		if index == spec.slots {
			break;
		}
		let forecasts = forecast_submissions(&spec.plan[index], first_slot);
		block(&mut chain, &mut ledger, start + FORECASTS_AT_MS, forecasts, &mut timings)
			.with_context(|| format!("slot {index}: forecasts"))?;
		let posts = flexibility::posts(spec.requests, first_slot, index);
		block(&mut chain, &mut ledger, start + GATE_CLOSURE_AT_MS, posts, &mut timings)
			.with_context(|| format!("slot {index}: gate closure"))?;
		if index % COMPACT_EVERY_SLOTS == COMPACT_EVERY_SLOTS - 1 {
			let compacting = Instant::now();
			chain.compact();
			timings.blocks_s += compacting.elapsed().as_secs_f64();
		}
		progress(index + 1);
	}
	let accounts = layout.members.iter().map(|member| member.account.clone()).collect();
	Ok(RunOutput {
		rule: spec.rule,
		chain,
		ledger,
		balances_before,
		utility_before,
		accounts,
		utility: layout.utility.clone(),
		dso_before,
		dso: layout.dso.clone(),
		timings,
	})
}

/// Every meter's readings, signed by its key for this chain: `result[slot][gateway]` closes
/// slot index `slot` (cumulative registers, sequence = slot index + 1).
fn signed_readings(
	spec: &RunSpec,
	chain: &Chain,
	first_slot: MarketSlot,
	timings: &mut Timings,
) -> Vec<Vec<Vec<energy_primitives::SignedReading>>> {
	let signing = Instant::now();
	let genesis_hash = chain.genesis_hash();
	let layout = spec.layout;
	let per_meter: Vec<Vec<energy_primitives::SignedReading>> = layout
		.meters
		.par_iter()
		.enumerate()
		.map(|(id, meter)| {
			let member = &spec.community.members[meter.member];
			let (mut import, mut export) = (0u64, 0u64);
			(0..spec.slots)
				.map(|index| {
					if meter.res.is_some() {
						export += member.pv_wh[index];
					} else {
						import += member.load_wh[index];
					}
					let reading = MeterReading {
						meter: id as u32,
						sequence: index as u64 + 1,
						slot: first_slot + index as MarketSlot,
						import_wh: import,
						export_wh: export,
					};
					sign_reading(&spec.keys.meters[id], &genesis_hash, reading)
				})
				.collect()
		})
		.collect();
	let mut by_slot = vec![vec![Vec::new(); layout.gateways()]; spec.slots];
	for (id, readings) in per_meter.into_iter().enumerate() {
		for (index, reading) in readings.into_iter().enumerate() {
			by_slot[index][layout.gateway_of(id)].push(reading);
		}
	}
	timings.signing_s += signing.elapsed().as_secs_f64();
	by_slot
}

/// The forecaster's batches of one slot: per target slot, batches of at most
/// `MaxForecastsPerBatch`.
fn forecast_submissions(
	forecasts: &[(usize, u32, energy_primitives::EnergyForecast)],
	first_slot: MarketSlot,
) -> Vec<Submission> {
	let mut submissions: Vec<Submission> = Vec::new();
	for (target, meter, forecast) in forecasts {
		let slot = first_slot + *target as MarketSlot;
		match submissions.last_mut() {
			Some(Submission::Forecasts { slot: last, forecasts })
				if *last == slot && forecasts.len() < FORECASTS_PER_BATCH =>
			{
				forecasts.push((*meter, *forecast))
			},
			_ => submissions
				.push(Submission::Forecasts { slot, forecasts: vec![(*meter, *forecast)] }),
		}
	}
	submissions
}
