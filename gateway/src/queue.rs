//! The gateway's durable queue, in a redb database file: each meter's state (sequence, last
//! slot, registers), the signed readings not yet seen finalized, and the outcome counters.
//!
//! A reading is signed and written here in one transaction before it is ever sent, and removed
//! only when a finalized block shows its outcome (or the chain's page shows the meter past its
//! sequence). Killing the gateway at any point therefore loses nothing; resubmitting after a
//! restart duplicates nothing, because the chain applies a sequence number once.

use std::{collections::BTreeMap, path::Path};

use anyhow::{bail, Context, Result};
use codec::{Decode, Encode};
use redb::{
	Database, Durability, ReadableDatabase, ReadableTable, ReadableTableMetadata, TableDefinition,
};

use energy_primitives::reading::{MeterReading, SignedReading};

use crate::{intake::Refusal, keystore::MeterKey, signing};

/// Meter id → SCALE-encoded [`MeterState`].
const METERS: TableDefinition<u32, &[u8]> = TableDefinition::new("meters");
/// `(meter, sequence)` → SCALE-encoded signed reading, until its outcome is final.
const PENDING: TableDefinition<(u32, u64), &[u8]> = TableDefinition::new("pending");
/// Counter name → value.
const COUNTERS: TableDefinition<&str, u64> = TableDefinition::new("counters");
/// Settings fixed at the first run (genesis hash, clock anchor).
const SETTINGS: TableDefinition<&str, &[u8]> = TableDefinition::new("settings");

/// What the gateway remembers of a meter between slots.
#[derive(Clone, Copy, Debug, Decode, Default, Encode, Eq, PartialEq)]
pub struct MeterState {
	/// The sequence number of the last reading produced.
	pub sequence: u64,
	/// The last slot a reading was produced for (`None`: none yet).
	pub last_slot: Option<u32>,
	/// Cumulative import register, milliwatt-hours (the chain sees whole Wh).
	pub import_mwh: u64,
	/// Cumulative export register, milliwatt-hours.
	pub export_mwh: u64,
}

/// The outcome counters, as printed by the progress line and `energy-gateway status`.
#[derive(Clone, Debug, Default, Eq, PartialEq, serde::Serialize)]
pub struct Counters {
	/// Readings queued: signed with a keystore key, or received signed from a meter (MQTT).
	pub produced: u64,
	/// Readings sent in a batch (resubmissions count again).
	pub sent: u64,
	/// Readings a finalized block applied.
	pub accepted: u64,
	/// Readings found already applied (after a restart or a lost connection): an exact copy
	/// of the last accepted reading, an older sequence, or the chain's page past them.
	pub already_on_chain: u64,
	/// A meter's outbox only: readings the gateway acknowledged.
	pub acknowledged: u64,
	/// Readings the chain rejected, by reason.
	pub rejected: BTreeMap<String, u64>,
	/// Messages from meters the gateway refused before queueing (never sent), by reason
	/// ([`Refusal::name`]).
	pub refused: BTreeMap<String, u64>,
}

/// An outcome of one queued reading.
#[derive(Clone, Debug, Eq, PartialEq)]
pub enum Outcome {
	/// Applied by a finalized block.
	Accepted,
	/// The chain had it already.
	AlreadyOnChain,
	/// Rejected for this reason (the gateway drops it and counts it).
	Rejected(String),
}

/// The queue database.
pub struct Queue {
	db: Database,
}

impl Queue {
	/// Opens (or creates) the queue at `path`.
	pub fn open(path: &Path) -> Result<Self> {
		let db = Database::create(path).with_context(|| format!("opening {}", path.display()))?;
		let txn = db.begin_write()?;
		txn.open_table(METERS)?;
		txn.open_table(PENDING)?;
		txn.open_table(COUNTERS)?;
		txn.open_table(SETTINGS)?;
		txn.commit()?;
		Ok(Queue { db })
	}

	/// Returns the setting `name`, storing `value` first if it has none (so the first run
	/// fixes it). Fails if the stored value differs from `expected`, when given.
	pub fn setting_or_init(&self, name: &str, value: &[u8], must_equal: bool) -> Result<Vec<u8>> {
		let txn = self.db.begin_write()?;
		let stored = {
			let mut table = txn.open_table(SETTINGS)?;
			let existing = table.get(name)?.map(|v| v.value().to_vec());
			match existing {
				Some(stored) => stored,
				None => {
					table.insert(name, value)?;
					value.to_vec()
				},
			}
		};
		txn.commit()?;
		if must_equal && stored != value {
			bail!(
				"the queue belongs to another {name}: {} (use another --store)",
				hex::encode(&stored)
			);
		}
		Ok(stored)
	}

