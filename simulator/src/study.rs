//! A flexibility study: the same community year three times on the runtime, its members'
//! flexible appliances unmanaged, planned by each home's planner (EMS), and planned with the
//! DSO's flexibility requests at the top peak hours (EMS + DR). What the DSO and the members
//! want to know: the community's peak hourly import from the grid, each member's cost, and what
//! the DSO spent per kW of peak it took off.

use anyhow::Result;
use pallet_market::ClearingRule;
use serde::Serialize;

use crate::{
	chain::Keys,
	community::Community,
	demand_response::{self, DsoPolicy},
	homes::{self, Management},
	prepare, simulate, Prepared, RuleResult,
};

/// What a study runs.
#[derive(Clone, Copy, Debug)]
pub struct StudySpec {
	/// The clearing rule of all three runs.
	pub rule: ClearingRule,
	/// Slots in the span.
	pub slots: usize,
	/// Refit the forecasters every this many slots.
	pub refit_every: usize,
	/// Hours of the span, at most, the DSO calls events in (its threshold: the forecast of the
	/// hour of this rank).
	pub top_hours: usize,
	/// What the DSO pays per kWh reduced, CEUR.
	pub price_ceur_per_kwh: f64,
}

/// One of the study's runs.
pub struct Scenario {
	/// `unmanaged`, `ems` or `ems-dr`.
	pub name: &'static str,
	/// The community as metered (appliances added to the profiles).
	pub prepared: Prepared,
	/// The run.
	pub result: RuleResult,
}

/// The study's three runs and the DSO's policy.
pub struct Study {
	/// Unmanaged, EMS, EMS + DR.
	pub scenarios: Vec<Scenario>,
	/// The DSO's programme and price.
	pub policy: DsoPolicy,
	/// The forecast community net import above which it called events, Wh.
	pub threshold_wh: i64,
	/// The slot indices it called events in.
	pub requested: Vec<usize>,
	/// Seconds the homes' planners took (all days of both planned runs).
	pub planning_s: f64,
}

/// Where the study's preparation is, for progress bars.
pub trait Progress: Sync {
	/// A day of every home planned.
	fn day_planned(&self);
	/// A meter's forecasts made.
	fn meter_forecast(&self);
	/// Scenario `scenario` (0–2) has run `slots` slots.
	fn slots_done(&self, scenario: usize, slots: usize);
}

/// Runs the study of `base` (its members' load profiles without appliances; members without
/// appliances take part as they are).
pub fn run(base: &Community, spec: StudySpec, progress: &impl Progress) -> Result<Study> {
	let planning = std::time::Instant::now();
	let unmanaged =
		homes::appliance_loads(base, spec.slots, Management::Unmanaged, || progress.day_planned())?;
	let planned =
		homes::appliance_loads(base, spec.slots, Management::Planned, || progress.day_planned())?;
	let mut planning_s = planning.elapsed().as_secs_f64();
	let forecast = || progress.meter_forecast();
	let unmanaged =
		prepare(homes::with_appliances(base, &unmanaged), spec.slots, spec.refit_every, forecast)?;
	let ems =
		prepare(homes::with_appliances(base, &planned), spec.slots, spec.refit_every, forecast)?;

	let policy = DsoPolicy {
		top_hours: spec.top_hours,
		price_per_wh: crate::community::micro(spec.price_ceur_per_kwh) / 1_000,
	};
	let programme =
		demand_response::requests(&ems.community, &ems.layout, &ems.plan, spec.slots, policy)?;
	let (threshold_wh, mut requests) = (programme.threshold_wh, programme.requests);
	let mut requested: Vec<usize> = requests.iter().map(|r| r.slot).collect();
	requested.dedup();
	let prices = demand_response::request_prices(base, &ems.layout, &requests);
	let planning = std::time::Instant::now();
	let with_requests =
		homes::appliance_loads(base, spec.slots, Management::WithRequests(&prices), || {
			progress.day_planned()
		})?;
	planning_s += planning.elapsed().as_secs_f64();
	demand_response::commit(&mut requests, base, &ems.layout, &with_requests);
	// The third run meters the loads planned with the requests; the forecasts on chain are the
	// EMS run's (the requests' baselines), as the forecaster saw a history without them.
	let dr = Prepared {
		community: homes::with_appliances(base, &with_requests),
		layout: ems.layout.clone(),
		keys: Keys::new(&ems.layout),
		standing_orders: ems.standing_orders.clone(),
		plan: ems.plan.clone(),
		slots: spec.slots,
		start_ms: ems.start_ms,
		forecast_s: 0.0,
		requests,
	};

	let prepared = [("unmanaged", unmanaged), ("ems", ems), ("ems-dr", dr)];
	let results: Vec<Result<RuleResult>> = std::thread::scope(|scope| {
		let handles: Vec<_> = prepared
			.iter()
			.enumerate()
			.map(|(index, (_, prepared))| {
				scope.spawn(move || {
					simulate(prepared, spec.rule, |done| progress.slots_done(index, done))
				})
			})
			.collect();
		handles
			.into_iter()
			.map(|handle| handle.join().unwrap_or_else(|_| anyhow::bail!("a run panicked")))
			.collect()
	});
	let scenarios = prepared
		.into_iter()
		.zip(results)
		.map(|((name, prepared), result)| Ok(Scenario { name, prepared, result: result? }))
		.collect::<Result<_>>()?;
	Ok(Study { scenarios, policy, threshold_wh, requested, planning_s })
}

