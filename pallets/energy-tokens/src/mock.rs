//! A mock runtime with the token ledger, for the tests: a market clock whose current slot the
//! tests set (one-hour slots, wall-clock time at the slot's start).

use crate as pallet_energy_tokens;
use core::cell::Cell;
use energy_primitives::{MarketClock, MarketSlot};
use frame_support::{
	derive_impl,
	traits::{ConstU32, ConstU64, UnixTime},
};
use frame_system::EnsureRoot;
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		EnergyTokens: pallet_energy_tokens,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountId = u64;
	type Lookup = sp_runtime::traits::IdentityLookup<u64>;
	type BlockHashCount = ConstU64<250>;
}

/// One hour, the mock's slot length.
pub const SLOT_MS: u64 = 3_600_000;

/// The mock's default expiry period: a week of hourly slots.
pub const EXPIRY_SLOTS: u32 = 168;

std::thread_local! {
	static CURRENT_SLOT: Cell<MarketSlot> = const { Cell::new(0) };
}

/// The mock's market clock.
pub struct Clock;

impl Clock {
	/// Moves the clock to the start of `slot`.
	pub fn set(slot: MarketSlot) {
		CURRENT_SLOT.with(|current| current.set(slot));
	}
}

impl MarketClock for Clock {
	fn current_slot() -> MarketSlot {
		CURRENT_SLOT.with(|current| current.get())
	}
	fn slot_length_ms() -> u64 {
		SLOT_MS
	}
	fn delivery_open(slot: MarketSlot) -> bool {
		slot >= Self::current_slot()
	}
	fn gate_closed(slot: MarketSlot) -> bool {
		slot <= Self::current_slot()
	}
	fn clearing_due() -> bool {
		false
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn set_current_slot(slot: MarketSlot) {
		Self::set(slot)
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn open_delivery(_: MarketSlot) {}
}

/// Wall-clock time: the start of the clock's current slot.
pub struct Time;

impl UnixTime for Time {
	fn now() -> core::time::Duration {
		core::time::Duration::from_millis(Clock::current_slot() as u64 * SLOT_MS)
	}
}

impl pallet_energy_tokens::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type Clock = Clock;
	type Time = Time;
	type GovernanceOrigin = EnsureRoot<u64>;
	type DefaultExpirySlots = ConstU32<EXPIRY_SLOTS>;
	type WeightInfo = ();
}

/// An empty ledger at block 1, the clock at slot 100.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let storage = frame_system::GenesisConfig::<Test>::default()
		.build_storage()
		.expect("mock genesis builds");
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		Clock::set(100);
	});
	ext
}
