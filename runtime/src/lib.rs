//! # Community energy chain runtime
//!
//! Composes the FRAME system pallets (System, Timestamp, Aura, GRANDPA, Balances,
//! TransactionPayment, Sudo) and governance (the Council with its Membership, Utility, Preimage,
//! Whitelist) with the community energy pallets: Participants (IDgrid), ResAssets, Meters
//! (signed readings), EnergyTokens, Market (the market clock), Forecasts, Flexibility and Grid.
//! The community manager's origin is root or a council majority (`configs::CommunityManager`):
//! the dev presets keep a sudo key, the production preset has none and is run by its council.
//!
//! The runtime exposes metadata up to v16, checks the metadata hash of signed transactions
//! (`CheckMetadataHash`) and ships the genesis presets `development` and `local_testnet`.

#![cfg_attr(not(feature = "std"), no_std)]
// `construct_runtime!` does a lot of recursion and requires us to increase the limit.
#![recursion_limit = "256"]

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

extern crate alloc;

// Declared before `apis` so that the `list_benchmarks!`/`add_benchmarks!` macros it defines are
// in scope there.
#[cfg(feature = "runtime-benchmarks")]
#[macro_use]
mod benchmarks;
pub mod apis;
pub mod configs;
pub mod genesis_config_presets;
pub mod session_migration;
#[cfg(test)]
mod tests;
pub mod upgrade_rehearsal;
pub mod weights;

use alloc::vec::Vec;
/// The historical-session module of pallet-session, composed as a pallet of its own.
use pallet_session::historical as pallet_session_historical;
use sp_runtime::{generic, impl_opaque_keys};
use sp_version::RuntimeVersion;

pub use energy_primitives::{
	AccountId, Balance, BlockNumber, Hash, Nonce, Signature, CENT, DAYS, HOURS,
	MILLISECS_PER_BLOCK, MINUTES, UNIT,
};
pub use frame_system::Call as SystemCall;
pub use pallet_balances::Call as BalancesCall;
pub use pallet_timestamp::Call as TimestampCall;
#[cfg(any(feature = "std", test))]
pub use sp_runtime::BuildStorage;
pub use weights::paritydb_weights::constants::ParityDbWeight;

/// Opaque types. These are used by the CLI to instantiate machinery that don't need to know
/// the specifics of the runtime. They can then be made to be agnostic over specific formats
/// of data like extrinsics, allowing for them to continue syncing the network through upgrades
/// to even the core data structures.
pub mod opaque {
	use super::*;
	use sp_runtime::traits::{BlakeTwo256, Hash as HashT};

	pub use sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;

	/// Opaque block header type.
	pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
	/// Opaque block type.
	pub type Block = generic::Block<Header, UncheckedExtrinsic>;
	/// Opaque block identifier type.
	pub type BlockId = generic::BlockId<Block>;
	/// Opaque block hash type.
	pub type Hash = <BlakeTwo256 as HashT>::Output;
}

impl_opaque_keys! {
	/// The keys of a validator node: Aura for block production, GRANDPA for finality, and
	/// the forecaster key its off-chain worker signs meter forecasts with.
	pub struct SessionKeys {
		pub aura: Aura,
		pub grandpa: Grandpa,
		pub forecaster: Forecasts,
	}
}

/// Declares [`VERSION`] with the given spec version (a literal: the `runtime_version` attribute
/// reads it from the wasm's custom section).
macro_rules! runtime_version {
	($spec_version:tt) => {
		/// The version of the runtime. Bump `spec_version` with every change of the runtime
		/// logic.
		#[sp_version::runtime_version]
		pub const VERSION: RuntimeVersion = RuntimeVersion {
			spec_name: alloc::borrow::Cow::Borrowed("energy"),
			impl_name: alloc::borrow::Cow::Borrowed("energy-node"),
			authoring_version: 1,
			spec_version: $spec_version,
			impl_version: 1,
			apis: apis::RUNTIME_API_VERSIONS,
			transaction_version: 2,
			system_version: 1,
		};
	};
}
#[cfg(not(feature = "upgrade-rehearsal"))]
runtime_version!(115);
// The upgrade rehearsal (`upgrade_rehearsal`): one above.
#[cfg(feature = "upgrade-rehearsal")]
runtime_version!(116);

/// Aura slot duration: one block every [`MILLISECS_PER_BLOCK`].
pub const SLOT_DURATION: u64 = MILLISECS_PER_BLOCK;

/// Existential deposit: an account below one cent is reaped.
pub const EXISTENTIAL_DEPOSIT: Balance = CENT;

/// The address format for describing accounts.
pub type Address = sp_runtime::MultiAddress<AccountId, ()>;

/// Block header type as expected by this runtime.
pub type Header = generic::Header<BlockNumber, sp_runtime::traits::BlakeTwo256>;

/// Block type as expected by this runtime.
pub type Block = generic::Block<Header, UncheckedExtrinsic>;

/// A Block signed with a Justification.
pub type SignedBlock = generic::SignedBlock<Block>;

/// BlockId type as expected by this runtime.
pub type BlockId = generic::BlockId<Block>;

