//! The gateway's keystore: the gateway account's secret and the meters' signing keys, in a
//! JSON file readable only by its owner. Secrets are secret URIs (`//Gateway`, a mnemonic with
//! a derivation path, or a `0x…` seed); they are never printed or logged: [`Keystore`]'s
//! `Debug` shows public keys only.

use std::{collections::BTreeMap, fmt, fs, io::Write, os::unix::fs::OpenOptionsExt, path::Path};

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use sp_core::{crypto::Ss58Codec, ed25519, sr25519, Pair};
use subxt_signer::{sr25519::Keypair, SecretUri};

use energy_primitives::reading::{MeterPublicKey, MeterSignature};

/// The signature scheme of a meter key.
#[derive(Clone, Copy, Debug, Deserialize, Eq, PartialEq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Scheme {
	/// Schnorrkel/Ristretto sr25519.
	Sr25519,
	/// Ed25519.
	Ed25519,
}

/// One meter's entry in the keystore file.
#[derive(Clone, Deserialize, Serialize)]
pub struct MeterEntry {
	/// The meter's id on chain.
	pub meter: u32,
	/// Its key's scheme.
	pub scheme: Scheme,
	/// Its secret URI.
	pub secret: String,
}

/// The keystore file's content.
#[derive(Clone, Deserialize, Serialize)]
pub struct KeystoreFile {
	/// The gateway account's secret URI (sr25519): it signs and pays for the batches.
	pub gateway: String,
	/// The meters' keys.
	pub meters: Vec<MeterEntry>,
}

/// A meter's signing key.
#[derive(Clone)]
pub enum MeterKey {
	/// An sr25519 key (randomized signatures).
	Sr25519(Box<sr25519::Pair>),
	/// An ed25519 key (deterministic signatures).
	Ed25519(Box<ed25519::Pair>),
}

impl MeterKey {
	/// Derives the key of `scheme` from a secret URI.
	pub fn from_secret(scheme: Scheme, secret: &str) -> Result<Self> {
		Ok(match scheme {
			Scheme::Sr25519 => MeterKey::Sr25519(Box::new(
				sr25519::Pair::from_string(secret, None)
					.map_err(|e| anyhow::anyhow!("bad sr25519 secret: {e:?}"))?,
			)),
			Scheme::Ed25519 => MeterKey::Ed25519(Box::new(
				ed25519::Pair::from_string(secret, None)
					.map_err(|e| anyhow::anyhow!("bad ed25519 secret: {e:?}"))?,
			)),
		})
	}

	/// The public key, as the chain's `register_meter` takes it.
	pub fn public(&self) -> MeterPublicKey {
		match self {
			MeterKey::Sr25519(pair) => MeterPublicKey::Sr25519(pair.public()),
			MeterKey::Ed25519(pair) => MeterPublicKey::Ed25519(pair.public()),
		}
	}

	/// The public key in SS58 form with its scheme, for people.
	pub fn public_display(&self) -> String {
		match self {
			MeterKey::Sr25519(pair) => format!("sr25519 {}", pair.public().to_ss58check()),
			MeterKey::Ed25519(pair) => format!("ed25519 {}", pair.public().to_ss58check()),
		}
	}

	/// Signs `message`.
	pub fn sign(&self, message: &[u8]) -> MeterSignature {
		match self {
			MeterKey::Sr25519(pair) => MeterSignature::Sr25519(pair.sign(message)),
			MeterKey::Ed25519(pair) => MeterSignature::Ed25519(pair.sign(message)),
		}
	}
}

/// A meter's own key file (`energy-meter`): the meters' keys only. A gateway keystore file
/// reads as one too (its gateway secret is ignored).
#[derive(Clone, Deserialize, Serialize)]
pub struct MeterKeysFile {
	/// The meters' keys.
	pub meters: Vec<MeterEntry>,
}

/// Reads a meter key file (mode 600, as a keystore): meter id → key.
pub fn load_meter_keys(path: &Path) -> Result<BTreeMap<u32, MeterKey>> {
	check_private(path)?;
	let content: MeterKeysFile = serde_json::from_slice(&fs::read(path)?)
		.with_context(|| format!("parsing {}", path.display()))?;
	meter_keys(&content.meters)
}

fn meter_keys(entries: &[MeterEntry]) -> Result<BTreeMap<u32, MeterKey>> {
	let mut meters = BTreeMap::new();
	for entry in entries {
		let key = MeterKey::from_secret(entry.scheme, &entry.secret)
			.with_context(|| format!("the key of meter {}", entry.meter))?;
		if meters.insert(entry.meter, key).is_some() {
			bail!("meter {} has two keys", entry.meter);
		}
	}
	Ok(meters)
}

/// Refuses a key file that others can read.
fn check_private(path: &Path) -> Result<()> {
	let metadata = fs::metadata(path).with_context(|| format!("reading {}", path.display()))?;
	use std::os::unix::fs::PermissionsExt;
	if metadata.permissions().mode() & 0o077 != 0 {
		bail!(
			"{} is readable by others: `chmod 600 {}` (it holds secret keys)",
			path.display(),
			path.display()
		);
	}
	Ok(())
}

/// Writes a meter key file, readable and writable by the owner only.
pub fn save_meter_keys(path: &Path, content: &MeterKeysFile) -> Result<()> {
	write_private(path, &serde_json::to_vec_pretty(content)?)
}

