//! The pallet's invariants, checked by `try_state` and by the tests after every step.

use crate::{Config, Forecasters, Forecasts, LatestForecast, Pallet, PruneFrom};

impl<T: Config> Pallet<T> {
	/// Forecaster keys are sorted and distinct; no forecast is older than the pruning point;
	/// each meter's latest forecast is its newest stored one.
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		let forecasters = Forecasters::<T>::get();
		if !forecasters.windows(2).all(|pair| pair[0] < pair[1]) {
			return Err("forecaster keys are not sorted and distinct".into());
		}
		let prune_from = PruneFrom::<T>::get();
		for (slot, meter, forecast) in Forecasts::<T>::iter() {
			if slot < prune_from {
				return Err("a forecast older than the pruning point is stored".into());
			}
			let latest =
				LatestForecast::<T>::get(meter).ok_or("a forecast meter has no latest forecast")?;
			if latest.slot < slot || (latest.slot == slot && latest.forecast != forecast) {
				return Err("a meter's latest forecast is not its newest".into());
			}
		}
		Ok(())
	}
}
