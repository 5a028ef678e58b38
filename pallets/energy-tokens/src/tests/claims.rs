//! Hourly claims: certificates of slot H against the holder's consumption metered in H, never
//! beyond it, never twice; automatic for delivered certificates in either order of delivery
//! and reading.

use super::*;
use crate::{
	AwaitingClaim, Certificates, ClaimQueue, ClaimQueueBounds, Consumption, Error, Event,
	MeteredConsumption, TotalRetired, WeightInfo, MAX_AWAITING_CLAIM, MAX_CLAIM_QUEUE,
};
use energy_primitives::{ConsumptionRecorder, EnergyMinter};
use frame_support::{
	assert_noop, assert_ok,
	traits::{Get, Hooks},
	weights::{RuntimeDbWeight, Weight},
};
use CertificateStatus::*;

fn metered(who: u64, slot: u32) -> Option<(Wh, Wh)> {
	Consumption::<Test>::get(who, slot).map(|m| (m.consumed_wh, m.claimed_wh))
}

fn record(who: u64, slot: u32, wh: Wh) -> bool {
	<EnergyTokens as ConsumptionRecorder<u64>>::record(&who, slot, wh)
}

/// A block's idle time, with room for everything queued.
fn idle() {
	EnergyTokens::on_idle(1, Weight::MAX);
}

/// The buyer's reading came before settlement: delivery claims at once, up to the
/// consumption; the rest waits, active, for another meter's reading.
#[test]
fn delivery_claims_at_once_what_the_buyers_metered_consumption_allows() {
	new_test_ext().execute_with(|| {
		assert_ok!(EnergyTokens::mint(&1, 7, 100, 1_000, CAP));
		record(2, 100, 400);
		assert_ok!(deliver(1, 2, 100, 7, 600));
		System::assert_last_event(Event::Claimed { who: 2, slot: 100, res: 7, wh: 400 }.into());
		assert_eq!(pieces_of(2, 100, 7), [(0, 400, Claimed), (400, 600, Active)]);
		assert_eq!(metered(2, 100), Some((400, 400)));
		assert_eq!(AwaitingClaim::<Test>::get(2, 100).to_vec(), [7]);
		// A second meter of the member reports the slot: the rest is claimed in the next
		// block's idle time.
		record(2, 100, 1_000);
		assert_eq!(pieces_of(2, 100, 7), [(0, 400, Claimed), (400, 600, Active)]);
		idle();
		assert_eq!(pieces_of(2, 100, 7), [(0, 600, Claimed)]);
		assert_eq!(metered(2, 100), Some((1_400, 600)));
		assert!(AwaitingClaim::<Test>::get(2, 100).is_empty(), "nothing left waits");
		assert_eq!(Certificates::<Test>::get(100, 7).map(|c| c.claimed_wh), Some(600));
		assert_eq!(TotalRetired::<Test>::get(), 600);
		assert_ok!(EnergyTokens::do_try_state());
	});
}

/// The buyer's reading came after settlement: its arrival claims what was delivered.
#[test]
fn the_buyers_reading_claims_what_was_delivered_before_it() {
	new_test_ext().execute_with(|| {
		assert_ok!(EnergyTokens::mint(&1, 7, 100, 1_000, CAP));
		assert_ok!(EnergyTokens::mint(&3, 8, 100, 1_000, CAP));
		assert_ok!(deliver(1, 2, 100, 7, 300));
		assert_ok!(deliver(3, 2, 100, 8, 300));
		assert_eq!(AwaitingClaim::<Test>::get(2, 100).to_vec(), [7, 8]);
		assert!(record(2, 100, 500), "a claim queued: the reading is charged for it");
		assert_eq!(ClaimQueue::<Test>::get(0), Some((2, 100)), "queued, not yet claimed");
		assert_eq!(held(2, 100, 7), 300);
		idle();
		assert_eq!(ClaimQueueBounds::<Test>::get(), (1, 1));
		assert_eq!(pieces_of(2, 100, 7), [(0, 300, Claimed)]);
		assert_eq!(pieces_of(2, 100, 8), [(0, 200, Claimed), (200, 300, Active)]);
		assert_eq!(metered(2, 100), Some((500, 500)));
		assert_eq!(AwaitingClaim::<Test>::get(2, 100).to_vec(), [8]);
		assert_ok!(EnergyTokens::do_try_state());
	});
}

