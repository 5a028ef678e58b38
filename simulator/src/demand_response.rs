//! The DSO's flexibility requests in a simulation and the members' commitments, decided as the
//! chain's users would decide them, from what the chain holds when they act.
//!
//! - **The DSO** runs a programme of about `top_hours` event hours a year. It posts, at 22:55 of
//!   each day, a one-hour request for every hour of the next day whose forecast community net
//!   import (the sum of the chain's import − export forecasts of every meter, all made by then)
//!   is above its threshold (at most as many hours a day as `MaxOpenRequests` leaves room
//!   for), asking for the import down to [`TARGET_SHARE`] of the threshold, at one price per
//!   Wh. The threshold is the forecast of the hour ranked `top_hours` in the span
//!   (a programme calibrated on a year of forecasts; the forecasts, being means, never reach
//!   the metered peaks, so a threshold on metered import would call no event). It names the
//!   consumption meters of the members with flexible appliances (at most `MaxMetersPerRequest`
//!   per request: more members make more requests, each asking its share).
//! - **Each member's planner** plans the next day with the requests' price added to the import
//!   price of their hours ([`crate::homes::Management::WithRequests`]), then commits
//!   [`COMMIT_SHARE`] of the reduction it expects: its baseline (the chain's forecast the request
//!   copied) less its expected import (its metered load of the same hour the day before, or two
//!   days before for 22:00 and 23:00, plus its planned appliances). Members accept in
//!   community order until the request is full.
//! - **The DSO settles** each request a quarter of an hour after the reading that closes its
//!   slot.

use std::collections::BTreeMap;

use anyhow::{bail, Result};
use energy_primitives::{MarketSlot, MeterId};
use energy_runtime::{Runtime, RuntimeCall};
use frame_support::{traits::Get, BoundedVec};

use crate::{
	chain::{Signer, Submission},
	community::Community,
	forecasts::ForecastPlan,
	homes::RequestPrices,
	layout::Layout,
	ledger::Ledger,
};

/// The most meters one request names (the runtime's `MaxMetersPerRequest`).
fn meters_per_request() -> usize {
	<<Runtime as pallet_flexibility::Config>::MaxMetersPerRequest as Get<u32>>::get() as usize
}

/// The most requests open at once (the runtime's `MaxOpenRequests`).
fn open_requests() -> usize {
	<<Runtime as pallet_flexibility::Config>::MaxOpenRequests as Get<u32>>::get() as usize
}

/// The most commitments one meter holds at once (the runtime's `MaxCommitmentsPerMeter`): a
/// commitment is open from its acceptance until its request settles.
fn commitments_per_meter() -> usize {
	<<Runtime as pallet_flexibility::Config>::MaxCommitmentsPerMeter as Get<u32>>::get() as usize
}

/// The share of its expected reduction a member's planner commits: its base load is a
/// forecast, and a shortfall costs half the price.
pub const COMMIT_SHARE: f64 = 0.8;

/// The smallest commitment worth a transaction, Wh.
pub const MIN_COMMIT_WH: u64 = 100;

/// The DSO asks for the community's import down to this share of its threshold.
pub const TARGET_SHARE: f64 = 0.9;

/// The hour of the day before a request's day at which the DSO posts it (22:00–23:00, at gate
/// closure of the next slot): every forecast of the day is on chain by then.
pub const POST_HOUR: usize = 22;

/// What the DSO asks for.
#[derive(Clone, Copy, Debug)]
pub struct DsoPolicy {
	/// Hours of the span, at most, it calls events in.
	pub top_hours: usize,
	/// What it pays per Wh reduced, µCEUR.
	pub price_per_wh: u128,
}

/// The DSO's requests and the threshold it called them at.
#[derive(Clone, Debug, Default)]
pub struct Programme {
	/// The forecast community net import above which an hour is requested, Wh.
	pub threshold_wh: i64,
	/// The requests.
	pub requests: Vec<PlannedRequest>,
}

/// One request the DSO posts.
#[derive(Clone, Debug)]
pub struct PlannedRequest {
	/// Slot index of its one hour.
	pub slot: usize,
	/// Slot index in whose gate-closure block it is posted.
	pub posted_in: usize,
	/// The meters it names, ascending.
	pub meters: Vec<MeterId>,
	/// The reduction it asks for, Wh.
	pub reduction_wh: u64,
	/// Price per Wh, µCEUR.
	pub price_per_wh: u128,
	/// The community's forecast net import of the hour, Wh.
	pub forecast_net_wh: i64,
	/// Each named meter's baseline: its import forecast, Wh.
	pub baselines: BTreeMap<MeterId, u64>,
	/// The members' commitments: (member index, meter, Wh).
	pub commitments: Vec<(usize, MeterId, u64)>,
}

