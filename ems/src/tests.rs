//! The planner against brute force, and the properties every plan keeps.

use crate::{cost::SlotPrices, tasks::Task, *};
use alloc::{format, string::ToString, vec, vec::Vec};
use proptest::prelude::*;

/// Every plan the brute force considers: each contiguous appliance at each start, each split
/// appliance in every placement of its energy in units of `quantum` Wh (the test instances
/// keep energies, powers and surpluses multiples of it, so the flow's optimum is among them).
fn brute_force(appliances: &[Appliance], day: &Day, quantum: Wh) -> MilliUnits {
	let prices = SlotPrices::new(day).unwrap();
	let n = prices.len();
	let tasks: Vec<Task> =
		appliances.iter().filter_map(|a| tasks::task(a, day.start_hour, n).ok()).collect();
	let mut net = cost::base_net(day);
	let mut best = None;
	descend(&tasks, 0, &mut net, &prices, quantum, &mut best);
	best.unwrap()
}

fn descend(
	tasks: &[Task],
	i: usize,
	net: &mut Vec<i64>,
	prices: &SlotPrices,
	quantum: Wh,
	best: &mut Option<MilliUnits>,
) {
	let Some(task) = tasks.get(i) else {
		let cost = prices.profile_cost(net);
		if best.is_none_or(|b| cost < b) {
			*best = Some(cost);
		}
		return;
	};
	match task {
		Task::Contiguous { starts, profile } => {
			for &s in starts {
				add(net, s, profile, 1);
				descend(tasks, i + 1, net, prices, quantum, best);
				add(net, s, profile, -1);
			}
		},
		Task::Split { slots, cap, energy } => {
			spread(slots, *cap / quantum, *energy / quantum, quantum, net, &mut |net| {
				descend(tasks, i + 1, net, prices, quantum, best)
			})
		},
	}
}

fn add(net: &mut [i64], start: usize, profile: &[Wh], sign: i64) {
	for (j, &wh) in profile.iter().enumerate() {
		net[start + j] += sign * wh as i64;
	}
}

/// Calls `then` with every way of adding `units` quanta to `slots`, at most `cap` per slot.
fn spread(
	slots: &[usize],
	cap: Wh,
	units: Wh,
	quantum: Wh,
	net: &mut Vec<i64>,
	then: &mut dyn FnMut(&mut Vec<i64>),
) {
	let Some((&t, rest)) = slots.split_first() else {
		if units == 0 {
			then(net);
		}
		return;
	};
	for k in 0..=cap.min(units) {
		net[t] += (k * quantum) as i64;
		spread(rest, cap, units - k, quantum, net, then);
		net[t] -= (k * quantum) as i64;
	}
}

/// Every planned appliance inside its window, at most its power per slot, its whole energy,
/// in one run where it must be; the net profile and cost consistent with the schedules.
fn assert_keeps_every_rule(appliances: &[Appliance], day: &Day, plan: &Plan) {
	let n = day.base_load_wh.len();
	let mut net = cost::base_net(day);
	for (appliance, schedule) in appliances.iter().zip(&plan.schedules) {
		let task = tasks::task(appliance, day.start_hour, n);
		let (Ok(task), Schedule::Planned(load)) = (&task, schedule) else {
			assert_eq!(task.err().map(Schedule::Infeasible).as_ref(), Some(schedule));
			continue;
		};
		assert_eq!(load.iter().sum::<Wh>(), appliance.energy_wh(), "{}", appliance.name);
		let used: Vec<usize> = (0..n).filter(|&t| load[t] > 0).collect();
		match task {
			Task::Split { slots, cap, .. } => {
				for &t in &used {
					assert!(slots.contains(&t) && load[t] <= *cap, "{}", appliance.name);
				}
			},
			Task::Contiguous { starts, profile } => {
				let start = (0..n).find(|&t| load[t] > 0 || profile[0] == 0).unwrap();
				assert!(starts.contains(&start), "{}", appliance.name);
				assert_eq!(&load[start..start + profile.len()], &profile[..]);
			},
		}
		for t in 0..n {
			net[t] += load[t] as i64;
		}
	}
	assert_eq!(net, plan.net_wh);
	assert_eq!(SlotPrices::new(day).unwrap().profile_cost(&net), plan.cost);
}

