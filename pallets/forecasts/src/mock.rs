//! A test runtime: the forecast pallet with a settable market clock and meter registry.

use crate::{self as pallet_forecasts, crypto::ForecasterId};
use alloc::{collections::BTreeMap, vec::Vec};
use core::cell::RefCell;
use energy_primitives::{MarketClock, MarketSlot, MeterId, MeterInfo, MeterRegistry};
use frame_support::{derive_impl, parameter_types, traits::ConstU32};
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;

/// The transactions the off-chain worker builds in tests.
pub type Extrinsic = sp_runtime::testing::TestXt<RuntimeCall, frame_system::AuthorizeCall<Test>>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Forecasts: pallet_forecasts,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

/// The mock's slot length: one hour.
pub const SLOT_MS: u64 = 3_600_000;

thread_local! {
	static SLOT: RefCell<MarketSlot> = const { RefCell::new(0) };
	static METERS: RefCell<BTreeMap<MeterId, MeterInfo<u64>>> = const { RefCell::new(BTreeMap::new()) };
}

/// A market clock the tests move.
pub struct TestClock;
impl MarketClock for TestClock {
	fn current_slot() -> MarketSlot {
		SLOT.with(|slot| *slot.borrow())
	}
	fn slot_length_ms() -> u64 {
		SLOT_MS
	}
	/// The forecaster never asks: no market runs here.
	fn delivery_open(_: MarketSlot) -> bool {
		false
	}
	fn gate_closed(slot: MarketSlot) -> bool {
		slot <= Self::current_slot()
	}
	fn clearing_due() -> bool {
		false
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn set_current_slot(slot: MarketSlot) {
		set_slot(slot)
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn open_delivery(_: MarketSlot) {}
}

/// Moves the clock to `slot`.
pub fn set_slot(slot: MarketSlot) {
	SLOT.with(|current| *current.borrow_mut() = slot);
}

/// A meter registry the tests fill.
pub struct TestMeters;
impl MeterRegistry<u64> for TestMeters {
	fn meter_weight() -> frame_support::weights::Weight {
		frame_support::weights::Weight::zero()
	}
	fn meter(id: MeterId) -> Option<MeterInfo<u64>> {
		METERS.with(|meters| meters.borrow().get(&id).cloned())
	}
	fn is_active(id: MeterId) -> bool {
		METERS.with(|meters| meters.borrow().contains_key(&id))
	}
	fn active_meters() -> Vec<MeterId> {
		METERS.with(|meters| meters.borrow().keys().copied().collect())
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn register_for_benchmark(owner: &u64, res: Option<energy_primitives::ResId>) -> MeterId {
		let id = METERS.with(|meters| meters.borrow().len() as MeterId);
		add_meter(id, *owner, res);
		id
	}
}

/// Registers meter `id` of `owner`.
pub fn add_meter(id: MeterId, owner: u64, res: Option<energy_primitives::ResId>) {
	METERS.with(|meters| meters.borrow_mut().insert(id, MeterInfo { owner, res }));
}

/// Revokes meter `id`.
pub fn remove_meter(id: MeterId) {
	METERS.with(|meters| meters.borrow_mut().remove(&id));
}

parameter_types! {
	pub const ForecastHorizon: u32 = 4;
	pub const ForecastsKept: u32 = 24;
	pub const HistoryWindow: u32 = 24 * 7 * 3;
}

impl pallet_forecasts::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type ForecasterId = ForecasterId;
	type Meters = TestMeters;
	type Clock = TestClock;
	type GovernanceOrigin = frame_system::EnsureRoot<u64>;
	type MaxForecasters = ConstU32<4>;
	type MaxForecastsPerBatch = ConstU32<8>;
	type ForecastHorizon = ForecastHorizon;
	type ForecastsKept = ForecastsKept;
	type HistoryWindow = HistoryWindow;
	type UnsignedPriority = ConstU64<1_000>;
	type WeightInfo = ();
}

use frame_support::traits::ConstU64;

impl frame_system::offchain::CreateTransactionBase<crate::Call<Test>> for Test {
	type Extrinsic = Extrinsic;
	type RuntimeCall = RuntimeCall;
}

impl frame_system::offchain::CreateTransaction<crate::Call<Test>> for Test {
	type Extension = frame_system::AuthorizeCall<Test>;
	fn create_transaction(call: RuntimeCall, extension: Self::Extension) -> Extrinsic {
		Extrinsic::new_transaction(call, extension)
	}
}

impl frame_system::offchain::CreateAuthorizedTransaction<crate::Call<Test>> for Test {
	fn create_extension() -> Self::Extension {
		frame_system::AuthorizeCall::new()
	}
}

/// Test externalities with an empty meter registry and the clock at slot 0.
pub fn new_test_ext() -> sp_io::TestExternalities {
	set_slot(0);
	METERS.with(|meters| meters.borrow_mut().clear());
	let storage = frame_system::GenesisConfig::<Test>::default().build_storage().expect("genesis");
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Test externalities with an in-memory keystore (the benchmarks generate forecaster keys)
/// and off-chain storage (the forecaster's benchmarks read indexed readings), as the
/// benchmark command provides them.
#[cfg(feature = "runtime-benchmarks")]
pub fn new_bench_ext() -> sp_io::TestExternalities {
	use sp_core::offchain::{testing::TestOffchainExt, OffchainDbExt, OffchainWorkerExt};
	let mut ext = new_test_ext();
	ext.register_extension(sp_keystore::KeystoreExt(alloc::sync::Arc::new(
		sp_keystore::testing::MemoryKeystore::new(),
	)));
	let (offchain, _) = TestOffchainExt::new();
	ext.register_extension(OffchainWorkerExt::new(offchain.clone()));
	ext.register_extension(OffchainDbExt::new(offchain));
	ext
}
