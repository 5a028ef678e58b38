//! The migrations: fungible balances to holdings per certificate (1 → 2), and certificates to
//! granular certificates with numbered Wh (2 → 3).

use super::*;
use crate::{
	migrations::{v1, v2, MigrateV1ToV2, MigrateV2ToV3},
	Certificate, Certificates, Holdings, NextCertificateId, TotalFedIn, TotalMinted, TotalRetired,
};
use frame_support::{
	assert_ok,
	traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion},
};
use CertificateStatus::*;

/// Version 1's storage: owner 1 minted 1,000 Wh of RES 7 in slot 100 and 500 in slot 101.
fn version_1_certificates_of_owner_1() {
	StorageVersion::new(1).put::<crate::Pallet<Test>>();
	for (slot, minted) in [(100, 1_000), (101, 500)] {
		v1::Certificates::<Test>::insert(
			slot,
			7,
			v1::Certificate { owner: 1u64, minted_wh: minted },
		);
	}
}

frame_support::parameter_types! {
	/// Slot 100 is in the middle of settlement: 600 Wh of RES 7's certificate undelivered.
	pub Settling: Vec<(u32, u32, Wh)> = vec![(100, 7, 600)];
}

/// A slot in the middle of settlement at the upgrade keeps exactly what the market says it
/// still has to deliver; the rest of the balance goes to the newest other certificates.
#[test]
fn a_settling_slot_keeps_what_it_still_has_to_deliver() {
	new_test_ext().execute_with(|| {
		version_1_certificates_of_owner_1();
		v1::Balances::<Test>::insert(1, 900);
		TotalMinted::<Test>::put(1_500);
		TotalRetired::<Test>::put(600);

		MigrateV1ToV2::<Test, Settling>::on_runtime_upgrade();
		assert_eq!(held(1, 100, 7), 600);
		assert_eq!(held(1, 101, 7), 300);
		MigrateV2ToV3::<Test>::on_runtime_upgrade();
		assert_ok!(EnergyTokens::do_try_state());
	});
}

/// Version 1: owner 1 minted 1,000 in slot 100 and 500 in slot 101, sold 700 (its balance
/// is 800), 300 went to the utility (account 3) at feed-in. After the migration owner 1
/// holds its newest certificate whole and 300 of the older one; the rest is recorded as
/// retired and the utility's fed-in balance is gone.
#[test]
fn fungible_balances_become_holdings_of_the_newest_certificates() {
	new_test_ext().execute_with(|| {
		version_1_certificates_of_owner_1();
		v1::Balances::<Test>::insert(1, 800);
		v1::Balances::<Test>::insert(3, 300);
		TotalMinted::<Test>::put(1_500);
		TotalRetired::<Test>::put(400);

		MigrateV1ToV2::<Test>::on_runtime_upgrade();
		assert_eq!(crate::Pallet::<Test>::on_chain_storage_version(), 2);
		assert_eq!(held(1, 101, 7), 500);
		assert_eq!(held(1, 100, 7), 300);
		assert_eq!(held(3, 100, 7), 0);
		assert_eq!(v1::Balances::<Test>::iter().count(), 0);
		assert_eq!(v2::Certificates::<Test>::get(100, 7).map(|c| c.retired_wh), Some(700));
		assert_eq!((TotalMinted::<Test>::get(), TotalRetired::<Test>::get()), (1_500, 700));
		// Run again: the version gate makes it a no-op.
		let before = root();
		MigrateV1ToV2::<Test>::on_runtime_upgrade();
		assert_eq!(root(), before);
	});
}

/// Version 2: owner 1's certificate of slot 100 minted 1,000, delivered 300, retired 100,
/// fed in 200; the owner holds 350 and account 2 50. After the migration its Wh are numbered:
/// fed in 0..200, cancelled (delivered and retired) 200..600, the owner's active 600..950, the
/// other holder's 950..1000; ids follow storage order.
#[test]
fn version_2_certificates_become_granular_certificates() {
	new_test_ext().execute_with(|| {
		StorageVersion::new(2).put::<crate::Pallet<Test>>();
		v2::Certificates::<Test>::insert(
			100,
			7,
			v2::Certificate {
				owner: 1u64,
				minted_wh: 1_000,
				delivered_wh: 300,
				retired_wh: 100,
				fed_in_wh: 200,
			},
		);
		v2::Certificates::<Test>::insert(
			101,
			7,
			v2::Certificate {
				owner: 1u64,
				minted_wh: 50,
				delivered_wh: 0,
				retired_wh: 0,
				fed_in_wh: 0,
			},
		);
		Holdings::<Test>::insert((1, 100, 7), 350);
		// No version-2 call moved tokens to anyone but the owner; a holding of someone else
		// would still be numbered, after the owner's.
		Holdings::<Test>::insert((2, 100, 7), 50);
		Holdings::<Test>::insert((1, 101, 7), 50);
		TotalMinted::<Test>::put(1_050);
		TotalRetired::<Test>::put(400);
		TotalFedIn::<Test>::put(200);

		MigrateV2ToV3::<Test>::on_runtime_upgrade();
		assert_eq!(crate::Pallet::<Test>::on_chain_storage_version(), 3);
		assert_eq!(
			pieces_of(1, 100, 7),
			[(0, 200, FedIn), (200, 600, Cancelled), (600, 950, Active)]
		);
		assert_eq!(pieces_of(2, 100, 7), [(950, 1_000, Active)]);
		assert_eq!(pieces_of(1, 101, 7), [(0, 50, Active)]);
		let certificate = Certificates::<Test>::get(100, 7).expect("migrated");
		assert_eq!(
			Certificate { id: 0, ..certificate.clone() },
			Certificate {
				id: 0,
				owner: 1,
				issued_at_ms: 101 * SLOT_MS,
				interval_start_ms: 100 * SLOT_MS,
				interval_end_ms: 101 * SLOT_MS,
				expires_after: 100 + EXPIRY_SLOTS,
				minted_wh: 1_000,
				cancelled_wh: 400,
				fed_in_wh: 200,
				..Certificate::new(0, 1)
			}
		);
		let ids =
			[certificate.id, Certificates::<Test>::get(101, 7).map(|c| c.id).expect("migrated")];
		assert!(ids.contains(&0) && ids.contains(&1));
		assert_eq!(NextCertificateId::<Test>::get(), 2);
		assert_eq!(held(1, 100, 7), 350);
		assert_ok!(EnergyTokens::do_try_state());
		let before = root();
		MigrateV2ToV3::<Test>::on_runtime_upgrade();
		assert_eq!(root(), before, "the version gate makes a second run a no-op");
	});
}
