//! Gate closure: reading a slot's book, placing each order on the slot's grid, and clearing it
//! with the pure rules of `energy-clearing` (on the grid when the DSO keeps one).

use crate::{
	AuctionStatus, Auctions, Config, Event, GridClearingError, GridTrade, Orders, Pallet, Side,
	SlotLength, SlotLoading, SlotLoadingOf, TradePage, TradePages, TRADES_PER_PAGE,
};
use alloc::{collections::BTreeMap, vec::Vec};
use energy_clearing::{
	grid::{energy_in_slot, Element, Grid},
	grid_matching::Sited,
	Amount, Bid, ClearingRule, Offer, Price,
};
use energy_primitives::{ElementId, GridTopology, MarketSlot, SlotElement, Wh};

/// A slot's cleared trades, the clearing price, and what the grid recorded.
struct Cleared {
	mcp: Option<Price>,
	trades: Vec<GridTrade>,
	loading: Option<SlotLoadingOf>,
}

/// The slot's elements as the clearing takes them: rooms in Wh for a slot of `slot_ms`.
pub(crate) fn grid_of(elements: &[SlotElement], slot_ms: u64) -> Result<Grid, GridClearingError> {
	let elements = elements
		.iter()
		.map(|element| Element {
			id: element.id,
			parent: element.parent,
			up_wh: energy_in_slot(element.up_w, slot_ms),
			down_wh: energy_in_slot(element.down_w, slot_ms),
			charge: element.charge_per_kwh,
		})
		.collect();
	Grid::new(elements).map_err(|_| GridClearingError::InvalidGrid)
}

impl<T: Config> Pallet<T> {
	/// Closes the book of `slot` (at gate closure, or a sealed book at the end of its reveal
	/// window: unrevealed commitments leave its counts) and clears it: stores the trades in pages (and, on a grid,
	/// each element's loading), records the MCP and volume, and moves the auction to
	/// `Cleared`. Holds stay as they are until settlement.
	pub(crate) fn do_close_and_clear(slot: MarketSlot) {
		let Some(mut auction) = Auctions::<T>::get(slot) else { return };
		if !matches!(auction.status, AuctionStatus::Open | AuctionStatus::Revealing) {
			return;
		}
		Self::end_reveal(slot, &mut auction);
		Self::deposit_event(Event::BidsClosed {
			slot,
			bids: auction.bids,
			offers: auction.offers,
			bid_wh: auction.bid_wh,
			offer_wh: auction.offer_wh,
		});
		let cleared = match Self::clear_book(slot, auction.rule, auction.bids, auction.offers) {
			Ok(cleared) => cleared,
			Err(reason) => {
				Self::deposit_event(Event::GridClearingFailed { slot, reason });
				Cleared { mcp: None, trades: Vec::new(), loading: None }
			},
		};
		for (page, trades) in cleared.trades.chunks(TRADES_PER_PAGE as usize).enumerate() {
			TradePages::<T>::insert(slot, page as u32, TradePage::truncate_from(trades.to_vec()));
		}
		let binding_elements =
			cleared.loading.as_ref().map_or(0, |l| l.iter().filter(|e| e.binding()).count());
		let charges = cleared.trades.iter().fold(0, |sum: Amount, trade| {
			sum.saturating_add(trade.paid().saturating_sub(trade.received()))
		});
		if let Some(loading) = cleared.loading {
			SlotLoading::<T>::insert(slot, loading);
		}
		auction.mcp = cleared.mcp;
		auction.trades = cleared.trades.len() as u32;
		auction.volume_wh =
			cleared.trades.iter().fold(0, |sum: Wh, trade| sum.saturating_add(trade.wh));
		auction.status = AuctionStatus::Cleared;
		Self::deposit_event(Event::Cleared {
			slot,
			rule: auction.rule,
			mcp: auction.mcp,
			volume_wh: auction.volume_wh,
			trades: auction.trades,
			binding_elements: binding_elements as u32,
			charges,
		});
		Auctions::<T>::insert(slot, auction);
	}

	/// Reads the book of `slot` and clears it under `rule`: on the slot's grid (its elements'
	/// room and charges as they stood at gate closure) when the DSO keeps one, each order at
	/// its point, an unbound meter or RES and a bid stored without its meter at the root;
	/// without a grid, as the rule clears a book without places.
	fn clear_book(
		slot: MarketSlot,
		rule: ClearingRule,
		bids: u32,
		offers: u32,
	) -> Result<Cleared, GridClearingError> {
		let elements = T::Grid::elements(slot);
		let grid = match elements.is_empty() {
			true => None,
			false => Some(grid_of(&elements, SlotLength::<T>::get())?),
		};
		// Within the book, several orders share a meter or a RES: each point is read once.
		let mut meter_points = BTreeMap::<u32, Option<ElementId>>::new();
		let mut res_points = BTreeMap::<u32, Option<ElementId>>::new();
		let root = elements.iter().find(|e| e.parent.is_none()).map(|root| root.id);
		let root = root.unwrap_or_default();
		let on_grid = |point: Option<ElementId>| {
			point.filter(|point| grid.as_ref().is_some_and(|g| g.index_of(*point).is_some()))
		};
		let mut sited_bids = Vec::with_capacity(bids as usize);
		let mut sited_offers = Vec::with_capacity(offers as usize);
		for (id, order) in Orders::<T>::iter_prefix(slot) {
			match order.side {
				Side::Bid { meter } if grid.is_some() => {
					let point = *meter_points
						.entry(meter)
						.or_insert_with(|| on_grid(T::Grid::consumption_point(meter)));
					let bid = Bid { id, wh: order.wh, price: order.price };
					sited_bids.push(Sited { order: bid, point: point.unwrap_or(root) });
				},
				Side::Bid { .. } | Side::UnsitedBid => {
					let bid = Bid { id, wh: order.wh, price: order.price };
					sited_bids.push(Sited { order: bid, point: root });
				},
				Side::Offer { res } => {
					let point = match grid.is_some() {
						true => *res_points
							.entry(res)
							.or_insert_with(|| on_grid(T::Grid::res_point(res))),
						false => None,
					};
					let offer = Offer { id, wh: order.wh, price: order.price };
					sited_offers.push(Sited { order: offer, point: point.unwrap_or(root) });
				},
			}
		}
		let Some(grid) = grid else {
			let bids: Vec<Bid> = sited_bids.into_iter().map(|sited| sited.order).collect();
			let offers: Vec<Offer> = sited_offers.into_iter().map(|sited| sited.order).collect();
			let clearing = energy_clearing::clear(rule, &bids, &offers);
			// Without a grid, each trade's buyer pays what its seller receives.
			let trades = clearing.trades.into_iter().map(GridTrade::from).collect();
			return Ok(Cleared { mcp: clearing.mcp, trades, loading: None });
		};
		let clearing = energy_clearing::clear_on_grid(rule, &grid, &sited_bids, &sited_offers)
			.map_err(|_| GridClearingError::InvalidBook)?;
		Ok(Cleared {
			mcp: clearing.mcp,
			trades: clearing.trades,
			loading: Some(SlotLoadingOf::truncate_from(clearing.loading)),
		})
	}
}
