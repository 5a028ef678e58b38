//! Weights for `pallet_participants`. Replaced by `./scripts/benchmark-pallets.sh` output.

#![allow(missing_docs)]

use core::marker::PhantomData;
use frame_support::{
	traits::Get,
	weights::{constants::ParityDbWeight, Weight},
};

/// Weight functions needed for `pallet_participants`.
pub trait WeightInfo {
	fn register() -> Weight;
	fn set_roles() -> Weight;
	fn set_record_commitment() -> Weight;
	fn suspend() -> Weight;
	fn reactivate() -> Weight;
	fn leave() -> Weight;
}

/// Weights with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn register() -> Weight {
		T::DbWeight::get().reads_writes(3, 3)
	}
	fn set_roles() -> Weight {
		T::DbWeight::get().reads_writes(1, 1)
	}
	fn set_record_commitment() -> Weight {
		T::DbWeight::get().reads_writes(1, 1)
	}
	fn suspend() -> Weight {
		T::DbWeight::get().reads_writes(1, 1)
	}
	fn reactivate() -> Weight {
		T::DbWeight::get().reads_writes(1, 1)
	}
	fn leave() -> Weight {
		T::DbWeight::get().reads_writes(1, 1)
	}
}

impl WeightInfo for () {
	fn register() -> Weight {
		ParityDbWeight::get().reads_writes(3, 3)
	}
	fn set_roles() -> Weight {
		ParityDbWeight::get().reads_writes(1, 1)
	}
	fn set_record_commitment() -> Weight {
		ParityDbWeight::get().reads_writes(1, 1)
	}
	fn suspend() -> Weight {
		ParityDbWeight::get().reads_writes(1, 1)
	}
	fn reactivate() -> Weight {
		ParityDbWeight::get().reads_writes(1, 1)
	}
	fn leave() -> Weight {
		ParityDbWeight::get().reads_writes(1, 1)
	}
}
