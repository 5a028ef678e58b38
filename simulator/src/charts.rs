//! The report's charts, as SVG: each member's saving against its baseline, the community's
//! monthly cost, the clearing-price duration curve per rule, and a summer and a winter week of
//! the community's load, PV, peer-to-peer deliveries and purchases from the utility.

use std::path::Path;

use anyhow::{anyhow, Result};
use plotters::prelude::*;

use crate::{community::Community, ledger::Ledger, summary::RunSummary};

/// One colour per rule (in `--rule all` order) and for the baseline.
const RULE_COLOURS: [RGBColor; 3] =
	[RGBColor(31, 119, 180), RGBColor(255, 127, 14), RGBColor(44, 160, 44)];
const BASELINE: RGBColor = RGBColor(90, 90, 90);
const SIZE: (u32, u32) = (960, 480);

/// A chart's drawing error as an error of the report.
pub fn plot_error<E: std::fmt::Debug>(error: E) -> anyhow::Error {
	anyhow!("drawing a chart: {error:?}")
}

/// A rule's results for the charts.
pub struct RuleSeries<'a> {
	/// The rule's name.
	pub name: &'a str,
	/// Its figures.
	pub summary: &'a RunSummary,
	/// Its ledger.
	pub ledger: &'a Ledger,
}

/// Each member's saving (baseline − net cost) per rule, members in community order.
pub fn member_savings(path: &Path, rules: &[RuleSeries]) -> Result<()> {
	let series: Vec<(&str, RGBColor, Vec<f64>)> = rules
		.iter()
		.enumerate()
		.map(|(r, rule)| {
			let savings = rule.summary.members.iter().map(|m| m.saving).collect();
			(rule.name, RULE_COLOURS[r % RULE_COLOURS.len()], savings)
		})
		.collect();
	let caption = "Each member's saving against its baseline (CEUR over the span)";
	member_bars(path, caption, "baseline − net cost, CEUR", &series)
}

/// A bar per member and series (name, colour, one value per member in community order).
pub fn member_bars(
	path: &Path,
	caption: &str,
	y_desc: &str,
	series: &[(&str, RGBColor, Vec<f64>)],
) -> Result<()> {
	let members = series.first().map_or(0, |(_, _, values)| values.len());
	let values = series.iter().flat_map(|(_, _, values)| values.iter().copied());
	let (low, high) = values.fold((0.0f64, 0.0f64), |(l, h), v| (l.min(v), h.max(v)));
	let pad = (high - low).max(1.0) * 0.05;
	let root = SVGBackend::new(path, SIZE).into_drawing_area();
	root.fill(&WHITE).map_err(plot_error)?;
	let mut chart = ChartBuilder::on(&root)
		.caption(caption, ("sans-serif", 20))
		.margin(12)
		.x_label_area_size(36)
		.y_label_area_size(64)
		.build_cartesian_2d(0f64..members.max(1) as f64, (low - pad)..(high + pad))
		.map_err(plot_error)?;
	chart
		.configure_mesh()
		.x_desc("member (community order, from 1)")
		.x_label_formatter(&|x| format!("{}", *x as usize + 1))
		.y_desc(y_desc)
		.disable_x_mesh()
		.draw()
		.map_err(plot_error)?;
	let width = 0.8 / series.len().max(1) as f64;
	for (r, (name, colour, values)) in series.iter().enumerate() {
		let colour = *colour;
		chart
			.draw_series(values.iter().enumerate().map(|(i, value)| {
				let x = i as f64 + 0.1 + r as f64 * width;
				Rectangle::new([(x, 0.0), (x + width, *value)], colour.filled())
			}))
			.map_err(plot_error)?
			.label(*name)
			.legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 10, y + 5)], colour.filled()));
	}
	legend(&mut chart)?;
	root.present().map_err(plot_error)
}

