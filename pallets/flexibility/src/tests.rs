//! The flexibility market's life cycle and every refusal, each with unchanged storage.

use crate::{
	mock::*, Baselines, Commitments, Error, Event, HoldReason, MeterCommitments, RequestId,
	Requests, SlotMetering, WatchedMeters,
};
use energy_primitives::{ImportObserver, MarketSlot, MeterId, Wh};
use frame_support::{
	assert_noop, assert_ok,
	traits::fungible::{Inspect, InspectHold},
	BoundedVec,
};
use sp_runtime::DispatchError;

/// 100 per Wh.
const PRICE: u128 = 100;

fn meters(ids: &[MeterId]) -> BoundedVec<MeterId, frame_support::traits::ConstU32<4>> {
	BoundedVec::truncate_from(ids.to_vec())
}

/// The DSO asks Alice's and Bob's meters for 1,000 Wh less in slots `first` and `first + 1`.
fn post(first: MarketSlot) -> RequestId {
	let id = crate::NextRequestId::<Test>::get();
	assert_ok!(Flexibility::post_request(
		RuntimeOrigin::signed(DSO),
		first,
		2,
		meters(&[ALICE_METER, BOB_METER]),
		1_000,
		PRICE
	));
	id
}

fn accept(who: u64, id: RequestId, meter: MeterId, wh: Wh) {
	assert_ok!(Flexibility::accept(RuntimeOrigin::signed(who), id, meter, wh));
}

/// `who`'s acceptance is refused with `error`, and no storage changed.
fn refused_accept(who: u64, id: RequestId, meter: MeterId, wh: Wh, error: Error<Test>) {
	assert_noop!(Flexibility::accept(RuntimeOrigin::signed(who), id, meter, wh), error);
}

/// What `who` holds for `reason`.
fn on_hold(reason: HoldReason, who: u64) -> u128 {
	Balances::balance_on_hold(&reason.into(), &who)
}

fn free(who: u64) -> u128 {
	Balances::balance(&who)
}

/// Checks the invariants after a test.
fn invariants_hold() {
	assert_ok!(Flexibility::do_try_state());
}

#[test]
fn a_request_is_posted_accepted_metered_and_settled_against_the_baseline() {
	new_test_ext().execute_with(|| {
		let id = post(1_001);
		System::assert_last_event(
			Event::RequestPosted {
				id,
				dso: DSO,
				first_slot: 1_001,
				slots: 2,
				reduction_wh: 1_000,
				price_per_wh: PRICE,
				held: 200_000,
				meters: 2,
			}
			.into(),
		);
		assert_eq!(on_hold(HoldReason::RequestFunds, DSO), 200_000);
		assert_eq!(
			Baselines::<Test>::get(id, ALICE_METER).unwrap().into_inner(),
			vec![2_000, 2_000]
		);

		accept(ALICE, id, ALICE_METER, 600);
		accept(BOB, id, BOB_METER, 400);
		// Bonds: half of each commitment's value.
		assert_eq!(on_hold(HoldReason::CommitmentBond, ALICE), 60_000);
		assert_eq!(on_hold(HoldReason::CommitmentBond, BOB), 40_000);
		assert_eq!(Flexibility::watched(), vec![ALICE_METER, BOB_METER]);
		invariants_hold();

		// Delivery. Alice imports 1,200 then 1,700 Wh (reductions 800 and 300 of her 600);
		// Bob's first reading of the request is lost, his next covers both slots: nothing
		// measured either of them, so they are neither paid nor charged.
		CurrentSlot::set(1_002);
		Flexibility::on_import(ALICE_METER, 1_001, 1_001, 1_200);
		assert_noop!(
			Flexibility::settle(RuntimeOrigin::signed(STRANGER), id),
			Error::<Test>::NotSettleable
		);
		CurrentSlot::set(1_003);
		Flexibility::on_import(ALICE_METER, 1_002, 1_002, 1_700);
		// Bob's slots are still pending, within the readings' window.
		assert_noop!(
			Flexibility::settle(RuntimeOrigin::signed(STRANGER), id),
			Error::<Test>::NotSettleable
		);
		Flexibility::on_import(BOB_METER, 1_001, 1_002, 3_000);
		System::assert_last_event(
			Event::SlotMetered {
				id,
				meter: BOB_METER,
				slot: 1_002,
				metering: SlotMetering::Unmeasurable,
			}
			.into(),
		);

		// Anyone may settle once every committed slot is metered.
		assert_ok!(Flexibility::settle(RuntimeOrigin::signed(STRANGER), id));
		System::assert_has_event(
			Event::CommitmentSettled {
				id,
				meter: ALICE_METER,
				member: ALICE,
				committed_wh: 1_200,
				delivered_wh: 900,
				paid: 90_000,
				penalty: 15_000,
			}
			.into(),
		);
		System::assert_has_event(
			Event::CommitmentSettled {
				id,
				meter: BOB_METER,
				member: BOB,
				committed_wh: 800,
				delivered_wh: 0,
				paid: 0,
				penalty: 0,
			}
			.into(),
		);
		System::assert_last_event(
			Event::RequestSettled { id, paid: 90_000, penalties: 15_000, released: 110_000 }.into(),
		);
		assert_eq!(free(DSO), START - 90_000 + 15_000);
		assert_eq!(free(ALICE), START + 90_000 - 15_000);
		assert_eq!(free(BOB), START);
		for who in [DSO, ALICE, BOB] {
			assert_eq!(on_hold(HoldReason::RequestFunds, who), 0);
			assert_eq!(on_hold(HoldReason::CommitmentBond, who), 0);
		}
		assert!(Requests::<Test>::get(id).is_none());
		assert_eq!(Baselines::<Test>::iter().count(), 0);
		assert_eq!(Commitments::<Test>::iter().count(), 0);
		assert_eq!(MeterCommitments::<Test>::iter().count(), 0);
		assert!(WatchedMeters::<Test>::get().is_empty());
		invariants_hold();
	});
}

