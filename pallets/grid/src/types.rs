//! Types of the grid: an element as the DSO keeps it, and the headroom withheld for a slot.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use energy_primitives::{ElementId, Watts};
use scale_info::TypeInfo;

/// A network charge per kWh, in the chain's currency (the balances pallet's `u128`).
pub type ChargePerKwh = u128;

/// The largest capacity an element may have, W (10 GW): a slot's energy in Wh and its charges
/// then stay far from overflow in the clearing, whatever the slot length.
pub const MAX_CAPACITY_W: Watts = 10_000_000_000;

/// The largest network charge per kWh (10^18 units): a slot's charges stay far from overflow.
pub const MAX_CHARGE_PER_KWH: ChargePerKwh = 1_000_000_000_000_000_000;

/// An element of the grid as its keeper set it: where it hangs, its capacity each way and its
/// network charge.
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
pub struct ElementInfo {
	/// The element it hangs from; `None` for the root (the substation's connection upstream).
	pub parent: Option<ElementId>,
	/// Power it carries out of its subtree, towards the parent, at most, W.
	pub up_w: Watts,
	/// Power it carries into its subtree at most, W.
	pub down_w: Watts,
	/// What each kWh crossing it pays, either way.
	pub charge_per_kwh: ChargePerKwh,
}

/// The power an element may carry in one slot, where the DSO lowered it below the capacity
/// (a congestion forecast, maintenance).
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
pub struct Headroom {
	/// Out of the element's subtree, W.
	pub up_w: Watts,
	/// Into the element's subtree, W.
	pub down_w: Watts,
}
