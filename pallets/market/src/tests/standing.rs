//! Standing orders: registered once, placed by the chain in every auction as it opens, from
//! the slot's forecast, with the holds and checks of a manual order.

use super::*;
use crate::{
	Error, Event, HoldReason, Orders, Side, StandingOrder, StandingOrderSkip, StandingOrders,
	StandingOrdersOf, StandingQuantity,
};
use energy_clearing::money::cost_ceil;
use energy_primitives::EnergyForecast;
use frame_support::{assert_noop, assert_ok, traits::fungible::InspectHold};

const NEXT: MarketSlot = FIRST_SLOT + 1;
const AFTER: MarketSlot = FIRST_SLOT + 2;
const CHARLIE_METER: u32 = 2;
const ALICE_METER: u32 = 0;

fn standing(
	who: u64,
	side: Side,
	price: u128,
	quantity: StandingQuantity,
	cap_wh: u64,
) -> frame_support::dispatch::DispatchResult {
	Market::set_standing_order(RuntimeOrigin::signed(who), side, price, quantity, cap_wh)
}

fn forecast(import_wh: u64, export_wh: u64) -> EnergyForecast {
	EnergyForecast { import_wh, export_wh }
}

#[test]
fn standing_orders_are_placed_from_forecasts_as_auctions_open_and_clear() {
	new_test_ext().execute_with(|| {
		// CHARLIE bids for his consumption forecast (capped at 800 Wh) at up to 90,000;
		// ALICE offers her PV forecast at no less than 40,000; BOB offers a fixed 300 Wh.
		let by_forecast = |meter| StandingQuantity::Forecast { meter };
		assert_ok!(standing(CHARLIE, bid_at(CHARLIE), 90_000, by_forecast(CHARLIE_METER), 800));
		assert_ok!(standing(
			ALICE,
			Side::Offer { res: ALICE_RES },
			40_000,
			by_forecast(ALICE_METER),
			10_000
		));
		assert_ok!(standing(
			BOB,
			Side::Offer { res: BOB_RES },
			50_000,
			StandingQuantity::Fixed { wh: 300 },
			1_000
		));
		set_forecast(CHARLIE_METER, NEXT, forecast(1_000, 0));
		set_forecast(ALICE_METER, NEXT, forecast(0, 600));
		// For the slot after, only ALICE's meter has a forecast, and it is zero.
		set_forecast(ALICE_METER, AFTER, forecast(0, 0));

		open_first_auctions();
		let events = market_events();
		assert!(events.contains(&Event::StandingOrderPlaced { id: 0, slot: NEXT, wh: 800 }));
		assert!(events.contains(&Event::StandingOrderPlaced { id: 1, slot: NEXT, wh: 600 }));
		assert!(events.contains(&Event::StandingOrderPlaced { id: 2, slot: NEXT, wh: 300 }));
		assert!(events.contains(&Event::StandingOrderSkipped {
			id: 0,
			slot: AFTER,
			reason: StandingOrderSkip::NoForecast
		}));
		assert!(events.contains(&Event::StandingOrderSkipped {
			id: 1,
			slot: AFTER,
			reason: StandingOrderSkip::NothingToTrade
		}));
		assert!(events.contains(&Event::StandingOrderPlaced { id: 2, slot: AFTER, wh: 300 }));
		// The bid holds its maximum cost like a manual bid.
		assert!(events.iter().any(|event| matches!(
			event,
			Event::BidPlaced { slot: NEXT, who: CHARLIE, wh: 800, price: 90_000, held, .. }
				if *held == cost_ceil(90_000, 800)
		)));
		assert_eq!(
			Balances::balance_on_hold(&HoldReason::BidMaxCost.into(), &CHARLIE),
			cost_ceil(90_000, 800)
		);
		assert_eq!(Orders::<Test>::iter_prefix(NEXT).count(), 3);
		assert_invariants();

		run_to_ms(gate_of(NEXT));
		assert_eq!(status_of(NEXT), Some(AuctionStatus::Cleared));
		assert!(market_events()
			.iter()
			.any(|event| matches!(event, Event::Cleared { slot: NEXT, volume_wh: 800, .. })));
		assert_invariants();
	});
}

