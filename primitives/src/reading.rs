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

#[cfg(test)]
mod tests {
	use super::*;
	use sp_core::Pair;

	fn example() -> (MeterReading, H256) {
		let reading = MeterReading {
			meter: 3,
			sequence: 42,
			slot: 29_478_120,
			import_wh: 1_234_567,
			export_wh: 89_012,
		};
		(reading, H256::repeat_byte(0x11))
	}

	/// The test vector documented in the workspace README: gateway makers in any language
	/// check their encoding and signing against it.
	const PAYLOAD: &str = "656e657267792f72656164696e672f31\
		1111111111111111111111111111111111111111111111111111111111111111\
		03000000\
		2a00000000000000\
		e8ccc101\
		87d6120000000000\
		b45b010000000000";
	const ED25519_PUBLIC: &str = "61f2c7ca78ec2f356a63d23315cd869ecd5dcf8f62482b29b2b9d134b77bedff";
	const ED25519_SIGNATURE: &str =
		"dbc210f7fb780b3597ca1a8457cc0674362260a28a1b9d897a4234b671614f4c\
		a4f72fa7390f59b706b6925e0db256b9354f69b7ed854034f4033880a6083401";
	const SR25519_PUBLIC: &str = "463ba049c7d0ba0f402da255ae6ae563a7d9a93f59b010acea614df94fd04e4e";
	const SR25519_SIGNATURE: &str =
		"a6536d0df61b88edd60cafe4c48aba0cdf86494d989460ad5bcad7b1d9c38a2c\
		e981dfeb19554a479d460e9a71be2eb34e9a2840405b4d17b6c7601303fb0789";

	fn bytes<const N: usize>(hex_str: &str) -> [u8; N] {
		let clean: String = hex_str.chars().filter(|c| !c.is_whitespace()).collect();
		hex::decode(clean).expect("valid hex").try_into().expect("right length")
	}

	#[test]
	fn signing_payload_matches_the_documented_vector() {
		let (reading, genesis) = example();
		let payload = reading.signing_payload(&genesis);
		assert_eq!(payload.len(), SIGNING_PAYLOAD_LEN);
		assert_eq!(payload, bytes::<80>(PAYLOAD).to_vec());
	}

	#[test]
	fn ed25519_vector_is_reproducible_and_verifies() {
		let (reading, genesis) = example();
		let pair = sp_core::ed25519::Pair::from_string("//meter//2", None).expect("dev seed");
		assert_eq!(pair.public().0, bytes::<32>(ED25519_PUBLIC));
		// Ed25519 signatures are deterministic: the documented one is the one we make.
		let signature = pair.sign(&reading.signing_payload(&genesis));
		assert_eq!(signature.0, bytes::<64>(ED25519_SIGNATURE));
		let signed = SignedReading { reading, signature: MeterSignature::Ed25519(signature) };
		assert!(signed.verify(&genesis, &MeterPublicKey::Ed25519(pair.public())));
	}

	#[test]
	fn sr25519_vector_verifies() {
		let (reading, genesis) = example();
		let public = sp_core::sr25519::Public::from_raw(bytes::<32>(SR25519_PUBLIC));
		let pair = sp_core::sr25519::Pair::from_string("//meter//0", None).expect("dev seed");
		assert_eq!(pair.public(), public);
		// Sr25519 signatures are randomized: the documented one verifies, as does a fresh one.
		let documented = sp_core::sr25519::Signature::from_raw(bytes::<64>(SR25519_SIGNATURE));
		let key = MeterPublicKey::Sr25519(public);
		let signed = SignedReading { reading, signature: MeterSignature::Sr25519(documented) };
		assert!(signed.verify(&genesis, &key));
		let fresh = pair.sign(&reading.signing_payload(&genesis));
		assert!(SignedReading { reading, signature: MeterSignature::Sr25519(fresh) }
			.verify(&genesis, &key));
	}

	#[test]
	fn a_signature_binds_every_field_the_chain_and_the_scheme() {
		let (reading, genesis) = example();
		let key = MeterPublicKey::Sr25519(sp_core::sr25519::Public::from_raw(bytes::<32>(
			SR25519_PUBLIC,
		)));
		let signature = MeterSignature::Sr25519(sp_core::sr25519::Signature::from_raw(
			bytes::<64>(SR25519_SIGNATURE),
		));
		let tampered = [
			MeterReading { meter: 4, ..reading },
			MeterReading { sequence: 43, ..reading },
			MeterReading { slot: 29_478_121, ..reading },
			MeterReading { import_wh: 1_234_568, ..reading },
			MeterReading { export_wh: 89_013, ..reading },
		];
		for other in tampered {
			assert!(!SignedReading { reading: other, signature }.verify(&genesis, &key));
		}
		assert!(!SignedReading { reading, signature }.verify(&H256::repeat_byte(0x12), &key));
		let ed_key = MeterPublicKey::Ed25519(sp_core::ed25519::Public::from_raw(bytes::<32>(
			SR25519_PUBLIC,
		)));
		assert!(!SignedReading { reading, signature }.verify(&genesis, &ed_key));
	}
}
