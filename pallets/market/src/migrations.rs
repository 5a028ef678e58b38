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
		use codec::DecodeAll;
		use frame_support::ensure;
		// An auction as version 3 stores it decodes only once version 6 has appended its
		// `charges`: check that it decodes, whole, with them.
		for key in Auctions::<T>::iter_keys().map(Auctions::<T>::hashed_key_for) {
			let mut value = unhashed::get_raw(&key).unwrap_or_default();
			value.extend_from_slice(&crate::Amount::default().encode());
			let decoded = crate::Auction::decode_all(&mut &value[..]);
			ensure!(decoded.is_ok(), "an auction is not as version 3 stores it");
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
		weight.saturating_add(drop_beyond_bound::<T>(kept))
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

/// Drops the standing orders among `ids` beyond `MaxStandingOrders`, newest first, releasing
/// their deposits (`StandingOrderDropped`), so that every auction can still open after a
/// runtime lowered the bound. Returns the weight.
fn drop_beyond_bound<T: Config>(mut ids: Vec<crate::StandingOrderId>) -> Weight {
	// Removing a template: it, its owner's count, and the deposit's hold and account.
	let drop_weight = T::DbWeight::get().reads_writes(3, 4);
	let mut weight = Weight::zero();
	// The map iterates in hash order: sort the ids.
	ids.sort_unstable();
	let bound = T::MaxStandingOrders::get() as usize;
	for id in ids.into_iter().skip(bound).rev() {
		if let Some(order) = StandingOrders::<T>::get(id) {
			Pallet::<T>::drop_standing_order(id, &order);
			weight = weight.saturating_add(drop_weight);
		}
	}
	weight
}

/// Version 5 → 6: a trade carries what its buyer pays and what its seller receives per kWh (the
/// grid's charges are the difference), and an auction the charges its buyers paid.
/// - Every stored trade page is rewritten: each trade's one price becomes both prices (a book
///   cleared before the grid was used pays no charges).
/// - Every auction gains `charges` (appended to the struct): zero.
/// - Standing orders beyond the new `MaxStandingOrders` (730: `place_bid` benchmarked with its
///   meter lookup; 780 before) are dropped newest first, deposits released, so that every
///   auction can still open.
///
/// Bounded: trade pages exist only for slots cleared and not yet settled. Those are the slots
/// between gate closure and the end of settlement: about two (a one-hour slot, its 5-minute
/// gate and 15-minute grace window), each of at most `MaxOrdersPerSlot` trades (57,000 in the
/// runtime before this version), so at most 2 × ⌈57,000 / 256⌉ = 446 pages, each read at
/// about 8 KiB and written at about 12 KiB: one block. Auctions are bounded by the pending ones
/// and `SummariesKept`.
pub type MigrateV5ToV6<T> =
	VersionedMigration<5, 6, PriceBothSides<T>, Pallet<T>, <T as frame_system::Config>::DbWeight>;

/// The unversioned step of [`MigrateV5ToV6`].
pub struct PriceBothSides<T>(core::marker::PhantomData<T>);

/// A trade page as version 5 stored it.
pub type V5TradePage = frame_support::BoundedVec<
	crate::Trade,
	frame_support::pallet_prelude::ConstU32<{ crate::TRADES_PER_PAGE }>,
>;

impl<T: Config> UncheckedOnRuntimeUpgrade for PriceBothSides<T> {
	fn on_runtime_upgrade() -> Weight {
		let auctions: Vec<Vec<u8>> =
			Auctions::<T>::iter_keys().map(Auctions::<T>::hashed_key_for).collect();
		let auctions = append_to_each(auctions, &crate::Amount::default().encode());
		let mut pages = 0u64;
		crate::TradePages::<T>::translate::<V5TradePage, _>(|_, _, old| {
			pages += 1;
			let trades = old.into_iter().map(crate::GridTrade::from);
			Some(crate::TradePage::truncate_from(trades.collect()))
		});
		let templates: Vec<_> = StandingOrders::<T>::iter_keys().collect();
		// Each value: its key iterated, read and written; each template's key iterated.
		T::DbWeight::get()
			.reads_writes(2 * (auctions + pages) + templates.len() as u64, auctions + pages)
			.saturating_add(drop_beyond_bound::<T>(templates))
	}

	#[cfg(feature = "try-runtime")]
	fn pre_upgrade() -> Result<Vec<u8>, sp_runtime::TryRuntimeError> {
		use codec::DecodeAll;
		// This runtime clears smaller books (`MaxOrdersPerSlot` on the grid): an open book
		// above it would never fit the clearing budget and stay open. Upgrade once it cleared.
		for key in Auctions::<T>::iter_keys().map(Auctions::<T>::hashed_key_for) {
			let mut value = unhashed::get_raw(&key).unwrap_or_default();
			value.extend_from_slice(&crate::Amount::default().encode());
			let auction = crate::Auction::decode_all(&mut &value[..])
				.map_err(|_| "an auction is not as version 5 stores it")?;
			frame_support::ensure!(
				auction.status != crate::AuctionStatus::Open
					|| auction.orders() <= T::MaxOrdersPerSlot::get(),
				"an open book holds more orders than this runtime's MaxOrdersPerSlot can clear"
			);
		}
		// Every page's trades as version 5 stored them, to compare after the upgrade.
		let pages: Vec<(energy_primitives::MarketSlot, u32, V5TradePage)> =
			v5::TradePages::<T>::iter().collect();
		Ok(pages.encode())
	}

	#[cfg(feature = "try-runtime")]
	fn post_upgrade(state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
		use codec::Decode;
		use frame_support::ensure;
		for key in Auctions::<T>::iter_keys().map(Auctions::<T>::hashed_key_for) {
			let value = unhashed::get_raw(&key).unwrap_or_default();
			let decoded = <crate::Auction as codec::DecodeAll>::decode_all(&mut &value[..]);
			ensure!(decoded.is_ok(), "an auction does not decode, whole");
		}
		ensure!(
			StandingOrders::<T>::count() <= T::MaxStandingOrders::get(),
			"more standing orders than every opening can place"
		);
		let before: Vec<(energy_primitives::MarketSlot, u32, V5TradePage)> =
			Decode::decode(&mut &state[..]).map_err(|_| "pre-upgrade state")?;
		ensure!(
			before.len() == crate::TradePages::<T>::iter_keys().count(),
			"a trade page was lost or added"
		);
		for (slot, page, old) in before {
			let new = crate::TradePages::<T>::get(slot, page).ok_or("a page does not decode")?;
			ensure!(old.len() == new.len(), "a page lost trades");
			for (old, new) in old.iter().zip(new.iter()) {
				ensure!(
					(old.bid, old.offer, old.wh) == (new.bid, new.offer, new.wh)
						&& new.buyer_price == old.price
						&& new.seller_price == old.price,
					"a trade changed in migration"
				);
			}
		}
		Ok(())
	}
}

/// The storage of version 5 that version 6 rewrote.
pub mod v5 {
	use super::V5TradePage;
	use crate::{Config, Pallet};
	use energy_primitives::MarketSlot;
	use frame_support::{storage_alias, Twox64Concat};

	/// A cleared slot's trades as version 5 stored them: one price per trade.
	#[storage_alias]
	pub type TradePages<T: Config> =
		StorageDoubleMap<Pallet<T>, Twox64Concat, MarketSlot, Twox64Concat, u32, V5TradePage>;
}
