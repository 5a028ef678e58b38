//! Tests of the meter registry and of reading submission: every call's effect, every error and
//! every rejection reason, with the state shown unchanged where nothing may change.
//!
//! - `registry`: gateways and meters;
//! - `readings`: a batch's outcomes, signatures, sequences and registers, fees;
//! - `time`: when a reading may be made and which slots its energy is certified in (the
//!   backfill and time-shift attacks).

mod readings;
mod registry;
mod time;

use crate::{
	mock::*, offchain_reading_key, BatchTally, Error, Event, Gateways, IndexedReading,
	MeterDirectory, MeterKind, MeterStatus, ProductionMeterOf, ReadingBatch, Registers,
	RejectionReason,
};
use codec::Decode;
use energy_primitives::{ImportObserver, MeterReading, SignedReading};
use frame_support::{assert_noop, assert_ok, dispatch::Pays};
use pallet_energy_tokens::TotalMinted;
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

/// Ends the current slot: readings may close it from now on.
fn end_slot() {
	CurrentSlot::set(CurrentSlot::get() + 1);
}

/// The tokens `who` holds of the certificate of RES `res` in `slot`.
fn held(who: u64, slot: u32, res: u32) -> u64 {
	EnergyTokens::holding(&who, slot, res)
}

/// The Wh minted into the certificate of RES `res` in `slot`.
fn certified(slot: u32, res: u32) -> u64 {
	pallet_energy_tokens::Certificates::<Test>::get(slot, res).map_or(0, |c| c.minted_wh)
}

/// The whole state's root: unchanged by a call that changed nothing.
fn state_root() -> Vec<u8> {
	sp_io::storage::root(sp_runtime::StateVersion::V1)
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

/// Runs `readings` (each expected to be rejected for `reason`), checks the batch pays its fee
/// and nothing but its events changed the state. (Clears the events.)
fn assert_rejected_without_effect(readings: Vec<SignedReading>, reason: RejectionReason) {
	System::reset_events();
	let before = state_root();
	let pays = submit(readings.clone());
	assert_eq!(pays, Pays::Yes);
	for signed in &readings {
		System::assert_has_event(rejected(signed.reading.meter, signed.reading.sequence, reason));
	}
	System::reset_events();
	assert_eq!(state_root(), before, "a rejected reading changed the state");
}
