//! The market clock: market slots from the block timestamp.

use crate::{Config, Pallet, SlotLength};
use energy_primitives::{MarketClock, MarketSlot};

impl<T: Config> Pallet<T> {
	/// The slot containing unix time `now_ms`: `now_ms / slot length`, saturating at the
	/// largest slot number.
	pub fn slot_at(now_ms: u64) -> MarketSlot {
		let length = SlotLength::<T>::get().max(1);
		(now_ms / length).min(MarketSlot::MAX as u64) as MarketSlot
	}

	/// The unix time (ms) at which `slot` starts.
	pub fn slot_start_ms(slot: MarketSlot) -> u64 {
		(slot as u64).saturating_mul(SlotLength::<T>::get())
	}
}

impl<T: Config> MarketClock for Pallet<T> {
	fn current_slot() -> MarketSlot {
		Self::slot_at(pallet_timestamp::Now::<T>::get())
	}

	fn slot_length_ms() -> u64 {
		SlotLength::<T>::get()
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn set_current_slot(slot: MarketSlot) {
		pallet_timestamp::Now::<T>::put(Self::slot_start_ms(slot));
	}
}
