//! The logic behind each call of the participant registry.

use crate::{
	is_valid_code, AccountOfCode, Config, Error, Event, IdGridCode, Pallet, Participant,
	ParticipantStatus, Participants,
};
use energy_primitives::Roles;
use frame_support::{ensure, pallet_prelude::DispatchResult};
use sp_core::H256;

impl<T: Config> Pallet<T> {
	/// Registers `who` with `code`, `roles` and `record_commitment`.
	pub fn do_register(
		who: T::AccountId,
		code: IdGridCode,
		roles: Roles,
		record_commitment: H256,
	) -> DispatchResult {
		ensure!(is_valid_code(&code), Error::<T>::InvalidCode);
		ensure!(!roles.is_empty(), Error::<T>::NoRoles);
		ensure!(!Participants::<T>::contains_key(&who), Error::<T>::AlreadyRegistered);
		ensure!(!AccountOfCode::<T>::contains_key(&code), Error::<T>::CodeTaken);

		let participant = Participant {
			code: code.clone(),
			roles,
			status: ParticipantStatus::Active,
			record_commitment,
			registered_at: frame_system::Pallet::<T>::block_number(),
		};
		Participants::<T>::insert(&who, participant);
		AccountOfCode::<T>::insert(&code, &who);
		Self::deposit_event(Event::Registered { who, code, roles });
		Ok(())
	}

	/// Replaces the roles of `who`.
	pub fn do_set_roles(who: T::AccountId, roles: Roles) -> DispatchResult {
		ensure!(!roles.is_empty(), Error::<T>::NoRoles);
		Participants::<T>::try_mutate(&who, |maybe| {
			let participant = maybe.as_mut().ok_or(Error::<T>::NotRegistered)?;
			ensure!(participant.status != ParticipantStatus::Left, Error::<T>::HasLeft);
			participant.roles = roles;
			Ok::<_, Error<T>>(())
		})?;
		Self::deposit_event(Event::RolesChanged { who, roles });
		Ok(())
	}

	/// Replaces the record commitment of `who`.
	pub fn do_set_record_commitment(who: T::AccountId, record_commitment: H256) -> DispatchResult {
		Participants::<T>::try_mutate(&who, |maybe| {
			let participant = maybe.as_mut().ok_or(Error::<T>::NotRegistered)?;
			ensure!(participant.status != ParticipantStatus::Left, Error::<T>::HasLeft);
			participant.record_commitment = record_commitment;
			Ok::<_, Error<T>>(())
		})?;
		Self::deposit_event(Event::RecordCommitmentChanged { who, record_commitment });
		Ok(())
	}

	/// Suspends active member `who`.
	pub fn do_suspend(who: T::AccountId) -> DispatchResult {
		Self::transition(
			&who,
			ParticipantStatus::Active,
			Error::<T>::NotActive,
			ParticipantStatus::Suspended,
		)?;
		Self::deposit_event(Event::Suspended { who });
		Ok(())
	}

	/// Reactivates suspended member `who`.
	pub fn do_reactivate(who: T::AccountId) -> DispatchResult {
		Self::transition(
			&who,
			ParticipantStatus::Suspended,
			Error::<T>::NotSuspended,
			ParticipantStatus::Active,
		)?;
		Self::deposit_event(Event::Reactivated { who });
		Ok(())
	}

	/// Marks `who` as having left.
	pub fn do_leave(who: T::AccountId) -> DispatchResult {
		Participants::<T>::try_mutate(&who, |maybe| {
			let participant = maybe.as_mut().ok_or(Error::<T>::NotRegistered)?;
			ensure!(participant.status != ParticipantStatus::Left, Error::<T>::HasLeft);
			participant.status = ParticipantStatus::Left;
			Ok::<_, Error<T>>(())
		})?;
		Self::deposit_event(Event::Left { who });
		Ok(())
	}

	/// Moves `who` from status `from` to `to`, failing with `wrong_status` if it is elsewhere.
	fn transition(
		who: &T::AccountId,
		from: ParticipantStatus,
		wrong_status: Error<T>,
		to: ParticipantStatus,
	) -> DispatchResult {
		Participants::<T>::try_mutate(who, |maybe| {
			let participant = maybe.as_mut().ok_or(Error::<T>::NotRegistered)?;
			ensure!(participant.status != ParticipantStatus::Left, Error::<T>::HasLeft);
			ensure!(participant.status == from, wrong_status);
			participant.status = to;
			Ok::<_, Error<T>>(())
		})?;
		Ok(())
	}

	/// Checks the registry's invariants: codes and accounts map 1:1, every code is well formed
	/// and every participant holds a role.
	/// (Also run by the tests, and by other pallets' tests that compose this one.)
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		let mut count = 0u32;
		for (who, participant) in Participants::<T>::iter() {
			count += 1;
			ensure!(is_valid_code(&participant.code), "participant with a malformed code");
			ensure!(!participant.roles.is_empty(), "participant without roles");
			ensure!(
				AccountOfCode::<T>::get(&participant.code).as_ref() == Some(&who),
				"code does not map back to its participant"
			);
		}
		ensure!(count == Participants::<T>::count(), "participant counter is off");
		for (code, who) in AccountOfCode::<T>::iter() {
			ensure!(
				Participants::<T>::get(&who).is_some_and(|p| p.code == code),
				"code maps to an account without that code"
			);
		}
		Ok(())
	}
}
