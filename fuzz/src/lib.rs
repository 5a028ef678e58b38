#![doc = include_str!("../README.md")]

pub mod actions;
pub mod actors;
pub mod episode;
pub mod invariants;
pub mod stats;

use episode::{EpisodeOutcome, Finding};
use rayon::prelude::*;
use stats::Tally;
use std::time::{Duration, Instant};

/// A fuzzing run: `calls` transactions in episodes of `episode_calls` from fresh genesis
/// states, each episode's seed derived from `seed` and its index.
#[derive(Clone, Debug)]
pub struct Campaign {
	/// The run's seed: the same seed runs the same episodes.
	pub seed: u64,
	/// Transactions in all.
	pub calls: u64,
	/// Transactions per episode.
	pub episode_calls: u64,
	/// Threads running episodes side by side (1: in the calling thread).
	pub threads: usize,
	/// Re-open a seeded regression (a test-only hole) in every episode.
	#[cfg(feature = "regression")]
	pub reopen_hole: Option<Hole>,
}

impl Campaign {
	/// `calls` transactions from `seed` in episodes of 1,000, in the calling thread.
	pub fn new(seed: u64, calls: u64) -> Self {
		Campaign {
			seed,
			calls,
			episode_calls: 1_000,
			threads: 1,
			#[cfg(feature = "regression")]
			reopen_hole: None,
		}
	}

	/// The seed of episode `index`.
	pub fn episode_seed(&self, index: u64) -> u64 {
		let mut bytes = [0u8; 16];
		bytes[..8].copy_from_slice(&self.seed.to_le_bytes());
		bytes[8..].copy_from_slice(&index.to_le_bytes());
		let hash = sp_io::hashing::blake2_128(&bytes);
		u64::from_le_bytes([hash[0], hash[1], hash[2], hash[3], hash[4], hash[5], hash[6], hash[7]])
	}
}

/// The closed holes the `regression` feature can re-open.
#[cfg(feature = "regression")]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hole {
	/// `retire` of more than the caller holds saturates (the token ledger's `try_state` sees
	/// it).
	RetireBeyondHolding,
	/// A cancelled or dropped standing order's deposit stays on hold (only the fuzzer's hold
	/// invariant sees it once the member has no template left).
	StandingDepositKept,
}

/// What a run did.
#[derive(Default)]
pub struct Outcome {
	/// Transactions sent.
	pub calls: u64,
	/// Blocks authored.
	pub blocks: u64,
	/// Episodes run.
	pub episodes: u64,
	/// Per call: successes and failures by error.
	pub calls_tally: Tally,
	/// Per kind of reading: what the chain did with it.
	pub readings_tally: Tally,
	/// Broken invariants (each ends its episode).
	pub breaks: Vec<Finding>,
	/// Panics of the runtime (each ends its episode).
	pub panics: Vec<Finding>,
	/// Wall time.
	pub elapsed: Duration,
}

impl Outcome {
	fn absorb(&mut self, episode: EpisodeOutcome) {
		self.calls += episode.calls;
		self.blocks += episode.blocks;
		self.episodes += 1;
		self.calls_tally.merge(&episode.calls_tally);
		self.readings_tally.merge(&episode.readings_tally);
		self.breaks.extend(episode.broken);
	}

	/// Transactions per second of wall time.
	pub fn calls_per_second(&self) -> f64 {
		self.calls as f64 / self.elapsed.as_secs_f64().max(1e-9)
	}

	/// The report: the headline figures, then the per-call and per-reading tables.
	pub fn report(&self) -> String {
		let mut out = format!(
			"calls {}, blocks {}, episodes {}, {:.0} calls/s, breaks {}, panics {}\n",
			self.calls,
			self.blocks,
			self.episodes,
			self.calls_per_second(),
			self.breaks.len(),
			self.panics.len()
		);
		for finding in self.breaks.iter().chain(&self.panics).take(10) {
			out += &format!(
				"  episode seed {} block {}: {}\n",
				finding.seed, finding.block, finding.what
			);
		}
		out += "\n";
		out += &self.calls_tally.table("call");
		out += "\n";
		out += &self.readings_tally.table("reading in a batch");
		out
	}
}

/// Runs one episode, turning a panic of the runtime into a finding.
fn episode(campaign: &Campaign, index: u64, calls: u64) -> EpisodeOutcome {
	let seed = campaign.episode_seed(index);
	#[cfg(feature = "regression")]
	{
		let hole = campaign.reopen_hole;
		pallet_energy_tokens::regression::reopen_retire_beyond_holding(
			hole == Some(Hole::RetireBeyondHolding),
		);
		pallet_market::regression::reopen_keep_standing_deposit(
			hole == Some(Hole::StandingDepositKept),
		);
	}
	let run = std::panic::catch_unwind(|| episode::run(seed, calls));
	match run {
		Ok(Ok(outcome)) => outcome,
		Ok(Err(error)) => EpisodeOutcome {
			broken: Some(Finding { seed, block: 0, what: format!("harness: {error}") }),
			..Default::default()
		},
		Err(panic) => {
			let what = panic
				.downcast_ref::<String>()
				.cloned()
				.or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
				.unwrap_or_default();
			EpisodeOutcome {
				broken: Some(Finding { seed, block: 0, what: format!("PANIC {what}") }),
				..Default::default()
			}
		},
	}
}

/// Runs `campaign`, calling `progress` with the transactions done after each episode.
pub fn run(campaign: &Campaign, progress: impl Fn(u64) + Sync) -> Outcome {
	let started = Instant::now();
	let episodes = campaign.calls.div_ceil(campaign.episode_calls.max(1));
	let calls_of =
		|index: u64| campaign.episode_calls.min(campaign.calls - index * campaign.episode_calls);
	let mut outcome = Outcome::default();
	let results: Vec<EpisodeOutcome> = if campaign.threads <= 1 {
		(0..episodes)
			.map(|index| {
				let result = episode(campaign, index, calls_of(index));
				progress(result.calls);
				result
			})
			.collect()
	} else {
		let pool = rayon::ThreadPoolBuilder::new().num_threads(campaign.threads).build();
		let work = || {
			(0..episodes)
				.into_par_iter()
				.map(|index| {
					let result = episode(campaign, index, calls_of(index));
					progress(result.calls);
					result
				})
				.collect()
		};
		match pool {
			Ok(pool) => pool.install(work),
			Err(_) => work(),
		}
	};
	for result in results {
		let panicked = result.broken.as_ref().is_some_and(|f| f.what.starts_with("PANIC"));
		if panicked {
			outcome.panics.extend(result.broken.clone());
			outcome.episodes += 1;
		} else {
			outcome.absorb(result);
		}
	}
	outcome.elapsed = started.elapsed();
	outcome
}