/// Every combination of contiguous starts, the split appliances placed exactly by the flow at
/// each: the search without its bounds, for homes too large for [`brute_force`].
fn exhaustive(appliances: &[Appliance], day: &Day) -> MilliUnits {
	let prices = SlotPrices::new(day).unwrap();
	let n = prices.len();
	let tasks: Vec<Task> =
		appliances.iter().filter_map(|a| tasks::task(a, day.start_hour, n).ok()).collect();
	let split: Vec<flow::SplitDemand> = tasks
		.iter()
		.filter_map(|t| match t {
			Task::Split { slots, cap, energy } => {
				Some(flow::SplitDemand { slots, cap: *cap, energy: *energy })
			},
			Task::Contiguous { .. } => None,
		})
		.collect();
	let runs: Vec<(&Vec<usize>, &Vec<Wh>)> = tasks
		.iter()
		.filter_map(|t| match t {
			Task::Contiguous { starts, profile } => Some((starts, profile)),
			Task::Split { .. } => None,
		})
		.collect();
	fn each(runs: &[(&Vec<usize>, &Vec<Wh>)], net: &mut Vec<i64>, leaf: &mut dyn FnMut(&[i64])) {
		let Some(((starts, profile), rest)) = runs.split_first() else { return leaf(net) };
		for &s in starts.iter() {
			add(net, s, profile, 1);
			each(rest, net, leaf);
			add(net, s, profile, -1);
		}
	}
	let mut best = MilliUnits::MAX;
	each(&runs, &mut cost::base_net(day), &mut |net| {
		let mut total = net.to_vec();
		for load in flow::place_all(&prices, net, &split) {
			for t in 0..n {
				total[t] += load[t] as i64;
			}
		}
		best = best.min(prices.profile_cost(&total));
	});
	best
}

fn appliance_strategy(max_window: u8) -> impl Strategy<Value = Appliance> {
	(any::<bool>(), 0u8..24, 1..=max_window, 1u32..=4, 1u32..=3).prop_map(
		move |(split, start, length, time, power)| {
			let end = (start + length - 1) % 24 + 1;
			let (mode, working_minutes, power_w) = if split {
				// Whole hours at 100 or 200 W: energies that are whole quanta.
				(RunMode::Split, 60 * time.min(2), 100 * power.min(2))
			} else {
				// Half hours at 200–600 W: every slot's energy whole quanta too.
				(RunMode::Contiguous, 30 * time, 200 * power)
			};
			Appliance {
				name: format!("{mode:?} {start}+{length}"),
				mode,
				window_start_hour: start,
				window_end_hour: end,
				working_minutes,
				power_w,
			}
		},
	)
}

fn day_strategy() -> impl Strategy<Value = Day> {
	(
		0u8..24,
		prop::collection::vec((0u64..=6, 0u64..=8, -20i64..100, 0i64..60, 0u64..10), 24),
		0i64..50,
	)
		.prop_map(|(start_hour, slots, peak_weight)| Day {
			start_hour,
			base_load_wh: slots.iter().map(|s| s.0 * 100).collect(),
			pv_wh: slots.iter().map(|s| s.1 * 100).collect(),
			import_price: slots.iter().map(|s| s.2).collect(),
			export_price: slots.iter().map(|s| s.2 - s.3).collect(),
			community_load: slots.iter().map(|s| s.4).collect(),
			peak_weight,
		})
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(300))]

	/// Up to 4 appliances on 24 slots: the planner's cost is the brute force's, and its plan
	/// keeps every rule.
	#[test]
	fn the_plan_is_as_cheap_as_brute_force(
		appliances in prop::collection::vec(appliance_strategy(6), 1..=4),
		day in day_strategy(),
	) {
		let plan = plan(&appliances, &day).unwrap();
		prop_assert!(plan.proven_optimal);
		assert_keeps_every_rule(&appliances, &day, &plan);
		if plan.schedules.iter().any(|s| matches!(s, Schedule::Planned(_))) {
			prop_assert_eq!(plan.cost, brute_force(&appliances, &day, 100));
		}
		prop_assert!(plan.cost <= plan.unmanaged_cost);
	}

	/// Eight appliances, windows up to 5 h: the bounds never cut the optimum.
	#[test]
	fn the_bounds_never_cut_the_optimum(
		appliances in prop::collection::vec(appliance_strategy(5), 8),
		day in day_strategy(),
	) {
		let plan = plan(&appliances, &day).unwrap();
		prop_assert!(plan.proven_optimal);
		prop_assert_eq!(plan.cost, exhaustive(&appliances, &day));
	}

	/// Fourteen appliances with wide windows: every rule kept, never dearer than unmanaged.
	#[test]
	fn large_homes_keep_every_rule(
		appliances in prop::collection::vec(appliance_strategy(16), 14),
		day in day_strategy(),
	) {
		let plan = plan(&appliances, &day).unwrap();
		assert_keeps_every_rule(&appliances, &day, &plan);
		prop_assert!(plan.cost <= plan.unmanaged_cost);
	}
}

fn flat_day(price: Price) -> Day {
	Day {
		start_hour: 0,
		base_load_wh: vec![0; 24],
		pv_wh: vec![0; 24],
		import_price: vec![price; 24],
		export_price: vec![0; 24],
		community_load: vec![],
		peak_weight: 0,
	}
}

