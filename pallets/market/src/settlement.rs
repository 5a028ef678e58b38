//! Settlement of a cleared slot against metered delivery, in bounded steps: trades, then the
//! release of what orders still hold, then the utility's purchase of unsold tokens.

use crate::{
	Auction, AuctionStatus, Auctions, Config, Error, Event, GridTrade, HoldReason, OfferedOfRes,
	Orders, Pallet, SettledSlots, SettlementPhase, Side, SlotLoading, TradePages, Utility,
	TRADES_PER_PAGE,
};
use energy_clearing::money::cost;
use energy_primitives::{EnergyLedger, GridTopology, MarketSlot, ResId};
use frame_support::traits::{
	fungible::{Mutate, MutateHold},
	tokens::{Fortitude, Precision, Preservation, Restriction},
};
use frame_support::{ensure, pallet_prelude::DispatchResult, storage::with_storage_layer};

impl<T: Config> Pallet<T> {
	/// Moves exactly `amount` of `from`'s hold for `reason` to `to`'s free balance. Fails
	/// without effect if the hold cannot cover it (the invariants rule that out, but a hold
	/// drained elsewhere must fail the trade, never turn into a smaller payment).
	fn pay_from_hold(
		reason: HoldReason,
		from: &T::AccountId,
		to: &T::AccountId,
		amount: crate::Amount,
	) -> DispatchResult {
		if amount == 0 {
			return Ok(());
		}
		T::Currency::transfer_on_hold(
			&reason.into(),
			from,
			to,
			amount,
			Precision::Exact,
			Restriction::Free,
			Fortitude::Polite,
		)
		.map(|_| ())
	}

	/// Settles one trade of `slot`, all or nothing: delivers what the seller still holds of
	/// its RES's certificate of `slot` (its attested export in that slot, less what earlier
	/// trades of the slot delivered: tokens of other slots never count), the buyer pays the
	/// seller the seller's price for that, and the seller's deposit compensates the rest at the
	/// buyer's price. If any of the three fails (tokens, payment or penalty), or the trade's
	/// prices are outside its orders', nothing of the trade happens: the tokens stay with the
	/// seller (feed-in may still buy them), both holds stay for the release phase, and
	/// `TradeFailed` says why.
	/// Then the buyer pays the rest of its own price, the network charges, to `keeper` (the
	/// grid's keeper while it is an active DSO). A keeper that cannot receive them fails only
	/// that payment (`ChargesUnpaid`): it never costs the traders their trade. Without a keeper
	/// the buyer pays the seller's price only.
	fn settle_trade(
		slot: MarketSlot,
		auction: &mut Auction,
		trade: &GridTrade,
		keeper: Option<&T::AccountId>,
	) {
		let (Some(mut bid), Some(mut offer)) =
			(Orders::<T>::get(slot, trade.bid), Orders::<T>::get(slot, trade.offer))
		else {
			return;
		};
		let Side::Offer { res } = offer.side else { return };
		let (buyer, seller) = (bid.owner.clone(), offer.owner.clone());

		let delivered = trade.wh.min(T::Tokens::held(&seller, slot, res));
		let shortfall = trade.wh.saturating_sub(delivered);
		let paid = cost(trade.seller_price, delivered);
		let charges = match keeper {
			Some(_) => cost(trade.buyer_price, delivered).saturating_sub(paid),
			None => 0,
		};
		let penalty = cost(Self::penalty_rate(auction.retail, trade.buyer_price), shortfall)
			.min(offer.still_held());

		let settled = with_storage_layer(|| -> DispatchResult {
			// The clearing's rules keep each trade within its orders; checked here too, so
			// that no trade pays out of what its bid holds for its other trades.
			ensure!(
				trade.seller_price >= offer.price
					&& trade.seller_price <= trade.buyer_price
					&& trade.buyer_price <= bid.price,
				Error::<T>::TradeOutsideOrders
			);
			// The order records bound what each hold may still pay: the buyer's hold covers
			// the whole trade at its bid, at or above the buyer's price (see `place_bid`).
			ensure!(paid.saturating_add(charges) <= bid.still_held(), Error::<T>::HoldExhausted);
			T::Tokens::deliver(&seller, &buyer, slot, res, delivered)?;
			Self::pay_from_hold(HoldReason::BidMaxCost, &buyer, &seller, paid)?;
			Self::pay_from_hold(HoldReason::OfferDeposit, &seller, &buyer, penalty)?;
			Ok(())
		});
		if let Err(error) = settled {
			auction.failed_wh = auction.failed_wh.saturating_add(trade.wh);
			Self::deposit_event(Event::TradeFailed {
				slot,
				bid: trade.bid,
				offer: trade.offer,
				buyer,
				seller,
				wh: trade.wh,
				error,
			});
			return;
		}
		let charges = match keeper {
			Some(keeper) if charges > 0 => {
				let result = with_storage_layer(|| {
					Self::pay_from_hold(HoldReason::BidMaxCost, &buyer, keeper, charges)
				});
				match result {
					Ok(()) => charges,
					Err(error) => {
						Self::deposit_event(Event::ChargesUnpaid {
							slot,
							bid: trade.bid,
							offer: trade.offer,
							keeper: keeper.clone(),
							charges,
							error,
						});
						0
					},
				}
			},
			_ => 0,
		};

		bid.used = bid.used.saturating_add(paid).saturating_add(charges);
		offer.used = offer.used.saturating_add(penalty);
		Orders::<T>::insert(slot, trade.bid, bid);
		Orders::<T>::insert(slot, trade.offer, offer);
		auction.delivered_wh = auction.delivered_wh.saturating_add(delivered);
		auction.shortfall_wh = auction.shortfall_wh.saturating_add(shortfall);
		auction.paid = auction.paid.saturating_add(paid);
		auction.charges = auction.charges.saturating_add(charges);
		auction.penalties = auction.penalties.saturating_add(penalty);
		Self::deposit_event(Event::TradeSettled {
			slot,
			bid: trade.bid,
			offer: trade.offer,
			buyer,
			seller,
			wh: trade.wh,
			delivered_wh: delivered,
			paid,
			charges,
			penalty,
		});
	}

