//! The clearing rules of the community energy market, as pure functions.
//!
//! A *book* is the bids and offers of one delivery slot; [`clear`] turns it into a
//! [`Clearing`]: the market clearing price (MCP) and the trades. Nothing here touches storage,
//! so the same code runs in the runtime (the market pallet), in the `energy-clear` command-line
//! tool and in tests and simulations.
//!
//! Units: quantities are whole Wh, prices whole balance units per kWh. The money of a trade
//! is [`money::cost`] (rounded down to the unit), paid by the buyer and received by the seller
//! unchanged: no unit is created or lost.
//!
//! First-in-first-out means by order id: ids are handed out in the order orders were placed,
//! so a lower id is earlier.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod average_bid;
pub mod grid;
pub mod grid_clearing;
pub mod grid_matching;
pub mod grid_uniform;
pub mod matching;
pub mod money;
pub mod pay_as_bid;
#[cfg(test)]
mod test_orders;
mod types;
pub mod uniform_price;

pub use grid_clearing::{clear_on_grid, GridClearing};
pub use types::*;

/// Clears a book under `rule`.
///
/// Bids and offers may come in any order; ties are broken by id (first in, first out). Orders
/// with zero Wh take no part.
pub fn clear(rule: ClearingRule, bids: &[Bid], offers: &[Offer]) -> Clearing {
	match rule {
		ClearingRule::AverageBid => average_bid::clear(bids, offers),
		ClearingRule::UniformPrice => uniform_price::clear(bids, offers),
		ClearingRule::PayAsBid => pay_as_bid::clear(bids, offers),
	}
}
