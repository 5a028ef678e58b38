//! Governance and the utility: rule, schedule, tariffs, utility account.

use super::*;
use crate::{AuctionSchedule, ClearingRule, Error, Event, HourTariff, Rule, Schedule, Tariffs};
use frame_support::{assert_noop, assert_ok};
use sp_runtime::DispatchError;

fn peak_table() -> crate::TariffTable {
	let mut table = [HourTariff { retail: 80_000, feed_in: 30_000 }; 24];
	for hour in &mut table[13..23] {
		*hour = HourTariff { retail: 120_000, feed_in: 50_000 };
	}
	table
}

#[test]
fn only_governance_sets_the_rule_schedule_and_utility() {
	new_test_ext().execute_with(|| {
		let member = RuntimeOrigin::signed(ALICE);
		assert_noop!(
			Market::set_clearing_rule(member.clone(), ClearingRule::PayAsBid),
			DispatchError::BadOrigin
		);
		assert_noop!(Market::set_schedule(member.clone(), schedule()), DispatchError::BadOrigin);
		assert_noop!(Market::set_utility(member, ALICE), DispatchError::BadOrigin);
		assert_ok!(Market::set_clearing_rule(RuntimeOrigin::root(), ClearingRule::PayAsBid));
		assert_eq!(Rule::<Test>::get(), ClearingRule::PayAsBid);
		System::assert_last_event(Event::ClearingRuleSet { rule: ClearingRule::PayAsBid }.into());
	});
}

#[test]
fn schedules_that_cannot_work_are_refused() {
	new_test_ext().execute_with(|| {
		let set = |schedule| Market::set_schedule(RuntimeOrigin::root(), schedule);
		let good = schedule();
		// Gate closure before opening: 2 slots ahead is 120 s.
		assert_noop!(
			set(AuctionSchedule { gate_closure_ms: 120_000, ..good }),
			Error::<Test>::InvalidSchedule
		);
		assert_noop!(
			set(AuctionSchedule { open_slots_ahead: 0, ..good }),
			Error::<Test>::InvalidSchedule
		);
		assert_noop!(
			set(AuctionSchedule { open_slots_ahead: 25, ..good }),
			Error::<Test>::InvalidSchedule
		);
		assert_noop!(
			set(AuctionSchedule { settlement_delay_ms: 25 * SLOT_MS, ..good }),
			Error::<Test>::InvalidSchedule
		);
		let new =
			AuctionSchedule { open_slots_ahead: 3, gate_closure_ms: 5_000, settlement_delay_ms: 0 };
		assert_ok!(set(new));
		assert_eq!(Schedule::<Test>::get(), new);
	});
}

#[test]
fn the_utility_sets_a_time_of_use_table_that_new_auctions_follow() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			Market::set_tariffs(RuntimeOrigin::signed(ALICE), Box::new(peak_table())),
			Error::<Test>::NotUtility
		);
		let mut bad = peak_table();
		bad[3].feed_in = bad[3].retail + 1;
		assert_noop!(
			Market::set_tariffs(RuntimeOrigin::signed(UTILITY), Box::new(bad)),
			Error::<Test>::InvalidTariff
		);
		assert_ok!(Market::set_tariffs(RuntimeOrigin::signed(UTILITY), Box::new(peak_table())));
		assert_eq!(Tariffs::<Test>::get(), peak_table());
		open_first_auctions();
		// Slot 1,001 starts 16 h 41 min after the epoch: peak hours.
		assert_eq!(Market::hour_of_day(FIRST_SLOT + 1), 16);
		let auction = Auctions::<Test>::get(FIRST_SLOT + 1).expect("open");
		assert_eq!((auction.retail, auction.feed_in), (120_000, 50_000));
		// The cap follows the slot's tariff.
		assert_noop!(
			Market::place_bid(
				RuntimeOrigin::signed(CHARLIE),
				FIRST_SLOT + 1,
				meter_of(CHARLIE),
				100,
				120_001
			),
			Error::<Test>::PriceAboveRetail
		);
		assert_ok!(Market::place_bid(
			RuntimeOrigin::signed(CHARLIE),
			FIRST_SLOT + 1,
			meter_of(CHARLIE),
			100,
			120_000
		));
	});
}

#[test]
fn governance_may_name_a_new_utility() {
	new_test_ext().execute_with(|| {
		assert_ok!(Market::set_utility(RuntimeOrigin::root(), DSO));
		assert_ok!(Market::set_tariffs(RuntimeOrigin::signed(DSO), Box::new(peak_table())));
		assert_noop!(
			Market::set_tariffs(RuntimeOrigin::signed(UTILITY), Box::new(peak_table())),
			Error::<Test>::NotUtility
		);
		assert_ok!(Market::set_tariffs(RuntimeOrigin::root(), Box::new(peak_table())));
	});
}

/// A schedule that opens auctions further ahead than the forecaster reaches would leave every
/// forecast-sized standing order unplaced (`NoForecast`): governance cannot set one.
#[test]
fn a_schedule_must_open_within_the_forecasts_reach() {
	new_test_ext().execute_with(|| {
		ForecastHorizon::set(3);
		let opening = |open_slots_ahead| AuctionSchedule { open_slots_ahead, ..schedule() };
		assert_noop!(
			Market::set_schedule(RuntimeOrigin::root(), opening(3)),
			Error::<Test>::ForecastsDoNotReach
		);
		assert_ok!(Market::set_schedule(RuntimeOrigin::root(), opening(2)));
		ForecastHorizon::set(25);
	});
}
