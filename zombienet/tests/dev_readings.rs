//! A meter gateway's first steps on the dev chain, with subxt: a reading of the demo PV meter
//! of Bob (meter 0), signed with its documented dev key `//meter//0` over the documented
//! payload, submitted by the demo gateway `//Gateway`, is accepted and mints energy tokens to
//! Bob that a storage query shows; resubmitting it mints nothing more.

use anyhow::{anyhow, Context, Result};
use energy_zombienet::DevNode;
use std::str::FromStr;
use zombienet_sdk::{
	subxt::{
		self,
		dynamic::{At, Value},
		OnlineClient, PolkadotConfig,
	},
	subxt_signer::{sr25519, SecretUri},
};

/// The domain tag in front of every signed reading.
const DOMAIN: &[u8; 16] = b"energy/reading/1";

/// The bytes a meter signs: domain, genesis hash, then the reading's fields, little-endian.
fn signing_payload(
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

async fn storage_u64(
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

async fn submit_reading(
	api: &OnlineClient<PolkadotConfig>,
	gateway: &sr25519::Keypair,
	reading: (u32, u64, u32, u64, u64),
	signature: [u8; 64],
) -> Result<Vec<String>> {
	let (meter, sequence, slot, import, export) = reading;
	let signed_reading = Value::named_composite([
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
	]);
	let call = subxt::dynamic::tx(
		"Meters",
		"submit_readings",
		vec![Value::unnamed_composite([signed_reading])],
	);
	let events = api
		.tx()
		.sign_and_submit_then_watch_default(&call, gateway)
		.await?
		.wait_for_finalized_success()
		.await
		.context("submit_readings was not finalized successfully")?;
	Ok(events
		.iter()
		.filter_map(|e| e.ok())
		.filter(|e| e.pallet_name() == "Meters")
		.map(|e| e.variant_name().to_string())
		.collect())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_signed_dev_reading_mints_tokens_once() -> Result<()> {
	let node = DevNode::start().await?;
	let api = OnlineClient::<PolkadotConfig>::from_url(node.url()).await?;

	let genesis: [u8; 32] = api.genesis_hash().0;
	// Wait for the first block: the genesis state has no timestamp yet.
	energy_zombienet::wait_until("the first block", std::time::Duration::from_secs(60), || async {
		Ok(storage_u64(&api, "Timestamp", "Now", vec![]).await?.unwrap_or(0) > 0)
	})
	.await?;
	let now_ms = storage_u64(&api, "Timestamp", "Now", vec![]).await?.unwrap_or(0);
	let slot_ms = storage_u64(&api, "Market", "SlotLength", vec![])
		.await?
		.ok_or_else(|| anyhow!("no slot length"))?;
	let slot = (now_ms / slot_ms) as u32;
	println!("dev chain: slot {slot} ({slot_ms} ms slots)");

	// Bob's 5 kW PV may export at most 5 kW × 1 min = 83 Wh in its first (one-slot) interval.
	let reading = (0u32, 1u64, slot, 12u64, 80u64);
	let meter_key = sr25519::Keypair::from_uri(&SecretUri::from_str("//meter//0")?)?;
	let payload = signing_payload(genesis, reading.0, reading.1, reading.2, reading.3, reading.4);
	let signature = meter_key.sign(&payload).0;
	let gateway = sr25519::Keypair::from_uri(&SecretUri::from_str("//Gateway")?)?;
	let bob = zombienet_sdk::subxt_signer::sr25519::dev::bob().public_key().0;

	let before = storage_u64(&api, "EnergyTokens", "Balances", vec![Value::from_bytes(bob)])
		.await?
		.unwrap_or(0);
	let events = submit_reading(&api, &gateway, reading, signature).await?;
	println!("first submission: {events:?}");
	assert!(events.contains(&"ReadingAccepted".to_string()), "reading not accepted: {events:?}");
	let after = storage_u64(&api, "EnergyTokens", "Balances", vec![Value::from_bytes(bob)])
		.await?
		.unwrap_or(0);
	assert_eq!(after - before, 80, "Bob's tokens must grow by the exported Wh");
	let certificate = api
		.storage()
		.at_latest()
		.await?
		.fetch(&subxt::dynamic::storage(
			"EnergyTokens",
			"Certificates",
			vec![Value::u128(slot as u128), Value::u128(0)],
		))
		.await?
		.ok_or_else(|| anyhow!("no certificate for RES 0 in slot {slot}"))?
		.to_value()?;
	assert_eq!(certificate.at("minted_wh").and_then(|v| v.as_u128()), Some(80));

	// The same reading again: a duplicate, nothing minted.
	let events = submit_reading(&api, &gateway, reading, signature).await?;
	println!("resubmission: {events:?}");
	assert!(events.contains(&"ReadingDuplicate".to_string()), "expected a duplicate: {events:?}");
	let again = storage_u64(&api, "EnergyTokens", "Balances", vec![Value::from_bytes(bob)])
		.await?
		.unwrap_or(0);
	assert_eq!(again, after);
	Ok(())
}
