//! The grid file (`--grid grid.json`) and clearing a sited book on it.

use crate::book::{ids, BookFile};
use anyhow::{anyhow, Context};
use energy_clearing::{
	clear_on_grid,
	grid::{energy_in_slot, Element, ElementId, Grid},
	grid_matching::{BookError, Sited},
	grid_uniform::GridTrade,
	Amount, Bid, ClearingRule, Offer, Price, Wh,
};
use serde::{Deserialize, Serialize};

fn an_hour() -> u64 {
	3_600
}

/// One element of the grid file: capacities in W, as the DSO rates them.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct ElementIn {
	/// The element's id (orders name it as their `point`).
	pub id: ElementId,
	/// What it is, for people (ignored by the clearing).
	#[serde(default)]
	pub name: Option<String>,
	/// The element it hangs from; `null` or absent for the root.
	#[serde(default)]
	pub parent: Option<ElementId>,
	/// Power it can carry out of its subtree, W.
	pub up_w: u64,
	/// Power it can carry into its subtree, W.
	pub down_w: u64,
	/// Network charge per kWh crossing it, balance units.
	#[serde(default)]
	pub charge: Price,
}

/// The grid file.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct GridFile {
	/// The slot's length, s (the energy an element carries in the slot is its power times
	/// this); an hour by default.
	#[serde(default = "an_hour")]
	pub slot_seconds: u64,
	/// The elements, in any order.
	pub elements: Vec<ElementIn>,
}

impl GridFile {
	/// The grid of one slot: each capacity as the energy it carries in the slot.
	pub fn grid(&self) -> anyhow::Result<Grid> {
		let wh = |w: u64| energy_in_slot(w, self.slot_seconds.saturating_mul(1_000));
		let elements = self
			.elements
			.iter()
			.map(|e| Element {
				id: e.id,
				parent: e.parent,
				up_wh: wh(e.up_w),
				down_wh: wh(e.down_w),
				charge: e.charge,
			})
			.collect();
		Grid::new(elements).map_err(|e| anyhow!("the grid is not a radial tree: {e:?}"))
	}
}

/// One trade of the grid report, with its money.
#[derive(Serialize, Debug, PartialEq)]
pub struct GridTradeOut {
	/// The bid's id.
	pub bid: u32,
	/// The offer's id.
	pub offer: u32,
	/// Energy, Wh.
	pub wh: Wh,
	/// What the buyer pays per kWh, network charges included.
	pub buyer_price: Price,
	/// What the seller receives per kWh.
	pub seller_price: Price,
	/// What the buyer pays: `buyer_price × wh / 1000`, rounded down.
	pub paid: Amount,
	/// What the seller receives: `seller_price × wh / 1000`, rounded down.
	pub received: Amount,
}

impl From<&GridTrade> for GridTradeOut {
	fn from(trade: &GridTrade) -> Self {
		GridTradeOut {
			bid: trade.bid,
			offer: trade.offer,
			wh: trade.wh,
			buyer_price: trade.buyer_price,
			seller_price: trade.seller_price,
			paid: trade.paid(),
			received: trade.received(),
		}
	}
}

/// One element of the grid report.
#[derive(Serialize, Debug)]
pub struct ElementOut {
	/// The element's id.
	pub id: ElementId,
	/// Its name in the grid file, if any.
	#[serde(skip_serializing_if = "Option::is_none")]
	pub name: Option<String>,
	/// Its price per kWh (`UniformPrice` only).
	pub price: Option<Price>,
	/// Energy cleared out of its subtree, and its room that way, Wh.
	pub up_wh: Wh,
	/// Its room out of its subtree in the slot, Wh.
	pub room_up_wh: Wh,
	/// Energy cleared into its subtree, Wh.
	pub down_wh: Wh,
	/// Its room into its subtree in the slot, Wh.
	pub room_down_wh: Wh,
	/// What it refused out of and into its subtree, Wh.
	pub cut_up_wh: Wh,
	/// What it refused into its subtree, Wh.
	pub cut_down_wh: Wh,
	/// Whether it bound the clearing (refused anything).
	pub binding: bool,
}

/// The report of a grid clearing.
#[derive(Serialize, Debug)]
pub struct GridReport {
	/// The rule used.
	pub rule: ClearingRule,
	/// The market clearing price, or `null`.
	pub mcp: Option<Price>,
	/// Energy traded, Wh.
	pub volume_wh: Wh,
	/// What the buyers pay.
	pub paid: Amount,
	/// What the sellers receive.
	pub received: Amount,
	/// What the grid receives (network charges and congestion rent).
	pub to_grid: Amount,
	/// The trades.
	pub trades: Vec<GridTradeOut>,
	/// Every element's loading, in the file's order.
	pub elements: Vec<ElementOut>,
}

