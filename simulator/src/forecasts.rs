//! The forecasts the standing orders use, made by the forecaster's own code
//! (`energy_forecast::fit_best` and `Forecaster::forecast_ahead`, the two halves of the
//! `forecast_next` the off-chain worker calls) on each meter's metered history, once for all
//! clearing rules (they do not depend on the rule).
//!
//! Like the off-chain worker, the forecaster in slot `c` sees the readings up to slot `c − 1`
//! (its last `HistoryWindow` slots), forecasts slots `c .. c + ForecastHorizon` recursively and
//! submits those not submitted before (in steady state: slot `c + ForecastHorizon`), during
//! slot `c`. One difference, for speed: the worker refits every slot, the simulator every
//! `refit_every` slots (default 24) and forecasts with the latest fit in between; `--refit-every
//! 1` is the worker's cadence exactly.

use energy_forecast::{fit_best, Calendar, FitError, Forecaster};
use energy_primitives::{EnergyForecast, MeterId};
use rayon::prelude::*;

/// Settings of the forecaster, from the runtime's configuration.
#[derive(Clone, Copy, Debug)]
pub struct ForecasterSettings {
	/// Slots of history the models are fitted on (`HistoryWindow`).
	pub window: usize,
	/// Slots ahead forecast (`ForecastHorizon`).
	pub horizon: usize,
	/// Refit the models every this many slots.
	pub refit_every: usize,
	/// The slot number of series index 0 (the calendar: slot numbers are hours since 1970).
	pub first_slot: u64,
}

/// The forecasts to submit during each slot: `plan[c]` holds `(target slot index, meter,
/// forecast)` for slot index `c`.
pub type ForecastPlan = Vec<Vec<(usize, MeterId, EnergyForecast)>>;

/// A meter's metered energy per slot: import and export, Wh.
pub struct MeterSeries {
	/// The meter.
	pub meter: MeterId,
	/// Import per slot.
	pub import: Vec<f64>,
	/// Export per slot.
	pub export: Vec<f64>,
}

/// Forecasts every meter over `slots` slots, meters in parallel; `done` is called after each
/// meter.
pub fn plan(
	meters: &[MeterSeries],
	slots: usize,
	settings: ForecasterSettings,
	done: impl Fn() + Sync,
) -> ForecastPlan {
	let per_meter: Vec<Vec<(usize, usize, MeterId, EnergyForecast)>> = meters
		.par_iter()
		.map(|series| {
			let forecasts = forecast_meter(series, slots, settings);
			done();
			forecasts
		})
		.collect();
	let mut plan: ForecastPlan = vec![Vec::new(); slots];
	for forecasts in per_meter {
		for (made_in, target, meter, forecast) in forecasts {
			plan[made_in].push((target, meter, forecast));
		}
	}
	for slot in &mut plan {
		slot.sort_by_key(|(target, meter, _)| (*target, *meter));
	}
	plan
}

/// One meter's forecasts: `(slot made in, target slot, meter, forecast)`.
fn forecast_meter(
	series: &MeterSeries,
	slots: usize,
	settings: ForecasterSettings,
) -> Vec<(usize, usize, MeterId, EnergyForecast)> {
	let mut out = Vec::new();
	let mut models: Option<(Forecaster, Forecaster, usize)> = None;
	let mut next_target = 0usize;
	// Forecasts of slots beyond the span are still needed by the auctions that open in it.
	let last_target = slots + settings.horizon;
	for current in 1..slots {
		let start = current.saturating_sub(settings.window);
		let calendar = Calendar { first_hour: settings.first_slot + start as u64 };
		let stale = models.as_ref().is_none_or(|(_, _, at)| current - at >= settings.refit_every);
		if stale {
			let import = fit(&series.import[start..current], calendar);
			let export = fit(&series.export[start..current], calendar);
			models = match (import, export) {
				(Ok(import), Ok(export)) => Some((import, export, current)),
				_ => None,
			};
		}
		let Some((import_model, export_model, _)) = &models else { continue };
		let steps = settings.horizon + 1;
		let (Some(import), Some(export)) = (
			import_model.forecast_ahead(&series.import[start..current], calendar, steps),
			export_model.forecast_ahead(&series.export[start..current], calendar, steps),
		) else {
			continue;
		};
		// Step 0 is the current slot (its reading is not in yet): it only feeds the others.
		for (step, (import, export)) in import.into_iter().zip(export).enumerate().skip(1) {
			let target = current + step;
			if target >= next_target && target < last_target {
				let forecast =
					EnergyForecast { import_wh: whole_wh(import), export_wh: whole_wh(export) };
				out.push((current, target, series.meter, forecast));
				next_target = target + 1;
			}
		}
	}
	out
}

fn fit(series: &[f64], calendar: Calendar) -> Result<Forecaster, FitError> {
	fit_best(series, calendar, 0..series.len())
}

/// A forecast in whole Wh: rounded to nearest, never negative (the off-chain worker's
/// `whole_wh`, `pallets/forecasts/src/offchain.rs`).
fn whole_wh(wh: f64) -> u64 {
	let rounded = wh + 0.5;
	if rounded.is_finite() && rounded >= 1.0 {
		rounded as u64
	} else {
		0
	}
}
