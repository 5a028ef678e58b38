//! Moving Wh: between holders (settlement) and from active to a terminal status, each move all
//! or nothing; and the ledger as market settlement sees it: the certificates of a slot,
//! delivery to buyers (claimed at once where the buyer's consumption is metered) and the
//! utility's feed-in purchase.

use crate::{
	pieces::{self, PiecesError},
	AwaitingClaim, CertificateStatus, Certificates, Config, Error, Event, HolderPieces, Holdings,
	Pallet, Pieces, TotalFedIn, TotalRetired, WhRange, MAX_PIECES,
};
use alloc::vec::Vec;
use energy_primitives::{EnergyLedger, MarketSlot, ResId, Wh};
use sp_runtime::DispatchError;

impl<T: Config> From<PiecesError> for Error<T> {
	fn from(error: PiecesError) -> Self {
		match error {
			PiecesError::Insufficient => Error::<T>::InsufficientTokens,
			PiecesError::TooMany => Error::<T>::TooManyPieces,
		}
	}
}

impl<T: Config> Pallet<T> {
	/// The active Wh `who` holds of certificate (`res`, `slot`).
	pub fn holding(who: &T::AccountId, slot: MarketSlot, res: ResId) -> Wh {
		Holdings::<T>::get((who, slot, res)).unwrap_or(0)
	}

	/// Stores `who`'s pieces of certificate (`res`, `slot`) and, beside them, its holding (their
	/// active Wh): the one place both are written, so that they always agree. An empty piece
	/// list or a zero holding is removed.
	pub(crate) fn store_pieces(who: &T::AccountId, slot: MarketSlot, res: ResId, pieces: Pieces) {
		match pieces::active_wh(&pieces) {
			0 => Holdings::<T>::remove((who, slot, res)),
			wh => Holdings::<T>::insert((who, slot, res), wh),
		}
		if pieces.is_empty() {
			HolderPieces::<T>::remove((who, slot, res));
		} else {
			HolderPieces::<T>::insert((who, slot, res), pieces);
		}
	}

	/// Changes the lowest `wh` of `who`'s active Wh of certificate (`res`, `slot`) to terminal
	/// status `to`: the holding goes down, the certificate's counter of `to` and the ledger's
	/// total go up. Returns the ranges that changed. Fails without effect if `who` holds fewer
	/// active Wh, its pieces would exceed `bound` (`MAX_OWN_PIECES` for the holder's own
	/// calls, `MAX_PIECES` for the ledger's changes), or a counter would overflow.
	pub(crate) fn change_status(
		who: &T::AccountId,
		slot: MarketSlot,
		res: ResId,
		wh: Wh,
		to: CertificateStatus,
		bound: u32,
	) -> Result<Vec<WhRange>, DispatchError> {
		debug_assert!(CertificateStatus::Active.may_become(to));
		let mut certificate =
			Certificates::<T>::get(slot, res).ok_or(Error::<T>::UnknownCertificate)?;
		let held = HolderPieces::<T>::get((who, slot, res));
		let (after, ranges) = match pieces::take_active(&held, wh, Some(to), bound) {
			Ok(result) => result,
			// The seeded regression of the runtime fuzzer (never in a runtime: the feature
			// needs `std` and only `energy-fuzz` enables it): retiring more than is held
			// cancels what is held but counts the whole amount.
			#[cfg(all(feature = "fuzz-regression", feature = "std"))]
			Err(PiecesError::Insufficient)
				if to == CertificateStatus::Cancelled
					&& crate::regression::retire_beyond_holding() =>
			{
				pieces::take_active(&held, pieces::active_wh(&held), Some(to), bound)
					.map_err(Error::<T>::from)?
			},
			Err(error) => return Err(Error::<T>::from(error).into()),
		};
		let counter = certificate.counter_mut(to).ok_or(Error::<T>::InsufficientTokens)?;
		*counter = counter.checked_add(wh).ok_or(Error::<T>::Overflow)?;
		let total = match to {
			CertificateStatus::FedIn => TotalFedIn::<T>::get(),
			_ => TotalRetired::<T>::get(),
		}
		.checked_add(wh as u128)
		.ok_or(Error::<T>::Overflow)?;
		Self::store_pieces(who, slot, res, after);
		Certificates::<T>::insert(slot, res, certificate);
		match to {
			CertificateStatus::FedIn => TotalFedIn::<T>::put(total),
			_ => TotalRetired::<T>::put(total),
		}
		Ok(ranges)
	}

