//! Settlement against attested delivery, the feed-in of unsold energy, pruning, and bounded
//! steps.

use super::*;
use crate::{Event, HoldReason, Orders, OrdersOfMember, SettledSlots, TradePages};
use frame_support::{
	assert_ok,
	traits::fungible::{Inspect, InspectHold},
	weights::Weight,
};

const SLOT: MarketSlot = FIRST_SLOT + 1;

/// The tokens `who` holds of the certificate of `res` in `slot`.
fn held(who: u64, slot: MarketSlot, res: u32) -> u64 {
	pallet_energy_tokens::Pallet::<Test>::holding(&who, slot, res)
}

/// Alice offers 3,000 Wh at 40,000; Charlie bids 2,000 at 90,000 and Dave 1,000 at 60,000.
/// AverageBid: MCP 75,000; Dave's 60,000 is under it; Charlie buys 2,000 Wh from Alice.
fn one_trade_book() {
	assert_ok!(Market::place_offer(RuntimeOrigin::signed(ALICE), SLOT, ALICE_RES, 3_000, 40_000));
	assert_ok!(Market::place_bid(
		RuntimeOrigin::signed(CHARLIE),
		SLOT,
		meter_of(CHARLIE),
		2_000,
		90_000
	));
	assert_ok!(Market::place_bid(RuntimeOrigin::signed(DAVE), SLOT, meter_of(DAVE), 1_000, 60_000));
}

fn total_money() -> u128 {
	(1..=7).map(|who| Balances::total_balance(&who)).sum()
}

fn no_holds_left() -> bool {
	(1..=7).all(|who| {
		Balances::balance_on_hold(&HoldReason::BidMaxCost.into(), &who) == 0
			&& Balances::balance_on_hold(&HoldReason::OfferDeposit.into(), &who) == 0
	})
}

#[test]
fn full_delivery_pays_the_seller_retires_the_tokens_and_sells_the_rest_at_feed_in() {
	new_test_ext().execute_with(|| {
		open_first_auctions();
		one_trade_book();
		run_to_ms(gate_of(SLOT));
		// Alice's meter attests 2,500 Wh exported in SLOT.
		attest(ALICE, ALICE_RES, SLOT, 2_500);
		run_to_ms(settle_time_of(SLOT) - 1);
		assert_eq!(status_of(SLOT), Some(AuctionStatus::Cleared), "grace window not over");
		run_to_ms(settle_time_of(SLOT));
		assert_eq!(status_of(SLOT), Some(AuctionStatus::Settled));

		// Charlie paid 2 kWh × 75,000; Alice got it, plus 0.5 kWh × 39,000 from the utility.
		assert_eq!(free(CHARLIE), START - 150_000);
		assert_eq!(free(ALICE), START + 150_000 + 19_500);
		assert_eq!(free(UTILITY), START - 19_500);
		assert_eq!(free(DAVE), START);
		assert!(no_holds_left());
		assert_eq!(total_money(), 7 * START);
		// 2,000 tokens delivered to Charlie, active until his metered consumption claims
		// them; 500 bought by the utility: the certificate says where each went.
		assert_eq!(held(ALICE, SLOT, ALICE_RES), 0);
		assert_eq!(held(CHARLIE, SLOT, ALICE_RES), 2_000);
		assert_eq!(held(UTILITY, SLOT, ALICE_RES), 0);
		assert_eq!(pallet_energy_tokens::TotalRetired::<Test>::get(), 0);
		let certificate = pallet_energy_tokens::Certificates::<Test>::get(SLOT, ALICE_RES);
		assert_eq!(
			certificate.map(|c| (c.minted_wh, c.active_wh(), c.fed_in_wh)),
			Some((2_500, 2_000, 500))
		);
		let events = market_events();
		assert!(events.contains(&Event::TradeSettled {
			slot: SLOT,
			bid: 1,
			offer: 0,
			buyer: CHARLIE,
			seller: ALICE,
			wh: 2_000,
			delivered_wh: 2_000,
			paid: 150_000,
			charges: 0,
			penalty: 0,
		}));
		assert!(events.contains(&Event::Settled {
			slot: SLOT,
			delivered_wh: 2_000,
			shortfall_wh: 0,
			paid: 150_000,
			charges: 0,
			penalties: 0,
			feed_in_wh: 500,
			feed_in_paid: 19_500,
		}));
		assert_invariants();
	});
}

