//! Signed meter readings: the payload a meter signs and the bytes it signs.
//!
//! A reading carries the meter's *cumulative* import and export registers at the end of the
//! market slot it closes. The chain derives interval energy from register deltas, so a lost
//! reading is folded into the next one.
//!
//! The meter signs the SCALE encoding of
//! `(READING_SIGNING_DOMAIN, genesis_hash, reading)`, i.e. the 16-byte domain tag, the 32-byte
//! genesis hash of the chain, then the reading's fields in order (all little-endian, fixed
//! width): `meter: u32, sequence: u64, slot: u32, import_wh: u64, export_wh: u64`. The domain
//! tag keeps the signature from being valid as anything else the key might sign; the genesis
//! hash keeps it from being replayed on another chain.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_core::{ed25519, sr25519, H256};
use sp_runtime::traits::Verify;

use crate::energy::{MarketSlot, MeterId, Wh};

/// The domain tag in front of every signed reading (16 bytes, ASCII).
pub const READING_SIGNING_DOMAIN: [u8; 16] = *b"energy/reading/1";

/// What a meter attests: its cumulative registers at the end of a market slot.
#[derive(
	Clone,
	Copy,
	Debug,
	Decode,
	DecodeWithMemTracking,
	Encode,
	Eq,
	MaxEncodedLen,
	PartialEq,
	TypeInfo,
)]
pub struct MeterReading {
	/// The meter that took the reading.
	pub meter: MeterId,
	/// Strictly increasing per meter; a reading whose sequence is not above the last accepted
	/// one is never applied twice.
	pub sequence: u64,
	/// The market slot this reading closes.
	pub slot: MarketSlot,
	/// Cumulative import register (energy taken from the grid), in Wh.
	pub import_wh: Wh,
	/// Cumulative export register (energy fed into the grid), in Wh.
	pub export_wh: Wh,
}

impl MeterReading {
	/// The exact bytes a meter signs for this reading on the chain with `genesis_hash`.
	pub fn signing_payload(&self, genesis_hash: &H256) -> Vec<u8> {
		(READING_SIGNING_DOMAIN, genesis_hash, self).encode()
	}
}

/// Length of [`MeterReading::signing_payload`]: 16 (domain) + 32 (genesis hash) + 32 (reading).
pub const SIGNING_PAYLOAD_LEN: usize = 16 + 32 + 4 + 8 + 4 + 8 + 8;

/// A meter's public key: meters sign with sr25519 or ed25519. In JSON (genesis presets) it is
/// `{"Sr25519": "<SS58 address>"}` or `{"Ed25519": "<SS58 address>"}`.
#[derive(
	Clone,
	Copy,
	Debug,
	Decode,
	DecodeWithMemTracking,
	Encode,
	Eq,
	MaxEncodedLen,
	PartialEq,
	TypeInfo,
	serde::Serialize,
	serde::Deserialize,
)]
pub enum MeterPublicKey {
	/// A Schnorrkel/Ristretto sr25519 key.
	Sr25519(sr25519::Public),
	/// An Ed25519 key.
	Ed25519(ed25519::Public),
}

/// A meter's signature over [`MeterReading::signing_payload`].
#[derive(
	Clone,
	Copy,
	Debug,
	Decode,
	DecodeWithMemTracking,
	Encode,
	Eq,
	MaxEncodedLen,
	PartialEq,
	TypeInfo,
)]
pub enum MeterSignature {
	/// An sr25519 signature.
	Sr25519(sr25519::Signature),
	/// An ed25519 signature.
	Ed25519(ed25519::Signature),
}

impl MeterSignature {
	/// Whether this is a valid signature of `message` by `key` (schemes must match).
	pub fn verify(&self, message: &[u8], key: &MeterPublicKey) -> bool {
		match (self, key) {
			(MeterSignature::Sr25519(sig), MeterPublicKey::Sr25519(public)) => {
				sig.verify(message, public)
			},
			(MeterSignature::Ed25519(sig), MeterPublicKey::Ed25519(public)) => {
				sig.verify(message, public)
			},
			_ => false,
		}
	}
}

/// A reading with its meter's signature, as a gateway submits it.
#[derive(
	Clone,
	Copy,
	Debug,
	Decode,
	DecodeWithMemTracking,
	Encode,
	Eq,
	MaxEncodedLen,
	PartialEq,
	TypeInfo,
)]
pub struct SignedReading {
	/// The attested registers.
	pub reading: MeterReading,
	/// The meter key's signature over `reading.signing_payload(genesis_hash)`.
	pub signature: MeterSignature,
}

impl SignedReading {
	/// Whether the signature is the meter `key`'s over this reading on the chain with
	/// `genesis_hash`.
	pub fn verify(&self, genesis_hash: &H256, key: &MeterPublicKey) -> bool {
		self.signature.verify(&self.reading.signing_payload(genesis_hash), key)
	}
}
