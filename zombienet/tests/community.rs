//! A market day end to end on four validators: a simulated community of 20 members (8 PV
//! roofs, 28 meters, half trading by standing orders, half by hand) is onboarded by
//! `energy-demo setup`; the meter gateway (`energy-gateway run`) replays their profiles and the
//! hand traders (`energy-demo trade`) bid and offer; the gateway is killed with SIGKILL mid-run
//! and restarted on its queue. The test drives the binaries as processes and reads the chain
//! over RPC only. Checks: every slot of every meter has exactly one accepted reading (nothing
//! lost, nothing applied twice), the gateway rejected nothing, tokens minted are the attested
//! PV export of the readings that arrived while their slot could still be delivered (the
//! readings the killed gateway sends late are metered, not certified), the auctions of six
//! consecutive slots cleared with trades and settled, and the money only moved: the total
//! issuance fell by exactly the transaction fees.
//!
//! Run: `cargo build --release -p energy-node -p energy-gateway -p energy-demo` in the main
//! workspace, then `cargo test --test community -- --nocapture` here.

use std::{collections::BTreeMap, path::Path, time::Duration};

use anyhow::{anyhow, ensure, Result};
use energy_zombienet::{
	chain::{self, variant_name},
	client_binary, finalized_height, rpc_call_with, spawn_client, spawn_native, wait_until,
};
use serde_json::Value as Json;
use tokio::process::{Child, Command};
use zombienet_sdk::subxt::{
	self,
	backend::{legacy::LegacyRpcMethods, rpc::RpcClient},
	dynamic::{At, Value},
	ext::subxt_rpcs::rpc_params,
	OnlineClient, PolkadotConfig,
};

type Api = OnlineClient<PolkadotConfig>;

/// Slots the gateway meters after onboarding.
const SLOTS: u32 = 8;

fn start_gateway(url: &str, dir: &Path, until_slot: u32) -> Result<Child> {
	spawn_client(
		Command::new(client_binary("energy-gateway")?)
			.arg("run")
			.args(["--url", url])
			.arg("--keystore")
			.arg(dir.join("keystore.json"))
			.arg("--replay")
			.arg(dir.join("replay.json"))
			.arg("--store")
			.arg(dir.join("queue.redb"))
			.args(["--until-slot", &until_slot.to_string()]),
	)
}

/// A storage value at the last finalized block as a number (0 if absent).
async fn storage_u128(api: &Api, pallet: &str, item: &str) -> Result<u128> {
	Ok(chain::storage_u128(api, pallet, item, vec![]).await?.unwrap_or(0))
}

/// The last market slot that had ended by the last finalized block.
async fn last_ended_slot(api: &Api) -> Result<u32> {
	Ok(chain::current_slot(api).await?.saturating_sub(1))
}

