//! Placing and cancelling orders, and every way a user can get it wrong.

use super::*;
use crate::{Error, Event, HoldReason, Orders, OrdersOfMember, Side};
use frame_support::{assert_noop, assert_ok, traits::fungible::InspectHold};

const SLOT: MarketSlot = FIRST_SLOT + 1;

fn bid_hold(who: u64) -> u128 {
	Balances::balance_on_hold(&HoldReason::BidMaxCost.into(), &who)
}

fn offer_hold(who: u64) -> u128 {
	Balances::balance_on_hold(&HoldReason::OfferDeposit.into(), &who)
}

#[test]
fn auctions_open_ahead_of_their_slot() {
	new_test_ext().execute_with(|| {
		open_first_auctions();
		assert_eq!(status_of(FIRST_SLOT), None, "the current slot is past its gate");
		assert_eq!(status_of(FIRST_SLOT + 1), Some(AuctionStatus::Open));
		assert_eq!(status_of(FIRST_SLOT + 2), Some(AuctionStatus::Open));
		assert_eq!(status_of(FIRST_SLOT + 3), None);
		assert!(market_events().contains(&Event::AuthorizeOffers {
			slot: SLOT,
			rule: crate::ClearingRule::AverageBid,
			retail: RETAIL,
			feed_in: FEED_IN,
			gate_closure_at: gate_of(SLOT),
		}));
		// A slot later, one more auction opens.
		run_to_ms((FIRST_SLOT as u64 + 1) * SLOT_MS);
		assert_eq!(status_of(FIRST_SLOT + 3), Some(AuctionStatus::Open));
	});
}

#[test]
fn a_bid_holds_its_maximum_cost_rounded_up() {
	new_test_ext().execute_with(|| {
		open_first_auctions();
		assert_ok!(Market::place_bid(
			RuntimeOrigin::signed(CHARLIE),
			SLOT,
			meter_of(CHARLIE),
			1_501,
			80_001
		));
		// 1.501 kWh × 80,001 = 120,081.501 → 120,082 held.
		assert_eq!(bid_hold(CHARLIE), 120_082);
		assert_eq!(free(CHARLIE), START - 120_082);
		let order = Orders::<Test>::get(SLOT, 0).expect("bid stored");
		assert_eq!((order.wh, order.price, order.held), (1_501, 80_001, 120_082));
		assert_eq!(OrdersOfMember::<Test>::get(SLOT, CHARLIE), 1);
		assert_invariants();
	});
}

#[test]
fn a_bid_at_exactly_the_retail_price_is_taken_and_one_unit_above_is_refused() {
	new_test_ext().execute_with(|| {
		open_first_auctions();
		assert_ok!(Market::place_bid(
			RuntimeOrigin::signed(CHARLIE),
			SLOT,
			meter_of(CHARLIE),
			1_000,
			RETAIL
		));
		assert_noop!(
			Market::place_bid(
				RuntimeOrigin::signed(CHARLIE),
				SLOT,
				meter_of(CHARLIE),
				1_000,
				RETAIL + 1
			),
			Error::<Test>::PriceAboveRetail
		);
	});
}

#[test]
fn bids_from_the_wrong_people_or_for_the_wrong_slot_change_nothing() {
	new_test_ext().execute_with(|| {
		open_first_auctions();
		let bid = |who, slot, wh, price| {
			Market::place_bid(RuntimeOrigin::signed(who), slot, meter_of(who), wh, price)
		};
		assert_noop!(bid(BOB, SLOT, 100, 50_000), Error::<Test>::NotConsumer);
		assert_noop!(bid(STRANGER, SLOT, 100, 50_000), Error::<Test>::NotConsumer);
		assert_noop!(bid(DSO, SLOT, 100, 50_000), Error::<Test>::NotConsumer);
		assert_noop!(bid(CHARLIE, FIRST_SLOT + 5, 100, 50_000), Error::<Test>::AuctionNotOpen);
		assert_noop!(bid(CHARLIE, SLOT, 0, 50_000), Error::<Test>::ZeroEnergy);
		assert_noop!(bid(CHARLIE, SLOT, 100, 0), Error::<Test>::ZeroPrice);
		// 2,000 kWh at 0.095 is 190 units: more than the 100 Charlie has.
		assert_noop!(bid(CHARLIE, SLOT, 2_000_000, RETAIL), Error::<Test>::InsufficientFunds);
	});
}

