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
///
/// Written from the README's byte table ("For gateway makers"), not from `energy-primitives`
/// (this workspace cannot depend on the main workspace's crates: zombienet-sdk pins other
/// versions): the network tests that sign with it are therefore an independent check that the
/// documented format is the one the running chain verifies.
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
	Ok(storage_u128(api, pallet, item, keys).await?.map(|v| v as u64))
}

/// A numeric storage value as u128 (balances, issuance; `None` if absent).
pub async fn storage_u128(
	api: &OnlineClient<PolkadotConfig>,
	pallet: &str,
	item: &str,
	keys: Vec<Value>,
) -> Result<Option<u128>> {
	let address = subxt::dynamic::storage(pallet, item, keys);
	let Some(value) = api.storage().at_latest().await?.fetch(&address).await? else {
		return Ok(None);
	};
	let value = value.to_value()?;
	value.as_u128().map(Some).ok_or_else(|| anyhow!("{pallet}.{item} is not a number: {value:?}"))
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
	let (events, _) = submit_readings_with_fields(api, gateway, readings).await?;
	Ok(events.into_iter().map(|(event, _)| event).collect())
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
	let events = submit_with_fields(api, signer, call).await?;
	Ok(events.into_iter().map(|(pallet, event, _)| (pallet, event)).collect())
}

/// The tokens `who` holds of every certificate together (`EnergyTokens::Holdings` under its
/// account), Wh.
pub async fn token_holdings(api: &OnlineClient<PolkadotConfig>, who: [u8; 32]) -> Result<u64> {
	let address = subxt::dynamic::storage("EnergyTokens", "Holdings", vec![Value::from_bytes(who)]);
	let mut entries = api.storage().at_latest().await?.iter(address).await?;
	let mut total = 0u64;
	while let Some(entry) = entries.next().await {
		let value = entry?.value.to_value()?;
		total += value.as_u128().ok_or_else(|| anyhow!("a holding is not a number"))? as u64;
	}
	Ok(total)
}

/// Where the Wh of certificate (`res`, `slot`) went: minted, claimed, cancelled, expired,
/// withdrawn, fed in (`None`: nothing was certified for the RES in the slot). Minted less the
/// others is active: held by the owner or by buyers.
pub async fn certificate(
	api: &OnlineClient<PolkadotConfig>,
	slot: u32,
	res: u32,
) -> Result<Option<[u64; 6]>> {
	use subxt::dynamic::At;
	let address = subxt::dynamic::storage(
		"EnergyTokens",
		"Certificates",
		vec![Value::u128(slot.into()), Value::u128(res.into())],
	);
	let Some(value) = api.storage().at_latest().await?.fetch(&address).await? else {
		return Ok(None);
	};
	let value = value.to_value()?;
	let field = |name: &str| {
		value
			.at(name)
			.and_then(|v| v.as_u128())
			.map(|v| v as u64)
			.ok_or_else(|| anyhow!("certificate without {name}: {value:?}"))
	};
	Ok(Some([
		field("minted_wh")?,
		field("claimed_wh")?,
		field("cancelled_wh")?,
		field("expired_wh")?,
		field("withdrawn_wh")?,
		field("fed_in_wh")?,
	]))
}

/// The market slot of the last finalized block (`Timestamp::Now / Market::SlotLength`).
pub async fn current_slot(api: &OnlineClient<PolkadotConfig>) -> Result<u32> {
	let now = storage_u64(api, "Timestamp", "Now", vec![]).await?.unwrap_or(0);
	let length = storage_u64(api, "Market", "SlotLength", vec![])
		.await?
		.ok_or_else(|| anyhow!("no slot length"))?;
	Ok((now / length.max(1)) as u32)
}

/// Waits until the best block of the node at `url` is past `slot` (`market_currentSlot`), so
/// that readings may close it: at most three slots of the dev chain. (The finalized block, what
/// storage queries read, lags a block or two: too late for a reading's grace window.)
pub async fn wait_for_end_of(url: &str, slot: u32) -> Result<()> {
	use zombienet_sdk::subxt::{backend::rpc::RpcClient, ext::subxt_rpcs::client::RpcParams};
	let client = RpcClient::from_url(url).await?;
	crate::wait_until(
		&format!("the end of slot {slot}"),
		std::time::Duration::from_secs(200),
		|| async {
			let current: serde_json::Value =
				client.request("market_currentSlot", RpcParams::new()).await?;
			Ok(current.as_u64().unwrap_or(0) > u64::from(slot))
		},
	)
	.await
}

