//! Integrity attacks against a running dev node:
//! - an outsider with a funded account (the dev phrase's `//Alice//stash`, endowed but no
//!   member) tries to take places in the chain-wide bounded set of standing orders with
//!   fixed-quantity bids. The chain refuses it by name (`Market.NotConsumer`) and stores
//!   nothing; a consumer member may, holding the deposit;
//! - a gateway backfills a genesis meter's past (slot 0, the slot before the chain started, a
//!   nameplate × slot-number export): refused (`BeforeInstallation`, `ExportAboveCapacity`),
//!   paid for, nothing stored;
//! - a gateway withholds a slot's reading to sell its energy in the next slot: the reading that
//!   covers both certifies in the next slot only what it proves was made there (its export less
//!   what the withheld slot could have made), nothing in the withheld one;
//! - anyone calling the runtime the validator executes finds no benchmarking API in it (its
//!   helpers write `Timestamp::Now` and mint).

use std::str::FromStr;

use anyhow::{ensure, Context, Result};
use energy_zombienet::{
	chain::{
		auction_exists, certificate, current_slot, sign_reading, storage_u64, submit,
		submit_readings_with_fields, variant_name, wait_for_end_of, Reading,
	},
	DevNode,
};
use zombienet_sdk::{
	subxt::{
		self,
		dynamic::{At, Value},
		OnlineClient, PolkadotConfig,
	},
	subxt_signer::{sr25519, SecretUri},
};

/// `set_standing_order(Bid { meter: 3 }, 80,000 per kWh, Fixed { 500 Wh }, cap 500 Wh)`: a bid
/// delivered at Eve's household meter (3 in the dev presets).
fn fixed_standing_bid() -> subxt::tx::DynamicPayload {
	subxt::dynamic::tx(
		"Market",
		"set_standing_order",
		vec![
			Value::named_variant("Bid", [("meter", Value::u128(3))]),
			Value::u128(80_000),
			Value::named_variant("Fixed", [("wh", Value::u128(500))]),
			Value::u128(500),
		],
	)
}

/// The standing orders the chain holds and the next id it would give.
async fn standing_orders(api: &OnlineClient<PolkadotConfig>) -> Result<(u64, u64)> {
	let count = storage_u64(api, "Market", "CounterForStandingOrders", vec![]).await?;
	let next = storage_u64(api, "Market", "NextStandingOrderId", vec![]).await?;
	Ok((count.unwrap_or(0), next.unwrap_or(0)))
}

#[tokio::test(flavor = "multi_thread")]
async fn an_outsider_cannot_set_standing_orders() -> Result<()> {
	let node = DevNode::start().await?;
	let api = OnlineClient::<PolkadotConfig>::from_url(node.url()).await?;
	let before = standing_orders(&api).await?;
	println!("standing orders before: {before:?} (count, next id)");

	let outsider = sr25519::Keypair::from_uri(&SecretUri::from_str("//Alice//stash")?)?;
	for attempt in 0..2 {
		let refused = submit(&api, &outsider, &fixed_standing_bid()).await;
		let error = match refused {
			Ok(events) => {
				anyhow::bail!("attempt {attempt}: an outsider's standing bid went in: {events:?}")
			},
			Err(error) => format!("{error:#}"),
		};
		println!("attempt {attempt}: refused: {error}");
		ensure!(
			error.contains("NotConsumer"),
			"attempt {attempt}: refused, but not as NotConsumer: {error}"
		);
		ensure!(
			standing_orders(&api).await? == before,
			"the refused bid changed the standing orders"
		);
	}
	println!("outsider refused twice with NotConsumer; standing orders unchanged");

	// A consumer member may (Eve, a demo consumer), and its deposit is held.
	let eve = sr25519::Keypair::from_uri(&SecretUri::from_str("//Eve")?)?;
	let events = submit(&api, &eve, &fixed_standing_bid()).await.context("Eve's standing bid")?;
	ensure!(
		events.iter().any(|(pallet, event)| pallet == "Market" && event == "StandingOrderSet"),
		"a member's standing order was not set: {events:?}"
	);
	ensure!(
		events.iter().any(|(pallet, event)| pallet == "Balances" && event == "Held"),
		"no deposit was held: {events:?}"
	);
	let after = standing_orders(&api).await?;
	ensure!(after == (before.0 + 1, before.1 + 1), "standing orders {after:?} after a member's");
	Ok(())
}

/// The gateway's page of meters, as stored: every meter's sequence, last slot and registers.
async fn gateway_page(api: &OnlineClient<PolkadotConfig>, gateway: [u8; 32]) -> Result<Vec<u8>> {
	let address = subxt::dynamic::storage("Meters", "Gateways", vec![Value::from_bytes(gateway)]);
	let page = api.storage().at_latest().await?.fetch(&address).await?;
	Ok(page.map(|value| value.encoded().to_vec()).unwrap_or_default())
}

