//! Types of the energy token ledger: granular certificates, their Wh ranges and statuses, and
//! the hourly consumption claims are matched against.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use energy_primitives::{MarketSlot, ResId, Wh};
use frame_support::{pallet_prelude::ConstU32, BoundedVec};
use scale_info::TypeInfo;

/// Longest retirement claim, in bytes.
pub const MAX_CLAIM_LEN: u32 = 64;

/// Most certificates one `retire` call names.
pub const MAX_RETIRED_CERTIFICATES: u32 = 24;

/// Most pieces (Wh ranges of one status) one holder keeps of one certificate. A buyer receives
/// one range per trade of its bids with the certificate's offer (the runtime allows 16 orders
/// per member and slot), and each status change (claims, cancellations, expiry take the lowest
/// active Wh first) splits at most one range. A holder's own calls may leave it at most
/// [`MAX_OWN_PIECES`]. A move that would need more pieces fails with `TooManyPieces` and
/// changes nothing.
pub const MAX_PIECES: u32 = 48;

/// Most pieces a holder's own calls (`claim`, `retire`) may leave it with of one certificate.
/// Deliveries and the ledger's own status changes may go up to [`MAX_PIECES`]: a holder that
/// fragments its pieces by alternating its own claims and cancellations can never make the
/// deliveries of its later trades fail (at most 16 ranges, each split at most once by the
/// automatic claims, on top of these 24 stay within 48).
pub const MAX_OWN_PIECES: u32 = 24;

/// Most certificates delivered to a member in one slot that wait for its consumption reading
/// to be claimed automatically; more stay active for a claim by call.
pub const MAX_AWAITING_CLAIM: u32 = 8;

/// Most entries of the claim queue; readings that find it full leave their delivered
/// certificates for a claim by call.
pub const MAX_CLAIM_QUEUE: u32 = 65_536;

/// Longest issuing-body name and withdrawal reason, in bytes.
pub const MAX_NAME_LEN: u32 = 64;

/// The shortest expiry period governance may set, in slots: a day, so that settlement (which
/// follows the slot within the hour) always delivers active certificates.
pub const MIN_EXPIRY_SLOTS: u32 = 24;

/// What a member says it used retired tokens for (e.g. `EV charging Nov 2026`), 0 to 64 bytes.
pub type RetirementClaim = BoundedVec<u8, ConstU32<MAX_CLAIM_LEN>>;

/// The certificates and amounts one `retire` call retires.
pub type RetiredCertificates = BoundedVec<CertificateAmount, ConstU32<MAX_RETIRED_CERTIFICATES>>;

/// A name or a reason set by governance, 0 to 64 bytes of UTF-8.
pub type BoundedText = BoundedVec<u8, ConstU32<MAX_NAME_LEN>>;

/// A certificate's unique id: issued in sequence, never reused.
pub type CertificateId = u64;

/// A granular certificate: the origin of one RES's energy in one market slot (at most one
/// hour), with its attributes set at issuance and where its Wh went. Its Wh are numbered
/// `0..minted_wh`; each Wh is in exactly one [`Piece`] of one holder's [`Holding`]. For every
/// certificate, `minted = active + claimed + cancelled + expired + withdrawn + fed in`, where
/// "active" is the sum of its [`crate::Holdings`] (checked by `try_state`).
#[derive(Clone, Debug, Decode, Encode, Eq, MaxEncodedLen, PartialEq, TypeInfo)]
pub struct Certificate<AccountId> {
	/// Unique id, in order of issuance.
	pub id: CertificateId,
	/// The RES owner the Wh were issued to (the production device is the RES of the key).
	pub owner: AccountId,
	/// When it was issued (the first mint): UTC milliseconds.
	pub issued_at_ms: u64,
	/// Start of the production interval (the slot): UTC milliseconds.
	pub interval_start_ms: u64,
	/// End (exclusive) of the production interval: at most one hour after the start.
	pub interval_end_ms: u64,
	/// The last slot in which its active Wh may be delivered, claimed or cancelled; after it
	/// they may be expired by anyone.
	pub expires_after: MarketSlot,
	/// Wh issued from the RES's attested export in the slot (whole Wh, rounded down): never
	/// more than the RES can produce in one slot.
	pub minted_wh: Wh,
	/// Wh claimed against their holders' consumption metered in the same slot.
	pub claimed_wh: Wh,
	/// Wh retired by their holders with a public claim, without hourly matching (cancelled).
	pub cancelled_wh: Wh,
	/// Wh left active past the expiry period and expired.
	pub expired_wh: Wh,
	/// Wh withdrawn by governance.
	pub withdrawn_wh: Wh,
	/// Wh sold to the utility at the feed-in tariff.
	pub fed_in_wh: Wh,
}

impl<AccountId> Certificate<AccountId> {
	/// Certificate `id` of `owner` with nothing minted yet; attributes zero until set.
	pub fn new(id: CertificateId, owner: AccountId) -> Self {
		Certificate {
			id,
			owner,
			issued_at_ms: 0,
			interval_start_ms: 0,
			interval_end_ms: 0,
			expires_after: 0,
			minted_wh: 0,
			claimed_wh: 0,
			cancelled_wh: 0,
			expired_wh: 0,
			withdrawn_wh: 0,
			fed_in_wh: 0,
		}
	}

	/// Wh of the certificate still active (held by someone): minted less every terminal status.
	pub fn active_wh(&self) -> Wh {
		self.minted_wh.saturating_sub(self.terminal_wh())
	}

