//! JSON-RPC methods of the granular certificates, served from the runtime's `CertificatesApi`:
//!
//! - `certificates_matching(who, from_slot, to_slot, at?)` → the 24/7 matching report of a
//!   member (or of the community, for `who = null`): per slot the metered consumption, the
//!   certificates of that slot claimed against it, and the carbon-free-energy score per slot,
//!   UTC day, month and year ([`MatchingReport`]);
//! - `certificates_export(who, from_slot, to_slot, at?)` → the certificates of those slots as
//!   EnergyTag Registry API (v2) GC bundles ([`RegistryExport`]), valid against
//!   [`EXPORT_SCHEMA`].
//!
//! A community report or export (`who = null`) is an unsafe method: a node serves it only where
//! unsafe methods are allowed (`--rpc-methods unsafe`, or on localhost).
//!
//! Slots are inclusive: `from_slot..=to_slot`, at most `MAX_REPORT_SLOTS` (8,784) for a report
//! and `MAX_EXPORT_SLOTS` (744) for an export. Both read the finalized block unless `at` names
//! another, and run on the RPC server's blocking pool.

use std::sync::Arc;

use jsonrpsee::{
	core::RpcResult,
	proc_macros::rpc,
	types::error::{ErrorObject, ErrorObjectOwned},
	Extensions,
};
pub use pallet_energy_tokens_runtime_api::CertificatesApi as CertificatesRuntimeApi;
use pallet_energy_tokens_runtime_api::{MarketSlot, ReportError};
use serde::{de::DeserializeOwned, Serialize};
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_runtime::traits::Block as BlockT;

pub mod export;
pub mod matching;
pub mod time;
pub mod validate;

pub use export::{Bundle, ExportError, Registry, RegistryExport, EXPORT_SCHEMA};
pub use matching::{MatchingReport, PeriodMatching, SlotMatching};

/// The certificates' JSON-RPC methods.
#[rpc(client, server)]
pub trait CertificatesApi<BlockHash, AccountId, BlockNumber> {
	/// The hourly matching of `who` (the community for `null`) in `from_slot..=to_slot`, at
	/// block `at` (the finalized block by default).
	#[method(name = "certificates_matching", blocking, with_extensions)]
	fn matching(
		&self,
		who: Option<AccountId>,
		from_slot: MarketSlot,
		to_slot: MarketSlot,
		at: Option<BlockHash>,
	) -> RpcResult<MatchingReport<AccountId>>;

	/// The certificates of `from_slot..=to_slot` as EnergyTag GC bundles: `who`'s bundles, or
	/// every holder's for `null`, at block `at` (the finalized block by default: a block
	/// anyone can check the export against later).
	#[method(name = "certificates_export", blocking, with_extensions)]
	fn export(
		&self,
		who: Option<AccountId>,
		from_slot: MarketSlot,
		to_slot: MarketSlot,
		at: Option<BlockHash>,
	) -> RpcResult<RegistryExport<AccountId, BlockNumber>>;
}

/// Serves [`CertificatesApiServer`] from a client's runtime.
pub struct Certificates<C, Block> {
	client: Arc<C>,
	_block: std::marker::PhantomData<Block>,
}

impl<C, Block> Certificates<C, Block> {
	/// The methods over `client`.
	pub fn new(client: Arc<C>) -> Self {
		Certificates { client, _block: Default::default() }
	}
}

/// The error code of a failed runtime call.
pub const RUNTIME_ERROR: i32 = 1;
/// The error code of a refused span of slots (empty, or longer than `MAX_REPORT_SLOTS`).
pub const INVALID_SPAN: i32 = 2;
/// The error code of an export before governance named the issuing body (`set_issuer`).
pub const ISSUER_NOT_SET: i32 = 3;

fn runtime_error(error: impl std::fmt::Debug) -> ErrorObjectOwned {
	ErrorObject::owned(RUNTIME_ERROR, "runtime call failed", Some(format!("{error:?}")))
}

