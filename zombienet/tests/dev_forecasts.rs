//! Forecasts and standing orders on the dev chain, end to end: the meters' past (300 slots of
//! history from the real profiles of `data/`, before the chain started) is imported into the
//! node's off-chain storage, where the chain indexes every reading; the demo gateway then
//! reports five demo meters every one-minute slot from their installation on; Alice's node
//! forecasts every meter each slot with its off-chain worker and forecaster key, and the demo
//! members' standing orders (Bob and Charlie offer their PV's forecast export, Eve and Ferdie
//! bid for their forecast consumption) are placed by the chain as auctions open and clear.
//!
//! Run: `cargo test --test dev_forecasts -- --nocapture` (after building `energy-node`).

use anyhow::{anyhow, Result};
use energy_zombienet::{
	chain::storage_u64,
	replay::{
		forecast, import_history, latest_forecast, market_slot as current_slot, offset_replaying,
		rpc, run_gateway, ReplayMeter, HISTORY,
	},
	wait_until, DevNode,
};
use std::{sync::Arc, time::Duration};
use zombienet_sdk::subxt::{
	self, backend::rpc::RpcClient, dynamic::At, OnlineClient, PolkadotConfig,
};

/// The demo meters the gateway reports. Meter 2 (Dave's PV) has an ed25519 key the test's
/// signer lacks: it stays silent, and the history rule keeps it unforecast.
const METERS: [ReplayMeter; 5] = [
	(0, "PV1", 5_000.0),
	(1, "PV2", 4_000.0),
	(3, "H0-A", 10_000.0),
	(4, "H0-B", 10_000.0),
	(5, "H0-C", 10_000.0),
];

#[tokio::test(flavor = "multi_thread")]
async fn forecasts_appear_each_slot_and_standing_orders_trade_on_them() -> Result<()> {
	let node = DevNode::start().await?;
	let api = OnlineClient::<PolkadotConfig>::from_url(node.url()).await?;
	let client = Arc::new(RpcClient::from_url(node.url()).await?);
	wait_until("the first block to be finalized", Duration::from_secs(60), || async {
		Ok(storage_u64(&api, "Meters", "GenesisSlot", vec![]).await?.is_some())
	})
	.await?;
	let start = current_slot(&client).await?;
	// Replay the profiles so that the slots traded in this test are a June midday: the PV
	// meters export, so the standing offers have something to sell.
	// (data hour 24 × 160 + 12: 9 June 2016, noon).
	let offset = offset_replaying(start + 6, 24 * 160 + 12);
	// The meters' history ends where the chain's first block installed them.
	let installed = storage_u64(&api, "Meters", "GenesisSlot", vec![])
		.await?
		.ok_or_else(|| anyhow!("block 1 recorded no GenesisSlot"))? as u32;
	import_history(&client, &METERS, installed, offset).await?;
	println!("imported {HISTORY} slots of history before slot {installed}");
	let unchanged = Arc::new(|_, _, energy| energy);
	let gateway = tokio::spawn({
		let (api, client) = (api.clone(), client.clone());
		async move { run_gateway(api, client, &METERS, installed, offset, unchanged).await }
	});

	// 1. Alice's off-chain worker forecasts the reporting meters.
	wait_until("a forecast of Eve's meter", Duration::from_secs(240), || async {
		Ok(latest_forecast(&api, 3).await?.is_some())
	})
	.await?;
	let first = latest_forecast(&api, 3).await?.ok_or_else(|| anyhow!("forecast gone"))?;
	for (meter, ..) in METERS {
		println!(
			"ForecastsApi.latest_forecast({meter}) = {:?}",
			latest_forecast(&api, meter).await?
		);
	}
	assert!(latest_forecast(&api, 0).await?.is_some(), "Bob's PV is forecast");
	assert_eq!(latest_forecast(&api, 2).await?, None, "a silent meter has no forecast");

	// 2. The next auction to open gets the standing orders (this test places no order by
	//    hand, so every order in a book is a standing one) and clears. The forecasts reach
	//    `ForecastHorizon` slots ahead, further than auctions open (the dev schedule: 3 ahead),
	//    so the forecast of that slot exists when its auction opens.
	let open_ahead = api
		.storage()
		.at_latest()
		.await?
		.fetch(&subxt::dynamic::storage("Market", "Schedule", vec![]))
		.await?
		.ok_or_else(|| anyhow!("no auction schedule"))?
		.to_value()?
		.at("open_slots_ahead")
		.and_then(|v| v.as_u128())
		.ok_or_else(|| anyhow!("schedule without open_slots_ahead"))? as u32;
	let traded = current_slot(&client).await? + open_ahead + 1;
	assert!(traded <= first.0 as u32, "the forecasts reach the next auction to open");
	wait_until("the standing orders' auction to clear", Duration::from_secs(420), || async {
		let report = rpc(&client, "market_slotReport", vec![traded.into()]).await?;
		Ok(report["status"] == "Cleared")
	})
	.await?;
	let report = rpc(&client, "market_slotReport", vec![traded.into()]).await?;
	println!("market_slotReport({traded}) = {report}");
	// The book holds exactly the standing orders whose forecast for the slot is not zero:
	// Bob's and Charlie's offers (meters 0, 1: export), Eve's and Ferdie's bids (3, 4: import).
	let mut expected = (0, 0);
	for meter in [0, 1, 3, 4] {
		let (import, export) = forecast(&api, meter, traded).await?.unwrap_or((0, 0));
		println!("ForecastsApi.forecast({meter}, {traded}) = ({import}, {export})");
		match meter {
			0 | 1 if export > 0 => expected.1 += 1,
			3 | 4 if import > 0 => expected.0 += 1,
			_ => {},
		}
	}
	let number = |field: &str| report[field].as_u64().unwrap_or(0);
	assert_eq!((number("bids"), number("offers")), expected, "standing orders in the book");
	assert!(expected.0 >= 1 && expected.1 >= 1, "a forecast bid and offer at midday: {report}");
	// AverageBid: every offer (reserve 40,000 / 45,000) is under the mean of the bids (85,000
	// / 90,000), and the highest bid is at or above it: something trades.
	assert!(number("volume_wh") > 0, "the standing orders traded: {report}");

	// 3. Forecasts keep coming, one slot further each slot.
	let later = latest_forecast(&api, 3).await?.ok_or_else(|| anyhow!("forecast gone"))?;
	println!("Eve's latest forecast: first {first:?}, now {later:?}");
	assert!(later.0 > first.0, "a new slot was forecast since");

	// The gateway runs until stopped; if it stopped by itself, it failed.
	if gateway.is_finished() {
		return gateway.await?;
	}
	gateway.abort();
	Ok(())
}
