//! The market's block hook: opening auctions ahead of their slot, clearing them at gate
//! closure and settling them after the grace window, all within a weight budget.

use crate::{
	weights::WeightInfo, Auction, AuctionStatus, Auctions, Config, Event, NextSlotToOpen, Pallet,
	Pending, PendingAuction, Rule, Schedule, SealedBooks, SettlementPhase, TRADES_PER_PAGE,
};
use energy_primitives::MarketSlot;
use frame_support::{traits::Get, weights::WeightMeter};
use sp_runtime::Weight;

/// The largest `n` in `0..=max` whose weight `cost(n)` the meter can still take.
fn affordable(meter: &WeightMeter, max: u32, cost: impl Fn(u32) -> Weight) -> u32 {
	if max == 0 || !meter.can_consume(cost(1)) {
		return 0;
	}
	let (mut low, mut high) = (1, max);
	while low < high {
		let middle = low + (high - low).div_ceil(2);
		if meter.can_consume(cost(middle)) {
			low = middle;
		} else {
			high = middle - 1;
		}
	}
	low
}

impl<T: Config> Pallet<T> {
	/// One block of market work out of the block's remaining weight `block`.
	pub(crate) fn run_market(block: &mut WeightMeter) {
		let mut routine = WeightMeter::with_limit(T::MaxHookWeight::get().min(block.remaining()));
		if routine.try_consume(<T as Config>::WeightInfo::poll()).is_err() {
			return;
		}
		let now = Self::now_ms();
		let mut pending = Pending::<T>::get();
		let before = pending.clone();
		Self::open_due_auctions(now, &mut pending, &mut routine);
		block.consume(routine.consumed());
		// Clearing first: it is due at gate closure, while settlement can wait a block.
		let mut clearing =
			WeightMeter::with_limit(T::MaxClearingWeight::get().min(block.remaining()));
		for entry in pending.iter_mut() {
			if entry.due != 0 && entry.due <= now {
				Self::close_if_due(entry, &mut clearing);
			}
		}
		block.consume(clearing.consumed());
		let mut settling = WeightMeter::with_limit(
			T::MaxHookWeight::get().saturating_sub(routine.consumed()).min(block.remaining()),
		);
		for entry in pending.iter_mut() {
			if entry.due <= now && !Self::settle_if_due(entry, now, &mut settling) {
				break;
			}
		}
		block.consume(settling.consumed());
		pending.retain(|entry| entry.due != u64::MAX);
		if pending != before {
			Pending::<T>::put(pending);
		}
	}

	/// The weight of clearing a book of `bids` and `offers`: the benchmarked `clear`, plus
	/// the trade pages it writes (at most one trade per order, [`TRADES_PER_PAGE`] a page),
	/// which the benchmark's per-order fit rounds away, and the read of the sealed book.
	pub fn clearing_weight(bids: u32, offers: u32) -> Weight {
		let pages = bids.saturating_add(offers) / TRADES_PER_PAGE + 1;
		<T as Config>::WeightInfo::clear(bids.saturating_add(offers))
			.saturating_add(T::DbWeight::get().reads_writes(1, pages as u64))
	}

