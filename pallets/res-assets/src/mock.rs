//! A mock runtime with the participant registry and the RES registry, for the tests.

use crate as pallet_res_assets;
use energy_primitives::Roles;
use frame_support::{derive_impl, traits::ConstU64};
use frame_system::EnsureRoot;
use sp_core::H256;
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Participants: pallet_participants,
		ResAssets: pallet_res_assets,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountId = u64;
	type Lookup = sp_runtime::traits::IdentityLookup<u64>;
	type BlockHashCount = ConstU64<250>;
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

/// A prosumer.
pub const PRODUCER: u64 = 1;
/// A consumer (not a producer).
pub const CONSUMER: u64 = 2;
/// The distribution system operator.
pub const DSO: u64 = 3;
/// Another producer.
pub const OTHER_PRODUCER: u64 = 4;

/// Block 1 with a producer, a consumer, a DSO and another producer registered.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default()
		.build_storage()
		.expect("mock genesis builds");
	pallet_participants::GenesisConfig::<Test> {
		participants: vec![
			(PRODUCER, b"PROD-1".to_vec(), Roles::PROSUMER, H256::zero()),
			(CONSUMER, b"CONS-1".to_vec(), Roles::CONSUMER, H256::zero()),
			(DSO, b"DSO-1".to_vec(), Roles::DSO, H256::zero()),
			(OTHER_PRODUCER, b"PROD-2".to_vec(), Roles::PRODUCER, H256::zero()),
		],
	}
	.assimilate_storage(&mut storage)
	.expect("valid participants");
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}
