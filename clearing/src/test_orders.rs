//! Short constructors for the worked examples of the rules' tests.

use crate::{
	grid::{Element, ElementId},
	Bid, Offer, Price, Trade, Wh,
};

/// Bid `id` for `wh` Wh at up to `price`.
pub fn bid(id: u32, wh: Wh, price: Price) -> Bid {
	Bid { id, wh, price }
}

/// Offer `id` of `wh` Wh at no less than `price`.
pub fn offer(id: u32, wh: Wh, price: Price) -> Offer {
	Offer { id, wh, price }
}

/// A trade of `wh` Wh between bid `bid` and offer `offer` at `price`.
pub fn trade(bid: u32, offer: u32, wh: Wh, price: Price) -> Trade {
	Trade { bid, offer, wh, price }
}

/// Grid element `id` under `parent`, carrying `room` Wh each way, charging `charge` per kWh.
pub fn element(id: ElementId, parent: Option<ElementId>, room: Wh, charge: Price) -> Element {
	Element { id, parent, up_wh: room, down_wh: room, charge }
}
