//! Accepting a request: a member commits one meter's reduction and holds its bond.

use crate::{
	Baselines, Commitment, Commitments, CommittedRange, Config, Error, Event, HoldReason,
	MeterCommitments, Pallet, RequestId, Requests, SlotMetering, WatchedMeters,
};
use energy_primitives::{MarketClock, MeterId, MeterRegistry, ParticipantRegistry, Wh};
use frame_support::{
	dispatch::DispatchResult, ensure, pallet_prelude::Get, traits::fungible::MutateHold, BoundedVec,
};

impl<T: Config> Pallet<T> {
	/// Commits `meter` of `member` to request `id` (see [`Pallet::accept`]).
	pub(crate) fn do_accept(
		member: T::AccountId,
		id: RequestId,
		meter: MeterId,
		reduction_wh: Wh,
	) -> DispatchResult {
		let mut request = Requests::<T>::get(id).ok_or(Error::<T>::UnknownRequest)?;
		ensure!(T::Clock::current_slot() < request.first_slot, Error::<T>::AcceptanceClosed);
		let baseline = Baselines::<T>::get(id, meter).ok_or(Error::<T>::MeterNotInRequest)?;
		let info = T::Meters::meter(meter).ok_or(Error::<T>::UnknownMeter)?;
		ensure!(info.owner == member, Error::<T>::NotMeterOwner);
		ensure!(T::Participants::active_roles(&member).is_some(), Error::<T>::NotActiveMember);
		ensure!(!Commitments::<T>::contains_key(id, meter), Error::<T>::AlreadyAccepted);
		ensure!(reduction_wh > 0, Error::<T>::ZeroReduction);
		ensure!(baseline.iter().all(|&b| reduction_wh <= b), Error::<T>::AboveBaseline);
		let committed_wh = request
			.committed_wh
			.checked_add(reduction_wh)
			.filter(|&c| c <= request.reduction_wh)
			.ok_or(Error::<T>::Overcommitted)?;

		let range = CommittedRange {
			request: id,
			first_slot: request.first_slot,
			last_slot: request.last_slot(),
		};
		let mut ranges = MeterCommitments::<T>::get(meter);
		ensure!(
			!ranges.iter().any(|r| r.overlaps(range.first_slot, range.last_slot)),
			Error::<T>::SlotCommittedElsewhere
		);
		let newly_watched = ranges.is_empty();
		ranges.try_push(range).map_err(|_| Error::<T>::TooManyCommitments)?;
		let mut watched = WatchedMeters::<T>::get();
		if newly_watched {
			let at = watched.binary_search(&meter).unwrap_or_else(|at| at);
			watched.try_insert(at, meter).map_err(|_| Error::<T>::TooManyWatchedMeters)?;
		}

		let full_value = Self::value_of(reduction_wh, request.slots, request.price_per_wh)?;
		let bond = T::ShortfallPenalty::get().mul_ceil(full_value);
		T::Currency::hold(&HoldReason::CommitmentBond.into(), &member, bond)
			.map_err(|_| Error::<T>::BondUnaffordable)?;

		let metering: BoundedVec<SlotMetering, T::MaxSlotsPerRequest> =
			BoundedVec::truncate_from(alloc::vec![SlotMetering::Pending; request.slots as usize]);
		Commitments::<T>::insert(
			id,
			meter,
			Commitment { member: member.clone(), reduction_wh, bond, metering },
		);
		MeterCommitments::<T>::insert(meter, ranges);
		if newly_watched {
			WatchedMeters::<T>::put(watched);
		}
		request.committed_wh = committed_wh;
		Requests::<T>::insert(id, request);
		Self::deposit_event(Event::Accepted { id, meter, member, reduction_wh, bond });
		Ok(())
	}
}
