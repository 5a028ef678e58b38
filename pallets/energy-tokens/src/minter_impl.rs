//! Minting, as the meters pallet calls it for the certified share of accepted production
//! readings: the first mint of a (RES, slot) issues its certificate with its attributes, every
//! mint numbers the new Wh after the certificate's last.

use crate::{
	pieces, Certificate, CertificateStatus, Certificates, Config, Error, Event, ExpirySlots,
	HolderPieces, NextCertificateId, Pallet, TotalMinted, WhRange,
};
use energy_primitives::{EnergyMinter, MarketClock, MarketSlot, ResId, Wh};
use frame_support::traits::UnixTime;
use sp_runtime::DispatchError;

impl<T: Config> Pallet<T> {
	/// A new certificate of `owner` for `slot`, with its attributes as of now and the next id
	/// (not yet stored or counted).
	fn issue(owner: &T::AccountId, slot: MarketSlot) -> Certificate<T::AccountId> {
		let length = T::Clock::slot_length_ms();
		let start = (slot as u64).saturating_mul(length);
		Certificate {
			issued_at_ms: T::Time::now().as_millis() as u64,
			interval_start_ms: start,
			interval_end_ms: start.saturating_add(length),
			expires_after: slot.saturating_add(ExpirySlots::<T>::get()),
			..Certificate::new(NextCertificateId::<T>::get(), owner.clone())
		}
	}
}

impl<T: Config> EnergyMinter<T::AccountId> for Pallet<T> {
	fn mint(
		owner: &T::AccountId,
		res: ResId,
		slot: MarketSlot,
		wh: Wh,
		slot_capacity_wh: Wh,
	) -> Result<Wh, DispatchError> {
		if wh == 0 {
			return Ok(0);
		}
		let existing = Certificates::<T>::get(slot, res);
		let issued = existing.is_none();
		let mut certificate = existing.unwrap_or_else(|| Self::issue(owner, slot));
		// A certificate never holds more than the RES can produce in one slot, whichever
		// meters reported the slot (a meter replaced within the slot reports it twice).
		let minted = wh.min(slot_capacity_wh.saturating_sub(certificate.minted_wh));
		if minted == 0 {
			return Ok(0);
		}
		let owner = certificate.owner.clone();
		let range = WhRange {
			start: certificate.minted_wh,
			end: certificate.minted_wh.checked_add(minted).ok_or(Error::<T>::Overflow)?,
		};
		let after = pieces::add(
			&HolderPieces::<T>::get((&owner, slot, res)),
			&[range],
			CertificateStatus::Active,
		)
		.map_err(Error::<T>::from)?;
		let total =
			TotalMinted::<T>::get().checked_add(minted as u128).ok_or(Error::<T>::Overflow)?;
		certificate.minted_wh = range.end;
		if issued {
			let next = certificate.id.checked_add(1).ok_or(Error::<T>::Overflow)?;
			NextCertificateId::<T>::put(next);
			Self::deposit_event(Event::Issued {
				id: certificate.id,
				slot,
				res,
				owner: owner.clone(),
			});
		}
		// The owner's active Wh are among the certificate's numbered Wh, `0..minted_wh`, whose
		// end was checked above: their sum cannot overflow.
		Self::store_pieces(&owner, slot, res, after);
		TotalMinted::<T>::put(total);
		Certificates::<T>::insert(slot, res, certificate);
		Ok(minted)
	}
}
