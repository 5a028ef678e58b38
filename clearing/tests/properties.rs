//! Properties every rule keeps, over random books.

use energy_clearing::{clear, money, Bid, ClearingRule, Offer};
use proptest::prelude::*;
use std::collections::BTreeMap;

/// The retail price cap the books are generated under (0.095 EUR/kWh in micro-euros).
const RETAIL: u128 = 95_000;

fn book() -> impl Strategy<Value = (Vec<Bid>, Vec<Offer>)> {
	let order = (0u64..5_000, 0u128..=RETAIL);
	(prop::collection::vec(order.clone(), 0..40), prop::collection::vec(order, 0..40)).prop_map(
		|(bids, offers)| {
			// Ids are handed out in placement order across both sides, like the pallet does.
			let bids: Vec<Bid> = bids
				.into_iter()
				.enumerate()
				.map(|(i, (wh, price))| Bid { id: 2 * i as u32, wh, price })
				.collect();
			let offers: Vec<Offer> = offers
				.into_iter()
				.enumerate()
				.map(|(i, (wh, price))| Offer { id: 2 * i as u32 + 1, wh, price })
				.collect();
			(bids, offers)
		},
	)
}

fn rule() -> impl Strategy<Value = ClearingRule> {
	prop_oneof![
		Just(ClearingRule::AverageBid),
		Just(ClearingRule::UniformPrice),
		Just(ClearingRule::PayAsBid)
	]
}

proptest! {
	#[test]
	fn clearing_keeps_quantities_prices_and_money((bids, offers) in book(), rule in rule()) {
		let clearing = clear(rule, &bids, &offers);
		let bid_of: BTreeMap<u32, Bid> = bids.iter().map(|b| (b.id, *b)).collect();
		let offer_of: BTreeMap<u32, Offer> = offers.iter().map(|o| (o.id, *o)).collect();
		let mut bought: BTreeMap<u32, u64> = BTreeMap::new();
		let mut sold: BTreeMap<u32, u64> = BTreeMap::new();
		let (mut paid, mut received) = (0u128, 0u128);
		for trade in &clearing.trades {
			let bid = bid_of[&trade.bid];
			let offer = offer_of[&trade.offer];
			prop_assert!(trade.wh > 0, "empty trade");
			prop_assert!(trade.price <= bid.price, "a bid traded above its price");
			prop_assert!(trade.price >= offer.price, "an offer traded below its reserve");
			prop_assert!(trade.price <= RETAIL, "a trade above the retail price");
			*bought.entry(trade.bid).or_default() += trade.wh;
			*sold.entry(trade.offer).or_default() += trade.wh;
			// The buyer's payment and the seller's receipt are the same number.
			paid += trade.amount();
			received += money::cost(trade.price, trade.wh);
		}
		for (id, wh) in &bought {
			prop_assert!(*wh <= bid_of[id].wh, "bid {} overfilled", id);
		}
		for (id, wh) in &sold {
			prop_assert!(*wh <= offer_of[id].wh, "offer {} oversold", id);
		}
		let volume: u64 = bought.values().sum();
		prop_assert_eq!(volume, sold.values().sum::<u64>());
		prop_assert_eq!(volume, clearing.volume_wh());
		prop_assert_eq!(paid, received);
		prop_assert_eq!(paid, clearing.turnover());
		// A hold of cost_ceil(bid price, bid Wh) always covers what the bid pays.
		for id in bought.keys() {
			let bid = bid_of[id];
			let pays: u128 = clearing.trades.iter().filter(|t| t.bid == *id).map(|t| t.amount()).sum();
			prop_assert!(pays <= money::cost_ceil(bid.price, bid.wh));
		}
		if rule != ClearingRule::PayAsBid {
			for trade in &clearing.trades {
				prop_assert_eq!(Some(trade.price), clearing.mcp, "uniform rules trade at MCP");
			}
		}
	}

	#[test]
	fn merit_order_rules_trade_as_much_as_crosses((bids, offers) in book()) {
		// After UniformPrice, no unserved bid could still trade with an unused offer.
		let clearing = clear(ClearingRule::UniformPrice, &bids, &offers);
		let mut left_bid: BTreeMap<u32, u64> = bids.iter().map(|b| (b.id, b.wh)).collect();
		let mut left_offer: BTreeMap<u32, u64> = offers.iter().map(|o| (o.id, o.wh)).collect();
		for trade in &clearing.trades {
			*left_bid.entry(trade.bid).or_default() -= trade.wh;
			*left_offer.entry(trade.offer).or_default() -= trade.wh;
		}
		let best_bid = bids.iter().filter(|b| left_bid[&b.id] > 0).map(|b| b.price).max();
		let best_offer = offers.iter().filter(|o| left_offer[&o.id] > 0).map(|o| o.price).min();
		if let (Some(bid), Some(offer)) = (best_bid, best_offer) {
			prop_assert!(bid < offer, "bid {} and offer {} still cross", bid, offer);
		}
		let pay_as_bid = clear(ClearingRule::PayAsBid, &bids, &offers);
		prop_assert_eq!(pay_as_bid.volume_wh(), clearing.volume_wh());
	}

	#[test]
	fn average_bid_prices_at_the_rounded_down_mean((bids, offers) in book()) {
		let clearing = clear(ClearingRule::AverageBid, &bids, &offers);
		let expected = (!bids.is_empty())
			.then(|| bids.iter().map(|b| b.price).sum::<u128>() / bids.len() as u128);
		prop_assert_eq!(clearing.mcp, expected);
	}
}
