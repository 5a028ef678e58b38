//! Reading submission: outcomes, signatures, sequences, registers, capacity and fees.

use super::*;
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
		end_slot();
		let pays = submit(vec![signed_sr(&sr_pair(1), reading(id, 1, 1_000, 1_250, 10))]);
		assert_eq!(pays, Pays::No);
		System::assert_has_event(
			Event::ReadingAccepted {
				meter: id,
				sequence: 1,
				slot: 1_000,
				slots: 1,
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
		end_slot();
		submit(vec![signed_sr(&sr_pair(1), reading(id, 1, 1_000, 3, 4_200))]);
		System::assert_has_event(
			Event::ReadingAccepted {
				meter: id,
				sequence: 1,
				slot: 1_000,
				slots: 1,
				import_wh: 3,
				export_wh: 4_200,
				minted_wh: 4_200,
			}
			.into(),
		);
		assert_eq!(held(PROSUMER, 1_000, APPROVED_RES), 4_200);
		assert_eq!(certified(1_000, APPROVED_RES), 4_200);
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
		end_slot();
		submit(vec![signed_ed(&ed_pair(7), reading(id, 1, 1_000, 0, 2_000))]);
		System::assert_has_event(
			Event::ReadingAccepted {
				meter: id,
				sequence: 1,
				slot: 1_000,
				slots: 1,
				import_wh: 0,
				export_wh: 2_000,
				minted_wh: 0,
			}
			.into(),
		);
		assert_eq!(TotalMinted::<Test>::get(), 0);
		// After approval, only the export after the approval mints.
		assert_ok!(ResAssets::approve_connection(RuntimeOrigin::signed(DSO), PENDING_RES));
		end_slot();
		submit(vec![signed_ed(&ed_pair(7), reading(id, 2, 1_001, 0, 2_500))]);
		assert_eq!(held(PENDING_PRODUCER, 1_001, PENDING_RES), 500);
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
		end_slot();
		submit(vec![signed_sr(&sr_pair(1), reading(id, 1, 1_000, 0, 1_000))]);
		System::assert_has_event(
			Event::ReadingAccepted {
				meter: id,
				sequence: 1,
				slot: 1_000,
				slots: 1,
				import_wh: 0,
				export_wh: 1_000,
				minted_wh: 0,
			}
			.into(),
		);
		assert_eq!(TotalMinted::<Test>::get(), 0);
		assert_eq!(Meters::meter(id).map(|m| m.registers.export_wh), Some(1_000));
		assert_ok!(Participants::reactivate(RuntimeOrigin::root(), PROSUMER));
		end_slot();
		submit(vec![signed_sr(&sr_pair(1), reading(id, 2, 1_001, 0, 1_600))]);
		assert_eq!(held(PROSUMER, 1_001, APPROVED_RES), 600);
		assert_eq!(held(PROSUMER, 1_000, APPROVED_RES), 0);
		assert_ok!(EnergyTokens::do_try_state());
	});
}

#[test]
fn resubmitting_an_accepted_reading_is_a_no_op_that_pays() {
	new_test_ext().execute_with(|| {
		let id = register_production_meter(1);
		end_slot();
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
		end_slot();
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
		CurrentSlot::set(1_003);
		submit(vec![signed_sr(&sr_pair(1), reading(id, 1, 1_000, 0, 4_000))]);
		// The reading for slot 1,001 never arrives; the one for 1,002 covers two slots, so up to
		// 2 × 5 kWh may be exported. It proves 9,001 − 5,000 − 1 = 4,000 Wh in each slot (the
		// other could have made 5,000 at most; 1 Wh of register rounding): that much is
		// certified in each, the rest is metered only.
		submit(vec![signed_sr(&sr_pair(1), reading(id, 3, 1_002, 0, 13_001))]);
		System::assert_has_event(
			Event::ReadingAccepted {
				meter: id,
				sequence: 3,
				slot: 1_002,
				slots: 2,
				import_wh: 0,
				export_wh: 9_001,
				minted_wh: 8_000,
			}
			.into(),
		);
		assert_eq!(certified(1_001, APPROVED_RES), 4_000);
		assert_eq!(certified(1_002, APPROVED_RES), 4_000);
		assert_ok!(EnergyTokens::do_try_state());
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
		end_slot();
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
		end_slot();
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
			RejectionReason::SlotNotEnded,
		);
		// The slot in progress has not ended either: its registers are not final.
		assert_rejected_without_effect(
			vec![signed_sr(&sr_pair(1), reading(id, 6, 1_005, 200, 0))],
			RejectionReason::SlotNotEnded,
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
		end_slot();
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
		CurrentSlot::set(1_002);
		TotalMinted::<Test>::put(u128::MAX - 6_000);
		// Two slots at full power, both open: 4,999 Wh proven in each; the first mint fits, the
		// second overflows, and the reading is rejected with neither (all or nothing).
		assert_rejected_without_effect(
			vec![signed_sr(&sr_pair(1), reading(id, 1, 1_001, 0, 10_000))],
			RejectionReason::MintOverflow,
		);
	});
}

#[test]
fn accepted_readings_are_indexed_off_chain() {
	let mut ext = new_test_ext();
	let id = ext.execute_with(|| {
		let id = register_consumption_meter(1);
		end_slot();
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
		let one = Meters::batch_weight(BatchCost { sr25519_checked: 1, ..Default::default() });
		let many = Meters::batch_weight(BatchCost { sr25519_checked: 10, ..Default::default() });
		let minting = Meters::batch_weight(BatchCost {
			production: 10,
			certified_slots: 10,
			..Default::default()
		});
		let unminted = Meters::batch_weight(BatchCost { production: 10, ..Default::default() });
		assert!(many.ref_time() > one.ref_time());
		assert!(minting.ref_time() > many.ref_time());
		assert!(minting.ref_time() > unminted.ref_time());
		assert!(Meters::max_batch_weight(10).ref_time() >= many.ref_time());
		assert!(Meters::max_batch_weight(10).ref_time() >= minting.ref_time());
	});
}

