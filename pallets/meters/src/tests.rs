//! Tests of the meter registry and of reading submission: every call's effect, every error and
//! every rejection reason, with the state shown unchanged where nothing may change.

use crate::{
	mock::*, offchain_reading_key, BatchTally, Error, Event, Gateways, IndexedReading,
	MeterDirectory, MeterKind, MeterStatus, ProductionMeterOf, ReadingBatch, Registers,
	RejectionReason,
};
use codec::Decode;
use energy_primitives::{MeterReading, SignedReading};
use frame_support::{assert_noop, assert_ok, dispatch::Pays};
use pallet_energy_tokens::{Balances as TokenBalances, TotalMinted};
use sp_core::Pair;
use sp_runtime::DispatchError;

const ZERO: Registers = Registers { import_wh: 0, export_wh: 0 };

fn register_consumption_meter(n: u32) -> u32 {
	let id = crate::NextMeterId::<Test>::get();
	assert_ok!(Meters::register_meter(
		RuntimeOrigin::root(),
		CONSUMER,
		MeterKind::Consumption,
		sr_key(&sr_pair(n)),
		GATEWAY,
		ZERO
	));
	id
}

fn register_production_meter(n: u32) -> u32 {
	let id = crate::NextMeterId::<Test>::get();
	assert_ok!(Meters::register_meter(
		RuntimeOrigin::root(),
		PROSUMER,
		MeterKind::Production { res: APPROVED_RES },
		sr_key(&sr_pair(n)),
		GATEWAY,
		ZERO
	));
	id
}

fn reading(meter: u32, sequence: u64, slot: u32, import_wh: u64, export_wh: u64) -> MeterReading {
	MeterReading { meter, sequence, slot, import_wh, export_wh }
}

fn batch(readings: Vec<SignedReading>) -> ReadingBatch<Test> {
	readings.try_into().expect("test batches fit")
}

fn submit(readings: Vec<SignedReading>) -> Pays {
	Meters::submit_readings(RuntimeOrigin::signed(GATEWAY), batch(readings))
		.expect("a gateway's batch is processed")
		.pays_fee
}

fn rejected(meter: u32, sequence: u64, reason: RejectionReason) -> RuntimeEvent {
	Event::ReadingRejected { meter, sequence, reason }.into()
}

/// Runs `readings` (each expected to be rejected for `reason`) and checks nothing changed.
fn assert_rejected_without_effect(readings: Vec<SignedReading>, reason: RejectionReason) {
	let page_before = Gateways::<Test>::get(GATEWAY);
	let minted_before = TotalMinted::<Test>::get();
	let pays = submit(readings.clone());
	assert_eq!(pays, Pays::Yes);
	for signed in &readings {
		System::assert_has_event(rejected(signed.reading.meter, signed.reading.sequence, reason));
	}
	assert_eq!(Gateways::<Test>::get(GATEWAY), page_before);
	assert_eq!(TotalMinted::<Test>::get(), minted_before);
}

// ---------------------------------------------------------------- gateways and meters

/// Separation of duties: an account that is both DSO and producer (roles combine) tries to
/// install a meter key it holds on its own RES, rotate the key of an existing production
/// meter to one it holds, or revoke another member's meter. Only the manager installs keys.
#[test]
fn a_dso_cannot_install_revoke_or_rotate_meter_keys() {
	new_test_ext().execute_with(|| {
		assert_ok!(Participants::set_roles(
			RuntimeOrigin::root(),
			DSO,
			energy_primitives::Roles::DSO.union(energy_primitives::Roles::PRODUCER)
		));
		let meter = register_production_meter(1);
		let before = sp_io::storage::root(sp_runtime::StateVersion::V1);
		let dso = || RuntimeOrigin::signed(DSO);
		let own_key = sr_key(&sr_pair(9));
		assert_noop!(
			Meters::register_meter(dso(), DSO, MeterKind::Consumption, own_key, GATEWAY, ZERO),
			Error::<Test>::NotMeterAdmin
		);
		assert_noop!(Meters::rotate_meter_key(dso(), meter, own_key), Error::<Test>::NotMeterAdmin);
		assert_noop!(Meters::revoke_meter(dso(), meter), Error::<Test>::NotMeterAdmin);
		assert_noop!(Meters::register_gateway(dso(), DSO), Error::<Test>::NotMeterAdmin);
		assert_eq!(sp_io::storage::root(sp_runtime::StateVersion::V1), before);
	});
}