/// The transaction extensions, in the order wallets sign them. `AuthorizeCall` comes first:
/// it lets calls that authorise themselves (the forecasters' signed batches) in without a
/// fee-paying signer, and does nothing for signed transactions.
pub type TxExtension = (
	frame_system::AuthorizeCall<Runtime>,
	frame_system::CheckNonZeroSender<Runtime>,
	frame_system::CheckSpecVersion<Runtime>,
	frame_system::CheckTxVersion<Runtime>,
	frame_system::CheckGenesis<Runtime>,
	frame_system::CheckEra<Runtime>,
	frame_system::CheckNonce<Runtime>,
	frame_system::CheckWeight<Runtime>,
	pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
	frame_metadata_hash_extension::CheckMetadataHash<Runtime>,
	frame_system::WeightReclaim<Runtime>,
);

/// Unchecked extrinsic type as expected by this runtime.
pub type UncheckedExtrinsic =
	generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;

/// The payload being signed in transactions.
pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;

/// All migrations of the runtime, aside from the ones declared in the pallets.
///
/// This can be a tuple of types, each implementing `OnRuntimeUpgrade`.
#[allow(unused_parens)]
type Migrations = (
	// Auction summaries gain `failed_wh`, standing orders their `deposit` (market v2 → v3).
	pallet_market::migrations::MigrateV2ToV3<Runtime>,
	// Tokens are held per certificate (energy tokens v1 → v2); the market's `Deliverable`
	// goes (v3 → v4); genesis meters get an installation slot (meters v1 → v2).
	// (before the market's step: it reads what settling slots still have to deliver)
	pallet_energy_tokens::migrations::MigrateV1ToV2<
		Runtime,
		pallet_market::migrations::v3::SettlingDeliverable<Runtime>,
	>,
	pallet_market::migrations::MigrateV3ToV4<Runtime>,
	pallet_meters::migrations::MigrateV1ToV2<Runtime>,
	// Bids name their consumption meter; standing bids sized by one are sited there (market
	// v4 → v5).
	pallet_market::migrations::MigrateV4ToV5<Runtime>,
	// Trades carry a buyer and a seller price, auctions the grid's charges (market v5 → v6).
	pallet_market::migrations::MigrateV5ToV6<Runtime>,
	// The session takes over Aura's and GRANDPA's authorities (spec 112).
	session_migration::InitSessionFromAuthorities,
	// Granular certificates: ids, production intervals, expiry, numbered Wh with a status
	// (energy tokens v2 → v3).
	pallet_energy_tokens::migrations::MigrateV2ToV3<Runtime>,
	// Only in the upgrade rehearsal's runtime: records what its upgrade found.
	RehearsalMigration,
);

#[cfg(feature = "upgrade-rehearsal")]
type RehearsalMigration = upgrade_rehearsal::RecordRehearsal;
#[cfg(not(feature = "upgrade-rehearsal"))]
type RehearsalMigration = ();

/// Executive: handles dispatch to the various modules.
pub type Executive = frame_executive::Executive<
	Runtime,
	Block,
	frame_system::ChainContext<Runtime>,
	Runtime,
	AllPalletsWithSystem,
	Migrations,
>;

// Create the runtime by composing the FRAME pallets that were previously configured.
#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Runtime;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;

	#[runtime::pallet_index(1)]
	pub type Timestamp = pallet_timestamp;

	#[runtime::pallet_index(2)]
	pub type Aura = pallet_aura;

	#[runtime::pallet_index(3)]
	pub type Grandpa = pallet_grandpa;

	#[runtime::pallet_index(4)]
	pub type Balances = pallet_balances;

	#[runtime::pallet_index(5)]
	pub type TransactionPayment = pallet_transaction_payment;

	#[runtime::pallet_index(6)]
	pub type Sudo = pallet_sudo;

	#[runtime::pallet_index(7)]
	pub type Council = pallet_collective<Instance1>;

	#[runtime::pallet_index(8)]
	pub type CouncilMembership = pallet_membership<Instance1>;

	#[runtime::pallet_index(9)]
	pub type Utility = pallet_utility;

	#[runtime::pallet_index(18)]
	pub type Preimage = pallet_preimage;

	#[runtime::pallet_index(19)]
	pub type Whitelist = pallet_whitelist;

	#[runtime::pallet_index(20)]
	pub type NodeAuthorization = pallet_node_authorization;

	#[runtime::pallet_index(21)]
	pub type Authorship = pallet_authorship;

	#[runtime::pallet_index(22)]
	pub type ValidatorMembership = pallet_membership<Instance2>;

	#[runtime::pallet_index(23)]
	pub type Session = pallet_session;

	#[runtime::pallet_index(24)]
	pub type Historical = pallet_session_historical;

	#[runtime::pallet_index(25)]
	pub type Offences = pallet_offences;

	#[runtime::pallet_index(10)]
	pub type Participants = pallet_participants;

	#[runtime::pallet_index(11)]
	pub type ResAssets = pallet_res_assets;

	#[runtime::pallet_index(12)]
	pub type Meters = pallet_meters;

	#[runtime::pallet_index(13)]
	pub type EnergyTokens = pallet_energy_tokens;

	#[runtime::pallet_index(14)]
	pub type Market = pallet_market;

	#[runtime::pallet_index(15)]
	pub type Forecasts = pallet_forecasts;

	#[runtime::pallet_index(16)]
	pub type Flexibility = pallet_flexibility;

	#[runtime::pallet_index(17)]
	pub type Grid = pallet_grid;
}
