//! A meter gateway's first steps on the dev chain, with subxt: a reading of the demo PV meter
//! of Bob (meter 0), signed with its documented dev key `//meter//0` over the documented
//! payload, submitted by the demo gateway `//Gateway`, is accepted and mints energy tokens to
//! Bob that a storage query shows; resubmitting it mints nothing more.

use anyhow::{anyhow, Result};
use energy_zombienet::{
	chain::{signing_payload, storage_u64, submit_reading},
	DevNode,
};
use std::str::FromStr;
use zombienet_sdk::{
	subxt::{
		self,
		dynamic::{At, Value},
		OnlineClient, PolkadotConfig,
	},
	subxt_signer::{sr25519, SecretUri},
};

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