/// An appliance named "a": the unit tests' shorthand.
pub(crate) fn appliance(
	mode: RunMode,
	start: u8,
	end: u8,
	minutes: u32,
	power_w: u32,
) -> Appliance {
	Appliance {
		name: "a".to_string(),
		mode,
		window_start_hour: start,
		window_end_hour: end,
		working_minutes: minutes,
		power_w,
	}
}

#[test]
fn a_split_appliance_follows_the_pv_surplus_before_the_cheap_hours() {
	// 1,000 Wh of surplus at 12:00, import at 50 everywhere except 3:00 at 20, export at 10.
	let mut day = flat_day(50);
	day.export_price = vec![10; 24];
	day.import_price[3] = 20;
	day.pv_wh[12] = 1_000;
	let heater = appliance(RunMode::Split, 0, 24, 120, 1_000);
	let plan = plan(&[heater], &day).unwrap();
	let Schedule::Planned(load) = &plan.schedules[0] else { panic!() };
	assert_eq!((load[12], load[3]), (1_000, 1_000));
	// The surplus is no longer sold (0 instead of 1,000 Wh × 10); 1,000 Wh bought at 20: in
	// thousandths of a unit.
	assert_eq!(plan.cost, 20_000);
	assert_eq!(plan.orders, vec![Order { slot: 3, side: Side::Bid, wh: 1_000, price: 20 }]);
}

#[test]
fn the_peak_weight_moves_load_off_the_community_peak() {
	let mut day = flat_day(50);
	day.community_load = vec![1; 24];
	day.community_load[18] = 10;
	day.import_price[18] = 45;
	let pump = appliance(RunMode::Contiguous, 17, 20, 60, 1_000);
	let Schedule::Planned(load) = &plan(core::slice::from_ref(&pump), &day).unwrap().schedules[0]
	else {
		panic!()
	};
	assert_eq!(load[18], 1_000, "without a weight the cheapest hour wins");
	day.peak_weight = 20;
	let Schedule::Planned(load) = &plan(&[pump], &day).unwrap().schedules[0] else { panic!() };
	assert_eq!(load[18], 0, "45 + 20 at the peak is dearer than 50 + 2 elsewhere");
}

#[test]
fn a_search_cut_by_its_budget_says_so_and_still_keeps_every_rule() {
	let mut day = flat_day(50);
	for t in 0..24 {
		day.import_price[t] = 30 + (t as i64 * 7) % 11;
		day.pv_wh[t] = if (9..16).contains(&t) { 800 } else { 0 };
	}
	let appliances: Vec<Appliance> =
		(0..8).map(|i| appliance(RunMode::Contiguous, i, 22, 120 + 30 * i as u32, 700)).collect();
	let cut = plan_with_budget(&appliances, &day, 1).unwrap();
	assert!(!cut.proven_optimal);
	assert_keeps_every_rule(&appliances, &day, &cut);
	let full = plan(&appliances, &day).unwrap();
	assert!(full.proven_optimal && full.cost <= cut.cost, "{} nodes", full.nodes);
}

#[test]
fn homes_beyond_the_bounds_are_refused() {
	let many = vec![appliance(RunMode::Split, 0, 24, 60, 100); MAX_APPLIANCES + 1];
	assert_eq!(plan(&many, &flat_day(50)), Err(PlanError::TooManyAppliances));
	let mut long = flat_day(50);
	for v in [&mut long.base_load_wh, &mut long.pv_wh] {
		v.push(0);
	}
	long.import_price.push(50);
	long.export_price.push(0);
	assert_eq!(plan(&many[..1], &long), Err(PlanError::BadHorizon));
	// A rating whose energy would overflow the planner's integers, and one at the bound.
	let huge = appliance(RunMode::Split, 0, 24, u32::MAX, u32::MAX);
	assert_eq!(plan(&[huge], &flat_day(50)), Err(PlanError::OutOfRange));
	let largest = appliance(RunMode::Split, 0, 24, 60, MAX_POWER_W);
	assert!(plan(&[largest], &flat_day(50)).is_ok());
}

#[test]
fn infeasible_rows_are_reported_and_the_rest_is_planned() {
	let day = flat_day(50);
	let ac = appliance(RunMode::Split, 19, 24, 420, 1_000);
	let tv = appliance(RunMode::Contiguous, 7, 24, 240, 250);
	let plan = plan(&[ac, tv], &day).unwrap();
	assert_eq!(
		plan.schedules[0],
		Schedule::Infeasible(Infeasible::WindowTooShort {
			window_minutes: 300,
			working_minutes: 420
		})
	);
	assert!(matches!(plan.schedules[1], Schedule::Planned(_)));
	assert_eq!(plan.cost, 1_000 * 50);
}