/// A consumption reading of another slot claims nothing of this one.
#[test]
fn consumption_of_another_slot_matches_nothing() {
	new_test_ext().execute_with(|| {
		assert_ok!(EnergyTokens::mint(&1, 7, 100, 1_000, CAP));
		assert_ok!(deliver(1, 2, 100, 7, 300));
		assert!(!record(2, 101, 500), "nothing waits for slot 101: nothing queued");
		assert!(!record(2, 99, 500));
		assert_eq!(held(2, 100, 7), 300);
		assert_eq!(metered(2, 100), None);
		assert_ok!(EnergyTokens::do_try_state());
	});
}

/// A prosumer claims its own production by call against its own consumption of the hour.
#[test]
fn a_holder_claims_its_own_certificates_by_call() {
	new_test_ext().execute_with(|| {
		assert_ok!(EnergyTokens::mint(&1, 7, 100, 1_000, CAP));
		record(1, 100, 250);
		assert_ok!(EnergyTokens::claim(RuntimeOrigin::signed(1), 100, 7, 200));
		System::assert_last_event(Event::Claimed { who: 1, slot: 100, res: 7, wh: 200 }.into());
		assert_eq!(pieces_of(1, 100, 7), [(0, 200, Claimed), (200, 1_000, Active)]);
		assert_eq!(metered(1, 100), Some((250, 200)));
		assert_ok!(EnergyTokens::do_try_state());
	});
}

/// No claim beyond the hour's consumption: a member cannot claim without a metered reading of
/// the slot, nor more than its metered consumption less what is already claimed, however many
/// certificates it holds.
#[test]
fn no_claim_beyond_the_hours_metered_consumption() {
	new_test_ext().execute_with(|| {
		assert_ok!(EnergyTokens::mint(&1, 7, 100, 1_000, CAP));
		assert_ok!(EnergyTokens::mint(&1, 8, 100, 1_000, CAP));
		let before = root();
		assert_noop!(
			EnergyTokens::claim(RuntimeOrigin::signed(1), 100, 7, 1),
			Error::<Test>::NoConsumptionMetered
		);
		assert_eq!(root(), before);
		record(1, 100, 250);
		record(1, 101, 5_000);
		assert_ok!(EnergyTokens::claim(RuntimeOrigin::signed(1), 100, 7, 200));
		let before = root();
		assert_noop!(
			EnergyTokens::claim(RuntimeOrigin::signed(1), 100, 8, 51),
			Error::<Test>::ExceedsConsumption
		);
		assert_noop!(
			EnergyTokens::claim(RuntimeOrigin::signed(1), 100, 7, 51),
			Error::<Test>::ExceedsConsumption
		);
		assert_noop!(
			EnergyTokens::claim(RuntimeOrigin::signed(1), 100, 7, 0),
			Error::<Test>::ZeroAmount
		);
		assert_eq!(root(), before);
		assert_ok!(EnergyTokens::claim(RuntimeOrigin::signed(1), 100, 8, 50));
		assert_eq!(metered(1, 100), Some((250, 250)));
		assert_ok!(EnergyTokens::do_try_state());
	});
}

/// No Wh is claimed twice: claimed Wh are terminal, so the holder cannot claim them again
/// (against more consumption), deliver them, or retire them; another member cannot claim Wh
/// it does not hold.
#[test]
fn no_wh_is_claimed_twice() {
	new_test_ext().execute_with(|| {
		assert_ok!(EnergyTokens::mint(&1, 7, 100, 100, CAP));
		record(1, 100, 1_000);
		record(2, 100, 1_000);
		assert_ok!(EnergyTokens::claim(RuntimeOrigin::signed(1), 100, 7, 100));
		let before = root();
		assert_noop!(
			EnergyTokens::claim(RuntimeOrigin::signed(1), 100, 7, 1),
			Error::<Test>::InsufficientTokens
		);
		assert_noop!(
			EnergyTokens::claim(RuntimeOrigin::signed(2), 100, 7, 1),
			Error::<Test>::InsufficientTokens
		);
		assert_noop!(deliver(1, 2, 100, 7, 1), Error::<Test>::InsufficientTokens);
		assert_noop!(
			EnergyTokens::retire(
				RuntimeOrigin::signed(1),
				certificates(&[(100, 7, 1)]),
				claim("x")
			),
			Error::<Test>::InsufficientTokens
		);
		assert_noop!(
			<EnergyTokens as EnergyLedger<u64>>::feed_in(&1, &3, 100, 7, 1),
			Error::<Test>::InsufficientTokens
		);
		assert_eq!(root(), before);
		assert_ok!(EnergyTokens::do_try_state());
	});
}

