//! The members' flexible appliances run day by day: unmanaged (each starts when its window
//! opens), or planned by each home's energy management planner (`energy-ems`, the crate a
//! wallet or an off-chain worker runs) on the utility's tariff and the community's peak, with or
//! without the DSO's flexibility requests of the day.
//!
//! What a home's planner knows when it plans day `d` (at 22:55 of day `d − 1`): the tariff, its
//! appliances, the requests the DSO posted for day `d` (if any), and a forecast of the
//! community's net load: every member's metered load and PV of the same hour the day before
//! (two days before for 22:00 and 23:00, not metered yet; persistence) plus the appliances the
//! other members have planned. Members plan one after the other and then once
//! more (two Gauss–Seidel sweeps), as homes would by publishing their plans: without it every
//! planner would move its load to the same cheap hours and make a new peak there.

use anyhow::{bail, Result};
use energy_ems::{Appliance, Day, Price, Schedule};
use rayon::prelude::*;

use crate::{
	community::{micro, Community},
	demand_response::POST_HOUR,
};

/// What a kWh imported in the community's peak hour costs a home's planner on top of the tariff
/// (CEUR; other hours in proportion to the community's net load): small against the tariff's
/// own peak spread (0.035), enough to break the ties between equally priced hours in favour of
/// the emptier ones.
pub const PEAK_WEIGHT_CEUR: f64 = 0.02;

/// Sweeps of the members' planners over a day.
const SWEEPS: usize = 2;

/// The extra import price a member's planner sees in one hour of one day: a flexibility request
/// naming its meter pays this much per kWh its import falls below the baseline (µCEUR/kWh).
pub type RequestPrices = Vec<Vec<[Price; 24]>>;

/// How the appliances run.
#[derive(Clone, Copy)]
pub enum Management<'a> {
	/// Each appliance starts when its window opens.
	Unmanaged,
	/// Each home's planner schedules them, on the tariff and the community's peak.
	Planned,
	/// As `Planned`, with the requests' prices: `prices[member][day][hour]`.
	WithRequests(&'a RequestPrices),
}

/// Each member's appliance energy per hour (Wh) over the first `slots` hours of the data,
/// `on_day` after each day. Refuses appliances the planner cannot schedule as declared.
pub fn appliance_loads(
	community: &Community,
	slots: usize,
	management: Management,
	on_day: impl Fn() + Sync,
) -> Result<Vec<Vec<u64>>> {
	check_feasible(community)?;
	let days = slots.div_ceil(24);
	let per_day: Vec<Result<Vec<[u64; 24]>>> = (0..days)
		.into_par_iter()
		.map(|day| {
			let loads = plan_day(community, day, management);
			on_day();
			loads
		})
		.collect();
	let mut loads = vec![Vec::with_capacity(days * 24); community.members.len()];
	for day in per_day {
		for (member, hours) in day?.into_iter().enumerate() {
			loads[member].extend_from_slice(&hours);
		}
	}
	for load in &mut loads {
		load.truncate(slots);
	}
	Ok(loads)
}

/// `community` with each member's appliance energy added to its load profile.
pub fn with_appliances(community: &Community, loads: &[Vec<u64>]) -> Community {
	let mut out = community.clone();
	for (member, appliance) in out.members.iter_mut().zip(loads) {
		for (hour, wh) in appliance.iter().enumerate() {
			member.load_wh[hour] += wh;
		}
	}
	out
}

/// The hour whose metered energy stands for slot index `slot` in a plan made at 22:55 the day
/// before (persistence): the same hour the day before, or two days before for the hours from
/// 22:00, which are not metered yet at 22:55; the span's first days, whose history is missing,
/// use their own first day.
pub fn persistence_hour(slot: usize) -> usize {
	let back = if slot % 24 >= POST_HOUR { 48 } else { 24 };
	slot.checked_sub(back).unwrap_or(slot % 24)
}

