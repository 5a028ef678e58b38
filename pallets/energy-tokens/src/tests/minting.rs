//! Issuance: the first mint of a (RES, slot) issues its certificate with its attributes;
//! every mint numbers its Wh after the certificate's last.

use super::*;
use crate::{Certificate, Certificates, Error, Event, NextCertificateId, TotalMinted};
use energy_primitives::EnergyMinter;
use frame_support::{assert_noop, assert_ok};
use CertificateStatus::*;

#[test]
fn the_first_mint_issues_a_certificate_with_its_attributes() {
	new_test_ext().execute_with(|| {
		// Minted at slot 102 for slot 100 (the reading came in late, within its window).
		Clock::set(102);
		assert_eq!(EnergyTokens::mint(&1, 7, 100, 1_500, CAP), Ok(1_500));
		System::assert_last_event(Event::Issued { id: 0, slot: 100, res: 7, owner: 1 }.into());
		assert_eq!(EnergyTokens::mint(&1, 7, 100, 500, CAP), Ok(500));
		assert_eq!(EnergyTokens::mint(&1, 8, 100, 250, CAP), Ok(250));
		let certificate = Certificates::<Test>::get(100, 7).expect("issued");
		assert_eq!(
			certificate,
			Certificate {
				id: 0,
				owner: 1,
				issued_at_ms: 102 * SLOT_MS,
				interval_start_ms: 100 * SLOT_MS,
				interval_end_ms: 101 * SLOT_MS,
				expires_after: 100 + EXPIRY_SLOTS,
				minted_wh: 2_000,
				..Certificate::new(0, 1)
			}
		);
		assert_eq!(Certificates::<Test>::get(100, 8).map(|c| c.id), Some(1));
		assert_eq!(NextCertificateId::<Test>::get(), 2);
		// Its Wh are numbered 0..2000, one active piece of the owner.
		assert_eq!(pieces_of(1, 100, 7), [(0, 2_000, Active)]);
		assert_eq!(held(1, 100, 7), 2_000);
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

/// Mints after some Wh left the owner are numbered after the certificate's last Wh, never
/// reusing a number.
#[test]
fn later_mints_are_numbered_after_the_last_wh() {
	new_test_ext().execute_with(|| {
		assert_ok!(EnergyTokens::mint(&1, 7, 100, 100, CAP));
		assert_ok!(deliver(1, 2, 100, 7, 100));
		assert_ok!(EnergyTokens::mint(&1, 7, 100, 50, CAP));
		assert_eq!(pieces_of(1, 100, 7), [(100, 150, Active)]);
		assert_eq!(pieces_of(2, 100, 7), [(0, 100, Active)]);
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
		TotalMinted::<Test>::put(0);
		NextCertificateId::<Test>::put(u64::MAX);
		let before = root();
		assert_noop!(EnergyTokens::mint(&1, 7, 101, 1, CAP), Error::<Test>::Overflow);
		assert_eq!(root(), before, "no id is issued twice");
	});
}
