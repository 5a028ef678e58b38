//! Storage migrations of the meter registry.

use crate::{Config, GenesisSlot, Pallet};
use energy_primitives::MarketClock;
use frame_support::{
	migrations::VersionedMigration,
	traits::{Get, UncheckedOnRuntimeUpgrade},
	weights::Weight,
};

/// Version 1 → 2: meters registered at genesis get an installation slot. Before version 2 a
/// genesis meter that had not reported could close any past slot; on a running chain its
/// installation slot becomes the slot of the upgrade (its first reading may close no slot
/// before it). A chain that starts on version 2 records the slot of its first block instead.
pub type MigrateV1ToV2<T> = VersionedMigration<
	1,
	2,
	RecordGenesisSlot<T>,
	Pallet<T>,
	<T as frame_system::Config>::DbWeight,
>;

/// The unversioned step of [`MigrateV1ToV2`].
pub struct RecordGenesisSlot<T>(core::marker::PhantomData<T>);

impl<T: Config> UncheckedOnRuntimeUpgrade for RecordGenesisSlot<T> {
	fn on_runtime_upgrade() -> Weight {
		if GenesisSlot::<T>::get().is_none() {
			GenesisSlot::<T>::put(T::Clock::current_slot());
		}
		// GenesisSlot, and the clock's timestamp and slot length.
		T::DbWeight::get().reads_writes(3, 1)
	}

	#[cfg(feature = "try-runtime")]
	fn post_upgrade(_state: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
		frame_support::ensure!(GenesisSlot::<T>::get().is_some(), "no genesis slot recorded");
		Ok(())
	}
}
