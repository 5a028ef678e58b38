//! Hourly matching: each member's consumption metered per slot, and claims of certificates of
//! a slot against it, by call or automatically for delivered certificates: at delivery when the
//! consumption is already metered, else once the buyer's reading has arrived, in the idle time
//! of a block (the reading only queues the claim, so that it costs the same every time).

use crate::{
	AwaitingClaim, CertificateStatus, Certificates, ClaimQueue, ClaimQueueBounds, Config,
	Consumption, Error, Event, Pallet, WeightInfo, MAX_CLAIM_QUEUE, MAX_PIECES,
};
use energy_primitives::{ConsumptionRecorder, MarketSlot, ResId, Wh};
use frame_support::{ensure, pallet_prelude::DispatchResult, traits::Get, weights::Weight};

impl<T: Config> Pallet<T> {
	/// Whether certificate (`res`, `slot`)'s expiry period is over. Fails if it was never
	/// issued.
	pub(crate) fn is_expired(slot: MarketSlot, res: ResId) -> Result<bool, Error<T>> {
		let certificate =
			Certificates::<T>::get(slot, res).ok_or(Error::<T>::UnknownCertificate)?;
		Ok(Self::current_slot() > certificate.expires_after)
	}

	/// Claims `wh` of `who`'s active Wh of certificate (`res`, `slot`) against its consumption
	/// metered in `slot`, all or nothing, leaving `who` at most `bound` pieces of it. A
	/// certificate with no active Wh left no longer waits for a claim.
	pub fn do_claim(
		who: &T::AccountId,
		slot: MarketSlot,
		res: ResId,
		wh: Wh,
		bound: u32,
	) -> DispatchResult {
		ensure!(wh > 0, Error::<T>::ZeroAmount);
		ensure!(!Self::is_expired(slot, res)?, Error::<T>::CertificateExpired);
		let mut metered =
			Consumption::<T>::get(who, slot).ok_or(Error::<T>::NoConsumptionMetered)?;
		ensure!(wh <= metered.unmatched_wh(), Error::<T>::ExceedsConsumption);
		Self::change_status(who, slot, res, wh, CertificateStatus::Claimed, bound)?;
		metered.claimed_wh = metered.claimed_wh.saturating_add(wh);
		Consumption::<T>::insert(who, slot, metered);
		Self::forget_if_spent(who, slot, res);
		Self::deposit_event(Event::Claimed { who: who.clone(), slot, res, wh });
		Ok(())
	}

	/// Claims as much of `who`'s active Wh of certificate (`res`, `slot`) as its consumption
	/// metered in `slot` and not yet matched allows. Returns the Wh claimed: none where nothing
	/// is metered, the certificate expired, or the claim failed (it then changed nothing).
	pub(crate) fn claim_what_is_metered(who: &T::AccountId, slot: MarketSlot, res: ResId) -> Wh {
		let Some(metered) = Consumption::<T>::get(who, slot) else { return 0 };
		let wh = Self::holding(who, slot, res).min(metered.unmatched_wh());
		if wh == 0 {
			return 0;
		}
		match Self::do_claim(who, slot, res, wh, MAX_PIECES) {
			Ok(()) => wh,
			Err(_) => 0,
		}
	}

	/// Takes certificate (`res`, `slot`) off `who`'s waiting list once `who` has no active Wh
	/// of it left.
	pub(crate) fn forget_if_spent(who: &T::AccountId, slot: MarketSlot, res: ResId) {
		if Self::holding(who, slot, res) > 0 || !AwaitingClaim::<T>::contains_key(who, slot) {
			return;
		}
		AwaitingClaim::<T>::mutate_exists(who, slot, |awaiting| {
			if let Some(list) = awaiting {
				list.retain(|r| *r != res);
				if list.is_empty() {
					*awaiting = None;
				}
			}
		});
	}

	/// Records that `who`'s meters imported `wh` in `slot`. If certificates of `slot` delivered
	/// to `who` wait for it, queues their claim for the idle time of a block (a constant cost
	/// for the reading; a full queue leaves them for a claim by call).
	/// Returns whether delivered certificates waited for the reading: then the queue's bounds
	/// were read and, unless the queue is full, a claim queued (charged as queued either way:
	/// the full queue's case costs less).
	pub fn do_record_consumption(who: &T::AccountId, slot: MarketSlot, wh: Wh) -> bool {
		if wh == 0 {
			return false;
		}
		Consumption::<T>::mutate(who, slot, |metered| {
			let metered = metered.get_or_insert_with(Default::default);
			metered.consumed_wh = metered.consumed_wh.saturating_add(wh);
		});
		if !AwaitingClaim::<T>::contains_key(who, slot) {
			return false;
		}
		let (head, tail) = ClaimQueueBounds::<T>::get();
		if tail.wrapping_sub(head) < MAX_CLAIM_QUEUE {
			ClaimQueue::<T>::insert(tail, (who.clone(), slot));
			ClaimQueueBounds::<T>::put((head, tail.wrapping_add(1)));
		}
		true
	}

	/// Claims the certificates of `slot` delivered to `who` that wait for its consumption, as
	/// far as it is metered and not yet matched. Those with active Wh left keep waiting.
	pub(crate) fn claim_awaiting(who: &T::AccountId, slot: MarketSlot) {
		let mut awaiting = AwaitingClaim::<T>::take(who, slot);
		for &res in awaiting.iter() {
			Self::claim_what_is_metered(who, slot, res);
		}
		awaiting.retain(|res| Self::holding(who, slot, *res) > 0);
		if !awaiting.is_empty() {
			AwaitingClaim::<T>::insert(who, slot, awaiting);
		}
	}

	/// Works through the claim queue, oldest first, within `limit`; returns the weight used.
	pub(crate) fn process_claim_queue(limit: Weight) -> Weight {
		if !T::DbWeight::get().reads(1).all_lte(limit) {
			return Weight::zero();
		}
		let per_entry = T::WeightInfo::claim_queued();
		// The bounds' read, and their write once anything was done.
		let mut used = T::DbWeight::get().reads_writes(1, 1);
		let (mut head, tail) = ClaimQueueBounds::<T>::get();
		if head == tail || !used.saturating_add(per_entry).all_lte(limit) {
			return T::DbWeight::get().reads(1);
		}
		while head != tail && used.saturating_add(per_entry).all_lte(limit) {
			if let Some((who, slot)) = ClaimQueue::<T>::take(head) {
				Self::claim_awaiting(&who, slot);
			}
			head = head.wrapping_add(1);
			used = used.saturating_add(per_entry);
		}
		ClaimQueueBounds::<T>::put((head, tail));
		used
	}
}

impl<T: Config> ConsumptionRecorder<T::AccountId> for Pallet<T> {
	fn record(who: &T::AccountId, slot: MarketSlot, wh: Wh) -> bool {
		Self::do_record_consumption(who, slot, wh)
	}

	/// The `record_consumption` benchmark measures a record that queues a claim (the queue's
	/// bounds read and written, an entry written); one that does not is charged that less its
	/// three database accesses, and the same execution time (an upper bound).
	fn record_weight() -> Weight {
		T::WeightInfo::record_consumption().saturating_sub(Self::queue_weight())
	}

	fn queue_weight() -> Weight {
		T::DbWeight::get().reads_writes(1, 2)
	}
}