#[test]
fn gateways_are_administered_by_the_manager_only() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			Meters::register_gateway(RuntimeOrigin::signed(CONSUMER), 20),
			Error::<Test>::NotMeterAdmin
		);
		assert_noop!(Meters::register_gateway(RuntimeOrigin::none(), 20), DispatchError::BadOrigin);
		assert_noop!(
			Meters::register_gateway(RuntimeOrigin::signed(DSO), 20),
			Error::<Test>::NotMeterAdmin
		);
		assert_ok!(Meters::register_gateway(RuntimeOrigin::root(), 20));
		System::assert_last_event(Event::GatewayRegistered { gateway: 20 }.into());
		assert_noop!(
			Meters::register_gateway(RuntimeOrigin::root(), 20),
			Error::<Test>::GatewayExists
		);
		assert_noop!(Meters::remove_gateway(RuntimeOrigin::root(), 21), Error::<Test>::NotGateway);
		register_consumption_meter(1);
		assert_noop!(
			Meters::remove_gateway(RuntimeOrigin::root(), GATEWAY),
			Error::<Test>::GatewayHasMeters
		);
		assert_ok!(Meters::remove_gateway(RuntimeOrigin::root(), 20));
		System::assert_last_event(Event::GatewayRemoved { gateway: 20 }.into());
		assert_ok!(Meters::do_try_state());
	});
}

#[test]
fn register_meter_checks_owner_res_and_gateway() {
	new_test_ext().execute_with(|| {
		let key = sr_key(&sr_pair(1));
		let reg = |owner, kind, gateway| {
			Meters::register_meter(RuntimeOrigin::root(), owner, kind, key, gateway, ZERO)
		};
		assert_noop!(reg(99, MeterKind::Consumption, GATEWAY), Error::<Test>::NotParticipant);
		assert_noop!(reg(CONSUMER, MeterKind::Consumption, 99), Error::<Test>::NotGateway);
		assert_noop!(
			reg(PROSUMER, MeterKind::Production { res: 9 }, GATEWAY),
			Error::<Test>::UnknownRes
		);
		assert_noop!(
			reg(CONSUMER, MeterKind::Production { res: APPROVED_RES }, GATEWAY),
			Error::<Test>::NotResOwner
		);
		assert_noop!(
			Meters::register_meter(
				RuntimeOrigin::signed(CONSUMER),
				CONSUMER,
				MeterKind::Consumption,
				key,
				GATEWAY,
				ZERO
			),
			Error::<Test>::NotMeterAdmin
		);
		let id = register_production_meter(1);
		System::assert_last_event(
			Event::MeterRegistered {
				meter: id,
				owner: PROSUMER,
				kind: MeterKind::Production { res: APPROVED_RES },
				gateway: GATEWAY,
			}
			.into(),
		);
		assert_eq!(ProductionMeterOf::<Test>::get(APPROVED_RES), Some(id));
		assert_noop!(
			reg(PROSUMER, MeterKind::Production { res: APPROVED_RES }, GATEWAY),
			Error::<Test>::ResHasMeter
		);
		let meter = Meters::meter(id).expect("listed");
		assert_eq!(meter.last_slot, Some(999));
		assert_eq!(meter.last_sequence, 0);
		assert_ok!(Meters::do_try_state());
	});
}

#[test]
fn a_full_gateway_and_exhausted_ids_are_errors() {
	new_test_ext().execute_with(|| {
		for n in 0..64 {
			register_consumption_meter(n);
		}
		assert_noop!(
			Meters::register_meter(
				RuntimeOrigin::root(),
				CONSUMER,
				MeterKind::Consumption,
				sr_key(&sr_pair(99)),
				GATEWAY,
				ZERO
			),
			Error::<Test>::GatewayFull
		);
		crate::NextMeterId::<Test>::put(u32::MAX);
		assert_noop!(
			Meters::register_meter(
				RuntimeOrigin::root(),
				CONSUMER,
				MeterKind::Consumption,
				sr_key(&sr_pair(99)),
				OTHER_GATEWAY,
				ZERO
			),
			Error::<Test>::IdsExhausted
		);
	});
}

