//! Sealed auctions: orders committed in secret until gate closure and revealed in a window
//! after it, then cleared with the open book's code.
//!
//! - `commit_order` (before gate closure): the hash of the order ([`commitment_hash`]), its side
//!   and its most Wh in the clear. It takes the next order id (ties between equal prices stay
//!   first-in-first-out, as in the open book) and holds the worst order of that size (a bid at
//!   the retail cap, an offer's deposit at a zero reserve) plus the reveal bond. A book takes
//!   no more commitments than its window's blocks can reveal ([`SealedBook::capacity`]).
//! - At gate closure the auction enters [`AuctionStatus::Revealing`] for the mode's
//!   `reveal_ms`.
//! - `reveal_order` (in the window): the order and its salt, checked against the commitment and
//!   the rules of a placed order. The order enters the book under its committed id; what its
//!   commitment held beyond its own hold, and the bond, are released at once.
//! - At the window's end the revealed book clears. Settlement voids the commitments left
//!   unrevealed: their holds are released and their bonds burned.

use crate::{
	Amount, Auction, AuctionMode, AuctionSchedule, AuctionStatus, Auctions, Commitment,
	CommitmentHash, Commitments, Config, Error, Event, HoldReason, Mode, OfferedOfRes, Order,
	OrderId, Orders, OrdersOfMember, Pallet, Price, Salt, Schedule, SealedBook, SealedBooks,
	SealedSide, Side,
};
use energy_clearing::money::cost_ceil;
use energy_primitives::{MarketSlot, Wh};
use frame_support::{
	dispatch::DispatchClass,
	ensure,
	pallet_prelude::DispatchResult,
	traits::{
		fungible::MutateHold,
		tokens::{Fortitude, Precision},
		Get,
	},
};
use sp_runtime::traits::Zero;

impl<T: Config> Pallet<T> {
	/// The chain's block time in ms (Aura: twice the timestamp's minimum period).
	pub fn block_time_ms() -> u64 {
		<T as pallet_timestamp::Config>::MinimumPeriod::get().saturating_mul(2).max(1)
	}

	/// Whether `mode` works with `schedule`: a sealed mode's reveal window is at least
	/// [`Config::MinRevealBlocks`] blocks long, ends at least a block before the slot starts
	/// (the book clears in the first block after the window, before delivery) and is shorter
	/// than a slot (one book's window never overlaps the next one's).
	pub fn mode_fits(mode: &AuctionMode, schedule: &AuctionSchedule) -> bool {
		match mode {
			AuctionMode::Open => true,
			AuctionMode::Sealed { reveal_ms } => {
				let block = Self::block_time_ms();
				let slot_length = crate::SlotLength::<T>::get();
				*reveal_ms >= block.saturating_mul(T::MinRevealBlocks::get().into())
					&& reveal_ms.saturating_add(block) <= schedule.gate_closure_ms.min(slot_length)
			},
		}
	}

	/// Sets the mode of auctions opened from now on.
	pub fn do_set_auction_mode(mode: AuctionMode) -> DispatchResult {
		ensure!(Self::mode_fits(&mode, &Schedule::<T>::get()), Error::<T>::RevealWindowDoesNotFit);
		Mode::<T>::put(mode);
		Self::deposit_event(Event::AuctionModeSet { mode });
		Ok(())
	}

	/// Starts the sealed book of `slot`, opened with `auction` under the current mode, if the
	/// mode is sealed.
	pub(crate) fn seal_if_sealed_mode(slot: MarketSlot, auction: &Auction) {
		if let AuctionMode::Sealed { reveal_ms } = Mode::<T>::get() {
			let reveal_until = auction.gate_closure_at.saturating_add(reveal_ms);
			let capacity = Self::commitment_capacity(reveal_ms);
			SealedBooks::<T>::insert(
				slot,
				SealedBook { reveal_until, capacity, ..Default::default() },
			);
		}
	}

