//! The matching logic every rule shares: putting orders in order, and walking bids against
//! offers.

use crate::{Bid, Offer, Trade, Wh};
use alloc::vec::Vec;

/// Bids in merit order: highest price first, equal prices first-in-first-out. Empty bids
/// (0 Wh) are left out.
pub fn bids_by_merit(bids: &[Bid]) -> Vec<Bid> {
	let mut sorted: Vec<Bid> = bids.iter().filter(|bid| bid.wh > 0).copied().collect();
	sorted.sort_by(|a, b| b.price.cmp(&a.price).then(a.id.cmp(&b.id)));
	sorted
}

/// Offers in merit order: lowest reserve price first, equal prices first-in-first-out. Empty
/// offers are left out.
pub fn offers_by_merit(offers: &[Offer]) -> Vec<Offer> {
	let mut sorted: Vec<Offer> = offers.iter().filter(|offer| offer.wh > 0).copied().collect();
	sorted.sort_by(|a, b| a.price.cmp(&b.price).then(a.id.cmp(&b.id)));
	sorted
}

/// Offers first-in-first-out. Empty offers are left out.
pub fn offers_fifo(offers: &[Offer]) -> Vec<Offer> {
	let mut sorted: Vec<Offer> = offers.iter().filter(|offer| offer.wh > 0).copied().collect();
	sorted.sort_by_key(|offer| offer.id);
	sorted
}

/// A quantity matched between a bid and an offer, before a rule prices it.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub struct Match {
	/// The bid served.
	pub bid: Bid,
	/// The offer used.
	pub offer: Offer,
	/// Energy matched, Wh.
	pub wh: Wh,
}

impl Match {
	/// This match as a trade at `price`.
	pub fn at(&self, price: crate::Price) -> Trade {
		Trade {
			bid: self.bid.id,
			offer: self.offer.id,
			wh: self.wh,
			price: self.price_check(price),
		}
	}

	fn price_check(&self, price: crate::Price) -> crate::Price {
		debug_assert!(price <= self.bid.price && price >= self.offer.price, "trade off-range");
		price
	}
}

/// Walks `bids` and `offers` in the order given, matching as much as both have left, for as
/// long as `crosses(bid, offer)` holds for the pair at the head of each queue. A bid (offer)
/// leaves its queue when filled; matching stops at the first pair that does not cross or when
/// either queue is empty.
pub fn match_in_order(
	bids: &[Bid],
	offers: &[Offer],
	crosses: impl Fn(&Bid, &Offer) -> bool,
) -> Vec<Match> {
	let mut matches = Vec::new();
	let (mut b, mut o) = (0, 0);
	let (mut bid_left, mut offer_left) =
		(bids.first().map_or(0, |bid| bid.wh), offers.first().map_or(0, |offer| offer.wh));
	while let (Some(bid), Some(offer)) = (bids.get(b), offers.get(o)) {
		if !crosses(bid, offer) {
			break;
		}
		let wh = bid_left.min(offer_left);
		if wh > 0 {
			matches.push(Match { bid: *bid, offer: *offer, wh });
		}
		bid_left -= wh;
		offer_left -= wh;
		if bid_left == 0 {
			b += 1;
			bid_left = bids.get(b).map_or(0, |bid| bid.wh);
		}
		if offer_left == 0 {
			o += 1;
			offer_left = offers.get(o).map_or(0, |offer| offer.wh);
		}
	}
	matches
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::test_orders::*;

	#[test]
	fn merit_order_breaks_ties_first_in_first_out() {
		let bids = [bid(3, 1, 50), bid(1, 1, 50), bid(2, 1, 70), bid(4, 0, 90)];
		let ids: Vec<u32> = bids_by_merit(&bids).iter().map(|b| b.id).collect();
		assert_eq!(ids, [2, 1, 3]);
		let offers = [offer(3, 1, 40), offer(1, 1, 40), offer(2, 1, 30), offer(4, 0, 10)];
		let ids: Vec<u32> = offers_by_merit(&offers).iter().map(|o| o.id).collect();
		assert_eq!(ids, [2, 1, 3]);
		let ids: Vec<u32> = offers_fifo(&offers).iter().map(|o| o.id).collect();
		assert_eq!(ids, [1, 2, 3]);
	}

	#[test]
	fn partial_fills_carry_the_remainder_to_the_next_counterpart() {
		let matches =
			match_in_order(&[bid(1, 500, 90), bid(2, 300, 80)], &[offer(7, 600, 10)], |_, _| true);
		let shape: Vec<(u32, u32, Wh)> =
			matches.iter().map(|m| (m.bid.id, m.offer.id, m.wh)).collect();
		assert_eq!(shape, [(1, 7, 500), (2, 7, 100)]);
	}

	#[test]
	fn matching_stops_at_the_first_pair_that_does_not_cross() {
		let matches = match_in_order(
			&[bid(1, 100, 90), bid(2, 100, 30)],
			&[offer(1, 100, 60), offer(2, 100, 40)],
			|b, o| b.price >= o.price,
		);
		assert_eq!(matches.len(), 1);
		assert_eq!((matches[0].bid.id, matches[0].offer.id), (1, 1));
	}
}
