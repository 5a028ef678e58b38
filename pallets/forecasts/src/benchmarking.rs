//! Benchmarks of the forecast pallet (frame-benchmarking v2).

use super::*;
use crate::Pallet as Forecasts;
use alloc::vec::Vec;
use energy_primitives::{EnergyForecast, MarketClock, MeterId, MeterRegistry};
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

/// A household-like hourly profile, Wh: a daily double peak, a weekend level and a
/// deterministic ripple, so that both the per-hour and the reference models are fitted.
fn profile(slot: u32) -> u64 {
	let hour = slot % 24;
	let daily =
		[3, 2, 2, 2, 2, 3, 6, 9, 8, 6, 5, 5, 6, 5, 5, 5, 6, 8, 11, 12, 10, 8, 6, 4][hour as usize];
	let weekend = if (slot / 24) % 7 >= 5 { 3 } else { 0 };
	let ripple = (slot.wrapping_mul(2_654_435_761) >> 28) as u64;
	(daily + weekend) * 40 + ripple
}

/// Indexes meter `meter`'s readings of slots `from..until` in the node's off-chain storage,
/// as the meters pallet does on acceptance.
fn index_history(meter: MeterId, from: u32, until: u32) {
	for slot in from..until {
		let reading = pallet_meters::IndexedReading {
			sequence: u64::from(slot),
			elapsed_slots: 1,
			import_wh: profile(slot),
			export_wh: 0,
			registers: Default::default(),
		};
		sp_io::offchain::local_storage_set(
			sp_core::offchain::StorageKind::PERSISTENT,
			&pallet_meters::offchain_reading_key(meter, slot),
			&codec::Encode::encode(&reading),
		);
	}
}

/// An authorised forecaster key from the benchmark keystore and a signed batch of `n` fresh
/// meters for the next slot.
fn signed_batch<T: Config>(
	n: u32,
) -> (ForecastBatchOf<T>, <T::ForecasterId as RuntimeAppPublic>::Signature) {
	T::Clock::set_current_slot(NOW);
	let key = T::ForecasterId::generate_pair(None);
	Forecasts::<T>::do_set_forecasters(alloc::vec![key.clone()]).expect("one forecaster fits; qed");
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

	/// The off-chain worker's work for one meter whose series cache is empty (a new node or
	/// a new meter): `HistoryWindow` index reads, both models fitted for import and export,
	/// `ForecastHorizon + 1` slots forecast. Not a dispatchable: the figure is the forecaster's
	/// time per meter in the runtime's wasm.
	#[benchmark]
	fn forecast_meter_cold() -> Result<(), BenchmarkError> {
		let window = T::HistoryWindow::get();
		index_history(0, NOW - window, NOW);
		let forecast;
		#[block]
		{
			forecast = Forecasts::<T>::forecast_meter(0, NOW, T::ForecastHorizon::get());
		}
		let forecast = forecast.map_err(|_| "a full window of history is enough")?;
		assert_eq!(forecast.len() as u32, T::ForecastHorizon::get());
		Ok(())
	}

	/// The same for a meter whose cache holds the window up to the slot before: the steady
	/// state of every slot (the new slot and the last few are read from the index).
	#[benchmark]
	fn forecast_meter_warm() -> Result<(), BenchmarkError> {
		let window = T::HistoryWindow::get();
		index_history(0, NOW - window - 1, NOW);
		Forecasts::<T>::forecast_meter(0, NOW - 1, T::ForecastHorizon::get())
			.map_err(|_| "a full window of history is enough")?;
		let forecast;
		#[block]
		{
			forecast = Forecasts::<T>::forecast_meter(0, NOW, T::ForecastHorizon::get());
		}
		forecast.map_err(|_| "a full window of history is enough")?;
		Ok(())
	}

	#[benchmark]
	fn set_forecasters(n: Linear<1, { T::MaxForecasters::get() }>) -> Result<(), BenchmarkError> {
		let keys: Vec<T::ForecasterId> =
			(0..n).map(|_| T::ForecasterId::generate_pair(None)).collect();
		let origin =
			T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, keys);

		assert_eq!(crate::Forecasters::<T>::get().len() as u32, n);
		Ok(())
	}

	impl_benchmark_test_suite!(Forecasts, crate::mock::new_bench_ext(), crate::mock::Test);
}
