//! Sealed auctions: commit, reveal, void, and every abuse of them an adversary would try.

use super::properties::rule;
use super::*;
use crate::{
	commitment_hash, AuctionMode, ClearingRule, Commitments, Error, Event, HoldReason, OrderId,
	Orders, OrdersOfMember, SealedBook, SealedBooks, SealedSide, Side, TradePages,
};
use energy_clearing::money::cost_ceil;
use frame_support::{assert_noop, assert_ok, traits::fungible::InspectHold};
use proptest::prelude::*;
use sp_runtime::DispatchError;

const SLOT: MarketSlot = FIRST_SLOT + 1;
/// The tests' reveal window: three 2 ms mock blocks at the least, and 4 s to spare before the
/// slot starts under the test schedule's 10 s gate closure.
const REVEAL_MS: u64 = 6_000;

/// Seals the auctions opened from now on, then opens the first ones.
fn sealed_market() {
	assert_ok!(Market::set_auction_mode(
		RuntimeOrigin::root(),
		AuctionMode::Sealed { reveal_ms: REVEAL_MS }
	));
	open_first_auctions();
}

/// A bid of `who` at its consumption meter.
fn bid(who: u64) -> Side {
	Side::Bid { meter: meter_of(who) }
}

/// Commits `who` to `side`, `wh`, `price` (salt `salt`) with `max_wh` in the clear; returns
/// the order id it took.
fn commit(who: u64, side: Side, wh: u64, price: u128, max_wh: u64, salt: u8) -> OrderId {
	let hash = commitment_hash(&who, SLOT, &side, wh, price, &[salt; 32]);
	let sealed = if side.is_bid() { SealedSide::Bid } else { SealedSide::Offer };
	let id = Auctions::<Test>::get(SLOT).expect("open").next_order_id;
	assert_ok!(Market::commit_order(RuntimeOrigin::signed(who), SLOT, sealed, max_wh, hash));
	id
}

fn reveal(
	who: u64,
	id: OrderId,
	side: Side,
	wh: u64,
	price: u128,
	salt: u8,
) -> sp_runtime::DispatchResult {
	Market::reveal_order(RuntimeOrigin::signed(who), SLOT, id, side, wh, price, [salt; 32])
}

fn hold(reason: HoldReason, who: u64) -> u128 {
	Balances::balance_on_hold(&reason.into(), &who)
}

/// The bond of a commitment of `max_wh`: the fixed part and the retail cap on it.
fn bond(max_wh: u64) -> u128 {
	REVEAL_BOND + cost_ceil(RETAIL, max_wh)
}

fn book() -> SealedBook {
	SealedBooks::<Test>::get(SLOT).expect("a sealed book")
}

/// Runs the hook at `SLOT`'s gate closure: the reveal window opens.
fn close_gate() {
	run_to_ms(gate_of(SLOT));
	assert_eq!(status_of(SLOT), Some(AuctionStatus::Revealing));
}

/// Runs the hook through the end of the reveal window (its time and its three blocks, the
/// gate's being the first): the revealed book clears.
fn end_window() {
	run_to_ms(gate_of(SLOT) + REVEAL_MS / 2);
	assert_eq!(status_of(SLOT), Some(AuctionStatus::Revealing));
	run_to_ms(gate_of(SLOT) + REVEAL_MS - 1);
	assert_eq!(status_of(SLOT), Some(AuctionStatus::Revealing), "the window's time is not over");
	run_to_ms(gate_of(SLOT) + REVEAL_MS);
	assert_eq!(status_of(SLOT), Some(AuctionStatus::Cleared));
}

/// Settles `SLOT` to the end.
fn settle() {
	run_to_ms(settle_time_of(SLOT));
	run_to_ms(settle_time_of(SLOT) + 1);
	assert_eq!(status_of(SLOT), Some(AuctionStatus::Settled));
}

