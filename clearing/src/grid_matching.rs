//! Merit-order matching on a grid: bids in merit order, each served by the offer that is
//! cheapest *delivered* to the bid's connection point (reserve price plus the network charges of
//! the path) among those whose path still has room, trimmed to that room.
//!
//! A bid's price is what its buyer pays in all for a kWh delivered: the seller's price plus the
//! network charges of the path, which the buyer pays on top of the price and the DSO receives.
//! A pair crosses when the offer's price plus the path's charge is at most the bid's price.
//!
//! With unlimited room and zero charges every step picks the head of the global merit order of
//! offers, so the matches equal [`crate::uniform_price::merit_order_matches`]' exactly.
//!
//! Cost: offers wait in one queue per connection point (merit order), and a bid looks at the
//! points' head offers cheapest first, until no later head can be cheaper delivered than the
//! best found; heads whose path has no room are skipped for that bid. Flows are gross per
//! direction (see [`Ledger`]), so room only shrinks while clearing.

use crate::{
	grid::{ElementId, Grid, Ledger},
	matching::{bids_by_merit, offers_by_merit, Match},
	Bid, Offer, OrderId, Price, Wh,
};
use alloc::{
	collections::{BTreeMap, BTreeSet, VecDeque},
	vec::Vec,
};

/// An order and the grid connection point it is at.
#[derive(Clone, Copy, Debug, Eq, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Sited<O> {
	/// The order.
	#[serde(flatten)]
	pub order: O,
	/// Its connection point: a bid's buyer's meter's, an offer's RES's.
	pub point: ElementId,
}

/// Why a sited book cannot be cleared on a grid.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub enum BookError {
	/// An order names a connection point that is not in the grid.
	UnknownPoint {
		/// The order.
		order: OrderId,
		/// The point it names.
		point: ElementId,
	},
	/// Two orders of one side share an id.
	DuplicateOrder {
		/// The id.
		order: OrderId,
	},
}

/// A match and the network charge of its path, per kWh.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub struct GridMatch {
	/// The bid, the offer and the energy matched.
	pub matched: Match,
	/// The sum of the charges of the elements its energy crosses, per kWh.
	pub charge: Price,
}

/// The matches of a book on a grid, and what they put on each element.
#[derive(Clone, Debug, Default, Eq, PartialEq)]
pub struct GridMatches {
	/// The matches, each bid's consecutive, bids in merit order.
	pub matches: Vec<GridMatch>,
	/// Energy the matches move across each element, (up, down), in the grid's order.
	pub used: Vec<(Wh, Wh)>,
}

/// Orders' points as grid indexes; the first unknown point or repeated id refuses the book.
pub(crate) fn located<O: Copy>(
	grid: &Grid,
	orders: &[Sited<O>],
	id: impl Fn(&O) -> OrderId,
) -> Result<BTreeMap<OrderId, usize>, BookError> {
	let mut points = BTreeMap::new();
	for sited in orders {
		let order = id(&sited.order);
		let at = grid
			.index_of(sited.point)
			.ok_or(BookError::UnknownPoint { order, point: sited.point })?;
		if points.insert(order, at).is_some() {
			return Err(BookError::DuplicateOrder { order });
		}
	}
	Ok(points)
}

/// An offer with what is left of it.
#[derive(Clone, Copy)]
struct Left {
	offer: Offer,
	wh: Wh,
}

/// The offers waiting at each point, in merit order, and the heads of all points' queues.
struct Queues {
	at: BTreeMap<usize, VecDeque<Left>>,
	/// (price, id, point) of each non-empty queue's head: the heads in merit order.
	heads: BTreeSet<(Price, OrderId, usize)>,
}

impl Queues {
	fn new(offers: Vec<Offer>, point_of: &BTreeMap<OrderId, usize>) -> Self {
		let mut at: BTreeMap<usize, VecDeque<Left>> = BTreeMap::new();
		for offer in offers {
			let point = point_of.get(&offer.id).copied().unwrap_or_default();
			at.entry(point).or_default().push_back(Left { offer, wh: offer.wh });
		}
		let heads = at
			.iter()
			.filter_map(|(&point, queue)| queue.front().map(|h| (h.offer.price, h.offer.id, point)))
			.collect();
		Queues { at, heads }
	}

	/// Takes `wh` from `point`'s head; moves to the next offer when it is used up.
	fn take(&mut self, point: usize, wh: Wh) {
		let Some(queue) = self.at.get_mut(&point) else { return };
		let Some(head) = queue.front_mut() else { return };
		head.wh -= wh;
		if head.wh == 0 {
			self.heads.remove(&(head.offer.price, head.offer.id, point));
			queue.pop_front();
			if let Some(next) = queue.front() {
				self.heads.insert((next.offer.price, next.offer.id, point));
			}
		}
	}

