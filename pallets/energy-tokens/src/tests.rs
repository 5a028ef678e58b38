//! Tests of the token ledger: minting into certificates, holdings per certificate, retirement,
//! delivery and feed-in, each error with the state unchanged, and the migration from fungible
//! balances.

use crate::{
	mock::*, Certificate, CertificateAmount, Certificates, Error, Event, Holdings,
	RetiredCertificates, RetirementClaim, TotalFedIn, TotalMinted, TotalRetired,
};
use energy_primitives::{EnergyLedger, EnergyMinter, Wh};
use frame_support::{assert_noop, assert_ok};

/// What a 5 kW RES can produce in a one-hour slot.
const CAP: Wh = 5_000;

fn claim(s: &str) -> RetirementClaim {
	s.as_bytes().to_vec().try_into().expect("fits")
}

fn certificates(list: &[(u32, u32, Wh)]) -> RetiredCertificates {
	list.iter()
		.map(|&(slot, res, wh)| CertificateAmount { slot, res, wh })
		.collect::<Vec<_>>()
		.try_into()
		.expect("fits")
}

fn held(who: u64, slot: u32, res: u32) -> Wh {
	<EnergyTokens as EnergyLedger<u64>>::held(&who, slot, res)
}

fn root() -> Vec<u8> {
	sp_io::storage::root(sp_runtime::StateVersion::V1)
}

#[test]
fn mint_credits_the_owners_holding_of_the_certificate() {
	new_test_ext().execute_with(|| {
		assert_eq!(EnergyTokens::mint(&1, 7, 100, 1_500, CAP), Ok(1_500));
		assert_eq!(EnergyTokens::mint(&1, 7, 100, 500, CAP), Ok(500));
		assert_eq!(EnergyTokens::mint(&1, 7, 101, 250, CAP), Ok(250));
		assert_eq!(held(1, 100, 7), 2_000);
		assert_eq!(held(1, 101, 7), 250);
		let certificate = Certificates::<Test>::get(100, 7).expect("minted");
		assert_eq!(certificate, Certificate { minted_wh: 2_000, ..Certificate::new(1) });
		assert_eq!(TotalMinted::<Test>::get(), 2_250);
		assert_eq!(EnergyTokens::supply(), 2_250);
		assert_ok!(EnergyTokens::do_try_state());
	});
}

/// Hole 2 of the integrity issue: no certificate of one (RES, slot) exceeds what the RES can
/// produce in that slot, however many mints reach it (a meter replaced within the slot, whose
/// successor reports the same slot again).
#[test]
fn a_certificate_never_exceeds_the_slots_capacity() {
	new_test_ext().execute_with(|| {
		assert_eq!(EnergyTokens::mint(&1, 7, 100, 4_000, CAP), Ok(4_000));
		assert_eq!(EnergyTokens::mint(&1, 7, 100, 4_000, CAP), Ok(1_000));
		let before = root();
		assert_eq!(EnergyTokens::mint(&1, 7, 100, 1, CAP), Ok(0));
		assert_eq!(root(), before, "a full certificate takes nothing more");
		assert_eq!(Certificates::<Test>::get(100, 7).map(|c| c.minted_wh), Some(CAP));
		assert_ok!(EnergyTokens::do_try_state());
	});
}

#[test]
fn minting_zero_changes_nothing() {
	new_test_ext().execute_with(|| {
		let before = root();
		assert_eq!(EnergyTokens::mint(&1, 7, 100, 0, CAP), Ok(0));
		assert_eq!(EnergyTokens::mint(&1, 7, 100, 10, 0), Ok(0));
		assert_eq!(root(), before);
	});
}

#[test]
fn mint_overflow_fails_without_effect() {
	new_test_ext().execute_with(|| {
		assert_ok!(EnergyTokens::mint(&1, 7, 100, u64::MAX, u64::MAX));
		TotalMinted::<Test>::put(u128::MAX);
		let before = root();
		assert_noop!(EnergyTokens::mint(&1, 7, 101, 1, CAP), Error::<Test>::Overflow);
		assert_eq!(root(), before);
	});
}

