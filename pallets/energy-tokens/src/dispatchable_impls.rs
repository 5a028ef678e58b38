//! The logic behind the token ledger's calls and its invariants.

use crate::{Balances, Config, Error, Event, Pallet, RetirementClaim, TotalRetired};
use energy_primitives::Wh;
use frame_support::{ensure, pallet_prelude::DispatchResult};

impl<T: Config> Pallet<T> {
	/// The number of tokens (Wh) in circulation: minted − retired.
	pub fn supply() -> u128 {
		crate::TotalMinted::<T>::get().saturating_sub(TotalRetired::<T>::get())
	}

	/// Burns `wh` of `who`'s tokens with `claim`.
	pub fn do_retire(who: T::AccountId, wh: Wh, claim: RetirementClaim) -> DispatchResult {
		ensure!(wh > 0, Error::<T>::ZeroAmount);
		let balance = Balances::<T>::get(&who);
		let remaining = balance.checked_sub(wh).ok_or(Error::<T>::InsufficientTokens)?;
		let retired =
			TotalRetired::<T>::get().checked_add(wh as u128).ok_or(Error::<T>::Overflow)?;
		if remaining == 0 {
			Balances::<T>::remove(&who);
		} else {
			Balances::<T>::insert(&who, remaining);
		}
		TotalRetired::<T>::put(retired);
		Self::deposit_event(Event::Retired { who, wh, claim });
		Ok(())
	}

	/// Checks the ledger's invariants: the balances add up to minted − retired, retired never
	/// exceeds minted, no balance is stored as zero, and certificates add up to what was
	/// minted.
	/// (Also run by the tests, and by other pallets' tests that compose this one.)
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		let minted = crate::TotalMinted::<T>::get();
		let retired = TotalRetired::<T>::get();
		ensure!(retired <= minted, "more tokens retired than minted");
		let mut held: u128 = 0;
		for (_, balance) in Balances::<T>::iter() {
			ensure!(balance > 0, "zero balance stored");
			held = held.saturating_add(balance as u128);
		}
		ensure!(held == minted - retired, "balances do not add up to minted - retired");
		let certified: u128 =
			crate::Certificates::<T>::iter_values().map(|c| c.minted_wh as u128).sum();
		ensure!(certified == minted, "certificates do not add up to minted");
		Ok(())
	}
}
