//! The simulated meters: at the end of each market slot (by the wall clock), each meter reads
//! its registers from its profile, signs the reading with its own key and keeps it in its
//! outbox; the outbox is published over MQTT (QoS 1) until the gateway acknowledges it.

use std::{
	collections::{BTreeMap, BTreeSet, HashMap},
	io::Write,
	path::PathBuf,
	sync::Arc,
	time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use anyhow::{anyhow, bail, Context, Result};
use energy_gateway::{
	chain::{state_of, Chain},
	keystore::{self, MeterKey},
	message::{self, AckMessage, ReadingMessage},
	mqtt::{self, Broker},
	queue::{MeterState, Queue},
	replay::{self, Clock, MeterSource},
};
use rumqttc::{AsyncClient, Event, Packet, QoS};
use tracing::{info, warn};

/// How the simulated meters run.
#[derive(Clone, Debug, clap::Args)]
pub struct MeterOptions {
	/// The MQTT broker the gateway listens on (`mqtt://host:port`).
	#[arg(long, default_value = "mqtt://127.0.0.1:1883")]
	pub broker: Broker,
	/// The meters' key file (JSON, mode 600; `energy-meter keys` writes the dev chain's).
	#[arg(long)]
	pub keys: PathBuf,
	/// Which profile each meter replays (the gateway's replay file format); the meters with a
	/// key are simulated.
	#[arg(long)]
	pub replay: PathBuf,
	/// The meters' state and outbox (created on first run; keep it across restarts).
	#[arg(long)]
	pub store: PathBuf,
	/// The node's WebSocket RPC endpoint, read once when the store is new (commissioning):
	/// the chain's genesis hash and slot length, and each meter's registered key, sequence and
	/// registers.
	#[arg(long, env = "ENERGY_NODE_URL", default_value = "ws://127.0.0.1:9944")]
	pub url: String,
	/// Replay one profile hour per market slot from `--start-hour` (demos on one-minute dev
	/// slots) instead of the slot's own hour of the year.
	#[arg(long)]
	pub accelerated: bool,
	/// The profile hour replayed by the first slot on the accelerated clock.
	#[arg(long, default_value_t = 4_300)]
	pub start_hour: u32,
	/// Publish a reading again if the gateway has not acknowledged it after this long.
	#[arg(long, default_value_t = 20)]
	pub retry_seconds: u64,
	/// Append every reading made, as the message published, to this file (one JSON per line).
	#[arg(long)]
	pub journal: Option<PathBuf>,
	/// Stop once every meter has read this slot and the gateway has acknowledged everything.
	#[arg(long)]
	pub until_slot: Option<u32>,
	/// The MQTT client id (the persistent session); default `energy-meter-<first meter id>`.
	#[arg(long)]
	pub client_id: Option<String>,
}

/// What a store fixes at commissioning.
struct Commissioned {
	genesis: [u8; 32],
	slot_ms: u64,
	anchor_slot: u32,
}

/// Runs the meters until `--until-slot` (or forever).
pub async fn run(options: MeterOptions) -> Result<()> {
	let keys = keystore::load_meter_keys(&options.keys)?;
	let (file_clock, sources) = replay::load_file(&options.replay)?;
	let sources: BTreeMap<u32, MeterSource> = sources
		.into_iter()
		.filter(|source| keys.contains_key(&source.definition.meter))
		.map(|source| (source.definition.meter, source))
		.collect();
	let keys: BTreeMap<u32, MeterKey> =
		keys.into_iter().filter(|(meter, _)| sources.contains_key(meter)).collect();
	if keys.is_empty() {
		bail!("no meter of {} has a key in {}", options.replay.display(), options.keys.display());
	}
	let outbox = Arc::new(Queue::open(&options.store)?);
	let chain = commission(&options, &keys, &outbox).await?;
	let clock = if let Some(fixed) = file_clock {
		Clock::Accelerated { anchor_slot: fixed.anchor_slot, start_hour: fixed.start_hour }
	} else if options.accelerated {
		Clock::Accelerated { anchor_slot: chain.anchor_slot, start_hour: options.start_hour }
	} else {
		Clock::Real
	};
	let first_meter = *keys.keys().next().expect("not empty; qed");
	let client_id =
		options.client_id.clone().unwrap_or_else(|| format!("energy-meter-{first_meter}"));
	let (client, mut eventloop) =
		AsyncClient::new(mqtt::client_options(&client_id, &options.broker), 64);

	// The event loop: subscribe to the acks at every connection, drop acknowledged readings.
	let (genesis, acks_outbox) = (chain.genesis, outbox.clone());
	let ours: Vec<u32> = keys.keys().copied().collect();
	let ack_client = client.clone();
	tokio::spawn(async move {
		loop {
			match eventloop.poll().await {
				Ok(Event::Incoming(Packet::ConnAck(_))) => {
					info!("connected to the broker");
					let client = ack_client.clone();
					tokio::spawn(async move {
						let filter = message::acks_filter(&genesis);
						if let Err(e) = client.subscribe(filter, QoS::AtLeastOnce).await {
							warn!("could not subscribe to the acks: {e}");
						}
					});
				},
				Ok(Event::Incoming(Packet::Publish(publish))) => {
					match AckMessage::parse(&publish.payload) {
						Some(ack)
							if ours.contains(&ack.meter)
								&& publish.topic == message::acks_topic(&genesis, ack.meter) =>
						{
							// An ack beyond what this meter has read is not the gateway's.
							let acked = acks_outbox.last_sequence(ack.meter).and_then(|last| {
								if ack.sequence > last {
									warn!(
										meter = ack.meter,
										ack.sequence, "ignored an ack of a reading never made"
									);
									return Ok(0);
								}
								acks_outbox.acknowledge_up_to(ack.meter, ack.sequence)
							});
							if let Err(e) = acked {
								warn!("outbox: {e:#}");
							}
						},
						_ => warn!(topic = %publish.topic, "ignored a message that is not an ack"),
					}
				},
				Ok(_) => {},
				Err(e) => {
					warn!("broker unavailable ({e}); retrying");
					tokio::time::sleep(Duration::from_secs(1)).await;
				},
			}
		}
	});

	let retry = Duration::from_secs(options.retry_seconds);
	let mut published: HashMap<(u32, u64), Instant> = HashMap::new();
	let mut last_line = Instant::now() - Duration::from_secs(60);
	loop {
		let last_ended = wall_clock_last_ended(chain.slot_ms);
		let made = outbox.produce(&keys, &chain.genesis, last_ended, 60, |meter, slot| {
			sources[&meter].slot_energy(clock.profile_hour(slot, chain.slot_ms), chain.slot_ms)
		})?;
		if let (Some(path), false) = (&options.journal, made.is_empty()) {
			let mut file = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
			for signed in &made {
				let mut line = ReadingMessage::of(signed).to_bytes();
				line.push(b'\n');
				file.write_all(&line)?;
			}
		}
		// The outbox, by meter and sequence. A meter with a reading unacknowledged for `retry`
		// publishes all of its outbox again, in order (the gateway takes a meter's readings
		// only in sequence); otherwise only what was never published goes out.
		let waiting = outbox.pending(1_000, u32::MAX)?;
		let keys_waiting: BTreeSet<(u32, u64)> =
			waiting.iter().map(|r| (r.reading.meter, r.reading.sequence)).collect();
		published.retain(|key, _| keys_waiting.contains(key));
		let due: BTreeSet<u32> = waiting
			.iter()
			.map(|r| (r.reading.meter, r.reading.sequence))
			.filter(|key| published.get(key).is_some_and(|at| at.elapsed() >= retry))
			.map(|(meter, _)| meter)
			.collect();
		for signed in &waiting {
			let key = (signed.reading.meter, signed.reading.sequence);
			if due.contains(&key.0) || !published.contains_key(&key) {
				let topic = message::readings_topic(&chain.genesis, key.0);
				let payload = ReadingMessage::of(signed).to_bytes();
				client.publish(topic, QoS::AtLeastOnce, false, payload).await?;
				published.insert(key, Instant::now());
			}
		}
		let counters = outbox.counters()?;
		if !made.is_empty() || last_line.elapsed() >= Duration::from_secs(30) {
			println!(
				"slot {last_ended}: {} meters, read {}, acknowledged {}, outbox {}",
				keys.len(),
				counters.produced,
				counters.acknowledged,
				outbox.backlog()?
			);
			last_line = Instant::now();
		}
		if let Some(until) = options.until_slot {
			if all_read(&outbox, &keys, until)? && outbox.backlog()? == 0 {
				println!(
					"done: read {}, acknowledged {}, outbox 0",
					counters.produced, counters.acknowledged
				);
				let _ = client.disconnect().await;
				return Ok(());
			}
		}
		tokio::time::sleep(Duration::from_secs(1)).await;
	}
}

/// The last market slot that has ended by this machine's clock.
fn wall_clock_last_ended(slot_ms: u64) -> u32 {
	let now_ms = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64);
	((now_ms / slot_ms.max(1)) as u32).saturating_sub(1)
}

