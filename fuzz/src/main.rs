//! `energy-fuzz`: a fuzzing campaign against the whole runtime. Prints calls, blocks, calls/s,
//! breaks and panics, then the per-call and per-reading tables; exits 1 if anything broke.

use clap::Parser;
use energy_fuzz::{run, Campaign};
use indicatif::{ProgressBar, ProgressStyle};

/// A fuzzing campaign against the energy runtime.
#[derive(Parser)]
#[command(version, about)]
struct Args {
	/// Transactions in all.
	#[arg(long, default_value_t = 1_000_000)]
	calls: u64,
	/// The campaign's seed.
	#[arg(long, default_value_t = 1)]
	seed: u64,
	/// Transactions per episode (each from a fresh genesis).
	#[arg(long, default_value_t = 1_000)]
	episode_calls: u64,
	/// Threads running episodes side by side.
	#[arg(long, default_value_t = std::thread::available_parallelism().map_or(1, |n| n.get()))]
	threads: usize,
	/// Replays one episode by its seed (from a finding) instead of a campaign.
	#[arg(long)]
	episode_seed: Option<u64>,
}

fn main() -> std::process::ExitCode {
	let args = Args::parse();
	if let Some(seed) = args.episode_seed {
		return match energy_fuzz::episode::run(seed, args.episode_calls) {
			Ok(outcome) => {
				println!("calls {}, blocks {}", outcome.calls, outcome.blocks);
				println!("{}", outcome.calls_tally.table("call"));
				match outcome.broken {
					Some(finding) => {
						println!("BROKEN at block {}: {}", finding.block, finding.what);
						std::process::ExitCode::FAILURE
					},
					None => std::process::ExitCode::SUCCESS,
				}
			},
			Err(error) => {
				eprintln!("{error}");
				std::process::ExitCode::FAILURE
			},
		};
	}
	let mut campaign = Campaign::new(args.seed, args.calls);
	campaign.episode_calls = args.episode_calls;
	campaign.threads = args.threads;
	let bar = ProgressBar::new(args.calls);
	bar.set_style(
		ProgressStyle::with_template(
			"{elapsed_precise} [{bar:40}] {human_pos}/{human_len} calls ({per_sec}, eta {eta})",
		)
		.unwrap_or_else(|_| ProgressStyle::default_bar())
		.progress_chars("=> "),
	);
	let outcome = run(&campaign, |calls| bar.inc(calls));
	bar.finish_and_clear();
	println!("energy-fuzz: seed {}, {} threads", args.seed, campaign.threads);
	print!("{}", outcome.report());
	if outcome.breaks.is_empty() && outcome.panics.is_empty() {
		std::process::ExitCode::SUCCESS
	} else {
		std::process::ExitCode::FAILURE
	}
}
