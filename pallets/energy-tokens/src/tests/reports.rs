//! The read-only reports the runtime API serves: hourly matching per member and for the
//! community, and the certificates with their holders' pieces.

use super::*;
use crate::{HourlyMatching, ReportError, MAX_EXPORT_SLOTS, MAX_REPORT_SLOTS};
use energy_primitives::{ConsumptionRecorder, EnergyMinter};
use frame_support::assert_ok;
use CertificateStatus::*;

fn record(who: u64, slot: u32, wh: Wh) {
	<EnergyTokens as ConsumptionRecorder<u64>>::record(&who, slot, wh);
}

fn row(slot: u32, consumed_wh: Wh, claimed_wh: Wh) -> HourlyMatching {
	HourlyMatching { slot, consumed_wh, claimed_wh }
}

/// Two buyers of one certificate, each with its own consumption in slot 100; buyer 2 also
/// metered slots 101 and 300.
fn market_hour() {
	assert_ok!(EnergyTokens::mint(&1, 7, 100, 1_000, CAP));
	record(2, 100, 400);
	record(3, 100, 50);
	assert_ok!(deliver(1, 2, 100, 7, 600));
	assert_ok!(deliver(1, 3, 100, 7, 100));
	record(2, 101, 80);
	record(2, 300, 10);
}

#[test]
fn a_members_matching_lists_its_metered_slots_with_what_was_claimed() {
	new_test_ext().execute_with(|| {
		market_hour();
		assert_eq!(
			EnergyTokens::hourly_matching(Some(&2), 99, 200),
			Ok(vec![row(100, 400, 400), row(101, 80, 0)])
		);
		assert_eq!(EnergyTokens::hourly_matching(Some(&3), 100, 100), Ok(vec![row(100, 50, 50)]));
		assert_eq!(EnergyTokens::hourly_matching(Some(&4), 0, 1_000), Ok(vec![]));
	});
}

#[test]
fn the_communitys_matching_adds_every_members_slot() {
	new_test_ext().execute_with(|| {
		market_hour();
		assert_eq!(
			EnergyTokens::hourly_matching(None, 100, 101),
			Ok(vec![row(100, 450, 450), row(101, 80, 0)])
		);
	});
}

#[test]
fn a_report_refuses_an_empty_or_too_long_span() {
	new_test_ext().execute_with(|| {
		market_hour();
		let before = root();
		let longest = MAX_REPORT_SLOTS - 1;
		assert_eq!(EnergyTokens::hourly_matching(Some(&2), 101, 100), Err(ReportError::EmptyRange));
		assert_eq!(
			EnergyTokens::hourly_matching(None, 0, longest + 1),
			Err(ReportError::RangeTooLong)
		);
		assert_eq!(
			EnergyTokens::certificate_records(None, 0, longest + 1),
			Err(ReportError::RangeTooLong)
		);
		assert_eq!(EnergyTokens::hourly_matching(None, 0, longest).map(|rows| rows.len()), Ok(3));
		// An export covers at most a month of hourly slots.
		let longest_export = MAX_EXPORT_SLOTS - 1;
		assert_eq!(
			EnergyTokens::certificate_records(None, 0, longest_export + 1),
			Err(ReportError::RangeTooLong)
		);
		assert_eq!(
			EnergyTokens::certificate_records(Some(&2), 101, 100),
			Err(ReportError::EmptyRange)
		);
		assert_eq!(
			EnergyTokens::certificate_records(None, 0, longest_export).map(|records| records.len()),
			Ok(1)
		);
		assert_eq!(root(), before, "reports read only");
	});
}

#[test]
fn the_communitys_records_list_every_holders_pieces_owner_first() {
	new_test_ext().execute_with(|| {
		market_hour();
		let records = EnergyTokens::certificate_records(None, 100, 100).expect("a day");
		assert_eq!(records.len(), 1);
		let record = &records[0];
		assert_eq!((record.slot, record.res, record.certificate.minted_wh), (100, 7, 1_000));
		type Ranges = Vec<(Wh, Wh, CertificateStatus)>;
		let holders: Vec<(u64, Ranges)> = record
			.holders
			.iter()
			.map(|(holder, pieces)| {
				(
					*holder,
					pieces
						.iter()
						.map(|Piece { range, status }| (range.start, range.end, *status))
						.collect(),
				)
			})
			.collect();
		assert_eq!(
			holders,
			vec![
				(1, vec![(700, 1_000, Active)]),
				(2, vec![(0, 400, Claimed), (400, 600, Active)]),
				(3, vec![(600, 650, Claimed), (650, 700, Active)]),
			]
		);
		assert_eq!(record.withdrawal_reason, None);
	});
}

#[test]
fn a_members_records_hold_only_its_own_pieces() {
	new_test_ext().execute_with(|| {
		market_hour();
		assert_ok!(EnergyTokens::mint(&1, 8, 101, 500, CAP));
		let records = EnergyTokens::certificate_records(Some(&3), 0, 700).expect("in span");
		assert_eq!(records.len(), 1, "member 3 holds nothing of RES 8's certificate");
		assert_eq!(records[0].holders.iter().map(|(holder, _)| *holder).collect::<Vec<_>>(), [3]);
		let owners = EnergyTokens::certificate_records(Some(&1), 100, 101).expect("in span");
		assert_eq!(
			owners.iter().map(|r| (r.slot, r.res)).collect::<Vec<_>>(),
			[(100, 7), (101, 8)]
		);
	});
}