#[test]
fn the_commitment_hash_is_the_documented_test_vector() {
	// The README's vector, also computed by polkadot.js in the network test: //Alice commits to
	// a bid at meter 3 for 7 Wh at 80,000 per kWh in slot 29,452,800 with the salt 0x2a × 32.
	let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
	let alice: [u8; 32] = (0..32)
		.map(|i| {
			let key = "d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d";
			u8::from_str_radix(&key[2 * i..2 * i + 2], 16).expect("hex")
		})
		.collect::<Vec<_>>()
		.try_into()
		.expect("32 bytes");
	let alice = sp_core::crypto::AccountId32::new(alice);
	let hash = commitment_hash(&alice, 29_452_800, &Side::Bid { meter: 3 }, 7, 80_000, &[0x2a; 32]);
	assert_eq!(hex(&hash), "c0165a4fcf75a938fdea9c642fcd45c63f00f0662dc3441bf0153561a741b0db");
	// An offer from RES 3 of the same account hashes differently: the side is bound.
	let offer =
		commitment_hash(&alice, 29_452_800, &Side::Offer { res: 3 }, 7, 80_000, &[0x2a; 32]);
	assert_ne!(hash, offer);
}

#[test]
fn a_sealed_auction_runs_from_commit_to_settlement() {
	new_test_ext().execute_with(|| {
		sealed_market();
		let charlie = commit(CHARLIE, bid(CHARLIE), 1_000, 80_000, 1_500, 1);
		let bob = commit(BOB, Side::Offer { res: BOB_RES }, 1_000, 40_000, 2_000, 2);
		// The worst order of the stated size is held, and the bond.
		assert_eq!(hold(HoldReason::BidMaxCost, CHARLIE), cost_ceil(RETAIL, 1_500));
		assert_eq!(hold(HoldReason::OfferDeposit, BOB), cost_ceil(RETAIL, 2_000));
		assert_eq!(hold(HoldReason::RevealBond, CHARLIE), bond(1_500));
		assert_eq!(hold(HoldReason::RevealBond, BOB), bond(2_000));
		// Nothing of the orders is in the book, nor in any event: only their sides and sizes.
		assert_eq!(Orders::<Test>::iter_prefix(SLOT).count(), 0);
		assert!(market_events().contains(&Event::OrderCommitted {
			slot: SLOT,
			id: charlie,
			who: CHARLIE,
			side: SealedSide::Bid,
			max_wh: 1_500,
			held: cost_ceil(RETAIL, 1_500),
			bond: bond(1_500),
		}));
		assert_invariants();

		assert!(!<Market as energy_primitives::MarketClock>::clearing_due());
		close_gate();
		// While the auction reveals, the DSO's grid must not change (pallet-grid's
		// `ClearingDue`).
		assert!(<Market as energy_primitives::MarketClock>::clearing_due());
		assert!(market_events().contains(&Event::RevealStarted {
			slot: SLOT,
			commitments: 2,
			reveal_until: gate_of(SLOT) + REVEAL_MS,
		}));
		assert_ok!(reveal(CHARLIE, charlie, bid(CHARLIE), 1_000, 80_000, 1));
		assert_ok!(reveal(BOB, bob, Side::Offer { res: BOB_RES }, 1_000, 40_000, 2));
		// Each now holds what its order holds, and no bond.
		assert_eq!(hold(HoldReason::BidMaxCost, CHARLIE), cost_ceil(80_000, 1_000));
		assert_eq!(hold(HoldReason::OfferDeposit, BOB), cost_ceil(RETAIL - 40_000, 1_000));
		assert_eq!(hold(HoldReason::RevealBond, CHARLIE), 0);
		assert_eq!(Orders::<Test>::get(SLOT, charlie).expect("revealed").price, 80_000);
		assert_invariants();

		end_window();
		assert!(!<Market as energy_primitives::MarketClock>::clearing_due());
		// AverageBid: the bid's price, one trade of 1 kWh.
		let auction = Auctions::<Test>::get(SLOT).expect("cleared");
		assert_eq!((auction.bids, auction.offers, auction.volume_wh), (1, 1, 1_000));
		assert_eq!(auction.mcp, Some(80_000));
		attest(BOB, BOB_RES, SLOT, 1_000);
		settle();
		assert_eq!(free(CHARLIE), START - 80_000);
		assert_eq!(free(BOB), START + 80_000);
		assert_eq!(book().revealed, 2);
		assert_eq!((book().voided, book().forfeited), (0, 0));
		assert_invariants();
	});
}

