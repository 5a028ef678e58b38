//! The 24/7 matching report: per slot, the metered consumption and the Wh of certificates of the
//! same slot claimed against it, with the carbon-free-energy (CFE) score, matched ÷ consumed,
//! per slot and summed per UTC day, month and year and over the whole span.

use crate::time::{slot_end, slot_start, utc_day, utc_month, utc_year};
use pallet_energy_tokens_runtime_api::{HourlyMatching, MarketSlot};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A member's (or the community's) hourly matching over a span of slots.
#[derive(Clone, Debug, Deserialize, PartialEq, Serialize)]
pub struct MatchingReport<AccountId> {
	/// The member, or `null` for the whole community.
	pub who: Option<AccountId>,
	/// The first slot of the span.
	pub from_slot: MarketSlot,
	/// The last slot of the span (included).
	pub to_slot: MarketSlot,
	/// The length of a slot in milliseconds (an hour on a production chain).
	pub slot_length_ms: u64,
	/// One row per slot with metered consumption, in order. Slots without a consumption
	/// reading have nothing to match and are left out.
	pub hours: Vec<SlotMatching>,
	/// The span summed per UTC day (`YYYY-MM-DD`).
	pub days: Vec<PeriodMatching>,
	/// The span summed per UTC month (`YYYY-MM`).
	pub months: Vec<PeriodMatching>,
	/// The span summed per UTC year (`YYYY`).
	pub years: Vec<PeriodMatching>,
	/// The whole span (`period` is `from_slot..=to_slot`).
	pub total: PeriodMatching,
}

/// One slot of the report.
#[derive(Clone, Debug, Deserialize, PartialEq, Serialize)]
pub struct SlotMatching {
	/// The market slot.
	pub slot: MarketSlot,
	/// Its start, UTC (RFC 3339).
	pub start: String,
	/// Its end (excluded), UTC (RFC 3339).
	pub end: String,
	/// Wh imported by the member's (or every member's) meters in the slot.
	pub consumed_wh: u64,
	/// Wh of certificates of the slot claimed against that consumption.
	pub matched_wh: u64,
	/// `matched_wh ÷ consumed_wh`, from 0 to 1.
	pub cfe_score: Option<f64>,
}

/// A day, month, year or the whole span of the report.
#[derive(Clone, Debug, Deserialize, PartialEq, Serialize)]
pub struct PeriodMatching {
	/// The period: `YYYY-MM-DD`, `YYYY-MM`, `YYYY`, or the span's slots.
	pub period: String,
	/// Wh consumed in its metered slots.
	pub consumed_wh: u64,
	/// Wh matched by claims in those slots.
	pub matched_wh: u64,
	/// `matched_wh ÷ consumed_wh` (`null` when nothing was consumed).
	pub cfe_score: Option<f64>,
}

/// Matched ÷ consumed, `None` for no consumption.
pub fn cfe_score(matched_wh: u64, consumed_wh: u64) -> Option<f64> {
	(consumed_wh > 0).then(|| matched_wh as f64 / consumed_wh as f64)
}

impl PeriodMatching {
	fn new(period: String) -> Self {
		PeriodMatching { period, consumed_wh: 0, matched_wh: 0, cfe_score: None }
	}

	fn add(&mut self, consumed_wh: u64, matched_wh: u64) {
		self.consumed_wh = self.consumed_wh.saturating_add(consumed_wh);
		self.matched_wh = self.matched_wh.saturating_add(matched_wh);
		self.cfe_score = cfe_score(self.matched_wh, self.consumed_wh);
	}
}

/// Sums the slots' rows per the period `key` names (in order of the key).
fn per_period(
	hours: &[SlotMatching],
	key: impl Fn(u64) -> String,
	slot_length_ms: u64,
) -> Vec<PeriodMatching> {
	let mut periods = BTreeMap::<String, PeriodMatching>::new();
	for hour in hours {
		let period = key(slot_start(hour.slot, slot_length_ms));
		periods
			.entry(period.clone())
			.or_insert_with(|| PeriodMatching::new(period))
			.add(hour.consumed_wh, hour.matched_wh);
	}
	periods.into_values().collect()
}

/// The report of `rows` (the runtime's hourly matching of `from_slot..=to_slot`).
pub fn report<AccountId>(
	who: Option<AccountId>,
	from_slot: MarketSlot,
	to_slot: MarketSlot,
	slot_length_ms: u64,
	rows: &[HourlyMatching],
) -> MatchingReport<AccountId> {
	let hours: Vec<SlotMatching> = rows
		.iter()
		.map(|row| SlotMatching {
			slot: row.slot,
			start: crate::time::rfc3339(slot_start(row.slot, slot_length_ms)),
			end: crate::time::rfc3339(slot_end(row.slot, slot_length_ms)),
			consumed_wh: row.consumed_wh,
			matched_wh: row.claimed_wh,
			cfe_score: cfe_score(row.claimed_wh, row.consumed_wh),
		})
		.collect();
	let mut total = PeriodMatching::new(format!("{from_slot}..={to_slot}"));
	for hour in &hours {
		total.add(hour.consumed_wh, hour.matched_wh);
	}
	MatchingReport {
		who,
		from_slot,
		to_slot,
		slot_length_ms,
		days: per_period(&hours, utc_day, slot_length_ms),
		months: per_period(&hours, utc_month, slot_length_ms),
		years: per_period(&hours, utc_year, slot_length_ms),
		hours,
		total,
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	const HOUR_MS: u64 = 3_600_000;

	fn row(slot: MarketSlot, consumed_wh: u64, claimed_wh: u64) -> HourlyMatching {
		HourlyMatching { slot, consumed_wh, claimed_wh }
	}

	/// Slot 492,143 is 2026-02-21 23:00 UTC; the next two are on the 22nd, and 492,845 is 2026-03-23 05:00.
	#[test]
	fn scores_per_hour_day_month_and_year() {
		let rows = [
			row(492_143, 400, 100),
			row(492_144, 200, 200),
			row(492_145, 200, 0),
			row(492_845, 100, 50),
		];
		let report = report(Some("eve"), 492_100, 493_000, HOUR_MS, &rows);
		assert_eq!(report.hours[0].start, "2026-02-21T23:00:00Z");
		assert_eq!(report.hours[0].end, "2026-02-22T00:00:00Z");
		assert_eq!(report.hours[0].cfe_score, Some(0.25));
		let days: Vec<_> =
			report.days.iter().map(|d| (d.period.as_str(), d.consumed_wh, d.matched_wh)).collect();
		assert_eq!(
			days,
			[("2026-02-21", 400, 100), ("2026-02-22", 400, 200), ("2026-03-23", 100, 50)]
		);
		let months: Vec<_> =
			report.months.iter().map(|m| (m.period.as_str(), m.cfe_score)).collect();
		assert_eq!(months, [("2026-02", Some(0.375)), ("2026-03", Some(0.5))]);
		assert_eq!(report.years.len(), 1);
		assert_eq!((report.total.consumed_wh, report.total.matched_wh), (900, 350));
		assert_eq!(report.total.period, "492100..=493000");
		assert_eq!(report.years[0].cfe_score, report.total.cfe_score);
	}

	#[test]
	fn an_unmetered_span_has_no_score() {
		let report = report::<&str>(None, 10, 20, HOUR_MS, &[]);
		assert!(report.hours.is_empty() && report.days.is_empty());
		assert_eq!(report.total.cfe_score, None);
	}
}
