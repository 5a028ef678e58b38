//! How metered energy is placed in time: what a RES can produce in one market slot, and how the
//! energy of a reading that covers several slots is attributed to them.
//!
//! A reading carries cumulative registers at the end of the slot it closes, so its delta covers
//! every slot since the meter's last accepted reading. A meter that reported every slot gives
//! exact per-slot values; a reading after a gap only proves the gap's total.
//!
//! - **Attribution** (what a reading says about each slot, for history and reports): the total
//!   is spread **pro rata** over the slots it covers: the `i`-th of `K` slots gets
//!   `⌊Δ·i/K⌋ − ⌊Δ·(i−1)/K⌋` Wh. The shares add up to `Δ` exactly, differ by at most 1 Wh, and
//!   none exceeds `⌈Δ/K⌉`.
//! - **Certification** (what a reading *proves* of each slot, and may mint): no more than the
//!   total less the most the other `K − 1` slots could have produced,
//!   `Δ − export_limit_wh(K − 1) − 1` (the 1 Wh for the registers' rounding). Whatever readings
//!   a gateway withheld, no slot produced less than that, so no certificate says more than its
//!   slot produced: withholding the reading of a sunny slot cannot sell its energy in the next,
//!   dearer one. A one-slot reading proves its whole delta.
//!
//! The chain, the forecaster and any indexer use these functions, so that every reader of the
//! same reading attributes it the same way.

use crate::energy::{MarketSlot, Watts, Wh, HOUR_MS};

/// The most a RES of `nameplate_w` can export in one slot of `slot_length_ms`, in whole Wh
/// (rounded down): `nameplate_w × slot_length_ms / 3,600,000`.
pub fn slot_capacity_wh(nameplate_w: Watts, slot_length_ms: u64) -> Wh {
	let wh = (nameplate_w as u128).saturating_mul(slot_length_ms as u128) / HOUR_MS as u128;
	wh.min(Wh::MAX as u128) as Wh
}

/// The most a RES of `nameplate_w` can export in `slots` slots of `slot_length_ms`, in whole Wh
/// rounded **up**: the largest export delta a reading over `slots` slots may carry (a meter's
/// registers count whole Wh, so an interval at full power may read one Wh over the exact
/// figure, and an honest meter must never be stuck on that).
pub fn export_limit_wh(nameplate_w: Watts, slot_length_ms: u64, slots: u32) -> Wh {
	let wh = (nameplate_w as u128)
		.saturating_mul(slot_length_ms as u128)
		.saturating_mul(slots as u128)
		.div_ceil(HOUR_MS as u128);
	wh.min(Wh::MAX as u128) as Wh
}

/// What a reading of `export_wh` over `slots` slots proves was exported in **each** of them:
/// the export less what the other `slots − 1` slots could have exported at most
/// ([`export_limit_wh`]) and less the 1 Wh its registers may have rounded up; zero if that is
/// negative. The whole export for a one-slot reading.
pub fn provable_per_slot_wh(
	export_wh: Wh,
	nameplate_w: Watts,
	slot_length_ms: u64,
	slots: u32,
) -> Wh {
	if slots <= 1 {
		return export_wh;
	}
	let others = export_limit_wh(nameplate_w, slot_length_ms, slots - 1);
	export_wh.saturating_sub(others).saturating_sub(1)
}

/// The share of `total` Wh that falls in the `index`-th (1-based) of `slots` slots under the
/// pro-rata rule: `⌊total·index/slots⌋ − ⌊total·(index−1)/slots⌋`. Zero for an index outside
/// `1..=slots`.
pub fn pro_rata_share(total: Wh, slots: u32, index: u32) -> Wh {
	if slots == 0 || index == 0 || index > slots {
		return 0;
	}
	let upto = |i: u32| (total as u128) * (i as u128) / (slots as u128);
	(upto(index) - upto(index - 1)) as Wh
}

/// The slots a reading covers and how its energy is spread over them: the slots after the
/// meter's last closed slot, up to and including the slot the reading closes.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub struct CoveredSlots {
	/// The first slot the reading covers (the slot after the last closed one).
	pub first: MarketSlot,
	/// The slot the reading closes (the last one it covers).
	pub last: MarketSlot,
}

impl CoveredSlots {
	/// The slots from `first` to `last` inclusive; `None` unless `first <= last`.
	pub fn new(first: MarketSlot, last: MarketSlot) -> Option<Self> {
		(first <= last).then_some(CoveredSlots { first, last })
	}

	/// How many slots are covered (at least 1).
	pub fn count(&self) -> u32 {
		self.last - self.first + 1
	}

