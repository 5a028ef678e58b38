//! Property test: random sequences of registrations, readings (valid and invalid), clock moves,
//! approvals, revocations and retirements across many meters; after every step the DESIGN.md
//! invariants hold and every reading's outcome matches a reference model.
//!
//! - per certificate, minted = held + retired (the token ledger's `try_state`), and no
//!   certificate holds more than its RES can produce in one slot;
//! - per meter, sequence numbers, closed slots and registers only increase; readings close
//!   only ended slots within the reading window, after the meter's installation;
//! - nothing is minted without an accepted production reading of an approved RES: total minted
//!   equals the sum of `minted_wh` over `ReadingAccepted` events;
//! - the registry's invariants (`try_state` of participants, RES and meters).

use crate::{mock::*, Event, MeterKind, ReadingBatch, Registers};
use energy_primitives::{MeterReading, SignedReading};
use frame_support::assert_ok;
use pallet_energy_tokens::TotalMinted;
use proptest::prelude::*;

/// One step of a scenario.
#[derive(Clone, Debug)]
enum Op {
	/// Register meter number `key` (consumption, or production of the approved/pending RES),
	/// signing with ed25519 if `ed`.
	Register { key: u8, production: Option<bool>, ed: bool },
	/// A reading of the `meter`-th registered meter, relative to its last accepted state.
	Read { meter: u8, seq: i8, slot: i8, import: i32, export: i32, good_signature: bool },
	/// A reading sent twice (the second is a duplicate).
	Resubmit { meter: u8 },
	/// Move the clock forward by `0..=2` slots.
	Tick { slots: u8 },
	/// Revoke the `meter`-th registered meter.
	Revoke { meter: u8 },
	/// Approve the pending RES.
	Approve,
	/// The producer retires `wh` tokens of its first certificate.
	Retire { wh: u16 },
}

fn op() -> impl Strategy<Value = Op> {
	prop_oneof![
		2 => (0u8..12, prop::option::of(any::<bool>()), any::<bool>())
			.prop_map(|(key, production, ed)| Op::Register { key, production, ed }),
		8 => (0u8..12, -1i8..3, -1i8..3, -10i32..2_000, -10i32..6_000, prop::bool::weighted(0.85))
			.prop_map(|(meter, seq, slot, import, export, good_signature)| Op::Read {
				meter, seq, slot, import, export, good_signature
			}),
		1 => (0u8..12).prop_map(|meter| Op::Resubmit { meter }),
		3 => (0u8..3).prop_map(|slots| Op::Tick { slots }),
		1 => (0u8..12).prop_map(|meter| Op::Revoke { meter }),
		1 => Just(Op::Approve),
		1 => (0u16..3_000).prop_map(|wh| Op::Retire { wh }),
	]
}

/// What the model knows of a registered meter.
#[derive(Clone, Debug)]
struct ModelMeter {
	id: u32,
	key: u8,
	ed: bool,
	res: Option<u32>,
	revoked: bool,
	last_sequence: u64,
	last_slot: Option<u32>,
	registers: Registers,
	last_reading: Option<SignedReading>,
}

fn sign(m: &ModelMeter, reading: MeterReading, good: bool) -> SignedReading {
	let key = if good { m.key as u32 } else { m.key as u32 + 100 };
	if m.ed {
		signed_ed(&ed_pair(key), reading)
	} else {
		signed_sr(&sr_pair(key), reading)
	}
}

fn offset(base: u64, delta: i64) -> u64 {
	(base as i64 + delta).max(0) as u64
}