#[test]
fn a_standing_order_refused_at_placement_leaves_the_book_and_holds_untouched() {
	new_test_ext().execute_with(|| {
		// A bid above the retail price (95,000) is refused when placed, as a manual one is.
		assert_ok!(standing(DAVE, bid_at(DAVE), 96_000, StandingQuantity::Fixed { wh: 500 }, 500));
		open_first_auctions();
		assert!(market_events().contains(&Event::StandingOrderSkipped {
			id: 0,
			slot: NEXT,
			reason: StandingOrderSkip::Refused(Error::<Test>::PriceAboveRetail.into()),
		}));
		assert_eq!(Orders::<Test>::iter_prefix(NEXT).count(), 0);
		assert_eq!(Balances::balance_on_hold(&HoldReason::BidMaxCost.into(), &DAVE), 0);
		assert_invariants();
	});
}

#[test]
fn a_cancelled_standing_order_is_not_placed_again() {
	new_test_ext().execute_with(|| {
		assert_ok!(standing(DAVE, bid_at(DAVE), 80_000, StandingQuantity::Fixed { wh: 500 }, 500));
		assert_noop!(
			Market::cancel_standing_order(RuntimeOrigin::signed(CHARLIE), 0),
			Error::<Test>::NotStandingOrderOwner
		);
		assert_noop!(
			Market::cancel_standing_order(RuntimeOrigin::signed(DAVE), 1),
			Error::<Test>::UnknownStandingOrder
		);
		assert_ok!(Market::cancel_standing_order(RuntimeOrigin::signed(DAVE), 0));
		assert_eq!(StandingOrders::<Test>::count(), 0);
		assert_eq!(StandingOrdersOf::<Test>::get(DAVE), 0);
		open_first_auctions();
		assert_eq!(Orders::<Test>::iter_prefix(NEXT).count(), 0);
	});
}

#[test]
fn invalid_templates_are_refused_and_change_nothing() {
	new_test_ext().execute_with(|| {
		let fixed = |wh| StandingQuantity::Fixed { wh };
		let by_forecast = |meter| StandingQuantity::Forecast { meter };
		assert_noop!(
			standing(DAVE, bid_at(DAVE), 80_000, fixed(500), 0),
			Error::<Test>::ZeroEnergy
		);
		assert_noop!(
			standing(DAVE, bid_at(DAVE), 80_000, fixed(0), 500),
			Error::<Test>::ZeroEnergy
		);
		assert_noop!(standing(DAVE, bid_at(DAVE), 0, fixed(500), 500), Error::<Test>::ZeroPrice);
		assert_noop!(
			standing(DAVE, bid_at(DAVE), 80_000, by_forecast(99), 500),
			Error::<Test>::UnknownMeter
		);
		assert_noop!(
			standing(DAVE, bid_at(DAVE), 80_000, by_forecast(CHARLIE_METER), 500),
			Error::<Test>::NotMeterOwner
		);
		assert_noop!(
			standing(ALICE, Side::Offer { res: BOB_RES }, 40_000, by_forecast(ALICE_METER), 500),
			Error::<Test>::MeterNotOfRes
		);
		assert_noop!(
			standing(ALICE, Side::Offer { res: BOB_RES }, 40_000, fixed(500), 500),
			Error::<Test>::NotResOwner
		);
		assert_noop!(
			standing(ALICE, Side::Offer { res: 9 }, 40_000, fixed(500), 500),
			Error::<Test>::UnknownRes
		);
		// Two per member, six in all.
		for who in [ALICE, BOB, CHARLIE] {
			let side = match who {
				ALICE => Side::Offer { res: ALICE_RES },
				BOB => Side::Offer { res: BOB_RES },
				_ => bid_at(who),
			};
			assert_ok!(standing(who, side, 50_000, fixed(100), 100));
			assert_ok!(standing(who, side, 50_000, fixed(100), 100));
		}
		assert_noop!(
			standing(CHARLIE, bid_at(CHARLIE), 50_000, fixed(100), 100),
			Error::<Test>::TooManyStandingOrders
		);
		assert_noop!(
			standing(DAVE, bid_at(DAVE), 50_000, fixed(100), 100),
			Error::<Test>::StandingOrdersFull
		);
		assert_eq!(
			StandingOrders::<Test>::get(5),
			Some(StandingOrder {
				owner: CHARLIE,
				side: bid_at(CHARLIE),
				price: 50_000,
				quantity: fixed(100),
				cap_wh: 100,
				deposit: STANDING_DEPOSIT,
			})
		);
	});
}

