//! The export of certificates in the shape of EnergyTag's Registry API (v2): one *GC bundle* per
//! holder and contiguous Wh range of one status, with the certificate's attributes, its
//! production device and the issuing body. `schema/energytag-gc-export.schema.json` is its
//! JSON Schema; `docs/certificates.md` maps every field.

use crate::time::{rfc3339, slot_end, utc_day};
use pallet_energy_tokens_runtime_api::{
	CertificateStatus, DeviceCertificate, Issuer, MarketSlot, Technology,
};
use serde::{Deserialize, Serialize};

/// The JSON Schema every export validates against.
pub const EXPORT_SCHEMA: &str = include_str!("../schema/energytag-gc-export.schema.json");

/// The standard the export follows.
pub const STANDARD: &str = "EnergyTag Granular Certificate Scheme Standard v2, Registry API";

/// Certificate Wh ids: a certificate's Wh `n` has the registry-wide id `id × 2²⁷ + n`. A RES
/// produces at most 100 MW × 1 h = 10⁸ Wh in a slot, below 2²⁷ (1.34 × 10⁸). Ids stay below
/// 2⁵³, exact in every JSON reader, for the first 2²⁶ (67 million) certificates.
pub const WH_ID_STRIDE: u64 = 1 << 27;

// A certificate's Wh fit in one stride: a RES of the largest nameplate capacity (W) makes that
// many Wh in an hour, the longest production interval.
const _: () = assert!(pallet_energy_tokens_runtime_api::MAX_NAMEPLATE_W < WH_ID_STRIDE);

/// Certificates of a span of slots, in the Registry API's shape.
#[derive(Clone, Debug, Deserialize, PartialEq, Serialize)]
pub struct RegistryExport<AccountId, BlockNumber> {
	/// The standard this follows.
	pub standard: String,
	/// The issuing body.
	pub registry: Registry,
	/// The block whose state this is.
	pub at_block_hash: String,
	/// The first slot of the span.
	pub from_slot: MarketSlot,
	/// The last slot of the span (included).
	pub to_slot: MarketSlot,
	/// The member whose bundles these are, or `null` for every holder's.
	pub account: Option<AccountId>,
	/// The GC bundles, by slot, RES, holder (owner first) and Wh.
	pub granular_certificate_bundles: Vec<Bundle<AccountId, BlockNumber>>,
}

/// The issuing body: this chain.
#[derive(Clone, Debug, Deserialize, PartialEq, Serialize)]
pub struct Registry {
	/// Its name, set by governance.
	pub issuing_body: String,
	/// Its identity: the chain's genesis hash.
	pub issuing_body_id: String,
	/// ISO 3166-1 alpha-2.
	pub country_of_issuance: String,
}

