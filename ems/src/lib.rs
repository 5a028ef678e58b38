//! # energy-ems: a home's energy management planner
//!
//! A home declares its appliances (window, working time, power rating, and whether a run may
//! be split); the planner is told the day's forecasts (base load, PV) and expected prices per
//! hourly slot, and returns:
//! - a schedule per appliance that keeps it inside its window, runs it for its whole working
//!   time and never above its power, at the least cost for the home (imports at their price,
//!   exports earning theirs, an optional weight that moves load off the community's peak);
//! - the rows it cannot meet as declared, each with its reason ([`Infeasible`]);
//! - the home's bids and offers for the slots ([`Order`]), priced at what the home would pay
//!   or earn without the market.
//!
//! The plan is exact: split appliances are placed by a min-cost flow ([`flow`]), contiguous ones
//! by branch and bound ([`search`]) with a bound that convexity makes safe. `no_std`, so a
//! wallet, the simulator or an off-chain worker can run it. The `energy-ems` CLI
//! (`ems-cli/`) reads a home from TOML and prints the plan.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod cost;
pub mod flow;
pub mod search;
pub mod tasks;
mod types;

#[cfg(test)]
mod tests;

pub use types::*;

use alloc::vec::Vec;
use cost::SlotPrices;
use flow::SplitDemand;
use search::ContiguousDemand;
use tasks::Task;

/// Plans `appliances` for `day` with the default node budget ([`search::NODE_BUDGET`]).
pub fn plan(appliances: &[Appliance], day: &Day) -> Result<Plan, PlanError> {
	plan_with_budget(appliances, day, search::NODE_BUDGET)
}

/// Plans `appliances` for `day`, visiting at most `budget` search nodes.
pub fn plan_with_budget(
	appliances: &[Appliance],
	day: &Day,
	budget: u64,
) -> Result<Plan, PlanError> {
	if appliances.len() > MAX_APPLIANCES {
		return Err(PlanError::TooManyAppliances);
	}
	if appliances.iter().any(|a| a.power_w > MAX_POWER_W) {
		return Err(PlanError::OutOfRange);
	}
	let prices = SlotPrices::new(day)?;
	let n = prices.len();
	let base = cost::base_net(day);
	let tasks: Vec<Result<Task, Infeasible>> =
		appliances.iter().map(|a| tasks::task(a, day.start_hour, n)).collect();

	let mut contiguous = Vec::new();
	let mut split = Vec::new();
	for task in tasks.iter().flatten() {
		match task {
			Task::Contiguous { starts, profile } => {
				contiguous.push(ContiguousDemand { starts, profile })
			},
			Task::Split { slots, cap, energy } => {
				split.push(SplitDemand { slots, cap: *cap, energy: *energy })
			},
		}
	}
	let found = search::search(&prices, &base, &contiguous, &split, budget);

	let (mut next_contiguous, mut next_split) = (0, 0);
	let schedules: Vec<Schedule> = tasks
		.iter()
		.map(|task| match task {
			Err(reason) => Schedule::Infeasible(*reason),
			Ok(Task::Contiguous { profile, .. }) => {
				let start = found.starts[next_contiguous];
				next_contiguous += 1;
				let mut load = alloc::vec![0; n];
				load[start..start + profile.len()].copy_from_slice(profile);
				Schedule::Planned(load)
			},
			Ok(Task::Split { .. }) => {
				next_split += 1;
				Schedule::Planned(found.split_loads[next_split - 1].clone())
			},
		})
		.collect();

	let net_wh = with_loads(
		&base,
		schedules.iter().filter_map(|s| match s {
			Schedule::Planned(load) => Some(load),
			Schedule::Infeasible(_) => None,
		}),
	);
	let unmanaged: Vec<Vec<Wh>> = tasks.iter().flatten().map(|t| t.unmanaged(n)).collect();
	let unmanaged_net_wh = with_loads(&base, unmanaged.iter());
	let unmanaged_cost = prices.profile_cost(&unmanaged_net_wh);
	let orders = orders(day, &net_wh);
	Ok(Plan {
		schedules,
		cost: prices.profile_cost(&net_wh),
		net_wh,
		unmanaged_net_wh,
		unmanaged_cost,
		proven_optimal: found.proven_optimal,
		nodes: found.nodes,
		orders,
	})
}

/// `base` plus every load.
fn with_loads<'a>(base: &[i64], loads: impl Iterator<Item = &'a Vec<Wh>>) -> Vec<i64> {
	let mut net = base.to_vec();
	for load in loads {
		for (t, &wh) in load.iter().enumerate() {
			net[t] += wh as i64;
		}
	}
	net
}

/// The bids and offers that serve a net profile: a bid for every importing slot at its import
/// price (what the utility would charge), an offer for every exporting slot at its export price
/// (what feed-in would pay). The market can only do better for the home.
pub fn orders(day: &Day, net_wh: &[i64]) -> Vec<Order> {
	net_wh
		.iter()
		.enumerate()
		.filter(|(_, &net)| net != 0)
		.map(|(t, &net)| {
			let (side, price) = if net > 0 {
				(Side::Bid, day.import_price[t])
			} else {
				(Side::Offer, day.export_price[t])
			};
			Order { slot: t as u32, side, wh: net.unsigned_abs(), price }
		})
		.collect()
}