fn standing_hold(who: u64) -> u128 {
	Balances::balance_on_hold(&HoldReason::StandingOrderDeposit.into(), &who)
}

/// The attack of the issue: throwaway accounts fill the global `MaxStandingOrders` with
/// fixed-quantity bids. An outsider, and a member without the side's role, are refused.
#[test]
fn only_members_with_the_sides_role_may_set_standing_orders() {
	new_test_ext().execute_with(|| {
		let fixed = StandingQuantity::Fixed { wh: 500 };
		assert_noop!(
			standing(STRANGER, bid_at(STRANGER), 80_000, fixed, 500),
			Error::<Test>::NotConsumer
		);
		// The DSO is a participant but no consumer; Bob produces but does not consume.
		assert_noop!(standing(DSO, bid_at(DSO), 80_000, fixed, 500), Error::<Test>::NotConsumer);
		assert_noop!(standing(BOB, bid_at(BOB), 80_000, fixed, 500), Error::<Test>::NotConsumer);
		assert_noop!(
			standing(CHARLIE, Side::Offer { res: ALICE_RES }, 40_000, fixed, 500),
			Error::<Test>::NotProducer
		);
		// A suspended consumer may not set one either.
		assert_ok!(Participants::suspend(RuntimeOrigin::root(), DAVE));
		assert_noop!(standing(DAVE, bid_at(DAVE), 80_000, fixed, 500), Error::<Test>::NotConsumer);
	});
}

#[test]
fn a_standing_order_holds_its_deposit_until_cancelled() {
	new_test_ext().execute_with(|| {
		let fixed = StandingQuantity::Fixed { wh: 500 };
		assert_ok!(standing(DAVE, bid_at(DAVE), 80_000, fixed, 500));
		assert_eq!(standing_hold(DAVE), STANDING_DEPOSIT);
		assert_eq!(free(DAVE), START - STANDING_DEPOSIT);
		assert_invariants();
		assert_ok!(Market::cancel_standing_order(RuntimeOrigin::signed(DAVE), 0));
		assert_eq!(standing_hold(DAVE), 0);
		assert_eq!(free(DAVE), START);
		assert_invariants();
	});
}

#[test]
fn a_member_that_cannot_pay_the_deposit_sets_nothing() {
	new_test_ext().execute_with(|| {
		// Dave keeps less than the deposit free.
		assert_ok!(Balances::transfer_allow_death(
			RuntimeOrigin::signed(DAVE),
			STRANGER,
			START - STANDING_DEPOSIT / 2
		));
		assert_noop!(
			standing(DAVE, bid_at(DAVE), 80_000, StandingQuantity::Fixed { wh: 500 }, 500),
			Error::<Test>::InsufficientFunds
		);
	});
}

#[test]
fn a_suspended_members_standing_orders_place_nothing_until_reactivated() {
	new_test_ext().execute_with(|| {
		assert_ok!(standing(DAVE, bid_at(DAVE), 80_000, StandingQuantity::Fixed { wh: 500 }, 500));
		assert_ok!(Participants::suspend(RuntimeOrigin::root(), DAVE));
		open_first_auctions();
		for slot in [NEXT, AFTER] {
			assert!(market_events().contains(&Event::StandingOrderSkipped {
				id: 0,
				slot,
				reason: StandingOrderSkip::OwnerNotActive,
			}));
			assert_eq!(Orders::<Test>::iter_prefix(slot).count(), 0);
		}
		// Kept, with its deposit, while suspended; placed again once reactivated.
		assert!(StandingOrders::<Test>::contains_key(0));
		assert_eq!(standing_hold(DAVE), STANDING_DEPOSIT);
		assert_ok!(Participants::reactivate(RuntimeOrigin::root(), DAVE));
		run_to_ms((FIRST_SLOT + 1) as u64 * SLOT_MS + 1);
		assert!(market_events().contains(&Event::StandingOrderPlaced {
			id: 0,
			slot: FIRST_SLOT + 3,
			wh: 500
		}));
		assert_invariants();
	});
}

