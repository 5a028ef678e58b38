//! `energy-sim`: a community year on the chain's own runtime. See the crate's README.

use std::{
	path::{Path, PathBuf},
	process::ExitCode,
	time::Instant,
};

use anyhow::{Context, Result};
use clap::Parser;
use energy_sim::{
	community::{Community, CommunityFile, Strategy},
	parse_rules, prepare,
	profiles::Profiles,
	report, rule_name, simulate,
	study::{self, StudySpec},
	study_report, RuleResult,
};
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};

/// Runs a community over a span of hourly slots on the energy runtime and reports each
/// member's cost against its baseline under one or all clearing rules.
#[derive(Debug, Parser)]
#[command(name = "energy-sim", version)]
struct Args {
	/// The community (TOML or JSON); without it one is generated from `--members`.
	#[arg(long, conflicts_with_all = ["members", "prosumers", "seed", "strategy"])]
	community: Option<PathBuf>,
	/// Members of a generated community.
	#[arg(long, default_value_t = 50)]
	members: usize,
	/// Share of a generated community's members with PV.
	#[arg(long, default_value_t = 0.4)]
	prosumers: f64,
	/// How a generated community's members trade: forecast, fixed or none.
	#[arg(long, value_enum, default_value = "forecast")]
	strategy: StrategyArg,
	/// Seed of a generated community.
	#[arg(long, default_value_t = 1)]
	seed: u64,
	/// The clearing rule: average-bid, uniform, pay-as-bid, or all (side by side).
	#[arg(long, default_value = "all")]
	rule: String,
	/// Run the first N days only (default: the whole data year).
	#[arg(long)]
	days: Option<usize>,
	/// The profile data.
	#[arg(long)]
	data: Option<PathBuf>,
	/// Where the report goes.
	#[arg(long, default_value = "sim-report")]
	out: PathBuf,
	/// Refit the forecasters every this many slots (the off-chain worker: 1).
	#[arg(long, default_value_t = 24)]
	refit_every: usize,
	/// A flexibility study: the span three times under one rule (`uniform` unless `--rule`
	/// names one), the members' flexible appliances unmanaged, planned by their homes' EMS, and
	/// planned with the DSO's requests at the top peak hours. Members without appliances get
	/// typical ones, drawn from `--seed` (in a `--community` file: from seed 1).
	#[arg(long)]
	flexibility: bool,
	/// The DSO's event hours in a flexibility study: it requests the hours whose forecast
	/// community net import (the chain's forecasts) is above the forecast of this rank in the
	/// span, so about this many.
	#[arg(long, default_value_t = 50)]
	dso_top_hours: usize,
	/// What the DSO pays per kWh reduced in a flexibility study, CEUR.
	#[arg(long, default_value_t = 0.30)]
	dso_price: f64,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum StrategyArg {
	Forecast,
	Fixed,
	None,
}

fn main() -> ExitCode {
	match run() {
		Ok(true) => ExitCode::SUCCESS,
		Ok(false) => {
			eprintln!("energy-sim: a conservation check FAILED (see above and report.md)");
			ExitCode::from(2)
		},
		Err(error) => {
			eprintln!("energy-sim: {error:#}");
			ExitCode::FAILURE
		},
	}
}

/// The data file: `--data`, else `data/simbench_2016_hourly.csv` here or in the repository.
fn data_path(arg: Option<PathBuf>) -> PathBuf {
	arg.unwrap_or_else(|| {
		let here = PathBuf::from("data/simbench_2016_hourly.csv");
		if here.exists() {
			here
		} else {
			Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/simbench_2016_hourly.csv")
		}
	})
}

fn run() -> Result<bool> {
	let started = Instant::now();
	let args = Args::parse();
	let command = std::env::args().collect::<Vec<_>>().join(" ");
	let rules = parse_rules(&args.rule)?;
	let profiles = Profiles::read(&data_path(args.data.clone()))?;
	let file = match &args.community {
		Some(path) => CommunityFile::read(path)?,
		None => {
			let strategy = match args.strategy {
				StrategyArg::Forecast => Strategy::Forecast,
				StrategyArg::Fixed => Strategy::Fixed,
				StrategyArg::None => Strategy::None,
			};
			CommunityFile::generate(args.members, args.prosumers, strategy, args.seed)
		},
	};
	let mut file = file;
	if args.flexibility {
		file.equip(args.seed);
	}
	let community = Community::new(file, &profiles)?;
	let slots = args.days.map_or(profiles.hours(), |days| days * 24).min(profiles.hours());
	if args.flexibility {
		let rule = match rules.as_slice() {
			[rule] => *rule,
			_ => pallet_market::ClearingRule::UniformPrice,
		};
		let spec = StudySpec {
			rule,
			slots,
			refit_every: args.refit_every,
			top_hours: args.dso_top_hours,
			price_ceur_per_kwh: args.dso_price,
		};
		return flexibility_study(&community, spec, &args.out, &command, started);
	}
	let bars = MultiProgress::new();
	let meters: u64 = community.members.iter().map(|m| 1 + m.spec.is_prosumer() as u64).sum();
	let forecasting = bars.add(bar(meters, "forecasts", "meters"));
	let prepared = prepare(community, slots, args.refit_every, || forecasting.inc(1))
		.context("preparing the community")?;
	forecasting.finish_with_message(format!("forecasts made in {:.1} s", prepared.forecast_s));

	let results: Vec<Result<RuleResult>> = std::thread::scope(|scope| {
		let handles: Vec<_> = rules
			.iter()
			.map(|rule| {
				let progress = bars.add(bar(slots as u64, rule_name(*rule), "slots"));
				let prepared = &prepared;
				scope.spawn(move || {
					let result =
						simulate(prepared, *rule, |done| progress.set_position(done as u64));
					progress.finish();
					result
				})
			})
			.collect();
		handles.into_iter().map(|h| h.join().expect("a rule's thread panicked")).collect()
	});
	let results: Vec<RuleResult> = results.into_iter().collect::<Result<_>>()?;
	report::write(&args.out, &prepared, &results, &command)?;

	println!(
		"\n{} members, {} slots ({:.0} days):",
		prepared.community.members.len(),
		slots,
		slots as f64 / 24.0
	);
	for result in &results {
		let c = &result.summary.community;
		println!(
			"  {:<12} net cost {:>10.2} CEUR, baseline {:>10.2} CEUR, saving {:>8.2} CEUR ({:.2} %), P2P {:.0} kWh, {} members worse off",
			rule_name(result.rule),
			c.net_cost,
			c.baseline,
			c.saving,
			c.saving_percent,
			c.p2p_kwh,
			c.worse_off.len()
		);
	}
	println!("\nconservation checks:");
	let mut passed = true;
	for result in &results {
		for check in &result.checks {
			passed &= check.passed;
			println!(
				"  [{}] {:<12} {}: {}",
				if check.passed { "ok" } else { "FAILED" },
				rule_name(result.rule),
				check.name,
				check.detail
			);
		}
	}
	println!(
		"\nwhere the time went: forecasts {:.1} s (once, {} meters, 2 cores)",
		prepared.forecast_s, meters
	);
	for result in &results {
		let t = &result.timings;
		println!(
			"  {:<12} {:.0} slots/s: genesis {:.1} s, meters signing {:.1} s, {} blocks {:.1} s, recording {:.1} s, checks {:.1} s",
			rule_name(result.rule),
			report::slots_per_s(&prepared, result),
			t.genesis_s,
			t.signing_s,
			t.blocks,
			t.blocks_s,
			t.recording_s,
			result.checks_s
		);
	}
	println!(
		"total {:.1} s ({} side by side); report in {}",
		started.elapsed().as_secs_f64(),
		if results.len() == 1 { "one rule".to_owned() } else { format!("{} rules", results.len()) },
		args.out.join("report.md").display()
	);
	Ok(passed)
}

/// Progress bars of a flexibility study.
struct StudyBars {
	planning: ProgressBar,
	forecasting: ProgressBar,
	runs: Vec<ProgressBar>,
}

impl study::Progress for StudyBars {
	fn day_planned(&self) {
		self.planning.inc(1)
	}
	fn meter_forecast(&self) {
		self.forecasting.inc(1)
	}
	fn slots_done(&self, scenario: usize, slots: usize) {
		self.runs[scenario].set_position(slots as u64)
	}
}

/// Runs and reports a flexibility study.
fn flexibility_study(
	community: &Community,
	spec: StudySpec,
	out: &Path,
	command: &str,
	started: Instant,
) -> Result<bool> {
	let bars = MultiProgress::new();
	let days = spec.slots.div_ceil(24) as u64;
	let meters: u64 = community.members.iter().map(|m| 1 + m.spec.is_prosumer() as u64).sum();
	let progress = StudyBars {
		planning: bars.add(bar(3 * days, "home plans", "days")),
		forecasting: bars.add(bar(2 * meters, "forecasts", "meters")),
		runs: ["unmanaged", "ems", "ems-dr"]
			.iter()
			.map(|name| bars.add(bar(spec.slots as u64, name, "slots")))
			.collect(),
	};
	let study = study::run(community, spec, &progress)?;
	let figures = study::figures(&study);
	study_report::write(out, &study, &figures, command)?;
	println!("{}", study_report::markdown(&study, &figures, command));
	let mut passed = true;
	for scenario in &study.scenarios {
		for check in &scenario.result.checks {
			passed &= check.passed;
			println!(
				"  [{}] {:<10} {}: {}",
				if check.passed { "ok" } else { "FAILED" },
				scenario.name,
				check.name,
				check.detail
			);
		}
	}
	println!(
		"homes planned in {:.1} s; total {:.1} s; report in {}",
		study.planning_s,
		started.elapsed().as_secs_f64(),
		out.join("flexibility.md").display()
	);
	Ok(passed)
}

/// A progress bar of `len` `unit` with rate and time left.
fn bar(len: u64, name: &str, unit: &str) -> ProgressBar {
	let style = ProgressStyle::with_template(&format!(
		"{{prefix:>12}} [{{bar:40}}] {{pos}}/{{len}} {unit} ({{per_sec}}, {{eta}} left) {{msg}}"
	))
	.unwrap_or_else(|_| ProgressStyle::default_bar())
	.progress_chars("=> ");
	ProgressBar::new(len).with_style(style).with_prefix(name.to_owned())
}
