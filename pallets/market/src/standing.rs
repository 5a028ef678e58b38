//! Standing orders: a member's order template that the chain places in every auction as it
//! opens, sized by the latest forecast of one of the member's meters (or a fixed energy),
//! through the same code, holds and checks as a manual bid or offer. Only an active consumer
//! (bid) or producer (offer) may set one, and each holds a deposit until it is cancelled; a
//! suspended owner's templates place nothing, and a departed owner's are dropped.

use crate::weights::WeightInfo;
use crate::{
	Config, Error, Event, HoldReason, NextStandingOrderId, Pallet, Side, StandingOrder,
	StandingOrderId, StandingOrderSkip, StandingOrders, StandingOrdersOf, StandingQuantity,
};
use energy_primitives::{
	ForecastProvider, MarketSlot, MeterRegistry, ParticipantRegistry, ResRegistry, Wh,
};
use frame_support::{
	ensure,
	storage::with_storage_layer,
	traits::{fungible::MutateHold, tokens::Precision, Get},
	weights::Weight,
};
use sp_runtime::{DispatchError, DispatchResult};

/// The most templates of departed owners one auction opening drops (the rest are skipped and
/// dropped at later openings), so that the opening's weight stays bounded.
pub const MAX_STANDING_DROPS_PER_OPENING: u32 = 16;

impl<T: Config> Pallet<T> {
	/// Registers `order` (owned by `order.owner`); returns its id.
	pub fn do_set_standing_order(
		mut order: StandingOrder<T::AccountId>,
	) -> Result<StandingOrderId, DispatchError> {
		let who = order.owner.clone();
		Self::ensure_trading_role(&who, order.side.is_bid())?;
		ensure!(order.side != Side::UnsitedBid, Error::<T>::BidWithoutMeter);
		ensure!(order.cap_wh > 0, Error::<T>::ZeroEnergy);
		ensure!(order.price > 0 || !order.side.is_bid(), Error::<T>::ZeroPrice);
		match order.quantity {
			StandingQuantity::Fixed { wh } => ensure!(wh > 0, Error::<T>::ZeroEnergy),
			StandingQuantity::Forecast { meter } => {
				let info = T::Meters::meter(meter).ok_or(Error::<T>::UnknownMeter)?;
				ensure!(info.owner == who, Error::<T>::NotMeterOwner);
				match order.side {
					Side::Offer { res } => {
						ensure!(info.res == Some(res), Error::<T>::MeterNotOfRes)
					},
					Side::Bid { meter: sited } => {
						ensure!(meter == sited, Error::<T>::ForecastOfAnotherMeter)
					},
					Side::UnsitedBid => {},
				}
			},
		}
		match order.side {
			Side::Offer { res } => {
				let profile = T::Res::profile(res).ok_or(Error::<T>::UnknownRes)?;
				ensure!(profile.owner == who, Error::<T>::NotResOwner);
			},
			Side::Bid { meter } => Self::ensure_consumption_meter(&who, meter)?,
			Side::UnsitedBid => {},
		}
		let count = StandingOrdersOf::<T>::get(&who);
		ensure!(count < T::MaxStandingOrdersPerMember::get(), Error::<T>::TooManyStandingOrders);
		ensure!(
			StandingOrders::<T>::count() < T::MaxStandingOrders::get(),
			Error::<T>::StandingOrdersFull
		);
		let id = NextStandingOrderId::<T>::get();
		let next = id.checked_add(1).ok_or(Error::<T>::StandingOrdersFull)?;
		order.deposit = T::StandingOrderDeposit::get();
		T::Currency::hold(&HoldReason::StandingOrderDeposit.into(), &who, order.deposit)
			.map_err(|_| Error::<T>::InsufficientFunds)?;
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
		Self::remove_standing_order(id, &order);
		Self::deposit_event(Event::StandingOrderCancelled { id, who });
		Ok(())
	}

	/// Removes standing order `id` and releases its deposit.
	fn remove_standing_order(id: StandingOrderId, order: &StandingOrder<T::AccountId>) {
		StandingOrders::<T>::remove(id);
		StandingOrdersOf::<T>::mutate_exists(&order.owner, |count| {
			*count = count.and_then(|c| c.checked_sub(1)).filter(|c| *c > 0);
		});
		// The seeded regression of the runtime fuzzer (never in a runtime): the release forgotten.
		#[cfg(all(feature = "fuzz-regression", feature = "std"))]
		if crate::regression::keep_standing_deposit() {
			return;
		}
		// Exactly what the template held (the invariants check the holds add up).
		let _ = T::Currency::release(
			&HoldReason::StandingOrderDeposit.into(),
			&order.owner,
			order.deposit,
			Precision::BestEffort,
		);
	}

	/// The weight of placing one standing order at an auction's opening: the costlier of a
	/// manual bid (with its meter's check, [`Pallet::place_bid_weight`]) and offer, plus
	/// reading the template, its owner, the forecast's meter and its forecast.
	pub fn standing_order_weight() -> Weight {
		let place = Self::place_bid_weight().max(<T as Config>::WeightInfo::place_offer());
		place.saturating_add(T::DbWeight::get().reads(4))
	}

