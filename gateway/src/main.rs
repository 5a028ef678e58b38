//! `energy-gateway`: the meter gateway of the energy chain, its key tool, the community
//! simulator and the load tool.

use std::path::PathBuf;

use anyhow::Result;
use clap::{Parser, Subcommand};
use energy_gateway::{
	community,
	gateway::{self, GatewayOptions},
	keystore::{self, Keystore, MeterEntry, Scheme},
	queue::Queue,
};

#[derive(Parser)]
#[command(version, about = "Meter gateway for the energy chain")]
struct Cli {
	#[command(subcommand)]
	command: Command,
}

#[derive(Subcommand)]
enum Command {
	/// Meter, sign, queue and submit readings (runs until `--until-slot` or forever).
	Run(GatewayOptions),
	/// Manage the keystore file.
	#[command(subcommand)]
	Keys(KeysCommand),
	/// A simulated community on a live chain.
	#[command(subcommand)]
	Community(CommunityCommand),
	/// Onboard a community (if `--dir` has none yet), then run its gateway and its traders
	/// together: a market day on the network.
	Simulate {
		/// The node's WebSocket RPC endpoint.
		#[arg(long, default_value = "ws://127.0.0.1:9944")]
		url: String,
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
	/// Measure finalized readings per second (by batch size and scheme) against balance
	/// transfers on a node of the load-test chain (`energy-node --chain load`), in one run.
	Load {
		/// The node's WebSocket RPC endpoint.
		#[arg(long, default_value = "ws://127.0.0.1:9944")]
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
	/// Print the queue's counters and backlog.
	Status {
		/// The queue database.
		#[arg(long)]
		store: PathBuf,
	},
}

#[derive(Subcommand)]
enum CommunityCommand {
	/// Onboard a simulated community and write its files to `--dir`.
	Setup {
		/// The node's WebSocket RPC endpoint.
		#[arg(long, default_value = "ws://127.0.0.1:9944")]
		url: String,
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
		/// The node's WebSocket RPC endpoint.
		#[arg(long, default_value = "ws://127.0.0.1:9944")]
		url: String,
		/// The community's folder.
		#[arg(long)]
		dir: PathBuf,
		/// Stop once this slot has ended.
		#[arg(long)]
		until_slot: Option<u32>,
	},
}

#[derive(Subcommand)]
enum KeysCommand {
	/// Write the dev chain's demo keystore (`//Gateway`, meters 0 to 5).
	Dev {
		/// Where to write it (mode 600).
		#[arg(long)]
		out: PathBuf,
	},
	/// Add a new random key for `meter` and print its public key (to register the meter).
	Generate {
		/// The keystore file (created with `--gateway` if missing).
		#[arg(long)]
		keystore: PathBuf,
		/// The meter's id on chain.
		#[arg(long)]
		meter: u32,
		/// The key's signature scheme.
		#[arg(long, value_enum, default_value_t = Scheme::Sr25519)]
		scheme: Scheme,
		/// The gateway account's secret URI, for a new keystore.
		#[arg(long)]
		gateway: Option<String>,
	},
	/// Print the public keys (never the secrets).
	List {
		/// The keystore file.
		#[arg(long)]
		keystore: PathBuf,
	},
}

#[tokio::main]
async fn main() -> Result<()> {
	tracing_subscriber::fmt()
		.with_env_filter(
			tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
		)
		.with_writer(std::io::stderr)
		.init();
	match Cli::parse().command {
		Command::Run(options) => gateway::run(options).await,
		Command::Keys(KeysCommand::Dev { out }) => keystore::save(&out, &keystore::dev_keystore()),
		Command::Keys(KeysCommand::Generate { keystore: path, meter, scheme, gateway }) => {
			let mut content = match std::fs::read(&path) {
				Ok(bytes) => serde_json::from_slice(&bytes)?,
				Err(_) => keystore::KeystoreFile {
					gateway: gateway.ok_or_else(|| {
						anyhow::anyhow!("a new keystore needs --gateway <secret URI>")
					})?,
					meters: Vec::new(),
				},
			};
			if content.meters.iter().any(|m| m.meter == meter) {
				anyhow::bail!("meter {meter} already has a key");
			}
			content.meters.push(MeterEntry {
				meter,
				scheme,
				secret: keystore::generate_secret(scheme),
			});
			keystore::save(&path, &content)?;
			let loaded = Keystore::load(&path)?;
			println!("meter {meter}: {}", loaded.meters[&meter].public_display());
			Ok(())
		},
		Command::Keys(KeysCommand::List { keystore: path }) => {
			let loaded = Keystore::load(&path)?;
			println!("gateway: {}", loaded.gateway_address());
			for (meter, key) in &loaded.meters {
				println!("meter {meter}: {}", key.public_display());
			}
			Ok(())
		},
		Command::Community(CommunityCommand::Setup {
			url,
			dir,
			members,
			sudo,
			dso,
			start_hour,
		}) => {
			let community = community::setup(&url, &dir, members, &sudo, &dso, start_hour).await?;
			println!(
				"community of {} members set up in {} (anchor slot {})",
				community.members.len(),
				dir.display(),
				community.anchor_slot
			);
			Ok(())
		},
		Command::Community(CommunityCommand::Trade { url, dir, until_slot }) => {
			community::trade(&url, &dir, until_slot).await
		},
		Command::Simulate { url, dir, members, slots } => {
			let paths = community::CommunityPaths::new(&dir);
			let anchor = if paths.community.exists() {
				serde_json::from_slice::<community::CommunityFile>(&std::fs::read(
					&paths.community,
				)?)?
				.anchor_slot
			} else {
				community::setup(&url, &dir, members, "//Alice", "//Dso", 4_300).await?.anchor_slot
			};
			let now = energy_gateway::chain::Chain::connect(&url).await?.last_ended_slot().await?;
			let until_slot = slots.map(|n| now.unwrap_or(anchor) + n);
			let options = GatewayOptions {
				url: url.clone(),
				keystore: paths.keystore.clone(),
				replay: paths.replay.clone(),
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
		Command::Load { url, readings, transfers, node_pid } => {
			energy_gateway::load::run(&url, readings, transfers, node_pid).await.map(|_| ())
		},
		Command::Status { store } => {
			let queue = Queue::open(&store)?;
			gateway::print_progress(0, queue.backlog()?, &queue.counters()?);
			Ok(())
		},
	}
}
