//! Configuration of the community energy pallets: participants (IDgrid), RES assets, meters
//! and their readings, energy tokens and the market clock.

use frame_support::{parameter_types, traits::ConstU32, weights::Weight};
use frame_system::EnsureRoot;
use pallet_market::HourTariff;

use crate::{
	AccountId, Balances, EnergyTokens, Market, Participants, ResAssets, Runtime, RuntimeEvent,
	RuntimeHoldReason,
};

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

/// The design source's tariffs, in CEUR units (6 decimals) per kWh: retail 0.095, feed-in
/// 0.039.
pub const DEFAULT_TARIFF: HourTariff = HourTariff { retail: 95_000, feed_in: 39_000 };

parameter_types! {
	pub const DefaultTariff: HourTariff = DEFAULT_TARIFF;
	/// Routine market work (opening, settlement steps) takes at most a quarter of a block:
	/// the rest stays for readings and orders.
	pub MarketHookWeight: Weight =
		super::RuntimeBlockWeights::get().max_block.saturating_div(4);
	/// Clearing a full book may take three quarters of the block of its gate closure, once
	/// per slot.
	pub MarketClearingWeight: Weight =
		super::RuntimeBlockWeights::get().max_block.saturating_div(4).saturating_mul(3);
}

impl pallet_market::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Currency = Balances;
	type Participants = Participants;
	type Res = ResAssets;
	type Tokens = EnergyTokens;
	type GovernanceOrigin = CommunityManager;
	/// Set from the `clear(b, o)` benchmark: 100,000 orders need about 1.0 s of the 1.5 s
	/// `MaxClearingWeight` (checked by the pallet's integrity test).
	type MaxOrdersPerSlot = ConstU32<100_000>;
	type MaxOrdersPerMember = ConstU32<16>;
	type MaxHookWeight = MarketHookWeight;
	type MaxClearingWeight = MarketClearingWeight;
	/// A week of hourly summaries.
	type SummariesKept = ConstU32<168>;
	type DefaultTariff = DefaultTariff;
	type WeightInfo = pallet_market::weights::SubstrateWeight<Runtime>;
}

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