/// The community's cost per calendar month (UTC) of the span per rule, and its baseline.
pub fn monthly_cost(path: &Path, community: &Community, rules: &[RuleSeries]) -> Result<()> {
	let Some(first) = rules.first() else { return Ok(()) };
	// The calendar month (0-based, counted from the span's first) of each slot.
	let month_of = |ledger: &Ledger, slot: usize| -> usize {
		let at = (ledger.first_slot as i64 + slot as i64) * 3_600_000;
		let date = chrono::DateTime::<chrono::Utc>::from_timestamp_millis(at).unwrap_or_default();
		let first = chrono::DateTime::<chrono::Utc>::from_timestamp_millis(
			ledger.first_slot as i64 * 3_600_000,
		)
		.unwrap_or_default();
		use chrono::Datelike;
		((date.year() - first.year()) * 12 + date.month() as i32 - first.month() as i32).max(0)
			as usize
	};
	let slots = first.ledger.slots.len();
	let months = slots.checked_sub(1).map_or(1, |last| month_of(first.ledger, last) + 1);
	let monthly = |ledger: &Ledger, cost: &dyn Fn(&Ledger, usize) -> f64| -> Vec<f64> {
		let mut sums = vec![0.0; months];
		for slot in 0..ledger.slots.len() {
			sums[month_of(ledger, slot).min(months - 1)] += cost(ledger, slot) / 1_000_000.0;
		}
		sums
	};
	let baseline = monthly(first.ledger, &|ledger, slot| slot_baseline(community, ledger, slot));
	let series: Vec<Vec<f64>> = rules
		.iter()
		.map(|rule| monthly(rule.ledger, &|ledger, slot| slot_cost(community, ledger, slot)))
		.collect();
	let high = series.iter().flatten().chain(&baseline).fold(0.0f64, |h, v| h.max(*v));
	let low = series.iter().flatten().chain(&baseline).fold(0.0f64, |l, v| l.min(*v));
	let root = SVGBackend::new(path, SIZE).into_drawing_area();
	root.fill(&WHITE).map_err(plot_error)?;
	let mut chart = ChartBuilder::on(&root)
		.caption("The community's net cost per month (CEUR)", ("sans-serif", 20))
		.margin(12)
		.x_label_area_size(36)
		.y_label_area_size(64)
		.build_cartesian_2d(0.5f64..months as f64 + 0.5, low.min(0.0)..high * 1.08 + 1.0)
		.map_err(plot_error)?;
	chart
		.configure_mesh()
		.x_desc("month of the span")
		.x_label_formatter(&|x| format!("{x:.0}"))
		.y_desc("CEUR")
		.draw()
		.map_err(plot_error)?;
	let points = |values: &[f64]| -> Vec<(f64, f64)> {
		values.iter().enumerate().map(|(m, v)| (m as f64 + 1.0, *v)).collect()
	};
	chart
		.draw_series(LineSeries::new(points(&baseline), BASELINE.stroke_width(3)))
		.map_err(plot_error)?
		.label("baseline (no market)")
		.legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], BASELINE.stroke_width(3)));
	// Rules that match the same volume cost the community the same: earlier rules are drawn
	// wider, so that a line on top of another still shows both.
	for (r, (rule, values)) in rules.iter().zip(&series).enumerate() {
		let colour = RULE_COLOURS[r % RULE_COLOURS.len()];
		let width = 2 + 3 * (rules.len() - 1 - r) as u32;
		chart
			.draw_series(LineSeries::new(points(values), colour.stroke_width(width)))
			.map_err(plot_error)?
			.label(rule.name)
			.legend(move |(x, y)| {
				PathElement::new(vec![(x, y), (x + 16, y)], colour.stroke_width(width))
			});
	}
	legend(&mut chart)?;
	root.present().map_err(plot_error)
}

/// The community's cost of slot `slot` (µCEUR): its purchases from the utility at retail less
/// what the utility paid at feed-in (peer-to-peer payments and penalties stay inside it).
pub fn slot_cost(community: &Community, ledger: &Ledger, slot: usize) -> f64 {
	let (retail, _) = crate::summary::tariff_of(community, ledger, slot);
	let purchase: u64 =
		ledger.members.iter().map(|m| m.import_wh[slot].saturating_sub(m.bought_wh[slot])).sum();
	purchase as f64 * retail / 1_000.0 - ledger.slots[slot].flows.feed_in_paid as f64
}

/// The community's baseline of slot `slot` (µCEUR).
pub fn slot_baseline(community: &Community, ledger: &Ledger, slot: usize) -> f64 {
	(0..ledger.members.len())
		.map(|member| crate::summary::slot_baseline_micro(community, ledger, member, slot))
		.sum()
}

