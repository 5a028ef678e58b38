//! Tests of the participant registry: every call's effect and every error, with the state
//! shown unchanged on failure (`assert_noop!`).

use crate::{
	mock::*, AccountOfCode, Error, Event, IdGridCode, ParticipantStatus,
	Participants as ParticipantsMap,
};
use energy_primitives::{ParticipantRegistry, Roles};
use frame_support::{assert_noop, assert_ok};
use sp_core::H256;
use sp_runtime::DispatchError;

fn code(s: &str) -> IdGridCode {
	s.as_bytes().to_vec().try_into().expect("test codes fit; qed")
}

fn register(who: u64, c: &str, roles: Roles) {
	assert_ok!(Participants::register(
		RuntimeOrigin::root(),
		who,
		code(c),
		roles,
		H256::repeat_byte(1)
	));
}

#[test]
fn register_stores_member_and_code_and_emits_event() {
	new_test_ext().execute_with(|| {
		register(1, "PT-LIS-0001", Roles::PROSUMER);
		let p = ParticipantsMap::<Test>::get(1).expect("registered");
		assert_eq!(p.code, code("PT-LIS-0001"));
		assert_eq!(p.roles, Roles::PROSUMER);
		assert_eq!(p.status, ParticipantStatus::Active);
		assert_eq!(p.record_commitment, H256::repeat_byte(1));
		assert_eq!(p.registered_at, 1);
		assert_eq!(AccountOfCode::<Test>::get(code("PT-LIS-0001")), Some(1));
		assert_eq!(ParticipantsMap::<Test>::count(), 1);
		System::assert_last_event(
			Event::Registered { who: 1, code: code("PT-LIS-0001"), roles: Roles::PROSUMER }.into(),
		);
		assert_ok!(Participants::do_try_state());
	});
}

#[test]
fn only_the_manager_registers_suspends_reactivates_and_sets_roles() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			Participants::register(
				RuntimeOrigin::signed(1),
				1,
				code("ABC"),
				Roles::CONSUMER,
				H256::zero()
			),
			DispatchError::BadOrigin
		);
		register(1, "ABC", Roles::CONSUMER);
		assert_noop!(Participants::suspend(RuntimeOrigin::signed(1), 1), DispatchError::BadOrigin);
		assert_noop!(
			Participants::reactivate(RuntimeOrigin::signed(1), 1),
			DispatchError::BadOrigin
		);
		assert_noop!(
			Participants::set_roles(RuntimeOrigin::signed(1), 1, Roles::PROSUMER),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn register_rejects_malformed_codes() {
	new_test_ext().execute_with(|| {
		for bad in ["AB", "-ABC", "ABC-", "abc", "AB C", "ÄBC", "A_B"] {
			assert_noop!(
				Participants::register(
					RuntimeOrigin::root(),
					1,
					code(bad),
					Roles::CONSUMER,
					H256::zero()
				),
				Error::<Test>::InvalidCode
			);
		}
		assert_eq!(ParticipantsMap::<Test>::count(), 0);
	});
}

#[test]
fn register_rejects_no_roles_duplicates_and_taken_codes() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			Participants::register(
				RuntimeOrigin::root(),
				1,
				code("ABC"),
				Roles::default(),
				H256::zero()
			),
			Error::<Test>::NoRoles
		);
		register(1, "ABC", Roles::CONSUMER);
		assert_noop!(
			Participants::register(
				RuntimeOrigin::root(),
				1,
				code("XYZ"),
				Roles::CONSUMER,
				H256::zero()
			),
			Error::<Test>::AlreadyRegistered
		);
		assert_noop!(
			Participants::register(
				RuntimeOrigin::root(),
				2,
				code("ABC"),
				Roles::CONSUMER,
				H256::zero()
			),
			Error::<Test>::CodeTaken
		);
	});
}

