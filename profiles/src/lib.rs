//! The real hourly profiles of `data/simbench_2016_hourly.csv` (load profiles as shares of the
//! year, PV profiles relative to installed capacity), scaled to whole Wh per hour.

use std::{collections::BTreeMap, path::Path};

use anyhow::{bail, Context, Result};

/// The profile columns of the data file, by name, one value per hour of 2016.
#[derive(Clone, Debug)]
pub struct Profiles {
	columns: BTreeMap<String, Vec<f64>>,
	hours: usize,
}

impl Profiles {
	/// Reads a profile table: a header `interval_start,<name>,…`, then one row per hour.
	pub fn read(path: &Path) -> Result<Self> {
		let mut reader = csv::Reader::from_path(path)
			.with_context(|| format!("reading the profiles {}", path.display()))?;
		let names: Vec<String> = reader.headers()?.iter().skip(1).map(str::to_owned).collect();
		let mut columns: Vec<Vec<f64>> = vec![Vec::new(); names.len()];
		for (row, record) in reader.records().enumerate() {
			let record = record?;
			for (column, value) in columns.iter_mut().zip(record.iter().skip(1)) {
				let value: f64 = value
					.parse()
					.with_context(|| format!("row {} of {}: {value:?}", row + 2, path.display()))?;
				if !value.is_finite() || value < 0.0 {
					bail!("row {} of {}: {value} is not a share", row + 2, path.display());
				}
				column.push(value);
			}
		}
		let hours = columns.first().map_or(0, Vec::len);
		if hours == 0 {
			bail!("{} has no rows", path.display());
		}
		Ok(Profiles { columns: names.into_iter().zip(columns).collect(), hours })
	}

	/// The number of hours every column has.
	pub fn hours(&self) -> usize {
		self.hours
	}

	/// The column `name`, if the file has it.
	pub fn column(&self, name: &str) -> Result<&[f64]> {
		self.columns.get(name).map(Vec::as_slice).with_context(|| {
			let known: Vec<&str> = self.columns.keys().map(String::as_str).collect();
			format!("no profile {name:?} in the data (known: {})", known.join(", "))
		})
	}

	/// Column `name` shifted by `days` (the value of hour `h` is the column's value of hour
	/// `h + 24 × days`, wrapping around the year): members on one profile do not all do the
	/// same thing at the same hour.
	pub fn shifted(&self, name: &str, days: u32) -> Result<Vec<f64>> {
		let column = self.column(name)?;
		let shift = (days as usize * 24) % self.hours;
		Ok(column[shift..].iter().chain(&column[..shift]).copied().collect())
	}
}

/// Whole Wh per hour for a load profile scaled to `annual_kwh` over the whole column (the
/// year's sum of the profile is the member's annual consumption), cumulative rounding so the
/// hours sum to the annual figure.
pub fn load_wh(shares: &[f64], annual_kwh: f64) -> Vec<u64> {
	let total: f64 = shares.iter().sum();
	if total <= 0.0 {
		return vec![0; shares.len()];
	}
	let scale = annual_kwh * 1_000.0 / total;
	whole_hours(shares.iter().map(|share| share * scale))
}

/// Whole Wh per hour of a PV roof of `kwp` kWp from a profile relative to capacity.
pub fn pv_wh(shares: &[f64], kwp: f64) -> Vec<u64> {
	whole_hours(shares.iter().map(|share| share * kwp * 1_000.0))
}

/// Rounds a series of Wh to whole Wh so that every prefix sum is the rounded prefix sum of the
/// exact values: a meter's registers are integers and never drift from the profile.
fn whole_hours(values: impl Iterator<Item = f64>) -> Vec<u64> {
	let (mut exact, mut whole) = (0.0f64, 0u64);
	values
		.map(|value| {
			exact += value.max(0.0);
			let register = exact.round() as u64;
			let hour = register.saturating_sub(whole);
			whole = whole.max(register);
			hour
		})
		.collect()
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_load_profile_sums_to_its_annual_consumption() {
		let shares = [0.2, 0.5, 1.0, 0.3];
		let hours = load_wh(&shares, 2.0);
		assert_eq!(hours.iter().sum::<u64>(), 2_000);
		assert_eq!(hours, vec![200, 500, 1_000, 300]);
	}

	#[test]
	fn rounding_never_drifts() {
		let hours = pv_wh(&[0.0003; 10_000], 1.0);
		assert_eq!(hours.iter().sum::<u64>(), 3_000);
		assert!(hours.iter().all(|wh| *wh <= 1));
	}
}
