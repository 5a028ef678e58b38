//! What a flexibility study writes: each run's own report in a folder of its name, and
//! `flexibility.md`, `flexibility.json`, `requests.csv` and three charts comparing them.

use std::{fmt::Write as _, path::Path};

use anyhow::{Context, Result};
use plotters::prelude::*;

use crate::{
	charts::{self, plot_error},
	report,
	study::{net_import_wh, ScenarioFigures, Study},
};

const COLOURS: [RGBColor; 3] =
	[RGBColor(90, 90, 90), RGBColor(44, 160, 44), RGBColor(31, 119, 180)];
const SIZE: (u32, u32) = (960, 480);
/// Hours the peak-duration chart shows.
const DURATION_HOURS: usize = 200;

/// Writes the study into `out`.
pub fn write(out: &Path, study: &Study, figures: &[ScenarioFigures], command: &str) -> Result<()> {
	std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
	for scenario in &study.scenarios {
		let dir = out.join(scenario.name);
		report::write(&dir, &scenario.prepared, std::slice::from_ref(&scenario.result), command)?;
	}
	let json = serde_json::json!({
		"threshold_kw": study.threshold_wh as f64 / 1e3,
		"event_hours": study.requested.len(),
		"price_ceur_per_kwh": study.policy.price_per_wh as f64 * 1e3 / 1e6,
		"planning_s": study.planning_s,
		"scenarios": figures,
	});
	std::fs::write(out.join("flexibility.json"), serde_json::to_string_pretty(&json)?)?;
	write_requests(&out.join("requests.csv"), study)?;
	peak_duration(&out.join("peak-duration.svg"), study)?;
	member_costs(&out.join("member-costs.svg"), figures)?;
	event_hours(&out.join("event-hours.svg"), study)?;
	std::fs::write(out.join("flexibility.md"), markdown(study, figures, command))?;
	Ok(())
}

/// The study as Markdown.
pub fn markdown(study: &Study, figures: &[ScenarioFigures], command: &str) -> String {
	let mut md = String::new();
	let first = &study.scenarios[0].prepared;
	let _ = writeln!(md, "# Flexibility study\n\n`{command}`\n");
	let _ = writeln!(
		md,
		"{} members ({} with flexible appliances), {} slots ({:.0} days). The DSO called events in {} hours, where the forecast community net import was above {:.1} kW, asking for it down to {:.0} % of that, at {:.3} CEUR per kWh reduced.\n",
		first.community.members.len(),
		first.community.members.iter().filter(|m| !m.spec.appliances.is_empty()).count(),
		first.slots,
		first.slots as f64 / 24.0,
		study.requested.len(),
		study.threshold_wh as f64 / 1e3,
		crate::demand_response::TARGET_SHARE * 100.0,
		study.policy.price_per_wh as f64 / 1e3,
	);
	let _ = writeln!(
		md,
		"| run | peak kW | mean of top 10 h kW | event hours: kWh, highest kW | members' net cost CEUR | members worse off than unmanaged | requests | kWh asked / committed / delivered | DSO spend CEUR | CEUR per kW of peak reduced | mean event-hour reduction kW (CEUR per kW) |\n|---|---|---|---|---|---|---|---|---|---|---|"
	);
	for f in figures {
		let _ = writeln!(
			md,
			"| {} | {:.2} | {:.2} | {:.1}, {:.2} | {:.2} | {} | {} | {:.1} / {:.1} / {:.1} | {:.2} | {} | {:.2} ({}) |",
			f.name,
			f.peak_kw,
			f.top10_mean_kw,
			f.requested_hours_kwh,
			f.requested_hours_peak_kw,
			f.net_cost,
			f.worse_off_than_unmanaged,
			f.requests,
			f.requested_kwh,
			f.committed_kwh,
			f.delivered_kwh,
			f.dso_spend,
			f.dso_spend_per_kw.map_or("–".to_owned(), |v| format!("{v:.2}")),
			f.event_reduction_kw,
			f.dso_spend_per_event_kw.map_or("–".to_owned(), |v| format!("{v:.2}")),
		);
	}
	let _ = writeln!(
		md,
		"\n![The community's highest hourly net imports](peak-duration.svg)\n\n![Each member's net cost against unmanaged](member-costs.svg)\n\n![The event hours](event-hours.svg)\n"
	);
	let _ = writeln!(md, "Each run's full report: [unmanaged](unmanaged/report.md), [EMS](ems/report.md), [EMS + DR](ems-dr/report.md). Requests hour by hour: `requests.csv`.");
	md
}