	/// The share of `total` Wh attributed to `slot` (zero outside the covered slots).
	pub fn share_of(&self, total: Wh, slot: MarketSlot) -> Wh {
		if slot < self.first || slot > self.last {
			return 0;
		}
		pro_rata_share(total, self.count(), slot - self.first + 1)
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn shares_add_up_exactly_and_differ_by_at_most_one() {
		for total in [0u64, 1, 2, 7, 99, 1_000, 4_999, 5_001, 123_457] {
			for slots in 1..=50u32 {
				let shares: alloc::vec::Vec<Wh> =
					(1..=slots).map(|i| pro_rata_share(total, slots, i)).collect();
				assert_eq!(shares.iter().sum::<Wh>(), total, "{total} over {slots}");
				let (min, max) = (shares.iter().min().unwrap(), shares.iter().max().unwrap());
				assert!(max - min <= 1, "{total} over {slots}: {shares:?}");
				assert!(*max <= total.div_ceil(slots as u64));
			}
		}
	}

	#[test]
	fn a_total_within_k_caps_gives_every_slot_at_most_one_cap() {
		let cap = 5_000;
		for slots in 1..=48u32 {
			let total = cap * slots as u64;
			assert!((1..=slots).all(|i| pro_rata_share(total, slots, i) <= cap));
		}
	}

	#[test]
	fn shares_outside_the_covered_slots_are_zero() {
		assert_eq!(pro_rata_share(10, 0, 0), 0);
		assert_eq!(pro_rata_share(10, 3, 0), 0);
		assert_eq!(pro_rata_share(10, 3, 4), 0);
		let covered = CoveredSlots::new(100, 103).unwrap();
		assert_eq!(covered.count(), 4);
		assert_eq!(covered.share_of(10, 99), 0);
		assert_eq!(covered.share_of(10, 104), 0);
		let spread: alloc::vec::Vec<Wh> = (100..=103).map(|s| covered.share_of(10, s)).collect();
		assert_eq!(spread, [2, 3, 2, 3]);
		assert_eq!(CoveredSlots::new(5, 4), None);
	}

	#[test]
	fn no_overflow_at_the_extremes() {
		assert_eq!(pro_rata_share(Wh::MAX, 1, 1), Wh::MAX);
		let total: u128 = (1..=7).map(|i| pro_rata_share(Wh::MAX, 7, i) as u128).sum();
		assert_eq!(total, Wh::MAX as u128);
		assert_eq!(slot_capacity_wh(Watts::MAX, u64::MAX), Wh::MAX);
	}

	/// Whatever the true production of each slot (each at most the nameplate's), and whatever
	/// the register rounding, what a multi-slot reading proves of a slot is never more than that
	/// slot produced.
	#[test]
	fn a_reading_never_proves_more_than_a_slot_produced() {
		// 5 kW on one-minute slots: 83.33 Wh per slot at most. True production in tenths of a
		// Wh per slot, over 3 slots; the registers count whole Wh (floor of the true count).
		let (nameplate, len) = (5_000, 60_000);
		let max_tenths = 833u64;
		let steps = [0u64, 1, 200, 416, 700, 832, 833];
		for a in steps {
			for b in steps {
				for c in steps {
					for offset in [0u64, 3, 9] {
						let start = offset;
						let end = offset + a + b + c;
						let delta = end / 10 - start / 10;
						assert!(
							delta <= export_limit_wh(nameplate, len, 3),
							"an honest delta fits"
						);
						let proven = provable_per_slot_wh(delta, nameplate, len, 3);
						for produced in [a, b, c] {
							assert!(
								proven * 10 <= produced,
								"{proven} Wh proven, {produced}/10 made"
							);
						}
						assert!(max_tenths * 3 / 10 <= export_limit_wh(nameplate, len, 3));
					}
				}
			}
		}
		// All three slots at full power prove most of a slot each.
		assert_eq!(provable_per_slot_wh(250, nameplate, len, 3), 250 - 167 - 1);
		assert_eq!(provable_per_slot_wh(83, nameplate, len, 1), 83);
	}

	#[test]
	fn the_export_limit_rounds_up_to_whole_wh() {
		assert_eq!(export_limit_wh(5_000, 60_000, 1), 84);
		assert_eq!(export_limit_wh(5_000, 60_000, 3), 250);
		assert_eq!(export_limit_wh(5_000, HOUR_MS, 2), 10_000);
		assert_eq!(export_limit_wh(0, HOUR_MS, 2), 0);
		assert_eq!(export_limit_wh(Watts::MAX, u64::MAX, u32::MAX), Wh::MAX);
	}

	#[test]
	fn slot_capacity_is_nameplate_times_slot_length() {
		assert_eq!(slot_capacity_wh(5_000, HOUR_MS), 5_000);
		assert_eq!(slot_capacity_wh(5_000, 60_000), 83);
		assert_eq!(slot_capacity_wh(0, HOUR_MS), 0);
	}
}