#[test]
fn a_departed_members_standing_orders_are_dropped_with_their_deposit() {
	new_test_ext().execute_with(|| {
		assert_ok!(standing(DAVE, bid_at(DAVE), 80_000, StandingQuantity::Fixed { wh: 500 }, 500));
		assert_ok!(Participants::leave(RuntimeOrigin::signed(DAVE)));
		open_first_auctions();
		assert!(market_events().contains(&Event::StandingOrderDropped { id: 0, who: DAVE }));
		assert!(!StandingOrders::<Test>::contains_key(0));
		assert_eq!(StandingOrdersOf::<Test>::get(DAVE), 0);
		assert_eq!(standing_hold(DAVE), 0);
		assert_eq!(free(DAVE), START);
		assert_eq!(Orders::<Test>::iter_prefix(NEXT).count(), 0);
		assert_invariants();
	});
}

/// A standing bid names the owner's own consumption meter, and sizes itself by that meter's
/// forecast only: no template moves a member's demand to another place on the grid.
#[test]
fn a_standing_bid_names_its_owners_consumption_meter_or_changes_nothing() {
	new_test_ext().execute_with(|| {
		let fixed = StandingQuantity::Fixed { wh: 500 };
		let sited = |meter| Side::Bid { meter };
		assert_noop!(
			standing(DAVE, Side::UnsitedBid, 80_000, fixed, 500),
			Error::<Test>::BidWithoutMeter
		);
		assert_noop!(
			standing(DAVE, sited(UNKNOWN_METER), 80_000, fixed, 500),
			Error::<Test>::UnknownMeter
		);
		assert_noop!(
			standing(DAVE, sited(CHARLIE_METER), 80_000, fixed, 500),
			Error::<Test>::NotMeterOwner
		);
		assert_noop!(
			standing(ALICE, sited(ALICE_METER), 80_000, fixed, 500),
			Error::<Test>::NotConsumptionMeter
		);
		// ALICE bids at her consumption meter but sized by her PV meter's forecast.
		assert_noop!(
			standing(
				ALICE,
				bid_at(ALICE),
				80_000,
				StandingQuantity::Forecast { meter: ALICE_METER },
				500
			),
			Error::<Test>::ForecastOfAnotherMeter
		);
		assert_eq!(StandingOrders::<Test>::count(), 0);
		assert_eq!(standing_hold(DAVE) + standing_hold(ALICE), 0);
	});
}

/// A sited template whose meter is revoked is skipped with the refusal, placing and holding
/// nothing; a template without a meter (none survives the v5 migration) places nothing either.
#[test]
fn a_revoked_meters_template_and_an_unsited_one_place_nothing() {
	new_test_ext().execute_with(|| {
		let fixed = StandingQuantity::Fixed { wh: 500 };
		assert_ok!(standing(DAVE, bid_at(DAVE), 80_000, fixed, 500));
		revoke_meter(meter_of(DAVE));
		let unsited = StandingOrder {
			owner: CHARLIE,
			side: Side::UnsitedBid,
			price: 80_000,
			quantity: fixed,
			cap_wh: 500,
			deposit: 0,
		};
		StandingOrders::<Test>::insert(1, unsited);
		StandingOrdersOf::<Test>::insert(CHARLIE, 1);
		crate::NextStandingOrderId::<Test>::put(2);

		open_first_auctions();
		let events = market_events();
		for (id, error) in [(0, Error::<Test>::UnknownMeter), (1, Error::<Test>::BidWithoutMeter)] {
			assert!(events.contains(&Event::StandingOrderSkipped {
				id,
				slot: NEXT,
				reason: StandingOrderSkip::Refused(error.into()),
			}));
		}
		assert_eq!(Orders::<Test>::iter_prefix(NEXT).count(), 0);
		assert_eq!(Balances::balance_on_hold(&HoldReason::BidMaxCost.into(), &DAVE), 0);
		assert_eq!(Balances::balance_on_hold(&HoldReason::BidMaxCost.into(), &CHARLIE), 0);
		assert_invariants();
	});
}