/// Charlie's PV meter (meter 1, RES 1, 4 kW: 66 Wh in a one-minute slot), registered at
/// genesis and never reported: a gateway first tries to backfill its past, then withholds one
/// slot's reading to move that slot's energy into the next.
#[tokio::test(flavor = "multi_thread")]
async fn a_gateway_can_neither_backfill_nor_move_energy_in_time() -> Result<()> {
	let node = DevNode::start().await?;
	node.wait_for_open_auctions().await?;
	let api = OnlineClient::<PolkadotConfig>::from_url(node.url()).await?;
	let genesis = api.genesis_hash().0;
	let meter = sr25519::Keypair::from_uri(&SecretUri::from_str("//meter//1")?)?;
	let gateway = sr25519::Keypair::from_uri(&SecretUri::from_str("//Gateway")?)?;
	let signed = |reading: Reading| (reading, sign_reading(genesis, &meter, reading));
	let installed = storage_u64(&api, "Meters", "GenesisSlot", vec![])
		.await?
		.ok_or_else(|| anyhow::anyhow!("no GenesisSlot"))? as u32;

	// 1. Backfill. Slot 0 (1970) and the slot before the chain started are before the
	//    meter's installation; a reading of the last ended slot claiming the nameplate × the
	//    slot number (what one reading could mint before) is above what the slots since the
	//    installation allow. Each is rejected by name, the batch pays, nothing changes.
	let now = current_slot(&api).await?;
	wait_for_end_of(&node.url(), now).await?;
	let backfill = vec![
		signed((1, 1, 0, 0, 66)),
		signed((1, 1, installed - 1, 0, 66)),
		signed((1, 1, now, 0, 66 * u64::from(now))),
	];
	let page_before = gateway_page(&api, gateway.public_key().0).await?;
	let minted_before = storage_u64(&api, "EnergyTokens", "TotalMinted", vec![]).await?;
	let (events, fee) = submit_readings_with_fields(&api, &gateway, backfill).await?;
	let reasons: Vec<&str> = events
		.iter()
		.filter(|(event, _)| event == "ReadingRejected")
		.filter_map(|(_, fields)| fields.at("reason").and_then(variant_name))
		.collect();
	println!("backfill: rejected {reasons:?}, fee paid {fee}");
	ensure!(
		reasons == ["BeforeInstallation", "BeforeInstallation", "ExportAboveCapacity"],
		"backfill not refused as expected: {events:?}"
	);
	ensure!(fee > 0, "a batch of rejected readings must pay its fee");
	ensure!(gateway_page(&api, gateway.public_key().0).await? == page_before, "meter changed");
	ensure!(
		storage_u64(&api, "EnergyTokens", "TotalMinted", vec![]).await? == minted_before,
		"tokens minted by a refused backfill"
	);

	// 2. Time shift. Pick two slots with auctions after the present one; the meter reports up
	//    to the first's start, withholds the first's reading, and reports both slots with the
	//    second's: 130 Wh, as if the first slot's energy had been produced in the second.
	let mut first = current_slot(&api).await? + 1;
	while !(auction_exists(&api, first).await? && auction_exists(&api, first + 1).await?) {
		first += 1;
	}
	wait_for_end_of(&node.url(), first - 1).await?;
	let (events, _) =
		submit_readings_with_fields(&api, &gateway, vec![signed((1, 1, first - 1, 0, 0))]).await?;
	ensure!(events.iter().any(|(e, _)| e == "ReadingAccepted"), "{events:?}");
	wait_for_end_of(&node.url(), first + 1).await?;
	let (events, _) =
		submit_readings_with_fields(&api, &gateway, vec![signed((1, 2, first + 1, 0, 130))])
			.await?;
	let accepted = events
		.iter()
		.find(|(event, _)| event == "ReadingAccepted")
		.map(|(_, fields)| fields.clone())
		.ok_or_else(|| anyhow::anyhow!("the reading was not accepted: {events:?}"))?;
	let field = |name: &str| accepted.at(name).and_then(|v| v.as_u128()).unwrap_or(u128::MAX);
	println!(
		"time shift: slots {}, export {} Wh, minted {} Wh",
		field("slots"),
		field("export_wh"),
		field("minted_wh")
	);
	ensure!(field("slots") == 2 && field("export_wh") == 130, "{accepted:?}");
	// 4 kW on one-minute slots: the withheld slot could have made 67 Wh (rounded up), so the
	// reading proves 130 − 67 − 1 = 62 Wh of the second slot; nothing of the first, which is
	// settling anyway.
	ensure!(field("minted_wh") == 62, "only what the reading proves is certified: {accepted:?}");
	let withheld = certificate(&api, first, 1).await?;
	let next = certificate(&api, first + 1, 1).await?;
	println!("certificates of RES 1: slot {first}: {withheld:?}, slot {}: {next:?}", first + 1);
	ensure!(withheld.is_none(), "the withheld slot was certified after its settlement began");
	ensure!(next.map(|c| c[0]) == Some(62), "the next slot holds what the reading proves of it");
	Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_validators_runtime_has_no_benchmarking_api() -> Result<()> {
	let node = DevNode::start().await?;
	let api = OnlineClient::<PolkadotConfig>::from_url(node.url()).await?;
	let metadata = api.metadata();
	ensure!(metadata.runtime_api_trait_by_name("Core").is_some(), "no Core API in the metadata");
	ensure!(
		metadata.runtime_api_trait_by_name("Benchmark").is_none(),
		"the runtime's metadata lists the Benchmark API"
	);
	let runtime = api.runtime_api().at_latest().await?;
	runtime.call_raw("Core_version", None).await?;
	// `Benchmark_benchmark_metadata(extra: bool)`: the call a benchmarking runtime answers.
	let error = match runtime.call_raw("Benchmark_benchmark_metadata", Some(&[0u8])).await {
		Ok(answer) => {
			anyhow::bail!("the runtime answered the Benchmark API: {} bytes", answer.len())
		},
		Err(error) => format!("{error:#}"),
	};
	ensure!(error.contains("not found"), "refused, but not as a missing export: {error}");
	println!("Core_version answered; Benchmark_benchmark_metadata refused: {error}");
	Ok(())
}