#[test]
fn member_and_book_bounds_are_enforced() {
	new_test_ext().execute_with(|| {
		open_first_auctions();
		for _ in 0..4 {
			assert_ok!(Market::place_bid(
				RuntimeOrigin::signed(CHARLIE),
				SLOT,
				meter_of(CHARLIE),
				10,
				50_000
			));
		}
		assert_noop!(
			Market::place_bid(RuntimeOrigin::signed(CHARLIE), SLOT, meter_of(CHARLIE), 10, 50_000),
			Error::<Test>::TooManyOrders
		);
		// Another slot's book is counted apart.
		assert_ok!(Market::place_bid(
			RuntimeOrigin::signed(CHARLIE),
			SLOT + 1,
			meter_of(CHARLIE),
			10,
			50_000
		));
		MaxOrdersPerSlot::set(5);
		assert_ok!(Market::place_bid(
			RuntimeOrigin::signed(DAVE),
			SLOT,
			meter_of(DAVE),
			10,
			50_000
		));
		assert_noop!(
			Market::place_offer(RuntimeOrigin::signed(ALICE), SLOT, ALICE_RES, 10, 10_000),
			Error::<Test>::BookFull
		);
	});
}

#[test]
fn an_offer_holds_a_deposit_of_retail_minus_reserve_and_never_less_than_the_minimum() {
	new_test_ext().execute_with(|| {
		open_first_auctions();
		assert_ok!(Market::place_offer(
			RuntimeOrigin::signed(ALICE),
			SLOT,
			ALICE_RES,
			3_000,
			40_000
		));
		// (95,000 − 40,000) × 3 kWh.
		assert_eq!(offer_hold(ALICE), 165_000);
		// An offer at the retail price still holds the least deposit per kWh.
		assert_ok!(Market::place_offer(RuntimeOrigin::signed(BOB), SLOT, BOB_RES, 1_000, RETAIL));
		assert_eq!(offer_hold(BOB), MIN_OFFER_DEPOSIT);
		assert_invariants();
	});
}

#[test]
fn offers_that_break_a_rule_change_nothing() {
	new_test_ext().execute_with(|| {
		open_first_auctions();
		let offer = |who, res, wh, price| {
			Market::place_offer(RuntimeOrigin::signed(who), SLOT, res, wh, price)
		};
		assert_noop!(offer(CHARLIE, ALICE_RES, 100, 1_000), Error::<Test>::NotProducer);
		assert_noop!(offer(ALICE, 9, 100, 1_000), Error::<Test>::UnknownRes);
		assert_noop!(offer(BOB, ALICE_RES, 100, 1_000), Error::<Test>::NotResOwner);
		assert_noop!(offer(ALICE, ALICE_RES, 0, 1_000), Error::<Test>::ZeroEnergy);
		assert_noop!(offer(ALICE, ALICE_RES, 100, RETAIL + 1), Error::<Test>::PriceAboveRetail);
		// 300 kW for one minute is 5,000 Wh.
		assert_ok!(offer(ALICE, ALICE_RES, 5_000, 1_000));
		assert_noop!(offer(ALICE, ALICE_RES, 5_001, 1_000), Error::<Test>::OfferAboveCapacity);
		// A RES whose grid connection the DSO has not approved may not sell.
		assert_ok!(ResAssets::register(
			RuntimeOrigin::signed(BOB),
			pallet_res_assets::Technology::Wind,
			10_000,
			b"LV-9".to_vec().try_into().expect("short"),
		));
		assert_noop!(offer(BOB, 2, 100, 1_000), Error::<Test>::ResCannotProduce);
	});
}

#[test]
fn cancelling_releases_the_hold_and_frees_the_members_slot() {
	new_test_ext().execute_with(|| {
		open_first_auctions();
		assert_ok!(Market::place_bid(
			RuntimeOrigin::signed(CHARLIE),
			SLOT,
			meter_of(CHARLIE),
			1_000,
			50_000
		));
		assert_ok!(Market::place_offer(
			RuntimeOrigin::signed(ALICE),
			SLOT,
			ALICE_RES,
			1_000,
			40_000
		));
		assert_noop!(
			Market::cancel_order(RuntimeOrigin::signed(DAVE), SLOT, 0),
			Error::<Test>::NotOrderOwner
		);
		assert_noop!(
			Market::cancel_order(RuntimeOrigin::signed(CHARLIE), SLOT, 7),
			Error::<Test>::UnknownOrder
		);
		assert_ok!(Market::cancel_order(RuntimeOrigin::signed(CHARLIE), SLOT, 0));
		assert_eq!(bid_hold(CHARLIE), 0);
		assert_eq!(free(CHARLIE), START);
		assert!(!OrdersOfMember::<Test>::contains_key(SLOT, CHARLIE));
		System::assert_last_event(
			Event::OrderCancelled { slot: SLOT, id: 0, who: CHARLIE, released: 50_000 }.into(),
		);
		let auction = Auctions::<Test>::get(SLOT).expect("open");
		assert_eq!((auction.bids, auction.offers, auction.bid_wh), (0, 1, 0));
		assert_invariants();
	});
}