#[test]
fn unrevealed_commitments_are_void_and_forfeit_their_bond() {
	new_test_ext().execute_with(|| {
		sealed_market();
		let issuance = Balances::total_issuance();
		let dave = commit(DAVE, bid(DAVE), 500, 90_000, 500, 7);
		close_gate();
		end_window();
		// The book cleared without it; the commitment waits for settlement to be voided.
		let auction = Auctions::<Test>::get(SLOT).expect("cleared");
		assert_eq!((auction.bids, auction.trades), (0, 0));
		assert_invariants();
		settle();
		assert!(market_events().contains(&Event::CommitmentVoided {
			slot: SLOT,
			id: dave,
			who: DAVE,
			forfeited: bond(500),
		}));
		assert_eq!(free(DAVE), START - bond(500));
		assert_eq!(hold(HoldReason::BidMaxCost, DAVE) + hold(HoldReason::RevealBond, DAVE), 0);
		// Burned: nobody, not even the block author, gains from a reveal left out.
		assert_eq!(Balances::total_issuance(), issuance - bond(500));
		assert_eq!((book().voided, book().forfeited), (1, bond(500)));
		assert_eq!(OrdersOfMember::<Test>::get(SLOT, DAVE), 0);
		assert_eq!(Commitments::<Test>::iter_prefix(SLOT).count(), 0);
		assert_invariants();
	});
}

#[test]
fn commitments_are_refused_with_named_errors_and_change_nothing() {
	new_test_ext().execute_with(|| {
		open_first_auctions();
		let hash = [1; 32];
		let open =
			|who| Market::commit_order(RuntimeOrigin::signed(who), SLOT, SealedSide::Bid, 10, hash);
		// An open auction takes no commitments.
		assert_noop!(open(CHARLIE), Error::<Test>::AuctionNotSealed);
	});
	new_test_ext().execute_with(|| {
		sealed_market();
		let commit_as = |who, side, max_wh| {
			Market::commit_order(RuntimeOrigin::signed(who), SLOT, side, max_wh, [1; 32])
		};
		assert_noop!(commit_as(BOB, SealedSide::Bid, 10), Error::<Test>::NotConsumer);
		assert_noop!(commit_as(CHARLIE, SealedSide::Offer, 10), Error::<Test>::NotProducer);
		assert_noop!(commit_as(STRANGER, SealedSide::Bid, 10), Error::<Test>::NotConsumer);
		assert_noop!(commit_as(CHARLIE, SealedSide::Bid, 0), Error::<Test>::ZeroEnergy);
		// The worst case at the retail cap, or the bond, beyond the free balance.
		assert_noop!(
			commit_as(CHARLIE, SealedSide::Bid, 1_100_000),
			Error::<Test>::InsufficientFunds
		);
		assert_noop!(
			Market::commit_order(
				RuntimeOrigin::signed(CHARLIE),
				FIRST_SLOT + 5,
				SealedSide::Bid,
				1,
				[1; 32]
			),
			Error::<Test>::AuctionNotOpen
		);
		for _ in 0..4 {
			assert_ok!(commit_as(CHARLIE, SealedSide::Bid, 10));
		}
		assert_noop!(commit_as(CHARLIE, SealedSide::Bid, 10), Error::<Test>::TooManyOrders);
		MaxOrdersPerSlot::set(5);
		assert_ok!(commit_as(DAVE, SealedSide::Bid, 10));
		assert_noop!(commit_as(DAVE, SealedSide::Bid, 10), Error::<Test>::BookFull);
		run_to_ms(gate_of(SLOT));
		assert_noop!(commit_as(DAVE, SealedSide::Bid, 10), Error::<Test>::AuctionNotOpen);
		assert_invariants();
	});
}

