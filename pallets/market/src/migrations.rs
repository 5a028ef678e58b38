//! Storage migrations of the market.

use crate::{Auctions, Config, Pallet, Side, StandingOrders, StandingQuantity};
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

/// Version 4 → 5: a bid names its buyer's consumption meter (`Side::Bid { meter }`, SCALE
/// variant 2). What version 4 stored as a bid has the bytes of `Side::UnsitedBid` (variant 0)
/// and decodes as one. Bids already in a book are left as they are: they clear at the grid's
/// root and settle within a day. Standing bids would place at the root for ever, crossing only
/// the sellers' elements, an advantage no member can take any more (`BidWithoutMeter`), so:
/// - a standing bid sized by the forecast of an active consumption meter of its owner bids at
///   that meter from now on;
/// - every other standing bid (a fixed quantity names no meter, and a forecast of another
///   meter does not say where the owner consumes) is dropped, its deposit released, with
///   `StandingOrderDropped`: its owner sets it again with a meter;
/// - templates beyond `MaxStandingOrders` (780 since each bid's meter lookup is charged at its
///   worst, 900 before) are dropped newest first, so that every auction can still open.
///
/// Bounded by the templates stored (at most the old `MaxStandingOrders`): one block.
pub type MigrateV4ToV5<T> =
	VersionedMigration<4, 5, SiteStandingBids<T>, Pallet<T>, <T as frame_system::Config>::DbWeight>;

/// The unversioned step of [`MigrateV4ToV5`].
pub struct SiteStandingBids<T>(core::marker::PhantomData<T>);

impl<T: Config> SiteStandingBids<T> {
	/// The meter an unsited standing bid of `owner` sized by `quantity` is sited at: the
	/// forecast's meter if a bid of `owner` may be delivered there (the check of `place_bid`);
	/// `None`: the template is dropped.
	pub fn site(
		owner: &T::AccountId,
		quantity: &StandingQuantity,
	) -> Option<energy_primitives::MeterId> {
		let StandingQuantity::Forecast { meter } = *quantity else { return None };
		Pallet::<T>::ensure_consumption_meter(owner, meter).ok().map(|_| meter)
	}
}

impl<T: Config> UncheckedOnRuntimeUpgrade for SiteStandingBids<T> {
	fn on_runtime_upgrade() -> Weight {
		use energy_primitives::MeterRegistry;
		let templates: Vec<_> = StandingOrders::<T>::iter().collect();
		let db = T::DbWeight::get();
		let mut weight = db.reads(templates.len() as u64);
		// Removing a template: it, its owner's count, and the deposit's hold and account.
		let drop_weight = db.reads_writes(3, 4);
		let mut kept = Vec::new();
		for (id, mut order) in templates {
			if order.side != Side::UnsitedBid {
				kept.push(id);
				continue;
			}
			weight = weight.saturating_add(T::Meters::meter_weight());
			match Self::site(&order.owner, &order.quantity) {
				Some(meter) => {
					order.side = Side::Bid { meter };
					StandingOrders::<T>::insert(id, order);
					weight = weight.saturating_add(db.writes(1));
					kept.push(id);
				},
				None => {
					Pallet::<T>::drop_standing_order(id, &order);
					weight = weight.saturating_add(drop_weight);
				},
			}
		}
		// Newest first beyond the bound (the map iterates in hash order: sort the ids).
		kept.sort_unstable();
		let bound = T::MaxStandingOrders::get() as usize;
		for id in kept.into_iter().skip(bound).rev() {
			if let Some(order) = StandingOrders::<T>::get(id) {
				Pallet::<T>::drop_standing_order(id, &order);
				weight = weight.saturating_add(drop_weight);
			}
		}
		weight
	}

	#[cfg(feature = "try-runtime")]
	fn post_upgrade(_state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
		use frame_support::ensure;
		for (_, order) in StandingOrders::<T>::iter() {
			ensure!(order.side != Side::UnsitedBid, "an unsited standing bid is left");
		}
		ensure!(
			StandingOrders::<T>::count() <= T::MaxStandingOrders::get(),
			"more standing orders than every opening can place"
		);
		Ok(())
	}
}