#[test]
fn the_baseline_is_the_forecast_before_the_request_whatever_happens_to_the_forecasts_later() {
	new_test_ext().execute_with(|| {
		let id = post(1_001);
		accept(ALICE, id, ALICE_METER, 1_000);
		// Later forecasts (or their pruning) change nothing: the baseline was copied.
		set_import_forecast(ALICE_METER, 1_001, 9_000);
		Forecasts::set(Default::default());
		CurrentSlot::set(1_003);
		Flexibility::on_import(ALICE_METER, 1_001, 1_001, 500);
		Flexibility::on_import(ALICE_METER, 1_002, 1_002, 1_500);
		assert_ok!(Flexibility::settle(RuntimeOrigin::signed(ALICE), id));
		// Reductions 1,500 (capped at the 1,000 committed) and 500.
		System::assert_has_event(
			Event::CommitmentSettled {
				id,
				meter: ALICE_METER,
				member: ALICE,
				committed_wh: 2_000,
				delivered_wh: 1_500,
				paid: 150_000,
				penalty: 25_000,
			}
			.into(),
		);
		invariants_hold();
	});
}

#[test]
fn unmetered_slots_settle_once_no_reading_can_come_neither_paid_nor_charged() {
	new_test_ext().execute_with(|| {
		let id = post(1_001);
		accept(ALICE, id, ALICE_METER, 500);
		accept(BOB, id, BOB_METER, 500);
		// Bob delivers nothing in his first slot (imports his baseline); Alice's readings
		// never come (her meter was revoked, or her gateway withheld them).
		CurrentSlot::set(1_002);
		Flexibility::on_import(BOB_METER, 1_001, 1_001, 2_000);
		// The last slot is 1,002; its readings are accepted up to slot 1,005.
		CurrentSlot::set(1_002 + READING_WINDOW_SLOTS);
		assert_noop!(
			Flexibility::settle(RuntimeOrigin::signed(DSO), id),
			Error::<Test>::NotSettleable
		);
		CurrentSlot::set(1_003 + READING_WINDOW_SLOTS);
		assert_ok!(Flexibility::settle(RuntimeOrigin::signed(DSO), id));
		System::assert_has_event(
			Event::CommitmentSettled {
				id,
				meter: ALICE_METER,
				member: ALICE,
				committed_wh: 1_000,
				delivered_wh: 0,
				paid: 0,
				penalty: 0,
			}
			.into(),
		);
		// Bob's metered slot: 500 Wh short, half the price each.
		System::assert_has_event(
			Event::CommitmentSettled {
				id,
				meter: BOB_METER,
				member: BOB,
				committed_wh: 1_000,
				delivered_wh: 0,
				paid: 0,
				penalty: 25_000,
			}
			.into(),
		);
		assert_eq!(free(DSO), START + 25_000);
		assert_eq!(free(ALICE), START);
		assert_eq!(free(BOB), START - 25_000);
		invariants_hold();
	});
}

