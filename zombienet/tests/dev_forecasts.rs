//! Forecasts and standing orders on the dev chain, end to end: the meters' past (300 slots of
//! history from the real profiles of `data/`, before the chain started) is imported into the
//! node's off-chain storage, where the chain indexes every reading; the demo gateway then
//! reports five demo meters every one-minute slot from their installation on; Alice's node
//! forecasts every meter each slot with its off-chain worker and forecaster key, and the demo
//! members' standing orders (Bob and Charlie offer their PV's forecast export, Eve and Ferdie
//! bid for their forecast consumption) are placed by the chain as auctions open and clear.
//!
//! Run: `cargo test --test dev_forecasts -- --nocapture` (after building `energy-node`).

use anyhow::{anyhow, Context, Result};
use energy_zombienet::{
	chain::{
		indexed_reading, offchain_reading_key, sign_reading, storage_u64, submit_readings, Reading,
	},
	wait_until, DevNode,
};
use serde_json::Value as Json;
use std::{str::FromStr, sync::Arc, time::Duration};
use zombienet_sdk::{
	subxt::{
		self, backend::rpc::RpcClient, dynamic::At, dynamic::Value,
		ext::subxt_rpcs::client::RpcParams, OnlineClient, PolkadotConfig,
	},
	subxt_signer::{sr25519, SecretUri},
};

/// Slots of metering history imported before the chain started: more than the 168 + 83 the
/// lag-only model needs. (No reading may close a slot before its meter's installation, so a
/// meter's past comes in as history, not as readings.)
const HISTORY: u32 = 300;

/// Hours in the 2016 data (a leap year).
const DATA_HOURS: u32 = 8_784;

/// A demo meter the gateway reports: its id, the data column and the watts one unit of the
/// column stands for (PV columns per unit of nameplate; household columns are in kW, and each
/// consumption meter stands for a building of ten such households, so that a one-minute slot
/// has whole Wh to trade).
/// Meter 2 (Dave's PV) has an ed25519 key the test's signer lacks: it stays silent, and the
/// history rule keeps it unforecast.
const METERS: [(u32, &str, f64); 5] = [
	(0, "PV1", 5_000.0),
	(1, "PV2", 4_000.0),
	(3, "H0-A", 10_000.0),
	(4, "H0-B", 10_000.0),
	(5, "H0-C", 10_000.0),
];

/// A data column.
fn column(name: &str) -> Result<Vec<f64>> {
	let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../data/simbench_2016_hourly.csv");
	let text = std::fs::read_to_string(path).context("reading the development data")?;
	let mut lines = text.lines();
	let header: Vec<&str> = lines.next().ok_or_else(|| anyhow!("empty data"))?.split(',').collect();
	let index = header.iter().position(|h| *h == name).ok_or_else(|| anyhow!("no {name}"))?;
	lines
		.map(|line| {
			line.split(',')
				.nth(index)
				.ok_or_else(|| anyhow!("short line"))?
				.parse::<f64>()
				.map_err(Into::into)
		})
		.collect()
}

async fn rpc(client: &RpcClient, method: &str, params: Vec<Json>) -> Result<Json> {
	let mut rpc_params = RpcParams::new();
	for param in params {
		rpc_params.push(param)?;
	}
	Ok(client.request(method, rpc_params).await?)
}

async fn current_slot(client: &RpcClient) -> Result<u32> {
	Ok(rpc(client, "market_currentSlot", vec![]).await?.as_u64().unwrap_or(0) as u32)
}

/// `ForecastsApi::latest_forecast(meter)` as `(slot, import_wh, export_wh)`.
async fn latest_forecast(
	api: &OnlineClient<PolkadotConfig>,
	meter: u32,
) -> Result<Option<(u64, u64, u64)>> {
	let call = subxt::dynamic::runtime_api_call(
		"ForecastsApi",
		"latest_forecast",
		vec![Value::u128(meter.into())],
	);
	let value = api.runtime_api().at_latest().await?.call(call).await?.to_value()?;
	let Some(inner) = value.at(0) else { return Ok(None) };
	let number = |v: Option<&Value<u32>>| v.and_then(|v| v.as_u128()).map(|n| n as u64);
	Ok(Some((
		number(inner.at("slot")).ok_or_else(|| anyhow!("slot in {inner:?}"))?,
		number(inner.at("forecast").at("import_wh")).unwrap_or(0),
		number(inner.at("forecast").at("export_wh")).unwrap_or(0),
	)))
}

