//! Tests of the market: orders, the auction's life, clearing, settlement, governance, and
//! properties over random books.

mod governance;
mod grid;
mod lifecycle;
mod migrations;
mod orders;
mod properties;
mod sealed;
mod settlement;
mod standing;

use crate::{mock::*, AuctionStatus, Auctions};
use energy_primitives::MarketSlot;

/// Unix ms of the gate closure of `slot` under the test schedule.
pub fn gate_of(slot: MarketSlot) -> u64 {
	slot as u64 * SLOT_MS - schedule().gate_closure_ms
}

/// Unix ms from which `slot` may settle under the test schedule.
pub fn settle_time_of(slot: MarketSlot) -> u64 {
	(slot as u64 + 1) * SLOT_MS + schedule().settlement_delay_ms
}

/// The status of the auction of `slot`.
pub fn status_of(slot: MarketSlot) -> Option<AuctionStatus> {
	Auctions::<Test>::get(slot).map(|auction| auction.status)
}

/// Checks the market's and the token ledger's invariants.
pub fn assert_invariants() {
	crate::Pallet::<Test>::do_try_state().expect("market invariants hold");
	pallet_energy_tokens::Pallet::<Test>::do_try_state().expect("token invariants hold");
}
