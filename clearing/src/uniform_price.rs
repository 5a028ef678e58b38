//! `UniformPrice` (pay-as-clear).
//!
//! Bids by price descending, offers by price ascending (ties first-in-first-out), matched
//! while bid ≥ offer. MCP = the midpoint of the last matched bid and offer, rounded down:
//! it lies between the two, so no matched bid pays above its price and no matched offer
//! sells below its reserve. Every trade is at MCP.

use crate::{
	matching::{bids_by_merit, match_in_order, offers_by_merit, Match},
	Bid, Clearing, ClearingRule, Offer,
};
use alloc::vec::Vec;

/// The merit-order matches shared with `PayAsBid`.
pub fn merit_order_matches(bids: &[Bid], offers: &[Offer]) -> Vec<Match> {
	match_in_order(&bids_by_merit(bids), &offers_by_merit(offers), |bid, offer| {
		bid.price >= offer.price
	})
}

/// Clears a book under `UniformPrice`.
pub fn clear(bids: &[Bid], offers: &[Offer]) -> Clearing {
	let matches = merit_order_matches(bids, offers);
	let Some(last) = matches.last() else {
		return Clearing::empty(ClearingRule::UniformPrice);
	};
	// b ≥ o, so o ≤ ⌊(b + o) / 2⌋ ≤ b; written as o + (b − o) / 2 it cannot overflow.
	let mcp = last.offer.price + (last.bid.price - last.offer.price) / 2;
	let trades = matches.iter().map(|m| m.at(mcp)).collect();
	Clearing { rule: ClearingRule::UniformPrice, mcp: Some(mcp), trades }
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::test_orders::*;

	#[test]
	fn worked_example_prices_at_the_midpoint_of_the_last_matched_pair() {
		let bids = [bid(1, 1_000, 60), bid(2, 2_000, 90), bid(3, 1_500, 80), bid(4, 500, 50)];
		let offers = [offer(5, 1_200, 70), offer(6, 3_000, 75), offer(7, 2_500, 40)];
		let clearing = clear(&bids, &offers);
		// Merit order: bids 90, 80, 60, 50; offers 40, 70, 75. 90 takes 2,000 of the 40;
		// 80 takes the last 500 of the 40 and 1,000 of the 70; 60 < 70 stops. Last pair 80/70.
		assert_eq!(clearing.mcp, Some(75));
		assert_eq!(
			clearing.trades,
			[trade(2, 7, 2_000, 75), trade(3, 7, 500, 75), trade(3, 5, 1_000, 75)]
		);
	}

	#[test]
	fn no_crossing_means_no_trade_and_no_price() {
		let clearing = clear(&[bid(1, 100, 50)], &[offer(2, 100, 51)]);
		assert_eq!(clearing, Clearing::empty(ClearingRule::UniformPrice));
	}

	#[test]
	fn one_sided_books_trade_nothing() {
		assert!(clear(&[bid(1, 100, 50)], &[]).trades.is_empty());
		assert!(clear(&[], &[offer(1, 100, 50)]).trades.is_empty());
	}

	#[test]
	fn midpoint_rounds_down_at_the_smallest_unit() {
		let clearing = clear(&[bid(1, 1, 11)], &[offer(2, 1, 10)]);
		assert_eq!(clearing.mcp, Some(10));
		// 1 Wh at 10 units/kWh is 0.01 unit: the buyer pays 0, the seller receives 0.
		assert_eq!(clearing.turnover(), 0);
	}

	#[test]
	fn equal_prices_are_matched_first_in_first_out_on_both_sides() {
		let clearing =
			clear(&[bid(4, 100, 70), bid(2, 100, 70)], &[offer(3, 150, 60), offer(1, 100, 60)]);
		assert_eq!(clearing.trades, [trade(2, 1, 100, 65), trade(4, 3, 100, 65)]);
	}
}
