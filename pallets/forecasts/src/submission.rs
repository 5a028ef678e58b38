//! Accepting a forecaster's batch: the authorisation run by the transaction pool and by block
//! import (cheap checks first, the signature last), then storing the forecasts.

use crate::{
	Config, Event, ForecastBatchOf, Forecasts, LatestForecast, Pallet, SlotForecast, WeightInfo,
};
use energy_primitives::{MarketClock, MeterRegistry};
use frame_support::{
	dispatch::{DispatchResultWithPostInfo, Pays, PostDispatchInfo},
	pallet_prelude::{
		InvalidTransaction, TransactionLongevity, TransactionSource, TransactionValidityWithRefund,
		ValidTransaction,
	},
	traits::Get,
	weights::Weight,
};
use sp_core::H256;
use sp_runtime::{traits::Zero, RuntimeAppPublic};

/// Tag prefix of forecast transactions in the pool.
const TAG_PREFIX: &str = "energy-forecasts";

impl<T: Config> Pallet<T> {
	/// The chain's genesis hash, which every forecaster signature binds.
	pub fn genesis_hash() -> H256 {
		let hash = frame_system::Pallet::<T>::block_hash(
			frame_system::pallet_prelude::BlockNumberFor::<T>::zero(),
		);
		H256::from_slice(hash.as_ref())
	}

	/// Whether a batch may go on chain: from an authorised forecaster, for a slot within the
	/// horizon, meters strictly ascending, its first meter registered and not yet forecast for
	/// the slot (a replay or a second forecaster's copy is refused before its signature is
	/// checked), and
	/// signed by the forecaster's key over [`crate::ForecastBatch::signing_payload`].
	pub(crate) fn authorize_forecasts(
		_source: TransactionSource,
		batch: &ForecastBatchOf<T>,
		signature: &<T::ForecasterId as RuntimeAppPublic>::Signature,
	) -> TransactionValidityWithRefund {
		let current = T::Clock::current_slot();
		let horizon = T::ForecastHorizon::get();
		if !Self::is_forecaster(&batch.forecaster) {
			return Err(InvalidTransaction::BadSigner.into());
		}
		if batch.slot <= current {
			return Err(InvalidTransaction::Stale.into());
		}
		if batch.slot > current.saturating_add(horizon) {
			return Err(InvalidTransaction::Future.into());
		}
		let Some((first, _)) = batch.forecasts.first() else {
			return Err(InvalidTransaction::Call.into());
		};
		if !batch.meters_ascend() {
			return Err(InvalidTransaction::Call.into());
		}
		if Forecasts::<T>::contains_key(batch.slot, first) {
			return Err(InvalidTransaction::Stale.into());
		}
		// Replay protection rests on the first meter: an authorised batch always stores its
		// first meter's forecast, after which every copy (under any transaction hash) is
		// `Stale`. A batch whose first meter is not registered would store nothing for it and
		// authorise again in every block, fee-free: it is refused.
		if !T::Meters::is_active(*first) {
			return Err(InvalidTransaction::Call.into());
		}
		let payload = batch.signing_payload(&Self::genesis_hash());
		if !batch.forecaster.verify(&payload, signature) {
			return Err(InvalidTransaction::BadProof.into());
		}
		let validity = ValidTransaction::with_tag_prefix(TAG_PREFIX)
			.priority(T::UnsignedPriority::get())
			.and_provides((batch.slot, *first))
			// Useless once its slot has begun: at most one slot per block, so the horizon's
			// length in slots bounds it in blocks too.
			.longevity(TransactionLongevity::from(horizon).saturating_add(1))
			.propagate(true)
			.build()?;
		Ok((validity, Weight::zero()))
	}

	/// Stores the batch's forecasts of registered meters not yet forecast for its slot.
	pub fn do_submit_forecasts(batch: ForecastBatchOf<T>) -> DispatchResultWithPostInfo {
		let (mut stored, mut skipped) = (0u32, 0u32);
		for (meter, forecast) in batch.forecasts.iter().copied() {
			if Forecasts::<T>::contains_key(batch.slot, meter) || !T::Meters::is_active(meter) {
				skipped += 1;
				continue;
			}
			Forecasts::<T>::insert(batch.slot, meter, forecast);
			LatestForecast::<T>::mutate(meter, |latest| {
				if latest.is_none_or(|l| l.slot < batch.slot) {
					*latest = Some(SlotForecast { slot: batch.slot, forecast });
				}
			});
			Self::deposit_event(Event::Forecast { meter, slot: batch.slot, forecast });
			stored += 1;
		}
		Self::deposit_event(Event::BatchProcessed {
			forecaster: batch.forecaster,
			slot: batch.slot,
			stored,
			skipped,
		});
		Ok(PostDispatchInfo {
			actual_weight: Some(T::WeightInfo::submit_forecasts(stored + skipped)),
			pays_fee: Pays::No,
		})
	}
}
