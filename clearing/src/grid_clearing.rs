//! Every clearing rule on a grid: what [`crate::clear`] does for a book without places, for a
//! book whose orders sit at grid connection points, with no element carrying more than its room
//! and the network charges paid by the buyers on top of what the sellers receive.
//!
//! | rule | on a grid |
//! |---|---|
//! | `AverageBid` | MCP = the mean bid price, as without a grid. Bids at or above it are served in merit order, each from the offers at or below it that are *nearest* (least network charge on the path, then first in, first out) and whose path has room, trimmed to that room; the buyer pays MCP plus the path's charges, which must stay within its bid. |
//! | `UniformPrice` | nodal prices, see [`crate::grid_uniform`]. |
//! | `PayAsBid` | merit-order matching on the grid ([`crate::grid_matching`]); the buyer pays its bid, the seller receives the bid less the path's charges. |
//!
//! With unlimited room and zero charges, every rule's trades, prices and MCP equal the rule's
//! without a grid exactly.

use crate::{
	average_bid::mean_bid_price,
	grid::{loading, net_flows, Grid, Loading},
	grid_matching::{located, merit_order_matches, BookError, GridMatch, Sited},
	grid_uniform::{self, GridTrade},
	Amount, Bid, Clearing, ClearingRule, Offer, Price, Wh,
};
use alloc::{vec, vec::Vec};

/// The outcome of clearing a sited book on a grid.
#[derive(Clone, Debug, Default, Eq, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct GridClearing {
	/// The rule that cleared the book.
	pub rule: ClearingRule,
	/// The market clearing price, as the rule sets it without a grid: `AverageBid` the mean bid
	/// price; `PayAsBid` the last matched bid price; `UniformPrice` the price at the root of the
	/// grid (the zone of the community's common elements). `None` when the rule sets none.
	pub mcp: Option<Price>,
	/// Each element's price per kWh, in the grid's order: `UniformPrice` only (`None` for the
	/// other rules, and where the nodal price falls below zero).
	pub prices: Vec<Option<Price>>,
	/// The trades: the buyer pays `buyer_price`, the seller receives `seller_price`.
	pub trades: Vec<GridTrade>,
	/// Each element's cleared flow each way and what it refused, in the grid's order.
	pub loading: Vec<Loading>,
}

impl GridClearing {
	/// The energy traded, Wh.
	pub fn volume_wh(&self) -> Wh {
		self.trades.iter().fold(0, |sum: Wh, trade| sum.saturating_add(trade.wh))
	}

	/// What the buyers pay in all.
	pub fn paid(&self) -> Amount {
		self.trades.iter().fold(0, |sum: Amount, trade| sum.saturating_add(trade.paid()))
	}

	/// What the sellers receive in all.
	pub fn received(&self) -> Amount {
		self.trades.iter().fold(0, |sum: Amount, trade| sum.saturating_add(trade.received()))
	}

	/// What the grid receives: network charges and congestion rent.
	pub fn to_grid(&self) -> Amount {
		self.paid().saturating_sub(self.received())
	}
}

/// Clears a sited book under `rule` on `grid`; see the module documentation. An order at a
/// point outside the grid refuses the book.
pub fn clear_on_grid(
	rule: ClearingRule,
	grid: &Grid,
	bids: &[Sited<Bid>],
	offers: &[Sited<Offer>],
) -> Result<GridClearing, BookError> {
	match rule {
		ClearingRule::AverageBid => average_bid(grid, bids, offers),
		ClearingRule::UniformPrice => uniform_price(grid, bids, offers),
		ClearingRule::PayAsBid => pay_as_bid(grid, bids, offers),
	}
}

/// The book cleared under `rule` without a grid; the net flows (export positive) that asks of
/// each element; and whether its trades cross no charged element.
pub(crate) fn without_grid(
	rule: ClearingRule,
	grid: &Grid,
	bids: &[Sited<Bid>],
	offers: &[Sited<Offer>],
) -> Result<(Clearing, Vec<i128>, bool), BookError> {
	let bid_point = located(grid, bids, |bid| bid.id)?;
	let offer_point = located(grid, offers, |offer| offer.id)?;
	let plain_bids: Vec<Bid> = bids.iter().map(|s| s.order).collect();
	let plain_offers: Vec<Offer> = offers.iter().map(|s| s.order).collect();
	let clearing = crate::clear(rule, &plain_bids, &plain_offers);
	let sited: Vec<(usize, usize, Wh)> = clearing
		.trades
		.iter()
		.filter_map(|trade| {
			Some((*offer_point.get(&trade.offer)?, *bid_point.get(&trade.bid)?, trade.wh))
		})
		.collect();
	let free = sited.iter().all(|&(from, to, _)| grid.charge(&grid.path(from, to)) == 0);
	let flows = net_flows(grid, sited.into_iter());
	Ok((clearing, flows, free))
}