/// One GC bundle: a contiguous range of one certificate's Wh, in one status, with one holder.
#[derive(Clone, Debug, Deserialize, PartialEq, Serialize)]
pub struct Bundle<AccountId, BlockNumber> {
	/// The certificate's id (the same for every bundle split from it).
	pub issuance_id: String,
	/// EnergyTag's status: Active, Claimed, Cancelled, Expired or Withdrawn.
	pub certificate_bundle_status: String,
	/// The chain's own status (`FedIn` is exported as Cancelled on the utility's behalf).
	pub chain_status: String,
	/// The holder.
	pub account_id: AccountId,
	/// Who may claim the attributes of claimed or cancelled Wh: the holder; `null` otherwise
	/// (and for fed-in Wh, which the utility bought).
	pub beneficiary: Option<AccountId>,
	/// The first Wh's id (`issuance_id × 2²⁷ + n`).
	pub certificate_bundle_id_range_start: u64,
	/// The last Wh's id (included).
	pub certificate_bundle_id_range_end: u64,
	/// Wh in the bundle: end − start + 1.
	pub bundle_quantity: u64,
	/// Whether the Wh may back a disclosure: not when expired, withdrawn or fed in (the
	/// utility bought the attributes).
	pub usable_for_disclosure: bool,
	/// Always `Electricity`.
	pub energy_carrier: String,
	/// Solar, Wind, Biomass or Hydro.
	pub energy_source: String,
	/// Wh per certificate id: 1.
	pub face_value: u64,
	/// Always false: no conversion happens here.
	pub issuance_post_energy_carrier_conversion: bool,
	/// The RES id.
	pub device_id: u32,
	/// The RES's name: the chain keeps none, so `RES <id>`.
	pub device_name: String,
	/// The RES's technology in words.
	pub device_technology_type: String,
	/// Nameplate capacity in W.
	pub device_capacity: u64,
	/// The RES's grid connection point.
	pub device_location: String,
	/// The RES's owner.
	pub device_owner: AccountId,
	/// The block the RES was registered in (the chain keeps no commissioning date).
	pub device_registration_block: BlockNumber,
	/// Start of the production interval, UTC.
	pub production_starting_interval: String,
	/// End of the production interval, UTC (at most an hour after the start).
	pub production_ending_interval: String,
	/// The market slot of the production interval.
	pub slot: MarketSlot,
	/// Issuance date (UTC `YYYY-MM-DD`).
	pub issuance_datestamp: String,
	/// Issuance time (UTC).
	pub issuance_datetime: String,
	/// The date the active Wh expire (UTC `YYYY-MM-DD`: the end of the last usable slot).
	pub expiry_datestamp: String,
	/// Always false: every RES here is a generator, none a store.
	pub is_storage: bool,
	/// The issuing body's country.
	pub country_of_issuance: String,
	/// The grid the energy was injected into: the RES's connection point.
	pub connected_grid_identification: String,
	/// The issuing body's name.
	pub issuing_body: String,
	/// The market the certificate was issued in: the community's local market.
	pub issue_market_zone: String,
	/// Governance's reason, for withdrawn Wh.
	pub withdrawal_reason: Option<String>,
}

/// Why certificates cannot be exported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExportError {
	/// Governance has not named the issuing body and its country (`set_issuer`).
	IssuerNotSet,
}

/// How Wh of one chain status are exported: the one table the export and its validation share.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatusExport {
	/// EnergyTag's status (`certificate_bundle_status`).
	pub energytag: &'static str,
	/// The chain's own name (`chain_status`).
	pub chain: &'static str,
	/// Whether the Wh may back a disclosure (`usable_for_disclosure`).
	pub usable_for_disclosure: bool,
	/// Whether the holder is the `beneficiary` (claimed and cancelled Wh); `null` otherwise.
	pub holder_is_beneficiary: bool,
}

/// Every chain status.
pub const STATUSES: [CertificateStatus; 6] = [
	CertificateStatus::Active,
	CertificateStatus::Claimed,
	CertificateStatus::Cancelled,
	CertificateStatus::Expired,
	CertificateStatus::Withdrawn,
	CertificateStatus::FedIn,
];

/// How Wh of `status` are exported. Fed-in Wh are EnergyTag's `Cancelled` without a
/// beneficiary and not usable for disclosure: the utility bought their attributes.
pub fn status_export(status: CertificateStatus) -> StatusExport {
	let (energytag, chain, usable_for_disclosure, holder_is_beneficiary) = match status {
		CertificateStatus::Active => ("Active", "Active", true, false),
		CertificateStatus::Claimed => ("Claimed", "Claimed", true, true),
		CertificateStatus::Cancelled => ("Cancelled", "Cancelled", true, true),
		CertificateStatus::Expired => ("Expired", "Expired", false, false),
		CertificateStatus::Withdrawn => ("Withdrawn", "Withdrawn", false, false),
		CertificateStatus::FedIn => ("Cancelled", "FedIn", false, false),
	};
	StatusExport { energytag, chain, usable_for_disclosure, holder_is_beneficiary }
}

/// The chain status exported as `chain_status` `name`.
pub fn chain_status(name: &str) -> Option<CertificateStatus> {
	STATUSES.into_iter().find(|status| status_export(*status).chain == name)
}

