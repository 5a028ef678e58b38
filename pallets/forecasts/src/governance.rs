//! Governance: the set of authorised forecaster keys.

use crate::{Config, Error, Event, Forecasters, Pallet};
use alloc::vec::Vec;
use frame_support::{ensure, BoundedVec};
use sp_runtime::DispatchResult;

impl<T: Config> Pallet<T> {
	/// Replaces the authorised forecaster keys by `forecasters` (stored sorted).
	pub fn do_set_forecasters(mut forecasters: Vec<T::ForecasterId>) -> DispatchResult {
		forecasters.sort();
		let distinct = forecasters.windows(2).all(|pair| pair[0] != pair[1]);
		ensure!(distinct, Error::<T>::DuplicateForecaster);
		let bounded: BoundedVec<_, T::MaxForecasters> =
			forecasters.clone().try_into().map_err(|_| Error::<T>::TooManyForecasters)?;
		Forecasters::<T>::put(bounded);
		Self::deposit_event(Event::ForecastersSet { forecasters });
		Ok(())
	}

	/// Whether `key` is an authorised forecaster.
	pub fn is_forecaster(key: &T::ForecasterId) -> bool {
		Forecasters::<T>::get().binary_search(key).is_ok()
	}
}
