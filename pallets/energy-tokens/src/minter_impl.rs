//! Minting, as the meters pallet calls it for accepted production readings.

use crate::{Balances, Certificate, Certificates, Config, Error, Pallet, TotalMinted};
use energy_primitives::{EnergyMinter, MarketSlot, ResId, Wh};
use sp_runtime::DispatchError;

impl<T: Config> EnergyMinter<T::AccountId> for Pallet<T> {
	fn mint(
		owner: &T::AccountId,
		res: ResId,
		slot: MarketSlot,
		wh: Wh,
	) -> Result<(), DispatchError> {
		if wh == 0 {
			return Ok(());
		}
		let balance = Balances::<T>::get(owner).checked_add(wh).ok_or(Error::<T>::Overflow)?;
		let total = TotalMinted::<T>::get().checked_add(wh as u128).ok_or(Error::<T>::Overflow)?;
		let mut certificate = Certificates::<T>::get(slot, res)
			.unwrap_or_else(|| Certificate { owner: owner.clone(), minted_wh: 0 });
		certificate.minted_wh =
			certificate.minted_wh.checked_add(wh).ok_or(Error::<T>::Overflow)?;
		certificate.owner = owner.clone();
		Balances::<T>::insert(owner, balance);
		TotalMinted::<T>::put(total);
		Certificates::<T>::insert(slot, res, certificate);
		Ok(())
	}
}
