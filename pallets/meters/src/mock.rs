//! A mock runtime with the participant registry, the RES registry, the token ledger and the
//! meters, plus a settable market clock, for the tests.

use crate as pallet_meters;
use energy_primitives::{
	ImportObserver, MarketClock, MarketSlot, MeterId, MeterPublicKey, MeterReading, MeterSignature,
	Roles, SignedReading, Wh, HOUR_MS,
};
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU32, ConstU64},
	weights::Weight,
};
use frame_system::EnsureRoot;
use sp_core::{ed25519, sr25519, Pair, H256};
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Participants: pallet_participants,
		ResAssets: pallet_res_assets,
		EnergyTokens: pallet_energy_tokens,
		Meters: pallet_meters,
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

impl pallet_res_assets::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type Participants = Participants;
	type ManagerOrigin = EnsureRoot<u64>;
	type WeightInfo = ();
}

impl pallet_energy_tokens::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type Clock = MockClock;
	type Time = MockTime;
	type GovernanceOrigin = EnsureRoot<u64>;
	type DefaultExpirySlots = ConstU32<8_760>;
	type WeightInfo = ();
}

/// Wall-clock time: the start of the mock clock's current slot.
pub struct MockTime;
impl frame_support::traits::UnixTime for MockTime {
	fn now() -> core::time::Duration {
		core::time::Duration::from_millis(CurrentSlot::get() as u64 * HOUR_MS)
	}
}

parameter_types! {
	/// The slot the mock chain is in.
	pub static CurrentSlot: MarketSlot = 1_000;
	/// Slots from this one on are open for delivery (their auctions have not begun settling);
	/// earlier ones are settled.
	pub static DeliveryOpenFrom: MarketSlot = 0;
}

/// A market clock the tests move by hand; slots are one hour.
pub struct MockClock;
impl MarketClock for MockClock {
	fn current_slot() -> MarketSlot {
		CurrentSlot::get()
	}
	fn slot_length_ms() -> u64 {
		HOUR_MS
	}
	fn delivery_open(slot: MarketSlot) -> bool {
		slot >= DeliveryOpenFrom::get()
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
	fn open_delivery(slot: MarketSlot) {
		DeliveryOpenFrom::set(DeliveryOpenFrom::get().min(slot))
	}
}

parameter_types! {
	/// The meters [`TestImports`] watches, ascending.
	pub static Watched: Vec<MeterId> = Vec::new();
	/// What [`TestImports`] was told: `(meter, first, last, import_wh)`.
	pub static Reported: Vec<(MeterId, MarketSlot, MarketSlot, Wh)> = Vec::new();
}

/// An import observer that watches [`Watched`] and records each report in [`Reported`].
pub struct TestImports;
impl ImportObserver for TestImports {
	fn watched() -> Vec<MeterId> {
		Watched::get()
	}
	fn on_import(meter: MeterId, first: MarketSlot, last: MarketSlot, import_wh: Wh) {
		Reported::mutate(|r| r.push((meter, first, last, import_wh)));
	}
	fn watched_weight() -> Weight {
		Weight::from_parts(1_000, 0)
	}
	fn on_import_weight() -> Weight {
		Weight::from_parts(10_000, 0)
	}
}

/// Readings are accepted for three days after their slot ended (72 one-hour slots: the
/// benchmarks' batch of 64 consecutive readings of one meter fits).
pub const MAX_READING_AGE_MS: u64 = 72 * HOUR_MS;

impl pallet_meters::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type Participants = Participants;
	type Res = ResAssets;
	type Tokens = EnergyTokens;
	type Clock = MockClock;
	type ManagerOrigin = EnsureRoot<u64>;
	type MaxMetersPerGateway = ConstU32<64>;
	type MaxReadingsPerBatch = ConstU32<64>;
	type Imports = TestImports;
	type Consumption = EnergyTokens;
	type MaxReadingAgeMs = ConstU64<MAX_READING_AGE_MS>;
	type MaxCertifiedSlotsPerReading = ConstU32<2>;
	type WeightInfo = ();
}

