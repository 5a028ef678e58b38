//! The end of a certificate's active Wh other than by claims and settlement: expiry after the
//! governance-set period, and withdrawal by governance.

use crate::{
	BoundedText, CertificateStatus, Config, Error, Event, Pallet, WithdrawalReasons, MAX_PIECES,
};
use energy_primitives::{MarketSlot, ResId};
use frame_support::{ensure, pallet_prelude::DispatchResult};

impl<T: Config> Pallet<T> {
	/// Expires all of `holder`'s active Wh of certificate (`res`, `slot`) once its expiry
	/// period is over.
	pub fn do_expire(holder: &T::AccountId, slot: MarketSlot, res: ResId) -> DispatchResult {
		ensure!(Self::is_expired(slot, res)?, Error::<T>::NotExpired);
		let wh = Self::holding(holder, slot, res);
		ensure!(wh > 0, Error::<T>::NothingActive);
		Self::change_status(holder, slot, res, wh, CertificateStatus::Expired, MAX_PIECES)?;
		Self::forget_if_spent(holder, slot, res);
		Self::deposit_event(Event::Expired { holder: holder.clone(), slot, res, wh });
		Ok(())
	}

	/// Withdraws all of `holder`'s active Wh of certificate (`res`, `slot`) for `reason`,
	/// which is kept with the certificate (the latest, if it is withdrawn from several
	/// holders). Before or after the expiry period: governance may withdraw Wh nobody has
	/// expired yet.
	pub fn do_withdraw(
		holder: &T::AccountId,
		slot: MarketSlot,
		res: ResId,
		reason: BoundedText,
	) -> DispatchResult {
		let wh = Self::holding(holder, slot, res);
		ensure!(wh > 0, Error::<T>::NothingActive);
		Self::change_status(holder, slot, res, wh, CertificateStatus::Withdrawn, MAX_PIECES)?;
		Self::forget_if_spent(holder, slot, res);
		WithdrawalReasons::<T>::insert(slot, res, reason.clone());
		Self::deposit_event(Event::Withdrawn { holder: holder.clone(), slot, res, wh, reason });
		Ok(())
	}
}
