//! One episode: a fresh chain from genesis, blocks of random transactions at random times,
//! every invariant checked after every block.

use crate::{
	actions::{self, Memory, Tx},
	actors::Actors,
	invariants,
	stats::Tally,
};
use energy_runtime::{
	AllPalletsWithSystem, Runtime, RuntimeCall, RuntimeEvent, System, SLOT_DURATION,
};
use energy_runtime_harness::{authorized, signed, HarnessError, NativeChain};
use frame_support::traits::{GetCallMetadata, PalletsInfoAccess};
use pallet_market::ClearingRule;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sp_runtime::{transaction_validity::TransactionValidityError, DispatchError, MultiSignature};

/// The first block's time: 2026-01-01 00:00 UTC.
const START_MS: u64 = 1_767_225_600_000;

/// A broken invariant or a panic, with what reproduces it.
#[derive(Clone, Debug)]
pub struct Finding {
	/// The episode's seed (`energy-fuzz --episode-seed` replays it).
	pub seed: u64,
	/// The block it appeared in.
	pub block: u32,
	/// What broke.
	pub what: String,
}

/// What one episode did.
#[derive(Default)]
pub struct EpisodeOutcome {
	/// Transactions sent.
	pub calls: u64,
	/// Blocks authored.
	pub blocks: u64,
	/// Per call: successes and failures by error.
	pub calls_tally: Tally,
	/// Per kind of reading: what the chain did with it.
	pub readings_tally: Tally,
	/// The broken invariant that ended the episode, if any.
	pub broken: Option<Finding>,
}

/// Runs an episode of `calls` transactions from seed `seed`. A panic of the runtime ends it
/// and propagates (the caller catches it).
pub fn run(seed: u64, calls: u64) -> Result<EpisodeOutcome, HarnessError> {
	let mut episode = Episode::new(seed)?;
	episode.play(calls)?;
	Ok(episode.outcome)
}

/// A chain being fuzzed: its state, the fuzzer's random source and memory, and what happened.
pub struct Episode {
	seed: u64,
	rng: ChaCha8Rng,
	actors: Actors,
	memory: Memory,
	chain: NativeChain,
	now: u64,
	/// What the episode did so far.
	pub outcome: EpisodeOutcome,
}

impl Episode {
	/// A fresh chain from genesis (the clearing rule drawn from `seed`).
	pub fn new(seed: u64) -> Result<Self, HarnessError> {
		let mut rng = ChaCha8Rng::seed_from_u64(seed);
		let actors = Actors::new();
		let rule = [ClearingRule::AverageBid, ClearingRule::UniformPrice, ClearingRule::PayAsBid]
			[rng.gen_range(0..3)];
		let chain = NativeChain::genesis(&actors.genesis_config(rule))?;
		let memory = Memory::new(&actors, chain.genesis_hash());
		Ok(Episode {
			seed,
			rng,
			actors,
			memory,
			chain,
			now: START_MS,
			outcome: EpisodeOutcome::default(),
		})
	}

	/// The episode without sealed auctions: governance never seals, members never commit or
	/// reveal (a history of a chain from before sealed auctions, for the upgrade tests).
	pub fn without_sealed_auctions(mut self) -> Self {
		self.memory.sealed_auctions = false;
		self
	}

	/// The chain (to read or change its state between blocks).
	pub fn chain(&mut self) -> &mut NativeChain {
		&mut self.chain
	}

	/// Authors blocks until `calls` more transactions were sent or an invariant broke.
	pub fn play(&mut self, calls: u64) -> Result<(), HarnessError> {
		let target = self.outcome.calls + calls;
		while self.outcome.calls < target && self.outcome.broken.is_none() {
			let in_block = self.rng.gen_range(0..=10u64).min(target - self.outcome.calls);
			self.block(in_block)?;
		}
		Ok(())
	}

