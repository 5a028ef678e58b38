//! Clearing on the DSO's grid: each order at its point, no element beyond its room, the network
//! charges paid to the grid's keeper at settlement.

use super::*;
use crate::{ClearingRule, Event, GridTrade, SlotLoading, TradePages};
use energy_primitives::{ElementId, SlotElement};
use frame_support::assert_ok;

const SLOT: MarketSlot = FIRST_SLOT + 1;

/// The substation.
const ROOT: ElementId = 1;
/// Transformer T1: 60 kW, 1,000 Wh per one-minute slot, each way.
const T1: ElementId = 10;
/// Transformer T2: 120 kW, 2,000 Wh per slot.
const T2: ElementId = 20;
/// Alice's RES, on T1.
const POINT_ALICE: ElementId = 101;
/// Charlie's meter, on T1 with Alice.
const POINT_CHARLIE: ElementId = 102;
/// Dave's meter, on T2.
const POINT_DAVE: ElementId = 201;
/// Charge of a transformer per kWh.
const TRANSFORMER_CHARGE: u128 = 2_000;
/// Charge of a connection point's line per kWh.
const LINE_CHARGE: u128 = 500;

fn element(id: ElementId, parent: Option<ElementId>, w: u64, charge: u128) -> SlotElement {
	SlotElement { id, parent, up_w: w, down_w: w, charge_per_kwh: charge }
}

/// Two transformers under the substation; Alice's RES and Charlie's meter on T1, Dave's meter
/// on T2; the DSO keeps it.
fn two_feeders() {
	set_grid(vec![
		element(ROOT, None, 6_000_000, 0),
		element(T1, Some(ROOT), 60_000, TRANSFORMER_CHARGE),
		element(T2, Some(ROOT), 120_000, TRANSFORMER_CHARGE),
		element(POINT_ALICE, Some(T1), 600_000, LINE_CHARGE),
		element(POINT_CHARLIE, Some(T1), 600_000, LINE_CHARGE),
		element(POINT_DAVE, Some(T2), 600_000, LINE_CHARGE),
	]);
	bind_res(ALICE_RES, POINT_ALICE);
	bind_meter(meter_of(CHARLIE), POINT_CHARLIE);
	bind_meter(meter_of(DAVE), POINT_DAVE);
	set_keeper(Some(DSO));
}

/// Under pay-as-bid: Alice offers 3,000 Wh at 40,000 (order 0); Charlie, on her feeder, bids
/// 1,000 at 90,000 (order 1); Dave, across both transformers, 2,000 at 95,000 (order 2).
fn cross_and_same_feeder_book() {
	assert_ok!(Market::set_clearing_rule(RuntimeOrigin::root(), ClearingRule::PayAsBid));
	open_first_auctions();
	assert_ok!(Market::place_offer(RuntimeOrigin::signed(ALICE), SLOT, ALICE_RES, 3_000, 40_000));
	assert_ok!(Market::place_bid(
		RuntimeOrigin::signed(CHARLIE),
		SLOT,
		meter_of(CHARLIE),
		1_000,
		90_000
	));
	assert_ok!(Market::place_bid(RuntimeOrigin::signed(DAVE), SLOT, meter_of(DAVE), 2_000, 95_000));
}

fn trades_of(slot: MarketSlot) -> Vec<GridTrade> {
	TradePages::<Test>::iter_prefix(slot).flat_map(|(_, page)| page.into_inner()).collect()
}

fn loading_of(slot: MarketSlot, id: ElementId) -> crate::Loading {
	SlotLoading::<Test>::get(slot)
		.and_then(|loading| loading.iter().find(|l| l.element == id).copied())
		.expect("the element's loading is recorded")
}

