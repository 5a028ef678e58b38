//! Benchmarks of the RES registry (frame-benchmarking v2).

use super::*;
use crate::Pallet as ResAssets;
use energy_primitives::{ParticipantRegistry, ResId, Roles};
use frame_benchmarking::v2::*;
use frame_support::traits::EnsureOrigin;
use frame_system::RawOrigin;

fn producer<T: Config>() -> T::AccountId {
	let who: T::AccountId = account("producer", 0, 0);
	T::Participants::ensure_participant(&who, Roles::PRODUCER);
	who
}

fn dso<T: Config>() -> T::AccountId {
	let who: T::AccountId = account("dso", 0, 0);
	T::Participants::ensure_participant(&who, Roles::DSO);
	who
}

fn longest_point() -> ConnectionPoint {
	alloc::vec![b'P'; MAX_CONNECTION_POINT_LEN as usize].try_into().expect("exact bound; qed")
}

fn pending<T: Config>(owner: &T::AccountId) -> ResId {
	ResAssets::<T>::insert_asset(
		owner.clone(),
		Technology::Solar,
		5_000,
		longest_point(),
		ResStatus::PendingApproval,
	)
	.expect("valid asset; qed")
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register() {
		let owner = producer::<T>();
		let before = crate::Assets::<T>::count();

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), Technology::Solar, MAX_NAMEPLATE_W, longest_point());

		assert_eq!(crate::Assets::<T>::count(), before + 1);
	}

	#[benchmark]
	fn approve_connection() {
		let id = pending::<T>(&producer::<T>());
		let dso = dso::<T>();

		#[extrinsic_call]
		_(RawOrigin::Signed(dso), id);

		assert_eq!(crate::Assets::<T>::get(id).map(|a| a.status), Some(ResStatus::Approved));
	}

	#[benchmark]
	fn reject_connection() {
		let id = pending::<T>(&producer::<T>());
		let dso = dso::<T>();

		#[extrinsic_call]
		_(RawOrigin::Signed(dso), id);

		assert_eq!(crate::Assets::<T>::get(id).map(|a| a.status), Some(ResStatus::Rejected));
	}

	#[benchmark]
	fn decommission() -> Result<(), BenchmarkError> {
		let id = pending::<T>(&producer::<T>());
		let origin =
			T::ManagerOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, id);

		assert_eq!(crate::Assets::<T>::get(id).map(|a| a.status), Some(ResStatus::Decommissioned));
		Ok(())
	}

	impl_benchmark_test_suite!(ResAssets, crate::mock::new_test_ext(), crate::mock::Test);
}
