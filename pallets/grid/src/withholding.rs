//! Headroom withheld per slot: the keeper lowers an element's capacity for given slots until
//! each slot's gate closure; once a slot's settlement has begun its entry is pruned.

use crate::{Config, Elements, Error, Event, Headroom, Pallet, Withheld, WithheldSlots};
use energy_primitives::{ElementId, MarketClock, MarketSlot};
use frame_support::{ensure, pallet_prelude::*};

impl<T: Config> Pallet<T> {
	/// Sets element `id`'s headroom to `headroom` in the `slots` slots from `first_slot`
	/// (restoring the capacity where `headroom` equals it).
	pub(crate) fn do_withhold(
		keeper: T::AccountId,
		id: ElementId,
		first_slot: MarketSlot,
		slots: u32,
		headroom: Headroom,
	) -> DispatchResult {
		Self::ensure_keeper(&keeper)?;
		let capacity = Elements::<T>::get(id).ok_or(Error::<T>::UnknownElement)?;
		ensure!(
			headroom.up_w <= capacity.up_w && headroom.down_w <= capacity.down_w,
			Error::<T>::AboveCapacity
		);
		ensure!(slots > 0, Error::<T>::NoSlots);
		ensure!(slots <= T::MaxWithheldSlots::get(), Error::<T>::TooManyWithheldSlots);
		let last = first_slot.checked_add(slots - 1).ok_or(Error::<T>::TooFarAhead)?;
		let horizon = T::Clock::current_slot().saturating_add(T::MaxSlotsAhead::get());
		ensure!(last <= horizon, Error::<T>::TooFarAhead);
		let restore = headroom.up_w == capacity.up_w && headroom.down_w == capacity.down_w;
		let mut withheld_slots = WithheldSlots::<T>::get();
		for slot in first_slot..=last {
			ensure!(!T::Clock::gate_closed(slot), Error::<T>::GateClosed);
			let mut entry = Withheld::<T>::get(slot).unwrap_or_default();
			if restore {
				entry.remove(&id);
			} else {
				// At most one entry per element, and the grid has at most `MaxElements`.
				entry.try_insert(id, headroom).map_err(|_| Error::<T>::TooManyElements)?;
			}
			Self::store_entry(slot, entry, &mut withheld_slots)?;
		}
		WithheldSlots::<T>::put(withheld_slots);
		Self::deposit_event(Event::HeadroomWithheld {
			id,
			first_slot,
			slots,
			up_w: headroom.up_w,
			down_w: headroom.down_w,
		});
		Ok(())
	}

	/// Stores `entry` as `slot`'s withheld headroom and keeps `slots` (the list of
	/// [`WithheldSlots`]) in step: an empty entry goes, and its place in the list with it.
	pub(crate) fn store_entry(
		slot: MarketSlot,
		entry: BoundedBTreeMap<ElementId, Headroom, T::MaxElements>,
		slots: &mut BoundedVec<MarketSlot, T::MaxWithheldSlots>,
	) -> DispatchResult {
		let position = slots.binary_search(&slot);
		if entry.is_empty() {
			Withheld::<T>::remove(slot);
			if let Ok(at) = position {
				slots.remove(at);
			}
		} else {
			Withheld::<T>::insert(slot, entry);
			if let Err(at) = position {
				slots.try_insert(at, slot).map_err(|_| Error::<T>::TooManyWithheldSlots)?;
			}
		}
		Ok(())
	}

	/// Looks at the oldest past slots with withheld headroom, at most `limit`, and removes
	/// those whose settlement has begun (their clearing is done); one still delivering (its
	/// settlement deferred) keeps its place without blocking the others. Returns how many it
	/// looked at.
	pub(crate) fn prune_withheld(limit: u32) -> u32 {
		let mut slots = WithheldSlots::<T>::get();
		let current = T::Clock::current_slot();
		let past: alloc::vec::Vec<MarketSlot> =
			slots.iter().copied().take_while(|slot| *slot < current).take(limit as usize).collect();
		let done: alloc::vec::Vec<MarketSlot> =
			past.iter().copied().filter(|slot| !T::Clock::delivery_open(*slot)).collect();
		if !done.is_empty() {
			for slot in &done {
				Withheld::<T>::remove(slot);
			}
			slots.retain(|slot| !done.contains(slot));
			WithheldSlots::<T>::put(slots);
		}
		past.len() as u32
	}
}
