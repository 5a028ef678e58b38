//! Expiry after the governance-set period, withdrawal by governance, the issuing body's
//! settings, and the allowed status transitions.

use super::*;
use crate::{
	BoundedText, Certificates, Error, Event, ExpirySlots, Issuer, IssuingBody, WithdrawalReasons,
	MIN_EXPIRY_SLOTS,
};
use energy_primitives::{ConsumptionRecorder, EnergyMinter};
use frame_support::{assert_noop, assert_ok, dispatch::Pays, traits::Hooks, weights::Weight};
use sp_runtime::DispatchError;
use CertificateStatus::*;

fn text(s: &str) -> BoundedText {
	s.as_bytes().to_vec().try_into().expect("fits")
}

/// Before its expiry period is over a certificate cannot be expired; after it, its active
/// Wh can be neither delivered, claimed nor retired, and anyone may expire them, for free.
#[test]
fn active_wh_expire_after_the_expiry_period_and_only_then() {
	new_test_ext().execute_with(|| {
		assert_ok!(EnergyTokens::mint(&1, 7, 100, 1_000, CAP));
		assert_ok!(deliver(1, 2, 100, 7, 400));
		<EnergyTokens as ConsumptionRecorder<u64>>::record(&2, 100, 100);
		EnergyTokens::on_idle(1, Weight::MAX);
		Clock::set(100 + EXPIRY_SLOTS);
		let before = root();
		assert_noop!(
			EnergyTokens::expire(RuntimeOrigin::signed(9), 2, 100, 7),
			Error::<Test>::NotExpired
		);
		assert_eq!(root(), before);

		Clock::set(100 + EXPIRY_SLOTS + 1);
		<EnergyTokens as ConsumptionRecorder<u64>>::record(&1, 100, 500);
		let before = root();
		assert_noop!(deliver(1, 2, 100, 7, 1), Error::<Test>::CertificateExpired);
		assert_noop!(
			EnergyTokens::retire(
				RuntimeOrigin::signed(1),
				certificates(&[(100, 7, 1)]),
				claim("x")
			),
			Error::<Test>::CertificateExpired
		);
		assert_noop!(
			EnergyTokens::claim(RuntimeOrigin::signed(1), 100, 7, 1),
			Error::<Test>::CertificateExpired
		);
		assert_noop!(
			EnergyTokens::expire(RuntimeOrigin::signed(9), 3, 100, 7),
			Error::<Test>::NothingActive
		);
		assert_noop!(
			EnergyTokens::expire(RuntimeOrigin::signed(9), 2, 101, 7),
			Error::<Test>::UnknownCertificate
		);
		assert_eq!(root(), before);

		assert_eq!(crate::AwaitingClaim::<Test>::get(2, 100).to_vec(), [7], "300 Wh still wait");
		let result = EnergyTokens::expire(RuntimeOrigin::signed(9), 2, 100, 7);
		assert_eq!(result.map(|info| info.pays_fee), Ok(Pays::No));
		assert!(!crate::AwaitingClaim::<Test>::contains_key(2, 100), "nothing left to wait for");
		System::assert_last_event(Event::Expired { holder: 2, slot: 100, res: 7, wh: 300 }.into());
		assert_eq!(pieces_of(2, 100, 7), [(0, 100, Claimed), (100, 400, Expired)]);
		assert_ok!(EnergyTokens::expire(RuntimeOrigin::signed(9), 1, 100, 7));
		assert_eq!(pieces_of(1, 100, 7), [(400, 1_000, Expired)]);
		let certificate = Certificates::<Test>::get(100, 7).expect("issued");
		assert_eq!((certificate.expired_wh, certificate.active_wh()), (900, 0));
		assert_noop!(
			EnergyTokens::expire(RuntimeOrigin::signed(9), 2, 100, 7),
			Error::<Test>::NothingActive
		);
		assert_ok!(EnergyTokens::do_try_state());
	});
}

/// The expiry period is fixed at issuance: a later change applies to later certificates.
#[test]
fn the_expiry_period_applies_from_issuance() {
	new_test_ext().execute_with(|| {
		assert_ok!(EnergyTokens::mint(&1, 7, 100, 10, CAP));
		assert_ok!(EnergyTokens::set_expiry_period(RuntimeOrigin::root(), 24 * 365));
		System::assert_last_event(Event::ExpiryPeriodSet { slots: 24 * 365 }.into());
		assert_ok!(EnergyTokens::mint(&1, 7, 101, 10, CAP));
		assert_eq!(
			Certificates::<Test>::get(100, 7).map(|c| c.expires_after),
			Some(100 + EXPIRY_SLOTS)
		);
		assert_eq!(
			Certificates::<Test>::get(101, 7).map(|c| c.expires_after),
			Some(101 + 24 * 365)
		);
	});
}

