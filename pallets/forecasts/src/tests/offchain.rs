//! The off-chain worker on real data: forecasts are made from the indexed readings, signed,
//! submitted to the pool, authorised and stored; the history rule holds it back.

use super::*;
use crate::{offchain::RunReport, Forecasts as ForecastsStorage, OFFCHAIN_LAST_RUN_KEY};
use energy_forecast::{forecast_next, Calendar};
use frame_support::{
	pallet_prelude::TransactionSource,
	traits::{Authorize, Hooks},
};
use frame_system::RawOrigin;
use pallet_meters::{offchain_reading_key, IndexedReading};
use parking_lot::RwLock;
use sp_core::offchain::{
	testing::{OffchainState, PoolState, TestOffchainExt, TestTransactionPoolExt},
	OffchainDbExt, OffchainWorkerExt, Timestamp, TransactionPoolExt,
};
use sp_runtime::traits::Dispatchable;

/// Slot of 2016-01-01 00:00 UTC with hourly slots: the first hour of the data.
const FIRST_DATA_SLOT: MarketSlot = 403_224;

/// A column of the development data (`data/simbench_2016_hourly.csv`), in the file's units.
fn column(name: &str) -> Vec<f64> {
	let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/simbench_2016_hourly.csv");
	let text = std::fs::read_to_string(path).expect("the development data is in the repository");
	let mut lines = text.lines();
	let header: Vec<&str> = lines.next().expect("header").split(',').collect();
	let index = header.iter().position(|h| *h == name).expect("column exists");
	lines.map(|line| line.split(',').nth(index).expect("field").parse().expect("number")).collect()
}

/// Meter 0: a household's consumption meter (H0-A, kW × 1000 = Wh per hour, no export);
/// meter 1: a 5 kWp PV roof's production meter (PV1 per unit × 5000, no import).
fn meter_series() -> Vec<(MeterId, Vec<u64>, Vec<u64>)> {
	let household: Vec<u64> =
		column("H0-A").iter().map(|kw| (kw * 1000.0).round() as u64).collect();
	let pv: Vec<u64> = column("PV1").iter().map(|pu| (pu * 5000.0).round() as u64).collect();
	vec![(0, household.clone(), vec![0; household.len()]), (1, vec![0; pv.len()], pv)]
}

/// Indexes, as the meters pallet does on acceptance, the readings of `meters` for slots
/// `from..until` (data hour = slot − FIRST_DATA_SLOT).
fn index_readings(meters: &[(MeterId, Vec<u64>, Vec<u64>)], from: MarketSlot, until: MarketSlot) {
	for (meter, import, export) in meters {
		for slot in from..until {
			let hour = (slot - FIRST_DATA_SLOT) as usize;
			let reading = IndexedReading {
				sequence: u64::from(slot),
				elapsed_slots: 1,
				import_wh: import[hour],
				export_wh: export[hour],
				registers: Default::default(),
			};
			sp_io::offchain_index::set(&offchain_reading_key(*meter, slot), &reading.encode());
		}
	}
}

/// Off-chain, pool and keystore extensions over the test externalities.
struct Worker {
	ext: sp_io::TestExternalities,
	offchain: Arc<RwLock<OffchainState>>,
	pool: Arc<RwLock<PoolState>>,
	forecaster: crate::crypto::ForecasterId,
}

impl Worker {
	fn new() -> Self {
		let (mut ext, forecaster, _) = ext_with_keystore();
		let (offchain_ext, offchain) = TestOffchainExt::with_offchain_db(ext.offchain_db());
		let (pool_ext, pool) = TestTransactionPoolExt::new();
		ext.register_extension(OffchainWorkerExt::new(offchain_ext.clone()));
		ext.register_extension(OffchainDbExt::new(offchain_ext));
		ext.register_extension(TransactionPoolExt::new(pool_ext));
		Worker { ext, offchain, pool, forecaster }
	}

	/// Runs the worker at the middle of `slot`.
	fn run_at(&mut self, slot: MarketSlot) {
		self.ext.persist_offchain_overlay();
		self.offchain.write().timestamp =
			Timestamp::from_unix_millis(u64::from(slot) * SLOT_MS + SLOT_MS / 2);
		self.ext.execute_with(|| {
			set_slot(slot);
			Forecasts::offchain_worker(1);
		});
	}

	/// The pool's transactions, decoded, taken out of the pool.
	fn drain_pool(&mut self) -> Vec<crate::Call<Test>> {
		let transactions = std::mem::take(&mut self.pool.write().transactions);
		transactions
			.into_iter()
			.map(|tx| {
				let xt = Extrinsic::decode(&mut &tx[..]).expect("the worker builds extrinsics");
				match xt.function {
					RuntimeCall::Forecasts(call) => call,
					other => panic!("unexpected call {other:?}"),
				}
			})
			.collect()
	}
}

use codec::Decode;

