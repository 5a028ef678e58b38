//! Gate closure: reading a slot's book and clearing it with the pure rules of
//! `energy-clearing`.

use crate::{
	AuctionStatus, Auctions, Config, Event, Orders, Pallet, Side, TradePage, TradePages,
	TRADES_PER_PAGE,
};
use alloc::vec::Vec;
use energy_clearing::{Bid, Offer};
use energy_primitives::MarketSlot;

impl<T: Config> Pallet<T> {
	/// Closes the book of `slot` and clears it: stores the trades in pages, records the MCP
	/// and volume, and moves the auction to `Cleared`. Holds stay as they are until
	/// settlement.
	pub(crate) fn do_close_and_clear(slot: MarketSlot) {
		let Some(mut auction) = Auctions::<T>::get(slot) else { return };
		if auction.status != AuctionStatus::Open {
			return;
		}
		Self::deposit_event(Event::BidsClosed {
			slot,
			bids: auction.bids,
			offers: auction.offers,
			bid_wh: auction.bid_wh,
			offer_wh: auction.offer_wh,
		});
		let mut bids = Vec::with_capacity(auction.bids as usize);
		let mut offers = Vec::with_capacity(auction.offers as usize);
		for (id, order) in Orders::<T>::iter_prefix(slot) {
			match order.side {
				Side::Bid { .. } | Side::UnsitedBid => {
					bids.push(Bid { id, wh: order.wh, price: order.price })
				},
				Side::Offer { .. } => offers.push(Offer { id, wh: order.wh, price: order.price }),
			}
		}
		let clearing = energy_clearing::clear(auction.rule, &bids, &offers);
		for (page, trades) in clearing.trades.chunks(TRADES_PER_PAGE as usize).enumerate() {
			TradePages::<T>::insert(slot, page as u32, TradePage::truncate_from(trades.to_vec()));
		}
		auction.mcp = clearing.mcp;
		auction.trades = clearing.trades.len() as u32;
		auction.volume_wh = clearing.volume_wh();
		auction.status = AuctionStatus::Cleared;
		Self::deposit_event(Event::Cleared {
			slot,
			rule: auction.rule,
			mcp: auction.mcp,
			volume_wh: auction.volume_wh,
			trades: auction.trades,
		});
		Auctions::<T>::insert(slot, auction);
	}
}
