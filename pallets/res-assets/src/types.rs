//! Types of the RES asset registry.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use energy_primitives::Watts;
use frame_support::{pallet_prelude::ConstU32, BoundedVec};
use scale_info::TypeInfo;

/// Longest grid connection point identifier, in bytes.
pub const MAX_CONNECTION_POINT_LEN: u32 = 64;

/// The grid connection point of a RES as the DSO names it (e.g. an EAN/CUPS code, or
/// `feeder/transformer/point`), 1 to 64 bytes.
pub type ConnectionPoint = BoundedVec<u8, ConstU32<MAX_CONNECTION_POINT_LEN>>;

/// Largest nameplate capacity a community RES may declare: 100 MW.
pub const MAX_NAMEPLATE_W: Watts = 100_000_000;

/// The renewable technology of a RES.
#[derive(
	Clone,
	Copy,
	Debug,
	Decode,
	DecodeWithMemTracking,
	Encode,
	Eq,
	MaxEncodedLen,
	PartialEq,
	TypeInfo,
	serde::Serialize,
	serde::Deserialize,
)]
pub enum Technology {
	/// Photovoltaic panels.
	Solar,
	/// Wind turbine.
	Wind,
	/// Biomass or biogas generator.
	Biomass,
	/// Small hydro plant.
	Hydro,
}

/// Where a RES stands with the DSO.
#[derive(
	Clone,
	Copy,
	Debug,
	Decode,
	DecodeWithMemTracking,
	Encode,
	Eq,
	MaxEncodedLen,
	PartialEq,
	TypeInfo,
)]
pub enum ResStatus {
	/// Registered, waiting for the DSO to approve its grid connection.
	PendingApproval,
	/// Grid connection approved: its export mints tokens and it may sell.
	Approved,
	/// The DSO refused the grid connection.
	Rejected,
	/// Taken out of service for good.
	Decommissioned,
}

/// A renewable energy system.
#[derive(Clone, Debug, Decode, Encode, Eq, MaxEncodedLen, PartialEq, TypeInfo)]
pub struct ResAsset<AccountId, BlockNumber> {
	/// The producer who owns it.
	pub owner: AccountId,
	/// Its technology.
	pub technology: Technology,
	/// Nameplate capacity in W: the most it can feed in.
	pub nameplate_w: Watts,
	/// Where it connects to the grid.
	pub connection_point: ConnectionPoint,
	/// Where it stands with the DSO.
	pub status: ResStatus,
	/// Block at which it was registered.
	pub registered_at: BlockNumber,
}
