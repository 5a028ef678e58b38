//! The export of a certificate split among three holders and six statuses validates against the
//! shipped schema, bundle by bundle; tampered exports do not.

use pallet_energy_tokens_rpc::{
	export::{bundles, registry, wh_id, ExportError, STANDARD},
	validate::export_errors,
	RegistryExport,
};
use pallet_energy_tokens_runtime_api::{
	Certificate, CertificateRecord, CertificateStatus, DeviceCertificate, Issuer, Piece, Pieces,
	ResAsset, ResStatus, Technology, WhRange,
};
use serde_json::Value;
use sp_core::crypto::AccountId32;
use CertificateStatus::*;

const HOUR_MS: u64 = 3_600_000;
/// 2026-12-07 01:00 UTC.
const SLOT: u32 = 499_057;
const GENESIS: &str = "0x1111111111111111111111111111111111111111111111111111111111111111";

fn account(byte: u8) -> AccountId32 {
	AccountId32::new([byte; 32])
}

fn pieces(list: &[(u64, u64, CertificateStatus)]) -> Pieces {
	list.iter()
		.map(|&(start, end, status)| Piece { range: WhRange { start, end }, status })
		.collect::<Vec<_>>()
		.try_into()
		.expect("a few pieces fit")
}

fn issuer() -> Issuer {
	Issuer { name: b"Dev Energy Community".to_vec().try_into().expect("fits"), country: *b"DE" }
}

/// Certificate 5 of RES 2 (a 5 kW PV system): 100 Wh minted, owner 1 fed 20 in and holds 10;
/// buyer 2 claimed 40 and holds 5; buyer 3 cancelled 10, let 10 expire, had 5 withdrawn.
fn certificate() -> DeviceCertificate<AccountId32, u32> {
	let start = u64::from(SLOT) * HOUR_MS;
	DeviceCertificate {
		record: CertificateRecord {
			slot: SLOT,
			res: 2,
			certificate: Certificate {
				issued_at_ms: start + HOUR_MS + 12_000,
				interval_start_ms: start,
				interval_end_ms: start + HOUR_MS,
				expires_after: SLOT + 8_760,
				minted_wh: 100,
				claimed_wh: 40,
				cancelled_wh: 10,
				expired_wh: 10,
				withdrawn_wh: 5,
				fed_in_wh: 20,
				..Certificate::new(5, account(1))
			},
			holders: vec![
				(account(1), pieces(&[(0, 10, Active), (80, 100, FedIn)])),
				(account(2), pieces(&[(10, 50, Claimed), (50, 55, Active)])),
				(
					account(3),
					pieces(&[(55, 65, Cancelled), (65, 75, Expired), (75, 80, Withdrawn)]),
				),
			],
			withdrawal_reason: Some(b"meter tampering".to_vec().try_into().expect("fits")),
		},
		device: Some(ResAsset {
			owner: account(1),
			technology: Technology::Solar,
			nameplate_w: 5_000,
			connection_point: b"LV-feeder-3/bus-12".to_vec().try_into().expect("fits"),
			status: ResStatus::Approved,
			registered_at: 0,
		}),
	}
}

fn export() -> RegistryExport<AccountId32, u32> {
	let registry = registry(&issuer(), GENESIS.into()).expect("the issuer is set");
	RegistryExport {
		standard: STANDARD.into(),
		granular_certificate_bundles: bundles(&registry, HOUR_MS, vec![certificate()]),
		registry,
		at_block_hash: GENESIS.into(),
		from_slot: SLOT,
		to_slot: SLOT,
		account: None,
	}
}

fn json(export: &RegistryExport<AccountId32, u32>) -> Value {
	serde_json::to_value(export).expect("an export serializes")
}

#[test]
fn every_piece_is_a_bundle_and_the_export_validates() {
	let export = export();
	let summary: Vec<(&str, &str, u64, u64, u64)> = export
		.granular_certificate_bundles
		.iter()
		.map(|b| {
			(
				b.certificate_bundle_status.as_str(),
				b.chain_status.as_str(),
				b.certificate_bundle_id_range_start - wh_id(5, 0),
				b.certificate_bundle_id_range_end - wh_id(5, 0),
				b.bundle_quantity,
			)
		})
		.collect();
	assert_eq!(
		summary,
		[
			("Active", "Active", 0, 9, 10),
			("Cancelled", "FedIn", 80, 99, 20),
			("Claimed", "Claimed", 10, 49, 40),
			("Active", "Active", 50, 54, 5),
			("Cancelled", "Cancelled", 55, 64, 10),
			("Expired", "Expired", 65, 74, 10),
			("Withdrawn", "Withdrawn", 75, 79, 5),
		]
	);
	let claimed = &export.granular_certificate_bundles[2];
	assert_eq!(claimed.beneficiary, Some(account(2)));
	assert_eq!(claimed.production_starting_interval, "2026-12-07T01:00:00Z");
	assert_eq!(claimed.production_ending_interval, "2026-12-07T02:00:00Z");
	assert_eq!(claimed.issuance_datestamp, "2026-12-07");
	assert_eq!(claimed.expiry_datestamp, "2027-12-07");
	assert_eq!((claimed.energy_source.as_str(), claimed.device_capacity), ("Solar", 5_000));
	assert_eq!(export.granular_certificate_bundles[1].beneficiary, None, "the utility bought it");
	assert_eq!(
		export.granular_certificate_bundles[6].withdrawal_reason.as_deref(),
		Some("meter tampering")
	);
	assert!(!export.granular_certificate_bundles[5].usable_for_disclosure, "expired");
	assert_eq!(export_errors(&json(&export)), Vec::<String>::new());
}