/// Where the forecaster finds a meter's reading of a slot in the node's off-chain storage:
/// SCALE of `(b"energy/meters/reading", meter, slot)` (`pallet_meters::offchain_reading_key`).
pub fn offchain_reading_key(meter: u32, slot: u32) -> Vec<u8> {
	const PREFIX: &[u8] = b"energy/meters/reading";
	// A byte slice is SCALE-encoded with its compact length first (one byte below 64).
	let mut key = vec![(PREFIX.len() as u8) << 2];
	key.extend_from_slice(PREFIX);
	key.extend_from_slice(&meter.to_le_bytes());
	key.extend_from_slice(&slot.to_le_bytes());
	key
}

/// A one-slot `pallet_meters::IndexedReading` (SCALE): what the chain indexes for an accepted
/// reading, and what an imported metering history is seeded as.
pub fn indexed_reading(sequence: u64, import: u64, export: u64, registers: (u64, u64)) -> Vec<u8> {
	let mut value = sequence.to_le_bytes().to_vec();
	value.extend_from_slice(&1u32.to_le_bytes());
	for n in [import, export, registers.0, registers.1] {
		value.extend_from_slice(&n.to_le_bytes());
	}
	value
}

/// Whether the market has an auction for `slot` (open, cleared, settling or its summary).
pub async fn auction_exists(api: &OnlineClient<PolkadotConfig>, slot: u32) -> Result<bool> {
	let address = subxt::dynamic::storage("Market", "Auctions", vec![Value::u128(slot.into())]);
	Ok(api.storage().at_latest().await?.fetch(&address).await?.is_some())
}

/// An event of a finalized extrinsic: pallet, variant and its fields as one composite value.
pub type EventWithFields = (String, String, Value<u32>);

/// Signs and submits `call` as `signer`, waits for it to be finalized successfully, and
/// returns its events with their fields.
pub async fn submit_with_fields(
	api: &OnlineClient<PolkadotConfig>,
	signer: &sr25519::Keypair,
	call: &subxt::tx::DynamicPayload,
) -> Result<Vec<EventWithFields>> {
	let events = api
		.tx()
		.sign_and_submit_then_watch_default(call, signer)
		.await?
		.wait_for_finalized_success()
		.await
		.context("the call was not finalized successfully")?;
	let mut out = Vec::new();
	for event in events.iter() {
		let event = event?;
		let fields = Value {
			value: subxt::ext::scale_value::ValueDef::Composite(event.field_values()?),
			context: 0,
		};
		out.push((event.pallet_name().to_string(), event.variant_name().to_string(), fields));
	}
	Ok(out)
}

/// Submits signed readings as one batch of `gateway` and returns the `Meters` events of its
/// finalized block with their fields, and the fee the batch paid.
pub async fn submit_readings_with_fields(
	api: &OnlineClient<PolkadotConfig>,
	gateway: &sr25519::Keypair,
	readings: Vec<(Reading, [u8; 64])>,
) -> Result<(Vec<(String, Value<u32>)>, u128)> {
	use subxt::dynamic::At;
	let batch: Vec<Value> = readings
		.into_iter()
		.map(|(reading, signature)| signed_reading_value(reading, signature))
		.collect();
	let call =
		subxt::dynamic::tx("Meters", "submit_readings", vec![Value::unnamed_composite(batch)]);
	let events = submit_with_fields(api, gateway, &call).await.context("submit_readings")?;
	let fee = events
		.iter()
		.find(|(pallet, event, _)| pallet == "TransactionPayment" && event == "TransactionFeePaid")
		.and_then(|(_, _, fields)| fields.at("actual_fee").and_then(|v| v.as_u128()))
		.unwrap_or(0);
	let meters = events
		.into_iter()
		.filter(|(pallet, ..)| pallet == "Meters")
		.map(|(_, event, fields)| (event, fields))
		.collect();
	Ok((meters, fee))
}

/// The name of the variant a value holds (e.g. a rejection reason), if it is one.
pub fn variant_name(value: &Value<u32>) -> Option<&str> {
	match &value.value {
		subxt::ext::scale_value::ValueDef::Variant(variant) => Some(variant.name.as_str()),
		_ => None,
	}
}
