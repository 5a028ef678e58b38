//! The auction's life through the block hook: opening, gate closure, clearing.

use super::*;
use crate::{ClearingRule, Event, GridTrade, TradePages};
use frame_support::assert_ok;

const SLOT: MarketSlot = FIRST_SLOT + 1;

fn book_of_the_clearing_examples() {
	// The book of `energy-clearing`'s worked examples, in units per kWh × 1,000.
	assert_ok!(Market::place_bid(
		RuntimeOrigin::signed(CHARLIE),
		SLOT,
		meter_of(CHARLIE),
		1_000,
		60_000
	));
	assert_ok!(Market::place_bid(RuntimeOrigin::signed(DAVE), SLOT, meter_of(DAVE), 2_000, 90_000));
	assert_ok!(Market::place_bid(
		RuntimeOrigin::signed(ALICE),
		SLOT,
		meter_of(ALICE),
		1_500,
		80_000
	));
	assert_ok!(Market::place_bid(
		RuntimeOrigin::signed(CHARLIE),
		SLOT,
		meter_of(CHARLIE),
		500,
		50_000
	));
	assert_ok!(Market::place_offer(RuntimeOrigin::signed(BOB), SLOT, BOB_RES, 1_200, 70_000));
	assert_ok!(Market::place_offer(RuntimeOrigin::signed(BOB), SLOT, BOB_RES, 2_800, 75_000));
	assert_ok!(Market::place_offer(RuntimeOrigin::signed(ALICE), SLOT, ALICE_RES, 2_500, 40_000));
}

#[test]
fn gate_closure_closes_the_book_and_clears_it_with_average_bid() {
	new_test_ext().execute_with(|| {
		open_first_auctions();
		book_of_the_clearing_examples();
		run_to_ms(gate_of(SLOT) - 1);
		assert_eq!(status_of(SLOT), Some(AuctionStatus::Open));
		run_to_ms(gate_of(SLOT));
		assert_eq!(status_of(SLOT), Some(AuctionStatus::Cleared));
		let events = market_events();
		assert!(events.contains(&Event::BidsClosed {
			slot: SLOT,
			bids: 4,
			offers: 3,
			bid_wh: 5_000,
			offer_wh: 6_500
		}));
		assert!(events.contains(&Event::Cleared {
			slot: SLOT,
			rule: ClearingRule::AverageBid,
			mcp: Some(70_000),
			volume_wh: 3_500,
			trades: 3,
			binding_elements: 0,
			charges: 0,
		}));
		// Bid ids 0..3, offer ids 4..6 in placement order: DAVE's 90 then ALICE's 80 served,
		// BOB's 70 offer (id 4) then ALICE's 40 offer (id 6) used first-in-first-out.
		let page = TradePages::<Test>::get(SLOT, 0).expect("trades stored");
		assert_eq!(
			page.into_inner(),
			vec![
				GridTrade {
					bid: 1,
					offer: 4,
					wh: 1_200,
					buyer_price: 70_000,
					seller_price: 70_000
				},
				GridTrade { bid: 1, offer: 6, wh: 800, buyer_price: 70_000, seller_price: 70_000 },
				GridTrade {
					bid: 2,
					offer: 6,
					wh: 1_500,
					buyer_price: 70_000,
					seller_price: 70_000
				},
			]
		);
		assert_invariants();
	});
}

#[test]
fn the_rule_governance_chooses_applies_to_auctions_opened_afterwards() {
	new_test_ext().execute_with(|| {
		open_first_auctions();
		assert_ok!(Market::set_clearing_rule(RuntimeOrigin::root(), ClearingRule::UniformPrice));
		// SLOT opened under AverageBid and keeps it; SLOT + 2 opens under UniformPrice.
		run_to_ms((FIRST_SLOT as u64 + 1) * SLOT_MS);
		assert_eq!(Auctions::<Test>::get(SLOT).map(|a| a.rule), Some(ClearingRule::AverageBid));
		let later = SLOT + 2;
		assert_eq!(Auctions::<Test>::get(later).map(|a| a.rule), Some(ClearingRule::UniformPrice));
		assert_ok!(Market::place_bid(
			RuntimeOrigin::signed(CHARLIE),
			later,
			meter_of(CHARLIE),
			1_000,
			80_000
		));
		assert_ok!(Market::place_offer(RuntimeOrigin::signed(BOB), later, BOB_RES, 1_000, 70_000));
		run_to_ms(gate_of(later));
		assert_eq!(Auctions::<Test>::get(later).and_then(|a| a.mcp), Some(75_000));
	});
}

#[test]
fn an_empty_or_one_sided_book_clears_to_no_trade() {
	new_test_ext().execute_with(|| {
		open_first_auctions();
		assert_ok!(Market::place_offer(RuntimeOrigin::signed(BOB), SLOT, BOB_RES, 1_000, 70_000));
		run_to_ms(gate_of(SLOT));
		let auction = Auctions::<Test>::get(SLOT).expect("cleared");
		assert_eq!((auction.mcp, auction.trades, auction.volume_wh), (None, 0, 0));
		assert_eq!(TradePages::<Test>::iter_prefix(SLOT).count(), 0);
	});
}

#[test]
fn a_chain_that_was_down_skips_auctions_whose_gate_has_passed() {
	new_test_ext().execute_with(|| {
		open_first_auctions();
		// The chain comes back 10 slots later: SLOT and SLOT + 1 clear empty, slots up to
		// the new current one get no auction, the next two open.
		let back = (FIRST_SLOT as u64 + 10) * SLOT_MS;
		run_to_ms(back);
		assert_eq!(status_of(FIRST_SLOT + 10), None);
		assert_eq!(status_of(FIRST_SLOT + 11), Some(AuctionStatus::Open));
		assert_eq!(status_of(FIRST_SLOT + 12), Some(AuctionStatus::Open));
		assert_eq!(status_of(FIRST_SLOT + 5), None);
		assert_invariants();
	});
}

#[test]
fn the_clock_says_when_a_slots_gate_has_closed() {
	use energy_primitives::MarketClock;
	new_test_ext().execute_with(|| {
		open_first_auctions();
		// An open auction: closed at its gate closure, not a millisecond before.
		run_to_ms(gate_of(SLOT) - 1);
		assert!(!<Market as MarketClock>::gate_closed(SLOT));
		run_to_ms(gate_of(SLOT));
		assert!(<Market as MarketClock>::gate_closed(SLOT));
		// A slot without an auction yet: by the schedule; one far ahead is open.
		let far = SLOT + 100;
		assert!(Auctions::<Test>::get(far).is_none());
		assert!(!<Market as MarketClock>::gate_closed(far));
		// A past slot without an auction (never opened, or pruned) is closed.
		assert!(<Market as MarketClock>::gate_closed(FIRST_SLOT - 5));
	});
}

#[test]
fn the_clock_says_when_a_closed_auction_still_waits_for_its_clearing() {
	use energy_primitives::MarketClock;
	new_test_ext().execute_with(|| {
		open_first_auctions();
		assert!(!<Market as MarketClock>::clearing_due());
		// The gate has closed, but no block hook has run since: the auction is still open.
		pallet_timestamp::Now::<Test>::put(gate_of(SLOT));
		assert_eq!(status_of(SLOT), Some(AuctionStatus::Open));
		assert!(<Market as MarketClock>::clearing_due());
		// The next block clears it.
		run_to_ms(gate_of(SLOT) + 1);
		assert_eq!(status_of(SLOT), Some(AuctionStatus::Cleared));
		assert!(!<Market as MarketClock>::clearing_due());
	});
}