#[test]
fn revoke_takes_the_meter_off_its_page_and_frees_its_res() {
	new_test_ext().execute_with(|| {
		assert_noop!(Meters::revoke_meter(RuntimeOrigin::root(), 5), Error::<Test>::UnknownMeter);
		let id = register_production_meter(1);
		assert_noop!(
			Meters::revoke_meter(RuntimeOrigin::signed(DSO), id),
			Error::<Test>::NotMeterAdmin
		);
		assert_ok!(Meters::revoke_meter(RuntimeOrigin::root(), id));
		System::assert_last_event(Event::MeterRevoked { meter: id }.into());
		assert_eq!(Meters::meter(id), None);
		assert_eq!(MeterDirectory::<Test>::get(id).map(|e| e.status), Some(MeterStatus::Revoked));
		assert_eq!(ProductionMeterOf::<Test>::get(APPROVED_RES), None);
		assert_noop!(Meters::revoke_meter(RuntimeOrigin::root(), id), Error::<Test>::MeterRevoked);
		assert_noop!(
			Meters::rotate_meter_key(RuntimeOrigin::root(), id, sr_key(&sr_pair(2))),
			Error::<Test>::MeterRevoked
		);
		// A replacement meter may now be registered for the RES.
		register_production_meter(2);
		assert_ok!(Meters::do_try_state());
	});
}

#[test]
fn rotated_key_replaces_the_old_one() {
	new_test_ext().execute_with(|| {
		let id = register_consumption_meter(1);
		assert_noop!(
			Meters::rotate_meter_key(RuntimeOrigin::root(), 42, sr_key(&sr_pair(2))),
			Error::<Test>::UnknownMeter
		);
		assert_noop!(
			Meters::rotate_meter_key(RuntimeOrigin::root(), id, sr_key(&sr_pair(1))),
			Error::<Test>::SameKey
		);
		let new_pair = ed_pair(2);
		assert_ok!(Meters::rotate_meter_key(RuntimeOrigin::root(), id, ed_key(&new_pair)));
		System::assert_last_event(
			Event::MeterKeyRotated { meter: id, key: ed_key(&new_pair) }.into(),
		);
		assert_rejected_without_effect(
			vec![signed_sr(&sr_pair(1), reading(id, 1, 1_000, 100, 0))],
			RejectionReason::BadSignature,
		);
		submit(vec![signed_ed(&new_pair, reading(id, 1, 1_000, 100, 0))]);
		assert_eq!(Meters::meter(id).map(|m| m.last_sequence), Some(1));
	});
}

// ---------------------------------------------------------------- readings

