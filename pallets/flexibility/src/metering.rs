//! Delivery: the meters pallet reports each accepted reading of a committed meter, and the
//! committed slots it closes are metered.

use crate::{
	Commitments, Config, Event, MeterCommitments, Pallet, SlotMetering, WatchedMeters, WeightInfo,
};
use energy_primitives::{ImportObserver, MarketSlot, MeterId, Wh};
use frame_support::weights::Weight;

impl<T: Config> ImportObserver for Pallet<T> {
	fn watched() -> alloc::vec::Vec<MeterId> {
		WatchedMeters::<T>::get().into_inner()
	}

	/// Meters every committed slot of `meter` in `first..=last`: with the reading's import if it
	/// closed that slot alone, as unmeasurable if it covered several slots (a reading was lost,
	/// so the slot's own import is unknown).
	fn on_import(meter: MeterId, first: MarketSlot, last: MarketSlot, import_wh: Wh) {
		let metering = if first == last {
			SlotMetering::Metered(import_wh)
		} else {
			SlotMetering::Unmeasurable
		};
		for range in MeterCommitments::<T>::get(meter) {
			if !range.overlaps(first, last) {
				continue;
			}
			let id = range.request;
			Commitments::<T>::mutate(id, meter, |commitment| {
				let Some(commitment) = commitment else { return };
				for slot in first.max(range.first_slot)..=last.min(range.last_slot) {
					let index = (slot - range.first_slot) as usize;
					if let Some(entry) = commitment.metering.get_mut(index) {
						*entry = metering;
						Self::deposit_event(Event::SlotMetered { id, meter, slot, metering });
					}
				}
			});
		}
	}

	fn watched_weight() -> Weight {
		T::WeightInfo::watched_meters()
	}

	fn on_import_weight() -> Weight {
		T::WeightInfo::on_import()
	}
}
