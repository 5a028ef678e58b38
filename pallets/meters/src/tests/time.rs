//! When a reading may be made, and which slots its energy is certified in: the attacks of a
//! gateway that backfills past slots or withholds readings to move energy in time.

use super::*;
use crate::{migrations::MigrateV1ToV2, GenesisSlot};
use frame_support::traits::{GetStorageVersion, Hooks, OnRuntimeUpgrade, StorageVersion};

/// The mock's slots are one hour: `MaxReadingAgeMs` (72 h) is 72 slots.
const WINDOW: u32 = (MAX_READING_AGE_MS / energy_primitives::HOUR_MS) as u32;

/// A production meter registered at genesis (no clock yet), with the chain's first block in
/// slot `first`: returns its id.
fn genesis_production_meter(first: u32) -> u32 {
	CurrentSlot::set(0);
	let id = register_production_meter(1);
	assert_eq!(Meters::meter(id).map(|m| m.last_slot), Some(None));
	CurrentSlot::set(first);
	Meters::on_finalize(1);
	id
}

/// Block 1 records the slot it runs in as the genesis meters' installation slot; no later block
/// changes it.
#[test]
fn the_first_block_records_the_genesis_meters_installation_slot() {
	new_test_ext().execute_with(|| {
		assert_eq!(GenesisSlot::<Test>::get(), None);
		use frame_support::traits::Get;
		let db: frame_support::weights::RuntimeDbWeight =
			<Test as frame_system::Config>::DbWeight::get();
		assert_eq!(Meters::on_initialize(1), db.reads_writes(3, 1), "block 1 pays for the write");
		Meters::on_finalize(1);
		assert_eq!(GenesisSlot::<Test>::get(), Some(1_000));
		CurrentSlot::set(2_000);
		assert_eq!(Meters::on_initialize(2), frame_support::weights::Weight::zero());
		Meters::on_finalize(2);
		Meters::on_finalize(1);
		assert_eq!(GenesisSlot::<Test>::get(), Some(1_000));
	});
}

/// Hole 1, backfill: a meter registered at genesis has closed no slot. Before, its first
/// reading could close slot 0 (1970), and the next one, at the current slot, could then mint
/// the nameplate × the slot number. Now it was installed in the first block's slot: a reading
/// of any slot before that is refused (and pays), and its first reading covers only the slots
/// since the chain started.
#[test]
fn a_genesis_meter_cannot_report_slots_before_the_chain_started() {
	new_test_ext().execute_with(|| {
		let id = genesis_production_meter(5_000);
		CurrentSlot::set(5_001);
		for slot in [0, 1, 4_000, 4_999] {
			assert_rejected_without_effect(
				vec![signed_sr(&sr_pair(1), reading(id, 1, slot, 0, 5_000))],
				RejectionReason::BeforeInstallation,
			);
		}
		// The first slot of the chain covers one slot: 5 kWh at most for the 5 kW RES.
		assert_rejected_without_effect(
			vec![signed_sr(&sr_pair(1), reading(id, 1, 5_000, 0, 5_001))],
			RejectionReason::ExportAboveCapacity,
		);
		submit(vec![signed_sr(&sr_pair(1), reading(id, 1, 5_000, 0, 5_000))]);
		assert_eq!(Meters::meter(id).map(|m| m.last_slot), Some(Some(5_000)));
		assert_eq!(TotalMinted::<Test>::get(), 5_000);
		assert_ok!(EnergyTokens::do_try_state());
	});
}

/// A meter registered later has its registration slot as installation slot.
#[test]
fn a_meter_cannot_report_slots_before_its_installation() {
	new_test_ext().execute_with(|| {
		let id = register_production_meter(1);
		CurrentSlot::set(1_010);
		assert_rejected_without_effect(
			vec![signed_sr(&sr_pair(1), reading(id, 1, 999, 0, 10))],
			RejectionReason::BeforeInstallation,
		);
		// After its first reading, an earlier slot is a slot not after the last.
		submit(vec![signed_sr(&sr_pair(1), reading(id, 1, 1_005, 0, 10))]);
		assert_rejected_without_effect(
			vec![signed_sr(&sr_pair(1), reading(id, 2, 1_004, 0, 20))],
			RejectionReason::SlotNotAfterLast,
		);
	});
}

