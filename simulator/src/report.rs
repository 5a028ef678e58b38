//! The simulation's files: `summary.json`, a CSV per rule and slot, the community used
//! (`community.toml`), the charts and `report.md`.

use std::{fmt::Write as _, path::Path};

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::{
	charts::{self, RuleSeries},
	community::{CommunityFile, Tariff},
	rule_name, Prepared, RuleResult,
};

/// What `summary.json` holds (documented field by field in `docs/simulation.md`).
#[derive(Serialize)]
pub struct SummaryFile<'a> {
	/// The span simulated.
	pub span: Span,
	/// The tariff table.
	pub tariff: &'a Tariff,
	/// Members and how many have PV.
	pub members: usize,
	/// Members with a PV roof.
	pub prosumers: usize,
	/// Seconds spent making the forecasts (once for all rules).
	pub forecasts_s: f64,
	/// One entry per rule.
	pub rules: Vec<RuleEntry<'a>>,
}

/// The span of a simulation.
#[derive(Serialize)]
pub struct Span {
	/// Its first hour (UTC).
	pub from: String,
	/// Its hourly slots.
	pub slots: usize,
	/// Its days.
	pub days: f64,
}

/// One rule's entry of `summary.json`.
#[derive(Serialize)]
pub struct RuleEntry<'a> {
	/// The rule.
	pub rule: &'static str,
	/// The community's figures.
	pub community: &'a crate::summary::CommunitySummary,
	/// Each member's.
	pub members: &'a [crate::summary::MemberSummary],
	/// The conservation checks.
	pub checks: &'a [crate::checks::Check],
	/// Standing orders placed in auctions, and skipped by reason.
	pub standing_orders_placed: u32,
	/// Skipped standing orders by reason.
	pub standing_orders_skipped: &'a std::collections::BTreeMap<String, u32>,
	/// Where the run's time went.
	pub timings: crate::run::Timings,
	/// Seconds the checks took.
	pub checks_s: f64,
	/// Slots per second of the run (blocks, signing and genesis; not the forecasts).
	pub slots_per_s: f64,
}

/// Slots per second of a rule's run.
pub fn slots_per_s(prepared: &Prepared, result: &RuleResult) -> f64 {
	let t = &result.timings;
	prepared.slots as f64 / (t.genesis_s + t.signing_s + t.blocks_s + t.recording_s).max(1e-9)
}

/// Writes every file into `out`.
pub fn write(out: &Path, prepared: &Prepared, results: &[RuleResult], command: &str) -> Result<()> {
	std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
	let from = DateTime::<Utc>::from_timestamp_millis(prepared.start_ms as i64)
		.map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
		.unwrap_or_default();
	let summary = SummaryFile {
		span: Span { from, slots: prepared.slots, days: prepared.slots as f64 / 24.0 },
		tariff: &prepared.community.file.tariff,
		members: prepared.community.members.len(),
		prosumers: prepared.layout.roofs.len(),
		forecasts_s: prepared.forecast_s,
		rules: results
			.iter()
			.map(|r| RuleEntry {
				rule: rule_name(r.rule),
				community: &r.summary.community,
				members: &r.summary.members,
				checks: &r.checks,
				standing_orders_placed: r.ledger.standing_placed,
				standing_orders_skipped: &r.ledger.standing_skipped,
				timings: r.timings,
				checks_s: r.checks_s,
				slots_per_s: slots_per_s(prepared, r),
			})
			.collect(),
	};
	std::fs::write(out.join("summary.json"), serde_json::to_string_pretty(&summary)?)?;
	write_community(&out.join("community.toml"), &prepared.community.file)?;
	for result in results {
		write_slots(&out.join(format!("slots-{}.csv", rule_name(result.rule))), prepared, result)?;
	}
	let series: Vec<RuleSeries> = results
		.iter()
		.map(|r| RuleSeries { name: rule_name(r.rule), summary: &r.summary, ledger: &r.ledger })
		.collect();
	let community = &prepared.community;
	charts::member_savings(&out.join("member-savings.svg"), &series)?;
	charts::monthly_cost(&out.join("monthly-cost.svg"), community, &series)?;
	charts::price_duration(&out.join("price-duration.svg"), community, &series)?;
	let weeks = typical_weeks(prepared.slots);
	if let Some(first) = series.first() {
		for (file, title, from) in &weeks {
			charts::week(&out.join(file), title, first, *from)?;
		}
	}
	std::fs::write(out.join("report.md"), markdown(prepared, results, &weeks, command))?;
	Ok(())
}

