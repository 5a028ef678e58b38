//! [`InitSessionFromAuthorities`]: the migration that hands a running chain's validators to
//! the session (spec 112).
//!
//! Before spec 112 the validators were Aura's and GRANDPA's genesis lists and nothing changed
//! them. The upgrade adds `pallet-session` with empty storage. Left so, the first validator to
//! register keys would become the whole set two sessions later (the session manager plans the
//! members with keys): one node, or a halt if it is down. This migration makes the session
//! start where the chain is instead:
//! - each authority `i` becomes a validator whose account is the sr25519 account of its Aura
//!   key (`Aura::Authorities[i]`), a member of the validator membership, with its Aura and
//!   GRANDPA keys (`Grandpa::Authorities[i]`) registered as its session keys; the forecaster
//!   slot of those keys holds its Aura key too (the chain knows no forecaster key per validator:
//!   the forecasters are the forecasts pallet's list, which sessions leave alone);
//! - the session's validators and queued keys are that set in Aura's order, with the
//!   historical roots of sessions 0 and 1, so the first rotations change nothing (no GRANDPA
//!   set change) and equivocations are provable from the first block.
//!
//! It runs once: in the upgrade from a spec before 112 (`LastRuntimeUpgrade`), while the
//! session has no queued keys and Aura has authorities. If GRANDPA has another number of
//! authorities than Aura it migrates nothing, logs an error, and try-runtime fails. It pairs the
//! two lists by position: chains whose genesis listed each validator's keys at the same place
//! in both (every spec this project built does) are migrated right.
//!
//! Afterwards governance changes the set as on a new chain; an operator who wants the
//! validator's seat on another account swaps the member, and the new account registers fresh
//! keys (the migrated ones stay registered to the Aura account: keys are never purged here).

use alloc::vec::Vec;
use frame_support::{traits::OnRuntimeUpgrade, weights::Weight};
use pallet_session::SessionInterface;

use crate::{
	configs::validators::{ValidatorsFromMembership, ValidatorsInstance},
	AccountId, Runtime, Session, SessionKeys,
};

/// The session set from Aura's and GRANDPA's authorities (see the module documentation).
pub struct InitSessionFromAuthorities;

/// The first spec with the session: chains upgraded from an earlier one are migrated.
pub const FIRST_SPEC_WITH_SESSIONS: u32 = 112;

/// Each authority's account and session keys, in Aura's order, when the migration is due: the
/// chain ran a spec before [`FIRST_SPEC_WITH_SESSIONS`], the session has queued nothing and
/// Aura has authorities. An error when it is due but GRANDPA has another number of authorities
/// than Aura (the pairs could not be told).
fn authorities_to_migrate() -> Result<Option<Vec<(AccountId, SessionKeys)>>, &'static str> {
	let before_sessions = frame_system::LastRuntimeUpgrade::<Runtime>::get()
		.is_some_and(|last| last.spec_version.0 < FIRST_SPEC_WITH_SESSIONS);
	let aura = pallet_aura::Authorities::<Runtime>::get();
	if !before_sessions
		|| !pallet_session::QueuedKeys::<Runtime>::get().is_empty()
		|| aura.is_empty()
	{
		return Ok(None);
	}
	let grandpa = pallet_grandpa::Authorities::<Runtime>::get();
	if aura.len() != grandpa.len() {
		return Err("Aura and GRANDPA have different numbers of authorities: nothing migrated");
	}
	Ok(Some(
		aura.into_iter()
			.zip(grandpa)
			.map(|(aura, (grandpa, _weight))| {
				let public = aura.clone().into_inner();
				let keys = SessionKeys { aura, grandpa, forecaster: public.into() };
				(AccountId::from(public), keys)
			})
			.collect(),
	))
}

impl OnRuntimeUpgrade for InitSessionFromAuthorities {
	fn on_runtime_upgrade() -> Weight {
		let db = <Runtime as frame_system::Config>::DbWeight::get();
		let set = match authorities_to_migrate() {
			Ok(Some(set)) => set,
			Ok(None) => return db.reads(3),
			Err(error) => {
				log::error!(target: "runtime::session", "{error}");
				return db.reads(4);
			},
		};
		let n = set.len() as u64;
		let mut members: Vec<AccountId> = set.iter().map(|(who, _)| who.clone()).collect();
		members.sort();
		members.dedup();
		let Ok(members) = frame_support::BoundedVec::try_from(members) else {
			log::error!(target: "runtime::session", "more authorities than validator seats");
			return db.reads(3);
		};
		pallet_membership::Members::<Runtime, ValidatorsInstance>::put(members);
		for (who, keys) in &set {
			if let Err(error) = <Session as SessionInterface>::set_keys(who, keys.clone()) {
				log::error!(target: "runtime::session", "keys of {who:?} not set: {error:?}");
			}
		}
		// The validators in Aura's order, then the historical roots of sessions 0 and 1 of that
		// set (planned in the validators' order while nothing is queued).
		pallet_session::Validators::<Runtime>::put(
			set.iter().map(|(who, _)| who.clone()).collect::<Vec<_>>(),
		);
		for index in [0, 1] {
			let _ = <pallet_session::historical::NoteHistoricalRoot<
				Runtime,
				ValidatorsFromMembership,
			> as pallet_session::SessionManager<AccountId>>::new_session_genesis(index);
		}
		pallet_session::QueuedKeys::<Runtime>::put(set);
		pallet_grandpa::SetIdSession::<Runtime>::insert(
			pallet_grandpa::CurrentSetId::<Runtime>::get(),
			0,
		);
		log::info!(target: "runtime::session", "{n} authorities are the session's validators");
		// Per authority: its keys and 3 key owners written, its keys read 3 times (the
		// historical roots); the membership, validators, queued keys, roots, range, set-session.
		db.reads_writes(3 * n + 4, 4 * n + 7)
	}

	#[cfg(feature = "try-runtime")]
	fn pre_upgrade() -> Result<Vec<u8>, sp_runtime::TryRuntimeError> {
		use codec::Encode;
		Ok(authorities_to_migrate()?.encode())
	}

	#[cfg(feature = "try-runtime")]
	fn post_upgrade(state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
		use codec::Decode;
		let Some(set) = Option::<Vec<(AccountId, SessionKeys)>>::decode(&mut &state[..])
			.map_err(|_| "undecodable pre-upgrade state")?
		else {
			return Ok(());
		};
		let accounts: Vec<AccountId> = set.iter().map(|(who, _)| who.clone()).collect();
		frame_support::ensure!(
			pallet_session::Validators::<Runtime>::get() == accounts,
			"the session's validators are not the authorities"
		);
		frame_support::ensure!(
			pallet_session::QueuedKeys::<Runtime>::get() == set,
			"the queued keys are not the authorities' keys"
		);
		for (who, keys) in &set {
			frame_support::ensure!(
				Session::load_keys(who).as_ref() == Some(keys),
				"an authority's keys are not registered"
			);
		}
		frame_support::ensure!(
			pallet_session::historical::HistoricalSessions::<Runtime>::contains_key(0)
				&& pallet_session::historical::HistoricalSessions::<Runtime>::contains_key(1),
			"no historical roots"
		);
		Ok(())
	}
}
