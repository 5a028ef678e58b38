//! A DSO flexibility request on a dev node, end to end: Eve's and Ferdie's consumption meters
//! (3 and 4) have their past imported and are reported every slot by the test's gateway, so
//! Alice's off-chain worker forecasts them; the DSO (`//Dso`) asks them for less import in a
//! slot whose forecasts exist, Eve commits, her meter's reading of that slot comes in below
//! her baseline, and anyone settles: Eve is paid the committed reduction from the DSO's hold.
//! On the way, the live chain refuses by name a member posting a request, a slot without a
//! prior forecast, an overcommitment and a late acceptance, each leaving the open requests as
//! they were.
//!
//! Run: `cargo test --test dev_flexibility -- --nocapture` (after building `energy-node`).

use anyhow::{anyhow, ensure, Context, Result};
use energy_zombienet::{
	chain::{storage_u64, submit, submit_with_fields},
	replay::{
		forecast, import_history, latest_forecast, market_slot, offset_replaying, run_gateway,
		ReplayMeter,
	},
	wait_until, DevNode,
};
use std::{
	str::FromStr,
	sync::{Arc, Mutex},
	time::Duration,
};
use zombienet_sdk::{
	subxt::{
		self,
		backend::rpc::RpcClient,
		dynamic::{At, Value},
		OnlineClient, PolkadotConfig,
	},
	subxt_signer::{sr25519, SecretUri},
};

/// Eve's and Ferdie's consumption meters.
const METERS: [ReplayMeter; 2] = [(3, "H0-A", 10_000.0), (4, "H0-B", 10_000.0)];

/// The price the DSO pays per Wh reduced: 0.2 CEUR per kWh.
const PRICE: u128 = 200;

fn keypair(uri: &str) -> Result<sr25519::Keypair> {
	Ok(sr25519::Keypair::from_uri(&SecretUri::from_str(uri)?)?)
}

fn post_request(first_slot: u32, meters: &[u32], reduction_wh: u64) -> subxt::tx::DynamicPayload {
	subxt::dynamic::tx(
		"Flexibility",
		"post_request",
		vec![
			Value::u128(first_slot.into()),
			Value::u128(1),
			Value::unnamed_composite(meters.iter().map(|&m| Value::u128(m.into()))),
			Value::u128(reduction_wh.into()),
			Value::u128(PRICE),
		],
	)
}

fn accept(id: u64, meter: u32, reduction_wh: u64) -> subxt::tx::DynamicPayload {
	subxt::dynamic::tx(
		"Flexibility",
		"accept",
		vec![Value::u128(id.into()), Value::u128(meter.into()), Value::u128(reduction_wh.into())],
	)
}

/// `FlexibilityApi::open_requests()`, as a value.
async fn open_requests(api: &OnlineClient<PolkadotConfig>) -> Result<Value<u32>> {
	let call =
		subxt::dynamic::runtime_api_call("FlexibilityApi", "open_requests", Vec::<Value>::new());
	Ok(api.runtime_api().at_latest().await?.call(call).await?.to_value()?)
}

/// Submits `call`, which must fail with `error`, and checks the open requests did not change.
async fn refused(
	api: &OnlineClient<PolkadotConfig>,
	signer: &sr25519::Keypair,
	call: &subxt::tx::DynamicPayload,
	error: &str,
) -> Result<()> {
	let before = format!("{:?}", open_requests(api).await?);
	let outcome = match submit(api, signer, call).await {
		Ok(events) => anyhow::bail!("expected {error}, but the call went in: {events:?}"),
		Err(outcome) => format!("{outcome:#}"),
	};
	ensure!(outcome.contains(error), "refused, but not as {error}: {outcome}");
	ensure!(format!("{:?}", open_requests(api).await?) == before, "{error} changed the requests");
	println!("refused as {error}; open requests unchanged");
	Ok(())
}