#[test]
fn only_registered_gateways_submit_and_batches_are_not_empty() {
	new_test_ext().execute_with(|| {
		let id = register_consumption_meter(1);
		let r = signed_sr(&sr_pair(1), reading(id, 1, 1_000, 100, 0));
		assert_noop!(
			Meters::submit_readings(RuntimeOrigin::signed(CONSUMER), batch(vec![r])),
			Error::<Test>::NotGateway
		);
		assert_noop!(
			Meters::submit_readings(RuntimeOrigin::signed(GATEWAY), batch(vec![])),
			Error::<Test>::EmptyBatch
		);
		assert_noop!(
			Meters::submit_readings(RuntimeOrigin::none(), batch(vec![r])),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn accepted_consumption_reading_advances_registers_mints_nothing_and_is_free() {
	new_test_ext().execute_with(|| {
		let id = register_consumption_meter(1);
		let pays = submit(vec![signed_sr(&sr_pair(1), reading(id, 1, 1_000, 1_250, 10))]);
		assert_eq!(pays, Pays::No);
		System::assert_has_event(
			Event::ReadingAccepted {
				meter: id,
				sequence: 1,
				slot: 1_000,
				import_wh: 1_250,
				export_wh: 10,
				minted_wh: 0,
			}
			.into(),
		);
		System::assert_last_event(
			Event::BatchProcessed {
				gateway: GATEWAY,
				tally: BatchTally { accepted: 1, duplicates: 0, rejected: 0, minted_wh: 0 },
			}
			.into(),
		);
		let meter = Meters::meter(id).expect("listed");
		assert_eq!((meter.last_sequence, meter.last_slot), (1, Some(1_000)));
		assert_eq!(meter.registers, Registers { import_wh: 1_250, export_wh: 10 });
		assert_eq!(TotalMinted::<Test>::get(), 0);
	});
}

#[test]
fn accepted_production_reading_mints_to_the_res_owner_with_a_certificate() {
	new_test_ext().execute_with(|| {
		let id = register_production_meter(1);
		submit(vec![signed_sr(&sr_pair(1), reading(id, 1, 1_000, 3, 4_200))]);
		System::assert_has_event(
			Event::ReadingAccepted {
				meter: id,
				sequence: 1,
				slot: 1_000,
				import_wh: 3,
				export_wh: 4_200,
				minted_wh: 4_200,
			}
			.into(),
		);
		assert_eq!(TokenBalances::<Test>::get(PROSUMER), 4_200);
		assert_eq!(
			pallet_energy_tokens::Certificates::<Test>::get(1_000, APPROVED_RES)
				.map(|c| c.minted_wh),
			Some(4_200)
		);
		assert_ok!(EnergyTokens::do_try_state());
	});
}

#[test]
fn export_of_a_pending_res_is_accepted_but_mints_nothing() {
	new_test_ext().execute_with(|| {
		let id = crate::NextMeterId::<Test>::get();
		assert_ok!(Meters::register_meter(
			RuntimeOrigin::root(),
			PENDING_PRODUCER,
			MeterKind::Production { res: PENDING_RES },
			ed_key(&ed_pair(7)),
			GATEWAY,
			ZERO
		));
		submit(vec![signed_ed(&ed_pair(7), reading(id, 1, 1_000, 0, 2_000))]);
		System::assert_has_event(
			Event::ReadingAccepted {
				meter: id,
				sequence: 1,
				slot: 1_000,
				import_wh: 0,
				export_wh: 2_000,
				minted_wh: 0,
			}
			.into(),
		);
		assert_eq!(TotalMinted::<Test>::get(), 0);
		// After approval, only the export after the approval mints.
		assert_ok!(ResAssets::approve_connection(RuntimeOrigin::signed(DSO), PENDING_RES));
		CurrentSlot::set(1_001);
		submit(vec![signed_ed(&ed_pair(7), reading(id, 2, 1_001, 0, 2_500))]);
		assert_eq!(TokenBalances::<Test>::get(PENDING_PRODUCER), 500);
	});
}

/// Suspending a producer stops its minting at the next reading: its export is metered (the
/// registers advance, so no later reading can mint the suspension's energy) but mints nothing
/// until the manager reactivates it.
#[test]
fn a_suspended_producers_export_mints_nothing() {
	new_test_ext().execute_with(|| {
		let id = register_production_meter(1);
		assert_ok!(Participants::suspend(RuntimeOrigin::root(), PROSUMER));
		submit(vec![signed_sr(&sr_pair(1), reading(id, 1, 1_000, 0, 1_000))]);
		System::assert_has_event(
			Event::ReadingAccepted {
				meter: id,
				sequence: 1,
				slot: 1_000,
				import_wh: 0,
				export_wh: 1_000,
				minted_wh: 0,
			}
			.into(),
		);
		assert_eq!(TotalMinted::<Test>::get(), 0);
		assert_eq!(Meters::meter(id).map(|m| m.registers.export_wh), Some(1_000));
		assert_ok!(Participants::reactivate(RuntimeOrigin::root(), PROSUMER));
		CurrentSlot::set(1_001);
		submit(vec![signed_sr(&sr_pair(1), reading(id, 2, 1_001, 0, 1_600))]);
		assert_eq!(TokenBalances::<Test>::get(PROSUMER), 600);
		assert_ok!(EnergyTokens::do_try_state());
	});
}

#[test]
fn resubmitting_an_accepted_reading_is_a_no_op_that_pays() {
	new_test_ext().execute_with(|| {
		let id = register_production_meter(1);
		let r = signed_sr(&sr_pair(1), reading(id, 1, 1_000, 0, 1_000));
		submit(vec![r]);
		let page = Gateways::<Test>::get(GATEWAY);
		let pays = submit(vec![r]);
		assert_eq!(pays, Pays::Yes);
		System::assert_has_event(Event::ReadingDuplicate { meter: id, sequence: 1 }.into());
		assert_eq!(Gateways::<Test>::get(GATEWAY), page);
		assert_eq!(TotalMinted::<Test>::get(), 1_000);
	});
}

#[test]
fn one_bad_reading_does_not_sink_the_batch() {
	new_test_ext().execute_with(|| {
		let a = register_consumption_meter(1);
		let b = register_consumption_meter(2);
		let pays = submit(vec![
			signed_sr(&sr_pair(1), reading(a, 1, 1_000, 10, 0)),
			signed_sr(&sr_pair(1), reading(b, 1, 1_000, 10, 0)), // wrong key for b
			signed_sr(&sr_pair(2), reading(b, 2, 1_000, 20, 0)),
		]);
		assert_eq!(pays, Pays::Yes);
		System::assert_has_event(rejected(b, 1, RejectionReason::BadSignature));
		System::assert_last_event(
			Event::BatchProcessed {
				gateway: GATEWAY,
				tally: BatchTally { accepted: 2, duplicates: 0, rejected: 1, minted_wh: 0 },
			}
			.into(),
		);
		assert_eq!(Meters::meter(b).map(|m| m.last_sequence), Some(2));
	});
}

#[test]
fn a_lost_reading_is_folded_into_the_next() {
	new_test_ext().execute_with(|| {
		let id = register_production_meter(1);
		CurrentSlot::set(1_002);
		submit(vec![signed_sr(&sr_pair(1), reading(id, 1, 1_000, 0, 4_000))]);
		// The reading for slot 1,001 never arrives; the one for 1,002 covers two slots, so up to
		// 2 × 5 kWh may be exported.
		submit(vec![signed_sr(&sr_pair(1), reading(id, 3, 1_002, 0, 13_000))]);
		System::assert_has_event(
			Event::ReadingAccepted {
				meter: id,
				sequence: 3,
				slot: 1_002,
				import_wh: 0,
				export_wh: 9_000,
				minted_wh: 9_000,
			}
			.into(),
		);
	});
}

#[test]
fn unknown_revoked_and_foreign_meters_are_rejected() {
	new_test_ext().execute_with(|| {
		let foreign = crate::NextMeterId::<Test>::get();
		assert_ok!(Meters::register_meter(
			RuntimeOrigin::root(),
			CONSUMER,
			MeterKind::Consumption,
			sr_key(&sr_pair(1)),
			OTHER_GATEWAY,
			ZERO
		));
		let revoked = register_consumption_meter(2);
		assert_ok!(Meters::revoke_meter(RuntimeOrigin::root(), revoked));
		assert_rejected_without_effect(
			vec![signed_sr(&sr_pair(9), reading(77, 1, 1_000, 1, 0))],
			RejectionReason::UnknownMeter,
		);
		assert_rejected_without_effect(
			vec![signed_sr(&sr_pair(1), reading(foreign, 1, 1_000, 1, 0))],
			RejectionReason::NotGatewaysMeter,
		);
		assert_rejected_without_effect(
			vec![signed_sr(&sr_pair(2), reading(revoked, 1, 1_000, 1, 0))],
			RejectionReason::MeterRevoked,
		);
	});
}

#[test]
fn bad_signatures_are_rejected() {
	new_test_ext().execute_with(|| {
		let id = register_consumption_meter(1);
		// Signed by another key.
		assert_rejected_without_effect(
			vec![signed_sr(&sr_pair(2), reading(id, 1, 1_000, 1, 0))],
			RejectionReason::BadSignature,
		);
		// Signed for another chain (another genesis hash).
		let r = reading(id, 1, 1_000, 1, 0);
		let other_chain = sr_pair(1).sign(&r.signing_payload(&sp_core::H256::repeat_byte(9)));
		assert_rejected_without_effect(
			vec![SignedReading {
				reading: r,
				signature: energy_primitives::MeterSignature::Sr25519(other_chain),
			}],
			RejectionReason::BadSignature,
		);
		// Signed over other values than submitted.
		let mut tampered = signed_sr(&sr_pair(1), reading(id, 1, 1_000, 1, 0));
		tampered.reading.import_wh = 1_000_000;
		assert_rejected_without_effect(vec![tampered], RejectionReason::BadSignature);
		// The right key, the wrong scheme.
		assert_rejected_without_effect(
			vec![signed_ed(&ed_pair(1), reading(id, 1, 1_000, 1, 0))],
			RejectionReason::BadSignature,
		);
	});
}

#[test]
fn old_sequences_slots_and_future_slots_are_rejected() {
	new_test_ext().execute_with(|| {
		let id = register_consumption_meter(1);
		CurrentSlot::set(1_005);
		submit(vec![signed_sr(&sr_pair(1), reading(id, 5, 1_002, 100, 0))]);
		assert_rejected_without_effect(
			vec![signed_sr(&sr_pair(1), reading(id, 4, 1_003, 200, 0))],
			RejectionReason::StaleSequence,
		);
		// Same sequence, other values: a replay attempt, not a copy.
		assert_rejected_without_effect(
			vec![signed_sr(&sr_pair(1), reading(id, 5, 1_002, 150, 0))],
			RejectionReason::StaleSequence,
		);
		assert_rejected_without_effect(
			vec![signed_sr(&sr_pair(1), reading(id, 6, 1_002, 200, 0))],
			RejectionReason::SlotNotAfterLast,
		);
		assert_rejected_without_effect(
			vec![signed_sr(&sr_pair(1), reading(id, 6, 1_006, 200, 0))],
			RejectionReason::SlotInFuture,
		);
	});
}

#[test]
fn registers_going_backwards_are_rejected() {
	new_test_ext().execute_with(|| {
		let id = register_consumption_meter(1);
		CurrentSlot::set(1_003);
		submit(vec![signed_sr(&sr_pair(1), reading(id, 1, 1_000, 100, 50))]);
		assert_rejected_without_effect(
			vec![signed_sr(&sr_pair(1), reading(id, 2, 1_001, 99, 60))],
			RejectionReason::RegisterWentBackwards,
		);
		assert_rejected_without_effect(
			vec![signed_sr(&sr_pair(1), reading(id, 2, 1_001, 120, 49))],
			RejectionReason::RegisterWentBackwards,
		);
	});
}

#[test]
fn export_above_the_nameplate_is_rejected() {
	new_test_ext().execute_with(|| {
		let id = register_production_meter(1);
		// 5,000 W for one hour: 5,000 Wh at most.
		assert_rejected_without_effect(
			vec![signed_sr(&sr_pair(1), reading(id, 1, 1_000, 0, 5_001))],
			RejectionReason::ExportAboveCapacity,
		);
		submit(vec![signed_sr(&sr_pair(1), reading(id, 1, 1_000, 0, 5_000))]);
		assert_eq!(TotalMinted::<Test>::get(), 5_000);
	});
}

#[test]
fn mint_overflow_is_rejected_without_effect() {
	new_test_ext().execute_with(|| {
		let id = register_production_meter(1);
		TotalMinted::<Test>::put(u128::MAX);
		let page = Gateways::<Test>::get(GATEWAY);
		submit(vec![signed_sr(&sr_pair(1), reading(id, 1, 1_000, 0, 10))]);
		System::assert_has_event(rejected(id, 1, RejectionReason::MintOverflow));
		assert_eq!(Gateways::<Test>::get(GATEWAY), page);
	});
}

#[test]
fn accepted_readings_are_indexed_off_chain() {
	let mut ext = new_test_ext();
	let id = ext.execute_with(|| {
		let id = register_consumption_meter(1);
		submit(vec![signed_sr(&sr_pair(1), reading(id, 1, 1_000, 700, 0))]);
		id
	});
	ext.persist_offchain_overlay();
	let stored = ext.offchain_db().get(&offchain_reading_key(id, 1_000)).expect("reading indexed");
	let indexed = IndexedReading::decode(&mut &stored[..]).expect("decodes");
	assert_eq!(indexed.import_wh, 700);
	assert_eq!(indexed.elapsed_slots, 1);
	assert_eq!(indexed.registers, Registers { import_wh: 700, export_wh: 0 });
}

#[test]
fn batch_weight_grows_with_readings_and_covers_the_worst_case() {
	new_test_ext().execute_with(|| {
		use crate::BatchCost;
		let one = Meters::batch_weight(1, BatchCost { sr25519_checked: 1, ..Default::default() });
		let many = Meters::batch_weight(1, BatchCost { sr25519_checked: 10, ..Default::default() });
		let big_page =
			Meters::batch_weight(64, BatchCost { sr25519_checked: 1, ..Default::default() });
		assert!(many.ref_time() > one.ref_time());
		// The benchmarks found no measurable per-meter cost of the page (it is in the base).
		assert!(big_page.ref_time() >= one.ref_time());
		assert!(Meters::max_batch_weight(10).ref_time() >= many.ref_time());
	});
}

#[test]
fn a_meter_registered_at_genesis_is_capped_to_one_slot_on_its_first_reading() {
	new_test_ext().execute_with(|| {
		// At genesis no clock runs: slot 0.
		CurrentSlot::set(0);
		let id = register_production_meter(1);
		assert_eq!(Meters::meter(id).map(|m| m.last_slot), Some(None));
		CurrentSlot::set(5_000);
		// Capped like a reading covering one slot: 5 kWh for the 5 kW RES.
		assert_rejected_without_effect(
			vec![signed_sr(&sr_pair(1), reading(id, 1, 4_999, 0, 5_001))],
			RejectionReason::ExportAboveCapacity,
		);
		submit(vec![signed_sr(&sr_pair(1), reading(id, 1, 4_999, 0, 5_000))]);
		assert_eq!(Meters::meter(id).map(|m| m.last_slot), Some(Some(4_999)));
	});
}
