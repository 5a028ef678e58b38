//! A market hour on the dev chain's grid, end to end: the demo community's auction for a slot
//! opens by itself; the DSO withholds most of transformer T1's export headroom for the slot (a
//! congestion forecast); Bob (on T1) offers PV energy, Eve (on T1 with him), Ferdie and One (on
//! T2) bid; at gate closure the book clears under `AverageBid` on the grid: Ferdie's
//! cross-feeder trade is trimmed to what T1 may still carry, Eve's same-feeder trade is not, and
//! T1's cut is recorded; once the slot has ended, Bob's meter attests what his PV exported in it;
//! after the grace window the trades settle against that attestation: the slot's tokens retired
//! for the buyers, the sellers' price to Bob, the network charges to the DSO, the unsold rest
//! bought by the utility at the feed-in tariff. Balances and the slot's certificate must add up.
//! Eve's consumption reading of the slot then claims her delivered Wh; her 24/7 matching report
//! (`energy-certificates matching`) shows the claim, and the slot's EnergyTag export
//! (`energy-certificates export`) validates against the shipped schema.
//!
//! Run: `cargo test --test dev_market -- --nocapture` (after building `energy-node`).

use anyhow::{anyhow, bail, Result};
use energy_zombienet::{
	chain::{
		certificate, signing_payload, storage_u64, submit, submit_reading, token_holdings,
		wait_for_end_of,
	},
	client_binary, wait_until, DevNode,
};
use serde_json::Value as Json;
use std::{str::FromStr, time::Duration};
use zombienet_sdk::{
	subxt::{
		self,
		backend::rpc::RpcClient,
		dynamic::{At, Value},
		ext::subxt_rpcs::client::RpcParams,
		OnlineClient, PolkadotConfig,
	},
	subxt_signer::{
		sr25519::{self, dev},
		SecretUri,
	},
};

async fn rpc(client: &RpcClient, method: &str, params: Vec<Json>) -> Result<Json> {
	let mut rpc_params = RpcParams::new();
	for param in params {
		rpc_params.push(param)?;
	}
	Ok(client.request::<Json>(method, rpc_params).await?)
}

/// The slot's report at the finalized head: storage queries (`at_latest`) read that block too.
async fn slot_report(client: &RpcClient, slot: u32) -> Result<Json> {
	let finalized = rpc(client, "chain_getFinalizedHead", vec![]).await?;
	rpc(client, "market_slotReport", vec![slot.into(), finalized]).await
}

/// `free + reserved` (holds are reserved) of `who`.
async fn money(api: &OnlineClient<PolkadotConfig>, who: [u8; 32]) -> Result<(u128, u128)> {
	let address = subxt::dynamic::storage("System", "Account", vec![Value::from_bytes(who)]);
	let account = api
		.storage()
		.at_latest()
		.await?
		.fetch(&address)
		.await?
		.ok_or_else(|| anyhow!("no account"))?
		.to_value()?;
	let field = |name: &str| {
		account.at("data").at(name).and_then(|v| v.as_u128()).ok_or_else(|| anyhow!("no {name}"))
	};
	Ok((field("free")?, field("reserved")?))
}

fn u(report: &Json, field: &str) -> u128 {
	report[field].as_u64().map(u128::from).unwrap_or_default()
}

/// The mean of the three bids, rounded down: AverageBid's clearing price.
const MCP: u128 = (95_000 + 94_000 + 55_000) / 3;

fn field(value: &Value<u32>, name: &str) -> Result<u128> {
	value.at(name).and_then(|v| v.as_u128()).ok_or_else(|| anyhow!("no {name} in {value:?}"))
}

/// The items of a stored bounded vector: its value wraps the sequence in a one-field
/// composite.
fn items(value: &Value<u32>) -> Vec<&Value<u32>> {
	let inner = value.at(0).filter(|first| first.at(0).is_some()).unwrap_or(value);
	(0..).map_while(|index| inner.at(index)).collect()
}

/// The trades of cleared `slot` (its first page) as (Wh, buyer price, seller price), in
/// matching order.
async fn cleared_trades(
	api: &OnlineClient<PolkadotConfig>,
	slot: u32,
) -> Result<Vec<(u128, u128, u128)>> {
	let address = subxt::dynamic::storage(
		"Market",
		"TradePages",
		vec![Value::u128(slot.into()), Value::u128(0)],
	);
	let page = api.storage().at_latest().await?.fetch(&address).await?;
	let page = page.ok_or_else(|| anyhow!("no trades for slot {slot}"))?.to_value()?;
	let mut trades = Vec::new();
	for trade in items(&page) {
		trades.push((
			field(trade, "wh")?,
			field(trade, "buyer_price")?,
			field(trade, "seller_price")?,
		));
	}
	Ok(trades)
}

