//! The RES registry as the meters and tokens see it.

use crate::{Assets, Config, Pallet, ResStatus};
use energy_primitives::{ParticipantRegistry, ResId, ResProfile, ResRegistry, Roles};

impl<T: Config> ResRegistry<T::AccountId> for Pallet<T> {
	/// A RES may produce (mint, sell) while its grid connection is approved and its owner is
	/// an active producer: suspending or leaving stops it at the next reading or offer, with
	/// no index of RES by owner to walk.
	fn profile(id: ResId) -> Option<ResProfile<T::AccountId>> {
		Assets::<T>::get(id).map(|asset| ResProfile {
			may_produce: asset.status == ResStatus::Approved
				&& T::Participants::has_active_roles(&asset.owner, Roles::PRODUCER),
			owner: asset.owner,
			nameplate_w: asset.nameplate_w,
		})
	}

	fn all() -> alloc::vec::Vec<ResId> {
		let mut ids: alloc::vec::Vec<ResId> = Assets::<T>::iter_keys().collect();
		ids.sort_unstable();
		ids
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn create_approved(owner: &T::AccountId, nameplate_w: energy_primitives::Watts) -> ResId {
		let point: crate::ConnectionPoint =
			alloc::vec![b'B'; 16].try_into().expect("16 bytes fit the bound; qed");
		Pallet::<T>::insert_asset(
			owner.clone(),
			crate::Technology::Solar,
			nameplate_w,
			point,
			ResStatus::Approved,
		)
		.expect("benchmark RES are valid; qed")
	}
}
