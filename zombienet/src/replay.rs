//! Replaying the demo meters from the real profiles of `data/`: their past imported into the
//! node's off-chain storage (as the chain's off-chain index would have stored it), a gateway
//! that reports them slot by slot, and the forecasts the node's off-chain worker makes of them.

use std::{str::FromStr, sync::Arc, time::Duration};

use anyhow::{anyhow, Context, Result};
use serde_json::Value as Json;
use zombienet_sdk::{
	subxt::{
		self, backend::rpc::RpcClient, dynamic::At, dynamic::Value,
		ext::subxt_rpcs::client::RpcParams, OnlineClient, PolkadotConfig,
	},
	subxt_signer::{sr25519, SecretUri},
};

use crate::chain::{indexed_reading, offchain_reading_key, sign_reading, submit_readings, Reading};

/// Slots of metering history imported before the chain started: more than the 168 + 83 the
/// lag-only model needs. (No reading may close a slot before its meter's installation, so a
/// meter's past comes in as history, not as readings.)
pub const HISTORY: u32 = 300;

/// Hours in the 2016 data (a leap year).
pub const DATA_HOURS: u32 = 8_784;

/// A demo meter to replay: its id, the data column and the watts one unit of the column stands
/// for (PV columns per unit of nameplate; household columns are in kW, and each consumption
/// meter stands for a building of ten such households, so that a one-minute slot has whole Wh
/// to trade). Meters 0–2 are production meters (they export), the others consumption meters.
pub type ReplayMeter = (u32, &'static str, f64);

/// A data column.
pub fn column(name: &str) -> Result<Vec<f64>> {
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

/// A JSON-RPC call with positional parameters.
pub async fn rpc(client: &RpcClient, method: &str, params: Vec<Json>) -> Result<Json> {
	let mut rpc_params = RpcParams::new();
	for param in params {
		rpc_params.push(param)?;
	}
	Ok(client.request(method, rpc_params).await?)
}

/// `market_currentSlot`.
pub async fn market_slot(client: &RpcClient) -> Result<u32> {
	Ok(rpc(client, "market_currentSlot", vec![]).await?.as_u64().unwrap_or(0) as u32)
}

/// The replay offset that makes `slot` replay data hour `hour` (0 = 2016-01-01 00:00): the
/// offset [`slot_energy`] and [`import_history`] take. Slot numbers grow by 1,440 a day, a
/// whole year of data every six days, so a test that wants a season computes it from the slot.
pub fn offset_replaying(slot: u32, hour: u32) -> u32 {
	(hour % DATA_HOURS + DATA_HOURS - slot % DATA_HOURS) % DATA_HOURS
}

/// A demo meter's import and export (Wh) in `slot`: data hour `(slot + offset) mod 8784`,
/// W / 60 per one-minute slot; production meters export, consumption meters import.
pub fn slot_energy(id: u32, profile: &[f64], watts: f64, slot: u32, offset: u32) -> (u64, u64) {
	let hour = ((slot + offset) % DATA_HOURS) as usize;
	let wh = (profile[hour] * watts / 60.0).round() as u64;
	if id <= 2 {
		(0, wh)
	} else {
		(wh, 0)
	}
}

/// Imports each meter's history of the `HISTORY` slots before `until` into the node's off-chain
/// storage, as the chain's off-chain index would have stored its readings
/// (`offchain_localStorageSet`, persistent).
pub async fn import_history(
	client: &RpcClient,
	meters: &[ReplayMeter],
	until: u32,
	offset: u32,
) -> Result<()> {
	for &(id, name, watts) in meters {
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

/// What the gateway reports of meter `id` in `slot` instead of its profile's `(import,
/// export)`: how a test makes a meter deliver a reduction.
pub type Adjust = Arc<dyn Fn(u32, u32, (u64, u64)) -> (u64, u64) + Send + Sync>;

/// The gateway (`//Gateway`): reports every meter for every slot from `from` (their
/// installation) on as slots end, each reading carrying the meter's cumulative registers of
/// its profile's energy (as `adjust` changes it). Runs until aborted.
pub async fn run_gateway(
	api: OnlineClient<PolkadotConfig>,
	client: Arc<RpcClient>,
	replayed: &[ReplayMeter],
	from: u32,
	offset: u32,
	adjust: Adjust,
) -> Result<()> {
	let genesis = api.genesis_hash().0;
	let gateway = sr25519::Keypair::from_uri(&SecretUri::from_str("//Gateway")?)?;
	let mut meters = Vec::new();
	for &(id, name, watts) in replayed {
		let key = sr25519::Keypair::from_uri(&SecretUri::from_str(&format!("//meter//{id}"))?)?;
		// The meter's cumulative registers (import, export), Wh: what a reading reports.
		meters.push((id, column(name)?, watts, key, (0u64, 0u64)));
	}
	let mut next = from;
	loop {
		let current = market_slot(&client).await?;
		if next < current {
			let mut readings = Vec::new();
			for slot in next..current {
				for (id, profile, watts, key, registers) in &mut meters {
					let (import, export) =
						adjust(*id, slot, slot_energy(*id, profile, *watts, slot, offset));
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

/// `ForecastsApi::latest_forecast(meter)` as `(slot, import_wh, export_wh)`.
pub async fn latest_forecast(
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
pub async fn forecast(
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

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn the_offset_replays_the_asked_hour_at_the_slot() {
		for slot in [0, 1, 8_783, 8_784, 29_940_986, u32::MAX - DATA_HOURS] {
			for hour in [0, 12, 24 * 160 + 12, DATA_HOURS - 1] {
				let offset = offset_replaying(slot, hour);
				assert!(offset < DATA_HOURS);
				assert_eq!((slot as u64 + offset as u64) % DATA_HOURS as u64, hour as u64);
			}
		}
	}
}
