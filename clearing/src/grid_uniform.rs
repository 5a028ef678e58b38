//! `UniformPrice` on a grid: one price per element (market splitting down to each element, the
//! nodal prices of a radial lossless grid), the trades paired so that no element carries more
//! than its net flow.
//!
//! **The prices.** Each element `n` gets a price `p(n)` per kWh. At its own point, bids above
//! `p(n)` are served in full, offers below it used in full, orders at it in part. Between an
//! element and its parent, energy flows the way the prices say:
//! - it is exported (up) only if `p(parent) ≥ p(n) + charge(n)`, and with `>` only at the
//!   element's room upwards (the element *binds*: the difference is congestion rent);
//! - it is imported (down) only if `p(n) ≥ p(parent) + charge(n)`, with `>` only at its room
//!   downwards;
//! - with no flow, `|p(parent) − p(n)| ≤ charge(n)`.
//!
//! These are the optimality conditions of the welfare-maximising dispatch on the tree (served
//! bids' value minus used offers' reserve minus the charges of the net flows, every element's
//! net flow within its room both ways), so the prices clear every part of the grid at once.
//! Without charges, a zone of elements joined by non-binding elements has one price: the market
//! is split exactly at the binding elements (zonal prices).
//!
//! **How.** `G(n, p)`, the net export of `n`'s subtree when `n`'s price is `p`, is a
//! non-decreasing step function, computed from the orders at `n` and, for each child, what the
//! child's subtree exports through the child at that price (its own `G` at `p ∓ charge`, clamped
//! to the child's room). The root's price clears the community (`G = 0`); each child's price then
//! follows from its flow. Each zone's price is the midpoint (rounded down) of the prices that
//! clear it given its flow, as the unconstrained rule takes the midpoint of its last pair.
//!
//! **The trades.** The served quantities are paired bottom-up: each element pairs what is left
//! unpaired in its subtree, and only the excess of one side moves up; so each element is crossed
//! by exactly its net flow, one way. A trade's buyer pays its point's price, its seller receives
//! its point's price; the difference (the path's charges and any congestion rent) is the DSO's,
//! and it is never negative, since along the path every element's flow goes the trade's way.
//!
//! **Cost.** Evaluating `G` at the root evaluates each element at up to `2^depth` prices (one
//! per combination of charges on the way down; one price when charges are zero), each a binary
//! search over the element's orders; finding a price is a binary search over prices.
//! [`Grid::new`] bounds the depth ([`crate::grid::MAX_DEPTH`]): a distribution grid is a few
//! levels deep (substation, transformer, feeder, lateral, connection point).

use crate::{
	grid::{Grid, Loading},
	grid_matching::{located, BookError, Sited},
	money, Amount, Bid, ClearingRule, Offer, OrderId, Price, Wh,
};
use alloc::{vec, vec::Vec};

/// Prices and energy in signed arithmetic: a child's price may sit below zero (then nothing of
/// it trades), flows are signed (export positive).
type Signed = i128;

/// The largest price the nodal clearing handles, 2¹¹⁹ per kWh (far above any retail price): a bid
/// above it is taken at it, an offer at or above it takes no part.
const PRICE_CAP: Signed = Signed::MAX >> 8;

fn signed_price(price: Price) -> Signed {
	Signed::try_from(price).unwrap_or(PRICE_CAP).min(PRICE_CAP)
}

fn signed_wh(wh: Wh) -> Signed {
	Signed::from(wh)
}

/// A trade of a grid clearing: the buyer pays its point's price, the seller receives its
/// point's price.
#[derive(
	Clone,
	Copy,
	Debug,
	codec::Decode,
	codec::DecodeWithMemTracking,
	codec::Encode,
	Eq,
	codec::MaxEncodedLen,
	PartialEq,
	scale_info::TypeInfo,
	serde::Serialize,
	serde::Deserialize,
)]
pub struct GridTrade {
	/// The bid served.
	pub bid: OrderId,
	/// The offer used.
	pub offer: OrderId,
	/// Energy traded, Wh.
	pub wh: Wh,
	/// What the buyer pays per kWh, all in (the price at the buyer's point).
	pub buyer_price: Price,
	/// What the seller receives per kWh (the price at the seller's point).
	pub seller_price: Price,
}