	/// Authors one block with `calls` random transactions, at a random time after the last
	/// one, and checks every invariant after it (a break is recorded in the outcome).
	pub fn block(&mut self, calls: u64) -> Result<(), HarnessError> {
		let rng = &mut self.rng;
		self.now += SLOT_DURATION
			* match rng.gen_range(0..1000u32) {
				0..=849 => 1,
				850..=969 => rng.gen_range(2..10),
				970..=994 => rng.gen_range(10..600),
				_ => rng.gen_range(600..60_000),
			};
		let issuance_before = self.chain.with_state(pallet_balances::TotalIssuance::<Runtime>::get);
		let (actors, memory, outcome) = (&self.actors, &mut self.memory, &mut self.outcome);
		let in_block_broken = self.chain.block(self.now, |builder| -> Result<(), String> {
			for _ in 0..calls {
				let action = actions::draw(rng, actors, memory);
				let (label, xt, sudo) = transaction(actors, action.tx);
				let Ok(xt) = xt else { continue };
				let events_before = System::event_count();
				// One call in eight: which energy pallets' storage it changed.
				let digests = rng.gen_ratio(1, 8).then(invariants::energy_digests);
				let result = builder.apply(xt);
				let events: Vec<RuntimeEvent> = System::read_events_no_consensus()
					.skip(events_before as usize)
					.map(|record| record.event)
					.collect();
				let outcome_name = outcome_name(&result, sudo, &events);
				outcome.calls_tally.add(&label, &outcome_name);
				if let (Some(before), Ok(_)) = (digests, &result) {
					let may_change = invariants::may_change(&label, outcome_name == "ok", &events);
					invariants::changed_only(&before, may_change, &label, &outcome_name)?;
				}
				if matches!(result, Ok(Ok(()))) {
					count_readings(&mut outcome.readings_tally, &action.readings, &events);
					learn(memory, actors, &events);
				}
			}
			Ok(())
		})?;
		self.outcome.calls += calls;
		self.outcome.blocks += 1;
		let number = self.chain.number();
		let broken = in_block_broken.and_then(|()| {
			self.chain.with_state(|| {
				let events: Vec<RuntimeEvent> =
					System::read_events_no_consensus().map(|record| record.event).collect();
				invariants::check(number, issuance_before, &events)
			})
		});
		if let Err(what) = broken {
			self.outcome.broken = Some(Finding { seed: self.seed, block: number, what });
		}
		Ok(())
	}
}

/// The extrinsic of a transaction, its label and whether it is a sudo call.
fn transaction(
	actors: &Actors,
	tx: Tx,
) -> (String, Result<energy_runtime::UncheckedExtrinsic, HarnessError>, bool) {
	match tx {
		Tx::Signed { signer, call, nonce_offset, corrupt } => {
			let (label, sudo) = label(&call);
			let key = &actors.accounts[signer].key;
			let nonce = System::account_nonce(actors.account(signer));
			let nonce = (i64::from(nonce) + nonce_offset).max(0) as u32;
			let xt = signed(call, key, nonce).map(|mut xt| {
				if corrupt {
					if let sp_runtime::generic::Preamble::Signed(
						_,
						MultiSignature::Sr25519(signature),
						_,
					) = &mut xt.preamble
					{
						signature.0[0] ^= 1;
					}
				}
				xt
			});
			(label, xt, sudo)
		},
		Tx::Authorized(call) => (label(&call).0, Ok(authorized(call)), false),
	}
}

/// `Pallet.call`, and whether it is wrapped in sudo (a sudo call is counted as the call it
/// wraps: its row shows the manager's successes and everyone else's `Sudo::RequireSudo`).
fn label(call: &RuntimeCall) -> (String, bool) {
	let name = |call: &RuntimeCall| {
		let meta = call.get_call_metadata();
		format!("{}.{}", meta.pallet_name, meta.function_name)
	};
	match call {
		RuntimeCall::Sudo(pallet_sudo::Call::sudo { call: inner }) => (name(inner), true),
		_ => (name(call), false),
	}
}

