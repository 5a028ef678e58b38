//! Benchmarks of the grid pallet (frame-benchmarking v2), each in its worst case:
//!
//! - `set_element(n)`: a new element added to a grid of `n` elements, eight levels deep, at
//!   the deepest level;
//! - `remove_element(n, s)`: a leaf of an `n`-element grid with headroom withheld in `s`
//!   slots, each slot's entry holding every element (read, decoded and written back);
//! - `withhold(s)`: `s` slots whose entries already hold every other element of a full grid;
//! - `on_initialize(p)`: `p` past slots looked at, all settled and pruned, from a full list;
//! - `bind_meter`, `bind_res`: a record moved from one point to another.

use super::*;
use crate::Pallet as Grid;
use alloc::vec::Vec;
use energy_clearing::grid::MAX_DEPTH;
use energy_primitives::{
	ElementId, MarketClock, MarketSlot, MeterRegistry, ParticipantRegistry, ResRegistry, Roles,
};
use frame_benchmarking::v2::*;
use frame_support::{pallet_prelude::Get, traits::Hooks, BoundedBTreeMap, BoundedVec};
use frame_system::RawOrigin;

/// The slot the chain is in during the benchmarks.
const NOW_SLOT: MarketSlot = 100_000;
/// Capacity of every element, W.
const CAPACITY_W: u64 = 1_000_000;

/// An active DSO named keeper.
fn keeper<T: Config>() -> T::AccountId {
	let dso: T::AccountId = account("dso", 0, 0);
	T::Participants::ensure_participant(&dso, Roles::DSO);
	Keeper::<T>::put(&dso);
	dso
}

/// A grid of `n` elements, in place of the genesis one and its bindings: a chain from the root (id 0) down to
/// `MAX_DEPTH`, the rest hanging from the chain's second-deepest element (so at the deepest
/// level). Returns that element.
fn grid<T: Config>(n: u32) -> ElementId {
	let _ = Elements::<T>::clear(u32::MAX, None);
	let _ = Bindings::<T>::clear(u32::MAX, None);
	let _ = MeterPoints::<T>::clear(u32::MAX, None);
	let _ = ResPoints::<T>::clear(u32::MAX, None);
	let deepest_parent = MAX_DEPTH - 1;
	for id in 0..n {
		let parent = match id {
			0 => None,
			id if id <= MAX_DEPTH => Some(id - 1),
			_ => Some(deepest_parent),
		};
		Elements::<T>::insert(
			id,
			ElementInfo { parent, up_w: CAPACITY_W, down_w: CAPACITY_W, charge_per_kwh: 1 },
		);
	}
	deepest_parent
}

