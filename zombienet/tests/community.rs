//! A market day end to end on four validators: a simulated community of 20 members (8 PV
//! roofs, 28 meters, half trading by standing orders, half by hand) is onboarded; the meter
//! gateway (`energy-gateway run`, a separate process) replays their profiles; the gateway is
//! killed with SIGKILL mid-run and restarted on its queue. Checks: every slot of every meter
//! has exactly one accepted reading (nothing lost, nothing applied twice), the gateway
//! rejected nothing, tokens minted are the attested PV export of the readings that arrived
//! while their slot could still be delivered (the readings the killed gateway sends late are
//! metered, not certified), the auctions of six consecutive slots cleared with trades and
//! settled, and the money only moved: the total issuance fell by exactly the transaction fees.
//!
//! Run: `cargo build -p energy-gateway && cargo test --test community -- --nocapture`
//! (after building `energy-node`).

use std::{collections::BTreeMap, process::Stdio, time::Duration};

use anyhow::{anyhow, ensure, Context, Result};
use energy_gateway::{
	chain::Chain,
	community::{self, CommunityPaths},
	queue::Queue,
	replay::Flow,
	runtime::energy::{self, runtime_types::pallet_market::types::AuctionStatus},
};
use energy_zombienet::{finalized_height, gateway_binary, spawn_native, wait_until};
use tokio::process::{Child, Command};

/// Slots the gateway meters after onboarding.
const SLOTS: u32 = 8;

fn start_gateway(url: &str, dir: &std::path::Path, until_slot: u32) -> Result<Child> {
	let paths = CommunityPaths::new(dir);
	Command::new(gateway_binary())
		.arg("run")
		.args(["--url", url])
		.arg("--keystore")
		.arg(&paths.keystore)
		.arg("--replay")
		.arg(&paths.replay)
		.arg("--store")
		.arg(dir.join("queue.redb"))
		.args(["--until-slot", &until_slot.to_string()])
		.stdout(Stdio::inherit())
		.stderr(Stdio::inherit())
		.kill_on_drop(true)
		.spawn()
		.with_context(|| {
			format!(
				"{} (build it with `cargo build -p energy-gateway`)",
				gateway_binary().display()
			)
		})
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

	// 1. Onboarding.
	let setup = community::setup(&url, &dir, 20, "//Alice", "//Dso", 4_306).await?;
	let chain = Chain::connect(&url).await?;
	let api = &chain.api;
	let start_block = finalized_height(alice).await?;
	let start = api.storage().at_latest().await?;
	let minted_before =
		start.fetch_or_default(&energy::storage().energy_tokens().total_minted()).await?;
	let issuance_before =
		start.fetch_or_default(&energy::storage().balances().total_issuance()).await?;
	let anchor = setup.anchor_slot;
	let until = anchor + SLOTS;
	println!("community set up: {} members, slots {anchor}..={until}", setup.members.len());

	// 2. The gateway and the hand traders; the gateway is killed after three slots.
	let traders = tokio::spawn({
		let (url, dir) = (url.clone(), dir.clone());
		async move { community::trade(&url, &dir, Some(until)).await }
	});
	let mut gateway = start_gateway(&url, &dir, until)?;
	wait_until("three slots metered", Duration::from_secs(300), || async {
		Ok(chain.last_ended_slot().await?.unwrap_or(0) >= anchor + 3)
	})
	.await?;
	// A few seconds after a slot ended the gateway has sent its readings and waits for
	// finality: the likeliest moment to lose or duplicate them.
	tokio::time::sleep(Duration::from_secs(4)).await;
	gateway.kill().await?;
	println!("gateway killed (SIGKILL) at slot {:?}", chain.last_ended_slot().await?);
	tokio::time::sleep(Duration::from_secs(75)).await;
	let restarted = start_gateway(&url, &dir, until)?.wait_with_output();
	let status = tokio::time::timeout(Duration::from_secs(600), restarted).await??.status;
	ensure!(status.success(), "the restarted gateway failed: {status}");
	traders.await??;

	// 3. Wait for the settlement of the last traded slot.
	let last_traded = until - 1;
	wait_until("the last slot to settle", Duration::from_secs(180), || async {
		let report = api
			.runtime_api()
			.at_latest()
			.await?
			.call(energy::apis().market_api().slot_report(last_traded))
			.await?;
		Ok(report.is_some_and(|auction| matches!(auction.status, AuctionStatus::Settled)))
	})
	.await?;

	// 4. Every block since onboarding: readings, mints, clearing, settlement, fees.
	let end_block = finalized_height(alice).await?;
	let meters: BTreeMap<u32, Flow> = setup
		.members
		.iter()
		.flat_map(|m| m.meters.iter().map(|(id, _, flow)| (*id, *flow)))
		.collect();
	let mut readings: BTreeMap<u32, Vec<(u64, u32)>> = BTreeMap::new();
	let mut minted_events = 0u128;
	let mut export_attested = 0u128;
	let mut late_readings = 0u32;
	let mut cleared: BTreeMap<u32, (u32, u64)> = BTreeMap::new();
	let mut settled = Vec::new();
	let mut fees = 0u128;
	let mut dust = 0u128;
	let rpc = subxt::backend::legacy::LegacyRpcMethods::<subxt::PolkadotConfig>::new(
		subxt::backend::rpc::RpcClient::from_url(&url).await?,
	);
	for number in start_block + 1..=end_block {
		let hash = rpc
			.chain_get_block_hash(Some(number.into()))
			.await?
			.ok_or_else(|| anyhow!("no block {number}"))?;
		let events = api.blocks().at(hash).await?.events().await?;
		for event in events.iter() {
			let event = event?;
			if let Some(e) = event.as_event::<energy::meters::events::ReadingAccepted>()? {
				if meters.contains_key(&e.meter) {
					readings.entry(e.meter).or_default().push((e.sequence, e.slot));
					if meters[&e.meter] == Flow::Export {
						export_attested += e.export_wh as u128;
						late_readings += u32::from(e.minted_wh < e.export_wh);
					}
				}
				minted_events += e.minted_wh as u128;
			} else if let Some(e) = event.as_event::<energy::market::events::Cleared>()? {
				cleared.insert(e.slot, (e.trades, e.volume_wh));
			} else if let Some(e) = event.as_event::<energy::market::events::Settled>()? {
				settled.push(e.slot);
			} else if let Some(e) =
				event.as_event::<energy::transaction_payment::events::TransactionFeePaid>()?
			{
				fees += e.actual_fee + e.tip;
			} else if let Some(e) = event.as_event::<energy::balances::events::DustLost>()? {
				dust += e.amount;
			}
		}
	}
	let end = api.storage().at_latest().await?;
	let minted_after =
		end.fetch_or_default(&energy::storage().energy_tokens().total_minted()).await?;
	let issuance_after =
		end.fetch_or_default(&energy::storage().balances().total_issuance()).await?;

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
	let counters = Queue::open(&dir.join("queue.redb"))?.counters()?;
	println!("gateway counters after the restart: {counters:?}");
	ensure!(counters.rejected.is_empty(), "rejected readings: {:?}", counters.rejected);
	// Readings in flight when the gateway was killed were applied by the chain; the restarted
	// gateway finds them on the finalized page ("already on chain") instead of applying them
	// again.
	let metered = (counters.accepted + counters.already_on_chain) as usize;
	ensure!(counters.produced as usize == metered);
	ensure!(metered == meters.len() * (until - first_slot + 1) as usize);

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
