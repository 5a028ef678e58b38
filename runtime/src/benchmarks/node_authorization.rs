//! Benchmarks of `pallet-node-authorization`, which ships none (its own weights are a flat
//! 50 µs with no proof size). Each call is measured in its worst case under this runtime's
//! bounds: peer ids one byte short of `MaxPeerIdLength`, `MaxWellKnownNodes` well-known nodes
//! (one fewer in a reset, which takes fewer than that many), and nodes with `MAX_ADDITIONAL_CONNECTIONS` additional connections,
//! `MAX_CONNECTIONS_PER_CALL` of them moved in one call (`configs::peering`).
//!
//! A wrapper pallet, as `pallet-session-benchmarking` does for `pallet-session`: the benchmarks
//! are declared for [`Pallet`] and run against `pallet_node_authorization`'s storage.

use alloc::{collections::btree_set::BTreeSet, vec, vec::Vec};
use frame_benchmarking::v2::*;
use frame_support::traits::Get;
use frame_system::RawOrigin;
use pallet_node_authorization::{AdditionalConnections, Owners, WellKnownNodes};
use sp_core::OpaquePeerId as PeerId;
use sp_runtime::traits::StaticLookup;

use crate::configs::peering::{MAX_ADDITIONAL_CONNECTIONS, MAX_CONNECTIONS_PER_CALL};

/// The benchmarked pallet: `pallet_node_authorization` under another name.
pub struct Pallet<T: Config>(pallet_node_authorization::Pallet<T>);

/// The configuration the benchmarks need: `pallet_node_authorization`'s.
pub trait Config: pallet_node_authorization::Config {}

impl Config for crate::Runtime {}

type NodeAuthorization<T> = pallet_node_authorization::Pallet<T>;

/// A peer id of the longest length the pallet accepts, distinct for each `seed`.
fn peer<T: Config>(seed: u32) -> PeerId {
	let mut bytes = vec![0xab; T::MaxPeerIdLength::get() as usize - 1];
	bytes[..4].copy_from_slice(&seed.to_le_bytes());
	PeerId(bytes)
}

/// Fills the well-known nodes up to the maximum (`add_well_known_node` adds while there are
/// fewer than `MaxWellKnownNodes`), less `room` places; returns the first node, owned by `owner`.
fn well_known_nodes<T: Config>(owner: &T::AccountId, room: u32) -> PeerId {
	let count = T::MaxWellKnownNodes::get() - room;
	let nodes: BTreeSet<PeerId> = (0..count).map(peer::<T>).collect();
	for node in &nodes {
		Owners::<T>::insert(node, owner);
	}
	WellKnownNodes::<T>::put(nodes);
	peer::<T>(0)
}

/// Gives `node` `count` additional connections.
fn connections<T: Config>(node: &PeerId, count: usize) {
	let set: BTreeSet<PeerId> = (0..count as u32).map(|i| peer::<T>(1_000_000 + i)).collect();
	AdditionalConnections::<T>::insert(node, set);
}

