//! `energy-load`: finalized readings per second (by batch size and signature scheme) next to
//! balance transfers, on one node of the load-test chain (`energy-node --chain load`), in one
//! run. `scripts/performance.sh` starts the node and runs it; `docs/PERFORMANCE.md` has the
//! figures.

mod load;

use anyhow::Result;
use clap::Parser;

#[derive(Parser)]
#[command(version, about = "Load tool for the energy chain")]
struct Cli {
	/// The node's WebSocket RPC endpoint.
	#[arg(long, env = "ENERGY_NODE_URL", default_value = "ws://127.0.0.1:9944")]
	url: String,
	/// Readings per sr25519 consumption phase (the ed25519 and production phases send a third).
	#[arg(long, default_value_t = 120_000)]
	readings: u64,
	/// Balance transfers.
	#[arg(long, default_value_t = 20_000)]
	transfers: u64,
	/// The node's process id, to report its memory.
	#[arg(long)]
	node_pid: Option<u32>,
}

#[tokio::main]
async fn main() -> Result<()> {
	energy_gateway::init_logging();
	let cli = Cli::parse();
	load::run(&cli.url, cli.readings, cli.transfers, cli.node_pid).await.map(|_| ())
}
