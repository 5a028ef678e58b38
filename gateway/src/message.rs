//! The MQTT messages between meters that sign for themselves and the gateway: topics and the
//! JSON of a signed reading and of an acknowledgement.
//!
//! A meter publishes each signed reading, QoS 1, on
//! `energy/<genesis hash, 64 hex digits>/meters/<meter id>/readings`:
//!
//! ```json
//! {"meter":3,"sequence":42,"slot":29478120,"import_wh":1234567,"export_wh":89012,
//!  "scheme":"ed25519","signature":"0xdbc2…3401"}
//! ```
//!
//! The fields are [`MeterReading`]'s; `signature` is the meter key's signature (64 bytes, hex)
//! over [`MeterReading::signing_payload`] — `"energy/reading/1" ++ genesis hash ++
//! SCALE(reading)`, `energy-primitives`' documented bytes and test vector. Unknown fields are
//! refused, so a message means exactly one thing.
//!
//! The gateway acknowledges, QoS 1, on `energy/<genesis>/meters/<meter id>/acks` with
//! `{"meter":3,"sequence":42}` once it holds the reading durably (queued, or already queued or on
//! chain before): the meter may then drop every reading of its outbox up to that sequence. A
//! message the gateway refuses is never acknowledged.

use energy_primitives::reading::{MeterReading, MeterSignature, SignedReading};
use serde::{Deserialize, Serialize};
use sp_core::{ed25519, sr25519};

use crate::keystore::Scheme;

/// The largest message either side accepts (a reading message is about 250 bytes).
pub const MAX_MESSAGE_BYTES: usize = 1024;

/// The topic meter `meter` publishes its readings on, for the chain of `genesis`.
pub fn readings_topic(genesis: &[u8; 32], meter: u32) -> String {
	format!("energy/{}/meters/{meter}/readings", hex::encode(genesis))
}

/// The topic filter the gateway subscribes to: every meter's readings on the chain of `genesis`.
pub fn readings_filter(genesis: &[u8; 32]) -> String {
	format!("energy/{}/meters/+/readings", hex::encode(genesis))
}

/// The topic the gateway acknowledges meter `meter`'s readings on.
pub fn acks_topic(genesis: &[u8; 32], meter: u32) -> String {
	format!("energy/{}/meters/{meter}/acks", hex::encode(genesis))
}

/// The topic filter a device simulating several meters subscribes to for their acks.
pub fn acks_filter(genesis: &[u8; 32]) -> String {
	format!("energy/{}/meters/+/acks", hex::encode(genesis))
}

/// The meter id in a readings topic of the chain of `genesis` (`None`: not such a topic).
pub fn meter_of_readings_topic(topic: &str, genesis: &[u8; 32]) -> Option<u32> {
	let rest = topic.strip_prefix("energy/")?;
	let (chain, rest) = rest.split_once('/')?;
	if chain != hex::encode(genesis) {
		return None;
	}
	let id = rest.strip_prefix("meters/")?.strip_suffix("/readings")?;
	// Only the canonical decimal form, so one meter has one topic.
	if id.is_empty() || id.len() > 10 || !id.bytes().all(|b| b.is_ascii_digit()) {
		return None;
	}
	if id.len() > 1 && id.starts_with('0') {
		return None;
	}
	id.parse().ok()
}

/// A signed reading as a meter publishes it.
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ReadingMessage {
	/// The meter's id on chain.
	pub meter: u32,
	/// The reading's sequence number.
	pub sequence: u64,
	/// The market slot the reading closes.
	pub slot: u32,
	/// Cumulative import register, Wh.
	pub import_wh: u64,
	/// Cumulative export register, Wh.
	pub export_wh: u64,
	/// The signature's scheme.
	pub scheme: Scheme,
	/// The signature, `0x` and 128 hex digits.
	pub signature: String,
}

impl ReadingMessage {
	/// The message of a signed reading.
	pub fn of(signed: &SignedReading) -> Self {
		let (scheme, bytes) = match signed.signature {
			MeterSignature::Sr25519(signature) => (Scheme::Sr25519, signature.0),
			MeterSignature::Ed25519(signature) => (Scheme::Ed25519, signature.0),
		};
		let reading = signed.reading;
		ReadingMessage {
			meter: reading.meter,
			sequence: reading.sequence,
			slot: reading.slot,
			import_wh: reading.import_wh,
			export_wh: reading.export_wh,
			scheme,
			signature: format!("0x{}", hex::encode(bytes)),
		}
	}

	/// The message's JSON bytes.
	pub fn to_bytes(&self) -> Vec<u8> {
		serde_json::to_vec(self).expect("a reading message serializes; qed")
	}