/// A prosumer with an approved 5 kW PV (RES 0).
pub const PROSUMER: u64 = 1;
/// A consumer.
pub const CONSUMER: u64 = 2;
/// The DSO.
pub const DSO: u64 = 3;
/// A producer whose 3 kW PV (RES 1) is still pending approval.
pub const PENDING_PRODUCER: u64 = 4;
/// The gateway the tests submit from.
pub const GATEWAY: u64 = 10;
/// Another registered gateway.
pub const OTHER_GATEWAY: u64 = 11;
/// The approved RES of `PROSUMER`: 5,000 W.
pub const APPROVED_RES: u32 = 0;
/// The pending RES of `PENDING_PRODUCER`: 3,000 W.
pub const PENDING_RES: u32 = 1;

/// The sr25519 key of test meter `n`.
pub fn sr_pair(n: u32) -> sr25519::Pair {
	sr25519::Pair::from_string(&format!("//meter//{n}"), None).expect("valid derivation")
}

/// The ed25519 key of test meter `n`.
pub fn ed_pair(n: u32) -> ed25519::Pair {
	ed25519::Pair::from_string(&format!("//meter//{n}"), None).expect("valid derivation")
}

/// The public key of `pair` as a meter key.
pub fn sr_key(pair: &sr25519::Pair) -> MeterPublicKey {
	MeterPublicKey::Sr25519(pair.public())
}

/// The public key of `pair` as a meter key.
pub fn ed_key(pair: &ed25519::Pair) -> MeterPublicKey {
	MeterPublicKey::Ed25519(pair.public())
}

/// The mock chain's genesis hash, as meters sign it.
pub fn genesis_hash() -> H256 {
	System::block_hash(0)
}

/// A reading signed with `pair` (sr25519) for this chain.
pub fn signed_sr(pair: &sr25519::Pair, reading: MeterReading) -> SignedReading {
	let signature = pair.sign(&reading.signing_payload(&genesis_hash()));
	SignedReading { reading, signature: MeterSignature::Sr25519(signature) }
}

/// A reading signed with `pair` (ed25519) for this chain.
pub fn signed_ed(pair: &ed25519::Pair, reading: MeterReading) -> SignedReading {
	let signature = pair.sign(&reading.signing_payload(&genesis_hash()));
	SignedReading { reading, signature: MeterSignature::Ed25519(signature) }
}

/// Block 1 in slot 1,000 (every slot open for delivery) with participants, an approved and a pending RES, and two gateways.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage =
		frame_system::GenesisConfig::<Test>::default().build_storage().expect("genesis builds");
	pallet_participants::GenesisConfig::<Test> {
		participants: vec![
			(PROSUMER, b"PRO-1".to_vec(), Roles::PROSUMER, H256::zero()),
			(CONSUMER, b"CON-1".to_vec(), Roles::CONSUMER, H256::zero()),
			(DSO, b"DSO-1".to_vec(), Roles::DSO, H256::zero()),
			(PENDING_PRODUCER, b"PRO-2".to_vec(), Roles::PRODUCER, H256::zero()),
		],
	}
	.assimilate_storage(&mut storage)
	.expect("valid participants");
	pallet_res_assets::GenesisConfig::<Test> {
		assets: vec![(PROSUMER, pallet_res_assets::Technology::Solar, 5_000, b"LV-1".to_vec())],
	}
	.assimilate_storage(&mut storage)
	.expect("valid assets");
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.register_extension(sp_keystore::KeystoreExt::new(
		sp_keystore::testing::MemoryKeystore::new(),
	));
	ext.execute_with(|| {
		System::set_block_number(1);
		CurrentSlot::set(1_000);
		Watched::set(Vec::new());
		Reported::set(Vec::new());
		DeliveryOpenFrom::set(0);
		frame_support::assert_ok!(ResAssets::register(
			RuntimeOrigin::signed(PENDING_PRODUCER),
			pallet_res_assets::Technology::Solar,
			3_000,
			b"LV-2".to_vec().try_into().expect("fits"),
		));
		frame_support::assert_ok!(Meters::register_gateway(RuntimeOrigin::root(), GATEWAY));
		frame_support::assert_ok!(Meters::register_gateway(RuntimeOrigin::root(), OTHER_GATEWAY));
	});
	ext
}
