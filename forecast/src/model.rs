//! Fitting a model on a meter's history, the history rule, and forecasting.

use crate::{least_squares, Calendar, Spec};
use alloc::vec::Vec;
use core::ops::Range;

/// The fewest usable hours a model of `m` predictors is fitted on: it needs more than
/// `50 + 8m` (a common rule of thumb for regression sample sizes).
pub fn min_history(m: usize) -> usize {
	50 + 8 * m + 1
}

/// Why a model could not be fitted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FitError {
	/// Fewer usable hours than the history rule asks for.
	TooLittleHistory {
		/// Usable hours (with every predictor known) in the range.
		have: usize,
		/// What the rule asks for.
		need: usize,
	},
	/// The least-squares problem could not be set up.
	Degenerate,
}

/// A fitted model: its predictors and coefficients (intercept first).
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
	/// The predictors.
	pub spec: Spec,
	/// One coefficient per column, intercept first.
	pub coefficients: Vec<f64>,
}

/// Fits `spec` on the hours `range` of `series` (targets `series[t]`, predictors from the
/// hours before `t`). Hours before the longest lag are skipped.
pub fn fit(
	spec: &Spec,
	series: &[f64],
	calendar: Calendar,
	range: Range<usize>,
) -> Result<Model, FitError> {
	let end = range.end.min(series.len());
	let start = range.start.max(spec.max_lag());
	let hours: Vec<usize> = (start..end).filter(|t| usable(spec, series, calendar, *t)).collect();
	let need = min_history(spec.m());
	if hours.len() < need {
		return Err(FitError::TooLittleHistory { have: hours.len(), need });
	}
	fit_rows(spec, series, calendar, &hours)
}

/// Fits `spec` on the target hours `hours` of `series` (each at or after the longest lag).
/// Whether hour `t` gives a usable row for `spec`: its value and every lag it needs were
/// measured (missing readings are NaN in the series).
pub fn usable(spec: &Spec, series: &[f64], calendar: Calendar, t: usize) -> bool {
	let mut row = Vec::with_capacity(spec.columns());
	series.get(t).is_some_and(|y| y.is_finite())
		&& spec.push_row(series, calendar, t, &mut row).is_some()
}

pub(crate) fn fit_rows(
	spec: &Spec,
	series: &[f64],
	calendar: Calendar,
	hours: &[usize],
) -> Result<Model, FitError> {
	let mut x = Vec::with_capacity(hours.len() * spec.columns());
	let mut y = Vec::with_capacity(hours.len());
	for &t in hours {
		spec.push_row(series, calendar, t, &mut x).ok_or(FitError::Degenerate)?;
		y.push(*series.get(t).ok_or(FitError::Degenerate)?);
	}
	let fit = least_squares(&x, &y, spec.columns()).ok_or(FitError::Degenerate)?;
	Ok(Model { spec: spec.clone(), coefficients: fit.coefficients })
}

impl Model {
	/// The forecast of hour `t` from the hours before it (`series[..t]`); `None` if a lag
	/// reaches before the series.
	pub fn predict(&self, series: &[f64], calendar: Calendar, t: usize) -> Option<f64> {
		let mut row = Vec::with_capacity(self.spec.columns());
		self.spec.push_row(series, calendar, t, &mut row)?;
		let y: f64 = row.iter().zip(&self.coefficients).map(|(x, b)| x * b).sum();
		y.is_finite().then_some(y)
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn the_history_rule_refuses_to_fit_too_early() {
		let spec = Spec::lags_only();
		// m = 4: more than 50 + 32 = 82 usable hours after the 168-hour lag.
		let series: Vec<f64> = (0..168 + 82).map(|t| f64::from(t % 24)).collect();
		let calendar = Calendar { first_hour: 0 };
		assert_eq!(
			fit(&spec, &series, calendar, 0..series.len()),
			Err(FitError::TooLittleHistory { have: 82, need: 83 })
		);
		let longer: Vec<f64> = (0..168 + 83).map(|t| f64::from(t % 24)).collect();
		assert!(fit(&spec, &longer, calendar, 0..longer.len()).is_ok());
	}
}
