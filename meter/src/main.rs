//! `energy-meter`: simulated smart meters that sign their own readings and publish them over
//! MQTT to the meter gateway (`energy-gateway run --mqtt …`), as meters with a secure element
//! do. See the README.

mod device;

use std::path::PathBuf;

use anyhow::Result;
use clap::{Parser, Subcommand};
use energy_gateway::{
	keystore::{self, MeterKeysFile},
	queue::Queue,
};

#[derive(Parser)]
#[command(version, about = "Simulated smart meters of the energy chain (MQTT)")]
struct Cli {
	#[command(subcommand)]
	command: Command,
}

#[derive(Subcommand)]
enum Command {
	/// Read, sign and publish the meters' readings slot by slot (until `--until-slot` or forever).
	Run(device::MeterOptions),
	/// Write the dev chain's meter keys (meters 0 to 5, `//meter//<id>`; ed25519 for meter 2).
	Keys {
		/// Where to write them (mode 600).
		#[arg(long)]
		out: PathBuf,
	},
	/// Print the outbox's counters.
	Status {
		/// The meters' store.
		#[arg(long)]
		store: PathBuf,
		/// As one JSON object (`produced`: readings made, `acknowledged`, `backlog`: outbox).
		#[arg(long)]
		json: bool,
	},
}

#[tokio::main]
async fn main() -> Result<()> {
	energy_gateway::init_logging();
	match Cli::parse().command {
		Command::Run(options) => device::run(options).await,
		Command::Keys { out } => keystore::save_meter_keys(
			&out,
			&MeterKeysFile { meters: keystore::dev_keystore().meters },
		),
		Command::Status { store, json } => {
			let outbox = Queue::open(&store)?;
			if json {
				println!("{}", outbox.status_json()?);
			} else {
				let counters = outbox.counters()?;
				println!(
					"read {}, acknowledged {}, outbox {}",
					counters.produced,
					counters.acknowledged,
					outbox.backlog()?
				);
			}
			Ok(())
		},
	}
}
