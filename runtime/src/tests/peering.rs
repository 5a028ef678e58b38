//! Permissioned peering on the production preset (`configs::peering`): the council authorises
//! nodes, a node's owner adds connections within bounds, and nobody else can authorise, claim or
//! grow anything. Every refused attempt leaves the pallet's storage as it was.

use frame_support::{
	assert_noop, assert_ok,
	traits::{PalletInfoAccess, PalletsInfoAccess},
};
use sp_core::OpaquePeerId as PeerId;
use sp_runtime::{traits::Dispatchable, DispatchError};

use super::governance::{alice, as_root, councillor, motion, production};
use crate::{
	configs::peering::{
		PalletsWithoutPeering, MAX_ADDITIONAL_CONNECTIONS, MAX_CONNECTIONS_PER_CALL,
	},
	AccountId, AllPalletsWithSystem, NodeAuthorization, Runtime, RuntimeCall, RuntimeEvent,
	RuntimeOrigin, System,
};
use pallet_node_authorization::{
	AdditionalConnections, Call as NodeCall, Error, Owners, WellKnownNodes,
};

/// An Ed25519 peer id's length, distinct for each `seed`.
fn peer(seed: u16) -> PeerId {
	let mut bytes = vec![0x00, 0x24, 0x08, 0x01, 0x12, 0x20];
	bytes.extend([0u8; 30]);
	bytes.extend(seed.to_le_bytes());
	PeerId(bytes)
}

fn peers(from: u16, count: usize) -> Vec<PeerId> {
	(from..from + count as u16).map(peer).collect()
}

/// The validator operator who owns node 1.
fn operator() -> AccountId {
	councillor(4)
}

fn add_node(node: PeerId, owner: AccountId) -> RuntimeCall {
	RuntimeCall::NodeAuthorization(NodeCall::add_well_known_node { node, owner: owner.into() })
}

/// The pallet's whole storage: the well-known nodes, the owners, the additional connections.
type PeeringState = (Vec<PeerId>, Vec<(PeerId, AccountId)>, Vec<(PeerId, Vec<PeerId>)>);

/// The pallet's whole storage, to show a refused call changed nothing.
fn peering_state() -> PeeringState {
	let mut owners: Vec<_> = Owners::<Runtime>::iter().collect();
	owners.sort();
	let mut connections: Vec<_> = AdditionalConnections::<Runtime>::iter()
		.map(|(node, set)| (node, set.into_iter().collect()))
		.collect();
	connections.sort();
	(WellKnownNodes::<Runtime>::get().into_iter().collect(), owners, connections)
}

/// Production with five councillors, and node 1 authorised by a motion of three, owned by the
/// operator.
fn with_node_1() -> sp_io::TestExternalities {
	let mut ext = production(5);
	ext.execute_with(|| assert_eq!(motion(add_node(peer(1), operator()), 3, 3), Ok(())));
	ext
}

fn call_filtered() -> DispatchError {
	frame_system::Error::<Runtime>::CallFiltered.into()
}

#[test]
fn a_council_majority_authorises_a_node_whose_owner_lets_further_peers_connect() {
	with_node_1().execute_with(|| {
		assert_eq!(WellKnownNodes::<Runtime>::get().into_iter().collect::<Vec<_>>(), vec![peer(1)]);
		assert_eq!(Owners::<Runtime>::get(peer(1)), Some(operator()));

		// The operator lets a member's RPC node (not well known) connect to its node.
		assert_ok!(NodeAuthorization::add_connections(
			RuntimeOrigin::signed(operator()),
			peer(1),
			vec![peer(50)]
		));
		assert!(AdditionalConnections::<Runtime>::get(peer(1)).contains(&peer(50)));

		// Removing a node can cut validators off from each other: a majority cannot, two
		// thirds can, and the node's owner and connections go with it.
		let remove =
			RuntimeCall::NodeAuthorization(NodeCall::remove_well_known_node { node: peer(1) });
		let before = peering_state();
		assert_eq!(motion(remove.clone(), 3, 3), Err(DispatchError::BadOrigin));
		assert_eq!(peering_state(), before);
		assert_eq!(motion(remove, 4, 4), Ok(()));
		assert_eq!(peering_state(), (vec![], vec![], vec![]));
	});
}