/// Each forgery is refused, with the reason named.
#[test]
fn tampered_exports_fail_validation() {
	let valid = json(&export());
	type Edit = Box<dyn Fn(&mut Value)>;
	let bundle = |e: &mut Value, field: &str, value: Value| {
		e["granular_certificate_bundles"][2][field] = value;
	};
	let cases: Vec<(&str, &str, Edit)> = vec![
		(
			"no issuance id",
			"issuance_id",
			Box::new(|e| {
				e["granular_certificate_bundles"][2]
					.as_object_mut()
					.expect("object")
					.remove("issuance_id");
			}),
		),
		(
			"a status EnergyTag lacks",
			"FedIn",
			Box::new(move |e| bundle(e, "certificate_bundle_status", "FedIn".into())),
		),
		(
			"a quantity not matching the range",
			"end − start + 1",
			Box::new(move |e| bundle(e, "bundle_quantity", 41.into())),
		),
		(
			"a range in another certificate",
			"outside certificate",
			Box::new(move |e| bundle(e, "issuance_id", "6".into())),
		),
		(
			"a local time",
			"production_starting_interval",
			Box::new(move |e| {
				bundle(e, "production_starting_interval", "2026-12-07T02:00:00+01:00".into())
			}),
		),
		("an unmapped field", "price", Box::new(move |e| bundle(e, "price", 3.into()))),
		(
			"no country",
			"country_of_issuance",
			Box::new(|e| e["registry"]["country_of_issuance"] = "".into()),
		),
		(
			"the same Wh in two bundles",
			"shared with bundle",
			Box::new(|e| {
				let copy = e["granular_certificate_bundles"][2].clone();
				e["granular_certificate_bundles"].as_array_mut().expect("array").push(copy);
			}),
		),
		(
			"fed-in Wh passed off as active",
			"does not export",
			Box::new(move |e| bundle(e, "chain_status", "FedIn".into())),
		),
		(
			"a claim without its beneficiary",
			"beneficiary",
			Box::new(move |e| bundle(e, "beneficiary", Value::Null)),
		),
		(
			"claimed Wh not usable",
			"usable_for_disclosure",
			Box::new(move |e| bundle(e, "usable_for_disclosure", false.into())),
		),
		(
			"a reason on claimed Wh",
			"withdrawal reason",
			Box::new(move |e| bundle(e, "withdrawal_reason", "no".into())),
		),
		(
			"another device for one certificate",
			"device_id differs",
			Box::new(move |e| bundle(e, "device_id", 9.into())),
		),
		(
			"a two-hour interval",
			"(0, 1] hour",
			Box::new(|e| {
				for index in 0..7 {
					e["granular_certificate_bundles"][index]["production_ending_interval"] =
						"2026-12-07T03:00:00Z".into();
				}
			}),
		),
		(
			"a day that does not exist",
			"not a date",
			Box::new(move |e| bundle(e, "issuance_datestamp", "2026-02-31".into())),
		),
		(
			"a slot outside the span",
			"outside from_slot",
			Box::new(|e| e["to_slot"] = (SLOT - 1).into()),
		),
		(
			"another issuer",
			"not the registry's",
			Box::new(move |e| bundle(e, "issuing_body", "Elsewhere".into())),
		),
		(
			"another member's bundle in a member's export",
			"another account",
			Box::new(|e| e["account"] = serde_json::to_value(account(3)).expect("an address")),
		),
	];
	for (what, reason, edit) in cases {
		let mut tampered = valid.clone();
		edit(&mut tampered);
		let errors = export_errors(&tampered);
		assert!(errors.iter().any(|error| error.contains(reason)), "{what}: {errors:?}");
	}
}

#[test]
fn no_export_before_governance_names_the_issuer() {
	assert_eq!(registry(&Issuer::default(), GENESIS.into()), Err(ExportError::IssuerNotSet));
	let unnamed = Issuer { name: Default::default(), country: *b"DE" };
	assert_eq!(registry(&unnamed, GENESIS.into()), Err(ExportError::IssuerNotSet));
}
