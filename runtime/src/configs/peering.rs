//! Permissioned peering: only the nodes the community has authorised exchange blocks with its
//! well-known nodes (`pallet-node-authorization`).
//!
//! | who | may | through |
//! |---|---|---|
//! | the council's majority (or root) | add a well-known node, naming its owner | `add_well_known_node` |
//! | two thirds of the council (or root) | remove, swap and reset the well-known nodes: each can cut validators off from each other and stall finality, so they need what root and the council's membership need | `remove_well_known_node`, `swap_well_known_node`, `reset_well_known_nodes` |
//! | a node's owner | let further peers connect to its own node (at most [`MAX_CONNECTIONS_PER_CALL`] a call, [`MAX_ADDITIONAL_CONNECTIONS`] in all), take them back, hand the node to another account | `add_connections`, `remove_connections`, `transfer_node` |
//! | anyone | nothing: `claim_node` (which stores a peer id for any signed account, deposit-free) is refused by the call filter (root bypasses the filter, as it may anything) | — |
//!
//! Every block, each node that runs its off-chain worker (every validator does) tells its
//! network to keep block-announcement substreams only with its authorised peers: the other
//! well-known nodes if it is one, and the connections its owner added. A node nobody
//! authorised finds no peer to sync from or announce to.
//!
//! **While no well-known node is set, peering stays open**: the pallet's off-chain worker is not
//! run ([`offchain_workers`]). The pallet alone would switch every node to authorised-only
//! with an empty list, so a chain upgraded to this runtime, or a dev chain, would cut every
//! connection in its first block. The community switches permissioned peering on by setting its
//! well-known nodes (`reset_well_known_nodes` with all of them, in one motion). Emptying the list
//! again stops the worker, so each node keeps the last set it was given until it restarts.

use codec::{Compact, Decode};
use frame_support::{parameter_types, traits::Contains};
use pallet_node_authorization::{AdditionalConnections, Call as NodeCall, WellKnownNodes};
use sp_runtime::traits::Block as BlockT;

use super::{CommunityManager, CouncilSupermajority, Runtime, RuntimeCall, RuntimeEvent};
use crate::{
	Aura, Authorship, Balances, Block, Council, CouncilMembership, EnergyTokens, Flexibility,
	Forecasts, Grandpa, Grid, Historical, Market, Meters, Offences, Participants, Preimage,
	ResAssets, Session, Sudo, System, Timestamp, TransactionPayment, Utility, ValidatorMembership,
	Whitelist,
};

/// The most peer ids one `add_connections` or `remove_connections` call may carry.
pub const MAX_CONNECTIONS_PER_CALL: usize = 16;

/// The most additional connections one node may have: the weight of `add_connections` is
/// measured with a node that has this many.
pub const MAX_ADDITIONAL_CONNECTIONS: usize = 64;

parameter_types! {
	/// The most well-known nodes (validators, RPC and archive nodes of the community); a reset
	/// takes one fewer.
	pub const MaxWellKnownNodes: u32 = 64;
	/// A peer id's bytes must be fewer than this (an Ed25519 peer id has 38).
	pub const MaxPeerIdLength: u32 = 128;
}

impl pallet_node_authorization::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type MaxWellKnownNodes = MaxWellKnownNodes;
	type MaxPeerIdLength = MaxPeerIdLength;
	type AddOrigin = CommunityManager;
	type RemoveOrigin = CouncilSupermajority;
	type SwapOrigin = CouncilSupermajority;
	type ResetOrigin = CouncilSupermajority;
	type WeightInfo = crate::weights::pallet_node_authorization::WeightInfo<Runtime>;
}

/// The runtime's call filter (`frame_system::Config::BaseCallFilter`): every call passes but
/// the node-authorization calls [`node_authorization_call_allowed`] refuses and the
/// validator-membership and session calls [`super::validators::validator_membership_call_allowed`]
/// and [`super::validators::session_call_allowed`] refuse. A refused call
/// fails with `frame_system::Error::CallFiltered`; root's calls are not filtered.
pub struct RuntimeCallFilter;