#[test]
fn retire_burns_the_named_certificates_with_a_claim() {
	new_test_ext().execute_with(|| {
		assert_ok!(EnergyTokens::mint(&1, 7, 100, 1_000, CAP));
		assert_ok!(EnergyTokens::mint(&1, 8, 101, 300, CAP));
		assert_ok!(EnergyTokens::retire(
			RuntimeOrigin::signed(1),
			certificates(&[(100, 7, 400), (101, 8, 300)]),
			claim("EV charging")
		));
		System::assert_has_event(
			Event::Retired { who: 1, slot: 100, res: 7, wh: 400, claim: claim("EV charging") }
				.into(),
		);
		System::assert_last_event(
			Event::Retired { who: 1, slot: 101, res: 8, wh: 300, claim: claim("EV charging") }
				.into(),
		);
		assert_eq!(held(1, 100, 7), 600);
		assert!(!Holdings::<Test>::contains_key((1, 101, 8)), "an empty holding is removed");
		assert_eq!(Certificates::<Test>::get(100, 7).map(|c| c.retired_wh), Some(400));
		assert_eq!(TotalRetired::<Test>::get(), 700);
		assert_eq!(EnergyTokens::supply(), 600);
		assert_ok!(EnergyTokens::do_try_state());
	});
}

/// Hole 9: tokens are not fungible across certificates. A holder of slot 100's tokens cannot
/// retire slot 101's (or another RES's), someone else cannot retire the owner's tokens, and a
/// retirement whose last certificate is short retires none of the others.
#[test]
fn retirement_takes_only_the_named_certificates_and_is_all_or_nothing() {
	new_test_ext().execute_with(|| {
		assert_ok!(EnergyTokens::mint(&1, 7, 100, 1_000, CAP));
		assert_ok!(EnergyTokens::mint(&1, 7, 101, 10, CAP));
		let before = root();
		let retire = |who, list: &[(u32, u32, Wh)]| {
			EnergyTokens::retire(RuntimeOrigin::signed(who), certificates(list), claim("x"))
		};
		assert_noop!(retire(1, &[(101, 7, 11)]), Error::<Test>::InsufficientTokens);
		assert_noop!(retire(1, &[(102, 7, 1)]), Error::<Test>::InsufficientTokens);
		assert_noop!(retire(1, &[(100, 8, 1)]), Error::<Test>::InsufficientTokens);
		assert_noop!(retire(2, &[(100, 7, 1)]), Error::<Test>::InsufficientTokens);
		assert_noop!(
			retire(1, &[(100, 7, 500), (100, 7, 500), (101, 7, 11)]),
			Error::<Test>::InsufficientTokens
		);
		assert_noop!(retire(1, &[(100, 7, 600), (100, 7, 600)]), Error::<Test>::InsufficientTokens);
		assert_noop!(retire(1, &[]), Error::<Test>::NothingToRetire);
		assert_noop!(retire(1, &[(100, 7, 5), (101, 7, 0)]), Error::<Test>::ZeroAmount);
		TotalRetired::<Test>::put(u128::MAX);
		assert_noop!(retire(1, &[(100, 7, 1)]), Error::<Test>::Overflow);
		TotalRetired::<Test>::kill();
		assert_eq!(root(), before);
	});
}

mod ledger {
	use super::*;

	#[test]
	fn deliver_retires_the_sellers_tokens_of_that_certificate_in_the_buyers_name() {
		new_test_ext().execute_with(|| {
			assert_ok!(EnergyTokens::mint(&1, 7, 100, 1_000, CAP));
			assert_ok!(EnergyTokens::mint(&1, 7, 101, 1_000, CAP));
			assert_ok!(<EnergyTokens as EnergyLedger<u64>>::deliver(&1, &2, 100, 7, 600));
			assert_eq!(held(1, 100, 7), 400);
			assert_eq!(held(1, 101, 7), 1_000, "another slot's tokens are untouched");
			assert_eq!(held(2, 100, 7), 0, "delivered tokens are retired, not held");
			assert_eq!(Certificates::<Test>::get(100, 7).map(|c| c.delivered_wh), Some(600));
			assert_eq!(TotalRetired::<Test>::get(), 600);
			System::assert_last_event(
				Event::Delivered { seller: 1, buyer: 2, slot: 100, res: 7, wh: 600 }.into(),
			);
			assert_ok!(EnergyTokens::do_try_state());
		});
	}