/// No reading closes a slot that ended longer than `MaxReadingAgeMs` ago, even for a
/// meter that has reported nothing since.
#[test]
fn a_reading_older_than_the_window_is_refused() {
	new_test_ext().execute_with(|| {
		let id = register_consumption_meter(1);
		CurrentSlot::set(1_000 + WINDOW + 1);
		assert_rejected_without_effect(
			vec![signed_sr(&sr_pair(1), reading(id, 1, 1_000, 10, 0))],
			RejectionReason::SlotTooOld,
		);
		// The oldest slot still in the window.
		submit(vec![signed_sr(&sr_pair(1), reading(id, 1, 1_001, 10, 0))]);
		assert_eq!(Meters::meter(id).map(|m| m.last_slot), Some(Some(1_001)));
	});
}

/// Hole 2, time shift: a gateway withholds the readings of six sunny slots (1,001 to 1,006)
/// and reports them all with the reading that closes the evening slot 1,007, hoping to sell
/// the day's energy in the evening auction. The reading's export is attributed pro rata over
/// the seven slots it covers (the event says so), but it proves nothing of the evening: the six
/// other slots could have made all of it. The settled slots mint nothing, and the evening
/// certificate gets nothing either.
#[test]
fn withheld_readings_cannot_move_energy_into_a_later_slot() {
	new_test_ext().execute_with(|| {
		let id = register_production_meter(1);
		end_slot();
		submit(vec![signed_sr(&sr_pair(1), reading(id, 1, 1_000, 0, 4_000))]);
		// Six slots of 4 kWh each and 1 kWh in the evening: 25 kWh over seven slots.
		CurrentSlot::set(1_008);
		DeliveryOpenFrom::set(1_007);
		submit(vec![signed_sr(&sr_pair(1), reading(id, 2, 1_007, 0, 29_000))]);
		System::assert_has_event(
			Event::ReadingAccepted {
				meter: id,
				sequence: 2,
				slot: 1_007,
				slots: 7,
				import_wh: 0,
				export_wh: 25_000,
				minted_wh: 0,
			}
			.into(),
		);
		for slot in 1_001..=1_007 {
			assert_eq!(certified(slot, APPROVED_RES), 0, "slot {slot}");
		}
		assert_eq!(held(PROSUMER, 1_007, APPROVED_RES), 0);
		assert_eq!(TotalMinted::<Test>::get(), 4_000);
		assert_ok!(EnergyTokens::do_try_state());
	});
}

/// With every covered slot still open, only the newest `MaxCertifiedSlotsPerReading` (2) are
/// certified, each with what the reading proves of it: ten slots at full power prove
/// 50,000 − 9 × 5,000 − 1 Wh of each. No certificate gets more than one slot's capacity,
/// whatever the total reported.
#[test]
fn a_multi_slot_reading_certifies_its_newest_open_slots_each_within_capacity() {
	new_test_ext().execute_with(|| {
		let id = register_production_meter(1);
		CurrentSlot::set(1_010);
		// Ten slots (1,000 to 1,009) at the full 5 kW: 50 kWh, the most they allow.
		assert_rejected_without_effect(
			vec![signed_sr(&sr_pair(1), reading(id, 1, 1_009, 0, 50_001))],
			RejectionReason::ExportAboveCapacity,
		);
		submit(vec![signed_sr(&sr_pair(1), reading(id, 1, 1_009, 0, 50_000))]);
		assert_eq!(certified(1_009, APPROVED_RES), 4_999);
		assert_eq!(certified(1_008, APPROVED_RES), 4_999);
		assert_eq!(certified(1_007, APPROVED_RES), 0);
		assert_eq!(TotalMinted::<Test>::get(), 9_998);
	});
}

