//! Predictors: what a model's columns are, and how a row of them is built from a meter's
//! hourly history and the calendar.

use alloc::vec::Vec;

/// One predictor (one column of the design matrix besides the intercept).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Predictor {
	/// The series `k` hours before the target hour: `y(t − k)`, `k ≥ 1`.
	Lag(u32),
	/// 1 on Saturdays and Sundays, 0 on working days.
	Weekend,
	/// `sin(2π · harmonic · hour / 24)` of the target hour.
	HourSin(u8),
	/// `cos(2π · harmonic · hour / 24)` of the target hour.
	HourCos(u8),
}

/// Where hour `0` of a series falls in the calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Calendar {
	/// Hours since the unix epoch (1970-01-01 00:00 UTC, a Thursday) of the series' first hour.
	pub first_hour: u64,
}

impl Calendar {
	/// Hour of day (0–23) of series hour `t`.
	pub fn hour_of_day(&self, t: usize) -> u32 {
		((self.first_hour + t as u64) % 24) as u32
	}

	/// Day of week of series hour `t`, Monday = 0 … Sunday = 6.
	pub fn weekday(&self, t: usize) -> u32 {
		// Day 0 of the epoch was a Thursday (3).
		(((self.first_hour + t as u64) / 24 + 3) % 7) as u32
	}
}

/// A model's predictors; the intercept is always the first column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spec {
	/// The predictors after the intercept, in column order.
	pub predictors: Vec<Predictor>,
}

impl Spec {
	/// The reference model: lags t−1, t−2, t−24, t−168.
	pub fn lags_only() -> Self {
		Spec { predictors: [1, 2, 24, 168].into_iter().map(Predictor::Lag).collect() }
	}

	/// The number of predictors `m` (without the intercept).
	pub fn m(&self) -> usize {
		self.predictors.len()
	}

	/// Columns of the design matrix: the intercept and the predictors.
	pub fn columns(&self) -> usize {
		self.m() + 1
	}

	/// The longest lag: the first hour that has every predictor.
	pub fn max_lag(&self) -> usize {
		self.predictors
			.iter()
			.filter_map(|p| match p {
				Predictor::Lag(k) => Some(*k as usize),
				_ => None,
			})
			.max()
			.unwrap_or(0)
	}

	/// Appends the row of hour `t` (intercept first) to `row`; `None` (and `row` unchanged) if
	/// `t` is before the longest lag, a lag is 0, or a lag's reading is missing (NaN).
	pub fn push_row(
		&self,
		series: &[f64],
		calendar: Calendar,
		t: usize,
		row: &mut Vec<f64>,
	) -> Option<()> {
		if t < self.max_lag() {
			return None;
		}
		let start = row.len();
		row.push(1.0);
		for predictor in &self.predictors {
			let value = match *predictor {
				Predictor::Lag(0) => f64::NAN,
				Predictor::Lag(k) => series.get(t - k as usize).copied().unwrap_or(f64::NAN),
				Predictor::Weekend => f64::from(u8::from(calendar.weekday(t) >= 5)),
				Predictor::HourSin(h) => libm::sin(angle(calendar.hour_of_day(t), h)),
				Predictor::HourCos(h) => libm::cos(angle(calendar.hour_of_day(t), h)),
			};
			row.push(value);
		}
		// A missing reading (NaN) in any lag makes the row unusable.
		if row[start..].iter().all(|x| x.is_finite()) {
			Some(())
		} else {
			row.truncate(start);
			None
		}
	}
}

fn angle(hour: u32, harmonic: u8) -> f64 {
	2.0 * core::f64::consts::PI * f64::from(harmonic) * f64::from(hour) / 24.0
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn the_calendar_knows_2016_01_01_was_a_friday() {
		// 2016-01-01 00:00 UTC is 403,248 hours after the epoch.
		let calendar = Calendar { first_hour: 403_224 };
		assert_eq!(calendar.weekday(0), 4);
		assert_eq!(calendar.weekday(24), 5);
		assert_eq!(calendar.hour_of_day(25), 1);
	}

	#[test]
	fn a_row_holds_the_intercept_and_the_lags() {
		let series: Vec<f64> = (0..200).map(f64::from).collect();
		let mut row = Vec::new();
		let spec = Spec::lags_only();
		assert_eq!(spec.push_row(&series, Calendar { first_hour: 0 }, 167, &mut row), None);
		spec.push_row(&series, Calendar { first_hour: 0 }, 170, &mut row).expect("row");
		assert_eq!(row, [1.0, 169.0, 168.0, 146.0, 2.0]);
	}
}
