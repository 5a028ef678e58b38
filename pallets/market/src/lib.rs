#![cfg_attr(not(feature = "std"), no_std)]
#![doc = include_str!("../README.md")]

pub use pallet::*;

mod clock;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

#[frame_support::pallet]
pub mod pallet {
	use energy_primitives::HOUR_MS;
	use frame_support::pallet_prelude::*;

	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	/// The shortest market slot a chain may be configured with: one second.
	pub const MIN_SLOT_LENGTH_MS: u64 = 1_000;

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config + pallet_timestamp::Config<Moment = u64> {}

	#[pallet::type_value]
	pub fn DefaultSlotLength() -> u64 {
		HOUR_MS
	}

	/// The length of a market slot in milliseconds, fixed at genesis: one hour in production,
	/// shorter on development chains so a market day can be watched. It never changes after
	/// genesis, because slot numbers (`unix time / length`) must keep their meaning.
	#[pallet::storage]
	pub type SlotLength<T: Config> = StorageValue<_, u64, ValueQuery, DefaultSlotLength>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The slot length in ms; `None` keeps the default of one hour.
		pub slot_length_ms: Option<u64>,
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			if let Some(length) = self.slot_length_ms {
				// A chain spec with a slot below a second is a mistake: refuse to start.
				assert!(length >= MIN_SLOT_LENGTH_MS, "market slot length below one second");
				SlotLength::<T>::put(length);
			}
		}
	}
}
