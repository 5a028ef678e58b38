//! The book and the result of clearing it.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// Energy in watt-hours.
pub type Wh = u64;

/// A price in balance units per kWh.
pub type Price = u128;

/// An amount of money in balance units.
pub type Amount = u128;

/// Identifier of an order within one book; lower ids were placed earlier.
pub type OrderId = u32;

/// How a book is cleared (see the module of each rule).
#[derive(
	Clone,
	Copy,
	Debug,
	Decode,
	DecodeWithMemTracking,
	Default,
	Encode,
	Eq,
	MaxEncodedLen,
	PartialEq,
	TypeInfo,
	serde::Serialize,
	serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum ClearingRule {
	/// MCP = mean of all bid prices; bids at or above it served highest first, offers at or
	/// below it first-in-first-out; every trade at MCP. The rule of the design source.
	#[default]
	AverageBid,
	/// Pay-as-clear: merit-order matching; every trade at the midpoint of the last matched
	/// bid and offer.
	UniformPrice,
	/// Merit-order matching; every trade at its bid price.
	PayAsBid,
}

/// A buyer's bid: up to `wh` Wh at no more than `price` per kWh.
#[derive(Clone, Copy, Debug, Eq, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Bid {
	/// The bid's id in the book (placement order).
	pub id: OrderId,
	/// Energy wanted, Wh.
	pub wh: Wh,
	/// The highest price the buyer pays, per kWh.
	pub price: Price,
}

/// A seller's offer: up to `wh` Wh at no less than `price` (the reserve price) per kWh.
#[derive(Clone, Copy, Debug, Eq, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Offer {
	/// The offer's id in the book (placement order).
	pub id: OrderId,
	/// Energy available, Wh.
	pub wh: Wh,
	/// The reserve price: the lowest price the seller accepts, per kWh.
	pub price: Price,
}

/// One matched quantity between a bid and an offer.
#[derive(
	Clone,
	Copy,
	Debug,
	Decode,
	DecodeWithMemTracking,
	Encode,
	Eq,
	MaxEncodedLen,
	PartialEq,
	TypeInfo,
	serde::Serialize,
	serde::Deserialize,
)]
pub struct Trade {
	/// The bid served.
	pub bid: OrderId,
	/// The offer used.
	pub offer: OrderId,
	/// Energy traded, Wh.
	pub wh: Wh,
	/// The price of this trade, per kWh.
	pub price: Price,
}

impl Trade {
	/// What the buyer pays the seller for the whole trade (rounded down to the unit).
	pub fn amount(&self) -> Amount {
		crate::money::cost(self.price, self.wh)
	}
}

/// The outcome of clearing a book.
#[derive(Clone, Debug, Default, Eq, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Clearing {
	/// The rule that cleared the book.
	pub rule: ClearingRule,
	/// The market clearing price, per kWh. `AverageBid`: the mean bid price (rounded down),
	/// set whenever there is a bid; `UniformPrice`: the midpoint of the last matched pair;
	/// `PayAsBid`: the last (lowest) matched bid price. `None` when the rule sets no price.
	pub mcp: Option<Price>,
	/// The trades, in matching order: each bid's trades are consecutive, bids in service
	/// order.
	pub trades: Vec<Trade>,
}

impl Clearing {
	/// No price and no trades.
	pub fn empty(rule: ClearingRule) -> Self {
		Clearing { rule, mcp: None, trades: Vec::new() }
	}

	/// The energy traded, Wh.
	pub fn volume_wh(&self) -> Wh {
		self.trades.iter().fold(0, |sum: Wh, trade| sum.saturating_add(trade.wh))
	}

	/// The money that changes hands if every trade is delivered.
	pub fn turnover(&self) -> Amount {
		self.trades.iter().fold(0, |sum: Amount, trade| sum.saturating_add(trade.amount()))
	}
}
