//! The matching report as CSV, and its one-line summary.

use anyhow::Result;
use pallet_energy_tokens_rpc::{MatchingReport, PeriodMatching};

/// One CSV row per slot (`level` = `hour`), then per day, month, year and the whole span:
/// `level,period,slot,consumed_wh,matched_wh,cfe_score`.
pub fn csv(report: &MatchingReport<String>) -> Result<String> {
	let mut writer = csv::Writer::from_writer(Vec::new());
	writer.write_record(["level", "period", "slot", "consumed_wh", "matched_wh", "cfe_score"])?;
	let score = |score: Option<f64>| score.map(|s| format!("{s:.4}")).unwrap_or_default();
	for hour in &report.hours {
		writer.write_record([
			"hour".into(),
			hour.start.clone(),
			hour.slot.to_string(),
			hour.consumed_wh.to_string(),
			hour.matched_wh.to_string(),
			score(hour.cfe_score),
		])?;
	}
	let periods = [("day", &report.days), ("month", &report.months), ("year", &report.years)];
	let total = vec![report.total.clone()];
	for (level, rows) in periods.into_iter().chain([("total", &total)]) {
		for PeriodMatching { period, consumed_wh, matched_wh, cfe_score } in rows.iter() {
			writer.write_record([
				level.into(),
				period.clone(),
				String::new(),
				consumed_wh.to_string(),
				matched_wh.to_string(),
				score(*cfe_score),
			])?;
		}
	}
	Ok(String::from_utf8(writer.into_inner()?)?)
}

/// `who: consumed, matched, score` over the span.
pub fn summary(report: &MatchingReport<String>) -> String {
	let who = report.who.as_deref().unwrap_or("the community");
	let total = &report.total;
	let score = total
		.cfe_score
		.map_or("no consumption".into(), |s| format!("CFE score {:.1} %", s * 100.0));
	format!(
		"{who}, slots {}..={}: {} Wh consumed in {} metered slots, {} Wh matched: {score}",
		report.from_slot,
		report.to_slot,
		total.consumed_wh,
		report.hours.len(),
		total.matched_wh
	)
}

#[cfg(test)]
mod tests {
	use super::*;
	use pallet_energy_tokens_rpc::matching::report;
	use pallet_energy_tokens_runtime_api::HourlyMatching;

	#[test]
	fn one_row_per_slot_then_per_period() {
		let rows = [
			HourlyMatching { slot: 499_057, consumed_wh: 55, claimed_wh: 40 },
			HourlyMatching { slot: 499_058, consumed_wh: 45, claimed_wh: 0 },
		];
		let report = report(Some("eve".to_string()), 499_057, 499_058, 3_600_000, &rows);
		assert_eq!(
			csv(&report).expect("writes"),
			"level,period,slot,consumed_wh,matched_wh,cfe_score\n\
			 hour,2026-12-07T01:00:00Z,499057,55,40,0.7273\n\
			 hour,2026-12-07T02:00:00Z,499058,45,0,0.0000\n\
			 day,2026-12-07,,100,40,0.4000\n\
			 month,2026-12,,100,40,0.4000\n\
			 year,2026,,100,40,0.4000\n\
			 total,499057..=499058,,100,40,0.4000\n"
		);
		assert_eq!(
			summary(&report),
			"eve, slots 499057..=499058: 100 Wh consumed in 2 metered slots, 40 Wh matched: CFE score 40.0 %"
		);
	}
}
