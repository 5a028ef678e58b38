//! The market's invariants, checked by `try_state` and by the tests after every step.

use crate::{
	AuctionStatus, Auctions, Config, HoldReason, OfferedOfRes, Orders, OrdersOfMember, Pallet,
	Pending, Side,
};
use alloc::collections::BTreeMap;
use frame_support::{
	ensure,
	traits::{fungible::InspectHold, Get},
};

impl<T: Config> Pallet<T> {
	/// Checks that:
	/// - held funds = open obligations: for every member with orders, its market holds equal
	///   what its orders still hold (bids' maximum cost and offers' deposits, less what
	///   settlement paid out of them), and its standing-order hold equals its templates'
	///   deposits;
	/// - an open or cleared auction's counters match its book, the per-member counters match
	///   the orders, and each RES's offered energy is the sum of its offers;
	/// - every pending auction exists and is not settled, oldest first;
	/// - the standing orders are within `MaxStandingOrders` (every opening can place them);
	/// - a settled slot's delivered and undelivered energy add up to what it traded;
	/// - a slot's grid loading exists only for a cleared, settling or settled auction;
	/// - a sealed book's commitments hold their worst order and their bond, count in the book
	///   and the member's orders until the window ends, and match its unrevealed counts.
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		let mut held: BTreeMap<(T::AccountId, bool), u128> = BTreeMap::new();
		let mut books: BTreeMap<u32, (u32, u32, u64, u64)> = BTreeMap::new();
		let mut per_member: BTreeMap<(u32, T::AccountId), u32> = BTreeMap::new();
		let mut offered: BTreeMap<(u32, u32), u64> = BTreeMap::new();
		for (slot, _, order) in Orders::<T>::iter() {
			if let Side::Offer { res } = order.side {
				*offered.entry((slot, res)).or_default() += order.wh;
			}
			let is_bid = order.side.is_bid();
			let entry = held.entry((order.owner.clone(), is_bid)).or_default();
			*entry = entry.saturating_add(order.still_held());
			let book = books.entry(slot).or_default();
			if is_bid {
				book.0 += 1;
				book.2 = book.2.saturating_add(order.wh);
			} else {
				book.1 += 1;
				book.3 = book.3.saturating_add(order.wh);
			}
			*per_member.entry((slot, order.owner)).or_default() += 1;
		}
		// A commitment holds under its side's reason and the bond's, and counts as an order of
		// its side (not its energy) in the book and the member's count until the window ends.
		let mut bonds: BTreeMap<T::AccountId, u128> = BTreeMap::new();
		let mut unrevealed: BTreeMap<u32, (u32, u32)> = BTreeMap::new();
		for (slot, _, commitment) in crate::Commitments::<T>::iter() {
			let is_bid = commitment.side.is_bid();
			let entry = held.entry((commitment.owner.clone(), is_bid)).or_default();
			*entry = entry.saturating_add(commitment.held);
			let bond = bonds.entry(commitment.owner.clone()).or_default();
			*bond = bond.saturating_add(commitment.bond);
			let count = unrevealed.entry(slot).or_default();
			match is_bid {
				true => count.0 += 1,
				false => count.1 += 1,
			}
			*per_member.entry((slot, commitment.owner)).or_default() += 1;
		}
		for (slot, count) in &unrevealed {
			let book =
				crate::SealedBooks::<T>::get(slot).ok_or("a commitment outside a sealed book")?;
			ensure!(
				(book.unrevealed_bids, book.unrevealed_offers) == *count,
				"a sealed book's unrevealed counts differ from its commitments"
			);
		}
		for (slot, book) in crate::SealedBooks::<T>::iter() {
			ensure!(
				book.unrevealed() == 0 || unrevealed.contains_key(&slot),
				"a sealed book counts commitments it does not have"
			);
			let auction = Auctions::<T>::get(slot).ok_or("a sealed book outlived its auction")?;
			// Commitments are voided before feed-in: none is left once settlement is past them.
			let voiding_done = match auction.status {
				AuctionStatus::Settled => true,
				AuctionStatus::Settling(phase) => matches!(
					phase,
					crate::SettlementPhase::FeedIn { .. } | crate::SettlementPhase::Finish
				),
				_ => false,
			};
			ensure!(!voiding_done || book.unrevealed() == 0, "commitments left after voiding");
		}
		for (slot, auction) in Auctions::<T>::iter() {
			if auction.status == AuctionStatus::Revealing {
				ensure!(
					crate::SealedBooks::<T>::contains_key(slot),
					"a revealing auction without a sealed book"
				);
			}
		}
		for (who, expected) in &bonds {
			let on_hold = T::Currency::balance_on_hold(&HoldReason::RevealBond.into(), who);
			ensure!(on_hold == *expected, "reveal-bond holds differ from the commitments' bonds");
		}
		for ((who, is_bid), expected) in &held {
			let reason = if *is_bid { HoldReason::BidMaxCost } else { HoldReason::OfferDeposit };
			let on_hold = T::Currency::balance_on_hold(&reason.into(), who);
			ensure!(on_hold == *expected, "market holds differ from open obligations");
		}
		// Books being released at settlement lose their counts offer by offer: check the
		// open and cleared books only.
		let whole_book = |slot: u32| {
			Auctions::<T>::get(slot).is_some_and(|a| {
				matches!(
					a.status,
					AuctionStatus::Open | AuctionStatus::Revealing | AuctionStatus::Cleared
				)
			})
		};
		for (slot, res, wh) in OfferedOfRes::<T>::iter() {
			if whole_book(slot) {
				ensure!(
					offered.remove(&(slot, res)) == Some(wh),
					"a RES's offered energy differs from its offers in the book"
				);
			}
		}
		ensure!(
			offered.keys().all(|(slot, _)| !whole_book(*slot)),
			"offers of a RES not counted in OfferedOfRes"
		);
		for ((slot, who), count) in &per_member {
			ensure!(
				OrdersOfMember::<T>::get(slot, who) == *count,
				"per-member order count differs from the book"
			);
		}
		for (slot, auction) in Auctions::<T>::iter() {
			if matches!(
				auction.status,
				AuctionStatus::Open | AuctionStatus::Revealing | AuctionStatus::Cleared
			) {
				let mut book = books.get(&slot).copied().unwrap_or_default();
				// Until its reveal window ends, a sealed book counts its commitments as orders.
				if auction.status != AuctionStatus::Cleared {
					let (bids, offers) = unrevealed.get(&slot).copied().unwrap_or_default();
					book.0 += bids;
					book.1 += offers;
				}
				ensure!(
					book == (auction.bids, auction.offers, auction.bid_wh, auction.offer_wh),
					"auction counters differ from its book"
				);
			}
			if auction.status == AuctionStatus::Settled {
				ensure!(
					auction
						.delivered_wh
						.saturating_add(auction.shortfall_wh)
						.saturating_add(auction.failed_wh)
						== auction.volume_wh,
					"delivered + shortfall + failed differs from the volume traded"
				);
				ensure!(!books.contains_key(&slot), "a settled slot still has orders");
			}
		}
		ensure!(
			crate::StandingOrders::<T>::count() <= T::MaxStandingOrders::get(),
			"more standing orders than an opening can place"
		);
		let mut deposits: BTreeMap<T::AccountId, u128> = BTreeMap::new();
		for (_, order) in crate::StandingOrders::<T>::iter() {
			let entry = deposits.entry(order.owner).or_default();
			*entry = entry.saturating_add(order.deposit);
		}
		for (who, expected) in &deposits {
			let reason = HoldReason::StandingOrderDeposit.into();
			ensure!(
				T::Currency::balance_on_hold(&reason, who) == *expected,
				"standing-order holds differ from the templates' deposits"
			);
		}
		for slot in crate::SlotLoading::<T>::iter_keys() {
			let auction = Auctions::<T>::get(slot).ok_or("a grid loading outlived its auction")?;
			ensure!(
				!matches!(auction.status, AuctionStatus::Open | AuctionStatus::Revealing),
				"an auction not yet cleared has a grid loading"
			);
		}
		let pending = Pending::<T>::get();
		ensure!(pending.windows(2).all(|w| w[0].slot < w[1].slot), "pending auctions out of order");
		for entry in pending.iter() {
			let auction = Auctions::<T>::get(entry.slot).ok_or("a pending auction is missing")?;
			ensure!(auction.status != AuctionStatus::Settled, "a settled auction is pending");
		}
		Ok(())
	}
}
