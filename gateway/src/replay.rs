//! The meter data source: a replay of the measured hourly profiles in `data/` (SimBench 2016,
//! ODbL; see `data/README.md`), scaled to real households, businesses and PV roofs, on a real
//! or an accelerated clock.
//!
//! A meter's power in a slot is its profile's value for the slot's profile hour times its
//! scale (kW at profile value 1.0); the energy it meters in the slot is that power over the
//! slot's real length. On the real clock a slot's profile hour is its hour of the year; on the
//! accelerated clock each market slot replays the next profile hour (a one-minute dev slot
//! shows an hour of a community's day, with one minute's energy).

use std::{collections::BTreeMap, path::Path};

use anyhow::{anyhow, bail, Context, Result};
use serde::{Deserialize, Serialize};

/// Hours in the 2016 profiles (a leap year).
pub const PROFILE_HOURS: u32 = 8784;

/// Milliseconds in an hour.
const HOUR_MS: f64 = 3_600_000.0;

/// The hourly profiles of a data file, by column name.
pub struct Profiles {
	columns: BTreeMap<String, Vec<f64>>,
}

impl Profiles {
	/// Reads a CSV file whose first column is the interval start and whose other columns are
	/// hourly profiles (one row per hour, `PROFILE_HOURS` rows).
	pub fn load(path: &Path) -> Result<Self> {
		let mut reader =
			csv::Reader::from_path(path).with_context(|| format!("reading {}", path.display()))?;
		let names: Vec<String> = reader.headers()?.iter().skip(1).map(String::from).collect();
		let mut columns: Vec<Vec<f64>> = vec![Vec::new(); names.len()];
		for (row, record) in reader.records().enumerate() {
			let record = record?;
			for (column, field) in columns.iter_mut().zip(record.iter().skip(1)) {
				column.push(field.parse().with_context(|| format!("row {}: {field:?}", row + 2))?);
			}
		}
		if columns.first().map(Vec::len) != Some(PROFILE_HOURS as usize) {
			bail!("{} must hold {PROFILE_HOURS} hourly rows", path.display());
		}
		Ok(Profiles { columns: names.into_iter().zip(columns).collect() })
	}

	/// The values of profile `name`.
	pub fn column(&self, name: &str) -> Result<&[f64]> {
		self.columns
			.get(name)
			.map(Vec::as_slice)
			.ok_or_else(|| anyhow!("no profile {name:?} in the data file"))
	}
}

/// Which register a meter's profile drives.
#[derive(Clone, Copy, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Flow {
	/// A load: energy taken from the grid (import register).
	Import,
	/// A generator: energy fed into the grid (export register).
	Export,
}

/// How big the replayed installation is.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Size {
	/// A load scaled to this yearly consumption, kWh.
	AnnualKwh(f64),
	/// A PV system of this peak power, kWp, with this performance ratio (AC out of DC
	/// nameplate, e.g. 0.9: inverter and wiring losses).
	Kwp {
		/// Peak power of the panels.
		kwp: f64,
		/// Share of it that reaches the meter.
		performance_ratio: f64,
	},
}

/// One replayed meter.
#[derive(Clone, Debug, Deserialize, PartialEq, Serialize)]
pub struct ReplayMeter {
	/// The meter's id on chain.
	pub meter: u32,
	/// The profile column.
	pub profile: String,
	/// The register it drives.
	pub flow: Flow,
	/// The installation's size.
	pub size: Size,
}

/// An accelerated clock fixed in a replay file (shared by a gateway and the traders).
#[derive(Clone, Copy, Debug, Deserialize, Eq, PartialEq, Serialize)]
pub struct AcceleratedClock {
	/// The first slot replayed.
	pub anchor_slot: u32,
	/// Its profile hour.
	pub start_hour: u32,
}

/// The replay definition file: which data file, which meters.
#[derive(Clone, Debug, Deserialize, PartialEq, Serialize)]
pub struct ReplayFile {
	/// The CSV file, relative to the replay file's folder or absolute.
	pub data: String,
	/// The accelerated clock, if the file fixes one (else the gateway's options choose).
	#[serde(default)]
	pub accelerated: Option<AcceleratedClock>,
	/// The replayed meters.
	pub meters: Vec<ReplayMeter>,
}

/// Maps market slots to profile hours.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub enum Clock {
	/// Slot → its hour of the year (UTC).
	Real,
	/// Slot `anchor_slot + k` → profile hour `start_hour + k` (wrapping around the year).
	Accelerated {
		/// The first slot replayed.
		anchor_slot: u32,
		/// Its profile hour.
		start_hour: u32,
	},
}

impl Clock {
	/// The profile hour (0 ..= 8783) of `slot`, for slots of `slot_ms` milliseconds.
	pub fn profile_hour(&self, slot: u32, slot_ms: u64) -> u32 {
		match *self {
			Clock::Real => hour_of_year(slot as u64 * slot_ms),
			Clock::Accelerated { anchor_slot, start_hour } => {
				let k = slot.wrapping_sub(anchor_slot) as u64;
				((start_hour as u64 + k) % PROFILE_HOURS as u64) as u32
			},
		}
	}
}

/// The hour of the year (UTC, 0 = January 1st 00:00) of a unix time in milliseconds.
pub fn hour_of_year(unix_ms: u64) -> u32 {
	let days = unix_ms / 86_400_000;
	let hour_of_day = (unix_ms / 3_600_000) % 24;
	let (year, _, _) = civil_from_days(days as i64);
	let january_first = days_from_civil(year, 1, 1);
	((days as i64 - january_first) as u64 * 24 + hour_of_day) as u32 % PROFILE_HOURS
}

