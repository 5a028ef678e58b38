//! Benchmarks of the token ledger (frame-benchmarking v2).

use super::*;
use crate::Pallet as EnergyTokens;
use energy_primitives::{EnergyMinter, Wh};
use frame_benchmarking::v2::*;
use frame_system::RawOrigin;

#[benchmarks]
mod benchmarks {
	use super::*;

	/// Retiring from `n` certificates, each with tokens left over (a holding written back).
	#[benchmark]
	fn retire(n: Linear<1, MAX_RETIRED_CERTIFICATES>) -> Result<(), BenchmarkError> {
		let who: T::AccountId = whitelisted_caller();
		let mut list = alloc::vec::Vec::new();
		for slot in 0..n {
			EnergyTokens::<T>::mint(&who, 0, slot, 2_000, Wh::MAX)
				.map_err(|_| BenchmarkError::Weightless)?;
			list.push(CertificateAmount { slot, res: 0, wh: 1_000 });
		}
		let certificates: RetiredCertificates = list.try_into().expect("n within the bound; qed");
		let claim: RetirementClaim =
			alloc::vec![b'c'; MAX_CLAIM_LEN as usize].try_into().expect("exact bound; qed");

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), certificates, claim);

		assert_eq!(EnergyTokens::<T>::holding(&who, 0, 0), 1_000);
		Ok(())
	}

	impl_benchmark_test_suite!(EnergyTokens, crate::mock::new_test_ext(), crate::mock::Test);
}