/// The community's net import from the grid per hour (load − PV), Wh.
pub fn net_import_wh(community: &Community, slots: usize) -> Vec<i64> {
	(0..slots)
		.map(|hour| {
			community
				.members
				.iter()
				.map(|m| m.load_wh[hour] as i64 - m.pv_wh.get(hour).copied().unwrap_or(0) as i64)
				.sum()
		})
		.collect()
}

/// One scenario's figures.
#[derive(Clone, Debug, Serialize)]
pub struct ScenarioFigures {
	/// `unmanaged`, `ems` or `ems-dr`.
	pub name: &'static str,
	/// The highest hourly net import from the grid, kW.
	pub peak_kw: f64,
	/// The mean of the ten highest, kW.
	pub top10_mean_kw: f64,
	/// The community's net import in the hours the DSO called events in, kWh.
	pub requested_hours_kwh: f64,
	/// Its highest hourly net import among them, kW.
	pub requested_hours_peak_kw: f64,
	/// The members' net cost together, CEUR (trading, flexibility payments and fees included).
	pub net_cost: f64,
	/// Each member's net cost, community order, CEUR.
	pub member_costs: Vec<f64>,
	/// Members paying more than unmanaged (by more than a cent).
	pub worse_off_than_unmanaged: usize,
	/// Requests the DSO posted.
	pub requests: u32,
	/// kWh it asked for, committed, delivered.
	pub requested_kwh: f64,
	/// Committed by members.
	pub committed_kwh: f64,
	/// Delivered and paid for.
	pub delivered_kwh: f64,
	/// What the DSO spent: paid less penalties received plus its fees, CEUR.
	pub dso_spend: f64,
	/// Its spend per kW of peak reduction against the EMS run (none if the peak did not fall).
	pub dso_spend_per_kw: Option<f64>,
	/// The mean reduction of the community's net import in the event hours against the EMS
	/// run, kW (energy reduced over the event hours / their number).
	pub event_reduction_kw: f64,
	/// The DSO's spend per kW of that mean event-hour reduction (none if there was none).
	pub dso_spend_per_event_kw: Option<f64>,
}

/// The figures of each scenario.
pub fn figures(study: &Study) -> Vec<ScenarioFigures> {
	let unmanaged_costs: Vec<f64> = study
		.scenarios
		.first()
		.map(|s| s.result.summary.members.iter().map(|m| m.net_cost).collect())
		.unwrap_or_default();
	let mut figures: Vec<ScenarioFigures> = study
		.scenarios
		.iter()
		.map(|scenario| {
			let mut net = net_import_wh(&scenario.prepared.community, scenario.prepared.slots);
			let requested: Vec<i64> = study.requested.iter().map(|&slot| net[slot]).collect();
			net.sort_unstable_by(|a, b| b.cmp(a));
			let top = &net[..net.len().min(10)];
			let members = &scenario.result.summary.members;
			let flexibility = &scenario.result.ledger.flexibility;
			let micro = 1e6;
			ScenarioFigures {
				name: scenario.name,
				peak_kw: net.first().copied().unwrap_or(0) as f64 / 1e3,
				top10_mean_kw: top.iter().sum::<i64>() as f64 / top.len().max(1) as f64 / 1e3,
				requested_hours_kwh: requested.iter().sum::<i64>() as f64 / 1e3,
				requested_hours_peak_kw: requested.iter().copied().max().unwrap_or(0) as f64 / 1e3,
				net_cost: scenario.result.summary.community.net_cost,
				member_costs: members.iter().map(|m| m.net_cost).collect(),
				worse_off_than_unmanaged: members
					.iter()
					.zip(&unmanaged_costs)
					.filter(|(m, unmanaged)| m.net_cost > **unmanaged + 0.01)
					.count(),
				requests: flexibility.requests,
				requested_kwh: flexibility.requested_wh as f64 / 1e3,
				committed_kwh: flexibility.committed_wh as f64 / 1e3,
				delivered_kwh: flexibility.delivered_wh as f64 / 1e3,
				dso_spend: (flexibility.paid as f64 - flexibility.penalties as f64
					+ flexibility.dso_fees as f64)
					/ micro,
				dso_spend_per_kw: None,
				event_reduction_kw: 0.0,
				dso_spend_per_event_kw: None,
			}
		})
		.collect();
	if let [_, ems, dr] = &mut figures[..] {
		let reduction = ems.peak_kw - dr.peak_kw;
		dr.dso_spend_per_kw = (reduction > 0.0).then(|| dr.dso_spend / reduction);
		let hours = study.requested.len().max(1) as f64;
		dr.event_reduction_kw = (ems.requested_hours_kwh - dr.requested_hours_kwh) / hours;
		dr.dso_spend_per_event_kw =
			(dr.event_reduction_kw > 0.0).then(|| dr.dso_spend / dr.event_reduction_kw);
	}
	figures
}
