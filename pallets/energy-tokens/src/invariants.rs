//! The ledger's invariants, checked by `try_state` and by the tests of every pallet that
//! composes this one.

use crate::{Certificates, Config, Holdings, Pallet, TotalFedIn, TotalMinted, TotalRetired};
use alloc::collections::btree_map::BTreeMap;
use energy_primitives::{MarketSlot, ResId};
use frame_support::ensure;

impl<T: Config> Pallet<T> {
	/// Checks, for every certificate, `minted = held + delivered + retired + fed in` (held:
	/// the sum of its holdings); that no holding is zero or of a certificate that does not
	/// exist; and that the totals are the certificates' sums.
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		let mut held: BTreeMap<(MarketSlot, ResId), u128> = BTreeMap::new();
		for ((_, slot, res), wh) in Holdings::<T>::iter() {
			ensure!(wh > 0, "zero holding stored");
			let sum = held.entry((slot, res)).or_default();
			*sum = sum.saturating_add(wh as u128);
		}
		let (mut minted, mut retired, mut fed_in) = (0u128, 0u128, 0u128);
		for (slot, res, certificate) in Certificates::<T>::iter() {
			let out = certificate.delivered_wh as u128
				+ certificate.retired_wh as u128
				+ certificate.fed_in_wh as u128;
			let holdings = held.remove(&(slot, res)).unwrap_or(0);
			ensure!(
				certificate.minted_wh as u128 == holdings + out,
				"a certificate's minted Wh differ from held + delivered + retired + fed in"
			);
			minted += certificate.minted_wh as u128;
			retired += certificate.delivered_wh as u128 + certificate.retired_wh as u128;
			fed_in += certificate.fed_in_wh as u128;
		}
		ensure!(held.is_empty(), "tokens held of a certificate that does not exist");
		ensure!(minted == TotalMinted::<T>::get(), "certificates do not add up to TotalMinted");
		ensure!(retired == TotalRetired::<T>::get(), "certificates do not add up to TotalRetired");
		ensure!(fed_in == TotalFedIn::<T>::get(), "certificates do not add up to TotalFedIn");
		Ok(())
	}
}