/// The clearing prices of the slots with trades, highest first, per rule.
pub fn price_duration(path: &Path, community: &Community, rules: &[RuleSeries]) -> Result<()> {
	let curves: Vec<Vec<f64>> = rules
		.iter()
		.map(|rule| {
			let mut prices: Vec<f64> = rule
				.ledger
				.slots
				.iter()
				.filter(|s| s.volume_wh > 0)
				.filter_map(|s| s.mcp.map(|p| p as f64 / 1_000_000.0))
				.collect();
			prices.sort_by(|a, b| b.total_cmp(a));
			prices
		})
		.collect();
	let longest = curves.iter().map(Vec::len).max().unwrap_or(0).max(1);
	let tariff = &community.file.tariff;
	let top = tariff.peak_retail.max(tariff.retail) * 1.1;
	let root = SVGBackend::new(path, SIZE).into_drawing_area();
	root.fill(&WHITE).map_err(plot_error)?;
	let mut chart = ChartBuilder::on(&root)
		.caption("Clearing-price duration curve (slots with trades)", ("sans-serif", 20))
		.margin(12)
		.x_label_area_size(36)
		.y_label_area_size(64)
		.build_cartesian_2d(0f64..longest as f64, 0f64..top)
		.map_err(plot_error)?;
	chart
		.configure_mesh()
		.x_desc("slots with trades, by clearing price")
		.y_desc("CEUR/kWh")
		.draw()
		.map_err(plot_error)?;
	for (level, label) in [(tariff.feed_in, "feed-in"), (tariff.retail, "retail (off-peak)")] {
		chart
			.draw_series(LineSeries::new(
				vec![(0.0, level), (longest as f64, level)],
				BASELINE.stroke_width(1),
			))
			.map_err(plot_error)?
			.label(label)
			.legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], BASELINE.stroke_width(1)));
	}
	for (r, (rule, prices)) in rules.iter().zip(&curves).enumerate() {
		let colour = RULE_COLOURS[r % RULE_COLOURS.len()];
		let points = prices.iter().enumerate().map(|(i, p)| (i as f64, *p));
		chart
			.draw_series(LineSeries::new(points, colour.stroke_width(2)))
			.map_err(plot_error)?
			.label(rule.name)
			.legend(move |(x, y)| {
				PathElement::new(vec![(x, y), (x + 16, y)], colour.stroke_width(2))
			});
	}
	legend(&mut chart)?;
	root.present().map_err(plot_error)
}

/// A week from slot `from`: the community's load, PV, P2P deliveries and utility purchases,
/// kWh per hour, under one rule.
pub fn week(path: &Path, title: &str, rule: &RuleSeries, from: usize) -> Result<()> {
	let ledger = rule.ledger;
	let hours = (from..(from + 7 * 24).min(ledger.slots.len())).collect::<Vec<_>>();
	let series = |f: &dyn Fn(&crate::ledger::MemberRecord, usize) -> u64| -> Vec<(f64, f64)> {
		hours
			.iter()
			.enumerate()
			.map(|(i, slot)| {
				(i as f64, ledger.members.iter().map(|m| f(m, *slot)).sum::<u64>() as f64 / 1_000.0)
			})
			.collect()
	};
	let load = series(&|m, s| m.import_wh[s]);
	let pv = series(&|m, s| m.export_wh[s]);
	let p2p = series(&|m, s| m.bought_wh[s]);
	let utility = series(&|m, s| m.import_wh[s].saturating_sub(m.bought_wh[s]));
	let high = load.iter().chain(&pv).fold(0.0f64, |h, (_, v)| h.max(*v)) * 1.1 + 0.1;
	let root = SVGBackend::new(path, SIZE).into_drawing_area();
	root.fill(&WHITE).map_err(plot_error)?;
	let mut chart = ChartBuilder::on(&root)
		.caption(format!("{title} ({})", rule.name), ("sans-serif", 20))
		.margin(12)
		.x_label_area_size(36)
		.y_label_area_size(64)
		.build_cartesian_2d(0f64..hours.len().max(1) as f64, 0f64..high)
		.map_err(plot_error)?;
	chart
		.configure_mesh()
		.x_desc("day of the week (from its Monday 00:00 UTC)")
		.x_labels(8)
		.x_label_formatter(&|x| format!("day {:.0}", x / 24.0 + 1.0))
		.y_desc("kWh per hour (kW)")
		.draw()
		.map_err(plot_error)?;
	type Line<'a> = (&'a str, &'a Vec<(f64, f64)>, RGBColor);
	let lines: [Line; 4] = [
		("community load", &load, RGBColor(60, 60, 60)),
		("PV export", &pv, RGBColor(240, 180, 0)),
		("delivered peer-to-peer", &p2p, RULE_COLOURS[2]),
		("bought from the utility", &utility, RGBColor(214, 39, 40)),
	];
	for (label, points, colour) in lines {
		chart
			.draw_series(LineSeries::new(points.iter().copied(), colour.stroke_width(2)))
			.map_err(plot_error)?
			.label(label)
			.legend(move |(x, y)| {
				PathElement::new(vec![(x, y), (x + 16, y)], colour.stroke_width(2))
			});
	}
	legend(&mut chart)?;
	root.present().map_err(plot_error)
}

/// The chart's legend, upper right.
pub fn legend<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(
	chart: &mut ChartContext<'a, DB, CT>,
) -> Result<()> {
	chart
		.configure_series_labels()
		.background_style(WHITE.mix(0.85))
		.border_style(BLACK)
		.position(SeriesLabelPosition::UpperRight)
		.draw()
		.map_err(plot_error)
}
