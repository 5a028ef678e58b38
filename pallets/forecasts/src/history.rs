//! A meter's hourly series as the forecaster sees it, kept in the node's off-chain storage
//! so that each slot reads only the newest readings from the off-chain index.

use alloc::vec::Vec;
use codec::{Decode, Encode};
use energy_primitives::{MarketSlot, MeterId};
use pallet_meters::IndexedReading;

/// A slot without a usable reading: none was indexed, or the reading covered several slots
/// (its split over them is unknown).
pub const MISSING: u32 = u32::MAX;

/// A meter's import and export per slot over a window of slots ending before `end`.
#[derive(Clone, Debug, Decode, Default, Encode, Eq, PartialEq)]
pub struct SeriesCache {
	/// The first slot after the series.
	pub end: MarketSlot,
	/// Import per slot, Wh (or [`MISSING`]), oldest first.
	pub import: Vec<u32>,
	/// Export per slot, Wh (or [`MISSING`]), oldest first.
	pub export: Vec<u32>,
}

impl SeriesCache {
	/// The slot of the first value.
	pub fn first_slot(&self) -> MarketSlot {
		self.end.saturating_sub(self.import.len() as MarketSlot)
	}

	/// Moves the window to `[end − window, end)`: slots already cached with a value are kept
	/// except the last `refresh` ones; those, the missing ones (a reading may arrive late, or
	/// a new meter's gateway may bring its history) and the new ones are read with
	/// `read(meter, slot)` from the off-chain index. Returns how many slots were read.
	pub fn update(
		&mut self,
		meter: MeterId,
		end: MarketSlot,
		window: u32,
		refresh: u32,
		read: impl Fn(MeterId, MarketSlot) -> Option<IndexedReading>,
	) -> u32 {
		let start = end.saturating_sub(window);
		let (cached_from, cached_until) =
			(self.first_slot(), self.end.saturating_sub(refresh).max(self.first_slot()));
		let mut import = Vec::with_capacity((end - start) as usize);
		let mut export = Vec::with_capacity((end - start) as usize);
		let mut reads = 0;
		for slot in start..end {
			if (cached_from..cached_until).contains(&slot) {
				let index = (slot - cached_from) as usize;
				if self.import[index] != MISSING {
					import.push(self.import[index]);
					export.push(self.export[index]);
					continue;
				}
			}
			reads += 1;
			match read(meter, slot) {
				Some(reading) if reading.elapsed_slots == 1 => {
					import.push(clamp(reading.import_wh));
					export.push(clamp(reading.export_wh));
				},
				_ => {
					import.push(MISSING);
					export.push(MISSING);
				},
			}
		}
		*self = SeriesCache { end, import, export };
		reads
	}

	/// The import and export series for the model: Wh as `f64`, missing slots as NaN.
	pub fn series(&self) -> (Vec<f64>, Vec<f64>) {
		let convert = |values: &[u32]| {
			values
				.iter()
				.map(|v| if *v == MISSING { f64::NAN } else { f64::from(*v) })
				.collect::<Vec<f64>>()
		};
		(convert(&self.import), convert(&self.export))
	}
}

/// A reading's Wh as stored in the cache (saturating below [`MISSING`]).
fn clamp(wh: u64) -> u32 {
	wh.min(u64::from(MISSING - 1)) as u32
}

#[cfg(test)]
mod tests {
	use super::*;

	fn reading(import_wh: u64, elapsed_slots: u32) -> IndexedReading {
		IndexedReading {
			sequence: 1,
			elapsed_slots,
			import_wh,
			export_wh: 0,
			registers: Default::default(),
		}
	}

	#[test]
	fn the_cache_reads_only_what_it_lacks_and_finds_late_readings() {
		let mut cache = SeriesCache::default();
		// Slots 100..110, readings only for even slots; slot 108's covers two slots.
		let index = |_, slot: MarketSlot| match slot {
			108 => Some(reading(5, 2)),
			s if s % 2 == 0 => Some(reading(u64::from(s), 1)),
			_ => None,
		};
		assert_eq!(cache.update(7, 110, 10, 3, index), 10);
		assert_eq!(cache.first_slot(), 100);
		assert_eq!(cache.import[..3], [100, MISSING, 102]);
		assert_eq!(cache.import[8], MISSING, "a reading over two slots is not an hourly value");
		// One slot later, every slot is now indexed: the new slot, the last three and the
		// missing ones are read; cached values are kept.
		let all = |_, slot: MarketSlot| Some(reading(u64::from(slot) + 1_000, 1));
		let reads = cache.update(7, 111, 10, 3, all);
		assert_eq!(cache.first_slot(), 101);
		assert_eq!(cache.import[0], 1_101, "slot 101 was missing and is read again");
		assert_eq!(cache.import[1], 102, "slot 102 was cached");
		// Read: 101, 103, 105 (missing), 107 (missing), 108, 109, 110 (last 3 + new).
		assert_eq!(reads, 7);
		let (import, _) = cache.series();
		assert!(import.iter().all(|v| v.is_finite()));
	}
}