/// The forecasts on chain: `(slot index made in, forecast)` per target slot index and meter.
struct OnChain {
	by_target: Vec<BTreeMap<MeterId, (usize, i64, u64)>>,
}

impl OnChain {
	fn new(plan: &ForecastPlan, slots: usize) -> Self {
		let mut by_target = vec![BTreeMap::new(); slots];
		for (made_in, forecasts) in plan.iter().enumerate() {
			for (target, meter, forecast) in forecasts {
				if let Some(targets) = by_target.get_mut(*target) {
					let net = forecast.import_wh as i64 - forecast.export_wh as i64;
					targets.entry(*meter).or_insert((made_in, net, forecast.import_wh));
				}
			}
		}
		OnChain { by_target }
	}
}

/// The DSO's requests over the span: for each day from the second, posted at 22:55 the day
/// before, from the forecasts on chain by then.
pub fn requests(
	community: &Community,
	layout: &Layout,
	plan: &ForecastPlan,
	slots: usize,
	policy: DsoPolicy,
) -> Result<Programme> {
	let on_chain = OnChain::new(plan, slots);
	let meters_count = layout.meters.len();
	// The community's forecast of each hour, where every meter's forecast is on chain by the
	// time the DSO posts.
	let forecast = |slot: usize| -> Option<i64> {
		let posted_in = (slot / 24 * 24).checked_sub(24 - POST_HOUR)?;
		let forecasts = &on_chain.by_target[slot];
		let complete = forecasts.len() == meters_count
			&& forecasts.values().all(|(made_in, ..)| *made_in <= posted_in);
		complete.then(|| forecasts.values().map(|(_, net, _)| net).sum())
	};
	let mut ranked: Vec<i64> = (0..slots).filter_map(forecast).collect();
	ranked.sort_unstable_by(|a, b| b.cmp(a));
	let Some(&threshold) = ranked.get(policy.top_hours.min(ranked.len().saturating_sub(1))) else {
		return Ok(Programme::default());
	};
	let target = (threshold as f64 * TARGET_SHARE) as i64;
	let flexible: Vec<MeterId> = community
		.members
		.iter()
		.zip(&layout.members)
		.filter(|(member, _)| !member.spec.appliances.is_empty())
		.map(|(_, on_chain)| on_chain.consumption_meter)
		.collect();
	if flexible.is_empty() {
		return Ok(Programme { threshold_wh: threshold, requests: Vec::new() });
	}
	let chunks: Vec<&[MeterId]> = flexible.chunks(meters_per_request()).collect();
	// When the DSO posts, the day before's requests for 22:00 and 23:00 are still open (they
	// settle after their readings, at 23:15 and 00:15): what is left of `MaxOpenRequests` is
	// the day's, one request per chunk of meters and hour.
	let carried = (24 - POST_HOUR) * chunks.len();
	let hours_per_day = open_requests().saturating_sub(carried) / chunks.len();
	if hours_per_day == 0 {
		bail!(
			"{} flexible members need {} requests an hour, more than the runtime's {} open requests allow",
			flexible.len(),
			chunks.len(),
			open_requests()
		);
	}
	let mut requests = Vec::new();
	for day in 1..slots.div_ceil(24) {
		let posted_in = day * 24 - 24 + POST_HOUR;
		// The hours above the limit, by how far above.
		let mut over: Vec<(usize, i64)> = (day * 24..(day * 24 + 24).min(slots))
			.filter_map(|slot| forecast(slot).filter(|net| *net > threshold).map(|net| (slot, net)))
			.collect();
		over.sort_by_key(|(slot, net)| (std::cmp::Reverse(*net), *slot));
		over.truncate(hours_per_day);
		over.sort();
		for (slot, net) in over {
			let wanted = (net - target).max(0) as u64;
			if wanted == 0 {
				continue;
			}
			for chunk in &chunks {
				let share = (wanted * chunk.len() as u64).div_ceil(flexible.len() as u64);
				requests.push(PlannedRequest {
					slot,
					posted_in,
					meters: chunk.to_vec(),
					reduction_wh: share,
					price_per_wh: policy.price_per_wh,
					forecast_net_wh: net,
					baselines: chunk
						.iter()
						.map(|meter| (*meter, on_chain.by_target[slot][meter].2))
						.collect(),
					commitments: Vec::new(),
				});
			}
		}
	}
	Ok(Programme { threshold_wh: threshold, requests })
}

