//! Slots as UTC time: slot `s` covers `s × length .. (s + 1) × length` milliseconds since the
//! Unix epoch.

use chrono::{DateTime, SecondsFormat, Utc};
use pallet_energy_tokens_runtime_api::MarketSlot;

/// The start of `slot`, in UTC milliseconds.
pub fn slot_start(slot: MarketSlot, slot_length_ms: u64) -> u64 {
	u64::from(slot).saturating_mul(slot_length_ms)
}

/// The end (excluded) of `slot`, in UTC milliseconds.
pub fn slot_end(slot: MarketSlot, slot_length_ms: u64) -> u64 {
	slot_start(slot, slot_length_ms).saturating_add(slot_length_ms)
}

fn utc(ms: u64) -> DateTime<Utc> {
	DateTime::from_timestamp_millis(i64::try_from(ms).unwrap_or(i64::MAX))
		.unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// `ms` as an RFC 3339 UTC time to the second, e.g. `2026-12-07T01:00:00Z`.
pub fn rfc3339(ms: u64) -> String {
	utc(ms).to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The UTC day of `ms`: `YYYY-MM-DD`.
pub fn utc_day(ms: u64) -> String {
	utc(ms).format("%Y-%m-%d").to_string()
}

/// The UTC month of `ms`: `YYYY-MM`.
pub fn utc_month(ms: u64) -> String {
	utc(ms).format("%Y-%m").to_string()
}

/// The UTC year of `ms`: `YYYY`.
pub fn utc_year(ms: u64) -> String {
	utc(ms).format("%Y").to_string()
}