/// The community file, so that a generated community can be run again or edited.
pub fn write_community(path: &Path, file: &CommunityFile) -> Result<()> {
	std::fs::write(path, toml::to_string_pretty(file)?)
		.with_context(|| format!("writing {}", path.display()))
}

/// The per-slot CSV of one rule.
fn write_slots(path: &Path, prepared: &Prepared, result: &RuleResult) -> Result<()> {
	let mut csv = csv::Writer::from_path(path)?;
	csv.write_record([
		"slot",
		"start_utc",
		"retail",
		"feed_in",
		"bids",
		"offers",
		"bid_wh",
		"offer_wh",
		"mcp",
		"volume_wh",
		"trades",
		"delivered_wh",
		"shortfall_wh",
		"paid",
		"penalties",
		"fed_in_wh",
		"fed_in_paid",
		"import_wh",
		"export_wh",
	])?;
	let ledger = &result.ledger;
	for (index, slot) in ledger.slots.iter().enumerate() {
		let start = prepared.start_ms as i64 + index as i64 * 3_600_000;
		let start = DateTime::<Utc>::from_timestamp_millis(start)
			.map(|t| t.format("%Y-%m-%dT%H:%MZ").to_string())
			.unwrap_or_default();
		let import: u64 = ledger.members.iter().map(|m| m.import_wh[index]).sum();
		let export: u64 = ledger.members.iter().map(|m| m.export_wh[index]).sum();
		let f = &slot.flows;
		csv.write_record([
			(ledger.first_slot as usize + index).to_string(),
			start,
			slot.retail.to_string(),
			slot.feed_in.to_string(),
			slot.bids.to_string(),
			slot.offers.to_string(),
			slot.bid_wh.to_string(),
			slot.offer_wh.to_string(),
			slot.mcp.map(|p| p.to_string()).unwrap_or_default(),
			slot.volume_wh.to_string(),
			slot.trades.to_string(),
			f.delivered_wh.to_string(),
			f.shortfall_wh.to_string(),
			f.paid.to_string(),
			f.penalties.to_string(),
			f.feed_in_wh.to_string(),
			f.feed_in_paid.to_string(),
			import.to_string(),
			export.to_string(),
		])?;
	}
	csv.flush()?;
	Ok(())
}

/// A winter and a summer week (mid-January and mid-June) if the span has them, else its last
/// week.
fn typical_weeks(slots: usize) -> Vec<(String, String, usize)> {
	let week = 7 * 24;
	let mut weeks = Vec::new();
	// 2016-01-11 and 2016-06-13 are Mondays.
	for (file, title, day) in [
		("week-winter.svg", "A winter week from 11 January", 10),
		("week-summer.svg", "A summer week from 13 June", 164),
	] {
		if (day * 24 + week) <= slots {
			weeks.push((file.to_owned(), title.to_owned(), day * 24));
		}
	}
	if weeks.is_empty() && slots >= 24 {
		weeks.push((
			"week-last.svg".to_owned(),
			"The span's last week".to_owned(),
			slots.saturating_sub(week),
		));
	}
	weeks
}