#[test]
fn no_single_key_authorises_a_node() {
	with_node_1().execute_with(|| {
		let before = peering_state();
		// The dev sudo key's account, funded, signing for itself.
		assert_noop!(
			NodeAuthorization::add_well_known_node(
				RuntimeOrigin::signed(alice()),
				peer(2),
				alice().into()
			),
			DispatchError::BadOrigin
		);
		// A councillor alone, through a motion of one.
		assert_eq!(motion(add_node(peer(2), councillor(0)), 1, 1), Err(DispatchError::BadOrigin));
		// The owner of a well-known node cannot add another well-known node either.
		assert_noop!(
			NodeAuthorization::reset_well_known_nodes(
				RuntimeOrigin::signed(operator()),
				vec![(peer(2), operator())]
			),
			DispatchError::BadOrigin
		);
		assert_eq!(peering_state(), before);
	});
}

#[test]
fn only_two_thirds_swap_a_node_and_only_its_owner_hands_it_on_or_drops_it() {
	with_node_1().execute_with(|| {
		let before = peering_state();
		let swap = RuntimeCall::NodeAuthorization(NodeCall::swap_well_known_node {
			remove: peer(1),
			add: peer(2),
		});
		// A swap can drop a validator: a majority may not.
		assert_eq!(motion(swap.clone(), 3, 3), Err(DispatchError::BadOrigin));
		assert_eq!(peering_state(), before);
		// Someone else cannot hand the node on, nor drop the owner's claim.
		assert_noop!(
			NodeAuthorization::transfer_node(
				RuntimeOrigin::signed(alice()),
				peer(1),
				alice().into()
			),
			Error::<Runtime>::NotOwner
		);
		assert_noop!(
			NodeAuthorization::remove_claim(RuntimeOrigin::signed(alice()), peer(1)),
			Error::<Runtime>::NotOwner
		);
		// Nor can the owner drop the claim on a well-known node (that is the council's).
		assert_noop!(
			NodeAuthorization::remove_claim(RuntimeOrigin::signed(operator()), peer(1)),
			Error::<Runtime>::PermissionDenied
		);
		assert_eq!(peering_state(), before);
		// Two thirds swap it; the owner keeps it under its new id.
		assert_eq!(motion(swap, 4, 4), Ok(()));
		assert_eq!(WellKnownNodes::<Runtime>::get().into_iter().collect::<Vec<_>>(), vec![peer(2)]);
		assert_eq!(Owners::<Runtime>::get(peer(2)), Some(operator()));
	});
}

#[test]
fn nobody_claims_a_node() {
	with_node_1().execute_with(|| {
		let before = peering_state();
		let claim = RuntimeCall::NodeAuthorization(NodeCall::claim_node { node: peer(3) });
		// Directly, inside a batch, and as the council's majority: the call filter refuses it.
		assert_noop!(claim.clone().dispatch(RuntimeOrigin::signed(alice())), call_filtered());
		let batch =
			RuntimeCall::Utility(pallet_utility::Call::batch_all { calls: vec![claim.clone()] });
		assert_eq!(
			batch.dispatch(RuntimeOrigin::signed(alice())).map_err(|e| e.error),
			Err(call_filtered())
		);
		assert_eq!(motion(claim.clone(), 3, 3), Err(call_filtered()));
		// Root (two thirds of the council) is not filtered, but the call needs a signed origin:
		// the whitelist dispatches it and reports its failure.
		assert_eq!(motion(as_root(claim), 4, 4), Ok(()));
		let dispatched = System::events().into_iter().rev().find_map(|record| match record.event {
			RuntimeEvent::Whitelist(pallet_whitelist::Event::WhitelistedCallDispatched {
				result,
				..
			}) => Some(result.map(|_| ()).map_err(|e| e.error)),
			_ => None,
		});
		assert_eq!(dispatched, Some(Err(DispatchError::BadOrigin)));
		assert_eq!(peering_state(), before);
	});
}

