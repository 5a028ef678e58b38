//! Integrity attacks against a running dev node: an outsider with a funded account (the dev
//! phrase's `//Alice//stash`, endowed but no member) tries to take places in the chain-wide
//! bounded set of standing orders with fixed-quantity bids. The chain refuses it by name
//! (`Market.NotConsumer`) and stores nothing; a consumer member may, holding the deposit. And
//! anyone calling the runtime the validator executes finds no benchmarking API in it (its
//! helpers write `Timestamp::Now` and mint).

use std::str::FromStr;

use anyhow::{ensure, Result};
use energy_zombienet::{
	chain::{storage_u64, submit},
	DevNode,
};
use zombienet_sdk::{
	subxt::{self, dynamic::Value, OnlineClient, PolkadotConfig},
	subxt_signer::{sr25519, SecretUri},
};

/// `set_standing_order(Bid, 80,000 per kWh, Fixed { 500 Wh }, cap 500 Wh)`.
fn fixed_standing_bid() -> subxt::tx::DynamicPayload {
	subxt::dynamic::tx(
		"Market",
		"set_standing_order",
		vec![
			Value::unnamed_variant("Bid", []),
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
	let events = submit(&api, &eve, &fixed_standing_bid()).await?;
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
