//! The forecaster: an off-chain worker that, once per market slot, fits each active meter's
//! import and export models on its indexed readings and submits the forecasts of the slots
//! ahead that are not on chain yet, in batches signed with the node's forecaster key.
//!
//! Each slot, from its middle on (so the readings closing the previous slot are in), the
//! first block's worker to claim the slot in the node's local storage runs; later blocks of
//! the same slot do nothing. For each meter it brings the meter's [`SeriesCache`] up to the
//! previous slot, fits with [`energy_forecast::forecast_next`] (the same code as the scoring
//! tool and the tests) and forecasts the current slot and the `ForecastHorizon` slots after
//! it recursively; the current slot's forecast only feeds the later ones.

use crate::{Call, Config, ForecastBatch, Forecasters, Forecasts, Pallet, SeriesCache};
use alloc::{vec, vec::Vec};
use codec::Encode;
use energy_forecast::{forecast_next, Calendar, FitError};
use energy_primitives::{EnergyForecast, MarketClock, MarketSlot, MeterId, MeterRegistry};
use frame_support::{traits::Get, BoundedVec};
use frame_system::offchain::{CreateAuthorizedTransaction, SubmitTransaction};
use pallet_meters::{offchain_reading_key, IndexedReading};
use sp_runtime::{
	offchain::storage::{StorageRetrievalError, StorageValueRef},
	RuntimeAppPublic,
};

/// Local-storage key of the last slot the forecaster ran for.
pub const OFFCHAIN_LAST_RUN_KEY: &[u8] = b"energy/forecasts/last-run";

/// Local-storage key prefix of the meters' series caches: `prefix ++ meter (u32 LE)`.
pub const OFFCHAIN_SERIES_PREFIX: &[u8] = b"energy/forecasts/series";

/// How many of the newest cached slots are read again from the index on each run (readings
/// may arrive up to a few slots late).
pub const REFRESH_SLOTS: u32 = 3;

/// What one run of the forecaster did.
#[derive(Clone, Debug, Default, Eq, PartialEq)]
pub struct RunReport {
	/// Meters looked at.
	pub meters: u32,
	/// Meters forecast.
	pub forecast: u32,
	/// Meters the history rule refused (too few usable readings yet).
	pub too_little_history: u32,
	/// Meters whose model could not forecast (a reading the lags need is missing).
	pub failed: u32,
	/// Forecasts submitted (meter × slot).
	pub submitted: u32,
	/// Batches the transaction pool refused.
	pub refused_batches: u32,
}

impl<T: Config> Pallet<T> {
	/// The worker's entry point (every block): runs [`Self::forecast_all`] once per slot.
	pub(crate) fn run_forecaster() {
		let Some(key) = Self::local_forecaster_key() else { return };
		let current = T::Clock::current_slot();
		let slot_length = T::Clock::slot_length_ms();
		if current == 0 || slot_length == 0 {
			return;
		}
		let now = sp_io::offchain::timestamp().unix_millis();
		let middle = u64::from(current).saturating_mul(slot_length).saturating_add(slot_length / 2);
		if now < middle || !Self::claim_slot(current) {
			return;
		}
		let report = Self::forecast_all(current, &key);
		log::info!(
			target: "forecasts",
			"slot {current}: {} meters, {} forecast, {} too little history, {} failed, {} forecasts submitted, {} batches refused",
			report.meters, report.forecast, report.too_little_history, report.failed, report.submitted, report.refused_batches,
		);
	}

	/// The first key of this node's keystore that is an authorised forecaster.
	pub fn local_forecaster_key() -> Option<T::ForecasterId> {
		let authorised = Forecasters::<T>::get();
		T::ForecasterId::all().into_iter().find(|key| authorised.binary_search(key).is_ok())
	}

	/// Records in local storage that `slot` is being forecast; `false` if it already was
	/// (by an earlier block's worker, or a concurrent one).
	fn claim_slot(slot: MarketSlot) -> bool {
		StorageValueRef::persistent(OFFCHAIN_LAST_RUN_KEY)
			.mutate(|last: Result<Option<MarketSlot>, StorageRetrievalError>| match last {
				Ok(Some(done)) if done >= slot => Err(()),
				_ => Ok(slot),
			})
			.is_ok()
	}

