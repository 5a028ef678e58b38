//! Storage migrations of the market.

use crate::{Auctions, Config, Pallet, StandingOrders};
use alloc::vec::Vec;
use codec::Encode;
use frame_support::{
	migrations::VersionedMigration,
	storage::unhashed,
	traits::{Get, UncheckedOnRuntimeUpgrade},
	weights::Weight,
};

/// Version 2 → 3: an auction's summary gains `failed_wh` (the energy of trades that failed to
/// settle), a standing order its `deposit`. Both fields were appended to their structs, so an
/// old value is the new value's encoding without its last field: the migration appends a zero
/// to every stored value. Standing orders set before version 3 held no deposit, so zero is what
/// they hold. The maps are bounded (`SummariesKept` plus the pending auctions;
/// `MaxStandingOrders`), so one block migrates them.
pub type MigrateV2ToV3<T> =
	VersionedMigration<2, 3, AppendZeroFields<T>, Pallet<T>, <T as frame_system::Config>::DbWeight>;

/// The unversioned step of [`MigrateV2ToV3`].
pub struct AppendZeroFields<T>(core::marker::PhantomData<T>);

/// Appends `zero`'s encoding to the value stored under each of `keys`; returns how many values
/// it rewrote.
fn append_to_each(keys: Vec<Vec<u8>>, zero: &[u8]) -> u64 {
	let mut rewritten = 0;
	for key in keys {
		if let Some(mut value) = unhashed::get_raw(&key) {
			value.extend_from_slice(zero);
			unhashed::put_raw(&key, &value);
			rewritten += 1;
		}
	}
	rewritten
}

impl<T: Config> UncheckedOnRuntimeUpgrade for AppendZeroFields<T> {
	fn on_runtime_upgrade() -> Weight {
		let auctions: Vec<Vec<u8>> =
			Auctions::<T>::iter_keys().map(Auctions::<T>::hashed_key_for).collect();
		let standing: Vec<Vec<u8>> =
			StandingOrders::<T>::iter_keys().map(StandingOrders::<T>::hashed_key_for).collect();
		let mut rewritten = append_to_each(auctions, &energy_primitives::Wh::default().encode());
		rewritten += append_to_each(standing, &crate::Amount::default().encode());
		// Each value: its key iterated, read and written.
		T::DbWeight::get().reads_writes(2 * rewritten, rewritten)
	}

	#[cfg(feature = "try-runtime")]
	fn post_upgrade(_state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
		use frame_support::ensure;
		for slot in Auctions::<T>::iter_keys() {
			ensure!(Auctions::<T>::get(slot).is_some(), "an auction does not decode");
		}
		for id in StandingOrders::<T>::iter_keys() {
			ensure!(StandingOrders::<T>::get(id).is_some(), "a standing order does not decode");
		}
		Ok(())
	}
}

/// The storage of version 3 that version 4 removed.
pub mod v3 {
	use crate::{Config, Pallet};
	use alloc::vec::Vec;
	use energy_primitives::{MarketSlot, ResId, Wh};
	use frame_support::{storage_alias, traits::Get, Twox64Concat};

	/// During settlement: the attested Wh of each RES in the slot not yet delivered.
	#[storage_alias]
	pub type Deliverable<T: Config> =
		StorageDoubleMap<Pallet<T>, Twox64Concat, MarketSlot, Twox64Concat, ResId, Wh>;

	/// What the certificates of slots in the middle of settlement still have to deliver, as the
	/// token ledger's migration to holdings per certificate needs it (run it before
	/// [`super::MigrateV3ToV4`] removes the map).
	pub struct SettlingDeliverable<T>(core::marker::PhantomData<T>);

	impl<T: Config> Get<Vec<(MarketSlot, ResId, Wh)>> for SettlingDeliverable<T> {
		fn get() -> Vec<(MarketSlot, ResId, Wh)> {
			Deliverable::<T>::iter().collect()
		}
	}
}

/// Version 3 → 4: the `Deliverable` map is gone. Settlement used it to track what each RES
/// could still deliver of a slot while tokens were fungible; with tokens held per certificate
/// the seller's holding of the slot's certificate is that amount. Entries exist only for slots
/// in the middle of settlement (at most one per RES with a certificate in them); they are
/// removed.
pub type MigrateV3ToV4<T> = VersionedMigration<
	3,
	4,
	RemoveDeliverable<T>,
	Pallet<T>,
	<T as frame_system::Config>::DbWeight,
>;

/// The unversioned step of [`MigrateV3ToV4`].
pub struct RemoveDeliverable<T>(core::marker::PhantomData<T>);

impl<T: Config> UncheckedOnRuntimeUpgrade for RemoveDeliverable<T> {
	fn on_runtime_upgrade() -> Weight {
		use frame_support::traits::PalletInfoAccess;
		let result = frame_support::storage::migration::clear_storage_prefix(
			Pallet::<T>::name().as_bytes(),
			b"Deliverable",
			b"",
			None,
			None,
		);
		T::DbWeight::get().reads_writes(result.loops as u64, result.unique as u64)
	}
}