/// Year, month, day of a day count since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
	let z = z + 719_468;
	let era = z.div_euclid(146_097);
	let doe = z - era * 146_097;
	let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
	let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	let mp = (5 * doy + 2) / 153;
	let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
	let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
	let year = yoe + era * 400 + i64::from(month <= 2);
	(year, month, day)
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
	let year = if month <= 2 { year - 1 } else { year };
	let era = year.div_euclid(400);
	let yoe = year - era * 400;
	let m = month as i64;
	let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i64 - 1;
	let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	era * 146_097 + doe - 719_468
}

/// A replayed meter ready to meter slots: its profile and its kW at profile value 1.0.
pub struct MeterSource {
	/// The definition.
	pub definition: ReplayMeter,
	values: Vec<f64>,
	kw_per_unit: f64,
}

impl MeterSource {
	/// Resolves a meter definition against the profiles.
	pub fn new(definition: ReplayMeter, profiles: &Profiles) -> Result<Self> {
		let values = profiles.column(&definition.profile)?.to_vec();
		let kw_per_unit = match definition.size {
			// Each value is a one-hour mean power: the year's energy is their sum.
			Size::AnnualKwh(kwh) => kwh / values.iter().sum::<f64>(),
			Size::Kwp { kwp, performance_ratio } => kwp * performance_ratio,
		};
		if !(kw_per_unit.is_finite() && kw_per_unit >= 0.0) {
			bail!("meter {}: bad size {:?}", definition.meter, definition.size);
		}
		Ok(MeterSource { definition, values, kw_per_unit })
	}

	/// The energy (Wh, fractional) the meter measures in a slot of `slot_ms` at profile `hour`,
	/// as `(import, export)`.
	pub fn slot_energy(&self, hour: u32, slot_ms: u64) -> (f64, f64) {
		let kw = self.values[(hour % PROFILE_HOURS) as usize].max(0.0) * self.kw_per_unit;
		let wh = kw * 1000.0 * slot_ms as f64 / HOUR_MS;
		match self.definition.flow {
			Flow::Import => (wh, 0.0),
			Flow::Export => (0.0, wh),
		}
	}
}

/// Loads a replay file and its data: the file's clock, if any, and the meters.
pub fn load_file(path: &Path) -> Result<(Option<AcceleratedClock>, Vec<MeterSource>)> {
	let file: ReplayFile = serde_json::from_slice(
		&std::fs::read(path).with_context(|| format!("reading {}", path.display()))?,
	)
	.with_context(|| format!("parsing {}", path.display()))?;
	let data = path.parent().unwrap_or(Path::new(".")).join(&file.data);
	let profiles = Profiles::load(&data)?;
	let sources =
		file.meters.into_iter().map(|m| MeterSource::new(m, &profiles)).collect::<Result<_>>()?;
	Ok((file.accelerated, sources))
}

/// Loads a replay file's meters.
pub fn load(path: &Path) -> Result<Vec<MeterSource>> {
	Ok(load_file(path)?.1)
}

#[cfg(test)]
mod tests {
	use super::*;

	fn data() -> Profiles {
		Profiles::load(
			&Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/simbench_2016_hourly.csv"),
		)
		.unwrap()
	}

	#[test]
	fn hour_of_year_follows_the_calendar() {
		// 2026-01-01T00:00Z and 2026-03-01T05:00Z (59 days later).
		assert_eq!(hour_of_year(1_767_225_600_000), 0);
		assert_eq!(hour_of_year(1_767_225_600_000 + (59 * 24 + 5) * 3_600_000), 59 * 24 + 5);
		// 2024-12-31T23:00Z, the last hour of a leap year.
		assert_eq!(hour_of_year(1_735_686_000_000), 8783);
	}

	#[test]
	fn a_household_replays_its_yearly_consumption() {
		let source = MeterSource::new(
			ReplayMeter {
				meter: 3,
				profile: "H0-A".into(),
				flow: Flow::Import,
				size: Size::AnnualKwh(3500.0),
			},
			&data(),
		)
		.unwrap();
		let year: f64 = (0..PROFILE_HOURS).map(|h| source.slot_energy(h, 3_600_000).0).sum();
		assert!((year - 3_500_000.0).abs() < 1e-3, "{year}");
	}

	#[test]
	fn pv_never_exceeds_its_ac_peak_and_exports_only() {
		let source = MeterSource::new(
			ReplayMeter {
				meter: 0,
				profile: "PV1".into(),
				flow: Flow::Export,
				size: Size::Kwp { kwp: 5.0, performance_ratio: 0.9 },
			},
			&data(),
		)
		.unwrap();
		let energies: Vec<_> = (0..PROFILE_HOURS).map(|h| source.slot_energy(h, 60_000)).collect();
		assert!(energies.iter().all(|(import, export)| *import == 0.0 && *export <= 75.0 + 1e-9));
		assert!(energies.iter().any(|(_, export)| *export > 40.0));
	}

	#[test]
	fn the_accelerated_clock_replays_one_hour_per_slot() {
		let clock = Clock::Accelerated { anchor_slot: 100, start_hour: 8783 };
		assert_eq!(clock.profile_hour(100, 60_000), 8783);
		assert_eq!(clock.profile_hour(101, 60_000), 0);
	}
}