	fn head(&self, point: usize) -> Option<Left> {
		self.at.get(&point).and_then(|queue| queue.front().copied())
	}
}

/// A set of (point, point) pairs of a grid: one bit per pair, `elements²` bits (at most
/// [`crate::grid::MAX_ELEMENTS`]² = 128 KiB).
struct PairSet {
	size: usize,
	bits: Vec<u64>,
}

impl PairSet {
	fn new(size: usize) -> Self {
		PairSet { size, bits: alloc::vec![0; (size * size).div_ceil(64)] }
	}

	fn contains(&self, a: usize, b: usize) -> bool {
		let at = a * self.size + b;
		self.bits.get(at / 64).is_some_and(|word| word & (1 << (at % 64)) != 0)
	}

	fn insert(&mut self, a: usize, b: usize) {
		let at = a * self.size + b;
		if let Some(word) = self.bits.get_mut(at / 64) {
			*word |= 1 << (at % 64);
		}
	}
}

/// The offer a bid takes next: cheapest delivered, then cheapest reserve, then earliest.
struct Choice {
	point: usize,
	charge: Price,
	delivered: Price,
	offer: Offer,
}

/// Merit-order matching of sited bids against sited offers on `grid`; see the module
/// documentation.
pub fn merit_order_matches(
	grid: &Grid,
	bids: &[Sited<Bid>],
	offers: &[Sited<Offer>],
) -> Result<GridMatches, BookError> {
	let bid_point = located(grid, bids, |bid| bid.id)?;
	let offer_point = located(grid, offers, |offer| offer.id)?;
	let plain_bids: Vec<Bid> = bids.iter().map(|sited| sited.order).collect();
	let plain_offers: Vec<Offer> = offers.iter().map(|sited| sited.order).collect();
	let mut queues = Queues::new(offers_by_merit(&plain_offers), &offer_point);
	let mut ledger = Ledger::new(grid);
	let mut matches = Vec::new();
	// Pairs (offer point, bid point) no later bid can use: a full path stays full (flows only
	// grow), and a point priced out for a bid stays priced out for every later bid at the same
	// point (bids come dearest first, a point's later offers are no cheaper).
	let mut dead = PairSet::new(grid.elements().len());
	for bid in bids_by_merit(&plain_bids) {
		let to = bid_point.get(&bid.id).copied().unwrap_or_default();
		let mut wanted = bid.wh;
		while wanted > 0 {
			let Some(choice) = cheapest_delivered(grid, &queues, &ledger, &mut dead, bid.price, to)
			else {
				break;
			};
			let Some(head) = queues.head(choice.point) else { break };
			let wh = ledger.clear(&grid.path(choice.point, to), wanted.min(head.wh));
			matches.push(GridMatch {
				matched: Match { bid, offer: choice.offer, wh },
				charge: choice.charge,
			});
			wanted -= wh;
			queues.take(choice.point, wh);
		}
	}
	Ok(GridMatches { matches, used: ledger.used().to_vec() })
}