	/// Opens the auctions of the slots that have come within `open_slots_ahead`.
	fn open_due_auctions(
		now: u64,
		pending: &mut frame_support::BoundedVec<
			PendingAuction,
			frame_support::pallet_prelude::ConstU32<{ crate::MAX_PENDING_AUCTIONS }>,
		>,
		meter: &mut WeightMeter,
	) {
		let schedule = Schedule::<T>::get();
		let current = Self::slot_at(now);
		let first = NextSlotToOpen::<T>::get().max(current.saturating_add(1));
		let last = current.saturating_add(schedule.open_slots_ahead);
		let mut next = first;
		while next <= last && !pending.is_full() {
			let opening = <T as Config>::WeightInfo::open_auction()
				.saturating_add(Self::standing_orders_weight());
			if meter.try_consume(opening).is_err() {
				break;
			}
			let gate_closure_at =
				Self::slot_start_ms(next).saturating_sub(schedule.gate_closure_ms);
			if now >= gate_closure_at {
				Self::deposit_event(Event::AuctionSkipped { slot: next });
			} else {
				let settle_from = Self::slot_start_ms(next.saturating_add(1))
					.saturating_add(schedule.settlement_delay_ms);
				let auction = Auction::open(
					Rule::<T>::get(),
					Self::tariff_of(next),
					gate_closure_at,
					settle_from,
				);
				Self::deposit_event(Event::AuthorizeOffers {
					slot: next,
					rule: auction.rule,
					retail: auction.retail,
					feed_in: auction.feed_in,
					gate_closure_at,
				});
				Self::seal_if_sealed_mode(next, &auction);
				Auctions::<T>::insert(next, auction);
				let _ = pending.try_push(PendingAuction { slot: next, due: gate_closure_at });
				Self::place_standing_orders(next);
			}
			next = next.saturating_add(1);
		}
		if next != first {
			NextSlotToOpen::<T>::put(next);
		}
	}

	/// At the gate closure of `entry`'s auction: a sealed auction enters its reveal window; an
	/// open one, or a sealed one at the window's end, clears if its whole book fits in the
	/// meter.
	fn close_if_due(entry: &mut PendingAuction, meter: &mut WeightMeter) {
		let Some(mut auction) = Auctions::<T>::get(entry.slot) else {
			entry.due = u64::MAX;
			return;
		};
		match auction.status {
			AuctionStatus::Open => {
				if let Some(book) = SealedBooks::<T>::get(entry.slot) {
					// The auction's read is the hook's, before `start_reveal`'s.
					let weight = <T as Config>::WeightInfo::start_reveal()
						.saturating_add(T::DbWeight::get().reads(1));
					if meter.try_consume(weight).is_ok() {
						entry.due = Self::start_reveal(entry.slot, &mut auction, book);
					}
					return;
				}
			},
			AuctionStatus::Revealing => {
				// The sealed book's read is charged with the clearing's (`clearing_weight`).
				let mut book = SealedBooks::<T>::get(entry.slot).unwrap_or_default();
				if !Self::reveal_window_over(entry.slot, &mut book, Self::now_ms()) {
					return;
				}
			},
			_ => return,
		}
		let weight = Self::clearing_weight(auction.bids, auction.offers);
		if meter.try_consume(weight).is_ok() {
			Self::do_close_and_clear(entry.slot);
			entry.due = auction.settle_from;
		}
	}

	/// Settles the auction of `entry` for as long as the meter allows. Returns whether the
	/// meter has weight left for the next auction.
	fn settle_if_due(entry: &mut PendingAuction, now: u64, meter: &mut WeightMeter) -> bool {
		let Some(mut auction) = Auctions::<T>::get(entry.slot) else {
			entry.due = u64::MAX;
			return true;
		};
		let phase = match auction.status {
			AuctionStatus::Cleared if auction.settle_from <= now => {
				SettlementPhase::Trades { next: 0 }
			},
			AuctionStatus::Settling(phase) => phase,
			_ => return true,
		};
		entry.due = 0;
		let finished = Self::settle_steps(entry.slot, &mut auction, phase, meter);
		if finished {
			entry.due = u64::MAX;
		}
		Auctions::<T>::insert(entry.slot, auction);
		finished
	}

