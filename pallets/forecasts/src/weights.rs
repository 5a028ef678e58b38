// SPDX-License-Identifier: Apache-2.0
// This file is part of the community energy chain.

//! Weights for `pallet_forecasts`. Replaced by `./scripts/benchmark-pallets.sh`.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use frame_support::{traits::Get, weights::{Weight, constants::ParityDbWeight}};
use core::marker::PhantomData;

/// Weight functions needed for `pallet_forecasts`.
pub trait WeightInfo {
	fn submit_forecasts(n: u32, ) -> Weight;
	fn authorize_submit_forecasts(n: u32, ) -> Weight;
	fn set_forecasters(n: u32, ) -> Weight;
	fn forecast_meter_cold() -> Weight;
	fn forecast_meter_warm() -> Weight;
}

pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn submit_forecasts(n: u32, ) -> Weight { Weight::from_parts(1, 0).saturating_mul(n.into()) }
	fn authorize_submit_forecasts(n: u32, ) -> Weight { Weight::from_parts(1, 0).saturating_mul(n.into()) }
	fn set_forecasters(n: u32, ) -> Weight { Weight::from_parts(1, 0).saturating_mul(n.into()) }
	fn forecast_meter_cold() -> Weight { Weight::from_parts(1, 0) }
	fn forecast_meter_warm() -> Weight { Weight::from_parts(1, 0) }
}
impl WeightInfo for () {
	fn submit_forecasts(n: u32, ) -> Weight { Weight::from_parts(1, 0).saturating_mul(n.into()) }
	fn authorize_submit_forecasts(n: u32, ) -> Weight { Weight::from_parts(1, 0).saturating_mul(n.into()) }
	fn set_forecasters(n: u32, ) -> Weight { Weight::from_parts(1, 0).saturating_mul(n.into()) }
	fn forecast_meter_cold() -> Weight { Weight::from_parts(1, 0) }
	fn forecast_meter_warm() -> Weight { Weight::from_parts(1, 0) }
}