/// A numeric field of an event.
fn field(fields: &Value<u32>, name: &str) -> Result<u128> {
	fields.at(name).and_then(|v| v.as_u128()).ok_or_else(|| anyhow!("no numeric field {name}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_community_trades_for_six_slots_and_a_killed_gateway_loses_nothing() -> Result<()> {
	let network = spawn_native("local-testnet.toml").await?;
	let result = run(&network).await;
	network.destroy().await.ok();
	result
}

async fn run(network: &zombienet_sdk::Network<zombienet_sdk::LocalFileSystem>) -> Result<()> {
	let alice = network.get_node("alice")?;
	let url = alice.ws_uri().to_string();
	wait_until("finality", Duration::from_secs(180), || async {
		Ok(finalized_height(alice).await? >= 2)
	})
	.await?;
	let dir = std::env::temp_dir().join(format!("energy-community-{}", std::process::id()));
	let _ = std::fs::remove_dir_all(&dir);

	// 1. Onboarding, by the demo's own binary.
	let setup = spawn_client(
		Command::new(client_binary("energy-demo")?)
			.arg("setup")
			.args(["--url", &url, "--members", "20", "--start-hour", "4306"])
			.arg("--dir")
			.arg(&dir),
	)?
	.wait()
	.await?;
	ensure!(setup.success(), "energy-demo setup failed: {setup}");
	let community: Json = serde_json::from_slice(&std::fs::read(dir.join("community.json"))?)?;
	let members = community["members"].as_array().ok_or_else(|| anyhow!("no members"))?;
	// Meter id → whether it meters PV export.
	let meters: BTreeMap<u32, bool> = members
		.iter()
		.flat_map(|m| m["meters"].as_array().cloned().unwrap_or_default())
		.map(|meter| (meter[0].as_u64().unwrap_or(u64::MAX) as u32, meter[2] == "export"))
		.collect();
	ensure!(meters.len() >= 20 && !meters.contains_key(&u32::MAX), "meters: {meters:?}");
	let anchor = community["anchor_slot"].as_u64().ok_or_else(|| anyhow!("no anchor"))? as u32;
	let api = Api::from_url(&url).await?;
	let start_block = finalized_height(alice).await?;
	let minted_before = storage_u128(&api, "EnergyTokens", "TotalMinted").await?;
	let issuance_before = storage_u128(&api, "Balances", "TotalIssuance").await?;
	let until = anchor + SLOTS;
	println!("community set up: {} members, slots {anchor}..={until}", members.len());

	// 2. The gateway and the hand traders; the gateway is killed after three slots.
	let mut traders = spawn_client(
		Command::new(client_binary("energy-demo")?)
			.arg("trade")
			.args(["--url", &url, "--until-slot", &until.to_string()])
			.arg("--dir")
			.arg(&dir),
	)?;
	let mut gateway = start_gateway(&url, &dir, until)?;
	wait_until("three slots metered", Duration::from_secs(300), || async {
		Ok(last_ended_slot(&api).await? >= anchor + 3)
	})
	.await?;
	// A few seconds after a slot ended the gateway has sent its readings and waits for
	// finality: the likeliest moment to lose or duplicate them.
	tokio::time::sleep(Duration::from_secs(4)).await;
	gateway.kill().await?;
	println!("gateway killed (SIGKILL) at slot {}", last_ended_slot(&api).await?);
	tokio::time::sleep(Duration::from_secs(75)).await;
	let mut restarted = start_gateway(&url, &dir, until)?;
	let status = tokio::time::timeout(Duration::from_secs(600), restarted.wait()).await??;
	ensure!(status.success(), "the restarted gateway failed: {status}");
	let status = tokio::time::timeout(Duration::from_secs(300), traders.wait()).await??;
	ensure!(status.success(), "the traders failed: {status}");

	// 3. Wait for the settlement of the last traded slot (`market_slotReport` at the finalized
	//    head).
	let last_traded = until - 1;
	wait_until("the last slot to settle", Duration::from_secs(180), || async {
		let head = rpc_call_with(alice, "chain_getFinalizedHead", rpc_params![]).await?;
		let report =
			rpc_call_with(alice, "market_slotReport", rpc_params![last_traded, head]).await?;
		Ok(report["status"] == "Settled")
	})
	.await?;

	// 4. Every block since onboarding: readings, mints, clearing, settlement, fees.
	let end_block = finalized_height(alice).await?;
	let mut readings: BTreeMap<u32, Vec<(u64, u32)>> = BTreeMap::new();
	let mut minted_events = 0u128;
	let mut export_attested = 0u128;
	let mut late_readings = 0u32;
	let mut rejected = Vec::new();
	let mut cleared: BTreeMap<u32, (u128, u128)> = BTreeMap::new();
	let mut settled = Vec::new();
	let mut fees = 0u128;
	let mut dust = 0u128;
	let rpc = LegacyRpcMethods::<PolkadotConfig>::new(RpcClient::from_url(&url).await?);
	for number in start_block + 1..=end_block {
		let hash = rpc
			.chain_get_block_hash(Some(number.into()))
			.await?
			.ok_or_else(|| anyhow!("no block {number}"))?;
		let events = api.blocks().at(hash).await?.events().await?;
		for event in events.iter() {
			let event = event?;
			let fields = Value {
				value: subxt::ext::scale_value::ValueDef::Composite(event.field_values()?),
				context: 0,
			};
			match (event.pallet_name(), event.variant_name()) {
				("Meters", "ReadingAccepted") => {
					let meter = field(&fields, "meter")? as u32;
					let (export, minted) =
						(field(&fields, "export_wh")?, field(&fields, "minted_wh")?);
					if let Some(&pv) = meters.get(&meter) {
						let (sequence, slot) =
							(field(&fields, "sequence")?, field(&fields, "slot")?);
						readings.entry(meter).or_default().push((sequence as u64, slot as u32));
						if pv {
							export_attested += export;
							late_readings += u32::from(minted < export);
						}
					}
					minted_events += minted;
				},
				("Meters", "ReadingRejected") => {
					let meter = field(&fields, "meter")? as u32;
					if meters.contains_key(&meter) {
						let reason = fields.at("reason").and_then(variant_name).unwrap_or("?");
						rejected.push((meter, reason.to_string()));
					}
				},
				("Market", "Cleared") => {
					let slot = field(&fields, "slot")? as u32;
					cleared.insert(slot, (field(&fields, "trades")?, field(&fields, "volume_wh")?));
				},
				("Market", "Settled") => settled.push(field(&fields, "slot")? as u32),
				("TransactionPayment", "TransactionFeePaid") => {
					fees += field(&fields, "actual_fee")? + field(&fields, "tip")?;
				},
				("Balances", "DustLost") => dust += field(&fields, "amount")?,
				_ => {},
			}
		}
	}
	let minted_after = storage_u128(&api, "EnergyTokens", "TotalMinted").await?;
	let issuance_after = storage_u128(&api, "Balances", "TotalIssuance").await?;

	// Nothing lost, nothing applied twice: one reading per slot, sequences 1, 2, 3, … for
	// every meter, from the first slot after onboarding to the last.
	let first_slot = readings.values().flat_map(|r| r.first()).map(|(_, s)| *s).min().unwrap_or(0);
	ensure!(first_slot <= anchor, "the first readings close slot {first_slot}, after {anchor}");
	for meter in meters.keys() {
		let got = readings.get(meter).cloned().unwrap_or_default();
		let expected: Vec<(u64, u32)> =
			(first_slot..=until).enumerate().map(|(i, slot)| (i as u64 + 1, slot)).collect();
		ensure!(got == expected, "meter {meter}: readings {got:?}, expected {expected:?}");
	}
	ensure!(rejected.is_empty(), "the chain rejected readings: {rejected:?}");
	// The gateway's own account of it, from `energy-gateway status --json`.
	let status = Command::new(client_binary("energy-gateway")?)
		.args(["status", "--json", "--store"])
		.arg(dir.join("queue.redb"))
		.output()
		.await?;
	ensure!(status.status.success(), "energy-gateway status failed");
	let counters: Json = serde_json::from_slice(&status.stdout)?;
	println!("gateway counters after the restart: {counters}");
	let count = |name: &str| counters[name].as_u64().ok_or_else(|| anyhow!("no counter {name}"));
	ensure!(counters["rejected"] == serde_json::json!({}), "rejected: {}", counters["rejected"]);
	// Readings in flight when the gateway was killed were applied by the chain; the restarted
	// gateway finds them on the finalized page ("already on chain") instead of applying them
	// again.
	let metered = count("accepted")? + count("already_on_chain")?;
	ensure!(count("produced")? == metered && count("backlog")? == 0);
	ensure!(metered as usize == meters.len() * (until - first_slot + 1) as usize);

	// Tokens minted: the attested PV export of the readings that arrived while their slot's
	// auction had not begun settling, one slot each; the rest (readings of the slots around
	// the gateway's kill, sent after their grace window) is metered but not certified.
	println!(
		"minted {} Wh; attested export {export_attested} Wh; {late_readings} PV readings certified \
		 less than their export",
		minted_after - minted_before
	);
	ensure!(export_attested > 0, "the PV roofs exported nothing");
	ensure!(minted_after - minted_before == minted_events, "tokens minted without a reading");
	ensure!(minted_events <= export_attested, "more minted than attested");
	ensure!(minted_events > 0, "nothing certified");

	// Six consecutive auctions cleared with trades and settled.
	let traded: Vec<u32> = (anchor + 2..=last_traded).collect();
	for slot in &traded {
		let (trades, volume) =
			cleared.get(slot).copied().ok_or_else(|| anyhow!("slot {slot} did not clear"))?;
		println!("slot {slot}: {trades} trades, {volume} Wh, settled {}", settled.contains(slot));
		ensure!(trades > 0 && volume > 0, "slot {slot} cleared without trades");
		ensure!(settled.contains(slot), "slot {slot} did not settle");
	}
	ensure!(traded.len() >= 6);

	// Money moved between members, sellers, the utility; only fees left the system.
	println!("issuance {issuance_before} → {issuance_after}; fees {fees}, dust {dust}");
	ensure!(issuance_before - issuance_after == fees + dust, "money was created or destroyed");
	Ok(())
}
