//! What a meter signs: the reading's fields in SCALE after a domain tag and the chain's genesis
//! hash, exactly as `energy_primitives::MeterReading::signing_payload` checks it on chain.

use codec::Encode;

use crate::{
	keystore::MeterKey,
	runtime::{MeterReading, MeterSignature, SignedReading},
};

/// The domain tag in front of every signed reading (binds signatures to their purpose).
pub const READING_DOMAIN: [u8; 16] = *b"energy/reading/1";

/// A reading of a meter's cumulative registers at the end of a market slot.
#[derive(Clone, Copy, Debug, Encode, Eq, PartialEq, codec::Decode)]
pub struct Reading {
	/// The meter's id.
	pub meter: u32,
	/// Strictly increasing per meter.
	pub sequence: u64,
	/// The market slot this reading closes.
	pub slot: u32,
	/// Cumulative import register, Wh.
	pub import_wh: u64,
	/// Cumulative export register, Wh.
	pub export_wh: u64,
}

impl Reading {
	/// The bytes the meter signs for the chain of `genesis`.
	pub fn signing_payload(&self, genesis: &[u8; 32]) -> Vec<u8> {
		(READING_DOMAIN, genesis, self).encode()
	}

	/// Signs the reading with the meter's `key`.
	pub fn sign(&self, genesis: &[u8; 32], key: &MeterKey) -> StoredReading {
		let (ed25519, signature) = match key.sign(&self.signing_payload(genesis)) {
			MeterSignature::Sr25519(signature) => (false, signature),
			MeterSignature::Ed25519(signature) => (true, signature),
		};
		StoredReading { reading: *self, ed25519, signature }
	}
}

/// A signed reading as the gateway's queue stores it (SCALE).
#[derive(Clone, Copy, Debug, Encode, Eq, PartialEq, codec::Decode)]
pub struct StoredReading {
	/// The reading.
	pub reading: Reading,
	/// Whether the signature is ed25519 (else sr25519).
	pub ed25519: bool,
	/// The meter's signature over [`Reading::signing_payload`].
	pub signature: [u8; 64],
}

impl StoredReading {
	/// The `(meter, sequence)` key of the reading.
	pub fn key(&self) -> (u32, u64) {
		(self.reading.meter, self.reading.sequence)
	}

	/// The chain's type for it.
	pub fn to_chain(&self) -> SignedReading {
		let r = self.reading;
		SignedReading {
			reading: MeterReading {
				meter: r.meter,
				sequence: r.sequence,
				slot: r.slot,
				import_wh: r.import_wh,
				export_wh: r.export_wh,
			},
			signature: if self.ed25519 {
				MeterSignature::Ed25519(self.signature)
			} else {
				MeterSignature::Sr25519(self.signature)
			},
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::keystore::Scheme;

	/// The test vector of the workspace README (and of `energy-primitives`' tests).
	const PAYLOAD: &str = "656e657267792f72656164696e672f31\
		1111111111111111111111111111111111111111111111111111111111111111\
		03000000\
		2a00000000000000\
		e8ccc101\
		87d6120000000000\
		b45b010000000000";
	const ED25519_SIGNATURE: &str =
		"dbc210f7fb780b3597ca1a8457cc0674362260a28a1b9d897a4234b671614f4c\
		a4f72fa7390f59b706b6925e0db256b9354f69b7ed854034f4033880a6083401";

	fn example() -> Reading {
		Reading {
			meter: 3,
			sequence: 42,
			slot: 29_478_120,
			import_wh: 1_234_567,
			export_wh: 89_012,
		}
	}

	#[test]
	fn payload_and_ed25519_signature_match_the_chain_vector() {
		let genesis = [0x11; 32];
		assert_eq!(hex::encode(example().signing_payload(&genesis)), PAYLOAD);
		let key = MeterKey::from_secret(Scheme::Ed25519, "//meter//2").unwrap();
		let signed = example().sign(&genesis, &key).to_chain();
		assert_eq!(signed.signature, MeterSignature::Ed25519(hex_64(ED25519_SIGNATURE)));
	}

	#[test]
	fn sr25519_signatures_verify_against_the_meter_key() {
		use sp_core::{sr25519, Pair};
		let genesis = [0x11; 32];
		let key = MeterKey::from_secret(Scheme::Sr25519, "//meter//0").unwrap();
		let MeterSignature::Sr25519(signature) =
			example().sign(&genesis, &key).to_chain().signature
		else {
			panic!("wrong scheme")
		};
		let MeterKey::Sr25519(pair) = key else { panic!("wrong scheme") };
		let message = example().signing_payload(&genesis);
		assert!(sr25519::Pair::verify(
			&sr25519::Signature::from_raw(signature),
			&message,
			&pair.public()
		));
		assert!(!sr25519::Pair::verify(
			&sr25519::Signature::from_raw(signature),
			Reading { sequence: 43, ..example() }.signing_payload(&genesis),
			&pair.public()
		));
	}

	fn hex_64(s: &str) -> [u8; 64] {
		hex::decode(s).unwrap().try_into().unwrap()
	}
}
