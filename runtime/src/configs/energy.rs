//! Configuration of the community energy pallets: participants (IDgrid), RES assets, meters
//! and their readings, energy tokens and the market clock.

use frame_support::{
	parameter_types,
	traits::{ConstU128, ConstU32, ConstU64},
	weights::Weight,
};
use pallet_market::HourTariff;

use super::CommunityManager;
use crate::{
	Balances, EnergyTokens, Flexibility, Forecasts, Market, Meters, Participants, ResAssets,
	Runtime, RuntimeCall, RuntimeEvent, RuntimeHoldReason, Timestamp, TxExtension,
	UncheckedExtrinsic,
};

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
	type Clock = Market;
	type Time = Timestamp;
	/// The community manager (the council on the production chain) sets the issuing body and
	/// the expiry period and withdraws certificates.
	type GovernanceOrigin = CommunityManager;
	/// A year of hourly slots, the usual validity of guarantees of origin (EECS: 12 months).
	type DefaultExpirySlots = ConstU32<8_760>;
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

/// The most orders a member may have in one slot.
const MAX_ORDERS_PER_MEMBER: u32 = 16;
// Each order's trade with one offer delivers one range of the offer's certificate, and each
// status change splits at most one: a buyer's pieces of a certificate stay within the bound.
const _: () = assert!(2 * MAX_ORDERS_PER_MEMBER + 8 <= pallet_energy_tokens::MAX_PIECES);

/// The most elements the DSO's grid may have.
const GRID_MAX_ELEMENTS: u32 = 256;
// The market's clearing weight is measured on a grid of this size: no bigger grid is allowed.
const _: () = assert!(GRID_MAX_ELEMENTS <= pallet_market::CLEAR_BENCHMARK_GRID_ELEMENTS);

impl pallet_market::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Currency = Balances;
	type Participants = Participants;
	type Res = ResAssets;
	type Tokens = EnergyTokens;
	type Meters = Meters;
	type Forecasts = Forecasts;
	type Grid = crate::Grid;
	type GovernanceOrigin = CommunityManager;
	/// Set from the `clear(n)` benchmark (on the costliest grid the runtime admits: 256
	/// elements 8 levels deep, nodal prices) and the measured database weights: a full book of
	/// 25,000 orders is charged 1.29 s of the 1.5 s `MaxClearingWeight` (97 ms + 47.7 µs an
	/// order, of which 28.3 µs is two reads: the order and its meter's or RES's point; checked
	/// by the pallet's integrity test). The linear fit under-charges mid-sized books (25,000
	/// orders measured ≈ 0.61 s of execution against the fit's 0.57 s), and other grid shapes
	/// may be up to a fifth slower for the merit-order rules (docs/grid.md): with both, the
	/// full book takes about 1.45 s, within the budget. 57,000 before the book cleared on the
	/// grid.
	type MaxOrdersPerSlot = ConstU32<25_000>;
	type MaxOrdersPerMember = ConstU32<MAX_ORDERS_PER_MEMBER>;
	type MaxHookWeight = MarketHookWeight;
	type MaxClearingWeight = MarketClearingWeight;
	/// Every auction's opening places them all (checked against `MaxHookWeight` by the
	/// pallet's integrity test): at 0.68 ms of weight each (the benchmarked `place_bid`, 0.08
	/// ms since it looks its meter up, plus that lookup on a full gateway page, 0.20 ms, plus
	/// four reads), 730 take 0.49 s of the 0.5 s hook budget of the opening block (900 before
	/// bids named their meter, 780 until `place_bid` was benchmarked with its lookup).
	type MaxStandingOrders = ConstU32<730>;
	type MaxStandingOrdersPerMember = ConstU32<8>;
	/// 0.01 CEUR per kWh: an offer at the retail price still holds a deposit, and an
	/// undelivered kWh always costs its seller at least this.
	type MinOfferDeposit = ConstU128<10_000>;
	/// 5 CEUR per template: filling all 730 places ties up 3,650 CEUR, and only members with
	/// the side's role may hold any.
	type StandingOrderDeposit = ConstU128<{ 5 * crate::UNIT }>;
	/// 1 CEUR, plus the slot's retail cap on the committed Wh: a sealed order left unrevealed
	/// costs more than choosing it after the others revealed could gain.
	type RevealBond = ConstU128<{ crate::UNIT }>;
	/// Three 6-second blocks, produced in turn by different validators.
	type MinRevealBlocks = ConstU32<3>;
	/// A week of hourly summaries.
	type SummariesKept = ConstU32<168>;
	type DefaultTariff = DefaultTariff;
	type WeightInfo = pallet_market::weights::SubstrateWeight<Runtime>;
}

