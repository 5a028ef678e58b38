//! Runtime API of the granular certificates, for clients and the `certificates_*` JSON-RPC
//! methods of the node: hourly matching per member or for the community, and the certificates
//! of a span of slots with their holders' pieces and production devices.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use alloc::vec::Vec;
use codec::{Codec, Decode, Encode};
pub use energy_primitives::MarketSlot;
pub use pallet_energy_tokens::{
	Certificate, CertificateRecord, CertificateStatus, HourlyMatching, Issuer, Piece, Pieces,
	ReportError, WhRange, MAX_EXPORT_SLOTS, MAX_REPORT_SLOTS,
};
pub use pallet_res_assets::{ResAsset, ResStatus, Technology, MAX_NAMEPLATE_W};
use scale_info::TypeInfo;

/// A certificate with its holders' pieces and its production device.
#[derive(Clone, Debug, Decode, Encode, Eq, PartialEq, TypeInfo)]
pub struct DeviceCertificate<AccountId, BlockNumber> {
	/// The certificate and its holders' pieces.
	pub record: CertificateRecord<AccountId>,
	/// The RES that produced it (`None` only if its record is gone).
	pub device: Option<ResAsset<AccountId, BlockNumber>>,
}

sp_api::decl_runtime_apis! {
	/// What a client needs to report a member's hourly matching and to export certificates.
	pub trait CertificatesApi<AccountId, BlockNumber>
	where
		AccountId: Codec,
		BlockNumber: Codec,
	{
		/// The length of a market slot in milliseconds (slot `s` starts at `s × length` UTC).
		fn slot_length_ms() -> u64;
		/// The issuing body set by governance.
		fn issuing_body() -> Issuer;
		/// For each slot of `from_slot..=to_slot` with metered consumption, the consumption of
		/// `who` (or of the whole community, for `None`) and what certificates of that slot were
		/// claimed against it.
		fn hourly_matching(
			who: Option<AccountId>,
			from_slot: MarketSlot,
			to_slot: MarketSlot,
		) -> Result<Vec<HourlyMatching>, ReportError>;
		/// The certificates of `from_slot..=to_slot` (at most `MAX_EXPORT_SLOTS`) with their
		/// production devices, and the pieces of `who` (or of every holder, for `None`).
		fn certificates(
			who: Option<AccountId>,
			from_slot: MarketSlot,
			to_slot: MarketSlot,
		) -> Result<Vec<DeviceCertificate<AccountId, BlockNumber>>, ReportError>;
	}
}
