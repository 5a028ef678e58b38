//! Settlement: each committed slot's measured reduction is paid from the DSO's hold, each
//! shortfall is charged from the member's bond, and everything else is released.

use crate::{
	measured_reduction, Amount, Baselines, CommitmentOf, CommitmentOutcome, Commitments, Config,
	Error, Event, HoldReason, MeterCommitments, Pallet, RequestId, RequestOf, Requests,
	SlotMetering, WatchedMeters, WeightInfo,
};
use energy_primitives::{reading_window_slots, MarketClock, MeterId, Wh};
use frame_support::{
	dispatch::DispatchResultWithPostInfo,
	ensure,
	pallet_prelude::Get,
	traits::{
		fungible::MutateHold,
		tokens::{Fortitude, Precision, Restriction},
	},
};

impl<T: Config> Pallet<T> {
	/// Settles request `id` (see [`Pallet::settle`]).
	pub(crate) fn do_settle(id: RequestId) -> DispatchResultWithPostInfo {
		let request = Requests::<T>::get(id).ok_or(Error::<T>::UnknownRequest)?;
		let commitments: alloc::vec::Vec<_> = Commitments::<T>::iter_prefix(id).collect();
		ensure!(Self::settleable(&request, &commitments), Error::<T>::NotSettleable);

		let (mut paid, mut penalties) = (0, 0);
		for (meter, commitment) in &commitments {
			let baseline = Baselines::<T>::get(id, meter).unwrap_or_default();
			let outcome = Self::outcome(&request, commitment, &baseline);
			let funds = HoldReason::RequestFunds.into();
			let bond = HoldReason::CommitmentBond.into();
			let member = &commitment.member;
			if outcome.paid > 0 {
				T::Currency::transfer_on_hold(
					&funds,
					&request.dso,
					member,
					outcome.paid,
					Precision::Exact,
					Restriction::Free,
					Fortitude::Force,
				)?;
			}
			if outcome.penalty > 0 {
				T::Currency::transfer_on_hold(
					&bond,
					member,
					&request.dso,
					outcome.penalty,
					Precision::Exact,
					Restriction::Free,
					Fortitude::Force,
				)?;
			}
			let kept = commitment.bond.saturating_sub(outcome.penalty);
			T::Currency::release(&bond, member, kept, Precision::Exact)?;
			Self::unwatch(*meter, id);
			paid += outcome.paid;
			penalties += outcome.penalty;
			Self::deposit_event(Event::CommitmentSettled {
				id,
				meter: *meter,
				member: member.clone(),
				committed_wh: outcome.committed_wh,
				delivered_wh: outcome.delivered_wh,
				paid: outcome.paid,
				penalty: outcome.penalty,
			});
		}
		let released = request.held.saturating_sub(paid);
		T::Currency::release(
			&HoldReason::RequestFunds.into(),
			&request.dso,
			released,
			Precision::Exact,
		)?;
		let meters = request.meters.len() as u32;
		let _ = Commitments::<T>::clear_prefix(id, meters, None);
		let _ = Baselines::<T>::clear_prefix(id, meters, None);
		Requests::<T>::remove(id);
		Self::deposit_event(Event::RequestSettled { id, paid, penalties, released });
		// Every named meter's baseline is removed, committed or not: charged as if all had
		// committed (the benchmark's worst case for `meters`).
		Ok(Some(T::WeightInfo::settle(meters, request.slots)).into())
	}

	/// Whether `request` may settle now: its last slot has ended, and every committed slot is
	/// metered or no reading of its last slot can come any more.
	pub(crate) fn settleable(
		request: &RequestOf<T>,
		commitments: &[(MeterId, CommitmentOf<T>)],
	) -> bool {
		let now = T::Clock::current_slot();
		let last = request.last_slot();
		if now <= last {
			return false;
		}
		let window = reading_window_slots(T::MaxReadingAgeMs::get(), T::Clock::slot_length_ms());
		let readings_over = now > last.saturating_add(window);
		readings_over
			|| commitments
				.iter()
				.all(|(_, c)| c.metering.iter().all(|m| *m != SlotMetering::Pending))
	}

	/// What one commitment earns and owes. Per metered slot: `price × min(measured,
	/// committed)` paid, and `ShortfallPenalty × price × (committed − paid-for)` charged. A slot
	/// without a reading of its own (lost, withheld, the meter revoked) is neither paid nor
	/// charged: nothing measured it, so neither side can gain by keeping a reading back.
	pub(crate) fn outcome(
		request: &RequestOf<T>,
		commitment: &CommitmentOf<T>,
		baseline: &[Wh],
	) -> CommitmentOutcome {
		let committed = commitment.reduction_wh;
		let (mut delivered_wh, mut shortfall_wh): (Wh, Wh) = (0, 0);
		for (metering, &baseline) in commitment.metering.iter().zip(baseline.iter()) {
			if let SlotMetering::Metered(_) = metering {
				let delivered = measured_reduction(baseline, *metering).min(committed);
				delivered_wh += delivered;
				shortfall_wh += committed - delivered;
			}
		}
		let committed_wh = committed.saturating_mul(request.slots as Wh);
		let price = request.price_per_wh;
		// Both products are at most the request's full value, which fits (checked when posted).
		let paid = Amount::from(delivered_wh).saturating_mul(price);
		let shortfall = Amount::from(shortfall_wh).saturating_mul(price);
		let penalty = T::ShortfallPenalty::get().mul_ceil(shortfall).min(commitment.bond);
		CommitmentOutcome { committed_wh, delivered_wh, paid, penalty }
	}

	/// Removes request `id`'s range from `meter`'s commitments, and the meter from the watched
	/// set when it has none left.
	fn unwatch(meter: MeterId, id: RequestId) {
		let mut ranges = MeterCommitments::<T>::get(meter);
		ranges.retain(|r| r.request != id);
		if ranges.is_empty() {
			MeterCommitments::<T>::remove(meter);
			WatchedMeters::<T>::mutate(|watched| {
				if let Ok(at) = watched.binary_search(&meter) {
					watched.remove(at);
				}
			});
		} else {
			MeterCommitments::<T>::insert(meter, ranges);
		}
	}
}
