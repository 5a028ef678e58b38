//! `energy-ems`: a home's energy management planner on the command line.
//!
//! - `energy-ems plan --home ems/examples/home.toml` prints the schedule per appliance, the
//!   rows it cannot meet, the cost against an unmanaged home and the orders (`--json` for the
//!   whole plan as JSON).
//! - `energy-ems bench --home ems/examples/home.toml` plans the home for many perturbed days
//!   and prints plans per second.

mod bench;
mod home;
mod render;

use anyhow::{anyhow, Result};
use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser)]
#[command(name = "energy-ems", about = "A home's energy management planner")]
struct Cli {
	#[command(subcommand)]
	command: Command,
}

#[derive(Subcommand)]
enum Command {
	/// Plans a home's appliances for its day and prints the plan.
	Plan {
		/// The home file (TOML or JSON): `[day]` forecasts and prices, `[[appliance]]` rows.
		#[arg(long)]
		home: PathBuf,
		/// Print the plan as JSON instead of text.
		#[arg(long)]
		json: bool,
		/// The currency's name, for the text output.
		#[arg(long, default_value = "CEUR")]
		currency: String,
		/// Decimals of the balance unit prices are quoted in (the chain's: 6).
		#[arg(long, default_value_t = 6)]
		decimals: u32,
	},
	/// Plans the home for `--plans` days with perturbed prices and PV; prints plans per second.
	Bench {
		/// The home file.
		#[arg(long)]
		home: PathBuf,
		/// How many plans to time.
		#[arg(long, default_value_t = 2_000)]
		plans: usize,
	},
}

fn main() -> Result<()> {
	match Cli::parse().command {
		Command::Plan { home, json, currency, decimals } => {
			let file = home::HomeFile::read(&home)?;
			let (appliances, day) = (file.appliances()?, file.day());
			let plan = energy_ems::plan(&appliances, &day)
				.map_err(|e| anyhow!("{home:?}: the day cannot be planned: {e:?}"))?;
			if json {
				println!("{}", serde_json::to_string_pretty(&plan)?);
			} else {
				print!("{}", render::text(&appliances, &day, &plan, &currency, decimals));
			}
		},
		Command::Bench { home, plans } => {
			let file = home::HomeFile::read(&home)?;
			print!("{}", bench::run(&file.appliances()?, &file.day(), plans)?);
		},
	}
	Ok(())
}