/// The community's net load of day `day` as the members' planners forecast it (persistence,
/// [`persistence_hour`]), Wh per hour, signed.
pub fn persistence_net_load(community: &Community, day: usize) -> [i64; 24] {
	core::array::from_fn(|hour| {
		let from = persistence_hour(day * 24 + hour);
		community
			.members
			.iter()
			.map(|m| m.load_wh[from] as i64 - m.pv_wh.get(from).copied().unwrap_or(0) as i64)
			.sum()
	})
}

/// Each member's appliance energy per hour of day `day`.
fn plan_day(community: &Community, day: usize, management: Management) -> Result<Vec<[u64; 24]>> {
	let members = &community.members;
	let tariff = &community.file.tariff;
	let mut loads: Vec<[u64; 24]> = vec![[0; 24]; members.len()];
	let horizon = |member: usize, community_load: Vec<u64>| {
		let mut import_price: Vec<Price> =
			(0..24).map(|hour| tariff.of_hour(hour).0 as Price).collect();
		if let Management::WithRequests(prices) = management {
			for (hour, price) in import_price.iter_mut().enumerate() {
				*price += prices[member].get(day).map_or(0, |day| day[hour]);
			}
		}
		Day {
			start_hour: 0,
			// Consumption and PV are metered apart and settled apart: the planner's choices
			// change only the appliances' import, so the base load and PV do not enter the
			// home's cost.
			base_load_wh: vec![0; 24],
			pv_wh: vec![0; 24],
			import_price,
			export_price: (0..24).map(|hour| tariff.of_hour(hour).1 as Price).collect(),
			community_load,
			peak_weight: micro(PEAK_WEIGHT_CEUR) as Price,
		}
	};
	let sweeps = match management {
		Management::Unmanaged => {
			for (member, load) in loads.iter_mut().enumerate() {
				let plan =
					energy_ems::plan(&members[member].spec.appliances, &horizon(member, vec![]))
						.map_err(|e| anyhow::anyhow!("day {day}: {e:?}"))?;
				for (hour, wh) in plan.unmanaged_net_wh.iter().enumerate() {
					load[hour] = *wh as u64;
				}
			}
			0
		},
		Management::Planned | Management::WithRequests(_) => SWEEPS,
	};
	let net = persistence_net_load(community, day);
	for _ in 0..sweeps {
		for member in 0..members.len() {
			if members[member].spec.appliances.is_empty() {
				continue;
			}
			let others: Vec<u64> = (0..24)
				.map(|hour| {
					let planned: u64 = loads.iter().map(|load| load[hour]).sum();
					(net[hour] + (planned - loads[member][hour]) as i64).max(0) as u64
				})
				.collect();
			let plan = energy_ems::plan(&members[member].spec.appliances, &horizon(member, others))
				.map_err(|e| anyhow::anyhow!("day {day}: {e:?}"))?;
			loads[member] = [0; 24];
			for schedule in &plan.schedules {
				if let Schedule::Planned(energy) = schedule {
					for (hour, wh) in energy.iter().enumerate() {
						loads[member][hour] += wh;
					}
				}
			}
		}
	}
	Ok(loads)
}

/// Refuses a member's appliance the planner cannot schedule on a day (a window too short for
/// its working time, …): the simulator does not silently drop what a community file declares.
fn check_feasible(community: &Community) -> Result<()> {
	for member in &community.members {
		let day = Day {
			start_hour: 0,
			base_load_wh: vec![0; 24],
			pv_wh: vec![0; 24],
			import_price: vec![1; 24],
			export_price: vec![0; 24],
			community_load: vec![],
			peak_weight: 0,
		};
		let plan = energy_ems::plan(&member.spec.appliances, &day)
			.map_err(|e| anyhow::anyhow!("member {}: {e:?}", member.spec.name))?;
		for (appliance, schedule) in member.spec.appliances.iter().zip(&plan.schedules) {
			if let Schedule::Infeasible(reason) = schedule {
				bail!(
					"member {}: {} cannot be planned: {reason:?}",
					member.spec.name,
					appliance.name
				);
			}
		}
	}
	Ok(())
}

/// The appliances of `member` (for the report).
pub fn names(appliances: &[Appliance]) -> String {
	appliances.iter().map(|a| a.name.as_str()).collect::<Vec<_>>().join(", ")
}
