//! `energy-node`: the validator binary of the community energy chain.
//!
//! Aura produces a block every 6 seconds, GRANDPA finalizes them, the off-chain worker runs on
//! every imported block, and JSON-RPC (port 9944 by default) serves wallets, dApps and meter
//! gateways. The database is ParityDB.

#![warn(missing_docs)]
// `sc_cli::Error` (and `sc_service::Error`) are large upstream error enums that every
// polkadot-sdk node returns by value; boxing them here would only differ from the ecosystem.
#![allow(clippy::result_large_err)]

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod chain_spec;
mod cli;
mod command;
mod rpc;
mod service;

fn main() -> sc_cli::Result<()> {
	command::run()
}
