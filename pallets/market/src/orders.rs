//! Placing and cancelling orders.

use crate::{
	Auction, AuctionStatus, Auctions, Config, Error, Event, HoldReason, OfferedOfRes, Order,
	OrderId, Orders, OrdersOfMember, Pallet, Price, Side,
};
use energy_clearing::money::cost_ceil;
use energy_primitives::{
	MarketClock, MarketSlot, MeterId, MeterRegistry, ParticipantRegistry, ResId, ResRegistry,
	Roles, Wh,
};
use frame_support::{
	ensure,
	pallet_prelude::DispatchResult,
	traits::{fungible::MutateHold, tokens::Precision, Get},
};
use sp_runtime::DispatchError;

impl<T: Config> Pallet<T> {
	/// The auction of `slot` if it takes orders now.
	fn auction_taking_orders(slot: MarketSlot) -> Result<Auction, DispatchError> {
		let auction = Auctions::<T>::get(slot).ok_or(Error::<T>::AuctionNotOpen)?;
		ensure!(auction.status == AuctionStatus::Open, Error::<T>::AuctionNotOpen);
		ensure!(Self::now_ms() < auction.gate_closure_at, Error::<T>::GateClosed);
		Ok(auction)
	}

	/// Checks the book and member bounds, then puts `order` in the book under a new id and
	/// holds `order.held` from its owner.
	fn enter_order(
		slot: MarketSlot,
		mut auction: Auction,
		order: Order<T::AccountId>,
		reason: HoldReason,
	) -> Result<OrderId, DispatchError> {
		ensure!(auction.orders() < T::MaxOrdersPerSlot::get(), Error::<T>::BookFull);
		let held_by_member = OrdersOfMember::<T>::get(slot, &order.owner);
		ensure!(held_by_member < T::MaxOrdersPerMember::get(), Error::<T>::TooManyOrders);
		let id = auction.next_order_id;
		auction.next_order_id = id.checked_add(1).ok_or(Error::<T>::Overflow)?;
		match order.side {
			Side::Bid { .. } | Side::UnsitedBid => {
				auction.bids += 1;
				auction.bid_wh =
					auction.bid_wh.checked_add(order.wh).ok_or(Error::<T>::Overflow)?;
			},
			Side::Offer { .. } => {
				auction.offers += 1;
				auction.offer_wh =
					auction.offer_wh.checked_add(order.wh).ok_or(Error::<T>::Overflow)?;
			},
		}
		T::Currency::hold(&reason.into(), &order.owner, order.held)
			.map_err(|_| Error::<T>::InsufficientFunds)?;
		OrdersOfMember::<T>::insert(slot, &order.owner, held_by_member + 1);
		Orders::<T>::insert(slot, id, order);
		Auctions::<T>::insert(slot, auction);
		Ok(id)
	}

	/// Places a bid of `who` for `wh` Wh delivered at its consumption meter `meter` in `slot`
	/// at up to `price` per kWh.
	pub fn do_place_bid(
		who: T::AccountId,
		slot: MarketSlot,
		meter: MeterId,
		wh: Wh,
		price: Price,
	) -> DispatchResult {
		ensure!(T::Participants::has_active_roles(&who, Roles::CONSUMER), Error::<T>::NotConsumer);
		Self::ensure_consumption_meter(&who, meter)?;
		let auction = Self::auction_taking_orders(slot)?;
		ensure!(wh > 0, Error::<T>::ZeroEnergy);
		ensure!(price > 0, Error::<T>::ZeroPrice);
		ensure!(price <= auction.retail, Error::<T>::PriceAboveRetail);
		let held = cost_ceil(price, wh);
		let side = Side::Bid { meter };
		let order = Order { owner: who.clone(), side, wh, price, held, used: 0 };
		let id = Self::enter_order(slot, auction, order, HoldReason::BidMaxCost)?;
		Self::deposit_event(Event::BidPlaced { slot, id, who, meter, wh, price, held });
		Ok(())
	}

	/// Checks that `meter` is an active consumption meter of `who`: where its bids are
	/// delivered.
	pub(crate) fn ensure_consumption_meter(who: &T::AccountId, meter: MeterId) -> DispatchResult {
		let info = T::Meters::meter(meter).ok_or(Error::<T>::UnknownMeter)?;
		ensure!(info.owner == *who, Error::<T>::NotMeterOwner);
		ensure!(info.res.is_none(), Error::<T>::NotConsumptionMeter);
		Ok(())
	}