	/// The setting `name`, if set.
	pub fn setting(&self, name: &str) -> Result<Option<Vec<u8>>> {
		let txn = self.db.begin_read()?;
		let table = txn.open_table(SETTINGS)?;
		Ok(table.get(name)?.map(|value| value.value().to_vec()))
	}

	/// The state of `meter`, if the gateway has seen it.
	pub fn meter_state(&self, meter: u32) -> Result<Option<MeterState>> {
		let txn = self.db.begin_read()?;
		let table = txn.open_table(METERS)?;
		let Some(bytes) = table.get(meter)? else { return Ok(None) };
		Ok(Some(MeterState::decode(&mut bytes.value())?))
	}

	/// Records the states of the meters first seen (from the chain's page) that have none yet,
	/// in one transaction, and only if there is one (the page is read every cycle).
	pub fn init_meters(&self, states: &[(u32, MeterState)]) -> Result<()> {
		let missing: Vec<&(u32, MeterState)> = {
			let txn = self.db.begin_read()?;
			let table = txn.open_table(METERS)?;
			let mut missing = Vec::new();
			for entry in states {
				if table.get(entry.0)?.is_none() {
					missing.push(entry);
				}
			}
			missing
		};
		if missing.is_empty() {
			return Ok(());
		}
		let txn = self.db.begin_write()?;
		{
			let mut table = txn.open_table(METERS)?;
			for (meter, state) in missing {
				if table.get(*meter)?.is_none() {
					table.insert(*meter, state.encode().as_slice())?;
				}
			}
		}
		txn.commit()?;
		Ok(())
	}

	/// Records the state of a meter first seen (from the chain's page), if it has none yet.
	pub fn init_meter(&self, meter: u32, state: MeterState) -> Result<()> {
		let txn = self.db.begin_write()?;
		{
			let mut table = txn.open_table(METERS)?;
			if table.get(meter)?.is_none() {
				table.insert(meter, state.encode().as_slice())?;
			}
		}
		txn.commit()?;
		Ok(())
	}

	/// Meters the readings of the slots after each meter's last one up to `last_ended_slot`:
	/// `energy(meter, slot)` gives the slot's `(import, export)` in Wh. Each new reading is
	/// signed with the meter's key for the chain of `genesis` and queued, with the meter's new
	/// state, in one transaction. A meter that never reported starts at `last_ended_slot`; at
	/// most `max_catch_up` slots are metered per meter and call. Returns the readings queued.
	pub fn produce(
		&self,
		keys: &BTreeMap<u32, MeterKey>,
		genesis: &[u8; 32],
		last_ended_slot: u32,
		max_catch_up: u32,
		mut energy: impl FnMut(u32, u32) -> (f64, f64),
	) -> Result<Vec<SignedReading>> {
		let txn = self.db.begin_write()?;
		let mut produced = Vec::new();
		{
			let mut meters = txn.open_table(METERS)?;
			let mut pending = txn.open_table(PENDING)?;
			for (&meter, key) in keys {
				let mut state = match meters.get(meter)? {
					Some(bytes) => MeterState::decode(&mut bytes.value())?,
					None => continue, // not on the gateway's page yet
				};
				let first = match state.last_slot {
					Some(last) => last.saturating_add(1),
					None => last_ended_slot,
				};
				let last =
					last_ended_slot.min(first.saturating_add(max_catch_up.saturating_sub(1)));
				for slot in first..=last {
					let (import, export) = energy(meter, slot);
					state.import_mwh += (import * 1000.0).round() as u64;
					state.export_mwh += (export * 1000.0).round() as u64;
					state.sequence += 1;
					state.last_slot = Some(slot);
					let reading = MeterReading {
						meter,
						sequence: state.sequence,
						slot,
						import_wh: state.import_mwh / 1000,
						export_wh: state.export_mwh / 1000,
					};
					let signed = signing::sign(reading, genesis, key);
					pending.insert((meter, state.sequence), signed.encode().as_slice())?;
					produced.push(signed);
				}
				meters.insert(meter, state.encode().as_slice())?;
			}
			let mut counters = txn.open_table(COUNTERS)?;
			bump(&mut counters, "produced", produced.len() as u64)?;
		}
		txn.commit()?;
		Ok(produced)
	}