#[test]
fn after_gate_closure_no_order_enters_or_leaves() {
	new_test_ext().execute_with(|| {
		open_first_auctions();
		assert_ok!(Market::place_bid(
			RuntimeOrigin::signed(CHARLIE),
			SLOT,
			meter_of(CHARLIE),
			1_000,
			50_000
		));
		// The gate time has come, but the block hook has not yet run.
		pallet_timestamp::Now::<Test>::put(gate_of(SLOT));
		assert_noop!(
			Market::place_bid(
				RuntimeOrigin::signed(CHARLIE),
				SLOT,
				meter_of(CHARLIE),
				1_000,
				50_000
			),
			Error::<Test>::GateClosed
		);
		assert_noop!(
			Market::cancel_order(RuntimeOrigin::signed(CHARLIE), SLOT, 0),
			Error::<Test>::GateClosed
		);
		// Once cleared, the auction is no longer open.
		run_to_ms(gate_of(SLOT));
		assert_eq!(status_of(SLOT), Some(AuctionStatus::Cleared));
		assert_noop!(
			Market::cancel_order(RuntimeOrigin::signed(CHARLIE), SLOT, 0),
			Error::<Test>::AuctionNotOpen
		);
	});
}

/// The attack of the issue: a member splits more than its plant can produce into several
/// offers of one slot, each within the nameplate. The RES's offers together are capped.
#[test]
fn a_res_cannot_offer_more_than_its_nameplate_across_several_offers() {
	new_test_ext().execute_with(|| {
		open_first_auctions();
		let offer =
			|wh| Market::place_offer(RuntimeOrigin::signed(ALICE), SLOT, ALICE_RES, wh, RETAIL);
		// 5,000 Wh per slot in all: 3,000 + 2,000 fit, one more Wh does not.
		assert_ok!(offer(3_000));
		assert_ok!(offer(2_000));
		assert_noop!(offer(1), Error::<Test>::OfferAboveCapacity);
		assert_eq!(crate::OfferedOfRes::<Test>::get(SLOT, ALICE_RES), 5_000);
		// Every offer held a deposit, at the retail price too: over-offering costs.
		assert_eq!(offer_hold(ALICE), 5 * MIN_OFFER_DEPOSIT);
		// Cancelling one frees its share of the capacity, and only that.
		assert_ok!(Market::cancel_order(RuntimeOrigin::signed(ALICE), SLOT, 0));
		assert_eq!(crate::OfferedOfRes::<Test>::get(SLOT, ALICE_RES), 2_000);
		assert_ok!(offer(3_000));
		assert_noop!(offer(1), Error::<Test>::OfferAboveCapacity);
		// Another slot has its own capacity.
		assert_ok!(Market::place_offer(
			RuntimeOrigin::signed(ALICE),
			SLOT + 1,
			ALICE_RES,
			5_000,
			RETAIL
		));
		assert_invariants();
		// Settlement releases the book and its per-RES counts.
		run_to_ms(settle_time_of(SLOT));
		assert_eq!(crate::OfferedOfRes::<Test>::iter_prefix(SLOT).count(), 0);
		assert_invariants();
	});
}

/// A suspended member keeps no market access: its bids and offers are refused and change
/// nothing.
#[test]
fn a_suspended_member_can_neither_bid_nor_offer() {
	new_test_ext().execute_with(|| {
		open_first_auctions();
		assert_ok!(Participants::suspend(RuntimeOrigin::root(), ALICE));
		assert_noop!(
			Market::place_offer(RuntimeOrigin::signed(ALICE), SLOT, ALICE_RES, 100, 40_000),
			Error::<Test>::NotProducer
		);
		assert_noop!(
			Market::place_bid(RuntimeOrigin::signed(ALICE), SLOT, meter_of(ALICE), 100, 40_000),
			Error::<Test>::NotConsumer
		);
	});
}

/// A bid is delivered at the buyer's own, active consumption meter: a member cannot bid at a
/// neighbour's meter (to move its demand to another place on the grid), at its production
/// meter, or at a meter that is gone.
#[test]
fn a_bid_names_its_buyers_own_active_consumption_meter_or_changes_nothing() {
	new_test_ext().execute_with(|| {
		open_first_auctions();
		let bid =
			|who, meter| Market::place_bid(RuntimeOrigin::signed(who), SLOT, meter, 100, 50_000);
		assert_noop!(bid(CHARLIE, UNKNOWN_METER), Error::<Test>::UnknownMeter);
		assert_noop!(bid(CHARLIE, meter_of(DAVE)), Error::<Test>::NotMeterOwner);
		// ALICE's meter 0 measures her RES.
		assert_noop!(bid(ALICE, 0), Error::<Test>::NotConsumptionMeter);
		revoke_meter(meter_of(DAVE));
		assert_noop!(bid(DAVE, meter_of(DAVE)), Error::<Test>::UnknownMeter);

		assert_ok!(bid(ALICE, meter_of(ALICE)));
		let order = Orders::<Test>::get(SLOT, 0).expect("bid stored");
		assert_eq!(order.side, Side::Bid { meter: meter_of(ALICE) });
		assert!(market_events().contains(&Event::BidPlaced {
			slot: SLOT,
			id: 0,
			who: ALICE,
			meter: meter_of(ALICE),
			wh: 100,
			price: 50_000,
			held: 5_000,
		}));
		assert_invariants();
	});
}