#[test]
fn a_request_nobody_accepted_settles_after_its_last_slot_releasing_everything() {
	new_test_ext().execute_with(|| {
		let id = post(1_001);
		CurrentSlot::set(1_002);
		assert_noop!(
			Flexibility::settle(RuntimeOrigin::signed(DSO), id),
			Error::<Test>::NotSettleable
		);
		CurrentSlot::set(1_003);
		assert_ok!(Flexibility::settle(RuntimeOrigin::signed(DSO), id));
		System::assert_last_event(
			Event::RequestSettled { id, paid: 0, penalties: 0, released: 200_000 }.into(),
		);
		assert_eq!(free(DSO), START);
		assert_noop!(
			Flexibility::settle(RuntimeOrigin::signed(DSO), id),
			Error::<Test>::UnknownRequest
		);
		assert_noop!(Flexibility::settle(RuntimeOrigin::none(), id), DispatchError::BadOrigin);
		invariants_hold();
	});
}

#[test]
fn posting_is_refused_with_a_named_error_and_nothing_changes() {
	new_test_ext().execute_with(|| {
		let try_post = |who, first, slots, ids: &[MeterId], wh, price| {
			Flexibility::post_request(
				RuntimeOrigin::signed(who),
				first,
				slots,
				meters(ids),
				wh,
				price,
			)
		};
		let both = [ALICE_METER, BOB_METER];
		assert_noop!(try_post(ALICE, 1_001, 1, &both, 1_000, PRICE), Error::<Test>::NotDso);
		assert_noop!(try_post(STRANGER, 1_001, 1, &both, 1_000, PRICE), Error::<Test>::NotDso);
		assert_noop!(try_post(DSO, 1_001, 0, &both, 1_000, PRICE), Error::<Test>::BadSlotCount);
		assert_noop!(try_post(DSO, 1_001, 4, &both, 1_000, PRICE), Error::<Test>::BadSlotCount);
		assert_noop!(try_post(DSO, u32::MAX, 2, &both, 1_000, PRICE), Error::<Test>::BadSlotCount);
		assert_noop!(try_post(DSO, 1_001, 1, &[], 1_000, PRICE), Error::<Test>::NoMeters);
		assert_noop!(
			try_post(DSO, 1_001, 1, &[BOB_METER, ALICE_METER], 1_000, PRICE),
			Error::<Test>::MetersNotAscending
		);
		assert_noop!(
			try_post(DSO, 1_001, 1, &[ALICE_METER, ALICE_METER], 1_000, PRICE),
			Error::<Test>::MetersNotAscending
		);
		assert_noop!(try_post(DSO, 1_001, 1, &both, 0, PRICE), Error::<Test>::ZeroReduction);
		assert_noop!(try_post(DSO, 1_001, 1, &both, 1_000, 0), Error::<Test>::ZeroPrice);
		// The current slot has begun: a baseline could no longer be fixed before it.
		assert_noop!(try_post(DSO, 1_000, 1, &both, 1_000, PRICE), Error::<Test>::SlotNotInFuture);
		assert_noop!(try_post(DSO, 999, 1, &both, 1_000, PRICE), Error::<Test>::SlotNotInFuture);
		assert_noop!(
			try_post(DSO, 1_001, 1, &[ALICE_METER, UNKNOWN_METER], 1_000, PRICE),
			Error::<Test>::UnknownMeter
		);
		// Forecasts reach slot 1,005: a request into 1,006 has no baseline there.
		assert_noop!(try_post(DSO, 1_004, 3, &both, 1_000, PRICE), Error::<Test>::NoPriorForecast);
		assert_noop!(
			try_post(DSO, 1_001, 1, &both, u64::MAX, u128::MAX / 2),
			Error::<Test>::AmountOverflow
		);
		assert_noop!(
			try_post(POOR_DSO, 1_001, 1, &both, 1_000, PRICE),
			Error::<Test>::InsufficientFunds
		);
		assert_noop!(
			Flexibility::post_request(RuntimeOrigin::none(), 1_001, 1, meters(&both), 1_000, PRICE),
			DispatchError::BadOrigin
		);
		crate::NextRequestId::<Test>::put(u32::MAX);
		assert_noop!(try_post(DSO, 1_001, 1, &both, 1_000, PRICE), Error::<Test>::NoRequestIdLeft);
		crate::NextRequestId::<Test>::put(0);
		for _ in 0..MaxOpen::get() {
			assert_ok!(try_post(DSO, 1_001, 1, &both, 1, 1));
		}
		assert_noop!(try_post(DSO, 1_001, 1, &both, 1, 1), Error::<Test>::TooManyOpenRequests);
		invariants_hold();
	});
}