#[test]
fn reveals_are_refused_with_named_errors_and_change_nothing() {
	new_test_ext().execute_with(|| {
		sealed_market();
		let side = bid(CHARLIE);
		let id = commit(CHARLIE, side, 1_000, 80_000, 1_000, 1);
		let too_much = commit(CHARLIE, side, 2_000, 80_000, 1_000, 2);
		let above_retail = commit(CHARLIE, side, 1_000, RETAIL + 1, 1_000, 3);
		let foreign_meter = commit(CHARLIE, bid(DAVE), 1_000, 80_000, 1_000, 4);
		// Before gate closure the book takes commitments, not reveals.
		assert_noop!(reveal(CHARLIE, id, side, 1_000, 80_000, 1), Error::<Test>::NotRevealing);
		close_gate();
		assert_noop!(
			reveal(CHARLIE, id, side, 1_000, 80_000, 9),
			Error::<Test>::CommitmentMismatch
		);
		assert_noop!(
			reveal(CHARLIE, id, side, 1_000, 80_001, 1),
			Error::<Test>::CommitmentMismatch
		);
		assert_noop!(reveal(CHARLIE, id, side, 999, 80_000, 1), Error::<Test>::CommitmentMismatch);
		let offer = Side::Offer { res: BOB_RES };
		assert_noop!(
			reveal(CHARLIE, id, offer, 1_000, 80_000, 1),
			Error::<Test>::CommitmentMismatch
		);
		assert_noop!(reveal(DAVE, id, side, 1_000, 80_000, 1), Error::<Test>::NotCommitmentOwner);
		assert_noop!(reveal(CHARLIE, 77, side, 1_000, 80_000, 1), Error::<Test>::UnknownCommitment);
		assert_noop!(
			reveal(CHARLIE, too_much, side, 2_000, 80_000, 2),
			Error::<Test>::AboveCommittedEnergy
		);
		// The usual rules of a placed order hold at the reveal.
		assert_noop!(
			reveal(CHARLIE, above_retail, side, 1_000, RETAIL + 1, 3),
			Error::<Test>::PriceAboveRetail
		);
		assert_noop!(
			reveal(CHARLIE, foreign_meter, bid(DAVE), 1_000, 80_000, 4),
			Error::<Test>::NotMeterOwner
		);
		assert_ok!(reveal(CHARLIE, id, side, 1_000, 80_000, 1));
		// A reveal repeated (or replayed from the pool) is refused.
		assert_noop!(reveal(CHARLIE, id, side, 1_000, 80_000, 1), Error::<Test>::AlreadyRevealed);
		assert_invariants();
		end_window();
		let late = reveal(CHARLIE, too_much, side, 2_000, 80_000, 2);
		assert_noop!(late, Error::<Test>::NotRevealing);
		assert_invariants();
	});
}

#[test]
fn a_sealed_book_takes_no_more_commitments_than_its_window_can_reveal() {
	new_test_ext().execute_with(|| {
		sealed_market();
		// The mock's blocks: 2 ms, 1.5 s of normal weight each; half of it for reveals.
		let blocks = REVEAL_MS / 2;
		let weights: frame_system::limits::BlockWeights =
			<<Test as frame_system::Config>::BlockWeights as frame_support::traits::Get<_>>::get();
		let normal = weights
			.get(frame_support::dispatch::DispatchClass::Normal)
			.max_total
			.expect("a normal limit")
			.ref_time();
		let reveal = Market::reveal_order_weight().ref_time();
		let capacity = (normal / 2 * blocks / reveal).min(MaxOrdersPerSlot::get().into()) as u32;
		assert_eq!(book().capacity, capacity);
		let six_blocks = (normal / 2 * 6 / reveal).min(MaxOrdersPerSlot::get().into()) as u32;
		assert_eq!(Market::commitment_capacity(6 * 2), six_blocks);
		// A book whose window reveals one commitment takes one.
		SealedBooks::<Test>::mutate(SLOT, |book| book.as_mut().expect("sealed").capacity = 1);
		commit(CHARLIE, bid(CHARLIE), 1_000, 80_000, 1_000, 1);
		assert_noop!(
			Market::commit_order(RuntimeOrigin::signed(DAVE), SLOT, SealedSide::Bid, 10, [0; 32]),
			Error::<Test>::TooManyCommitments
		);
		assert_invariants();
	});
}

