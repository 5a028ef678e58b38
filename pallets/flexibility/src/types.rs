//! Types of the flexibility market: requests, baselines, commitments and their delivery.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use energy_primitives::{MarketSlot, MeterId, Wh};
use frame_support::{
	pallet_prelude::Get, BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound,
};
use scale_info::TypeInfo;

/// Identifier of a flexibility request, counted up from 0.
pub type RequestId = u32;

/// An amount of the chain's currency (the balances pallet's `u128`).
pub type Amount = u128;

/// A DSO's request for less import from the grid.
#[derive(
	CloneNoBound, DebugNoBound, Decode, Encode, EqNoBound, MaxEncodedLen, PartialEqNoBound, TypeInfo,
)]
#[scale_info(skip_type_params(MaxMeters))]
pub struct FlexRequest<AccountId: Clone + core::fmt::Debug + Eq, MaxMeters: Get<u32>> {
	/// The DSO who posted it and pays for it.
	pub dso: AccountId,
	/// The first slot whose import is to be reduced; acceptance closes when it begins.
	pub first_slot: MarketSlot,
	/// How many consecutive slots, from `first_slot`.
	pub slots: u32,
	/// The reduction wanted in each slot, over all the listed meters together, Wh.
	pub reduction_wh: Wh,
	/// What one Wh of measured reduction is paid.
	pub price_per_wh: Amount,
	/// What the DSO holds for it: `reduction_wh × slots × price_per_wh`.
	pub held: Amount,
	/// The reduction members have committed to in each slot so far, Wh (≤ `reduction_wh`).
	pub committed_wh: Wh,
	/// The meters whose owners may accept it, ascending.
	pub meters: BoundedVec<MeterId, MaxMeters>,
}

impl<AccountId: Clone + core::fmt::Debug + Eq, MaxMeters: Get<u32>>
	FlexRequest<AccountId, MaxMeters>
{
	/// The last slot of the request.
	pub fn last_slot(&self) -> MarketSlot {
		self.first_slot.saturating_add(self.slots.saturating_sub(1))
	}

	/// Whether `slot` is one of the request's slots.
	pub fn covers(&self, slot: MarketSlot) -> bool {
		(self.first_slot..=self.last_slot()).contains(&slot)
	}
}

/// What the meters told of one committed slot.
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
pub enum SlotMetering {
	/// No reading has closed the slot yet.
	Pending,
	/// A reading closed exactly this slot: the meter's import in it, Wh.
	Metered(Wh),
	/// A reading covering this slot and others closed it (a reading was lost): the slot's own
	/// import is unknown, so no reduction in it can be measured.
	Unmeasurable,
}

/// A member's commitment to reduce one meter's import during a request's slots.
#[derive(
	CloneNoBound, DebugNoBound, Decode, Encode, EqNoBound, MaxEncodedLen, PartialEqNoBound, TypeInfo,
)]
#[scale_info(skip_type_params(MaxSlots))]
pub struct Commitment<AccountId: Clone + core::fmt::Debug + Eq, MaxSlots: Get<u32>> {
	/// The meter's owner when it accepted: who is paid and whose bond is held.
	pub member: AccountId,
	/// The committed reduction in each of the request's slots, Wh.
	pub reduction_wh: Wh,
	/// What the member holds as its bond against shortfall.
	pub bond: Amount,
	/// The metering of each of the request's slots, in order.
	pub metering: BoundedVec<SlotMetering, MaxSlots>,
}

/// A commitment of pallet configuration `T`.
pub type CommitmentOf<T> =
	Commitment<<T as frame_system::Config>::AccountId, <T as crate::Config>::MaxSlotsPerRequest>;

/// A request of pallet configuration `T`.
pub type RequestOf<T> =
	FlexRequest<<T as frame_system::Config>::AccountId, <T as crate::Config>::MaxMetersPerRequest>;

/// A meter's commitment slots, for overlap checks and for routing its readings.
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
pub struct CommittedRange {
	/// The request committed to.
	pub request: RequestId,
	/// Its first slot.
	pub first_slot: MarketSlot,
	/// Its last slot.
	pub last_slot: MarketSlot,
}

impl CommittedRange {
	/// Whether the range shares a slot with `first..=last`.
	pub fn overlaps(&self, first: MarketSlot, last: MarketSlot) -> bool {
		self.first_slot <= last && first <= self.last_slot
	}
}

/// How one commitment settled.
#[derive(Clone, Copy, Debug, Default, Eq, PartialEq)]
pub struct CommitmentOutcome {
	/// The reduction committed over all slots, Wh.
	pub committed_wh: Wh,
	/// The reduction paid for over the metered slots (`Σ min(measured, committed)`), Wh.
	pub delivered_wh: Wh,
	/// What the DSO paid the member.
	pub paid: Amount,
	/// What the member paid the DSO for shortfall.
	pub penalty: Amount,
}

/// The measured reduction of one slot: `baseline − metered import` (never negative); nothing
/// for a slot not metered on its own.
pub fn measured_reduction(baseline_wh: Wh, metering: SlotMetering) -> Wh {
	match metering {
		SlotMetering::Metered(import_wh) => baseline_wh.saturating_sub(import_wh),
		SlotMetering::Pending | SlotMetering::Unmeasurable => 0,
	}
}

/// One meter of a request as clients see it: its baseline and its commitment, if any.
#[derive(Clone, Debug, Decode, Encode, Eq, PartialEq, TypeInfo)]
pub struct MeterView<AccountId> {
	/// The meter.
	pub meter: MeterId,
	/// Its import forecast for each of the request's slots when the request was posted, Wh.
	pub baseline_wh: alloc::vec::Vec<Wh>,
	/// Its owner's commitment, if it accepted.
	pub commitment: Option<CommitmentView<AccountId>>,
}

/// A commitment as clients see it.
#[derive(Clone, Debug, Decode, Encode, Eq, PartialEq, TypeInfo)]
pub struct CommitmentView<AccountId> {
	/// The member who committed.
	pub member: AccountId,
	/// The reduction committed in each slot, Wh.
	pub reduction_wh: Wh,
	/// The bond held.
	pub bond: Amount,
	/// The metering of each slot so far.
	pub metering: alloc::vec::Vec<SlotMetering>,
}

/// An open request with its meters, as the runtime API serves it.
#[derive(Clone, Debug, Decode, Encode, Eq, PartialEq, TypeInfo)]
pub struct RequestView<AccountId> {
	/// The request's id.
	pub id: RequestId,
	/// The DSO who posted it.
	pub dso: AccountId,
	/// Its first slot.
	pub first_slot: MarketSlot,
	/// How many slots.
	pub slots: u32,
	/// The reduction wanted per slot, Wh.
	pub reduction_wh: Wh,
	/// The price per Wh reduced.
	pub price_per_wh: Amount,
	/// What the DSO holds for it.
	pub held: Amount,
	/// The reduction committed per slot so far, Wh.
	pub committed_wh: Wh,
	/// Every meter it names.
	pub meters: alloc::vec::Vec<MeterView<AccountId>>,
}