	/// Parses a message (`None`: too long, not JSON of this shape, or no 64-byte signature).
	pub fn parse(bytes: &[u8]) -> Option<SignedReading> {
		if bytes.len() > MAX_MESSAGE_BYTES {
			return None;
		}
		let message: ReadingMessage = serde_json::from_slice(bytes).ok()?;
		let raw: [u8; 64] =
			hex::decode(message.signature.strip_prefix("0x")?).ok()?.try_into().ok()?;
		let signature = match message.scheme {
			Scheme::Sr25519 => MeterSignature::Sr25519(sr25519::Signature::from_raw(raw)),
			Scheme::Ed25519 => MeterSignature::Ed25519(ed25519::Signature::from_raw(raw)),
		};
		let reading = MeterReading {
			meter: message.meter,
			sequence: message.sequence,
			slot: message.slot,
			import_wh: message.import_wh,
			export_wh: message.export_wh,
		};
		Some(SignedReading { reading, signature })
	}
}

/// The gateway's acknowledgement: it holds every reading of `meter` up to `sequence`.
#[derive(Clone, Copy, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AckMessage {
	/// The meter.
	pub meter: u32,
	/// The highest sequence the gateway holds.
	pub sequence: u64,
}

impl AckMessage {
	/// The acknowledgement's JSON bytes.
	pub fn to_bytes(&self) -> Vec<u8> {
		serde_json::to_vec(self).expect("an ack serializes; qed")
	}

	/// Parses an acknowledgement (`None`: not one).
	pub fn parse(bytes: &[u8]) -> Option<Self> {
		(bytes.len() <= MAX_MESSAGE_BYTES).then(|| serde_json::from_slice(bytes).ok()).flatten()
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::{keystore::MeterKey, signing};
	use sp_core::H256;

	const GENESIS: [u8; 32] = [0x11; 32];

	fn signed(scheme: Scheme) -> SignedReading {
		let reading = MeterReading {
			meter: 3,
			sequence: 42,
			slot: 29_478_120,
			import_wh: 1_234_567,
			export_wh: 89_012,
		};
		signing::sign(reading, &GENESIS, &MeterKey::from_secret(scheme, "//meter//2").unwrap())
	}

	#[test]
	fn a_message_round_trips_and_still_verifies() {
		for scheme in [Scheme::Sr25519, Scheme::Ed25519] {
			let signed = signed(scheme);
			let bytes = ReadingMessage::of(&signed).to_bytes();
			assert!(bytes.len() < 300, "{} bytes", bytes.len());
			let parsed = ReadingMessage::parse(&bytes).unwrap();
			assert_eq!(parsed, signed);
			let key = MeterKey::from_secret(scheme, "//meter//2").unwrap().public();
			assert!(parsed.verify(&H256(GENESIS), &key));
		}
	}

	/// The documented example: the ed25519 test vector of `energy-primitives` as a message.
	#[test]
	fn the_documented_message_is_the_test_vector() {
		let text = ReadingMessage::of(&signed(Scheme::Ed25519));
		assert_eq!(
			String::from_utf8(text.to_bytes()).unwrap(),
			"{\"meter\":3,\"sequence\":42,\"slot\":29478120,\"import_wh\":1234567,\
			 \"export_wh\":89012,\"scheme\":\"ed25519\",\"signature\":\"0xdbc210f7fb780b3597ca1a8457cc\
			 0674362260a28a1b9d897a4234b671614f4ca4f72fa7390f59b706b6925e0db256b9354f69b7ed854034f4\
			 033880a6083401\"}"
		);
	}

	#[test]
	fn malformed_messages_do_not_parse() {
		let good =
			String::from_utf8(ReadingMessage::of(&signed(Scheme::Sr25519)).to_bytes()).unwrap();
		let bad = [
			good.replace("\"slot\"", "\"slots\""),       // unknown field
			good.replace(",\"export_wh\":89012", ""),    // missing field
			good.replace("\"0x", "\"0xab"),              // 65-byte signature
			good.replace("\"0x", "\""),                  // no 0x
			good.replace("sr25519", "ecdsa"),            // unknown scheme
			good.replace("\"meter\":3", "\"meter\":-3"), // negative id
			good.replace('}', &format!(",\"pad\":\"{}\"}}", "x".repeat(1024))), // too long
			"not json".to_string(),
		];
		for message in bad {
			assert_eq!(ReadingMessage::parse(message.as_bytes()), None, "{message}");
		}
	}

	#[test]
	fn topics_name_one_meter_of_one_chain() {
		let topic = readings_topic(&GENESIS, 17);
		assert_eq!(meter_of_readings_topic(&topic, &GENESIS), Some(17));
		assert_eq!(meter_of_readings_topic(&topic, &[0x12; 32]), None);
		let prefix = format!("energy/{}/meters/", hex::encode(GENESIS));
		for other in [
			"017/readings",
			"+/readings",
			"17/acks",
			"17/readings/x",
			"/readings",
			"99999999999/readings",
		] {
			assert_eq!(
				meter_of_readings_topic(&format!("{prefix}{other}"), &GENESIS),
				None,
				"{other}"
			);
		}
		assert_eq!(acks_topic(&GENESIS, 17), format!("{prefix}17/acks"));
		assert!(readings_filter(&GENESIS).ends_with("/meters/+/readings"));
	}

	#[test]
	fn acks_round_trip() {
		let ack = AckMessage { meter: 3, sequence: 42 };
		assert_eq!(AckMessage::parse(&ack.to_bytes()), Some(ack));
		assert_eq!(AckMessage::parse(b"{\"meter\":3}"), None);
	}
}