/// `report.md`.
fn markdown(
	prepared: &Prepared,
	results: &[RuleResult],
	weeks: &[(String, String, usize)],
	command: &str,
) -> String {
	let mut md = String::new();
	let c = &prepared.community;
	let t = &c.file.tariff;
	let _ = writeln!(
		md,
		"# Community simulation: {} members, {:.0} days\n",
		c.members.len(),
		prepared.slots as f64 / 24.0
	);
	let _ = writeln!(md, "`{command}`\n");
	let _ = writeln!(
		md,
		"{} members ({} with PV), hourly slots from 2016-01-01 on `data/simbench_2016_hourly.csv`; retail {:.3} CEUR/kWh ({:.3} from {}:00 to {}:00 UTC), feed-in {:.3}; standing bids at the lowest retail tariff less each member's margin (default {:.3} CEUR/kWh), offers at feed-in plus its margin (default {:.3}).\n",
		c.members.len(),
		prepared.layout.roofs.len(),
		t.retail,
		t.peak_retail,
		t.peak_from,
		t.peak_to,
		t.feed_in,
		c.file.prices.bid_margin,
		c.file.prices.offer_margin,
	);
	md.push_str("## The community\n\n| | ");
	md.push_str(&results.iter().map(|r| rule_name(r.rule)).collect::<Vec<_>>().join(" | "));
	md.push_str(" |\n|---|");
	md.push_str(&"---:|".repeat(results.len()));
	md.push('\n');
	type Row = (&'static str, fn(&crate::summary::CommunitySummary) -> String);
	let rows: &[Row] = &[
		("net cost, CEUR", |s| format!("{:.2}", s.net_cost)),
		("baseline (no market), CEUR", |s| format!("{:.2}", s.baseline)),
		("saving, CEUR", |s| format!("{:.2}", s.saving)),
		("saving, % of baseline", |s| format!("{:.2}", s.saving_percent)),
		("PV owners' revenue, CEUR", |s| format!("{:.2}", s.pv_owners_revenue)),
		("… at feed-in only, CEUR", |s| format!("{:.2}", s.pv_owners_feed_in_only)),
		("PV owners' saving (as sellers and buyers), CEUR", |s| {
			format!("{:.2}", s.pv_owners_saving)
		}),
		("consumption / PV export, kWh", |s| format!("{:.0} / {:.0}", s.consumption_kwh, s.pv_kwh)),
		("delivered P2P, kWh", |s| format!("{:.0}", s.p2p_kwh)),
		("… within the buyer's consumption, kWh", |s| format!("{:.0}", s.p2p_used_kwh)),
		("… to the seller itself, kWh", |s| format!("{:.0}", s.self_traded_kwh)),
		("traded, not delivered, kWh", |s| format!("{:.0}", s.shortfall_kwh)),
		("self-sufficiency: market / physical, %", |s| {
			format!(
				"{:.1} / {:.1}",
				s.market_self_sufficiency_percent, s.physical_self_sufficiency_percent
			)
		}),
		("self-consumption (PV sold P2P), %", |s| {
			format!("{:.1}", s.market_self_consumption_percent)
		}),
		("peak: net import / utility purchase, kW", |s| {
			format!("{:.1} / {:.1}", s.peak_net_import_kw, s.peak_utility_purchase_kw)
		}),
		("mean clearing price, CEUR/kWh", |s| {
			s.mean_clearing_price.map(|p| format!("{p:.4}")).unwrap_or_else(|| "–".into())
		}),
		("members worse off than baseline", |s| s.worse_off.len().to_string()),
	];
	for (label, value) in rows.iter().copied() {
		let _ = writeln!(
			md,
			"| {label} | {} |",
			results.iter().map(|r| value(&r.summary.community)).collect::<Vec<_>>().join(" | ")
		);
	}
	md.push_str("\n![each member's saving](member-savings.svg)\n\n![monthly cost](monthly-cost.svg)\n\n![price duration](price-duration.svg)\n\n");
	for (file, _, _) in weeks {
		let _ = writeln!(md, "![{file}]({file})\n");
	}
	md.push_str("## Members worse off than their baseline\n\n");
	for result in results {
		let worse: Vec<_> =
			result.summary.members.iter().filter(|m| m.worse_off_because.is_some()).collect();
		let _ = writeln!(
			md,
			"**{}**: {} of {}",
			rule_name(result.rule),
			worse.len(),
			result.summary.members.len()
		);
		for member in worse {
			let _ = writeln!(
				md,
				"- {} ({}, {}): {:.2} CEUR worse: {}",
				member.name,
				member.role,
				member.strategy,
				-member.saving,
				member.worse_off_because.as_deref().unwrap_or_default()
			);
		}
		md.push('\n');
	}
	md.push_str(
		"## Conservation checks\n\n| rule | check | passed | detail |\n|---|---|---|---|\n",
	);
	for result in results {
		for check in &result.checks {
			let _ = writeln!(
				md,
				"| {} | {} | {} | {} |",
				rule_name(result.rule),
				check.name,
				if check.passed { "yes" } else { "**NO**" },
				check.detail
			);
		}
	}
	md.push_str("\n## Where the time went\n\n");
	let _ = writeln!(
		md,
		"Forecasts (once for all rules, {} meters): {:.1} s.\n",
		prepared.layout.meters.len(),
		prepared.forecast_s
	);
	md.push_str("| rule | genesis s | signing s | blocks s | recording s | checks s | blocks | slots/s |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
	for result in results {
		let t = &result.timings;
		let _ = writeln!(
			md,
			"| {} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} | {} | {:.0} |",
			rule_name(result.rule),
			t.genesis_s,
			t.signing_s,
			t.blocks_s,
			t.recording_s,
			result.checks_s,
			t.blocks,
			slots_per_s(prepared, result)
		);
	}
	md
}