/// A meter silent for longer than the window reports again: its reading covers the whole gap
/// and is accepted, but proves nothing of any one slot of it (the other 99 slots could have made
/// it all), so the gap mints nothing. It reports slot by slot again from there.
#[test]
fn a_meter_silent_beyond_the_window_reports_again_without_minting_its_gap() {
	new_test_ext().execute_with(|| {
		let id = register_production_meter(1);
		end_slot();
		submit(vec![signed_sr(&sr_pair(1), reading(id, 1, 1_000, 0, 1_000))]);
		// 100 slots later, with every slot up to 1,099 settled.
		CurrentSlot::set(1_101);
		DeliveryOpenFrom::set(1_100);
		let reading_ = reading(id, 2, 1_100, 0, 1_000 + 100_000);
		submit(vec![signed_sr(&sr_pair(1), reading_)]);
		assert_eq!(Meters::meter(id).map(|m| m.last_slot), Some(Some(1_100)));
		assert_eq!(certified(1_100, APPROVED_RES), 0, "100 kWh over 100 slots prove nothing");
		assert_eq!(TotalMinted::<Test>::get(), 1_000);
		// From here on it reports slot by slot again, and mints what it exports.
		end_slot();
		DeliveryOpenFrom::set(1_101);
		submit(vec![signed_sr(&sr_pair(1), reading(id, 3, 1_101, 0, 101_000 + 4_000))]);
		assert_eq!(certified(1_101, APPROVED_RES), 4_000);
	});
}

/// Import is attributed the same way (the forecaster's history and every indexer apply
/// `CoveredSlots`): the event says how many slots the reading covers, and the off-chain index
/// records it, so no reader takes a gap's import for one slot's.
#[test]
fn a_multi_slot_readings_import_is_reported_with_the_slots_it_covers() {
	let mut ext = new_test_ext();
	let id = ext.execute_with(|| {
		let id = register_consumption_meter(1);
		CurrentSlot::set(1_004);
		submit(vec![signed_sr(&sr_pair(1), reading(id, 1, 1_003, 4_000, 0))]);
		System::assert_has_event(
			Event::ReadingAccepted {
				meter: id,
				sequence: 1,
				slot: 1_003,
				slots: 4,
				import_wh: 4_000,
				export_wh: 0,
				minted_wh: 0,
			}
			.into(),
		);
		id
	});
	ext.persist_offchain_overlay();
	let stored = ext.offchain_db().get(&offchain_reading_key(id, 1_003)).expect("indexed");
	let indexed = IndexedReading::decode(&mut &stored[..]).expect("decodes");
	assert_eq!(indexed.elapsed_slots, 4);
	let covered = energy_primitives::CoveredSlots::new(1_000, 1_003).expect("four slots");
	let per_slot: Vec<u64> = (1_000..=1_003).map(|s| covered.share_of(4_000, s)).collect();
	assert_eq!(per_slot, [1_000; 4]);
}

/// A running chain upgraded to storage version 2 records the upgrade's slot as its genesis
/// meters' installation slot; the migration runs once.
#[test]
fn the_migration_gives_genesis_meters_the_upgrade_slot() {
	new_test_ext().execute_with(|| {
		StorageVersion::new(1).put::<crate::Pallet<Test>>();
		CurrentSlot::set(7_000);
		MigrateV1ToV2::<Test>::on_runtime_upgrade();
		assert_eq!(GenesisSlot::<Test>::get(), Some(7_000));
		assert_eq!(crate::Pallet::<Test>::on_chain_storage_version(), 2);
		CurrentSlot::set(8_000);
		let before = state_root();
		MigrateV1ToV2::<Test>::on_runtime_upgrade();
		assert_eq!(state_root(), before);
	});
}