impl From<crate::Trade> for GridTrade {
	/// A trade at one price: what the buyer pays, the seller receives (no grid between them).
	fn from(trade: crate::Trade) -> Self {
		GridTrade {
			bid: trade.bid,
			offer: trade.offer,
			wh: trade.wh,
			buyer_price: trade.price,
			seller_price: trade.price,
		}
	}
}

impl GridTrade {
	/// What the buyer pays for the whole trade (rounded down).
	pub fn paid(&self) -> Amount {
		money::cost(self.buyer_price, self.wh)
	}

	/// What the seller receives for the whole trade (rounded down).
	pub fn received(&self) -> Amount {
		money::cost(self.seller_price, self.wh)
	}
}

/// The outcome of `UniformPrice` on a grid.
#[derive(Clone, Debug, Default, Eq, PartialEq)]
pub struct NodalClearing {
	/// Each element's price per kWh, in the grid's order (`None` below zero: nothing trades
	/// there).
	pub prices: Vec<Option<Price>>,
	/// Each element's net flow out of its subtree (negative: into it), Wh.
	pub flows: Vec<Signed>,
	/// The trades, in pairing order (deepest elements first).
	pub trades: Vec<GridTrade>,
	/// Each element's net flow under the clearing without a grid, Wh: what the book asked of
	/// the grid (filled by [`clear`]; [`nodal`] leaves it empty).
	pub asked: Vec<Signed>,
}

impl NodalClearing {
	/// Each element's flow each way, and what it cut of the flow the book asked of it
	/// ([`NodalClearing::asked`]).
	pub fn loading(&self, grid: &Grid) -> Vec<Loading> {
		let wh = |value: Signed| Wh::try_from(value.max(0)).unwrap_or(Wh::MAX);
		let used: Vec<(Wh, Wh)> = self.flows.iter().map(|&flow| (wh(flow), wh(-flow))).collect();
		crate::grid::loading(grid, &used, &self.asked)
	}
}

/// The orders at one element, for prefix sums by price.
#[derive(Clone, Debug, Default)]
struct PointBook {
	/// Offers (price, id, Wh) by price ascending, then id.
	offers: Vec<(Signed, OrderId, Wh)>,
	/// Offers' cumulated Wh: `offer_sum[k]` is the first `k` offers'.
	offer_sum: Vec<Signed>,
	/// Bids (price, id, Wh) by price ascending, then id.
	bids: Vec<(Signed, OrderId, Wh)>,
	bid_sum: Vec<Signed>,
}

fn prefix_sums(orders: &[(Signed, OrderId, Wh)]) -> Vec<Signed> {
	let mut sums = Vec::with_capacity(orders.len() + 1);
	sums.push(0);
	for &(_, _, wh) in orders {
		let last = sums.last().copied().unwrap_or(0);
		sums.push(last + signed_wh(wh));
	}
	sums
}

impl PointBook {
	fn index(&mut self) {
		self.offers.sort();
		self.bids.sort();
		self.offer_sum = prefix_sums(&self.offers);
		self.bid_sum = prefix_sums(&self.bids);
	}

	/// Offers priced below `p` (or at most `p`), Wh.
	fn supply(&self, p: Signed, at_too: bool) -> Signed {
		let k = self.offers.partition_point(|o| if at_too { o.0 <= p } else { o.0 < p });
		self.offer_sum[k]
	}

	/// Bids priced above `p` (or at least `p`), Wh.
	fn demand(&self, p: Signed, at_too: bool) -> Signed {
		let k = self.bids.partition_point(|b| if at_too { b.0 < p } else { b.0 <= p });
		self.bid_sum[self.bids.len()] - self.bid_sum[k]
	}

	/// The net supply of the orders here at price `p`: from all orders at `p` left out of
	/// supply and in demand, to all in supply and out of demand.
	fn net(&self, p: Signed) -> (Signed, Signed) {
		(self.supply(p, false) - self.demand(p, true), self.supply(p, true) - self.demand(p, false))
	}
}

/// The grid with its orders placed.
struct Market<'a> {
	grid: &'a Grid,
	children: Vec<Vec<usize>>,
	books: Vec<PointBook>,
	/// Prices searched: below every order's price minus every charge, above every price plus
	/// every charge.
	lowest: Signed,
	highest: Signed,
}

