//! A home's year, planned day by day: the home file's appliances and prices (a daily tariff),
//! the base load and PV of every day of 2016 from real profiles, each day planned and run
//! unmanaged. What a member deciding whether to let the planner run its home wants to know:
//! the year's cost both ways, and how far the home's peak import falls.

use anyhow::{anyhow, Result};
use energy_ems::{Appliance, Day, MilliUnits};
use energy_profiles::{load_wh, pv_wh, Profiles};
use plotters::prelude::*;
use std::{fmt::Write as _, path::Path};

/// Where the base load and PV come from.
pub struct Source<'a> {
	/// The profile table.
	pub profiles: &'a Profiles,
	/// Load column for the base load (the home's consumption outside its appliances).
	pub load: &'a str,
	/// The base load's annual energy, kWh.
	pub annual_kwh: f64,
	/// PV column.
	pub pv: &'a str,
	/// The roof's capacity, kWp (0 for none).
	pub kwp: f64,
	/// Only the year's first days, if given.
	pub days: Option<usize>,
}

/// One day of the year, both ways.
pub struct DayResult {
	/// Day of the year, from 0.
	pub day: usize,
	/// Cost unmanaged and planned, thousandths of a unit.
	pub cost: (MilliUnits, MilliUnits),
	/// Highest hourly import unmanaged and planned, Wh.
	pub peak_wh: (i64, i64),
	/// Energy imported and exported under the plan, Wh.
	pub import_export_wh: (u64, u64),
	/// Whether the plan was proven optimal.
	pub proven_optimal: bool,
}

/// Plans every day of the profiles' year for `appliances`, with `template`'s prices.
pub fn run(appliances: &[Appliance], template: &Day, source: &Source) -> Result<Vec<DayResult>> {
	let base = load_wh(source.profiles.column(source.load)?, source.annual_kwh);
	let pv = pv_wh(source.profiles.column(source.pv)?, source.kwp);
	let whole = source.profiles.hours() / 24;
	let days = source.days.map_or(whole, |d| d.min(whole));
	let bar = indicatif::ProgressBar::new(days as u64).with_style(
		indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} days, {per_sec}, {eta} left")
			.map_err(|e| anyhow!("{e}"))?,
	);
	let mut results = Vec::with_capacity(days);
	for d in 0..days {
		let hours = d * 24..d * 24 + 24;
		let mut day = template.clone();
		day.start_hour = 0;
		day.base_load_wh = base[hours.clone()].to_vec();
		day.pv_wh = pv[hours].to_vec();
		let plan = energy_ems::plan(appliances, &day)
			.map_err(|e| anyhow!("day {d}: the day cannot be planned: {e:?}"))?;
		let peak = |net: &[i64]| net.iter().copied().max().unwrap_or(0).max(0);
		let import = plan.net_wh.iter().filter(|&&n| n > 0).map(|&n| n as u64).sum();
		let export = plan.net_wh.iter().filter(|&&n| n < 0).map(|&n| n.unsigned_abs()).sum();
		results.push(DayResult {
			day: d,
			cost: (plan.unmanaged_cost, plan.cost),
			peak_wh: (peak(&plan.unmanaged_net_wh), peak(&plan.net_wh)),
			import_export_wh: (import, export),
			proven_optimal: plan.proven_optimal,
		});
		bar.inc(1);
	}
	bar.finish_and_clear();
	Ok(results)
}

/// Money in thousandths of a unit, as the currency with `decimals` decimals.
fn money(amount: MilliUnits, decimals: u32) -> f64 {
	amount as f64 / 1_000.0 / 10f64.powi(decimals as i32)
}

/// Month (0–11) of day `d` of 2016 (a leap year).
fn month_of(d: usize) -> usize {
	const ENDS: [usize; 12] = [31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366];
	ENDS.iter().position(|&end| d < end).unwrap_or(11)
}

