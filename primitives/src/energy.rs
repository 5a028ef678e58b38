//! Identifiers and units of the energy domain.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// Energy in watt-hours. Registers and token amounts are whole Wh.
pub type Wh = u64;

/// Power in watts (the nameplate capacity of a renewable energy system).
pub type Watts = u64;

/// Identifier of a renewable energy system (RES asset).
pub type ResId = u32;

/// Identifier of a smart meter.
pub type MeterId = u32;

/// Identifier of an element of the DSO's grid (a transformer, a feeder, a connection point),
/// as the DSO numbers them.
pub type ElementId = u32;

/// An element of the DSO's grid as one slot clears on it: where it hangs, the power it can
/// carry in the slot each way (its capacity, or less where the DSO withheld headroom), and
/// its network charge.
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
pub struct SlotElement {
	/// The element.
	pub id: ElementId,
	/// The element it hangs from; `None` for the root (the substation).
	pub parent: Option<ElementId>,
	/// Power it can carry out of its subtree (towards the parent) in the slot, W.
	pub up_w: Watts,
	/// Power it can carry into its subtree in the slot, W.
	pub down_w: Watts,
	/// The network charge for each kWh that crosses it, either way.
	pub charge_per_kwh: u128,
}

/// Index of a market slot: `unix time in ms / slot length in ms`. Slot `s` covers
/// `[s * len, (s + 1) * len)`.
pub type MarketSlot = u32;

/// Milliseconds in an hour: the production market slot length.
pub const HOUR_MS: u64 = 3_600_000;

/// How many slots back a reading may still close a slot: readings older than `max_age_ms`
/// (whole slots of `slot_length_ms`, at least one) are refused. A slot `s` gets no more readings
/// once the current slot is past `s + reading_window_slots(..)`.
pub fn reading_window_slots(max_age_ms: u64, slot_length_ms: u64) -> MarketSlot {
	(max_age_ms / slot_length_ms.max(1)).clamp(1, MarketSlot::MAX as u64) as MarketSlot
}

/// A meter's forecast energy for one market slot: what it will import from and export to the
/// grid, Wh. Written on chain by the forecast off-chain worker; standing orders trade on it.
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
	serde::Serialize,
	serde::Deserialize,
)]
pub struct EnergyForecast {
	/// Forecast import (consumption from the grid), Wh.
	pub import_wh: Wh,
	/// Forecast export (feed-in to the grid), Wh.
	pub export_wh: Wh,
}

/// Roles a participant can hold; a member can hold several (a prosumer is consumer and
/// producer).
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
	serde::Serialize,
	serde::Deserialize,
)]
pub struct Roles {
	/// Buys energy: may place bids and have consumption meters.
	pub consumer: bool,
	/// Sells energy: may own RES assets, production meters and place offers.
	pub producer: bool,
	/// Distribution system operator: approves grid connections of RES assets.
	pub dso: bool,
	/// Utility: sets tariffs and buys unsold energy at the feed-in tariff.
	pub utility: bool,
}

impl Roles {
	/// A consumer only.
	pub const CONSUMER: Roles =
		Roles { consumer: true, producer: false, dso: false, utility: false };
	/// A producer only.
	pub const PRODUCER: Roles =
		Roles { consumer: false, producer: true, dso: false, utility: false };
	/// A prosumer: consumer and producer.
	pub const PROSUMER: Roles =
		Roles { consumer: true, producer: true, dso: false, utility: false };
	/// The distribution system operator.
	pub const DSO: Roles = Roles { consumer: false, producer: false, dso: true, utility: false };
	/// The utility.
	pub const UTILITY: Roles =
		Roles { consumer: false, producer: false, dso: false, utility: true };

	/// Whether no role at all is set.
	pub fn is_empty(&self) -> bool {
		!(self.consumer || self.producer || self.dso || self.utility)
	}

	/// The roles held in `self`, in `other`, or in both.
	pub fn union(self, other: Roles) -> Roles {
		Roles {
			consumer: self.consumer || other.consumer,
			producer: self.producer || other.producer,
			dso: self.dso || other.dso,
			utility: self.utility || other.utility,
		}
	}

	/// Whether every role set in `other` is also set in `self`.
	pub fn contains(&self, other: Roles) -> bool {
		(!other.consumer || self.consumer)
			&& (!other.producer || self.producer)
			&& (!other.dso || self.dso)
			&& (!other.utility || self.utility)
	}
}

#[cfg(test)]
mod tests {
	use super::Roles;

	#[test]
	fn union_holds_the_roles_of_both() {
		let both = Roles::CONSUMER.union(Roles::DSO);
		assert!(both.contains(Roles::CONSUMER) && both.contains(Roles::DSO));
		assert!(!both.contains(Roles::PRODUCER));
		assert_eq!(Roles::CONSUMER.union(Roles::PRODUCER), Roles::PROSUMER);
	}
}