/// A community report (`who = null`) scans every member's entries, so a node serves it only
/// where unsafe methods are allowed (`--rpc-methods unsafe`, or a node on localhost): a public
/// RPC node serves members' reports, whose cost the span bounds.
fn community_only_if_unsafe_allowed<AccountId>(
	ext: &Extensions,
	who: &Option<AccountId>,
) -> RpcResult<()> {
	if who.is_none() {
		sc_rpc_api::check_if_safe(ext)?;
	}
	Ok(())
}

fn span_error(error: ReportError) -> ErrorObjectOwned {
	let message = match error {
		ReportError::EmptyRange => "to_slot is before from_slot",
		ReportError::RangeTooLong => {
			"the span is too long: at most 8,784 slots for a report, 744 for an export"
		},
	};
	ErrorObject::owned(INVALID_SPAN, message, None::<()>)
}

impl<C, Block, AccountId, BlockNumber> CertificatesApiServer<Block::Hash, AccountId, BlockNumber>
	for Certificates<C, Block>
where
	Block: BlockT,
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: CertificatesRuntimeApi<Block, AccountId, BlockNumber>,
	AccountId: Clone + codec::Codec + Serialize + DeserializeOwned + Send + Sync + 'static,
	BlockNumber: Clone + codec::Codec + Serialize + DeserializeOwned + Send + Sync + 'static,
{
	fn matching(
		&self,
		ext: &Extensions,
		who: Option<AccountId>,
		from_slot: MarketSlot,
		to_slot: MarketSlot,
		at: Option<Block::Hash>,
	) -> RpcResult<MatchingReport<AccountId>> {
		community_only_if_unsafe_allowed(ext, &who)?;
		let at = at.unwrap_or_else(|| self.client.info().finalized_hash);
		let api = self.client.runtime_api();
		let slot_length_ms = api.slot_length_ms(at).map_err(runtime_error)?;
		let rows = api
			.hourly_matching(at, who.clone(), from_slot, to_slot)
			.map_err(runtime_error)?
			.map_err(span_error)?;
		Ok(matching::report(who, from_slot, to_slot, slot_length_ms, &rows))
	}

	fn export(
		&self,
		ext: &Extensions,
		who: Option<AccountId>,
		from_slot: MarketSlot,
		to_slot: MarketSlot,
		at: Option<Block::Hash>,
	) -> RpcResult<RegistryExport<AccountId, BlockNumber>> {
		community_only_if_unsafe_allowed(ext, &who)?;
		let at = at.unwrap_or_else(|| self.client.info().finalized_hash);
		let api = self.client.runtime_api();
		let issuer = api.issuing_body(at).map_err(runtime_error)?;
		let registry = export::registry(&issuer, format!("{:?}", self.client.info().genesis_hash))
			.map_err(|ExportError::IssuerNotSet| {
				ErrorObject::owned(
					ISSUER_NOT_SET,
					"governance has not named the issuing body and its country (set_issuer)",
					None::<()>,
				)
			})?;
		let slot_length_ms = api.slot_length_ms(at).map_err(runtime_error)?;
		let certificates = api
			.certificates(at, who.clone(), from_slot, to_slot)
			.map_err(runtime_error)?
			.map_err(span_error)?;
		Ok(RegistryExport {
			standard: export::STANDARD.into(),
			granular_certificate_bundles: export::bundles(&registry, slot_length_ms, certificates),
			registry,
			at_block_hash: format!("{at:?}"),
			from_slot,
			to_slot,
			account: who,
		})
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use sc_rpc_api::DenyUnsafe;

	fn extensions(deny: DenyUnsafe) -> Extensions {
		let mut extensions = Extensions::new();
		extensions.insert(deny);
		extensions
	}

	/// A public node (`--rpc-methods safe`) serves a member's report but refuses the community's,
	/// which scans every member's entries.
	#[test]
	fn a_public_node_refuses_the_communitys_report() {
		let public = extensions(DenyUnsafe::Yes);
		assert!(community_only_if_unsafe_allowed(&public, &Some("eve")).is_ok());
		let refused = community_only_if_unsafe_allowed::<&str>(&public, &None).expect_err("unsafe");
		assert_eq!(refused.message(), "RPC call is unsafe to be called externally");
		let private = extensions(DenyUnsafe::No);
		assert!(community_only_if_unsafe_allowed::<&str>(&private, &None).is_ok());
	}
}