fn run(ops: Vec<Op>) {
	new_test_ext().execute_with(|| {
		let mut meters: Vec<ModelMeter> = Vec::new();
		let mut minted_by_events: u128 = 0;
		let mut pending_approved = false;
		for op in ops {
			System::reset_events();
			match op {
				Op::Register { key, production, ed } => {
					let (owner, kind, res) = match production {
						None => (CONSUMER, MeterKind::Consumption, None),
						Some(true) => (
							PROSUMER,
							MeterKind::Production { res: APPROVED_RES },
							Some(APPROVED_RES),
						),
						Some(false) => (
							PENDING_PRODUCER,
							MeterKind::Production { res: PENDING_RES },
							Some(PENDING_RES),
						),
					};
					let meter_key = if ed {
						ed_key(&ed_pair(key as u32))
					} else {
						sr_key(&sr_pair(key as u32))
					};
					let id = crate::NextMeterId::<Test>::get();
					let res_taken = res.is_some_and(crate::ProductionMeterOf::<Test>::contains_key);
					let result = Meters::register_meter(
						RuntimeOrigin::root(),
						owner,
						kind,
						meter_key,
						GATEWAY,
						Registers::default(),
					);
					assert_eq!(result.is_ok(), !res_taken, "registration outcome");
					if result.is_ok() {
						meters.push(ModelMeter {
							id,
							key,
							ed,
							res,
							revoked: false,
							last_sequence: 0,
							last_slot: CurrentSlot::get().checked_sub(1),
							registers: Registers::default(),
							last_reading: None,
						});
					}
				},
				Op::Read { meter, seq, slot, import, export, good_signature } => {
					let index = meter as usize % meters.len().max(1);
					let Some(m) = meters.get(index).cloned() else { continue };
					let reading = MeterReading {
						meter: m.id,
						sequence: offset(m.last_sequence, seq as i64),
						slot: offset(m.last_slot.unwrap_or(CurrentSlot::get()) as u64, slot as i64)
							as u32,
						import_wh: offset(m.registers.import_wh, import as i64),
						export_wh: offset(m.registers.export_wh, export as i64),
					};
					let signed = sign(&m, reading, good_signature);
					let capacity = match m.res {
						Some(APPROVED_RES) => 5_000u64,
						Some(_) => 3_000,
						None => u64::MAX,
					};
					let elapsed =
						m.last_slot.map_or(1, |last| reading.slot.saturating_sub(last)) as u64;
					let window = (MAX_READING_AGE_MS / energy_primitives::HOUR_MS) as u32;
					let expect_accept = !m.revoked
						&& reading.sequence > m.last_sequence
						&& m.last_slot.is_none_or(|last| reading.slot > last)
						&& reading.slot < CurrentSlot::get()
						&& reading.slot >= CurrentSlot::get().saturating_sub(window)
						&& good_signature && reading.import_wh
						>= m.registers.import_wh
						&& reading.export_wh >= m.registers.export_wh
						&& (reading.export_wh - m.registers.export_wh)
							<= capacity.saturating_mul(elapsed);
					submit_and_check(signed, expect_accept, &mut meters, index);
				},
				Op::Resubmit { meter } => {
					let index = meter as usize % meters.len().max(1);
					if let Some(signed) = meters.get(index).and_then(|m| m.last_reading) {
						let page_before = crate::Gateways::<Test>::get(GATEWAY);
						assert_ok!(Meters::submit_readings(
							RuntimeOrigin::signed(GATEWAY),
							batch(signed)
						));
						assert_eq!(
							crate::Gateways::<Test>::get(GATEWAY),
							page_before,
							"a resubmission changed state"
						);
					}
				},
				Op::Tick { slots } => CurrentSlot::set(CurrentSlot::get() + slots as u32),
				Op::Revoke { meter } => {
					let index = meter as usize % meters.len().max(1);
					if let Some(m) = meters.get_mut(index) {
						let result = Meters::revoke_meter(RuntimeOrigin::root(), m.id);
						assert_eq!(result.is_ok(), !m.revoked);
						m.revoked = true;
					}
				},
				Op::Approve => {
					let result =
						ResAssets::approve_connection(RuntimeOrigin::signed(DSO), PENDING_RES);
					assert_eq!(result.is_ok(), !pending_approved);
					pending_approved = true;
				},
				Op::Retire { wh } => {
					let first = pallet_energy_tokens::Holdings::<Test>::iter_prefix((PROSUMER,))
						.next()
						.unwrap_or(((1_000, APPROVED_RES), 0));
					let ((slot, res), held) = first;
					let amount =
						pallet_energy_tokens::CertificateAmount { slot, res, wh: wh as u64 };
					let result = EnergyTokens::retire(
						RuntimeOrigin::signed(PROSUMER),
						vec![amount].try_into().expect("one certificate fits"),
						Default::default(),
					);
					assert_eq!(result.is_ok(), wh > 0 && wh as u64 <= held);
				},
			}
			minted_by_events += System::events()
				.iter()
				.filter_map(|r| match r.event {
					RuntimeEvent::Meters(Event::ReadingAccepted { minted_wh, .. }) => {
						Some(minted_wh as u128)
					},
					_ => None,
				})
				.sum::<u128>();
			assert_eq!(
				TotalMinted::<Test>::get(),
				minted_by_events,
				"tokens minted without an accepted reading"
			);
			assert_ok!(EnergyTokens::do_try_state());
			for (_, res, certificate) in pallet_energy_tokens::Certificates::<Test>::iter() {
				let capacity = if res == APPROVED_RES { 5_000 } else { 3_000 };
				assert!(certificate.minted_wh <= capacity, "a certificate above one slot");
			}
			assert_ok!(Meters::do_try_state());
			assert_ok!(Participants::do_try_state());
			assert_ok!(ResAssets::do_try_state());
			for m in meters.iter().filter(|m| !m.revoked) {
				let on_chain = Meters::meter(m.id).expect("active meters are listed");
				assert_eq!(on_chain.last_sequence, m.last_sequence);
				assert_eq!(on_chain.last_slot, m.last_slot);
				assert_eq!(on_chain.registers, m.registers);
			}
		}
	});
}

fn batch(signed: SignedReading) -> ReadingBatch<Test> {
	vec![signed].try_into().expect("one reading fits")
}

/// Submits one reading, checks its outcome against the model and advances the model
/// (monotonically) when accepted.
fn submit_and_check(
	signed: SignedReading,
	expect_accept: bool,
	meters: &mut [ModelMeter],
	index: usize,
) {
	assert_ok!(Meters::submit_readings(RuntimeOrigin::signed(GATEWAY), batch(signed)));
	let accepted = System::events()
		.iter()
		.any(|r| matches!(r.event, RuntimeEvent::Meters(Event::ReadingAccepted { .. })));
	assert_eq!(accepted, expect_accept, "outcome differs from the model for {signed:?}");
	if accepted {
		let m = &mut meters[index];
		let r = signed.reading;
		assert!(r.sequence > m.last_sequence && m.last_slot.is_none_or(|last| r.slot > last));
		assert!(r.import_wh >= m.registers.import_wh && r.export_wh >= m.registers.export_wh);
		m.last_sequence = r.sequence;
		m.last_slot = Some(r.slot);
		m.registers = Registers { import_wh: r.import_wh, export_wh: r.export_wh };
		m.last_reading = Some(signed);
	}
}

proptest! {
	#![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

	#[test]
	fn invariants_hold_after_every_step(ops in prop::collection::vec(op(), 1..60)) {
		run(ops);
	}
}
