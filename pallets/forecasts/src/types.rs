//! Types of the forecast pallet.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use energy_primitives::{EnergyForecast, MarketSlot, MeterId};
use frame_support::{
	traits::Get, BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound,
};
use scale_info::TypeInfo;
use sp_core::H256;

/// Domain separator of the forecaster's signature: a batch signed for this chain cannot be
/// replayed as anything else.
pub const FORECAST_SIGNING_CONTEXT: &[u8] = b"energy/forecast/v1";

/// A meter's forecast for a given slot.
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
pub struct SlotForecast {
	/// The slot the forecast is for.
	pub slot: MarketSlot,
	/// What the meter is forecast to import and export in it.
	pub forecast: EnergyForecast,
}

/// One forecaster's forecasts for one slot, as signed and submitted: meters strictly
/// ascending, so that a meter appears once.
#[derive(
	CloneNoBound,
	DebugNoBound,
	Decode,
	DecodeWithMemTracking,
	Encode,
	EqNoBound,
	PartialEqNoBound,
	TypeInfo,
)]
#[scale_info(skip_type_params(MaxEntries))]
// The `NoBound` derives repeat the key's bounds on the field.
#[allow(clippy::multiple_bound_locations)]
pub struct ForecastBatch<
	ForecasterId: Clone + core::fmt::Debug + PartialEq + Eq,
	MaxEntries: Get<u32>,
> {
	/// The key that signed the batch.
	pub forecaster: ForecasterId,
	/// The slot forecast.
	pub slot: MarketSlot,
	/// `(meter, forecast)`, meters strictly ascending.
	pub forecasts: BoundedVec<(MeterId, EnergyForecast), MaxEntries>,
}

impl<ForecasterId: Clone + core::fmt::Debug + PartialEq + Eq + Encode, MaxEntries: Get<u32>>
	ForecastBatch<ForecasterId, MaxEntries>
{
	/// What the forecaster signs: `FORECAST_SIGNING_CONTEXT ++ genesis hash ++ SCALE(batch)`.
	pub fn signing_payload(&self, genesis_hash: &H256) -> alloc::vec::Vec<u8> {
		(FORECAST_SIGNING_CONTEXT, genesis_hash, self).encode()
	}

	/// Whether the meters are strictly ascending (each at most once).
	pub fn meters_ascend(&self) -> bool {
		self.forecasts.windows(2).all(|pair| pair[0].0 < pair[1].0)
	}
}

/// The batch type of a runtime.
pub type ForecastBatchOf<T> =
	ForecastBatch<<T as crate::Config>::ForecasterId, <T as crate::Config>::MaxForecastsPerBatch>;