	/// Moves the lowest `wh` of `from`'s active Wh of certificate (`res`, `slot`) to `to`,
	/// active. Fails without effect if `from` holds fewer or either holder's pieces would
	/// exceed their bound.
	pub(crate) fn transfer(
		from: &T::AccountId,
		to: &T::AccountId,
		slot: MarketSlot,
		res: ResId,
		wh: Wh,
	) -> Result<(), DispatchError> {
		frame_support::ensure!(from != to, Error::<T>::SelfDelivery);
		let (from_after, ranges) =
			pieces::take_active(&HolderPieces::<T>::get((from, slot, res)), wh, None, MAX_PIECES)
				.map_err(Error::<T>::from)?;
		let to_after = pieces::add(
			&HolderPieces::<T>::get((to, slot, res)),
			&ranges,
			CertificateStatus::Active,
		)
		.map_err(Error::<T>::from)?;
		Self::store_pieces(from, slot, res, from_after);
		Self::store_pieces(to, slot, res, to_after);
		Ok(())
	}
}

impl<T: Config> EnergyLedger<T::AccountId> for Pallet<T> {
	fn certificates_of_slot(
		slot: MarketSlot,
		after: Option<ResId>,
		limit: u32,
	) -> Vec<(ResId, T::AccountId)> {
		let entries = match after {
			Some(res) => Certificates::<T>::iter_prefix_from(
				slot,
				Certificates::<T>::hashed_key_for(slot, res),
			),
			None => Certificates::<T>::iter_prefix(slot),
		};
		entries.take(limit as usize).map(|(res, c)| (res, c.owner)).collect()
	}

	fn held(who: &T::AccountId, slot: MarketSlot, res: ResId) -> Wh {
		Self::holding(who, slot, res)
	}

	/// Moves the Wh to the buyer and claims them at once against the buyer's consumption of
	/// `slot` where it is metered; what remains active waits in [`AwaitingClaim`] for the
	/// buyer's reading (if there is room; else for a claim by call). All or nothing. A
	/// delivery to the seller itself (its bid met its own offer) fails (`SelfDelivery`): the
	/// trade fails, and its Wh stay the seller's, to claim against its own consumption by call
	/// or to be fed in.
	fn deliver(
		seller: &T::AccountId,
		buyer: &T::AccountId,
		slot: MarketSlot,
		res: ResId,
		wh: Wh,
	) -> Result<(), DispatchError> {
		if wh == 0 {
			return Ok(());
		}
		frame_support::storage::with_storage_layer(|| {
			if Self::is_expired(slot, res)? {
				return Err(Error::<T>::CertificateExpired.into());
			}
			Self::transfer(seller, buyer, slot, res, wh)?;
			Self::deposit_event(Event::Delivered {
				seller: seller.clone(),
				buyer: buyer.clone(),
				slot,
				res,
				wh,
			});
			let claimed = Self::claim_what_is_metered(buyer, slot, res);
			if claimed < wh {
				// Best effort: a full list leaves the rest for a claim by call.
				let _ = AwaitingClaim::<T>::try_mutate(buyer, slot, |awaiting| {
					if awaiting.contains(&res) {
						Ok(())
					} else {
						awaiting.try_push(res)
					}
				});
			}
			Ok(())
		})
	}

	fn feed_in(
		owner: &T::AccountId,
		to: &T::AccountId,
		slot: MarketSlot,
		res: ResId,
		wh: Wh,
	) -> Result<(), DispatchError> {
		if wh == 0 {
			return Ok(());
		}
		Self::change_status(owner, slot, res, wh, CertificateStatus::FedIn, MAX_PIECES)?;
		Self::deposit_event(Event::FedIn {
			owner: owner.clone(),
			utility: to.clone(),
			slot,
			res,
			wh,
		});
		Ok(())
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn mint_for_benchmark(owner: &T::AccountId, res: ResId, slot: MarketSlot, wh: Wh) {
		use energy_primitives::EnergyMinter;
		let _ = <Self as EnergyMinter<T::AccountId>>::mint(owner, res, slot, wh, Wh::MAX);
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn meter_consumption_for_benchmark(who: &T::AccountId, slot: MarketSlot, wh: Wh) {
		Self::do_record_consumption(who, slot, wh);
	}
}