#[test]
fn only_the_dso_cancels_and_only_without_commitments() {
	new_test_ext().execute_with(|| {
		let id = post(1_001);
		assert_noop!(
			Flexibility::cancel_request(RuntimeOrigin::signed(ALICE), id),
			Error::<Test>::NotRequestDso
		);
		assert_noop!(
			Flexibility::cancel_request(RuntimeOrigin::signed(DSO), id + 1),
			Error::<Test>::UnknownRequest
		);
		accept(ALICE, id, ALICE_METER, 100);
		assert_noop!(
			Flexibility::cancel_request(RuntimeOrigin::signed(DSO), id),
			Error::<Test>::HasCommitments
		);

		let other = post(1_003);
		assert_ok!(Flexibility::cancel_request(RuntimeOrigin::signed(DSO), other));
		System::assert_last_event(Event::RequestCancelled { id: other, released: 200_000 }.into());
		assert!(Requests::<Test>::get(other).is_none());
		assert_eq!(Baselines::<Test>::iter_prefix(other).count(), 0);
		assert_eq!(on_hold(HoldReason::RequestFunds, DSO), 200_000);
		invariants_hold();
	});
}

#[test]
fn accepting_is_refused_with_a_named_error_and_nothing_changes() {
	new_test_ext().execute_with(|| {
		let id = post(1_001);
		let try_accept =
			|who, id, meter, wh| Flexibility::accept(RuntimeOrigin::signed(who), id, meter, wh);
		assert_noop!(try_accept(ALICE, id + 7, ALICE_METER, 100), Error::<Test>::UnknownRequest);
		assert_noop!(try_accept(CHARLIE, id, CHARLIE_METER, 100), Error::<Test>::MeterNotInRequest);
		// Bob commits Alice's meter: her reduction would be paid to him.
		assert_noop!(try_accept(BOB, id, ALICE_METER, 100), Error::<Test>::NotMeterOwner);
		assert_noop!(try_accept(STRANGER, id, ALICE_METER, 100), Error::<Test>::NotMeterOwner);
		assert_noop!(try_accept(ALICE, id, ALICE_METER, 0), Error::<Test>::ZeroReduction);
		// Import cannot fall below zero: at most the baseline (2,000) in every slot.
		assert_noop!(try_accept(ALICE, id, ALICE_METER, 2_001), Error::<Test>::AboveBaseline);
		assert_noop!(try_accept(ALICE, id, ALICE_METER, 1_001), Error::<Test>::Overcommitted);
		assert_noop!(
			Flexibility::accept(RuntimeOrigin::none(), id, ALICE_METER, 100),
			DispatchError::BadOrigin
		);
		accept(ALICE, id, ALICE_METER, 700);
		assert_noop!(try_accept(ALICE, id, ALICE_METER, 100), Error::<Test>::AlreadyAccepted);
		assert_noop!(try_accept(BOB, id, BOB_METER, 301), Error::<Test>::Overcommitted);
		assert_noop!(try_accept(BOB, id, BOB_METER, u64::MAX), Error::<Test>::AboveBaseline);
		invariants_hold();
	});
}