#[test]
fn a_cross_feeder_trade_is_trimmed_to_the_transformer_and_a_same_feeder_trade_is_not() {
	new_test_ext().execute_with(|| {
		two_feeders();
		cross_and_same_feeder_book();
		run_to_ms(gate_of(SLOT));
		// Dave's bid comes first (95,000) but T1 carries 1,000 Wh out of its feeder; Charlie's
		// is served in full inside the feeder. Dave's path: Alice's line, T1, T2 and his line
		// (5,000 per kWh); Charlie's: the two lines (1,000 per kWh).
		assert_eq!(
			trades_of(SLOT),
			vec![
				GridTrade {
					bid: 2,
					offer: 0,
					wh: 1_000,
					buyer_price: 95_000,
					seller_price: 90_000
				},
				GridTrade {
					bid: 1,
					offer: 0,
					wh: 1_000,
					buyer_price: 90_000,
					seller_price: 89_000
				},
			]
		);
		let t1 = loading_of(SLOT, T1);
		assert_eq!((t1.up_wh, t1.down_wh, t1.cut_up_wh, t1.cut_down_wh), (1_000, 0, 1_000, 0));
		assert!(!loading_of(SLOT, T2).binding());
		assert!(!loading_of(SLOT, POINT_CHARLIE).binding());
		assert_eq!(loading_of(SLOT, POINT_ALICE).up_wh, 2_000);
		assert!(market_events().contains(&Event::Cleared {
			slot: SLOT,
			rule: ClearingRule::PayAsBid,
			mcp: Some(90_000),
			volume_wh: 2_000,
			trades: 2,
			binding_elements: 1,
			charges: 6_000,
		}));
		assert_invariants();
	});
}

#[test]
fn settlement_pays_the_network_charges_to_the_grids_keeper() {
	new_test_ext().execute_with(|| {
		two_feeders();
		cross_and_same_feeder_book();
		run_to_ms(gate_of(SLOT));
		attest(ALICE, ALICE_RES, SLOT, 2_000);
		run_to_ms(settle_time_of(SLOT));
		// Every hold released: Alice received 90 + 89; Dave paid 95 and Charlie 90; the DSO
		// the 5 + 1 between.
		assert_eq!(free(ALICE), START + 179_000);
		assert_eq!(free(CHARLIE), START - 90_000);
		assert_eq!(free(DAVE), START - 95_000);
		assert_eq!(free(DSO), START + 6_000);
		let events = market_events();
		assert!(events.contains(&Event::TradeSettled {
			slot: SLOT,
			bid: 2,
			offer: 0,
			buyer: DAVE,
			seller: ALICE,
			wh: 1_000,
			delivered_wh: 1_000,
			paid: 90_000,
			charges: 5_000,
			penalty: 0,
		}));
		let auction = Auctions::<Test>::get(SLOT).expect("summary kept");
		assert_eq!((auction.paid, auction.charges), (179_000, 6_000));
		assert_invariants();
	});
}

#[test]
fn a_shortfall_on_a_charged_path_pays_charges_only_on_what_was_delivered() {
	new_test_ext().execute_with(|| {
		two_feeders();
		cross_and_same_feeder_book();
		run_to_ms(gate_of(SLOT));
		// Alice attests 1,500 of the 2,000 Wh sold: Dave's trade (first) in full, Charlie's
		// half; the penalty is at Charlie's price against the retail cap.
		attest(ALICE, ALICE_RES, SLOT, 1_500);
		run_to_ms(settle_time_of(SLOT));
		assert_eq!(free(DSO), START + 5_000 + 500);
		let auction = Auctions::<Test>::get(SLOT).expect("summary kept");
		assert_eq!((auction.delivered_wh, auction.shortfall_wh), (1_500, 500));
		assert_eq!(auction.paid, 90_000 + 44_500);
		// (95,000 − 90,000) per kWh for 500 Wh.
		assert_eq!(auction.penalties, 2_500);
		assert_invariants();
	});
}

#[test]
fn without_an_active_keeper_buyers_pay_only_the_sellers_price() {
	new_test_ext().execute_with(|| {
		two_feeders();
		set_keeper(None);
		cross_and_same_feeder_book();
		run_to_ms(gate_of(SLOT));
		attest(ALICE, ALICE_RES, SLOT, 2_000);
		run_to_ms(settle_time_of(SLOT));
		assert_eq!(free(DAVE), START - 90_000);
		assert_eq!(free(DSO), START);
		assert_eq!(Auctions::<Test>::get(SLOT).map(|a| a.charges), Some(0));
		assert_invariants();
	});
}

