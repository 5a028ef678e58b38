//! A mock runtime with participants and the grid pallet; the market clock is a test double
//! the tests move by hand. A two-feeder grid: the substation (root, 1), its transformer (2),
//! feeders 10 and 20, and connection points 11, 12 on feeder 10 and 21 on feeder 20.

use crate as pallet_grid;
use crate::ElementInfo;
use energy_primitives::{
	ElementId, MarketClock, MarketSlot, MeterId, MeterInfo, MeterRegistry, ResId, ResProfile,
	ResRegistry, Roles, HOUR_MS,
};
use frame_support::{derive_impl, parameter_types, traits::ConstU32};
use frame_system::EnsureRoot;
use sp_core::H256;
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Participants: pallet_participants,
		Grid: pallet_grid,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountId = u64;
	type Lookup = sp_runtime::traits::IdentityLookup<u64>;
}

impl pallet_participants::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type ManagerOrigin = EnsureRoot<u64>;
	type WeightInfo = ();
}

parameter_types! {
	pub static CurrentSlot: MarketSlot = 1_000;
	/// Slots up to this one are past gate closure.
	pub static GateClosedThrough: MarketSlot = 1_000;
	/// Slots up to this one have begun settlement.
	pub static SettledThrough: MarketSlot = 999;
	/// The active meters.
	pub static ActiveMeters: Vec<MeterId> = genesis_meters();
	/// The registered RES.
	pub static RegisteredRes: Vec<ResId> = vec![RES, DSO_RES];
	/// Whether an auction past its gate waits for its clearing.
	pub static ClearingDue: bool = false;
	/// Slots still delivering whatever [`SettledThrough`] says (a deferred settlement).
	pub static TestDelivering: Vec<MarketSlot> = vec![];
}

/// A production meter of Alice's, measuring [`RES`].
pub const PRODUCTION_METER: MeterId = 8;
/// A consumption meter of the DSO's own.
pub const DSO_METER: MeterId = 9;
/// A RES of the DSO's own.
pub const DSO_RES: ResId = 10;

fn genesis_meters() -> Vec<MeterId> {
	vec![METER, OTHER_METER, PRODUCTION_METER, DSO_METER]
}

/// Alice's consumption meter.
pub const METER: MeterId = 5;
/// Another consumption meter of Alice's.
pub const OTHER_METER: MeterId = 6;
/// A RES of Alice's.
pub const RES: ResId = 7;

