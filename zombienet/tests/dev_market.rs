//! A market hour on the dev chain, end to end: the demo community's auction for a slot opens
//! by itself; Bob offers PV energy, Eve and Ferdie bid; at gate closure the book clears under
//! `AverageBid`; once the slot has ended, Bob's meter attests what his PV exported in it; after
//! the grace window the trade settles against that attestation: the slot's tokens retired for
//! Eve, money to Bob, the unsold rest bought by the utility at the feed-in tariff. Balances and
//! the slot's certificate must add up.
//!
//! Run: `cargo test --test dev_market -- --nocapture` (after building `energy-node`).

use anyhow::{anyhow, bail, Result};
use energy_zombienet::{
	chain::{
		certificate, signing_payload, storage_u64, submit, submit_reading, token_holdings,
		wait_for_end_of,
	},
	wait_until, DevNode,
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

	// 2. Bob offers 60 Wh of his PV (RES 0) at 0.040/kWh; Eve bids 50 Wh at 0.090, Ferdie
	//    30 Wh at 0.060. AverageBid: MCP = (90,000 + 60,000) / 2 = 75,000; Ferdie is under it.
	let (bob, eve, ferdie) = (dev::bob(), dev::eve(), dev::ferdie());
	let offer = subxt::dynamic::tx(
		"Market",
		"place_offer",
		vec![Value::u128(slot.into()), Value::u128(0), Value::u128(60), Value::u128(40_000)],
	);
	// Each bid names the buyer's household meter (dev presets: Eve's is 3, Ferdie's 4).
	let bid = |meter: u128, wh: u128, price: u128| {
		subxt::dynamic::tx(
			"Market",
			"place_bid",
			vec![Value::u128(slot.into()), Value::u128(meter), Value::u128(wh), Value::u128(price)],
		)
	};
	let (eve_bid, ferdie_bid) = (bid(3, 50, 90_000), bid(4, 30, 60_000));
	let (a, b, c) = tokio::try_join!(
		submit(&api, &bob, &offer),
		submit(&api, &eve, &eve_bid),
		submit(&api, &ferdie, &ferdie_bid),
	)?;
	println!("orders: {a:?} {b:?} {c:?}");
	assert!(a.contains(&("Market".into(), "OfferPlaced".into())));
	assert!(b.contains(&("Market".into(), "BidPlaced".into())));
	assert!(c.contains(&("Market".into(), "BidPlaced".into())));

	// 3. Gate closure: the book clears by itself.
	wait_until("the auction to clear", Duration::from_secs(200), || async {
		Ok(slot_report(&client, slot).await?["status"] == "Cleared")
	})
	.await?;
	let cleared = slot_report(&client, slot).await?;
	println!("cleared: {cleared}");
	assert_eq!(u(&cleared, "mcp"), 75_000);
	assert_eq!(u(&cleared, "volume_wh"), 50);

	// Every transaction that moves money is in: what follows is the market's own doing (a
	// gateway's readings pay no fee).
	let utility = sr25519::Keypair::from_uri(&SecretUri::from_str("//Utility")?)?.public_key().0;
	let who = [bob.public_key().0, eve.public_key().0, ferdie.public_key().0, utility];
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
	// 50 Wh delivered at 75,000/kWh = 3,750; the other 20 attested Wh go to the utility at
	// 39,000/kWh = 780.
	assert_eq!(u(&settled, "delivered_wh"), 50);
	assert_eq!(u(&settled, "shortfall_wh"), 0);
	assert_eq!(u(&settled, "paid"), 3_750);
	assert_eq!(u(&settled, "feed_in_wh"), 20);
	assert_eq!(u(&settled, "feed_in_paid"), 780);

	let mut after = Vec::new();
	for account in who {
		after.push((money(&api, account).await?, token_holdings(&api, account).await?));
	}
	let total = |((free, reserved), _): &((u128, u128), u64)| (*free + *reserved) as i128;
	let deltas: Vec<i128> = before.iter().zip(&after).map(|(b, a)| total(a) - total(b)).collect();
	println!("money deltas (Bob, Eve, Ferdie, Utility): {deltas:?}");
	assert_eq!(deltas, vec![3_750 + 780, -3_750, 0, -780]);
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
	let names = ["Bob", "Eve", "Ferdie", "Utility"];
	for ((((_, held), _), account), name) in after.iter().zip(who).zip(names) {
		let templates =
			storage_u64(&api, "Market", "StandingOrdersOf", vec![Value::from_bytes(account)])
				.await?
				.unwrap_or(0) as u128;
		assert_eq!(*held, templates * deposit, "{name} still has funds of this hour held");
	}
	// Tokens: the slot's certificate of Bob's RES says where its 70 Wh went: 50 delivered to
	// Eve (retired in her name), 20 fed in; nobody holds any of it, the utility included.
	let certificate = certificate(&api, slot, 0)
		.await?
		.ok_or_else(|| anyhow!("no certificate for slot {slot}"))?;
	println!("certificate (minted, delivered, retired, fed in): {certificate:?}");
	assert_eq!(certificate, [70, 50, 0, 20]);
	assert_eq!(after[0].1, before[0].1, "Bob holds none of the slot's tokens");
	assert_eq!(after[3].1, before[3].1, "fed-in tokens are not held by the utility");
	Ok(())
}