/// The loaded keystore: the gateway's account key and each meter's key.
pub struct Keystore {
	/// Signs the gateway's transactions.
	pub gateway: Keypair,
	/// Meter id → key.
	pub meters: BTreeMap<u32, MeterKey>,
}

impl fmt::Debug for Keystore {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		let meters: BTreeMap<_, _> =
			self.meters.iter().map(|(id, key)| (*id, key.public_display())).collect();
		f.debug_struct("Keystore")
			.field("gateway", &self.gateway_address())
			.field("meters", &meters)
			.finish()
	}
}

impl Keystore {
	/// Builds the keystore from the file's content.
	pub fn from_file_content(content: &KeystoreFile) -> Result<Self> {
		let uri: SecretUri = content.gateway.parse().context("the gateway secret")?;
		let gateway = Keypair::from_uri(&uri).context("the gateway secret")?;
		Ok(Keystore { gateway, meters: meter_keys(&content.meters)? })
	}

	/// Reads a keystore file. Refuses files that others can read.
	pub fn load(path: &Path) -> Result<Self> {
		check_private(path)?;
		let content: KeystoreFile = serde_json::from_slice(&fs::read(path)?)
			.with_context(|| format!("parsing {}", path.display()))?;
		Self::from_file_content(&content)
	}

	/// The gateway's SS58 address.
	pub fn gateway_address(&self) -> String {
		sr25519::Public::from_raw(self.gateway.public_key().0).to_ss58check()
	}
}

/// Writes `content` to `path`, readable and writable by the owner only.
pub fn save(path: &Path, content: &KeystoreFile) -> Result<()> {
	write_private(path, &serde_json::to_vec_pretty(content)?)
}

fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
	let mut file = fs::OpenOptions::new()
		.write(true)
		.create(true)
		.truncate(true)
		.mode(0o600)
		.open(path)
		.with_context(|| format!("writing {}", path.display()))?;
	file.write_all(bytes)?;
	Ok(())
}

/// The keystore of the dev chain's demo gateway: `//Gateway` and meters 0 to 5 (`//meter//<id>`,
/// ed25519 for meter 2, sr25519 for the others), as in the runtime's dev presets.
pub fn dev_keystore() -> KeystoreFile {
	KeystoreFile {
		gateway: "//Gateway".into(),
		meters: (0..6)
			.map(|meter| MeterEntry {
				meter,
				scheme: if meter == 2 { Scheme::Ed25519 } else { Scheme::Sr25519 },
				secret: format!("//meter//{meter}"),
			})
			.collect(),
	}
}

/// An sr25519 account key from a secret URI known to be valid (the dev chains' and the demo's
/// `//Name` accounts).
///
/// # Panics
/// If `uri` is not a valid secret URI: use [`Keystore::load`] for keys from users.
pub fn dev_key(uri: &str) -> Keypair {
	let uri: SecretUri = uri.parse().expect("dev secret URIs parse; qed");
	Keypair::from_uri(&uri).expect("dev secret URIs derive; qed")
}

/// A new random secret seed (`0x…`) of `scheme`.
pub fn generate_secret(scheme: Scheme) -> String {
	match scheme {
		Scheme::Sr25519 => format!("0x{}", hex::encode(sr25519::Pair::generate().1)),
		Scheme::Ed25519 => format!("0x{}", hex::encode(ed25519::Pair::generate().1)),
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn debug_output_never_shows_secrets() {
		let file = dev_keystore();
		let keystore = Keystore::from_file_content(&file).unwrap();
		let shown = format!("{keystore:?}");
		assert!(!shown.contains("//meter"), "{shown}");
		assert!(!shown.contains("//Gateway"), "{shown}");
		assert!(shown.contains("ed25519"), "{shown}");
	}

	#[test]
	fn files_readable_by_others_are_refused() {
		let dir = std::env::temp_dir().join(format!("gw-keys-{}", std::process::id()));
		fs::create_dir_all(&dir).unwrap();
		let path = dir.join("keys.json");
		save(&path, &dev_keystore()).unwrap();
		assert_eq!(Keystore::load(&path).unwrap().meters.len(), 6);
		use std::os::unix::fs::PermissionsExt;
		fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
		assert!(Keystore::load(&path).is_err());
		fs::remove_dir_all(dir).unwrap();
	}

	#[test]
	fn a_gateway_keystore_reads_as_meter_keys_and_meter_keys_hold_no_gateway() {
		let dir = std::env::temp_dir().join(format!("gw-meterkeys-{}", std::process::id()));
		fs::create_dir_all(&dir).unwrap();
		let path = dir.join("keys.json");
		save(&path, &dev_keystore()).unwrap();
		assert_eq!(load_meter_keys(&path).unwrap().len(), 6);
		save_meter_keys(&path, &MeterKeysFile { meters: dev_keystore().meters }).unwrap();
		assert_eq!(load_meter_keys(&path).unwrap().len(), 6);
		assert!(Keystore::load(&path).is_err(), "a meter key file has no gateway account");
		fs::remove_dir_all(dir).unwrap();
	}

	#[test]
	fn duplicate_meters_are_refused() {
		let mut file = dev_keystore();
		file.meters.push(file.meters[0].clone());
		assert!(Keystore::from_file_content(&file).is_err());
	}
}