	/// Hole 9: slot 100's trade cannot be delivered from slot 101's tokens, however many the
	/// seller holds of them.
	#[test]
	fn delivery_and_feed_in_fail_without_effect_when_the_certificate_is_short() {
		new_test_ext().execute_with(|| {
			assert_ok!(EnergyTokens::mint(&1, 7, 100, 10, CAP));
			assert_ok!(EnergyTokens::mint(&1, 7, 101, 5_000, CAP));
			let before = root();
			assert_noop!(
				<EnergyTokens as EnergyLedger<u64>>::deliver(&1, &2, 100, 7, 11),
				Error::<Test>::InsufficientTokens
			);
			assert_noop!(
				<EnergyTokens as EnergyLedger<u64>>::feed_in(&1, &3, 100, 7, 11),
				Error::<Test>::InsufficientTokens
			);
			assert_noop!(
				<EnergyTokens as EnergyLedger<u64>>::deliver(&2, &1, 101, 7, 1),
				Error::<Test>::InsufficientTokens
			);
			assert_eq!(root(), before);
		});
	}

	/// Feed-in is terminal: the utility does not come to hold the tokens, so they cannot be
	/// sold or retired again.
	#[test]
	fn feed_in_takes_tokens_out_of_circulation() {
		new_test_ext().execute_with(|| {
			assert_ok!(EnergyTokens::mint(&1, 7, 100, 10, CAP));
			assert_ok!(<EnergyTokens as EnergyLedger<u64>>::feed_in(&1, &3, 100, 7, 10));
			System::assert_last_event(
				Event::FedIn { owner: 1, utility: 3, slot: 100, res: 7, wh: 10 }.into(),
			);
			assert_eq!(held(1, 100, 7), 0);
			assert_eq!(held(3, 100, 7), 0);
			assert!(!Holdings::<Test>::contains_key((1, 100, 7)));
			assert_eq!(Certificates::<Test>::get(100, 7).map(|c| c.fed_in_wh), Some(10));
			assert_eq!(TotalFedIn::<Test>::get(), 10);
			assert_eq!(EnergyTokens::supply(), 0);
			assert_noop!(
				EnergyTokens::retire(
					RuntimeOrigin::signed(3),
					certificates(&[(100, 7, 1)]),
					claim("x")
				),
				Error::<Test>::InsufficientTokens
			);
			assert_ok!(EnergyTokens::do_try_state());
		});
	}

	#[test]
	fn certificates_of_a_slot_are_walked_in_pages() {
		new_test_ext().execute_with(|| {
			for res in 0..5 {
				assert_ok!(EnergyTokens::mint(&1, res, 100, 10 + res as u64, CAP));
			}
			assert_ok!(EnergyTokens::mint(&1, 9, 101, 1, CAP));
			let first = <EnergyTokens as EnergyLedger<u64>>::certificates_of_slot(100, None, 3);
			assert_eq!(first.len(), 3);
			let last = first.last().map(|(res, _)| *res);
			let rest = <EnergyTokens as EnergyLedger<u64>>::certificates_of_slot(100, last, 10);
			assert_eq!(rest.len(), 2);
			let mut all: Vec<u32> = first.iter().chain(&rest).map(|(res, _)| *res).collect();
			all.sort();
			assert_eq!(all, [0, 1, 2, 3, 4]);
		});
	}
}

mod invariants {
	use super::*;

