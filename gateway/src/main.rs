//! `energy-gateway`: the meter gateway of the energy chain and its key tool. The simulated smart
//! meter is `energy-meter`, the demo community `energy-demo`, the load tool `energy-load`.

use std::path::PathBuf;

use anyhow::Result;
use clap::{Parser, Subcommand};
use energy_gateway::{
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
	/// Queue readings (signed here from `--replay`, or by the meters over `--mqtt`) and submit
	/// them (runs until `--until-slot` or forever).
	Run(GatewayOptions),
	/// Manage the keystore file.
	#[command(subcommand)]
	Keys(KeysCommand),
	/// Print the queue's counters and backlog.
	Status {
		/// The queue database.
		#[arg(long)]
		store: PathBuf,
		/// As one JSON object (`produced`, `sent`, `accepted`, `already_on_chain`, `rejected`
		/// by reason, `backlog`), for scripts and monitoring.
		#[arg(long)]
		json: bool,
	},
}

#[derive(Subcommand)]
enum KeysCommand {
	/// Write the dev chain's demo keystore (`//Gateway`, meters 0 to 5).
	Dev {
		/// Where to write it (mode 600).
		#[arg(long)]
		out: PathBuf,
		/// Only the gateway account: for MQTT mode, where the meters sign for themselves
		/// (`energy-meter keys` writes theirs).
		#[arg(long)]
		without_meters: bool,
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
	energy_gateway::init_logging();
	match Cli::parse().command {
		Command::Run(options) => gateway::run(options).await,
		Command::Keys(KeysCommand::Dev { out, without_meters }) => {
			let mut content = keystore::dev_keystore();
			if without_meters {
				content.meters.clear();
			}
			keystore::save(&out, &content)
		},
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
		Command::Status { store, json } => {
			let queue = Queue::open(&store)?;
			if json {
				println!("{}", queue.status_json()?);
			} else {
				gateway::print_progress(0, queue.backlog()?, &queue.counters()?);
			}
			Ok(())
		},
	}
}
