//! Weights measured on the project's reference machine that belong to the runtime rather than
//! to one pallet.

pub mod paritydb_weights;