	/// Queues a reading its meter signed (MQTT mode; [`crate::intake::check`] has verified it)
	/// if it is the one after the meter's last queued reading: the next sequence, a later slot,
	/// no register below. Checked and written, with the meter's new state, in one transaction,
	/// so two copies of a message are never both queued. A refusal is counted in the same
	/// transaction (not synced to disk at once: a crash may lose a few refusal counts, never a
	/// reading). A meter not on the page (no state yet) is refused as foreign. A sequence the
	/// gateway has passed is `Replayed` (a copy: the meter may drop it) unless the queue still
	/// holds a different reading with that sequence (`SequenceConflict`).
	pub fn enqueue_signed(&self, signed: &SignedReading) -> Result<Result<(), Refusal>> {
		let reading = signed.reading;
		let mut txn = self.db.begin_write()?;
		let verdict = {
			let mut meters = txn.open_table(METERS)?;
			let mut pending = txn.open_table(PENDING)?;
			let state = meters.get(reading.meter)?.map(|b| MeterState::decode(&mut b.value()));
			let verdict = match state.transpose()? {
				None => Err(Refusal::ForeignMeter),
				Some(state) if reading.sequence <= state.sequence => {
					let held = pending.get((reading.meter, reading.sequence))?;
					match held.map(|bytes| bytes.value() == signed.encode().as_slice()) {
						Some(false) => Err(Refusal::SequenceConflict),
						_ => Err(Refusal::Replayed),
					}
				},
				Some(state) if reading.sequence != state.sequence + 1 => Err(Refusal::OutOfOrder),
				Some(state) if state.last_slot.is_some_and(|last| reading.slot <= last) => {
					Err(Refusal::SlotNotAfterLast)
				},
				Some(state)
					if reading.import_wh < state.import_mwh / 1000
						|| reading.export_wh < state.export_mwh / 1000 =>
				{
					Err(Refusal::RegisterWentBackwards)
				},
				Some(_) => Ok(()),
			};
			let mut counters = txn.open_table(COUNTERS)?;
			match verdict {
				Ok(()) => {
					let state = MeterState {
						sequence: reading.sequence,
						last_slot: Some(reading.slot),
						import_mwh: reading.import_wh.saturating_mul(1000),
						export_mwh: reading.export_wh.saturating_mul(1000),
					};
					meters.insert(reading.meter, state.encode().as_slice())?;
					pending
						.insert((reading.meter, reading.sequence), signed.encode().as_slice())?;
					bump(&mut counters, "produced", 1)?;
				},
				Err(refusal) => bump(&mut counters, &format!("refused:{}", refusal.name()), 1)?,
			}
			verdict
		};
		if verdict.is_err() {
			txn.set_durability(Durability::None)?;
		}
		txn.commit()?;
		Ok(verdict)
	}

	/// Counts a message refused by the checks before the queue's (not synced to disk at once).
	pub fn count_refused(&self, refusal: Refusal) -> Result<()> {
		let mut txn = self.db.begin_write()?;
		txn.set_durability(Durability::None)?;
		bump(&mut txn.open_table(COUNTERS)?, &format!("refused:{}", refusal.name()), 1)?;
		txn.commit()?;
		Ok(())
	}

	/// The last sequence queued for `meter` (0: none, or a meter the gateway has not seen).
	pub fn last_sequence(&self, meter: u32) -> Result<u64> {
		Ok(self.meter_state(meter)?.map_or(0, |state| state.sequence))
	}

	/// Up to `limit` queued readings that close a slot up to `last_ended_slot` (later ones wait
	/// until the chain's clock has passed them), by meter and sequence.
	pub fn pending(&self, limit: usize, last_ended_slot: u32) -> Result<Vec<SignedReading>> {
		let txn = self.db.begin_read()?;
		let table = txn.open_table(PENDING)?;
		let mut out = Vec::new();
		for entry in table.iter()? {
			if out.len() >= limit {
				break;
			}
			let (_, bytes) = entry?;
			let signed = SignedReading::decode(&mut bytes.value())?;
			if signed.reading.slot <= last_ended_slot {
				out.push(signed);
			}
		}
		Ok(out)
	}

	/// How many readings wait for a final outcome.
	pub fn backlog(&self) -> Result<u64> {
		let txn = self.db.begin_read()?;
		Ok(txn.open_table(PENDING)?.len()?)
	}

