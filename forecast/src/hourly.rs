//! Forecasters: the model (or one model per hour of day) a meter's forecasts come from, and
//! how the better one is chosen on the meter's own history.

use crate::{fit, min_history, Calendar, FitError, Model, Predictor, Spec};
use alloc::vec::Vec;
use core::ops::Range;

/// A fitted forecaster.
#[derive(Clone, Debug, PartialEq)]
pub enum Forecaster {
	/// One model for every hour.
	Single(Model),
	/// One model per hour of day (index 0–23): load and PV depend on the hour in ways a single
	/// linear model cannot follow.
	PerHour(Vec<Model>),
}

/// The full model's predictors: the reference lags plus t−3, t−48 and the weekend flag.
pub fn full_spec() -> Spec {
	let mut predictors: Vec<Predictor> =
		[1, 2, 3, 24, 48, 168].into_iter().map(Predictor::Lag).collect();
	predictors.push(Predictor::Weekend);
	Spec { predictors }
}

/// Fits one model per hour of day on the hours of `range` at that hour.
pub fn fit_per_hour(
	spec: &Spec,
	series: &[f64],
	calendar: Calendar,
	range: Range<usize>,
) -> Result<Forecaster, FitError> {
	let mut models = Vec::with_capacity(24);
	for hour in 0..24u32 {
		let hours: Vec<usize> = range
			.clone()
			.filter(|t| {
				*t >= spec.max_lag()
					&& calendar.hour_of_day(*t) == hour
					&& crate::model::usable(spec, series, calendar, *t)
			})
			.collect();
		let need = min_history(spec.m());
		if hours.len() < need {
			return Err(FitError::TooLittleHistory { have: hours.len(), need });
		}
		models.push(crate::model::fit_rows(spec, series, calendar, &hours)?);
	}
	Ok(Forecaster::PerHour(models))
}

impl Forecaster {
	/// The forecast of hour `t` from `series[..t]`.
	pub fn predict(&self, series: &[f64], calendar: Calendar, t: usize) -> Option<f64> {
		match self {
			Forecaster::Single(model) => model.predict(series, calendar, t),
			Forecaster::PerHour(models) => {
				models.get(calendar.hour_of_day(t) as usize)?.predict(series, calendar, t)
			},
		}
	}

	/// Root mean square error of next-hour forecasts over `range`.
	pub fn rmse(&self, series: &[f64], calendar: Calendar, range: Range<usize>) -> Option<f64> {
		errors(range, series, |t| self.predict(series, calendar, t)).map(|(rmse, _)| rmse)
	}
}

/// RMSE and MAE of `predict` against `series` over `range`; `None` if it predicts nothing.
pub fn errors(
	range: Range<usize>,
	series: &[f64],
	predict: impl Fn(usize) -> Option<f64>,
) -> Option<(f64, f64)> {
	let (mut squared, mut absolute, mut count) = (0.0, 0.0, 0usize);
	for t in range {
		let (Some(actual), Some(forecast)) = (series.get(t), predict(t)) else { continue };
		if !actual.is_finite() {
			continue;
		}
		let error = forecast - actual;
		squared += error * error;
		absolute += libm::fabs(error);
		count += 1;
	}
	(count > 0).then(|| (libm::sqrt(squared / count as f64), absolute / count as f64))
}

/// Fits the full forecaster on `range`: per-hour models of [`full_spec`] when their history
/// suffices and they forecast the last four weeks of `range` better than the lag-only
/// reference fitted on the rest; the reference otherwise.
pub fn fit_best(
	series: &[f64],
	calendar: Calendar,
	range: Range<usize>,
) -> Result<Forecaster, FitError> {
	let reference = Spec::lags_only();
	let validation = 4 * 7 * 24;
	let split = range.end.saturating_sub(validation).max(range.start);
	let candidate = fit_per_hour(&full_spec(), series, calendar, range.start..split).ok();
	let baseline =
		fit(&reference, series, calendar, range.start..split).ok().map(Forecaster::Single);
	let per_hour_wins = match (&candidate, &baseline) {
		(Some(candidate), Some(baseline)) => {
			candidate.rmse(series, calendar, split..range.end)
				< baseline.rmse(series, calendar, split..range.end)
		},
		_ => false,
	};
	if per_hour_wins {
		fit_per_hour(&full_spec(), series, calendar, range)
	} else {
		fit(&reference, series, calendar, range).map(Forecaster::Single)
	}
}

