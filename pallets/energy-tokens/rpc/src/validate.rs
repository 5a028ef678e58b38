//! Validation of an export: against the shipped JSON Schema ([`crate::EXPORT_SCHEMA`]), then
//! against what a schema cannot state:
//! - each bundle's quantity is its id range's length, and its ids lie in its certificate's
//!   stride;
//! - no Wh id is in two bundles;
//! - the bundles of one certificate agree on its attributes (slot, device, interval, issuance);
//! - each bundle's statuses agree (`FedIn` is exported as `Cancelled`), as do its beneficiary,
//!   disclosure flag and withdrawal reason;
//! - the production interval is real UTC time, ends after it starts and lasts at most an hour;
//! - every bundle lies in the exported slots, has the registry's issuer, and is the exported
//!   account's when the export is one member's.
//!
//! A file that passes is well-formed and consistent, not authentic: the chain at its
//! `at_block_hash` is what proves it.

use crate::export::{chain_status, status_export, WH_ID_STRIDE};
use chrono::{DateTime, NaiveDate};
use pallet_energy_tokens_runtime_api::CertificateStatus;
use serde_json::Value;
use std::collections::BTreeMap;

/// The attributes every bundle of one certificate shares.
const CERTIFICATE_ATTRIBUTES: [&str; 9] = [
	"slot",
	"device_id",
	"device_owner",
	"energy_source",
	"production_starting_interval",
	"production_ending_interval",
	"issuance_datetime",
	"expiry_datestamp",
	"device_capacity",
];

/// One hour in seconds: the longest production interval.
const HOUR_S: i64 = 3_600;

/// Every way `export` breaks the schema or the checks above, as `path: message` lines; empty if
/// it is valid.
pub fn export_errors(export: &Value) -> Vec<String> {
	let schema: Value = match serde_json::from_str(crate::EXPORT_SCHEMA) {
		Ok(schema) => schema,
		Err(error) => return vec![format!("the shipped schema is not JSON: {error}")],
	};
	let validator = match jsonschema::validator_for(&schema) {
		Ok(validator) => validator,
		Err(error) => return vec![format!("the shipped schema is not a JSON Schema: {error}")],
	};
	let errors: Vec<String> = validator
		.iter_errors(export)
		.map(|error| format!("{}: {error}", error.instance_path()))
		.collect();
	if !errors.is_empty() {
		return errors;
	}
	consistency_errors(export)
}

/// The checks a schema cannot state, on an export the schema accepted.
fn consistency_errors(export: &Value) -> Vec<String> {
	let mut errors = Vec::new();
	let (from, to) = (export["from_slot"].as_u64(), export["to_slot"].as_u64());
	if from > to {
		errors.push("/to_slot: before from_slot".to_string());
	}
	let registry = &export["registry"];
	// Each certificate's attributes, as its first bundle has them, and every Wh range.
	let mut certificates = BTreeMap::<u64, (usize, &Value)>::new();
	let mut ranges = Vec::<(u64, u64, usize)>::new();
	let bundles =
		export["granular_certificate_bundles"].as_array().map(Vec::as_slice).unwrap_or_default();
	for (index, bundle) in bundles.iter().enumerate() {
		let mut fail = |message: String| {
			errors.push(format!("/granular_certificate_bundles/{index}: {message}"))
		};
		let number = |field: &str| bundle[field].as_u64();
		let (Some(start), Some(end), Some(quantity)) = (
			number("certificate_bundle_id_range_start"),
			number("certificate_bundle_id_range_end"),
			number("bundle_quantity"),
		) else {
			fail("an id range or quantity is not a whole number below 2⁶⁴".into());
			continue;
		};
		if end.checked_sub(start).and_then(|length| length.checked_add(1)) != Some(quantity) {
			fail("bundle_quantity is not end − start + 1".into());
		}
		let id: Option<u64> = bundle["issuance_id"].as_str().and_then(|id| id.parse().ok());
		match id {
			Some(id) if start / WH_ID_STRIDE == id && end / WH_ID_STRIDE == id => {
				ranges.push((start, end, index));
				match certificates.get(&id) {
					None => {
						certificates.insert(id, (index, bundle));
					},
					Some((first, attributes)) => {
						for field in CERTIFICATE_ATTRIBUTES {
							if attributes[field] != bundle[field] {
								fail(format!(
									"{field} differs from bundle {first} of certificate {id}"
								));
							}
						}
					},
				}
			},
			_ => fail(format!("ids outside certificate {}", bundle["issuance_id"])),
		}
		// The schema admits only the chain's status names.
		let name = bundle["chain_status"].as_str().unwrap_or_default();
		if let Some(status) = chain_status(name) {
			let exported = status_export(status);
			let energytag = bundle["certificate_bundle_status"].as_str().unwrap_or_default();
			if energytag != exported.energytag {
				fail(format!("status {energytag} does not export chain status {name}"));
			}
			let beneficiary = &bundle["beneficiary"];
			if exported.holder_is_beneficiary == beneficiary.is_null()
				|| (exported.holder_is_beneficiary && *beneficiary != bundle["account_id"])
			{
				fail("beneficiary: the holder for claimed or cancelled Wh, null otherwise".into());
			}
			if bundle["usable_for_disclosure"].as_bool() != Some(exported.usable_for_disclosure) {
				fail(format!("usable_for_disclosure is wrong for {name}"));
			}
			if status != CertificateStatus::Withdrawn && !bundle["withdrawal_reason"].is_null() {
				fail("a withdrawal reason on Wh that were not withdrawn".into());
			}
		}
		let time =
			|field: &str| bundle[field].as_str().and_then(|t| DateTime::parse_from_rfc3339(t).ok());
		match (time("production_starting_interval"), time("production_ending_interval")) {
			(Some(start), Some(end)) => {
				if end <= start || (end - start).num_seconds() > HOUR_S {
					fail("the production interval does not last (0, 1] hour".into());
				}
			},
			_ => fail("a production interval bound is not a UTC time".into()),
		}
		for field in ["issuance_datestamp", "expiry_datestamp"] {
			let date = bundle[field].as_str().unwrap_or_default();
			if NaiveDate::parse_from_str(date, "%Y-%m-%d").is_err() {
				fail(format!("{field} is not a date"));
			}
		}
		if time("issuance_datetime").is_none() {
			fail("issuance_datetime is not a UTC time".into());
		}
		let slot = bundle["slot"].as_u64();
		if slot < from || slot > to {
			fail("a slot outside from_slot..=to_slot".into());
		}
		for (field, registry_field) in
			[("issuing_body", "issuing_body"), ("country_of_issuance", "country_of_issuance")]
		{
			if bundle[field] != registry[registry_field] {
				fail(format!("{field} is not the registry's"));
			}
		}
		if !export["account"].is_null() && bundle["account_id"] != export["account"] {
			fail("a bundle of another account in one member's export".into());
		}
	}
	ranges.sort_unstable();
	for pair in ranges.windows(2) {
		let ((_, end, first), (start, _, second)) = (pair[0], pair[1]);
		if start <= end {
			errors.push(format!(
				"/granular_certificate_bundles/{second}: Wh ids shared with bundle {first}"
			));
		}
	}
	errors
}