	/// The weight of `set_standing_order`: the benchmarked call (an offer sized by its RES's
	/// meter, on a gateway page of its own), plus two meter lookups at their worst (the
	/// forecast's meter and a bid's meter; [`MeterRegistry::meter_weight`]).
	pub fn set_standing_order_weight() -> Weight {
		<T as Config>::WeightInfo::set_standing_order()
			.saturating_add(T::Meters::meter_weight().saturating_mul(2))
	}

	/// The weight of `place_bid`: the benchmarked call, plus the lookup of the buyer's meter at
	/// its worst ([`MeterRegistry::meter_weight`]).
	///
	/// The registry keeps a meter in its gateway's page of up to `MaxMetersPerGateway` records
	/// and decodes the whole page to read one; the `place_bid` benchmark registers its meter on
	/// a page of its own, so the page's worst case is added here, from the registry's own
	/// benchmark.
	pub fn place_bid_weight() -> Weight {
		<T as Config>::WeightInfo::place_bid().saturating_add(T::Meters::meter_weight())
	}

	/// The weight of `reveal_order`: the benchmarked reveal of an offer, or of a bid plus the
	/// lookup of its meter at its worst (as for [`Self::place_bid_weight`]).
	pub fn reveal_order_weight() -> Weight {
		<T as Config>::WeightInfo::reveal_bid()
			.saturating_add(T::Meters::meter_weight())
			.max(<T as Config>::WeightInfo::reveal_offer())
	}

	/// The weight of `cancel_order`: withdrawing an order or, in a sealed book, a commitment.
	pub fn cancel_order_weight() -> Weight {
		<T as Config>::WeightInfo::cancel_order()
			.max(<T as Config>::WeightInfo::cancel_commitment())
	}

	/// The weight of dropping up to [`MAX_STANDING_DROPS_PER_OPENING`] templates of departed
	/// owners at one opening (each: the owner's status, then the template, its count and its
	/// hold written).
	pub fn standing_order_drops_weight() -> Weight {
		T::DbWeight::get().reads_writes(1, 3).saturating_mul(MAX_STANDING_DROPS_PER_OPENING.into())
	}

	/// The weight of placing every standing order (at most `MaxStandingOrders`) and dropping
	/// the templates of departed owners at one opening.
	pub fn standing_orders_weight() -> Weight {
		Self::standing_order_weight()
			.saturating_mul(StandingOrders::<T>::count().into())
			.saturating_add(Self::standing_order_drops_weight())
	}

	/// Places every standing order in the just-opened auction of `slot` (the caller charged
	/// [`Self::standing_orders_weight`]).
	pub(crate) fn place_standing_orders(slot: MarketSlot) {
		let mut dropped = alloc::vec::Vec::new();
		for (id, order) in StandingOrders::<T>::iter() {
			match Self::place_standing_order(slot, &order) {
				Ok(wh) => Self::deposit_event(Event::StandingOrderPlaced { id, slot, wh }),
				Err(StandingOrderSkip::OwnerNotActive)
					if dropped.len() < MAX_STANDING_DROPS_PER_OPENING as usize
						&& T::Participants::has_left(&order.owner) =>
				{
					dropped.push((id, order));
				},
				Err(reason) => {
					Self::deposit_event(Event::StandingOrderSkipped { id, slot, reason })
				},
			}
		}
		// After the walk: the map is not changed under its iterator.
		for (id, order) in dropped {
			Self::drop_standing_order(id, &order);
		}
	}

	/// Drops standing order `id` (its owner left, or a migration could not keep it): removed,
	/// its deposit released, and `StandingOrderDropped` says so.
	pub(crate) fn drop_standing_order(id: StandingOrderId, order: &StandingOrder<T::AccountId>) {
		Self::remove_standing_order(id, order);
		Self::deposit_event(Event::StandingOrderDropped { id, who: order.owner.clone() });
	}

	/// Places `order` in `slot`'s book; returns the Wh placed.
	fn place_standing_order(
		slot: MarketSlot,
		order: &StandingOrder<T::AccountId>,
	) -> Result<Wh, StandingOrderSkip> {
		// A suspended or departed owner's templates place nothing (checked first: no
		// forecast is read for them).
		if T::Participants::active_roles(&order.owner).is_none() {
			return Err(StandingOrderSkip::OwnerNotActive);
		}
		let wanted = match order.quantity {
			StandingQuantity::Fixed { wh } => wh,
			StandingQuantity::Forecast { meter } => {
				let forecast =
					T::Forecasts::forecast(meter, slot).ok_or(StandingOrderSkip::NoForecast)?;
				match order.side {
					Side::Bid { .. } | Side::UnsitedBid => forecast.import_wh,
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
			Side::Bid { meter } => Self::do_place_bid(owner, slot, meter, wh, order.price),
			// The market's v5 migration sited or dropped every template stored before bids named
			// their meter: none is left to place.
			Side::UnsitedBid => Err(Error::<T>::BidWithoutMeter.into()),
			Side::Offer { res } => Self::do_place_offer(owner, slot, res, wh, order.price),
		})
		.map_err(StandingOrderSkip::Refused)?;
		Ok(wh)
	}
}
