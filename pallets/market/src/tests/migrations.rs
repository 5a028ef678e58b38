//! The storage migration from version 2: summaries and standing orders stored without their
//! new last field decode, with zero, after it.

use super::*;
use crate::{
	migrations::MigrateV2ToV3, Side, StandingOrder, StandingOrderId, StandingOrders,
	StandingQuantity,
};
use codec::Encode;
use frame_support::{
	storage::unhashed,
	traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion},
};

#[test]
fn version_2_summaries_and_standing_orders_migrate_with_zero_fields() {
	new_test_ext().execute_with(|| {
		open_first_auctions();
		let slot = FIRST_SLOT + 1;
		let auction = Auctions::<Test>::get(slot).expect("an open auction");
		let order = StandingOrder {
			owner: DAVE,
			side: Side::Bid,
			price: 80_000,
			quantity: StandingQuantity::Fixed { wh: 500 },
			cap_wh: 500,
			deposit: 0,
		};
		let id: StandingOrderId = 7;
		StandingOrders::<Test>::insert(id, order.clone());
		// What version 2 stored: the same encodings without the last field.
		let strip = |encoded: Vec<u8>, field: usize| encoded[..encoded.len() - field].to_vec();
		let auction_key = Auctions::<Test>::hashed_key_for(slot);
		let order_key = StandingOrders::<Test>::hashed_key_for(id);
		unhashed::put_raw(&auction_key, &strip(auction.encode(), 8));
		unhashed::put_raw(&order_key, &strip(order.encode(), 16));
		StorageVersion::new(2).put::<crate::Pallet<Test>>();
		assert_eq!(Auctions::<Test>::get(slot), None, "an old summary does not decode as new");

		MigrateV2ToV3::<Test>::on_runtime_upgrade();
		assert_eq!(Auctions::<Test>::get(slot), Some(auction));
		assert_eq!(StandingOrders::<Test>::get(id), Some(order));
		assert_eq!(crate::Pallet::<Test>::on_chain_storage_version(), 3, "v2 → v3 only");
		// Run again: the version gate makes it a no-op.
		let before = sp_io::storage::root(sp_runtime::StateVersion::V1);
		MigrateV2ToV3::<Test>::on_runtime_upgrade();
		assert_eq!(sp_io::storage::root(sp_runtime::StateVersion::V1), before);
	});
}

#[test]
fn version_3_deliverable_entries_are_removed() {
	use crate::migrations::MigrateV3ToV4;
	use frame_support::traits::PalletInfoAccess;
	new_test_ext().execute_with(|| {
		StorageVersion::new(3).put::<crate::Pallet<Test>>();
		let prefix = frame_support::storage::storage_prefix(
			crate::Pallet::<Test>::name().as_bytes(),
			b"Deliverable",
		);
		for res in 0u32..3 {
			let mut key = prefix.to_vec();
			key.extend_from_slice(&(FIRST_SLOT, res).encode());
			unhashed::put_raw(&key, &500u64.encode());
		}
		assert!(unhashed::get_raw(&[&prefix[..], &(FIRST_SLOT, 0u32).encode()].concat()).is_some());

		MigrateV3ToV4::<Test>::on_runtime_upgrade();
		assert_eq!(crate::Pallet::<Test>::on_chain_storage_version(), 4);
		assert_eq!(
			frame_support::storage::KeyPrefixIterator::new(
				prefix.to_vec(),
				prefix.to_vec(),
				|_| Ok(())
			)
			.count(),
			0
		);
	});
}