/// How long after its slot a reading is still accepted: two days (see the meters' config).
pub const MAX_READING_AGE_MS: u64 = 48 * energy_primitives::HOUR_MS;

impl pallet_meters::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Participants = Participants;
	type Res = ResAssets;
	type Tokens = EnergyTokens;
	type Clock = Market;
	/// The flexibility market measures committed reductions on the readings of the meters it
	/// watches.
	type Imports = Flexibility;
	/// Hourly consumption, for claims of certificates of the same hour.
	type Consumption = EnergyTokens;
	type ManagerOrigin = CommunityManager;
	/// A gateway's page of meters is read and written once per batch: 1,024 meters keep it
	/// around 100 KiB.
	type MaxMetersPerGateway = ConstU32<1024>;
	/// A batch of 1,024 readings is about 95 KiB and fits a block many times over.
	type MaxReadingsPerBatch = ConstU32<1024>;
	/// Two days: a gateway that was offline for a day (a weekend's outage found on Monday
	/// morning, a broken uplink replaced the next day) still delivers its queued readings,
	/// each closing its own slot, so the meters' per-slot history (the forecasts, and the
	/// per-slot import that flexibility and hourly claims settle against) has no gap. Readings
	/// older than that could only rewrite settled history. Energy of slots already settled is
	/// metered but no longer certified, whatever the window.
	type MaxReadingAgeMs = ConstU64<MAX_READING_AGE_MS>;
	/// A reading after a lost one covers two slots; with the production schedule (settlement
	/// 15 minutes after the slot) only the slot it closes is still open, with a longer
	/// settlement delay both may be: two certifies both then, and bounds a batch's worst case
	/// at two mints per reading.
	type MaxCertifiedSlotsPerReading = ConstU32<2>;
	type WeightInfo = pallet_meters::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// A member who commits to a reduction and does not deliver pays half the request's price
	/// per Wh of shortfall; half the commitment's value is held as its bond.
	pub const FlexibilityShortfallPenalty: sp_runtime::Perbill = sp_runtime::Perbill::from_percent(50);
}

impl pallet_flexibility::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Currency = Balances;
	type Participants = Participants;
	type Meters = Meters;
	type Forecasts = Forecasts;
	type Clock = Market;
	type MaxReadingAgeMs = ConstU64<MAX_READING_AGE_MS>;
	/// A feeder's worth of homes: settlement handles 64 commitments of 4 slots in one call.
	type MaxMetersPerRequest = ConstU32<64>;
	/// Up to four hours: an evening peak.
	type MaxSlotsPerRequest = ConstU32<4>;
	type MaxOpenRequests = ConstU32<32>;
	type MaxCommitmentsPerMeter = ConstU32<4>;
	/// Every meter the open requests can name (32 × 64, checked by the pallet's integrity
	/// test), so no member can fill it; every batch of readings reads it once: 2,048 meter ids
	/// are 8 KiB, beside a gateway page of up to 100 KiB.
	type MaxWatchedMeters = ConstU32<2048>;
	type ShortfallPenalty = FlexibilityShortfallPenalty;
	type WeightInfo = pallet_flexibility::weights::SubstrateWeight<Runtime>;
}