/// `MAX_CONNECTIONS_PER_CALL` peer ids, from `first`.
fn batch<T: Config>(first: u32) -> Vec<PeerId> {
	(first..first + MAX_CONNECTIONS_PER_CALL as u32).map(peer::<T>).collect()
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn add_well_known_node() {
		let owner: T::AccountId = whitelisted_caller();
		well_known_nodes::<T>(&owner, 1);
		let node = peer::<T>(u32::MAX);
		let lookup = T::Lookup::unlookup(owner);

		#[block]
		{
			NodeAuthorization::<T>::add_well_known_node(
				RawOrigin::Root.into(),
				node.clone(),
				lookup,
			)
			.expect("room for one more node");
		}

		assert!(WellKnownNodes::<T>::get().contains(&node));
	}

	#[benchmark]
	fn remove_well_known_node() {
		let owner: T::AccountId = whitelisted_caller();
		let node = well_known_nodes::<T>(&owner, 0);
		connections::<T>(&node, MAX_ADDITIONAL_CONNECTIONS);

		#[block]
		{
			NodeAuthorization::<T>::remove_well_known_node(RawOrigin::Root.into(), node.clone())
				.expect("a well-known node");
		}

		assert!(!WellKnownNodes::<T>::get().contains(&node));
		assert!(!AdditionalConnections::<T>::contains_key(&node));
	}

	#[benchmark]
	fn swap_well_known_node() {
		let owner: T::AccountId = whitelisted_caller();
		let node = well_known_nodes::<T>(&owner, 0);
		connections::<T>(&node, MAX_ADDITIONAL_CONNECTIONS);
		// The replacement may still have an owner and connections from before (a reset keeps
		// the nodes it drops): both entries are then swapped too.
		let replacement = peer::<T>(u32::MAX);
		Owners::<T>::insert(&replacement, &owner);
		connections::<T>(&replacement, MAX_ADDITIONAL_CONNECTIONS);

		#[block]
		{
			NodeAuthorization::<T>::swap_well_known_node(
				RawOrigin::Root.into(),
				node.clone(),
				replacement.clone(),
			)
			.expect("a well-known node and a new one");
		}

		assert!(WellKnownNodes::<T>::get().contains(&replacement));
		assert_eq!(Owners::<T>::get(&replacement), Some(owner));
	}

	#[benchmark]
	fn reset_well_known_nodes() {
		let owner: T::AccountId = whitelisted_caller();
		well_known_nodes::<T>(&owner, 0);
		let nodes: Vec<(PeerId, T::AccountId)> = (0..T::MaxWellKnownNodes::get() - 1)
			.map(|i| (peer::<T>(10_000 + i), owner.clone()))
			.collect();

		#[block]
		{
			NodeAuthorization::<T>::reset_well_known_nodes(RawOrigin::Root.into(), nodes)
				.expect("as many nodes as the pallet accepts");
		}

		assert!(WellKnownNodes::<T>::get().contains(&peer::<T>(10_000)));
	}

	#[benchmark]
	fn claim_node() {
		let caller: T::AccountId = whitelisted_caller();
		let node = peer::<T>(u32::MAX);

		#[block]
		{
			NodeAuthorization::<T>::claim_node(
				RawOrigin::Signed(caller.clone()).into(),
				node.clone(),
			)
			.expect("an unclaimed node");
		}

		assert_eq!(Owners::<T>::get(&node), Some(caller));
	}

	#[benchmark]
	fn remove_claim() {
		let caller: T::AccountId = whitelisted_caller();
		well_known_nodes::<T>(&caller, 0);
		let node = peer::<T>(u32::MAX);
		Owners::<T>::insert(&node, &caller);
		connections::<T>(&node, MAX_ADDITIONAL_CONNECTIONS);

		#[block]
		{
			NodeAuthorization::<T>::remove_claim(RawOrigin::Signed(caller).into(), node.clone())
				.expect("the caller's claim on a node that is not well known");
		}

		assert!(!Owners::<T>::contains_key(&node));
	}

	#[benchmark]
	fn transfer_node() {
		let caller: T::AccountId = whitelisted_caller();
		let node = well_known_nodes::<T>(&caller, 0);
		let target: T::AccountId = account("target", 0, 0);
		let lookup = T::Lookup::unlookup(target.clone());

		#[block]
		{
			NodeAuthorization::<T>::transfer_node(
				RawOrigin::Signed(caller).into(),
				node.clone(),
				lookup,
			)
			.expect("the caller's node");
		}

		assert_eq!(Owners::<T>::get(&node), Some(target));
	}

	#[benchmark]
	fn add_connections() {
		let caller: T::AccountId = whitelisted_caller();
		let node = well_known_nodes::<T>(&caller, 0);
		connections::<T>(&node, MAX_ADDITIONAL_CONNECTIONS - MAX_CONNECTIONS_PER_CALL);
		let added = batch::<T>(2_000_000);

		#[block]
		{
			NodeAuthorization::<T>::add_connections(
				RawOrigin::Signed(caller).into(),
				node.clone(),
				added,
			)
			.expect("the caller's node");
		}

		assert_eq!(AdditionalConnections::<T>::get(&node).len(), MAX_ADDITIONAL_CONNECTIONS);
	}

	#[benchmark]
	fn remove_connections() {
		let caller: T::AccountId = whitelisted_caller();
		let node = well_known_nodes::<T>(&caller, 0);
		connections::<T>(&node, MAX_ADDITIONAL_CONNECTIONS);
		let removed = batch::<T>(1_000_000);

		#[block]
		{
			NodeAuthorization::<T>::remove_connections(
				RawOrigin::Signed(caller).into(),
				node.clone(),
				removed,
			)
			.expect("the caller's node");
		}

		assert_eq!(
			AdditionalConnections::<T>::get(&node).len(),
			MAX_ADDITIONAL_CONNECTIONS - MAX_CONNECTIONS_PER_CALL
		);
	}

	impl_benchmark_test_suite!(Pallet, super::test_ext(), crate::Runtime);
}

/// An empty chain to run each benchmark once on, natively (`scripts/test.sh`'s benchmark step).
#[cfg(test)]
pub(super) fn test_ext() -> sp_io::TestExternalities {
	use sp_runtime::BuildStorage;
	let mut ext: sp_io::TestExternalities =
		crate::RuntimeGenesisConfig::default().build_storage().expect("the default genesis").into();
	ext.execute_with(|| frame_system::Pallet::<crate::Runtime>::set_block_number(1));
	ext
}