/// At most `MAX_AWAITING_CLAIM` certificates of a slot wait for a member's reading; the rest
/// stay active for a claim by call, and the reading claims the waiting ones only.
#[test]
fn certificates_beyond_the_waiting_bound_are_claimed_by_call() {
	new_test_ext().execute_with(|| {
		let count = MAX_AWAITING_CLAIM + 2;
		for res in 0..count {
			assert_ok!(EnergyTokens::mint(&1, res, 100, 10, CAP));
			assert_ok!(deliver(1, 2, 100, res, 10));
		}
		assert_eq!(AwaitingClaim::<Test>::get(2, 100).len() as u32, MAX_AWAITING_CLAIM);
		record(2, 100, 1_000);
		idle();
		assert_eq!(metered(2, 100), Some((1_000, MAX_AWAITING_CLAIM as Wh * 10)));
		assert_eq!(held(2, 100, count - 1), 10, "beyond the bound: still active");
		assert_ok!(EnergyTokens::claim(RuntimeOrigin::signed(2), 100, count - 1, 10));
		assert_ok!(EnergyTokens::do_try_state());
	});
}

/// Recording zero consumption writes nothing; consumption records saturate rather than wrap.
#[test]
fn zero_consumption_is_not_recorded() {
	new_test_ext().execute_with(|| {
		let before = root();
		record(2, 100, 0);
		assert_eq!(root(), before);
		record(2, 100, Wh::MAX);
		record(2, 100, 5);
		assert_eq!(
			Consumption::<Test>::get(2, 100),
			Some(MeteredConsumption { consumed_wh: Wh::MAX, claimed_wh: 0 })
		);
	});
}

/// The idle hook claims only what fits the weight it is given, oldest first; the rest waits.
#[test]
fn queued_claims_wait_for_room_in_a_block() {
	new_test_ext().execute_with(|| {
		for buyer in [2, 3] {
			assert_ok!(EnergyTokens::mint(&1, 7, 100, 1_000, CAP));
			assert_ok!(deliver(1, buyer, 100, 7, 100));
			record(buyer, 100, 100);
		}
		let db: RuntimeDbWeight = <Test as frame_system::Config>::DbWeight::get();
		let one = <() as WeightInfo>::claim_queued().saturating_add(db.reads_writes(1, 1));
		let before = root();
		EnergyTokens::on_idle(1, one.saturating_sub(Weight::from_parts(1, 0)));
		assert_eq!(root(), before, "no room for one entry: nothing done");
		let used = EnergyTokens::on_idle(1, one);
		assert!(used.all_lte(one), "never more than it was given");
		assert_eq!(pieces_of(2, 100, 7), [(0, 100, Claimed)]);
		assert_eq!(held(3, 100, 7), 100, "the second entry waits");
		idle();
		assert_eq!(pieces_of(3, 100, 7), [(100, 200, Claimed)]);
		assert_eq!(ClaimQueueBounds::<Test>::get(), (2, 2));
		assert_ok!(EnergyTokens::do_try_state());
	});
}

/// A full claim queue takes no more: the reading is still recorded, and the member claims by
/// call.
#[test]
fn a_full_claim_queue_leaves_the_claim_to_a_call() {
	new_test_ext().execute_with(|| {
		assert_ok!(EnergyTokens::mint(&1, 7, 100, 1_000, CAP));
		assert_ok!(deliver(1, 2, 100, 7, 100));
		ClaimQueueBounds::<Test>::put((5, 5u32.wrapping_add(MAX_CLAIM_QUEUE)));
		record(2, 100, 100);
		assert_eq!(ClaimQueue::<Test>::iter().count(), 0);
		assert_eq!(metered(2, 100), Some((100, 0)));
		assert_ok!(EnergyTokens::claim(RuntimeOrigin::signed(2), 100, 7, 100));
		assert!(!AwaitingClaim::<Test>::contains_key(2, 100), "claimed by call: no longer waits");
		assert_ok!(EnergyTokens::do_try_state());
	});
}