/// Clears `book` (each order with its `point`) under `rule` on the grid of `file`.
pub fn clear_book_on_grid(
	rule: ClearingRule,
	book: &BookFile,
	file: &GridFile,
) -> anyhow::Result<GridReport> {
	let grid = file.grid()?;
	let point = |side: &str, id: u32, point: Option<ElementId>| {
		point
			.ok_or_else(|| anyhow!("{side} {id} has no `point`: with --grid every order needs one"))
	};
	let mut bids = Vec::new();
	for (id, order) in ids(&book.bids, "bids")?.into_iter().zip(&book.bids) {
		let at = point("bid", id, order.point)?;
		bids.push(Sited { order: Bid { id, wh: order.wh, price: order.price }, point: at });
	}
	let mut offers = Vec::new();
	for (id, order) in ids(&book.offers, "offers")?.into_iter().zip(&book.offers) {
		let at = point("offer", id, order.point)?;
		offers.push(Sited { order: Offer { id, wh: order.wh, price: order.price }, point: at });
	}
	let cleared = clear_on_grid(rule, &grid, &bids, &offers).map_err(|error| match error {
		BookError::UnknownPoint { order, point } => {
			anyhow!("order {order} names point {point}, which is not in the grid")
		},
		BookError::DuplicateOrder { order } => anyhow!("two orders of one side have id {order}"),
	})?;
	let elements = grid
		.elements()
		.iter()
		.zip(&file.elements)
		.zip(&cleared.loading)
		.zip(&cleared.prices)
		.map(|(((element, named), loading), price)| ElementOut {
			id: element.id,
			name: named.name.clone(),
			price: *price,
			up_wh: loading.up_wh,
			room_up_wh: element.up_wh,
			down_wh: loading.down_wh,
			room_down_wh: element.down_wh,
			cut_up_wh: loading.cut_up_wh,
			cut_down_wh: loading.cut_down_wh,
			binding: loading.binding(),
		})
		.collect();
	Ok(GridReport {
		rule,
		mcp: cleared.mcp,
		volume_wh: cleared.volume_wh(),
		paid: cleared.paid(),
		received: cleared.received(),
		to_grid: cleared.to_grid(),
		trades: cleared.trades.iter().map(GridTradeOut::from).collect(),
		elements,
	})
}

/// Reads the grid file at `path`.
pub fn read(path: &str) -> anyhow::Result<GridFile> {
	let text = std::fs::read_to_string(path).with_context(|| format!("reading {path}"))?;
	serde_json::from_str(&text).with_context(|| format!("parsing the grid {path}"))
}

#[cfg(test)]
mod tests {
	use super::*;

	const BOOK: &str = include_str!("../examples/grid-book.json");
	const GRID: &str = include_str!("../examples/grid.json");

	#[test]
	fn the_example_grid_splits_the_market_at_the_full_feeder() {
		let book: BookFile = serde_json::from_str(BOOK).expect("book parses");
		let file: GridFile = serde_json::from_str(GRID).expect("grid parses");
		let report = clear_book_on_grid(ClearingRule::UniformPrice, &book, &file).expect("clears");
		let feeder = report.elements.iter().find(|e| e.id == 1).expect("feeder 1");
		assert!(feeder.binding);
		assert_eq!((feeder.up_wh, feeder.room_up_wh, feeder.cut_up_wh), (1_000, 1_000, 1_000));
		assert_eq!(report.volume_wh, 2_000);
		assert_eq!(report.to_grid, report.paid - report.received);
		assert!(report.to_grid > 0, "congestion rent and charges go to the grid");
	}

	#[test]
	fn an_order_without_a_point_or_at_an_unknown_one_is_refused() {
		let file: GridFile = serde_json::from_str(GRID).expect("grid parses");
		let no_point: BookFile =
			serde_json::from_str(r#"{"bids": [{"wh": 10, "price": 5}]}"#).expect("parses");
		let error = clear_book_on_grid(ClearingRule::PayAsBid, &no_point, &file).unwrap_err();
		assert!(error.to_string().contains("has no `point`"));
		let unknown: BookFile =
			serde_json::from_str(r#"{"bids": [{"wh": 10, "price": 5, "point": 77}]}"#)
				.expect("parses");
		let error = clear_book_on_grid(ClearingRule::PayAsBid, &unknown, &file).unwrap_err();
		assert!(error.to_string().contains("not in the grid"));
	}
}
