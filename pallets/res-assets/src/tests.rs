//! Tests of the RES registry: every call's effect and every error, with the state shown
//! unchanged on failure (`assert_noop!`).

use crate::{mock::*, Assets, ConnectionPoint, Error, Event, NextResId, ResStatus, Technology};
use energy_primitives::{ResProfile, ResRegistry, Roles};
use frame_support::{assert_noop, assert_ok};
use sp_runtime::DispatchError;

fn point(s: &str) -> ConnectionPoint {
	s.as_bytes().to_vec().try_into().expect("fits")
}

fn register_pv(owner: u64) -> u32 {
	let id = NextResId::<Test>::get();
	assert_ok!(ResAssets::register(
		RuntimeOrigin::signed(owner),
		Technology::Solar,
		5_000,
		point("LV-07/T2/042")
	));
	id
}

#[test]
fn producer_registers_pending_asset() {
	new_test_ext().execute_with(|| {
		let id = register_pv(PRODUCER);
		let asset = Assets::<Test>::get(id).expect("stored");
		assert_eq!(asset.owner, PRODUCER);
		assert_eq!(asset.status, ResStatus::PendingApproval);
		assert_eq!(asset.nameplate_w, 5_000);
		System::assert_last_event(
			Event::Registered {
				id,
				owner: PRODUCER,
				technology: Technology::Solar,
				nameplate_w: 5_000,
			}
			.into(),
		);
		assert_eq!(
			ResAssets::profile(id),
			Some(ResProfile { owner: PRODUCER, nameplate_w: 5_000, may_produce: false })
		);
		assert_ok!(ResAssets::do_try_state());
	});
}

