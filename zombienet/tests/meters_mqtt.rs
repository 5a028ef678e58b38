//! Meters that sign for themselves, over MQTT: `energy-meter` (the six dev meters, each signing
//! with its own key) → mosquitto → `energy-gateway` (a keystore with the gateway account and no
//! meter key) → a dev node. Mid-run the broker is killed with SIGKILL and restarted on its
//! persistence, then the gateway is killed and restarted on its queue; an attacker with access
//! to the broker injects a replayed message, a corrupted one, one for a meter that is not the
//! gateway's and one on another meter's topic. Checks: the readings the chain accepted are
//! exactly the readings the meters published (journal), each once, with the same registers; the
//! bad messages were counted by reason and never reached the chain.
//!
//! Needs `mosquitto` and `mosquitto_pub` (Debian's mosquitto and mosquitto-clients, installed by
//! `scripts/setup.sh`) and the release binaries `energy-node`, `energy-gateway`, `energy-meter`.

use std::{
	collections::{BTreeMap, BTreeSet},
	path::{Path, PathBuf},
	time::Duration,
};

use anyhow::{anyhow, ensure, Context, Result};
use energy_zombienet::{chain, client_binary, free_port, spawn_client, wait_until, DevNode};
use serde_json::Value as Json;
use tokio::process::{Child, Command};
use zombienet_sdk::subxt::{
	self,
	backend::{legacy::LegacyRpcMethods, rpc::RpcClient},
	dynamic::{At, Value},
	OnlineClient, PolkadotConfig,
};

type Api = OnlineClient<PolkadotConfig>;

/// Slots the meters read after the first.
const SLOTS: u32 = 5;

/// A mosquitto broker on 127.0.0.1 with its own configuration and persistence directory.
struct Broker {
	port: u16,
	dir: PathBuf,
	child: Option<Child>,
}

impl Broker {
	fn new(dir: &Path) -> Result<Self> {
		let port = free_port()?;
		let dir = dir.join("broker");
		std::fs::create_dir_all(&dir)?;
		// Started as root, mosquitto drops to the `user` of its configuration: this test's user,
		// who owns the persistence directory.
		let user = std::process::Command::new("id").arg("-un").output()?.stdout;
		let user = String::from_utf8(user)?.trim().to_string();
		std::fs::write(
			dir.join("mosquitto.conf"),
			format!(
				"listener {port} 127.0.0.1\nallow_anonymous true\nuser {user}\npersistence true\n\
				 persistence_location {}/\nautosave_interval 1\nmax_packet_size 65536\n\
				 log_dest file {}/mosquitto.log\n",
				dir.display(),
				dir.display()
			),
		)?;
		Ok(Broker { port, dir, child: None })
	}

	async fn start(&mut self) -> Result<()> {
		let binary = ["/usr/sbin/mosquitto", "/usr/bin/mosquitto"]
			.into_iter()
			.find(|path| Path::new(path).is_file())
			.ok_or_else(|| anyhow!("mosquitto not found: run scripts/setup.sh"))?;
		self.child = Some(spawn_client(
			Command::new(binary).arg("-c").arg(self.dir.join("mosquitto.conf")),
		)?);
		let port = self.port;
		wait_until("the broker", Duration::from_secs(20), || async move {
			Ok(tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok())
		})
		.await
	}

	async fn kill(&mut self) -> Result<()> {
		if let Some(mut child) = self.child.take() {
			child.kill().await?;
		}
		Ok(())
	}

	fn url(&self) -> String {
		format!("mqtt://127.0.0.1:{}", self.port)
	}

	/// Publishes `payload` on `topic`, QoS 1, as anyone with access to the broker can.
	async fn inject(&self, topic: &str, payload: &str) -> Result<()> {
		let status = Command::new("mosquitto_pub")
			.args(["-h", "127.0.0.1", "-p", &self.port.to_string(), "-q", "1", "-t", topic])
			.args(["-m", payload])
			.status()
			.await
			.context("running mosquitto_pub")?;
		ensure!(status.success(), "mosquitto_pub failed: {status}");
		Ok(())
	}
}

/// A reading's meter and sequence number.
type MeterSequence = (u64, u64);
/// A reading's slot, import and export (Wh).
type SlotEnergy = (u64, u64, u64);

