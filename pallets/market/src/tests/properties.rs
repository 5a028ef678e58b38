//! Property test: random books and random attested export through the whole life of an
//! auction, block by block, under every rule.

use super::*;
use crate::{ClearingRule, HoldReason};
use frame_support::{
	traits::fungible::{Inspect, InspectHold},
	weights::Weight,
};
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Action {
	Bid { who: u64, wh: u64, price: u128 },
	Offer { who: u64, wh: u64, price: u128 },
	Cancel { who: u64, id: u32 },
}

fn action() -> impl Strategy<Value = Action> {
	prop_oneof![
		4 => (prop::sample::select(vec![ALICE, CHARLIE, DAVE]), 1u64..3_000, 1u128..=RETAIL)
			.prop_map(|(who, wh, price)| Action::Bid { who, wh, price }),
		3 => (prop::sample::select(vec![ALICE, BOB]), 1u64..4_000, 0u128..=RETAIL)
			.prop_map(|(who, wh, price)| Action::Offer { who, wh, price }),
		1 => (prop::sample::select(vec![ALICE, BOB, CHARLIE, DAVE]), 0u32..12)
			.prop_map(|(who, id)| Action::Cancel { who, id }),
	]
}

/// One of the three clearing rules.
pub(super) fn rule() -> impl Strategy<Value = ClearingRule> {
	prop_oneof![
		Just(ClearingRule::AverageBid),
		Just(ClearingRule::UniformPrice),
		Just(ClearingRule::PayAsBid)
	]
}

fn total_money() -> u128 {
	(1..=7).map(|who| Balances::total_balance(&who)).sum()
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(64))]
	#[test]
	fn a_slot_conserves_money_and_tokens_and_holds_match_obligations(
		rule in rule(),
		actions in prop::collection::vec(action(), 0..24),
		alice_export in 0u64..6_000,
		bob_export in 0u64..5_000,
		trades_per_block in 1u32..5,
	) {
		new_test_ext().execute_with(|| {
			frame_support::assert_ok!(Market::set_clearing_rule(RuntimeOrigin::root(), rule));
			open_first_auctions();
			// The rule applies to auctions opened from now: use the third slot.
			run_to_ms((FIRST_SLOT as u64 + 1) * SLOT_MS);
			let slot = FIRST_SLOT + 3;
			for action in actions {
				// Errors are allowed (bounds, funds, capacity); they must change nothing,
				// which the invariants after each step check.
				let _ = match action {
					Action::Bid { who, wh, price } =>
						Market::place_bid(RuntimeOrigin::signed(who), slot, meter_of(who), wh, price),
					Action::Offer { who, wh, price } => {
						let res = if who == ALICE { ALICE_RES } else { BOB_RES };
						Market::place_offer(RuntimeOrigin::signed(who), slot, res, wh, price)
					},
					Action::Cancel { who, id } =>
						Market::cancel_order(RuntimeOrigin::signed(who), slot, id),
				};
				assert_invariants();
			}
			run_to_ms(gate_of(slot));
			assert_invariants();
			attest(ALICE, ALICE_RES, slot, alice_export);
			attest(BOB, BOB_RES, slot, bob_export);
			let minted = alice_export + bob_export;
			HookWeight::set(
				<<Test as crate::Config>::WeightInfo as crate::WeightInfo>::poll().saturating_add(
					<<Test as crate::Config>::WeightInfo as crate::WeightInfo>::settle_trades(
						trades_per_block,
					),
				),
			);
			let mut now = settle_time_of(slot);
			while status_of(slot) != Some(AuctionStatus::Settled) {
				run_to_ms(now);
				now += 1;
				assert_invariants();
				prop_assert!(now < settle_time_of(slot) + 10_000, "settlement must finish");
			}
			HookWeight::set(Weight::from_parts(u64::MAX / 2, u64::MAX / 2));
			let summary = Auctions::<Test>::get(slot).expect("settled summary");
			// Money is conserved and nothing stays held.
			prop_assert_eq!(total_money(), 7 * START);
			for who in 1..=7u64 {
				prop_assert_eq!(Balances::balance_on_hold(&HoldReason::BidMaxCost.into(), &who), 0);
				prop_assert_eq!(Balances::balance_on_hold(&HoldReason::OfferDeposit.into(), &who), 0);
			}
			// Every traded Wh is delivered or short; every attested Wh is delivered, bought by
			// the utility, or (never here) left unpaid.
			// (A trade of a member's bid with its own offer fails: nothing is delivered to
			// oneself.)
			prop_assert_eq!(
				summary.delivered_wh + summary.shortfall_wh + summary.failed_wh,
				summary.volume_wh
			);
			// Delivered Wh are active with their buyers (nothing meters their consumption here).
			prop_assert_eq!(
				pallet_energy_tokens::Pallet::<Test>::supply(),
				summary.delivered_wh as u128
			);
			prop_assert_eq!(summary.delivered_wh + summary.feed_in_wh, minted);
			prop_assert!(summary.mcp.unwrap_or(0) <= RETAIL);
			// What buyers paid is what sellers received: the utility's loss is the feed-in.
			prop_assert_eq!(free(UTILITY), START - summary.feed_in_paid);
			Ok(())
		})?;
	}
}