impl Contains<RuntimeCall> for RuntimeCallFilter {
	fn contains(call: &RuntimeCall) -> bool {
		match call {
			RuntimeCall::NodeAuthorization(call) => node_authorization_call_allowed(call),
			RuntimeCall::ValidatorMembership(call) => {
				super::validators::validator_membership_call_allowed(call)
			},
			RuntimeCall::Session(call) => super::validators::session_call_allowed(call),
			_ => true,
		}
	}
}

/// Whether a node-authorization call may be dispatched by an origin the filter applies to
/// (every origin but root: root, and calls root dispatches as another origin with
/// `utility.dispatch_as` or `sudo.sudo_as`, bypass it):
/// - `claim_node` never: nodes are authorised by governance, and a claim would let any funded
///   account store peer ids without a deposit;
/// - `add_connections` with at most [`MAX_CONNECTIONS_PER_CALL`] peers, each a peer id shorter
///   than [`MaxPeerIdLength`], and only while the node keeps at most
///   [`MAX_ADDITIONAL_CONNECTIONS`] (the pallet checks the length of the node's id but not of
///   the connections', bounds neither their number per call nor per node, and weighs the call
///   as one);
/// - `remove_connections` with at most [`MAX_CONNECTIONS_PER_CALL`] peers, each shorter than
///   [`MaxPeerIdLength`];
/// - `reset_well_known_nodes` only with peer ids shorter than [`MaxPeerIdLength`] (the pallet
///   checks the length of the nodes in the other calls, not in this one).
pub fn node_authorization_call_allowed(call: &NodeCall<Runtime>) -> bool {
	match call {
		NodeCall::claim_node { .. } => false,
		NodeCall::add_connections { node, connections } => {
			connections.len() <= MAX_CONNECTIONS_PER_CALL
				&& connections.iter().all(short_enough)
				&& additional_connections(node).saturating_add(connections.len())
					<= MAX_ADDITIONAL_CONNECTIONS
		},
		NodeCall::remove_connections { connections, .. } => {
			connections.len() <= MAX_CONNECTIONS_PER_CALL && connections.iter().all(short_enough)
		},
		NodeCall::reset_well_known_nodes { nodes } => {
			nodes.iter().all(|(node, _)| short_enough(node))
		},
		_ => true,
	}
}

/// Whether `peer` is shorter than [`MaxPeerIdLength`], as the pallet requires of a node's id.
fn short_enough(peer: &sp_core::OpaquePeerId) -> bool {
	peer.0.len() < MaxPeerIdLength::get() as usize
}

/// How many additional connections `node` has: the length prefix of its stored set, read
/// without decoding the set.
fn additional_connections(node: &sp_core::OpaquePeerId) -> usize {
	let key = AdditionalConnections::<Runtime>::hashed_key_for(node);
	let mut prefix = [0u8; 5];
	match sp_io::storage::read(&key, &mut prefix, 0) {
		None => 0,
		Some(_) => Compact::<u32>::decode(&mut &prefix[..]).map_or(usize::MAX, |n| n.0 as usize),
	}
}

/// Every pallet of the runtime but `NodeAuthorization`, in the runtime's (index) order: the pallets whose
/// off-chain workers run while no well-known node is set. A test checks it has every other
/// pallet of [`crate::AllPalletsWithSystem`].
pub type PalletsWithoutPeering = (
	System,
	Timestamp,
	Aura,
	Grandpa,
	Balances,
	TransactionPayment,
	Sudo,
	Council,
	CouncilMembership,
	Utility,
	Participants,
	ResAssets,
	Meters,
	EnergyTokens,
	Market,
	Forecasts,
	Flexibility,
	Grid,
	Preimage,
	Whitelist,
	Authorship,
	ValidatorMembership,
	Session,
	Historical,
	Offences,
);

/// The executive that runs the off-chain workers of [`PalletsWithoutPeering`].
type ExecutiveWithoutPeering = frame_executive::Executive<
	Runtime,
	Block,
	frame_system::ChainContext<Runtime>,
	Runtime,
	PalletsWithoutPeering,
>;

/// Runs the off-chain workers for the block `header` (the `OffchainWorkerApi`): all of them
/// once the community has set a well-known node, all but node authorization's before.
pub fn offchain_workers(header: &<Block as BlockT>::Header) {
	if WellKnownNodes::<Runtime>::get().is_empty() {
		ExecutiveWithoutPeering::offchain_worker(header)
	} else {
		crate::Executive::offchain_worker(header)
	}
}