/// Whether every meter has read `slot` or a later one.
fn all_read(outbox: &Queue, keys: &BTreeMap<u32, MeterKey>, slot: u32) -> Result<bool> {
	for meter in keys.keys() {
		let last = outbox.meter_state(*meter)?.and_then(|state| state.last_slot);
		if last.is_none_or(|last| last < slot) {
			return Ok(false);
		}
	}
	Ok(true)
}

/// A new store is commissioned from the chain: its genesis hash and slot length, and each
/// meter's state (its registered key must be this key); a meter reads first the slot that has
/// just ended. A commissioned store needs no node (a meter does not talk to the chain).
async fn commission(
	options: &MeterOptions,
	keys: &BTreeMap<u32, MeterKey>,
	outbox: &Queue,
) -> Result<Commissioned> {
	if let (Some(genesis), Some(slot_ms), Some(anchor)) =
		(outbox.setting("genesis")?, outbox.setting("slot_ms")?, outbox.setting("anchor_slot")?)
	{
		return Ok(Commissioned {
			genesis: genesis.as_slice().try_into().context("stored genesis")?,
			slot_ms: u64::from_le_bytes(slot_ms.as_slice().try_into().context("stored slot")?),
			anchor_slot: u32::from_le_bytes(anchor.as_slice().try_into().context("anchor")?),
		});
	}
	let chain = Chain::connect(&options.url).await?;
	let last_ended = chain
		.last_ended_slot()
		.await?
		.ok_or_else(|| anyhow!("no block with a timestamp finalized yet; try again"))?;
	let genesis_slot = chain.genesis_slot().await?;
	for (meter, key) in keys {
		let record = chain
			.meter(*meter)
			.await?
			.ok_or_else(|| anyhow!("meter {meter} is not an active meter on this chain"))?;
		if record.key.0 != key.public() {
			bail!("meter {meter} is registered with another key than the one in the key file");
		}
		let on_chain = state_of(&record, genesis_slot);
		// Energy before commissioning is not this meter's to report: it starts at the slot
		// that just ended.
		let start = last_ended.saturating_sub(1);
		let state = MeterState {
			last_slot: Some(on_chain.last_slot.map_or(start, |last| last.max(start))),
			..on_chain
		};
		outbox.init_meter(*meter, state)?;
	}
	outbox.setting_or_init("genesis", &chain.genesis, true)?;
	outbox.setting_or_init("slot_ms", &chain.slot_ms.to_le_bytes(), true)?;
	outbox.setting_or_init("anchor_slot", &last_ended.to_le_bytes(), true)?;
	info!(
		genesis = %hex::encode(chain.genesis),
		slot_ms = chain.slot_ms,
		meters = keys.len(),
		first_slot = last_ended,
		"commissioned"
	);
	Ok(Commissioned { genesis: chain.genesis, slot_ms: chain.slot_ms, anchor_slot: last_ended })
}