impl Forecaster {
	/// Forecasts the `steps` hours after the end of `series`, each from the ones before it
	/// (recursive multi-step forecasting: a forecast stands in for the lag it becomes).
	/// Negative forecasts are clamped to zero (a meter cannot import or export less than
	/// nothing). `None` if a lag the model needs is missing.
	pub fn forecast_ahead(
		&self,
		series: &[f64],
		calendar: Calendar,
		steps: usize,
	) -> Option<Vec<f64>> {
		let mut extended = Vec::with_capacity(series.len() + steps);
		extended.extend_from_slice(series);
		for _ in 0..steps {
			let t = extended.len();
			extended.push(0.0);
			let forecast = self.predict(&extended, calendar, t)?.max(0.0);
			extended[t] = forecast;
		}
		Some(extended.split_off(series.len()))
	}
}

/// What the off-chain worker does for one meter's series: fits the best model on the whole
/// history ([`fit_best`]) and forecasts the next `steps` hours. Fails with
/// [`FitError::TooLittleHistory`] while the history rule forbids a forecast.
pub fn forecast_next(
	series: &[f64],
	calendar: Calendar,
	steps: usize,
) -> Result<Vec<f64>, FitError> {
	let forecaster = fit_best(series, calendar, 0..series.len())?;
	forecaster.forecast_ahead(series, calendar, steps).ok_or(FitError::Degenerate)
}

#[cfg(test)]
mod tests {
	use super::*;

	/// A daily sine with a weekly level: what a load profile looks like to the model.
	fn profile(hours: usize) -> Vec<f64> {
		(0..hours)
			.map(|t| {
				let daily = libm::sin(2.0 * core::f64::consts::PI * (t % 24) as f64 / 24.0);
				10.0 + 5.0 * daily + if (t / 24) % 7 >= 5 { 3.0 } else { 0.0 }
			})
			.collect()
	}

	#[test]
	fn missing_readings_make_rows_unusable_not_wrong() {
		let calendar = Calendar { first_hour: 0 };
		let spec = Spec::lags_only();
		let mut series = profile(168 + 83);
		assert!(fit(&spec, &series, calendar, 0..series.len()).is_ok());
		// One missing hour removes the rows that need it as target or lag (t, t+1, t+2,
		// t+24, t+168 where those exist): the history rule now refuses.
		series[200] = f64::NAN;
		assert!(matches!(
			fit(&spec, &series, calendar, 0..series.len()),
			Err(FitError::TooLittleHistory { need: 83, .. })
		));
	}

	#[test]
	fn forecasts_ahead_follow_the_profile_and_stop_at_a_gap() {
		let calendar = Calendar { first_hour: 0 };
		let series = profile(168 * 3);
		let ahead = forecast_next(&series, calendar, 4).expect("enough history");
		let truth = profile(168 * 3 + 4);
		for (step, forecast) in ahead.iter().enumerate() {
			assert!((forecast - truth[168 * 3 + step]).abs() < 1e-6, "step {step}: {forecast}");
		}
		let mut gap = series.clone();
		*gap.last_mut().expect("non-empty") = f64::NAN;
		let forecaster = fit_best(&gap, calendar, 0..gap.len()).expect("still enough history");
		assert_eq!(forecaster.forecast_ahead(&gap, calendar, 1), None);
	}
}
