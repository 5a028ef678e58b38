//! Weights for `pallet_energy_tokens`. Replaced by `./scripts/benchmark-pallets.sh` output.

#![allow(missing_docs)]

use core::marker::PhantomData;
use frame_support::{
	traits::Get,
	weights::{constants::ParityDbWeight, Weight},
};

/// Weight functions needed for `pallet_energy_tokens`.
pub trait WeightInfo {
	fn retire() -> Weight;
}

/// Weights with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn retire() -> Weight {
		T::DbWeight::get().reads_writes(2, 2)
	}
}

impl WeightInfo for () {
	fn retire() -> Weight {
		ParityDbWeight::get().reads_writes(2, 2)
	}
}
