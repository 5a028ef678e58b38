//! Types of the meter registry and its readings.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use energy_primitives::{MarketSlot, MeterId, MeterPublicKey, ResId, Wh};
use scale_info::TypeInfo;

/// What a meter measures.
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
pub enum MeterKind {
	/// A consumption point (household, business, charger): its export mints nothing.
	Consumption,
	/// The production meter of RES `res`: its export, capped by the RES nameplate, mints
	/// energy tokens to the RES owner while the RES is approved.
	Production {
		/// The RES it measures.
		res: ResId,
	},
}

/// Whether a meter's readings are still taken.
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
pub enum MeterStatus {
	/// Readings are accepted.
	Active,
	/// Revoked for good (replaced, removed, compromised key): readings are rejected.
	Revoked,
}

/// A meter's cumulative registers.
#[derive(
	Clone,
	Copy,
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
pub struct Registers {
	/// Cumulative import register (energy taken from the grid), Wh.
	pub import_wh: Wh,
	/// Cumulative export register (energy fed into the grid), Wh.
	pub export_wh: Wh,
}

/// An active meter on its gateway's page, with the state its readings advance.
#[derive(Clone, Debug, Decode, Encode, Eq, MaxEncodedLen, PartialEq, TypeInfo)]
pub struct Meter<AccountId> {
	/// The meter's id.
	pub id: MeterId,
	/// The participant the meter belongs to.
	pub owner: AccountId,
	/// What it measures.
	pub kind: MeterKind,
	/// The key its readings are signed with.
	pub key: MeterPublicKey,
	/// Sequence number of the last accepted reading (0 before the first one).
	pub last_sequence: u64,
	/// The last market slot closed by an accepted reading; at registration, the slot before
	/// the one the meter was installed in. `None` for a meter registered at genesis (when no
	/// clock runs yet) that has not reported: it was installed in
	/// [`GenesisSlot`](crate::GenesisSlot).
	pub last_slot: Option<MarketSlot>,
	/// The registers at the end of `last_slot` (the installation registers at first).
	pub registers: Registers,
}

/// Why a reading was not applied. Each rejected reading has its own event with its reason;
/// the rest of the batch goes on.
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
pub enum RejectionReason {
	/// No meter has this id.
	UnknownMeter,
	/// The meter exists but another gateway submits for it.
	NotGatewaysMeter,
	/// The meter was revoked.
	MeterRevoked,
	/// The signature is not the meter key's over this reading on this chain.
	BadSignature,
	/// The sequence number is not above the last accepted one (an old or replayed reading
	/// that is not an exact copy of the last accepted one).
	StaleSequence,
	/// The reading closes a slot that is not after the last closed one.
	SlotNotAfterLast,
	/// The meter's first reading closes a slot before the meter was installed.
	BeforeInstallation,
	/// The reading closes a slot that has not ended yet (the current slot or a later one).
	SlotNotEnded,
	/// The reading closes a slot that ended longer ago than `MaxReadingAgeMs`.
	SlotTooOld,
	/// A register is below its last accepted value.
	RegisterWentBackwards,
	/// The export delta is above what the RES nameplate could produce in the covered slots.
	ExportAboveCapacity,
	/// Minting the tokens would overflow a counter.
	MintOverflow,
}

/// What happened to one reading of a batch.
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
pub enum ReadingOutcome {
	/// Applied: registers advanced, tokens minted for a production meter.
	Accepted,
	/// An exact copy of the last accepted reading: nothing to do (safe to resubmit).
	Duplicate,
	/// Not applied, for this reason.
	Rejected(RejectionReason),
}

/// How many readings of a batch fell in each cost class: the post-dispatch weight is computed
/// from these.
#[derive(Clone, Copy, Debug, Default, Eq, PartialEq)]
pub struct BatchCost {
	/// Readings whose sr25519 signature was checked (accepted consumption readings and
	/// readings rejected after the check).
	pub sr25519_checked: u32,
	/// Readings whose ed25519 signature was checked.
	pub ed25519_checked: u32,
	/// Production readings whose RES was read (signature checked; accepted, or rejected for
	/// their export): what every such reading costs, whether or not it mints.
	pub production: u32,
	/// Covered slots certified: still open for delivery, so checked and minted into (the
	/// slot's auction read, the certificate and holding read and written). At most
	/// `MaxCertifiedSlotsPerReading` per production reading; none for a reading that proves no
	/// export (a night hour, a pending or suspended RES).
	pub certified_slots: u32,
	/// Covered slots looked at for certification but already settling: only their auction was
	/// read.
	pub closed_slots: u32,
	/// Readings decided without a signature check (duplicates, stale, revoked, slot errors,
	/// unknown meters: at most one storage read each).
	pub unchecked: u32,
	/// Accepted readings of meters the `ImportObserver` watches, each reported to it.
	pub observed: u32,
	/// Accepted one-slot readings that imported something, each recorded as the member's
	/// consumption of the slot.
	pub recorded: u32,
	/// Of those, the ones that queued claims of certificates delivered before them.
	pub queued: u32,
}

/// A batch's tally, as the `BatchProcessed` event reports it.
#[derive(
	Clone,
	Copy,
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
pub struct BatchTally {
	/// Readings applied.
	pub accepted: u32,
	/// Exact resubmissions of the last accepted readings (no-ops).
	pub duplicates: u32,
	/// Readings rejected.
	pub rejected: u32,
	/// Tokens (Wh) minted by the batch.
	pub minted_wh: Wh,
}

/// Where a meter is listed: which gateway submits for it, and whether it is still active.
/// Revoked meters leave their gateway's page but stay here, so that their readings are
/// rejected as revoked rather than unknown.
#[derive(Clone, Debug, Decode, Encode, Eq, MaxEncodedLen, PartialEq, TypeInfo)]
pub struct DirectoryEntry<AccountId> {
	/// The gateway allowed to submit the meter's readings.
	pub gateway: AccountId,
	/// Whether readings are still accepted.
	pub status: MeterStatus,
}
