//! The logic behind the token ledger's calls.

use crate::{
	ledger_impl::Outflow, Config, Error, Event, Pallet, RetiredCertificates, RetirementClaim,
	TotalFedIn, TotalMinted, TotalRetired,
};
use frame_support::{ensure, pallet_prelude::DispatchResult};

impl<T: Config> Pallet<T> {
	/// The number of tokens (Wh) still held by someone: minted − retired − fed in.
	pub fn supply() -> u128 {
		TotalMinted::<T>::get()
			.saturating_sub(TotalRetired::<T>::get())
			.saturating_sub(TotalFedIn::<T>::get())
	}

	/// Retires `who`'s tokens of each of `certificates` with `claim`, all or nothing (the
	/// call's storage layer undoes the earlier certificates if a later one fails).
	pub fn do_retire(
		who: T::AccountId,
		certificates: RetiredCertificates,
		claim: RetirementClaim,
	) -> DispatchResult {
		ensure!(!certificates.is_empty(), Error::<T>::NothingToRetire);
		ensure!(certificates.iter().all(|c| c.wh > 0), Error::<T>::ZeroAmount);
		for amount in &certificates {
			Self::take_out(&who, amount.slot, amount.res, amount.wh, Outflow::Retired)?;
			Self::deposit_event(Event::Retired {
				who: who.clone(),
				slot: amount.slot,
				res: amount.res,
				wh: amount.wh,
				claim: claim.clone(),
			});
		}
		Ok(())
	}
}
