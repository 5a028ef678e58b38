//! Submitting forecast batches: authorisation, storage, one forecast per meter and slot,
//! governance of the forecaster set, pruning.

use super::*;
use crate::{
	Error, Event, Forecasters, Forecasts as ForecastsStorage, LatestForecast, SlotForecast,
};
use frame_support::{
	assert_noop, assert_ok,
	pallet_prelude::{InvalidTransaction, TransactionSource},
	traits::{Authorize, Hooks},
};
use frame_system::RawOrigin;

/// Authorises `call` as the pool would, then dispatches it as block import does.
fn authorise_and_apply(
	batch: ForecastBatchOf<Test>,
	signature: crate::crypto::ForecasterSignature,
) -> Result<(), InvalidTransaction> {
	let call = crate::Call::<Test>::submit_forecasts { batch, signature };
	call.authorize(TransactionSource::External)
		.expect("the call is authorised by its signature")
		.map_err(|e| match e {
		sp_runtime::transaction_validity::TransactionValidityError::Invalid(i) => i,
		other => panic!("unexpected validity error {other:?}"),
	})?;
	let call: RuntimeCall = call.into();
	use sp_runtime::traits::Dispatchable;
	call.dispatch(RawOrigin::Authorized.into()).expect("an authorised batch applies");
	Ok(())
}

#[test]
fn a_signed_batch_is_stored_with_its_events() {
	let (mut ext, forecaster, _) = ext_with_keystore();
	ext.execute_with(|| {
		set_slot(100);
		add_meter(0, 1, None);
		add_meter(3, 2, Some(0));
		let (batch, signature) = signed(&forecaster, 101, vec![(0, imports(420)), (3, imports(7))]);
		assert_eq!(authorise_and_apply(batch, signature), Ok(()));
		assert_eq!(ForecastsStorage::<Test>::get(101, 0), Some(imports(420)));
		assert_eq!(
			LatestForecast::<Test>::get(3),
			Some(SlotForecast { slot: 101, forecast: imports(7) })
		);
		System::assert_has_event(
			Event::Forecast { meter: 0, slot: 101, forecast: imports(420) }.into(),
		);
		System::assert_last_event(
			Event::BatchProcessed { forecaster, slot: 101, stored: 2, skipped: 0 }.into(),
		);
		assert_ok!(Forecasts::do_try_state());
	});
}

#[test]
fn the_first_forecast_of_a_meter_for_a_slot_stands() {
	let (mut ext, forecaster, _) = ext_with_keystore();
	ext.execute_with(|| {
		set_slot(100);
		add_meter(0, 1, None);
		add_meter(1, 1, None);
		let (batch, signature) = signed(&forecaster, 102, vec![(1, imports(50))]);
		assert_eq!(authorise_and_apply(batch, signature), Ok(()));
		// Meter 0 is new for the slot, meter 1 is not: only meter 0's forecast is stored.
		let (batch, signature) = signed(&forecaster, 102, vec![(0, imports(9)), (1, imports(999))]);
		assert_eq!(authorise_and_apply(batch, signature), Ok(()));
		assert_eq!(ForecastsStorage::<Test>::get(102, 1), Some(imports(50)));
		assert_eq!(ForecastsStorage::<Test>::get(102, 0), Some(imports(9)));
		System::assert_last_event(
			Event::BatchProcessed {
				forecaster: forecaster.clone(),
				slot: 102,
				stored: 1,
				skipped: 1,
			}
			.into(),
		);
		// A batch whose first meter is already forecast (a replay) is refused in the pool.
		let (batch, signature) = signed(&forecaster, 102, vec![(1, imports(1))]);
		assert_eq!(authorise_and_apply(batch, signature), Err(InvalidTransaction::Stale));
		// Unregistered meters after the first are skipped.
		remove_meter(1);
		let (batch, signature) = signed(&forecaster, 103, vec![(0, imports(1)), (1, imports(2))]);
		assert_eq!(authorise_and_apply(batch, signature), Ok(()));
		assert_eq!(ForecastsStorage::<Test>::get(103, 0), Some(imports(1)));
		assert_eq!(ForecastsStorage::<Test>::get(103, 1), None);
	});
}