/// The extra import price each member's planner sees: `prices[member][day][hour]`, µCEUR/kWh.
pub fn request_prices(
	community: &Community,
	layout: &Layout,
	requests: &[PlannedRequest],
) -> RequestPrices {
	let days = community.members.first().map_or(0, |m| m.load_wh.len().div_ceil(24));
	let mut prices = vec![vec![[0; 24]; days]; community.members.len()];
	for request in requests {
		for (member, on_chain) in layout.members.iter().enumerate() {
			if request.meters.binary_search(&on_chain.consumption_meter).is_ok() {
				let price = (request.price_per_wh * 1_000) as i64;
				prices[member][request.slot / 24][request.slot % 24] += price;
			}
		}
	}
	prices
}

/// Fills in each request's commitments: what each member's planner expects to cut below its
/// baseline, given its planned `appliance_loads` and its load of the day before in `base` (the
/// community without appliances).
pub fn commit(
	requests: &mut [PlannedRequest],
	base: &Community,
	layout: &Layout,
	appliance_loads: &[Vec<u64>],
) {
	// The slots each member has committed to so far.
	let mut committed: Vec<Vec<usize>> = vec![Vec::new(); layout.members.len()];
	for request in requests {
		let mut left = request.reduction_wh;
		for (member, on_chain) in layout.members.iter().enumerate() {
			let meter = on_chain.consumption_meter;
			let Some(&baseline) = request.baselines.get(&meter) else { continue };
			let slot = request.slot;
			let expected = base.members[member].load_wh[crate::homes::persistence_hour(slot)]
				+ appliance_loads[member][slot];
			let reduction = baseline.saturating_sub(expected) as f64 * COMMIT_SHARE;
			let wh = (reduction as u64).min(left);
			// Still open when this one is accepted (the block after its posting): those whose
			// slot has not closed by then.
			let open = committed[member].iter().filter(|&&s| s >= request.posted_in).count();
			if wh >= MIN_COMMIT_WH && open < commitments_per_meter() {
				committed[member].push(slot);
				request.commitments.push((member, meter, wh));
				left -= wh;
			}
		}
	}
}

/// The DSO's `post_request` calls of the gate-closure block of slot index `index`.
pub fn posts(requests: &[PlannedRequest], first_slot: MarketSlot, index: usize) -> Vec<Submission> {
	requests
		.iter()
		.filter(|request| request.posted_in == index)
		.map(|request| {
			let call = pallet_flexibility::Call::post_request {
				first_slot: first_slot + request.slot as MarketSlot,
				slots: 1,
				meters: BoundedVec::truncate_from(request.meters.clone()),
				reduction_wh: request.reduction_wh,
				price_per_wh: request.price_per_wh,
			};
			Submission::Signed {
				signer: Signer::Dso,
				call: Box::new(RuntimeCall::Flexibility(call)),
			}
		})
		.collect()
}

/// The members' `accept` calls for the requests `which` selects, under the ids the chain gave
/// them (the `RequestPosted` events, in posting order).
pub fn accepts(
	requests: &[PlannedRequest],
	ledger: &Ledger,
	first_slot: MarketSlot,
	which: impl Fn(&&PlannedRequest) -> bool,
) -> Vec<Submission> {
	with_ids(requests, ledger, first_slot, which)
		.flat_map(|(id, request)| {
			request.commitments.iter().map(move |&(member, meter, reduction_wh)| {
				let call = pallet_flexibility::Call::accept { id, meter, reduction_wh };
				let call = Box::new(RuntimeCall::Flexibility(call));
				Submission::Signed { signer: Signer::Member(member), call }
			})
		})
		.collect()
}

/// The DSO's `settle` calls for the requests `which` selects.
pub fn settles(
	requests: &[PlannedRequest],
	ledger: &Ledger,
	first_slot: MarketSlot,
	which: impl Fn(&&PlannedRequest) -> bool,
) -> Vec<Submission> {
	with_ids(requests, ledger, first_slot, which)
		.map(|(id, _)| {
			let call = Box::new(RuntimeCall::Flexibility(pallet_flexibility::Call::settle { id }));
			Submission::Signed { signer: Signer::Dso, call }
		})
		.collect()
}

/// The requests `which` selects with their ids on chain: the k-th request of a slot is the k-th
/// posted for it.
fn with_ids<'a>(
	requests: &'a [PlannedRequest],
	ledger: &'a Ledger,
	first_slot: MarketSlot,
	which: impl Fn(&&PlannedRequest) -> bool + 'a,
) -> impl Iterator<Item = (u32, &'a PlannedRequest)> + 'a {
	let mut nth: BTreeMap<usize, usize> = BTreeMap::new();
	requests.iter().filter_map(move |request| {
		let k = nth.entry(request.slot).or_default();
		let ids = ledger.flexibility.posted.get(&(first_slot + request.slot as MarketSlot));
		let id = ids.and_then(|ids| ids.get(*k).copied());
		*k += 1;
		if which(&request) {
			id.map(|id| (id, request))
		} else {
			None
		}
	})
}
