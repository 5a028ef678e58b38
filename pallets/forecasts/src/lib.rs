#![cfg_attr(not(feature = "std"), no_std)]
#![doc = include_str!("../README.md")]

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
pub mod crypto;
mod governance;
mod history;
mod invariants;
#[cfg(test)]
mod mock;
mod offchain;
mod pruning;
mod submission;
#[cfg(test)]
mod tests;
mod types;
pub mod weights;

pub use history::{SeriesCache, MISSING};
pub use offchain::{OFFCHAIN_LAST_RUN_KEY, OFFCHAIN_SERIES_PREFIX};
pub use types::*;
pub use weights::WeightInfo;

extern crate alloc;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use energy_primitives::{EnergyForecast, MarketClock, MarketSlot, MeterId, MeterRegistry};
	use frame_support::pallet_prelude::*;
	use frame_system::{offchain::CreateAuthorizedTransaction, pallet_prelude::*};
	use sp_runtime::{traits::MaybeSerializeDeserialize, RuntimeAppPublic};

	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config + CreateAuthorizedTransaction<Call<Self>> {
		/// The overarching event type.
		#[allow(deprecated)]
		type RuntimeEvent: From<Event<Self>> + IsType<<Self as frame_system::Config>::RuntimeEvent>;

		/// The key a forecaster signs its batches with: [`crypto::ForecasterId`] in a runtime.
		/// The node keeps it in its keystore under [`crypto::KEY_TYPE`] (`fcst`).
		type ForecasterId: Member
			+ Parameter
			+ RuntimeAppPublic
			+ Ord
			+ MaybeSerializeDeserialize
			+ MaxEncodedLen;

		/// The meters forecasts are made for.
		type Meters: MeterRegistry<Self::AccountId>;

		/// The market clock: which slot is current, how long a slot is.
		type Clock: MarketClock;

		/// Who may change the set of authorised forecasters.
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The most authorised forecaster keys.
		#[pallet::constant]
		type MaxForecasters: Get<u32>;

		/// The most meters one submitted batch may carry.
		#[pallet::constant]
		type MaxForecastsPerBatch: Get<u32>;

		/// How many slots ahead forecasts are made and accepted: slot `current + 1` up to
		/// `current + ForecastHorizon`. It must cover the market's `open_slots_ahead + 1`, so
		/// that a forecast exists when a standing order is placed at an auction's opening.
		#[pallet::constant]
		type ForecastHorizon: Get<u32>;

		/// How many slots of past forecasts stay on chain (for comparing against the attested
		/// readings); older slots are pruned.
		#[pallet::constant]
		type ForecastsKept: Get<u32>;

		/// How many past slots of a meter's readings the off-chain worker fits its models on.
		#[pallet::constant]
		type HistoryWindow: Get<u32>;

		/// The priority of forecast transactions in the pool.
		#[pallet::constant]
		type UnsignedPriority: Get<TransactionPriority>;

		/// Weight information for the extrinsics and hooks of this pallet.
		type WeightInfo: WeightInfo;
	}

	/// The keys whose signed batches are accepted, sorted.
	#[pallet::storage]
	pub type Forecasters<T: Config> =
		StorageValue<_, BoundedVec<T::ForecasterId, T::MaxForecasters>, ValueQuery>;

	/// The forecast of each meter for each slot still kept: at most one per meter and slot,
	/// the first accepted.
	#[pallet::storage]
	pub type Forecasts<T: Config> =
		StorageDoubleMap<_, Twox64Concat, MarketSlot, Twox64Concat, MeterId, EnergyForecast>;

	/// Each meter's forecast for the latest slot it has one for.
	#[pallet::storage]
	pub type LatestForecast<T: Config> = StorageMap<_, Twox64Concat, MeterId, SlotForecast>;

	/// The oldest slot whose forecasts may still be stored: pruning works upwards from here.
	#[pallet::storage]
	pub type PruneFrom<T: Config> = StorageValue<_, MarketSlot, ValueQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The authorised forecaster keys.
		pub forecasters: alloc::vec::Vec<T::ForecasterId>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			// A malformed chain spec must stop the chain from starting, hence the panic.
			Pallet::<T>::do_set_forecasters(self.forecasters.clone())
				.expect("genesis forecasters are distinct and within MaxForecasters");
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A forecast of `meter` for `slot` was stored.
		Forecast { meter: MeterId, slot: MarketSlot, forecast: EnergyForecast },
		/// A forecaster's batch for `slot` was processed: `stored` forecasts were new, `skipped`
		/// were for meters already forecast for that slot or no longer registered.
		BatchProcessed { forecaster: T::ForecasterId, slot: MarketSlot, stored: u32, skipped: u32 },
		/// The set of authorised forecaster keys changed.
		ForecastersSet { forecasters: alloc::vec::Vec<T::ForecasterId> },
		/// Every forecast of `slot` was pruned.
		SlotPruned { slot: MarketSlot },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The same forecaster key is listed twice.
		DuplicateForecaster,
		/// More forecaster keys than `MaxForecasters`.
		TooManyForecasters,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(_block: BlockNumberFor<T>) -> Weight {
			Self::prune_old_slots()
		}

		fn offchain_worker(_block: BlockNumberFor<T>) {
			Self::run_forecaster();
		}

		fn integrity_test() {
			assert!(T::ForecastHorizon::get() >= 1, "forecasts must look at least one slot ahead");
			assert!(
				T::ForecastsKept::get() >= 1,
				"at least the last slot's forecasts must be kept to compare against its readings"
			);
			assert!(T::MaxForecastsPerBatch::get() >= 1, "a batch must hold a forecast");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_block: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Stores a forecaster's batch of forecasts for one slot (a transaction without fee
		/// payer, authorised by the forecaster key's signature over the batch; see
		/// [`ForecastBatch::signing_payload`]). Meters already forecast for the slot are
		/// skipped: the first forecast of a meter for a slot stands.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::submit_forecasts(batch.forecasts.len() as u32))]
		#[pallet::authorize(Pallet::<T>::authorize_forecasts)]
		#[pallet::weight_of_authorize(
			T::WeightInfo::authorize_submit_forecasts(batch.forecasts.len() as u32)
		)]
		pub fn submit_forecasts(
			origin: OriginFor<T>,
			batch: ForecastBatchOf<T>,
			signature: <T::ForecasterId as RuntimeAppPublic>::Signature,
		) -> DispatchResultWithPostInfo {
			ensure_authorized(origin)?;
			// The signature was checked when the transaction was authorised.
			let _ = signature;
			Self::do_submit_forecasts(batch)
		}

		/// Replaces the authorised forecaster keys (governance).
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::set_forecasters(forecasters.len() as u32))]
		pub fn set_forecasters(
			origin: OriginFor<T>,
			forecasters: alloc::vec::Vec<T::ForecasterId>,
		) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Self::do_set_forecasters(forecasters)
		}
	}

	impl<T: Config> sp_runtime::BoundToRuntimeAppPublic for Pallet<T> {
		type Public = T::ForecasterId;
	}

	impl<T: Config> energy_primitives::ForecastProvider for Pallet<T> {
		fn forecast(meter: MeterId, slot: MarketSlot) -> Option<EnergyForecast> {
			Forecasts::<T>::get(slot, meter)
		}

		fn horizon() -> u32 {
			T::ForecastHorizon::get()
		}

		#[cfg(feature = "runtime-benchmarks")]
		fn set_forecast(meter: MeterId, slot: MarketSlot, forecast: EnergyForecast) {
			Forecasts::<T>::insert(slot, meter, forecast);
		}
	}
}
