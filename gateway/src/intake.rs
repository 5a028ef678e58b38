//! The gateway's checks of a reading that a meter signed itself (MQTT mode), before it is
//! queued. A refused message is counted by its reason, logged and never sent to the chain.
//!
//! The checks that need no state are here ([`check`]): the topic names a meter of this chain,
//! the message parses, the reading is the topic's meter's, that meter is on this gateway's page
//! (the chain's list of the meters it submits for, with their public keys), the signature is
//! that key's over the reading on this chain, and the slot is not beyond the chain's clock. The
//! checks against the meter's state (sequence, slot, registers) are made by
//! [`Queue::enqueue_signed`](crate::queue::Queue::enqueue_signed) in the transaction that queues
//! the reading, so two copies of a message can never both be queued.

use std::{collections::BTreeMap, sync::Mutex, time::Instant};

use energy_primitives::reading::{MeterPublicKey, SignedReading};
use sp_core::H256;

use crate::message::{meter_of_readings_topic, ReadingMessage};

/// Why the gateway refused a message from a meter.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub enum Refusal {
	/// The payload is not a reading message (not JSON of the documented shape, too long, or no
	/// 64-byte signature).
	Malformed,
	/// The topic is not a readings topic of this chain, or names another meter than the
	/// reading.
	WrongTopic,
	/// The meter is not on this gateway's page (unknown, revoked, or another gateway's).
	ForeignMeter,
	/// The signature is not the meter's registered key's over this reading on this chain.
	BadSignature,
	/// The sequence is not above the last one the gateway holds for the meter: a replayed
	/// message, or a copy the meter or the broker delivered again (acknowledged, never sent
	/// twice).
	Replayed,
	/// The sequence is not the one after the last the gateway holds: an earlier reading is
	/// missing (not acknowledged, so the meter sends its outbox again, in order).
	OutOfOrder,
	/// The gateway holds another reading with this sequence (a meter reset or a forged copy):
	/// not acknowledged, so the meter cannot be made to drop a reading the gateway lacks.
	SequenceConflict,
	/// The slot is not after the last one the gateway holds for the meter.
	SlotNotAfterLast,
	/// A register is below the last one the gateway holds for the meter.
	RegisterWentBackwards,
	/// The slot ends more than [`FUTURE_SLOTS`] slots after the chain's clock (a meter whose
	/// clock runs ahead): not acknowledged, so the meter sends it again later.
	FutureSlot,
}

impl Refusal {
	/// The reason's name in counters and logs.
	pub fn name(self) -> &'static str {
		match self {
			Refusal::Malformed => "malformed",
			Refusal::WrongTopic => "wrong_topic",
			Refusal::ForeignMeter => "foreign_meter",
			Refusal::BadSignature => "bad_signature",
			Refusal::Replayed => "replayed",
			Refusal::OutOfOrder => "out_of_order",
			Refusal::SequenceConflict => "sequence_conflict",
			Refusal::SlotNotAfterLast => "slot_not_after_last",
			Refusal::RegisterWentBackwards => "register_went_backwards",
			Refusal::FutureSlot => "future_slot",
		}
	}
}

/// How many slots beyond the chain's last ended slot a reading may close: the meter publishes
/// when its own clock ends a slot, a few seconds before a finalized block shows it ended.
pub const FUTURE_SLOTS: u32 = 2;

/// What the gateway knows of the chain for the checks: its page's keys and its clock. The
/// gateway's loop refreshes it every cycle; the MQTT intake reads it.
#[derive(Default)]
pub struct ChainView {
	inner: Mutex<ViewState>,
}

#[derive(Default)]
struct ViewState {
	keys: BTreeMap<u32, MeterPublicKey>,
	/// The last ended slot at the last finalized block, when it was read, and the slot length.
	clock: Option<(u32, Instant, u64)>,
}

impl ChainView {
	/// Replaces the page's keys.
	pub fn set_keys(&self, keys: BTreeMap<u32, MeterPublicKey>) {
		self.lock().keys = keys;
	}

	/// Records the chain's last ended slot, read now. The clock advances from the moment the
	/// slot was first seen (so stalled finality does not hold it back).
	pub fn set_last_ended(&self, slot: u32, slot_ms: u64) {
		let mut state = self.lock();
		if state.clock.is_none_or(|(known, _, _)| slot > known) {
			state.clock = Some((slot, Instant::now(), slot_ms.max(1)));
		}
	}

	/// Whether the gateway has read the chain once (before that, every message waits).
	pub fn is_ready(&self) -> bool {
		self.lock().clock.is_some()
	}

	/// The meters on the page.
	pub fn meters(&self) -> Vec<u32> {
		self.lock().keys.keys().copied().collect()
	}

	fn key(&self, meter: u32) -> Option<MeterPublicKey> {
		self.lock().keys.get(&meter).copied()
	}

	/// The last slot a reading may close now: the chain's last ended slot, advanced by the time
	/// since it was read (the node may be away), plus [`FUTURE_SLOTS`].
	fn latest_allowed_slot(&self) -> Option<u32> {
		let (slot, read_at, slot_ms) = self.lock().clock?;
		let elapsed = read_at.elapsed().as_millis() as u64 / slot_ms;
		Some(slot.saturating_add(elapsed as u32).saturating_add(FUTURE_SLOTS))
	}

