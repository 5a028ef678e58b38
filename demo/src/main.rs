//! `energy-demo`: a simulated community on a live chain. `setup` onboards it, `trade` places
//! the hand-traders' orders, `simulate` does both and runs the community's meter gateway beside
//! them: a market day on the network.

mod community;

use std::path::PathBuf;

use anyhow::Result;
use clap::{Parser, Subcommand};
use energy_gateway::{
	chain::Chain,
	gateway::{self, GatewayOptions},
};

#[derive(Parser)]
#[command(version, about = "A simulated energy community on a live chain")]
struct Cli {
	#[command(subcommand)]
	command: Command,
}

/// Where the chain is.
#[derive(clap::Args)]
struct Node {
	/// The node's WebSocket RPC endpoint.
	#[arg(long, env = "ENERGY_NODE_URL", default_value = "ws://127.0.0.1:9944")]
	url: String,
}

#[derive(Subcommand)]
enum Command {
	/// Onboard a simulated community and write its files to `--dir`.
	Setup {
		#[command(flatten)]
		node: Node,
		/// Where to write `community.json`, `keystore.json` and `replay.json`.
		#[arg(long)]
		dir: PathBuf,
		/// How many members.
		#[arg(long, default_value_t = 20)]
		members: u32,
		/// The community manager (sudo) account's secret URI.
		#[arg(long, default_value = "//Alice")]
		sudo: String,
		/// The DSO account's secret URI.
		#[arg(long, default_value = "//Dso")]
		dso: String,
		/// The profile hour of the first slot (4,300: a June day).
		#[arg(long, default_value_t = 4_300)]
		start_hour: u32,
	},
	/// Place the hand-traders' bids and offers in every auction.
	Trade {
		#[command(flatten)]
		node: Node,
		/// The community's folder.
		#[arg(long)]
		dir: PathBuf,
		/// Stop once this slot has ended.
		#[arg(long)]
		until_slot: Option<u32>,
	},
	/// Onboard a community (if `--dir` has none yet), then run its gateway and its traders
	/// together: a market day on the network.
	Simulate {
		#[command(flatten)]
		node: Node,
		/// The community's folder.
		#[arg(long)]
		dir: PathBuf,
		/// Members of a new community.
		#[arg(long, default_value_t = 20)]
		members: u32,
		/// Stop after this many slots (default: run forever).
		#[arg(long)]
		slots: Option<u32>,
	},
}

#[tokio::main]
async fn main() -> Result<()> {
	energy_gateway::init_logging();
	match Cli::parse().command {
		Command::Setup { node: Node { url }, dir, members, sudo, dso, start_hour } => {
			let community = community::setup(&url, &dir, members, &sudo, &dso, start_hour).await?;
			println!(
				"community of {} members set up in {} (anchor slot {})",
				community.members.len(),
				dir.display(),
				community.anchor_slot
			);
			Ok(())
		},
		Command::Trade { node: Node { url }, dir, until_slot } => {
			community::trade(&url, &dir, until_slot).await
		},
		Command::Simulate { node: Node { url }, dir, members, slots } => {
			let paths = community::CommunityPaths::new(&dir);
			let anchor = if paths.community.exists() {
				serde_json::from_slice::<community::CommunityFile>(&std::fs::read(
					&paths.community,
				)?)?
				.anchor_slot
			} else {
				community::setup(&url, &dir, members, "//Alice", "//Dso", 4_300).await?.anchor_slot
			};
			let now = Chain::connect(&url).await?.last_ended_slot().await?;
			let until_slot = slots.map(|n| now.unwrap_or(anchor) + n);
			let options = GatewayOptions {
				url: url.clone(),
				keystore: paths.keystore.clone(),
				replay: Some(paths.replay.clone()),
				mqtt: None,
				mqtt_client_id: None,
				store: dir.join("queue.redb"),
				accelerated: true,
				start_hour: 4_300,
				batch: 512,
				in_flight: 4,
				max_catch_up: 60,
				until_slot,
				poll_seconds: 2,
			};
			let (gateway, traders) =
				tokio::join!(gateway::run(options), community::trade(&url, &dir, until_slot));
			gateway.and(traders)
		},
	}
}