#[test]
fn headroom_withheld_for_the_slot_cuts_the_cross_feeder_trade_further() {
	new_test_ext().execute_with(|| {
		two_feeders();
		// T1 down to 15 kW (250 Wh) in SLOT only.
		withhold(SLOT, T1, 15_000, 15_000);
		cross_and_same_feeder_book();
		run_to_ms(gate_of(SLOT));
		let trades = trades_of(SLOT);
		assert_eq!(
			trades.iter().map(|t| (t.bid, t.wh)).collect::<Vec<_>>(),
			[(2, 250), (1, 1_000)]
		);
		assert_eq!(loading_of(SLOT, T1).cut_up_wh, 1_750);
	});
}

#[test]
fn an_unbound_meter_hangs_at_the_root_and_crosses_only_the_sellers_side() {
	new_test_ext().execute_with(|| {
		two_feeders();
		unbind_meter(meter_of(DAVE));
		cross_and_same_feeder_book();
		run_to_ms(gate_of(SLOT));
		// Dave at the root: Alice's line and T1 (2,500 per kWh), still trimmed by T1.
		let trades = trades_of(SLOT);
		assert_eq!(
			trades[0],
			GridTrade { bid: 2, offer: 0, wh: 1_000, buyer_price: 95_000, seller_price: 92_500 }
		);
		assert!(!loading_of(SLOT, T2).binding());
		assert_eq!(loading_of(SLOT, T2).down_wh, 0);
	});
}

/// The same book cleared on a grid without limits or charges, and without a grid, under
/// `rule`: trades and MCP.
fn same_book_with_and_without_a_free_grid(rule: ClearingRule) {
	let clear = |with_grid: bool| {
		new_test_ext().execute_with(|| {
			if with_grid {
				two_feeders();
				set_grid(vec![
					element(ROOT, None, u64::MAX, 0),
					element(T1, Some(ROOT), u64::MAX, 0),
					element(T2, Some(ROOT), u64::MAX, 0),
					element(POINT_ALICE, Some(T1), u64::MAX, 0),
					element(POINT_CHARLIE, Some(T1), u64::MAX, 0),
					element(POINT_DAVE, Some(T2), u64::MAX, 0),
				]);
				bind_res(BOB_RES, POINT_DAVE);
			}
			assert_ok!(Market::set_clearing_rule(RuntimeOrigin::root(), rule));
			open_first_auctions();
			let offer = |who, res, wh, price| {
				assert_ok!(Market::place_offer(RuntimeOrigin::signed(who), SLOT, res, wh, price));
			};
			let bid = |who, wh, price| {
				assert_ok!(Market::place_bid(
					RuntimeOrigin::signed(who),
					SLOT,
					meter_of(who),
					wh,
					price
				));
			};
			offer(BOB, BOB_RES, 1_500, 70_000);
			bid(DAVE, 2_000, 90_000);
			offer(ALICE, ALICE_RES, 2_500, 40_000);
			bid(CHARLIE, 1_000, 60_000);
			bid(ALICE, 800, 80_000);
			offer(BOB, BOB_RES, 700, 55_000);
			bid(CHARLIE, 1_200, 75_000);
			run_to_ms(gate_of(SLOT));
			(trades_of(SLOT), Auctions::<Test>::get(SLOT).and_then(|a| a.mcp))
		})
	};
	let (with, without) = (clear(true), clear(false));
	assert!(!with.0.is_empty(), "{rule:?} traded nothing");
	assert_eq!(with, without, "{rule:?}");
	assert!(with.0.iter().all(|t| t.buyer_price == t.seller_price));
}

#[test]
fn with_unlimited_room_and_no_charges_every_rule_clears_as_without_a_grid() {
	for rule in [ClearingRule::AverageBid, ClearingRule::UniformPrice, ClearingRule::PayAsBid] {
		same_book_with_and_without_a_free_grid(rule);
	}
}

#[test]
fn without_a_grid_nothing_is_recorded_for_it() {
	new_test_ext().execute_with(|| {
		cross_and_same_feeder_book();
		run_to_ms(gate_of(SLOT));
		assert!(SlotLoading::<Test>::get(SLOT).is_none());
		assert_eq!(trades_of(SLOT).iter().map(|t| t.wh).sum::<u64>(), 3_000);
	});
}