	fn lock(&self) -> std::sync::MutexGuard<'_, ViewState> {
		self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
	}
}

/// The checks of a message received on `topic` that need no meter state; the signed reading
/// if it passes.
pub fn check(
	view: &ChainView,
	genesis: &[u8; 32],
	topic: &str,
	payload: &[u8],
) -> Result<SignedReading, Refusal> {
	let topic_meter = meter_of_readings_topic(topic, genesis).ok_or(Refusal::WrongTopic)?;
	let signed = ReadingMessage::parse(payload).ok_or(Refusal::Malformed)?;
	if signed.reading.meter != topic_meter {
		return Err(Refusal::WrongTopic);
	}
	let key = view.key(topic_meter).ok_or(Refusal::ForeignMeter)?;
	if !signed.verify(&H256(*genesis), &key) {
		return Err(Refusal::BadSignature);
	}
	if view.latest_allowed_slot().is_none_or(|latest| signed.reading.slot > latest) {
		return Err(Refusal::FutureSlot);
	}
	Ok(signed)
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::{
		keystore::{MeterKey, Scheme},
		message::readings_topic,
		signing,
	};
	use energy_primitives::reading::MeterReading;

	const GENESIS: [u8; 32] = [0x22; 32];

	fn key(meter: u32) -> MeterKey {
		MeterKey::from_secret(Scheme::Sr25519, &format!("//meter//{meter}")).unwrap()
	}

	fn view() -> ChainView {
		let view = ChainView::default();
		view.set_keys([(3, key(3).public()), (4, key(4).public())].into());
		view.set_last_ended(100, 60_000);
		view
	}

	fn message(meter: u32, signer: u32, slot: u32, genesis: &[u8; 32]) -> Vec<u8> {
		let reading = MeterReading { meter, sequence: 1, slot, import_wh: 10, export_wh: 0 };
		ReadingMessage::of(&signing::sign(reading, genesis, &key(signer))).to_bytes()
	}

	#[test]
	fn a_meters_own_reading_passes() {
		let signed =
			check(&view(), &GENESIS, &readings_topic(&GENESIS, 3), &message(3, 3, 100, &GENESIS))
				.unwrap();
		assert_eq!(signed.reading.meter, 3);
	}

	#[test]
	fn every_bad_message_is_refused_with_its_reason() {
		let view = view();
		let topic = readings_topic(&GENESIS, 3);
		let mut corrupted = message(3, 3, 100, &GENESIS);
		let at = corrupted.len() - 5; // a hex digit of the signature
		corrupted[at] = if corrupted[at] == b'0' { b'1' } else { b'0' };
		let cases: Vec<(&str, String, Vec<u8>, Refusal)> = vec![
			("corrupted signature", topic.clone(), corrupted, Refusal::BadSignature),
			(
				"signed by meter 4's key",
				topic.clone(),
				message(3, 4, 100, &GENESIS),
				Refusal::BadSignature,
			),
			(
				"signed for another chain",
				topic.clone(),
				message(3, 3, 100, &[0x23; 32]),
				Refusal::BadSignature,
			),
			(
				"meter 4's reading on meter 3's topic",
				topic.clone(),
				message(4, 4, 100, &GENESIS),
				Refusal::WrongTopic,
			),
			(
				"another chain's topic",
				readings_topic(&[0x23; 32], 3),
				message(3, 3, 100, &GENESIS),
				Refusal::WrongTopic,
			),
			(
				"a meter not on the page",
				readings_topic(&GENESIS, 9),
				message(9, 9, 100, &GENESIS),
				Refusal::ForeignMeter,
			),
			("not a reading", topic.clone(), b"{\"meter\":3}".to_vec(), Refusal::Malformed),
			("three slots ahead", topic.clone(), message(3, 3, 103, &GENESIS), Refusal::FutureSlot),
		];
		for (what, topic, payload, expected) in cases {
			assert_eq!(check(&view, &GENESIS, &topic, &payload), Err(expected), "{what}");
		}
		// Two slots ahead of the finalized clock is a meter that publishes before finality.
		assert!(check(&view, &GENESIS, &topic, &message(3, 3, 102, &GENESIS)).is_ok());
	}

	#[test]
	fn the_clock_runs_on_while_finality_stalls() {
		let view = view();
		let read_at = view.lock().clock.unwrap().1;
		view.set_last_ended(100, 60_000);
		view.set_last_ended(99, 60_000);
		assert_eq!(view.lock().clock.unwrap().1, read_at, "an unchanged slot kept the clock");
		view.set_last_ended(101, 60_000);
		assert_eq!(view.lock().clock.unwrap().0, 101);
	}

	#[test]
	fn nothing_passes_before_the_chain_was_read() {
		let view = ChainView::default();
		view.set_keys([(3, key(3).public())].into());
		let topic = readings_topic(&GENESIS, 3);
		assert_eq!(
			check(&view, &GENESIS, &topic, &message(3, 3, 1, &GENESIS)),
			Err(Refusal::FutureSlot)
		);
	}
}
