//! Runtime API of the DSO's grid, for clients: every element with the headroom a slot clears
//! on (its capacity, or less where the DSO withheld some for the slot).
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use energy_primitives::{ElementId, MarketSlot, MeterId, ResId, SlotElement};

sp_api::decl_runtime_apis! {
	/// What a client needs to draw the grid.
	pub trait GridApi {
		/// Every element as `slot` clears on it, parents before children; empty without a
		/// grid.
		fn slot_elements(slot: MarketSlot) -> alloc::vec::Vec<SlotElement>;
		/// What hangs at the root until the DSO binds it: the active consumption meters and
		/// the RES without a connection point, each ascending (a production meter goes with
		/// its RES).
		fn unbound() -> (alloc::vec::Vec<MeterId>, alloc::vec::Vec<ResId>);
	}
}