	/// Runs settlement phases from `phase` while the meter allows; returns whether all are
	/// done. The phase reached is stored in `auction.status`.
	fn settle_steps(
		slot: MarketSlot,
		auction: &mut Auction,
		mut phase: SettlementPhase,
		meter: &mut WeightMeter,
	) -> bool {
		loop {
			auction.status = AuctionStatus::Settling(phase);
			let advanced = match phase {
				SettlementPhase::Trades { next } if next < auction.trades => {
					let in_page =
						(TRADES_PER_PAGE - next % TRADES_PER_PAGE).min(auction.trades - next);
					let count =
						affordable(meter, in_page, <T as Config>::WeightInfo::settle_trades);
					if count == 0 {
						return false;
					}
					meter.consume(<T as Config>::WeightInfo::settle_trades(count));
					let next = Self::settle_trades(slot, auction, next, count);
					Some(SettlementPhase::Trades { next })
				},
				SettlementPhase::Orders => {
					let count = affordable(
						meter,
						TRADES_PER_PAGE,
						<T as Config>::WeightInfo::release_orders,
					);
					if count == 0 {
						return false;
					}
					meter.consume(<T as Config>::WeightInfo::release_orders(count));
					let removed = Self::release_orders(slot, count);
					(removed == count).then_some(SettlementPhase::Orders)
				},
				SettlementPhase::Commitments => {
					// An open auction's book has no sealed book: one read to know.
					if meter.try_consume(T::DbWeight::get().reads(1)).is_err() {
						return false;
					}
					let unrevealed =
						SealedBooks::<T>::get(slot).map_or(0, |book| book.unrevealed());
					if unrevealed == 0 {
						None
					} else {
						let count = affordable(
							meter,
							unrevealed.min(TRADES_PER_PAGE),
							<T as Config>::WeightInfo::void_commitments,
						);
						if count == 0 {
							return false;
						}
						meter.consume(<T as Config>::WeightInfo::void_commitments(count));
						let voided = Self::void_commitments(slot, count);
						// Fewer voided than asked means none are left, whatever the counts say.
						(voided == count && voided < unrevealed)
							.then_some(SettlementPhase::Commitments)
					}
				},
				SettlementPhase::FeedIn { after } => {
					let count =
						affordable(meter, TRADES_PER_PAGE, <T as Config>::WeightInfo::feed_in);
					if count == 0 {
						return false;
					}
					meter.consume(<T as Config>::WeightInfo::feed_in(count));
					let (after, done) = Self::feed_in(slot, auction, after, count);
					(!done).then_some(SettlementPhase::FeedIn { after })
				},
				SettlementPhase::Trades { .. } => None,
				SettlementPhase::Finish => {
					if meter.try_consume(<T as Config>::WeightInfo::finish_settlement()).is_err() {
						return false;
					}
					Self::finish_settlement(slot, auction);
					return true;
				},
			};
			phase = match advanced {
				Some(phase) => phase,
				None => match Self::next_phase(phase) {
					Some(next) => next,
					None => return true,
				},
			};
		}
	}

	/// Checks that a full book clears within the clearing budget.
	pub(crate) fn check_order_bound_fits_the_hook_budget() {
		let max = T::MaxOrdersPerSlot::get();
		assert!(
			max <= crate::CLEAR_BENCHMARK_MAX_ORDERS,
			"the clearing of a full book ({max} orders) is beyond what the `clear` benchmark measures"
		);
		let budget = T::MaxClearingWeight::get();
		// The benchmark's book is half bids: clearing costs the orders' reads and their sort,
		// and a one-sided book of the same size sorts in about the same time and trades nothing.
		let worst = Self::clearing_weight(max / 2, max - max / 2);
		assert!(
			worst.all_lte(budget),
			"a full book ({max} orders) needs {worst:?} to clear, over the hook budget {budget:?}"
		);
		let standing = T::MaxStandingOrders::get();
		let opening = <T as Config>::WeightInfo::open_auction()
			.saturating_add(<T as Config>::WeightInfo::poll())
			.saturating_add(Self::standing_order_weight().saturating_mul(standing.into()))
			.saturating_add(Self::standing_order_drops_weight());
		assert!(
			opening.all_lte(T::MaxHookWeight::get()),
			"opening an auction with {standing} standing orders needs {opening:?}, over the hook budget"
		);
	}
}
