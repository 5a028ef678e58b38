//! Weights measured on the project's reference machine that belong to the runtime rather than
//! to one pallet.

pub mod pallet_node_authorization;
pub mod paritydb_weights;
pub mod session_rotation;