#[test]
fn a_copied_commitment_can_never_be_revealed_by_its_copier() {
	new_test_ext().execute_with(|| {
		sealed_market();
		let side = bid(CHARLIE);
		let hash = commitment_hash(&CHARLIE, SLOT, &side, 1_000, 80_000, &[5; 32]);
		let charlie = commit(CHARLIE, side, 1_000, 80_000, 1_000, 5);
		// Dave copies Charlie's commitment from the chain...
		let copy = Auctions::<Test>::get(SLOT).expect("open").next_order_id;
		assert_ok!(Market::commit_order(
			RuntimeOrigin::signed(DAVE),
			SLOT,
			SealedSide::Bid,
			1_000,
			hash
		));
		close_gate();
		// ...and, once Charlie's reveal is public, replays its fields and salt for his copy.
		assert_ok!(reveal(CHARLIE, charlie, side, 1_000, 80_000, 5));
		assert_noop!(reveal(DAVE, copy, side, 1_000, 80_000, 5), Error::<Test>::CommitmentMismatch);
		assert_noop!(
			reveal(DAVE, copy, bid(DAVE), 1_000, 80_000, 5),
			Error::<Test>::CommitmentMismatch
		);
		end_window();
		settle();
		// The copy is void: the copier lost its bond.
		assert_eq!(free(DAVE), START - bond(1_000));
		assert_invariants();
	});
}

#[test]
fn a_reveal_seen_in_the_pool_cannot_be_front_run() {
	new_test_ext().execute_with(|| {
		sealed_market();
		let side = bid(CHARLIE);
		let charlie = commit(CHARLIE, side, 1_000, 80_000, 1_000, 5);
		let dave = commit(DAVE, bid(DAVE), 1_000, 60_000, 1_000, 6);
		close_gate();
		// Dave sees Charlie's reveal in the pool before it is included. No order can enter the
		// book after gate closure, in the clear or sealed...
		assert_noop!(
			Market::place_bid(RuntimeOrigin::signed(DAVE), SLOT, meter_of(DAVE), 1_000, 80_001),
			Error::<Test>::AuctionNotOpen
		);
		assert_noop!(
			Market::commit_order(RuntimeOrigin::signed(DAVE), SLOT, SealedSide::Bid, 1, [0; 32]),
			Error::<Test>::AuctionNotOpen
		);
		// ...his own commitment cannot change to outbid Charlie...
		assert_noop!(
			reveal(DAVE, dave, bid(DAVE), 1_000, 80_001, 6),
			Error::<Test>::CommitmentMismatch
		);
		// ...and Charlie's reveal, submitted by Dave, is refused.
		assert_noop!(
			reveal(DAVE, charlie, side, 1_000, 80_000, 5),
			Error::<Test>::NotCommitmentOwner
		);
		assert_ok!(reveal(CHARLIE, charlie, side, 1_000, 80_000, 5));
		assert_invariants();
	});
}