/// What the clearing of `slot` put on grid element `element`: (Wh up, Wh down, cut up, cut
/// down).
async fn element_loading(
	api: &OnlineClient<PolkadotConfig>,
	slot: u32,
	element: u128,
) -> Result<(u128, u128, u128, u128)> {
	let address = subxt::dynamic::storage("Market", "SlotLoading", vec![Value::u128(slot.into())]);
	let loading = api.storage().at_latest().await?.fetch(&address).await?;
	let loading = loading.ok_or_else(|| anyhow!("no grid loading for slot {slot}"))?.to_value()?;
	for entry in items(&loading) {
		if field(entry, "element")? == element {
			return Ok((
				field(entry, "up_wh")?,
				field(entry, "down_wh")?,
				field(entry, "cut_up_wh")?,
				field(entry, "cut_down_wh")?,
			));
		}
	}
	bail!("element {element} has no loading in slot {slot}")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_market_hour_opens_clears_settles_and_adds_up() -> Result<()> {
	let node = DevNode::start().await?;
	let api = OnlineClient::<PolkadotConfig>::from_url(node.url()).await?;
	let client = RpcClient::from_url(node.url()).await?;
	wait_until("the first block", Duration::from_secs(60), || async {
		Ok(storage_u64(&api, "Timestamp", "Now", vec![]).await?.unwrap_or(0) > 0)
	})
	.await?;

	// 1. An auction three slots ahead is open (the dev schedule opens 3 one-minute slots ahead).
	let current = rpc(&client, "market_currentSlot", vec![]).await?.as_u64().unwrap_or(0) as u32;
	let mut slot = current + 3;
	if slot_report(&client, slot).await?["status"] != "Open" {
		slot -= 1;
	}
	let opened = slot_report(&client, slot).await?;
	println!("current slot {current}; market_slotReport({slot}) = {opened}");
	if opened["status"] != "Open" {
		bail!("no open auction for slot {slot}: {opened}");
	}
	assert_eq!(opened["rule"], "average-bid");
	assert_eq!(u(&opened, "retail"), 95_000);

	// 2. The DSO lowers T1 (element 10) to 600 W out of its feeder for the slot: 10 Wh in a
	//    one-minute slot. Bob offers 80 Wh of his PV (RES 0, point 101 on T1) at 0.040/kWh.
	//    Ferdie (meter 4, point 205 on T2) bids 30 Wh at 0.095, Eve (meter 3, point 104 on T1)
	//    40 Wh at 0.094, One (meter 5, on T2) 10 Wh at 0.055. AverageBid: MCP = the mean bid,
	//    81,333; One is under it. Ferdie's energy would cross Bob's line, T1, T2 and his line
	//    (5,000 per kWh of charges), Eve's only the two lines (1,000).
	let (bob, eve, ferdie) = (dev::bob(), dev::eve(), dev::ferdie());
	let one = sr25519::Keypair::from_uri(&SecretUri::from_str("//One")?)?;
	let dso = sr25519::Keypair::from_uri(&SecretUri::from_str("//Dso")?)?;
	let withhold = subxt::dynamic::tx(
		"Grid",
		"withhold",
		vec![
			Value::u128(10),
			Value::u128(slot.into()),
			Value::u128(1),
			Value::u128(600),
			Value::u128(12_000),
		],
	);
	let withheld = submit(&api, &dso, &withhold).await?;
	println!("withhold: {withheld:?}");
	assert!(withheld.contains(&("Grid".into(), "HeadroomWithheld".into())));
	let offer = subxt::dynamic::tx(
		"Market",
		"place_offer",
		vec![Value::u128(slot.into()), Value::u128(0), Value::u128(80), Value::u128(40_000)],
	);
	// Each bid names the buyer's household meter (dev presets: Eve's is 3, Ferdie's 4, One's 5).
	let bid = |meter: u128, wh: u128, price: u128| {
		subxt::dynamic::tx(
			"Market",
			"place_bid",
			vec![Value::u128(slot.into()), Value::u128(meter), Value::u128(wh), Value::u128(price)],
		)
	};
	let (eve_bid, ferdie_bid, one_bid) =
		(bid(3, 40, 94_000), bid(4, 30, 95_000), bid(5, 10, 55_000));
	let (a, b, c, d) = tokio::try_join!(
		submit(&api, &bob, &offer),
		submit(&api, &eve, &eve_bid),
		submit(&api, &ferdie, &ferdie_bid),
		submit(&api, &one, &one_bid),
	)?;
	println!("orders: {a:?} {b:?} {c:?} {d:?}");
	assert!(a.contains(&("Market".into(), "OfferPlaced".into())));
	for placed in [b, c, d] {
		assert!(placed.contains(&("Market".into(), "BidPlaced".into())));
	}

	// 3. Gate closure: the book clears by itself, on the grid as it stood then.
	wait_until("the auction to clear", Duration::from_secs(200), || async {
		Ok(slot_report(&client, slot).await?["status"] == "Cleared")
	})
	.await?;
	let cleared = slot_report(&client, slot).await?;
	println!("cleared: {cleared}");
	assert_eq!(u(&cleared, "mcp"), MCP);
	// Without the grid Ferdie would get 30 Wh and Eve 40; T1 lets 10 Wh out of the feeder.
	assert_eq!(u(&cleared, "volume_wh"), 10 + 40);
	let trades = cleared_trades(&api, slot).await?;
	println!("trades (Wh, buyer price, seller price): {trades:?}");
	assert_eq!(
		trades,
		vec![(10, MCP + 5_000, MCP), (40, MCP + 1_000, MCP)],
		"the cross-feeder trade trimmed to T1's room, the same-feeder trade in full"
	);
	let t1 = element_loading(&api, slot, 10).await?;
	println!("T1 loading (up, down, cut up, cut down): {t1:?}");
	assert_eq!(t1, (10, 0, 20, 0), "T1 carried its 10 Wh and cut 20");
	assert_eq!(element_loading(&api, slot, 20).await?.2, 0, "T2 cut nothing");

	// Every transaction that moves money is in: what follows is the market's own doing (a
	// gateway's readings pay no fee).
	let utility = sr25519::Keypair::from_uri(&SecretUri::from_str("//Utility")?)?.public_key().0;
	let who = [
		bob.public_key().0,
		eve.public_key().0,
		ferdie.public_key().0,
		one.public_key().0,
		utility,
		dso.public_key().0,
	];
	let mut before = Vec::new();
	for account in who {
		before.push((money(&api, account).await?, token_holdings(&api, account).await?));
	}

	// 4. Bob's PV meter 0 attests what it exported, via the demo gateway: first the slot
	//    before (nothing: all of Bob's export is in the traded slot), then, once the traded
	//    slot has ended and within its grace window, 70 Wh in the slot.
	let genesis: [u8; 32] = api.genesis_hash().0;
	let meter = sr25519::Keypair::from_uri(&SecretUri::from_str("//meter//0")?)?;
	let gateway = sr25519::Keypair::from_uri(&SecretUri::from_str("//Gateway")?)?;
	for (reading, closes) in
		[((0u32, 1u64, slot - 1, 0u64, 0u64), slot - 1), ((0, 2, slot, 0, 70), slot)]
	{
		wait_for_end_of(&node.url(), closes).await?;
		let signature = meter
			.sign(&signing_payload(genesis, reading.0, reading.1, reading.2, reading.3, reading.4))
			.0;
		let events = submit_reading(&api, &gateway, reading, signature).await?;
		println!("reading of slot {closes}: {events:?}");
		assert!(events.contains(&"ReadingAccepted".to_string()));
	}

	// 5. After the slot and its grace window, the trade settles.
	wait_until("the auction to settle", Duration::from_secs(200), || async {
		Ok(slot_report(&client, slot).await?["status"] == "Settled")
	})
	.await?;
	let settled = slot_report(&client, slot).await?;
	println!("settled: {settled}");
	// 50 Wh delivered: Bob receives MCP for each trade, each buyer pays MCP plus its path's
	// charges (rounded down per trade, as the chain does); the other 20 attested Wh go to the
	// utility at 39,000/kWh = 780.
	let cost = |price: u128, wh: u128| price * wh / 1_000;
	let (to_bob, ferdie_pays, eve_pays) =
		(cost(MCP, 10) + cost(MCP, 40), cost(MCP + 5_000, 10), cost(MCP + 1_000, 40));
	let charges = ferdie_pays + eve_pays - to_bob;
	assert_eq!(u(&settled, "delivered_wh"), 50);
	assert_eq!(u(&settled, "shortfall_wh"), 0);
	assert_eq!(u(&settled, "paid"), to_bob);
	assert_eq!(u(&settled, "charges"), charges);
	assert!(charges > 0, "network charges are paid");
	assert_eq!(u(&settled, "feed_in_wh"), 20);
	assert_eq!(u(&settled, "feed_in_paid"), 780);

	let mut after = Vec::new();
	for account in who {
		after.push((money(&api, account).await?, token_holdings(&api, account).await?));
	}
	let total = |((free, reserved), _): &((u128, u128), u64)| (*free + *reserved) as i128;
	let deltas: Vec<i128> = before.iter().zip(&after).map(|(b, a)| total(a) - total(b)).collect();
	println!("money deltas (Bob, Eve, Ferdie, One, Utility, DSO): {deltas:?}");
	let i = |amount: u128| amount as i128;
	assert_eq!(
		deltas,
		vec![i(to_bob + 780), -i(eve_pays), -i(ferdie_pays), 0, -780, i(charges)],
		"the network charges arrive at the DSO"
	);
	assert_eq!(deltas.iter().sum::<i128>(), 0, "money in = money out");
	// The hour's holds are gone: Bob's offer deposit and both bids' unused maximum cost are
	// back. All that stays held are the deposits of the demo members' standing orders
	// (`StandingOrderDeposit` per template, until cancelled).
	let deposit = api
		.constants()
		.at(&subxt::dynamic::constant("Market", "StandingOrderDeposit"))?
		.to_value()?
		.as_u128()
		.ok_or_else(|| anyhow!("no StandingOrderDeposit"))?;
	let names = ["Bob", "Eve", "Ferdie", "One", "Utility", "DSO"];
	for ((((_, held), _), account), name) in after.iter().zip(who).zip(names) {
		let templates =
			storage_u64(&api, "Market", "StandingOrdersOf", vec![Value::from_bytes(account)])
				.await?
				.unwrap_or(0) as u128;
		assert_eq!(*held, templates * deposit, "{name} still has funds of this hour held");
	}
	// Tokens: the slot's certificate of Bob's RES says where its 70 Wh went: 50 delivered to
	// Ferdie (10) and Eve (40), who hold them, active, until their consumption of the slot is
	// metered; 20 fed in. Bob holds none of it, the utility neither.
	let settled_certificate = certificate(&api, slot, 0)
		.await?
		.ok_or_else(|| anyhow!("no certificate for slot {slot}"))?;
	println!(
		"certificate (minted, claimed, cancelled, expired, withdrawn, fed in): {settled_certificate:?}"
	);
	assert_eq!(settled_certificate, [70, 0, 0, 0, 0, 20]);
	assert_eq!(after[0].1, before[0].1, "Bob holds none of the slot's tokens");
	assert_eq!(after[1].1 - before[1].1, 40, "Eve holds what was delivered to her");
	assert_eq!(after[2].1 - before[2].1, 10, "Ferdie holds what was delivered to him");
	assert_eq!(after[4].1, before[4].1, "fed-in tokens are not held by the utility");

	// 6. Eve's consumption meter (3) reports the traded slot after the settlement: 55 Wh
	//    imported. Her 40 delivered Wh wait for it and are claimed against it in the next
	//    block's idle time; Ferdie's 10 stay active (his meter has not reported).
	let eve_meter = sr25519::Keypair::from_uri(&SecretUri::from_str("//meter//3")?)?;
	for reading in [(3u32, 1u64, slot - 1, 0u64, 0u64), (3, 2, slot, 55, 0)] {
		let signature = eve_meter
			.sign(&signing_payload(genesis, reading.0, reading.1, reading.2, reading.3, reading.4))
			.0;
		let events = submit_reading(&api, &gateway, reading, signature).await?;
		println!("Eve's reading of slot {}: {events:?}", reading.2);
		assert!(events.contains(&"ReadingAccepted".to_string()));
	}
	let claimed = |c: Option<[u64; 6]>| c.map_or(0, |c| c[1]);
	wait_until("Eve's delivered Wh to be claimed", Duration::from_secs(60), || async {
		Ok(claimed(certificate(&api, slot, 0).await?) == 40)
	})
	.await?;
	let claimed_certificate = certificate(&api, slot, 0).await?;
	println!(
		"after Eve's reading (minted, claimed, cancelled, expired, withdrawn, fed in): {claimed_certificate:?}"
	);
	assert_eq!(claimed_certificate, Some([70, 40, 0, 0, 0, 20]));
	assert_eq!(token_holdings(&api, eve.public_key().0).await?, after[1].1 - 40);
	assert_eq!(token_holdings(&api, ferdie.public_key().0).await?, after[2].1);

	// 7. Eve's 24/7 matching report for the slot (`energy-certificates matching`, over the
	//    node's `certificates_matching`) shows the claim: 55 Wh consumed, 40 Wh matched.
	let eve_address = eve.public_key().to_account_id().to_string();
	let slot_arg = slot.to_string();
	let span = ["--from-slot", &slot_arg, "--to-slot", &slot_arg];
	let matching = ["matching", "--who", &eve_address, "--format", "json"];
	let report = certificates_cli(&node.url(), &[&matching[..], &span[..]].concat()).await?;
	let report: Json = serde_json::from_str(&report)?;
	println!("Eve's matching report: hours {}, total {}", report["hours"], report["total"]);
	assert_eq!(report["hours"].as_array().map(Vec::len), Some(1));
	let hour = &report["hours"][0];
	assert_eq!(
		(u(hour, "slot"), u(hour, "consumed_wh"), u(hour, "matched_wh")),
		(slot as u128, 55, 40)
	);
	assert_eq!(report["total"]["cfe_score"].as_f64(), Some(40.0 / 55.0));
	let community =
		rpc(&client, "certificates_matching", vec![Json::Null, slot.into(), slot.into()]).await?;
	assert!(u(&community["hours"][0], "matched_wh") >= 40, "the community's report: {community}");

	// 8. The slot's export (`energy-certificates export`, over `certificates_export`) validates
	//    against the shipped schema (the CLI refuses to write an invalid one; `validate` checks
	//    the file again) and holds Eve's claimed bundle, Ferdie's active one and the 20 Wh the
	//    utility bought, as EnergyTag GC bundles.
	let file =
		std::env::temp_dir().join(format!("energy-export-{}-{slot}.json", std::process::id()));
	let file_arg = file.to_string_lossy().to_string();
	let export = ["export", "--out", &file_arg];
	certificates_cli(&node.url(), &[&export[..], &span[..]].concat()).await?;
	certificates_cli(&node.url(), &["validate", &file_arg]).await?;
	let export: Json = serde_json::from_str(&std::fs::read_to_string(&file)?)?;
	std::fs::remove_file(&file)?;
	let bundles: Vec<(String, String, String, u128)> = export["granular_certificate_bundles"]
		.as_array()
		.ok_or_else(|| anyhow!("no bundles: {export}"))?
		.iter()
		.map(|b| {
			(
				b["account_id"].as_str().unwrap_or_default().to_string(),
				b["certificate_bundle_status"].as_str().unwrap_or_default().to_string(),
				b["chain_status"].as_str().unwrap_or_default().to_string(),
				u(b, "bundle_quantity"),
			)
		})
		.collect();
	println!("export of slot {slot}: {bundles:?}");
	let (bob_address, ferdie_address) = (
		bob.public_key().to_account_id().to_string(),
		ferdie.public_key().to_account_id().to_string(),
	);
	for expected in [
		(eve_address.clone(), "Claimed", "Claimed", 40),
		(ferdie_address, "Active", "Active", 10),
		(bob_address, "Cancelled", "FedIn", 20),
	] {
		let expected = (expected.0, expected.1.to_string(), expected.2.to_string(), expected.3);
		assert!(bundles.contains(&expected), "{expected:?} not in the export");
	}
	assert_eq!(export["registry"]["issuing_body"], "Dev Energy Community");
	Ok(())
}

/// Runs `energy-certificates --url <url> <args>` and returns what it wrote to standard output;
/// an error carries its standard error.
async fn certificates_cli(url: &str, args: &[&str]) -> Result<String> {
	let output = tokio::process::Command::new(client_binary("energy-certificates")?)
		.arg("--url")
		.arg(url)
		.args(args)
		.output()
		.await?;
	let stderr = String::from_utf8_lossy(&output.stderr);
	println!("energy-certificates {}: {}", args.join(" "), stderr.trim());
	if !output.status.success() {
		bail!("energy-certificates {args:?} failed: {stderr}");
	}
	Ok(String::from_utf8(output.stdout)?)
}