/// Per requested hour: what was asked, committed and delivered, and the community's net
/// import in the EMS and EMS + DR runs.
fn write_requests(path: &Path, study: &Study) -> Result<()> {
	let [_, ems, dr] = &study.scenarios[..] else { return Ok(()) };
	let slots = dr.prepared.slots;
	let (ems_net, dr_net) = (
		net_import_wh(&ems.prepared.community, slots),
		net_import_wh(&dr.prepared.community, slots),
	);
	let mut csv = String::from(
		"slot_index,forecast_net_wh,requested_wh,committed_wh,delivered_wh,ems_net_wh,dr_net_wh\n",
	);
	for &slot in &study.requested {
		let forecast = dr.prepared.requests.iter().find(|r| r.slot == slot);
		let forecast = forecast.map_or(0, |request| request.forecast_net_wh);
		let (asked, committed, delivered) =
			dr.result.ledger.flexibility.by_slot.get(&slot).copied().unwrap_or_default();
		let _ = writeln!(
			csv,
			"{slot},{forecast},{asked},{committed},{delivered},{},{}",
			ems_net[slot], dr_net[slot]
		);
	}
	std::fs::write(path, csv).with_context(|| format!("writing {}", path.display()))
}

/// The community's highest hourly net imports of each run, sorted, and the DSO's limit.
fn peak_duration(path: &Path, study: &Study) -> Result<()> {
	let series: Vec<(&str, Vec<f64>)> = study
		.scenarios
		.iter()
		.map(|s| {
			let mut net = net_import_wh(&s.prepared.community, s.prepared.slots);
			net.sort_unstable_by(|a, b| b.cmp(a));
			(s.name, net.iter().take(DURATION_HOURS).map(|wh| *wh as f64 / 1e3).collect())
		})
		.collect();
	let limit = study.threshold_wh as f64 / 1e3;
	let high = series.iter().flat_map(|(_, v)| v.first()).fold(limit, |h, v| h.max(*v)) * 1.05;
	let low = series.iter().flat_map(|(_, v)| v.last()).fold(limit, |l, v| l.min(*v)) * 0.9;
	let root = SVGBackend::new(path, SIZE).into_drawing_area();
	root.fill(&WHITE).map_err(plot_error)?;
	let mut chart = ChartBuilder::on(&root)
		.caption("The community's highest hourly net imports (kW)", ("sans-serif", 20))
		.margin(12)
		.x_label_area_size(36)
		.y_label_area_size(56)
		.build_cartesian_2d(0usize..DURATION_HOURS, low.min(high - 0.1)..high.max(0.1))
		.map_err(plot_error)?;
	chart
		.configure_mesh()
		.x_desc("hours of the span, highest first")
		.y_desc("kW")
		.draw()
		.map_err(plot_error)?;
	for (index, (name, values)) in series.iter().enumerate() {
		let colour = COLOURS[index % COLOURS.len()];
		chart
			.draw_series(LineSeries::new(
				values.iter().copied().enumerate(),
				colour.stroke_width(2),
			))
			.map_err(plot_error)?
			.label(*name)
			.legend(move |(x, y)| PathElement::new([(x, y), (x + 16, y)], colour));
	}
	chart
		.draw_series(LineSeries::new([(0, limit), (DURATION_HOURS, limit)], RED))
		.map_err(plot_error)?
		.label("DSO's event threshold (on forecasts)")
		.legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], RED));
	charts::legend(&mut chart)?;
	root.present().map_err(plot_error)
}