/// Governance withdraws a holder's active Wh with a reason; nobody else can, and terminal Wh
/// stay what they are.
#[test]
fn governance_withdraws_active_wh_with_a_reason() {
	new_test_ext().execute_with(|| {
		assert_ok!(EnergyTokens::mint(&1, 7, 100, 1_000, CAP));
		<EnergyTokens as ConsumptionRecorder<u64>>::record(&1, 100, 100);
		assert_ok!(EnergyTokens::claim(RuntimeOrigin::signed(1), 100, 7, 100));
		let before = root();
		assert_noop!(
			EnergyTokens::withdraw(RuntimeOrigin::signed(1), 1, 100, 7, text("faulty meter")),
			DispatchError::BadOrigin
		);
		assert_noop!(
			EnergyTokens::withdraw(RuntimeOrigin::root(), 2, 100, 7, text("faulty meter")),
			Error::<Test>::NothingActive
		);
		assert_eq!(root(), before);
		assert_ok!(EnergyTokens::withdraw(RuntimeOrigin::root(), 1, 100, 7, text("faulty meter")));
		System::assert_last_event(
			Event::Withdrawn {
				holder: 1,
				slot: 100,
				res: 7,
				wh: 900,
				reason: text("faulty meter"),
			}
			.into(),
		);
		assert_eq!(pieces_of(1, 100, 7), [(0, 100, Claimed), (100, 1_000, Withdrawn)]);
		assert_eq!(WithdrawalReasons::<Test>::get(100, 7), Some(text("faulty meter")));
		assert_eq!(Certificates::<Test>::get(100, 7).map(|c| c.withdrawn_wh), Some(900));
		assert_ok!(EnergyTokens::do_try_state());
	});
}

/// Status changes only along the allowed transitions: active Wh to any terminal status,
/// nothing out of a terminal one. The ledger's moves all take active Wh only: Wh fed in,
/// expired or withdrawn can be neither claimed, delivered, retired nor expired again.
#[test]
fn statuses_change_only_along_allowed_transitions() {
	let all = [Active, Claimed, Cancelled, Expired, Withdrawn, FedIn];
	for from in all {
		for to in all {
			assert_eq!(from.may_become(to), from == Active && to != Active, "{from:?} → {to:?}");
		}
	}
	new_test_ext().execute_with(|| {
		assert_ok!(EnergyTokens::mint(&1, 7, 100, 30, CAP));
		assert_ok!(<EnergyTokens as EnergyLedger<u64>>::feed_in(&1, &3, 100, 7, 10));
		assert_ok!(EnergyTokens::withdraw(RuntimeOrigin::root(), 1, 100, 7, text("x")));
		assert_ok!(EnergyTokens::mint(&1, 8, 100, 10, CAP));
		Clock::set(100 + EXPIRY_SLOTS + 1);
		assert_ok!(EnergyTokens::expire(RuntimeOrigin::signed(9), 1, 100, 8));
		Clock::set(101);
		<EnergyTokens as ConsumptionRecorder<u64>>::record(&1, 100, 1_000);
		let before = root();
		for res in [7, 8] {
			assert_noop!(
				EnergyTokens::claim(RuntimeOrigin::signed(1), 100, res, 1),
				Error::<Test>::InsufficientTokens
			);
			assert_noop!(deliver(1, 2, 100, res, 1), Error::<Test>::InsufficientTokens);
			assert_noop!(
				<EnergyTokens as EnergyLedger<u64>>::feed_in(&1, &3, 100, res, 1),
				Error::<Test>::InsufficientTokens
			);
			assert_noop!(
				EnergyTokens::withdraw(RuntimeOrigin::root(), 1, 100, res, text("x")),
				Error::<Test>::NothingActive
			);
		}
		assert_eq!(root(), before);
		assert_eq!(pieces_of(1, 100, 7), [(0, 10, FedIn), (10, 30, Withdrawn)]);
		assert_eq!(pieces_of(1, 100, 8), [(0, 10, Expired)]);
		assert_ok!(EnergyTokens::do_try_state());
	});
}

/// Only governance sets the issuing body and the expiry period, within their bounds.
#[test]
fn governance_settings_are_checked() {
	new_test_ext().execute_with(|| {
		let before = root();
		assert_noop!(
			EnergyTokens::set_issuer(RuntimeOrigin::signed(1), text("Sunny Hill"), *b"DE"),
			DispatchError::BadOrigin
		);
		assert_noop!(
			EnergyTokens::set_issuer(RuntimeOrigin::root(), text("Sunny Hill"), *b"de"),
			Error::<Test>::InvalidCountry
		);
		assert_noop!(
			EnergyTokens::set_expiry_period(RuntimeOrigin::signed(1), 1_000),
			DispatchError::BadOrigin
		);
		assert_noop!(
			EnergyTokens::set_expiry_period(RuntimeOrigin::root(), MIN_EXPIRY_SLOTS - 1),
			Error::<Test>::ExpiryTooShort
		);
		assert_eq!(root(), before);
		assert_eq!(ExpirySlots::<Test>::get(), EXPIRY_SLOTS, "the default until set");
		assert_ok!(EnergyTokens::set_issuer(RuntimeOrigin::root(), text("Sunny Hill"), *b"DE"));
		let issuer = Issuer { name: text("Sunny Hill"), country: *b"DE" };
		System::assert_last_event(Event::IssuerSet { issuer: issuer.clone() }.into());
		assert_eq!(IssuingBody::<Test>::get(), issuer);
	});
}
