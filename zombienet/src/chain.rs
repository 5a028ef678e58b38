//! Talking to the energy chain with subxt's dynamic API: storage numbers, signed meter
//! readings, and calls whose events the tests look at.

use anyhow::{anyhow, Context, Result};
use zombienet_sdk::{
	subxt::{self, dynamic::Value, OnlineClient, PolkadotConfig},
	subxt_signer::sr25519,
};

/// The domain tag in front of every signed reading.
pub const DOMAIN: &[u8; 16] = b"energy/reading/1";

/// The bytes a meter signs: domain, genesis hash, then the reading's fields, little-endian.
pub fn signing_payload(
	genesis: [u8; 32],
	meter: u32,
	sequence: u64,
	slot: u32,
	import: u64,
	export: u64,
) -> Vec<u8> {
	let mut payload = DOMAIN.to_vec();
	payload.extend_from_slice(&genesis);
	payload.extend_from_slice(&meter.to_le_bytes());
	payload.extend_from_slice(&sequence.to_le_bytes());
	payload.extend_from_slice(&slot.to_le_bytes());
	payload.extend_from_slice(&import.to_le_bytes());
	payload.extend_from_slice(&export.to_le_bytes());
	payload
}

/// A numeric storage value (`None` if absent).
pub async fn storage_u64(
	api: &OnlineClient<PolkadotConfig>,
	pallet: &str,
	item: &str,
	keys: Vec<Value>,
) -> Result<Option<u64>> {
	let address = subxt::dynamic::storage(pallet, item, keys);
	let Some(value) = api.storage().at_latest().await?.fetch(&address).await? else {
		return Ok(None);
	};
	let value = value.to_value()?;
	value
		.as_u128()
		.map(|v| Some(v as u64))
		.ok_or_else(|| anyhow!("{pallet}.{item} is not a number: {value:?}"))
}

/// A meter reading: `(meter, sequence, slot, import_wh, export_wh)`.
pub type Reading = (u32, u64, u32, u64, u64);

/// The `SignedReading` value of `reading` with an sr25519 `signature`.
fn signed_reading_value(reading: Reading, signature: [u8; 64]) -> Value {
	let (meter, sequence, slot, import, export) = reading;
	Value::named_composite([
		(
			"reading",
			Value::named_composite([
				("meter", Value::u128(meter as u128)),
				("sequence", Value::u128(sequence as u128)),
				("slot", Value::u128(slot as u128)),
				("import_wh", Value::u128(import as u128)),
				("export_wh", Value::u128(export as u128)),
			]),
		),
		("signature", Value::unnamed_variant("Sr25519", [Value::from_bytes(signature)])),
	])
}

/// Signs `reading` with the sr25519 `meter` key for the chain of `genesis`.
pub fn sign_reading(genesis: [u8; 32], meter: &sr25519::Keypair, reading: Reading) -> [u8; 64] {
	let (id, sequence, slot, import, export) = reading;
	meter.sign(&signing_payload(genesis, id, sequence, slot, import, export)).0
}

/// Submits signed readings as one batch of `gateway` and returns the names of the `Meters`
/// events of its finalized block.
pub async fn submit_readings(
	api: &OnlineClient<PolkadotConfig>,
	gateway: &sr25519::Keypair,
	readings: Vec<(Reading, [u8; 64])>,
) -> Result<Vec<String>> {
	let batch = readings
		.into_iter()
		.map(|(reading, signature)| signed_reading_value(reading, signature))
		.collect::<Vec<_>>();
	let call =
		subxt::dynamic::tx("Meters", "submit_readings", vec![Value::unnamed_composite(batch)]);
	let events = submit(api, gateway, &call).await.context("submit_readings")?;
	Ok(events
		.into_iter()
		.filter(|(pallet, _)| pallet == "Meters")
		.map(|(_, event)| event)
		.collect())
}

/// Submits one signed reading as `gateway` and returns the names of the `Meters` events of
/// its finalized block.
pub async fn submit_reading(
	api: &OnlineClient<PolkadotConfig>,
	gateway: &sr25519::Keypair,
	reading: Reading,
	signature: [u8; 64],
) -> Result<Vec<String>> {
	submit_readings(api, gateway, vec![(reading, signature)]).await
}

/// Signs and submits `call` as `signer`, waits for it to be finalized successfully, and
/// returns `(pallet, event)` names of its events.
pub async fn submit(
	api: &OnlineClient<PolkadotConfig>,
	signer: &sr25519::Keypair,
	call: &subxt::tx::DynamicPayload,
) -> Result<Vec<(String, String)>> {
	let events = api
		.tx()
		.sign_and_submit_then_watch_default(call, signer)
		.await?
		.wait_for_finalized_success()
		.await
		.context("the call was not finalized successfully")?;
	Ok(events
		.iter()
		.filter_map(|e| e.ok())
		.map(|e| (e.pallet_name().to_string(), e.variant_name().to_string()))
		.collect())
}
