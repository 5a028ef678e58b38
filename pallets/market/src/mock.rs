//! A mock runtime with balances, participants, RES assets, energy tokens and the market, for
//! the tests. One slot is one minute; auctions open 2 slots ahead, close 10 s before their
//! slot and settle 20 s after it.

use crate as pallet_market;
use crate::{AuctionSchedule, HourTariff, Side};
use core::cell::RefCell;
use energy_primitives::{
	ElementId, EnergyForecast, EnergyMinter, ForecastProvider, GridTopology, MarketSlot, MeterId,
	MeterInfo, MeterRegistry, ResId, Roles, SlotElement,
};
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU128, ConstU32, ConstU64, OnPoll},
	weights::{Weight, WeightMeter},
};
use frame_system::EnsureRoot;
use pallet_res_assets::Technology;
use sp_core::H256;
use sp_runtime::BuildStorage;
use std::collections::BTreeMap;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Timestamp: pallet_timestamp,
		Balances: pallet_balances,
		Participants: pallet_participants,
		ResAssets: pallet_res_assets,
		EnergyTokens: pallet_energy_tokens,
		Market: pallet_market,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountId = u64;
	type Lookup = sp_runtime::traits::IdentityLookup<u64>;
	type AccountData = pallet_balances::AccountData<u128>;
}

impl pallet_timestamp::Config for Test {
	type Moment = u64;
	type OnTimestampSet = ();
	type MinimumPeriod = ConstU64<1>;
	type WeightInfo = ();
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

impl pallet_res_assets::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type Participants = Participants;
	type ManagerOrigin = EnsureRoot<u64>;
	type WeightInfo = ();
}

impl pallet_energy_tokens::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type Clock = Market;
	type Time = Timestamp;
	type GovernanceOrigin = EnsureRoot<u64>;
	type DefaultExpirySlots = ConstU32<8_760>;
	type WeightInfo = ();
}

/// Retail 0.095 and feed-in 0.039 per kWh, with 6 decimals.
pub const RETAIL: u128 = 95_000;
/// See [`RETAIL`].
pub const FEED_IN: u128 = 39_000;

parameter_types! {
	pub const DefaultTariff: HourTariff = HourTariff { retail: RETAIL, feed_in: FEED_IN };
	pub static MaxOrdersPerSlot: u32 = 64;
	/// How far ahead the tests' forecasts reach: 25 slots, as the runtime's (the default
	/// schedule opens 24 ahead); tests lower it.
	pub static ForecastHorizon: u32 = 25;
	pub static HookWeight: Weight = Weight::from_parts(u64::MAX / 2, u64::MAX / 2);
	pub static ClearingWeight: Weight = Weight::from_parts(u64::MAX / 2, u64::MAX / 2);
}

impl pallet_market::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Currency = Balances;
	type Participants = Participants;
	type Res = ResAssets;
	type Tokens = EnergyTokens;
	type Meters = TestMeters;
	type Forecasts = TestForecasts;
	type Grid = TestGrid;
	type GovernanceOrigin = EnsureRoot<u64>;
	type MaxOrdersPerSlot = MaxOrdersPerSlot;
	type MaxOrdersPerMember = ConstU32<4>;
	type MaxHookWeight = HookWeight;
	type MaxClearingWeight = ClearingWeight;
	type MaxStandingOrders = ConstU32<6>;
	type MaxStandingOrdersPerMember = ConstU32<2>;
	type MinOfferDeposit = ConstU128<MIN_OFFER_DEPOSIT>;
	type StandingOrderDeposit = ConstU128<STANDING_DEPOSIT>;
	type RevealBond = ConstU128<REVEAL_BOND>;
	type MinRevealBlocks = ConstU32<3>;
	type SummariesKept = ConstU32<3>;
	type DefaultTariff = DefaultTariff;
	type WeightInfo = ();
}

/// The least an offer holds per kWh (and pays per undelivered kWh).
pub const MIN_OFFER_DEPOSIT: u128 = 5_000;

