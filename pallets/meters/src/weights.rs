//! Weights for `pallet_meters`. Replaced by `./scripts/benchmark-pallets.sh` output.

#![allow(missing_docs)]

use core::marker::PhantomData;
use frame_support::{
	traits::Get,
	weights::{constants::ParityDbWeight, Weight},
};

/// Weight functions needed for `pallet_meters`.
pub trait WeightInfo {
	fn register_gateway() -> Weight;
	fn remove_gateway() -> Weight;
	fn register_meter(m: u32) -> Weight;
	fn revoke_meter(m: u32) -> Weight;
	fn rotate_meter_key(m: u32) -> Weight;
	fn submit_readings_sr25519(n: u32, m: u32) -> Weight;
	fn submit_readings_ed25519(n: u32, m: u32) -> Weight;
	fn submit_readings_production(n: u32) -> Weight;
	fn submit_readings_unchecked(n: u32) -> Weight;
}

/// Weights with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn register_gateway() -> Weight {
		T::DbWeight::get().reads_writes(1, 1)
	}
	fn remove_gateway() -> Weight {
		T::DbWeight::get().reads_writes(1, 1)
	}
	fn register_meter(m: u32) -> Weight {
		Weight::from_parts(100_000 * m as u64, 0)
			.saturating_add(T::DbWeight::get().reads_writes(5, 4))
	}
	fn revoke_meter(m: u32) -> Weight {
		Weight::from_parts(100_000 * m as u64, 0)
			.saturating_add(T::DbWeight::get().reads_writes(2, 3))
	}
	fn rotate_meter_key(m: u32) -> Weight {
		Weight::from_parts(100_000 * m as u64, 0)
			.saturating_add(T::DbWeight::get().reads_writes(2, 1))
	}
	fn submit_readings_sr25519(n: u32, m: u32) -> Weight {
		Weight::from_parts(50_000_000 * n as u64 + 100_000 * m as u64, 0)
			.saturating_add(T::DbWeight::get().reads_writes(3, 1))
	}
	fn submit_readings_ed25519(n: u32, m: u32) -> Weight {
		Weight::from_parts(50_000_000 * n as u64 + 100_000 * m as u64, 0)
			.saturating_add(T::DbWeight::get().reads_writes(3, 1))
	}
	fn submit_readings_production(n: u32) -> Weight {
		Weight::from_parts(50_000_000 * n as u64, 0)
			.saturating_add(T::DbWeight::get().reads_writes(3 + 3 * n as u64, 1 + 2 * n as u64))
	}
	fn submit_readings_unchecked(n: u32) -> Weight {
		T::DbWeight::get().reads_writes(3 + n as u64, 1)
	}
}

impl WeightInfo for () {
	fn register_gateway() -> Weight {
		ParityDbWeight::get().reads_writes(1, 1)
	}
	fn remove_gateway() -> Weight {
		ParityDbWeight::get().reads_writes(1, 1)
	}
	fn register_meter(m: u32) -> Weight {
		Weight::from_parts(100_000 * m as u64, 0)
			.saturating_add(ParityDbWeight::get().reads_writes(5, 4))
	}
	fn revoke_meter(m: u32) -> Weight {
		Weight::from_parts(100_000 * m as u64, 0)
			.saturating_add(ParityDbWeight::get().reads_writes(2, 3))
	}
	fn rotate_meter_key(m: u32) -> Weight {
		Weight::from_parts(100_000 * m as u64, 0)
			.saturating_add(ParityDbWeight::get().reads_writes(2, 1))
	}
	fn submit_readings_sr25519(n: u32, m: u32) -> Weight {
		Weight::from_parts(50_000_000 * n as u64 + 100_000 * m as u64, 0)
			.saturating_add(ParityDbWeight::get().reads_writes(3, 1))
	}
	fn submit_readings_ed25519(n: u32, m: u32) -> Weight {
		Weight::from_parts(50_000_000 * n as u64 + 100_000 * m as u64, 0)
			.saturating_add(ParityDbWeight::get().reads_writes(3, 1))
	}
	fn submit_readings_production(n: u32) -> Weight {
		Weight::from_parts(50_000_000 * n as u64, 0)
			.saturating_add(ParityDbWeight::get().reads_writes(3 + 3 * n as u64, 1 + 2 * n as u64))
	}
	fn submit_readings_unchecked(n: u32) -> Weight {
		ParityDbWeight::get().reads_writes(3 + n as u64, 1)
	}
}
