//! The gateway loop: queue the readings of the ended slots (signed here with keystore keys, or
//! received signed from the meters over MQTT), submit them in batches and settle them when
//! finalized; survive node, broker and gateway restarts and lost connections.

use std::{
	collections::BTreeMap,
	path::PathBuf,
	sync::Arc,
	time::{Duration, Instant},
};

use anyhow::{anyhow, bail, Result};
use tracing::{info, warn};

use crate::{
	chain::{state_of, Chain},
	intake::ChainView,
	keystore::{Keystore, MeterKey},
	mqtt::{self, Broker},
	queue::{Counters, Queue},
	replay::{self, Clock, MeterSource},
};

/// How the gateway runs.
#[derive(Clone, Debug, clap::Args)]
pub struct GatewayOptions {
	/// The node's WebSocket RPC endpoint.
	#[arg(long, env = "ENERGY_NODE_URL", default_value = "ws://127.0.0.1:9944")]
	pub url: String,
	/// The keystore file (JSON, mode 600): the gateway account and, in keystore mode, the keys
	/// of the meters that cannot sign for themselves (none in MQTT-only mode).
	#[arg(long)]
	pub keystore: PathBuf,
	/// Keystore mode: the replay file (which profile each meter replays, and how big its
	/// installation is); the gateway meters and signs for these meters.
	#[arg(long, required_unless_present = "mqtt")]
	pub replay: Option<PathBuf>,
	/// MQTT mode: the broker (`mqtt://host:port`) the meters publish their signed readings on;
	/// the gateway forwards those of the meters on its page that have no key in the keystore.
	#[arg(long)]
	pub mqtt: Option<Broker>,
	/// The gateway's MQTT client id (its persistent session on the broker); default
	/// `energy-gateway-<gateway address>`.
	#[arg(long)]
	pub mqtt_client_id: Option<String>,
	/// The queue database (created on first run; keep it across restarts).
	#[arg(long)]
	pub store: PathBuf,
	/// Replay one profile hour per market slot from `--start-hour` (demos on one-minute dev
	/// slots) instead of the slot's own hour of the year.
	#[arg(long)]
	pub accelerated: bool,
	/// The profile hour replayed by the first slot on the accelerated clock (4,300: a June day).
	#[arg(long, default_value_t = 4_300)]
	pub start_hour: u32,
	/// Most readings per batch (the runtime takes up to 1,024).
	#[arg(long, default_value_t = 512)]
	pub batch: usize,
	/// Batches in the pool at once.
	#[arg(long, default_value_t = 4)]
	pub in_flight: usize,
	/// Most slots metered per meter and cycle when catching up after downtime.
	#[arg(long, default_value_t = 60)]
	pub max_catch_up: u32,
	/// Stop once this slot is metered (in MQTT mode: every forwarded meter's reading of it is
	/// queued) and the queue is empty.
	#[arg(long)]
	pub until_slot: Option<u32>,
	/// Seconds between cycles.
	#[arg(long, default_value_t = 2)]
	pub poll_seconds: u64,
}

