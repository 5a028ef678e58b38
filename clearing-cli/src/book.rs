//! The JSON book and report formats, and clearing a book read from JSON.

use anyhow::ensure;
use energy_clearing::{
	clear, grid::ElementId, Amount, Bid, ClearingRule, Offer, OrderId, Price, Trade, Wh,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The `--rule` names.
#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum RuleArg {
	/// `AverageBid`: MCP = mean bid price.
	AverageBid,
	/// `UniformPrice`: pay-as-clear at the midpoint of the last matched pair.
	Uniform,
	/// `PayAsBid`: each trade at its bid price.
	PayAsBid,
}

impl From<RuleArg> for ClearingRule {
	fn from(rule: RuleArg) -> Self {
		match rule {
			RuleArg::AverageBid => ClearingRule::AverageBid,
			RuleArg::Uniform => ClearingRule::UniformPrice,
			RuleArg::PayAsBid => ClearingRule::PayAsBid,
		}
	}
}

/// One order of the input file. Without an `id`, an order gets its position in its list
/// (0, 1, …), so the file order is the arrival order.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct OrderIn {
	/// Placement order; lower is earlier.
	pub id: Option<OrderId>,
	/// Energy, Wh.
	pub wh: Wh,
	/// Bid price or reserve price, balance units per kWh.
	pub price: Price,
	/// The grid element the order sits at (a bid's buyer's connection point, an offer's
	/// RES's); needed with `--grid`, ignored without.
	#[serde(default)]
	pub point: Option<ElementId>,
}

/// The input file.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct BookFile {
	/// The bids.
	#[serde(default)]
	pub bids: Vec<OrderIn>,
	/// The offers.
	#[serde(default)]
	pub offers: Vec<OrderIn>,
}

/// One trade of the report, with its money.
#[derive(Serialize, Debug, PartialEq)]
pub struct TradeOut {
	/// The bid's id.
	pub bid: OrderId,
	/// The offer's id.
	pub offer: OrderId,
	/// Energy, Wh.
	pub wh: Wh,
	/// Price per kWh.
	pub price: Price,
	/// What the buyer pays the seller: `price × wh / 1000`, rounded down.
	pub amount: Amount,
}

/// The report printed to stdout.
#[derive(Serialize, Debug)]
pub struct Report {
	/// The rule used.
	pub rule: ClearingRule,
	/// The market clearing price, or `null` if the rule set none.
	pub mcp: Option<Price>,
	/// Energy traded, Wh.
	pub volume_wh: Wh,
	/// Money that changes hands, balance units.
	pub turnover: Amount,
	/// The trades in matching order.
	pub trades: Vec<TradeOut>,
}

/// The orders' ids: given, or their positions; two equal ones on a side are refused.
pub fn ids(orders: &[OrderIn], side: &str) -> anyhow::Result<Vec<OrderId>> {
	let ids: Vec<OrderId> = orders
		.iter()
		.enumerate()
		.map(|(position, order)| order.id.unwrap_or(position as OrderId))
		.collect();
	let unique: BTreeSet<&OrderId> = ids.iter().collect();
	ensure!(unique.len() == ids.len(), "two {side} have the same id");
	Ok(ids)
}

/// Clears `book` under `rule`.
pub fn clear_book(rule: ClearingRule, book: &BookFile) -> anyhow::Result<Report> {
	let bids: Vec<Bid> = ids(&book.bids, "bids")?
		.into_iter()
		.zip(&book.bids)
		.map(|(id, order)| Bid { id, wh: order.wh, price: order.price })
		.collect();
	let offers: Vec<Offer> = ids(&book.offers, "offers")?
		.into_iter()
		.zip(&book.offers)
		.map(|(id, order)| Offer { id, wh: order.wh, price: order.price })
		.collect();
	let clearing = clear(rule, &bids, &offers);
	let trades = clearing
		.trades
		.iter()
		.map(|trade: &Trade| TradeOut {
			bid: trade.bid,
			offer: trade.offer,
			wh: trade.wh,
			price: trade.price,
			amount: trade.amount(),
		})
		.collect();
	Ok(Report {
		rule,
		mcp: clearing.mcp,
		volume_wh: clearing.volume_wh(),
		turnover: clearing.turnover(),
		trades,
	})
}

#[cfg(test)]
mod tests {
	use super::*;

	const EXAMPLE: &str = include_str!("../examples/book.json");

	#[test]
	fn the_example_book_clears_as_the_readme_shows() {
		let book: BookFile = serde_json::from_str(EXAMPLE).expect("example parses");
		let report = clear_book(ClearingRule::UniformPrice, &book).expect("clears");
		assert_eq!(report.mcp, Some(75_000));
		assert_eq!(report.volume_wh, 3_500);
		assert_eq!(report.turnover, 262_500);
		let json = serde_json::to_value(&report).expect("serialises");
		assert_eq!(json["rule"], "uniform-price");
		assert_eq!(json["trades"][0]["amount"], 150_000);
	}

	#[test]
	fn missing_ids_are_positions_and_duplicates_are_refused() {
		let book: BookFile = serde_json::from_str(
			r#"{"bids": [{"wh": 10, "price": 5}, {"wh": 10, "price": 5}], "offers": [{"wh": 15, "price": 1}]}"#,
		)
		.expect("parses");
		let report = clear_book(ClearingRule::PayAsBid, &book).expect("clears");
		let pairs: Vec<(u32, u32, u64)> =
			report.trades.iter().map(|t| (t.bid, t.offer, t.wh)).collect();
		assert_eq!(pairs, [(0, 0, 10), (1, 0, 5)]);
		let clash: BookFile = serde_json::from_str(
			r#"{"bids": [{"id": 1, "wh": 1, "price": 1}, {"id": 1, "wh": 1, "price": 1}]}"#,
		)
		.expect("parses");
		assert!(clear_book(ClearingRule::AverageBid, &clash).is_err());
	}
}