/// The net flows the book asks of each element under `rule` without a grid.
fn asked(
	rule: ClearingRule,
	grid: &Grid,
	bids: &[Sited<Bid>],
	offers: &[Sited<Offer>],
) -> Result<Vec<i128>, BookError> {
	Ok(without_grid(rule, grid, bids, offers)?.1)
}

fn trade(matched: &GridMatch, buyer_price: Price, seller_price: Price) -> GridTrade {
	GridTrade {
		bid: matched.matched.bid.id,
		offer: matched.matched.offer.id,
		wh: matched.matched.wh,
		buyer_price,
		seller_price,
	}
}

fn pay_as_bid(
	grid: &Grid,
	bids: &[Sited<Bid>],
	offers: &[Sited<Offer>],
) -> Result<GridClearing, BookError> {
	let matched = merit_order_matches(grid, bids, offers)?;
	let mcp = matched.matches.last().map(|last| last.matched.bid.price);
	let trades = matched
		.matches
		.iter()
		.map(|m| {
			// The pair crosses with its charge: bid ≥ reserve + charge, so this stays at or
			// above the reserve.
			let bid = m.matched.bid.price;
			trade(m, bid, bid.saturating_sub(m.charge))
		})
		.collect();
	let prices = vec![None; grid.elements().len()];
	let loading = loading(grid, &matched.used, &asked(ClearingRule::PayAsBid, grid, bids, offers)?);
	Ok(GridClearing { rule: ClearingRule::PayAsBid, mcp, prices, trades, loading })
}

fn average_bid(
	grid: &Grid,
	bids: &[Sited<Bid>],
	offers: &[Sited<Offer>],
) -> Result<GridClearing, BookError> {
	// Every order names a known point, served or not.
	located(grid, bids, |bid| bid.id)?;
	located(grid, offers, |offer| offer.id)?;
	let plain: Vec<Bid> = bids.iter().map(|s| s.order).collect();
	let prices = vec![None; grid.elements().len()];
	let Some(mcp) = mean_bid_price(&plain) else {
		let loading = loading(grid, &[], &[]);
		return Ok(GridClearing {
			rule: ClearingRule::AverageBid,
			mcp: None,
			prices,
			trades: vec![],
			loading,
		});
	};
	let served: Vec<Sited<Bid>> = bids.iter().filter(|s| s.order.price >= mcp).copied().collect();
	// Offers at or below MCP, all priced at MCP: the merit order among them is then the
	// nearest first (least charge), ties first in, first out: without charges, plain FIFO.
	let used: Vec<Sited<Offer>> = offers
		.iter()
		.filter(|s| s.order.price <= mcp)
		.map(|s| Sited { order: Offer { price: mcp, ..s.order }, point: s.point })
		.collect();
	let matched = merit_order_matches(grid, &served, &used)?;
	// The pair crossed with MCP + charge ≤ the bid: the sum does not overflow.
	let trades =
		matched.matches.iter().map(|m| trade(m, mcp.saturating_add(m.charge), mcp)).collect();
	let asked = asked(ClearingRule::AverageBid, grid, bids, offers)?;
	Ok(GridClearing {
		rule: ClearingRule::AverageBid,
		mcp: Some(mcp),
		prices,
		trades,
		loading: loading(grid, &matched.used, &asked),
	})
}

fn uniform_price(
	grid: &Grid,
	bids: &[Sited<Bid>],
	offers: &[Sited<Offer>],
) -> Result<GridClearing, BookError> {
	let size = grid.elements().len();
	let Some(cleared) = grid_uniform::clear(grid, bids, offers)? else {
		return Ok(GridClearing {
			rule: ClearingRule::UniformPrice,
			mcp: None,
			prices: vec![None; size],
			trades: vec![],
			loading: loading(grid, &[], &[]),
		});
	};
	let root = (0..size).find(|&e| grid.parent(e).is_none()).unwrap_or_default();
	let mcp = cleared.prices.get(root).copied().flatten();
	let loading = cleared.loading(grid);
	Ok(GridClearing {
		rule: ClearingRule::UniformPrice,
		mcp,
		prices: cleared.prices,
		trades: cleared.trades,
		loading,
	})
}
