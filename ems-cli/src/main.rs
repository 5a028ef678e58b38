//! `energy-ems`: a home's energy management planner on the command line.
//!
//! - `energy-ems plan --home ems/examples/home.toml` prints the schedule per appliance, the
//!   rows it cannot meet, the cost against an unmanaged home and the orders (`--json` for the
//!   whole plan as JSON).
//! - `energy-ems year --home ems/examples/home.toml --out year/` plans every day of 2016 with
//!   the home's prices and real base-load and PV profiles, against the same days unmanaged.
//! - `energy-ems bench --home ems/examples/home.toml` plans the home for many perturbed days
//!   and prints plans per second.

mod bench;
mod home;
mod render;
mod year;

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
		/// Print the appliances, the day's first hour and the plan as JSON instead of text
		/// (the dashboard's home plan view reads it).
		#[arg(long)]
		json: bool,
		/// The currency's name, for the text output.
		#[arg(long, default_value = "CEUR")]
		currency: String,
		/// Decimals of the balance unit prices are quoted in (the chain's: 6).
		#[arg(long, default_value_t = 6)]
		decimals: u32,
	},
	/// Plans every day of the profiles' year (2016) with the home's appliances and prices, the
	/// base load and PV from real profiles; prints the year against the same days unmanaged.
	Year {
		/// The home file: its appliances, and its `[day]` prices as a daily tariff.
		#[arg(long)]
		home: PathBuf,
		/// The hourly profile table.
		#[arg(long, default_value = "data/simbench_2016_hourly.csv")]
		profiles: PathBuf,
		/// Load profile of the base load (the home's consumption outside its appliances).
		#[arg(long, default_value = "H0-A")]
		load: String,
		/// The base load's annual energy, kWh.
		#[arg(long, default_value_t = 2_000.0)]
		annual_kwh: f64,
		/// PV profile.
		#[arg(long, default_value = "PV1")]
		pv: String,
		/// The roof's capacity, kWp (0 for none).
		#[arg(long, default_value_t = 6.0)]
		kwp: f64,
		/// Plan only the year's first days.
		#[arg(long)]
		days: Option<usize>,
		/// Writes `year.csv` (a row per day), `year.svg` (the monthly cost) and `peak.svg`
		/// (each day's highest hourly import) here.
		#[arg(long)]
		out: Option<PathBuf>,
		/// The currency's name, for the text output.
		#[arg(long, default_value = "CEUR")]
		currency: String,
		/// Decimals of the balance unit.
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
				let out = serde_json::json!({
					"start_hour": day.start_hour,
					"appliances": appliances,
					"plan": plan,
				});
				println!("{}", serde_json::to_string_pretty(&out)?);
			} else {
				print!("{}", render::text(&appliances, &day, &plan, &currency, decimals));
			}
		},
		Command::Year {
			home,
			profiles,
			load,
			annual_kwh,
			pv,
			kwp,
			days,
			out,
			currency,
			decimals,
		} => {
			let file = home::HomeFile::read(&home)?;
			let profiles = energy_profiles::Profiles::read(&profiles)?;
			let source =
				year::Source { profiles: &profiles, load: &load, annual_kwh, pv: &pv, kwp, days };
			let results = year::run(&file.appliances()?, &file.day(), &source)?;
			print!("{}", year::summary(&results, &currency, decimals));
			if let Some(dir) = out {
				year::write(&dir, &results, &currency, decimals)?;
				println!("\nwrote year.csv, year.svg and peak.svg into {}", dir.display());
			}
		},
		Command::Bench { home, plans } => {
			let file = home::HomeFile::read(&home)?;
			print!("{}", bench::run(&file.appliances()?, &file.day(), plans)?);
		},
	}
	Ok(())
}
