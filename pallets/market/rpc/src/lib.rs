//! JSON-RPC methods of the community energy market, served from the runtime's `MarketApi`:
//!
//! - `market_currentSlot(at?)` → the market slot the chain is in;
//! - `market_slotReport(slot, at?)` → the slot's auction (book summary, clearing result,
//!   settlement totals) or `null`;
//! - `market_tariffs(at?)` → the 24-hour time-of-use table.

use std::sync::Arc;

use jsonrpsee::{
	core::RpcResult,
	proc_macros::rpc,
	types::error::{ErrorObject, ErrorObjectOwned},
};
pub use pallet_market_runtime_api::MarketApi as MarketRuntimeApi;
use pallet_market_runtime_api::{Auction, MarketSlot, TariffTable};
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_runtime::traits::Block as BlockT;

/// The market's JSON-RPC methods.
#[rpc(client, server)]
pub trait MarketApi<BlockHash> {
	/// The market slot the chain is in at block `at` (the best block by default).
	#[method(name = "market_currentSlot")]
	fn current_slot(&self, at: Option<BlockHash>) -> RpcResult<MarketSlot>;

	/// The auction of delivery slot `slot` at block `at`, or `null`.
	#[method(name = "market_slotReport")]
	fn slot_report(&self, slot: MarketSlot, at: Option<BlockHash>) -> RpcResult<Option<Auction>>;

	/// The time-of-use tariff table at block `at`.
	#[method(name = "market_tariffs")]
	fn tariffs(&self, at: Option<BlockHash>) -> RpcResult<TariffTable>;
}

/// Serves [`MarketApiServer`] from a client's runtime.
pub struct Market<C, Block> {
	client: Arc<C>,
	_block: std::marker::PhantomData<Block>,
}

impl<C, Block> Market<C, Block> {
	/// The methods over `client`.
	pub fn new(client: Arc<C>) -> Self {
		Market { client, _block: Default::default() }
	}
}

/// The error code of a failed runtime call.
pub const RUNTIME_ERROR: i32 = 1;

fn runtime_error(error: impl std::fmt::Debug) -> ErrorObjectOwned {
	ErrorObject::owned(RUNTIME_ERROR, "runtime call failed", Some(format!("{error:?}")))
}

impl<C, Block> MarketApiServer<Block::Hash> for Market<C, Block>
where
	Block: BlockT,
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: MarketRuntimeApi<Block>,
{
	fn current_slot(&self, at: Option<Block::Hash>) -> RpcResult<MarketSlot> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		self.client.runtime_api().current_slot(at).map_err(runtime_error)
	}

	fn slot_report(&self, slot: MarketSlot, at: Option<Block::Hash>) -> RpcResult<Option<Auction>> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		self.client.runtime_api().slot_report(at, slot).map_err(runtime_error)
	}

	fn tariffs(&self, at: Option<Block::Hash>) -> RpcResult<TariffTable> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		self.client.runtime_api().tariffs(at).map_err(runtime_error)
	}
}
