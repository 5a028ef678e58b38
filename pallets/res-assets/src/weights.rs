//! Weights for `pallet_res_assets`. Replaced by `./scripts/benchmark-pallets.sh` output.

#![allow(missing_docs)]

use core::marker::PhantomData;
use frame_support::{
	traits::Get,
	weights::{constants::ParityDbWeight, Weight},
};

/// Weight functions needed for `pallet_res_assets`.
pub trait WeightInfo {
	fn register() -> Weight;
	fn approve_connection() -> Weight;
	fn reject_connection() -> Weight;
	fn decommission() -> Weight;
}

/// Weights with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn register() -> Weight {
		T::DbWeight::get().reads_writes(3, 3)
	}
	fn approve_connection() -> Weight {
		T::DbWeight::get().reads_writes(2, 1)
	}
	fn reject_connection() -> Weight {
		T::DbWeight::get().reads_writes(2, 1)
	}
	fn decommission() -> Weight {
		T::DbWeight::get().reads_writes(1, 1)
	}
}

impl WeightInfo for () {
	fn register() -> Weight {
		ParityDbWeight::get().reads_writes(3, 3)
	}
	fn approve_connection() -> Weight {
		ParityDbWeight::get().reads_writes(2, 1)
	}
	fn reject_connection() -> Weight {
		ParityDbWeight::get().reads_writes(2, 1)
	}
	fn decommission() -> Weight {
		ParityDbWeight::get().reads_writes(1, 1)
	}
}
