//! `PayAsBid`.
//!
//! The same merit-order matching as `UniformPrice` (bids by price descending, offers by price
//! ascending, ties first-in-first-out, while bid ≥ offer); each trade is at its bid's price.
//! The reported MCP is the last (lowest) matched bid price: the marginal price.

use crate::{uniform_price::merit_order_matches, Bid, Clearing, ClearingRule, Offer};

/// Clears a book under `PayAsBid`.
pub fn clear(bids: &[Bid], offers: &[Offer]) -> Clearing {
	let matches = merit_order_matches(bids, offers);
	let mcp = matches.last().map(|last| last.bid.price);
	let trades = matches.iter().map(|m| m.at(m.bid.price)).collect();
	Clearing { rule: ClearingRule::PayAsBid, mcp, trades }
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::test_orders::*;
	use crate::Trade;

	#[test]
	fn worked_example_each_trade_pays_its_bid() {
		let bids = [bid(1, 1_000, 60), bid(2, 2_000, 90), bid(3, 1_500, 80), bid(4, 500, 50)];
		let offers = [offer(5, 1_200, 70), offer(6, 3_000, 75), offer(7, 2_500, 40)];
		let clearing = clear(&bids, &offers);
		assert_eq!(clearing.mcp, Some(80));
		assert_eq!(
			clearing.trades,
			[
				Trade { bid: 2, offer: 7, wh: 2_000, price: 90 },
				Trade { bid: 3, offer: 7, wh: 500, price: 80 },
				Trade { bid: 3, offer: 5, wh: 1_000, price: 80 },
			]
		);
		// 2 kWh × 90 + 1.5 kWh × 80.
		assert_eq!(clearing.turnover(), 300);
	}

	#[test]
	fn a_bid_equal_to_the_reserve_trades_at_that_price() {
		let clearing = clear(&[bid(1, 10, 42)], &[offer(2, 10, 42)]);
		assert_eq!(clearing.trades, [Trade { bid: 1, offer: 2, wh: 10, price: 42 }]);
	}

	#[test]
	fn no_crossing_means_no_trade() {
		assert_eq!(
			clear(&[bid(1, 1, 1)], &[offer(2, 1, 2)]),
			Clearing::empty(ClearingRule::PayAsBid)
		);
	}
}