#[test]
fn a_node_owner_adds_connections_within_the_bounds_and_only_to_its_own_node() {
	with_node_1().execute_with(|| {
		let owner = RuntimeOrigin::signed(operator());
		let add = |node: PeerId, connections: Vec<PeerId>| {
			RuntimeCall::NodeAuthorization(NodeCall::add_connections { node, connections })
		};
		let before = peering_state();
		// More than a call may carry.
		assert_noop!(
			add(peer(1), peers(100, MAX_CONNECTIONS_PER_CALL + 1)).dispatch(owner.clone()),
			call_filtered()
		);
		// Someone else's node, and a node nobody owns.
		assert_noop!(
			NodeAuthorization::add_connections(
				RuntimeOrigin::signed(alice()),
				peer(1),
				vec![peer(100)]
			),
			Error::<Runtime>::NotOwner
		);
		assert_noop!(
			NodeAuthorization::add_connections(owner.clone(), peer(9), vec![peer(100)]),
			Error::<Runtime>::NotClaimed
		);
		assert_eq!(peering_state(), before);

		// Up to the bound, a call at a time.
		for call in 0..MAX_ADDITIONAL_CONNECTIONS / MAX_CONNECTIONS_PER_CALL {
			let from = 100 + (call * MAX_CONNECTIONS_PER_CALL) as u16;
			assert_ok!(add(peer(1), peers(from, MAX_CONNECTIONS_PER_CALL)).dispatch(owner.clone()));
		}
		assert_eq!(
			AdditionalConnections::<Runtime>::get(peer(1)).len(),
			MAX_ADDITIONAL_CONNECTIONS
		);
		let full = peering_state();
		assert_noop!(add(peer(1), vec![peer(999)]).dispatch(owner.clone()), call_filtered());
		// Nor does a peer id of 128 bytes or more pass, added or removed: the bound is in bytes
		// as well as in peers (one 3 MiB id would otherwise fill the node's set).
		let long = PeerId(vec![7; 128]);
		let remove_long = RuntimeCall::NodeAuthorization(NodeCall::remove_connections {
			node: peer(1),
			connections: vec![long.clone()],
		});
		assert_noop!(remove_long.dispatch(owner.clone()), call_filtered());
		let remove = |connections: Vec<PeerId>| {
			RuntimeCall::NodeAuthorization(NodeCall::remove_connections {
				node: peer(1),
				connections,
			})
		};
		assert_noop!(
			remove(peers(100, MAX_CONNECTIONS_PER_CALL + 1)).dispatch(owner.clone()),
			call_filtered()
		);
		assert_eq!(peering_state(), full);
		// Removing makes room again, but not for a long id.
		assert_ok!(remove(peers(100, 1)).dispatch(owner.clone()));
		let room = peering_state();
		assert_noop!(add(peer(1), vec![long]).dispatch(owner.clone()), call_filtered());
		assert_eq!(peering_state(), room);
		assert_ok!(add(peer(1), vec![peer(999)]).dispatch(owner));
	});
}

#[test]
fn only_two_thirds_reset_the_nodes_and_never_to_peer_ids_the_pallet_would_refuse() {
	with_node_1().execute_with(|| {
		let before = peering_state();
		let reset = |node: PeerId| {
			RuntimeCall::NodeAuthorization(NodeCall::reset_well_known_nodes {
				nodes: vec![(peer(1), operator()), (node, operator())],
			})
		};
		// 128 bytes: `add_well_known_node` refuses it with `PeerIdTooLong`; `reset` would not.
		assert_eq!(motion(reset(PeerId(vec![7; 128])), 4, 4), Err(call_filtered()));
		assert_eq!(peering_state(), before);
		// A reset can drop validators: a majority may not, two thirds may.
		assert_eq!(motion(reset(peer(2)), 3, 3), Err(DispatchError::BadOrigin));
		assert_eq!(peering_state(), before);
		assert_eq!(motion(reset(peer(2)), 4, 4), Ok(()));
		assert_eq!(
			WellKnownNodes::<Runtime>::get().into_iter().collect::<Vec<_>>(),
			vec![peer(1), peer(2)]
		);
	});
}

#[test]
fn the_off_chain_workers_without_peering_are_every_other_pallet_s() {
	let all: Vec<_> = <AllPalletsWithSystem as PalletsInfoAccess>::infos()
		.into_iter()
		.filter(|info| info.name != <NodeAuthorization as PalletInfoAccess>::name())
		.map(|info| (info.index, info.name))
		.collect();
	let without: Vec<_> = <PalletsWithoutPeering as PalletsInfoAccess>::infos()
		.into_iter()
		.map(|info| (info.index, info.name))
		.collect();
	assert_eq!(without, all);
	assert_eq!(
		without.len() + 1,
		<AllPalletsWithSystem as PalletsInfoAccess>::infos().len(),
		"NodeAuthorization is the one left out"
	);
}

#[test]
fn the_local_testnet_preset_authorises_its_four_validators_and_production_none() {
	use crate::genesis_config_presets::{get_preset, PRODUCTION_RUNTIME_PRESET};
	let local = get_preset(&sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET.into()).unwrap();
	let local: serde_json::Value = serde_json::from_slice(&local).unwrap();
	assert_eq!(local["nodeAuthorization"]["nodes"].as_array().map(Vec::len), Some(4));
	let empty = get_preset(&PRODUCTION_RUNTIME_PRESET.into()).unwrap();
	let empty: serde_json::Value = serde_json::from_slice(&empty).unwrap();
	assert_eq!(empty["nodeAuthorization"]["nodes"], serde_json::json!([]));
	production(0).execute_with(|| assert!(WellKnownNodes::<Runtime>::get().is_empty()));
}