impl<'a> Market<'a> {
	fn new(
		grid: &'a Grid,
		bids: &[Sited<Bid>],
		offers: &[Sited<Offer>],
	) -> Result<(Self, usize), BookError> {
		let size = grid.elements().len();
		let mut children = vec![Vec::new(); size];
		let mut root = 0;
		for element in 0..size {
			match grid.parent(element) {
				Some(parent) => children[parent].push(element),
				None => root = element,
			}
		}
		let bid_point = located(grid, bids, |bid| bid.id)?;
		let offer_point = located(grid, offers, |offer| offer.id)?;
		let mut books = vec![PointBook::default(); size];
		let mut high: Signed = 0;
		for sited in bids.iter().filter(|s| s.order.wh > 0) {
			let at = bid_point.get(&sited.order.id).copied().unwrap_or(root);
			let price = signed_price(sited.order.price);
			high = high.max(price);
			books[at].bids.push((price, sited.order.id, sited.order.wh));
		}
		// An offer dearer than the cap could only be sold below its reserve: it takes no part
		// (a bid dearer than the cap is taken at the cap: it pays less than its price).
		let within_cap = |offer: &&Sited<Offer>| signed_price(offer.order.price) < PRICE_CAP;
		for sited in offers.iter().filter(|s| s.order.wh > 0).filter(within_cap) {
			let at = offer_point.get(&sited.order.id).copied().unwrap_or(root);
			let price = signed_price(sited.order.price);
			high = high.max(price);
			books[at].offers.push((price, sited.order.id, sited.order.wh));
		}
		for book in &mut books {
			book.index();
		}
		// At most the price cap: then every price searched, and every price plus or minus a
		// charge, stays far inside `Signed`.
		let charges: Signed = grid
			.elements()
			.iter()
			.map(|e| signed_price(e.charge))
			.fold(0, Signed::saturating_add)
			.min(PRICE_CAP);
		// Prices are never negative: the lowest order price is at least 0.
		let lowest = (0 as Signed).saturating_sub(charges).saturating_sub(1);
		high = high.saturating_add(charges).saturating_add(1);
		Ok((Market { grid, children, books, lowest, highest: high }, root))
	}

	fn room(&self, element: usize) -> (Signed, Signed, Signed) {
		let e = &self.grid.elements()[element];
		(signed_wh(e.up_wh), signed_wh(e.down_wh), signed_price(e.charge))
	}

	/// `G(n, p)`: the interval of net exports of `n`'s subtree when `n`'s price is `p`.
	fn subtree(&self, n: usize, p: Signed) -> (Signed, Signed) {
		let (mut lo, mut hi) = self.books[n].net(p);
		for &child in &self.children[n] {
			let (l, h) = self.link(child, p);
			lo += l;
			hi += h;
		}
		(lo, hi)
	}

	/// What `child`'s subtree can export through `child` when its parent's price is `p`.
	fn link(&self, child: usize, p: Signed) -> (Signed, Signed) {
		let (up, down, charge) = self.room(child);
		let exporting = self.subtree(child, p.saturating_sub(charge));
		let importing =
			if charge == 0 { exporting } else { self.subtree(child, p.saturating_add(charge)) };
		let hi = if exporting.1 > 0 {
			exporting.1.min(up)
		} else if importing.1 >= 0 {
			0
		} else {
			importing.1.max(-down)
		};
		let lo = if importing.0 < 0 {
			importing.0.max(-down)
		} else if exporting.0 <= 0 {
			0
		} else {
			exporting.0.min(up)
		};
		(lo, hi)
	}

	/// The price of a zone whose clearing prices are `range`: its midpoint (rounded down), or
	/// its one end inside the prices searched when the other end is unbounded (a zone that
	/// only sells or only buys and trades nothing).
	fn zone_price(&self, (lo, hi): (Signed, Signed)) -> Signed {
		match (lo <= self.lowest, hi >= self.highest) {
			(true, false) => hi,
			(false, true) => lo,
			_ => lo + (hi - lo) / 2,
		}
	}

	/// The prices at which `n`'s subtree can export `x`: [first with `G⁺ ≥ x`, last with
	/// `G⁻ ≤ x`].
	fn clearing_range(&self, n: usize, x: Signed) -> (Signed, Signed) {
		let first = first_where(self.lowest, self.highest, |p| self.subtree(n, p).1 >= x);
		let last =
			first_where(self.lowest, self.highest, |p| self.subtree(n, p).0 > x).saturating_sub(1);
		(first, last)
	}
}