	/// Settles up to `count` trades from index `next`, all within one page; removes the page
	/// once its last trade is settled. Returns the index after the last trade settled.
	pub(crate) fn settle_trades(
		slot: MarketSlot,
		auction: &mut Auction,
		next: u32,
		count: u32,
	) -> u32 {
		let (page_index, offset) = (next / TRADES_PER_PAGE, next % TRADES_PER_PAGE);
		let page = TradePages::<T>::get(slot, page_index).unwrap_or_default();
		let end = (offset.saturating_add(count) as usize).min(page.len());
		let keeper = T::Grid::keeper();
		for trade in page.get(offset as usize..end).unwrap_or_default() {
			Self::settle_trade(slot, auction, trade, keeper.as_ref());
		}
		if end >= page.len() {
			TradePages::<T>::remove(slot, page_index);
		}
		let settled = end.saturating_sub(offset as usize) as u32;
		if settled == 0 {
			// A missing or short page: nothing more to settle in it.
			return auction.trades;
		}
		next + settled
	}

	/// Releases what up to `count` orders of `slot` still hold and removes them. Returns how
	/// many orders it removed (fewer than `count`: the book is empty).
	pub(crate) fn release_orders(slot: MarketSlot, count: u32) -> u32 {
		let mut removed = 0;
		for (_, order) in Orders::<T>::drain_prefix(slot).take(count as usize) {
			if let Side::Offer { res } = order.side {
				OfferedOfRes::<T>::remove(slot, res);
			}
			Self::release_hold(&order);
			Self::forget_member_order(slot, &order.owner);
			removed += 1;
		}
		removed
	}

	/// Sells the unsold tokens of up to `count` RES of `slot` to the utility at the
	/// slot's feed-in tariff, RES after `after`: what each RES's owner still holds of the
	/// slot's certificate. Feed-in is terminal: the tokens leave circulation. Returns the last
	/// RES handled and whether the slot's certificates are done.
	pub(crate) fn feed_in(
		slot: MarketSlot,
		auction: &mut Auction,
		after: Option<ResId>,
		count: u32,
	) -> (Option<ResId>, bool) {
		let certificates = T::Tokens::certificates_of_slot(slot, after, count);
		let done = (certificates.len() as u32) < count;
		let utility = Utility::<T>::get();
		let mut last = after;
		for (res, owner) in certificates {
			last = Some(res);
			let wh = T::Tokens::held(&owner, slot, res);
			if wh == 0 {
				continue;
			}
			let paid = cost(auction.feed_in, wh);
			// Money and tokens move together or not at all.
			let bought = match &utility {
				Some(utility) if *utility != owner => with_storage_layer(|| -> DispatchResult {
					T::Currency::transfer(utility, &owner, paid, Preservation::Preserve)?;
					T::Tokens::feed_in(&owner, utility, slot, res, wh)
				})
				.is_ok(),
				_ => false,
			};
			if bought {
				auction.feed_in_wh = auction.feed_in_wh.saturating_add(wh);
				auction.feed_in_paid = auction.feed_in_paid.saturating_add(paid);
				Self::deposit_event(Event::FedIn { slot, res, owner, wh, paid });
			} else {
				Self::deposit_event(Event::FeedInUnpaid { slot, res, owner, wh });
			}
		}
		(last, done)
	}

	/// Ends the settlement of `slot`: the auction becomes its summary, and the oldest summary
	/// beyond [`Config::SummariesKept`] is removed.
	pub(crate) fn finish_settlement(slot: MarketSlot, auction: &mut Auction) {
		auction.status = AuctionStatus::Settled;
		Self::deposit_event(Event::Settled {
			slot,
			delivered_wh: auction.delivered_wh,
			shortfall_wh: auction.shortfall_wh,
			paid: auction.paid,
			charges: auction.charges,
			penalties: auction.penalties,
			feed_in_wh: auction.feed_in_wh,
			feed_in_paid: auction.feed_in_paid,
		});
		SettledSlots::<T>::mutate(|settled| {
			if settled.is_full() && !settled.is_empty() {
				let oldest = settled.remove(0);
				Auctions::<T>::remove(oldest);
				SlotLoading::<T>::remove(oldest);
				crate::SealedBooks::<T>::remove(oldest);
			}
			let _ = settled.try_push(slot);
		});
	}

	/// The phase after `phase` once it has nothing left.
	pub(crate) fn next_phase(phase: SettlementPhase) -> Option<SettlementPhase> {
		match phase {
			SettlementPhase::Trades { .. } => Some(SettlementPhase::Orders),
			SettlementPhase::Orders => Some(SettlementPhase::Commitments),
			SettlementPhase::Commitments => Some(SettlementPhase::FeedIn { after: None }),
			SettlementPhase::FeedIn { .. } => Some(SettlementPhase::Finish),
			SettlementPhase::Finish => None,
		}
	}
}
