//! A mock runtime with balances, participants and the flexibility pallet; meters, forecasts
//! and the market clock are test doubles the tests set by hand. Slots are one hour; readings
//! are accepted for 3 slots after their slot.

use crate as pallet_flexibility;
use energy_primitives::{
	EnergyForecast, ForecastProvider, MarketClock, MarketSlot, MeterId, MeterInfo, MeterRegistry,
	Roles, HOUR_MS,
};
use frame_support::{derive_impl, parameter_types, traits::ConstU128};
use frame_system::EnsureRoot;
use sp_core::H256;
use sp_runtime::{BuildStorage, Perbill};
use std::collections::BTreeMap;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Participants: pallet_participants,
		Flexibility: pallet_flexibility,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountId = u64;
	type Lookup = sp_runtime::traits::IdentityLookup<u64>;
	type AccountData = pallet_balances::AccountData<u128>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = u128;
	type ExistentialDeposit = ConstU128<1>;
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
}

impl pallet_participants::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type ManagerOrigin = EnsureRoot<u64>;
	type WeightInfo = ();
}

parameter_types! {
	pub static CurrentSlot: MarketSlot = 1_000;
	pub static Meters: BTreeMap<MeterId, MeterInfo<u64>> = genesis_meters();
	pub static Forecasts: BTreeMap<(MeterId, MarketSlot), EnergyForecast> = BTreeMap::new();
	pub static MaxWatched: u32 = 16;
	pub static MaxOpen: u32 = 4;
	pub const Penalty: Perbill = Perbill::from_percent(50);
}

/// Readings are accepted for three one-hour slots after their slot.
pub const READING_WINDOW_SLOTS: u32 = 3;

impl pallet_flexibility::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Currency = Balances;
	type Participants = Participants;
	type Meters = TestMeters;
	type Forecasts = TestForecasts;
	type Clock = TestClock;
	type MaxReadingAgeMs = frame_support::traits::ConstU64<{ 3 * HOUR_MS }>;
	type MaxMetersPerRequest = frame_support::traits::ConstU32<4>;
	type MaxSlotsPerRequest = frame_support::traits::ConstU32<3>;
	type MaxOpenRequests = MaxOpen;
	type MaxCommitmentsPerMeter = frame_support::traits::ConstU32<2>;
	type MaxWatchedMeters = MaxWatched;
	type ShortfallPenalty = Penalty;
	type WeightInfo = ();
}

/// The DSO.
pub const DSO: u64 = 1;
/// A consumer with meter 10.
pub const ALICE: u64 = 2;
/// A prosumer with meter 11.
pub const BOB: u64 = 3;
/// A consumer with meter 12, suspended in some tests.
pub const CHARLIE: u64 = 4;
/// Funded, but not a participant.
pub const STRANGER: u64 = 5;
/// A DSO with almost no funds.
pub const POOR_DSO: u64 = 6;
/// Everyone's starting balance (POOR_DSO's is 10).
pub const START: u128 = 1_000_000_000;
/// Alice's meter.
pub const ALICE_METER: MeterId = 10;
/// Bob's meter.
pub const BOB_METER: MeterId = 11;
/// Charlie's meter.
pub const CHARLIE_METER: MeterId = 12;
/// A meter the registry does not know.
pub const UNKNOWN_METER: MeterId = 99;

fn genesis_meters() -> BTreeMap<MeterId, MeterInfo<u64>> {
	BTreeMap::from([
		(ALICE_METER, MeterInfo { owner: ALICE, res: None }),
		(BOB_METER, MeterInfo { owner: BOB, res: None }),
		(CHARLIE_METER, MeterInfo { owner: CHARLIE, res: None }),
	])
}

/// A meter registry over [`Meters`].
pub struct TestMeters;
impl MeterRegistry<u64> for TestMeters {
	fn meter_weight() -> frame_support::weights::Weight {
		frame_support::weights::Weight::zero()
	}
	fn meter(id: MeterId) -> Option<MeterInfo<u64>> {
		Meters::get().get(&id).cloned()
	}
	fn is_active(id: MeterId) -> bool {
		Meters::get().contains_key(&id)
	}
	fn active_meters() -> Vec<MeterId> {
		Meters::get().keys().copied().collect()
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn register_for_benchmark(owner: &u64, res: Option<energy_primitives::ResId>) -> MeterId {
		Meters::mutate(|m| {
			let id = m.keys().last().map_or(0, |last| last + 1);
			m.insert(id, MeterInfo { owner: *owner, res });
			id
		})
	}
}

/// Forecasts set with [`set_import_forecast`].
pub struct TestForecasts;
impl ForecastProvider for TestForecasts {
	fn forecast(meter: MeterId, slot: MarketSlot) -> Option<EnergyForecast> {
		Forecasts::get().get(&(meter, slot)).copied()
	}
	fn horizon() -> u32 {
		26
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn set_forecast(meter: MeterId, slot: MarketSlot, forecast: EnergyForecast) {
		Forecasts::mutate(|f| f.insert((meter, slot), forecast));
	}
}

/// Sets `meter`'s import forecast for `slot`.
pub fn set_import_forecast(meter: MeterId, slot: MarketSlot, import_wh: u64) {
	Forecasts::mutate(|f| f.insert((meter, slot), EnergyForecast { import_wh, export_wh: 0 }));
}

/// A clock the tests move with [`CurrentSlot`]; one-hour slots.
pub struct TestClock;
impl MarketClock for TestClock {
	fn current_slot() -> MarketSlot {
		CurrentSlot::get()
	}
	fn slot_length_ms() -> u64 {
		HOUR_MS
	}
	fn delivery_open(_: MarketSlot) -> bool {
		true
	}
	fn gate_closed(slot: MarketSlot) -> bool {
		slot <= Self::current_slot()
	}
	fn clearing_due() -> bool {
		false
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn set_current_slot(slot: MarketSlot) {
		CurrentSlot::set(slot)
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn open_delivery(_: MarketSlot) {}
}

/// Block 1 in slot 1,000, with forecasts of 2,000 Wh import for every meter in slots
/// 1,001–1,005 and none later.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage =
		frame_system::GenesisConfig::<Test>::default().build_storage().expect("genesis builds");
	pallet_balances::GenesisConfig::<Test> {
		balances: [DSO, ALICE, BOB, CHARLIE, STRANGER]
			.into_iter()
			.map(|who| (who, START))
			.chain([(POOR_DSO, 10)])
			.collect(),
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.expect("valid balances");
	pallet_participants::GenesisConfig::<Test> {
		participants: vec![
			(DSO, b"DSO-1".to_vec(), Roles::DSO, H256::zero()),
			(ALICE, b"CON-1".to_vec(), Roles::CONSUMER, H256::zero()),
			(BOB, b"PRO-1".to_vec(), Roles::PROSUMER, H256::zero()),
			(CHARLIE, b"CON-2".to_vec(), Roles::CONSUMER, H256::zero()),
			(POOR_DSO, b"DSO-2".to_vec(), Roles::DSO, H256::zero()),
		],
	}
	.assimilate_storage(&mut storage)
	.expect("valid participants");
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		CurrentSlot::set(1_000);
		Meters::set(genesis_meters());
		Forecasts::set(BTreeMap::new());
		MaxWatched::set(16);
		MaxOpen::set(4);
		for meter in [ALICE_METER, BOB_METER, CHARLIE_METER] {
			for slot in 1_001..=1_005 {
				set_import_forecast(meter, slot, 2_000);
			}
		}
	});
	ext
}
