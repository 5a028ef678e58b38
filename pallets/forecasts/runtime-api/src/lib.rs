//! Runtime API of the meter forecasts, for clients (dashboards, members' apps) that compare
//! forecasts with the attested readings.
#![cfg_attr(not(feature = "std"), no_std)]

pub use energy_primitives::{EnergyForecast, MarketSlot, MeterId};
pub use pallet_forecasts::SlotForecast;

sp_api::decl_runtime_apis! {
	/// What a client needs to show a meter's forecasts.
	pub trait ForecastsApi {
		/// The forecast of `meter` for the latest slot it has one for (usually a few slots
		/// ahead), `None` if it was never forecast.
		fn latest_forecast(meter: MeterId) -> Option<SlotForecast>;
		/// The forecast of `meter` for `slot`, while kept (`ForecastsKept` slots back).
		fn forecast(meter: MeterId, slot: MarketSlot) -> Option<EnergyForecast>;
	}
}