	/// Wh in a terminal status.
	pub fn terminal_wh(&self) -> Wh {
		self.claimed_wh
			.saturating_add(self.cancelled_wh)
			.saturating_add(self.expired_wh)
			.saturating_add(self.withdrawn_wh)
			.saturating_add(self.fed_in_wh)
	}

	/// The counter of terminal `status` (`None` for [`CertificateStatus::Active`]).
	pub fn counter_mut(&mut self, status: CertificateStatus) -> Option<&mut Wh> {
		match status {
			CertificateStatus::Active => None,
			CertificateStatus::Claimed => Some(&mut self.claimed_wh),
			CertificateStatus::Cancelled => Some(&mut self.cancelled_wh),
			CertificateStatus::Expired => Some(&mut self.expired_wh),
			CertificateStatus::Withdrawn => Some(&mut self.withdrawn_wh),
			CertificateStatus::FedIn => Some(&mut self.fed_in_wh),
		}
	}
}

/// The status of a Wh of a certificate. `Active` Wh may move between holders (by settlement)
/// and change to any other status; every other status is terminal.
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
pub enum CertificateStatus {
	/// Held, and may be delivered, claimed, cancelled, fed in, expired or withdrawn.
	Active,
	/// Matched to the holder's consumption metered in the certificate's slot.
	Claimed,
	/// Retired by the holder with a public claim (used for disclosure without hourly matching).
	Cancelled,
	/// Left active past the expiry period.
	Expired,
	/// Withdrawn by governance, with a reason.
	Withdrawn,
	/// Sold to the utility at the feed-in tariff: it left the community's circulation.
	FedIn,
}

impl CertificateStatus {
	/// Whether Wh in status `self` may change to status `to`: only active Wh change status,
	/// and only to a terminal one.
	pub fn may_become(self, to: CertificateStatus) -> bool {
		self == CertificateStatus::Active && to != CertificateStatus::Active
	}
}

/// Wh `start..end` of a certificate (`end` exclusive).
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
pub struct WhRange {
	/// The first Wh.
	pub start: Wh,
	/// The Wh after the last.
	pub end: Wh,
}

impl WhRange {
	/// The number of Wh in the range.
	pub fn len(&self) -> Wh {
		self.end.saturating_sub(self.start)
	}

	/// Whether the range holds no Wh.
	pub fn is_empty(&self) -> bool {
		self.end <= self.start
	}
}

/// A range of a certificate's Wh in one status, held by one holder.
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
pub struct Piece {
	/// The Wh.
	pub range: WhRange,
	/// Their status.
	pub status: CertificateStatus,
}

/// The pieces one holder has of one certificate, by ascending Wh, disjoint, with adjacent
/// pieces of one status merged.
pub type Pieces = BoundedVec<Piece, ConstU32<MAX_PIECES>>;

/// A member's consumption metered in one slot (the import of its meters' one-slot readings) and
/// how much of it certificates of that slot have been claimed against.
#[derive(
	Clone,
	Copy,
	Debug,
	Decode,
	Default,
	DecodeWithMemTracking,
	Encode,
	Eq,
	MaxEncodedLen,
	PartialEq,
	TypeInfo,
)]
pub struct MeteredConsumption {
	/// Wh imported in the slot.
	pub consumed_wh: Wh,
	/// Wh of certificates of the slot claimed against it: never more than `consumed_wh`.
	pub claimed_wh: Wh,
}

impl MeteredConsumption {
	/// Consumption not yet matched by a claim.
	pub fn unmatched_wh(&self) -> Wh {
		self.consumed_wh.saturating_sub(self.claimed_wh)
	}
}

/// The issuing body: the community chain (its genesis hash identifies it) under a name and in a
/// country set by governance.
#[derive(
	Clone,
	Debug,
	Decode,
	DecodeWithMemTracking,
	Default,
	Encode,
	Eq,
	MaxEncodedLen,
	PartialEq,
	TypeInfo,
)]
pub struct Issuer {
	/// The issuing body's name (UTF-8).
	pub name: BoundedText,
	/// ISO 3166-1 alpha-2 country code of the production devices (e.g. `*b"DE"`).
	pub country: [u8; 2],
}

impl Issuer {
	/// Whether the country has the shape of an ISO 3166-1 alpha-2 code: two ASCII capitals.
	pub fn country_is_valid(&self) -> bool {
		self.country.iter().all(u8::is_ascii_uppercase)
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

/// One slot of an hourly matching report: the consumption metered in the slot and how much of
/// it certificates of the same slot were claimed against.
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
pub struct HourlyMatching {
	/// The market slot.
	pub slot: MarketSlot,
	/// Wh imported in the slot.
	pub consumed_wh: Wh,
	/// Wh of certificates of the slot claimed against that consumption.
	pub claimed_wh: Wh,
}

/// A certificate with the pieces of its holders (all of them, or the one a report is for), and
/// governance's reason if some of it was withdrawn.
#[derive(Clone, Debug, Decode, Encode, Eq, PartialEq, TypeInfo)]
pub struct CertificateRecord<AccountId> {
	/// The slot of its production interval.
	pub slot: MarketSlot,
	/// The production device.
	pub res: ResId,
	/// The certificate.
	pub certificate: Certificate<AccountId>,
	/// Holders and their pieces: the owner first.
	pub holders: alloc::vec::Vec<(AccountId, Pieces)>,
	/// Why governance withdrew some of it, if it did.
	pub withdrawal_reason: Option<BoundedText>,
}

/// Why a report was refused.
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
pub enum ReportError {
	/// The last slot is before the first.
	EmptyRange,
	/// The span is longer than [`crate::MAX_REPORT_SLOTS`] (a matching report) or
	/// [`crate::MAX_EXPORT_SLOTS`] (certificate records).
	RangeTooLong,
}
