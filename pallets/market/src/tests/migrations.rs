//! The storage migrations: from version 2 (summaries and standing orders stored without their
//! new last field decode, with zero, after it), 3 (`Deliverable` removed) and 4 (standing bids
//! sited at their owner's consumption meter or dropped).

use super::*;
use crate::{
	migrations::MigrateV2ToV3, Side, StandingOrder, StandingOrderId, StandingOrders,
	StandingQuantity,
};
use codec::Encode;
use frame_support::{
	assert_ok,
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
			// Version 2 knew only unsited bids.
			side: Side::UnsitedBid,
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
		// Version 2 had neither `failed_wh` (8 bytes) nor version 6's `charges` (16).
		unhashed::put_raw(&auction_key, &strip(auction.encode(), 8 + 16));
		unhashed::put_raw(&order_key, &strip(order.encode(), 16));
		StorageVersion::new(2).put::<crate::Pallet<Test>>();
		assert_eq!(Auctions::<Test>::get(slot), None, "an old summary does not decode as new");

		MigrateV2ToV3::<Test>::on_runtime_upgrade();
		assert_eq!(StandingOrders::<Test>::get(id), Some(order));
		assert_eq!(crate::Pallet::<Test>::on_chain_storage_version(), 3, "v2 → v3 only");
		// Run again: the version gate makes it a no-op.
		let before = sp_io::storage::root(sp_runtime::StateVersion::V1);
		MigrateV2ToV3::<Test>::on_runtime_upgrade();
		assert_eq!(sp_io::storage::root(sp_runtime::StateVersion::V1), before);
		// Versions 3 to 5 leave summaries alone; 6 appends `charges`.
		StorageVersion::new(5).put::<crate::Pallet<Test>>();
		crate::migrations::MigrateV5ToV6::<Test>::on_runtime_upgrade();
		assert_eq!(Auctions::<Test>::get(slot), Some(auction));
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

/// Version 4 stored every bid as today's `Side::UnsitedBid`: the migration sites each standing
/// bid sized by its owner's active consumption meter there and drops the others, releasing
/// their deposits.
#[test]
fn version_4_standing_bids_are_sited_at_their_owners_consumption_meter_or_dropped() {
	use crate::{migrations::MigrateV4ToV5, Event, HoldReason, StandingOrdersOf};
	use frame_support::traits::fungible::{InspectHold, MutateHold};
	new_test_ext().execute_with(|| {
		let template = |owner, quantity| StandingOrder {
			owner,
			side: Side::UnsitedBid,
			price: 80_000,
			quantity,
			cap_wh: 500,
			deposit: STANDING_DEPOSIT,
		};
		let by_forecast = |meter| StandingQuantity::Forecast { meter };
		let templates = [
			// DAVE's consumption meter: sited.
			template(DAVE, by_forecast(meter_of(DAVE))),
			// A fixed quantity names no meter: dropped.
			template(CHARLIE, StandingQuantity::Fixed { wh: 500 }),
			// ALICE's PV meter is no consumption meter: dropped.
			template(ALICE, by_forecast(0)),
			// CHARLIE's template on DAVE's meter (no call sets one): dropped.
			template(CHARLIE, by_forecast(meter_of(DAVE))),
			// An offer is not touched.
			StandingOrder {
				side: Side::Offer { res: ALICE_RES },
				..template(ALICE, by_forecast(0))
			},
		];
		let reason = HoldReason::StandingOrderDeposit.into();
		for (id, order) in templates.iter().enumerate() {
			StandingOrders::<Test>::insert(id as StandingOrderId, order.clone());
			StandingOrdersOf::<Test>::mutate(order.owner, |count| *count += 1);
			assert_ok!(Balances::hold(&reason, &order.owner, STANDING_DEPOSIT));
		}
		crate::Pallet::<Test>::do_try_state().expect("the v4 templates are consistent");
		StorageVersion::new(4).put::<crate::Pallet<Test>>();

		MigrateV4ToV5::<Test>::on_runtime_upgrade();
		assert_eq!(crate::Pallet::<Test>::on_chain_storage_version(), 5);
		let left: Vec<(StandingOrderId, Side)> =
			StandingOrders::<Test>::iter().map(|(id, order)| (id, order.side)).collect();
		let mut left = left;
		left.sort_by_key(|(id, _)| *id);
		assert_eq!(
			left,
			vec![(0, Side::Bid { meter: meter_of(DAVE) }), (4, Side::Offer { res: ALICE_RES })]
		);
		// CHARLIE's two and ALICE's bid are gone with their deposits; ALICE's offer holds one.
		assert_eq!(Balances::balance_on_hold(&reason, &CHARLIE), 0);
		assert_eq!(Balances::balance_on_hold(&reason, &ALICE), STANDING_DEPOSIT);
		assert_eq!(StandingOrdersOf::<Test>::get(CHARLIE), 0);
		let dropped: Vec<StandingOrderId> = market_events()
			.into_iter()
			.filter_map(|event| match event {
				Event::StandingOrderDropped { id, .. } => Some(id),
				_ => None,
			})
			.collect();
		assert_eq!(dropped, vec![1, 2, 3]);
		crate::Pallet::<Test>::do_try_state().expect("consistent after the migration");

		let before = sp_io::storage::root(sp_runtime::StateVersion::V1);
		MigrateV4ToV5::<Test>::on_runtime_upgrade();
		assert_eq!(sp_io::storage::root(sp_runtime::StateVersion::V1), before, "runs once");
	});
}

/// More templates than every opening can place (the bound came down with this version): the
/// newest beyond `MaxStandingOrders` are dropped, so that auctions keep opening.
#[test]
fn version_4_templates_beyond_the_bound_are_dropped_newest_first() {
	use crate::migrations::MigrateV4ToV5;
	use frame_support::traits::Get;
	new_test_ext().execute_with(|| {
		let bound = <Test as crate::Config>::MaxStandingOrders::get();
		for id in 0..bound + 2 {
			let order = StandingOrder {
				owner: ALICE,
				side: Side::Offer { res: ALICE_RES },
				price: 40_000,
				quantity: StandingQuantity::Fixed { wh: 100 },
				cap_wh: 100,
				deposit: 0,
			};
			StandingOrders::<Test>::insert(id, order);
		}
		crate::StandingOrdersOf::<Test>::insert(ALICE, bound + 2);
		StorageVersion::new(4).put::<crate::Pallet<Test>>();

		MigrateV4ToV5::<Test>::on_runtime_upgrade();
		let mut ids: Vec<StandingOrderId> = StandingOrders::<Test>::iter_keys().collect();
		ids.sort_unstable();
		assert_eq!(ids, (0..bound).collect::<Vec<_>>());
		assert_eq!(crate::StandingOrdersOf::<Test>::get(ALICE), bound);
		crate::Pallet::<Test>::do_try_state().expect("within the bound");
	});
}

#[test]
fn version_5_trades_get_both_prices_and_auctions_zero_charges() {
	use crate::{
		migrations::{v5, MigrateV5ToV6, V5TradePage},
		GridTrade, Trade, TradePages,
	};
	new_test_ext().execute_with(|| {
		open_first_auctions();
		let slot = FIRST_SLOT + 1;
		let auction = Auctions::<Test>::get(slot).expect("an open auction");
		let key = Auctions::<Test>::hashed_key_for(slot);
		let encoded = auction.encode();
		unhashed::put_raw(&key, &encoded[..encoded.len() - 16]);
		let old = |bid, price| Trade { bid, offer: 9, wh: 1_000 + bid as u64, price };
		let pages = [(0u32, vec![old(0, 70_000), old(1, 71_000)]), (1, vec![old(2, 72_000)])];
		for (page, trades) in &pages {
			v5::TradePages::<Test>::insert(slot, page, V5TradePage::truncate_from(trades.clone()));
		}
		StorageVersion::new(5).put::<crate::Pallet<Test>>();
		assert_eq!(Auctions::<Test>::get(slot), None, "a version 5 auction does not decode");
		assert_eq!(TradePages::<Test>::get(slot, 0), None, "nor does a version 5 page");

		MigrateV5ToV6::<Test>::on_runtime_upgrade();
		assert_eq!(Auctions::<Test>::get(slot), Some(auction));
		for (page, trades) in pages {
			let migrated = TradePages::<Test>::get(slot, page).expect("the page decodes");
			// Both prices are the one price.
			let expected: Vec<GridTrade> = trades.iter().copied().map(GridTrade::from).collect();
			assert_eq!(migrated.into_inner(), expected);
		}
		assert_eq!(crate::Pallet::<Test>::on_chain_storage_version(), 6);
		let before = sp_io::storage::root(sp_runtime::StateVersion::V1);
		MigrateV5ToV6::<Test>::on_runtime_upgrade();
		assert_eq!(sp_io::storage::root(sp_runtime::StateVersion::V1), before);
	});
}