const MONTHS: [&str; 12] =
	["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// The year as text: totals, peaks and a line per month.
pub fn summary(results: &[DayResult], currency: &str, decimals: u32) -> String {
	let mut out = String::new();
	let sum = |f: fn(&DayResult) -> MilliUnits| results.iter().map(f).sum::<MilliUnits>();
	let (unmanaged, planned) = (sum(|r| r.cost.0), sum(|r| r.cost.1));
	let peak = |f: fn(&DayResult) -> i64| results.iter().map(f).max().unwrap_or(0);
	let mean_peak =
		|f: fn(&DayResult) -> i64| results.iter().map(f).sum::<i64>() / results.len().max(1) as i64;
	let (import, export) = results
		.iter()
		.fold((0, 0), |(i, e), r| (i + r.import_export_wh.0, e + r.import_export_wh.1));
	let _ = writeln!(
		out,
		"{} days: cost {:.2} {currency} unmanaged, {:.2} planned, saving {:.2} ({:.1} %)",
		results.len(),
		money(unmanaged, decimals),
		money(planned, decimals),
		money(unmanaged - planned, decimals),
		(unmanaged - planned) as f64 * 100.0 / unmanaged.max(1) as f64,
	);
	let _ = writeln!(
		out,
		"highest hourly import: {} Wh unmanaged, {} Wh planned; mean daily peak {} → {} Wh",
		peak(|r| r.peak_wh.0),
		peak(|r| r.peak_wh.1),
		mean_peak(|r| r.peak_wh.0),
		mean_peak(|r| r.peak_wh.1),
	);
	let _ = writeln!(
		out,
		"planned: {:.0} kWh imported, {:.0} kWh exported; {} of {} days proven optimal\n",
		import as f64 / 1e3,
		export as f64 / 1e3,
		results.iter().filter(|r| r.proven_optimal).count(),
		results.len(),
	);
	let _ = writeln!(out, "month   unmanaged    planned   saving   peak unmanaged → planned (Wh)");
	for (m, name) in MONTHS.iter().enumerate() {
		let days: Vec<&DayResult> = results.iter().filter(|r| month_of(r.day) == m).collect();
		if days.is_empty() {
			continue;
		}
		let cost = |f: fn(&DayResult) -> MilliUnits| days.iter().map(|r| f(r)).sum::<MilliUnits>();
		let (u, p) = (cost(|r| r.cost.0), cost(|r| r.cost.1));
		let peak_u = days.iter().map(|r| r.peak_wh.0).max().unwrap_or(0);
		let peak_p = days.iter().map(|r| r.peak_wh.1).max().unwrap_or(0);
		let _ = writeln!(
			out,
			"{name}   {:>10.2} {:>10.2} {:>7.1} %   {peak_u:>6} → {peak_p}",
			money(u, decimals),
			money(p, decimals),
			(u - p) as f64 * 100.0 / u.max(1) as f64,
		);
	}
	out
}

/// Writes `year.csv` (one row per day), `year.svg` (the monthly cost both ways) and `peak.svg`
/// (each day's highest hourly import both ways) into `dir`.
pub fn write(dir: &Path, results: &[DayResult], currency: &str, decimals: u32) -> Result<()> {
	std::fs::create_dir_all(dir)?;
	let mut csv = String::from(
		"day,cost_unmanaged,cost_planned,peak_unmanaged_wh,peak_planned_wh,import_wh,export_wh\n",
	);
	for r in results {
		let _ = writeln!(
			csv,
			"{},{:.6},{:.6},{},{},{},{}",
			r.day,
			money(r.cost.0, decimals),
			money(r.cost.1, decimals),
			r.peak_wh.0,
			r.peak_wh.1,
			r.import_export_wh.0,
			r.import_export_wh.1
		);
	}
	std::fs::write(dir.join("year.csv"), csv)?;

	let monthly: Vec<(f64, f64)> = (0..12)
		.map(|m| {
			let days = results.iter().filter(|r| month_of(r.day) == m);
			days.fold((0.0, 0.0), |(u, p), r| {
				(u + money(r.cost.0, decimals), p + money(r.cost.1, decimals))
			})
		})
		.collect();
	let high = monthly.iter().map(|&(u, p)| u.max(p)).fold(0.0f64, f64::max).max(0.01) * 1.1;
	let low = monthly.iter().map(|&(u, p)| u.min(p)).fold(0.0f64, f64::min);
	let error = |e| anyhow!("drawing year.svg: {e:?}");
	let path = dir.join("year.svg");
	let root = SVGBackend::new(&path, (960, 480)).into_drawing_area();
	root.fill(&WHITE).map_err(error)?;
	let mut chart = ChartBuilder::on(&root)
		.caption(format!("The home's cost per month ({currency})"), ("sans-serif", 20))
		.margin(12)
		.x_label_area_size(32)
		.y_label_area_size(60)
		.build_cartesian_2d(0.0f64..12.0, low..high)
		.map_err(error)?;
	chart
		.configure_mesh()
		.disable_x_mesh()
		.x_labels(12)
		.x_label_formatter(&|x| MONTHS.get(*x as usize).copied().unwrap_or("").to_string())
		.draw()
		.map_err(error)?;
	let series = [
		(0.12, 0.47, RGBColor(90, 90, 90), "unmanaged"),
		(0.53, 0.88, RGBColor(44, 160, 44), "planned"),
	];
	for (i, (from, to, colour, name)) in series.into_iter().enumerate() {
		let bars = monthly.iter().enumerate().map(|(m, &(u, p))| {
			let value = if i == 0 { u } else { p };
			Rectangle::new([(m as f64 + from, 0.0), (m as f64 + to, value)], colour.filled())
		});
		chart
			.draw_series(bars)
			.map_err(error)?
			.label(name)
			.legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 10, y + 5)], colour.filled()));
	}
	chart
		.configure_series_labels()
		.position(SeriesLabelPosition::UpperMiddle)
		.border_style(BLACK)
		.background_style(WHITE.mix(0.8))
		.draw()
		.map_err(error)?;
	root.present().map_err(error)?;
	peaks(&dir.join("peak.svg"), results)
}

