//! A meter gateway's first steps on the dev chain, with subxt: readings of the demo PV meter of
//! Bob (meter 0), signed with its documented dev key `//meter//0` over the documented payload,
//! submitted by the demo gateway `//Gateway`. The first closes the slots before the first one
//! with an auction (the chain's first slot has none, so it certifies nothing); the second closes
//! the slot with an auction, open for delivery, and mints its export into Bob's holding of that
//! slot's certificate, which a storage query shows; resubmitting it mints nothing more.

use anyhow::{anyhow, Result};
use energy_zombienet::{
	chain::{
		auction_exists, certificate, signing_payload, storage_u64, submit_reading, token_holdings,
		wait_for_end_of,
	},
	DevNode,
};
use std::str::FromStr;
use zombienet_sdk::{
	subxt::{OnlineClient, PolkadotConfig},
	subxt_signer::{sr25519, SecretUri},
};

#[tokio::test(flavor = "multi_thread")]
async fn a_signed_dev_reading_mints_tokens_once() -> Result<()> {
	let node = DevNode::start().await?;
	node.wait_for_open_auctions().await?;
	let api = OnlineClient::<PolkadotConfig>::from_url(node.url()).await?;

	let genesis: [u8; 32] = api.genesis_hash().0;
	// The genesis meters were installed in the first block's slot.
	let first = storage_u64(&api, "Meters", "GenesisSlot", vec![])
		.await?
		.ok_or_else(|| anyhow!("block 1 recorded no GenesisSlot"))? as u32;
	let slot_ms = storage_u64(&api, "Market", "SlotLength", vec![]).await?.unwrap_or(0);
	println!("dev chain: meters installed in slot {first} ({slot_ms} ms slots)");
	let meter_key = sr25519::Keypair::from_uri(&SecretUri::from_str("//meter//0")?)?;
	let gateway = sr25519::Keypair::from_uri(&SecretUri::from_str("//Gateway")?)?;
	let bob = zombienet_sdk::subxt_signer::sr25519::dev::bob().public_key().0;
	let sign = |reading: (u32, u64, u32, u64, u64)| {
		let (meter, sequence, slot, import, export) = reading;
		meter_key.sign(&signing_payload(genesis, meter, sequence, slot, import, export)).0
	};

	// The first slot with an auction: block 1 opened the next three, unless a gate closure had
	// passed already.
	let mut slot = first + 1;
	while !auction_exists(&api, slot).await? {
		slot += 1;
	}

	// 1. The slots before it (the chain's first, and any skipped) had no auction: their export
	//    is metered, not certified.
	wait_for_end_of(&node.url(), slot - 1).await?;
	let reading = (0u32, 1u64, slot - 1, 2u64, 30u64);
	let events = submit_reading(&api, &gateway, reading, sign(reading)).await?;
	println!("slots {first}..={}: {events:?}", slot - 1);
	assert!(events.contains(&"ReadingAccepted".to_string()), "reading not accepted: {events:?}");
	for before in first..slot {
		assert_eq!(certificate(&api, before, 0).await?, None, "no auction, no certificate");
	}

	// 2. Once the slot with an auction has ended, its reading mints into the slot's
	//    certificate. Bob's 5 kW PV may export at most 5 kW × 1 min = 83 Wh in one slot.
	let before = token_holdings(&api, bob).await?;
	wait_for_end_of(&node.url(), slot).await?;
	let reading = (0u32, 2u64, slot, 12u64, 30 + 80u64);
	let signature = sign(reading);
	let events = submit_reading(&api, &gateway, reading, signature).await?;
	println!("slot {slot}: {events:?}");
	assert!(events.contains(&"ReadingAccepted".to_string()), "reading not accepted: {events:?}");
	let minted = certificate(&api, slot, 0).await?.ok_or_else(|| anyhow!("no certificate"))?;
	println!(
		"certificate of RES 0 in slot {slot} (minted, claimed, cancelled, expired, withdrawn, fed in): {minted:?}"
	);
	assert_eq!(minted[0], 80, "certificate of RES 0 in slot {slot}");
	// Bob holds them until the slot settles (its trades, then the utility's feed-in).
	let after = token_holdings(&api, bob).await?;
	let terminal: u64 = minted[1..].iter().sum();
	assert_eq!(after + terminal - before, 80, "Bob's tokens of the slot");

	// 3. The same reading again: a duplicate, nothing minted.
	let events = submit_reading(&api, &gateway, reading, signature).await?;
	println!("resubmission: {events:?}");
	assert!(events.contains(&"ReadingDuplicate".to_string()), "expected a duplicate: {events:?}");
	assert_eq!(certificate(&api, slot, 0).await?.map(|c| c[0]), Some(80));
	Ok(())
}