/// The first `p` in `low..=high` where `holds` (monotone: false then true); `high + 1` if none.
fn first_where(low: Signed, high: Signed, holds: impl Fn(Signed) -> bool) -> Signed {
	let (mut lo, mut hi) = (low, high.saturating_add(1));
	while lo < hi {
		let mid = lo + (hi - lo) / 2;
		if holds(mid) {
			hi = mid;
		} else {
			lo = mid + 1;
		}
	}
	lo
}

/// What one element serves of its own orders and what it leaves unpaired.
#[derive(Default)]
struct Served {
	/// (price, id, Wh) served.
	offers: Vec<(Signed, OrderId, Wh)>,
	bids: Vec<(Signed, OrderId, Wh)>,
}

/// The orders `book` serves at price `p` for a net supply of `net`: everything strictly on
/// the right side of `p`, and of the orders at `p` as much as possible (first in, first out)
/// while the net is `net`.
fn serve(book: &PointBook, p: Signed, net: Signed) -> Served {
	let base = book.supply(p, false) - book.demand(p, false);
	let marginal_offers = book.supply(p, true) - book.supply(p, false);
	let marginal_bids = book.demand(p, true) - book.demand(p, false);
	let d = net - base;
	let (take_offers, take_bids) = if d >= 0 {
		let bids = marginal_bids.min(marginal_offers - d);
		(d + bids, bids)
	} else {
		let offers = marginal_offers.min(marginal_bids + d);
		(offers, offers - d)
	};
	Served {
		offers: serve_side(&book.offers, p, |price| price < p, take_offers),
		bids: serve_side(&book.bids, p, |price| price > p, take_bids),
	}
}

/// One side's orders served at price `p`: all those `inside` (strictly on the side that trades),
/// then `take` Wh of those at `p`, first in, first out.
fn serve_side(
	orders: &[(Signed, OrderId, Wh)],
	p: Signed,
	inside: impl Fn(Signed) -> bool,
	mut take: Signed,
) -> Vec<(Signed, OrderId, Wh)> {
	let mut served: Vec<(Signed, OrderId, Wh)> =
		orders.iter().filter(|order| inside(order.0)).copied().collect();
	let mut at_p: Vec<&(Signed, OrderId, Wh)> = orders.iter().filter(|o| o.0 == p).collect();
	at_p.sort_by_key(|order| order.1);
	for order in at_p {
		let wh = signed_wh(order.2).min(take);
		if wh > 0 {
			served.push((order.0, order.1, wh as Wh));
			take -= wh;
		}
	}
	served
}

/// Clears a sited book under `UniformPrice` on `grid`.
///
/// When the unconstrained clearing ([`crate::uniform_price::clear`]) fits the grid (every
/// element's net flow within its room both ways) and its trades cross no charged element, it is
/// also the best dispatch on the grid, and it stands unchanged: one price, today's trades. Else
/// the book is cleared with nodal prices ([`nodal`]). `Ok(None)` when nothing trades.
pub fn clear(
	grid: &Grid,
	bids: &[Sited<Bid>],
	offers: &[Sited<Offer>],
) -> Result<Option<NodalClearing>, BookError> {
	let (unconstrained, flows, free) =
		crate::grid_clearing::without_grid(ClearingRule::UniformPrice, grid, bids, offers)?;
	let Some(mcp) = unconstrained.mcp else { return Ok(None) };
	let size = grid.elements().len();
	let fits = grid.elements().iter().zip(&flows).all(|(element, &flow)| {
		flow <= signed_wh(element.up_wh) && -flow <= signed_wh(element.down_wh)
	});
	if !(free && fits) {
		return Ok(
			nodal(grid, bids, offers)?.map(|cleared| NodalClearing { asked: flows, ..cleared })
		);
	}
	let trades = unconstrained.trades.iter().copied().map(GridTrade::from).collect();
	Ok(Some(NodalClearing {
		prices: vec![Some(mcp); size],
		flows: flows.clone(),
		trades,
		asked: flows,
	}))
}