/// `ForecastsApi::forecast(meter, slot)` as `(import_wh, export_wh)`.
async fn forecast(
	api: &OnlineClient<PolkadotConfig>,
	meter: u32,
	slot: u32,
) -> Result<Option<(u64, u64)>> {
	let call = subxt::dynamic::runtime_api_call(
		"ForecastsApi",
		"forecast",
		vec![Value::u128(meter.into()), Value::u128(slot.into())],
	);
	let value = api.runtime_api().at_latest().await?.call(call).await?.to_value()?;
	let Some(inner) = value.at(0) else { return Ok(None) };
	let number = |v: Option<&Value<u32>>| v.and_then(|v| v.as_u128()).map(|n| n as u64);
	Ok(Some((
		number(inner.at("import_wh")).unwrap_or(0),
		number(inner.at("export_wh")).unwrap_or(0),
	)))
}

/// A demo meter's import and export (Wh) in `slot`: data hour `(slot + offset) mod 8784`,
/// W / 60 per one-minute slot; PV meters export, household meters import.
fn slot_energy(id: u32, profile: &[f64], watts: f64, slot: u32, offset: u32) -> (u64, u64) {
	let hour = ((slot + offset) % DATA_HOURS) as usize;
	let wh = (profile[hour] * watts / 60.0).round() as u64;
	if id <= 2 {
		(0, wh)
	} else {
		(wh, 0)
	}
}

/// Imports each demo meter's history of the `HISTORY` slots before `until` into the node's
/// off-chain storage, as the chain's off-chain index would have stored its readings
/// (`offchain_localStorageSet`, persistent).
async fn import_history(client: &RpcClient, until: u32, offset: u32) -> Result<()> {
	for (id, name, watts) in METERS {
		let profile = column(name)?;
		let mut registers = (0u64, 0u64);
		for slot in until - HISTORY..until {
			let (import, export) = slot_energy(id, &profile, watts, slot, offset);
			registers = (registers.0 + import, registers.1 + export);
			let sequence = u64::from(slot + HISTORY - until) + 1;
			let key = offchain_reading_key(id, slot);
			let value = indexed_reading(sequence, import, export, registers);
			let params = vec!["PERSISTENT".into(), hex_of(&key).into(), hex_of(&value).into()];
			rpc(client, "offchain_localStorageSet", params).await?;
		}
	}
	Ok(())
}

fn hex_of(bytes: &[u8]) -> String {
	format!("0x{}", bytes.iter().map(|b| format!("{b:02x}")).collect::<String>())
}

/// The gateway: reports every demo meter for every slot from `from` (their installation) on
/// as slots end; a reading carries the meter's cumulative registers.
async fn run_gateway(
	api: OnlineClient<PolkadotConfig>,
	client: Arc<RpcClient>,
	from: u32,
	offset: u32,
) -> Result<()> {
	let genesis = api.genesis_hash().0;
	let gateway = sr25519::Keypair::from_uri(&SecretUri::from_str("//Gateway")?)?;
	let mut meters = Vec::new();
	for (id, name, watts) in METERS {
		let key = sr25519::Keypair::from_uri(&SecretUri::from_str(&format!("//meter//{id}"))?)?;
		// The meter's cumulative registers (import, export), Wh: what a reading reports.
		meters.push((id, column(name)?, watts, key, (0u64, 0u64)));
	}
	let mut next = from;
	loop {
		let current = current_slot(&client).await?;
		if next < current {
			let mut readings = Vec::new();
			for slot in next..current {
				for (id, profile, watts, key, registers) in &mut meters {
					let (import, export) = slot_energy(*id, profile, *watts, slot, offset);
					*registers = (registers.0 + import, registers.1 + export);
					// Sequence numbers count the meter's readings from the first one.
					let sequence = u64::from(slot - from) + 1;
					let reading: Reading = (*id, sequence, slot, registers.0, registers.1);
					readings.push((reading, sign_reading(genesis, key, reading)));
				}
			}
			for chunk in readings.chunks(1_000) {
				let events = submit_readings(&api, &gateway, chunk.to_vec()).await?;
				let accepted = events.iter().filter(|e| *e == "ReadingAccepted").count();
				println!(
					"gateway: slots {next}..{current}: {accepted} of {} accepted",
					chunk.len()
				);
			}
			next = current;
		}
		tokio::time::sleep(Duration::from_secs(2)).await;
	}
}

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
	let offset = 24 * 160 + (12 + 48 - (start + 6) % 24) % 24;
	// The meters' history ends where the chain's first block installed them.
	let installed = storage_u64(&api, "Meters", "GenesisSlot", vec![])
		.await?
		.ok_or_else(|| anyhow!("block 1 recorded no GenesisSlot"))? as u32;
	import_history(&client, installed, offset).await?;
	println!("imported {HISTORY} slots of history before slot {installed}");
	let gateway = tokio::spawn(run_gateway(api.clone(), client.clone(), installed, offset));

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