#[test]
fn a_grid_the_clearing_cannot_take_clears_nothing_and_every_hold_comes_back() {
	new_test_ext().execute_with(|| {
		two_feeders();
		// Two roots: not a radial tree (the grid pallet refuses it; a broken grid must not
		// trade around the DSO's limits).
		set_grid(vec![element(ROOT, None, 6_000_000, 0), element(T1, None, 60_000, 0)]);
		cross_and_same_feeder_book();
		run_to_ms(gate_of(SLOT));
		assert!(market_events().contains(&Event::GridClearingFailed {
			slot: SLOT,
			reason: crate::GridClearingError::InvalidGrid,
		}));
		let auction = Auctions::<Test>::get(SLOT).expect("cleared");
		assert_eq!(
			(auction.status, auction.trades, auction.mcp),
			(AuctionStatus::Cleared, 0, None)
		);
		assert!(trades_of(SLOT).is_empty() && SlotLoading::<Test>::get(SLOT).is_none());
		attest(ALICE, ALICE_RES, SLOT, 2_000);
		run_to_ms(settle_time_of(SLOT));
		// Nothing traded: Alice's attested energy goes to the utility, every hold is back.
		assert_eq!(free(CHARLIE), START);
		assert_eq!(free(DAVE), START);
		assert_eq!(free(DSO), START);
		assert_invariants();
	});
}

#[test]
fn a_trade_priced_outside_its_orders_settles_nothing_of_it() {
	new_test_ext().execute_with(|| {
		two_feeders();
		cross_and_same_feeder_book();
		run_to_ms(gate_of(SLOT));
		// A clearing that broke its rules (simulated): Charlie's trade above his 90,000 bid,
		// which would pay out of what his bid holds for nothing else.
		TradePages::<Test>::mutate(SLOT, 0, |page| {
			if let Some(trade) = page.as_mut().and_then(|page| page.iter_mut().nth(1)) {
				trade.buyer_price = 90_001;
			}
		});
		attest(ALICE, ALICE_RES, SLOT, 2_000);
		run_to_ms(settle_time_of(SLOT));
		assert!(market_events().contains(&Event::TradeFailed {
			slot: SLOT,
			bid: 1,
			offer: 0,
			buyer: CHARLIE,
			seller: ALICE,
			wh: 1_000,
			error: crate::Error::<Test>::TradeOutsideOrders.into(),
		}));
		// Nothing of it happened: Charlie's hold came back whole; Dave's trade settled.
		assert_eq!(free(CHARLIE), START);
		assert_eq!(free(DAVE), START - 95_000);
		assert_eq!(Auctions::<Test>::get(SLOT).map(|a| a.failed_wh), Some(1_000));
		assert_invariants();
	});
}

#[test]
fn charges_the_keeper_cannot_receive_stay_with_the_buyer_and_the_trade_stands() {
	new_test_ext().execute_with(|| {
		two_feeders();
		// A keeper whose account cannot take any more: every charge overflows its balance.
		set_keeper(Some(STRANGER));
		assert_ok!(Balances::force_set_balance(RuntimeOrigin::root(), STRANGER, u128::MAX - 1));
		cross_and_same_feeder_book();
		run_to_ms(gate_of(SLOT));
		attest(ALICE, ALICE_RES, SLOT, 2_000);
		run_to_ms(settle_time_of(SLOT));
		let unpaid: Vec<u128> = market_events()
			.into_iter()
			.filter_map(|e| match e {
				Event::ChargesUnpaid { slot: SLOT, keeper: STRANGER, charges, .. } => Some(charges),
				_ => None,
			})
			.collect();
		assert_eq!(unpaid, [5_000, 1_000]);
		// Both trades settled at the sellers' price; the charges came back with the holds.
		assert_eq!(free(ALICE), START + 179_000);
		assert_eq!(free(DAVE), START - 90_000);
		assert_eq!(free(CHARLIE), START - 89_000);
		assert_eq!(free(STRANGER), u128::MAX - 1);
		let auction = Auctions::<Test>::get(SLOT).expect("summary kept");
		assert_eq!((auction.delivered_wh, auction.failed_wh, auction.charges), (2_000, 0, 0));
		assert_invariants();
	});
}