/// A line of `peak.svg`: its name, colour and value of a day.
type Series = (&'static str, RGBColor, fn(&DayResult) -> i64);

/// `peak.svg`: each day's highest hourly import, unmanaged and planned, in kW.
fn peaks(path: &Path, results: &[DayResult]) -> Result<()> {
	let error = |e| anyhow!("drawing peak.svg: {e:?}");
	let kw = |wh: i64| wh as f64 / 1_000.0;
	let high = results.iter().map(|r| kw(r.peak_wh.0.max(r.peak_wh.1))).fold(0.0, f64::max) * 1.1;
	let root = SVGBackend::new(path, (960, 480)).into_drawing_area();
	root.fill(&WHITE).map_err(error)?;
	let mut chart = ChartBuilder::on(&root)
		.caption("The home's highest hourly import of each day (kW)", ("sans-serif", 20))
		.margin(12)
		.x_label_area_size(32)
		.y_label_area_size(50)
		.build_cartesian_2d(0usize..results.len(), 0.0..high.max(0.1))
		.map_err(error)?;
	chart.configure_mesh().x_desc("day of 2016").draw().map_err(error)?;
	let series: [Series; 2] = [
		("unmanaged", RGBColor(90, 90, 90), |r| r.peak_wh.0),
		("planned", RGBColor(44, 160, 44), |r| r.peak_wh.1),
	];
	for (name, colour, value) in series {
		chart
			.draw_series(LineSeries::new(results.iter().map(|r| (r.day, kw(value(r)))), colour))
			.map_err(error)?
			.label(name)
			.legend(move |(x, y)| PathElement::new([(x, y), (x + 16, y)], colour));
	}
	chart
		.configure_series_labels()
		.position(SeriesLabelPosition::LowerRight)
		.border_style(BLACK)
		.background_style(WHITE.mix(0.8))
		.draw()
		.map_err(error)?;
	root.present().map_err(error)?;
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::home::HomeFile;

	#[test]
	fn a_planned_fortnight_never_costs_more_than_unmanaged_and_lowers_the_peaks() {
		let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
		let home = HomeFile::read(&root.join("ems/examples/home.toml")).unwrap();
		let profiles = Profiles::read(&root.join("data/simbench_2016_hourly.csv")).unwrap();
		let source = Source {
			profiles: &profiles,
			load: "H0-A",
			annual_kwh: 2_000.0,
			pv: "PV1",
			kwp: 6.0,
			days: Some(14),
		};
		let results = run(&home.appliances().unwrap(), &home.day(), &source).unwrap();
		assert_eq!(results.len(), 14);
		assert!(results.iter().all(|r| r.cost.1 <= r.cost.0));
		let total = |f: fn(&DayResult) -> i64| results.iter().map(f).sum::<i64>();
		assert!(total(|r| r.peak_wh.1) < total(|r| r.peak_wh.0));
		let dir = std::env::temp_dir().join(format!("energy-ems-year-{}", std::process::id()));
		write(&dir, &results, "CEUR", 6).unwrap();
		let csv = std::fs::read_to_string(dir.join("year.csv")).unwrap();
		assert_eq!(csv.lines().count(), 15);
		assert!(std::fs::read_to_string(dir.join("peak.svg")).unwrap().starts_with("<svg"));
		std::fs::remove_dir_all(dir).unwrap();
	}
}
