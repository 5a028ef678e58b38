//! Posting and cancelling requests: the DSO's side before delivery.

use crate::{
	Amount, Baselines, Config, Error, Event, FlexRequest, HoldReason, NextRequestId, Pallet,
	RequestId, Requests, WeightInfo,
};
use energy_primitives::{
	ForecastProvider, MarketClock, MarketSlot, MeterId, MeterRegistry, ParticipantRegistry, Roles,
	Wh,
};
use frame_support::{
	dispatch::{DispatchResult, DispatchResultWithPostInfo},
	ensure,
	pallet_prelude::Get,
	traits::{fungible::MutateHold, tokens::Precision},
	BoundedVec,
};

impl<T: Config> Pallet<T> {
	/// Posts a request of `dso` (see [`Pallet::post_request`]).
	pub(crate) fn do_post_request(
		dso: T::AccountId,
		first_slot: MarketSlot,
		slots: u32,
		meters: BoundedVec<MeterId, T::MaxMetersPerRequest>,
		reduction_wh: Wh,
		price_per_wh: Amount,
	) -> DispatchResult {
		ensure!(T::Participants::has_active_roles(&dso, Roles::DSO), Error::<T>::NotDso);
		ensure!((1..=T::MaxSlotsPerRequest::get()).contains(&slots), Error::<T>::BadSlotCount);
		ensure!(!meters.is_empty(), Error::<T>::NoMeters);
		ensure!(meters.windows(2).all(|w| w[0] < w[1]), Error::<T>::MetersNotAscending);
		ensure!(reduction_wh > 0, Error::<T>::ZeroReduction);
		ensure!(price_per_wh > 0, Error::<T>::ZeroPrice);
		ensure!(first_slot > T::Clock::current_slot(), Error::<T>::SlotNotInFuture);
		ensure!(first_slot.checked_add(slots).is_some(), Error::<T>::BadSlotCount);
		ensure!(
			Requests::<T>::count() < T::MaxOpenRequests::get(),
			Error::<T>::TooManyOpenRequests
		);
		let held = Self::value_of(reduction_wh, slots, price_per_wh)?;

		let mut baselines = alloc::vec::Vec::with_capacity(meters.len());
		for &meter in meters.iter() {
			ensure!(T::Meters::is_active(meter), Error::<T>::UnknownMeter);
			let baseline = (first_slot..first_slot + slots)
				.map(|slot| T::Forecasts::forecast(meter, slot).map(|f| f.import_wh))
				.collect::<Option<alloc::vec::Vec<Wh>>>()
				.ok_or(Error::<T>::NoPriorForecast)?;
			let baseline: BoundedVec<Wh, T::MaxSlotsPerRequest> =
				baseline.try_into().map_err(|_| Error::<T>::BadSlotCount)?;
			baselines.push((meter, baseline));
		}
		T::Currency::hold(&HoldReason::RequestFunds.into(), &dso, held)
			.map_err(|_| Error::<T>::InsufficientFunds)?;

		let id = NextRequestId::<T>::get();
		let next = id.checked_add(1).ok_or(Error::<T>::NoRequestIdLeft)?;
		NextRequestId::<T>::put(next);
		for (meter, baseline) in baselines {
			Baselines::<T>::insert(id, meter, baseline);
		}
		let count = meters.len() as u32;
		Requests::<T>::insert(
			id,
			FlexRequest {
				dso: dso.clone(),
				first_slot,
				slots,
				reduction_wh,
				price_per_wh,
				held,
				committed_wh: 0,
				meters,
			},
		);
		Self::deposit_event(Event::RequestPosted {
			id,
			dso,
			first_slot,
			slots,
			reduction_wh,
			price_per_wh,
			held,
			meters: count,
		});
		Ok(())
	}

	/// Cancels request `id` of `dso` (see [`Pallet::cancel_request`]).
	pub(crate) fn do_cancel_request(
		dso: T::AccountId,
		id: RequestId,
	) -> DispatchResultWithPostInfo {
		let request = Requests::<T>::get(id).ok_or(Error::<T>::UnknownRequest)?;
		ensure!(request.dso == dso, Error::<T>::NotRequestDso);
		// Every commitment is of more than zero Wh.
		ensure!(request.committed_wh == 0, Error::<T>::HasCommitments);
		T::Currency::release(
			&HoldReason::RequestFunds.into(),
			&dso,
			request.held,
			Precision::Exact,
		)?;
		let meters = request.meters.len() as u32;
		let _ = Baselines::<T>::clear_prefix(id, meters, None);
		Requests::<T>::remove(id);
		Self::deposit_event(Event::RequestCancelled { id, released: request.held });
		Ok(Some(T::WeightInfo::cancel_request(meters)).into())
	}

	/// What `reduction_wh` Wh in each of `slots` slots is worth at `price_per_wh`.
	pub(crate) fn value_of(
		reduction_wh: Wh,
		slots: u32,
		price_per_wh: Amount,
	) -> Result<Amount, Error<T>> {
		Amount::from(reduction_wh)
			.checked_mul(Amount::from(slots))
			.and_then(|wh| wh.checked_mul(price_per_wh))
			.ok_or(Error::<T>::AmountOverflow)
	}
}