/// The first of `s` slots that end at the withholding horizon.
fn first_slot<T: Config>(s: u32) -> MarketSlot {
	NOW_SLOT + T::MaxSlotsAhead::get() + 1 - s
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn set_keeper() {
		let dso: T::AccountId = account("dso", 1, 0);
		T::Participants::ensure_participant(&dso, Roles::DSO);

		#[extrinsic_call]
		_(RawOrigin::Root, Some(dso.clone()));

		assert_eq!(Keeper::<T>::get(), Some(dso));
	}

	#[benchmark]
	fn set_element(n: Linear<{ MAX_DEPTH + 1 }, { T::MaxElements::get() - 1 }>) {
		let dso = keeper::<T>();
		let parent = grid::<T>(n);

		#[extrinsic_call]
		_(RawOrigin::Signed(dso), n, Some(parent), CAPACITY_W, CAPACITY_W, 1);

		assert_eq!(Elements::<T>::count(), n + 1);
	}

	#[benchmark]
	fn remove_element(
		n: Linear<{ MAX_DEPTH + 2 }, { T::MaxElements::get() }>,
		s: Linear<1, { T::MaxWithheldSlots::get() }>,
	) {
		let dso = keeper::<T>();
		grid::<T>(n);
		T::Clock::set_current_slot(NOW_SLOT);
		let leaf = n - 1;
		let first = first_slot::<T>(s);
		// Every slot's entry holds every element: each is read, decoded and written back.
		let mut entry = BoundedBTreeMap::new();
		for id in 0..n {
			assert!(entry.try_insert(id, Headroom { up_w: 0, down_w: 0 }).is_ok());
		}
		for slot in first..first + s {
			Withheld::<T>::insert(slot, entry.clone());
		}
		let slots: Vec<MarketSlot> = (first..first + s).collect();
		WithheldSlots::<T>::put(BoundedVec::truncate_from(slots));

		#[extrinsic_call]
		_(RawOrigin::Signed(dso), leaf);

		assert_eq!(Withheld::<T>::get(first).map(|entry| entry.len() as u32), Some(n - 1));
	}

	#[benchmark]
	fn withhold(s: Linear<1, { T::MaxWithheldSlots::get() }>) {
		let dso = keeper::<T>();
		let n = T::MaxElements::get();
		grid::<T>(n);
		T::Clock::set_current_slot(NOW_SLOT);
		let first = first_slot::<T>(s);
		let mut entry = BoundedBTreeMap::new();
		for id in 0..n - 1 {
			assert!(entry.try_insert(id, Headroom { up_w: 1, down_w: 1 }).is_ok());
		}
		for slot in first..first + s {
			Withheld::<T>::insert(slot, entry.clone());
		}
		let slots: Vec<MarketSlot> = (first..first + s).collect();
		WithheldSlots::<T>::put(BoundedVec::truncate_from(slots));

		#[extrinsic_call]
		_(RawOrigin::Signed(dso), n - 1, first, s, 0, 0);

		assert_eq!(Withheld::<T>::get(first).map(|entry| entry.len() as u32), Some(n));
	}

	#[benchmark]
	// From one: the list is written back whenever a slot is pruned, so the fit's base carries
	// that write (a block that prunes nothing is charged it too).
	fn on_initialize(p: Linear<1, MAX_PRUNED_PER_BLOCK>) {
		let n = T::MaxElements::get();
		grid::<T>(n);
		T::Clock::set_current_slot(NOW_SLOT);
		let mut entry = BoundedBTreeMap::new();
		for id in 0..n {
			assert!(entry.try_insert(id, Headroom { up_w: 1, down_w: 1 }).is_ok());
		}
		// `p` settled slots before now, the rest of the list ahead.
		let ahead = T::MaxWithheldSlots::get() - p;
		let slots: Vec<MarketSlot> =
			(NOW_SLOT - p..NOW_SLOT).chain(NOW_SLOT + 1..NOW_SLOT + 1 + ahead).collect();
		for slot in &slots {
			Withheld::<T>::insert(slot, entry.clone());
		}
		WithheldSlots::<T>::put(BoundedVec::truncate_from(slots));

		#[block]
		{
			Grid::<T>::on_initialize(1u32.into());
		}

		assert_eq!(WithheldSlots::<T>::get().len() as u32, ahead);
	}

	#[benchmark]
	fn bind_meter() {
		let dso = keeper::<T>();
		grid::<T>(2);
		let owner: T::AccountId = account("member", 0, 0);
		let meter = T::Meters::register_for_benchmark(&owner, None);
		// Worst case: a move from one point to another.
		assert!(Grid::<T>::move_binding::<MeterPoints<T>>(meter, Some(0)).is_ok());

		#[extrinsic_call]
		_(RawOrigin::Signed(dso), meter, Some(1));

		assert_eq!(MeterPoints::<T>::get(meter), Some(1));
	}

	#[benchmark]
	fn bind_res() {
		let dso = keeper::<T>();
		grid::<T>(2);
		let owner: T::AccountId = account("member", 0, 0);
		let res = T::Res::create_approved(&owner, 5_000);
		assert!(Grid::<T>::move_binding::<ResPoints<T>>(res, Some(0)).is_ok());

		#[extrinsic_call]
		_(RawOrigin::Signed(dso), res, Some(1));

		assert_eq!(ResPoints::<T>::get(res), Some(1));
	}

	impl_benchmark_test_suite!(Grid, crate::mock::new_test_ext(), crate::mock::Test);
}