fn start_gateway(url: &str, broker: &Broker, dir: &Path, until: u32) -> Result<Child> {
	spawn_client(
		Command::new(client_binary("energy-gateway")?)
			.args(["run", "--url", url, "--mqtt", &broker.url(), "--poll-seconds", "1"])
			.arg("--keystore")
			.arg(dir.join("gateway.json"))
			.arg("--store")
			.arg(dir.join("gateway.redb"))
			.args(["--until-slot", &until.to_string()]),
	)
}

/// Runs a client binary to completion; its stdout.
async fn output(binary: &str, args: &[&str], paths: &[&Path]) -> Result<Vec<u8>> {
	let output = Command::new(client_binary(binary)?).args(args).args(paths).output().await?;
	ensure!(output.status.success(), "{binary} {args:?} failed: {}", output.status);
	Ok(output.stdout)
}

async fn last_ended_slot(api: &Api) -> Result<u32> {
	Ok(chain::current_slot(api).await?.saturating_sub(1))
}

fn number(json: &Json, name: &str) -> Result<u64> {
	json[name].as_u64().ok_or_else(|| anyhow!("no number {name} in {json}"))
}

fn field(fields: &Value<u32>, name: &str) -> Result<u64> {
	fields
		.at(name)
		.and_then(|v| v.as_u128())
		.map(|v| v as u64)
		.ok_or_else(|| anyhow!("no numeric field {name}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn meters_sign_over_mqtt_and_every_reading_lands_once() -> Result<()> {
	let node = DevNode::start().await?;
	node.wait_for_open_auctions().await?;
	let url = node.url();
	let api = Api::from_url(&url).await?;
	let genesis = hex_lower(&api.genesis_hash().0);
	let dir = std::env::temp_dir().join(format!("energy-mqtt-{}", std::process::id()));
	let _ = std::fs::remove_dir_all(&dir);
	std::fs::create_dir_all(&dir)?;
	let replay = Path::new(env!("CARGO_MANIFEST_DIR")).join("../gateway/examples/dev-replay.json");

	// Keys: the gateway's keystore holds its account only; the meters hold their own keys.
	output(
		"energy-gateway",
		&["keys", "dev", "--without-meters", "--out"],
		&[&dir.join("gateway.json")],
	)
	.await?;
	output("energy-meter", &["keys", "--out"], &[&dir.join("meters.json")]).await?;
	let listed =
		output("energy-gateway", &["keys", "list", "--keystore"], &[&dir.join("gateway.json")])
			.await?;
	ensure!(!String::from_utf8_lossy(&listed).contains("meter "), "the gateway holds meter keys");

	let mut broker = Broker::new(&dir)?;
	broker.start().await?;
	let until = last_ended_slot(&api).await? + 1 + SLOTS;
	let start_block = chain::storage_u64(&api, "System", "Number", vec![]).await?.unwrap_or(0);
	let mut meters = spawn_client(
		Command::new(client_binary("energy-meter")?)
			.args(["run", "--url", &url, "--broker", &broker.url(), "--accelerated"])
			.args(["--retry-seconds", "10", "--until-slot", &until.to_string()])
			.arg("--keys")
			.arg(dir.join("meters.json"))
			.arg("--replay")
			.arg(&replay)
			.arg("--store")
			.arg(dir.join("meters.redb"))
			.arg("--journal")
			.arg(dir.join("journal.jsonl")),
	)?;
	let mut gateway = start_gateway(&url, &broker, &dir, until)?;

	// 1. The broker dies (SIGKILL) ten seconds before a slot ends and comes back 30 s later:
	//    the meters read that slot while it is away (their outbox keeps the readings).
	let slot_ms = chain::storage_u64(&api, "Market", "SlotLength", vec![]).await?.unwrap_or(60_000);
	let first = last_ended_slot(&api).await?;
	wait_until("a slot metered over MQTT", Duration::from_secs(180), || async {
		Ok(last_ended_slot(&api).await? > first)
	})
	.await?;
	sleep_until_before_slot_end(slot_ms, 10_000).await;
	broker.kill().await?;
	println!("broker killed (SIGKILL) at slot {}", last_ended_slot(&api).await?);
	tokio::time::sleep(Duration::from_secs(30)).await;
	broker.start().await?;
	println!("broker restarted on its persistence");

	// 2. The gateway dies (SIGKILL) ten seconds before the next slot ends and comes back 30 s
	//    later: the meters publish that slot's readings while it is away (the broker keeps them
	//    for its persistent session).
	tokio::time::sleep(Duration::from_secs(15)).await;
	sleep_until_before_slot_end(slot_ms, 10_000).await;
	gateway.kill().await?;
	println!("gateway killed (SIGKILL) at slot {}", last_ended_slot(&api).await?);
	tokio::time::sleep(Duration::from_secs(30)).await;
	let mut gateway = start_gateway(&url, &broker, &dir, until)?;

	// 3. An attacker on the broker: a replay of a published reading, a corrupted copy of one, a
	//    reading of a meter that is not the gateway's, one on another meter's topic.
	let published = read_journal(&dir)?;
	let early = published.first().ok_or_else(|| anyhow!("nothing published yet"))?.clone();
	let latest = published.last().expect("not empty; qed").clone();
	let topic = |meter: u64| format!("energy/{genesis}/meters/{meter}/readings");
	let early_meter = number(&early, "meter")?;
	broker.inject(&topic(early_meter), &early.to_string()).await?;
	let mut corrupted = latest.clone();
	let signature = corrupted["signature"].as_str().unwrap_or_default().to_string();
	let flipped = if signature.ends_with('0') { '1' } else { '0' };
	corrupted["signature"] = format!("{}{flipped}", &signature[..signature.len() - 1]).into();
	broker.inject(&topic(number(&latest, "meter")?), &corrupted.to_string()).await?;
	let mut foreign = latest.clone();
	foreign["meter"] = 99.into();
	broker.inject(&topic(99), &foreign.to_string()).await?;
	let other_topic = (number(&latest, "meter")? + 1) % 6;
	broker.inject(&topic(other_topic), &latest.to_string()).await?;
	println!("injected: a replay of meter {early_meter}'s first reading, a corrupted, a foreign and a misrouted message");

	// 4. Both run to `until`: the meters stop once the gateway acknowledged everything, the
	//    gateway once it is all finalized.
	let status = tokio::time::timeout(Duration::from_secs(600), meters.wait()).await??;
	ensure!(status.success(), "energy-meter failed: {status}");
	let status = tokio::time::timeout(Duration::from_secs(300), gateway.wait()).await??;
	ensure!(status.success(), "the restarted gateway failed: {status}");

	// What the meters published: every reading made, from the journal.
	let mut made: BTreeMap<(u64, u64), (u64, u64, u64)> = BTreeMap::new();
	for m in read_journal(&dir)? {
		let key = (number(&m, "meter")?, number(&m, "sequence")?);
		let value = (number(&m, "slot")?, number(&m, "import_wh")?, number(&m, "export_wh")?);
		ensure!(made.insert(key, value).is_none(), "the journal has {key:?} twice");
	}

	// What the chain did, block by block since the meters started.
	let end_block = chain::storage_u64(&api, "System", "Number", vec![]).await?.unwrap_or(0);
	let rpc = LegacyRpcMethods::<PolkadotConfig>::new(RpcClient::from_url(&url).await?);
	let mut accepted: BTreeMap<MeterSequence, Vec<SlotEnergy>> = BTreeMap::new();
	let mut others = Vec::new();
	for number in start_block..=end_block {
		let hash = rpc
			.chain_get_block_hash(Some(number.into()))
			.await?
			.ok_or_else(|| anyhow!("no block {number}"))?;
		for event in api.blocks().at(hash).await?.events().await?.iter() {
			let event = event?;
			if event.pallet_name() != "Meters" {
				continue;
			}
			let fields = Value {
				value: subxt::ext::scale_value::ValueDef::Composite(event.field_values()?),
				context: 0,
			};
			let key = (
				field(&fields, "meter").unwrap_or(u64::MAX),
				field(&fields, "sequence").unwrap_or(0),
			);
			match event.variant_name() {
				"ReadingAccepted" => accepted.entry(key).or_default().push((
					field(&fields, "slot")?,
					field(&fields, "import_wh")?,
					field(&fields, "export_wh")?,
				)),
				"ReadingDuplicate" | "ReadingRejected" => {
					let reason = fields.at("reason").and_then(chain::variant_name).unwrap_or("");
					others.push((event.variant_name().to_string(), key, reason.to_string()));
				},
				_ => {},
			}
		}
	}

	// Exactly the published readings, each once, with the published registers (the chain
	// reports register deltas; the dev meters start at zero).
	ensure!(made.len() >= 6 * (SLOTS as usize + 1), "only {} readings made", made.len());
	let mut registers: BTreeMap<u64, (u64, u64)> = BTreeMap::new();
	for (key, applied) in &accepted {
		ensure!(applied.len() == 1, "reading {key:?} accepted {} times", applied.len());
		let (slot, import, export) = applied[0];
		let total = registers.entry(key.0).or_default();
		*total = (total.0 + import, total.1 + export);
		let expected = made.get(key).ok_or_else(|| anyhow!("{key:?} accepted, never published"))?;
		ensure!(
			(slot, total.0, total.1) == *expected,
			"reading {key:?}: chain (slot, import, export) {:?}, published {expected:?}",
			(slot, total.0, total.1)
		);
	}
	let accepted_keys: BTreeSet<_> = accepted.keys().copied().collect();
	let made_keys: BTreeSet<_> = made.keys().copied().collect();
	ensure!(
		accepted_keys == made_keys,
		"published but not accepted: {:?}",
		made_keys.difference(&accepted_keys)
	);
	println!("{} readings of 6 meters published, each accepted once", made.len());

	// Nothing bad reached the chain: no rejection, nothing for meter 99, and the replayed
	// reading was not submitted again. (Readings in flight when the gateway was killed may
	// come back as an exact copy, `ReadingDuplicate`, or behind a later one of their meter,
	// `StaleSequence`: applied once all the same.)
	let replayed = (early_meter, number(&early, "sequence")?);
	for (variant, key, reason) in &others {
		println!("chain: {variant} {key:?} {reason}");
		let resubmitted = variant == "ReadingDuplicate"
			|| (variant == "ReadingRejected" && reason == "StaleSequence");
		ensure!(resubmitted && accepted.contains_key(key), "the chain rejected {key:?}: {reason}");
		ensure!(*key != replayed && key.0 != 99, "the injected {key:?} reached the chain");
	}

	// The gateway's account: every bad message counted by its reason.
	let counters: Json = serde_json::from_slice(
		&output("energy-gateway", &["status", "--json", "--store"], &[&dir.join("gateway.redb")])
			.await?,
	)?;
	println!("gateway counters: {counters}");
	let refused = &counters["refused"];
	for (reason, expected) in [("bad_signature", 1), ("foreign_meter", 1), ("wrong_topic", 1)] {
		ensure!(
			refused[reason] == expected,
			"refused {reason}: {}, expected {expected}",
			refused[reason]
		);
	}
	ensure!(number(refused, "replayed")? >= 1, "the replay was not refused");
	// Besides the injected messages, only the copies that restarts cause (redelivered, or sent
	// again by a meter before its earlier reading arrived).
	let reasons: BTreeSet<&str> =
		refused.as_object().map(|o| o.keys().map(String::as_str).collect()).unwrap_or_default();
	let expected = ["bad_signature", "foreign_meter", "out_of_order", "replayed", "wrong_topic"];
	ensure!(reasons.iter().all(|r| expected.contains(r)), "unexpected refusals: {refused}");
	ensure!(counters["rejected"] == serde_json::json!({}), "rejected: {}", counters["rejected"]);
	let settled = number(&counters, "accepted")? + number(&counters, "already_on_chain")?;
	ensure!(number(&counters, "produced")? == made.len() as u64 && settled == made.len() as u64);
	ensure!(number(&counters, "backlog")? == 0);
	let outbox: Json = serde_json::from_slice(
		&output("energy-meter", &["status", "--json", "--store"], &[&dir.join("meters.redb")])
			.await?,
	)?;
	println!("meter outbox: {outbox}");
	ensure!(number(&outbox, "backlog")? == 0 && number(&outbox, "produced")? == made.len() as u64);
	broker.kill().await?;
	Ok(())
}

/// The readings the meters made so far (complete lines of the journal).
fn read_journal(dir: &Path) -> Result<Vec<Json>> {
	let journal = std::fs::read_to_string(dir.join("journal.jsonl"))?;
	let complete = &journal[..journal.rfind('\n').map_or(0, |end| end + 1)];
	Ok(complete.lines().map(serde_json::from_str).collect::<Result<_, _>>()?)
}

/// Sleeps until `before_ms` before the end of the current market slot by the wall clock (the
/// meters' clock).
async fn sleep_until_before_slot_end(slot_ms: u64, before_ms: u64) {
	let now = std::time::SystemTime::now()
		.duration_since(std::time::UNIX_EPOCH)
		.map_or(0, |d| d.as_millis() as u64);
	let into_slot = now % slot_ms;
	let wait = (slot_ms - before_ms + slot_ms - into_slot) % slot_ms;
	tokio::time::sleep(Duration::from_millis(wait)).await;
}

fn hex_lower(bytes: &[u8]) -> String {
	bytes.iter().map(|b| format!("{b:02x}")).collect()
}