/// EnergyTag's energy source and a technology type in words.
fn technology_names(technology: Technology) -> (&'static str, &'static str) {
	match technology {
		Technology::Solar => ("Solar", "Photovoltaic"),
		Technology::Wind => ("Wind", "Wind turbine"),
		Technology::Biomass => ("Biomass", "Biomass or biogas generator"),
		Technology::Hydro => ("Hydro", "Small hydro plant"),
	}
}

/// The registry-wide id of Wh `n` of certificate `id`.
pub fn wh_id(id: u64, n: u64) -> u64 {
	id.saturating_mul(WH_ID_STRIDE).saturating_add(n)
}

/// The issuing body of `issuer` and `genesis_hash`, if governance has set it.
pub fn registry(issuer: &Issuer, genesis_hash: String) -> Result<Registry, ExportError> {
	if issuer.name.is_empty() || !issuer.country_is_valid() {
		return Err(ExportError::IssuerNotSet);
	}
	Ok(Registry {
		issuing_body: String::from_utf8_lossy(&issuer.name).into_owned(),
		issuing_body_id: genesis_hash,
		country_of_issuance: String::from_utf8_lossy(&issuer.country).into_owned(),
	})
}

/// The bundles of `certificates`: one per holder's piece, in the runtime's order.
pub fn bundles<AccountId: Clone, BlockNumber: Clone>(
	registry: &Registry,
	slot_length_ms: u64,
	certificates: Vec<DeviceCertificate<AccountId, BlockNumber>>,
) -> Vec<Bundle<AccountId, BlockNumber>> {
	let mut bundles = Vec::new();
	for DeviceCertificate { record, device } in certificates {
		// The runtime pairs every certificate with its RES; a RES record never goes away.
		let Some(device) = device else { continue };
		let certificate = &record.certificate;
		let (energy_source, technology_type) = technology_names(device.technology);
		let location = String::from_utf8_lossy(&device.connection_point).into_owned();
		// The day of the last usable slot's last millisecond.
		let expiry_ms = slot_end(certificate.expires_after, slot_length_ms).saturating_sub(1);
		for (holder, pieces) in &record.holders {
			for piece in pieces.iter().filter(|piece| !piece.range.is_empty()) {
				let exported = status_export(piece.status);
				bundles.push(Bundle {
					issuance_id: certificate.id.to_string(),
					certificate_bundle_status: exported.energytag.into(),
					chain_status: exported.chain.into(),
					account_id: holder.clone(),
					beneficiary: exported.holder_is_beneficiary.then(|| holder.clone()),
					certificate_bundle_id_range_start: wh_id(certificate.id, piece.range.start),
					certificate_bundle_id_range_end: wh_id(certificate.id, piece.range.end - 1),
					bundle_quantity: piece.range.len(),
					usable_for_disclosure: exported.usable_for_disclosure,
					energy_carrier: "Electricity".into(),
					energy_source: energy_source.into(),
					face_value: 1,
					issuance_post_energy_carrier_conversion: false,
					device_id: record.res,
					device_name: format!("RES {}", record.res),
					device_technology_type: technology_type.into(),
					device_capacity: device.nameplate_w,
					device_location: location.clone(),
					device_owner: device.owner.clone(),
					device_registration_block: device.registered_at.clone(),
					production_starting_interval: rfc3339(certificate.interval_start_ms),
					production_ending_interval: rfc3339(certificate.interval_end_ms),
					slot: record.slot,
					issuance_datestamp: utc_day(certificate.issued_at_ms),
					issuance_datetime: rfc3339(certificate.issued_at_ms),
					expiry_datestamp: utc_day(expiry_ms),
					is_storage: false,
					country_of_issuance: registry.country_of_issuance.clone(),
					connected_grid_identification: location.clone(),
					issuing_body: registry.issuing_body.clone(),
					issue_market_zone: format!("{} local market", registry.issuing_body),
					withdrawal_reason: (piece.status == CertificateStatus::Withdrawn)
						.then_some(record.withdrawal_reason.as_ref())
						.flatten()
						.map(|reason| String::from_utf8_lossy(reason).into_owned()),
				});
			}
		}
	}
	bundles
}
