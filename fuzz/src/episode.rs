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
	play(seed, calls).map(|(outcome, _)| outcome)
}

/// [`run`], returning the chain as the episode left it as well (a random history of every
/// call, for tests that need such a state, e.g. of runtime upgrades).
pub fn play(seed: u64, calls: u64) -> Result<(EpisodeOutcome, NativeChain), HarnessError> {
	let mut rng = ChaCha8Rng::seed_from_u64(seed);
	let actors = Actors::new();
	let rule = [ClearingRule::AverageBid, ClearingRule::UniformPrice, ClearingRule::PayAsBid]
		[rng.gen_range(0..3)];
	let mut chain = NativeChain::genesis(&actors.genesis_config(rule))?;
	let mut memory = Memory::new(&actors, chain.genesis_hash());
	let mut outcome = EpisodeOutcome::default();
	let mut now = START_MS;
	while outcome.calls < calls {
		now += SLOT_DURATION
			* match rng.gen_range(0..1000u32) {
				0..=849 => 1,
				850..=969 => rng.gen_range(2..10),
				970..=994 => rng.gen_range(10..600),
				_ => rng.gen_range(600..60_000),
			};
		let in_block = rng.gen_range(0..=10u64).min(calls - outcome.calls);
		let issuance_before = chain.with_state(pallet_balances::TotalIssuance::<Runtime>::get);
		let (calls_tally, readings_tally) = (&mut outcome.calls_tally, &mut outcome.readings_tally);
		let in_block_broken = chain.block(now, |builder| -> Result<(), String> {
			for _ in 0..in_block {
				let action = actions::draw(&mut rng, &actors, &mut memory);
				let (label, xt, sudo) = transaction(&actors, action.tx);
				let Ok(xt) = xt else { continue };
				let events_before = System::event_count();
				// One call in eight: a failed dispatch must change no energy pallet's storage.
				let digests = rng.gen_ratio(1, 8).then(invariants::energy_digests);
				let result = builder.apply(xt);
				let events: Vec<RuntimeEvent> = System::read_events_no_consensus()
					.skip(events_before as usize)
					.map(|record| record.event)
					.collect();
				let outcome_name = outcome_name(&result, sudo, &events);
				calls_tally.add(&label, &outcome_name);
				let dispatch_failed = result.is_ok() && outcome_name != "ok";
				if let Some(before) = digests.filter(|_| dispatch_failed) {
					invariants::failed_call_changed_nothing(&before, &label, &outcome_name)?;
				}
				if matches!(result, Ok(Ok(()))) {
					count_readings(readings_tally, &action.readings, &events);
					learn(&mut memory, &actors, &events);
				}
			}
			Ok(())
		})?;
		outcome.calls += in_block;
		outcome.blocks += 1;
		let number = chain.number();
		if let Err(what) = in_block_broken {
			outcome.broken = Some(Finding { seed, block: number, what });
			break;
		}
		let broken = chain.with_state(|| {
			let events: Vec<RuntimeEvent> =
				System::read_events_no_consensus().map(|record| record.event).collect();
			invariants::check(number, issuance_before, &events)
		});
		if let Err(what) = broken {
			outcome.broken = Some(Finding { seed, block: number, what });
			break;
		}
	}
	Ok((outcome, chain))
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
