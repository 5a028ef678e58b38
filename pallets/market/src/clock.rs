//! The market clock: market slots from the block timestamp, and the tariff of a slot.

use crate::{
	AuctionStatus, Auctions, Config, HourTariff, Pallet, SlotLength, Tariffs, HOURS_PER_DAY,
};
use energy_primitives::{MarketClock, MarketSlot, HOUR_MS};

impl<T: Config> Pallet<T> {
	/// The block's unix time in ms (the timestamp inherent; the previous block's before it).
	pub fn now_ms() -> u64 {
		pallet_timestamp::Now::<T>::get()
	}

	/// The slot containing unix time `now_ms`: `now_ms / slot length`, saturating at the
	/// largest slot number.
	pub fn slot_at(now_ms: u64) -> MarketSlot {
		let length = SlotLength::<T>::get().max(1);
		(now_ms / length).min(MarketSlot::MAX as u64) as MarketSlot
	}

	/// The unix time (ms) at which `slot` starts.
	pub fn slot_start_ms(slot: MarketSlot) -> u64 {
		(slot as u64).saturating_mul(SlotLength::<T>::get())
	}

	/// The hour of day (UTC, 0–23) in which `slot` starts.
	pub fn hour_of_day(slot: MarketSlot) -> usize {
		((Self::slot_start_ms(slot) / HOUR_MS) % HOURS_PER_DAY as u64) as usize
	}

	/// The tariff the table gives `slot` now (by the hour it starts in).
	pub fn tariff_of(slot: MarketSlot) -> HourTariff {
		Tariffs::<T>::get()[Self::hour_of_day(slot)]
	}
}

impl<T: Config> MarketClock for Pallet<T> {
	fn current_slot() -> MarketSlot {
		Self::slot_at(Self::now_ms())
	}

	fn slot_length_ms() -> u64 {
		SlotLength::<T>::get()
	}

	/// The slot's auction is open or cleared: its settlement, which delivers the slot's tokens
	/// and sells the rest at feed-in, has not begun.
	fn delivery_open(slot: MarketSlot) -> bool {
		Auctions::<T>::get(slot).is_some_and(|auction| {
			matches!(
				auction.status,
				AuctionStatus::Open | AuctionStatus::Revealing | AuctionStatus::Cleared
			)
		})
	}

	/// The slot's auction is past its gate closure or no longer open; a slot without an
	/// auction is closed once the schedule's gate closure time has passed.
	fn gate_closed(slot: MarketSlot) -> bool {
		let now = Self::now_ms();
		match Auctions::<T>::get(slot) {
			Some(auction) => {
				!matches!(auction.status, AuctionStatus::Open) || now >= auction.gate_closure_at
			},
			None => {
				let gate_closure_ms = crate::Schedule::<T>::get().gate_closure_ms;
				now >= Self::slot_start_ms(slot).saturating_sub(gate_closure_ms)
			},
		}
	}

	/// A pending auction past its gate that the block hook has not cleared yet: open with its
	/// gate closure due, or a sealed auction in its reveal window (the grid it clears on must
	/// not change once its members can see the revealed orders).
	fn clearing_due() -> bool {
		let now = Self::now_ms();
		// A reveal window began at or before now and is shorter than a slot (`mode_fits`), so
		// only entries due within a slot from now can be due or revealing: the others are not
		// read.
		let horizon = now.saturating_add(SlotLength::<T>::get());
		let near = crate::Pending::<T>::get().into_iter().filter(|pending| pending.due <= horizon);
		near.into_iter().any(|pending| {
			Auctions::<T>::get(pending.slot).is_some_and(|auction| match auction.status {
				AuctionStatus::Open => pending.due <= now,
				AuctionStatus::Revealing => true,
				_ => false,
			})
		})
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn set_current_slot(slot: MarketSlot) {
		pallet_timestamp::Now::<T>::put(Self::slot_start_ms(slot));
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn open_delivery(slot: MarketSlot) {
		let mut auction = crate::Auction::open(
			crate::Rule::<T>::get(),
			Self::tariff_of(slot),
			Self::slot_start_ms(slot),
			Self::slot_start_ms(slot.saturating_add(1)),
		);
		auction.status = AuctionStatus::Cleared;
		Auctions::<T>::insert(slot, auction);
	}
}
