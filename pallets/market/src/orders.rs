//! Placing and cancelling orders.

use crate::{
	Amount, Auction, AuctionStatus, Auctions, Config, Error, Event, HoldReason, OfferedOfRes,
	Order, OrderId, Orders, OrdersOfMember, Pallet, Price, Side,
};
use energy_clearing::money::cost_ceil;
use energy_primitives::{
	MarketClock, MarketSlot, MeterId, MeterRegistry, ParticipantRegistry, ResId, ResProfile,
	ResRegistry, Roles, Wh,
};
use frame_support::{
	ensure,
	pallet_prelude::DispatchResult,
	traits::{fungible::MutateHold, tokens::Precision, Get},
};
use sp_runtime::DispatchError;

impl<T: Config> Pallet<T> {
	/// The auction of `slot` if it takes orders now.
	pub(crate) fn auction_taking_orders(slot: MarketSlot) -> Result<Auction, DispatchError> {
		let auction = Auctions::<T>::get(slot).ok_or(Error::<T>::AuctionNotOpen)?;
		ensure!(auction.status == AuctionStatus::Open, Error::<T>::AuctionNotOpen);
		ensure!(Self::now_ms() < auction.gate_closure_at, Error::<T>::GateClosed);
		Ok(auction)
	}

	/// Checks that the book of `slot` (`auction`) and the member's orders in it have room for
	/// one more order of `owner`; returns the member's orders in the book.
	pub(crate) fn ensure_room(
		slot: MarketSlot,
		auction: &Auction,
		owner: &T::AccountId,
	) -> Result<u32, DispatchError> {
		ensure!(auction.orders() < T::MaxOrdersPerSlot::get(), Error::<T>::BookFull);
		let held_by_member = OrdersOfMember::<T>::get(slot, owner);
		ensure!(held_by_member < T::MaxOrdersPerMember::get(), Error::<T>::TooManyOrders);
		Ok(held_by_member)
	}

	/// Takes the next order id of `auction`'s book and counts one more order of `side` in it
	/// (its energy is counted by the caller).
	pub(crate) fn take_order_id(
		auction: &mut Auction,
		is_bid: bool,
	) -> Result<OrderId, DispatchError> {
		let id = auction.next_order_id;
		auction.next_order_id = id.checked_add(1).ok_or(Error::<T>::Overflow)?;
		match is_bid {
			true => auction.bids += 1,
			false => auction.offers += 1,
		}
		Ok(id)
	}

	/// Counts `wh` more energy on the side of `is_bid` in `auction`'s book.
	pub(crate) fn count_energy(auction: &mut Auction, is_bid: bool, wh: Wh) -> DispatchResult {
		let total = match is_bid {
			true => &mut auction.bid_wh,
			false => &mut auction.offer_wh,
		};
		*total = total.checked_add(wh).ok_or(Error::<T>::Overflow)?;
		Ok(())
	}

	/// Checks the book and member bounds, then puts `order` in the book under a new id and
	/// holds `order.held` from its owner.
	fn enter_order(
		slot: MarketSlot,
		mut auction: Auction,
		order: Order<T::AccountId>,
		reason: HoldReason,
	) -> Result<OrderId, DispatchError> {
		let held_by_member = Self::ensure_room(slot, &auction, &order.owner)?;
		let id = Self::take_order_id(&mut auction, order.side.is_bid())?;
		Self::count_energy(&mut auction, order.side.is_bid(), order.wh)?;
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
		Self::ensure_trading_role(&who, true)?;
		Self::ensure_consumption_meter(&who, meter)?;
		let auction = Self::auction_taking_orders(slot)?;
		let held = Self::bid_terms(&auction, wh, price)?;
		let side = Side::Bid { meter };
		let order = Order { owner: who.clone(), side, wh, price, held, used: 0 };
		let id = Self::enter_order(slot, auction, order, HoldReason::BidMaxCost)?;
		Self::deposit_event(Event::BidPlaced { slot, id, who, meter, wh, price, held });
		Ok(())
	}

	/// Checks that `who` is an active participant with the role of its side: a consumer to bid,
	/// a producer to offer.
	pub(crate) fn ensure_trading_role(who: &T::AccountId, is_bid: bool) -> DispatchResult {
		let (role, error) = match is_bid {
			true => (Roles::CONSUMER, Error::<T>::NotConsumer),
			false => (Roles::PRODUCER, Error::<T>::NotProducer),
		};
		ensure!(T::Participants::has_active_roles(who, role), error);
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
		let profile = Self::ensure_offering_res(&who, res)?;
		let auction = Self::auction_taking_orders(slot)?;
		let (deposit, offered) = Self::offer_terms(slot, &auction, &profile, res, wh, price)?;
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

	/// The hold of a bid of `wh` at `price` in `auction`'s book (its maximum cost), if the
	/// book's rules take it: at least 1 Wh, a price above zero and at most the retail cap.
	pub(crate) fn bid_terms(
		auction: &Auction,
		wh: Wh,
		price: Price,
	) -> Result<Amount, DispatchError> {
		ensure!(wh > 0, Error::<T>::ZeroEnergy);
		ensure!(price > 0, Error::<T>::ZeroPrice);
		ensure!(price <= auction.retail, Error::<T>::PriceAboveRetail);
		Ok(cost_ceil(price, wh))
	}

	/// Checks that `who` is an active producer owning RES `res`, which may produce; returns
	/// the RES's profile.
	pub(crate) fn ensure_offering_res(
		who: &T::AccountId,
		res: ResId,
	) -> Result<ResProfile<T::AccountId>, DispatchError> {
		Self::ensure_trading_role(who, false)?;
		let profile = T::Res::profile(res).ok_or(Error::<T>::UnknownRes)?;
		ensure!(profile.owner == *who, Error::<T>::NotResOwner);
		ensure!(profile.may_produce, Error::<T>::ResCannotProduce);
		Ok(profile)
	}

	/// The delivery deposit of an offer of `wh` from RES `res` (`profile`) at `price` in the
	/// book of `slot` (`auction`), and the RES's offered energy with it, if the book's rules
	/// take it: at least 1 Wh, a reserve at most the retail cap, and the RES's offers of the
	/// slot together within what its nameplate exports in one slot.
	pub(crate) fn offer_terms(
		slot: MarketSlot,
		auction: &Auction,
		profile: &ResProfile<T::AccountId>,
		res: ResId,
		wh: Wh,
		price: Price,
	) -> Result<(Amount, Wh), DispatchError> {
		ensure!(wh > 0, Error::<T>::ZeroEnergy);
		ensure!(price <= auction.retail, Error::<T>::PriceAboveRetail);
		// Nameplate W × slot length: the most the RES can export in the slot, for all its
		// offers of the slot together.
		let capacity = (profile.nameplate_w as u128)
			.saturating_mul(<Self as MarketClock>::slot_length_ms() as u128)
			/ energy_primitives::HOUR_MS as u128;
		let offered = OfferedOfRes::<T>::get(slot, res).saturating_add(wh);
		ensure!(offered as u128 <= capacity, Error::<T>::OfferAboveCapacity);
		Ok((cost_ceil(Self::penalty_rate(auction.retail, price), wh), offered))
	}

	/// Withdraws order `id` of `who` from the book of `slot` and releases its hold.
	pub fn do_cancel_order(who: T::AccountId, slot: MarketSlot, id: OrderId) -> DispatchResult {
		let mut auction = Self::auction_taking_orders(slot)?;
		let Some(order) = Orders::<T>::get(slot, id) else {
			// In a sealed book, the id may be a commitment of the member's.
			return Self::do_cancel_commitment(who, slot, id, auction);
		};
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