#[test]
fn a_shortfall_is_refunded_and_compensated_from_the_sellers_deposit() {
	new_test_ext().execute_with(|| {
		open_first_auctions();
		one_trade_book();
		run_to_ms(gate_of(SLOT));
		attest(ALICE, ALICE_RES, SLOT, 1_500);
		run_to_ms(settle_time_of(SLOT));
		// 1,500 Wh delivered at 75,000 → 112,500; 500 Wh short → (95,000 − 75,000) × 0.5 kWh
		// = 10,000 from Alice's deposit to Charlie.
		assert_eq!(free(CHARLIE), START - 112_500 + 10_000);
		assert_eq!(free(ALICE), START + 112_500 - 10_000);
		assert_eq!(free(UTILITY), START);
		assert!(no_holds_left());
		assert_eq!(total_money(), 7 * START);
		let summary = Auctions::<Test>::get(SLOT).expect("summary kept");
		assert_eq!(
			(summary.delivered_wh, summary.shortfall_wh, summary.paid, summary.penalties),
			(1_500, 500, 112_500, 10_000)
		);
		assert_invariants();
	});
}

#[test]
fn nothing_attested_means_nothing_paid_and_the_full_penalty() {
	new_test_ext().execute_with(|| {
		open_first_auctions();
		one_trade_book();
		run_to_ms(settle_time_of(SLOT));
		assert_eq!(free(CHARLIE), START + 40_000);
		assert_eq!(free(ALICE), START - 40_000);
		assert_eq!(total_money(), 7 * START);
		assert!(no_holds_left());
	});
}

#[test]
fn tokens_of_another_slot_do_not_deliver_this_one() {
	new_test_ext().execute_with(|| {
		open_first_auctions();
		one_trade_book();
		attest(ALICE, ALICE_RES, SLOT + 1, 5_000);
		run_to_ms(settle_time_of(SLOT));
		let summary = Auctions::<Test>::get(SLOT).expect("summary kept");
		assert_eq!((summary.delivered_wh, summary.shortfall_wh), (0, 2_000));
		assert_eq!(held(ALICE, SLOT + 1, ALICE_RES), 5_000);
	});
}

/// Hole 9: a seller's tokens are held per certificate. Alice holds plenty of her RES's tokens
/// of the next slot and earlier slots, and Bob's RES's tokens of this very slot were minted to
/// Bob: none of them delivers Alice's trade of this slot, which falls short and pays its
/// penalty; the tokens stay where they were.
#[test]
fn only_the_sellers_tokens_of_that_slot_and_res_deliver_its_trade() {
	new_test_ext().execute_with(|| {
		open_first_auctions();
		one_trade_book();
		attest(ALICE, ALICE_RES, SLOT - 1, 5_000);
		attest(ALICE, ALICE_RES, SLOT + 1, 5_000);
		attest(BOB, BOB_RES, SLOT, 4_000);
		run_to_ms(settle_time_of(SLOT));
		let summary = Auctions::<Test>::get(SLOT).expect("summary kept");
		assert_eq!((summary.delivered_wh, summary.shortfall_wh), (0, 2_000));
		assert_eq!(held(ALICE, SLOT - 1, ALICE_RES), 5_000);
		assert_eq!(held(ALICE, SLOT + 1, ALICE_RES), 5_000);
		// Bob's unsold tokens of the slot went to feed-in, Bob paid for them.
		assert_eq!(held(BOB, SLOT, BOB_RES), 0);
		assert_eq!(summary.feed_in_wh, 4_000);
		assert_invariants();
	});
}

#[test]
fn settled_slots_are_pruned_and_only_the_last_summaries_are_kept() {
	new_test_ext().execute_with(|| {
		open_first_auctions();
		one_trade_book();
		attest(ALICE, ALICE_RES, SLOT, 3_000);
		run_to_ms(settle_time_of(SLOT));
		assert_eq!(Orders::<Test>::iter_prefix(SLOT).count(), 0);
		assert_eq!(TradePages::<Test>::iter_prefix(SLOT).count(), 0);
		assert_eq!(OrdersOfMember::<Test>::iter_prefix(SLOT).count(), 0);
		// Three summaries are kept (the mock's `SummariesKept`): after three more slots
		// settle, SLOT's is gone.
		for later in 1..=3 {
			run_to_ms(settle_time_of(SLOT + later));
		}
		assert_eq!(SettledSlots::<Test>::get().into_inner(), vec![SLOT + 1, SLOT + 2, SLOT + 3]);
		assert_eq!(status_of(SLOT), None);
		assert_eq!(status_of(SLOT + 1), Some(AuctionStatus::Settled));
		assert_invariants();
	});
}