#[test]
fn register_rejects_non_producers_and_bad_parameters() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			ResAssets::register(
				RuntimeOrigin::signed(CONSUMER),
				Technology::Solar,
				5_000,
				point("P")
			),
			Error::<Test>::NotProducer
		);
		assert_noop!(
			ResAssets::register(RuntimeOrigin::signed(99), Technology::Wind, 5_000, point("P")),
			Error::<Test>::NotProducer
		);
		assert_noop!(
			ResAssets::register(RuntimeOrigin::signed(PRODUCER), Technology::Solar, 0, point("P")),
			Error::<Test>::ZeroCapacity
		);
		assert_noop!(
			ResAssets::register(
				RuntimeOrigin::signed(PRODUCER),
				Technology::Solar,
				crate::MAX_NAMEPLATE_W + 1,
				point("P")
			),
			Error::<Test>::CapacityTooLarge
		);
		assert_noop!(
			ResAssets::register(
				RuntimeOrigin::signed(PRODUCER),
				Technology::Solar,
				5_000,
				point("")
			),
			Error::<Test>::EmptyConnectionPoint
		);
		assert_noop!(
			ResAssets::register(RuntimeOrigin::none(), Technology::Solar, 5_000, point("P")),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn suspended_producer_cannot_register() {
	new_test_ext().execute_with(|| {
		assert_ok!(Participants::suspend(RuntimeOrigin::root(), PRODUCER));
		assert_noop!(
			ResAssets::register(
				RuntimeOrigin::signed(PRODUCER),
				Technology::Solar,
				5_000,
				point("P")
			),
			Error::<Test>::NotProducer
		);
	});
}

#[test]
fn dso_approves_or_rejects_pending_connections_only() {
	new_test_ext().execute_with(|| {
		let a = register_pv(PRODUCER);
		let b = register_pv(OTHER_PRODUCER);
		assert_noop!(
			ResAssets::approve_connection(RuntimeOrigin::signed(PRODUCER), a),
			Error::<Test>::NotDso
		);
		assert_noop!(
			ResAssets::approve_connection(RuntimeOrigin::signed(DSO), 77),
			Error::<Test>::UnknownAsset
		);
		assert_ok!(ResAssets::approve_connection(RuntimeOrigin::signed(DSO), a));
		System::assert_last_event(Event::ConnectionApproved { id: a, dso: DSO }.into());
		assert!(ResAssets::profile(a).is_some_and(|p| p.may_produce));
		assert_noop!(
			ResAssets::approve_connection(RuntimeOrigin::signed(DSO), a),
			Error::<Test>::NotPending
		);
		assert_noop!(
			ResAssets::reject_connection(RuntimeOrigin::signed(DSO), a),
			Error::<Test>::NotPending
		);

		assert_noop!(
			ResAssets::reject_connection(RuntimeOrigin::signed(CONSUMER), b),
			Error::<Test>::NotDso
		);
		assert_ok!(ResAssets::reject_connection(RuntimeOrigin::signed(DSO), b));
		System::assert_last_event(Event::ConnectionRejected { id: b, dso: DSO }.into());
		assert_eq!(Assets::<Test>::get(b).map(|x| x.status), Some(ResStatus::Rejected));
		assert!(ResAssets::profile(b).is_some_and(|p| !p.may_produce));
	});
}

#[test]
fn owner_or_manager_decommissions_once() {
	new_test_ext().execute_with(|| {
		let a = register_pv(PRODUCER);
		let b = register_pv(PRODUCER);
		assert_ok!(ResAssets::approve_connection(RuntimeOrigin::signed(DSO), a));
		assert_noop!(
			ResAssets::decommission(RuntimeOrigin::signed(OTHER_PRODUCER), a),
			Error::<Test>::NotOwner
		);
		assert_noop!(
			ResAssets::decommission(RuntimeOrigin::signed(PRODUCER), 77),
			Error::<Test>::UnknownAsset
		);
		assert_ok!(ResAssets::decommission(RuntimeOrigin::signed(PRODUCER), a));
		System::assert_last_event(Event::Decommissioned { id: a }.into());
		assert!(ResAssets::profile(a).is_some_and(|p| !p.may_produce));
		assert_noop!(
			ResAssets::decommission(RuntimeOrigin::signed(PRODUCER), a),
			Error::<Test>::AlreadyDecommissioned
		);
		assert_ok!(ResAssets::decommission(RuntimeOrigin::root(), b));
		assert_noop!(
			ResAssets::approve_connection(RuntimeOrigin::signed(DSO), b),
			Error::<Test>::NotPending
		);
		assert_ok!(ResAssets::do_try_state());
	});
}

#[test]
fn ids_are_sequential_and_exhaustion_is_an_error() {
	new_test_ext().execute_with(|| {
		assert_eq!(register_pv(PRODUCER), 0);
		assert_eq!(register_pv(PRODUCER), 1);
		NextResId::<Test>::put(u32::MAX);
		assert_noop!(
			ResAssets::register(RuntimeOrigin::signed(PRODUCER), Technology::Hydro, 1, point("P")),
			Error::<Test>::IdsExhausted
		);
	});
}

/// Separation of duties: an account that is both DSO and producer registers a RES and tries
/// to approve its own grid connection (and so mint at will from it).
#[test]
fn a_dso_cannot_decide_on_its_own_res() {
	new_test_ext().execute_with(|| {
		assert_ok!(Participants::set_roles(
			RuntimeOrigin::root(),
			DSO,
			Roles::DSO.union(Roles::PRODUCER)
		));
		let own = register_pv(DSO);
		assert_noop!(
			ResAssets::approve_connection(RuntimeOrigin::signed(DSO), own),
			Error::<Test>::OwnRes
		);
		assert_noop!(
			ResAssets::reject_connection(RuntimeOrigin::signed(DSO), own),
			Error::<Test>::OwnRes
		);
		assert_eq!(Assets::<Test>::get(own).map(|a| a.status), Some(ResStatus::PendingApproval));
		// Another producer's RES it may approve.
		let other = register_pv(OTHER_PRODUCER);
		assert_ok!(ResAssets::approve_connection(RuntimeOrigin::signed(DSO), other));
	});
}

/// Suspension stops production where it acts: an approved RES of a suspended (or departed)
/// owner may not produce, and produces again once the owner is reactivated.
#[test]
fn a_suspended_owners_res_may_not_produce() {
	new_test_ext().execute_with(|| {
		let id = register_pv(PRODUCER);
		assert_ok!(ResAssets::approve_connection(RuntimeOrigin::signed(DSO), id));
		assert!(ResAssets::profile(id).is_some_and(|p| p.may_produce));
		assert_ok!(Participants::suspend(RuntimeOrigin::root(), PRODUCER));
		assert!(ResAssets::profile(id).is_some_and(|p| !p.may_produce));
		assert_ok!(Participants::reactivate(RuntimeOrigin::root(), PRODUCER));
		assert!(ResAssets::profile(id).is_some_and(|p| p.may_produce));
		assert_ok!(Participants::leave(RuntimeOrigin::signed(PRODUCER)));
		assert!(ResAssets::profile(id).is_some_and(|p| !p.may_produce));
	});
}