/// Clears a sited book under `UniformPrice` on `grid` with nodal prices (see the module
/// documentation). `Ok(None)` when nothing trades.
pub fn nodal(
	grid: &Grid,
	bids: &[Sited<Bid>],
	offers: &[Sited<Offer>],
) -> Result<Option<NodalClearing>, BookError> {
	let (market, root) = Market::new(grid, bids, offers)?;
	let size = grid.elements().len();
	let mut prices = vec![0; size];
	let mut flows = vec![0; size];
	let mut served: Vec<Served> = (0..size).map(|_| Served::default()).collect();
	// Top down from the root, whose net is zero: each element's price from its flow, then
	// its own orders' and its children's shares of its flow.
	let mut stack = vec![(root, market.zone_price(market.clearing_range(root, 0)), 0)];
	while let Some((n, p, x)) = stack.pop() {
		prices[n] = p;
		flows[n] = x;
		let own = market.books[n].net(p);
		let links: Vec<(usize, (Signed, Signed))> =
			market.children[n].iter().map(|&c| (c, market.link(c, p))).collect();
		let mut rest = x - own.0 - links.iter().map(|l| l.1 .0).sum::<Signed>();
		// `max`/`min`, not `clamp`: never a panic, whatever the intervals.
		let own_net = own.0 + rest.min(own.1 - own.0).max(0);
		rest -= own_net - own.0;
		served[n] = serve(&market.books[n], p, own_net);
		for (child, (lo, hi)) in links {
			let flow = lo + rest.min(hi - lo).max(0);
			rest -= flow - lo;
			let (up, down, charge) = market.room(child);
			// The prices the child may have given its flow: at the parent's less (more) the
			// charge while exporting (importing) below its room, at most (least) that at its
			// room, within a charge of it with no flow (unbounded on the side where the room
			// is zero).
			let from = if flow < 0 {
				p.saturating_add(charge)
			} else if flow == up {
				market.lowest
			} else {
				p.saturating_sub(charge)
			};
			let to = if flow > 0 {
				p.saturating_sub(charge)
			} else if flow == -down {
				market.highest
			} else {
				p.saturating_add(charge)
			};
			let child_price =
				market.zone_price(market.clearing_range(child, flow)).max(from).min(to);
			stack.push((child, child_price, flow));
		}
	}
	let trades = pair(&market, root, &mut served, &prices);
	if trades.is_empty() {
		return Ok(None);
	}
	let prices = prices.into_iter().map(|p| Price::try_from(p).ok()).collect();
	Ok(Some(NodalClearing { prices, flows, trades, asked: Vec::new() }))
}

/// What a subtree leaves unpaired: (element, price, id, Wh) of offers or of bids.
type Unpaired = Vec<(usize, Signed, OrderId, Wh)>;

