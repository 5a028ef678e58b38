//! Tests of the token ledger: minting with certificates, retirement and its errors.

use crate::{
	mock::*, Balances, Certificate, Certificates, Error, Event, RetirementClaim, TotalMinted,
	TotalRetired,
};
use energy_primitives::EnergyMinter;
use frame_support::{assert_noop, assert_ok};

fn claim(s: &str) -> RetirementClaim {
	s.as_bytes().to_vec().try_into().expect("fits")
}

#[test]
fn mint_credits_owner_and_certificate() {
	new_test_ext().execute_with(|| {
		assert_ok!(EnergyTokens::mint(&1, 7, 100, 1_500));
		assert_ok!(EnergyTokens::mint(&1, 7, 100, 500));
		assert_ok!(EnergyTokens::mint(&1, 7, 101, 250));
		assert_eq!(Balances::<Test>::get(1), 2_250);
		assert_eq!(
			Certificates::<Test>::get(100, 7),
			Some(Certificate { owner: 1, minted_wh: 2_000 })
		);
		assert_eq!(
			Certificates::<Test>::get(101, 7),
			Some(Certificate { owner: 1, minted_wh: 250 })
		);
		assert_eq!(TotalMinted::<Test>::get(), 2_250);
		assert_eq!(EnergyTokens::supply(), 2_250);
		assert_ok!(EnergyTokens::do_try_state());
	});
}

#[test]
fn minting_zero_changes_nothing() {
	new_test_ext().execute_with(|| {
		assert_ok!(EnergyTokens::mint(&1, 7, 100, 0));
		assert_eq!(Certificates::<Test>::get(100, 7), None);
		assert_eq!(TotalMinted::<Test>::get(), 0);
	});
}

#[test]
fn mint_overflow_fails_without_effect() {
	new_test_ext().execute_with(|| {
		assert_ok!(EnergyTokens::mint(&1, 7, 100, u64::MAX));
		assert_noop!(EnergyTokens::mint(&1, 7, 101, 1), Error::<Test>::Overflow);
		assert_eq!(Certificates::<Test>::get(101, 7), None);
		assert_ok!(EnergyTokens::do_try_state());
	});
}

#[test]
fn retire_burns_with_claim() {
	new_test_ext().execute_with(|| {
		assert_ok!(EnergyTokens::mint(&1, 7, 100, 1_000));
		assert_ok!(EnergyTokens::retire(RuntimeOrigin::signed(1), 400, claim("EV charging")));
		System::assert_last_event(
			Event::Retired { who: 1, wh: 400, claim: claim("EV charging") }.into(),
		);
		assert_eq!(Balances::<Test>::get(1), 600);
		assert_eq!(TotalRetired::<Test>::get(), 400);
		assert_eq!(EnergyTokens::supply(), 600);
		assert_ok!(EnergyTokens::retire(RuntimeOrigin::signed(1), 600, claim("")));
		assert!(!Balances::<Test>::contains_key(1));
		assert_ok!(EnergyTokens::do_try_state());
	});
}

#[test]
fn retire_errors_leave_state_unchanged() {
	new_test_ext().execute_with(|| {
		assert_ok!(EnergyTokens::mint(&1, 7, 100, 1_000));
		assert_noop!(
			EnergyTokens::retire(RuntimeOrigin::signed(1), 0, claim("x")),
			Error::<Test>::ZeroAmount
		);
		assert_noop!(
			EnergyTokens::retire(RuntimeOrigin::signed(1), 1_001, claim("x")),
			Error::<Test>::InsufficientTokens
		);
		assert_noop!(
			EnergyTokens::retire(RuntimeOrigin::signed(2), 1, claim("x")),
			Error::<Test>::InsufficientTokens
		);
		TotalRetired::<Test>::put(u128::MAX);
		assert_noop!(
			EnergyTokens::retire(RuntimeOrigin::signed(1), 1, claim("x")),
			Error::<Test>::Overflow
		);
	});
}

mod ledger {
	use super::*;
	use energy_primitives::EnergyLedger;

	#[test]
	fn deliver_retires_the_sellers_tokens_in_the_buyers_name() {
		new_test_ext().execute_with(|| {
			System::set_block_number(1);
			assert_ok!(EnergyTokens::mint(&1, 7, 100, 1_000));
			assert_ok!(<EnergyTokens as EnergyLedger<u64>>::deliver(&1, &2, 600));
			assert_eq!(Balances::<Test>::get(1), 400);
			assert_eq!(Balances::<Test>::get(2), 0);
			assert_eq!(crate::TotalRetired::<Test>::get(), 600);
			System::assert_last_event(Event::Delivered { seller: 1, buyer: 2, wh: 600 }.into());
			assert_ok!(EnergyTokens::do_try_state());
		});
	}

	#[test]
	fn deliver_and_transfer_fail_without_effect_when_tokens_are_short() {
		new_test_ext().execute_with(|| {
			assert_ok!(EnergyTokens::mint(&1, 7, 100, 10));
			assert_noop!(
				<EnergyTokens as EnergyLedger<u64>>::deliver(&1, &2, 11),
				Error::<Test>::InsufficientTokens
			);
			assert_noop!(
				<EnergyTokens as EnergyLedger<u64>>::transfer(&1, &2, 11),
				Error::<Test>::InsufficientTokens
			);
		});
	}

	#[test]
	fn transfer_moves_tokens_without_retiring_them() {
		new_test_ext().execute_with(|| {
			assert_ok!(EnergyTokens::mint(&1, 7, 100, 10));
			assert_ok!(<EnergyTokens as EnergyLedger<u64>>::transfer(&1, &3, 10));
			assert_eq!(Balances::<Test>::get(1), 0);
			assert!(!Balances::<Test>::contains_key(1));
			assert_eq!(Balances::<Test>::get(3), 10);
			assert_eq!(EnergyTokens::supply(), 10);
			assert_ok!(EnergyTokens::do_try_state());
		});
	}

	#[test]
	fn certificates_of_a_slot_are_walked_in_pages() {
		new_test_ext().execute_with(|| {
			for res in 0..5 {
				assert_ok!(EnergyTokens::mint(&1, res, 100, 10 + res as u64));
			}
			assert_ok!(EnergyTokens::mint(&1, 9, 101, 1));
			let first = <EnergyTokens as EnergyLedger<u64>>::certificates_of_slot(100, None, 3);
			assert_eq!(first.len(), 3);
			let last = first.last().map(|(res, _, _)| *res);
			let rest = <EnergyTokens as EnergyLedger<u64>>::certificates_of_slot(100, last, 10);
			assert_eq!(rest.len(), 2);
			let mut all: Vec<u32> = first.iter().chain(&rest).map(|(res, _, _)| *res).collect();
			all.sort();
			assert_eq!(all, [0, 1, 2, 3, 4]);
		});
	}
}