/// The fixed part of a sealed order's reveal bond.
pub const REVEAL_BOND: u128 = 50_000;

/// What a standing order holds: one unit.
pub const STANDING_DEPOSIT: u128 = 1_000_000;

/// The slot length of the tests: one minute.
pub const SLOT_MS: u64 = 60_000;
/// Prosumer with PV RES 0 (300 kW: 5,000 Wh per one-minute slot).
pub const ALICE: u64 = 1;
/// Producer with PV RES 1 (240 kW: 4,000 Wh per slot).
pub const BOB: u64 = 2;
/// Consumer.
pub const CHARLIE: u64 = 3;
/// Consumer.
pub const DAVE: u64 = 4;
/// Registered, but neither consumer nor producer.
pub const DSO: u64 = 5;
/// The utility.
pub const UTILITY: u64 = 6;
/// Not a participant.
pub const STRANGER: u64 = 7;
/// Alice's RES.
pub const ALICE_RES: u32 = 0;
/// Bob's RES.
pub const BOB_RES: u32 = 1;
/// Everyone's starting balance: 100 units of 6 decimals.
pub const START: u128 = 100_000_000;

thread_local! {
	static METERS: RefCell<BTreeMap<MeterId, MeterInfo<u64>>> = RefCell::new(genesis_meters());
	static FORECASTS: RefCell<BTreeMap<(MeterId, MarketSlot), EnergyForecast>> =
		const { RefCell::new(BTreeMap::new()) };
	static GRID: RefCell<TestGridState> = RefCell::new(TestGridState::default());
}

/// The grid the tests set with [`set_grid`], [`bind_meter`], [`bind_res`] and [`set_keeper`]:
/// empty (no grid) unless a test sets one.
#[derive(Clone, Default)]
pub struct TestGridState {
	/// The elements, parents first.
	pub elements: Vec<SlotElement>,
	/// Headroom lowered for a slot: (slot, element) → (up W, down W).
	pub withheld: BTreeMap<(MarketSlot, ElementId), (u64, u64)>,
	/// Consumption meters' points.
	pub meters: BTreeMap<MeterId, ElementId>,
	/// RES' points.
	pub res: BTreeMap<ResId, ElementId>,
	/// Who charges are paid to.
	pub keeper: Option<u64>,
}