#[test]
fn settlement_runs_in_bounded_steps_when_the_hook_budget_is_small() {
	use crate::weights::WeightInfo;
	new_test_ext().execute_with(|| {
		open_first_auctions();
		// Twelve bids of 100 Wh at the retail cap, one offer: twelve trades.
		for who in [CHARLIE, DAVE, ALICE].iter().cycle().take(12) {
			assert_ok!(Market::place_bid(
				RuntimeOrigin::signed(*who),
				SLOT,
				meter_of(*who),
				100,
				RETAIL
			));
		}
		assert_ok!(Market::place_offer(RuntimeOrigin::signed(BOB), SLOT, BOB_RES, 4_000, 10_000));
		run_to_ms(gate_of(SLOT));
		assert_eq!(Auctions::<Test>::get(SLOT).map(|a| a.trades), Some(12));
		attest(BOB, BOB_RES, SLOT, 700);
		// Enough for the hook's base and three trades per block.
		let weights = <<Test as crate::Config>::WeightInfo as crate::WeightInfo>::poll()
			.saturating_add(<<Test as crate::Config>::WeightInfo as WeightInfo>::settle_trades(3));
		HookWeight::set(weights);
		let mut blocks = 0;
		let mut now = settle_time_of(SLOT);
		while status_of(SLOT) != Some(AuctionStatus::Settled) {
			run_to_ms(now);
			now += 1;
			blocks += 1;
			assert_invariants();
			assert!(blocks < 100, "settlement must finish");
		}
		assert!(blocks >= 4, "twelve trades at three per block take at least four blocks");
		let summary = Auctions::<Test>::get(SLOT).expect("settled");
		assert_eq!((summary.delivered_wh, summary.shortfall_wh), (700, 500));
		assert!(no_holds_left());
		assert_eq!(total_money(), 7 * START);
		HookWeight::set(Weight::from_parts(u64::MAX / 2, u64::MAX / 2));
	});
}

/// Fault injection: the buyer's hold is drained behind the market's back (as a slash or a
/// buggy pallet would) so the payment cannot be made. The trade must fail whole: no token
/// delivered or retired, nothing paid, no penalty; the seller's tokens go to feed-in.
#[test]
fn a_trade_whose_payment_fails_settles_nothing_of_it() {
	use frame_support::traits::{
		fungible::MutateHold,
		tokens::{Fortitude, Precision},
	};
	new_test_ext().execute_with(|| {
		open_first_auctions();
		one_trade_book();
		run_to_ms(gate_of(SLOT));
		attest(ALICE, ALICE_RES, SLOT, 2_500);
		// Charlie's bid holds 180,000; leave 100,000, less than the 150,000 the trade costs.
		let reason = HoldReason::BidMaxCost.into();
		assert_ok!(Balances::burn_held(
			&reason,
			&CHARLIE,
			80_000,
			Precision::Exact,
			Fortitude::Force
		));
		run_to_ms(settle_time_of(SLOT));
		assert_eq!(status_of(SLOT), Some(AuctionStatus::Settled));

		let failed = market_events().into_iter().find_map(|event| match event {
			Event::TradeFailed { slot, bid, offer, buyer, seller, wh, error } => {
				Some((slot, bid, offer, buyer, seller, wh, error))
			},
			_ => None,
		});
		assert_eq!(
			failed,
			Some((
				SLOT,
				1,
				0,
				CHARLIE,
				ALICE,
				2_000,
				// What pallet-balances says of a hold that cannot cover the amount.
				sp_runtime::TokenError::Frozen.into()
			))
		);
		assert!(!market_events().iter().any(|e| matches!(e, Event::TradeSettled { .. })));
		// Charlie got no energy and paid nothing; what was left of his hold came back.
		assert_eq!(held(CHARLIE, SLOT, ALICE_RES), 0);
		assert_eq!(free(CHARLIE), START - 80_000);
		// Alice's 2,500 Wh were unsold: the utility bought them at 39,000 per kWh.
		assert_eq!(held(ALICE, SLOT, ALICE_RES), 0);
		assert_eq!(pallet_energy_tokens::TotalFedIn::<Test>::get(), 2_500);
		assert_eq!(free(ALICE), START + 97_500);
		assert!(no_holds_left());
		let summary = Auctions::<Test>::get(SLOT).expect("summary kept");
		assert_eq!(
			(summary.delivered_wh, summary.shortfall_wh, summary.failed_wh, summary.paid),
			(0, 0, 2_000, 0)
		);
		assert_eq!(summary.penalties, 0);
		assert_invariants();
	});
}