/// Runs the gateway until `--until-slot` (or forever).
pub async fn run(options: GatewayOptions) -> Result<()> {
	let keystore = Keystore::load(&options.keystore)?;
	let (file_clock, sources) = match &options.replay {
		Some(path) => replay::load_file(path)?,
		None => (None, Vec::new()),
	};
	let sources: BTreeMap<u32, MeterSource> =
		sources.into_iter().map(|source| (source.definition.meter, source)).collect();
	let keys: BTreeMap<_, _> = keystore
		.meters
		.iter()
		.filter(|(meter, _)| sources.contains_key(meter))
		.map(|(meter, key)| (*meter, key.clone()))
		.collect();
	if let Some(meter) = sources.keys().find(|meter| !keystore.meters.contains_key(meter)) {
		bail!("meter {meter} is replayed but has no key in the keystore");
	}
	let queue = Arc::new(Queue::open(&options.store)?);
	let view = Arc::new(ChainView::default());
	let mut intake = None;
	info!(
		gateway = %keystore.gateway_address(),
		keystore_meters = keys.len(),
		mqtt = options.mqtt.is_some(),
		"gateway starting"
	);

	let mut chain: Option<(Chain, Clock)> = None;
	let mut last_line = Instant::now() - Duration::from_secs(60);
	let mut last_shown = None;
	loop {
		if chain.is_none() {
			match connect(&options, file_clock, &keystore, &queue).await {
				Ok(connected) => chain = Some(connected),
				Err(e) => {
					warn!("node unavailable ({e:#}); backlog {}", queue.backlog()?);
					tokio::time::sleep(Duration::from_secs(options.poll_seconds)).await;
					continue;
				},
			}
		}
		let Some((connected, clock)) = chain.as_ref() else { continue };
		let result = match refresh_view(connected, &keystore, &keys, &queue, &view).await {
			Ok(last_ended) => {
				cycle(&options, &keystore, &keys, &sources, &queue, connected, *clock, last_ended)
					.await
			},
			Err(e) => Err(e),
		};
		// The MQTT intake starts once the view holds the page and the clock, and then runs
		// whether or not the node is reachable (the queue keeps what it receives).
		if let (None, Some(broker), true) = (&intake, &options.mqtt, view.is_ready()) {
			let client_id = options
				.mqtt_client_id
				.clone()
				.unwrap_or_else(|| format!("energy-gateway-{}", keystore.gateway_address()));
			let task = mqtt::run_intake(
				broker.clone(),
				client_id,
				connected.genesis,
				queue.clone(),
				view.clone(),
			);
			intake = Some(tokio::spawn(task));
		}
		if intake.as_ref().is_some_and(|task| task.is_finished()) {
			let finished = intake.take().expect("checked above; qed");
			return match finished.await {
				Ok(Err(e)) => Err(e.context("the MQTT intake failed")),
				Ok(Ok(())) => Err(anyhow!("the MQTT intake stopped")),
				Err(e) => Err(anyhow!("the MQTT intake panicked: {e}")),
			};
		}
		match result {
			Ok(None) => {},
			Ok(Some(last_ended)) => {
				let backlog = queue.backlog()?;
				let counters = queue.counters()?;
				if last_line.elapsed() >= Duration::from_secs(30)
					|| last_shown.as_ref() != Some(&counters)
				{
					print_progress(last_ended, backlog, &counters);
					last_line = Instant::now();
					last_shown = Some(counters);
				}
				if let Some(until) = options.until_slot {
					let forwarded =
						options.mqtt.is_none() || forwarded_up_to(&view, &queue, until)?;
					if last_ended >= until && backlog == 0 && forwarded {
						print_progress(last_ended, backlog, &queue.counters()?);
						return Ok(());
					}
				}
			},
			Err(e) => {
				warn!("lost the node ({e:#}); will reconnect and resubmit what is not finalized");
				chain = None;
			},
		}
		tokio::time::sleep(Duration::from_secs(options.poll_seconds)).await;
	}
}

/// Whether every meter forwarded over MQTT has a reading of `slot` (or a later one) queued.
fn forwarded_up_to(view: &ChainView, queue: &Queue, slot: u32) -> Result<bool> {
	for meter in view.meters() {
		if queue.meter_state(meter)?.and_then(|state| state.last_slot).is_none_or(|s| s < slot) {
			return Ok(false);
		}
	}
	Ok(true)
}

/// Reads the gateway's page and the chain's clock at the last finalized block: meters new on
/// the page start from their chain state; the MQTT intake's view gets the keys of the page's
/// meters that the keystore does not sign for, and the clock. Returns the last ended slot
/// (`None` while only the genesis block is finalized).
async fn refresh_view(
	chain: &Chain,
	keystore: &Keystore,
	keys: &BTreeMap<u32, MeterKey>,
	queue: &Queue,
	view: &ChainView,
) -> Result<Option<u32>> {
	let Some(last_ended) = chain.last_ended_slot().await? else { return Ok(None) };
	let page = chain.page(&keystore.gateway.public_key().to_account_id()).await?;
	let genesis_slot = chain.genesis_slot().await?;
	let states: Vec<_> = page.iter().map(|m| (m.id, state_of(m, genesis_slot))).collect();
	queue.init_meters(&states)?;
	view.set_keys(
		page.iter()
			.filter(|meter| !keys.contains_key(&meter.id))
			.map(|meter| (meter.id, meter.key.0))
			.collect(),
	);
	view.set_last_ended(last_ended, chain.slot_ms);
	Ok(Some(last_ended))
}

