//! The benchmark of a session rotation as the runtime runs it (`configs::validators::
//! RotateSessions`, in `PreInherents`): its weight is charged in the rotation block
//! ([`crate::configs::validators::RotationWeight`]), so it is measured here rather than
//! counted. The worst case: `v` validators (up to `MaxValidators`) queued by the last rotation
//! with a change, which this one enacts (Aura's authorities replaced, a GRANDPA set change
//! scheduled), while governance has swapped one of them, so it also plans a new set: its
//! historical root (a trie of the `v` validators' keys) and its queued keys.
//!
//! A wrapper pallet, as `node_authorization.rs` and `pallet-session-benchmarking` do.

use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::traits::{Get, PreInherents};
use pallet_session::SessionInterface;

use crate::{
	configs::validators::{MaxValidators, RotateSessions, SessionPeriod, ValidatorsInstance},
	AccountId, Runtime, Session, SessionKeys,
};

/// The benchmarked "pallet": the session's rotation.
pub struct Pallet<T: Config>(core::marker::PhantomData<T>);

/// The configuration the benchmark needs: this runtime's.
pub trait Config: frame_system::Config {}

impl Config for Runtime {}

/// Distinct keys for validator `i` (public keys only: the rotation never checks them).
fn keys(i: u32) -> SessionKeys {
	let bytes = |kind: u8| {
		let mut raw = [kind; 32];
		raw[..4].copy_from_slice(&i.to_le_bytes());
		raw
	};
	SessionKeys {
		aura: sp_core::sr25519::Public::from_raw(bytes(1)).into(),
		grandpa: sp_core::ed25519::Public::from_raw(bytes(2)).into(),
		forecaster: sp_core::sr25519::Public::from_raw(bytes(3)).into(),
	}
}

#[benchmarks(where T: Config)]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn rotate_session(v: Linear<1, { MaxValidators::get() }>) {
		// `v + 1` accounts with keys: the first `v` were queued with a change, the members are
		// the first `v - 1` and the last (governance swapped one).
		let accounts: Vec<AccountId> = (0..=v)
			.map(|i| {
				let mut raw = [0x70; 32];
				raw[..4].copy_from_slice(&i.to_le_bytes());
				AccountId::from(raw)
			})
			.collect();
		let mut members: Vec<AccountId> = accounts[..v as usize - 1].to_vec();
		members.push(accounts[v as usize].clone());
		members.sort();
		for (i, who) in accounts.iter().enumerate() {
			// Only members register keys.
			pallet_membership::Members::<Runtime, ValidatorsInstance>::put(
				frame_support::BoundedVec::try_from(alloc::vec![who.clone()]).expect("one fits"),
			);
			<Session as SessionInterface>::set_keys(who, keys(i as u32)).expect("a member's keys");
		}
		pallet_membership::Members::<Runtime, ValidatorsInstance>::put(
			frame_support::BoundedVec::try_from(members).expect("within MaxValidators"),
		);
		let queued: Vec<(AccountId, SessionKeys)> =
			(0..v).map(|i| (accounts[i as usize].clone(), keys(i))).collect();
		pallet_session::QueuedKeys::<Runtime>::put(queued);
		pallet_session::QueuedChanged::<Runtime>::put(true);
		// The last block of a session.
		let end = SessionPeriod::get() * 3;
		frame_system::Pallet::<Runtime>::set_block_number(end);
		let index = Session::current_index();

		#[block]
		{
			RotateSessions::pre_inherents();
		}

		assert_eq!(Session::current_index(), index + 1);
		assert_eq!(pallet_aura::Authorities::<Runtime>::get().len() as u32, v, "Aura changed");
		assert!(pallet_grandpa::PendingChange::<Runtime>::exists(), "a GRANDPA change");
		assert!(
			pallet_session::QueuedKeys::<Runtime>::get()
				.contains(&(accounts[v as usize].clone(), keys(v))),
			"a new set planned"
		);
	}

	impl_benchmark_test_suite!(
		Pallet,
		crate::benchmarks::node_authorization::test_ext(),
		crate::Runtime
	);
}
