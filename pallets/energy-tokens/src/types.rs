//! Types of the energy token ledger.

use codec::{Decode, Encode, MaxEncodedLen};
use energy_primitives::Wh;
use frame_support::{pallet_prelude::ConstU32, BoundedVec};
use scale_info::TypeInfo;

/// Longest retirement claim, in bytes.
pub const MAX_CLAIM_LEN: u32 = 64;

/// What a member says it used retired tokens for (e.g. `EV charging Nov 2026`), 0 to 64 bytes.
pub type RetirementClaim = BoundedVec<u8, ConstU32<MAX_CLAIM_LEN>>;

/// The issuance record of a RES in one market slot: a certificate of origin for the tokens
/// minted from that RES's attested export in that slot.
#[derive(Clone, Debug, Decode, Default, Encode, Eq, MaxEncodedLen, PartialEq, TypeInfo)]
pub struct Certificate<AccountId> {
	/// The RES owner the tokens were minted to.
	pub owner: AccountId,
	/// Tokens (Wh) minted from the RES's export in the slot.
	pub minted_wh: Wh,
}