/// The head offer cheapest delivered to point `to` that `price` covers, among those whose path
/// has room; pairs found full or priced out on the way are added to `dead`.
fn cheapest_delivered(
	grid: &Grid,
	queues: &Queues,
	ledger: &Ledger,
	dead: &mut PairSet,
	price: Price,
	to: usize,
) -> Option<Choice> {
	let mut best: Option<Choice> = None;
	for &(reserve, _, point) in &queues.heads {
		// Charges are never negative: a head dearer than the best delivered price (or than
		// the bid) cannot be cheaper delivered, nor can any head after it.
		if reserve > price || best.as_ref().is_some_and(|b| reserve >= b.delivered) {
			break;
		}
		if dead.contains(point, to) {
			continue;
		}
		// Paths are walked, not built: a bid looks at many heads for each one it takes.
		let charge = grid.charge_between(point, to);
		// A delivered price past the largest price crosses no bid.
		let Some(delivered) = reserve.checked_add(charge).filter(|d| *d <= price) else {
			dead.insert(point, to);
			continue;
		};
		if best.as_ref().is_some_and(|b| delivered >= b.delivered) {
			continue;
		}
		if ledger.room_between(point, to) == Some(0) {
			dead.insert(point, to);
			continue;
		}
		let Some(head) = queues.head(point) else { continue };
		best = Some(Choice { point, charge, delivered, offer: head.offer });
	}
	best
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::test_orders::*;

	/// Root 0; transformer 1 with feeders 2 (points 4, 5) and 3 (point 6).
	fn two_feeders(transformer_room: Wh, feeder_charge: Price) -> Grid {
		Grid::new(vec![
			element(0, None, 0, 0),
			element(1, Some(0), transformer_room, 0),
			element(2, Some(1), transformer_room, feeder_charge),
			element(3, Some(1), 1_000, feeder_charge),
			element(4, Some(2), 10_000, 0),
			element(5, Some(2), 10_000, 0),
			element(6, Some(3), 10_000, 0),
		])
		.expect("a tree")
	}

	fn sited<O>(order: O, point: ElementId) -> Sited<O> {
		Sited { order, point }
	}

	fn shape(matches: &GridMatches) -> Vec<(OrderId, OrderId, Wh, Price)> {
		matches
			.matches
			.iter()
			.map(|m| (m.matched.bid.id, m.matched.offer.id, m.matched.wh, m.charge))
			.collect()
	}

	#[test]
	fn a_cross_feeder_pair_is_trimmed_to_the_feeder_and_the_rest_taken_in_the_feeder() {
		// Feeder 3 carries 1,000 Wh: the cheap offer at point 6 sells 1,000 to point 4, the
		// rest of the bid comes from the dearer offer at point 5, on its own feeder.
		let grid = two_feeders(10_000, 0);
		let bids = [sited(bid(1, 1_500, 90), 4)];
		let offers = [sited(offer(2, 2_000, 40), 6), sited(offer(3, 2_000, 60), 5)];
		let matched = merit_order_matches(&grid, &bids, &offers).expect("points known");
		assert_eq!(shape(&matched), [(1, 2, 1_000, 0), (1, 3, 500, 0)]);
		assert_eq!(matched.used[grid.index_of(3).expect("known")], (1_000, 0));
	}

	#[test]
	fn charges_make_a_dearer_offer_in_the_feeder_the_cheaper_delivered() {
		// Across the transformer the path crosses feeders 2 and 3 (15 + 15): 40 + 30 = 70 >
		// 60 delivered from the same feeder (points 4 and 5 cross no feeder).
		let grid = two_feeders(10_000, 15);
		let bids = [sited(bid(1, 500, 90), 4)];
		let offers = [sited(offer(2, 500, 40), 6), sited(offer(3, 500, 60), 5)];
		let matched = merit_order_matches(&grid, &bids, &offers).expect("points known");
		assert_eq!(shape(&matched), [(1, 3, 500, 0)]);
		// A bid that the charge prices out of the far offer takes nothing from it.
		let bids = [sited(bid(1, 500, 69), 4)];
		let offers = [sited(offer(2, 500, 40), 6)];
		assert!(merit_order_matches(&grid, &bids, &offers).expect("known").matches.is_empty());
	}

	#[test]
	fn an_order_at_an_unknown_point_refuses_the_book() {
		let grid = two_feeders(10_000, 0);
		let bids = [sited(bid(1, 500, 90), 99)];
		assert_eq!(
			merit_order_matches(&grid, &bids, &[]),
			Err(BookError::UnknownPoint { order: 1, point: 99 })
		);
	}

	#[test]
	fn two_orders_of_one_side_with_one_id_refuse_the_book() {
		// Even an empty one: it would otherwise move the other order's point.
		let grid = two_feeders(10_000, 0);
		let offers = [sited(offer(7, 500, 10), 5), sited(offer(7, 0, 10), 4)];
		assert_eq!(
			merit_order_matches(&grid, &[sited(bid(1, 500, 50), 4)], &offers),
			Err(BookError::DuplicateOrder { order: 7 })
		);
		// A bid and an offer may share an id: each side has its own.
		let offers = [sited(offer(1, 500, 10), 5)];
		assert!(merit_order_matches(&grid, &[sited(bid(1, 500, 50), 4)], &offers).is_ok());
	}

	#[test]
	fn a_full_path_blocks_one_bid_not_the_next_bid_elsewhere() {
		// Feeder 3 can import nothing: the bid at point 6 gets nothing from point 4, the
		// lower bid at point 5 still buys.
		let mut grid_elements = two_feeders(10_000, 0).elements().to_vec();
		grid_elements[3].down_wh = 0;
		let grid = Grid::new(grid_elements).expect("a tree");
		let bids = [sited(bid(1, 500, 90), 6), sited(bid(2, 500, 80), 5)];
		let offers = [sited(offer(3, 1_000, 40), 4)];
		let matched = merit_order_matches(&grid, &bids, &offers).expect("points known");
		assert_eq!(shape(&matched), [(2, 3, 500, 0)]);
		assert_eq!(matched.used[3], (0, 0));
	}
}