	/// Places an offer of `who` for `wh` Wh from RES `res` in `slot` at no less than `price`
	/// per kWh.
	pub fn do_place_offer(
		who: T::AccountId,
		slot: MarketSlot,
		res: ResId,
		wh: Wh,
		price: Price,
	) -> DispatchResult {
		ensure!(T::Participants::has_active_roles(&who, Roles::PRODUCER), Error::<T>::NotProducer);
		let profile = T::Res::profile(res).ok_or(Error::<T>::UnknownRes)?;
		ensure!(profile.owner == who, Error::<T>::NotResOwner);
		ensure!(profile.may_produce, Error::<T>::ResCannotProduce);
		let auction = Self::auction_taking_orders(slot)?;
		ensure!(wh > 0, Error::<T>::ZeroEnergy);
		ensure!(price <= auction.retail, Error::<T>::PriceAboveRetail);
		// Nameplate W × slot length: the most the RES can export in the slot, for all its
		// offers of the slot together.
		let capacity = (profile.nameplate_w as u128)
			.saturating_mul(<Self as MarketClock>::slot_length_ms() as u128)
			/ energy_primitives::HOUR_MS as u128;
		let offered = OfferedOfRes::<T>::get(slot, res).saturating_add(wh);
		ensure!(offered as u128 <= capacity, Error::<T>::OfferAboveCapacity);
		let deposit = cost_ceil(Self::penalty_rate(auction.retail, price), wh);
		let order = Order {
			owner: who.clone(),
			side: Side::Offer { res },
			wh,
			price,
			held: deposit,
			used: 0,
		};
		let id = Self::enter_order(slot, auction, order, HoldReason::OfferDeposit)?;
		OfferedOfRes::<T>::insert(slot, res, offered);
		Self::deposit_event(Event::OfferPlaced { slot, id, who, res, wh, price, deposit });
		Ok(())
	}

	/// Withdraws order `id` of `who` from the book of `slot` and releases its hold.
	pub fn do_cancel_order(who: T::AccountId, slot: MarketSlot, id: OrderId) -> DispatchResult {
		let mut auction = Self::auction_taking_orders(slot)?;
		let order = Orders::<T>::get(slot, id).ok_or(Error::<T>::UnknownOrder)?;
		ensure!(order.owner == who, Error::<T>::NotOrderOwner);
		match order.side {
			Side::Bid { .. } | Side::UnsitedBid => {
				auction.bids = auction.bids.saturating_sub(1);
				auction.bid_wh = auction.bid_wh.saturating_sub(order.wh);
			},
			Side::Offer { res } => {
				auction.offers = auction.offers.saturating_sub(1);
				auction.offer_wh = auction.offer_wh.saturating_sub(order.wh);
				OfferedOfRes::<T>::mutate_exists(slot, res, |offered| {
					*offered = offered.map(|wh| wh.saturating_sub(order.wh)).filter(|wh| *wh > 0);
				});
			},
		}
		let released = Self::release_hold(&order);
		Orders::<T>::remove(slot, id);
		Self::forget_member_order(slot, &who);
		Auctions::<T>::insert(slot, auction);
		Self::deposit_event(Event::OrderCancelled { slot, id, who, released });
		Ok(())
	}

	/// What an offer owes per undelivered kWh when it trades at `price` under `retail`: the
	/// buyer's extra cost of buying from the grid instead, and never less than
	/// [`Config::MinOfferDeposit`]. An offer's deposit holds this rate at its reserve price
	/// (trades clear at or above it, so the deposit covers every penalty).
	pub(crate) fn penalty_rate(retail: Price, price: Price) -> Price {
		retail.saturating_sub(price).max(T::MinOfferDeposit::get())
	}

	/// Counts one open order of `who` in `slot` less.
	pub(crate) fn forget_member_order(slot: MarketSlot, who: &T::AccountId) {
		OrdersOfMember::<T>::mutate_exists(slot, who, |count| {
			*count = count.filter(|n| *n > 1).map(|n| n - 1);
		});
	}

	/// Releases what is still held for `order`; returns the amount released.
	pub(crate) fn release_hold(order: &Order<T::AccountId>) -> crate::Amount {
		let reason = order.hold_reason();
		T::Currency::release(
			&reason.into(),
			&order.owner,
			order.still_held(),
			Precision::BestEffort,
		)
		.unwrap_or_default()
	}
}