/// A bar series of the event-hour chart: its name, colour and value (kW) in a slot.
type Bar<'a> = (&'static str, RGBColor, Box<dyn Fn(usize) -> f64 + 'a>);

/// The community's net import in each event hour, with and without the requests, and what the
/// members committed and delivered there.
fn event_hours(path: &Path, study: &Study) -> Result<()> {
	let [_, ems, dr] = &study.scenarios[..] else { return Ok(()) };
	let slots = dr.prepared.slots;
	let (ems_net, dr_net) = (
		net_import_wh(&ems.prepared.community, slots),
		net_import_wh(&dr.prepared.community, slots),
	);
	let hours = &study.requested;
	let kw = |wh: i64| wh as f64 / 1e3;
	let high = hours.iter().map(|&s| kw(ems_net[s].max(dr_net[s]))).fold(0.1f64, f64::max) * 1.1;
	let root = SVGBackend::new(path, SIZE).into_drawing_area();
	root.fill(&WHITE).map_err(plot_error)?;
	let mut chart = ChartBuilder::on(&root)
		.caption(
			"The event hours: community net import and the members' reductions (kW)",
			("sans-serif", 20),
		)
		.margin(12)
		.x_label_area_size(36)
		.y_label_area_size(56)
		.build_cartesian_2d(0f64..hours.len().max(1) as f64, 0.0..high)
		.map_err(plot_error)?;
	chart
		.configure_mesh()
		.x_desc("event hour (in the order called)")
		.y_desc("kW")
		.disable_x_mesh()
		.draw()
		.map_err(plot_error)?;
	let flexibility = &dr.result.ledger.flexibility;
	let bars: [Bar; 4] = [
		("ems", COLOURS[1], Box::new(|s| kw(ems_net[s]))),
		("ems-dr", COLOURS[2], Box::new(|s| kw(dr_net[s]))),
		(
			"committed",
			RGBColor(255, 127, 14),
			Box::new(|s| kw(flexibility.by_slot.get(&s).map_or(0, |v| v.1) as i64)),
		),
		(
			"delivered (paid)",
			RGBColor(148, 103, 189),
			Box::new(|s| kw(flexibility.by_slot.get(&s).map_or(0, |v| v.2) as i64)),
		),
	];
	let width = 0.8 / bars.len() as f64;
	for (index, (name, colour, value)) in bars.iter().enumerate() {
		let colour = *colour;
		chart
			.draw_series(hours.iter().enumerate().map(|(i, &slot)| {
				let x = i as f64 + 0.1 + index as f64 * width;
				Rectangle::new([(x, 0.0), (x + width, value(slot))], colour.filled())
			}))
			.map_err(plot_error)?
			.label(*name)
			.legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 10, y + 5)], colour.filled()));
	}
	charts::legend(&mut chart)?;
	root.present().map_err(plot_error)
}

/// Each member's net cost in the planned runs less its cost unmanaged.
fn member_costs(path: &Path, figures: &[ScenarioFigures]) -> Result<()> {
	let Some((unmanaged, planned)) = figures.split_first() else { return Ok(()) };
	let series: Vec<(&str, RGBColor, Vec<f64>)> = planned
		.iter()
		.enumerate()
		.map(|(index, f)| {
			let change = f.member_costs.iter().zip(&unmanaged.member_costs).map(|(c, u)| c - u);
			(f.name, COLOURS[(index + 1) % COLOURS.len()], change.collect())
		})
		.collect();
	let caption = "Each member's net cost against unmanaged (CEUR over the span; below 0: saves)";
	charts::member_bars(path, caption, "net cost − unmanaged, CEUR", &series)
}