	/// Forecasts every active meter for slots `current + 1 ..= current + ForecastHorizon`
	/// and submits, signed by `key`, those not on chain yet.
	pub fn forecast_all(current: MarketSlot, key: &T::ForecasterId) -> RunReport {
		let horizon = T::ForecastHorizon::get();
		let mut report = RunReport::default();
		let mut per_slot: Vec<Vec<(MeterId, EnergyForecast)>> = vec![Vec::new(); horizon as usize];
		for meter in T::Meters::active_meters() {
			report.meters += 1;
			match Self::forecast_meter(meter, current, horizon) {
				Ok(ahead) => {
					report.forecast += 1;
					for (offset, forecast) in ahead.into_iter().enumerate() {
						let slot = current + 1 + offset as MarketSlot;
						if !Forecasts::<T>::contains_key(slot, meter) {
							per_slot[offset].push((meter, forecast));
						}
					}
				},
				Err(FitError::TooLittleHistory { .. }) => report.too_little_history += 1,
				Err(FitError::Degenerate) => report.failed += 1,
			}
		}
		for (offset, forecasts) in per_slot.into_iter().enumerate() {
			let slot = current + 1 + offset as MarketSlot;
			for chunk in forecasts.chunks(T::MaxForecastsPerBatch::get() as usize) {
				if Self::submit_batch(key, slot, chunk) {
					report.submitted += chunk.len() as u32;
				} else {
					report.refused_batches += 1;
				}
			}
		}
		report
	}

	/// Meter `meter`'s forecasts for the `horizon` slots after `current`, from its readings
	/// up to slot `current − 1` (its series cache is brought up to date on the way).
	pub fn forecast_meter(
		meter: MeterId,
		current: MarketSlot,
		horizon: u32,
	) -> Result<Vec<EnergyForecast>, FitError> {
		let storage_key = (OFFCHAIN_SERIES_PREFIX, meter).encode();
		let cache_ref = StorageValueRef::persistent(&storage_key);
		let mut cache: SeriesCache = cache_ref.get().ok().flatten().unwrap_or_default();
		cache.update(meter, current, T::HistoryWindow::get(), REFRESH_SLOTS, read_indexed_reading);
		cache_ref.set(&cache);

		let (import, export) = cache.series();
		// The models count in slots: on a chain of hourly slots, slot numbers are the hours
		// since the epoch; on a development chain's short slots, each slot stands for an hour.
		let calendar = Calendar { first_hour: u64::from(cache.first_slot()) };
		// The current slot is forecast first (its reading is not in yet), then the horizon.
		let steps = horizon as usize + 1;
		let import = forecast_next(&import, calendar, steps)?;
		let export = forecast_next(&export, calendar, steps)?;
		Ok(import
			.into_iter()
			.zip(export)
			.skip(1)
			.map(|(import, export)| EnergyForecast {
				import_wh: whole_wh(import),
				export_wh: whole_wh(export),
			})
			.collect())
	}

	/// Signs and submits the forecasts of `slot` for `forecasts`' meters (ascending, at most
	/// `MaxForecastsPerBatch`); `false` if signing or the pool refused.
	fn submit_batch(
		key: &T::ForecasterId,
		slot: MarketSlot,
		forecasts: &[(MeterId, EnergyForecast)],
	) -> bool {
		let Ok(forecasts) = BoundedVec::try_from(forecasts.to_vec()) else { return false };
		let batch = ForecastBatch { forecaster: key.clone(), slot, forecasts };
		let Some(signature) = key.sign(&batch.signing_payload(&Self::genesis_hash())) else {
			return false;
		};
		let call = Call::<T>::submit_forecasts { batch, signature };
		let xt =
			<T as CreateAuthorizedTransaction<Call<T>>>::create_authorized_transaction(call.into());
		SubmitTransaction::<T, Call<T>>::submit_transaction(xt).is_ok()
	}
}

/// Meter `meter`'s indexed reading closing `slot`, if any.
fn read_indexed_reading(meter: MeterId, slot: MarketSlot) -> Option<IndexedReading> {
	StorageValueRef::persistent(&offchain_reading_key(meter, slot)).get().ok().flatten()
}

/// A forecast in whole Wh: rounded to nearest, never negative.
fn whole_wh(wh: f64) -> u64 {
	let rounded = wh + 0.5;
	if rounded.is_finite() && rounded >= 1.0 {
		rounded as u64
	} else {
		0
	}
}