/// Pairs the served orders bottom-up (see the module documentation).
fn pair(market: &Market, root: usize, served: &mut [Served], prices: &[Signed]) -> Vec<GridTrade> {
	// Post-order without recursion: children before their parent.
	let mut order = Vec::with_capacity(served.len());
	let mut stack = vec![root];
	while let Some(n) = stack.pop() {
		order.push(n);
		stack.extend(market.children[n].iter().copied());
	}
	let mut left: Vec<(Unpaired, Unpaired)> = vec![(Vec::new(), Vec::new()); served.len()];
	let mut trades = Vec::new();
	for &n in order.iter().rev() {
		let (mut sellers, mut buyers) = (Vec::new(), Vec::new());
		for &child in &market.children[n] {
			let (s, b) = core::mem::take(&mut left[child]);
			sellers.extend(s);
			buyers.extend(b);
		}
		let own = core::mem::take(&mut served[n]);
		sellers.extend(own.offers.into_iter().map(|(p, id, wh)| (n, p, id, wh)));
		buyers.extend(own.bids.into_iter().map(|(p, id, wh)| (n, p, id, wh)));
		// Highest bids with cheapest offers, ties by id: the merit order, within the subtree.
		sellers.sort_by(|a, b| a.1.cmp(&b.1).then(a.2.cmp(&b.2)));
		buyers.sort_by(|a, b| b.1.cmp(&a.1).then(a.2.cmp(&b.2)));
		let (mut s, mut b) = (0, 0);
		while s < sellers.len() && b < buyers.len() {
			let wh = sellers[s].3.min(buyers[b].3);
			trades.push(GridTrade {
				bid: buyers[b].2,
				offer: sellers[s].2,
				wh,
				buyer_price: Price::try_from(prices[buyers[b].0]).unwrap_or_default(),
				seller_price: Price::try_from(prices[sellers[s].0]).unwrap_or_default(),
			});
			sellers[s].3 -= wh;
			buyers[b].3 -= wh;
			if sellers[s].3 == 0 {
				s += 1;
			}
			if buyers[b].3 == 0 {
				b += 1;
			}
		}
		left[n] = (sellers.split_off(s), buyers.split_off(b));
	}
	trades
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::{grid::ElementId, test_orders::*};

	/// Root 0 with feeders 1 (point 3) and 2 (point 4); feeder 1 carries `feeder_room` Wh.
	fn two_feeders(feeder_room: Wh, charge: Price) -> Grid {
		Grid::new(vec![
			element(0, None, 0, 0),
			element(1, Some(0), feeder_room, charge),
			element(2, Some(0), 10_000, charge),
			element(3, Some(1), 10_000, 0),
			element(4, Some(2), 10_000, 0),
		])
		.expect("a tree")
	}

	fn sited<O>(order: O, point: ElementId) -> Sited<O> {
		Sited { order, point }
	}

	/// Cheap PV on feeder 1 (offer 2: 3,000 Wh at 20, and a bid 4 at 10 under it), a buyer on
	/// feeder 2 (bid 1: 2,000 Wh at 90) with a dearer offer beside it (3: 2,000 Wh at 60).
	fn book() -> (Vec<Sited<Bid>>, Vec<Sited<Offer>>) {
		(
			vec![sited(bid(1, 2_000, 90), 4), sited(bid(4, 500, 10), 3)],
			vec![sited(offer(2, 3_000, 20), 3), sited(offer(3, 2_000, 60), 4)],
		)
	}

	#[test]
	fn a_binding_feeder_splits_the_market_into_two_prices() {
		// Unconstrained, bid 1 takes 2,000 Wh of offer 2 across both feeders at 55. Feeder 1
		// carries 1,000: feeder 2's zone imports 1,000 and takes the other 1,000 from offer 3,
		// the marginal offer there (60); feeder 1's zone sells 1,000 of offer 2, marginal at 20.
		let grid = two_feeders(1_000, 0);
		let (bids, offers) = book();
		let cleared = clear(&grid, &bids, &offers).expect("points known").expect("trades");
		assert_eq!(cleared.prices, [Some(60), Some(20), Some(60), Some(20), Some(60)]);
		assert_eq!(cleared.flows, [0, 1_000, -1_000, 1_000, -1_000]);
		let shape: Vec<_> = cleared
			.trades
			.iter()
			.map(|t| (t.bid, t.offer, t.wh, t.buyer_price, t.seller_price))
			.collect();
		assert_eq!(shape, [(1, 3, 1_000, 60, 60), (1, 2, 1_000, 60, 20)]);
		// The buyer pays 60 + 60, the sellers get 60 + 20: 40 of congestion rent to the DSO.
		let paid: Amount = cleared.trades.iter().map(GridTrade::paid).sum();
		let received: Amount = cleared.trades.iter().map(GridTrade::received).sum();
		assert_eq!((paid, received), (120, 80));
	}

	#[test]
	fn a_grid_that_carries_the_unconstrained_trades_changes_nothing() {
		let grid = two_feeders(10_000, 0);
		let (bids, offers) = book();
		let cleared = clear(&grid, &bids, &offers).expect("points known").expect("trades");
		assert_eq!(cleared.prices, [Some(55); 5]);
		let shape: Vec<_> =
			cleared.trades.iter().map(|t| (t.bid, t.offer, t.wh, t.buyer_price)).collect();
		assert_eq!(shape, [(1, 2, 2_000, 55)]);
	}

	#[test]
	fn charges_part_the_prices_by_what_the_path_costs() {
		// Each feeder charges 5: a kWh from point 3 to point 4 costs 10 of charges. Bid 1
		// still buys all 2,000 from offer 2 (20 + 10 < 60); its zone's price sits 10 above the
		// seller's.
		let grid = two_feeders(10_000, 5);
		let (bids, offers) = book();
		let cleared = clear(&grid, &bids, &offers).expect("points known").expect("trades");
		let trade = cleared.trades[0];
		assert_eq!((cleared.trades.len(), trade.bid, trade.offer, trade.wh), (1, 1, 2, 2_000));
		assert_eq!(trade.buyer_price, trade.seller_price + 10);
		assert!(trade.seller_price >= 20 && trade.buyer_price <= 90);
	}

	#[test]
	fn an_order_at_an_unknown_point_refuses_the_book() {
		let grid = two_feeders(10_000, 0);
		let bids = [sited(bid(1, 500, 90), 99)];
		assert_eq!(clear(&grid, &bids, &[]), Err(BookError::UnknownPoint { order: 1, point: 99 }));
		assert_eq!(nodal(&grid, &bids, &[]), Err(BookError::UnknownPoint { order: 1, point: 99 }));
	}
}
