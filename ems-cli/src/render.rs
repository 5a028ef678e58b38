//! The plan as a household reads it: one line per appliance across the day, the net import,
//! the cost against running everything as soon as its window opens, and the orders.

use energy_ems::{tasks::in_window, Appliance, Day, Infeasible, MilliUnits, Plan, Schedule, Side};
use std::fmt::Write;

/// Money in thousandths of a balance unit, as the currency with `decimals` decimals.
fn money(amount: MilliUnits, decimals: u32) -> String {
	let units = amount as f64 / 1_000.0 / 10f64.powi(decimals as i32);
	format!("{units:.4}")
}

fn hh(hour: usize) -> String {
	format!("{:02}:00", hour % 24)
}

/// Why a row was not planned, in words.
pub fn reason(reason: &Infeasible) -> String {
	match reason {
		Infeasible::Empty => "no power or no working time: nothing to run".into(),
		Infeasible::BadWindow => "its window is not between 0:00 and 24:00".into(),
		Infeasible::WindowTooShort { window_minutes, working_minutes } => format!(
			"it must run {} h but its window holds {} h",
			*working_minutes as f64 / 60.0,
			*window_minutes as f64 / 60.0
		),
		Infeasible::NoContiguousStretch { slots_needed } => format!(
			"one uninterrupted run needs {slots_needed} consecutive slots and the day cuts its \
			 window shorter (start the day elsewhere with start_hour)"
		),
	}
}

/// The plan as text. `currency` names the unit shown with `decimals` decimals.
pub fn text(
	appliances: &[Appliance],
	day: &Day,
	plan: &Plan,
	currency: &str,
	decimals: u32,
) -> String {
	let n = plan.net_wh.len();
	let start = usize::from(day.start_hour);
	let mut out = String::new();
	let saving = plan.unmanaged_cost - plan.cost;
	let percent = if plan.unmanaged_cost > 0 {
		format!(" ({:.1} %)", saving as f64 * 100.0 / plan.unmanaged_cost as f64)
	} else {
		String::new()
	};
	let _ = writeln!(
		out,
		"{n} hourly slots from {}: cost {} {currency}, unmanaged {} {currency}, \
		 saving {} {currency}{percent}; {} after {} search nodes\n",
		hh(start),
		money(plan.cost, decimals),
		money(plan.unmanaged_cost, decimals),
		money(saving, decimals),
		if plan.proven_optimal { "optimal" } else { "best found (node budget reached)" },
		plan.nodes,
	);
	let mut axis = String::new();
	for t in (0..n).step_by(3) {
		let _ = write!(axis, "{:<3}", format!("{:02}", (start + t) % 24));
	}
	let _ = writeln!(out, "{:<20} {:<10} {}", "appliance", "runs", axis.trim_end());
	for (appliance, schedule) in appliances.iter().zip(&plan.schedules) {
		let mode = match appliance.mode {
			energy_ems::RunMode::Split => "split",
			energy_ems::RunMode::Contiguous => "one run",
		};
		let strip: String = match schedule {
			Schedule::Planned(load) => (0..n)
				.map(|t| {
					let hour = ((start + t) % 24) as u8;
					let inside =
						in_window(hour, appliance.window_start_hour, appliance.window_end_hour);
					match load[t] {
						wh if wh >= u64::from(appliance.power_w) => '█',
						0 if inside => '·',
						0 => ' ',
						_ => '▄',
					}
				})
				.collect(),
			Schedule::Infeasible(_) => "not planned".into(),
		};
		let _ = writeln!(out, "{:<20} {mode:<10} {strip}", appliance.name);
	}
	let _ = writeln!(
		out,
		"\n█ full power for the hour, ▄ part of the hour, · idle inside its window\n"
	);
	let infeasible: Vec<String> = appliances
		.iter()
		.zip(&plan.schedules)
		.filter_map(|(a, s)| match s {
			Schedule::Infeasible(r) => Some(format!("  {}: {}", a.name, reason(r))),
			Schedule::Planned(_) => None,
		})
		.collect();
	if !infeasible.is_empty() {
		let _ = writeln!(out, "Not planned, as declared:\n{}\n", infeasible.join("\n"));
	}
	let _ = writeln!(out, "slot   net Wh  order");
	for t in 0..n {
		let order = plan.orders.iter().find(|o| o.slot as usize == t);
		let order = order.map_or(String::new(), |o| {
			let side = match o.side {
				Side::Bid => "bid  ",
				Side::Offer => "offer",
			};
			format!("{side} {:>6} Wh at {} per kWh", o.wh, o.price)
		});
		let _ = writeln!(out, "{}  {:>7}  {order}", hh(start + t), plan.net_wh[t]);
	}
	out
}
