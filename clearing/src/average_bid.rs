//! `AverageBid`, the rule of the design source (after Pipattanasomporn et al. 2018).
//!
//! - MCP = the mean of the prices of *all* bids of the slot (each bid counts once, whatever
//!   its quantity), rounded down to the unit.
//! - Bids with price ≥ MCP are served, highest price first, equal prices first-in-first-out.
//! - Offers with reserve ≤ MCP are used first-in-first-out.
//! - Every trade is at MCP.
//!
//! Rounding the mean down keeps every served bid at or above MCP and can only let an offer in
//! that the exact mean would also have let in (reserve ≤ ⌊mean⌋ ⇔ reserve ≤ mean for whole
//! prices).

use crate::{
	matching::{bids_by_merit, match_in_order, offers_fifo},
	Bid, Clearing, ClearingRule, Offer, Price,
};

/// The mean bid price, rounded down; `None` without bids. Empty bids (0 Wh) count too: they
/// are orders of the slot, and the mean is over bid prices.
pub fn mean_bid_price(bids: &[Bid]) -> Option<Price> {
	if bids.is_empty() {
		return None;
	}
	let sum = bids.iter().fold(0u128, |sum, bid| sum.saturating_add(bid.price));
	Some(sum / bids.len() as u128)
}

/// Clears a book under `AverageBid`.
pub fn clear(bids: &[Bid], offers: &[Offer]) -> Clearing {
	let Some(mcp) = mean_bid_price(bids) else {
		return Clearing::empty(ClearingRule::AverageBid);
	};
	let mut served = bids_by_merit(bids);
	served.retain(|bid| bid.price >= mcp);
	let mut used = offers_fifo(offers);
	used.retain(|offer| offer.price <= mcp);
	let trades = match_in_order(&served, &used, |_, _| true).iter().map(|m| m.at(mcp)).collect();
	Clearing { rule: ClearingRule::AverageBid, mcp: Some(mcp), trades }
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::test_orders::*;

	#[test]
	fn worked_example_serves_bids_above_the_mean_and_offers_first_in_first_out() {
		// Bids 90, 80, 60, 50 → mean 70. Bids 90 and 80 are served; offers at 40 and 70 are
		// used in placement order, the one at 75 is not.
		let bids = [bid(1, 1_000, 60), bid(2, 2_000, 90), bid(3, 1_500, 80), bid(4, 500, 50)];
		let offers = [offer(5, 1_200, 70), offer(6, 3_000, 75), offer(7, 2_500, 40)];
		let clearing = clear(&bids, &offers);
		assert_eq!(clearing.mcp, Some(70));
		assert_eq!(
			clearing.trades,
			[trade(2, 5, 1_200, 70), trade(2, 7, 800, 70), trade(3, 7, 1_500, 70)]
		);
		assert_eq!(clearing.volume_wh(), 3_500);
		// 3.5 kWh at 70 units/kWh.
		assert_eq!(clearing.turnover(), 245);
	}

	#[test]
	fn equal_bid_prices_are_served_first_in_first_out() {
		let bids = [bid(3, 600, 80), bid(1, 600, 80), bid(2, 600, 80)];
		let clearing = clear(&bids, &[offer(9, 1_000, 10)]);
		assert_eq!(clearing.trades, [trade(1, 9, 600, 80), trade(2, 9, 400, 80)]);
	}

	#[test]
	fn the_mean_is_rounded_down_and_bids_at_it_are_served() {
		// Mean of 10 and 11 is 10.5 → MCP 10; both bids are at or above it.
		let clearing = clear(&[bid(1, 10, 10), bid(2, 10, 11)], &[offer(3, 100, 10)]);
		assert_eq!(clearing.mcp, Some(10));
		assert_eq!(clearing.trades, [trade(2, 3, 10, 10), trade(1, 3, 10, 10)]);
	}

	#[test]
	fn bids_under_the_mean_are_not_served_even_against_cheap_offers() {
		let clearing = clear(&[bid(1, 100, 100), bid(2, 100, 20)], &[offer(3, 1_000, 0)]);
		assert_eq!(clearing.mcp, Some(60));
		assert_eq!(clearing.trades, [trade(1, 3, 100, 60)]);
	}

	#[test]
	fn every_offer_above_the_mean_means_no_trade_but_a_price() {
		let clearing = clear(&[bid(1, 100, 50), bid(2, 100, 70)], &[offer(3, 100, 61)]);
		assert_eq!(clearing.mcp, Some(60));
		assert!(clearing.trades.is_empty());
	}

	#[test]
	fn one_sided_books_trade_nothing() {
		assert_eq!(clear(&[], &[offer(1, 100, 1)]), Clearing::empty(ClearingRule::AverageBid));
		let bids_only = clear(&[bid(1, 100, 40)], &[]);
		assert_eq!(bids_only.mcp, Some(40));
		assert!(bids_only.trades.is_empty());
	}
}
