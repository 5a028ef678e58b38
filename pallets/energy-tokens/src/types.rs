//! Types of the energy token ledger.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use energy_primitives::{MarketSlot, ResId, Wh};
use frame_support::{pallet_prelude::ConstU32, BoundedVec};
use scale_info::TypeInfo;

/// Longest retirement claim, in bytes.
pub const MAX_CLAIM_LEN: u32 = 64;

/// Most certificates one `retire` call names.
pub const MAX_RETIRED_CERTIFICATES: u32 = 24;

/// What a member says it used retired tokens for (e.g. `EV charging Nov 2026`), 0 to 64 bytes.
pub type RetirementClaim = BoundedVec<u8, ConstU32<MAX_CLAIM_LEN>>;

/// The certificates and amounts one `retire` call retires.
pub type RetiredCertificates = BoundedVec<CertificateAmount, ConstU32<MAX_RETIRED_CERTIFICATES>>;

/// The certificate of origin of a RES's energy in one market slot, with where its tokens went.
/// For every certificate, `minted = held + delivered + retired + fed in`, where "held" is the
/// sum of the [`crate::Holdings`] of (`res`, `slot`) (checked by `try_state`).
#[derive(Clone, Debug, Decode, Default, Encode, Eq, MaxEncodedLen, PartialEq, TypeInfo)]
pub struct Certificate<AccountId> {
	/// The RES owner the tokens were minted to.
	pub owner: AccountId,
	/// Tokens (Wh) minted from the RES's attested export in the slot: never more than the RES
	/// can produce in one slot.
	pub minted_wh: Wh,
	/// Tokens delivered to buyers by the slot's settlement and retired in their names.
	pub delivered_wh: Wh,
	/// Tokens retired by their holders with a claim.
	pub retired_wh: Wh,
	/// Tokens sold to the utility at the feed-in tariff (a terminal state: no one holds them).
	pub fed_in_wh: Wh,
}

impl<AccountId> Certificate<AccountId> {
	/// A certificate of `owner` with nothing minted yet.
	pub fn new(owner: AccountId) -> Self {
		Certificate { owner, minted_wh: 0, delivered_wh: 0, retired_wh: 0, fed_in_wh: 0 }
	}

	/// Tokens of the certificate still held by someone: minted less what left circulation.
	pub fn outstanding_wh(&self) -> Wh {
		self.minted_wh
			.saturating_sub(self.delivered_wh)
			.saturating_sub(self.retired_wh)
			.saturating_sub(self.fed_in_wh)
	}
}

/// An amount of one certificate: `wh` tokens of RES `res`'s energy in `slot`.
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
pub struct CertificateAmount {
	/// The market slot the energy was produced in.
	pub slot: MarketSlot,
	/// The RES that produced it.
	pub res: ResId,
	/// Tokens (Wh).
	pub wh: Wh,
}