/// Connects, checks the queue belongs to this chain, and reconciles the queue with the
/// finalized page: meters seen for the first time start from their chain state; queued
/// readings the chain already has are settled.
async fn connect(
	options: &GatewayOptions,
	file_clock: Option<replay::AcceleratedClock>,
	keystore: &Keystore,
	queue: &Queue,
) -> Result<(Chain, Clock)> {
	let chain = Chain::connect(&options.url).await?;
	queue.setting_or_init("genesis", &chain.genesis, true)?;
	let clock = if let Some(fixed) = file_clock {
		Clock::Accelerated { anchor_slot: fixed.anchor_slot, start_hour: fixed.start_hour }
	} else if options.accelerated {
		let first =
			chain.last_ended_slot().await?.ok_or_else(|| anyhow!("no block finalized yet"))?;
		let anchor = queue.setting_or_init("clock_anchor", &first.to_le_bytes(), false)?;
		let anchor_slot = u32::from_le_bytes(anchor.as_slice().try_into()?);
		Clock::Accelerated { anchor_slot, start_hour: options.start_hour }
	} else {
		Clock::Real
	};
	let gateway = keystore.gateway.public_key().to_account_id();
	let page = chain.page(&gateway).await?;
	if page.is_empty() {
		warn!(
			"{} has no meters on chain (is it a registered gateway?)",
			keystore.gateway_address()
		);
	}
	let genesis_slot = chain.genesis_slot().await?;
	let states: Vec<_> = page.iter().map(|m| (m.id, state_of(m, genesis_slot))).collect();
	queue.init_meters(&states)?;
	let mut confirmed = 0;
	for meter in &page {
		confirmed += queue.confirm_up_to(meter.id, meter.last_sequence)?;
	}
	info!(
		genesis = %hex::encode(chain.genesis),
		slot_ms = chain.slot_ms,
		meters_on_page = page.len(),
		confirmed_from_page = confirmed,
		backlog = queue.backlog()?,
		"connected"
	);
	Ok((chain, clock))
}

/// One cycle: meter the ended slots (keystore mode), submit one round of queued batches of
/// readings of ended slots, settle outcomes. Returns the last ended slot (`None`: no block
/// finalized yet, nothing done).
#[allow(clippy::too_many_arguments)]
async fn cycle(
	options: &GatewayOptions,
	keystore: &Keystore,
	keys: &BTreeMap<u32, MeterKey>,
	sources: &BTreeMap<u32, MeterSource>,
	queue: &Queue,
	chain: &Chain,
	clock: Clock,
	last_ended: Option<u32>,
) -> Result<Option<u32>> {
	let Some(last_ended) = last_ended else { return Ok(None) };
	let slot_ms = chain.slot_ms;
	queue.produce(keys, &chain.genesis, last_ended, options.max_catch_up, |meter, slot| {
		sources[&meter].slot_energy(clock.profile_hour(slot, slot_ms), slot_ms)
	})?;
	let pending = queue.pending(options.batch * options.in_flight, last_ended)?;
	if pending.is_empty() {
		return Ok(Some(last_ended));
	}
	queue.count_sent(pending.len() as u64)?;
	let batches: Vec<_> = pending.chunks(options.batch).map(<[_]>::to_vec).collect();
	let results = chain.submit_batches(&keystore.gateway, batches).await?;
	let mut failure = None;
	for result in results {
		match result {
			Ok(outcomes) => queue.settle(&outcomes)?,
			Err(e) => failure = Some(e),
		}
	}
	match failure {
		Some(e) => Err(e),
		None => Ok(Some(last_ended)),
	}
}

/// Prints the progress line.
pub fn print_progress(last_ended: u32, backlog: u64, counters: &Counters) {
	let rejected: u64 = counters.rejected.values().sum();
	let refused: u64 = counters.refused.values().sum();
	println!(
		"slot {last_ended}: produced {}, sent {}, accepted {}, already on chain {}, rejected {} {:?}, refused {} {:?}, backlog {backlog}",
		counters.produced, counters.sent, counters.accepted, counters.already_on_chain, rejected,
		counters.rejected, refused, counters.refused,
	);
}
