//! Configuration of the community energy pallets: participants (IDgrid), RES assets, meters
//! and their readings, energy tokens and the market clock.

use frame_support::traits::ConstU32;
use frame_system::EnsureRoot;

use crate::{AccountId, EnergyTokens, Market, Participants, ResAssets, Runtime, RuntimeEvent};

/// The community manager's origin. Root (sudo) on dev chains; a production chain would use a
/// collective or multisig of the community here.
pub type CommunityManager = EnsureRoot<AccountId>;

impl pallet_participants::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type ManagerOrigin = CommunityManager;
	type WeightInfo = pallet_participants::weights::SubstrateWeight<Runtime>;
}

impl pallet_res_assets::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Participants = Participants;
	type ManagerOrigin = CommunityManager;
	type WeightInfo = pallet_res_assets::weights::SubstrateWeight<Runtime>;
}

impl pallet_energy_tokens::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = pallet_energy_tokens::weights::SubstrateWeight<Runtime>;
}

impl pallet_market::Config for Runtime {}

impl pallet_meters::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Participants = Participants;
	type Res = ResAssets;
	type Tokens = EnergyTokens;
	type Clock = Market;
	type ManagerOrigin = CommunityManager;
	/// A gateway's page of meters is read and written once per batch: 1,024 meters keep it
	/// around 100 KiB.
	type MaxMetersPerGateway = ConstU32<1024>;
	/// A batch of 1,024 readings is about 95 KiB and fits a block many times over.
	type MaxReadingsPerBatch = ConstU32<1024>;
	type WeightInfo = pallet_meters::weights::SubstrateWeight<Runtime>;
}