	#[test]
	fn try_state_finds_tokens_created_or_lost_in_a_certificate() {
		new_test_ext().execute_with(|| {
			assert_ok!(EnergyTokens::mint(&1, 7, 100, 1_000, CAP));
			assert_ok!(EnergyTokens::do_try_state());
			Holdings::<Test>::insert((2, 100, 7), 5);
			assert!(EnergyTokens::do_try_state().is_err(), "tokens held beyond the certificate");
			Holdings::<Test>::remove((2, 100, 7));
			Holdings::<Test>::insert((1, 100, 7), 999);
			assert!(EnergyTokens::do_try_state().is_err(), "a Wh lost from the certificate");
			Holdings::<Test>::insert((1, 100, 7), 1_000);
			Holdings::<Test>::insert((1, 55, 7), 1);
			assert!(EnergyTokens::do_try_state().is_err(), "a holding of no certificate");
			Holdings::<Test>::remove((1, 55, 7));
			TotalFedIn::<Test>::put(1);
			assert!(EnergyTokens::do_try_state().is_err(), "totals off the certificates");
		});
	}
}

mod migration {
	use super::*;
	use crate::migrations::{v1, MigrateV1ToV2};
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};

	/// Version 1's storage: owner 1 minted 1,000 Wh of RES 7 in slot 100 and 500 in slot 101.
	fn version_1_certificates_of_owner_1() {
		StorageVersion::new(1).put::<crate::Pallet<Test>>();
		for (slot, minted) in [(100, 1_000), (101, 500)] {
			v1::Certificates::<Test>::insert(
				slot,
				7,
				v1::Certificate { owner: 1u64, minted_wh: minted },
			);
		}
	}

	frame_support::parameter_types! {
		/// Slot 100 is in the middle of settlement: 600 Wh of RES 7's certificate undelivered.
		pub Settling: Vec<(u32, u32, Wh)> = vec![(100, 7, 600)];
	}

	/// A slot in the middle of settlement at the upgrade keeps exactly what the market says it
	/// still has to deliver; the rest of the balance goes to the newest other certificates.
	#[test]
	fn a_settling_slot_keeps_what_it_still_has_to_deliver() {
		new_test_ext().execute_with(|| {
			version_1_certificates_of_owner_1();
			v1::Balances::<Test>::insert(1, 900);
			TotalMinted::<Test>::put(1_500);
			TotalRetired::<Test>::put(600);

			MigrateV1ToV2::<Test, Settling>::on_runtime_upgrade();
			assert_eq!(held(1, 100, 7), 600);
			assert_eq!(held(1, 101, 7), 300);
			assert_ok!(EnergyTokens::do_try_state());
		});
	}

	/// Version 1: owner 1 minted 1,000 in slot 100 and 500 in slot 101, sold 700 (its balance
	/// is 800), 300 went to the utility (account 3) at feed-in. After the migration owner 1
	/// holds its newest certificate whole and 300 of the older one; the rest is recorded as
	/// retired and the utility's fed-in balance is gone.
	#[test]
	fn fungible_balances_become_holdings_of_the_newest_certificates() {
		new_test_ext().execute_with(|| {
			version_1_certificates_of_owner_1();
			v1::Balances::<Test>::insert(1, 800);
			v1::Balances::<Test>::insert(3, 300);
			TotalMinted::<Test>::put(1_500);
			TotalRetired::<Test>::put(400);

			MigrateV1ToV2::<Test>::on_runtime_upgrade();
			assert_eq!(crate::Pallet::<Test>::on_chain_storage_version(), 2);
			assert_eq!(held(1, 101, 7), 500);
			assert_eq!(held(1, 100, 7), 300);
			assert_eq!(held(3, 100, 7), 0);
			assert_eq!(v1::Balances::<Test>::iter().count(), 0);
			assert_eq!(Certificates::<Test>::get(100, 7).map(|c| c.retired_wh), Some(700));
			assert_eq!((TotalMinted::<Test>::get(), TotalRetired::<Test>::get()), (1_500, 700));
			assert_ok!(EnergyTokens::do_try_state());
			// Run again: the version gate makes it a no-op.
			let before = root();
			MigrateV1ToV2::<Test>::on_runtime_upgrade();
			assert_eq!(root(), before);
		});
	}
}