#[test]
fn revealing_only_when_winning_costs_more_than_it_gains() {
	new_test_ext().execute_with(|| {
		assert_ok!(Market::set_clearing_rule(RuntimeOrigin::root(), ClearingRule::PayAsBid));
		sealed_market();
		// Dave commits to two bids for the same energy, a high and a low one, to choose after
		// the sellers revealed.
		let high = commit(DAVE, bid(DAVE), 1_000, 90_000, 1_000, 1);
		let low = commit(DAVE, bid(DAVE), 1_000, 50_000, 1_000, 2);
		let offer = commit(BOB, Side::Offer { res: BOB_RES }, 1_000, 45_000, 1_000, 3);
		close_gate();
		assert_ok!(reveal(BOB, offer, Side::Offer { res: BOB_RES }, 1_000, 45_000, 3));
		// Bob's reserve is low: Dave reveals only the low bid.
		assert_ok!(reveal(DAVE, low, bid(DAVE), 1_000, 50_000, 2));
		end_window();
		attest(BOB, BOB_RES, SLOT, 1_000);
		settle();
		assert!(!Orders::<Test>::contains_key(SLOT, high));
		// The choice saved him 40 per kWh on 1 kWh; the void high bid burned its bond, which
		// covers the retail cap on its energy: no price choice can gain more.
		let gain = cost_ceil(90_000 - 50_000, 1_000);
		let paid = 50_000;
		assert_eq!(free(DAVE), START - paid - bond(1_000));
		assert!(bond(1_000) > gain, "the bond {} must exceed the gain {gain}", bond(1_000));
		// Revealing both would have cost him the high bid's price, and no bond.
		assert!(START - paid - bond(1_000) < START - 90_000);
		assert_invariants();
	});
}

#[test]
fn a_commitment_can_be_withdrawn_before_gate_closure_by_its_owner_only() {
	new_test_ext().execute_with(|| {
		sealed_market();
		let id = commit(CHARLIE, bid(CHARLIE), 1_000, 80_000, 1_000, 1);
		assert_noop!(
			Market::cancel_order(RuntimeOrigin::signed(DAVE), SLOT, id),
			Error::<Test>::NotOrderOwner
		);
		assert_ok!(Market::cancel_order(RuntimeOrigin::signed(CHARLIE), SLOT, id));
		assert_eq!(free(CHARLIE), START);
		assert_eq!(book().unrevealed(), 0);
		assert_eq!(Auctions::<Test>::get(SLOT).expect("open").bids, 0);
		assert_eq!(OrdersOfMember::<Test>::get(SLOT, CHARLIE), 0);
		assert_invariants();
		let again = commit(CHARLIE, bid(CHARLIE), 1_000, 80_000, 1_000, 1);
		close_gate();
		assert_noop!(
			Market::cancel_order(RuntimeOrigin::signed(CHARLIE), SLOT, again),
			Error::<Test>::AuctionNotOpen
		);
	});
}

#[test]
fn the_reveal_window_must_fit_the_schedule() {
	new_test_ext().execute_with(|| {
		let sealed = |reveal_ms| AuctionMode::Sealed { reveal_ms };
		// Three mock blocks (2 ms each) at the least.
		assert_noop!(
			Market::set_auction_mode(RuntimeOrigin::root(), sealed(5)),
			Error::<Test>::RevealWindowDoesNotFit
		);
		// Ending a block before the slot starts: the gate closes 10 s before it.
		assert_noop!(
			Market::set_auction_mode(RuntimeOrigin::root(), sealed(9_999)),
			Error::<Test>::RevealWindowDoesNotFit
		);
		assert_noop!(
			Market::set_auction_mode(RuntimeOrigin::signed(CHARLIE), sealed(REVEAL_MS)),
			DispatchError::BadOrigin
		);
		assert_ok!(Market::set_auction_mode(RuntimeOrigin::root(), sealed(6)));
		assert_ok!(Market::set_auction_mode(RuntimeOrigin::root(), sealed(9_998)));
		// A schedule whose gate closes too late for the window is refused.
		let mut short = schedule();
		short.gate_closure_ms = 9_999;
		assert_noop!(
			Market::set_schedule(RuntimeOrigin::root(), short),
			Error::<Test>::RevealWindowDoesNotFit
		);
		assert_ok!(Market::set_auction_mode(RuntimeOrigin::root(), AuctionMode::Open));
		assert_ok!(Market::set_schedule(RuntimeOrigin::root(), short));
	});
}