#[test]
fn invalid_batches_are_refused_and_change_nothing() {
	let (mut ext, forecaster, stranger) = ext_with_keystore();
	ext.execute_with(|| {
		set_slot(100);
		add_meter(0, 1, None);
		add_meter(1, 1, None);
		let before = state_root();
		let refused = |batch, signature| {
			assert_eq!(state_root(), before);
			authorise_and_apply(batch, signature).expect_err("refused")
		};
		let (batch, signature) = signed(&stranger, 101, vec![(0, imports(1))]);
		assert_eq!(refused(batch, signature), InvalidTransaction::BadSigner);
		let (batch, _) = signed(&forecaster, 101, vec![(0, imports(1))]);
		let (_, other_signature) = signed(&forecaster, 101, vec![(0, imports(2))]);
		assert_eq!(refused(batch, other_signature), InvalidTransaction::BadProof);
		let (batch, signature) = signed(&forecaster, 100, vec![(0, imports(1))]);
		assert_eq!(refused(batch, signature), InvalidTransaction::Stale);
		let (batch, signature) = signed(&forecaster, 105, vec![(0, imports(1))]);
		assert_eq!(refused(batch, signature), InvalidTransaction::Future);
		let (batch, signature) = signed(&forecaster, 101, vec![(1, imports(1)), (0, imports(1))]);
		assert_eq!(refused(batch, signature), InvalidTransaction::Call);
		let (batch, signature) = signed(&forecaster, 101, vec![(0, imports(1)), (0, imports(2))]);
		assert_eq!(refused(batch, signature), InvalidTransaction::Call);
		let (batch, signature) = signed(&forecaster, 101, vec![]);
		assert_eq!(refused(batch, signature), InvalidTransaction::Call);
		// Nobody can dispatch it without the authorisation, not even root.
		let (batch, signature) = signed(&forecaster, 101, vec![(0, imports(1))]);
		assert_noop!(
			Forecasts::submit_forecasts(RuntimeOrigin::root(), batch.clone(), signature.clone()),
			sp_runtime::DispatchError::BadOrigin
		);
		assert_noop!(
			Forecasts::submit_forecasts(RuntimeOrigin::signed(1), batch, signature),
			sp_runtime::DispatchError::BadOrigin
		);
		assert_eq!(state_root(), before);
	});
}

#[test]
fn governance_sets_distinct_forecasters_within_the_bound() {
	let keystore = MemoryKeystore::new();
	let keys: Vec<_> =
		(0..5).map(|i| forecaster_in(&keystore, &format!("//Forecaster{i}"))).collect();
	new_test_ext().execute_with(|| {
		assert_noop!(
			Forecasts::set_forecasters(RuntimeOrigin::signed(1), keys[..1].to_vec()),
			sp_runtime::DispatchError::BadOrigin
		);
		assert_noop!(
			Forecasts::set_forecasters(
				RuntimeOrigin::root(),
				vec![keys[0].clone(), keys[0].clone()]
			),
			Error::<Test>::DuplicateForecaster
		);
		assert_noop!(
			Forecasts::set_forecasters(RuntimeOrigin::root(), keys.clone()),
			Error::<Test>::TooManyForecasters
		);
		assert_ok!(Forecasts::set_forecasters(RuntimeOrigin::root(), keys[..4].to_vec()));
		let mut sorted = keys[..4].to_vec();
		sorted.sort();
		assert_eq!(Forecasters::<Test>::get().into_inner(), sorted);
		assert_ok!(Forecasts::do_try_state());
	});
}

#[test]
fn old_slots_are_pruned_and_latest_forecasts_stay() {
	let (mut ext, forecaster, _) = ext_with_keystore();
	ext.execute_with(|| {
		set_slot(100);
		Forecasts::on_initialize(1);
		add_meter(0, 1, None);
		for slot in 101..=104 {
			let (batch, signature) = signed(&forecaster, slot, vec![(0, imports(slot.into()))]);
			assert_eq!(authorise_and_apply(batch, signature), Ok(()));
		}
		// 24 slots are kept: at slot 127, slots before 103 go, at most 16 slots per block
		// (pruning started at slot 76, when the clock was first seen).
		set_slot(127);
		Forecasts::on_initialize(2);
		assert_eq!(ForecastsStorage::<Test>::get(101, 0), Some(imports(101)));
		Forecasts::on_initialize(3);
		assert_eq!(ForecastsStorage::<Test>::get(101, 0), None);
		assert_eq!(ForecastsStorage::<Test>::get(102, 0), None);
		assert_eq!(ForecastsStorage::<Test>::get(103, 0), Some(imports(103)));
		System::assert_has_event(Event::SlotPruned { slot: 102 }.into());
		assert_eq!(
			LatestForecast::<Test>::get(0),
			Some(SlotForecast { slot: 104, forecast: imports(104) })
		);
		assert_ok!(Forecasts::do_try_state());
	});
}

/// The replay of the issue: a batch whose first meter is not registered stored nothing for
/// it, so the same batch authorised again in every block (fee-free, at top priority) and
/// under any new transaction hash. It is refused now, and a batch that did go on chain can
/// never be authorised again.
#[test]
fn a_batch_cannot_be_replayed() {
	let (mut ext, forecaster, _) = ext_with_keystore();
	ext.execute_with(|| {
		set_slot(100);
		add_meter(1, 1, None);
		add_meter(2, 1, None);
		// Meter 0 is not registered (or was revoked): the batch is refused, changing nothing.
		let before = state_root();
		let (batch, signature) = signed(&forecaster, 101, vec![(0, imports(5)), (1, imports(5))]);
		let call = crate::Call::<Test>::submit_forecasts { batch, signature };
		for _ in 0..3 {
			assert_eq!(
				call.authorize(TransactionSource::External).map(|r| r.map(|_| ())),
				Some(Err(InvalidTransaction::Call.into()))
			);
		}
		assert_eq!(state_root(), before);
		// A batch that went on chain is stale from then on, whatever else it holds.
		let (batch, signature) = signed(&forecaster, 101, vec![(1, imports(5)), (2, imports(6))]);
		assert_eq!(authorise_and_apply(batch.clone(), signature.clone()), Ok(()));
		let after = state_root();
		assert_eq!(authorise_and_apply(batch, signature), Err(InvalidTransaction::Stale));
		assert_eq!(state_root(), after);
	});
}