	/// The most commitments a sealed book with a window of `reveal_ms` takes: as many reveals
	/// as the window's whole blocks carry at half their normal weight (the other half for the
	/// chain's other traffic), at most `MaxOrdersPerSlot`.
	pub fn commitment_capacity(reveal_ms: u64) -> u32 {
		let blocks = reveal_ms / Self::block_time_ms();
		let weights = T::BlockWeights::get();
		let normal = weights.get(DispatchClass::Normal).max_total.unwrap_or(weights.max_block);
		let per_reveal = Self::reveal_order_weight()
			.saturating_add(weights.get(DispatchClass::Normal).base_extrinsic)
			.ref_time()
			.max(1);
		let reveals = (normal.ref_time() / 2).saturating_mul(blocks) / per_reveal;
		reveals.min(T::MaxOrdersPerSlot::get().into()) as u32
	}

	/// What a commitment of `max_wh` on `side` holds in `auction`: the worst order of that
	/// size (a bid at the retail cap, an offer's deposit at a zero reserve), and the reveal
	/// bond ([`Config::RevealBond`] plus the slot's retail cap on `max_wh`: every price in the
	/// book is between zero and the cap, so no choice of which order to reveal changes what a
	/// member pays or receives for a Wh by more).
	pub fn commitment_holds(auction: &Auction, side: SealedSide, max_wh: Wh) -> (Amount, Amount) {
		let held = match side {
			SealedSide::Bid => cost_ceil(auction.retail, max_wh),
			SealedSide::Offer => cost_ceil(Self::penalty_rate(auction.retail, 0), max_wh),
		};
		let bond = T::RevealBond::get().saturating_add(cost_ceil(auction.retail, max_wh));
		(held, bond)
	}

	/// Commits `who` to a sealed order of `side` and at most `max_wh` in the book of `slot`.
	pub fn do_commit_order(
		who: T::AccountId,
		slot: MarketSlot,
		side: SealedSide,
		max_wh: Wh,
		hash: CommitmentHash,
	) -> DispatchResult {
		Self::ensure_trading_role(&who, side.is_bid())?;
		let mut auction = Self::auction_taking_orders(slot)?;
		let mut book = SealedBooks::<T>::get(slot).ok_or(Error::<T>::AuctionNotSealed)?;
		ensure!(max_wh > 0, Error::<T>::ZeroEnergy);
		ensure!(book.unrevealed() < book.capacity, Error::<T>::TooManyCommitments);
		let held_by_member = Self::ensure_room(slot, &auction, &who)?;
		let is_bid = side.is_bid();
		let id = Self::take_order_id(&mut auction, is_bid)?;
		let (held, bond) = Self::commitment_holds(&auction, side, max_wh);
		T::Currency::hold(&side.hold_reason().into(), &who, held)
			.map_err(|_| Error::<T>::InsufficientFunds)?;
		T::Currency::hold(&HoldReason::RevealBond.into(), &who, bond)
			.map_err(|_| Error::<T>::InsufficientFunds)?;
		match is_bid {
			true => book.unrevealed_bids += 1,
			false => book.unrevealed_offers += 1,
		}
		let commitment = Commitment { owner: who.clone(), side, max_wh, digest: hash, held, bond };
		Commitments::<T>::insert(slot, id, commitment);
		OrdersOfMember::<T>::insert(slot, &who, held_by_member + 1);
		SealedBooks::<T>::insert(slot, book);
		Auctions::<T>::insert(slot, auction);
		Self::deposit_event(Event::OrderCommitted { slot, id, who, side, max_wh, held, bond });
		Ok(())
	}

	/// Withdraws commitment `id` of `who` from the sealed book of `slot` (`auction`, taking
	/// orders) and releases its holds and bond.
	pub(crate) fn do_cancel_commitment(
		who: T::AccountId,
		slot: MarketSlot,
		id: OrderId,
		mut auction: Auction,
	) -> DispatchResult {
		let commitment = Commitments::<T>::get(slot, id).ok_or(Error::<T>::UnknownOrder)?;
		ensure!(commitment.owner == who, Error::<T>::NotOrderOwner);
		let mut book = SealedBooks::<T>::get(slot).ok_or(Error::<T>::UnknownOrder)?;
		match commitment.side {
			SealedSide::Bid => auction.bids = auction.bids.saturating_sub(1),
			SealedSide::Offer => auction.offers = auction.offers.saturating_sub(1),
		}
		book.forget_unrevealed(commitment.side);
		let released = Self::release_commitment(&commitment, commitment.held)
			.saturating_add(Self::release_bond(&commitment));
		Commitments::<T>::remove(slot, id);
		Self::forget_member_order(slot, &who);
		SealedBooks::<T>::insert(slot, book);
		Auctions::<T>::insert(slot, auction);
		Self::deposit_event(Event::OrderCancelled { slot, id, who, released });
		Ok(())
	}

