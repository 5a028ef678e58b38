//! Minting, as the meters pallet calls it for the certified share of accepted production
//! readings.

use crate::{Certificate, Certificates, Config, Error, Holdings, Pallet, TotalMinted};
use energy_primitives::{EnergyMinter, MarketSlot, ResId, Wh};
use sp_runtime::DispatchError;

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
		let mut certificate =
			Certificates::<T>::get(slot, res).unwrap_or_else(|| Certificate::new(owner.clone()));
		// A certificate never holds more than the RES can produce in one slot, whichever
		// meters reported the slot (a meter replaced within the slot reports it twice).
		let minted = wh.min(slot_capacity_wh.saturating_sub(certificate.minted_wh));
		if minted == 0 {
			return Ok(0);
		}
		let holding =
			Self::holding(owner, slot, res).checked_add(minted).ok_or(Error::<T>::Overflow)?;
		let total =
			TotalMinted::<T>::get().checked_add(minted as u128).ok_or(Error::<T>::Overflow)?;
		certificate.minted_wh =
			certificate.minted_wh.checked_add(minted).ok_or(Error::<T>::Overflow)?;
		Holdings::<T>::insert((owner, slot, res), holding);
		TotalMinted::<T>::put(total);
		Certificates::<T>::insert(slot, res, certificate);
		Ok(minted)
	}
}
