//! Tests of the market clock.

use crate::{mock::*, GenesisConfig, SlotLength};
use energy_primitives::{MarketClock, HOUR_MS};
use sp_runtime::BuildStorage;

fn ext(slot_length_ms: Option<u64>) -> sp_io::TestExternalities {
	let mut storage =
		frame_system::GenesisConfig::<Test>::default().build_storage().expect("builds");
	GenesisConfig::<Test> { slot_length_ms, _config: Default::default() }
		.assimilate_storage(&mut storage)
		.expect("valid genesis");
	storage.into()
}

#[test]
fn slots_are_hours_by_default() {
	ext(None).execute_with(|| {
		assert_eq!(Market::slot_length_ms(), HOUR_MS);
		pallet_timestamp::Now::<Test>::put(1_795_503_920_000); // 2026-11-24 07:05:20 UTC
		assert_eq!(Market::current_slot(), 498_751);
		assert_eq!(Market::slot_start_ms(498_751), 498_751 * HOUR_MS);
	});
}

#[test]
fn genesis_sets_a_short_development_slot() {
	ext(Some(60_000)).execute_with(|| {
		assert_eq!(SlotLength::<Test>::get(), 60_000);
		pallet_timestamp::Now::<Test>::put(119_999);
		assert_eq!(Market::current_slot(), 1);
		pallet_timestamp::Now::<Test>::put(120_000);
		assert_eq!(Market::current_slot(), 2);
	});
}

#[test]
#[should_panic(expected = "market slot length below one second")]
fn genesis_refuses_sub_second_slots() {
	ext(Some(999));
}

#[test]
fn far_future_saturates_instead_of_wrapping() {
	ext(Some(1_000)).execute_with(|| {
		pallet_timestamp::Now::<Test>::put(u64::MAX);
		assert_eq!(Market::current_slot(), u32::MAX);
	});
}
