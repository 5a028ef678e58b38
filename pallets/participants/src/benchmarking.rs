//! Benchmarks of the participant registry (frame-benchmarking v2).

use super::*;
use crate::Pallet as Participants;
use energy_primitives::Roles;
use frame_benchmarking::v2::*;
use frame_support::traits::EnsureOrigin;
use frame_system::RawOrigin;
use sp_core::H256;

/// A well-formed IDgrid code of the maximal length, unique per `i`.
fn code(i: u32) -> IdGridCode {
	let mut code = alloc::format!("BENCH-{i:08}").into_bytes();
	code.resize(MAX_CODE_LEN as usize, b'0');
	code.try_into().expect("exactly MAX_CODE_LEN bytes; qed")
}

fn registered<T: Config>(i: u32) -> T::AccountId {
	let who: T::AccountId = account("member", i, 0);
	Participants::<T>::do_register(who.clone(), code(i), Roles::PROSUMER, H256::repeat_byte(1))
		.expect("fresh account and code; qed");
	who
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register() -> Result<(), BenchmarkError> {
		let origin =
			T::ManagerOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let who: T::AccountId = account("member", 0, 0);

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, who.clone(), code(0), Roles::PROSUMER, H256::repeat_byte(7));

		assert!(crate::Participants::<T>::contains_key(&who));
		Ok(())
	}

	#[benchmark]
	fn set_roles() -> Result<(), BenchmarkError> {
		let origin =
			T::ManagerOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let who = registered::<T>(0);

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, who.clone(), Roles::CONSUMER);

		assert_eq!(crate::Participants::<T>::get(&who).map(|p| p.roles), Some(Roles::CONSUMER));
		Ok(())
	}

	#[benchmark]
	fn set_record_commitment() {
		let who = registered::<T>(0);

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), H256::repeat_byte(9));

		assert_eq!(
			crate::Participants::<T>::get(&who).map(|p| p.record_commitment),
			Some(H256::repeat_byte(9))
		);
	}

	#[benchmark]
	fn suspend() -> Result<(), BenchmarkError> {
		let origin =
			T::ManagerOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let who = registered::<T>(0);

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, who.clone());

		assert_eq!(
			crate::Participants::<T>::get(&who).map(|p| p.status),
			Some(ParticipantStatus::Suspended)
		);
		Ok(())
	}

	#[benchmark]
	fn reactivate() -> Result<(), BenchmarkError> {
		let origin =
			T::ManagerOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let who = registered::<T>(0);
		Participants::<T>::do_suspend(who.clone()).map_err(|_| BenchmarkError::Weightless)?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, who.clone());

		assert_eq!(
			crate::Participants::<T>::get(&who).map(|p| p.status),
			Some(ParticipantStatus::Active)
		);
		Ok(())
	}

	#[benchmark]
	fn leave() {
		let who = registered::<T>(0);

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));

		assert_eq!(
			crate::Participants::<T>::get(&who).map(|p| p.status),
			Some(ParticipantStatus::Left)
		);
	}

	impl_benchmark_test_suite!(Participants, crate::mock::new_test_ext(), crate::mock::Test);
}