	/// Counts `n` readings as sent.
	pub fn count_sent(&self, n: u64) -> Result<()> {
		let txn = self.db.begin_write()?;
		bump(&mut txn.open_table(COUNTERS)?, "sent", n)?;
		txn.commit()?;
		Ok(())
	}

	/// Removes readings whose outcome is final and counts the outcomes, in one transaction.
	pub fn settle(&self, outcomes: &[((u32, u64), Outcome)]) -> Result<()> {
		let txn = self.db.begin_write()?;
		{
			let mut pending = txn.open_table(PENDING)?;
			let mut counters = txn.open_table(COUNTERS)?;
			for (key, outcome) in outcomes {
				if pending.remove(*key)?.is_none() {
					continue; // settled before (a second copy's outcome)
				}
				let name = match outcome {
					Outcome::Accepted => "accepted".to_string(),
					Outcome::AlreadyOnChain => "already_on_chain".to_string(),
					Outcome::Rejected(reason) => format!("rejected:{reason}"),
				};
				bump(&mut counters, &name, 1)?;
			}
		}
		txn.commit()?;
		Ok(())
	}

	/// Settles, as already on chain, the queued readings of `meter` up to `sequence` (the
	/// finalized page's last accepted sequence). Returns how many.
	pub fn confirm_up_to(&self, meter: u32, sequence: u64) -> Result<u64> {
		let keys: Vec<(u32, u64)> = {
			let txn = self.db.begin_read()?;
			let table = txn.open_table(PENDING)?;
			table
				.range((meter, 0)..=(meter, sequence))?
				.map(|e| Ok(e?.0.value()))
				.collect::<Result<_>>()?
		};
		let outcomes: Vec<_> = keys.iter().map(|k| (*k, Outcome::AlreadyOnChain)).collect();
		self.settle(&outcomes)?;
		Ok(keys.len() as u64)
	}

	/// A meter's outbox (`energy-meter` keeps its readings in a queue of its own): removes the
	/// readings of `meter` up to `sequence`, which the gateway acknowledged, and counts them as
	/// acknowledged. Returns how many.
	pub fn acknowledge_up_to(&self, meter: u32, sequence: u64) -> Result<u64> {
		let txn = self.db.begin_write()?;
		let removed = {
			let mut pending = txn.open_table(PENDING)?;
			let keys: Vec<(u32, u64)> = pending
				.range((meter, 0)..=(meter, sequence))?
				.map(|e| Ok(e?.0.value()))
				.collect::<Result<_>>()?;
			for key in &keys {
				pending.remove(*key)?;
			}
			keys.len() as u64
		};
		bump(&mut txn.open_table(COUNTERS)?, "acknowledged", removed)?;
		txn.commit()?;
		Ok(removed)
	}

	/// The counters and the backlog as one JSON object, as `status --json` prints them for
	/// scripts and monitoring.
	pub fn status_json(&self) -> Result<serde_json::Value> {
		let mut object = serde_json::to_value(self.counters()?)?;
		object["backlog"] = self.backlog()?.into();
		Ok(object)
	}

	/// The counters.
	pub fn counters(&self) -> Result<Counters> {
		let txn = self.db.begin_read()?;
		let table = txn.open_table(COUNTERS)?;
		let mut counters = Counters::default();
		for entry in table.iter()? {
			let (name, value) = entry?;
			let (name, value) = (name.value(), value.value());
			match name {
				"produced" => counters.produced = value,
				"sent" => counters.sent = value,
				"accepted" => counters.accepted = value,
				"already_on_chain" => counters.already_on_chain = value,
				"acknowledged" => counters.acknowledged = value,
				other => {
					if let Some(reason) = other.strip_prefix("rejected:") {
						counters.rejected.insert(reason.to_string(), value);
					} else if let Some(reason) = other.strip_prefix("refused:") {
						counters.refused.insert(reason.to_string(), value);
					}
				},
			}
		}
		Ok(counters)
	}
}

