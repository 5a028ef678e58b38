//! # energy-sim
//!
//! A community year on the energy chain's own runtime: members metered from real profiles,
//! forecasts from the forecaster's code, standing orders placed, cleared and settled by the
//! runtime, and a report of whether trading made each member better off than the utility
//! alone. See the crate's README and `docs/simulation.md`.

pub mod chain;
pub mod charts;
pub mod checks;
pub mod community;
pub mod demand_response;
pub mod forecasts;
pub mod homes;
pub mod layout;
pub mod ledger;
pub use energy_profiles as profiles;
pub mod report;
pub mod run;
pub mod strategy;
pub mod study;
pub mod study_report;
pub mod summary;

use std::time::Instant;

use anyhow::{bail, Result};
use energy_primitives::{AccountId, HOUR_MS};
use energy_runtime::Runtime;
use frame_support::traits::Get;
use pallet_market::{ClearingRule, StandingOrder};

use crate::{
	chain::Keys,
	checks::Check,
	community::Community,
	demand_response::PlannedRequest,
	forecasts::{ForecastPlan, ForecasterSettings, MeterSeries},
	layout::Layout,
	ledger::Ledger,
	run::{RunSpec, Timings},
	summary::RunSummary,
};

/// Unix ms of the data's first hour: 2016-01-01 00:00 UTC.
pub const DATA_START_MS: u64 = 1_451_606_400_000;

/// The rules in `--rule all` order.
pub const ALL_RULES: [ClearingRule; 3] =
	[ClearingRule::AverageBid, ClearingRule::UniformPrice, ClearingRule::PayAsBid];

/// A rule's command-line name.
pub fn rule_name(rule: ClearingRule) -> &'static str {
	match rule {
		ClearingRule::AverageBid => "average-bid",
		ClearingRule::UniformPrice => "uniform",
		ClearingRule::PayAsBid => "pay-as-bid",
	}
}

/// The rules `average-bid`, `uniform`, `pay-as-bid` or `all` name.
pub fn parse_rules(name: &str) -> Result<Vec<ClearingRule>> {
	if name == "all" {
		return Ok(ALL_RULES.to_vec());
	}
	match ALL_RULES.iter().find(|rule| rule_name(**rule) == name) {
		Some(rule) => Ok(vec![*rule]),
		None => bail!("unknown rule {name:?}: average-bid, uniform, pay-as-bid or all"),
	}
}

/// A community ready to run: ids, keys, standing orders and the forecasts of the whole span.
pub struct Prepared {
	/// The community.
	pub community: Community,
	/// Its ids and accounts.
	pub layout: Layout,
	/// Its keys.
	pub keys: Keys,
	/// Its standing orders.
	pub standing_orders: Vec<StandingOrder<AccountId>>,
	/// The forecasts, by the slot they are submitted in.
	pub plan: ForecastPlan,
	/// Slots in the span.
	pub slots: usize,
	/// Unix ms of the span's first slot.
	pub start_ms: u64,
	/// Seconds the forecasts took.
	pub forecast_s: f64,
	/// The DSO's flexibility requests (a flexibility study's third run; else none).
	pub requests: Vec<PlannedRequest>,
}

/// Prepares `community` for a span of `slots` hourly slots from the data's start: assigns ids
/// and keys and makes every forecast (`on_meter` after each meter's).
pub fn prepare(
	community: Community,
	slots: usize,
	refit_every: usize,
	on_meter: impl Fn() + Sync,
) -> Result<Prepared> {
	let hours = community.members.first().map_or(0, |m| m.load_wh.len());
	if slots == 0 || slots > hours {
		bail!("the span must be 1 to {hours} slots (the data's hours), not {slots}");
	}
	let layout = Layout::new(&community);
	let keys = Keys::new(&layout);
	let standing_orders = strategy::standing_orders(&community, &layout);
	let settings = ForecasterSettings {
		window: <<Runtime as pallet_forecasts::Config>::HistoryWindow as Get<u32>>::get() as usize,
		horizon: <<Runtime as pallet_forecasts::Config>::ForecastHorizon as Get<u32>>::get()
			as usize,
		refit_every: refit_every.max(1),
		first_slot: DATA_START_MS / HOUR_MS,
	};
	let series: Vec<MeterSeries> = layout
		.meters
		.iter()
		.enumerate()
		.map(|(id, meter)| {
			let member = &community.members[meter.member];
			let energy = |wh: &[u64]| wh[..slots].iter().map(|v| *v as f64).collect::<Vec<_>>();
			let zeros = vec![0.0; slots];
			let (import, export) = match meter.res {
				Some(_) => (zeros, energy(&member.pv_wh)),
				None => (energy(&member.load_wh), zeros),
			};
			MeterSeries { meter: id as u32, import, export }
		})
		.collect();
	let started = Instant::now();
	let plan = forecasts::plan(&series, slots, settings, on_meter);
	Ok(Prepared {
		community,
		layout,
		keys,
		standing_orders,
		plan,
		slots,
		start_ms: DATA_START_MS,
		forecast_s: started.elapsed().as_secs_f64(),
		requests: Vec::new(),
	})
}

/// What one rule's run produced.
pub struct RuleResult {
	/// The rule.
	pub rule: ClearingRule,
	/// Its figures.
	pub summary: RunSummary,
	/// Its conservation checks.
	pub checks: Vec<Check>,
	/// Its ledger (for the per-slot file and the charts).
	pub ledger: Ledger,
	/// Where its time went.
	pub timings: Timings,
	/// Seconds the checks took.
	pub checks_s: f64,
}

impl RuleResult {
	/// Whether every check passed.
	pub fn passed(&self) -> bool {
		self.checks.iter().all(|check| check.passed)
	}
}

impl Prepared {
	/// What a run of this community under `rule` needs.
	pub fn spec(&self, rule: ClearingRule) -> RunSpec<'_> {
		RunSpec {
			community: &self.community,
			layout: &self.layout,
			keys: &self.keys,
			plan: &self.plan,
			standing_orders: self.standing_orders.clone(),
			rule,
			slots: self.slots,
			start_ms: self.start_ms,
			requests: &self.requests,
		}
	}
}

/// Runs `prepared` under `rule`; `progress(slots done)` after each slot.
pub fn simulate(
	prepared: &Prepared,
	rule: ClearingRule,
	progress: impl Fn(usize),
) -> Result<RuleResult> {
	let mut output = run::run(prepared.spec(rule), progress)?;
	let checking = Instant::now();
	let checks = checks::conservation(&prepared.community, &mut output);
	let checks_s = checking.elapsed().as_secs_f64();
	let summary = summary::summarise(&prepared.community, &output);
	Ok(RuleResult {
		rule,
		summary,
		checks,
		ledger: output.ledger,
		timings: output.timings,
		checks_s,
	})
}
