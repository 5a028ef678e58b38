//! Signing readings in keystore mode: the gateway holds the meter's key and signs on its behalf.
//!
//! The payload, its encoding and the signature check are `energy-primitives`' (one
//! implementation for the runtime, the gateway and the simulated meter); this module only binds
//! a keystore key to them.

use energy_primitives::reading::{MeterReading, SignedReading};
use sp_core::H256;

use crate::keystore::MeterKey;

/// Signs `reading` for the chain of `genesis` with the meter's `key`.
pub fn sign(reading: MeterReading, genesis: &[u8; 32], key: &MeterKey) -> SignedReading {
	let signature = key.sign(&reading.signing_payload(&H256(*genesis)));
	SignedReading { reading, signature }
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::keystore::Scheme;
	use energy_primitives::reading::{MeterPublicKey, MeterSignature};

	fn example() -> MeterReading {
		MeterReading {
			meter: 3,
			sequence: 42,
			slot: 29_478_120,
			import_wh: 1_234_567,
			export_wh: 89_012,
		}
	}

	/// The documented ed25519 vector (README, `energy-primitives`' tests) through the keystore.
	#[test]
	fn keystore_ed25519_signature_is_the_documented_vector() {
		let key = MeterKey::from_secret(Scheme::Ed25519, "//meter//2").unwrap();
		let signed = sign(example(), &[0x11; 32], &key);
		let MeterSignature::Ed25519(signature) = signed.signature else { panic!("wrong scheme") };
		assert_eq!(
			hex::encode(signature.0),
			"dbc210f7fb780b3597ca1a8457cc0674362260a28a1b9d897a4234b671614f4c\
			 a4f72fa7390f59b706b6925e0db256b9354f69b7ed854034f4033880a6083401"
				.replace(' ', "")
		);
		assert!(signed.verify(&H256([0x11; 32]), &key.public()));
	}

	#[test]
	fn keystore_signatures_verify_only_for_their_reading_chain_and_key() {
		for scheme in [Scheme::Sr25519, Scheme::Ed25519] {
			let key = MeterKey::from_secret(scheme, "//meter//0").unwrap();
			let signed = sign(example(), &[0x11; 32], &key);
			assert!(signed.verify(&H256([0x11; 32]), &key.public()));
			assert!(!signed.verify(&H256([0x12; 32]), &key.public()));
			let moved =
				SignedReading { reading: MeterReading { slot: 29_478_121, ..example() }, ..signed };
			assert!(!moved.verify(&H256([0x11; 32]), &key.public()));
			let other = MeterKey::from_secret(scheme, "//meter//1").unwrap();
			assert!(!signed.verify(&H256([0x11; 32]), &other.public()));
			assert!(matches!(
				(scheme, key.public()),
				(Scheme::Sr25519, MeterPublicKey::Sr25519(_))
					| (Scheme::Ed25519, MeterPublicKey::Ed25519(_))
			));
		}
	}
}
