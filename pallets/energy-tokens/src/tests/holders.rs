//! Holders and settlement: retirement (cancellation), delivery to buyers, feed-in. Tokens of
//! one certificate never become tokens of another.

use super::*;
use crate::{AwaitingClaim, Certificates, Error, Event, Holdings, TotalFedIn, TotalRetired};
use energy_primitives::EnergyMinter;
use frame_support::{assert_noop, assert_ok};
use CertificateStatus::*;

#[test]
fn retire_cancels_the_named_certificates_with_a_claim() {
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
		assert_eq!(pieces_of(1, 100, 7), [(0, 400, Cancelled), (400, 1_000, Active)]);
		assert!(!Holdings::<Test>::contains_key((1, 101, 8)), "an empty holding is removed");
		assert_eq!(pieces_of(1, 101, 8), [(0, 300, Cancelled)], "its pieces stay as the record");
		assert_eq!(Certificates::<Test>::get(100, 7).map(|c| c.cancelled_wh), Some(400));
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
		assert_noop!(retire(1, &[(102, 7, 1)]), Error::<Test>::UnknownCertificate);
		assert_noop!(retire(1, &[(100, 8, 1)]), Error::<Test>::UnknownCertificate);
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

/// Delivery and claims are two steps: the buyer holds the delivered Wh, active, until its
/// consumption of the slot is metered.
#[test]
fn delivery_moves_the_sellers_lowest_wh_to_the_buyer_active() {
	new_test_ext().execute_with(|| {
		assert_ok!(EnergyTokens::mint(&1, 7, 100, 1_000, CAP));
		assert_ok!(EnergyTokens::mint(&1, 7, 101, 1_000, CAP));
		assert_ok!(deliver(1, 2, 100, 7, 600));
		System::assert_last_event(
			Event::Delivered { seller: 1, buyer: 2, slot: 100, res: 7, wh: 600 }.into(),
		);
		assert_eq!(held(1, 100, 7), 400);
		assert_eq!(held(1, 101, 7), 1_000, "another slot's tokens are untouched");
		assert_eq!(held(2, 100, 7), 600);
		assert_eq!(pieces_of(2, 100, 7), [(0, 600, Active)]);
		assert_eq!(pieces_of(1, 100, 7), [(600, 1_000, Active)]);
		assert_eq!(AwaitingClaim::<Test>::get(2, 100).to_vec(), [7], "waits for the reading");
		assert_eq!(TotalRetired::<Test>::get(), 0, "delivered Wh are still active");
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
		assert_noop!(deliver(1, 2, 100, 7, 11), Error::<Test>::InsufficientTokens);
		assert_noop!(
			<EnergyTokens as EnergyLedger<u64>>::feed_in(&1, &3, 100, 7, 11),
			Error::<Test>::InsufficientTokens
		);
		assert_noop!(deliver(2, 1, 101, 7, 1), Error::<Test>::InsufficientTokens);
		assert_noop!(deliver(1, 2, 102, 7, 1), Error::<Test>::UnknownCertificate);
		assert_eq!(root(), before);
	});
}

/// A buyer's pieces of one certificate are bounded: a delivery that would need more fails
/// without effect (the market's trade then fails, and the seller keeps its tokens).
#[test]
fn a_delivery_beyond_the_buyers_pieces_bound_fails_without_effect() {
	new_test_ext().execute_with(|| {
		assert_ok!(EnergyTokens::mint(&1, 7, 100, CAP, CAP));
		for _ in 0..crate::MAX_PIECES {
			assert_ok!(deliver(1, 2, 100, 7, 1));
			assert_ok!(deliver(1, 3, 100, 7, 1));
		}
		assert_eq!(pieces_of(2, 100, 7).len() as u32, crate::MAX_PIECES);
		let before = root();
		assert_noop!(deliver(1, 2, 100, 7, 1), Error::<Test>::TooManyPieces);
		assert_eq!(root(), before);
		assert_ok!(EnergyTokens::do_try_state());
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
		assert_eq!(pieces_of(1, 100, 7), [(0, 10, FedIn)]);
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

/// A member whose bid met its own offer gets nothing delivered: the trade fails, and the Wh
/// stay its own, active, for feed-in or its own claim (never sold twice).
#[test]
fn a_delivery_to_the_seller_itself_fails_without_effect() {
	new_test_ext().execute_with(|| {
		assert_ok!(EnergyTokens::mint(&1, 7, 100, 10, CAP));
		<EnergyTokens as energy_primitives::ConsumptionRecorder<u64>>::record(&1, 100, 3);
		let before = root();
		assert_noop!(deliver(1, 1, 100, 7, 4), Error::<Test>::SelfDelivery);
		assert_eq!(root(), before);
		assert_eq!(pieces_of(1, 100, 7), [(0, 10, Active)]);
	});
}

/// A holder that fragments its own pieces (alternating its own claims and cancellations) is
/// stopped at `MAX_OWN_PIECES`, so that the deliveries of its later trades of the same
/// certificate still fit.
#[test]
fn a_holder_cannot_fragment_its_pieces_to_block_later_deliveries() {
	new_test_ext().execute_with(|| {
		assert_ok!(EnergyTokens::mint(&1, 7, 100, CAP, CAP));
		assert_ok!(deliver(1, 2, 100, 7, 1_000));
		<EnergyTokens as energy_primitives::ConsumptionRecorder<u64>>::record(&2, 100, 1_000);
		let mut calls = 0;
		loop {
			let result = if calls % 2 == 0 {
				EnergyTokens::claim(RuntimeOrigin::signed(2), 100, 7, 1)
			} else {
				EnergyTokens::retire(
					RuntimeOrigin::signed(2),
					certificates(&[(100, 7, 1)]),
					claim("x"),
				)
			};
			if result.is_err() {
				assert_eq!(result, Err(Error::<Test>::TooManyPieces.into()));
				break;
			}
			calls += 1;
		}
		assert_eq!(pieces_of(2, 100, 7).len() as u32, crate::MAX_OWN_PIECES);
		// Its 16 further trades with the same offer, each claimed in part at once, still land.
		for _ in 0..16 {
			assert_ok!(deliver(1, 3, 100, 7, 1));
			assert_ok!(deliver(1, 2, 100, 7, 2));
		}
		assert!(pieces_of(2, 100, 7).len() as u32 <= crate::MAX_PIECES);
		assert_ok!(EnergyTokens::do_try_state());
	});
}