#[test]
fn the_worker_forecasts_every_meter_from_its_indexed_readings_and_the_chain_stores_them() {
	let mut worker = Worker::new();
	let meters = meter_series();
	let window = HistoryWindow::get();
	let horizon = ForecastHorizon::get();
	// Six weeks of hourly readings before the current slot (autumn 2016).
	let current = FIRST_DATA_SLOT + 24 * 7 * 40;
	worker.ext.execute_with(|| {
		add_meter(0, 1, None);
		add_meter(1, 2, Some(0));
		index_readings(&meters, current - 24 * 7 * 6, current);
	});
	worker.run_at(current);
	let calls = worker.drain_pool();
	// One batch per slot ahead (both meters fit a batch of the mock's 8).
	assert_eq!(calls.len() as u32, horizon);

	worker.ext.execute_with(|| {
		for call in calls {
			call.authorize(TransactionSource::Local)
				.expect("authorised call")
				.expect("the forecaster's batch is valid");
			let call: RuntimeCall = call.into();
			call.dispatch(RawOrigin::Authorized.into()).expect("applies");
		}
		// What the worker stored is what the model gives on the same window of readings.
		let first = current - window;
		let calendar = Calendar { first_hour: u64::from(first) };
		for (meter, import, export) in &meters {
			let series = |values: &Vec<u64>| -> Vec<f64> {
				(first..current).map(|s| values[(s - FIRST_DATA_SLOT) as usize] as f64).collect()
			};
			let import_ahead = forecast_next(&series(import), calendar, horizon as usize + 1)
				.expect("enough history");
			let export_ahead = forecast_next(&series(export), calendar, horizon as usize + 1)
				.expect("enough history");
			for step in 1..=horizon as usize {
				let stored = ForecastsStorage::<Test>::get(current + step as MarketSlot, *meter)
					.expect("stored");
				assert_eq!(stored.import_wh, import_ahead[step].round() as u64);
				assert_eq!(stored.export_wh, export_ahead[step].round() as u64);
			}
		}
		// The household's next-slot forecast is in its range of hourly use.
		let next = ForecastsStorage::<Test>::get(current + 1, 0).expect("stored");
		assert!((50..2_000).contains(&next.import_wh), "{next:?}");
		assert_ok_state();
	});

	// The worker runs once per slot: another block of the same slot submits nothing.
	worker.run_at(current);
	assert!(worker.drain_pool().is_empty());
	// In the next slot only the newest slot of the horizon is still unforecast.
	worker.ext.execute_with(|| index_readings(&meters, current, current + 1));
	worker.run_at(current + 1);
	let calls = worker.drain_pool();
	assert_eq!(calls.len(), 1);
	match &calls[0] {
		crate::Call::submit_forecasts { batch, .. } => {
			assert_eq!(batch.slot, current + 1 + horizon);
			assert_eq!(batch.forecaster, worker.forecaster);
			assert_eq!(batch.forecasts.iter().map(|(m, _)| *m).collect::<Vec<_>>(), [0, 1]);
		},
		other => panic!("unexpected call {other:?}"),
	}
}

fn assert_ok_state() {
	frame_support::assert_ok!(Forecasts::do_try_state());
}

#[test]
fn the_history_rule_holds_the_worker_back_until_enough_readings_are_indexed() {
	let mut worker = Worker::new();
	let meters = meter_series();
	let current = FIRST_DATA_SLOT + 24 * 7 * 40;
	// The lag-only reference model (m = 4) needs 50 + 8·4 + 1 = 83 usable hours, each with
	// its lag t−168: 168 + 82 slots of readings are one short.
	worker.ext.execute_with(|| {
		add_meter(0, 1, None);
		index_readings(&meters[..1], current - 168 - 82, current);
	});
	worker.ext.persist_offchain_overlay();
	worker.ext.execute_with(|| {
		set_slot(current);
		let key = worker.forecaster.clone();
		assert_eq!(
			crate::Pallet::<Test>::forecast_all(current, &key),
			RunReport { meters: 1, too_little_history: 1, ..Default::default() }
		);
	});
	worker.run_at(current);
	assert!(worker.drain_pool().is_empty());
	worker.ext.execute_with(|| assert!(ForecastsStorage::<Test>::iter().next().is_none()));

	// One more slot of readings: 83 usable hours, the worker forecasts.
	worker.ext.execute_with(|| index_readings(&meters[..1], current, current + 1));
	worker.run_at(current + 1);
	assert_eq!(worker.drain_pool().len() as u32, ForecastHorizon::get());
}

#[test]
fn a_node_without_an_authorised_forecaster_key_does_not_forecast() {
	let mut worker = Worker::new();
	let meters = meter_series();
	let current = FIRST_DATA_SLOT + 24 * 7 * 40;
	worker.ext.execute_with(|| {
		add_meter(0, 1, None);
		index_readings(&meters[..1], current - 24 * 7 * 3, current);
		Forecasts::set_forecasters(RuntimeOrigin::root(), vec![]).expect("root");
	});
	worker.run_at(current);
	assert!(worker.drain_pool().is_empty());
	let claimed = worker.offchain.read().persistent_storage.get(OFFCHAIN_LAST_RUN_KEY);
	assert_eq!(claimed, None);
}