	/// Reveals commitment `id` of `who` in the sealed book of `slot` as the order `side`, `wh`,
	/// `price` made with `salt`.
	pub fn do_reveal_order(
		who: T::AccountId,
		slot: MarketSlot,
		id: OrderId,
		side: Side,
		wh: Wh,
		price: Price,
		salt: Salt,
	) -> DispatchResult {
		let mut auction = Auctions::<T>::get(slot).ok_or(Error::<T>::NotRevealing)?;
		ensure!(auction.status == AuctionStatus::Revealing, Error::<T>::NotRevealing);
		// The hook ends the window (at `reveal_until`, once it had its blocks) before the
		// block's transactions: while the auction is revealing, the window is open.
		let mut book = SealedBooks::<T>::get(slot).ok_or(Error::<T>::NotRevealing)?;
		let Some(commitment) = Commitments::<T>::get(slot, id) else {
			ensure!(!Orders::<T>::contains_key(slot, id), Error::<T>::AlreadyRevealed);
			return Err(Error::<T>::UnknownCommitment.into());
		};
		ensure!(commitment.owner == who, Error::<T>::NotCommitmentOwner);
		ensure!(
			commitment.side.matches(&side)
				&& crate::commitment_hash(&who, slot, &side, wh, price, &salt) == commitment.digest,
			Error::<T>::CommitmentMismatch
		);
		ensure!(wh <= commitment.max_wh, Error::<T>::AboveCommittedEnergy);
		// The rules of a placed order, as they stand now.
		let held = match side {
			Side::Bid { meter } => {
				Self::ensure_trading_role(&who, true)?;
				Self::ensure_consumption_meter(&who, meter)?;
				Self::bid_terms(&auction, wh, price)?
			},
			Side::Offer { res } => {
				let profile = Self::ensure_offering_res(&who, res)?;
				let (deposit, offered) =
					Self::offer_terms(slot, &auction, &profile, res, wh, price)?;
				OfferedOfRes::<T>::insert(slot, res, offered);
				deposit
			},
			Side::UnsitedBid => return Err(Error::<T>::BidWithoutMeter.into()),
		};
		Self::count_energy(&mut auction, side.is_bid(), wh)?;
		book.forget_unrevealed(commitment.side);
		// The order holds no more than its commitment (price ≤ retail, wh ≤ max_wh, reserve
		// ≥ 0): the rest and the bond go back now.
		let released = Self::release_commitment(&commitment, commitment.held.saturating_sub(held))
			.saturating_add(Self::release_bond(&commitment));
		book.revealed += 1;
		Commitments::<T>::remove(slot, id);
		let order = Order { owner: who.clone(), side, wh, price, held, used: 0 };
		Orders::<T>::insert(slot, id, order);
		SealedBooks::<T>::insert(slot, book);
		Auctions::<T>::insert(slot, auction);
		Self::deposit_event(Event::OrderRevealed {
			slot,
			id,
			who,
			side,
			wh,
			price,
			held,
			released,
		});
		Ok(())
	}

	/// Releases `amount` of what `commitment` holds under its side's reason; returns what was
	/// released.
	fn release_commitment(commitment: &Commitment<T::AccountId>, amount: Amount) -> Amount {
		if amount.is_zero() {
			return 0;
		}
		T::Currency::release(
			&commitment.side.hold_reason().into(),
			&commitment.owner,
			amount,
			Precision::BestEffort,
		)
		.unwrap_or_default()
	}

