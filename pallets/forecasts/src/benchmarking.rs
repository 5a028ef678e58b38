//! Benchmarks of the forecast pallet (frame-benchmarking v2).

use super::*;
use crate::Pallet as Forecasts;
use alloc::vec::Vec;
use energy_primitives::{EnergyForecast, MarketClock, MeterRegistry};
use frame_benchmarking::v2::*;
use frame_support::{
	pallet_prelude::TransactionSource,
	traits::{Authorize, EnsureOrigin, Get},
	BoundedVec,
};
use frame_system::RawOrigin;
use sp_runtime::RuntimeAppPublic;

/// The slot the benchmarks' clock stands in.
const NOW: u32 = 1_000_000;

/// An authorised forecaster key from the benchmark keystore and a signed batch of `n` fresh
/// meters for the next slot.
fn signed_batch<T: Config>(
	n: u32,
) -> (ForecastBatchOf<T>, <T::ForecasterId as RuntimeAppPublic>::Signature) {
	T::Clock::set_current_slot(NOW);
	let key = T::ForecasterId::generate_pair(None);
	Forecasts::<T>::do_set_forecasters(alloc::vec![key.clone()])
		.expect("one forecaster fits; qed");
	let owner: T::AccountId = account("member", 0, 0);
	let forecasts: Vec<_> = (0..n)
		.map(|_| {
			let meter = T::Meters::register_for_benchmark(&owner, None);
			(meter, EnergyForecast { import_wh: 1_234, export_wh: 0 })
		})
		.collect();
	let batch = ForecastBatch {
		forecaster: key.clone(),
		slot: NOW + 1,
		forecasts: BoundedVec::try_from(forecasts).expect("n is at most the batch bound; qed"),
	};
	let signature = key
		.sign(&batch.signing_payload(&Forecasts::<T>::genesis_hash()))
		.expect("the key was generated in the keystore; qed");
	(batch, signature)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn submit_forecasts(
		n: Linear<1, { T::MaxForecastsPerBatch::get() }>,
	) -> Result<(), BenchmarkError> {
		let (batch, signature) = signed_batch::<T>(n);
		let (slot, first) = (batch.slot, batch.forecasts[0].0);

		#[extrinsic_call]
		_(RawOrigin::Authorized, batch, signature);

		assert!(crate::Forecasts::<T>::contains_key(slot, first));
		Ok(())
	}

	#[benchmark]
	fn authorize_submit_forecasts(
		n: Linear<1, { T::MaxForecastsPerBatch::get() }>,
	) -> Result<(), BenchmarkError> {
		let (batch, signature) = signed_batch::<T>(n);
		let call = Call::<T>::submit_forecasts { batch, signature };

		#[block]
		{
			call.authorize(TransactionSource::External)
				.ok_or("the call is authorised by a signature")?
				.map_err(|_| "the batch is valid")?;
		}
		Ok(())
	}

	#[benchmark]
	fn set_forecasters(n: Linear<1, { T::MaxForecasters::get() }>) -> Result<(), BenchmarkError> {
		let keys: Vec<T::ForecasterId> = (0..n).map(|_| T::ForecasterId::generate_pair(None)).collect();
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, keys);

		assert_eq!(crate::Forecasters::<T>::get().len() as u32, n);
		Ok(())
	}

	impl_benchmark_test_suite!(Forecasts, crate::mock::new_bench_ext(), crate::mock::Test);
}
