//! Benchmarks of the token ledger (frame-benchmarking v2).

use super::*;
use crate::Pallet as EnergyTokens;
use energy_primitives::EnergyMinter;
use frame_benchmarking::v2::*;
use frame_system::RawOrigin;

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn retire() -> Result<(), BenchmarkError> {
		let who: T::AccountId = whitelisted_caller();
		EnergyTokens::<T>::mint(&who, 0, 0, 2_000).map_err(|_| BenchmarkError::Weightless)?;
		let claim: RetirementClaim =
			alloc::vec![b'c'; MAX_CLAIM_LEN as usize].try_into().expect("exact bound; qed");

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), 1_000, claim);

		assert_eq!(crate::Balances::<T>::get(&who), 1_000);
		Ok(())
	}

	impl_benchmark_test_suite!(EnergyTokens, crate::mock::new_test_ext(), crate::mock::Test);
}