/// The weight charged for production meter `id`'s (key `sr_pair(1)`) accepted reading.
fn charged_for(
	id: u32,
	sequence: u64,
	slot: u32,
	export_wh: u64,
) -> frame_support::weights::Weight {
	let readings = vec![signed_sr(&sr_pair(1), reading(id, sequence, slot, 0, export_wh))];
	Meters::submit_readings(RuntimeOrigin::signed(GATEWAY), batch(readings))
		.expect("accepted")
		.actual_weight
		.expect("reported")
}

/// A production reading pays for the slots it certifies: one exporting nothing (a night hour)
/// is charged the RES read but no certified slot; one minting a slot is charged that slot on
/// top.
#[test]
fn a_production_reading_is_charged_per_certified_slot() {
	new_test_ext().execute_with(|| {
		use crate::BatchCost;
		let id = register_production_meter(1);
		let charged = |sequence, slot, export_wh| charged_for(id, sequence, slot, export_wh);
		end_slot();
		let night = charged(1, 1_000, 0);
		assert_eq!(night, Meters::batch_weight(BatchCost { production: 1, ..Default::default() }));
		end_slot();
		let day = charged(2, 1_001, 900);
		assert_eq!(held(PROSUMER, 1_001, APPROVED_RES), 900);
		assert_eq!(
			day,
			Meters::batch_weight(BatchCost {
				production: 1,
				certified_slots: 1,
				..Default::default()
			})
		);
		assert!(night.ref_time() < day.ref_time());
	});
}

/// A slot already settling is looked at (its auction read) but not minted into, and is charged
/// that read only: a reading of a settled slot, and one covering a settled and an open slot.
#[test]
fn a_settling_slot_a_reading_covers_is_charged_its_auction_read_only() {
	new_test_ext().execute_with(|| {
		use crate::BatchCost;
		let id = register_production_meter(1);
		let charged = |sequence, slot, export_wh| charged_for(id, sequence, slot, export_wh);
		end_slot();
		DeliveryOpenFrom::set(1_001);
		let settled = charged(1, 1_000, 4_000);
		assert_eq!(certified(1_000, APPROVED_RES), 0);
		let only_read = BatchCost { production: 1, closed_slots: 1, ..Default::default() };
		assert_eq!(settled, Meters::batch_weight(only_read));
		// 9 kWh over two slots: the settled 1,001 is read, the open 1,002 minted with what the
		// reading proves of it (9,000 − one slot's 5,000 − 1 Wh).
		CurrentSlot::set(1_003);
		DeliveryOpenFrom::set(1_002);
		let both = charged(2, 1_002, 4_000 + 9_000);
		assert_eq!(certified(1_001, APPROVED_RES), 0);
		assert_eq!(certified(1_002, APPROVED_RES), 3_999);
		let one_each =
			BatchCost { production: 1, certified_slots: 1, closed_slots: 1, ..Default::default() };
		assert_eq!(both, Meters::batch_weight(one_each));
		assert!(settled.ref_time() < both.ref_time());
		assert!(both.ref_time() <= Meters::max_batch_weight(1).ref_time());
	});
}

#[test]
fn only_watched_meters_readings_are_reported_to_the_import_observer_and_charged_for() {
	// (and one-slot readings, only they, are recorded as consumption and charged for it)
	new_test_ext().execute_with(|| {
		let watched = register_consumption_meter(1);
		let other = register_consumption_meter(2);
		Watched::set(vec![watched]);
		end_slot();
		let batch_of = |slot, sequence, import_wh| {
			vec![
				signed_sr(&sr_pair(1), reading(watched, sequence, slot, import_wh, 0)),
				signed_sr(&sr_pair(2), reading(other, sequence, slot, import_wh, 0)),
			]
		};
		let weight = |readings| {
			Meters::submit_readings(RuntimeOrigin::signed(GATEWAY), batch(readings))
				.expect("accepted")
				.actual_weight
				.expect("reported")
		};
		let first = weight(batch_of(1_000, 1, 700));
		// Each one-slot reading is its owner's consumption of the slot, for hourly claims: both
		// meters are one member's, whose consumption is their sum.
		let metered: Vec<_> = pallet_energy_tokens::Consumption::<Test>::iter()
			.map(|(_, slot, m)| (slot, m.consumed_wh))
			.collect();
		assert_eq!(metered, [(1_000, 1_400)]);
		// Both meters skip slot 1,001: their next readings cover two slots, which is not hourly
		// metering, so they record no consumption (and are not charged for it).
		end_slot();
		end_slot();
		let second = weight(batch_of(1_002, 2, 1_000));
		assert_eq!(pallet_energy_tokens::Consumption::<Test>::iter().count(), 1);
		let recorded =
			<EnergyTokens as energy_primitives::ConsumptionRecorder<u64>>::record_weight();
		assert_eq!(
			Reported::get(),
			vec![(watched, 1_000, 1_000, 700), (watched, 1_001, 1_002, 300)]
		);
		// Every batch reads the watched set once; each report costs its weight on top.
		Watched::set(Vec::new());
		end_slot();
		let unwatched = weight(batch_of(1_003, 3, 1_100));
		assert_eq!(first, unwatched.saturating_add(TestImports::on_import_weight()));
		assert!(unwatched.all_gte(TestImports::watched_weight()));
		assert_eq!(second.saturating_add(recorded.saturating_mul(2)), first);
		assert_eq!(Reported::get().len(), 2, "an unwatched meter is never reported");
	});
}
