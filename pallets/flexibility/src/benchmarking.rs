//! Benchmarks of the flexibility pallet (frame-benchmarking v2), each in its worst case:
//!
//! - `post_request(m, s)`: `m` meters with forecasts for all `s` slots, one baseline each;
//! - `accept(s)`: a new meter entering a watched set one short of full, at its front;
//! - `settle(c, s)`: `c` commitments, every slot metered at half the commitment, so each pays,
//!   draws a penalty and releases a bond;
//! - `watched_meters`: a full watched set;
//! - `on_import`: one reading covering every slot of `MaxCommitmentsPerMeter` commitments.

use super::*;
use crate::Pallet as Flexibility;
use alloc::vec::Vec;
use energy_primitives::{
	EnergyForecast, ForecastProvider, ImportObserver, MarketClock, MarketSlot, MeterId,
	MeterRegistry, ParticipantRegistry, Roles,
};
use frame_benchmarking::v2::*;
use frame_support::{pallet_prelude::Get, traits::fungible::Mutate, BoundedVec};
use frame_system::RawOrigin;

/// The slot the chain is in during the benchmarks.
const NOW_SLOT: MarketSlot = 1_000;
/// The first slot of the benchmarked requests.
const FIRST: MarketSlot = NOW_SLOT + 1;
/// The import forecast of every meter and slot, Wh.
const BASELINE_WH: u64 = 10_000;
/// The price per Wh.
const PRICE: Amount = 1_000;

fn funded<T: Config>(name: &'static str, i: u32, roles: Roles) -> T::AccountId {
	let who: T::AccountId = account(name, i, 0);
	T::Participants::ensure_participant(&who, roles);
	T::Currency::set_balance(&who, 1_000_000_000_000_000_000);
	who
}

/// `m` meters of their own members, each forecast for the `s` slots from `first`.
fn meters<T: Config>(m: u32, first: MarketSlot, s: u32) -> Vec<(MeterId, T::AccountId)> {
	(0..m)
		.map(|i| {
			let member = funded::<T>("member", i, Roles::CONSUMER);
			let meter = T::Meters::register_for_benchmark(&member, None);
			for slot in first..first + s {
				T::Forecasts::set_forecast(
					meter,
					slot,
					EnergyForecast { import_wh: BASELINE_WH, export_wh: 0 },
				);
			}
			(meter, member)
		})
		.collect()
}

/// A request of `dso` naming `meters` over `s` slots from `first`, wanting what they can all
/// commit; returns its id.
fn request<T: Config>(
	dso: &T::AccountId,
	meters: &[(MeterId, T::AccountId)],
	first: MarketSlot,
	s: u32,
) -> RequestId {
	let id = NextRequestId::<T>::get();
	let mut ids: Vec<MeterId> = meters.iter().map(|(meter, _)| *meter).collect();
	ids.sort();
	let wanted = BASELINE_WH * meters.len() as u64;
	let ids = BoundedVec::truncate_from(ids);
	assert!(Flexibility::<T>::do_post_request(dso.clone(), first, s, ids, wanted, PRICE).is_ok());
	id
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn post_request(
		m: Linear<1, { T::MaxMetersPerRequest::get() }>,
		s: Linear<1, { T::MaxSlotsPerRequest::get() }>,
	) {
		T::Clock::set_current_slot(NOW_SLOT);
		let dso = funded::<T>("dso", 0, Roles::DSO);
		let mut ids: Vec<MeterId> =
			meters::<T>(m, FIRST, s).into_iter().map(|(id, _)| id).collect();
		ids.sort();
		let ids = BoundedVec::truncate_from(ids);

		#[extrinsic_call]
		_(RawOrigin::Signed(dso), FIRST, s, ids, BASELINE_WH, PRICE);

		assert_eq!(Requests::<T>::count(), 1);
	}

	#[benchmark]
	fn cancel_request(m: Linear<1, { T::MaxMetersPerRequest::get() }>) {
		T::Clock::set_current_slot(NOW_SLOT);
		let dso = funded::<T>("dso", 0, Roles::DSO);
		let id = request::<T>(&dso, &meters::<T>(m, FIRST, 1), FIRST, 1);

		#[extrinsic_call]
		_(RawOrigin::Signed(dso), id);

		assert_eq!(Requests::<T>::count(), 0);
	}

	#[benchmark]
	fn accept(s: Linear<1, { T::MaxSlotsPerRequest::get() }>) {
		T::Clock::set_current_slot(NOW_SLOT);
		let dso = funded::<T>("dso", 0, Roles::DSO);
		let named = meters::<T>(1, FIRST, s);
		let (meter, member) = named[0].clone();
		let id = request::<T>(&dso, &named, FIRST, s);
		// Others watched, all after this meter: it goes in at the front of a set one short of
		// full.
		let others = (1..T::MaxWatchedMeters::get()).map(|i| meter.saturating_add(i)).collect();
		WatchedMeters::<T>::put(BoundedVec::truncate_from(others));

		#[extrinsic_call]
		_(RawOrigin::Signed(member), id, meter, BASELINE_WH);

		assert!(Commitments::<T>::contains_key(id, meter));
	}

	#[benchmark]
	fn settle(
		c: Linear<1, { T::MaxMetersPerRequest::get() }>,
		s: Linear<1, { T::MaxSlotsPerRequest::get() }>,
	) {
		T::Clock::set_current_slot(NOW_SLOT);
		let dso = funded::<T>("dso", 0, Roles::DSO);
		let named = meters::<T>(c, FIRST, s);
		let id = request::<T>(&dso, &named, FIRST, s);
		for (meter, member) in &named {
			assert!(Flexibility::<T>::do_accept(member.clone(), id, *meter, BASELINE_WH).is_ok());
		}
		let last = FIRST + s - 1;
		T::Clock::set_current_slot(last + 1);
		for (meter, _) in &named {
			for slot in FIRST..=last {
				// Half the commitment delivered: a payment and a penalty.
				Flexibility::<T>::on_import(*meter, slot, slot, BASELINE_WH / 2);
			}
		}
		let caller = funded::<T>("caller", 0, Roles::CONSUMER);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), id);

		assert_eq!(Requests::<T>::count(), 0);
	}

	#[benchmark]
	fn watched_meters() {
		let full = (0..T::MaxWatchedMeters::get()).collect();
		WatchedMeters::<T>::put(BoundedVec::truncate_from(full));
		let watched;

		#[block]
		{
			watched = Flexibility::<T>::watched();
		}

		assert_eq!(watched.len() as u32, T::MaxWatchedMeters::get());
	}

	#[benchmark]
	fn on_import() {
		T::Clock::set_current_slot(NOW_SLOT);
		let dso = funded::<T>("dso", 0, Roles::DSO);
		let slots = T::MaxSlotsPerRequest::get();
		let commitments = T::MaxCommitmentsPerMeter::get();
		let named = meters::<T>(1, FIRST, slots * commitments);
		let (meter, member) = named[0].clone();
		for k in 0..commitments {
			let id = request::<T>(&dso, &named, FIRST + k * slots, slots);
			assert!(Flexibility::<T>::do_accept(member.clone(), id, meter, BASELINE_WH).is_ok());
		}
		let last = FIRST + commitments * slots - 1;

		#[block]
		{
			Flexibility::<T>::on_import(meter, FIRST, last, BASELINE_WH);
		}

		let first = Commitments::<T>::iter_prefix_values(0).next().map(|c| c.metering[0]);
		assert_eq!(first, Some(SlotMetering::Unmeasurable));
	}

	impl_benchmark_test_suite!(Flexibility, crate::mock::new_test_ext(), crate::mock::Test);
}