#[test]
fn suspend_and_reactivate_follow_the_status_machine() {
	new_test_ext().execute_with(|| {
		assert_noop!(Participants::suspend(RuntimeOrigin::root(), 9), Error::<Test>::NotRegistered);
		register(1, "ABC", Roles::CONSUMER);
		assert_noop!(
			Participants::reactivate(RuntimeOrigin::root(), 1),
			Error::<Test>::NotSuspended
		);
		assert_ok!(Participants::suspend(RuntimeOrigin::root(), 1));
		System::assert_last_event(Event::Suspended { who: 1 }.into());
		assert_eq!(Participants::active_roles(&1), None);
		assert_noop!(Participants::suspend(RuntimeOrigin::root(), 1), Error::<Test>::NotActive);
		assert_ok!(Participants::reactivate(RuntimeOrigin::root(), 1));
		System::assert_last_event(Event::Reactivated { who: 1 }.into());
		assert_eq!(Participants::active_roles(&1), Some(Roles::CONSUMER));
	});
}

#[test]
fn leaving_is_final_and_keeps_the_code_reserved() {
	new_test_ext().execute_with(|| {
		assert_noop!(Participants::leave(RuntimeOrigin::signed(1)), Error::<Test>::NotRegistered);
		register(1, "ABC", Roles::CONSUMER);
		assert_ok!(Participants::leave(RuntimeOrigin::signed(1)));
		System::assert_last_event(Event::Left { who: 1 }.into());
		assert_noop!(Participants::leave(RuntimeOrigin::signed(1)), Error::<Test>::HasLeft);
		assert_noop!(Participants::suspend(RuntimeOrigin::root(), 1), Error::<Test>::HasLeft);
		assert_noop!(Participants::reactivate(RuntimeOrigin::root(), 1), Error::<Test>::HasLeft);
		assert_noop!(
			Participants::set_roles(RuntimeOrigin::root(), 1, Roles::PRODUCER),
			Error::<Test>::HasLeft
		);
		assert_noop!(
			Participants::set_record_commitment(RuntimeOrigin::signed(1), H256::zero()),
			Error::<Test>::HasLeft
		);
		assert_noop!(
			Participants::register(
				RuntimeOrigin::root(),
				2,
				code("ABC"),
				Roles::CONSUMER,
				H256::zero()
			),
			Error::<Test>::CodeTaken
		);
		assert_eq!(Participants::active_roles(&1), None);
		assert_ok!(Participants::do_try_state());
	});
}

#[test]
fn set_roles_and_commitment_update_the_member() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			Participants::set_roles(RuntimeOrigin::root(), 1, Roles::PRODUCER),
			Error::<Test>::NotRegistered
		);
		assert_noop!(
			Participants::set_record_commitment(RuntimeOrigin::signed(1), H256::zero()),
			Error::<Test>::NotRegistered
		);
		register(1, "ABC", Roles::CONSUMER);
		assert_noop!(
			Participants::set_roles(RuntimeOrigin::root(), 1, Roles::default()),
			Error::<Test>::NoRoles
		);
		assert_ok!(Participants::set_roles(RuntimeOrigin::root(), 1, Roles::PROSUMER));
		assert!(Participants::has_active_roles(&1, Roles::PRODUCER));
		assert!(!Participants::has_active_roles(&1, Roles::DSO));
		assert_ok!(Participants::set_record_commitment(
			RuntimeOrigin::signed(1),
			H256::repeat_byte(5)
		));
		System::assert_last_event(
			Event::RecordCommitmentChanged { who: 1, record_commitment: H256::repeat_byte(5) }
				.into(),
		);
	});
}

#[test]
fn genesis_registers_members() {
	let mut storage =
		frame_system::GenesisConfig::<Test>::default().build_storage().expect("builds");
	crate::GenesisConfig::<Test> {
		participants: vec![
			(1, b"DSO-1".to_vec(), Roles::DSO, H256::zero()),
			(2, b"UTIL-1".to_vec(), Roles::UTILITY, H256::zero()),
		],
	}
	.assimilate_storage(&mut storage)
	.expect("valid genesis");
	sp_io::TestExternalities::new(storage).execute_with(|| {
		assert!(Participants::has_active_roles(&1, Roles::DSO));
		assert!(Participants::has_active_roles(&2, Roles::UTILITY));
		assert_ok!(Participants::do_try_state());
	});
}

use sp_runtime::BuildStorage;