impl pallet_grid::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type AdminOrigin = CommunityManager;
	type Participants = Participants;
	type Clock = Market;
	type Meters = Meters;
	type Res = ResAssets;
	/// A distribution area of a few hundred connection points; the clearing takes up to
	/// 1,024 (`energy_clearing::grid::MAX_ELEMENTS`), the market's `clear` benchmark measures
	/// the deepest grid of `GRID_MAX_ELEMENTS` (checked below).
	type MaxElements = ConstU32<GRID_MAX_ELEMENTS>;
	/// A day of one-minute slots, two months of hourly ones.
	type MaxSlotsAhead = ConstU32<1_440>;
	/// An hour of one-minute slots plus a margin, four days of hourly ones: a full entry is
	/// 256 × 20 bytes, so at most 480 KiB in all.
	type MaxWithheldSlots = ConstU32<96>;
	type WeightInfo = pallet_grid::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// Forecast transactions go before ordinary ones of the same length.
	pub const ForecastPriority: u64 = u64::MAX / 2;
}

impl pallet_forecasts::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type ForecasterId = pallet_forecasts::crypto::ForecasterId;
	type Meters = Meters;
	type Clock = Market;
	type GovernanceOrigin = CommunityManager;
	type MaxForecasters = ConstU32<16>;
	/// A batch of 512 forecasts is about 9 KiB.
	type MaxForecastsPerBatch = ConstU32<512>;
	/// Covers the production schedule's `open_slots_ahead` (24: a day-ahead book) plus one, so
	/// that a forecast exists when every auction opens (the market's `set_schedule` and
	/// integrity test check it), plus one slot of slack: a worker run missed (a restart) still
	/// leaves the forecast of the run before. Forecasting a day ahead costs one recursive
	/// model step per slot on top of the fit; in steady state each slot adds one new forecast
	/// per meter.
	type ForecastHorizon = ConstU32<26>;
	/// A week of hourly forecasts to compare with the readings.
	type ForecastsKept = ConstU32<168>;
	/// Half a year of hourly readings: enough for the per-hour models to be validated on the
	/// last four weeks (see `energy-forecast`).
	type HistoryWindow = ConstU32<{ 26 * 7 * 24 }>;
	type UnsignedPriority = ForecastPriority;
	type WeightInfo = pallet_forecasts::weights::SubstrateWeight<Runtime>;
}

impl<C> frame_system::offchain::CreateTransactionBase<C> for Runtime
where
	RuntimeCall: From<C>,
{
	type Extrinsic = UncheckedExtrinsic;
	type RuntimeCall = RuntimeCall;
}

impl<C> frame_system::offchain::CreateTransaction<C> for Runtime
where
	RuntimeCall: From<C>,
{
	type Extension = TxExtension;

	fn create_transaction(call: RuntimeCall, extension: TxExtension) -> UncheckedExtrinsic {
		UncheckedExtrinsic::new_transaction(call, extension)
	}
}

/// A bare (unsigned, extension-less) transaction: the GRANDPA equivocation report a validator's
/// node submits from its off-chain context.
impl<C> frame_system::offchain::CreateBare<C> for Runtime
where
	RuntimeCall: From<C>,
{
	fn create_bare(call: RuntimeCall) -> UncheckedExtrinsic {
		UncheckedExtrinsic::new_bare(call)
	}
}

/// The extensions of a self-authorising transaction (a forecaster's batch): no signer, so no
/// nonce and no fee; immortal; without the metadata hash.
impl<C> frame_system::offchain::CreateAuthorizedTransaction<C> for Runtime
where
	RuntimeCall: From<C>,
{
	fn create_extension() -> TxExtension {
		(
			frame_system::AuthorizeCall::<Runtime>::new(),
			frame_system::CheckNonZeroSender::<Runtime>::new(),
			frame_system::CheckSpecVersion::<Runtime>::new(),
			frame_system::CheckTxVersion::<Runtime>::new(),
			frame_system::CheckGenesis::<Runtime>::new(),
			frame_system::CheckEra::<Runtime>::from(sp_runtime::generic::Era::Immortal),
			frame_system::CheckNonce::<Runtime>::from(0),
			frame_system::CheckWeight::<Runtime>::new(),
			pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::from(0),
			frame_metadata_hash_extension::CheckMetadataHash::<Runtime>::new(false),
			frame_system::WeightReclaim::<Runtime>::new(),
		)
	}
}
