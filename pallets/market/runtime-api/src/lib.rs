//! Runtime API of the community energy market, for clients (and the `market_*` JSON-RPC
//! methods of the node).
#![cfg_attr(not(feature = "std"), no_std)]

pub use energy_primitives::MarketSlot;
pub use pallet_market::{Auction, TariffTable};

sp_api::decl_runtime_apis! {
	/// What a client needs to follow the market.
	pub trait MarketApi {
		/// The market slot the chain is in.
		fn current_slot() -> MarketSlot;
		/// The auction of delivery slot `slot`: its book summary while open, its clearing
		/// result once cleared, its settlement totals once settled. `None` if the slot never
		/// had an auction or its summary has been pruned.
		fn slot_report(slot: MarketSlot) -> Option<Auction>;
		/// The time-of-use tariff table auctions opened from now on will use.
		fn tariffs() -> TariffTable;
	}
}
