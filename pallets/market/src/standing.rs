//! Standing orders: a member's order template that the chain places in every auction as it
//! opens, sized by the latest forecast of one of the member's meters (or a fixed energy),
//! through the same code, holds and checks as a manual bid or offer.

use crate::weights::WeightInfo;
use crate::{
	Config, Error, Event, NextStandingOrderId, Pallet, Side, StandingOrder, StandingOrderId,
	StandingOrderSkip, StandingOrders, StandingOrdersOf, StandingQuantity,
};
use energy_primitives::{ForecastProvider, MarketSlot, MeterRegistry, ResRegistry, Wh};
use frame_support::{ensure, storage::with_storage_layer, traits::Get, weights::Weight};
use sp_runtime::{DispatchError, DispatchResult};

impl<T: Config> Pallet<T> {
	/// Registers `order` (owned by `order.owner`); returns its id.
	pub fn do_set_standing_order(
		order: StandingOrder<T::AccountId>,
	) -> Result<StandingOrderId, DispatchError> {
		let who = order.owner.clone();
		ensure!(order.cap_wh > 0, Error::<T>::ZeroEnergy);
		ensure!(order.price > 0 || order.side != Side::Bid, Error::<T>::ZeroPrice);
		match order.quantity {
			StandingQuantity::Fixed { wh } => ensure!(wh > 0, Error::<T>::ZeroEnergy),
			StandingQuantity::Forecast { meter } => {
				let info = T::Meters::meter(meter).ok_or(Error::<T>::UnknownMeter)?;
				ensure!(info.owner == who, Error::<T>::NotMeterOwner);
				if let Side::Offer { res } = order.side {
					ensure!(info.res == Some(res), Error::<T>::MeterNotOfRes);
				}
			},
		}
		if let Side::Offer { res } = order.side {
			let profile = T::Res::profile(res).ok_or(Error::<T>::UnknownRes)?;
			ensure!(profile.owner == who, Error::<T>::NotResOwner);
		}
		let count = StandingOrdersOf::<T>::get(&who);
		ensure!(count < T::MaxStandingOrdersPerMember::get(), Error::<T>::TooManyStandingOrders);
		ensure!(
			StandingOrders::<T>::count() < T::MaxStandingOrders::get(),
			Error::<T>::StandingOrdersFull
		);
		let id = NextStandingOrderId::<T>::get();
		let next = id.checked_add(1).ok_or(Error::<T>::StandingOrdersFull)?;
		StandingOrders::<T>::insert(id, order.clone());
		StandingOrdersOf::<T>::insert(&who, count + 1);
		NextStandingOrderId::<T>::put(next);
		Self::deposit_event(Event::StandingOrderSet { id, order });
		Ok(id)
	}

	/// Removes standing order `id` of `who`.
	pub fn do_cancel_standing_order(who: T::AccountId, id: StandingOrderId) -> DispatchResult {
		let order = StandingOrders::<T>::get(id).ok_or(Error::<T>::UnknownStandingOrder)?;
		ensure!(order.owner == who, Error::<T>::NotStandingOrderOwner);
		StandingOrders::<T>::remove(id);
		StandingOrdersOf::<T>::mutate_exists(&who, |count| {
			*count = count.and_then(|c| c.checked_sub(1)).filter(|c| *c > 0);
		});
		Self::deposit_event(Event::StandingOrderCancelled { id, who });
		Ok(())
	}

	/// The weight of placing one standing order at an auction's opening: the costlier of a
	/// manual bid and offer, plus reading the template, the meter and its forecast.
	pub fn standing_order_weight() -> Weight {
		let place =
			<T as Config>::WeightInfo::place_bid().max(<T as Config>::WeightInfo::place_offer());
		place.saturating_add(T::DbWeight::get().reads(3))
	}

	/// The weight of placing every standing order (at most `MaxStandingOrders`).
	pub fn standing_orders_weight() -> Weight {
		Self::standing_order_weight().saturating_mul(StandingOrders::<T>::count().into())
	}

	/// Places every standing order in the just-opened auction of `slot` (the caller charged
	/// [`Self::standing_orders_weight`]).
	pub(crate) fn place_standing_orders(slot: MarketSlot) {
		for (id, order) in StandingOrders::<T>::iter() {
			match Self::place_standing_order(slot, &order) {
				Ok(wh) => Self::deposit_event(Event::StandingOrderPlaced { id, slot, wh }),
				Err(reason) => {
					Self::deposit_event(Event::StandingOrderSkipped { id, slot, reason })
				},
			}
		}
	}

	/// Places `order` in `slot`'s book; returns the Wh placed.
	fn place_standing_order(
		slot: MarketSlot,
		order: &StandingOrder<T::AccountId>,
	) -> Result<Wh, StandingOrderSkip> {
		let wanted = match order.quantity {
			StandingQuantity::Fixed { wh } => wh,
			StandingQuantity::Forecast { meter } => {
				let forecast =
					T::Forecasts::forecast(meter, slot).ok_or(StandingOrderSkip::NoForecast)?;
				match order.side {
					Side::Bid => forecast.import_wh,
					Side::Offer { .. } => forecast.export_wh,
				}
			},
		};
		let wh = wanted.min(order.cap_wh);
		if wh == 0 {
			return Err(StandingOrderSkip::NothingToTrade);
		}
		let owner = order.owner.clone();
		with_storage_layer(|| match order.side {
			Side::Bid => Self::do_place_bid(owner, slot, wh, order.price),
			Side::Offer { res } => Self::do_place_offer(owner, slot, res, wh, order.price),
		})
		.map_err(StandingOrderSkip::Refused)?;
		Ok(wh)
	}
}
