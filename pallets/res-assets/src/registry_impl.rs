//! The RES registry as the meters and tokens see it.

use crate::{Assets, Config, Pallet, ResStatus};
use energy_primitives::{ResId, ResProfile, ResRegistry};

impl<T: Config> ResRegistry<T::AccountId> for Pallet<T> {
	fn profile(id: ResId) -> Option<ResProfile<T::AccountId>> {
		Assets::<T>::get(id).map(|asset| ResProfile {
			may_produce: asset.status == ResStatus::Approved,
			owner: asset.owner,
			nameplate_w: asset.nameplate_w,
		})
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