fn bump(table: &mut redb::Table<&str, u64>, name: &str, n: u64) -> Result<()> {
	let current = table.get(name)?.map(|v| v.value()).unwrap_or(0);
	table.insert(name, current + n)?;
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::keystore::{MeterKey, Scheme};

	fn temp_queue(name: &str) -> (Queue, std::path::PathBuf) {
		let path =
			std::env::temp_dir().join(format!("gw-queue-{name}-{}.redb", std::process::id()));
		let _ = std::fs::remove_file(&path);
		(Queue::open(&path).unwrap(), path)
	}

	fn keys() -> BTreeMap<u32, MeterKey> {
		[(3, MeterKey::from_secret(Scheme::Sr25519, "//meter//3").unwrap())].into()
	}

	#[test]
	fn readings_survive_a_reopen_and_settle_once() {
		let (queue, path) = temp_queue("reopen");
		queue
			.init_meter(3, MeterState { sequence: 7, last_slot: Some(99), ..Default::default() })
			.unwrap();
		let made = queue.produce(&keys(), &[1; 32], 102, 100, |_, _| (1.5, 0.0)).unwrap();
		assert_eq!(made.len(), 3);
		drop(queue);

		let queue = Queue::open(&path).unwrap();
		let pending = queue.pending(10, u32::MAX).unwrap();
		let seen: Vec<_> = pending
			.iter()
			.map(|r| (r.reading.sequence, r.reading.slot, r.reading.import_wh))
			.collect();
		// 1.5 Wh per slot: the registers carry the fractions (1, 3, 4 whole Wh).
		assert_eq!(seen, vec![(8, 100, 1), (9, 101, 3), (10, 102, 4)]);
		// Nothing new until a later slot ends.
		assert!(queue.produce(&keys(), &[1; 32], 102, 100, |_, _| (1.0, 0.0)).unwrap().is_empty());

		queue
			.settle(&[
				((3, 8), Outcome::Accepted),
				((3, 9), Outcome::Rejected("BadSignature".into())),
			])
			.unwrap();
		queue.settle(&[((3, 8), Outcome::Accepted)]).unwrap();
		assert_eq!(queue.confirm_up_to(3, 10).unwrap(), 1);
		let counters = queue.counters().unwrap();
		assert_eq!(counters.produced, 3);
		assert_eq!(counters.accepted, 1);
		assert_eq!(counters.already_on_chain, 1);
		assert_eq!(counters.rejected.get("BadSignature"), Some(&1));
		assert_eq!(queue.backlog().unwrap(), 0);
		std::fs::remove_file(path).unwrap();
	}

	#[test]
	fn an_outbox_drops_only_what_was_acknowledged() {
		let (queue, path) = temp_queue("outbox");
		queue
			.init_meter(3, MeterState { sequence: 0, last_slot: Some(9), ..Default::default() })
			.unwrap();
		assert_eq!(queue.produce(&keys(), &[1; 32], 14, 100, |_, _| (0.0, 1.0)).unwrap().len(), 5);
		assert_eq!(queue.acknowledge_up_to(4, 5).unwrap(), 0, "another meter's ack");
		assert_eq!(queue.acknowledge_up_to(3, 2).unwrap(), 2);
		assert_eq!(queue.acknowledge_up_to(3, 2).unwrap(), 0, "an ack again");
		let left: Vec<_> =
			queue.pending(10, u32::MAX).unwrap().iter().map(|r| r.reading.sequence).collect();
		assert_eq!(left, vec![3, 4, 5]);
		assert_eq!(queue.counters().unwrap().acknowledged, 2);
		std::fs::remove_file(path).unwrap();
	}

	#[test]
	fn catch_up_is_bounded_and_unknown_meters_wait() {
		let (queue, path) = temp_queue("catchup");
		assert!(queue.produce(&keys(), &[1; 32], 500, 10, |_, _| (0.0, 0.0)).unwrap().is_empty());
		queue
			.init_meter(3, MeterState { sequence: 0, last_slot: Some(100), ..Default::default() })
			.unwrap();
		assert_eq!(queue.produce(&keys(), &[1; 32], 500, 10, |_, _| (0.0, 0.0)).unwrap().len(), 10);
		assert_eq!(queue.meter_state(3).unwrap().unwrap().last_slot, Some(110));
		std::fs::remove_file(path).unwrap();
	}

	/// Queues written before the gateway used `energy-primitives`' type stored
	/// `reading ++ is_ed25519: bool ++ signature: [u8; 64]`: the same bytes as the SCALE of
	/// `SignedReading` (the enum's index is the bool), so they stay readable.
	#[test]
	fn stored_readings_keep_the_earlier_queue_format() {
		use energy_primitives::reading::MeterSignature;
		let reading = MeterReading { meter: 3, sequence: 8, slot: 100, import_wh: 1, export_wh: 2 };
		let old_format =
			|ed25519: bool| [reading.encode(), vec![ed25519 as u8], vec![7; 64]].concat();
		let ed = sp_core::ed25519::Signature::from_raw([7; 64]);
		let sr = sp_core::sr25519::Signature::from_raw([7; 64]);
		let decoded = SignedReading::decode(&mut &old_format(true)[..]).unwrap();
		assert_eq!(decoded, SignedReading { reading, signature: MeterSignature::Ed25519(ed) });
		let decoded = SignedReading::decode(&mut &old_format(false)[..]).unwrap();
		assert_eq!(decoded, SignedReading { reading, signature: MeterSignature::Sr25519(sr) });
	}

	/// MQTT mode: a meter's own readings are queued once, in order; copies, gaps, older slots
	/// and registers that went backwards are refused, counted, and change nothing.
	#[test]
	fn signed_readings_are_queued_once_and_in_order() {
		let (queue, path) = temp_queue("signed");
		let key = MeterKey::from_secret(Scheme::Sr25519, "//meter//3").unwrap();
		let sign = |sequence, slot, import_wh| {
			let reading = MeterReading { meter: 3, sequence, slot, import_wh, export_wh: 0 };
			signing::sign(reading, &[1; 32], &key)
		};
		assert_eq!(queue.enqueue_signed(&sign(1, 100, 5)).unwrap(), Err(Refusal::ForeignMeter));
		queue
			.init_meter(3, MeterState { sequence: 4, last_slot: Some(99), ..Default::default() })
			.unwrap();
		assert_eq!(queue.enqueue_signed(&sign(4, 100, 5)).unwrap(), Err(Refusal::Replayed));
		let fifth = sign(5, 100, 5);
		assert_eq!(queue.enqueue_signed(&fifth).unwrap(), Ok(()));
		let state = queue.meter_state(3).unwrap();
		let backlog = queue.backlog().unwrap();
		for (copy, refusal) in [
			(fifth, Refusal::Replayed),
			(sign(5, 100, 6), Refusal::SequenceConflict),
			(sign(7, 101, 6), Refusal::OutOfOrder),
			(sign(6, 100, 6), Refusal::SlotNotAfterLast),
			(sign(6, 101, 4), Refusal::RegisterWentBackwards),
		] {
			assert_eq!(queue.enqueue_signed(&copy).unwrap(), Err(refusal));
			assert_eq!(queue.meter_state(3).unwrap(), state, "{refusal:?} changed the state");
			assert_eq!(queue.backlog().unwrap(), backlog, "{refusal:?} queued a reading");
		}
		assert_eq!(queue.pending(10, u32::MAX).unwrap(), vec![fifth]);
		assert_eq!(queue.enqueue_signed(&sign(6, 103, 9)).unwrap(), Ok(()));
		assert_eq!(queue.last_sequence(3).unwrap(), 6);
		// The reading of slot 103 waits until the chain's clock has passed it.
		let due: Vec<_> =
			queue.pending(10, 102).unwrap().iter().map(|r| r.reading.sequence).collect();
		assert_eq!(due, vec![5]);
		assert_eq!(queue.pending(10, 103).unwrap().len(), 2);
		let counters = queue.counters().unwrap();
		assert_eq!(counters.produced, 2);
		let refused: Vec<_> = counters.refused.iter().map(|(k, v)| (k.as_str(), *v)).collect();
		assert_eq!(
			refused,
			vec![
				("foreign_meter", 1),
				("out_of_order", 1),
				("register_went_backwards", 1),
				("replayed", 2),
				("sequence_conflict", 1),
				("slot_not_after_last", 1)
			]
		);
		std::fs::remove_file(path).unwrap();
	}

	#[test]
	fn page_meters_are_recorded_once() {
		let (queue, path) = temp_queue("init");
		let state = |sequence| MeterState { sequence, ..Default::default() };
		queue.init_meters(&[(1, state(3)), (2, state(4))]).unwrap();
		queue.init_meters(&[(1, state(9)), (5, state(7))]).unwrap();
		assert_eq!(queue.last_sequence(1).unwrap(), 3, "a known meter keeps its state");
		assert_eq!(queue.last_sequence(5).unwrap(), 7);
		std::fs::remove_file(path).unwrap();
	}

	#[test]
	fn a_queue_stays_with_its_chain() {
		let (queue, path) = temp_queue("genesis");
		queue.setting_or_init("genesis", &[1; 32], true).unwrap();
		assert!(queue.setting_or_init("genesis", &[2; 32], true).is_err());
		std::fs::remove_file(path).unwrap();
	}
}
