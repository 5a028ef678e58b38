//! The ledger as market settlement sees it: certificates, balances, delivery and transfer.

use crate::{Balances, Certificates, Config, Error, Event, Pallet, TotalRetired};
use alloc::vec::Vec;
use energy_primitives::{EnergyLedger, MarketSlot, ResId, Wh};
use sp_runtime::DispatchError;

impl<T: Config> Pallet<T> {
	/// Takes `wh` from `who`'s balance, removing the entry when it reaches zero.
	fn debit(who: &T::AccountId, wh: Wh) -> Result<(), DispatchError> {
		let remaining =
			Balances::<T>::get(who).checked_sub(wh).ok_or(Error::<T>::InsufficientTokens)?;
		if remaining == 0 {
			Balances::<T>::remove(who);
		} else {
			Balances::<T>::insert(who, remaining);
		}
		Ok(())
	}
}

impl<T: Config> EnergyLedger<T::AccountId> for Pallet<T> {
	fn certificate(slot: MarketSlot, res: ResId) -> Option<(T::AccountId, Wh)> {
		Certificates::<T>::get(slot, res).map(|c| (c.owner, c.minted_wh))
	}

	fn certificates_of_slot(
		slot: MarketSlot,
		after: Option<ResId>,
		limit: u32,
	) -> Vec<(ResId, T::AccountId, Wh)> {
		let entries = match after {
			Some(res) => Certificates::<T>::iter_prefix_from(
				slot,
				Certificates::<T>::hashed_key_for(slot, res),
			),
			None => Certificates::<T>::iter_prefix(slot),
		};
		entries.take(limit as usize).map(|(res, c)| (res, c.owner, c.minted_wh)).collect()
	}

	fn balance(who: &T::AccountId) -> Wh {
		Balances::<T>::get(who)
	}

	fn deliver(seller: &T::AccountId, buyer: &T::AccountId, wh: Wh) -> Result<(), DispatchError> {
		if wh == 0 {
			return Ok(());
		}
		let retired =
			TotalRetired::<T>::get().checked_add(wh as u128).ok_or(Error::<T>::Overflow)?;
		Self::debit(seller, wh)?;
		TotalRetired::<T>::put(retired);
		Self::deposit_event(Event::Delivered { seller: seller.clone(), buyer: buyer.clone(), wh });
		Ok(())
	}

	fn transfer(from: &T::AccountId, to: &T::AccountId, wh: Wh) -> Result<(), DispatchError> {
		if wh == 0 || from == to {
			return Ok(());
		}
		let credited = Balances::<T>::get(to).checked_add(wh).ok_or(Error::<T>::Overflow)?;
		Self::debit(from, wh)?;
		Balances::<T>::insert(to, credited);
		Self::deposit_event(Event::Transferred { from: from.clone(), to: to.clone(), wh });
		Ok(())
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn mint_for_benchmark(owner: &T::AccountId, res: ResId, slot: MarketSlot, wh: Wh) {
		use energy_primitives::EnergyMinter;
		let _ = <Self as EnergyMinter<T::AccountId>>::mint(owner, res, slot, wh);
	}
}
