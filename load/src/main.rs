//! `energy-load`: the chain's throughput and latency under legitimate load.
//! - `throughput`: finalized readings per second (by batch size and signature scheme) next to
//!   balance transfers, on one node of the load-test chain (`energy-node --chain load`);
//! - `chain-spec`: a raw chain spec of a community of any size (members, meters on many
//!   gateways, a history of certificates), built with the runtime's own genesis code;
//! - `bounds`: what the runtime's weights allow per block for each kind of load;
//! - `burst`: every meter of such a chain reporting right after each slot's end, with each
//!   reading's latency.
//!
//! `scripts/performance.sh` runs them; `docs/PERFORMANCE.md` has the figures.

mod bounds;
mod burst;
mod load;
mod spec;

use anyhow::Result;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(version, about = "Load tool for the energy chain")]
struct Cli {
	#[command(subcommand)]
	command: Command,
}

#[derive(Subcommand)]
enum Command {
	/// Readings per second by batch size and scheme, then balance transfers, on `--chain load`.
	Throughput {
		/// The node's WebSocket RPC endpoint.
		#[arg(long, env = "ENERGY_NODE_URL", default_value = "ws://127.0.0.1:9944")]
		url: String,
		/// Readings per sr25519 consumption phase (the ed25519 and production phases send a
		/// third).
		#[arg(long, default_value_t = 120_000)]
		readings: u64,
		/// Balance transfers.
		#[arg(long, default_value_t = 20_000)]
		transfers: u64,
		/// The node's process id, to report its memory.
		#[arg(long)]
		node_pid: Option<u32>,
	},
	/// Prints what the runtime's weights allow per block for each kind of load.
	Bounds,
	/// Writes the raw chain spec of a generated community.
	ChainSpec {
		/// Members (participants) besides the demo community.
		#[arg(long, default_value_t = 10_000)]
		members: u32,
		/// Load meters, on gateways of 1,024.
		#[arg(long, default_value_t = 20_000)]
		meters: u32,
		/// Percentage of the meters that are production meters, each on a 5 kW PV RES.
		#[arg(long, default_value_t = 20)]
		production_percent: u32,
		/// Market slot length, ms (six seconds: one slot per block).
		#[arg(long, default_value_t = 6_000)]
		slot_ms: u64,
		/// How long after a slot's end its settlement starts, ms: the grace window in which
		/// its readings still mint. Two minutes by default: with hourly slots the window is
		/// 15 minutes, far longer than a burst takes, and two minutes keeps that so on
		/// six-second slots (the market allows at most 24 slots).
		#[arg(long, default_value_t = 120_000)]
		settlement_delay_ms: u64,
		/// Slots before genesis whose certificates every RES holds (a PV day's shape).
		#[arg(long, default_value_t = 0)]
		certificate_slots: u32,
		/// Where to write the spec.
		#[arg(long)]
		out: std::path::PathBuf,
	},
	/// Every selected meter reports each of `--slots` slots right after it ends.
	Burst {
		/// The node's WebSocket RPC endpoint.
		#[arg(long, env = "ENERGY_NODE_URL", default_value = "ws://127.0.0.1:9944")]
		url: String,
		/// Which meters report.
		#[arg(long, value_enum, default_value_t = burst::Meters::All)]
		meters: burst::Meters,
		/// Consecutive slots.
		#[arg(long, default_value_t = 1)]
		slots: u32,
		/// The most readings in one transaction (a gateway's page of up to 1,024 meters is
		/// split into batches of this size).
		#[arg(long, default_value_t = 1024)]
		batch: usize,
		/// Concurrent submission lanes.
		#[arg(long, default_value_t = 16)]
		lanes: usize,
	},
}

#[tokio::main]
async fn main() -> Result<()> {
	energy_gateway::init_logging();
	match Cli::parse().command {
		Command::Throughput { url, readings, transfers, node_pid } => {
			load::run(&url, readings, transfers, node_pid).await.map(|_| ())
		},
		Command::Bounds => {
			bounds::print();
			Ok(())
		},
		Command::ChainSpec {
			members,
			meters,
			production_percent,
			slot_ms,
			settlement_delay_ms,
			certificate_slots,
			out,
		} => spec::write(
			&spec::Shape {
				members,
				meters,
				production_percent,
				slot_ms,
				settlement_delay_ms,
				certificate_slots,
			},
			&out,
		),
		Command::Burst { url, meters, slots, batch, lanes } => {
			let result = burst::run(&url, meters, slots, batch, lanes.max(1)).await?;
			burst::print(&result);
			Ok(())
		},
	}
}