/// A meter registry over [`ActiveMeters`].
pub struct TestMeters;
impl MeterRegistry<u64> for TestMeters {
	fn meter_weight() -> frame_support::weights::Weight {
		frame_support::weights::Weight::zero()
	}
	fn meter(id: MeterId) -> Option<MeterInfo<u64>> {
		Self::is_active(id).then_some(match id {
			PRODUCTION_METER => MeterInfo { owner: ALICE, res: Some(RES) },
			DSO_METER => MeterInfo { owner: DSO, res: None },
			_ => MeterInfo { owner: ALICE, res: None },
		})
	}
	fn is_active(id: MeterId) -> bool {
		ActiveMeters::get().contains(&id)
	}
	fn active_meters() -> Vec<MeterId> {
		ActiveMeters::get()
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn register_for_benchmark(_: &u64, _: Option<ResId>) -> MeterId {
		ActiveMeters::mutate(|meters| {
			let id = meters.iter().max().map_or(0, |last| last + 1);
			meters.push(id);
			id
		})
	}
}

/// A RES registry over [`RegisteredRes`].
pub struct TestRes;
impl ResRegistry<u64> for TestRes {
	fn profile(id: ResId) -> Option<ResProfile<u64>> {
		RegisteredRes::get().contains(&id).then_some(ResProfile {
			owner: if id == DSO_RES { DSO } else { ALICE },
			nameplate_w: 5_000,
			may_produce: true,
		})
	}
	fn all() -> Vec<ResId> {
		let mut ids = RegisteredRes::get();
		ids.sort();
		ids
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn create_approved(_: &u64, _: u64) -> ResId {
		RegisteredRes::mutate(|res| {
			let id = res.iter().max().map_or(0, |last| last + 1);
			res.push(id);
			id
		})
	}
}

impl pallet_grid::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type AdminOrigin = EnsureRoot<u64>;
	type Participants = Participants;
	type Clock = TestClock;
	type Meters = TestMeters;
	type Res = TestRes;
	type MaxElements = ConstU32<16>;
	type MaxSlotsAhead = ConstU32<48>;
	type MaxWithheldSlots = ConstU32<8>;
	type WeightInfo = ();
}

/// The DSO that keeps the grid.
pub const DSO: u64 = 1;
/// Another DSO, not the keeper.
pub const OTHER_DSO: u64 = 2;
/// A consumer.
pub const ALICE: u64 = 3;
/// Not a participant.
pub const STRANGER: u64 = 4;

/// The substation.
pub const ROOT: ElementId = 1;
/// The transformer under it.
pub const TRANSFORMER: ElementId = 2;
/// Feeder A.
pub const FEEDER_A: ElementId = 10;
/// Feeder B.
pub const FEEDER_B: ElementId = 20;
/// Connection points on feeder A.
pub const POINT_A1: ElementId = 11;
/// Connection points on feeder A.
pub const POINT_A2: ElementId = 12;
/// The connection point on feeder B.
pub const POINT_B1: ElementId = 21;

/// An element of the genesis grid: `capacity_w` each way, `charge` per kWh.
pub fn element(parent: Option<ElementId>, capacity_w: u64, charge: u128) -> ElementInfo {
	ElementInfo { parent, up_w: capacity_w, down_w: capacity_w, charge_per_kwh: charge }
}

/// The genesis grid.
pub fn two_feeders() -> Vec<(ElementId, ElementInfo)> {
	vec![
		(ROOT, element(None, 1_000_000, 0)),
		(TRANSFORMER, element(Some(ROOT), 400_000, 20)),
		(FEEDER_A, element(Some(TRANSFORMER), 100_000, 10)),
		(FEEDER_B, element(Some(TRANSFORMER), 100_000, 10)),
		(POINT_A1, element(Some(FEEDER_A), 30_000, 1)),
		(POINT_A2, element(Some(FEEDER_A), 30_000, 1)),
		(POINT_B1, element(Some(FEEDER_B), 30_000, 1)),
	]
}

/// A clock the tests move with [`CurrentSlot`], [`GateClosedThrough`] and [`SettledThrough`];
/// one-hour slots.
pub struct TestClock;
impl MarketClock for TestClock {
	fn current_slot() -> MarketSlot {
		CurrentSlot::get()
	}
	fn slot_length_ms() -> u64 {
		HOUR_MS
	}
	fn delivery_open(slot: MarketSlot) -> bool {
		slot > SettledThrough::get() || TestDelivering::get().contains(&slot)
	}
	fn gate_closed(slot: MarketSlot) -> bool {
		slot <= GateClosedThrough::get()
	}
	fn clearing_due() -> bool {
		ClearingDue::get()
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn set_current_slot(slot: MarketSlot) {
		CurrentSlot::set(slot);
		GateClosedThrough::set(slot);
		SettledThrough::set(slot.saturating_sub(1));
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn open_delivery(_: MarketSlot) {}
}

/// Moves the clock to `slot`: its gate and the ones before are closed, the slots before it
/// are settling.
pub fn go_to_slot(slot: MarketSlot) {
	CurrentSlot::set(slot);
	GateClosedThrough::set(slot);
	SettledThrough::set(slot - 1);
}

/// Block 1 in slot 1,000, with the two-feeder grid kept by [`DSO`] and [`OTHER_METER`] bound
/// to [`POINT_B1`].
pub fn new_test_ext() -> sp_io::TestExternalities {
	ActiveMeters::set(genesis_meters());
	RegisteredRes::set(vec![RES, DSO_RES]);
	ClearingDue::set(false);
	TestDelivering::set(vec![]);
	let mut storage =
		frame_system::GenesisConfig::<Test>::default().build_storage().expect("genesis builds");
	pallet_participants::GenesisConfig::<Test> {
		participants: vec![
			(DSO, b"DSO-1".to_vec(), Roles::DSO, H256::zero()),
			(OTHER_DSO, b"DSO-2".to_vec(), Roles::DSO, H256::zero()),
			(ALICE, b"CON-1".to_vec(), Roles::CONSUMER, H256::zero()),
		],
	}
	.assimilate_storage(&mut storage)
	.expect("valid participants");
	pallet_grid::GenesisConfig::<Test> {
		keeper: Some(DSO),
		elements: two_feeders(),
		meters: vec![(OTHER_METER, POINT_B1)],
		res: vec![],
	}
	.assimilate_storage(&mut storage)
	.expect("a radial grid");
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		go_to_slot(1_000);
	});
	ext
}