	/// Releases `commitment`'s reveal bond; returns what was released.
	fn release_bond(commitment: &Commitment<T::AccountId>) -> Amount {
		T::Currency::release(
			&HoldReason::RevealBond.into(),
			&commitment.owner,
			commitment.bond,
			Precision::BestEffort,
		)
		.unwrap_or_default()
	}

	/// Moves the sealed auction `auction` of `slot` (`book`), at its gate closure, into its
	/// reveal window. A chain that reaches the gate late (it was stalled) shifts the window by as
	/// much, so members always have all of it to reveal in. Returns the window's end.
	pub(crate) fn start_reveal(
		slot: MarketSlot,
		auction: &mut Auction,
		mut book: SealedBook,
	) -> u64 {
		let late = Self::now_ms().saturating_sub(auction.gate_closure_at);
		book.reveal_until = book.reveal_until.saturating_add(late);
		book.opened_in_block = Self::block_number();
		auction.status = AuctionStatus::Revealing;
		Auctions::<T>::insert(slot, &*auction);
		SealedBooks::<T>::insert(slot, book);
		Self::deposit_event(Event::RevealStarted {
			slot,
			commitments: book.unrevealed(),
			reveal_until: book.reveal_until,
		});
		book.reveal_until
	}

	/// The current block's number (saturated to 32 bits).
	fn block_number() -> u32 {
		use sp_runtime::traits::UniqueSaturatedInto;
		frame_system::Pallet::<T>::block_number().unique_saturated_into()
	}

	/// Whether the reveal window of `slot` (`book`) is over at unix ms `now`: its time has
	/// passed and it had [`Config::MinRevealBlocks`] blocks. A window still short of its blocks
	/// when the slot begins (the chain stalled) is over too, with its bonds to be returned
	/// rather than burned (recorded in the book).
	pub(crate) fn reveal_window_over(slot: MarketSlot, book: &mut SealedBook, now: u64) -> bool {
		let blocks = Self::block_number().saturating_sub(book.opened_in_block);
		if blocks >= T::MinRevealBlocks::get() {
			return now >= book.reveal_until;
		}
		if now < Self::slot_start_ms(slot) {
			return false;
		}
		book.bonds_returned = true;
		SealedBooks::<T>::insert(slot, *book);
		true
	}

	/// At the end of the reveal window of `slot`: takes the commitments left unrevealed out of
	/// `auction`'s book counts (settlement voids them).
	pub(crate) fn end_reveal(slot: MarketSlot, auction: &mut Auction) {
		if let Some(book) = SealedBooks::<T>::get(slot) {
			auction.bids = auction.bids.saturating_sub(book.unrevealed_bids);
			auction.offers = auction.offers.saturating_sub(book.unrevealed_offers);
		}
	}

	/// Voids up to `count` unrevealed commitments of `slot`: releases their holds, burns their
	/// bonds (returns them if the window was cut short: [`SealedBook::bonds_returned`]).
	/// Returns how many it voided (fewer than `count` once none are left).
	pub(crate) fn void_commitments(slot: MarketSlot, count: u32) -> u32 {
		let Some(mut book) = SealedBooks::<T>::get(slot) else { return 0 };
		let mut voided = 0;
		for (id, commitment) in Commitments::<T>::drain_prefix(slot).take(count as usize) {
			Self::release_commitment(&commitment, commitment.held);
			let burned = match book.bonds_returned {
				true => {
					Self::release_bond(&commitment);
					0
				},
				false => T::Currency::burn_held(
					&HoldReason::RevealBond.into(),
					&commitment.owner,
					commitment.bond,
					Precision::BestEffort,
					Fortitude::Force,
				)
				.unwrap_or_default(),
			};
			book.forget_unrevealed(commitment.side);
			book.voided += 1;
			book.forfeited = book.forfeited.saturating_add(burned);
			Self::forget_member_order(slot, &commitment.owner);
			Self::deposit_event(Event::CommitmentVoided {
				slot,
				id,
				who: commitment.owner,
				forfeited: burned,
			});
			voided += 1;
		}
		SealedBooks::<T>::insert(slot, book);
		voided
	}
}