/// "ok", the dispatch error's name (`Pallet::Error`), or the transaction's refusal
/// (`invalid: …`); for a sudo call, the inner call's result.
fn outcome_name(
	result: &sp_runtime::ApplyExtrinsicResult,
	sudo: bool,
	events: &[RuntimeEvent],
) -> String {
	match result {
		Err(TransactionValidityError::Invalid(invalid)) => format!("invalid: {invalid:?}"),
		Err(TransactionValidityError::Unknown(unknown)) => format!("unknown: {unknown:?}"),
		Ok(Err(error)) => error_name(error),
		Ok(Ok(())) if sudo => events
			.iter()
			.find_map(|event| match event {
				RuntimeEvent::Sudo(pallet_sudo::Event::Sudid { sudo_result }) => {
					Some(sudo_result.map_or_else(|error| error_name(&error), |()| "ok".into()))
				},
				_ => None,
			})
			.unwrap_or_else(|| "ok".into()),
		Ok(Ok(())) => "ok".into(),
	}
}

/// `Pallet::Error` of a module error (named from the runtime's error type, so that errors
/// decoded from events are named too), the variant's name otherwise.
fn error_name(error: &DispatchError) -> String {
	match error {
		DispatchError::Module(module) => {
			match energy_runtime::RuntimeError::from_dispatch_error(*error) {
				// `Market(InvalidSchedule)` → `Market::InvalidSchedule`
				Some(runtime_error) => {
					let debug = format!("{runtime_error:?}");
					let name = debug.split('(').take(2).collect::<Vec<_>>().join("::");
					name.trim_end_matches(')').to_string()
				},
				None => {
					let pallet = AllPalletsWithSystem::infos()
						.into_iter()
						.find(|info| info.index == module.index as usize)
						.map_or("?", |info| info.name);
					format!("{pallet}::{:?}", module.error)
				},
			}
		},
		other => format!("{other:?}"),
	}
}

/// Counts each reading of a batch by its kind and what the chain did with it.
fn count_readings(
	tally: &mut Tally,
	readings: &[(u32, u64, actions::ReadingKind)],
	events: &[RuntimeEvent],
) {
	for (meter, sequence, kind) in readings {
		let outcome = events.iter().find_map(|event| match event {
			RuntimeEvent::Meters(pallet_meters::Event::ReadingAccepted {
				meter: m,
				sequence: s,
				..
			}) if m == meter && s == sequence => Some("ok".to_string()),
			RuntimeEvent::Meters(pallet_meters::Event::ReadingRejected {
				meter: m,
				sequence: s,
				reason,
			}) if m == meter && s == sequence => Some(format!("{reason:?}")),
			_ => None,
		});
		// No event: an exact copy of the meter's last accepted reading, skipped as a duplicate.
		tally.add(&format!("{kind:?}"), outcome.as_deref().unwrap_or("duplicate"));
	}
}

/// Remembers the keys of meters the manager installed or rotated (runs in the block's state).
fn learn(memory: &mut Memory, actors: &Actors, events: &[RuntimeEvent]) {
	for event in events {
		let (id, key) = match event {
			RuntimeEvent::Meters(pallet_meters::Event::MeterRegistered { meter, .. }) => {
				match actions::meter_record(*meter) {
					Some((_, record)) => (*meter, record.key),
					None => continue,
				}
			},
			RuntimeEvent::Meters(pallet_meters::Event::MeterKeyRotated { meter, key }) => {
				(*meter, *key)
			},
			_ => continue,
		};
		let found = actors.spare_meter_keys.iter().find(|pair| {
			energy_primitives::MeterPublicKey::Ed25519(sp_core::Pair::public(*pair)) == key
		});
		if let Some(pair) = found {
			memory.meter_keys.insert(id, *pair);
		}
	}
}