#[test]
fn a_chain_late_to_the_gate_shifts_the_reveal_window() {
	new_test_ext().execute_with(|| {
		sealed_market();
		let id = commit(CHARLIE, bid(CHARLIE), 1_000, 80_000, 1_000, 1);
		// The chain was stalled for 3 s over the gate: the window still lasts 6 s.
		run_to_ms(gate_of(SLOT) + 3_000);
		assert_eq!(book().reveal_until, gate_of(SLOT) + 3_000 + REVEAL_MS);
		run_to_ms(gate_of(SLOT) + REVEAL_MS);
		assert_eq!(status_of(SLOT), Some(AuctionStatus::Revealing));
		assert_ok!(reveal(CHARLIE, id, bid(CHARLIE), 1_000, 80_000, 1));
		run_to_ms(gate_of(SLOT) + 3_000 + REVEAL_MS - 1);
		assert_eq!(status_of(SLOT), Some(AuctionStatus::Revealing));
		run_to_ms(gate_of(SLOT) + 3_000 + REVEAL_MS);
		assert_eq!(status_of(SLOT), Some(AuctionStatus::Cleared));
	});
}

#[test]
fn a_window_lasts_its_blocks_when_the_chain_stalls_in_it() {
	new_test_ext().execute_with(|| {
		sealed_market();
		let id = commit(CHARLIE, bid(CHARLIE), 1_000, 80_000, 1_000, 1);
		let dave = commit(DAVE, bid(DAVE), 500, 90_000, 500, 2);
		close_gate();
		// The next block comes after the window's time: the gate's block and this one are not
		// the three blocks promised, so the window stays open and Charlie can still reveal.
		run_to_ms(gate_of(SLOT) + REVEAL_MS + 1_000);
		assert_eq!(status_of(SLOT), Some(AuctionStatus::Revealing));
		run_to_ms(gate_of(SLOT) + REVEAL_MS + 1_001);
		assert_eq!(status_of(SLOT), Some(AuctionStatus::Revealing));
		assert_ok!(reveal(CHARLIE, id, bid(CHARLIE), 1_000, 80_000, 1));
		// The third block after the gate's: the window had its blocks (the gate's and two).
		run_to_ms(gate_of(SLOT) + REVEAL_MS + 1_002);
		assert_eq!(status_of(SLOT), Some(AuctionStatus::Cleared));
		// Dave had his three blocks: his bond burns.
		settle();
		assert!(market_events().contains(&Event::CommitmentVoided {
			slot: SLOT,
			id: dave,
			who: DAVE,
			forfeited: bond(500),
		}));
		assert_invariants();
	});
}

#[test]
fn a_window_cut_short_by_the_slots_start_returns_the_bonds() {
	new_test_ext().execute_with(|| {
		sealed_market();
		let dave = commit(DAVE, bid(DAVE), 500, 90_000, 500, 2);
		close_gate();
		// The chain stalls from the gate's block to past the slot's start: the window had one
		// block. The book clears before delivery goes on, and the void commitment's bond comes
		// back.
		run_to_ms(SLOT as u64 * SLOT_MS + 1);
		assert_eq!(status_of(SLOT), Some(AuctionStatus::Cleared));
		assert!(book().bonds_returned);
		settle();
		assert!(market_events().contains(&Event::CommitmentVoided {
			slot: SLOT,
			id: dave,
			who: DAVE,
			forfeited: 0,
		}));
		assert_eq!(free(DAVE), START);
		assert_invariants();
	});
}