/// A grid over [`GRID`].
pub struct TestGrid;
impl GridTopology<u64> for TestGrid {
	fn contains(point: ElementId) -> bool {
		GRID.with(|g| g.borrow().elements.iter().any(|e| e.id == point))
	}
	fn meter_point(meter: MeterId) -> Option<ElementId> {
		Self::consumption_point(meter)
	}
	fn consumption_point(meter: MeterId) -> Option<ElementId> {
		GRID.with(|g| g.borrow().meters.get(&meter).copied())
	}
	fn res_point(res: ResId) -> Option<ElementId> {
		GRID.with(|g| g.borrow().res.get(&res).copied())
	}
	fn keeper() -> Option<u64> {
		GRID.with(|g| g.borrow().keeper)
	}
	fn elements(slot: MarketSlot) -> Vec<SlotElement> {
		GRID.with(|g| {
			let g = g.borrow();
			g.elements
				.iter()
				.map(|e| match g.withheld.get(&(slot, e.id)) {
					Some(&(up, down)) => SlotElement { up_w: up, down_w: down, ..*e },
					None => *e,
				})
				.collect()
		})
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn set_grid_for_benchmark(keeper: &u64, elements: &[SlotElement]) {
		set_grid(elements.to_vec());
		set_keeper(Some(*keeper));
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn bind_meter_for_benchmark(meter: MeterId, point: ElementId) {
		bind_meter(meter, point);
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn bind_res_for_benchmark(res: ResId, point: ElementId) {
		bind_res(res, point);
	}
}

/// Replaces the tests' grid with `elements` (parents first); bindings and keeper stay.
pub fn set_grid(elements: Vec<SlotElement>) {
	GRID.with(|g| g.borrow_mut().elements = elements);
}

/// Lowers element `id`'s room in `slot` to `up_w` / `down_w`.
pub fn withhold(slot: MarketSlot, id: ElementId, up_w: u64, down_w: u64) {
	GRID.with(|g| g.borrow_mut().withheld.insert((slot, id), (up_w, down_w)));
}

/// Binds consumption meter `meter` to `point`.
pub fn bind_meter(meter: MeterId, point: ElementId) {
	GRID.with(|g| g.borrow_mut().meters.insert(meter, point));
}

/// Unbinds consumption meter `meter`: it hangs at the root.
pub fn unbind_meter(meter: MeterId) {
	GRID.with(|g| g.borrow_mut().meters.remove(&meter));
}

/// Binds RES `res` to `point`.
pub fn bind_res(res: ResId, point: ElementId) {
	GRID.with(|g| g.borrow_mut().res.insert(res, point));
}

/// Names the account charges are paid to (`None`: no active keeper).
pub fn set_keeper(keeper: Option<u64>) {
	GRID.with(|g| g.borrow_mut().keeper = keeper);
}

/// The tests' meters: 0 is ALICE's production meter of RES 0, 1 BOB's of RES 1, 2, 3 and 4
/// CHARLIE's, DAVE's and ALICE's consumption meters.
fn genesis_meters() -> BTreeMap<MeterId, MeterInfo<u64>> {
	BTreeMap::from([
		(0, MeterInfo { owner: ALICE, res: Some(0) }),
		(1, MeterInfo { owner: BOB, res: Some(1) }),
		(2, MeterInfo { owner: CHARLIE, res: None }),
		(3, MeterInfo { owner: DAVE, res: None }),
		(4, MeterInfo { owner: ALICE, res: None }),
	])
}

/// A meter the tests' registry does not hold.
pub const UNKNOWN_METER: MeterId = 99;

/// The consumption meter of `who`, where its bids are delivered ([`UNKNOWN_METER`] for those
/// without one).
pub fn meter_of(who: u64) -> MeterId {
	match who {
		CHARLIE => 2,
		DAVE => 3,
		ALICE => 4,
		_ => UNKNOWN_METER,
	}
}

/// Revokes meter `id`: the registry no longer knows it.
pub fn revoke_meter(id: MeterId) {
	METERS.with(|m| m.borrow_mut().remove(&id));
}

/// A bid of `who` at its consumption meter.
pub fn bid_at(who: u64) -> Side {
	Side::Bid { meter: meter_of(who) }
}

/// A meter registry over [`METERS`].
pub struct TestMeters;
impl MeterRegistry<u64> for TestMeters {
	fn meter_weight() -> frame_support::weights::Weight {
		frame_support::weights::Weight::zero()
	}
	fn meter(id: MeterId) -> Option<MeterInfo<u64>> {
		METERS.with(|m| m.borrow().get(&id).cloned())
	}
	fn is_active(id: MeterId) -> bool {
		METERS.with(|m| m.borrow().contains_key(&id))
	}
	fn active_meters() -> Vec<MeterId> {
		METERS.with(|m| m.borrow().keys().copied().collect())
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn register_for_benchmark(owner: &u64, res: Option<energy_primitives::ResId>) -> MeterId {
		METERS.with(|m| {
			let id = m.borrow().len() as MeterId;
			m.borrow_mut().insert(id, MeterInfo { owner: *owner, res });
			id
		})
	}
}

/// Forecasts the tests set with [`set_forecast`].
pub struct TestForecasts;
impl ForecastProvider for TestForecasts {
	fn forecast(meter: MeterId, slot: MarketSlot) -> Option<EnergyForecast> {
		FORECASTS.with(|f| f.borrow().get(&(meter, slot)).copied())
	}
	fn horizon() -> u32 {
		ForecastHorizon::get()
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn set_forecast(meter: MeterId, slot: MarketSlot, forecast: EnergyForecast) {
		set_forecast(meter, slot, forecast);
	}
}

/// Sets the forecast of `meter` for `slot`.
pub fn set_forecast(meter: MeterId, slot: MarketSlot, forecast: EnergyForecast) {
	FORECASTS.with(|f| f.borrow_mut().insert((meter, slot), forecast));
}

/// The test schedule.
pub fn schedule() -> AuctionSchedule {
	AuctionSchedule { open_slots_ahead: 2, gate_closure_ms: 10_000, settlement_delay_ms: 20_000 }
}

/// The community at genesis, the chain at block 1 at the start of slot 1,000 (no auction
/// opened yet).
pub fn new_test_ext() -> sp_io::TestExternalities {
	FORECASTS.with(|f| f.borrow_mut().clear());
	METERS.with(|m| *m.borrow_mut() = genesis_meters());
	GRID.with(|g| *g.borrow_mut() = TestGridState::default());
	let mut storage = frame_system::GenesisConfig::<Test>::default()
		.build_storage()
		.expect("mock genesis builds");
	pallet_balances::GenesisConfig::<Test> {
		balances: (1..=7).map(|who| (who, START)).collect(),
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.expect("valid balances");
	pallet_participants::GenesisConfig::<Test> {
		participants: vec![
			(ALICE, b"ALICE".to_vec(), Roles::PROSUMER, H256::zero()),
			(BOB, b"BOB".to_vec(), Roles::PRODUCER, H256::zero()),
			(CHARLIE, b"CHARLIE".to_vec(), Roles::CONSUMER, H256::zero()),
			(DAVE, b"DAVE".to_vec(), Roles::CONSUMER, H256::zero()),
			(DSO, b"DSO".to_vec(), Roles::DSO, H256::zero()),
			(UTILITY, b"UTILITY".to_vec(), Roles::UTILITY, H256::zero()),
		],
	}
	.assimilate_storage(&mut storage)
	.expect("valid participants");
	pallet_res_assets::GenesisConfig::<Test> {
		assets: vec![
			(ALICE, Technology::Solar, 300_000, b"LV-1".to_vec()),
			(BOB, Technology::Solar, 240_000, b"LV-2".to_vec()),
		],
	}
	.assimilate_storage(&mut storage)
	.expect("valid assets");
	pallet_market::GenesisConfig::<Test> {
		slot_length_ms: Some(SLOT_MS),
		schedule: Some(schedule()),
		rule: Default::default(),
		tariffs: None,
		utility: Some(UTILITY),
		standing_orders: vec![],
		mode: None,
	}
	.assimilate_storage(&mut storage)
	.expect("valid market");
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		pallet_timestamp::Now::<Test>::put(1_000 * SLOT_MS);
	});
	ext
}

/// The first slot of the tests.
pub const FIRST_SLOT: MarketSlot = 1_000;

/// Moves the chain to unix time `ms` in a new block and runs the market's hook.
pub fn run_to_ms(ms: u64) {
	let next = System::block_number() + 1;
	System::set_block_number(next);
	pallet_timestamp::Now::<Test>::put(ms);
	let mut meter = WeightMeter::new();
	<Market as OnPoll<u64>>::on_poll(next, &mut meter);
}

/// Runs the hook 1 ms into the first slot: the auctions of the next two slots open.
pub fn open_first_auctions() {
	run_to_ms(FIRST_SLOT as u64 * SLOT_MS + 1);
}

/// Mints `wh` tokens of `res` in `slot` to its owner, as an accepted production reading would.
pub fn attest(owner: u64, res: u32, slot: MarketSlot, wh: u64) {
	EnergyTokens::mint(&owner, res, slot, wh, u64::MAX).expect("mint in tests");
}

/// The free balance of `who`.
pub fn free(who: u64) -> u128 {
	pallet_balances::Pallet::<Test>::free_balance(who)
}

/// The market events, newest last.
pub fn market_events() -> Vec<crate::Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Market(event) => Some(event),
			_ => None,
		})
		.collect()
}