#[test]
fn a_suspended_member_a_revoked_meter_and_an_unfunded_bond_are_refused() {
	new_test_ext().execute_with(|| {
		let id = crate::NextRequestId::<Test>::get();
		assert_ok!(Flexibility::post_request(
			RuntimeOrigin::signed(DSO),
			1_001,
			1,
			meters(&[ALICE_METER, BOB_METER, CHARLIE_METER]),
			1_000,
			PRICE
		));
		assert_ok!(Participants::suspend(RuntimeOrigin::root(), CHARLIE));
		refused_accept(CHARLIE, id, CHARLIE_METER, 100, Error::<Test>::NotActiveMember);
		Meters::mutate(|m| m.remove(&BOB_METER));
		refused_accept(BOB, id, BOB_METER, 100, Error::<Test>::UnknownMeter);
		assert_ok!(Balances::force_set_balance(RuntimeOrigin::root(), ALICE, 1_000));
		refused_accept(ALICE, id, ALICE_METER, 100, Error::<Test>::BondUnaffordable);
		invariants_hold();
	});
}

#[test]
fn acceptance_closes_when_the_first_slot_begins() {
	new_test_ext().execute_with(|| {
		let id = post(1_001);
		CurrentSlot::set(1_001);
		refused_accept(ALICE, id, ALICE_METER, 100, Error::<Test>::AcceptanceClosed);
		invariants_hold();
	});
}

#[test]
fn one_reduction_is_committed_once_the_watched_set_and_each_meters_commitments_are_bounded() {
	new_test_ext().execute_with(|| {
		let first = post(1_001);
		// Slot 1,002 belongs to both: a second commitment would be paid twice for it.
		let overlapping = post(1_002);
		accept(ALICE, first, ALICE_METER, 100);
		refused_accept(ALICE, overlapping, ALICE_METER, 100, Error::<Test>::SlotCommittedElsewhere);
		// At most two commitments per meter (disjoint slots).
		let third = post(1_003);
		let fourth = crate::NextRequestId::<Test>::get();
		assert_ok!(Flexibility::post_request(
			RuntimeOrigin::signed(DSO),
			1_005,
			1,
			meters(&[ALICE_METER, BOB_METER]),
			1_000,
			PRICE
		));
		accept(ALICE, third, ALICE_METER, 100);
		refused_accept(ALICE, fourth, ALICE_METER, 100, Error::<Test>::TooManyCommitments);
		// At most one watched meter: Alice's second commitment adds none, Bob's would.
		MaxWatched::set(1);
		refused_accept(BOB, first, BOB_METER, 100, Error::<Test>::TooManyWatchedMeters);
		invariants_hold();
	});
}

#[test]
fn readings_outside_committed_slots_change_nothing() {
	new_test_ext().execute_with(|| {
		let id = post(1_002);
		accept(ALICE, id, ALICE_METER, 100);
		let before = sp_io::storage::root(sp_runtime::StateVersion::V1);
		Flexibility::on_import(ALICE_METER, 1_001, 1_001, 5);
		Flexibility::on_import(ALICE_METER, 1_004, 1_004, 5);
		// Bob's meter is named but not committed.
		Flexibility::on_import(BOB_METER, 1_002, 1_002, 5);
		assert_eq!(sp_io::storage::root(sp_runtime::StateVersion::V1), before);
		// A reading covering the slot before and the first committed one: unmeasurable.
		Flexibility::on_import(ALICE_METER, 1_001, 1_002, 5);
		let metering = Commitments::<Test>::get(id, ALICE_METER).unwrap().metering.into_inner();
		assert_eq!(metering, vec![SlotMetering::Unmeasurable, SlotMetering::Pending]);
		invariants_hold();
	});
}
