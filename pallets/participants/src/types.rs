//! Types of the participant registry.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use energy_primitives::Roles;
use frame_support::{pallet_prelude::ConstU32, BoundedVec};
use scale_info::TypeInfo;
use sp_core::H256;

/// Longest IDgrid code, in bytes.
pub const MAX_CODE_LEN: u32 = 32;

/// Shortest IDgrid code, in bytes.
pub const MIN_CODE_LEN: usize = 3;

/// A human-readable IDgrid code, unique in the community: 3 to 32 characters of `A-Z`, `0-9`
/// and `-`, neither starting nor ending with `-` (e.g. `PT-LIS-0042`).
pub type IdGridCode = BoundedVec<u8, ConstU32<MAX_CODE_LEN>>;

/// Where a participant stands.
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
pub enum ParticipantStatus {
	/// May trade, own assets and meters.
	Active,
	/// Temporarily barred by the community manager; may be reactivated.
	Suspended,
	/// Left the community for good. The code stays reserved so history keeps its meaning.
	Left,
}

/// A registered member of the community.
#[derive(Clone, Debug, Decode, Encode, Eq, MaxEncodedLen, PartialEq, TypeInfo)]
pub struct Participant<BlockNumber> {
	/// The member's IDgrid code.
	pub code: IdGridCode,
	/// What the member may do.
	pub roles: Roles,
	/// Where the member stands.
	pub status: ParticipantStatus,
	/// Hash commitment (e.g. blake2-256 of the canonical encoding, with a salt) to the
	/// member's off-chain personal record (name, e-mail, address). Nothing personal is stored
	/// on chain in clear.
	pub record_commitment: H256,
	/// Block at which the member was registered.
	pub registered_at: BlockNumber,
}

/// Whether `code` is a well-formed IDgrid code (see [`IdGridCode`]).
pub fn is_valid_code(code: &[u8]) -> bool {
	code.len() >= MIN_CODE_LEN
		&& code.iter().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == b'-')
		&& code.first() != Some(&b'-')
		&& code.last() != Some(&b'-')
}