#[test]
fn standing_orders_stay_open_in_a_sealed_auction() {
	new_test_ext().execute_with(|| {
		assert_ok!(Market::set_standing_order(
			RuntimeOrigin::signed(CHARLIE),
			bid(CHARLIE),
			70_000,
			crate::StandingQuantity::Fixed { wh: 100 },
			100
		));
		sealed_market();
		// Placed in the clear at the opening, before any commitment: order id 0.
		let order = Orders::<Test>::get(SLOT, 0).expect("the standing bid is in the open book");
		assert_eq!((order.owner, order.wh, order.price), (CHARLIE, 100, 70_000));
		assert_invariants();
	});
}

/// An order of the property test: who, side, Wh, price.
#[derive(Clone, Debug)]
struct Placed {
	who: u64,
	offer: bool,
	wh: u64,
	price: u128,
}

fn placed() -> impl Strategy<Value = Placed> {
	(0usize..4, 1u64..1_000, 1u128..=RETAIL).prop_map(|(who, wh, price)| {
		let (who, offer) = [(CHARLIE, false), (DAVE, false), (ALICE, true), (BOB, true)][who];
		Placed { who, offer, wh, price }
	})
}

fn side_of(order: &Placed) -> Side {
	match (order.offer, order.who) {
		(true, ALICE) => Side::Offer { res: ALICE_RES },
		(true, _) => Side::Offer { res: BOB_RES },
		(false, who) => bid(who),
	}
}

/// Runs `orders` through `SLOT`'s auction under `rule`, open or sealed, to its clearing;
/// returns the trades and the `Cleared` event.
fn clear(
	rule: ClearingRule,
	orders: &[Placed],
	sealed: bool,
) -> (Vec<crate::GridTrade>, Event<Test>) {
	new_test_ext().execute_with(|| {
		assert_ok!(Market::set_clearing_rule(RuntimeOrigin::root(), rule));
		if sealed {
			sealed_market();
		} else {
			open_first_auctions();
		}
		let mut ids = Vec::new();
		for (n, order) in orders.iter().enumerate() {
			let side = side_of(order);
			if sealed {
				ids.push(commit(order.who, side, order.wh, order.price, order.wh, n as u8));
			} else if order.offer {
				let Side::Offer { res } = side else { unreachable!() };
				assert_ok!(Market::place_offer(
					RuntimeOrigin::signed(order.who),
					SLOT,
					res,
					order.wh,
					order.price
				));
			} else {
				let meter = meter_of(order.who);
				assert_ok!(Market::place_bid(
					RuntimeOrigin::signed(order.who),
					SLOT,
					meter,
					order.wh,
					order.price
				));
			}
		}
		run_to_ms(gate_of(SLOT));
		if sealed {
			// Revealed in reverse: the order of the reveals does not matter.
			for (n, order) in orders.iter().enumerate().rev() {
				assert_ok!(reveal(
					order.who,
					ids[n],
					side_of(order),
					order.wh,
					order.price,
					n as u8
				));
			}
			end_window();
		}
		assert_eq!(status_of(SLOT), Some(AuctionStatus::Cleared));
		assert_invariants();
		let trades = TradePages::<Test>::iter_prefix(SLOT)
			.collect::<std::collections::BTreeMap<_, _>>()
			.into_values()
			.flat_map(|page| page.into_inner())
			.collect();
		let cleared = market_events()
			.into_iter()
			.find(|event| matches!(event, Event::Cleared { .. }))
			.expect("a Cleared event");
		(trades, cleared)
	})
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(48))]
	/// For the same orders (at most four per member, the mock's bound), sealed and open
	/// clearing give identical trades, prices and totals.
	#[test]
	fn sealed_and_open_clearing_give_identical_results(
		rule in rule(),
		orders in prop::collection::vec(placed(), 0..16),
	) {
		let mut per_member = std::collections::BTreeMap::<u64, u32>::new();
		let orders: Vec<Placed> = orders
			.into_iter()
			.filter(|order| {
				let count = per_member.entry(order.who).or_default();
				*count += 1;
				*count <= 4
			})
			.collect();
		let open = clear(rule, &orders, false);
		let sealed = clear(rule, &orders, true);
		prop_assert_eq!(open, sealed);
	}
}