fn field(fields: &Value<u32>, name: &str) -> u128 {
	fields.at(name).and_then(|v| v.as_u128()).unwrap_or(u128::MAX)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_request_is_posted_accepted_delivered_and_settled() -> Result<()> {
	let node = DevNode::start().await?;
	let api = OnlineClient::<PolkadotConfig>::from_url(node.url()).await?;
	let client = Arc::new(RpcClient::from_url(node.url()).await?);
	wait_until("the first block to be finalized", Duration::from_secs(60), || async {
		Ok(storage_u64(&api, "Meters", "GenesisSlot", vec![]).await?.is_some())
	})
	.await?;
	let installed = storage_u64(&api, "Meters", "GenesisSlot", vec![])
		.await?
		.ok_or_else(|| anyhow!("block 1 recorded no GenesisSlot"))? as u32;
	// A January evening (data hour 24 × 10 + 19: 11 January 2016, 19:00): households import.
	let start = market_slot(&client).await?;
	let offset = offset_replaying(start + 6, 24 * 10 + 19);
	import_history(&client, &METERS, installed, offset).await?;

	// Eve's meter imports a quarter of her baseline in the requested slot, once it is known:
	// `(slot, import_wh)`.
	let reduced: Arc<Mutex<Option<(u32, u64)>>> = Arc::new(Mutex::new(None));
	let adjust = {
		let reduced = reduced.clone();
		Arc::new(move |meter: u32, slot: u32, (import, export): (u64, u64)| {
			match reduced.lock().ok().and_then(|r| *r) {
				Some((at, wh)) if meter == 3 && at == slot => (wh, export),
				_ => (import, export),
			}
		})
	};
	let gateway = tokio::spawn({
		let (api, client) = (api.clone(), client.clone());
		async move { run_gateway(api, client, &METERS, installed, offset, adjust).await }
	});

	wait_until("forecasts of Eve's and Ferdie's meters", Duration::from_secs(240), || async {
		Ok(latest_forecast(&api, 3).await?.is_some() && latest_forecast(&api, 4).await?.is_some())
	})
	.await?;
	// The slot: three ahead (time to post and accept), with both meters forecast to import.
	let mut slot = market_slot(&client).await? + 3;
	let (eve_baseline, ferdie_baseline) = loop {
		let eve = forecast(&api, 3, slot).await?.map(|f| f.0).unwrap_or(0);
		let ferdie = forecast(&api, 4, slot).await?.map(|f| f.0).unwrap_or(0);
		if eve >= 4 && ferdie >= 1 {
			break (eve, ferdie);
		}
		slot += 1;
		ensure!(slot < start + 60, "no slot with both meters forecast to import");
	};
	*reduced.lock().map_err(|_| anyhow!("poisoned"))? = Some((slot, eve_baseline / 4));
	println!("slot {slot}: baselines Eve {eve_baseline} Wh, Ferdie {ferdie_baseline} Wh");

	let dso = keypair("//Dso")?;
	let eve = keypair("//Eve")?;
	let ferdie = keypair("//Ferdie")?;
	let wanted = eve_baseline / 2;

	// Refusals: a member posts; a slot no forecast reaches.
	refused(&api, &eve, &post_request(slot, &[3, 4], wanted), "NotDso").await?;
	refused(&api, &dso, &post_request(slot + 500, &[3, 4], wanted), "NoPriorForecast").await?;

	// Posted, holding the full price.
	let events = submit_with_fields(&api, &dso, &post_request(slot, &[3, 4], wanted))
		.await
		.context("the DSO's request")?;
	let posted = events
		.iter()
		.find(|(pallet, event, _)| pallet == "Flexibility" && event == "RequestPosted")
		.map(|(.., fields)| fields.clone())
		.ok_or_else(|| anyhow!("no RequestPosted: {events:?}"))?;
	let id = field(&posted, "id") as u64;
	ensure!(field(&posted, "held") == u128::from(wanted) * PRICE, "{posted:?}");
	println!("request {id} posted: {wanted} Wh in slot {slot} at {PRICE} per Wh");

	// Eve commits all of it; Ferdie's Wh more is an overcommitment.
	let events =
		submit_with_fields(&api, &eve, &accept(id, 3, wanted)).await.context("Eve accepts")?;
	ensure!(
		events.iter().any(|(pallet, event, _)| pallet == "Flexibility" && event == "Accepted"),
		"{events:?}"
	);
	refused(&api, &ferdie, &accept(id, 4, 1), "Overcommitted").await?;
	let requests = open_requests(&api).await?;
	let shown = requests.at(0).ok_or_else(|| anyhow!("the request is not open: {requests:?}"))?;
	let baseline = shown.at("meters").at(0).at("baseline_wh").at(0).and_then(|v| v.as_u128());
	println!(
		"FlexibilityApi.open_requests(): request {}, {} of {} Wh committed, Eve's baseline {baseline:?} Wh",
		field(shown, "id"),
		field(shown, "committed_wh"),
		field(shown, "reduction_wh"),
	);
	ensure!(field(shown, "committed_wh") == u128::from(wanted), "{shown:?}");
	ensure!(baseline == Some(u128::from(eve_baseline)), "the baseline is the forecast: {shown:?}");

	// Acceptance closes when the slot begins.
	wait_until("the requested slot to begin", Duration::from_secs(300), || async {
		Ok(market_slot(&client).await? >= slot)
	})
	.await?;
	refused(&api, &ferdie, &accept(id, 4, 1), "AcceptanceClosed").await?;

	// Delivery: the gateway reports Eve's slot at a quarter of her profile; once that reading is
	// in, Ferdie (anyone) settles.
	let settle = subxt::dynamic::tx("Flexibility", "settle", vec![Value::u128(id.into())]);
	let deadline = std::time::Instant::now() + Duration::from_secs(300);
	let events = loop {
		ensure!(std::time::Instant::now() < deadline, "the request did not settle in 300 s");
		if market_slot(&client).await? > slot {
			match submit_with_fields(&api, &ferdie, &settle).await {
				Ok(events) => break events,
				Err(error) if format!("{error:#}").contains("NotSettleable") => {},
				Err(error) => return Err(error),
			}
		}
		tokio::time::sleep(Duration::from_secs(2)).await;
	};
	let outcome = events
		.iter()
		.find(|(pallet, event, _)| pallet == "Flexibility" && event == "CommitmentSettled")
		.map(|(.., fields)| fields.clone())
		.ok_or_else(|| anyhow!("no CommitmentSettled: {events:?}"))?;
	println!("settled: {outcome:?}");
	ensure!(field(&outcome, "delivered_wh") == u128::from(wanted), "{outcome:?}");
	ensure!(field(&outcome, "paid") == u128::from(wanted) * PRICE, "{outcome:?}");
	ensure!(field(&outcome, "penalty") == 0, "{outcome:?}");
	ensure!(
		events
			.iter()
			.any(|(pallet, event, _)| pallet == "Flexibility" && event == "RequestSettled"),
		"{events:?}"
	);
	let requests = open_requests(&api).await?;
	ensure!(requests.at(0).is_none(), "the settled request is still open: {requests:?}");

	if gateway.is_finished() {
		return gateway.await?;
	}
	gateway.abort();
	Ok(())
}
