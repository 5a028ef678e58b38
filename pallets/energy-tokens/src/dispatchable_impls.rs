//! The logic behind the token ledger's holder and governance calls: retirement (cancellation)
//! and the issuing body's settings.

use crate::{
	CertificateStatus, Config, Error, Event, ExpirySlots, Issuer, IssuingBody, Pallet,
	RetiredCertificates, RetirementClaim, TotalFedIn, TotalMinted, TotalRetired, MAX_OWN_PIECES,
	MIN_EXPIRY_SLOTS,
};
use frame_support::{ensure, pallet_prelude::DispatchResult};

impl<T: Config> Pallet<T> {
	/// The number of tokens (Wh) still active (held by someone): minted − retired − fed in.
	pub fn supply() -> u128 {
		TotalMinted::<T>::get()
			.saturating_sub(TotalRetired::<T>::get())
			.saturating_sub(TotalFedIn::<T>::get())
	}

	/// Retires (cancels) `who`'s active Wh of each of `certificates` with `claim`, all or
	/// nothing (the call's storage layer undoes the earlier certificates if a later one fails).
	pub fn do_retire(
		who: T::AccountId,
		certificates: RetiredCertificates,
		claim: RetirementClaim,
	) -> DispatchResult {
		ensure!(!certificates.is_empty(), Error::<T>::NothingToRetire);
		ensure!(certificates.iter().all(|c| c.wh > 0), Error::<T>::ZeroAmount);
		for amount in &certificates {
			ensure!(!Self::is_expired(amount.slot, amount.res)?, Error::<T>::CertificateExpired);
			Self::change_status(
				&who,
				amount.slot,
				amount.res,
				amount.wh,
				CertificateStatus::Cancelled,
				MAX_OWN_PIECES,
			)?;
			Self::forget_if_spent(&who, amount.slot, amount.res);
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

	/// Sets the issuing body; its country must be two ASCII capital letters.
	pub fn do_set_issuer(issuer: Issuer) -> DispatchResult {
		ensure!(issuer.country_is_valid(), Error::<T>::InvalidCountry);
		IssuingBody::<T>::put(&issuer);
		Self::deposit_event(Event::IssuerSet { issuer });
		Ok(())
	}

	/// Sets the expiry period of certificates issued from now on.
	pub fn do_set_expiry_period(slots: u32) -> DispatchResult {
		ensure!(slots >= MIN_EXPIRY_SLOTS, Error::<T>::ExpiryTooShort);
		ExpirySlots::<T>::put(slots);
		Self::deposit_event(Event::ExpiryPeriodSet { slots });
		Ok(())
	}
}
