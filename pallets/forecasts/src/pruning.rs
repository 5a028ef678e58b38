//! Pruning: forecasts of slots older than `ForecastsKept` are removed in the block hook, a
//! bounded number of entries per block.

use crate::{Config, Event, Forecasts, Pallet, PruneFrom};
use energy_primitives::MarketClock;
use frame_support::{traits::Get, weights::Weight};

/// The most forecast entries removed in one block.
pub const PRUNE_ENTRIES_PER_BLOCK: u32 = 2_048;

/// The most slots whose pruning is finished in one block (a chain that was halted for long
/// catches up over several blocks).
pub const PRUNE_SLOTS_PER_BLOCK: u32 = 16;

impl<T: Config> Pallet<T> {
	/// Removes the forecasts of slots before `current − ForecastsKept`, from [`PruneFrom`]
	/// upwards, within [`PRUNE_ENTRIES_PER_BLOCK`] entries and [`PRUNE_SLOTS_PER_BLOCK`]
	/// slots. Returns the weight used.
	pub(crate) fn prune_old_slots() -> Weight {
		let db = T::DbWeight::get();
		let keep_from = T::Clock::current_slot().saturating_sub(T::ForecastsKept::get());
		let mut from = PruneFrom::<T>::get();
		let mut weight = db.reads(2);
		if from == 0 {
			// First block with a clock: nothing older can exist.
			PruneFrom::<T>::put(keep_from);
			return weight.saturating_add(db.writes(1));
		}
		let (mut entries_left, mut slots) = (PRUNE_ENTRIES_PER_BLOCK, 0);
		while from < keep_from && entries_left > 0 && slots < PRUNE_SLOTS_PER_BLOCK {
			let result = Forecasts::<T>::clear_prefix(from, entries_left, None);
			entries_left = entries_left.saturating_sub(result.unique);
			weight =
				weight.saturating_add(db.reads_writes(result.loops.into(), result.unique.into()));
			if result.maybe_cursor.is_some() {
				break;
			}
			Self::deposit_event(Event::SlotPruned { slot: from });
			from += 1;
			slots += 1;
		}
		if slots > 0 {
			PruneFrom::<T>::put(from);
			weight = weight.saturating_add(db.writes(1));
		}
		weight
	}
}
