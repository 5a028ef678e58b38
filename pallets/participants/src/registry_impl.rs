//! The participant registry as other pallets see it.

use crate::{Config, Pallet, ParticipantStatus, Participants};
use energy_primitives::{ParticipantRegistry, Roles};

impl<T: Config> ParticipantRegistry<T::AccountId> for Pallet<T> {
	fn active_roles(who: &T::AccountId) -> Option<Roles> {
		Participants::<T>::get(who)
			.filter(|p| p.status == ParticipantStatus::Active)
			.map(|p| p.roles)
	}

	fn has_left(who: &T::AccountId) -> bool {
		Participants::<T>::get(who).is_some_and(|p| p.status == ParticipantStatus::Left)
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn ensure_participant(who: &T::AccountId, roles: Roles) {
		use crate::{AccountOfCode, IdGridCode, Participant};
		use codec::Encode;
		if let Some(mut p) = Participants::<T>::get(who) {
			p.roles = p.roles.union(roles);
			p.status = ParticipantStatus::Active;
			Participants::<T>::insert(who, p);
			return;
		}
		// A code derived from the account, unique per account: `B-` and 24 hex digits.
		let digest =
			<sp_runtime::traits::BlakeTwo256 as sp_runtime::traits::Hash>::hash(&who.encode());
		let mut code = b"B-".to_vec();
		for byte in &digest.as_bytes()[..12] {
			code.extend_from_slice(alloc::format!("{byte:02X}").as_bytes());
		}
		let code: IdGridCode = code.try_into().expect("26 bytes fit the 32-byte bound; qed");
		AccountOfCode::<T>::insert(&code, who);
		Participants::<T>::insert(
			who,
			Participant {
				code,
				roles,
				status: ParticipantStatus::Active,
				record_commitment: Default::default(),
				registered_at: frame_system::Pallet::<T>::block_number(),
			},
		);
	}
}
