//! The pallet's invariants, checked by `try_state` and after every test.

use crate::{
	Baselines, Commitments, Config, HoldReason, MeterCommitments, NextRequestId, Pallet, Requests,
	WatchedMeters,
};
use alloc::collections::BTreeMap;
use energy_primitives::Wh;
use frame_support::{ensure, pallet_prelude::Get, traits::fungible::InspectHold};
use sp_runtime::TryRuntimeError;

impl<T: Config> Pallet<T> {
	/// Checks that:
	/// - at most `MaxOpenRequests` requests are open, every id below `NextRequestId`;
	/// - each request holds its full value and each commitment its bond, with one metering
	///   entry per slot; no baseline or commitment outlives its request;
	/// - a meter's committed ranges do not overlap;
	/// - each request has a baseline for every meter it names and commitments only of them,
	///   whose reductions add up to its `committed_wh` (≤ `reduction_wh`);
	/// - each commitment's meter lists the request's slot range, and each listed range has a
	///   commitment;
	/// - the watched set is exactly the meters with commitments, ascending;
	/// - what each account holds for requests and bonds is what the open requests and
	///   commitments say.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		ensure!(
			Requests::<T>::count() <= T::MaxOpenRequests::get(),
			"more requests open than MaxOpenRequests"
		);
		let mut funds: BTreeMap<T::AccountId, u128> = BTreeMap::new();
		let mut bonds: BTreeMap<T::AccountId, u128> = BTreeMap::new();
		let next = NextRequestId::<T>::get();
		for (id, request) in Requests::<T>::iter() {
			ensure!(id < next, "an open request at or above NextRequestId");
			let value = Self::value_of(request.reduction_wh, request.slots, request.price_per_wh);
			ensure!(value.ok() == Some(request.held), "a request does not hold its full value");
			*funds.entry(request.dso.clone()).or_default() += request.held;
			for meter in request.meters.iter() {
				let baseline =
					Baselines::<T>::get(id, meter).ok_or("a named meter has no baseline")?;
				ensure!(baseline.len() == request.slots as usize, "baseline of the wrong length");
			}
			let mut committed: Wh = 0;
			for (meter, commitment) in Commitments::<T>::iter_prefix(id) {
				ensure!(request.meters.contains(&meter), "a commitment of a meter not named");
				ensure!(
					MeterCommitments::<T>::get(meter).iter().any(|r| r.request == id
						&& r.first_slot == request.first_slot
						&& r.last_slot == request.last_slot()),
					"a commitment missing from its meter's ranges"
				);
				let value =
					Self::value_of(commitment.reduction_wh, request.slots, request.price_per_wh)
						.map_err(|_| "a commitment's value overflows")?;
				ensure!(
					commitment.bond == T::ShortfallPenalty::get().mul_ceil(value),
					"a commitment does not hold its bond"
				);
				ensure!(
					commitment.metering.len() == request.slots as usize,
					"a commitment's metering is not one entry per slot"
				);
				committed += commitment.reduction_wh;
				*bonds.entry(commitment.member.clone()).or_default() += commitment.bond;
			}
			ensure!(committed == request.committed_wh, "committed_wh is not the commitments' sum");
			ensure!(committed <= request.reduction_wh, "a request is overcommitted");
		}
		for (id, _) in Commitments::<T>::iter_keys() {
			ensure!(Requests::<T>::contains_key(id), "a commitment outlived its request");
		}
		for (id, _) in Baselines::<T>::iter_keys() {
			ensure!(Requests::<T>::contains_key(id), "a baseline outlived its request");
		}
		let mut meters = alloc::vec::Vec::new();
		for (meter, ranges) in MeterCommitments::<T>::iter() {
			ensure!(!ranges.is_empty(), "an empty range list is stored");
			for (i, a) in ranges.iter().enumerate() {
				ensure!(
					!ranges.iter().skip(i + 1).any(|b| a.overlaps(b.first_slot, b.last_slot)),
					"a meter is committed twice in one slot"
				);
			}
			for range in ranges.iter() {
				ensure!(
					Commitments::<T>::contains_key(range.request, meter),
					"a range without its commitment"
				);
			}
			meters.push(meter);
		}
		meters.sort();
		ensure!(
			WatchedMeters::<T>::get().into_inner() == meters,
			"watched set is not the committed meters"
		);
		for (who, held) in funds {
			ensure!(
				T::Currency::balance_on_hold(&HoldReason::RequestFunds.into(), &who) == held,
				"a DSO's request hold is not its requests' sum"
			);
		}
		for (who, held) in bonds {
			ensure!(
				T::Currency::balance_on_hold(&HoldReason::CommitmentBond.into(), &who) == held,
				"a member's bond hold is not its commitments' sum"
			);
		}
		Ok(())
	}
}
